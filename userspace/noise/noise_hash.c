// SPDX-License-Identifier: GPL-2.0
/*
 * HASH, HMAC-HASH and HKDF (Noise spec 4.3) over BLAKE2b-512 or SHA-256.
 *
 * libsodium has HMAC-SHA256 but no HMAC-BLAKE2b (its keyed BLAKE2b is a
 * different MAC), and Noise requires RFC 2104 HMAC.  So HMAC is composed
 * here, once, from the streaming hash API; the test program checks the
 * SHA-256 instance against crypto_auth_hmacsha256.
 */
#include <string.h>

#include "noise_internal.h"

#define NOISE_MAX_BLOCK_LEN 128

size_t noise_hash_len(enum noise_hash_id id)
{
	return id == NOISE_HASH_BLAKE2B ? crypto_generichash_BYTES_MAX
					: crypto_hash_sha256_BYTES;
}

size_t noise_hash_block_len(enum noise_hash_id id)
{
	return id == NOISE_HASH_BLAKE2B ? 128 : 64;
}

int noise_hash_by_name(const char *name, enum noise_hash_id *id)
{
	if (!strcmp(name, "BLAKE2b"))
		*id = NOISE_HASH_BLAKE2B;
	else if (!strcmp(name, "SHA256"))
		*id = NOISE_HASH_SHA256;
	else
		return NOISE_EPROTO;
	return NOISE_OK;
}

void noise_hash_start(struct noise_hash_ctx *ctx, enum noise_hash_id id)
{
	ctx->id = id;
	if (id == NOISE_HASH_BLAKE2B)
		crypto_generichash_init(&ctx->u.blake2b, NULL, 0,
					crypto_generichash_BYTES_MAX);
	else
		crypto_hash_sha256_init(&ctx->u.sha256);
}

void noise_hash_update(struct noise_hash_ctx *ctx,
		       const uint8_t *data, size_t len)
{
	if (ctx->id == NOISE_HASH_BLAKE2B)
		crypto_generichash_update(&ctx->u.blake2b, data, len);
	else
		crypto_hash_sha256_update(&ctx->u.sha256, data, len);
}

void noise_hash_final(struct noise_hash_ctx *ctx, uint8_t *out)
{
	if (ctx->id == NOISE_HASH_BLAKE2B)
		crypto_generichash_final(&ctx->u.blake2b, out,
					 crypto_generichash_BYTES_MAX);
	else
		crypto_hash_sha256_final(&ctx->u.sha256, out);
	sodium_memzero(ctx, sizeof(*ctx));
}

/* RFC 2104: H((K ^ opad) || H((K ^ ipad) || data)), K zero-padded. */
void noise_hmac(enum noise_hash_id id, const uint8_t *key, size_t key_len,
		const uint8_t *data, size_t data_len, uint8_t *out)
{
	size_t block = noise_hash_block_len(id);
	uint8_t k[NOISE_MAX_BLOCK_LEN] = { 0 };
	uint8_t pad[NOISE_MAX_BLOCK_LEN];
	uint8_t inner[NOISE_MAX_HASH_LEN];
	struct noise_hash_ctx ctx;
	size_t i;

	if (key_len > block) {	/* long keys are hashed first */
		noise_hash_start(&ctx, id);
		noise_hash_update(&ctx, key, key_len);
		noise_hash_final(&ctx, k);
	} else {
		memcpy(k, key, key_len);
	}

	for (i = 0; i < block; i++)
		pad[i] = k[i] ^ 0x36;
	noise_hash_start(&ctx, id);
	noise_hash_update(&ctx, pad, block);
	noise_hash_update(&ctx, data, data_len);
	noise_hash_final(&ctx, inner);

	for (i = 0; i < block; i++)
		pad[i] = k[i] ^ 0x5c;
	noise_hash_start(&ctx, id);
	noise_hash_update(&ctx, pad, block);
	noise_hash_update(&ctx, inner, noise_hash_len(id));
	noise_hash_final(&ctx, out);

	sodium_memzero(k, sizeof(k));
	sodium_memzero(pad, sizeof(pad));
	sodium_memzero(inner, sizeof(inner));
}

void noise_hkdf(enum noise_hash_id id, const uint8_t *ck,
		const uint8_t *ikm, size_t ikm_len,
		uint8_t *out1, uint8_t *out2, uint8_t *out3)
{
	size_t hlen = noise_hash_len(id);
	uint8_t temp_key[NOISE_MAX_HASH_LEN];
	uint8_t buf[NOISE_MAX_HASH_LEN + 1];

	noise_hmac(id, ck, hlen, ikm, ikm_len, temp_key);

	buf[0] = 0x01;
	noise_hmac(id, temp_key, hlen, buf, 1, out1);

	memcpy(buf, out1, hlen);
	buf[hlen] = 0x02;
	noise_hmac(id, temp_key, hlen, buf, hlen + 1, out2);

	if (out3) {
		memcpy(buf, out2, hlen);
		buf[hlen] = 0x03;
		noise_hmac(id, temp_key, hlen, buf, hlen + 1, out3);
	}

	sodium_memzero(temp_key, sizeof(temp_key));
	sodium_memzero(buf, sizeof(buf));
}
