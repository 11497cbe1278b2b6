/* SPDX-License-Identifier: GPL-2.0 */
/* Printing one JUMPING_A_SESSION nest as the kernel reports it. */
#ifndef JUMPCTL_SESSION_SHOW_H
#define JUMPCTL_SESSION_SHOW_H

#include <netlink/attr.h>
#include "output.h"

/* A record: id, peer id, state, binding, allowed, key slots, stats. */
int out_session(struct out *o, struct nlattr *nest);

#endif /* JUMPCTL_SESSION_SHOW_H */
