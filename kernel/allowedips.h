/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: allowed IPs. A session's inner prefixes, and per device a
 * longest-prefix-match trie per address family that maps every prefix to
 * the one session owning it: transmit finds its session there, receive
 * checks an inner source there.
 */
#ifndef _JP_ALLOWEDIPS_H
#define _JP_ALLOWEDIPS_H

#include <linux/in6.h>
#include <linux/rcupdate.h>
#include <linux/socket.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct jp_session;

/**
 * struct jp_prefix - an inner IPv4 or IPv6 prefix, host bits zero
 * @addr: the network address
 * @family: AF_INET or AF_INET6
 * @len: prefix length in bits
 */
struct jp_prefix {
	union {
		__be32 ip4;
		struct in6_addr ip6;
	} addr;
	u8 family;
	u8 len;
};

/*
 * A session's prefixes, in the order they were given (dumps print them so),
 * replaced as a whole and freed after readers.
 */
struct jp_prefix_set {
	struct rcu_head rcu;
	unsigned int count;
	struct jp_prefix prefix[];
};

struct jp_aip_node;

/**
 * struct jp_allowedips - a device's prefixes and their owners
 * @root4: the IPv4 trie
 * @root6: the IPv6 trie
 * @lock: the lock its writers hold (the session table's), for lockdep;
 *	readers hold only rcu_read_lock()
 */
struct jp_allowedips {
	struct jp_aip_node __rcu *root4;
	struct jp_aip_node __rcu *root6;
	spinlock_t *lock; /* the writers'; see above */
};

/*
 * Nodes allocated before the writer lock is taken, so that inserting under
 * it (a spinlock) never allocates: at most two per prefix inserted.
 */
struct jp_aip_pool {
	struct jp_aip_node *free;
};

int jp_prefix_init(struct jp_prefix *p, sa_family_t family, const void *addr,
		   u8 len);
struct jp_prefix_set *jp_prefix_set_alloc(unsigned int count, gfp_t gfp);

void jp_aip_init(struct jp_allowedips *a, spinlock_t *lock);
void jp_aip_destroy(struct jp_allowedips *a);
bool jp_aip_empty(struct jp_allowedips *a);

int jp_aip_check(struct jp_allowedips *a, const struct jp_session *s,
		 const struct jp_prefix_set *set, unsigned int *idx,
		 u32 *owner);

int jp_aip_pool_fill(struct jp_aip_pool *pool,
		     const struct jp_prefix_set *set, gfp_t gfp);
void jp_aip_pool_drain(struct jp_aip_pool *pool);
int jp_aip_prepare(struct jp_allowedips *a, const struct jp_session *s,
		   const struct jp_prefix_set *set, struct jp_aip_pool *pool,
		   unsigned int *idx, u32 *owner);
void jp_aip_abort(struct jp_allowedips *a, const struct jp_prefix_set *set);
void jp_aip_commit(struct jp_allowedips *a, struct jp_session *s,
		   const struct jp_prefix_set *old,
		   const struct jp_prefix_set *set);

struct jp_session *jp_aip_lookup4_rcu(struct jp_allowedips *a, __be32 addr);
struct jp_session *jp_aip_lookup6_rcu(struct jp_allowedips *a,
				      const struct in6_addr *addr);
bool jp_aip_owns4_rcu(struct jp_allowedips *a, const struct jp_session *s,
		      __be32 addr);
bool jp_aip_owns6_rcu(struct jp_allowedips *a, const struct jp_session *s,
		      const struct in6_addr *addr);

#ifdef JUMPING_SELFTEST
bool jp_aip_selftest(void);
#else
static inline bool jp_aip_selftest(void)
{
	return true;
}
#endif

#endif /* _JP_ALLOWEDIPS_H */
