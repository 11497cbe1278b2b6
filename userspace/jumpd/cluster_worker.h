/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One thread that runs etcd requests for jumpd's main loop (cluster.h):
 * jobs go in a FIFO, are run one at a time on the thread's own etcd
 * client, and come back finished, in order, with a write to an eventfd
 * the main loop polls.
 *
 * Why a thread: the etcd client (etcd.h) is synchronous, and a request
 * takes up to its timeout per endpoint. On jumpd's main loop that would
 * stall handshakes, REATTACH answers and the mover behind a slow etcd,
 * which is exactly when a gateway must keep answering its clients.
 * libcurl's multi interface would avoid the thread but not the rest of
 * the synchronous client (its failover, its error handling), and a
 * helper process would need a protocol of its own to pass jobs. A thread
 * shares the client as it is: it owns its etcd client, and the main loop
 * never touches it.
 *
 * The thread reads no clock and keeps no state between jobs: the caller
 * stamps each job with its own clock (the lease's send times) and
 * decides what a result means.
 */
#ifndef JUMPD_CLUSTER_WORKER_H
#define JUMPD_CLUSTER_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "/jumping/<cluster 63>/sessions/<8 hex>/owner" and the like. */
#define JD_CW_KEY_MAX		160
#define JD_CW_ERROR_MAX		320

enum jd_cw_kind {
	JD_CW_GRANT,		/* ttl_s -> out_lease, out_ttl */
	JD_CW_KEEPALIVE,	/* lease -> out_ttl (0: the lease is gone) */
	JD_CW_PUT,		/* key = value, under lease (0: none) */
	JD_CW_CREATE,		/* key = value under lease if absent ->
				 * done; else holder (its value) */
	JD_CW_PUT_IF_LEASE,	/* key = value if guard is under lease
				 * -> done */
	JD_CW_DELETE_IF_LEASE,	/* key and guard deleted if guard is under
				 * lease -> done */
	JD_CW_READ_SESSION,	/* the keys under the prefix key (a
				 * session's owner and state, read at one
				 * revision) -> done: the owner leaf
				 * exists, holder: its value; found: the
				 * state leaf's value, or NULL */
};

struct jd_cw_job {
	struct jd_cw_job *next;
	enum jd_cw_kind kind;
	/* What to do. */
	int64_t lease;
	int64_t ttl_s;
	char key[JD_CW_KEY_MAX];
	char guard[JD_CW_KEY_MAX];
	uint8_t *value;			/* owned by the job */
	size_t value_len;
	/* The caller's tags, given back untouched. */
	int64_t sent_at;		/* the caller's clock when queued */
	uint32_t session;
	uint64_t version;
	/* What happened: status an enum etcd_status; error if not ETCD_OK. */
	int status;
	int code;			/* etcd_client_code on ETCD_REFUSED */
	char error[JD_CW_ERROR_MAX];
	int64_t out_lease, out_ttl;
	bool done;			/* created / written */
	uint8_t *holder;		/* create lost: the key's value, or NULL */
	size_t holder_len;
	uint8_t *found;			/* read: the state's value, or NULL */
	size_t found_len;
};

struct jd_cw;

/*
 * A job with a copy of value (len bytes; may be NULL with len 0), the
 * rest zero; NULL on no memory or a key or guard too long.
 */
struct jd_cw_job *jd_cw_job_new(enum jd_cw_kind kind, const char *key,
				const char *guard, const void *value,
				size_t len);
void jd_cw_job_free(struct jd_cw_job *j);

/*
 * A worker with its own etcd client on endpoints, each request bounded
 * by request_ms (connect_ms of it to connect), signalling notify_fd (an
 * eventfd, written 1 per finished job). NULL with err set.
 */
struct jd_cw *jd_cw_new(const char *const *endpoints, size_t n,
			long request_ms, long connect_ms, int notify_fd,
			char *err, size_t errlen);
/* Queue a job; the worker owns it until jd_cw_take_done gives it back. */
void jd_cw_submit(struct jd_cw *w, struct jd_cw_job *j);
/* The finished jobs, oldest first, as a list the caller frees. */
struct jd_cw_job *jd_cw_take_done(struct jd_cw *w);
/*
 * Stop: the job being run ends within its timeout, the queued and the
 * finished ones are dropped.
 */
void jd_cw_free(struct jd_cw *w);

#endif /* JUMPD_CLUSTER_WORKER_H */
