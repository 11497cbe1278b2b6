// SPDX-License-Identifier: GPL-2.0
/*
 * jumpd's handshake without a network: the message codec, mac1, the
 * timestamp order, the key-confirm message, and two parties running
 * Noise_IKpsk2 in-process that must end with matching keys (and must not
 * when a key or the psk differs, or a message is altered).
 */
#include <string.h>
#include <sodium.h>
#include "handshake.h"
#include "hs_msg.h"
#include "tap.h"

struct party {
	uint8_t priv[32], pub[32], mac1[JP_HS_MAC1_KEY_LEN];
};

static void party_new(struct party *p)
{
	crypto_box_keypair(p->pub, p->priv);
	jp_hs_mac1_key(p->mac1, p->pub);
}

/* Initiator i and responder r with psks; returns 0 when both end with keys. */
static int run(const struct party *i, const struct party *r,
	       const uint8_t *r_pub_as_known, const uint8_t ipsk[32],
	       const uint8_t rpsk[32], int flip_at, struct jp_hs_keys *ki,
	       struct jp_hs_keys *kr, struct jp_hs_init_payload *got1)
{
	struct jp_hs_init_payload p1 = { .sender_id = 0x11223344, .key_id = 3 };
	struct jp_hs_resp_payload p2 = { .sender_id = 0x55667788,
					 .receiver_id = 0x11223344 }, got2;
	uint8_t m1[JP_HS_INIT_LEN], m2[JP_HS_RESP_LEN], seen_pub[32];
	struct jp_hs hi, hr;
	uint32_t rid;

	jp_hs_timestamp(p1.timestamp, 1700000000, 5);
	if (jp_hs_initiate(&hi, i->priv, r_pub_as_known, ipsk, &p1, m1))
		return -1;
	if (flip_at >= 0 && flip_at < (int)sizeof(m1))
		m1[flip_at] ^= 1;
	if (!jp_hs_init_shape_ok(m1, sizeof(m1)) ||
	    !jp_hs_mac1_ok(m1, sizeof(m1), r->mac1))
		return -2;
	if (jp_hs_respond_read(&hr, r->priv, m1, sizeof(m1), seen_pub, got1))
		return -3;
	if (memcmp(seen_pub, i->pub, 32))
		return -4;
	if (jp_hs_respond_write(&hr, rpsk, seen_pub, &p2, m2, kr))
		return -5;
	if (!jp_hs_resp_shape_ok(m2, sizeof(m2), &rid) || rid != 0x11223344 ||
	    !jp_hs_mac1_ok(m2, sizeof(m2), i->mac1))
		return -6;
	if (jp_hs_initiator_finish(&hi, m2, sizeof(m2), &got2, ki))
		return -7;
	if (got2.sender_id != 0x55667788 || got2.receiver_id != 0x11223344)
		return -8;
	return 0;
}

