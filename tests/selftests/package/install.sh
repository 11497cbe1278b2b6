#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The packaged path as an operator takes it, in the guest (whose root is
# a writable overlay of the host's: dkms and the kernel headers are the
# host's): dpkg -i the two packages of `make deb`, DKMS builds jumping.ko
# for the running kernel, modprobe loads that build, the unit file
# verifies as installed, and jumpd started exactly as jumpd@.service
# starts it (ExecStart, capabilities, NoNewPrivileges, its directories,
# NOTIFY_SOCKET and JOURNAL_STREAM as systemd sets them) says READY=1,
# brings up a session with a second jumpd in another namespace, reloads
# on ExecReload and logs with priorities.
source "$(dirname "$0")/../lib.sh"

DEBS=${JUMPING_DEBS:-$JP_REPO/tests/out/deb}
UNIT=/lib/systemd/system/jumpd@.service
INST=pkgtest	# the instance: jumpd@pkgtest, /etc/jumpd/pkgtest.conf
here=$(cd "$(dirname "$0")" && pwd)

install_packages() {
	local debs ver mod

	# DKMS builds against Debian's headers; the debug kernel has none.
	! jp_debug_kernel || skip "the packages are for Debian's kernel"
	# An earlier suite may have left the tree's build loaded.
	if jp_module_loaded; then
		rmmod jumping || fail "cannot unload the jumping module loaded before"
	fi
	debs=("$DEBS"/jumping-dkms_*_all.deb
	      "$DEBS"/jumping-tools_*_"$(dpkg --print-architecture)".deb)
	[ -f "${debs[0]}" ] && [ -f "${debs[1]}" ] ||
		fail "no packages in $DEBS: run make deb on the host first"
	# man-db's trigger would rebuild its index, minutes under TCG; the
	# guest's overlay forgets this.
	rm -f /var/lib/man-db/auto-update
	echo "dpkg -i ${debs[*]##*/} (DKMS builds the module: minutes under TCG)"
	if ! DEBIAN_FRONTEND=noninteractive dpkg -i "${debs[@]}"; then
		cat /var/lib/dkms/jumping/*/build/make.log 2>/dev/null | tail -40
		fail "dpkg -i failed"
	fi
	ver=$(dpkg-query -W -f='${Version}' jumping-dkms)
	dkms status -m jumping -v "$ver" -k "$(uname -r)"
	dkms status -m jumping -v "$ver" -k "$(uname -r)" | grep -q ': installed' ||
		fail "DKMS did not install jumping/$ver for $(uname -r)"
	mod=$(modinfo -n jumping) || fail "modinfo finds no jumping module"
	case $mod in
	*/updates/dkms/jumping.ko*) echo "module: $mod" ;;
	*) fail "modinfo -n jumping is $mod, not DKMS's build" ;;
	esac
}

load_module() {
	local mod

	! jp_debug_kernel || skip "the packages are for Debian's kernel"
	mod=$(modinfo -n jumping)
	modprobe --show-depends jumping | grep -q "insmod $mod" ||
		fail "modprobe would not load $mod"
	# modprobe loads from /lib/modules only, where DKMS's is the one.
	[ "$(find "/lib/modules/$(uname -r)" -name 'jumping.ko*' | wc -l)" -eq 1 ] ||
		fail "more than one jumping.ko under /lib/modules/$(uname -r)"
	modprobe jumping || fail "modprobe jumping failed"
	jp_module_loaded || fail "no /sys/module/jumping after modprobe"
}

verify_unit() {
	local out

	! jp_debug_kernel || skip "the packages are for Debian's kernel"
	[ -f "$UNIT" ] || fail "$UNIT not installed"
	# As installed: ExecStart's jumpd and the man pages must be there.
	out=$(systemd-analyze verify "jumpd@$INST.service" 2>&1) ||
		fail "systemd-analyze verify: $out"
	[ -z "$out" ] || fail "systemd-analyze verify warns: $out"
	man -w 8 jumpd >/dev/null && man -w 8 jumpctl >/dev/null &&
		man -w 5 jumpd.conf >/dev/null || fail "man pages not installed"
	[ -f /usr/share/bash-completion/completions/jumpctl ] ||
		fail "bash completion not installed"
	[ -f /usr/share/doc/jumping-tools/examples/server.conf ] ||
		fail "example configs not installed"
}

