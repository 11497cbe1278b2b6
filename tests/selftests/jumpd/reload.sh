#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# SIGHUP on the server's jumpd, with a live session:
# - a changed AllowedIPs reaches the kernel's session (the session stays);
# - the audit log is reopened, so logrotate can move it away;
# - a file with an error changes nothing and names the file and the line.
# At a48bab0 a kept peer's AllowedIPs and the audit log were left as they
# were until a restart.
# Also: a peer of 250 AllowedIPs (8 KiB of IPv6 prefixes: more than a
# default-sized netlink request, and more than the 32 a peer could have)
# installed by SESSION_NEW and changed by SIGHUP, and a prefix given twice
# refused with its line.
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

allowed_count() {
	show srv '.allowed // [] | length'
}

many() {
	local ids i n

	topo_setup
	# 248 more /128s for the client, one line each (a line is at most
	# 4 KiB), besides the two topo.sh gives it.
	for ((i = 1; i <= 248; i++)); do
		printf 'AllowedIPs = fd99::%x/128\n' "$i"
	done >"$topo_tmp/more"
	sed -i "/^AllowedIPs = /r $topo_tmp/more" "$topo_tmp/srv.conf"
	jd_start_both
	assert_eq "prefixes of the server's session" 250 "$(allowed_count)"
	ids=$(session_ids)
	pings_ok cli 3 -i 0.2 $SRV_IN4
	echo "AllowedIPs = fd99::1000/128" >>"$topo_tmp/srv.conf"
	n=$(reloads)
	hup
	wait_until 30 eval '[ "$(reloads)" -gt "$n" ]' || fail "no reload"
	wait_until 30 eval '[ "$(allowed_count)" = 251 ]' ||
		fail "251 AllowedIPs after SIGHUP: $(allowed_count)"
	# One prefix twice: refused with its line, nothing changes.
	echo "AllowedIPs = fd99::7/128" >>"$topo_tmp/srv.conf"
	hup
	wait_until 30 grep -q "srv.conf:[0-9]*: AllowedIPs fd99::7/128 given twice for \[Peer\] 'client'" \
		"$topo_tmp/srv.log" || fail "the prefix given twice was not reported with its line"
	assert_eq "prefixes after a refused reload" 251 "$(allowed_count)"
	assert_eq "session ids" "$ids" "$(session_ids)"
	pings_ok cli 3 -i 0.2 $SRV_IN4
}

ktap_begin 2
jd_case "SIGHUP: AllowedIPs reach the live session, the audit log is reopened, a bad file changes nothing" \
	reload
jd_case "a peer of 250 AllowedIPs: installed, changed by SIGHUP, a prefix twice refused" \
	many
ktap_end
