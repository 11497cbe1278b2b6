# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# The jumpd scenarios' topology (sourced after ../lib.sh; `make demo` uses
# it too): a client with two uplinks behind a NAT router, and a server.
#
#  client netns "cli"            router netns "rtr"             server netns "srv"
#  up0 198.51.100.2/28 -------- cl0 198.51.100.1/28
#  up1 203.0.113.2/28  -------- cl1 203.0.113.1/28
#                               sv0 192.0.2.1/28  ------------ eth0 192.0.2.2/28
#                               vi0 192.0.2.17/28 --- victim netns "vic" (TOPO_VICTIM=1)
#                                  masquerade:                  eth0 192.0.2.18/28
#                                  cl0, cl1 -> sv0
#  jp0 198.51.100.130/28 fd77::2/64                             jp0 198.51.100.129/28 fd77::1/64
#  jumpd: Endpoint 192.0.2.2:51820,                             jumpd: ListenPort 51820
#         LocalAddress up0, up1 (in that order)
#
# The client reaches the server over either uplink: one routing table per
# uplink, chosen by source address, so a datagram jumpd sends from an
# uplink's address leaves by that uplink. The server only ever sees the
# router's address (masquerade); the victim namespace is not NATed and
# stands for a third party whose address an attacker uses.
#
# The jp devices and their inner addresses are made here; jumpd gets its
# keys and configuration from files written here, and nothing else. Every
# address is TEST-NET or ULA and exists only in these namespaces.

JP_TOPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
JUMPD=${JUMPD:-$JP_REPO/userspace/jumpd/jumpd}
PY=${PYTHON3:-/usr/bin/python3}
SRV_PORT=51820
CLI_PORT=51821
UP0_CLI=198.51.100.2 UP0_RTR=198.51.100.1
UP1_CLI=203.0.113.2 UP1_RTR=203.0.113.1
SRV_RTR=192.0.2.1 SRV_OUT=192.0.2.2
VIC_RTR=192.0.2.17 VIC_ADDR=192.0.2.18
SRV_IN4=198.51.100.129 CLI_IN4=198.51.100.130
SRV_IN6=fd77::1 CLI_IN6=fd77::2
STREAM_PORT=5001
# The test timers of the design (short, so a scenario takes seconds). On
# the debug kernel a guest stalls for longer than 400 ms now and then (a
# process start alone can take a second), which the client rightly reads as
# a dead path: it moves on its own, and the scenario under test is lost in
# those moves. There the silences are longer.
if jp_debug_kernel; then
	TOPO_KEEPALIVE=${TOPO_KEEPALIVE:-200ms}
	TOPO_VOLATILE=${TOPO_VOLATILE:-1500ms}
	TOPO_RECOVERING=${TOPO_RECOVERING:-2500ms}
	TOPO_TTL=${TOPO_TTL:-60s}
else
	TOPO_KEEPALIVE=${TOPO_KEEPALIVE:-100ms}
	TOPO_VOLATILE=${TOPO_VOLATILE:-400ms}
	TOPO_RECOVERING=${TOPO_RECOVERING:-1s}
	TOPO_TTL=${TOPO_TTL:-20s}
fi
# Extra [Peer] lines for one test (e.g. "RekeyAfter = 3s").
TOPO_PEER_EXTRA=${TOPO_PEER_EXTRA:-}
# Extra [Interface] lines for one test (e.g. "MetricsListen = ...").
TOPO_IFACE_EXTRA=${TOPO_IFACE_EXTRA:-}
TOPO_VICTIM=${TOPO_VICTIM:-0}
topo_tmp=
topo_pids=()
declare -gA jd_pid=()

in_cli() { ip netns exec "$cli" "$@"; }
in_rtr() { ip netns exec "$rtr" "$@"; }
in_srv() { ip netns exec "$srv" "$@"; }

# ns_of SIDE: the namespace of cli, srv, rtr or vic.
ns_of() {
	printf '%s' "${!1}"
}

