// SPDX-License-Identifier: GPL-2.0
/* REATTACH messages: encode, decode, verify (reattach.h). No sockets. */
#include <string.h>
#include <sys/socket.h>
#include <sodium.h>
#include "reattach.h"
#include "wire.h"

uint64_t jp_reattach_counter_from_time(uint64_t wall_us, uint64_t last)
{
	return wall_us > last ? wall_us : last + 1;
}

/* Wire family is 4 or 6, not the host's AF_* numbers. */
void jp_binding_wire_put(uint8_t *p, const struct jp_binding *b)
{
	memset(p, 0, JP_REATTACH_BINDING_LEN);
	p[0] = b->family == AF_INET ? 4 : b->family == AF_INET6 ? 6 : 0;
	p[2] = (uint8_t)(b->port >> 8);
	p[3] = (uint8_t)b->port;
	memcpy(p + 4, b->addr, b->family == AF_INET ? 4 : 16);
}

int jp_binding_wire_get(const uint8_t *p, struct jp_binding *b)
{
	memset(b, 0, sizeof(*b));
	if (p[1])
		return -1;
	if (p[0] == 4) {
		b->family = AF_INET;
		if (p[8] | p[9] | p[10] | p[11] | p[12] | p[13] | p[14] |
		    p[15] | p[16] | p[17] | p[18] | p[19])
			return -1;
		memcpy(b->addr, p + 4, 4);
	} else if (p[0] == 6) {
		b->family = AF_INET6;
		memcpy(b->addr, p + 4, 16);
	} else {
		return -1;
	}
	b->port = (uint16_t)(p[2] << 8 | p[3]);
	return 0;
}

static size_t msg_len(uint8_t subtype)
{
	switch (subtype) {
	case JP_REATTACH_REQUEST:
		return JP_REATTACH_REQUEST_LEN;
	case JP_REATTACH_CHALLENGE:
		return JP_REATTACH_CHALLENGE_LEN;
	case JP_REATTACH_RESPONSE:
		return JP_REATTACH_RESPONSE_LEN;
	case JP_REATTACH_SOLICIT:
		return JP_REATTACH_SOLICIT_LEN;
	}
	return 0;
}

void jp_ctl_mac(uint8_t out[JP_REATTACH_MAC_LEN], const uint8_t *key,
		uint8_t dir, const uint8_t *msg, size_t len)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, key, JP_REATTACH_KEY_LEN,
				JP_REATTACH_MAC_LEN);
	crypto_generichash_update(&st, &dir, 1);
	crypto_generichash_update(&st, msg, len);
	crypto_generichash_final(&st, out, JP_REATTACH_MAC_LEN);
	sodium_memzero(&st, sizeof(st));
}

int jp_ctl_mac_verify(struct jp_mac_keys *mk, const uint8_t *msg, size_t len)
{
	uint8_t want[JP_REATTACH_MAC_LEN];
	unsigned int i;

	if (len < JP_REATTACH_MAC_LEN)
		return -1;
	len -= JP_REATTACH_MAC_LEN;
	for (i = 0; i < mk->n; i++) {
		jp_ctl_mac(want, mk->key[i], mk->dir[i], msg, len);
		if (!sodium_memcmp(want, msg + len, JP_REATTACH_MAC_LEN)) {
			mk->used = i;
			return 0;
		}
	}
	return -1;
}

static size_t encode(uint8_t *out, uint8_t subtype, const uint8_t *key,
		     uint8_t dir, uint32_t session_id, uint64_t counter,
		     const struct jp_binding *b, const uint8_t *nonce)
{
	size_t len = msg_len(subtype), body = len - JP_REATTACH_MAC_LEN;

	out[0] = JP_MSG_TYPE_CONTROL;
	out[1] = subtype;
	out[2] = JP_REATTACH_VERSION;
	out[3] = 0;
	put_be32(out + 4, session_id);
	put_be64(out + 8, counter);
	jp_binding_wire_put(out + 16, b);
	if (nonce)
		memcpy(out + 36, nonce, JP_REATTACH_NONCE_LEN);
	jp_ctl_mac(out + body, key, dir, out, body);
	return len;
}

