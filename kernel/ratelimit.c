// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: the budget of control datagrams passed up to jumpd.
 *
 * Anybody can send a datagram of type 2, 3 or 4 to the device's port, from
 * any source address it can spoof. Each one that goes up costs an atomic
 * allocation and a multicast, so the kernel limits them before jumpd sees
 * them: first per source, then in total per device. jumpd limits
 * handshakes and reattaches finely on its own (per source and in total,
 * with cookies under load); this only keeps a flood from one source from
 * spending what every other source needs to reach jumpd at all.
 *
 * A source is an IPv4 address, or an IPv6 /64: one host owns a whole /64
 * and can send from any address in it. Each source seen lately has an
 * entry in a hash table keyed by siphash under a random per-device key;
 * entries are made on demand (GFP_ATOMIC, from softirq), at most
 * JP_RL_MAX_ENTRIES of them: past that a new source is refused rather than
 * tracked, so a flood of spoofed sources cannot grow the table. An entry
 * whose bucket has filled up again is the same as no entry; the GC work
 * reclaims those, so it never changes a verdict, it only makes room.
 */
#include <linux/in.h>
#include <linux/jumping.h>
#include <linux/in6.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/slab.h>

#include "ratelimit.h"

/*
 * The numbers, in datagrams (a second, and a burst):
 *
 * Total, per device, 1000/s by default, bursts of a quarter of the rate
 * (250): at most ~1000 atomic allocations and multicasts of <= 1.3 KB a
 * second (~1.3 MB/s of netlink), well within what one jumpd reads, while
 * every peer of a restarted gateway handshaking at once (a few datagrams
 * each) passes: 250 at once, then 1000 a second. A gateway for many
 * clients raises it per device (JUMPING_A_CONTROL_RATE, up to
 * JUMPING_CONTROL_RATE_MAX): 100,000 clients need 100 s to handshake again
 * at 1000/s, 10 s at 10,000/s, at ten times the netlink traffic.
 *
 * Per source, 32/s, bursts of 32: above what jumpd itself accepts from one
 * address (10 handshake initiations and 10 REATTACH requests a second by
 * default, plus the answers to its challenges and cookies), so the kernel
 * does not refuse what jumpd would have taken from one host. Hosts behind
 * one NAT share an address, so they share its share, as they share jumpd's
 * per-source limits; a few still pass at once. One source gets at most
 * 1/31 of the total rate and 1/7 of its burst: however fast it sends, the
 * rest stays for the others. Burst equal to rate makes an entry full again
 * after one idle second.
 *
 * Entries, at most 4096 per device at the default rate, four times the
 * rate above it, up to 65536: a source's entry is reclaimed within about
 * two seconds of its last datagram (one to fill up, one GC period), and
 * the total lets at most ~2.25 times its rate through in that time, so
 * genuine sources never come close; only a flood of spoofed sources fills
 * the table, and then costs at most that many small entries per device
 * (4096: ~300 KB; 65536: ~4.7 MB, in chains of 128 on average).
 */
#define JP_RL_SOURCE_RATE	32
#define JP_RL_SOURCE_BURST	32
#define JP_RL_MAX_ENTRIES	4096
#define JP_RL_MAX_ENTRIES_CAP	65536
#define JP_RL_GC_PERIOD		HZ

/*
 * Credit is kept in 1/HZ of a datagram so that each jiffy adds exactly
 * rate units and a datagram costs HZ units, without division.
 */
#define JP_RL_COST		HZ

/**
 * struct jp_rl_entry - one source's bucket
 * @node: in its hash chain; added and removed under the table lock,
 *	walked under RCU
 * @prefix: the IPv4 address, or the upper 64 bits of the IPv6 address
 * @family: AF_INET or AF_INET6
 * @dead: set by the GC, under @lock, when it unlinks the entry: a lookup
 *	that found it just before must not charge it
 * @lock: serialises the CPUs charging this source
 * @bucket: the source's credit, under @lock
 * @rcu: frees the entry after the readers that may still see it
 */
struct jp_rl_entry {
	struct hlist_node	node;
	u64			prefix;
	sa_family_t		family;
	bool			dead;
	spinlock_t		lock;	/* see above */
	struct jp_rl_bucket	bucket;
	struct rcu_head		rcu;
};

/* The device's burst for a total @rate: a quarter, at least one. */
static unsigned int jp_rl_total_burst(unsigned int rate)
{
	return max(rate / 4, 1U);
}

/*
 * Most sources tracked at once, for the device's total rate. Read without
 * the total's lock: a rate changing meanwhile moves only the cap.
 */
static unsigned int jp_rl_max_entries(struct jp_ratelimit *rl)
{
	return clamp(4 * READ_ONCE(rl->total_rate), JP_RL_MAX_ENTRIES,
		     JP_RL_MAX_ENTRIES_CAP);
}

/* The credit of a full bucket of @burst datagrams. */
static unsigned long jp_rl_cap(unsigned int burst)
{
	return (unsigned long)burst * JP_RL_COST;
}

