/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether the kernel saw authenticated rx on the binding since our last
 * look, from RX_AGE_MS polled now and then. Pure: time is passed in.
 *
 * Not "now - age > last rx": the kernel counts the age in jiffies, which
 * drift from our clock (by a few percent on a loaded guest, and ages come
 * in whole ms), so a derived rx time creeps forward over a long silence and
 * would fake fresh rx. Ages are compared instead: without rx the age grows
 * by the time between two polls; an age clearly below that (a slack for
 * the drift over one interval) means a packet arrived in between.
 */
#ifndef JUMPD_RX_AGE_H
#define JUMPD_RX_AGE_H

#include <stdbool.h>
#include <stdint.h>

#define JP_RX_SLACK_MS	20

struct jp_rx_age {
	bool seen;		/* prev_age is valid */
	uint64_t prev_age;	/* age at the previous poll */
	uint64_t prev_ms;	/* when that poll was */
};

/* Forget the history (new session, adoption). */
void jp_rx_age_reset(struct jp_rx_age *r);
/*
 * age: RX_AGE_MS read at now. last_rx_ms: what we believe so far (used on
 * the first look only). True if this is new rx.
 */
bool jp_rx_age_fresh(struct jp_rx_age *r, uint64_t age, uint64_t now,
		     uint64_t last_rx_ms);

#endif /* JUMPD_RX_AGE_H */
