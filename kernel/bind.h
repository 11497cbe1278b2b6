/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: a session's transport binding, the one UDP 4-tuple its
 * packets currently take. It is replaceable as a whole while the session
 * (id, keys, counters) stays: the session/transport split in one object.
 */
#ifndef _JP_BIND_H
#define _JP_BIND_H

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/jumping.h>
#include <linux/rcupdate.h>
#include <linux/socket.h>
#include <net/dst_cache.h>

struct sk_buff;

/**
 * struct jp_bind - where a session's packets go and come from
 * @remote: the peer's address and port (sin_family / sin6_family say which)
 * @local: source address to use; any (all zeroes) lets routing choose
 * @ifindex: the interface packets leave by (the route lookup's output
 *           interface), so that a path's packets take its uplink even
 *           without source routing; 0 lets routing choose
 * @dst_cache: the route to @remote, per CPU, reset when routes change
 * @since: jiffies when it was installed in its session
 * @reason: enum jumping_reason it was installed for
 * @rcu: a binding is replaced, never changed in place; the old one is freed
 *       after readers on the packet path are done with it
 */
struct jp_bind {
	union {
		struct sockaddr_in in4;
		struct sockaddr_in6 in6;
		sa_family_t family;
	} remote;
	union {
		__be32 ip4;
		struct in6_addr ip6;
	} local;
	int ifindex;
	struct dst_cache dst_cache;
	unsigned long since;
	u16 reason;
	struct rcu_head rcu;
};

/**
 * struct jp_bind_record - one binding of a session's history, compact
 * @since: jiffies when it was installed
 * @remote: the peer's address (@family says which)
 * @local: the source address, any (all zeroes) if routing chose
 * @ifindex: the output interface, 0 if routing chose
 * @port: the peer's port
 * @reason: enum jumping_reason it was installed for
 * @family: AF_INET or AF_INET6
 *
 * What a history dump shows of a binding and no more: no route cache and
 * no rcu_head (a record is never sent to and is overwritten in place under
 * the session's lock), no sockaddr padding. 56 bytes instead of the 96 of
 * a whole struct jp_bind with the same fields around it.
 */
struct jp_bind_record {
	unsigned long since;
	union {
		__be32 ip4;
		struct in6_addr ip6;
	} remote, local;
	int ifindex;
	__be16 port;
	u16 reason;
	u8 family;
};

/*
 * The bindings a session had before its current one, newest last: allocated
 * at its first move, so a session that never moves carries no history
 * beyond its binding (which records its own @since and @reason).
 */
struct jp_bind_past {
	u8 next;
	u8 count;
	struct jp_bind_record rec[JUMPING_HISTORY_LEN - 1];
};

void jp_bind_record_set(struct jp_bind_record *rec,
			const struct jp_bind *bind);
void jp_bind_record_load(const struct jp_bind_record *rec,
			 struct jp_bind *bind);

int jp_bind_init(struct jp_bind *bind, const struct sockaddr_storage *remote,
		 const struct sockaddr_storage *local);
struct jp_bind *jp_bind_clone(const struct jp_bind *tmpl, gfp_t gfp);
void jp_bind_free_rcu(struct jp_bind *bind);
void jp_bind_free(struct jp_bind *bind);
void jp_bind_from_skb(struct jp_bind *bind, const struct sk_buff *skb);
bool jp_bind_is_source_of(const struct jp_bind *bind,
			  const struct sk_buff *skb);
bool jp_bind_remote_equal(const struct jp_bind *bind,
			  const struct sockaddr_storage *remote);

#endif /* _JP_BIND_H */
