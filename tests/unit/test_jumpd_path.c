// SPDX-License-Identifier: GPL-2.0
/*
 * Multipath's pure logic (issue 12): the per-path estimator and loss
 * window (path_stats.c), the policy's decisions (path_policy.c), and
 * simulated timelines: a blackhole of the active path under the defaults
 * at 20 ms and 250 ms RTT, a one-way stream, a flapping path, fail-back.
 */
#include <inttypes.h>
#include <stdio.h>
#include "path_policy.h"
#include "path_stats.h"
#include "tap.h"

#define MS JP_MS
#define S (1000 * JP_MS)
#define T0 (100 * S)		/* 0 is never a time: start somewhere */

static struct jp_path_params pp;

/* ---- estimator ------------------------------------------------------ */

static uint32_t send_echo(struct jp_path_stats *st, uint64_t t, uint64_t rtt)
{
	uint32_t seq = jp_path_probe_sent(st, t);

	jp_path_echo(st, &pp, seq, t + rtt);
	return seq;
}

static void test_rtt(void)
{
	struct jp_path_stats st;
	int k;

	jp_path_init(&st, 7);
	ok(jp_path_rto(&st, &pp) == 1000 * MS, "no sample: the initial 1 s timeout");
	send_echo(&st, T0, 100 * MS);
	ok(st.srtt_us == 100000 && st.rttvar_us == 50000,
	   "first sample 100 ms: srtt 100000, rttvar 50000 us");
	send_echo(&st, T0 + S, 200 * MS);
	ok(st.srtt_us == 112500 && st.rttvar_us == 62500,
	   "then 200 ms: rttvar (3*50000+100000)/4 = 62500, srtt (7*100000+200000)/8 = 112500");
	send_echo(&st, T0 + 2 * S, 50 * MS);
	ok(st.srtt_us == 104687 && st.rttvar_us == 62500,
	   "then 50 ms: rttvar (3*62500+62500)/4 = 62500, srtt 837500/8 truncated = 104687");
	ok(jp_path_rto(&st, &pp) == 104687 + 250000,
	   "timeout: srtt + 4 rttvar = 354687 us");
	ok(jp_path_base_rtt(&st) == 0, "three samples: no base RTT yet");
	send_echo(&st, T0 + 3 * S, 50 * MS);
	ok(jp_path_base_rtt(&st) == st.srtt_us && st.srtt_us == 97851,
	   "the fourth: the base is the smoothed RTT (97851 us), not the 50 ms sample");

	jp_path_init(&st, 0);
	for (int i = 0; i < 60; i++)
		send_echo(&st, T0 + (uint64_t)i * 100 * MS, 5 * MS);
	ok(st.srtt_us == 5000 && st.rttvar_us < 250,
	   "a steady 5 ms path: srtt 5 ms, rttvar decays towards 0");
	ok(jp_path_rto(&st, &pp) == 30 * MS,
	   "its timeout is the 30 ms floor (srtt + the 10 ms rttvar floor is 15)");

	jp_path_init(&st, 0);
	send_echo(&st, T0, 3 * S);
	ok(jp_path_rto(&st, &pp) == 2 * S, "a 3 s sample: the timeout is capped at 2 s");

	/* The base RTT forgets samples two epochs (30 s each) old. */
	jp_path_init(&st, 0);
	for (k = 0; k < 4; k++)
		send_echo(&st, T0 + k * MS, 20 * MS);
	for (k = 0; k < 16; k++)
		send_echo(&st, T0 + 31 * S + k * MS, 200 * MS);
	ok(jp_path_base_rtt(&st) == 20 * MS, "31 s later: the 20 ms one is still the base");
	for (k = 0; k < 16; k++)
		send_echo(&st, T0 + 62 * S + k * MS, 200 * MS);
	ok(jp_path_base_rtt(&st) > 40 * MS,
	   "62 s later: the 20 ms epoch is forgotten");
	for (k = 0; k < 16; k++)
		send_echo(&st, T0 + 93 * S + k * MS, 200 * MS);
	ok(jp_path_base_rtt(&st) > 150 * MS,
	   "93 s later: the base has moved up with the path");

	/* A reordering path: a quarter of its samples far under the rest. */
	jp_path_init(&st, 0);
	for (k = 0; k < 32; k++)
		send_echo(&st, T0 + k * 100 * MS, k % 4 ? 250 * MS : 20 * MS);
	ok(jp_path_base_rtt(&st) > 60 * MS,
	   "reordering: the base is well above the fast few (20 ms)");
}

