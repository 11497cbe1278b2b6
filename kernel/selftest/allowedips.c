// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the allowed-IPs trie, built with JUMPING_SELFTEST=1 and run
 * at module load: fixed cases at the edges (/0, /32, /128, nested
 * prefixes, removal of a middle one), then random sets installed, replaced
 * and removed for a few sessions of both families, every answer compared
 * with a plain list searched the slow way, the one-owner rule's included;
 * and the time of one lookup among 10,000 prefixes, trie against list.
 *
 * The sessions are bare structs: the trie reads nothing of a session but
 * its id.
 */
#include <linux/inet.h>
#include <linux/ktime.h>
#include <linux/prandom.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>

#define JP_STA_SESSIONS	10
#define JP_STA_MAX_SET	6
#define JP_STA_ROUNDS	600
#define JP_STA_PROBES	32

/* In the fixed cases: note which one failed. */
#define JP_STA_OK(cond) do {						\
	if (!(cond)) {							\
		pr_err("allowedips self-test: line %d\n", __LINE__);	\
		ok = false;						\
	}								\
} while (0)

struct jp_sta {
	struct jp_allowedips a;
	spinlock_t lock;	/* the writers' lock, as a table's */
	struct jp_session *s;	/* JP_STA_SESSIONS of them */
	struct jp_prefix_set *set[JP_STA_SESSIONS];
	struct rnd_state rnd;
};

static u32 __init jp_sta_rand(struct jp_sta *st, u32 n)
{
	return prandom_u32_state(&st->rnd) % n;
}

/* Install @set for session @k, as the table does. Takes @set on success. */
static int __init jp_sta_set(struct jp_sta *st, unsigned int k,
			     struct jp_prefix_set *set, unsigned int *idx,
			     u32 *owner)
{
	struct jp_aip_pool pool;
	int err;

	err = jp_aip_pool_fill(&pool, set, GFP_KERNEL);
	if (err)
		return err;
	spin_lock_bh(&st->lock);
	err = jp_aip_prepare(&st->a, &st->s[k], set, &pool, idx, owner);
	if (!err)
		jp_aip_commit(&st->a, &st->s[k], st->set[k], set);
	spin_unlock_bh(&st->lock);
	jp_aip_pool_drain(&pool);
	if (!err) {
		kfree(st->set[k]);
		st->set[k] = set;
	}
	return err;
}

static void __init jp_sta_remove(struct jp_sta *st, unsigned int k)
{
	spin_lock_bh(&st->lock);
	jp_aip_commit(&st->a, &st->s[k], st->set[k], NULL);
	spin_unlock_bh(&st->lock);
	kfree(st->set[k]);
	st->set[k] = NULL;
}

/* "10.0.0.0/8" or "fd00::/16" into @p. */
static bool __init jp_sta_parse(const char *str, struct jp_prefix *p)
{
	const char *slash = strchr(str, '/');
	u8 addr[16], len;

	if (!slash || kstrtou8(slash + 1, 10, &len))
		return false;
	if (in4_pton(str, slash - str, addr, -1, NULL))
		return !jp_prefix_init(p, AF_INET, addr, len);
	if (in6_pton(str, slash - str, addr, -1, NULL))
		return !jp_prefix_init(p, AF_INET6, addr, len);
	return false;
}

static struct jp_prefix_set * __init jp_sta_strs(const char *const *strs,
						 unsigned int n)
{
	struct jp_prefix_set *set = jp_prefix_set_alloc(n, GFP_KERNEL);
	unsigned int i;

	for (i = 0; set && i < n; i++)
		if (!jp_sta_parse(strs[i], &set->prefix[i])) {
			kfree(set);
			return NULL;
		}
	return set;
}

