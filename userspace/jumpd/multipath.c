// SPDX-License-Identifier: GPL-2.0
/*
 * The mover's path choice (multipath.h): probes on every path, the
 * policy's decision, and what follows from it. This file is where a move
 * is decided; reattach_flow.c carries it out on the wire.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "jumping_names.h"
#include "jumpd.h"

/*
 * The kernel's silence notification is set to the active path's RTO, the
 * policy's "suspect" threshold; it is updated when the RTO moves by more
 * than a quarter, at most once a second (each update is a netlink
 * request).
 */
#define SILENCE_UPDATE_US	(1000 * JP_MS)
#define SILENCE_MIN_MS		20

uint64_t jd_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

void jd_mp_configure(struct jd_mp *mp, const struct jp_conf_peer *c)
{
	struct jp_policy pol;

	if (c->low_traffic_probing)
		jp_policy_init_low_traffic(&pol);
	else
		jp_policy_init(&pol);
	if (c->failback_after_ms)
		pol.p.failback_after_us = c->failback_after_ms * JP_MS;
	/* New parameters; the memory of the last move stays. */
	pol.last_move_us = mp->policy.last_move_us;
	pol.degraded_by = mp->policy.degraded_by;
	mp->policy = pol;
	mp->next_us = 0;
}

void jd_mp_init(struct jd_mp *mp, const struct jp_conf_peer *c)
{
	memset(mp, 0, sizeof(*mp));
	jd_mp_configure(mp, c);
}

void jd_mp_session_start(struct jd_peer *p)
{
	struct jd_mp *mp = &p->mp;

	mp->policy.last_move_us = 0;
	mp->policy.degraded_by = JP_PR_NONE;
	mp->next_us = 0;
	mp->due_us = 0;
	mp->silence_ms = 0;
	mp->silence_set_us = 0;
	mp->silence_unsupported = false;
	mp->rx_packets_seen = 0;
	if (p->paths.n)
		p->paths.e[p->paths.active].st.unheard_tx_since_us = 0;
}

bool jd_mp_on(const struct jd_peer *p)
{
	return p->initiator && p->has_session && p->paths.n &&
	       p->paths.active < p->paths.n;
}

void jd_mp_rx_count(struct jd_peer *p, uint64_t rx_packets, uint64_t now_us)
{
	struct jd_mp *mp = &p->mp;

	/*
	 * More than keepalives came in since the last look (a keepalive is
	 * sent at most once per interval by each side): data flows, probe
	 * the active path at the busy rate.
	 */
	if (mp->rx_packets_seen && rx_packets >= mp->rx_packets_seen + 3) {
		/* Newly busy: the idle schedule's next look is too late. */
		if (now_us >= mp->busy_until_us)
			mp->next_us = 0;
		/* Until the next look (supervise's, at most 1 s away) and on. */
		mp->busy_until_us = now_us + 2 * mp->policy.p.busy_window_us;
	}
	mp->rx_packets_seen = rx_packets ? rx_packets : 1;
}

void jd_mp_heard(struct jd_peer *p, uint64_t at_us)
{
	struct jp_path_stats *st;

	if (!jd_mp_on(p))
		return;
	st = &p->paths.e[p->paths.active].st;
	/* rx from before a silence began does not end it. */
	if (at_us > st->last_heard_us &&
	    (!st->unheard_tx_since_us || at_us >= st->unheard_tx_since_us))
		jp_path_heard(st, at_us);
	p->mp.next_us = 0;
}

void jd_mp_on_silence(struct jd *d, struct jd_peer *p, bool silent,
		      uint64_t unheard_ms)
{
	uint64_t now = jd_now_us(), since;
	struct jp_path_stats *st;

	if (!jd_mp_on(p))
		return;
	st = &p->paths.e[p->paths.active].st;
	if (!silent) {
		jd_mp_heard(p, now);
		return;
	}
	since = unheard_ms * JP_MS < now ? now - unheard_ms * JP_MS : 0;
	/* Only a silence that began after the last rx we know of. */
	if (since > st->last_heard_us &&
	    (!st->unheard_tx_since_us || since < st->unheard_tx_since_us))
		st->unheard_tx_since_us = since;
	/* A sender is busy: probe the active path at the busy rate. */
	p->mp.busy_until_us = now + p->mp.policy.p.busy_window_us;
	p->mp.next_us = 0;
	jd_debug(d, "peer %s session %u: kernel: sending without hearing for %" PRIu64 " ms",
		 p->conf.name, p->local_id, unheard_ms);
}

void jd_mp_host_changed(struct jd *d)
{
	unsigned int i;

	for (i = 0; i < d->n_peers; i++)
		d->peers[i]->mp.next_us = 0;
	jd_touch_all(d);
}

