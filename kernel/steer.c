// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: receive steering.
 *
 * A datagram is decrypted on the CPU it arrives on, and that is one CPU
 * for a busy session, which often also sends (on a veth the sender's own
 * CPU receives its peer's datagrams): the others idle. So a device has a
 * few queues, each served by a work item on an unbound workqueue, which
 * the scheduler runs on an idle CPU, and a busy session's datagrams are
 * decrypted there while the receiving CPU goes on.
 *
 * Order: a session's datagrams always use the queue its id picks. One is
 * decrypted on the spot only when its queue and the queue's worker hold
 * nothing, so decryption keeps arrival order; every decrypted packet then
 * waits in the queue's decrypted list for the queue's NAPI, whose polls
 * never overlap, so delivery keeps decryption order, on whichever CPU it
 * runs.
 *
 * Latency: a datagram of a quiet queue (the first in a jiffy) is decrypted
 * on the spot, as without steering: a quiet tunnel pays no hand-off.
 */
#include <linux/jiffies.h>
#include <linux/llist.h>
#include <linux/netdevice.h>
#include <linux/slab.h>

#include "device.h"
#include "receive.h"
#include "steer.h"

/* Datagrams a worker decrypts between two deliveries, and before it yields. */
#define JP_STEER_BATCH	64

static struct workqueue_struct *jp_rx_wq;

static struct jp_steer_queue *jp_steer_queue(struct jp_device *jp,
					     u32 session_id)
{
	struct jp_steer *st = &jp->steer;

	return &st->queues[reciprocal_scale(session_id, st->count)];
}

/*
 * The skbs of an llist taken whole, oldest first, each off the list
 * (ll_node shares its memory with next and prev).
 */
static void jp_steer_take(struct llist_head *list, struct sk_buff_head *into)
{
	struct llist_node *node = llist_reverse_order(llist_del_all(list));
	struct sk_buff *skb, *next;

	llist_for_each_entry_safe(skb, next, node, ll_node) {
		skb_mark_not_on_list(skb);
		__skb_queue_tail(into, skb);
	}
}

/*
 * Count one more packet on @count unless it already holds
 * netdev_max_backlog; a packet over the bound is dropped and counted.
 * Return: true if @skb may be queued.
 */
static bool jp_steer_admit(struct jp_device *jp, atomic_t *count,
			   struct sk_buff *skb)
{
	if (likely(atomic_inc_return(count) <=
		   READ_ONCE(netdev_max_backlog)))
		return true;
	atomic_dec(count);
	jp_device_count_drop(jp, JP_DROP_BACKLOG, true);
	kfree_skb_reason(skb, SKB_DROP_REASON_CPU_BACKLOG);
	return false;
}

static void jp_steer_work(struct work_struct *work)
{
	struct jp_steer_queue *q = container_of(work, struct jp_steer_queue,
						work);
	struct sk_buff_head batch;
	unsigned int done = 0;
	struct sk_buff *skb;

	__skb_queue_head_init(&batch);
	for (;;) {
		jp_steer_take(&q->incoming, &batch);
		if (skb_queue_empty(&batch))
			return;
		/*
		 * Receive's own context, BH off. The NAPI that decrypted
		 * packets schedule runs when BH is on again, here: once a
		 * batch, so that GRO merges what the batch brought.
		 */
		local_bh_disable();
		rcu_read_lock();
		while ((skb = __skb_dequeue(&batch))) {
			jp_rx_data(q->jp, skb);
			/* After its packet reached @decrypted: jp_steer_rx(). */
			atomic_dec(&q->inflight);
			if (++done % JP_STEER_BATCH)
				continue;
			rcu_read_unlock();
			local_bh_enable();
			cond_resched();
			local_bh_disable();
			rcu_read_lock();
		}
		rcu_read_unlock();
		local_bh_enable();
	}
}

/**
 * jp_steer_rx - decrypt a data datagram here or hand it to its queue
 * @jp: the device
 * @skb: skb->data at our header (linear); consumed
 * @session_id: the header's
 *
 * Softirq, under rcu_read_lock().
 */
void jp_steer_rx(struct jp_device *jp, struct sk_buff *skb, u32 session_id)
{
	struct jp_steer_queue *q = jp_steer_queue(jp, session_id);
	unsigned long now = jiffies;
	bool busy;

	busy = READ_ONCE(q->last) == now;
	if (!busy)
		WRITE_ONCE(q->last, now);
	/*
	 * Nothing in the worker's hands: every earlier datagram of the
	 * queue is in @decrypted already, and this one goes behind it.
	 */
	if (!atomic_read(&q->inflight) && (!busy || num_online_cpus() == 1)) {
		jp_rx_data(jp, skb);
		return;
	}
	/* Counted before the worker can see it, which uncounts it. */
	if (!jp_steer_admit(jp, &q->inflight, skb))
		return;
	jp_device_count(jp, JP_DEV_RX_STEERED);
	/*
	 * Onto a list that held something, the datagram goes with those:
	 * whoever added the first of them queues the worker after adding
	 * it, and the worker takes the list whole. So only the first one
	 * kicks the worker; the others skip queue_work()'s atomic on the
	 * work's pending bit, which the worker's CPU writes too.
	 */
	if (llist_add(&skb->ll_node, &q->incoming))
		queue_work(jp_rx_wq, &q->work);
}

/**
 * jp_steer_deliver - queue a decrypted inner packet for delivery
 * @jp: the device
 * @skb: the inner packet, ready for the stack; consumed
 * @session_id: its session's, to pick the same queue as jp_steer_rx()
 *
 * BH disabled (receive's softirq or a worker).
 */
void jp_steer_deliver(struct jp_device *jp, struct sk_buff *skb,
		      u32 session_id)
{
	struct jp_steer_queue *q = jp_steer_queue(jp, session_id);

	if (!jp_steer_admit(jp, &q->undelivered, skb))
		return;
	llist_add(&skb->ll_node, &q->decrypted);
	napi_schedule(&q->napi);
}

static int jp_steer_poll(struct napi_struct *napi, int budget)
{
	struct jp_steer_queue *q = container_of(napi, struct jp_steer_queue,
						napi);
	struct sk_buff *skb;
	int work = 0;

	/* Behind what an earlier poll left: the order is kept. */
	jp_steer_take(&q->decrypted, &q->deliver);
	while (work < budget && (skb = __skb_dequeue(&q->deliver))) {
		work++;
		if (unlikely(!netif_running(q->jp->dev))) {
			dev_core_stats_rx_dropped_inc(q->jp->dev);
			kfree_skb_reason(skb, SKB_DROP_REASON_DEV_READY);
			continue;
		}
		napi_gro_receive(napi, skb);
	}
	atomic_sub(work, &q->undelivered);
	if (work < budget)
		napi_complete_done(napi, work);
	return work;
}

/* Device init (process context). */
int jp_steer_init(struct jp_steer *st, struct jp_device *jp)
{
	unsigned int i;

	st->count = clamp_t(unsigned int, num_possible_cpus(), 1,
			    JP_STEER_QUEUES_MAX);
	st->queues = kcalloc(st->count, sizeof(*st->queues), GFP_KERNEL);
	if (!st->queues)
		return -ENOMEM;
	for (i = 0; i < st->count; i++) {
		struct jp_steer_queue *q = &st->queues[i];

		init_llist_head(&q->incoming);
		init_llist_head(&q->decrypted);
		__skb_queue_head_init(&q->deliver);
		atomic_set(&q->inflight, 0);
		atomic_set(&q->undelivered, 0);
		INIT_WORK(&q->work, jp_steer_work);
		q->jp = jp;
		netif_napi_add(jp->dev, &q->napi, jp_steer_poll);
		napi_enable(&q->napi);
	}
	return 0;
}

/*
 * Device teardown, once nothing receives any more (its sockets are
 * closed), and before the sessions go, which a worker still looks up.
 * Safe on a device whose init failed.
 */
void jp_steer_destroy(struct jp_steer *st)
{
	unsigned int i;

	if (!st->queues)
		return;
	for (i = 0; i < st->count; i++) {
		struct jp_steer_queue *q = &st->queues[i];

		/* The worker's last packets schedule the NAPI: it goes after. */
		cancel_work_sync(&q->work);
		napi_disable(&q->napi);
		__netif_napi_del(&q->napi);
		jp_steer_take(&q->incoming, &q->deliver);
		jp_steer_take(&q->decrypted, &q->deliver);
		__skb_queue_purge(&q->deliver);
	}
	/* No poll still runs when the queues go: __netif_napi_del()'s wait. */
	synchronize_net();
	kfree(st->queues);
	st->queues = NULL;
}

int jp_steer_module_init(void)
{
	/* Unbound: the scheduler runs a worker where a CPU is idle. */
	jp_rx_wq = alloc_workqueue("jumping_rx", WQ_UNBOUND | WQ_HIGHPRI, 0);
	return jp_rx_wq ? 0 : -ENOMEM;
}

/* After every device is gone: nothing is queued any more. */
void jp_steer_module_exit(void)
{
	destroy_workqueue(jp_rx_wq);
}
