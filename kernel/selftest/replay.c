// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the anti-replay window, built with JUMPING_SELFTEST=1 and
 * run at module load: a failure stops the module from loading.
 */
#include <linux/printk.h>
#include <linux/slab.h>

struct jp_replay_step {
	u64 counter;
	bool accept;
};

#define W JP_REPLAY_WINDOW
#define B JP_REPLAY_BITS

/* Each step is checked, then updated when the check passed. */
static const struct jp_replay_step jp_replay_steps[] __initconst = {
	/* in order, starting at 0 */
	{ 0, true }, { 1, true }, { 2, true }, { 3, true },
	/* duplicates */
	{ 3, false }, { 0, false },
	/* out of order within the window */
	{ 10, true }, { 7, true }, { 9, true }, { 8, true }, { 8, false },
	{ 5, true }, { 4, true }, { 6, true }, { 6, false },
	/* the oldest counter inside the window, then one just outside it */
	{ W + 10, true }, { 11, true }, { 11, false }, { 10, false },
	{ 9, false },
	/* a big jump forgets everything below the new window */
	{ 3 * B + 5, true }, { 3 * B + 4, true }, { 3 * B + 5, false },
	{ W + 10, false }, { 2 * B + 6, false },
	/* the lowest counter of the new window is still accepted */
	{ 3 * B + 6 - W, true }, { 3 * B + 5 - W, false },
	/* a slot of the ring that held a counter is reused after a wrap */
	{ 4 * B + 4, true }, { 4 * B + 5, true }, { 3 * B + 4, false },
	/* walk the top across several wraps of the ring, word by word */
	{ 4 * B + 5 + BITS_PER_LONG, true },
	{ 4 * B + 5 + 2 * BITS_PER_LONG, true },
	{ 4 * B + 5 + BITS_PER_LONG, false },
	{ 5 * B, true }, { 6 * B - 1, true }, { 6 * B, true },
	{ 5 * B, false }, { 6 * B - 1, false }, { 6 * B - 2, true },
	/* one behind the top and the top itself */
	{ 6 * B + 1, true }, { 6 * B + 1, false }, { 6 * B, false },
	/* near the end of the counter space */
	{ U64_MAX - 1, true }, { U64_MAX - 2, true }, { U64_MAX - 1, false },
	{ 6 * B + 2, false }, { U64_MAX, false },
};

#undef W
#undef B

/* Every counter of a long run in order is accepted once, never twice. */
static bool __init jp_replay_selftest_sequence(struct jp_replay *w)
{
	u64 i;

	jp_replay_init(w);
	for (i = 0; i < 3 * JP_REPLAY_BITS; i++) {
		if (!jp_replay_check(w, i) || !jp_replay_update(w, i))
			return false;
		if (jp_replay_check(w, i) || jp_replay_update(w, i))
			return false;
	}
	/* Everything in the window stays rejected after the run. */
	for (i = 3 * JP_REPLAY_BITS - JP_REPLAY_WINDOW;
	     i < 3 * JP_REPLAY_BITS; i++)
		if (jp_replay_check(w, i))
			return false;
	return true;
}

/* Counters arriving in reverse order across the whole window. */
static bool __init jp_replay_selftest_reverse(struct jp_replay *w)
{
	u64 top = 2 * JP_REPLAY_BITS + 17, i;

	jp_replay_init(w);
	if (!jp_replay_update(w, top))
		return false;
	/* The window is top + 1 - JP_REPLAY_WINDOW .. top. */
	for (i = top - 1; i > top - JP_REPLAY_WINDOW; i--)
		if (!jp_replay_check(w, i) || !jp_replay_update(w, i))
			return false;
	return !jp_replay_check(w, i) && !jp_replay_update(w, i);
}

bool __init jp_replay_selftest(void)
{
	struct jp_replay *w;
	unsigned int i;
	bool ok = true;

	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return false;

	jp_replay_init(w);
	for (i = 0; i < ARRAY_SIZE(jp_replay_steps); i++) {
		const struct jp_replay_step *s = &jp_replay_steps[i];
		bool got = jp_replay_check(w, s->counter);

		if (got)
			got = jp_replay_update(w, s->counter);
		if (got != s->accept) {
			pr_err("replay self-test: step %u (counter %llu): %s, expected %s\n",
			       i, s->counter, got ? "accepted" : "rejected",
			       s->accept ? "accepted" : "rejected");
			ok = false;
		}
	}
	if (!jp_replay_selftest_sequence(w)) {
		pr_err("replay self-test: in-order sequence failed\n");
		ok = false;
	}
	if (!jp_replay_selftest_reverse(w)) {
		pr_err("replay self-test: reverse sequence failed\n");
		ok = false;
	}
	kfree(w);
	if (ok)
		pr_info("replay self-test: pass\n");
	return ok;
}
