// SPDX-License-Identifier: GPL-2.0
/*
 * nlraw: send one hand-built request to the "jumping" generic netlink
 * family and report what the kernel said. jumpctl refuses to build bad
 * requests; the selftests need exactly those (a port sent as u32, no
 * device attribute, an attribute the command does not take) to check that
 * the kernel rejects each one with an extack message.
 *
 *   nlraw [--dump] CMD [ATTR:TYPE=VALUE ...]
 *   nlraw --listen GROUP [--count N]
 *
 * --listen subscribes to a multicast group ("events" or "control") and
 * prints every message as a reply is printed, its command first
 * ("cmd=packet_rx_ntf"), until N messages (default 1) arrived.
 *
 * Success: every reply's attributes, one "name=value" per line, a blank
 * line after each message; exit 0. Kernel error: one line on stderr,
 * "nlraw: ENAME (errno N): extack message", exit 1. Usage: exit 2.
 *
 * Deliberately independent of userspace/lib (the code under test): only
 * libnl and the uapi header, which gives every number used here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <linux/jumping.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define EXIT_KERNEL 1
#define EXIT_USAGE 2

struct name {
	const char *name;
	int value;
};

static const struct name cmds[] = {
	{ "device_get", JUMPING_CMD_DEVICE_GET },
	{ "device_set", JUMPING_CMD_DEVICE_SET },
	{ "session_new", JUMPING_CMD_SESSION_NEW },
	{ "session_set", JUMPING_CMD_SESSION_SET },
	{ "session_del", JUMPING_CMD_SESSION_DEL },
	{ "session_get", JUMPING_CMD_SESSION_GET },
	{ "key_new", JUMPING_CMD_KEY_NEW },
	{ "key_swap", JUMPING_CMD_KEY_SWAP },
	{ "key_del", JUMPING_CMD_KEY_DEL },
	{ "binding_set", JUMPING_CMD_BINDING_SET },
	{ "session_del_ntf", JUMPING_CMD_SESSION_DEL_NTF },
	{ "key_swap_ntf", JUMPING_CMD_KEY_SWAP_NTF },
	{ "state_ntf", JUMPING_CMD_STATE_NTF },
	{ "unknown_source_ntf", JUMPING_CMD_UNKNOWN_SOURCE_NTF },
	{ "packet_send", JUMPING_CMD_PACKET_SEND },
	{ "packet_rx_ntf", JUMPING_CMD_PACKET_RX_NTF },
	{ "silence_ntf", JUMPING_CMD_SILENCE_NTF },
	{ "sessions_flushed_ntf", JUMPING_CMD_SESSIONS_FLUSHED_NTF },
	{ NULL, 0 }
};

/* How a reply attribute is printed. */
enum show { SHOW_LEN, SHOW_U16, SHOW_U32, SHOW_STRING, SHOW_HEX,
	    SHOW_BINDING };

static const struct attr_name {
	const char *name;
	int type;
	enum show show;
} attrs[] = {
	{ "ifindex", JUMPING_A_IFINDEX, SHOW_U32 },
	{ "ifname", JUMPING_A_IFNAME, SHOW_STRING },
	{ "listen_port", JUMPING_A_LISTEN_PORT, SHOW_U16 },
	{ "fwmark", JUMPING_A_FWMARK, SHOW_U32 },
	{ "dev_stats", JUMPING_A_DEV_STATS, SHOW_LEN },
	{ "session", JUMPING_A_SESSION, SHOW_LEN },
	{ "pad", JUMPING_A_PAD, SHOW_LEN },
	{ "packet", JUMPING_A_PACKET, SHOW_HEX },
	{ "binding", JUMPING_A_BINDING, SHOW_BINDING },
	{ "control_rate", JUMPING_A_CONTROL_RATE, SHOW_U32 },
	{ "session_count", JUMPING_A_SESSION_COUNT, SHOW_U32 },
	{ "reason", JUMPING_A_REASON, SHOW_U16 },
	{ NULL, 0, SHOW_LEN }
};