static void test_loss_window(void)
{
	struct jp_path_stats st;
	unsigned int settled, pm, i;
	uint32_t seq[40];
	uint64_t t = T0;

	/* Sequence numbers wrap past 2^32 inside the window. */
	jp_path_init(&st, 0xfffffff0u);
	for (i = 0; i < 40; i++, t += 100 * MS) {
		seq[i] = jp_path_probe_sent(&st, t);
		if (i % 4)	/* every 4th unanswered */
			jp_path_echo(&st, &pp, seq[i], t + 20 * MS);
	}
	ok(seq[16] == 0 && seq[15] == 0xffffffffu, "sequence numbers wrapped");
	jp_path_update(&st, &pp, t + S);
	pm = jp_path_loss_permille(&st, 16, &settled);
	ok(settled == 16 && pm == 250, "newest 16 across the wrap: 4 lost = 250 permille");
	pm = jp_path_loss_permille(&st, JP_PATH_WINDOW, &settled);
	ok(settled == 32 && pm == 250, "whole window of 32: 8 lost");

	ok(jp_path_echo(&st, &pp, seq[39], t + S) == JP_ECHO_DUPLICATE,
	   "a second echo for an answered probe is a duplicate");
	ok(jp_path_echo(&st, &pp, seq[39] + 1, t + S) == JP_ECHO_UNKNOWN,
	   "an echo for the next, never sent, number is unknown");
	ok(jp_path_echo(&st, &pp, seq[39] + 1000, t + S) == JP_ECHO_UNKNOWN,
	   "and one far ahead");
	ok(jp_path_echo(&st, &pp, seq[4], t + S) == JP_ECHO_UNKNOWN,
	   "an echo for a probe that left the window (35 back) is unknown");
	pm = jp_path_loss_permille(&st, JP_PATH_WINDOW, &settled);
	ok(pm == 250 && st.duplicates == 1 && st.unknown == 3,
	   "none of them changed the window; each is counted");

	/* A late echo turns a loss back into an answer and is a sample. */
	jp_path_init(&st, 5);
	for (i = 0; i < 10; i++, t += 100 * MS)
		send_echo(&st, t, 20 * MS);
	seq[0] = jp_path_probe_sent(&st, t);
	jp_path_update(&st, &pp, t + jp_path_rto(&st, &pp));
	pm = jp_path_loss_permille(&st, 16, &settled);
	ok(pm == 90 && settled == 11, "unanswered past its timeout: lost (1 of 11)");
	ok(jp_path_echo(&st, &pp, seq[0], t + 400 * MS) == JP_ECHO_LATE,
	   "its echo 400 ms later is late");
	pm = jp_path_loss_permille(&st, 16, &settled);
	ok(pm == 0 && st.late == 1, "and the loss is gone");
	ok(st.last_rtt_us == 400 * MS && st.srtt_us > 20 * MS,
	   "the late echo is an RTT sample of 400 ms (a probe is never resent)");
	ok(jp_path_echo(&st, &pp, seq[0], t + 500 * MS) == JP_ECHO_DUPLICATE,
	   "a second copy of it is a duplicate");

	/* Pending probes are not counted either way. */
	jp_path_init(&st, 0);
	jp_path_probe_sent(&st, t);
	jp_path_update(&st, &pp, t + 10 * MS);
	pm = jp_path_loss_permille(&st, 16, &settled);
	ok(settled == 0 && pm == 0, "a probe in flight counts as neither");
	ok(jp_path_echo(&st, &pp, 0xffffffffu, t + 11 * MS) == JP_ECHO_UNKNOWN,
	   "an echo for the number before the first probe is unknown");
}

static void test_validation(void)
{
	struct jp_path_stats st;
	uint64_t t = T0;

	jp_path_init(&st, 0);
	jp_path_update(&st, &pp, t);
	ok(st.state == JP_PATH_PROBING, "a new path is probing");
	send_echo(&st, t, 20 * MS);
	ok(st.state == JP_PATH_VALIDATED, "an echo validates it");
	jp_path_update(&st, &pp, t + 20 * MS + pp.valid_for_us);
	ok(st.state == JP_PATH_VALIDATED, "still validated valid_for (5 s) after the echo");
	jp_path_update(&st, &pp, t + 20 * MS + pp.valid_for_us + 1);
	ok(st.state == JP_PATH_PROBING, "1 us later the validation has expired");

	send_echo(&st, t + 6 * S, 20 * MS);
	jp_path_probe_sent(&st, t + 7 * S);
	jp_path_probe_sent(&st, t + 8 * S);
	jp_path_update(&st, &pp, t + 8 * S + 100 * MS);
	ok(st.state == JP_PATH_VALIDATED && st.lost_in_row == 2,
	   "two probes lost: still validated");
	jp_path_probe_sent(&st, t + 9 * S);
	jp_path_update(&st, &pp, t + 9 * S + 100 * MS);
	is_str(jp_path_state_name(st.state), "failed",
	       "three in a row lost: failed, although the echo is 3 s old");
	send_echo(&st, t + 10 * S, 20 * MS);
	ok(st.state == JP_PATH_VALIDATED && !st.lost_in_row,
	   "the next echo validates it again");

	jp_path_heard(&st, t + 11 * S);
	jp_path_sent(&st, t + 12 * S);
	jp_path_sent(&st, t + 13 * S);
	ok(st.unheard_tx_since_us == t + 12 * S,
	   "sending without hearing: the first send is remembered");
	jp_path_heard(&st, t + 14 * S);
	ok(!st.unheard_tx_since_us && st.last_heard_us == t + 14 * S,
	   "rx on the path clears it");
}

/* ---- policy, path by path ------------------------------------------- */

/*
 * Probes on st every 100 ms from `from`, one per character of pattern:
 * 'a' answered after rtt, 'l' never. Returns the time after the last.
 */
static uint64_t feed(struct jp_path_stats *st, uint64_t from, uint64_t rtt,
		     const char *pattern)
{
	for (; *pattern; pattern++, from += 100 * MS) {
		uint32_t seq = jp_path_probe_sent(st, from);

		if (*pattern == 'a')
			jp_path_echo(st, &pp, seq, from + rtt);
		/* our side hears the path whenever it answers */
	}
	return from;
}

/* A path left for failure is FAILED at once, and until it answers. */
static void test_failed_by_caller(void)
{
	struct jp_path_stats st;
	uint64_t t;
	uint32_t seq;

	jp_path_init(&st, 7);
	t = feed(&st, T0, 20 * MS, "aaaa");
	jp_path_update(&st, &pp, t);
	ok(st.state == JP_PATH_VALIDATED, "answering: validated");
	jp_path_failed(&st, &pp);
	jp_path_update(&st, &pp, t + MS);
	ok(st.state == JP_PATH_FAILED,
	   "left for failure: failed, although its last echo is 80 ms old");
	seq = jp_path_probe_sent(&st, t + 2 * MS);
	jp_path_update(&st, &pp, t + 3 * MS);
	ok(st.state == JP_PATH_FAILED, "a probe pending: still failed");
	jp_path_echo(&st, &pp, seq, t + 22 * MS);
	jp_path_update(&st, &pp, t + 23 * MS);
	ok(st.state == JP_PATH_VALIDATED, "its echo: validated again");
}

