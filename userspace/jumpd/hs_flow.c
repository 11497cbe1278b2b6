// SPDX-License-Identifier: GPL-2.0
/*
 * Handshakes over control datagrams: the initiator (the side with an
 * Endpoint) sends initiations on its candidate paths with backoff and
 * installs the session on the response; the responder checks mac1 and its
 * budget before any DH, then the timestamp, installs, and answers. A
 * handshake for an existing session is a rekey (docs/handshake.md).
 */
#include <string.h>
#include <time.h>
#include <sodium.h>
#include "jumpd.h"

#define HS_RETRY_FIRST_MS	500
#define HS_RETRY_MAX_MS		3000
#define CONFIRM_COPIES		3

static uint64_t backoff(unsigned int tries)
{
	uint64_t ms = HS_RETRY_FIRST_MS;

	while (tries-- > 1 && ms < HS_RETRY_MAX_MS)
		ms *= 2;
	return ms < HS_RETRY_MAX_MS ? ms : HS_RETRY_MAX_MS;
}

static void send_initiation(struct jd *d, struct jd_peer *p, uint64_t now)
{
	struct jd_initiation *in = &p->init;
	struct jp_hs_init_payload pl = { 0 };
	uint8_t msg[JP_HS_INIT_WIRE_LEN];
	struct timespec wall;
	char ps[160];

	if (in->rekey) {
		in->sent_on = p->cur;
	} else {
		/* No answer on any path (or no path yet): ask DNS again. */
		if (!p->paths.n || in->tries >= p->paths.n)
			jd_dns_refresh_soon(p, now);
		if (!p->paths.n) {
			in->next_ms = now + HS_RETRY_MAX_MS;
			return;
		}
		in->sent_on = p->paths.e[in->path % p->paths.n].addr;
	}
	clock_gettime(CLOCK_REALTIME, &wall);
	jp_hs_timestamp(pl.timestamp, (uint64_t)wall.tv_sec,
			(uint32_t)wall.tv_nsec);
	pl.sender_id = in->local_id;
	pl.key_id = in->key_id;
	/* A new handshake beside our session is the REATTACH fallback. */
	pl.flags = in->rekey ? JP_HS_FLAG_REKEY :
		   p->has_session ? JP_HS_FLAG_RESUME : 0;
	/* A session taken over has no data key: the client learns why. */
	if (in->rekey && p->taking_over)
		pl.flags |= JP_HS_FLAG_TAKEOVER;
	jp_hs_wipe(&in->hs);
	if (jp_hs_initiate(&in->hs, d->priv, p->conf.public_key, p->psk, &pl,
			   msg)) {
		jd_log("peer %s: cannot build an initiation", p->conf.name);
		in->next_ms = now + HS_RETRY_MAX_MS;
		return;
	}
	memcpy(in->mac1, msg + JP_HS_INIT_LEN - JP_HS_MAC1_LEN,
	       JP_HS_MAC1_LEN);
	jd_hs_put_mac2(p, msg, now);
	in->tries++;
	in->next_ms = now + backoff(in->tries);
	jd_debug(d, "peer %s: %s initiation %u (try %u) to %s", p->conf.name,
		 in->rekey ? "rekey" : "handshake", in->local_id, in->tries,
		 jd_path_str(&in->sent_on, ps, sizeof(ps)));
	if (jk_packet_send(&d->k, msg, sizeof(msg), &in->sent_on.remote,
			   &in->sent_on.local))
		jd_debug(d, "peer %s: send on %s: %s", p->conf.name, ps,
			 jk_error(&d->k));
	/* The next try goes out on the next path. */
	if (!in->rekey)
		in->path++;
}

void jd_hs_start(struct jd *d, struct jd_peer *p, bool rekey)
{
	struct jd_initiation *in = &p->init;

	if (in->active && in->rekey == rekey)
		return;
	/* A clustered gateway out of its lease starts nothing. */
	if (!jd_cluster_may_serve(d))
		return;
	jp_hs_wipe(&in->hs);
	memset(in, 0, sizeof(*in));
	in->active = true;
	in->rekey = rekey;
	if (rekey) {
		in->local_id = p->local_id;
		in->key_id = (uint8_t)((p->key_id + 1) % (JUMPING_KEY_ID_MAX + 1));
	} else {
		in->local_id = jd_new_session_id(d);
		jd_index_id(d, in->local_id, p);
		in->path = p->paths.active;
	}
	send_initiation(d, p, jd_now_ms());
}

