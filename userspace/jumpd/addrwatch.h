/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Local addresses going away (rtnetlink RTM_DELADDR): a mover need not
 * wait for VolatileAfter of silence when the address its binding sends
 * from has just been removed.
 */
#ifndef JUMPD_ADDRWATCH_H
#define JUMPD_ADDRWATCH_H

#include "binding.h"

struct nl_sock;

typedef void (*jd_addr_gone_fn)(const struct jp_binding *addr, void *arg);

/* A non-blocking socket on the IPv4 and IPv6 address groups, or NULL. */
struct nl_sock *jd_addrwatch_open(void);
/* Read what is pending; fn for every address removed. */
void jd_addrwatch_read(struct nl_sock *sk, jd_addr_gone_fn fn, void *arg);

#endif /* JUMPD_ADDRWATCH_H */
