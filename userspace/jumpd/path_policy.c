// SPDX-License-Identifier: GPL-2.0
/*
 * The path policy (path_policy.h): defaults, the one decision function and
 * the probe schedule. The numbers are argued in docs/multipath.md
 * ("Defaults" and "What a blackhole costs").
 */
#include <stddef.h>
#include "jumping_names.h"
#include "path_policy.h"

#define NEVER UINT64_MAX

static void params_default(struct jp_policy_params *p)
{
	p->probe_active_busy_us = 100 * JP_MS;
	p->probe_active_idle_us = 5000 * JP_MS;
	p->probe_standby_us = 1000 * JP_MS;
	p->probe_failed_us = 5000 * JP_MS;
	p->busy_window_us = 1000 * JP_MS;

	p->loss_window = 16;
	p->loss_min_settled = 10;
	p->loss_enter_pm = 200;
	p->loss_leave_pm = 50;

	p->rtt_enter_factor = 4;
	p->rtt_enter_margin_us = 100 * JP_MS;
	p->rtt_leave_factor = 2;
	p->rtt_leave_margin_us = 50 * JP_MS;

	p->fail_srtt_mult = 2;
	p->fail_floor_us = 80 * JP_MS;
	p->confirm_probes = 2;

	p->hold_down_us = 5000 * JP_MS;
	p->failback_after_us = 30000 * JP_MS;
	p->better_rtt_pct = 50;
	p->better_min_settled = 5;
}

void jp_policy_init(struct jp_policy *pol)
{
	params_default(&pol->p);
	jp_path_params_default(&pol->pp);
	pol->last_move_us = 0;
	pol->degraded_by = JP_PR_NONE;
}

/*
 * Battery and metered links: standby paths are probed twice a minute and
 * the idle active path not at all (the kernel's keepalive keeps the NAT
 * mapping; a send on a dead path is still found as fast as with the
 * defaults, since that costs nothing while idle). A validation lasts 2.5
 * probe intervals, so one lost probe does not unvalidate a standby.
 */
void jp_policy_init_low_traffic(struct jp_policy *pol)
{
	jp_policy_init(pol);
	pol->p.probe_active_busy_us = 250 * JP_MS;
	pol->p.probe_active_idle_us = 0;
	pol->p.probe_standby_us = 30000 * JP_MS;
	pol->p.probe_failed_us = 60000 * JP_MS;
	pol->p.loss_min_settled = 8;
	pol->p.better_min_settled = 2;
	pol->p.failback_after_us = 120000 * JP_MS;
	pol->pp.valid_for_us = 75000 * JP_MS;
}

