// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: silence of a session's binding while it sends.
 *
 * With SILENCE_MS set, the first packet a session sends (data or
 * keepalive) after the last authenticated packet from its binding starts a
 * silence: its time is noted and a timer armed. If nothing authenticated
 * from the binding came SILENCE_MS later, SILENCE_NTF (silent) goes out on
 * the events group, once; the first authenticated packet after that sends
 * SILENCE_NTF (resumed). So jumpd hears of a dead path as soon as it is
 * suspect, without polling, and only while the session sends: an idle
 * session is never silent.
 *
 * The state (enum jp_silence_state) is one word. The packet paths read it
 * once per packet and write it only on a transition: transmit HEARD ->
 * UNHEARD at the start of a silence (one store, a mod_timer() only when
 * the timer is not already pending), receive UNHEARD or SILENT -> HEARD.
 * Receive does not stop the timer: it fires, finds HEARD or a later
 * silence, and does nothing or waits for that one. Every transition is a
 * cmpxchg from the state its writer saw, so a racing writer never undoes
 * another's: receive and the timer agree on whether SILENT was told, and
 * RESUMED follows exactly each SILENT. A send on one CPU racing with a
 * receive on another may count as answered by it; the next send starts
 * the silence.
 *
 * The notifications are built in the context that decides them: the timer
 * (softirq) and receive (softirq), with GFP_ATOMIC. They are small, one per
 * silence, and a work item would add a scheduling delay to the one event
 * whose point is to be early. If the allocation fails, the state stays: the
 * timer tries SILENT again a tick later, the next packet RESUMED.
 *
 * The timer follows the keepalive timer's rules (session.c): it holds no
 * reference, arms only while the session is in its table (a packet path
 * that still holds a removed session arms nothing: its timer is shut
 * down), and stops while the device is down.
 */
#include <linux/jiffies.h>
#include <linux/jumping.h>
#include <linux/timer.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "device.h"
#include "netlink.h"
#include "silence.h"

/*
 * SILENCE_NTF of @s saying @liveness, built but not sent, into *@msg
 * (NULL when nobody listens). Return: 0 or -ENOMEM.
 */
static int jp_silence_msg(struct jp_session *s, u8 liveness,
			  struct sk_buff **msg, void **hdr)
{
	struct jp_device *jp = netdev_priv(s->dev);
	unsigned long since = READ_ONCE(s->unheard_since);
	struct nlattr *nest;
	u64 rx_age;

	*msg = NULL;
	if (!jp_genl_has_listeners(jp, JP_MCGRP_EVENTS))
		return 0;
	*msg = jp_genl_event_new(jp, JUMPING_CMD_SILENCE_NTF,
				 nla_total_size(0) +
				 2 * nla_total_size(sizeof(u32)) +
				 nla_total_size(sizeof(u8)) +
				 2 * nla_total_size_64bit(sizeof(u64)),
				 GFP_ATOMIC, hdr);
	if (!*msg)
		return -ENOMEM;
	nest = nla_nest_start(*msg, JUMPING_A_SESSION);
	if (!nest ||
	    nla_put_u32(*msg, JUMPING_A_SESSION_ID, s->id) ||
	    nla_put_u32(*msg, JUMPING_A_SESSION_PEER_ID,
			READ_ONCE(s->peer_id)) ||
	    nla_put_u8(*msg, JUMPING_A_SESSION_LIVENESS, liveness) ||
	    nla_put_u64_64bit(*msg, JUMPING_A_SESSION_UNHEARD_MS,
			      jp_age_ms(jiffies, since),
			      JUMPING_A_SESSION_PAD) ||
	    (jp_stamp_age_ms(&s->rx_stamp, &rx_age) &&
	     nla_put_u64_64bit(*msg, JUMPING_A_SESSION_RX_AGE_MS, rx_age,
			       JUMPING_A_SESSION_PAD))) {
		/* Sized for all of it: cannot happen. */
		nlmsg_free(*msg);
		*msg = NULL;
		return -ENOMEM;
	}
	nla_nest_end(*msg, nest);
	return 0;
}

static void jp_silence_send(struct jp_session *s, struct sk_buff *msg,
			    void *hdr)
{
	/* Best effort: a listener whose buffer is full sees ENOBUFS. */
	if (msg)
		jp_genl_event_send(netdev_priv(s->dev), msg, hdr, GFP_ATOMIC);
}

/* Timer (softirq): is the silence that armed it due? */
static void jp_silence_fire(struct timer_list *t)
{
	struct jp_session *s = from_timer(s, t, silence_timer);
	unsigned int seen = JP_SILENCE_UNHEARD;
	unsigned long since, due;
	struct sk_buff *msg;
	void *hdr;

	/* Acquire: the start time was written before the state. */
	if (smp_load_acquire(&s->silence) != JP_SILENCE_UNHEARD)
		return;	/* heard, turned off, or told already */
	since = READ_ONCE(s->unheard_since);
	due = since + msecs_to_jiffies(READ_ONCE(s->silence_ms));
	if (time_before(jiffies, due)) {
		/* Armed for an earlier silence that was answered. */
		mod_timer(&s->silence_timer, due);
		return;
	}
	if (jp_silence_msg(s, JUMPING_LIVENESS_SILENT, &msg, &hdr)) {
		mod_timer(&s->silence_timer, jiffies + 1);
		return;
	}
	/*
	 * A packet heard and another sent meanwhile make a new silence in
	 * the same state: its start moved, look again at its due time. (A
	 * pair within the next few instructions would slip through, and be
	 * told as a silence that resumes with the next packet heard.)
	 */
	if (READ_ONCE(s->unheard_since) != since) {
		nlmsg_free(msg);
		mod_timer(&s->silence_timer, jiffies);
		return;
	}
	/* A packet may have come meanwhile: then it was no silence. */
	if (!try_cmpxchg(&s->silence, &seen, JP_SILENCE_SILENT)) {
		nlmsg_free(msg);
		return;
	}
	jp_silence_send(s, msg, hdr);
}

