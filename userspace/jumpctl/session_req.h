/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Session command lines: "DEV id ID [peer-id PID] [remote EP] [local ADDR]
 * [oif IFNAME] [keepalive DUR] [silence DUR] [state STATE] [reason REASON]
 * [allowed PFX...]" parsed,
 * and turned into a request. Apart from the
 * verbs so tests/unit can check the attributes that go to the kernel.
 */
#ifndef JUMPCTL_SESSION_REQ_H
#define JUMPCTL_SESSION_REQ_H

#include "jumpctl.h"
#include "jumping_parse.h"

#define MAX_PREFIXES 1024	/* as many as the kernel takes */

/* Everything a session command line may say. */
struct session_args {
	const char *dev;
	uint32_t id, peer_id;
	uint32_t keepalive_ms;		/* 0 = off */
	uint32_t silence_ms;		/* 0 = off */
	uint32_t oif;			/* binding's interface, 0 = any */
	uint8_t state;			/* enum jumping_state */
	uint16_t reason;		/* enum jumping_reason */
	bool has_id, has_peer_id, has_remote, has_local;
	bool has_keepalive, has_silence, has_oif, has_state, has_reason;
	struct jp_endpoint remote;
	struct jp_addr local;
	unsigned int n_prefixes;
	/* Last: only the first n_prefixes are ever written or read. */
	struct jp_prefix prefixes[MAX_PREFIXES];
};

/*
 * 0, or an exit code after a usage message. allow_more: keywords beyond
 * id are accepted (add, set, binding), else only id (del).
 */
int parse_session_args(struct args *a, struct session_args *s,
		       bool allow_more);
/*
 * DEV, then JUMPING_A_SESSION { id, peer id, state, reason, keepalive,
 * silence, binding (with its interface), prefixes }.
 */
struct nl_msg *session_msg(struct jg_sock *js, uint8_t cmd,
			   const struct session_args *s);

/*
 * noun "session": "add|set|del DEV ..."; noun "binding": "set DEV ...".
 * Sets *cmd to the request's command. 0, or an exit code after a usage
 * message.
 */
int session_verb_args(const char *noun, struct args *a,
		      struct session_args *s, uint8_t *cmd);

#endif /* JUMPCTL_SESSION_REQ_H */
