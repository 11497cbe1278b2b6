// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: transport bindings in netlink messages (enum
 * jumping_binding_attr), parsed from requests and put into replies and
 * events. Session replies, binding history, the unknown-source event and
 * the control datagrams all share this one encoding.
 */
#include <linux/jumping.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "bind.h"
#include "netlink.h"

/*
 * An ifindex is a positive int, 0 for "any": past what the policy's own
 * s16 bounds hold (not const: this kernel's policy wants it so).
 */
static struct netlink_range_validation jp_ifindex_range = {
	.max = INT_MAX,
};

const struct nla_policy jp_binding_policy[JUMPING_A_BINDING_MAX + 1] = {
	[JUMPING_A_BINDING_REMOTE_IPV4] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[JUMPING_A_BINDING_REMOTE_IPV6] =
		NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[JUMPING_A_BINDING_REMOTE_PORT] = { .type = NLA_BE16 },
	[JUMPING_A_BINDING_LOCAL_IPV4] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[JUMPING_A_BINDING_LOCAL_IPV6] =
		NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[JUMPING_A_BINDING_IFINDEX] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &jp_ifindex_range),
};

/* Room jp_nl_put_binding() needs, whatever the family. */
size_t jp_nl_binding_size(void)
{
	return nla_total_size(0) +
	       2 * nla_total_size(sizeof(struct in6_addr)) +
	       nla_total_size(sizeof(__be16)) +
	       nla_total_size(sizeof(u32));
}

static bool jp_addr_is_any(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return !((const struct sockaddr_in *)ss)->sin_addr.s_addr;
	return ipv6_addr_any(&((const struct sockaddr_in6 *)ss)->sin6_addr);
}

/* An address attribute (validated length) into @ss; port left 0. */
static void jp_nl_get_addr(const struct nlattr *attr, sa_family_t family,
			   struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = family;
	if (family == AF_INET)
		((struct sockaddr_in *)ss)->sin_addr.s_addr =
			nla_get_in_addr(attr);
	else
		((struct sockaddr_in6 *)ss)->sin6_addr = nla_get_in6_addr(attr);
}

/*
 * The binding's output interface: one of @net (where the device's sockets
 * route), and not the device itself, whose route would loop. The interface
 * may go away later: sending then fails as without a route.
 */
static int jp_nl_check_ifindex(struct net *net, const struct jp_device *jp,
			       struct nlattr *attr,
			       struct netlink_ext_ack *extack)
{
	u32 ifindex = nla_get_u32(attr);
	bool found;

	if (!ifindex)
		return 0;
	if (ifindex == jp->dev->ifindex) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "the binding's interface is the jumping device itself");
		return -EINVAL;
	}
	rcu_read_lock();
	found = dev_get_by_index_rcu(net, ifindex);
	rcu_read_unlock();
	if (!found) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "no interface with this index in the device's network namespace");
		return -ENODEV;
	}
	return 0;
}

/**
 * jp_nl_parse_binding_into - a binding nest into @bind, without a cache
 * @nest: a nest of enum jumping_binding_attr
 * @jp: the device the binding is for: its interface must be in its netns
 * @bind: filled in (jp_bind_init(): no route cache)
 * @extack: where to say what is wrong
 *
 * Exactly one remote address, a port other than 0, optionally a local
 * address of the same family and an interface of the device's netns.
 * Return: 0, -EINVAL or -ENODEV.
 */
