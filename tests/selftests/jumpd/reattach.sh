#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The seed's scenario: mid-stream, the transport under a session dies and
# the session moves, explicitly, to another one. (a) The client's uplink
# loses its address, or its link goes down: the session reattaches over
# the other uplink. (b) The NAT mapping changes (the router masquerades to
# another port range and forgets its mappings): the session reattaches
# through the new mapping. Each time: the same session ids, the stream
# finishes with the right checksum and no reset, both audit logs show the
# way back to attached with reason reattach-validated, and the longest
# interval without delivered bytes (the gap) is measured at the receiver.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

validated='.event == "transition" and .new == "attached" and .reason == "reattach-validated"'

# audit_count_above SIDE FILTER N: more than N audit records match.
audit_count_above() {
	[ "$(audit_count "$1" "$2")" -gt "$3" ]
}

# move HOW: HOW is addr-del, link-down or nat.
move() {
	local how=$1 ids up before after port moves

	topo_setup
	jd_start_both
	ids=$(session_ids)
	stream_start
	stream_wait_more 1000000 60 || fail "the stream stalled at $(stream_bytes) bytes"
	# Which uplink, and the moves so far, right before the event: under
	# emulation a stall can make the client move on its own meanwhile.
	up=$(active_uplink)
	moves=$(audit_count srv "$validated")
	before=$(binding_remote srv)
	echo "before: session $ids, uplink up$up, the server sees the client at $before"
	echo "$how at $(date +%T.%3N)"
	case $how in
	addr-del)
		ip -n "$cli" addr flush dev "up$up" ;;
	link-down)
		ip -n "$cli" link set "up$up" down ;;
	nat)
		in_rtr nft -f - <<-EOF
		flush chain ip nat postrouting
		add rule ip nat postrouting iifname "cl*" oifname "sv0" meta l4proto udp masquerade to :20000-20999
		add rule ip nat postrouting iifname "cl*" oifname "sv0" masquerade
		EOF
		in_rtr conntrack -F 2>/dev/null ;;
	esac
	wait_until 60 audit_count_above srv "$validated" "$moves" ||
		fail "the server validated no move after the $how"
	wait_audit 60 cli "$validated"
	wait_attached 30 || fail "not attached on both sides after the reattach"
	stream_wait_more 2000000 120 || fail "the stream did not go on after the reattach"
	stream_finish
	after=$(binding_remote srv)
	assert_eq "session ids after the reattach" "$ids" "$(session_ids)"
	assert_eq "server sessions" 1 "$(session_count srv)"
	[ "$after" != "$before" ] || fail "the server's binding is still $before"
	case $how in
	nat)
		port=${after##*:}
		[ "$port" -ge 20000 ] && [ "$port" -le 20999 ] ||
			fail "the server's binding $after is not the new mapping (port 20000-20999)"
		;;
	*)
		assert_eq "uplink carrying the session" $((1 - up)) "$(active_uplink)"
		;;
	esac
	echo "after: session $(session_ids), the server sees the client at $after"
	echo "stream: $stream_total bytes, same sha256 at both ends, no reset, gap $stream_gap ms"
	transitions cli | sed 's/^/client: /'
	transitions srv | sed 's/^/server: /'
}

ktap_begin 3
jd_case "client's uplink address removed mid-stream: reattached over the other uplink, same session, stream intact" \
	move addr-del
jd_case "client's uplink down mid-stream: reattached over the other uplink, same session, stream intact" \
	move link-down
jd_case "NAT mapping changed mid-stream: reattached through the new mapping, same session, stream intact" \
	move nat
ktap_end
