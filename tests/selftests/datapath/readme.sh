#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The README's static tunnel, run as written: the device set-up of its
# "Building and loading" block and every line of the static-tunnel recipe, read
# from README.md itself, on host A; host B runs the mirror image the README
# asks for, made from A's lines (ids, addresses and key files swapped).
# The recipe's addresses (192.0.2.1, 192.0.2.2, 10.77.0.0/24) exist only
# in this test's two namespaces.
source "$(dirname "$0")/../lib.sh"

README=$JP_REPO/README.md
tmp=

# block_after PATTERN: the lines of the first ``` block after the first
# line matching PATTERN, a line ending in a backslash joined to the next.
block_after() {
	awk -v pat="$1" '
		!found && $0 ~ pat { found = 1; next }
		found && /^```/ { if (inside) exit; inside = 1; next }
		inside {
			if (sub(/\\$/, "")) { held = held $0; next }
			print held $0; held = ""
		}' "$README"
}

# mirror: host A's lines on stdin, host B's on stdout.
mirror() {
	sed -e 's/id 100 peer-id 200/id 200 peer-id 100/' \
	    -e 's/remote 192\.0\.2\.2:/remote 192.0.2.1:/' \
	    -e 's/allowed 10\.77\.0\.2\/32/allowed 10.77.0.1\/32/' \
	    -e 's/10\.77\.0\.1\/24/10.77.0.2\/24/' \
	    -e 's/id 100 slot/id 200 slot/' \
	    -e 's/enc-key-file a-to-b\.key dec-key-file b-to-a\.key/enc-key-file b-to-a.key dec-key-file a-to-b.key/'
}

# on NS LINE: one line of the README in NS, in the directory of the key
# files, with jumpctl on the PATH as the README assumes.
on() {
	ip netns exec "$1" env PATH="$tmp/bin:$PATH" \
		bash -ec "cd '$tmp' && $2" ||
		fail "README line failed in $1: $2"
}

readme_static_tunnel() {
	local a b line setup recipe host_a rest mon_rc=0

	setup_ns a b
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"; cleanup_ns' EXIT
	mkdir "$tmp/bin"
	ln -s "$JPCTL" "$tmp/bin/jumpctl"
	ip -n "$a" link add veth0 type veth peer name veth0 netns "$b"
	ip -n "$a" addr add 192.0.2.1/24 dev veth0
	ip -n "$b" addr add 192.0.2.2/24 dev veth0
	ip -n "$a" link set veth0 up
	ip -n "$b" link set veth0 up

	# From `ip link add` on: the lines before it install the module.
	setup=$(block_after '^## Building and loading' | sed -n '/^ip link add jp0 type jumping/,$p')
	recipe=$(block_after '^A static tunnel between two hosts')
	[ -n "$setup" ] && [ -n "$recipe" ] || fail "README blocks not found"
	# The recipe: key files (once), host A, then what A does afterwards.
	host_a=$(sed -n '/^# host A/,/^# host B/p' <<<"$recipe" | sed '1d;$d')
	rest=$(sed -n '/^# host B/,$p' <<<"$recipe" | sed '1d')
	[ -n "$host_a" ] && [ -n "$rest" ] || fail "the recipe's host sections not found"

	while IFS= read -r line; do
		on "$a" "$line"
		on "$b" "$line"
	done <<<"$setup"
	on "$a" "$(grep -m1 urandom <<<"$recipe")"	# the two key files, once
	while IFS= read -r line; do
		on "$a" "$line"
	done <<<"$host_a"
	while IFS= read -r line; do
		on "$b" "$line"
	done < <(mirror <<<"$host_a")

	wait_until 30 ip netns exec "$a" ping -c 1 -W 1 10.77.0.2 >/dev/null ||
		fail "no ping through the README's tunnel"
	ip netns exec "$b" ping -c 1 -W 5 10.77.0.1 >/dev/null ||
		fail "no ping back through the README's tunnel"

	while IFS= read -r line; do
		case $line in
		"jumpctl monitor"*)
			# Runs until killed: alive after 2 s is what it promises.
			ip netns exec "$a" timeout 2 "$JPCTL" monitor >/dev/null ||
				mon_rc=$?
			[ "$mon_rc" = 124 ] || fail "jumpctl monitor exited with $mon_rc"
			;;
		\#*|'') ;;
		*) on "$a" "$line" ;;
		esac
	done <<<"$rest"
	# The moved binding and the silence setting are what the recipe says.
	ip netns exec "$a" "$JPCTL" --json show jp0 |
		jq -e '.sessions[0] | .remote == "198.51.100.7:51820" and
		       .silence_ms == 300' >/dev/null ||
		fail "binding set did not move the session: $(ip netns exec "$a" "$JPCTL" show jp0)"
}

ktap_begin 1
jp_load
run_case "the README's static tunnel, as written, passes traffic" readme_static_tunnel
ktap_end
