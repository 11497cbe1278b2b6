// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: the session commands (SESSION_NEW/SET/DEL/GET and
 * BINDING_SET) and the session-deleted event. How a session is written
 * into messages: netlink_session_fill.c.
 *
 * The family's pre_doit finds the device, takes its conf_lock, checks that
 * the device is not being torn down and finds the session the request
 * names (JP_NL_* in the op's internal_flags); post_doit undoes it. Every
 * handler checks the whole request and builds what it will install
 * (binding, prefix set, session) before it changes anything: a rejected
 * request changes nothing. conf_lock serialises all writers of a device's
 * sessions, so the session pre_doit found stays in the table until
 * post_doit drops the lock.
 */
#include <linux/jumping.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/stringify.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "bind.h"
#include "crypto.h"
#include "device.h"
#include "netlink.h"
#include "session.h"
#include "silence.h"

static const struct nla_policy jp_prefix_policy[JUMPING_A_PREFIX_MAX + 1] = {
	[JUMPING_A_PREFIX_IPV4] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[JUMPING_A_PREFIX_IPV6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	/* Up to 128; an IPv4 prefix is checked against 32 by the handler. */
	[JUMPING_A_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

/*
 * u32 milliseconds, 0 = off: past what the policy's own s16 bounds hold,
 * so a range of its own (not const: this kernel's policy wants it so).
 */
static struct netlink_range_validation jp_keepalive_range = {
	.max = JP_KEEPALIVE_MAX_MS,
};

/* The same; 1 to JP_SILENCE_MIN_MS - 1 is refused by the handlers. */
static struct netlink_range_validation jp_silence_range = {
	.max = JP_SILENCE_MAX_MS,
};

#define JP_POLICY_REASON NLA_POLICY_MAX(NLA_U16, JUMPING_REASON_MAX)

/* SESSION_NEW: an id of 0 (or none) lets the kernel choose. */
static const struct nla_policy
jp_session_new_nest[JUMPING_A_SESSION_MAX + 1] = {
	[JUMPING_A_SESSION_ID] = { .type = NLA_U32 },
	[JUMPING_A_SESSION_PEER_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[JUMPING_A_SESSION_STATE] = NLA_POLICY_MAX(NLA_U8, JUMPING_STATE_MAX),
	[JUMPING_A_SESSION_REASON] = JP_POLICY_REASON,
	[JUMPING_A_SESSION_BINDING] = NLA_POLICY_NESTED(jp_binding_policy),
	[JUMPING_A_SESSION_PREFIX] = NLA_POLICY_NESTED(jp_prefix_policy),
	[JUMPING_A_SESSION_KEEPALIVE_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &jp_keepalive_range),
	[JUMPING_A_SESSION_SILENCE_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &jp_silence_range),
};

static const struct nla_policy
jp_session_set_nest[JUMPING_A_SESSION_MAX + 1] = {
	[JUMPING_A_SESSION_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[JUMPING_A_SESSION_PEER_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[JUMPING_A_SESSION_STATE] = NLA_POLICY_MAX(NLA_U8, JUMPING_STATE_MAX),
	[JUMPING_A_SESSION_REASON] = JP_POLICY_REASON,
	[JUMPING_A_SESSION_BINDING] = NLA_POLICY_NESTED(jp_binding_policy),
	[JUMPING_A_SESSION_PREFIX] = NLA_POLICY_NESTED(jp_prefix_policy),
	[JUMPING_A_SESSION_KEEPALIVE_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &jp_keepalive_range),
	[JUMPING_A_SESSION_SILENCE_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &jp_silence_range),
};

/* SESSION_DEL, SESSION_GET, KEY_SWAP: nothing but the id. */
const struct nla_policy jp_session_id_nest[JUMPING_A_SESSION_MAX + 1] = {
	[JUMPING_A_SESSION_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy
jp_session_binding_nest[JUMPING_A_SESSION_MAX + 1] = {
	[JUMPING_A_SESSION_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[JUMPING_A_SESSION_BINDING] = NLA_POLICY_NESTED(jp_binding_policy),
	[JUMPING_A_SESSION_REASON] = JP_POLICY_REASON,
};

const struct nla_policy jp_session_new_policy[JUMPING_A_MAX + 1] = {
	JP_POLICY_DEVICE_SELECT,
	[JUMPING_A_SESSION] = NLA_POLICY_NESTED(jp_session_new_nest),
};

const struct nla_policy jp_session_set_policy[JUMPING_A_MAX + 1] = {
	JP_POLICY_DEVICE_SELECT,
	[JUMPING_A_SESSION] = NLA_POLICY_NESTED(jp_session_set_nest),
};

const struct nla_policy jp_session_id_policy[JUMPING_A_MAX + 1] = {
	JP_POLICY_DEVICE_SELECT,
	[JUMPING_A_SESSION] = NLA_POLICY_NESTED(jp_session_id_nest),
};

const struct nla_policy jp_binding_set_policy[JUMPING_A_MAX + 1] = {
	JP_POLICY_DEVICE_SELECT,
	[JUMPING_A_SESSION] = NLA_POLICY_NESTED(jp_session_binding_nest),
};

/**
 * jp_nl_session_attrs - the request's JUMPING_A_SESSION nest, parsed
 * @info: the request, already validated against the op's policy
 * @policy: the nest's policy for this op
 * @maxtype: JUMPING_A_SESSION_MAX
 * @tb: filled in
 *
 * Return: 0, or -EINVAL with the extack set if the nest is missing.
 */
int jp_nl_session_attrs(struct genl_info *info,
			const struct nla_policy *policy, unsigned int maxtype,
			struct nlattr **tb)
{
	struct nlattr *nest = info->attrs[JUMPING_A_SESSION];

	if (!nest) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "session required: JUMPING_A_SESSION nest");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, JUMPING_A_SESSION);
		return -EINVAL;
	}
	return nla_parse_nested(tb, maxtype, nest, policy, info->extack);
}

#define JP_SILENCE_TOO_SHORT \
	"silence below " __stringify(JP_SILENCE_MIN_MS) \
	" ms is under the timer's resolution: 0 (off) or more"

/*
 * SILENCE_MS within the policy's range may still be under the timer's
 * resolution. Return: 0 or -EINVAL with the extack set.
 */
static int jp_nl_check_silence(struct nlattr **tb,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *attr = tb[JUMPING_A_SESSION_SILENCE_MS];
	u32 ms;

	if (!attr)
		return 0;
	ms = nla_get_u32(attr);
	if (ms && ms < JP_SILENCE_MIN_MS) {
		NL_SET_ERR_MSG_ATTR(extack, attr, JP_SILENCE_TOO_SHORT);
		return -EINVAL;
	}
	return 0;
}

/* The request's reason for what it changes; an operator's by default. */
static u16 jp_nl_reason(struct nlattr **tb)
{
	struct nlattr *attr = tb[JUMPING_A_SESSION_REASON];

	return attr ? nla_get_u16(attr) : JUMPING_REASON_USERSPACE;
}

/**
 * jp_nl_session_get - the session a request's id names (for pre_doit)
 * @jp: the device, conf_lock held and alive
 * @info: the request, validated against its op's policy (the session
 *	nest too, whose JUMPING_A_SESSION_ID is a u32 of at least 1)
 *
 * Return: the session, referenced, or an ERR_PTR() with the extack set.
 */
struct jp_session *jp_nl_session_get(struct jp_device *jp,
				     struct genl_info *info)
{
	struct nlattr *nest = info->attrs[JUMPING_A_SESSION];
	struct nlattr *attr, *id = NULL;
	struct jp_session *s;
	int rem;

	lockdep_assert_held(&jp->conf_lock);
	if (!nest) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "session required: JUMPING_A_SESSION nest");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, JUMPING_A_SESSION);
		return ERR_PTR(-EINVAL);
	}
	/* The last one, as nla_parse_nested() in the handler sees it. */
	nla_for_each_nested(attr, nest, rem)
		if (nla_type(attr) == JUMPING_A_SESSION_ID)
			id = attr;
	if (!id) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "session id required: JUMPING_A_SESSION_ID");
		NL_SET_ERR_ATTR_MISS(info->extack, nest, JUMPING_A_SESSION_ID);
		return ERR_PTR(-EINVAL);
	}
	s = jp_session_lookup_get(&jp->sessions, nla_get_u32(id));
	if (!s) {
		NL_SET_ERR_MSG_ATTR(info->extack, id,
				    "no session with this id on the device");
		return ERR_PTR(-ENOENT);
	}
	return s;
}

/* One JUMPING_A_SESSION_PREFIX nest into @p: host bits must be clear. */
static int jp_nl_parse_prefix(struct nlattr *nest, struct jp_prefix *p,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[JUMPING_A_PREFIX_MAX + 1];
	struct nlattr *v4, *v6, *len_attr;
	u8 len;
	int err;

	err = nla_parse_nested(tb, JUMPING_A_PREFIX_MAX, nest,
			       jp_prefix_policy, extack);
	if (err)
		return err;
	v4 = tb[JUMPING_A_PREFIX_IPV4];
	v6 = tb[JUMPING_A_PREFIX_IPV6];
	len_attr = tb[JUMPING_A_PREFIX_LEN];
	if (!v4 == !v6) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "prefix needs exactly one of JUMPING_A_PREFIX_IPV4 and _IPV6");
		return -EINVAL;
	}
	if (!len_attr) {
		NL_SET_ERR_MSG_MOD(extack,
				   "prefix needs a length: JUMPING_A_PREFIX_LEN");
		NL_SET_ERR_ATTR_MISS(extack, nest, JUMPING_A_PREFIX_LEN);
		return -EINVAL;
	}
	len = nla_get_u8(len_attr);

	if (v4) {
		__be32 addr = nla_get_in_addr(v4);

		if (len > 32) {
			NL_SET_ERR_MSG_ATTR(extack, len_attr,
					    "IPv4 prefix length above 32");
			return -EINVAL;
		}
		jp_prefix_init(p, AF_INET, &addr, len);
		if (p->addr.ip4 != addr) {
			NL_SET_ERR_MSG_ATTR(extack, v4,
					    "prefix has host bits set");
			return -EINVAL;
		}
	} else {
		struct in6_addr addr = nla_get_in6_addr(v6);

		jp_prefix_init(p, AF_INET6, &addr, len);
		if (!ipv6_addr_equal(&p->addr.ip6, &addr)) {
			NL_SET_ERR_MSG_ATTR(extack, v6,
					    "prefix has host bits set");
			return -EINVAL;
		}
	}
	return 0;
}

