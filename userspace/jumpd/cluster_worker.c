// SPDX-License-Identifier: GPL-2.0
/* The thread that runs etcd requests for the main loop (cluster_worker.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cluster_worker.h"
#include "etcd.h"
#include "thread.h"

/* A FIFO of jobs: head out, tail in. */
struct job_list {
	struct jd_cw_job *head, *tail;
};

struct jd_cw {
	struct etcd_client *etcd;	/* the thread's alone */
	int notify_fd;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct job_list queued, done;	/* under lock */
	bool stop;			/* under lock */
};

static void list_push(struct job_list *l, struct jd_cw_job *j)
{
	j->next = NULL;
	if (l->tail)
		l->tail->next = j;
	else
		l->head = j;
	l->tail = j;
}

static struct jd_cw_job *list_pop(struct job_list *l)
{
	struct jd_cw_job *j = l->head;

	if (j) {
		l->head = j->next;
		if (!l->head)
			l->tail = NULL;
		j->next = NULL;
	}
	return j;
}

static void list_free(struct jd_cw_job *j)
{
	struct jd_cw_job *next;

	for (; j; j = next) {
		next = j->next;
		jd_cw_job_free(j);
	}
}

struct jd_cw_job *jd_cw_job_new(enum jd_cw_kind kind, const char *key,
				const char *guard, const void *value,
				size_t len)
{
	struct jd_cw_job *j;

	if ((key && strlen(key) >= JD_CW_KEY_MAX) ||
	    (guard && strlen(guard) >= JD_CW_KEY_MAX))
		return NULL;
	j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->kind = kind;
	if (key)
		strcpy(j->key, key);
	if (guard)
		strcpy(j->guard, guard);
	if (len) {
		j->value = malloc(len);
		if (!j->value) {
			free(j);
			return NULL;
		}
		memcpy(j->value, value, len);
		j->value_len = len;
	}
	return j;
}

void jd_cw_job_free(struct jd_cw_job *j)
{
	if (!j)
		return;
	free(j->value);
	free(j->holder);
	free(j->found);
	free(j);
}

/* A lost create's holder: its value, kept for the caller to open. */
static void keep_holder(struct jd_cw_job *j, struct etcd_kvs *holder)
{
	if (holder->n == 1 && holder->kv[0].value_len) {
		j->holder = malloc(holder->kv[0].value_len);
		if (j->holder) {
			memcpy(j->holder, holder->kv[0].value,
			       holder->kv[0].value_len);
			j->holder_len = holder->kv[0].value_len;
		}
	}
	etcd_kvs_free(holder);
}

/* The last leaf of a key: "owner" of ".../sessions/<id>/owner". */
static const char *leaf(const char *key)
{
	const char *slash = strrchr(key, '/');

	return slash ? slash + 1 : key;
}

static uint8_t *copy_value(const struct etcd_kv *kv, size_t *len)
{
	uint8_t *v = malloc(kv->value_len ? kv->value_len : 1);

	if (v) {
		memcpy(v, kv->value, kv->value_len);
		*len = kv->value_len;
	}
	return v;
}

/*
 * A session's owner and state in one range of its prefix: one revision,
 * so the owner seen absent and the state read are of the same moment.
 * Anything else under the prefix is not ours to read, and is ignored.
 */
static void read_session(struct etcd_client *c, struct jd_cw_job *j)
{
	struct etcd_kvs kvs;
	size_t i;

	j->status = etcd_get(c, j->key, true, &kvs);
	if (j->status != ETCD_OK)
		return;
	for (i = 0; i < kvs.n; i++) {
		const char *name = leaf(kvs.kv[i].key);

		if (!strcmp(name, "owner") && !j->done) {
			j->done = true;
			if (kvs.kv[i].value_len)
				j->holder = copy_value(&kvs.kv[i],
						       &j->holder_len);
		} else if (!strcmp(name, "state") && !j->found) {
			j->found = copy_value(&kvs.kv[i], &j->found_len);
			if (!j->found) {
				j->status = ETCD_MALFORMED;
				snprintf(j->error, sizeof(j->error),
					 "out of memory");
			}
		}
	}
	etcd_kvs_free(&kvs);
}