# topo_setup: namespaces, links, NAT, jp devices and jumpd configurations
# (jumpd not started). Sets cli, rtr, srv (and vic). Everything goes when
# the case exits; on failure the daemons' logs are printed first.
topo_setup() {
	local extra_ns=()

	jp_load || fail "cannot load $JP_MODULE"
	trap 'topo_exit $?' EXIT
	topo_tmp=$(mktemp -d /tmp/jumpd-test.XXXXXX)
	[ "$TOPO_VICTIM" = 1 ] && extra_ns=(vic)
	setup_ns cli rtr srv "${extra_ns[@]}"

	ip link add up0 netns "$cli" type veth peer name cl0 netns "$rtr"
	ip link add up1 netns "$cli" type veth peer name cl1 netns "$rtr"
	ip link add eth0 netns "$srv" type veth peer name sv0 netns "$rtr"
	# One ip process per namespace: process starts are what costs most
	# on a loaded TCG guest.
	ip -n "$rtr" -b - <<-EOB
	addr add $UP0_RTR/28 dev cl0
	addr add $UP1_RTR/28 dev cl1
	addr add $SRV_RTR/28 dev sv0
	link set cl0 up
	link set cl1 up
	link set sv0 up
	EOB
	# Strict reverse-path filtering, as an ISP does (BCP 38): a packet
	# from up0's address never gets through on up1, so a dead uplink
	# is dead even if the client routes its address out of the other.
	in_rtr sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=1
	# nat: the masquerade of what comes in on the client's uplinks (tests
	# change it); jt: a counter per uplink of what goes to the server's
	# port other than control datagrams (type byte 4: the probes go on
	# every path, only data and keepalives say which one the session
	# uses), and the chain tests add drops to. Counters sit on rules named
	# by a comment (nft_counter), and no rule uses a set: the debug
	# kernel has no named-counter objects (NFT_OBJREF), and 6.1's
	# nft_set_lookup walks the table's sets without the lockdep condition
	# PROVE_RCU_LIST asks for, so adding a set there is reported.
	in_rtr nft -f - <<-EOF
	table ip nat {
		chain postrouting {
			type nat hook postrouting priority srcnat;
			iifname "cl*" oifname "sv0" masquerade
		}
	}
	table ip jt {
		chain forward {
			type filter hook forward priority filter;
			iifname "cl0" udp dport $SRV_PORT @th,64,8 != 4 counter comment "up0"
			iifname "cl1" udp dport $SRV_PORT @th,64,8 != 4 counter comment "up1"
			oifname "cl0" udp sport $SRV_PORT @th,64,8 == 4 counter comment "ctl_back0"
			oifname "cl1" udp sport $SRV_PORT @th,64,8 == 4 counter comment "ctl_back1"
		}
		chain block {
			type filter hook forward priority filter - 10;
		}
	}
	EOF
	ip -n "$cli" -b - <<-EOB
	addr add $UP0_CLI/28 dev up0
	addr add $UP1_CLI/28 dev up1
	link set up0 up
	link set up1 up
	route add default via $UP0_RTR dev up0 metric 10
	route add default via $UP1_RTR dev up1 metric 20
	route add default via $UP0_RTR dev up0 table 100
	route add default via $UP1_RTR dev up1 table 101
	rule add from $UP0_CLI table 100 priority 100
	rule add from $UP1_CLI table 101 priority 101
	EOB
	ip -n "$srv" -b - <<-EOB
	addr add $SRV_OUT/28 dev eth0
	link set eth0 up
	route add default via $SRV_RTR dev eth0
	EOB
	if [ "$TOPO_VICTIM" = 1 ]; then
		ip link add eth0 netns "$vic" type veth peer name vi0 netns "$rtr"
		ip -n "$rtr" -b - <<-EOB
		addr add $VIC_RTR/28 dev vi0
		link set vi0 up
		EOB
		ip -n "$vic" -b - <<-EOB
		addr add $VIC_ADDR/28 dev eth0
		link set eth0 up
		route add default via $VIC_RTR dev eth0
		EOB
		# What the victim sends to the server's port and gets back.
		ip netns exec "$vic" nft -f - <<-EOF
		table ip jt {
			chain output {
				type filter hook output priority filter;
				ip daddr $SRV_OUT udp dport $SRV_PORT counter comment "to_server"
			}
			chain input {
				type filter hook input priority filter;
				ip saddr $SRV_OUT udp sport $SRV_PORT counter comment "from_server"
			}
		}
		EOF
	fi

	topo_jp_device "$cli" $CLI_IN4 $CLI_IN6
	topo_jp_device "$srv" $SRV_IN4 $SRV_IN6
	topo_configs
	# veth carriers come up asynchronously and the first packets wait for
	# ARP: the outer paths work before any test starts.
	wait_until 30 in_cli ping -n -q -c 1 -W 1 -I $UP0_CLI $SRV_OUT >/dev/null ||
		fail "no outer path from up0"
	wait_until 30 in_cli ping -n -q -c 1 -W 1 -I $UP1_CLI $SRV_OUT >/dev/null ||
		fail "no outer path from up1"
}