#define JP_TOO_MANY_PREFIXES \
	"too many prefixes (at most " __stringify(JP_SESSION_MAX_PREFIXES) \
	" per session)"

/**
 * jp_nl_parse_prefixes - every JUMPING_A_SESSION_PREFIX of a session nest
 * @nest: the JUMPING_A_SESSION nest
 * @extack: where to say which prefix is wrong
 * @out: set to a new set, or to NULL when the nest has no prefix
 *
 * Return: 0 or a negative errno (then *@out is NULL).
 */
static int jp_nl_parse_prefixes(struct nlattr *nest,
				struct netlink_ext_ack *extack,
				struct jp_prefix_set **out)
{
	struct jp_prefix_set *set;
	unsigned int count = 0, i = 0;
	struct nlattr *attr;
	int rem, err;

	*out = NULL;
	nla_for_each_nested(attr, nest, rem)
		if (nla_type(attr) == JUMPING_A_SESSION_PREFIX)
			count++;
	if (!count)
		return 0;
	if (count > JP_SESSION_MAX_PREFIXES) {
		NL_SET_ERR_MSG_ATTR(extack, nest, JP_TOO_MANY_PREFIXES);
		return -E2BIG;
	}
	set = jp_prefix_set_alloc(count, GFP_KERNEL);
	if (!set)
		return -ENOMEM;
	nla_for_each_nested(attr, nest, rem) {
		if (nla_type(attr) != JUMPING_A_SESSION_PREFIX)
			continue;
		err = jp_nl_parse_prefix(attr, &set->prefix[i++], extack);
		if (err) {
			kfree(set);
			return err;
		}
	}
	*out = set;
	return 0;
}

