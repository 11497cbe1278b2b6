// SPDX-License-Identifier: GPL-2.0
/* The 3x budget towards an unvalidated address (amplification.h). */
#include <string.h>
#include "amplification.h"

void jp_amp_init(struct jp_amp *a)
{
	memset(a, 0, sizeof(*a));
}

void jp_amp_on_received(struct jp_amp *a, size_t len)
{
	a->received += len;
}

bool jp_amp_may_send(const struct jp_amp *a, size_t len)
{
	if (a->validated)
		return true;
	/* received is a byte count: 3x cannot overflow 64 bits in practice */
	return a->sent + len <= JP_AMP_FACTOR * a->received;
}

bool jp_amp_try_send(struct jp_amp *a, size_t len)
{
	if (!jp_amp_may_send(a, len)) {
		a->refused++;
		return false;
	}
	a->sent += len;
	return true;
}

void jp_amp_on_validated(struct jp_amp *a)
{
	a->validated = true;
}
