// SPDX-License-Identifier: GPL-2.0
/*
 * The taker's side of a takeover (docs/cluster.md, "Takeover", steps 1
 * and 2), on a clustered gateway only: a REATTACH REQUEST for a session id
 * this gateway does not know is held while the runtime reads the
 * session's owner and state keys from etcd (jd_cluster_lookup, on a worker:
 * the main loop never waits for etcd); then the takeover decision
 * (cluster_takeover.h) on what came back, with the REQUEST's MAC checked
 * under the REATTACH keys of the record and its counter against the
 * record's floor; then, accepted, the create of the owner key under this
 * gateway's lease. Every refusal is logged with its reason and audited
 * (takeover-refused); nothing is sent to the client when refused.
 *
 * Won, this gateway owns the session in etcd and serves it from the
 * record read (cluster_takeover_serve.c: rebuilt, the REQUEST validated,
 * the takeover rekey). The lookup also tells whose session an id is when
 * its owner lives: the peer's resume handshakes then wait
 * (cluster_resume.c), so the client keeps its session ids.
 *
 * A gateway without [Cluster] never comes here: its entry
 * (jd_cluster_takeover_request) says false, and the REQUEST is dropped as before.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "cluster.h"
#include "cluster_record.h"
#include "cluster_takeover.h"
#include "jumping_names.h"
#include "jumpd.h"

/* A lookup or create whose answer never came is given up after this. */
#define TAKEOVER_STALE_MS	10000

static struct jd_takeover *find(struct jd *d, uint32_t session)
{
	unsigned int i;

	for (i = 0; i < JD_TAKEOVERS; i++)
		if (d->takeovers[i].active &&
		    d->takeovers[i].session == session)
			return &d->takeovers[i];
	return NULL;
}

static struct jd_takeover *free_slot(struct jd *d, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < JD_TAKEOVERS; i++)
		if (!d->takeovers[i].active ||
		    now - d->takeovers[i].started_ms > TAKEOVER_STALE_MS)
			return &d->takeovers[i];
	return NULL;
}

static void done(struct jd_takeover *t)
{
	if (t->plain) {
		sodium_memzero(t->plain, t->plain_len);
		free(t->plain);
	}
	sodium_memzero(t, sizeof(*t));
}

/* The refusal of t, for the reason v gives: logged, audited, forgotten. */
static void refuse(struct jd *d, struct jd_takeover *t, const char *peer,
		   const struct jd_takeover_verdict *v)
{
	char fs[JP_BINDING_STRLEN];

	/* Nobody asked: every gateway tries an orphan, one wins. */
	if (!t->has_request) {
		jd_debug(d, "session %u: not taken over: %s", t->session,
			 v->detail);
		done(t);
		return;
	}
	jd_log("session %u: takeover on a REATTACH from %s refused: %s",
	       t->session, jp_binding_str(&t->from, fs), v->detail);
	jd_audit_takeover(d, t->session, peer, "takeover-refused",
			  JUMPING_REASON_TAKEOVER_REFUSED, &t->from, v->detail);
	done(t);
}

static void refuse_why(struct jd *d, struct jd_takeover *t, const char *why)
{
	struct jd_takeover_verdict v = {
		.decision = JD_TAKEOVER_REFUSE,
		.reason = JUMPING_REASON_TAKEOVER_REFUSED,
	};

	snprintf(v.detail, sizeof(v.detail), "%.*s",
		 (int)sizeof(v.detail) - 1, why);
	refuse(d, t, NULL, &v);
}

bool jd_cluster_takeover_request(struct jd *d, const struct jk_event *ev,
			    uint32_t session)
{
	uint64_t now = jd_now_ms();
	struct jd_takeover *t;

	if (!d->cluster)
		return false;
	/* Anyone can send an id: the per source limit caps etcd's reads. */
	if (!jp_rl_allow_source(&d->ra_source, &ev->from, now))
		return true;
	if (ev->packet_len != JP_REATTACH_REQUEST_LEN ||
	    !jd_cluster_may_serve(d)) {
		jd_debug(d, "REQUEST for unknown session %u: not a takeover "
			 "(%s)", session, jd_cluster_may_serve(d) ?
			 "malformed" : "not serving");
		return true;
	}
	t = find(d, session);
	/* Taken as an orphan meanwhile: served with this REQUEST. */
	if (t && t->orphan && !t->has_request) {
		memcpy(t->request, ev->packet, sizeof(t->request));
		t->from = ev->from;
		t->to = ev->to;
		t->has_request = true;
		return true;
	}
	/* The mover repeats its REQUEST: the first one is being looked at. */
	if (t)
		return true;
	t = free_slot(d, now);
	if (!t) {
		jd_debug(d, "REQUEST for unknown session %u: takeovers busy",
			 session);
		return true;
	}
	done(t);
	if (jd_cluster_lookup(d->cluster, session)) {
		jd_debug(d, "REQUEST for unknown session %u: lookup not queued",
			 session);
		return true;
	}
	t->active = true;
	t->session = session;
	t->started_ms = now;
	memcpy(t->request, ev->packet, sizeof(t->request));
	t->from = ev->from;
	t->to = ev->to;
	t->has_request = true;
	jd_debug(d, "REQUEST for unknown session %u: asking etcd", session);
	return true;
}

