#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What the kernel keeps and tells about a session's liveness for jumpd:
# keepalives on an idle session (and none once off, or while the device is
# down, when nothing is decrypted either), rx/tx age, a packet
# from an unknown source (delivered and counted, the binding unmoved, one
# event), state changes with their reasons as events, the binding history
# with reasons, and the session-deleted event. Events are read with
# `jumpctl --json monitor`, one JSON object per line.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

CLI_OUT4B=192.0.2.11

# monitor NS OUT: `jumpctl --json monitor` in NS into OUT, in the
# background; returns once it is subscribed.
monitor() {
	ip netns exec "$1" "$JPCTL" --json monitor >"$2" 2>"$2.err" &
	topo_pids+=("$!")
	wait_until 20 grep -q monitoring "$2.err" ||
		fail "monitor did not start: $(cat "$2.err")"
}

# events OUT FILTER: the events in OUT that jq FILTER selects, one per line.
events() {
	jq -c "select($2)" "$1"
}

has_event() {
	[ -n "$(events "$1" "$2")" ]
}

# field NS EXPR: like jq_dev, "absent" for null.
field() {
	jq_dev "$1" "$2 // \"absent\""
}

above() {
	[ "$(jq_dev "$1" "$2 // 0")" -gt "$3" ]
}

# Keepalives on an idle session: the peer counts them, they deliver
# nothing, and 0 turns them off.
keepalive() {
	local rx

	topo_setup 4 chacha20poly1305
	assert_eq "keepalive before" 0 "$(field "$cli" "s($CLI_ID).keepalive_ms")"
	assert_eq "tx age before" absent "$(field "$cli" "s($CLI_ID).tx_age_ms")"
	assert_eq "server rx before" 0 "$(jq_dev "$srv" "st($SRV_ID).rx_packets")"

	jc session set jp0 id $CLI_ID keepalive 200ms
	assert_eq "keepalive" 200 "$(field "$cli" "s($CLI_ID).keepalive_ms")"
	wait_until 30 above "$srv" "st($SRV_ID).rx_packets" 2 ||
		fail "no keepalives: $(jq_dev "$srv" "st($SRV_ID) | tojson")"
	assert_eq "server rx bytes" 0 "$(jq_dev "$srv" "st($SRV_ID).rx_bytes")"
	assert_eq "server drops" 0 "$(jq_dev "$srv" "st($SRV_ID) | drops")"
	[ "$(field "$srv" "s($SRV_ID).rx_age_ms")" != absent ] ||
		fail "server has no rx age after keepalives"
	[ "$(field "$cli" "s($CLI_ID).tx_age_ms")" != absent ] ||
		fail "client has no tx age after keepalives"

	jc session set jp0 id $CLI_ID keepalive off
	assert_eq "keepalive off" 0 "$(field "$cli" "s($CLI_ID).keepalive_ms")"
	# Off: nothing leaves for five intervals, and the server got all.
	wait_until 30 above "$cli" "s($CLI_ID).tx_age_ms" 1000 ||
		fail "client still sends: $(jq_dev "$cli" "s($CLI_ID) | tojson")"
	rx=$(jq_dev "$cli" "st($CLI_ID).tx_packets")
	wait_counter "$srv" "st($SRV_ID).rx_packets" "$rx"
	above "$cli" "s($CLI_ID).tx_age_ms" 1000 ||
		fail "client sent again with keepalive off"

	# Keepalive does not hold traffic back: pings still pass.
	pings_ok "$cli" 2 -i 0.2 $SRV4
	expect_fail "keepalive '601s' is not a duration" \
		jc session set jp0 id $CLI_ID keepalive 601s
}

# A packet that authenticates but comes from another address: delivered,
# counted, one event, binding and rx age unchanged.
unknown_source() {
	local ev n

	topo_setup 4 chacha20poly1305
	ip -n "$cli" addr add $CLI_OUT4B/24 dev veth0
	monitor "$srv" "$topo_tmp/ev"
	# The client sends from its second address; replies go to its first.
	jc binding set jp0 id $CLI_ID remote $SRV_OUT4:$JP_PORT local $CLI_OUT4B
	pings_ok "$cli" 3 -i 0.2 $SRV4
	assert_eq "server unknown source" 3 \
		"$(jq_dev "$srv" "st($SRV_ID).rx_unknown_source")"
	assert_eq "server device unknown source" 3 \
		"$(jq_dev "$srv" ".stats.rx_unknown_source")"
	assert_eq "server rx packets" 3 "$(jq_dev "$srv" "st($SRV_ID).rx_packets")"
	assert_eq "server binding" "$CLI_OUT4:$JP_PORT" \
		"$(jq_dev "$srv" "s($SRV_ID).remote")"
	assert_eq "server rx age" absent "$(field "$srv" "s($SRV_ID).rx_age_ms")"
	wait_until 20 has_event "$topo_tmp/ev" '.event == "unknown-source"' ||
		fail "no unknown-source event: $(cat "$topo_tmp/ev")"
	ev=$(events "$topo_tmp/ev" '.event == "unknown-source"' | head -n 1)
	assert_eq "event" "jp0 $SRV_ID $CLI_ID $CLI_OUT4B:$JP_PORT $SRV_OUT4" \
		"$(echo "$ev" | jq -r '"\(.dev) \(.session) \(.peer_id) \(.source) \(.to)"')"
	# At most one a second: three pings in 0.4 s give one or two.
	n=$(events "$topo_tmp/ev" '.event == "unknown-source"' | wc -l)
	[ "$n" -le 2 ] || fail "$n unknown-source events for 3 packets"
	assert_eq "client unknown source" 0 \
		"$(jq_dev "$cli" "st($CLI_ID).rx_unknown_source")"
	[ "$(field "$cli" "s($CLI_ID).rx_age_ms")" != absent ] ||
		fail "client has no rx age after the replies"
}

# State changes: an event each with old and new state, reason and
# binding; setting the same state again is no change and no event.
state_events() {
	local want

	topo_setup 4 chacha20poly1305
	assert_eq "state at birth" birth "$(jq_dev "$cli" "s($CLI_ID).state")"
	monitor "$cli" "$topo_tmp/ev"
	jc session set jp0 id $CLI_ID state attached reason handshake-done
	jc session set jp0 id $CLI_ID state attached reason rx-resumed
	jc session set jp0 id $CLI_ID state volatile reason rx-silence
	wait_until 20 has_event "$topo_tmp/ev" '.state == "volatile"' ||
		fail "no state event: $(cat "$topo_tmp/ev")"
	want="birth attached handshake-done $SRV_OUT4:$JP_PORT
attached volatile rx-silence $SRV_OUT4:$JP_PORT"
	assert_eq "state events" "$want" \
		"$(events "$topo_tmp/ev" '.event == "state" and .session == '$CLI_ID |
		   jq -r '"\(.old_state) \(.state) \(.reason) \(.remote)"')"
	assert_eq "state" volatile "$(jq_dev "$cli" "s($CLI_ID).state")"
	assert_eq "last reason" rx-silence "$(jq_dev "$cli" "s($CLI_ID).reason")"
	[ "$(field "$cli" "s($CLI_ID).state_age_ms")" != absent ] ||
		fail "no time in state"
	expect_fail "reason goes with a state or a binding" \
		jc session set jp0 id $CLI_ID reason rx-silence
	expect_fail "reason 'bogus' is not a reason code" \
		jc session set jp0 id $CLI_ID state attached reason bogus
	# Deleting the session is an event too.
	jc session del jp0 id $CLI_ID
	wait_until 20 has_event "$topo_tmp/ev" '.event == "session-del"' ||
		fail "no session-del event: $(cat "$topo_tmp/ev")"
	assert_eq "session-del event" "$CLI_ID userspace" \
		"$(events "$topo_tmp/ev" '.event == "session-del"' |
		   jq -r '"\(.session) \(.reason)"')"
}