/*
 * A gateway that did not serve the session answered none of its probes;
 * once it asks the client over, they are forgotten: no loss, no failure.
 */
static void test_forget_probes(void)
{
	struct jp_path_stats st;
	unsigned int settled, loss;
	uint64_t t;
	uint32_t seq;

	jp_path_init(&st, 0xfffffff0);	/* the numbers wrap on the way */
	t = feed(&st, T0, 20 * MS, "aa");
	seq = jp_path_probe_sent(&st, t);
	t = feed(&st, t + 100 * MS, 20 * MS, "llllll");
	jp_path_update(&st, &pp, t + 5 * S);
	ok(st.state == JP_PATH_FAILED, "unanswered: failed");
	jp_path_forget_probes(&st);
	jp_path_update(&st, &pp, t + 5 * S);
	loss = jp_path_loss_permille(&st, JP_PATH_WINDOW, &settled);
	ok(st.state == JP_PATH_PROBING && !st.lost_in_row && !settled &&
	   !loss, "forgotten: probing, nothing settled, no loss");
	ok(st.have_rtt && st.srtt_us == 20 * MS, "the RTT estimate stays");
	ok(jp_path_echo(&st, &pp, seq, t + 5 * S) == JP_ECHO_UNKNOWN,
	   "a late echo of a forgotten probe is unknown");
	t = feed(&st, t + 6 * S, 20 * MS, "aaal");
	jp_path_update(&st, &pp, t + S);
	loss = jp_path_loss_permille(&st, JP_PATH_WINDOW, &settled);
	ok(st.state == JP_PATH_VALIDATED && settled == 4 && loss == 250,
	   "new probes count from there: 1 lost of 4");
}

struct two {
	struct jp_path_stats st[3];
	struct jp_policy_path p[3];
	struct jp_policy pol;
};

/* Path 0 preferred, path 1 second, path 2 third; all usable. */
static void two_init(struct two *w, unsigned int n)
{
	unsigned int i;

	jp_policy_init(&w->pol);
	for (i = 0; i < n; i++) {
		jp_path_init(&w->st[i], 100 * i);
		w->p[i].st = &w->st[i];
		w->p[i].pref = i;
		w->p[i].usable = true;
		w->p[i].healthy_since_us = 0;
	}
}

#define A32 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static struct jp_decision decide(struct two *w, unsigned int n,
				 unsigned int active, enum jumping_state s,
				 bool budget, uint64_t now)
{
	return jp_policy_decide(&w->pol, w->p, n, active, s, budget, now);
}

/* Both paths answered well; since t, two probes on path 0 went out. */
static uint64_t two_probes_out(struct two *w)
{
	uint64_t t;

	two_init(w, 2);
	feed(&w->st[1], T0, 20 * MS, A32);
	t = feed(&w->st[0], T0, 20 * MS, A32);
	jp_path_heard(&w->st[0], t);
	jp_path_probe_sent(&w->st[0], t + 1 * MS);
	jp_path_probe_sent(&w->st[0], t + 2 * MS);
	return t;
}

