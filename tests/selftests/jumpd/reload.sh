#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# SIGHUP on the server's jumpd, with a live session:
# - a changed AllowedIPs reaches the kernel's session (the session stays);
# - the audit log is reopened, so logrotate can move it away;
# - a file with an error changes nothing and names the file and the line.
# At a48bab0 a kept peer's AllowedIPs and the audit log were left as they
# were until a restart.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

EXTRA=10.99.0.0/24

hup() {
	kill -HUP "${jd_pid[srv]}"
}

allowed_has() {
	show srv '.allowed // [] | join(" ")' | grep -qw "$1"
}

reloads() {
	grep -c "reload: [0-9]* peers" "$topo_tmp/srv.log" || true
}

reload() {
	local ids n

	topo_setup
	jd_start_both
	ids=$(session_ids)
	# AllowedIPs grows by one prefix.
	sed -i "s|^AllowedIPs = .*|&, $EXTRA|" "$topo_tmp/srv.conf"
	hup
	wait_until 30 allowed_has "$EXTRA" ||
		fail "AllowedIPs after SIGHUP: $(show srv '.allowed')"
	echo "after SIGHUP the kernel's session allows: $(show srv '.allowed | join(" ")')"
	# logrotate: the log is moved, SIGHUP, jumpd writes a new one.
	mv "$topo_tmp/srv.audit" "$topo_tmp/srv.audit.1"
	n=$(reloads)
	hup
	wait_until 30 eval '[ "$(reloads)" -gt "$n" ]' || fail "no second reload"
	test -e "$topo_tmp/srv.audit" || fail "the audit log was not reopened"
	# A broken line: refused with its place, and nothing changes.
	echo "Bogus = 1" >>"$topo_tmp/srv.conf"
	sed -i "s|, $EXTRA||" "$topo_tmp/srv.conf"
	hup
	wait_until 30 grep -q "srv.conf:[0-9]*: unknown key 'Bogus'" "$topo_tmp/srv.log" ||
		fail "the bad line was not reported with its file and line"
	grep "unknown key 'Bogus'" "$topo_tmp/srv.log"
	allowed_has "$EXTRA" || fail "a file with errors changed AllowedIPs"
	assert_eq "session ids" "$ids" "$(session_ids)"
	pings_ok cli 3 -i 0.2 $SRV_IN4
}

ktap_begin 1
jd_case "SIGHUP: AllowedIPs reach the live session, the audit log is reopened, a bad file changes nothing" \
	reload
ktap_end