# topo_jp_device NS ADDR4 ADDR6: jp0 as the operator makes it before jumpd
# starts (jumpd assigns no inner address).
topo_jp_device() {
	ip -n "$1" -b - <<-EOB
	link add jp0 type jumping
	link set jp0 addrgenmode none
	addr add $2/28 dev jp0
	addr add $3/64 dev jp0 nodad
	link set jp0 up
	EOB
}

# topo_configs: keys from jumpctl, and both jumpd.conf files.
topo_configs() {
	local side

	for side in cli srv; do
		(umask 077 && "$JPCTL" genkey >"$topo_tmp/$side.key")
		"$JPCTL" pubkey <"$topo_tmp/$side.key" >"$topo_tmp/$side.pub"
		mkdir -m 700 "$topo_tmp/$side.state"
	done
	cat >"$topo_tmp/srv.conf" <<-EOF
	# server: the peer (client) connects to us
	[Interface]
	PrivateKeyFile = $topo_tmp/srv.key
	ListenPort = $SRV_PORT
	AuditLog = $topo_tmp/srv.audit
	$TOPO_IFACE_EXTRA

	[Peer]
	Name = client
	PublicKey = $(cat "$topo_tmp/cli.pub")
	AllowedIPs = $CLI_IN4/32, $CLI_IN6/128
	$(topo_peer_timers)
	EOF
	cat >"$topo_tmp/cli.conf" <<-EOF
	# client: two uplinks, behind a NAT
	[Interface]
	PrivateKeyFile = $topo_tmp/cli.key
	ListenPort = $CLI_PORT
	AuditLog = $topo_tmp/cli.audit
	$TOPO_IFACE_EXTRA

	[Peer]
	Name = server
	PublicKey = $(cat "$topo_tmp/srv.pub")
	Endpoint = $SRV_OUT:$SRV_PORT
	LocalAddress = $UP0_CLI, $UP1_CLI
	AllowedIPs = $SRV_IN4/32, $SRV_IN6/128
	$(topo_peer_timers)
	EOF
}

topo_peer_timers() {
	cat <<-EOF
	KeepaliveInterval = $TOPO_KEEPALIVE
	VolatileAfter = $TOPO_VOLATILE
	RecoveringAfter = $TOPO_RECOVERING
	SessionTTL = $TOPO_TTL
	EOF
	[ -z "$TOPO_PEER_EXTRA" ] || printf '%s\n' "$TOPO_PEER_EXTRA"
}

# nft_counter SIDE NAME bytes|packets: the counter of the rule of table
# ip jt whose comment is NAME.
nft_counter() {
	ip netns exec "$(ns_of "$1")" nft -j list table ip jt |
		jq -r ".nftables[] | select(.rule.comment? == \"$2\") |
			.rule.expr[] | select(.counter) | .counter.$3"
}

# uplink_packets N: datagrams to the server's port, other than control
# ones, that came in on uplink N (up0/up1) at the router.
uplink_packets() {
	nft_counter rtr "up$1" packets
}

# control_back N: control datagrams (echoes among them) from the server
# that the router passed to uplink N.
control_back() {
	nft_counter rtr "ctl_back$1" packets
}

# standby_validated N: echoes came back over uplink N (its probes answer),
# which the path policy needs before it moves a session there.
standby_validated() {
	[ "$(control_back "$1")" -ge 2 ]
}