static void test_policy_quality(void)
{
	struct two w;
	struct jp_decision d;
	uint64_t t;

	/* Loss: 1 in 3 on the active path, the standby clean. */
	two_init(&w, 2);
	feed(&w.st[1], T0, 20 * MS, "aaaaaaaaaaaaaaaa");
	t = feed(&w.st[0], T0, 20 * MS, "laalaalaalaalaalaa");
	d = decide(&w, 2, 0, JUMPING_STATE_ATTACHED, true, t + S);
	ok(d.action == JP_PD_DEGRADED && d.reason == JP_PR_LOSS_HIGH,
	   "a third of the probes lost: DEGRADED, loss-high");
	ok(jp_pd_reason_uapi(d.reason) == JUMPING_REASON_LOSS_HIGH,
	   "which is the uapi's loss-high");
	d = decide(&w, 2, 0, JUMPING_STATE_DEGRADED, true, t + S);
	ok(d.action == JP_PD_MOVE && d.to == 1 && d.validated &&
	   d.reason == JP_PR_LOSS_HIGH,
	   "degraded, a clean validated standby: move there (loss-high)");
	d = decide(&w, 2, 0, JUMPING_STATE_DEGRADED, false, t + S);
	ok(d.action == JP_PD_STAY && d.held == JP_HELD_BUDGET &&
	   d.held_reason == JP_PR_LOSS_HIGH,
	   "the same with ReattachMaxPerWindow spent: stay, held by the budget");
	w.pol.last_move_us = t;
	d = decide(&w, 2, 0, JUMPING_STATE_DEGRADED, true, t + S);
	ok(d.action == JP_PD_STAY && d.held == JP_HELD_HOLD_DOWN &&
	   d.next_us <= t + w.pol.p.hold_down_us,
	   "1 s after a move: held by the 5 s hold-down, ask again when it ends");
	d = decide(&w, 2, 0, JUMPING_STATE_DEGRADED, true,
		   t + w.pol.p.hold_down_us);
	ok(d.action == JP_PD_STAY && d.held == JP_HELD_NO_PATH,
	   "at its end the standby's validation has expired: nowhere to go");
	w.pol.last_move_us = 0;

	/* Hysteresis: 1 in 10 is between leave (5%) and enter (20%). */
	two_init(&w, 1);
	t = feed(&w.st[0], T0, 20 * MS, "laaaaaaaaalaaaaaaaaa");
	d = decide(&w, 1, 0, JUMPING_STATE_ATTACHED, true, t + S);
	ok(d.action == JP_PD_STAY, "10% loss while attached: stays attached");
	d = decide(&w, 1, 0, JUMPING_STATE_DEGRADED, true, t + S);
	ok(d.action == JP_PD_STAY && d.held == JP_HELD_NO_PATH,
	   "10% loss while degraded: stays degraded");
	t = feed(&w.st[0], t + S, 20 * MS, "aaaaaaaaaaaaaaaa");
	d = decide(&w, 1, 0, JUMPING_STATE_DEGRADED, true, t + S);
	ok(d.action == JP_PD_RECOVERED && d.reason == JP_PR_LOSS_NORMAL,
	   "16 answered in a row: back to ATTACHED, loss-recovered");
	ok(jp_pd_reason_uapi(d.reason) == JUMPING_REASON_LOSS_RECOVERED,
	   "which is the uapi's loss-recovered");
	two_init(&w, 1);
	t = feed(&w.st[0], T0, 20 * MS, "aaalaaa");
	d = decide(&w, 1, 0, JUMPING_STATE_ATTACHED, true, t + S);
	ok(d.action == JP_PD_STAY,
	   "1 of 7 lost: too few outcomes (10) to call the path lossy");

	/* RTT: 20 ms base, then 200 ms, with the standby at 20 ms. */
	two_init(&w, 2);
	feed(&w.st[1], T0, 20 * MS, A32);
	t = feed(&w.st[0], T0, 20 * MS, "aaaaaaaaaaaaaaaa");
	t = feed(&w.st[0], t, 200 * MS, "aa");
	d = decide(&w, 2, 0, JUMPING_STATE_ATTACHED, true, t + S);
	ok(d.action == JP_PD_STAY && w.st[0].srtt_us < 80 * MS,
	   "two 200 ms samples: srtt still under 4x the base, attached");
	t = feed(&w.st[0], t + S, 200 * MS, "aaaaa");
	d = decide(&w, 2, 0, JUMPING_STATE_ATTACHED, true, t + S);
	ok(d.action == JP_PD_DEGRADED && d.reason == JP_PR_RTT_HIGH,
	   "seven: srtt past 4x base and base + 100 ms: DEGRADED, rtt-high");
	ok(jp_pd_reason_uapi(d.reason) == JUMPING_REASON_RTT_HIGH,
	   "which is the uapi's rtt-high");
	d = decide(&w, 2, 0, JUMPING_STATE_DEGRADED, true, t + S);
	ok(d.action == JP_PD_MOVE && d.to == 1 && d.reason == JP_PR_RTT_HIGH,
	   "the standby at 20 ms is clearly faster: move (rtt-high)");
	w.st[1].srtt_us = w.st[0].srtt_us * 6 / 10;
	d = decide(&w, 2, 0, JUMPING_STATE_DEGRADED, true, t + S);
	ok(d.action == JP_PD_STAY && d.held == JP_HELD_NO_PATH,
	   "a standby only 40% faster is not clearly better: stay");
	t = feed(&w.st[0], t + S, 20 * MS, "aaaaa");
	d = decide(&w, 2, 0, JUMPING_STATE_DEGRADED, true, t + S);
	ok(d.action == JP_PD_STAY && w.st[0].srtt_us >= 70 * MS,
	   "RTT falling but srtt not yet under 2x base or base + 50 ms: still degraded");
	t = feed(&w.st[0], t + S, 20 * MS, "aaaaaaaaaa");
	d = decide(&w, 2, 0, JUMPING_STATE_DEGRADED, true, t + S);
	ok(d.action == JP_PD_RECOVERED && d.reason == JP_PR_RTT_NORMAL,
	   "srtt back near the base: ATTACHED, rtt-recovered");
}

