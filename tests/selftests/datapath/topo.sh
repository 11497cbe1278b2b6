# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# The datapath tests' topology (sourced, after ../lib.sh):
#
#   client netns                                 server netns
#   jp0 10.10.0.1/24 fd10::1/64                  jp0 10.10.0.2/24 fd10::2/64
#   session CLI_ID -> peer SRV_ID                session SRV_ID -> peer CLI_ID
#   veth0 192.0.2.1/24 fd00:1::1/64 ----------- veth0 192.0.2.2/24 fd00:1::2/64
#                                                      192.0.2.3, fd00:1::3 (2nd)
#
# Both devices listen on JP_PORT. Each side allows only the other's /32 and
# /128 inside, so a packet from any other inner source is dropped. Keys: 32
# random bytes per direction, in hex key files, installed with jumpctl.
# Every address is TEST-NET or ULA and lives only in these namespaces.

PY=${PYTHON3:-/usr/bin/python3}
TOPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
JP_PORT=51820
CLI_ID=1111
SRV_ID=2222
CLI4=10.10.0.1 SRV4=10.10.0.2
CLI6=fd10::1 SRV6=fd10::2
CLI_OUT4=192.0.2.1 SRV_OUT4=192.0.2.2 SRV_OUT4B=192.0.2.3
CLI_OUT6=fd00:1::1 SRV_OUT6=fd00:1::2 SRV_OUT6B=fd00:1::3
IPERF_PORT=5201
topo_pids=()
topo_tmp=

jc() { ip netns exec "$cli" "$JPCTL" "$@"; }	# jumpctl in the client
js() { ip netns exec "$srv" "$JPCTL" "$@"; }	# jumpctl in the server
in_cli() { ip netns exec "$cli" "$@"; }
in_srv() { ip netns exec "$srv" "$@"; }

# endpoint OUTER_FAMILY ADDR4 ADDR6 [PORT]: ADDR:PORT of the family, v6
# bracketed; the port defaults to JP_PORT.
endpoint() {
	if [ "$1" = 6 ]; then
		echo "[$3]:${4:-$JP_PORT}"
	else
		echo "$2:${4:-$JP_PORT}"
	fi
}

# new_key FILE: 32 random bytes as 64 hex digits.
new_key() {
	{ od -An -v -tx1 -N32 /dev/urandom | tr -d ' \n'; echo; } >"$1"
}

# topo_keys SLOT KEY_ID CIPHER: a fresh key pair installed on both sides
# (client encrypts with c2s, server decrypts with it; s2c the other way).
topo_keys() {
	local slot=$1 id=$2 cipher=$3 c2s=$topo_tmp/c2s.$2 s2c=$topo_tmp/s2c.$2

	new_key "$c2s"
	new_key "$s2c"
	jc key add jp0 id $CLI_ID slot "$slot" key-id "$id" cipher "$cipher" \
		enc-key-file "$c2s" dec-key-file "$s2c"
	js key add jp0 id $SRV_ID slot "$slot" key-id "$id" cipher "$cipher" \
		enc-key-file "$s2c" dec-key-file "$c2s"
}

# topo_setup OUTER(4|6) CIPHER: the whole topology, one session a side,
# primary key id 0. Sets cli, srv. Cleaned up when the case exits.
topo_setup() {
	local outer=$1 cipher=$2 ns

	jp_load || fail "cannot load $JP_MODULE"
	trap 'topo_cleanup; cleanup_ns' EXIT
	topo_tmp=$(mktemp -d)
	setup_ns cli srv
	ip link add veth0 netns "$cli" type veth peer name veth0 netns "$srv"
	# One ip process per namespace: process starts are what costs most
	# on a loaded TCG guest.
	ip -n "$cli" -b - <<-EOB
	addr add $CLI_OUT4/24 dev veth0
	addr add $CLI_OUT6/64 dev veth0 nodad
	EOB
	ip -n "$srv" -b - <<-EOB
	addr add $SRV_OUT4/24 dev veth0
	addr add $SRV_OUT4B/24 dev veth0
	addr add $SRV_OUT6/64 dev veth0 nodad
	addr add $SRV_OUT6B/64 dev veth0 nodad
	EOB
	for ns in "$cli" "$srv"; do
		# No link-local address, no router solicitations: nothing
		# but the test's own packets may cross the tunnel.
		ip -n "$ns" -b - <<-EOB
		link set veth0 up
		link add jp0 type jumping
		link set jp0 addrgenmode none
		EOB
		ip netns exec "$ns" "$JPCTL" set jp0 listen-port $JP_PORT
	done
	ip -n "$cli" -b - <<-EOB
	addr add $CLI4/24 dev jp0
	addr add $CLI6/64 dev jp0 nodad
	EOB
	ip -n "$srv" -b - <<-EOB
	addr add $SRV4/24 dev jp0
	addr add $SRV6/64 dev jp0 nodad
	EOB
	jc session add jp0 id $CLI_ID peer-id $SRV_ID \
		remote "$(endpoint "$outer" $SRV_OUT4 $SRV_OUT6)" \
		allowed $SRV4/32,$SRV6/128
	js session add jp0 id $SRV_ID peer-id $CLI_ID \
		remote "$(endpoint "$outer" $CLI_OUT4 $CLI_OUT6)" \
		allowed $CLI4/32,$CLI6/128
	topo_keys primary 0 "$cipher"
	ip -n "$cli" link set jp0 up
	ip -n "$srv" link set jp0 up
	# The veth carrier comes up asynchronously, and the first packets
	# wait for ARP/ND: have the outer path working before any test.
	wait_until 30 outer_ok "$outer" || fail "no outer path over IPv$outer"
}

