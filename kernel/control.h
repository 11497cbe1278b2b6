/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: control datagrams between the device's UDP socket and jumpd.
 */
#ifndef _JP_CONTROL_H
#define _JP_CONTROL_H

struct jp_device;
struct sk_buff;

void jp_control_rx(struct jp_device *jp, struct sk_buff *skb);

#endif /* _JP_CONTROL_H */
