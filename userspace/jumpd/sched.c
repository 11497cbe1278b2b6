// SPDX-License-Identifier: GPL-2.0
/*
 * Which peer has work due next (jumpd.h, "sched"): a binary min-heap of
 * peers by their next deadline, so that a wake-up costs the peers due,
 * not every peer. A peer an event concerns is made due at once (its
 * lookup does it: jd_peer_by_*), and its deadlines are then computed
 * anew, as the loop over every peer used to do at each wake-up.
 */
#include <stdlib.h>
#include "jumpd.h"

static bool before(const struct jd_peer *a, const struct jd_peer *b)
{
	return a->due_ms < b->due_ms;
}

static void place(struct jd *d, unsigned int i, struct jd_peer *p)
{
	d->heap[i] = p;
	p->heap_pos = i + 1;
}

static void sift_up(struct jd *d, unsigned int i)
{
	struct jd_peer *p = d->heap[i];

	while (i && before(p, d->heap[(i - 1) / 2])) {
		place(d, i, d->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	place(d, i, p);
}

static void sift_down(struct jd *d, unsigned int i)
{
	struct jd_peer *p = d->heap[i];
	unsigned int c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= d->heap_n)
			break;
		if (c + 1 < d->heap_n && before(d->heap[c + 1], d->heap[c]))
			c++;
		if (!before(d->heap[c], p))
			break;
		place(d, i, d->heap[c]);
		i = c;
	}
	place(d, i, p);
}

void jd_sched(struct jd *d, struct jd_peer *p, uint64_t at_ms)
{
	unsigned int i;

	if (!p->heap_pos) {
		/* Not queued: only a peer not (yet) in d->peers. */
		return;
	}
	i = p->heap_pos - 1;
	p->due_ms = at_ms;
	sift_up(d, i);
	sift_down(d, p->heap_pos - 1);
}

void jd_touch(struct jd *d, struct jd_peer *p)
{
	if (p->heap_pos && p->due_ms)
		jd_sched(d, p, 0);
}

void jd_touch_all(struct jd *d)
{
	unsigned int i;

	for (i = 0; i < d->heap_n; i++)
		d->heap[i]->due_ms = 0;
}

int jd_sched_rebuild(struct jd *d)
{
	struct jd_peer **v = NULL;
	unsigned int i;

	if (d->n_peers > d->heap_cap) {
		v = realloc(d->heap, d->n_peers * sizeof(*v));
		if (!v)
			return -1;
		d->heap = v;
		d->heap_cap = d->n_peers;
	}
	/* Every peer due now: a heap already. */
	d->heap_n = d->n_peers;
	for (i = 0; i < d->n_peers; i++) {
		d->peers[i]->due_ms = 0;
		place(d, i, d->peers[i]);
	}
	return 0;
}

int jd_sched_add(struct jd *d, struct jd_peer *p)
{
	struct jd_peer **v;
	unsigned int cap;

	if (d->heap_n == d->heap_cap) {
		cap = d->heap_cap ? d->heap_cap * 2 : 16;
		v = realloc(d->heap, cap * sizeof(*v));
		if (!v)
			return -1;
		d->heap = v;
		d->heap_cap = cap;
	}
	p->due_ms = 0;
	place(d, d->heap_n++, p);
	sift_up(d, d->heap_n - 1);
	return 0;
}

void jd_sched_remove(struct jd *d, struct jd_peer *p)
{
	unsigned int i;
	struct jd_peer *last;

	if (!p->heap_pos)
		return;
	i = p->heap_pos - 1;
	p->heap_pos = 0;
	last = d->heap[--d->heap_n];
	if (last == p)
		return;
	place(d, i, last);
	sift_up(d, i);
	sift_down(d, last->heap_pos - 1);
}

struct jd_peer *jd_sched_first(const struct jd *d)
{
	return d->heap_n ? d->heap[0] : NULL;
}

void jd_sched_free(struct jd *d)
{
	free(d->heap);
	d->heap = NULL;
	d->heap_n = d->heap_cap = 0;
}
