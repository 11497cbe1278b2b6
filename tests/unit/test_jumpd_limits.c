// SPDX-License-Identifier: GPL-2.0
/* Rate limiter (token buckets, bounded table, sliding window) and the 3x
 * anti-amplification budget.
 */
#include <string.h>
#include <sys/socket.h>
#include "amplification.h"
#include "ratelimit.h"
#include "tap.h"

static const uint8_t seed[16] = "jumping-rl-seed";

static void test_bucket(void)
{
	struct jp_rl_entry slots[64];
	struct jp_rl_table t;
	int i, n = 0;

	jp_rl_init(&t, slots, 64, 5, 1000, seed);	/* 5 per second */
	for (i = 0; i < 10; i++)
		n += jp_rl_allow_session(&t, 42, 0);
	ok(n == 5, "burst of 5 allowed, then refused");
	ok(!jp_rl_allow_session(&t, 42, 199), "199 ms later: still empty");
	ok(jp_rl_allow_session(&t, 42, 200), "200 ms later: one token back");
	ok(!jp_rl_allow_session(&t, 42, 200), "and only one");
	ok(jp_rl_allow_session(&t, 43, 200), "another session has its own bucket");
	for (i = 0, n = 0; i < 10; i++)
		n += jp_rl_allow_session(&t, 42, 100000);
	ok(n == 5, "long idle refills to the burst, not beyond");
}

static void test_source(void)
{
	struct jp_rl_entry slots[64];
	struct jp_rl_table t;
	struct jp_binding a = { .family = AF_INET, .addr = { 198, 51, 100, 7 } };
	int i, n = 0;

	jp_rl_init(&t, slots, 64, 3, 1000, seed);
	for (i = 0; i < 10; i++) {
		a.port = (uint16_t)(4000 + i);	/* port churn */
		n += jp_rl_allow_source(&t, &a, 0);
	}
	ok(n == 3, "per source: ports do not buy tokens");
	a.addr[3] = 8;
	ok(jp_rl_allow_source(&t, &a, 0), "another address is separate");
}

/* One flooding source gets its share of the handshake budget, no more. */
static void test_share(void)
{
	struct jp_rl_entry all_slot[1], src_slots[16];
	struct jp_rl_table all, src;
	struct jp_binding a = { .family = AF_INET, .addr = { 192, 0, 2, 7 } };
	struct jp_binding b = { .family = AF_INET, .addr = { 192, 0, 2, 8 } };
	int i, n = 0;

	jp_rl_init(&all, all_slot, 1, 100, 1000, seed);
	jp_rl_init(&src, src_slots, 16, 10, 1000, seed);
	for (i = 0; i < 1000; i++)
		n += jp_rl_check_share(&all, &src, &a, 0) == JP_RL_SHARE_OK;
	ok(n == 10, "a flooding source gets its 10, not the shared 100");
	for (i = 0, n = 0; i < 10; i++)
		n += jp_rl_check_share(&all, &src, &b, 0) == JP_RL_SHARE_OK;
	ok(n == 10, "another source still gets all of its share");
	/* Ten sources of ten: the shared 100 is spent, and said so. */
	for (i = 0; i < 8; i++) {
		struct jp_binding c = a;
		int j;

		c.addr[3] = (uint8_t)(100 + i);
		for (j = 0; j < 10; j++)
			jp_rl_check_share(&all, &src, &c, 0);
	}
	b.addr[3] = 9;
	ok(jp_rl_check_share(&all, &src, &b, 0) == JP_RL_SHARE_ALL_OVER,
	   "the shared budget spent: all-over, not source-over");
}

static void test_bounded(void)
{
	struct jp_rl_entry slots[16];
	struct jp_rl_table t;
	uint32_t id;
	int n = 0;

	jp_rl_init(&t, slots, 16, 1, 1000, seed);
	for (id = 1; id <= 1000; id++)
		n += jp_rl_allow_session(&t, id, 0);
	ok(n >= 8 && n <= 16, "table full of active keys: new keys refused");
	ok(!jp_rl_allow_session(&t, 1, 0),
	   "an active key was not forgotten to make room");
	for (id = 2000, n = 0; id < 2016; id++)
		n += jp_rl_allow_session(&t, id, 5000);
	ok(n >= 8, "refilled entries are reused");
}

static void test_window(void)
{
	struct jp_window w;
	int i, n = 0;

	jp_window_init(&w, 3, 60000);
	ok(jp_window_room(&w, 0), "empty: room");
	for (i = 0; i < 5; i++)
		n += jp_window_allow(&w, (uint64_t)i * 1000);
	ok(n == 3, "3 per window: 4th and 5th refused");
	ok(!jp_window_room(&w, 59999) && !jp_window_room(&w, 59999),
	   "full: no room, and asking counts nothing");
	ok(jp_window_room(&w, 60000), "room once the first left the window");
	ok(!jp_window_allow(&w, 59999), "still inside the window of the first");
	ok(jp_window_allow(&w, 60000), "first left the window: one more");
	ok(!jp_window_allow(&w, 60500), "the second has not left yet");
	ok(jp_window_allow(&w, 61000), "now it has");
	jp_window_init(&w, 0, 1000);
	ok(!jp_window_allow(&w, 0), "max 0 allows nothing");
}

static void test_amp(void)
{
	struct jp_amp a;

	jp_amp_init(&a);
	ok(!jp_amp_may_send(&a, 1), "nothing received: nothing may be sent");
	jp_amp_on_received(&a, 52);
	ok(jp_amp_try_send(&a, 68) && jp_amp_try_send(&a, 68), "two challenges fit 156");
	ok(!jp_amp_try_send(&a, 68) && a.refused == 1, "a third does not: refused");
	ok(jp_amp_may_send(&a, 20) && !jp_amp_may_send(&a, 21), "exactly 3x");
	jp_amp_on_received(&a, 10);
	ok(jp_amp_may_send(&a, 50) && !jp_amp_may_send(&a, 51),
	   "more received, more budget");
	jp_amp_on_validated(&a);
	ok(jp_amp_try_send(&a, 1 << 20), "validated: no limit");
}

int main(void)
{
	test_bucket();
	test_source();
	test_share();
	test_bounded();
	test_window();
	test_amp();
	return tap_done();
}
