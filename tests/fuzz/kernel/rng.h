/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzers' random numbers: splitmix64, so that a run is fully
 * determined by the seed it prints and can be replayed with --seed.
 */
#ifndef FUZZ_RNG_H
#define FUZZ_RNG_H

#include <stdint.h>
#include <stddef.h>

struct rng {
	uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); n > 0. The tiny modulo bias does not matter here. */
static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(rng_next(r) % n);
}

/* True with probability pct/100. */
static inline int rng_pct(struct rng *r, unsigned int pct)
{
	return rng_below(r, 100) < pct;
}

static inline void rng_bytes(struct rng *r, void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)rng_next(r);
}

/* A child's stream: independent of the parent's, fixed by seed and index. */
static inline void rng_fork(struct rng *child, uint64_t seed, unsigned int idx)
{
	child->s = seed ^ (0xd1b54a32d192ed03ULL * (idx + 1));
	rng_next(child);
}

#endif
