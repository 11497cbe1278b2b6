// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: sessions and the session table.
 *
 * Receive finds a session by the id in the packet through an rhashtable;
 * transmit finds it by the inner destination through the table's trie of
 * prefixes (allowedips.c), in a time bound by the address's bits, not by
 * the number of sessions. The table lock serialises the writers of all of
 * them, so a session is in the hash table exactly while it owns its
 * prefixes in the trie. Timers live in timers.c.
 *
 * Lifetime: the table holds one reference. Removing a session unhashes it
 * under the table lock and drops that reference; the last reference frees
 * the session after an RCU grace period, because packet paths find it
 * under rcu_read_lock() without taking a reference.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "netlink.h"
#include "session.h"
#include "silence.h"
#include "timers.h"

static const struct rhashtable_params jp_session_params = {
	.head_offset = offsetof(struct jp_session, node),
	.key_offset = offsetof(struct jp_session, id),
	.key_len = sizeof(u32),
	.automatic_shrinking = true,
};

int jp_session_table_init(struct jp_session_table *t)
{
	INIT_LIST_HEAD(&t->list);
	spin_lock_init(&t->lock);
	jp_aip_init(&t->aips, &t->lock);
	t->count = 0;
	t->gen = 1;
	t->next_seq = 1;
	return rhashtable_init(&t->by_id, &jp_session_params);
}

/**
 * jp_session_new - a session that is in no table yet
 * @dev: its device
 * @id: our id for it, or 0 for the table to choose one at insert
 * @peer_id: the peer's id for it
 *
 * Process context. Return: the session with one reference, or NULL.
 */
struct jp_session *jp_session_new(struct net_device *dev, u32 id,
				  u32 peer_id)
{
	struct jp_session *s;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	jp_stats_init(&s->stats);
	INIT_LIST_HEAD(&s->list);
	s->id = id;
	s->peer_id = peer_id;
	refcount_set(&s->ref, 1);
	s->dev = dev;
	jp_key_slots_init(&s->keys);
	spin_lock_init(&s->lock);
	s->state = JUMPING_STATE_BIRTH;
	s->reason = JUMPING_REASON_NONE;
	s->state_since = jiffies;
	jp_keepalive_init(s);
	jp_silence_init(s);
	INIT_WORK(&s->exhausted_work, jp_nl_key_exhausted_work);
	return s;
}

/* After a grace period; nothing can reach the session any more. */
static void jp_session_free_rcu(struct rcu_head *rcu)
{
	struct jp_session *s = container_of(rcu, struct jp_session, rcu);

	jp_key_slots_clear(&s->keys);
	kfree(rcu_dereference_protected(s->prefixes, true));
	jp_bind_free(rcu_dereference_protected(s->bind, true));
	kfree(s->history);
	kfree(s);
}

/* Any context. */
void jp_session_put(struct jp_session *s)
{
	if (s && refcount_dec_and_test(&s->ref))
		call_rcu(&s->rcu, jp_session_free_rcu);
}

/* Table lock held: insert under a random unused id, never 0. */
static int jp_session_insert_random(struct jp_session_table *t,
				    struct jp_session *s)
{
	int tries, err = -EBUSY;

	for (tries = 0; tries < 16; tries++) {
		s->id = get_random_u32();
		if (!s->id)
			continue;
		err = rhashtable_lookup_insert_fast(&t->by_id, &s->node,
						    jp_session_params);
		if (err != -EEXIST)
			break;
	}
	if (err)
		s->id = 0;
	return err;
}

/* Table lock held. Skips 0, which the dump check reads as "unset". */
static void jp_session_table_bump_gen(struct jp_session_table *t)
{
	WRITE_ONCE(t->gen, t->gen + 1 ?: 1);
}

