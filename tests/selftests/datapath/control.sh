#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Control datagrams (first byte 2, 3 or 4) between the device's UDP socket
# and jumpd: JUMPING_CMD_PACKET_SEND sends one from a namespace, the other
# namespace's listener on the "control" group gets it whole, with the
# binding it came from; bad requests are refused with their extack text;
# without a listener it is dropped and counted; a flood from one source
# does not keep another source's datagrams from the listener.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

NLRAW=$JP_REPO/tests/selftests/jumping/nlraw

# listen NS GROUP COUNT OUT: nlraw printing the next COUNT messages of GROUP
# in NS into OUT, in the background; returns once it is subscribed.
listen() {
	local ns=$1 group=$2 count=$3 out=$4

	ip netns exec "$ns" "$NLRAW" --listen "$group" --count "$count" \
		>"$out" 2>"$out.err" &
	topo_pids+=("$!")
	wait_until 20 grep -q listening "$out.err" ||
		fail "listener did not start: $(cat "$out.err")"
}

# got OUT N: OUT holds N complete messages (each ends with a blank line).
got() {
	[ "$(grep -c '^$' "$1")" -ge "$2" ]
}

got_lines() {
	[ "$(wc -l <"$1")" -ge "$2" ]
}

# packet_send NS HEX BINDING: send a control datagram from NS.
packet_send() {
	ip netns exec "$1" "$NLRAW" packet_send ifname:string=jp0 \
		packet:binary="$2" binding:binding="$3"
}

