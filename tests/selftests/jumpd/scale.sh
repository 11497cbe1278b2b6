#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# jumpd at scale (issue 13): a server with a PeerDir of SCALE_PEERS files
# (default 300: more than the 256 [Peer] sections jumpd once allowed),
# the topology's client in the main file and two more real clients, each
# a jumpd on its own device in the client's namespace.
# - every configured peer is loaded; the real clients attach;
# - idle, the server's jumpd makes (next to) no netlink request (no
#   per-session SESSION_GET: liveness comes from the kernel's events),
#   counted by jumpd itself (its status socket's document);
# - a peer file added at runtime: its client attaches; a file removed: its
#   session goes; a file with an error: named with its line, nothing
#   changes; the other sessions keep their ids throughout.
# SCALE_PEERS=10000 SCALE_MEASURE=1 also prints the server's RSS and CPU
# while idle (the figures of the README), not a pass/fail criterion.
source "$(dirname "$0")/../lib.sh"
# Liveness is not under test here: the default VolatileAfter, not the
# test's 400 ms, which a guest stalled under emulation reaches now and
# then, making a session VOLATILE; the server then rightly looks at it
# (dumps), and the idle window below would count them. The test's
# keepalive interval stays: the window counts keepalives.
TOPO_VOLATILE=6s TOPO_RECOVERING=15s TOPO_TTL=120s
source "$(dirname "$0")/topo.sh"

SCALE_PEERS=${SCALE_PEERS:-300}
SCALE_MEASURE=${SCALE_MEASURE:-0}

# srv_sessions: "ID STATE FIRST-PREFIX" per server session, sorted.
srv_sessions() {
	in_srv "$JPCTL" --json show jp0 |
		jq -r '(.sessions // [])[] | "\(.id) \(.state) \((.allowed // [])[0])"' | sort
}

# srv_session_of PREFIX: "ID STATE" of the server session allowing PREFIX.
srv_session_of() {
	srv_sessions | awk -v p="$1" '$3 == p { print $1, $2 }'
}

attached_for() {
	[ "$(srv_session_of "$1" | cut -d' ' -f2)" = attached ]
}

gone_for() {
	[ -z "$(srv_session_of "$1")" ]
}

# client N: keys, config and jp device N (port 5183N) of a real client
# in the client's namespace; its server-side file in $peers (not yet
# there: peer_file N writes it).
client() {
	local n=$1

	(umask 077 && "$JPCTL" genkey >"$topo_tmp/c$n.key")
	"$JPCTL" pubkey <"$topo_tmp/c$n.key" >"$topo_tmp/c$n.pub"
	mkdir -m 700 "$topo_tmp/c$n.state"
	cat >"$topo_tmp/c$n.conf" <<-EOF
	[Interface]
	PrivateKeyFile = $topo_tmp/c$n.key
	ListenPort = 5183$n
	Device = jp$n

	[Peer]
	Name = server
	PublicKey = $(cat "$topo_tmp/srv.pub")
	Endpoint = $SRV_OUT:$SRV_PORT
	AllowedIPs = 10.77.255.$n/32
	$(topo_peer_timers)
	EOF
	declare -g "c$n=$cli"
}

peer_file() {
	local n=$1

	cat >"$peers/.c$n.tmp" <<-EOF
	# a real client, from the test
	[Peer]
	PublicKey = $(cat "$topo_tmp/c$n.pub")
	AllowedIPs = 10.77.0.$n/32
	$(topo_peer_timers)
	EOF
	# Written whole, then renamed in: jumpd sees one complete file.
	mv "$peers/.c$n.tmp" "$peers/c$n.conf"
}

# srv_status KEY: a number of the server jumpd's status document (its
# status socket; netlink_requests, session_gets, session_dumps, peers).
srv_status() {
	"$PY" - "$topo_tmp/srv.state/jp0.sock" <<-'EOF' | jq -r ".$1"
	import socket, sys
	s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
	s.connect(sys.argv[1])
	print(b"".join(iter(lambda: s.recv(65536), b"")).decode())
	EOF
}

srv_tx() {
	dev_stat srv tx_packets
}

# cpu_ticks: user + system clock ticks of the server's jumpd so far.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/${jd_pid[srv]}/stat"
}

