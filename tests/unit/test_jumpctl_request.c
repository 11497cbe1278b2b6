// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test for what jumpctl sends (userspace/jumpctl/session_req.c,
 * key_req.c): command lines are parsed, turned into generic netlink
 * requests, and the requests read back with libnl. No socket is opened.
 * Usage errors print to stderr; the TAP lines go to stdout.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdlib.h>
#include <unistd.h>
#include <netlink/genl/genl.h>
#include "tap.h"
#include "jumping_policy.h"
#include "key_req.h"
#include "session_req.h"

#define ARGS(...) \
	((struct args){ sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *), \
			(char *[]){ __VA_ARGS__ } })

static struct jg_sock js = { .family = 0x42 };

/* The request's top-level attributes and its JUMPING_A_SESSION nest. */
static int read_back(struct nl_msg *msg, uint8_t cmd, struct nlattr **tb,
		     struct nlattr **stb)
{
	struct genlmsghdr *g = genlmsg_hdr(nlmsg_hdr(msg));

	if (nlmsg_hdr(msg)->nlmsg_type != js.family || g->cmd != cmd ||
	    g->version != JUMPING_GENL_VERSION)
		return -1;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, JUMPING_A_MAX, jg_policy_top) ||
	    !tb[JUMPING_A_SESSION])
		return -1;
	return nla_parse_nested(stb, JUMPING_A_SESSION_MAX,
				tb[JUMPING_A_SESSION], jg_policy_session);
}

static void test_session_add(void)
{
	struct args a = ARGS("jp0", "id", "7", "peer-id", "0x9", "remote",
			     "192.0.2.1:51820", "local", "192.0.2.2", "allowed",
			     "10.0.0.0/24,10.1.0.0/16", "fd00::/64");
	struct nlattr *tb[JUMPING_A_MAX + 1], *stb[JUMPING_A_SESSION_MAX + 1];
	struct nlattr *btb[JUMPING_A_BINDING_MAX + 1];
	struct nlattr *ptb[JUMPING_A_PREFIX_MAX + 1], *pos;
	struct session_args s;
	struct nl_msg *msg;
	struct in_addr a4;
	int rem, n = 0, v6 = 0;

	ok(parse_session_args(&a, &s, true) == 0, "session add: parsed");
	ok(s.n_prefixes == 3, "session add: comma list and bare prefix");
	msg = session_msg(&js, JUMPING_CMD_SESSION_NEW, &s);
	ok(msg && read_back(msg, JUMPING_CMD_SESSION_NEW, tb, stb) == 0,
	   "session add: SESSION_NEW with a session nest");
	is_str(tb[JUMPING_A_IFNAME] ? nla_get_string(tb[JUMPING_A_IFNAME]) : NULL,
	       "jp0", "session add: device by name");
	ok(stb[JUMPING_A_SESSION_ID] &&
	   nla_get_u32(stb[JUMPING_A_SESSION_ID]) == 7, "session add: id");
	ok(stb[JUMPING_A_SESSION_PEER_ID] &&
	   nla_get_u32(stb[JUMPING_A_SESSION_PEER_ID]) == 9,
	   "session add: peer id (hex accepted)");
	ok(stb[JUMPING_A_SESSION_BINDING] &&
	   !nla_parse_nested(btb, JUMPING_A_BINDING_MAX,
			     stb[JUMPING_A_SESSION_BINDING], jg_policy_binding),
	   "session add: binding nest");
	inet_pton(AF_INET, "192.0.2.1", &a4);
	ok(btb[JUMPING_A_BINDING_REMOTE_IPV4] &&
	   nla_get_u32(btb[JUMPING_A_BINDING_REMOTE_IPV4]) == a4.s_addr,
	   "session add: remote IPv4 in network order");
	ok(btb[JUMPING_A_BINDING_REMOTE_PORT] &&
	   nla_get_u16(btb[JUMPING_A_BINDING_REMOTE_PORT]) == htons(51820),
	   "session add: remote port big endian");
	inet_pton(AF_INET, "192.0.2.2", &a4);
	ok(btb[JUMPING_A_BINDING_LOCAL_IPV4] &&
	   nla_get_u32(btb[JUMPING_A_BINDING_LOCAL_IPV4]) == a4.s_addr &&
	   !btb[JUMPING_A_BINDING_REMOTE_IPV6], "session add: local IPv4");
	nla_for_each_nested(pos, tb[JUMPING_A_SESSION], rem) {
		if (nla_type(pos) != JUMPING_A_SESSION_PREFIX ||
		    nla_parse_nested(ptb, JUMPING_A_PREFIX_MAX, pos,
				     jg_policy_prefix) ||
		    !ptb[JUMPING_A_PREFIX_LEN])
			continue;
		n++;
		if (ptb[JUMPING_A_PREFIX_IPV6] &&
		    nla_get_u8(ptb[JUMPING_A_PREFIX_LEN]) == 64)
			v6++;
	}
	ok(n == 3 && v6 == 1, "session add: three prefix nests, one IPv6 /64");
	nlmsg_free(msg);
}

