/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which path a session should use (issue 12, docs/multipath.md "Policy"):
 * one pure function that looks at the paths' measurements (path_stats.h),
 * the active path, the session's state and the time, and answers with one
 * decision: stay, probe the active path now, move to path X (and why),
 * the active path is DEGRADED, or it recovered. One change per call: the
 * caller applies it and asks again.
 *
 * The rules, in order:
 * 1. The active path failed (its local address or link is gone, or we
 *    have been sending without hearing from it for fail_after_us while a
 *    probe sent in that silence went unanswered): move to the most
 *    preferred validated path, or, with none, to the most preferred one
 *    not failed (that move needs a challenge). A failure ignores the
 *    hold-down (a dead path must be left) but not the switch budget.
 *    Silence while sending for one RTO first asks for a probe on the
 *    active path: a peer that is only slow to answer (a one-way stream, a
 *    delayed ACK) answers the probe at once, and nothing moves.
 * 2. Attached: loss or RTT past its enter threshold makes the active path
 *    DEGRADED. Degraded: both back under their (lower) leave thresholds
 *    make it ATTACHED again; otherwise a clearly better validated path is
 *    moved to, after the hold-down and within the budget.
 * 3. Attached: a more preferred path healthy for failback_after_us is
 *    moved back to, after the hold-down and within the budget.
 *
 * Pure: the caller passes the time and whether ReattachMaxPerWindow has
 * room (switch_allowed); the only memory is struct jp_policy's and each
 * path's healthy_since_us, both written here.
 */
#ifndef JUMPD_PATH_POLICY_H
#define JUMPD_PATH_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/jumping.h>
#include "path_stats.h"

struct jp_policy_params {
	/* Probe intervals (0: no periodic probes in that role). */
	uint64_t probe_active_busy_us;	/* the active path carries data */
	uint64_t probe_active_idle_us;
	uint64_t probe_standby_us;
	uint64_t probe_failed_us;	/* a failed path, until it answers */
	uint64_t busy_window_us;	/* data this recent makes a path busy */

	/* Loss, over the newest loss_window probes, in permille. */
	unsigned int loss_window;
	unsigned int loss_min_settled;	/* fewer outcomes say nothing */
	unsigned int loss_enter_pm;
	unsigned int loss_leave_pm;

	/* RTT against the path's base (its lowest recent sample). */
	unsigned int rtt_enter_factor;	/* srtt >= factor x base ... */
	uint64_t rtt_enter_margin_us;	/* ... and >= base + margin */
	unsigned int rtt_leave_factor;	/* under either: normal */
	uint64_t rtt_leave_margin_us;

	/* Fast failure of the active path. */
	unsigned int fail_srtt_mult;	/* x srtt + 4 rttvar of silence */
	uint64_t fail_floor_us;		/* and >= this */
	unsigned int confirm_probes;	/* probes lost in that silence */

	/* Moves. */
	uint64_t hold_down_us;		/* no quality or fail-back move */
	uint64_t failback_after_us;	/* healthy this long: go back */
	unsigned int better_rtt_pct;	/* better: srtt <= this % of ours */
	unsigned int better_min_settled; /* a standby's outcomes to judge it */
};

/* The caller's view of one path, with the policy's memory of it. */
struct jp_policy_path {
	struct jp_path_stats *st;
	unsigned int pref;		/* lower is preferred */
	bool usable;			/* its address and link are up */
	uint64_t healthy_since_us;	/* policy's: 0 = not healthy now */
};

struct jp_policy {
	struct jp_policy_params p;
	struct jp_path_params pp;
	uint64_t last_move_us;		/* 0: none yet */
	/* Why the active path is degraded, in our view (LOSS/RTT_HIGH). */
	unsigned int degraded_by;	/* enum jp_pd_reason */
	/* After a pause of ours (jp_policy_paused): no failure before. */
	uint64_t pause_hold_until_us;
	uint64_t pause_held_silence_us;	/* the silence held (its start) */
};

enum jp_pd_action {
	JP_PD_STAY,
	JP_PD_PROBE,		/* probe path `to` (the active one) now */
	JP_PD_MOVE,		/* move to path `to` */
	JP_PD_DEGRADED,		/* active path: ATTACHED -> DEGRADED */
	JP_PD_RECOVERED,	/* active path: DEGRADED -> ATTACHED */
};