static const char usage_text[] =
"usage: nlraw [--dump] CMD [ATTR:TYPE=VALUE ...]\n"
"       nlraw --listen events|control [--count N]\n"
"  CMD   device_get, device_set, session_new, ... or a number\n"
"  ATTR  ifindex, ifname, listen_port, fwmark, dev_stats, session, pad,\n"
"        packet, binding, control_rate, session_count, reason,\n"
"        or a number (any attribute type, also unknown ones)\n"
"  TYPE  u8 u16 u32 u64 (value must fit), string (NUL added), flag (no\n"
"        value), binary (hex digits, may be empty), binding (a binding\n"
"        nest: REMOTE:PORT[/LOCAL][@IFINDEX], IPv6 as [ADDR]:PORT)\n";

static int __attribute__((format(printf, 1, 2))) usage(const char *fmt, ...)
{
	va_list ap;

	fputs("nlraw: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

/* A plain number 0..max. */
static int number(const char *s, int max, int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || !*s || *end || *s == '-' || v > (unsigned long)max)
		return -1;
	*out = (int)v;
	return 0;
}

static int cmd_number(const char *s, int *out)
{
	const struct name *t;

	for (t = cmds; t->name; t++) {
		if (!strcmp(s, t->name)) {
			*out = t->value;
			return 0;
		}
	}
	return number(s, UINT8_MAX, out);
}

static const struct attr_name *attr_by_type(int type)
{
	const struct attr_name *a;

	for (a = attrs; a->name; a++)
		if (a->type == type)
			return a;
	return NULL;
}

static int attr_type(const char *s, int *out)
{
	const struct attr_name *a;

	for (a = attrs; a->name; a++) {
		if (!strcmp(s, a->name)) {
			*out = a->type;
			return 0;
		}
	}
	/* Any 14-bit type, so tests can send ones the family lacks. */
	return number(s, NLA_TYPE_MASK, out);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One address of a binding spec as its attribute; 0 or -1. */
static int put_binding_addr(struct nl_msg *msg, const char *s, bool local)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, s, a) == 1)
		return nla_put(msg, local ? JUMPING_A_BINDING_LOCAL_IPV4 :
			       JUMPING_A_BINDING_REMOTE_IPV4, 4, a);
	if (inet_pton(AF_INET6, s, a) == 1)
		return nla_put(msg, local ? JUMPING_A_BINDING_LOCAL_IPV6 :
			       JUMPING_A_BINDING_REMOTE_IPV6, 16, a);
	return -1;
}

/*
 * "REMOTE:PORT[/LOCAL][@IFINDEX]" -> a binding nest of type @type.
 * Families are not checked: the kernel must refuse a mix. 0, or an exit
 * status.
 */
static int put_binding(struct nl_msg *msg, int type, char *val)
{
	char *oif = strchr(val, '@'), *local, *port, *host = val;
	struct nlattr *nest;
	int p, ifindex = 0;

	if (oif) {
		*oif++ = '\0';
		if (number(oif, INT32_MAX, &ifindex))
			return usage("'%s' is not an ifindex", oif);
	}
	local = strchr(val, '/');
	if (local)
		*local++ = '\0';
	port = strrchr(val, ':');
	if (!port)
		return usage("binding '%s' has no :PORT", val);
	*port++ = '\0';
	if (*host == '[' && port[-2] == ']') {
		host++;
		port[-2] = '\0';
	}
	if (number(port, UINT16_MAX, &p))
		return usage("'%s' is not a port", port);
	nest = nla_nest_start(msg, type);
	if (!nest || put_binding_addr(msg, host, false) ||
	    nla_put_u16(msg, JUMPING_A_BINDING_REMOTE_PORT, htons((uint16_t)p)) ||
	    (local && put_binding_addr(msg, local, true)) ||
	    (oif && nla_put_u32(msg, JUMPING_A_BINDING_IFINDEX,
				(uint32_t)ifindex)))
		return usage("bad binding address in '%s'", val);
	nla_nest_end(msg, nest);
	return 0;
}

