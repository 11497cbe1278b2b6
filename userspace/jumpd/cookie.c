// SPDX-License-Identifier: GPL-2.0
/* Cookies and mac2 (cookie.h). */
#include <string.h>
#include <sodium.h>
#include "cookie.h"
#include "reattach.h"

void jp_cookie_make(uint8_t cookie[JP_COOKIE_LEN],
		    const uint8_t secret[JP_COOKIE_SECRET_LEN],
		    const struct jp_binding *src)
{
	uint8_t in[1 + 2 + 16] = { 0 };

	/* The source as the responder sees it: NAT and all. */
	in[0] = src->family;
	in[1] = (uint8_t)(src->port >> 8);
	in[2] = (uint8_t)src->port;
	memcpy(in + 3, src->addr, 16);
	crypto_generichash(cookie, JP_COOKIE_LEN, in, sizeof(in), secret,
			   JP_COOKIE_SECRET_LEN);
}

void jp_hs_mac2_put(uint8_t *msg, const uint8_t cookie[JP_COOKIE_LEN])
{
	crypto_generichash(msg + JP_HS_INIT_LEN, JP_HS_MAC2_LEN, msg,
			   JP_HS_INIT_LEN, cookie, JP_COOKIE_LEN);
}

bool jp_hs_mac2_ok(const uint8_t *msg, const uint8_t cookie[JP_COOKIE_LEN])
{
	uint8_t want[JP_HS_MAC2_LEN];

	crypto_generichash(want, sizeof(want), msg, JP_HS_INIT_LEN, cookie,
			   JP_COOKIE_LEN);
	return !sodium_memcmp(want, msg + JP_HS_INIT_LEN, JP_HS_MAC2_LEN);
}

void jp_cookie_reply_key(uint8_t key[JP_COOKIE_KEY_LEN], const uint8_t pub[32])
{
	jp_hs_label_key(key, "jumping-vpn cookie v1", pub);
}

size_t jp_cookie_reply_encode(uint8_t *out, const uint8_t key[JP_COOKIE_KEY_LEN],
			      const uint8_t mac1[JP_HS_MAC1_LEN],
			      const uint8_t cookie[JP_COOKIE_LEN])
{
	uint8_t *nonce = out + 4;

	out[0] = JP_MSG_TYPE_CONTROL;
	out[1] = JP_CTRL_COOKIE;
	out[2] = JP_COOKIE_VERSION;
	out[3] = 0;
	randombytes_buf(nonce, JP_COOKIE_NONCE_LEN);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + 4 + JP_COOKIE_NONCE_LEN,
						   NULL, cookie, JP_COOKIE_LEN,
						   mac1, JP_HS_MAC1_LEN, NULL,
						   nonce, key);
	return JP_COOKIE_REPLY_LEN;
}

int jp_cookie_reply_decode(const uint8_t *buf, size_t len,
			   const uint8_t key[JP_COOKIE_KEY_LEN],
			   const uint8_t mac1[JP_HS_MAC1_LEN],
			   uint8_t cookie[JP_COOKIE_LEN])
{
	if (len != JP_COOKIE_REPLY_LEN || buf[0] != JP_MSG_TYPE_CONTROL ||
	    buf[1] != JP_CTRL_COOKIE || buf[2] != JP_COOKIE_VERSION || buf[3])
		return -1;
	return crypto_aead_xchacha20poly1305_ietf_decrypt(
		cookie, NULL, NULL, buf + 4 + JP_COOKIE_NONCE_LEN,
		JP_COOKIE_LEN + 16, mac1, JP_HS_MAC1_LEN, buf + 4, key) ? -1 : 0;
}
