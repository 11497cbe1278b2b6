// SPDX-License-Identifier: GPL-2.0
/*
 * REATTACH as a conversation (reattach.h has the messages):
 * - mover (the initiator, which knows the candidate paths): on silence it
 *   asks the peer, from the next path, to move the session there, and
 *   retransmits with backoff, going on to the following path after
 *   MOVER_TRIES; a valid challenge is answered from the same path and the
 *   local binding switched.
 * - peer: source rate limit, proof and replay, session rate limit and the
 *   switch window, then a challenge to the observed source within the 3x
 *   budget; the binding moves only when the response comes back from it.
 * Rejections are audited and counted; they never touch the session.
 */
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <sodium.h>
#include "hs_msg.h"
#include "jumping_names.h"
#include "jumpd.h"

#define MOVER_FIRST_MS		100
#define MOVER_MAX_MS		800
#define MOVER_TRIES		3	/* per path before the next one */
#define CHALLENGE_FIRST_MS	150
#define VALIDATION_MS		2000

void jd_reattach_reset(struct jd_peer *p)
{
	uint64_t counter = p->mover.counter;

	memset(&p->mover, 0, sizeof(p->mover));
	p->mover.counter = counter;
	memset(&p->val, 0, sizeof(p->val));
}

static uint64_t wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* ---- mover ------------------------------------------------------------- */

static void send_request(struct jd *d, struct jd_peer *p, uint64_t now)
{
	struct jd_mover *m = &p->mover;
	uint8_t msg[JP_REATTACH_REQUEST_LEN];
	struct jp_binding claimed;
	uint64_t delay = MOVER_FIRST_MS;
	unsigned int i;
	char ps[160];

	if (m->tries >= MOVER_TRIES && p->n_paths > 1) {
		m->path = (m->path + 1) % p->n_paths;
		m->target = p->paths[m->path];
		m->tries = 0;
		m->paths_tried++;
	}
	/* What we believe our address is; the peer trusts only what it sees. */
	claimed = m->target.local;
	if (!claimed.family)
		claimed.family = m->target.remote.family;
	claimed.port = d->cfg->iface.listen_port;
	m->counter = jp_reattach_counter_from_time(wall_us(),
						   p->reattach_counter);
	p->reattach_counter = m->counter;
	jp_reattach_encode_request(msg, p->reattach_key, p->remote_id,
				   m->counter, &claimed);
	m->sent[m->counter % JD_MOVER_RING] = m->counter;
	m->sent_on[m->counter % JD_MOVER_RING] = m->target;
	m->tries++;
	for (i = 1; i < m->tries && delay < MOVER_MAX_MS; i++)
		delay *= 2;
	m->next_ms = now + (delay < MOVER_MAX_MS ? delay : MOVER_MAX_MS);
	jd_debug(d, "peer %s session %u: REATTACH request %llu on %s",
		 p->conf.name, p->local_id, (unsigned long long)m->counter,
		 jd_path_str(&m->target, ps, sizeof(ps)));
	if (jk_packet_send(&d->k, msg, sizeof(msg), &m->target.remote,
			   &m->target.local))
		jd_debug(d, "peer %s: send on %s: %s", p->conf.name, ps,
			 jk_error(&d->k));
}

void jd_mover_start(struct jd *d, struct jd_peer *p, const char *why)
{
	struct jd_mover *m = &p->mover;
	char ps[160];

	if (!p->has_session || m->active || !p->n_paths)
		return;
	m->active = true;
	m->tries = 0;
	m->paths_tried = 0;
	/* Challenges to an earlier move must not switch this one. */
	memset(m->sent, 0, sizeof(m->sent));
	/* Another uplink if we have one; else the same path (NAT rebinding). */
	m->path = p->n_paths > 1 ? (p->cur_path + 1) % p->n_paths :
		  p->cur_path;
	m->target = p->paths[m->path];
	jd_log("peer %s session %u: %s, reattaching on %s", p->conf.name,
	       p->local_id, why, jd_path_str(&m->target, ps, sizeof(ps)));
	jd_apply(d, p, JP_EV_REATTACH_REQUESTED, NULL);
	send_request(d, p, jd_now_ms());
}

