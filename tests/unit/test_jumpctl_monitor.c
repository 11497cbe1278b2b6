// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test for jumpctl monitor's lines (userspace/jumpctl/
 * monitor_event.c): events built with libnl as the kernel sends them,
 * printed as text and as one JSON object per line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <linux/jumping.h>
#include "tap.h"
#include "jumping_policy.h"
#include "monitor_event.h"

static char *buf;
static size_t len;

static void put_binding4(struct nl_msg *msg, int type, const char *remote,
			 uint16_t port, const char *local)
{
	struct nlattr *n = nla_nest_start(msg, type);
	struct in_addr a4;

	inet_pton(AF_INET, remote, &a4);
	nla_put(msg, JUMPING_A_BINDING_REMOTE_IPV4, 4, &a4);
	nla_put_u16(msg, JUMPING_A_BINDING_REMOTE_PORT, htons(port));
	if (local) {
		inet_pton(AF_INET, local, &a4);
		nla_put(msg, JUMPING_A_BINDING_LOCAL_IPV4, 4, &a4);
	}
	nla_nest_end(msg, n);
}

/* Parse msg's attributes as monitor does and print event cmd. */
static int render(struct nl_msg *msg, enum out_mode mode, uint8_t cmd,
		  const char *dev)
{
	struct nlattr *top[JUMPING_A_MAX + 1];
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	FILE *f;
	int ret;

	if (nla_parse(top, JUMPING_A_MAX, nlmsg_attrdata(nlh, 0),
		      nlmsg_attrlen(nlh, 0), jg_policy_top))
		return -1;
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	ret = print_event(f, mode, cmd, top, dev);
	fclose(f);
	return ret;
}

static struct nl_msg *state_event(void)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *s;

	nla_put_u32(msg, JUMPING_A_IFINDEX, 5);
	s = nla_nest_start(msg, JUMPING_A_SESSION);
	nla_put_u32(msg, JUMPING_A_SESSION_ID, 1111);
	nla_put_u8(msg, JUMPING_A_SESSION_OLD_STATE, JUMPING_STATE_ATTACHED);
	nla_put_u8(msg, JUMPING_A_SESSION_STATE, JUMPING_STATE_VOLATILE);
	nla_put_u16(msg, JUMPING_A_SESSION_REASON, JUMPING_REASON_RX_SILENCE);
	put_binding4(msg, JUMPING_A_SESSION_BINDING, "192.0.2.2", 51820,
		     "192.0.2.1");
	nla_nest_end(msg, s);
	return msg;
}

