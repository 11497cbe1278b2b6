// SPDX-License-Identifier: GPL-2.0
/*
 * PROBE and ECHO as a conversation (probe.h has the messages,
 * docs/multipath.md "Probe and echo"):
 * - prober (the mover): a PROBE on a path when the policy says so, with
 *   its own counter (one sequence for all paths, fresh across restarts)
 *   and the path's sequence number; an ECHO is taken only on the path its
 *   probe went out on, and its token kept for a SWITCH to that path.
 * - responder: MAC, the counter's window (a replayed probe gets nothing),
 *   the session's probe budget, then one ECHO to the probe's source from
 *   the address it came to: 76 bytes for 56, with a token for that
 *   source.
 */
#include <string.h>
#include "jumpd.h"
#include "probe.h"
#include "probe_token.h"

void jd_probe_send(struct jd *d, struct jd_peer *p, unsigned int path,
		   uint64_t now_us)
{
	struct jd_path_entry *e = &p->paths.e[path];
	uint8_t msg[JP_PROBE_LEN];
	const uint8_t *token = NULL;
	uint32_t seq;
	size_t len;

	p->mp.probe_counter = jp_reattach_counter_from_time(jd_wall_us(),
							    p->mp.probe_counter);
	seq = jp_path_probe_sent(&e->st, now_us);
	if (e->token_us)
		token = e->token;
	len = jp_probe_encode_probe(msg, p->ctl.cur.reattach,
				    jp_ctl_dir_out(&p->ctl.cur), p->remote_id,
				    p->mp.probe_counter, seq, token);
	if (jk_packet_send(&d->k, msg, len, &e->addr.remote, &e->addr.local))
		jd_debug(d, "peer %s: probe on path %u: %s", p->conf.name, path,
			 jk_error(&d->k));
}

void jd_probe_on_echo(struct jd *d, struct jd_peer *p,
		      const struct jk_event *ev)
{
	uint64_t now = jd_now_us();
	struct jp_probe_msg m;
	struct jp_mac_keys mk;
	enum jp_echo_verdict v;
	unsigned int i;

	if (!p->initiator ||
	    jp_probe_verify_echo(ev->packet, ev->packet_len, jd_ctl_rx(p, &mk),
				 p->local_id, &m) != JP_REATTACH_OK) {
		d->probe_refused++;
		return;
	}
	jd_ctl_heard(d, p, &mk);
	/* The path it came over, which must be the one its probe took. */
	for (i = 0; i < p->paths.n; i++)
		if (jd_path_carried(&p->paths.e[i].addr, ev))
			break;
	if (i == p->paths.n) {
		d->probe_refused++;
		return;
	}
	v = jp_path_echo(&p->paths.e[i].st, &p->mp.policy.pp, m.path_seq, now);
	if (v != JP_ECHO_OK && v != JP_ECHO_LATE)
		return;
	memcpy(p->paths.e[i].token, m.token, sizeof(p->paths.e[i].token));
	p->paths.e[i].token_us = now;
	p->mp.next_us = 0;
}

void jd_probe_on_probe(struct jd *d, struct jd_peer *p,
		       const struct jk_event *ev)
{
	uint8_t msg[JP_ECHO_LEN], token[JP_PROBE_TOKEN_LEN];
	uint64_t now = jd_now_ms();
	struct jp_probe_msg m;
	struct jp_mac_keys mk;
	size_t len;

	if (jp_probe_verify_probe(ev->packet, ev->packet_len, jd_ctl_rx(p, &mk),
				  p->local_id, &p->probe_window,
				  &m) != JP_REATTACH_OK) {
		d->probe_refused++;
		return;
	}
	jd_ctl_heard(d, p, &mk);
	if (!jp_window_allow(&p->probe_budget, now)) {
		d->probe_refused++;
		return;
	}
	jp_probe_token_make(&d->probe_tokens, now, p->local_id, &ev->from,
			    token);
	len = jp_probe_encode_echo(msg, p->ctl.cur.reattach,
				   jp_ctl_dir_out(&p->ctl.cur), p->remote_id,
				   m.counter, m.path_seq, &ev->from, token);
	if (jk_packet_send(&d->k, msg, len, &ev->from, &ev->to))
		jd_debug(d, "peer %s: echo: %s", p->conf.name, jk_error(&d->k));
}
