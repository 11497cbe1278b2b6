// SPDX-License-Identifier: GPL-2.0
/* REATTACH proofs: good, forged, replayed, wrong session, wrong binding,
 * and the challenge/response on the new path.
 */
#include <string.h>
#include <sys/socket.h>
#include "reattach.h"
#include "tap.h"

/* SOLICIT: fresh once, never again, never taken for a request. */
static void test_solicit(const uint8_t *key, const uint8_t *other)
{
	uint8_t sol[JP_REATTACH_SOLICIT_LEN];
	struct jp_binding seen = { .family = AF_INET,
				   .addr = { 203, 0, 113, 9 }, .port = 61000 };
	struct jp_reattach_replay rp = { 0 }, req_rp = { 0 };
	struct jp_reattach_msg m;

	jp_reattach_encode_solicit(sol, key, 77, 1000, &seen);
	ok(jp_reattach_verify_solicit(sol, sizeof(sol), key, 77, &rp, &m) ==
	   JP_REATTACH_OK && m.counter == 1000 &&
	   jp_binding_equal(&m.binding, &seen), "solicit verifies");
	ok(jp_reattach_verify_solicit(sol, sizeof(sol), key, 77, &rp, &m) ==
	   JP_REATTACH_REPLAYED, "the same solicit again: replayed");
	ok(jp_reattach_verify_request(sol, sizeof(sol), key, 77, &req_rp,
				      &m) == JP_REATTACH_MALFORMED,
	   "a solicit is not a request");
	sol[1] = JP_REATTACH_REQUEST;
	ok(jp_reattach_verify_request(sol, sizeof(sol), key, 77, &req_rp,
				      &m) == JP_REATTACH_BAD_PROOF,
	   "nor with its subtype changed (the MAC covers it)");
	jp_reattach_encode_solicit(sol, other, 77, 2000, &seen);
	ok(jp_reattach_verify_solicit(sol, sizeof(sol), key, 77, &rp, &m) ==
	   JP_REATTACH_BAD_PROOF && rp.highest == 1000,
	   "another key's solicit: bad proof, counter not advanced");
}

static struct jp_binding v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d,
			    uint16_t port)
{
	struct jp_binding x = { .family = AF_INET, .addr = { a, b, c, d },
				.port = port };
	return x;
}

