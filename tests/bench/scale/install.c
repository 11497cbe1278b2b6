// SPDX-License-Identifier: GPL-2.0
/*
 * jpsim: sessions installed and bindings changed straight over generic
 * netlink, pipelined: a window of requests built with libnl goes out in
 * one sendmsg, then their replies and acks are read and counted. The
 * kernel handles a message train in order, so a session's KEY_NEW may
 * follow its SESSION_NEW in the same train.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "jpsim.h"

/* Replies to a window: room for all of them (SESSION_NEW answers each). */
#define JPSIM_SOCK_BUF	(32 << 20)

struct pipe {
	struct nl_sock *sk;
	struct nl_cb *cb;
	int family;
	char *buf;			/* the window's messages, back to back */
	size_t len, cap;
	unsigned int queued;		/* requests in buf */
	unsigned long long acked, failed;
	unsigned int outstanding;
};

static int pipe_ack(struct nl_msg *msg, void *arg)
{
	struct pipe *p = arg;

	(void)msg;
	p->acked++;
	p->outstanding--;
	return NL_OK;
}

static int pipe_err(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct pipe *p = arg;

	(void)nla;
	if (p->failed++ < 5)
		fprintf(stderr, "jpsim: request %u failed: %s\n",
			e->msg.nlmsg_seq, strerror(-e->error));
	p->outstanding--;
	return NL_SKIP;
}

/* Many requests in flight: their sequence numbers are ours to check. */
static int pipe_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static int pipe_open(struct pipe *p, size_t cap)
{
	int fd, sz = JPSIM_SOCK_BUF;

	memset(p, 0, sizeof(*p));
	p->sk = nl_socket_alloc();
	p->cb = nl_cb_alloc(NL_CB_DEFAULT);
	p->buf = malloc(cap);
	p->cap = cap;
	if (!p->sk || !p->cb || !p->buf || genl_connect(p->sk))
		goto fail;
	p->family = genl_ctrl_resolve(p->sk, JUMPING_GENL_NAME);
	if (p->family < 0) {
		fprintf(stderr, "jpsim: no %s genl family (module loaded?)\n",
			JUMPING_GENL_NAME);
		return -1;
	}
	fd = nl_socket_get_fd(p->sk);
	/* Root in the guest: past rmem_max, so a window's replies fit. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)))
		nl_socket_set_buffer_size(p->sk, sz, sz);
	nl_cb_set(p->cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, pipe_seq, NULL);
	nl_cb_set(p->cb, NL_CB_ACK, NL_CB_CUSTOM, pipe_ack, p);
	nl_cb_err(p->cb, NL_CB_CUSTOM, pipe_err, p);
	return 0;
fail:
	fprintf(stderr, "jpsim: cannot open a generic netlink socket\n");
	return -1;
}

static void pipe_close(struct pipe *p)
{
	nl_cb_put(p->cb);
	nl_socket_free(p->sk);
	free(p->buf);
}

/* A request of @cmd for the device, its JUMPING_A_SESSION nest open. */
static struct nl_msg *pipe_msg(struct pipe *p, const struct jpsim *o,
			       uint8_t cmd, struct nlattr **nest)
{
	static uint32_t seq;
	struct nl_msg *msg = nlmsg_alloc_size(1024);

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, ++seq, p->family, 0,
			 NLM_F_REQUEST | NLM_F_ACK, cmd,
			 JUMPING_GENL_VERSION) ||
	    nla_put_string(msg, JUMPING_A_IFNAME, o->dev) ||
	    !(*nest = nla_nest_start(msg, JUMPING_A_SESSION))) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Closes the nest and appends the message to the window. */
static int pipe_queue(struct pipe *p, struct nl_msg *msg, struct nlattr *nest)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	size_t len = NLMSG_ALIGN(h->nlmsg_len);

	nla_nest_end(msg, nest);
	len = NLMSG_ALIGN(h->nlmsg_len);
	if (p->len + len > p->cap) {
		nlmsg_free(msg);
		return -ENOSPC;
	}
	memcpy(p->buf + p->len, h, h->nlmsg_len);
	p->len += len;
	p->queued++;
	nlmsg_free(msg);
	return 0;
}

