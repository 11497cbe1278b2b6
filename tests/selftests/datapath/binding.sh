#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Changing a session's remote binding with jumpctl keeps the session: same
# id, same peer id, counters going on from where they were, and traffic
# flows to the new address. The old address is then removed from the
# server, so only the new binding can be carrying the packets.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

# rebind_idle OUTER
rebind_idle() {
	local outer=$1 old new tx

	topo_setup "$outer" chacha20poly1305
	old=$(endpoint "$outer" $SRV_OUT4 $SRV_OUT6)
	new=$(endpoint "$outer" $SRV_OUT4B $SRV_OUT6B)
	pings_ok "$cli" 3 -i 0.2 $SRV4
	assert_eq "remote before" "$old" "$(jq_dev "$cli" "s($CLI_ID).remote")"
	tx=$(jq_dev "$cli" "st($CLI_ID).tx_packets")
	assert_eq "client tx before" 3 "$tx"

	jc binding set jp0 id $CLI_ID remote "$new"
	assert_eq "remote after" "$new" "$(jq_dev "$cli" "s($CLI_ID).remote")"
	assert_eq "session id after" $CLI_ID "$(jq_dev "$cli" "s($CLI_ID).id")"
	assert_eq "peer id after" $SRV_ID "$(jq_dev "$cli" "s($CLI_ID).peer_id")"
	assert_eq "sessions after" 1 "$(jq_dev "$cli" ".sessions | length")"
	if [ "$outer" = 6 ]; then
		ip -n "$srv" addr del $SRV_OUT6/64 dev veth0
	else
		# Deleting a primary IPv4 address deletes its secondaries
		# too, unless they are promoted.
		ip netns exec "$srv" sysctl -qw net.ipv4.conf.veth0.promote_secondaries=1
		ip -n "$srv" addr del $SRV_OUT4/24 dev veth0
	fi
	pings_ok "$cli" 3 -i 0.2 $SRV4
	pings_ok "$cli" 3 -i 0.2 $SRV6
	# Same session: the counters went on, they did not start again.
	assert_eq "client tx after" 9 "$(jq_dev "$cli" "st($CLI_ID).tx_packets")"
	assert_eq "server rx after" 9 "$(jq_dev "$srv" "st($SRV_ID).rx_packets")"
	assert_eq "server session drops" 0 "$(jq_dev "$srv" "st($SRV_ID) | drops")"
}

# rebind_during_iperf3 OUTER: the stream survives the move. It runs
# until stopped, so it is still running however slow the machine is.
rebind_during_iperf3() {
	local outer=$1 pid rx

	topo_setup "$outer" aes256gcm
	iperf3_server $SRV4
	ip netns exec "$cli" iperf3 -c $SRV4 -p $IPERF_PORT -t 600 \
		>"$topo_tmp/iperf3.log" 2>&1 &
	pid=$!
	topo_pids+=("$pid")
	wait_until 120 counter_above "$srv" "st($SRV_ID).rx_packets" 1000 ||
		fail "the stream did not start"
	jc binding set jp0 id $CLI_ID remote "$(endpoint "$outer" $SRV_OUT4B $SRV_OUT6B)"
	rx=$(jq_dev "$srv" "st($SRV_ID).rx_packets")
	wait_until 120 counter_above "$srv" "st($SRV_ID).rx_packets" $((rx + 1000)) ||
		fail "no traffic after the binding changed"
	kill -0 "$pid" || fail "iperf3 died: $(cat "$topo_tmp/iperf3.log")"
	kill -INT "$pid"
	wait "$pid" || true
	assert_eq "server session drops" 0 "$(jq_dev "$srv" "st($SRV_ID) | drops")"
	assert_eq "client session id" $CLI_ID "$(jq_dev "$cli" "s($CLI_ID).id")"
	assert_eq "client remote" "$(endpoint "$outer" $SRV_OUT4B $SRV_OUT6B)" \
		"$(jq_dev "$cli" "s($CLI_ID).remote")"
}

counter_above() {
	[ "$(jq_dev "$1" "$2")" -gt "$3" ]
}

ktap_begin 4
run_case "over IPv4: binding set to the server's second address keeps the session, traffic goes on" \
	rebind_idle 4
run_case "over IPv6: binding set to the server's second address keeps the session, traffic goes on" \
	rebind_idle 6
run_case "over IPv4: binding changed under an iperf3 stream, the stream goes on" \
	rebind_during_iperf3 4
run_case "over IPv6: binding changed under an iperf3 stream, the stream goes on" \
	rebind_during_iperf3 6
ktap_end
