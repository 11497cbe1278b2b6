// SPDX-License-Identifier: GPL-2.0
/*
 * jumpctl session add/set/del, binding set, and the session part of
 * show (SESSION_NEW/SET/DEL/GET, BINDING_SET).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "session_req.h"
#include "session_show.h"

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
		    !s.has_oif && !s.n_prefixes && !s.has_keepalive &&
		    !s.has_silence && !s.has_state)
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
	if (!s.has_remote || s.has_peer_id || s.n_prefixes ||
	    s.has_keepalive || s.has_silence || s.has_state)
		return usage_error("binding set takes id ID remote ADDR:PORT [local ADDR] [oif IFNAME] [reason REASON]");
	return send_session(JUMPING_CMD_BINDING_SET, &s);
}

struct show_ctx {
	struct out *o;
	const struct jd_status *status;	/* jumpd's, or NULL */
	struct session_acc acc;
};

/* Print the session the accumulator holds, if any, and empty it. */
static int flush_session(struct jg_sock *js, struct show_ctx *c)
{
	int ret = 0;

	if (c->acc.nest &&
	    out_session(c->o, c->acc.nest,
			jd_status_session(c->status, c->acc.id)))
		ret = jg_fail(js, -EPROTO, "malformed session from kernel");
	session_acc_reset(&c->acc);
	return ret;
}

/*
 * One reply of the SESSION_GET dump: a session, or the continuation of
 * the one before (more of its prefixes). Printed once it is whole.
 */
static int take_session(struct jg_sock *js, struct nlattr **top, void *arg)
{
	struct show_ctx *c = arg;
	int ret;

	if (!top[JUMPING_A_SESSION])
		return jg_fail(js, -EPROTO, "malformed session from kernel");
	ret = session_acc_add(&c->acc, top[JUMPING_A_SESSION]);
	if (ret == 1) {
		ret = flush_session(js, c);
		if (!ret)
			ret = session_acc_add(&c->acc, top[JUMPING_A_SESSION]);
	}
	if (ret < 0 && !js->err)
		return jg_fail(js, ret, "session from kernel: %s",
			       strerror(-ret));
	return ret;
}

int show_sessions(struct jg_sock *js, struct out *o, uint32_t ifindex,
		  const char *dev, const struct jd_status *status)
{
	struct show_ctx c = { .o = o, .status = status };
	struct nl_msg *msg;
	int ret = 0;

	msg = jg_msg_new(js, JUMPING_CMD_SESSION_GET, NLM_F_DUMP);
	if (!msg || nla_put_u32(msg, JUMPING_A_IFINDEX, ifindex)) {
		nlmsg_free(msg);
		return runtime_error(dev, strerror(ENOMEM));
	}
	out_list_begin(o, "sessions");
	/* A kernel without sessions yet (no SESSION_GET) just has none. */
	if (jg_request(js, msg, take_session, &c) && js->err != -EOPNOTSUPP)
		ret = request_error(dev, js);
	else if (flush_session(js, &c))
		ret = request_error(dev, js);
	session_acc_reset(&c.acc);
	out_list_end(o);
	return ret;
}
