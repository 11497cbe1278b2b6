/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One random request to the jumping family, built from its policies
 * (nlpolicy.h) and the meaning of each attribute (the uapi header).
 */
#ifndef FUZZ_NLGEN_H
#define FUZZ_NLGEN_H

#include <netlink/netlink.h>

#include "nlpolicy.h"
#include "rng.h"

#define GEN_MAX_DEV	8

struct gen_ctx {
	struct rng *r;
	const struct family *fam;
	int ndev;		/* devices: the jumping ones first */
	int njp;		/* of which jumping devices */
	int ifindex[GEN_MAX_DEV];
	char ifname[GEN_MAX_DEV][16];
	int hostile;		/* this request: junk allowed */
};

struct gen_req {
	int cmd;
	int flags;		/* nlmsg_flags */
	int is_write;		/* the command changes state (not a GET) */
};

/* Fills @msg (empty, from nlmsg_alloc_size()) with one request. */
void gen_request(struct gen_ctx *g, struct nl_msg *msg, struct gen_req *req);

#endif
