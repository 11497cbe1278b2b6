#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check's netlink fuzzer: 10,000 requests (a quarter on the debug
# kernel), a new seed each run (printed, to replay it with FUZZ_SEED).
source "$(dirname "$0")/../lib.sh"
n=10000
! jp_debug_kernel || n=2500
FUZZ_MESSAGES=${FUZZ_MESSAGES:-$n} exec "$JP_REPO/tests/fuzz/kernel/netlink.sh"
