// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the control upcall budget, built with JUMPING_SELFTEST=1
 * and run at module load: a failure stops the module from loading.
 *
 * The budget takes its clock as an argument, so the test runs it on a
 * clock of its own, far ahead of jiffies: the real GC work, which may run
 * meanwhile with jiffies, finds every bucket used "later" and leaves it.
 */
#include <linux/printk.h>

#define JP_RL_TEST_START	(jiffies + 1000 * HZ)

static struct sockaddr_in __init jp_rl_test_v4(u32 addr)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = cpu_to_be32(addr),
	};

	return sin;
}

static struct sockaddr_in6 __init jp_rl_test_v6(u32 w0, u32 w1, u32 w3)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };

	sin6.sin6_addr.s6_addr32[0] = cpu_to_be32(w0);
	sin6.sin6_addr.s6_addr32[1] = cpu_to_be32(w1);
	sin6.sin6_addr.s6_addr32[3] = cpu_to_be32(w3);
	return sin6;
}

static enum jp_rl_verdict __init
jp_rl_test_one(struct jp_ratelimit *rl, const void *sa, unsigned long now)
{
	return jp_ratelimit_take(rl, sa, now);
}

/* Take @n from @sa at @now; how many passed. */
static unsigned int __init jp_rl_test_take(struct jp_ratelimit *rl,
					   const void *sa, unsigned long now,
					   unsigned int n)
{
	unsigned int passed = 0;

	while (n--)
		passed += jp_rl_test_one(rl, sa, now) == JP_RL_PASS;
	return passed;
}

/* @cond, saying which check failed if it did not hold. */
static bool __init jp_rl_expect(bool cond, int line, const char *what)
{
	if (!cond)
		pr_err("ratelimit self-test: line %d: %s\n", line, what);
	return cond;
}

#define JP_RL_EXPECT(cond) jp_rl_expect(cond, __LINE__, #cond)

/* The bucket alone: a burst, then exactly its rate, never above the cap. */
static bool __init jp_rl_test_bucket(void)
{
	unsigned long t = JP_RL_TEST_START, step = DIV_ROUND_UP(HZ, 32);
	struct jp_rl_bucket b;
	unsigned int i;
	bool ok = true;

	jp_rl_bucket_fill(&b, t, 32);
	for (i = 0; i < 32; i++)
		ok &= JP_RL_EXPECT(jp_rl_bucket_take(&b, t, 32, 32));
	ok &= JP_RL_EXPECT(!jp_rl_bucket_take(&b, t, 32, 32));
	ok &= JP_RL_EXPECT(!jp_rl_bucket_full(&b, t + HZ - 1, 32, 32));
	/* One datagram's worth of time gives back one, not two. */
	ok &= JP_RL_EXPECT(!jp_rl_bucket_take(&b, t + step - 1, 32, 32));
	ok &= JP_RL_EXPECT(jp_rl_bucket_take(&b, t + step, 32, 32));
	ok &= JP_RL_EXPECT(!jp_rl_bucket_take(&b, t + step, 32, 32));
	/* A long idle time fills it up to the burst, no further. */
	t += 100 * HZ;
	ok &= JP_RL_EXPECT(jp_rl_bucket_full(&b, t, 32, 32));
	for (i = 0; i < 32; i++)
		ok &= JP_RL_EXPECT(jp_rl_bucket_take(&b, t, 32, 32));
	ok &= JP_RL_EXPECT(!jp_rl_bucket_take(&b, t, 32, 32));
	/* A clock that went back (another CPU charged it) never refills. */
	ok &= JP_RL_EXPECT(!jp_rl_bucket_full(&b, t - 1, 32, 32));
	return ok;
}

/* One source's flood leaves the others their share and the total. */
static bool __init jp_rl_test_sources(struct jp_ratelimit *rl)
{
	struct sockaddr_in a = jp_rl_test_v4(0xc0000201);
	struct sockaddr_in b = jp_rl_test_v4(0xc0000202);
	struct sockaddr_in6 c = jp_rl_test_v6(0xfd000001, 0, 1);
	struct sockaddr_in6 c2 = jp_rl_test_v6(0xfd000001, 0, 2);
	struct sockaddr_in6 d = jp_rl_test_v6(0xfd000001, 1, 1);
	unsigned long t = JP_RL_TEST_START;
	unsigned int i;
	bool ok = true;

	/* A floods: its burst passes, the rest is its own problem. */
	ok &= JP_RL_EXPECT(jp_rl_test_take(rl, &a, t, 10000) ==
			   JP_RL_SOURCE_BURST);
	ok &= JP_RL_EXPECT(jp_rl_test_one(rl, &a, t) == JP_RL_OVER_SOURCE);
	/* B still gets its whole burst: A's refusals cost the total nothing. */
	ok &= JP_RL_EXPECT(jp_rl_test_take(rl, &b, t, JP_RL_SOURCE_BURST) ==
			   JP_RL_SOURCE_BURST);
	/* IPv6: one /64 is one source, another /64 another. */
	ok &= JP_RL_EXPECT(jp_rl_test_take(rl, &c, t, JP_RL_SOURCE_BURST) ==
			   JP_RL_SOURCE_BURST);
	ok &= JP_RL_EXPECT(jp_rl_test_one(rl, &c2, t) == JP_RL_OVER_SOURCE);
	ok &= JP_RL_EXPECT(jp_rl_test_one(rl, &d, t) == JP_RL_PASS);
	ok &= JP_RL_EXPECT(rl->entries == 4);
	/* A spent bucket is kept by the GC, a full one reclaimed. */
	ok &= JP_RL_EXPECT(jp_rl_reclaim(rl, t + 1, false) == 4);
	ok &= JP_RL_EXPECT(jp_rl_test_one(rl, &a, t + 1) == JP_RL_OVER_SOURCE);
	t += HZ;
	ok &= JP_RL_EXPECT(jp_rl_reclaim(rl, t, false) == 0);

	/* Many sources together stop at the total's burst. */
	for (i = 0; i < jp_rl_total_burst(rl->total_rate); i++) {
		struct sockaddr_in s = jp_rl_test_v4(0x0a000000 + i);

		ok &= JP_RL_EXPECT(jp_rl_test_one(rl, &s, t) == JP_RL_PASS);
	}
	ok &= JP_RL_EXPECT(jp_rl_test_one(rl, &a, t) == JP_RL_OVER_TOTAL);
	/* ... and get it back at its rate. */
	t += HZ / 2;
	ok &= JP_RL_EXPECT(jp_rl_test_take(rl, &a, t, JP_RL_SOURCE_BURST) ==
			   JP_RL_SOURCE_BURST);
	return ok;
}

