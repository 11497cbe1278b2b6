#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A binding's interface (JUMPING_A_BINDING_IFINDEX, jumpctl's "oif"). On a
# host with two uplinks, two default routes of different metrics and no
# source-based policy routing (as NetworkManager sets up a laptop), a
# binding from the second uplink's address leaves by the second uplink
# when it names it, data (keepalives) and control datagrams (PACKET_SEND)
# alike; without, it leaves by the first, with the second's source, which
# upstream networks drop (BCP 38). The interface must exist in the
# device's namespace and not be the device.
#
#   host netns                                peer netns
#   up0 192.0.2.1/24 fd00:1::1/64 ----------- up0 192.0.2.2/24 fd00:1::2/64
#   up1 198.51.100.1/24 fd00:2::1/64 -------- up1 198.51.100.2/24 fd00:2::2/64
#   default via 192.0.2.2 / fd00:1::2         lo 203.0.113.1/32, fd00:99::1/128:
#     metric 100                                 the endpoints
#   default via 198.51.100.2 / fd00:2::2 metric 200
#   jp0: one session to 203.0.113.1:51820 or [fd00:99::1]:51820
#
# The host's postrouting chain counts the tunnel's datagrams from the second
# uplink's address by the interface they leave by.
source "$(dirname "$0")/../lib.sh"

NLRAW=$JP_REPO/tests/selftests/jumping/nlraw
PORT=51820
LOCAL1=198.51.100.1
ENDPOINT=203.0.113.1:$PORT
LOCAL1_6=fd00:2::1
ENDPOINT_6=[fd00:99::1]:$PORT
tmp=

in_host() { ip netns exec "$host" "$@"; }
assert_eq() { [ "$2" = "$3" ] || fail "$1: expected $2, got $3"; }
jc() { in_host "$JPCTL" "$@"; }

setup() {
	jp_load || fail "cannot load $JP_MODULE"
	[ -x "$NLRAW" ] || skip "no $NLRAW: make -C tests/selftests/jumping"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"; cleanup_ns' EXIT
	setup_ns host peer
	ip link add up0 netns "$host" type veth peer name up0 netns "$peer"
	ip link add up1 netns "$host" type veth peer name up1 netns "$peer"
	ip -n "$peer" -b - <<-EOB
	addr add 192.0.2.2/24 dev up0
	addr add 198.51.100.2/24 dev up1
	addr add 203.0.113.1/32 dev lo
	addr add fd00:1::2/64 dev up0 nodad
	addr add fd00:2::2/64 dev up1 nodad
	addr add fd00:99::1/128 dev lo
	link set up0 up
	link set up1 up
	EOB
	ip -n "$host" -b - <<-EOB
	addr add 192.0.2.1/24 dev up0
	addr add $LOCAL1/24 dev up1
	addr add fd00:1::1/64 dev up0 nodad
	addr add $LOCAL1_6/64 dev up1 nodad
	link set up0 up
	link set up1 up
	route add default via 192.0.2.2 dev up0 metric 100
	route add default via 198.51.100.2 dev up1 metric 200
	route add default via fd00:1::2 dev up0 metric 100
	route add default via fd00:2::2 dev up1 metric 200
	link add jp0 type jumping
	link set jp0 addrgenmode none
	EOB
	in_host nft -f - <<-EOF
	table inet jtoif {
		chain post {
			type filter hook postrouting priority 0;
			oifname "up0" ip saddr $LOCAL1 udp dport $PORT counter comment "up0"
			oifname "up1" ip saddr $LOCAL1 udp dport $PORT counter comment "up1"
			oifname "up0" ip6 saddr $LOCAL1_6 udp dport $PORT counter comment "up0v6"
			oifname "up1" ip6 saddr $LOCAL1_6 udp dport $PORT counter comment "up1v6"
		}
	}
	EOF
	jc set jp0 listen-port $PORT
	up1=$(in_host cat /sys/class/net/up1/ifindex)
}

# sent UPLINK: datagrams from LOCAL1 that left by up0 or up1 so far
# (up0v6, up1v6: from LOCAL1_6).
sent() {
	in_host nft -j list table inet jtoif |
		jq -r ".nftables[] | select(.rule.comment? == \"$1\") |
		       .rule.expr[] | select(.counter) | .counter.packets"
}

sent_above() {
	[ "$(sent "$1")" -gt "$2" ]
}

# key_file FILE: 32 random bytes as hex.
key_file() {
	{ od -An -v -tx1 -N32 /dev/urandom | tr -d ' \n'; echo; } >"$1"
}