/**
 * jp_session_table_insert - publish a session
 * @t: its device's table
 * @s: a new session; if its id is 0, one is chosen and written to s->id
 *
 * The table takes a reference of its own. The session's prefixes
 * (jp_session_set_prefixes()) go into the trie in the same step as the
 * session into the hash table: a packet finds it both ways or neither.
 * Process context (allocates).
 *
 * Return: 0, -EEXIST if the id is taken (or, if the caller did not run
 * jp_prefix_set_check() under the same conf_lock, a prefix is owned),
 * -EINVAL for a prefix given twice, -ENOMEM, or another error from the
 * hash table.
 */
int jp_session_table_insert(struct jp_session_table *t, struct jp_session *s)
{
	/* Unpublished: nobody else writes it. */
	const struct jp_prefix_set *set = rcu_dereference_protected(s->prefixes,
								     true);
	struct jp_aip_pool pool;
	unsigned int idx;
	u32 owner;
	int err;

	err = jp_aip_pool_fill(&pool, set, GFP_KERNEL);
	if (err)
		return err;
	spin_lock_bh(&t->lock);
	err = jp_aip_prepare(&t->aips, s, set, &pool, &idx, &owner);
	if (err)
		goto unlock;
	if (s->id)
		err = rhashtable_lookup_insert_fast(&t->by_id, &s->node,
						    jp_session_params);
	else
		err = jp_session_insert_random(t, s);
	if (err) {
		jp_aip_abort(&t->aips, set);
		goto unlock;
	}
	jp_aip_commit(&t->aips, s, NULL, set);
	refcount_inc(&s->ref);
	/* Appended in @seq order: dumps resume by it. */
	s->seq = t->next_seq++;
	list_add_tail_rcu(&s->list, &t->list);
	s->hashed = true;
	WRITE_ONCE(t->count, t->count + 1);
	jp_session_table_bump_gen(t);
unlock:
	spin_unlock_bh(&t->lock);
	jp_aip_pool_drain(&pool);
	return err;
}

/**
 * jp_session_table_remove - unpublish a session and drop the table's ref
 * @t: its device's table
 * @s: the session, referenced by the caller
 *
 * Packet paths that found it already may finish with it. Return: false if
 * someone else removed it first.
 */
bool jp_session_table_remove(struct jp_session_table *t,
			     struct jp_session *s)
{
	bool removed;

	spin_lock_bh(&t->lock);
	removed = s->hashed;
	if (removed) {
		rhashtable_remove_fast(&t->by_id, &s->node, jp_session_params);
		/* Its prefixes go with it; the set stays for late readers. */
		jp_aip_commit(&t->aips, s,
			      rcu_dereference_protected(s->prefixes,
							lockdep_is_held(&t->lock)),
			      NULL);
		list_del_rcu(&s->list);
		s->hashed = false;
		WRITE_ONCE(t->count, t->count - 1);
		jp_session_table_bump_gen(t);
	}
	spin_unlock_bh(&t->lock);
	if (removed) {
		/* Process context, the table's ref still held. */
		jp_session_timers_shutdown(s);
		jp_session_put(s);
	}
	return removed;
}

/* The oldest session, referenced, or NULL: for emptying the table. */
struct jp_session *jp_session_table_first_get(struct jp_session_table *t)
{
	struct jp_session *s;

	spin_lock_bh(&t->lock);
	s = list_first_entry_or_null(&t->list, struct jp_session, list);
	/* Held across the unlock so that remove sees a live session. */
	if (s)
		refcount_inc(&s->ref);
	spin_unlock_bh(&t->lock);
	return s;
}

/* Remove every session: device teardown. */
void jp_session_table_flush(struct jp_session_table *t)
{
	struct jp_session *s;

	while ((s = jp_session_table_first_get(t))) {
		jp_session_table_remove(t, s);
		jp_session_put(s);
	}
}

/*
 * The device is gone from the packet paths (its socket is closed and a
 * grace period has passed), so nobody walks the hash table any more.
 */
void jp_session_table_destroy(struct jp_session_table *t)
{
	jp_session_table_flush(t);
	jp_aip_destroy(&t->aips);
	rhashtable_destroy(&t->by_id);
}

