/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: the generic netlink family (configuration and events).
 *
 * netlink.c holds the family, the device commands and what every handler
 * shares; netlink_session.c the session and binding commands;
 * netlink_key.c the key slot commands and the key-exhausted event;
 * netlink_binding.c bindings in messages; control.c the control datagrams
 * (PACKET_SEND, PACKET_RX_NTF).
 */
#ifndef _JP_NETLINK_H
#define _JP_NETLINK_H

#include <linux/bits.h>
#include <net/genetlink.h>

#include "bind.h"
#include "device.h"
#include "session.h"

/*
 * Attributes that select a device. Every op's policy spans all top-level
 * attributes (maxattr JUMPING_A_MAX) so handlers can index info->attrs by
 * any of them; attributes an op does not take stay NLA_UNSPEC and strict
 * validation rejects them.
 */
#define JP_POLICY_DEVICE_SELECT						\
	[JUMPING_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),		\
	[JUMPING_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 }

/* The family's multicast groups, in registration order. */
enum jp_genl_mcgrp {
	JP_MCGRP_EVENTS,
	JP_MCGRP_CONTROL,
};

extern struct genl_family jp_genl_family;
extern struct workqueue_struct *jp_nl_wq;

int jp_nl_init(void);
void jp_nl_exit(void);

struct jp_device *jp_nl_device_lookup(struct net *net, struct nlattr **attrs,
				      struct netlink_ext_ack *extack);

/*
 * What the family's pre_doit prepares for an op (genl_ops.internal_flags)
 * and its post_doit undoes, so that no handler finds its device, takes its
 * lock or finds its session by hand.
 *
 * JP_NL_DEVICE: the device the request names, referenced (jp_nl_device()).
 * JP_NL_LOCKED: also its conf_lock held, and the device not being torn
 *	down: its session table is still there and stays until post_doit.
 * JP_NL_SESSION: also the session the JUMPING_A_SESSION nest's id names,
 *	referenced (jp_nl_session()); conf_lock keeps it in its table.
 */
#define JP_NL_F_DEVICE		BIT(0)
#define JP_NL_F_LOCK		BIT(1)
#define JP_NL_F_SESSION		BIT(2)
#define JP_NL_DEVICE		JP_NL_F_DEVICE
#define JP_NL_LOCKED		(JP_NL_DEVICE | JP_NL_F_LOCK)
#define JP_NL_SESSION		(JP_NL_LOCKED | JP_NL_F_SESSION)

static inline struct jp_device *jp_nl_device(struct genl_info *info)
{
	return info->user_ptr[0];
}

static inline struct jp_session *jp_nl_session(struct genl_info *info)
{
	return info->user_ptr[1];
}

size_t jp_nl_stats_size(void);
int jp_nl_put_stats(struct sk_buff *skb, int attrtype,
		    const struct jp_stats *stats);

struct sk_buff *jp_genl_event_new(struct jp_device *jp, u8 cmd,
				  size_t payload, gfp_t gfp, void **hdr);
int jp_genl_event_send(struct jp_device *jp, struct sk_buff *msg, void *hdr,
		       gfp_t gfp);
int jp_genl_group_send(struct jp_device *jp, struct sk_buff *msg, void *hdr,
		       enum jp_genl_mcgrp group, gfp_t gfp);
bool jp_genl_has_listeners(struct jp_device *jp, enum jp_genl_mcgrp group);

/* Transport bindings in messages (netlink_binding.c). */
extern const struct nla_policy jp_binding_policy[JUMPING_A_BINDING_MAX + 1];

size_t jp_nl_binding_size(void);
int jp_nl_parse_binding_into(struct nlattr *nest, const struct jp_device *jp,
			     struct jp_bind *bind,
			     struct netlink_ext_ack *extack);
struct jp_bind *jp_nl_parse_binding(struct nlattr *nest,
				    const struct jp_device *jp,
				    struct netlink_ext_ack *extack);
int jp_nl_put_binding(struct sk_buff *skb, int attrtype,
		      const struct jp_bind *bind);

/* Control datagrams sent for jumpd (control.c). */
extern const struct nla_policy jp_packet_send_policy[JUMPING_A_MAX + 1];

int jp_nl_packet_send_doit(struct sk_buff *skb, struct genl_info *info);

/* Policies of the session-level commands (netlink_session.c). */
extern const struct nla_policy jp_session_id_nest[JUMPING_A_SESSION_MAX + 1];
extern const struct nla_policy jp_session_new_policy[JUMPING_A_MAX + 1];
extern const struct nla_policy jp_session_set_policy[JUMPING_A_MAX + 1];
extern const struct nla_policy jp_session_id_policy[JUMPING_A_MAX + 1];
extern const struct nla_policy jp_binding_set_policy[JUMPING_A_MAX + 1];

int jp_nl_session_new_doit(struct sk_buff *skb, struct genl_info *info);
int jp_nl_session_set_doit(struct sk_buff *skb, struct genl_info *info);
int jp_nl_session_del_doit(struct sk_buff *skb, struct genl_info *info);
int jp_nl_session_get_doit(struct sk_buff *skb, struct genl_info *info);
int jp_nl_session_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int jp_nl_binding_set_doit(struct sk_buff *skb, struct genl_info *info);

int jp_nl_session_attrs(struct genl_info *info,
			const struct nla_policy *policy, unsigned int maxtype,
			struct nlattr **tb);
struct jp_session *jp_nl_session_get(struct jp_device *jp,
				     struct genl_info *info);
void jp_nl_sessions_gone(struct jp_device *jp);
int jp_nl_reply_session(struct genl_info *info, struct jp_device *jp,
			struct jp_session *s, u8 cmd);
void jp_nl_notify_unknown_source(struct jp_device *jp, struct jp_session *s,
				 const struct jp_bind *from);

/* Policies and handlers of the key commands (netlink_key.c). */
extern const struct nla_policy jp_key_new_policy[JUMPING_A_MAX + 1];
extern const struct nla_policy jp_key_del_policy[JUMPING_A_MAX + 1];

int jp_nl_key_new_doit(struct sk_buff *skb, struct genl_info *info);
int jp_nl_key_swap_doit(struct sk_buff *skb, struct genl_info *info);
int jp_nl_key_del_doit(struct sk_buff *skb, struct genl_info *info);

void jp_nl_key_exhausted(struct jp_session *s, u8 key_id);
void jp_nl_key_exhausted_work(struct work_struct *work);

#endif /* _JP_NETLINK_H */