static void jp_rl_bucket_fill(struct jp_rl_bucket *b, unsigned long now,
			      unsigned int burst)
{
	b->last = now;
	b->credit = jp_rl_cap(burst);
}

/*
 * Top @b up to @now and take one datagram's cost if there is enough. Pure
 * arithmetic: the caller holds the bucket's lock and gives the time.
 */
static bool jp_rl_bucket_take(struct jp_rl_bucket *b, unsigned long now,
			      unsigned int rate, unsigned int burst)
{
	unsigned long cap = jp_rl_cap(burst), elapsed = now - b->last;

	if (elapsed) {
		b->last = now;
		/*
		 * Bounded first to what fills the bucket, so the product
		 * stays within cap + rate and cannot overflow.
		 */
		elapsed = min(elapsed, DIV_ROUND_UP(cap, rate));
		b->credit = min(b->credit + elapsed * rate, cap);
	}
	if (b->credit < JP_RL_COST)
		return false;
	b->credit -= JP_RL_COST;
	return true;
}

/*
 * Has @b filled up again by @now? Then it is as good as a new one. A
 * bucket charged after @now was read (on another CPU) is not.
 */
static bool jp_rl_bucket_full(const struct jp_rl_bucket *b, unsigned long now,
			      unsigned int rate, unsigned int burst)
{
	unsigned long missing = jp_rl_cap(burst) - b->credit;

	if (time_before(now, b->last))
		return false;
	return now - b->last >= DIV_ROUND_UP(missing, rate);
}

