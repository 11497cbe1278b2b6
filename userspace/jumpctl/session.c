// SPDX-License-Identifier: GPL-2.0
/*
 * jumpctl session add/set/del, binding set, and the session part of
 * show (SESSION_NEW/SET/DEL/GET, BINDING_SET).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "jumpctl.h"
#include "parse.h"
#include "session_show.h"

#define MAX_PREFIXES 256

/* Everything a session command line may say. */
struct session_args {
	const char *dev;
	uint32_t id, peer_id;
	bool has_id, has_peer_id, has_remote, has_local;
	struct jp_endpoint remote;
	struct jp_addr local;
	struct jp_prefix prefixes[MAX_PREFIXES];
	unsigned int n_prefixes;
};

/* One or more prefixes, comma separated: "10.0.0.0/24,fd00::/64". */
static int add_prefixes(struct session_args *s, const char *list)
{
	char buf[256];
	char *tok, *save = NULL;

	if (strlen(list) >= sizeof(buf))
		return usage_error("allowed list too long: '%s'", list);
	strcpy(buf, list);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (s->n_prefixes == MAX_PREFIXES)
			return usage_error("more than %d allowed prefixes",
					   MAX_PREFIXES);
		if (parse_prefix(tok, &s->prefixes[s->n_prefixes]))
			return usage_error("allowed '%s' is not a prefix ADDR/LEN without host bits",
					   tok);
		s->n_prefixes++;
	}
	return 0;
}

/*
 * Parse "DEV id ID [peer-id PID] [remote EP] [local ADDR] [allowed P...]";
 * allowed takes a comma list, may repeat, and also swallows the bare
 * prefixes after it (no keyword parses as a prefix).
 */
static int parse_session_args(struct args *a, struct session_args *s,
			      bool allow_more)
{
	const char *kw, *v;
	int ret;

	memset(s, 0, sizeof(*s));
	s->dev = args_next(a);
	if ((ret = check_dev_name(s->dev)))
		return ret;
	while ((kw = args_next(a))) {
		struct jp_prefix p;

		if (s->n_prefixes && !parse_prefix(kw, &p)) {
			if ((ret = add_prefixes(s, kw)))
				return ret;
			continue;
		}
		if (!(v = args_value(a, kw)))
			return EXIT_USAGE;
		if (!strcmp(kw, "id")) {
			if (parse_u32(v, &s->id) || !s->id)
				return usage_error("id '%s' is not a session id 1..4294967295",
						   v);
			s->has_id = true;
		} else if (!allow_more) {
			return usage_error("unexpected '%s'", kw);
		} else if (!strcmp(kw, "peer-id")) {
			if (parse_u32(v, &s->peer_id) || !s->peer_id)
				return usage_error("peer-id '%s' is not a session id 1..4294967295",
						   v);
			s->has_peer_id = true;
		} else if (!strcmp(kw, "remote")) {
			if (parse_endpoint(v, &s->remote))
				return usage_error("remote '%s' is not ADDR:PORT or [IPV6]:PORT",
						   v);
			s->has_remote = true;
		} else if (!strcmp(kw, "local")) {
			if (parse_addr(v, &s->local))
				return usage_error("local '%s' is not an IP address",
						   v);
			s->has_local = true;
		} else if (!strcmp(kw, "allowed")) {
			if ((ret = add_prefixes(s, v)))
				return ret;
		} else {
			return usage_error("unknown keyword '%s'", kw);
		}
	}
	if (!s->has_id)
		return usage_error("id ID is required");
	if (s->has_local && s->has_remote &&
	    s->local.family != s->remote.addr.family)
		return usage_error("local and remote addresses are of different families");
	return 0;
}