/* "ATTR:TYPE=VALUE" -> one attribute of msg. 0, or an exit status. */
static int put_attr(struct nl_msg *msg, char *spec)
{
	char *colon = strchr(spec, ':'), *eq, *val, *end;
	unsigned char buf[2048];
	unsigned long long v;
	const char *kind;
	size_t len, i;
	int type, ret;

	eq = colon ? strchr(colon, '=') : NULL;
	if (!colon || !eq)
		return usage("'%s' is not ATTR:TYPE=VALUE", spec);
	*colon = '\0';
	*eq = '\0';
	kind = colon + 1;
	val = eq + 1;
	if (attr_type(spec, &type))
		return usage("unknown attribute '%s'", spec);

	if (!strcmp(kind, "binding"))
		return put_binding(msg, type, val);
	if (!strcmp(kind, "string"))
		return nla_put_string(msg, type, val) < 0 ?
		       usage("no room for '%s'", val) : 0;
	if (!strcmp(kind, "flag")) {
		if (*val)
			return usage("a flag takes no value, got '%s'", val);
		return nla_put_flag(msg, type) < 0 ? usage("%s", "no room") : 0;
	}
	if (!strcmp(kind, "binary")) {
		len = strlen(val);
		if (len % 2 || len / 2 > sizeof(buf))
			return usage("'%s' is not an even number of hex digits (max 4096)",
				     val);
		for (i = 0; i < len / 2; i++) {
			int hi = hex_digit(val[2 * i]), lo = hex_digit(val[2 * i + 1]);

			if (hi < 0 || lo < 0)
				return usage("'%s' is not hex", val);
			buf[i] = (unsigned char)(hi << 4 | lo);
		}
		return nla_put(msg, type, (int)(len / 2), buf) < 0 ?
		       usage("%s", "no room") : 0;
	}

	errno = 0;
	v = strtoull(val, &end, 0);
	if (errno || !*val || *end || *val == '-')
		return usage("'%s' is not a number", val);
	/* Refuse to truncate: an out-of-range test must send what it says. */
	if (!strcmp(kind, "u8") && v <= UINT8_MAX)
		ret = nla_put_u8(msg, type, (uint8_t)v);
	else if (!strcmp(kind, "u16") && v <= UINT16_MAX)
		ret = nla_put_u16(msg, type, (uint16_t)v);
	else if (!strcmp(kind, "u32") && v <= UINT32_MAX)
		ret = nla_put_u32(msg, type, (uint32_t)v);
	else if (!strcmp(kind, "u64"))
		ret = nla_put_u64(msg, type, v);
	else if (!strcmp(kind, "u8") || !strcmp(kind, "u16") ||
		 !strcmp(kind, "u32"))
		return usage("'%s' does not fit the type", val);
	else
		return usage("unknown type '%s'", kind);
	return ret < 0 ? usage("%s", "no room") : 0;
}

/* What the replies to one request said. */
struct result {
	bool done;
	int err;		/* negative errno from the kernel, 0 if none */
	char msg[256];		/* its extack message, "" if none */
	int miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, -1 if none */
};

/* Extack TLVs after an error or done payload of len bytes. */
static void take_extack(struct result *r, const struct nlmsghdr *nlh,
			const void *tlvs, int len)
{
	struct nla_policy pol[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
		[NLMSGERR_ATTR_MISS_TYPE] = { .type = NLA_U32 },
	};
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || len <= 0 ||
	    nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)tlvs, len, pol) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(r->msg, sizeof(r->msg), "%s",
			 nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_MISS_TYPE])
		r->miss_type = (int)nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	/* libnl hands over the payload; the netlink header precedes it. */
	const struct nlmsghdr *nlh =
		(const void *)((const char *)e - NLMSG_HDRLEN);
	struct result *r = arg;
	int payload = sizeof(*e);

	(void)who;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		payload += e->msg.nlmsg_len - NLMSG_HDRLEN;
	r->done = true;
	r->err = e->error < 0 ? e->error : -EPROTO;
	take_extack(r, nlh, (const char *)e + NLMSG_ALIGN(payload),
		    (int)nlh->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(payload));
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct result *)arg)->done = true;
	return NL_STOP;
}

