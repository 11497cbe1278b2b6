#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The netlink fuzzer, inside the guest (docs/fuzzing.md): nlfuzz sends
# FUZZ_MESSAGES (default 100000) requests from FUZZ_SEED (default: new,
# printed) at three jumping devices in each of two namespaces, while the
# devices are deleted, re-created and brought up and down under it. Then
# a known-good session between two namespaces must still pass traffic,
# and the module must unload. Prints "fuzz-count: netlink N" (requests
# sent) and TAP. Environment as for the selftests (JUMPING_MODULE,
# JUMPCTL); NLFUZZ is the fuzzer (default: built next to this script).
# FUZZ_SECONDS, if set, bounds the fuzzing time: fewer requests may go
# then (the fuzz-count line says how many).
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../selftests/lib.sh"
source "$here/../../selftests/datapath/topo.sh"
NLFUZZ=${NLFUZZ:-$here/nlfuzz}
FUZZ_MESSAGES=${FUZZ_MESSAGES:-100000}
count_file=$(mktemp)
echo 0 >"$count_file"
DEVS=(jpf0 jpf1 jpf2)

# The namespaces' devices change under the fuzzer, until it is done.
churn() {
	local ns=$1 i=0

	while [ -e "$count_file.running" ]; do
		i=$((i + 1))
		ip -n "$ns" -b - <<-EOB 2>/dev/null
		link del jpf2
		link add jpf2 type jumping
		link set jpf1 $([ $((i % 2)) = 0 ] && echo up || echo down)
		EOB
		ip netns exec "$ns" "$JPCTL" set jpf2 listen-port $((40000 + i % 3)) \
			>/dev/null 2>&1 || true
		sleep 0.5
	done
}

fuzz() {
	local a b ns pids=() rc=0

	jp_load || fail "cannot load $JP_MODULE"
	[ -x "$NLFUZZ" ] || fail "$NLFUZZ not built (make -C tests/fuzz/kernel)"
	setup_ns a b
	for ns in "$a" "$b"; do
		ip -n "$ns" -b - <<-EOB
		link add jpf0 type jumping
		link add jpf1 type jumping
		link add jpf2 type jumping
		link add dummy0 type dummy
		link set jpf0 up
		link set dummy0 up
		EOB
		ip netns exec "$ns" "$JPCTL" set jpf0 listen-port 40000
	done
	touch "$count_file.running"
	for ns in "$a" "$b"; do
		churn "$ns" &
		pids+=($!)
	done
	"$NLFUZZ" ${FUZZ_SEED:+--seed "$FUZZ_SEED"} --count "$FUZZ_MESSAGES" \
		--dev "$(IFS=,; echo "${DEVS[*]}")" --oif dummy0,lo --netns "$a,$b" \
		${FUZZ_SECONDS:+--max-seconds "$FUZZ_SECONDS"} \
		>"$count_file.out" 2>&1 || rc=$?
	rm -f "$count_file.running"
	wait "${pids[@]}"
	cat "$count_file.out"
	sed -n 's/^nlfuzz: sent \([0-9]*\) .*/\1/p' "$count_file.out" >"$count_file"
	[ "$rc" = 0 ] || fail "nlfuzz exited with $rc"
	[ "$(cat "$count_file")" -ge "$FUZZ_MESSAGES" ] || [ -n "${FUZZ_SECONDS:-}" ] ||
		fail "nlfuzz sent $(cat "$count_file") of $FUZZ_MESSAGES requests"
}

known_good() {
	jp_module_loaded || fail "the module is gone"
	topo_setup 4 chacha20poly1305
	pings_ok "$cli" 5 -i 0.2 $SRV4
	pings_ok "$cli" 5 -i 0.2 $SRV6
}

try_rmmod() {	# a case that failed early may never have loaded it
	! jp_module_loaded || rmmod jumping 2>/dev/null
}

unloads() {
	# Namespaces go away asynchronously (cleanup_net): wait for it.
	wait_until 120 try_rmmod || fail "rmmod jumping: $(rmmod jumping 2>&1)"
}

ktap_begin 3
run_case "netlink fuzzer: $FUZZ_MESSAGES requests" fuzz
echo "fuzz-count: netlink $(cat "$count_file")"
run_case "a known-good session passes traffic after the fuzzer" known_good
run_case "the module unloads" unloads
rm -f "$count_file" "$count_file.out"
ktap_end
