// SPDX-License-Identifier: GPL-2.0
/*
 * jumpd's side of a gateway cluster (docs/cluster.md): the runtime
 * (cluster.h) started from [Cluster], run from the main loop, and what it
 * means for the sessions.
 *
 * Wired so far: the lease and the owner keys. A clustered gateway
 * answers and starts handshakes only while it serves under its lease,
 * and when it stops (fenced, or the lease lost) it ends every session at
 * once, with that reason: the kernel has no way yet to pause a session,
 * and a session left running could send after another gateway took it.
 * A restarted gateway cannot know whether its old lease lives, so it
 * ends the sessions it would adopt (lease-lost). Each new session's owner
 * key is created under the lease; a session whose create is lost (its id
 * is another gateway's) or fails is ended (takeover-refused: this
 * gateway could not take ownership of it); a session that ends has its
 * owner key (and record) released. Not yet: the state record, takeover
 * on REATTACH.
 *
 * The clock is jd_now_ms's CLOCK_BOOTTIME: time a suspended host spent
 * asleep counts, so waking up past the lease's end fences at once.
 */
#include <inttypes.h>
#include <string.h>
#include <sodium.h>
#include "cluster.h"
#include "jumping_names.h"
#include "jumpd.h"

/* End p's session for the cluster's reason: audited, kernel told first. */
static void end_session(struct jd *d, struct jd_peer *p,
			enum jumping_reason why)
{
	uint64_t now = jd_now_ms();
	struct jp_transition tr = {
		.old_state = p->fsm.state,
		.new_state = JUMPING_STATE_TERMINATED,
		.reason = why,
		.old_binding = p->fsm.binding,
		.new_binding = p->fsm.binding,
		.time_in_old_ms = jp_fsm_time_in_state(&p->fsm, now),
		.audit = true,
	};

	jd_audit_transition(d, p, &tr);
	/* The kernel hears the reason before the session goes. */
	jk_session_set_state(&d->k, p->local_id,
			     (uint8_t)JUMPING_STATE_TERMINATED, (uint16_t)why);
	jd_session_forget(d, p, true);
}

unsigned int jd_cluster_end_sessions(struct jd *d, enum jumping_reason why)
{
	unsigned int i, n = 0;

	for (i = 0; i < d->n_peers; i++) {
		if (!d->peers[i]->has_session)
			continue;
		end_session(d, d->peers[i], why);
		n++;
	}
	return n;
}

void jd_cluster_session_started(struct jd *d, const struct jd_peer *p)
{
	if (d->cluster && jd_cluster_create(d->cluster, p->local_id))
		jd_warn("peer %s session %u: cluster: owner key not queued "
			"(not serving, or out of memory)", p->conf.name,
			p->local_id);
}

void jd_cluster_session_ended(struct jd *d, uint32_t local_id)
{
	/* Not serving: the key goes with the lease, or stays till it ends. */
	if (d->cluster)
		jd_cluster_release(d->cluster, local_id);
}

static void on_created(void *ctx, uint32_t session,
		       enum jd_cluster_outcome outcome, const char *holder,
		       const char *error)
{
	struct jd *d = ctx;
	struct jd_peer *p = jd_peer_of_session(d, session);

	if (outcome == JD_CLUSTER_DONE) {
		jd_debug(d, "session %u: cluster: owned here", session);
		return;
	}
	/* Ended meanwhile, or replaced by a session of another id. */
	if (!p || !p->has_session || p->local_id != session)
		return;
	if (outcome == JD_CLUSTER_REFUSED)
		jd_warn("peer %s session %u: cluster: the id is owned by %s; "
			"session ended", p->conf.name, session,
			holder ? holder : "another gateway");
	else
		jd_warn("peer %s session %u: cluster: owner key not created "
			"(%s); session ended", p->conf.name, session, error);
	end_session(d, p, JUMPING_REASON_TAKEOVER_REFUSED);
}

static void on_released(void *ctx, uint32_t session,
			enum jd_cluster_outcome outcome, const char *error)
{
	struct jd *d = ctx;

