// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: the generic netlink family.
 *
 * Every command needs CAP_NET_ADMIN in the user namespace that owns the
 * caller's netns (GENL_UNS_ADMIN_PERM, as WireGuard's family), so a
 * container's root configures its own devices and nobody else's; commands
 * work on the jumping devices of that netns only. Policies are strict
 * (unknown, unexpected and mis-sized attributes are rejected by the core
 * with an extack message); handlers check what the policies cannot
 * express, then change state last.
 */
#include <linux/jumping.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "device.h"
#include "fault_scope.h"
#include "netlink.h"

/* Runs events raised where sending them is not possible (e.g. BH off). */
struct workqueue_struct *jp_nl_wq;

/*
 * GENL_MCAST_CAP_NET_ADMIN is checked against the user namespace owning
 * the netns, as GENL_UNS_ADMIN_PERM for the commands.
 */
static const struct genl_multicast_group jp_genl_mcgrps[] = {
	/* Events name sessions and addresses: admins only. */
	[JP_MCGRP_EVENTS] = {
		.name = JUMPING_GENL_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
	/* Whole handshake and control datagrams: admins only. */
	[JP_MCGRP_CONTROL] = {
		.name = JUMPING_GENL_MCGRP_CONTROL,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

static const struct nla_policy jp_device_get_policy[JUMPING_A_MAX + 1] = {
	JP_POLICY_DEVICE_SELECT,
};

/* Past the policy's own s16 bounds: a range of its own (not const: 6.1). */
static struct netlink_range_validation jp_control_rate_range = {
	.min = JUMPING_CONTROL_RATE_MIN,
	.max = JUMPING_CONTROL_RATE_MAX,
};

static const struct nla_policy jp_device_set_policy[JUMPING_A_MAX + 1] = {
	JP_POLICY_DEVICE_SELECT,
	/* Any u16 is a port; 0 closes the socket. */
	[JUMPING_A_LISTEN_PORT] = { .type = NLA_U16 },
	[JUMPING_A_FWMARK] = { .type = NLA_U32 },
	[JUMPING_A_CONTROL_RATE] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &jp_control_rate_range),
};

/**
 * jp_nl_device_lookup - find the jumping device a request names
 * @net: the caller's netns
 * @attrs: the request's top-level attributes; JUMPING_A_IFINDEX and/or
 *	JUMPING_A_IFNAME select the device (if both, they must agree)
 * @extack: where to say why not
 *
 * Return: the device with a reference held (drop it with jp_device_put()),
 * or an ERR_PTR() with the reason in @extack.
 */
struct jp_device *jp_nl_device_lookup(struct net *net, struct nlattr **attrs,
				      struct netlink_ext_ack *extack)
{
	struct nlattr *ifindex = attrs[JUMPING_A_IFINDEX];
	struct nlattr *ifname = attrs[JUMPING_A_IFNAME];
	struct net_device *dev;
	struct nlattr *by;

	if (!ifindex && !ifname) {
		NL_SET_ERR_MSG_MOD(extack,
				   "device required: JUMPING_A_IFINDEX or JUMPING_A_IFNAME");
		NL_SET_ERR_ATTR_MISS(extack, NULL, JUMPING_A_IFINDEX);
		return ERR_PTR(-EINVAL);
	}

	if (ifindex) {
		by = ifindex;
		dev = dev_get_by_index(net, nla_get_u32(ifindex));
	} else {
		by = ifname;
		dev = dev_get_by_name(net, nla_data(ifname));
	}
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, by, "no such jumping device");
		return ERR_PTR(-ENODEV);
	}

	if (ifindex && ifname && nla_strcmp(ifname, dev->name)) {
		NL_SET_ERR_MSG_ATTR(extack, ifname,
				    "JUMPING_A_IFINDEX and JUMPING_A_IFNAME name different devices");
		goto err_put;
	}
	if (!jp_is_device(dev)) {
		NL_SET_ERR_MSG_ATTR(extack, by, "not a jumping device");
		goto err_put;
	}
	return netdev_priv(dev);

err_put:
	dev_put(dev);
	return ERR_PTR(-EINVAL);
}

