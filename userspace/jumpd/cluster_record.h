/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The session record of a gateway cluster: what a taker needs to go on
 * with a session whose owner died (docs/cluster.md, "What is in etcd"),
 * as the plaintext sealed under the cluster key (sealed.h) in the
 * session's state key. Pure: no state, no clock, no etcd.
 *
 * Not the state file's text (persist.c): that one is read leniently by
 * design (unknown lines skipped, numbers taken as strtoul gives them),
 * and it is bound to jumpd's structures and the file system. A record
 * comes from the network, so it gets its own small binary encoding and a
 * strict parser. Every integer big endian, every field bounded:
 *
 *  version (1) = 1
 *  local_id (4), remote_id (4)        the owner's id first; neither 0
 *  peer (32)                          the peer's static public key
 *  state (1)                          enum jumping_state, not TERMINATED
 *  binding: family (1) 0, 4 or 6 | port (2) | address (16)
 *                                     the peer's address (an IPv4 one in
 *                                     the first 4 bytes, the rest zero);
 *                                     family 0: none, all zero
 *  key_id (1)                         0..7
 *  last_ts (12)                       newest handshake timestamp taken
 *  sets (1)                           bit 0: next, bit 1: prev; no other
 *  cur: reattach (32) | confirm (32) | initiator (1) 0 or 1
 *  next, if bit 0: as cur, then swap_key_id (1) 0..7
 *  prev, if bit 1: as cur, then prev_until_wall_us (8), not 0
 *  reattach_floor (8) | reattach_floor_any (1) 0 or 1
 *  sent_floor (8)
 *  n_allowed (2) up to JD_RECORD_MAX_ALLOWED, then each:
 *    family (1) 4 or 6 | length (1) up to 32 or 128 | address (4 or 16)
 *  nothing after
 *
 * The local address of the binding is not in it: it is the owner's, and
 * a taker answers from its own. A decoder met with another version
 * refuses the record rather than guess at it; a new field means a new
 * version.
 */
#ifndef JUMPD_CLUSTER_RECORD_H
#define JUMPD_CLUSTER_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "binding.h"
#include "ctl_keys.h"
#include "jumping_parse.h"

#define JD_RECORD_VERSION	1
/* As many as a peer may have in the config (JP_CONF_MAX_PREFIXES). */
#define JD_RECORD_MAX_ALLOWED	256
#define JD_RECORD_CTL_LEN	(2 * JP_CTL_KEY_LEN + 1)
/* Everything present, every prefix IPv6. */
#define JD_RECORD_MAX_LEN	(1 + 4 + 4 + 32 + 1 + 19 + 1 + 12 + 1 + \
				 3 * JD_RECORD_CTL_LEN + 1 + 8 + 8 + 1 + 8 + \
				 2 + JD_RECORD_MAX_ALLOWED * 18)

struct jd_cluster_record {
	uint32_t local_id;		/* the owner's: in the etcd key */
	uint32_t remote_id;
	uint8_t peer[32];
	uint8_t state;			/* enum jumping_state */
	struct jp_binding binding;	/* family, addr, port; ifindex 0 */
	uint8_t key_id;
	uint8_t last_ts[12];
	struct jp_ctl_keys cur, next, prev;
	bool has_next, has_prev;
	uint8_t swap_key_id;		/* with next */
	uint64_t prev_until_wall_us;	/* with prev */
	/* The highest REATTACH counter accepted from the peer (any: one
	 * was), and the highest counter sent on control messages. */
	uint64_t reattach_floor;
	bool reattach_floor_any;
	uint64_t sent_floor;
	unsigned int n_allowed;
	struct jp_prefix allowed[JD_RECORD_MAX_ALLOWED];
};

/*
 * r into out (cap bytes): its length, or -1 if a field is out of range
 * (what decode would refuse) or it does not fit. Nothing else written
 * on -1 is to be used.
 */
int jd_cluster_record_encode(uint8_t *out, size_t cap,
			     const struct jd_cluster_record *r);
/*
 * in (len bytes) into *r: 0, or -1 with err saying which field is wrong
 * (truncated, out of range, unknown version, bytes left over); *r is
 * then zeroed, keys and all.
 */
int jd_cluster_record_decode(struct jd_cluster_record *r, const uint8_t *in,
			     size_t len, char *err, size_t errlen);

#endif /* JUMPD_CLUSTER_RECORD_H */