# session_up ENDPOINT ARGS...: session 1 sending keepalives every 50 ms
# to ENDPOINT, on the binding ARGS (local, oif); device up.
session_up() {
	local ep=$1

	shift
	key_file "$tmp/k1"
	key_file "$tmp/k2"
	jc session add jp0 id 1 peer-id 2 remote "$ep" "$@" keepalive 50ms
	jc key add jp0 id 1 slot primary key-id 0 cipher chacha20poly1305 \
		enc-key-file "$tmp/k1" dec-key-file "$tmp/k2"
	ip -n "$host" link set jp0 up
}

show() {
	jc --json show jp0 | jq -r ".sessions[0] | $1"
}

# data 4|6: keepalives of a binding with the second uplink's address and
# interface leave by it; the same binding without the interface leaves by
# the first uplink.
data() {
	local ep=$ENDPOINT local=$LOCAL1 c0=up0 c1=up1 a0 a1

	if [ "$1" = 6 ]; then
		ep=$ENDPOINT_6 local=$LOCAL1_6 c0=up0v6 c1=up1v6
	fi
	setup
	session_up "$ep" local $local oif up1
	assert_eq "ifindex in show" "$up1" "$(show .ifindex)"
	assert_eq "ifindex in history" "$up1" "$(show '.history[0].ifindex')"
	wait_until 20 sent_above $c1 5 ||
		fail "no keepalives by up1: up0 $(sent $c0) up1 $(sent $c1)"
	assert_eq "by up0 with the second uplink's source" 0 "$(sent $c0)"

	# The same without the interface: routing picks the first uplink.
	jc binding set jp0 id 1 remote "$ep" local $local
	assert_eq "no ifindex in show" null "$(show .ifindex)"
	a1=$(sent $c1)
	wait_until 20 sent_above $c0 5 ||
		fail "without oif, not by up0: up0 $(sent $c0) up1 $(sent $c1)"
	# At most one more by up1 (one in flight when the binding changed).
	[ "$(sent $c1)" -le $((a1 + 1)) ] ||
		fail "without oif, still by up1: $a1 -> $(sent $c1)"

	# And back, by index this time.
	jc binding set jp0 id 1 remote "$ep" local $local oif "$up1"
	a0=$(sent $c0)
	a1=$(sent $c1)
	wait_until 20 sent_above $c1 $((a1 + 5)) ||
		fail "oif by index: not by up1"
	[ "$(sent $c0)" -le $((a0 + 1)) ] ||
		fail "oif by index: still by up0: $a0 -> $(sent $c0)"
}

packet_send() {	# packet_send BINDING: a control datagram (type 4)
	in_host "$NLRAW" packet_send ifname:string=jp0 packet:binary=04c0ffee \
		"binding:binding=$1"
}

# Control datagrams: the interface of PACKET_SEND's binding as well.
control() {
	local a0 a1

	setup
	a0=$(sent up0)
	a1=$(sent up1)
	packet_send "$ENDPOINT/$LOCAL1@$up1" >/dev/null
	assert_eq "control by up1" $((a1 + 1)) "$(sent up1)"
	assert_eq "control not by up0" "$a0" "$(sent up0)"
	packet_send "$ENDPOINT/$LOCAL1" >/dev/null
	assert_eq "control without oif by up0" $((a0 + 1)) "$(sent up0)"
	assert_eq "control without oif not by up1" $((a1 + 1)) "$(sent up1)"
	expect_fail "no interface with this index in the device's network namespace" \
		packet_send "$ENDPOINT/$LOCAL1@999999"
}

# What the kernel refuses, with its reason; the binding stays as it was.
errors() {
	setup
	session_up $ENDPOINT local $LOCAL1 oif up1
	expect_fail "no interface with this index in the device's network namespace" \
		jc binding set jp0 id 1 remote $ENDPOINT oif 999999
	expect_fail "the binding's interface is the jumping device itself" \
		jc binding set jp0 id 1 remote $ENDPOINT oif jp0
	expect_fail "no interface with this index" \
		jc session add jp0 id 3 peer-id 4 remote $ENDPOINT oif 999999
	assert_eq "binding kept" "$up1" "$(show .ifindex)"
	assert_eq "no session 3" 1 "$(jc --json show jp0 | jq '.sessions | length')"
	expect_fail "oif 'nosuchif0' is not an interface name or index" \
		jc binding set jp0 id 1 remote $ENDPOINT oif nosuchif0
}

ktap_begin 4
run_case "over IPv4: keepalives leave by the binding's interface; without it, by the first uplink" \
	data 4
run_case "over IPv6: keepalives leave by the binding's interface; without it, by the first uplink" \
	data 6
run_case "control datagrams (PACKET_SEND) leave by the binding's interface" control
run_case "an interface that does not exist, or is the device, is refused" errors
ktap_end
