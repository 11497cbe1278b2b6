// SPDX-License-Identifier: GPL-2.0
/*
 * The mover's side of REATTACH (reattach.h has the messages): the
 * initiator, which knows the candidate paths, asks its peer to move the
 * session. Two ways in:
 * - silence (supervise.c), an address gone or the peer's SOLICIT: from the
 *   next path, a REQUEST retransmitted with backoff, going on to the
 *   following path (a new attempt, a new counter) after MOVER_TRIES; the
 *   challenge to the attempt in progress is answered from its path and
 *   the local binding switched. No challenge on any path: the handshake
 *   fallback.
 * - the path policy (multipath.c): to the path it chose. A path our
 *   probes validated is switched to at once and the peer told with a
 *   SWITCH carrying that path's probe token; the peer answers SWITCH-ACK,
 *   or a challenge if the token is no longer good.
 */
#include <string.h>
#include <sys/socket.h>
#include "jumpd.h"
#include "probe.h"

#define MOVER_FIRST_MS		100
#define MOVER_MAX_MS		800
#define MOVER_TRIES		3	/* per path before the next one */
/* On the path whose SOLICIT asked: 100 + 200 + 400 + 800 + 800 ms. */
#define MOVER_TRIES_ASKED	5

/*
 * A new attempt: the next path (another uplink if we have one, else the
 * same path again: behind a NAT the mapping may have changed) and a new
 * counter.
 */
static void new_attempt(struct jd *d, struct jd_peer *p, uint64_t now)
{
	struct jd_mover *m = &p->mover;
	const struct jd_path_entry *e;
	struct jp_binding claimed;

	if (m->tries) {
		m->paths_tried++;
		m->asked = false;
		if (p->paths.n > 1)
			m->path = (m->path + 1) % p->paths.n;
	}
	/* No path answers: the peer may have moved, its name may say where. */
	if (m->paths_tried >= p->paths.n)
		jd_dns_refresh_soon(p, now);
	m->target = p->paths.e[m->path].addr;
	m->tries = 0;
	/* What we believe our address is; the peer trusts only what it sees. */
	claimed = m->target.local;
	if (!claimed.family)
		claimed.family = m->target.remote.family;
	claimed.port = d->listen_port;
	m->counter = jp_reattach_counter_from_time(jd_wall_us(),
						   p->reattach_counter);
	p->reattach_counter = m->counter;
	/*
	 * A token the peer made for this path within its guaranteed
	 * lifetime saves the challenge's round trip.
	 */
	e = &p->paths.e[m->path];
	if (m->switched && e->token_us &&
	    jd_now_us() - e->token_us < JP_PROBE_SECRET_MS * JP_MS) {
		m->request_len = jp_probe_encode_switch(m->request,
							p->ctl.cur.reattach,
							jp_ctl_dir_out(&p->ctl.cur),
							p->remote_id,
							m->counter, &claimed,
							e->token);
		return;
	}
	jp_reattach_encode_request(m->request, p->ctl.cur.reattach,
				   jp_ctl_dir_out(&p->ctl.cur), p->remote_id,
				   m->counter, &claimed);
	m->request_len = JP_REATTACH_REQUEST_LEN;
}

static void send_request(struct jd *d, struct jd_peer *p, uint64_t now)
{
	struct jd_mover *m = &p->mover;
	uint64_t delay = MOVER_FIRST_MS;
	unsigned int i;
	char ps[160];

	if (m->switched && m->tries >= MOVER_TRIES) {
		/*
		 * The peer took none of our SWITCHes: the path it was to
		 * validate does not carry. Recover as after silence: from
		 * here on, REQUESTs on each path in turn.
		 */
		m->switched = false;
		jd_apply(d, p, JP_EV_REATTACH_REQUESTED, NULL);
		jd_hs_start_fallback(d, p);
	}
	if (!m->counter ||
	    m->tries >= (m->asked ? MOVER_TRIES_ASKED : MOVER_TRIES))
		new_attempt(d, p, now);
	m->tries++;
	for (i = 1; i < m->tries && delay < MOVER_MAX_MS; i++)
		delay *= 2;
	m->next_ms = now + (delay < MOVER_MAX_MS ? delay : MOVER_MAX_MS);
	jd_debug(d, "peer %s session %u: %s %llu (try %u) on %s",
		 p->conf.name, p->local_id,
		 m->request_len == JP_SWITCH_LEN ? "SWITCH" : "REATTACH request",
		 (unsigned long long)m->counter, m->tries,
		 jd_path_str(&m->target, ps, sizeof(ps)));
	if (jk_packet_send(&d->k, m->request, m->request_len,
			   &m->target.remote, &m->target.local))
		jd_debug(d, "peer %s: send on %s: %s", p->conf.name, ps,
			 jk_error(&d->k));
}