/* End of a dump: its payload is an int, negative if the dump failed. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct result *r = arg;
	int len = (int)nlh->nlmsg_len - NLMSG_HDRLEN;
	int err;

	r->done = true;
	if (len >= (int)sizeof(int)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0) {
			r->err = err;
			take_extack(r, nlh, (char *)nlmsg_data(nlh) +
				    NLMSG_ALIGN(sizeof(int)),
				    len - (int)NLMSG_ALIGN(sizeof(int)));
		}
	}
	return NL_STOP;
}

/* A binding nest as remote=ADDR:PORT [local=ADDR] on one line. */
static void print_binding(const char *name, const struct nlattr *nest)
{
	char buf[INET6_ADDRSTRLEN];
	const struct nlattr *nla;
	int rem;

	printf("%s=", name);
	nla_for_each_nested(nla, (struct nlattr *)nest, rem) {
		int t = nla_type(nla), len = nla_len(nla);

		if ((t == JUMPING_A_BINDING_REMOTE_IPV4 ||
		     t == JUMPING_A_BINDING_LOCAL_IPV4) && len == 4)
			inet_ntop(AF_INET, nla_data(nla), buf, sizeof(buf));
		else if ((t == JUMPING_A_BINDING_REMOTE_IPV6 ||
			  t == JUMPING_A_BINDING_LOCAL_IPV6) && len == 16)
			inet_ntop(AF_INET6, nla_data(nla), buf, sizeof(buf));
		else if (t == JUMPING_A_BINDING_REMOTE_PORT && len == 2)
			snprintf(buf, sizeof(buf), "%u",
				 ntohs(nla_get_u16((struct nlattr *)nla)));
		else
			snprintf(buf, sizeof(buf), "?%d", t);
		if (t == JUMPING_A_BINDING_REMOTE_PORT)
			printf(":%s", buf);
		else if (t == JUMPING_A_BINDING_LOCAL_IPV4 ||
			 t == JUMPING_A_BINDING_LOCAL_IPV6)
			printf("/%s", buf);
		else if (t == JUMPING_A_BINDING_REMOTE_IPV6)
			printf("[%s]", buf);
		else
			printf("%s", buf);
	}
	printf("\n");
}

static void print_attr(const struct nlattr *nla)
{
	const struct attr_name *a = attr_by_type(nla_type(nla));
	int len = nla_len(nla), i;

	if (a && a->show == SHOW_BINDING) {
		print_binding(a->name, nla);
		return;
	}
	if (a && a->show == SHOW_HEX) {
		printf("%s=", a->name);
		for (i = 0; i < len; i++)
			printf("%02x", ((const unsigned char *)nla_data(nla))[i]);
		printf("\n");
		return;
	}
	if (!a) {
		printf("%d=len:%d\n", nla_type(nla), len);
		return;
	}
	if (a->show == SHOW_U16 && len == sizeof(uint16_t))
		printf("%s=%u\n", a->name, nla_get_u16((struct nlattr *)nla));
	else if (a->show == SHOW_U32 && len == sizeof(uint32_t))
		printf("%s=%" PRIu32 "\n", a->name,
		       nla_get_u32((struct nlattr *)nla));
	else if (a->show == SHOW_STRING && len > 0 &&
		 memchr(nla_data(nla), '\0', len))
		printf("%s=%s\n", a->name, (const char *)nla_data(nla));
	else
		printf("%s=len:%d\n", a->name, len);
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *nla;
	int rem;

	(void)arg;
	nla_for_each_attr(nla, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem)
		print_attr(nla);
	printf("\n");
	return NL_OK;
}

static int fail_nl(const char *what, int nlerr)
{
	fprintf(stderr, "nlraw: %s: %s\n", what, nl_geterror(nlerr));
	return EXIT_KERNEL;
}