int main(void)
{
	struct nl_msg *msg = state_event();
	struct nlattr *s, *c;
	const uint8_t packet[] = { 2, 0, 0xc0, 0xff, 0xee };

	ok(render(msg, OUT_TEXT, JUMPING_CMD_STATE_NTF, "jp0") == 0,
	   "state: text");
	is_str(buf, "state dev jp0 session 1111 old_state attached state volatile"
	       " reason rx-silence remote 192.0.2.2:51820 local 192.0.2.1\n",
	       "state: text line");
	ok(render(msg, OUT_JSON, JUMPING_CMD_STATE_NTF, "jp0") == 0,
	   "state: json");
	is_str(buf, "{\"event\": \"state\", \"dev\": \"jp0\", \"session\": 1111,"
	       " \"old_state\": \"attached\", \"state\": \"volatile\","
	       " \"reason\": \"rx-silence\", \"remote\": \"192.0.2.2:51820\","
	       " \"local\": \"192.0.2.1\"}\n", "state: json line");
	ok(render(msg, OUT_TEXT, JUMPING_CMD_STATE_NTF, NULL) == 0 &&
	   !strncmp(buf, "state ifindex 5 session 1111", 28),
	   "state: ifindex when the name is unknown");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	nla_put_u32(msg, JUMPING_A_IFINDEX, 5);
	s = nla_nest_start(msg, JUMPING_A_SESSION);
	nla_put_u32(msg, JUMPING_A_SESSION_ID, 2222);
	nla_put_u32(msg, JUMPING_A_SESSION_PEER_ID, 1111);
	put_binding4(msg, JUMPING_A_SESSION_SOURCE, "192.0.2.11", 51820,
		     "192.0.2.2");
	nla_nest_end(msg, s);
	ok(render(msg, OUT_TEXT, JUMPING_CMD_UNKNOWN_SOURCE_NTF, "jp0") == 0,
	   "unknown source: text");
	is_str(buf, "unknown-source dev jp0 session 2222 peer_id 1111"
	       " source 192.0.2.11:51820 to 192.0.2.2\n",
	       "unknown source: text line");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	nla_put_u32(msg, JUMPING_A_IFINDEX, 5);
	s = nla_nest_start(msg, JUMPING_A_SESSION);
	nla_put_u32(msg, JUMPING_A_SESSION_ID, 7);
	nla_put_u16(msg, JUMPING_A_SESSION_REASON, JUMPING_REASON_KEY_EXHAUSTED);
	c = nla_nest_start(msg, JUMPING_A_SESSION_KEYCONF);
	nla_put_u8(msg, JUMPING_A_KEYCONF_KEY_ID, 3);
	nla_nest_end(msg, c);
	nla_nest_end(msg, s);
	ok(render(msg, OUT_JSON, JUMPING_CMD_KEY_SWAP_NTF, "jp0") == 0,
	   "key exhausted: json");
	is_str(buf, "{\"event\": \"key-exhausted\", \"dev\": \"jp0\","
	       " \"session\": 7, \"reason\": \"key-exhausted\", \"key_id\": 3}\n",
	       "key exhausted: json line");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	nla_put_u32(msg, JUMPING_A_IFINDEX, 5);
	s = nla_nest_start(msg, JUMPING_A_SESSION);
	nla_put_u32(msg, JUMPING_A_SESSION_ID, 7);
	nla_put_u32(msg, JUMPING_A_SESSION_PEER_ID, 8);
	nla_put_u16(msg, JUMPING_A_SESSION_REASON, JUMPING_REASON_DEVICE_GONE);
	nla_nest_end(msg, s);
	ok(render(msg, OUT_TEXT, JUMPING_CMD_SESSION_DEL_NTF, "jp0") == 0,
	   "session del: text");
	is_str(buf, "session-del dev jp0 session 7 peer_id 8 reason device-gone\n",
	       "session del: text line");
	nlmsg_free(msg);

	/* The device is being deleted: its own name, not the caller's. */
	msg = nlmsg_alloc();
	nla_put_u32(msg, JUMPING_A_IFINDEX, 5);
	nla_put_string(msg, JUMPING_A_IFNAME, "jp7");
	nla_put_u32(msg, JUMPING_A_SESSION_COUNT, 100000);
	nla_put_u16(msg, JUMPING_A_REASON, JUMPING_REASON_DEVICE_GONE);
	ok(render(msg, OUT_TEXT, JUMPING_CMD_SESSIONS_FLUSHED_NTF, NULL) == 0,
	   "sessions flushed: text");
	is_str(buf, "sessions-flushed dev jp7 sessions 100000 reason device-gone\n",
	       "sessions flushed: text line, the name from the event");
	ok(render(msg, OUT_JSON, JUMPING_CMD_SESSIONS_FLUSHED_NTF, NULL) == 0,
	   "sessions flushed: json");
	is_str(buf, "{\"event\": \"sessions-flushed\", \"dev\": \"jp7\","
	       " \"sessions\": 100000, \"reason\": \"device-gone\"}\n",
	       "sessions flushed: json line");
	nlmsg_free(msg);

	/* Found by tests/fuzz/userspace (nl_jumpctl): a name is bytes, and
	 * one with a newline made two lines of one event. */
	msg = nlmsg_alloc();
	nla_put_string(msg, JUMPING_A_IFNAME, "jp\nstate dev x\x7f");
	nla_put_u32(msg, JUMPING_A_SESSION_COUNT, 1);
	ok(render(msg, OUT_TEXT, JUMPING_CMD_SESSIONS_FLUSHED_NTF, NULL) == 0,
	   "control characters in a name: text");
	is_str(buf, "sessions-flushed dev jp?state dev x? sessions 1\n",
	       "control characters in a name: one line, replaced");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	nla_put_u32(msg, JUMPING_A_IFINDEX, 5);
	nla_put(msg, JUMPING_A_PACKET, sizeof(packet), packet);
	put_binding4(msg, JUMPING_A_BINDING, "192.0.2.1", 51820, "192.0.2.2");
	ok(render(msg, OUT_TEXT, JUMPING_CMD_PACKET_RX_NTF, "jp0") == 0,
	   "control rx: text");
	is_str(buf, "control-rx dev jp0 type 2 len 5 from 192.0.2.1:51820"
	       " to 192.0.2.2\n", "control rx: text line");
	ok(render(msg, OUT_TEXT, JUMPING_CMD_SESSION_GET, "jp0") == -ENOENT &&
	   len == 0, "a reply is no event: nothing printed");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	nla_put_u32(msg, JUMPING_A_IFINDEX, 5);
	s = nla_nest_start(msg, JUMPING_A_SESSION);
	nla_put_u32(msg, JUMPING_A_SESSION_ID, 1111);
	nla_put_u32(msg, JUMPING_A_SESSION_PEER_ID, 2222);
	nla_put_u8(msg, JUMPING_A_SESSION_LIVENESS, JUMPING_LIVENESS_SILENT);
	nla_put_u64(msg, JUMPING_A_SESSION_UNHEARD_MS, 312);
	nla_put_u64(msg, JUMPING_A_SESSION_RX_AGE_MS, 900);
	nla_nest_end(msg, s);
	ok(render(msg, OUT_TEXT, JUMPING_CMD_SILENCE_NTF, "jp0") == 0,
	   "silence: text");
	is_str(buf, "silence dev jp0 session 1111 peer_id 2222 liveness silent"
	       " unheard_ms 312 rx_age_ms 900\n", "silence: text line");
	ok(render(msg, OUT_JSON, JUMPING_CMD_SILENCE_NTF, "jp0") == 0,
	   "silence: json");
	is_str(buf, "{\"event\": \"silence\", \"dev\": \"jp0\", \"session\": 1111,"
	       " \"peer_id\": 2222, \"liveness\": \"silent\", \"unheard_ms\": 312,"
	       " \"rx_age_ms\": 900}\n", "silence: json line");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	s = nla_nest_start(msg, JUMPING_A_SESSION);
	nla_put_u8(msg, JUMPING_A_SESSION_LIVENESS, JUMPING_LIVENESS_RESUMED);
	nla_put_u32(msg, JUMPING_A_SESSION_ID, 1111);
	nla_nest_end(msg, s);
	ok(render(msg, OUT_TEXT, JUMPING_CMD_SILENCE_NTF, "jp0") == 0,
	   "resumed: text");
	is_str(buf, "silence dev jp0 session 1111 liveness resumed\n",
	       "resumed: text line");
	nlmsg_free(msg);

	msg = nlmsg_alloc();
	s = nla_nest_start(msg, JUMPING_A_SESSION);
	nla_put_u16(msg, JUMPING_A_SESSION_ID, 7);	/* u32 expected */
	nla_nest_end(msg, s);
	ok(render(msg, OUT_TEXT, JUMPING_CMD_STATE_NTF, "jp0") == -EPROTO &&
	   len == 0, "a malformed session is refused, nothing printed");
	nlmsg_free(msg);

	free(buf);
	return tap_done();
}
