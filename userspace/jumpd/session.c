// SPDX-License-Identifier: GPL-2.0
/*
 * A peer's session: installed after a handshake, moved along the state
 * machine, and every applied transition told to the kernel (SESSION_SET,
 * which multicasts STATE_NTF), the audit log and stderr.
 */
#include <string.h>
#include <sodium.h>
#include "jumping_names.h"
#include "jumpd.h"

int jd_session_kernel_new(struct jd *d, struct jd_peer *p, uint32_t local_id,
			  uint32_t remote_id, const struct jd_path *path)
{
	struct jk_session_new s = {
		.id = local_id, .peer_id = remote_id,
		.remote = path->remote, .local = path->local,
		.prefixes = p->conf.allowed_ips,
		.n_prefixes = p->conf.n_allowed_ips,
		/* Its silence tells us of a quiet binding (supervise.c). */
		.silence_ms = jd_silence_default_ms(p),
	};

	if (jk_session_new(&d->k, &s)) {
		jd_log("peer %s: SESSION_NEW %u failed: %s", p->conf.name,
		       local_id, jk_error(&d->k));
		return -1;
	}
	return 0;
}

void jd_session_set_keepalive(struct jd *d, struct jd_peer *p)
{
	if (p->conf.keepalive_ms &&
	    jk_session_set_keepalive(&d->k, p->local_id,
				     (uint32_t)p->conf.keepalive_ms))
		jd_log("peer %s: KEEPALIVE_MS on %u failed: %s", p->conf.name,
		       p->local_id, jk_error(&d->k));
}

void jd_session_begin(struct jd *d, struct jd_peer *p, uint32_t local_id,
		      uint32_t remote_id, const struct jd_path *path,
		      uint8_t key_id, const struct jp_ctl_keys *ctl)
{
	uint64_t now = jd_now_ms();

	p->has_session = true;
	p->local_id = local_id;
	jd_index_id(d, local_id, p);
	p->remote_id = remote_id;
	jp_fsm_init(&p->fsm, now);
	jp_ctl_ring_init(&p->ctl, ctl);
	p->key_id = key_id;
	p->swap_pending = false;
	p->primary_made_ms = 0;
	p->confirm_highest = 0;
	p->cur = *path;
	p->last_rx_ms = now;
	jd_mp_session_start(p);
	p->last_hs_ms = now;
	p->silence_set = true;
	p->silent = false;
	p->looked_ms = 0;
	jp_rx_age_reset(&p->rx_age);
	memset(&p->replay, 0, sizeof(p->replay));
	jd_reattach_reset(p);
	p->taking_over = false;
	p->solicits_left = 0;
}

int jd_session_install(struct jd *d, struct jd_peer *p, uint32_t local_id,
		       uint32_t remote_id, const struct jd_path *path,
		       uint8_t key_id, const struct jp_hs_keys *keys)
{
	if (jd_session_kernel_new(d, p, local_id, remote_id, path))
		return -1;
	if (jk_key_new(&d->k, local_id, JUMPING_KEY_SLOT_PRIMARY, key_id,
		       keys->send, keys->recv,
		       jp_key_reject_after_ms(p->conf.rekey_after_ms))) {
		jd_log("peer %s: KEY_NEW %u failed: %s", p->conf.name,
		       local_id, jk_error(&d->k));
		jk_session_del(&d->k, local_id);
		return -1;
	}
	jd_session_begin(d, p, local_id, remote_id, path, key_id, &keys->ctl);
	/* Keepalives only once there is a key to send them with. */
	jd_session_set_keepalive(d, p);
	/*
	 * The initiator took the response: the handshake is done. The
	 * responder waits in BIRTH for the first authenticated packet under
	 * the new keys (jd_supervise): until then a retried initiation of the
	 * same handshake may still replace it, and that is not a session
	 * that lived and died.
	 */
	jd_cluster_session_started(d, p);
	if (p->initiator)
		jd_apply(d, p, JP_EV_HANDSHAKE_DONE, path);
	return 0;
}

/*
 * The kernel first, on a copy of the state machine: if it refuses the new
 * binding or state, jumpd's view stays where the kernel's is.
 */
