// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: allowed IPs, a path-compressed binary trie per address
 * family.
 *
 * Every node is a prefix (its key and its length, "cidr"); its children
 * hold longer prefixes inside it, on the side of the bit that follows it
 * (bit number cidr, counted from the most significant). A node holds a
 * prefix some session owns, or, with no owner, only joins two subtrees
 * that part at that bit. So a lookup walks down at most one node per bit
 * (33 for IPv4, 129 for IPv6), whatever the number of sessions or
 * prefixes, and the last owner met on the way is the longest match.
 *
 * Readers (transmit, the receive source check) hold only rcu_read_lock().
 * Writers hold the session table's lock; a node is fully written before
 * one rcu_assign_pointer() links it in, and a node unlinked keeps its
 * children, so a reader that stands on it walks on, and is freed after a
 * grace period. A node without an owner is invisible to lookups, which is
 * what lets an update go in two steps without a reader seeing half of it:
 * jp_aip_prepare() adds the nodes a set needs, ownerless, and checks the
 * one-owner rule; jp_aip_commit() then only stores owners and unlinks.
 *
 * Keys are two u64 in host order, the address's bits from the top: an IPv4
 * address fills the upper 32 bits of the first.
 */
#include <linux/bitops.h>
#include <linux/lockdep.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "allowedips.h"
#include "session.h"

/**
 * struct jp_aip_node - one prefix of a trie
 * @child: longer prefixes inside this one, by the bit after it
 * @owner: the session that owns this prefix, or NULL for a node that only
 *	joins two subtrees (or one jp_aip_prepare() added)
 * @key: the prefix's bits, host order, zero past @cidr
 * @cidr: the prefix length
 * @marked: writers only: in the set being prepared or committed
 * @parent: writers only: the node whose child this is, NULL at the root
 * @rcu: frees the node after readers; shares room with @parent, which no
 *	one reads once the node is unlinked
 */
struct jp_aip_node {
	struct jp_aip_node __rcu *child[2];
	struct jp_session __rcu *owner;
	u64 key[2];
	u8 cidr;
	bool marked;
	union {
		struct jp_aip_node *parent;
		struct rcu_head rcu;
	};
};

#define jp_aip_deref(a, p) rcu_dereference_protected(p, lockdep_is_held((a)->lock))
/* Readers under RCU, or writers. */
#define jp_aip_deref_any(a, p) rcu_dereference_check(p, lockdep_is_held((a)->lock))

/**
 * jp_prefix_init - fill in a prefix, clearing its host bits
 * @p: the prefix
 * @family: AF_INET or AF_INET6
 * @addr: a __be32 or a struct in6_addr
 * @len: prefix length, at most 32 or 128
 *
 * Return: 0 or -EINVAL.
 */
int jp_prefix_init(struct jp_prefix *p, sa_family_t family, const void *addr,
		   u8 len)
{
	memset(p, 0, sizeof(*p));
	p->family = family;
	p->len = len;
	if (family == AF_INET && len <= 32) {
		p->addr.ip4 = len ? *(const __be32 *)addr &
				    htonl(~0U << (32 - len)) : 0;
		return 0;
	}
	if (family == AF_INET6 && len <= 128) {
		ipv6_addr_prefix(&p->addr.ip6, addr, len);
		return 0;
	}
	return -EINVAL;
}

/* A set with room for @count prefixes, count set, prefixes zeroed. */
struct jp_prefix_set *jp_prefix_set_alloc(unsigned int count, gfp_t gfp)
{
	struct jp_prefix_set *set;

	if (count > JP_SESSION_MAX_PREFIXES)
		return NULL;
	set = kzalloc(struct_size(set, prefix, count), gfp);
	if (set)
		set->count = count;
	return set;
}

static void jp_aip_key4(u64 key[2], __be32 addr)
{
	key[0] = (u64)be32_to_cpu(addr) << 32;
	key[1] = 0;
}

static void jp_aip_key6(u64 key[2], const struct in6_addr *addr)
{
	key[0] = (u64)be32_to_cpu(addr->s6_addr32[0]) << 32 |
		 be32_to_cpu(addr->s6_addr32[1]);
	key[1] = (u64)be32_to_cpu(addr->s6_addr32[2]) << 32 |
		 be32_to_cpu(addr->s6_addr32[3]);
}

