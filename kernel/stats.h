/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: drop reasons, and per-CPU packet counters of a session,
 * folded into one sum (struct jp_stats, as a device reports) on demand.
 */
#ifndef _JP_STATS_H
#define _JP_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

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

	JP_DROP_NR
};

/*
 * A consistent-enough copy of a device's or a session's counters, summed
 * over CPUs. The control counters are the device's only.
 */
struct jp_stats {
	u64	rx_bytes;
	u64	rx_packets;
	u64	tx_bytes;
	u64	tx_packets;
	u64	rx_unknown_source;
	u64	control_rx;
	u64	control_tx;
	u64	drops[JP_DROP_NR];
};

/* One CPU's counters: written only by that CPU, with BH disabled. */
struct jp_pcpu_stats {
	struct u64_stats_sync syncp;
	u64_stats_t rx_bytes;
	u64_stats_t rx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t tx_packets;
	u64_stats_t rx_unknown_source;
	u64_stats_t drops[JP_DROP_NR];
};

struct jp_pcpu_stats __percpu *jp_stats_alloc(gfp_t gfp);
void jp_stats_free(struct jp_pcpu_stats __percpu *stats);
void jp_stats_read(struct jp_pcpu_stats __percpu *stats, struct jp_stats *sum);

static inline void jp_stats_rx(struct jp_pcpu_stats __percpu *stats,
			       unsigned int len)
{
	struct jp_pcpu_stats *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->rx_bytes, len);
	u64_stats_inc(&s->rx_packets);
	u64_stats_update_end(&s->syncp);
}

static inline void jp_stats_tx(struct jp_pcpu_stats __percpu *stats,
			       unsigned int len)
{
	struct jp_pcpu_stats *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->tx_bytes, len);
	u64_stats_inc(&s->tx_packets);
	u64_stats_update_end(&s->syncp);
}

/* Authenticated, but not from the binding's remote address and port. */
static inline void jp_stats_unknown_source(struct jp_pcpu_stats __percpu *stats)
{
	struct jp_pcpu_stats *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->rx_unknown_source);
	u64_stats_update_end(&s->syncp);
}

static inline void jp_stats_drop(struct jp_pcpu_stats __percpu *stats,
				 enum jp_drop_reason reason)
{
	struct jp_pcpu_stats *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->drops[reason]);
	u64_stats_update_end(&s->syncp);
}

#endif /* _JP_STATS_H */
