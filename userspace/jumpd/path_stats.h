/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What jumpd knows about one candidate path of a session (issue 12,
 * docs/multipath.md): its round-trip time, its loss over the last probes,
 * when it was last heard from, and whether it is validated. Measurement
 * only: what to do about it is path_policy.h's job.
 *
 * A probe has a sequence number of its own on its path (32 bits, serial
 * arithmetic: it may wrap). The last JP_PATH_WINDOW probes sent are kept,
 * each pending, answered or lost: an echo answers its probe, a probe
 * unanswered after the path's timeout (RFC 6298's RTO, jp_path_rto) is
 * lost. An echo that comes after its probe was counted lost turns it back
 * into an answer and is an RTT sample like any other: a probe is never
 * retransmitted, so its echo is unambiguous (Karn's problem does not
 * arise), and a path whose RTT grew is then measured as slow, not as
 * lossy. Duplicate echoes, echoes of sequence numbers never sent and of
 * probes that left the window change nothing (they are counted).
 *
 * Pure: time is passed in, in microseconds on one monotonic clock
 * (CLOCK_BOOTTIME in jumpd, so a suspended laptop does not see its paths
 * as fresh when it wakes); nothing is read from a clock here.
 */
#ifndef JUMPD_PATH_STATS_H
#define JUMPD_PATH_STATS_H

#include <stdbool.h>
#include <stdint.h>

#define JP_PATH_WINDOW	32	/* probes remembered, a power of 2 */
_Static_assert((JP_PATH_WINDOW & (JP_PATH_WINDOW - 1)) == 0,
	       "the window is indexed by the low bits of the sequence number");

#define JP_MS		((uint64_t)1000)	/* microseconds */
#define JP_PATH_BASE_AFTER	4	/* samples before srtt is a base */

enum jp_path_state {
	JP_PATH_PROBING,	/* no answer within valid_for (yet) */
	JP_PATH_VALIDATED,	/* an echo came back within valid_for */
	JP_PATH_FAILED,		/* fail_after probes in a row lost */
};

/* Estimator parameters; jp_path_params_default() fills the defaults. */
struct jp_path_params {
	uint64_t rto_init_us;	/* timeout before the first RTT sample */
	uint64_t rto_min_us;	/* timeout floor */
	uint64_t rto_max_us;	/* timeout ceiling */
	/* 4 x rttvar is at least this: jitter not seen yet. */
	uint64_t rttvar_floor_us;
	uint64_t valid_for_us;	/* an echo validates this long */
	unsigned int fail_after; /* consecutive losses that fail the path */
	/* The base RTT: the lowest srtt of the last 1-2 such epochs. */
	uint64_t base_epoch_us;
};

/* One probe slot of the window. */
struct jp_probe_slot {
	uint64_t sent_us;
	uint32_t seq;
	uint8_t outcome;	/* enum jp_probe_outcome */
};

enum jp_probe_outcome {
	JP_PROBE_EMPTY,		/* no probe in this slot yet */
	JP_PROBE_PENDING,
	JP_PROBE_ANSWERED,
	JP_PROBE_LOST,
};

/* What an echo turned out to be. */
enum jp_echo_verdict {
	JP_ECHO_OK,		/* answered a pending probe */
	JP_ECHO_LATE,		/* answered a probe already counted lost */
	JP_ECHO_DUPLICATE,	/* its probe was already answered */
	JP_ECHO_UNKNOWN,	/* never sent, or out of the window */
};

struct jp_path_stats {
	enum jp_path_state state;

	/* RTT in microseconds (RFC 6298 arithmetic); valid if have_rtt. */
	bool have_rtt;
	uint64_t srtt_us, rttvar_us, last_rtt_us;
	/*
	 * Lowest srtt of this epoch and of the one before (base RTT),
	 * counted from the JP_PATH_BASE_AFTER-th sample on.
	 */
	unsigned int rtt_samples;
	uint64_t base_cur_us, base_prev_us;
	uint64_t base_epoch_start_us;

	/* Probes. next_seq is the sequence number the next probe gets. */
	uint32_t next_seq;
	uint32_t n_sent;		/* saturates at JP_PATH_WINDOW */
	struct jp_probe_slot win[JP_PATH_WINDOW];
	unsigned int lost_in_row;	/* losses since the last answer */
	uint64_t last_probe_us;		/* last probe sent (0: none) */
	uint64_t last_answer_us;	/* last echo taken (0: none yet) */

	/*
	 * Liveness: any authenticated rx on the path (echoes; on the active
	 * path also data and keepalives), and the first tx since then: while
	 * set, we are talking and not hearing (0: not since last heard).
	 */
	uint64_t last_heard_us;
	uint64_t unheard_tx_since_us;

	/* Counters, for jumpctl show and the tests. */
	uint64_t probes, answers, late, duplicates, unknown;
};

void jp_path_params_default(struct jp_path_params *pp);

/* A new path: PROBING, no samples. first_seq: its first probe's number
 * (random in jumpd, so that a path's numbers do not start anywhere an
 * observer can predict; any value works, wrap included).
 */
void jp_path_init(struct jp_path_stats *ps, uint32_t first_seq);

/* The timeout after which a probe counts as lost. */
uint64_t jp_path_rto(const struct jp_path_stats *ps,
		     const struct jp_path_params *pp);

/* A probe goes out now: returns its sequence number. */
uint32_t jp_path_probe_sent(struct jp_path_stats *ps, uint64_t now_us);

/* An authenticated echo for seq arrived on this path now. */
enum jp_echo_verdict jp_path_echo(struct jp_path_stats *ps,
				  const struct jp_path_params *pp,
				  uint32_t seq, uint64_t now_us);

/* Authenticated rx on the path other than an echo (data, keepalive). */
void jp_path_heard(struct jp_path_stats *ps, uint64_t now_us);
/* We sent on the path (data, keepalive, probe). */
void jp_path_sent(struct jp_path_stats *ps, uint64_t now_us);

/*
 * Count probes past their timeout as lost and bring the state up to date.
 * Call before reading the state or the loss (the policy does).
 */
void jp_path_update(struct jp_path_stats *ps, const struct jp_path_params *pp,
		    uint64_t now_us);

/*
 * Loss over the newest n probes sent (n <= JP_PATH_WINDOW), in permille
 * of those settled (answered or lost; pending ones are not counted yet).
 * *settled gets how many that is; with none, 0.
 */
unsigned int jp_path_loss_permille(const struct jp_path_stats *ps,
				   unsigned int n, unsigned int *settled);

/*
 * The caller left this path because it stopped answering while in use:
 * FAILED now, until an echo comes back (its standby validation, older
 * than the failure, no longer says anything).
 */
void jp_path_failed(struct jp_path_stats *ps, const struct jp_path_params *pp);

/*
 * The probes sent so far say nothing about the path from now on: its far
 * end could not answer them (another gateway of a cluster that did not
 * serve the session yet). Forgotten, pending ones too, so that they count
 * neither as loss nor as a failure; an echo of one is then unknown. The
 * RTT estimate stays: it is the path's.
 */
void jp_path_forget_probes(struct jp_path_stats *ps);

/* The base RTT (lowest recent srtt); 0 before there is one. */
uint64_t jp_path_base_rtt(const struct jp_path_stats *ps);

/* The oldest probe still pending, or NULL: when it falls due. */
const struct jp_probe_slot *
jp_path_oldest_pending(const struct jp_path_stats *ps);

/* "probing", "validated", "failed". */
const char *jp_path_state_name(enum jp_path_state s);

#endif /* JUMPD_PATH_STATS_H */