static void jp_aip_key(u64 key[2], const struct jp_prefix *p)
{
	if (p->family == AF_INET)
		jp_aip_key4(key, p->addr.ip4);
	else
		jp_aip_key6(key, &p->addr.ip6);
}

/* How many leading bits @a and @b share, 0 to 128. */
static unsigned int jp_aip_common(const u64 a[2], const u64 b[2])
{
	u64 x = a[0] ^ b[0];

	if (x)
		return 64 - fls64(x);
	return 128 - fls64(a[1] ^ b[1]);
}

/*
 * Bit @i of @key, 0 the most significant. 128 (past a /128, which has no
 * children) reads a bit of the first word rather than shifting too far.
 */
static unsigned int jp_aip_bit(const u64 key[2], unsigned int i)
{
	return (key[(i >> 6) & 1] >> (63 - (i & 63))) & 1;
}

/* Does the prefix of @n hold @key? */
static bool jp_aip_holds(const struct jp_aip_node *n, const u64 key[2])
{
	return jp_aip_common(n->key, key) >= n->cidr;
}

static struct jp_aip_node __rcu **jp_aip_root(struct jp_allowedips *a,
					      u8 family)
{
	return family == AF_INET ? &a->root4 : &a->root6;
}

void jp_aip_init(struct jp_allowedips *a, spinlock_t *lock)
{
	RCU_INIT_POINTER(a->root4, NULL);
	RCU_INIT_POINTER(a->root6, NULL);
	a->lock = lock;
}

/* The node of exactly @p, or NULL. Under RCU or the writer lock. */
static struct jp_aip_node *jp_aip_exact(struct jp_allowedips *a,
					const struct jp_prefix *p)
{
	struct jp_aip_node *n;
	u64 key[2];

	jp_aip_key(key, p);
	n = jp_aip_deref_any(a, *jp_aip_root(a, p->family));
	while (n && n->cidr <= p->len && jp_aip_holds(n, key)) {
		if (n->cidr == p->len)
			return n;
		n = jp_aip_deref_any(a, n->child[jp_aip_bit(key, n->cidr)]);
	}
	return NULL;
}

/*
 * Under rcu_read_lock(): the owner of the longest prefix holding @key, or
 * NULL. Prefix lengths grow strictly on the way down, and a node that does
 * not hold @key holds nothing below it that does.
 */
static struct jp_session *jp_aip_find_rcu(const struct jp_aip_node *n,
					  const u64 key[2])
{
	struct jp_session *best = NULL, *owner;

	while (n && jp_aip_holds(n, key)) {
		owner = rcu_dereference(n->owner);
		if (owner)
			best = owner;
		n = rcu_dereference(n->child[jp_aip_bit(key, n->cidr)]);
	}
	return best;
}

/* Under rcu_read_lock(): does @s own any prefix holding @key? */
static bool jp_aip_owns_rcu(const struct jp_aip_node *n,
			    const struct jp_session *s, const u64 key[2])
{
	while (n && jp_aip_holds(n, key)) {
		if (rcu_access_pointer(n->owner) == s)
			return true;
		n = rcu_dereference(n->child[jp_aip_bit(key, n->cidr)]);
	}
	return false;
}

/*
 * Under rcu_read_lock(): the session that routes @addr, unreferenced, or
 * NULL.
 */
struct jp_session *jp_aip_lookup4_rcu(struct jp_allowedips *a, __be32 addr)
{
	u64 key[2];

	jp_aip_key4(key, addr);
	return jp_aip_find_rcu(rcu_dereference(a->root4), key);
}

struct jp_session *jp_aip_lookup6_rcu(struct jp_allowedips *a,
				      const struct in6_addr *addr)
{
	u64 key[2];

	jp_aip_key6(key, addr);
	return jp_aip_find_rcu(rcu_dereference(a->root6), key);
}

/*
 * Under rcu_read_lock(): may @s send from @addr, i.e. does one of its
 * prefixes hold it? Any of them, not only the longest match of the device:
 * a session owning 10.0.0.0/8 may send from 10.1.0.1 while another owns
 * 10.1.0.0/16.
 */
bool jp_aip_owns4_rcu(struct jp_allowedips *a, const struct jp_session *s,
		      __be32 addr)
{
	u64 key[2];

	jp_aip_key4(key, addr);
	return jp_aip_owns_rcu(rcu_dereference(a->root4), s, key);
}

