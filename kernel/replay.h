/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: anti-replay window for the packet counter of one receive
 * key, in the style of RFC 6479 (a ring of bitmap words).
 */
#ifndef _JP_REPLAY_H
#define _JP_REPLAY_H

#include <linux/bits.h>
#include <linux/spinlock.h>
#include <linux/types.h>

/*
 * The ring holds JP_REPLAY_BITS counters. One word of it is always the word
 * being filled at the top, so the window that is guaranteed is one word
 * smaller: JP_REPLAY_WINDOW counters below the highest one seen.
 */
#define JP_REPLAY_BITS		4096
#define JP_REPLAY_WORDS		(JP_REPLAY_BITS / BITS_PER_LONG)
#define JP_REPLAY_WINDOW	(JP_REPLAY_BITS - BITS_PER_LONG)

/**
 * struct jp_replay - which counters of one key have been received
 * @lock: serialises the updates of receivers on different CPUs that hold
 *        packets of the same key; taken with BH disabled since receive runs
 *        in softirq. The check before decrypting reads without it.
 * @next: highest counter accepted so far plus one, 0 before the first one
 * @ring: bit (counter % JP_REPLAY_BITS) is set once that counter is accepted
 */
struct jp_replay {
	spinlock_t lock; /* updates only, BH off; the check is lockless */
	u64 next;
	unsigned long ring[JP_REPLAY_WORDS];
};

void jp_replay_init(struct jp_replay *w);
bool jp_replay_check(const struct jp_replay *w, u64 counter);
bool jp_replay_update(struct jp_replay *w, u64 counter);

#ifdef JUMPING_SELFTEST
bool jp_replay_selftest(void);
#else
static inline bool jp_replay_selftest(void)
{
	return true;
}
#endif

#endif /* _JP_REPLAY_H */
