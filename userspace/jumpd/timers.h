/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which time-driven event is due for a session, and when the next one will
 * be: silence on the binding makes it VOLATILE, then RECOVERING, and past
 * the TTL without a transport it is TERMINATED. Pure: the main loop passes
 * the clock and the time of the last authenticated rx, and sleeps until
 * the returned deadline.
 */
#ifndef JUMPD_TIMERS_H
#define JUMPD_TIMERS_H

#include <stdint.h>
#include "state.h"

struct jp_timing {
	uint64_t keepalive_ms;		/* send a keepalive after this idle */
	uint64_t volatile_after_ms;	/* rx silence -> VOLATILE */
	uint64_t recovering_after_ms;	/* rx silence -> RECOVERING */
	uint64_t ttl_ms;		/* rx silence (or BIRTH) -> TERMINATED */
};

/*
 * The event due now (JP_EV_NONE if none); *next_ms gets the absolute time
 * at which the next one falls due (UINT64_MAX if none will). Silence is
 * measured from last_rx_ms; in BIRTH the TTL runs from entering BIRTH.
 */
enum jp_event jp_timers_due(const struct jp_fsm *fsm,
			    const struct jp_timing *t, uint64_t last_rx_ms,
			    uint64_t now_ms, uint64_t *next_ms);

/* Whether a keepalive is due, given the last tx on the binding. */
int jp_keepalive_due(const struct jp_timing *t, uint64_t last_tx_ms,
		     uint64_t now_ms, uint64_t *next_ms);

#endif /* JUMPD_TIMERS_H */
