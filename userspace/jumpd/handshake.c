// SPDX-License-Identifier: GPL-2.0
/* The Noise IKpsk2 handshake between two jumpd (handshake.h). */
#include <string.h>
#include <sodium.h>
#include "handshake.h"

/* Binds every handshake to this protocol and version. */
static const char prologue[] = "jumping-vpn handshake v1";

static int init(struct jp_hs *hs, bool initiator, const uint8_t *my_priv,
		const uint8_t *peer_pub, const uint8_t *psk)
{
	return noise_handshake_init(&hs->noise, JP_HS_PROTOCOL, initiator,
				    (const uint8_t *)prologue,
				    sizeof(prologue) - 1, my_priv, peer_pub,
				    psk) ? -1 : 0;
}

/* Split, and the keys in our direction; the control keys from both. */
static int split(struct jp_hs *hs, bool initiator, struct jp_hs_keys *keys)
{
	struct noise_cipher tx, rx;

	if (noise_split(&hs->noise, &tx, &rx))
		return -1;
	memcpy(keys->send, tx.k, 32);
	memcpy(keys->recv, rx.k, 32);
	if (initiator)
		jp_ctl_keys_derive(&keys->ctl, tx.k, rx.k, true);
	else
		jp_ctl_keys_derive(&keys->ctl, rx.k, tx.k, false);
	noise_cipher_wipe(&tx);
	noise_cipher_wipe(&rx);
	noise_handshake_wipe(&hs->noise);
	return 0;
}

int jp_hs_initiate(struct jp_hs *hs, const uint8_t my_priv[32],
		   const uint8_t peer_pub[32], const uint8_t psk[32],
		   const struct jp_hs_init_payload *pl, uint8_t *out)
{
	uint8_t payload[JP_HS_INIT_PAYLOAD_LEN], mkey[JP_HS_MAC1_KEY_LEN];
	size_t n;

	if (init(hs, true, my_priv, peer_pub, psk))
		return -1;
	jp_hs_init_payload_encode(payload, pl);
	memset(out, 0, JP_HS_INIT_HDR_LEN);
	out[0] = JP_MSG_TYPE_INIT;
	if (noise_write_message(&hs->noise, payload, sizeof(payload),
				out + JP_HS_INIT_HDR_LEN, JP_HS_NOISE1_LEN,
				&n) || n != JP_HS_NOISE1_LEN) {
		jp_hs_wipe(hs);
		return -1;
	}
	jp_hs_mac1_key(mkey, peer_pub);
	jp_hs_mac1_put(out, JP_HS_INIT_LEN, mkey);
	return 0;
}

int jp_hs_initiator_finish(struct jp_hs *hs, const uint8_t *msg, size_t len,
			   struct jp_hs_resp_payload *pl,
			   struct jp_hs_keys *keys)
{
	uint8_t payload[JP_HS_RESP_PAYLOAD_LEN];
	size_t n;

	if (len != JP_HS_RESP_LEN ||
	    noise_read_message(&hs->noise, msg + JP_HS_RESP_HDR_LEN,
			       JP_HS_NOISE2_LEN, payload, sizeof(payload),
			       &n) || n != sizeof(payload) ||
	    !noise_handshake_done(&hs->noise))
		goto fail;
	jp_hs_resp_payload_decode(payload, pl);
	if (split(hs, true, keys))
		goto fail;
	return 0;
fail:
	jp_hs_wipe(hs);
	return -1;
}

int jp_hs_respond_read(struct jp_hs *hs, const uint8_t my_priv[32],
		       const uint8_t *msg, size_t len, uint8_t peer_pub[32],
		       struct jp_hs_init_payload *pl)
{
	uint8_t payload[JP_HS_INIT_PAYLOAD_LEN];
	size_t n;

	if (len != JP_HS_INIT_LEN || init(hs, false, my_priv, NULL, NULL))
		return -1;
	if (noise_read_message(&hs->noise, msg + JP_HS_INIT_HDR_LEN,
			       JP_HS_NOISE1_LEN, payload, sizeof(payload),
			       &n) || n != sizeof(payload) ||
	    noise_handshake_remote_static(&hs->noise, peer_pub) ||
	    jp_hs_init_payload_decode(payload, pl)) {
		jp_hs_wipe(hs);
		return -1;
	}
	return 0;
}

int jp_hs_respond_write(struct jp_hs *hs, const uint8_t psk[32],
			const uint8_t peer_pub[32],
			const struct jp_hs_resp_payload *pl, uint8_t *out,
			struct jp_hs_keys *keys)
{
	uint8_t payload[JP_HS_RESP_PAYLOAD_LEN], mkey[JP_HS_MAC1_KEY_LEN];
	size_t n;

	if (noise_handshake_set_psk(&hs->noise, psk))
		goto fail;
	jp_hs_resp_payload_encode(payload, pl);
	memset(out, 0, JP_HS_RESP_HDR_LEN);
	out[0] = JP_MSG_TYPE_RESP;
	out[4] = (uint8_t)(pl->receiver_id >> 24);
	out[5] = (uint8_t)(pl->receiver_id >> 16);
	out[6] = (uint8_t)(pl->receiver_id >> 8);
	out[7] = (uint8_t)pl->receiver_id;
	if (noise_write_message(&hs->noise, payload, sizeof(payload),
				out + JP_HS_RESP_HDR_LEN, JP_HS_NOISE2_LEN,
				&n) || n != JP_HS_NOISE2_LEN ||
	    split(hs, false, keys))
		goto fail;
	jp_hs_mac1_key(mkey, peer_pub);
	jp_hs_mac1_put(out, JP_HS_RESP_LEN, mkey);
	return 0;
fail:
	jp_hs_wipe(hs);
	return -1;
}

void jp_hs_wipe(struct jp_hs *hs)
{
	noise_handshake_wipe(&hs->noise);
	sodium_memzero(hs, sizeof(*hs));
}
