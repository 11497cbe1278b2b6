// SPDX-License-Identifier: GPL-2.0
/*
 * Supervision: the kernel's RX_AGE_MS (time since the last authenticated
 * packet from the binding) drives the state machine. We poll it at the
 * next deadline jp_timers_due gives, and every POLL_UNSTABLE_MS while the
 * session is not attached, so that a resumed path is seen quickly.
 */
#include <errno.h>
#include <stdlib.h>
#include "jumping_names.h"
#include "jumpd.h"

#define POLL_UNSTABLE_MS	50
#define POLL_MAX_MS		1000

uint64_t jd_supervise(struct jd *d, struct jd_peer *p, uint64_t now)
{
	struct jk_session s;
	enum jp_event ev;
	uint64_t next;
	int i, ret;

	if (!p->has_session)
		return UINT64_MAX;
	if (now < p->next_poll_ms)
		return p->next_poll_ms;
	ret = jk_session_get(&d->k, p->local_id, &s);
	if (ret == -ENOENT) {
		jd_log("peer %s: session %u is gone from the kernel",
		       p->conf.name, p->local_id);
		jd_session_forget(d, p, false);
		return UINT64_MAX;
	}
	if (ret) {
		jd_debug(d, "peer %s: SESSION_GET %u: %s", p->conf.name,
			 p->local_id, jk_error(&d->k));
		p->next_poll_ms = now + POLL_MAX_MS;
		return p->next_poll_ms;
	}
	jd_mp_rx_count(p, s.rx_packets, now * 1000);
	if (s.has_rx_age && s.rx_age_ms <= now &&
	    jp_rx_age_fresh(&p->rx_age, s.rx_age_ms, now, p->last_rx_ms)) {
		p->last_rx_ms = now - s.rx_age_ms;
		jd_mp_heard(p, p->last_rx_ms * 1000);
		/* Responder: the peer uses the keys, the handshake is done. */
		if (p->fsm.state == JUMPING_STATE_BIRTH)
			jd_apply(d, p, JP_EV_HANDSHAKE_DONE, &p->cur);
		/* Only rx within VolatileAfter can say the path is alive. */
		if ((p->fsm.state == JUMPING_STATE_VOLATILE ||
		     p->fsm.state == JUMPING_STATE_RECOVERING) &&
		    s.rx_age_ms < p->timing.volatile_after_ms) {
			jd_apply(d, p, JP_EV_AUTH_RX, NULL);
			if (p->fsm.state == JUMPING_STATE_ATTACHED)
				jd_mover_stop(p);
		}
	}
	/* Silence can cross two thresholds between two polls. */
	for (i = 0; i < 3 && p->has_session; i++) {
		ev = jp_timers_due(&p->fsm, &p->timing, p->last_rx_ms, now,
				   &next);
		if (ev == JP_EV_NONE)
			break;
		if (!jd_apply(d, p, ev, NULL))
			break;
		if (ev == JP_EV_RX_SILENCE && p->has_session && p->initiator)
			jd_mover_start(d, p, "rx-silence", false);
	}
	if (!p->has_session)
		return UINT64_MAX;
	jp_timers_due(&p->fsm, &p->timing, p->last_rx_ms, now, &next);
	if (p->fsm.state != JUMPING_STATE_ATTACHED &&
	    next > now + POLL_UNSTABLE_MS)
		next = now + POLL_UNSTABLE_MS;
	if (next > now + POLL_MAX_MS)
		next = now + POLL_MAX_MS;
	if (next <= now)
		next = now + 1;
	p->next_poll_ms = next;
	return next;
}

/*
 * Notifications were lost (the event socket overran): a session may have
 * been deleted, or its key run out, without our hearing of it. The kernel's
 * list is the truth: forget what it no longer has, and look at every other
 * session now (SESSION_GET finds the rest).
 */
void jd_resync(struct jd *d)
{
	struct jk_session *v = NULL;
	unsigned int i;
	size_t n = 0, j;

	if (jk_session_dump(&d->k, &v, &n)) {
		jd_log("resync: cannot list the kernel's sessions: %s",
		       jk_error(&d->k));
		return;
	}
	for (i = 0; i < d->n_peers; i++) {
		struct jd_peer *p = d->peers[i];

		if (!p->has_session)
			continue;
		for (j = 0; j < n && v[j].id != p->local_id; j++)
			;
		if (j == n) {
			jd_log("peer %s: session %u is gone from the kernel (resync)",
			       p->conf.name, p->local_id);
			jd_session_forget(d, p, false);
			continue;
		}
		p->next_poll_ms = 0;
	}
	free(v);
}
