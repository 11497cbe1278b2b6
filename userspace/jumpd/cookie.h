/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cookies: what makes a handshake flood from forged source addresses cheap
 * (docs/handshake.md, "Under load"). A responder over its handshake budget
 * stops spending DHs on initiations whose mac2 does not verify and answers
 * each with a cookie reply instead: a small datagram (smaller than the
 * initiation) to the source the initiation came from. Only an initiator
 * that receives there learns the cookie, and its next initiation's mac2,
 * keyed by the cookie, proves it; such sources are then limited only by
 * their own share of the budget.
 *
 *  initiation on the wire: initiation (136, with mac1) | mac2 (16) = 152
 *    mac2 = BLAKE2b-128(key = cookie, the first 136 bytes); zero without
 *  cookie     = BLAKE2b-128(key = responder's secret, source family, port,
 *               address); the secret is random and replaced every 2 min
 *  cookie reply (control type 4, subtype 6):
 *    4, 6, version 1, 0 | nonce (24) | cookie sealed (16 + 16)     = 60
 *    sealed with XChaCha20-Poly1305 under BLAKE2b-256("jumping-vpn cookie
 *    v1" || responder's public key), the initiation's mac1 as associated
 *    data: it answers that initiation and no other, and anyone can check
 *    it came from someone who saw it, no more.
 * Pure: no state, no sockets, time passed in by the caller.
 */
#ifndef JUMPD_COOKIE_H
#define JUMPD_COOKIE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "binding.h"
#include "hs_msg.h"

#define JP_HS_MAC2_LEN		16
#define JP_HS_INIT_WIRE_LEN	(JP_HS_INIT_LEN + JP_HS_MAC2_LEN)
#define JP_COOKIE_LEN		16
#define JP_COOKIE_SECRET_LEN	32
#define JP_COOKIE_KEY_LEN	32
#define JP_CTRL_COOKIE		6
#define JP_COOKIE_VERSION	1
#define JP_COOKIE_NONCE_LEN	24
#define JP_COOKIE_REPLY_LEN	(4 + JP_COOKIE_NONCE_LEN + JP_COOKIE_LEN + 16)
/* A responder's secret lives this long; a cookie is used a little less. */
#define JP_COOKIE_SECRET_MS	120000
#define JP_COOKIE_USE_MS	110000

void jp_cookie_make(uint8_t cookie[JP_COOKIE_LEN],
		    const uint8_t secret[JP_COOKIE_SECRET_LEN],
		    const struct jp_binding *src);
/* mac2 of an initiation on the wire (JP_HS_INIT_WIRE_LEN bytes). */
void jp_hs_mac2_put(uint8_t *msg, const uint8_t cookie[JP_COOKIE_LEN]);
bool jp_hs_mac2_ok(const uint8_t *msg, const uint8_t cookie[JP_COOKIE_LEN]);

/* The key of cookie replies from the holder of public key pub. */
void jp_cookie_reply_key(uint8_t key[JP_COOKIE_KEY_LEN], const uint8_t pub[32]);
/* Seal cookie for the initiation whose mac1 is given; fills 60 bytes. */
size_t jp_cookie_reply_encode(uint8_t *out, const uint8_t key[JP_COOKIE_KEY_LEN],
			      const uint8_t mac1[JP_HS_MAC1_LEN],
			      const uint8_t cookie[JP_COOKIE_LEN]);
/* 0 with the cookie, or -1: not a reply to the initiation with that mac1. */
int jp_cookie_reply_decode(const uint8_t *buf, size_t len,
			   const uint8_t key[JP_COOKIE_KEY_LEN],
			   const uint8_t mac1[JP_HS_MAC1_LEN],
			   uint8_t cookie[JP_COOKIE_LEN]);

#endif /* JUMPD_COOKIE_H */
