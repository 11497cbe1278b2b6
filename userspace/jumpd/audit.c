// SPDX-License-Identifier: GPL-2.0
/* JSON-lines audit records (audit.h). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include "audit.h"
#include "jumping_json.h"
#include "jumping_names.h"

void jp_audit_from_transition(struct jp_audit_rec *r,
			      const struct jp_transition *tr,
			      uint32_t session_id, const char *peer,
			      uint64_t mono_ms, struct timespec wall)
{
	memset(r, 0, sizeof(*r));
	r->mono_ms = mono_ms;
	r->wall = wall;
	r->session_id = session_id;
	r->peer = peer;
	r->event = "transition";
	r->old_state = tr->old_state;
	r->new_state = tr->new_state;
	r->reason = tr->reason;
	r->in_old_ms = tr->time_in_old_ms;
	r->before = tr->old_binding;
	r->after = tr->new_binding;
}

/* A key and a string value; NULL names (unknown values) print "unknown". */
static void member(FILE *f, const char *key, const char *val)
{
	fprintf(f, ",\"%s\":", key);
	json_write_string(f, val ? val : "unknown");
}

int jp_audit_write(FILE *f, const struct jp_audit_rec *r)
{
	char wall[40], b1[JP_BINDING_STRLEN], b2[JP_BINDING_STRLEN];
	struct tm tm;

	/* RFC 3339 in UTC with milliseconds: sorts and parses everywhere. */
	if (!gmtime_r(&r->wall.tv_sec, &tm) ||
	    !strftime(wall, sizeof(wall), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(wall, sizeof(wall), "invalid");
	fprintf(f, "{\"mono_ms\":%" PRIu64 ",\"wall\":\"%s.%03ldZ\"",
		r->mono_ms, wall, r->wall.tv_nsec / 1000000);
	fprintf(f, ",\"session\":%" PRIu32, r->session_id);
	if (r->peer)
		member(f, "peer", r->peer);
	member(f, "event", r->event);
	member(f, "old", state_name(r->old_state));
	member(f, "new", state_name(r->new_state));
	member(f, "reason", reason_name(r->reason));
	fprintf(f, ",\"in_old_ms\":%" PRIu64, r->in_old_ms);
	member(f, "binding_before", jp_binding_str(&r->before, b1));
	member(f, "binding_after", jp_binding_str(&r->after, b2));
	if (r->count)
		fprintf(f, ",\"count\":%" PRIu64, r->count);
	if (r->extra)
		fputs(r->extra, f);
	fputs("}\n", f);
	if (fflush(f) || ferror(f))
		return -EIO;
	return 0;
}
