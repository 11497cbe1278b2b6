// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: control datagrams (handshake initiation and response,
 * REATTACH and the other control messages: first byte 2, 3 or 4).
 *
 * They share the device's UDP port with data, but the kernel does not
 * interpret them: each one that arrives is multicast whole to jumpd as
 * JUMPING_CMD_PACKET_RX_NTF on the "control" group, with the binding it
 * came from, and jumpd sends its own with JUMPING_CMD_PACKET_SEND from the
 * same sockets. The data plane never waits for jumpd.
 *
 * Anybody can send a datagram to the port, so the upcall is limited per
 * source address and in total per device (ratelimit.c); a datagram nobody
 * listens for, over the limit, or that netlink could not deliver is
 * dropped and counted as DROP_CONTROL; one from a new source while the
 * table of sources is full as DROP_CONTROL_SOURCES.
 */
#include <linux/jiffies.h>
#include <linux/jumping.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/genetlink.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "bind.h"
#include "control.h"
#include "device.h"
#include "netlink.h"
#include "proto.h"
#include "ratelimit.h"
#include "socket.h"

/**
 * jp_control_rx - pass a control datagram up to jumpd
 * @jp: the device whose socket received it
 * @skb: skb->data at the type byte (2, 3 or 4); consumed
 *
 * Softirq, under rcu_read_lock(): everything is GFP_ATOMIC.
 */
void jp_control_rx(struct jp_device *jp, struct sk_buff *skb)
{
	struct nlattr *packet;
	struct jp_bind from;
	struct sk_buff *msg;
	void *hdr;

	if (skb->len > JUMPING_PACKET_MAX_LEN) {
		jp_device_count_drop(jp, JP_DROP_MALFORMED, true);
		kfree_skb(skb);
		return;
	}
	/* Cheapest first: no listener costs neither credit nor memory. */
	if (!jp_genl_has_listeners(jp, JP_MCGRP_CONTROL))
		goto drop;
	jp_bind_from_skb(&from, skb);
	switch (jp_ratelimit_take(&jp->control_limit,
				  (const struct sockaddr *)&from.remote,
				  jiffies)) {
	case JP_RL_PASS:
		break;
	case JP_RL_TABLE_FULL:
		/* Apart: it means a flood from many sources. */
		jp_device_count_drop(jp, JP_DROP_CONTROL_SOURCES, true);
		kfree_skb(skb);
		return;
	default:
		goto drop;
	}

	msg = jp_genl_event_new(jp, JUMPING_CMD_PACKET_RX_NTF,
				nla_total_size(skb->len) + jp_nl_binding_size(),
				GFP_ATOMIC, &hdr);
	if (!msg)
		goto drop;
	packet = nla_reserve(msg, JUMPING_A_PACKET, skb->len);
	if (!packet || skb_copy_bits(skb, 0, nla_data(packet), skb->len) ||
	    jp_nl_put_binding(msg, JUMPING_A_BINDING, &from)) {
		nlmsg_free(msg);
		goto drop;
	}
	/* Not delivered to every listener (e.g. a full buffer): a drop. */
	if (jp_genl_group_send(jp, msg, hdr, JP_MCGRP_CONTROL, GFP_ATOMIC))
		goto drop;
	jp_device_count(jp, JP_DEV_CONTROL_RX);
	consume_skb(skb);
	return;

drop:
	jp_device_count_drop(jp, JP_DROP_CONTROL, true);
	kfree_skb(skb);
}

const struct nla_policy jp_packet_send_policy[JUMPING_A_MAX + 1] = {
	JP_POLICY_DEVICE_SELECT,
	[JUMPING_A_PACKET] =
		NLA_POLICY_RANGE(NLA_BINARY, 1, JUMPING_PACKET_MAX_LEN),
	[JUMPING_A_BINDING] = NLA_POLICY_NESTED(jp_binding_policy),
};

/* Say why a control datagram to @to could not leave. */
static void jp_control_send_error(struct netlink_ext_ack *extack, int err,
				  const struct jp_bind *to)
{
	bool local = to->remote.family == AF_INET ? !!to->local.ip4 :
		     !ipv6_addr_any(&to->local.ip6);

	if (err == -ENOTCONN)
		NL_SET_ERR_MSG_MOD(extack,
				   "the device has no UDP socket for this family: set a listen port");
	else if (err == -ELOOP)
		NL_SET_ERR_MSG_MOD(extack,
				   "the route to the remote address goes through the device itself");
	else if (to->ifindex)
		NL_SET_ERR_MSG_MOD(extack,
				   "no route to the remote address by this interface");
	else if (local)
		NL_SET_ERR_MSG_MOD(extack,
				   "no route to the remote address from this local address (is it assigned here?)");
	else
		NL_SET_ERR_MSG_MOD(extack, "no route to the remote address");
}

/**
 * jp_nl_packet_send_doit - JUMPING_CMD_PACKET_SEND: send a control datagram
 * @skb: the request
 * @info: JUMPING_A_PACKET (first byte 2, 3 or 4) and JUMPING_A_BINDING
 *	(remote address and port; a local address and an interface pick the
 *	uplink)
 *
 * Sent from the device's socket of the binding's family, routed like data
 * (fwmark included) but without a route cache: control datagrams are rare.
 *
 * Return: 0 once the datagram left, or a negative errno with an extack.
 */
int jp_nl_packet_send_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *packet = info->attrs[JUMPING_A_PACKET];
	struct nlattr *binding = info->attrs[JUMPING_A_BINDING];
	struct netlink_ext_ack *extack = info->extack;
	struct sk_buff *dgram;
	struct jp_device *jp;
	struct jp_bind to;
	u8 type;
	int err;

	if (!packet) {
		NL_SET_ERR_MSG_MOD(extack, "datagram required: JUMPING_A_PACKET");
		NL_SET_ERR_ATTR_MISS(extack, NULL, JUMPING_A_PACKET);
		return -EINVAL;
	}
	type = *(const u8 *)nla_data(packet);
	if (type != JP_PKT_HANDSHAKE_INIT && type != JP_PKT_HANDSHAKE_RESP &&
	    type != JP_PKT_CONTROL) {
		NL_SET_ERR_MSG_ATTR(extack, packet,
				    "not a control datagram: the first byte must be 2, 3 or 4");
		return -EINVAL;
	}
	if (!binding) {
		NL_SET_ERR_MSG_MOD(extack,
				   "where to send it is required: JUMPING_A_BINDING");
		NL_SET_ERR_ATTR_MISS(extack, NULL, JUMPING_A_BINDING);
		return -EINVAL;
	}
	jp = jp_nl_device(info);
	err = jp_nl_parse_binding_into(binding, jp, &to, extack);
	if (err)
		return err;

	/* Headroom for the outer UDP and IP headers and a link header. */
	dgram = alloc_skb(LL_MAX_HEADER + JP_OUTER_MAX_LEN + nla_len(packet),
			  GFP_KERNEL);
	if (!dgram)
		return -ENOMEM;
	skb_reserve(dgram, LL_MAX_HEADER + JP_OUTER_MAX_LEN);
	skb_put_data(dgram, nla_data(packet), nla_len(packet));

	/*
	 * The socket is found under RCU, as transmit does; BH off as on the
	 * packet paths, which the tunnel transmit helpers expect.
	 */
	local_bh_disable();
	rcu_read_lock();
	err = jp_socket_send(jp, &to, dgram);
	rcu_read_unlock();
	local_bh_enable();
	if (err) {
		jp_control_send_error(extack, err, &to);
		return err;
	}
	jp_device_count(jp, JP_DEV_CONTROL_TX);
	return 0;
}
