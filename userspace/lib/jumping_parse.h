/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure parsers for jumpctl arguments and jumpd config values: numbers,
 * addresses, endpoints, prefixes and keys. No I/O, so tests/unit can check every edge.
 * Each returns 0 on success or -EINVAL, and leaves *out alone on failure.
 */
#ifndef JUMPING_PARSE_H
#define JUMPING_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <linux/jumping.h>

struct jp_addr {
	int family;			/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;	/* network order */
		struct in6_addr v6;
	};
};

struct jp_endpoint {
	struct jp_addr addr;
	uint16_t port;			/* host order, never 0 */
};

struct jp_prefix {
	struct jp_addr addr;
	uint8_t len;			/* 0..32 or 0..128 */
};

/* Decimal, or hexadecimal with a 0x prefix; no sign, no junk. */
int parse_u32(const char *s, uint32_t *out);
/* Like parse_u32, at most max. */
int parse_u32_max(const char *s, uint32_t max, uint32_t *out);
/* A UDP port 0..65535 (0 = closed, for listen-port). */
int parse_port(const char *s, uint16_t *out);
/*
 * A duration in milliseconds, at most max: a whole number with a unit,
 * "ms" or "s" ("500ms", "2s"), or "0" / "off" for none. (jumpd's config
 * parser takes the same forms and more units.)
 */
int parse_duration_ms(const char *s, uint32_t max, uint32_t *out);
/* 192.0.2.1, 2001:db8::1 or [2001:db8::1]. */
int parse_addr(const char *s, struct jp_addr *out);
/* 192.0.2.1:51820 or [2001:db8::1]:51820; port 1..65535. */
int parse_endpoint(const char *s, struct jp_endpoint *out);
/* 10.0.0.0/24 or fd00::/64; without /LEN a host prefix. No host bits. */
int parse_prefix(const char *s, struct jp_prefix *out);
/* 32 bytes as 64 hex digits or base64; surrounding whitespace ignored. */
int parse_key(const char *s, uint8_t out[JUMPING_KEY_LEN]);

/* Writers for the same forms; buffers of JP_ENDPOINT_STRLEN suffice. */
#define JP_ENDPOINT_STRLEN (INET6_ADDRSTRLEN + 2 + 1 + 5 + 4 + 1)
void format_addr(const struct jp_addr *a, char *buf, size_t len);
void format_endpoint(const struct jp_endpoint *ep, char *buf, size_t len);
void format_prefix(const struct jp_prefix *p, char *buf, size_t len);

#endif /* JUMPING_PARSE_H */
