#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A gateway with a few thousand sessions (issue 13), driven by jpsim
# (tests/bench/scale, the client simulator of make bench-scale): sessions
# installed by pipelined netlink requests; a dump that returns each of
# them exactly once; packets of random sessions, both ways, counted on
# exactly the session they belong to; longest-prefix routing among
# overlapping prefixes with thousands of others present; the device torn
# down with all its sessions, in bounded time, leaving nothing behind.
#
# Namespaces: "gw" holds jp0, "cl" plays every client (172.16.0.1 + i,
# one raw socket) and drops what the gateway sends it.
source "$(dirname "$0")/../lib.sh"

JPSIM=${JPSIM:-$JP_REPO/tests/bench/scale/jpsim}
N=${JP_SCALE_N:-2000}
PKTS=$((N * 3))
GW_OUT=10.200.0.1
CL_OUT=10.200.0.2
PORT=51820

jg() { ip netns exec "$gw" "$JPCTL" "$@"; }
sim() { ip netns exec "$gw" "$JPSIM" "$@"; }

# gateway_up: both namespaces, jp0 (10.0.0.1, routes 10.64.0.0/10 and the
# overlap cases' prefixes), the clients' addresses routed to cl, which
# drops all the gateway sends them.
gateway_up() {
	jp_load
	[ -x "$JPSIM" ] || skip "no $JPSIM (make userspace builds it)"
	setup_ns gw cl
	ip -n "$gw" link add veth0 type veth peer name veth0 netns "$cl"
	ip -n "$gw" -b - <<-EOB
	addr add $GW_OUT/24 dev veth0
	link set veth0 up
	route add 172.16.0.0/12 via $CL_OUT
	link add jp0 type jumping
	link set jp0 addrgenmode none
	EOB
	jg set jp0 listen-port $PORT
	ip -n "$gw" -b - <<-EOB
	addr add 10.0.0.1/32 dev jp0
	addr add fd00:ff::1/128 dev jp0 nodad
	link set jp0 up
	route add 10.64.0.0/10 dev jp0
	route add 10.128.0.0/9 dev jp0
	route add fd00::/16 dev jp0
	EOB
	ip -n "$cl" -b - <<-EOB
	addr add $CL_OUT/24 dev veth0
	link set veth0 up
	EOB
	ip netns exec "$cl" nft -f - <<-EOF
	table ip sink {
		chain pre {
			type filter hook prerouting priority -300; policy accept;
			ip saddr $GW_OUT udp sport $PORT drop
		}
	}
	EOF
}

# sessions_installed: sessions 1..N on jp0 (jpsim fails on any error).
sessions_installed() {
	local out

	out=$(sim install jp0 "$N") || fail "jpsim install: $out"
	echo "$out"
}

# per_session FIELD: "ID VALUE" of every session, by id.
per_session() {
	jg --json show jp0 | jq -r ".sessions[] | \"\\(.id) \\(.stats.$1)\"" |
		sort -n
}

# same_counts EXPECT FIELD: the sessions' FIELD counters are EXPECT's.
same_counts() {
	local diffs

	diffs=$(diff <(sort -n "$1") <(per_session "$2" | awk -v n="$N" '$1 <= n')) ||
		fail "$2 not on the sessions sent to: $(echo "$diffs" | head -n 6)"
}

install_and_dump() {
	local out

	gateway_up
	sessions_installed
	# A dump of this many sessions takes several messages and parts.
	out=$(sim dump jp0 "$N") || fail "dump: $out"
	echo "$out"
}

dev_rx() {
	ip -n "$gw" -s -j link show jp0 | jq '.[0].stats64.rx.packets'
}

dev_rx_at_least() {
	[ "$(dev_rx)" -ge "$1" ]
}

rx_random() {
	local exp=$(mktemp)

	gateway_up
	sessions_installed
	sim -n "$PKTS" -e "$exp" -N "$cl" rx "$N"
	# Every packet decrypted on its own session, none elsewhere. (The
	# device's counters are cheap to poll; a dump of every session is
	# not, under TCG.)
	wait_until 30 dev_rx_at_least "$PKTS" ||
		fail "the gateway received $(dev_rx) of $PKTS"
	same_counts "$exp" rx_packets
	rm -f "$exp"
}

tx_random() {
	local exp=$(mktemp)

	gateway_up
	sessions_installed
	sim -n "$PKTS" -e "$exp" tx "$N"
	same_counts "$exp" tx_packets
	[ "$(jg --json show jp0 | jq .stats.drop_no_route)" = 0 ] ||
		fail "no-route drops with a session for every destination"
	rm -f "$exp"
}

