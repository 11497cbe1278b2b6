#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Multipath at default settings (docs/multipath.md): the client probes
# both uplinks, keeps the standby validated and leaves the active one on
# the policy's word, long before VolatileAfter (6 s). (a) The active
# uplink is blackholed mid-stream: the client moves to the validated
# standby (make before break, rx-silence) and the server follows on the
# SWITCH's token, without a challenge. (b) 30% loss on the active uplink:
# a move to the clean one; a third of every path's probes lost: DEGRADED
# (loss-high) while it lasts, then ATTACHED (loss-recovered). (c) The active
# uplink flaps every 3 s: moves stay within ReattachMaxPerWindow, the
# session lives and every byte arrives. (d) The preferred uplink comes
# back: after FailbackAfter of health the session returns (path-better).
# Each move is audited with its reason and the path table before and
# after. The stream's checksum is checked end to end every time.
source "$(dirname "$0")/../lib.sh"
# Default timers: only the path policy can move a session within 6 s.
TOPO_KEEPALIVE=2s TOPO_VOLATILE=6s TOPO_RECOVERING=15s TOPO_TTL=120s
source "$(dirname "$0")/topo.sh"

srv_validated='.event == "transition" and .new == "attached" and .reason == "reattach-validated"'

blackhole() {
	block iifname "cl$1" drop
	block oifname "cl$1" drop
}

# netem_loss N PCT: PCT% loss both ways on uplink N (0: none).
netem_loss() {
	if [ "$2" = 0 ]; then
		in_cli tc qdisc del dev "up$1" root 2>/dev/null || true
		in_rtr tc qdisc del dev "cl$1" root 2>/dev/null || true
		return 0
	fi
	in_cli tc qdisc replace dev "up$1" root netem loss "$2%"
	in_rtr tc qdisc replace dev "cl$1" root netem loss "$2%"
}

# start: both daemons, the session on the preferred uplink up0 (up; a
# first handshake answered on up1 fails back within FailbackAfter), the
# standby validated, and a stream under way.
start() {
	topo_setup
	jd_start_both
	ids=$(session_ids)
	up=$(active_uplink)
	if [ "$up" != 0 ]; then
		echo "the session began on up1: waiting for its fail-back to up0"
		wait_audit 90 cli '.event == "move" and .reason == "path-better"'
		up=$(active_uplink)
		assert_eq "uplink after the fail-back" 0 "$up"
	fi
	wait_until 30 standby_validated $((1 - up)) ||
		fail "no echo came back over the standby up$((1 - up))"
	stream_start
	stream_wait_more 500000 60 || fail "the stream stalled at $(stream_bytes) bytes"
	moves_before=$(audit_count cli '.event == "move"')
	cli_before=$(audit_count cli 'true')
	srv_before=$(audit_count srv 'true')
}

# new_move FILTER: a move line with FILTER after those of start.
new_move() {
	[ "$(audit cli ".event == \"move\" and ($1)" | wc -l)" -gt 0 ] &&
		[ "$(audit_count cli '.event == "move"')" -gt "$moves_before" ] &&
		audit cli '.event == "move"' | tail -n +$((moves_before + 1)) |
		jq -e "select($1)" >/dev/null
}

# wait_move SECONDS FILTER
wait_move() {
	wait_until "$1" new_move "$2" ||
		fail "no move with $2 within $1 s of the event"
}

# finish: the stream ends intact, in the same session, on uplink WANT.
finish() {
	local want=$1

	wait_attached 30 || fail "not attached on both sides"
	stream_wait_more 500000 120 || fail "the stream did not go on"
	stream_finish
	assert_eq "session ids" "$ids" "$(session_ids)"
	[ -z "$want" ] || assert_eq "uplink carrying the session" "$want" "$(active_uplink)"
	echo "stream: $stream_total bytes, same sha256 at both ends, no reset, gap $stream_gap ms"
	transitions cli | sed 's/^/client: /'
	transitions srv | sed 's/^/server: /'
}

# move_audited SIDE FILTER: the move line has the path tables, before
# with the old path active and after with the new one.
move_audited() {
	local line

	line=$(audit cli '.event == "move"' | tail -n +$((moves_before + 1)) |
		jq -c "select($1)" | head -n 1)
	[ -n "$line" ] || fail "no move line with $1"
	echo "move: $line" | cut -c1-400
	echo "$line" | jq -e '(.paths_before | length) == 2 and (.paths_after | length) == 2 and
		(.paths_before[] | select(.active) | .path) == .path_before and
		(.paths_after[] | select(.active) | .path) == .path_after and
		.path_before != .path_after' >/dev/null ||
		fail "the move line's path tables do not show the move: $line"
}

# since_start SIDE FILTER: audit lines with FILTER after those of start.
since_start() {
	local n

	n=$([ "$1" = cli ] && echo "$cli_before" || echo "$srv_before")
	audit "$1" 'true' | tail -n +$((n + 1)) | jq -c "select($2)" | wc -l
}

has_since_start() {
	[ "$(since_start "$1" "$2")" -gt 0 ]
}

# wait_since SECONDS SIDE FILTER
wait_since() {
	wait_until "$1" has_since_start "$2" "$3" ||
		fail "$2: no audit line with $3 within $1 s of the event"
}