size_t jp_reattach_encode_request(uint8_t *out, const uint8_t *key,
				  uint8_t dir, uint32_t session_id,
				  uint64_t counter,
				  const struct jp_binding *claimed)
{
	return encode(out, JP_REATTACH_REQUEST, key, dir, session_id, counter,
		      claimed, NULL);
}

size_t jp_reattach_encode_challenge(uint8_t *out, const uint8_t *key,
				    uint8_t dir, uint32_t session_id,
				    uint64_t counter, const struct jp_binding *observed,
				    const uint8_t *nonce)
{
	return encode(out, JP_REATTACH_CHALLENGE, key, dir, session_id, counter,
		      observed, nonce);
}

size_t jp_reattach_encode_response(uint8_t *out, const uint8_t *key,
				   uint8_t dir, uint32_t session_id,
				   uint64_t counter, const struct jp_binding *observed,
				   const uint8_t *nonce)
{
	return encode(out, JP_REATTACH_RESPONSE, key, dir, session_id, counter,
		      observed, nonce);
}

size_t jp_reattach_encode_solicit(uint8_t *out, const uint8_t *key,
				  uint8_t dir, uint32_t session_id,
				  uint64_t counter,
				  const struct jp_binding *observed)
{
	return encode(out, JP_REATTACH_SOLICIT, key, dir, session_id, counter,
		      observed, NULL);
}

enum jp_reattach_verdict jp_reattach_peek(const uint8_t *buf, size_t len,
					  struct jp_reattach_msg *out)
{
	memset(out, 0, sizeof(*out));
	if (len < JP_REATTACH_HDR_LEN || buf[0] != JP_MSG_TYPE_CONTROL ||
	    buf[2] != JP_REATTACH_VERSION || buf[3] ||
	    !msg_len(buf[1]) || len != msg_len(buf[1]))
		return JP_REATTACH_MALFORMED;
	out->subtype = buf[1];
	out->session_id = get_be32(buf + 4);
	out->counter = get_be64(buf + 8);
	if (jp_binding_wire_get(buf + 16, &out->binding))
		return JP_REATTACH_MALFORMED;
	if (buf[1] == JP_REATTACH_CHALLENGE || buf[1] == JP_REATTACH_RESPONSE)
		memcpy(out->nonce, buf + 36, JP_REATTACH_NONCE_LEN);
	return JP_REATTACH_OK;
}

/* Common checks: shape, subtype, session, then the MAC (constant time). */
static enum jp_reattach_verdict check(const uint8_t *buf, size_t len,
				      uint8_t subtype, struct jp_mac_keys *mk,
				      uint32_t session_id,
				      struct jp_reattach_msg *out)
{
	if (jp_reattach_peek(buf, len, out) != JP_REATTACH_OK ||
	    out->subtype != subtype)
		return JP_REATTACH_MALFORMED;
	if (out->session_id != session_id)
		return JP_REATTACH_WRONG_SESSION;
	return jp_ctl_mac_verify(mk, buf, len) ? JP_REATTACH_BAD_PROOF :
						 JP_REATTACH_OK;
}

/* A message whose counter must be above every one accepted before. */
static enum jp_reattach_verdict
verify_fresh(const uint8_t *buf, size_t len, uint8_t subtype,
	     struct jp_mac_keys *mk, uint32_t session_id,
	     struct jp_reattach_replay *rp, struct jp_reattach_msg *out)
{
	enum jp_reattach_verdict v;