bool jd_cluster_takeover_orphan(struct jd *d, uint32_t session)
{
	uint64_t now = jd_now_ms();
	struct jd_takeover *t;

	/* Ours (a release, or the lease this gateway lost), or in hand. */
	if (!d->cluster || !jd_cluster_may_serve(d) ||
	    jd_peer_by_local_id(d, session) || find(d, session))
		return true;
	/* Every slot busy: offered again when one is free. */
	t = free_slot(d, now);
	if (!t)
		return false;
	done(t);
	if (jd_cluster_lookup(d->cluster, session))
		return true;
	t->active = true;
	t->orphan = true;
	t->session = session;
	t->started_ms = now;
	jd_debug(d, "session %u: its owner's lease ended: asking etcd",
		 session);
	return true;
}

/*
 * The REQUEST's MAC under the record's REATTACH keys (current, pending,
 * previous while accepted, as the owner would have tried them): valid.
 * Checked with no counter floor; the decision compares the counter.
 */
static bool proof_valid(const struct jd_takeover *t,
			const struct jd_cluster_record *r,
			struct jp_reattach_msg *msg)
{
	struct jp_reattach_replay fresh = { 0 };
	struct jp_ctl_ring ring = { 0 };
	uint64_t now = jd_now_ms(), wall = jd_wall_us();
	struct jp_mac_keys mk;
	bool valid;

	ring.cur = r->cur;
	ring.has_next = r->has_next;
	if (r->has_next)
		ring.next = r->next;
	/* The owner's deadline is on the wall clock: back to ours. */
	ring.has_prev = r->has_prev && r->prev_until_wall_us > wall;
	if (ring.has_prev) {
		ring.prev = r->prev;
		ring.prev_until_ms = now + (r->prev_until_wall_us - wall) / 1000;
	}
	jp_ctl_ring_rx_reattach(&ring, now, &mk);
	valid = jp_reattach_verify_request(t->request, sizeof(t->request),
					   &mk, t->session, &fresh, msg) ==
		JP_REATTACH_OK;
	sodium_memzero(&ring, sizeof(ring));
	return valid;
}

void jd_cluster_takeover_looked_up(struct jd *d, uint32_t session,
			   enum jd_cluster_outcome outcome,
			   const struct jd_cluster_found *found,
			   const char *error)
{
	static struct jd_cluster_record r;
	struct jd_takeover *t = find(d, session);
	struct jd_takeover_facts f = { 0 };
	struct jd_takeover_verdict v;
	struct jp_reattach_msg msg = { 0 };
	struct jd_peer *p = NULL;
	char why[128], etcd_err[160];
	bool ours;

	if (!t || t->creating)
		return;
	if (outcome != JD_CLUSTER_DONE) {
		snprintf(etcd_err, sizeof(etcd_err), "etcd: %s",
			 error ? error : "no answer");
		refuse_why(d, t, etcd_err);
		return;
	}
	/*
	 * Our own owner key, of a session no longer here: ended while
	 * fenced, with the lease alive after all (fenced, nothing is
	 * released). Ours to serve again: the create is already done.
	 */
	ours = found->owner_present && found->owner_node &&
	       !strcmp(found->owner_node, d->cfg->cluster.node);
	f.owner_present = found->owner_present && !ours;
	f.owner_node = found->owner_node;
	f.record = found->record;
	if (f.record == JD_TAKEOVER_RECORD_OPENED) {
		bool reads = jd_cluster_record_decode(&r, found->plain,
						      found->plain_len, why,
						      sizeof(why)) == 0;

		if (reads && r.local_id != session) {
			snprintf(why, sizeof(why), "another session's id");
			reads = false;
		}
		/* Sealed under the cluster key, yet not a record of it. */
		if (!reads) {
			jd_warn("session %u: takeover: its record opens but "
				"does not read: %s", session, why);
			f.record = JD_TAKEOVER_RECORD_UNOPENED;
		}
	}
	if (f.record == JD_TAKEOVER_RECORD_OPENED) {
		f.record_version = found->version;
		f.seen_version = jd_cluster_version(d->cluster, session);
		p = jd_peer_by_pub(d, r.peer);
		f.peer_known = p != NULL;
		f.orphan = !t->has_request;
		f.proof_valid = t->has_request && proof_valid(t, &r, &msg);
		f.request_counter = msg.counter;
		f.counter_floor = r.reattach_floor_any ? r.reattach_floor : 0;
	} else if (found->why) {
		jd_debug(d, "session %u: takeover: record: %s", session,
			 found->why);
	}
	jd_takeover_decide(&f, &v);
	/*
	 * The peer's session lives in the cluster (its owner, or a takeover
	 * under way here): the peer's resume handshakes wait meanwhile
	 * (cluster_resume.c). Any other refusal: they are answered.
	 */
	if (p)
		p->cluster_seen_ms = f.owner_present ||
				     v.decision == JD_TAKEOVER_TRY_CREATE ?
				     jd_now_ms() : 0;
	if (v.decision != JD_TAKEOVER_TRY_CREATE) {
		refuse(d, t, p ? p->conf.name : NULL, &v);
	} else if (!(t->plain = malloc(found->plain_len))) {
		refuse_why(d, t, "out of memory");
	} else if (!ours && jd_cluster_create(d->cluster, session)) {
		refuse_why(d, t, "owner key not queued (not serving)");
	} else {
		t->creating = true;
		t->version = f.record_version;
		memcpy(t->peer, r.peer, sizeof(t->peer));
		/* Read again when won: the session is rebuilt from it. */
		memcpy(t->plain, found->plain, found->plain_len);
		t->plain_len = found->plain_len;
	}
	sodium_memzero(&r, sizeof(r));
	if (ours && t->creating)
		jd_cluster_takeover_created(d, session, JD_CLUSTER_DONE, NULL,
					    NULL);
}