/* Best effort: a listener that misses an event sees ENOBUFS. */
static void jp_nl_notify_session_del(struct jp_device *jp,
				     struct jp_session *s,
				     enum jumping_reason reason)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = jp_genl_event_new(jp, JUMPING_CMD_SESSION_DEL_NTF,
				nla_total_size(0) +
				2 * nla_total_size(sizeof(u32)) +
				nla_total_size(sizeof(u16)),
				GFP_KERNEL, &hdr);
	if (!msg)
		return;
	nest = nla_nest_start(msg, JUMPING_A_SESSION);
	if (!nest ||
	    nla_put_u32(msg, JUMPING_A_SESSION_ID, s->id) ||
	    nla_put_u32(msg, JUMPING_A_SESSION_PEER_ID, READ_ONCE(s->peer_id)) ||
	    nla_put_u16(msg, JUMPING_A_SESSION_REASON, reason)) {
		nlmsg_free(msg);
		return;
	}
	nla_nest_end(msg, nest);
	jp_genl_event_send(jp, msg, hdr, GFP_KERNEL);
}

/*
 * STATE_NTF after a state change: old and new state, reason, and the
 * binding the session has now. Process context, the device's conf_lock
 * held, so listeners see the changes in the order they were made. Best
 * effort, as every event.
 */