static int __init jp_sta_set_strs(struct jp_sta *st, unsigned int k,
				  const char *const *strs, unsigned int n,
				  unsigned int *idx, u32 *owner)
{
	struct jp_prefix_set *set = jp_sta_strs(strs, n);
	int err;

	if (!set)
		return -ENOMEM;
	err = jp_sta_set(st, k, set, idx, owner);
	if (err)
		kfree(set);
	return err;
}

/* The session routing the address in @str, -1 for none. */
static int __init jp_sta_route(struct jp_sta *st, const char *str)
{
	struct jp_session *s = NULL;
	struct in6_addr a6;
	__be32 a4;

	rcu_read_lock();
	if (in4_pton(str, -1, (u8 *)&a4, -1, NULL))
		s = jp_aip_lookup4_rcu(&st->a, a4);
	else if (in6_pton(str, -1, a6.s6_addr, -1, NULL))
		s = jp_aip_lookup6_rcu(&st->a, &a6);
	rcu_read_unlock();
	return s ? s - st->s : -1;
}

static bool __init jp_sta_owns(struct jp_sta *st, unsigned int k,
			       const char *str)
{
	struct in6_addr a6;
	bool owns = false;
	__be32 a4;

	rcu_read_lock();
	if (in4_pton(str, -1, (u8 *)&a4, -1, NULL))
		owns = jp_aip_owns4_rcu(&st->a, &st->s[k], a4);
	else if (in6_pton(str, -1, a6.s6_addr, -1, NULL))
		owns = jp_aip_owns6_rcu(&st->a, &st->s[k], &a6);
	rcu_read_unlock();
	return owns;
}

