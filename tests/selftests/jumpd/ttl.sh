#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A session lives without a transport for SessionTTL, no longer: with every
# datagram between client and server dropped at the router, both sides go
# attached -> volatile -> recovering -> terminated (ttl-expired), and the
# kernel session is gone. A transport back before the TTL brings the same
# session back to attached.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

# The transport dies: nothing to or from the server's port gets through.
cut() {
	block udp dport $SRV_PORT drop
	block udp sport $SRV_PORT drop
}

no_session() {
	[ "$(session_count "$1")" = 0 ]
}

expires() {
	local side TOPO_TTL=3s

	topo_setup
	jd_start_both
	cut
	for side in srv cli; do
		wait_audit 60 $side '.event == "transition" and .new == "terminated" and .reason == "ttl-expired"'
		wait_until 10 no_session $side || fail "$side: the kernel still has the session"
		audit_has $side '.new == "volatile" and .reason == "rx-silence"' ||
			fail "$side: no attached -> volatile (rx-silence) before"
		audit_has $side '.new == "recovering"' ||
			fail "$side: no -> recovering before"
		transitions $side | sed "s/^/$side: /"
	done
}

returns() {
	local ids

	topo_setup
	jd_start_both
	ids=$(session_ids)
	cut
	wait_until 30 state_is srv recovering || fail "server: $(state srv), expected recovering"
	wait_until 30 state_is cli recovering || fail "client: $(state cli), expected recovering"
	unblock
	wait_attached 60 || fail "not attached again: client $(state cli), server $(state srv)"
	assert_eq "session ids" "$ids" "$(session_ids)"
	pings_ok cli 3 -i 0.2 $SRV_IN4
	transitions srv | sed 's/^/server: /'
}

ktap_begin 2
jd_case "transport dead past SessionTTL: terminated (ttl-expired) on both sides, kernel session gone" expires
jd_case "transport back before SessionTTL: the same session attached again" returns
ktap_end
