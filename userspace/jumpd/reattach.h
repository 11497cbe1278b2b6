/* SPDX-License-Identifier: GPL-2.0 */
/*
 * REATTACH: how a session moves to a new transport binding, explicitly.
 *
 *  mover                                       peer
 *  REQUEST   (from the new path) ---------->   verify MAC, counter fresh,
 *            counter, new binding as the       rate limits; state machine:
 *            mover sees it, MAC                reattach-requested
 *            <----------------------  CHALLENGE (to the observed source,
 *                                        <= 3x the bytes received from it)
 *            counter echo, observed binding, 16 random bytes, MAC
 *  verify MAC, counter is ours;
 *  path-validated (our side)
 *  RESPONSE  (from the new path) ---------->   MAC, nonce, counter, and the
 *            echo of all three, MAC            datagram's source == observed:
 *                                              path-validated, BINDING_SET
 *
 * Every message is fixed-size, big-endian, type 4 (control, docs/protocol.md)
 * with a subtype and a version, addressed by the receiver's session id like
 * data packets. The MAC is keyed BLAKE2b-128 (crypto_generichash, see
 * jp_ctl_mac) under the REATTACH key of the handshake's control keys
 * (ctl_keys.h), over the sender's direction byte and every byte before it,
 * so it binds the direction, the subtype, the session id, the counter and
 * the binding; it is compared in constant time.
 *
 * The binding in a REQUEST is what the mover believes its address is; behind
 * a NAT it is not what the peer sees. So the peer validates the *observed*
 * source with the challenge, and the switch happens only to an address that
 * answered it: a captured REQUEST sent from elsewhere (the counter is then
 * the only thing an attacker can replay) gets a challenge it cannot answer.
 *
 * SOLICIT (peer -> mover, docs/handshake.md "One-sided recovery") asks the
 * mover to start that conversation from where it is.
 *
 * Replay: the counter must be strictly greater than the highest accepted
 * for that session. No window: a REQUEST overtaken by a newer one names an
 * older binding, and dropping it is the right answer. The mover makes its
 * counter from the wall clock (jp_reattach_counter_from_time) so that it
 * still increases after a restart.
 */
#ifndef JUMPD_REATTACH_H
#define JUMPD_REATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/jumping.h>
#include "amplification.h"
#include "binding.h"
#include "ctl_keys.h"

#define JP_MSG_TYPE_CONTROL	4	/* docs/protocol.md: type byte */
/* 2: separate keys per purpose and a direction byte in the MAC input */
#define JP_REATTACH_VERSION	2

enum jp_reattach_subtype {
	JP_REATTACH_REQUEST = 1,
	JP_REATTACH_CHALLENGE = 2,
	JP_REATTACH_RESPONSE = 3,
	/* 4 is the key confirm (hs_msg.h) */
	JP_REATTACH_SOLICIT = 5,	/* peer -> mover: please reattach */
	/* 6 is the cookie reply (cookie.h) */
	JP_REATTACH_PROBE = 7,		/* probe.h: on any path, to the peer */
	JP_REATTACH_ECHO = 8,		/* probe.h: answers one PROBE */
	JP_REATTACH_SWITCH = 9,		/* probe.h: a REQUEST with a token */
	JP_REATTACH_SWITCH_ACK = 10,	/* probe.h: the switch is done */
};

#define JP_REATTACH_KEY_LEN	32
#define JP_REATTACH_MAC_LEN	16
#define JP_REATTACH_NONCE_LEN	16
#define JP_REATTACH_HDR_LEN	8	/* type, subtype, version, 0, id */
#define JP_REATTACH_BINDING_LEN	20	/* 4|6, 0, port, address[16] */
#define JP_REATTACH_REQUEST_LEN	 (JP_REATTACH_HDR_LEN + 8 + \
				  JP_REATTACH_BINDING_LEN + JP_REATTACH_MAC_LEN)
#define JP_REATTACH_SOLICIT_LEN	 JP_REATTACH_REQUEST_LEN
#define JP_REATTACH_CHALLENGE_LEN (JP_REATTACH_REQUEST_LEN + \
				   JP_REATTACH_NONCE_LEN)
#define JP_REATTACH_RESPONSE_LEN  JP_REATTACH_CHALLENGE_LEN

/* A decoded message (fields used by its subtype). */
struct jp_reattach_msg {
	uint8_t subtype;
	uint32_t session_id;		/* the receiver's id */
	uint64_t counter;
	struct jp_binding binding;	/* request: claimed; else observed */
	uint8_t nonce[JP_REATTACH_NONCE_LEN];
};

enum jp_reattach_verdict {
	JP_REATTACH_OK,
	JP_REATTACH_MALFORMED,		/* length, type, version, fields */
	JP_REATTACH_WRONG_SESSION,	/* not for the session checked */
	JP_REATTACH_BAD_PROOF,		/* MAC, or nonce/binding mismatch */
	JP_REATTACH_REPLAYED,		/* counter not fresh */
};

/* Highest accepted counter of one session (peer side). */
struct jp_reattach_replay {
	uint64_t highest;
	bool any;
};

