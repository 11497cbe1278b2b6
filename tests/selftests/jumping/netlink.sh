#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# DEVICE_GET/DEVICE_SET through jumpctl, and every malformed request
# rejected with an extack message (or EPERM) and nothing changed: after
# each rejection both devices' settings and sockets are read back. Also:
# who may configure (CAP_NET_ADMIN over the netns, a container's root
# included) and KEY_NEW's refusal of key material reuse.
# Everything runs in a namespace of its own.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/helpers.sh"

# Two devices with known settings in a fresh namespace: jp0 listens on
# 40300 with fwmark 0x10, jp1 on 40301 with fwmark 0x20; d0 is a dummy.
setup_devices() {
	setup_ns ns
	ip -n "$ns" link add jp0 type jumping
	ip -n "$ns" link add jp1 type jumping
	ip -n "$ns" link add d0 type dummy
	jpctl "$ns" set jp0 listen-port 40300 fwmark 0x10
	jpctl "$ns" set jp1 listen-port 40301 fwmark 0x20
	unchanged
}

unchanged() {
	jp_expect_confs "$ns" "jp0 40300 16" "jp1 40301 32"
}

# reject MESSAGE COMMAND...: the request fails with MESSAGE and changes
# nothing.
reject() {
	expect_fail "$@"
	unchanged
}

round_trip() {
	local ns text json idx
	setup_ns ns
	ip -n "$ns" link add jp0 type jumping
	jp_expect_conf "$ns" jp0 0 0	# a new device: no port, no mark
	jpctl "$ns" set jp0 listen-port 40310 fwmark 0x1234abcd
	jp_expect_conf "$ns" jp0 40310 $((0x1234abcd))
	text=$(jpctl "$ns" show jp0)
	grep -qx "device: jp0" <<<"$text" || fail "text show lacks the device: $text"
	grep -qx "  listen port: 40310" <<<"$text" || fail "text show lacks the port: $text"
	grep -qx "  fwmark: 0x1234abcd" <<<"$text" || fail "text show lacks the mark: $text"
	# --json, read with a JSON parser: one device, and the dump's list.
	json=$(jpctl "$ns" --json show jp0)
	[ "$(jp_json .ifname <<<"$json")" = jp0 ] || fail "JSON ifname wrong: $json"
	[ "$(jp_json .listen_port <<<"$json")" = 40310 ] || fail "JSON listen_port wrong: $json"
	[ "$(jp_json .fwmark <<<"$json")" = $((0x1234abcd)) ] || fail "JSON fwmark wrong: $json"
	idx=$(jp_json .ifindex <<<"$json")
	json=$(jpctl "$ns" --json show)
	[ "$(jp_json '.[].ifname' <<<"$json")" = jp0 ] || fail "JSON dump wrong: $json"
	# The largest values fit.
	jpctl "$ns" set jp0 listen-port 65535 fwmark 0xffffffff
	jp_expect_conf "$ns" jp0 65535 4294967295
	# One setting at a time leaves the other alone.
	jpctl "$ns" set jp0 fwmark 7
	jp_expect_conf "$ns" jp0 65535 7
	jpctl "$ns" set jp0 listen-port 40311
	jp_expect_conf "$ns" jp0 40311 7
	jp_ports_free "$ns" 65535
	# Port 0 closes the socket.
	jpctl "$ns" set jp0 listen-port 0
	jp_expect_conf "$ns" jp0 0 7
	jp_ports_free "$ns" 40311
	# DEVICE_GET by ifindex and by name give the same answer.
	[ "$(nlraw "$ns" device_get ifindex:u32="$idx")" = \
	  "$(nlraw "$ns" device_get ifname:string=jp0)" ] ||
		fail "DEVICE_GET by ifindex $idx and by name differ"
	nlraw "$ns" device_get ifindex:u32="$idx" ifname:string=jp0 | grep -qx fwmark=7 ||
		fail "DEVICE_GET by matching ifindex and name failed"
}

unknown_device() {
	local ns
	setup_devices
	reject "jp9: no such jumping device" jpctl "$ns" set jp9 fwmark 1
	reject "jp9: no such jumping device" jpctl "$ns" show jp9
	reject "no such jumping device" nlraw "$ns" device_set ifindex:u32=4000 fwmark:u32=1
	reject "no such jumping device" nlraw "$ns" device_get ifindex:u32=4000
}

not_a_jumping_device() {
	local ns
	setup_devices
	reject "lo: not a jumping device" jpctl "$ns" set lo listen-port 40399
	reject "d0: not a jumping device" jpctl "$ns" set d0 fwmark 1
	reject "d0: not a jumping device" jpctl "$ns" show d0
	reject "not a jumping device" nlraw "$ns" device_set ifindex:u32=1 fwmark:u32=1
}

