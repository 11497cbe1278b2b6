# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# The cluster scenarios' topology (sourced after ../lib.sh; make
# demo-cluster uses it too): a client, two gateways of one cluster, three
# etcd members, a router between all of them, and a server behind the
# gateways that the client's TCP stream goes to (docs/cluster.md).
#
#  "cli" up0 198.51.100.2/28 --- cl0 198.51.100.1/28  "rtr"
#                                ga0 192.0.2.1/28   --- eth0 192.0.2.2/28  "gwa" (gw-a)
#                                gb0 192.0.2.17/28  --- eth0 192.0.2.18/28 "gwb" (gw-b)
#                                e1 203.0.113.1/28  --- eth0 203.0.113.2/28  "etcd1"
#                                e2 203.0.113.17/28 --- eth0 203.0.113.18/28 "etcd2"
#                                e3 203.0.113.33/28 --- eth0 203.0.113.34/28 "etcd3"
#  "gwa" lan0 198.51.100.145/30 --- via_a 198.51.100.146/30 "srv"
#  "gwb" lan0 198.51.100.149/30 --- via_b 198.51.100.150/30 "srv"
#  "srv" lo 198.51.100.161/32: the stream's receiver; to the client: a copy
#        via each gateway (nft dup)
#  jp0: client 198.51.100.130/28, both gateways 198.51.100.129/28
#
# The gateways share one static key pair, one [Peer] for the client and the
# cluster key; they differ in NodeName only. The client has one [Peer] for
# "the gateway" whose Endpoints are gw-a, then gw-b. The gateways reach etcd
# through the router, so a gateway is cut off from etcd alone by a rule in
# the router's block chain. The server sends what goes to the client to both
# gateways: the one that serves the session delivers it, the other has no
# session for it and drops it. That stands for the operator's routing
# (jumpd installs no routes) without a routing protocol's delay in the
# stall the tests measure. Every address is TEST-NET and exists only in
# these namespaces.

CLUSTER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The sessions' silence timers: those the jumpd suite takes on the debug
# kernel, here on every kernel. The cases' time scale is the lease's (5 s),
# not a path's silence, and a TCG guest on a loaded host stalls past the
# jumpd suite's 400 ms now and then: the gateway read it as a silence
# (attached -> volatile -> attached), a state change that (c) and (d)
# rightly count.
TOPO_KEEPALIVE=${TOPO_KEEPALIVE:-200ms}
TOPO_VOLATILE=${TOPO_VOLATILE:-1500ms}
TOPO_RECOVERING=${TOPO_RECOVERING:-2500ms}
TOPO_TTL=${TOPO_TTL:-60s}
# The jumpd suite's helpers: jd_start and jd_stop, reading jumpctl and the
# audit log (show, state, audit, wait_audit, ...), the checksummed stream
# (stream_start, stream_finish: its receiver is in namespace "srv", at
# SRV_IN4), the test timers (topo_peer_timers).
# shellcheck source=../jumpd/topo.sh
source "$CLUSTER_DIR/../jumpd/topo.sh"

GW_PORT=51820
CLI_PORT=51821
CLI_OUT=198.51.100.2 CLI_RTR=198.51.100.1
declare -gA GW_OUT=([gwa]=192.0.2.2 [gwb]=192.0.2.18)
declare -gA GW_RTR=([gwa]=192.0.2.1 [gwb]=192.0.2.17)
declare -gA GW_RTR_DEV=([gwa]=ga0 [gwb]=gb0)
declare -gA GW_LAN=([gwa]=198.51.100.145 [gwb]=198.51.100.149)
declare -gA SRV_LAN=([gwa]=198.51.100.146 [gwb]=198.51.100.150)
declare -gA SRV_LAN_DEV=([gwa]=via_a [gwb]=via_b)
declare -gA GW_NODE=([gwa]=gw-a [gwb]=gw-b)
GW_IN4=198.51.100.129 CLI_IN4=198.51.100.130
# The stream's receiver (jumpd/topo.sh's stream_start uses SRV_IN4).
SRV_IN4=198.51.100.161 SRV_NET=198.51.100.160/28
ETCD_MEMBERS=(1 2 3)
CLUSTER_NAME=jt
# Each gateway's lease: LeaseTTL's default, renewed every TTL / 5, fenced
# at the last renewal sent + TTL - 1 s (docs/cluster.md, "Fencing"). On
# the debug kernel, where everything takes several times as long, a
# renewal can miss a 5 s lease without anything being wrong.
if jp_debug_kernel; then
	LEASE_TTL=${LEASE_TTL:-15}
