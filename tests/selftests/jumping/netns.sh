#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Jumping devices are per network namespace: the same name may exist in
# several, genl requests see only the caller's, UDP sockets open in the
# device's namespace, devices never move, and a dying namespace takes its
# devices (and their sockets) with it without blocking a later unload.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/helpers.sh"

same_name_in_three_namespaces() {
	local ns_a ns_b ns_c ns mark=0
	setup_ns ns_a ns_b ns_c
	for ns in "$ns_a" "$ns_b" "$ns_c"; do
		mark=$((mark + 1))
		ip -n "$ns" link add jp0 type jumping
		# The same port everywhere: sockets are per namespace.
		jpctl "$ns" set jp0 listen-port 40200 fwmark "$mark"
	done
	jp_expect_confs "$ns_a" "jp0 40200 1"
	jp_expect_confs "$ns_b" "jp0 40200 2"
	jp_expect_confs "$ns_c" "jp0 40200 3"
	jp_ports_free "" 40200
}

dump_sees_only_own_namespace() {
	local ns_a ns_b names
	setup_ns ns_a ns_b
	ip -n "$ns_a" link add jpa0 type jumping
	ip -n "$ns_a" link add jpa1 type jumping
	ip -n "$ns_b" link add jpb0 type jumping
	ip link add jpi0 type jumping
	# set -e holds in the trap too: nothing in it may fail.
	trap 'ip link del jpi0 2>/dev/null || :; cleanup_ns' EXIT
	[ "$(jp_dev_names "$ns_a")" = "jpa0 jpa1" ] || fail "$ns_a lists '$(jp_dev_names "$ns_a")'"
	[ "$(jp_dev_names "$ns_b")" = "jpb0" ] || fail "$ns_b lists '$(jp_dev_names "$ns_b")'"
	[ "$(jp_dev_names "")" = "jpi0" ] || fail "initial namespace lists '$(jp_dev_names "")'"
	# The raw dump (not through jumpctl) agrees.
	names=$(nlraw "$ns_a" --dump device_get | sed -n 's/^ifname=//p' | sort | xargs echo)
	[ "$names" = "jpa0 jpa1" ] || fail "raw dump in $ns_a lists '$names'"
	ip link del jpi0
}

other_namespace_device_not_found() {
	local ns_a ns_b
	setup_ns ns_a ns_b
	ip -n "$ns_a" link add jpa0 type jumping
	# A fixed ifindex, so the lookup from ns_a names an existing device.
	ip -n "$ns_b" link add jpb0 index 77 type jumping
	jpctl "$ns_b" set jpb0 listen-port 40210 fwmark 7
	expect_fail "no such jumping device" nlraw "$ns_a" device_get ifindex:u32=77
	expect_fail "no such jumping device" nlraw "$ns_a" device_set ifindex:u32=77 fwmark:u32=8
	expect_fail "no such jumping device" jpctl "$ns_a" set jpb0 fwmark 9
	expect_fail "no such jumping device" jpctl "$ns_a" show jpb0
	jp_expect_confs "$ns_b" "jpb0 40210 7"
	jp_expect_confs "$ns_a" "jpa0 0 0"
}

created_into_other_namespace() {
	local ns_a ns_b
	setup_ns ns_a ns_b
	# Asked for in ns_a, created in ns_b: it belongs to ns_b.
	ip -n "$ns_a" link add jpx netns "$ns_b" type jumping
	[ "$(jp_dev_names "$ns_b")" = "jpx" ] || fail "$ns_b lists '$(jp_dev_names "$ns_b")'"
	[ "$(jp_dev_names "$ns_a")" = "" ] || fail "$ns_a lists '$(jp_dev_names "$ns_a")'"
	jpctl "$ns_b" set jpx listen-port 40220
	jp_expect_confs "$ns_b" "jpx 40220 0"
	jp_ports_free "$ns_a" 40220
	ip -n "$ns_b" link del jpx
	[ "$(jp_dev_names "$ns_b")" = "" ] || fail "jpx still listed after ip link del"
	jp_ports_free "$ns_b" 40220
}

device_cannot_move() {
	local ns_a ns_b
	setup_ns ns_a ns_b
	ip -n "$ns_a" link add jp0 type jumping
	jpctl "$ns_a" set jp0 listen-port 40230 fwmark 3
	expect_fail "Invalid argument" ip -n "$ns_a" link set jp0 netns "$ns_b"
	[ "$(jp_dev_names "$ns_b")" = "" ] || fail "jp0 appeared in $ns_b"
	jp_expect_confs "$ns_a" "jp0 40230 3"
}

# Deleted namespaces must let go of their devices: a veth peer in the
# initial namespace vanishes in the same cleanup, which gives the test
# something to wait for; then the module must still unload (it could not
# if a dead namespace's device were stuck unregistering).
namespace_deleted_with_devices() {
	local nsd1 nsd2 nsd3 nsd4 ns i=0 peer peers=()
	jp_load
	setup_ns nsd1 nsd2 nsd3 nsd4
	for ns in "$nsd1" "$nsd2" "$nsd3" "$nsd4"; do
		i=$((i + 1))
		ip -n "$ns" link add jp0 type jumping
		ip -n "$ns" link add jp1 type jumping
		ip -n "$ns" link set jp0 up
		jpctl "$ns" set jp0 listen-port 40240 fwmark "$i"
		jpctl "$ns" set jp1 listen-port 40241
		peer="vjpd$i-$RANDOM"
		ip link add "$peer" type veth peer name veth0 netns "$ns"
		peers+=("$peer")
	done
	for ns in "$nsd1" "$nsd2" "$nsd3" "$nsd4"; do
		ip netns del "$ns"
	done
	jp_namespaces=()
	for peer in "${peers[@]}"; do
		wait_until 60 bash -c "! ip link show $peer >/dev/null 2>&1" ||
			fail "namespace cleanup did not run within 60 s ($peer remains)"
	done
	timeout 60 rmmod jumping || fail "rmmod after the namespaces died failed"
	! jp_module_loaded || fail "module still loaded after rmmod"
	jp_load
}

ktap_begin 6
jp_load
run_case "same device name and port in three namespaces" same_name_in_three_namespaces
run_case "DEVICE_GET dump lists only the caller's namespace" dump_sees_only_own_namespace
run_case "a device in another namespace is not found" other_namespace_device_not_found
run_case "ip link add ... netns: the device belongs to the target" created_into_other_namespace
run_case "a jumping device cannot change namespace" device_cannot_move
run_case "namespaces deleted with devices and open ports" namespace_deleted_with_devices
jp_unload
ktap_end