int main(void)
{
	uint8_t k1[32], k2[32], key[32], key2[32], other[32];
	uint8_t req[JP_REATTACH_REQUEST_LEN], bad[JP_REATTACH_REQUEST_LEN];
	uint8_t ch[JP_REATTACH_CHALLENGE_LEN], rsp[JP_REATTACH_RESPONSE_LEN];
	struct jp_binding claimed = v4(10, 0, 0, 2, 40000);
	struct jp_binding seen = v4(203, 0, 113, 9, 61000);
	struct jp_binding evil = v4(198, 51, 100, 66, 61000);
	struct jp_reattach_replay rp = { 0 };
	struct jp_reattach_pending pend;
	struct jp_reattach_msg m;
	struct jp_binding v6 = { .family = AF_INET6, .port = 51820,
				 .addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
	size_t n;

	memset(k1, 0x11, 32);
	memset(k2, 0x22, 32);
	jp_reattach_derive_key(key, k1, k2);
	jp_reattach_derive_key(key2, k1, k2);
	ok(!memcmp(key, key2, 32), "both sides derive the same key");
	jp_reattach_derive_key(other, k2, k1);
	ok(memcmp(key, other, 32), "order of the data keys matters");
	test_solicit(key, other);

	n = jp_reattach_encode_request(req, key, 0xabcd1234, 1000, &claimed);
	ok(n == 52 && req[0] == 4 && req[1] == JP_REATTACH_REQUEST &&
	   req[2] == 1 && req[4] == 0xab && req[7] == 0x34 && req[15] == 0xe8,
	   "request: 52 bytes, type 4, version 1, big-endian id and counter");
	ok(jp_reattach_verify_request(req, n, key, 0xabcd1234, &rp, &m) ==
	   JP_REATTACH_OK && m.counter == 1000 &&
	   jp_binding_equal(&m.binding, &claimed), "good request verifies");
	ok(jp_reattach_verify_request(req, n, key, 0xabcd1234, &rp, &m) ==
	   JP_REATTACH_REPLAYED, "the same request again: replayed");
	jp_reattach_encode_request(bad, key, 0xabcd1234, 999, &claimed);
	ok(jp_reattach_verify_request(bad, n, key, 0xabcd1234, &rp, &m) ==
	   JP_REATTACH_REPLAYED, "an older counter: replayed");

	jp_reattach_encode_request(bad, other, 0xabcd1234, 2000, &claimed);
	ok(jp_reattach_verify_request(bad, n, key, 0xabcd1234, &rp, &m) ==
	   JP_REATTACH_BAD_PROOF, "forged (wrong key): bad proof");
	ok(rp.highest == 1000, "a forgery does not advance the counter");
	jp_reattach_encode_request(bad, key, 0xabcd1234, 2000, &claimed);
	bad[21] ^= 1;
	ok(jp_reattach_verify_request(bad, n, key, 0xabcd1234, &rp, &m) ==
	   JP_REATTACH_BAD_PROOF, "wrong binding (address edited): bad proof");
	jp_reattach_encode_request(bad, key, 0xabcd1234, 2000, &claimed);
	bad[19] ^= 1;
	ok(jp_reattach_verify_request(bad, n, key, 0xabcd1234, &rp, &m) ==
	   JP_REATTACH_BAD_PROOF, "wrong binding (port edited): bad proof");
	jp_reattach_encode_request(bad, key, 0xabcd1234, 2000, &claimed);
	bad[15] ^= 1;
	ok(jp_reattach_verify_request(bad, n, key, 0xabcd1234, &rp, &m) ==
	   JP_REATTACH_BAD_PROOF, "counter edited: bad proof");
	jp_reattach_encode_request(bad, key, 0xabcd1234, 2000, &claimed);
	ok(jp_reattach_verify_request(bad, n, key, 0x55555555, &rp, &m) ==
	   JP_REATTACH_WRONG_SESSION, "checked against another session: wrong session");
	bad[7] ^= 1;
	ok(jp_reattach_verify_request(bad, n, key, 0xabcd1235, &rp, &m) ==
	   JP_REATTACH_BAD_PROOF, "session id edited to another: bad proof");
	ok(jp_reattach_verify_request(req, n - 1, key, 0xabcd1234, &rp, &m) ==
	   JP_REATTACH_MALFORMED, "short: malformed");
	memcpy(bad, req, n);
	bad[2] = 2;
	ok(jp_reattach_verify_request(bad, n, key, 0xabcd1234, &rp, &m) ==
	   JP_REATTACH_MALFORMED, "unknown version: malformed");
	ok(jp_reattach_reason(JP_REATTACH_BAD_PROOF) ==
	   JUMPING_REASON_REATTACH_BAD_PROOF &&
	   jp_reattach_reason(JP_REATTACH_REPLAYED) ==
	   JUMPING_REASON_REATTACH_REPLAYED, "verdicts map to reason codes");

	n = jp_reattach_encode_request(req, key, 0xabcd1234, 3000, &v6);
	ok(jp_reattach_verify_request(req, n, key, 0xabcd1234, &rp, &m) ==
	   JP_REATTACH_OK && jp_binding_equal(&m.binding, &v6),
	   "IPv6 binding round-trips");

	/* Peer challenges the observed source; mover answers. */
	memset(&pend, 0, sizeof(pend));
	pend.counter = 3000;
	pend.path = seen;
	memset(pend.nonce, 0x5a, sizeof(pend.nonce));
	n = jp_reattach_encode_challenge(ch, key, 0x0badcafe, 3000, &seen,
					 pend.nonce);
	ok(n == 68, "challenge: 68 bytes");
	ok(jp_reattach_verify_challenge(ch, n, key, 0x0badcafe, 3000, &m) ==
	   JP_REATTACH_OK && jp_binding_equal(&m.binding, &seen) &&
	   m.nonce[0] == 0x5a, "mover verifies the challenge");
	ok(jp_reattach_verify_challenge(ch, n, key, 0x0badcafe, 2999, &m) ==
	   JP_REATTACH_REPLAYED, "challenge for another request: replayed");
	ok(jp_reattach_verify_challenge(ch, n, other, 0x0badcafe, 3000, &m) ==
	   JP_REATTACH_BAD_PROOF, "forged challenge: bad proof");
	ok(jp_reattach_verify_request(ch, n, key, 0x0badcafe, &rp, &m) ==
	   JP_REATTACH_MALFORMED, "a challenge is not a request");

	n = jp_reattach_encode_response(rsp, key, 0xabcd1234, 3000, &seen,
					pend.nonce);
	ok(jp_reattach_verify_response(rsp, n, key, 0xabcd1234, &pend, &seen) ==
	   JP_REATTACH_OK, "good response from the challenged path");
	ok(jp_reattach_verify_response(rsp, n, key, 0xabcd1234, &pend, &evil) ==
	   JP_REATTACH_BAD_PROOF, "response from another address: bad proof");
	memcpy(rsp, ch, n);
	ok(jp_reattach_verify_response(rsp, n, key, 0x0badcafe, &pend, &seen) ==
	   JP_REATTACH_MALFORMED, "a reflected challenge is not a response");
	n = jp_reattach_encode_response(rsp, key, 0xabcd1234, 3000, &seen,
					(const uint8_t *)"wrong nonce 16by");
	ok(jp_reattach_verify_response(rsp, n, key, 0xabcd1234, &pend, &seen) ==
	   JP_REATTACH_BAD_PROOF, "wrong nonce: bad proof");
	n = jp_reattach_encode_response(rsp, key, 0xabcd1234, 3000, &evil,
					pend.nonce);
	ok(jp_reattach_verify_response(rsp, n, key, 0xabcd1234, &pend, &evil) ==
	   JP_REATTACH_BAD_PROOF, "response naming another path: bad proof");
	ok(jp_reattach_counter_from_time(5, 10) == 11 &&
	   jp_reattach_counter_from_time(50, 10) == 50,
	   "counter from time never goes back");
	return tap_done();
}
