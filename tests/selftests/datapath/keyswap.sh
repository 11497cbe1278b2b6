#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A rekey in the middle of a ping flood and of an iperf3 stream loses no
# packet. The order (docs/protocol.md, "Key slots"): install the new key
# into the secondary slot on both sides first, then swap the receiver,
# then the sender. Afterwards every packet one side sent the other
# received, no drop was counted, and both sides encrypt with the new key.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

# rekey CIPHER: new key id 1 into the secondary slots, then swap the
# server (the client's traffic's receiver) first, then the client.
rekey() {
	topo_keys secondary 1 "$1"
	js key swap jp0 id $SRV_ID
	jc key swap jp0 id $CLI_ID
}

# tx_above NS ID N: the session has sent more than N packets.
tx_above() {
	[ "$(jq_dev "$1" "st($2).tx_packets")" -gt "$3" ]
}

# settled: no packet in flight any more: each side received what the
# other sent, and the server answered (ping) or acknowledged (TCP).
settled() {
	local c s

	c=$(jq_dev "$cli" "st($CLI_ID) | \"\\(.tx_packets) \\(.rx_packets)\"")
	s=$(jq_dev "$srv" "st($SRV_ID) | \"\\(.rx_packets) \\(.tx_packets)\"")
	[ "$c" = "$s" ]
}

# under_traffic CIPHER PID: with traffic flowing (pid PID), rekey, let
# another 300 packets go under the new key, stop the traffic, and check
# that not one packet was lost or dropped on the way.
under_traffic() {
	local cipher=$1 pid=$2 tx

	wait_until 120 tx_above "$cli" $CLI_ID 300 || fail "the traffic did not start"
	rekey "$cipher"
	tx=$(jq_dev "$cli" "st($CLI_ID).tx_packets")
	wait_until 120 tx_above "$cli" $CLI_ID $((tx + 300)) ||
		fail "the traffic stopped after the rekey"
	kill -INT "$pid"
	wait "$pid" || true
	wait_until 30 settled || fail "counters disagree: client $(jq_dev "$cli" "st($CLI_ID)"), server $(jq_dev "$srv" "st($SRV_ID)")"
	echo "client: $(jq_dev "$cli" "st($CLI_ID) | tojson")"
	echo "server: $(jq_dev "$srv" "st($SRV_ID) | tojson")"
	assert_eq "client session drops" 0 "$(jq_dev "$cli" "st($CLI_ID) | drops")"
	assert_eq "server session drops" 0 "$(jq_dev "$srv" "st($SRV_ID) | drops")"
	assert_eq "client primary key id" 1 "$(jq_dev "$cli" "s($CLI_ID).primary_key.key_id")"
	assert_eq "server primary key id" 1 "$(jq_dev "$srv" "s($SRV_ID).primary_key.key_id")"
	assert_eq "client secondary key id" 0 "$(jq_dev "$cli" "s($CLI_ID).secondary_key.key_id")"
}

# A flood until stopped: it must be running when the keys change, however
# slow the machine. ping's own summary cannot judge loss (it stops with
# requests in flight); the tunnel counters can, once settled.
swap_during_flood() {
	local cipher=$1 pid sent

	topo_setup 4 "$cipher"
	ip netns exec "$cli" ping -n -q -f -w 600 $SRV4 >"$topo_tmp/ping.out" 2>&1 &
	pid=$!
	topo_pids+=("$pid")
	under_traffic "$cipher" "$pid"
	cat "$topo_tmp/ping.out"
	sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$topo_tmp/ping.out")
	assert_eq "echo requests through the tunnel" "$sent" \
		"$(jq_dev "$cli" "st($CLI_ID).tx_packets")"
}

swap_during_iperf3() {
	local cipher=$1 pid

	topo_setup 6 "$cipher"
	iperf3_server $SRV6
	ip netns exec "$cli" iperf3 -c $SRV6 -p $IPERF_PORT -t 600 \
		>"$topo_tmp/iperf3.log" 2>&1 &
	pid=$!
	topo_pids+=("$pid")
	under_traffic "$cipher" "$pid"
}

# expired NS ID N: the session counted more than N key-expired drops.
expired_above() {
	[ "$(jq_dev "$1" "st($2).drop_key_expired")" -gt "$3" ]
}

# A key past its hard age (JUMPING_A_KEYCONF_REJECT_AFTER_MS) neither
# decrypts nor encrypts: the server's new key gets the shortest age the
# kernel takes, the client's none; once it has passed, the client's
# packets are dropped on receive and the server's on transmit, each
# counted as drop_key_expired. An age below the minimum is refused with
# the kernel's extack, and changes nothing.
hard_age() {
	local c2s=$topo_tmp/c2s.1 s2c=$topo_tmp/s2c.1 rx before

	topo_setup 4 chacha20poly1305
	new_key "$c2s"
	new_key "$s2c"
	expect_fail "integer out of range" \
		js key add jp0 id $SRV_ID slot secondary key-id 1 \
		cipher chacha20poly1305 enc-key-file "$s2c" \
		dec-key-file "$c2s" reject-after 999
	assert_eq "no key after the refused one" null \
		"$(jq_dev "$srv" "s($SRV_ID).secondary_key.key_id")"
	jc key add jp0 id $CLI_ID slot secondary key-id 1 \
		cipher chacha20poly1305 enc-key-file "$c2s" dec-key-file "$s2c"
	js key add jp0 id $SRV_ID slot secondary key-id 1 \
		cipher chacha20poly1305 enc-key-file "$s2c" dec-key-file "$c2s" \
		reject-after 1000
	js key swap jp0 id $SRV_ID
	jc key swap jp0 id $CLI_ID
	# Each try is a new packet under the new key: past the age, every
	# one of them is dropped at the server.
	wait_until 60 eval 'in_cli ping -n -q -c 1 -W 1 $SRV4 >/dev/null 2>&1;
		expired_above "$srv" $SRV_ID 0' ||
		fail "no key-expired drop on receive: $(jq_dev "$srv" "st($SRV_ID)")"
	in_cli ping -n -q -c 2 -W 1 $SRV4 >/dev/null 2>&1 &&
		fail "ping through an expired key"
	rx=$(jq_dev "$cli" "st($CLI_ID).rx_packets")
	before=$(jq_dev "$srv" "st($SRV_ID).drop_key_expired")
	in_srv ping -n -q -c 1 -W 1 $CLI4 >/dev/null 2>&1 &&
		fail "the server sent under an expired key"
	wait_until 20 expired_above "$srv" $SRV_ID "$before" ||
		fail "no key-expired drop on transmit"
	assert_eq "client received nothing more" "$rx" \
		"$(jq_dev "$cli" "st($CLI_ID).rx_packets")"
	assert_eq "client drops" 0 "$(jq_dev "$cli" "st($CLI_ID) | drops")"
}

ktap_begin 5
run_case "a key past its hard age is refused both ways and counted" hard_age
for cipher in chacha20poly1305 aes256gcm; do
	run_case "$cipher: rekey during a ping flood loses no packet" \
		swap_during_flood $cipher
	run_case "$cipher: rekey during an iperf3 stream loses no packet" \
		swap_during_iperf3 $cipher
done
ktap_end