# active_uplink: 0 or 1, the uplink whose counter at the router grows
# while the other's stands still (keepalives alone make it grow). The
# deadline counts from the first reading and at least one more is taken:
# on the debug kernel, under load, reading the counters once took longer
# than the whole deadline.
active_uplink() {
	local a0 a1 b0 b1 deadline

	a0=$(uplink_packets 0) a1=$(uplink_packets 1)
	deadline=$((SECONDS + 30))
	while :; do
		sleep 0.1
		b0=$(uplink_packets 0) b1=$(uplink_packets 1)
		if [ "$b1" = "$a1" ] && [ $((b0 - a0)) -ge 5 ]; then
			echo 0
			return 0
		fi
		if [ "$b0" = "$a0" ] && [ $((b1 - a1)) -ge 5 ]; then
			echo 1
			return 0
		fi
		# both moved (a switch under way): look again
		[ "$b0" = "$a0" ] || [ "$b1" = "$a1" ] || { a0=$b0 a1=$b1; }
		[ "$SECONDS" -lt "$deadline" ] || break
	done
	echo "neither uplink alone carries the session: up0 $a0..$b0, up1 $a1..$b1" >&2
	return 1
}

# block RULE...: add a rule to the router's block chain (before the NAT
# and the counters), e.g. block udp dport $SRV_PORT drop; unblock: all go.
block() {
	in_rtr nft add rule ip jt block "$@"
}

unblock() {
	in_rtr nft flush chain ip jt block
}

# --- jumpd ------------------------------------------------------------------

# jd_start SIDE: jumpd in cli's or srv's namespace, in the foreground (of
# its own process), verbose, its log appended to $topo_tmp/SIDE.log.
jd_start() {
	local side=$1

	[ -x "$JUMPD" ] || fail "no $JUMPD: run 'make userspace' first"
	echo "=== jumpd start $(date +%T.%3N)" >>"$topo_tmp/$side.log"
	# Not through in_cli: $! must be jumpd itself (ip netns exec execs).
	ip netns exec "$(ns_of "$side")" "$JUMPD" -c "$topo_tmp/$side.conf" -f \
		--state-dir "$topo_tmp/$side.state" -v >>"$topo_tmp/$side.log" 2>&1 &
	jd_pid[$side]=$!
}

# jd_stop SIDE [SIGNAL]: signal jumpd (TERM by default) and reap it.
jd_stop() {
	local side=$1 sig=${2:-TERM} pid=${jd_pid[$1]:-}

	[ -n "$pid" ] || return 0
	kill -s "$sig" "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	jd_pid[$side]=
	echo "=== jumpd stopped by SIG$sig $(date +%T.%3N)" >>"$topo_tmp/$side.log"
}

jd_running() {
	kill -0 "${jd_pid[$1]}" 2>/dev/null
}

# jd_start_both: server first, then the client; both attached.
jd_start_both() {
	jd_start srv
	jd_start cli
	wait_attached 60 || fail "no session attached on both sides"
}

# --- reading state ----------------------------------------------------------

# show SIDE [FILTER]: jq FILTER (default: .) over `jumpctl --json show jp0`
# in SIDE's namespace, applied to its one session (null if none), raw.
show() {
	ip netns exec "$(ns_of "$1")" "$JPCTL" --json show jp0 |
		jq -r "(.sessions // [])[0] | ${2:-.}"
}

# dev_stat SIDE FIELD: a counter of SIDE's jp0 device (0 if absent).
dev_stat() {
	ip netns exec "$(ns_of "$1")" "$JPCTL" --json show jp0 |
		jq -r ".stats.$2 // 0"
}

# state SIDE: the session's state, or "none" without a session.
state() {
	show "$1" '.state // "none"'
}

session_count() {
	ip netns exec "$(ns_of "$1")" "$JPCTL" --json show jp0 |
		jq -r '.sessions // [] | length'
}

state_is() {
	[ "$(state "$1")" = "$2" ]
}

both_attached() {
	state_is cli attached && state_is srv attached
}

# wait_attached SECONDS: both sides attached within the deadline.
wait_attached() {
	wait_until "$1" both_attached
}