static void test_policy_failure(void)
{
	struct two w;
	struct jp_decision d;
	uint64_t t;

	/* Address gone: at once, no hold-down, to the validated standby. */
	two_init(&w, 3);
	feed(&w.st[2], T0, 20 * MS, A32);
	feed(&w.st[1], T0, 20 * MS, "aaaa");
	t = feed(&w.st[0], T0, 20 * MS, A32);
	w.st[1].last_answer_us = 0;	/* path 1: never answered */
	w.st[1].answers = 0;
	w.p[0].usable = false;
	w.pol.last_move_us = t;
	d = decide(&w, 3, 0, JUMPING_STATE_ATTACHED, true, t + 100 * MS);
	ok(d.action == JP_PD_MOVE && d.to == 2 && d.validated &&
	   d.reason == JP_PR_ACTIVE_GONE,
	   "active address gone: move at once, hold-down or not, to the validated path (not the preferred unvalidated one)");
	is_str(jp_pd_reason_name(d.reason), "path-gone", "reason path-gone");
	d = decide(&w, 3, 0, JUMPING_STATE_ATTACHED, false, t + 100 * MS);
	ok(d.action == JP_PD_STAY && d.held == JP_HELD_BUDGET,
	   "but not past the switch budget");
	w.p[2].usable = false;
	d = decide(&w, 3, 0, JUMPING_STATE_ATTACHED, true, t + 100 * MS);
	ok(d.action == JP_PD_MOVE && d.to == 1 && !d.validated,
	   "no validated path: the unvalidated one, with a challenge");
	w.st[1].lost_in_row = 3;
	d = decide(&w, 3, 0, JUMPING_STATE_ATTACHED, true, t + 100 * MS);
	ok(d.action == JP_PD_STAY && d.held == JP_HELD_NO_PATH,
	   "and no path at all when it failed too");

	/* Gone, and the only standby loses a third of its probes: stay. */
	two_init(&w, 2);
	feed(&w.st[1], T0, 20 * MS, "aalaalaalaalaalaaa");
	t = feed(&w.st[0], T0, 20 * MS, A32);
	w.p[0].usable = false;
	d = decide(&w, 2, 0, JUMPING_STATE_ATTACHED, true, t + 100 * MS);
	ok(d.action == JP_PD_STAY && d.held == JP_HELD_NO_PATH,
	   "a standby losing 1 in 3: no fast move to it (VolatileAfter's mover remains)");
	feed(&w.st[1], t, 20 * MS, "aaaaaaaaaaaaaaaa");
	d = decide(&w, 2, 0, JUMPING_STATE_ATTACHED, true, t + 1700 * MS);
	ok(d.action == JP_PD_MOVE && d.to == 1 && d.validated,
	   "once it answers well again: moved to");

	/* Silence while sending: probe, then fail. */
	two_init(&w, 2);
	feed(&w.st[1], T0, 20 * MS, A32);
	t = feed(&w.st[0], T0, 20 * MS, A32);
	jp_path_heard(&w.st[0], t);
	jp_path_sent(&w.st[0], t + 1 * MS);
	d = decide(&w, 2, 0, JUMPING_STATE_ATTACHED, true, t + 20 * MS);
	ok(d.action == JP_PD_STAY && d.next_us == t + 1 * MS + jp_path_rto(&w.st[0], &pp),
	   "19 ms of sending without rx: nothing yet, ask again at one RTO");
	d = decide(&w, 2, 0, JUMPING_STATE_ATTACHED, true, d.next_us);
	ok(d.action == JP_PD_PROBE && d.to == 0 && d.reason == JP_PR_SUSPECT,
	   "one RTO: probe the active path");
	jp_path_probe_sent(&w.st[0], t + 31 * MS);
	d = decide(&w, 2, 0, JUMPING_STATE_ATTACHED, true, t + 31 * MS);
	ok(d.action == JP_PD_PROBE, "and a second probe: two must be lost to fail it");
	jp_path_probe_sent(&w.st[0], t + 31 * MS);
	d = decide(&w, 2, 0, JUMPING_STATE_ATTACHED, true, t + 31 * MS);
	ok(d.action == JP_PD_STAY, "two in flight: wait");
	d = decide(&w, 2, 0, JUMPING_STATE_ATTACHED, true, t + 70 * MS);
	ok(d.action == JP_PD_STAY && d.next_us == t + 81 * MS,
	   "both lost, 69 ms of silence: wait for the 80 ms floor");
	d = decide(&w, 2, 0, JUMPING_STATE_ATTACHED, true, t + 81 * MS);
	ok(d.action == JP_PD_MOVE && d.to == 1 && d.validated &&
	   d.reason == JP_PR_ACTIVE_FAILED,
	   "80 ms of silence, two probes lost: move to the standby");
	is_str(jp_pd_reason_name(d.reason), "rx-silence", "reason rx-silence");
	ok(jp_pd_reason_uapi(d.reason) == JUMPING_REASON_RX_SILENCE,
	   "which is the uapi's rx-silence");
	d = decide(&w, 2, 0, JUMPING_STATE_RECOVERING, true, t + 81 * MS);
	ok(d.action == JP_PD_STAY && d.held == JP_HELD_MOVING,
	   "while RECOVERING the mover owns the session: stay");
	d = decide(&w, 2, 0, JUMPING_STATE_BIRTH, true, t + 81 * MS);
	ok(d.action == JP_PD_STAY, "in BIRTH: stay");

	/*
	 * The same silence seen by a caller that ran 200 ms late: the
	 * probes timed out in the pause; their answers get one RTO.
	 */
	t = two_probes_out(&w);
	ok(!jp_policy_paused(&w.pol, &w.st[0], 29 * MS, t + 40 * MS),
	   "late by less than an RTO: no pause");
	ok(jp_policy_paused(&w.pol, &w.st[0], 200 * MS, t + 201 * MS),
	   "late by 200 ms with probes out: a pause");
	d = decide(&w, 2, 0, JUMPING_STATE_ATTACHED, true, t + 201 * MS);
	ok(d.action == JP_PD_STAY &&
	   d.next_us == t + 201 * MS + jp_path_rto(&w.st[0], &pp),
	   "both probes timed out in the pause: no move, ask again one RTO on");
	ok(!jp_policy_paused(&w.pol, &w.st[0], 200 * MS, t + 202 * MS),
	   "a second pause in the same silence holds nothing more");
	d = decide(&w, 2, 0, JUMPING_STATE_ATTACHED, true, d.next_us);
	ok(d.action == JP_PD_MOVE && d.to == 1 &&
	   d.reason == JP_PR_ACTIVE_FAILED,
	   "still unanswered one RTO after the pause: failed, moved");
	t = two_probes_out(&w);
	jp_policy_paused(&w.pol, &w.st[0], 200 * MS, t + 201 * MS);
	d = decide(&w, 2, 0, JUMPING_STATE_ATTACHED, true, t + 201 * MS);
	jp_path_echo(&w.st[0], &pp, w.st[0].next_seq - 1, t + 203 * MS);
	d = decide(&w, 2, 0, JUMPING_STATE_ATTACHED, true, d.next_us);
	ok(d.action == JP_PD_STAY && !w.st[0].unheard_tx_since_us,
	   "the echo queued behind the pause comes in the hold: no failure");
	ok(!jp_policy_paused(&w.pol, &w.st[0], 200 * MS, t + 300 * MS),
	   "nothing unanswered: a pause holds nothing");

	/* An echo in the silence clears it. */
	two_init(&w, 2);
	feed(&w.st[1], T0, 20 * MS, A32);
	t = feed(&w.st[0], T0, 20 * MS, A32);
	jp_path_heard(&w.st[0], t);
	jp_path_sent(&w.st[0], t + 1 * MS);
	send_echo(&w.st[0], t + 31 * MS, 20 * MS);
	d = decide(&w, 2, 0, JUMPING_STATE_ATTACHED, true, t + 200 * MS);
	ok(d.action == JP_PD_STAY && !w.st[0].unheard_tx_since_us,
	   "the probe's echo is rx: no failure");
}

