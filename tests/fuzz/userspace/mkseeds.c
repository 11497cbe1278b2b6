// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the binary seed corpora (corpus/<target>/) of the codec and
 * netlink targets: one valid message of each kind, made by the real
 * encoders under the keys of fuzz_keys.h, so that mutations start past
 * the MAC and shape checks. The text corpora (config, json, parse) are
 * written by hand. Run by `make seeds`; the output is committed.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sodium.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include "cookie.h"
#include "fuzz.h"
#include "fuzz_keys.h"
#include "handshake.h"
#include "hs_msg.h"
#include "probe.h"
#include "reattach.h"

static const char *root;

static void put(const char *target, const char *name, const void *buf,
		size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", root, target, name);
	f = fopen(path, "wb");
	FUZZ_CHECK(f && fwrite(buf, 1, len, f) == len && !fclose(f));
}

static void handshake(void)
{
	uint8_t init_pub[32], resp_pub[32], m1[JP_HS_INIT_WIRE_LEN];
	uint8_t m2[JP_HS_RESP_LEN], buf[JP_COOKIE_REPLY_LEN], peer[32];
	uint8_t key[32], cookie[JP_COOKIE_LEN] = { 1, 2, 3 };
	struct jp_hs_init_payload ipl = { .sender_id = 0x01020304, .key_id = 1 };
	struct jp_hs_resp_payload rpl = { .sender_id = 0x0a0b0c0d,
					  .receiver_id = 0x01020304 };
	struct jp_hs_init_payload got;
	struct jp_hs_keys keys;
	struct jp_hs ini, rsp;
	size_t n;

	crypto_scalarmult_base(init_pub, fuzz_init_priv);
	crypto_scalarmult_base(resp_pub, fuzz_resp_priv);
	jp_hs_timestamp(ipl.timestamp, 1700000000, 5);
	FUZZ_CHECK(!jp_hs_initiate(&ini, fuzz_init_priv, resp_pub, fuzz_psk,
				   &ipl, m1));
	put("handshake", "init", m1, JP_HS_INIT_LEN);
	jp_hs_mac2_put(m1, cookie);
	put("handshake", "init-wire-mac2", m1, JP_HS_INIT_WIRE_LEN);
	FUZZ_CHECK(!jp_hs_respond_read(&rsp, fuzz_resp_priv, m1,
				       JP_HS_INIT_LEN, peer, &got));
	FUZZ_CHECK(!jp_hs_respond_write(&rsp, fuzz_psk, peer, &rpl, m2, &keys));
	put("handshake", "resp", m2, sizeof(m2));
	n = jp_hs_confirm_encode(buf, fuzz_ctl_key, FUZZ_DIR, FUZZ_SESSION_ID,
				 1, 42);
	put("handshake", "confirm", buf, n);
	jp_cookie_reply_key(key, resp_pub);
	memset(m1, 0, JP_HS_MAC1_LEN);
	n = jp_cookie_reply_encode(buf, key, m1, cookie);
	put("handshake", "cookie-reply", buf, n);
	jp_hs_init_payload_encode(buf, &ipl);
	put("handshake", "init-payload", buf, JP_HS_INIT_PAYLOAD_LEN);
}

