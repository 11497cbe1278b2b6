// SPDX-License-Identifier: GPL-2.0
/* Silence, TTL and keepalive deadlines (timers.h). */
#include "timers.h"

/* Fire ev if at (absolute) has passed, else note it as a deadline. */
static enum jp_event check(uint64_t at, uint64_t now, enum jp_event ev,
			   uint64_t *next)
{
	if (now >= at)
		return ev;
	if (at < *next)
		*next = at;
	return JP_EV_NONE;
}

enum jp_event jp_timers_due(const struct jp_fsm *fsm,
			    const struct jp_timing *t, uint64_t last_rx_ms,
			    uint64_t now_ms, uint64_t *next_ms)
{
	enum jp_event ev = JP_EV_NONE;

	*next_ms = UINT64_MAX;
	switch (fsm->state) {
	case JUMPING_STATE_BIRTH:
		ev = check(fsm->entered_ms + t->ttl_ms, now_ms,
			   JP_EV_TTL_EXPIRED, next_ms);
		break;
	case JUMPING_STATE_ATTACHED:
	case JUMPING_STATE_DEGRADED:
		ev = check(last_rx_ms + t->volatile_after_ms, now_ms,
			   JP_EV_RX_SILENCE, next_ms);
		break;
	case JUMPING_STATE_VOLATILE:
		/* TTL first: with TTL <= RecoveringAfter it wins. */
		ev = check(last_rx_ms + t->ttl_ms, now_ms, JP_EV_TTL_EXPIRED,
			   next_ms);
		if (ev == JP_EV_NONE)
			ev = check(last_rx_ms + t->recovering_after_ms, now_ms,
				   JP_EV_RX_SILENCE_LONG, next_ms);
		break;
	case JUMPING_STATE_RECOVERING:
		ev = check(last_rx_ms + t->ttl_ms, now_ms, JP_EV_TTL_EXPIRED,
			   next_ms);
		break;
	default:
		break;
	}
	if (ev != JP_EV_NONE)
		*next_ms = now_ms;
	return ev;
}

int jp_keepalive_due(const struct jp_timing *t, uint64_t last_tx_ms,
		     uint64_t now_ms, uint64_t *next_ms)
{
	uint64_t at = last_tx_ms + t->keepalive_ms;

	if (!t->keepalive_ms) {
		*next_ms = UINT64_MAX;
		return 0;
	}
	*next_ms = now_ms >= at ? now_ms : at;
	return now_ms >= at;
}
