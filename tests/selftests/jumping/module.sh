#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The module loads and unloads cleanly, again and again, while devices
# (some up, some with open UDP ports, some in other namespaces) exist:
# unloading removes every device everywhere and closes every socket.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/helpers.sh"

ROUNDS=20

# Devices of one round: "NS DEV PORT" (NS "" = the initial namespace).
populate() {
	local ns_a=$1 ns_b=$2
	ip link add jpm0 type jumping
	ip link add jpm1 type jumping
	ip link set jpm0 up
	ip -n "$ns_a" link add jpm0 type jumping
	ip -n "$ns_a" link add jpm1 type jumping
	ip -n "$ns_a" link set jpm1 up
	ip -n "$ns_b" link add jpm0 type jumping
	jpctl "" set jpm0 listen-port 40100 fwmark 1
	jpctl "$ns_a" set jpm0 listen-port 40100
	jpctl "$ns_a" set jpm1 listen-port 40101 fwmark 0xffffffff
	jpctl "$ns_b" set jpm0 listen-port 40102
}

check_present() {
	local ns_a=$1 ns_b=$2 names
	names=$(jp_dev_names "") || fail "dump in the initial namespace failed"
	# Other tests' devices must not be around: name them all.
	[ "$names" = "jpm0 jpm1" ] || fail "initial namespace lists '$names'"
	[ "$(jp_dev_names "$ns_a")" = "jpm0 jpm1" ] || fail "$ns_a lists wrong devices"
	[ "$(jp_dev_names "$ns_b")" = "jpm0" ] || fail "$ns_b lists wrong devices"
	jp_port_bound "" 40100 || fail "port 40100 not open in the initial namespace"
	jp_port_bound "$ns_b" 40102 || fail "port 40102 not open in $ns_b"
}

check_gone() {
	local ns port
	jp_module_loaded && fail "/sys/module/jumping still exists after rmmod"
	for ns in "" "$@"; do
		[ "$(jp_linkinfo_count "$ns")" = 0 ] ||
			fail "jumping devices left in namespace '${ns:-init}'"
		for port in 40100 40101 40102; do
			! jp_port_bound "$ns" "$port" ||
				fail "UDP port $port still open in '${ns:-init}'"
		done
	done
	! ip link show jpm0 >/dev/null 2>&1 || fail "jpm0 survived the unload"
}

load_unload_with_devices() {
	local ns_a ns_b i refcnt
	jp_need_tools
	jp_unload
	setup_ns ns_a ns_b
	for i in $(seq "$ROUNDS"); do
		jp_load || fail "round $i: load failed"
		populate "$ns_a" "$ns_b"	# set -e: a failing step ends the case
		check_present "$ns_a" "$ns_b"
		# Devices and sockets do not pin the module: rmmod removes them.
		refcnt=$(cat /sys/module/jumping/refcnt)
		[ "$refcnt" = 0 ] || fail "round $i: module refcount $refcnt with only devices"
		rmmod jumping || fail "round $i: rmmod failed"
		check_gone "$ns_a" "$ns_b"
	done
	echo "$ROUNDS rounds"
}

family_gone_after_unload() {
	jp_need_tools
	jp_unload
	expect_fail "jumping module not loaded" "$JPCTL" show
	! genl_family_listed || fail "genl still lists the jumping family"
	jp_load
	genl_family_listed || fail "genl does not list the jumping family after load"
	[ "$(jp_dev_names "")" = "" ] || fail "a fresh module lists devices"
	jp_unload
}

# Asked of the genl controller directly, not through our tools.
genl_family_listed() {
	genl ctrl get name jumping >/dev/null 2>&1
}

# A dump holds a module reference while it runs: rmmod may be refused
# (EBUSY) but must never break a dump or leave the module half gone.
unload_while_dumping() {
	local pid i
	jp_need_tools
	jp_load
	for i in $(seq 8); do
		ip link add "jpm$i" type jumping
	done
	( while "$JPCTL" --json show >/dev/null 2>&1 || jp_module_loaded; do :; done ) &
	pid=$!
	wait_until 60 rmmod jumping 2>/dev/null || { kill "$pid"; fail "rmmod never succeeded"; }
	wait "$pid"
	check_gone
}

ktap_begin 3
run_case "load/unload $ROUNDS times with devices in 3 namespaces" load_unload_with_devices
run_case "genl family appears on load and disappears on unload" family_gone_after_unload
run_case "unload while dumps run" unload_while_dumping
ktap_end