bool jp_aip_owns6_rcu(struct jp_allowedips *a, const struct jp_session *s,
		      const struct in6_addr *addr)
{
	u64 key[2];

	jp_aip_key6(key, addr);
	return jp_aip_owns_rcu(rcu_dereference(a->root6), s, key);
}

static bool jp_prefix_equal(const struct jp_prefix *a,
			    const struct jp_prefix *b)
{
	if (a->family != b->family || a->len != b->len)
		return false;
	if (a->family == AF_INET)
		return a->addr.ip4 == b->addr.ip4;
	return ipv6_addr_equal(&a->addr.ip6, &b->addr.ip6);
}

/**
 * jp_aip_check - the one-owner rule for a session's new prefixes, changing
 *	nothing
 * @a: the device's trie
 * @s: the session @set is for (its current prefixes do not count), or NULL
 *	for a session not in the table yet
 * @set: the prefixes, host bits clear; NULL for none
 * @idx: set to the index in @set of the first prefix that breaks the rule
 * @owner: set to the id of the session that holds it (@s's own id, or 0,
 *	if @set names the prefix twice)
 *
 * A prefix (address and length) has at most one owner per device, so that
 * transmit never has to break a tie; prefixes that only overlap (10.0.0.0/24
 * and 10.0.0.5/32) are fine: the longest match wins. This reports a
 * request's fault before anything is built; jp_aip_prepare() enforces the
 * same rule with the same answers. A repeat within @set is looked for
 * pairwise, which a set's bound (JP_SESSION_MAX_PREFIXES) keeps small;
 * owners cost one trie walk a prefix.
 *
 * Return: 0, -EINVAL (@set holds a prefix twice) or -EEXIST (another
 * session owns one).
 */
int jp_aip_check(struct jp_allowedips *a, const struct jp_session *s,
		 const struct jp_prefix_set *set, unsigned int *idx,
		 u32 *owner)
{
	struct jp_aip_node *n;
	struct jp_session *o;
	unsigned int i, j;
	int err = 0;

	if (!set)
		return 0;
	for (i = 0; i < set->count; i++)
		for (j = 0; j < i; j++)
			if (jp_prefix_equal(&set->prefix[i], &set->prefix[j])) {
				*idx = i;
				*owner = s ? s->id : 0;
				return -EINVAL;
			}
	/* The owner's id is read under RCU: a session is freed after one. */
	rcu_read_lock();
	for (i = 0; i < set->count; i++) {
		n = jp_aip_exact(a, &set->prefix[i]);
		o = n ? rcu_dereference(n->owner) : NULL;
		if (o && o != s) {
			*idx = i;
			*owner = o->id;
			err = -EEXIST;
			break;
		}
	}
	rcu_read_unlock();
	return err;
}

/**
 * jp_aip_pool_fill - allocate the nodes inserting @set may need
 * @pool: an empty pool
 * @set: the prefixes; NULL for none
 * @gfp: allocation flags
 *
 * Two nodes a prefix: its own and one that joins it to where it parts from
 * a prefix already there. Return: 0 or -ENOMEM, with @pool empty.
 */
int jp_aip_pool_fill(struct jp_aip_pool *pool,
		     const struct jp_prefix_set *set, gfp_t gfp)
{
	unsigned int i, n = set ? 2 * set->count : 0;
	struct jp_aip_node *node;

	pool->free = NULL;
	for (i = 0; i < n; i++) {
		node = kmalloc(sizeof(*node), gfp);
		if (!node) {
			jp_aip_pool_drain(pool);
			return -ENOMEM;
		}
		node->parent = pool->free;
		pool->free = node;
	}
	return 0;
}

/* Free what the writer did not use: never linked, so no grace period. */
void jp_aip_pool_drain(struct jp_aip_pool *pool)
{
	struct jp_aip_node *node;

	while ((node = pool->free)) {
		pool->free = node->parent;
		kfree(node);
	}
}

/* A node for the first @cidr bits of @key, ownerless, unlinked. */
static struct jp_aip_node *jp_aip_new(struct jp_aip_pool *pool,
				      const u64 key[2], u8 cidr,
				      struct jp_aip_node *parent)
{
	struct jp_aip_node *n = pool->free;

	if (WARN_ON_ONCE(!n))
		return NULL;
	pool->free = n->parent;
	memset(n, 0, sizeof(*n));
	n->key[0] = cidr ? key[0] & (~0ULL << (64 - min_t(u8, cidr, 64))) : 0;
	n->key[1] = cidr > 64 ? key[1] & (~0ULL << (128 - cidr)) : 0;
	n->cidr = cidr;
	n->parent = parent;
	return n;
}