/* enum jp_drop_reason -> its counter's attribute. */
static const u16 jp_drop_attrs[JP_DROP_NR] = {
	[JP_DROP_BAD_AUTH]		= JUMPING_A_STATS_DROP_BAD_AUTH,
	[JP_DROP_REPLAY]		= JUMPING_A_STATS_DROP_REPLAY,
	[JP_DROP_UNKNOWN_SESSION]	= JUMPING_A_STATS_DROP_UNKNOWN_SESSION,
	[JP_DROP_SOURCE_NOT_ALLOWED]	= JUMPING_A_STATS_DROP_SOURCE_NOT_ALLOWED,
	[JP_DROP_MALFORMED]		= JUMPING_A_STATS_DROP_MALFORMED,
	[JP_DROP_NO_KEY]		= JUMPING_A_STATS_DROP_NO_KEY,
	[JP_DROP_NO_ROUTE]		= JUMPING_A_STATS_DROP_NO_ROUTE,
	[JP_DROP_CONTROL]		= JUMPING_A_STATS_DROP_CONTROL,
	[JP_DROP_CONTROL_SOURCES]	= JUMPING_A_STATS_DROP_CONTROL_SOURCES,
	[JP_DROP_KEY_EXPIRED]		= JUMPING_A_STATS_DROP_KEY_EXPIRED,
	[JP_DROP_BACKLOG]		= JUMPING_A_STATS_DROP_BACKLOG,
};

/* Room jp_nl_put_stats() needs: bytes, packets, events and drops. */
size_t jp_nl_stats_size(void)
{
	return nla_total_size(0) +
	       (4 + 4 + JP_DROP_NR) * nla_total_size_64bit(sizeof(u64));
}

/* Control datagrams go through a device, never a session. */
static bool jp_nl_stat_is_device_only(int attr)
{
	return attr == JUMPING_A_STATS_CONTROL_RX ||
	       attr == JUMPING_A_STATS_CONTROL_TX ||
	       attr == JUMPING_A_STATS_DROP_CONTROL ||
	       attr == JUMPING_A_STATS_DROP_CONTROL_SOURCES ||
	       attr == JUMPING_A_STATS_DROP_BACKLOG;
}

/**
 * jp_nl_put_stats - put a counter nest (enum jumping_stats_attr)
 * @skb: message being built
 * @attrtype: JUMPING_A_DEV_STATS or JUMPING_A_SESSION_STATS
 * @stats: the counters
 *
 * Return: 0, or -EMSGSIZE with @skb unchanged.
 */
int jp_nl_put_stats(struct sk_buff *skb, int attrtype,
		    const struct jp_stats *stats)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, attrtype);
	if (!nest)
		return -EMSGSIZE;

	if (nla_put_u64_64bit(skb, JUMPING_A_STATS_RX_BYTES, stats->rx_bytes,
			      JUMPING_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, JUMPING_A_STATS_RX_PACKETS,
			      stats->rx_packets, JUMPING_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, JUMPING_A_STATS_TX_BYTES, stats->tx_bytes,
			      JUMPING_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, JUMPING_A_STATS_TX_PACKETS,
			      stats->tx_packets, JUMPING_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, JUMPING_A_STATS_RX_UNKNOWN_SOURCE,
			      stats->rx_unknown_source, JUMPING_A_STATS_PAD))
		goto err_cancel;
	if (attrtype == JUMPING_A_DEV_STATS &&
	    (nla_put_u64_64bit(skb, JUMPING_A_STATS_CONTROL_RX,
			       stats->control_rx, JUMPING_A_STATS_PAD) ||
	     nla_put_u64_64bit(skb, JUMPING_A_STATS_CONTROL_TX,
			       stats->control_tx, JUMPING_A_STATS_PAD) ||
	     nla_put_u64_64bit(skb, JUMPING_A_STATS_RX_STEERED,
			       stats->rx_steered, JUMPING_A_STATS_PAD)))
		goto err_cancel;

	for (i = 0; i < JP_DROP_NR; i++) {
		if (attrtype != JUMPING_A_DEV_STATS &&
		    jp_nl_stat_is_device_only(jp_drop_attrs[i]))
			continue;
		if (nla_put_u64_64bit(skb, jp_drop_attrs[i], stats->drops[i],
				      JUMPING_A_STATS_PAD))
			goto err_cancel;
	}

	nla_nest_end(skb, nest);
	return 0;

