#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The packet fuzzer, inside the guest (docs/fuzzing.md): pktfuzz sends
# FUZZ_PACKETS (default 1000000) datagrams from FUZZ_SEED (default: new,
# printed) at the server's port over IPv4 and IPv6, from the client's
# namespace of the datapath topology, while a real session between the
# two carries pings and jumpctl monitor --control takes control upcalls.
# Then: every fuzzed datagram is accounted for on the server device,
#   delta(drop_* sum) + delta(control_rx) + delta(fuzz session rx_packets)
#   = datagrams sent,
# the fuzz session received exactly its intact authentic packets (and the
# sink behind it exactly those with a valid inner packet), the device
# delivered nothing else, and the real session lost nothing (its tx on
# one side equals its rx on the other, both ways). Prints
# "fuzz-count: packets N" and TAP. PKTFUZZ: the fuzzer (default: next to
# this script); JUMPING_MODULE, JUMPCTL as for the selftests.
# FUZZ_SECONDS, if set, bounds the sending time: fewer datagrams may go
# then (the fuzz-count line says how many), all still accounted for.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../selftests/lib.sh"
source "$here/../../selftests/datapath/topo.sh"
PKTFUZZ=${PKTFUZZ:-$here/pktfuzz}
FUZZ_PACKETS=${FUZZ_PACKETS:-1000000}
FUZZ_ID=3333
FUZZ_SRC=10.10.0.77 BAD_SRC=10.10.0.78 SINK_PORT=9999
count_file=$(mktemp)
echo 0 >"$count_file"

# Server counters, tab separated: drops, control_rx, device rx_packets,
# real session rx, fuzz session rx, real session tx.
snapshot() {
	jq_dev "$srv" "[(.stats | drops), .stats.control_rx, .stats.rx_packets,
		st($SRV_ID).rx_packets, st($FUZZ_ID).rx_packets, st($SRV_ID).tx_packets] | @tsv"
}

# A snapshot no packet arrived during: jumpctl show reads the device's
# counters and the sessions' in two requests, so a packet between them
# counts in one and not the other. Two equal reads in a row are quiet.
quiet_snapshot() {
	local prev cur i

	prev=$(snapshot)
	for ((i = 0; i < 200; i++)); do
		cur=$(snapshot)
		[ "$cur" = "$prev" ] && { echo "$cur"; return 0; }
		prev=$cur
	done
	return 1
}

# Each side's outer addresses of the other as permanent neighbours. A
# neighbour entry that fails its probe while the guest stalls (the debug
# kernel's pings took up to 3 s) is resolved again, and what is sent
# meanwhile waits in a queue of 212992 bytes: the rest is discarded before
# any device counter sees it (1M datagrams lost 323 of them that way).
static_neighbours() {
	local mac_cli mac_srv a

	mac_cli=$(ip -n "$cli" -j link show veth0 | jq -r '.[0].address')
	mac_srv=$(ip -n "$srv" -j link show veth0 | jq -r '.[0].address')
	for a in $SRV_OUT4 $SRV_OUT6; do
		ip -n "$cli" neigh replace "$a" lladdr "$mac_srv" dev veth0 nud permanent
	done
	for a in $CLI_OUT4 $CLI_OUT6; do
		ip -n "$srv" neigh replace "$a" lladdr "$mac_cli" dev veth0 nud permanent
	done
}