void jp_policy_moved(struct jp_policy *pol, struct jp_path_stats *to,
		     uint64_t now_us)
{
	pol->last_move_us = now_us;
	pol->degraded_by = JP_PR_NONE;
	to->unheard_tx_since_us = 0;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

uint64_t jp_policy_fail_after(const struct jp_policy *pol,
			      const struct jp_path_stats *st)
{
	uint64_t t;

	if (!st->have_rtt)
		return pol->pp.rto_init_us > pol->p.fail_floor_us ?
		       pol->pp.rto_init_us : pol->p.fail_floor_us;
	t = pol->p.fail_srtt_mult * st->srtt_us + 4 * st->rttvar_us;
	return t > pol->p.fail_floor_us ? t : pol->p.fail_floor_us;
}

bool jp_policy_paused(struct jp_policy *pol,
		      const struct jp_path_stats *active, uint64_t late_us,
		      uint64_t now_us)
{
	uint64_t rto = jp_path_rto(active, &pol->pp);

	if (late_us < rto || !active->unheard_tx_since_us ||
	    active->unheard_tx_since_us == pol->pause_held_silence_us)
		return false;
	pol->pause_held_silence_us = active->unheard_tx_since_us;
	pol->pause_hold_until_us = now_us + rto;
	return true;
}

/* Loss with enough outcomes to mean something (else *known = false). */
static unsigned int loss_of(const struct jp_policy *pol,
			    const struct jp_path_stats *st, unsigned int min,
			    bool *known)
{
	unsigned int settled, pm;

	pm = jp_path_loss_permille(st, pol->p.loss_window, &settled);
	*known = settled >= min;
	return pm;
}

static bool loss_high(const struct jp_policy *pol,
		      const struct jp_path_stats *st)
{
	bool known;
	unsigned int pm = loss_of(pol, st, pol->p.loss_min_settled, &known);

	return known && pm >= pol->p.loss_enter_pm;
}

static bool loss_normal(const struct jp_policy *pol,
			const struct jp_path_stats *st, unsigned int min)
{
	bool known;
	unsigned int pm = loss_of(pol, st, min, &known);

	return known && pm <= pol->p.loss_leave_pm;
}

static bool rtt_high(const struct jp_policy *pol,
		     const struct jp_path_stats *st)
{
	uint64_t base = jp_path_base_rtt(st);

	return st->have_rtt && base &&
	       st->srtt_us >= pol->p.rtt_enter_factor * base &&
	       st->srtt_us >= base + pol->p.rtt_enter_margin_us;
}

static bool rtt_normal(const struct jp_policy *pol,
		       const struct jp_path_stats *st)
{
	uint64_t base = jp_path_base_rtt(st);

	return !st->have_rtt || !base ||
	       st->srtt_us < pol->p.rtt_leave_factor * base ||
	       st->srtt_us < base + pol->p.rtt_leave_margin_us;
}

static bool healthy(const struct jp_policy *pol,
		    const struct jp_policy_path *pa)
{
	return pa->usable && pa->st->state == JP_PATH_VALIDATED &&
	       loss_normal(pol, pa->st, pol->p.better_min_settled) &&
	       rtt_normal(pol, pa->st);
}

/* Is a more preferred than b (pref, then the lower srtt)? */
static bool preferred(const struct jp_policy_path *a,
		      const struct jp_policy_path *b)
{
	if (a->pref != b->pref)
		return a->pref < b->pref;
	return a->st->have_rtt &&
	       (!b->st->have_rtt || a->st->srtt_us < b->st->srtt_us);
}

/* Where to go when the active path failed: validated first. */
static int failover_target(const struct jp_policy *pol,
			   const struct jp_policy_path *paths, unsigned int n,
			   unsigned int active, bool *validated)
{
	int best = -1, best_any = -1;
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct jp_policy_path *pa = &paths[i];

		/*
		 * Only a path that answers well: when every other one loses
		 * as much, the active one is more likely lossy than dead,
		 * and trading one for another only costs switches (a dead
		 * one is still left after VolatileAfter, by the mover).
		 */
		if (i == active || !pa->usable ||
		    pa->st->state == JP_PATH_FAILED ||
		    pa->st->lost_in_row || loss_high(pol, pa->st))
			continue;
		if (pa->st->state == JP_PATH_VALIDATED &&
		    (best < 0 || preferred(pa, &paths[best])))
			best = (int)i;
		if (best_any < 0 || preferred(pa, &paths[best_any]))
			best_any = (int)i;
	}
	*validated = best >= 0;
	return best >= 0 ? best : best_any;
}

/* A validated path clearly better than the degraded active one. */
static int better_target(const struct jp_policy *pol,
			 const struct jp_policy_path *paths, unsigned int n,
			 unsigned int active)
{
	const struct jp_path_stats *cur = paths[active].st;
	int best = -1;
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct jp_policy_path *pa = &paths[i];

		if (i == active || !healthy(pol, pa))
			continue;
		/*
		 * Degraded by loss: a healthy path is under the leave
		 * threshold while ours is over the enter one: clearly
		 * better. By RTT: it must also be clearly faster.
		 */
		if (pol->degraded_by == JP_PR_RTT_HIGH &&
		    (!pa->st->have_rtt || pa->st->srtt_us * 100 >
		     cur->srtt_us * pol->p.better_rtt_pct))
			continue;
		if (best < 0 || preferred(pa, &paths[best]))
			best = (int)i;
	}
	return best;
}

