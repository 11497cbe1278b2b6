/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PROBE, ECHO, SWITCH, SWITCH-ACK: the messages of multipath (docs/multipath.md,
 * "Probe and echo" and "Make before break"; wire tables in docs/handshake.md).
 *
 *  prober (client), any path                   responder (server)
 *  PROBE  counter, path seq, token ------>     MAC, counter in the window
 *         <------------------------------ ECHO  (to the probe's source)
 *         counter and seq echoed, observed source, token for it
 *  ...later, a move to a validated standby:
 *  SWITCH counter (REATTACH's), binding, token --> MAC, counter fresh,
 *         (on the standby)                         token for the session and
 *                                                  the source: BINDING_SET
 *         <------------------------------ SWITCH-ACK counter, observed
 *
 * The style of reattach.h: type 4, version JP_REATTACH_VERSION, the
 * receiver's session id, fixed sizes, big-endian, a jp_ctl_mac under the
 * REATTACH key over the sender's direction byte and every byte before the
 * MAC. So a PROBE reflected to its sender verifies as nothing there (the
 * direction), and a PROBE is never taken for an ECHO or a SWITCH for a
 * CHALLENGE (the subtype, under the MAC). Every refusal leaves the replay
 * state untouched. No sockets, no clock: the caller passes both in.
 *
 * Anti-amplification (amplification.h): an ECHO answers one verified,
 * fresh PROBE from the address it goes to, 76 bytes for 56; a SWITCH-ACK
 * answers a SWITCH, 52 for 68. Both within JP_AMP_FACTOR by construction
 * (static asserts in probe.c), with no state per address.
 */
#ifndef JUMPD_PROBE_H
#define JUMPD_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "binding.h"
#include "ctl_keys.h"
#include "reattach.h"

#define JP_PROBE_TOKEN_LEN	16
/* 8 header, 8 counter, 4 path seq, 4 zero, 16 token, 16 MAC */
#define JP_PROBE_LEN		56
/* 8 header, 8 counter, 4 path seq, 4 zero, 20 observed, 16 token, 16 MAC */
#define JP_ECHO_LEN		76
/* A REQUEST (8 header, 8 counter, 20 binding) with a token, then the MAC */
#define JP_SWITCH_LEN		68
/* The SOLICIT layout: 8 header, 8 counter, 20 observed, 16 MAC */
#define JP_SWITCH_ACK_LEN	52

/* Probes on different paths overtake each other: a window, not a floor. */
#define JP_PROBE_WINDOW		64

/* A decoded message (fields used by its subtype). */
struct jp_probe_msg {
	uint8_t subtype;		/* JP_REATTACH_PROBE .. _SWITCH_ACK */
	uint32_t session_id;		/* the receiver's id */
	uint64_t counter;
	uint32_t path_seq;		/* PROBE, ECHO */
	/* ECHO, SWITCH-ACK: the source the responder saw; SWITCH: claimed */
	struct jp_binding binding;
	/* PROBE: the newest ECHO's on this path, or zeros; ECHO: made for
	 * binding; SWITCH: the one presented */
	uint8_t token[JP_PROBE_TOKEN_LEN];
};

/*
 * The responder's replay state for one session's probe counters: the
 * highest accepted and which of the JP_PROBE_WINDOW below it were seen.
 */
struct jp_probe_window {
	uint64_t highest;
	uint64_t seen;			/* bit i: highest - i was accepted */
	bool any;
};

enum jp_probe_window_verdict {
	JP_PROBE_FRESH,
	JP_PROBE_DUPLICATE,		/* in the window, already accepted */
	JP_PROBE_TOO_OLD,		/* JP_PROBE_WINDOW or more below highest */
};

/* Pure: whether counter would be accepted; nothing changes. */
enum jp_probe_window_verdict
jp_probe_window_check(const struct jp_probe_window *w, uint64_t counter);
/* Record counter, which check found fresh (anything else: no change). */
void jp_probe_window_record(struct jp_probe_window *w, uint64_t counter);

/*
 * Encoders fill exactly the subtype's length and return it. session_id is
 * the receiver's; key and dir are what we send under (jp_ctl_dir_out).
 * The prober's counter should start from jp_reattach_counter_from_time so
 * that it still increases after a restart; token NULL sends zeros.
 */
size_t jp_probe_encode_probe(uint8_t *out, const uint8_t *key, uint8_t dir,
			     uint32_t session_id, uint64_t counter,
			     uint32_t path_seq, const uint8_t *token);
/* counter and path_seq: the PROBE's; observed: its source as seen here. */
size_t jp_probe_encode_echo(uint8_t *out, const uint8_t *key, uint8_t dir,
			    uint32_t session_id, uint64_t counter,
			    uint32_t path_seq, const struct jp_binding *observed,
			    const uint8_t token[JP_PROBE_TOKEN_LEN]);
/* counter: a REATTACH counter (the same sequence as REQUESTs). */
size_t jp_probe_encode_switch(uint8_t *out, const uint8_t *key, uint8_t dir,
			      uint32_t session_id, uint64_t counter,
			      const struct jp_binding *claimed,
			      const uint8_t token[JP_PROBE_TOKEN_LEN]);
/* counter: the SWITCH's; observed: its source as seen here. */
size_t jp_probe_encode_switch_ack(uint8_t *out, const uint8_t *key,
				  uint8_t dir, uint32_t session_id,
				  uint64_t counter,
				  const struct jp_binding *observed);

/*
 * Parse without verifying (to dispatch and find the session): subtypes
 * 7-10 only, each at exactly its length, version JP_REATTACH_VERSION,
 * zero reserved bytes, a well-formed binding. OK or MALFORMED.
 */
enum jp_reattach_verdict jp_probe_peek(const uint8_t *buf, size_t len,
				       struct jp_probe_msg *out);

/*
 * Responder: a PROBE for session_id (ours). MAC under mk (the peer's
 * direction, current/pending/previous keys as jp_ctl_ring_rx_reattach
 * gives them), then the window: a duplicate or too old counter is
 * REPLAYED and gets no ECHO. On OK the counter is recorded in w (only
 * then: a forgery cannot move the window).
 */
enum jp_reattach_verdict
jp_probe_verify_probe(const uint8_t *buf, size_t len, struct jp_mac_keys *mk,
		      uint32_t session_id, struct jp_probe_window *w,
		      struct jp_probe_msg *out);
/*
 * Prober: an ECHO for session_id. Whether its path_seq is pending on the
 * path it arrived on is path_stats' and the caller's (jd_path_carried).
 */
enum jp_reattach_verdict
jp_probe_verify_echo(const uint8_t *buf, size_t len, struct jp_mac_keys *mk,
		     uint32_t session_id, struct jp_probe_msg *out);
/*
 * Server: a SWITCH for session_id; its counter must be above every
 * REQUEST's and SWITCH's accepted (rp, the session's REATTACH replay
 * state), and is recorded there on OK. The token is not looked at here:
 * jp_probe_token_verify against the datagram's source decides between a
 * switch and a challenge. On REPLAYED out is filled (a retransmission of
 * the SWITCH just accepted is told apart by its counter and source).
 */
enum jp_reattach_verdict
jp_probe_verify_switch(const uint8_t *buf, size_t len, struct jp_mac_keys *mk,
		       uint32_t session_id, struct jp_reattach_replay *rp,
		       struct jp_probe_msg *out);
/* Client: a SWITCH-ACK for session_id echoing our SWITCH's counter. */
enum jp_reattach_verdict
jp_probe_verify_switch_ack(const uint8_t *buf, size_t len,
			   struct jp_mac_keys *mk, uint32_t session_id,
			   uint64_t counter, struct jp_probe_msg *out);

#endif /* JUMPD_PROBE_H */
