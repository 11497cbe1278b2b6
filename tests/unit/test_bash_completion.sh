#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# jumpctl's bash completion (userspace/completion/jumpctl) completes the
# commands, their sub-commands and keywords, and the values of a keyword,
# as bash-completion calls it. No device is needed (none is listed).
# usage: test_bash_completion.sh REPO
repo=${1:?usage: test_bash_completion.sh REPO}
n=0 failed=0

# shellcheck source=/dev/null
source /usr/share/bash-completion/bash_completion || exit 1
# shellcheck source=/dev/null
source "$repo/userspace/completion/jumpctl" || exit 1

# completes "WORDS..." EXPECTED: the completion of the last word.
completes() {
	local got
	read -ra COMP_WORDS <<<"$1"
	[ "${1: -1}" = " " ] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$1
	COMP_POINT=${#1}
	COMPREPLY=()
	_jumpctl jumpctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	got="${COMPREPLY[*]}"
	n=$((n + 1))
	if [ "$got" = "$2" ]; then
		echo "ok $n - '$1' -> '$2'"
	else
		echo "not ok $n - '$1' -> '$2'"
		echo "#   got: '$got'"
		failed=$((failed + 1))
	fi
}

completes "jumpctl ses" "session"
completes "jumpctl m" "metrics monitor"
completes "jumpctl --json sh" "show"
completes "jumpctl session " "add set del"
completes "jumpctl key add jp0 id 5 sl" "slot"
completes "jumpctl key add jp0 id 5 slot " "primary secondary"
completes "jumpctl key add jp0 id 5 slot primary cipher a" "aes256gcm"
completes "jumpctl session set jp0 id 5 state rec" "recovering"
completes "jumpctl monitor -" "--control"
completes "jumpctl metrics -" "--output"
completes "jumpctl set jp0 listen" "listen-port"

echo "1..$n"
[ "$failed" -eq 0 ]
