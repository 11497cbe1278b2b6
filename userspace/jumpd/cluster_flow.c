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
 * owner key (and record) released. Each session's record
 * (cluster_record.h) is written, sealed, when it changes: at the create,
 * and wherever the state file is saved or a counter floor rises. A
 * REATTACH for a session this gateway does not know is a takeover's
 * (cluster_takeover_flow.c), served once won (cluster_takeover_serve.c).
 *
 * The clock is jd_now_ms's CLOCK_BOOTTIME: time a suspended host spent
 * asleep counts, so waking up past the lease's end fences at once.
 */
#include <inttypes.h>
#include <string.h>
#include <sodium.h>
#include "cluster.h"
#include "cluster_record.h"
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

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/*
 * The record of p's session as it stands. prev_until is the monotonic
 * deadline here (stable, so that an unchanged session digests the same);
 * the writer puts the wall clock's in its place.
 */
static void record_of(const struct jd_peer *p, uint64_t now,
		      struct jd_cluster_record *r)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->local_id = p->local_id;
	r->remote_id = p->remote_id;
	memcpy(r->peer, p->conf.public_key, sizeof(r->peer));
	r->state = (uint8_t)p->fsm.state;
	r->binding = p->cur.remote;
	r->binding.ifindex = 0;		/* this host's: no use to another */
	r->key_id = p->key_id;
	memcpy(r->last_ts, p->last_ts, sizeof(r->last_ts));
	r->cur = p->ctl.cur;
	r->has_next = p->swap_pending && p->ctl.has_next;
	if (r->has_next) {
		r->next = p->ctl.next;
		r->swap_key_id = p->swap_key_id;
	}
	/* As the state file: previous keys only while they are accepted. */
	r->has_prev = p->ctl.has_prev && p->ctl.prev_until_ms > now;
	if (r->has_prev) {
		r->prev = p->ctl.prev;
		r->prev_until_wall_us = p->ctl.prev_until_ms;
	}
	r->reattach_floor = p->replay.highest;
	r->reattach_floor_any = p->replay.any;
	/*
	 * Every control message this gateway sent under the session, in one
	 * floor: a taker that sends above it is above each of them. A
	 * SOLICIT writes the record (reattach_flow.c); a probe, sent every
	 * few seconds by an initiator, does not by itself: its counter goes
	 * out with the next change.
	 */
	r->sent_floor = max_u64(max_u64(p->solicit_counter,
					p->mp.probe_counter),
				max_u64(p->confirm_counter,
					p->reattach_counter));
	r->n_allowed = p->conf.n_allowed_ips < JD_RECORD_MAX_ALLOWED ?
		       p->conf.n_allowed_ips : JD_RECORD_MAX_ALLOWED;
	for (i = 0; i < r->n_allowed; i++)
		r->allowed[i] = p->conf.allowed_ips[i];
}

/*
 * Write p's record if it differs from the last one queued. A change is
 * told by a digest of the record, not by the callers, who know only that
 * something may have changed: one record write per change, however many
 * places notice it. Not serving: not queued, and written at the next
 * change after the gateway serves again (if the session is still there).
 */
void jd_cluster_session_changed(struct jd *d, struct jd_peer *p)
{
	static struct jd_cluster_record r;
	static uint8_t enc[JD_RECORD_MAX_LEN];
	uint8_t digest[sizeof(p->cluster_record_digest)];
	uint64_t now = jd_now_ms();
	int n;

	if (!d->cluster || !p->has_session)
		return;
	record_of(p, now, &r);
	n = jd_cluster_record_encode(enc, sizeof(enc), &r);
	if (n < 0) {
		/* A terminated session (about to go), or a bug: say so. */
		if (p->fsm.state != JUMPING_STATE_TERMINATED)
			jd_warn("peer %s session %u: cluster: its record does "
				"not encode; not written", p->conf.name,
				p->local_id);
		goto out;
	}
	crypto_generichash(digest, sizeof(digest), enc, (size_t)n, NULL, 0);
	if (sodium_memcmp(digest, p->cluster_record_digest,
			  sizeof(digest)) == 0)
		goto out;
	if (r.has_prev) {
		/* The deadline on the wall clock: the taker's clock. */
		r.prev_until_wall_us = jd_wall_us() +
			(p->ctl.prev_until_ms - now) * 1000;
		n = jd_cluster_record_encode(enc, sizeof(enc), &r);
	}
	if (n < 0 || jd_cluster_write(d->cluster, p->local_id, enc,
				      (size_t)n)) {
		jd_debug(d, "session %u: cluster: record not queued (not "
			 "serving)", p->local_id);
		goto out;
	}
	memcpy(p->cluster_record_digest, digest, sizeof(digest));
out:
	sodium_memzero(&r, sizeof(r));
	sodium_memzero(enc, sizeof(enc));
}

