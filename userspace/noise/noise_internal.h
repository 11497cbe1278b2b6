/* SPDX-License-Identifier: GPL-2.0 */
/* Internals shared by the noise_*.c files; not part of the public API. */
#ifndef JUMPING_NOISE_INTERNAL_H
#define JUMPING_NOISE_INTERNAL_H

#include <sodium.h>

#include "noise.h"

/* One running hash of either kind, so HMAC can be written once. */
struct noise_hash_ctx {
	enum noise_hash_id id;
	union {
		crypto_generichash_state blake2b;
		crypto_hash_sha256_state sha256;
	} u;
};

size_t noise_hash_block_len(enum noise_hash_id id);
void noise_hash_start(struct noise_hash_ctx *ctx, enum noise_hash_id id);
void noise_hash_update(struct noise_hash_ctx *ctx,
		       const uint8_t *data, size_t len);
void noise_hash_final(struct noise_hash_ctx *ctx, uint8_t *out);

/* HKDF (spec 4.3) with num_outputs 2 (out3 == NULL) or 3; each HASHLEN. */
void noise_hkdf(enum noise_hash_id id, const uint8_t *ck,
		const uint8_t *ikm, size_t ikm_len,
		uint8_t *out1, uint8_t *out2, uint8_t *out3);

/* SymmetricState operations (spec 5.2). */
void noise_symmetric_init(struct noise_symmetric *ss, enum noise_hash_id id,
			  const char *protocol_name);
void noise_mix_key(struct noise_symmetric *ss,
		   const uint8_t *ikm, size_t ikm_len);
void noise_mix_hash(struct noise_symmetric *ss,
		    const uint8_t *data, size_t len);
void noise_mix_key_and_hash(struct noise_symmetric *ss,
			    const uint8_t *ikm, size_t ikm_len);
int noise_encrypt_and_hash(struct noise_symmetric *ss,
			   const uint8_t *pt, size_t pt_len,
			   uint8_t *out, size_t out_cap, size_t *out_len);
int noise_decrypt_and_hash(struct noise_symmetric *ss,
			   const uint8_t *ct, size_t ct_len,
			   uint8_t *out, size_t out_cap, size_t *out_len);
void noise_symmetric_split(struct noise_symmetric *ss,
			   struct noise_cipher *c1, struct noise_cipher *c2);

#endif /* JUMPING_NOISE_INTERNAL_H */