/* A move begins, to paths.e[path]: no attempt yet, no challenge ours. */
static void mover_begin(struct jd_mover *m, unsigned int path, bool switched,
			uint64_t now)
{
	m->active = true;
	m->switched = switched;
	m->asked = false;
	m->started_ms = now;
	m->paths_tried = 0;
	m->tries = 0;
	m->counter = 0;
	m->path = path;
}

/* A move begins on paths.e[path], asked for why. */
static void start_on(struct jd *d, struct jd_peer *p, unsigned int path,
		     const char *why, bool asked)
{
	struct jd_mover *m = &p->mover;
	uint64_t now = jd_now_ms();
	char ps[160];

	if (!p->has_session || path >= p->paths.n)
		return;
	mover_begin(m, path, false, now);
	m->asked = asked;
	jd_log("peer %s session %u: %s, reattaching on %s", p->conf.name,
	       p->local_id, why,
	       jd_path_str(&p->paths.e[m->path].addr, ps, sizeof(ps)));
	jd_apply(d, p, JP_EV_REATTACH_REQUESTED, NULL);
	send_request(d, p, now);
	/*
	 * The peer may have lost the session (a restart without state, its
	 * TTL): a resume handshake beside the attempts costs it one DH if it
	 * has not (it does not answer), and if it has, a new session is one
	 * round trip away instead of a move's worth of tries.
	 */
	jd_hs_start_fallback(d, p);
}

void jd_mover_start(struct jd *d, struct jd_peer *p, const char *why,
		    bool here)
{
	struct jd_mover *m = &p->mover;

	/* A switch in progress gives way: the session is silent now. */
	if (!p->has_session || (m->active && !m->switched) || !p->paths.n)
		return;
	/*
	 * Another uplink if we have one; else the same path (NAT rebinding).
	 * Asked by the peer: from where we are, which is where it sees us.
	 */
	start_on(d, p, p->paths.n > 1 && !here ?
		 (p->paths.active + 1) % p->paths.n : p->paths.active, why,
		 false);
}

void jd_mover_move(struct jd *d, struct jd_peer *p, unsigned int to,
		   bool validated, const char *why)
{
	struct jd_mover *m = &p->mover;
	struct jd_path target;
	char ps[160];

	if (!p->has_session || to >= p->paths.n)
		return;
	target = p->paths.e[to].addr;
	/* A newer decision replaces a move in progress. */
	jd_mover_stop(p);
	mover_begin(m, to, validated, jd_now_ms());
	jd_debug(d, "peer %s session %u: %s, moving to %s", p->conf.name,
		 p->local_id, why, jd_path_str(&target, ps, sizeof(ps)));
	if (validated) {
		/* Make before break: our data takes the new path now. */
		jd_apply(d, p, JP_EV_PATH_VALIDATED, &target);
	} else {
		jd_apply(d, p, JP_EV_REATTACH_REQUESTED, NULL);
		jd_hs_start_fallback(d, p);
	}
	send_request(d, p, m->started_ms);
}

void jd_mover_stop(struct jd_peer *p)
{
	p->mover.active = false;
	p->mover.switched = false;
	p->mover.counter = 0;
	jd_hs_cancel_fallback(p);
}

static void on_challenge(struct jd *d, struct jd_peer *p,
			 const struct jk_event *ev)
{
	struct jd_mover *m = &p->mover;
	uint8_t msg[JP_REATTACH_RESPONSE_LEN];
	struct jp_reattach_msg c;
	struct jp_mac_keys mk;
	struct jd_path path;
	bool again;

	if (jp_reattach_peek(ev->packet, ev->packet_len, &c) != JP_REATTACH_OK)
		return;
	/*
	 * The attempt in progress, or the last one answered (switches
	 * nothing), on the path its request went out on. Anything else is
	 * stale, reordered, replayed or moved: the peer validates only its
	 * newest request, so following it would leave the two sides on
	 * different paths.
	 */
	again = c.counter && c.counter == m->answered;
	path = again ? m->answered_on : m->target;
	if ((!again && (!m->active || c.counter != m->counter)) ||
	    !jd_path_carried(&path, ev) ||
	    jp_reattach_verify_challenge(ev->packet, ev->packet_len,
					 jd_ctl_rx(p, &mk), p->local_id,
					 c.counter, &c) != JP_REATTACH_OK) {
		jd_debug(d, "peer %s: challenge %llu does not answer the request in progress",
			 p->conf.name, (unsigned long long)c.counter);
		return;
	}
	jd_ctl_heard(d, p, &mk);
	jp_reattach_encode_response(msg, p->ctl.cur.reattach,
				    jp_ctl_dir_out(&p->ctl.cur), p->remote_id,
				    c.counter, &c.binding, c.nonce);
	jk_packet_send(&d->k, msg, sizeof(msg), &path.remote, &path.local);
	if (again)
		return;		/* our response was lost: answered again */
	m->answered = c.counter;
	m->answered_on = path;
	jd_mover_stop(p);
	if (memcmp(&path, &p->cur, sizeof(path)))
		jd_apply(d, p, JP_EV_PATH_VALIDATED, &path);
}

