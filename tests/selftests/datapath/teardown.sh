#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Tearing down under load: a session deleted, a device deleted, the module
# unloaded, a namespace deleted, each while an iperf3 stream runs through
# the device (with datagrams in the receive steering queues). The kernel must not oops, WARN or leak: the last case checks
# the kernel log for any report (and the debug kernel's run-in-guest
# --debug-kernel adds kmemleak, KASAN and lockdep).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

# stream_running OUTER CIPHER: topology up, an iperf3 stream from the
# client flowing (the server has received 500 packets). Sets stream_pid.
stream_running() {
	topo_setup "$1" "$2"
	iperf3_server $SRV4
	ip netns exec "$cli" iperf3 -c $SRV4 -p $IPERF_PORT -t 600 \
		>"$topo_tmp/iperf3.log" 2>&1 &
	stream_pid=$!
	topo_pids+=("$stream_pid")
	wait_until 120 rx_above 500 || fail "the stream did not start"
	# Busy: the server's receive steering holds datagrams in its queues
	# and workers, which every teardown below must drain or free.
	wait_until 60 counter_above "$srv" .stats.rx_steered 0 ||
		fail "the server steered nothing to its workers"
}

rx_above() {
	[ "$(jq_dev "$srv" "st($SRV_ID).rx_packets")" -gt "$1" ]
}

dev_gone() {
	! ip -n "$1" link show jp0 >/dev/null 2>&1
}

session_del() {
	local drops

	stream_running 4 chacha20poly1305
	js session del jp0 id $SRV_ID
	assert_eq "server sessions" 0 "$(jq_dev "$srv" ".sessions | length")"
	# The client's packets keep coming: now for an unknown session.
	drops=$(jq_dev "$srv" ".stats.drop_unknown_session")
	wait_until 30 counter_above "$srv" ".stats.drop_unknown_session" "$drops" ||
		fail "no unknown-session drops after the delete"
	jc session del jp0 id $CLI_ID
	assert_eq "client sessions" 0 "$(jq_dev "$cli" ".sessions | length")"
	# With no session the client's packets have no route.
	wait_until 30 counter_above "$cli" ".stats.drop_no_route" 0 ||
		fail "no no-route drops after the client's delete"
}

counter_above() {
	[ "$(jq_dev "$1" "$2")" -gt "$3" ]
}

device_del() {
	stream_running 6 aes256gcm
	ip -n "$srv" link del jp0
	ip -n "$cli" link del jp0
	wait_until 30 dev_gone "$srv" || fail "server jp0 still there"
	wait_until 30 dev_gone "$cli" || fail "client jp0 still there"
	# The devices' UDP sockets went with them.
	udp_bound "$srv" $JP_PORT && fail "server port $JP_PORT still bound"
	udp_bound "$cli" $JP_PORT && fail "client port $JP_PORT still bound"
	return 0
}

module_unload() {
	stream_running 4 chacha20poly1305
	timeout 60 rmmod jumping || fail "rmmod jumping failed"
	jp_module_loaded && fail "module still loaded"
	dev_gone "$srv" || fail "server jp0 outlived the module"
	dev_gone "$cli" || fail "client jp0 outlived the module"
	udp_bound "$srv" $JP_PORT && fail "server port $JP_PORT still bound"
	jp_load || fail "the module does not load again"
}

netns_del() {
	stream_running 6 chacha20poly1305
	ip netns del "$srv"
	ip netns del "$cli"
	jp_namespaces=()
	# The iperf3 processes hold the namespaces: when they die, both
	# namespaces go, with their devices, sockets and in-flight packets.
	topo_cleanup
	# Unloading waits for the namespaces' cleanup, then must succeed.
	timeout 120 rmmod jumping || fail "rmmod after the namespaces went failed"
	jp_load || fail "the module does not load again"
}

ktap_begin 4
run_case "session delete while iperf3 runs" session_del
run_case "device delete while iperf3 runs" device_del
run_case "module unload while iperf3 runs, then load again" module_unload
run_case "namespace delete while iperf3 runs" netns_del
ktap_end
