// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: anti-replay window (RFC 6479 style).
 *
 * Receive asks twice. jp_replay_check() before decrypting, so a replayed or
 * stale packet costs no crypto; jp_replay_update() only after the packet
 * authenticated, so a forged counter can never move the window. Two CPUs
 * may both pass the check for the same counter; the update, under the lock,
 * lets exactly one of them through.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>

#include "replay.h"

void jp_replay_init(struct jp_replay *w)
{
	spin_lock_init(&w->lock);
	w->next = 0;
	bitmap_zero(w->ring, JP_REPLAY_BITS);
}

static unsigned int jp_replay_bit(u64 counter)
{
	return counter % JP_REPLAY_BITS;
}

static u64 jp_replay_word(u64 counter)
{
	return counter / BITS_PER_LONG;
}

/* Lock held. False if @counter was seen or is below the window. */
static bool jp_replay_fresh(const struct jp_replay *w, u64 counter)
{
	/* w->next = counter + 1 must not wrap; senders stop long before. */
	if (unlikely(counter == U64_MAX))
		return false;
	if (counter >= w->next)
		return true;
	if (w->next - counter > JP_REPLAY_WINDOW)
		return false;
	return !test_bit(jp_replay_bit(counter), w->ring);
}

/**
 * jp_replay_check - may a packet with this counter be new?
 * @w: the window of the key the packet names
 * @counter: the packet's counter, not yet authenticated
 *
 * Changes nothing. Return: false if the packet is a replay or too old.
 */
bool jp_replay_check(struct jp_replay *w, u64 counter)
{
	bool fresh;

	spin_lock_bh(&w->lock);
	fresh = jp_replay_fresh(w, counter);
	spin_unlock_bh(&w->lock);
	return fresh;
}

/*
 * Lock held, @counter >= w->next. Clear the ring words that the window
 * slides over, so that they can record the counters now coming into it.
 */
static void jp_replay_advance(struct jp_replay *w, u64 counter)
{
	u64 top = jp_replay_word(counter);
	u64 cur, n;

	/* Before the first packet, word 0 is clean already. */
	cur = w->next ? jp_replay_word(w->next - 1) : 0;
	n = min_t(u64, top - cur, JP_REPLAY_WORDS);
	while (n--) {
		cur++;
		w->ring[cur % JP_REPLAY_WORDS] = 0;
	}
	w->next = counter + 1;
}

/**
 * jp_replay_update - record an authenticated counter
 * @w: the window of the key that authenticated the packet
 * @counter: the packet's counter
 *
 * Return: false if the counter was recorded meanwhile (a concurrent copy of
 * the same packet) or fell below the window; the packet must be dropped.
 */
bool jp_replay_update(struct jp_replay *w, u64 counter)
{
	bool fresh;

	spin_lock_bh(&w->lock);
	fresh = jp_replay_fresh(w, counter);
	if (fresh) {
		if (counter >= w->next)
			jp_replay_advance(w, counter);
		__set_bit(jp_replay_bit(counter), w->ring);
	}
	spin_unlock_bh(&w->lock);
	return fresh;
}

#ifdef JUMPING_SELFTEST
#include "selftest/replay.c"
#endif