/* The table stops at its cap: known sources go on, new ones are refused. */
static bool __init jp_rl_test_cap(struct jp_ratelimit *rl)
{
	struct sockaddr_in known = jp_rl_test_v4(0x0b000000);
	struct sockaddr_in new = jp_rl_test_v4(0x0c000000);
	unsigned long t = JP_RL_TEST_START + 10 * HZ;
	unsigned int i;
	bool ok = true;

	ok &= JP_RL_EXPECT(jp_rl_reclaim(rl, t, false) == 0);
	for (i = 0; i < JP_RL_MAX_ENTRIES; i++) {
		struct sockaddr_in s = jp_rl_test_v4(0x0b000000 + i);

		ok &= JP_RL_EXPECT(jp_rl_test_one(rl, &s, t) !=
				   JP_RL_TABLE_FULL);
	}
	ok &= JP_RL_EXPECT(rl->entries == JP_RL_MAX_ENTRIES);
	ok &= JP_RL_EXPECT(jp_rl_test_one(rl, &new, t) == JP_RL_TABLE_FULL);
	ok &= JP_RL_EXPECT(rl->entries == JP_RL_MAX_ENTRIES);
	t += HZ;
	ok &= JP_RL_EXPECT(jp_rl_test_one(rl, &known, t) == JP_RL_PASS);
	/* Idle entries go, and make room again. */
	t += HZ;
	ok &= JP_RL_EXPECT(jp_rl_reclaim(rl, t, false) == 0);
	ok &= JP_RL_EXPECT(jp_rl_test_one(rl, &new, t) == JP_RL_PASS);
	return ok;
}

/*
 * The device's rate is a setting: a new rate refills the total at its
 * burst (a quarter), and the largest rate refills without overflow.
 */
static bool __init jp_rl_test_total_rate(struct jp_ratelimit *rl)
{
	struct sockaddr_in a = jp_rl_test_v4(0xc6336401);
	struct jp_rl_bucket b;
	unsigned long t = JP_RL_TEST_START + 100 * HZ;
	bool ok = true;

	ok &= JP_RL_EXPECT(jp_rl_reclaim(rl, t, false) == 0);
	jp_ratelimit_set_total(rl, 40);
	ok &= JP_RL_EXPECT(jp_ratelimit_total(rl) == 40);
	/* One source within its own share (32) meets the total's 10. */
	ok &= JP_RL_EXPECT(jp_rl_test_take(rl, &a, t, 20) == 10);
	ok &= JP_RL_EXPECT(jp_rl_test_one(rl, &a, t) == JP_RL_OVER_TOTAL);
	jp_ratelimit_set_total(rl, JUMPING_CONTROL_RATE_DEFAULT);

	/* A long idle time at the largest rate: full, not wrapped. */
	jp_rl_bucket_fill(&b, t, JUMPING_CONTROL_RATE_MAX / 4);
	b.credit = 0;
	ok &= JP_RL_EXPECT(jp_rl_bucket_take(&b, t + 1000 * HZ,
					     JUMPING_CONTROL_RATE_MAX,
					     JUMPING_CONTROL_RATE_MAX / 4));
	ok &= JP_RL_EXPECT(b.credit ==
			   jp_rl_cap(JUMPING_CONTROL_RATE_MAX / 4) - JP_RL_COST);
	return ok;
}

bool __init jp_ratelimit_selftest(void)
{
	struct jp_ratelimit *rl;
	bool ok;

	rl = kzalloc(sizeof(*rl), GFP_KERNEL);
	if (!rl)
		return false;
	jp_ratelimit_init(rl);
	ok = jp_rl_test_bucket() && jp_rl_test_sources(rl) &&
	     jp_rl_test_cap(rl) && jp_rl_test_total_rate(rl);
	jp_ratelimit_destroy(rl);
	kfree(rl);
	if (ok)
		pr_info("ratelimit self-test: pass\n");
	return ok;
}
