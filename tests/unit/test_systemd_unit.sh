#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# jumpd@.service passes `systemd-analyze verify` (no output at all: an
# unknown or misspelt key is only a warning there), for the template and
# an instance, and starts jumpd the way its man page says.
# usage: test_systemd_unit.sh REPO (userspace built: the unit names jumpd)
repo=${1:?usage: test_systemd_unit.sh REPO}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

ok() {	# ok COND_STATUS NAME
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

# verify checks that ExecStart's program exists and that the man pages
# of Documentation= open: the built jumpd, the pages of this tree.
mkdir -p "$tmp/man/man5" "$tmp/man/man8" "$tmp/unit"
cp "$repo"/docs/man/*.8 "$tmp/man/man8/"
cp "$repo"/docs/man/*.5 "$tmp/man/man5/"
unit=$tmp/unit/jumpd@.service
sed "s|@SBINDIR@|$repo/userspace/jumpd|g" "$repo/userspace/systemd/jumpd@.service.in" > "$unit"

for name in jumpd@.service jumpd@server.service; do
	out=$(cd "$tmp/unit" && MANPATH=$tmp/man systemd-analyze verify "$tmp/unit/$name" 2>&1)
	rc=$?
	[ -z "$out" ] || sed 's/^/#   /' <<<"$out"
	ok $((rc != 0 || ${#out} != 0)) "systemd-analyze verify $name"
done

grep -qx "ExecStart=$repo/userspace/jumpd/jumpd --foreground --config /etc/jumpd/%i.conf" "$unit"
ok $? "ExecStart runs jumpd in the foreground on /etc/jumpd/%i.conf"
grep -qx 'Type=notify' "$unit" && grep -qx 'CapabilityBoundingSet=CAP_NET_ADMIN' "$unit" &&
	grep -qx 'RuntimeDirectory=jumpd' "$unit" && grep -qx 'RuntimeDirectoryMode=0700' "$unit"
ok $? "Type=notify, CAP_NET_ADMIN only, /run/jumpd 0700 as jumpd demands"

echo "1..$n"
[ "$failed" -eq 0 ]
