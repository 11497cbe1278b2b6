/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The keys of a session's control messages, beside its data keys.
 *
 * Each handshake (the first and every rekey) gives two keys, both from its
 * two data keys, under different labels: one for REATTACH proofs
 * (REQUEST, CHALLENGE, RESPONSE, SOLICIT) and one for KEY-CONFIRM. A MAC
 * under either key also covers a direction byte (never sent: each side
 * knows it), so that a message reflected back to its sender never
 * verifies: JP_DIR_I2R for what the handshake's initiator sends,
 * JP_DIR_R2I for what its responder sends. The roles are those of the
 * handshake the keys came from; a rekey may swap them.
 *
 * Rotation (docs/handshake.md, "Control keys"): the set that goes with
 * our primary data key is the one we send under. The rekey responder
 * holds the new set as `next` until the swap (the confirm); whoever
 * swaps keeps the old set as `prev`, still accepted from the peer until
 * the peer is heard under the current set (it has swapped too) or until
 * a bound (the old data key's hard age: past it, nothing of that
 * handshake is any good). Wiped when it goes.
 */
#ifndef JUMPD_CTL_KEYS_H
#define JUMPD_CTL_KEYS_H

#include <stdbool.h>
#include <stdint.h>

#define JP_CTL_KEY_LEN	32

/* The direction byte in a control MAC's input. */
enum jp_dir {
	JP_DIR_I2R = 0,
	JP_DIR_R2I = 1,
};

/* One handshake's control keys. */
struct jp_ctl_keys {
	uint8_t reattach[JP_CTL_KEY_LEN];
	uint8_t confirm[JP_CTL_KEY_LEN];
	bool initiator;			/* our role in that handshake */
};

/*
 * Both keys from the handshake's data keys (initiator->responder,
 * responder->initiator: both sides pass them in that order).
 */
void jp_ctl_keys_derive(struct jp_ctl_keys *k, const uint8_t k_i2r[32],
			const uint8_t k_r2i[32], bool initiator);
/* The direction of what we send, and of what the peer sends, under k. */
static inline uint8_t jp_ctl_dir_out(const struct jp_ctl_keys *k)
{
	return k->initiator ? JP_DIR_I2R : JP_DIR_R2I;
}

static inline uint8_t jp_ctl_dir_in(const struct jp_ctl_keys *k)
{
	return k->initiator ? JP_DIR_R2I : JP_DIR_I2R;
}

/* Which set of a ring verified a message. */
enum jp_ctl_which {
	JP_CTL_CUR,
	JP_CTL_NEXT,
	JP_CTL_PREV,
};

struct jp_ctl_ring {
	struct jp_ctl_keys cur;		/* with our primary data key */
	struct jp_ctl_keys next;	/* rekey responder, until the swap */
	struct jp_ctl_keys prev;	/* before the last swap */
	bool has_next, has_prev;
	uint64_t prev_until_ms;		/* prev is wiped then */
};

/* A received MAC's candidate keys, in the order tried. */
struct jp_mac_keys {
	const uint8_t *key[3];
	uint8_t dir[3];
	enum jp_ctl_which which[3];
	unsigned int n;
	unsigned int used;		/* out: the index that verified */
};

/* A fresh session: k is the current set, nothing else. */
void jp_ctl_ring_init(struct jp_ctl_ring *r, const struct jp_ctl_keys *k);
/* Rekey responder: k waits for the swap (replacing an earlier next). */
void jp_ctl_ring_set_next(struct jp_ctl_ring *r, const struct jp_ctl_keys *k);
/*
 * The data keys swapped: next becomes current, current becomes prev
 * until now + keep_ms. Nothing happens without a next.
 */
void jp_ctl_ring_swap(struct jp_ctl_ring *r, uint64_t now, uint64_t keep_ms);
/* Rekey initiator: set_next and swap in one. */
void jp_ctl_ring_rotate(struct jp_ctl_ring *r, const struct jp_ctl_keys *k,
			uint64_t now, uint64_t keep_ms);
/* prev is wiped once its time is up. */
void jp_ctl_ring_expire(struct jp_ctl_ring *r, uint64_t now);
/*
 * A message of the peer verified under which: under the current set,
 * the peer has swapped as we did, so prev goes.
 */
void jp_ctl_ring_heard(struct jp_ctl_ring *r, enum jp_ctl_which which);
void jp_ctl_ring_wipe(struct jp_ctl_ring *r);

/*
 * What a MAC from the peer may be under: the REATTACH keys (or the
 * confirm keys) of cur, next, prev, with the peer's direction of each.
 * prev only until its time (now).
 */
void jp_ctl_ring_rx_reattach(const struct jp_ctl_ring *r, uint64_t now,
			     struct jp_mac_keys *mk);
void jp_ctl_ring_rx_confirm(const struct jp_ctl_ring *r, uint64_t now,
			    struct jp_mac_keys *mk);

/*
 * The hard age jumpd gives every data key (JUMPING_A_KEYCONF_REJECT_AFTER_MS)
 * for a peer's RekeyAfter R: 2 R + max(R / 2, JP_KEY_REJECT_MARGIN_MS)
 * (docs/config.md), within what the kernel takes.
 */
#define JP_KEY_REJECT_MARGIN_MS	10000

uint32_t jp_key_reject_after_ms(uint64_t rekey_after_ms);

#endif /* JUMPD_CTL_KEYS_H */
