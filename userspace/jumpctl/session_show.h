/* SPDX-License-Identifier: GPL-2.0 */
/* Printing one JUMPING_A_SESSION nest as the kernel reports it. */
#ifndef JUMPCTL_SESSION_SHOW_H
#define JUMPCTL_SESSION_SHOW_H

#include <netlink/attr.h>
#include "jumping_parse.h"
#include "output.h"

/*
 * A record: id, peer id, state, time in state, last reason, binding,
 * keepalive, rx/tx age, binding history, allowed, key slots, stats.
 */
int out_session(struct out *o, struct nlattr *nest);

/*
 * A binding nest's remote endpoint and local address as text ("" for a
 * part it lacks); 0 or -EPROTO. Also for monitor's event lines.
 */
int format_binding(struct nlattr *nest, char remote[JP_ENDPOINT_STRLEN],
		   char local[JP_ENDPOINT_STRLEN]);

#endif /* JUMPCTL_SESSION_SHOW_H */
