// SPDX-License-Identifier: GPL-2.0
/* Request/reply over the jumping generic netlink family (jumping_genl.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include "jumping_genl.h"
#include "jumping_policy.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* State of one request while libnl's callbacks run. */
struct jg_req {
	struct jg_sock *js;
	jg_reply_fn fn;
	void *arg;
	bool done;	/* ACK, error or end of dump seen */
	int err;	/* negative errno, 0 on success */
};

int jg_fail(struct jg_sock *js, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(js->msg, sizeof(js->msg), fmt, ap);
	va_end(ap);
	js->err = err;
	return err;
}

static int jg_fail_nl(struct jg_sock *js, int nlerr)
{
	/* libnl's own codes are not errnos; keep its text, report EIO. */
	return jg_fail(js, -EIO, "%s", nl_geterror(nlerr));
}

int jg_open(struct jg_sock *js)
{
	int one = 1;
	int ret;

	memset(js, 0, sizeof(*js));
	js->sk = nl_socket_alloc();
	if (!js->sk)
		return jg_fail(js, -ENOMEM, "%s", strerror(ENOMEM));

	ret = genl_connect(js->sk);
	if (ret < 0) {
		jg_fail_nl(js, ret);
		goto err_free;
	}

	/*
	 * libnl 3.7 has no switch for extended ACKs, so ask the kernel
	 * directly: it then attaches the extack text to every error. CAP_ACK
	 * keeps it from echoing our whole request back inside the error.
	 */
	setsockopt(nl_socket_get_fd(js->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(js->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));

	ret = genl_ctrl_resolve(js->sk, JUMPING_GENL_NAME);
	if (ret < 0) {
		if (ret == -NLE_OBJ_NOTFOUND)
			jg_fail(js, -ENOENT, "jumping module not loaded");
		else
			jg_fail_nl(js, ret);
		goto err_free;
	}
	js->family = ret;
	return 0;

err_free:
	nl_socket_free(js->sk);
	js->sk = NULL;
	return js->err;
}

void jg_close(struct jg_sock *js)
{
	nl_socket_free(js->sk);
	js->sk = NULL;
}

struct nl_msg *jg_msg_new(struct jg_sock *js, uint8_t cmd, int flags)
{
	return jg_msg_new_size(js, cmd, flags, 0);
}

struct nl_msg *jg_msg_new_size(struct jg_sock *js, uint8_t cmd, int flags,
			       size_t payload)
{
	/* libnl's default (a page) unless the caller needs more. */
	struct nl_msg *msg = payload ?
		nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN + payload) :
		nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, js->family, 0, flags,
			 cmd, JUMPING_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Into out: the extack text from the TLVs that follow an error or done
 * payload, else what err means.
 */
static void jg_extack_text(char *out, size_t size, int err,
			   const struct nlmsghdr *nlh, const void *tlvs,
			   int len)
{
	struct nla_policy policy[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
		[NLMSGERR_ATTR_COOKIE] = { .type = NLA_UNSPEC },
	};
	uint32_t owner;
	size_t n;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	if (err == -EOPNOTSUPP)	/* genl's answer to a command it lacks */
		snprintf(out, size, "not supported by the loaded jumping module");
	else
		snprintf(out, size, "%s", strerror(-err));
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || len <= 0)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)tlvs, len,
		      policy) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(out, size, "%s", nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	/* The family's only cookie: which session owns a refused prefix. */
	if (tb[NLMSGERR_ATTR_COOKIE] &&
	    nla_len(tb[NLMSGERR_ATTR_COOKIE]) == (int)sizeof(owner)) {
		memcpy(&owner, nla_data(tb[NLMSGERR_ATTR_COOKIE]),
		       sizeof(owner));
		n = strlen(out);
		snprintf(out + n, size - n, ": session %u", owner);
	}
}

static void jg_take_extack(struct jg_req *r, const struct nlmsghdr *nlh,
			   const void *tlvs, int len)
{
	jg_extack_text(r->js->msg, sizeof(r->js->msg), r->err, nlh, tlvs, len);
}

