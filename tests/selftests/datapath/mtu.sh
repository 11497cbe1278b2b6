#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Sizes (docs/protocol.md, "Sizes and oversize packets"): an inner packet
# of exactly the device MTU (1420) passes, in one outer datagram that is
# never fragmented, over IPv4 and IPv6. A larger one with DF fails at the
# sender ("message too long"); without DF the inner stack fragments it,
# and every fragment fits. A GSO TCP stream leaves as datagrams that each
# carry one inner packet of at most the MTU: the outer side never needs
# reassembly. On a path whose MTU is below the datagrams, the outer
# datagrams are fragmented, over IPv6 too, and nothing is lost.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

MTU=1420

# outer_reasm NS OUTER: outer datagrams reassembled in NS so far.
outer_reasm() {
	if [ "$2" = 6 ]; then
		ip netns exec "$1" awk '$1 == "Ip6ReasmReqds" { print $2 }' /proc/net/snmp6
	else
		ip netns exec "$1" awk '$1 == "Ip:" && !h { for (i = 1; i <= NF; i++) c[$i] = i; h = 1; next }
			$1 == "Ip:" { print $c["ReasmReqds"] }' /proc/net/snmp
	fi
}

tx_counts() {
	jq_dev "$cli" "st($CLI_ID) | \"\\(.tx_packets) \\(.tx_bytes)\""
}

# at_mtu OUTER
at_mtu() {
	local outer=$1 out before

	topo_setup "$outer" chacha20poly1305
	assert_eq "device MTU" $MTU "$(ip -n "$cli" -j link show jp0 | jq '.[0].mtu')"
	echo "IPv4 and IPv6 packets of exactly $MTU bytes pass"
	pings_ok "$cli" 3 -i 0.2 -M "do" -s $((MTU - 28)) $SRV4
	pings_ok "$cli" 3 -i 0.2 -M "do" -s $((MTU - 48)) $SRV6
	assert_eq "client tx" "6 $((6 * MTU))" "$(tx_counts)"
	assert_eq "outer reassemblies at the server" 0 "$(outer_reasm "$srv" "$outer")"
	assert_eq "outer reassemblies at the client" 0 "$(outer_reasm "$cli" "$outer")"

	echo "one byte more with DF: refused at the sender, never sent"
	before=$(tx_counts)
	out=$(in_cli ping -n -c 1 -W 2 -M "do" -s $((MTU - 27)) $SRV4 2>&1) &&
		fail "an IPv4 packet of $((MTU + 1)) bytes with DF was answered"
	echo "$out" | grep -qi "message too long" || fail "IPv4: $out"
	out=$(in_cli ping -n -c 1 -W 2 -M "do" -s $((MTU - 47)) $SRV6 2>&1) &&
		fail "an IPv6 packet of $((MTU + 1)) bytes was answered"
	echo "$out" | grep -qi "message too long" || fail "IPv6: $out"
	assert_eq "client tx after the refused pings" "$before" "$(tx_counts)"
	assert_eq "client session drops" 0 "$(jq_dev "$cli" "st($CLI_ID) | drops")"
}

# fragmented OUTER: 3000-byte pings without DF are fragmented inside.
# IPv4: 3008 bytes of ICMP in fragments of 1400 + 1400 + 208 bytes, each
# with a 20-byte header. IPv6: 1368 + 1368 + 272, each with 40 + 8 bytes.
fragmented() {
	local outer=$1

	topo_setup "$outer" aes256gcm
	pings_ok "$cli" 2 -i 0.2 -M dont -s 3000 $SRV4
	assert_eq "client tx (IPv4 fragments)" "6 $((2 * (3 * 20 + 3008)))" "$(tx_counts)"
	pings_ok "$cli" 2 -i 0.2 -s 3000 $SRV6
	assert_eq "client tx (IPv4 and IPv6 fragments)" \
		"12 $((2 * (3 * 20 + 3008) + 2 * (3 * 48 + 3008)))" "$(tx_counts)"
	# The namespace's IP counters count the inner reassembly too: the
	# 3 fragments of each of the 2 requests of the outer's family, and
	# not one outer fragment more.
	assert_eq "reassembled fragments at the server (inner only)" 6 \
		"$(outer_reasm "$srv" "$outer")"
	assert_eq "client session drops" 0 "$(jq_dev "$cli" "st($CLI_ID) | drops")"
}

# gso_stream OUTER: TCP through the device; its GSO packets are split
# before encryption, so no inner packet, on average or at all, exceeds
# the MTU and no outer datagram is fragmented.
gso_stream() {
	local outer=$1 packets bytes

	topo_setup "$outer" chacha20poly1305
	iperf3_server $SRV4
	iperf3_client $SRV4 -t 3 || fail "iperf3 failed"
	echo "iperf3: $(iperf3_received) bytes received"
	read -r packets bytes <<<"$(tx_counts)"
	echo "client sent $packets packets, $bytes bytes"
	[ "$packets" -gt 100 ] || fail "only $packets packets sent"
	[ $((bytes / packets)) -le $MTU ] ||
		fail "average inner packet $((bytes / packets)) bytes > MTU $MTU"
	# Full-size segments dominate a bulk stream: most packets are near the MTU.
	[ $((bytes / packets)) -gt $((MTU / 2)) ] ||
		fail "average inner packet $((bytes / packets)) bytes: not a bulk stream"
	assert_eq "outer reassemblies at the server" 0 "$(outer_reasm "$srv" "$outer")"
	assert_eq "server session drops" 0 "$(jq_dev "$srv" "st($SRV_ID) | drops")"
	assert_eq "client session drops" 0 "$(jq_dev "$cli" "st($CLI_ID) | drops")"
}

# path_below OUTER: the outer path's MTU is 1400 (veth on both sides), the
# device's stays 1420: inner packets of 1400 bytes (DF set inside) make
# 1480-byte datagrams, which the sender fragments in two, over IPv6 as over
# IPv4; all arrive, counted once each.
path_below() {
	local outer=$1 n=5 inner=1400

	topo_setup "$outer" chacha20poly1305
	ip -n "$cli" link set veth0 mtu 1400
	ip -n "$srv" link set veth0 mtu 1400
	pings_ok "$cli" $n -i 0.2 -M "do" -s $((inner - 28)) $SRV4
	pings_ok "$cli" $n -i 0.2 -M "do" -s $((inner - 48)) $SRV6
	assert_eq "client tx" "$((2 * n)) $((2 * n * inner))" "$(tx_counts)"
	# Each request and each reply in two outer fragments; nothing inside
	# was fragmented (DF).
	assert_eq "outer fragments reassembled at the server" $((4 * n)) \
		"$(outer_reasm "$srv" "$outer")"
	assert_eq "outer fragments reassembled at the client" $((4 * n)) \
		"$(outer_reasm "$cli" "$outer")"
	assert_eq "client session drops" 0 "$(jq_dev "$cli" "st($CLI_ID) | drops")"
	assert_eq "server session drops" 0 "$(jq_dev "$srv" "st($SRV_ID) | drops")"
}

ktap_begin 8
for outer in 4 6; do
	run_case "over IPv$outer: $MTU-byte packets pass unfragmented, $((MTU + 1)) with DF is 'message too long'" \
		at_mtu $outer
	run_case "over IPv$outer: larger packets without DF are fragmented inside, every fragment passes" \
		fragmented $outer
	run_case "over IPv$outer: a GSO TCP stream leaves as packets of at most the MTU" \
		gso_stream $outer
	run_case "over IPv$outer: on a 1400-byte path, 1400-byte packets leave in outer fragments and all arrive" \
		path_below $outer
done
ktap_end
