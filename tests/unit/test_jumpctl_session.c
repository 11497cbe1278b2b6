// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test for jumpctl's session printing (userspace/jumpctl/
 * session_show.c): a JUMPING_A_SESSION nest built with libnl as the kernel
 * would send it, rendered as text and JSON. Checks byte orders (be16
 * port, be32/16-byte addresses), repeated prefixes and key slots, and
 * that malformed nests are refused.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <linux/jumping.h>
#include "tap.h"
#include "session_show.h"

static char *buf;
static size_t len;

static struct nlattr *build_session(struct nl_msg *msg, int with_id)
{
	struct nlattr *s, *n, *h;
	struct in6_addr a6;
	struct in_addr a4;

	s = nla_nest_start(msg, JUMPING_A_SESSION);
	if (with_id)
		nla_put_u32(msg, JUMPING_A_SESSION_ID, 7);
	nla_put_u32(msg, JUMPING_A_SESSION_PEER_ID, 9);
	nla_put_u8(msg, JUMPING_A_SESSION_STATE, JUMPING_STATE_ATTACHED);
	nla_put_u16(msg, JUMPING_A_SESSION_REASON,
		    JUMPING_REASON_REATTACH_VALIDATED);
	nla_put_u64(msg, JUMPING_A_SESSION_STATE_AGE_MS, 1500);
	nla_put_u32(msg, JUMPING_A_SESSION_KEEPALIVE_MS, 500);
	/* Never sent anything: no TX_AGE_MS. */
	nla_put_u64(msg, JUMPING_A_SESSION_RX_AGE_MS, 20);
	nla_put_u32(msg, JUMPING_A_SESSION_SILENCE_MS, 300);
	nla_put_u64(msg, JUMPING_A_SESSION_UNHEARD_MS, 450);
	nla_put_u8(msg, JUMPING_A_SESSION_LIVENESS, JUMPING_LIVENESS_SILENT);

	/* History, newest first: an IPv6 binding, then an IPv4 one. */
	h = nla_nest_start(msg, JUMPING_A_SESSION_HISTORY);
	n = nla_nest_start(msg, JUMPING_A_HISTORY_BINDING);
	inet_pton(AF_INET6, "2001:db8::1", &a6);
	nla_put(msg, JUMPING_A_BINDING_REMOTE_IPV6, 16, &a6);
	nla_put_u16(msg, JUMPING_A_BINDING_REMOTE_PORT, htons(51820));
	inet_pton(AF_INET6, "2001:db8::2", &a6);
	nla_put(msg, JUMPING_A_BINDING_LOCAL_IPV6, 16, &a6);
	nla_nest_end(msg, n);
	nla_put_u16(msg, JUMPING_A_HISTORY_REASON,
		    JUMPING_REASON_REATTACH_VALIDATED);
	nla_put_u64(msg, JUMPING_A_HISTORY_AGE_MS, 1500);
	nla_nest_end(msg, h);
	h = nla_nest_start(msg, JUMPING_A_SESSION_HISTORY);
	n = nla_nest_start(msg, JUMPING_A_HISTORY_BINDING);
	inet_pton(AF_INET, "192.0.2.1", &a4);
	nla_put(msg, JUMPING_A_BINDING_REMOTE_IPV4, 4, &a4);
	nla_put_u16(msg, JUMPING_A_BINDING_REMOTE_PORT, htons(4500));
	nla_put_u32(msg, JUMPING_A_BINDING_IFINDEX, 3);
	nla_nest_end(msg, n);
	nla_put_u16(msg, JUMPING_A_HISTORY_REASON, 999);	/* unknown */
	nla_put_u64(msg, JUMPING_A_HISTORY_AGE_MS, 60000);
	nla_nest_end(msg, h);

	n = nla_nest_start(msg, JUMPING_A_SESSION_BINDING);
	inet_pton(AF_INET6, "2001:db8::1", &a6);
	nla_put(msg, JUMPING_A_BINDING_REMOTE_IPV6, 16, &a6);
	nla_put_u16(msg, JUMPING_A_BINDING_REMOTE_PORT, htons(51820));
	inet_pton(AF_INET6, "2001:db8::2", &a6);
	nla_put(msg, JUMPING_A_BINDING_LOCAL_IPV6, 16, &a6);
	nla_put_u32(msg, JUMPING_A_BINDING_IFINDEX, 4);
	nla_nest_end(msg, n);

	n = nla_nest_start(msg, JUMPING_A_SESSION_PREFIX);
	inet_pton(AF_INET, "10.0.0.0", &a4);
	nla_put(msg, JUMPING_A_PREFIX_IPV4, 4, &a4);
	nla_put_u8(msg, JUMPING_A_PREFIX_LEN, 24);
	nla_nest_end(msg, n);
	n = nla_nest_start(msg, JUMPING_A_SESSION_PREFIX);
	inet_pton(AF_INET6, "fd00::", &a6);
	nla_put(msg, JUMPING_A_PREFIX_IPV6, 16, &a6);
	nla_put_u8(msg, JUMPING_A_PREFIX_LEN, 64);
	nla_nest_end(msg, n);

