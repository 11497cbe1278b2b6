// SPDX-License-Identifier: GPL-2.0
/* jumpd's readers of kernel replies and notifications (kernel_parse.h). */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <netlink/genl/genl.h>
#include "jumping_policy.h"
#include "kernel_parse.h"

void jk_parse_binding(struct nlattr *nest, struct jp_binding *remote,
		      struct jp_binding *local)
{
	struct nlattr *tb[JUMPING_A_BINDING_MAX + 1];

	memset(remote, 0, sizeof(*remote));
	memset(local, 0, sizeof(*local));
	if (!nest || nla_parse_nested(tb, JUMPING_A_BINDING_MAX, nest,
				      jg_policy_binding))
		return;
	if (tb[JUMPING_A_BINDING_REMOTE_IPV4]) {
		remote->family = AF_INET;
		memcpy(remote->addr, nla_data(tb[JUMPING_A_BINDING_REMOTE_IPV4]), 4);
	} else if (tb[JUMPING_A_BINDING_REMOTE_IPV6]) {
		remote->family = AF_INET6;
		memcpy(remote->addr, nla_data(tb[JUMPING_A_BINDING_REMOTE_IPV6]), 16);
	}
	if (tb[JUMPING_A_BINDING_REMOTE_PORT])
		remote->port = ntohs(nla_get_u16(tb[JUMPING_A_BINDING_REMOTE_PORT]));
	if (tb[JUMPING_A_BINDING_LOCAL_IPV4]) {
		local->family = AF_INET;
		memcpy(local->addr, nla_data(tb[JUMPING_A_BINDING_LOCAL_IPV4]), 4);
	} else if (tb[JUMPING_A_BINDING_LOCAL_IPV6]) {
		local->family = AF_INET6;
		memcpy(local->addr, nla_data(tb[JUMPING_A_BINDING_LOCAL_IPV6]), 16);
	}
	if (tb[JUMPING_A_BINDING_IFINDEX])
		local->ifindex = nla_get_u32(tb[JUMPING_A_BINDING_IFINDEX]);
}

int jk_parse_session(struct nlattr *nest, struct jk_session *s)
{
	struct nlattr *tb[JUMPING_A_SESSION_MAX + 1];
	struct nlattr *st[JUMPING_A_STATS_MAX + 1];
	struct jp_binding unused;

	memset(s, 0, sizeof(*s));
	if (!nest || nla_parse_nested(tb, JUMPING_A_SESSION_MAX, nest,
				      jg_policy_session) ||
	    !tb[JUMPING_A_SESSION_ID])
		return -EPROTO;
	s->id = nla_get_u32(tb[JUMPING_A_SESSION_ID]);
	if (tb[JUMPING_A_SESSION_PEER_ID])
		s->peer_id = nla_get_u32(tb[JUMPING_A_SESSION_PEER_ID]);
	if (tb[JUMPING_A_SESSION_STATE]) {
		s->has_state = true;
		s->state = nla_get_u8(tb[JUMPING_A_SESSION_STATE]);
	}
	if (tb[JUMPING_A_SESSION_OLD_STATE])
		s->old_state = nla_get_u8(tb[JUMPING_A_SESSION_OLD_STATE]);
	if (tb[JUMPING_A_SESSION_REASON])
		s->reason = nla_get_u16(tb[JUMPING_A_SESSION_REASON]);
	if (tb[JUMPING_A_SESSION_RX_AGE_MS]) {
		s->has_rx_age = true;
		s->rx_age_ms = nla_get_u64(tb[JUMPING_A_SESSION_RX_AGE_MS]);
	}
	if (tb[JUMPING_A_SESSION_TX_AGE_MS]) {
		s->has_tx_age = true;
		s->tx_age_ms = nla_get_u64(tb[JUMPING_A_SESSION_TX_AGE_MS]);
	}
	if (tb[JUMPING_A_SESSION_SILENCE_MS])
		s->silence_ms = nla_get_u32(tb[JUMPING_A_SESSION_SILENCE_MS]);
	if (tb[JUMPING_A_SESSION_LIVENESS])
		s->liveness = nla_get_u8(tb[JUMPING_A_SESSION_LIVENESS]);
	if (tb[JUMPING_A_SESSION_UNHEARD_MS]) {
		s->has_unheard = true;
		s->unheard_ms = nla_get_u64(tb[JUMPING_A_SESSION_UNHEARD_MS]);
	}
	jk_parse_binding(tb[JUMPING_A_SESSION_BINDING], &s->remote, &s->local);
	if (tb[JUMPING_A_SESSION_SOURCE])
		jk_parse_binding(tb[JUMPING_A_SESSION_SOURCE], &s->remote,
				 &unused);
	if (tb[JUMPING_A_SESSION_STATS] &&
	    !nla_parse_nested(st, JUMPING_A_STATS_MAX,
			      tb[JUMPING_A_SESSION_STATS], jg_policy_stats) &&
	    st[JUMPING_A_STATS_RX_PACKETS])
		s->rx_packets = nla_get_u64(st[JUMPING_A_STATS_RX_PACKETS]);
	return 0;
}

int jk_parse_event(struct nlmsghdr *nlh, struct jk_event *ev)
{
	struct nlattr *tb[JUMPING_A_MAX + 1];
	struct genlmsghdr *gh;

	/* Checks the generic header is there before we read its cmd. */
	if (genlmsg_parse(nlh, 0, tb, JUMPING_A_MAX, jg_policy_top) < 0)
		return -EPROTO;
	gh = nlmsg_data(nlh);
	memset(ev, 0, sizeof(*ev));
	ev->cmd = gh->cmd;
	if (tb[JUMPING_A_IFINDEX])
		ev->ifindex = nla_get_u32(tb[JUMPING_A_IFINDEX]);
	if (tb[JUMPING_A_SESSION])
		jk_parse_session(tb[JUMPING_A_SESSION], &ev->s);
	if (tb[JUMPING_A_PACKET]) {
		ev->packet = nla_data(tb[JUMPING_A_PACKET]);
		ev->packet_len = (size_t)nla_len(tb[JUMPING_A_PACKET]);
	}
	if (tb[JUMPING_A_BINDING])
		jk_parse_binding(tb[JUMPING_A_BINDING], &ev->from, &ev->to);
	return 0;
}
