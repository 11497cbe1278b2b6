/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host's addresses and links from rtnetlink: what they are when jumpd
 * starts (a dump), and every change as it happens (RTM_NEWADDR,
 * RTM_DELADDR, RTM_NEWLINK). A path is usable while its local address is
 * assigned and its link is up and has carrier (paths.h).
 */
#ifndef JUMPD_ADDRWATCH_H
#define JUMPD_ADDRWATCH_H

#include <stdbool.h>
#include <stdint.h>
#include "binding.h"

struct nl_sock;

enum jd_addr_kind {
	JD_ADDR_NEW,		/* addr assigned on ifindex */
	JD_ADDR_DEL,		/* addr removed */
	JD_LINK,		/* ifindex is up (with carrier) or not */
};

struct jd_addr_event {
	enum jd_addr_kind kind;
	struct jp_binding addr;		/* ADDR_*: family and address */
	uint32_t ifindex;
	bool up;			/* LINK */
};

typedef void (*jd_addr_fn)(const struct jd_addr_event *ev, void *arg);

/* A non-blocking socket on the address and link groups, or NULL. */
struct nl_sock *jd_addrwatch_open(void);
/* Read what is pending; fn for every change. */
void jd_addrwatch_read(struct nl_sock *sk, jd_addr_fn fn, void *arg);
/* Every address and link now, on a socket of its own; 0 or -errno. */
int jd_addrwatch_dump(jd_addr_fn fn, void *arg);

#endif /* JUMPD_ADDRWATCH_H */