static void jp_nl_notify_state(struct jp_device *jp, struct jp_session *s,
			       u8 old_state, u8 state, u16 reason)
{
	const struct jp_bind *bind;
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = jp_genl_event_new(jp, JUMPING_CMD_STATE_NTF,
				nla_total_size(0) +
				nla_total_size(sizeof(u32)) +
				2 * nla_total_size(sizeof(u8)) +
				nla_total_size(sizeof(u16)) +
				jp_nl_binding_size(),
				GFP_KERNEL, &hdr);
	if (!msg)
		return;
	nest = nla_nest_start(msg, JUMPING_A_SESSION);
	if (!nest ||
	    nla_put_u32(msg, JUMPING_A_SESSION_ID, s->id) ||
	    nla_put_u8(msg, JUMPING_A_SESSION_OLD_STATE, old_state) ||
	    nla_put_u8(msg, JUMPING_A_SESSION_STATE, state) ||
	    nla_put_u16(msg, JUMPING_A_SESSION_REASON, reason))
		goto err_free;
	rcu_read_lock();
	bind = rcu_dereference(s->bind);
	err = bind ? jp_nl_put_binding(msg, JUMPING_A_SESSION_BINDING, bind) : 0;
	rcu_read_unlock();
	if (err)
		goto err_free;
	nla_nest_end(msg, nest);
	jp_genl_event_send(jp, msg, hdr, GFP_KERNEL);
	return;

err_free:
	nlmsg_free(msg);
}

/**
 * jp_nl_notify_unknown_source - UNKNOWN_SOURCE_NTF: an authenticated data
 *	packet of @s came from @from, not from its binding
 * @jp: the device
 * @s: the session, used under the caller's RCU section
 * @from: the packet's outer source (remote) and destination (local)
 *
 * Any context (receive calls it in softirq, at most once a second per
 * session): GFP_ATOMIC, best effort.
 */
void jp_nl_notify_unknown_source(struct jp_device *jp, struct jp_session *s,
				 const struct jp_bind *from)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = jp_genl_event_new(jp, JUMPING_CMD_UNKNOWN_SOURCE_NTF,
				nla_total_size(0) +
				2 * nla_total_size(sizeof(u32)) +
				jp_nl_binding_size(),
				GFP_ATOMIC, &hdr);
	if (!msg)
		return;
	nest = nla_nest_start(msg, JUMPING_A_SESSION);
	if (!nest ||
	    nla_put_u32(msg, JUMPING_A_SESSION_ID, s->id) ||
	    nla_put_u32(msg, JUMPING_A_SESSION_PEER_ID, READ_ONCE(s->peer_id)) ||
	    jp_nl_put_binding(msg, JUMPING_A_SESSION_SOURCE, from)) {
		nlmsg_free(msg);
		return;
	}
	nla_nest_end(msg, nest);
	jp_genl_event_send(jp, msg, hdr, GFP_ATOMIC);
}

/*
 * SESSIONS_FLUSHED_NTF: @count sessions of @jp went at once for @reason.
 * One event instead of one per session, so deleting a device of 100,000
 * sessions does not flood listeners (and RTNL's holder) with events they
 * would mostly drop. The name goes along: the device is going away, and
 * listeners may no longer resolve its ifindex. Best effort.
 */
static void jp_nl_notify_flushed(struct jp_device *jp, u32 count,
				 enum jumping_reason reason)
{
	struct sk_buff *msg;
	void *hdr;