/* The source of @sa, as the table keys it: false if not IPv4 or IPv6. */
static bool jp_rl_source(const struct sockaddr *sa, u64 *prefix,
			 sa_family_t *family)
{
	*family = sa->sa_family;
	if (sa->sa_family == AF_INET) {
		*prefix = be32_to_cpu(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;

		*prefix = (u64)be32_to_cpu(a->s6_addr32[0]) << 32 |
			  be32_to_cpu(a->s6_addr32[1]);
		return true;
	}
	return false;
}

static struct hlist_head *jp_rl_chain(struct jp_ratelimit *rl, u64 prefix,
				      sa_family_t family)
{
	u64 hash = siphash_2u64(prefix, family, &rl->key);

	return &rl->table[hash & (JP_RL_HASH_SIZE - 1)];
}

/* Charge an entry found in the table; false if the GC just took it. */
static bool jp_rl_entry_take(struct jp_rl_entry *e, unsigned long now,
			     bool *ok)
{
	bool live;

	spin_lock_bh(&e->lock);
	live = !e->dead;
	if (live)
		*ok = jp_rl_bucket_take(&e->bucket, now, JP_RL_SOURCE_RATE,
					JP_RL_SOURCE_BURST);
	spin_unlock_bh(&e->lock);
	return live;
}

/*
 * The source's share: charge its entry, made now if it has none. Under
 * rcu_read_lock(), which keeps the entries seen in the chain alive.
 */
static enum jp_rl_verdict jp_rl_source_take(struct jp_ratelimit *rl,
					    u64 prefix, sa_family_t family,
					    unsigned long now)
{
	struct hlist_head *chain = jp_rl_chain(rl, prefix, family);
	enum jp_rl_verdict verdict;
	struct jp_rl_entry *e;
	bool ok = false;

	hlist_for_each_entry_rcu(e, chain, node) {
		if (e->prefix == prefix && e->family == family &&
		    jp_rl_entry_take(e, now, &ok))
			return ok ? JP_RL_PASS : JP_RL_OVER_SOURCE;
	}

	/* Not there (or just reclaimed): look again under the lock. */
	spin_lock_bh(&rl->table_lock);
	hlist_for_each_entry(e, chain, node) {
		/* The lock excludes the GC: a linked entry is not dead. */
		if (e->prefix == prefix && e->family == family) {
			jp_rl_entry_take(e, now, &ok);
			verdict = ok ? JP_RL_PASS : JP_RL_OVER_SOURCE;
			goto unlock;
		}
	}
	verdict = JP_RL_TABLE_FULL;
	if (rl->entries >= jp_rl_max_entries(rl))
		goto unlock;
	e = kzalloc(sizeof(*e), GFP_ATOMIC);
	if (!e)
		goto unlock;
	e->prefix = prefix;
	e->family = family;
	spin_lock_init(&e->lock);
	jp_rl_bucket_fill(&e->bucket, now, JP_RL_SOURCE_BURST);
	jp_rl_bucket_take(&e->bucket, now, JP_RL_SOURCE_RATE,
			  JP_RL_SOURCE_BURST);
	hlist_add_head_rcu(&e->node, chain);
	if (!rl->entries++)
		queue_delayed_work(system_power_efficient_wq, &rl->gc,
				   JP_RL_GC_PERIOD);
	verdict = JP_RL_PASS;
unlock:
	spin_unlock_bh(&rl->table_lock);
	return verdict;
}

/**
 * jp_ratelimit_take - may one more control datagram from @src go up now?
 * @rl: the device's budget
 * @src: the datagram's source address (sockaddr_in or sockaddr_in6)
 * @now: jiffies (the self-test passes its own clock)
 *
 * The source's share first, then the device's total: a source over its
 * share does not spend the total, so it cannot crowd out the others.
 * Any context up to softirq.
 *
 * Return: JP_RL_PASS having charged both, or why not.
 */
enum jp_rl_verdict jp_ratelimit_take(struct jp_ratelimit *rl,
				     const struct sockaddr *src,
				     unsigned long now)
{
	enum jp_rl_verdict verdict;
	sa_family_t family;
	u64 prefix;
	bool ok;

	/* The sockets are IPv4 and IPv6 only: nothing else arrives. */
	if (!jp_rl_source(src, &prefix, &family))
		return JP_RL_TABLE_FULL;
	rcu_read_lock();
	verdict = jp_rl_source_take(rl, prefix, family, now);
	rcu_read_unlock();
	if (verdict != JP_RL_PASS)
		return verdict;

	spin_lock_bh(&rl->total_lock);
	ok = jp_rl_bucket_take(&rl->total, now, rl->total_rate,
			       jp_rl_total_burst(rl->total_rate));
	spin_unlock_bh(&rl->total_lock);
	return ok ? JP_RL_PASS : JP_RL_OVER_TOTAL;
}

/*
 * Unlink the entries whose bucket is full again by @now (all of them if
 * @all). Returns how many are left.
 */
static unsigned int jp_rl_reclaim(struct jp_ratelimit *rl, unsigned long now,
				  bool all)
{
	struct jp_rl_entry *e;
	struct hlist_node *tmp;
	unsigned int i, left;

	spin_lock_bh(&rl->table_lock);
	for (i = 0; i < JP_RL_HASH_SIZE; i++) {
		hlist_for_each_entry_safe(e, tmp, &rl->table[i], node) {
			spin_lock(&e->lock);
			e->dead = all ||
				  jp_rl_bucket_full(&e->bucket, now,
						    JP_RL_SOURCE_RATE,
						    JP_RL_SOURCE_BURST);
			spin_unlock(&e->lock);
			if (!e->dead)
				continue;
			hlist_del_rcu(&e->node);
			rl->entries--;
			/* A reader may still be looking at it. */
			kfree_rcu(e, rcu);
		}
	}
	left = rl->entries;
	spin_unlock_bh(&rl->table_lock);
	return left;
}

static void jp_rl_gc(struct work_struct *work)
{
	struct jp_ratelimit *rl = container_of(to_delayed_work(work),
					       struct jp_ratelimit, gc);

	/*
	 * Re-armed while entries remain; an insert into an empty table arms
	 * it too, and queueing an armed work does nothing.
	 */
	if (jp_rl_reclaim(rl, jiffies, false))
		queue_delayed_work(system_power_efficient_wq, &rl->gc,
				   JP_RL_GC_PERIOD);
}

/* Cannot fail: the table lives in the device's private area. */
void jp_ratelimit_init(struct jp_ratelimit *rl)
{
	unsigned int i;

	get_random_bytes(&rl->key, sizeof(rl->key));
	spin_lock_init(&rl->table_lock);
	rl->entries = 0;
	for (i = 0; i < JP_RL_HASH_SIZE; i++)
		INIT_HLIST_HEAD(&rl->table[i]);
	spin_lock_init(&rl->total_lock);
	rl->total_rate = JUMPING_CONTROL_RATE_DEFAULT;
	jp_rl_bucket_fill(&rl->total, jiffies,
			  jp_rl_total_burst(rl->total_rate));
	INIT_DELAYED_WORK(&rl->gc, jp_rl_gc);
}

/**
 * jp_ratelimit_set_total - change the device's total rate
 * @rl: the device's budget
 * @rate: datagrams a second, JUMPING_CONTROL_RATE_MIN..MAX (the netlink
 *	policy checked it)
 *
 * The bucket starts full at the new burst: a raised budget helps at once,
 * and a lowered one holds from now on. Any context.
 */
void jp_ratelimit_set_total(struct jp_ratelimit *rl, unsigned int rate)
{
	spin_lock_bh(&rl->total_lock);
	WRITE_ONCE(rl->total_rate, rate);
	jp_rl_bucket_fill(&rl->total, jiffies, jp_rl_total_burst(rate));
	spin_unlock_bh(&rl->total_lock);
}

/* The device's total rate, datagrams a second. */
unsigned int jp_ratelimit_total(struct jp_ratelimit *rl)
{
	unsigned int rate;

	spin_lock_bh(&rl->total_lock);
	rate = rl->total_rate;
	spin_unlock_bh(&rl->total_lock);
	return rate;
}

/*
 * Once nothing can call jp_ratelimit_take() any more (the device's sockets
 * are released, which waits for receive): stop the GC and free the table.
 */
void jp_ratelimit_destroy(struct jp_ratelimit *rl)
{
	cancel_delayed_work_sync(&rl->gc);
	jp_rl_reclaim(rl, jiffies, true);
}

#ifdef JUMPING_SELFTEST
#include "selftest/ratelimit.c"
#endif
