/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: sessions and the per-device table that finds them, by session
 * id on receive and by inner destination on transmit.
 */
#ifndef _JP_SESSION_H
#define _JP_SESSION_H

#include <linux/in6.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <linux/jumping.h>

#include "allowedips.h"
#include "bind.h"
#include "keyslots.h"
#include "stats.h"
#include "timers.h"

/*
 * Most inner prefixes one session may hold: bounds the memory one session
 * takes (20 bytes a prefix) and keeps a whole session within one netlink
 * request and one SESSION_GET reply (a nest's length is 16 bits; see
 * netlink_session_fill.c). Documented in docs/protocol.md.
 */
#define JP_SESSION_MAX_PREFIXES	1024

/*
 * Longest keepalive interval: NAT mappings of UDP time out after 30 s to
 * a few minutes, so a keepalive rarer than this keeps nothing alive.
 */
#define JP_KEEPALIVE_MAX_MS	600000

/**
 * struct jp_session - identity, keys, counters and binding of one peer
 * @node: in the table's by_id hash
 * @list: in the table's list of every session (dumps, teardown)
 * @id: the id we chose, which the peer puts in every packet to us
 * @seq: when it was inserted, from its table's @next_seq: sessions are in
 *       the table's list in @seq order, which lets a dump resume after a
 *       session (netlink_session_fill.c)
 * @peer_id: the id the peer chose, which we put in every packet to it
 * @ref: the table holds one; so does every user outside an RCU section
 * @dev: the device the session belongs to; sessions never outlive it
 * @keys: primary and secondary key
 * @prefixes: inner prefixes, both the routes to the peer and what it may
 *            send from, as given (for dumps); set before the session goes
 *            into its table, then replaced under the table lock together
 *            with the table's trie, which is what the packet paths read
 * @bind: the current transport binding, NULL until one is set
 * @stats: packet counters, atomics shared by all CPUs (stats.h says why)
 * @lock: serialises writers of @bind, and guards the state
 *        record (@state, @reason, @state_since) and the history ring
 * @state: enum jumping_state; written under @lock, read with READ_ONCE
 * @reason: enum jumping_reason of the last state change, under @lock
 * @state_since: jiffies of the last state change, under @lock
 * @history: the bindings before @bind, a ring under @lock; NULL until the
 *           first move (most sessions never move: 400 bytes saved each)
 * @rx_stamp: jiffies of the last authenticated packet from the binding's
 *            remote address and port; 0 = never. Lockless (READ_ONCE),
 *            written only when jiffies moved on (jp_stamp_touch())
 * @tx_stamp: the same for the last packet sent, keepalives included
 * @unknown_ntf_stamp: jiffies of the last UNKNOWN_SOURCE_NTF, 0 = never;
 *                     claimed with cmpxchg() so one CPU sends per second
 * @keepalive_ms: keepalive interval, 0 = off; written under the device's
 *                conf_lock, read with READ_ONCE by the timer
 * @keepalive_timer: sends a keepalive when nothing was sent for
 *                   @keepalive_ms; armed only while the session is in its
 *                   table and its device is up, shut down (synchronously)
 *                   when it leaves the table, stopped when the device goes
 *                   down
 * @silence_ms: SILENCE_NTF after this long unheard, 0 = off; written under
 *               the device's conf_lock, read with READ_ONCE
 * @silence: enum jp_silence_state; lockless, every transition a cmpxchg
 *           (silence.c)
 * @unheard_since: jiffies of the first packet sent after the last rx from
 *                 the binding; valid while @silence is UNHEARD or SILENT
 * @silence_timer: tells SILENT when @silence_ms passed unheard; the same
 *                 rules as @keepalive_timer
 * @hashed: in the table; under the table lock
 * @exhausted_work: raises the key-exhausted event from process context for
 *                  transmit, which runs with BH off; queued holding a ref
 *                  on the session and one on @dev
 * @exhausted_key_id: the key id that event names, written before queueing
 * @rcu: the session is freed after a grace period once its last ref goes
 */
struct jp_session {
	struct rhash_head node;
	struct list_head list;
	u32 id;
	u32 peer_id;
	u64 seq;
	refcount_t ref;
	struct net_device *dev;
	struct jp_key_slots keys;
	struct jp_prefix_set __rcu *prefixes;
	struct jp_bind __rcu *bind;
	struct jp_session_stats stats;
	spinlock_t lock; /* see above */
	u8 state;
	u16 reason;
	unsigned long state_since;
	struct jp_bind_past *history;
	unsigned long rx_stamp;
	unsigned long tx_stamp;
	unsigned long unknown_ntf_stamp;
	u32 keepalive_ms;
	struct timer_list keepalive_timer;
	u32 silence_ms;
	unsigned int silence;
	unsigned long unheard_since;
	struct timer_list silence_timer;
	bool hashed;
	struct work_struct exhausted_work;
	u8 exhausted_key_id;
	struct rcu_head rcu;
};

