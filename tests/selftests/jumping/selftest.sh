#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The module's in-kernel self-tests of pure logic (anti-replay window,
# control upcall budget, AEAD packets and key slots, session table, allowed
# IPs trie) run when a module built with
# JUMPING_SELFTEST=1 loads; a failing self-test refuses the load.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"

selftest_module=${JUMPING_SELFTEST_MODULE:-}

load_selftest_module() {
	[ -n "$selftest_module" ] || skip "JUMPING_SELFTEST_MODULE is not set (tests/check sets it)"
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

ktap_begin 6
run_case "module built with JUMPING_SELFTEST=1 loads and unloads" load_selftest_module
run_case "replay window self-test passes" selftest_passed replay
run_case "control upcall budget self-test passes" selftest_passed ratelimit
run_case "crypto self-test passes" selftest_passed crypto
run_case "session table self-test passes" selftest_passed session
run_case "allowed IPs trie self-test passes" selftest_passed allowedips
ktap_end
