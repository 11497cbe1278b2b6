// SPDX-License-Identifier: GPL-2.0
/*
 * jpsim dump: a SESSION_GET dump of the device read message by message,
 * as the kernel sent it: each of sessions 1..N must come exactly once.
 * (jumpctl merges messages of one id, as a reader of sessions with many
 * prefixes must, so it could not see a session sent twice.)
 */
#include <stdlib.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "jpsim.h"

struct dump {
	uint32_t n;
	uint32_t *seen;			/* per id 1..n: how many messages */
	unsigned long long messages, other;
};

static int dump_one(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[JUMPING_A_MAX + 1], *stb[JUMPING_A_SESSION_MAX + 1];
	struct dump *d = arg;
	uint32_t id;

	d->messages++;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, JUMPING_A_MAX, NULL) ||
	    !tb[JUMPING_A_SESSION] ||
	    nla_parse_nested(stb, JUMPING_A_SESSION_MAX, tb[JUMPING_A_SESSION],
			     NULL) ||
	    !stb[JUMPING_A_SESSION_ID])
		return NL_SKIP;
	id = nla_get_u32(stb[JUMPING_A_SESSION_ID]);
	if (id >= 1 && id <= d->n)
		d->seen[id - 1]++;
	else
		d->other++;
	return NL_OK;
}

int jpsim_dump(const struct jpsim *o)
{
	struct dump d = { .n = o->n, .seen = calloc(o->n, sizeof(uint32_t)) };
	unsigned long long repeated = 0, missing = 0;
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_msg *msg = NULL;
	int family, err = -1;
	uint32_t i;

	if (!d.seen || !sk || genl_connect(sk))
		goto out;
	family = genl_ctrl_resolve(sk, JUMPING_GENL_NAME);
	msg = nlmsg_alloc();
	if (family < 0 || !msg ||
	    !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_DUMP,
			 JUMPING_CMD_SESSION_GET, JUMPING_GENL_VERSION) ||
	    nla_put_string(msg, JUMPING_A_IFNAME, o->dev))
		goto out;
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, dump_one, &d);
	err = nl_send_auto(sk, msg);
	if (err >= 0)
		err = nl_recvmsgs_default(sk);
	if (err < 0) {
		fprintf(stderr, "jpsim: dump: %s\n", nl_geterror(err));
		goto out;
	}
	for (i = 0; i < o->n; i++) {
		if (!d.seen[i]) {
			if (missing++ < 5)
				fprintf(stderr, "jpsim: session %u missing\n",
					i + 1);
		} else if (d.seen[i] > 1) {
			if (repeated++ < 5)
				fprintf(stderr, "jpsim: session %u came %u times\n",
					i + 1, d.seen[i]);
		}
	}
	printf("{\"mode\":\"dump\",\"messages\":%llu,\"missing\":%llu,"
	       "\"repeated\":%llu,\"other\":%llu}\n", d.messages, missing,
	       repeated, d.other);
	err = missing || repeated ? -1 : 0;
out:
	nlmsg_free(msg);
	nl_socket_free(sk);
	free(d.seen);
	return err;
}
