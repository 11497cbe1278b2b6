// SPDX-License-Identifier: GPL-2.0
/*
 * jumpctl -batch FILE: many commands, one a line, pipelined to the kernel.
 *
 * Every line is parsed first: a line that does not parse stops the batch
 * before anything is sent (exit 2, each bad line named). Then the requests
 * go out many to a sendmsg(); the kernel handles the messages of one
 * sendmsg() in order before it returns, and acknowledges only the last of
 * each window (NLM_F_ACK), so one ACK says the whole window was handled;
 * a failed request is answered with its error (and extack) whatever its
 * flags. Each request's sequence number is its line number, which is how
 * an error names its line. A line the kernel refuses changes nothing of
 * its own and the others still apply, in order (exit 1).
 *
 * Replies (SESSION_NEW answers with the session) queue in the socket
 * until the window is read, so a window is bounded by the receive buffer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sodium.h>
#include <netlink/msg.h>
#include "batch_parse.h"
#include "jumpctl.h"

/* Requests per sendmsg(), and bytes; the receive buffer asked for. */
#define WINDOW_MSGS	256
#define WINDOW_MSGS_SMALL 32	/* when the large buffer is not granted */
#define WINDOW_BYTES	(128 * 1024)
#define RCVBUF_BYTES	(8 * 1024 * 1024)

struct lines {
	char **v;
	size_t n;
};

static void lines_free(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		sodium_memzero(l->v[i], strlen(l->v[i]));
		free(l->v[i]);
	}
	free(l->v);
}

static int read_lines(const char *path, struct lines *l)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *buf = NULL, **v;
	size_t cap = 0, room = 0;
	int ret = 0;

	if (!f)
		return runtime_error(path, strerror(errno));
	while (getline(&buf, &cap, f) >= 0) {
		if (l->n == room) {
			room = room ? 2 * room : 64;
			v = realloc(l->v, room * sizeof(*v));
			if (!v) {
				ret = runtime_error(path, strerror(ENOMEM));
				break;
			}
			l->v = v;
		}
		if (!(l->v[l->n] = strdup(buf))) {
			ret = runtime_error(path, strerror(ENOMEM));
			break;
		}
		l->n++;
	}
	if (!ret && ferror(f))
		ret = runtime_error(path, strerror(errno));
	if (buf) {
		sodium_memzero(buf, cap);
		free(buf);
	}
	if (f != stdin)
		fclose(f);
	return ret;
}

/* Parse every line; report each bad one. 0 or EXIT_USAGE. */
static int check_lines(struct jg_sock *js, const struct lines *l)
{
	char where[64];
	struct nl_msg *msg;
	int bad = 0;
	size_t i;

	for (i = 0; i < l->n; i++) {
		snprintf(where, sizeof(where), "batch line %zu", i + 1);
		usage_where = where;
		if (batch_line_msg(js, l->v[i], &msg))
			bad++;
		if (msg) {
			explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
			nlmsg_free(msg);
		}
	}
	usage_where = NULL;
	return bad ? EXIT_USAGE : 0;
}

/*
 * Read the kernel's answers until the ACK (or error) of request last.
 * Errors are printed with their line. Returns how many lines failed, or
 * -1 when answers were lost (then what became of the window is unknown).
 */
static int drain(struct jg_sock *js, uint32_t first, uint32_t last)
{
	struct sockaddr_nl who;
	unsigned char *buf = NULL;
	struct nlmsghdr *nlh;
	char text[256];
	int n, len, failed = 0, err;

	for (;;) {
		n = nl_recv(js->sk, &who, &buf, NULL);
		if (n <= 0) {
			fprintf(stderr,
				"jumpctl: batch: answers for lines %u..%u lost (%s): their outcome is unknown\n",
				first, last, n ? nl_geterror(n) : "end of file");
			free(buf);
			return -1;
		}
		len = n;
		for (nlh = (struct nlmsghdr *)buf; nlmsg_ok(nlh, len);
		     nlh = nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;	/* a SESSION_NEW answer */
			err = jg_nlmsgerr(nlh, text, sizeof(text));
			if (err) {
				fprintf(stderr, "jumpctl: batch line %u: %s\n",
					nlh->nlmsg_seq, text);
				failed++;
			}
			if (nlh->nlmsg_seq == last) {
				free(buf);
				return failed;
			}
		}
		free(buf);
		buf = NULL;
	}
}

