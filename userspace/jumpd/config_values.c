// SPDX-License-Identifier: GPL-2.0
/* Durations, rates and HOST:PORT (config_values.h). */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "config_values.h"
#include "jumping_parse.h"

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

int jp_parse_host_port(const char *s, char *host, size_t size,
		       uint16_t *port)
{
	bool bracketed = *s == '[';
	const char *colon, *h;
	struct jp_addr a;
	size_t n;

	if (bracketed) {
		colon = strstr(s, "]:");
		h = s + 1;
	} else {
		colon = strrchr(s, ':');
		h = s;
	}
	if (!colon)
		return -EINVAL;
	n = (size_t)(colon - h);
	if (!n || n >= size)
		return -EINVAL;
	memcpy(host, h, n);
	host[n] = '\0';
	if (bracketed) {
		if (parse_addr(host, &a) || a.family != AF_INET6)
			return -EINVAL;
		colon++;	/* past the ']' */
	} else {
		for (h = host; *h; h++)
			if (!isalnum((unsigned char)*h) && !strchr(".-_", *h))
				return -EINVAL;
	}
	if (parse_port(colon + 1, port) || !*port)
		return -EINVAL;
	return 0;
}
