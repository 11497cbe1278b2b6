/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Probe tokens (docs/multipath.md, "Probe and echo"): what lets a client
 * switch to a standby path it has probed without a challenge round trip.
 *
 * The responder (one set per daemon) holds two random secrets, the current
 * one and the one before, in memory only. Time is cut into epochs of
 * JP_PROBE_SECRET_MS; the current secret is the one of the present epoch,
 * the previous one that of the epoch just before. A token is
 *   BLAKE2b-128(key = current secret, local session id (4, big-endian) ||
 *               observed source (20, the wire form of reattach.h))
 * and goes in the ECHO to that source. It verifies under either secret,
 * so it is good until the end of the epoch after the one it was made in:
 * more than 10 s, less than 20 s. Only for that session (the id the
 * responder receives on) and that address, port included.
 *
 * It is not a secret from whoever sees the path (it travels in the clear
 * in the ECHO); it proves that the key holder received what was sent to
 * that address within its lifetime, as an answered challenge does. A
 * restart loses the secrets, which costs the next switch a challenge.
 */
#ifndef JUMPD_PROBE_TOKEN_H
#define JUMPD_PROBE_TOKEN_H

#include <stdbool.h>
#include <stdint.h>
#include "binding.h"
#include "probe.h"

#define JP_PROBE_SECRET_LEN	32
#define JP_PROBE_SECRET_MS	10000

struct jp_probe_tokens {
	uint8_t secret[2][JP_PROBE_SECRET_LEN];	/* current, previous */
	uint64_t epoch;				/* of secret[0] */
	bool has_cur, has_prev;
};

/*
 * Bring the secrets to the epoch of now_ms (a monotonic clock in ms:
 * CLOCK_BOOTTIME). One epoch on: the current secret becomes the previous
 * one and a new one is drawn; two or more: both are replaced (the old ones
 * are past their lifetime). make and verify call it themselves.
 */
void jp_probe_tokens_rotate(struct jp_probe_tokens *t, uint64_t now_ms);
/* The token for an ECHO to `observed`, for our session local_id. */
void jp_probe_token_make(struct jp_probe_tokens *t, uint64_t now_ms,
			 uint32_t local_id, const struct jp_binding *observed,
			 uint8_t token[JP_PROBE_TOKEN_LEN]);
/*
 * Whether token was made (by make) for local_id and for `from`, the
 * source the SWITCH (or PROBE) came from, under either secret still alive
 * at now_ms. Compared in constant time.
 */
bool jp_probe_token_verify(struct jp_probe_tokens *t, uint64_t now_ms,
			   uint32_t local_id, const struct jp_binding *from,
			   const uint8_t token[JP_PROBE_TOKEN_LEN]);
/* Zero both secrets (at exit: they are never written anywhere). */
void jp_probe_tokens_wipe(struct jp_probe_tokens *t);

#endif /* JUMPD_PROBE_TOKEN_H */
