// SPDX-License-Identifier: GPL-2.0
/* Unit tests for jumpctl's argument parsers (userspace/jumpctl/parse.c). */
#include <arpa/inet.h>
#include <sys/socket.h>
#include "tap.h"
#include "jumping_parse.h"
#include "jumping_names.h"

static void test_u32(void)
{
	uint32_t v = 7;

	ok(!parse_u32("0", &v) && v == 0, "u32: 0");
	ok(!parse_u32("16", &v) && v == 16, "u32: decimal");
	ok(!parse_u32("0x10", &v) && v == 16, "u32: hex 0x10");
	ok(!parse_u32("0XfF", &v) && v == 255, "u32: hex 0XfF");
	ok(!parse_u32("4294967295", &v) && v == UINT32_MAX, "u32: max");
	ok(!parse_u32("0xffffffff", &v) && v == UINT32_MAX, "u32: hex max");
	v = 7;
	ok(parse_u32("4294967296", &v) && v == 7, "u32: overflow rejected, out untouched");
	ok(parse_u32("0x100000000", &v), "u32: hex overflow rejected");
	ok(parse_u32("-1", &v), "u32: negative rejected");
	ok(parse_u32("+1", &v), "u32: sign rejected");
	ok(parse_u32(" 1", &v), "u32: leading space rejected");
	ok(parse_u32("1 ", &v), "u32: trailing space rejected");
	ok(parse_u32("12abc", &v), "u32: trailing junk rejected");
	ok(parse_u32("", &v), "u32: empty rejected");
	ok(parse_u32("0x", &v), "u32: bare 0x rejected");
	ok(parse_u32("abc", &v), "u32: hex digits without 0x rejected");
	ok(!parse_u32("010", &v) && v == 10, "u32: leading zero is decimal, not octal");
	ok(parse_u32_max("8", 7, &v), "u32_max: above max rejected");
	ok(!parse_u32_max("7", 7, &v) && v == 7, "u32_max: max accepted");
}

static void test_port(void)
{
	uint16_t p = 1;

	ok(!parse_port("51820", &p) && p == 51820, "port: 51820");
	ok(!parse_port("0", &p) && p == 0, "port: 0 (closed)");
	ok(!parse_port("65535", &p) && p == 65535, "port: 65535");
	ok(parse_port("65536", &p), "port: 65536 rejected");
	ok(parse_port("0x50", &p), "port: hex rejected");
	ok(parse_port("-1", &p), "port: negative rejected");
	ok(parse_port("http", &p), "port: name rejected");
}

static void test_addr(void)
{
	struct jp_addr a;
	char buf[64];

	ok(!parse_addr("192.0.2.1", &a) && a.family == AF_INET &&
	   a.v4.s_addr == htonl(0xc0000201), "addr: IPv4");
	ok(!parse_addr("2001:db8::1", &a) && a.family == AF_INET6 &&
	   a.v6.s6_addr[15] == 1, "addr: IPv6");
	ok(!parse_addr("[2001:db8::1]", &a) && a.family == AF_INET6,
	   "addr: bracketed IPv6");
	ok(parse_addr("[192.0.2.1]", &a), "addr: bracketed IPv4 rejected");
	ok(parse_addr("192.0.2", &a), "addr: short IPv4 rejected");
	ok(parse_addr("192.0.2.256", &a), "addr: octet 256 rejected");
	ok(parse_addr("example.com", &a), "addr: hostname rejected");
	ok(parse_addr("", &a), "addr: empty rejected");
	ok(parse_addr("[]", &a), "addr: empty brackets rejected");
	ok(parse_addr("fe80::1%eth0", &a), "addr: zone id rejected");
	parse_addr("::ffff:192.0.2.1", &a);
	format_addr(&a, buf, sizeof(buf));
	is_str(buf, "::ffff:192.0.2.1", "addr: v4-mapped IPv6 round trip");
}

