#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Receive steering (docs/protocol.md): a busy session's datagrams are
# decrypted on other CPUs, and its packets still arrive in the order they
# were sent; a quiet session's are decrypted on the spot (no hand-off, no
# added latency).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

SEQ_PORT=5301
SEQ_COUNT=20000

# in_order INNER: 20000 numbered datagrams from the client as fast as it
# sends them; the server receives them in order, and handed some of them
# to a worker. The sender stays on one CPU: the outer stack keeps order
# only per CPU (each has its own backlog), and that is not what is tested.
in_order() {
	local inner=$1 dst out drops

	topo_setup 4 chacha20poly1305
	if [ "$inner" = 6 ]; then dst=$SRV6; else dst=$SRV4; fi
	out=$topo_tmp/seq.json
	ip netns exec "$srv" "$PY" "$TOPO_DIR/seqflow.py" \
		recv "$dst" $SEQ_PORT "$out" &
	topo_pids+=("$!")
	wait_until 20 udp_bound "$srv" $SEQ_PORT || fail "receiver not bound"
	in_cli taskset -c 0 "$PY" "$TOPO_DIR/seqflow.py" \
		send "$dst" $SEQ_PORT $SEQ_COUNT 200
	wait_until 180 test -s "$out" || fail "the receiver did not finish"
	echo "received: $(cat "$out"); server rx_steered" \
		"$(jq_dev "$srv" .stats.rx_steered)"
	[ "$(jq .received "$out")" -gt 0 ] || fail "nothing arrived"
	assert_eq "datagrams out of order" 0 "$(jq .inversions "$out")"
	assert_eq "datagrams twice" 0 "$(jq .dups "$out")"
	[ "$(jq_dev "$srv" .stats.rx_steered)" -gt 0 ] ||
		fail "the server decrypted nothing on another CPU"
	# The datagrams the receiver missed were lost to the sockets and
	# queues (UDP at full speed), never to the tunnel's checks.
	drops=$(jq_dev "$srv" "st($SRV_ID) | drops")
	assert_eq "server session drops" 0 "$drops"
}

# quiet: pings half a second apart are each decrypted on the spot.
quiet() {
	topo_setup 4 chacha20poly1305
	pings_ok "$cli" 5 -i 0.5 "$SRV4"
	assert_eq "client rx_steered" 0 "$(jq_dev "$cli" .stats.rx_steered)"
	assert_eq "server rx_steered" 0 "$(jq_dev "$srv" .stats.rx_steered)"
}

ktap_begin 3
run_case "a busy session's datagrams (IPv4 inside) arrive in order, decrypted on other CPUs" in_order 4
run_case "a busy session's datagrams (IPv6 inside) arrive in order, decrypted on other CPUs" in_order 6
run_case "a quiet session's datagrams are decrypted on the spot" quiet
ktap_end
