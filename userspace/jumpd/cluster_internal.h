/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by cluster.c (the lease and the run) and cluster_records.c (the
 * sessions' owner keys and records), not part of cluster.h.
 */
#ifndef JUMPD_CLUSTER_INTERNAL_H
#define JUMPD_CLUSTER_INTERNAL_H

#include "cluster.h"
#include "cluster_watch.h"
#include "cluster_worker.h"
#include "config.h"

/* The newest record version of one session, kept sorted by id. */
struct session_version {
	uint32_t session;
	uint64_t version;
};

struct jd_cluster {
	char cluster[JP_CONF_NAME_MAX];
	char node[JP_CONF_NAME_MAX];
	uint8_t key[JD_SEALED_KEY_LEN];
	int64_t ttl_ms, margin_ms;
	struct jd_cluster_hooks hooks;

	int efd;			/* the workers' results are in */
	struct jd_cw *lease_lane;	/* grant, keepalive */
	struct jd_cw *record_lane;	/* node key, creates, records */
	struct jd_cwatch *watch_lane;	/* orphaned owner keys, or NULL */
	/* Taken from the watch, refused by a full hook: offered first. */
	bool has_held_orphan;
	uint32_t held_orphan;

	enum jd_cluster_state state;
	bool have_lease;
	int64_t lease_id;
	struct jd_lease lease;
	bool grant_in_flight, keepalive_in_flight;
	int64_t next_grant_at;
	char lease_error[JD_CW_ERROR_MAX + 32];	/* "what: " + the error */

	bool node_registered, node_in_flight;
	int64_t next_node_at;
	uint64_t node_writes;		/* the node key's record versions */

	struct session_version *versions;
	size_t n_versions, cap_versions;
};

static inline int64_t interval_ms(const struct jd_cluster *c)
{
	return c->ttl_ms / JD_LEASE_KEEPALIVES_PER_TTL;
}

/*
 * A job whose value is plain sealed under the etcd key it goes to, as
 * version; NULL on no memory or an over-long plain.
 */
struct jd_cw_job *jd_cluster_sealed_job(const struct jd_cluster *c,
					enum jd_cw_kind kind, const char *key,
					const char *guard, const void *plain,
					size_t len, uint64_t version);
/* A create's, a write's, a release's and a lookup's results, to the hooks. */
void jd_cluster_create_done(struct jd_cluster *c, struct jd_cw_job *j);
void jd_cluster_write_done(struct jd_cluster *c, struct jd_cw_job *j);
void jd_cluster_release_done(struct jd_cluster *c, struct jd_cw_job *j);
void jd_cluster_lookup_done(struct jd_cluster *c, struct jd_cw_job *j);

#endif /* JUMPD_CLUSTER_INTERNAL_H */
