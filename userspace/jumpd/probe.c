// SPDX-License-Identifier: GPL-2.0
/* PROBE, ECHO, SWITCH, SWITCH-ACK: encode, decode, verify (probe.h). */
#include <string.h>
#include "amplification.h"
#include "probe.h"
#include "wire.h"

/* Offsets after the 8-byte header and the 8-byte counter at 8. */
#define SEQ_OFF		16	/* PROBE, ECHO: path seq, then 4 zero bytes */
#define PROBE_TOKEN_OFF	24
#define ECHO_BIND_OFF	24
#define ECHO_TOKEN_OFF	(ECHO_BIND_OFF + JP_REATTACH_BINDING_LEN)
#define SW_BIND_OFF	16	/* SWITCH, SWITCH-ACK */
#define SW_TOKEN_OFF	(SW_BIND_OFF + JP_REATTACH_BINDING_LEN)

_Static_assert(JP_PROBE_LEN == PROBE_TOKEN_OFF + JP_PROBE_TOKEN_LEN +
	       JP_REATTACH_MAC_LEN, "PROBE layout");
_Static_assert(JP_ECHO_LEN == ECHO_TOKEN_OFF + JP_PROBE_TOKEN_LEN +
	       JP_REATTACH_MAC_LEN, "ECHO layout");
_Static_assert(JP_SWITCH_LEN == SW_TOKEN_OFF + JP_PROBE_TOKEN_LEN +
	       JP_REATTACH_MAC_LEN, "SWITCH layout");
_Static_assert(JP_SWITCH_ACK_LEN == SW_BIND_OFF + JP_REATTACH_BINDING_LEN +
	       JP_REATTACH_MAC_LEN, "SWITCH-ACK layout");
/*
 * What is sent to an address not yet validated in answer to one datagram
 * from it: an ECHO per PROBE, a SWITCH-ACK or (token refused) a CHALLENGE
 * per SWITCH. Within the anti-amplification factor by construction.
 */
_Static_assert(JP_ECHO_LEN <= JP_AMP_FACTOR * JP_PROBE_LEN,
	       "ECHO within the amplification budget of a PROBE");
_Static_assert(JP_SWITCH_ACK_LEN <= JP_AMP_FACTOR * JP_SWITCH_LEN,
	       "SWITCH-ACK within the amplification budget of a SWITCH");
_Static_assert(JP_REATTACH_CHALLENGE_LEN <= JP_AMP_FACTOR * JP_SWITCH_LEN,
	       "CHALLENGE within the amplification budget of a SWITCH");
_Static_assert(JP_PROBE_WINDOW == 64, "the window is one uint64_t");

enum jp_probe_window_verdict
jp_probe_window_check(const struct jp_probe_window *w, uint64_t counter)
{
	uint64_t behind;

	if (!w->any || counter > w->highest)
		return JP_PROBE_FRESH;
	behind = w->highest - counter;
	if (behind >= JP_PROBE_WINDOW)
		return JP_PROBE_TOO_OLD;
	return w->seen & (1ULL << behind) ? JP_PROBE_DUPLICATE :
					    JP_PROBE_FRESH;
}

void jp_probe_window_record(struct jp_probe_window *w, uint64_t counter)
{
	uint64_t ahead;

	if (jp_probe_window_check(w, counter) != JP_PROBE_FRESH)
		return;
	if (!w->any) {
		w->any = true;
		w->highest = counter;
		w->seen = 1;
	} else if (counter > w->highest) {
		ahead = counter - w->highest;
		/* A shift by 64 or more is undefined in C: a clean slate. */
		w->seen = ahead >= JP_PROBE_WINDOW ? 1 : w->seen << ahead | 1;
		w->highest = counter;
	} else {
		w->seen |= 1ULL << (w->highest - counter);
	}
}

