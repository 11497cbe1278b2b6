// SPDX-License-Identifier: GPL-2.0
/*
 * The cluster runtime of one gateway (cluster.h): the lease from grant to
 * loss, the node key, the workers' results and the run of the main loop.
 * The sessions' owner keys and records are cluster_records.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sodium.h>
#include "cluster_internal.h"
#include "etcd.h"

int jd_cluster_node_key(char *buf, size_t len, const char *cluster,
			const char *node)
{
	int n = snprintf(buf, len, "/jumping/%s/nodes/%s", cluster, node);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int check_settings(const struct jd_cluster_settings *s, char *err,
			  size_t errlen)
{
	struct jd_lease probe;
	const char *why;

	if (!s->n_endpoints || s->n_endpoints > JP_CONF_MAX_ETCD) {
		snprintf(err, errlen, "cluster: 1 to %d etcd endpoints wanted",
			 JP_CONF_MAX_ETCD);
		return -1;
	}
	why = jp_conf_cluster_name_check(s->cluster ? s->cluster : "");
	if (why) {
		snprintf(err, errlen, "cluster name '%s': %s",
			 s->cluster ? s->cluster : "", why);
		return -1;
	}
	why = jp_conf_cluster_name_check(s->node ? s->node : "");
	if (why) {
		snprintf(err, errlen, "node name '%s': %s",
			 s->node ? s->node : "", why);
		return -1;
	}
	/* etcd grants whole seconds; [Cluster]'s LeaseTTL says the same. */
	if (s->ttl_ms < JP_CONF_LEASE_TTL_MIN_MS ||
	    s->ttl_ms > JP_CONF_LEASE_TTL_MAX_MS || s->ttl_ms % 1000) {
		snprintf(err, errlen, "lease TTL %" PRId64 " ms: whole seconds "
			 "from 2 s to 1 h wanted", s->ttl_ms);
		return -1;
	}
	/* The lease clock's own rules for the margin, before any request. */
	return jd_lease_init(&probe, 0, s->ttl_ms, s->margin_ms, err, errlen);
}

/* The watch lane, on every session key of the cluster (cluster_watch.h). */
static int start_watch(struct jd_cluster *c,
		       const struct jd_cluster_settings *s, long connect_ms,
		       char *err, size_t errlen)
{
	char prefix[JD_CW_KEY_MAX];
	int n = snprintf(prefix, sizeof(prefix), "/jumping/%s/sessions/",
			 c->cluster);

	if (n < 0 || (size_t)n >= sizeof(prefix)) {
		snprintf(err, errlen, "cluster name too long to watch");
		return -1;
	}
	c->watch_lane = jd_cwatch_new(s->endpoints, s->n_endpoints,
				      connect_ms, prefix, c->efd, err, errlen);
	return c->watch_lane ? 0 : -1;
}

struct jd_cluster *jd_cluster_new(const struct jd_cluster_settings *s,
				  const struct jd_cluster_hooks *hooks,
				  char *err, size_t errlen)
{
	struct jd_cluster *c;
	long request_ms, connect_ms;

	if (check_settings(s, err, errlen))
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	strcpy(c->cluster, s->cluster);
	strcpy(c->node, s->node);
	memcpy(c->key, s->key, sizeof(c->key));
	c->ttl_ms = s->ttl_ms;
	c->margin_ms = s->margin_ms;
	c->hooks = *hooks;
	c->state = JD_CLUSTER_STARTING;
	c->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->efd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		free(c);
		return NULL;
	}
	/*
	 * A renewal that takes longer than an interval is worth less than
	 * a fresh one: it ends, and the next goes (to the next endpoint if
	 * this one did not answer). Record writes wait up to a TTL: they
	 * delay nothing but each other.
	 */
	request_ms = (long)interval_ms(c);
	connect_ms = request_ms / 2;
	c->lease_lane = jd_cw_new(s->endpoints, s->n_endpoints, request_ms,
				  connect_ms, c->efd, err, errlen);
	if (c->lease_lane)
		c->record_lane = jd_cw_new(s->endpoints, s->n_endpoints,
					   (long)c->ttl_ms, connect_ms, c->efd,
					   err, errlen);
	if (!c->record_lane) {
		jd_cluster_free(c);
		return NULL;
	}
	if (hooks->orphaned && start_watch(c, s, connect_ms, err, errlen)) {
		jd_cluster_free(c);
		return NULL;
	}
	return c;
}

void jd_cluster_free(struct jd_cluster *c)
{
	if (!c)
		return;
	jd_cwatch_free(c->watch_lane);
	jd_cw_free(c->lease_lane);
	jd_cw_free(c->record_lane);
	if (c->efd >= 0)
		close(c->efd);
	free(c->versions);
	sodium_memzero(c, sizeof(*c));
	free(c);
}

int jd_cluster_fd(const struct jd_cluster *c)
{
	return c->efd;
}

enum jd_cluster_state jd_cluster_state(const struct jd_cluster *c)
{
	return c->state;
}

