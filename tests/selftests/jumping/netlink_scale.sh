#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Netlink at scale: jumpctl -batch installs thousands of sessions (keys and
# bindings too) pipelined, and names the line the kernel refused; the
# SESSION_GET dump returns each session exactly once over many parts, also
# when sessions are deleted in the middle of it (then flagged interrupted);
# deleting a device sends one sessions-flushed event, not one per session;
# max_sessions_per_device refuses the session past it; and the batch
# example of docs/netlink.md runs as written.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/helpers.sh"

DUMPCHECK="$here/dumpcheck.py"
N=${JP_SCALE_SESSIONS:-3000}
KEY=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
KEY2=1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100

# batch_file N: session add for ids 1..N (remote 10.X.Y.Z), a key for
# every tenth, a binding set for every seventh, 200 prefixes each for the
# first 5 (so their dump messages continue over several).
batch_file() {
	local i j p
	for ((i = 1; i <= $1; i++)); do
		p=""
		if ((i <= 5)); then
			p=" allowed"
			for ((j = 0; j < 200; j++)); do
				p+=" 10.$i.$j.0/24"
			done
		fi
		echo "session add jp0 id $i peer-id $i remote 192.0.2.$((i % 250 + 1)):$((10000 + i))$p"
		((i % 10)) || echo "key add jp0 id $i slot primary key-id 0 cipher chacha20poly1305 enc-key $KEY dec-key $KEY2"
		((i % 7)) || echo "binding set jp0 id $i remote 198.51.100.1:$((20000 + i))"
	done
}

# setup_sessions N: a namespace with jp0 and sessions 1..N.
setup_sessions() {
	setup_ns ns
	ip -n "$ns" link add jp0 type jumping
	tmp=$(mktemp -d)
	batch_file "$1" >"$tmp/add"
	jpctl "$ns" -batch "$tmp/add" || fail "batch install failed"
	[ "$(session_count)" = "$1" ] || fail "expected $1 sessions, kernel has $(session_count)"
}

session_count() {
	jpctl "$ns" --json show jp0 | jq -r .session_count
}

batch_install() {
	local ns tmp json
	setup_sessions "$N"
	json=$(jpctl "$ns" --json show jp0)
	[ "$(jq -r '.sessions[] | select(.id == 10) | tostring | test("chacha20poly1305")' <<<"$json")" = true ] ||
		fail "session 10 has no key: $(jq -c '.sessions[] | select(.id == 10)' <<<"$json")"
	[ "$(jq -r '.sessions[] | select(.id == 7) | tostring | test("198.51.100.1:20007")' <<<"$json")" = true ] ||
		fail "session 7 has not its binding: $(jq -c '.sessions[] | select(.id == 7)' <<<"$json")"
	rm -rf "$tmp"
}

# A line the kernel refuses is named with its reason; the others apply.
batch_errors() {
	local ns tmp out rc=0
	setup_ns ns
	ip -n "$ns" link add jp0 type jumping
	tmp=$(mktemp -d)
	printf '%s\n' "# comment" "session add jp0 id 1 peer-id 1" \
		"session add jp0 id 1 peer-id 9" "" \
		"session add jp0 id 2 peer-id 2 allowed 10.0.0.0/24" \
		"session add jp0 id 3 peer-id 3 allowed 10.0.0.0/24" \
		"set jp0 control-rate 3" "session add jp0 id 4 peer-id 4" >"$tmp/b"
	out=$(jpctl "$ns" -batch "$tmp/b" 2>&1) || rc=$?
	[ "$rc" = 1 ] || fail "batch with refused lines exited $rc, want 1: $out"
	grep -q "batch line 3: session id already in use" <<<"$out" || fail "line 3 not named: $out"
	grep -q "batch line 6: prefix already owned by another session of this device: session 2" <<<"$out" ||
		fail "line 6 not named: $out"
	grep -q "batch line 7: integer out of range" <<<"$out" || fail "line 7 not named: $out"
	grep -q "3 lines failed" <<<"$out" || fail "no count: $out"
	[ "$(session_count)" = 3 ] || fail "sessions 1, 2 and 4 should be in: $(session_count)"
	[ "$(jpctl "$ns" --json show jp0 | jq -r '[.sessions[].id] | sort | join(",")')" = "1,2,4" ] ||
		fail "wrong sessions: $(jpctl "$ns" show jp0)"
	# A line that does not parse: nothing is sent at all.
	printf '%s\n' "session add jp0 id 5 peer-id 5" "session add jp0 id x peer-id 6" \
		"frobnicate" >"$tmp/bad"
	rc=0
	out=$(jpctl "$ns" -b - <"$tmp/bad" 2>&1) || rc=$?
	[ "$rc" = 2 ] || fail "unparsable batch exited $rc, want 2: $out"
	grep -q "batch line 2: id 'x' is not a session id" <<<"$out" || fail "line 2 not named: $out"
	grep -q "batch line 3: 'frobnicate' cannot be batched" <<<"$out" || fail "line 3 not named: $out"
	[ "$(session_count)" = 3 ] || fail "an unparsable batch applied something"
	rm -rf "$tmp"
}