# both_working: the server attached, the client attached or DEGRADED (its
# path policy finds the active path lossy or slow, with nowhere better to
# go: traffic flows, and the state says so truthfully).
both_working() {
	{ state_is cli attached || state_is cli degraded; } && state_is srv attached
}

# session_ids: "CLIENT_ID SERVER_ID" as the client's kernel knows them.
session_ids() {
	show cli '"\(.id) \(.peer_id)"'
}

# binding_local SIDE: the local address of the session's binding.
binding_local() {
	show "$1" '.local // "" | sub(":[0-9]+$"; "")'
}

binding_remote() {
	show "$1" '.remote // ""'
}

# audit SIDE FILTER: the audit lines of SIDE selected by jq FILTER
# (a boolean expression over one line), compact.
audit() {
	[ -f "$topo_tmp/$1.audit" ] || return 0
	jq -c "select($2)" "$topo_tmp/$1.audit"
}

audit_has() {
	[ -n "$(audit "$@")" ]
}

# audit_count SIDE FILTER
audit_count() {
	audit "$@" | wc -l
}

# audit_sum SIDE FILTER: the events the selected lines stand for (a line
# with "count" stands for that many).
audit_sum() {
	audit "$@" | jq -s 'map(.count // 1) | add // 0'
}

# wait_audit SECONDS SIDE FILTER: such a line appears within the deadline.
wait_audit() {
	local limit=$1

	shift
	wait_until "$limit" audit_has "$@" ||
		fail "$1: no audit line with $2 within ${limit}s"
}

# transitions SIDE: the audit log of SIDE, one readable line per record.
transitions() {
	[ -f "$topo_tmp/$1.audit" ] || return 0
	jq -r '[.wall, .event, (if .old then "\(.old) -> \(.new)" else empty end),
		.reason, (if .binding_before then "\(.binding_before) -> \(.binding_after)"
		else empty end)] | map(select(. != null)) | join("  ")' "$topo_tmp/$1.audit"
}

# data_drops SIDE: data packets the session's device dropped (all drop
# counters but control datagrams, which jumpd's absence may drop).
data_drops() {
	show "$1" '.stats | [to_entries[] | select(.key | startswith("drop_"))
		| select(.key | startswith("drop_control") | not) | .value] | add // 0'
}

# one_binding: pings cross the tunnel, and none of their packets reached
# the server from an address other than its binding: the server's binding
# is where the client's packets come from.
one_binding() {
	local before out

	before=$(dev_stat srv rx_unknown_source)
	out=$(in_cli ping -n -q -c 3 -i 0.2 -W 2 $SRV_IN4 2>&1) || return 1
	echo "$out" | grep -q " 3 received" || return 1
	[ "$(dev_stat srv rx_unknown_source)" = "$before" ]
}

# pings_ok SIDE COUNT ARGS...: COUNT pings from SIDE, every one answered.
pings_ok() {
	local side=$1 n=$2 out

	shift 2
	out=$(ip netns exec "$(ns_of "$side")" ping -n -q -c "$n" -W 5 "$@" 2>&1) ||
		fail "ping $* from $side failed: $out"
	echo "$out" | grep -q " $n received" ||
		fail "ping $* from $side: not all $n answered: $out"
}

