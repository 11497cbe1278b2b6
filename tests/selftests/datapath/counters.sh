#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Exact counters: N echo requests of a known size and their N replies are
# N inner packets of that size each way, on the device and on the session
# (docs/protocol.md, "Counters": inner packets and inner bytes).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

COUNTERS="rx_packets rx_bytes tx_packets tx_bytes"

# snapshot NS ID: "name=value" of the device's and the session's counters.
snapshot() {
	jq_dev "$1" ". as \$d | [\"${COUNTERS// /\",\"}\"] | map(. as \$k |
		\"dev_\\(\$k)=\\(\$d.stats[\$k]) sess_\\(\$k)=\\(\$d | st($2)[\$k])\") | join(\" \")"
}

# delta BEFORE AFTER NAME: AFTER's NAME minus BEFORE's.
delta() {
	local a b
	a=$(echo "$1" | tr ' ' '\n' | sed -n "s/^$3=//p")
	b=$(echo "$2" | tr ' ' '\n' | sed -n "s/^$3=//p")
	echo $((b - a))
}

# exact_counts OUTER INNER PAYLOAD COUNT
exact_counts() {
	local outer=$1 inner=$2 payload=$3 n=$4 dst len c0 c1 s0 s1 k

	topo_setup "$outer" chacha20poly1305
	if [ "$inner" = 6 ]; then
		dst=$SRV6 len=$((40 + 8 + payload))
	else
		dst=$SRV4 len=$((20 + 8 + payload))
	fi
	c0=$(snapshot "$cli" $CLI_ID)
	s0=$(snapshot "$srv" $SRV_ID)
	pings_ok "$cli" "$n" -i 0.05 -s "$payload" "$dst"
	c1=$(snapshot "$cli" $CLI_ID)
	s1=$(snapshot "$srv" $SRV_ID)
	echo "client: $c1"
	echo "server: $s1"
	for k in dev sess; do
		assert_eq "client $k tx_packets" "$n" "$(delta "$c0" "$c1" ${k}_tx_packets)"
		assert_eq "client $k tx_bytes" $((n * len)) "$(delta "$c0" "$c1" ${k}_tx_bytes)"
		assert_eq "client $k rx_packets" "$n" "$(delta "$c0" "$c1" ${k}_rx_packets)"
		assert_eq "client $k rx_bytes" $((n * len)) "$(delta "$c0" "$c1" ${k}_rx_bytes)"
		assert_eq "server $k rx_packets" "$n" "$(delta "$s0" "$s1" ${k}_rx_packets)"
		assert_eq "server $k rx_bytes" $((n * len)) "$(delta "$s0" "$s1" ${k}_rx_bytes)"
		assert_eq "server $k tx_packets" "$n" "$(delta "$s0" "$s1" ${k}_tx_packets)"
		assert_eq "server $k tx_bytes" $((n * len)) "$(delta "$s0" "$s1" ${k}_tx_bytes)"
	done
	assert_eq "client session drops" 0 "$(jq_dev "$cli" "st($CLI_ID) | drops")"
	assert_eq "server session drops" 0 "$(jq_dev "$srv" "st($SRV_ID) | drops")"
	# The kernel's own view of the device must agree with ours.
	assert_eq "server ip -s rx packets" "$(jq_dev "$srv" ".stats.rx_packets")" \
		"$(ip -n "$srv" -j -s link show jp0 | jq '.[0].stats64.rx.packets')"
}

ktap_begin 4
run_case "20 IPv4 pings of 56 bytes over IPv4: 84 bytes each, counted exactly" \
	exact_counts 4 4 56 20
run_case "17 IPv4 pings of 1000 bytes over IPv6: 1028 bytes each, counted exactly" \
	exact_counts 6 4 1000 17
run_case "20 IPv6 pings of 56 bytes over IPv4: 104 bytes each, counted exactly" \
	exact_counts 4 6 56 20
run_case "13 IPv6 pings of 333 bytes over IPv6: 381 bytes each, counted exactly" \
	exact_counts 6 6 333 13
ktap_end
