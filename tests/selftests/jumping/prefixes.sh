#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A session's inner prefixes: one owner per prefix on a device (the same
# prefix for a second session is refused, naming the owner, and nothing
# changes), longest-prefix match on transmit whatever the order sessions
# came in, and sessions of many prefixes: set through jumpctl in one
# request, read back whole by the SESSION_GET reply and by dumps that
# continue a session over several messages.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/helpers.sh"

KEY_A=$(printf 'a%.0s' {1..64})
KEY_B=$(printf 'b%.0s' {1..64})

# A device that sends: port, up, routes to 10.50/16 and fd50::/32.
setup_tx() {
	setup_ns ns
	ip -n "$ns" link add jp0 type jumping
	jpctl "$ns" set jp0 listen-port 40400
	ip -n "$ns" addr add 10.49.0.1/32 dev jp0
	ip -n "$ns" -6 addr add fd49::1/128 dev jp0 nodad
	ip -n "$ns" link set jp0 up
	ip -n "$ns" route add 10.50.0.0/16 dev jp0
	ip -n "$ns" -6 route add fd50::/32 dev jp0
}

# add_session ID PREFIX...: a session with a binding (to nobody on
# loopback) and a primary key, so that what is routed to it is sent.
add_session() {
	local id=$1 list
	shift
	list=$(IFS=,; echo "$*")
	jpctl "$ns" session add jp0 id "$id" peer-id $((id + 1000)) \
		remote 127.0.0.1:$((40500 + id % 100)) allowed "$list"
	jpctl "$ns" key add jp0 id "$id" slot primary key-id 0 \
		cipher chacha20poly1305 enc-key "$KEY_A" dec-key "$KEY_B"
}

# tx_packets ID: what session ID sent (0 if it never did).
tx_packets() {
	jpctl "$ns" --json show jp0 | jq -r \
		".sessions[] | select(.id == $1) | .stats.tx_packets // 0"
}

# allowed ID: session ID's prefixes, one a line, in the kernel's order.
allowed() {
	jpctl "$ns" --json show jp0 | jq -r \
		".sessions[] | select(.id == $1) | .allowed[]"
}

# send_to ADDR: one UDP datagram into the tunnel.
send_to() {
	ip netns exec "$ns" bash -c "echo x > /dev/udp/$1/9" 2>/dev/null || true
}

# routed_to ADDR ID: a datagram to ADDR leaves through session ID.
routed_to() {
	local before
	before=$(tx_packets "$2")
	send_to "$1"
	wait_until 10 test "$(tx_packets "$2")" -gt "$before" ||
		fail "a datagram to $1 did not leave through session $2"
}

one_owner() {
	local ns
	setup_tx
	add_session 100 10.50.0.0/24 fd50::/64
	add_session 102 10.50.7.0/24
	# SESSION_NEW with a prefix another session owns: refused, the owner
	# named (the extack cookie), and no session made.
	expect_fail "prefix already owned by another session of this device: session 100" \
		jpctl "$ns" session add jp0 id 101 peer-id 1101 allowed 10.50.9.0/24,10.50.0.0/24
	expect_fail "prefix already owned by another session of this device: session 100" \
		jpctl "$ns" session add jp0 id 101 peer-id 1101 allowed fd50:0:0:0::/64
	jpctl "$ns" --json show jp0 | jq -e '[.sessions[].id] | sort == [100, 102]' >/dev/null ||
		fail "a refused SESSION_NEW left a session behind"
	# SESSION_SET the same: refused, its old prefixes kept.
	expect_fail "prefix already owned by another session of this device: session 100" \
		jpctl "$ns" session set jp0 id 102 allowed 10.50.7.0/24,10.50.0.0/24
	[ "$(allowed 102)" = 10.50.7.0/24 ] || fail "refused SESSION_SET changed 102: $(allowed 102)"
	# One request naming a prefix twice.
	expect_fail "prefix given twice in one request" \
		jpctl "$ns" session set jp0 id 102 allowed 10.50.8.0/24,10.50.8.0/24
	# A session may be given its own prefixes again.
	jpctl "$ns" session set jp0 id 100 allowed 10.50.0.0/24,fd50::/64
	# Transmit goes to the one owner.
	routed_to 10.50.0.9 100
	routed_to fd50::9 100
	# Once the owner is gone, another session may take the prefix.
	jpctl "$ns" session del jp0 id 100
	jpctl "$ns" session set jp0 id 102 allowed 10.50.7.0/24,10.50.0.0/24
	routed_to 10.50.0.9 102
}

# $1: "wide-first" or "narrow-first", the order the sessions come in.
longest_match() {
	local ns
	setup_tx
	if [ "$1" = wide-first ]; then
		add_session 100 10.50.0.0/24 fd50::/64
		add_session 101 10.50.0.5/32 fd50::5/128
	else
		add_session 101 10.50.0.5/32 fd50::5/128
		add_session 100 10.50.0.0/24 fd50::/64
	fi
	routed_to 10.50.0.5 101
	routed_to 10.50.0.6 100
	routed_to fd50::5 101
	routed_to fd50::6 100
	# Overlap within one session is no conflict either.
	jpctl "$ns" session set jp0 id 100 allowed 10.50.0.0/24,10.50.0.0/16
	routed_to 10.50.1.1 100
}

