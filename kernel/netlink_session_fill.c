// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: a session as netlink messages, for the SESSION_GET reply,
 * the SESSION_NEW reply and the SESSION_GET dump.
 *
 * A session's prefixes go last. A dump message is as large as the reader's
 * buffer allows (at most 32 KiB), less than a session of many prefixes
 * needs: the dump then continues that session in the next message, which
 * holds the device, the session id and more JUMPING_A_SESSION_PREFIX and
 * nothing else. Readers merge consecutive messages with the same id. A
 * doit reply is sized for the session and always holds it whole:
 * JP_SESSION_MAX_PREFIXES keeps the session nest within its 16-bit length.
 */
#include <linux/build_bug.h>
#include <linux/jumping.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "bind.h"
#include "crypto.h"
#include "device.h"
#include "netlink.h"
#include "session.h"
#include "silence.h"

/* The largest JUMPING_A_SESSION_PREFIX: an IPv6 address and a length. */
#define JP_NL_PREFIX_SIZE \
	(3 * NLA_HDRLEN + NLA_ALIGN(sizeof(struct in6_addr)) + NLA_ALIGN(1))

/*
 * Every prefix and 4 KiB for the rest of the nest (history, binding, keys,
 * counters: about 1.5 KiB today) within the nest's u16 length.
 */
static_assert(JP_SESSION_MAX_PREFIXES * JP_NL_PREFIX_SIZE + 4096 <= U16_MAX);

/* Room for one binding history record. */
static size_t jp_nl_history_size(void)
{
	return nla_total_size(0) +			/* HISTORY */
	       jp_nl_binding_size() +			/* BINDING */
	       nla_total_size(sizeof(u16)) +		/* REASON */
	       nla_total_size_64bit(sizeof(u64));	/* AGE_MS */
}

/* Room for one session message with @prefixes prefixes. */
static size_t jp_nl_session_size(unsigned int prefixes)
{
	size_t keyconf = nla_total_size(0) + 3 * nla_total_size(sizeof(u8));

	return nla_total_size(sizeof(u32)) +		/* IFINDEX */
	       nla_total_size(0) +			/* SESSION */
	       2 * nla_total_size(sizeof(u32)) +	/* ID, PEER_ID */
	       nla_total_size(sizeof(u8)) +		/* STATE */
	       nla_total_size(sizeof(u16)) +		/* REASON */
	       nla_total_size(sizeof(u32)) +		/* KEEPALIVE_MS */
	       nla_total_size(sizeof(u32)) +		/* SILENCE_MS */
	       nla_total_size(sizeof(u8)) +		/* LIVENESS */
	       /* STATE_AGE_MS, RX_AGE_MS, TX_AGE_MS, UNHEARD_MS */
	       4 * nla_total_size_64bit(sizeof(u64)) +
	       jp_nl_binding_size() +
	       JUMPING_HISTORY_LEN * jp_nl_history_size() +
	       prefixes * JP_NL_PREFIX_SIZE +
	       2 * keyconf +
	       jp_nl_stats_size();
}

static int jp_nl_put_prefix(struct sk_buff *skb, const struct jp_prefix *p)
{
	struct nlattr *nest;
	int err;

	nest = nla_nest_start(skb, JUMPING_A_SESSION_PREFIX);
	if (!nest)
		return -EMSGSIZE;
	if (p->family == AF_INET)
		err = nla_put_in_addr(skb, JUMPING_A_PREFIX_IPV4, p->addr.ip4);
	else
		err = nla_put_in6_addr(skb, JUMPING_A_PREFIX_IPV6,
				       &p->addr.ip6);
	if (err || nla_put_u8(skb, JUMPING_A_PREFIX_LEN, p->len)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* A key slot: which slot, key id and cipher. Never the key bytes. */
static int jp_nl_put_keyconf(struct sk_buff *skb, enum jumping_key_slot slot,
			     const struct jp_key *key)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, JUMPING_A_SESSION_KEYCONF);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, JUMPING_A_KEYCONF_SLOT, slot) ||
	    nla_put_u8(skb, JUMPING_A_KEYCONF_KEY_ID, key->key_id) ||
	    nla_put_u8(skb, JUMPING_A_KEYCONF_CIPHER, key->cipher)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Under rcu_read_lock(): binding and key slots of @s. */
