#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What an operator sees (docs/operations.md): `jumpctl show` with what
# jumpd knows (peer name, endpoint, last handshake, paths), as text and
# JSON; the Prometheus metrics of `jumpctl metrics --output` and of
# jumpd's /metrics (MetricsListen) pass `promtool check metrics`, and
# their counters are the kernel's (`jumpctl show`).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

PROMTOOL=${PROMTOOL:-$(command -v promtool || true)}
METRICS_PORT=9586

# jshow SIDE [ARGS...]: jumpctl show with SIDE's jumpd status socket.
jshow() {
	local side=$1

	shift
	ip netns exec "$(ns_of "$side")" "$JPCTL" show \
		--state-dir "$topo_tmp/$side.state" "$@"
}

# sess SIDE FILTER: jq FILTER over SIDE's one session in show --json.
sess() {
	jshow "$1" --json jp0 | jq -r ".sessions[0] | $2"
}

# promcheck FILE: promtool's verdict on a metrics file, or fail.
promcheck() {
	local out

	[ -x "$PROMTOOL" ] || fail "no promtool: install prometheus (tests/deps)"
	out=$("$PROMTOOL" check metrics <"$1" 2>&1) ||
		fail "promtool check metrics: $out"
}

# sample FILE NAME LABELS: the value of the sample NAME{LABELS}.
sample() {
	awk -v k="$2{$3}" '$1 == k { print $2 }' "$1"
}

# metrics_file SIDE FILE: jumpctl metrics --output FILE in SIDE.
metrics_file() {
	ip netns exec "$(ns_of "$1")" "$JPCTL" metrics \
		--state-dir "$topo_tmp/$1.state" --output "$2"
}

# http_get SIDE PATH [METHOD]: "STATUS" then the body, from SIDE's jumpd.
http_get() {
	ip netns exec "$(ns_of "$1")" "$PY" - "$METRICS_PORT" "$2" "${3:-GET}" <<-'EOF'
	import http.client, sys
	c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
	c.request(sys.argv[3], sys.argv[2])
	r = c.getresponse()
	print(r.status)
	sys.stdout.write(r.read().decode())
	EOF
}

show_case() {
	local path js filter

	topo_setup
	jd_start_both
	pings_ok cli 3 -i 0.2 $SRV_IN4
	# The client's jumpd has measured its paths once a probe came back.
	wait_until 30 test "$(sess cli '[.paths[] | select(.srtt_us > 0)] | length')" -gt 0 ||
		fail "no path of the client got an RTT sample"
	js=$(jshow cli --json jp0)
	echo "$js" | jq -c '.sessions[0] | {peer, state, endpoint, handshake_age_ms, paths: (.paths | length)}'
	assert_eq "client's peer name" server "$(sess cli .peer)"
	assert_eq "client's state" attached "$(sess cli .state)"
	assert_eq "client's paths" 2 "$(sess cli '.paths | length')"
	path=$(sess cli '.paths[] | select(.active) | .path')
	assert_eq "endpoint is the active path" "$path" "$(sess cli .endpoint)"
	sess cli '.handshake_age_ms | numbers' | grep -qx '[0-9]\+' ||
		fail "client: no handshake age"
	sess cli '.allowed[]' | grep -qx "$SRV_IN4/32" ||
		fail "client: $SRV_IN4/32 not among the allowed prefixes"
	test "$(sess cli .stats.rx_packets)" -gt 0 || fail "client: nothing received"
	test "$(sess cli .keepalive_ms)" -gt 0 || fail "client: no keepalive"
	assert_eq "server's peer name" client "$(sess srv .peer)"

	# Text, for operators: one fact a line.
	jshow srv jp0 >"$topo_tmp/srv.show"
	cat "$topo_tmp/srv.show"
	grep -qx "device: jp0" "$topo_tmp/srv.show" || fail "text: no device line"
	grep -qx "  listen port: $SRV_PORT" "$topo_tmp/srv.show" || fail "text: no listen port"
	grep -qx "  peer: client" "$topo_tmp/srv.show" || fail "text: no peer name"
	grep -qx "  state: attached" "$topo_tmp/srv.show" || fail "text: no state"
	grep -q "^  last handshake ms ago: [0-9]" "$topo_tmp/srv.show" ||
		fail "text: no last handshake"
	grep -q "^  rx bytes: [1-9]" "$topo_tmp/srv.show" || fail "text: no transfer"
	jshow cli jp0 | grep -q "^  path: .*  active$" || fail "client text: no active path"
	# docs/operations.md's jq line, as written there.
	filter=$(sed -n "s/^jumpctl show --json jp0 | jq -r '\(.*\)'$/\1/p" "$JP_REPO/docs/operations.md")
	[ -n "$filter" ] || fail "no jq example in docs/operations.md"
	jshow srv --json jp0 | jq -r "$filter" | grep -q '^client attached [1-9][0-9]*$' ||
		fail "docs/operations.md's jq example: $(jshow srv --json jp0 | jq -r "$filter")"
	# Every device, as a JSON list.
	assert_eq "show --json without a device" jp0 \
		"$(jshow srv --json | jq -r '.[0].ifname')"
}