	n = nla_nest_start(msg, JUMPING_A_SESSION_KEYCONF);
	nla_put_u8(msg, JUMPING_A_KEYCONF_SLOT, JUMPING_KEY_SLOT_PRIMARY);
	nla_put_u8(msg, JUMPING_A_KEYCONF_KEY_ID, 3);
	nla_put_u8(msg, JUMPING_A_KEYCONF_CIPHER,
		   JUMPING_CIPHER_CHACHA20POLY1305);
	nla_nest_end(msg, n);
	n = nla_nest_start(msg, JUMPING_A_SESSION_KEYCONF);
	nla_put_u8(msg, JUMPING_A_KEYCONF_SLOT, JUMPING_KEY_SLOT_SECONDARY);
	nla_put_u8(msg, JUMPING_A_KEYCONF_KEY_ID, 4);
	nla_put_u8(msg, JUMPING_A_KEYCONF_CIPHER, JUMPING_CIPHER_AES256GCM);
	nla_nest_end(msg, n);

	n = nla_nest_start(msg, JUMPING_A_SESSION_STATS);
	nla_put_u64(msg, JUMPING_A_STATS_RX_BYTES, 84);
	nla_put_u64(msg, JUMPING_A_STATS_DROP_REPLAY, 1);
	nla_put_u64(msg, JUMPING_A_STATS_RX_UNKNOWN_SOURCE, 2);
	nla_nest_end(msg, n);

	nla_nest_end(msg, s);
	return s;
}

static int render(enum out_mode mode, struct nlattr *nest)
{
	struct out o;
	FILE *f;
	int ret;

	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	out_init(&o, f, mode);
	ret = out_session(&o, nest, NULL);
	out_finish(&o);
	fclose(f);
	return ret;
}

/* A dump's continuation of session @id: its id and @n IPv4 /32 prefixes. */
static struct nlattr *build_part(struct nl_msg *msg, uint32_t id,
				 unsigned int first, unsigned int n)
{
	struct nlattr *s, *p;
	struct in_addr a4;
	unsigned int i;

	s = nla_nest_start(msg, JUMPING_A_SESSION);
	nla_put_u32(msg, JUMPING_A_SESSION_ID, id);
	for (i = first; i < first + n; i++) {
		p = nla_nest_start(msg, JUMPING_A_SESSION_PREFIX);
		a4.s_addr = htonl(0x0a630000 + i);	/* 10.99.0.i */
		nla_put(msg, JUMPING_A_PREFIX_IPV4, 4, &a4);
		nla_put_u8(msg, JUMPING_A_PREFIX_LEN, 32);
		nla_nest_end(msg, p);
	}
	nla_nest_end(msg, s);
	return s;
}

/*
 * A session split over three dump messages prints as one record with its
 * prefixes in order; the next session is not merged into it; a part
 * without an id is refused; nothing beyond a nest's 64 KiB.
 */
static void test_merge(void)
{
	struct session_acc acc = { 0 };
	struct nl_msg *m1 = nlmsg_alloc(), *m2 = nlmsg_alloc_size(65536);
	struct nl_msg *m3 = nlmsg_alloc(), *m4 = nlmsg_alloc();
	struct nlattr *n1, *n2, *n3, *n4;
	const char *at;
	unsigned int count = 0;

	n1 = build_session(m1, 1);
	n2 = build_part(m2, 7, 1, 300);
	n3 = build_part(m3, 7, 301, 2);
	n4 = build_part(m4, 8, 1, 1);
	ok(session_acc_add(&acc, n1) == 0, "merge: first part held");
	ok(session_acc_add(&acc, n2) == 0, "merge: second part appended");
	ok(session_acc_add(&acc, n3) == 0, "merge: third part appended");
	ok(session_acc_add(&acc, n4) == 1, "merge: another session is not");
	ok(render(OUT_TEXT, acc.nest) == 0, "merge: the whole session prints");
	for (at = buf; (at = strstr(at, "  allowed: ")); at++)
		count++;
	ok(count == 304, "merge: 2 + 300 + 2 prefixes");
	ok(strstr(buf, "  allowed: fd00::/64\n  allowed: 10.99.0.1/32\n") &&
	   strstr(buf, "  allowed: 10.99.1.46/32\n  primary key id: 3\n"),
	   "merge: prefixes in dump order, after the first part's");
	ok(strstr(buf, "session: 7\n") && !strstr(buf, "session: 8"),
	   "merge: one record, the first part's fields");
	session_acc_reset(&acc);
	ok(session_acc_add(&acc, n4) == 0 && acc.id == 8,
	   "merge: a reset accumulator takes the next session");
	session_acc_reset(&acc);
	nlmsg_free(m1);
	nlmsg_free(m2);
	nlmsg_free(m3);

	m1 = nlmsg_alloc();
	n1 = nla_nest_start(m1, JUMPING_A_SESSION);
	nla_put_u32(m1, JUMPING_A_SESSION_PEER_ID, 2);
	nla_nest_end(m1, n1);
	ok(session_acc_add(&acc, n1) == -EPROTO, "merge: a part without id");
	session_acc_reset(&acc);
	nlmsg_free(m1);

	/* 2100 IPv6-sized prefixes overflow a nest's 16-bit length. */
	m1 = nlmsg_alloc_size(1 << 17);
	ok(session_acc_add(&acc, n4) == 0, "overflow: held");
	n1 = build_part(m1, 8, 0, 1800);
	ok(session_acc_add(&acc, n1) == 0, "overflow: 1800 IPv4 fit");
	ok(session_acc_add(&acc, n1) == -E2BIG, "overflow: refused past 64 KiB");
	session_acc_reset(&acc);
	nlmsg_free(m1);
	nlmsg_free(m4);
}

