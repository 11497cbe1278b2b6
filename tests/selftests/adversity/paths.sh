#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Paths that are slow, reordering, lossy and duplicating while the session
# has to move:
# (a) one uplink 20 ms RTT, the other 250 ms with 25% reordering; the
#     active one dies and the session moves to the slow one;
# (b) 20% loss and 5% duplication on both uplinks, both ways, while the
#     active uplink dies and the session moves.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../jumpd/topo.sh"
source "$(dirname "$0")/lib.sh"

delay_reorder() {
	local up other

	adv_start
	up=$(active_uplink) || fail "no active uplink"
	other=$((1 - up))
	netem "$up" delay 10ms
	netem "$other" delay 125ms reorder 25% 50%
	stream_wait_more 200000 60 || fail "the stream stalled under delay"
	echo "up$up: 20 ms RTT (active), up$other: 250 ms RTT, 25% reordered; up$up dies at $(date +%T.%3N)"
	ip -n "$cli" link set "up$up" down
	wait_audit 60 srv "$validated"
	adv_settled "(a) 20 ms / 250 ms + 25% reordering, active uplink dies"
}

loss_dup() {
	local up

	adv_start
	up=$(active_uplink) || fail "no active uplink"
	netem 0 loss 20% duplicate 5%
	netem 1 loss 20% duplicate 5%
	echo "20% loss, 5% duplication on both uplinks, both ways; up$up dies at $(date +%T.%3N)"
	ip -n "$cli" link set "up$up" down
	wait_audit 120 srv "$validated"
	wait_audit 120 cli "$validated"
	# Some of the stream crosses the new path under loss. Only a little
	# is asked for: with 20% loss each way a third of the inner TCP's
	# round trips fail, and its retransmission timer doubles at each
	# failure in a row, so a stall of a minute is TCP's doing, not ours.
	stream_wait_more 20000 240 || fail "the stream stalled under loss"
	# Loss has done its part (the move happened under it); the stream
	# then finishes at speed.
	netem $((1 - up)) delay 0ms
	adv_settled "(b) 20% loss + 5% duplication, active uplink dies"
}

ktap_begin 2
jd_case "(a) 20 ms and 250 ms uplinks, 25% reordering, the active one dies: same session, stream intact" \
	delay_reorder
jd_case "(b) 20% loss and 5% duplication on every path during a reattach: same session, stream intact" \
	loss_dup
ktap_end
