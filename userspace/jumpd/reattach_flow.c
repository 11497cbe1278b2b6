// SPDX-License-Identifier: GPL-2.0
/*
 * The peer's side of REATTACH (reattach.h has the messages; the mover's
 * side is mover_flow.c), and the dispatch of every control message:
 * source rate limit, proof and replay, session rate limit and the switch
 * window, then a challenge to the observed source within the 3x budget;
 * the binding moves only when the response comes back from it. A SWITCH
 * (probe.h) passes the same checks; with a probe token we sent to its
 * source, that source has shown it receives and the binding moves at
 * once, else it is a REQUEST. Rejections are audited and counted; they
 * never touch the session.
 */
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <sodium.h>
#include "hs_msg.h"
#include "jumping_names.h"
#include "jumpd.h"
#include "probe.h"
#include "probe_token.h"

#define CHALLENGE_FIRST_MS	150
#define VALIDATION_MS		2000

void jd_reattach_reset(struct jd_peer *p)
{
	memset(&p->mover, 0, sizeof(p->mover));
	memset(&p->val, 0, sizeof(p->val));
	memset(&p->solicit_replay, 0, sizeof(p->solicit_replay));
	memset(&p->probe_window, 0, sizeof(p->probe_window));
	p->switch_acked = 0;
}

static void log_reject(struct jd *d, const struct jd_peer *p,
		       enum jumping_reason why, const struct jp_binding *from)
{
	char fs[JP_BINDING_STRLEN];

	d->reattach_rejected++;
	/* A flood must not flood stderr either. */
	if (d->reattach_rejected <= 20 || !(d->reattach_rejected % 100))
		jd_log("peer %s session %u: REATTACH from %s rejected: %s (%llu so far)",
		       p->conf.name, p->local_id, jp_binding_str(from, fs),
		       reason_name(why),
		       (unsigned long long)d->reattach_rejected);
}

/*
 * A rejection that anyone could cause (no valid proof of a fresh request:
 * the session id is in every data packet): the first of an interval is
 * audited at once, the rest as one line per reason with their count when
 * the interval ends. A flood costs the log a few lines per interval.
 */
static void reject_unauth(struct jd *d, struct jd_peer *p,
			  enum jumping_reason why,
			  const struct jp_binding *from)
{
	struct jd_rejections *r = &p->rejections;
	uint64_t now = jd_now_ms();

	log_reject(d, p, why, from);
	p->reattach_rejected.n[why]++;
	if (!r->since_ms)
		r->since_ms = now;
	if (r->count[why]++)
		return;
	jd_audit_count(d, p, "reattach-rejected", why, 1);
	r->written[why] = 1;
}

static uint64_t flush_rejections(struct jd *d, struct jd_peer *p,
				 uint64_t now)
{
	struct jd_rejections *r = &p->rejections;
	unsigned int why;

	if (!r->since_ms)
		return UINT64_MAX;
	if (now - r->since_ms < JD_REJECT_SUMMARY_MS)
		return r->since_ms + JD_REJECT_SUMMARY_MS;
	for (why = 0; why < __JUMPING_REASON_MAX; why++)
		if (r->count[why] > r->written[why])
			jd_audit_count(d, p, "reattach-rejected", why,
				       r->count[why] - r->written[why]);
	memset(r, 0, sizeof(*r));
	return UINT64_MAX;
}

/* Rejecting a verified, fresh request: one line each. */
static void reject(struct jd *d, struct jd_peer *p, enum jumping_reason why,
		   const struct jp_binding *from)
{
	log_reject(d, p, why, from);
	p->reattach_rejected.n[why]++;
	/* The binding stays: before and after are the same. */
	jd_audit_event(d, p, "reattach-rejected", why, &p->cur.remote,
		       &p->cur.remote);
}

static void send_challenge(struct jd *d, struct jd_peer *p, uint64_t now)
{
	struct jd_validation *v = &p->val;
	size_t len = sizeof(v->challenge);

	/*
	 * Clustered: not before etcd holds the request's counter as the
	 * floor, or a taker reading the record meanwhile would accept the
	 * request the client saw answered. jd_reattach_floor_written sends
	 * it; if the write never lands, the validation times out.
	 */
	if (v->floor_version) {
		v->next_ms = v->deadline_ms;
		return;
	}
	if (!jp_amp_try_send(&v->pending.amp, len)) {
		jd_debug(d, "peer %s: challenge held back by the 3x budget",
			 p->conf.name);
		v->next_ms = v->deadline_ms;
		return;
	}
	v->sent++;
	v->next_ms = now + ((uint64_t)CHALLENGE_FIRST_MS <<
			    (v->sent < 5 ? v->sent - 1 : 4));
	if (v->next_ms > v->deadline_ms)
		v->next_ms = v->deadline_ms;
	jk_packet_send(&d->k, v->challenge, len, &v->pending.path,
		       &v->arrived_on);
}