else
	LEASE_TTL=${LEASE_TTL:-5}
fi
cluster_pids=()
cluster_t0=$EPOCHREALTIME
declare -gA etcd_pid=()

in_gwa() { ip netns exec "$gwa" "$@"; }
in_gwb() { ip netns exec "$gwb" "$@"; }

# other_gw GW: the other gateway's side name.
other_gw() {
	[ "$1" = gwa ] && echo gwb || echo gwa
}

etcd_addr() {
	echo "203.0.113.$((2 + 16 * ($1 - 1)))"
}

etcd_url() {
	echo "http://$(etcd_addr "$1"):2379"
}

# cluster_setup: namespaces, links, routes, the router's counters and block
# chain, jp devices, keys and configurations; the etcd members started and
# healthy; jumpd not started. Everything goes when the case exits (the
# daemons' logs printed first on failure).
cluster_setup() {
	local n side

	cluster_t0=$EPOCHREALTIME
	jp_load || fail "cannot load $JP_MODULE"
	trap 'cluster_exit $?' EXIT
	topo_tmp=$(mktemp -d /tmp/cluster-test.XXXXXX)
	setup_ns cli rtr srv etcd1 etcd2 etcd3

	ip link add up0 netns "$cli" type veth peer name cl0 netns "$rtr"
	for n in "${ETCD_MEMBERS[@]}"; do
		ip link add eth0 netns "$(ns_of "etcd$n")" type veth peer name "e$n" netns "$rtr"
		ip -n "$(ns_of "etcd$n")" -b - <<-EOB
		addr add $(etcd_addr "$n")/28 dev eth0
		link set eth0 up
		route add default via 203.0.113.$((1 + 16 * (n - 1))) dev eth0
		EOB
	done
	ip -n "$rtr" -b - <<-EOB
	addr add $CLI_RTR/28 dev cl0
	addr add 203.0.113.1/28 dev e1
	addr add 203.0.113.17/28 dev e2
	addr add 203.0.113.33/28 dev e3
	link set cl0 up
	link set e1 up
	link set e2 up
	link set e3 up
	EOB
	in_rtr sysctl -qw net.ipv4.ip_forward=1
	# jt: what the client sends to each gateway (counted, to know the
	# gateways heard it), and the chain cases add drops to. No sets: see
	# jumpd/topo.sh (the debug kernel's lockdep and 6.1's set lookup).
	in_rtr nft -f - <<-EOF
	table ip jt {
		chain forward {
			type filter hook forward priority filter;
			oifname "ga0" udp dport $GW_PORT counter comment "to_gwa"
			oifname "gb0" udp dport $GW_PORT counter comment "to_gwb"
		}
		chain block {
			type filter hook forward priority filter - 10;
		}
	}
	EOF
	ip -n "$cli" -b - <<-EOB
	addr add $CLI_OUT/28 dev up0
	link set up0 up
	route add default via $CLI_RTR dev up0
	EOB
	# The route to the client only gets the server's packets to its output
	# hook, where each is sent to both gateways as a copy and dropped. The
	# gateway without the session answers its copy with an ICMP host
	# unreachable, which would abort the stream's handshake: dropped.
	ip -n "$srv" -b - <<-EOB
	addr add $SRV_IN4/32 dev lo
	link add to_gws type dummy
	link set to_gws up
	route add $CLI_IN4/32 dev to_gws
	EOB
	in_srv nft -f - <<-EOF
	table ip jt {
		chain output {
			type filter hook output priority filter;
			ip daddr $CLI_IN4 ct state untracked accept
			ip daddr $CLI_IN4 dup to ${GW_LAN[gwa]}
			ip daddr $CLI_IN4 dup to ${GW_LAN[gwb]}
			ip daddr $CLI_IN4 drop
		}
		chain input {
			type filter hook input priority filter;
			icmp type destination-unreachable drop
		}
	}
	EOF
	for side in gwa gwb; do
		gw_links "$side"
	done

	topo_jp_device "$cli" $CLI_IN4 $CLI_IN6
	ip -n "$cli" route add $SRV_NET dev jp0
	cluster_configs
	for n in "${ETCD_MEMBERS[@]}"; do
		etcd_start "$n"
	done
	wait_until 60 gw_outer_paths || fail "no outer path from the client to both gateways"
	for n in "${ETCD_MEMBERS[@]}"; do
		wait_until 90 etcd_healthy "$n" ||
			fail "etcd$n not healthy within 90 s: $(tail -n 20 "$topo_tmp/etcd$n.log")"
	done
	step "namespaces up, etcd healthy"
}

