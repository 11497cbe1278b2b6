// SPDX-License-Identifier: GPL-2.0
/*
 * SymmetricState (Noise spec 5.2): the chaining key ck, the handshake
 * hash h and the CipherState keyed from ck.  HASHLEN is 64 for BLAKE2b,
 * so derived cipher keys are truncated to 32 bytes as the spec says.
 */
#include <string.h>

#include "noise_internal.h"

void noise_symmetric_init(struct noise_symmetric *ss, enum noise_hash_id id,
			  const char *protocol_name)
{
	size_t len = strlen(protocol_name);
	struct noise_hash_ctx ctx;

	memset(ss, 0, sizeof(*ss));
	ss->hash = id;
	ss->hash_len = noise_hash_len(id);
	if (len <= ss->hash_len) {	/* short names are zero padded */
		memcpy(ss->h, protocol_name, len);
	} else {
		noise_hash_start(&ctx, id);
		noise_hash_update(&ctx, (const uint8_t *)protocol_name, len);
		noise_hash_final(&ctx, ss->h);
	}
	memcpy(ss->ck, ss->h, ss->hash_len);
	noise_cipher_init(&ss->cs, NULL);
}

void noise_mix_key(struct noise_symmetric *ss,
		   const uint8_t *ikm, size_t ikm_len)
{
	uint8_t ck[NOISE_MAX_HASH_LEN], temp_k[NOISE_MAX_HASH_LEN];

	noise_hkdf(ss->hash, ss->ck, ikm, ikm_len, ck, temp_k, NULL);
	memcpy(ss->ck, ck, ss->hash_len);
	noise_cipher_init(&ss->cs, temp_k);	/* takes the first 32 bytes */
	sodium_memzero(ck, sizeof(ck));
	sodium_memzero(temp_k, sizeof(temp_k));
}

void noise_mix_hash(struct noise_symmetric *ss,
		    const uint8_t *data, size_t len)
{
	struct noise_hash_ctx ctx;

	noise_hash_start(&ctx, ss->hash);
	noise_hash_update(&ctx, ss->h, ss->hash_len);
	noise_hash_update(&ctx, data, len);
	noise_hash_final(&ctx, ss->h);
}

void noise_mix_key_and_hash(struct noise_symmetric *ss,
			    const uint8_t *ikm, size_t ikm_len)
{
	uint8_t ck[NOISE_MAX_HASH_LEN], temp_h[NOISE_MAX_HASH_LEN];
	uint8_t temp_k[NOISE_MAX_HASH_LEN];

	noise_hkdf(ss->hash, ss->ck, ikm, ikm_len, ck, temp_h, temp_k);
	memcpy(ss->ck, ck, ss->hash_len);
	noise_mix_hash(ss, temp_h, ss->hash_len);
	noise_cipher_init(&ss->cs, temp_k);
	sodium_memzero(ck, sizeof(ck));
	sodium_memzero(temp_h, sizeof(temp_h));
	sodium_memzero(temp_k, sizeof(temp_k));
}

int noise_encrypt_and_hash(struct noise_symmetric *ss,
			   const uint8_t *pt, size_t pt_len,
			   uint8_t *out, size_t out_cap, size_t *out_len)
{
	int err;

	err = noise_cipher_encrypt(&ss->cs, ss->h, ss->hash_len, pt, pt_len,
				   out, out_cap, out_len);
	if (err)
		return err;
	noise_mix_hash(ss, out, *out_len);
	return NOISE_OK;
}

/* out must not overlap ct: h is mixed with the ciphertext afterwards. */
int noise_decrypt_and_hash(struct noise_symmetric *ss,
			   const uint8_t *ct, size_t ct_len,
			   uint8_t *out, size_t out_cap, size_t *out_len)
{
	int err;

	err = noise_cipher_decrypt(&ss->cs, ss->h, ss->hash_len, ct, ct_len,
				   out, out_cap, out_len);
	if (err)
		return err;
	noise_mix_hash(ss, ct, ct_len);
	return NOISE_OK;
}

void noise_symmetric_split(struct noise_symmetric *ss,
			   struct noise_cipher *c1, struct noise_cipher *c2)
{
	uint8_t k1[NOISE_MAX_HASH_LEN], k2[NOISE_MAX_HASH_LEN];

	noise_hkdf(ss->hash, ss->ck, NULL, 0, k1, k2, NULL);
	noise_cipher_init(c1, k1);
	noise_cipher_init(c2, k2);
	sodium_memzero(k1, sizeof(k1));
	sodium_memzero(k2, sizeof(k2));
}