	msg = jp_genl_event_new(jp, JUMPING_CMD_SESSIONS_FLUSHED_NTF,
				nla_total_size(IFNAMSIZ) +
				nla_total_size(sizeof(u32)) +
				nla_total_size(sizeof(u16)),
				GFP_KERNEL, &hdr);
	if (!msg)
		return;
	if (nla_put_string(msg, JUMPING_A_IFNAME, jp->dev->name) ||
	    nla_put_u32(msg, JUMPING_A_SESSION_COUNT, count) ||
	    nla_put_u16(msg, JUMPING_A_REASON, reason)) {
		nlmsg_free(msg);
		return;
	}
	jp_genl_event_send(jp, msg, hdr, GFP_KERNEL);
}

/**
 * jp_nl_sessions_gone - delete every session of a dying device, telling
 *	listeners once how many went (reason DEVICE_GONE), with no event
 *	per session
 * @jp: the device, conf_lock held, packet paths already off it
 *
 * Process context: ndo_uninit runs under RTNL and may sleep.
 */
void jp_nl_sessions_gone(struct jp_device *jp)
{
	struct jp_session *s;
	u32 count = 0;

	lockdep_assert_held(&jp->conf_lock);
	while ((s = jp_session_table_first_get(&jp->sessions))) {
		if (jp_session_table_remove(&jp->sessions, s))
			count++;
		jp_session_put(s);
	}
	if (count)
		jp_nl_notify_flushed(jp, count, JUMPING_REASON_DEVICE_GONE);
}

/*
 * The optional binding and prefixes of a SESSION_NEW or SESSION_SET, built
 * before any lock is taken so a bad request changes nothing. On error
 * nothing is left allocated.
 */
static int jp_nl_parse_session_conf(struct genl_info *info, struct nlattr **tb,
				    struct jp_bind **bind,
				    struct jp_prefix_set **prefixes)
{
	int err;

	*bind = NULL;
	if (tb[JUMPING_A_SESSION_BINDING]) {
		*bind = jp_nl_parse_binding(tb[JUMPING_A_SESSION_BINDING],
					    jp_nl_device(info), info->extack);
		if (IS_ERR(*bind)) {
			err = PTR_ERR(*bind);
			*bind = NULL;
			return err;
		}
	}
	err = jp_nl_parse_prefixes(info->attrs[JUMPING_A_SESSION], info->extack,
				   prefixes);
	if (err) {
		jp_bind_free(*bind);
		*bind = NULL;
	}
	return err;
}

/*
 * The one-owner rule (jp_prefix_set_check()) for @set going to @s (NULL: a
 * new session), conf_lock held. The extack points at the prefix; when
 * another session owns it, its id (u32, host order) is the extack cookie.
 * Return: 0, -EEXIST, or -EINVAL for a prefix the request gives twice.
 */
static int jp_nl_check_prefixes(struct jp_device *jp, struct jp_session *s,
				const struct jp_prefix_set *set,
				struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *attr, *bad = NULL;
	unsigned int idx, i = 0;
	u32 owner;
	int rem, err;

	lockdep_assert_held(&jp->conf_lock);
	err = jp_prefix_set_check(&jp->sessions, s, set, &idx, &owner);
	if (!err)
		return 0;
	nla_for_each_nested(attr, info->attrs[JUMPING_A_SESSION], rem)
		if (nla_type(attr) == JUMPING_A_SESSION_PREFIX &&
		    i++ == idx) {
			bad = attr;
			break;
		}
	if (err != -EEXIST) {
		NL_SET_ERR_MSG_ATTR(extack, bad,
				    "prefix given twice in one request");
		return err;
	}
	NL_SET_ERR_MSG_ATTR(extack, bad,
			    "prefix already owned by another session of this device");
	if (extack) {
		BUILD_BUG_ON(sizeof(owner) > NETLINK_MAX_COOKIE_LEN);
		memcpy(extack->cookie, &owner, sizeof(owner));
		extack->cookie_len = sizeof(owner);
	}
	return err;
}

