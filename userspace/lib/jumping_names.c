// SPDX-License-Identifier: GPL-2.0
/*
 * Enum <-> word tables (jumping_names.h), indexed by the uapi values: the one
 * place jumpctl and jumpd get their state, reason, cipher and slot names.
 */
#include <errno.h>
#include <string.h>
#include <linux/jumping.h>
#include "jumping_names.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const ciphers[] = {
	[JUMPING_CIPHER_NONE]			= "none",
	[JUMPING_CIPHER_CHACHA20POLY1305]	= "chacha20poly1305",
	[JUMPING_CIPHER_AES256GCM]		= "aes256gcm",
};

static const char *const key_slots[] = {
	[JUMPING_KEY_SLOT_PRIMARY]	= "primary",
	[JUMPING_KEY_SLOT_SECONDARY]	= "secondary",
};

static const char *const states[] = {
	[JUMPING_STATE_BIRTH]		= "birth",
	[JUMPING_STATE_ATTACHED]	= "attached",
	[JUMPING_STATE_VOLATILE]	= "volatile",
	[JUMPING_STATE_DEGRADED]	= "degraded",
	[JUMPING_STATE_RECOVERING]	= "recovering",
	[JUMPING_STATE_TERMINATED]	= "terminated",
};

static const char *const reasons[] = {
	[JUMPING_REASON_NONE]			= "none",
	[JUMPING_REASON_USERSPACE]		= "userspace",
	[JUMPING_REASON_DEVICE_GONE]		= "device-gone",
	[JUMPING_REASON_HANDSHAKE_DONE]		= "handshake-done",
	[JUMPING_REASON_KEY_EXHAUSTED]		= "key-exhausted",
	[JUMPING_REASON_REKEY]			= "rekey",
	[JUMPING_REASON_RX_SILENCE]		= "rx-silence",
	[JUMPING_REASON_LOSS_HIGH]		= "loss-high",
	[JUMPING_REASON_RX_RESUMED]		= "rx-resumed",
	[JUMPING_REASON_REATTACH_REQUESTED]	= "reattach-requested",
	[JUMPING_REASON_REATTACH_VALIDATED]	= "reattach-validated",
	[JUMPING_REASON_REATTACH_REJECTED]	= "reattach-rejected",
	[JUMPING_REASON_TTL_EXPIRED]		= "ttl-expired",
	[JUMPING_REASON_PEER_CLOSED]		= "peer-closed",
	[JUMPING_REASON_ADOPTED]		= "adopted",
	[JUMPING_REASON_LOSS_RECOVERED]		= "loss-recovered",
	[JUMPING_REASON_REATTACH_BAD_PROOF]	= "reattach-bad-proof",
	[JUMPING_REASON_REATTACH_REPLAYED]	= "reattach-replayed",
	[JUMPING_REASON_REATTACH_RATE_LIMITED]	= "reattach-rate-limited",
	[JUMPING_REASON_REATTACH_TIMEOUT]	= "reattach-timeout",
	[JUMPING_REASON_PEER_LOST]		= "peer-lost",
	[JUMPING_REASON_SUPERSEDED]		= "superseded",
	[JUMPING_REASON_RTT_HIGH]		= "rtt-high",
	[JUMPING_REASON_RTT_RECOVERED]		= "rtt-recovered",
	[JUMPING_REASON_PATH_BETTER]		= "path-better",
	[JUMPING_REASON_PATH_GONE]		= "path-gone",
	[JUMPING_REASON_GATEWAY_TAKEOVER]	= "gateway-takeover",
	[JUMPING_REASON_TAKEOVER_REFUSED]	= "takeover-refused",
	[JUMPING_REASON_LEASE_LOST]		= "lease-lost",
	[JUMPING_REASON_FENCED]			= "fenced",
};

static const char *const livenesses[] = {
	[JUMPING_LIVENESS_SILENT]	= "silent",
	[JUMPING_LIVENESS_RESUMED]	= "resumed",
};

/* A value added to the uapi header without a name here fails the build. */
_Static_assert(ARRAY_SIZE(states) == __JUMPING_STATE_MAX, "state names");
_Static_assert(ARRAY_SIZE(reasons) == __JUMPING_REASON_MAX, "reason names");
_Static_assert(ARRAY_SIZE(livenesses) == __JUMPING_LIVENESS_MAX,
	       "liveness names");

static const char *lookup(const char *const *table, size_t n, unsigned int v)
{
	return v < n ? table[v] : NULL;
}

static int rlookup(const char *const *table, size_t n, const char *s,
		   uint8_t *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (table[i] && !strcmp(table[i], s)) {
			*out = (uint8_t)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *cipher_name(unsigned int cipher)
{
	return lookup(ciphers, ARRAY_SIZE(ciphers), cipher);
}

const char *key_slot_name(unsigned int slot)
{
	return lookup(key_slots, ARRAY_SIZE(key_slots), slot);
}

const char *state_name(unsigned int state)
{
	return lookup(states, ARRAY_SIZE(states), state);
}

const char *reason_name(unsigned int reason)
{
	return lookup(reasons, ARRAY_SIZE(reasons), reason);
}

const char *liveness_name(unsigned int liveness)
{
	return lookup(livenesses, ARRAY_SIZE(livenesses), liveness);
}

int parse_cipher(const char *s, uint8_t *out)
{
	/* "none" is what the kernel reports for an empty slot, not a choice. */
	if (!strcmp(s, "none"))
		return -EINVAL;
	return rlookup(ciphers, ARRAY_SIZE(ciphers), s, out);
}

int parse_key_slot(const char *s, uint8_t *out)
{
	return rlookup(key_slots, ARRAY_SIZE(key_slots), s, out);
}

int parse_state(const char *s, uint8_t *out)
{
	return rlookup(states, ARRAY_SIZE(states), s, out);
}

int parse_reason(const char *s, uint16_t *out)
{
	uint8_t v;

	/* Fewer than 256 reasons: the uint8_t lookup holds them all. */
	_Static_assert(ARRAY_SIZE(reasons) <= 256, "reason table");
	if (rlookup(reasons, ARRAY_SIZE(reasons), s, &v))
		return -EINVAL;
	*out = v;
	return 0;
}