static void on_challenge(struct jd *d, struct jd_peer *p,
			 const struct jk_event *ev)
{
	struct jd_mover *m = &p->mover;
	uint8_t msg[JP_REATTACH_RESPONSE_LEN];
	struct jp_reattach_msg c;
	struct jd_path path;
	unsigned int slot;

	/* Any of our recent requests: the MAC decides, then the counter. */
	if (jp_reattach_peek(ev->packet, ev->packet_len, &c) != JP_REATTACH_OK)
		return;
	slot = c.counter % JD_MOVER_RING;
	if (!c.counter || m->sent[slot] != c.counter ||
	    jp_reattach_verify_challenge(ev->packet, ev->packet_len,
					 p->reattach_key, p->local_id,
					 c.counter, &c) != JP_REATTACH_OK) {
		jd_debug(d, "peer %s: challenge does not answer a request of ours",
			 p->conf.name);
		return;
	}
	/* Answer from the path the request went out on. */
	path = m->sent_on[slot];
	jp_reattach_encode_response(msg, p->reattach_key, p->remote_id,
				    c.counter, &c.binding, c.nonce);
	jk_packet_send(&d->k, msg, sizeof(msg), &path.remote, &path.local);
	/*
	 * Whoever we answer moves the session there: follow, even if the
	 * move had been given up (rx resumed meanwhile on the old path).
	 */
	m->active = false;
	if (!memcmp(&path, &p->cur, sizeof(path)))
		return;		/* a repeated challenge: answered again */
	for (slot = 0; slot < p->n_paths; slot++)
		if (!memcmp(&p->paths[slot], &path, sizeof(path)))
			p->cur_path = slot;
	jd_apply(d, p, JP_EV_PATH_VALIDATED, &path);
}

/* ---- peer -------------------------------------------------------------- */

static void reject(struct jd *d, struct jd_peer *p, enum jumping_reason why,
		   const struct jp_binding *from)
{
	char fs[JP_BINDING_STRLEN];

	d->reattach_rejected++;
	/* The binding stays: before and after are the same. */
	jd_audit_event(d, p, "reattach-rejected", why, &p->cur.remote,
		       &p->cur.remote);
	/* A flood must not flood the log too. */
	if (d->reattach_rejected <= 20 || !(d->reattach_rejected % 100))
		jd_log("peer %s session %u: REATTACH from %s rejected: %s (%llu so far)",
		       p->conf.name, p->local_id, jp_binding_str(from, fs),
		       reason_name(why),
		       (unsigned long long)d->reattach_rejected);
}

static void send_challenge(struct jd *d, struct jd_peer *p, uint64_t now)
{
	struct jd_validation *v = &p->val;
	size_t len = sizeof(v->challenge);

	if (!jp_amp_try_send(&v->pending.amp, len)) {
		jd_debug(d, "peer %s: challenge held back by the 3x budget",
			 p->conf.name);
		v->next_ms = v->deadline_ms;
		return;
	}
	v->sent++;
	v->next_ms = now + ((uint64_t)CHALLENGE_FIRST_MS << (v->sent - 1));
	if (v->next_ms > v->deadline_ms)
		v->next_ms = v->deadline_ms;
	jk_packet_send(&d->k, v->challenge, len, &v->pending.path,
		       &v->arrived_on);
}

/* How many switches the window holds now, without counting one. */
static bool window_has_room(const struct jp_window *w, uint64_t now)
{
	unsigned int i, n = 0;

	for (i = 0; i < w->len; i++)
		if (now - w->at[i] < w->window_ms)
			n++;
	return n < w->max;
}

