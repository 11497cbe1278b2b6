// SPDX-License-Identifier: GPL-2.0
/* Counter names and their printing (stats.h). */
#include <errno.h>
#include <linux/jumping.h>
#include "jumping_policy.h"
#include "stats.h"

static const struct {
	int attr;
	const char *key;	/* JSON */
	const char *label;	/* text */
} counters[] = {
	{ JUMPING_A_STATS_RX_BYTES,   "rx_bytes",   "rx bytes" },
	{ JUMPING_A_STATS_RX_PACKETS, "rx_packets", "rx packets" },
	{ JUMPING_A_STATS_TX_BYTES,   "tx_bytes",   "tx bytes" },
	{ JUMPING_A_STATS_TX_PACKETS, "tx_packets", "tx packets" },
	{ JUMPING_A_STATS_DROP_BAD_AUTH, "drop_bad_auth",
	  "dropped bad auth" },
	{ JUMPING_A_STATS_DROP_REPLAY, "drop_replay", "dropped replay" },
	{ JUMPING_A_STATS_DROP_UNKNOWN_SESSION, "drop_unknown_session",
	  "dropped unknown session" },
	{ JUMPING_A_STATS_DROP_SOURCE_NOT_ALLOWED, "drop_source_not_allowed",
	  "dropped source not allowed" },
	{ JUMPING_A_STATS_DROP_MALFORMED, "drop_malformed",
	  "dropped malformed" },
	{ JUMPING_A_STATS_DROP_NO_KEY, "drop_no_key", "dropped no key" },
	{ JUMPING_A_STATS_DROP_NO_ROUTE, "drop_no_route",
	  "dropped no route" },
	{ JUMPING_A_STATS_RX_UNKNOWN_SOURCE, "rx_unknown_source",
	  "rx from unknown source" },
	{ JUMPING_A_STATS_CONTROL_RX, "control_rx", "control rx" },
	{ JUMPING_A_STATS_CONTROL_TX, "control_tx", "control tx" },
	{ JUMPING_A_STATS_DROP_CONTROL, "drop_control", "dropped control" },
	{ JUMPING_A_STATS_DROP_CONTROL_SOURCES, "drop_control_sources",
	  "dropped control, new source, table full" },
	{ JUMPING_A_STATS_DROP_KEY_EXPIRED, "drop_key_expired",
	  "dropped key expired" },
	{ JUMPING_A_STATS_RX_STEERED, "rx_steered", "rx on another CPU" },
	{ JUMPING_A_STATS_DROP_BACKLOG, "drop_backlog",
	  "dropped CPU queue full" },
};

int out_stats(struct out *o, struct nlattr *nest)
{
	struct nlattr *tb[JUMPING_A_STATS_MAX + 1];
	size_t i;

	if (nla_parse_nested(tb, JUMPING_A_STATS_MAX, nest, jg_policy_stats))
		return -EPROTO;
	out_record_begin(o, "stats");
	for (i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		if (tb[counters[i].attr])
			out_u64(o, counters[i].key, counters[i].label,
				nla_get_u64(tb[counters[i].attr]));
	}
	out_record_end(o);
	return 0;
}
