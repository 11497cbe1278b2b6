// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: a session's counters, read for a report. Each is one
 * atomic64_t (stats.h says why not per CPU); the control counters are the
 * device's, so a session reports them as 0.
 */
#include <linux/string.h>

#include "stats.h"

void jp_stats_read(const struct jp_session_stats *stats, struct jp_stats *sum)
{
	unsigned int i;

	memset(sum, 0, sizeof(*sum));
	sum->rx_bytes = atomic64_read(&stats->rx_bytes);
	sum->rx_packets = atomic64_read(&stats->rx_packets);
	sum->tx_bytes = atomic64_read(&stats->tx_bytes);
	sum->tx_packets = atomic64_read(&stats->tx_packets);
	sum->rx_unknown_source = atomic64_read(&stats->rx_unknown_source);
	for (i = 0; i < JP_DROP_NR; i++)
		sum->drops[i] = atomic64_read(&stats->drops[i]);
}
