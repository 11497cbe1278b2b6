// SPDX-License-Identifier: GPL-2.0
/* Token buckets in a bounded table and a sliding window (ratelimit.h). */
#include <string.h>
#include <sodium.h>
#include "ratelimit.h"

void jp_rl_init(struct jp_rl_table *t, struct jp_rl_entry *slots,
		size_t n_slots, uint32_t burst, uint64_t window_ms,
		const uint8_t seed[16])
{
	memset(slots, 0, n_slots * sizeof(*slots));
	t->slots = slots;
	t->n_slots = n_slots;
	t->burst = burst;
	t->window_ms = window_ms ? window_ms : 1;
	memcpy(t->seed, seed, sizeof(t->seed));
}

/*
 * Tokens are scaled by window_ms so refill is exact integer math: a full
 * bucket holds burst * window_ms, each ms adds burst, an event costs
 * window_ms.
 */
static uint64_t capacity(const struct jp_rl_table *t)
{
	return (uint64_t)t->burst * t->window_ms;
}

static void refill(const struct jp_rl_table *t, struct jp_rl_entry *e,
		   uint64_t now_ms)
{
	uint64_t dt = now_ms > e->last_ms ? now_ms - e->last_ms : 0;
	uint64_t cap = capacity(t);

	/* dt * burst may overflow after a long idle: then it is full anyway */
	if (dt >= t->window_ms || e->tokens + dt * t->burst >= cap)
		e->tokens = cap;
	else
		e->tokens += dt * t->burst;
	if (now_ms > e->last_ms)
		e->last_ms = now_ms;
}

bool jp_rl_allow(struct jp_rl_table *t, const void *key, size_t key_len,
		 uint64_t now_ms)
{
	uint8_t k[JP_RL_KEY_LEN] = { 0 };
	struct jp_rl_entry *e, *spare = NULL;
	uint64_t h;
	size_t i;

	if (!t->n_slots || !t->burst)
		return false;
	memcpy(k, key, key_len < sizeof(k) ? key_len : sizeof(k));
	crypto_shorthash((unsigned char *)&h, k, sizeof(k), t->seed);
	for (i = 0; i < JP_RL_PROBE && i < t->n_slots; i++) {
		e = &t->slots[(h + i) % t->n_slots];
		if (e->used && !memcmp(e->key, k, sizeof(k)))
			goto found;
		if (!e->used) {
			if (!spare)
				spare = e;
			continue;
		}
		/* A full bucket is the same as no entry: it may be reused. */
		refill(t, e, now_ms);
		if (!spare && e->tokens == capacity(t))
			spare = e;
	}
	if (!spare)
		return false;
	e = spare;
	memcpy(e->key, k, sizeof(k));
	e->used = true;
	e->tokens = capacity(t);
	e->last_ms = now_ms;
found:
	refill(t, e, now_ms);
	if (e->tokens < t->window_ms)
		return false;
	e->tokens -= t->window_ms;
	return true;
}

bool jp_rl_allow_session(struct jp_rl_table *t, uint32_t session_id,
			 uint64_t now_ms)
{
	return jp_rl_allow(t, &session_id, sizeof(session_id), now_ms);
}

bool jp_rl_allow_source(struct jp_rl_table *t, const struct jp_binding *src,
			uint64_t now_ms)
{
	uint8_t k[JP_RL_KEY_LEN] = { 0 };

	k[0] = src->family;
	memcpy(k + 4, src->addr, sizeof(src->addr));
	return jp_rl_allow(t, k, sizeof(k), now_ms);
}

enum jp_rl_share jp_rl_check_share(struct jp_rl_table *all,
				   struct jp_rl_table *per_source,
				   const struct jp_binding *src,
				   uint64_t now_ms)
{
	/* Over its own rate, a source must not spend the shared budget. */
	if (!jp_rl_allow_source(per_source, src, now_ms))
		return JP_RL_SHARE_SOURCE_OVER;
	if (!jp_rl_allow(all, "all", 3, now_ms))
		return JP_RL_SHARE_ALL_OVER;
	return JP_RL_SHARE_OK;
}

void jp_window_init(struct jp_window *w, unsigned int max, uint64_t window_ms)
{
	memset(w, 0, sizeof(*w));
	w->max = max < JP_WINDOW_MAX ? max : JP_WINDOW_MAX;
	w->window_ms = window_ms;
}

bool jp_window_room(const struct jp_window *w, uint64_t now_ms)
{
	return w->max && (w->len < w->max ||
			  now_ms >= w->at[w->head] + w->window_ms);
}

bool jp_window_allow(struct jp_window *w, uint64_t now_ms)
{
	/* The oldest of the last max events must have left the window. */
	if (!w->max)
		return false;
	if (w->len == w->max) {
		uint64_t oldest = w->at[w->head];

		if (now_ms < oldest + w->window_ms)
			return false;
	} else {
		w->len++;
	}
	w->at[w->head] = now_ms;
	w->head = (w->head + 1) % w->max;
	return true;
}