wrong_attribute_type() {
	local ns
	setup_devices
	# A u16 attribute sent as u32 or u8, a u32 as u16 or u64.
	reject "invalid attribute length" nlraw "$ns" device_set ifname:string=jp0 listen_port:u32=40399
	reject "invalid attribute length" nlraw "$ns" device_set ifname:string=jp0 listen_port:u8=9
	reject "invalid attribute length" nlraw "$ns" device_set ifname:string=jp0 fwmark:u16=1
	reject "invalid attribute length" nlraw "$ns" device_set ifname:string=jp0 fwmark:u64=1
	reject "invalid attribute length" nlraw "$ns" device_set ifindex:u16=1 fwmark:u32=1
	reject "invalid attribute length" nlraw "$ns" device_set ifindex:string=1 fwmark:u32=1
	# A name without its NUL, a flag where a number belongs.
	reject "EINVAL (errno 22): Attribute failed policy validation" nlraw "$ns" device_set ifname:binary=6a7030 fwmark:u32=1
	reject "EINVAL (errno 22): invalid attribute length" nlraw "$ns" device_set ifname:string=jp0 fwmark:flag=
}

out_of_range() {
	local ns
	setup_devices
	# jumpctl refuses to send these at all ...
	reject "listen-port '65536' is not a port" jpctl "$ns" set jp0 listen-port 65536
	reject "listen-port '-1' is not a port" jpctl "$ns" set jp0 listen-port -1
	reject "fwmark '0x100000000' is not a 32-bit number" jpctl "$ns" set jp0 fwmark 0x100000000
	# ... so send them raw: a port above 65535 only fits a u32.
	reject "invalid attribute length" nlraw "$ns" device_set ifname:string=jp0 listen_port:u32=65536
	reject "integer out of range" nlraw "$ns" device_set ifindex:u32=0 fwmark:u32=1
	reject "EINVAL (errno 22): Attribute failed policy validation" nlraw "$ns" device_set ifname:string=jp0123456789abcdef fwmark:u32=1
	# A port another device holds cannot be taken; the mark sent with
	# it is not applied either.
	reject "jp1: jumping: cannot bind" jpctl "$ns" set jp1 listen-port 40300 fwmark 0x99
}

missing_attribute() {
	local ns
	setup_devices
	reject "device required" nlraw "$ns" device_set listen_port:u16=40399 fwmark:u32=1
	reject "[missing attribute ifindex]" nlraw "$ns" device_set fwmark:u32=1
	reject "device required" nlraw "$ns" device_get
	reject "nothing to set" nlraw "$ns" device_set ifname:string=jp0
	reject "give listen-port, fwmark and/or control-rate" jpctl "$ns" set jp0
}

unexpected_attribute() {
	local ns
	setup_devices
	# Attributes DEVICE_SET does not take, known and unknown to the family.
	reject "Unsupported attribute" nlraw "$ns" device_set ifname:string=jp0 session:binary= fwmark:u32=1
	reject "Unsupported attribute" nlraw "$ns" device_set ifname:string=jp0 dev_stats:binary= fwmark:u32=1
	reject "Unknown attribute type" nlraw "$ns" device_set ifname:string=jp0 999:u32=1 fwmark:u32=1
	# Device selectors that disagree.
	reject "name different devices" nlraw "$ns" device_set ifindex:u32=1 ifname:string=jp0 fwmark:u32=1
	# A command the family lacks.
	reject "EOPNOTSUPP" nlraw "$ns" 200 ifname:string=jp0
}

# denied NS SETPRIV_OPTION...: every request, run through setpriv with
# these options, fails with EPERM and changes nothing.
denied() {
	local ns=$1
	shift
	reject "jp0: Operation not permitted" \
		ip netns exec "$ns" setpriv "$@" "$JPCTL" set jp0 listen-port 40399 fwmark 1
	reject "show: Operation not permitted" \
		ip netns exec "$ns" setpriv "$@" "$JPCTL" show
	reject "EPERM (errno 1)" \
		ip netns exec "$ns" setpriv "$@" "$NLRAW" device_set ifname:string=jp0 fwmark:u32=1
	reject "EPERM (errno 1)" \
		ip netns exec "$ns" setpriv "$@" "$NLRAW" --dump device_get
}

without_cap_net_admin() {
	local ns
	command -v setpriv >/dev/null || skip "setpriv (util-linux) not installed"
	setup_devices
	# nobody with no capabilities at all
	denied "$ns" --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all
	# root with every capability but CAP_NET_ADMIN
	denied "$ns" --inh-caps=-net_admin --bounding-set=-net_admin
}