bool jd_apply(struct jd *d, struct jd_peer *p, enum jp_event ev,
	      const struct jd_path *nb)
{
	const struct jp_rule *rule = jp_state_rule(p->fsm.state, ev);
	bool binds = rule && rule->binds && nb;
	uint64_t now = jd_now_ms();
	struct jp_transition tr;
	struct jp_fsm next = p->fsm;
	char b1[JP_BINDING_STRLEN], b2[JP_BINDING_STRLEN];

	tr = jp_state_apply_bind(&next, ev, binds ? &nb->remote : NULL, now);
	if (tr.refused) {
		p->fsm.refused = next.refused;
		jd_debug(d, "peer %s session %u: %s refused in %s",
			 p->conf.name, p->local_id, jp_event_name(ev),
			 state_name(p->fsm.state));
		return false;
	}
	if (binds && ev == JP_EV_PATH_VALIDATED &&
	    jk_binding_set(&d->k, p->local_id, &nb->remote, &nb->local,
			   tr.reason)) {
		jd_log("peer %s: BINDING_SET %u refused, binding kept: %s",
		       p->conf.name, p->local_id, jk_error(&d->k));
		return false;
	}
	if (tr.audit && tr.new_state != JUMPING_STATE_TERMINATED &&
	    (tr.old_state != tr.new_state ||
	     tr.reason != JUMPING_REASON_NONE) &&
	    jk_session_set_state(&d->k, p->local_id, (uint8_t)tr.new_state,
				 (uint16_t)tr.reason)) {
		jd_log("peer %s: SESSION_SET %u refused, still %s: %s",
		       p->conf.name, p->local_id, state_name(p->fsm.state),
		       jk_error(&d->k));
		return false;
	}
	p->fsm = next;
	if (tr.old_state != tr.new_state)
		p->state_changes.n[tr.reason]++;
	/* A move (not the first binding): another remote or local address. */
	if (binds && jp_binding_is_set(&tr.old_binding) &&
	    (!jp_binding_equal(&p->cur.remote, &nb->remote) ||
	     !jp_binding_equal(&p->cur.local, &nb->local)))
		p->reattaches.n[tr.reason]++;
	if (binds) {
		int k = jd_paths_find(&p->paths, nb);

		p->cur = *nb;
		if (k >= 0)
			p->paths.active = (unsigned int)k;
		p->mp.next_us = 0;	/* the policy looks at its new path */
		p->last_rx_ms = now;	/* the path just proved itself */
		/* The kernel forgets the old binding's silence: no resumed. */
		p->silent = false;
		/* A new binding: its RX_AGE is not comparable with the old. */
		jp_rx_age_reset(&p->rx_age);
	}
	if (!tr.audit)
		return true;
	jd_audit_transition(d, p, &tr);
	jd_log("peer %s session %u: %s -> %s (%s) binding %s -> %s after %llu ms",
	       p->conf.name, p->local_id, state_name(tr.old_state),
	       state_name(tr.new_state), reason_name(tr.reason),
	       jp_binding_str(&tr.old_binding, b1),
	       jp_binding_str(&tr.new_binding, b2),
	       (unsigned long long)tr.time_in_old_ms);
	if (tr.new_state == JUMPING_STATE_TERMINATED) {
		/* The kernel hears the reason before the session goes. */
		jk_session_set_state(&d->k, p->local_id,
				     (uint8_t)tr.new_state,
				     (uint16_t)tr.reason);
		jd_session_forget(d, p, true);
	} else {
		jd_persist_save(d, p);
		jd_cluster_session_changed(d, p);
	}
	return true;
}

void jd_session_forget(struct jd *d, struct jd_peer *p, bool delete_kernel)
{
	if (!p->has_session)
		return;
	jd_cluster_session_ended(d, p->local_id);
	if (delete_kernel && jk_session_del(&d->k, p->local_id))
		jd_log("peer %s: SESSION_DEL %u: %s", p->conf.name,
		       p->local_id, jk_error(&d->k));
	jd_persist_remove(d, p->local_id);
	if (!(p->init.active && p->init.local_id == p->local_id &&
	      !p->init.rekey))
		jd_index_id_del(d, p->local_id, p);
	p->has_session = false;
	jp_ctl_ring_wipe(&p->ctl);
	jd_reattach_reset(p);
	if (p->init.active && p->init.rekey) {
		jp_hs_wipe(&p->init.hs);
		p->init.active = false;
	}
}
