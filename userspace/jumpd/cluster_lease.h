/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fencing clock of one gateway's etcd lease (docs/cluster.md,
 * "Ownership" and "Fencing"). Pure: no etcd, no clock; every time is
 * CLOCK_MONOTONIC in ms, passed in.
 *
 * etcd renews the lease at some moment between a keepalive's send and its
 * answer, so the lease is only known to live until the *send* time of the
 * newest successful renewal plus the TTL it answered. The gateway serves
 * while
 *	now < t_sent + TTL - margin
 * and is FENCED from then on (its sessions stop, but may resume if a later
 * keepalive succeeds in time). A keepalive answered with TTL 0 means etcd
 * says the lease is gone: LOST, sticky until jd_lease_init with a new one.
 *
 * The grant counts as the first renewal: it is sent, then answered with
 * the TTL, like a keepalive. Answers are taken in any order; one for a
 * request older than the newest successful renewal never moves the
 * deadline back.
 */
#ifndef JUMPD_CLUSTER_LEASE_H
#define JUMPD_CLUSTER_LEASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* etcd's own upper bound on a lease TTL (MaxLeaseTTL), in seconds. */
#define JD_LEASE_TTL_MAX_S	9000000000LL
/* Times past this are refused, so time + TTL never overflows. */
#define JD_LEASE_TIME_MAX	(INT64_MAX / 2)
/* A keepalive every TTL / 5: three lost renewals in a row are survived. */
#define JD_LEASE_KEEPALIVES_PER_TTL	5
/* What jd_lease_next_keepalive returns for a lost lease. */
#define JD_LEASE_NEVER		INT64_MAX

enum jd_lease_state {
	JD_LEASE_SERVING,	/* the lease surely lives past now + margin */
	JD_LEASE_FENCED,	/* not renewed recently enough: stop, may resume */
	JD_LEASE_LOST,		/* etcd answered TTL 0: drop, get a new lease */
};

/* What one event did to the clock. */
enum jd_lease_event {
	JD_LEASE_TAKEN = 0,	/* recorded */
	JD_LEASE_IGNORED = 1,	/* older than what is known, or for an
				 * earlier lease: nothing changed */
	JD_LEASE_INVALID = -1,	/* a time or TTL that cannot be: a bug in
				 * the caller; nothing changed */
};

struct jd_lease {
	int64_t margin_ms;
	int64_t granted_at;	/* the grant's send time: older requests
				 * belong to an earlier lease */
	int64_t renewed_at;	/* send time of the newest successful
				 * renewal (the grant at first) */
	int64_t ttl_ms;		/* the TTL that renewal answered */
	int64_t last_sent;	/* the newest request sent (grant or
				 * keepalive) */
	unsigned int failures;	/* keepalives failed since the newest
				 * renewal was taken, for the log */
	bool lost;
};

/*
 * A lease granted with ttl_ms by a grant request sent at granted_at. The
 * margin must leave time for a keepalive (every TTL / 5) to be sent
 * before the deadline: 0 <= margin_ms < ttl_ms - ttl_ms / 5. 0, or -1
 * with err set and l untouched. Also the re-init after JD_LEASE_LOST.
 */
int jd_lease_init(struct jd_lease *l, int64_t granted_at, int64_t ttl_ms,
		  int64_t margin_ms, char *err, size_t errlen);

/* A keepalive request is being sent at now (taken before the call). */
enum jd_lease_event jd_lease_keepalive_sent(struct jd_lease *l, int64_t now);
/*
 * The answer to the keepalive sent at sent_at: ttl_s as etcd answered,
 * 0 for a lease that is gone (etcd_parse_keepalive's "not renewed").
 * Answers to requests sent before the grant are the replaced lease's and
 * are ignored, so the grant must be sent after the old lease's last
 * keepalive (one worker does that); one sent in the grant's very ms is
 * taken as this lease's, which errs towards LOST, the safe side.
 */
enum jd_lease_event jd_lease_keepalive_answered(struct jd_lease *l,
						int64_t sent_at, int64_t ttl_s);
/* The keepalive sent at sent_at got no answer, or an error. */
enum jd_lease_event jd_lease_keepalive_failed(struct jd_lease *l,
					      int64_t sent_at);

enum jd_lease_state jd_lease_state(const struct jd_lease *l, int64_t now);
const char *jd_lease_state_name(enum jd_lease_state s);
/* renewed_at + TTL - margin: the first ms the gateway must not serve. */
int64_t jd_lease_serve_until(const struct jd_lease *l);
/*
 * When the next keepalive is due: TTL / 5 after the last send, or now if
 * that is past; JD_LEASE_NEVER once the lease is lost.
 */
int64_t jd_lease_next_keepalive(const struct jd_lease *l, int64_t now);

#endif /* JUMPD_CLUSTER_LEASE_H */
