#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Only the challenge to the REATTACH attempt in progress may move the
# client. The client's uplink dies and it tries its other one, which cannot
# hear the server: the server validates it and its challenges are captured
# at the client, and dropped there. The first uplink comes back and the
# client settles there again. A captured challenge replayed afterwards (its MAC is
# genuine; only its moment is wrong) must switch nothing: the client stays
# where the server has it, and the session carries traffic. At a48bab0 the
# client followed any challenge to its last eight requests, and the two
# sides ended on different uplinks.
# The fallback handshake that runs while no path answers (resume) must not
# replace the session either: the server still has it.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

CTLPKT=$JP_TOPO_DIR/ctlpkt.py

# client_drop_from_server UPLINK: the client's firewall drops what the
# server sends it on that uplink (after ctlpkt's capture has seen it).
client_drop_from_server() {
	ip netns exec "$cli" nft -f - <<-EOF
	table ip jtc {
		chain in {
			type filter hook input priority 0;
			iifname "up$1" udp sport $SRV_PORT drop
		}
	}
	EOF
}

# requests_via UPLINK: REATTACH requests the client has logged on it (0
# is an answer, not a failure: cases run under set -e).
requests_via() {
	grep -c "REATTACH request .* via $(eval echo "\$UP${1}_CLI")" \
		"$topo_tmp/cli.log" || true
}

replay_logged() {
	grep -q "challenge $1 does not answer the request in progress" \
		"$topo_tmp/cli.log"
}

stale_challenge() {
	local ids up other line counter local_before remote_before n

	topo_setup
	jd_start_both
	ids=$(session_ids)
	up=$(active_uplink) || fail "no active uplink"
	other=$((1 - up))
	ip netns exec "$cli" "$PY" "$CTLPKT" capture "up$other" $CLI_PORT 2 \
		"$topo_tmp/chal" >"$topo_tmp/chal.log" 2>&1 &
	topo_pids+=("$!")
	wait_until 60 test -e "$topo_tmp/chal.ready" ||
		fail "capture did not start: $(cat "$topo_tmp/chal.log")"
	client_drop_from_server "$other"
	# Its echoes stop too: once the standby's probes fail, a move there
	# takes a challenge (with a fresh token, a SWITCH would skip it).
	wait_until 60 grep -q "path .* via $(eval echo "\$UP${other}_CLI"): .* -> failed" \
		"$topo_tmp/cli.log" || fail "the client never found up$other failed"
	# The active uplink dies both ways: the client tries the other one,
	# whose challenges it never gets.
	block iifname "cl$up" drop
	block oifname "cl$up" drop
	wait_until 60 test -s "$topo_tmp/chal" ||
		fail "no challenge reached the client on up$other"
	echo "challenges captured on up$other: $(wc -l <"$topo_tmp/chal")"
	# Once the client has gone on to its next attempt, the old uplink
	# comes back; the client settles there (a validated move, or rx
	# resumed on its binding).
	n=$(requests_via "$up")
	wait_until 60 eval '[ "$(requests_via "$up")" -gt "$n" ]' ||
		fail "the client made no further attempt on up$up"
	unblock
	wait_attached 30 || fail "not attached after the outage: client $(state cli), server $(state srv)"
	local_before=$(binding_local cli) remote_before=$(binding_remote srv)
	echo "settled: client sends from $local_before, server sees $remote_before"
	[ "$local_before" = "$(eval echo "\$UP${up}_CLI")" ] ||
		fail "the client settled on $local_before, not up$up"
	# The newest captured challenge, sent to the client again.
	line=$(wc -l <"$topo_tmp/chal")
	counter=$((16#$(sed -n "${line}p" "$topo_tmp/chal" | cut -c17-32)))
	in_rtr "$PY" "$CTLPKT" send "$(eval echo "\$UP${other}_CLI")" $CLI_PORT \
		"$topo_tmp/chal" "$line"
	wait_until 30 eval 'replay_logged $counter || [ "$(binding_local cli)" != "$local_before" ]' ||
		fail "the replayed challenge $counter was not seen by the client"
	assert_eq "client's binding after the replay" "$local_before" "$(binding_local cli)"
	assert_eq "server's binding after the replay" "$remote_before" "$(binding_remote srv)"
	assert_eq "session ids" "$ids" "$(session_ids)"
	wait_attached 10 || fail "not attached: client $(state cli), server $(state srv)"
	pings_ok cli 3 -i 0.2 $SRV_IN4
	# The resume handshakes while no path answered found the session
	# alive at the server: not answered, nothing replaced.
	grep -q "resume handshake from .* while session .* lives, not answered" \
		"$topo_tmp/srv.log" && echo "the server left the live session alone on a resume handshake"
	audit_has cli '.reason == "peer-lost" or .reason == "superseded"' &&
		fail "the session was replaced"
	true
}

ktap_begin 1
jd_case "a stale challenge replayed after the move switches nothing; the resume handshake leaves the live session alone" \
	stale_challenge
ktap_end