static size_t msg_len(uint8_t subtype)
{
	switch (subtype) {
	case JP_REATTACH_PROBE:
		return JP_PROBE_LEN;
	case JP_REATTACH_ECHO:
		return JP_ECHO_LEN;
	case JP_REATTACH_SWITCH:
		return JP_SWITCH_LEN;
	case JP_REATTACH_SWITCH_ACK:
		return JP_SWITCH_ACK_LEN;
	}
	return 0;
}

/* Header and counter; the caller fills the rest, then seal() MACs it. */
static void header(uint8_t *out, uint8_t subtype, uint32_t session_id,
		   uint64_t counter)
{
	memset(out, 0, msg_len(subtype));
	out[0] = JP_MSG_TYPE_CONTROL;
	out[1] = subtype;
	out[2] = JP_REATTACH_VERSION;
	put_be32(out + 4, session_id);
	put_be64(out + 8, counter);
}

static size_t seal(uint8_t *out, const uint8_t *key, uint8_t dir)
{
	size_t len = msg_len(out[1]), body = len - JP_REATTACH_MAC_LEN;

	jp_ctl_mac(out + body, key, dir, out, body);
	return len;
}

size_t jp_probe_encode_probe(uint8_t *out, const uint8_t *key, uint8_t dir,
			     uint32_t session_id, uint64_t counter,
			     uint32_t path_seq, const uint8_t *token)
{
	header(out, JP_REATTACH_PROBE, session_id, counter);
	put_be32(out + SEQ_OFF, path_seq);
	if (token)
		memcpy(out + PROBE_TOKEN_OFF, token, JP_PROBE_TOKEN_LEN);
	return seal(out, key, dir);
}

size_t jp_probe_encode_echo(uint8_t *out, const uint8_t *key, uint8_t dir,
			    uint32_t session_id, uint64_t counter,
			    uint32_t path_seq, const struct jp_binding *observed,
			    const uint8_t token[JP_PROBE_TOKEN_LEN])
{
	header(out, JP_REATTACH_ECHO, session_id, counter);
	put_be32(out + SEQ_OFF, path_seq);
	jp_binding_wire_put(out + ECHO_BIND_OFF, observed);
	memcpy(out + ECHO_TOKEN_OFF, token, JP_PROBE_TOKEN_LEN);
	return seal(out, key, dir);
}

size_t jp_probe_encode_switch(uint8_t *out, const uint8_t *key, uint8_t dir,
			      uint32_t session_id, uint64_t counter,
			      const struct jp_binding *claimed,
			      const uint8_t token[JP_PROBE_TOKEN_LEN])
{
	header(out, JP_REATTACH_SWITCH, session_id, counter);
	jp_binding_wire_put(out + SW_BIND_OFF, claimed);
	memcpy(out + SW_TOKEN_OFF, token, JP_PROBE_TOKEN_LEN);
	return seal(out, key, dir);
}

size_t jp_probe_encode_switch_ack(uint8_t *out, const uint8_t *key,
				  uint8_t dir, uint32_t session_id,
				  uint64_t counter,
				  const struct jp_binding *observed)
{
	header(out, JP_REATTACH_SWITCH_ACK, session_id, counter);
	jp_binding_wire_put(out + SW_BIND_OFF, observed);
	return seal(out, key, dir);
}

enum jp_reattach_verdict jp_probe_peek(const uint8_t *buf, size_t len,
				       struct jp_probe_msg *out)
{
	size_t bind_off = 0, token_off = 0;

