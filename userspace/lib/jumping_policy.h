/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libnl attribute policies for what the kernel sends back, so a reader
 * never calls nla_get_u64() on an attribute shorter than 8 bytes. The
 * attribute numbers themselves live only in <linux/jumping.h>.
 */
#ifndef JUMPING_POLICY_H
#define JUMPING_POLICY_H

#include <netlink/attr.h>
#include <linux/jumping.h>

extern const struct nla_policy jg_policy_top[JUMPING_A_MAX + 1];
extern const struct nla_policy jg_policy_session[JUMPING_A_SESSION_MAX + 1];
extern const struct nla_policy jg_policy_binding[JUMPING_A_BINDING_MAX + 1];
extern const struct nla_policy jg_policy_prefix[JUMPING_A_PREFIX_MAX + 1];
extern const struct nla_policy jg_policy_keyconf[JUMPING_A_KEYCONF_MAX + 1];
extern const struct nla_policy jg_policy_history[JUMPING_A_HISTORY_MAX + 1];
extern const struct nla_policy jg_policy_stats[JUMPING_A_STATS_MAX + 1];

#endif /* JUMPING_POLICY_H */