void jd_mp_paths_json(const struct jd_peer *p, char *buf, size_t len)
{
	const struct jd_mp *mp = &p->mp;
	size_t off = 0;
	unsigned int i, settled, loss;
	char ps[160];
	int n;

	n = snprintf(buf, len, "[");
	off = n > 0 ? (size_t)n : 0;
	for (i = 0; i < p->paths.n && off < len; i++) {
		const struct jd_path_entry *e = &p->paths.e[i];

		loss = jp_path_loss_permille(&e->st, mp->policy.p.loss_window,
					     &settled);
		/* Numeric addresses only: nothing in it needs escaping. */
		jd_path_str(&e->addr, ps, sizeof(ps));
		n = snprintf(buf + off, len - off,
			     "%s{\"path\":\"%s\",\"state\":\"%s\",\"active\":%s,"
			     "\"usable\":%s,\"srtt_us\":%" PRIu64
			     ",\"rttvar_us\":%" PRIu64 ",\"loss_permille\":%u,"
			     "\"settled\":%u}",
			     i ? "," : "", ps, jp_path_state_name(e->st.state),
			     i == p->paths.active ? "true" : "false",
			     e->usable ? "true" : "false",
			     e->st.have_rtt ? e->st.srtt_us : 0,
			     e->st.have_rtt ? e->st.rttvar_us : 0, loss,
			     settled);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	if (off + 2 <= len) {
		buf[off++] = ']';
		buf[off] = '\0';
	} else if (len) {
		/* Truncated: still valid JSON, without the paths. */
		snprintf(buf, len, "[]");
	}
}

static void do_move(struct jd *d, struct jd_peer *p,
		    const struct jp_decision *dec, uint64_t now_us)
{
	static char before[JD_MAX_PATHS * JD_PATH_JSON_MAX + 2],
		    after[JD_MAX_PATHS * JD_PATH_JSON_MAX + 2];
	unsigned int was = p->paths.active;
	struct jd_path from = p->paths.e[was].addr;
	struct jd_path_entry *to = &p->paths.e[dec->to];
	enum jumping_reason why = jp_pd_reason_uapi(dec->reason);
	char fs[160], ts[160];

	/* The audit line first: it is why the transition after it happens. */
	jd_mp_paths_json(p, before, sizeof(before));
	p->paths.active = dec->to;
	jd_mp_paths_json(p, after, sizeof(after));
	p->paths.active = was;
	jd_audit_move(d, p, why, &from, &to->addr, dec->validated, before,
		      after);
	jp_window_allow(&p->switches, now_us / 1000);
	jp_policy_moved(&p->mp.policy, &to->st, now_us);
	if (dec->reason == JP_PR_ACTIVE_FAILED)
		jp_path_failed(&p->paths.e[was].st, &p->mp.policy.pp);
	jd_log("peer %s session %u: moving from %s to %s: %s (%s)",
	       p->conf.name, p->local_id, jd_path_str(&from, fs, sizeof(fs)),
	       jd_path_str(&to->addr, ts, sizeof(ts)), reason_name(why),
	       dec->validated ? "validated" : "with a challenge");
	jd_debug(d, "peer %s: paths before: %s", p->conf.name, before);
	jd_mover_move(d, p, dec->to, dec->validated, reason_name(why));
}

static void do_quality(struct jd *d, struct jd_peer *p,
		       const struct jp_decision *dec)
{
	enum jp_event ev;

	switch (dec->reason) {
	case JP_PR_LOSS_HIGH:
		ev = JP_EV_LOSS_HIGH;
		break;
	case JP_PR_RTT_HIGH:
		ev = JP_EV_RTT_HIGH;
		break;
	case JP_PR_LOSS_NORMAL:
		ev = JP_EV_LOSS_NORMAL;
		break;
	case JP_PR_RTT_NORMAL:
		ev = JP_EV_RTT_NORMAL;
		break;
	default:
		return;
	}
	jd_apply(d, p, ev, NULL);
}

/* Tell the kernel when the active path's silence should wake us. */
static void update_silence(struct jd *d, struct jd_peer *p, uint64_t now_us)
{
	struct jd_mp *mp = &p->mp;
	const struct jp_path_stats *st = &p->paths.e[p->paths.active].st;
	uint64_t rto = jp_path_rto(st, &mp->policy.pp) / JP_MS;
	uint32_t want = rto < SILENCE_MIN_MS ? SILENCE_MIN_MS : (uint32_t)rto;

	if (mp->silence_unsupported ||
	    (mp->silence_ms &&
	     (now_us - mp->silence_set_us < SILENCE_UPDATE_US ||
	      ((uint64_t)want * 4 >= (uint64_t)mp->silence_ms * 3 &&
	       (uint64_t)want * 4 <= (uint64_t)mp->silence_ms * 5))))
		return;
	if (jk_session_set_silence(&d->k, p->local_id, want)) {
		/* An older module: probes alone find a dead path. */
		jd_log("peer %s session %u: the kernel has no silence notification (%s): probes alone find a dead path",
		       p->conf.name, p->local_id, jk_error(&d->k));
		mp->silence_unsupported = true;
		return;
	}
	mp->silence_ms = want;
	mp->silence_set_us = now_us;
}

/*
 * The failure rule counts probes lost since the active path's first
 * unanswered send, and jumpd hears data only at its next look (up to a
 * second away) or at the kernel's silence notification. Before a move on
 * that rule, the kernel is asked: data from the binding since then says
 * the path is alive and loses control datagrams only, which is the loss
 * rule's to judge. Whether the silence ended.
 */
static bool heard_since_unanswered(struct jd *d, struct jd_peer *p)
{
	const struct jp_path_stats *st = &p->paths.e[p->paths.active].st;
	uint64_t now_us = jd_now_us(), rx_us;
	struct jk_session s;

	if (jk_session_get(&d->k, p->local_id, &s) || !s.has_rx_age ||
	    s.rx_age_ms * JP_MS >= now_us)
		return false;
	/* The age is in whole ms: count only rx clearly after the send. */
	rx_us = now_us - s.rx_age_ms * JP_MS;
	if (rx_us < st->unheard_tx_since_us + JP_MS)
		return false;
	jd_mp_heard(p, rx_us);
	return !st->unheard_tx_since_us;
}

uint64_t jd_mp_tick(struct jd *d, struct jd_peer *p)
{
	struct jp_policy_path pp[JD_MAX_PATHS];
	bool was_usable[JD_MAX_PATHS];
	struct jd_mp *mp = &p->mp;
	uint64_t now = jd_now_us(), next, t;
	struct jp_decision dec;
	unsigned int i, round;
	char ps[160];
	bool busy;

	if (!jd_mp_on(p))
		return UINT64_MAX;
	if (mp->next_us && now < mp->next_us)
		return mp->next_us / 1000 + 1;
	if (mp->due_us && now > mp->due_us &&
	    jp_policy_paused(&mp->policy, &p->paths.e[p->paths.active].st,
			     now - mp->due_us, now))
		jd_debug(d, "peer %s session %u: jumpd ran %" PRIu64 " ms late: probes that timed out meanwhile wait one RTO for their answers",
			 p->conf.name, p->local_id,
			 (now - mp->due_us) / JP_MS);
	for (i = 0; i < p->paths.n; i++)
		was_usable[i] = p->paths.e[i].usable;
	jd_paths_update_usable(&p->paths, &d->host);
	for (i = 0; i < p->paths.n; i++)
		if (was_usable[i] != p->paths.e[i].usable)
			jd_log("peer %s: path %s is %s", p->conf.name,
			       jd_path_str(&p->paths.e[i].addr, ps, sizeof(ps)),
			       p->paths.e[i].usable ? "usable again" :
			       "unusable (its address or link is gone)");
	update_silence(d, p, now);
	busy = now < mp->busy_until_us;
	next = now + 1000 * JP_MS;
	for (i = 0; i < p->paths.n; i++) {
		struct jd_path_entry *e = &p->paths.e[i];

		if (!e->usable)
			continue;
		if (jp_policy_probe_due(&mp->policy, &e->st,
					i == p->paths.active, busy, now, &t))
			jd_probe_send(d, p, i, now);
		if (t < next)
			next = t;
	}
	/* One change per decision: apply it and ask again, a few times. */
	for (round = 0; round < 4 && jd_mp_on(p); round++) {
		for (i = 0; i < p->paths.n; i++) {
			pp[i].st = &p->paths.e[i].st;
			pp[i].pref = p->paths.e[i].pref;
			pp[i].usable = p->paths.e[i].usable;
			pp[i].healthy_since_us = p->paths.e[i].healthy_since_us;
		}
		dec = jp_policy_decide(&mp->policy, pp, p->paths.n,
				       p->paths.active, p->fsm.state,
				       jp_window_room(&p->switches, now / 1000),
				       now);
		for (i = 0; i < p->paths.n; i++)
			p->paths.e[i].healthy_since_us = pp[i].healthy_since_us;
		if (dec.next_us < next)
			next = dec.next_us;
		if (dec.action == JP_PD_STAY)
			break;
		if (dec.action == JP_PD_PROBE)
			jd_probe_send(d, p, dec.to, now);
		else if (dec.action == JP_PD_MOVE &&
			 dec.reason == JP_PR_ACTIVE_FAILED &&
			 heard_since_unanswered(d, p))
			jd_debug(d, "peer %s session %u: probes lost on the active path, data heard since: not failed",
				 p->conf.name, p->local_id);
		else if (dec.action == JP_PD_MOVE)
			do_move(d, p, &dec, now);
		else
			do_quality(d, p, &dec);
	}
	if (!jd_mp_on(p))
		return UINT64_MAX;
	for (i = 0; i < p->paths.n; i++) {
		struct jd_path_entry *e = &p->paths.e[i];

		if (e->st.state == e->logged)
			continue;
		jd_debug(d, "peer %s: path %s: %s -> %s", p->conf.name,
			 jd_path_str(&e->addr, ps, sizeof(ps)),
			 jp_path_state_name(e->logged),
			 jp_path_state_name(e->st.state));
		e->logged = e->st.state;
	}
	if (next <= now)
		next = now + JP_MS;
	mp->next_us = next;
	mp->due_us = next;
	return next / 1000 + 1;
}
