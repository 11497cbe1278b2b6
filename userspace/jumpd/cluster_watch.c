// SPDX-License-Identifier: GPL-2.0
/* The watch lane: owner keys deleted without their record (cluster_watch.h). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cluster_watch.h"
#include "cluster_worker.h"
#include "etcd.h"
#include "thread.h"

/* After a break: 100 ms, doubled up to 2 s, back to 100 ms once it runs. */
#define BACKOFF_MIN_MS		100
#define BACKOFF_MAX_MS		2000
/* More than this many ids untaken: the main loop is not taking them. */
#define FOUND_MAX		65536

/* A delete of one leaf of one session, within one watch response. */
struct leaf_delete {
	uint32_t session;
	int64_t revision;
	bool owner;		/* else the record (state) */
};

struct jd_cwatch {
	struct etcd_client *etcd;	/* the thread's alone */
	char prefix[JD_CW_KEY_MAX];
	size_t prefix_len;
	int notify_fd;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;		/* CLOCK_MONOTONIC: the backoff */
	/* Set under lock; read unlocked by libcurl's progress callback. */
	volatile bool stop;
	/* Under lock. */
	uint32_t *found;
	size_t n_found, cap_found;
	bool running;
	int64_t next_shown;
	char error[JD_CW_ERROR_MAX];
	/* The thread's own. */
	int64_t next;			/* resume here; 0: from now on */
	struct leaf_delete *batch;
	size_t n_batch, cap_batch;
	long backoff_ms;
	bool lost;			/* error: what a compaction lost */
};

static void set_error(struct jd_cwatch *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_error(struct jd_cwatch *w, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&w->lock);
	va_start(ap, fmt);
	vsnprintf(w->error, sizeof(w->error), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&w->lock);
}

/*
 * "<prefix><8 hex>/owner" or ".../state": the session and which; -1 for
 * any other key under the prefix (not ours to judge).
 */
static int parse_key(const struct jd_cwatch *w, const char *key,
		     uint32_t *session, bool *owner)
{
	const char *p = key + w->prefix_len;
	uint32_t id = 0;
	int i;

	if (strncmp(key, w->prefix, w->prefix_len))
		return -1;
	for (i = 0; i < 8; i++) {
		char ch = p[i];

		if (ch >= '0' && ch <= '9')
			id = id << 4 | (uint32_t)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			id = id << 4 | (uint32_t)(ch - 'a' + 10);
		else
			return -1;
	}
	if (!strcmp(p + 8, "/owner"))
		*owner = true;
	else if (!strcmp(p + 8, "/state"))
		*owner = false;
	else
		return -1;
	*session = id;
	return 0;
}

static int batch_add(struct jd_cwatch *w, uint32_t session,
		     int64_t revision, bool owner)
{
	if (w->n_batch == w->cap_batch) {
		size_t cap = w->cap_batch ? w->cap_batch * 2 : 16;
		struct leaf_delete *grown;

		grown = realloc(w->batch, cap * sizeof(*grown));
		if (!grown)
			return -1;
		w->batch = grown;
		w->cap_batch = cap;
	}
	w->batch[w->n_batch++] = (struct leaf_delete){
		.session = session, .revision = revision, .owner = owner,
	};
	return 0;
}

/* The record deleted with the owner key, in the same txn: a release. */
static bool released(const struct jd_cwatch *w, const struct leaf_delete *o)
{
	for (size_t i = 0; i < w->n_batch; i++)
		if (!w->batch[i].owner && w->batch[i].session == o->session &&
		    w->batch[i].revision == o->revision)
			return true;
	return false;
}

/* One response's deletes judged: the orphans handed to the main loop. */
static void batch_end(struct jd_cwatch *w)
{
	const uint64_t one = 1;
	size_t i, queued = 0;
	ssize_t wrote;

	pthread_mutex_lock(&w->lock);
	for (i = 0; i < w->n_batch; i++) {
		if (!w->batch[i].owner || released(w, &w->batch[i]))
			continue;
		if (w->n_found == w->cap_found) {
			size_t cap = w->cap_found ? w->cap_found * 2 : 16;
			uint32_t *grown = NULL;

			if (cap <= FOUND_MAX)
				grown = realloc(w->found, cap * sizeof(*grown));
			if (!grown) {
				snprintf(w->error, sizeof(w->error),
					 "watch: %zu orphaned sessions not "
					 "taken; session %08" PRIx32 " dropped",
					 w->n_found, w->batch[i].session);
				continue;
			}
			w->found = grown;
			w->cap_found = cap;
		}
		w->found[w->n_found++] = w->batch[i].session;
		queued++;
	}
	pthread_mutex_unlock(&w->lock);
	w->n_batch = 0;
	if (queued) {
		wrote = write(w->notify_fd, &one, sizeof(one));
		(void)wrote;	/* as the lanes: at worst, the timer */
	}
}

static void advance(struct jd_cwatch *w, int64_t next)
{
	if (next <= w->next)
		return;
	w->next = next;
	pthread_mutex_lock(&w->lock);
	w->next_shown = next;
	pthread_mutex_unlock(&w->lock);
}