static void test_policy_failback(void)
{
	struct two w;
	struct jp_decision d;
	uint64_t t, healthy;

	two_init(&w, 2);
	t = feed(&w.st[1], T0, 20 * MS, A32);
	feed(&w.st[0], T0, 20 * MS, "aaaaaa");
	d = decide(&w, 2, 1, JUMPING_STATE_ATTACHED, true, t);
	healthy = w.p[0].healthy_since_us;
	ok(d.action == JP_PD_STAY && healthy == t &&
	   d.next_us <= t + w.pol.p.failback_after_us,
	   "preferred path healthy now: stay on the second, ask again by FailbackAfter");
	/* Keep both answering every second for 30 s. */
	for (uint64_t now = t; now < t + 30 * S; now += S) {
		send_echo(&w.st[0], now, 20 * MS);
		send_echo(&w.st[1], now, 20 * MS);
		d = decide(&w, 2, 1, JUMPING_STATE_ATTACHED, true, now + 100 * MS);
		if (d.action != JP_PD_STAY)
			break;
	}
	ok(d.action == JP_PD_STAY, "no fail-back for 30 s");
	send_echo(&w.st[0], t + 30 * S, 20 * MS);
	t = healthy + w.pol.p.failback_after_us + 100 * MS;
	d = decide(&w, 2, 1, JUMPING_STATE_ATTACHED, false, t);
	ok(d.action == JP_PD_STAY && d.held == JP_HELD_BUDGET &&
	   d.held_reason == JP_PR_PATH_BETTER,
	   "FailbackAfter reached, budget spent: held");
	d = decide(&w, 2, 1, JUMPING_STATE_ATTACHED, true, t);
	ok(d.action == JP_PD_MOVE && d.to == 0 && d.reason == JP_PR_PATH_BETTER,
	   "FailbackAfter reached: back to the preferred path (path-better)");
	d = decide(&w, 2, 1, JUMPING_STATE_DEGRADED, true, t);
	ok(d.action != JP_PD_MOVE || d.reason != JP_PR_PATH_BETTER,
	   "not as a fail-back while degraded (the quality rule decides)");

	/* Health interrupted: the clock starts again. */
	two_init(&w, 2);
	t = feed(&w.st[1], T0, 20 * MS, A32);
	feed(&w.st[0], T0, 20 * MS, "aaaaaa");
	decide(&w, 2, 1, JUMPING_STATE_ATTACHED, true, t);
	feed(&w.st[0], t + S, 20 * MS, "lll");
	d = decide(&w, 2, 1, JUMPING_STATE_ATTACHED, true, t + 2 * S);
	ok(!w.p[0].healthy_since_us && w.st[0].state == JP_PATH_FAILED,
	   "three probes lost: failed, no longer healthy");
	feed(&w.st[0], t + 3 * S, 20 * MS, "aaaaaaaaaaaaaaaa");
	feed(&w.st[1], t + 3 * S, 20 * MS, "aaaaaaaaaaaaaaaa");
	d = decide(&w, 2, 1, JUMPING_STATE_ATTACHED, true, t + 5 * S);
	ok(w.p[0].healthy_since_us == t + 5 * S && d.action == JP_PD_STAY,
	   "healthy again: FailbackAfter counts from now");

	/* A less preferred path never pulls the session. */
	two_init(&w, 2);
	feed(&w.st[1], T0, 20 * MS, A32);
	t = feed(&w.st[0], T0, 20 * MS, A32);
	w.p[1].healthy_since_us = T0 - 100 * S;
	d = decide(&w, 2, 0, JUMPING_STATE_ATTACHED, true, t);
	ok(d.action == JP_PD_STAY, "on the preferred path: no fail-back anywhere");
}

static void test_probe_schedule(void)
{
	struct jp_policy pol, low;
	struct jp_path_stats st;
	uint64_t next;

	jp_policy_init(&pol);
	jp_policy_init_low_traffic(&low);
	jp_path_init(&st, 0);
	ok(jp_policy_probe_due(&pol, &st, false, false, T0, &next) &&
	   next == T0 + S, "a new standby: probe now, then every second");
	jp_path_probe_sent(&st, T0);
	ok(!jp_policy_probe_due(&pol, &st, false, false, T0 + 999 * MS, &next) &&
	   next == T0 + S, "999 ms later: not yet");
	ok(jp_policy_probe_due(&pol, &st, true, true, T0 + 100 * MS, &next),
	   "the active path with data: every 100 ms");
	ok(!jp_policy_probe_due(&pol, &st, true, false, T0 + 4 * S, &next) &&
	   next == T0 + 5 * S, "the idle active path: every 5 s");
	st.state = JP_PATH_FAILED;
	ok(!jp_policy_probe_due(&pol, &st, false, false, T0 + 4 * S, &next) &&
	   next == T0 + 5 * S, "a failed path: every 5 s");
	ok(!jp_policy_probe_due(&low, &st, true, false, T0 + 100 * S, &next) &&
	   next == UINT64_MAX, "low traffic: the idle active path is not probed");
	st.state = JP_PATH_VALIDATED;
	ok(!jp_policy_probe_due(&low, &st, false, false, T0 + 29 * S, &next) &&
	   next == T0 + 30 * S, "low traffic: standby every 30 s");
	ok(low.pp.valid_for_us > 2 * low.p.probe_standby_us,
	   "low traffic: a validation outlives two standby intervals");
}

/* ---- simulated timelines -------------------------------------------- */

#define SIM_PATHS	3
#define SIM_FLIGHT	64

struct flight {
	uint64_t at;
	unsigned int path;
	uint32_t seq;
	bool used;
};