static bool __init jp_sta_edges(struct jp_sta *st)
{
	static const char *const p0[] __initconst = {
		"0.0.0.0/0", "::/0", "255.255.255.255/32",
	};
	static const char *const p1[] __initconst = {
		"10.0.0.0/8", "10.1.2.3/32", "fd00::1/128",
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
	};
	static const char *const p2[] __initconst = {
		"10.1.0.0/16", "fd00::/64", "10.1.2.0/31",
	};
	static const char *const p2b[] __initconst = {
		"10.1.2.0/31", "10.1.128.0/17",
	};
	static const char *const taken[] __initconst = {
		"192.0.2.0/24", "fd00::/64",
	};
	static const char *const twice[] __initconst = {
		"198.51.100.0/24", "fd00::/64", "198.51.100.0/24",
	};
	unsigned int idx = ~0U;
	u32 owner = 0;
	bool ok = true;

	JP_STA_OK(!jp_sta_set_strs(st, 0, p0, ARRAY_SIZE(p0), &idx, &owner));
	JP_STA_OK(!jp_sta_set_strs(st, 1, p1, ARRAY_SIZE(p1), &idx, &owner));
	JP_STA_OK(!jp_sta_set_strs(st, 2, p2, ARRAY_SIZE(p2), &idx, &owner));
	JP_STA_OK(jp_sta_route(st, "10.1.2.3") == 1);
	JP_STA_OK(jp_sta_route(st, "10.1.2.1") == 2);
	JP_STA_OK(jp_sta_route(st, "10.1.2.2") == 2);
	JP_STA_OK(jp_sta_route(st, "10.2.0.0") == 1);
	JP_STA_OK(jp_sta_route(st, "1.1.1.1") == 0);
	JP_STA_OK(jp_sta_route(st, "255.255.255.255") == 0);
	JP_STA_OK(jp_sta_route(st, "255.255.255.254") == 0);
	JP_STA_OK(jp_sta_route(st, "fd00::1") == 1);
	JP_STA_OK(jp_sta_route(st, "fd00::2") == 2);
	JP_STA_OK(jp_sta_route(st, "fd00:0:0:1::1") == 0);
	JP_STA_OK(jp_sta_route(st, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") ==
		  1);
	JP_STA_OK(jp_sta_route(st, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe") ==
		  0);
	/* Any prefix of its own, not only the longest match of all. */
	JP_STA_OK(jp_sta_owns(st, 1, "10.1.2.1"));
	JP_STA_OK(!jp_sta_owns(st, 2, "10.2.0.0"));
	JP_STA_OK(jp_sta_owns(st, 0, "fd00::1"));
	JP_STA_OK(!jp_sta_owns(st, 1, "fd00::2"));

	/* The one-owner rule: its answers, and nothing changes. */
	JP_STA_OK(jp_sta_set_strs(st, 3, taken, ARRAY_SIZE(taken), &idx,
				  &owner) == -EEXIST &&
		  idx == 1 && owner == st->s[2].id);
	JP_STA_OK(jp_aip_check(&st->a, &st->s[3], st->set[2], &idx,
			       &owner) == -EEXIST &&
		  idx == 0 && owner == st->s[2].id);
	JP_STA_OK(!jp_aip_check(&st->a, &st->s[2], st->set[2], &idx, &owner));
	JP_STA_OK(jp_sta_set_strs(st, 3, twice, ARRAY_SIZE(twice), &idx,
				  &owner) == -EINVAL &&
		  idx == 2 && owner == st->s[3].id);
	JP_STA_OK(jp_sta_route(st, "192.0.2.1") == 0);
	JP_STA_OK(jp_sta_route(st, "198.51.100.1") == 0);

	/*
	 * A middle prefix goes, one stays, one comes: a /16 between the /8
	 * and the /31 and /32.
	 */
	JP_STA_OK(!jp_sta_set_strs(st, 2, p2b, ARRAY_SIZE(p2b), &idx, &owner));
	JP_STA_OK(jp_sta_route(st, "10.1.2.1") == 2);
	JP_STA_OK(jp_sta_route(st, "10.1.2.4") == 1);
	JP_STA_OK(jp_sta_route(st, "10.1.200.1") == 2);
	JP_STA_OK(jp_sta_route(st, "fd00::2") == 0);
	JP_STA_OK(jp_sta_route(st, "fd00::1") == 1);

	jp_sta_remove(st, 1);
	JP_STA_OK(jp_sta_route(st, "10.1.2.3") == 0);
	JP_STA_OK(jp_sta_route(st, "fd00::1") == 0);
	jp_sta_remove(st, 0);
	jp_sta_remove(st, 2);
	JP_STA_OK(jp_sta_route(st, "10.1.2.3") == -1);
	JP_STA_OK(jp_aip_empty(&st->a));
	if (!ok)
		pr_err("allowedips self-test: edge cases wrong\n");
	return ok;
}

/*
 * A random prefix from few bit patterns, so that sets overlap, nest and
 * collide often; any length, /0 and full ones included.
 */
static void __init jp_sta_rand_prefix(struct jp_sta *st, u8 family,
				      struct jp_prefix *p)
{
	static const u8 bytes[] = { 0x00, 0x01, 0x80, 0xff };
	unsigned int i, n = family == AF_INET ? 4 : 16;
	u8 addr[16];

	for (i = 0; i < n; i++)
		addr[i] = bytes[jp_sta_rand(st, ARRAY_SIZE(bytes))];
	jp_prefix_init(p, family, addr, jp_sta_rand(st, n * 8 + 1));
}

static void __init jp_sta_rand_addr(struct jp_sta *st, u8 family, u8 *addr)
{
	static const u8 bytes[] = { 0x00, 0x01, 0x80, 0xff, 0x7f, 0x40 };
	unsigned int i, n = family == AF_INET ? 4 : 16;

	for (i = 0; i < n; i++)
		addr[i] = bytes[jp_sta_rand(st, ARRAY_SIZE(bytes))];
}

static bool __init jp_sta_equal(const struct jp_prefix *a,
				const struct jp_prefix *b)
{
	return a->family == b->family && a->len == b->len &&
	       !memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

/* Does @p hold @addr? Masked the way a prefix is built: no trie code. */
static bool __init jp_sta_holds(const struct jp_prefix *p, u8 family,
				const u8 *addr)
{
	struct jp_prefix q;

	if (p->family != family)
		return false;
	jp_prefix_init(&q, family, addr, p->len);
	return jp_sta_equal(p, &q);
}

/* The reference: every prefix of every session, the longest match. */
static int __init jp_sta_ref_route(struct jp_sta *st, u8 family,
				   const u8 *addr)
{
	const struct jp_prefix_set *set;
	int best = -1, best_len = -1;
	unsigned int k, i;

	for (k = 0; k < JP_STA_SESSIONS; k++) {
		set = st->set[k];
		for (i = 0; set && i < set->count; i++)
			if ((int)set->prefix[i].len > best_len &&
			    jp_sta_holds(&set->prefix[i], family, addr)) {
				best_len = set->prefix[i].len;
				best = k;
			}
	}
	return best;
}

static bool __init jp_sta_ref_owns(struct jp_sta *st, unsigned int k,
				   u8 family, const u8 *addr)
{
	const struct jp_prefix_set *set = st->set[k];
	unsigned int i;

	for (i = 0; set && i < set->count; i++)
		if (jp_sta_holds(&set->prefix[i], family, addr))
			return true;
	return false;
}

/* What the one-owner rule must answer for @set going to session @k. */
static int __init jp_sta_ref_check(struct jp_sta *st, unsigned int k,
				   const struct jp_prefix_set *set,
				   unsigned int *idx, u32 *owner)
{
	const struct jp_prefix_set *other;
	unsigned int i, j, o;

	for (i = 0; i < set->count; i++)
		for (j = 0; j < i; j++)
			if (jp_sta_equal(&set->prefix[i], &set->prefix[j])) {
				*idx = i;
				*owner = st->s[k].id;
				return -EINVAL;
			}
	for (i = 0; i < set->count; i++)
		for (o = 0; o < JP_STA_SESSIONS; o++) {
			other = st->set[o];
			for (j = 0; o != k && other && j < other->count; j++)
				if (jp_sta_equal(&set->prefix[i],
						 &other->prefix[j])) {
					*idx = i;
					*owner = st->s[o].id;
					return -EEXIST;
				}
		}
	return 0;
}

/* A random set for session @k, now and then with a repeat or a taken one. */
static struct jp_prefix_set * __init jp_sta_rand_set(struct jp_sta *st,
						     unsigned int k)
{
	unsigned int i, n = jp_sta_rand(st, JP_STA_MAX_SET + 1);
	const struct jp_prefix_set *other;
	struct jp_prefix_set *set;
	u8 family;

	set = jp_prefix_set_alloc(n, GFP_KERNEL);
	for (i = 0; set && i < n; i++) {
		family = jp_sta_rand(st, 2) ? AF_INET : AF_INET6;
		jp_sta_rand_prefix(st, family, &set->prefix[i]);
		other = st->set[jp_sta_rand(st, JP_STA_SESSIONS)];
		if (!jp_sta_rand(st, 16) && other && other->count)
			set->prefix[i] =
				other->prefix[jp_sta_rand(st, other->count)];
		else if (!jp_sta_rand(st, 16) && i)
			set->prefix[i] = set->prefix[jp_sta_rand(st, i)];
	}
	return set;
}

static bool __init jp_sta_probe(struct jp_sta *st)
{
	unsigned int k = jp_sta_rand(st, JP_STA_SESSIONS);
	u8 family = jp_sta_rand(st, 2) ? AF_INET : AF_INET6;
	struct jp_session *got;
	struct in6_addr a6;
	bool owns;
	int want;

	jp_sta_rand_addr(st, family, a6.s6_addr);
	rcu_read_lock();
	if (family == AF_INET) {
		got = jp_aip_lookup4_rcu(&st->a, a6.s6_addr32[0]);
		owns = jp_aip_owns4_rcu(&st->a, &st->s[k], a6.s6_addr32[0]);
	} else {
		got = jp_aip_lookup6_rcu(&st->a, &a6);
		owns = jp_aip_owns6_rcu(&st->a, &st->s[k], &a6);
	}
	rcu_read_unlock();
	want = jp_sta_ref_route(st, family, a6.s6_addr);
	return (got ? got - st->s : -1) == want &&
	       owns == jp_sta_ref_owns(st, k, family, a6.s6_addr);
}

static bool __init jp_sta_random(struct jp_sta *st)
{
	unsigned int round, k, i, idx = 0, want_idx = 0;
	struct jp_prefix_set *set;
	u32 owner = 0, want_owner = 0;
	int err = 0, want, check;
	unsigned int sets = 0, refused = 0;

	for (round = 0; round < JP_STA_ROUNDS; round++) {
		k = jp_sta_rand(st, JP_STA_SESSIONS);
		if (!jp_sta_rand(st, 8)) {
			jp_sta_remove(st, k);
		} else {
			set = jp_sta_rand_set(st, k);
			if (!set)
				return false;
			want = jp_sta_ref_check(st, k, set, &want_idx,
						&want_owner);
			check = jp_aip_check(&st->a, &st->s[k], set, &idx,
					     &owner);
			if (check != want ||
			    (want && (idx != want_idx || owner != want_owner)))
				goto wrong;
			err = jp_sta_set(st, k, set, &idx, &owner);
			if (err != want ||
			    (want && (idx != want_idx || owner != want_owner)))
				goto wrong;
			if (err) {
				kfree(set);
				refused++;
			} else {
				sets++;
			}
		}
		for (i = 0; i < JP_STA_PROBES; i++)
			if (!jp_sta_probe(st)) {
				pr_err("allowedips self-test: lookup differs from the reference in round %u\n",
				       round);
				return false;
			}
	}
	for (k = 0; k < JP_STA_SESSIONS; k++)
		jp_sta_remove(st, k);
	if (!jp_aip_empty(&st->a)) {
		pr_err("allowedips self-test: nodes left after every prefix went\n");
		return false;
	}
	pr_info("allowedips self-test: %u random sets installed, %u refused, all lookups as the reference\n",
		sets, refused);
	return true;

wrong:
	pr_err("allowedips self-test: one-owner answer differs in round %u: want %d idx %u owner %u, check %d, got %d idx %u owner %u\n",
	       round, want, want_idx, want_owner, check, err, idx, owner);
	kfree(set);
	return false;
}

#define JP_STA_BENCH_PREFIXES	10000
#define JP_STA_BENCH_PER_SET	1000
#define JP_STA_BENCH_TRIE	1000000
#define JP_STA_BENCH_LIST	2000

/* The i-th of JP_STA_BENCH_PREFIXES distinct /32s in 10.0.0.0/8. */
static __be32 __init jp_sta_bench_addr(unsigned int i)
{
	/* An odd factor is a bijection modulo 2^24: all distinct. */
	return htonl(0x0a000000 | ((i * 0x9e3779b1U) & 0xffffff));
}

/* The transmit lookup before the trie: every prefix, the longest match. */
static int __init jp_sta_scan4(const struct jp_prefix_set *set, __be32 addr)
{
	const struct jp_prefix *p;
	int best = -1;
	unsigned int i;

	for (i = 0; i < set->count; i++) {
		p = &set->prefix[i];
		if (p->family == AF_INET && (int)p->len > best &&
		    (!p->len ||
		     !((addr ^ p->addr.ip4) & htonl(~0U << (32 - p->len)))))
			best = p->len;
	}
	return best;
}

/*
 * Time lookups among 10,000 /32s: the trie, and a plain scan of every
 * prefix as transmit did before (a flat array, so a lower bound of the
 * old per-session walk). Informational: printed, never a failure.
 */
static bool __init jp_sta_bench(struct jp_sta *st)
{
	unsigned int i, j, k, n = JP_STA_BENCH_PREFIXES / JP_STA_BENCH_PER_SET;
	struct jp_prefix_set *set, *all;
	u64 t0, trie_ns, list_ns;
	unsigned int idx, found = 0;
	__be32 addr;
	u32 owner;

	all = kvzalloc(struct_size(all, prefix, JP_STA_BENCH_PREFIXES),
		       GFP_KERNEL);
	if (!all)
		return false;
	all->count = JP_STA_BENCH_PREFIXES;
	for (k = 0; k < n && k < JP_STA_SESSIONS; k++) {
		set = kzalloc(struct_size(set, prefix, JP_STA_BENCH_PER_SET),
			      GFP_KERNEL);
		if (!set)
			goto err;
		set->count = JP_STA_BENCH_PER_SET;
		for (j = 0; j < JP_STA_BENCH_PER_SET; j++) {
			i = k * JP_STA_BENCH_PER_SET + j;
			addr = jp_sta_bench_addr(i);
			jp_prefix_init(&set->prefix[j], AF_INET, &addr, 32);
			all->prefix[i] = set->prefix[j];
		}
		if (jp_sta_set(st, k, set, &idx, &owner)) {
			kfree(set);
			goto err;
		}
	}
	if (k < n)
		goto err;

	t0 = ktime_get_ns();
	for (i = 0; i < JP_STA_BENCH_TRIE; i += 1000) {
		rcu_read_lock();
		for (j = i; j < i + 1000; j++) {
			addr = jp_sta_bench_addr(j % JP_STA_BENCH_PREFIXES);
			found += !!jp_aip_lookup4_rcu(&st->a, addr);
		}
		rcu_read_unlock();
		cond_resched();
	}
	trie_ns = ktime_get_ns() - t0;

	t0 = ktime_get_ns();
	for (i = 0; i < JP_STA_BENCH_LIST; i++) {
		addr = jp_sta_bench_addr(i * 7 % JP_STA_BENCH_PREFIXES);
		found += jp_sta_scan4(all, addr) >= 0;
		cond_resched();
	}
	list_ns = ktime_get_ns() - t0;

	pr_info("allowedips self-test: lookup among %u prefixes: trie %llu ns, linear scan %llu ns\n",
		JP_STA_BENCH_PREFIXES, trie_ns / JP_STA_BENCH_TRIE,
		list_ns / JP_STA_BENCH_LIST);
	for (k = 0; k < JP_STA_SESSIONS; k++)
		jp_sta_remove(st, k);
	kvfree(all);
	return found == JP_STA_BENCH_TRIE + JP_STA_BENCH_LIST &&
	       jp_aip_empty(&st->a);

err:
	for (k = 0; k < JP_STA_SESSIONS; k++)
		jp_sta_remove(st, k);
	kvfree(all);
	return false;
}

bool __init jp_aip_selftest(void)
{
	struct jp_sta *st;
	unsigned int k;
	bool ok;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return false;
	st->s = kcalloc(JP_STA_SESSIONS, sizeof(*st->s), GFP_KERNEL);
	if (!st->s) {
		kfree(st);
		return false;
	}
	for (k = 0; k < JP_STA_SESSIONS; k++)
		st->s[k].id = 1000 + k;
	spin_lock_init(&st->lock);
	jp_aip_init(&st->a, &st->lock);
	prandom_seed_state(&st->rnd, 13);

	ok = jp_sta_edges(st);
	ok = ok && jp_sta_random(st);
	ok = ok && jp_sta_bench(st);

	for (k = 0; k < JP_STA_SESSIONS; k++)
		jp_sta_remove(st, k);
	jp_aip_destroy(&st->a);
	/* Nodes go after a grace period; they point at no session. */
	kfree(st->s);
	kfree(st);
	if (ok)
		pr_info("allowedips self-test: pass\n");
	else
		pr_err("allowedips self-test: failed\n");
	return ok;
}
