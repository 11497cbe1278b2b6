/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * Jumping VPN: the generic netlink interface shared by the kernel module
 * and userspace (jumpd, jumpctl). This header is the single definition of
 * the family, its commands, attributes, multicast groups and every enum the
 * two sides exchange.
 */
#ifndef _UAPI_LINUX_JUMPING_H
#define _UAPI_LINUX_JUMPING_H

#define JUMPING_GENL_NAME		"jumping"
#define JUMPING_GENL_VERSION		1
#define JUMPING_GENL_MCGRP_EVENTS	"events"
/* Control datagrams (handshake, REATTACH) passed up to jumpd. */
#define JUMPING_GENL_MCGRP_CONTROL	"control"

/*
 * Largest control datagram (first byte 2, 3 or 4: docs/protocol.md) that
 * JUMPING_CMD_PACKET_SEND sends or JUMPING_CMD_PACKET_RX_NTF carries.
 */
#define JUMPING_PACKET_MAX_LEN		1232

/* rtnl_link_ops kind: ip link add jp0 type jumping */
#define JUMPING_LINK_KIND		"jumping"

/*
 * IFLA_INFO_DATA of a jumping link in RTM_NEWLINK replies (ip -d link
 * show): the device's settings, read only (they are changed over generic
 * netlink, JUMPING_CMD_DEVICE_SET). Same meanings and units as the
 * JUMPING_A_ attributes of the same names.
 */
enum {
	IFLA_JUMPING_UNSPEC,
	IFLA_JUMPING_LISTEN_PORT,	/* u16, host order; 0 = closed */
	IFLA_JUMPING_FWMARK,		/* u32 */
	IFLA_JUMPING_CONTROL_RATE,	/* u32, datagrams a second */
	IFLA_JUMPING_SESSION_COUNT,	/* u32 */

	__IFLA_JUMPING_MAX,
	IFLA_JUMPING_MAX = __IFLA_JUMPING_MAX - 1
};

enum jumping_cmd {
	JUMPING_CMD_UNSPEC,
	/* device: doit by JUMPING_A_IFINDEX or JUMPING_A_IFNAME, or dump */
	JUMPING_CMD_DEVICE_GET,
	JUMPING_CMD_DEVICE_SET,
	/*
	 * sessions: JUMPING_A_SESSION nested, device by ifindex/ifname. A
	 * prefix has one owner per device: NEW/SET giving one another session
	 * holds fail with EEXIST, the owner's id (u32) the extack cookie. A
	 * GET dump continues a session of many prefixes in the next message
	 * (its id and more prefixes only); readers merge them by id.
	 */
	JUMPING_CMD_SESSION_NEW,
	JUMPING_CMD_SESSION_SET,
	JUMPING_CMD_SESSION_DEL,
	JUMPING_CMD_SESSION_GET,
	/* key slots of a session: JUMPING_A_SESSION with JUMPING_A_SESSION_KEYCONF */
	JUMPING_CMD_KEY_NEW,
	JUMPING_CMD_KEY_SWAP,
	JUMPING_CMD_KEY_DEL,
	/* replace a session's transport binding */
	JUMPING_CMD_BINDING_SET,
	/* notifications on the events multicast group */
	JUMPING_CMD_SESSION_DEL_NTF,
	JUMPING_CMD_KEY_SWAP_NTF,
	JUMPING_CMD_STATE_NTF,
	JUMPING_CMD_UNKNOWN_SOURCE_NTF,
	/*
	 * Control datagrams share the device's UDP port with data. jumpd
	 * sends one with PACKET_SEND (JUMPING_A_PACKET, JUMPING_A_BINDING);
	 * each one that arrives is multicast as PACKET_RX_NTF on the control
	 * group, with the binding it came from.
	 */
	JUMPING_CMD_PACKET_SEND,
	JUMPING_CMD_PACKET_RX_NTF,
	/*
	 * On the events group: the session sent and heard nothing from its
	 * binding for SILENCE_MS (LIVENESS silent, UNHEARD_MS, RX_AGE_MS),
	 * or the first authenticated packet after that came (resumed).
	 */
	JUMPING_CMD_SILENCE_NTF,
	/*
	 * On the events group, once, when a device's sessions are removed
	 * all at once (the device is deleted): JUMPING_A_IFINDEX,
	 * JUMPING_A_IFNAME, JUMPING_A_SESSION_COUNT (how many went) and
	 * JUMPING_A_REASON. No SESSION_DEL_NTF is sent for those sessions.
	 */
	JUMPING_CMD_SESSIONS_FLUSHED_NTF,

	__JUMPING_CMD_MAX,
	JUMPING_CMD_MAX = __JUMPING_CMD_MAX - 1
};

