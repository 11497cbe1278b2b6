// SPDX-License-Identifier: GPL-2.0
/*
 * Cookies and mac2 (cookie.h): a cookie belongs to one source and one
 * secret; mac2 verifies only under the cookie and over the very bytes; a
 * reply opens only with the responder's reply key and the mac1 of the
 * initiation it answers.
 */
#include <string.h>
#include <sys/socket.h>
#include <sodium.h>
#include "cookie.h"
#include "tap.h"

int main(void)
{
	uint8_t s1[JP_COOKIE_SECRET_LEN], s2[JP_COOKIE_SECRET_LEN];
	uint8_t c1[JP_COOKIE_LEN], c2[JP_COOKIE_LEN], c3[JP_COOKIE_LEN];
	uint8_t got[JP_COOKIE_LEN], pub[32], other_pub[32];
	uint8_t key[JP_COOKIE_KEY_LEN], other_key[JP_COOKIE_KEY_LEN];
	uint8_t msg[JP_HS_INIT_WIRE_LEN], reply[JP_COOKIE_REPLY_LEN];
	struct jp_binding a = { .family = AF_INET, .addr = { 192, 0, 2, 1 },
				.port = 51821 };
	struct jp_binding b = a;
	const uint8_t *mac1;

	if (sodium_init() < 0)
		return 1;
	memset(s1, 1, sizeof(s1));
	memset(s2, 2, sizeof(s2));
	b.port = 51822;
	jp_cookie_make(c1, s1, &a);
	jp_cookie_make(c2, s1, &b);
	jp_cookie_make(c3, s2, &a);
	ok(memcmp(c1, c2, sizeof(c1)) && memcmp(c1, c3, sizeof(c1)),
	   "a cookie is the source's (port too) and the secret's");
	jp_cookie_make(c2, s1, &a);
	ok(!memcmp(c1, c2, sizeof(c1)), "the same source and secret: the same cookie");

	randombytes_buf(msg, sizeof(msg));
	jp_hs_mac2_put(msg, c1);
	ok(jp_hs_mac2_ok(msg, c1), "mac2 verifies under its cookie");
	ok(!jp_hs_mac2_ok(msg, c3), "not under another");
	msg[7] ^= 1;
	ok(!jp_hs_mac2_ok(msg, c1), "not over other bytes");
	memset(msg + JP_HS_INIT_LEN, 0, JP_HS_MAC2_LEN);
	ok(!jp_hs_mac2_ok(msg, c1), "a zero mac2 (no cookie) does not verify");

	memset(pub, 7, sizeof(pub));
	memset(other_pub, 8, sizeof(other_pub));
	jp_cookie_reply_key(key, pub);
	jp_cookie_reply_key(other_key, other_pub);
	mac1 = msg + JP_HS_INIT_LEN - JP_HS_MAC1_LEN;
	ok(jp_cookie_reply_encode(reply, key, mac1, c1) == 60 &&
	   reply[0] == 4 && reply[1] == JP_CTRL_COOKIE,
	   "a reply: 60 bytes, control type 4, subtype 6");
	ok(!jp_cookie_reply_decode(reply, sizeof(reply), key, mac1, got) &&
	   !memcmp(got, c1, sizeof(got)), "it opens with the key and the mac1");
	ok(jp_cookie_reply_decode(reply, sizeof(reply), other_key, mac1, got),
	   "not with another responder's key");
	ok(jp_cookie_reply_decode(reply, sizeof(reply), key, msg, got),
	   "not for another initiation's mac1");
	ok(jp_cookie_reply_decode(reply, sizeof(reply) - 1, key, mac1, got),
	   "not truncated");
	reply[40] ^= 1;
	ok(jp_cookie_reply_decode(reply, sizeof(reply), key, mac1, got),
	   "not altered");
	return tap_done();
}
