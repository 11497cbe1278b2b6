// SPDX-License-Identifier: GPL-2.0
/*
 * CipherState (Noise spec 5.1) over libsodium's ChaCha20-Poly1305 IETF.
 * Nonce per spec 12.3: 32 bits of zeros, then the 64-bit counter little
 * endian.  n = 2^64-1 is reserved (used only by Rekey), so a state whose
 * counter reaches it refuses to encrypt or decrypt.
 */
#include <string.h>

#include "noise_internal.h"

#define NOISE_NONCE_MAX UINT64_MAX

static void noise_nonce(uint8_t out[crypto_aead_chacha20poly1305_IETF_NPUBBYTES],
			uint64_t n)
{
	int i;

	memset(out, 0, 4);
	for (i = 0; i < 8; i++)
		out[4 + i] = (uint8_t)(n >> (8 * i));
}

void noise_cipher_init(struct noise_cipher *cs, const uint8_t *key)
{
	if (key) {
		memcpy(cs->k, key, NOISE_KEY_LEN);
		cs->has_key = true;
	} else {
		sodium_memzero(cs->k, sizeof(cs->k));
		cs->has_key = false;
	}
	cs->n = 0;
}

void noise_cipher_set_nonce(struct noise_cipher *cs, uint64_t n)
{
	cs->n = n;
}

void noise_cipher_wipe(struct noise_cipher *cs)
{
	sodium_memzero(cs, sizeof(*cs));
}

static void noise_aead_encrypt(const uint8_t *k, uint64_t n,
			       const uint8_t *ad, size_t ad_len,
			       const uint8_t *pt, size_t pt_len, uint8_t *out)
{
	uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];
	unsigned long long clen;

	noise_nonce(nonce, n);
	crypto_aead_chacha20poly1305_ietf_encrypt(out, &clen, pt, pt_len,
						  ad, ad_len, NULL, nonce, k);
}

int noise_cipher_encrypt(struct noise_cipher *cs,
			 const uint8_t *ad, size_t ad_len,
			 const uint8_t *pt, size_t pt_len,
			 uint8_t *out, size_t out_cap, size_t *out_len)
{
	if (!cs->has_key) {	/* before any MixKey: plaintext passes */
		if (out_cap < pt_len)
			return NOISE_ESPACE;
		if (pt_len)
			memmove(out, pt, pt_len);
		*out_len = pt_len;
		return NOISE_OK;
	}
	if (cs->n == NOISE_NONCE_MAX)
		return NOISE_ENONCE;
	if (pt_len > NOISE_MAX_MSG_LEN - NOISE_TAG_LEN ||
	    out_cap < pt_len + NOISE_TAG_LEN)
		return NOISE_ESPACE;

	noise_aead_encrypt(cs->k, cs->n, ad, ad_len, pt, pt_len, out);
	cs->n++;
	*out_len = pt_len + NOISE_TAG_LEN;
	return NOISE_OK;
}

int noise_cipher_decrypt(struct noise_cipher *cs,
			 const uint8_t *ad, size_t ad_len,
			 const uint8_t *ct, size_t ct_len,
			 uint8_t *out, size_t out_cap, size_t *out_len)
{
	uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];
	unsigned long long plen;

	if (!cs->has_key) {
		if (out_cap < ct_len)
			return NOISE_ESPACE;
		if (ct_len)
			memmove(out, ct, ct_len);
		*out_len = ct_len;
		return NOISE_OK;
	}
	if (cs->n == NOISE_NONCE_MAX)
		return NOISE_ENONCE;
	if (ct_len < NOISE_TAG_LEN)
		return NOISE_ESHORT;
	if (ct_len > NOISE_MAX_MSG_LEN || out_cap < ct_len - NOISE_TAG_LEN)
		return NOISE_ESPACE;

	noise_nonce(nonce, cs->n);
	if (crypto_aead_chacha20poly1305_ietf_decrypt(out, &plen, NULL,
						      ct, ct_len, ad, ad_len,
						      nonce, cs->k) != 0)
		return NOISE_EAUTH;	/* n unchanged: spec 5.1 */
	cs->n++;
	*out_len = (size_t)plen;
	return NOISE_OK;
}

int noise_cipher_rekey(struct noise_cipher *cs)
{
	uint8_t zeros[NOISE_KEY_LEN] = { 0 };
	uint8_t out[NOISE_KEY_LEN + NOISE_TAG_LEN];

	if (!cs->has_key)
		return NOISE_ESTATE;
	noise_aead_encrypt(cs->k, NOISE_NONCE_MAX, NULL, 0,
			   zeros, sizeof(zeros), out);
	memcpy(cs->k, out, NOISE_KEY_LEN);
	sodium_memzero(out, sizeof(out));
	return NOISE_OK;
}