int jp_nl_session_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[JUMPING_A_SESSION_MAX + 1];
	struct netlink_ext_ack *extack = info->extack;
	struct jp_device *jp = jp_nl_device(info);
	struct jp_prefix_set *prefixes = NULL;
	struct jp_session *s = NULL;
	struct jp_bind *bind = NULL;
	u32 id = 0;
	u16 reason;
	int err;

	err = jp_nl_session_attrs(info, jp_session_new_nest,
				  JUMPING_A_SESSION_MAX, tb);
	if (err)
		return err;
	reason = jp_nl_reason(tb);
	if (!tb[JUMPING_A_SESSION_PEER_ID]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "new session needs the peer's id: JUMPING_A_SESSION_PEER_ID");
		NL_SET_ERR_ATTR_MISS(extack, info->attrs[JUMPING_A_SESSION],
				     JUMPING_A_SESSION_PEER_ID);
		return -EINVAL;
	}
	if (tb[JUMPING_A_SESSION_ID])
		id = nla_get_u32(tb[JUMPING_A_SESSION_ID]);
	err = jp_nl_check_silence(tb, extack);
	if (err)
		return err;

	err = jp_nl_parse_session_conf(info, tb, &bind, &prefixes);
	if (err)
		return err;
	err = jp_nl_check_prefixes(jp, NULL, prefixes, info);
	if (err)
		goto out;
	/*
	 * Inserts are serialised by conf_lock, so the count cannot pass the
	 * limit between this check and the insert.
	 */
	if (READ_ONCE(jp->sessions.count) >=
	    READ_ONCE(jp_max_sessions_per_device)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the device holds max_sessions_per_device sessions (module parameter): delete one or raise it");
		err = -ENOSPC;
		goto out;
	}

	s = jp_session_new(jp->dev, id,
			   nla_get_u32(tb[JUMPING_A_SESSION_PEER_ID]));
	if (!s) {
		err = -ENOMEM;
		goto out;
	}
	if (tb[JUMPING_A_SESSION_STATE]) {
		u8 old;

		/* Its first state: no change anybody watched, no event. */
		jp_session_change_state(s,
					nla_get_u8(tb[JUMPING_A_SESSION_STATE]),
					reason, &old);
	}
	/* Unpublished: nobody else sees these yet. The session owns them. */
	if (bind) {
		jp_session_set_bind(s, bind, reason);
		bind = NULL;
	}
	jp_session_set_prefixes(s, prefixes);
	prefixes = NULL;

	err = jp_session_table_insert(&jp->sessions, s);
	if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(extack, tb[JUMPING_A_SESSION_ID],
				    "session id already in use on this device");
	else if (err)
		NL_SET_ERR_MSG_MOD(extack,
				   "could not add the session to the table");
	if (err)
		goto out;
	/* Only once in the table: removal is what stops the timer. */
	if (tb[JUMPING_A_SESSION_KEEPALIVE_MS])
		jp_session_set_keepalive(s,
					 nla_get_u32(tb[JUMPING_A_SESSION_KEEPALIVE_MS]));
	if (tb[JUMPING_A_SESSION_SILENCE_MS])
		jp_silence_set(s, nla_get_u32(tb[JUMPING_A_SESSION_SILENCE_MS]));

	/* The reply carries the id, which the kernel may have chosen. */
	err = jp_nl_reply_session(info, jp, s, JUMPING_CMD_SESSION_NEW);

out:
	jp_session_put(s);
	jp_bind_free(bind);
	kfree(prefixes);
	return err;
}