uint64_t jd_cluster_record_unwritten(const struct jd *d,
				     const struct jd_peer *p)
{
	uint64_t queued;

	if (!d->cluster || !p->has_session)
		return 0;
	queued = jd_cluster_version(d->cluster, p->local_id);
	return queued > p->cluster_written_version ? queued : 0;
}

void jd_cluster_session_started(struct jd *d, struct jd_peer *p)
{
	if (!d->cluster)
		return;
	sodium_memzero(p->cluster_record_digest,
		       sizeof(p->cluster_record_digest));
	p->cluster_written_version = 0;
	if (jd_cluster_create(d->cluster, p->local_id)) {
		jd_warn("peer %s session %u: cluster: owner key not queued "
			"(not serving, or out of memory)", p->conf.name,
			p->local_id);
		return;
	}
	/* Queued behind the create, on the same lane: written once owned. */
	jd_cluster_session_changed(d, p);
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

	/* A takeover's create: cluster_takeover_flow.c's. */
	if (jd_cluster_takeover_created(d, session, outcome, holder, error))
		return;
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

static void on_written(void *ctx, uint32_t session, uint64_t version,
		       enum jd_cluster_outcome outcome, const char *error)
{
	struct jd *d = ctx;
	struct jd_peer *p = jd_peer_of_session(d, session);
	bool ours = p && p->has_session && p->local_id == session;

	if (outcome == JD_CLUSTER_DONE) {
		jd_debug(d, "session %u: cluster: record version %" PRIu64
			 " written", session, version);
		if (!ours)
			return;
		if (version > p->cluster_written_version)
			p->cluster_written_version = version;
		/* A challenge may wait for this floor. */
		jd_reattach_floor_written(d, p, version);
		return;
	}
	/* Not in etcd: the next change writes the record whole again. */
	if (ours)
		sodium_memzero(p->cluster_record_digest,
			       sizeof(p->cluster_record_digest));
	if (outcome == JD_CLUSTER_REFUSED)
		jd_log("session %u: cluster: record version %" PRIu64
		       " refused: this gateway does not own the session",
		       session, version);
	else
		jd_warn("session %u: cluster: record version %" PRIu64
			" not written (%s); written again at its next change",
			session, version, error);
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

static void on_looked_up(void *ctx, uint32_t session,
			 enum jd_cluster_outcome outcome,
			 const struct jd_cluster_found *found,
			 const char *error)
{
	jd_cluster_takeover_looked_up(ctx, session, outcome, found, error);
}

static bool on_orphaned(void *ctx, uint32_t session)
{
	return jd_cluster_takeover_orphan(ctx, session);
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
		.written = on_written, .released = on_released,
		.looked_up = on_looked_up,
		/* Takeover = prompt: told of every lease that ends (a thread). */
		.orphaned = cl->takeover_prompt ? on_orphaned : NULL,
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
	       "the lease only, with owner keys and records; sessions of a "
	       "dead gateway taken over %s",
	       cl->name,
	       cl->node, cl->etcd[0], cl->n_etcd > 1 ? " and others" : "",
	       cl->lease_ttl_ms, cl->fencing_margin_ms,
	       cl->takeover_prompt ? "as its lease ends (Takeover prompt)" :
				     "on their clients' REATTACH");
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

void jd_cluster_status(const struct jd *d, uint64_t now,
		       struct jd_status_cluster *out)
{
	enum jd_cluster_state state = jd_cluster_state(d->cluster);
	const struct jd_lease *lease = jd_cluster_lease(d->cluster);
	unsigned int i;
	int64_t until;

	memset(out, 0, sizeof(*out));
	snprintf(out->node, sizeof(out->node), "%s", d->cfg->cluster.node);
	snprintf(out->state, sizeof(out->state), "%s",
		 jd_cluster_state_name(state));
	if (state == JD_CLUSTER_SERVING && lease) {
		until = jd_lease_serve_until(lease);
		out->has_serve_left = true;
		out->serve_left_ms = until > (int64_t)now ?
				     (uint64_t)(until - (int64_t)now) : 0;
	}
	out->watching = jd_cluster_watching(d->cluster);
	for (i = 0; i < JD_TAKEOVERS; i++)
		out->takeovers += d->takeovers[i].active;
}

uint64_t jd_cluster_tick(struct jd *d, uint64_t now)
{
	uint64_t held;
	int64_t next;

	if (!d->cluster)
		return UINT64_MAX;
	held = jd_cluster_resume_tick(d, now);
	next = jd_cluster_run(d->cluster, (int64_t)now);
	if (next <= 0)
		return now + 1;
	return (uint64_t)next < held ? (uint64_t)next : held;
}
