// SPDX-License-Identifier: GPL-2.0
/* A session from SESSION_GET as a text/JSON record (session_show.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/jumping.h>
#include "jumping_policy.h"
#include "jumping_names.h"
#include "jumping_parse.h"
#include "session_show.h"
#include "stats.h"

/*
 * A binding nest's remote endpoint and local address, formatted; "" for
 * what it does not hold. -EPROTO if it does not parse.
 */
int format_binding(struct nlattr *nest, char remote[JP_ENDPOINT_STRLEN],
		   char local_buf[JP_ENDPOINT_STRLEN], uint32_t *ifindex)
{
	struct nlattr *tb[JUMPING_A_BINDING_MAX + 1];
	struct jp_endpoint ep = { 0 };
	struct jp_addr local = { 0 };

	remote[0] = local_buf[0] = '\0';
	*ifindex = 0;
	if (nla_parse_nested(tb, JUMPING_A_BINDING_MAX, nest,
			     jg_policy_binding))
		return -EPROTO;
	if (tb[JUMPING_A_BINDING_REMOTE_IPV4]) {
		ep.addr.family = AF_INET;
		nla_memcpy(&ep.addr.v4, tb[JUMPING_A_BINDING_REMOTE_IPV4], 4);
	} else if (tb[JUMPING_A_BINDING_REMOTE_IPV6]) {
		ep.addr.family = AF_INET6;
		nla_memcpy(&ep.addr.v6, tb[JUMPING_A_BINDING_REMOTE_IPV6], 16);
	}
	if (ep.addr.family && tb[JUMPING_A_BINDING_REMOTE_PORT]) {
		ep.port = ntohs(nla_get_u16(tb[JUMPING_A_BINDING_REMOTE_PORT]));
		format_endpoint(&ep, remote, JP_ENDPOINT_STRLEN);
	}
	if (tb[JUMPING_A_BINDING_LOCAL_IPV4]) {
		local.family = AF_INET;
		nla_memcpy(&local.v4, tb[JUMPING_A_BINDING_LOCAL_IPV4], 4);
	} else if (tb[JUMPING_A_BINDING_LOCAL_IPV6]) {
		local.family = AF_INET6;
		nla_memcpy(&local.v6, tb[JUMPING_A_BINDING_LOCAL_IPV6], 16);
	}
	if (local.family)
		format_addr(&local, local_buf, JP_ENDPOINT_STRLEN);
	if (tb[JUMPING_A_BINDING_IFINDEX])
		*ifindex = nla_get_u32(tb[JUMPING_A_BINDING_IFINDEX]);
	return 0;
}

static void out_binding(struct out *o, struct nlattr *nest)
{
	char remote[JP_ENDPOINT_STRLEN], local[JP_ENDPOINT_STRLEN];
	uint32_t ifindex;

	if (format_binding(nest, remote, local, &ifindex))
		return;
	if (remote[0])
		out_str(o, "remote", "remote", remote);
	if (local[0])
		out_str(o, "local", "local", local);
	if (ifindex)
		out_u64(o, "ifindex", "out interface", ifindex);
}

/* A reason code by name, or its number if this jumpctl does not know it. */
static void out_reason(struct out *o, const char *key, const char *label,
		       unsigned int reason)
{
	const char *name = reason_name(reason);

	if (name)
		out_str(o, key, label, name);
	else
		out_u64(o, key, label, reason);
}

/*
 * One past binding. JSON: a record; text: one line, newest first,
 * "192.0.2.2:51820 local 192.0.2.1, reattach-validated, 1500 ms ago".
 */
static void out_history(struct out *o, struct nlattr *nest)
{
	struct nlattr *tb[JUMPING_A_HISTORY_MAX + 1];
	char remote[JP_ENDPOINT_STRLEN], local[JP_ENDPOINT_STRLEN];
	char line[3 * JP_ENDPOINT_STRLEN + 64], why[24], oif[24] = "";
	const char *reason = NULL;
	unsigned long long age = 0;
	uint32_t ifindex;

	if (nla_parse_nested(tb, JUMPING_A_HISTORY_MAX, nest,
			     jg_policy_history) ||
	    !tb[JUMPING_A_HISTORY_BINDING] ||
	    format_binding(tb[JUMPING_A_HISTORY_BINDING], remote, local,
			   &ifindex))
		return;
	if (tb[JUMPING_A_HISTORY_AGE_MS])
		age = nla_get_u64(tb[JUMPING_A_HISTORY_AGE_MS]);
	if (o->mode == OUT_JSON) {
		out_record_begin(o, NULL);
		out_str(o, "remote", "remote", remote);
		if (local[0])
			out_str(o, "local", "local", local);
		if (ifindex)
			out_u64(o, "ifindex", "out interface", ifindex);
		if (tb[JUMPING_A_HISTORY_REASON])
			out_reason(o, "reason", "reason",
				   nla_get_u16(tb[JUMPING_A_HISTORY_REASON]));
		if (tb[JUMPING_A_HISTORY_AGE_MS])
			out_u64(o, "age_ms", "age ms", age);
		out_record_end(o);
		return;
	}
	if (tb[JUMPING_A_HISTORY_REASON]) {
		unsigned int r = nla_get_u16(tb[JUMPING_A_HISTORY_REASON]);

		reason = reason_name(r);
		if (!reason) {
			snprintf(why, sizeof(why), "reason %u", r);
			reason = why;
		}
	}
	if (ifindex)
		snprintf(oif, sizeof(oif), " oif %u", ifindex);
	snprintf(line, sizeof(line), "%s%s%s%s, %s, %llu ms ago", remote,
		 local[0] ? " local " : "", local, oif, reason ? reason : "-",
		 age);
	out_str(o, NULL, "binding history", line);
}