/* Sends the window and waits for every request's ack or error. */
static int pipe_flush(struct pipe *p)
{
	int err;

	if (!p->queued)
		return 0;
	err = nl_sendto(p->sk, p->buf, p->len);
	if (err < 0) {
		fprintf(stderr, "jpsim: sendmsg: %s\n", nl_geterror(err));
		return -1;
	}
	p->outstanding += p->queued;
	p->queued = 0;
	p->len = 0;
	while (p->outstanding) {
		err = nl_recvmsgs(p->sk, p->cb);
		if (err < 0) {
			fprintf(stderr, "jpsim: recv: %s\n", nl_geterror(err));
			return -1;
		}
	}
	return 0;
}

static int put_binding(struct nl_msg *msg, uint32_t addr, uint16_t port)
{
	struct nlattr *b = nla_nest_start(msg, JUMPING_A_SESSION_BINDING);

	if (!b || nla_put_u32(msg, JUMPING_A_BINDING_REMOTE_IPV4, htonl(addr)) ||
	    nla_put_u16(msg, JUMPING_A_BINDING_REMOTE_PORT, htons(port)))
		return -1;
	nla_nest_end(msg, b);
	return 0;
}

static int queue_session(struct pipe *p, const struct jpsim *o, uint32_t i)
{
	uint8_t key[JUMPING_KEY_LEN];
	struct nlattr *nest, *pfx, *kc;
	struct nl_msg *msg;

	msg = pipe_msg(p, o, JUMPING_CMD_SESSION_NEW, &nest);
	if (!msg || nla_put_u32(msg, JUMPING_A_SESSION_ID, i + 1) ||
	    nla_put_u32(msg, JUMPING_A_SESSION_PEER_ID, i + 1) ||
	    nla_put_u8(msg, JUMPING_A_SESSION_STATE, JUMPING_STATE_ATTACHED) ||
	    put_binding(msg, o->client_base + i, JPSIM_PORT(i)) ||
	    !(pfx = nla_nest_start(msg, JUMPING_A_SESSION_PREFIX)) ||
	    nla_put_u32(msg, JUMPING_A_PREFIX_IPV4, htonl(o->inner_base + i)) ||
	    nla_put_u8(msg, JUMPING_A_PREFIX_LEN, 32))
		goto nomem;
	nla_nest_end(msg, pfx);
	if (pipe_queue(p, msg, nest))
		return -1;

	msg = pipe_msg(p, o, JUMPING_CMD_KEY_NEW, &nest);
	if (!msg || nla_put_u32(msg, JUMPING_A_SESSION_ID, i + 1) ||
	    !(kc = nla_nest_start(msg, JUMPING_A_SESSION_KEYCONF)) ||
	    nla_put_u8(msg, JUMPING_A_KEYCONF_SLOT, JUMPING_KEY_SLOT_PRIMARY) ||
	    nla_put_u8(msg, JUMPING_A_KEYCONF_KEY_ID, 0) ||
	    nla_put_u8(msg, JUMPING_A_KEYCONF_CIPHER, o->cipher))
		goto nomem;
	jpsim_key(o, i, 0, key);
	if (nla_put(msg, JUMPING_A_KEYCONF_ENCRYPT_KEY, sizeof(key), key))
		goto nomem;
	jpsim_key(o, i, 1, key);
	if (nla_put(msg, JUMPING_A_KEYCONF_DECRYPT_KEY, sizeof(key), key))
		goto nomem;
	nla_nest_end(msg, kc);
	return pipe_queue(p, msg, nest);
nomem:
	nlmsg_free(msg);
	fprintf(stderr, "jpsim: out of memory building a request\n");
	return -1;
}

/* Sessions first..first+n-1 of the device, keys and all. */
int jpsim_install(const struct jpsim *o)
{
	struct pipe p;
	double t0, dt;
	uint32_t i;
	int rc = -1;

	if (pipe_open(&p, (size_t)o->window * 2 * 512))
		return -1;
	t0 = jpsim_now();
	for (i = 0; i < o->n; i++) {
		if (queue_session(&p, o, o->first + i))
			goto out;
		if (p.queued >= 2 * o->window && pipe_flush(&p))
			goto out;
	}
	if (pipe_flush(&p))
		goto out;
	dt = jpsim_now() - t0;
	printf("{\"mode\":\"install\",\"sessions\":%u,\"requests\":%llu,"
	       "\"failed\":%llu,\"seconds\":%.3f,\"per_s\":%.0f}\n",
	       o->n, p.acked + p.failed, p.failed, dt, o->n / dt);
	rc = p.failed ? -1 : 0;
out:
	pipe_close(&p);
	return rc;
}

