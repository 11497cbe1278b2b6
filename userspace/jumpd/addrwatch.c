// SPDX-License-Identifier: GPL-2.0
/* Removed local addresses from rtnetlink (addrwatch.h). */
#include <string.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include "addrwatch.h"

struct watch_ctx {
	jd_addr_gone_fn fn;
	void *arg;
};

static const struct nla_policy ifa_policy[IFA_MAX + 1] = {
	[IFA_ADDRESS]	= { .minlen = 4 },
	[IFA_LOCAL]	= { .minlen = 4 },
};

static int on_msg(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[IFA_MAX + 1];
	struct watch_ctx *c = arg;
	struct ifaddrmsg *ifa;
	struct nlattr *a;
	struct jp_binding b = { 0 };
	size_t len;

	if (nlh->nlmsg_type != RTM_DELADDR ||
	    nlmsg_parse(nlh, sizeof(*ifa), tb, IFA_MAX, ifa_policy) < 0)
		return NL_OK;
	ifa = nlmsg_data(nlh);
	/* IFA_LOCAL is the address itself on point-to-point links. */
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	len = ifa->ifa_family == AF_INET ? 4 : 16;
	if (!a || (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6) ||
	    (size_t)nla_len(a) < len)
		return NL_OK;
	b.family = ifa->ifa_family;
	memcpy(b.addr, nla_data(a), len);
	c->fn(&b, c->arg);
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
				      RTNLGRP_IPV6_IFADDR, 0) ||
	    nl_socket_set_nonblocking(sk)) {
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

void jd_addrwatch_read(struct nl_sock *sk, jd_addr_gone_fn fn, void *arg)
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
