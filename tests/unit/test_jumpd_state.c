// SPDX-License-Identifier: GPL-2.0
/*
 * The session state machine: every allowed transition, every refused pair,
 * TERMINATED final, the binding ring, the timers, and docs/state-machine.md
 * against the code's table (argv[1] is the docs/ directory).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "jumping_names.h"
#include "state.h"
#include "timers.h"
#include "tap.h"

static struct jp_binding mk(uint8_t last, uint16_t port)
{
	struct jp_binding b = { .family = AF_INET, .port = port };

	b.addr[0] = 192; b.addr[1] = 0; b.addr[2] = 2; b.addr[3] = last;
	return b;
}

/* Put a fresh fsm into state s along allowed rules. */
static void drive(struct jp_fsm *f, enum jumping_state s)
{
	struct jp_binding b = mk(1, 1000);

	jp_fsm_init(f, 0);
	if (s == JUMPING_STATE_BIRTH)
		return;
	jp_state_apply_bind(f, JP_EV_HANDSHAKE_DONE, &b, 1);
	if (s == JUMPING_STATE_VOLATILE)
		jp_state_apply(f, JP_EV_RX_SILENCE, 2);
	if (s == JUMPING_STATE_DEGRADED)
		jp_state_apply(f, JP_EV_LOSS_HIGH, 2);
	if (s == JUMPING_STATE_RECOVERING)
		jp_state_apply(f, JP_EV_REATTACH_REQUESTED, 2);
	if (s == JUMPING_STATE_TERMINATED)
		jp_state_apply(f, JP_EV_OPERATOR_DELETE, 2);
}

static void test_all_pairs(void)
{
	unsigned int s, e, allowed = 0, refused_ok = 0, moved_ok = 0, pairs = 0;
	struct jp_binding nb = mk(9, 9000);
	char name[128];

	for (s = 0; s < __JUMPING_STATE_MAX; s++) {
		struct jp_fsm probe;

		drive(&probe, s);
		snprintf(name, sizeof(name), "drive reaches %s", state_name(s));
		ok(probe.state == s, name);
		for (e = 0; e < __JP_EV_MAX; e++) {
			const struct jp_rule *r = jp_state_rule(s, e);
			struct jp_fsm f = probe, before;
			struct jp_transition tr;

			pairs++;
			before = f;
			tr = jp_state_apply_bind(&f, e, r && r->binds ? &nb : NULL,
						 100);
			if (!r) {
				/* Refused: nothing but the counter moved. */
				before.refused++;
				if (tr.refused && !memcmp(&f, &before, sizeof(f)))
					refused_ok++;
				else
					printf("# %s x %s not refused\n",
					       state_name(s), jp_event_name(e));
				continue;
			}
			allowed++;
			if (!tr.refused && f.state == r->to &&
			    tr.old_state == s && tr.new_state == r->to &&
			    tr.reason == r->reason &&
			    (r->to == s || (f.last_reason == r->reason &&
					    f.entered_ms == 100)) &&
			    (!r->binds || jp_binding_equal(&f.binding, &nb)))
				moved_ok++;
			else
				printf("# %s x %s wrong\n", state_name(s),
				       jp_event_name(e));
		}
	}
	ok(pairs == __JUMPING_STATE_MAX * __JP_EV_MAX, "all state x event pairs tried");
	ok(moved_ok == allowed, "every allowed pair applies its rule");
	ok(refused_ok == pairs - allowed, "every other pair is refused, unchanged");
}

static void test_terminated_final(void)
{
	struct jp_fsm f;
	unsigned int e, stuck = 1;
	size_t n, i;
	const struct jp_rule *t = jp_state_table(&n);

	for (i = 0; i < n; i++)
		if (t[i].from == JUMPING_STATE_TERMINATED)
			stuck = 0;
	ok(stuck, "no rule leaves terminated");
	drive(&f, JUMPING_STATE_TERMINATED);
	for (e = 0; e < __JP_EV_MAX; e++) {
		struct jp_binding nb = mk(7, 7);

		jp_state_apply(&f, e, 50);
		jp_state_apply_bind(&f, e, &nb, 50);
	}
	ok(f.state == JUMPING_STATE_TERMINATED &&
	   f.refused == 2 * __JP_EV_MAX, "terminated refuses every event");
}

