#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# (i) One source (the "vic" namespace, not behind the client's NAT) floods
# the server with handshake initiations whose mac1 is right (each costs the
# server a DH before it fails) and forged REATTACH requests, 400 datagrams a
# second, while the client connects and later reattaches. The flooder gets
# its own share of the handshake budget and no more: the client's handshake
# and its move still go through, and the audit log sums the flood up in a
# few lines instead of one per datagram.
TOPO_VICTIM=1
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../jumpd/topo.sh"
source "$(dirname "$0")/lib.sh"

CTLPKT=$JP_TOPO_DIR/ctlpkt.py
rejected='.event == "reattach-rejected"'

# flood_start SECONDS SESSION_ID [RATE]: the flood, in the background.
flood_start() {
	ip netns exec "$vic" "$PY" "$CTLPKT" flood $SRV_OUT $SRV_PORT "$1" \
		"${3:-400}" "$(cat "$topo_tmp/srv.pub")" "$2" \
		>>"$topo_tmp/flood.log" 2>&1 &
	topo_pids+=("$!")
}

flooded() {
	local up t0 lines

	topo_setup
	jd_start srv
	flood_start 30 12345
	t0=$(date +%s%3N)
	jd_start cli
	wait_attached 60 || fail "the client could not connect during the flood"
	echo "connected during the flood in $(( $(date +%s%3N) - t0 )) ms"
	adv_ids=$(session_ids)
	adv_ended_srv=$(audit_count srv "$ended")
	stream_start 500000
	stream_wait_more 200000 60 || fail "the stream stalled during the flood"
	# Now at the live session, while it moves.
	flood_start 20 "$(show srv .id)"
	up=$(active_uplink) || fail "no active uplink"
	echo "up$up dies at $(date +%T.%3N), under the flood"
	ip -n "$cli" link set "up$up" down
	wait_audit 60 srv "$validated"
	adv_settled "(i) handshake and REATTACH flood from one source"
	wait_until 60 eval '[ "$(grep -c "^sent" "$topo_tmp/flood.log")" = 2 ]' ||
		fail "the flood did not end"
	cat "$topo_tmp/flood.log"
	lines=$(audit_count srv "$rejected")
	echo "the server's audit log has $lines reattach-rejected lines for $(audit_sum srv "$rejected") rejections"
	grep "over the handshake budget" "$topo_tmp/srv.log" | tail -n 1
	[ "$lines" -le 20 ] || fail "the flood wrote $lines audit lines"
}

# Under load: the server's shared handshake budget is 1/1s and the flood
# alone spends it (its source's share is 10/1s; a budget the server's CPU
# could not spend anyway, a DH taking most of 100 ms under TCG, would
# never run dry): the server answers
# initiations without a valid mac2 with cookie replies. The client gets
# one, comes back with mac2 and is served while the flood goes on; the
# flooder, which does not use its cookies, gets no more DHs than before.
# At a48bab0 the shared budget was charged first and the client waited
# for the end of the flood.
under_load() {
	local t0

	topo_setup
	sed -i '/^\[Interface\]/a HandshakeRateLimit = 1/1s' "$topo_tmp/srv.conf"
	jd_start srv
	flood_start 60 12345 100
	# The client comes once the flood has put the server under load
	# (a client first in line would take the one token itself).
	wait_until 60 grep -q "cookies for" "$topo_tmp/srv.log" ||
		fail "the flood did not put the server under load"
	t0=$(date +%s%3N)
	jd_start cli
	wait_attached 40 || fail "the client could not connect while the flood spent the budget"
	echo "connected under load in $(( $(date +%s%3N) - t0 )) ms"
	echo "server: $(grep -c 'does not decrypt' "$topo_tmp/srv.log" || true) DHs on the flood, $(grep -c 'bad shape or mac1' "$topo_tmp/srv.log" || true) bad shape or mac1, $(grep -c 'cookies for' "$topo_tmp/srv.log" || true) load periods"
	grep -m1 "under load; initiation again with its cookie" "$topo_tmp/cli.log" ||
		fail "the client never used a cookie"
	grep -m1 "cookies for" "$topo_tmp/srv.log"
	pings_ok cli 3 -i 0.2 $SRV_IN4
}

ktap_begin 2
jd_case "(i) a flood of initiations and REATTACH requests from one source: the client connects and reattaches" \
	flooded
jd_case "(i) under load (the flood spends the shared budget): a cookie reply, mac2, the client connects" \
	under_load
ktap_end