	if (outcome == JD_CLUSTER_FAILED)
		jd_log("session %u: cluster: owner key not released (%s); "
		       "it goes with the lease", session, error);
	else
		jd_debug(d, "session %u: cluster: owner key %s", session,
			 outcome == JD_CLUSTER_DONE ? "released" :
			 "not ours to release");
}

static void on_serving(void *ctx, bool serving, enum jumping_reason why)
{
	struct jd *d = ctx;
	const char *err = jd_cluster_lease_error(d->cluster);
	unsigned int n;

	if (serving) {
		jd_log("cluster: serving under lease %" PRIx64,
		       (uint64_t)jd_cluster_lease_id(d->cluster));
		return;
	}
	n = jd_cluster_end_sessions(d, why);
	jd_warn("cluster: %s: %u sessions ended%s%s", reason_name(why), n,
		*err ? "; " : "", err);
}

int jd_cluster_open(struct jd *d)
{
	const struct jp_conf_cluster *cl = &d->cfg->cluster;
	char err[300];

	if (!d->cfg->has_cluster)
		return 0;
	if (jd_cluster_key_load(cl->key_file, d->cluster_key, err,
				sizeof(err))) {
		jd_err("%s:%u: ClusterKeyFile %s", d->cfg_path, cl->line, err);
		return -1;
	}
	d->clustered = true;
	return 0;
}

int jd_cluster_start(struct jd *d)
{
	const struct jp_conf_cluster *cl = &d->cfg->cluster;
	const char *eps[JP_CONF_MAX_ETCD];
	struct jd_cluster_settings s = {
		.endpoints = eps, .n_endpoints = cl->n_etcd,
		.cluster = cl->name, .node = cl->node,
		.ttl_ms = (int64_t)cl->lease_ttl_ms,
		.margin_ms = (int64_t)cl->fencing_margin_ms,
	};
	const struct jd_cluster_hooks hooks = {
		.ctx = d, .serving = on_serving, .created = on_created,
		.released = on_released,
	};
	char err[300];
	unsigned int i;

	if (!d->clustered)
		return 0;
	for (i = 0; i < cl->n_etcd; i++)
		eps[i] = cl->etcd[i];
	memcpy(s.key, d->cluster_key, sizeof(s.key));
	/* The runtime keeps its own copy. */
	sodium_memzero(d->cluster_key, sizeof(d->cluster_key));
	d->cluster = jd_cluster_new(&s, &hooks, err, sizeof(err));
	sodium_memzero(s.key, sizeof(s.key));
	if (!d->cluster) {
		jd_err("%s:%u: [Cluster]: %s", d->cfg_path, cl->line, err);
		return -1;
	}
	jd_log("cluster %s, node %s: etcd %s%s, lease TTL %" PRIu64
	       " ms, fencing margin %" PRIu64 " ms; sessions are served under "
	       "the lease only, with owner keys (records, takeover: not yet)",
	       cl->name,
	       cl->node, cl->etcd[0], cl->n_etcd > 1 ? " and others" : "",
	       cl->lease_ttl_ms, cl->fencing_margin_ms);
	return 0;
}

void jd_cluster_close(struct jd *d)
{
	jd_cluster_free(d->cluster);
	d->cluster = NULL;
	d->clustered = false;
	sodium_memzero(d->cluster_key, sizeof(d->cluster_key));
}

bool jd_cluster_may_serve(const struct jd *d)
{
	if (!d->clustered)
		return true;
	return d->cluster &&
	       jd_cluster_state(d->cluster) == JD_CLUSTER_SERVING;
}

int jd_cluster_pollfd(const struct jd *d)
{
	return d->cluster ? jd_cluster_fd(d->cluster) : -1;
}

uint64_t jd_cluster_tick(struct jd *d, uint64_t now)
{
	int64_t next;

	if (!d->cluster)
		return UINT64_MAX;
	next = jd_cluster_run(d->cluster, (int64_t)now);
	return next > 0 ? (uint64_t)next : now + 1;
}
