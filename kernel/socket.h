/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: the device's UDP sockets, one IPv4 and one IPv6, both on the
 * listen port, and the outer send.
 */
#ifndef _JP_SOCKET_H
#define _JP_SOCKET_H

#include <linux/net.h>
#include <linux/skbuff.h>

struct jp_device;
struct jp_bind;
struct netlink_ext_ack;

int jp_socket_open(struct jp_device *jp, u16 port, struct socket **sock4,
		   struct socket **sock6, struct netlink_ext_ack *extack);
void jp_socket_release(struct socket *sock);
int jp_socket_send(struct jp_device *jp, struct jp_bind *bind,
		   struct sk_buff *skb);

#endif /* _JP_SOCKET_H */
