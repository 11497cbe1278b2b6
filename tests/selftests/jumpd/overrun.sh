#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# jumpd hears of session deletions and key exhaustion only through kernel
# notifications. When its event socket overruns (ENOBUFS), some are lost:
# jumpd must say so and resync from a dump, not go on believing in a
# session the kernel no longer has.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

# overrun: the server's jumpd starts with a small event socket (rmem_max
# lowered for the moment it opens it), is stopped, and while it sleeps
# the kernel multicasts far more than that buffer holds (a dummy session
# added and deleted 40 times) and deletes jumpd's own session. Continued,
# jumpd logs the overrun, finds its session gone from the dump, and the
# client is back with a new session.
overrun() {
	local old_rmem srv_id cli_id i

	topo_setup
	old_rmem=$(sysctl -n net.core.rmem_max)
	sysctl -qw net.core.rmem_max=4096
	jd_start srv
	jd_start cli
	# Attached, both have sized their sockets: restore at once.
	if ! wait_attached 60; then
		sysctl -qw net.core.rmem_max="$old_rmem"
		fail "no session attached on both sides"
	fi
	sysctl -qw net.core.rmem_max="$old_rmem"
	srv_id=$(show srv .id)
	cli_id=$(show cli .id)

	kill -STOP "${jd_pid[srv]}"
	for i in $(seq 40); do
		in_srv "$JPCTL" session add jp0 id $((70000 + i)) peer-id 1
		in_srv "$JPCTL" session del jp0 id $((70000 + i))
	done
	in_srv "$JPCTL" session del jp0 id "$srv_id"
	kill -CONT "${jd_pid[srv]}"

	wait_until 30 grep -q "netlink events overrun" "$topo_tmp/srv.log" ||
		fail "jumpd did not notice the lost notifications"
	wait_until 30 grep -q "session $srv_id is gone from the kernel (resync)" \
		"$topo_tmp/srv.log" ||
		fail "jumpd did not find its session gone by a resync"
	wait_until 60 eval '[ "$(show cli .id)" != "$cli_id" ] && both_attached' ||
		fail "no new session: client $(state cli), server $(state srv)"
	assert_eq "server sessions" 1 "$(session_count srv)"
	grep -h "overrun\|resync" "$topo_tmp/srv.log"
}

ktap_begin 1
jd_case "event socket overrun: jumpd logs it, resyncs, and the session comes back" \
	overrun
ktap_end
