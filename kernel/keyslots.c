// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: a session's key slots.
 *
 * The primary key encrypts, both decrypt; receive finds a key by the id
 * its packet carries. Writers (netlink, the rekey path) serialise on the
 * slots' lock; the packet paths read under RCU only.
 */
#include <crypto/algapi.h>

#include "keyslots.h"

void jp_key_slots_init(struct jp_key_slots *ks)
{
	unsigned int i;

	RCU_INIT_POINTER(ks->primary, NULL);
	RCU_INIT_POINTER(ks->secondary, NULL);
	for (i = 0; i < ARRAY_SIZE(ks->by_id); i++)
		RCU_INIT_POINTER(ks->by_id[i], NULL);
	spin_lock_init(&ks->lock);
}

/*
 * Under the slots' lock: @key (NULL: nothing) leaves the slots, @new (NULL:
 * nothing) enters them. Ids are unique across the slots, so @key's entry
 * is its own; it is cleared first, as @new may carry the same id.
 */
static void jp_key_slots_index(struct jp_key_slots *ks, struct jp_key *key,
			       struct jp_key *new)
{
	if (key)
		RCU_INIT_POINTER(ks->by_id[key->key_id], NULL);
	if (new)
		rcu_assign_pointer(ks->by_id[new->key_id], new);
}

static struct jp_key __rcu **jp_key_slot(struct jp_key_slots *ks,
					 enum jumping_key_slot slot)
{
	return slot == JUMPING_KEY_SLOT_PRIMARY ? &ks->primary : &ks->secondary;
}

/*
 * Does @a use a key of @b, in either direction? Constant time: neither
 * key's bytes may show through the time a refusal takes.
 */
static bool jp_key_shares_material(const struct jp_key *a,
				   const struct jp_key *b)
{
	const u8 *am[] = { a->enc_material, a->dec_material };
	const u8 *bm[] = { b->enc_material, b->dec_material };
	unsigned long differ = 1;
	int i, j;

	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++)
			differ &= !!crypto_memneq(am[i], bm[j],
						  JUMPING_KEY_LEN);
	return !differ;
}

/**
 * jp_key_slots_install - put a key into a slot, replacing its key
 * @ks: the session's slots
 * @slot: which one
 * @key: takes over the caller's reference, also on failure
 *
 * A key whose material a key in either slot uses (the one it would
 * replace included) is refused: the new key's counter starts at 0 and its
 * replay window is empty, so our packets would repeat nonces under the
 * old key's material and the peer's old packets would be accepted again.
 *
 * Return: 0, -EEXIST if the other slot holds a key with the same id (a
 * receiver could not tell the two apart), or -EKEYREJECTED if the material
 * is in use.
 */
int jp_key_slots_install(struct jp_key_slots *ks,
			 enum jumping_key_slot slot, struct jp_key *key)
{
	struct jp_key __rcu **other;
	struct jp_key *old, *peer;
	int err = 0;

	other = jp_key_slot(ks, slot == JUMPING_KEY_SLOT_PRIMARY ?
				JUMPING_KEY_SLOT_SECONDARY :
				JUMPING_KEY_SLOT_PRIMARY);
	spin_lock_bh(&ks->lock);
	peer = rcu_dereference_protected(*other, lockdep_is_held(&ks->lock));
	old = rcu_dereference_protected(*jp_key_slot(ks, slot),
					lockdep_is_held(&ks->lock));
	if (peer && peer->key_id == key->key_id)
		err = -EEXIST;
	else if ((peer && jp_key_shares_material(key, peer)) ||
		 (old && jp_key_shares_material(key, old)))
		err = -EKEYREJECTED;
	if (err) {
		spin_unlock_bh(&ks->lock);
		jp_key_put(key);
		return err;
	}
	old = rcu_replace_pointer(*jp_key_slot(ks, slot), key,
				  lockdep_is_held(&ks->lock));
	jp_key_slots_index(ks, old, key);
	spin_unlock_bh(&ks->lock);
	jp_key_put(old);
	return 0;
}

/*
 * Primary and secondary trade places: the new key starts encrypting at the
 * next packet while packets in flight under the old one still decrypt.
 * Receive finds both through @by_id, which a swap leaves alone.
 */
void jp_key_slots_swap(struct jp_key_slots *ks)
{
	struct jp_key *p, *s;

	spin_lock_bh(&ks->lock);
	p = rcu_dereference_protected(ks->primary, lockdep_is_held(&ks->lock));
	s = rcu_dereference_protected(ks->secondary,
				      lockdep_is_held(&ks->lock));
	rcu_assign_pointer(ks->primary, s);
	rcu_assign_pointer(ks->secondary, p);
	spin_unlock_bh(&ks->lock);
}

/* Return: 0, or -ENOENT if the slot was empty. */
int jp_key_slots_delete(struct jp_key_slots *ks, enum jumping_key_slot slot)
{
	struct jp_key *old;

	spin_lock_bh(&ks->lock);
	old = rcu_replace_pointer(*jp_key_slot(ks, slot), NULL,
				  lockdep_is_held(&ks->lock));
	jp_key_slots_index(ks, old, NULL);
	spin_unlock_bh(&ks->lock);
	jp_key_put(old);
	return old ? 0 : -ENOENT;
}

void jp_key_slots_clear(struct jp_key_slots *ks)
{
	jp_key_slots_delete(ks, JUMPING_KEY_SLOT_PRIMARY);
	jp_key_slots_delete(ks, JUMPING_KEY_SLOT_SECONDARY);
}