static int jp_nl_put_session_rcu(struct sk_buff *skb, struct jp_session *s)
{
	const struct jp_bind *bind = rcu_dereference(s->bind);
	const struct jp_key *key;

	if (bind && jp_nl_put_binding(skb, JUMPING_A_SESSION_BINDING, bind))
		return -EMSGSIZE;
	key = rcu_dereference(s->keys.primary);
	if (key && jp_nl_put_keyconf(skb, JUMPING_KEY_SLOT_PRIMARY, key))
		return -EMSGSIZE;
	key = rcu_dereference(s->keys.secondary);
	if (key && jp_nl_put_keyconf(skb, JUMPING_KEY_SLOT_SECONDARY, key))
		return -EMSGSIZE;
	return 0;
}

/*
 * Under rcu_read_lock(): @s's prefixes from *@pos on, as many as fit.
 * *@pos moves past those put. Return: true when every prefix is in.
 */
static bool jp_nl_put_prefixes_rcu(struct sk_buff *skb, struct jp_session *s,
				   unsigned long *pos)
{
	const struct jp_prefix_set *set = rcu_dereference(s->prefixes);

	for (; set && *pos < set->count; (*pos)++)
		if (jp_nl_put_prefix(skb, &set->prefix[*pos]))
			return false;
	return true;
}

