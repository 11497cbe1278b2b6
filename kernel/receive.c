// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: receive.
 *
 * A datagram on the device's socket is a data packet for one of its
 * sessions. It is found by the session id in the header, never by the
 * outer address: the peer may have moved, and its packets still decrypt.
 * In order: parse, find session and key, replay check (cheap drop before
 * any crypto), decrypt and authenticate, replay update (only now may the
 * counter move the window), inner source check, deliver. Every drop is
 * counted by reason on the device and, once known, on the session.
 * Control datagrams (handshake, REATTACH) go up to jumpd (control.c).
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/sock.h>
#include <net/udp.h>

#include "control.h"
#include "crypto.h"
#include "device.h"
#include "netlink.h"
#include "proto.h"
#include "receive.h"
#include "session.h"
#include "silence.h"
#include "steer.h"

static void jp_rx_drop(struct jp_device *jp, struct jp_session *s,
		       struct sk_buff *skb, enum jp_drop_reason reason)
{
	jp_device_count_drop(jp, reason, true);
	if (s)
		jp_stats_drop(&s->stats, reason);
	kfree_skb(skb);
}

/*
 * Is the decrypted payload one whole IPv4 or IPv6 packet from a source the
 * session may use? Trims link padding; sets skb->protocol. An empty payload
 * is a keepalive and returns 0 with nothing to deliver.
 */
static int jp_rx_inner(struct jp_device *jp, struct jp_session *s,
		       struct sk_buff *skb, enum jp_drop_reason *reason)
{
	unsigned int len;

	*reason = JP_DROP_MALFORMED;
	if (!skb->len)
		return 0;
	if (!pskb_may_pull(skb, 1))
		return -EINVAL;
	skb_reset_network_header(skb);

	switch (ip_hdr(skb)->version) {
	case 4:
		if (!pskb_may_pull(skb, sizeof(struct iphdr)))
			return -EINVAL;
		len = ntohs(ip_hdr(skb)->tot_len);
		if (ip_hdr(skb)->ihl < 5 || len < ip_hdrlen(skb) ||
		    len > skb->len || pskb_trim(skb, len))
			return -EINVAL;
		skb->protocol = htons(ETH_P_IP);
		if (!jp_session_allows_src4(&jp->sessions, s,
					    ip_hdr(skb)->saddr)) {
			*reason = JP_DROP_SOURCE_NOT_ALLOWED;
			return -EPERM;
		}
		break;
	case 6:
		if (!pskb_may_pull(skb, sizeof(struct ipv6hdr)))
			return -EINVAL;
		len = sizeof(struct ipv6hdr) +
		      ntohs(ipv6_hdr(skb)->payload_len);
		if (len > skb->len || pskb_trim(skb, len))
			return -EINVAL;
		skb->protocol = htons(ETH_P_IPV6);
		if (!jp_session_allows_src6(&jp->sessions, s,
					    &ipv6_hdr(skb)->saddr)) {
			*reason = JP_DROP_SOURCE_NOT_ALLOWED;
			return -EPERM;
		}
		break;
	default:
		return -EINVAL;
	}
	return len;
}

/*
 * An authenticated packet of @s: from its binding it shows the binding
 * alive; from anywhere else it is still delivered (the peer's keys
 * vouch for it), but counted, and jumpd hears of it at most once a
 * second: a reattach may be coming. It never moves the binding.
 */
static void jp_rx_note_source(struct jp_device *jp, struct jp_session *s,
			      struct sk_buff *skb)
{
	struct jp_bind *bind = rcu_dereference(s->bind);
	unsigned long last, now;
	struct jp_bind from;

	if (likely(bind && jp_bind_is_source_of(bind, skb))) {
		jp_silence_rx(s);
		jp_stamp_touch(&s->rx_stamp);
		return;
	}
	jp_stats_unknown_source(&s->stats);
	jp_device_count(jp, JP_DEV_RX_UNKNOWN_SOURCE);

	now = jiffies ?: 1;
	last = READ_ONCE(s->unknown_ntf_stamp);
	if (last && time_before(now, last + HZ))
		return;
	/* Another CPU may have claimed this second already. */
	if (cmpxchg(&s->unknown_ntf_stamp, last, now) != last)
		return;
	jp_bind_from_skb(&from, skb);
	jp_nl_notify_unknown_source(jp, s, &from);
}

/**
 * jp_rx_data - decrypt and deliver a data packet
 * @jp: the device
 * @skb: skb->data at our header, which jp_udp_encap_rcv() pulled into the
 *       linear part; consumed
 *
 * Under rcu_read_lock() with BH disabled: in receive's softirq, or in a
 * receive steering worker (steer.c).
 */
