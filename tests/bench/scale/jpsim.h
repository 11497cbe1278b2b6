/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jpsim: plays N clients of a Jumping gateway from one process (make
 * bench-scale, tests/selftests/datapath/scale.sh). Session i (0-based)
 * has id i + 1, inner address inner_base + i (/32) and its client at
 * client_base + i, port JPSIM_PORT(i); its keys derive from the seed.
 */
#ifndef JPSIM_H
#define JPSIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>
#include <linux/jumping.h>

struct jpsim {
	const char *dev;		/* the gateway's jumping device */
	uint32_t n;			/* sessions */
	uint32_t first, span;		/* traffic: sessions first..first+span-1 */
	uint8_t cipher;			/* enum jumping_cipher */
	uint32_t seed;
	uint32_t inner_base;		/* host order */
	uint32_t client_base;		/* host order */
	uint32_t gw_addr;		/* host order: the gateway's outer address */
	uint16_t gw_port;
	uint32_t sink_addr;		/* host order: inner destination of rx */
	double seconds;			/* measurement window, or 0 */
	uint64_t count;			/* packets to send, or 0 */
	unsigned int window;		/* netlink requests per sendmsg */
	unsigned int rate;		/* storm: binding changes per second */
	const char *client_netns;	/* rx: where the raw socket lives */
	const char *expect;		/* file for the per-session counts */
};

#define JPSIM_PORT(i)	((uint16_t)(1024 + (i) % 64000))

/* keys.c */
void jpsim_key(const struct jpsim *o, uint32_t i, int gw_decrypts,
	       uint8_t key[JUMPING_KEY_LEN]);
uint32_t jpsim_rand(uint64_t *state);
double jpsim_now(void);
int jpsim_write_expect(const struct jpsim *o, const uint64_t *counts);

/* install.c: over generic netlink */
int jpsim_install(const struct jpsim *o);
int jpsim_storm(const struct jpsim *o);

/* dump.c */
int jpsim_dump(const struct jpsim *o);

/* traffic.c */
int jpsim_rx(const struct jpsim *o);
int jpsim_tx(const struct jpsim *o);
int jpsim_tx_run(const struct jpsim *o, uint32_t first, uint32_t span,
		 double seconds, uint64_t count, uint64_t *counts,
		 uint64_t *sent, double *elapsed);

/* wgconf.c */
int jpsim_wgconf(const struct jpsim *o, const char *conf, const char *keydir,
		 unsigned int live);

#endif /* JPSIM_H */
