#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The server loses the session (its jumpd restarts without state and the
# kernel's session is gone, as after a reboot or a module reload). The
# client's REATTACH then gets no challenge on any path; it must not wait
# for its SessionTTL: a handshake flagged resume, which a server without
# the session answers, brings a new session within a few round trips. The
# client's audit log ends the old session with reason peer-lost. At
# a48bab0 the client sent REATTACH until its own TTL (here 20 s, 120 s by
# default) and traffic stopped for that long.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

peer_lost='.event == "transition" and .new == "terminated" and .reason == "peer-lost"'

server_loses_state() {
	local ids new_ids srv_id t0 ms

	topo_setup
	jd_start_both
	ids=$(session_ids)
	srv_id=$(show srv .id)
	jd_stop srv KILL
	in_srv "$JPCTL" session del jp0 id "$srv_id" ||
		fail "cannot delete the server's session $srv_id"
	rm -f "$topo_tmp"/srv.state/*
	t0=$(date +%s%3N)
	jd_start srv
	# Well inside the TTL: only the fallback can be this quick.
	wait_audit 15 cli "$peer_lost"
	wait_attached 15 || fail "no new session attached: client $(state cli), server $(state srv)"
	ms=$(($(date +%s%3N) - t0))
	new_ids=$(session_ids)
	echo "session $ids lost by the server; new session $new_ids attached ${ms} ms after the server restarted"
	[ "$new_ids" != "$ids" ] || fail "the session ids did not change"
	assert_eq "client sessions" 1 "$(session_count cli)"
	assert_eq "server sessions" 1 "$(session_count srv)"
	pings_ok cli 3 -i 0.2 $SRV_IN4
	audit cli "$peer_lost"
	audit_has cli '.reason == "ttl-expired"' &&
		fail "the old session ended by its TTL, not by the fallback"
	true
}

ktap_begin 1
jd_case "the server lost the session: the client handshakes again at once (peer-lost), new session" \
	server_loses_state
ktap_end