void jp_rx_data(struct jp_device *jp, struct sk_buff *skb)
{
	struct jp_data_hdr *hdr;
	enum jp_drop_reason reason;
	struct jp_session *s;
	struct jp_key *key;
	u64 counter;
	int err, len;

	hdr = (struct jp_data_hdr *)skb->data;
	if ((hdr->key & JP_KEY_ID_RESERVED) || hdr->flags ||
	    skb->len < JP_OVERHEAD) {
		jp_rx_drop(jp, NULL, skb, JP_DROP_MALFORMED);
		return;
	}
	/* Unreferenced: the whole path runs in this RCU section. */
	s = jp_session_lookup_rcu(&jp->sessions, be32_to_cpu(hdr->session_id));
	if (!s) {
		jp_rx_drop(jp, NULL, skb, JP_DROP_UNKNOWN_SESSION);
		return;
	}
	/* Unreferenced too: the AEAD is synchronous. */
	key = jp_key_slots_find_rcu(&s->keys, hdr->key & JP_KEY_ID_MASK);
	if (!key) {
		jp_rx_drop(jp, s, skb, JP_DROP_NO_KEY);
		return;
	}
	/* Before any crypto: an expired key costs a receiver nothing. */
	if (jp_key_expired(key)) {
		reason = JP_DROP_KEY_EXPIRED;
		goto drop_key;
	}
	counter = be64_to_cpu(hdr->counter);
	if (!jp_replay_check(&key->rx_replay, counter)) {
		reason = JP_DROP_REPLAY;
		goto drop_key;
	}
	err = jp_decrypt_skb(key, skb, counter);
	if (err) {
		reason = err == -EBADMSG ? JP_DROP_BAD_AUTH : JP_DROP_MALFORMED;
		goto drop_key;
	}
	/* Authentic: now it may move the window, unless a copy won. */
	if (!jp_replay_update(&key->rx_replay, counter)) {
		reason = JP_DROP_REPLAY;
		goto drop_key;
	}
	/* Before jp_rx_inner() resets the headers to the inner packet. */
	jp_rx_note_source(jp, s, skb);

	len = jp_rx_inner(jp, s, skb, &reason);
	if (len < 0) {
		jp_rx_drop(jp, s, skb, reason);
		return;
	}
	jp_stats_rx(&s->stats, len);
	dev_sw_netstats_rx_add(jp->dev, len);
	if (!len) {
		consume_skb(skb);
		return;
	}

	skb->dev = jp->dev;
	skb->pkt_type = PACKET_HOST;
	skb_reset_mac_header(skb);
	skb_reset_transport_header(skb);
	/*
	 * The peer computed the inner checksums and the AEAD proved the
	 * packet unchanged since: nothing is left to verify.
	 */
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	skb->csum_level = ~0;
	jp_steer_deliver(jp, skb, s->id);
	return;

drop_key:
	jp_rx_drop(jp, s, skb, reason);
}

/**
 * jp_udp_encap_rcv - a datagram arrived on one of the device's sockets
 * @sk: the socket, its user data the device
 * @skb: skb->data at the UDP header
 *
 * Softirq, under rcu_read_lock(). Return: 0, the datagram is consumed.
 */
int jp_udp_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct jp_device *jp = rcu_dereference_sk_user_data(sk);

	/* The socket is being released. */
	if (unlikely(!jp)) {
		kfree_skb(skb);
		return 0;
	}
	if (!pskb_may_pull(skb, sizeof(struct udphdr) + 1)) {
		jp_rx_drop(jp, NULL, skb, JP_DROP_MALFORMED);
		return 0;
	}
	__skb_pull(skb, sizeof(struct udphdr));

	switch (skb->data[0]) {
	case JP_PKT_DATA:
		break;
	case JP_PKT_HANDSHAKE_INIT:
	case JP_PKT_HANDSHAKE_RESP:
	case JP_PKT_CONTROL:
		/* Whole, from the type byte: jumpd parses it. */
		jp_control_rx(jp, skb);
		return 0;
	default:
		jp_rx_drop(jp, NULL, skb, JP_DROP_MALFORMED);
		return 0;
	}
	/*
	 * A device that is down does no crypto: its data packets go, counted
	 * as the device's rx_dropped, before a session or key is looked at.
	 * Control datagrams still go up: jumpd handles them, not the kernel.
	 */
	if (unlikely(!netif_running(jp->dev))) {
		dev_core_stats_rx_dropped_inc(jp->dev);
		kfree_skb_reason(skb, SKB_DROP_REASON_DEV_READY);
		return 0;
	}
	/*
	 * The outer packet's state must not leak into the inner one. The
	 * socket lives in the device's netns, so the mark may stay.
	 */
	skb_scrub_packet(skb, false);
	if (!pskb_may_pull(skb, JP_HDR_LEN)) {
		jp_rx_drop(jp, NULL, skb, JP_DROP_MALFORMED);
		return 0;
	}
	jp_steer_rx(jp, skb,
		    be32_to_cpu(((struct jp_data_hdr *)skb->data)->session_id));
	return 0;
}
