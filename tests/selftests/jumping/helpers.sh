# SPDX-License-Identifier: GPL-2.0
# Helpers of the jumping selftests (sourced after ../lib.sh): run jumpctl
# and nlraw in a namespace, read devices' settings back, check sockets.
# Every process costs 0.1-1 s in a TCG guest: readbacks parse jumpctl's
# text output with bash itself; jq is used where the JSON is the subject.

NLRAW=${NLRAW:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/nlraw}

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

# The tools are built on the host before the guest boots.
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
	command -v python3 >/dev/null || fail "jq or python3 is needed to read JSON"
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

# jp_confs NS [DEV]: one line "DEV PORT FWMARK" (decimal) per device that
# `jumpctl show` lists in NS, in its order.
jp_confs() {
	local out line dev="" port="" mark=""
	out=$(jpctl "$1" show ${2:+"$2"}) || return 1
	while IFS= read -r line; do
		case $line in
		"device: "*)
			[ -z "$dev" ] || echo "$dev $port $((mark))"
			dev=${line#device: } port="" mark=""
			;;
		"  listen port: "*) port=${line#*: } ;;
		"  fwmark: "*) mark=${line#*: } ;;
		esac
	done <<<"$out"
	[ -z "$dev" ] || echo "$dev $port $((mark))"
}

# jp_dev_names NS: the names the DEVICE_GET dump lists, sorted, one line.
jp_dev_names() {
	local confs line names=()
	confs=$(jp_confs "$1") || return 1
	while read -r line; do
		[ -z "$line" ] || names+=("${line%% *}")
	done <<<"$confs"
	printf '%s\n' "${names[@]}" | sort | xargs echo
}

# jp_expect_confs NS "DEV PORT FWMARK"...: NS holds exactly these jumping
# devices with these settings, and a UDP socket on every non-zero port.
jp_expect_confs() {
	local ns=$1 got conf port ports=() lines=() n
	shift
	got=$(jp_confs "$ns") || fail "cannot list devices in '${ns:-init}'"
	# The same lines in any order (names are unique), without sort(1).
	[ -z "$got" ] || mapfile -t lines <<<"$got"
	n=${#lines[@]}
	for conf in "$@"; do
		[[ $'\n'$got$'\n' == *$'\n'"$conf"$'\n'* ]] || n=-1
		read -r _ port _ <<<"$conf"
		[ "$port" = 0 ] || ports+=("$port")
	done
	[ "$n" = $# ] ||
		fail "devices in '${ns:-init}' are [${got//$'\n'/, }], expected [$(IFS=,; echo "$*")]"
	jp_ports_bound "$ns" "${ports[@]}"
}

# jp_expect_conf NS DEV PORT FWMARK: one device's settings (others may exist).
jp_expect_conf() {
	local got
	got=$(jp_confs "$1" "$2") || fail "cannot read $2 back in '${1:-init}'"
	[ "$got" = "$2 $3 $4" ] ||
		fail "$2 in '${1:-init}': got '$got', expected port $3 fwmark $4"
	[ "$3" = 0 ] || jp_ports_bound "$1" "$3"
}

# jp_udp_ports NS: the local ports of all bound UDP sockets in NS.
jp_udp_ports() {
	local out state recvq sendq local rest
	out=$(ss ${1:+-N "$1"} -Hlnu) || return 1
	while read -r state recvq sendq local rest; do
		[ -z "$local" ] || echo "${local##*:}"
	done <<<"$out"
}

# jp_ports_bound NS PORT...: each PORT has a UDP socket bound in NS.
jp_ports_bound() {
	local ns=$1 ports port
	shift
	[ $# -gt 0 ] || return 0
	ports=" $(jp_udp_ports "$ns" | xargs echo) "
	for port in "$@"; do
		[[ $ports == *" $port "* ]] ||
			fail "nothing listens on UDP port $port in '${ns:-init}'"
	done
}

# jp_ports_free NS PORT...: no UDP socket is bound to any PORT in NS.
jp_ports_free() {
	local ns=$1 ports port
	shift
	ports=" $(jp_udp_ports "$ns" | xargs echo) "
	for port in "$@"; do
		[[ $ports != *" $port "* ]] ||
			fail "UDP port $port is still bound in '${ns:-init}'"
	done
}

# jp_linkinfo_count NS: devices rtnetlink reports as kind "jumping" (by
# the linkinfo text, not `type jumping`: that filter is ignored once the
# kind is unknown, i.e. after the module is gone).
jp_linkinfo_count() {
	local out line n=0
	out=$(ip ${1:+-n "$1"} -d -o link show) || return 1
	while IFS= read -r line; do
		[[ $line != *" jumping "* ]] || n=$((n + 1))
	done <<<"$out"
	echo "$n"
}
