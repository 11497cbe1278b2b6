/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A hash multimap from a 64-bit hash to pointers, for finding a peer by
 * its public key or by a session id in O(1) among 100k. It stores only
 * the hash: the caller checks each candidate (jd_map_next) against the
 * real key, so a stale entry (a peer whose session id changed) is only a
 * miss, never a wrong answer. Open addressing with linear probing; a
 * deleted slot is a tombstone until the table is rebuilt (it grows, or is
 * rebuilt in place, when used and deleted slots pass 3/4 of it).
 *
 * Hashes are SipHash (libsodium's crypto_shorthash) under a key chosen at
 * start: ids and keys come off the wire, and a keyed hash leaves an
 * attacker no way to aim at one chain. Pure: no I/O, unit-tested.
 */
#ifndef JUMPD_PEER_MAP_H
#define JUMPD_PEER_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JD_MAP_KEY_LEN	16

struct jd_map_slot {
	uint64_t h;
	void *v;			/* NULL: empty; JD_MAP_TOMB: deleted */
};

struct jd_map {
	struct jd_map_slot *s;
	size_t cap;			/* a power of two, or 0 */
	size_t used;			/* live entries */
	size_t tombs;
	uint8_t key[JD_MAP_KEY_LEN];
};

/* An empty map hashing under key (random: randombytes_buf). */
void jd_map_init(struct jd_map *m, const uint8_t key[JD_MAP_KEY_LEN]);
void jd_map_free(struct jd_map *m);
/* Every entry gone, the memory kept. */
void jd_map_clear(struct jd_map *m);

uint64_t jd_map_hash(const struct jd_map *m, const void *data, size_t len);
uint64_t jd_map_hash_u32(const struct jd_map *m, uint32_t v);

/* Add v under h (the same pair twice is two entries): 0 or -ENOMEM. */
int jd_map_add(struct jd_map *m, uint64_t h, void *v);
/* Remove one entry (h, v): whether there was one. */
bool jd_map_del(struct jd_map *m, uint64_t h, const void *v);
/*
 * The candidates under h, one per call: start with *cursor = 0; NULL
 * when there are no more. The map must not change during the walk.
 */
void *jd_map_next(const struct jd_map *m, uint64_t h, size_t *cursor);

#endif /* JUMPD_PEER_MAP_H */
