#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# An Endpoint given by name (resolved by jumpd's resolver thread, from the
# client namespace's own /etc/hosts, which `ip netns exec` mounts). The
# server moves to another address and the name follows; the old address
# dies. No path answers the client's REATTACH, so jumpd asks the resolver
# again, finds the new address, and the session moves there: same session,
# audited. At a48bab0 a name was resolved once, blocking, at start.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

NAME=vpn.jumping.test
SRV_NEW=192.0.2.3
validated='.event == "transition" and .new == "attached" and .reason == "reattach-validated"'

hosts() {	# hosts ADDR: the client's /etc/hosts says NAME is ADDR
	# Written in place: ip netns exec bind-mounts this very inode.
	echo "$1 $NAME" >"/etc/netns/$cli/hosts"
}

renamed() {
	local ids

	topo_setup
	mkdir -p "/etc/netns/$cli"
	hosts $SRV_OUT
	in_srv ip addr add $SRV_NEW/28 dev eth0
	sed -i "s|^Endpoint = .*|Endpoint = $NAME:$SRV_PORT|" "$topo_tmp/cli.conf"
	jd_start_both
	ids=$(session_ids)
	grep "$NAME is" "$topo_tmp/cli.log" || fail "the name was not resolved"
	hosts $SRV_NEW
	block ip daddr $SRV_OUT drop
	block ip saddr $SRV_OUT drop
	echo "the server is now $SRV_NEW; $SRV_OUT is dead from $(date +%T.%3N)"
	wait_until 90 grep -q "$NAME is $SRV_NEW" "$topo_tmp/cli.log" ||
		fail "the name was not looked up again"
	wait_audit 60 srv "$validated"
	wait_attached 30 || fail "not attached: client $(state cli), server $(state srv)"
	assert_eq "the client's binding" "$SRV_NEW:$SRV_PORT" "$(binding_remote cli)"
	assert_eq "session ids" "$ids" "$(session_ids)"
	pings_ok cli 3 -i 0.2 $SRV_IN4
	grep "$NAME is" "$topo_tmp/cli.log"
	rm -rf "/etc/netns/$cli"
}

ktap_begin 1
jd_case "an Endpoint name is looked up again when no path answers; the session follows the server to its new address" \
	renamed
ktap_end
