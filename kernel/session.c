// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: sessions and the session table.
 *
 * Receive finds a session by the id in the packet through an rhashtable;
 * transmit finds it by the inner destination through a longest-prefix scan
 * of every session's prefixes. The scan is O(sessions x prefixes): simple
 * and enough for the handful of sessions a device holds today; a trie in
 * the manner of an FIB replaces it when devices hold many.
 *
 * Lifetime: the table holds one reference. Removing a session unhashes it
 * under the table lock and drops that reference; the last reference frees
 * the session after an RCU grace period, because packet paths find it
 * under rcu_read_lock() without taking a reference.
 *
 * A session's keepalive and silence timers hold no reference: they are
 * armed only while the session is in its table, and leaving the table
 * shuts them down and waits for a running callback before the table's
 * reference goes, so a callback always runs on a live session whose device
 * is registered.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "netlink.h"
#include "send.h"
#include "session.h"
#include "silence.h"

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
	t->count = 0;
	t->gen = 1;
	return rhashtable_init(&t->by_id, &jp_session_params);
}

/*
 * Timer (softirq): nothing was sent for keepalive_ms, or it is time to
 * look again. The session is in its table (see the top of this file).
 */
static void jp_session_keepalive_fire(struct timer_list *t)
{
	struct jp_session *s = from_timer(s, t, keepalive_timer);
	unsigned long interval, last, next;

	interval = msecs_to_jiffies(READ_ONCE(s->keepalive_ms));
	if (!interval)
		return;	/* turned off meanwhile */
	/* Down: nothing is sent; ndo_open arms the timer again. */
	if (!netif_running(s->dev))
		return;
	last = READ_ONCE(s->tx_stamp);
	next = last + interval;
	if (!last || !time_before(jiffies, next)) {
		/* Sends only with a binding and a primary key. */
		jp_send_keepalive(s);
		next = jiffies + interval;
	}
	/* A no-op once the timer is shut down: removal wins. */
	mod_timer(&s->keepalive_timer, next);
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
	timer_setup(&s->keepalive_timer, jp_session_keepalive_fire, 0);
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
 * The table takes a reference of its own. Return: 0, -EEXIST if the id is
 * taken, or another error from the hash table.
 */
int jp_session_table_insert(struct jp_session_table *t, struct jp_session *s)
{
	int err;

	spin_lock_bh(&t->lock);
	if (s->id)
		err = rhashtable_lookup_insert_fast(&t->by_id, &s->node,
						    jp_session_params);
	else
		err = jp_session_insert_random(t, s);
	if (!err) {
		refcount_inc(&s->ref);
		list_add_tail_rcu(&s->list, &t->list);
		s->hashed = true;
		t->count++;
		jp_session_table_bump_gen(t);
	}
	spin_unlock_bh(&t->lock);
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
		list_del_rcu(&s->list);
		s->hashed = false;
		t->count--;
		jp_session_table_bump_gen(t);
	}
	spin_unlock_bh(&t->lock);
	if (removed) {
		/*
		 * Process context. Unhashed, so nobody arms them again
		 * (packet paths that still hold the session find them shut
		 * down); wait for a running callback while the table's ref
		 * still holds.
		 */
		timer_shutdown_sync(&s->keepalive_timer);
		timer_shutdown_sync(&s->silence_timer);
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

static bool jp_prefix_match4(const struct jp_prefix *p, __be32 addr)
{
	if (p->family != AF_INET)
		return false;
	/* A shift by 32 is undefined: /0 matches everything. */
	return !p->len ||
	       !((addr ^ p->addr.ip4) & htonl(~0U << (32 - p->len)));
}

static bool jp_prefix_match6(const struct jp_prefix *p,
			     const struct in6_addr *addr)
{
	return p->family == AF_INET6 &&
	       ipv6_prefix_equal(addr, &p->addr.ip6, p->len);
}

/* -1 if no prefix of @set matches, else the longest match's length. */
static int jp_prefix_set_best4(const struct jp_prefix_set *set, __be32 addr)
{
	int best = -1;
	unsigned int i;

	for (i = 0; set && i < set->count; i++)
		if ((int)set->prefix[i].len > best &&
		    jp_prefix_match4(&set->prefix[i], addr))
			best = set->prefix[i].len;
	return best;
}

static int jp_prefix_set_best6(const struct jp_prefix_set *set,
			       const struct in6_addr *addr)
{
	int best = -1;
	unsigned int i;

	for (i = 0; set && i < set->count; i++)
		if ((int)set->prefix[i].len > best &&
		    jp_prefix_match6(&set->prefix[i], addr))
			best = set->prefix[i].len;
	return best;
}

/*
 * Under rcu_read_lock(): the session whose prefixes hold @dst most
 * specifically, unreferenced, or NULL. Ties go to the older session.
 */
struct jp_session *jp_session_route4_rcu(struct jp_session_table *t,
					 __be32 dst)
{
	struct jp_session *s, *best = NULL;
	int best_len = -1, len;

	list_for_each_entry_rcu(s, &t->list, list) {
		len = jp_prefix_set_best4(rcu_dereference(s->prefixes), dst);
		if (len > best_len) {
			best_len = len;
			best = s;
		}
	}
	return best;
}

struct jp_session *jp_session_route6_rcu(struct jp_session_table *t,
					 const struct in6_addr *dst)
{
	struct jp_session *s, *best = NULL;
	int best_len = -1, len;

	list_for_each_entry_rcu(s, &t->list, list) {
		len = jp_prefix_set_best6(rcu_dereference(s->prefixes), dst);
		if (len > best_len) {
			best_len = len;
			best = s;
		}
	}
	return best;
}

/* Under rcu_read_lock(): may the peer send from @src? */
bool jp_session_allows_src4(struct jp_session *s, __be32 src)
{
	return jp_prefix_set_best4(rcu_dereference(s->prefixes), src) >= 0;
}

bool jp_session_allows_src6(struct jp_session *s, const struct in6_addr *src)
{
	return jp_prefix_set_best6(rcu_dereference(s->prefixes), src) >= 0;
}

/**
 * jp_prefix_init - fill in a prefix, clearing its host bits
 * @p: the prefix
 * @family: AF_INET or AF_INET6
 * @addr: a __be32 or a struct in6_addr
 * @len: prefix length, at most 32 or 128
 *
 * Return: 0 or -EINVAL.
 */
int jp_prefix_init(struct jp_prefix *p, sa_family_t family, const void *addr,
		   u8 len)
{
	memset(p, 0, sizeof(*p));
	p->family = family;
	p->len = len;
	if (family == AF_INET && len <= 32) {
		p->addr.ip4 = len ? *(const __be32 *)addr &
				    htonl(~0U << (32 - len)) : 0;
		return 0;
	}
	if (family == AF_INET6 && len <= 128) {
		ipv6_addr_prefix(&p->addr.ip6, addr, len);
		return 0;
	}
	return -EINVAL;
}

/* A set with room for @count prefixes, count set, prefixes zeroed. */
struct jp_prefix_set *jp_prefix_set_alloc(unsigned int count, gfp_t gfp)
{
	struct jp_prefix_set *set;

	if (count > JP_SESSION_MAX_PREFIXES)
		return NULL;
	set = kzalloc(struct_size(set, prefix, count), gfp);
	if (set)
		set->count = count;
	return set;
}

static bool jp_prefix_equal(const struct jp_prefix *a,
			    const struct jp_prefix *b)
{
	if (a->family != b->family || a->len != b->len)
		return false;
	if (a->family == AF_INET)
		return a->addr.ip4 == b->addr.ip4;
	return ipv6_addr_equal(&a->addr.ip6, &b->addr.ip6);
}

/**
 * jp_prefix_set_check - the one-owner rule for a session's new prefixes
 * @t: the session's table; its writers serialised by the caller (the
 *	device's conf_lock), so no other session's prefixes change meanwhile
 * @s: the session @set is for (its current prefixes do not count), or
 *	NULL for a session not in the table yet
 * @set: the prefixes about to be installed, host bits clear
 * @idx: set to the index in @set of the first prefix that breaks the rule
 * @owner: set to the id of the session that holds it (@s's own id if
 *	@set names the prefix twice)
 *
 * A prefix (address and length) has at most one owner per device, so that
 * transmit never has to break a tie; prefixes that only overlap (10.0.0.0/24
 * and 10.0.0.5/32) are fine: the longest match wins. The only place the
 * rule lives: a trie replacing the list keeps it here.
 *
 * Return: 0, -EEXIST (another session owns one) or -EINVAL (@set holds one
 * twice).
 */
int jp_prefix_set_check(struct jp_session_table *t,
			const struct jp_session *s,
			const struct jp_prefix_set *set, unsigned int *idx,
			u32 *owner)
{
	const struct jp_prefix_set *other;
	struct jp_session *o;
	unsigned int i, j;
	int err = 0;

	if (!set)
		return 0;
	for (i = 0; i < set->count; i++)
		for (j = 0; j < i; j++)
			if (jp_prefix_equal(&set->prefix[i], &set->prefix[j])) {
				*idx = i;
				*owner = s ? s->id : 0;
				return -EINVAL;
			}
	/* RCU for the walk only: the caller's lock keeps every set stable. */
	rcu_read_lock();
	list_for_each_entry_rcu(o, &t->list, list) {
		if (o == s)
			continue;
		other = rcu_dereference(o->prefixes);
		for (i = 0; other && i < set->count; i++)
			for (j = 0; j < other->count; j++)
				if (jp_prefix_equal(&set->prefix[i],
						    &other->prefix[j])) {
					*idx = i;
					*owner = o->id;
					err = -EEXIST;
					goto out;
				}
	}
out:
	rcu_read_unlock();
	return err;
}

/* A session of @t changed what a dump shows of it (its prefixes). */
void jp_session_table_changed(struct jp_session_table *t)
{
	spin_lock_bh(&t->lock);
	jp_session_table_bump_gen(t);
	spin_unlock_bh(&t->lock);
}

/* Replace the session's prefixes with @set (NULL: none); takes @set. */
void jp_session_set_prefixes(struct jp_session *s, struct jp_prefix_set *set)
{
	struct jp_prefix_set *old;

	spin_lock_bh(&s->lock);
	old = rcu_replace_pointer(s->prefixes, set, lockdep_is_held(&s->lock));
	spin_unlock_bh(&s->lock);
	if (old)
		kfree_rcu(old, rcu);
}

/*
 * Replace the binding (NULL: none); takes @bind. The session keeps its id,
 * keys and counters: only where its packets go changes. A binding also
 * goes into the history, with @reason (enum jumping_reason).
 */
void jp_session_set_bind(struct jp_session *s, struct jp_bind *bind,
			 u16 reason)
{
	struct jp_bind *old;

	spin_lock_bh(&s->lock);
	old = rcu_replace_pointer(s->bind, bind, lockdep_is_held(&s->lock));
	if (bind) {
		jp_bind_record_set(&s->history[s->history_next], bind, reason);
		s->history_next = (s->history_next + 1) % JUMPING_HISTORY_LEN;
		if (s->history_count < JUMPING_HISTORY_LEN)
			s->history_count++;
	}
	spin_unlock_bh(&s->lock);
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

/*
 * Keepalive every @ms without tx, 0 = off. The device's conf_lock held,
 * and the session in its table (or about to be inserted under the same
 * conf_lock: the timer fires only after a tick, and removal shuts it down).
 * While the device is down the timer stays off: ndo_open starts it.
 */
void jp_session_set_keepalive(struct jp_session *s, u32 ms)
{
	WRITE_ONCE(s->keepalive_ms, ms);
	if (ms && netif_running(s->dev))
		mod_timer(&s->keepalive_timer, jiffies + msecs_to_jiffies(ms));
	else
		timer_delete(&s->keepalive_timer);
}

/**
 * jp_session_table_keepalives - start or stop every session's keepalives
 *	(and, when it stops, forget the silence being counted)
 * @t: a device's table, the device's conf_lock held: every insert and
 *	remove holds it too, so the list is stable without the table lock
 *	(which a synchronous timer stop must not be called under)
 * @run: true when the device comes up, false when it went down
 *
 * Process context (ndo_open, ndo_stop).
 */
void jp_session_table_keepalives(struct jp_session_table *t, bool run)
{
	struct jp_session *s;
	u32 ms;

	list_for_each_entry(s, &t->list, list) {
		ms = READ_ONCE(s->keepalive_ms);
		if (!run) {
			timer_delete_sync(&s->keepalive_timer);
			jp_silence_stop(s);
		} else if (ms) {
			mod_timer(&s->keepalive_timer,
				  jiffies + msecs_to_jiffies(ms));
		}
	}
}

#ifdef JUMPING_SELFTEST
#include "selftest/session.c"
#endif
