// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: transport bindings.
 */
#include <linux/slab.h>
#include <net/ipv6.h>

#include "bind.h"

/**
 * jp_bind_new - a binding to @remote, optionally from @local
 * @remote: AF_INET or AF_INET6 with a port
 * @local: NULL, or an address of the same family (its port is ignored)
 * @gfp: allocation context
 *
 * Return: the binding, or ERR_PTR(-EAFNOSUPPORT / -EINVAL / -ENOMEM).
 */
struct jp_bind *jp_bind_new(const struct sockaddr_storage *remote,
			    const struct sockaddr_storage *local, gfp_t gfp)
{
	struct jp_bind *bind;
	int err;

	if (remote->ss_family != AF_INET && remote->ss_family != AF_INET6)
		return ERR_PTR(-EAFNOSUPPORT);
	if (local && local->ss_family != remote->ss_family)
		return ERR_PTR(-EINVAL);

	bind = kzalloc(sizeof(*bind), gfp);
	if (!bind)
		return ERR_PTR(-ENOMEM);
	err = dst_cache_init(&bind->dst_cache, gfp);
	if (err) {
		kfree(bind);
		return ERR_PTR(err);
	}

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
