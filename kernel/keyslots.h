/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: a session's two key slots, primary and secondary.
 */
#ifndef _JP_KEYSLOTS_H
#define _JP_KEYSLOTS_H

#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/jumping.h>

#include "crypto.h"

/**
 * struct jp_key_slots - the primary key (transmit) and the secondary one
 * @primary: encrypts; decrypts packets carrying its id
 * @secondary: only decrypts: the key being phased in or out during a rekey
 * @by_id: the key in either slot by its key id, NULL for ids in neither:
 *         receive reads this one pointer, so a swap (which moves keys
 *         between the slots, never changes an id) cannot hide a key from
 *         it; holds no reference of its own (the slot's covers it)
 * @lock: serialises writers (netlink, later the key-exhausted path);
 *        readers only hold rcu_read_lock()
 */
struct jp_key_slots {
	struct jp_key __rcu *primary;
	struct jp_key __rcu *secondary;
	struct jp_key __rcu *by_id[JUMPING_KEY_ID_MAX + 1];
	spinlock_t lock; /* writers only; readers use RCU */
};

void jp_key_slots_init(struct jp_key_slots *ks);
int jp_key_slots_install(struct jp_key_slots *ks,
			 enum jumping_key_slot slot, struct jp_key *key);
void jp_key_slots_swap(struct jp_key_slots *ks);
int jp_key_slots_delete(struct jp_key_slots *ks, enum jumping_key_slot slot);
void jp_key_slots_clear(struct jp_key_slots *ks);

/**
 * jp_key_slots_primary_rcu - the key to encrypt with
 * @ks: the session's slots
 *
 * Under rcu_read_lock(), and the key is only valid inside that section: the
 * packet paths hold no reference, since the crypto is synchronous and the
 * whole of transmit and receive runs in one RCU read section. Whatever
 * keeps a key past the section has to take a reference of its own
 * (kref_get_unless_zero(), the key may be on its way out).
 *
 * Return: the primary key, or NULL.
 */
static inline struct jp_key *jp_key_slots_primary_rcu(struct jp_key_slots *ks)
{
	return rcu_dereference(ks->primary);
}

/**
 * jp_key_slots_find_rcu - the key a received packet names
 * @ks: the session's slots
 * @key_id: from the packet's header
 *
 * As jp_key_slots_primary_rcu(). One read of the id's entry, not of each
 * slot in turn: a swap between two such reads could show the same key
 * twice and the packet's key in neither.
 *
 * Return: the key in either slot with this id, or NULL.
 */
static inline struct jp_key *jp_key_slots_find_rcu(struct jp_key_slots *ks,
						   u8 key_id)
{
	if (key_id > JUMPING_KEY_ID_MAX)
		return NULL;
	return rcu_dereference(ks->by_id[key_id]);
}

#endif /* _JP_KEYSLOTS_H */
