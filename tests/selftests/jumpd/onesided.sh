#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One-sided: the client has no LocalAddress (the kernel picks the source),
# and its preferred default route goes away, as when a laptop's network
# manager changes routes. Its packets now leave by the other uplink and
# reach the server from a new address, while the server's packets still
# reach it on the old one: the client hears the server and never moves by
# itself, and the server's binding is silent. The server asks the client
# to reattach (SOLICIT); both converge on the new path, audited, same
# session. At a48bab0 the server's binding went silent and the session
# died at the server's TTL while traffic flowed both ways.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

validated='.event == "transition" and .new == "attached" and .reason == "reattach-validated"'

onesided() {
	local ids before after

	topo_setup
	sed -i '/^LocalAddress/d' "$topo_tmp/cli.conf"
	jd_start_both
	ids=$(session_ids)
	stream_start
	stream_wait_more 300000 60 || fail "the stream stalled at $(stream_bytes) bytes"
	before=$(binding_remote srv)
	echo "the server sees the client at $before; the client's route via up0 goes at $(date +%T.%3N)"
	ip -n "$cli" route del default via $UP0_RTR dev up0 metric 10
	wait_audit 60 srv "$validated"
	grep -m1 "asking it to reattach" "$topo_tmp/srv.log"
	wait_attached 30 || fail "not attached: client $(state cli), server $(state srv)"
	wait_until 60 one_binding ||
		fail "the server's binding $(binding_remote srv) is not where the client's packets come from"
	stream_wait_more 500000 120 || fail "the stream did not go on"
	stream_finish
	after=$(binding_remote srv)
	echo "the server now sees the client at $after; stream $stream_total bytes, gap $stream_gap ms"
	[ "$after" != "$before" ] || fail "the server's binding did not move"
	assert_eq "session ids" "$ids" "$(session_ids)"
	! audit_has srv '.reason == "ttl-expired"' || fail "the server's session expired"
}

ktap_begin 1
jd_case "one-sided: the client's packets come from elsewhere while it still hears the server: solicited reattach, same session" \
	onesided
ktap_end