void jd_hs_start_fallback(struct jd *d, struct jd_peer *p)
{
	if (!p->initiator || (p->init.active && !p->init.rekey))
		return;
	jd_log("peer %s session %u: resume handshake beside the move, in case the peer lost the session",
	       p->conf.name, p->local_id);
	jd_hs_start(d, p, false);
}

void jd_hs_cancel_fallback(struct jd_peer *p)
{
	if (!p->has_session || !p->init.active || p->init.rekey)
		return;
	jp_hs_wipe(&p->init.hs);
	p->init.active = false;
}

/*
 * Either side rekeys: the initiator RekeyAfter after the last handshake,
 * the responder half as long again, only if the initiator has not (its
 * rekeys lost, or it is gone quiet), so the two rarely cross; when they
 * do, the initiator's wins (jd_hs_on_init). In any state but BIRTH: a
 * session in recovery keeps its key age bounded too.
 */
static uint64_t rekey_after(const struct jd_peer *p)
{
	return p->initiator ? p->conf.rekey_after_ms :
			      p->conf.rekey_after_ms / 2 * 3;
}

uint64_t jd_hs_tick(struct jd *d, struct jd_peer *p, uint64_t now)
{
	uint64_t rekey_at;

	/* Replaced control keys go at their bound at the latest. */
	jp_ctl_ring_expire(&p->ctl, now);
	if (p->initiator && !p->has_session && !p->init.active) {
		/* A clustered gateway out of its lease: look again soon. */
		if (!jd_cluster_may_serve(d))
			return now + 1000;
		jd_hs_start(d, p, false);
	}
	if (p->has_session && !p->init.active) {
		rekey_at = p->last_hs_ms + rekey_after(p);
		if (now < rekey_at || p->fsm.state == JUMPING_STATE_BIRTH)
			return rekey_at > now ? rekey_at : now + 1000;
		jd_log("peer %s session %u: rekey after %llu ms",
		       p->conf.name, p->local_id,
		       (unsigned long long)(now - p->last_hs_ms));
		jd_hs_start(d, p, true);
	}
	if (p->init.active && now >= p->init.next_ms)
		send_initiation(d, p, now);
	return p->init.active ? p->init.next_ms : UINT64_MAX;
}

/* ---- responder ---------------------------------------------------------- */

/*
 * Rekey: the new key goes to the secondary slot until the confirm. An
 * initiation with the key id we already hold pending is a retry: our
 * answer was lost, the peer never had that key, so it is replaced. One
 * with a newer key id means the peer had our answer and sends under
 * that key, and only its confirm was lost: swap to it first.
 */
static int respond_rekey(struct jd *d, struct jd_peer *p,
			 const struct jp_hs_init_payload *pl,
			 const struct jp_hs_keys *keys)
{
	if (p->swap_pending && pl->key_id != p->swap_key_id)
		jd_hs_swap(d, p);
	if (jk_key_new(&d->k, p->local_id, JUMPING_KEY_SLOT_SECONDARY,
		       pl->key_id, keys->send, keys->recv,
		       jp_key_reject_after_ms(p->conf.rekey_after_ms))) {
		jd_log("peer %s: rekey KEY_NEW %u failed: %s", p->conf.name,
		       p->local_id, jk_error(&d->k));
		return -1;
	}
	/* A retry replaces a pending key: the primary's age stays. */
	if (!p->swap_pending)
		p->primary_made_ms = p->last_hs_ms;
	p->swap_pending = true;
	p->swap_key_id = pl->key_id;
	/* Its control keys wait with it: the initiator sends under them. */
	jp_ctl_ring_set_next(&p->ctl, &keys->ctl);
	p->last_hs_ms = jd_now_ms();
	jd_apply(d, p, JP_EV_HANDSHAKE_DONE, NULL);
	return 0;
}