/*
 * Won: the session is served from its record. Refused instead if the
 * peer has a session here (it gave up on the old one, and its new one
 * is the session now) or it cannot be installed; the owner key won is
 * given back then, so that nobody holds what nobody serves.
 */
static void serve(struct jd *d, struct jd_takeover *t, struct jd_peer *p)
{
	static struct jd_cluster_record r;
	struct jk_event request = {
		.packet = t->request, .packet_len = sizeof(t->request),
		.from = t->from, .to = t->to,
	};
	const char *why = NULL;
	char err[128];

	if (!p)
		why = "its peer left the config";
	else if (p->has_session)
		why = "its peer has a session here";
	else if (jd_cluster_record_decode(&r, t->plain, t->plain_len, err,
					  sizeof(err)))
		why = "its record does not read";
	else if (t->has_request ?
		 jd_takeover_serve(d, p, &r, t->version, &request) :
		 jd_takeover_serve_orphan(d, p, &r, t->version))
		why = "the session could not be installed";
	sodium_memzero(&r, sizeof(r));
	if (!why) {
		jd_audit_takeover(d, t->session, p->conf.name, "takeover-owned",
				  JUMPING_REASON_NONE,
				  t->has_request ? &t->from : &p->cur.remote,
				  t->has_request ?
				  "won the create; validating the path" :
				  "its owner's lease ended; asking the client over");
		done(t);
		return;
	}
	jd_cluster_release(d->cluster, t->session);
	refuse_why(d, t, why);
}

bool jd_cluster_takeover_created(struct jd *d, uint32_t session,
			 enum jd_cluster_outcome outcome, const char *holder,
			 const char *error)
{
	struct jd_takeover *t = find(d, session);
	struct jd_takeover_verdict v = { .decision = JD_TAKEOVER_TRY_CREATE };
	struct jd_peer *p;
	char fs[JP_BINDING_STRLEN], failed[160];

	if (!t || !t->creating)
		return false;
	p = jd_peer_by_pub(d, t->peer);
	if (outcome == JD_CLUSTER_FAILED) {
		/* Unknown whether it was applied: if it was, the key goes
		 * with this gateway's lease, which serves nothing under it. */
		snprintf(failed, sizeof(failed), "owner key not created: %s",
			 error ? error : "?");
		refuse_why(d, t, failed);
		return true;
	}
	jd_takeover_created(&v, outcome == JD_CLUSTER_DONE, holder);
	if (v.decision != JD_TAKEOVER_TAKE) {
		refuse(d, t, p ? p->conf.name : NULL, &v);
		return true;
	}
	/* Its writes go on above the version taken over. */
	if (jd_cluster_set_version(d->cluster, session, t->version))
		jd_warn("session %u: takeover: version not kept (out of "
			"memory)", session);
	jd_log("peer %s session %u: takeover on a REATTACH from %s: owner "
	       "key won, record version %" PRIu64, p ? p->conf.name : "?",
	       session, jp_binding_str(&t->from, fs), t->version);
	serve(d, t, p);
	return true;
}