/* Top-level attributes. */
enum jumping_attr {
	JUMPING_A_UNSPEC,
	JUMPING_A_IFINDEX,		/* u32 */
	JUMPING_A_IFNAME,		/* string, < IFNAMSIZ */
	JUMPING_A_LISTEN_PORT,		/* u16, host order; 0 = closed */
	JUMPING_A_FWMARK,		/* u32 */
	JUMPING_A_DEV_STATS,		/* nest, enum jumping_stats_attr */
	JUMPING_A_SESSION,		/* nest, enum jumping_session_attr */
	JUMPING_A_PAD,
	JUMPING_A_PACKET,		/* binary, a whole control datagram */
	JUMPING_A_BINDING,		/* nest, enum jumping_binding_attr */
	/*
	 * Control datagrams passed up to jumpd per second, per device, in
	 * total (each source has its own share below it): DEVICE_SET and
	 * DEVICE_GET. JUMPING_CONTROL_RATE_MIN..MAX; bursts of a quarter.
	 */
	JUMPING_A_CONTROL_RATE,		/* u32 */
	/*
	 * How many sessions: the device holds (DEVICE_GET), or were removed
	 * (SESSIONS_FLUSHED_NTF).
	 */
	JUMPING_A_SESSION_COUNT,	/* u32 */
	/* in SESSIONS_FLUSHED_NTF: why */
	JUMPING_A_REASON,		/* u16, enum jumping_reason */

	__JUMPING_A_MAX,
	JUMPING_A_MAX = __JUMPING_A_MAX - 1
};

#define JUMPING_CONTROL_RATE_DEFAULT	1000
#define JUMPING_CONTROL_RATE_MIN	4
#define JUMPING_CONTROL_RATE_MAX	100000

/* A session: identity, keys, counters, inner prefixes, transport binding. */
enum jumping_session_attr {
	JUMPING_A_SESSION_UNSPEC,
	JUMPING_A_SESSION_ID,		/* u32, chosen by the receiver, != 0 */
	JUMPING_A_SESSION_PEER_ID,	/* u32, id the peer chose; put on tx */
	JUMPING_A_SESSION_STATE,	/* u8, enum jumping_state */
	JUMPING_A_SESSION_BINDING,	/* nest, enum jumping_binding_attr */
	/* at most 1024 per session; one owner per prefix on a device */
	JUMPING_A_SESSION_PREFIX,	/* nest, repeated, jumping_prefix_attr */
	JUMPING_A_SESSION_KEYCONF,	/* nest, enum jumping_keyconf_attr */
	JUMPING_A_SESSION_STATS,	/* nest, enum jumping_stats_attr */
	JUMPING_A_SESSION_REASON,	/* u16, enum jumping_reason */
	JUMPING_A_SESSION_KEY_SLOT,	/* u8, enum jumping_key_slot */
	JUMPING_A_SESSION_PAD,
	/* send an empty data packet after this long without sending; 0 = off */
	JUMPING_A_SESSION_KEEPALIVE_MS,	/* u32 */
	/* read only: since the last authenticated rx from the binding */
	JUMPING_A_SESSION_RX_AGE_MS,	/* u64, absent if none yet */
	/* read only: since the last packet sent, keepalives included */
	JUMPING_A_SESSION_TX_AGE_MS,	/* u64, absent if none yet */
	/* in STATE_NTF: the state before the change */
	JUMPING_A_SESSION_OLD_STATE,	/* u8, enum jumping_state */
	/* in UNKNOWN_SOURCE_NTF: where the authenticated packet came from */
	JUMPING_A_SESSION_SOURCE,	/* nest, enum jumping_binding_attr */
	/* read only: since the state last changed */
	JUMPING_A_SESSION_STATE_AGE_MS,	/* u64 */
	/* read only: the last bindings, newest first, repeated */
	JUMPING_A_SESSION_HISTORY,	/* nest, enum jumping_history_attr */
	/*
	 * SILENCE_NTF after this long without an authenticated packet from
	 * the binding since the first packet sent after the last one; 0 = off
	 */
	JUMPING_A_SESSION_SILENCE_MS,	/* u32 */
	/* since the first packet sent that nothing from the binding followed */
	JUMPING_A_SESSION_UNHEARD_MS,	/* u64, absent if none */
	/* in SILENCE_NTF, and in SESSION_GET while silent */
	JUMPING_A_SESSION_LIVENESS,	/* u8, enum jumping_liveness */

	__JUMPING_A_SESSION_MAX,
	JUMPING_A_SESSION_MAX = __JUMPING_A_SESSION_MAX - 1
};