/*
 * Writer: the node of @p, added ownerless (with a joining node when it
 * parts from one there) if the trie has none yet. NULL only if @pool ran
 * dry, which its size rules out.
 */
static struct jp_aip_node *jp_aip_insert(struct jp_allowedips *a,
					 const struct jp_prefix *p,
					 struct jp_aip_pool *pool)
{
	struct jp_aip_node __rcu **slot = jp_aip_root(a, p->family);
	struct jp_aip_node *n, *parent = NULL, *leaf, *join;
	unsigned int common;
	u64 key[2];

	jp_aip_key(key, p);
	for (;;) {
		n = jp_aip_deref(a, *slot);
		if (!n) {
			leaf = jp_aip_new(pool, key, p->len, parent);
			if (leaf)
				rcu_assign_pointer(*slot, leaf);
			return leaf;
		}
		common = min_t(unsigned int, jp_aip_common(n->key, key),
			       p->len);
		if (common >= n->cidr) {
			/* @n holds @p: it is @p's node, or @p is below. */
			if (n->cidr == p->len)
				return n;
			parent = n;
			slot = &n->child[jp_aip_bit(key, n->cidr)];
			continue;
		}
		leaf = jp_aip_new(pool, key, p->len, parent);
		if (!leaf)
			return NULL;
		if (common == p->len) {
			/* @p holds @n: @p goes in between. */
			RCU_INIT_POINTER(leaf->child[jp_aip_bit(n->key, common)],
					 n);
			n->parent = leaf;
			rcu_assign_pointer(*slot, leaf);
			return leaf;
		}
		/* They part at bit @common: a node there joins them. */
		join = jp_aip_new(pool, key, common, parent);
		if (!join) {
			leaf->parent = pool->free;
			pool->free = leaf;
			return NULL;
		}
		RCU_INIT_POINTER(join->child[jp_aip_bit(key, common)], leaf);
		RCU_INIT_POINTER(join->child[jp_aip_bit(n->key, common)], n);
		leaf->parent = join;
		n->parent = join;
		rcu_assign_pointer(*slot, join);
		return leaf;
	}
}

/*
 * Writer: unlink @n and the nodes above it that no longer mean anything:
 * no owner and fewer than two children. A reader standing on one walks on
 * through its children, which it keeps until it is freed.
 */
static void jp_aip_prune(struct jp_allowedips *a, struct jp_aip_node *n,
			 u8 family)
{
	struct jp_aip_node *parent, *c0, *c1, *child;
	struct jp_aip_node __rcu **slot;

	while (n && !rcu_access_pointer(n->owner) && !n->marked) {
		c0 = jp_aip_deref(a, n->child[0]);
		c1 = jp_aip_deref(a, n->child[1]);
		if (c0 && c1)
			return;
		child = c0 ?: c1;
		parent = n->parent;
		slot = parent ? &parent->child[jp_aip_bit(n->key, parent->cidr)] :
				jp_aip_root(a, family);
		if (child)
			child->parent = parent;
		rcu_assign_pointer(*slot, child);
		/* @rcu overwrites @parent, read above. */
		kfree_rcu(n, rcu);
		n = parent;
	}
}

/**
 * jp_aip_abort - undo jp_aip_prepare(): nothing a reader saw changes
 * @a: the trie, writer lock held
 * @set: the set jp_aip_prepare() was given
 */
void jp_aip_abort(struct jp_allowedips *a, const struct jp_prefix_set *set)
{
	struct jp_aip_node *n;
	unsigned int i;

	for (i = 0; set && i < set->count; i++) {
		n = jp_aip_exact(a, &set->prefix[i]);
		if (!n)
			continue;	/* pruned with an earlier one */
		n->marked = false;
		jp_aip_prune(a, n, set->prefix[i].family);
	}
}

/**
 * jp_aip_prepare - make room for a session's new prefixes, enforcing the
 *	one-owner rule
 * @a: the trie, writer lock held
 * @s: the session @set is for, or NULL (as for jp_aip_check())
 * @set: the prefixes; NULL for none
 * @pool: filled by jp_aip_pool_fill() for @set
 * @idx: as for jp_aip_check()
 * @owner: as for jp_aip_check()
 *
 * Every prefix of @set gets a node, marked; a new one has no owner, so
 * lookups do not change. On success the caller must jp_aip_commit() or
 * jp_aip_abort() before it drops the lock; on error nothing is left.
 *
 * Return: 0, -EINVAL or -EEXIST as jp_aip_check() says (a repeat is found
 * by its mark), or -ENOMEM if @pool was short.
 */
