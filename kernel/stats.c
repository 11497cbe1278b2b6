// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: per-CPU counters. The packet paths add to their own CPU's
 * copy without atomics; a reader sums the copies, retrying a copy whose
 * writer was mid-update (only on 32-bit, where u64 stores tear).
 */
#include <linux/string.h>

#include "stats.h"

struct jp_pcpu_stats __percpu *jp_stats_alloc(gfp_t gfp)
{
	struct jp_pcpu_stats __percpu *stats;
	int cpu;

	stats = alloc_percpu_gfp(struct jp_pcpu_stats, gfp);
	if (!stats)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(stats, cpu)->syncp);
	return stats;
}

void jp_stats_free(struct jp_pcpu_stats __percpu *stats)
{
	free_percpu(stats);
}

void jp_stats_read(struct jp_pcpu_stats __percpu *stats, struct jp_stats *sum)
{
	struct jp_stats one;
	unsigned int start, i;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct jp_pcpu_stats *s = per_cpu_ptr(stats, cpu);

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			one.rx_bytes = u64_stats_read(&s->rx_bytes);
			one.rx_packets = u64_stats_read(&s->rx_packets);
			one.tx_bytes = u64_stats_read(&s->tx_bytes);
			one.tx_packets = u64_stats_read(&s->tx_packets);
			one.rx_unknown_source =
				u64_stats_read(&s->rx_unknown_source);
			for (i = 0; i < JP_DROP_NR; i++)
				one.drops[i] = u64_stats_read(&s->drops[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));

		sum->rx_bytes += one.rx_bytes;
		sum->rx_packets += one.rx_packets;
		sum->tx_bytes += one.tx_bytes;
		sum->tx_packets += one.tx_packets;
		sum->rx_unknown_source += one.rx_unknown_source;
		for (i = 0; i < JP_DROP_NR; i++)
			sum->drops[i] += one.drops[i];
	}
}