# step TEXT: TEXT with the seconds since cluster_setup began (where a
# case's time goes, in the guest's log).
step() {
	awk -v t0="$cluster_t0" -v now="$EPOCHREALTIME" -v what="$*" \
		'BEGIN { printf "%+7.1f s  %s\n", now - t0, what }'
}

# gw_links GW: GW's namespace (anew: after gw_kill it is a new one) with
# its link to the router, its link to the server, and jp0.
gw_links() {
	local side=$1 ns

	setup_ns "$side"
	ns=$(ns_of "$side")
	ip link add eth0 netns "$ns" type veth peer name "${GW_RTR_DEV[$side]}" netns "$rtr"
	ip link add lan0 netns "$ns" type veth peer name "${SRV_LAN_DEV[$side]}" netns "$srv"
	ip -n "$rtr" -b - <<-EOB
	addr add ${GW_RTR[$side]}/28 dev ${GW_RTR_DEV[$side]}
	link set ${GW_RTR_DEV[$side]} up
	EOB
	ip -n "$srv" -b - <<-EOB
	addr add ${SRV_LAN[$side]}/30 dev ${SRV_LAN_DEV[$side]}
	link set ${SRV_LAN_DEV[$side]} up
	EOB
	ip -n "$ns" -b - <<-EOB
	addr add ${GW_OUT[$side]}/28 dev eth0
	addr add ${GW_LAN[$side]}/30 dev lan0
	link set eth0 up
	link set lan0 up
	route add default via ${GW_RTR[$side]} dev eth0
	route add $SRV_IN4/32 via ${SRV_LAN[$side]} dev lan0
	EOB
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
	topo_jp_device "$ns" $GW_IN4 $SRV_IN6
}

# veth carriers come up asynchronously and the first packets wait for ARP.
gw_outer_paths() {
	in_cli ping -n -q -c 1 -W 1 "${GW_OUT[gwa]}" >/dev/null &&
		in_cli ping -n -q -c 1 -W 1 "${GW_OUT[gwb]}" >/dev/null
}

# cluster_configs: one key pair shared by the gateways, the client's, the
# cluster key, and the three jumpd.conf files.
cluster_configs() {
	local side

	for side in cli gw; do
		(umask 077 && "$JPCTL" genkey >"$topo_tmp/$side.key")
		"$JPCTL" pubkey <"$topo_tmp/$side.key" >"$topo_tmp/$side.pub"
	done
	(umask 077 && "$JPCTL" genkey >"$topo_tmp/cluster.key")
	for side in cli gwa gwb; do
		mkdir -m 700 "$topo_tmp/$side.state"
	done
	for side in gwa gwb; do
		cat >"$topo_tmp/$side.conf" <<-EOF
		# gateway ${GW_NODE[$side]}: the client connects to "the gateway"
		[Interface]
		PrivateKeyFile = $topo_tmp/gw.key
		ListenPort = $GW_PORT
		AuditLog = $topo_tmp/$side.audit

		[Cluster]
		EtcdEndpoints = $(etcd_url 1), $(etcd_url 2), $(etcd_url 3)
		ClusterName = $CLUSTER_NAME
		NodeName = ${GW_NODE[$side]}
		ClusterKeyFile = $topo_tmp/cluster.key
		LeaseTTL = ${LEASE_TTL}s

		[Peer]
		Name = client
		PublicKey = $(cat "$topo_tmp/cli.pub")
		AllowedIPs = $CLI_IN4/32
		$(topo_peer_timers)
		EOF
	done
	cat >"$topo_tmp/cli.conf" <<-EOF
	# client: one gateway peer, served by either gateway
	[Interface]
	PrivateKeyFile = $topo_tmp/cli.key
	ListenPort = $CLI_PORT
	AuditLog = $topo_tmp/cli.audit

	[Peer]
	Name = gateway
	PublicKey = $(cat "$topo_tmp/gw.pub")
	Endpoint = ${GW_OUT[gwa]}:$GW_PORT, ${GW_OUT[gwb]}:$GW_PORT
	AllowedIPs = $GW_IN4/32, $SRV_NET
	$(topo_peer_timers)
	EOF
}