# send_receive OUTER: one datagram of each control type from the client
# arrives whole at the server's listener, from the client's address and
# port, to the server's address; the device counters say so.
send_receive() {
	local outer=$1 out from to type

	topo_setup "$outer" chacha20poly1305
	if [ "$outer" = 6 ]; then
		from="[$CLI_OUT6]:$JP_PORT/$SRV_OUT6" to="[$SRV_OUT6]:$JP_PORT"
	else
		from="$CLI_OUT4:$JP_PORT/$SRV_OUT4" to="$SRV_OUT4:$JP_PORT"
	fi
	out=$topo_tmp/rx
	listen "$srv" control 3 "$out"
	# jumpctl's view of the same: one JSON line per datagram.
	ip netns exec "$srv" "$JPCTL" --json monitor --control \
		>"$topo_tmp/mon" 2>"$topo_tmp/mon.err" &
	topo_pids+=("$!")
	wait_until 20 grep -q monitoring "$topo_tmp/mon.err" ||
		fail "jumpctl monitor did not start: $(cat "$topo_tmp/mon.err")"
	for type in 02 03 04; do
		packet_send "$cli" "${type}00c0ffee" "$to"
	done
	wait_until 20 got "$out" 3 || fail "no PACKET_RX_NTF: $(cat "$out")"
	assert_eq "commands" "$(printf '%s\n' packet_rx_ntf packet_rx_ntf packet_rx_ntf)" \
		"$(sed -n 's/^cmd=//p' "$out")"
	assert_eq "datagrams" "$(printf '%s\n' 0200c0ffee 0300c0ffee 0400c0ffee)" \
		"$(sed -n 's/^packet=//p' "$out")"
	assert_eq "bindings" "$(printf '%s\n' "$from" "$from" "$from")" \
		"$(sed -n 's/^binding=//p' "$out")"
	assert_eq "ifindex" "$(ip -n "$srv" -o link show jp0 | cut -d: -f1)" \
		"$(sed -n 's/^ifindex=//p' "$out" | sort -u)"
	wait_until 20 got_lines "$topo_tmp/mon" 3 ||
		fail "jumpctl monitor --control: $(cat "$topo_tmp/mon")"
	assert_eq "jumpctl monitor --control" \
		"$(printf 'control-rx jp0 %s 5 %s\n' 2 "${from%/*}" 3 "${from%/*}" 4 "${from%/*}")" \
		"$(jq -r '"\(.event) \(.dev) \(.type) \(.len) \(.from)"' "$topo_tmp/mon")"
	assert_eq "client control_tx" 3 "$(jq_dev "$cli" .stats.control_tx)"
	wait_counter "$srv" .stats.control_rx 3
	assert_eq "server drop_control" 0 "$(jq_dev "$srv" .stats.drop_control)"
	assert_eq "server drop_malformed" 0 \
		"$(jq_dev "$srv" .stats.drop_malformed)"
}

# The largest datagram fits, one byte more is refused.
largest() {
	local out big

	topo_setup 4 chacha20poly1305
	big=02$(head -c $((JUMPING_PACKET_MAX_LEN - 1)) /dev/zero | od -An -v -tx1 | tr -d ' \n')
	out=$topo_tmp/rx
	listen "$srv" control 1 "$out"
	packet_send "$cli" "$big" "$SRV_OUT4:$JP_PORT"
	wait_until 20 got "$out" 1 || fail "no PACKET_RX_NTF: $(cat "$out")"
	assert_eq "datagram" "$big" "$(sed -n 's/^packet=//p' "$out")"
	expect_fail "binary attribute size out of range" \
		packet_send "$cli" "${big}00" "$SRV_OUT4:$JP_PORT"
	expect_fail "binary attribute size out of range" \
		packet_send "$cli" "" "$SRV_OUT4:$JP_PORT"
}

# Requests PACKET_SEND refuses, each with its reason.
refused() {
	topo_setup 4 chacha20poly1305
	local type

	for type in 00 01 05 ff; do
		expect_fail "not a control datagram: the first byte must be 2, 3 or 4" \
			packet_send "$cli" "${type}00" "$SRV_OUT4:$JP_PORT"
	done
	expect_fail "where to send it is required" \
		ip netns exec "$cli" "$NLRAW" packet_send ifname:string=jp0 \
		packet:binary=0200
	expect_fail "datagram required" \
		ip netns exec "$cli" "$NLRAW" packet_send ifname:string=jp0 \
		binding:binding="$SRV_OUT4:$JP_PORT"
	expect_fail "local and remote address are of different families" \
		packet_send "$cli" 0200 "$SRV_OUT4:$JP_PORT/$CLI_OUT6"
	expect_fail "remote port 0 is not a port to send to" \
		packet_send "$cli" 0200 "$SRV_OUT4:0"
	expect_fail "no route to the remote address from this local address" \
		packet_send "$cli" 0200 "$SRV_OUT4:$JP_PORT/198.51.100.7"
	expect_fail "no route to the remote address" \
		packet_send "$cli" 0200 "203.0.113.9:$JP_PORT"
	jc set jp0 listen-port 0
	expect_fail "the device has no UDP socket for this family" \
		packet_send "$cli" 0200 "$SRV_OUT4:$JP_PORT"
	assert_eq "client control_tx" 0 "$(jq_dev "$cli" .stats.control_tx)"
}

# Nobody listens: counted as DROP_CONTROL, nothing else; a datagram of an
# unknown type is malformed.
no_listener() {
	topo_setup 4 chacha20poly1305
	packet_send "$cli" 0400 "$SRV_OUT4:$JP_PORT"
	packet_send "$cli" 0200 "$SRV_OUT4:$JP_PORT"
	wait_counter "$srv" .stats.drop_control 2
	assert_eq "server control_rx" 0 "$(jq_dev "$srv" .stats.control_rx)"
	# shellcheck disable=SC2016 # expanded by the inner shell
	in_cli bash -c 'printf "\x05\x00\x00\x00" >"/dev/udp/$0/$1"' \
		$SRV_OUT4 $JP_PORT || fail "could not send a datagram of type 5"
	wait_counter "$srv" .stats.drop_malformed 1
	assert_eq "server drop_control" 2 "$(jq_dev "$srv" .stats.drop_control)"
}

# A flood from one source: rounds of FLOOD_ROUND one-byte control
# datagrams, sent 64 at a time with UDP GSO (so they arrive in bursts of 64
# however slowly the emulated guest sends), with one datagram from another
# source halfway through each round. The single per-device bucket of old
# (bursts of 250, 1000/s) was empty then, and it dropped the other
# source's datagrams; now every one reaches the listener: the flood spends
# its own share, not the device's, and what it sends past its share is
# counted as drop_control. Each round is waited for before the next;
# nothing depends on timing.
per_source() {
	local outer=$1 flood ok dst flood_bind ok_bind out r sent=0 up

	topo_setup "$outer" chacha20poly1305
	if [ "$outer" = 6 ]; then
		# Another /64: every address of one /64 is one source.
		flood=fd00:2::8 ok=$CLI_OUT6 dst=$SRV_OUT6
		flood_bind="[$flood]:" ok_bind="[$ok]:"
		ip -n "$cli" addr add $flood/64 dev veth0 nodad
	else
		flood=192.0.2.8 ok=$CLI_OUT4 dst=$SRV_OUT4
		flood_bind="$flood:" ok_bind="$ok:"
		ip -n "$cli" addr add $flood/24 dev veth0
	fi
	out=$topo_tmp/rx
	listen "$srv" control 1000000 "$out"
	for r in $(seq 1 $FLOOD_ROUNDS); do
		in_cli "$PY" "$TOPO_DIR/udpgram.py" flood $flood $dst $JP_PORT \
			$FLOOD_ROUND $ok 04c0de0$r
		sent=$((sent + FLOOD_ROUND + 1))
		wait_until 60 upcalls_are "$srv" $sent ||
			fail "round $r: $(jq_dev "$srv" .stats.control_rx) passed up and $(jq_dev "$srv" .stats.drop_control) dropped of $sent"
	done
	wait_until 20 got_from "$ok_bind" "$out" $FLOOD_ROUNDS ||
		fail "from $ok, the listener got $(packets_from "$ok_bind" "$out" | wc -l) of $FLOOD_ROUNDS (drop_control $(jq_dev "$srv" .stats.drop_control))"
	assert_eq "datagrams from $ok" \
		"$(for r in $(seq 1 $FLOOD_ROUNDS); do echo 04c0de0$r; done)" \
		"$(packets_from "$ok_bind" "$out")"
	# All but the flood's share of it was dropped and counted.
	up=$(($(jq_dev "$srv" .stats.control_rx) - FLOOD_ROUNDS))
	assert_eq "flood: passed up and dropped" $((FLOOD_ROUNDS * FLOOD_ROUND)) \
		$((up + $(jq_dev "$srv" .stats.drop_control)))
	[ "$up" -lt $((FLOOD_ROUNDS * FLOOD_ROUND)) ] ||
		fail "none of the flood was dropped"
	# One source, however fast: not the table of sources' doing.
	assert_eq "drop_control_sources" 0 \
		"$(jq_dev "$srv" .stats.drop_control_sources)"
	echo "IPv$outer: $up of the flood's $((FLOOD_ROUNDS * FLOOD_ROUND)) passed up"
}

# packets_from REMOTE OUT: the datagrams in OUT whose binding starts with
# REMOTE, in order.
packets_from() {
	awk -v from="binding=$1" 'BEGIN { RS = ""; FS = "\n" }
	{
		packet = ""; match_from = 0
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^packet=/)
				packet = substr($i, 8)
			if (index($i, from) == 1)
				match_from = 1
		}
		if (match_from)
			print packet
	}' "$2"
}

# got_from REMOTE OUT N: OUT holds N datagrams from REMOTE.
got_from() {
	[ "$(packets_from "$1" "$2" | wc -l)" -ge "$3" ]
}

# upcalls_are NS N: N control datagrams were passed up or dropped in NS.
upcalls_are() {
	[ "$(jq_dev "$1" '.stats.control_rx + .stats.drop_control')" = "$2" ]
}

JUMPING_PACKET_MAX_LEN=$(sed -n 's/^#define JUMPING_PACKET_MAX_LEN[[:space:]]*//p' \
	"$JP_REPO/include/uapi/linux/jumping.h")

FLOOD_ROUNDS=5
FLOOD_ROUND=4096

ktap_begin 7
run_case "over IPv4: PACKET_SEND arrives as PACKET_RX_NTF with its source binding" \
	send_receive 4
run_case "over IPv6: PACKET_SEND arrives as PACKET_RX_NTF with its source binding" \
	send_receive 6
run_case "the largest control datagram passes, larger and empty ones are refused" \
	largest
run_case "PACKET_SEND refuses data and unknown types, bad bindings, no route, no socket" \
	refused
run_case "no listener: dropped as DROP_CONTROL; type 5 dropped as malformed" \
	no_listener
run_case "over IPv4: a flood from one source leaves another source its datagrams" \
	per_source 4
run_case "over IPv6: a flood from one /64 leaves another /64 its datagrams" \
	per_source 6
ktap_end