int jg_nlmsgerr(const struct nlmsghdr *nlh, char *out, size_t size)
{
	const struct nlmsgerr *e = nlmsg_data(nlh);
	int payload = sizeof(*e);
	int len;

	out[0] = '\0';
	if (nlmsg_datalen(nlh) < (int)sizeof(*e))
		return -EPROTO;
	if (!e->error)
		return 0;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		payload += e->msg.nlmsg_len - NLMSG_HDRLEN;
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(payload);
	jg_extack_text(out, size, e->error < 0 ? e->error : -EPROTO, nlh,
		       (const char *)e + NLMSG_ALIGN(payload), len);
	return e->error < 0 ? e->error : -EPROTO;
}

static int jg_on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	/* libnl passes the payload of NLMSG_ERROR; its header sits before it. */
	const struct nlmsghdr *nlh =
		(const struct nlmsghdr *)((const char *)e - NLMSG_HDRLEN);
	struct jg_req *r = arg;

	(void)who;
	r->done = true;
	r->err = jg_nlmsgerr(nlh, r->js->msg, sizeof(r->js->msg));
	if (!r->err)
		r->err = -EPROTO;
	return NL_STOP;
}

static int jg_on_ack(struct nl_msg *msg, void *arg)
{
	struct jg_req *r = arg;

	(void)msg;
	r->done = true;
	return NL_STOP;
}

/* End of a dump; since 4.x its payload carries the dump's error and extack. */
static int jg_on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct jg_req *r = arg;
	int *errp = nlmsg_data(nlh);

	r->done = true;
	if (nlmsg_datalen(nlh) >= (int)sizeof(int) && *errp < 0) {
		r->err = *errp;
		jg_take_extack(r, nlh, (char *)errp + NLMSG_ALIGN(sizeof(int)),
			       nlmsg_datalen(nlh) - NLMSG_ALIGN(sizeof(int)));
	}
	return NL_STOP;
}

static int jg_on_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[JUMPING_A_MAX + 1];
	struct jg_req *r = arg;
	int ret;

	if (!r->fn)
		return NL_OK;
	ret = genlmsg_parse(nlmsg_hdr(msg), 0, tb, JUMPING_A_MAX,
			    jg_policy_top);
	if (ret < 0) {
		r->err = jg_fail(r->js, -EPROTO, "malformed reply from kernel");
		return NL_STOP;
	}
	ret = r->fn(r->js, tb, r->arg);
	if (ret < 0) {
		r->err = ret;
		if (r->js->err != ret)
			jg_fail(r->js, ret, "%s", strerror(-ret));
		return NL_STOP;
	}
	return NL_OK;
}

int jg_request(struct jg_sock *js, struct nl_msg *msg, jg_reply_fn fn,
	       void *arg)
{
	struct jg_req r = { .js = js, .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int ret;

	js->err = 0;
	js->msg[0] = '\0';
	cb = nl_cb_clone(nl_socket_get_cb(js->sk));
	if (!cb) {
		nlmsg_free(msg);
		return jg_fail(js, -ENOMEM, "%s", strerror(ENOMEM));
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, jg_on_valid, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, jg_on_ack, &r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, jg_on_finish, &r);
	nl_cb_err(cb, NL_CB_CUSTOM, jg_on_error, &r);

	ret = nl_send_auto(js->sk, msg);
	/* Requests may carry session keys: leave no copy in freed memory. */
	explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
	if (ret < 0) {
		jg_fail_nl(js, ret);
		goto out;
	}

	while (!r.done && !r.err) {
		ret = nl_recvmsgs(js->sk, cb);
		if (ret < 0 && !r.err) {
			if (ret == -NLE_DUMP_INTR)
				jg_fail(js, -EAGAIN,
					"dump interrupted by a change, try again");
			else
				jg_fail_nl(js, ret);
			goto out;
		}
	}
	js->err = r.err;
out:
	nl_cb_put(cb);
	return js->err;
}
