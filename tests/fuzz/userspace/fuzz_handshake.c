// SPDX-License-Identifier: GPL-2.0
/*
 * The handshake's codecs (hs_msg.h, cookie.h) and its Noise readers
 * (handshake.h) on any datagram, as the responder and as an initiator
 * waiting for message 2. Besides not crashing: a payload the decoder
 * takes encodes back to the same bytes, timestamps order strictly, and
 * nothing is accepted that the fixed keys did not make.
 */
#include <string.h>
#include <sodium.h>
#include "cookie.h"
#include "fuzz.h"
#include "fuzz_keys.h"
#include "handshake.h"
#include "hs_msg.h"

static uint8_t resp_pub[32], mac1_key[JP_HS_MAC1_KEY_LEN];
static uint8_t cookie_key[JP_COOKIE_KEY_LEN];

static void setup(void)
{
	FUZZ_CHECK(sodium_init() >= 0);
	crypto_scalarmult_base(resp_pub, fuzz_resp_priv);
	jp_hs_mac1_key(mac1_key, resp_pub);
	jp_cookie_reply_key(cookie_key, resp_pub);
}

static void check_payloads(const uint8_t *data, size_t size)
{
	uint8_t out[JP_HS_INIT_PAYLOAD_LEN];
	struct jp_hs_init_payload ip;
	struct jp_hs_resp_payload rp;

	if (size >= JP_HS_INIT_PAYLOAD_LEN &&
	    !jp_hs_init_payload_decode(data, &ip)) {
		jp_hs_init_payload_encode(out, &ip);
		FUZZ_CHECK(!memcmp(out, data, JP_HS_INIT_PAYLOAD_LEN));
	}
	if (size >= JP_HS_RESP_PAYLOAD_LEN) {
		jp_hs_resp_payload_decode(data, &rp);
		jp_hs_resp_payload_encode(out, &rp);
		FUZZ_CHECK(!memcmp(out, data, JP_HS_RESP_PAYLOAD_LEN));
	}
	if (size >= 2 * JP_HS_TS_LEN) {
		const uint8_t *a = data, *b = data + JP_HS_TS_LEN;

		FUZZ_CHECK(!jp_hs_timestamp_newer(a, a));
		FUZZ_CHECK(!(jp_hs_timestamp_newer(a, b) &&
			     jp_hs_timestamp_newer(b, a)));
	}
}

static void check_responder(const uint8_t *data, size_t size)
{
	struct jp_hs_init_payload pl;
	uint8_t peer_pub[32];
	struct jp_hs hs;

	if (!jp_hs_init_shape_ok(data, size))
		return;
	FUZZ_CHECK(size == JP_HS_INIT_LEN);
	(void)jp_hs_mac1_ok(data, size, mac1_key);
	memset(&hs, 0, sizeof(hs));
	if (jp_hs_respond_read(&hs, fuzz_resp_priv, data, size, peer_pub,
			       &pl) == 0) {
		uint8_t want[32];

		/* Only the fixed initiator can have made it. */
		crypto_scalarmult_base(want, fuzz_init_priv);
		FUZZ_CHECK(!memcmp(peer_pub, want, 32));
	}
	jp_hs_wipe(&hs);
}

static void check_initiator(const uint8_t *data, size_t size)
{
	static const struct jp_hs_init_payload ipl = { .sender_id = 1 };
	uint8_t msg1[JP_HS_INIT_LEN];
	struct jp_hs_resp_payload pl;
	struct jp_hs_keys keys;
	struct jp_hs hs;
	uint32_t rid;

	if (!jp_hs_resp_shape_ok(data, size, &rid))
		return;
	FUZZ_CHECK(size == JP_HS_RESP_LEN);
	(void)jp_hs_mac1_ok(data, size, mac1_key);
	memset(&hs, 0, sizeof(hs));
	FUZZ_CHECK(!jp_hs_initiate(&hs, fuzz_init_priv, resp_pub, fuzz_psk,
				   &ipl, msg1));
	/* A fresh ephemeral each time: no message 2 can match it. */
	FUZZ_CHECK(jp_hs_initiator_finish(&hs, data, size, &pl, &keys) != 0);
	jp_hs_wipe(&hs);
}

static void check_confirm_and_cookie(const uint8_t *data, size_t size)
{
	uint8_t cookie[JP_COOKIE_LEN], mac1[JP_HS_MAC1_LEN] = { 0 };
	struct jp_mac_keys mk;
	uint64_t counter;
	uint8_t kid;

	fuzz_mk(&mk, fuzz_ctl_key);
	if (!jp_hs_confirm_decode(data, size, &mk, FUZZ_SESSION_ID, &kid,
				  &counter))
		FUZZ_CHECK(size == JP_HS_CONFIRM_LEN);
	if (!jp_cookie_reply_decode(data, size, cookie_key, mac1, cookie))
		FUZZ_CHECK(size == JP_COOKIE_REPLY_LEN);
	if (size >= JP_HS_INIT_WIRE_LEN) {
		memset(cookie, 0, sizeof(cookie));
		(void)jp_hs_mac2_ok(data, cookie);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;

	if (!ready) {
		setup();
		ready = 1;
	}
	check_payloads(data, size);
	check_responder(data, size);
	check_initiator(data, size);
	check_confirm_and_cookie(data, size);
	return 0;
}