int jp_nl_session_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[JUMPING_A_SESSION_MAX + 1];
	struct netlink_ext_ack *extack = info->extack;
	struct jp_session *s = jp_nl_session(info);
	struct jp_device *jp = jp_nl_device(info);
	struct jp_prefix_set *prefixes = NULL;
	struct jp_bind *bind = NULL;
	u8 old_state, state;
	bool changed;
	u16 reason;
	int err;

	err = jp_nl_session_attrs(info, jp_session_set_nest,
				  JUMPING_A_SESSION_MAX, tb);
	if (err)
		return err;
	reason = jp_nl_reason(tb);
	if (tb[JUMPING_A_SESSION_REASON] && !tb[JUMPING_A_SESSION_STATE] &&
	    !tb[JUMPING_A_SESSION_BINDING]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[JUMPING_A_SESSION_REASON],
				    "a reason goes with a state or a binding");
		return -EINVAL;
	}
	err = jp_nl_check_silence(tb, extack);
	if (err)
		return err;
	err = jp_nl_parse_session_conf(info, tb, &bind, &prefixes);
	if (err)
		return err;
	if (!tb[JUMPING_A_SESSION_PEER_ID] && !tb[JUMPING_A_SESSION_STATE] &&
	    !tb[JUMPING_A_SESSION_KEEPALIVE_MS] &&
	    !tb[JUMPING_A_SESSION_SILENCE_MS] && !bind && !prefixes) {
		NL_SET_ERR_MSG_MOD(extack,
				   "nothing to set: give a peer id, state, keepalive, silence, binding or prefixes");
		return -EINVAL;
	}
	err = jp_nl_check_prefixes(jp, s, prefixes, info);
	/* The one step that can fail (memory for the trie) goes first. */
	if (!err && prefixes) {
		err = jp_session_table_set_prefixes(&jp->sessions, s, prefixes);
		if (!err) {
			prefixes = NULL;
			/* An unfinished dump may hold part of the old ones. */
			jp_session_table_changed(&jp->sessions);
		} else {
			NL_SET_ERR_MSG_MOD(extack,
					   "could not install the prefixes");
		}
	}
	if (err) {
		jp_bind_free(bind);
		kfree(prefixes);
		return err;
	}

	/* Nothing below fails: the request applies as a whole. */
	if (tb[JUMPING_A_SESSION_PEER_ID])
		WRITE_ONCE(s->peer_id,
			   nla_get_u32(tb[JUMPING_A_SESSION_PEER_ID]));
	if (bind) {
		jp_session_set_bind(s, bind, reason);
		bind = NULL;
	}
	if (tb[JUMPING_A_SESSION_KEEPALIVE_MS])
		jp_session_set_keepalive(s,
					 nla_get_u32(tb[JUMPING_A_SESSION_KEEPALIVE_MS]));
	if (tb[JUMPING_A_SESSION_SILENCE_MS])
		jp_silence_set(s, nla_get_u32(tb[JUMPING_A_SESSION_SILENCE_MS]));
	/* Last, so the event carries the binding this request set. */
	if (tb[JUMPING_A_SESSION_STATE]) {
		state = nla_get_u8(tb[JUMPING_A_SESSION_STATE]);
		changed = jp_session_change_state(s, state, reason,
						  &old_state);
		if (changed)
			jp_nl_notify_state(jp, s, old_state, state, reason);
	}
	return 0;
}

int jp_nl_session_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct jp_session *s = jp_nl_session(info);
	struct jp_device *jp = jp_nl_device(info);

	/*
	 * Packets that found it keep using it until their RCU section ends;
	 * it is freed after the last reference and a grace period. Under
	 * conf_lock nobody else removes it: the event is sent exactly once.
	 */
	if (jp_session_table_remove(&jp->sessions, s))
		jp_nl_notify_session_del(jp, s, JUMPING_REASON_USERSPACE);
	return 0;
}

/*
 * Under conf_lock like the writers (pre_doit): a reader holding only
 * references could look the id up in a table jp_dev_uninit() has already
 * destroyed.
 */
int jp_nl_session_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	return jp_nl_reply_session(info, jp_nl_device(info),
				   jp_nl_session(info), JUMPING_CMD_SESSION_GET);
}

int jp_nl_binding_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[JUMPING_A_SESSION_MAX + 1];
	struct netlink_ext_ack *extack = info->extack;
	struct jp_bind *bind;
	int err;

	err = jp_nl_session_attrs(info, jp_session_binding_nest,
				  JUMPING_A_SESSION_MAX, tb);
	if (err)
		return err;
	if (!tb[JUMPING_A_SESSION_BINDING]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "binding required: JUMPING_A_SESSION_BINDING");
		NL_SET_ERR_ATTR_MISS(extack, info->attrs[JUMPING_A_SESSION],
				     JUMPING_A_SESSION_BINDING);
		return -EINVAL;
	}
	bind = jp_nl_parse_binding(tb[JUMPING_A_SESSION_BINDING],
				   jp_nl_device(info), extack);
	if (IS_ERR(bind))
		return PTR_ERR(bind);
	/* Same id, keys and counters; only where packets go changes. */
	jp_session_set_bind(jp_nl_session(info), bind, jp_nl_reason(tb));
	return 0;
}