static void on_request(struct jd *d, struct jd_peer *p,
		       const struct jk_event *ev)
{
	struct jd_validation *v = &p->val;
	enum jp_reattach_verdict verdict;
	struct jp_reattach_msg r;
	uint64_t now = jd_now_ms();
	bool same_path;

	/* Per source first: the cheapest refusal protects the rest. */
	if (!jp_rl_allow_source(&d->ra_source, &ev->from, now)) {
		reject(d, p, JUMPING_REASON_REATTACH_RATE_LIMITED, &ev->from);
		return;
	}
	verdict = jp_reattach_verify_request(ev->packet, ev->packet_len,
					     p->reattach_key, p->local_id,
					     &p->replay, &r);
	if (verdict != JP_REATTACH_OK) {
		reject(d, p, jp_reattach_reason(verdict), &ev->from);
		return;
	}
	if (!jp_rl_allow_session(&p->rl, p->local_id, now) ||
	    !window_has_room(&p->switches, now)) {
		reject(d, p, JUMPING_REASON_REATTACH_RATE_LIMITED, &ev->from);
		return;
	}
	same_path = v->active && jp_binding_equal(&v->pending.path, &ev->from);
	if (!same_path)
		jp_amp_init(&v->pending.amp);
	jp_amp_on_received(&v->pending.amp, ev->packet_len);
	v->active = true;
	v->pending.counter = r.counter;
	v->pending.path = ev->from;
	v->arrived_on = ev->to;
	randombytes_buf(v->pending.nonce, sizeof(v->pending.nonce));
	jp_reattach_encode_challenge(v->challenge, p->reattach_key,
				     p->remote_id, r.counter, &ev->from,
				     v->pending.nonce);
	v->sent = 0;
	v->deadline_ms = now + VALIDATION_MS;
	/* Also in RECOVERING: the audit log shows every accepted request. */
	jd_apply(d, p, JP_EV_REATTACH_REQUESTED, NULL);
	send_challenge(d, p, now);
}

static void on_response(struct jd *d, struct jd_peer *p,
			const struct jk_event *ev)
{
	struct jd_validation *v = &p->val;
	enum jp_reattach_verdict verdict;
	struct jd_path path;

	if (!v->active)
		return;
	verdict = jp_reattach_verify_response(ev->packet, ev->packet_len,
					      p->reattach_key, p->local_id,
					      &v->pending, &ev->from);
	if (verdict != JP_REATTACH_OK) {
		reject(d, p, jp_reattach_reason(verdict), &ev->from);
		return;
	}
	jp_amp_on_validated(&v->pending.amp);
	v->active = false;
	if (!jp_window_allow(&p->switches, jd_now_ms())) {
		reject(d, p, JUMPING_REASON_REATTACH_RATE_LIMITED, &ev->from);
		jd_apply(d, p, JP_EV_REATTACH_REJECTED, NULL);
		return;
	}
	path.remote = ev->from;
	path.local = v->arrived_on;
	jd_apply(d, p, JP_EV_PATH_VALIDATED, &path);
}

uint64_t jd_reattach_tick(struct jd *d, struct jd_peer *p, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	if (!p->has_session)
		return next;
	if (p->mover.active) {
		if (now >= p->mover.next_ms)
			send_request(d, p, now);
		next = p->mover.next_ms;
	}
	if (p->val.active) {
		if (now >= p->val.deadline_ms) {
			p->val.active = false;
			reject(d, p, JUMPING_REASON_REATTACH_TIMEOUT,
			       &p->val.pending.path);
			jd_apply(d, p, JP_EV_REATTACH_REJECTED, NULL);
		} else if (now >= p->val.next_ms) {
			send_challenge(d, p, now);
		}
		if (p->val.active && p->val.next_ms < next)
			next = p->val.next_ms;
	}
	return next;
}

void jd_reattach_on_control(struct jd *d, const struct jk_event *ev)
{
	struct jd_peer *p;
	uint32_t id;

	if (ev->packet_len < JP_REATTACH_HDR_LEN)
		return;
	if (ev->packet[1] == JP_CTRL_KEY_CONFIRM) {
		jd_hs_on_confirm(d, ev);
		return;
	}
	id = (uint32_t)ev->packet[4] << 24 | (uint32_t)ev->packet[5] << 16 |
	     (uint32_t)ev->packet[6] << 8 | ev->packet[7];
	p = jd_peer_by_local_id(d, id);
	if (!p) {
		jd_debug(d, "control message for unknown session %u", id);
		return;
	}
	switch (ev->packet[1]) {
	case JP_REATTACH_REQUEST:
		on_request(d, p, ev);
		break;
	case JP_REATTACH_CHALLENGE:
		on_challenge(d, p, ev);
		break;
	case JP_REATTACH_RESPONSE:
		on_response(d, p, ev);
		break;
	default:
		reject(d, p, JUMPING_REASON_REATTACH_BAD_PROOF, &ev->from);
	}
}