/**
 * struct jp_session_table - a device's sessions
 * @by_id: session id -> session, for receive
 * @list: every session, for dumps and teardown
 * @aips: inner prefix -> owning session, for transmit and the receive
 *        source check
 * @lock: serialises writers (netlink, device teardown) of all three;
 *        readers on the packet paths hold only rcu_read_lock()
 * @count: number of sessions, written under @lock (WRITE_ONCE: device
 *         dumps read it without)
 * @next_seq: the next inserted session's @seq, under @lock; starts at 1
 * @gen: bumped under @lock on every insert and remove, so a multi-part dump
 *       can flag itself inconsistent; never 0
 */
struct jp_session_table {
	struct rhashtable by_id;
	struct list_head list;
	struct jp_allowedips aips;
	spinlock_t lock; /* writers only; readers use RCU */
	unsigned int count;
	unsigned int gen;
	u64 next_seq;
};

int jp_session_table_init(struct jp_session_table *t);
void jp_session_table_flush(struct jp_session_table *t);
void jp_session_table_destroy(struct jp_session_table *t);
void jp_session_table_reset_routes(struct jp_session_table *t);

struct jp_session *jp_session_new(struct net_device *dev, u32 id,
				  u32 peer_id);
void jp_session_put(struct jp_session *s);

static inline bool jp_session_get(struct jp_session *s)
{
	return refcount_inc_not_zero(&s->ref);
}

int jp_session_table_insert(struct jp_session_table *t, struct jp_session *s);
bool jp_session_table_remove(struct jp_session_table *t,
			     struct jp_session *s);

struct jp_session *jp_session_table_first_get(struct jp_session_table *t);
struct jp_session *jp_session_lookup_rcu(struct jp_session_table *t, u32 id);
struct jp_session *jp_session_lookup_get(struct jp_session_table *t, u32 id);
struct jp_session *jp_session_route4_rcu(struct jp_session_table *t,
					 __be32 dst);
struct jp_session *jp_session_route6_rcu(struct jp_session_table *t,
					 const struct in6_addr *dst);

void jp_session_set_prefixes(struct jp_session *s, struct jp_prefix_set *set);
int jp_session_table_set_prefixes(struct jp_session_table *t,
				  struct jp_session *s,
				  struct jp_prefix_set *set);
int jp_prefix_set_check(struct jp_session_table *t,
			const struct jp_session *s,
			const struct jp_prefix_set *set, unsigned int *idx,
			u32 *owner);
void jp_session_table_changed(struct jp_session_table *t);
bool jp_session_allows_src4(struct jp_session_table *t, struct jp_session *s,
			    __be32 src);
bool jp_session_allows_src6(struct jp_session_table *t, struct jp_session *s,
			    const struct in6_addr *src);

void jp_session_set_bind(struct jp_session *s, struct jp_bind *bind,
			 u16 reason);
bool jp_session_change_state(struct jp_session *s, u8 state, u16 reason,
			     u8 *old_state);

#ifdef JUMPING_SELFTEST
bool jp_session_selftest(void);
#else
static inline bool jp_session_selftest(void)
{
	return true;
}
#endif

static inline u8 jp_session_state(const struct jp_session *s)
{
	return READ_ONCE(s->state);
}

/*
 * Note "now" in a packet path's timestamp. Written only when jiffies moved
 * on, so a stream of packets dirties the cache line once per tick, not
 * once per packet. 0 is kept for "never".
 */
static inline void jp_stamp_touch(unsigned long *stamp)
{
	unsigned long now = jiffies ?: 1;

	if (READ_ONCE(*stamp) != now)
		WRITE_ONCE(*stamp, now);
}

/*
 * Milliseconds from jiffies @then to @now, in 64 bits: jiffies_to_msecs()
 * returns an unsigned int, which wraps after 49.7 days, and sessions and
 * bindings live longer than that.
 */
static inline u64 jp_age_ms(unsigned long now, unsigned long then)
{
	return jiffies64_to_msecs(now - then);
}

/* Milliseconds since a jiffies stamp; false if it is 0 (never). */
static inline bool jp_stamp_age_ms(const unsigned long *stamp, u64 *ms)
{
	unsigned long then = READ_ONCE(*stamp);

	if (!then)
		return false;
	*ms = jp_age_ms(jiffies, then);
	return true;
}

#endif /* _JP_SESSION_H */
