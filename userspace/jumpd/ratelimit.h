/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rate limits for REATTACH handling, pure and with time passed in:
 * - a token bucket table keyed by a short byte string (a session id, or a
 *   source address), bounded in size: a flood of new keys cannot grow it;
 * - a "at most N per sliding window" counter (reattaches per session).
 */
#ifndef JUMPD_RATELIMIT_H
#define JUMPD_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "binding.h"

#define JP_RL_KEY_LEN	20	/* family + port + 16-byte address */
#define JP_RL_PROBE	8	/* slots searched per key */

struct jp_rl_entry {
	uint8_t key[JP_RL_KEY_LEN];
	bool used;
	uint64_t tokens;	/* scaled: one event costs window_ms */
	uint64_t last_ms;
};

struct jp_rl_table {
	struct jp_rl_entry *slots;
	size_t n_slots;
	uint32_t burst;		/* events allowed at once, and per window */
	uint64_t window_ms;
	uint8_t seed[16];	/* keys the slot hash: no chosen collisions */
};

/*
 * slots (n_slots of them, caller's memory) hold at most n_slots keys;
 * rate = burst events per window_ms. seed should be random.
 */
void jp_rl_init(struct jp_rl_table *t, struct jp_rl_entry *slots,
		size_t n_slots, uint32_t burst, uint64_t window_ms,
		const uint8_t seed[16]);
/*
 * Take one token for key. False when the key is over its rate, or when
 * every slot it may use belongs to a key that is not fully refilled (the
 * table is full of active keys: refuse rather than forget one).
 */
bool jp_rl_allow(struct jp_rl_table *t, const void *key, size_t key_len,
		 uint64_t now_ms);
bool jp_rl_allow_session(struct jp_rl_table *t, uint32_t session_id,
			 uint64_t now_ms);
/* Keyed by address only: a NAT's port churn must not buy fresh tokens. */
bool jp_rl_allow_source(struct jp_rl_table *t, const struct jp_binding *src,
			uint64_t now_ms);

/*
 * A budget shared by all sources (all: one key) that no source may take
 * more than its share of (per_source): the source is charged first, and
 * the shared budget only for what the source is allowed.
 */
enum jp_rl_share {
	JP_RL_SHARE_OK,
	JP_RL_SHARE_SOURCE_OVER,	/* this source is over its share */
	JP_RL_SHARE_ALL_OVER,		/* the shared budget is spent */
};
enum jp_rl_share jp_rl_check_share(struct jp_rl_table *all,
				   struct jp_rl_table *per_source,
				   const struct jp_binding *src,
				   uint64_t now_ms);

#define JP_WINDOW_MAX 64

/* Sliding window: at most max events in any window_ms. */
struct jp_window {
	uint64_t at[JP_WINDOW_MAX];	/* ring of the last max event times */
	unsigned int head, len, max;
	uint64_t window_ms;
};

/* max is clamped to JP_WINDOW_MAX. */
void jp_window_init(struct jp_window *w, unsigned int max, uint64_t window_ms);
/* Whether one more event fits now; if so it is counted. */
bool jp_window_allow(struct jp_window *w, uint64_t now_ms);
/* Whether one more event would fit now; nothing is counted. */
bool jp_window_room(const struct jp_window *w, uint64_t now_ms);

#endif /* JUMPD_RATELIMIT_H */
