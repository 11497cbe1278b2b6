/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal synchronous etcd v3 client over etcd's gRPC-JSON gateway
 * (HTTP/1.1 POSTs of JSON to /v3/...; docs/cluster.md says why this and
 * not gRPC). Three parts:
 *  - request bodies (etcd_body.c) and response parsers (etcd_parse.c):
 *    pure, strings in and out, unit-tested without etcd;
 *  - the transport (etcd.c): libcurl, one keep-alive connection, several
 *    endpoints, a bounded time for every request.
 * The gateway speaks proto3 JSON: keys and values are base64, 64-bit
 * integers are strings, and fields at their default (0, false, empty) are
 * left out, so a missing field reads as zero.
 * Keys are text here (the cluster's own layout); values are bytes.
 */
#ifndef JUMPD_ETCD_H
#define JUMPD_ETCD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* gRPC status codes etcd answers with, as the gateway passes them on. */
#define ETCD_CODE_INVALID_ARGUMENT 3
#define ETCD_CODE_NOT_FOUND	5	/* "requested lease not found" */
#define ETCD_CODE_UNAVAILABLE	14	/* no leader, timed out */

/* What a transport call returns. */
enum etcd_status {
	ETCD_OK = 0,
	ETCD_UNREACHABLE = -1,	/* no endpoint answered in time */
	ETCD_REFUSED = -2,	/* etcd answered with an error (its code) */
	ETCD_MALFORMED = -3,	/* an answer not understood */
};

struct etcd_kv {
	char *key;			/* NUL-terminated */
	uint8_t *value;			/* value_len bytes, then a NUL */
	size_t value_len;
	int64_t create_revision;	/* 0: the key does not exist */
	int64_t mod_revision;
	int64_t version;		/* writes since the key was created */
	int64_t lease;			/* 0: none */
};

struct etcd_kvs {
	struct etcd_kv *kv;
	size_t n;
	int64_t revision;		/* the store's revision when read */
	bool more;			/* a limit cut the range short */
};

void etcd_kvs_free(struct etcd_kvs *kvs);

/* --- request bodies (etcd_body.c): malloc'd JSON, NULL on no memory --- */
char *etcd_body_put(const char *key, const void *value, size_t len,
		    int64_t lease);
/* prefix: every key that starts with key (etcd's range_end = key + 1). */
char *etcd_body_range(const char *key, bool prefix);
char *etcd_body_delete(const char *key, bool prefix);
/*
 * A txn that puts key (under lease) only if it does not exist: compare
 * create_revision == 0; else it reads the key, to tell who holds it.
 */
char *etcd_body_create(const char *key, const void *value, size_t len,
		       int64_t lease);
/*
 * A txn that puts key (no lease) only if guard exists under lease: an
 * owner's write that fails once it no longer owns (docs/cluster.md).
 */
char *etcd_body_put_if_lease(const char *guard, int64_t lease,
			     const char *key, const void *value, size_t len);
/*
 * A txn that deletes key, then guard, only if guard is under lease: an
 * owner ending a session removes its record and its owner key, and does
 * nothing once it no longer owns it.
 */
char *etcd_body_delete_if_lease(const char *guard, int64_t lease,
				const char *key);
char *etcd_body_lease_grant(int64_t ttl_s);
/* LeaseKeepAlive, LeaseRevoke and LeaseTimeToLive all take just an ID. */
char *etcd_body_lease_id(int64_t id);
/*
 * A watch of every key under prefix from start_revision (0: from now on),
 * deletes only (filter NOPUT): what a lease's expiry does to owner keys.
 */
char *etcd_body_watch(const char *prefix, int64_t start_revision);

/*
 * --- response parsers (etcd_parse.c) ---
 * Each takes a 200 response's body: 0, or -1 with err set. *out is only
 * filled on success (and must then be freed with etcd_kvs_free).
 */
int etcd_parse_put(const char *body, int64_t *revision, char *err,
		   size_t errlen);
int etcd_parse_range(const char *body, struct etcd_kvs *out, char *err,
		     size_t errlen);
int etcd_parse_delete(const char *body, int64_t *deleted, char *err,
		      size_t errlen);
/*
 * *created; if not, holder (if not NULL) gets the key as it is. Also the
 * verdict of etcd_body_put_if_lease's and _delete_if_lease's txns
 * (holder NULL).
 */
int etcd_parse_create(const char *body, bool *created,
		      struct etcd_kvs *holder, char *err, size_t errlen);
int etcd_parse_lease_grant(const char *body, int64_t *id, int64_t *ttl,
			   char *err, size_t errlen);
/* *ttl 0: the lease is gone (expired or revoked); nothing was renewed. */
int etcd_parse_keepalive(const char *body, int64_t *ttl, char *err,
			 size_t errlen);
/* *ttl -1: no such lease. */
int etcd_parse_lease_ttl(const char *body, int64_t *ttl, char *err,
			 size_t errlen);
/*
 * An error answer's body ({"error", "message", "code"}): its message into
 * msg and its gRPC code returned, or -1 (msg empty) if it is not one.
 */
int etcd_parse_error(const char *body, char *msg, size_t msglen);

/*
 * --- the watch stream's parser (etcd_parse.c) ---
 * The gateway answers POST /v3/watch with one JSON object per watch
 * response, for as long as the connection lasts, cut into chunks
 * anywhere. The parser takes the chunks as they come and tells each
 * response as events, in the order etcd sent them.
 */
enum etcd_watch_kind {
	ETCD_WATCH_CREATED,	/* the watch runs; revision: the store's */
	ETCD_WATCH_DELETE,	/* key deleted; revision: the delete's */
	/*
	 * The end of one response's events: etcd sends all the events of
	 * one revision (one txn) in one response, so a caller that must
	 * see a txn whole waits for this. revision: the last event's.
	 */
	ETCD_WATCH_BATCH_END,
	/* No events, every one up to revision sent (a progress notify). */
	ETCD_WATCH_PROGRESS,
	/* The watch ended: its start was compacted away (revision: the
	 * oldest left, 0 if etcd cancelled it for another reason). */
	ETCD_WATCH_CANCELED,
};

struct etcd_watch_event {
	enum etcd_watch_kind kind;
	const char *key;	/* DELETE only; valid during the call */
	int64_t revision;
};

/* Returns nonzero to stop the parse (etcd_watch_feed returns it). */
typedef int (*etcd_watch_fn)(void *ctx, const struct etcd_watch_event *ev);

struct etcd_watch_parser;

struct etcd_watch_parser *etcd_watch_parser_new(void);
void etcd_watch_parser_free(struct etcd_watch_parser *p);
/*
 * The next len bytes of the stream: on_event for every event of every
 * response they complete. 0: go on; 1: a CANCELED was told (the stream
 * is over); -1 with err: not a watch stream, or an error message from
 * etcd (the parser is then spent); else on_event's nonzero return.
 */
int etcd_watch_feed(struct etcd_watch_parser *p, const char *buf,
		    size_t len, etcd_watch_fn on_event, void *ctx,
		    char *err, size_t errlen);

/* --- the transport (etcd.c; the watch in etcd_watch.c) --- */
struct etcd_client;

/*
 * endpoints: "http://host:port" (or "host:port", taken as http). Every
 * request has request_timeout_ms in all per endpoint tried, and at most
 * connect_timeout_ms of that to connect. NULL with err set on failure.
 */
struct etcd_client *etcd_client_new(const char *const *endpoints, size_t n,
				    long request_timeout_ms,
				    long connect_timeout_ms,
				    char *err, size_t errlen);
void etcd_client_free(struct etcd_client *c);
/* The last failure, naming the endpoint and the request. */
const char *etcd_client_error(const struct etcd_client *c);
/* The gRPC code of the last ETCD_REFUSED, else -1. */
int etcd_client_code(const struct etcd_client *c);
/* The endpoint the next request goes to first. */
const char *etcd_client_endpoint(const struct etcd_client *c);

int etcd_put(struct etcd_client *c, const char *key, const void *value,
	     size_t len, int64_t lease);
int etcd_get(struct etcd_client *c, const char *key, bool prefix,
	     struct etcd_kvs *out);
int etcd_delete(struct etcd_client *c, const char *key, bool prefix,
		int64_t *deleted);
int etcd_create(struct etcd_client *c, const char *key, const void *value,
		size_t len, int64_t lease, bool *created,
		struct etcd_kvs *holder);
/* *done false: guard is not (or no longer) under lease; nothing written. */
int etcd_put_if_lease(struct etcd_client *c, const char *guard,
		      int64_t lease, const char *key, const void *value,
		      size_t len, bool *done);
/* *done false: guard is not (or no longer) under lease; nothing deleted. */
int etcd_delete_if_lease(struct etcd_client *c, const char *guard,
			 int64_t lease, const char *key, bool *done);
int etcd_lease_grant(struct etcd_client *c, int64_t ttl_s, int64_t *id,
		     int64_t *granted_ttl);
/*
 * One renewal. The caller takes the time before the call: etcd renews at
 * some moment between the send and the answer, so the lease is only known
 * to last ttl seconds from the send (docs/cluster.md, "Fencing").
 */
int etcd_lease_keepalive(struct etcd_client *c, int64_t id, int64_t *ttl);
int etcd_lease_revoke(struct etcd_client *c, int64_t id);
int etcd_lease_ttl(struct etcd_client *c, int64_t id, int64_t *ttl);
/*
 * Watch prefix from start_revision (0: from now on) and call on_event
 * for what comes (see etcd_watch_feed), until *stop is set (seen within
 * about a second: ETCD_OK), the watch is cancelled (ETCD_REFUSED, after
 * the CANCELED event), on_event returns nonzero (ETCD_OK), or the stream
 * breaks or does not start (ETCD_UNREACHABLE, the next endpoint tried
 * first next time; ETCD_MALFORMED). An endpoint that cannot be connected
 * to is passed over at once, as for any request. No request timeout: a
 * watch is idle for as long as nothing is deleted; the connect timeout
 * and TCP keepalives hold.
 */
int etcd_watch(struct etcd_client *c, const char *prefix,
	       int64_t start_revision, etcd_watch_fn on_event, void *ctx,
	       volatile const bool *stop);

#endif /* JUMPD_ETCD_H */
