// SPDX-License-Identifier: GPL-2.0
/* The peer map (peer_map.h): add, find, delete, collisions, growth. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include "peer_map.h"
#include "tap.h"

#define N 100000

/* Whether v is among the candidates under h. */
static int has(const struct jd_map *m, uint64_t h, const void *v)
{
	size_t cur = 0;
	void *c;

	while ((c = jd_map_next(m, h, &cur)))
		if (c == v)
			return 1;
	return 0;
}

int main(void)
{
	static int items[N];
	uint8_t key[JD_MAP_KEY_LEN] = { 1, 2, 3 };
	struct jd_map m;
	size_t i, found = 0, cur = 0;
	int a, b, c;

	if (sodium_init() < 0)
		return 1;
	jd_map_init(&m, key);
	ok(!jd_map_next(&m, 5, &cur), "empty map: nothing");
	ok(!jd_map_del(&m, 5, &a), "empty map: nothing to delete");

	/* Three values under one hash (a collision), one under another. */
	ok(!jd_map_add(&m, 7, &a) && !jd_map_add(&m, 7, &b) &&
	   !jd_map_add(&m, 7 + 16, &c), "add");
	ok(has(&m, 7, &a) && has(&m, 7, &b) && !has(&m, 7, &c) &&
	   has(&m, 23, &c), "each found under its hash, only there");
	ok(jd_map_del(&m, 7, &a) && !has(&m, 7, &a) && has(&m, 7, &b),
	   "a deleted one goes; the one past it in the chain stays");
	ok(!jd_map_del(&m, 7, &a), "deleted twice: no");
	ok(has(&m, 23, &c), "a chain past a tombstone");

	/* 100k entries under their hashes; all found, then half deleted. */
	jd_map_clear(&m);
	for (i = 0; i < N; i++)
		if (jd_map_add(&m, jd_map_hash_u32(&m, (uint32_t)i), &items[i]))
			break;
	ok(i == N && m.used == N, "100k added");
	for (i = 0; i < N; i++)
		found += has(&m, jd_map_hash_u32(&m, (uint32_t)i), &items[i]);
	ok(found == N, "100k found");
	ok(m.cap <= 4 * (size_t)N, "the table stays within 4 slots per entry");
	for (i = 0; i < N; i += 2)
		jd_map_del(&m, jd_map_hash_u32(&m, (uint32_t)i), &items[i]);
	for (i = 0, found = 0; i < N; i++)
		found += has(&m, jd_map_hash_u32(&m, (uint32_t)i), &items[i]);
	ok(found == N / 2 && m.used == N / 2, "half deleted, the rest found");
	/* Churn: add and delete many times; tombstones must not fill it. */
	for (i = 0; i < 10 * N; i++) {
		uint64_t h = jd_map_hash_u32(&m, (uint32_t)(N + i));

		if (jd_map_add(&m, h, &a) || !jd_map_del(&m, h, &a))
			break;
	}
	ok(i == 10 * N && m.used == N / 2 && m.cap <= 4 * (size_t)N,
	   "a million adds and deletes: size bounded");
	ok(jd_map_hash(&m, "abc", 3) != jd_map_hash(&m, "abd", 3),
	   "the hash tells keys apart");
	jd_map_free(&m);
	return tap_done();
}