static void test_binding_rules(void)
{
	struct jp_fsm f;
	struct jp_binding b = mk(1, 1), c = mk(2, 2);
	struct jp_transition tr;

	jp_fsm_init(&f, 0);
	tr = jp_state_apply(&f, JP_EV_HANDSHAKE_DONE, 1);
	ok(tr.refused, "binding rule without a binding refused");
	jp_state_apply_bind(&f, JP_EV_HANDSHAKE_DONE, &b, 1);
	tr = jp_state_apply_bind(&f, JP_EV_AUTH_RX, &c, 2);
	ok(tr.refused && jp_binding_equal(&f.binding, &b),
	   "binding passed to a non-binding rule refused");
	tr = jp_state_apply(&f, JP_EV_AUTH_RX, 3);
	ok(!tr.refused && !tr.audit, "auth-rx while attached: kept, not audited");
}

static void test_scenario(void)
{
	struct jp_fsm f;
	struct jp_binding a = mk(1, 1000), b = mk(2, 2000);
	struct jp_transition tr;
	const struct jp_binding_record *r;
	char s1[JP_BINDING_STRLEN], s2[JP_BINDING_STRLEN];
	int i;

	jp_fsm_init(&f, 1000);
	jp_state_apply_bind(&f, JP_EV_HANDSHAKE_DONE, &a, 1100);
	jp_state_apply(&f, JP_EV_RX_SILENCE, 5000);
	tr = jp_state_apply(&f, JP_EV_REATTACH_REQUESTED, 5500);
	ok(tr.old_state == JUMPING_STATE_VOLATILE &&
	   tr.new_state == JUMPING_STATE_RECOVERING && tr.time_in_old_ms == 500,
	   "volatile -> recovering, 500 ms in volatile");
	tr = jp_state_apply_bind(&f, JP_EV_PATH_VALIDATED, &b, 5600);
	is_str(jp_binding_str(&tr.old_binding, s1), "192.0.2.1:1000",
	       "transition carries the binding before");
	is_str(jp_binding_str(&tr.new_binding, s2), "192.0.2.2:2000",
	       "and the binding after");
	ok(f.state == JUMPING_STATE_ATTACHED &&
	   f.last_reason == JUMPING_REASON_REATTACH_VALIDATED &&
	   jp_fsm_time_in_state(&f, 6600) == 1000, "attached again, time in state");
	r = jp_fsm_history(&f, 0);
	ok(r && jp_binding_equal(&r->binding, &b) &&
	   r->reason == JUMPING_REASON_REATTACH_VALIDATED && r->at_ms == 5600,
	   "history: newest is the validated binding");
	r = jp_fsm_history(&f, 1);
	ok(r && r->reason == JUMPING_REASON_HANDSHAKE_DONE, "history: then the first");
	ok(!jp_fsm_history(&f, 2), "history: nothing older");
	for (i = 0; i < 20; i++) {
		struct jp_binding x = mk(10, (uint16_t)(3000 + i));

		jp_state_apply_bind(&f, JP_EV_PATH_VALIDATED, &x, 7000 + i);
	}
	r = jp_fsm_history(&f, JP_BINDING_HISTORY - 1);
	ok(f.history_len == JP_BINDING_HISTORY && r && r->binding.port == 3012 &&
	   !jp_fsm_history(&f, JP_BINDING_HISTORY), "history ring keeps the last 8");
}

