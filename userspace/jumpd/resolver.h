/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host names of Endpoints, resolved off the main loop: getaddrinfo() may
 * block for seconds (a dead DNS server), and jumpd's loop must keep
 * serving every other session meanwhile. One worker thread takes lookups
 * from a bounded queue and writes each answer, whole, to a pipe that the
 * main loop polls. The worker touches nothing but the queue and the pipe.
 */
#ifndef JUMPD_RESOLVER_H
#define JUMPD_RESOLVER_H

#include <stdint.h>
#include "binding.h"

#define JD_RESOLVE_MAX	8	/* addresses kept from one answer */

struct jd_resolver;

/* One answer: every address (IPv4 and IPv6, in the resolver's order). */
struct jd_answer {
	uint64_t tag;			/* as asked */
	int error;			/* 0, or a getaddrinfo EAI_* code */
	unsigned int n;
	struct jp_binding addr[JD_RESOLVE_MAX];	/* port set */
};

int jd_resolver_open(struct jd_resolver **out);
void jd_resolver_close(struct jd_resolver *r);
/* Readable when an answer waits. */
int jd_resolver_fd(const struct jd_resolver *r);
/* Queue a lookup; 0, or -EBUSY when the queue is full (ask again later). */
int jd_resolver_ask(struct jd_resolver *r, uint64_t tag, const char *host,
		    uint16_t port);
/* The next answer: 0, or -EAGAIN when there is none now. */
int jd_resolver_take(struct jd_resolver *r, struct jd_answer *out);

#endif /* JUMPD_RESOLVER_H */