/* A new session: off. */
void jp_silence_init(struct jp_session *s)
{
	s->silence = JP_SILENCE_OFF;
	timer_setup(&s->silence_timer, jp_silence_fire, 0);
}

/**
 * jp_silence_set - SILENCE_NTF after @ms of silence, 0 = off
 * @s: the session, in its table (or inserted under the same conf_lock
 *	before a tick passes, as for keepalives)
 * @ms: 0, or JP_SILENCE_MIN_MS to JP_SILENCE_MAX_MS
 *
 * The device's conf_lock held. Turned off, a silence in progress is
 * forgotten: no RESUMED follows. A new interval applies to the silence in
 * progress too.
 */
void jp_silence_set(struct jp_session *s, u32 ms)
{
	unsigned int off = JP_SILENCE_OFF;

	WRITE_ONCE(s->silence_ms, ms);
	if (!ms) {
		/* Plain store: every other writer cmpxchg()es from not off. */
		WRITE_ONCE(s->silence, JP_SILENCE_OFF);
		timer_delete(&s->silence_timer);
		return;
	}
	if (try_cmpxchg(&s->silence, &off, JP_SILENCE_HEARD))
		return;
	/* On already: a silence being counted is due by the new interval. */
	if (READ_ONCE(s->silence) == JP_SILENCE_UNHEARD)
		mod_timer(&s->silence_timer, jiffies);
}

/*
 * A new binding: a silence of the old one is forgotten (no RESUMED for
 * it); the next packet sent on the new one starts a silence of its own.
 * Any context.
 */
void jp_silence_restart(struct jp_session *s)
{
	unsigned int seen = READ_ONCE(s->silence);

	while (seen >= JP_SILENCE_UNHEARD &&
	       !try_cmpxchg(&s->silence, &seen, JP_SILENCE_HEARD))
		;
}

/*
 * The device went down (process context, conf_lock held): nothing is sent
 * or decrypted, so a silence being counted would only measure that. It is
 * forgotten; one already told stays, and the first packet heard after the
 * device is up again tells RESUMED.
 */
void jp_silence_stop(struct jp_session *s)
{
	unsigned int seen = JP_SILENCE_UNHEARD;

	timer_delete_sync(&s->silence_timer);
	try_cmpxchg(&s->silence, &seen, JP_SILENCE_HEARD);
}

/*
 * Transmit (BH off, under RCU), @s seen HEARD: the first packet since the
 * last rx. Of CPUs sending at once, one moves the state and arms the timer.
 */
void jp_silence_start(struct jp_session *s)
{
	unsigned int seen = JP_SILENCE_HEARD;
	unsigned long now = jiffies;

	/* Before the state: the timer reads it once it sees UNHEARD. */
	WRITE_ONCE(s->unheard_since, now);
	if (!try_cmpxchg(&s->silence, &seen, JP_SILENCE_UNHEARD))
		return;
	/*
	 * A pending timer fires at an earlier silence's due time, at the
	 * latest at this one's, and waits on. After the session left its
	 * table the timer is shut down and this is a no-op.
	 */
	if (!timer_pending(&s->silence_timer))
		mod_timer(&s->silence_timer,
			  now + msecs_to_jiffies(READ_ONCE(s->silence_ms)));
}

/*
 * Receive (softirq, under RCU), @s seen @seen (UNHEARD or SILENT): the
 * packet answers what was sent. After a SILENT, RESUMED tells so.
 */
void jp_silence_heard(struct jp_session *s, unsigned int seen)
{
	struct sk_buff *msg;
	void *hdr;

	if (seen == JP_SILENCE_UNHEARD) {
		/* The usual case: answered before the silence was due. */
		if (try_cmpxchg(&s->silence, &seen, JP_SILENCE_HEARD))
			return;
		/* Otherwise the timer told SILENT just now, or it was reset. */
		if (seen != JP_SILENCE_SILENT)
			return;
	}
	/* Built first: if it cannot be, stay SILENT for the next packet. */
	if (jp_silence_msg(s, JUMPING_LIVENESS_RESUMED, &msg, &hdr))
		return;
	if (!try_cmpxchg(&s->silence, &seen, JP_SILENCE_HEARD)) {
		/* Another CPU's packet told it, or it was reset. */
		nlmsg_free(msg);
		return;
	}
	jp_silence_send(s, msg, hdr);
}

/*
 * For SESSION_GET: since when @s sends unheard (UNHEARD or SILENT), into
 * *@ms, and whether SILENT was told. Return: false if it does not.
 */
bool jp_silence_unheard_ms(struct jp_session *s, u64 *ms, bool *silent)
{
	/* Acquire: the start time was written before the state. */
	unsigned int seen = smp_load_acquire(&s->silence);

	if (seen < JP_SILENCE_UNHEARD)
		return false;
	*ms = jp_age_ms(jiffies, READ_ONCE(s->unheard_since));
	*silent = seen == JP_SILENCE_SILENT;
	return true;
}