int main(void)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest = build_session(msg, 1);

	ok(render(OUT_TEXT, nest) == 0, "text: accepted");
	is_str(buf,
	       "session: 7\n"
	       "  peer id: 9\n"
	       "  state: attached\n"
	       "  time in state ms: 1500\n"
	       "  last reason: reattach-validated\n"
	       "  remote: [2001:db8::1]:51820\n"
	       "  local: 2001:db8::2\n"
	       "  out interface: 4\n"
	       "  keepalive ms: 500\n"
	       "  last rx ms ago: 20\n"
	       "  silence ms: 300\n"
	       "  unheard for ms: 450\n"
	       "  liveness: silent\n"
	       "  binding history: [2001:db8::1]:51820 local 2001:db8::2, reattach-validated, 1500 ms ago\n"
	       "  binding history: 192.0.2.1:4500 oif 3, reason 999, 60000 ms ago\n"
	       "  allowed: 10.0.0.0/24\n"
	       "  allowed: fd00::/64\n"
	       "  primary key id: 3\n"
	       "  primary key cipher: chacha20poly1305\n"
	       "  secondary key id: 4\n"
	       "  secondary key cipher: aes256gcm\n"
	       "  rx bytes: 84\n"
	       "  dropped replay: 1\n"
	       "  rx from unknown source: 2\n", "text: every field");

	ok(render(OUT_JSON, nest) == 0, "json: accepted");
	is_str(buf,
	       "{\n"
	       "  \"id\": 7,\n"
	       "  \"peer_id\": 9,\n"
	       "  \"state\": \"attached\",\n"
	       "  \"state_age_ms\": 1500,\n"
	       "  \"reason\": \"reattach-validated\",\n"
	       "  \"remote\": \"[2001:db8::1]:51820\",\n"
	       "  \"local\": \"2001:db8::2\",\n"
	       "  \"ifindex\": 4,\n"
	       "  \"keepalive_ms\": 500,\n"
	       "  \"rx_age_ms\": 20,\n"
	       "  \"silence_ms\": 300,\n"
	       "  \"unheard_ms\": 450,\n"
	       "  \"liveness\": \"silent\",\n"
	       "  \"history\": [\n"
	       "    {\n"
	       "      \"remote\": \"[2001:db8::1]:51820\",\n"
	       "      \"local\": \"2001:db8::2\",\n"
	       "      \"reason\": \"reattach-validated\",\n"
	       "      \"age_ms\": 1500\n"
	       "    },\n"
	       "    {\n"
	       "      \"remote\": \"192.0.2.1:4500\",\n"
	       "      \"ifindex\": 3,\n"
	       "      \"reason\": 999,\n"
	       "      \"age_ms\": 60000\n"
	       "    }\n"
	       "  ],\n"
	       "  \"allowed\": [\n"
	       "    \"10.0.0.0/24\",\n"
	       "    \"fd00::/64\"\n"
	       "  ],\n"
	       "  \"primary_key\": {\n"
	       "    \"key_id\": 3,\n"
	       "    \"cipher\": \"chacha20poly1305\"\n"
	       "  },\n"
	       "  \"secondary_key\": {\n"
	       "    \"key_id\": 4,\n"
	       "    \"cipher\": \"aes256gcm\"\n"
	       "  },\n"
	       "  \"stats\": {\n"
	       "    \"rx_bytes\": 84,\n"
	       "    \"drop_replay\": 1,\n"
	       "    \"rx_unknown_source\": 2\n"
	       "  }\n"
	       "}\n", "json: every field");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	nest = build_session(msg, 0);
	ok(render(OUT_TEXT, nest) < 0, "a session without its id is refused");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	nest = nla_nest_start(msg, JUMPING_A_SESSION);
	nla_put_u32(msg, JUMPING_A_SESSION_ID, 1);
	nla_put_u16(msg, JUMPING_A_SESSION_PEER_ID, 2);	/* u32 expected */
	nla_nest_end(msg, nest);
	ok(render(OUT_TEXT, nest) < 0, "a too-short attribute is refused");
	nlmsg_free(msg);

	test_merge();
	free(buf);
	return tap_done();
}