# ids_once FILE: dumpcheck's output; the ids it lists, each once.
dump_each_once() {
	local ns tmp out
	setup_sessions "$N"
	out=$(in_ns "$ns" python3 "$DUMPCHECK" jp0)
	head -1 <<<"$out" | grep -Eq "^sessions $N unique $N intr 0 parts [0-9]+$" ||
		fail "dump: $(head -1 <<<"$out")"
	[ "$(head -1 <<<"$out" | awk '{print $NF}')" -gt 10 ] || fail "too few parts: $(head -1 <<<"$out")"
	[ "$(tail -n +2 <<<"$out" | sort -n | uniq | wc -l)" = "$N" ] || fail "ids missing"
	[ "$(tail -n +2 <<<"$out" | head -1)" = 1 ] || fail "dump does not start at session 1"
	rm -rf "$tmp"
}

# Deleted in the middle of the dump: every other session already sent,
# the one the dump stands at ($LAST: the part that resumes must find its
# successor without it, skipping what was sent), and some not reached yet.
# Every session never deleted comes exactly once; the dump says it was
# interrupted.
dump_with_deletes() {
	local ns tmp out gone i
	setup_sessions "$N"
	for ((i = N - 300; i <= N; i += 3)); do echo "$i"; done >"$tmp/ahead"
	cat >"$tmp/pause.sh" <<-END
		{ seq 1 2 "\$LAST"; echo "\$LAST"; cat "$tmp/ahead"; } | sort -nu >"$tmp/gone"
		sed 's/^/session del jp0 id /' "$tmp/gone" | "$JPCTL" -batch -
	END
	out=$(in_ns "$ns" python3 "$DUMPCHECK" jp0 --pause-cmd "sh $tmp/pause.sh")
	head -1 <<<"$out" | grep -q "intr 1" || fail "dump not flagged interrupted: $(head -1 <<<"$out")"
	tail -n +2 <<<"$out" | sort -n >"$tmp/got"
	[ -z "$(uniq -d "$tmp/got")" ] || fail "sessions sent twice: $(uniq -d "$tmp/got" | head)"
	gone=$(wc -l <"$tmp/gone")
	[ "$gone" -gt 100 ] || fail "too few deleted: $gone"
	# Every session that was never deleted came.
	seq 1 "$N" | sort | comm -23 - <(sort "$tmp/gone") | sort -n >"$tmp/kept"
	[ -z "$(comm -23 <(sort "$tmp/kept") <(sort "$tmp/got"))" ] ||
		fail "sessions never deleted are missing: $(comm -23 <(sort "$tmp/kept") <(sort "$tmp/got") | head)"
	[ "$(session_count)" = $((N - gone)) ] || fail "count after deletes: $(session_count)"
	rm -rf "$tmp"
}

