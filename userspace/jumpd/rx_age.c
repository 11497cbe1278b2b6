// SPDX-License-Identifier: GPL-2.0
/* New rx from successive RX_AGE_MS readings (rx_age.h). */
#include <string.h>
#include "rx_age.h"

void jp_rx_age_reset(struct jp_rx_age *r)
{
	memset(r, 0, sizeof(*r));
}

bool jp_rx_age_fresh(struct jp_rx_age *r, uint64_t age, uint64_t now,
		     uint64_t last_rx_ms)
{
	uint64_t elapsed, slack;
	bool fresh;

	if (!r->seen) {
		fresh = age <= now && now - age > last_rx_ms;
	} else {
		elapsed = now > r->prev_ms ? now - r->prev_ms : 0;
		slack = elapsed / 4 > JP_RX_SLACK_MS ? elapsed / 4 :
			JP_RX_SLACK_MS;
		fresh = age + slack < r->prev_age + elapsed;
	}
	r->seen = true;
	r->prev_age = age;
	r->prev_ms = now;
	return fresh;
}