static void test_endpoint(void)
{
	struct jp_endpoint ep;
	char buf[JP_ENDPOINT_STRLEN];

	ok(!parse_endpoint("192.0.2.1:51820", &ep) &&
	   ep.addr.family == AF_INET && ep.port == 51820, "endpoint: IPv4");
	format_endpoint(&ep, buf, sizeof(buf));
	is_str(buf, "192.0.2.1:51820", "endpoint: IPv4 round trip");
	ok(!parse_endpoint("[2001:db8::1]:443", &ep) &&
	   ep.addr.family == AF_INET6 && ep.port == 443, "endpoint: IPv6");
	format_endpoint(&ep, buf, sizeof(buf));
	is_str(buf, "[2001:db8::1]:443", "endpoint: IPv6 round trip");
	ok(!parse_endpoint("[::]:1", &ep) && ep.port == 1, "endpoint: [::]:1");
	ok(parse_endpoint("2001:db8::1:443", &ep),
	   "endpoint: bare IPv6 with port rejected (ambiguous)");
	ok(parse_endpoint("192.0.2.1", &ep), "endpoint: missing port rejected");
	ok(parse_endpoint("192.0.2.1:", &ep), "endpoint: empty port rejected");
	ok(parse_endpoint("192.0.2.1:0", &ep), "endpoint: port 0 rejected");
	ok(parse_endpoint("192.0.2.1:65536", &ep), "endpoint: port 65536 rejected");
	ok(parse_endpoint("[192.0.2.1]:5", &ep), "endpoint: bracketed IPv4 rejected");
	ok(parse_endpoint("[2001:db8::1]443", &ep), "endpoint: missing colon rejected");
	ok(parse_endpoint("[2001:db8::1:443", &ep), "endpoint: missing bracket rejected");
	ok(parse_endpoint(":51820", &ep), "endpoint: missing address rejected");
}

static void test_prefix(void)
{
	struct jp_prefix p;
	char buf[JP_ENDPOINT_STRLEN];

	ok(!parse_prefix("10.0.0.0/24", &p) && p.addr.family == AF_INET &&
	   p.len == 24, "prefix: 10.0.0.0/24");
	ok(!parse_prefix("10.0.0.1", &p) && p.len == 32, "prefix: bare IPv4 is /32");
	ok(!parse_prefix("fd00::1", &p) && p.len == 128, "prefix: bare IPv6 is /128");
	ok(!parse_prefix("0.0.0.0/0", &p) && p.len == 0, "prefix: default route");
	ok(!parse_prefix("::/0", &p) && p.len == 0, "prefix: IPv6 default route");
	ok(!parse_prefix("fd00:1:2:3::/64", &p) && p.len == 64, "prefix: IPv6 /64");
	format_prefix(&p, buf, sizeof(buf));
	is_str(buf, "fd00:1:2:3::/64", "prefix: round trip");
	ok(!parse_prefix("10.0.0.128/25", &p), "prefix: /25 boundary ok");
	ok(parse_prefix("10.0.0.1/24", &p), "prefix: host bits rejected");
	ok(parse_prefix("10.0.0.64/25", &p), "prefix: host bits /25 rejected");
	ok(parse_prefix("fd00::1/64", &p), "prefix: IPv6 host bits rejected");
	ok(parse_prefix("10.0.0.0/33", &p), "prefix: /33 rejected");
	ok(parse_prefix("fd00::/129", &p), "prefix: /129 rejected");
	ok(parse_prefix("10.0.0.0/", &p), "prefix: empty length rejected");
	ok(parse_prefix("10.0.0.0/024", &p), "prefix: leading zero length rejected");
	ok(parse_prefix("10.0.0.0/0x8", &p), "prefix: hex length rejected");
	ok(parse_prefix("10.0.0.0/-1", &p), "prefix: negative length rejected");
	ok(parse_prefix("/24", &p), "prefix: missing address rejected");
}

