// SPDX-License-Identifier: GPL-2.0
/* PROBE, ECHO, SWITCH, SWITCH-ACK (probe.h), the probe tokens
 * (probe_token.h) and the probe replay window: round trips, every edit
 * refused, reflection, confusion between messages, tokens bound to session,
 * address and time, and the amplification ratios.
 */
#include <string.h>
#include <sys/socket.h>
#include "amplification.h"
#include "probe.h"
#include "probe_token.h"
#include "tap.h"

#define SID_SRV	0x5e7e0001u	/* the server's id: what the client sends to */
#define SID_CLI	0xc11e0002u	/* the client's id */

static struct jp_ctl_keys ci, cr;	/* client = initiator, server = responder */
static struct jp_ctl_ring ring_cli, ring_srv;
static const uint8_t tok1[JP_PROBE_TOKEN_LEN] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

static struct jp_binding v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d,
			    uint16_t port)
{
	struct jp_binding x = { .family = AF_INET, .addr = { a, b, c, d },
				.port = port };
	return x;
}

/* What a side tries for a MAC from its peer. */
static struct jp_mac_keys *rx(const struct jp_ctl_ring *r)
{
	static struct jp_mac_keys mk;

	jp_ctl_ring_rx_reattach(r, 0, &mk);
	return &mk;
}

/* The MAC of a message edited on purpose, so only the edit is judged. */
static void remac(uint8_t *msg, size_t len, const struct jp_ctl_keys *k)
{
	jp_ctl_mac(msg + len - JP_REATTACH_MAC_LEN, k->reattach,
		   jp_ctl_dir_out(k), msg, len - JP_REATTACH_MAC_LEN);
}

static enum jp_reattach_verdict
verify_as(uint8_t subtype, const uint8_t *buf, size_t len,
	  const struct jp_ctl_ring *to, uint32_t sid, uint64_t counter)
{
	struct jp_probe_window w = { 0 };
	struct jp_reattach_replay rp = { 0 };
	struct jp_probe_msg m;

	switch (subtype) {
	case JP_REATTACH_PROBE:
		return jp_probe_verify_probe(buf, len, rx(to), sid, &w, &m);
	case JP_REATTACH_ECHO:
		return jp_probe_verify_echo(buf, len, rx(to), sid, &m);
	case JP_REATTACH_SWITCH:
		return jp_probe_verify_switch(buf, len, rx(to), sid, &rp, &m);
	default:
		return jp_probe_verify_switch_ack(buf, len, rx(to), sid,
						  counter, &m);
	}
}

