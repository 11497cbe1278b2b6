// SPDX-License-Identifier: GPL-2.0
/*
 * The peers' deadline heap (sched.c): the first is always the earliest,
 * through reschedules, touches, additions and removals; 10k peers.
 */
#include <stdlib.h>
#include "jumpd.h"
#include "tap.h"

#define N 10000

static struct jd d;

/* Every parent due no later than its children, and positions right. */
static int heap_ok(void)
{
	unsigned int i;

	for (i = 0; i < d.heap_n; i++) {
		if (d.heap[i]->heap_pos != i + 1)
			return 0;
		if (i && d.heap[(i - 1) / 2]->due_ms > d.heap[i]->due_ms)
			return 0;
	}
	return 1;
}

int main(void)
{
	struct jd_peer *extra;
	unsigned int i, order_ok = 1;
	uint64_t last = 0;

	srand(1);
	d.peers = calloc(N + 1, sizeof(*d.peers));
	for (i = 0; i < N; i++)
		d.peers[i] = calloc(1, sizeof(struct jd_peer));
	d.n_peers = N;
	ok(!jd_sched_rebuild(&d) && d.heap_n == N && heap_ok(),
	   "10k peers queued, all due now");
	for (i = 0; i < N; i++)
		jd_sched(&d, d.peers[i], 1000 + (uint64_t)(rand() % 100000));
	ok(heap_ok(), "rescheduled at random: still a heap");
	jd_touch(&d, d.peers[4242]);
	ok(jd_sched_first(&d) == d.peers[4242], "a touched peer is first");
	jd_sched(&d, d.peers[4242], 5000);
	/* Take them in order, as the main loop does (pushed to the end). */
	for (i = 0; i < N; i++) {
		struct jd_peer *p = jd_sched_first(&d);

		if (p->due_ms < last)
			order_ok = 0;
		last = p->due_ms;
		jd_sched(&d, p, UINT64_MAX);
	}
	ok(order_ok && heap_ok(), "taken in deadline order");
	jd_sched_remove(&d, d.peers[17]);
	jd_sched_remove(&d, d.peers[N - 1]);
	ok(d.heap_n == N - 2 && !d.peers[17]->heap_pos && heap_ok(),
	   "two removed, the heap intact");
	extra = calloc(1, sizeof(*extra));
	ok(!jd_sched_add(&d, extra) && jd_sched_first(&d) == extra &&
	   heap_ok(), "one added: due now, first");
	jd_touch_all(&d);
	ok(heap_ok() && !jd_sched_first(&d)->due_ms, "all touched: all due");
	jd_sched_free(&d);
	for (i = 0; i < N; i++)
		free(d.peers[i]);
	free(d.peers);
	free(extra);
	return tap_done();
}
