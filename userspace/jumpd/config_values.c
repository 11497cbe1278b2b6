// SPDX-License-Identifier: GPL-2.0
/* Durations and rates (config_values.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "config_values.h"

static const struct {
	const char *unit;
	uint64_t ms;
} units[] = {
	{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
};

static int unit_ms(const char *u, uint64_t *ms)
{
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(u, units[i].unit)) {
			*ms = units[i].ms;
			return 0;
		}
	}
	return -EINVAL;
}

int jp_parse_duration(const char *s, uint64_t *ms)
{
	unsigned long long v;
	uint64_t mul;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || unit_ms(end, &mul))
		return -EINVAL;
	/* Nothing sensible is longer than a year; keeps all math in range. */
	if (v > 366ULL * 24 * 3600 * 1000 / mul)
		return -EINVAL;
	*ms = v * mul;
	return 0;
}

int jp_parse_rate(const char *s, struct jp_conf_rate *out)
{
	unsigned long v;
	uint64_t ms;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end != '/' || v == 0 || v > 1000000)
		return -EINVAL;
	end++;
	if (unit_ms(end, &ms) && jp_parse_duration(end, &ms))
		return -EINVAL;
	if (!ms)
		return -EINVAL;
	out->count = (uint32_t)v;
	out->window_ms = ms;
	return 0;
}
