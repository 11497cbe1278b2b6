/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: receive steering, the decryption of busy sessions on other
 * CPUs, and in-order delivery.
 */
#ifndef _JP_STEER_H
#define _JP_STEER_H

#include <linux/atomic.h>
#include <linux/llist.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>

struct jp_device;

/* Queues per device: a session always uses the one its id picks. */
#define JP_STEER_QUEUES_MAX	8

/**
 * struct jp_steer_queue - one queue of a device's receive steering
 * @incoming: datagrams for the worker, newest first (an llist: receive on
 *            any CPU appends without a lock, the worker takes them all)
 * @decrypted: inner packets decrypted (here or by the worker), newest
 *             first, for @napi; appended in the order they were decrypted
 * @deliver: what @napi took from @decrypted and has not delivered yet,
 *           oldest first; only @napi's poll touches it
 * @inflight: datagrams in @incoming or in the worker's hands; while it is
 *            not zero a datagram of this queue must queue behind them
 * @undelivered: packets in @decrypted and @deliver, bounded like a backlog
 * @last: jiffies of the latest datagram: a queue that had one in this
 *        jiffy already is busy, and its next one goes to the worker
 * @work: the worker, on the unbound jumping_rx workqueue
 * @napi: delivers through GRO; one poll at a time, whichever CPU scheduled
 *        it, so delivery keeps the order of decryption
 * @jp: the device
 */
struct jp_steer_queue {
	struct llist_head	incoming;
	struct llist_head	decrypted;
	struct sk_buff_head	deliver;
	atomic_t		inflight;
	atomic_t		undelivered;
	unsigned long		last;
	struct work_struct	work;
	struct napi_struct	napi;
	struct jp_device	*jp;
};

/**
 * struct jp_steer - a device's receive queues
 * @queues: @count of them
 * @count: 1..JP_STEER_QUEUES_MAX
 */
struct jp_steer {
	struct jp_steer_queue	*queues;
	unsigned int		count;
};

int jp_steer_init(struct jp_steer *st, struct jp_device *jp);
void jp_steer_destroy(struct jp_steer *st);
void jp_steer_rx(struct jp_device *jp, struct sk_buff *skb, u32 session_id);
void jp_steer_deliver(struct jp_device *jp, struct sk_buff *skb,
		      u32 session_id);

int jp_steer_module_init(void);
void jp_steer_module_exit(void);

#endif /* _JP_STEER_H */
