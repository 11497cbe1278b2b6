#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# jumpd refuses secrets other users can read, before it touches the
# kernel (so this runs on the host): a PrivateKeyFile or PresharedKeyFile
# of mode 0644, and a config file holding a PrivateKey inline that is not
# 0600; the message names the file and never shows the key. The same for
# a [Cluster]'s ClusterKeyFile.
# usage: test_jumpd_secrets.sh JUMPD
jumpd=${1:?usage: test_jumpd_secrets.sh JUMPD}
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

key=kFZx1oN4Ra2Hq7sV3iYkz0C9eLbWd6Tj8uMpQn5rXyE=
pub=AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=
peer="[Peer]
PublicKey = $pub
AllowedIPs = 10.0.0.2/32"

# refused FILE WHAT: jumpd -c FILE exits 1 naming WHAT, without the key.
refused() {
	local out status
	out=$("$jumpd" -c "$1" -f --state-dir "$tmp/state" 2>&1)
	status=$?
	[ "$status" -eq 1 ] && grep -q "$2.*lets other users read a secret" <<<"$out" &&
		! grep -q "$key" <<<"$out"
	local r=$?
	[ $r -eq 0 ] || echo "# status $status: $out"
	return $r
}

printf '%s\n' "$key" >"$tmp/private.key"
chmod 644 "$tmp/private.key"
printf '[Interface]\nPrivateKeyFile = %s\n%s\n' "$tmp/private.key" "$peer" >"$tmp/a.conf"
refused "$tmp/a.conf" "$tmp/private.key"
ok $? "a PrivateKeyFile of mode 0644 is refused, named, not shown"

printf '[Interface]\nPrivateKey = %s\n%s\n' "$key" "$peer" >"$tmp/b.conf"
chmod 644 "$tmp/b.conf"
refused "$tmp/b.conf" "$tmp/b.conf"
ok $? "a config of mode 0644 with a PrivateKey inline is refused"

chmod 600 "$tmp/private.key"
printf '%s\n' "$key" >"$tmp/psk"
chmod 640 "$tmp/psk"
printf '[Interface]\nPrivateKeyFile = %s\n%s\nPresharedKeyFile = %s\n' \
	"$tmp/private.key" "$peer" "$tmp/psk" >"$tmp/c.conf"
refused "$tmp/c.conf" "$tmp/psk"
ok $? "a PresharedKeyFile of mode 0640 is refused"

# With the modes right, jumpd gets past the secrets (to the kernel, which
# the host has no module for: a different error, not this one).
chmod 600 "$tmp/psk" "$tmp/b.conf"
out=$("$jumpd" -c "$tmp/c.conf" -f --state-dir "$tmp/state" 2>&1)
! grep -q "lets other users read" <<<"$out"
ok $? "mode 0600: accepted"

# [Cluster]: its key file, read before the kernel is touched.
printf '%s\n' "$key" >"$tmp/cluster.key"
chmod 644 "$tmp/cluster.key"
printf '[Interface]\nPrivateKeyFile = %s\n[Cluster]\nEtcdEndpoints = http://127.0.0.1:1\nClusterName = c\nNodeName = n\nClusterKeyFile = %s\n%s\n' \
	"$tmp/private.key" "$tmp/cluster.key" "$peer" >"$tmp/d.conf"
refused "$tmp/d.conf" "$tmp/d.conf:3: ClusterKeyFile $tmp/cluster.key"
ok $? "a ClusterKeyFile of mode 0644 is refused, named at [Cluster]'s line"
chmod 600 "$tmp/cluster.key"
out=$("$jumpd" -c "$tmp/d.conf" -f --state-dir "$tmp/state" 2>&1)
! grep -q "lets other users read\|ClusterKeyFile" <<<"$out"
r=$?
[ $r -eq 0 ] || echo "# $out"
ok $r "a ClusterKeyFile of mode 0600: accepted"

# The state directory holds reattach keys: one open to others is refused.
mkdir -m 755 "$tmp/open"
out=$("$jumpd" -c "$tmp/c.conf" -f --state-dir "$tmp/open" 2>&1)
grep -q "state directory $tmp/open: must be a directory of this user with mode 0700" <<<"$out"
ok $? "a state directory of mode 0755 is refused"
ln -s "$tmp/state" "$tmp/link"
out=$("$jumpd" -c "$tmp/c.conf" -f --state-dir "$tmp/link" 2>&1)
grep -q "state directory $tmp/link: must be" <<<"$out"
ok $? "a state directory that is a symlink is refused"

echo "1..$n"
[ "$failed" -eq 0 ]
