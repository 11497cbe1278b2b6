#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check's fault-injection run, on Debian's kernel, which has no
# failslab: the module built with JUMPING_FAULT_INJECT=1 (kernel/
# fault_inject.h; tests/check builds it and sets JUMPING_FAULT_MODULE)
# fails its own allocations one call site at a time. For N = 1, 2, ... the
# first allocation from the Nth call site a step reaches fails, until a
# run of the step leaves N unspent: then each site the step reaches has
# failed once.
#   1. module load: insmod fault_nth_site=N fails with ENOMEM and leaves
#      nothing behind (no module, no jp_key slab cache);
#   2. a device's life: two devices, sessions, a ChaCha20-Poly1305 and an
#      AES-256-GCM key, traffic, a key swap, a binding move, dumps,
#      deletes. Steps may fail; after each run the devices go and the
#      module's reference count falls to 0;
#   3. then, with nothing failing, the same life passes in full and the
#      module unloads.
# The kernel log case catches any WARN, BUG or oops on the way. The
# allocation sites that failed are listed (the module logs each one).
# make fuzz runs the debug kernel's failslab over the selftests instead
# (tests/fuzz/faults), which also fails the kernel's allocations made for
# the module, with kmemleak.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../datapath/topo.sh"
FAULT_MODULE=${JUMPING_FAULT_MODULE:-}
MAX_NTH=128	# the module's sites are fewer: a bound, not a target
params=/sys/module/jumping/parameters

need_module() {
	[ -n "$FAULT_MODULE" ] ||
		skip "JUMPING_FAULT_MODULE is not set (tests/check builds it)"
	[ -n "$(modinfo -F fault_inject "$FAULT_MODULE")" ] ||
		fail "$FAULT_MODULE was not built with JUMPING_FAULT_INJECT=1"
	jp_unload || fail "cannot unload the module the suites before left loaded"
	JP_MODULE=$FAULT_MODULE
}

nothing_left() {	# no module, and its slab cache went with it
	! jp_module_loaded && [ ! -e /sys/kernel/slab/jp_key ]
}

load_faults() {
	local n err

	need_module
	jp_load || fail "cannot load $FAULT_MODULE"	# its dependencies
	rmmod jumping
	for ((n = 1; n <= MAX_NTH; n++)); do
		if err=$(insmod "$FAULT_MODULE" fault_nth_site=$n 2>&1); then
			[ "$(cat $params/fault_nth_site)" = 0 ] || {
				echo "load: $((n - 1)) allocation sites, each failed once"
				echo 0 >$params/fault_nth_site
				rmmod jumping || fail "rmmod after a clean load"
				return 0
			}
			# Loaded without what it failed to get: AES-GCM
			# refused until a reload, for one (fixed).
			fail "site $n failed and the module loaded anyway"
		else
			case $err in
			*"Cannot allocate memory"*) ;;
			*) fail "insmod with site $n failed: '$err', not ENOMEM" ;;
			esac
		fi
		wait_until 10 nothing_left ||
			fail "site $n failed at load: something was left behind"
	done
	fail "load still reached new allocation sites after $MAX_NTH"
}

