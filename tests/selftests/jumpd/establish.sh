#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Two jumpd daemons, started from their configuration files alone (keys
# from jumpctl genkey, nothing configured by hand but the jp devices and
# their inner addresses), establish a session through the NAT: both sides
# attached with reason handshake-done, their session ids agree, and ping
# (IPv4 and IPv6 inside, both ways) and a checksummed TCP stream pass.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

established() {
	local ids cli_id srv_id attached='.event == "transition" and .new == "attached"
		and .reason == "handshake-done"'

	topo_setup
	jd_start_both
	ids=$(session_ids)
	read -r cli_id srv_id <<<"$ids"
	assert_eq "server's session id (the client's peer id)" "$srv_id" "$(show srv .id)"
	assert_eq "server's peer id" "$cli_id" "$(show srv .peer_id)"
	assert_eq "client sessions" 1 "$(session_count cli)"
	assert_eq "server sessions" 1 "$(session_count srv)"
	audit_has cli "$attached" || fail "client audit: no attached/handshake-done line"
	audit_has srv "$attached" || fail "server audit: no attached/handshake-done line"
	assert_eq "client's binding" "$SRV_OUT:$SRV_PORT" "$(binding_remote cli)"
	# The server sees the client at the router's address: the NAT.
	case "$(binding_remote srv)" in
	"$SRV_RTR:"*) ;;
	*) fail "server's binding $(binding_remote srv), expected the router $SRV_RTR" ;;
	esac
	echo "session $cli_id (client) <-> $srv_id (server); the server sees the client at $(binding_remote srv)"
	transitions cli | sed 's/^/client: /'
	transitions srv | sed 's/^/server: /'
}

traffic() {
	topo_setup
	jd_start_both
	pings_ok cli 5 -i 0.2 $SRV_IN4
	pings_ok cli 5 -i 0.2 $SRV_IN6
	pings_ok srv 3 -i 0.2 $CLI_IN4
	pings_ok srv 3 -i 0.2 $CLI_IN6
	stream_start
	stream_wait_more 4000000 120 || fail "the stream stalled at $(stream_bytes) bytes"
	stream_finish
	echo "TCP: $stream_total bytes, same sha256 at both ends, longest gap $stream_gap ms"
}

ktap_begin 2
jd_case "jumpd from config files alone: both sides attached, ids agree, audit says handshake-done" \
	established
jd_case "ping (IPv4, IPv6, both ways) and a checksummed TCP stream through the session" \
	traffic
ktap_end
