#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Paths that keep changing under a stream:
# (f) the client's address changes every 2 s for 60 s (DHCP churn), behind
#     the NAT and without it;
# (g) both uplinks flap at random for 60 s, at least one up at any moment
#     (the seed is printed: ADV_SEED=N replays a run);
# (h) the NAT router forgets its mappings and moves to another port range
#     every 5 s for 30 s.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../jumpd/topo.sh"
source "$(dirname "$0")/lib.sh"

# uplinks_down N...: exactly these uplinks are dead (both ways) at the
# router; none: all up.
uplinks_down() {
	local n rules="flush chain ip jt block"

	for n in "$@"; do
		rules+=$'\n'"add rule ip jt block iifname cl$n drop"
		rules+=$'\n'"add rule ip jt block oifname cl$n drop"
	done
	in_rtr nft -f - <<<"$rules"
}

flapping() {
	local seed=${ADV_SEED:-$RANDOM} end state=both next changes=0
	# A move every few seconds can pass the default switch window (10
	# per 1m) in an unlucky run: this case's policy allows it.
	local TOPO_PEER_EXTRA="ReattachMaxPerWindow = 64"

	RANDOM=$seed
	adv_start
	echo "flapping for 60 s, seed $seed"
	end=$((SECONDS + 60))
	while [ "$SECONDS" -lt "$end" ]; do
		# Another state than now, never both down.
		case $state in
		both) next=$((RANDOM % 2)) ;;
		*) [ $((RANDOM % 2)) = 0 ] && next=both || next=$((1 - state)) ;;
		esac
		if [ "$next" = both ]; then
			uplinks_down
		else
			uplinks_down $((1 - next))
		fi
		state=$next changes=$((changes + 1))
		# The adversity's own pace, not a wait for a condition.
		sleep "$((1 + RANDOM % 3)).$((RANDOM % 10))"
	done
	uplinks_down
	echo "$changes changes of the working uplinks"
	adv_settled "(g) both uplinks flapping for 60 s"
}

nat_range() {	# nat_range FIRST: masquerade to FIRST..FIRST+999, mappings forgotten
	in_rtr nft -f - <<-EOF
	flush chain ip nat postrouting
	add rule ip nat postrouting iifname "cl*" oifname "sv0" meta l4proto udp masquerade to :$1-$(($1 + 999))
	add rule ip nat postrouting iifname "cl*" oifname "sv0" masquerade
	EOF
	in_rtr conntrack -F 2>/dev/null || true
}

nat_rebinding() {
	local i

	adv_start
	for i in 1 2 3 4 5 6; do
		nat_range $((20000 + (i % 2) * 10000))
		echo "NAT mappings forgotten, new range $((20000 + (i % 2) * 10000))- at $(date +%T.%3N)"
		sleep 5	# the adversity's pace
	done
	adv_settled "(h) NAT mapping changes every 5 s"
}

# dhcp_churn nat|direct: the client's uplink address changes every 2 s
# for 60 s, as a DHCP server on a flaky network might do; the client has
# no LocalAddress (the kernel picks the source). direct: no NAT, the
# server sees the client's own addresses.
dhcp_churn() {
	local mode=$1 end i=0 old=$UP0_CLI new
	# 30 moves a minute: past the default switch window (10 per 1m),
	# which would hold the session back by design; this case's policy
	# lets it follow (docs/config.md, ReattachMaxPerWindow).
	local TOPO_PEER_EXTRA="ReattachMaxPerWindow = 64"

	topo_setup
	sed -i '/^LocalAddress/d' "$topo_tmp/cli.conf"
	if [ "$mode" = direct ]; then
		in_rtr nft flush chain ip nat postrouting
		in_rtr conntrack -F 2>/dev/null || true
	fi
	# The new address takes over the prefix when the old one goes.
	in_cli sysctl -qw net.ipv4.conf.up0.promote_secondaries=1
	adv_ids=
	jd_start_both
	adv_ids=$(session_ids)
	adv_ended_srv=$(audit_count srv "$ended")
	stream_start 500000
	stream_wait_more 200000 60 || fail "the stream stalled at $(stream_bytes) bytes"
	end=$((SECONDS + 60))
	while [ "$SECONDS" -lt "$end" ]; do
		i=$((i + 1))
		new=198.51.100.$((3 + i % 12))
		ip -n "$cli" -b - <<-EOB
		addr add $new/28 dev up0
		addr del $old/28 dev up0
		route replace default via $UP0_RTR dev up0 metric 10
		EOB
		old=$new
		sleep 2	# the adversity's pace
	done
	echo "$i address changes on up0 ($mode)"
	adv_settled "(f) the client's address changes every 2 s for 60 s, $mode"
}

ktap_begin 4
jd_case "(f) the client's address changes every 2 s for 60 s behind the NAT: same session, stream intact" \
	dhcp_churn nat
jd_case "(f) the client's address changes every 2 s for 60 s, no NAT: same session, stream intact" \
	dhcp_churn direct
jd_case "(g) both uplinks flap at random for 60 s: same session, stream intact, one binding at the end" \
	flapping
jd_case "(h) the NAT mapping changes every 5 s for 30 s: same session, stream intact" \
	nat_rebinding
ktap_end