/* Forget every binding's cached route, e.g. when the fwmark changes. */
void jp_session_table_reset_routes(struct jp_session_table *t)
{
	struct jp_session *s;
	struct jp_bind *bind;

	rcu_read_lock();
	list_for_each_entry_rcu(s, &t->list, list) {
		bind = rcu_dereference(s->bind);
		/* Lazy and safe against concurrent users of the cache. */
		if (bind)
			dst_cache_reset(&bind->dst_cache);
	}
	rcu_read_unlock();
}

/* Under rcu_read_lock(): the session with our id @id, unreferenced. */
struct jp_session *jp_session_lookup_rcu(struct jp_session_table *t, u32 id)
{
	return rhashtable_lookup(&t->by_id, &id, jp_session_params);
}

/* The session with our id @id, referenced, or NULL. */
struct jp_session *jp_session_lookup_get(struct jp_session_table *t, u32 id)
{
	struct jp_session *s;

	rcu_read_lock();
	s = jp_session_lookup_rcu(t, id);
	if (s && !jp_session_get(s))
		s = NULL;
	rcu_read_unlock();
	return s;
}

/*
 * Under rcu_read_lock(): the session whose prefixes hold @dst most
 * specifically, unreferenced, or NULL. One owner per prefix: no ties.
 */
struct jp_session *jp_session_route4_rcu(struct jp_session_table *t,
					 __be32 dst)
{
	return jp_aip_lookup4_rcu(&t->aips, dst);
}

struct jp_session *jp_session_route6_rcu(struct jp_session_table *t,
					 const struct in6_addr *dst)
{
	return jp_aip_lookup6_rcu(&t->aips, dst);
}

/*
 * Under rcu_read_lock(): may the peer of @s, a session of @t, send from
 * @src (does one of its prefixes hold it)? One walk down the trie, however
 * many prefixes @s has.
 */
bool jp_session_allows_src4(struct jp_session_table *t, struct jp_session *s,
			    __be32 src)
{
	return jp_aip_owns4_rcu(&t->aips, s, src);
}

bool jp_session_allows_src6(struct jp_session_table *t, struct jp_session *s,
			    const struct in6_addr *src)
{
	return jp_aip_owns6_rcu(&t->aips, s, src);
}

/**
 * jp_prefix_set_check - the one-owner rule for a session's new prefixes
 * @t: the session's table; its writers serialised by the caller (the
 *	device's conf_lock), so that the answer still holds when the set is
 *	installed
 * @s: the session @set is for (its current prefixes do not count), or
 *	NULL for a session not in the table yet
 * @set: the prefixes about to be installed, host bits clear
 * @idx: set to the index in @set of the first prefix that breaks the rule
 * @owner: set to the id of the session that holds it (@s's own id if
 *	@set names the prefix twice)
 *
 * Changes nothing: a request is checked before anything is built for it.
 * The trie enforces the same rule again when the set goes in (see
 * jp_aip_check()).
 *
 * Return: 0, -EEXIST (another session owns one) or -EINVAL (@set holds one
 * twice).
 */
int jp_prefix_set_check(struct jp_session_table *t,
			const struct jp_session *s,
			const struct jp_prefix_set *set, unsigned int *idx,
			u32 *owner)
{
	return jp_aip_check(&t->aips, s, set, idx, owner);
}

/* A session of @t changed what a dump shows of it (its prefixes). */
void jp_session_table_changed(struct jp_session_table *t)
{
	spin_lock_bh(&t->lock);
	jp_session_table_bump_gen(t);
	spin_unlock_bh(&t->lock);
}

/*
 * The prefixes of a session not in a table yet (NULL: none); takes @set.
 * jp_session_table_insert() puts them in the trie.
 */
void jp_session_set_prefixes(struct jp_session *s, struct jp_prefix_set *set)
{
	struct jp_prefix_set *old;

	/* Unpublished: nobody else reads or writes it. */
	WARN_ON_ONCE(s->hashed);
	old = rcu_replace_pointer(s->prefixes, set, true);
	kfree(old);
}

