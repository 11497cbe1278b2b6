#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Silence of the binding while a session sends (SILENCE_MS, SILENCE_NTF):
# an idle or answered session tells nothing; once the peer is blackholed,
# the first packet sent unanswered is followed SILENCE_MS later by one
# "silent" event, the first packet heard after it by one "resumed"; a
# keepalive counts as a packet sent; off tells nothing; a session or a
# device deleted while a silence is counted leaves nothing behind.
# Events are read with `jumpctl --json monitor`, one JSON object per line.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

SILENCE=200

monitor() {
	ip netns exec "$1" "$JPCTL" --json monitor >"$2" 2>"$2.err" &
	topo_pids+=("$!")
	wait_until 20 grep -q monitoring "$2.err" ||
		fail "monitor did not start: $(cat "$2.err")"
}

# silence_events OUT [LIVENESS]: the silence events in OUT, one per line.
silence_events() {
	jq -c "select(.event == \"silence\"${2:+ and .liveness == \"$2\"})" "$1"
}

count_events() {
	silence_events "$@" | wc -l
}

has_events() {	# has_events OUT LIVENESS N: at least N of them
	[ "$(count_events "$1" "$2")" -ge "$3" ]
}

field() {
	jq_dev "$1" "$2 // \"absent\""
}

above() {
	[ "$(jq_dev "$1" "$2 // 0")" -gt "$3" ]
}

# The server drops what comes to the tunnel's port and sends nothing back.
block() {
	in_srv nft -f - <<-EOF
	table inet jtsil {
		chain in {
			type filter hook input priority 0;
			udp dport $JP_PORT drop
		}
		chain out {
			type filter hook output priority 0;
			udp sport $JP_PORT drop
		}
	}
	EOF
}

unblock() {
	in_srv nft delete table inet jtsil
}

# One ping that nobody answers: it only has to leave.
ping_lost() {
	in_cli ping -n -q -c 1 -W 1 $SRV4 >/dev/null 2>&1 || true
}

# Silence on, answered traffic, then idle: no event, nothing unheard.
quiet() {
	topo_setup 4 chacha20poly1305
	monitor "$cli" "$topo_tmp/ev"
	jc session set jp0 id $CLI_ID silence ${SILENCE}ms
	assert_eq "silence" $SILENCE "$(field "$cli" "s($CLI_ID).silence_ms")"
	assert_eq "silence default" 0 "$(field "$srv" "s($SRV_ID).silence_ms")"
	pings_ok "$cli" 5 -i 0.1 $SRV4
	# Idle for five intervals since the last packet sent.
	wait_until 30 above "$cli" "s($CLI_ID).tx_age_ms" $((5 * SILENCE)) ||
		fail "the client still sends: $(jq_dev "$cli" "s($CLI_ID) | tojson")"
	assert_eq "unheard" absent "$(field "$cli" "s($CLI_ID).unheard_ms")"
	assert_eq "liveness" absent "$(field "$cli" "s($CLI_ID).liveness")"
	assert_eq "events" 0 "$(count_events "$topo_tmp/ev")"
	expect_fail "silence '5ms' is not a duration from 10ms to 600s" \
		jc session set jp0 id $CLI_ID silence 5ms
}

# Blackholed: one silent event after the first unanswered packet, none
# more while it lasts; heard again: one resumed. A keepalive starts the
# next silence as data does, and a new binding forgets the old one's.
blackhole() {
	local ev unheard n

	topo_setup 4 chacha20poly1305
	monitor "$cli" "$topo_tmp/ev"
	jc session set jp0 id $CLI_ID silence ${SILENCE}ms
	pings_ok "$cli" 2 -i 0.1 $SRV4

	block
	ping_lost
	wait_until 20 has_events "$topo_tmp/ev" silent 1 ||
		fail "no silent event: $(cat "$topo_tmp/ev") $(jq_dev "$cli" "s($CLI_ID) | tojson")"
	ev=$(silence_events "$topo_tmp/ev" silent | head -n 1)
	assert_eq "silent event" "jp0 $CLI_ID $SRV_ID" \
		"$(echo "$ev" | jq -r '"\(.dev) \(.session) \(.peer_id)"')"
	unheard=$(echo "$ev" | jq '.unheard_ms')
	echo "silent after unheard_ms $unheard (silence ${SILENCE} ms)"
	[ "$unheard" -ge $SILENCE ] || fail "silent after $unheard ms < $SILENCE"
	[ "$unheard" -lt 5000 ] || fail "silent only after $unheard ms"
	[ "$(echo "$ev" | jq '.rx_age_ms')" -ge "$unheard" ] ||
		fail "rx age below unheard time: $ev"
	assert_eq "liveness in show" silent "$(field "$cli" "s($CLI_ID).liveness")"
	above "$cli" "s($CLI_ID).unheard_ms" $((SILENCE - 1)) ||
		fail "show lacks the unheard time: $(jq_dev "$cli" "s($CLI_ID) | tojson")"
	# Still silent: more packets, no second event.
	ping_lost
	ping_lost
	wait_until 30 above "$cli" "s($CLI_ID).unheard_ms" $((unheard + 3 * SILENCE)) ||
		fail "unheard time does not grow"
	assert_eq "silent events while silent" 1 \
		"$(count_events "$topo_tmp/ev" silent)"

	unblock
	pings_ok "$cli" 1 $SRV4
	wait_until 20 has_events "$topo_tmp/ev" resumed 1 ||
		fail "no resumed event: $(cat "$topo_tmp/ev")"
	ev=$(silence_events "$topo_tmp/ev" resumed | head -n 1)
	assert_eq "resumed event" "$CLI_ID $SRV_ID" \
		"$(echo "$ev" | jq -r '"\(.session) \(.peer_id)"')"
	[ "$(echo "$ev" | jq '.unheard_ms')" -ge "$unheard" ] ||
		fail "resumed with less unheard time than silent: $ev"
	assert_eq "liveness after" absent "$(field "$cli" "s($CLI_ID).liveness")"

	# Keepalives alone: silent again, once.
	block
	jc session set jp0 id $CLI_ID keepalive 50ms
	wait_until 20 has_events "$topo_tmp/ev" silent 2 ||
		fail "no silent event on keepalives: $(cat "$topo_tmp/ev")"
	# A new binding: its silence starts afresh, and it is silent too.
	jc binding set jp0 id $CLI_ID remote $SRV_OUT4B:$JP_PORT
	wait_until 20 has_events "$topo_tmp/ev" silent 3 ||
		fail "no silent event on the new binding: $(cat "$topo_tmp/ev")"
	n=$(count_events "$topo_tmp/ev" resumed)
	assert_eq "resumed events" 1 "$n"
	jc session set jp0 id $CLI_ID keepalive off
	unblock
}

# Off: silent traffic tells nothing, and show says 0.
off() {
	topo_setup 4 chacha20poly1305
	monitor "$cli" "$topo_tmp/ev"
	jc session set jp0 id $CLI_ID silence ${SILENCE}ms
	jc session set jp0 id $CLI_ID silence off
	assert_eq "silence off" 0 "$(field "$cli" "s($CLI_ID).silence_ms")"
	block
	ping_lost
	ping_lost
	wait_until 30 above "$cli" "s($CLI_ID).tx_age_ms" $((5 * SILENCE)) ||
		fail "the client still sends"
	assert_eq "unheard" absent "$(field "$cli" "s($CLI_ID).unheard_ms")"
	assert_eq "events" 0 "$(count_events "$topo_tmp/ev")"
	# Turned off while silent: forgotten, and nothing when heard again.
	jc session set jp0 id $CLI_ID silence ${SILENCE}ms
	ping_lost
	wait_until 20 has_events "$topo_tmp/ev" silent 1 ||
		fail "no silent event: $(cat "$topo_tmp/ev")"
	jc session set jp0 id $CLI_ID silence off
	assert_eq "liveness when off" absent "$(field "$cli" "s($CLI_ID).liveness")"
	unblock
	pings_ok "$cli" 2 -i 0.1 $SRV4
	wait_until 30 above "$cli" "s($CLI_ID).tx_age_ms" $((3 * SILENCE)) ||
		fail "the client still sends"
	assert_eq "events" 1 "$(count_events "$topo_tmp/ev")"
}

# A silence being counted when its session, then its device, goes: the
# timer is shut down with it (the last case checks the kernel log).
teardown() {
	topo_setup 4 chacha20poly1305
	monitor "$cli" "$topo_tmp/ev"
	block
	# Long enough to be still counting when deleted.
	jc session set jp0 id $CLI_ID silence 60s keepalive 50ms
	js session set jp0 id $SRV_ID silence 60s keepalive 50ms
	wait_until 20 above "$cli" "s($CLI_ID).unheard_ms" 0 ||
		fail "client not counting: $(jq_dev "$cli" "s($CLI_ID) | tojson")"
	jc session del jp0 id $CLI_ID
	# The server hears nothing either (blocked): it counts too.
	wait_until 20 above "$srv" "s($SRV_ID).unheard_ms" 0 ||
		fail "server not counting: $(jq_dev "$srv" "s($SRV_ID) | tojson")"
	ip -n "$srv" link del jp0
	assert_eq "events" 0 "$(count_events "$topo_tmp/ev")"
}

ktap_begin 4
run_case "silence on: answered and idle, no event" quiet
run_case "blackholed: one silent event after SILENCE_MS unheard, one resumed when heard" \
	blackhole
run_case "silence off: no event; turned off while silent, none after" off
run_case "session and device deleted while a silence is counted" teardown
ktap_end
