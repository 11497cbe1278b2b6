/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jumpctl monitor's lines: one per kernel event, e.g.
 *   state dev jp0 session 1111 old_state attached state volatile
 *     reason rx-silence remote 192.0.2.2:51820
 * or with --json one object per line:
 *   {"event": "state", "dev": "jp0", "session": 1111, ...}
 * Events: session-del, key-exhausted (key-swap), state, unknown-source,
 * silence (liveness silent or resumed, unheard_ms, rx_age_ms), and with
 * --control, control-rx.
 */
#ifndef JUMPCTL_MONITOR_EVENT_H
#define JUMPCTL_MONITOR_EVENT_H

#include <stdint.h>
#include <stdio.h>
#include <netlink/attr.h>
#include "output.h"

/*
 * Print the event cmd with top-level attributes top (parsed with
 * jg_policy_top) on one line of f. dev: the device's name, or NULL to
 * print its ifindex. 0, -ENOENT for a command that is no event, or
 * -EPROTO for a malformed one (nothing printed then).
 */
int print_event(FILE *f, enum out_mode mode, uint8_t cmd, struct nlattr **top,
		const char *dev);

#endif /* JUMPCTL_MONITOR_EVENT_H */
