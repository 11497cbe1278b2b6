/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: the generic netlink family (configuration and events).
 */
#ifndef _JP_NETLINK_H
#define _JP_NETLINK_H

#include <net/genetlink.h>

#include "device.h"

extern struct genl_family jp_genl_family;

struct jp_device *jp_genl_device_from_attrs(struct genl_info *info);

size_t jp_nl_stats_size(void);
int jp_nl_put_stats(struct sk_buff *skb, int attrtype,
		    const struct jp_stats *stats);

struct sk_buff *jp_genl_event_new(struct jp_device *jp, u8 cmd,
				  size_t payload, gfp_t gfp, void **hdr);
int jp_genl_event_send(struct jp_device *jp, struct sk_buff *msg, void *hdr,
		       gfp_t gfp);

#endif /* _JP_NETLINK_H */