/* Ask for a receive buffer that holds a window's answers. */
static int window_size(struct jg_sock *js)
{
	int size = RCVBUF_BYTES;

	/* FORCE passes rmem_max with CAP_NET_ADMIN, which a batch needs. */
	if (!setsockopt(nl_socket_get_fd(js->sk), SOL_SOCKET, SO_RCVBUFFORCE,
			&size, sizeof(size)))
		return WINDOW_MSGS;
	setsockopt(nl_socket_get_fd(js->sk), SOL_SOCKET, SO_RCVBUF, &size,
		   sizeof(size));
	return WINDOW_MSGS_SMALL;
}

static int send_lines(struct jg_sock *js, const struct lines *l)
{
	unsigned char *win = malloc(WINDOW_BYTES);
	int max = window_size(js), count = 0, failed = 0, ret = 0, r;
	struct nlmsghdr *prev = NULL, *nlh;
	uint32_t first = 0, last = 0;
	struct nl_msg *msg;
	size_t used = 0, i;

	if (!win)
		return runtime_error("batch", strerror(ENOMEM));
	nl_socket_enable_msg_peek(js->sk);
	for (i = 0; i <= l->n; i++) {
		msg = NULL;
		if (i < l->n && batch_line_msg(js, l->v[i], &msg)) {
			ret = EXIT_RUNTIME;	/* parsed before: memory */
			break;
		}
		if (i < l->n && !msg)
			continue;
		/* Send the window when full, or at the end. */
		if (count && (i == l->n || count == max ||
			      used + nlmsg_hdr(msg)->nlmsg_len > WINDOW_BYTES)) {
			prev->nlmsg_flags |= NLM_F_ACK;
			r = nl_sendto(js->sk, win, used);
			explicit_bzero(win, used);
			if (r < 0) {
				ret = runtime_error("batch", nl_geterror(r));
				break;
			}
			r = drain(js, first, last);
			if (r < 0) {
				ret = EXIT_RUNTIME;
				break;
			}
			failed += r;
			used = 0;
			count = 0;
		}
		if (!msg)
			break;
		nlh = nlmsg_hdr(msg);
		if (nlh->nlmsg_len > WINDOW_BYTES) {
			ret = runtime_error("batch", "request too large");
			break;
		}
		/* The line number is the sequence number: errors name it. */
		nlh->nlmsg_seq = (uint32_t)(i + 1);
		nlh->nlmsg_pid = 0;
		nlh->nlmsg_flags |= NLM_F_REQUEST;
		prev = (struct nlmsghdr *)(win + used);
		memcpy(win + used, nlh, nlh->nlmsg_len);
		used += NLMSG_ALIGN(nlh->nlmsg_len);
		if (!count++)
			first = nlh->nlmsg_seq;
		last = nlh->nlmsg_seq;
		explicit_bzero(nlh, nlh->nlmsg_len);
		nlmsg_free(msg);
	}
	if (msg) {
		explicit_bzero(nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len);
		nlmsg_free(msg);
	}
	explicit_bzero(win, WINDOW_BYTES);
	free(win);
	if (!ret && failed) {
		fprintf(stderr, "jumpctl: batch: %d line%s failed\n", failed,
			failed == 1 ? "" : "s");
		ret = EXIT_RUNTIME;
	}
	return ret;
}

int cmd_batch(const char *path)
{
	struct lines l = { 0 };
	struct jg_sock js;
	int ret;

	if ((ret = open_family(&js)))
		return ret;
	ret = read_lines(path, &l);
	if (!ret)
		ret = check_lines(&js, &l);
	if (!ret)
		ret = send_lines(&js, &l);
	lines_free(&l);
	jg_close(&js);
	return ret;
}
