// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the session table, built with JUMPING_SELFTEST=1 and run at
 * module load: ids, longest-prefix transmit lookup, inner source checks,
 * one owner per prefix, removal, and ages in 64 bits.
 */
#include <linux/inet.h>
#include <linux/printk.h>
#include <linux/slab.h>

static struct jp_prefix_set * __init jp_st_set(const char *const *pfx,
					       unsigned int n)
{
	struct jp_prefix_set *set;
	unsigned int i;

	set = jp_prefix_set_alloc(n, GFP_KERNEL);
	if (!set)
		return NULL;
	for (i = 0; i < n; i++) {
		const char *slash = strchr(pfx[i], '/');
		u8 addr[16], len;
		int family;

		if (!slash || kstrtou8(slash + 1, 10, &len))
			goto err_set;
		if (in4_pton(pfx[i], slash - pfx[i], addr, -1, NULL))
			family = AF_INET;
		else if (in6_pton(pfx[i], slash - pfx[i], addr, -1, NULL))
			family = AF_INET6;
		else
			goto err_set;
		if (jp_prefix_init(&set->prefix[i], family, addr, len))
			goto err_set;
	}
	return set;

err_set:
	kfree(set);
	return NULL;
}

static struct jp_session * __init jp_st_session(struct jp_session_table *t,
						u32 id, const char *const *pfx,
						unsigned int n)
{
	struct jp_prefix_set *set;
	struct jp_session *s;

	s = jp_session_new(NULL, id, 1);
	if (!s)
		return NULL;
	set = jp_st_set(pfx, n);
	if (!set)
		goto err;
	jp_session_set_prefixes(s, set);
	if (jp_session_table_insert(t, s))
		goto err;
	/* The table's reference is enough for the test. */
	jp_session_put(s);
	return s;

err:
	jp_session_put(s);
	return NULL;
}

/* jp_prefix_set_check() on @pfx for @s: its error, owner and index. */
static int __init jp_st_check(struct jp_session_table *t,
			      struct jp_session *s, const char *const *pfx,
			      unsigned int n, u32 *owner, unsigned int *idx)
{
	struct jp_prefix_set *set = jp_st_set(pfx, n);
	int err;

	if (!set)
		return -ENOMEM;
	*owner = 0;
	*idx = ~0U;
	err = jp_prefix_set_check(t, s, set, idx, owner);
	kfree(set);
	return err;
}

/*
 * One owner per prefix: the same prefix (after masking) in another session
 * is refused and names that session; a longer or shorter one is not; the
 * session's own prefixes do not count; a prefix twice in one set is
 * refused.
 */
static bool __init jp_st_owner(struct jp_session_table *t,
			       struct jp_session *s1, struct jp_session *s2)
{
	static const char *const taken[] __initconst = {
		"192.0.2.0/24", "10.1.2.7/24",
	};
	static const char *const longer[] __initconst = {
		"10.1.2.5/32", "fd00:1::/64",
	};
	static const char *const own[] __initconst = {
		"10.1.0.0/16", "fd00:1::7/128",
	};
	static const char *const twice[] __initconst = {
		"198.51.100.0/24", "198.51.100.9/24",
	};
	unsigned int idx;
	u32 owner;
	bool ok = true;

	ok &= jp_st_check(t, NULL, taken, ARRAY_SIZE(taken), &owner,
			  &idx) == -EEXIST && owner == s2->id && idx == 1;
	ok &= jp_st_check(t, s1, taken, ARRAY_SIZE(taken), &owner,
			  &idx) == -EEXIST && owner == s2->id;
	ok &= jp_st_check(t, NULL, longer, ARRAY_SIZE(longer), &owner,
			  &idx) == 0;
	ok &= jp_st_check(t, s2, own, ARRAY_SIZE(own), &owner, &idx) == 0;
	ok &= jp_st_check(t, s1, own, ARRAY_SIZE(own), &owner,
			  &idx) == -EEXIST && owner == s2->id && idx == 0;
	ok &= jp_st_check(t, NULL, twice, ARRAY_SIZE(twice), &owner,
			  &idx) == -EINVAL && idx == 1;
	if (!ok)
		pr_err("session self-test: one owner per prefix wrong\n");
	return ok;
}

static __be32 __init jp_st_ip4(const char *str)
{
	__be32 a = 0;

	in4_pton(str, -1, (u8 *)&a, -1, NULL);
	return a;
}

static struct in6_addr __init jp_st_ip6(const char *str)
{
	struct in6_addr a = {};

	in6_pton(str, -1, a.s6_addr, -1, NULL);
	return a;
}

