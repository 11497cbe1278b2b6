// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: the virtual network device.
 *
 * A jumping device is a point-to-point layer 3 device without link-layer
 * header or addresses. Inner packets leave through ndo_start_xmit and come
 * back from the UDP socket of the device's listen port. Devices stay in the
 * netns they were created in (NETIF_F_NETNS_LOCAL): their UDP socket and
 * the per-netns device list never need to follow a move.
 */
#include <linux/if_arp.h>
#include <linux/jumping.h>
#include <linux/lockdep.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <net/rtnetlink.h>

#include "device.h"
#include "fault_scope.h"
#include "netlink.h"
#include "proto.h"
#include "send.h"
#include "socket.h"

static int jp_dev_init(struct net_device *dev)
{
	struct jp_device *jp = netdev_priv(dev);

	/* Freed by jp_dev_destruct(), also when registration fails later. */
	int err;

	jp->counters = netdev_alloc_pcpu_stats(struct jp_pcpu_dev_counters);
	if (!jp->counters)
		return -ENOMEM;
	/* Torn down by jp_dev_uninit(); a failure here must undo itself. */
	err = jp_session_table_init(&jp->sessions);
	if (err)
		goto err_drops;
	err = jp_steer_init(&jp->steer, jp);
	if (err)
		goto err_sessions;
	return 0;

err_sessions:
	jp_session_table_destroy(&jp->sessions);
err_drops:
	free_percpu(jp->counters);
	jp->counters = NULL;
	return err;
}

/*
 * Called under RTNL once the device is down and no new packets reach it
 * (unregister_netdevice_many() has synchronized RCU), or when registration
 * fails after jp_dev_init(). Marking the device dead under conf_lock makes
 * configuration requests that already hold a reference fail instead of
 * opening a socket for a device that is going away.
 */
static void jp_dev_uninit(struct net_device *dev)
{
	struct jp_device *jp = netdev_priv(dev);

	mutex_lock(&jp->conf_lock);
	jp->dead = true;
	/* Closing cannot fail; it waits until receive is done with us. */
	jp_device_set_port(jp, 0, NULL);
	jp_ratelimit_destroy(&jp->control_limit);
	/* Its workers still look sessions up. */
	jp_steer_destroy(&jp->steer);
	/* Neither transmit nor receive can reach the sessions any more. */
	jp_nl_sessions_gone(jp);
	jp_session_table_destroy(&jp->sessions);
	mutex_unlock(&jp->conf_lock);
}

/* Last reference gone: the packet paths cannot reach the counters anymore. */
static void jp_dev_destruct(struct net_device *dev)
{
	struct jp_device *jp = netdev_priv(dev);

	free_percpu(jp->counters);
	mutex_destroy(&jp->conf_lock);
}

/*
 * Up: sessions with a keepalive interval start their timers again. The core
 * set the running state before calling this, so jp_session_set_keepalive()
 * arms timers from now on too; both run under conf_lock. Under RTNL, which
 * is taken before conf_lock, never after.
 */
static int jp_dev_open(struct net_device *dev)
{
	struct jp_device *jp = netdev_priv(dev);

	mutex_lock(&jp->conf_lock);
	jp_session_table_keepalives(&jp->sessions, true);
	mutex_unlock(&jp->conf_lock);
	return 0;
}

/*
 * Down: no keepalive leaves and receive decrypts nothing (it checks the
 * running state, which the core cleared before calling this). The timers
 * are stopped and waited for; a callback that saw the device still running
 * re-arms, and the stop catches that too. Sessions, keys and bindings stay.
 */
static int jp_dev_stop(struct net_device *dev)
{
	struct jp_device *jp = netdev_priv(dev);

	mutex_lock(&jp->conf_lock);
	jp_session_table_keepalives(&jp->sessions, false);
	mutex_unlock(&jp->conf_lock);
	return 0;
}

static const struct net_device_ops jp_netdev_ops = {
	.ndo_init		= jp_dev_init,
	.ndo_uninit		= jp_dev_uninit,
	.ndo_open		= jp_dev_open,
	.ndo_stop		= jp_dev_stop,
	.ndo_start_xmit		= jp_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
};

bool jp_is_device(const struct net_device *dev)
{
	return dev->netdev_ops == &jp_netdev_ops;
}

