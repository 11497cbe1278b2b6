/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A transport binding as jumpd sees it: one remote UDP endpoint (family,
 * address, port). The session state machine, the reattach proofs, the rate
 * limiter and the audit log all speak of bindings in this one form.
 */
#ifndef JUMPD_BINDING_H
#define JUMPD_BINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A local address may name the interface its packets leave by (ifindex,
 * JUMPING_A_BINDING_IFINDEX): the same address on another interface is
 * another path, so comparisons (jp_binding_equal, memcmp of zeroed
 * structs) include it. Remote endpoints leave it 0.
 */
struct jp_binding {
	uint8_t family;		/* 0 (none), AF_INET or AF_INET6 */
	uint8_t addr[16];	/* IPv4 in the first 4 bytes, rest zero */
	uint16_t port;		/* host order */
	uint32_t ifindex;	/* 0: routing chooses */
};

/* "192.0.2.1:51820", "[2001:db8::1]:51820" or "none"; fits in this. */
#define JP_BINDING_STRLEN 64

bool jp_binding_equal(const struct jp_binding *a, const struct jp_binding *b);
bool jp_binding_is_set(const struct jp_binding *b);
/* Fills out (JP_BINDING_STRLEN bytes) and returns it. */
char *jp_binding_str(const struct jp_binding *b, char *out);
/* Numeric "a.b.c.d:port" or "[v6]:port"; 0 or -EINVAL. */
int jp_binding_parse(const char *s, struct jp_binding *out);
/* From a sockaddr_in / sockaddr_in6; 0 or -EAFNOSUPPORT. */
int jp_binding_from_sockaddr(const void *sa, struct jp_binding *out);

#endif /* JUMPD_BINDING_H */