static void out_prefix(struct out *o, struct nlattr *nest)
{
	struct nlattr *tb[JUMPING_A_PREFIX_MAX + 1];
	char buf[JP_ENDPOINT_STRLEN];
	struct jp_prefix p = { 0 };

	if (nla_parse_nested(tb, JUMPING_A_PREFIX_MAX, nest, jg_policy_prefix) ||
	    !tb[JUMPING_A_PREFIX_LEN])
		return;
	if (tb[JUMPING_A_PREFIX_IPV4]) {
		p.addr.family = AF_INET;
		nla_memcpy(&p.addr.v4, tb[JUMPING_A_PREFIX_IPV4], 4);
	} else if (tb[JUMPING_A_PREFIX_IPV6]) {
		p.addr.family = AF_INET6;
		nla_memcpy(&p.addr.v6, tb[JUMPING_A_PREFIX_IPV6], 16);
	} else {
		return;
	}
	p.len = nla_get_u8(tb[JUMPING_A_PREFIX_LEN]);
	format_prefix(&p, buf, sizeof(buf));
	out_str(o, NULL, "allowed", buf);
}

/* A key slot as the kernel reports it: never the key bytes themselves. */
static void out_keyconf(struct out *o, struct nlattr *nest)
{
	struct nlattr *tb[JUMPING_A_KEYCONF_MAX + 1];
	const char *slot, *cipher;
	char key[32], label[48];
	unsigned int c;

	if (nla_parse_nested(tb, JUMPING_A_KEYCONF_MAX, nest,
			     jg_policy_keyconf) || !tb[JUMPING_A_KEYCONF_SLOT])
		return;
	slot = key_slot_name(nla_get_u8(tb[JUMPING_A_KEYCONF_SLOT]));
	if (!slot)
		return;
	snprintf(key, sizeof(key), "%s_key", slot);
	out_record_begin(o, key);
	if (tb[JUMPING_A_KEYCONF_KEY_ID]) {
		snprintf(label, sizeof(label), "%s key id", slot);
		out_u64(o, "key_id", label,
			nla_get_u8(tb[JUMPING_A_KEYCONF_KEY_ID]));
	}
	if (tb[JUMPING_A_KEYCONF_CIPHER]) {
		c = nla_get_u8(tb[JUMPING_A_KEYCONF_CIPHER]);
		cipher = cipher_name(c);
		snprintf(label, sizeof(label), "%s key cipher", slot);
		if (cipher)
			out_str(o, "cipher", label, cipher);
		else
			out_u64(o, "cipher", label, c);
	}
	out_record_end(o);
}

