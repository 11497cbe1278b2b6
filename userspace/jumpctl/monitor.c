// SPDX-License-Identifier: GPL-2.0
/*
 * jumpctl monitor [--json] [--control]: subscribe to the family's events
 * group (or its control group) and print one line per message until
 * killed. "jumpctl: monitoring ..." goes to stderr once subscribed, so a
 * script can start what it watches for after that line.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include "jumpctl.h"
#include "jumping_policy.h"
#include "monitor_event.h"

struct monitor {
	enum out_mode mode;
};

static int on_message(struct nl_msg *msg, void *arg)
{
	struct nlattr *top[JUMPING_A_MAX + 1];
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct monitor *m = arg;
	char name[IF_NAMESIZE];
	const char *dev = NULL;

	if (genlmsg_parse(nlh, 0, top, JUMPING_A_MAX,
			  (struct nla_policy *)jg_policy_top))
		return NL_SKIP;	/* not ours to judge: skip it */
	if (top[JUMPING_A_IFINDEX])
		dev = if_indextoname(nla_get_u32(top[JUMPING_A_IFINDEX]), name);
	print_event(stdout, m->mode, gh->cmd, top, dev);
	fflush(stdout);
	return NL_OK;
}

int cmd_monitor(struct args *a, enum out_mode mode)
{
	const char *group = JUMPING_GENL_MCGRP_EVENTS, *opt;
	struct monitor m = { mode };
	struct nl_sock *sk;
	int grp, err;

	while ((opt = args_next(a))) {
		if (!strcmp(opt, "--control"))
			group = JUMPING_GENL_MCGRP_CONTROL;
		else if (!strcmp(opt, "--json") || !strcmp(opt, "-j"))
			m.mode = OUT_JSON;
		else
			return usage_error("monitor: unknown argument '%s'", opt);
	}

	sk = nl_socket_alloc();
	if (!sk)
		return runtime_error("monitor", strerror(ENOMEM));
	/* Events are not answers to anything: no sequence numbers. */
	nl_socket_disable_seq_check(sk);
	err = genl_connect(sk);
	if (err < 0) {
		err = runtime_error("monitor", nl_geterror(err));
		goto out;
	}
	grp = genl_ctrl_resolve_grp(sk, JUMPING_GENL_NAME, group);
	if (grp < 0) {
		err = runtime_error("monitor", grp == -NLE_OBJ_NOTFOUND ?
				    "jumping module not loaded" :
				    nl_geterror(grp));
		goto out;
	}
	err = nl_socket_add_membership(sk, grp);
	if (err < 0) {
		err = runtime_error("monitor", nl_geterror(err));
		goto out;
	}
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_message, &m);
	fprintf(stderr, "jumpctl: monitoring %s\n", group);

	for (;;) {
		err = nl_recvmsgs_default(sk);
		/* Overrun: say so and go on; the next events still count. */
		if (err == -NLE_NOMEM) {
			fputs("jumpctl: monitor: events lost (receive buffer overrun)\n",
			      stderr);
			continue;
		}
		if (err < 0) {
			err = runtime_error("monitor", nl_geterror(err));
			goto out;
		}
	}
out:
	nl_socket_free(sk);
	return err;
}