# unit_value KEY: the value of KEY= in the installed unit (the last one).
unit_value() {
	sed -n "s/^$1=//p" "$UNIT" | tail -n 1
}

# notified PATTERN [MIN]: the notifications so far hold PATTERN, MIN
# times (default 1).
notified() {
	local n
	n=$(grep -c -x -- "$1" "$tmp/notify" 2>/dev/null || true)
	[ "${n:-0}" -ge "${2:-1}" ]	# no file yet: no count at all
}

session_up() {
	wait_until 120 ip netns exec "$b" ping -n -q -c 1 -W 1 10.77.0.1 >/dev/null ||
		fail "no ping through the tunnel"
}

dev_exists() {	# dev_exists NS
	ip -n "$1" link show jp0 >/dev/null 2>&1
}

# Not local: the EXIT trap kills them after the function has returned, and
# a background process left running would hold run_case's pipe open.
srv_pid= cli_pid= notify_pid=

unit_session() {
	local exec_start exec_reload caps setpriv_args=() js rc pre

	! jp_debug_kernel || skip "the packages are for Debian's kernel"
	tmp=$(mktemp -d /tmp/jumping-pkg.XXXXXX)
	trap 'for p in $srv_pid $cli_pid $notify_pid; do kill $p 2>/dev/null; done
	      cleanup_ns; rm -rf "$tmp" /etc/jumpd/$INST.*' EXIT
	setup_ns a b
	ip link add veth0 netns "$a" type veth peer name veth0 netns "$b"
	ip -n "$a" addr add 192.0.2.1/24 dev veth0
	ip -n "$b" addr add 192.0.2.2/24 dev veth0
	ip -n "$a" link set veth0 up
	ip -n "$b" link set veth0 up

	# The operator's part: keys and /etc/jumpd/NAME.conf.
	mkdir -p -m 0700 /etc/jumpd
	(umask 077 && jumpctl genkey >/etc/jumpd/$INST.key && jumpctl genkey >"$tmp/cli.key")
	cat >/etc/jumpd/$INST.conf <<-EOF
	[Interface]
	PrivateKeyFile = /etc/jumpd/$INST.key
	ListenPort = 51820
	AuditLog = /var/log/jumpd/$INST.audit

	[Peer]
	Name = client
	PublicKey = $(jumpctl pubkey <"$tmp/cli.key")
	AllowedIPs = 10.77.0.2/32
	EOF
	mkdir -m 0700 "$tmp/cli.state"
	cat >"$tmp/cli.conf" <<-EOF
	[Interface]
	PrivateKeyFile = $tmp/cli.key

	[Peer]
	Name = server
	PublicKey = $(jumpctl pubkey </etc/jumpd/$INST.key)
	Endpoint = 192.0.2.1:51820
	AllowedIPs = 10.77.0.1/32
	EOF

	# systemd's part, read from the installed unit.
	[ "$(unit_value Type)" = notify ] || fail "the unit is not Type=notify"
	exec_start=$(unit_value ExecStart)
	exec_start=${exec_start//%i/$INST}
	exec_reload=$(unit_value ExecReload)
	echo "ExecStart: $exec_start"
	# ExecStartPre=+...: with full privileges, before the sandbox.
	while read -r pre; do
		pre=${pre#+}
		echo "ExecStartPre: $pre"
		$pre || fail "ExecStartPre failed: $pre"
	done < <(sed -n 's/^ExecStartPre=//p' "$UNIT")
	caps=$(unit_value CapabilityBoundingSet | tr 'A-Z' 'a-z')
	caps=${caps//cap_/+}
	setpriv_args+=(--bounding-set "-all,${caps// /,}")
	[ "$(unit_value NoNewPrivileges)" = yes ] && setpriv_args+=(--no-new-privs)
	rm -rf "/run/$(unit_value RuntimeDirectory)"
	mkdir -p -m "$(unit_value RuntimeDirectoryMode)" "/run/$(unit_value RuntimeDirectory)"
	mkdir -p -m "$(unit_value LogsDirectoryMode)" "/var/log/$(unit_value LogsDirectory)"
	"$here/notify.py" "$tmp/notify.sock" "$tmp/notify" &
	notify_pid=$!
	wait_until 30 notified LISTENING || fail "the notify listener did not start"
	: >"$tmp/srv.log"
	js=$(stat -c '%d:%i' "$tmp/srv.log")
	(umask "$(unit_value UMask)" &&
	 exec ip netns exec "$a" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		NOTIFY_SOCKET="$tmp/notify.sock" JOURNAL_STREAM="$js" \
		setpriv "${setpriv_args[@]}" -- $exec_start 2>>"$tmp/srv.log") &
	srv_pid=$!
	wait_until 120 notified READY=1 ||
		{ cat "$tmp/srv.log"; fail "no READY=1 from jumpd"; }
	sed -n 's/^STATUS=/status: /p' "$tmp/notify"
	notified 'STATUS=device jp0 port 51820: 1 peers, 0 sessions' ||
		fail "no STATUS= line naming the device and port"
	grep -q '^CapEff:[[:space:]]*0*1000$' /proc/$srv_pid/status ||
		fail "jumpd runs with $(grep CapEff /proc/$srv_pid/status), not CAP_NET_ADMIN alone"
	grep -q '^NoNewPrivs:[[:space:]]*1$' /proc/$srv_pid/status ||
		fail "jumpd runs without NoNewPrivs"
	dev_exists "$a" || fail "jumpd made no jp0"
	ip -n "$a" addr add 10.77.0.1/24 dev jp0

	ip netns exec "$b" jumpd -f -c "$tmp/cli.conf" --state-dir "$tmp/cli.state" \
		2>"$tmp/cli.log" &
	cli_pid=$!
	wait_until 60 dev_exists "$b" || { cat "$tmp/cli.log"; fail "client jumpd made no jp0"; }
	ip -n "$b" addr add 10.77.0.2/24 dev jp0
	session_up || { cat "$tmp/srv.log" "$tmp/cli.log"; false; }
	jq -c 'select(.event == "transition" and .new == "attached")' \
		"/var/log/jumpd/$INST.audit" | grep -q . ||
		fail "no attached transition in /var/log/jumpd/$INST.audit"
	[ -S "/run/jumpd/jp0.sock" ] || fail "no status socket in /run/jumpd"

	# systemctl reload: ExecReload with $MAINPID.
	exec_reload=${exec_reload//\$MAINPID/$srv_pid}
	$exec_reload || fail "ExecReload failed: $exec_reload"
	wait_until 60 notified READY=1 2 || fail "no READY=1 after the reload"
	notified RELOADING=1 || fail "no RELOADING=1 around the reload"
	[ "$(grep -n -x -m1 RELOADING=1 "$tmp/notify" | cut -d: -f1)" -lt \
	  "$(grep -n -x READY=1 "$tmp/notify" | tail -n 1 | cut -d: -f1)" ] ||
		fail "READY=1 did not follow RELOADING=1"
	ip netns exec "$b" ping -n -q -c 1 -W 5 10.77.0.1 >/dev/null ||
		fail "no ping after the reload"

	# systemctl stop: SIGTERM, STOPPING=1, exit 0.
	kill -TERM "$srv_pid"
	rc=0
	wait "$srv_pid" || rc=$?
	srv_pid=
	[ "$rc" -eq 0 ] || fail "jumpd exited $rc on SIGTERM"
	notified STOPPING=1 || fail "no STOPPING=1"

	# The journal's priorities: every line "<N>...", and no time stamp.
	head -n 5 "$tmp/srv.log"
	[ -s "$tmp/srv.log" ] || fail "jumpd logged nothing"
	! grep -qv '^<[0-7]>' "$tmp/srv.log" ||
		fail "a log line without its priority: $(grep -v '^<[0-7]>' "$tmp/srv.log" | head -n 1)"
	grep -q '^<6>device jp0' "$tmp/srv.log" || fail "no info line about the device"
}

# PKG_ONLY=FUNCTION runs that case alone (the packages already installed).
case_() {	# case_ NAME FUNCTION
	[ -z "${PKG_ONLY:-}" ] || [ "$PKG_ONLY" = "$2" ] || return 0
	run_case "$@"
}

ktap_begin "$([ -n "${PKG_ONLY:-}" ] && echo 1 || echo 4)"
case_ "dpkg -i jumping-dkms jumping-tools: DKMS builds jumping.ko for $(uname -r)" install_packages
case_ "modprobe jumping loads the DKMS build" load_module
case_ "jumpd@.service as installed: systemd-analyze verify, man pages, completion, examples" verify_unit
case_ "jumpd as jumpd@.service starts it: READY, a session, reload, stop, journal priorities" unit_session
ktap_end
