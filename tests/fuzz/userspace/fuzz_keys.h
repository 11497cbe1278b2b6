/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixed keys and ids the codec targets verify under, and mkseeds.c signs
 * the seed corpora with: a seed that carries a good MAC reaches past the
 * MAC check, and its mutations explore what lies behind it.
 */
#ifndef JUMPING_FUZZ_KEYS_H
#define JUMPING_FUZZ_KEYS_H

#include <stdint.h>
#include <string.h>
#include "ctl_keys.h"

#define FUZZ_SESSION_ID	0x11223344u
#define FUZZ_DIR	JP_DIR_I2R

/* The REATTACH (and probe) key, the confirm key: any fixed bytes. */
static const uint8_t fuzz_ctl_key[32] = {
	0x6a, 0x75, 0x6d, 0x70, 0x69, 0x6e, 0x67, 0x2d, 0x66, 0x75, 0x7a,
	0x7a, 0x2d, 0x72, 0x65, 0x61, 0x74, 0x74, 0x61, 0x63, 0x68, 0x2d,
	0x6b, 0x65, 0x79, 0x2d, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35,
};

/* Private keys of the handshake's two sides (X25519 clamps them). */
static const uint8_t fuzz_init_priv[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
static const uint8_t fuzz_resp_priv[32] = { 9, 8, 7, 6, 5, 4, 3, 2, 1 };
static const uint8_t fuzz_psk[32];

/* One candidate: key k, the sender's direction. */
static inline void fuzz_mk(struct jp_mac_keys *mk, const uint8_t *k)
{
	memset(mk, 0, sizeof(*mk));
	mk->key[0] = k;
	mk->dir[0] = FUZZ_DIR;
	mk->which[0] = JP_CTL_CUR;
	mk->n = 1;
}

#endif /* JUMPING_FUZZ_KEYS_H */