	v = check(buf, len, subtype, mk, session_id, out);
	if (v != JP_REATTACH_OK)
		return v;
	if (!jp_binding_is_set(&out->binding))
		return JP_REATTACH_MALFORMED;
	/* Only an authentic request may advance the counter. */
	return jp_reattach_replay_take(rp, out->counter) ? JP_REATTACH_OK :
							   JP_REATTACH_REPLAYED;
}

bool jp_reattach_replay_take(struct jp_reattach_replay *rp, uint64_t counter)
{
	if (rp->any && counter <= rp->highest)
		return false;
	rp->highest = counter;
	rp->any = true;
	return true;
}

enum jp_reattach_verdict
jp_reattach_verify_request(const uint8_t *buf, size_t len,
			   struct jp_mac_keys *mk,
			   uint32_t session_id, struct jp_reattach_replay *rp,
			   struct jp_reattach_msg *out)
{
	return verify_fresh(buf, len, JP_REATTACH_REQUEST, mk, session_id, rp,
			    out);
}

enum jp_reattach_verdict
jp_reattach_verify_solicit(const uint8_t *buf, size_t len,
			   struct jp_mac_keys *mk,
			   uint32_t session_id, struct jp_reattach_replay *rp,
			   struct jp_reattach_msg *out)
{
	return verify_fresh(buf, len, JP_REATTACH_SOLICIT, mk, session_id, rp,
			    out);
}

enum jp_reattach_verdict
jp_reattach_verify_challenge(const uint8_t *buf, size_t len,
			     struct jp_mac_keys *mk, uint32_t session_id,
			     uint64_t counter, struct jp_reattach_msg *out)
{
	enum jp_reattach_verdict v;

	v = check(buf, len, JP_REATTACH_CHALLENGE, mk, session_id, out);
	if (v == JP_REATTACH_OK && out->counter != counter)
		return JP_REATTACH_REPLAYED;	/* answers an older request */
	return v;
}

enum jp_reattach_verdict
jp_reattach_verify_response(const uint8_t *buf, size_t len,
			    struct jp_mac_keys *mk, uint32_t session_id,
			    const struct jp_reattach_pending *pending,
			    const struct jp_binding *from)
{
	struct jp_reattach_msg m;
	enum jp_reattach_verdict v;

	v = check(buf, len, JP_REATTACH_RESPONSE, mk, session_id, &m);
	if (v != JP_REATTACH_OK)
		return v;
	if (m.counter != pending->counter)
		return JP_REATTACH_REPLAYED;
	/* Must echo our nonce and come from the very path we challenged. */
	if (sodium_memcmp(m.nonce, pending->nonce, JP_REATTACH_NONCE_LEN) ||
	    !jp_binding_equal(&m.binding, &pending->path) ||
	    !jp_binding_equal(from, &pending->path))
		return JP_REATTACH_BAD_PROOF;
	return JP_REATTACH_OK;
}

enum jumping_reason jp_reattach_reason(enum jp_reattach_verdict v)
{
	switch (v) {
	case JP_REATTACH_OK:
		return JUMPING_REASON_NONE;
	case JP_REATTACH_REPLAYED:
		return JUMPING_REASON_REATTACH_REPLAYED;
	case JP_REATTACH_MALFORMED:
	case JP_REATTACH_WRONG_SESSION:
	case JP_REATTACH_BAD_PROOF:
		break;
	}
	return JUMPING_REASON_REATTACH_BAD_PROOF;
}

const char *jp_reattach_verdict_name(enum jp_reattach_verdict v)
{
	static const char *const names[] = {
		[JP_REATTACH_OK]		= "ok",
		[JP_REATTACH_MALFORMED]		= "malformed",
		[JP_REATTACH_WRONG_SESSION]	= "wrong-session",
		[JP_REATTACH_BAD_PROOF]		= "bad-proof",
		[JP_REATTACH_REPLAYED]		= "replayed",
	};

	return (unsigned int)v < sizeof(names) / sizeof(names[0]) ?
	       names[v] : "unknown";
}