metrics_file_case() {
	local f id before after n dev

	topo_setup
	jd_start_both
	pings_ok cli 5 -i 0.2 $SRV_IN4
	id=$(sess srv .id)
	mkdir "$topo_tmp/textfile"
	f=$topo_tmp/textfile/jumping.prom
	# Keepalives keep coming: the metric lies between two readings.
	before=$(sess srv .stats.rx_packets)
	metrics_file srv "$f" || fail "jumpctl metrics --output failed"
	after=$(sess srv .stats.rx_packets)
	promcheck "$f"
	n=$(sample "$f" jumping_session_receive_packets_total \
		"device=\"jp0\",session=\"$id\",peer=\"client\"")
	echo "rx packets: show $before, metrics $n, show $after"
	[ -n "$n" ] && [ "$n" -gt 0 ] && [ "$before" -le "$n" ] && [ "$n" -le "$after" ] ||
		fail "session rx packets: metrics '$n', show $before..$after"
	dev=$(sample "$f" jumping_device_receive_packets_total 'device="jp0"')
	# The device is read before its sessions: at least the first reading.
	[ -n "$dev" ] && [ "$dev" -ge "$before" ] ||
		fail "device rx packets '$dev' < the session's $before"
	assert_eq "jumpd up" 1 "$(sample "$f" jumping_jumpd_up 'device="jp0"')"
	assert_eq "state attached" 1 "$(sample "$f" jumping_session_state \
		"device=\"jp0\",session=\"$id\",peer=\"client\",state=\"attached\"")"
	test "$(sample "$f" jumping_session_state_changes_total \
		"device=\"jp0\",session=\"$id\",peer=\"client\",reason=\"handshake-done\"")" -ge 1 ||
		fail "no state change for handshake-done"
	grep -q '^jumping_session_handshake_age_seconds{device="jp0",session="'"$id"'",peer="client"} [0-9.]*$' "$f" ||
		fail "no handshake age"
	# Replaced whole: readable by the collector, no temporary file left.
	assert_eq "file mode" 644 "$(stat -c %a "$f")"
	assert_eq "files in the directory" 1 "$(find "$topo_tmp/textfile" -type f | wc -l)"
	# The client's paths: one active, each with an RTT once measured.
	wait_until 30 sh -c "ip netns exec $cli $JPCTL metrics --state-dir $topo_tmp/cli.state jp0 >$topo_tmp/cli.prom && grep -q '^jumping_path_rtt_seconds{' $topo_tmp/cli.prom" ||
		fail "client: no path RTT"
	promcheck "$topo_tmp/cli.prom"
	assert_eq "active paths" 1 "$(awk '/^jumping_path_active\{/ { s += $NF } END { print s }' "$topo_tmp/cli.prom")"
	grep '^jumping_path_' "$topo_tmp/cli.prom"
	# Only the kernel's part without a jumpd: still valid, jumpd_up 0.
	ip netns exec "$srv" "$JPCTL" metrics --state-dir /nonexistent >"$topo_tmp/nojd.prom"
	promcheck "$topo_tmp/nojd.prom"
	assert_eq "jumpd up without jumpd" 0 "$(sample "$topo_tmp/nojd.prom" jumping_jumpd_up 'device="jp0"')"
}

metrics_http_case() {
	local out slow TOPO_IFACE_EXTRA="MetricsListen = 127.0.0.1:$METRICS_PORT"

	topo_setup
	jd_start_both
	pings_ok cli 3 -i 0.2 $SRV_IN4
	http_get srv /metrics >"$topo_tmp/http.out" || fail "GET /metrics failed"
	assert_eq "status" 200 "$(head -n1 "$topo_tmp/http.out")"
	tail -n +2 "$topo_tmp/http.out" >"$topo_tmp/http.prom"
	promcheck "$topo_tmp/http.prom"
	assert_eq "jumpd up" 1 "$(sample "$topo_tmp/http.prom" jumping_jumpd_up 'device="jp0"')"
	grep -q '^jumping_session_receive_packets_total{device="jp0",session="[0-9]*",peer="client"} [1-9]' \
		"$topo_tmp/http.prom" || fail "/metrics: no session rx packets"
	# The same writer as jumpctl metrics: the same metric names (of the
	# kernel's counters: jumpd's by reason come with their first event).
	metrics_file srv "$topo_tmp/file.prom"
	assert_eq "metric names of /metrics and jumpctl metrics" \
		"$(grep '^# TYPE jumping_\(jumpd\|device\)_' "$topo_tmp/file.prom")" \
		"$(grep '^# TYPE jumping_\(jumpd\|device\)_' "$topo_tmp/http.prom")"
	out=$(http_get cli /metrics)
	echo "$out" | grep -q '^jumping_path_active{' || fail "client's /metrics: no paths"
	# docs/operations.md's scrape configuration is one Prometheus takes.
	awk '/^scrape_configs:/ { p = 1 } p && /^```/ { exit } p' \
		"$JP_REPO/docs/operations.md" >"$topo_tmp/prometheus.yml"
	grep -q 127.0.0.1:$METRICS_PORT "$topo_tmp/prometheus.yml" ||
		fail "no scrape configuration in docs/operations.md"
	out=$("$PROMTOOL" check config "$topo_tmp/prometheus.yml" 2>&1) ||
		fail "promtool check config: $out"
	assert_eq "another path" 404 "$(http_get srv /other | head -n1)"
	assert_eq "another method" 405 "$(http_get srv /metrics POST | head -n1)"
	# A client that sends nothing does not hold jumpd up.
	ip netns exec "$srv" "$PY" -c "import socket, time
s = [socket.create_connection(('127.0.0.1', $METRICS_PORT)) for _ in range(8)]
time.sleep(1)" &
	slow=$!
	assert_eq "status beside silent clients" 200 "$(http_get srv /metrics | head -n1)"
	wait "$slow"
	pings_ok cli 2 -i 0.2 $SRV_IN4
}

ktap_begin 3
jd_case "jumpctl show: peer name, endpoint, last handshake, paths, in text and JSON" \
	show_case
jd_case "jumpctl metrics --output: promtool passes, counters are the kernel's" \
	metrics_file_case
jd_case "jumpd /metrics (MetricsListen): promtool passes, same metrics, 404/405" \
	metrics_http_case
ktap_end