static void jp_dev_setup(struct net_device *dev)
{
	struct jp_device *jp = netdev_priv(dev);

	dev->netdev_ops = &jp_netdev_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	/*
	 * No netpoll: it transmits with interrupts off, where the AES-GCM
	 * scratch (crypto.c) must not be used.
	 */
	dev->priv_flags |= IFF_NO_QUEUE | IFF_DISABLE_NETPOLL;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->needed_headroom = LL_MAX_HEADER + JP_DEV_MAX_OVERHEAD;
	dev->mtu = JP_DEV_DEFAULT_MTU;
	dev->min_mtu = JP_DEV_MIN_MTU;
	dev->max_mtu = JP_DEV_MAX_MTU;
	/* Room for the AEAD tag, so that encrypting in place rarely copies. */
	dev->needed_tailroom = JP_TAG_LEN;
	/* LLTX: the packet paths do their own (per-session) locking. */
	dev->features |= NETIF_F_LLTX | NETIF_F_NETNS_LOCAL;
	/*
	 * The stack may hand over large, scattered packets with the inner
	 * checksum still to do: one pass through the inner stack for many
	 * segments. Transmit segments and checksums them in software right
	 * before encrypting, where the data is touched anyway.
	 */
	dev->features |= JP_DEV_OFFLOADS;
	dev->hw_features |= JP_DEV_OFFLOADS;
	dev->hw_enc_features |= JP_DEV_OFFLOADS;
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
	dev->needs_free_netdev = true;
	dev->priv_destructor = jp_dev_destruct;

	jp->dev = dev;
	mutex_init(&jp->conf_lock);
	INIT_LIST_HEAD(&jp->net_list);
	jp_ratelimit_init(&jp->control_limit);
}

static int jp_newlink(struct net *src_net, struct net_device *dev,
		      struct nlattr *tb[], struct nlattr *data[],
		      struct netlink_ext_ack *extack)
{
	struct jp_device *jp = netdev_priv(dev);
	struct jp_net *jn = jp_net(dev_net(dev));
	int err;

	jp_fault_scope_enter();
	err = register_netdevice(dev);
	jp_fault_scope_exit();
	if (err)
		return err;

	/* RTNL serialises writers of the list; dumps read it under RCU. */
	list_add_tail_rcu(&jp->net_list, &jn->devices);
	WRITE_ONCE(jn->dev_gen, jn->dev_gen + 1);
	return 0;
}

static void jp_dellink(struct net_device *dev, struct list_head *head)
{
	struct jp_device *jp = netdev_priv(dev);
	struct jp_net *jn = jp_net(dev_net(dev));

	ASSERT_RTNL();
	/*
	 * RCU readers may still walk past this entry; the memory outlives
	 * them because unregistering synchronizes RCU before freeing.
	 */
	list_del_rcu(&jp->net_list);
	WRITE_ONCE(jn->dev_gen, jn->dev_gen + 1);
	unregister_netdevice_queue(dev, head);
}

static size_t jp_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u16)) +	/* LISTEN_PORT */
	       nla_total_size(sizeof(u32)) +	/* FWMARK */
	       nla_total_size(sizeof(u32)) +	/* CONTROL_RATE */
	       nla_total_size(sizeof(u32));	/* SESSION_COUNT */
}

/*
 * The settings in RTM_NEWLINK replies (ip -d link show). Each is one value
 * written with WRITE_ONCE() (the rate under its own lock), so they are
 * read without @conf_lock: a reply may mix a setting from just before a
 * change with one from just after, as the DEVICE_GET reply may.
 */
static int jp_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	struct jp_device *jp = netdev_priv(dev);

	if (nla_put_u16(skb, IFLA_JUMPING_LISTEN_PORT,
			READ_ONCE(jp->listen_port)) ||
	    nla_put_u32(skb, IFLA_JUMPING_FWMARK, READ_ONCE(jp->fwmark)) ||
	    nla_put_u32(skb, IFLA_JUMPING_CONTROL_RATE,
			jp_ratelimit_total(&jp->control_limit)) ||
	    nla_put_u32(skb, IFLA_JUMPING_SESSION_COUNT,
			READ_ONCE(jp->sessions.count)))
		return -EMSGSIZE;
	return 0;
}

struct rtnl_link_ops jp_link_ops __read_mostly = {
	.kind		= JUMPING_LINK_KIND,
	.priv_size	= sizeof(struct jp_device),
	.setup		= jp_dev_setup,
	.newlink	= jp_newlink,
	.dellink	= jp_dellink,
	.get_size	= jp_get_size,
	.fill_info	= jp_fill_info,
};

void jp_net_init_devices(struct jp_net *jn)
{
	INIT_LIST_HEAD(&jn->devices);
	jn->dev_gen = 1;
}

/* The netns dies: queue all its jumping devices on @dev_kill_list. */
void jp_net_kill_devices(struct jp_net *jn, struct list_head *dev_kill_list)
{
	struct jp_device *jp, *tmp;

	ASSERT_RTNL();
	list_for_each_entry_safe(jp, tmp, &jn->devices, net_list)
		jp_dellink(jp->dev, dev_kill_list);
}