scale() {
	local before after ids_other t0 t1 s0 s1 r0 r1 g0 g1 u0 u1 tx

	topo_setup
	peers=$topo_tmp/peers.d
	mkdir -m 700 "$peers"
	sed -i "/^\[Interface\]/a PeerDir = $peers" "$topo_tmp/srv.conf"
	# SCALE_PEERS peers nobody plays: random keys, one /32 each.
	"$PY" - "$peers" "$SCALE_PEERS" <<-'EOF'
	import base64, os, sys
	d, n = sys.argv[1], int(sys.argv[2])
	for i in range(n):
	    k = base64.b64encode(os.urandom(32)).decode()
	    with open(f"{d}/p{i}.conf", "w") as f:
	        f.write(f"[Peer]\nPublicKey = {k}\n"
	                f"AllowedIPs = 10.{80 + i // 65536}.{i // 256 % 256}.{i % 256}/32\n")
	EOF
	client 1
	client 2
	peer_file 1
	jd_start srv
	jd_start cli
	jd_start c1
	wait_attached 60 || fail "the topology's client did not attach"
	wait_until 60 attached_for 10.77.0.1/32 || fail "client 1 did not attach: $(srv_sessions)"
	grep -q "PeerDir $peers: $((SCALE_PEERS + 2)) peers in all" "$topo_tmp/srv.log" ||
		fail "not every peer loaded: $(grep PeerDir "$topo_tmp/srv.log" | head -5)"
	echo "server: $((SCALE_PEERS + 2)) peers configured, $(srv_sessions | wc -l) sessions"

	# Idle: no request at all (the old jumpd asked SESSION_GET per
	# session every second, every 50 ms when not attached). The window:
	# until the server's kernel sent 60 more packets (the two sessions'
	# keepalives, 10 a second each: about 3 s).
	wait_until 30 eval '[ "$(srv_status session_dumps)" != null ]' ||
		fail "no status socket: $(ls "$topo_tmp/srv.state")"
	r0=$(srv_status netlink_requests) g0=$(srv_status session_gets)
	u0=$(srv_status session_dumps) tx=$(srv_tx)
	wait_until 60 eval '[ "$(srv_tx)" -ge $((tx + 60)) ]' ||
		fail "the server's keepalives stopped at $(srv_tx)"
	r1=$(srv_status netlink_requests) g1=$(srv_status session_gets)
	u1=$(srv_status session_dumps)
	# Its other requests answer the clients' probes (PACKET_SEND of an
	# ECHO): work a peer asks for, not polling.
	echo "the idle server while it sent $(($(srv_tx) - tx)) packets: SESSION_GET $((g1 - g0)), dumps $((u1 - u0)), requests in all $((r1 - r0)) (echoes to the clients' probes)"
	assert_eq "SESSION_GETs of one session while idle" 0 "$((g1 - g0))"
	# At most the tail of the dump that took the new sessions out of BIRTH
	# (wanted for two intervals after); the old jumpd asked 2 a second.
	[ $((u1 - u0)) -le 2 ] || fail "the idle server dumped its sessions $((u1 - u0)) times"
	if [ "$SCALE_MEASURE" = 1 ]; then
		t0=$(cpu_ticks) s0=$SECONDS
		sleep 20
		t1=$(cpu_ticks) s1=$SECONDS
		echo "measure: peers=$((SCALE_PEERS + 2)) rss_kb=$(awk '/VmRSS/ { print $2 }' "/proc/${jd_pid[srv]}/status") idle_cpu_ticks=$((t1 - t0)) in $((s1 - s0)) s (CLK_TCK $(getconf CLK_TCK))"
	fi

	# A file added at runtime: its client attaches; the others stay.
	before=$(srv_sessions)
	peer_file 2
	jd_start c2
	wait_until 60 attached_for 10.77.0.2/32 || fail "client 2 (added at runtime) did not attach: $(srv_sessions)"
	grep "PeerDir: c2.conf: new peer c2" "$topo_tmp/srv.log"
	after=$(srv_sessions)
	ids_other=$(grep -v ' 10.77.0.2/32$' <<<"$after")
	assert_eq "other sessions after adding c2.conf" "$before" "$ids_other"

	# A file with an error: named with its line; nothing changes.
	printf '[Peer]\nPublicKey = %s\nAllowedIPs = 10.77.0.1/32\n' \
		"$("$PY" -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())')" \
		>"$peers/bad.conf"
	wait_until 30 grep -q "$peers/bad.conf:3: AllowedIPs 10.77.0.1/32 already belongs to peer c1" \
		"$topo_tmp/srv.log" || fail "the clash was not reported with file and line"
	assert_eq "sessions after a bad file" "$after" "$(srv_sessions)"

	# A file removed: its session goes, the others stay.
	rm "$peers/c1.conf"
	wait_until 30 gone_for 10.77.0.1/32 || fail "client 1's session outlived its file"
	assert_eq "other sessions after removing c1.conf" \
		"$(grep -v ' 10.77.0.1/32$' <<<"$after")" "$(srv_sessions)"
	jd_running srv || fail "the server's jumpd died"
}

ktap_begin 1
jd_case "PeerDir of ${SCALE_PEERS} peers: real clients attach, no polling when idle, a file added, a bad one, one removed" \
	scale
ktap_end
