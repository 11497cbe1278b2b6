/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: a session's keepalive timer, and starting and stopping the
 * timers of a whole table when its device goes up or down.
 */
#ifndef _JP_TIMERS_H
#define _JP_TIMERS_H

#include <linux/types.h>

struct jp_session;
struct jp_session_table;

void jp_keepalive_init(struct jp_session *s);
void jp_session_set_keepalive(struct jp_session *s, u32 ms);
void jp_session_timers_shutdown(struct jp_session *s);
void jp_session_table_keepalives(struct jp_session_table *t, bool run);

#endif /* _JP_TIMERS_H */
