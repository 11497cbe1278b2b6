# SPDX-License-Identifier: GPL-2.0
# Helpers of the jumping selftests (sourced after ../lib.sh): run jumpctl
# and nlraw in a namespace, read a device's settings back, check sockets.

NLRAW=${NLRAW:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/nlraw}

# The tools are built on the host before the guest boots.
jp_need_tools() {
	[ -x "$JPCTL" ] || fail "no $JPCTL: run 'make -C userspace' first"
	[ -x "$NLRAW" ] || fail "no $NLRAW: run 'make -C tests/selftests/jumping' first"
	command -v jq >/dev/null || command -v python3 >/dev/null ||
		fail "jq or python3 is needed to read jumpctl --json"
}

# in_ns NS COMMAND...: run COMMAND in namespace NS ("" = this one).
in_ns() {
	local ns=$1
	shift
	if [ -n "$ns" ]; then
		ip netns exec "$ns" "$@"
	else
		"$@"
	fi
}

jpctl() {	# jpctl NS ARGS...
	local ns=$1
	shift
	[ -x "$JPCTL" ] || fail "no $JPCTL: run 'make -C userspace' first"
	in_ns "$ns" "$JPCTL" "$@"
}

nlraw() {	# nlraw NS ARGS...
	local ns=$1
	shift
	[ -x "$NLRAW" ] || fail "no $NLRAW: run 'make -C tests/selftests/jumping' first"
	in_ns "$ns" "$NLRAW" "$@"
}

# JSON on stdin -> one value per line: jp_json '.listen_port' or
# jp_json '.[].ifname' (only these two shapes are needed without jq).
jp_json() {
	if command -v jq >/dev/null; then
		jq -r "$1"
		return
	fi
	python3 -c '
import json, sys
doc, path = json.load(sys.stdin), sys.argv[1]
if path.startswith(".[]."):
    for item in doc:
        print(item[path[4:]])
else:
    print(doc[path[1:]])
' "$1"
}

# jp_conf NS DEV: "PORT FWMARK" (decimal) as jumpctl --json show reports.
jp_conf() {
	local json
	json=$(jpctl "$1" --json show "$2") || return 1
	echo "$(jp_json .listen_port <<<"$json") $(jp_json .fwmark <<<"$json")"
}

# jp_expect_conf NS DEV PORT FWMARK: the device has exactly these settings
# and, for a non-zero port, a UDP socket is bound to it in NS.
jp_expect_conf() {
	local got
	got=$(jp_conf "$1" "$2") || fail "cannot read $2 back in ns '${1:-init}'"
	[ "$got" = "$3 $4" ] ||
		fail "$2 in ns '${1:-init}': port/fwmark '$got', expected '$3 $4'"
	[ "$3" = 0 ] || jp_port_bound "$1" "$3" ||
		fail "$2 in ns '${1:-init}': nothing listens on UDP port $3"
}

# jp_port_bound NS PORT: some UDP socket (v4 or v6) is bound to PORT in NS.
jp_port_bound() {
	[ -n "$(in_ns "$1" ss -Hlnu "sport = :$2")" ]
}

# jp_dev_names NS: the jumping devices the DEVICE_GET dump lists, sorted,
# on one line.
jp_dev_names() {
	local json
	json=$(jpctl "$1" --json show) || return 1
	jp_json '.[].ifname' <<<"$json" | sort | xargs echo
}

# jp_linkinfo_count NS: devices rtnetlink reports as kind "jumping" (by
# the linkinfo line, not `type jumping`: that filter is ignored once the
# kind is unknown, i.e. after the module is gone).
jp_linkinfo_count() {
	in_ns "$1" ip -d -o link show | grep -c ' jumping ' || true
}