static void test_timers(void)
{
	struct jp_timing t = { .keepalive_ms = 1000, .volatile_after_ms = 3000,
			       .recovering_after_ms = 6000, .ttl_ms = 20000 };
	struct jp_fsm f;
	struct jp_binding b = mk(1, 1);
	uint64_t next;

	jp_fsm_init(&f, 0);
	ok(jp_timers_due(&f, &t, 0, 19999, &next) == JP_EV_NONE && next == 20000,
	   "birth: ttl deadline");
	ok(jp_timers_due(&f, &t, 0, 20000, &next) == JP_EV_TTL_EXPIRED,
	   "birth: ttl expired");
	jp_state_apply_bind(&f, JP_EV_HANDSHAKE_DONE, &b, 10);
	ok(jp_timers_due(&f, &t, 100, 3099, &next) == JP_EV_NONE && next == 3100,
	   "attached: volatile deadline");
	ok(jp_timers_due(&f, &t, 100, 3100, &next) == JP_EV_RX_SILENCE,
	   "attached: rx silence");
	jp_state_apply(&f, JP_EV_RX_SILENCE, 3100);
	ok(jp_timers_due(&f, &t, 100, 4000, &next) == JP_EV_NONE && next == 6100,
	   "volatile: recovering deadline");
	ok(jp_timers_due(&f, &t, 100, 6100, &next) == JP_EV_RX_SILENCE_LONG,
	   "volatile: long silence");
	jp_state_apply(&f, JP_EV_RX_SILENCE_LONG, 6100);
	ok(jp_timers_due(&f, &t, 100, 20100, &next) == JP_EV_TTL_EXPIRED,
	   "recovering: ttl expired");
	ok(!jp_keepalive_due(&t, 500, 1499, &next) && next == 1500 &&
	   jp_keepalive_due(&t, 500, 1500, &next), "keepalive due after idle");
}

/* Parse the doc's table rows and compare them, both ways, with the code. */
static int state_by_name(const char *s)
{
	unsigned int i;

	for (i = 0; i < __JUMPING_STATE_MAX; i++)
		if (!strcmp(state_name(i), s))
			return (int)i;
	return -1;
}

static int event_by_name(const char *s)
{
	unsigned int i;

	for (i = 0; i < __JP_EV_MAX; i++)
		if (!strcmp(jp_event_name(i), s))
			return (int)i;
	return -1;
}

static void test_doc(const char *path)
{
	FILE *fp = fopen(path, "r");
	char line[512], from[32], ev[32], to[32], why[48], binds[8];
	size_t n, matched = 0, rows = 0, i;
	const struct jp_rule *t = jp_state_table(&n);
	int in = 0, bad = 0;

	if (!ok(fp != NULL, "state-machine.md opened")) {
		printf("#   %s\n", path);
		return;
	}
	while (fgets(line, sizeof(line), fp)) {
		const struct jp_rule *r;
		int f, e;

		if (strstr(line, "<!-- transitions:begin -->"))
			in = 1;
		if (strstr(line, "<!-- transitions:end -->"))
			in = 0;
		if (!in || sscanf(line, "| %31s | %31s | %31s | %47s | %7s |",
				  from, ev, to, why, binds) != 5 ||
		    !strcmp(from, "From") || from[0] == '-')
			continue;
		rows++;
		f = state_by_name(from);
		e = event_by_name(ev);
		r = f < 0 || e < 0 ? NULL : jp_state_rule(f, e);
		if (r && !strcmp(state_name(r->to), to) &&
		    !strcmp(reason_name(r->reason), why) &&
		    !strcmp(binds, r->binds ? "yes" : "no")) {
			matched++;
		} else {
			bad = 1;
			printf("# doc row not in code: %s", line);
		}
	}
	fclose(fp);
	ok(rows == n, "doc lists as many transitions as the code");
	ok(!bad && matched == n, "every doc row is the code's rule");
	for (i = 0; i < n; i++)
		if (!jp_event_name(t[i].event) || !reason_name(t[i].reason))
			bad = 1;
	ok(!bad, "every rule has named event and reason");
}

int main(int argc, char **argv)
{
	char doc[4096];

	test_all_pairs();
	test_terminated_final();
	test_binding_rules();
	test_scenario();
	test_timers();
	snprintf(doc, sizeof(doc), "%s/state-machine.md",
		 argc > 1 ? argv[1] : "../../docs");
	test_doc(doc);
	return tap_done();
}
