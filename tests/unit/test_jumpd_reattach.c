// SPDX-License-Identifier: GPL-2.0
/* REATTACH proofs: good, forged, replayed, wrong session, wrong binding,
 * and the challenge/response on the new path.
 */
#include <string.h>
#include <sys/socket.h>
#include "reattach.h"
#include "tap.h"

/* What a receiver of the initiator's messages tries: key, and nothing else. */
static struct jp_mac_keys *rx(const uint8_t *key)
{
	static struct jp_mac_keys mk;

	memset(&mk, 0, sizeof(mk));
	mk.key[0] = key;
	mk.dir[0] = JP_DIR_I2R;
	mk.n = 1;
	return &mk;
}

/* SOLICIT: fresh once, never again, never taken for a request. */
static void test_solicit(const uint8_t *key, const uint8_t *other)
{
	uint8_t sol[JP_REATTACH_SOLICIT_LEN];
	struct jp_binding seen = { .family = AF_INET,
				   .addr = { 203, 0, 113, 9 }, .port = 61000 };
	struct jp_reattach_replay rp = { 0 }, req_rp = { 0 };
	struct jp_reattach_msg m;

	jp_reattach_encode_solicit(sol, key, JP_DIR_I2R, 77, 1000, &seen);
	ok(jp_reattach_verify_solicit(sol, sizeof(sol), rx(key), 77, &rp, &m) ==
	   JP_REATTACH_OK && m.counter == 1000 &&
	   jp_binding_equal(&m.binding, &seen), "solicit verifies");
	ok(jp_reattach_verify_solicit(sol, sizeof(sol), rx(key), 77, &rp, &m) ==
	   JP_REATTACH_REPLAYED, "the same solicit again: replayed");
	ok(jp_reattach_verify_request(sol, sizeof(sol), rx(key), 77, &req_rp,
				      &m) == JP_REATTACH_MALFORMED,
	   "a solicit is not a request");
	sol[1] = JP_REATTACH_REQUEST;
	ok(jp_reattach_verify_request(sol, sizeof(sol), rx(key), 77, &req_rp,
				      &m) == JP_REATTACH_BAD_PROOF,
	   "nor with its subtype changed (the MAC covers it)");
	jp_reattach_encode_solicit(sol, other, JP_DIR_I2R, 77, 2000, &seen);
	ok(jp_reattach_verify_solicit(sol, sizeof(sol), rx(key), 77, &rp, &m) ==
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

/*
 * A message verifies only in its direction: reflected back to its
 * sender (same keys, same session id) it is a bad proof.
 */
static void test_direction(const struct jp_ctl_keys *ci,
			   const struct jp_ctl_keys *cr)
{
	struct jp_binding b = v4(192, 0, 2, 1, 1000);
	uint8_t req[JP_REATTACH_REQUEST_LEN], ch[JP_REATTACH_CHALLENGE_LEN];
	uint8_t sol[JP_REATTACH_SOLICIT_LEN], nonce[16] = { 1 };
	struct jp_reattach_replay rp = { 0 };
	struct jp_ctl_ring ri, rr;
	struct jp_reattach_msg m;
	struct jp_mac_keys mk;

	jp_ctl_ring_init(&ri, ci);
	jp_ctl_ring_init(&rr, cr);
	ok(jp_ctl_dir_out(ci) == JP_DIR_I2R && jp_ctl_dir_out(cr) == JP_DIR_R2I &&
	   jp_ctl_dir_in(ci) == JP_DIR_R2I, "directions follow the roles");

	jp_reattach_encode_request(req, ci->reattach, jp_ctl_dir_out(ci), 7,
				   10, &b);
	jp_ctl_ring_rx_reattach(&rr, 0, &mk);
	ok(jp_reattach_verify_request(req, sizeof(req), &mk, 7, &rp, &m) ==
	   JP_REATTACH_OK, "the responder takes the initiator's request");
	memset(&rp, 0, sizeof(rp));
	jp_ctl_ring_rx_reattach(&ri, 0, &mk);
	ok(jp_reattach_verify_request(req, sizeof(req), &mk, 7, &rp, &m) ==
	   JP_REATTACH_BAD_PROOF && !rp.any,
	   "the request reflected back to the initiator: bad proof");

	jp_reattach_encode_challenge(ch, cr->reattach, jp_ctl_dir_out(cr), 7,
				     10, &b, nonce);
	jp_ctl_ring_rx_reattach(&ri, 0, &mk);
	ok(jp_reattach_verify_challenge(ch, sizeof(ch), &mk, 7, 10, &m) ==
	   JP_REATTACH_OK, "the initiator takes the responder's challenge");
	jp_ctl_ring_rx_reattach(&rr, 0, &mk);
	ok(jp_reattach_verify_challenge(ch, sizeof(ch), &mk, 7, 10, &m) ==
	   JP_REATTACH_BAD_PROOF,
	   "the challenge reflected back to the responder: bad proof");

	jp_reattach_encode_solicit(sol, cr->reattach, jp_ctl_dir_out(cr), 7,
				   20, &b);
	jp_ctl_ring_rx_reattach(&rr, 0, &mk);
	ok(jp_reattach_verify_solicit(sol, sizeof(sol), &mk, 7, &rp, &m) ==
	   JP_REATTACH_BAD_PROOF,
	   "a solicit reflected back to its sender: bad proof");
	jp_reattach_encode_request(req, ci->confirm, jp_ctl_dir_out(ci), 7,
				   30, &b);
	memset(&rp, 0, sizeof(rp));
	ok(jp_reattach_verify_request(req, sizeof(req), &mk, 7, &rp, &m) ==
	   JP_REATTACH_BAD_PROOF,
	   "a request under the confirm key: bad proof");
}

/* Two parties' control keys for data keys a and b. */
static void pair(uint8_t a, uint8_t b, struct jp_ctl_keys *i,
		 struct jp_ctl_keys *r)
{
	uint8_t ka[32], kb[32];

	memset(ka, a, 32);
	memset(kb, b, 32);
	jp_ctl_keys_derive(i, ka, kb, true);
	jp_ctl_keys_derive(r, ka, kb, false);
}

static enum jp_reattach_verdict req_under(const struct jp_ctl_ring *to,
					  uint64_t now, const uint8_t *msg,
					  enum jp_ctl_which *which)
{
	struct jp_reattach_replay rp = { 0 };
	struct jp_reattach_msg m;
	struct jp_mac_keys mk;
	enum jp_reattach_verdict v;

	jp_ctl_ring_rx_reattach(to, now, &mk);
	v = jp_reattach_verify_request(msg, JP_REATTACH_REQUEST_LEN, &mk, 7,
				       &rp, &m);
	if (v == JP_REATTACH_OK && which)
		*which = mk.which[mk.used];
	return v;
}

/*
 * A rekey rotates the REATTACH keys: between the two sides' swaps a proof
 * under either the old or the new keys verifies; once the swap is done on
 * both (the peer heard under the new keys) or after the bound, the old
 * keys verify nothing and are wiped.
 */
static void test_rotation(void)
{
	struct jp_ctl_keys oi, or_, ni, nr;
	struct jp_ctl_ring ri, rr;
	struct jp_binding b = v4(192, 0, 2, 1, 1000);
	uint8_t old_req[JP_REATTACH_REQUEST_LEN], new_req[JP_REATTACH_REQUEST_LEN];
	uint8_t old_ch[JP_REATTACH_REQUEST_LEN], new_ch[JP_REATTACH_REQUEST_LEN];
	uint8_t zero[JP_CTL_KEY_LEN] = { 0 };
	enum jp_ctl_which w = JP_CTL_CUR;

	pair(0x31, 0x32, &oi, &or_);
	pair(0x41, 0x42, &ni, &nr);
	jp_ctl_ring_init(&ri, &oi);
	jp_ctl_ring_init(&rr, &or_);
	/* Messages each side makes under the old and the new keys. */
	jp_reattach_encode_request(old_req, oi.reattach, JP_DIR_I2R, 7, 1, &b);
	jp_reattach_encode_request(new_req, ni.reattach, JP_DIR_I2R, 7, 2, &b);
	jp_reattach_encode_request(old_ch, or_.reattach, JP_DIR_R2I, 7, 3, &b);
	jp_reattach_encode_request(new_ch, nr.reattach, JP_DIR_R2I, 7, 4, &b);

	ok(req_under(&rr, 1000, new_req, NULL) == JP_REATTACH_BAD_PROOF,
	   "before the rekey the new keys verify nothing");
	/* The initiator swaps at the response; the responder holds next. */
	jp_ctl_ring_rotate(&ri, &ni, 1000, 5000);
	jp_ctl_ring_set_next(&rr, &nr);
	ok(!memcmp(ri.cur.reattach, ni.reattach, 32) && ri.has_prev,
	   "initiator: the new keys are current, the old ones previous");
	ok(req_under(&rr, 1500, new_req, &w) == JP_REATTACH_OK &&
	   w == JP_CTL_NEXT, "window: the responder takes the new key (pending)");
	ok(req_under(&rr, 1500, old_req, &w) == JP_REATTACH_OK &&
	   w == JP_CTL_CUR, "window: the responder still takes the old key");
	ok(req_under(&ri, 1500, old_ch, &w) == JP_REATTACH_OK &&
	   w == JP_CTL_PREV, "window: the initiator takes the old key (previous)");

	/* The confirm arrives: the responder swaps. */
	jp_ctl_ring_swap(&rr, 2000, 5000);
	ok(!rr.has_next && !memcmp(rr.cur.reattach, nr.reattach, 32),
	   "responder swapped to the new keys");
	ok(req_under(&rr, 3000, old_req, &w) == JP_REATTACH_OK &&
	   w == JP_CTL_PREV, "after its swap the responder still takes the old key");
	ok(req_under(&rr, 7000, old_req, NULL) == JP_REATTACH_BAD_PROOF,
	   "after the bound the old key verifies nothing");
	jp_ctl_ring_expire(&rr, 7000);
	ok(!rr.has_prev && !memcmp(rr.prev.reattach, zero, 32),
	   "and it is wiped");
	ok(req_under(&rr, 7000, new_req, &w) == JP_REATTACH_OK &&
	   w == JP_CTL_CUR, "the new key verifies");

	/* The initiator hears the responder under the new keys: done. */
	ok(req_under(&ri, 2500, new_ch, &w) == JP_REATTACH_OK && w == JP_CTL_CUR,
	   "the initiator takes the responder's new key");
	jp_ctl_ring_heard(&ri, w);
	ok(!ri.has_prev && !memcmp(ri.prev.reattach, zero, 32) &&
	   req_under(&ri, 2500, old_ch, NULL) == JP_REATTACH_BAD_PROOF,
	   "heard under the new keys: the old ones are wiped and refused");

	ok(jp_key_reject_after_ms(120000) == 300000 &&
	   jp_key_reject_after_ms(3000) == 16000 &&
	   jp_key_reject_after_ms(0) == 10000 &&
	   jp_key_reject_after_ms(UINT64_MAX / 2) == UINT32_MAX,
	   "hard key age: 2 RekeyAfter + max(RekeyAfter / 2, 10 s)");
}

int main(void)
{
	uint8_t k1[32], k2[32], key[32], other[32];
	struct jp_ctl_keys ci, cr, co;
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
	jp_ctl_keys_derive(&ci, k1, k2, true);
	jp_ctl_keys_derive(&cr, k1, k2, false);
	ok(!memcmp(ci.reattach, cr.reattach, 32) &&
	   !memcmp(ci.confirm, cr.confirm, 32),
	   "both sides derive the same keys");
	ok(memcmp(ci.reattach, ci.confirm, 32),
	   "the confirm key is not the REATTACH key");
	memcpy(key, ci.reattach, 32);
	jp_ctl_keys_derive(&co, k2, k1, true);
	memcpy(other, co.reattach, 32);
	ok(memcmp(key, other, 32), "order of the data keys matters");
	test_solicit(key, other);
	test_direction(&ci, &cr);
	test_rotation();

	n = jp_reattach_encode_request(req, key, JP_DIR_I2R, 0xabcd1234, 1000, &claimed);
	ok(n == 52 && req[0] == 4 && req[1] == JP_REATTACH_REQUEST &&
	   req[2] == 2 && req[4] == 0xab && req[7] == 0x34 && req[15] == 0xe8,
	   "request: 52 bytes, type 4, version 2, big-endian id and counter");
	ok(jp_reattach_verify_request(req, n, rx(key), 0xabcd1234, &rp, &m) ==
	   JP_REATTACH_OK && m.counter == 1000 &&
	   jp_binding_equal(&m.binding, &claimed), "good request verifies");
	ok(jp_reattach_verify_request(req, n, rx(key), 0xabcd1234, &rp, &m) ==
	   JP_REATTACH_REPLAYED, "the same request again: replayed");
	jp_reattach_encode_request(bad, key, JP_DIR_I2R, 0xabcd1234, 999, &claimed);
	ok(jp_reattach_verify_request(bad, n, rx(key), 0xabcd1234, &rp, &m) ==
	   JP_REATTACH_REPLAYED, "an older counter: replayed");

	jp_reattach_encode_request(bad, other, JP_DIR_I2R, 0xabcd1234, 2000, &claimed);
	ok(jp_reattach_verify_request(bad, n, rx(key), 0xabcd1234, &rp, &m) ==
	   JP_REATTACH_BAD_PROOF, "forged (wrong key): bad proof");
	ok(rp.highest == 1000, "a forgery does not advance the counter");
	jp_reattach_encode_request(bad, key, JP_DIR_I2R, 0xabcd1234, 2000, &claimed);
	bad[21] ^= 1;
	ok(jp_reattach_verify_request(bad, n, rx(key), 0xabcd1234, &rp, &m) ==
	   JP_REATTACH_BAD_PROOF, "wrong binding (address edited): bad proof");
	jp_reattach_encode_request(bad, key, JP_DIR_I2R, 0xabcd1234, 2000, &claimed);
	bad[19] ^= 1;
	ok(jp_reattach_verify_request(bad, n, rx(key), 0xabcd1234, &rp, &m) ==
	   JP_REATTACH_BAD_PROOF, "wrong binding (port edited): bad proof");
	jp_reattach_encode_request(bad, key, JP_DIR_I2R, 0xabcd1234, 2000, &claimed);
	bad[15] ^= 1;
	ok(jp_reattach_verify_request(bad, n, rx(key), 0xabcd1234, &rp, &m) ==
	   JP_REATTACH_BAD_PROOF, "counter edited: bad proof");
	jp_reattach_encode_request(bad, key, JP_DIR_I2R, 0xabcd1234, 2000, &claimed);
	ok(jp_reattach_verify_request(bad, n, rx(key), 0x55555555, &rp, &m) ==
	   JP_REATTACH_WRONG_SESSION, "checked against another session: wrong session");
	bad[7] ^= 1;
	ok(jp_reattach_verify_request(bad, n, rx(key), 0xabcd1235, &rp, &m) ==
	   JP_REATTACH_BAD_PROOF, "session id edited to another: bad proof");
	ok(jp_reattach_verify_request(req, n - 1, rx(key), 0xabcd1234, &rp, &m) ==
	   JP_REATTACH_MALFORMED, "short: malformed");
	memcpy(bad, req, n);
	bad[2] = 1;
	ok(jp_reattach_verify_request(bad, n, rx(key), 0xabcd1234, &rp, &m) ==
	   JP_REATTACH_MALFORMED, "version 1 (one key, no direction): malformed");
	ok(jp_reattach_reason(JP_REATTACH_BAD_PROOF) ==
	   JUMPING_REASON_REATTACH_BAD_PROOF &&
	   jp_reattach_reason(JP_REATTACH_REPLAYED) ==
	   JUMPING_REASON_REATTACH_REPLAYED, "verdicts map to reason codes");

	n = jp_reattach_encode_request(req, key, JP_DIR_I2R, 0xabcd1234, 3000, &v6);
	ok(jp_reattach_verify_request(req, n, rx(key), 0xabcd1234, &rp, &m) ==
	   JP_REATTACH_OK && jp_binding_equal(&m.binding, &v6),
	   "IPv6 binding round-trips");

	/* Peer challenges the observed source; mover answers. */
	memset(&pend, 0, sizeof(pend));
	pend.counter = 3000;
	pend.path = seen;
	memset(pend.nonce, 0x5a, sizeof(pend.nonce));
	n = jp_reattach_encode_challenge(ch, key, JP_DIR_I2R, 0x0badcafe, 3000, &seen,
					 pend.nonce);
	ok(n == 68, "challenge: 68 bytes");
	ok(jp_reattach_verify_challenge(ch, n, rx(key), 0x0badcafe, 3000, &m) ==
	   JP_REATTACH_OK && jp_binding_equal(&m.binding, &seen) &&
	   m.nonce[0] == 0x5a, "mover verifies the challenge");
	ok(jp_reattach_verify_challenge(ch, n, rx(key), 0x0badcafe, 2999, &m) ==
	   JP_REATTACH_REPLAYED, "challenge for another request: replayed");
	ok(jp_reattach_verify_challenge(ch, n, rx(other), 0x0badcafe, 3000, &m) ==
	   JP_REATTACH_BAD_PROOF, "forged challenge: bad proof");
	ok(jp_reattach_verify_request(ch, n, rx(key), 0x0badcafe, &rp, &m) ==
	   JP_REATTACH_MALFORMED, "a challenge is not a request");

	n = jp_reattach_encode_response(rsp, key, JP_DIR_I2R, 0xabcd1234, 3000, &seen,
					pend.nonce);
	ok(jp_reattach_verify_response(rsp, n, rx(key), 0xabcd1234, &pend, &seen) ==
	   JP_REATTACH_OK, "good response from the challenged path");
	ok(jp_reattach_verify_response(rsp, n, rx(key), 0xabcd1234, &pend, &evil) ==
	   JP_REATTACH_BAD_PROOF, "response from another address: bad proof");
	memcpy(rsp, ch, n);
	ok(jp_reattach_verify_response(rsp, n, rx(key), 0x0badcafe, &pend, &seen) ==
	   JP_REATTACH_MALFORMED, "a reflected challenge is not a response");
	n = jp_reattach_encode_response(rsp, key, JP_DIR_I2R, 0xabcd1234, 3000, &seen,
					(const uint8_t *)"wrong nonce 16by");
	ok(jp_reattach_verify_response(rsp, n, rx(key), 0xabcd1234, &pend, &seen) ==
	   JP_REATTACH_BAD_PROOF, "wrong nonce: bad proof");
	n = jp_reattach_encode_response(rsp, key, JP_DIR_I2R, 0xabcd1234, 3000, &evil,
					pend.nonce);
	ok(jp_reattach_verify_response(rsp, n, rx(key), 0xabcd1234, &pend, &evil) ==
	   JP_REATTACH_BAD_PROOF, "response naming another path: bad proof");
	ok(jp_reattach_counter_from_time(5, 10) == 11 &&
	   jp_reattach_counter_from_time(50, 10) == 50,
	   "counter from time never goes back");
	return tap_done();
}
