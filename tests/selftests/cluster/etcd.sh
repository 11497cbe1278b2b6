#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# (d) one etcd member of three dies (issue 17): nothing changes for the
# sessions. The member killed is etcd1, the gateways' first EtcdEndpoint:
# their requests to it fail and go to the next. The gateways keep their
# leases; no state changes in any audit log; the owner stays; the stream
# goes on and its sha256 matches.
#
#   (d)  etcd1 a follower (the leadership moved away first): no election.
#   (d') etcd1 the leader (the leadership moved to it first): etcd2 and
#        etcd3 elect a leader while the gateways' renewals wait. That
#        must take less than LeaseTTL - FencingMargin less a renewal
#        interval (3 s) or the gateways fence; under TCG on a loaded host
#        elections of 3 to 9 s were seen, so it is not run by default:
#        CASES="follower leader" tests/selftests/cluster/etcd.sh
set -u
cd "$(dirname "$0")" || exit 1
source ../lib.sh
source ./topo.sh

CASES=${CASES:-follower}

# member_id N: etcd's id of member N, as its status answers it.
member_id() {
	in_rtr curl -sf -m 2 -X POST "$(etcd_url "$1")/v3/maintenance/status" -d '{}' |
		jq -r .header.member_id
}

# lease_ttl LEASE: the seconds etcd says LEASE has left (-1: gone).
lease_ttl() {
	etcd_api lease/timetolive "{\"ID\":\"$1\"}" | jq -r '.TTL // "-1"'
}

# leader_is N: member N leads, as every live member sees it.
leader_is() {
	[ "$(etcd_leader)" = "$1" ]
}

# leader_elected: the live members agree on a leader, which goes to $leader.
leader_elected() {
	leader=$(etcd_leader)
}

# lead_to N: hand the leadership to member N (etcd's MoveLeader, sent to
# the leader) and wait until all agree.
lead_to() {
	local n=$1 leader

	wait_until 30 leader_elected || fail "the etcd members agree on no leader"
	[ "$leader" != "$n" ] || return 0
	in_rtr curl -sf -m 5 -X POST "$(etcd_url "$leader")/v3/maintenance/transfer-leadership" \
		-d "{\"targetID\":\"$(member_id "$n")\"}" >/dev/null ||
		fail "etcd$leader did not hand the leadership to etcd$n"
	wait_until 30 leader_is "$n" || fail "etcd$n does not lead after the transfer"
	step "the leadership moved from etcd$leader to etcd$n"
}

# past WALL: the wall clock is past WALL (seconds, fractional).
past() {
	awk -v t="$1" -v now="$EPOCHREALTIME" 'BEGIN { exit !(now > t) }'
}

# member_dies follower|leader
member_dies() {
	local role=$1 ids gw_id owner leader side lease_a lease_b horizon
	local -A changes=() log_lines=()

	cluster_setup
	cluster_start
	ids=$(session_ids)
	gw_id=${ids#* }
	owner=$(serving_gw)
	[ "$owner" = gwa ] || [ "$owner" = gwb ] || fail "no one gateway serves the client: $owner"
	wait_until 30 owner_is "$gw_id" "${GW_NODE[$owner]}" ||
		fail "etcd names $(owner_of "$gw_id") the owner of session $gw_id, not ${GW_NODE[$owner]}"
	stream_start 500000
	step "the stream starts"
	if [ "$role" = leader ]; then
		lead_to 1
	else
		lead_to 2
	fi
	# After the leadership moved: whatever a renewal met during the move
	# is over once the stream has gone on for a while.
	stream_wait_more 1000000 60 || fail "the stream stalled at $(stream_bytes) bytes"
	step "the stream runs"
	lease_a=$(etcd_lease "$(node_key gw-a)")
	lease_b=$(etcd_lease "$(node_key gw-b)")
	for side in cli gwa gwb; do
		changes[$side]=$(state_changes "$side" | wc -l)
	done
	log_lines=([gwa]=$(wc -l <"$topo_tmp/gwa.log") [gwb]=$(wc -l <"$topo_tmp/gwb.log"))

	etcd_kill 1
	step "etcd1 ($role) killed ($(date +%T.%3N))"
	wait_until 30 leader_elected || fail "etcd2 and etcd3 agree on no leader"
	step "etcd$leader leads ($(date +%T.%3N))"
	# A gateway that renewed nothing since the kill fences by its last
	# renewal + TTL - margin, before the kill + TTL; a lease not renewed
	# is gone a TTL after the leader extended it (at an election), or
	# after its last renewal. Past both, with the stream running, the
	# leases are the same and alive: they were renewed all along.
	horizon=$(awk -v now="$EPOCHREALTIME" -v t="$LEASE_TTL" 'BEGIN { printf "%.3f", now + t + 1 }')
	wait_until $((LEASE_TTL * 4)) past "$horizon" || fail "the clock did not pass $horizon"
	stream_wait_more 500000 60 || fail "the stream stalled at $(stream_bytes) bytes"
	step "a lease TTL past the election"
	assert_eq "gw-a's lease" "$lease_a" "$(etcd_lease "$(node_key gw-a)")"
	assert_eq "gw-b's lease" "$lease_b" "$(etcd_lease "$(node_key gw-b)")"
	[ "$(lease_ttl "$lease_a")" -gt 0 ] || fail "gw-a's lease is gone"
	[ "$(lease_ttl "$lease_b")" -gt 0 ] || fail "gw-b's lease is gone"
	assert_eq "the session's owner in etcd" "${GW_NODE[$owner]}" "$(owner_of "$gw_id")"
	assert_eq "the client's session ids" "$ids" "$(session_ids)"
	client_via "$owner" || fail "the client moved to $(binding_remote cli)"
	for side in cli gwa gwb; do
		assert_eq "$side's state changes since the kill: $(state_changes "$side" | tail -n +$((changes[$side] + 1)))" \
			"${changes[$side]}" "$(state_changes "$side" | wc -l)"
	done
	! grep -E 'fenced|lease-lost' "$topo_tmp/gwa.log" "$topo_tmp/gwb.log" ||
		fail "a gateway fenced or lost its lease (above)"
	stream_finish
	echo "stream: $stream_total bytes, sha256 matched, longest stall $stream_gap ms"
	for side in gwa gwb; do
		echo "${GW_NODE[$side]} logged since the kill:"
		tail -n +$((log_lines[$side] + 1)) "$topo_tmp/$side.log" |
			grep -v 'control message for unknown session' | head -n 10
	done
}

# etcd_case ROLE NAME
etcd_case() {
	case " $CASES " in
	*" $1 "*) run_case "$2" member_dies "$1" ;;
	*) run_case "$2" skip "not selected by CASES=$CASES" ;;
	esac
}

ktap_begin 2
etcd_case follower "(d) one etcd member dies (a follower, the gateways' first endpoint): nothing changes for the session"
etcd_case leader "(d') the etcd leader dies (the gateways' first endpoint): nothing changes for the session"
ktap_end