/**
 * jp_session_table_set_prefixes - replace the prefixes of a session in a
 *	table
 * @t: its table
 * @s: the session, referenced
 * @set: its new prefixes (NULL: none); taken on success
 *
 * The caller ran jp_prefix_set_check() under the device's conf_lock, which
 * it still holds, so only memory can run short. Readers see the new
 * prefixes owned before the old ones go (jp_aip_commit()): never a session
 * that did not own what they looked up. Process context.
 *
 * Return: 0, -ENOMEM, -ENOENT if @s has left its table (which conf_lock
 * rules out too), or (without that check) what jp_aip_prepare() says.
 */
int jp_session_table_set_prefixes(struct jp_session_table *t,
				  struct jp_session *s,
				  struct jp_prefix_set *set)
{
	struct jp_prefix_set *old = NULL;
	struct jp_aip_pool pool;
	unsigned int idx;
	u32 owner;
	int err;

	err = jp_aip_pool_fill(&pool, set, GFP_KERNEL);
	if (err)
		return err;
	spin_lock_bh(&t->lock);
	err = s->hashed ? jp_aip_prepare(&t->aips, s, set, &pool, &idx,
					 &owner) : -ENOENT;
	if (!err) {
		old = rcu_replace_pointer(s->prefixes, set,
					  lockdep_is_held(&t->lock));
		jp_aip_commit(&t->aips, s, old, set);
	}
	spin_unlock_bh(&t->lock);
	jp_aip_pool_drain(&pool);
	if (old)
		kfree_rcu(old, rcu);
	return err;
}

/*
 * Replace the binding (NULL: none); takes @bind, stamped with now and
 * @reason (enum jumping_reason). The session keeps its id, keys and
 * counters: only where its packets go changes. The binding replaced goes
 * into the history. Process context (the history's ring is allocated at
 * the first move; writers are serialised by the device's conf_lock, so the
 * ring seen missing here is still missing under @lock). Without memory for
 * the ring the move still happens; only its record of the past is lost.
 */
void jp_session_set_bind(struct jp_session *s, struct jp_bind *bind,
			 u16 reason)
{
	struct jp_bind_past *spare = NULL, *past;
	struct jp_bind *old;

	might_sleep();
	if (!READ_ONCE(s->history) && rcu_access_pointer(s->bind))
		spare = kzalloc(sizeof(*spare), GFP_KERNEL);
	if (bind) {
		bind->since = jiffies;
		bind->reason = reason;
	}
	spin_lock_bh(&s->lock);
	old = rcu_replace_pointer(s->bind, bind, lockdep_is_held(&s->lock));
	if (old && !s->history) {
		WRITE_ONCE(s->history, spare);
		spare = NULL;
	}
	past = s->history;
	if (old && past) {
		jp_bind_record_set(&past->rec[past->next], old);
		past->next = (past->next + 1) % ARRAY_SIZE(past->rec);
		if (past->count < ARRAY_SIZE(past->rec))
			past->count++;
	}
	spin_unlock_bh(&s->lock);
	kfree(spare);
	jp_bind_free_rcu(old);
	/* A silence was the old binding's: the new one starts afresh. */
	jp_silence_restart(s);
}

/**
 * jp_session_change_state - move the session to @state for @reason
 * @s: the session
 * @state: enum jumping_state
 * @reason: enum jumping_reason, kept as the last reason
 * @old_state: set to the state before
 *
 * Setting the state it is in changes nothing (reason and time stay those
 * of the change that led there). Return: true if the state changed.
 */
bool jp_session_change_state(struct jp_session *s, u8 state, u16 reason,
			     u8 *old_state)
{
	bool changed;

	spin_lock_bh(&s->lock);
	*old_state = s->state;
	changed = state != s->state;
	if (changed) {
		WRITE_ONCE(s->state, state);
		s->reason = reason;
		s->state_since = jiffies;
	}
	spin_unlock_bh(&s->lock);
	return changed;
}

#ifdef JUMPING_SELFTEST
#include "selftest/session.c"
#endif
