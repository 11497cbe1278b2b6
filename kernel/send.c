// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: transmit.
 *
 * An inner packet picks its session by destination address (the longest
 * matching prefix), is encrypted with the session's primary key under the
 * next counter, and leaves as one UDP datagram to the session's current
 * binding. A GSO packet is segmented first: every datagram carries one
 * inner packet of at most the device MTU. A keepalive is a data packet
 * with nothing inside, sent by the session's timer.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/icmp.h>

#include "bind.h"
#include "crypto.h"
#include "device.h"
#include "netlink.h"
#include "send.h"
#include "session.h"
#include "silence.h"
#include "socket.h"

/* Tell the sender there is no session for its destination. */
static void jp_tx_unreachable(struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	else if (skb->protocol == htons(ETH_P_IPV6))
		icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH,
				0);
}

/* Under rcu_read_lock(): the session routing @skb's destination. */
static struct jp_session *jp_tx_session(struct jp_device *jp,
					struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP) &&
	    pskb_network_may_pull(skb, sizeof(struct iphdr)))
		return jp_session_route4_rcu(&jp->sessions, ip_hdr(skb)->daddr);
	if (skb->protocol == htons(ETH_P_IPV6) &&
	    pskb_network_may_pull(skb, sizeof(struct ipv6hdr)))
		return jp_session_route6_rcu(&jp->sessions,
					     &ipv6_hdr(skb)->daddr);
	return NULL;
}

/* Encrypt and send one packet that is not GSO. Consumes @skb. */
static void jp_tx_one(struct jp_device *jp, struct jp_session *s,
		      struct jp_key *key, struct jp_bind *bind,
		      struct sk_buff *skb)
{
	unsigned int len = skb->len;
	enum jp_drop_reason reason;
	u64 counter;

	if (jp_key_expired(key)) {
		/* Too old: jumpd should have replaced it by now. */
		reason = JP_DROP_KEY_EXPIRED;
		goto drop;
	}
	if (jp_key_next_counter(key, &counter)) {
		/* Exhausted: nothing more goes out under this key. */
		reason = JP_DROP_NO_KEY;
		goto drop;
	}
	/* Once per key: only one packet gets the soft limit's counter. */
	if (unlikely(jp_key_soft_limit_hit(key, counter)))
		jp_nl_key_exhausted(s, key->key_id);
	if (jp_encrypt_skb(key, skb, READ_ONCE(s->peer_id), counter)) {
		reason = JP_DROP_MALFORMED;
		goto drop;
	}
	if (jp_socket_send(jp, bind, skb)) {
		/* Already freed. */
		jp_device_count_drop(jp, JP_DROP_NO_ROUTE, false);
		jp_stats_drop(&s->stats, JP_DROP_NO_ROUTE);
		return;
	}
	jp_stats_tx(&s->stats, len);
	dev_sw_netstats_tx_add(jp->dev, 1, len);
	jp_stamp_touch(&s->tx_stamp);
	jp_silence_tx(s);
	return;

drop:
	jp_device_count_drop(jp, reason, false);
	jp_stats_drop(&s->stats, reason);
	kfree_skb(skb);
}

static netdev_tx_t jp_xmit_rcu(struct sk_buff *skb, struct net_device *dev)
{
	struct jp_device *jp = netdev_priv(dev);
	struct sk_buff *segs, *next;
	enum jp_drop_reason reason;
	struct jp_session *s;
	struct jp_bind *bind;
	struct jp_key *key;

	s = jp_tx_session(jp, skb);
	if (!s) {
		jp_tx_unreachable(skb);
		jp_device_count_drop(jp, JP_DROP_NO_ROUTE, false);
		kfree_skb(skb);
		return NETDEV_TX_OK;
	}
	bind = rcu_dereference(s->bind);
	if (!bind) {
		reason = JP_DROP_NO_ROUTE;
		goto drop;
	}
	/* No reference: the AEAD is synchronous, all done in this section. */
	key = jp_key_slots_primary_rcu(&s->keys);
	if (!key) {
		reason = JP_DROP_NO_KEY;
		goto drop;
	}

	if (!skb_is_gso(skb)) {
		jp_tx_one(jp, s, key, bind, skb);
		return NETDEV_TX_OK;
	}
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		reason = JP_DROP_MALFORMED;
		goto drop;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		jp_tx_one(jp, s, key, bind, skb);
	}
	return NETDEV_TX_OK;

drop:
	if (reason != JP_DROP_MALFORMED)
		jp_tx_unreachable(skb);
	jp_device_count_drop(jp, reason, false);
	jp_stats_drop(&s->stats, reason);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

/**
 * jp_xmit - ndo_start_xmit of a jumping device
 * @skb: an inner IPv4 or IPv6 packet, maybe GSO
 * @dev: the device
 *
 * The core calls it under rcu_read_lock_bh(); the plain RCU read lock is
 * taken as well because the session lookups are shared with receive and
 * check for it. Sessions, bindings and keys found here stay valid until
 * it returns. Always consumes @skb.
 */
netdev_tx_t jp_xmit(struct sk_buff *skb, struct net_device *dev)
{
	netdev_tx_t ret;

	rcu_read_lock();
	ret = jp_xmit_rcu(skb, dev);
	rcu_read_unlock();
	return ret;
}

/**
 * jp_send_keepalive - send an empty data packet on a session
 * @s: the session, in its table (its timer runs only then)
 *
 * Softirq (the keepalive timer). Nothing is sent without a binding or a
 * primary key; the receiver counts the packet and delivers nothing.
 */
void jp_send_keepalive(struct jp_session *s)
{
	struct jp_device *jp = netdev_priv(s->dev);
	struct jp_bind *bind;
	struct sk_buff *skb;
	struct jp_key *key;

	rcu_read_lock();
	bind = rcu_dereference(s->bind);
	key = bind ? jp_key_slots_primary_rcu(&s->keys) : NULL;
	if (!key)
		goto out;
	skb = alloc_skb(JP_TX_HEADROOM + JP_TAG_LEN, GFP_ATOMIC);
	if (skb) {
		skb_reserve(skb, JP_TX_HEADROOM);
		jp_tx_one(jp, s, key, bind, skb);
	}
out:
	rcu_read_unlock();
}