struct sim {
	struct jp_path_stats st[SIM_PATHS];
	struct jp_policy_path p[SIM_PATHS];
	struct jp_policy pol;
	unsigned int n, active;
	enum jumping_state state;
	uint64_t rtt[SIM_PATHS];
	uint64_t down_from[SIM_PATHS], down_until[SIM_PATHS];
	uint64_t flap_period[SIM_PATHS];	/* down half of each period */
	bool stream, oneway;
	bool event_driven;		/* decide on events and next_us only */
	uint64_t next_decide;
	unsigned int decisions;
	uint64_t moved_at, first_move_at, restored_at;
	unsigned int moves, probes;
	enum jp_pd_reason first_reason;
	bool first_validated;
	struct flight fl[SIM_FLIGHT];
	uint32_t rng;
};

static uint32_t sim_rand(struct sim *s)
{
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 17;
	s->rng ^= s->rng << 5;
	return s->rng;
}

static bool sim_up(const struct sim *s, unsigned int i, uint64_t t)
{
	if (t < s->down_from[i])
		return true;
	if (s->flap_period[i])
		return (t - s->down_from[i]) % s->flap_period[i] >=
		       s->flap_period[i] / 2;
	return t >= s->down_until[i];
}

/* A round trip on path i that starts at t comes back then, or never. */
static uint64_t sim_trip(struct sim *s, unsigned int i, uint64_t t)
{
	uint64_t rtt = s->rtt[i] + (sim_rand(s) % 5) * MS;	/* jitter */

	if (!sim_up(s, i, t) || !sim_up(s, i, t + rtt / 2))
		return 0;
	return t + rtt;
}

static void sim_probe(struct sim *s, unsigned int i, uint64_t now)
{
	uint32_t seq = jp_path_probe_sent(&s->st[i], now);
	uint64_t back = sim_trip(s, i, now);
	unsigned int k;

	s->probes++;
	if (!back)
		return;
	for (k = 0; k < SIM_FLIGHT; k++) {
		if (!s->fl[k].used) {
			s->fl[k] = (struct flight){ back, i, seq, true };
			return;
		}
	}
}

static void sim_init(struct sim *s, unsigned int n, uint64_t rtt0,
		     uint64_t rtt1)
{
	unsigned int i;

	*s = (struct sim){ .n = n, .state = JUMPING_STATE_ATTACHED,
			   .rng = 2463534242u };
	jp_policy_init(&s->pol);
	for (i = 0; i < n; i++) {
		jp_path_init(&s->st[i], sim_rand(s));
		s->p[i] = (struct jp_policy_path){ &s->st[i], i, true, 0 };
		s->rtt[i] = i ? rtt1 : rtt0;
		s->down_from[i] = s->down_until[i] = UINT64_MAX;
	}
}

/* Run from `from` to `to` in 1 ms steps. */
static void sim_run(struct sim *s, uint64_t from, uint64_t to)
{
	uint64_t now, next;
	unsigned int i, k, rounds;
	bool ev;

	for (now = from; now < to; now += MS) {
		const struct jp_path_stats *act;

		ev = false;
		for (k = 0; k < SIM_FLIGHT; k++) {
			if (s->fl[k].used && s->fl[k].at <= now) {
				jp_path_echo(&s->st[s->fl[k].path], &s->pol.pp,
					     s->fl[k].seq, now);
				s->fl[k].used = false;
				ev = true;
			}
		}
		/* A stream on the active path: sent every ms, its ACKs
		 * heard one RTT later (unless one-way). After a move, the
		 * peer's binding follows half an RTT after ours. */
		if (s->stream) {
			uint64_t rtt = s->rtt[s->active];
			uint64_t sent = now - rtt;

			if (!s->oneway && sent >= s->moved_at &&
			    sim_up(s, s->active, sent) &&
			    sim_up(s, s->active, sent + rtt / 2)) {
				jp_path_heard(&s->st[s->active], now);
				if (s->first_move_at && !s->restored_at &&
				    now > s->first_move_at)
					s->restored_at = now;
			}
			jp_path_sent(&s->st[s->active], now);
		}
		for (i = 0; i < s->n; i++) {
			if (jp_policy_probe_due(&s->pol, &s->st[i],
						i == s->active, s->stream,
						now, &next)) {
				sim_probe(s, i, now);
				ev = true;
			}
		}
		/* The kernel's silence notification (docs/multipath.md):
		 * sending without rx for one RTO of the active path. */
		act = &s->st[s->active];
		if (act->unheard_tx_since_us &&
		    act->unheard_tx_since_us + jp_path_rto(act, &s->pol.pp) ==
		    now)
			ev = true;
		if (s->event_driven && !ev && now < s->next_decide)
			continue;
		for (rounds = 0; rounds < 4; rounds++) {
			struct jp_decision d = jp_policy_decide(&s->pol, s->p,
					s->n, s->active, s->state,
					s->moves < 10, now);

			s->decisions++;
			if (d.action == JP_PD_STAY) {
				s->next_decide = d.next_us;
				break;
			}
			if (d.action == JP_PD_PROBE)
				sim_probe(s, d.to, now);
			if (d.action == JP_PD_DEGRADED)
				s->state = JUMPING_STATE_DEGRADED;
			if (d.action == JP_PD_RECOVERED)
				s->state = JUMPING_STATE_ATTACHED;
			if (d.action == JP_PD_MOVE) {
				if (!s->moves++) {
					s->first_move_at = now;
					s->first_reason = d.reason;
					s->first_validated = d.validated;
				}
				s->active = d.to;
				s->moved_at = now;
				s->state = JUMPING_STATE_ATTACHED;
				jp_policy_moved(&s->pol, &s->st[s->active], now);
			}
		}
	}
}