static bool __init jp_st_table(struct jp_session_table *t)
{
	static const char *const p1[] __initconst = {
		"10.0.0.0/8", "fd00::/16", "0.0.0.0/0",
	};
	/* Host bits are cleared: this is 10.1.2.0/24. */
	static const char *const p2[] __initconst = {
		"10.1.0.0/16", "10.1.2.99/24", "fd00:1::7/128",
	};
	static const char *const p3[] __initconst = { "10.9.0.0/16" };
	struct jp_session *s1, *s2, *dup, *got;
	struct jp_prefix_set *set;
	struct in6_addr a6;
	bool ok = true;

	s1 = jp_st_session(t, 100, p1, ARRAY_SIZE(p1));
	s2 = jp_st_session(t, 0, p2, ARRAY_SIZE(p2));
	if (!s1 || !s2)
		return false;
	ok &= s2->id && s2->id != 100;

	dup = jp_session_new(NULL, 100, 2);
	if (!dup)
		return false;
	ok &= jp_session_table_insert(t, dup) == -EEXIST;
	jp_session_put(dup);

	rcu_read_lock();
	ok &= jp_session_lookup_rcu(t, 100) == s1;
	ok &= jp_session_lookup_rcu(t, s2->id) == s2;
	ok &= !jp_session_lookup_rcu(t, 101);
	ok &= jp_session_route4_rcu(t, jp_st_ip4("10.1.2.200")) == s2;
	ok &= jp_session_route4_rcu(t, jp_st_ip4("10.1.3.1")) == s2;
	ok &= jp_session_route4_rcu(t, jp_st_ip4("10.2.0.1")) == s1;
	ok &= jp_session_route4_rcu(t, jp_st_ip4("192.0.2.1")) == s1;
	a6 = jp_st_ip6("fd00:1::7");
	ok &= jp_session_route6_rcu(t, &a6) == s2;
	ok &= jp_session_allows_src6(t, s1, &a6);
	a6 = jp_st_ip6("fd00:1::8");
	ok &= jp_session_route6_rcu(t, &a6) == s1;
	ok &= !jp_session_allows_src6(t, s2, &a6);
	a6 = jp_st_ip6("2001:db8::1");
	ok &= !jp_session_route6_rcu(t, &a6);
	ok &= jp_session_allows_src4(t, s2, jp_st_ip4("10.1.255.255"));
	ok &= !jp_session_allows_src4(t, s2, jp_st_ip4("10.2.0.0"));
	rcu_read_unlock();
	ok &= jp_st_owner(t, s1, s2);

	got = jp_session_lookup_get(t, 100);
	ok &= got == s1;
	ok &= jp_session_table_remove(t, s1);
	ok &= !jp_session_table_remove(t, s1);
	jp_session_put(got);

	rcu_read_lock();
	ok &= !jp_session_lookup_rcu(t, 100);
	ok &= !jp_session_route4_rcu(t, jp_st_ip4("192.0.2.1"));
	ok &= jp_session_route4_rcu(t, jp_st_ip4("10.1.0.1")) == s2;
	rcu_read_unlock();
	ok &= t->count == 1;

	/* Replaced in the table: the old prefixes route nowhere. */
	set = jp_st_set(p3, ARRAY_SIZE(p3));
	ok &= set && !jp_session_table_set_prefixes(t, s2, set);
	rcu_read_lock();
	ok &= !jp_session_route4_rcu(t, jp_st_ip4("10.1.0.1"));
	ok &= jp_session_route4_rcu(t, jp_st_ip4("10.9.1.1")) == s2;
	ok &= !jp_session_allows_src4(t, s2, jp_st_ip4("10.1.0.1"));
	ok &= jp_session_allows_src4(t, s2, jp_st_ip4("10.9.0.0"));
	rcu_read_unlock();
	return ok;
}

/*
 * Ages past 49.7 days, where 32 bits of milliseconds wrap: an rx, tx or
 * state age of 50 days must read as 50 days, not as 0.6.
 */
static bool __init jp_st_ages(void)
{
	const u64 day_ms = 24ULL * 3600 * 1000;
	unsigned long now = jiffies, stamp;
	u64 ms;
	bool ok = true;

	ok &= jp_age_ms(now, now - 50 * 24UL * 3600 * HZ) == 50 * day_ms;
	ok &= jp_age_ms(now, now - 400 * 24UL * 3600 * HZ) == 400 * day_ms;
	ok &= jp_age_ms(now, now - HZ) == 1000;
	ok &= jp_age_ms(now, now) == 0;
	/* A stamp 50 days back, read against the live jiffies. */
	stamp = now - 50 * 24UL * 3600 * HZ;
	ok &= jp_stamp_age_ms(&stamp, &ms) && ms >= 50 * day_ms &&
	      ms < 50 * day_ms + 60000;
	stamp = 0;
	ok &= !jp_stamp_age_ms(&stamp, &ms);
	if (!ok)
		pr_err("session self-test: ages past 49.7 days wrong\n");
	return ok;
}

bool __init jp_session_selftest(void)
{
	struct jp_session_table *t;
	bool ok;

	/*
	 * On the heap, as a device's table is: the rhashtable holds a
	 * work_struct, which debugobjects rejects on the stack.
	 */
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return false;
	if (jp_session_table_init(t)) {
		kfree(t);
		return false;
	}
	ok = jp_st_table(t);
	ok &= jp_st_ages();
	jp_session_table_destroy(t);
	kfree(t);
	if (ok)
		pr_info("session self-test: pass\n");
	else
		pr_err("session self-test: failed\n");
	return ok;
}