outer_ok() {
	if [ "$1" = 6 ]; then
		in_cli ping -n -q -c 1 -W 1 $SRV_OUT6 >/dev/null 2>&1
	else
		in_cli ping -n -q -c 1 -W 1 $SRV_OUT4 >/dev/null 2>&1
	fi
}

# Kill what the case started (by pid), then the namespaces go.
topo_cleanup() {
	local pid

	# Runs as the EXIT trap under set -e: nothing here may fail.
	for pid in "${topo_pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${topo_pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	topo_pids=()
	[ -z "$topo_tmp" ] || rm -rf "$topo_tmp"
}

# jq_dev NS FILTER: a jq filter over `jumpctl --json show jp0` of NS, raw
# output. Defined for it: s(ID), a session; st(ID), its counters; drops,
# the sum of a counter record's drop_* fields. (jq, not python: each call
# is a process start, and under TCG python's costs a second.)
jq_dev() {
	ip netns exec "$1" "$JPCTL" --json show jp0 | jq -r "
def s(\$i): .sessions[] | select(.id == \$i);
def st(\$i): s(\$i).stats;
def drops: [to_entries[] | select(.key | startswith(\"drop_\")) | .value] | add;
$2"
}

# tcp_listening NS PORT: something listens on TCP PORT in NS.
tcp_listening() {
	[ -n "$(ip netns exec "$1" ss -Htln "sport = :$2")" ]
}

udp_bound() {
	[ -n "$(ip netns exec "$1" ss -Hluan "sport = :$2")" ]
}

# iperf3_server ADDR: a one-shot iperf3 server in the server namespace,
# waited for until it listens.
iperf3_server() {
	# Not through in_srv: $! must be iperf3 itself (ip netns exec execs).
	ip netns exec "$srv" iperf3 -s -1 -B "$1" -p $IPERF_PORT \
		>"$topo_tmp/iperf3-server.log" 2>&1 &
	topo_pids+=("$!")
	wait_until 20 tcp_listening "$srv" $IPERF_PORT ||
		fail "iperf3 server did not listen on $1 port $IPERF_PORT"
}

# iperf3_client ADDR ARGS...: a TCP stream to the server; its JSON report
# goes to $topo_tmp/iperf3.json.
iperf3_client() {
	local dst=$1

	shift
	in_cli iperf3 -c "$dst" -p $IPERF_PORT -J "$@" >"$topo_tmp/iperf3.json"
}

# iperf3_received: bytes the server received, from the client's report.
iperf3_received() {
	jq '.end.sum_received.bytes' "$topo_tmp/iperf3.json"
}

# pings_ok NS COUNT ARGS...: COUNT pings, every one answered.
pings_ok() {
	local ns=$1 n=$2 out

	shift 2
	out=$(ip netns exec "$ns" ping -n -q -c "$n" -W 5 "$@" 2>&1) ||
		fail "ping $* failed: $out
client: $(jq_dev "$cli" 'tojson')
server: $(jq_dev "$srv" 'tojson')"
	echo "$out" | grep -q " $n received" ||
		fail "ping $*: not all $n answered: $out"
}

# counter_is NS EXPR VALUE: jq_dev NS EXPR prints VALUE (for wait_until:
# received packets are counted in softirq, after the sender returned).
counter_is() {
	[ "$(jq_dev "$1" "$2")" = "$3" ]
}

# wait_counter NS EXPR VALUE: counter_is, within a deadline.
wait_counter() {
	wait_until 20 counter_is "$@" ||
		fail "$1: $2 is $(jq_dev "$1" "$2"), expected $3"
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	[ "$2" = "$3" ] || fail "$1: expected $2, got $3"
}
