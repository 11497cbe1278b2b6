/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: every structure that goes on the wire, in one place.
 * docs/protocol.md describes the same layout byte by byte and says why.
 */
#ifndef _JP_PROTO_H
#define _JP_PROTO_H

#include <linux/string.h>
#include <linux/types.h>
#include <linux/ipv6.h>
#include <linux/udp.h>

/*
 * The first byte of every datagram says what it is. Only data packets are
 * handled in the kernel; handshake and control datagrams go up to jumpd
 * whole (control.c), which owns the handshake and the control messages.
 * Any other type is dropped as malformed.
 */
enum jp_packet_type {
	JP_PKT_RESERVED		= 0,
	JP_PKT_DATA		= 1,
	JP_PKT_HANDSHAKE_INIT	= 2,
	JP_PKT_HANDSHAKE_RESP	= 3,
	JP_PKT_CONTROL		= 4,
};

/* Second byte of the header: the key id in the low 3 bits, the rest 0. */
#define JP_KEY_ID_MASK		0x07
#define JP_KEY_ID_RESERVED	0xf8

/*
 * struct jp_data_hdr - header of a data packet, all of it authenticated
 * @type: JP_PKT_DATA
 * @key: key id (JP_KEY_ID_MASK); reserved bits are sent as 0 and a packet
 *       with any of them set is dropped as malformed, so they can take a
 *       meaning later without being misread by old receivers
 * @flags: reserved, sent as 0, dropped if not 0
 * @session_id: the id the receiver chose for this session; receive finds the
 *              session by this id, never by the outer address
 * @counter: per-key, per-direction packet counter; also the AEAD nonce
 *
 * The AEAD ciphertext of the inner IP packet follows, then JP_TAG_LEN bytes
 * of authentication tag. The whole header is the associated data.
 */
struct jp_data_hdr {
	u8 type;
	u8 key;
	__be16 flags;
	__be32 session_id;
	__be64 counter;
} __packed;

#define JP_HDR_LEN		sizeof(struct jp_data_hdr)	/* 16 */
#define JP_TAG_LEN		16
#define JP_NONCE_LEN		12
#define JP_OVERHEAD		(JP_HDR_LEN + JP_TAG_LEN)	/* 32 */

/*
 * The largest outer headers: IPv6 and UDP. A 1500 byte path carries
 * 1500 - 48 - 32 = 1420 bytes of inner packet (the device's default MTU).
 */
#define JP_OUTER_MAX_LEN	(sizeof(struct ipv6hdr) + sizeof(struct udphdr))

/* The AEAD nonce: 4 zero bytes, then the counter as it is on the wire. */
static inline void jp_nonce_from_counter(u8 nonce[JP_NONCE_LEN],
					 __be64 counter)
{
	memset(nonce, 0, JP_NONCE_LEN - sizeof(counter));
	memcpy(nonce + JP_NONCE_LEN - sizeof(counter), &counter,
	       sizeof(counter));
}

#endif /* _JP_PROTO_H */
