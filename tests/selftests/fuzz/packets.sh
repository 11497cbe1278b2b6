#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check's packet fuzzer: 100,000 datagrams (a quarter on the debug
# kernel), a new seed each run (printed, to replay it with FUZZ_SEED).
source "$(dirname "$0")/../lib.sh"
n=100000
! jp_debug_kernel || n=25000
FUZZ_PACKETS=${FUZZ_PACKETS:-$n} exec "$JP_REPO/tests/fuzz/kernel/packets.sh"