# The binding history: newest first, with reasons, at most 8 kept.
history() {
	local i want

	topo_setup 4 chacha20poly1305
	jc binding set jp0 id $CLI_ID remote $SRV_OUT4B:$JP_PORT reason reattach-validated
	jc binding set jp0 id $CLI_ID remote $SRV_OUT4:$JP_PORT reason reattach-requested
	want="$SRV_OUT4:$JP_PORT reattach-requested
$SRV_OUT4B:$JP_PORT reattach-validated
$SRV_OUT4:$JP_PORT userspace"
	assert_eq "history" "$want" \
		"$(jq_dev "$cli" "s($CLI_ID).history[] | \"\(.remote) \(.reason)\"")"
	# Ages: newest first, so never decreasing down the list.
	jq_dev "$cli" "[s($CLI_ID).history[].age_ms] | . == sort" | grep -qx true ||
		fail "history ages out of order: $(jq_dev "$cli" "s($CLI_ID).history")"
	# Nine in all: the first (from session add) falls out.
	for i in 1 2 3 4 5 6; do
		jc binding set jp0 id $CLI_ID remote "$SRV_OUT4:$((JP_PORT + i))" \
			reason rx-resumed
	done
	assert_eq "history length" 8 "$(jq_dev "$cli" "s($CLI_ID).history | length")"
	assert_eq "newest" "$SRV_OUT4:$((JP_PORT + 6))" \
		"$(jq_dev "$cli" "s($CLI_ID).history[0].remote")"
	assert_eq "oldest kept" "$SRV_OUT4B:$JP_PORT reattach-validated" \
		"$(jq_dev "$cli" "s($CLI_ID).history[7] | \"\(.remote) \(.reason)\"")"
	jc show jp0 | grep -q "binding history: $SRV_OUT4B:$JP_PORT, reattach-validated, " ||
		fail "text show lacks the history: $(jc show jp0)"
	# A record keeps an IPv6 binding's addresses, local one included,
	# as the live binding shows them (records are compact, not copies).
	jc binding set jp0 id $CLI_ID remote "[$SRV_OUT6]:$JP_PORT" \
		local $CLI_OUT6 reason rx-resumed
	assert_eq "IPv6 record" "[$SRV_OUT6]:$JP_PORT $CLI_OUT6 rx-resumed" \
		"$(jq_dev "$cli" "s($CLI_ID).history[0] | \"\(.remote) \(.local) \(.reason)\"")"
	assert_eq "record is the binding" true \
		"$(jq_dev "$cli" "s($CLI_ID) | [.remote, .local] == [.history[0].remote, .history[0].local]")"
}

