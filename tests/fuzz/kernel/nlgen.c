// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink fuzzer's generator. Structure comes from the kernel's own
 * policies: each attribute's type, range, length and nested policy. The
 * uapi header adds meaning: which attribute is a session id, an address,
 * a prefix length or a key, so that values come from small pools often
 * enough for requests to reach deep (the same session ids, prefixes and
 * keys again and again: conflicts, replacements, deletions), and from
 * boundaries and junk the rest of the time. Every choice is drawn from the
 * seeded generator, nothing from the clock.
 */
#include <string.h>
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <linux/jumping.h>

#include "nlgen.h"

/* Which enum of the uapi header an attribute number belongs to. */
enum space {
	SP_TOP, SP_SESSION, SP_BINDING, SP_PREFIX, SP_KEYCONF, SP_STATS,
	SP_HISTORY, SP_UNKNOWN,
};

#define MAX_DEPTH	5
#define POOL_KEYS	6

static enum space child_space(enum space sp, int attr)
{
	switch (sp) {
	case SP_TOP:
		if (attr == JUMPING_A_SESSION)
			return SP_SESSION;
		if (attr == JUMPING_A_BINDING)
			return SP_BINDING;
		if (attr == JUMPING_A_DEV_STATS)
			return SP_STATS;
		break;
	case SP_SESSION:
		if (attr == JUMPING_A_SESSION_BINDING ||
		    attr == JUMPING_A_SESSION_SOURCE)
			return SP_BINDING;
		if (attr == JUMPING_A_SESSION_PREFIX)
			return SP_PREFIX;
		if (attr == JUMPING_A_SESSION_KEYCONF)
			return SP_KEYCONF;
		if (attr == JUMPING_A_SESSION_STATS)
			return SP_STATS;
		if (attr == JUMPING_A_SESSION_HISTORY)
			return SP_HISTORY;
		break;
	case SP_HISTORY:
		if (attr == JUMPING_A_HISTORY_BINDING)
			return SP_BINDING;
		break;
	default:
		break;
	}
	return SP_UNKNOWN;
}

static void put_u8(struct nl_msg *m, int a, uint8_t v)
{
	nla_put(m, a, 1, &v);
}

static void put_u16(struct nl_msg *m, int a, uint16_t v)
{
	nla_put(m, a, 2, &v);
}

static void put_u32(struct nl_msg *m, int a, uint32_t v)
{
	nla_put(m, a, 4, &v);
}

static uint32_t pick_u32(struct rng *r, const uint32_t *v, unsigned int n)
{
	return v[rng_below(r, n)];
}

/* One of the values listed, uniformly. */
#define PICK(r, ...) pick_u32(r, (const uint32_t[]){ __VA_ARGS__ }, \
			      sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t))

static void put_ipv4(struct gen_ctx *g, struct nl_msg *m, int a)
{
	static const char *const addrs[] = {
		"127.0.0.1", "127.0.0.2", "0.0.0.0", "255.255.255.255",
		"224.0.0.1", "192.0.2.1", "192.0.2.2", "10.0.0.1",
	};
	struct in_addr in;

	if (rng_pct(g->r, 10))
		rng_bytes(g->r, &in, sizeof(in));
	else
		inet_pton(AF_INET, addrs[rng_below(g->r, 8)], &in);
	nla_put(m, a, sizeof(in), &in);
}

static void put_ipv6(struct gen_ctx *g, struct nl_msg *m, int a)
{
	static const char *const addrs[] = {
		"::1", "::", "ff02::1", "fe80::1", "::ffff:127.0.0.1",
		"fd00::1", "fd00::2", "2001:db8::1",
	};
	struct in6_addr in6;

	if (rng_pct(g->r, 10))
		rng_bytes(g->r, &in6, sizeof(in6));
	else
		inet_pton(AF_INET6, addrs[rng_below(g->r, 8)], &in6);
	nla_put(m, a, sizeof(in6), &in6);
}

static int dev_ifindex(struct gen_ctx *g, int top)
{
	if (top && !g->hostile && g->njp)
		return g->ifindex[rng_below(g->r, (uint32_t)g->njp)];
	if (g->ndev && rng_pct(g->r, 80))
		return g->ifindex[rng_below(g->r, (uint32_t)g->ndev)];
	return (int)PICK(g->r, 0, 1, 2, 0x7fffffff, 0xffffffff, 1000);
}

