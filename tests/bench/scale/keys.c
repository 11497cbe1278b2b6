// SPDX-License-Identifier: GPL-2.0
/*
 * jpsim: what the simulator and the gateway agree on without talking:
 * each session's keys come from the seed and the session's index, so
 * the process that installs the sessions and the one that sends their
 * packets need not share anything but the command line.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "jpsim.h"

/*
 * The key the gateway decrypts with (what the client encrypts with) or,
 * gw_decrypts 0, the one it encrypts with: BLAKE2b of a label, the seed,
 * the index and the direction.
 */
void jpsim_key(const struct jpsim *o, uint32_t i, int gw_decrypts,
	       uint8_t key[JUMPING_KEY_LEN])
{
	uint8_t in[16] = "jpsim";

	memcpy(in + 6, &o->seed, sizeof(o->seed));
	memcpy(in + 10, &i, sizeof(i));
	in[14] = gw_decrypts ? 1 : 2;
	crypto_generichash(key, JUMPING_KEY_LEN, in, sizeof(in), NULL, 0);
}

/* splitmix64: cheap, reproducible from a seed (which session gets a packet). */
uint32_t jpsim_rand(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (uint32_t)((z ^ (z >> 31)) >> 32);
}

double jpsim_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "ID COUNT" a line for every session of the traffic span. */
int jpsim_write_expect(const struct jpsim *o, const uint64_t *counts)
{
	FILE *f;
	uint32_t k;

	if (!o->expect)
		return 0;
	f = fopen(o->expect, "w");
	if (!f) {
		fprintf(stderr, "jpsim: %s: %s\n", o->expect, strerror(errno));
		return -1;
	}
	for (k = 0; k < o->span; k++)
		fprintf(f, "%u %llu\n", o->first + k + 1,
			(unsigned long long)counts[k]);
	if (fclose(f)) {
		fprintf(stderr, "jpsim: %s: %s\n", o->expect, strerror(errno));
		return -1;
	}
	return 0;
}
