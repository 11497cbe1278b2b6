// SPDX-License-Identifier: GPL-2.0
/* Local addresses and links from rtnetlink (addrwatch.h). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include "addrwatch.h"

struct watch_ctx {
	jd_addr_fn fn;
	void *arg;
};

static const struct nla_policy ifa_policy[IFA_MAX + 1] = {
	[IFA_ADDRESS]	= { .minlen = 4 },
	[IFA_LOCAL]	= { .minlen = 4 },
};

static void on_addr(struct nlmsghdr *nlh, struct watch_ctx *c)
{
	struct jd_addr_event ev = { 0 };
	struct nlattr *tb[IFA_MAX + 1];
	struct ifaddrmsg *ifa;
	struct nlattr *a;
	size_t len;

	if (nlmsg_parse(nlh, sizeof(*ifa), tb, IFA_MAX, ifa_policy) < 0)
		return;
	ifa = nlmsg_data(nlh);
	/* IFA_LOCAL is the address itself on point-to-point links. */
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	len = ifa->ifa_family == AF_INET ? 4 : 16;
	if (!a || (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) ||
	    (size_t)nla_len(a) < len)
		return;
	ev.kind = nlh->nlmsg_type == RTM_NEWADDR ? JD_ADDR_NEW : JD_ADDR_DEL;
	ev.addr.family = ifa->ifa_family;
	memcpy(ev.addr.addr, nla_data(a), len);
	ev.ifindex = ifa->ifa_index;
	c->fn(&ev, c->arg);
}

static void on_link(struct nlmsghdr *nlh, struct watch_ctx *c)
{
	struct jd_addr_event ev = { .kind = JD_LINK };
	struct ifinfomsg *ifi;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return;
	ifi = nlmsg_data(nlh);
	ev.ifindex = (uint32_t)ifi->ifi_index;
	/* Administratively up and with carrier (IFF_RUNNING: oper up). */
	ev.up = nlh->nlmsg_type == RTM_NEWLINK &&
		(ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_RUNNING);
	c->fn(&ev, c->arg);
}

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	switch (nlh->nlmsg_type) {
	case RTM_NEWADDR:
	case RTM_DELADDR:
		on_addr(nlh, arg);
		break;
	case RTM_NEWLINK:
	case RTM_DELLINK:
		on_link(nlh, arg);
		break;
	}
	return NL_OK;
}

struct nl_sock *jd_addrwatch_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk)
		return NULL;
	nl_socket_disable_seq_check(sk);
	if (nl_connect(sk, NETLINK_ROUTE) ||
	    nl_socket_add_memberships(sk, RTNLGRP_IPV4_IFADDR,
				      RTNLGRP_IPV6_IFADDR, RTNLGRP_LINK, 0) ||
	    nl_socket_set_nonblocking(sk)) {
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

void jd_addrwatch_read(struct nl_sock *sk, jd_addr_fn fn, void *arg)
{
	struct watch_ctx c = { fn, arg };
	struct nl_cb *cb = nl_cb_clone(nl_socket_get_cb(sk));
	int ret;

	if (!cb)
		return;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_msg, &c);
	do {
		ret = nl_recvmsgs(sk, cb);
	} while (ret >= 0 || ret == -NLE_NOMEM || ret == -NLE_BUSY ||
		 ret == -NLE_MSG_TRUNC);
	nl_cb_put(cb);
}

/* Links first: an address is usable only on a link known to be up. */
int jd_addrwatch_dump(jd_addr_fn fn, void *arg)
{
	static const int kinds[] = { RTM_GETLINK, RTM_GETADDR };
	struct watch_ctx c = { fn, arg };
	struct nl_sock *sk = nl_socket_alloc();
	unsigned int i;
	int ret = 0;

	if (!sk)
		return -ENOMEM;
	if (nl_connect(sk, NETLINK_ROUTE)) {
		nl_socket_free(sk);
		return -EIO;
	}
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_msg, &c);
	for (i = 0; i < 2 && !ret; i++) {
		struct rtgenmsg gen = { .rtgen_family = AF_UNSPEC };

		if (nl_send_simple(sk, kinds[i], NLM_F_DUMP, &gen,
				   sizeof(gen)) < 0 ||
		    nl_recvmsgs_default(sk) < 0)
			ret = -EIO;
	}
	nl_socket_free(sk);
	return ret;
}
