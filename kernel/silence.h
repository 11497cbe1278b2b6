/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Jumping VPN: silence of a session's binding while the session sends
 * (JUMPING_A_SESSION_SILENCE_MS, JUMPING_CMD_SILENCE_NTF).
 */
#ifndef _JP_SILENCE_H
#define _JP_SILENCE_H

#include "session.h"

/*
 * jp_session.silence. The order matters: receive has something to do
 * from JP_SILENCE_UNHEARD on, transmit only in JP_SILENCE_HEARD.
 */
enum jp_silence_state {
	JP_SILENCE_OFF,		/* SILENCE_MS is 0 */
	JP_SILENCE_HEARD,	/* nothing sent since the last rx */
	JP_SILENCE_UNHEARD,	/* sent since; the timer is armed */
	JP_SILENCE_SILENT,	/* SILENT told; the next rx tells RESUMED */
};

/*
 * Shortest SILENCE_MS: below, the interval is under the timer's
 * resolution (a tick: 4 ms at HZ=250, 10 ms at HZ=100).
 */
#define JP_SILENCE_MIN_MS	10
/* Longest: as for keepalives, past this nobody waits for an answer. */
#define JP_SILENCE_MAX_MS	600000

void jp_silence_init(struct jp_session *s);
void jp_silence_set(struct jp_session *s, u32 ms);
void jp_silence_restart(struct jp_session *s);
void jp_silence_stop(struct jp_session *s);
void jp_silence_start(struct jp_session *s);
void jp_silence_heard(struct jp_session *s, unsigned int seen);
bool jp_silence_unheard_ms(struct jp_session *s, u64 *ms, bool *silent);

/*
 * Transmit, a packet of @s left: one read, unless this is the first
 * packet since the last rx, which starts a silence.
 */
static inline void jp_silence_tx(struct jp_session *s)
{
	if (READ_ONCE(s->silence) == JP_SILENCE_HEARD)
		jp_silence_start(s);
}

/*
 * Receive, an authenticated packet of @s from its binding: one read,
 * unless something was sent since the last one, which ends the silence.
 * Before the rx time is refreshed: a RESUMED reports the gap.
 */
static inline void jp_silence_rx(struct jp_session *s)
{
	unsigned int seen = READ_ONCE(s->silence);

	if (seen >= JP_SILENCE_UNHEARD)
		jp_silence_heard(s, seen);
}

#endif /* _JP_SILENCE_H */
