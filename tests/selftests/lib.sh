# SPDX-License-Identifier: GPL-2.0
# Shared helpers of the Jumping VPN selftests (sourced). Each test script
# prints KTAP: a version line, a plan, one result line per case. Cases run
# in a subshell so one failing case cannot leave the script half-way; the
# last case of every script checks the kernel log for new bug reports.

JP_REPO=${JUMPING_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
JP_MODULE=${JUMPING_MODULE:-$JP_REPO/kernel/jumping.ko}
JPCTL=${JUMPCTL:-$JP_REPO/userspace/jumpctl/jumpctl}
JP_PATTERNS=$JP_REPO/tests/vm/kernel-report-patterns

ktap_case=0
ktap_failed=0
ktap_passed=0
ktap_skipped=0
jp_dmesg_start=$(dmesg | wc -l)
jp_namespaces=()
jp_fail_log=

ktap_begin() {	# ktap_begin PLANNED_CASES (the kernel-log case is added)
	echo "TAP version 13"
	echo "1..$(($1 + 1))"
}

# run_case NAME FUNCTION [ARGS...]: one result line. The function fails by
# returning non-zero (or via fail); exit code 4 means skip.
# A failing case's FAIL line is printed again beside its result: the
# diagnostics a case prints on its way out can run to hundreds of lines,
# and a log cut to its tail (as CI shows it) would lose the reason.
run_case() {
	local name=$1 rc
	shift
	ktap_case=$((ktap_case + 1))
	jp_fail_log=$(mktemp)
	( set -e; trap cleanup_ns EXIT; "$@" ) 2>&1 | sed 's/^/# /'
	rc=${PIPESTATUS[0]}
	case $rc in
	0) echo "ok $ktap_case $name"; ktap_passed=$((ktap_passed + 1)) ;;
	4) echo "ok $ktap_case $name # SKIP"; ktap_skipped=$((ktap_skipped + 1)) ;;
	*)
		sed 's/^/# (repeated) /' "$jp_fail_log"
		echo "not ok $ktap_case $name"
		ktap_failed=$((ktap_failed + 1))
		;;
	esac
	rm -f "$jp_fail_log"
	jp_fail_log=
}

fail() {
	echo "FAIL: $*" >&2
	[ -z "$jp_fail_log" ] || echo "FAIL: $*" >>"$jp_fail_log"
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 4
}

# The kernel log since this script started must hold no bug report.
jp_check_kernel_log() {
	local new
	new=$(dmesg | tail -n +$((jp_dmesg_start + 1)))
	if echo "$new" | grep -v '^ *#' | grep -E -f <(grep -v -e '^#' -e '^$' "$JP_PATTERNS") >/dev/null; then
		echo "$new" | tail -n 80
		return 1
	fi
}

ktap_end() {
	run_case "kernel log has no WARN, BUG, lockdep or leak report" jp_check_kernel_log
	echo "# totals: pass:$ktap_passed fail:$ktap_failed skip:$ktap_skipped"
	[ "$ktap_failed" -eq 0 ]
}

# wait_until DEADLINE_SECONDS COMMAND...: poll COMMAND until it succeeds or
# the deadline passes (never a fixed sleep).
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.05
	done
}

# setup_ns VAR...: create namespaces with random suffixes, lo up, and record
# them for cleanup; each VAR receives its namespace's name.
setup_ns() {
	local var name
	for var in "$@"; do
		name="jp-$var-$(mktemp -u XXXXXX)"
		ip netns add "$name" || return 1
		ip -n "$name" link set lo up
		jp_namespaces+=("$name")
		printf -v "$var" '%s' "$name"
	done
}

cleanup_ns() {
	local ns
	for ns in "${jp_namespaces[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	jp_namespaces=()
}

# jp_debug_kernel: the guest runs the debug kernel (run-in-guest
# --debug-kernel), where everything takes several times as long.
jp_debug_kernel() {
	[ "${JP_DEBUG_KERNEL:-0}" = 1 ]
}

jp_module_loaded() {
	[ -d /sys/module/jumping ]
}

# insmod does not resolve dependencies (udp_tunnel, ip6_udp_tunnel): load
# the ones the module names first (modprobe only if missing: it is slow).
jp_load() {
	local dep
	jp_module_loaded && return 0
	[ -n "${jp_module_deps+set}" ] ||
		jp_module_deps=$(modinfo -F depends "$JP_MODULE") || return 1
	for dep in ${jp_module_deps//,/ }; do
		[ -d "/sys/module/$dep" ] || modprobe "$dep" || return 1
	done
	insmod "$JP_MODULE"
}

jp_unload() {
	! jp_module_loaded || rmmod jumping
}

# expect_fail EXPECTED_MESSAGE COMMAND...: COMMAND must fail and its stderr
# must contain EXPECTED_MESSAGE.
expect_fail() {
	local want=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	[ "$rc" -ne 0 ] || fail "'$*' succeeded, expected failure: $want"
	case "$out" in
	*"$want"*) ;;
	*) fail "'$*' failed with '$out', expected '$want'" ;;
	esac
}
