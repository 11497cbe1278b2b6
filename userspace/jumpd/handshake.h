/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b handshake over the formats of
 * hs_msg.h, without sockets: the initiator writes message 1 and reads
 * message 2, the responder reads 1 and writes 2, and both end with the
 * same data keys (initiator encrypts with k1 and decrypts with k2 of
 * Noise's Split) and the same control keys (ctl_keys.h), each side
 * knowing its role.
 *
 * A peer without a PresharedKey uses 32 zero bytes as psk: one protocol,
 * one code path; a psk configured on one side only fails message 2.
 *
 * The caller checks mac1 and the responder's budget before calling a
 * reader: these are the first functions that spend a DH.
 */
#ifndef JUMPD_HANDSHAKE_H
#define JUMPD_HANDSHAKE_H

#include <stdint.h>
#include "hs_msg.h"
#include "noise.h"
#include "reattach.h"

#define JP_HS_PROTOCOL "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b"

struct jp_hs_keys {
	uint8_t send[32];		/* our encrypt key */
	uint8_t recv[32];		/* our decrypt key */
	struct jp_ctl_keys ctl;		/* REATTACH and confirm keys */
};

/* One handshake in flight, either role. */
struct jp_hs {
	struct noise_handshake noise;
};

/* Initiator: message 1 into out (JP_HS_INIT_LEN bytes). 0 or -1. */
int jp_hs_initiate(struct jp_hs *hs, const uint8_t my_priv[32],
		   const uint8_t peer_pub[32], const uint8_t psk[32],
		   const struct jp_hs_init_payload *pl, uint8_t *out);
/* Initiator: message 2 (shape and mac1 checked by the caller). 0 or -1. */
int jp_hs_initiator_finish(struct jp_hs *hs, const uint8_t *msg, size_t len,
			   struct jp_hs_resp_payload *pl,
			   struct jp_hs_keys *keys);

/*
 * Responder: read message 1; tells who sent it (peer_pub) and what it
 * says. 0 or -1 (the handshake is then wiped).
 */
int jp_hs_respond_read(struct jp_hs *hs, const uint8_t my_priv[32],
		       const uint8_t *msg, size_t len, uint8_t peer_pub[32],
		       struct jp_hs_init_payload *pl);
/* Responder: message 2 into out (JP_HS_RESP_LEN bytes) and the keys. */
int jp_hs_respond_write(struct jp_hs *hs, const uint8_t psk[32],
			const uint8_t peer_pub[32],
			const struct jp_hs_resp_payload *pl, uint8_t *out,
			struct jp_hs_keys *keys);

void jp_hs_wipe(struct jp_hs *hs);

#endif /* JUMPD_HANDSHAKE_H */
