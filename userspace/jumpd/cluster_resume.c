// SPDX-License-Identifier: GPL-2.0
/*
 * A client whose gateway went silent runs a resume handshake beside its
 * REATTACH (docs/handshake.md, "Fallback to a handshake"): a gateway
 * that does not have the session answers it with a new one. In a
 * cluster that would be wrong: another gateway of the cluster may own
 * the session, or its owner just died and the REATTACH is about to have
 * it taken over, with the same session ids. So a clustered gateway holds
 * a resume initiation from a peer it has no session of for a while.
 * If a REATTACH of that peer's session arrives meanwhile (its record in
 * etcd names the peer, cluster_takeover_flow.c sets cluster_seen_ms),
 * the resume is not answered; otherwise it is, late by the hold: the
 * price, on a cluster only, of a client whose session was really lost.
 */
#include <string.h>
#include <sodium.h>
#include "jumpd.h"

/*
 * Longer than the mover needs to try a REQUEST on another endpoint
 * (700 ms an attempt) and for etcd to name the session's peer.
 */
#define RESUME_HOLD_MS		1500
/* A REATTACH of the peer's cluster session counts for this long. */
#define CLUSTER_SEEN_MS		10000

static bool seen_lately(const struct jd_peer *p, uint64_t now)
{
	return p->cluster_seen_ms && now - p->cluster_seen_ms < CLUSTER_SEEN_MS;
}

bool jd_cluster_resume_wait(struct jd *d, struct jd_peer *p,
			    const struct jk_event *ev)
{
	struct jd_held_resume *h = NULL, *spare = NULL;
	uint64_t now = jd_now_ms();
	char fs[JP_BINDING_STRLEN];
	unsigned int i;

	if (!d->cluster || d->resume_releasing)
		return false;
	if (seen_lately(p, now)) {
		jd_log("peer %s: resume handshake from %s not answered: its session lives in the cluster",
		       p->conf.name, jp_binding_str(&ev->from, fs));
		return true;
	}
	if (ev->packet_len != sizeof(h->packet))
		return false;
	for (i = 0; i < JD_RESUMES_HELD; i++) {
		struct jd_held_resume *c = &d->held_resumes[i];

		if (c->active && !memcmp(c->peer, p->conf.public_key,
					 sizeof(c->peer)))
			h = c;
		else if (!c->active && !spare)
			spare = c;
	}
	/* Full: answered now, as without a cluster. */
	if (!h && !spare)
		return false;
	if (!h) {
		h = spare;
		h->active = true;
		memcpy(h->peer, p->conf.public_key, sizeof(h->peer));
		h->since_ms = now;
		jd_debug(d, "peer %s: resume handshake from %s held for %u ms",
			 p->conf.name, jp_binding_str(&ev->from, fs),
			 RESUME_HOLD_MS);
	}
	/* The newest try is the one answered; the hold runs from the first. */
	memcpy(h->packet, ev->packet, sizeof(h->packet));
	h->from = ev->from;
	h->to = ev->to;
	return true;
}

static void release(struct jd *d, struct jd_held_resume *h, uint64_t now)
{
	struct jd_held_resume copy = *h;
	struct jk_event ev = {
		.packet = copy.packet, .packet_len = sizeof(copy.packet),
		.from = copy.from, .to = copy.to,
	};
	struct jd_peer *p = jd_peer_by_pub(d, copy.peer);

	sodium_memzero(h, sizeof(*h));
	/* Removed by a reload, or its session found meanwhile. */
	if (!p || p->has_session)
		goto out;
	if (seen_lately(p, now)) {
		jd_log("peer %s: held resume handshake not answered: its session lives in the cluster",
		       p->conf.name);
		goto out;
	}
	d->resume_releasing = true;
	jd_hs_on_init(d, &ev);
	d->resume_releasing = false;
out:
	sodium_memzero(&copy, sizeof(copy));
}

uint64_t jd_cluster_resume_tick(struct jd *d, uint64_t now)
{
	uint64_t next = UINT64_MAX, due;
	unsigned int i;

	for (i = 0; i < JD_RESUMES_HELD; i++) {
		struct jd_held_resume *h = &d->held_resumes[i];

		if (!h->active)
			continue;
		due = h->since_ms + RESUME_HOLD_MS;
		if (now >= due)
			release(d, h, now);
		else if (due < next)
			next = due;
	}
	return next;
}
