// SPDX-License-Identifier: GPL-2.0
/*
 * Supervision: whether the binding is heard drives the state machine.
 *
 * From events, not polling. Every session gets a SILENCE_MS (at
 * SESSION_NEW, or when adopted): the kernel says SILENCE_NTF silent when
 * the session sent and heard nothing from its binding for that long (with
 * RX_AGE_MS, the time since the last rx), and resumed at the first
 * authenticated packet after. Keepalives make both sides send, so a
 * binding that goes quiet is told silent by VolatileAfter at the latest
 * (SILENCE_MS = VolatileAfter - KeepaliveInterval, jd_silence_default_ms);
 * the multipath mover sets its own, shorter one (the RTO). Until silent,
 * the binding counts as heard; once silent, the silence timers run from
 * the last rx the kernel named; resumed ends them.
 *
 * What events cannot tell comes from one dump of all the device's
 * sessions, at most every JD_LOOK_MS and only while some session wants
 * it (jd_look): a session without keepalives or silence notifications
 * (it may be silent without ever sending), a responder in BIRTH whose
 * initiator's confirm was lost (the first data moves it), one unstable
 * while the kernel is not silent (no resumed will come), and the mover's
 * busy detection (rx_packets grew by more than keepalives). A gateway of
 * responders with keepalives takes no dump at all while its sessions are
 * heard.
 */
#include <errno.h>
#include <stdlib.h>
#include "jumping_names.h"
#include "jumpd.h"

#define JD_LOOK_MS		1000
/*
 * An initiator not attached, with no silence told, looks every 50 ms (as
 * it polled before): its rx resuming ends a move. A client has a few
 * sessions; a gateway's responders look once a second at the most.
 */
#define JD_LOOK_FAST_MS		50
#define SILENCE_MIN_MS		10
#define SILENCE_MAX_MS		600000

uint32_t jd_silence_default_ms(const struct jd_peer *p)
{
	uint64_t ms = p->timing.volatile_after_ms;

	if (p->timing.keepalive_ms && p->timing.keepalive_ms < ms)
		ms -= p->timing.keepalive_ms;
	if (ms < SILENCE_MIN_MS)
		ms = SILENCE_MIN_MS;
	if (ms > SILENCE_MAX_MS)
		ms = SILENCE_MAX_MS;
	return (uint32_t)ms;
}

static bool unstable(const struct jd_peer *p)
{
	return p->fsm.state == JUMPING_STATE_VOLATILE ||
	       p->fsm.state == JUMPING_STATE_RECOVERING;
}

/* Whether the kernel's silence notifications say when rx stops. */
static bool rx_by_events(const struct jd_peer *p)
{
	return p->timing.keepalive_ms && p->silence_set &&
	       !p->mp.silence_unsupported && (p->silent || !unstable(p));
}

/* What a dump can tell and events cannot (see above). */
static bool wants_look(const struct jd_peer *p)
{
	return !rx_by_events(p) || p->fsm.state == JUMPING_STATE_BIRTH ||
	       jd_mp_on(p);
}

/* Authenticated rx on the binding at rx_ms: the state machine hears it. */
static void heard(struct jd *d, struct jd_peer *p, uint64_t rx_ms,
		  uint64_t rx_age_ms)
{
	p->last_rx_ms = rx_ms;
	jd_mp_heard(p, rx_ms * 1000);
	/* Responder: the peer uses the keys, the handshake is done. */
	if (p->fsm.state == JUMPING_STATE_BIRTH)
		jd_apply(d, p, JP_EV_HANDSHAKE_DONE, &p->cur);
	/* Only rx within VolatileAfter can say the path is alive. */
	if (unstable(p) && rx_age_ms < p->timing.volatile_after_ms) {
		jd_apply(d, p, JP_EV_AUTH_RX, NULL);
		if (p->fsm.state == JUMPING_STATE_ATTACHED)
			jd_mover_stop(p);
	}
}

void jd_on_silence(struct jd *d, struct jd_peer *p, const struct jk_event *ev)
{
	uint64_t now = jd_now_ms();
	bool silent = ev->s.liveness == JUMPING_LIVENESS_SILENT;

	if (!p->has_session ||
	    (!silent && ev->s.liveness != JUMPING_LIVENESS_RESUMED))
		return;
	jd_mp_on_silence(d, p, silent, ev->s.unheard_ms);
	p->silent = silent;
	if (silent) {
		/* The silence timers run from the last rx the kernel saw. */
		if (ev->s.has_rx_age && ev->s.rx_age_ms <= now &&
		    now - ev->s.rx_age_ms > p->last_rx_ms)
			p->last_rx_ms = now - ev->s.rx_age_ms;
		else if (!ev->s.has_rx_age && p->last_rx_ms + ev->s.unheard_ms > now)
			p->last_rx_ms = now > ev->s.unheard_ms ?
					now - ev->s.unheard_ms : 0;
		return;
	}
	heard(d, p, now, 0);
}