# Deleting the device: one sessions-flushed event with the count, and no
# session-del per session.
teardown_one_event() {
	local ns tmp mon
	setup_sessions "$N"
	in_ns "$ns" "$JPCTL" --json monitor >"$tmp/ev" 2>"$tmp/ev.err" &
	mon=$!
	wait_until 20 grep -q monitoring "$tmp/ev.err" || fail "monitor did not start"
	jpctl "$ns" session del jp0 id 1
	wait_until 20 grep -q '"session-del"' "$tmp/ev" || fail "no session-del for a deleted session"
	ip -n "$ns" link del jp0
	wait_until 60 grep -q '"sessions-flushed"' "$tmp/ev" || {
		kill "$mon"; fail "no sessions-flushed event: $(tail -3 "$tmp/ev")"; }
	kill "$mon"
	wait "$mon" 2>/dev/null || true
	[ "$(jq -c 'select(.event == "sessions-flushed") | [.dev, .sessions, .reason]' "$tmp/ev")" = \
	  "[\"jp0\",$((N - 1)),\"device-gone\"]" ] || fail "wrong event: $(grep flushed "$tmp/ev")"
	[ "$(grep -c '"session-del"' "$tmp/ev" || true)" = 1 ] ||
		fail "session-del events on teardown: $(grep -c '"session-del"' "$tmp/ev")"
	rm -rf "$tmp"
}

session_limit() {
	local ns param=/sys/module/jumping/parameters/max_sessions_per_device
	local old
	setup_ns ns
	ip -n "$ns" link add jp0 type jumping
	old=$(cat "$param")
	[ "$old" = 1048576 ] || fail "default max_sessions_per_device is $old"
	jpctl "$ns" session add jp0 id 1 peer-id 1
	jpctl "$ns" session add jp0 id 2 peer-id 2
	echo 2 >"$param"
	expect_fail "the device holds max_sessions_per_device sessions" \
		jpctl "$ns" session add jp0 id 3 peer-id 3
	jpctl "$ns" session del jp0 id 2
	jpctl "$ns" session add jp0 id 3 peer-id 3 || { echo "$old" >"$param"; fail "room again refused"; }
	echo "$old" >"$param"
	jpctl "$ns" session add jp0 id 4 peer-id 4
	[ "$(session_count)" = 3 ] || fail "count: $(session_count)"
}

# docs/netlink.md's batch example, as written, with the key files it names.
docs_batch_example() {
	local ns tmp json
	setup_ns ns
	ip -n "$ns" link add jp0 type jumping
	tmp=$(mktemp -d)
	awk '/^## Many requests at once/ { found = 1; next }
	     found && /^```/ { if (inside) exit; inside = 1; next }
	     inside' "$JP_REPO/docs/netlink.md" >"$tmp/example"
	[ -s "$tmp/example" ] || fail "docs/netlink.md's batch example not found"
	(umask 077; head -c 32 /dev/urandom | base64 >"$tmp/k1.enc"
	 head -c 32 /dev/urandom | base64 >"$tmp/k1.dec")
	(cd "$tmp" && jpctl "$ns" -batch example) ||
		fail "the example failed: $(cat "$tmp/example")"
	json=$(jpctl "$ns" --json show jp0)
	jq -e '.sessions[] | select(.id == 1001) | tostring |
	       test("198.51.100.7:51820") and test("chacha20poly1305")' \
		<<<"$json" >/dev/null ||
		fail "session 1001 is not what the example says: $json"
	rm -rf "$tmp"
}

ktap_begin 7
jp_load
run_case "jumpctl -batch installs $N sessions with keys and bindings" batch_install
run_case "jumpctl -batch names refused lines, applies the others; unparsable: nothing" batch_errors
run_case "SESSION_GET dump of $N sessions returns each once, over many parts" dump_each_once
run_case "dump with sessions deleted meanwhile: the others once, flagged interrupted" dump_with_deletes
run_case "device deletion sends one sessions-flushed event, no session-del each" teardown_one_event
run_case "max_sessions_per_device refuses the session past it" session_limit
run_case "docs/netlink.md's batch example runs as written" docs_batch_example
jp_unload
ktap_end
