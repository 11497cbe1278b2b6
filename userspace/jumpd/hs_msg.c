// SPDX-License-Identifier: GPL-2.0
/* Handshake message framing, mac1 and timestamps (hs_msg.h). */
#include <string.h>
#include <sodium.h>
#include <linux/jumping.h>
#include "hs_msg.h"
#include "reattach.h"
#include "wire.h"

void jp_hs_label_key(uint8_t key[32], const char *label, const uint8_t pub[32])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const unsigned char *)label,
				  strlen(label));
	crypto_generichash_update(&st, pub, 32);
	crypto_generichash_final(&st, key, 32);
}

void jp_hs_mac1_key(uint8_t key[JP_HS_MAC1_KEY_LEN], const uint8_t pub[32])
{
	jp_hs_label_key(key, "jumping-vpn mac1 v1", pub);
}

static void mac1(uint8_t out[JP_HS_MAC1_LEN], const uint8_t *msg,
		 size_t body, const uint8_t *key)
{
	crypto_generichash(out, JP_HS_MAC1_LEN, msg, body, key,
			   JP_HS_MAC1_KEY_LEN);
}

void jp_hs_mac1_put(uint8_t *msg, size_t len,
		    const uint8_t key[JP_HS_MAC1_KEY_LEN])
{
	mac1(msg + len - JP_HS_MAC1_LEN, msg, len - JP_HS_MAC1_LEN, key);
}

bool jp_hs_mac1_ok(const uint8_t *msg, size_t len,
		   const uint8_t key[JP_HS_MAC1_KEY_LEN])
{
	uint8_t want[JP_HS_MAC1_LEN];

	if (len < JP_HS_MAC1_LEN)
		return false;
	mac1(want, msg, len - JP_HS_MAC1_LEN, key);
	return !sodium_memcmp(want, msg + len - JP_HS_MAC1_LEN,
			      JP_HS_MAC1_LEN);
}

bool jp_hs_init_shape_ok(const uint8_t *msg, size_t len)
{
	return len == JP_HS_INIT_LEN && msg[0] == JP_MSG_TYPE_INIT &&
	       !msg[1] && !msg[2] && !msg[3];
}

bool jp_hs_resp_shape_ok(const uint8_t *msg, size_t len,
			 uint32_t *receiver_id)
{
	if (len != JP_HS_RESP_LEN || msg[0] != JP_MSG_TYPE_RESP ||
	    msg[1] || msg[2] || msg[3])
		return false;
	*receiver_id = get_be32(msg + 4);
	return *receiver_id != 0;
}

void jp_hs_init_payload_encode(uint8_t out[JP_HS_INIT_PAYLOAD_LEN],
			       const struct jp_hs_init_payload *p)
{
	memset(out, 0, JP_HS_INIT_PAYLOAD_LEN);
	memcpy(out, p->timestamp, JP_HS_TS_LEN);
	put_be32(out + 12, p->sender_id);
	out[16] = p->key_id;
	out[17] = p->flags;
}

int jp_hs_init_payload_decode(const uint8_t in[JP_HS_INIT_PAYLOAD_LEN],
			      struct jp_hs_init_payload *p)
{
	memset(p, 0, sizeof(*p));
	if (in[16] > JUMPING_KEY_ID_MAX ||
	    (in[17] & ~(JP_HS_FLAG_REKEY | JP_HS_FLAG_RESUME |
			JP_HS_FLAG_TAKEOVER)) ||
	    ((in[17] & JP_HS_FLAG_TAKEOVER) && !(in[17] & JP_HS_FLAG_REKEY)) ||
	    in[18] || in[19])
		return -1;
	memcpy(p->timestamp, in, JP_HS_TS_LEN);
	p->sender_id = get_be32(in + 12);
	p->key_id = in[16];
	p->flags = in[17];
	return p->sender_id ? 0 : -1;
}

void jp_hs_resp_payload_encode(uint8_t out[JP_HS_RESP_PAYLOAD_LEN],
			       const struct jp_hs_resp_payload *p)
{
	put_be32(out, p->sender_id);
	put_be32(out + 4, p->receiver_id);
}

void jp_hs_resp_payload_decode(const uint8_t in[JP_HS_RESP_PAYLOAD_LEN],
			       struct jp_hs_resp_payload *p)
{
	p->sender_id = get_be32(in);
	p->receiver_id = get_be32(in + 4);
}

void jp_hs_timestamp(uint8_t out[JP_HS_TS_LEN], uint64_t sec, uint32_t nsec)
{
	uint64_t tai = (1ULL << 62) + sec;

	put_be32(out, (uint32_t)(tai >> 32));
	put_be32(out + 4, (uint32_t)tai);
	put_be32(out + 8, nsec);
}

bool jp_hs_timestamp_newer(const uint8_t ts[JP_HS_TS_LEN],
			   const uint8_t last[JP_HS_TS_LEN])
{
	/* Big-endian fields: byte order is numeric order. */
	return memcmp(ts, last, JP_HS_TS_LEN) > 0;
}

size_t jp_hs_confirm_encode(uint8_t *out, const uint8_t key[32], uint8_t dir,
			    uint32_t session_id, uint8_t key_id,
			    uint64_t counter)
{
	out[0] = 4;
	out[1] = JP_CTRL_KEY_CONFIRM;
	out[2] = JP_HS_CONFIRM_VERSION;
	out[3] = key_id;
	put_be32(out + 4, session_id);
	put_be32(out + 8, (uint32_t)(counter >> 32));
	put_be32(out + 12, (uint32_t)counter);
	jp_ctl_mac(out + 16, key, dir, out, 16);
	return JP_HS_CONFIRM_LEN;
}

int jp_hs_confirm_decode(const uint8_t *buf, size_t len,
			 struct jp_mac_keys *mk, uint32_t session_id,
			 uint8_t *key_id, uint64_t *counter)
{
	if (len != JP_HS_CONFIRM_LEN || buf[0] != 4 ||
	    buf[1] != JP_CTRL_KEY_CONFIRM || buf[2] != JP_HS_CONFIRM_VERSION ||
	    buf[3] > JUMPING_KEY_ID_MAX || get_be32(buf + 4) != session_id)
		return -1;
	if (jp_ctl_mac_verify(mk, buf, len))
		return -1;
	*key_id = buf[3];
	*counter = (uint64_t)get_be32(buf + 8) << 32 | get_be32(buf + 12);
	return 0;
}
