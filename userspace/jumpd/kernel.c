// SPDX-License-Identifier: GPL-2.0
/* jumpd's generic netlink requests and notifications (kernel.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netlink/genl/ctrl.h>
#include <sodium.h>
#include "kernel.h"
#include "kernel_parse.h"

const char *jk_error(const struct jd_kernel *k)
{
	return k->cmd.msg;
}

int jk_open(struct jd_kernel *k, char *err, size_t errlen)
{
	int ret, grp;

	memset(k, 0, sizeof(*k));
	ret = jg_open(&k->cmd);
	if (ret) {
		snprintf(err, errlen, "%s", k->cmd.msg);
		return ret;
	}
	k->ev = nl_socket_alloc();
	if (!k->ev || genl_connect(k->ev)) {
		snprintf(err, errlen, "cannot open the event socket");
		return -EIO;
	}
	/* Notifications carry no sequence numbers of ours. */
	nl_socket_disable_seq_check(k->ev);
	nl_socket_set_nonblocking(k->ev);
	/* A burst of control datagrams must not overrun us at once. */
	nl_socket_set_buffer_size(k->ev, 4 << 20, 0);
	grp = genl_ctrl_resolve_grp(k->ev, JUMPING_GENL_NAME,
				    JUMPING_GENL_MCGRP_EVENTS);
	if (grp < 0 || nl_socket_add_membership(k->ev, grp)) {
		snprintf(err, errlen, "cannot join the events group");
		return -EIO;
	}
	grp = genl_ctrl_resolve_grp(k->ev, JUMPING_GENL_NAME,
				    JUMPING_GENL_MCGRP_CONTROL);
	if (grp < 0 || nl_socket_add_membership(k->ev, grp)) {
		snprintf(err, errlen,
			 "cannot join the control group (module without the control path?)");
		return -EIO;
	}
	return 0;
}

void jk_close(struct jd_kernel *k)
{
	if (k->cmd.sk)
		jg_close(&k->cmd);
	if (k->ev)
		nl_socket_free(k->ev);
	k->ev = NULL;
}

int jk_events_fd(const struct jd_kernel *k)
{
	return nl_socket_get_fd(k->ev);
}

/* ---- attribute helpers ---------------------------------------------- */

static int put_addr(struct nl_msg *m, int a4, int a6,
		    const struct jp_binding *b)
{
	if (b->family == AF_INET)
		return nla_put(m, a4, 4, b->addr);
	return nla_put(m, a6, 16, b->addr);
}

static int put_binding(struct nl_msg *m, int attr,
		       const struct jp_binding *remote,
		       const struct jp_binding *local)
{
	struct nlattr *nest = nla_nest_start(m, attr);

	if (!nest)
		return -EMSGSIZE;
	if (remote && jp_binding_is_set(remote) &&
	    (put_addr(m, JUMPING_A_BINDING_REMOTE_IPV4,
		      JUMPING_A_BINDING_REMOTE_IPV6, remote) ||
	     nla_put_u16(m, JUMPING_A_BINDING_REMOTE_PORT,
			 htons(remote->port))))
		return -EMSGSIZE;
	if (local && jp_binding_is_set(local) &&
	    put_addr(m, JUMPING_A_BINDING_LOCAL_IPV4,
		     JUMPING_A_BINDING_LOCAL_IPV6, local))
		return -EMSGSIZE;
	if (local && local->ifindex &&
	    nla_put_u32(m, JUMPING_A_BINDING_IFINDEX, local->ifindex))
		return -EMSGSIZE;
	nla_nest_end(m, nest);
	return 0;
}

/*
 * A request for the device with a session nest opened (nest non-NULL): id
 * set, room for n_prefixes prefixes besides the rest.
 */
static struct nl_msg *session_msg_sized(struct jd_kernel *k, uint8_t cmd,
					uint32_t id, struct nlattr **nest,
					int flags, unsigned int n_prefixes)
{
	/* Without prefixes, libnl's default size (jg_msg_new). */
	struct nl_msg *m = jg_msg_new_size(&k->cmd, cmd, flags, n_prefixes ?
					   JG_MSG_BASE + n_prefixes *
					   JG_PREFIX_SIZE : 0);

	if (!m)
		return NULL;
	if (nla_put_u32(m, JUMPING_A_IFINDEX, k->ifindex))
		goto fail;
	if (nest) {
		*nest = nla_nest_start(m, JUMPING_A_SESSION);
		if (!*nest || (id && nla_put_u32(m, JUMPING_A_SESSION_ID, id)))
			goto fail;
	}
	return m;
fail:
	nlmsg_free(m);
	return NULL;
}