# --- etcd ---------------------------------------------------------------------

# etcd_start N: member N of the static three-member cluster, in its own
# namespace, its data in the case's tmp dir. The flags are those of
# tests/unit/etcd_server.c, with the cluster's peers; etcd's own timing
# (heartbeat 100 ms, election 1 s) as Debian ships it.
etcd_start() {
	local n=$1 m cluster=

	for m in "${ETCD_MEMBERS[@]}"; do
		cluster+="${cluster:+,}etcd$m=http://$(etcd_addr "$m"):2380"
	done
	ip netns exec "$(ns_of "etcd$n")" etcd --name "etcd$n" \
		--data-dir "$topo_tmp/etcd$n.data" \
		--listen-client-urls "$(etcd_url "$n")" \
		--advertise-client-urls "$(etcd_url "$n")" \
		--listen-peer-urls "http://$(etcd_addr "$n"):2380" \
		--initial-advertise-peer-urls "http://$(etcd_addr "$n"):2380" \
		--initial-cluster "$cluster" --initial-cluster-state new \
		--initial-cluster-token "jumping-$CLUSTER_NAME" \
		--logger zap --log-level warn >>"$topo_tmp/etcd$n.log" 2>&1 &
	etcd_pid[$n]=$!
}

# etcd_kill N: SIGKILL, as a machine dies.
etcd_kill() {
	kill -KILL "${etcd_pid[$1]}" 2>/dev/null || true
	wait "${etcd_pid[$1]}" 2>/dev/null || true
	etcd_pid[$1]=
}

etcd_alive() {
	[ -n "${etcd_pid[$1]:-}" ]
}

etcd_healthy() {
	in_rtr curl -sf -m 2 "$(etcd_url "$1")/health" 2>/dev/null |
		jq -e '.health == "true"' >/dev/null
}

# etcd_api PATH JSON: POST to the v3 JSON gateway of the first live member
# (from the router, which reaches all of them); the answer on stdout.
etcd_api() {
	local n

	for n in "${ETCD_MEMBERS[@]}"; do
		etcd_alive "$n" || continue
		in_rtr curl -sf -m 3 -X POST "$(etcd_url "$n")/v3/$1" -d "$2" && return 0
	done
	return 1
}

b64() {
	printf '%s' "$1" | base64 -w0
}

# etcd_lease KEY: the id of the lease KEY is attached to (empty: no key).
etcd_lease() {
	etcd_api kv/range "{\"key\":\"$(b64 "$1")\"}" | jq -r '.kvs[0].lease // empty'
}

node_key() {
	echo "/jumping/$CLUSTER_NAME/nodes/$1"
}

# owner_key GATEWAY_SESSION_ID: the owner key of the session the gateways
# know by that id (the client's peer id).
owner_key() {
	printf '/jumping/%s/sessions/%08x/owner' "$CLUSTER_NAME" "$1"
}

# gw_serving GW: GW's node key is in etcd, under a lease: it holds one and
# serves (the key is written after each grant).
gw_serving() {
	[ -n "$(etcd_lease "$(node_key "${GW_NODE[$1]}")")" ]
}