void jd_hs_on_init(struct jd *d, const struct jk_event *ev)
{
	struct jp_hs_init_payload pl;
	struct jp_hs_resp_payload rp;
	uint8_t pub[32], msg[JP_HS_RESP_LEN];
	struct jp_hs_keys keys;
	struct jd_peer *p;
	struct jp_hs hs;
	struct jd_path path = { .local = ev->to, .remote = ev->from };
	uint64_t now = jd_now_ms();
	char from[JP_BINDING_STRLEN];
	uint32_t id;

	jp_binding_str(&ev->from, from);
	/* A clustered gateway out of its lease answers nothing, at no cost. */
	if (!jd_cluster_may_serve(d)) {
		jd_debug(d, "initiation from %s: not serving (cluster)", from);
		return;
	}
	/* One hash, no DH: drop what was not made for our public key. */
	if (ev->packet_len != JP_HS_INIT_WIRE_LEN ||
	    !jp_hs_init_shape_ok(ev->packet, JP_HS_INIT_LEN) ||
	    !jp_hs_mac1_ok(ev->packet, JP_HS_INIT_LEN, d->mac1_key)) {
		jd_debug(d, "initiation from %s: bad shape or mac1", from);
		return;
	}
	/* The budget: a flood costs us at most this many DHs a second. */
	if (!jd_hs_admit(d, ev, now))
		return;
	if (jp_hs_respond_read(&hs, d->priv, ev->packet, JP_HS_INIT_LEN, pub,
			       &pl)) {
		jd_debug(d, "initiation from %s: does not decrypt", from);
		return;
	}
	p = jd_peer_by_pub(d, pub);
	if (!p) {
		jd_log("initiation from %s: unknown public key", from);
		goto out;
	}
	if (!jp_hs_timestamp_newer(pl.timestamp, p->last_ts)) {
		jd_log("peer %s: initiation from %s replayed (old timestamp), dropped",
		       p->conf.name, from);
		goto out;
	}
	if ((pl.flags & JP_HS_FLAG_REKEY) &&
	    (!p->has_session || pl.sender_id != p->remote_id ||
	     pl.key_id == p->key_id)) {
		jd_log("peer %s: rekey from %s for no session of ours, dropped",
		       p->conf.name, from);
		goto out;
	}
	if ((pl.flags & JP_HS_FLAG_REKEY) && p->init.active && p->init.rekey) {
		if (p->initiator) {
			jd_log("peer %s: its rekey crosses ours, ours goes on",
			       p->conf.name);
			goto out;
		}
		/* The initiator's rekey wins over ours. */
		jp_hs_wipe(&p->init.hs);
		p->init.active = false;
	}
	/* Clustered: its session may live on another gateway. */
	if ((pl.flags & JP_HS_FLAG_RESUME) && !p->has_session &&
	    jd_cluster_resume_wait(d, p, ev))
		goto out;
	memcpy(p->last_ts, pl.timestamp, sizeof(p->last_ts));
	if ((pl.flags & JP_HS_FLAG_RESUME) && p->has_session &&
	    p->fsm.state != JUMPING_STATE_BIRTH) {
		/* We still have it: the peer's REATTACH will reach us. */
		jd_log("peer %s: resume handshake from %s while session %u lives, not answered",
		       p->conf.name, from, p->local_id);
		jd_persist_save(d, p);
		jd_cluster_session_changed(d, p);
		goto out;
	}
	id = pl.flags & JP_HS_FLAG_REKEY ? p->local_id : jd_new_session_id(d);
	rp.sender_id = id;
	rp.receiver_id = pl.sender_id;
	if (jp_hs_respond_write(&hs, p->psk, pub, &rp, msg, &keys)) {
		jd_log("peer %s: cannot answer the initiation", p->conf.name);
		goto out;
	}
	if (pl.flags & JP_HS_FLAG_REKEY) {
		/* A retry (our message 2 lost) is the same takeover. */
		bool retry = p->swap_pending && p->swap_key_id == pl.key_id;

		/* No answer for a key we could not install. */
		if (respond_rekey(d, p, &pl, &keys))
			goto out;
		path = p->cur;
		if ((pl.flags & JP_HS_FLAG_TAKEOVER) && !retry) {
			/* Another gateway of the cluster has our session. */
			jd_log("peer %s session %u: taken over by the gateway at %s, which rekeys it",
			       p->conf.name, p->local_id, from);
			jd_audit_event(d, p, "gateway-takeover",
				       JUMPING_REASON_GATEWAY_TAKEOVER,
				       &p->cur.remote, &ev->from);
		}
	} else {
		if (p->has_session) {
			/*
			 * The peer started over (restart, lost state), or,
			 * in BIRTH, retried before it had our answer.
			 */
			jd_log("peer %s: new handshake replaces session %u",
			       p->conf.name, p->local_id);
			jd_apply(d, p, JP_EV_SUPERSEDED, NULL);
			jd_session_forget(d, p, true);
		}
		if (jd_session_install(d, p, id, pl.sender_id, &path,
				       pl.key_id, &keys))
			goto out;
	}
	if (jk_packet_send(&d->k, msg, sizeof(msg), &ev->from, &ev->to))
		jd_log("peer %s: cannot send the response: %s", p->conf.name,
		       jk_error(&d->k));
	jd_persist_save(d, p);
	jd_cluster_session_changed(d, p);
out:
	sodium_memzero(&keys, sizeof(keys));
	jp_hs_wipe(&hs);
}

