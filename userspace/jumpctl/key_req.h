/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Key command lines: "DEV id ID [slot S] [key-id N] [cipher C]
 * [enc-key K | enc-key-file P] [dec-key K | dec-key-file P]
 * [reject-after MS]" parsed, and
 * turned into a request. Apart from the verbs so tests/unit can check
 * the attributes that go to the kernel.
 */
#ifndef JUMPCTL_KEY_REQ_H
#define JUMPCTL_KEY_REQ_H

#include "jumpctl.h"
#include "jumping_parse.h"

/* Everything a key command line may say. */
struct key_args {
	const char *dev;
	uint32_t id;
	uint8_t slot, key_id, cipher;
	uint32_t reject_after_ms;
	bool has_id, has_slot, has_key_id, has_cipher, has_enc, has_dec;
	bool has_reject_after;
	uint8_t enc[JUMPING_KEY_LEN], dec[JUMPING_KEY_LEN];
};

/* 0, or an exit code after a message. Wipe *k with sodium_memzero. */
int parse_key_args(struct args *a, struct key_args *k);
/* DEV, then JUMPING_A_SESSION { id, KEYCONF { what was given } }. */
struct nl_msg *key_msg(struct jg_sock *js, uint8_t cmd,
		       const struct key_args *k);

/*
 * "add|swap|del DEV ..." after "key"; sets *cmd. 0, or an exit code after
 * a usage message. Wipe *k with sodium_memzero.
 */
int key_verb_args(struct args *a, struct key_args *k, uint8_t *cmd);

#endif /* JUMPCTL_KEY_REQ_H */