static struct nl_msg *session_msg(struct jd_kernel *k, uint8_t cmd,
				  uint32_t id, struct nlattr **nest, int flags)
{
	return session_msg_sized(k, cmd, id, nest, flags, 0);
}

static int send_req(struct jd_kernel *k, struct nl_msg *m, jg_reply_fn fn,
		    void *arg)
{
	if (!m)
		return jg_fail(&k->cmd, -ENOMEM, "out of memory");
	k->requests++;
	return jg_request(&k->cmd, m, fn, arg);
}

/* ---- device ------------------------------------------------------------ */

int jk_device_set(struct jd_kernel *k, uint16_t port, bool set_fwmark,
		  uint32_t fwmark)
{
	struct nl_msg *m = session_msg(k, JUMPING_CMD_DEVICE_SET, 0, NULL, 0);

	if (m && (nla_put_u16(m, JUMPING_A_LISTEN_PORT, port) ||
		  (set_fwmark && nla_put_u32(m, JUMPING_A_FWMARK, fwmark)))) {
		nlmsg_free(m);
		m = NULL;
	}
	return send_req(k, m, NULL, NULL);
}

static int on_device(struct jg_sock *js, struct nlattr **tb, void *arg)
{
	uint16_t *port = arg;

	(void)js;
	*port = tb[JUMPING_A_LISTEN_PORT] ?
		nla_get_u16(tb[JUMPING_A_LISTEN_PORT]) : 0;
	return 0;
}

int jk_device_port(struct jd_kernel *k, uint16_t *port)
{
	struct nl_msg *m = session_msg(k, JUMPING_CMD_DEVICE_GET, 0, NULL, 0);

	*port = 0;
	return send_req(k, m, on_device, port);
}

/* ---- sessions ------------------------------------------------------------ */

static int put_prefix(struct nl_msg *m, const struct jp_prefix *p)
{
	struct nlattr *nest = nla_nest_start(m, JUMPING_A_SESSION_PREFIX);

	if (!nest ||
	    (p->addr.family == AF_INET ?
	     nla_put(m, JUMPING_A_PREFIX_IPV4, 4, &p->addr.v4) :
	     nla_put(m, JUMPING_A_PREFIX_IPV6, 16, &p->addr.v6)) ||
	    nla_put_u8(m, JUMPING_A_PREFIX_LEN, p->len))
		return -EMSGSIZE;
	nla_nest_end(m, nest);
	return 0;
}

int jk_session_new(struct jd_kernel *k, const struct jk_session_new *s)
{
	struct nlattr *nest;
	struct nl_msg *m = session_msg_sized(k, JUMPING_CMD_SESSION_NEW,
						s->id, &nest, 0,
						s->n_prefixes);
	unsigned int i;

	if (!m)
		return send_req(k, NULL, NULL, NULL);
	/* No remote: a session with no binding yet (it sends nothing). */
	if (nla_put_u32(m, JUMPING_A_SESSION_PEER_ID, s->peer_id) ||
	    (jp_binding_is_set(&s->remote) &&
	     put_binding(m, JUMPING_A_SESSION_BINDING, &s->remote,
			 &s->local)) ||
	    (s->silence_ms &&
	     nla_put_u32(m, JUMPING_A_SESSION_SILENCE_MS, s->silence_ms)))
		goto fail;
	for (i = 0; i < s->n_prefixes; i++)
		if (put_prefix(m, &s->prefixes[i]))
			goto fail;
	nla_nest_end(m, nest);
	return send_req(k, m, NULL, NULL);
fail:
	nlmsg_free(m);
	return send_req(k, NULL, NULL, NULL);
}

