// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE / ECHO / SWITCH / SWITCH-ACK codecs (probe.h) and probe tokens
 * (probe_token.h) on any datagram. Besides not crashing: what peek
 * accepts encodes back to the same bytes, a verified PROBE or SWITCH is
 * refused the second time, a refusal leaves the replay state alone, and
 * a token verifies for the session and source it was made for only.
 */
#include <string.h>
#include <sodium.h>
#include "fuzz.h"
#include "fuzz_keys.h"
#include "probe.h"
#include "probe_token.h"

#define NOW_MS	1000000

static void check_reencode(const uint8_t *data, size_t size,
			   const struct jp_probe_msg *m)
{
	uint8_t out[JP_ECHO_LEN];
	size_t n = 0;

	switch (m->subtype) {
	case JP_REATTACH_PROBE:
		n = jp_probe_encode_probe(out, fuzz_ctl_key, FUZZ_DIR,
					  m->session_id, m->counter,
					  m->path_seq, m->token);
		break;
	case JP_REATTACH_ECHO:
		n = jp_probe_encode_echo(out, fuzz_ctl_key, FUZZ_DIR,
					 m->session_id, m->counter,
					 m->path_seq, &m->binding, m->token);
		break;
	case JP_REATTACH_SWITCH:
		n = jp_probe_encode_switch(out, fuzz_ctl_key, FUZZ_DIR,
					   m->session_id, m->counter,
					   &m->binding, m->token);
		break;
	case JP_REATTACH_SWITCH_ACK:
		n = jp_probe_encode_switch_ack(out, fuzz_ctl_key, FUZZ_DIR,
					       m->session_id, m->counter,
					       &m->binding);
		break;
	default:
		FUZZ_CHECK(!"peek accepted an unknown subtype");
	}
	FUZZ_CHECK(n == size);
	FUZZ_CHECK(!memcmp(out, data, size - JP_REATTACH_MAC_LEN));
}

static void check_probe(const uint8_t *data, size_t size)
{
	struct jp_probe_window w = { 0 }, before;
	struct jp_probe_msg m;
	struct jp_mac_keys mk;
	enum jp_reattach_verdict v;

	fuzz_mk(&mk, fuzz_ctl_key);
	v = jp_probe_verify_probe(data, size, &mk, FUZZ_SESSION_ID, &w, &m);
	if (v != JP_REATTACH_OK) {
		FUZZ_CHECK(!w.any);
		return;
	}
	FUZZ_CHECK(w.any && w.highest == m.counter);
	before = w;
	v = jp_probe_verify_probe(data, size, &mk, FUZZ_SESSION_ID, &w, &m);
	FUZZ_CHECK(v == JP_REATTACH_REPLAYED);
	FUZZ_CHECK(!memcmp(&w, &before, sizeof(w)));
}

static void check_switch(const uint8_t *data, size_t size)
{
	struct jp_reattach_replay rp = { 0 };
	struct jp_probe_msg m;
	struct jp_mac_keys mk;
	enum jp_reattach_verdict v;

	fuzz_mk(&mk, fuzz_ctl_key);
	v = jp_probe_verify_switch(data, size, &mk, FUZZ_SESSION_ID, &rp, &m);
	if (v != JP_REATTACH_OK) {
		FUZZ_CHECK(!rp.any);
		return;
	}
	FUZZ_CHECK(rp.any && rp.highest == m.counter);
	v = jp_probe_verify_switch(data, size, &mk, FUZZ_SESSION_ID, &rp, &m);
	FUZZ_CHECK(v == JP_REATTACH_REPLAYED);
}

/* The token in the message against the source it names. */
static void check_token(const struct jp_probe_msg *m)
{
	static struct jp_probe_tokens t;
	uint8_t tok[JP_PROBE_TOKEN_LEN];

	jp_probe_token_make(&t, NOW_MS, m->session_id, &m->binding, tok);
	/* A PROBE names no source: no token verifies for none. */
	FUZZ_CHECK(jp_probe_token_verify(&t, NOW_MS, m->session_id,
					 &m->binding, tok) ==
		   jp_binding_is_set(&m->binding));
	FUZZ_CHECK(!jp_probe_token_verify(&t, NOW_MS, m->session_id + 1,
					  &m->binding, tok));
	(void)jp_probe_token_verify(&t, NOW_MS, m->session_id, &m->binding,
				    m->token);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct jp_probe_msg m;
	struct jp_mac_keys mk;
	enum jp_reattach_verdict v;

	if (!ready) {
		FUZZ_CHECK(sodium_init() >= 0);
		ready = 1;
	}
	memset(&m, 0, sizeof(m));
	v = jp_probe_peek(data, size, &m);
	FUZZ_CHECK(v == JP_REATTACH_OK || v == JP_REATTACH_MALFORMED);
	if (v == JP_REATTACH_OK) {
		check_reencode(data, size, &m);
		check_token(&m);
	}
	check_probe(data, size);
	check_switch(data, size);
	fuzz_mk(&mk, fuzz_ctl_key);
	(void)jp_probe_verify_echo(data, size, &mk, FUZZ_SESSION_ID, &m);
	fuzz_mk(&mk, fuzz_ctl_key);
	(void)jp_probe_verify_switch_ack(data, size, &mk, FUZZ_SESSION_ID,
					 m.counter, &m);
	return 0;
}
