// SPDX-License-Identifier: GPL-2.0
/* libnl policies for replies of the jumping family (see jumping_policy.h). */
#include <net/if.h>
#include "jumping_policy.h"

const struct nla_policy jg_policy_top[JUMPING_A_MAX + 1] = {
	[JUMPING_A_IFINDEX]	= { .type = NLA_U32 },
	[JUMPING_A_IFNAME]	= { .type = NLA_STRING, .maxlen = IFNAMSIZ },
	[JUMPING_A_LISTEN_PORT]	= { .type = NLA_U16 },
	[JUMPING_A_FWMARK]	= { .type = NLA_U32 },
	[JUMPING_A_DEV_STATS]	= { .type = NLA_NESTED },
	[JUMPING_A_SESSION]	= { .type = NLA_NESTED },
	[JUMPING_A_PACKET]	= { .minlen = 1 },
	[JUMPING_A_BINDING]	= { .type = NLA_NESTED },
	[JUMPING_A_CONTROL_RATE] = { .type = NLA_U32 },
	[JUMPING_A_SESSION_COUNT] = { .type = NLA_U32 },
	[JUMPING_A_REASON]	= { .type = NLA_U16 },
};

const struct nla_policy jg_policy_session[JUMPING_A_SESSION_MAX + 1] = {
	[JUMPING_A_SESSION_ID]		= { .type = NLA_U32 },
	[JUMPING_A_SESSION_PEER_ID]	= { .type = NLA_U32 },
	[JUMPING_A_SESSION_STATE]	= { .type = NLA_U8 },
	[JUMPING_A_SESSION_BINDING]	= { .type = NLA_NESTED },
	[JUMPING_A_SESSION_PREFIX]	= { .type = NLA_NESTED },
	[JUMPING_A_SESSION_KEYCONF]	= { .type = NLA_NESTED },
	[JUMPING_A_SESSION_STATS]	= { .type = NLA_NESTED },
	[JUMPING_A_SESSION_REASON]	= { .type = NLA_U16 },
	[JUMPING_A_SESSION_KEY_SLOT]	= { .type = NLA_U8 },
	[JUMPING_A_SESSION_KEEPALIVE_MS] = { .type = NLA_U32 },
	[JUMPING_A_SESSION_RX_AGE_MS]	= { .type = NLA_U64 },
	[JUMPING_A_SESSION_TX_AGE_MS]	= { .type = NLA_U64 },
	[JUMPING_A_SESSION_OLD_STATE]	= { .type = NLA_U8 },
	[JUMPING_A_SESSION_SOURCE]	= { .type = NLA_NESTED },
	[JUMPING_A_SESSION_STATE_AGE_MS] = { .type = NLA_U64 },
	[JUMPING_A_SESSION_HISTORY]	= { .type = NLA_NESTED },
	[JUMPING_A_SESSION_SILENCE_MS]	= { .type = NLA_U32 },
	[JUMPING_A_SESSION_UNHEARD_MS]	= { .type = NLA_U64 },
	[JUMPING_A_SESSION_LIVENESS]	= { .type = NLA_U8 },
};

const struct nla_policy jg_policy_history[JUMPING_A_HISTORY_MAX + 1] = {
	[JUMPING_A_HISTORY_BINDING]	= { .type = NLA_NESTED },
	[JUMPING_A_HISTORY_REASON]	= { .type = NLA_U16 },
	[JUMPING_A_HISTORY_AGE_MS]	= { .type = NLA_U64 },
};

const struct nla_policy jg_policy_binding[JUMPING_A_BINDING_MAX + 1] = {
	[JUMPING_A_BINDING_REMOTE_IPV4]	= { .type = NLA_U32 },
	[JUMPING_A_BINDING_REMOTE_IPV6]	= { .minlen = 16 },
	[JUMPING_A_BINDING_REMOTE_PORT]	= { .type = NLA_U16 },
	[JUMPING_A_BINDING_LOCAL_IPV4]	= { .type = NLA_U32 },
	[JUMPING_A_BINDING_LOCAL_IPV6]	= { .minlen = 16 },
	[JUMPING_A_BINDING_IFINDEX]	= { .type = NLA_U32 },
};

const struct nla_policy jg_policy_prefix[JUMPING_A_PREFIX_MAX + 1] = {
	[JUMPING_A_PREFIX_IPV4]	= { .type = NLA_U32 },
	[JUMPING_A_PREFIX_IPV6]	= { .minlen = 16 },
	[JUMPING_A_PREFIX_LEN]	= { .type = NLA_U8 },
};

const struct nla_policy jg_policy_keyconf[JUMPING_A_KEYCONF_MAX + 1] = {
	[JUMPING_A_KEYCONF_SLOT]	= { .type = NLA_U8 },
	[JUMPING_A_KEYCONF_KEY_ID]	= { .type = NLA_U8 },
	[JUMPING_A_KEYCONF_CIPHER]	= { .type = NLA_U8 },
	[JUMPING_A_KEYCONF_ENCRYPT_KEY]	= { .minlen = JUMPING_KEY_LEN },
	[JUMPING_A_KEYCONF_DECRYPT_KEY]	= { .minlen = JUMPING_KEY_LEN },
	[JUMPING_A_KEYCONF_REJECT_AFTER_MS] = { .type = NLA_U32 },
};

const struct nla_policy jg_policy_stats[JUMPING_A_STATS_MAX + 1] = {
	[JUMPING_A_STATS_RX_BYTES]		= { .type = NLA_U64 },
	[JUMPING_A_STATS_RX_PACKETS]		= { .type = NLA_U64 },
	[JUMPING_A_STATS_TX_BYTES]		= { .type = NLA_U64 },
	[JUMPING_A_STATS_TX_PACKETS]		= { .type = NLA_U64 },
	[JUMPING_A_STATS_DROP_BAD_AUTH]		= { .type = NLA_U64 },
	[JUMPING_A_STATS_DROP_REPLAY]		= { .type = NLA_U64 },
	[JUMPING_A_STATS_DROP_UNKNOWN_SESSION]	= { .type = NLA_U64 },
	[JUMPING_A_STATS_DROP_SOURCE_NOT_ALLOWED] = { .type = NLA_U64 },
	[JUMPING_A_STATS_DROP_MALFORMED]	= { .type = NLA_U64 },
	[JUMPING_A_STATS_DROP_NO_KEY]		= { .type = NLA_U64 },
	[JUMPING_A_STATS_DROP_NO_ROUTE]		= { .type = NLA_U64 },
	[JUMPING_A_STATS_RX_UNKNOWN_SOURCE]	= { .type = NLA_U64 },
	[JUMPING_A_STATS_CONTROL_RX]		= { .type = NLA_U64 },
	[JUMPING_A_STATS_CONTROL_TX]		= { .type = NLA_U64 },
	[JUMPING_A_STATS_DROP_CONTROL]		= { .type = NLA_U64 },
	[JUMPING_A_STATS_DROP_CONTROL_SOURCES]	= { .type = NLA_U64 },
	[JUMPING_A_STATS_DROP_KEY_EXPIRED]	= { .type = NLA_U64 },
	[JUMPING_A_STATS_RX_STEERED]		= { .type = NLA_U64 },
	[JUMPING_A_STATS_DROP_BACKLOG]		= { .type = NLA_U64 },
};