/* Where a session's packets go: one UDP 4-tuple, IPv4 or IPv6. */
enum jumping_binding_attr {
	JUMPING_A_BINDING_UNSPEC,
	JUMPING_A_BINDING_REMOTE_IPV4,	/* be32 */
	JUMPING_A_BINDING_REMOTE_IPV6,	/* 16 bytes */
	JUMPING_A_BINDING_REMOTE_PORT,	/* be16 */
	JUMPING_A_BINDING_LOCAL_IPV4,	/* be32, optional */
	JUMPING_A_BINDING_LOCAL_IPV6,	/* 16 bytes, optional */
	/* u32, optional: the interface packets leave by; 0 or absent = any */
	JUMPING_A_BINDING_IFINDEX,

	__JUMPING_A_BINDING_MAX,
	JUMPING_A_BINDING_MAX = __JUMPING_A_BINDING_MAX - 1
};

/* One inner prefix a session may send from and is routed to. */
enum jumping_prefix_attr {
	JUMPING_A_PREFIX_UNSPEC,
	JUMPING_A_PREFIX_IPV4,		/* be32 */
	JUMPING_A_PREFIX_IPV6,		/* 16 bytes */
	JUMPING_A_PREFIX_LEN,		/* u8 */

	__JUMPING_A_PREFIX_MAX,
	JUMPING_A_PREFIX_MAX = __JUMPING_A_PREFIX_MAX - 1
};

/* One past binding of a session and why it was installed. */
enum jumping_history_attr {
	JUMPING_A_HISTORY_UNSPEC,
	JUMPING_A_HISTORY_BINDING,	/* nest, enum jumping_binding_attr */
	JUMPING_A_HISTORY_REASON,	/* u16, enum jumping_reason */
	JUMPING_A_HISTORY_AGE_MS,	/* u64, since it was installed */
	JUMPING_A_HISTORY_PAD,

	__JUMPING_A_HISTORY_MAX,
	JUMPING_A_HISTORY_MAX = __JUMPING_A_HISTORY_MAX - 1
};

#define JUMPING_HISTORY_LEN	8

enum jumping_cipher {
	JUMPING_CIPHER_NONE,
	JUMPING_CIPHER_CHACHA20POLY1305,
	JUMPING_CIPHER_AES256GCM,
};

enum jumping_key_slot {
	JUMPING_KEY_SLOT_PRIMARY,
	JUMPING_KEY_SLOT_SECONDARY,
};

#define JUMPING_KEY_LEN		32
#define JUMPING_KEY_ID_MAX	7
#define JUMPING_KEY_REJECT_AFTER_MIN_MS	1000

/* Key material for one slot, one key per direction. */
enum jumping_keyconf_attr {
	JUMPING_A_KEYCONF_UNSPEC,
	JUMPING_A_KEYCONF_SLOT,		/* u8, enum jumping_key_slot */
	JUMPING_A_KEYCONF_KEY_ID,	/* u8, 0..JUMPING_KEY_ID_MAX */
	JUMPING_A_KEYCONF_CIPHER,	/* u8, enum jumping_cipher */
	JUMPING_A_KEYCONF_ENCRYPT_KEY,	/* JUMPING_KEY_LEN bytes */
	JUMPING_A_KEYCONF_DECRYPT_KEY,	/* JUMPING_KEY_LEN bytes */
	/*
	 * u32, KEY_NEW only: the key neither encrypts nor decrypts once this
	 * long has passed since it was installed (suspend included), at
	 * least JUMPING_KEY_REJECT_AFTER_MIN_MS. Absent: no age limit, only
	 * the packet count limit (keys set by hand, with no rekeyer).
	 */
	JUMPING_A_KEYCONF_REJECT_AFTER_MS,

	__JUMPING_A_KEYCONF_MAX,
	JUMPING_A_KEYCONF_MAX = __JUMPING_A_KEYCONF_MAX - 1
};

/* Counters, on a device and on each session. */
enum jumping_stats_attr {
	JUMPING_A_STATS_UNSPEC,
	JUMPING_A_STATS_RX_BYTES,		/* u64 */
	JUMPING_A_STATS_RX_PACKETS,		/* u64 */
	JUMPING_A_STATS_TX_BYTES,		/* u64 */
	JUMPING_A_STATS_TX_PACKETS,		/* u64 */
	JUMPING_A_STATS_DROP_BAD_AUTH,		/* u64 */
	JUMPING_A_STATS_DROP_REPLAY,		/* u64 */
	JUMPING_A_STATS_DROP_UNKNOWN_SESSION,	/* u64 */
	JUMPING_A_STATS_DROP_SOURCE_NOT_ALLOWED,/* u64 */
	JUMPING_A_STATS_DROP_MALFORMED,		/* u64 */
	JUMPING_A_STATS_DROP_NO_KEY,		/* u64 */
	JUMPING_A_STATS_DROP_NO_ROUTE,		/* u64 */
	JUMPING_A_STATS_PAD,
	/* authenticated, delivered, but not from the binding: never moves it */
	JUMPING_A_STATS_RX_UNKNOWN_SOURCE,	/* u64 */
	JUMPING_A_STATS_CONTROL_RX,		/* u64, passed up to jumpd */
	JUMPING_A_STATS_CONTROL_TX,		/* u64, sent for jumpd */
	/* no listener on the control group, or over the upcall rate limit */
	JUMPING_A_STATS_DROP_CONTROL,		/* u64 */
	/*
	 * a control datagram from a source the kernel's table of sources had
	 * no room for (a flood from many spoofed sources fills it)
	 */
	JUMPING_A_STATS_DROP_CONTROL_SOURCES,	/* u64 */
	/* under a key past its JUMPING_A_KEYCONF_REJECT_AFTER_MS, either way */
	JUMPING_A_STATS_DROP_KEY_EXPIRED,	/* u64 */
	/*
	 * device only: data datagrams of a busy session handed to a worker
	 * to be decrypted on another CPU, and received packets dropped
	 * because such a queue was full
	 */
	JUMPING_A_STATS_RX_STEERED,		/* u64 */
	JUMPING_A_STATS_DROP_BACKLOG,		/* u64 */

