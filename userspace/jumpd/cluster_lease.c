// SPDX-License-Identifier: GPL-2.0
/* The fencing clock of one etcd lease (cluster_lease.h). */
#include <stdio.h>
#include "cluster_lease.h"

static bool time_valid(int64_t t)
{
	return t >= 0 && t <= JD_LEASE_TIME_MAX;
}

int jd_lease_init(struct jd_lease *l, int64_t granted_at, int64_t ttl_ms,
		  int64_t margin_ms, char *err, size_t errlen)
{
	int64_t interval;

	if (!time_valid(granted_at)) {
		snprintf(err, errlen, "lease granted at %lld: not a monotonic "
			 "time in ms", (long long)granted_at);
		return -1;
	}
	if (ttl_ms < JD_LEASE_KEEPALIVES_PER_TTL ||
	    ttl_ms > JD_LEASE_TTL_MAX_S * 1000) {
		snprintf(err, errlen, "lease TTL %lld ms: must be from %d ms "
			 "to etcd's maximum, %lld s", (long long)ttl_ms,
			 JD_LEASE_KEEPALIVES_PER_TTL, JD_LEASE_TTL_MAX_S);
		return -1;
	}
	if (margin_ms < 0) {
		snprintf(err, errlen, "fencing margin %lld ms: must not be "
			 "negative", (long long)margin_ms);
		return -1;
	}
	/* A margin past this fences before the first keepalive is sent. */
	interval = ttl_ms / JD_LEASE_KEEPALIVES_PER_TTL;
	if (margin_ms >= ttl_ms - interval) {
		snprintf(err, errlen, "fencing margin %lld ms: must be below "
			 "the lease TTL %lld ms less one keepalive interval "
			 "(%lld ms)", (long long)margin_ms, (long long)ttl_ms,
			 (long long)interval);
		return -1;
	}
	*l = (struct jd_lease){
		.margin_ms = margin_ms,
		.granted_at = granted_at,
		.renewed_at = granted_at,
		.ttl_ms = ttl_ms,
		.last_sent = granted_at,
	};
	return 0;
}

enum jd_lease_event jd_lease_keepalive_sent(struct jd_lease *l, int64_t now)
{
	/* CLOCK_MONOTONIC does not go back; a caller's clock that does
	 * would make every later answer look older than it is. */
	if (!time_valid(now) || now < l->last_sent)
		return JD_LEASE_INVALID;
	l->last_sent = now;
	return JD_LEASE_TAKEN;
}

/* sent_at names a request of this clock: not in the future of the
 * newest send. */
static bool sent_valid(const struct jd_lease *l, int64_t sent_at)
{
	return time_valid(sent_at) && sent_at <= l->last_sent;
}

enum jd_lease_event jd_lease_keepalive_answered(struct jd_lease *l,
						int64_t sent_at, int64_t ttl_s)
{
	if (!sent_valid(l, sent_at) || ttl_s < 0 ||
	    ttl_s > JD_LEASE_TTL_MAX_S)
		return JD_LEASE_INVALID;
	/* Sent before this lease's grant: about the lease it replaced. */
	if (sent_at < l->granted_at || l->lost)
		return JD_LEASE_IGNORED;
	/*
	 * TTL 0 whatever the order: a lease never comes back, so etcd
	 * saying it is gone at any point means it is gone now.
	 */
	if (ttl_s == 0) {
		l->lost = true;
		return JD_LEASE_TAKEN;
	}
	/* The newest renewal bounds the lease; an older one says less. */
	if (sent_at <= l->renewed_at)
		return JD_LEASE_IGNORED;
	l->renewed_at = sent_at;
	l->ttl_ms = ttl_s * 1000;
	l->failures = 0;
	return JD_LEASE_TAKEN;
}

enum jd_lease_event jd_lease_keepalive_failed(struct jd_lease *l,
					      int64_t sent_at)
{
	if (!sent_valid(l, sent_at))
		return JD_LEASE_INVALID;
	/* A failure older than a success changes nothing: not counted. */
	if (sent_at < l->granted_at || l->lost || sent_at <= l->renewed_at)
		return JD_LEASE_IGNORED;
	l->failures++;
	return JD_LEASE_TAKEN;
}

int64_t jd_lease_serve_until(const struct jd_lease *l)
{
	return l->renewed_at + l->ttl_ms - l->margin_ms;
}

enum jd_lease_state jd_lease_state(const struct jd_lease *l, int64_t now)
{
	if (l->lost)
		return JD_LEASE_LOST;
	return now < jd_lease_serve_until(l) ? JD_LEASE_SERVING :
					       JD_LEASE_FENCED;
}

const char *jd_lease_state_name(enum jd_lease_state s)
{
	switch (s) {
	case JD_LEASE_SERVING:
		return "serving";
	case JD_LEASE_FENCED:
		return "fenced";
	case JD_LEASE_LOST:
		return "lost";
	}
	return "?";
}

int64_t jd_lease_next_keepalive(const struct jd_lease *l, int64_t now)
{
	int64_t due;

	if (l->lost)
		return JD_LEASE_NEVER;
	due = l->last_sent + l->ttl_ms / JD_LEASE_KEEPALIVES_PER_TTL;
	return due > now ? due : now;
}
