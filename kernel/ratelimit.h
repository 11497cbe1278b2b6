/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: the budget of control datagrams passed up to jumpd, per
 * source address and in total per device (ratelimit.c).
 */
#ifndef _JP_RATELIMIT_H
#define _JP_RATELIMIT_H

#include <linux/bits.h>
#include <linux/siphash.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct sockaddr;

#define JP_RL_HASH_BITS		9
#define JP_RL_HASH_SIZE		BIT(JP_RL_HASH_BITS)

/**
 * struct jp_rl_bucket - a token bucket
 * @last: jiffies when @credit was last topped up
 * @credit: what is left, in 1/HZ of a datagram
 */
struct jp_rl_bucket {
	unsigned long	last;
	unsigned long	credit;
};

/**
 * struct jp_ratelimit - a device's control upcall budget
 * @key: random per device, so nobody can aim sources at one hash chain
 * @table_lock: serialises adding and removing entries (softirq and the GC
 *	work); lookups walk the chains under RCU without it
 * @entries: how many entries the table holds, under @table_lock
 * @table: the per-source entries (struct jp_rl_entry in ratelimit.c)
 * @total_lock: serialises the receive paths of all CPUs on @total, and
 *	them against a change of @total_rate
 * @total: the device's bucket, charged after the source's
 * @total_rate: datagrams a second @total refills by, under @total_lock;
 *	its burst is a quarter of it (jp_rl_total_burst())
 * @gc: reclaims idle entries; armed while the table is not empty
 */
struct jp_ratelimit {
	siphash_key_t		key;
	spinlock_t		table_lock;	/* see above */
	unsigned int		entries;
	struct hlist_head	table[JP_RL_HASH_SIZE];
	spinlock_t		total_lock;	/* see above */
	struct jp_rl_bucket	total;
	unsigned int		total_rate;
	struct delayed_work	gc;
};

/* Why a datagram may not go up, if it may not. */
enum jp_rl_verdict {
	JP_RL_PASS,
	JP_RL_OVER_SOURCE,	/* its source's share is spent */
	JP_RL_OVER_TOTAL,	/* the device's budget is spent */
	JP_RL_TABLE_FULL,	/* a new source, and no room (or memory) for it */
};

void jp_ratelimit_init(struct jp_ratelimit *rl);
void jp_ratelimit_destroy(struct jp_ratelimit *rl);
void jp_ratelimit_set_total(struct jp_ratelimit *rl, unsigned int rate);
unsigned int jp_ratelimit_total(struct jp_ratelimit *rl);
enum jp_rl_verdict jp_ratelimit_take(struct jp_ratelimit *rl,
				     const struct sockaddr *src,
				     unsigned long now);

#ifdef JUMPING_SELFTEST
bool jp_ratelimit_selftest(void);
#else
static inline bool jp_ratelimit_selftest(void)
{
	return true;
}
#endif

#endif /* _JP_RATELIMIT_H */