int jk_session_set_prefixes(struct jd_kernel *k, uint32_t id,
			    const struct jp_prefix *prefixes, unsigned int n)
{
	struct nlattr *nest;
	struct nl_msg *m = session_msg_sized(k, JUMPING_CMD_SESSION_SET, id,
						&nest, 0, n);
	unsigned int i;

	if (!m)
		return send_req(k, NULL, NULL, NULL);
	for (i = 0; i < n; i++)
		if (put_prefix(m, &prefixes[i])) {
			nlmsg_free(m);
			return send_req(k, NULL, NULL, NULL);
		}
	nla_nest_end(m, nest);
	return send_req(k, m, NULL, NULL);
}

int jk_session_set_state(struct jd_kernel *k, uint32_t id, uint8_t state,
			 uint16_t reason)
{
	struct nlattr *nest;
	struct nl_msg *m = session_msg(k, JUMPING_CMD_SESSION_SET, id, &nest,
				       0);

	if (m && (nla_put_u8(m, JUMPING_A_SESSION_STATE, state) ||
		  nla_put_u16(m, JUMPING_A_SESSION_REASON, reason))) {
		nlmsg_free(m);
		m = NULL;
	}
	if (m)
		nla_nest_end(m, nest);
	return send_req(k, m, NULL, NULL);
}

int jk_session_set_keepalive(struct jd_kernel *k, uint32_t id,
			     uint32_t keepalive_ms)
{
	struct nlattr *nest;
	struct nl_msg *m = session_msg(k, JUMPING_CMD_SESSION_SET, id, &nest,
				       0);

	if (m && nla_put_u32(m, JUMPING_A_SESSION_KEEPALIVE_MS, keepalive_ms)) {
		nlmsg_free(m);
		m = NULL;
	}
	if (m)
		nla_nest_end(m, nest);
	return send_req(k, m, NULL, NULL);
}

int jk_session_set_silence(struct jd_kernel *k, uint32_t id,
			   uint32_t silence_ms)
{
	struct nlattr *nest;
	struct nl_msg *m = session_msg(k, JUMPING_CMD_SESSION_SET, id, &nest,
				       0);

	if (m && nla_put_u32(m, JUMPING_A_SESSION_SILENCE_MS, silence_ms)) {
		nlmsg_free(m);
		m = NULL;
	}
	if (m)
		nla_nest_end(m, nest);
	return send_req(k, m, NULL, NULL);
}

int jk_session_del(struct jd_kernel *k, uint32_t id)
{
	struct nlattr *nest;
	struct nl_msg *m = session_msg(k, JUMPING_CMD_SESSION_DEL, id, &nest,
				       0);

	if (m)
		nla_nest_end(m, nest);
	return send_req(k, m, NULL, NULL);
}

static int on_session(struct jg_sock *js, struct nlattr **tb, void *arg)
{
	struct jk_session *out = arg;

	(void)js;
	return jk_parse_session(tb[JUMPING_A_SESSION], out);
}

int jk_session_get(struct jd_kernel *k, uint32_t id, struct jk_session *out)
{
	struct nlattr *nest;
	struct nl_msg *m = session_msg(k, JUMPING_CMD_SESSION_GET, id, &nest,
				       0);

	if (m)
		nla_nest_end(m, nest);
	k->session_gets++;
	return send_req(k, m, on_session, out);
}

struct dump_acc {
	struct jk_session *v;
	size_t n;
};

