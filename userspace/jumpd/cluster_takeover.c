// SPDX-License-Identifier: GPL-2.0
/* The takeover decision on a REATTACH for an unknown session
 * (cluster_takeover.h). */
#include <stdio.h>
#include <string.h>
#include "cluster_takeover.h"

static enum jd_takeover_decision refuse(struct jd_takeover_verdict *v,
					const char *detail)
{
	v->decision = JD_TAKEOVER_REFUSE;
	v->reason = JUMPING_REASON_TAKEOVER_REFUSED;
	snprintf(v->detail, sizeof(v->detail), "%s", detail);
	return v->decision;
}

/*
 * "<what>: <node>", or just <what> without a name. The name is another
 * gateway's word, bounded and kept to printable ASCII so an audit line
 * stays one short line whatever it holds.
 */
static enum jd_takeover_decision refuse_naming(struct jd_takeover_verdict *v,
					       const char *what, const char *sep,
					       const char *node)
{
	size_t len, i;

	refuse(v, what);
	if (!node || !*node)
		return v->decision;
	len = strlen(v->detail);
	snprintf(v->detail + len, sizeof(v->detail) - len, "%s%.*s", sep,
		 JD_TAKEOVER_NODE_SHOWN, node);
	for (i = len + strlen(sep); v->detail[i]; i++)
		if ((unsigned char)v->detail[i] < 0x21 ||
		    (unsigned char)v->detail[i] > 0x7e)
			v->detail[i] = '?';
	return v->decision;
}

enum jd_takeover_decision jd_takeover_decide(const struct jd_takeover_facts *f,
					     struct jd_takeover_verdict *v)
{
	if (f->owner_present)
		return refuse_naming(v, "owner alive", ": ", f->owner_node);
	if (f->record == JD_TAKEOVER_RECORD_ABSENT)
		return refuse(v, "no record");
	if (f->record != JD_TAKEOVER_RECORD_OPENED)
		return refuse(v, "record does not open");
	/* An older genuine record put back in etcd: refuse what we know is
	 * stale (its REATTACH key or counter floor may be). */
	if (f->record_version < f->seen_version)
		return refuse(v, "record older than seen");
	if (!f->peer_known)
		return refuse(v, "unknown peer");
	if (f->orphan)
		goto try_create;
	if (!f->proof_valid)
		return refuse(v, "bad proof");
	/* Not above the floor: the owner would have called it replayed. */
	if (f->request_counter <= f->counter_floor)
		return refuse(v, "replayed counter");
try_create:
	v->decision = JD_TAKEOVER_TRY_CREATE;
	v->reason = JUMPING_REASON_NONE;
	v->detail[0] = '\0';
	return v->decision;
}

enum jd_takeover_decision jd_takeover_created(struct jd_takeover_verdict *v,
					      bool won, const char *holder)
{
	if (v->decision != JD_TAKEOVER_TRY_CREATE)
		return v->decision;
	if (!won)
		return refuse_naming(v, "lost the create", " to ", holder);
	v->decision = JD_TAKEOVER_TAKE;
	v->reason = JUMPING_REASON_GATEWAY_TAKEOVER;
	snprintf(v->detail, sizeof(v->detail), "won the create");
	return v->decision;
}

const char *jd_takeover_decision_name(enum jd_takeover_decision d)
{
	switch (d) {
	case JD_TAKEOVER_REFUSE:
		return "refuse";
	case JD_TAKEOVER_TRY_CREATE:
		return "try-create";
	case JD_TAKEOVER_TAKE:
		return "take";
	}
	return "?";
}