static int on_event(void *ctx, const struct etcd_watch_event *ev)
{
	struct jd_cwatch *w = ctx;
	uint32_t session;
	bool owner;

	switch (ev->kind) {
	case ETCD_WATCH_CREATED:
		/* From now on: the first revision after the store's. With
		 * a start given, the events from it are still to come. */
		if (!w->next)
			advance(w, ev->revision + 1);
		w->backoff_ms = BACKOFF_MIN_MS;
		pthread_mutex_lock(&w->lock);
		w->running = true;
		w->error[0] = '\0';
		pthread_mutex_unlock(&w->lock);
		break;
	case ETCD_WATCH_DELETE:
		if (!parse_key(w, ev->key, &session, &owner) &&
		    batch_add(w, session, ev->revision, owner))
			set_error(w, "watch: out of memory; the delete of %s "
				  "not judged", ev->key);
		break;
	case ETCD_WATCH_BATCH_END:
		/* etcd sends a revision's events in one response, so a
		 * release's two deletes are both here. */
		batch_end(w);
		advance(w, ev->revision + 1);
		break;
	case ETCD_WATCH_PROGRESS:
		advance(w, ev->revision + 1);
		break;
	case ETCD_WATCH_CANCELED:
		/* History lost: what was deleted before it is unknown
		 * here. Takeovers still start from the client's REATTACH. */
		if (ev->revision > w->next) {
			set_error(w, "watch: etcd compacted its history to "
				  "revision %" PRId64 "; deletes from %" PRId64
				  " not seen", ev->revision, w->next);
			advance(w, ev->revision);
			w->lost = true;
		}
		break;
	}
	return 0;
}

/* Sleep the backoff, or less if stopped. */
static void backoff(struct jd_cwatch *w)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += w->backoff_ms / 1000;
	until.tv_nsec += (w->backoff_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&w->lock);
	while (!w->stop &&
	       pthread_cond_timedwait(&w->wake, &w->lock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&w->lock);
	w->backoff_ms *= 2;
	if (w->backoff_ms > BACKOFF_MAX_MS)
		w->backoff_ms = BACKOFF_MAX_MS;
}

static void *watch_main(void *arg)
{
	struct jd_cwatch *w = arg;
	int ret;

	w->backoff_ms = BACKOFF_MIN_MS;
	while (!w->stop) {
		w->n_batch = 0;	/* half a broken response: not judged */
		ret = etcd_watch(w->etcd, w->prefix, w->next, on_event, w,
				 &w->stop);
		pthread_mutex_lock(&w->lock);
		w->running = false;
		if (ret != ETCD_OK && !w->stop && !w->lost)
			snprintf(w->error, sizeof(w->error), "%s",
				 etcd_client_error(w->etcd));
		w->lost = false;
		pthread_mutex_unlock(&w->lock);
		if (!w->stop)
			backoff(w);
	}
	return NULL;
}

struct jd_cwatch *jd_cwatch_new(const char *const *endpoints, size_t n,
				long connect_ms, const char *prefix,
				int notify_fd, char *err, size_t errlen)
{
	pthread_condattr_t attr;
	struct jd_cwatch *w;
	int ret;

	if (strlen(prefix) >= JD_CW_KEY_MAX) {
		snprintf(err, errlen, "watch prefix too long");
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	strcpy(w->prefix, prefix);
	w->prefix_len = strlen(prefix);
	w->notify_fd = notify_fd;
	/* The request timeout is lifted for the watch; connects keep it. */
	w->etcd = etcd_client_new(endpoints, n, connect_ms, connect_ms, err,
				  errlen);
	if (!w->etcd) {
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->wake, &attr);
	pthread_condattr_destroy(&attr);
	ret = jd_thread_start_quiet(&w->thread, watch_main, w);
	if (ret) {
		snprintf(err, errlen, "etcd watch thread: %s", strerror(ret));
		etcd_client_free(w->etcd);
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return NULL;
	}
	return w;
}

size_t jd_cwatch_take(struct jd_cwatch *w, uint32_t *ids, size_t max)
{
	size_t n;

	pthread_mutex_lock(&w->lock);
	n = w->n_found < max ? w->n_found : max;
	memcpy(ids, w->found, n * sizeof(*ids));
	memmove(w->found, w->found + n, (w->n_found - n) * sizeof(*ids));
	w->n_found -= n;
	pthread_mutex_unlock(&w->lock);
	return n;
}

bool jd_cwatch_running(struct jd_cwatch *w)
{
	bool running;

	pthread_mutex_lock(&w->lock);
	running = w->running;
	pthread_mutex_unlock(&w->lock);
	return running;
}

int64_t jd_cwatch_next_revision(struct jd_cwatch *w)
{
	int64_t next;

	pthread_mutex_lock(&w->lock);
	next = w->next_shown;
	pthread_mutex_unlock(&w->lock);
	return next;
}

void jd_cwatch_error(struct jd_cwatch *w, char *buf, size_t len)
{
	pthread_mutex_lock(&w->lock);
	snprintf(buf, len, "%s", w->error);
	pthread_mutex_unlock(&w->lock);
}

void jd_cwatch_free(struct jd_cwatch *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	etcd_client_free(w->etcd);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w->found);
	free(w->batch);
	free(w);
}
