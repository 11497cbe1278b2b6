#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The man pages (docs/man/): each renders without a single warning from
# man/groff, jumpd.conf(5) documents every key the parser knows
# (userspace/jumpd/config_keys.c) and docs/config.md lists, and jumpctl(8)
# every command of userspace/jumpctl/main.c.
# usage: test_man_pages.sh REPO
repo=${1:?usage: test_man_pages.sh REPO}
man=$repo/docs/man
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

for page in jumpctl.8 jumpd.8 jumpd.conf.5; do
	# Rendered to a throwaway stdout: whatever is left is a warning.
	warnings=$(MANWIDTH=80 man --warnings -E UTF-8 -l "$man/$page" 2>&1 >/dev/null)
	rc=$?
	[ -z "$warnings" ] || sed 's/^/#   /' <<<"$warnings"
	ok $((rc != 0 || ${#warnings} != 0)) "$page renders without warnings"
done

# The parser's table ({ "Key", SEC_...) and docs/config.md's tables.
keys=$( { sed -n 's/^[[:space:]]*{ "\([A-Za-z]*\)",[[:space:]]*SEC_.*/\1/p' \
		"$repo/userspace/jumpd/config_keys.c"
	  sed -n 's/^| \([A-Z][A-Za-z]*\) | .*/\1/p' "$repo/docs/config.md" |
		grep -vx Key; } | sort -u)
[ "$(wc -l <<<"$keys")" -ge 25 ]
ok $? "the config keys are found ($(wc -l <<<"$keys"))"
missing=
for key in $keys; do
	grep -q "^\.BI $key \" = " "$man/jumpd.conf.5" || missing+=" $key"
done
[ -z "$missing" ] || echo "#   not in jumpd.conf(5):$missing"
ok $((${#missing} != 0)) "jumpd.conf(5) documents every key"

# Commands: the verbs main() dispatches on, and the sub-verbs of the
# usage text ("  session add DEV ...").
verbs=$(sed -n 's/.*!strcmp(verb, "\([a-z]*\)").*/\1/p' "$repo/userspace/jumpctl/main.c" |
	grep -vx help)
subs=$(sed -n 's/^"  \([a-z]*\) \(add\|set\|del\|swap\) .*/\1 \2/p' \
	"$repo/userspace/jumpctl/main.c" | sort -u)
[ "$(wc -w <<<"$verbs")" -ge 8 ] && [ "$(wc -l <<<"$subs")" -ge 7 ]
ok $? "jumpctl's commands are found"
missing=
while read -r cmd; do
	[ -n "$cmd" ] || continue
	grep -q "^\.B $cmd\( \|$\)" "$man/jumpctl.8" || missing+=" '$cmd'"
done < <(printf '%s\n' $verbs metrics show; printf '%s\n' "$subs")
[ -z "$missing" ] || echo "#   not in jumpctl(8):$missing"
ok $((${#missing} != 0)) "jumpctl(8) documents every command"

echo "1..$n"
[ "$failed" -eq 0 ]
