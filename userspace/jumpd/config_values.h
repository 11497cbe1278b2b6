/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Value parsers of the config file that jumpctl has no use for: durations
 * ("500ms", "2s", "1m", "1h"), rates ("5/1s", "5/s") and HOST:PORT. Pure;
 * 0 or -EINVAL.
 */
#ifndef JUMPD_CONFIG_VALUES_H
#define JUMPD_CONFIG_VALUES_H

#include <stddef.h>
#include <stdint.h>

struct jp_conf_rate {
	uint32_t count;
	uint64_t window_ms;
};

/* A whole number and a unit (ms, s, m, h); the unit is required. */
int jp_parse_duration(const char *s, uint64_t *ms);
/* COUNT/DURATION, where a bare unit means one of it ("5/s"). */
int jp_parse_rate(const char *s, struct jp_conf_rate *out);
/*
 * HOST:PORT, HOST a name (letters, digits, ".-_") or an IPv4 address, or
 * [IPv6]:PORT; port 1-65535. HOST goes to host without its brackets.
 */
int jp_parse_host_port(const char *s, char *host, size_t size,
		       uint16_t *port);

#endif /* JUMPD_CONFIG_VALUES_H */