static void test_session_errors(void)
{
	struct args a1 = ARGS("jp0", "peer-id", "2");
	struct args a2 = ARGS("jp0", "id", "0");
	struct args a3 = ARGS("jp0", "id", "1", "remote", "[::1]:5", "local",
			      "127.0.0.1");
	struct args a4 = ARGS("jp0", "id", "1", "remote", "::1:5");
	struct args a5 = ARGS("jp0", "id", "1", "peer-id", "2");
	struct args a6 = ARGS("jp0", "id", "1", "allowed", "10.0.0.1/24");
	struct args a7 = ARGS("jp0", "id");
	struct args a8 = ARGS("jp0", "id", "1", "colour", "blue");
	struct args a9 = ARGS("a-device-name-too-long", "id", "1");
	struct session_args s;

	ok(parse_session_args(&a1, &s, true) == EXIT_USAGE, "session: id required");
	ok(parse_session_args(&a2, &s, true) == EXIT_USAGE, "session: id 0 refused");
	ok(parse_session_args(&a3, &s, true) == EXIT_USAGE,
	   "session: local/remote family mismatch refused");
	ok(parse_session_args(&a4, &s, true) == EXIT_USAGE,
	   "session: bare IPv6 endpoint refused");
	ok(parse_session_args(&a5, &s, false) == EXIT_USAGE,
	   "session del: only id");
	ok(parse_session_args(&a6, &s, true) == EXIT_USAGE,
	   "session: prefix with host bits refused");
	ok(parse_session_args(&a7, &s, true) == EXIT_USAGE,
	   "session: keyword without value refused");
	ok(parse_session_args(&a8, &s, true) == EXIT_USAGE,
	   "session: unknown keyword refused");
	ok(parse_session_args(&a9, &s, true) == EXIT_USAGE,
	   "session: device name over IFNAMSIZ refused");
}