# rx_dropped NS: the device's rx_dropped (ip -s link).
rx_dropped() {
	ip -n "$1" -j -s link show jp0 | jq '.[0].stats64.rx.dropped'
}

dropped_above() {
	[ "$(rx_dropped "$1")" -gt "$2" ]
}

# A device that is down sends no keepalive and decrypts nothing: the
# peer's keepalives are dropped before any crypto, the session counts
# none. Up again, keepalives go both ways once more.
device_down() {
	local tx rx dropped srv_rx

	topo_setup 4 chacha20poly1305
	jc session set jp0 id $CLI_ID keepalive 200ms
	wait_until 30 above "$srv" "st($SRV_ID).rx_packets" 2 ||
		fail "no keepalives: $(jq_dev "$srv" "st($SRV_ID) | tojson")"

	ip -n "$cli" link set jp0 down
	# Down: nothing leaves for five intervals (the tx age only grows).
	wait_until 30 above "$cli" "s($CLI_ID).tx_age_ms" 1000 ||
		fail "keepalives while down: $(jq_dev "$cli" "s($CLI_ID) | tojson")"
	tx=$(jq_dev "$cli" "st($CLI_ID).tx_packets")
	wait_counter "$srv" "st($SRV_ID).rx_packets" "$tx"
	above "$cli" "s($CLI_ID).tx_age_ms" 1000 ||
		fail "a keepalive left the device that is down"

	# The server's keepalives reach the device that is down: dropped
	# uncounted by the session, before any key is used.
	rx=$(jq_dev "$cli" "st($CLI_ID).rx_packets")
	dropped=$(rx_dropped "$cli")
	js session set jp0 id $SRV_ID keepalive 200ms
	wait_until 30 dropped_above "$cli" $((dropped + 2)) ||
		fail "the server's keepalives were not dropped at the client: rx_dropped $(rx_dropped "$cli")"
	assert_eq "client session rx while down" "$rx" \
		"$(jq_dev "$cli" "st($CLI_ID).rx_packets")"
	assert_eq "client session drops while down" 0 \
		"$(jq_dev "$cli" "st($CLI_ID) | drops")"

	# Up: keepalives leave again, and the server's are received.
	srv_rx=$(jq_dev "$srv" "st($SRV_ID).rx_packets")
	ip -n "$cli" link set jp0 up
	wait_until 30 above "$srv" "st($SRV_ID).rx_packets" $((srv_rx + 2)) ||
		fail "no keepalives after up: $(jq_dev "$cli" "s($CLI_ID) | tojson")"
	wait_until 30 above "$cli" "st($CLI_ID).rx_packets" $((rx + 2)) ||
		fail "nothing received after up: $(jq_dev "$cli" "s($CLI_ID) | tojson")"
}

ktap_begin 5
run_case "keepalive 200ms on an idle session reaches the peer; off stops it" \
	keepalive
run_case "authentic packet from an unknown source: delivered, counted, one event, binding kept" \
	unknown_source
run_case "state changes raise events with old and new state, reason and binding" \
	state_events
run_case "binding history: newest first with reasons, the last 8 kept" \
	history
run_case "a device that is down sends no keepalive and decrypts nothing; up, both resume" \
	device_down
ktap_end