/* ---- initiator, message 2 ---------------------------------------------- */

static void send_confirm(struct jd *d, struct jd_peer *p)
{
	uint8_t msg[JP_HS_CONFIRM_LEN];
	int i;

	/* Grows across restarts, as the REATTACH counter does. */
	p->confirm_counter = jp_reattach_counter_from_time(jd_wall_us(),
							   p->confirm_counter);
	/* Under the confirm key of the handshake it confirms: ours now. */
	jp_hs_confirm_encode(msg, p->ctl.cur.confirm,
			     jp_ctl_dir_out(&p->ctl.cur), p->remote_id,
			     p->key_id, p->confirm_counter);
	/* Copies, not retransmits: a lost confirm only delays the swap. */
	for (i = 0; i < CONFIRM_COPIES; i++)
		jk_packet_send(&d->k, msg, sizeof(msg), &p->cur.remote,
			       &p->cur.local);
}

void jd_hs_on_resp(struct jd *d, const struct jk_event *ev)
{
	struct jp_hs_resp_payload pl;
	struct jp_hs_keys keys;
	struct jd_initiation *in;
	struct jd_peer *p;
	struct jp_hs hs;
	uint32_t rid;

	if (!jd_cluster_may_serve(d) ||
	    !jp_hs_resp_shape_ok(ev->packet, ev->packet_len, &rid))
		return;
	p = jd_peer_by_init_id(d, rid);
	if (!p || !jp_hs_mac1_ok(ev->packet, ev->packet_len, d->mac1_key))
		return;
	in = &p->init;
	/* On the path the initiation went out on, or a copy moved. */
	if (!jd_path_carried(&in->sent_on, ev)) {
		jd_debug(d, "peer %s: handshake response on another path, dropped",
			 p->conf.name);
		return;
	}
	/*
	 * On a copy: a response to an earlier initiation of ours (or a
	 * forgery) must not poison the handshake the right one will finish.
	 */
	hs = in->hs;
	if (jp_hs_initiator_finish(&hs, ev->packet, ev->packet_len, &pl,
				   &keys) || pl.receiver_id != in->local_id) {
		jd_log("peer %s: handshake response does not verify (an older try, or a PresharedKey mismatch)",
		       p->conf.name);
		return;
	}
	jp_hs_wipe(&in->hs);
	in->active = false;
	if (in->rekey) {
		if (!p->has_session || pl.sender_id != p->remote_id) {
			jd_log("peer %s: rekey response for another session",
			       p->conf.name);
			goto out;
		}
		/* Both hold the new key now: we may send with it. */
		if (jk_key_new(&d->k, p->local_id, JUMPING_KEY_SLOT_SECONDARY,
			       in->key_id, keys.send, keys.recv,
			       jp_key_reject_after_ms(p->conf.rekey_after_ms)) ||
		    jk_key_swap(&d->k, p->local_id)) {
			jd_log("peer %s: rekey install failed: %s",
			       p->conf.name, jk_error(&d->k));
			goto out;
		}
		p->key_id = in->key_id;
		/* The control keys go with the data keys; the old stay. */
		jp_ctl_ring_rotate(&p->ctl, &keys.ctl, jd_now_ms(),
				   jd_ctl_keep_ms(p, p->last_hs_ms));
		p->last_hs_ms = jd_now_ms();
		send_confirm(d, p);
		jd_apply(d, p, JP_EV_HANDSHAKE_DONE, NULL);
		jd_takeover_keyed(d, p);
		jd_persist_save(d, p);
		jd_cluster_session_changed(d, p);
	} else {
		if (p->has_session) {
			/* It answered a resume: it no longer had our session. */
			jd_log("peer %s: the peer lost session %u, a new one replaces it",
			       p->conf.name, p->local_id);
			if (!jd_apply(d, p, JP_EV_PEER_LOST, NULL))
				jd_apply(d, p, JP_EV_SUPERSEDED, NULL);
			jd_session_forget(d, p, true);
		}
		p->paths.active = in->path ? in->path - 1 : 0;
		if (p->paths.n)
			p->paths.active %= p->paths.n;
		if (!jd_session_install(d, p, in->local_id, pl.sender_id,
					&in->sent_on, in->key_id, &keys)) {
			jd_log("peer %s: session %u up on %s (peer id %u)",
			       p->conf.name, p->local_id,
			       jp_binding_str(&in->sent_on.remote,
					      (char[JP_BINDING_STRLEN]){ 0 }),
			       p->remote_id);
			/* The responder waits for this (or data) in BIRTH. */
			send_confirm(d, p);
		}
	}
out:
	sodium_memzero(&keys, sizeof(keys));
	jp_hs_wipe(&hs);
}

