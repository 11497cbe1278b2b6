/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: the virtual network device and the per-netns list of them.
 */
#ifndef _JP_DEVICE_H
#define _JP_DEVICE_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>
#include <linux/types.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "control.h"
#include "steer.h"
#include "ratelimit.h"
#include "session.h"
#include "stats.h"

struct netlink_ext_ack;

#define JP_DEV_DEFAULT_MTU	1420
#define JP_DEV_MIN_MTU		68
/*
 * Worst-case encapsulation: outer IPv6 (40) + UDP (8) + jumping header and
 * AEAD tag (32 at most). The inner packet must fit in a 64k outer datagram.
 */
#define JP_DEV_MAX_OVERHEAD	80
#define JP_DEV_MAX_MTU		(0xffff - JP_DEV_MAX_OVERHEAD)
/* What transmit takes from the stack and finishes in software itself. */
#define JP_DEV_OFFLOADS		(NETIF_F_SG | NETIF_F_HW_CSUM | \
				 NETIF_F_HIGHDMA | NETIF_F_GSO_SOFTWARE)

/* What a device counts besides bytes, packets and drops. */
enum jp_dev_event {
	JP_DEV_CONTROL_RX,		/* control datagram passed up */
	JP_DEV_CONTROL_TX,		/* control datagram sent for jumpd */
	JP_DEV_RX_UNKNOWN_SOURCE,	/* authentic, not from the binding */
	JP_DEV_RX_STEERED,		/* decrypted by a steering worker */

	JP_DEV_EVENT_NR
};

/* Per-CPU so the packet paths count without sharing a cache line. */
struct jp_pcpu_dev_counters {
	u64_stats_t		drops[JP_DROP_NR];
	u64_stats_t		events[JP_DEV_EVENT_NR];
	struct u64_stats_sync	syncp;
};

/**
 * struct jp_device - private data of a jumping net_device
 * @dev: the net_device this lives in (netdev_priv(dev) == this)
 * @net_list: entry in jp_net.devices; added/removed under RTNL, walked
 *	under RCU by netlink dumps
 * @conf_lock: serialises configuration changes (listen port, fwmark and,
 *	later, sessions and keys); sleeping allowed, so sockets can be opened
 *	and closed while holding it. Never take RTNL while holding it.
 * @dead: set under @conf_lock when the device is torn down; configuration
 *	requests that find it set fail instead of touching a dying device
 * @listen_port: UDP port, host order, 0 = no socket; written under
 *	@conf_lock, read with READ_ONCE() anywhere
 * @fwmark: mark for outer packets; written under @conf_lock, read with
 *	READ_ONCE() on the packet path
 * @counters: per-CPU drop counters by enum jp_drop_reason and event
 *	counters by enum jp_dev_event
 * @sessions: the device's sessions; the table has its own locking
 * @sock4: IPv4 UDP socket on @listen_port, NULL when closed; replaced under
 *	@conf_lock, read under RCU by transmit
 * @sock6: the same for IPv6 (NULL too where IPv6 is disabled)
 * @steer: receive steering, and delivery through NAPI (steer.c)
 * @control_limit: budget of control datagrams passed up to jumpd, per
 *	source and in total; torn down by jp_dev_uninit()
 *
 * Byte and packet counters live in dev->tstats (allocated by the core,
 * NETDEV_PCPU_STAT_TSTATS).
 */
struct jp_device {
	struct net_device	*dev;
	struct list_head	net_list;
	struct mutex		conf_lock;	/* see above */
	bool			dead;
	u16			listen_port;
	u32			fwmark;
	struct jp_pcpu_dev_counters __percpu *counters;
	struct jp_session_table	sessions;
	struct socket __rcu	*sock4;
	struct socket __rcu	*sock6;
	struct jp_steer		steer;
	struct jp_ratelimit	control_limit;
};

/* Per network namespace state (registered in main.c). */
struct jp_net {
	struct list_head	devices;	/* struct jp_device.net_list */
	/*
	 * Bumped under RTNL on every add/remove so a multi-part dump can
	 * flag itself inconsistent. Starts at 1: 0 means "unset" to
	 * nl_dump_check_consistent().
	 */
	unsigned int		dev_gen;
};

extern unsigned int jp_net_id;
/* Module parameter max_sessions_per_device (main.c). */
extern unsigned int jp_max_sessions_per_device;

static inline struct jp_net *jp_net(const struct net *net)
{
	return net_generic(net, jp_net_id);
}

extern struct rtnl_link_ops jp_link_ops;

void jp_net_init_devices(struct jp_net *jn);
void jp_net_kill_devices(struct jp_net *jn, struct list_head *dev_kill_list);

bool jp_is_device(const struct net_device *dev);

/* Holding a reference keeps the jp_device memory, not its registration. */
static inline void jp_device_put(struct jp_device *jp)
{
	dev_put(jp->dev);
}

int jp_device_set_port(struct jp_device *jp, u16 port,
		       struct netlink_ext_ack *extack);
void jp_device_set_fwmark(struct jp_device *jp, u32 fwmark);

void jp_device_count_drop(struct jp_device *jp, enum jp_drop_reason reason,
			  bool rx);
void jp_device_count(struct jp_device *jp, enum jp_dev_event event);
void jp_device_get_stats(struct jp_device *jp, struct jp_stats *stats);

#endif /* _JP_DEVICE_H */
