// SPDX-License-Identifier: GPL-2.0
/*
 * jumpd's new-rx test from successive RX_AGE_MS readings: real rx is seen
 * whether polls are closer or further apart than packets, and a silence
 * read through a drifting, whole-ms age never looks like rx.
 */
#include "rx_age.h"
#include "tap.h"

int main(void)
{
	struct jp_rx_age r;
	uint64_t now, age, last = 1000;
	int fake = 0, i;

	jp_rx_age_reset(&r);
	ok(!jp_rx_age_fresh(&r, 0, 1000, 1000),
	   "first look: rx at the install time is not new");
	ok(jp_rx_age_fresh(&r, 10, 1100, last),
	   "100 ms later, age 10: a packet arrived in between");
	ok(!jp_rx_age_fresh(&r, 60, 1150, last),
	   "50 ms later, age grew by 50: nothing new");
	ok(jp_rx_age_fresh(&r, 40, 1350, last),
	   "200 ms later, age 40 (poll slower than packets): new");

	/* 20 s of silence, polled every 50 ms, the kernel's age running
	 * 5% slow and rounded down: never fresh. */
	jp_rx_age_reset(&r);
	jp_rx_age_fresh(&r, 0, 10000, 10000);
	for (i = 1; i <= 400; i++) {
		now = 10000 + (uint64_t)i * 50;
		age = (uint64_t)i * 50 * 95 / 100;
		fake += jp_rx_age_fresh(&r, age, now, 10000);
	}
	ok(!fake, "a long silence with a drifting age never reads as rx");
	ok(jp_rx_age_fresh(&r, 5, 30060, 10000),
	   "and the first packet after it does");

	/* Jitter of a few ms between two polls is not rx either. */
	jp_rx_age_reset(&r);
	jp_rx_age_fresh(&r, 500, 5000, 4500);
	ok(!jp_rx_age_fresh(&r, 548, 5050, 4500),
	   "an age 2 ms short of the interval is not rx");
	ok(!jp_rx_age_fresh(&r, 597, 5100, 4500), "nor 1 ms short");
	return tap_done();
}