blackhole_case() {
	local to paths

	start
	echo "blackhole up$up at $(date +%T.%3N)"
	blackhole "$up"
	wait_move 30 '.validated'
	move_audited '.validated'
	new_move '.reason == "rx-silence" or .reason == "loss-high"' ||
		fail "the move's reason is not rx-silence or loss-high"
	wait_since 30 srv "$srv_validated"
	# The policy moved, not VolatileAfter's silence.
	assert_eq "client transitions to volatile" 0 \
		"$(since_start cli '.event == "transition" and .new == "volatile"')"
	# The server took the SWITCH's token: no challenge.
	assert_eq "server reattach-requested transitions" 0 \
		"$(since_start srv '.reason == "reattach-requested"')"
	# jumpctl show lists jumpd's path table: both uplinks, the one the
	# session moved to active.
	to=$([ "$up" = 0 ] && echo "$UP1_CLI" || echo "$UP0_CLI")
	paths=$(in_cli "$JPCTL" show --json --state-dir "$topo_tmp/cli.state" jp0 |
		jq -c '.sessions[0].paths')
	echo "jumpctl show: paths $paths" | cut -c1-400
	echo "$paths" | jq -e --arg to "$SRV_OUT:$SRV_PORT via $to" \
		'length == 2 and ([.[] | select(.active)] | length) == 1 and
		 (.[] | select(.active) | .path) == $to' >/dev/null ||
		fail "jumpctl show: not 2 paths with the one via $to active: $paths"
	in_cli "$JPCTL" show --state-dir "$topo_tmp/cli.state" jp0 | grep '  path: ' || true
	finish $((1 - up))
}

# 30% loss both ways: the policy leaves the path, by loss-high or, as
# often, by its silence rule (with half the round trips lost, two probes
# in a silence go unanswered within a second or two).
loss_case() {
	start
	echo "30% loss on up$up at $(date +%T.%3N)"
	netem_loss "$up" 30
	wait_move 60 '.reason == "loss-high" or .reason == "rx-silence"'
	move_audited '.reason == "loss-high" or .reason == "rx-silence"'
	wait_since 30 srv "$srv_validated"
	finish $((1 - up))
	netem_loss "$up" 0
}

# standby_lossy: the client's standby path has lost a probe in its loss
# window of 16: over 5% lost (the leave threshold), it is not healthy
# (docs/multipath.md) and cannot be a clearly better path.
standby_lossy() {
	in_cli "$JPCTL" show --json --state-dir "$topo_tmp/cli.state" jp0 |
		jq -e '.sessions[0].paths[] | select(.active | not) |
			select(.loss_permille > 50)' >/dev/null
}

# drop_control N: 30% of uplink N's control datagrams lost both ways.
drop_control() {
	block iifname "cl$1" udp dport $SRV_PORT @th,64,8 == 4 numgen random mod 100 \< 30 drop
	block oifname "cl$1" udp sport $SRV_PORT @th,64,8 == 4 numgen random mod 100 \< 30 drop
}

# A third of both uplinks' control datagrams lost, data untouched: the
# probes' loss says the paths are bad, and no path is better. DEGRADED
# (loss-high) while it lasts, ATTACHED again (loss-recovered) after. The
# standby's drops begin first: its window still full of answers, it
# would be a better path for the second or two it takes to lose one
# (probed once a second), and the policy rightly moves there.
degraded_case() {
	start
	echo "30% of the standby up$((1 - up))'s control datagrams dropped at $(date +%T.%3N)"
	drop_control $((1 - up))
	wait_until 60 standby_lossy ||
		fail "the standby's probes lost nothing in 60 s"
	echo "30% of the active up$up's control datagrams dropped at $(date +%T.%3N)"
	drop_control "$up"
	wait_since 60 cli '.event == "transition" and .new == "degraded" and .reason == "loss-high"'
	echo "degraded at $(date +%T.%3N); the drops end"
	unblock
	wait_since 60 cli '.event == "transition" and .old == "degraded" and .new == "attached" and .reason == "loss-recovered"'
	assert_eq "moves while both paths lost probes" 0 "$(since_start cli '.event == "move"')"
	finish "$up"
}

flap_case() {
	local i moves max=10

	start
	echo "up$up flaps every 3 s from $(date +%T.%3N)"
	# The flapping's own rhythm (the stimulus), not a wait for a result.
	for i in 1 2 3 4; do
		blackhole "$up"
		sleep 3
		unblock
		sleep 3
	done
	finish ""
	moves=$(since_start cli '.event == "move"')
	echo "moves: $moves (ReattachMaxPerWindow $max)"
	[ "$moves" -ge 1 ] || fail "the flapping uplink never made the session move"
	[ "$moves" -le "$max" ] || fail "$moves moves, more than ReattachMaxPerWindow ($max)"
	assert_eq "server sessions" 1 "$(session_count srv)"
}

failback_case() {
	TOPO_PEER_EXTRA="FailbackAfter = 5s"
	start
	TOPO_PEER_EXTRA=
	blackhole 0
	wait_move 30 '.path_after == "'"$SRV_OUT:$SRV_PORT via $UP1_CLI"'"'
	echo "up0 back at $(date +%T.%3N)"
	unblock
	wait_move 60 '.reason == "path-better" and .path_after == "'"$SRV_OUT:$SRV_PORT via $UP0_CLI"'"'
	move_audited '.reason == "path-better"'
	finish 0
}

ktap_begin 5
jd_case "blackholed active uplink: validated standby taken, server follows the SWITCH without a challenge, stream intact" \
	blackhole_case
jd_case "30% loss on the active uplink: moved to the clean one (loss-high or rx-silence), stream intact" \
	loss_case
jd_case "a third of every path's probes lost, data untouched: degraded (loss-high), attached again (loss-recovered) once they pass" \
	degraded_case
jd_case "active uplink flapping every 3 s: moves within ReattachMaxPerWindow, same session, every byte delivered" \
	flap_case
jd_case "preferred uplink back: fail-back after FailbackAfter (path-better), stream intact" \
	failback_case
ktap_end
