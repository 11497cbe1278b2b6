// SPDX-License-Identifier: GPL-2.0
/*
 * jumpctl session add/set/del, binding set, and the session part of
 * show (SESSION_NEW/SET/DEL/GET, BINDING_SET).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

static int cmd_session_noun(const char *noun, struct args *a)
{
	struct session_args *s = malloc(sizeof(*s));
	uint8_t cmd;
	int ret;

	if (!s)
		return runtime_error(noun, strerror(ENOMEM));
	ret = session_verb_args(noun, a, s, &cmd);
	if (!ret)
		ret = send_session(cmd, s);
	free(s);
	return ret;
}

int cmd_session(struct args *a)
{
	return cmd_session_noun("session", a);
}

int cmd_binding(struct args *a)
{
	return cmd_session_noun("binding", a);
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
