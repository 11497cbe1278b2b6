/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jumpd's readers of what the kernel sends (kernel.h): a session nest, a
 * binding nest, one notification. Pure: a message in, a struct out, no
 * socket, so tests/fuzz/userspace feeds them random attribute buffers.
 * Attributes are checked by the shared policies (jumping_policy.h), as
 * jumpctl checks them.
 */
#ifndef JUMPD_KERNEL_PARSE_H
#define JUMPD_KERNEL_PARSE_H

#include <netlink/attr.h>
#include <netlink/msg.h>
#include "kernel.h"

/* A binding nest (NULL or malformed: both zero). */
void jk_parse_binding(struct nlattr *nest, struct jp_binding *remote,
		      struct jp_binding *local);
/* A session nest: 0, or -EPROTO (malformed or without an id). */
int jk_parse_session(struct nlattr *nest, struct jk_session *s);
/*
 * One notification (a generic netlink message of the jumping family):
 * 0 with *ev filled (its packet points into nlh), or -EPROTO.
 */
int jk_parse_event(struct nlmsghdr *nlh, struct jk_event *ev);

#endif /* JUMPD_KERNEL_PARSE_H */