/* keepalive, state and reason: the attributes and what is refused. */
static void test_session_liveness(void)
{
	struct args set = ARGS("jp0", "id", "7", "keepalive", "500ms", "state",
			       "volatile", "reason", "rx-silence");
	struct args off = ARGS("jp0", "id", "7", "keepalive", "off");
	struct args bind = ARGS("jp0", "id", "7", "remote", "192.0.2.1:51820",
				"reason", "reattach-validated");
	struct args lone = ARGS("jp0", "id", "7", "reason", "rx-silence");
	struct args bad_state = ARGS("jp0", "id", "7", "state", "asleep");
	struct args bad_reason = ARGS("jp0", "id", "7", "state", "attached",
				      "reason", "because");
	struct args long_ka = ARGS("jp0", "id", "7", "keepalive", "601s");
	struct nlattr *tb[JUMPING_A_MAX + 1], *stb[JUMPING_A_SESSION_MAX + 1];
	struct session_args s;
	struct nl_msg *msg;

	ok(parse_session_args(&set, &s, true) == 0, "session set: liveness parsed");
	msg = session_msg(&js, JUMPING_CMD_SESSION_SET, &s);
	ok(msg && read_back(msg, JUMPING_CMD_SESSION_SET, tb, stb) == 0,
	   "session set: SESSION_SET with a session nest");
	ok(stb[JUMPING_A_SESSION_KEEPALIVE_MS] &&
	   nla_get_u32(stb[JUMPING_A_SESSION_KEEPALIVE_MS]) == 500,
	   "session set: keepalive 500 ms");
	ok(stb[JUMPING_A_SESSION_STATE] &&
	   nla_get_u8(stb[JUMPING_A_SESSION_STATE]) == JUMPING_STATE_VOLATILE,
	   "session set: state volatile");
	ok(stb[JUMPING_A_SESSION_REASON] &&
	   nla_get_u16(stb[JUMPING_A_SESSION_REASON]) ==
	   JUMPING_REASON_RX_SILENCE, "session set: reason rx-silence");
	ok(!stb[JUMPING_A_SESSION_BINDING], "session set: no binding");
	nlmsg_free(msg);

	ok(parse_session_args(&off, &s, true) == 0, "keepalive off: parsed");
	msg = session_msg(&js, JUMPING_CMD_SESSION_SET, &s);
	ok(msg && read_back(msg, JUMPING_CMD_SESSION_SET, tb, stb) == 0 &&
	   stb[JUMPING_A_SESSION_KEEPALIVE_MS] &&
	   nla_get_u32(stb[JUMPING_A_SESSION_KEEPALIVE_MS]) == 0 &&
	   !stb[JUMPING_A_SESSION_STATE] && !stb[JUMPING_A_SESSION_REASON],
	   "keepalive off: 0 and nothing else");
	nlmsg_free(msg);

	ok(parse_session_args(&bind, &s, true) == 0, "binding set reason: parsed");
	msg = session_msg(&js, JUMPING_CMD_BINDING_SET, &s);
	ok(msg && read_back(msg, JUMPING_CMD_BINDING_SET, tb, stb) == 0 &&
	   stb[JUMPING_A_SESSION_BINDING] && stb[JUMPING_A_SESSION_REASON] &&
	   nla_get_u16(stb[JUMPING_A_SESSION_REASON]) ==
	   JUMPING_REASON_REATTACH_VALIDATED,
	   "binding set: binding and reason");
	nlmsg_free(msg);

	ok(parse_session_args(&lone, &s, true) == EXIT_USAGE,
	   "reason without state or binding refused");
	ok(parse_session_args(&bad_state, &s, true) == EXIT_USAGE,
	   "unknown state refused");
	ok(parse_session_args(&bad_reason, &s, true) == EXIT_USAGE,
	   "unknown reason refused");
	ok(parse_session_args(&long_ka, &s, true) == EXIT_USAGE,
	   "keepalive above 600s refused");
}

