// SPDX-License-Identifier: GPL-2.0
/*
 * One path's measurements (path_stats.h): the RTT estimator, the window of
 * probe outcomes and the validation state. Times are microseconds; 0 is
 * never a time (the clock has run since boot), so it stands for "none".
 */
#include <string.h>
#include "path_stats.h"

#define SLOT(seq) ((seq) & (JP_PATH_WINDOW - 1))
#define NO_SAMPLE UINT64_MAX

/*
 * The defaults (docs/multipath.md, "Defaults"). rto_min is low because a
 * probe's echo is answered at once by jumpd, not delayed like a TCP ACK;
 * the rttvar floor keeps a path that was steady until now from calling
 * the first slow echo lost.
 */
void jp_path_params_default(struct jp_path_params *pp)
{
	pp->rto_init_us = 1000 * JP_MS;
	pp->rto_min_us = 30 * JP_MS;
	pp->rto_max_us = 2000 * JP_MS;
	pp->rttvar_floor_us = 10 * JP_MS;
	pp->valid_for_us = 5000 * JP_MS;
	pp->fail_after = 3;
	pp->base_epoch_us = 30000 * JP_MS;
}

void jp_path_init(struct jp_path_stats *ps, uint32_t first_seq)
{
	memset(ps, 0, sizeof(*ps));
	ps->state = JP_PATH_PROBING;
	ps->next_seq = first_seq;
	ps->base_cur_us = NO_SAMPLE;
	ps->base_prev_us = NO_SAMPLE;
}

uint64_t jp_path_rto(const struct jp_path_stats *ps,
		     const struct jp_path_params *pp)
{
	uint64_t var, rto;

	if (!ps->have_rtt)
		return pp->rto_init_us;
	var = 4 * ps->rttvar_us;
	if (var < pp->rttvar_floor_us)
		var = pp->rttvar_floor_us;
	rto = ps->srtt_us + var;
	if (rto < pp->rto_min_us)
		rto = pp->rto_min_us;
	if (rto > pp->rto_max_us)
		rto = pp->rto_max_us;
	return rto;
}

/* Start a new epoch of the base RTT when the current one is over. */
static void base_roll(struct jp_path_stats *ps, const struct jp_path_params *pp,
		      uint64_t now_us)
{
	uint64_t age;

	if (!ps->base_epoch_start_us) {
		ps->base_epoch_start_us = now_us;
		return;
	}
	age = now_us - ps->base_epoch_start_us;
	if (now_us < ps->base_epoch_start_us || age < pp->base_epoch_us)
		return;
	/* Two epochs without a sample: what we had is too old to keep. */
	ps->base_prev_us = age < 2 * pp->base_epoch_us ? ps->base_cur_us :
			   NO_SAMPLE;
	ps->base_cur_us = NO_SAMPLE;
	ps->base_epoch_start_us = now_us;
}

/*
 * RFC 6298 2.2 and 2.3 in integers: the first sample sets srtt = R and
 * rttvar = R/2; then rttvar = 3/4 rttvar + 1/4 |srtt - R| (with the old
 * srtt), and srtt = 7/8 srtt + 1/8 R. Divisions truncate.
 */
static void rtt_sample(struct jp_path_stats *ps,
		       const struct jp_path_params *pp, uint64_t r,
		       uint64_t now_us)
{
	uint64_t delta;

	if (!ps->have_rtt) {
		ps->srtt_us = r;
		ps->rttvar_us = r / 2;
		ps->have_rtt = true;
	} else {
		delta = ps->srtt_us > r ? ps->srtt_us - r : r - ps->srtt_us;
		ps->rttvar_us = (3 * ps->rttvar_us + delta) / 4;
		ps->srtt_us = (7 * ps->srtt_us + r) / 8;
	}
	ps->last_rtt_us = r;
	base_roll(ps, pp, now_us);
	/*
	 * The lowest smoothed RTT once a few samples went into it, not the
	 * lowest sample: on a path that reorders, a few samples far under
	 * the rest would make its usual RTT look high for ever.
	 */
	if (ps->rtt_samples < JP_PATH_BASE_AFTER)
		ps->rtt_samples++;
	if (ps->rtt_samples >= JP_PATH_BASE_AFTER &&
	    ps->srtt_us < ps->base_cur_us)
		ps->base_cur_us = ps->srtt_us;
}

uint32_t jp_path_probe_sent(struct jp_path_stats *ps, uint64_t now_us)
{
	uint32_t seq = ps->next_seq++;
	struct jp_probe_slot *s = &ps->win[SLOT(seq)];

	/*
	 * A probe still pending JP_PATH_WINDOW probes later leaves the
	 * window unsettled: too old to say anything about the path now.
	 */
	s->seq = seq;
	s->sent_us = now_us;
	s->outcome = JP_PROBE_PENDING;
	if (ps->n_sent < JP_PATH_WINDOW)
		ps->n_sent++;
	ps->probes++;
	ps->last_probe_us = now_us;
	jp_path_sent(ps, now_us);
	return seq;
}