/**
 * jp_device_set_port - change the UDP port a device listens on
 * @jp: the device, @jp->conf_lock held
 * @port: new port, host order; 0 closes the socket
 * @extack: where to explain a failure; NULL when closing on teardown
 *
 * The single place the listen port changes. The new sockets are opened
 * before the old ones are released, so a failure leaves the device as it
 * was. Releasing waits for a grace period: afterwards no packet path uses
 * the old sockets.
 *
 * Return: 0 or a negative errno.
 */
int jp_device_set_port(struct jp_device *jp, u16 port,
		       struct netlink_ext_ack *extack)
{
	struct socket *sock4 = NULL, *sock6 = NULL;
	int err;

	lockdep_assert_held(&jp->conf_lock);

	if (port == jp->listen_port)
		return 0;
	if (port) {
		err = jp_socket_open(jp, port, &sock4, &sock6, extack);
		if (err)
			return err;
	}
	sock4 = rcu_replace_pointer(jp->sock4, sock4,
				    lockdep_is_held(&jp->conf_lock));
	sock6 = rcu_replace_pointer(jp->sock6, sock6,
				    lockdep_is_held(&jp->conf_lock));
	WRITE_ONCE(jp->listen_port, port);
	jp_socket_release(sock4);
	jp_socket_release(sock6);
	return 0;
}

/* Infallible, so callers set it after everything that can fail. */
void jp_device_set_fwmark(struct jp_device *jp, u32 fwmark)
{
	lockdep_assert_held(&jp->conf_lock);

	if (fwmark == jp->fwmark)
		return;
	WRITE_ONCE(jp->fwmark, fwmark);
	/* Routes were looked up with the old mark. */
	jp_session_table_reset_routes(&jp->sessions);
}

/**
 * jp_device_count_drop - count a dropped packet
 * @jp: the device
 * @reason: why it was dropped
 * @rx: true for a received (outer) packet, false for a transmitted one
 *
 * Any context. Also feeds the device's rx_dropped/tx_dropped.
 */
void jp_device_count_drop(struct jp_device *jp, enum jp_drop_reason reason,
			  bool rx)
{
	struct jp_pcpu_dev_counters *c;
	unsigned long flags;

	if (WARN_ON_ONCE(reason >= JP_DROP_NR))
		return;

	/* get_cpu_ptr(): callers may be preemptible (e.g. netlink). */
	c = get_cpu_ptr(jp->counters);
	flags = u64_stats_update_begin_irqsave(&c->syncp);
	u64_stats_inc(&c->drops[reason]);
	u64_stats_update_end_irqrestore(&c->syncp, flags);
	put_cpu_ptr(jp->counters);

	if (rx)
		dev_core_stats_rx_dropped_inc(jp->dev);
	else
		dev_core_stats_tx_dropped_inc(jp->dev);
}

/* Count one @event on the device. Any context. */
void jp_device_count(struct jp_device *jp, enum jp_dev_event event)
{
	struct jp_pcpu_dev_counters *c;
	unsigned long flags;

	if (WARN_ON_ONCE(event >= JP_DEV_EVENT_NR))
		return;

	c = get_cpu_ptr(jp->counters);
	flags = u64_stats_update_begin_irqsave(&c->syncp);
	u64_stats_inc(&c->events[event]);
	u64_stats_update_end_irqrestore(&c->syncp, flags);
	put_cpu_ptr(jp->counters);
}

/* Sum the per-CPU counters. Any context; the device must be registered. */
void jp_device_get_stats(struct jp_device *jp, struct jp_stats *stats)
{
	struct rtnl_link_stats64 sw = {};
	int cpu, i;

	memset(stats, 0, sizeof(*stats));

	dev_fetch_sw_netstats(&sw, jp->dev->tstats);
	stats->rx_bytes = sw.rx_bytes;
	stats->rx_packets = sw.rx_packets;
	stats->tx_bytes = sw.tx_bytes;
	stats->tx_packets = sw.tx_packets;

	for_each_possible_cpu(cpu) {
		const struct jp_pcpu_dev_counters *c =
			per_cpu_ptr(jp->counters, cpu);
		u64 drops[JP_DROP_NR], events[JP_DEV_EVENT_NR];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&c->syncp);
			for (i = 0; i < JP_DROP_NR; i++)
				drops[i] = u64_stats_read(&c->drops[i]);
			for (i = 0; i < JP_DEV_EVENT_NR; i++)
				events[i] = u64_stats_read(&c->events[i]);
		} while (u64_stats_fetch_retry(&c->syncp, start));

		for (i = 0; i < JP_DROP_NR; i++)
			stats->drops[i] += drops[i];
		stats->control_rx += events[JP_DEV_CONTROL_RX];
		stats->control_tx += events[JP_DEV_CONTROL_TX];
		stats->rx_unknown_source += events[JP_DEV_RX_UNKNOWN_SOURCE];
		stats->rx_steered += events[JP_DEV_RX_STEERED];
	}
}
