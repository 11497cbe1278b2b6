/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Anti-amplification for a path not yet validated (as QUIC, RFC 9000 8.1):
 * until the address has proved it receives what we send (challenge
 * answered), we send it at most 3x the bytes we received from it. A
 * REATTACH naming a spoofed source therefore cannot make us a traffic
 * amplifier against that address.
 */
#ifndef JUMPD_AMPLIFICATION_H
#define JUMPD_AMPLIFICATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JP_AMP_FACTOR 3

struct jp_amp {
	uint64_t received;	/* bytes from the address */
	uint64_t sent;		/* bytes to it */
	bool validated;
	uint64_t refused;	/* sends held back by the budget */
};

void jp_amp_init(struct jp_amp *a);
void jp_amp_on_received(struct jp_amp *a, size_t len);
/* Whether len more bytes fit the budget (always, once validated). */
bool jp_amp_may_send(const struct jp_amp *a, size_t len);
/* may_send, and if so count the bytes as sent; else count a refusal. */
bool jp_amp_try_send(struct jp_amp *a, size_t len);
void jp_amp_on_validated(struct jp_amp *a);

#endif /* JUMPD_AMPLIFICATION_H */