	__JUMPING_A_STATS_MAX,
	JUMPING_A_STATS_MAX = __JUMPING_A_STATS_MAX - 1
};

/* The session state machine (docs/state-machine.md). */
enum jumping_state {
	JUMPING_STATE_BIRTH,
	JUMPING_STATE_ATTACHED,
	JUMPING_STATE_VOLATILE,
	JUMPING_STATE_DEGRADED,
	JUMPING_STATE_RECOVERING,
	JUMPING_STATE_TERMINATED,

	__JUMPING_STATE_MAX,
	JUMPING_STATE_MAX = __JUMPING_STATE_MAX - 1
};

/* What a SILENCE_NTF says. */
enum jumping_liveness {
	JUMPING_LIVENESS_UNSPEC,
	JUMPING_LIVENESS_SILENT,
	JUMPING_LIVENESS_RESUMED,

	__JUMPING_LIVENESS_MAX,
	JUMPING_LIVENESS_MAX = __JUMPING_LIVENESS_MAX - 1
};

/* Why a transition, a deletion or a drop happened. Append only. */
enum jumping_reason {
	JUMPING_REASON_NONE,
	JUMPING_REASON_USERSPACE,		/* an operator or jumpd asked */
	JUMPING_REASON_DEVICE_GONE,		/* its device was deleted */
	JUMPING_REASON_HANDSHAKE_DONE,
	JUMPING_REASON_KEY_EXHAUSTED,		/* key counter near its limit */
	JUMPING_REASON_REKEY,
	JUMPING_REASON_RX_SILENCE,		/* nothing authenticated in time */
	JUMPING_REASON_LOSS_HIGH,
	JUMPING_REASON_RX_RESUMED,
	JUMPING_REASON_REATTACH_REQUESTED,
	JUMPING_REASON_REATTACH_VALIDATED,
	JUMPING_REASON_REATTACH_REJECTED,
	JUMPING_REASON_TTL_EXPIRED,
	JUMPING_REASON_PEER_CLOSED,
	JUMPING_REASON_ADOPTED,			/* a restarted jumpd took it over */
	JUMPING_REASON_LOSS_RECOVERED,		/* loss back under the threshold */
	JUMPING_REASON_REATTACH_BAD_PROOF,	/* REATTACH MAC did not verify */
	JUMPING_REASON_REATTACH_REPLAYED,	/* REATTACH counter not fresh */
	JUMPING_REASON_REATTACH_RATE_LIMITED,	/* per session/source/window */
	JUMPING_REASON_REATTACH_TIMEOUT,	/* path challenge unanswered */
	JUMPING_REASON_PEER_LOST,		/* peer lost the session: handshake again */
	JUMPING_REASON_SUPERSEDED,		/* a newer handshake replaced it */
	JUMPING_REASON_RTT_HIGH,		/* path RTT far above its base */
	JUMPING_REASON_RTT_RECOVERED,		/* RTT back near its base */
	JUMPING_REASON_PATH_BETTER,		/* back to a preferred path */
	JUMPING_REASON_PATH_GONE,		/* its address or link went away */
	JUMPING_REASON_GATEWAY_TAKEOVER,	/* a cluster gateway took it over */
	JUMPING_REASON_TAKEOVER_REFUSED,	/* a takeover was refused */
	JUMPING_REASON_LEASE_LOST,		/* etcd says the owner's lease is gone */
	JUMPING_REASON_FENCED,			/* lease not renewed in time: stopped */

	__JUMPING_REASON_MAX,
	JUMPING_REASON_MAX = __JUMPING_REASON_MAX - 1
};

#endif /* _UAPI_LINUX_JUMPING_H */
