/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The session state machine (docs/state-machine.md). A session's state,
 * its reason and its binding change only through jp_state_apply(), which
 * looks the (state, event) pair up in one transition table: a pair that is
 * not in the table is refused and changes nothing. Pure and deterministic:
 * time is passed in (milliseconds on a monotonic clock), nothing is global.
 */
#ifndef JUMPD_STATE_H
#define JUMPD_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/jumping.h>
#include "binding.h"

/* What can happen to a session. jumpd decides; the table answers. */
enum jp_event {
	JP_EV_HANDSHAKE_DONE,		/* a Noise handshake completed */
	JP_EV_AUTH_RX,			/* authenticated rx on the binding */
	JP_EV_RX_SILENCE,		/* silence past VolatileAfter */
	JP_EV_RX_SILENCE_LONG,		/* silence past RecoveringAfter */
	JP_EV_LOSS_HIGH,		/* loss rose above the threshold */
	JP_EV_LOSS_NORMAL,		/* loss fell back below it */
	JP_EV_RTT_HIGH,			/* RTT rose far above its base */
	JP_EV_RTT_NORMAL,		/* RTT fell back near it */
	JP_EV_REATTACH_REQUESTED,	/* proof verified (or we decide to move) */
	JP_EV_PATH_VALIDATED,		/* challenge answered on the new path */
	JP_EV_REATTACH_REJECTED,	/* a verified request failed validation */
	JP_EV_TTL_EXPIRED,		/* no transport for SessionTTL */
	JP_EV_PEER_CLOSED,		/* the peer said goodbye */
	JP_EV_OPERATOR_DELETE,		/* jumpctl / config removed it */
	JP_EV_ADOPTED,			/* a restarted jumpd took it over */
	JP_EV_PEER_LOST,		/* the peer no longer knows the session */
	JP_EV_SUPERSEDED,		/* a newer handshake replaces it */
	JP_EV_TAKEN_OVER,		/* won from a dead gateway (cluster) */

	__JP_EV_MAX,
	JP_EV_NONE = __JP_EV_MAX	/* "nothing due" from the timers */
};

/* One row of the table. */
struct jp_rule {
	enum jumping_state from;
	enum jp_event event;
	enum jumping_state to;		/* == from: allowed, state kept */
	enum jumping_reason reason;
	bool binds;			/* installs the binding passed in */
};

#define JP_BINDING_HISTORY 8

struct jp_binding_record {
	struct jp_binding binding;
	enum jumping_reason reason;
	uint64_t at_ms;
};

struct jp_fsm {
	enum jumping_state state;
	enum jumping_reason last_reason;	/* of the last state change */
	uint64_t entered_ms;			/* when state was entered */
	struct jp_binding binding;		/* current, maybe unset */
	/* Ring of installed bindings, newest at history[(head - 1) % N]. */
	struct jp_binding_record history[JP_BINDING_HISTORY];
	unsigned int history_head, history_len;
	uint64_t refused;			/* events the table refused */
};

struct jp_transition {
	bool refused;			/* not in the table: nothing changed */
	enum jumping_state old_state, new_state;
	enum jumping_reason reason;
	struct jp_binding old_binding, new_binding;
	uint64_t time_in_old_ms;	/* how long old_state lasted so far */
	bool audit;			/* state, binding or reason to log */
};

void jp_fsm_init(struct jp_fsm *fsm, uint64_t now_ms);

/* Apply an event that installs no binding. */
struct jp_transition jp_state_apply(struct jp_fsm *fsm, enum jp_event ev,
				    uint64_t now_ms);
/*
 * Apply an event; nb is the binding to install for rules that bind
 * (handshake done, path validated, adopted) and must be NULL otherwise: a
 * binding passed to a rule that does not bind, or missing from one that
 * does, is refused.
 */
struct jp_transition jp_state_apply_bind(struct jp_fsm *fsm, enum jp_event ev,
					 const struct jp_binding *nb,
					 uint64_t now_ms);

/* The rule for (from, ev), or NULL if that pair is refused. */
const struct jp_rule *jp_state_rule(enum jumping_state from, enum jp_event ev);
/* The whole table, for docs and tests. */
const struct jp_rule *jp_state_table(size_t *n);

uint64_t jp_fsm_time_in_state(const struct jp_fsm *fsm, uint64_t now_ms);
/* i-th most recent binding record (0 = newest), NULL past the end. */
const struct jp_binding_record *jp_fsm_history(const struct jp_fsm *fsm,
					       unsigned int i);

/* "handshake-done", ...; NULL for an unknown event. */
const char *jp_event_name(enum jp_event ev);

#endif /* JUMPD_STATE_H */
