#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Forged and unwanted datagrams are dropped and counted under the right
# reason, on the device and (when it is known) on the session: a replayed
# datagram, one with a flipped bit, one for an unknown session id, and one
# whose inner source is outside the session's prefixes.
#
# To get real datagrams, the client's session is bound for a moment to a
# plain UDP socket in the server namespace (udpgram.py capture), two pings
# go there, and the binding goes back; udpgram.py send then delivers the
# captured datagrams, edited or not, to the server's jumping port.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

CAPTURE_PORT=40000

# send_dgram OUTER LINE [EDITS...]: captured datagram LINE to the server.
send_dgram() {
	local outer=$1 dst=$SRV_OUT4

	shift
	[ "$outer" = 4 ] || dst=$SRV_OUT6
	in_cli "$PY" "$TOPO_DIR/udpgram.py" send "$dst" $JP_PORT \
		"$topo_tmp/captured" "$@"
}

# sess_drop / dev_drop REASON: the server's session / device counter.
sess_drop() { echo "st($SRV_ID).drop_$1"; }
dev_drop() { echo ".stats.drop_$1"; }

captured_replayed_forged() {
	local outer=$1 pid rx

	topo_setup "$outer" chacha20poly1305
	ip netns exec "$srv" "$PY" "$TOPO_DIR/udpgram.py" capture \
		$CAPTURE_PORT 2 "$topo_tmp/captured" &
	pid=$!
	topo_pids+=("$pid")
	wait_until 20 udp_bound "$srv" $CAPTURE_PORT || fail "capture socket not bound"
	jc binding set jp0 id $CLI_ID \
		remote "$(endpoint "$outer" $SRV_OUT4 $SRV_OUT6 $CAPTURE_PORT)"
	# No reply can come: the requests go to the capture socket.
	in_cli ping -n -q -c 2 -i 0.2 -W 1 $SRV4 >/dev/null || true
	wait "$pid" || fail "capture did not get 2 datagrams"
	assert_eq "captured datagrams" 2 "$(wc -l <"$topo_tmp/captured")"
	jc binding set jp0 id $CLI_ID remote "$(endpoint "$outer" $SRV_OUT4 $SRV_OUT6)"
	rx=$(jq_dev "$srv" "st($SRV_ID).rx_packets")
	assert_eq "server rx before the captured datagrams" 0 "$rx"

	echo "the first captured datagram is genuine: accepted"
	send_dgram "$outer" 1
	wait_counter "$srv" "st($SRV_ID).rx_packets" 1

	echo "the same datagram again: replay"
	send_dgram "$outer" 1
	wait_counter "$srv" "$(sess_drop replay)" 1
	wait_counter "$srv" "$(dev_drop replay)" 1

	echo "the second with one ciphertext bit flipped: bad auth"
	send_dgram "$outer" 2 flip 20
	wait_counter "$srv" "$(sess_drop bad_auth)" 1
	wait_counter "$srv" "$(dev_drop bad_auth)" 1

	echo "the second with a session id nobody has: unknown session"
	send_dgram "$outer" 2 session-id 0x5eed
	wait_counter "$srv" "$(dev_drop unknown_session)" 1

	echo "the second, genuine: accepted (the forgery did not move the window)"
	send_dgram "$outer" 2
	wait_counter "$srv" "st($SRV_ID).rx_packets" 2

	echo "one bit of the header (the counter) flipped: bad auth, it is authenticated"
	send_dgram "$outer" 2 flip 12
	wait_counter "$srv" "$(sess_drop bad_auth)" 2

	# Nothing else was counted, under any reason.
	assert_eq "server session drops" 3 "$(jq_dev "$srv" "st($SRV_ID) | drops")"
	assert_eq "server rx packets" 2 "$(jq_dev "$srv" "st($SRV_ID).rx_packets")"
	for r in source_not_allowed malformed no_key unknown_session; do
		assert_eq "server session drop_$r" 0 "$(jq_dev "$srv" "$(sess_drop $r)")"
	done
	for r in source_not_allowed malformed no_key; do
		assert_eq "server device drop_$r" 0 "$(jq_dev "$srv" "$(dev_drop $r)")"
	done
	assert_eq "server device drop_bad_auth" 2 "$(jq_dev "$srv" "$(dev_drop bad_auth)")"
}

# The client may send from any address (its session's prefixes are where
# it sends to); the server allows only 10.10.0.1 and fd10::1.
source_not_allowed() {
	topo_setup 4 aes256gcm
	ip -n "$cli" addr add 10.10.0.9/32 dev jp0
	ip -n "$cli" addr add fd10::9/128 dev jp0 nodad
	in_cli ping -n -q -c 3 -i 0.2 -W 1 -I 10.10.0.9 $SRV4 >/dev/null &&
		fail "a ping from 10.10.0.9 was answered"
	in_cli ping -n -q -c 2 -i 0.2 -W 1 -I fd10::9 $SRV6 >/dev/null &&
		fail "a ping from fd10::9 was answered"
	wait_counter "$srv" "$(sess_drop source_not_allowed)" 5
	wait_counter "$srv" "$(dev_drop source_not_allowed)" 5
	assert_eq "server session drops" 5 "$(jq_dev "$srv" "st($SRV_ID) | drops")"
	assert_eq "server rx packets" 0 "$(jq_dev "$srv" "st($SRV_ID).rx_packets")"
	echo "the allowed source still gets through"
	# fd10::9/128 would win the source selection over fd10::1/64.
	ip -n "$cli" addr del 10.10.0.9/32 dev jp0
	ip -n "$cli" addr del fd10::9/128 dev jp0
	pings_ok "$cli" 2 -i 0.2 $SRV4
	pings_ok "$cli" 2 -i 0.2 $SRV6
}

ktap_begin 3
run_case "over IPv4: a captured datagram is accepted once; replayed, bit-flipped and unknown-session copies dropped by reason" \
	captured_replayed_forged 4
run_case "over IPv6: a captured datagram is accepted once; replayed, bit-flipped and unknown-session copies dropped by reason" \
	captured_replayed_forged 6
run_case "inner source outside the session's prefixes: dropped as source not allowed (IPv4 and IPv6)" \
	source_not_allowed
ktap_end