# prefixes N FIRST [v4]: N IPv6 /128 prefixes fd51::FIRST.. (as jumpctl
# prints them), and with v4
# as many IPv4 /32 ones 10.x.y.z after them, comma separated.
prefixes() {
	local i p out=()
	for ((i = $2; i < $2 + $1; i++)); do
		if ((i < 65536)); then
			printf -v p 'fd51::%x/128' "$i"
		else
			printf -v p 'fd51::%x:%x/128' $((i >> 16)) $((i & 0xffff))
		fi
		out+=("$p")
	done
	if [ -n "${3:-}" ]; then
		for ((i = $2; i < $2 + $1; i++)); do
			out+=("10.$((51 + i / 65536)).$((i / 256 % 256)).$((i % 256))/32")
		done
	fi
	(IFS=,; echo "${out[*]}")
}

# A session of 1000 IPv6 prefixes (32 KiB of them: more than one dump
# message holds) set in one jumpctl request and read back whole, in order.
thousand() {
	local ns want got text len
	setup_ns ns
	ip -n "$ns" link add jp0 type jumping
	want=$(prefixes 1000 1)
	jpctl "$ns" session add jp0 id 100 peer-id 200 allowed "$want"
	got=$(allowed 100 | paste -sd,)
	[ "$got" = "$want" ] || fail "--json: not the 1000 prefixes set (got $(allowed 100 | wc -l))"
	text=$(jpctl "$ns" show jp0)
	got=$(sed -n 's/^  allowed: //p' <<<"$text" | paste -sd,)
	[ "$got" = "$want" ] || fail "text: not the 1000 prefixes set"
	[ "$(grep -c '^session: ' <<<"$text")" = 1 ] || fail "text: one session shown more than once"
	# The dump did split it: more than one message names the session.
	[ "$(nlraw "$ns" --dump session_get ifname:string=jp0 | grep -c '^session=')" -gt 1 ] ||
		fail "a 32 KiB session came in one dump message: nothing was merged"
	# The SESSION_GET reply holds it whole: raw, the session nest (type
	# 6 with NLA_F_NESTED) holding id 100.
	len=$(nlraw "$ns" session_get ifname:string=jp0 $((0x8000 | 6)):binary=0800010064000000 |
		sed -n 's/^session=len://p')
	[ -n "$len" ] && [ "$len" -gt $((1000 * 32)) ] ||
		fail "SESSION_GET reply lacks prefixes: session nest of '$len' bytes"
	# Replaced by a set of 1024 (the most a session takes) ...
	want=$(prefixes 512 2000 v4)
	jpctl "$ns" session set jp0 id 100 allowed "$want"
	[ "$(allowed 100 | paste -sd,)" = "$want" ] || fail "1024 prefixes not read back"
	# ... and no more.
	expect_fail "more than 1024 allowed prefixes" \
		jpctl "$ns" session set jp0 id 100 allowed "$want,10.52.0.0/24"
}

# Several large sessions around small ones, each read back whole, once.
several() {
	local ns id want json
	setup_ns ns
	ip -n "$ns" link add jp0 type jumping
	jpctl "$ns" session add jp0 id 1 peer-id 1 allowed 10.60.0.1/32
	for id in 100 101 102; do
		jpctl "$ns" session add jp0 id "$id" peer-id "$id" \
			allowed "$(prefixes 400 $((id * 1000)) v4)"
	done
	jpctl "$ns" session add jp0 id 2 peer-id 2 allowed 10.60.0.2/32
	json=$(jpctl "$ns" --json show jp0)
	jq -e '[.sessions[].id] == [1, 100, 101, 102, 2]' <<<"$json" >/dev/null ||
		fail "sessions not each once, in order: $(jq -c '[.sessions[].id]' <<<"$json")"
	for id in 100 101 102; do
		want=$(prefixes 400 $((id * 1000)) v4)
		[ "$(jq -r ".sessions[] | select(.id == $id) | .allowed | join(\",\")" <<<"$json")" = "$want" ] ||
			fail "session $id not read back whole"
		jq -e ".sessions[] | select(.id == $id) | .state == \"birth\" and .peer_id == $id" \
			<<<"$json" >/dev/null || fail "session $id lost its first part's fields"
	done
	[ "$(jq -r '.sessions[] | select(.id == 2) | .allowed | join(",")' <<<"$json")" = 10.60.0.2/32 ] ||
		fail "the session after the large ones is wrong"
}

ktap_begin 5
jp_load
run_case "a prefix has one owner: a second session is refused, the owner named" one_owner
run_case "transmit takes the longest prefix across sessions (wide one first)" longest_match wide-first
run_case "transmit takes the longest prefix across sessions (narrow one first)" longest_match narrow-first
run_case "a 1000-prefix session set by jumpctl, read back whole (text, JSON, GET)" thousand
run_case "a dump of several large sessions continues each across messages" several
jp_unload
ktap_end