static int on_dump(struct jg_sock *js, struct nlattr **tb, void *arg)
{
	struct dump_acc *acc = arg;
	struct jk_session *v;

	(void)js;
	v = realloc(acc->v, (acc->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	acc->v = v;
	/*
	 * A session of many prefixes continues in the next messages (its id
	 * and more prefixes, which jumpd does not read): one entry for it.
	 */
	if (jk_parse_session(tb[JUMPING_A_SESSION], &v[acc->n]) == 0 &&
	    !(acc->n && v[acc->n].id == v[acc->n - 1].id))
		acc->n++;
	return 0;
}

int jk_session_dump(struct jd_kernel *k, struct jk_session **out, size_t *n)
{
	struct dump_acc acc = { 0 };
	struct nl_msg *m = session_msg(k, JUMPING_CMD_SESSION_GET, 0, NULL,
				       NLM_F_DUMP);
	int ret;

	k->session_dumps++;
	ret = send_req(k, m, on_dump, &acc);

	if (ret) {
		free(acc.v);
		return ret;
	}
	*out = acc.v;
	*n = acc.n;
	return 0;
}

/* ---- keys, binding, packets --------------------------------------------- */

int jk_key_new(struct jd_kernel *k, uint32_t id, uint8_t slot, uint8_t key_id,
	       const uint8_t enc[32], const uint8_t dec[32],
	       uint32_t reject_after_ms)
{
	struct nlattr *nest, *conf;
	struct nl_msg *m = session_msg(k, JUMPING_CMD_KEY_NEW, id, &nest, 0);

	if (!m)
		return send_req(k, NULL, NULL, NULL);
	conf = nla_nest_start(m, JUMPING_A_SESSION_KEYCONF);
	if (!conf || nla_put_u8(m, JUMPING_A_KEYCONF_SLOT, slot) ||
	    nla_put_u8(m, JUMPING_A_KEYCONF_KEY_ID, key_id) ||
	    nla_put_u8(m, JUMPING_A_KEYCONF_CIPHER,
		       JUMPING_CIPHER_CHACHA20POLY1305) ||
	    nla_put(m, JUMPING_A_KEYCONF_ENCRYPT_KEY, 32, enc) ||
	    nla_put(m, JUMPING_A_KEYCONF_DECRYPT_KEY, 32, dec) ||
	    nla_put_u32(m, JUMPING_A_KEYCONF_REJECT_AFTER_MS,
			reject_after_ms)) {
		nlmsg_free(m);
		return send_req(k, NULL, NULL, NULL);
	}
	nla_nest_end(m, conf);
	nla_nest_end(m, nest);
	return send_req(k, m, NULL, NULL);
}

int jk_key_swap(struct jd_kernel *k, uint32_t id)
{
	struct nlattr *nest;
	struct nl_msg *m = session_msg(k, JUMPING_CMD_KEY_SWAP, id, &nest, 0);

	if (m)
		nla_nest_end(m, nest);
	return send_req(k, m, NULL, NULL);
}

int jk_binding_set(struct jd_kernel *k, uint32_t id,
		   const struct jp_binding *remote,
		   const struct jp_binding *local, uint16_t reason)
{
	struct nlattr *nest;
	struct nl_msg *m = session_msg(k, JUMPING_CMD_BINDING_SET, id, &nest,
				       0);

	if (m && (put_binding(m, JUMPING_A_SESSION_BINDING, remote, local) ||
		  nla_put_u16(m, JUMPING_A_SESSION_REASON, reason))) {
		nlmsg_free(m);
		m = NULL;
	}
	if (m)
		nla_nest_end(m, nest);
	return send_req(k, m, NULL, NULL);
}

int jk_packet_send(struct jd_kernel *k, const uint8_t *pkt, size_t len,
		   const struct jp_binding *remote,
		   const struct jp_binding *local)
{
	struct nl_msg *m = session_msg(k, JUMPING_CMD_PACKET_SEND, 0, NULL, 0);

	if (m && (nla_put(m, JUMPING_A_PACKET, (int)len, pkt) ||
		  put_binding(m, JUMPING_A_BINDING, remote, local))) {
		nlmsg_free(m);
		m = NULL;
	}
	return send_req(k, m, NULL, NULL);
}

/* ---- notifications ---------------------------------------------------- */

struct ev_ctx {
	jk_event_fn fn;
	void *arg;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct ev_ctx *c = arg;
	struct jk_event ev;

	if (jk_parse_event(nlmsg_hdr(msg), &ev))
		return NL_SKIP;
	c->fn(&ev, c->arg);
	return NL_OK;
}

int jk_events_read(struct jd_kernel *k, jk_event_fn fn, void *arg)
{
	struct ev_ctx c = { fn, arg };
	struct nl_cb *cb = nl_cb_clone(nl_socket_get_cb(k->ev));
	int ret, lost = 0;

	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_event, &c);
	for (;;) {
		ret = nl_recvmsgs(k->ev, cb);
		if (ret == -NLE_AGAIN)
			break;
		if (ret == -NLE_NOMEM || ret == -NLE_BUSY) {
			lost = 1;	/* overrun: the caller resyncs */
			continue;
		}
		if (ret < 0)
			break;
	}
	nl_cb_put(cb);
	return lost ? -ENOBUFS : 0;
}