err_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static size_t jp_nl_device_size(void)
{
	return nla_total_size(sizeof(u32)) +	/* IFINDEX */
	       nla_total_size(IFNAMSIZ) +	/* IFNAME */
	       nla_total_size(sizeof(u16)) +	/* LISTEN_PORT */
	       nla_total_size(sizeof(u32)) +	/* FWMARK */
	       nla_total_size(sizeof(u32)) +	/* CONTROL_RATE */
	       nla_total_size(sizeof(u32)) +	/* SESSION_COUNT */
	       jp_nl_stats_size();		/* DEV_STATS */
}

/*
 * One device as a JUMPING_CMD_DEVICE_GET message. Called with a reference
 * or under RCU; the port, mark and session count are read locklessly (each
 * is one value, written with WRITE_ONCE()).
 */
static int jp_nl_fill_device(struct sk_buff *skb, struct jp_device *jp,
			     u32 portid, u32 seq, int flags,
			     struct netlink_callback *cb)
{
	struct jp_stats stats;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &jp_genl_family, flags,
			  JUMPING_CMD_DEVICE_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);

	jp_device_get_stats(jp, &stats);

	if (nla_put_u32(skb, JUMPING_A_IFINDEX, jp->dev->ifindex) ||
	    nla_put_string(skb, JUMPING_A_IFNAME, jp->dev->name) ||
	    nla_put_u16(skb, JUMPING_A_LISTEN_PORT, READ_ONCE(jp->listen_port)) ||
	    nla_put_u32(skb, JUMPING_A_FWMARK, READ_ONCE(jp->fwmark)) ||
	    nla_put_u32(skb, JUMPING_A_CONTROL_RATE,
			jp_ratelimit_total(&jp->control_limit)) ||
	    nla_put_u32(skb, JUMPING_A_SESSION_COUNT,
			READ_ONCE(jp->sessions.count)) ||
	    jp_nl_put_stats(skb, JUMPING_A_DEV_STATS, &stats)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}

	genlmsg_end(skb, hdr);
	return 0;
}

static int jp_nl_device_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(jp_nl_device_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = jp_nl_fill_device(msg, jp_nl_device(info), info->snd_portid,
				info->snd_seq, 0, NULL);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * All jumping devices of the caller's netns, resumable: cb->args[0] counts
 * the devices already sent. If devices come or go between parts, the
 * generation check flags the dump NLM_F_DUMP_INTR.
 */
static int jp_nl_device_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct jp_net *jn = jp_net(sock_net(skb->sk));
	long skip = cb->args[0], idx = 0;
	struct jp_device *jp;
	int err = 0;

	/* RCU: the list changes under RTNL, which a dump must not take. */
	rcu_read_lock();
	cb->seq = READ_ONCE(jn->dev_gen);
	list_for_each_entry_rcu(jp, &jn->devices, net_list) {
		if (idx < skip) {
			idx++;
			continue;
		}
		err = jp_nl_fill_device(skb, jp, NETLINK_CB(cb->skb).portid,
					cb->nlh->nlmsg_seq, NLM_F_MULTI, cb);
		if (err)
			break;
		idx++;
	}
	rcu_read_unlock();

	cb->args[0] = idx;
	/* A device that does not fit an empty message is an error. */
	if (err && !skb->len)
		return err;
	return skb->len;
}

