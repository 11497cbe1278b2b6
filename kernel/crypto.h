/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: a key (both directions' material, counter and replay
 * window) and the AEAD work done with it on a packet.
 */
#ifndef _JP_CRYPTO_H
#define _JP_CRYPTO_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/kref.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/jumping.h>

#include "proto.h"
#include "replay.h"

/* Headroom an encrypted packet gets: our header, outer IP, UDP, link. */
#define JP_TX_HEADROOM	(JP_HDR_LEN + JP_OUTER_MAX_LEN + LL_MAX_HEADER)

/*
 * A key encrypts at most JP_KEY_TX_HARD_LIMIT packets, then stops: far below
 * the 2^64 at which the nonce would repeat, and the same budget WireGuard
 * rekeys at. At JP_KEY_TX_SOFT_LIMIT the session raises a key-exhausted
 * event so that jumpd installs and swaps in a fresh key long before. Receive
 * rejects counters at or above the hard limit too: no honest sender uses
 * them. jumpd also rekeys by time, which matters for AES-GCM whose
 * confidentiality bound per key is much lower than ChaCha20-Poly1305's.
 */
#define JP_KEY_TX_HARD_LIMIT	BIT_ULL(60)
#define JP_KEY_TX_SOFT_LIMIT	(JP_KEY_TX_HARD_LIMIT - BIT_ULL(32))

struct jp_aead_pair;

/**
 * struct jp_key - one key id's material, both directions
 * @ref: one reference per slot holding the key, and jp_key_new()'s until
 *       it is installed; packets take none (see jp_key_slots_primary_rcu())
 * @key_id: carried in the header, picks this key on receive
 * @cipher: enum jumping_cipher
 * @aead: AES-256-GCM's transforms; NULL for ChaCha20-Poly1305, which the
 *        kernel's library does per call from the material with no state
 * @tx_hard_limit: first counter never sent nor accepted
 * @reject_after_ns: CLOCK_BOOTTIME (coarse) at which the key stops
 *                   encrypting and decrypting; U64_MAX: never
 * @rcu: the key is freed a grace period after its last reference goes,
 *       since the packet paths use it under rcu_read_lock() only
 * @tx_counter: next counter to send; only ever incremented
 * @tx_soft_limit: counter at which the exhausted event is raised (once)
 * @enc_material: the key for packets we send
 * @rx_replay: counters of the peer's packets under this key
 * @dec_material: the key for packets the peer sends
 *
 * The material is what ChaCha20-Poly1305 encrypts and decrypts with, and
 * what lets the slots refuse the same material twice (a fresh counter or
 * replay window under a used key repeats nonces or lets old packets in
 * again); it is wiped when the key is freed.
 *
 * Three parts, each starting a cache line, so that the CPUs sending and
 * those receiving under one key do not write a line the others read: what
 * both only read; what transmit writes per packet (@tx_counter) with what
 * only it reads; what receive writes per packet (@rx_replay) with what only
 * it reads. 704 bytes on x86-64 (656 when the parts shared lines), from
 * the key's own slab cache.
 */
struct jp_key {
	struct kref ref;
	u8 key_id;
	u8 cipher;
	struct jp_aead_pair *aead;
	u64 tx_hard_limit;
	u64 reject_after_ns;
	struct rcu_head rcu;

	atomic64_t tx_counter ____cacheline_aligned_in_smp;
	u64 tx_soft_limit;
	u8 enc_material[JUMPING_KEY_LEN];

	struct jp_replay rx_replay ____cacheline_aligned_in_smp;
	u8 dec_material[JUMPING_KEY_LEN];
};

struct jp_key *jp_key_new(u8 key_id, enum jumping_cipher cipher,
			  const u8 *enc_key, const u8 *dec_key,
			  unsigned int key_len, u32 reject_after_ms);
void jp_key_put(struct jp_key *key);

int jp_key_next_counter(struct jp_key *key, u64 *counter);

/*
 * Past its age: neither send nor accept under it. The age counts time in
 * suspend (CLOCK_BOOTTIME): a laptop that slept through the deadline must
 * not use the key when it wakes, before jumpd has had a chance to rekey.
 * The coarse clock reads the last tick's time, no clocksource access: a
 * tick's precision is plenty for an age in seconds, and the cost per
 * packet stays one load and one comparison.
 */
static inline bool jp_key_expired(const struct jp_key *key)
{
	return unlikely(ktime_get_coarse_boottime_ns() >=
			key->reject_after_ns);
}

/* True for the one packet whose counter crosses the soft limit. */
static inline bool jp_key_soft_limit_hit(const struct jp_key *key,
					 u64 counter)
{
	return counter == key->tx_soft_limit;
}

int jp_encrypt_skb(struct jp_key *key, struct sk_buff *skb,
		   u32 peer_session_id, u64 counter);
int jp_decrypt_skb(struct jp_key *key, struct sk_buff *skb, u64 counter);

int jp_crypto_init(void);
void jp_crypto_exit(void);

#ifdef JUMPING_SELFTEST
bool jp_crypto_selftest(void);
#else
static inline bool jp_crypto_selftest(void)
{
	return true;
}
#endif

#endif /* _JP_CRYPTO_H */