static int jp_nl_put_history(struct sk_buff *skb,
			     const struct jp_bind_record *rec)
{
	struct nlattr *nest;
	struct jp_bind bind;

	/* The same attributes as for a live binding. */
	jp_bind_record_load(rec, &bind);
	nest = nla_nest_start(skb, JUMPING_A_SESSION_HISTORY);
	if (!nest)
		return -EMSGSIZE;
	if (jp_nl_put_binding(skb, JUMPING_A_HISTORY_BINDING, &bind) ||
	    nla_put_u16(skb, JUMPING_A_HISTORY_REASON, rec->reason) ||
	    nla_put_u64_64bit(skb, JUMPING_A_HISTORY_AGE_MS,
			      jp_age_ms(jiffies, rec->since),
			      JUMPING_A_HISTORY_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * State, its reason and age, and the binding history, newest first: one
 * consistent picture under the session lock (nothing here sleeps).
 */
static int jp_nl_put_session_record(struct sk_buff *skb, struct jp_session *s)
{
	const struct jp_bind_past *past;
	struct jp_bind_record now;
	const struct jp_bind *bind;
	unsigned int i, at;
	int err;

	spin_lock_bh(&s->lock);
	err = nla_put_u8(skb, JUMPING_A_SESSION_STATE, s->state) ?:
	      nla_put_u16(skb, JUMPING_A_SESSION_REASON, s->reason) ?:
	      nla_put_u64_64bit(skb, JUMPING_A_SESSION_STATE_AGE_MS,
				jp_age_ms(jiffies, s->state_since),
				JUMPING_A_SESSION_PAD);
	bind = rcu_dereference_protected(s->bind, lockdep_is_held(&s->lock));
	if (!err && bind) {
		jp_bind_record_set(&now, bind);
		err = jp_nl_put_history(skb, &now);
	}
	past = s->history;
	for (i = 0; !err && past && i < past->count; i++) {
		at = (past->next + ARRAY_SIZE(past->rec) - 1 - i) %
		     ARRAY_SIZE(past->rec);
		err = jp_nl_put_history(skb, &past->rec[at]);
	}
	spin_unlock_bh(&s->lock);
	return err;
}

/*
 * Keepalive and silence intervals and, when there was any, rx and tx age,
 * and how long the session sends unheard (with LIVENESS silent once told).
 * Lockless.
 */
static int jp_nl_put_session_liveness(struct sk_buff *skb,
				      struct jp_session *s)
{
	bool silent;
	u64 ms;

	if (nla_put_u32(skb, JUMPING_A_SESSION_KEEPALIVE_MS,
			READ_ONCE(s->keepalive_ms)) ||
	    nla_put_u32(skb, JUMPING_A_SESSION_SILENCE_MS,
			READ_ONCE(s->silence_ms)))
		return -EMSGSIZE;
	if (jp_silence_unheard_ms(s, &ms, &silent) &&
	    (nla_put_u64_64bit(skb, JUMPING_A_SESSION_UNHEARD_MS, ms,
			       JUMPING_A_SESSION_PAD) ||
	     (silent && nla_put_u8(skb, JUMPING_A_SESSION_LIVENESS,
				   JUMPING_LIVENESS_SILENT))))
		return -EMSGSIZE;
	if (jp_stamp_age_ms(&s->rx_stamp, &ms) &&
	    nla_put_u64_64bit(skb, JUMPING_A_SESSION_RX_AGE_MS, ms,
			      JUMPING_A_SESSION_PAD))
		return -EMSGSIZE;
	if (jp_stamp_age_ms(&s->tx_stamp, &ms) &&
	    nla_put_u64_64bit(skb, JUMPING_A_SESSION_TX_AGE_MS, ms,
			      JUMPING_A_SESSION_PAD))
		return -EMSGSIZE;
	return 0;
}

/* Everything of @s but its prefixes, inside the open session nest. */
static int jp_nl_put_session_head(struct sk_buff *skb, struct jp_session *s)
{
	struct jp_stats stats;
	int err;

	if (nla_put_u32(skb, JUMPING_A_SESSION_PEER_ID, READ_ONCE(s->peer_id)) ||
	    jp_nl_put_session_record(skb, s) ||
	    jp_nl_put_session_liveness(skb, s))
		return -EMSGSIZE;
	rcu_read_lock();
	err = jp_nl_put_session_rcu(skb, s);
	rcu_read_unlock();
	if (err)
		return err;
	jp_stats_read(&s->stats, &stats);
	return jp_nl_put_stats(skb, JUMPING_A_SESSION_STATS, &stats);
}

/**
 * jp_nl_fill_session - one message of a session
 * @skb: where it goes
 * @jp: the session's device
 * @s: the session, referenced or inside an RCU section of the caller
 * @portid: netlink header port id
 * @seq: netlink header sequence number
 * @flags: netlink header flags
 * @cmd: the message's command
 * @cb: the dump, or NULL for a doit reply
 * @pos: in: the first prefix to put, 0 for the session's first message
 *	(device, then the JUMPING_A_SESSION nest with id, peer id, state
 *	with its reason and age, keepalive, silence, rx and tx age, unheard
 *	time and liveness, binding and its
 *	history, key slots, counters and prefixes); above 0, a continuation
 *	(device, id and prefixes only). Out: past the last prefix put.
 *
 * A message that holds part of the prefixes is ended with what fits, but a
 * part always carries at least one prefix: one that could not is cancelled.
 *
 * Return: 0 when the session is complete, 1 when its prefixes continue at
 * *@pos in the next message, -EMSGSIZE when nothing was added.
 */
static int jp_nl_fill_session(struct sk_buff *skb, struct jp_device *jp,
			      struct jp_session *s, u32 portid, u32 seq,
			      int flags, u8 cmd, struct netlink_callback *cb,
			      unsigned long *pos)
{
	unsigned long start = *pos;
	struct nlattr *nest;
	bool done;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &jp_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);

	if (nla_put_u32(skb, JUMPING_A_IFINDEX, jp->dev->ifindex))
		goto err_cancel;
	nest = nla_nest_start(skb, JUMPING_A_SESSION);
	if (!nest || nla_put_u32(skb, JUMPING_A_SESSION_ID, s->id))
		goto err_cancel;
	if (!start && jp_nl_put_session_head(skb, s))
		goto err_cancel;

	rcu_read_lock();
	done = jp_nl_put_prefixes_rcu(skb, s, pos);
	rcu_read_unlock();
	if (!done && *pos == start)
		goto err_cancel;

	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return done ? 0 : 1;

err_cancel:
	*pos = start;
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/**
 * jp_nl_reply_session - answer @info with @s as one @cmd message
 * @info: the request
 * @jp: the device, conf_lock held: @s's prefixes cannot change meanwhile
 * @s: the session, referenced
 * @cmd: JUMPING_CMD_SESSION_GET or _NEW
 *
 * Return: 0 or a negative errno.
 */
int jp_nl_reply_session(struct genl_info *info, struct jp_device *jp,
			struct jp_session *s, u8 cmd)
{
	const struct jp_prefix_set *set;
	unsigned int count = 0;
	unsigned long pos = 0;
	struct sk_buff *msg;
	int err;

	lockdep_assert_held(&jp->conf_lock);
	rcu_read_lock();
	set = rcu_dereference(s->prefixes);
	if (set)
		count = set->count;
	rcu_read_unlock();

	msg = genlmsg_new(jp_nl_session_size(count), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = jp_nl_fill_session(msg, jp, s, info->snd_portid, info->snd_seq,
				 0, cmd, NULL, &pos);
	/* Sized for this session: it is always complete. */
	if (WARN_ON_ONCE(err)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return genlmsg_reply(msg, info);
}

/**
 * struct jp_nl_dump_ctx - where a SESSION_GET dump stands between parts
 * @ifindex: the device, looked up again on every part, so an unfinished
 *	dump never pins a device that is being deleted; 0 before the first
 * @id: the last session a part reached (0: none yet)
 * @seq: its jp_session.seq, which tells it from a later session that got
 *	the same id
 * @pos: how many of its prefixes were sent; 0 when it was sent whole
 */
struct jp_nl_dump_ctx {
	u32 ifindex;
	u32 id;
	u64 seq;
	unsigned long pos;
};

static_assert(sizeof(struct jp_nl_dump_ctx) <=
	      sizeof_field(struct netlink_callback, ctx));

/*
 * Under rcu_read_lock(): the session to go on with, NULL at the end of the
 * list. The last one reached, by its id in the hash table, in O(1): still
 * there (same id and seq), the dump goes on with it (its prefixes continue)
 * or with its successor. Found under this RCU section, it was in the list
 * when the section began or later, so its next pointer leads, even if it
 * is being removed right now, to sessions that stay valid until the
 * section ends: the RCU list walk goes on from it as from the head.
 * Removed meanwhile: the first session inserted after it, by a walk from
 * the head (the list is in seq order); only then is a part O(sessions),
 * and the removal bumped the table's generation, so the dump is flagged
 * NLM_F_DUMP_INTR.
 */
static struct jp_session *jp_nl_dump_resume(struct jp_session_table *t,
					    struct jp_nl_dump_ctx *ctx)
{
	struct list_head *head = &t->list;
	struct jp_session *s;

	if (!ctx->id)
		return list_entry_rcu(head->next, struct jp_session, list);
	s = jp_session_lookup_rcu(t, ctx->id);
	if (s && s->seq == ctx->seq) {
		if (ctx->pos)
			return s;
		return list_entry_rcu(s->list.next, struct jp_session, list);
	}
	ctx->pos = 0;
	list_for_each_entry_rcu(s, head, list)
		if (s->seq > ctx->seq)
			return s;
	return list_entry(head, struct jp_session, list);
}

/*
 * The sessions of one device, resumable in O(1) per part (the state in
 * struct jp_nl_dump_ctx, cb->ctx). If sessions come or go, or a session's
 * prefixes change, between parts, the table generation flags the dump
 * NLM_F_DUMP_INTR; a session is never sent twice nor skipped unless it was
 * inserted or removed meanwhile.
 *
 * Each part holds the device's conf_lock, as the doit readers: the id
 * lookup must not race jp_dev_uninit() destroying the hash table, and a
 * device found dead has no sessions to send. A part fills one message
 * buffer, so writers wait at most that long.
 */
int jp_nl_session_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct jp_nl_dump_ctx *ctx = (struct jp_nl_dump_ctx *)cb->ctx;
	struct net *net = sock_net(cb->skb->sk);
	struct net_device *dev;
	struct jp_session *s;
	struct jp_device *jp;
	unsigned long pos;
	int err = 0;

	if (!ctx->ifindex) {
		jp = jp_nl_device_lookup(net, info->attrs, cb->extack);
		if (IS_ERR(jp))
			return PTR_ERR(jp);
		ctx->ifindex = jp->dev->ifindex;
	} else {
		dev = dev_get_by_index(net, ctx->ifindex);
		if (!dev)
			return 0;	/* deleted meanwhile: nothing more */
		if (!jp_is_device(dev)) {
			dev_put(dev);
			return 0;
		}
		jp = netdev_priv(dev);
	}

	mutex_lock(&jp->conf_lock);
	if (jp->dead)
		goto out;
	/* RCU for the list walk, which must not sleep. */
	rcu_read_lock();
	cb->seq = READ_ONCE(jp->sessions.gen);
	s = jp_nl_dump_resume(&jp->sessions, ctx);
	pos = ctx->pos;
	list_for_each_entry_from_rcu(s, &jp->sessions.list, list) {
		err = jp_nl_fill_session(skb, jp, s,
					 NETLINK_CB(cb->skb).portid,
					 cb->nlh->nlmsg_seq, NLM_F_MULTI,
					 JUMPING_CMD_SESSION_GET, cb, &pos);
		if (err < 0)
			break;
		ctx->id = s->id;
		ctx->seq = s->seq;
		/* 1: its prefixes go on at pos in the next part. */
		ctx->pos = err ? pos : 0;
		if (err)
			break;
		pos = 0;
	}
	rcu_read_unlock();
out:
	mutex_unlock(&jp->conf_lock);
	jp_device_put(jp);

	/* A session that does not fit an empty message is an error. */
	if (err < 0 && !skb->len)
		return err;
	return skb->len;
}