/* A session's entry of the dump: what the old per-session poll read. */
static void look_one(struct jd *d, struct jd_peer *p,
		     const struct jk_session *s, uint64_t now)
{
	p->looked_ms = now;
	jd_mp_rx_count(p, s->rx_packets, now * 1000);
	if (s->has_rx_age && s->rx_age_ms <= now &&
	    jp_rx_age_fresh(&p->rx_age, s->rx_age_ms, now, p->last_rx_ms))
		heard(d, p, now - s->rx_age_ms, s->rx_age_ms);
}

/*
 * One dump for every session that wants a look; it is taken only while
 * one of them asked in the last two intervals (each asks at its tick).
 */
uint64_t jd_look(struct jd *d, uint64_t now)
{
	struct jk_session *v = NULL;
	struct jd_peer *p;
	size_t n = 0, i;

	if (now >= d->want_look_until_ms)
		return UINT64_MAX;
	if (now < d->next_look_ms)
		return d->next_look_ms;
	d->next_look_ms = now + JD_LOOK_MS;
	d->last_look_ms = now;
	d->looks++;
	if (jk_session_dump(&d->k, &v, &n)) {
		jd_debug(d, "session dump: %s", jk_error(&d->k));
		return d->next_look_ms;
	}
	/* Only the sessions looked at are due again: O(n) lookups, no more. */
	for (i = 0; i < n; i++) {
		p = jd_peer_of_session(d, v[i].id);
		if (p && wants_look(p)) {
			jd_touch(d, p);
			look_one(d, p, &v[i], now);
		}
	}
	free(v);
	return d->next_look_ms;
}

uint64_t jd_supervise(struct jd *d, struct jd_peer *p, uint64_t now)
{
	enum jp_event ev;
	uint64_t next;
	int i;

	if (!p->has_session)
		return UINT64_MAX;
	/* Not told silent: the binding is heard (the kernel would say). */
	if (rx_by_events(p) && !p->silent && p->last_rx_ms < now)
		p->last_rx_ms = now;
	/* Silence can cross two thresholds at once. */
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
	/* Heard: nothing is due until the kernel says silent (an event). */
	if (rx_by_events(p) && !p->silent &&
	    p->fsm.state != JUMPING_STATE_BIRTH)
		next = UINT64_MAX;
	if (wants_look(p)) {
		uint64_t at = d->last_look_ms +
			      (p->initiator && !rx_by_events(p) &&
			       p->fsm.state != JUMPING_STATE_ATTACHED &&
			       p->fsm.state != JUMPING_STATE_DEGRADED ?
			       JD_LOOK_FAST_MS : JD_LOOK_MS);

		/* Asked again at each look while it wants them. */
		if (d->want_look_until_ms < now + 2 * JD_LOOK_MS)
			d->want_look_until_ms = now + 2 * JD_LOOK_MS;
		if (at <= now)
			at = now + 1;
		if (d->next_look_ms <= now || at < d->next_look_ms)
			d->next_look_ms = at;
		if (next > d->next_look_ms + 1)
			next = d->next_look_ms + 1;
	}
	if (next <= now)
		next = now + 1;
	return next;
}

/*
 * Notifications were lost (the event socket overran): a session may have
 * been deleted, its key run out, or its silence told, without our hearing
 * of it. The kernel's list is the truth: forget what it no longer has,
 * and take every other session's liveness from it.
 */
void jd_resync(struct jd *d)
{
	struct jk_session *v = NULL;
	uint64_t now = jd_now_ms();
	struct jd_peer *p;
	unsigned int i;
	size_t n = 0, j;

	if (jk_session_dump(&d->k, &v, &n)) {
		jd_log("resync: cannot list the kernel's sessions: %s",
		       jk_error(&d->k));
		return;
	}
	d->resync_gen++;
	for (j = 0; j < n; j++) {
		p = jd_peer_by_local_id(d, v[j].id);
		if (!p)
			continue;
		p->resync_gen = d->resync_gen;
		p->silent = v[j].liveness == JUMPING_LIVENESS_SILENT;
		look_one(d, p, &v[j], now);
	}
	free(v);
	for (i = 0; i < d->n_peers; i++) {
		p = d->peers[i];
		if (!p->has_session || p->resync_gen == d->resync_gen)
			continue;
		jd_log("peer %s: session %u is gone from the kernel (resync)",
		       p->conf.name, p->local_id);
		jd_session_forget(d, p, false);
	}
	jd_touch_all(d);
}