static void put_key(struct gen_ctx *g, struct nl_msg *m, int a)
{
	unsigned char key[JUMPING_KEY_LEN];

	if (rng_pct(g->r, 70)) {
		/* A small pool: equal and reused keys must be refused. */
		memset(key, (int)rng_below(g->r, POOL_KEYS) + 1, sizeof(key));
	} else {
		rng_bytes(g->r, key, sizeof(key));
	}
	nla_put(m, a, sizeof(key), key);
}

/* A value that means something for this attribute; 0 if none known. */
static int put_smart(struct gen_ctx *g, struct nl_msg *m, enum space sp, int a)
{
	struct rng *r = g->r;

	switch (sp) {
	case SP_TOP:
		switch (a) {
		case JUMPING_A_IFINDEX:
			put_u32(m, a, (uint32_t)dev_ifindex(g, 1));
			return 1;
		case JUMPING_A_IFNAME:
			if (!g->hostile && g->njp)
				nla_put_string(m, a, g->ifname[rng_below(r, (uint32_t)g->njp)]);
			else if (g->ndev && rng_pct(r, 80))
				nla_put_string(m, a, g->ifname[rng_below(r, (uint32_t)g->ndev)]);
			else
				nla_put_string(m, a, rng_pct(r, 50) ? "lo" : "jpnone0123456789");
			return 1;
		case JUMPING_A_LISTEN_PORT:
			put_u16(m, a, (uint16_t)PICK(r, 0, 40000, 40001, 40002, 65535, 1));
			return 1;
		case JUMPING_A_CONTROL_RATE:
			put_u32(m, a, PICK(r, JUMPING_CONTROL_RATE_MIN - 1,
					   JUMPING_CONTROL_RATE_MIN,
					   JUMPING_CONTROL_RATE_DEFAULT,
					   JUMPING_CONTROL_RATE_MAX,
					   JUMPING_CONTROL_RATE_MAX + 1, 0));
			return 1;
		case JUMPING_A_PACKET: {
			unsigned char buf[JUMPING_PACKET_MAX_LEN + 1];
			uint32_t len = rng_pct(r, 3) ? sizeof(buf) :
				       1 + rng_below(r, JUMPING_PACKET_MAX_LEN);

			rng_bytes(r, buf, len);
			buf[0] = (unsigned char)PICK(r, 2, 3, 4, 2, 3, 4, 0, 1, 5);
			nla_put(m, a, (int)len, buf);
			return 1;
		}
		}
		return 0;
	case SP_SESSION:
		switch (a) {
		case JUMPING_A_SESSION_ID:
		case JUMPING_A_SESSION_PEER_ID:
			put_u32(m, a, rng_pct(r, 90) ? 1 + rng_below(r, 8) :
				PICK(r, 0, 0xffffffff, 0x80000000));
			return 1;
		case JUMPING_A_SESSION_STATE:
		case JUMPING_A_SESSION_OLD_STATE:
			put_u8(m, a, (uint8_t)rng_below(r, JUMPING_STATE_MAX + 3));
			return 1;
		case JUMPING_A_SESSION_REASON:
			put_u16(m, a, (uint16_t)rng_below(r, JUMPING_REASON_MAX + 3));
			return 1;
		case JUMPING_A_SESSION_KEY_SLOT:
			put_u8(m, a, (uint8_t)PICK(r, 0, 1, 2, 255));
			return 1;
		case JUMPING_A_SESSION_KEEPALIVE_MS:
		case JUMPING_A_SESSION_SILENCE_MS:
			if (!g->hostile) {
				put_u32(m, a, PICK(r, 0, 1000, 5000, 60000));
				return 1;
			}
			put_u32(m, a, PICK(r, 0, 1, 9, 10, 1000, 600000, 600001,
					   0xffffffff));
			return 1;
		}
		return 0;
	case SP_BINDING:
		switch (a) {
		case JUMPING_A_BINDING_REMOTE_IPV4:
		case JUMPING_A_BINDING_LOCAL_IPV4:
			put_ipv4(g, m, a);
			return 1;
		case JUMPING_A_BINDING_REMOTE_IPV6:
		case JUMPING_A_BINDING_LOCAL_IPV6:
			put_ipv6(g, m, a);
			return 1;
		case JUMPING_A_BINDING_REMOTE_PORT:
			put_u16(m, a, htons((uint16_t)PICK(r, 0, 40000, 40001, 65535, 9)));
			return 1;
		case JUMPING_A_BINDING_IFINDEX:
			put_u32(m, a, (uint32_t)dev_ifindex(g, 0));
			return 1;
		}
		return 0;
	case SP_PREFIX:
		switch (a) {
		case JUMPING_A_PREFIX_IPV4: {
			uint32_t v = htonl(0x0a000000 | rng_below(r, 4) << 16 |
					   rng_below(r, 4) << 8);

			if (rng_pct(r, 10))
				v = (uint32_t)rng_next(r);
			put_u32(m, a, v);
			return 1;
		}
		case JUMPING_A_PREFIX_IPV6: {
			struct in6_addr in6;

			memset(&in6, 0, sizeof(in6));
			in6.s6_addr[0] = 0xfd;
			in6.s6_addr[1] = (uint8_t)rng_below(r, 4);
			in6.s6_addr[7] = (uint8_t)rng_below(r, 4);
			if (rng_pct(r, 10))
				rng_bytes(r, &in6, sizeof(in6));
			nla_put(m, a, sizeof(in6), &in6);
			return 1;
		}
		case JUMPING_A_PREFIX_LEN:
			put_u8(m, a, (uint8_t)PICK(r, 0, 1, 8, 16, 24, 31, 32, 33,
						   64, 127, 128, 129, 255));
			return 1;
		}
		return 0;
	case SP_KEYCONF:
		switch (a) {
		case JUMPING_A_KEYCONF_SLOT:
			put_u8(m, a, (uint8_t)PICK(r, 0, 1, 0, 1, 2, 255));
			return 1;
		case JUMPING_A_KEYCONF_KEY_ID:
			put_u8(m, a, (uint8_t)(rng_pct(r, 90) ?
				     rng_below(r, JUMPING_KEY_ID_MAX + 1) :
				     PICK(r, JUMPING_KEY_ID_MAX + 1, 255)));
			return 1;
		case JUMPING_A_KEYCONF_CIPHER:
			put_u8(m, a, (uint8_t)PICK(r, 0, 1, 2, 1, 2, 3, 255));
			return 1;
		case JUMPING_A_KEYCONF_ENCRYPT_KEY:
		case JUMPING_A_KEYCONF_DECRYPT_KEY:
			put_key(g, m, a);
			return 1;
		case JUMPING_A_KEYCONF_REJECT_AFTER_MS:
			put_u32(m, a, PICK(r, 0, 1, JUMPING_KEY_REJECT_AFTER_MIN_MS - 1,
					   JUMPING_KEY_REJECT_AFTER_MIN_MS,
					   60000, 0x7fffffff, 0xffffffff));
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

static uint64_t edge_value(struct rng *r, const struct pol_attr *pa,
			   unsigned int bytes)
{
	uint64_t all = bytes >= 8 ? ~0ULL : (1ULL << (bytes * 8)) - 1;

	if (pa->has_range && rng_pct(r, 50)) {
		int signd = pa->type >= NL_ATTR_TYPE_S8 &&
			    pa->type <= NL_ATTR_TYPE_S64;
		uint64_t lo = signd ? (uint64_t)pa->smin : pa->umin;
		uint64_t hi = signd ? (uint64_t)pa->smax : pa->umax;

		switch (rng_below(r, 4)) {
		case 0: return lo & all;
		case 1: return hi & all;
		case 2: return (lo - 1) & all;
		default: return (hi + 1) & all;
		}
	}
	switch (rng_below(r, 6)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return all;
	case 3: return all >> 1;
	case 4: return (all >> 1) + 1;
	default: return rng_next(r) & all;
	}
}

static void gen_attrs(struct gen_ctx *g, struct nl_msg *m, enum space sp,
		      int polidx, int depth);

static void put_blob(struct gen_ctx *g, struct nl_msg *m, int a,
		     const struct pol_attr *pa, int is_string)
{
	unsigned char buf[4096];
	uint32_t len;

	if (pa->has_len && rng_pct(g->r, 60))
		len = PICK(g->r, 0, 1, 2, 3) + pa->maxlen - 1;
	else if (rng_pct(g->r, 3))
		len = 1000 + rng_below(g->r, sizeof(buf) - 1000);
	else
		len = rng_below(g->r, 40);
	if (len > sizeof(buf))
		len = sizeof(buf);
	rng_bytes(g->r, buf, len);
	if (is_string && len && rng_pct(g->r, 70)) {
		uint32_t i;

		for (i = 0; i < len; i++)
			buf[i] = (unsigned char)('a' + buf[i] % 26);
		buf[len - 1] = 0;
	}
	nla_put(m, a, (int)len, buf);
}

static void gen_attr(struct gen_ctx *g, struct nl_msg *m, enum space sp,
		     int polidx, int a, int depth)
{
	const struct pol_attr *pa = &g->fam->pols[polidx].a[a];
	struct rng *r = g->r;
	struct nlattr *nest;
	uint64_t v;
	int bytes;

	if (g->hostile && rng_pct(r, 6)) {
		/* The wrong type or length: junk of any size. */
		unsigned char junk[64];
		uint32_t len = rng_below(r, sizeof(junk));

		rng_bytes(r, junk, len);
		nla_put(m, a | (rng_pct(r, 20) ? NLA_F_NESTED : 0), (int)len, junk);
		return;
	}
	if (!g->hostile && pa->has_range && pa->type >= NL_ATTR_TYPE_U8 &&
	    pa->type <= NL_ATTR_TYPE_U64 &&
	    !(sp == SP_SESSION && (a == JUMPING_A_SESSION_ID ||
				   a == JUMPING_A_SESSION_PEER_ID))) {
		/* Well formed: inside the policy's range. */
		bytes = 1 << (pa->type - NL_ATTR_TYPE_U8);
		v = pa->umax - pa->umin == ~0ULL ? rng_next(r) :
		    pa->umin + rng_next(r) % (pa->umax - pa->umin + 1);
		nla_put(m, a, bytes, &v);
		return;
	}
	if (pa->type != NL_ATTR_TYPE_NESTED && pa->type != NL_ATTR_TYPE_NESTED_ARRAY &&
	    rng_pct(r, g->hostile ? 60 : 90) && put_smart(g, m, sp, a))
		return;

	switch (pa->type) {
	case NL_ATTR_TYPE_FLAG:
		nla_put(m, a, 0, NULL);
		return;
	case NL_ATTR_TYPE_U8: case NL_ATTR_TYPE_S8: bytes = 1; break;
	case NL_ATTR_TYPE_U16: case NL_ATTR_TYPE_S16: bytes = 2; break;
	case NL_ATTR_TYPE_U32: case NL_ATTR_TYPE_S32: bytes = 4; break;
	case NL_ATTR_TYPE_U64: case NL_ATTR_TYPE_S64: bytes = 8; break;
	case NL_ATTR_TYPE_BINARY:
		put_blob(g, m, a, pa, 0);
		return;
	case NL_ATTR_TYPE_STRING:
	case NL_ATTR_TYPE_NUL_STRING:
		put_blob(g, m, a, pa, 1);
		return;
	case NL_ATTR_TYPE_NESTED:
	case NL_ATTR_TYPE_NESTED_ARRAY:
		nest = nla_nest_start(m, a);
		if (!nest)
			return;
		/* Sometimes without the nested flag strict parsing wants. */
		if (g->hostile && rng_pct(r, 4))
			nest->nla_type &= (uint16_t)~NLA_F_NESTED;
		else
			nest->nla_type |= NLA_F_NESTED;
		if (depth < MAX_DEPTH && pa->sub >= 0 && pa->sub < g->fam->npols) {
			if (pa->type == NL_ATTR_TYPE_NESTED_ARRAY) {
				int i, n = (int)rng_below(r, 4);

				for (i = 0; i < n; i++) {
					struct nlattr *e = nla_nest_start(m, i + 1);

					if (!e)
						break;
					gen_attrs(g, m, child_space(sp, a), pa->sub, depth + 1);
					nla_nest_end(m, e);
				}
			} else {
				gen_attrs(g, m, child_space(sp, a), pa->sub, depth + 1);
			}
		}
		nla_nest_end(m, nest);
		return;
	default:
		/* Not in the policy: whatever, of a plausible size. */
		bytes = (int)PICK(r, 0, 1, 2, 4, 8, 16);
		break;
	}
	v = edge_value(r, pa, (unsigned int)bytes);
	nla_put(m, a, bytes, &v);
}

/*
 * Well formed requests: the nests whose attributes depend on each other
 * (one address family, a prefix without host bits, a whole key) built
 * consistently, so that sessions and keys really get made and replaced.
 */
static int gen_wellformed(struct gen_ctx *g, struct nl_msg *m, enum space sp,
			  const struct pol *p)
{
	struct rng *r = g->r;
	unsigned char k1, k2;

	switch (sp) {
	case SP_PREFIX:
		if (rng_pct(r, 50)) {
			put_u32(m, JUMPING_A_PREFIX_IPV4, htonl(0x0a000000 |
				rng_below(r, 4) << 16 | rng_below(r, 4) << 8));
			put_u8(m, JUMPING_A_PREFIX_LEN, 24);
		} else {
			struct in6_addr in6;

			memset(&in6, 0, sizeof(in6));
			in6.s6_addr[0] = 0xfd;
			in6.s6_addr[7] = (uint8_t)rng_below(r, 8);
			nla_put(m, JUMPING_A_PREFIX_IPV6, sizeof(in6), &in6);
			put_u8(m, JUMPING_A_PREFIX_LEN, 64);
		}
		return 1;
	case SP_BINDING:
		if (rng_pct(r, 50))
			put_smart(g, m, sp, JUMPING_A_BINDING_REMOTE_IPV4);
		else
			put_smart(g, m, sp, JUMPING_A_BINDING_REMOTE_IPV6);
		put_u16(m, JUMPING_A_BINDING_REMOTE_PORT,
			htons((uint16_t)(40000 + rng_below(r, 4))));
		if (rng_pct(r, 20))
			put_smart(g, m, sp, JUMPING_A_BINDING_IFINDEX);
		return 1;
	case SP_KEYCONF:
		put_u8(m, JUMPING_A_KEYCONF_SLOT, (uint8_t)rng_below(r, 2));
		/* KEY_DEL's keyconf names the slot only. */
		if (!p->a[JUMPING_A_KEYCONF_KEY_ID].type)
			return 1;
		put_u8(m, JUMPING_A_KEYCONF_KEY_ID, (uint8_t)rng_below(r, 8));
		put_u8(m, JUMPING_A_KEYCONF_CIPHER, (uint8_t)(1 + rng_below(r, 2)));
		k1 = (unsigned char)rng_next(r);
		k2 = (unsigned char)(k1 + 1 + rng_below(r, 3));
		{
			unsigned char key[JUMPING_KEY_LEN];

			memset(key, k1, sizeof(key));
			nla_put(m, JUMPING_A_KEYCONF_ENCRYPT_KEY, sizeof(key), key);
			memset(key, k2, sizeof(key));
			nla_put(m, JUMPING_A_KEYCONF_DECRYPT_KEY, sizeof(key), key);
		}
		if (rng_pct(r, 30))
			put_u32(m, JUMPING_A_KEYCONF_REJECT_AFTER_MS,
				JUMPING_KEY_REJECT_AFTER_MIN_MS + rng_below(r, 100000));
		return 1;
	default:
		return 0;
	}
}

static void gen_attrs(struct gen_ctx *g, struct nl_msg *m, enum space sp,
		      int polidx, int depth)
{
	const struct pol *p = &g->fam->pols[polidx];
	struct rng *r = g->r;
	int a, i, n, chance = g->hostile ? 55 : 80;

	if (!g->hostile && gen_wellformed(g, m, sp, p))
		return;

	if (sp == SP_TOP && rng_pct(r, 90)) {
		/* Nearly every command needs a device first. */
		a = rng_pct(r, 60) ? JUMPING_A_IFINDEX : JUMPING_A_IFNAME;
		put_smart(g, m, SP_TOP, a);
		if (g->hostile && rng_pct(r, 10))	/* both, maybe disagreeing */
			put_smart(g, m, SP_TOP, a ^ 3);
	}
	for (a = 1; a <= p->maxattr; a++) {
		/* Strict parsing refuses what the policy does not name. */
		if (!rng_pct(r, p->a[a].type ? chance : g->hostile ? 3 : 0))
			continue;
		if (sp == SP_TOP && (a == JUMPING_A_IFINDEX || a == JUMPING_A_IFNAME) &&
		    !rng_pct(r, 10))
			continue;
		n = 1;
		if (sp == SP_SESSION && a == JUMPING_A_SESSION_PREFIX)
			n = rng_pct(r, 2) ? 1025 : (int)PICK(r, 0, 1, 1, 2, 3, 8, 40);
		else if (g->hostile && rng_pct(r, 5))
			n = 2;		/* duplicated */
		for (i = 0; i < n; i++)
			gen_attr(g, m, sp, polidx, a, depth);
	}
	if (g->hostile && rng_pct(r, 5)) {
		/* An attribute the policy does not name, or type 0. */
		a = rng_pct(r, 30) ? 0 : p->maxattr + 1 + (int)rng_below(r, 4);
		if (a < POL_MAX_ATTR)
			gen_attr(g, m, sp, polidx, a, depth);
	}
}

void gen_request(struct gen_ctx *g, struct nl_msg *msg, struct gen_req *req)
{
	const struct family *f = g->fam;
	struct rng *r = g->r;
	struct nlmsghdr *nlh;
	int cmd, pol, flags, type;
	uint8_t version;

	/* Half the requests well formed, to get deep; half hostile. */
	g->hostile = rng_pct(r, 50);
	cmd = 1 + (int)rng_below(r, JUMPING_CMD_MAX);
	/* Mostly commands the family has (not notifications, not unknown). */
	while (rng_pct(r, 90) && !f->has_do[cmd] && !f->has_dump[cmd])
		cmd = 1 + (int)rng_below(r, JUMPING_CMD_MAX);
	if (rng_pct(r, 3))
		cmd = rng_pct(r, 30) ? 0 : (int)rng_below(r, 256);
	req->is_write = cmd != JUMPING_CMD_DEVICE_GET &&
			cmd != JUMPING_CMD_SESSION_GET;

	flags = !g->hostile || rng_pct(r, 95) ? NLM_F_REQUEST : 0;
	if (rng_pct(r, 70))
		flags |= NLM_F_ACK;
	if (rng_pct(r, req->is_write ? 5 : 50))
		flags |= NLM_F_DUMP;
	if (rng_pct(r, g->hostile ? 10 : 0))
		flags |= (int)(rng_next(r) & 0xff0);
	if (g->hostile && rng_pct(r, 2))
		flags = (int)(rng_next(r) & 0xffff);

	pol = -1;
	if (cmd < POL_MAX_CMD)
		pol = (flags & NLM_F_DUMP) && f->has_dump[cmd] ? f->dump_pol[cmd] :
							       f->do_pol[cmd];
	if (pol < 0 || pol >= f->npols)
		pol = (int)rng_below(r, (uint32_t)f->npols);

	type = f->id;
	if (g->hostile && rng_pct(r, 2))
		type = (int)PICK(r, NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, GENL_ID_CTRL);
	version = !g->hostile || rng_pct(r, 95) ? JUMPING_GENL_VERSION : (uint8_t)rng_next(r);
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, type, 0, 0, (uint8_t)cmd, version);
	if (g->hostile && rng_pct(r, 3))
		((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(msg)))->reserved =
			(uint16_t)rng_next(r);
	gen_attrs(g, msg, SP_TOP, pol, 0);

	nlh = nlmsg_hdr(msg);
	nlh->nlmsg_flags = (uint16_t)flags;
	if (g->hostile && rng_pct(r, 3) && nlh->nlmsg_len > NLMSG_HDRLEN + GENL_HDRLEN)
		/* Truncated in the middle of an attribute. */
		nlh->nlmsg_len -= 1 + rng_below(r, nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN);
	req->cmd = cmd;
	req->flags = flags;
}
