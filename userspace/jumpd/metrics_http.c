// SPDX-License-Identifier: GPL-2.0
/*
 * /metrics over HTTP (MetricsListen; docs/operations.md): a minimal
 * HTTP/1.0 responder on jumpd's own poll loop. A scrape asks one GET and
 * reads one answer, so no library is worth its weight here: no threads,
 * no keep-alive, no request body. What it must not do is stall the
 * daemon: sockets are non-blocking, a request is read as it comes over
 * several wake-ups, at most JD_HTTP_CONNS clients are held (a new one
 * pushes out the oldest), and the answer is sent without blocking like
 * the status socket's document.
 *
 * The text is jumping_metrics.h's, the one writer `jumpctl metrics` uses,
 * for this jumpd's device, with what jumpd knows from jd_status_build().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "jumping_metrics.h"
#include "jumpd.h"

/* Far above a scraper's request line and headers. */
#define JD_HTTP_REQ_MAX		4096

struct jd_http_conn {
	int fd;			/* -1: free */
	uint64_t since_ms;	/* accepted then */
	size_t len;
	char req[JD_HTTP_REQ_MAX];
};

struct jd_http {
	int listen_fd;
	struct jd_http_conn c[JD_HTTP_CONNS];
};

int jd_http_open(struct jd *d)
{
	const struct jp_endpoint *ep = &d->cfg->iface.metrics_listen;
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct jd_http *h;
	socklen_t sl;
	char addr[64];
	int one = 1, fd, i;

	if (!ep->port)
		return 0;	/* off */
	if (ep->addr.family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_addr = ep->addr.v4;
		sin->sin_port = htons(ep->port);
		sl = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = ep->addr.v6;
		sin6->sin6_port = htons(ep->port);
		sl = sizeof(*sin6);
	}
	format_endpoint(ep, addr, sizeof(addr));
	h = malloc(sizeof(*h));
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (!h || fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, 8)) {
		jd_log("MetricsListen %s: %m", addr);
		if (fd >= 0)
			close(fd);
		free(h);
		return -1;
	}
	h->listen_fd = fd;
	for (i = 0; i < JD_HTTP_CONNS; i++)
		h->c[i].fd = -1;
	d->http = h;
	jd_log("serving metrics on http://%s/metrics", addr);
	return 0;
}

static void conn_close(struct jd_http_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

void jd_http_close(struct jd *d)
{
	int i;

	if (!d->http)
		return;
	for (i = 0; i < JD_HTTP_CONNS; i++)
		conn_close(&d->http->c[i]);
	close(d->http->listen_fd);
	free(d->http);
	d->http = NULL;
}

int jd_http_pollfds(const struct jd *d, struct pollfd *pfd)
{
	int i, n = 0;

	if (!d->http)
		return 0;
	pfd[n].fd = d->http->listen_fd;
	pfd[n++].events = POLLIN;
	for (i = 0; i < JD_HTTP_CONNS; i++) {
		/* A free slot stays in the array as -1: poll skips it. */
		pfd[n].fd = d->http->c[i].fd;
		pfd[n].revents = 0;
		pfd[n++].events = POLLIN;
	}
	return n;
}

static const struct jd_status *own_status(const char *dev, void *arg)
{
	const struct jd *d = arg;

	return strcmp(dev, d->cfg->iface.device) ? NULL : jd_status_build(d);
}

static void own_release(const struct jd_status *st, void *arg)
{
	(void)arg;
	jd_status_model_free((struct jd_status *)st);
}

/* The metrics text, or NULL with the reason logged. */
static char *metrics_text(struct jd *d, size_t *len)
{
	struct jm_status_src src = { own_status, own_release, d };
	struct jg_sock js;
	char *text = NULL;
	FILE *f;
	int err;

	if (jg_open(&js)) {
		jd_log("metrics: %s", js.msg);
		return NULL;
	}
	f = open_memstream(&text, len);
	if (!f) {
		jg_close(&js);
		return NULL;
	}
	err = jm_write(f, &js, d->cfg->iface.device, &src);
	if (err)
		jd_log("metrics: %s", js.msg);
	if (fclose(f) || err) {
		free(text);
		text = NULL;
	}
	jg_close(&js);
	return text;
}

static void answer(struct jd *d, struct jd_http_conn *c)
{
	const char *status = "200 OK", *type = JM_CONTENT_TYPE, *allow = "";
	char *body = NULL, *head = NULL;
	char method[8], target[64];
	size_t len = 0;
	int n;

	/* "GET /metrics HTTP/1.1"; a query string is ignored. */
	if (sscanf(c->req, "%7s %63s", method, target) != 2) {
		status = "400 Bad Request";
	} else if (strcmp(method, "GET")) {
		status = "405 Method Not Allowed";
		allow = "Allow: GET\r\n";
	} else if (strcmp(target, "/metrics") &&
		   strncmp(target, "/metrics?", 9)) {
		status = "404 Not Found";
	} else {
		body = metrics_text(d, &len);
		if (!body)
			status = "500 Internal Server Error";
	}
	if (!body) {
		type = "text/plain; charset=utf-8";
		len = strlen(status) + 1;
	}
	n = asprintf(&head,
		     "HTTP/1.0 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%sConnection: close\r\n\r\n%s%s",
		     status, type, len, allow, body ? "" : status, body ? "" : "\n");
	if (n > 0) {
		jd_send_nowait(c->fd, head, (size_t)n);
		if (body)
			jd_send_nowait(c->fd, body, len);
	}
	free(head);
	free(body);
	conn_close(c);
}

/* Read what came; answer once the request's header is whole. */
static void conn_read(struct jd *d, struct jd_http_conn *c)
{
	ssize_t got;

	got = recv(c->fd, c->req + c->len, sizeof(c->req) - 1 - c->len,
		   MSG_DONTWAIT);
	if (got < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (got <= 0) {
		conn_close(c);	/* gone, or an error */
		return;
	}
	c->len += (size_t)got;
	c->req[c->len] = '\0';
	if (strstr(c->req, "\r\n\r\n") || strstr(c->req, "\n\n"))
		answer(d, c);
	else if (c->len == sizeof(c->req) - 1)
		conn_close(c);	/* no end of header in 4 KiB: not a scraper */
}

static void accept_one(struct jd_http *h, int fd)
{
	struct jd_http_conn *c = &h->c[0];
	int i;

	/* A free slot, else the oldest client's. */
	for (i = 0; i < JD_HTTP_CONNS; i++) {
		if (h->c[i].fd < 0) {
			c = &h->c[i];
			break;
		}
		if (h->c[i].since_ms < c->since_ms)
			c = &h->c[i];
	}
	conn_close(c);
	c->fd = fd;
	c->since_ms = jd_now_ms();
	c->len = 0;
}

void jd_http_serve(struct jd *d, const struct pollfd *pfd)
{
	struct jd_http *h = d->http;
	int i, fd;

	if (!h)
		return;
	/* Clients first: a slot taken by accept below was not polled. */
	for (i = 0; i < JD_HTTP_CONNS; i++)
		if (h->c[i].fd >= 0 && h->c[i].fd == pfd[1 + i].fd &&
		    pfd[1 + i].revents & (POLLIN | POLLHUP | POLLERR))
			conn_read(d, &h->c[i]);
	if (!(pfd[0].revents & POLLIN))
		return;
	for (i = 0; i < JD_HTTP_CONNS; i++) {
		fd = accept4(h->listen_fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			break;
		accept_one(h, fd);
	}
}
