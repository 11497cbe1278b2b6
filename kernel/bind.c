// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: transport bindings.
 */
#include <linux/ip.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/ipv6.h>

#include "bind.h"

/**
 * jp_bind_init - fill in a binding to @remote, optionally from @local
 * @bind: the binding; its route cache is left unset (zeroed): a binding on
 *	the stack, e.g. for one control datagram, routes every packet
 * @remote: AF_INET or AF_INET6 with a port
 * @local: NULL, or an address of the same family (its port is ignored)
 *
 * Return: 0, -EAFNOSUPPORT or -EINVAL.
 */
int jp_bind_init(struct jp_bind *bind, const struct sockaddr_storage *remote,
		 const struct sockaddr_storage *local)
{
	if (remote->ss_family != AF_INET && remote->ss_family != AF_INET6)
		return -EAFNOSUPPORT;
	if (local && local->ss_family != remote->ss_family)
		return -EINVAL;

	memset(bind, 0, sizeof(*bind));
	if (remote->ss_family == AF_INET) {
		bind->remote.in4 = *(const struct sockaddr_in *)remote;
		if (local)
			bind->local.ip4 =
				((const struct sockaddr_in *)local)->sin_addr.s_addr;
	} else {
		bind->remote.in6 = *(const struct sockaddr_in6 *)remote;
		if (local)
			bind->local.ip6 =
				((const struct sockaddr_in6 *)local)->sin6_addr;
	}
	return 0;
}

/**
 * jp_bind_record_set - note @bind in a history record
 * @rec: the record, overwritten
 * @bind: a binding that was installed (its @since and @reason are set)
 */
void jp_bind_record_set(struct jp_bind_record *rec,
			const struct jp_bind *bind)
{
	memset(rec, 0, sizeof(*rec));
	rec->since = bind->since;
	rec->family = bind->remote.family;
	if (rec->family == AF_INET) {
		rec->remote.ip4 = bind->remote.in4.sin_addr.s_addr;
		rec->port = bind->remote.in4.sin_port;
		rec->local.ip4 = bind->local.ip4;
	} else {
		rec->remote.ip6 = bind->remote.in6.sin6_addr;
		rec->port = bind->remote.in6.sin6_port;
		rec->local.ip6 = bind->local.ip6;
	}
	rec->ifindex = bind->ifindex;
	rec->reason = bind->reason;
}

/**
 * jp_bind_record_load - a history record back as a binding, for a dump
 * @rec: the record
 * @bind: filled in with the record's addresses, port and interface; no
 *	route cache (it is only ever reported, never sent to)
 */
void jp_bind_record_load(const struct jp_bind_record *rec,
			 struct jp_bind *bind)
{
	memset(bind, 0, sizeof(*bind));
	if (rec->family == AF_INET) {
		bind->remote.in4.sin_family = AF_INET;
		bind->remote.in4.sin_addr.s_addr = rec->remote.ip4;
		bind->remote.in4.sin_port = rec->port;
		bind->local.ip4 = rec->local.ip4;
	} else {
		bind->remote.in6.sin6_family = AF_INET6;
		bind->remote.in6.sin6_addr = rec->remote.ip6;
		bind->remote.in6.sin6_port = rec->port;
		bind->local.ip6 = rec->local.ip6;
	}
	bind->ifindex = rec->ifindex;
}

/**
 * jp_bind_clone - a binding to where @tmpl goes, with its own route cache
 * @tmpl: from jp_bind_init()
 * @gfp: allocation context
 *
 * Return: the binding, or ERR_PTR(-ENOMEM).
 */
struct jp_bind *jp_bind_clone(const struct jp_bind *tmpl, gfp_t gfp)
{
	struct jp_bind *bind;
	int err;

	bind = kmemdup(tmpl, sizeof(*bind), gfp);
	if (!bind)
		return ERR_PTR(-ENOMEM);
	err = dst_cache_init(&bind->dst_cache, gfp);
	if (err) {
		kfree(bind);
		return ERR_PTR(err);
	}
	return bind;
}

/* Now: no reader can see @bind any more (or none ever did). */
void jp_bind_free(struct jp_bind *bind)
{
	if (!bind)
		return;
	dst_cache_destroy(&bind->dst_cache);
	kfree(bind);
}

static void jp_bind_free_cb(struct rcu_head *rcu)
{
	jp_bind_free(container_of(rcu, struct jp_bind, rcu));
}

/*
 * After a grace period: @bind was unpublished and packet paths may still
 * hold it under rcu_read_lock(). dst_cache_destroy() is fine in softirq.
 */
void jp_bind_free_rcu(struct jp_bind *bind)
{
	if (bind)
		call_rcu(&bind->rcu, jp_bind_free_cb);
}

/* Does @bind send to @remote (address, port and, for IPv6, scope)? */
bool jp_bind_remote_equal(const struct jp_bind *bind,
			  const struct sockaddr_storage *remote)
{
	const struct sockaddr_in6 *r6 = (const struct sockaddr_in6 *)remote;
	const struct sockaddr_in *r4 = (const struct sockaddr_in *)remote;

	if (bind->remote.family != remote->ss_family)
		return false;
	if (remote->ss_family == AF_INET)
		return bind->remote.in4.sin_addr.s_addr == r4->sin_addr.s_addr &&
		       bind->remote.in4.sin_port == r4->sin_port;
	return ipv6_addr_equal(&bind->remote.in6.sin6_addr, &r6->sin6_addr) &&
	       bind->remote.in6.sin6_port == r6->sin6_port &&
	       bind->remote.in6.sin6_scope_id == r6->sin6_scope_id;
}

/**
 * jp_bind_from_skb - a received datagram's outer addresses as a binding
 * @bind: filled in: remote = the source address and port, local = the
 *	destination address; no route cache
 * @skb: a UDP datagram as receive has it, outer network and transport
 *	headers still set
 */
void jp_bind_from_skb(struct jp_bind *bind, const struct sk_buff *skb)
{
	memset(bind, 0, sizeof(*bind));
	if (skb->protocol == htons(ETH_P_IP)) {
		bind->remote.in4.sin_family = AF_INET;
		bind->remote.in4.sin_addr.s_addr = ip_hdr(skb)->saddr;
		bind->remote.in4.sin_port = udp_hdr(skb)->source;
		bind->local.ip4 = ip_hdr(skb)->daddr;
	} else {
		bind->remote.in6.sin6_family = AF_INET6;
		bind->remote.in6.sin6_addr = ipv6_hdr(skb)->saddr;
		bind->remote.in6.sin6_port = udp_hdr(skb)->source;
		bind->local.ip6 = ipv6_hdr(skb)->daddr;
	}
}

/*
 * Did @skb (as for jp_bind_from_skb()) come from @bind's remote address
 * and port? Per packet, so nothing is copied.
 */
bool jp_bind_is_source_of(const struct jp_bind *bind,
			  const struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		return bind->remote.family == AF_INET &&
		       bind->remote.in4.sin_addr.s_addr == ip_hdr(skb)->saddr &&
		       bind->remote.in4.sin_port == udp_hdr(skb)->source;
	return bind->remote.family == AF_INET6 &&
	       ipv6_addr_equal(&bind->remote.in6.sin6_addr,
			       &ipv6_hdr(skb)->saddr) &&
	       bind->remote.in6.sin6_port == udp_hdr(skb)->source;
}