static void reattach_and_probe(void)
{
	struct jp_binding v4 = { .family = AF_INET, .addr = { 192, 0, 2, 1 },
				 .port = 51820 };
	struct jp_binding v6 = { .family = AF_INET6, .port = 4500,
				 .addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
	uint8_t nonce[JP_REATTACH_NONCE_LEN] = { 7, 7, 7 };
	uint8_t tok[JP_PROBE_TOKEN_LEN] = { 9, 9 };
	uint8_t b[128];
	const uint8_t *k = fuzz_ctl_key;
	uint32_t id = FUZZ_SESSION_ID;
	size_t n;

	n = jp_reattach_encode_request(b, k, FUZZ_DIR, id, 1000, &v4);
	put("reattach", "request-v4", b, n);
	n = jp_reattach_encode_request(b, k, FUZZ_DIR, id, 1001, &v6);
	put("reattach", "request-v6", b, n);
	n = jp_reattach_encode_solicit(b, k, FUZZ_DIR, id, 5, &v4);
	put("reattach", "solicit", b, n);
	n = jp_reattach_encode_challenge(b, k, FUZZ_DIR, id, 1000, &v6, nonce);
	put("reattach", "challenge", b, n);
	n = jp_reattach_encode_response(b, k, FUZZ_DIR, id, 1000, &v4, nonce);
	put("reattach", "response", b, n);

	n = jp_probe_encode_probe(b, k, FUZZ_DIR, id, 77, 3, tok);
	put("probe", "probe", b, n);
	n = jp_probe_encode_probe(b, k, FUZZ_DIR, id, 78, 4, NULL);
	put("probe", "probe-no-token", b, n);
	n = jp_probe_encode_echo(b, k, FUZZ_DIR, id, 77, 3, &v6, tok);
	put("probe", "echo", b, n);
	n = jp_probe_encode_switch(b, k, FUZZ_DIR, id, 2000, &v4, tok);
	put("probe", "switch", b, n);
	n = jp_probe_encode_switch_ack(b, k, FUZZ_DIR, id, 2000, &v4);
	put("probe", "switch-ack", b, n);
}

/* A message's command and attributes, as fuzz_nl.h takes them. */
static void put_nl(const char *name, struct nl_msg *m)
{
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	int len = genlmsg_attrlen(gh, 0);
	uint8_t buf[4096];

	FUZZ_CHECK(len >= 0 && (size_t)len < sizeof(buf));
	buf[0] = gh->cmd;
	memcpy(buf + 1, genlmsg_attrdata(gh, 0), (size_t)len);
	put("nl_jumpd", name, buf, (size_t)len + 1);
	put("nl_jumpctl", name, buf, (size_t)len + 1);
	nlmsg_free(m);
}

static struct nl_msg *msg(uint8_t cmd)
{
	struct nl_msg *m = nlmsg_alloc();

	FUZZ_CHECK(m && genlmsg_put(m, 0, 0, 0x20, 0, 0, cmd, 1));
	FUZZ_CHECK(!nla_put_u32(m, JUMPING_A_IFINDEX, 7));
	return m;
}

static void binding(struct nl_msg *m, int attr, bool v6)
{
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct nlattr *n = nla_nest_start(m, attr);
	uint32_t a4 = htonl(0xc0000202);

	if (v6)
		nla_put(m, JUMPING_A_BINDING_REMOTE_IPV6, 16, a6);
	else
		nla_put(m, JUMPING_A_BINDING_REMOTE_IPV4, 4, &a4);
	nla_put_u16(m, JUMPING_A_BINDING_REMOTE_PORT, htons(51820));
	nla_put(m, JUMPING_A_BINDING_LOCAL_IPV4, 4, &a4);
	nla_put_u32(m, JUMPING_A_BINDING_IFINDEX, 3);
	nla_nest_end(m, n);
}

static void netlink(void)
{
	struct nlattr *s, *n;
	struct nl_msg *m;
	uint8_t pkt[8] = { 4, 1, 2, 0, 0x11, 0x22, 0x33, 0x44 };
	uint32_t p4 = htonl(0x0a000000);

	m = msg(JUMPING_CMD_STATE_NTF);
	s = nla_nest_start(m, JUMPING_A_SESSION);
	nla_put_u32(m, JUMPING_A_SESSION_ID, 1111);
	nla_put_u32(m, JUMPING_A_SESSION_PEER_ID, 2222);
	nla_put_u8(m, JUMPING_A_SESSION_OLD_STATE, 1);
	nla_put_u8(m, JUMPING_A_SESSION_STATE, 2);
	nla_put_u16(m, JUMPING_A_SESSION_REASON, 3);
	binding(m, JUMPING_A_SESSION_BINDING, false);
	nla_nest_end(m, s);
	put_nl("state-ntf", m);

	m = msg(JUMPING_CMD_PACKET_RX_NTF);
	nla_put(m, JUMPING_A_PACKET, sizeof(pkt), pkt);
	binding(m, JUMPING_A_BINDING, true);
	put_nl("packet-rx-ntf", m);

	m = msg(JUMPING_CMD_SILENCE_NTF);
	s = nla_nest_start(m, JUMPING_A_SESSION);
	nla_put_u32(m, JUMPING_A_SESSION_ID, 1111);
	nla_put_u8(m, JUMPING_A_SESSION_LIVENESS, 1);
	nla_put_u64(m, JUMPING_A_SESSION_UNHEARD_MS, 1500);
	nla_put_u64(m, JUMPING_A_SESSION_RX_AGE_MS, 2500);
	binding(m, JUMPING_A_SESSION_SOURCE, true);
	nla_nest_end(m, s);
	put_nl("silence-ntf", m);

	m = msg(JUMPING_CMD_SESSION_DEL_NTF);
	nla_put_string(m, JUMPING_A_IFNAME, "jp0");
	nla_put_u32(m, JUMPING_A_SESSION_COUNT, 2);
	nla_put_u16(m, JUMPING_A_REASON, 4);
	s = nla_nest_start(m, JUMPING_A_SESSION);
	nla_put_u32(m, JUMPING_A_SESSION_ID, 1111);
	nla_nest_end(m, s);
	put_nl("session-del-ntf", m);

	/* A SESSION_GET reply: prefixes, a key slot, counters. */
	m = msg(JUMPING_CMD_SESSION_GET);
	s = nla_nest_start(m, JUMPING_A_SESSION);
	nla_put_u32(m, JUMPING_A_SESSION_ID, 1111);
	nla_put_u8(m, JUMPING_A_SESSION_STATE, 1);
	nla_put_u64(m, JUMPING_A_SESSION_STATE_AGE_MS, 99);
	nla_put_u32(m, JUMPING_A_SESSION_KEEPALIVE_MS, 25000);
	binding(m, JUMPING_A_SESSION_BINDING, false);
	n = nla_nest_start(m, JUMPING_A_SESSION_PREFIX);
	nla_put(m, JUMPING_A_PREFIX_IPV4, 4, &p4);
	nla_put_u8(m, JUMPING_A_PREFIX_LEN, 8);
	nla_nest_end(m, n);
	n = nla_nest_start(m, JUMPING_A_SESSION_KEYCONF);
	nla_put_u8(m, JUMPING_A_KEYCONF_SLOT, 0);
	nla_put_u8(m, JUMPING_A_KEYCONF_KEY_ID, 1);
	nla_nest_end(m, n);
	n = nla_nest_start(m, JUMPING_A_SESSION_STATS);
	nla_put_u64(m, JUMPING_A_STATS_RX_PACKETS, 10);
	nla_put_u64(m, JUMPING_A_STATS_TX_BYTES, 1000);
	nla_nest_end(m, n);
	nla_nest_end(m, s);
	n = nla_nest_start(m, JUMPING_A_DEV_STATS);
	nla_put_u64(m, JUMPING_A_STATS_DROP_REPLAY, 3);
	nla_nest_end(m, n);
	put_nl("session-get-reply", m);
}

int main(int argc, char **argv)
{
	FUZZ_CHECK(argc == 2 && sodium_init() >= 0);
	root = argv[1];
	handshake();
	reattach_and_probe();
	netlink();
	return 0;
}