const char *jd_cluster_state_name(enum jd_cluster_state s)
{
	switch (s) {
	case JD_CLUSTER_STARTING:
		return "starting";
	case JD_CLUSTER_SERVING:
		return "serving";
	case JD_CLUSTER_FENCED:
		return "fenced";
	}
	return "?";
}

int64_t jd_cluster_lease_id(const struct jd_cluster *c)
{
	return c->have_lease ? c->lease_id : 0;
}

const struct jd_lease *jd_cluster_lease(const struct jd_cluster *c)
{
	return c->have_lease ? &c->lease : NULL;
}

const char *jd_cluster_lease_error(const struct jd_cluster *c)
{
	return c->lease_error;
}

bool jd_cluster_watching(const struct jd_cluster *c)
{
	return c->watch_lane && jd_cwatch_running(c->watch_lane);
}

void jd_cluster_watch_error(const struct jd_cluster *c, char *buf,
			    size_t len)
{
	if (c->watch_lane)
		jd_cwatch_error(c->watch_lane, buf, len);
	else if (len)
		buf[0] = '\0';
}

/* --- requests ------------------------------------------------------- */

static void send_grant(struct jd_cluster *c, int64_t now)
{
	struct jd_cw_job *j = jd_cw_job_new(JD_CW_GRANT, NULL, NULL, NULL, 0);

	if (!j) {
		c->next_grant_at = now + interval_ms(c);
		return;
	}
	j->ttl_s = c->ttl_ms / 1000;
	j->sent_at = now;
	c->grant_in_flight = true;
	jd_cw_submit(c->lease_lane, j);
}

static void send_keepalive(struct jd_cluster *c, int64_t now)
{
	struct jd_cw_job *j = jd_cw_job_new(JD_CW_KEEPALIVE, NULL, NULL,
					    NULL, 0);

	/* No memory: tried again at the next run; the clock fences if
	 * that goes on, which is what it is for. */
	if (!j || jd_lease_keepalive_sent(&c->lease, now) != JD_LEASE_TAKEN) {
		jd_cw_job_free(j);
		return;
	}
	j->lease = c->lease_id;
	j->sent_at = now;
	c->keepalive_in_flight = true;
	jd_cw_submit(c->lease_lane, j);
}

/* The node key: who is alive, under its lease (docs/cluster.md). */
static void send_node(struct jd_cluster *c, int64_t now)
{
	char key[JD_CW_KEY_MAX], plain[160];
	struct jd_cw_job *j;
	int n;

	c->next_node_at = now + interval_ms(c);
	if (jd_cluster_node_key(key, sizeof(key), c->cluster, c->node))
		return;
	n = snprintf(plain, sizeof(plain), "node=%s lease=%" PRIx64
		     " granted_at=%" PRId64, c->node, (uint64_t)c->lease_id,
		     c->lease.granted_at);
	j = jd_cluster_sealed_job(c, JD_CW_PUT, key, NULL, plain, (size_t)n,
				  c->node_writes + 1);
	if (!j)
		return;
	c->node_writes++;
	j->lease = c->lease_id;
	c->node_in_flight = true;
	jd_cw_submit(c->record_lane, j);
}

/* --- results -------------------------------------------------------- */

static void lease_failed(struct jd_cluster *c, const struct jd_cw_job *j,
			 const char *what)
{
	if (j->status != ETCD_OK)
		snprintf(c->lease_error, sizeof(c->lease_error), "%s: %s",
			 what, j->error);
	else
		snprintf(c->lease_error, sizeof(c->lease_error),
			 "%s: etcd granted no TTL", what);
}

static void grant_done(struct jd_cluster *c, struct jd_cw_job *j)
{
	char err[200];

	c->grant_in_flight = false;
	/* The TTL etcd answered, which may be above the one asked for. */
	if (j->status != ETCD_OK || j->out_ttl <= 0 ||
	    j->out_ttl > JD_LEASE_TTL_MAX_S) {
		lease_failed(c, j, "lease grant");
		c->next_grant_at = j->sent_at + interval_ms(c);
		return;
	}
	if (jd_lease_init(&c->lease, j->sent_at, j->out_ttl * 1000,
			  c->margin_ms, err, sizeof(err))) {
		snprintf(c->lease_error, sizeof(c->lease_error),
			 "lease grant: %s", err);
		c->next_grant_at = j->sent_at + interval_ms(c);
		return;
	}
	c->have_lease = true;
	c->lease_id = j->out_lease;
	c->lease_error[0] = '\0';
	c->node_registered = false;
	c->next_node_at = 0;
}

static void keepalive_done(struct jd_cluster *c, struct jd_cw_job *j)
{
	c->keepalive_in_flight = false;
	/* An answer about a lease replaced since is about nothing here. */
	if (!c->have_lease || j->lease != c->lease_id)
		return;
	if (j->status == ETCD_OK) {
		jd_lease_keepalive_answered(&c->lease, j->sent_at, j->out_ttl);
		if (j->out_ttl == 0)
			snprintf(c->lease_error, sizeof(c->lease_error),
				 "keepalive: etcd says lease %" PRIx64
				 " is gone", (uint64_t)j->lease);
	} else {
		jd_lease_keepalive_failed(&c->lease, j->sent_at);
		lease_failed(c, j, "keepalive");
	}
}

