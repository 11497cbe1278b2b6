/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The audit log: one JSON object per line, one line per state transition
 * or reattach decision, e.g.
 *   {"mono_ms":5600,"wall":"2024-05-01T10:00:05.600Z","session":2882343476,
 *    "peer":"laptop","event":"transition","old":"recovering",
 *    "new":"attached","reason":"reattach-validated","in_old_ms":100,
 *    "binding_before":"192.0.2.1:1000","binding_after":"192.0.2.2:2000"}
 * State and reason names come from userspace/lib/jumping_names.c. A line
 * that stands for several events of one kind (rejections anyone can cause,
 * summed per interval) has "count":N.
 */
#ifndef JUMPD_AUDIT_H
#define JUMPD_AUDIT_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <linux/jumping.h>
#include "binding.h"
#include "state.h"

struct jp_audit_rec {
	uint64_t mono_ms;
	struct timespec wall;		/* CLOCK_REALTIME */
	uint32_t session_id;
	const char *peer;		/* config Name, may be NULL */
	const char *event;		/* "transition", "reattach-rejected" */
	enum jumping_state old_state, new_state;
	enum jumping_reason reason;
	uint64_t in_old_ms;
	struct jp_binding before, after;
	uint64_t count;			/* events this line stands for; 0: 1 */
	/* More members, already JSON (",\"k\":v..."), or NULL: a move's
	 * path tables. The writer does not check them. */
	const char *extra;
};

/* A "transition" record from what jp_state_apply returned. */
void jp_audit_from_transition(struct jp_audit_rec *r,
			      const struct jp_transition *tr,
			      uint32_t session_id, const char *peer,
			      uint64_t mono_ms, struct timespec wall);

/* Writes one line and flushes it; 0 or -EIO. */
int jp_audit_write(FILE *f, const struct jp_audit_rec *r);

#endif /* JUMPD_AUDIT_H */