/*
 * The mover repeats an attempt's request unchanged until it gets our
 * challenge: one with the counter we are validating, from the address we
 * are validating, is that request again (if its MAC verifies).
 */
static bool is_retransmission(const struct jd_peer *p,
			      const struct jk_event *ev)
{
	const struct jd_validation *v = &p->val;
	struct jp_reattach_replay fresh = { 0 };
	struct jp_reattach_msg r;
	struct jp_mac_keys mk;

	if (!v->active || !jp_binding_equal(&v->pending.path, &ev->from) ||
	    jp_reattach_peek(ev->packet, ev->packet_len, &r) != JP_REATTACH_OK ||
	    r.counter != v->pending.counter)
		return false;
	return jp_reattach_verify_request(ev->packet, ev->packet_len,
					  jd_ctl_rx(p, &mk), p->local_id,
					  &fresh, &r) == JP_REATTACH_OK;
}

/* REQUEST and SWITCH: per source first, the cheapest refusal. */
static bool source_allowed(struct jd *d, struct jd_peer *p,
			   const struct jk_event *ev, uint64_t now)
{
	if (jp_rl_allow_source(&d->ra_source, &ev->from, now))
		return true;
	reject_unauth(d, p, JUMPING_REASON_REATTACH_RATE_LIMITED, &ev->from);
	return false;
}

/* A verified, fresh one: the session's rate and its switch window. */
static bool session_allowed(struct jd *d, struct jd_peer *p,
			    const struct jk_event *ev, uint64_t now)
{
	if (jp_rl_allow_session(&p->rl, p->local_id, now) &&
	    jp_window_room(&p->switches, now))
		return true;
	reject(d, p, JUMPING_REASON_REATTACH_RATE_LIMITED, &ev->from);
	return false;
}

/* A verified, fresh, allowed request from ev's source: challenge it. */
static void begin_validation(struct jd *d, struct jd_peer *p,
			     const struct jk_event *ev, uint64_t counter,
			     uint64_t now)
{
	struct jd_validation *v = &p->val;
	bool same_path;

	same_path = v->active && jp_binding_equal(&v->pending.path, &ev->from);
	if (!same_path)
		jp_amp_init(&v->pending.amp);
	jp_amp_on_received(&v->pending.amp, ev->packet_len);
	v->active = true;
	v->pending.counter = counter;
	v->pending.path = ev->from;
	v->arrived_on = ev->to;
	randombytes_buf(v->pending.nonce, sizeof(v->pending.nonce));
	jp_reattach_encode_challenge(v->challenge, p->ctl.cur.reattach,
				     jp_ctl_dir_out(&p->ctl.cur), p->remote_id,
				     counter, &ev->from, v->pending.nonce);
	v->sent = 0;
	v->deadline_ms = now + VALIDATION_MS;
	/* Also in RECOVERING: the audit log shows every accepted request. */
	jd_apply(d, p, JP_EV_REATTACH_REQUESTED, NULL);
	/* Clustered: the newest record queued carries the counter. */
	v->floor_version = jd_cluster_record_unwritten(d, p);
	send_challenge(d, p, now);
}

void jd_reattach_floor_written(struct jd *d, struct jd_peer *p,
			       uint64_t version)
{
	struct jd_validation *v = &p->val;

	if (!p->has_session || !v->active || !v->floor_version ||
	    version < v->floor_version)
		return;
	v->floor_version = 0;
	send_challenge(d, p, jd_now_ms());
	jd_touch(d, p);		/* its retransmissions are due from now */
}

/* A new REQUEST: proof, replay, the session's policy, then validated. */
static void take_request(struct jd *d, struct jd_peer *p,
			 const struct jk_event *ev, uint64_t now)
{
	enum jp_reattach_verdict verdict;
	struct jp_reattach_msg r;
	struct jp_mac_keys mk;

	verdict = jp_reattach_verify_request(ev->packet, ev->packet_len,
					     jd_ctl_rx(p, &mk), p->local_id,
					     &p->replay, &r);
	if (verdict != JP_REATTACH_OK) {
		reject_unauth(d, p, jp_reattach_reason(verdict), &ev->from);
		return;
	}
	jd_ctl_heard(d, p, &mk);
	/* An orphan taken over: its client came, no more asking. */
	p->solicits_left = 0;
	/* The counter floor rose: queued for the cluster's record before
	 * anything is answered; the challenge waits for it. */
	jd_cluster_session_changed(d, p);
	if (!session_allowed(d, p, ev, now))
		return;
	begin_validation(d, p, ev, r.counter, now);
}

