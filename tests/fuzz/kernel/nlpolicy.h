/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The jumping family's attribute policies as the running kernel reports
 * them (CTRL_CMD_GETPOLICY): what the netlink fuzzer generates from.
 */
#ifndef FUZZ_NLPOLICY_H
#define FUZZ_NLPOLICY_H

#include <stdint.h>
#include <netlink/netlink.h>

#define POL_MAX_ATTR	64
#define POL_MAX		64
#define POL_MAX_CMD	64

struct pol_attr {
	int type;		/* enum netlink_attribute_type; 0: not in the policy */
	int64_t smin, smax;	/* signed range (NL_ATTR_TYPE_S*) */
	uint64_t umin, umax;	/* unsigned range (NL_ATTR_TYPE_U*) */
	int has_range;
	uint32_t minlen, maxlen;
	int has_len;
	int sub;		/* nested policy index, -1 if none */
};

struct pol {
	int maxattr;		/* highest attribute the policy names */
	struct pol_attr a[POL_MAX_ATTR];
};

struct family {
	int id;
	struct pol pols[POL_MAX];
	int npols;
	int do_pol[POL_MAX_CMD];	/* policy index of each command's doit, -1 */
	int dump_pol[POL_MAX_CMD];
	int has_do[POL_MAX_CMD];
	int has_dump[POL_MAX_CMD];
};

/* 0, or a negative libnl error (printed). */
int family_load(struct nl_sock *sk, const char *name, struct family *fam);

#endif