static void test_round_trips(void)
{
	struct jp_binding seen = v4(203, 0, 113, 9, 61000);
	struct jp_binding v6 = { .family = AF_INET6, .port = 51820,
				 .addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
	uint8_t p[JP_PROBE_LEN], e[JP_ECHO_LEN], s[JP_SWITCH_LEN];
	uint8_t a[JP_SWITCH_ACK_LEN], zero[JP_PROBE_TOKEN_LEN] = { 0 };
	struct jp_probe_window w = { 0 };
	struct jp_reattach_replay rp = { 0 };
	struct jp_probe_msg m;
	size_t n;

	n = jp_probe_encode_probe(p, ci.reattach, jp_ctl_dir_out(&ci), SID_SRV,
				  0x0102030405060708ULL, 0xa1b2c3d4, tok1);
	ok(n == 56 && p[0] == 4 && p[1] == 7 && p[1] == JP_REATTACH_PROBE &&
	   p[2] == 2 && p[3] == 0 && p[4] == 0x5e && p[7] == 0x01 &&
	   p[8] == 1 && p[15] == 8 && p[16] == 0xa1 && p[19] == 0xd4 &&
	   !p[20] && !p[23] && p[24] == 1 && p[39] == 16,
	   "probe: 56 bytes, 4|7|2|0, big-endian id, counter, seq, token at 24");
	ok(jp_probe_verify_probe(p, n, rx(&ring_srv), SID_SRV, &w, &m) ==
	   JP_REATTACH_OK && m.subtype == JP_REATTACH_PROBE &&
	   m.session_id == SID_SRV && m.counter == 0x0102030405060708ULL &&
	   m.path_seq == 0xa1b2c3d4 && !memcmp(m.token, tok1, 16) &&
	   w.any && w.highest == m.counter, "probe round-trips, counter recorded");
	n = jp_probe_encode_probe(p, ci.reattach, jp_ctl_dir_out(&ci), SID_SRV,
				  0x0102030405060709ULL, 1, NULL);
	ok(jp_probe_verify_probe(p, n, rx(&ring_srv), SID_SRV, &w, &m) ==
	   JP_REATTACH_OK && !memcmp(m.token, zero, 16),
	   "probe without a token: zeros");

	n = jp_probe_encode_echo(e, cr.reattach, jp_ctl_dir_out(&cr), SID_CLI,
				 0x0102030405060708ULL, 0xa1b2c3d4, &seen, tok1);
	ok(n == 76 && e[1] == 8 && e[1] == JP_REATTACH_ECHO && e[2] == 2 &&
	   e[16] == 0xa1 && e[24] == 4 && e[26] == 0xee && e[27] == 0x48 &&
	   e[28] == 203 && e[44] == 1 && e[59] == 16,
	   "echo: 76 bytes, observed at 24 (4, 0, port, address), token at 44");
	ok(jp_probe_verify_echo(e, n, rx(&ring_cli), SID_CLI, &m) ==
	   JP_REATTACH_OK && m.counter == 0x0102030405060708ULL &&
	   m.path_seq == 0xa1b2c3d4 && jp_binding_equal(&m.binding, &seen) &&
	   !memcmp(m.token, tok1, 16), "echo round-trips");
	n = jp_probe_encode_echo(e, cr.reattach, jp_ctl_dir_out(&cr), SID_CLI,
				 5, 6, &v6, tok1);
	ok(jp_probe_verify_echo(e, n, rx(&ring_cli), SID_CLI, &m) ==
	   JP_REATTACH_OK && jp_binding_equal(&m.binding, &v6),
	   "echo with an IPv6 source round-trips");

	n = jp_probe_encode_switch(s, ci.reattach, jp_ctl_dir_out(&ci), SID_SRV,
				   1000, &v6, tok1);
	ok(n == 68 && s[1] == 9 && s[1] == JP_REATTACH_SWITCH && s[2] == 2 &&
	   s[16] == 6 && s[36] == 1 && s[51] == 16,
	   "switch: 68 bytes, binding at 16, token at 36");
	ok(jp_probe_verify_switch(s, n, rx(&ring_srv), SID_SRV, &rp, &m) ==
	   JP_REATTACH_OK && m.counter == 1000 &&
	   jp_binding_equal(&m.binding, &v6) && !memcmp(m.token, tok1, 16) &&
	   rp.any && rp.highest == 1000, "switch round-trips, counter recorded");

	n = jp_probe_encode_switch_ack(a, cr.reattach, jp_ctl_dir_out(&cr),
				       SID_CLI, 1000, &seen);
	ok(n == 52 && a[1] == 10 && a[1] == JP_REATTACH_SWITCH_ACK &&
	   a[2] == 2 && a[16] == 4, "switch-ack: 52 bytes, observed at 16");
	ok(jp_probe_verify_switch_ack(a, n, rx(&ring_cli), SID_CLI, 1000, &m) ==
	   JP_REATTACH_OK && jp_binding_equal(&m.binding, &seen),
	   "switch-ack round-trips");
	ok(jp_probe_verify_switch_ack(a, n, rx(&ring_cli), SID_CLI, 999, &m) ==
	   JP_REATTACH_REPLAYED, "switch-ack for another switch: replayed");
}

/* Every bit of every byte, one at a time: never OK. */
static int flips_refused(uint8_t subtype, uint8_t *msg, size_t len,
			 const struct jp_ctl_ring *to, uint32_t sid)
{
	size_t i;
	int bit, bad = 0;

	for (i = 0; i < len; i++)
		for (bit = 0; bit < 8; bit++) {
			msg[i] ^= (uint8_t)(1u << bit);
			if (verify_as(subtype, msg, len, to, sid, 7) ==
			    JP_REATTACH_OK)
				bad++;
			msg[i] ^= (uint8_t)(1u << bit);
		}
	return !bad && verify_as(subtype, msg, len, to, sid, 7) ==
		       JP_REATTACH_OK;
}

static void test_edits(void)
{
	struct jp_binding b = v4(192, 0, 2, 1, 1000);
	uint8_t p[JP_PROBE_LEN], e[JP_ECHO_LEN], s[JP_SWITCH_LEN];
	uint8_t a[JP_SWITCH_ACK_LEN], big[JP_ECHO_LEN + 1];
	uint8_t dir_c = jp_ctl_dir_out(&ci), dir_s = jp_ctl_dir_out(&cr);
	struct jp_probe_window w = { 0 };
	struct jp_probe_msg m;

	jp_probe_encode_probe(p, ci.reattach, dir_c, SID_SRV, 7, 1, tok1);
	jp_probe_encode_echo(e, cr.reattach, dir_s, SID_CLI, 7, 1, &b, tok1);
	jp_probe_encode_switch(s, ci.reattach, dir_c, SID_SRV, 7, &b, tok1);
	jp_probe_encode_switch_ack(a, cr.reattach, dir_s, SID_CLI, 7, &b);
	ok(flips_refused(JP_REATTACH_PROBE, p, sizeof(p), &ring_srv, SID_SRV),
	   "probe: every bit of every byte flipped is refused");
	ok(flips_refused(JP_REATTACH_ECHO, e, sizeof(e), &ring_cli, SID_CLI),
	   "echo: every bit of every byte flipped is refused");
	ok(flips_refused(JP_REATTACH_SWITCH, s, sizeof(s), &ring_srv, SID_SRV),
	   "switch: every bit of every byte flipped is refused");
	ok(flips_refused(JP_REATTACH_SWITCH_ACK, a, sizeof(a), &ring_cli,
			 SID_CLI),
	   "switch-ack: every bit of every byte flipped is refused");

	ok(jp_probe_verify_probe(p, sizeof(p) - 1, rx(&ring_srv), SID_SRV, &w,
				 &m) == JP_REATTACH_MALFORMED &&
	   jp_probe_verify_probe(p, 0, rx(&ring_srv), SID_SRV, &w, &m) ==
	   JP_REATTACH_MALFORMED && !w.any, "probe: short is malformed");
	memcpy(big, e, sizeof(e));
	big[sizeof(e)] = 0;
	ok(jp_probe_verify_echo(big, sizeof(big), rx(&ring_cli), SID_CLI, &m) ==
	   JP_REATTACH_MALFORMED, "echo: one byte long is malformed");
	ok(verify_as(JP_REATTACH_SWITCH, s, sizeof(s) - 1, &ring_srv, SID_SRV,
		     0) == JP_REATTACH_MALFORMED &&
	   verify_as(JP_REATTACH_SWITCH_ACK, a, sizeof(a) + 1, &ring_cli,
		     SID_CLI, 7) == JP_REATTACH_MALFORMED,
	   "switch, switch-ack: wrong length is malformed");

	/* Edits with a MAC made over them: the shape alone is refused. */
	p[2] = 1;
	remac(p, sizeof(p), &ci);
	ok(jp_probe_peek(p, sizeof(p), &m) == JP_REATTACH_MALFORMED &&
	   verify_as(JP_REATTACH_PROBE, p, sizeof(p), &ring_srv, SID_SRV, 0) ==
	   JP_REATTACH_MALFORMED, "version 1: malformed");
	p[2] = 3;
	remac(p, sizeof(p), &ci);
	ok(jp_probe_peek(p, sizeof(p), &m) == JP_REATTACH_MALFORMED,
	   "version 3: malformed");
	p[2] = JP_REATTACH_VERSION;
	p[0] = 1;
	remac(p, sizeof(p), &ci);
	ok(jp_probe_peek(p, sizeof(p), &m) == JP_REATTACH_MALFORMED,
	   "type 1: malformed");
	p[0] = JP_MSG_TYPE_CONTROL;
	p[3] = 1;
	remac(p, sizeof(p), &ci);
	ok(jp_probe_peek(p, sizeof(p), &m) == JP_REATTACH_MALFORMED,
	   "byte 3 not zero: malformed");
	p[3] = 0;
	p[21] = 1;
	remac(p, sizeof(p), &ci);
	ok(verify_as(JP_REATTACH_PROBE, p, sizeof(p), &ring_srv, SID_SRV, 0) ==
	   JP_REATTACH_MALFORMED, "probe: reserved bytes 20-23 not zero: malformed");
	p[21] = 0;
	p[1] = 11;
	remac(p, sizeof(p), &ci);
	ok(jp_probe_peek(p, sizeof(p), &m) == JP_REATTACH_MALFORMED,
	   "subtype 11: malformed");
	e[24] = 5;
	remac(e, sizeof(e), &cr);
	ok(verify_as(JP_REATTACH_ECHO, e, sizeof(e), &ring_cli, SID_CLI, 0) ==
	   JP_REATTACH_MALFORMED, "echo: address family 5: malformed");
	e[24] = 4;
	e[40] = 1;
	remac(e, sizeof(e), &cr);
	ok(verify_as(JP_REATTACH_ECHO, e, sizeof(e), &ring_cli, SID_CLI, 0) ==
	   JP_REATTACH_MALFORMED, "echo: IPv4 with bytes past its 4: malformed");
	s[16] = 0;
	remac(s, sizeof(s), &ci);
	ok(verify_as(JP_REATTACH_SWITCH, s, sizeof(s), &ring_srv, SID_SRV, 0) ==
	   JP_REATTACH_MALFORMED, "switch: no binding: malformed");
	ok(jp_probe_peek(NULL, 0, &m) == JP_REATTACH_MALFORMED,
	   "empty: malformed");
}

/* Another key, another session, another direction. */
static void test_keys_and_direction(void)
{
	struct jp_binding b = v4(192, 0, 2, 1, 1000);
	uint8_t p[JP_PROBE_LEN], e[JP_ECHO_LEN], s[JP_SWITCH_LEN];
	uint8_t a[JP_SWITCH_ACK_LEN], k1[32], k2[32];
	struct jp_ctl_keys oi, or_;
	struct jp_ctl_ring other;
	struct jp_reattach_replay rp = { 0 };
	struct jp_probe_window w = { 0 };
	struct jp_probe_msg m;

	memset(k1, 0x51, 32);
	memset(k2, 0x52, 32);
	jp_ctl_keys_derive(&oi, k1, k2, true);
	jp_ctl_keys_derive(&or_, k1, k2, false);
	jp_ctl_ring_init(&other, &or_);

	jp_probe_encode_probe(p, oi.reattach, JP_DIR_I2R, SID_SRV, 50, 1, NULL);
	ok(jp_probe_verify_probe(p, sizeof(p), rx(&ring_srv), SID_SRV, &w,
				 &m) == JP_REATTACH_BAD_PROOF && !w.any,
	   "probe under another session's key: bad proof, window untouched");
	jp_probe_encode_probe(p, ci.reattach, jp_ctl_dir_out(&ci), SID_SRV, 50,
			      1, NULL);
	ok(jp_probe_verify_probe(p, sizeof(p), rx(&other), SID_SRV, &w, &m) ==
	   JP_REATTACH_BAD_PROOF, "probe checked under another key: bad proof");
	ok(jp_probe_verify_probe(p, sizeof(p), rx(&ring_srv), SID_SRV + 1, &w,
				 &m) == JP_REATTACH_WRONG_SESSION && !w.any,
	   "probe for another session id: wrong session");
	jp_probe_encode_probe(p, ci.confirm, jp_ctl_dir_out(&ci), SID_SRV, 50,
			      1, NULL);
	ok(jp_probe_verify_probe(p, sizeof(p), rx(&ring_srv), SID_SRV, &w,
				 &m) == JP_REATTACH_BAD_PROOF,
	   "probe under the confirm key: bad proof");

	/* Reflection: back to its sender, same keys, same id. */
	jp_probe_encode_probe(p, ci.reattach, jp_ctl_dir_out(&ci), SID_SRV, 51,
			      1, tok1);
	ok(jp_probe_verify_probe(p, sizeof(p), rx(&ring_cli), SID_SRV, &w,
				 &m) == JP_REATTACH_BAD_PROOF && !w.any,
	   "a probe reflected to its sender: bad proof");
	ok(jp_probe_verify_echo(p, sizeof(p), rx(&ring_cli), SID_SRV, &m) ==
	   JP_REATTACH_MALFORMED &&
	   jp_probe_verify_echo(p, sizeof(p), rx(&ring_srv), SID_SRV, &m) ==
	   JP_REATTACH_MALFORMED, "a probe is not an echo, in either direction");
	p[1] = JP_REATTACH_ECHO;
	ok(jp_probe_verify_echo(p, sizeof(p), rx(&ring_cli), SID_SRV, &m) ==
	   JP_REATTACH_MALFORMED, "nor with its subtype changed (length)");
	p[1] = JP_REATTACH_PROBE;
	ok(jp_probe_verify_switch_ack(p, sizeof(p), rx(&ring_cli), SID_SRV, 51,
				      &m) == JP_REATTACH_MALFORMED &&
	   jp_probe_verify_switch(p, sizeof(p), rx(&ring_cli), SID_SRV, &rp,
				  &m) == JP_REATTACH_MALFORMED && !rp.any,
	   "a probe is not a switch or a switch-ack");

	jp_probe_encode_echo(e, cr.reattach, jp_ctl_dir_out(&cr), SID_CLI, 51,
			     1, &b, tok1);
	ok(jp_probe_verify_echo(e, sizeof(e), rx(&ring_srv), SID_CLI, &m) ==
	   JP_REATTACH_BAD_PROOF, "an echo reflected to its sender: bad proof");
	ok(jp_probe_verify_probe(e, sizeof(e), rx(&ring_cli), SID_CLI, &w,
				 &m) == JP_REATTACH_MALFORMED,
	   "an echo is not a probe");
	jp_probe_encode_switch(s, ci.reattach, jp_ctl_dir_out(&ci), SID_SRV, 60,
			       &b, tok1);
	ok(jp_probe_verify_switch(s, sizeof(s), rx(&ring_cli), SID_SRV, &rp,
				  &m) == JP_REATTACH_BAD_PROOF && !rp.any,
	   "a switch reflected to its sender: bad proof");
	jp_probe_encode_switch_ack(a, cr.reattach, jp_ctl_dir_out(&cr), SID_CLI,
				   60, &b);
	ok(jp_probe_verify_switch_ack(a, sizeof(a), rx(&ring_srv), SID_CLI, 60,
				      &m) == JP_REATTACH_BAD_PROOF,
	   "a switch-ack reflected to its sender: bad proof");
	jp_probe_encode_switch_ack(a, oi.reattach, JP_DIR_R2I, SID_CLI, 60, &b);
	ok(jp_probe_verify_switch_ack(a, sizeof(a), rx(&ring_cli), SID_CLI, 60,
				      &m) == JP_REATTACH_BAD_PROOF,
	   "a switch-ack under another key: bad proof");
}

/* Same lengths as REATTACH messages: the subtype keeps them apart. */
static void test_not_reattach(void)
{
	struct jp_binding b = v4(192, 0, 2, 1, 1000);
	uint8_t s[JP_SWITCH_LEN], a[JP_SWITCH_ACK_LEN], req[JP_SWITCH_ACK_LEN];
	struct jp_reattach_replay rp = { 0 };
	struct jp_reattach_pending pend = { 0 };
	struct jp_reattach_msg rm;
	struct jp_probe_msg m;

	jp_probe_encode_switch(s, ci.reattach, jp_ctl_dir_out(&ci), SID_SRV, 70,
			       &b, tok1);
	ok(jp_reattach_verify_response(s, sizeof(s), rx(&ring_srv), SID_SRV,
				       &pend, &b) == JP_REATTACH_MALFORMED &&
	   jp_reattach_peek(s, sizeof(s), &rm) == JP_REATTACH_MALFORMED,
	   "a switch (68 bytes) is not a response: malformed");
	s[1] = JP_REATTACH_RESPONSE;
	pend.counter = 70;
	pend.path = b;
	memcpy(pend.nonce, tok1, 16);
	ok(jp_reattach_verify_response(s, sizeof(s), rx(&ring_srv), SID_SRV,
				       &pend, &b) == JP_REATTACH_BAD_PROOF,
	   "nor with its subtype changed (the MAC covers it)");

	jp_reattach_encode_request(req, ci.reattach, jp_ctl_dir_out(&ci),
				   SID_CLI, 80, &b);
	ok(jp_probe_verify_switch_ack(req, sizeof(req), rx(&ring_cli), SID_CLI,
				      80, &m) == JP_REATTACH_MALFORMED,
	   "a request (52 bytes) is not a switch-ack");
	jp_probe_encode_switch_ack(a, cr.reattach, jp_ctl_dir_out(&cr), SID_SRV,
				   80, &b);
	ok(jp_reattach_verify_request(a, sizeof(a), rx(&ring_cli), SID_SRV, &rp,
				      &rm) == JP_REATTACH_MALFORMED && !rp.any,
	   "a switch-ack is not a request");
	a[1] = JP_REATTACH_SOLICIT;
	ok(jp_reattach_verify_solicit(a, sizeof(a), rx(&ring_cli), SID_SRV, &rp,
				      &rm) == JP_REATTACH_BAD_PROOF && !rp.any,
	   "nor a solicit with its subtype changed");
}

/* SWITCH and REQUEST share one counter floor; probes have a window. */
static void test_replay(void)
{
	struct jp_binding b = v4(192, 0, 2, 1, 1000);
	uint8_t s[JP_SWITCH_LEN], req[JP_REATTACH_REQUEST_LEN], p[JP_PROBE_LEN];
	uint8_t dir = jp_ctl_dir_out(&ci);
	struct jp_reattach_replay rp = { 0 };
	struct jp_probe_window w = { 0 };
	struct jp_reattach_msg rm;
	struct jp_probe_msg m;

	jp_reattach_encode_request(req, ci.reattach, dir, SID_SRV, 100, &b);
	ok(jp_reattach_verify_request(req, sizeof(req), rx(&ring_srv), SID_SRV,
				      &rp, &rm) == JP_REATTACH_OK, "request 100");
	jp_probe_encode_switch(s, ci.reattach, dir, SID_SRV, 100, &b, tok1);
	ok(jp_probe_verify_switch(s, sizeof(s), rx(&ring_srv), SID_SRV, &rp,
				  &m) == JP_REATTACH_REPLAYED && m.counter == 100,
	   "a switch with the request's counter: replayed (and decoded)");
	jp_probe_encode_switch(s, ci.reattach, dir, SID_SRV, 101, &b, tok1);
	ok(jp_probe_verify_switch(s, sizeof(s), rx(&ring_srv), SID_SRV, &rp,
				  &m) == JP_REATTACH_OK, "switch 101");
	ok(jp_probe_verify_switch(s, sizeof(s), rx(&ring_srv), SID_SRV, &rp,
				  &m) == JP_REATTACH_REPLAYED,
	   "the same switch again: replayed");
	jp_reattach_encode_request(req, ci.reattach, dir, SID_SRV, 101, &b);
	ok(jp_reattach_verify_request(req, sizeof(req), rx(&ring_srv), SID_SRV,
				      &rp, &rm) == JP_REATTACH_REPLAYED,
	   "a request with the switch's counter: replayed");
	jp_probe_encode_switch(s, cr.confirm, dir, SID_SRV, 500, &b, tok1);
	ok(jp_probe_verify_switch(s, sizeof(s), rx(&ring_srv), SID_SRV, &rp,
				  &m) == JP_REATTACH_BAD_PROOF && rp.highest == 101,
	   "a forged switch does not advance the counter");

	jp_probe_encode_probe(p, ci.reattach, dir, SID_SRV, 1000, 1, NULL);
	ok(jp_probe_verify_probe(p, sizeof(p), rx(&ring_srv), SID_SRV, &w,
				 &m) == JP_REATTACH_OK, "probe 1000");
	ok(jp_probe_verify_probe(p, sizeof(p), rx(&ring_srv), SID_SRV, &w,
				 &m) == JP_REATTACH_REPLAYED,
	   "the same probe again: replayed (no echo)");
	jp_probe_encode_probe(p, ci.reattach, dir, SID_SRV, 998, 9, NULL);
	ok(jp_probe_verify_probe(p, sizeof(p), rx(&ring_srv), SID_SRV, &w,
				 &m) == JP_REATTACH_OK,
	   "an older probe overtaken on another path: accepted");
	jp_probe_encode_probe(p, ci.reattach, dir, SID_SRV, 1000 - 64, 9, NULL);
	ok(jp_probe_verify_probe(p, sizeof(p), rx(&ring_srv), SID_SRV, &w,
				 &m) == JP_REATTACH_REPLAYED,
	   "a probe 64 behind: replayed");
}

static void test_window(void)
{
	struct jp_probe_window w = { 0 }, before;
	uint64_t c;
	int bad = 0;

	ok(jp_probe_window_check(&w, 0) == JP_PROBE_FRESH,
	   "empty window: counter 0 is fresh");
	jp_probe_window_record(&w, 100);
	ok(w.any && w.highest == 100 && w.seen == 1, "first counter: 100");
	ok(jp_probe_window_check(&w, 100) == JP_PROBE_DUPLICATE,
	   "100 again: duplicate");
	ok(jp_probe_window_check(&w, 101) == JP_PROBE_FRESH &&
	   jp_probe_window_check(&w, 99) == JP_PROBE_FRESH &&
	   jp_probe_window_check(&w, 37) == JP_PROBE_FRESH,
	   "101 ahead, 99 and 37 (63 behind) in the window: fresh");
	ok(jp_probe_window_check(&w, 36) == JP_PROBE_TOO_OLD &&
	   jp_probe_window_check(&w, 0) == JP_PROBE_TOO_OLD,
	   "36 (64 behind) and 0: too old");
	jp_probe_window_record(&w, 37);
	jp_probe_window_record(&w, 99);
	ok(jp_probe_window_check(&w, 37) == JP_PROBE_DUPLICATE &&
	   jp_probe_window_check(&w, 99) == JP_PROBE_DUPLICATE &&
	   jp_probe_window_check(&w, 98) == JP_PROBE_FRESH && w.highest == 100,
	   "behind, in the window: recorded without moving it");
	before = w;
	jp_probe_window_record(&w, 99);
	jp_probe_window_record(&w, 36);
	ok(!memcmp(&before, &w, sizeof(w)),
	   "recording a duplicate or a too old counter changes nothing");

	/* Slide by one: 37 falls out, 38 is the oldest still judged. */
	jp_probe_window_record(&w, 101);
	ok(jp_probe_window_check(&w, 37) == JP_PROBE_TOO_OLD &&
	   jp_probe_window_check(&w, 38) == JP_PROBE_FRESH &&
	   jp_probe_window_check(&w, 99) == JP_PROBE_DUPLICATE &&
	   jp_probe_window_check(&w, 100) == JP_PROBE_DUPLICATE,
	   "slide by one: what was seen stays seen, the oldest falls out");
	/* Slide by 63: only 101 survives, at the far end. */
	jp_probe_window_record(&w, 164);
	ok(jp_probe_window_check(&w, 101) == JP_PROBE_DUPLICATE &&
	   jp_probe_window_check(&w, 100) == JP_PROBE_TOO_OLD &&
	   jp_probe_window_check(&w, 102) == JP_PROBE_FRESH,
	   "slide by 63: the highest before is the oldest of the window");
	/* Far ahead (64 or more): a clean window. */
	jp_probe_window_record(&w, 164 + 64);
	ok(w.highest == 228 && w.seen == 1 &&
	   jp_probe_window_check(&w, 165) == JP_PROBE_FRESH &&
	   jp_probe_window_check(&w, 164) == JP_PROBE_TOO_OLD,
	   "far ahead by 64: nothing behind is marked seen");
	jp_probe_window_record(&w, 1000000);
	ok(w.highest == 1000000 && w.seen == 1 &&
	   jp_probe_window_check(&w, 228) == JP_PROBE_TOO_OLD,
	   "far ahead by much more: the same");

	/* Many counters out of order, each once, past several windows. */
	memset(&w, 0, sizeof(w));
	for (c = 0; c < 1000; c += 2) {
		uint64_t x = c + 1;	/* the odd one first, then the even */

		if (jp_probe_window_check(&w, x) != JP_PROBE_FRESH)
			bad++;
		jp_probe_window_record(&w, x);
		if (jp_probe_window_check(&w, c) != JP_PROBE_FRESH)
			bad++;
		jp_probe_window_record(&w, c);
		if (jp_probe_window_check(&w, c) != JP_PROBE_DUPLICATE ||
		    jp_probe_window_check(&w, x) != JP_PROBE_DUPLICATE)
			bad++;
	}
	ok(!bad && w.highest == 999 && w.seen == UINT64_MAX,
	   "pairs swapped over 1000 counters: each fresh once, then duplicate");
	memset(&w, 0, sizeof(w));
	jp_probe_window_record(&w, UINT64_MAX - 1);
	jp_probe_window_record(&w, UINT64_MAX);
	ok(jp_probe_window_check(&w, UINT64_MAX) == JP_PROBE_DUPLICATE &&
	   jp_probe_window_check(&w, UINT64_MAX - 2) == JP_PROBE_FRESH &&
	   jp_probe_window_check(&w, UINT64_MAX - 64) == JP_PROBE_TOO_OLD,
	   "at the top of the counter space");
}

static void test_tokens(void)
{
	struct jp_binding a = v4(203, 0, 113, 9, 61000);
	struct jp_binding a_port = v4(203, 0, 113, 9, 61001);
	struct jp_binding a_addr = v4(203, 0, 113, 10, 61000);
	struct jp_binding a6 = { .family = AF_INET6, .port = 61000,
				 .addr = { 203, 0, 113, 9 } };
	struct jp_binding none = { 0 };
	struct jp_probe_tokens t = { 0 }, u = { 0 };
	uint8_t tk[JP_PROBE_TOKEN_LEN], tk2[JP_PROBE_TOKEN_LEN];
	uint8_t old[JP_PROBE_SECRET_LEN];
	uint64_t t0 = 1000000;	/* ms: the start of an epoch */

	jp_probe_token_make(&t, t0 + 1, SID_SRV, &a, tk);
	ok(jp_probe_token_verify(&t, t0 + 2, SID_SRV, &a, tk),
	   "a token verifies for its session and address");
	ok(!jp_probe_token_verify(&t, t0 + 2, SID_SRV + 1, &a, tk),
	   "not for another session");
	ok(!jp_probe_token_verify(&t, t0 + 2, SID_SRV, &a_addr, tk) &&
	   !jp_probe_token_verify(&t, t0 + 2, SID_SRV, &a_port, tk) &&
	   !jp_probe_token_verify(&t, t0 + 2, SID_SRV, &a6, tk) &&
	   !jp_probe_token_verify(&t, t0 + 2, SID_SRV, &none, tk),
	   "not from another address, port or family");
	jp_probe_token_make(&t, t0 + 3, SID_SRV, &a, tk2);
	ok(!memcmp(tk, tk2, sizeof(tk)), "the same in the same epoch");
	ok(!jp_probe_token_verify(&u, t0 + 2, SID_SRV, &a, tk),
	   "another responder's secrets refuse it");

	memcpy(old, t.secret[0], sizeof(old));
	ok(jp_probe_token_verify(&t, t0 + JP_PROBE_SECRET_MS, SID_SRV, &a, tk) &&
	   t.has_prev && !memcmp(t.secret[1], old, sizeof(old)) &&
	   memcmp(t.secret[0], old, sizeof(old)),
	   "one rotation on: a new secret, the old one previous, the token good");
	jp_probe_token_make(&t, t0 + JP_PROBE_SECRET_MS, SID_SRV, &a, tk2);
	ok(memcmp(tk, tk2, sizeof(tk)), "a new epoch makes a new token");
	ok(jp_probe_token_verify(&t, t0 + 2 * JP_PROBE_SECRET_MS - 1, SID_SRV,
				 &a, tk),
	   "good until the end of the next epoch (just under 20 s)");
	ok(!jp_probe_token_verify(&t, t0 + 2 * JP_PROBE_SECRET_MS, SID_SRV, &a,
				  tk) &&
	   jp_probe_token_verify(&t, t0 + 2 * JP_PROBE_SECRET_MS, SID_SRV, &a,
				 tk2), "two rotations on: refused; the newer good");

	/* Asked only after a long silence: nothing old survives. */
	jp_probe_token_make(&t, t0 + 5 * JP_PROBE_SECRET_MS, SID_SRV, &a, tk);
	ok(!jp_probe_token_verify(&t, t0 + 7 * JP_PROBE_SECRET_MS + 5, SID_SRV,
				  &a, tk) && !t.has_prev,
	   "two epochs skipped at once: both secrets replaced");
	jp_probe_token_make(&t, t0 + 8 * JP_PROBE_SECRET_MS, SID_SRV, &a, tk);
	ok(!jp_probe_token_verify(&t, t0 + 3, SID_SRV, &a, tk2) &&
	   jp_probe_token_verify(&t, t0 + 3, SID_SRV, &a, tk),
	   "a clock read earlier changes nothing");
	jp_probe_tokens_wipe(&t);
	ok(!t.has_cur && !t.has_prev &&
	   !jp_probe_token_verify(&t, t0 + 8 * JP_PROBE_SECRET_MS, SID_SRV, &a,
				  tk), "wiped: the secrets are gone");
}

/* What a responder may send to an unvalidated address for one datagram. */
static void test_amplification(void)
{
	struct jp_amp amp;

	jp_amp_init(&amp);
	jp_amp_on_received(&amp, JP_PROBE_LEN);
	ok(jp_amp_try_send(&amp, JP_ECHO_LEN) &&
	   JP_ECHO_LEN * 100 / JP_PROBE_LEN == 135,
	   "an echo per probe fits the budget (76 for 56: 1.36x)");
	jp_amp_init(&amp);
	jp_amp_on_received(&amp, JP_SWITCH_LEN);
	ok(jp_amp_try_send(&amp, JP_SWITCH_ACK_LEN) &&
	   JP_SWITCH_ACK_LEN < JP_SWITCH_LEN,
	   "a switch-ack per switch fits (52 for 68)");
	jp_amp_init(&amp);
	jp_amp_on_received(&amp, JP_SWITCH_LEN);
	ok(jp_amp_try_send(&amp, JP_REATTACH_CHALLENGE_LEN) &&
	   jp_amp_try_send(&amp, JP_REATTACH_CHALLENGE_LEN) &&
	   jp_amp_try_send(&amp, JP_REATTACH_CHALLENGE_LEN) &&
	   !jp_amp_try_send(&amp, JP_REATTACH_CHALLENGE_LEN),
	   "a switch whose token fails buys three challenges, not four");
}

int main(void)
{
	uint8_t k1[32], k2[32];

	memset(k1, 0x11, 32);
	memset(k2, 0x22, 32);
	jp_ctl_keys_derive(&ci, k1, k2, true);
	jp_ctl_keys_derive(&cr, k1, k2, false);
	jp_ctl_ring_init(&ring_cli, &ci);
	jp_ctl_ring_init(&ring_srv, &cr);

	test_round_trips();
	test_edits();
	test_keys_and_direction();
	test_not_reattach();
	test_replay();
	test_window();
	test_tokens();
	test_amplification();
	return tap_done();
}
