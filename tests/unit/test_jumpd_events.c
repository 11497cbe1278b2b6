// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test for jumpd's readers of kernel notifications (userspace/jumpd/
 * kernel_parse.c): messages built with libnl as the kernel sends them,
 * read into struct jk_event without a socket.
 */
#include <arpa/inet.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <linux/jumping.h>
#include "tap.h"
#include "kernel_parse.h"

static struct nl_msg *event(uint8_t cmd)
{
	struct nl_msg *m = nlmsg_alloc();

	genlmsg_put(m, 0, 0, 0x20, 0, 0, cmd, 1);
	nla_put_u32(m, JUMPING_A_IFINDEX, 5);
	return m;
}

static void binding(struct nl_msg *m, int attr)
{
	struct nlattr *n = nla_nest_start(m, attr);
	uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	uint32_t a4 = htonl(0xc0000201);

	nla_put(m, JUMPING_A_BINDING_REMOTE_IPV6, 16, a6);
	nla_put_u16(m, JUMPING_A_BINDING_REMOTE_PORT, htons(51820));
	nla_put(m, JUMPING_A_BINDING_LOCAL_IPV4, 4, &a4);
	nla_put_u32(m, JUMPING_A_BINDING_IFINDEX, 3);
	nla_nest_end(m, n);
}

int main(void)
{
	const uint8_t pkt[] = { 4, 1, 2, 0 };
	struct jk_event ev;
	struct nlattr *s;
	struct nl_msg *m;

	m = event(JUMPING_CMD_STATE_NTF);
	s = nla_nest_start(m, JUMPING_A_SESSION);
	nla_put_u32(m, JUMPING_A_SESSION_ID, 1111);
	nla_put_u32(m, JUMPING_A_SESSION_PEER_ID, 2222);
	nla_put_u8(m, JUMPING_A_SESSION_OLD_STATE, JUMPING_STATE_ATTACHED);
	nla_put_u8(m, JUMPING_A_SESSION_STATE, JUMPING_STATE_VOLATILE);
	nla_put_u16(m, JUMPING_A_SESSION_REASON, JUMPING_REASON_RX_SILENCE);
	nla_put_u64(m, JUMPING_A_SESSION_RX_AGE_MS, 900);
	binding(m, JUMPING_A_SESSION_BINDING);
	nla_nest_end(m, s);
	ok(jk_parse_event(nlmsg_hdr(m), &ev) == 0, "state: parsed");
	ok(ev.cmd == JUMPING_CMD_STATE_NTF && ev.ifindex == 5, "state: cmd, ifindex");
	ok(ev.s.id == 1111 && ev.s.peer_id == 2222, "state: ids");
	ok(ev.s.has_state && ev.s.state == JUMPING_STATE_VOLATILE &&
	   ev.s.old_state == JUMPING_STATE_ATTACHED &&
	   ev.s.reason == JUMPING_REASON_RX_SILENCE, "state: states, reason");
	ok(ev.s.has_rx_age && ev.s.rx_age_ms == 900, "state: rx age");
	ok(ev.s.remote.family == AF_INET6 && ev.s.remote.port == 51820 &&
	   ev.s.remote.addr[15] == 2, "state: remote");
	ok(ev.s.local.family == AF_INET && ev.s.local.addr[3] == 1 &&
	   ev.s.local.ifindex == 3, "state: local and its interface");
	nlmsg_free(m);

	m = event(JUMPING_CMD_PACKET_RX_NTF);
	nla_put(m, JUMPING_A_PACKET, sizeof(pkt), pkt);
	binding(m, JUMPING_A_BINDING);
	ok(jk_parse_event(nlmsg_hdr(m), &ev) == 0 && ev.packet_len == 4 &&
	   ev.packet[1] == 1, "packet rx: the packet");
	ok(ev.from.family == AF_INET6 && ev.to.family == AF_INET,
	   "packet rx: from and to");
	nlmsg_free(m);

	/* A session id of two bytes: the event, without its session. */
	m = event(JUMPING_CMD_STATE_NTF);
	s = nla_nest_start(m, JUMPING_A_SESSION);
	nla_put_u16(m, JUMPING_A_SESSION_ID, 1);
	nla_nest_end(m, s);
	ok(jk_parse_event(nlmsg_hdr(m), &ev) == 0 && ev.s.id == 0,
	   "short session id: no session read");
	nlmsg_free(m);

	m = event(JUMPING_CMD_PACKET_RX_NTF);
	nla_put(m, JUMPING_A_PACKET, 0, NULL);
	ok(jk_parse_event(nlmsg_hdr(m), &ev) != 0, "empty packet: refused");
	nlmsg_free(m);

	m = event(JUMPING_CMD_PACKET_RX_NTF);
	nla_put_u16(m, JUMPING_A_IFINDEX, 5);
	ok(jk_parse_event(nlmsg_hdr(m), &ev) != 0, "short ifindex: refused");
	nlmsg_free(m);
	return tap_done();
}