int jp_nl_parse_binding_into(struct nlattr *nest, const struct jp_device *jp,
			     struct jp_bind *bind,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[JUMPING_A_BINDING_MAX + 1];
	struct sockaddr_storage remote, local;
	struct nlattr *raddr, *laddr, *other;
	sa_family_t family;
	__be16 port;
	int err;

	err = nla_parse_nested(tb, JUMPING_A_BINDING_MAX, nest,
			       jp_binding_policy, extack);
	if (err)
		return err;

	if (tb[JUMPING_A_BINDING_REMOTE_IPV4] &&
	    tb[JUMPING_A_BINDING_REMOTE_IPV6]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[JUMPING_A_BINDING_REMOTE_IPV6],
				    "binding takes one remote address, IPv4 or IPv6");
		return -EINVAL;
	}
	if (tb[JUMPING_A_BINDING_REMOTE_IPV4]) {
		family = AF_INET;
		raddr = tb[JUMPING_A_BINDING_REMOTE_IPV4];
		laddr = tb[JUMPING_A_BINDING_LOCAL_IPV4];
		other = tb[JUMPING_A_BINDING_LOCAL_IPV6];
	} else if (tb[JUMPING_A_BINDING_REMOTE_IPV6]) {
		family = AF_INET6;
		raddr = tb[JUMPING_A_BINDING_REMOTE_IPV6];
		laddr = tb[JUMPING_A_BINDING_LOCAL_IPV6];
		other = tb[JUMPING_A_BINDING_LOCAL_IPV4];
	} else {
		NL_SET_ERR_MSG_MOD(extack,
				   "binding needs a remote address: JUMPING_A_BINDING_REMOTE_IPV4 or _IPV6");
		NL_SET_ERR_ATTR_MISS(extack, nest,
				     JUMPING_A_BINDING_REMOTE_IPV4);
		return -EINVAL;
	}
	if (other) {
		NL_SET_ERR_MSG_ATTR(extack, other,
				    "local and remote address are of different families");
		return -EINVAL;
	}
	if (!tb[JUMPING_A_BINDING_REMOTE_PORT]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "binding needs a remote port: JUMPING_A_BINDING_REMOTE_PORT");
		NL_SET_ERR_ATTR_MISS(extack, nest,
				     JUMPING_A_BINDING_REMOTE_PORT);
		return -EINVAL;
	}
	port = nla_get_be16(tb[JUMPING_A_BINDING_REMOTE_PORT]);
	if (!port) {
		NL_SET_ERR_MSG_ATTR(extack, tb[JUMPING_A_BINDING_REMOTE_PORT],
				    "remote port 0 is not a port to send to");
		return -EINVAL;
	}

	jp_nl_get_addr(raddr, family, &remote);
	if (jp_addr_is_any(&remote)) {
		NL_SET_ERR_MSG_ATTR(extack, raddr,
				    "remote address is the unspecified address");
		return -EINVAL;
	}
	if (family == AF_INET)
		((struct sockaddr_in *)&remote)->sin_port = port;
	else
		((struct sockaddr_in6 *)&remote)->sin6_port = port;
	if (laddr)
		jp_nl_get_addr(laddr, family, &local);
	if (tb[JUMPING_A_BINDING_IFINDEX]) {
		err = jp_nl_check_ifindex(dev_net(jp->dev), jp,
					  tb[JUMPING_A_BINDING_IFINDEX], extack);
		if (err)
			return err;
	}

	/* Families were checked above: this cannot fail. */
	err = jp_bind_init(bind, &remote, laddr ? &local : NULL);
	if (!err && tb[JUMPING_A_BINDING_IFINDEX])
		bind->ifindex = nla_get_u32(tb[JUMPING_A_BINDING_IFINDEX]);
	return err;
}

/**
 * jp_nl_parse_binding - a new binding, with its route cache, from a nest
 * @nest: a nest of enum jumping_binding_attr
 * @jp: the device the binding is for
 * @extack: where to say what is wrong
 *
 * Return: the binding or an ERR_PTR().
 */
struct jp_bind *jp_nl_parse_binding(struct nlattr *nest,
				    const struct jp_device *jp,
				    struct netlink_ext_ack *extack)
{
	struct jp_bind parsed, *bind;
	int err;

	err = jp_nl_parse_binding_into(nest, jp, &parsed, extack);
	if (err)
		return ERR_PTR(err);
	bind = jp_bind_clone(&parsed, GFP_KERNEL);
	if (IS_ERR(bind))
		NL_SET_ERR_MSG_ATTR(extack, nest, "could not create the binding");
	return bind;
}

/**
 * jp_nl_put_binding - put @bind as a nest of enum jumping_binding_attr
 * @skb: the message
 * @attrtype: JUMPING_A_SESSION_BINDING, JUMPING_A_BINDING, ...
 * @bind: the binding; a local address that is any, and an interface
 *	that is any, are left out
 *
 * Return: 0, or -EMSGSIZE with @skb unchanged.
 */
int jp_nl_put_binding(struct sk_buff *skb, int attrtype,
		      const struct jp_bind *bind)
{
	struct nlattr *nest;
	int err;

	nest = nla_nest_start(skb, attrtype);
	if (!nest)
		return -EMSGSIZE;
	if (bind->remote.family == AF_INET)
		err = nla_put_in_addr(skb, JUMPING_A_BINDING_REMOTE_IPV4,
				      bind->remote.in4.sin_addr.s_addr) ?:
		      nla_put_be16(skb, JUMPING_A_BINDING_REMOTE_PORT,
				   bind->remote.in4.sin_port) ?:
		      (bind->local.ip4 ?
		       nla_put_in_addr(skb, JUMPING_A_BINDING_LOCAL_IPV4,
				       bind->local.ip4) : 0);
	else
		err = nla_put_in6_addr(skb, JUMPING_A_BINDING_REMOTE_IPV6,
				       &bind->remote.in6.sin6_addr) ?:
		      nla_put_be16(skb, JUMPING_A_BINDING_REMOTE_PORT,
				   bind->remote.in6.sin6_port) ?:
		      (!ipv6_addr_any(&bind->local.ip6) ?
		       nla_put_in6_addr(skb, JUMPING_A_BINDING_LOCAL_IPV6,
					&bind->local.ip6) : 0);
	if (!err && bind->ifindex)
		err = nla_put_u32(skb, JUMPING_A_BINDING_IFINDEX, bind->ifindex);
	if (err) {
		nla_nest_cancel(skb, nest);
		return err;
	}
	nla_nest_end(skb, nest);
	return 0;
}
