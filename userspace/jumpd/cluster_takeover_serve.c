// SPDX-License-Identifier: GPL-2.0
/*
 * Takeover, step 3 (docs/cluster.md, "Takeover"): a session this
 * clustered gateway has just won in etcd is served. It is rebuilt from
 * its record: in the kernel with the owner's ids, the REQUEST's source
 * as its binding and no data key (data keys are never shared); in jumpd
 * with the record's REATTACH keys and both counter floors. Then BIRTH ->
 * RECOVERING (taken-over, reason gateway-takeover), and the REQUEST that
 * won it is validated as any other (a CHALLENGE under the record's keys,
 * sent once etcd holds the raised floor; the RESPONSE from the new path).
 * Validated, the takeover rekey runs at once with the handshake's roles
 * swapped (hs_flow.c, JP_HS_FLAG_TAKEOVER); data flows when it is done,
 * and that is audited gateway-takeover on both sides.
 */
#include <string.h>
#include <sodium.h>
#include "cluster_record.h"
#include "hs_msg.h"
#include "jumping_names.h"
#include "jumpd.h"

/* Asked over this many times, until its REQUEST comes. */
#define ORPHAN_SOLICITS		4

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* The owner's REATTACH key sets, as it would have tried them. */
static void ring_from_record(struct jd_peer *p,
			     const struct jd_cluster_record *r)
{
	uint64_t now = jd_now_ms(), wall = jd_wall_us();

	p->ctl.has_next = r->has_next;
	if (r->has_next)
		p->ctl.next = r->next;
	/* The owner's deadline is on the wall clock: back to ours. */
	p->ctl.has_prev = r->has_prev && r->prev_until_wall_us > wall;
	if (p->ctl.has_prev) {
		p->ctl.prev = r->prev;
		p->ctl.prev_until_ms = now +
				       (r->prev_until_wall_us - wall) / 1000;
	}
}

/*
 * The session of r in the kernel and in jumpd, taken over. jumpd asks
 * and challenges the client at path; the kernel has no binding until
 * the path is validated, so the takeover rekey may run beside the
 * validation and still nothing is sent to an address not proven.
 */
static int rebuild(struct jd *d, struct jd_peer *p,
		   const struct jd_cluster_record *r, uint64_t version,
		   const struct jd_path *path)
{
	const struct jd_path unbound = { 0 };
	uint64_t sent = r->sent_floor;

	if (jd_session_kernel_new(d, p, r->local_id, r->remote_id, &unbound))
		return -1;
	jd_session_begin(d, p, r->local_id, r->remote_id, path, r->key_id,
			 &r->cur);
	ring_from_record(p, r);
	p->replay.highest = r->reattach_floor;
	p->replay.any = r->reattach_floor_any;
	/* The client takes only counters above what the owner sent. */
	p->solicit_counter = max_u64(p->solicit_counter, sent);
	p->confirm_counter = max_u64(p->confirm_counter, sent);
	p->reattach_counter = max_u64(p->reattach_counter, sent);
	p->mp.probe_counter = max_u64(p->mp.probe_counter, sent);
	if (jp_hs_timestamp_newer(r->last_ts, p->last_ts))
		memcpy(p->last_ts, r->last_ts, sizeof(p->last_ts));
	/*
	 * The client sends under the record's key id, or under the pending
	 * one if it swapped to it: the takeover rekey's (this one + 1)
	 * must be neither.
	 */
	p->key_id = r->has_next ? r->swap_key_id : r->key_id;
	/* Its record is written again from here, above the version won. */
	sodium_memzero(p->cluster_record_digest,
		       sizeof(p->cluster_record_digest));
	p->cluster_written_version = version;
	p->taking_over = true;
	if (!jd_apply(d, p, JP_EV_TAKEN_OVER, NULL)) {
		jd_session_forget(d, p, true);
		return -1;
	}
	return 0;
}

int jd_takeover_serve(struct jd *d, struct jd_peer *p,
		      const struct jd_cluster_record *r, uint64_t version,
		      const struct jk_event *request)
{
	struct jd_path path = { .remote = request->from,
				.local = request->to };

	if (rebuild(d, p, r, version, &path))
		return -1;
	jd_reattach_on_taken_request(d, p, request);
	return 0;
}

/*
 * Where the owner last saw the client; from this gateway's address the
 * client's NAT may not let the SOLICIT in, and then its own REATTACH
 * (after VolatileAfter) finds the session here, taken over already.
 */
int jd_takeover_serve_orphan(struct jd *d, struct jd_peer *p,
			     const struct jd_cluster_record *r,
			     uint64_t version)
{
	struct jd_path path = { .remote = r->binding };

	if (rebuild(d, p, r, version, &path))
		return -1;
	/* The client asked over first: the rekey's DH takes a while. */
	jd_reattach_solicit(d, p, &p->cur.remote);
	p->solicits_left = ORPHAN_SOLICITS - 1;
	p->solicit_next_ms = jd_now_ms() + JD_SOLICIT_AGAIN_MS;
	/*
	 * The rekey at once, beside the SOLICITs and the validation: to the
	 * address the owner saw, not one a REQUEST claims (a REQUEST's
	 * source waits for its CHALLENGE's answer: the 3x budget).
	 */
	jd_hs_start(d, p, true);
	jd_touch(d, p);
	return 0;
}

void jd_takeover_keyed(struct jd *d, struct jd_peer *p)
{
	if (!p->taking_over)
		return;
	p->taking_over = false;
	jd_session_set_keepalive(d, p);
	jd_log("peer %s session %u: taken over, rekeyed: key id %u",
	       p->conf.name, p->local_id, p->key_id);
	jd_audit_event(d, p, "gateway-takeover",
		       JUMPING_REASON_GATEWAY_TAKEOVER, &p->cur.remote,
		       &p->cur.remote);
}
