#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ping and an iperf3 TCP stream through jumping devices between two
# namespaces: IPv4 and IPv6 inside, over IPv4 and IPv6 outside, with each
# cipher. Every case also checks that nothing was dropped on either side.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

# traffic OUTER INNER CIPHER
traffic() {
	local outer=$1 inner=$2 cipher=$3 dst got

	topo_setup "$outer" "$cipher"
	if [ "$inner" = 6 ]; then dst=$SRV6; else dst=$SRV4; fi
	pings_ok "$cli" 5 -i 0.2 "$dst"
	iperf3_server "$dst"
	iperf3_client "$dst" -t 3 || fail "iperf3 to $dst failed"
	got=$(iperf3_received)
	[ "$got" -gt 0 ] || fail "iperf3: server received $got bytes"
	echo "iperf3: $got bytes received"
	assert_eq "client session drops" 0 "$(jq_dev "$cli" "st($CLI_ID) | drops")"
	assert_eq "server session drops" 0 "$(jq_dev "$srv" "st($SRV_ID) | drops")"
	assert_eq "client key cipher" "$cipher" \
		"$(jq_dev "$cli" "s($CLI_ID).primary_key.cipher")"
}

ktap_begin 8
for cipher in chacha20poly1305 aes256gcm; do
	for outer in 4 6; do
		for inner in 4 6; do
			run_case "IPv$inner over IPv$outer, $cipher: ping and iperf3" \
				traffic $outer $inner $cipher
		done
	done
done
ktap_end