static int jp_nl_device_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *port = info->attrs[JUMPING_A_LISTEN_PORT];
	struct nlattr *mark = info->attrs[JUMPING_A_FWMARK];
	struct nlattr *rate = info->attrs[JUMPING_A_CONTROL_RATE];
	struct jp_device *jp = jp_nl_device(info);
	int err;

	if (!port && !mark && !rate) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "nothing to set: give JUMPING_A_LISTEN_PORT, JUMPING_A_FWMARK and/or JUMPING_A_CONTROL_RATE");
		return -EINVAL;
	}
	/* The port is the only change that can fail: do it first. */
	if (port) {
		err = jp_device_set_port(jp, nla_get_u16(port), info->extack);
		if (err)
			return err;
	}
	if (mark)
		jp_device_set_fwmark(jp, nla_get_u32(mark));
	if (rate)
		jp_ratelimit_set_total(&jp->control_limit, nla_get_u32(rate));
	return 0;
}

/*
 * pre_doit: the device, lock and session an op asks for in its
 * internal_flags (JP_NL_*), in this order, or an error with nothing held.
 * The alive check under conf_lock is what keeps a request that found the
 * device before its deletion from touching the session table and sockets
 * that jp_dev_uninit() tears down under the same lock.
 */
static int jp_nl_pre_doit_find(const struct genl_ops *ops,
			       struct genl_info *info)
{
	struct jp_session *s;
	struct jp_device *jp;

	if (!(ops->internal_flags & JP_NL_F_DEVICE))
		return 0;
	jp = jp_nl_device_lookup(genl_info_net(info), info->attrs,
				 info->extack);
	if (IS_ERR(jp))
		return PTR_ERR(jp);
	if (!(ops->internal_flags & JP_NL_F_LOCK))
		goto out;

	mutex_lock(&jp->conf_lock);
	if (jp->dead) {
		NL_SET_ERR_MSG_MOD(info->extack, "device is being deleted");
		mutex_unlock(&jp->conf_lock);
		jp_device_put(jp);
		return -ENODEV;
	}
	if (ops->internal_flags & JP_NL_F_SESSION) {
		s = jp_nl_session_get(jp, info);
		if (IS_ERR(s)) {
			mutex_unlock(&jp->conf_lock);
			jp_device_put(jp);
			return PTR_ERR(s);
		}
		info->user_ptr[1] = s;
	}
out:
	info->user_ptr[0] = jp;
	return 0;
}

static int jp_nl_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			  struct genl_info *info)
{
	int err;

	jp_fault_scope_enter();
	err = jp_nl_pre_doit_find(ops, info);
	if (err)
		jp_fault_scope_exit();
	return err;
}

/* post_doit: undo what pre_doit did, also when the handler failed. */
static void jp_nl_post_doit(const struct genl_ops *ops, struct sk_buff *skb,
			    struct genl_info *info)
{
	struct jp_device *jp = jp_nl_device(info);

	jp_fault_scope_exit();
	if (!jp)
		return;
	jp_session_put(jp_nl_session(info));
	if (ops->internal_flags & JP_NL_F_LOCK)
		mutex_unlock(&jp->conf_lock);
	jp_device_put(jp);
}

