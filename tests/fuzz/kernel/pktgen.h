/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet fuzzer's datagrams (docs/protocol.md layout): junk, every
 * type value, forged data headers, control datagrams, and data packets
 * authentic under the fuzz session's key, intact or mutated.
 */
#ifndef FUZZ_PKTGEN_H
#define FUZZ_PKTGEN_H

#include <stddef.h>
#include <stdint.h>

#include "rng.h"

#define PKT_MAX		1400	/* no outer fragments on a 1500 byte path */
#define PKT_MAX_SIDS	8

struct pkt_ctx {
	struct rng *r;
	uint32_t sids[PKT_MAX_SIDS];	/* live sessions' ids (network order: no) */
	int nsids;
	uint32_t fuzz_sid;		/* the session whose key we hold */
	unsigned char key[32];		/* its receive key (ChaCha20-Poly1305) */
	uint64_t counter;		/* last counter sent under it */
	uint32_t inner_src, bad_src, inner_dst;	/* network order */
	uint16_t sink_port;
	unsigned char last[PKT_MAX];	/* the last authentic one sent intact */
	size_t last_len;
	unsigned int type_cycle;
	uint64_t delivered;		/* intact, authentic, a valid inner packet */
	uint64_t keepalives;		/* intact, authentic, empty */
	uint64_t authentic, mutated;
};

/* The next datagram into @buf (PKT_MAX bytes); its length. */
size_t pkt_next(struct pkt_ctx *c, unsigned char *buf);

/*
 * The last two: an authentic packet at the highest counter accepted
 * (delivered), then one at the first refused (dropped).
 */
size_t pkt_final(struct pkt_ctx *c, unsigned char *buf, int second);

#endif
