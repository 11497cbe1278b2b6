/* SPDX-License-Identifier: GPL-2.0 */
/* The words jumpctl and jumpd use for the uapi enums, in both directions. */
#ifndef JUMPING_NAMES_H
#define JUMPING_NAMES_H

#include <stdint.h>

/* Name of a value, or NULL if this jumpctl does not know it. */
const char *cipher_name(unsigned int cipher);
const char *key_slot_name(unsigned int slot);
const char *state_name(unsigned int state);
const char *reason_name(unsigned int reason);
const char *liveness_name(unsigned int liveness);

/* 0 and the value, or -EINVAL for an unknown word. */
int parse_cipher(const char *s, uint8_t *out);
int parse_key_slot(const char *s, uint8_t *out);
int parse_state(const char *s, uint8_t *out);
int parse_reason(const char *s, uint16_t *out);

#endif /* JUMPING_NAMES_H */