static void run_job(struct etcd_client *c, struct jd_cw_job *j)
{
	struct etcd_kvs holder;

	switch (j->kind) {
	case JD_CW_GRANT:
		j->status = etcd_lease_grant(c, j->ttl_s, &j->out_lease,
					     &j->out_ttl);
		break;
	case JD_CW_KEEPALIVE:
		j->status = etcd_lease_keepalive(c, j->lease, &j->out_ttl);
		break;
	case JD_CW_PUT:
		j->status = etcd_put(c, j->key, j->value, j->value_len,
				     j->lease);
		j->done = j->status == ETCD_OK;
		break;
	case JD_CW_CREATE:
		j->status = etcd_create(c, j->key, j->value, j->value_len,
					j->lease, &j->done, &holder);
		if (j->status == ETCD_OK && !j->done)
			keep_holder(j, &holder);
		break;
	case JD_CW_PUT_IF_LEASE:
		j->status = etcd_put_if_lease(c, j->guard, j->lease, j->key,
					      j->value, j->value_len,
					      &j->done);
		break;
	case JD_CW_DELETE_IF_LEASE:
		j->status = etcd_delete_if_lease(c, j->guard, j->lease, j->key,
						 &j->done);
		break;
	case JD_CW_READ_SESSION:
		read_session(c, j);
		break;
	default:
		j->status = ETCD_MALFORMED;
		snprintf(j->error, sizeof(j->error), "unknown job %d",
			 (int)j->kind);
		return;
	}
	if (j->status != ETCD_OK) {
		j->done = false;
		j->code = etcd_client_code(c);
		/* Unless the job said why itself (out of memory). */
		if (!*j->error)
			snprintf(j->error, sizeof(j->error), "%s",
				 etcd_client_error(c));
	}
}

static void *worker_main(void *arg)
{
	struct jd_cw *w = arg;
	const uint64_t one = 1;
	struct jd_cw_job *j;
	ssize_t wrote;

	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		j = list_pop(&w->queued);
		if (!j) {
			pthread_cond_wait(&w->wake, &w->lock);
			continue;
		}
		pthread_mutex_unlock(&w->lock);
		run_job(w->etcd, j);
		pthread_mutex_lock(&w->lock);
		list_push(&w->done, j);
		/* A full eventfd counter (2^64 - 2) cannot happen here; a
		 * failed write only delays the main loop to its timer. */
		wrote = write(w->notify_fd, &one, sizeof(one));
		(void)wrote;
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct jd_cw *jd_cw_new(const char *const *endpoints, size_t n,
			long request_ms, long connect_ms, int notify_fd,
			char *err, size_t errlen)
{
	struct jd_cw *w;
	int ret;

	w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* Made here, on the caller's thread: libcurl's global set-up is
	 * not for two threads at once. */
	w->etcd = etcd_client_new(endpoints, n, request_ms, connect_ms, err,
				  errlen);
	if (!w->etcd) {
		free(w);
		return NULL;
	}
	w->notify_fd = notify_fd;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	ret = jd_thread_start_quiet(&w->thread, worker_main, w);
	if (ret) {
		snprintf(err, errlen, "etcd worker thread: %s", strerror(ret));
		etcd_client_free(w->etcd);
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return NULL;
	}
	return w;
}

/*
 * A guarded write (a record: the whole of it each time) replaces one of
 * the same key still queued, if nothing else of that key is queued after
 * it: etcd needs the newest only, and whoever waits for the older
 * version (a CHALLENGE held for its floor) is served by the newer one,
 * one etcd round trip sooner for every write skipped. Looked for in a
 * short queue only: a long one is etcd's backlog, not worth a walk.
 */
#define COALESCE_QUEUE_MAX	256

static bool replace_queued(struct jd_cw *w, struct jd_cw_job *j)
{
	struct jd_cw_job *q, *last = NULL, swap;
	unsigned int n = 0;

	if (j->kind != JD_CW_PUT_IF_LEASE)
		return false;
	for (q = w->queued.head; q; q = q->next) {
		if (++n > COALESCE_QUEUE_MAX)
			return false;
		if (!strcmp(q->key, j->key))
			last = q;
	}
	if (!last || last->kind != JD_CW_PUT_IF_LEASE ||
	    strcmp(last->guard, j->guard) || last->lease != j->lease)
		return false;
	/* The queued job takes the new value; j leaves with the old. */
	swap = *last;
	last->value = j->value;
	last->value_len = j->value_len;
	last->version = j->version;
	last->sent_at = j->sent_at;
	j->value = swap.value;
	j->value_len = swap.value_len;
	return true;
}

void jd_cw_submit(struct jd_cw *w, struct jd_cw_job *j)
{
	bool replaced;

	pthread_mutex_lock(&w->lock);
	replaced = replace_queued(w, j);
	if (!replaced)
		list_push(&w->queued, j);
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	if (replaced)
		jd_cw_job_free(j);
}

struct jd_cw_job *jd_cw_take_done(struct jd_cw *w)
{
	struct jd_cw_job *head;

	pthread_mutex_lock(&w->lock);
	head = w->done.head;
	w->done.head = w->done.tail = NULL;
	pthread_mutex_unlock(&w->lock);
	return head;
}

void jd_cw_free(struct jd_cw *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	list_free(w->queued.head);
	list_free(w->done.head);
	etcd_client_free(w->etcd);
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
