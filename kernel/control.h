/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: control datagrams between the device's UDP socket and jumpd.
 */
#ifndef _JP_CONTROL_H
#define _JP_CONTROL_H

#include <linux/spinlock.h>
#include <linux/types.h>

struct jp_device;
struct sk_buff;

/**
 * struct jp_control_limit - a device's token bucket for control upcalls
 * @lock: serialises the receive paths of all CPUs on the bucket; only
 *	control datagrams take it, never data
 * @last: jiffies when @credit was last topped up
 * @credit: what is left, in 1/HZ of a datagram (control.c)
 */
struct jp_control_limit {
	spinlock_t	lock; /* see above */
	unsigned long	last;
	unsigned long	credit;
};

void jp_control_limit_init(struct jp_control_limit *l);
void jp_control_rx(struct jp_device *jp, struct sk_buff *skb);

#endif /* _JP_CONTROL_H */
