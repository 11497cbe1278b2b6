#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The data plane does not need jumpd: SIGKILL it mid-stream (the server's,
# or both) and the stream keeps flowing, past VolatileAfter and
# RecoveringAfter, on the kernel's keepalives. Restarted, jumpd adopts the
# session it finds in the kernel (audit: adopted), no new session, no
# reset: the stream finishes with the right checksum.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/topo.sh"

adopted='.reason == "adopted" or .event == "adopted"'

# restart SIDE...: SIGKILL jumpd on each SIDE, then start them again.
restart() {
	local ids side

	topo_setup
	jd_start_both
	ids=$(session_ids)
	stream_start
	stream_wait_more 500000 60 || fail "the stream stalled at $(stream_bytes) bytes"
	for side in "$@"; do
		jd_stop "$side" KILL
	done
	echo "jumpd killed on $* at $(date +%T.%3N), stream at $(stream_bytes) bytes"
	stream_wait_more 3000000 120 || fail "the stream stopped without jumpd at $(stream_bytes) bytes"
	echo "without jumpd: stream at $(stream_bytes) bytes at $(date +%T.%3N)"
	assert_eq "session ids without jumpd" "$ids" "$(session_ids)"
	for side in "$@"; do
		jd_start "$side"
	done
	for side in "$@"; do
		wait_audit 60 "$side" "$adopted"
	done
	wait_attached 30 || fail "not attached after the restart: client $(state cli), server $(state srv)"
	stream_wait_more 1000000 60 || fail "the stream stalled after the restart"
	stream_finish
	assert_eq "session ids after the restart" "$ids" "$(session_ids)"
	assert_eq "client sessions" 1 "$(session_count cli)"
	assert_eq "server sessions" 1 "$(session_count srv)"
	echo "stream: $stream_total bytes, same sha256 at both ends, no reset, gap $stream_gap ms"
	for side in "$@"; do
		audit "$side" "$adopted"
	done
}

# revoked: the operator removes the client's [Peer] and restarts the
# server's jumpd. The session it finds has no peer any more: deleted, and
# the audit log says why (at a48bab0 it stayed, unsupervised, forever).
revoked() {
	local srv_id

	topo_setup
	jd_start_both
	srv_id=$(show srv .id)
	jd_stop srv
	sed -i '/^\[Peer\]/,$d' "$topo_tmp/srv.conf"
	jd_start srv
	wait_audit 60 srv '.event == "deleted-peer-removed"'
	wait_until 30 eval '[ "$(session_count srv)" = 0 ]' ||
		fail "the revoked peer's session $srv_id is still in the kernel"
	audit srv '.event == "deleted-peer-removed"'
	assert_eq "the deleted session" "$srv_id" \
		"$(audit srv '.event == "deleted-peer-removed"' | jq -r .session)"
}

# old_state: a state file of an older jumpd (no version line, one
# reattach key for REATTACH and key confirm) cannot be used: the control
# keys of version 2 come from the data keys, which are not stored. The
# restarted server says why in its log, deletes the session
# (deleted-old-state), and the client's fallback handshake makes a new one.
old_state() {
	local srv_id f

	topo_setup
	jd_start_both
	srv_id=$(show srv .id)
	jd_stop srv
	f=$topo_tmp/srv.state/$srv_id.session
	[ -f "$f" ] || fail "no state file $f"
	grep -q '^version=2$' "$f" || fail "no version line in $f"
	sed -i '/^version=/d; /confirm_key=/d; /hs_initiator=/d' "$f"
	jd_start srv
	wait_audit 60 srv '.event == "deleted-old-state"'
	grep -q "version 1, this jumpd reads version 2" "$topo_tmp/srv.log" ||
		fail "the server did not say why it refused the state file"
	wait_until 120 eval '[ "$(show srv .id)" != "$srv_id" ] &&
		[ "$(show srv .id)" != null ]' ||
		fail "no new session after the old one was deleted"
	wait_attached 60 || fail "the new session is not attached on both sides"
	echo "session $srv_id deleted, new session $(show srv .id)"
}

ktap_begin 4
jd_case "server's jumpd SIGKILLed mid-stream: traffic flows on; restarted, it adopts the session" \
	restart srv
jd_case "both jumpd SIGKILLed mid-stream: traffic flows on; restarted, both adopt the session" \
	restart srv cli
jd_case "a peer removed from the config: its session is deleted at restart, audited" \
	revoked
jd_case "a state file of an older jumpd: refused with a message, session deleted, a new one made" \
	old_state
ktap_end