/*
 * The storm: sessions of the second half move (BINDING_SET, to another
 * client address and back) at o->rate a second in windows of a tenth
 * of a second's worth, while the first half carries traffic (traffic.c)
 * on another thread. Lost packets of the first half are counted by the
 * caller on the client side against what was sent.
 */
static void jpsim_sleep_until(double when)
{
	double left = when - jpsim_now();
	struct timespec ts;

	if (left <= 0)
		return;
	ts.tv_sec = (time_t)left;
	ts.tv_nsec = (long)((left - ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

struct storm {
	const struct jpsim *o;
	volatile int stop;
	unsigned long long changes, failed;
	double seconds;
	int rc;
};

static void *storm_thread(void *arg)
{
	struct storm *st = arg;
	const struct jpsim *o = st->o;
	uint32_t half = o->n / 2, moving = o->n - half;
	unsigned int per_tick = o->rate / 100 ? o->rate / 100 : 1;
	uint64_t rng = o->seed ^ 0x5707;
	double t0 = jpsim_now(), next = t0;
	unsigned char *moved = calloc(moving, 1);
	struct nlattr *nest;
	struct nl_msg *msg;
	struct pipe p;
	unsigned int k;

	st->rc = -1;
	if (!moved || pipe_open(&p, (size_t)per_tick * 256)) {
		free(moved);
		return NULL;
	}
	while (!st->stop) {
		for (k = 0; k < per_tick; k++) {
			uint32_t j = jpsim_rand(&rng) % moving, i = half + j;
			/* Away to 0x08xxxxxx above its home address, or back. */
			uint32_t addr = o->client_base + i +
					(moved[j] ? 0 : 0x00080000);

			moved[j] ^= 1;
			msg = pipe_msg(&p, o, JUMPING_CMD_BINDING_SET, &nest);
			if (!msg || nla_put_u32(msg, JUMPING_A_SESSION_ID, i + 1) ||
			    nla_put_u16(msg, JUMPING_A_SESSION_REASON,
					JUMPING_REASON_USERSPACE) ||
			    put_binding(msg, addr, JPSIM_PORT(i) ^ 1) ||
			    pipe_queue(&p, msg, nest))
				goto out;
		}
		if (pipe_flush(&p))
			goto out;
		/* Paced to the rate; a kernel that is slower sets the pace. */
		next += 0.01;
		jpsim_sleep_until(next);
	}
	st->rc = 0;
out:
	st->seconds = jpsim_now() - t0;
	st->changes = p.acked;
	st->failed = p.failed;
	pipe_close(&p);
	free(moved);
	return NULL;
}

int jpsim_storm(const struct jpsim *o)
{
	struct storm st = { .o = o };
	uint32_t half = o->n / 2;
	uint64_t sent = 0;
	double elapsed = 0;
	pthread_t tid;
	int rc;

	if (half < 1) {
		fprintf(stderr, "jpsim: the storm needs 2 sessions or more\n");
		return -1;
	}
	if (pthread_create(&tid, NULL, storm_thread, &st)) {
		fprintf(stderr, "jpsim: cannot start the storm thread\n");
		return -1;
	}
	rc = jpsim_tx_run(o, 0, half, o->seconds, 0, NULL, &sent, &elapsed);
	st.stop = 1;
	pthread_join(tid, NULL);
	printf("{\"mode\":\"storm\",\"stable_sessions\":%u,\"stable_sent\":%llu,"
	       "\"tx_seconds\":%.3f,\"changes\":%llu,\"failed\":%llu,"
	       "\"seconds\":%.3f,\"changes_per_s\":%.0f}\n",
	       half, (unsigned long long)sent, elapsed, st.changes, st.failed,
	       st.seconds, st.changes / st.seconds);
	return rc || st.rc || st.failed ? -1 : 0;
}