# One device's life, each step allowed to fail (under injection).
life() {
	local ns

	for ns in "$cli" "$srv"; do
		ip -n "$ns" -b - <<-EOB
		link add jp0 type jumping
		link set jp0 addrgenmode none
		EOB
		ip netns exec "$ns" "$JPCTL" set jp0 listen-port $JP_PORT
	done
	ip -n "$cli" -b - <<-EOB
	addr add $CLI4/24 dev jp0
	link set jp0 up
	EOB
	ip -n "$srv" -b - <<-EOB
	addr add $SRV4/24 dev jp0
	link set jp0 up
	EOB
	jc -batch - <<-EOB
	session add jp0 id $CLI_ID peer-id $SRV_ID remote $SRV_OUT4:$JP_PORT allowed $SRV4/32,$SRV6/128
	key add jp0 id $CLI_ID slot primary key-id 0 cipher chacha20poly1305 enc-key-file $topo_tmp/k1 dec-key-file $topo_tmp/k2
	key add jp0 id $CLI_ID slot secondary key-id 1 cipher aes256gcm enc-key-file $topo_tmp/k3 dec-key-file $topo_tmp/k4
	EOB
	js -batch - <<-EOB
	session add jp0 id $SRV_ID peer-id $CLI_ID remote $CLI_OUT4:$JP_PORT allowed $CLI4/32,$CLI6/128
	key add jp0 id $SRV_ID slot primary key-id 0 cipher chacha20poly1305 enc-key-file $topo_tmp/k2 dec-key-file $topo_tmp/k1
	key add jp0 id $SRV_ID slot secondary key-id 1 cipher aes256gcm enc-key-file $topo_tmp/k4 dec-key-file $topo_tmp/k3
	EOB
	in_cli ping -n -q -c 2 -i 0.1 -W 1 $SRV4
	jc key swap jp0 id $CLI_ID
	js key swap jp0 id $SRV_ID
	in_cli ping -n -q -c 2 -i 0.1 -W 1 $SRV4
	jc binding set jp0 id $CLI_ID remote $SRV_OUT4B:$JP_PORT reason path-gone
	in_cli ping -n -q -c 1 -W 1 $SRV4
	jc --json show jp0
	js show
	jc session del jp0 id $CLI_ID
	ip -n "$cli" link del jp0
	ip -n "$srv" link del jp0
}

unreferenced() {
	[ "$(cat /sys/module/jumping/refcnt)" = 0 ]
}

# The namespaces and the veth between them, with no module device yet.
net_setup() {
	local k

	topo_tmp=$(mktemp -d)
	trap 'topo_cleanup; cleanup_ns' EXIT
	for k in k1 k2 k3 k4; do
		new_key "$topo_tmp/$k"
	done
	setup_ns cli srv
	ip link add veth0 netns "$cli" type veth peer name veth0 netns "$srv"
	ip -n "$cli" -b - <<-EOB
	addr add $CLI_OUT4/24 dev veth0
	link set veth0 up
	EOB
	ip -n "$srv" -b - <<-EOB
	addr add $SRV_OUT4/24 dev veth0
	addr add $SRV_OUT4B/24 dev veth0
	link set veth0 up
	EOB
	wait_until 30 outer_ok 4 || fail "no outer path"
}

life_faults() {
	local n

	need_module
	net_setup
	jp_load || fail "cannot load $FAULT_MODULE"
	for ((n = 1; n <= MAX_NTH; n++)); do
		echo $n >$params/fault_nth_site
		life >/dev/null 2>&1 || true
		ip -n "$cli" link del jp0 2>/dev/null || true
		ip -n "$srv" link del jp0 2>/dev/null || true
		if [ "$(cat $params/fault_nth_site)" != 0 ]; then
			echo 0 >$params/fault_nth_site
			echo "life: $((n - 1)) allocation sites, each failed once" \
				"($(cat $params/fault_injected) failures)"
			return 0
		fi
		wait_until 30 unreferenced ||
			fail "site $n failed: the module is still referenced after the devices went"
	done
	fail "a device's life still reached new allocation sites after $MAX_NTH"
}

life_whole() {
	need_module
	net_setup
	jp_load || fail "cannot load $FAULT_MODULE"
	echo 0 >$params/fault_nth_site
	life	# under run_case's set -e: any step failing fails the case
	wait_until 30 unreferenced || fail "the module is still referenced"
	rmmod jumping || fail "rmmod"
	wait_until 10 nothing_left || fail "the module left its slab cache"
}

sites() {	# the allocation sites that failed, from the module's log lines
	dmesg | tail -n +$((jp_dmesg_start + 1)) |
		sed -n 's/.*fault_inject: failing the allocation at \([^+]*\)+.*/\1/p' |
		sort | uniq -c | sort -rn | sed 's/^/# /'
}

ktap_begin 3
run_case "faults: each allocation site of module load fails once, cleanly" load_faults
run_case "faults: each allocation site of a device's life fails once" life_faults
run_case "faults: afterwards a device's life passes whole, the module unloads" life_whole
echo "# allocation sites failed (count, function):"
sites
# For make fuzz's summary (tests/fuzz/fuzz sums these lines).
echo "fuzz-count: faults $(sites | awk '{ n += $2 } END { print n + 0 }')"
ktap_end