int jp_aip_prepare(struct jp_allowedips *a, const struct jp_session *s,
		   const struct jp_prefix_set *set, struct jp_aip_pool *pool,
		   unsigned int *idx, u32 *owner)
{
	struct jp_aip_node *n;
	struct jp_session *o;
	unsigned int i;
	int err = 0;

	for (i = 0; set && i < set->count; i++) {
		n = jp_aip_insert(a, &set->prefix[i], pool);
		if (!n) {
			err = -ENOMEM;
			goto undo;
		}
		if (n->marked) {
			*idx = i;
			*owner = s ? s->id : 0;
			err = -EINVAL;
			goto undo;
		}
		n->marked = true;
	}
	for (i = 0; set && i < set->count; i++) {
		n = jp_aip_exact(a, &set->prefix[i]);
		o = jp_aip_deref(a, n->owner);
		if (o && o != s) {
			*idx = i;
			*owner = o->id;
			err = -EEXIST;
			goto undo;
		}
	}
	return 0;

undo:
	jp_aip_abort(a, set);
	return err;
}

/**
 * jp_aip_commit - give @s the prefixes of @set, taking those of @old
 *	that @set does not name
 * @a: the trie, writer lock held
 * @s: the session
 * @old: its prefixes until now; NULL for none
 * @set: prepared by jp_aip_prepare() for @s; NULL for none (removes @old)
 *
 * @set's prefixes get their owner first, @old's go after: in between @s
 * owns both, so a reader never finds a session that did not own what it
 * looked up, and a prefix @set keeps never goes without its owner.
 */
void jp_aip_commit(struct jp_allowedips *a, struct jp_session *s,
		   const struct jp_prefix_set *old,
		   const struct jp_prefix_set *set)
{
	struct jp_aip_node *n;
	unsigned int i;

	for (i = 0; set && i < set->count; i++) {
		n = jp_aip_exact(a, &set->prefix[i]);
		rcu_assign_pointer(n->owner, s);
	}
	for (i = 0; old && i < old->count; i++) {
		n = jp_aip_exact(a, &old->prefix[i]);
		if (!n || n->marked ||
		    WARN_ON_ONCE(rcu_access_pointer(n->owner) != s))
			continue;
		RCU_INIT_POINTER(n->owner, NULL);
		jp_aip_prune(a, n, old->prefix[i].family);
	}
	for (i = 0; set && i < set->count; i++)
		jp_aip_exact(a, &set->prefix[i])->marked = false;
}

static bool jp_aip_root_empty(struct jp_aip_node __rcu **root)
{
	return !rcu_access_pointer(*root);
}

/* Has every prefix gone (with every node)? */
bool jp_aip_empty(struct jp_allowedips *a)
{
	return jp_aip_root_empty(&a->root4) && jp_aip_root_empty(&a->root6);
}

/* Free a whole trie, children first, without recursion. */
static void jp_aip_free(struct jp_allowedips *a,
			struct jp_aip_node __rcu **root)
{
	struct jp_aip_node *n, *c, *parent;
	unsigned int b;

	n = jp_aip_deref(a, *root);
	RCU_INIT_POINTER(*root, NULL);
	while (n) {
		for (b = 0; b < 2; b++) {
			c = jp_aip_deref(a, n->child[b]);
			if (c)
				break;
		}
		if (c) {
			RCU_INIT_POINTER(n->child[b], NULL);
			n = c;
			continue;
		}
		parent = n->parent;
		kfree_rcu(n, rcu);
		n = parent;
	}
}

/*
 * The table is empty (every session's removal took its prefixes) and no
 * reader is left; anything still here is a leak to report, then free.
 */
void jp_aip_destroy(struct jp_allowedips *a)
{
	WARN_ON_ONCE(!jp_aip_empty(a));
	spin_lock_bh(a->lock);
	jp_aip_free(a, &a->root4);
	jp_aip_free(a, &a->root6);
	spin_unlock_bh(a->lock);
}

#ifdef JUMPING_SELFTEST
#include "selftest/allowedips.c"
#endif
