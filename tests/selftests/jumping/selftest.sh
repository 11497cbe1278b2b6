#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The module's in-kernel self-tests of pure logic (anti-replay window,
# control upcall budget, AEAD packets and key slots, session table, allowed
# IPs trie) run when a module built with
# JUMPING_SELFTEST=1 loads; a failing self-test refuses the load.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"

selftest_module=${JUMPING_SELFTEST_MODULE:-}

# The guest has no udev, which on a real machine loads aesni_intel at boot
# for a CPU with AES-NI: load it here, so that AES-256-GCM's packets are
# checked on the AES-NI implementation as well as on the generic one.
cpu_has_aesni() {
	grep -qw aes /proc/cpuinfo && grep -qw pclmulqdq /proc/cpuinfo
}

load_selftest_module() {
	[ -n "$selftest_module" ] || skip "JUMPING_SELFTEST_MODULE is not set (tests/check sets it)"
	! cpu_has_aesni || [ -d /sys/module/aesni_intel ] || modprobe aesni_intel ||
		fail "the CPU has AES-NI but aesni_intel does not load"
	jp_unload
	JP_MODULE=$selftest_module jp_load || fail "the self-test module refused to load"
	jp_unload
}

selftest_passed() {
	local part=$1
	[ -n "$selftest_module" ] || skip "JUMPING_SELFTEST_MODULE is not set"
	dmesg | tail -n +$((jp_dmesg_start + 1)) | grep -q "$part self-test: pass" ||
		fail "no '$part self-test: pass' in the kernel log"
}

# With AES-NI the known packets went through the AES-NI GCM, and (the
# self-test's second run, in a kernel FPU section) the generic fallback.
gcm_on_aesni() {
	[ -n "$selftest_module" ] || skip "JUMPING_SELFTEST_MODULE is not set"
	cpu_has_aesni || skip "the CPU has no AES-NI"
	dmesg | tail -n +$((jp_dmesg_start + 1)) |
		grep -q "AES-256-GCM on __generic-gcm-aesni, fallback gcm_base(" ||
		fail "AES-256-GCM did not use the AES-NI GCM with a generic fallback"
}

ktap_begin 7
run_case "module built with JUMPING_SELFTEST=1 loads and unloads" load_selftest_module
run_case "replay window self-test passes" selftest_passed replay
run_case "control upcall budget self-test passes" selftest_passed ratelimit
run_case "crypto self-test passes" selftest_passed crypto
run_case "AES-256-GCM on AES-NI, generic fallback where the FPU is busy" gcm_on_aesni
run_case "session table self-test passes" selftest_passed session
run_case "allowed IPs trie self-test passes" selftest_passed allowedips
ktap_end