static void test_key(void)
{
	static const char hex[] =
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
	static const char b64[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
	uint8_t k[JUMPING_KEY_LEN], want[JUMPING_KEY_LEN];
	int i;

	for (i = 0; i < JUMPING_KEY_LEN; i++)
		want[i] = (uint8_t)i;
	ok(!parse_key(hex, k) && !memcmp(k, want, sizeof(k)), "key: hex");
	ok(!parse_key(b64, k) && !memcmp(k, want, sizeof(k)), "key: base64");
	ok(!parse_key("  AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n", k) &&
	   !memcmp(k, want, sizeof(k)), "key: surrounding whitespace ignored");
	ok(parse_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==", k),
	   "key: 31-byte base64 rejected");
	ok(parse_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8fHw==", k),
	   "key: 34-byte base64 rejected");
	ok(parse_key("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g",
		     k), "key: bad hex digit rejected");
	ok(parse_key("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
		     k), "key: short hex rejected");
	ok(parse_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= x", k),
	   "key: trailing junk rejected");
	ok(parse_key("", k), "key: empty rejected");
}

static void test_duration(void)
{
	uint32_t ms = 7;

	ok(!parse_duration_ms("500ms", 600000, &ms) && ms == 500,
	   "duration: 500ms");
	ok(!parse_duration_ms("2s", 600000, &ms) && ms == 2000, "duration: 2s");
	ok(!parse_duration_ms("off", 600000, &ms) && ms == 0, "duration: off");
	ms = 7;
	ok(!parse_duration_ms("0", 600000, &ms) && ms == 0, "duration: 0");
	ok(!parse_duration_ms("600s", 600000, &ms) && ms == 600000,
	   "duration: the maximum");
	ms = 7;
	ok(parse_duration_ms("601s", 600000, &ms) && ms == 7,
	   "duration: above the maximum rejected, out untouched");
	ok(parse_duration_ms("500", 600000, &ms), "duration: unit required");
	ok(parse_duration_ms("5m", 600000, &ms), "duration: unknown unit");
	ok(parse_duration_ms("-5ms", 600000, &ms), "duration: sign rejected");
	ok(parse_duration_ms("ms", 600000, &ms), "duration: number required");
	ok(parse_duration_ms("99999999999999999999s", 600000, &ms),
	   "duration: overflow rejected");
}

static void test_names(void)
{
	uint16_t r = 99;
	uint8_t v = 99;

	ok(!parse_cipher("chacha20poly1305", &v) &&
	   v == JUMPING_CIPHER_CHACHA20POLY1305, "cipher: chacha20poly1305");
	ok(!parse_cipher("aes256gcm", &v) && v == JUMPING_CIPHER_AES256GCM,
	   "cipher: aes256gcm");
	ok(parse_cipher("none", &v), "cipher: none is not a choice");
	ok(parse_cipher("aes128gcm", &v), "cipher: unknown rejected");
	ok(!parse_key_slot("primary", &v) && v == JUMPING_KEY_SLOT_PRIMARY,
	   "slot: primary");
	ok(!parse_key_slot("secondary", &v) && v == JUMPING_KEY_SLOT_SECONDARY,
	   "slot: secondary");
	ok(parse_key_slot("third", &v), "slot: unknown rejected");
	is_str(state_name(JUMPING_STATE_ATTACHED), "attached", "state name");
	ok(state_name(JUMPING_STATE_MAX + 1) == NULL, "state: out of range is NULL");
	ok(reason_name(JUMPING_REASON_MAX) != NULL, "reason: every value named");
	ok(cipher_name(200) == NULL, "cipher: out of range is NULL");
	ok(!parse_state("volatile", &v) && v == JUMPING_STATE_VOLATILE,
	   "state: volatile");
	ok(parse_state("asleep", &v), "state: unknown rejected");
	ok(!parse_reason("rx-silence", &r) && r == JUMPING_REASON_RX_SILENCE,
	   "reason: rx-silence");
	ok(!parse_reason("superseded", &r) &&
	   r == JUMPING_REASON_SUPERSEDED, "reason: the last one");
	ok(parse_reason("rx_silence", &r), "reason: unknown rejected");
}

int main(void)
{
	test_u32();
	test_port();
	test_addr();
	test_endpoint();
	test_prefix();
	test_key();
	test_duration();
	test_names();
	return tap_done();
}