/*
 * How long the control keys of the primary data key stay good for the
 * peer once they are replaced: as long as that data key (made at
 * made_ms) has left before its hard age.
 */
uint64_t jd_ctl_keep_ms(const struct jd_peer *p, uint64_t made_ms)
{
	uint64_t until = made_ms +
			 jp_key_reject_after_ms(p->conf.rekey_after_ms);
	uint64_t now = jd_now_ms();

	return until > now ? until - now : 0;
}

/* prev past its time is no candidate, whether or not wiped yet. */
struct jp_mac_keys *jd_ctl_rx(const struct jd_peer *p, struct jp_mac_keys *mk)
{
	jp_ctl_ring_rx_reattach(&p->ctl, jd_now_ms(), mk);
	return mk;
}

void jd_ctl_heard(struct jd *d, struct jd_peer *p,
		  const struct jp_mac_keys *mk)
{
	enum jp_ctl_which which = mk->which[mk->used];

	/* Under the pending keys: the peer swapped; its confirm was lost. */
	if (which == JP_CTL_NEXT) {
		jd_log("peer %s session %u: REATTACH under the new keys, the confirm was lost: swapping",
		       p->conf.name, p->local_id);
		if (jd_hs_swap(d, p))
			return;
		which = JP_CTL_CUR;
	}
	jp_ctl_ring_heard(&p->ctl, which);
}

/*
 * The peer sends under the secondary key and its control keys: swap to
 * them (its confirm, or a REATTACH message under them, says so).
 */
int jd_hs_swap(struct jd *d, struct jd_peer *p)
{
	if (!p->swap_pending)
		return 0;
	if (jk_key_swap(&d->k, p->local_id)) {
		jd_log("peer %s: KEY_SWAP %u failed: %s", p->conf.name,
		       p->local_id, jk_error(&d->k));
		return -1;
	}
	p->key_id = p->swap_key_id;
	p->swap_pending = false;
	/*
	 * The primary's handshake time is not kept across a restart: then
	 * the pending key's stands in, a bound later by at most one rekey.
	 */
	jp_ctl_ring_swap(&p->ctl, jd_now_ms(),
			 jd_ctl_keep_ms(p, p->primary_made_ms ?
					p->primary_made_ms : p->last_hs_ms));
	p->primary_made_ms = 0;
	jd_log("peer %s session %u: now sending with key id %u",
	       p->conf.name, p->local_id, p->key_id);
	/* A takeover whose rekey the client's crossed and won. */
	jd_takeover_keyed(d, p);
	jd_persist_save(d, p);
	jd_cluster_session_changed(d, p);
	return 0;
}

void jd_hs_on_confirm(struct jd *d, const struct jk_event *ev)
{
	struct jp_mac_keys mk;
	struct jd_peer *p;
	uint64_t counter;
	uint32_t id;
	uint8_t kid;

	if (ev->packet_len != JP_HS_CONFIRM_LEN)
		return;
	id = (uint32_t)ev->packet[4] << 24 | (uint32_t)ev->packet[5] << 16 |
	     (uint32_t)ev->packet[6] << 8 | ev->packet[7];
	p = jd_peer_by_local_id(d, id);
	if (!p)
		return;
	jp_ctl_ring_expire(&p->ctl, jd_now_ms());
	jp_ctl_ring_rx_confirm(&p->ctl, jd_now_ms(), &mk);
	if (jp_hs_confirm_decode(ev->packet, ev->packet_len, &mk, id, &kid,
				 &counter) ||
	    counter <= p->confirm_highest)
		return;
	p->confirm_highest = counter;
	if (p->fsm.state == JUMPING_STATE_BIRTH && kid == p->key_id &&
	    mk.which[mk.used] == JP_CTL_CUR) {
		/* The initiator has this handshake's keys: done. */
		jd_apply(d, p, JP_EV_HANDSHAKE_DONE, &p->cur);
		return;
	}
	/* Only the confirm of the pending rekey, under its keys, swaps. */
	if (!p->swap_pending || kid != p->swap_key_id ||
	    mk.which[mk.used] != JP_CTL_NEXT)
		return;
	jd_hs_swap(d, p);
}

void jd_hs_on_key_exhausted(struct jd *d, struct jd_peer *p)
{
	jd_log("peer %s session %u: key exhausted, rekeying", p->conf.name,
	       p->local_id);
	jd_hs_start(d, p, true);
}