/* silence and oif: the attributes, and what is refused. */
static void test_session_silence_oif(void)
{
	struct args set = ARGS("jp0", "id", "7", "silence", "300ms");
	struct args off = ARGS("jp0", "id", "7", "silence", "off");
	struct args bind = ARGS("jp0", "id", "7", "remote", "192.0.2.1:51820",
				"local", "192.0.2.2", "oif", "3");
	struct args lo = ARGS("jp0", "id", "7", "remote", "192.0.2.1:51820",
			      "oif", "lo");
	struct args short_s = ARGS("jp0", "id", "7", "silence", "5ms");
	struct args long_s = ARGS("jp0", "id", "7", "silence", "601s");
	struct args no_if = ARGS("jp0", "id", "7", "oif", "no-such-if0");
	struct nlattr *tb[JUMPING_A_MAX + 1], *stb[JUMPING_A_SESSION_MAX + 1];
	struct nlattr *btb[JUMPING_A_BINDING_MAX + 1];
	struct session_args s;
	struct nl_msg *msg;

	ok(parse_session_args(&set, &s, true) == 0, "silence: parsed");
	msg = session_msg(&js, JUMPING_CMD_SESSION_SET, &s);
	ok(msg && read_back(msg, JUMPING_CMD_SESSION_SET, tb, stb) == 0 &&
	   stb[JUMPING_A_SESSION_SILENCE_MS] &&
	   nla_get_u32(stb[JUMPING_A_SESSION_SILENCE_MS]) == 300 &&
	   !stb[JUMPING_A_SESSION_KEEPALIVE_MS] &&
	   !stb[JUMPING_A_SESSION_BINDING], "silence: 300 ms and nothing else");
	nlmsg_free(msg);

	ok(parse_session_args(&off, &s, true) == 0, "silence off: parsed");
	msg = session_msg(&js, JUMPING_CMD_SESSION_SET, &s);
	ok(msg && read_back(msg, JUMPING_CMD_SESSION_SET, tb, stb) == 0 &&
	   stb[JUMPING_A_SESSION_SILENCE_MS] &&
	   nla_get_u32(stb[JUMPING_A_SESSION_SILENCE_MS]) == 0,
	   "silence off: 0");
	nlmsg_free(msg);

	ok(parse_session_args(&bind, &s, true) == 0, "oif by index: parsed");
	msg = session_msg(&js, JUMPING_CMD_BINDING_SET, &s);
	ok(msg && read_back(msg, JUMPING_CMD_BINDING_SET, tb, stb) == 0 &&
	   stb[JUMPING_A_SESSION_BINDING] &&
	   !nla_parse_nested(btb, JUMPING_A_BINDING_MAX,
			     stb[JUMPING_A_SESSION_BINDING], jg_policy_binding) &&
	   btb[JUMPING_A_BINDING_IFINDEX] &&
	   nla_get_u32(btb[JUMPING_A_BINDING_IFINDEX]) == 3 &&
	   btb[JUMPING_A_BINDING_LOCAL_IPV4],
	   "oif: in the binding nest with the local address");
	nlmsg_free(msg);

	ok(parse_session_args(&lo, &s, true) == 0 && s.has_oif &&
	   s.oif == if_nametoindex("lo"), "oif by name");
	ok(parse_session_args(&short_s, &s, true) == EXIT_USAGE,
	   "silence below 10ms refused");
	ok(parse_session_args(&long_s, &s, true) == EXIT_USAGE,
	   "silence above 600s refused");
	ok(parse_session_args(&no_if, &s, true) == EXIT_USAGE,
	   "oif of no interface refused");
}