static const struct genl_ops jp_genl_ops[] = {
	{
		.cmd		= JUMPING_CMD_DEVICE_GET,
		.flags		= GENL_UNS_ADMIN_PERM,
		.internal_flags	= JP_NL_DEVICE,
		.policy		= jp_device_get_policy,
		.maxattr	= JUMPING_A_MAX,
		.doit		= jp_nl_device_get_doit,
		.dumpit		= jp_nl_device_dumpit,
	},
	{
		.cmd		= JUMPING_CMD_DEVICE_SET,
		.flags		= GENL_UNS_ADMIN_PERM,
		.internal_flags	= JP_NL_LOCKED,
		.policy		= jp_device_set_policy,
		.maxattr	= JUMPING_A_MAX,
		.doit		= jp_nl_device_set_doit,
	},
	{
		.cmd		= JUMPING_CMD_SESSION_NEW,
		.flags		= GENL_UNS_ADMIN_PERM,
		.internal_flags	= JP_NL_LOCKED,
		.policy		= jp_session_new_policy,
		.maxattr	= JUMPING_A_MAX,
		.doit		= jp_nl_session_new_doit,
	},
	{
		.cmd		= JUMPING_CMD_SESSION_SET,
		.flags		= GENL_UNS_ADMIN_PERM,
		.internal_flags	= JP_NL_SESSION,
		.policy		= jp_session_set_policy,
		.maxattr	= JUMPING_A_MAX,
		.doit		= jp_nl_session_set_doit,
	},
	{
		.cmd		= JUMPING_CMD_SESSION_DEL,
		.flags		= GENL_UNS_ADMIN_PERM,
		.internal_flags	= JP_NL_SESSION,
		.policy		= jp_session_id_policy,
		.maxattr	= JUMPING_A_MAX,
		.doit		= jp_nl_session_del_doit,
	},
	{
		/* Session keys are never reported, but ids and addresses are. */
		.cmd		= JUMPING_CMD_SESSION_GET,
		.flags		= GENL_UNS_ADMIN_PERM,
		.internal_flags	= JP_NL_SESSION,
		.policy		= jp_session_id_policy,
		.maxattr	= JUMPING_A_MAX,
		.doit		= jp_nl_session_get_doit,
		.dumpit		= jp_nl_session_dumpit,
	},
	{
		.cmd		= JUMPING_CMD_KEY_NEW,
		.flags		= GENL_UNS_ADMIN_PERM,
		.internal_flags	= JP_NL_SESSION,
		.policy		= jp_key_new_policy,
		.maxattr	= JUMPING_A_MAX,
		.doit		= jp_nl_key_new_doit,
	},
	{
		.cmd		= JUMPING_CMD_KEY_SWAP,
		.flags		= GENL_UNS_ADMIN_PERM,
		.internal_flags	= JP_NL_SESSION,
		.policy		= jp_session_id_policy,
		.maxattr	= JUMPING_A_MAX,
		.doit		= jp_nl_key_swap_doit,
	},
	{
		.cmd		= JUMPING_CMD_KEY_DEL,
		.flags		= GENL_UNS_ADMIN_PERM,
		.internal_flags	= JP_NL_SESSION,
		.policy		= jp_key_del_policy,
		.maxattr	= JUMPING_A_MAX,
		.doit		= jp_nl_key_del_doit,
	},
	{
		.cmd		= JUMPING_CMD_BINDING_SET,
		.flags		= GENL_UNS_ADMIN_PERM,
		.internal_flags	= JP_NL_SESSION,
		.policy		= jp_binding_set_policy,
		.maxattr	= JUMPING_A_MAX,
		.doit		= jp_nl_binding_set_doit,
	},
	{
		.cmd		= JUMPING_CMD_PACKET_SEND,
		.flags		= GENL_UNS_ADMIN_PERM,
		.internal_flags	= JP_NL_DEVICE,
		.policy		= jp_packet_send_policy,
		.maxattr	= JUMPING_A_MAX,
		.doit		= jp_nl_packet_send_doit,
	},
};

/*
 * parallel_ops: no family-wide lock; pre_doit takes the conf_lock of the
 * one device a request works on (RCU covers the device list), so one slow
 * request does not stall every device.
 * resv_start_op 0: every command gets strict header and attribute checks.
 */
