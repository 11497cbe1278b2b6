/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: drop reasons, and the packet counters of a session, read
 * into the same form (struct jp_stats) as a device's on demand.
 */
#ifndef _JP_STATS_H
#define _JP_STATS_H

#include <linux/atomic.h>
#include <linux/string.h>
#include <linux/types.h>

/*
 * Why a packet was dropped. Each reason is counted per device and maps
 * one-to-one onto a JUMPING_A_STATS_DROP_* attribute.
 */
enum jp_drop_reason {
	JP_DROP_BAD_AUTH,
	JP_DROP_REPLAY,
	JP_DROP_UNKNOWN_SESSION,
	JP_DROP_SOURCE_NOT_ALLOWED,
	JP_DROP_MALFORMED,
	JP_DROP_NO_KEY,
	JP_DROP_NO_ROUTE,
	/* a control datagram nobody listened for, or over the upcall limit */
	JP_DROP_CONTROL,
	/* a control datagram from a new source, the table of sources full */
	JP_DROP_CONTROL_SOURCES,
	/* under a key older than its reject-after age */
	JP_DROP_KEY_EXPIRED,
	/* a receive steering queue full (steer.c) */
	JP_DROP_BACKLOG,

	JP_DROP_NR
};

/*
 * A consistent-enough copy of a device's counters (summed over CPUs) or a
 * session's. The control counters are the device's only.
 */
struct jp_stats {
	u64	rx_bytes;
	u64	rx_packets;
	u64	tx_bytes;
	u64	tx_packets;
	u64	rx_unknown_source;
	u64	control_rx;
	u64	control_tx;
	u64	rx_steered;
	u64	drops[JP_DROP_NR];
};

/*
 * A session's counters: one copy, not one per CPU. Whichever CPU handles a
 * packet of the session adds to it with an atomic; a reader loads each
 * counter once. A per-CPU copy (120 bytes) would be paid once per
 * possible CPU for each session: 7.5 KiB a session on a 64-CPU server,
 * more than the rest of the session and its key together.
 *
 * The cost on the packet path: two atomic adds per packet (bytes, packets)
 * instead of two plain adds. Uncontended, a locked add on a line the CPU
 * already owns is a few cycles more. Two CPUs sending for one session
 * bounce the line between them, but they already do for the key's
 * tx_counter (atomic64_inc_return per packet), and two receiving CPUs for
 * the replay window's lock: the counters share that traffic pattern rather
 * than add a new one. The device's own counters stay per CPU, as every
 * packet of every session hits them.
 *
 * The counters are only summed for reports, so they are not read as one
 * snapshot: a reader may see a packet's bytes without its packet, which
 * a report that is out of date by the next packet anyway can afford.
 */
struct jp_session_stats {
	atomic64_t rx_bytes;
	atomic64_t rx_packets;
	atomic64_t tx_bytes;
	atomic64_t tx_packets;
	atomic64_t rx_unknown_source;
	atomic64_t drops[JP_DROP_NR];
};

/* All zero, as in a kzalloc()ed session. */
static inline void jp_stats_init(struct jp_session_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
}

void jp_stats_read(const struct jp_session_stats *stats, struct jp_stats *sum);

static inline void jp_stats_rx(struct jp_session_stats *stats,
			       unsigned int len)
{
	atomic64_add(len, &stats->rx_bytes);
	atomic64_inc(&stats->rx_packets);
}

static inline void jp_stats_tx(struct jp_session_stats *stats,
			       unsigned int len)
{
	atomic64_add(len, &stats->tx_bytes);
	atomic64_inc(&stats->tx_packets);
}

/* Authenticated, but not from the binding's remote address and port. */
static inline void jp_stats_unknown_source(struct jp_session_stats *stats)
{
	atomic64_inc(&stats->rx_unknown_source);
}

static inline void jp_stats_drop(struct jp_session_stats *stats,
				 enum jp_drop_reason reason)
{
	atomic64_inc(&stats->drops[reason]);
}

#endif /* _JP_STATS_H */
