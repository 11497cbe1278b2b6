/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The handshake's wire formats (docs/handshake.md), pure: encode and
 * decode the fixed header and trailer around a Noise message, compute and
 * check mac1, compare timestamps. No crypto state, no sockets.
 *
 *  initiation (type 2): type, 0, 0, 0 | Noise msg 1 (116) | mac1 (16)  = 136
 *                      and on the wire mac2 (16) after it (cookie.h)  = 152
 *  response   (type 3): type, 0, 0, 0, receiver id | Noise msg 2 (56) | mac1
 *                                                                     =  80
 * mac1 is keyed BLAKE2b-128 over every byte before it, under
 * BLAKE2b-256("jumping-vpn mac1 v1" || the receiver's static public key):
 * anyone may compute it for a public key they know, so it proves nothing
 * about the sender, but a receiver checks it with one hash before it
 * spends a DH on a datagram that was never meant for it.
 *
 * The Noise payloads (authenticated and encrypted):
 *  msg 1: timestamp (12, TAI64N) | sender id (4) | key id (1) | flags (1)
 *         | 0 0                                                  = 20
 *  msg 2: sender id (4) | receiver id (4)                        =  8
 */
#ifndef JUMPD_HS_MSG_H
#define JUMPD_HS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ctl_keys.h"

#define JP_MSG_TYPE_INIT	2
#define JP_MSG_TYPE_RESP	3

#define JP_HS_MAC1_LEN		16
#define JP_HS_MAC1_KEY_LEN	32
#define JP_HS_TS_LEN		12
#define JP_HS_INIT_PAYLOAD_LEN	20
#define JP_HS_RESP_PAYLOAD_LEN	8
/* e (32), s (32 + tag), payload + tag */
#define JP_HS_NOISE1_LEN	(32 + 48 + JP_HS_INIT_PAYLOAD_LEN + 16)
/* e (32), payload + tag */
#define JP_HS_NOISE2_LEN	(32 + JP_HS_RESP_PAYLOAD_LEN + 16)
#define JP_HS_INIT_HDR_LEN	4
#define JP_HS_RESP_HDR_LEN	8
#define JP_HS_INIT_LEN	(JP_HS_INIT_HDR_LEN + JP_HS_NOISE1_LEN + JP_HS_MAC1_LEN)
#define JP_HS_RESP_LEN	(JP_HS_RESP_HDR_LEN + JP_HS_NOISE2_LEN + JP_HS_MAC1_LEN)

/* Flags of the initiation payload. */
#define JP_HS_FLAG_REKEY	0x01	/* new key for the existing session */
/* A new session only if the responder no longer has ours (fallback). */
#define JP_HS_FLAG_RESUME	0x02
/*
 * With REKEY only: a clustered gateway that took the session over from
 * another gateway rekeys it at once (it has no data key of it).
 */
#define JP_HS_FLAG_TAKEOVER	0x04

struct jp_hs_init_payload {
	uint8_t timestamp[JP_HS_TS_LEN];
	uint32_t sender_id;		/* the initiator's (receiver) id */
	uint8_t key_id;
	uint8_t flags;
};

struct jp_hs_resp_payload {
	uint32_t sender_id;		/* the responder's id */
	uint32_t receiver_id;		/* echo of the initiator's id */
};

/* BLAKE2b-256(label || pub): a key tied to whoever holds public key pub. */
void jp_hs_label_key(uint8_t key[32], const char *label, const uint8_t pub[32]);
/* The mac1 key of whoever holds public key pub. */
void jp_hs_mac1_key(uint8_t key[JP_HS_MAC1_KEY_LEN], const uint8_t pub[32]);
/* Fill the trailing mac1 of a whole message of len bytes. */
void jp_hs_mac1_put(uint8_t *msg, size_t len,
		    const uint8_t key[JP_HS_MAC1_KEY_LEN]);
/* Whether the trailing mac1 verifies (constant time). */
bool jp_hs_mac1_ok(const uint8_t *msg, size_t len,
		   const uint8_t key[JP_HS_MAC1_KEY_LEN]);

/*
 * Shape checks before anything else: right type, length and zero
 * reserved bytes. The response's receiver id comes back in *receiver_id.
 */
bool jp_hs_init_shape_ok(const uint8_t *msg, size_t len);
bool jp_hs_resp_shape_ok(const uint8_t *msg, size_t len,
			 uint32_t *receiver_id);

void jp_hs_init_payload_encode(uint8_t out[JP_HS_INIT_PAYLOAD_LEN],
			       const struct jp_hs_init_payload *p);
/* 0, or -1 if a reserved byte or bit is set or the key id is too big. */
int jp_hs_init_payload_decode(const uint8_t in[JP_HS_INIT_PAYLOAD_LEN],
			      struct jp_hs_init_payload *p);
void jp_hs_resp_payload_encode(uint8_t out[JP_HS_RESP_PAYLOAD_LEN],
			       const struct jp_hs_resp_payload *p);
void jp_hs_resp_payload_decode(const uint8_t in[JP_HS_RESP_PAYLOAD_LEN],
			       struct jp_hs_resp_payload *p);

/* TAI64N-like: 2^62 + seconds (8 bytes), nanoseconds (4), big-endian. */
void jp_hs_timestamp(uint8_t out[JP_HS_TS_LEN], uint64_t sec, uint32_t nsec);
/* Whether ts is strictly later than last (replay protection). */
bool jp_hs_timestamp_newer(const uint8_t ts[JP_HS_TS_LEN],
			   const uint8_t last[JP_HS_TS_LEN]);

/*
 * KEY-CONFIRM (control type 4, subtype 4): the rekey initiator tells the
 * responder it has swapped to key id; only then does the responder swap
 * (docs/protocol.md: the receiver holds a key before the sender uses it).
 *  4, 4, version 2, key id | receiver session id (4) | counter (8) | MAC (16)
 * MAC: jp_ctl_mac under the confirm key of the handshake it confirms (not
 * the REATTACH key), direction JP_DIR_I2R (only that handshake's
 * initiator sends it), over the rest; the counter must increase (a
 * replayed confirm cannot swap back).
 */
#define JP_CTRL_KEY_CONFIRM	4
#define JP_HS_CONFIRM_LEN	32
#define JP_HS_CONFIRM_VERSION	2

size_t jp_hs_confirm_encode(uint8_t *out, const uint8_t key[32], uint8_t dir,
			    uint32_t session_id, uint8_t key_id,
			    uint64_t counter);
/*
 * 0 with key id and counter (and mk->used: the candidate that verified),
 * or -1 (shape, session or MAC).
 */
int jp_hs_confirm_decode(const uint8_t *buf, size_t len,
			 struct jp_mac_keys *mk, uint32_t session_id,
			 uint8_t *key_id, uint64_t *counter);

#endif /* JUMPD_HS_MSG_H */