int out_session(struct out *o, struct nlattr *nest,
		const struct jd_status_session *jd)
{
	struct nlattr *tb[JUMPING_A_SESSION_MAX + 1];
	struct nlattr *pos;
	const char *name;
	int rem;

	if (nla_parse_nested(tb, JUMPING_A_SESSION_MAX, nest,
			     jg_policy_session) || !tb[JUMPING_A_SESSION_ID])
		return -EPROTO;

	out_record_begin(o, NULL);
	out_u64(o, "id", "session", nla_get_u32(tb[JUMPING_A_SESSION_ID]));
	/* jumpd's name for the peer, when jumpd answered. */
	if (jd && jd->peer[0])
		out_str(o, "peer", "peer", jd->peer);
	if (tb[JUMPING_A_SESSION_PEER_ID])
		out_u64(o, "peer_id", "peer id",
			nla_get_u32(tb[JUMPING_A_SESSION_PEER_ID]));
	if (tb[JUMPING_A_SESSION_STATE]) {
		unsigned int st = nla_get_u8(tb[JUMPING_A_SESSION_STATE]);

		name = state_name(st);
		if (name)
			out_str(o, "state", "state", name);
		else
			out_u64(o, "state", "state", st);
	}
	if (tb[JUMPING_A_SESSION_STATE_AGE_MS])
		out_u64(o, "state_age_ms", "time in state ms",
			nla_get_u64(tb[JUMPING_A_SESSION_STATE_AGE_MS]));
	if (tb[JUMPING_A_SESSION_REASON])
		out_reason(o, "reason", "last reason",
			   nla_get_u16(tb[JUMPING_A_SESSION_REASON]));
	if (tb[JUMPING_A_SESSION_BINDING])
		out_binding(o, tb[JUMPING_A_SESSION_BINDING]);
	if (jd)
		out_jd_session(o, jd);
	if (tb[JUMPING_A_SESSION_KEEPALIVE_MS])
		out_u64(o, "keepalive_ms", "keepalive ms",
			nla_get_u32(tb[JUMPING_A_SESSION_KEEPALIVE_MS]));
	/* Absent when nothing was ever received or sent. */
	if (tb[JUMPING_A_SESSION_RX_AGE_MS])
		out_u64(o, "rx_age_ms", "last rx ms ago",
			nla_get_u64(tb[JUMPING_A_SESSION_RX_AGE_MS]));
	if (tb[JUMPING_A_SESSION_TX_AGE_MS])
		out_u64(o, "tx_age_ms", "last tx ms ago",
			nla_get_u64(tb[JUMPING_A_SESSION_TX_AGE_MS]));
	if (tb[JUMPING_A_SESSION_SILENCE_MS])
		out_u64(o, "silence_ms", "silence ms",
			nla_get_u32(tb[JUMPING_A_SESSION_SILENCE_MS]));
	/* Only while sent packets go unanswered; silent once told so. */
	if (tb[JUMPING_A_SESSION_UNHEARD_MS])
		out_u64(o, "unheard_ms", "unheard for ms",
			nla_get_u64(tb[JUMPING_A_SESSION_UNHEARD_MS]));
	if (tb[JUMPING_A_SESSION_LIVENESS]) {
		unsigned int lv = nla_get_u8(tb[JUMPING_A_SESSION_LIVENESS]);

		name = liveness_name(lv);
		if (name)
			out_str(o, "liveness", "liveness", name);
		else
			out_u64(o, "liveness", "liveness", lv);
	}

	out_list_begin(o, "history");
	nla_for_each_nested(pos, nest, rem)
		if (nla_type(pos) == JUMPING_A_SESSION_HISTORY)
			out_history(o, pos);
	out_list_end(o);

	/* Only jumpd knows them: absent when it did not answer. */
	if (jd)
		out_paths(o, jd);

	/* Prefixes and key slots repeat: walk the nest rather than tb. */
	out_list_begin(o, "allowed");
	nla_for_each_nested(pos, nest, rem)
		if (nla_type(pos) == JUMPING_A_SESSION_PREFIX)
			out_prefix(o, pos);
	out_list_end(o);

	nla_for_each_nested(pos, nest, rem)
		if (nla_type(pos) == JUMPING_A_SESSION_KEYCONF)
			out_keyconf(o, pos);

	if (tb[JUMPING_A_SESSION_STATS] &&
	    out_stats(o, tb[JUMPING_A_SESSION_STATS]))
		return -EPROTO;
	out_record_end(o);
	return 0;
}

/* Grow the held nest to at least @need bytes. */
static int acc_reserve(struct session_acc *acc, size_t need)
{
	struct nlattr *n;
	size_t cap = acc->cap ? acc->cap : 4096;

	if (need <= acc->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	n = realloc(acc->nest, cap);
	if (!n)
		return -ENOMEM;
	acc->nest = n;
	acc->cap = cap;
	return 0;
}

int session_acc_add(struct session_acc *acc, const struct nlattr *nest)
{
	const struct nlattr *id, *pos;
	size_t len, add;
	int rem;

	id = nla_find(nla_data(nest), nla_len(nest), JUMPING_A_SESSION_ID);
	if (!id || nla_len(id) != (int)sizeof(uint32_t))
		return -EPROTO;
	if (!acc->nest) {
		len = nla_total_size(nla_len(nest));
		if (acc_reserve(acc, len))
			return -ENOMEM;
		memcpy(acc->nest, nest, nest->nla_len);
		acc->id = nla_get_u32((struct nlattr *)id);
		return 0;
	}
	if (nla_get_u32((struct nlattr *)id) != acc->id)
		return 1;
	/* A continuation: its prefixes go after what the nest holds. */
	nla_for_each_attr(pos, nla_data(nest), nla_len(nest), rem) {
		if (nla_type(pos) != JUMPING_A_SESSION_PREFIX)
			continue;
		len = NLA_ALIGN(acc->nest->nla_len);
		add = NLA_ALIGN(pos->nla_len);
		if (len + add > UINT16_MAX)
			return -E2BIG;
		if (acc_reserve(acc, len + add))
			return -ENOMEM;
		/* Pad the last attribute out, as netlink aligns them. */
		memset((char *)acc->nest + acc->nest->nla_len, 0,
		       len - acc->nest->nla_len);
		memcpy((char *)acc->nest + len, pos, pos->nla_len);
		memset((char *)acc->nest + len + pos->nla_len, 0,
		       add - pos->nla_len);
		acc->nest->nla_len = (uint16_t)(len + pos->nla_len);
	}
	return 0;
}

void session_acc_reset(struct session_acc *acc)
{
	free(acc->nest);
	memset(acc, 0, sizeof(*acc));
}