# The root of a user namespace owns the netns it creates: it configures
# the jumping devices there (GENL_UNS_ADMIN_PERM), and only there.
container_root() {
	local ns out
	command -v unshare >/dev/null || skip "unshare (util-linux) not installed"
	setup_devices
	# In a netns the init user namespace owns, a user namespace's root
	# has no CAP_NET_ADMIN that counts.
	reject "jp0: Operation not permitted" \
		ip netns exec "$ns" unshare --user --map-root-user \
		"$JPCTL" set jp0 listen-port 40399 fwmark 1
	reject "EPERM (errno 1)" \
		ip netns exec "$ns" unshare --user --map-root-user \
		"$NLRAW" device_get ifname:string=jp0
	# In the netns it owns: create, configure, read back, delete.
	out=$(unshare --user --map-root-user --net sh -c '
		set -e
		ip link add jp0 type jumping
		"$1" set jp0 listen-port 40320 fwmark 0x5
		"$1" show jp0
		ip link del jp0' sh "$JPCTL" 2>&1) ||
		fail "a user namespace's root cannot configure its own device: $out"
	grep -qx "  listen port: 40320" <<<"$out" || fail "port not set: $out"
	grep -qx "  fwmark: 0x5" <<<"$out" || fail "fwmark not set: $out"
}

# key_ids NS: "PRIMARY SECONDARY" key ids of session 100 on jp0 (- if none).
key_ids() {
	jpctl "$1" --json show jp0 | jq -r '.sessions[] | select(.id == 100) |
		"\(.primary_key.key_id // "-") \(.secondary_key.key_id // "-")"'
}

# key_add NS SLOT KEY_ID ENC DEC: KEY_NEW for session 100 on jp0.
key_add() {
	jpctl "$1" key add jp0 id 100 slot "$2" key-id "$3" \
		cipher chacha20poly1305 enc-key "$4" dec-key "$5"
}

# KEY_NEW never lets a counter or replay window start afresh under key
# material in use: not one key for both directions, not material a slot
# of the session holds (in either direction, in either slot, the one a
# key would replace included). A refused key changes nothing.
key_material_reuse() {
	local ns a b c d e f
	setup_ns ns
	ip -n "$ns" link add jp0 type jumping
	jpctl "$ns" session add jp0 id 100 peer-id 200
	a=$(printf 'a%.0s' {1..64}) b=$(printf 'b%.0s' {1..64})
	c=$(printf 'c%.0s' {1..64}) d=$(printf 'd%.0s' {1..64})
	e=$(printf 'e%.0s' {1..64}) f=$(printf 'f%.0s' {1..64})
	expect_fail "encrypt and decrypt key are the same" \
		key_add "$ns" primary 0 "$a" "$a"
	assert_key_ids "$ns" "- -"
	key_add "$ns" primary 0 "$a" "$b"
	# The same material again into the live primary: its counter would
	# restart at 0.
	expect_fail "key material already in use by this session" \
		key_add "$ns" primary 1 "$a" "$b"
	expect_fail "key material already in use by this session" \
		key_add "$ns" primary 1 "$a" "$c"
	expect_fail "key material already in use by this session" \
		key_add "$ns" secondary 1 "$c" "$b"
	expect_fail "key material already in use by this session" \
		key_add "$ns" secondary 1 "$b" "$c"
	assert_key_ids "$ns" "0 -"
	key_add "$ns" secondary 1 "$c" "$d"
	expect_fail "key material already in use by this session" \
		key_add "$ns" secondary 2 "$c" "$e"
	jpctl "$ns" key swap jp0 id 100
	# The old primary, now secondary, cannot come back as a fresh key.
	expect_fail "key material already in use by this session" \
		key_add "$ns" primary 2 "$a" "$b"
	assert_key_ids "$ns" "1 0"
	# Fresh material replaces either slot.
	key_add "$ns" secondary 2 "$e" "$f"
	assert_key_ids "$ns" "1 2"
}

# The device's control budget: default, set, read back, bad values refused
# by the kernel's policy with nothing changed.
control_rate() {
	local ns
	setup_devices
	rate() { jpctl "$ns" --json show "$1" | jq -r .control_rate; }
	[ "$(rate jp0)" = 1000 ] || fail "default control rate: $(rate jp0)"
	jpctl "$ns" set jp0 control-rate 20000
	[ "$(rate jp0)" = 20000 ] || fail "control rate not set: $(rate jp0)"
	[ "$(rate jp1)" = 1000 ] || fail "the other device's rate moved: $(rate jp1)"
	jpctl "$ns" show jp0 | grep -qx "  control rate: 20000" || fail "text show lacks the rate"
	nlraw "$ns" device_get ifname:string=jp0 | grep -qx control_rate=20000 ||
		fail "DEVICE_GET lacks the rate"
	reject "integer out of range" jpctl "$ns" set jp0 control-rate 3
	reject "integer out of range" jpctl "$ns" set jp0 control-rate 100001
	reject "integer out of range" jpctl "$ns" set jp0 control-rate 0
	reject "control-rate 'fast' is not a number" jpctl "$ns" set jp0 control-rate fast
	reject "invalid attribute length" nlraw "$ns" device_set ifname:string=jp0 control_rate:u16=5000
	# A bad rate with a good mark: the request changes nothing.
	reject "integer out of range" jpctl "$ns" set jp0 fwmark 0x99 control-rate 3
	[ "$(rate jp0)" = 20000 ] || fail "a refused request changed the rate: $(rate jp0)"
	jpctl "$ns" set jp0 control-rate 4
	jpctl "$ns" set jp0 control-rate 100000
	[ "$(rate jp0)" = 100000 ] || fail "the bounds are not accepted: $(rate jp0)"
	jpctl "$ns" set jp0 control-rate 1000
}

# The settings in RTM_NEWLINK's IFLA_INFO_DATA (what ip -d link show
# gets), read raw from rtnetlink, then as ip prints them with the plugin
# (without it, ip prints none of a kind it does not know).
link_info() {
	local ns want got text plugin_dir=$JP_REPO/userspace/ip

	setup_ns ns
	ip -n "$ns" link add jp0 type jumping
	jpctl "$ns" set jp0 listen-port 40320 fwmark 0x42 control-rate 500
	jpctl "$ns" session add jp0 id 5 peer-id 6
	want=$(printf '%s\n' kind=jumping listen_port=40320 fwmark=66 \
		control_rate=500 session_count=1)
	got=$(ip netns exec "$ns" "$here/linkinfo.py" jp0)
	[ "$got" = "$want" ] || fail "IFLA_INFO_DATA: expected '$want', got '$got'"
	# Read at the time of the request, not cached at creation.
	jpctl "$ns" set jp0 listen-port 0
	jpctl "$ns" session del jp0 id 5
	ip netns exec "$ns" "$here/linkinfo.py" jp0 | grep -qx listen_port=0 ||
		fail "the closed port is not reported"
	ip netns exec "$ns" "$here/linkinfo.py" jp0 | grep -qx session_count=0 ||
		fail "the deleted session is still counted"
	[ "$(ip -n "$ns" -d -j link show jp0 | jq -r '.[0].linkinfo.info_kind')" = jumping ] ||
		fail "ip -d -j link show: not a jumping link"
	# With the plugin (userspace/ip), ip itself prints them.
	[ -f "$plugin_dir/link_jumping.so" ] ||
		fail "no $plugin_dir/link_jumping.so: run 'make userspace' first"
	jpctl "$ns" set jp0 listen-port 40321
	text=$(IP_LIB_DIR=$plugin_dir ip -n "$ns" -d link show jp0)
	grep -q "jumping listen-port 40321 fwmark 0x42 control-rate 500 sessions 0" <<<"$text" ||
		fail "ip -d link show with the plugin: $text"
	got=$(IP_LIB_DIR=$plugin_dir ip -n "$ns" -d -j link show jp0 |
		jq -c '.[0].linkinfo.info_data')
	[ "$got" = '{"listen_port":40321,"fwmark":66,"control_rate":500,"session_count":0}' ] ||
		fail "ip -d -j link show with the plugin: $got"
}

assert_key_ids() {
	local got
	got=$(key_ids "$1")
	[ "$got" = "$2" ] || fail "key ids (primary secondary): expected '$2', got '$got'"
}

ktap_begin 12
jp_load
run_case "DEVICE_GET/DEVICE_SET round trip through jumpctl" round_trip
run_case "unknown device rejected, nothing changed" unknown_device
run_case "non-jumping device (lo, dummy) rejected, nothing changed" not_a_jumping_device
run_case "wrong attribute types rejected, nothing changed" wrong_attribute_type
run_case "out-of-range values rejected, nothing changed" out_of_range
run_case "missing device attribute or nothing to set rejected" missing_attribute
run_case "attributes DEVICE_SET does not take rejected" unexpected_attribute
run_case "caller without CAP_NET_ADMIN gets EPERM, nothing changed" without_cap_net_admin
run_case "a user namespace's root configures the devices of its own netns only" container_root
run_case "KEY_NEW refuses one key for both directions and material the session holds" key_material_reuse
run_case "control-rate: default 1000, set and read back, bad values refused" control_rate
run_case "ip -d link show's data: port, fwmark, control rate, sessions" link_info
jp_unload
ktap_end
