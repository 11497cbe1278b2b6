// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: a session's keepalive timer, and the timers of a whole
 * table.
 *
 * A session's keepalive and silence timers hold no reference: they are
 * armed only while the session is in its table, and leaving the table
 * shuts them down and waits for a running callback before the table's
 * reference goes (jp_session_timers_shutdown()), so a callback always runs
 * on a live session whose device is registered.
 */
#include <linux/jiffies.h>
#include <linux/netdevice.h>
#include <linux/timer.h>

#include "send.h"
#include "session.h"
#include "silence.h"
#include "timers.h"

/*
 * Timer (softirq): nothing was sent for keepalive_ms, or it is time to
 * look again. The session is in its table (see the top of this file).
 */
static void jp_keepalive_fire(struct timer_list *t)
{
	struct jp_session *s = from_timer(s, t, keepalive_timer);
	unsigned long interval, last, next;

	interval = msecs_to_jiffies(READ_ONCE(s->keepalive_ms));
	if (!interval)
		return;	/* turned off meanwhile */
	/* Down: nothing is sent; ndo_open arms the timer again. */
	if (!netif_running(s->dev))
		return;
	last = READ_ONCE(s->tx_stamp);
	next = last + interval;
	if (!last || !time_before(jiffies, next)) {
		/* Sends only with a binding and a primary key. */
		jp_send_keepalive(s);
		next = jiffies + interval;
	}
	/* A no-op once the timer is shut down: removal wins. */
	mod_timer(&s->keepalive_timer, next);
}

/* A new session, before anything can arm its timer. */
void jp_keepalive_init(struct jp_session *s)
{
	timer_setup(&s->keepalive_timer, jp_keepalive_fire, 0);
}

/*
 * Keepalive every @ms without tx, 0 = off. The device's conf_lock held,
 * and the session in its table (or about to be inserted under the same
 * conf_lock: the timer fires only after a tick, and removal shuts it down).
 * While the device is down the timer stays off: ndo_open starts it.
 */
void jp_session_set_keepalive(struct jp_session *s, u32 ms)
{
	WRITE_ONCE(s->keepalive_ms, ms);
	if (ms && netif_running(s->dev))
		mod_timer(&s->keepalive_timer, jiffies + msecs_to_jiffies(ms));
	else
		timer_delete(&s->keepalive_timer);
}

/*
 * The session has left its table (process context): nobody arms its
 * timers again (packet paths that still hold the session find them shut
 * down). Waits for a running callback, so the caller's reference must
 * still hold.
 */
void jp_session_timers_shutdown(struct jp_session *s)
{
	timer_shutdown_sync(&s->keepalive_timer);
	timer_shutdown_sync(&s->silence_timer);
}

/**
 * jp_session_table_keepalives - start or stop every session's keepalives
 *	(and, when it stops, forget the silence being counted)
 * @t: a device's table, the device's conf_lock held: every insert and
 *	remove holds it too, so the list is stable without the table lock
 *	(which a synchronous timer stop must not be called under)
 * @run: true when the device comes up, false when it went down
 *
 * Process context (ndo_open, ndo_stop).
 */
void jp_session_table_keepalives(struct jp_session_table *t, bool run)
{
	struct jp_session *s;
	u32 ms;

	list_for_each_entry(s, &t->list, list) {
		ms = READ_ONCE(s->keepalive_ms);
		if (!run) {
			timer_delete_sync(&s->keepalive_timer);
			jp_silence_stop(s);
		} else if (ms) {
			mod_timer(&s->keepalive_timer,
				  jiffies + msecs_to_jiffies(ms));
		}
	}
}