/* The most preferred path healthy for failback_after, above ours. */
static int failback_target(const struct jp_policy *pol,
			   const struct jp_policy_path *paths, unsigned int n,
			   unsigned int active, uint64_t now_us,
			   uint64_t *next_us)
{
	int best = -1;
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct jp_policy_path *pa = &paths[i];
		uint64_t due;

		if (i == active || pa->pref >= paths[active].pref ||
		    !pa->healthy_since_us)
			continue;
		due = pa->healthy_since_us + pol->p.failback_after_us;
		if (now_us < due) {
			*next_us = min_u64(*next_us, due);
			continue;
		}
		if (best < 0 || pa->pref < paths[best].pref)
			best = (int)i;
	}
	return best;
}

/* Probes sent since t (on one path): lost ones, and pending ones. */
static void probes_since(const struct jp_path_stats *st, uint64_t t,
			 unsigned int *lost, unsigned int *pending,
			 uint64_t *first_due, const struct jp_path_params *pp)
{
	uint64_t rto = jp_path_rto(st, pp);
	unsigned int k;

	*lost = *pending = 0;
	*first_due = NEVER;
	for (k = 1; k <= st->n_sent; k++) {
		const struct jp_probe_slot *s =
			&st->win[(st->next_seq - k) & (JP_PATH_WINDOW - 1)];

		if (s->sent_us < t)
			break;
		if (s->outcome == JP_PROBE_LOST)
			(*lost)++;
		if (s->outcome == JP_PROBE_PENDING) {
			(*pending)++;
			*first_due = min_u64(*first_due, s->sent_us + rto);
		}
	}
}

static struct jp_decision stay(uint64_t next_us)
{
	struct jp_decision d = { .action = JP_PD_STAY, .next_us = next_us };

	return d;
}

/*
 * A move wanted for reason to path `to`: made, or held by the hold-down
 * (unless the active path failed) or the budget.
 */
static struct jp_decision move(const struct jp_policy *pol,
			       enum jp_pd_reason reason, int to,
			       bool validated, bool hold_applies,
			       bool switch_allowed, uint64_t now_us,
			       uint64_t next_us)
{
	struct jp_decision d = stay(next_us);
	uint64_t hold_end = pol->last_move_us + pol->p.hold_down_us;

	d.held_reason = reason;
	if (to < 0) {
		d.held = JP_HELD_NO_PATH;
	} else if (hold_applies && pol->last_move_us && now_us < hold_end) {
		d.held = JP_HELD_HOLD_DOWN;
		d.next_us = min_u64(next_us, hold_end);
	} else if (!switch_allowed) {
		d.held = JP_HELD_BUDGET;
	} else {
		d.action = JP_PD_MOVE;
		d.reason = reason;
		d.held_reason = JP_PR_NONE;
		d.to = (unsigned int)to;
		d.validated = validated;
	}
	return d;
}

/* Rule 1: the active path is gone, failed, or suspect. */
static bool check_failure(struct jp_policy *pol, struct jp_policy_path *paths,
			  unsigned int n, unsigned int active,
			  bool switch_allowed, uint64_t now_us,
			  uint64_t *next_us, struct jp_decision *out)
{
	const struct jp_path_stats *st = paths[active].st;
	uint64_t t0 = st->unheard_tx_since_us, fail_at, probe_at, due;
	unsigned int lost, pending;
	enum jp_pd_reason why;
	bool validated;
	int to;

	if (paths[active].usable) {
		if (!t0)
			return false;
		probe_at = t0 + jp_path_rto(st, &pol->pp);
		fail_at = t0 + jp_policy_fail_after(pol, st);
		if (fail_at < pol->pause_hold_until_us)
			fail_at = pol->pause_hold_until_us;
		probes_since(st, t0, &lost, &pending, &due, &pol->pp);
		if (lost >= pol->p.confirm_probes && now_us >= fail_at) {
			why = JP_PR_ACTIVE_FAILED;
		} else {
			if (now_us >= probe_at &&
			    lost + pending < pol->p.confirm_probes) {
				*out = stay(now_us);
				out->action = JP_PD_PROBE;
				out->reason = JP_PR_SUSPECT;
				out->to = active;
				return true;
			}
			*next_us = min_u64(*next_us, now_us < probe_at ?
					   probe_at : min_u64(due, fail_at));
			if (lost >= pol->p.confirm_probes)
				*next_us = min_u64(*next_us, fail_at);
			return false;
		}
	} else {
		why = JP_PR_ACTIVE_GONE;
	}
	to = failover_target(pol, paths, n, active, &validated);
	*out = move(pol, why, to, validated, false, switch_allowed, now_us,
		    *next_us);
	return true;
}