static void node_done(struct jd_cluster *c, struct jd_cw_job *j)
{
	c->node_in_flight = false;
	if (c->have_lease && j->lease == c->lease_id && j->done)
		c->node_registered = true;
}

static void take_results(struct jd_cluster *c, struct jd_cw *lane)
{
	struct jd_cw_job *j, *next;

	for (j = jd_cw_take_done(lane); j; j = next) {
		next = j->next;
		switch (j->kind) {
		case JD_CW_GRANT:
			grant_done(c, j);
			break;
		case JD_CW_KEEPALIVE:
			keepalive_done(c, j);
			break;
		case JD_CW_PUT:
			node_done(c, j);
			break;
		case JD_CW_CREATE:
			jd_cluster_create_done(c, j);
			break;
		case JD_CW_PUT_IF_LEASE:
			jd_cluster_write_done(c, j);
			break;
		case JD_CW_DELETE_IF_LEASE:
			jd_cluster_release_done(c, j);
			break;
		case JD_CW_READ_SESSION:
			jd_cluster_lookup_done(c, j);
			break;
		}
		jd_cw_job_free(j);
	}
}

/*
 * The orphaned sessions the watch found, to the hook, in the order found,
 * as long as it has room: the rest wait in the watch's list (bounded
 * there), the one it refused held here.
 */
static void take_orphans(struct jd_cluster *c)
{
	if (!c->watch_lane)
		return;
	for (;;) {
		if (!c->has_held_orphan) {
			if (!jd_cwatch_take(c->watch_lane, &c->held_orphan, 1))
				return;
			c->has_held_orphan = true;
		}
		if (!c->hooks.orphaned(c->hooks.ctx, c->held_orphan))
			return;
		c->has_held_orphan = false;
	}
}

/* The clock at now, against what the hooks were last told. */
static void follow_lease(struct jd_cluster *c, int64_t now)
{
	enum jd_cluster_state was;

	if (!c->have_lease)
		return;
	switch (jd_lease_state(&c->lease, now)) {
	case JD_LEASE_LOST:
		c->have_lease = false;
		c->lease_id = 0;
		c->state = JD_CLUSTER_STARTING;
		c->next_grant_at = now;
		if (c->hooks.serving)
			c->hooks.serving(c->hooks.ctx, false,
					 JUMPING_REASON_LEASE_LOST);
		break;
	case JD_LEASE_FENCED:
		/* From STARTING too (a grant answered too late to serve):
		 * nothing was served, so nothing to stop. The state first:
		 * the hook must see this gateway as not serving. */
		was = c->state;
		c->state = JD_CLUSTER_FENCED;
		if (was == JD_CLUSTER_SERVING && c->hooks.serving)
			c->hooks.serving(c->hooks.ctx, false,
					 JUMPING_REASON_FENCED);
		break;
	case JD_LEASE_SERVING:
		if (c->state != JD_CLUSTER_SERVING) {
			c->state = JD_CLUSTER_SERVING;
			if (c->hooks.serving)
				c->hooks.serving(c->hooks.ctx, true,
						 JUMPING_REASON_NONE);
		}
		break;
	}
}

static int64_t earlier(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

int64_t jd_cluster_run(struct jd_cluster *c, int64_t now)
{
	int64_t next = now + interval_ms(c);
	uint64_t count;

	/* Reset before taking: a job finished after this is seen later. */
	if (read(c->efd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		snprintf(c->lease_error, sizeof(c->lease_error),
			 "eventfd: %s", strerror(errno));
	take_results(c, c->lease_lane);
	take_results(c, c->record_lane);
	take_orphans(c);
	if (c->has_held_orphan)
		next = now + JD_CLUSTER_ORPHAN_RETRY_MS;
	follow_lease(c, now);

	if (!c->have_lease) {
		if (!c->grant_in_flight && now >= c->next_grant_at)
			send_grant(c, now);
		if (!c->grant_in_flight)
			next = earlier(next, c->next_grant_at);
		return next > now ? next : now + 1;
	}
	if (!c->keepalive_in_flight &&
	    jd_lease_next_keepalive(&c->lease, now) <= now)
		send_keepalive(c, now);
	if (c->state == JD_CLUSTER_SERVING && !c->node_registered &&
	    !c->node_in_flight && now >= c->next_node_at)
		send_node(c, now);
	if (!c->keepalive_in_flight)
		next = earlier(next, jd_lease_next_keepalive(&c->lease, now));
	if (c->state == JD_CLUSTER_SERVING)
		next = earlier(next, jd_lease_serve_until(&c->lease));
	return next > now ? next : now + 1;
}
