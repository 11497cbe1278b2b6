/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cluster runtime of one gateway (docs/cluster.md): its etcd lease
 * from grant to loss, its node key, the create of a session's owner key
 * and the sealed writes of its state record; what jumpd's main loop calls.
 *
 * The main loop owns everything here and is the only caller. The etcd
 * requests run on two worker threads (cluster_worker.h says why not on
 * the main loop): one for the lease (grant, keepalives), one for the
 * rest, so that a record write waiting on a slow etcd never delays a
 * renewal; with the orphaned hook a third watches the owner keys
 * (cluster_watch.h). Their results come back through one eventfd:
 *
 *	poll jd_cluster_fd(c) with a timeout up to jd_cluster_run's answer;
 *	on either, next = jd_cluster_run(c, now)
 *
 * jd_cluster_run takes the finished requests, feeds the fencing clock
 * (cluster_lease.h), sends the keepalive when due (every TTL / 5) and
 * calls the hooks. Every time is the caller's CLOCK_MONOTONIC in ms; a
 * request is stamped with the time it is queued, which is no later than
 * its send, so the lease's deadline is, if anything, early: the safe side.
 *
 * The hooks run inside jd_cluster_run, on the caller's thread, with the
 * state already the new one (a gateway told it stopped is not serving):
 *  - serving(true, NONE): the lease is granted (again), or a renewal came
 *    in time after a fence: the sessions this gateway owns may run.
 *  - serving(false, JUMPING_REASON_FENCED): no renewal succeeded in time;
 *    stop sending under the sessions (they may resume).
 *  - serving(false, JUMPING_REASON_LEASE_LOST): etcd says the lease is
 *    gone: drop the sessions, whose owner keys went with it. A new lease
 *    is asked for at once; sessions are only owned again by a create.
 *  - created / written / released / looked_up: the outcome of
 *    jd_cluster_create, _write, _release, _lookup.
 *  - orphaned (optional): etcd deleted a session's owner key without its
 *    record, as it does when the owner's lease ends: the session may be
 *    taken over. Set, it starts a third thread that watches the keys
 *    (cluster_watch.h); not set, there is none. It returns false when it
 *    has no room for one more takeover now: the id is offered again,
 *    before the ones found after it, at the next jd_cluster_run, which is
 *    then at most JD_CLUSTER_ORPHAN_RETRY_MS away.
 */
#ifndef JUMPD_CLUSTER_H
#define JUMPD_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/jumping.h>
#include "cluster_lease.h"
#include "cluster_takeover.h"
#include "sealed.h"

/* An orphan the hook had no room for is offered again this soon. */
#define JD_CLUSTER_ORPHAN_RETRY_MS	20

struct jd_cluster_settings {
	const char *const *endpoints;	/* etcd, http(s)://HOST:PORT */
	size_t n_endpoints;
	const char *cluster;		/* ClusterName */
	const char *node;		/* NodeName */
	uint8_t key[JD_SEALED_KEY_LEN];	/* the cluster key */
	int64_t ttl_ms;			/* LeaseTTL: whole seconds */
	int64_t margin_ms;		/* FencingMargin */
};

enum jd_cluster_state {
	JD_CLUSTER_STARTING,	/* no lease yet (or a new one asked for) */
	JD_CLUSTER_SERVING,
	JD_CLUSTER_FENCED,
};

/* What became of a create or a write. */
enum jd_cluster_outcome {
	JD_CLUSTER_DONE,	/* created: this gateway owns the session;
				 * written */
	JD_CLUSTER_REFUSED,	/* create: another gateway owns it; write:
				 * this gateway does not (or no longer) */
	JD_CLUSTER_FAILED,	/* etcd did not answer, or with an error:
				 * unknown whether it was applied */
};

/*
 * What jd_cluster_lookup found of a session, for a takeover
 * (cluster_takeover.h's facts). The owner key and the state key are read
 * at one revision; the state is opened here, under the cluster key and
 * bound to its etcd key, with any version (the caller compares it).
 */
struct jd_cluster_found {
	bool owner_present;
	const char *owner_node;		/* NULL: absent or unreadable */
	enum jd_takeover_record record;
	const uint8_t *plain;		/* OPENED: the record's plaintext */
	size_t plain_len;
	uint64_t version;		/* OPENED: its sealed version */
	const char *why;		/* UNOPENED: why not */
};

struct jd_cluster_hooks {
	void *ctx;
	void (*serving)(void *ctx, bool serving, enum jumping_reason why);
	/* holder: the owner's node name when refused and readable; else
	 * NULL. error: etcd's message when FAILED; else NULL. */
	void (*created)(void *ctx, uint32_t session,
			enum jd_cluster_outcome outcome, const char *holder,
			const char *error);
	void (*written)(void *ctx, uint32_t session, uint64_t version,
			enum jd_cluster_outcome outcome, const char *error);
	/* Optional (NULL: not told). */
	void (*released)(void *ctx, uint32_t session,
			 enum jd_cluster_outcome outcome, const char *error);
	/* Optional. found: DONE only (the keys read); error: FAILED only.
	 * Both are valid during the call only. */
	void (*looked_up)(void *ctx, uint32_t session,
			  enum jd_cluster_outcome outcome,
			  const struct jd_cluster_found *found,
			  const char *error);
	/*
	 * Optional. Told once per delete seen, this gateway's own too
	 * (a session it was refused or fenced from): ids it serves are
	 * the caller's to ignore.
	 */
	bool (*orphaned)(void *ctx, uint32_t session);
};