struct genl_family jp_genl_family __ro_after_init = {
	.name		= JUMPING_GENL_NAME,
	.version	= JUMPING_GENL_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.pre_doit	= jp_nl_pre_doit,
	.post_doit	= jp_nl_post_doit,
	.module		= THIS_MODULE,
	.ops		= jp_genl_ops,
	.n_ops		= ARRAY_SIZE(jp_genl_ops),
	.mcgrps		= jp_genl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(jp_genl_mcgrps),
	.resv_start_op	= 0,
};

/**
 * jp_genl_event_new - start an event message about a device
 * @jp: the device; its ifindex is put first
 * @cmd: a JUMPING_CMD_*_NTF
 * @payload: room the caller needs beyond the ifindex
 * @gfp: allocation flags (GFP_ATOMIC from the packet paths)
 * @hdr: set to the header to pass to jp_genl_event_send()
 *
 * Return: the message, or NULL on allocation failure.
 */
struct sk_buff *jp_genl_event_new(struct jp_device *jp, u8 cmd,
				  size_t payload, gfp_t gfp, void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(nla_total_size(sizeof(u32)) + payload, gfp);
	if (!msg)
		return NULL;

	*hdr = genlmsg_put(msg, 0, 0, &jp_genl_family, 0, cmd);
	if (!*hdr || nla_put_u32(msg, JUMPING_A_IFINDEX, jp->dev->ifindex)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/**
 * jp_genl_event_send - finish and multicast an event in the device's netns
 * @jp: the device the event is about
 * @msg: from jp_genl_event_new(); always consumed
 * @hdr: from jp_genl_event_new()
 * @gfp: allocation flags
 *
 * Return: 0 (also when nobody listens) or a negative errno.
 */
int jp_genl_event_send(struct jp_device *jp, struct sk_buff *msg, void *hdr,
		       gfp_t gfp)
{
	int err;

	err = jp_genl_group_send(jp, msg, hdr, JP_MCGRP_EVENTS, gfp);
	return err == -ESRCH ? 0 : err;
}

/**
 * jp_genl_group_send - finish and multicast a message to one group
 * @jp: the device the message is about; its netns gets it
 * @msg: from jp_genl_event_new(); always consumed
 * @hdr: from jp_genl_event_new()
 * @group: enum jp_genl_mcgrp
 * @gfp: allocation flags
 *
 * Return: 0 when every listener got it, -ESRCH when nobody listens, or
 * another negative errno (e.g. -ENOBUFS: a listener's buffer was full).
 */
int jp_genl_group_send(struct jp_device *jp, struct sk_buff *msg, void *hdr,
		       enum jp_genl_mcgrp group, gfp_t gfp)
{
	genlmsg_end(msg, hdr);
	return genlmsg_multicast_netns(&jp_genl_family, dev_net(jp->dev), msg,
				       0, group, gfp);
}

/* Is anybody in @jp's netns subscribed to @group? Any context. */
bool jp_genl_has_listeners(struct jp_device *jp, enum jp_genl_mcgrp group)
{
	return genl_has_listeners(&jp_genl_family, dev_net(jp->dev), group) > 0;
}

/**
 * jp_nl_init - register the family and create the event workqueue
 *
 * Return: 0 or a negative errno, with nothing left registered.
 */
int jp_nl_init(void)
{
	int err;

	jp_nl_wq = alloc_workqueue("jumping_events", 0, 0);
	if (!jp_nl_wq)
		return -ENOMEM;
	err = genl_register_family(&jp_genl_family);
	if (err)
		destroy_workqueue(jp_nl_wq);
	return err;
}

/*
 * After every device is gone: no event work can be queued any more, and
 * destroying the workqueue waits for the queued ones, which hold device
 * references, so they ran already, but their code must finish before the
 * module text goes.
 */
void jp_nl_exit(void)
{
	genl_unregister_family(&jp_genl_family);
	destroy_workqueue(jp_nl_wq);
}