# owner_of GATEWAY_SESSION_ID: the node whose lease holds the session's
# owner key ("none" without one). The key's value is sealed under the
# cluster key; its lease is in the clear, and so is each node key's name
# and lease. One range of the cluster's prefix: a process start costs
# much in a loaded TCG guest.
owner_of() {
	local prefix=/jumping/$CLUSTER_NAME/

	etcd_api kv/range "{\"key\":\"$(b64 "$prefix")\",\"range_end\":\"$(b64 "${prefix%/}0")\"}" |
		jq -r --arg owner "$(owner_key "$1")" --arg nodes "${prefix}nodes/" '
		[.kvs[]? | {key: (.key | @base64d), lease: (.lease // "0")}] as $kvs |
		[$kvs[] | select(.key == $owner) | .lease][0] as $lease |
		if $lease == null then "none" else
			[$kvs[] | select((.key | startswith($nodes)) and .lease == $lease) |
			 .key | ltrimstr($nodes)][0] // "lease \($lease)"
		end'
}

# owner_is GATEWAY_SESSION_ID NODE: etcd names NODE the session's owner.
owner_is() {
	[ "$(owner_of "$1")" = "$2" ]
}

# etcd_leader: the number of the member that leads, as all the live
# members agree (fails while they do not, or have none). One curl asks them
# all, in the order of ETCD_MEMBERS.
etcd_leader() {
	local n alive=() urls=() i

	for n in "${ETCD_MEMBERS[@]}"; do
		etcd_alive "$n" || continue
		alive+=("$n")
		urls+=("$(etcd_url "$n")/v3/maintenance/status")
	done
	i=$(in_rtr curl -s -m 2 -X POST -d '{}' "${urls[@]}" 2>/dev/null |
		jq -rs --argjson n "${#urls[@]}" '
		if length == $n and (map(.leader) | unique | length) == 1 and
		   (.[0].leader // "0") != "0"
		then .[0].leader as $l | map(.header.member_id == $l) | index(true) // empty
		else empty end') || return 1
	[ -n "$i" ] || return 1
	echo "${alive[i]}"
}

# --- gateways and client ------------------------------------------------------

# cluster_start: both gateways, then the client once both serve (so its
# first initiation finds gw-a, its first Endpoint, able to answer).
cluster_start() {
	jd_start gwa
	jd_start gwb
	wait_until 60 gw_serving gwa || fail "gw-a holds no lease after 60 s"
	wait_until 60 gw_serving gwb || fail "gw-b holds no lease after 60 s"
	step "both gateways serve"
	jd_start cli
	wait_until 60 client_attached || fail "the client has no attached session after 60 s"
	step "the client's session attached"
}

client_attached() {
	state_is cli attached
}

# serving_gw: the gateway whose kernel has the client's session and whose
# jumpd has it attached (none if neither or both).
serving_gw() {
	local side found=none n=0

	for side in gwa gwb; do
		if [ -e "/run/netns/$(ns_of "$side")" ] && jd_running "$side" &&
		   state_is "$side" attached; then
			found=$side
			n=$((n + 1))
		fi
	done
	[ "$n" -le 1 ] || found=both
	echo "$found"
}

# client_via GW: the client's binding is GW's address.
client_via() {
	[ "$(binding_remote cli)" = "${GW_OUT[$1]}:$GW_PORT" ]
}

# served_by GW: the client's session is bound to GW and works (ATTACHED,
# or DEGRADED: its path policy's reading of a stalling TCG guest), and GW
# has it ATTACHED.
served_by() {
	client_via "$1" && { state_is cli attached || state_is cli degraded; } &&
		state_is "$1" attached
}

# gw_kill GW: jumpd SIGKILLed and the namespace deleted (with it jp0, its
# sessions and both links), as the machine dies; returns once the router
# has lost the link.
gw_kill() {
	local side=$1

	jd_stop "$side" KILL
	ip netns del "$(ns_of "$side")"
	wait_until 30 router_lost "$side" || fail "${GW_NODE[$side]}'s namespace did not go"
}

# router_lost GW: the router's link to GW is gone.
router_lost() {
	! ip -n "$rtr" link show "${GW_RTR_DEV[$1]}" >/dev/null 2>&1
}

# gw_revive GW: a new namespace for GW with the same addresses and jp0, its
# jumpd started again from the same configuration and state directory.
gw_revive() {
	gw_links "$1"
	wait_until 30 in_cli ping -n -q -c 1 -W 1 "${GW_OUT[$1]}" >/dev/null ||
		fail "no outer path to the revived ${GW_NODE[$1]}"
	jd_start "$1"
}

# cut_from_etcd GW / reconnect_to_etcd: drop everything between GW and the
# etcd members at the router, both ways; GW still reaches the client.
cut_from_etcd() {
	local dev=${GW_RTR_DEV[$1]}

	# One transaction: both ways are cut at one moment, the moment this
	# returns by (on the debug kernel two nft commands took 8 s).
	in_rtr nft -f - <<-EOF
	add rule ip jt block iifname "$dev" oifname "e*" drop
	add rule ip jt block iifname "e*" oifname "$dev" drop
	EOF
}

reconnect_to_etcd() {
	in_rtr nft flush chain ip jt block
}

# to_gw_packets GW: datagrams the router passed from anyone to GW's port.
to_gw_packets() {
	nft_counter rtr "to_$1" packets
}

# to_gw_reached GW N: the router has passed N datagrams to GW's port.
to_gw_reached() {
	[ "$(to_gw_packets "$1")" -ge "$2" ]
}

# capture_start: every data packet the client receives from a gateway, as
# "wall source receiver-id key-id counter" lines in $topo_tmp/data.pkts.
capture_start() {
	in_cli "$PY" "$CLUSTER_DIR/datapkt.py" capture up0 $GW_PORT "$topo_tmp/data.pkts" \
		>>"$topo_tmp/capture.log" 2>&1 &
	cluster_pids+=("$!")
	wait_until 30 test -e "$topo_tmp/data.pkts.ready" || fail "the capture did not start"
}

# state_changes SIDE: SIDE's audit lines that change something for the
# session: every event but a transition to the same state (a periodic
# rekey) or between ATTACHED and DEGRADED: the path policy's reading of
# the path's RTT and probe loss, which the TCG guest's stalls on a loaded
# host move on their own (rtt-high, loss-high, and back).
state_changes() {
	audit "$1" '.event != "transition" or
		(.old != .new and ([.old, .new] - ["attached", "degraded"] | length) > 0)'
}

# audit_first_wall SIDE FILTER: the wall clock (seconds) of GW's first audit line
# selected by FILTER, empty if none.
audit_first_wall() {
	audit "$1" "$2" | head -n 1 |
		jq -r '.wall | (.[0:19] + "Z" | fromdateiso8601) + (.[20:23] | tonumber) / 1000'
}

# --- case end -----------------------------------------------------------------

# cluster_exit STATUS: on failure what the daemons and etcd said; then stop
# everything the case started and remove the namespaces.
# cluster_says GW: the cluster state GW's jumpd reports (jumpctl show).
cluster_says() {
	ip netns exec "$(ns_of "$1")" "$JPCTL" show --json \
		--state-dir "$topo_tmp/$1.state" jp0 | jq -r '.cluster.state // "none"'
}

# cluster_metric GW NAME: the sample NAME{device="jp0",node=GW's} that
# jumpctl metrics writes in GW, or nothing; the whole output must pass
# promtool.
cluster_metric() {
	local f=$topo_tmp/$1.prom out

	ip netns exec "$(ns_of "$1")" "$JPCTL" metrics \
		--state-dir "$topo_tmp/$1.state" --output "$f" ||
		fail "jumpctl metrics in ${GW_NODE[$1]} failed"
	out=$(promtool check metrics <"$f" 2>&1) ||
		fail "promtool check metrics (${GW_NODE[$1]}): $out"
	awk -v k="$2{device=\"jp0\",node=\"${GW_NODE[$1]}\"}" \
		'$1 == k { print $2 }' "$f"
}

cluster_exit() {
	local status=$1 n pid

	set +e
	[ "$status" -eq 0 ] || [ -z "$topo_tmp" ] || cluster_dump
	for pid in "${cluster_pids[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for n in "${!etcd_pid[@]}"; do
		[ -z "${etcd_pid[$n]}" ] || kill -KILL "${etcd_pid[$n]}" 2>/dev/null
	done
	for pid in "${cluster_pids[@]}" "${etcd_pid[@]}"; do
		[ -z "$pid" ] || wait "$pid" 2>/dev/null
	done
	cluster_pids=()
	etcd_pid=()
	# jumpd/topo.sh's end: jumpd stopped, the stream's processes, the
	# namespaces, the tmp dir.
	topo_exit 0
}

cluster_dump() {
	local side n

	for side in gwa gwb cli; do
		echo "--- $side: jumpd log (last 40 lines)"
		tail -n 40 "$topo_tmp/$side.log" 2>/dev/null
		echo "--- $side: audit log"
		transitions "$side" | tail -n 20
		echo "--- $side: jumpctl show"
		[ -e "/run/netns/$(ns_of "$side")" ] &&
			ip netns exec "$(ns_of "$side")" "$JPCTL" show \
				--state-dir "$topo_tmp/$side.state" 2>&1
	done
	for n in "${ETCD_MEMBERS[@]}"; do
		echo "--- etcd$n log (last 10 lines)"
		tail -n 10 "$topo_tmp/etcd$n.log" 2>/dev/null
	done
	echo "--- etcd keys"
	etcd_api kv/range "{\"key\":\"$(b64 "/jumping/")\",\"range_end\":\"$(b64 "/jumping0")\",\"keys_only\":true}" |
		jq -r '.kvs[]? | "\(.key | @base64d)  lease \(.lease // "none")"'
	echo "--- server: nft counters"
	in_srv nft list ruleset 2>&1
	if [ -d "$topo_tmp/stream" ]; then
		echo "--- stream"
		cat "$topo_tmp/stream/"*.json "$topo_tmp/stream/"*.log 2>/dev/null
	fi
}
