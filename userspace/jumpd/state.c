// SPDX-License-Identifier: GPL-2.0
/*
 * The transition table and the only function that moves a session along it
 * (state.h). docs/state-machine.md carries the same table; the unit test
 * test_jumpd_state parses the doc and fails if the two differ.
 */
#include <string.h>
#include "state.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define B JUMPING_STATE_BIRTH
#define A JUMPING_STATE_ATTACHED
#define V JUMPING_STATE_VOLATILE
#define D JUMPING_STATE_DEGRADED
#define R JUMPING_STATE_RECOVERING
#define T JUMPING_STATE_TERMINATED
#define WHY(x) JUMPING_REASON_##x

/* Every allowed (state, event); anything else is refused. TERMINATED has
 * no row: it is final.
 */
static const struct jp_rule rules[] = {
	{ B, JP_EV_HANDSHAKE_DONE,	A, WHY(HANDSHAKE_DONE),	true },
	{ B, JP_EV_ADOPTED,		A, WHY(ADOPTED),	true },
	{ B, JP_EV_TTL_EXPIRED,		T, WHY(TTL_EXPIRED),	false },
	{ B, JP_EV_PEER_CLOSED,		T, WHY(PEER_CLOSED),	false },
	{ B, JP_EV_OPERATOR_DELETE,	T, WHY(USERSPACE),	false },
	{ B, JP_EV_SUPERSEDED,		T, WHY(SUPERSEDED),	false },
	{ B, JP_EV_TAKEN_OVER,		R, WHY(GATEWAY_TAKEOVER), false },

	{ A, JP_EV_AUTH_RX,		A, WHY(NONE),		false },
	{ A, JP_EV_HANDSHAKE_DONE,	A, WHY(REKEY),		false },
	{ A, JP_EV_RX_SILENCE,		V, WHY(RX_SILENCE),	false },
	{ A, JP_EV_LOSS_HIGH,		D, WHY(LOSS_HIGH),	false },
	{ A, JP_EV_RTT_HIGH,		D, WHY(RTT_HIGH),	false },
	{ A, JP_EV_REATTACH_REQUESTED,	R, WHY(REATTACH_REQUESTED), false },
	{ A, JP_EV_PATH_VALIDATED,	A, WHY(REATTACH_VALIDATED), true },
	{ A, JP_EV_REATTACH_REJECTED,	A, WHY(REATTACH_REJECTED), false },
	{ A, JP_EV_PEER_CLOSED,		T, WHY(PEER_CLOSED),	false },
	{ A, JP_EV_OPERATOR_DELETE,	T, WHY(USERSPACE),	false },
	{ A, JP_EV_SUPERSEDED,		T, WHY(SUPERSEDED),	false },

	{ V, JP_EV_AUTH_RX,		A, WHY(RX_RESUMED),	false },
	{ V, JP_EV_HANDSHAKE_DONE,	V, WHY(REKEY),		false },
	{ V, JP_EV_RX_SILENCE_LONG,	R, WHY(RX_SILENCE),	false },
	{ V, JP_EV_REATTACH_REQUESTED,	R, WHY(REATTACH_REQUESTED), false },
	{ V, JP_EV_PATH_VALIDATED,	A, WHY(REATTACH_VALIDATED), true },
	{ V, JP_EV_REATTACH_REJECTED,	V, WHY(REATTACH_REJECTED), false },
	{ V, JP_EV_TTL_EXPIRED,		T, WHY(TTL_EXPIRED),	false },
	{ V, JP_EV_PEER_CLOSED,		T, WHY(PEER_CLOSED),	false },
	{ V, JP_EV_OPERATOR_DELETE,	T, WHY(USERSPACE),	false },
	{ V, JP_EV_PEER_LOST,		T, WHY(PEER_LOST),	false },
	{ V, JP_EV_SUPERSEDED,		T, WHY(SUPERSEDED),	false },

	{ D, JP_EV_AUTH_RX,		D, WHY(NONE),		false },
	{ D, JP_EV_HANDSHAKE_DONE,	D, WHY(REKEY),		false },
	{ D, JP_EV_LOSS_NORMAL,		A, WHY(LOSS_RECOVERED),	false },
	{ D, JP_EV_RTT_NORMAL,		A, WHY(RTT_RECOVERED),	false },
	{ D, JP_EV_RX_SILENCE,		V, WHY(RX_SILENCE),	false },
	{ D, JP_EV_REATTACH_REQUESTED,	R, WHY(REATTACH_REQUESTED), false },
	{ D, JP_EV_PATH_VALIDATED,	A, WHY(REATTACH_VALIDATED), true },
	{ D, JP_EV_REATTACH_REJECTED,	D, WHY(REATTACH_REJECTED), false },
	{ D, JP_EV_PEER_CLOSED,		T, WHY(PEER_CLOSED),	false },
	{ D, JP_EV_OPERATOR_DELETE,	T, WHY(USERSPACE),	false },
	{ D, JP_EV_SUPERSEDED,		T, WHY(SUPERSEDED),	false },

	{ R, JP_EV_AUTH_RX,		A, WHY(RX_RESUMED),	false },
	{ R, JP_EV_HANDSHAKE_DONE,	R, WHY(REKEY),		false },
	{ R, JP_EV_REATTACH_REQUESTED,	R, WHY(REATTACH_REQUESTED), false },
	{ R, JP_EV_PATH_VALIDATED,	A, WHY(REATTACH_VALIDATED), true },
	{ R, JP_EV_REATTACH_REJECTED,	R, WHY(REATTACH_REJECTED), false },
	{ R, JP_EV_TTL_EXPIRED,		T, WHY(TTL_EXPIRED),	false },
	{ R, JP_EV_PEER_CLOSED,		T, WHY(PEER_CLOSED),	false },
	{ R, JP_EV_OPERATOR_DELETE,	T, WHY(USERSPACE),	false },
	{ R, JP_EV_PEER_LOST,		T, WHY(PEER_LOST),	false },
	{ R, JP_EV_SUPERSEDED,		T, WHY(SUPERSEDED),	false },
};