# hex_sum COLUMN SKIP FILE...: the sum of a column of hex numbers, each
# file's first SKIP lines (headers) left out.
hex_sum() {
	local column=$1 skip=$2 sum=0 d

	shift 2
	for d in $(awk -v c="$column" -v s="$skip" 'FNR > s { print $c }' "$@"); do
		sum=$((sum + 16#$d))
	done
	echo "$sum"
}

# Packets the neighbour tables discarded unresolved (all namespaces).
neigh_discards() {
	hex_sum 12 1 /proc/net/stat/arp_cache /proc/net/stat/ndisc_cache
}

softnet_drops() {	# packets the stack dropped before any device saw them
	hex_sum 2 0 /proc/net/softnet_stat
}

real_session_whole() {	# every packet of the real session arrived, both ways
	[ "$(jq_dev "$cli" "st($CLI_ID).tx_packets")" = "$(jq_dev "$srv" "st($SRV_ID).rx_packets")" ] &&
	[ "$(jq_dev "$srv" "st($SRV_ID).tx_packets")" = "$(jq_dev "$cli" "st($CLI_ID).rx_packets")" ]
}

accounted() {	# accounted BEFORE SENT EXPECT_RX
	local -a b a
	read -ra b <<<"$1"
	read -ra a <<<"$(snapshot)"
	[ $((a[0] - b[0] + a[1] - b[1] + a[4] - b[4])) = "$2" ] &&
	[ $((a[4] - b[4])) = "$3" ] &&
	[ $((a[2] - b[2])) = $((a[3] - b[3] + a[4] - b[4])) ]
}

fuzz() {
	local before after sent delivered keepalives ping_pid mon_pid out rc=0 sn0

	[ -x "$PKTFUZZ" ] || fail "$PKTFUZZ not built (make -C tests/fuzz/kernel)"
	# Outer drops before the device would spoil the accounting: room.
	sysctl -qw net.core.netdev_max_backlog=100000
	topo_setup 4 chacha20poly1305
	static_neighbours
	new_key "$topo_tmp/fuzz.enc"
	new_key "$topo_tmp/fuzz.dec"
	js session add jp0 id $FUZZ_ID peer-id 4444 \
		remote "$(endpoint 4 $CLI_OUT4 $CLI_OUT6 40000)" allowed $FUZZ_SRC/32
	js key add jp0 id $FUZZ_ID slot primary key-id 0 cipher chacha20poly1305 \
		enc-key-file "$topo_tmp/fuzz.enc" dec-key-file "$topo_tmp/fuzz.dec"
	pings_ok "$cli" 3 -i 0.2 $SRV4
	wait_until 20 outer_ok 6 || fail "no outer IPv6 path"

	# Before the pings start, so the snapshot can be a quiet one.
	before=$(quiet_snapshot) || fail "server counters never settled"
	sn0=$(softnet_drops)
	nd0=$(neigh_discards)
	ip netns exec "$srv" "$JPCTL" monitor --control >/dev/null 2>&1 &
	mon_pid=$!
	topo_pids+=("$mon_pid")
	ip netns exec "$cli" ping -n -q -i 0.1 $SRV4 >"$topo_tmp/ping.log" 2>&1 &
	ping_pid=$!
	topo_pids+=("$ping_pid")

	# Pinned to one CPU: a veth queues a datagram on the sending CPU's
	# backlog, so a sender that migrates can have a later batch delivered
	# before an earlier one, and an authentic packet overtaken by one whose
	# counter jumped past the replay window is then rightly a replay, which
	# pktfuzz's expected count (made in sending order) does not foresee.
	taskset -c 0 ip netns exec "$srv" "$PKTFUZZ" ${FUZZ_SEED:+--seed "$FUZZ_SEED"} \
		--count "$FUZZ_PACKETS" --port $JP_PORT \
		--target4 $SRV_OUT4 --target6 $SRV_OUT6 --send-netns "$cli" \
		--sids "$SRV_ID,$CLI_ID" --fuzz-sid $FUZZ_ID --key-file "$topo_tmp/fuzz.dec" \
		--inner-src $FUZZ_SRC --bad-src $BAD_SRC --inner-dst $SRV4 \
		--sink-port $SINK_PORT ${FUZZ_SECONDS:+--max-seconds "$FUZZ_SECONDS"} \
		>"$topo_tmp/pktfuzz.out" 2>&1 || rc=$?
	kill -INT "$ping_pid"
	wait "$ping_pid" || true
	cat "$topo_tmp/pktfuzz.out" "$topo_tmp/ping.log"
	sent=$(sed -n 's/^pktfuzz: sent \([0-9]*\) .*/\1/p' "$topo_tmp/pktfuzz.out")
	echo "${sent:-0}" >"$count_file"
	[ "$sent" -ge "$FUZZ_PACKETS" ] || [ -n "${FUZZ_SECONDS:-}" ] ||
		fail "pktfuzz sent $sent of $FUZZ_PACKETS"
	delivered=$(sed -n 's/.* expect-delivered \([0-9]*\) .*/\1/p' "$topo_tmp/pktfuzz.out")
	keepalives=$(sed -n 's/.* expect-keepalive \([0-9]*\)$/\1/p' "$topo_tmp/pktfuzz.out")

	wait_until 60 real_session_whole ||
		fail "the real session lost packets: $(jq_dev "$cli" "st($CLI_ID) | tojson") / $(jq_dev "$srv" "st($SRV_ID) | tojson")"
	wait_until 60 accounted "$before" "$sent" $((delivered + keepalives)) || {
		after=$(snapshot)
		echo "before: $before"
		echo "after:  $after"
		echo "softnet drops: $sn0 -> $(softnet_drops)"
		echo "unresolved neighbour discards: $nd0 -> $(neigh_discards)"
		jq_dev "$srv" '.stats | tojson'
		fail "fuzzed datagrams not accounted for (sent $sent, delivered $delivered, keepalives $keepalives)"
	}
	after=$(snapshot)
	echo "server before: $before"
	echo "server after:  $after"
	jq_dev "$srv" '.stats | tojson'
	# After the accounting, so a short delivery shows the counters above.
	[ "$rc" = 0 ] || fail "pktfuzz exited with $rc: the sink missed packets"
	pings_ok "$cli" 5 -i 0.2 $SRV4
	pings_ok "$cli" 5 -i 0.2 $SRV6
	real_session_whole || fail "the real session lost packets after the fuzzer"
}

try_rmmod() {	# a case that failed early may never have loaded it
	! jp_module_loaded || rmmod jumping 2>/dev/null
}

unloads() {
	wait_until 120 try_rmmod || fail "rmmod jumping: $(rmmod jumping 2>&1)"
}

ktap_begin 2
run_case "packet fuzzer: $FUZZ_PACKETS datagrams, all accounted for" fuzz
echo "fuzz-count: packets $(cat "$count_file")"
run_case "the module unloads" unloads
rm -f "$count_file"
ktap_end
