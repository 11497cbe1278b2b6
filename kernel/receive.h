/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: the receive path, from UDP datagram to inner packet.
 */
#ifndef _JP_RECEIVE_H
#define _JP_RECEIVE_H

struct jp_device;
struct sock;
struct sk_buff;

int jp_udp_encap_rcv(struct sock *sk, struct sk_buff *skb);
void jp_rx_data(struct jp_device *jp, struct sk_buff *skb);

#endif /* _JP_RECEIVE_H */
