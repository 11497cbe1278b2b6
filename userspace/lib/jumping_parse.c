// SPDX-License-Identifier: GPL-2.0
/* Parsers for addresses, endpoints, prefixes, keys (jumping_parse.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sodium.h>
#include "jumping_parse.h"

int parse_u32(const char *s, uint32_t *out)
{
	return parse_u32_max(s, UINT32_MAX, out);
}

int parse_u32_max(const char *s, uint32_t max, uint32_t *out)
{
	int base = 10;
	unsigned long long v;
	char *end;

	/* strtoull would accept signs, spaces and octal; we want neither. */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!isxdigit((unsigned char)s[0]) ||
	    (base == 10 && !isdigit((unsigned char)s[0])))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int parse_duration_ms(const char *s, uint32_t max, uint32_t *out)
{
	unsigned long long v, mul;
	char *end;

	if (!strcmp(s, "off") || !strcmp(s, "0")) {
		*out = 0;
		return 0;
	}
	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	if (!strcmp(end, "ms"))
		mul = 1;
	else if (!strcmp(end, "s"))
		mul = 1000;
	else
		return -EINVAL;
	if (v > max / mul)
		return -EINVAL;
	*out = (uint32_t)(v * mul);
	return 0;
}

int parse_port(const char *s, uint16_t *out)
{
	uint32_t v;

	/* Ports are written in decimal; 0x50 for a port is surely a typo. */
	if (!isdigit((unsigned char)s[0]) || (s[0] == '0' && s[1] == 'x'))
		return -EINVAL;
	if (parse_u32_max(s, UINT16_MAX, &v))
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

static int parse_addr_len(const char *s, size_t len, struct jp_addr *out)
{
	char buf[INET6_ADDRSTRLEN];
	struct jp_addr a = { 0 };

	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
		if (!memchr(s, ':', len))	/* brackets are for IPv6 only */
			return -EINVAL;
	}
	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';

	if (inet_pton(AF_INET, buf, &a.v4) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, buf, &a.v6) == 1)
		a.family = AF_INET6;
	else
		return -EINVAL;
	*out = a;
	return 0;
}

int parse_addr(const char *s, struct jp_addr *out)
{
	return parse_addr_len(s, strlen(s), out);
}

int parse_endpoint(const char *s, struct jp_endpoint *out)
{
	const char *colon = strrchr(s, ':');
	struct jp_endpoint ep;

	if (!colon)
		return -EINVAL;
	/* A bare IPv6 address has no unambiguous port: demand [addr]:port. */
	if (s[0] != '[' && memchr(s, ':', colon - s))
		return -EINVAL;
	if (s[0] == '[' && (colon == s || colon[-1] != ']'))
		return -EINVAL;
	if (parse_addr_len(s, colon - s, &ep.addr) ||
	    parse_port(colon + 1, &ep.port) || ep.port == 0)
		return -EINVAL;
	if (s[0] == '[' && ep.addr.family != AF_INET6)
		return -EINVAL;
	*out = ep;
	return 0;
}

static int prefix_has_host_bits(const struct jp_prefix *p)
{
	const uint8_t *b = p->addr.family == AF_INET ?
		(const uint8_t *)&p->addr.v4 : p->addr.v6.s6_addr;
	unsigned int bytes = p->addr.family == AF_INET ? 4 : 16;
	unsigned int i;

	for (i = 0; i < bytes; i++) {
		unsigned int first = i * 8;
		uint8_t mask;

		if (first + 8 <= p->len)
			continue;
		mask = first >= p->len ? 0xff : (uint8_t)(0xff >> (p->len - first));
		if (b[i] & mask)
			return 1;
	}
	return 0;
}

int parse_prefix(const char *s, struct jp_prefix *out)
{
	const char *slash = strchr(s, '/');
	struct jp_prefix p;
	uint32_t len, max;

	if (parse_addr_len(s, slash ? (size_t)(slash - s) : strlen(s),
			   &p.addr))
		return -EINVAL;
	max = p.addr.family == AF_INET ? 32 : 128;
	if (!slash)
		len = max;
	else if (!isdigit((unsigned char)slash[1]) ||
		 (slash[1] == '0' && slash[2]) ||	/* no 0x.., no 024 */
		 parse_u32_max(slash + 1, max, &len))
		return -EINVAL;
	p.len = (uint8_t)len;
	/* 10.0.0.1/24 is almost always a mistake for 10.0.0.0/24: say so. */
	if (prefix_has_host_bits(&p))
		return -EINVAL;
	*out = p;
	return 0;
}

int parse_key(const char *s, uint8_t out[JUMPING_KEY_LEN])
{
	uint8_t key[JUMPING_KEY_LEN];
	size_t start = 0, end = strlen(s), got = 0;
	const char *tail;
	int ret;

	while (start < end && isspace((unsigned char)s[start]))
		start++;
	while (end > start && isspace((unsigned char)s[end - 1]))
		end--;

	if (end - start == 2 * JUMPING_KEY_LEN)
		ret = sodium_hex2bin(key, sizeof(key), s + start, end - start,
				     NULL, &got, &tail);
	else
		ret = sodium_base642bin(key, sizeof(key), s + start,
					end - start, NULL, &got, &tail,
					sodium_base64_VARIANT_ORIGINAL);
	if (ret || got != sizeof(key) || tail != s + end) {
		sodium_memzero(key, sizeof(key));
		return -EINVAL;
	}
	memcpy(out, key, sizeof(key));
	sodium_memzero(key, sizeof(key));
	return 0;
}

void format_addr(const struct jp_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family, a->family == AF_INET ?
		       (const void *)&a->v4 : (const void *)&a->v6, buf,
		       (socklen_t)len))
		snprintf(buf, len, "?");
}

void format_endpoint(const struct jp_endpoint *ep, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	format_addr(&ep->addr, addr, sizeof(addr));
	snprintf(buf, len, ep->addr.family == AF_INET6 ? "[%s]:%u" : "%s:%u",
		 addr, ep->port);
}

void format_prefix(const struct jp_prefix *p, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	format_addr(&p->addr, addr, sizeof(addr));
	snprintf(buf, len, "%s/%u", addr, p->len);
}