int main(void)
{
	uint8_t zero[32] = { 0 }, psk[32], other[32], ts1[12], ts2[12], buf[64];
	struct jp_hs_init_payload pl, back;
	struct jp_hs_keys ki, kr;
	struct jp_ctl_ring ring_i, ring_r;
	struct jp_mac_keys mk;
	struct party a, b, c;
	uint64_t ctr;
	uint8_t kid;

	if (sodium_init() < 0)
		return 1;
	party_new(&a);
	party_new(&b);
	party_new(&c);
	randombytes_buf(psk, sizeof(psk));
	randombytes_buf(other, sizeof(other));

	ok(JP_HS_INIT_LEN == 136 && JP_HS_RESP_LEN == 80,
	   "message sizes are 136 and 80 bytes");

	/* Payload codec. */
	memset(&pl, 0, sizeof(pl));
	jp_hs_timestamp(pl.timestamp, 42, 7);
	pl.sender_id = 0xdeadbeef;
	pl.key_id = 7;
	pl.flags = JP_HS_FLAG_REKEY;
	jp_hs_init_payload_encode(buf, &pl);
	ok(!jp_hs_init_payload_decode(buf, &back) &&
	   !memcmp(&pl, &back, sizeof(pl)), "initiation payload round-trips");
	ok(buf[12] == 0xde && buf[15] == 0xef, "sender id is big-endian");
	buf[16] = 8;
	ok(jp_hs_init_payload_decode(buf, &back), "key id 8 is refused");
	buf[16] = 7;
	buf[17] = 0x80;
	ok(jp_hs_init_payload_decode(buf, &back), "unknown flag is refused");
	buf[17] = 0;
	buf[19] = 1;
	ok(jp_hs_init_payload_decode(buf, &back), "reserved byte is refused");
	buf[19] = 0;
	memset(buf + 12, 0, 4);
	ok(jp_hs_init_payload_decode(buf, &back), "sender id 0 is refused");

	/* Timestamps: strictly later only. */
	jp_hs_timestamp(ts1, 1000, 999999999);
	jp_hs_timestamp(ts2, 1001, 0);
	ok(jp_hs_timestamp_newer(ts2, ts1), "a later second is newer");
	ok(!jp_hs_timestamp_newer(ts1, ts2), "an earlier one is not");
	ok(!jp_hs_timestamp_newer(ts1, ts1), "the same timestamp is a replay");
	ok(ts1[0] == 0x40, "timestamp carries the TAI64 2^62 offset");

	/* mac1. */
	memset(buf, 0x5a, 40);
	jp_hs_mac1_put(buf, 40, a.mac1);
	ok(jp_hs_mac1_ok(buf, 40, a.mac1), "mac1 verifies under its key");
	ok(!jp_hs_mac1_ok(buf, 40, b.mac1), "mac1 fails under another key");
	buf[3] ^= 1;
	ok(!jp_hs_mac1_ok(buf, 40, a.mac1), "mac1 fails on a flipped bit");

	/* Shapes. */
	memset(buf, 0, sizeof(buf));
	buf[0] = JP_MSG_TYPE_INIT;
	ok(!jp_hs_init_shape_ok(buf, 64), "initiation of the wrong length");

	/* Two parties. */
	ok(!run(&a, &b, b.pub, zero, zero, -1, &ki, &kr, &back),
	   "handshake without psk completes");
	ok(!memcmp(ki.send, kr.recv, 32) && !memcmp(ki.recv, kr.send, 32),
	   "initiator's send key is the responder's receive key and back");
	ok(memcmp(ki.send, ki.recv, 32), "the two directions differ");
	ok(!memcmp(ki.ctl.reattach, kr.ctl.reattach, 32) &&
	   !memcmp(ki.ctl.confirm, kr.ctl.confirm, 32),
	   "both derive the same REATTACH and confirm keys");
	ok(memcmp(ki.ctl.reattach, ki.ctl.confirm, 32),
	   "the confirm key is not the REATTACH key");
	ok(ki.ctl.initiator && !kr.ctl.initiator,
	   "each side knows its role in the handshake");
	ok(back.sender_id == 0x11223344 && back.key_id == 3,
	   "responder reads the initiator's id and key id");
	ok(!run(&a, &b, b.pub, psk, psk, -1, &ki, &kr, &back) &&
	   !memcmp(ki.send, kr.recv, 32), "handshake with a psk completes");
	ok(run(&a, &b, b.pub, psk, other, -1, &ki, &kr, &back) == -7,
	   "a psk mismatch fails message 2 at the initiator");
	ok(run(&a, &b, b.pub, zero, psk, -1, &ki, &kr, &back) == -7,
	   "a psk on one side only fails");
	ok(run(&a, &b, c.pub, zero, zero, -1, &ki, &kr, &back) == -2,
	   "initiation to the wrong public key fails mac1 before any DH");
	ok(run(&a, &b, b.pub, zero, zero, 60, &ki, &kr, &back) == -2,
	   "a flipped bit in message 1 fails mac1");

	/* Key confirm: the initiator sends it, the responder checks it. */
	ok(!run(&a, &b, b.pub, zero, zero, -1, &ki, &kr, &back),
	   "another handshake for the confirm");
	jp_ctl_ring_init(&ring_r, &kr.ctl);
	jp_ctl_ring_init(&ring_i, &ki.ctl);
	jp_ctl_ring_rx_confirm(&ring_r, 0, &mk);
	ok(jp_hs_confirm_encode(buf, ki.ctl.confirm, jp_ctl_dir_out(&ki.ctl),
				99, 5, 1234) == JP_HS_CONFIRM_LEN && buf[2] == 2,
	   "confirm is 32 bytes, version 2");
	ok(!jp_hs_confirm_decode(buf, 32, &mk, 99, &kid, &ctr) &&
	   kid == 5 && ctr == 1234 && mk.which[mk.used] == JP_CTL_CUR,
	   "confirm round-trips");
	ok(jp_hs_confirm_decode(buf, 32, &mk, 98, &kid, &ctr),
	   "confirm for another session is refused");
	jp_ctl_ring_rx_confirm(&ring_i, 0, &mk);
	ok(jp_hs_confirm_decode(buf, 32, &mk, 99, &kid, &ctr),
	   "confirm reflected back to the initiator is refused");
	jp_ctl_ring_rx_reattach(&ring_r, 0, &mk);
	ok(jp_hs_confirm_decode(buf, 32, &mk, 99, &kid, &ctr),
	   "a confirm does not verify under the REATTACH key");
	jp_hs_confirm_encode(buf, ki.ctl.reattach, jp_ctl_dir_out(&ki.ctl), 99,
			     5, 1235);
	jp_ctl_ring_rx_confirm(&ring_r, 0, &mk);
	ok(jp_hs_confirm_decode(buf, 32, &mk, 99, &kid, &ctr),
	   "a confirm made with the REATTACH key is refused");
	jp_hs_confirm_encode(buf, ki.ctl.confirm, jp_ctl_dir_out(&ki.ctl), 99,
			     5, 1236);
	buf[3] = 6;
	ok(jp_hs_confirm_decode(buf, 32, &mk, 99, &kid, &ctr),
	   "confirm with a changed key id fails its MAC");
	return tap_done();
}