static void test_key_add(void)
{
	static const char dec_hex[] =
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
	char path[] = "/tmp/jumpctl-test-key.XXXXXX";
	struct nlattr *tb[JUMPING_A_MAX + 1], *stb[JUMPING_A_SESSION_MAX + 1];
	struct nlattr *ktb[JUMPING_A_KEYCONF_MAX + 1];
	uint8_t want_enc[JUMPING_KEY_LEN], want_dec[JUMPING_KEY_LEN];
	struct key_args k = { 0 };
	struct nl_msg *msg;
	int fd, i;

	for (i = 0; i < JUMPING_KEY_LEN; i++) {
		want_dec[i] = (uint8_t)i;
		want_enc[i] = 0xaa;
	}
	fd = mkstemp(path);
	dprintf(fd, "  qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqo=\n");
	close(fd);
	{
		struct args a = ARGS("jp0", "id", "7", "slot", "secondary",
				     "key-id", "5", "cipher", "aes256gcm",
				     "enc-key-file", path, "dec-key",
				     (char *)dec_hex, "reject-after", "5000");

		ok(parse_key_args(&a, &k) == 0, "key add: parsed");
	}
	unlink(path);
	ok(k.has_enc && !memcmp(k.enc, want_enc, sizeof(want_enc)),
	   "key add: enc key from a base64 file");
	ok(k.has_dec && !memcmp(k.dec, want_dec, sizeof(want_dec)),
	   "key add: dec key from hex");
	msg = key_msg(&js, JUMPING_CMD_KEY_NEW, &k);
	ok(msg && read_back(msg, JUMPING_CMD_KEY_NEW, tb, stb) == 0 &&
	   stb[JUMPING_A_SESSION_ID] &&
	   nla_get_u32(stb[JUMPING_A_SESSION_ID]) == 7,
	   "key add: KEY_NEW for session 7");
	ok(stb[JUMPING_A_SESSION_KEYCONF] &&
	   !nla_parse_nested(ktb, JUMPING_A_KEYCONF_MAX,
			     stb[JUMPING_A_SESSION_KEYCONF], jg_policy_keyconf),
	   "key add: keyconf nest");
	ok(ktb[JUMPING_A_KEYCONF_SLOT] &&
	   nla_get_u8(ktb[JUMPING_A_KEYCONF_SLOT]) == JUMPING_KEY_SLOT_SECONDARY &&
	   ktb[JUMPING_A_KEYCONF_KEY_ID] &&
	   nla_get_u8(ktb[JUMPING_A_KEYCONF_KEY_ID]) == 5 &&
	   ktb[JUMPING_A_KEYCONF_CIPHER] &&
	   nla_get_u8(ktb[JUMPING_A_KEYCONF_CIPHER]) == JUMPING_CIPHER_AES256GCM,
	   "key add: slot, key id, cipher");
	ok(ktb[JUMPING_A_KEYCONF_ENCRYPT_KEY] &&
	   nla_len(ktb[JUMPING_A_KEYCONF_ENCRYPT_KEY]) == JUMPING_KEY_LEN &&
	   !memcmp(nla_data(ktb[JUMPING_A_KEYCONF_ENCRYPT_KEY]), want_enc,
		   JUMPING_KEY_LEN) &&
	   ktb[JUMPING_A_KEYCONF_DECRYPT_KEY] &&
	   !memcmp(nla_data(ktb[JUMPING_A_KEYCONF_DECRYPT_KEY]), want_dec,
		   JUMPING_KEY_LEN), "key add: both keys, 32 bytes each");
	ok(ktb[JUMPING_A_KEYCONF_REJECT_AFTER_MS] &&
	   nla_get_u32(ktb[JUMPING_A_KEYCONF_REJECT_AFTER_MS]) == 5000,
	   "key add: reject-after as the key's hard age");
	nlmsg_free(msg);
}

static void test_key_swap_del(void)
{
	struct args swap = ARGS("jp0", "id", "7");
	struct args del = ARGS("jp0", "id", "7", "slot", "primary");
	struct args bad = ARGS("jp0", "id", "7", "key-id", "8");
	struct nlattr *tb[JUMPING_A_MAX + 1], *stb[JUMPING_A_SESSION_MAX + 1];
	struct nlattr *ktb[JUMPING_A_KEYCONF_MAX + 1];
	struct key_args k = { 0 };
	struct nl_msg *msg;

	ok(parse_key_args(&swap, &k) == 0, "key swap: parsed");
	msg = key_msg(&js, JUMPING_CMD_KEY_SWAP, &k);
	ok(msg && read_back(msg, JUMPING_CMD_KEY_SWAP, tb, stb) == 0 &&
	   stb[JUMPING_A_SESSION_ID] && !stb[JUMPING_A_SESSION_KEYCONF],
	   "key swap: session id only");
	nlmsg_free(msg);

	memset(&k, 0, sizeof(k));
	ok(parse_key_args(&del, &k) == 0, "key del: parsed");
	msg = key_msg(&js, JUMPING_CMD_KEY_DEL, &k);
	ok(msg && read_back(msg, JUMPING_CMD_KEY_DEL, tb, stb) == 0 &&
	   stb[JUMPING_A_SESSION_KEYCONF] &&
	   !nla_parse_nested(ktb, JUMPING_A_KEYCONF_MAX,
			     stb[JUMPING_A_SESSION_KEYCONF], jg_policy_keyconf) &&
	   ktb[JUMPING_A_KEYCONF_SLOT] && !ktb[JUMPING_A_KEYCONF_ENCRYPT_KEY],
	   "key del: keyconf with the slot only");
	nlmsg_free(msg);

	memset(&k, 0, sizeof(k));
	ok(parse_key_args(&bad, &k) == EXIT_USAGE, "key: key-id 8 refused");
}

int main(void)
{
	test_session_add();
	test_session_errors();
	test_session_liveness();
	test_session_silence_oif();
	test_key_add();
	test_key_swap_del();
	return tap_done();
}