static void test_blackhole(uint64_t rtt, uint64_t limit_ms)
{
	struct sim s, e;
	uint64_t tb = T0 + 20 * S, detect, restored;
	char name[160];

	sim_init(&s, 2, rtt, rtt);
	s.stream = true;
	s.down_from[0] = tb;
	sim_init(&e, 2, rtt, rtt);	/* not a copy: s points into itself */
	e.stream = true;
	e.down_from[0] = tb;
	e.event_driven = true;
	sim_run(&s, T0, tb + 3 * S);
	sim_run(&e, T0, tb + 3 * S);
	printf("# %" PRIu64 " ms RTT: %u decisions asked every ms, %u on events and next_us\n",
	       rtt / MS, s.decisions, e.decisions);
	ok(e.moves == s.moves && e.first_move_at == s.first_move_at,
	   "asked only on events (echo, probe sent, the kernel's silence notification) and at next_us: the same move at the same ms");
	detect = s.first_move_at - tb;
	restored = s.restored_at - tb;
	printf("# blackhole at %" PRIu64 " ms RTT: moved after %" PRIu64
	       " ms (%s), the peer follows at %" PRIu64 " ms, traffic back at %"
	       PRIu64 " ms; %u move(s)\n", rtt / MS, detect / MS,
	       jp_pd_reason_name(s.first_reason), (detect + rtt / 2) / MS,
	       restored / MS, s.moves);
	/* Silence confirmed by two lost probes, or, at long RTTs where the
	 * busy probes in flight are lost first, loss-high: either way a
	 * move to the validated standby. */
	snprintf(name, sizeof(name),
		 "blackhole, %" PRIu64 " ms RTT: moved to the validated standby within %"
		 PRIu64 " ms", rtt / MS, limit_ms);
	ok(s.moves == 1 && s.active == 1 && s.first_validated &&
	   (s.first_reason == JP_PR_ACTIVE_FAILED ||
	    s.first_reason == JP_PR_LOSS_HIGH) && detect <= limit_ms * MS,
	   name);
	if (rtt <= 50 * MS)
		ok(s.first_reason == JP_PR_ACTIVE_FAILED,
		   "at a short RTT it is the silence rule (rx-silence)");
}

static void test_timelines(void)
{
	struct sim s;
	uint64_t tb = T0 + 20 * S, probes_before;

	/* 20 ms: moved well before Linux TCP's first RTO (200 ms floor),
	 * counting the half RTT until the peer follows. */
	test_blackhole(20 * MS, 120);
	/* 250 ms: fail_after is 2 srtt + 4 rttvar, so about 2 RTTs. */
	test_blackhole(250 * MS, 750);

	/* A one-way stream (nothing comes back but echoes): probes, no move. */
	sim_init(&s, 2, 20 * MS, 20 * MS);
	s.stream = true;
	s.oneway = true;
	sim_run(&s, T0, T0 + 10 * S);
	probes_before = s.probes;
	sim_run(&s, T0 + 10 * S, T0 + 20 * S);
	printf("# one-way stream, 20 ms RTT: %u probes in 10 s on two paths\n",
	       (unsigned int)(s.probes - probes_before));
	ok(!s.moves, "a one-way stream is never taken for a blackhole");

	/* Idle, a single probe lost now and then: no move. */
	sim_init(&s, 2, 20 * MS, 20 * MS);
	s.down_from[0] = tb;
	s.down_until[0] = tb + 2 * MS;
	sim_run(&s, T0, tb + 10 * S);
	ok(!s.moves, "idle: a 2 ms outage costs at most one probe, no move");

	/* Idle, blackhole: found at the next idle probe. */
	sim_init(&s, 2, 20 * MS, 20 * MS);
	s.down_from[0] = tb;
	sim_run(&s, T0, tb + 10 * S);
	printf("# idle blackhole, 20 ms RTT: moved after %" PRIu64 " ms\n",
	       (s.first_move_at - tb) / MS);
	ok(s.moves == 1 &&
	   s.first_move_at - tb <= s.pol.p.probe_active_idle_us + 200 * MS,
	   "idle: a blackhole is found within one idle probe interval + 200 ms");

	/* The preferred path flaps (down 1.5 s of every 3 s): one move away,
	 * none back (it is never healthy for FailbackAfter). */
	sim_init(&s, 2, 20 * MS, 30 * MS);
	s.stream = true;
	s.down_from[0] = tb;
	s.flap_period[0] = 3 * S;
	sim_run(&s, T0, tb + 60 * S);
	printf("# path 0 flapping every 3 s for 60 s: %u move(s)\n", s.moves);
	ok(s.moves == 1 && s.active == 1, "flapping: one move, no fail-back");

	/* Outage of 5 s on the preferred path, then it is back: moves away,
	 * and back after FailbackAfter of health. */
	sim_init(&s, 2, 20 * MS, 30 * MS);
	s.stream = true;
	s.down_from[0] = tb;
	s.down_until[0] = tb + 5 * S;
	sim_run(&s, T0, tb + 80 * S);
	printf("# 5 s outage of the preferred path: %u moves, back on it at +%"
	       PRIu64 " s\n", s.moves, (s.moved_at - tb) / S);
	ok(s.moves == 2 && s.active == 0 &&
	   s.moved_at >= tb + 5 * S + s.pol.p.failback_after_us &&
	   s.moved_at <= tb + 5 * S + s.pol.p.failback_after_us + 25 * S,
	   "and back to it FailbackAfter (plus the time to look healthy) after it returned");
}

int main(void)
{
	jp_path_params_default(&pp);
	test_rtt();
	test_loss_window();
	test_validation();
	test_failed_by_caller();
	test_forget_probes();
	test_policy_quality();
	test_policy_failure();
	test_policy_failback();
	test_probe_schedule();
	test_timelines();
	return tap_done();
}
