#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Restarts and lost state, mid-stream:
# (c) the server's jumpd is SIGKILLed as the client's uplink dies, and
#     started again while the client moves: it adopts the session, and
#     the move completes. The client either moves to its standby (its
#     SWITCH goes unanswered, so it goes on with REQUEST and challenge)
#     or, when a probe on the standby went unanswered first (the dead
#     jumpd answers none), finds no path that answers well and recovers
#     by REATTACH on each path in turn; both end on the standby;
# (d) the server loses everything (its jumpd and its device are gone, as
#     after a reboot or a module reload, and its state directory is
#     empty): the client notices that no path answers its REATTACH, hands
#     the session over to a new one (peer-lost, audited), and the stream,
#     whose tunnel addresses stay, goes on;
# (e) the client is suspended (its jumpd stopped, its uplinks dead) for
#     longer than the server's SessionTTL, then resumes: a new session.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../jumpd/topo.sh"
source "$(dirname "$0")/lib.sh"

peer_lost='.event == "transition" and .reason == "peer-lost"'
moving='.event == "move" or (.event == "transition" and .new == "recovering")'

kill_mid_reattach() {
	local up

	adv_start
	up=$(active_uplink) || fail "no active uplink"
	# Without a validated standby the client cannot move (it only marks
	# the path degraded and then asks by REATTACH, which the dead jumpd
	# never answers): under TCG its first echoes can come after the
	# stream is under way.
	wait_until 30 standby_validated $((1 - up)) ||
		fail "no echo came back over the standby up$((1 - up))"
	jd_stop srv KILL
	echo "server's jumpd killed at $(date +%T.%3N); up$up dies"
	ip -n "$cli" link set "up$up" down
	wait_audit 60 cli "$moving"
	echo "the client moves at $(date +%T.%3N) ($(audit cli "$moving" | jq -r .reason | head -1)): the server's jumpd starts again"
	jd_start srv
	wait_audit 60 srv '.event == "adopted"'
	wait_audit 60 srv "$validated"
	adv_settled "(c) server's jumpd SIGKILLed mid-reattach"
}

server_state_lost() {
	local t0

	adv_start
	adv_new_session
	jd_stop srv KILL
	ip -n "$srv" link del jp0
	rm -f "$topo_tmp"/srv.state/*
	topo_jp_device "$srv" $SRV_IN4 $SRV_IN6
	t0=$(date +%s%3N)
	jd_start srv
	wait_audit 60 cli "$peer_lost"
	wait_attached 60 || fail "no new session"
	echo "server lost its state: a new session $(( $(date +%s%3N) - t0 )) ms after it came back"
	audit cli "$peer_lost"
	adv_settled "(d) server loses all state"
}

suspended() {
	adv_start
	adv_new_session
	kill -STOP "${jd_pid[cli]}"
	block iifname "cl*" drop
	block oifname "cl*" drop
	echo "client suspended at $(date +%T.%3N)"
	wait_audit $((${TOPO_TTL%s} * 3)) srv '.reason == "ttl-expired"'
	echo "the server's session expired at $(date +%T.%3N); the client resumes"
	unblock
	kill -CONT "${jd_pid[cli]}"
	wait_until 60 eval '[ "$(session_ids)" != "$adv_ids" ]' ||
		fail "no new session after the resume"
	adv_settled "(e) client suspended past the server's TTL"
}

ktap_begin 3
jd_case "(c) server's jumpd SIGKILLed and restarted while the client moves: adopted, the move completes, same session" \
	kill_mid_reattach
jd_case "(d) server loses all state: the client is back with a new session (peer-lost), stream intact" \
	server_state_lost
jd_case "(e) client suspended past the server's TTL: a new session on resume, stream intact" \
	suspended
ktap_end