static int run(int cmd, bool dump, int nattrs, char **specs)
{
	struct result r = { .miss_type = -1 };
	struct nl_sock *sk;
	struct nl_msg *msg = NULL;
	struct nl_cb *cb;
	int one = 1, family, ret, i;

	sk = nl_socket_alloc();
	if (!sk)
		return fail_nl("socket", -NLE_NOMEM);
	ret = genl_connect(sk);
	if (ret < 0) {
		ret = fail_nl("connect", ret);
		goto out;
	}
	/* Extack text on every error, without our request echoed back. */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one,
		   sizeof(one));
	family = genl_ctrl_resolve(sk, JUMPING_GENL_NAME);
	if (family == -NLE_OBJ_NOTFOUND) {
		fputs("nlraw: jumping module not loaded\n", stderr);
		ret = EXIT_KERNEL;
		goto out;
	}
	if (family < 0) {
		ret = fail_nl("family " JUMPING_GENL_NAME, family);
		goto out;
	}

	msg = nlmsg_alloc();
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0,
				 dump ? NLM_F_DUMP : 0, (uint8_t)cmd,
				 JUMPING_GENL_VERSION)) {
		ret = fail_nl("message", -NLE_NOMEM);
		goto out;
	}
	for (i = 0; i < nattrs; i++) {
		ret = put_attr(msg, specs[i]);
		if (ret)
			goto out;
	}

	cb = nl_socket_get_cb(sk);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &r);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &r);

	ret = nl_send_auto(sk, msg);
	while (ret >= 0 && !r.done)
		ret = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);
	if (ret < 0 && !r.done) {
		ret = fail_nl("receive", ret);
		goto out;
	}
	ret = 0;
	if (r.err) {
		fprintf(stderr, "nlraw: %s (errno %d): %s", strerrorname_np(-r.err),
			-r.err, r.msg[0] ? r.msg : "(no extack message)");
		if (r.miss_type >= 0 && attr_by_type(r.miss_type))
			fprintf(stderr, " [missing attribute %s]",
				attr_by_type(r.miss_type)->name);
		else if (r.miss_type >= 0)
			fprintf(stderr, " [missing attribute %d]", r.miss_type);
		fputs("\n", stderr);
		ret = EXIT_KERNEL;
	}
out:
	nlmsg_free(msg);
	nl_socket_free(sk);
	return ret;
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int cmd = ((struct genlmsghdr *)nlmsg_data(nlh))->cmd;
	const struct name *t;
	int *left = arg;

	for (t = cmds; t->name && t->value != cmd; t++)
		;
	if (t->name)
		printf("cmd=%s\n", t->name);
	else
		printf("cmd=%d\n", cmd);
	on_valid(msg, NULL);
	fflush(stdout);
	return --*left > 0 ? NL_OK : NL_STOP;
}

/*
 * Print the next @count messages of multicast group @group. "listening"
 * goes to stderr once subscribed, so a test can start its traffic then.
 */
static int listen_group(const char *group, int count)
{
	struct nl_sock *sk;
	int grp, ret, left = count;

	sk = nl_socket_alloc();
	if (!sk)
		return fail_nl("socket", -NLE_NOMEM);
	nl_socket_disable_seq_check(sk);
	ret = genl_connect(sk);
	if (ret < 0) {
		ret = fail_nl("connect", ret);
		goto out;
	}
	grp = genl_ctrl_resolve_grp(sk, JUMPING_GENL_NAME, group);
	if (grp < 0) {
		ret = fail_nl(group, grp);
		goto out;
	}
	ret = nl_socket_add_membership(sk, grp);
	if (ret < 0) {
		ret = fail_nl("subscribe", ret);
		goto out;
	}
	fprintf(stderr, "nlraw: listening on %s\n", group);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_event, &left);
	while (left > 0) {
		ret = nl_recvmsgs_default(sk);
		/* ENOBUFS: the socket overran; say so and read on. */
		if (ret == -NLE_NOMEM) {
			fprintf(stderr, "nlraw: overrun, messages lost\n");
			continue;
		}
		if (ret < 0) {
			ret = fail_nl("receive", ret);
			goto out;
		}
	}
	ret = 0;
out:
	nl_socket_free(sk);
	return ret;
}

int main(int argc, char **argv)
{
	bool dump = false;
	int cmd;

	argv++;
	argc--;
	if (argc && !strcmp(argv[0], "--dump")) {
		dump = true;
		argv++;
		argc--;
	}
	if (argc && !strcmp(argv[0], "--listen")) {
		int count = 1;

		if (argc == 4 && !strcmp(argv[2], "--count") &&
		    !number(argv[3], 1000000, &count) && count > 0)
			return listen_group(argv[1], count);
		if (argc != 2)
			return usage("%s", "--listen GROUP [--count N]");
		return listen_group(argv[1], count);
	}
	if (argc && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!argc)
		return usage("%s", "a command is required");
	if (cmd_number(argv[0], &cmd))
		return usage("unknown command '%s'", argv[0]);
	return run(cmd, dump, argc - 1, argv + 1);
}