	memset(out, 0, sizeof(*out));
	if (len < JP_REATTACH_HDR_LEN || buf[0] != JP_MSG_TYPE_CONTROL ||
	    buf[2] != JP_REATTACH_VERSION || buf[3] ||
	    !msg_len(buf[1]) || len != msg_len(buf[1]))
		return JP_REATTACH_MALFORMED;
	out->subtype = buf[1];
	out->session_id = get_be32(buf + 4);
	out->counter = get_be64(buf + 8);
	switch (buf[1]) {
	case JP_REATTACH_PROBE:
	case JP_REATTACH_ECHO:
		if (buf[SEQ_OFF + 4] | buf[SEQ_OFF + 5] | buf[SEQ_OFF + 6] |
		    buf[SEQ_OFF + 7])
			return JP_REATTACH_MALFORMED;
		out->path_seq = get_be32(buf + SEQ_OFF);
		if (buf[1] == JP_REATTACH_PROBE) {
			token_off = PROBE_TOKEN_OFF;
		} else {
			bind_off = ECHO_BIND_OFF;
			token_off = ECHO_TOKEN_OFF;
		}
		break;
	case JP_REATTACH_SWITCH:
		bind_off = SW_BIND_OFF;
		token_off = SW_TOKEN_OFF;
		break;
	case JP_REATTACH_SWITCH_ACK:
		bind_off = SW_BIND_OFF;
		break;
	}
	if (bind_off && jp_binding_wire_get(buf + bind_off, &out->binding))
		return JP_REATTACH_MALFORMED;
	if (token_off)
		memcpy(out->token, buf + token_off, JP_PROBE_TOKEN_LEN);
	return JP_REATTACH_OK;
}

/* Shape, subtype, session, then the MAC (constant time, jp_ctl_mac_verify). */
static enum jp_reattach_verdict check(const uint8_t *buf, size_t len,
				      uint8_t subtype, struct jp_mac_keys *mk,
				      uint32_t session_id,
				      struct jp_probe_msg *out)
{
	if (jp_probe_peek(buf, len, out) != JP_REATTACH_OK ||
	    out->subtype != subtype)
		return JP_REATTACH_MALFORMED;
	if (out->session_id != session_id)
		return JP_REATTACH_WRONG_SESSION;
	return jp_ctl_mac_verify(mk, buf, len) ? JP_REATTACH_BAD_PROOF :
						 JP_REATTACH_OK;
}

enum jp_reattach_verdict
jp_probe_verify_probe(const uint8_t *buf, size_t len, struct jp_mac_keys *mk,
		      uint32_t session_id, struct jp_probe_window *w,
		      struct jp_probe_msg *out)
{
	enum jp_reattach_verdict v;

	v = check(buf, len, JP_REATTACH_PROBE, mk, session_id, out);
	if (v != JP_REATTACH_OK)
		return v;
	/* Only an authentic probe may move the window. */
	if (jp_probe_window_check(w, out->counter) != JP_PROBE_FRESH)
		return JP_REATTACH_REPLAYED;
	jp_probe_window_record(w, out->counter);
	return JP_REATTACH_OK;
}

enum jp_reattach_verdict
jp_probe_verify_echo(const uint8_t *buf, size_t len, struct jp_mac_keys *mk,
		     uint32_t session_id, struct jp_probe_msg *out)
{
	return check(buf, len, JP_REATTACH_ECHO, mk, session_id, out);
}

enum jp_reattach_verdict
jp_probe_verify_switch(const uint8_t *buf, size_t len, struct jp_mac_keys *mk,
		       uint32_t session_id, struct jp_reattach_replay *rp,
		       struct jp_probe_msg *out)
{
	enum jp_reattach_verdict v;

	v = check(buf, len, JP_REATTACH_SWITCH, mk, session_id, out);
	if (v != JP_REATTACH_OK)
		return v;
	/* The REQUEST rule: strictly above every counter accepted. */
	if (!jp_reattach_replay_take(rp, out->counter))
		return JP_REATTACH_REPLAYED;
	return JP_REATTACH_OK;
}

enum jp_reattach_verdict
jp_probe_verify_switch_ack(const uint8_t *buf, size_t len,
			   struct jp_mac_keys *mk, uint32_t session_id,
			   uint64_t counter, struct jp_probe_msg *out)
{
	enum jp_reattach_verdict v;

	v = check(buf, len, JP_REATTACH_SWITCH_ACK, mk, session_id, out);
	if (v == JP_REATTACH_OK && out->counter != counter)
		return JP_REATTACH_REPLAYED;	/* answers another SWITCH */
	return v;
}