static void on_request(struct jd *d, struct jd_peer *p,
		       const struct jk_event *ev)
{
	struct jd_validation *v = &p->val;
	uint64_t now = jd_now_ms();

	/* Per source first: the cheapest refusal protects the rest. */
	if (!source_allowed(d, p, ev, now))
		return;
	if (is_retransmission(p, ev)) {
		/* Same attempt: the same challenge again, nothing else. */
		jp_amp_on_received(&v->pending.amp, ev->packet_len);
		send_challenge(d, p, now);
		return;
	}
	take_request(d, p, ev, now);
}

void jd_reattach_on_taken_request(struct jd *d, struct jd_peer *p,
				  const struct jk_event *ev)
{
	take_request(d, p, ev, jd_now_ms());
}

static void send_switch_ack(struct jd *d, struct jd_peer *p,
			    const struct jk_event *ev, uint64_t counter)
{
	uint8_t msg[JP_SWITCH_ACK_LEN];
	size_t len;

	len = jp_probe_encode_switch_ack(msg, p->ctl.cur.reattach,
					 jp_ctl_dir_out(&p->ctl.cur),
					 p->remote_id, counter, &ev->from);
	jk_packet_send(&d->k, msg, len, &ev->from, &ev->to);
}

/*
 * A SWITCH: the checks of a REQUEST; then, with a token we sent to its
 * source for this session (the source showed it receives, within the
 * token's lifetime), the binding moves now and a SWITCH-ACK tells the
 * mover; without one it is a REQUEST and gets a challenge. 52 bytes
 * answer 68, a challenge 68: within the 3x budget either way.
 */
static void on_switch(struct jd *d, struct jd_peer *p,
		      const struct jk_event *ev)
{
	enum jp_reattach_verdict verdict;
	uint64_t now = jd_now_ms();
	struct jp_probe_msg m;
	struct jp_mac_keys mk;
	struct jd_path path;

	if (!source_allowed(d, p, ev, now))
		return;
	verdict = jp_probe_verify_switch(ev->packet, ev->packet_len,
					 jd_ctl_rx(p, &mk), p->local_id,
					 &p->replay, &m);
	/* The SWITCH just taken, again: our SWITCH-ACK was lost. */
	if (verdict == JP_REATTACH_REPLAYED && m.counter &&
	    m.counter == p->switch_acked &&
	    jp_binding_equal(&ev->from, &p->cur.remote)) {
		send_switch_ack(d, p, ev, m.counter);
		return;
	}
	/* The SWITCH being challenged, again: the same challenge. */
	if (verdict == JP_REATTACH_REPLAYED && p->val.active &&
	    m.counter == p->val.pending.counter &&
	    jp_binding_equal(&p->val.pending.path, &ev->from)) {
		jp_amp_on_received(&p->val.pending.amp, ev->packet_len);
		send_challenge(d, p, now);
		return;
	}
	if (verdict != JP_REATTACH_OK) {
		reject_unauth(d, p, jp_reattach_reason(verdict), &ev->from);
		return;
	}
	jd_ctl_heard(d, p, &mk);
	jd_cluster_session_changed(d, p);	/* as on_request */
	if (!session_allowed(d, p, ev, now))
		return;
	/*
	 * Clustered, with the raised floor not yet in etcd: a challenge,
	 * which waits for it, rather than an answer at once.
	 */
	if (!jp_probe_token_verify(&d->probe_tokens, now, p->local_id,
				   &ev->from, m.token) ||
	    jd_cluster_record_unwritten(d, p)) {
		begin_validation(d, p, ev, m.counter, now);
		return;
	}
	jp_window_allow(&p->switches, now);
	p->val.active = false;
	path.remote = ev->from;
	path.local = ev->to;
	if (!jd_apply(d, p, JP_EV_PATH_VALIDATED, &path))
		return;
	p->switch_acked = m.counter;
	send_switch_ack(d, p, ev, m.counter);
}

static void on_response(struct jd *d, struct jd_peer *p,
			const struct jk_event *ev)
{
	struct jd_validation *v = &p->val;
	enum jp_reattach_verdict verdict;
	struct jp_mac_keys mk;
	struct jd_path path;

	if (!v->active)
		return;
	verdict = jp_reattach_verify_response(ev->packet, ev->packet_len,
					      jd_ctl_rx(p, &mk), p->local_id,
					      &v->pending, &ev->from);
	if (verdict != JP_REATTACH_OK) {
		reject_unauth(d, p, jp_reattach_reason(verdict), &ev->from);
		return;
	}
	jd_ctl_heard(d, p, &mk);
	jp_amp_on_validated(&v->pending.amp);
	v->active = false;
	if (!jp_window_allow(&p->switches, jd_now_ms())) {
		reject(d, p, JUMPING_REASON_REATTACH_RATE_LIMITED, &ev->from);
		jd_apply(d, p, JP_EV_REATTACH_REJECTED, NULL);
		return;
	}
	path.remote = ev->from;
	path.local = v->arrived_on;
	/* Taken over: the path is the client's; now its first data key. */
	if (jd_apply(d, p, JP_EV_PATH_VALIDATED, &path) && p->taking_over)
		jd_hs_start(d, p, true);
}