static int put_binding(struct nl_msg *msg, const struct session_args *s)
{
	struct nlattr *nest = nla_nest_start(msg, JUMPING_A_SESSION_BINDING);
	bool v4;

	if (!nest)
		return -EMSGSIZE;
	if (s->has_remote) {
		v4 = s->remote.addr.family == AF_INET;
		if ((v4 ? nla_put(msg, JUMPING_A_BINDING_REMOTE_IPV4, 4,
				  &s->remote.addr.v4) :
			  nla_put(msg, JUMPING_A_BINDING_REMOTE_IPV6, 16,
				  &s->remote.addr.v6)) ||
		    nla_put_u16(msg, JUMPING_A_BINDING_REMOTE_PORT,
				htons(s->remote.port)))
			return -EMSGSIZE;
	}
	if (s->has_local) {
		v4 = s->local.family == AF_INET;
		if (v4 ? nla_put(msg, JUMPING_A_BINDING_LOCAL_IPV4, 4,
				 &s->local.v4) :
			 nla_put(msg, JUMPING_A_BINDING_LOCAL_IPV6, 16,
				 &s->local.v6))
			return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int put_prefix(struct nl_msg *msg, const struct jp_prefix *p)
{
	struct nlattr *nest = nla_nest_start(msg, JUMPING_A_SESSION_PREFIX);

	if (!nest ||
	    (p->addr.family == AF_INET ?
	     nla_put(msg, JUMPING_A_PREFIX_IPV4, 4, &p->addr.v4) :
	     nla_put(msg, JUMPING_A_PREFIX_IPV6, 16, &p->addr.v6)) ||
	    nla_put_u8(msg, JUMPING_A_PREFIX_LEN, p->len))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* The request: device, then a JUMPING_A_SESSION nest with what was said. */
static struct nl_msg *session_msg(struct jg_sock *js, uint8_t cmd,
				  const struct session_args *s)
{
	struct nl_msg *msg = jg_msg_new(js, cmd, 0);
	struct nlattr *nest;
	unsigned int i;

	if (!msg || put_dev(msg, s->dev))
		goto fail;
	nest = nla_nest_start(msg, JUMPING_A_SESSION);
	if (!nest || nla_put_u32(msg, JUMPING_A_SESSION_ID, s->id))
		goto fail;
	if (s->has_peer_id &&
	    nla_put_u32(msg, JUMPING_A_SESSION_PEER_ID, s->peer_id))
		goto fail;
	if ((s->has_remote || s->has_local) && put_binding(msg, s))
		goto fail;
	for (i = 0; i < s->n_prefixes; i++)
		if (put_prefix(msg, &s->prefixes[i]))
			goto fail;
	nla_nest_end(msg, nest);
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

static int send_session(uint8_t cmd, const struct session_args *s)
{
	struct jg_sock js;
	struct nl_msg *msg;
	char what[64];
	int ret;

	if ((ret = open_family(&js)))
		return ret;
	snprintf(what, sizeof(what), "%s session %u", s->dev, s->id);
	msg = session_msg(&js, cmd, s);
	if (!msg)
		ret = runtime_error(what, "request too large");
	else if (jg_request(&js, msg, NULL, NULL))
		ret = request_error(what, &js);
	jg_close(&js);
	return ret;
}

int cmd_session(struct args *a)
{
	const char *verb = args_next(a);
	struct session_args s;
	int ret;

	if (!verb)
		return usage_error("session needs add, set or del");
	if (!strcmp(verb, "add")) {
		if ((ret = parse_session_args(a, &s, true)))
			return ret;
		if (!s.has_peer_id)
			return usage_error("session add needs peer-id PID");
		return send_session(JUMPING_CMD_SESSION_NEW, &s);
	}
	if (!strcmp(verb, "set")) {
		if ((ret = parse_session_args(a, &s, true)))
			return ret;
		if (!s.has_peer_id && !s.has_remote && !s.has_local &&
		    !s.n_prefixes)
			return usage_error("session set: nothing to change");
		return send_session(JUMPING_CMD_SESSION_SET, &s);
	}
	if (!strcmp(verb, "del")) {
		if ((ret = parse_session_args(a, &s, false)))
			return ret;
		return send_session(JUMPING_CMD_SESSION_DEL, &s);
	}
	return usage_error("session: unknown verb '%s'", verb);
}

int cmd_binding(struct args *a)
{
	const char *verb = args_next(a);
	struct session_args s;
	int ret;

	if (!verb || strcmp(verb, "set"))
		return usage_error("binding needs set");
	if ((ret = parse_session_args(a, &s, true)))
		return ret;
	if (!s.has_remote || s.has_peer_id || s.n_prefixes)
		return usage_error("binding set takes id ID remote ADDR:PORT [local ADDR]");
	return send_session(JUMPING_CMD_BINDING_SET, &s);
}

/* One reply of the SESSION_GET dump: print it. */
static int print_session(struct jg_sock *js, struct nlattr **top, void *arg)
{
	if (!top[JUMPING_A_SESSION] || out_session(arg, top[JUMPING_A_SESSION]))
		return jg_fail(js, -EPROTO, "malformed session from kernel");
	return 0;
}

int show_sessions(struct jg_sock *js, struct out *o, uint32_t ifindex,
		  const char *dev)
{
	struct nl_msg *msg;
	int ret = 0;

	msg = jg_msg_new(js, JUMPING_CMD_SESSION_GET, NLM_F_DUMP);
	if (!msg || nla_put_u32(msg, JUMPING_A_IFINDEX, ifindex)) {
		nlmsg_free(msg);
		return runtime_error(dev, strerror(ENOMEM));
	}
	out_list_begin(o, "sessions");
	/* A kernel without sessions yet (no SESSION_GET) just has none. */
	if (jg_request(js, msg, print_session, o) && js->err != -EOPNOTSUPP)
		ret = request_error(dev, js);
	out_list_end(o);
	return ret;
}