assert_eq() {	# assert_eq WHAT EXPECTED ACTUAL
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# --- a checksummed TCP stream through the tunnel, client -> server ----------

# stream_start [RATE]: the receiver on the server's inner address, then
# the sender in the client at RATE bytes/s (default 1 MB/s); returns once
# bytes arrive. stream.py writes its reports under $topo_tmp/stream/.
stream_start() {
	local d=$topo_tmp/stream

	mkdir -p "$d"
	ip netns exec "$srv" "$PY" "$JP_TOPO_DIR/stream.py" recv $SRV_IN4 \
		$STREAM_PORT "$d" >"$d/recv.log" 2>&1 &
	topo_pids+=("$!")
	wait_until 60 test -e "$d/listening" || fail "the stream receiver did not start"
	ip netns exec "$cli" "$PY" "$JP_TOPO_DIR/stream.py" send $SRV_IN4 \
		$STREAM_PORT "$d" "${1:-1000000}" >"$d/send.log" 2>&1 &
	topo_pids+=("$!")
	stream_wait_more 1 60 || fail "no byte of the stream arrived"
}

# stream_bytes: what the receiver has so far.
stream_bytes() {
	cat "$topo_tmp/stream/progress" 2>/dev/null || echo 0
}

stream_above() {
	[ "$(stream_bytes)" -ge "$1" ]
}

# stream_wait_more BYTES SECONDS: BYTES more than now arrive in time.
stream_wait_more() {
	local want=$(($(stream_bytes) + $1))

	wait_until "$2" stream_above "$want"
}

# stream_finish: stop the sender; both ends report, without error, the
# same byte count and sha256. Sets stream_total (bytes) and stream_gap
# (the longest interval without delivered bytes, ms).
stream_finish() {
	local d=$topo_tmp/stream sent got

	touch "$d/stop"
	wait_until 120 test -e "$d/send.json" ||
		fail "the stream sender did not finish: $(cat "$d/send.log")"
	wait_until 120 test -e "$d/recv.json" ||
		fail "the stream receiver did not finish: $(cat "$d/recv.log")"
	sent=$(jq -r '"\(.bytes) \(.sha256) \(.error)"' "$d/send.json")
	got=$(jq -r '"\(.bytes) \(.sha256) \(.error)"' "$d/recv.json")
	case "$sent $got" in
	*" null "*" null") ;;
	*) fail "stream broke: sender $(cat "$d/send.json") receiver $(cat "$d/recv.json")" ;;
	esac
	assert_eq "stream bytes and sha256 at the receiver" "$sent" "$got"
	stream_total=$(jq -r .bytes "$d/recv.json")
	stream_gap=$(jq -r .gap_ms "$d/recv.json")
}

# jd_case NAME FUNCTION [ARGS...]: run_case, unless JD_ONLY (a pattern
# for debugging one case) does not match FUNCTION ARGS: then a skip.
jd_case() {
	local name=$1

	shift
	case "$*" in
	${JD_ONLY:-*}) run_case "$name" "$@" ;;
	*) run_case "$name" skip "not selected by JD_ONLY=$JD_ONLY" ;;
	esac
}

# --- case end ---------------------------------------------------------------

# topo_exit STATUS: on failure, what the daemons said and saw; then stop
# everything the case started and remove the namespaces.
topo_exit() {
	local status=$1 side pid

	# Runs as the EXIT trap under set -e: nothing here may fail.
	set +e
	if [ "$status" -ne 0 ] && [ -n "$topo_tmp" ]; then
		topo_dump
	fi
	for side in "${!jd_pid[@]}"; do
		jd_stop "$side" TERM
	done
	for pid in "${topo_pids[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${topo_pids[@]}"; do
		wait "$pid" 2>/dev/null
	done
	topo_pids=()
	cleanup_ns
	[ -z "$topo_tmp" ] || rm -rf "$topo_tmp"
	topo_tmp=
}

topo_dump() {
	local side pid

	for side in cli srv; do
		pid=${jd_pid[$side]:-}
		if [ -n "$pid" ]; then
			echo "--- $side: jumpd $pid: $(grep -h '^State' "/proc/$pid/status" 2>/dev/null || echo 'not running'), waits in $(cat "/proc/$pid/wchan" 2>/dev/null)"
			cat "/proc/$pid/stack" 2>/dev/null
		fi
		echo "--- $side: jumpd log (last 60 lines)"
		tail -n 60 "$topo_tmp/$side.log" 2>/dev/null
		echo "--- $side: audit log (last 30 lines)"
		tail -n 30 "$topo_tmp/$side.audit" 2>/dev/null
		echo "--- $side: jumpctl show"
		ip netns exec "$(ns_of "$side")" "$JPCTL" show 2>&1
	done
	echo "--- router: nft ruleset and conntrack"
	in_rtr nft list ruleset 2>&1
	in_rtr conntrack -L -p udp 2>&1
	if [ -d "$topo_tmp/stream" ]; then
		echo "--- stream"
		cat "$topo_tmp/stream/"*.json "$topo_tmp/stream/"*.log 2>/dev/null
	fi
}