/* Rule 2: loss and RTT of the active path, with hysteresis. */
static bool check_quality(struct jp_policy *pol, struct jp_policy_path *paths,
			  unsigned int n, unsigned int active,
			  enum jumping_state state, bool switch_allowed,
			  uint64_t now_us, uint64_t *next_us,
			  struct jp_decision *out)
{
	const struct jp_path_stats *st = paths[active].st;
	bool lhigh = loss_high(pol, st), rhigh = rtt_high(pol, st);
	int to;

	if (state == JUMPING_STATE_ATTACHED) {
		if (!lhigh && !rhigh)
			return false;
		*out = stay(*next_us);
		out->action = JP_PD_DEGRADED;
		out->reason = lhigh ? JP_PR_LOSS_HIGH : JP_PR_RTT_HIGH;
		pol->degraded_by = out->reason;
		return true;
	}
	/* DEGRADED (ours, or found so after a restart). */
	if (pol->degraded_by != JP_PR_LOSS_HIGH &&
	    pol->degraded_by != JP_PR_RTT_HIGH)
		pol->degraded_by = rhigh && !lhigh ? JP_PR_RTT_HIGH :
				   JP_PR_LOSS_HIGH;
	/*
	 * Back when the cause is under its leave threshold and the other
	 * measure is not past its enter threshold: a path that reorders
	 * may sit between the RTT thresholds for good, and a path degraded
	 * by loss must not stay so for that.
	 */
	if (pol->degraded_by == JP_PR_RTT_HIGH ?
	    rtt_normal(pol, st) && !lhigh :
	    loss_normal(pol, st, pol->p.loss_min_settled) && !rhigh) {
		*out = stay(*next_us);
		out->action = JP_PD_RECOVERED;
		out->reason = pol->degraded_by == JP_PR_RTT_HIGH ?
			      JP_PR_RTT_NORMAL : JP_PR_LOSS_NORMAL;
		pol->degraded_by = JP_PR_NONE;
		return true;
	}
	to = better_target(pol, paths, n, active);
	*out = move(pol, (enum jp_pd_reason)pol->degraded_by, to, true, true,
		    switch_allowed, now_us, *next_us);
	return true;
}

