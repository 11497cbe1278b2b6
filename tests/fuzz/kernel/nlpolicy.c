// SPDX-License-Identifier: GPL-2.0
/*
 * Reads a generic netlink family's policies from the kernel: one
 * CTRL_CMD_GETPOLICY dump gives every policy (by index, each attribute's
 * type, range, length and nested policy) and, per command, the policy of
 * its doit and dumpit. Generating from what the kernel enforces, rather
 * than from a copy of it, keeps the fuzzer honest when a policy changes.
 */
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "nlpolicy.h"

static void read_attr(struct pol_attr *pa, struct nlattr *nest)
{
	struct nlattr *a;
	int rem;

	pa->sub = -1;
	nla_for_each_nested(a, nest, rem) {
		switch (nla_type(a)) {
		case NL_POLICY_TYPE_ATTR_TYPE:
			pa->type = (int)nla_get_u32(a);
			break;
		case NL_POLICY_TYPE_ATTR_MIN_VALUE_S:
			pa->smin = (int64_t)nla_get_u64(a);
			pa->has_range = 1;
			break;
		case NL_POLICY_TYPE_ATTR_MAX_VALUE_S:
			pa->smax = (int64_t)nla_get_u64(a);
			pa->has_range = 1;
			break;
		case NL_POLICY_TYPE_ATTR_MIN_VALUE_U:
			pa->umin = nla_get_u64(a);
			pa->has_range = 1;
			break;
		case NL_POLICY_TYPE_ATTR_MAX_VALUE_U:
			pa->umax = nla_get_u64(a);
			pa->has_range = 1;
			break;
		case NL_POLICY_TYPE_ATTR_MIN_LENGTH:
			pa->minlen = nla_get_u32(a);
			pa->has_len = 1;
			break;
		case NL_POLICY_TYPE_ATTR_MAX_LENGTH:
			pa->maxlen = nla_get_u32(a);
			pa->has_len = 1;
			break;
		case NL_POLICY_TYPE_ATTR_POLICY_IDX:
			pa->sub = (int)nla_get_u32(a);
			break;
		default:
			break;
		}
	}
}

static void read_policies(struct family *fam, struct nlattr *top)
{
	struct nlattr *p, *a;
	int rem, rem2;

	nla_for_each_nested(p, top, rem) {
		int idx = nla_type(p);
		struct pol *pol;

		if (idx < 0 || idx >= POL_MAX)
			continue;
		pol = &fam->pols[idx];
		if (idx >= fam->npols)
			fam->npols = idx + 1;
		nla_for_each_nested(a, p, rem2) {
			int at = nla_type(a);

			if (at <= 0 || at >= POL_MAX_ATTR)
				continue;
			read_attr(&pol->a[at], a);
			if (at > pol->maxattr)
				pol->maxattr = at;
		}
	}
}

static void read_ops(struct family *fam, struct nlattr *top)
{
	struct nlattr *c, *a;
	int rem, rem2;

	nla_for_each_nested(c, top, rem) {
		int cmd = nla_type(c);

		if (cmd < 0 || cmd >= POL_MAX_CMD)
			continue;
		nla_for_each_nested(a, c, rem2) {
			if (nla_type(a) == CTRL_ATTR_POLICY_DO) {
				fam->do_pol[cmd] = (int)nla_get_u32(a);
				fam->has_do[cmd] = 1;
			} else if (nla_type(a) == CTRL_ATTR_POLICY_DUMP) {
				fam->dump_pol[cmd] = (int)nla_get_u32(a);
				fam->has_dump[cmd] = 1;
			}
		}
	}
}

static int on_policy(struct nl_msg *msg, void *arg)
{
	struct family *fam = arg;
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	int err;

	err = genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, NULL);
	if (err)
		return NL_SKIP;
	if (tb[CTRL_ATTR_POLICY])
		read_policies(fam, tb[CTRL_ATTR_POLICY]);
	if (tb[CTRL_ATTR_OP_POLICY])
		read_ops(fam, tb[CTRL_ATTR_OP_POLICY]);
	return NL_OK;
}

int family_load(struct nl_sock *sk, const char *name, struct family *fam)
{
	struct nl_msg *msg;
	int err, i;

	memset(fam, 0, sizeof(*fam));
	for (i = 0; i < POL_MAX_CMD; i++)
		fam->do_pol[i] = fam->dump_pol[i] = -1;
	fam->id = genl_ctrl_resolve(sk, name);
	if (fam->id < 0) {
		fprintf(stderr, "family %s: %s\n", name, nl_geterror(fam->id));
		return fam->id;
	}
	msg = nlmsg_alloc();
	if (!msg)
		return -NLE_NOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0,
			 NLM_F_DUMP, CTRL_CMD_GETPOLICY, 1) ||
	    nla_put_u16(msg, CTRL_ATTR_FAMILY_ID, (uint16_t)fam->id)) {
		nlmsg_free(msg);
		return -NLE_NOMEM;
	}
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_policy, fam);
	err = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (err >= 0)
		err = nl_recvmsgs_default(sk);
	if (err < 0)
		fprintf(stderr, "policy of %s: %s\n", name, nl_geterror(err));
	else if (!fam->npols)
		err = -NLE_OBJ_NOTFOUND;
	return err < 0 ? err : 0;
}
