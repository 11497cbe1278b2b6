// SPDX-License-Identifier: GPL-2.0
/*
 * The etcd client's watch (etcd.h): one POST to /v3/watch whose answer
 * is a stream that lasts as long as the watch. It runs on the client's
 * handle with the request timeout lifted (a watch is idle while nothing
 * happens) and a progress callback that ends it when the caller says so.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "etcd_internal.h"

/* TCP keepalives on the idle stream: a peer that vanished is noticed. */
#define ETCD_WATCH_KEEPIDLE_S	10
#define ETCD_WATCH_KEEPINTVL_S	5

struct watch_run {
	struct etcd_client *c;
	struct etcd_watch_parser *p;
	etcd_watch_fn on_event;
	void *ctx;
	volatile const bool *stop;
	long status;		/* the HTTP status, once the body starts */
	int fed;		/* etcd_watch_feed's last nonzero return */
	bool caller_ended;	/* on_event returned nonzero */
	int64_t compacted;	/* CANCELED: etcd's compact revision */
	char why[256];
};

static int relay(void *arg, const struct etcd_watch_event *ev)
{
	struct watch_run *w = arg;
	int ret;

	if (ev->kind == ETCD_WATCH_CANCELED)
		w->compacted = ev->revision;
	ret = w->on_event(w->ctx, ev);
	if (ret)
		w->caller_ended = true;
	return ret;
}

static size_t watch_write(char *data, size_t size, size_t n, void *arg)
{
	struct watch_run *w = arg;
	size_t len = size * n;

	if (!w->status)
		curl_easy_getinfo(w->c->curl, CURLINFO_RESPONSE_CODE,
				  &w->status);
	/* An error answer is one small body, read as any request's. */
	if (w->status != 200)
		return etcd_collect(data, size, n, w->c);
	w->fed = etcd_watch_feed(w->p, data, len, relay, w, w->why,
				 sizeof(w->why));
	return w->fed ? 0 : len;	/* 0: curl ends the transfer */
}

/* Called about once a second even on an idle stream: the stop's check. */
static int watch_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
			  curl_off_t ultotal, curl_off_t ulnow)
{
	struct watch_run *w = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return *w->stop ? 1 : 0;
}

static void watch_options(struct etcd_client *c, struct watch_run *w)
{
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, w ? 0L : c->request_ms);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION,
			 w ? watch_write : etcd_collect);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, w ? (void *)w : c);
	curl_easy_setopt(c->curl, CURLOPT_XFERINFOFUNCTION,
			 w ? watch_progress : NULL);
	curl_easy_setopt(c->curl, CURLOPT_XFERINFODATA, w);
	curl_easy_setopt(c->curl, CURLOPT_NOPROGRESS, w ? 0L : 1L);
	curl_easy_setopt(c->curl, CURLOPT_TCP_KEEPIDLE,
			 w ? (long)ETCD_WATCH_KEEPIDLE_S : 60L);
	curl_easy_setopt(c->curl, CURLOPT_TCP_KEEPINTVL,
			 w ? (long)ETCD_WATCH_KEEPINTVL_S : 60L);
}

/* One watch on one endpoint; true if the request may have reached it. */
static bool watch_one(struct etcd_client *c, struct watch_run *w,
		      const char *ep, const char *body, CURLcode *res)
{
	w->status = 0;
	w->fed = 0;
	w->why[0] = 0;
	return etcd_post_one(c, ep, "/v3/watch", body, res);
}

/* What became of a watch that reached an endpoint (at). */
static int watch_ended(struct etcd_client *c, struct watch_run *w,
		       size_t at, CURLcode res)
{
	const char *ep = c->endpoints[at];
	char msg[512];

	if (*w->stop || w->caller_ended)
		return ETCD_OK;
	if (w->fed == 1) {
		snprintf(c->err, sizeof(c->err), "etcd %s/v3/watch: watch "
			 "cancelled (compacted at revision %" PRId64 ")", ep,
			 w->compacted);
		return ETCD_REFUSED;
	}
	/* The next watch starts at the next endpoint, as after a request
	 * that got no answer. */
	c->current = (at + 1) % c->n_endpoints;
	if (w->fed < 0) {
		snprintf(c->err, sizeof(c->err), "etcd %s/v3/watch: %s", ep,
			 w->why);
		return ETCD_MALFORMED;
	}
	if (res == CURLE_OK && w->status && w->status != 200) {
		c->code = etcd_parse_error(c->resp, msg, sizeof(msg));
		snprintf(c->err, sizeof(c->err),
			 "etcd %s/v3/watch: HTTP %ld: %s", ep, w->status,
			 msg[0] ? msg : "no error message");
		return ETCD_REFUSED;
	}
	snprintf(c->err, sizeof(c->err), "etcd %s/v3/watch: %s", ep,
		 res == CURLE_OK ? "the stream ended" :
		 c->curl_err[0] ? c->curl_err : curl_easy_strerror(res));
	return ETCD_UNREACHABLE;
}

int etcd_watch(struct etcd_client *c, const char *prefix,
	       int64_t start_revision, etcd_watch_fn on_event, void *ctx,
	       volatile const bool *stop)
{
	struct watch_run w = {
		.c = c, .on_event = on_event, .ctx = ctx, .stop = stop,
	};
	char *body = etcd_body_watch(prefix, start_revision);
	size_t tried, at = c->current, used = 0;
	bool reached = false;
	CURLcode res = CURLE_OK;
	int ret;

	c->code = -1;
	c->err[0] = 0;
	if (!body) {
		snprintf(c->err, sizeof(c->err), "etcd /v3/watch: out of "
			 "memory");
		return ETCD_UNREACHABLE;
	}
	watch_options(c, &w);
	for (tried = 0; tried < c->n_endpoints && !reached && !*stop;
	     tried++) {
		at = (c->current + tried) % c->n_endpoints;
		/* A fresh parser per stream: a new watch starts clean. */
		etcd_watch_parser_free(w.p);
		w.p = etcd_watch_parser_new();
		if (!w.p)
			break;
		reached = watch_one(c, &w, c->endpoints[at], body, &res);
		if (!reached && res != CURLE_OK)
			used += (size_t)snprintf(c->err + used,
				sizeof(c->err) - used, "%setcd %s/v3/watch: %s",
				used ? "; " : "", c->endpoints[at],
				c->curl_err[0] ? c->curl_err :
				curl_easy_strerror(res));
		if (used >= sizeof(c->err))
			used = sizeof(c->err) - 1;
	}
	watch_options(c, NULL);
	free(body);
	if (reached) {
		ret = watch_ended(c, &w, at, res);
	} else if (*stop) {
		ret = ETCD_OK;
	} else {
		if (!w.p)
			snprintf(c->err, sizeof(c->err), "etcd /v3/watch: out "
				 "of memory");
		c->current = (at + 1) % c->n_endpoints;
		ret = ETCD_UNREACHABLE;
	}
	etcd_watch_parser_free(w.p);
	return ret;
}