/*
 * The peer asks us to reattach: it gets our packets from somewhere that is
 * not its binding, while we still hear it (we would never move).
 */
/* A candidate path to where ev came from, on the address it came to. */
static int path_to(const struct jd_peer *p, const struct jk_event *ev)
{
	struct jd_path path = { .remote = ev->from, .local = ev->to };
	unsigned int i;
	int k = jd_paths_find(&p->paths, &path);

	if (k >= 0)
		return k;
	for (i = 0; i < p->paths.n; i++)
		if (jp_binding_equal(&p->paths.e[i].addr.remote, &ev->from) &&
		    jd_path_carried(&p->paths.e[i].addr, ev))
			return (int)i;
	return -1;
}

static void on_solicit(struct jd *d, struct jd_peer *p,
		       const struct jk_event *ev)
{
	struct jp_reattach_msg m;
	struct jp_mac_keys mk;
	int k;

	if (!p->initiator ||
	    jp_reattach_verify_solicit(ev->packet, ev->packet_len,
				       jd_ctl_rx(p, &mk), p->local_id,
				       &p->solicit_replay, &m) != JP_REATTACH_OK) {
		jd_debug(d, "peer %s: solicit that does not verify or is not fresh",
			 p->conf.name);
		return;
	}
	jd_ctl_heard(d, p, &mk);
	k = path_to(p, ev);
	if (k < 0 || k == (int)p->paths.active) {
		jd_mover_start(d, p, "the peer sees us elsewhere", true);
		return;
	}
	/*
	 * From another of the peer's endpoints: a gateway of its cluster
	 * took our session over (docs/cluster.md, "Takeover"). The move
	 * starts there, or goes there if one is under way. Our probes to
	 * that gateway went unanswered while it did not serve the session:
	 * they are no loss of the path we are about to use.
	 */
	if (p->mover.active && !p->mover.switched)
		jd_mover_stop(p);
	jp_path_forget_probes(&p->paths.e[k].st);
	start_on(d, p, (unsigned int)k, "another endpoint of the peer asks us over",
		 true);
}

/* The peer took our SWITCH: the move is done, on both sides. */
static void on_switch_ack(struct jd *d, struct jd_peer *p,
			  const struct jk_event *ev)
{
	struct jd_mover *m = &p->mover;
	struct jp_probe_msg a;
	struct jp_mac_keys mk;

	if (!m->active || !m->switched || !jd_path_carried(&m->target, ev) ||
	    jp_probe_verify_switch_ack(ev->packet, ev->packet_len,
				       jd_ctl_rx(p, &mk), p->local_id,
				       m->counter, &a) != JP_REATTACH_OK) {
		jd_debug(d, "peer %s: a SWITCH-ACK that answers no switch in progress",
			 p->conf.name);
		return;
	}
	jd_ctl_heard(d, p, &mk);
	jd_debug(d, "peer %s session %u: switch %llu acknowledged",
		 p->conf.name, p->local_id, (unsigned long long)m->counter);
	jd_mover_stop(p);
}

uint64_t jd_mover_tick(struct jd *d, struct jd_peer *p, uint64_t now)
{
	if (!p->mover.active)
		return UINT64_MAX;
	if (now >= p->mover.next_ms)
		send_request(d, p, now);
	return p->mover.next_ms;
}

void jd_mover_on_control(struct jd *d, struct jd_peer *p,
			 const struct jk_event *ev)
{
	switch (ev->packet[1]) {
	case JP_REATTACH_CHALLENGE:
		on_challenge(d, p, ev);
		break;
	case JP_REATTACH_SOLICIT:
		on_solicit(d, p, ev);
		break;
	case JP_REATTACH_SWITCH_ACK:
		on_switch_ack(d, p, ev);
		break;
	}
}