# overlap_tx < DUMP: tx_packets of sessions N+1, N+2, N+3 (the nested
# prefixes) in jumpctl's JSON.
overlap_tx() {
	jq -r "[.sessions[] | select(.id > $N)] |
		sort_by(.id) | map(.stats.tx_packets) | join(\" \")"
}

# send_to ADDR COUNT: COUNT UDP datagrams from the gateway into jp0.
send_to() {
	ip netns exec "$gw" bash -c "for i in \$(seq $2); do
		echo x > /dev/udp/$1/9; done" || fail "cannot send to $1"
}

longest_prefix() {
	local e=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
	local d=fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210
	local id dump

	gateway_up
	sessions_installed
	# A 10.128.0.0/16 and fd00:1::/32 holds B 10.128.5.0/24 and
	# fd00:1:2::/48 holds C 10.128.5.7/32 and fd00:1:2::7/128.
	jg session add jp0 id $((N + 1)) peer-id 1 remote 172.31.0.1:1000 \
		allowed 10.128.0.0/16 fd00:1::/32
	jg session add jp0 id $((N + 2)) peer-id 2 remote 172.31.0.2:1000 \
		allowed 10.128.5.0/24 fd00:1:2::/48
	jg session add jp0 id $((N + 3)) peer-id 3 remote 172.31.0.3:1000 \
		allowed 10.128.5.7/32 fd00:1:2::7/128
	for id in $((N + 1)) $((N + 2)) $((N + 3)); do
		jg key add jp0 id $id slot primary key-id 0 \
			cipher chacha20poly1305 enc-key $e dec-key $d
	done
	# Each destination gets its own power of two of datagrams: the
	# three sums (one dump: thousands of sessions take long to list)
	# tell which went where. Outside all prefixes: a no-route drop.
	send_to 10.128.5.7 1	# C
	send_to 10.128.5.8 2	# B
	send_to 10.128.9.1 4	# A
	send_to fd00:1:2::7 8	# C
	send_to fd00:1:2::8 16	# B
	send_to fd00:1:3::1 32	# A
	ip -n "$gw" route add 10.200.200.1/32 dev jp0
	send_to 10.200.200.1 1
	dump=$(jg --json show jp0)
	[ "$(overlap_tx <<<"$dump")" = "36 18 9" ] ||
		fail "tx of the nested prefixes' sessions (A B C): $(overlap_tx <<<"$dump"), not 36 18 9"
	[ "$(jq .stats.drop_no_route <<<"$dump")" = 1 ] ||
		fail "a destination no session owns was not a no-route drop"
}

no_jumping_dev() {
	[ -z "$(ip -n "$gw" -o link show type jumping)" ]
}

mon_saw() {
	[ "$(grep -c session-del "$1" || true)" -ge "$2" ]
}

teardown_many() {
	local mon=$(mktemp) pid dels t0

	gateway_up
	sessions_installed
	ip netns exec "$gw" "$JPCTL" monitor >"$mon" 2>&1 &
	pid=$!
	# The listener is subscribed once it sees a deletion of its own.
	until mon_saw "$mon" 1; do
		jg session del jp0 id "$N" 2>/dev/null || true
		wait_until 5 mon_saw "$mon" 1 && break
		[ -e /proc/$pid ] || fail "jumpctl monitor died: $(cat "$mon")"
		jg session add jp0 id "$N" peer-id 1
	done
	t0=$SECONDS
	ip -n "$gw" link del jp0
	wait_until 60 no_jumping_dev || fail "jp0 still there after 60 s"
	echo "teardown of $((N - 1)) sessions: $((SECONDS - t0)) s"
	# Nothing left: no bound port, and the module, holding no session,
	# unloads.
	ip netns exec "$gw" ss -Hun "sport = :$PORT" | grep -q . &&
		fail "port $PORT still bound"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
	dels=$(($(grep -c session-del "$mon" || true) - 1))
	# One event per session is today's storm (issue 13 wants one summary
	# instead): shown, not yet failed on.
	echo "session-del events a listener got from the teardown: $dels"
	rm -f "$mon"
	cleanup_ns
	wait_until 30 rmmod jumping ||
		fail "the module does not unload after the teardown"
}

ktap_begin 5
run_case "$N sessions by pipelined netlink; a dump returns each exactly once" install_and_dump
run_case "rx: $PKTS packets of random sessions, each counted on its own" rx_random
run_case "tx: $PKTS packets to random inner addresses, each on its session" tx_random
run_case "longest prefix wins among nested prefixes, IPv4 and IPv6" longest_prefix
run_case "teardown of $N sessions ends in time and leaves nothing" teardown_many
ktap_end