enum jp_echo_verdict jp_path_echo(struct jp_path_stats *ps,
				  const struct jp_path_params *pp,
				  uint32_t seq, uint64_t now_us)
{
	/* How far behind the next number: 1 is the newest probe sent. */
	uint32_t behind = ps->next_seq - seq;
	struct jp_probe_slot *s = &ps->win[SLOT(seq)];
	enum jp_echo_verdict v;

	if (behind == 0 || behind > ps->n_sent || s->seq != seq ||
	    s->outcome == JP_PROBE_EMPTY) {
		ps->unknown++;
		return JP_ECHO_UNKNOWN;
	}
	if (s->outcome == JP_PROBE_ANSWERED) {
		ps->duplicates++;
		return JP_ECHO_DUPLICATE;
	}
	v = s->outcome == JP_PROBE_LOST ? JP_ECHO_LATE : JP_ECHO_OK;
	if (v == JP_ECHO_LATE)
		ps->late++;
	s->outcome = JP_PROBE_ANSWERED;
	ps->answers++;
	rtt_sample(ps, pp, now_us > s->sent_us ? now_us - s->sent_us : 0,
		   now_us);
	ps->last_answer_us = now_us;
	ps->lost_in_row = 0;
	ps->state = JP_PATH_VALIDATED;
	jp_path_heard(ps, now_us);
	return v;
}

void jp_path_heard(struct jp_path_stats *ps, uint64_t now_us)
{
	if (now_us > ps->last_heard_us)
		ps->last_heard_us = now_us;
	ps->unheard_tx_since_us = 0;
}

void jp_path_sent(struct jp_path_stats *ps, uint64_t now_us)
{
	if (!ps->unheard_tx_since_us)
		ps->unheard_tx_since_us = now_us;
}

void jp_path_update(struct jp_path_stats *ps, const struct jp_path_params *pp,
		    uint64_t now_us)
{
	uint64_t rto = jp_path_rto(ps, pp);
	unsigned int k;

	/* Oldest first, so that lost_in_row counts in sending order. */
	for (k = ps->n_sent; k >= 1; k--) {
		struct jp_probe_slot *s = &ps->win[SLOT(ps->next_seq - k)];

		if (s->outcome == JP_PROBE_PENDING &&
		    now_us >= s->sent_us + rto) {
			s->outcome = JP_PROBE_LOST;
			ps->lost_in_row++;
		}
	}
	base_roll(ps, pp, now_us);

	if (ps->lost_in_row >= pp->fail_after)
		ps->state = JP_PATH_FAILED;
	else if (ps->last_answer_us &&
		 (now_us <= ps->last_answer_us ||
		  now_us - ps->last_answer_us <= pp->valid_for_us))
		ps->state = JP_PATH_VALIDATED;
	else
		ps->state = JP_PATH_PROBING;
}

void jp_path_failed(struct jp_path_stats *ps, const struct jp_path_params *pp)
{
	if (ps->lost_in_row < pp->fail_after)
		ps->lost_in_row = pp->fail_after;
	ps->state = JP_PATH_FAILED;
}

void jp_path_forget_probes(struct jp_path_stats *ps)
{
	ps->n_sent = 0;
	ps->lost_in_row = 0;
	if (ps->state == JP_PATH_FAILED)
		ps->state = JP_PATH_PROBING;
}

unsigned int jp_path_loss_permille(const struct jp_path_stats *ps,
				   unsigned int n, unsigned int *settled)
{
	unsigned int k, lost = 0, done = 0;

	if (n > ps->n_sent)
		n = ps->n_sent;
	for (k = 1; k <= n; k++) {
		const struct jp_probe_slot *s =
			&ps->win[SLOT(ps->next_seq - k)];

		if (s->outcome == JP_PROBE_LOST) {
			lost++;
			done++;
		} else if (s->outcome == JP_PROBE_ANSWERED) {
			done++;
		}
	}
	if (settled)
		*settled = done;
	return done ? lost * 1000 / done : 0;
}

uint64_t jp_path_base_rtt(const struct jp_path_stats *ps)
{
	uint64_t b = ps->base_cur_us < ps->base_prev_us ? ps->base_cur_us :
			ps->base_prev_us;

	return b == NO_SAMPLE ? 0 : b;
}

const struct jp_probe_slot *
jp_path_oldest_pending(const struct jp_path_stats *ps)
{
	unsigned int k;

	for (k = ps->n_sent; k >= 1; k--) {
		const struct jp_probe_slot *s =
			&ps->win[SLOT(ps->next_seq - k)];

		if (s->outcome == JP_PROBE_PENDING)
			return s;
	}
	return NULL;
}

const char *jp_path_state_name(enum jp_path_state s)
{
	switch (s) {
	case JP_PATH_PROBING:
		return "probing";
	case JP_PATH_VALIDATED:
		return "validated";
	case JP_PATH_FAILED:
		return "failed";
	}
	return NULL;
}
