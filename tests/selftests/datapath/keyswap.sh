#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A rekey in the middle of a ping flood and of an iperf3 stream loses no
# packet. The order (docs/protocol.md, "Key slots"): install the new key
# into the secondary slot on both sides first, then swap the receiver,
# then the sender. Afterwards every packet one side sent the other
# received, no drop was counted, and both sides encrypt with the new key.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

FLOOD=3000

# rekey CIPHER: new key id 1 into the secondary slots, then swap the
# server (the client's traffic's receiver) first, then the client.
rekey() {
	topo_keys secondary 1 "$1"
	js key swap jp0 id $SRV_ID
	jc key swap jp0 id $CLI_ID
}

# counters_agree: what each side sent, the other received.
counters_agree() {
	[ "$(jq_dev "$cli" "st($CLI_ID).tx_packets")" = \
	  "$(jq_dev "$srv" "st($SRV_ID).rx_packets")" ] &&
	[ "$(jq_dev "$srv" "st($SRV_ID).tx_packets")" = \
	  "$(jq_dev "$cli" "st($CLI_ID).rx_packets")" ]
}

check_after_rekey() {
	wait_until 20 counters_agree || fail "counters disagree: client $(jq_dev "$cli" "st($CLI_ID)"), server $(jq_dev "$srv" "st($SRV_ID)")"
	echo "client: $(jq_dev "$cli" "st($CLI_ID)")"
	echo "server: $(jq_dev "$srv" "st($SRV_ID)")"
	assert_eq "client session drops" 0 "$(jq_dev "$cli" "st($CLI_ID) | drops")"
	assert_eq "server session drops" 0 "$(jq_dev "$srv" "st($SRV_ID) | drops")"
	assert_eq "client primary key id" 1 "$(jq_dev "$cli" "s($CLI_ID).primary_key.key_id")"
	assert_eq "server primary key id" 1 "$(jq_dev "$srv" "s($SRV_ID).primary_key.key_id")"
	assert_eq "client secondary key id" 0 "$(jq_dev "$cli" "s($CLI_ID).secondary_key.key_id")"
}

# tx_above NS ID N: the session has sent more than N packets.
tx_above() {
	[ "$(jq_dev "$1" "st($2).tx_packets")" -gt "$3" ]
}

swap_during_flood() {
	local cipher=$1 pid out

	topo_setup 4 "$cipher"
	out=$topo_tmp/ping.out
	ip netns exec "$cli" ping -n -q -f -c $FLOOD -W 5 $SRV4 >"$out" 2>&1 &
	pid=$!
	topo_pids+=("$pid")
	wait_until 60 tx_above "$cli" $CLI_ID 300 || fail "the flood did not start"
	rekey "$cipher"
	# The swap must have happened mid-flood, or this tested nothing.
	kill -0 "$pid" 2>/dev/null || fail "the flood ended before the rekey finished"
	tx_above "$cli" $CLI_ID $((FLOOD - 1)) && fail "the flood ended before the rekey finished"
	wait "$pid" || fail "ping: $(cat "$out")"
	cat "$out"
	grep -q "$FLOOD packets transmitted, $FLOOD received" "$out" ||
		fail "packets lost across the rekey"
	check_after_rekey
	assert_eq "client tx packets" $FLOOD "$(jq_dev "$cli" "st($CLI_ID).tx_packets")"
}

swap_during_iperf3() {
	local cipher=$1 pid

	topo_setup 6 "$cipher"
	iperf3_server $SRV6
	ip netns exec "$cli" iperf3 -c $SRV6 -p $IPERF_PORT -t 6 -J \
		>"$topo_tmp/iperf3.json" 2>&1 &
	pid=$!
	topo_pids+=("$pid")
	wait_until 60 tx_above "$cli" $CLI_ID 1000 || fail "the stream did not start"
	rekey "$cipher"
	kill -0 "$pid" 2>/dev/null || fail "iperf3 ended before the rekey finished"
	wait "$pid" || fail "iperf3: $(cat "$topo_tmp/iperf3.json")"
	echo "iperf3: $(iperf3_received) bytes received"
	check_after_rekey
}

ktap_begin 4
for cipher in chacha20poly1305 aes256gcm; do
	run_case "$cipher: rekey during a ping flood loses no packet" \
		swap_during_flood $cipher
	run_case "$cipher: rekey during an iperf3 stream loses no packet" \
		swap_during_iperf3 $cipher
done
ktap_end
