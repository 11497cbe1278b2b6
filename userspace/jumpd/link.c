// SPDX-License-Identifier: GPL-2.0
/* Find or create the jumping device (rtnetlink, libnl-route-3). */
#include <errno.h>
#include <net/if.h>
#include <netlink/route/link.h>
#include "kernel.h"

int jk_device_ensure(struct jd_kernel *k, const char *name, bool *created)
{
	struct rtnl_link *link;
	struct nl_sock *sk;
	int ret;

	*created = false;
	k->ifindex = if_nametoindex(name);
	if (k->ifindex)
		return 0;
	sk = nl_socket_alloc();
	link = rtnl_link_alloc();
	if (!sk || !link) {
		ret = -ENOMEM;
		goto out;
	}
	ret = nl_connect(sk, NETLINK_ROUTE);
	if (!ret) {
		rtnl_link_set_name(link, name);
		ret = rtnl_link_set_type(link, JUMPING_LINK_KIND);
	}
	/* Up, so that the operator only has to add the inner address. */
	rtnl_link_set_flags(link, IFF_UP);
	if (!ret)
		ret = rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL);
	if (ret) {
		jg_fail(&k->cmd, -EIO, "cannot create device %s: %s", name,
			nl_geterror(ret));
		ret = -EIO;
		goto out;
	}
	k->ifindex = if_nametoindex(name);
	*created = k->ifindex != 0;
	if (!k->ifindex)
		ret = jg_fail(&k->cmd, -ENODEV, "device %s vanished", name);
out:
	rtnl_link_put(link);
	nl_socket_free(sk);
	return ret;
}
