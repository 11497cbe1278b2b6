#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# (d) one etcd member of three dies (issue 17): nothing changes for the
# sessions. The member killed is the worst one: the leader (an election
# follows) and the gateways' first EtcdEndpoint (their requests to it fail
# and go to the next). The gateways keep their leases, renewed through the
# new leader; no audit line on any side; the stream goes on and its sha256
# matches.
set -u
cd "$(dirname "$0")" || exit 1
source ../lib.sh
source ./topo.sh

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

# past WALL: the wall clock is past WALL (seconds, fractional).
past() {
	awk -v t="$1" -v now="$EPOCHREALTIME" 'BEGIN { exit !(now > t) }'
}

member_dies() {
	local ids gw_id owner leader side lease_a lease_b
	local -A audit_lines=()

	cluster_setup
	cluster_start
	ids=$(session_ids)
	gw_id=${ids#* }
	owner=$(serving_gw)
	[ "$owner" = gwa ] || [ "$owner" = gwb ] || fail "no one gateway serves the client: $owner"
	wait_until 30 eval '[ "$(owner_of "$gw_id")" = "${GW_NODE[$owner]}" ]' ||
		fail "etcd names $(owner_of "$gw_id") the owner of session $gw_id, not ${GW_NODE[$owner]}"
	stream_start 500000
	stream_wait_more 1000000 60 || fail "the stream stalled at $(stream_bytes) bytes"

	# etcd1 leads: the leader and the gateways' first endpoint in one.
	wait_until 30 etcd_leader >/dev/null || fail "the etcd members agree on no leader"
	leader=$(etcd_leader)
	if [ "$leader" != 1 ]; then
		in_rtr curl -sf -m 5 -X POST "$(etcd_url "$leader")/v3/maintenance/transfer-leadership" \
			-d "{\"targetID\":\"$(member_id 1)\"}" >/dev/null ||
			fail "etcd$leader did not hand the leadership to etcd1"
		wait_until 30 leader_is 1 || fail "etcd1 does not lead after the transfer"
	fi
	lease_a=$(etcd_lease "$(node_key gw-a)")
	lease_b=$(etcd_lease "$(node_key gw-b)")
	for side in cli gwa gwb; do
		audit_lines[$side]=$(audit_count "$side" true)
	done
	local -A log_lines=([gwa]=$(wc -l <"$topo_tmp/gwa.log") [gwb]=$(wc -l <"$topo_tmp/gwb.log"))

	etcd_kill 1
	echo "etcd1 (the leader) killed at $(date +%T.%3N)"
	wait_until 30 eval 'leader=$(etcd_leader)' || fail "etcd2 and etcd3 elect no leader"
	echo "etcd$leader leads from $(date +%T.%3N)"
	# A gateway that renewed nothing since the kill would fence by its
	# last renewal + TTL - margin, before the kill + TTL; and its lease,
	# which the new leader extended by a TTL at the election, would be
	# gone a TTL after it. Past both, with the stream running, the
	# leases are the same and alive: they were renewed through the new
	# leader.
	local horizon
	horizon=$(awk -v now="$EPOCHREALTIME" -v t="$LEASE_TTL" 'BEGIN { printf "%.3f", now + t + 1 }')
	wait_until $((LEASE_TTL * 4)) past "$horizon" || fail "the clock did not pass $horizon"
	stream_wait_more 500000 60 || fail "the stream stalled at $(stream_bytes) bytes"
	assert_eq "gw-a's lease" "$lease_a" "$(etcd_lease "$(node_key gw-a)")"
	assert_eq "gw-b's lease" "$lease_b" "$(etcd_lease "$(node_key gw-b)")"
	[ "$(lease_ttl "$lease_a")" -gt 0 ] || fail "gw-a's lease is gone"
	[ "$(lease_ttl "$lease_b")" -gt 0 ] || fail "gw-b's lease is gone"
	assert_eq "the session's owner in etcd" "${GW_NODE[$owner]}" "$(owner_of "$gw_id")"
	assert_eq "the client's session ids" "$ids" "$(session_ids)"
	client_via "$owner" || fail "the client moved to $(binding_remote cli)"
	for side in cli gwa gwb; do
		assert_eq "$side's audit lines since the kill: $(audit "$side" true | tail -n +$((audit_lines[$side] + 1)))" \
			"${audit_lines[$side]}" "$(audit_count "$side" true)"
	done
	! grep -E 'fenced|lease-lost' "$topo_tmp/gwa.log" "$topo_tmp/gwb.log" ||
		fail "a gateway fenced or lost its lease (above)"
	stream_finish
	echo "stream: $stream_total bytes, sha256 matched, longest stall $stream_gap ms"
	for side in gwa gwb; do
		echo "${GW_NODE[$side]} logged since the kill:"
		tail -n +$((log_lines[$side] + 1)) "$topo_tmp/$side.log" | grep -v 'control message for unknown session' | head -n 10
	done
}

ktap_begin 1
run_case "(d) one etcd member (the leader, the first endpoint) dies: nothing changes for the session" member_dies
ktap_end
