// SPDX-License-Identifier: GPL-2.0
/* A hash multimap of pointers (peer_map.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "peer_map.h"

/* A deleted slot: its chain goes on past it. Never a stored value. */
static char tomb;
#define JD_MAP_TOMB ((void *)&tomb)

void jd_map_init(struct jd_map *m, const uint8_t key[JD_MAP_KEY_LEN])
{
	memset(m, 0, sizeof(*m));
	memcpy(m->key, key, JD_MAP_KEY_LEN);
}

void jd_map_free(struct jd_map *m)
{
	free(m->s);
	m->s = NULL;
	m->cap = m->used = m->tombs = 0;
}

void jd_map_clear(struct jd_map *m)
{
	if (m->s)
		memset(m->s, 0, m->cap * sizeof(*m->s));
	m->used = m->tombs = 0;
}

uint64_t jd_map_hash(const struct jd_map *m, const void *data, size_t len)
{
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t h;

	crypto_shorthash(out, data, len, m->key);
	memcpy(&h, out, sizeof(h));
	return h;
}

uint64_t jd_map_hash_u32(const struct jd_map *m, uint32_t v)
{
	return jd_map_hash(m, &v, sizeof(v));
}

/* Into a table known to have room: no tombstones there yet. */
static void put(struct jd_map_slot *s, size_t cap, uint64_t h, void *v)
{
	size_t i = (size_t)h & (cap - 1);

	while (s[i].v)
		i = (i + 1) & (cap - 1);
	s[i].h = h;
	s[i].v = v;
}

/* A table of cap slots with the live entries: tombstones dropped. */
static int rehash(struct jd_map *m, size_t cap)
{
	struct jd_map_slot *s = calloc(cap, sizeof(*s));
	size_t i;

	if (!s)
		return -ENOMEM;
	for (i = 0; i < m->cap; i++)
		if (m->s[i].v && m->s[i].v != JD_MAP_TOMB)
			put(s, cap, m->s[i].h, m->s[i].v);
	free(m->s);
	m->s = s;
	m->cap = cap;
	m->tombs = 0;
	return 0;
}

int jd_map_add(struct jd_map *m, uint64_t h, void *v)
{
	size_t cap = m->cap ? m->cap : 16;

	if (!v || v == JD_MAP_TOMB)
		return -EINVAL;
	/* At most 3/4 full, tombstones counted (they lengthen chains). */
	if ((m->used + m->tombs + 1) * 4 > m->cap * 3) {
		/* Mostly tombstones: the same size does. */
		while ((m->used + 1) * 2 > cap)
			cap *= 2;
		if (rehash(m, cap))
			return -ENOMEM;
	}
	put(m->s, m->cap, h, v);
	m->used++;
	return 0;
}

bool jd_map_del(struct jd_map *m, uint64_t h, const void *v)
{
	size_t i, n;

	if (!m->cap)
		return false;
	for (i = (size_t)h & (m->cap - 1), n = 0; m->s[i].v && n < m->cap;
	     i = (i + 1) & (m->cap - 1), n++) {
		if (m->s[i].h == h && m->s[i].v == v) {
			m->s[i].v = JD_MAP_TOMB;
			m->used--;
			m->tombs++;
			return true;
		}
	}
	return false;
}

void *jd_map_next(const struct jd_map *m, uint64_t h, size_t *cursor)
{
	size_t i;

	if (!m->cap)
		return NULL;
	/* *cursor counts the slots of the chain already looked at. */
	for (; *cursor < m->cap; (*cursor)++) {
		i = ((size_t)h + *cursor) & (m->cap - 1);
		if (!m->s[i].v)
			return NULL;
		if (m->s[i].v != JD_MAP_TOMB && m->s[i].h == h) {
			(*cursor)++;
			return m->s[i].v;
		}
	}
	return NULL;
}