static const char *const event_names[] = {
	[JP_EV_HANDSHAKE_DONE]		= "handshake-done",
	[JP_EV_AUTH_RX]			= "auth-rx",
	[JP_EV_RX_SILENCE]		= "rx-silence",
	[JP_EV_RX_SILENCE_LONG]		= "rx-silence-long",
	[JP_EV_LOSS_HIGH]		= "loss-high",
	[JP_EV_LOSS_NORMAL]		= "loss-normal",
	[JP_EV_RTT_HIGH]		= "rtt-high",
	[JP_EV_RTT_NORMAL]		= "rtt-normal",
	[JP_EV_REATTACH_REQUESTED]	= "reattach-requested",
	[JP_EV_PATH_VALIDATED]		= "path-validated",
	[JP_EV_REATTACH_REJECTED]	= "reattach-rejected",
	[JP_EV_TTL_EXPIRED]		= "ttl-expired",
	[JP_EV_PEER_CLOSED]		= "peer-closed",
	[JP_EV_OPERATOR_DELETE]		= "operator-delete",
	[JP_EV_ADOPTED]			= "adopted",
	[JP_EV_PEER_LOST]		= "peer-lost",
	[JP_EV_SUPERSEDED]		= "superseded",
	[JP_EV_TAKEN_OVER]		= "taken-over",
};
_Static_assert(ARRAY_SIZE(event_names) == __JP_EV_MAX, "event names");

const char *jp_event_name(enum jp_event ev)
{
	return (unsigned int)ev < ARRAY_SIZE(event_names) ?
	       event_names[ev] : NULL;
}

const struct jp_rule *jp_state_table(size_t *n)
{
	*n = ARRAY_SIZE(rules);
	return rules;
}

const struct jp_rule *jp_state_rule(enum jumping_state from, enum jp_event ev)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rules); i++)
		if (rules[i].from == from && rules[i].event == ev)
			return &rules[i];
	return NULL;
}

void jp_fsm_init(struct jp_fsm *fsm, uint64_t now_ms)
{
	memset(fsm, 0, sizeof(*fsm));
	fsm->state = JUMPING_STATE_BIRTH;
	fsm->last_reason = JUMPING_REASON_NONE;
	fsm->entered_ms = now_ms;
}

uint64_t jp_fsm_time_in_state(const struct jp_fsm *fsm, uint64_t now_ms)
{
	/* A clock that went backwards reads as "just entered". */
	return now_ms > fsm->entered_ms ? now_ms - fsm->entered_ms : 0;
}

const struct jp_binding_record *jp_fsm_history(const struct jp_fsm *fsm,
					       unsigned int i)
{
	if (i >= fsm->history_len)
		return NULL;
	return &fsm->history[(fsm->history_head + JP_BINDING_HISTORY - 1 - i) %
			     JP_BINDING_HISTORY];
}

static void record_binding(struct jp_fsm *fsm, const struct jp_binding *b,
			   enum jumping_reason reason, uint64_t now_ms)
{
	struct jp_binding_record *r = &fsm->history[fsm->history_head];

	r->binding = *b;
	r->reason = reason;
	r->at_ms = now_ms;
	fsm->history_head = (fsm->history_head + 1) % JP_BINDING_HISTORY;
	if (fsm->history_len < JP_BINDING_HISTORY)
		fsm->history_len++;
}

struct jp_transition jp_state_apply_bind(struct jp_fsm *fsm, enum jp_event ev,
					 const struct jp_binding *nb,
					 uint64_t now_ms)
{
	const struct jp_rule *rule = jp_state_rule(fsm->state, ev);
	struct jp_transition tr = {
		.old_state = fsm->state,
		.new_state = fsm->state,
		.old_binding = fsm->binding,
		.new_binding = fsm->binding,
		.time_in_old_ms = jp_fsm_time_in_state(fsm, now_ms),
	};

	/* Bindings change only through rules that bind, and those need one. */
	if (!rule || rule->binds != (nb != NULL) ||
	    (nb && !jp_binding_is_set(nb))) {
		tr.refused = true;
		fsm->refused++;
		return tr;
	}
	tr.new_state = rule->to;
	tr.reason = rule->reason;
	if (nb && !jp_binding_equal(nb, &fsm->binding)) {
		fsm->binding = *nb;
		tr.new_binding = *nb;
		record_binding(fsm, nb, rule->reason, now_ms);
	}
	if (rule->to != fsm->state) {
		fsm->state = rule->to;
		fsm->last_reason = rule->reason;
		fsm->entered_ms = now_ms;
	}
	tr.audit = rule->reason != JUMPING_REASON_NONE;
	return tr;
}

struct jp_transition jp_state_apply(struct jp_fsm *fsm, enum jp_event ev,
				    uint64_t now_ms)
{
	return jp_state_apply_bind(fsm, ev, NULL, now_ms);
}
