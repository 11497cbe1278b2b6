/* SPDX-License-Identifier: GPL-2.0 */
/* Printing one JUMPING_A_SESSION nest as the kernel reports it. */
#ifndef JUMPCTL_SESSION_SHOW_H
#define JUMPCTL_SESSION_SHOW_H

#include <stddef.h>
#include <stdint.h>
#include <netlink/attr.h>
#include "jd_status.h"
#include "jumping_parse.h"
#include "output.h"

/*
 * A record: id, the peer's name (jumpd), peer id, state, time in state,
 * last reason, binding (and its interface), the active path and the last
 * handshake (jumpd), keepalive, silence, rx/tx age, unheard time,
 * liveness, binding history, the paths jumpd reports (if jd is not
 * NULL), allowed, key slots, stats.
 */
int out_session(struct out *o, struct nlattr *nest,
		const struct jd_status_session *jd);

/*
 * A binding nest's remote endpoint and local address as text ("" for a
 * part it lacks) and its interface (0: any); 0 or -EPROTO. Also for
 * monitor's event lines.
 */
int format_binding(struct nlattr *nest, char remote[JP_ENDPOINT_STRLEN],
		   char local[JP_ENDPOINT_STRLEN], uint32_t *ifindex);

/*
 * A dump continues a session of many prefixes in the next messages, which
 * hold its id and more JUMPING_A_SESSION_PREFIX only. The accumulator
 * holds one session's nest, merged from its messages.
 */
struct session_acc {
	struct nlattr *nest;	/* the merged nest, NULL when empty */
	size_t cap;		/* bytes allocated at nest */
	uint32_t id;
};

/*
 * Take one JUMPING_A_SESSION nest of a dump: held as the first part of a
 * session (0), or its prefixes appended to the held session of the same
 * id (0). 1: the accumulator holds another session; print it, reset, and
 * call again. -EPROTO (no id), -E2BIG (past a nest's 64 KiB), -ENOMEM.
 */
int session_acc_add(struct session_acc *acc, const struct nlattr *nest);
/* Forget the held session; the accumulator can be used again. */
void session_acc_reset(struct session_acc *acc);

#endif /* JUMPCTL_SESSION_SHOW_H */