enum jp_pd_reason {
	JP_PR_NONE,
	JP_PR_SUSPECT,		/* sending, not hearing: probe */
	JP_PR_ACTIVE_FAILED,	/* confirmed: uapi rx-silence */
	JP_PR_ACTIVE_GONE,	/* its address or link went away (new) */
	JP_PR_LOSS_HIGH,	/* uapi loss-high */
	JP_PR_RTT_HIGH,		/* new */
	JP_PR_LOSS_NORMAL,	/* uapi loss-recovered */
	JP_PR_RTT_NORMAL,	/* new */
	JP_PR_PATH_BETTER,	/* fail-back to a preferred path (new) */
};

/* Why a move that was wanted was not made. */
enum jp_pd_held {
	JP_HELD_NONE,
	JP_HELD_HOLD_DOWN,	/* too soon after the last move */
	JP_HELD_BUDGET,		/* ReattachMaxPerWindow is spent */
	JP_HELD_NO_PATH,	/* nowhere better to go */
	JP_HELD_MOVING,		/* a move is in progress (RECOVERING) */
};

struct jp_decision {
	enum jp_pd_action action;
	enum jp_pd_reason reason;
	unsigned int to;		/* PROBE, MOVE: index of the path */
	bool validated;			/* MOVE: no challenge needed */
	enum jp_pd_held held;		/* STAY: a wanted move held */
	enum jp_pd_reason held_reason;	/* and why it was wanted */
	/* Ask again by then (UINT64_MAX: on the next event only). */
	uint64_t next_us;
};

/* Defaults, and the low-traffic preset (battery, metered links). */
void jp_policy_init(struct jp_policy *pol);
void jp_policy_init_low_traffic(struct jp_policy *pol);

/*
 * The decision for a session now. paths[active] is the active path;
 * state the session's (enum jumping_state). Brings every path's stats up
 * to date (jp_path_update) and their healthy_since_us.
 */
struct jp_decision jp_policy_decide(struct jp_policy *pol,
				    struct jp_policy_path *paths,
				    unsigned int n, unsigned int active,
				    enum jumping_state state,
				    bool switch_allowed, uint64_t now_us);

/*
 * The caller carried out a MOVE to path `to` now: the hold-down starts,
 * and the new active path's silence is counted from now (a standby probe
 * still in flight must not make it look silent already).
 */
void jp_policy_moved(struct jp_policy *pol, struct jp_path_stats *to,
		     uint64_t now_us);

/*
 * Whether path st should be probed now; *next_us gets when its next probe
 * falls due. busy: the session carried data within busy_window_us.
 */
bool jp_policy_probe_due(const struct jp_policy *pol,
			 const struct jp_path_stats *st, bool active,
			 bool busy, uint64_t now_us, uint64_t *next_us);

/*
 * The caller ran late_us after the time the policy asked for: the process
 * was paused (a VM's stolen time, a stopped process, a long reload). A
 * probe that timed out in that pause says nothing of the path: its answer
 * may be queued behind the pause, as may the data heard since. The
 * failure rule then waits one RTO of running time for them, once per
 * silence of the active path (so a caller late at every turn still fails
 * a dead path, one RTO later). Returns whether it holds.
 */
bool jp_policy_paused(struct jp_policy *pol,
		      const struct jp_path_stats *active, uint64_t late_us,
		      uint64_t now_us);

/* Silence while sending after which the active path has failed. */
uint64_t jp_policy_fail_after(const struct jp_policy *pol,
			      const struct jp_path_stats *st);

/* "rx-silence", "loss-high", "path-better", ...; NULL if unknown. */
const char *jp_pd_reason_name(enum jp_pd_reason r);
const char *jp_pd_action_name(enum jp_pd_action a);
const char *jp_pd_held_name(enum jp_pd_held h);
/*
 * The uapi reason that already says it (rx-silence, loss-high,
 * loss-recovered), or JUMPING_REASON_NONE for those that need a new code
 * (docs/multipath.md, "Reason codes").
 */
enum jumping_reason jp_pd_reason_uapi(enum jp_pd_reason r);

#endif /* JUMPD_PATH_POLICY_H */
