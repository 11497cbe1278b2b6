// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: anti-replay window (RFC 6479 style).
 *
 * Receive asks twice. jp_replay_check() before decrypting, so a replayed or
 * stale packet costs no crypto; jp_replay_update() only after the packet
 * authenticated, so a forged counter can never move the window. Two CPUs
 * may both pass the check for the same counter; the update, under the lock,
 * lets exactly one of them through.
 *
 * The check takes no lock: it is only a filter in front of the crypto, and
 * the update decides. A lockless reader may see the window as it was a
 * moment ago, which errs only towards letting a packet through to the
 * update, never towards refusing one the update would accept: @next only
 * grows, a bit is only set for a counter accepted, and a ring word is only
 * cleared or reused once the window has left all counters it held behind.
 * The words are cleared before the new @next is published (release), and
 * the reader reads @next before the ring (acquire), so a reader that sees a
 * window also sees its words cleared.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <asm/barrier.h>

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

/*
 * False if @counter was seen or is below the window whose top is @next.
 * The ring word is read once: the lockless check races with updates.
 */
static bool jp_replay_fresh(const struct jp_replay *w, u64 next, u64 counter)
{
	unsigned int bit = jp_replay_bit(counter);

	/* w->next = counter + 1 must not wrap; senders stop long before. */
	if (unlikely(counter == U64_MAX))
		return false;
	if (counter >= next)
		return true;
	if (next - counter > JP_REPLAY_WINDOW)
		return false;
	return !(READ_ONCE(w->ring[BIT_WORD(bit)]) & BIT_MASK(bit));
}

/**
 * jp_replay_check - may a packet with this counter be new?
 * @w: the window of the key the packet names
 * @counter: the packet's counter, not yet authenticated
 *
 * Changes nothing and takes no lock (see the top of this file): a true
 * answer may be stale, and jp_replay_update() has the last word. A false
 * one is final.
 *
 * Return: false if the packet is a replay or too old.
 */
bool jp_replay_check(const struct jp_replay *w, u64 counter)
{
	/* Pairs with jp_replay_advance(): the window, then its words. */
	return jp_replay_fresh(w, smp_load_acquire(&w->next), counter);
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
		WRITE_ONCE(w->ring[cur % JP_REPLAY_WORDS], 0);
	}
	/* Pairs with jp_replay_check(): the cleared words come first. */
	smp_store_release(&w->next, counter + 1);
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
	unsigned int bit = jp_replay_bit(counter);
	unsigned long *word = &w->ring[BIT_WORD(bit)];
	bool fresh;

	spin_lock_bh(&w->lock);
	fresh = jp_replay_fresh(w, w->next, counter);
	if (fresh) {
		if (counter >= w->next)
			jp_replay_advance(w, counter);
		/* Not __set_bit(): lockless readers load the word. */
		WRITE_ONCE(*word, *word | BIT_MASK(bit));
	}
	spin_unlock_bh(&w->lock);
	return fresh;
}

#ifdef JUMPING_SELFTEST
#include "selftest/replay.c"
#endif
