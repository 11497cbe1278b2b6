// SPDX-License-Identifier: GPL-2.0
/*
 * REATTACH codecs (reattach.h) on any datagram: peek, each verifier, the
 * binding's wire form. Besides not crashing: what peek accepts encodes
 * back to the same bytes (one wire form per message), a verified REQUEST
 * or SOLICIT is refused the second time (replay), and a failed verify
 * leaves the replay state alone.
 */
#include <string.h>
#include "fuzz.h"
#include "fuzz_keys.h"
#include "reattach.h"
#include "wire.h"

static void check_reencode(const uint8_t *data, size_t size,
			   const struct jp_reattach_msg *m)
{
	uint8_t out[JP_REATTACH_CHALLENGE_LEN + 16];
	size_t n = 0;

	switch (m->subtype) {
	case JP_REATTACH_REQUEST:
		n = jp_reattach_encode_request(out, fuzz_ctl_key, FUZZ_DIR,
					       m->session_id, m->counter,
					       &m->binding);
		break;
	case JP_REATTACH_SOLICIT:
		n = jp_reattach_encode_solicit(out, fuzz_ctl_key, FUZZ_DIR,
					       m->session_id, m->counter,
					       &m->binding);
		break;
	case JP_REATTACH_CHALLENGE:
		n = jp_reattach_encode_challenge(out, fuzz_ctl_key, FUZZ_DIR,
						 m->session_id, m->counter,
						 &m->binding, m->nonce);
		break;
	case JP_REATTACH_RESPONSE:
		n = jp_reattach_encode_response(out, fuzz_ctl_key, FUZZ_DIR,
						m->session_id, m->counter,
						&m->binding, m->nonce);
		break;
	default:
		FUZZ_CHECK(!"peek accepted an unknown subtype");
	}
	FUZZ_CHECK(n == size);
	FUZZ_CHECK(!memcmp(out, data, size - JP_REATTACH_MAC_LEN));
}

static void check_replay(const uint8_t *data, size_t size, bool solicit)
{
	struct jp_reattach_replay rp = { 0 }, before;
	struct jp_reattach_msg m;
	struct jp_mac_keys mk;
	enum jp_reattach_verdict v;

	fuzz_mk(&mk, fuzz_ctl_key);
	v = solicit ? jp_reattach_verify_solicit(data, size, &mk,
						 FUZZ_SESSION_ID, &rp, &m) :
		      jp_reattach_verify_request(data, size, &mk,
						 FUZZ_SESSION_ID, &rp, &m);
	FUZZ_CHECK(jp_reattach_verdict_name(v));
	if (v != JP_REATTACH_OK) {
		FUZZ_CHECK(!rp.any);
		return;
	}
	FUZZ_CHECK(rp.any && rp.highest == m.counter);
	before = rp;
	v = solicit ? jp_reattach_verify_solicit(data, size, &mk,
						 FUZZ_SESSION_ID, &rp, &m) :
		      jp_reattach_verify_request(data, size, &mk,
						 FUZZ_SESSION_ID, &rp, &m);
	FUZZ_CHECK(v == JP_REATTACH_REPLAYED);
	FUZZ_CHECK(rp.highest == before.highest);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jp_reattach_pending pending;
	struct jp_reattach_msg m;
	struct jp_mac_keys mk;
	struct jp_binding b;
	uint8_t wire[JP_REATTACH_BINDING_LEN];
	enum jp_reattach_verdict v;

	if (size >= JP_REATTACH_BINDING_LEN && !jp_binding_wire_get(data, &b)) {
		jp_binding_wire_put(wire, &b);
		FUZZ_CHECK(!memcmp(wire, data, sizeof(wire)));
	}

	memset(&m, 0, sizeof(m));
	v = jp_reattach_peek(data, size, &m);
	FUZZ_CHECK(v == JP_REATTACH_OK || v == JP_REATTACH_MALFORMED);
	if (v == JP_REATTACH_OK)
		check_reencode(data, size, &m);

	check_replay(data, size, false);
	check_replay(data, size, true);

	fuzz_mk(&mk, fuzz_ctl_key);
	v = jp_reattach_verify_challenge(data, size, &mk, FUZZ_SESSION_ID,
					 m.counter, &m);
	FUZZ_CHECK(jp_reattach_verdict_name(v));
	if (v != JP_REATTACH_OK)
		(void)jp_reattach_reason(v);

	/* A RESPONSE checked against what its own fields claim was pending. */
	memset(&pending, 0, sizeof(pending));
	if (jp_reattach_peek(data, size, &m) == JP_REATTACH_OK) {
		pending.counter = m.counter;
		pending.path = m.binding;
		memcpy(pending.nonce, m.nonce, sizeof(pending.nonce));
	}
	fuzz_mk(&mk, fuzz_ctl_key);
	v = jp_reattach_verify_response(data, size, &mk, FUZZ_SESSION_ID,
					&pending, &pending.path);
	FUZZ_CHECK(jp_reattach_verdict_name(v));
	return 0;
}
