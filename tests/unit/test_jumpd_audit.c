// SPDX-License-Identifier: GPL-2.0
/* Audit lines: written, then parsed back with json-c and checked. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <json-c/json.h>
#include "audit.h"
#include "tap.h"

static const char *str(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

static int64_t num(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : -1;
}

int main(void)
{
	struct jp_binding a = { .family = AF_INET, .addr = { 192, 0, 2, 1 },
				.port = 1000 };
	struct jp_binding b = { .family = AF_INET6, .port = 2000,
				.addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };
	struct timespec wall = { .tv_sec = 1714557605, .tv_nsec = 600123456 };
	struct jp_fsm f;
	struct jp_transition tr;
	struct jp_audit_rec r;
	struct json_object *o;
	char *buf = NULL, *nl;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	jp_fsm_init(&f, 0);
	jp_state_apply_bind(&f, JP_EV_HANDSHAKE_DONE, &a, 100);
	jp_state_apply(&f, JP_EV_REATTACH_REQUESTED, 5500);
	tr = jp_state_apply_bind(&f, JP_EV_PATH_VALIDATED, &b, 5600);
	jp_audit_from_transition(&r, &tr, 0xabcd1234, "lap\"top\n\x01\xff", 5600,
				 wall);
	ok(!jp_audit_write(mem, &r), "write");
	fclose(mem);
	nl = strchr(buf, '\n');
	ok(nl && nl[1] == '\0', "exactly one line, newline-terminated");
	o = json_tokener_parse(buf);
	if (!ok(o != NULL, "the line is valid JSON")) {
		printf("#   %s", buf);
		return tap_done();
	}
	ok(num(o, "mono_ms") == 5600, "mono_ms");
	is_str(str(o, "wall"), "2024-05-01T10:00:05.600Z", "wall time, UTC, ms");
	ok(num(o, "session") == 0xabcd1234, "session id");
	is_str(str(o, "peer"), "lap\"top\n\x01\xef\xbf\xbd", "peer name escaped, round-trips");
	is_str(str(o, "event"), "transition", "event");
	is_str(str(o, "old"), "recovering", "old state name");
	is_str(str(o, "new"), "attached", "new state name");
	is_str(str(o, "reason"), "reattach-validated", "reason name");
	ok(num(o, "in_old_ms") == 100, "time in old state");
	is_str(str(o, "binding_before"), "192.0.2.1:1000", "binding before");
	is_str(str(o, "binding_after"), "[2001:db8::2]:2000", "binding after");
	json_object_put(o);
	free(buf);

	buf = NULL;
	mem = open_memstream(&buf, &len);
	memset(&r, 0, sizeof(r));
	r.event = "reattach-rejected";
	r.old_state = r.new_state = JUMPING_STATE_ATTACHED;
	r.reason = JUMPING_REASON_REATTACH_BAD_PROOF;
	r.after = a;
	jp_audit_write(mem, &r);
	fclose(mem);
	o = json_tokener_parse(buf);
	ok(o && !str(o, "peer"), "no peer: member left out");
	is_str(o ? str(o, "reason") : NULL, "reattach-bad-proof", "rejection reason");
	is_str(o ? str(o, "binding_before") : NULL, "none", "unset binding is none");
	json_object_put(o);
	free(buf);
	return tap_done();
}