struct jp_decision jp_policy_decide(struct jp_policy *pol,
				    struct jp_policy_path *paths,
				    unsigned int n, unsigned int active,
				    enum jumping_state state,
				    bool switch_allowed, uint64_t now_us)
{
	uint64_t next_us = NEVER;
	struct jp_decision d;
	unsigned int i;
	int to;

	for (i = 0; i < n; i++) {
		struct jp_path_stats *st = paths[i].st;
		const struct jp_probe_slot *old;

		jp_path_update(st, &pol->pp, now_us);
		if (!healthy(pol, &paths[i]))
			paths[i].healthy_since_us = 0;
		else if (!paths[i].healthy_since_us)
			paths[i].healthy_since_us = now_us;
		old = jp_path_oldest_pending(st);
		if (old)
			next_us = min_u64(next_us, old->sent_us +
					  jp_path_rto(st, &pol->pp));
		if (st->state == JP_PATH_VALIDATED)
			next_us = min_u64(next_us, st->last_answer_us +
					  pol->pp.valid_for_us + 1);
	}
	if (active >= n)
		return stay(next_us);

	switch (state) {
	case JUMPING_STATE_ATTACHED:
	case JUMPING_STATE_DEGRADED:
	case JUMPING_STATE_VOLATILE:
		break;
	case JUMPING_STATE_RECOVERING:
		d = stay(next_us);
		d.held = JP_HELD_MOVING;
		return d;
	default:
		return stay(NEVER);
	}

	if (check_failure(pol, paths, n, active, switch_allowed, now_us,
			  &next_us, &d))
		return d;
	if (state == JUMPING_STATE_VOLATILE)
		return stay(next_us);
	if (check_quality(pol, paths, n, active, state, switch_allowed, now_us,
			  &next_us, &d))
		return d;

	/* Rule 3: back to a preferred path that has been healthy a while. */
	to = failback_target(pol, paths, n, active, now_us, &next_us);
	if (to < 0)
		return stay(next_us);
	return move(pol, JP_PR_PATH_BETTER, to, true, true, switch_allowed,
		    now_us, next_us);
}

bool jp_policy_probe_due(const struct jp_policy *pol,
			 const struct jp_path_stats *st, bool active,
			 bool busy, uint64_t now_us, uint64_t *next_us)
{
	uint64_t every, due;

	if (active)
		every = busy ? pol->p.probe_active_busy_us :
			pol->p.probe_active_idle_us;
	else if (st->state == JP_PATH_FAILED)
		every = pol->p.probe_failed_us;
	else
		every = pol->p.probe_standby_us;
	if (!every) {
		*next_us = NEVER;
		return false;
	}
	/* A new path is probed at once: it has nothing to say yet. */
	due = st->last_probe_us ? st->last_probe_us + every : now_us;
	*next_us = now_us >= due ? now_us + every : due;
	return now_us >= due;
}

const char *jp_pd_reason_name(enum jp_pd_reason r)
{
	/* Only the two that never reach the kernel have names of their own. */
	if (r == JP_PR_NONE)
		return "none";
	if (r == JP_PR_SUSPECT)
		return "suspect";
	return reason_name(jp_pd_reason_uapi(r));
}

const char *jp_pd_action_name(enum jp_pd_action a)
{
	switch (a) {
	case JP_PD_STAY:
		return "stay";
	case JP_PD_PROBE:
		return "probe";
	case JP_PD_MOVE:
		return "move";
	case JP_PD_DEGRADED:
		return "degraded";
	case JP_PD_RECOVERED:
		return "recovered";
	}
	return NULL;
}

const char *jp_pd_held_name(enum jp_pd_held h)
{
	switch (h) {
	case JP_HELD_NONE:
		return "none";
	case JP_HELD_HOLD_DOWN:
		return "hold-down";
	case JP_HELD_BUDGET:
		return "switch-budget";
	case JP_HELD_NO_PATH:
		return "no-path";
	case JP_HELD_MOVING:
		return "moving";
	}
	return NULL;
}

enum jumping_reason jp_pd_reason_uapi(enum jp_pd_reason r)
{
	switch (r) {
	case JP_PR_ACTIVE_FAILED:
		return JUMPING_REASON_RX_SILENCE;
	case JP_PR_ACTIVE_GONE:
		return JUMPING_REASON_PATH_GONE;
	case JP_PR_LOSS_HIGH:
		return JUMPING_REASON_LOSS_HIGH;
	case JP_PR_RTT_HIGH:
		return JUMPING_REASON_RTT_HIGH;
	case JP_PR_LOSS_NORMAL:
		return JUMPING_REASON_LOSS_RECOVERED;
	case JP_PR_RTT_NORMAL:
		return JUMPING_REASON_RTT_RECOVERED;
	case JP_PR_PATH_BETTER:
		return JUMPING_REASON_PATH_BETTER;
	case JP_PR_NONE:
	case JP_PR_SUSPECT:
		break;
	}
	return JUMPING_REASON_NONE;
}
