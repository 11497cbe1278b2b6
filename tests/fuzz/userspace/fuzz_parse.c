// SPDX-License-Identifier: GPL-2.0
/*
 * The value parsers jumpctl and jumpd's config share (jumping_parse.h)
 * and the config's durations and rates (config_values.h) on any string.
 * Besides not crashing: failure leaves *out alone, and what an address,
 * endpoint or prefix parser takes, its writer writes back to a string
 * that parses to the same value.
 */
#include <string.h>
#include <sys/socket.h>
#include "config_values.h"
#include "fuzz.h"
#include "jumping_parse.h"

static int addr_eq(const struct jp_addr *a, const struct jp_addr *b)
{
	if (a->family != b->family)
		return 0;
	return a->family == AF_INET ? !memcmp(&a->v4, &b->v4, 4) :
				      !memcmp(&a->v6, &b->v6, 16);
}

static void check_addrs(const char *s)
{
	char buf[JP_ENDPOINT_STRLEN];
	struct jp_endpoint ep, ep2;
	struct jp_prefix p, p2;
	struct jp_addr a, a2;

	if (!parse_addr(s, &a)) {
		format_addr(&a, buf, sizeof(buf));
		FUZZ_CHECK(!parse_addr(buf, &a2) && addr_eq(&a, &a2));
	}
	if (!parse_endpoint(s, &ep)) {
		FUZZ_CHECK(ep.port);
		format_endpoint(&ep, buf, sizeof(buf));
		FUZZ_CHECK(!parse_endpoint(buf, &ep2) && ep.port == ep2.port &&
			   addr_eq(&ep.addr, &ep2.addr));
	}
	if (!parse_prefix(s, &p)) {
		FUZZ_CHECK(p.len <= (p.addr.family == AF_INET ? 32 : 128));
		format_prefix(&p, buf, sizeof(buf));
		FUZZ_CHECK(!parse_prefix(buf, &p2) && p.len == p2.len &&
			   addr_eq(&p.addr, &p2.addr));
	}
}

static void check_numbers(const char *s)
{
	uint8_t key[JUMPING_KEY_LEN], ff[JUMPING_KEY_LEN];
	struct jp_conf_rate rate = { 7, 7 };
	uint32_t u = 7;
	uint16_t port = 7;
	uint64_t ms = 7;

	if (parse_u32(s, &u))
		FUZZ_CHECK(u == 7);
	if (parse_u32_max(s, 1000, &u) == 0)
		FUZZ_CHECK(u <= 1000);
	if (parse_port(s, &port))
		FUZZ_CHECK(port == 7);
	if (parse_duration_ms(s, 600000, &u) == 0)
		FUZZ_CHECK(u <= 600000);
	if (jp_parse_duration(s, &ms))
		FUZZ_CHECK(ms == 7);
	if (jp_parse_rate(s, &rate))
		FUZZ_CHECK(rate.count == 7 && rate.window_ms == 7);
	memset(key, 0xff, sizeof(key));
	memset(ff, 0xff, sizeof(ff));
	if (parse_key(s, key))
		FUZZ_CHECK(!memcmp(key, ff, sizeof(key)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	FUZZ_CHECK(s);
	memcpy(s, data, size);
	s[size] = '\0';
	check_addrs(s);
	check_numbers(s);
	free(s);
	return 0;
}