/*
 * Authenticated packets of the session from an address that is not its
 * binding, while the binding is silent: the mover hears us and will not
 * move by itself, and our binding would die at the TTL while traffic flows
 * both ways. Ask it to reattach (the kernel tells us this at most once a
 * second per session; one small datagram each time, to an address whose
 * packets carried the session's keys).
 */
void jd_reattach_on_unknown_source(struct jd *d, struct jd_peer *p,
				   const struct jp_binding *from)
{
	char fs[JP_BINDING_STRLEN];

	if (p->initiator || !p->has_session || p->val.active ||
	    (p->fsm.state != JUMPING_STATE_VOLATILE &&
	     p->fsm.state != JUMPING_STATE_RECOVERING))
		return;
	jd_log("peer %s session %u: its packets come from %s, not the binding: asking it to reattach",
	       p->conf.name, p->local_id, jp_binding_str(from, fs));
	jd_reattach_solicit(d, p, from);
}

void jd_reattach_solicit(struct jd *d, struct jd_peer *p,
			 const struct jp_binding *to)
{
	uint8_t msg[JP_REATTACH_SOLICIT_LEN];
	char ts[JP_BINDING_STRLEN];

	p->solicit_counter = jp_reattach_counter_from_time(jd_wall_us(),
							   p->solicit_counter);
	/* The floor of what we sent rose: the cluster's record follows. */
	jd_cluster_session_changed(d, p);
	jp_reattach_encode_solicit(msg, p->ctl.cur.reattach,
				   jp_ctl_dir_out(&p->ctl.cur), p->remote_id,
				   p->solicit_counter, to);
	if (jk_packet_send(&d->k, msg, sizeof(msg), to, &p->cur.local))
		jd_debug(d, "peer %s: solicit to %s: %s", p->conf.name,
			 jp_binding_str(to, ts), jk_error(&d->k));
}

uint64_t jd_reattach_tick(struct jd *d, struct jd_peer *p, uint64_t now)
{
	uint64_t next = UINT64_MAX, t;

	if (!p->has_session)
		return next;
	next = flush_rejections(d, p, now);
	t = jd_mover_tick(d, p, now);
	if (t < next)
		next = t;
	/*
	 * An orphan taken over: its client asked over until its REQUEST
	 * comes, whether or not the takeover rekey is done already.
	 */
	if (p->solicits_left && !p->val.active) {
		if (now >= p->solicit_next_ms) {
			p->solicits_left--;
			p->solicit_next_ms = now + JD_SOLICIT_AGAIN_MS;
			jd_reattach_solicit(d, p, &p->cur.remote);
		}
		if (p->solicits_left && p->solicit_next_ms < next)
			next = p->solicit_next_ms;
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
	if (ev->packet[1] == JP_CTRL_COOKIE) {
		jd_hs_on_cookie(d, ev);
		return;
	}
	id = (uint32_t)ev->packet[4] << 24 | (uint32_t)ev->packet[5] << 16 |
	     (uint32_t)ev->packet[6] << 8 | ev->packet[7];
	p = jd_peer_by_local_id(d, id);
	/* Clustered: a REQUEST for another gateway's session may be a
	 * takeover's (cluster_takeover_flow.c); without [Cluster], not. */
	if (!p && ev->packet[1] == JP_REATTACH_REQUEST &&
	    jd_cluster_takeover_request(d, ev, id))
		return;
	if (!p) {
		jd_debug(d, "control message for unknown session %u", id);
		return;
	}
	switch (ev->packet[1]) {
	case JP_REATTACH_REQUEST:
		on_request(d, p, ev);
		break;
	case JP_REATTACH_RESPONSE:
		on_response(d, p, ev);
		break;
	case JP_REATTACH_SWITCH:
		on_switch(d, p, ev);
		break;
	case JP_REATTACH_PROBE:
		jd_probe_on_probe(d, p, ev);
		break;
	case JP_REATTACH_ECHO:
		jd_probe_on_echo(d, p, ev);
		break;
	case JP_REATTACH_CHALLENGE:
	case JP_REATTACH_SOLICIT:
	case JP_REATTACH_SWITCH_ACK:
		jd_mover_on_control(d, p, ev);
		break;
	default:
		reject_unauth(d, p, JUMPING_REASON_REATTACH_BAD_PROOF,
			      &ev->from);
	}
}