struct jd_cluster;

/*
 * Check the settings and start the workers; nothing is sent before the
 * first jd_cluster_run. NULL with err set (bad settings: nothing started).
 */
struct jd_cluster *jd_cluster_new(const struct jd_cluster_settings *s,
				  const struct jd_cluster_hooks *hooks,
				  char *err, size_t errlen);
/*
 * Stop the workers (a request in flight ends within its timeout; the
 * watch within about a second, or its connect timeout). The
 * lease is left to expire: a revoke would free the sessions' owner keys
 * at once, which is for a deliberate handover, not yet done.
 */
void jd_cluster_free(struct jd_cluster *c);

/* Readable when requests have finished: then call jd_cluster_run. */
int jd_cluster_fd(const struct jd_cluster *c);
/*
 * Everything due at now (see above). Returns when to call again at the
 * latest, on the same clock, if the fd stays quiet.
 */
int64_t jd_cluster_run(struct jd_cluster *c, int64_t now);

enum jd_cluster_state jd_cluster_state(const struct jd_cluster *c);
const char *jd_cluster_state_name(enum jd_cluster_state s);
/* The current lease (0: none) and its clock, for logs and tests. */
int64_t jd_cluster_lease_id(const struct jd_cluster *c);
const struct jd_lease *jd_cluster_lease(const struct jd_cluster *c);
/* The last etcd error of the lease's requests ("" if none), for logs. */
const char *jd_cluster_lease_error(const struct jd_cluster *c);
/*
 * The watch of owner keys (hooks.orphaned) is created in etcd and not
 * broken since; false without the hook. Its last error into buf ("" if
 * none: a break, or deletes a compaction of etcd's history hid).
 */
bool jd_cluster_watching(const struct jd_cluster *c);
void jd_cluster_watch_error(const struct jd_cluster *c, char *buf,
			    size_t len);

/*
 * A session's etcd key: /jumping/<cluster>/sessions/<id, 8 hex>/<leaf>
 * (leaf "owner" or "state"); the node key: /jumping/<cluster>/nodes/<node>.
 * 0, or -1 if it does not fit.
 */
int jd_cluster_session_key(char *buf, size_t len, const char *cluster,
			   uint32_t session, const char *leaf);
int jd_cluster_node_key(char *buf, size_t len, const char *cluster,
			const char *node);

/*
 * Claim session (a new one, or a takeover once its owner key is gone):
 * its owner key, created only if absent, under this gateway's lease;
 * the outcome comes to hooks->created. 0, or -1 when not serving (no
 * lease to put it under) or out of memory: nothing queued.
 */
int jd_cluster_create(struct jd_cluster *c, uint32_t session);
/*
 * The session's record changed: plain (len bytes) is sealed as its next
 * version and written to its state key if this gateway's lease still
 * holds the owner key; the outcome comes to hooks->written. Versions
 * count up from the last one written here or set by jd_cluster_set_version
 * (a taker continues from the version it read). 0, or -1 when not
 * serving, too long (JD_SEALED_MAX_PLAIN) or out of memory: nothing
 * queued and no version used.
 */
int jd_cluster_write(struct jd_cluster *c, uint32_t session,
		     const void *plain, size_t len);
/*
 * The session ended here: its record and owner key are deleted if this
 * gateway's lease still holds the owner key, and its version forgotten;
 * the outcome comes to hooks->released (REFUSED: not the owner). Only
 * while serving: a fenced gateway's keys go with its lease, or stay until
 * it ends (a release queued behind an etcd that does not answer would
 * hold up the creates and writes after it). 0, or -1: nothing queued.
 */
int jd_cluster_release(struct jd_cluster *c, uint32_t session);
/*
 * Read session's owner and state keys for a takeover (docs/cluster.md,
 * "Takeover", steps 1 and 2); what was found comes to hooks->looked_up.
 * Only while serving: a gateway that may not serve takes nothing over.
 * 0, or -1: nothing queued.
 */
int jd_cluster_lookup(struct jd_cluster *c, uint32_t session);
/* The newest version of session's record known here; 0: none. */
uint64_t jd_cluster_version(const struct jd_cluster *c, uint32_t session);
/* A record read at version: writes go on above it. -1: no memory. */
int jd_cluster_set_version(struct jd_cluster *c, uint32_t session,
			   uint64_t version);

#endif /* JUMPD_CLUSTER_H */
