// SPDX-License-Identifier: GPL-2.0
/* Probe tokens: two rotating secrets, keyed BLAKE2b (probe_token.h). */
#include <string.h>
#include <sodium.h>
#include "probe_token.h"
#include "wire.h"

void jp_probe_tokens_rotate(struct jp_probe_tokens *t, uint64_t now_ms)
{
	uint64_t epoch = now_ms / JP_PROBE_SECRET_MS;

	if (t->has_cur && epoch <= t->epoch)
		return;		/* this epoch's secret (time never goes back) */
	if (t->has_cur && epoch == t->epoch + 1) {
		memcpy(t->secret[1], t->secret[0], JP_PROBE_SECRET_LEN);
		t->has_prev = true;
	} else {
		sodium_memzero(t->secret[1], JP_PROBE_SECRET_LEN);
		t->has_prev = false;
	}
	randombytes_buf(t->secret[0], JP_PROBE_SECRET_LEN);
	t->has_cur = true;
	t->epoch = epoch;
}

static void token(uint8_t out[JP_PROBE_TOKEN_LEN],
		  const uint8_t secret[JP_PROBE_SECRET_LEN], uint32_t local_id,
		  const struct jp_binding *b)
{
	uint8_t in[4 + JP_REATTACH_BINDING_LEN];

	put_be32(in, local_id);
	jp_binding_wire_put(in + 4, b);
	crypto_generichash(out, JP_PROBE_TOKEN_LEN, in, sizeof(in), secret,
			   JP_PROBE_SECRET_LEN);
}

void jp_probe_token_make(struct jp_probe_tokens *t, uint64_t now_ms,
			 uint32_t local_id, const struct jp_binding *observed,
			 uint8_t out[JP_PROBE_TOKEN_LEN])
{
	jp_probe_tokens_rotate(t, now_ms);
	token(out, t->secret[0], local_id, observed);
}

bool jp_probe_token_verify(struct jp_probe_tokens *t, uint64_t now_ms,
			   uint32_t local_id, const struct jp_binding *from,
			   const uint8_t tok[JP_PROBE_TOKEN_LEN])
{
	uint8_t want[JP_PROBE_TOKEN_LEN];
	bool good;

	if (!jp_binding_is_set(from))
		return false;
	jp_probe_tokens_rotate(t, now_ms);
	token(want, t->secret[0], local_id, from);
	good = !sodium_memcmp(want, tok, JP_PROBE_TOKEN_LEN);
	if (!good && t->has_prev) {
		token(want, t->secret[1], local_id, from);
		good = !sodium_memcmp(want, tok, JP_PROBE_TOKEN_LEN);
	}
	sodium_memzero(want, sizeof(want));
	return good;
}

void jp_probe_tokens_wipe(struct jp_probe_tokens *t)
{
	sodium_memzero(t, sizeof(*t));
}
