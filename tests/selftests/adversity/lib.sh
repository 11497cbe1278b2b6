# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# The adversity cases' helpers (sourced after ../lib.sh and ../jumpd/topo.sh).
#
# A case: adv_start (topology, both jumpd, a checksummed TCP stream from the
# client), the adversity, then adv_settled, which checks what must hold
# whatever happened on the way:
# - no session died while a working path existed (no ttl-expired, peer-lost
#   or superseded in either audit log, the same session ids), unless the
#   case says a new session is the right outcome (adv_new_session);
# - every byte arrived, the sha256 matches, the TCP connection was never
#   reset (stream_finish);
# - both sides ATTACHED on one binding: the server's binding is where the
#   client's packets come from (pings cross and the server's count of
#   authenticated packets from another address stays put);
# - the kernel log is clean (the script's last case, ktap_end).
# It prints the case's longest stall and the moves the server validated, one line
# "adversity: CASE: ..." that the README's table is made from.

validated='.event == "transition" and .new == "attached" and .reason == "reattach-validated"'
ended='.event == "transition" and .new == "terminated"'
adv_expect_new=0

# netem N ARGS...: netem ARGS on uplink N both ways (the client's upN and
# the router's clN), replacing what was there.
netem() {
	local n=$1

	shift
	ip netns exec "$cli" tc qdisc replace dev "up$n" root netem "$@"
	in_rtr tc qdisc replace dev "cl$n" root netem "$@"
}

# netem_server ARGS...: netem ARGS on the server's link both ways.
netem_server() {
	in_srv tc qdisc replace dev eth0 root netem "$@"
	in_rtr tc qdisc replace dev sv0 root netem "$@"
}

adv_start() {
	topo_setup
	jd_start_both
	adv_ids=$(session_ids)
	# The server may have replaced sessions while both sides started.
	adv_ended_srv=$(audit_count srv "$ended")
	stream_start "${1:-500000}"
	stream_wait_more 200000 60 || fail "the stream stalled at $(stream_bytes) bytes"
}

# adv_new_session: the case ends with a new session by design (the server
# lost its state, or the client was away past the TTL).
adv_new_session() {
	adv_expect_new=1
}

# adv_settled NAME: the invariants, then the report line.
adv_settled() {
	local name=$1 moves ids

	# Cases that leave loss on every path end DEGRADED on the client.
	wait_until 120 both_working ||
		fail "not attached on both sides: client $(state cli), server $(state srv)"
	wait_until 120 one_binding ||
		fail "no single binding: the server sees the client at $(binding_remote srv), and $(dev_stat srv rx_unknown_source) packets from elsewhere"
	# Up to 240 s: after a lossy stretch the inner TCP may be far into its
	# retransmission backoff (up to 120 s) before it tries again.
	stream_wait_more 300000 240 || fail "the stream did not go on (at $(stream_bytes) bytes)"
	stream_finish
	ids=$(session_ids)
	if [ "$adv_expect_new" = 0 ]; then
		assert_eq "session ids" "$adv_ids" "$ids"
		! audit_has cli "$ended" || fail "the client's session ended: $(audit cli "$ended")"
		assert_eq "server sessions ended" "$adv_ended_srv" "$(audit_count srv "$ended")"
	else
		[ "$ids" != "$adv_ids" ] || fail "expected a new session, still $ids"
	fi
	assert_eq "client sessions" 1 "$(session_count cli)"
	assert_eq "server sessions" 1 "$(session_count srv)"
	# The server's count: a client without a local address may move
	# without its own binding changing (one-sided, NAT).
	moves=$(audit_count srv "$validated")
	echo "adversity: $name: longest stall ${stream_gap} ms, moves $moves, $stream_total bytes intact, session ${ids% *}$([ "$adv_expect_new" = 1 ] && echo " (new)")"
}
