/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: the transmit path, from inner packet to UDP datagram.
 */
#ifndef _JP_SEND_H
#define _JP_SEND_H

#include <linux/netdevice.h>

struct jp_session;

netdev_tx_t jp_xmit(struct sk_buff *skb, struct net_device *dev);
void jp_send_keepalive(struct jp_session *s);

#endif /* _JP_SEND_H */