/*
 * The counter of a verified message, if strictly above every one taken
 * (then it is taken): REQUEST, SOLICIT and SWITCH share this rule.
 */
bool jp_reattach_replay_take(struct jp_reattach_replay *rp, uint64_t counter);

/* What the peer remembers about the path it is validating. */
struct jp_reattach_pending {
	uint64_t counter;		/* of the request being validated */
	struct jp_binding path;		/* observed source, to be validated */
	uint8_t nonce[JP_REATTACH_NONCE_LEN];
	struct jp_amp amp;		/* the 3x budget towards path */
};

/*
 * A binding's 20 bytes on the wire: family 4 or 6, 0, port, 16 address
 * bytes (IPv4 in the first 4, the rest zero). get: 0, or -1 for a family
 * other than 4/6, a non-zero pad byte or IPv4 with bytes past its 4.
 */
void jp_binding_wire_put(uint8_t *p, const struct jp_binding *b);
int jp_binding_wire_get(const uint8_t *p, struct jp_binding *b);

/*
 * A control MAC (REATTACH messages and KEY-CONFIRM): keyed BLAKE2b-128
 * over the direction byte (enum jp_dir, not on the wire) then the len
 * bytes of msg.
 */
void jp_ctl_mac(uint8_t out[JP_REATTACH_MAC_LEN], const uint8_t *key,
		uint8_t dir, const uint8_t *msg, size_t len);
/*
 * The last JP_REATTACH_MAC_LEN bytes of msg against each candidate in
 * turn (constant time each): 0 with mk->used set, or -1.
 */
int jp_ctl_mac_verify(struct jp_mac_keys *mk, const uint8_t *msg, size_t len);
/* Microseconds since the epoch: increases across restarts. */
uint64_t jp_reattach_counter_from_time(uint64_t wall_us, uint64_t last);

/* Encoders fill exactly the subtype's length and return it. */
size_t jp_reattach_encode_request(uint8_t *out, const uint8_t *key,
				  uint8_t dir, uint32_t session_id,
				  uint64_t counter,
				  const struct jp_binding *claimed);
size_t jp_reattach_encode_challenge(uint8_t *out, const uint8_t *key,
				    uint8_t dir, uint32_t session_id,
				    uint64_t counter, const struct jp_binding *observed,
				    const uint8_t *nonce);
size_t jp_reattach_encode_response(uint8_t *out, const uint8_t *key,
				   uint8_t dir, uint32_t session_id,
				   uint64_t counter, const struct jp_binding *observed,
				   const uint8_t *nonce);

/*
 * Parse without verifying: enough to find the session (by session_id) and
 * so its key. JP_REATTACH_OK or JP_REATTACH_MALFORMED.
 */
enum jp_reattach_verdict jp_reattach_peek(const uint8_t *buf, size_t len,
					  struct jp_reattach_msg *out);

/*
 * Peer: a REQUEST for session_id under key; on OK the counter is recorded
 * in rp (only then: a forgery cannot advance it).
 */
enum jp_reattach_verdict
jp_reattach_verify_request(const uint8_t *buf, size_t len,
			   struct jp_mac_keys *mk,
			   uint32_t session_id, struct jp_reattach_replay *rp,
			   struct jp_reattach_msg *out);
/*
 * SOLICIT: the peer gets the mover's authenticated packets from an address
 * that is not the binding, while the binding is silent (one-sided: the
 * mover still hears the peer and would never move). It asks the mover to
 * reattach from where it is. Same layout as a REQUEST (the binding is the
 * source the peer sees); counter from the peer's wall clock.
 */
size_t jp_reattach_encode_solicit(uint8_t *out, const uint8_t *key,
				  uint8_t dir, uint32_t session_id,
				  uint64_t counter,
				  const struct jp_binding *observed);
/* Mover: a SOLICIT for session_id; on OK its counter is recorded in rp. */
enum jp_reattach_verdict
jp_reattach_verify_solicit(const uint8_t *buf, size_t len,
			   struct jp_mac_keys *mk,
			   uint32_t session_id, struct jp_reattach_replay *rp,
			   struct jp_reattach_msg *out);
/* Mover: a CHALLENGE answering our request with this counter. */
enum jp_reattach_verdict
jp_reattach_verify_challenge(const uint8_t *buf, size_t len,
			     struct jp_mac_keys *mk, uint32_t session_id,
			     uint64_t counter, struct jp_reattach_msg *out);
/* Peer: a RESPONSE to pending, that arrived from `from`. */
enum jp_reattach_verdict
jp_reattach_verify_response(const uint8_t *buf, size_t len,
			    struct jp_mac_keys *mk, uint32_t session_id,
			    const struct jp_reattach_pending *pending,
			    const struct jp_binding *from);

/* The reason code to log for a verdict other than OK. */
enum jumping_reason jp_reattach_reason(enum jp_reattach_verdict v);
const char *jp_reattach_verdict_name(enum jp_reattach_verdict v);

#endif /* JUMPD_REATTACH_H */
