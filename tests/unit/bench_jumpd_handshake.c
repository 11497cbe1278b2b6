// SPDX-License-Identifier: GPL-2.0
/*
 * The responder's CPU per handshake (issue 13): libjumpd's code for one
 * initiation as jumpd runs it on the responder (mac1 check, read message 1,
 * write message 2 with the keys), over many initiations made up front by
 * distinct initiators, one after the other on one core. Not a test: it
 * prints handshakes/s (`make -C tests/unit bench-handshake`).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include "handshake.h"
#include "cookie.h"
#include "hs_msg.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned int n = argc > 1 ? (unsigned int)atoi(argv[1]) : 2000, i, done = 0;
	uint8_t r_priv[32], r_pub[32], mac1_key[32], psk[32] = { 0 };
	uint8_t (*msgs)[JP_HS_INIT_WIRE_LEN];
	struct jp_hs_init_payload pl = { .key_id = 0 }, got;
	struct jp_hs_resp_payload rp = { .sender_id = 1 };
	uint8_t out[JP_HS_RESP_LEN], seen[32];
	struct jp_hs_keys keys;
	struct jp_hs hs;
	double t0, t1;

	if (sodium_init() < 0 || !n)
		return 1;
	msgs = calloc(n, sizeof(*msgs));
	if (!msgs)
		return 1;
	randombytes_buf(r_priv, 32);
	crypto_scalarmult_base(r_pub, r_priv);
	jp_hs_mac1_key(mac1_key, r_pub);
	/* n initiators, one initiation each. */
	for (i = 0; i < n; i++) {
		uint8_t priv[32];

		randombytes_buf(priv, 32);
		pl.sender_id = i + 1;
		jp_hs_timestamp(pl.timestamp, 1000 + i, 0);
		if (jp_hs_initiate(&hs, priv, r_pub, psk, &pl, msgs[i]))
			return 1;
		jp_hs_mac1_put(msgs[i], JP_HS_INIT_LEN, mac1_key);
		memset(msgs[i] + JP_HS_INIT_LEN, 0, JP_HS_MAC2_LEN);
		jp_hs_wipe(&hs);
	}
	t0 = now_s();
	for (i = 0; i < n; i++) {
		if (!jp_hs_init_shape_ok(msgs[i], JP_HS_INIT_LEN) ||
		    !jp_hs_mac1_ok(msgs[i], JP_HS_INIT_LEN, mac1_key) ||
		    jp_hs_respond_read(&hs, r_priv, msgs[i], JP_HS_INIT_LEN,
				       seen, &got) ||
		    jp_hs_respond_write(&hs, psk, seen, &rp, out, &keys))
			continue;
		jp_hs_wipe(&hs);
		done++;
	}
	t1 = now_s();
	printf("responder: %u of %u handshakes in %.3f s: %.0f handshakes/s, %.1f us each\n",
	       done, n, t1 - t0, done / (t1 - t0), (t1 - t0) * 1e6 / n);
	free(msgs);
	return done == n ? 0 : 1;
}
