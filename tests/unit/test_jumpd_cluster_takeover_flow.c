// SPDX-License-Identifier: GPL-2.0
/*
 * Takeover on REATTACH (userspace/jumpd/cluster_takeover_flow.c), linked
 * with cluster_flow.c and reattach_flow.c against the fakes of
 * cluster_fakes.c and a real etcd on 127.0.0.1 (etcd_server.c), three
 * gateways in one process, each with its runtime:
 *  - gateway A's sessions with their records, then gw-b gets a REQUEST
 *    for one: refused while A's lease lives;
 *  - A's lease revoked: refused with a bad MAC, a replayed counter, a
 *    peer it does not know, a record that does not open, no record;
 *  - accepted, the owner key created under gw-b's lease;
 *  - gw-b and gw-c racing for another: exactly one wins.
 * Every refusal audited (takeover-refused), and nothing sent to the
 * client.
 *
 * The rest of jumpd's side of the cluster is test_jumpd_cluster_flow.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#include "cluster.h"
#include "cluster_record.h"
#include "etcd.h"
#include "jumpd.h"
#include "etcd_server.h"
/* tap.h first: its is_str has a parameter named as cluster_fakes.h's got. */
#include "tap.h"
#include "cluster_fakes.h"

static struct jd gw_b, gw_c;
static struct jd_peer *peers_b[2], *peers_c[2];

static bool no_takeover_pending(struct jd *g)
{
	unsigned int i;

	for (i = 0; i < JD_TAKEOVERS; i++)
		if (g->takeovers[i].active)
			return false;
	return true;
}

static bool b_settled(void)
{
	return no_takeover_pending(&gw_b);
}

/* The gateway refused_by asks. */
static struct jd *asked;

static bool asked_settled(void)
{
	return no_takeover_pending(asked);
}

static bool b_challenged(void)
{
	return strstr(calls, "send:2 ") != NULL;
}

static bool no_resume_held(void)
{
	unsigned int i;

	for (i = 0; i < JD_RESUMES_HELD; i++)
		if (gw_c.held_resumes[i].active)
			return false;
	return true;
}

static bool b_and_c_settled(void)
{
	return no_takeover_pending(&gw_b) && no_takeover_pending(&gw_c);
}

static bool all_serving(void)
{
	unsigned int i;

	for (i = 0; i < n_gws; i++)
		if (!jd_cluster_may_serve(gws[i]))
			return false;
	return true;
}

/* A taker: node's config, alice and carol as peers, with no session. */
static bool start_taker(struct jd *g, struct jd_peer **ps, const char *url,
			const char *key_file, const char *node)
{
	static const uint8_t seed[16];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		ps[i] = calloc(1, sizeof(*ps[i]));
		if (!ps[i])
			return false;
		snprintf(ps[i]->conf.name, sizeof(ps[i]->conf.name), "%s",
			 i ? "carol" : "alice");
		memset(ps[i]->conf.public_key, 0x10 + 2 * i, 32);
		/* As peers.c's: what a REQUEST's policy looks at. */
		jp_window_init(&ps[i]->switches, 10, 60000);
		jp_rl_init(&ps[i]->rl, ps[i]->rl_slots, 2, 10, 1000, seed);
		ps[i]->conf.allowed_ips = &allowed[2 * i];
		ps[i]->conf.n_allowed_ips = 1;
	}
	g->peers = ps;
	g->n_peers = 2;
	g->cfg_path = "gw.conf";
	g->cfg = config_of(url, key_file, node);
	jp_rl_init(&g->ra_source, g->ra_source_slots, 256, 100, 1000, seed);
	if (!g->cfg || jd_cluster_open(g) || jd_cluster_start(g))
		return false;
	gws[n_gws++] = g;
	return true;
}

static void stop_taker(struct jd *g, struct jd_peer **ps)
{
	jd_cluster_close(g);
	jp_config_free(g->cfg);
	g->cfg = NULL;
	free(ps[0]);
	free(ps[1]);
	ps[0] = ps[1] = NULL;
}

/* A client's REQUEST for session under key, with counter, to g. */
static void request(struct jd *g, uint32_t session, const uint8_t *key,
		    uint64_t counter)
{
	static uint8_t msg[JP_REATTACH_REQUEST_LEN];
	struct jk_event ev = { .packet = msg, .packet_len = sizeof(msg) };

	ev.from.family = ev.to.family = AF_INET;
	memcpy(ev.from.addr, "\x7f\0\0\x09", 4);
	ev.from.port = 43000;
	memcpy(ev.to.addr, "\x7f\0\0\x01", 4);
	ev.to.port = 51820;
	jp_reattach_encode_request(msg, key, JP_DIR_I2R, session, counter,
				   &ev.from);
	jd_reattach_on_control(g, &ev);
}

/* The REQUEST to g, answered: what calls recorded, from "". */
static bool refused_by(struct jd *g, uint32_t session, const uint8_t *key,
		       uint64_t counter, const char *detail)
{
	char want[200];

	calls[0] = '\0';
	asked = g;
	request(g, session, key, counter);
	if (!loop_until(asked_settled, 10000))
		return false;
	snprintf(want, sizeof(want), ":takeover-refused:takeover-refused:%s ",
		 detail);
	if (!strstr(calls, want) || strstr(calls, "send:")) {
		printf("# calls: %s\n", calls);
		return false;
	}
	return true;
}

/*
 * gw-b won alice's session (100): it serves it. Rebuilt from the record
 * with the owner's ids and no key (RECOVERING, taken-over), its
 * CHALLENGE out once etcd holds the REQUEST's counter, the client's
 * RESPONSE validates the path and starts the takeover rekey; keyed,
 * audited gateway-takeover.
 */
static void test_served(uint64_t floor)
{
	struct jd_peer *alice_b = peers_b[0];
	uint8_t msg[JP_REATTACH_RESPONSE_LEN];
	struct jk_event ev = { .packet = msg, .packet_len = sizeof(msg) };
	uint64_t version = got_version;

	ok(strstr(calls, "kernel-new:100:200:unbound ") &&
	   strstr(calls, "apply:100:taken-over ") &&
	   !strstr(calls, "hs-start:") && alice_b->has_session &&
	   alice_b->local_id == 100 && alice_b->remote_id == 200 &&
	   alice_b->taking_over,
	   "won: rebuilt with the owner's ids, no key and no binding in the "
	   "kernel yet, taken over; no rekey to an address not validated");
	ok(!memcmp(alice_b->ctl.cur.reattach, peers[0]->ctl.cur.reattach, 32) &&
	   !memcmp(alice_b->last_ts, peers[0]->last_ts, 12) &&
	   alice_b->replay.highest == floor + 1 && alice_b->key_id == 1,
	   "its REATTACH keys, timestamp and key id from the record, the "
	   "REQUEST's counter its floor");
	ok(loop_until(b_challenged, 10000) && floor_at_challenge == floor + 1 &&
	   loop_until(alice_record_at, 10000) && got_version > version &&
	   got.state == JUMPING_STATE_RECOVERING,
	   "its CHALLENGE out once etcd holds the counter; gw-b's record "
	   "above the version taken over");

	ev.from.family = ev.to.family = AF_INET;
	memcpy(ev.from.addr, "\x7f\0\0\x09", 4);
	ev.from.port = 43000;
	memcpy(ev.to.addr, "\x7f\0\0\x01", 4);
	ev.to.port = 51820;
	calls[0] = '\0';
	jp_reattach_encode_response(msg, peers[0]->ctl.cur.reattach,
				    JP_DIR_I2R, 100, floor + 1, &ev.from,
				    alice_b->val.pending.nonce);
	jd_reattach_on_control(&gw_b, &ev);
	ok(strstr(calls, "apply:100:path-validated ") &&
	   strstr(calls, "hs-start:100:rekey ") &&
	   jp_binding_equal(&alice_b->cur.remote, &ev.from),
	   "the RESPONSE validates the path: the takeover rekey starts");
	calls[0] = '\0';
	jd_takeover_keyed(&gw_b, alice_b);
	jd_takeover_keyed(&gw_b, alice_b);
	ok(!alice_b->taking_over &&
	   !strcmp(calls, "keepalive:100 "
		   "event:100:gateway-takeover:gateway-takeover "),
	   "rekeyed: keepalives on, audited gateway-takeover, once");
}

/*
 * gw-c knows alice's session lives on gw-b (its REQUEST was refused,
 * owner alive): alice's resume handshake is not answered. Carol's, of
 * whom gw-c knows nothing, is held, then answered; held and then seen
 * in the cluster, it is not.
 */
static void test_resume_held(void)
{
	uint8_t msg[JP_HS_INIT_WIRE_LEN] = { 2 };
	struct jk_event ev = { .packet = msg, .packet_len = sizeof(msg) };
	struct jd_peer *carol_c = peers_c[1];
	uint64_t t0;

	ev.from.family = AF_INET;
	memcpy(ev.from.addr, "\x7f\0\0\x09", 4);
	ev.from.port = 43100;
	calls[0] = '\0';
	ok(jd_cluster_resume_wait(&gw_c, peers_c[0], &ev) && no_resume_held(),
	   "resume of a session gw-c saw owned by gw-b: not answered, not held");
	carol_c->has_session = false;
	carol_c->cluster_seen_ms = 0;
	t0 = jd_now_ms();
	ok(jd_cluster_resume_wait(&gw_c, carol_c, &ev) &&
	   jd_cluster_resume_wait(&gw_c, carol_c, &ev) && !no_resume_held(),
	   "resume of a peer gw-c knows nothing of: held (its retry too)");
	ok(loop_until(no_resume_held, 10000) &&
	   !strcmp(calls, "hs-init:43100 ") && jd_now_ms() - t0 >= 1500,
	   "no REATTACH of it within the hold: answered, once, after it");
	calls[0] = '\0';
	ok(jd_cluster_resume_wait(&gw_c, carol_c, &ev), "held again");
	carol_c->cluster_seen_ms = jd_now_ms();
	ok(loop_until(no_resume_held, 10000) && !strstr(calls, "hs-init"),
	   "its session seen in the cluster meanwhile: not answered");
	carol_c->cluster_seen_ms = 0;
}

/* Session 0x104 of alice, its owner gone: its record alone in etcd. */
static bool put_orphan_record(void)
{
	static const char *k = "/jumping/t/sessions/00000104/state";
	struct jd_cluster_record r = {
		.local_id = 0x104, .remote_id = 204,
		.state = JUMPING_STATE_ATTACHED, .key_id = 2,
		.reattach_floor = 5000, .reattach_floor_any = true,
		.sent_floor = 7000,
	};
	uint8_t enc[JD_RECORD_MAX_LEN], rec[JD_RECORD_MAX_LEN +
					   JD_SEALED_OVERHEAD];
	int n;

	memset(r.peer, 0x10, sizeof(r.peer));
	r.binding.family = AF_INET;
	memcpy(r.binding.addr, "\x7f\0\0\x0a", 4);
	r.binding.port = 43200;
	memset(r.last_ts, 0x33, sizeof(r.last_ts));
	memset(r.cur.reattach, 0xc4, sizeof(r.cur.reattach));
	memset(r.cur.confirm, 0xd4, sizeof(r.cur.confirm));
	n = jd_cluster_record_encode(enc, sizeof(enc), &r);
	return n > 0 &&
	       jd_seal(rec, enc, (size_t)n, k, 1, cluster_key) == 0 &&
	       etcd_put(etcd_cl, k, rec, (size_t)n + JD_SEALED_OVERHEAD, 0) ==
	       ETCD_OK;
}

static bool c_settled(void)
{
	return no_takeover_pending(&gw_c);
}

/*
 * The watch told gw-c that 0x104's owner key went with its lease: gw-c
 * takes the session before its client asks, rebuilt at the record's
 * binding, and asks the client over (SOLICIT, above the sent floor).
 * gw-b, told too, loses quietly.
 */
static void test_orphan(void)
{
	struct jd_peer *alice_c = peers_c[0];
	uint64_t now;

	alice_c->has_session = false;
	calls[0] = '\0';
	if (!ok(put_orphan_record(), "an orphan's record in etcd"))
		return;
	jd_cluster_takeover_orphan(&gw_c, 0x104);
	ok(loop_until(c_settled, 10000) &&
	   strstr(calls, "kernel-new:260:204:unbound ") &&
	   strstr(calls, "apply:260:taken-over ") &&
	   strstr(calls, "hs-start:260:rekey ") &&
	   strstr(calls, "gw-c:260:alice:takeover-owned:none:its owner's "
		  "lease ended; asking the client over ") &&
	   owner_key(0x104, jd_cluster_lease_id(gw_c.cluster)) == 1,
	   "an orphan: owned by gw-c, rebuilt, audited, no REQUEST needed");
	ok(alice_c->taking_over && alice_c->cur.remote.port == 43200 &&
	   strstr(calls, "send:5 ") && alice_c->solicit_counter > 7000 &&
	   alice_c->solicits_left > 0,
	   "at the record's binding, its client asked over at once (a "
	   "SOLICIT above the record's sent floor), and again later");
	calls[0] = '\0';
	now = jd_now_ms();
	jd_reattach_tick(&gw_c, alice_c, now + JD_SOLICIT_AGAIN_MS);
	ok(strstr(calls, "send:5 ") != NULL,
	   "the next SOLICIT when no REQUEST came");
	calls[0] = '\0';
	jd_cluster_takeover_orphan(&gw_b, 0x104);
	ok(loop_until(b_settled, 10000) && !strstr(calls, "gw-b:") &&
	   owner_key(0x104, jd_cluster_lease_id(gw_c.cluster)) == 1,
	   "gw-b told too: not taken, not audited (every gateway tries)");
	jd_cluster_takeover_orphan(&gw_c, 0x104);
	ok(no_takeover_pending(&gw_c),
	   "gw-c told again: its own session, nothing to do");
}

static void test_takeover(const char *url)
{
	struct jd_peer *alice = peers[0];
	const uint8_t *key = alice->ctl.cur.reattach;
	uint8_t wrong[32];
	const char *ep = url;
	char path[300], err[256], *won;
	uint64_t floor = 1764870000123456ull;
	int64_t deleted = 0;
	int b_owns, c_owns;

	snprintf(path, sizeof(path), "%s/cluster.key", tmp);
	etcd_cl = etcd_client_new(&ep, 1, 5000, 2000, err, sizeof(err));
	d.cfg = config(url, path);
	d.cfg_path = "gw.conf";
	if (!ok(etcd_cl && d.cfg && jd_cluster_open(&d) == 0 &&
		jd_cluster_start(&d) == 0 && loop_until(serving, 10000),
		"takeover: gateway A (gw-a) serving"))
		return;
	make_peers();
	/* Carol as 103, clear of 102, which test_owner_keys (the other
	 * program) gives another gateway. */
	peers[2]->local_id = 103;
	alice->replay.highest = floor;
	alice->replay.any = true;
	jd_cluster_session_started(&d, alice);
	jd_cluster_session_started(&d, peers[2]);
	want_version = 1;
	if (!ok(loop_until(alice_record_at, 10000) &&
		got.reattach_floor == floor && loop_until(alice_owned, 10000),
		"A owns alice's session 100, its record holds the floor"))
		return;
	if (!ok(start_taker(&gw_b, peers_b, url, path, "gw-b") &&
		start_taker(&gw_c, peers_c, url, path, "gw-c") &&
		loop_until(all_serving, 10000),
		"takers gw-b and gw-c serving"))
		return;

	ok(refused_by(&gw_b, 100, key, floor + 1, "owner alive: gw-a"),
	   "A's lease lives: refused, owner alive, no CHALLENGE");
	ok(owner_key(100, jd_cluster_lease_id(d.cluster)) == 1,
	   "A's owner key left alone");

	/* A dies: its lease revoked, and A no longer run. */
	ok(etcd_lease_revoke(etcd_cl, jd_cluster_lease_id(d.cluster)) ==
	   ETCD_OK && owner_key(100, 0) == 0, "A's lease revoked: its owner "
	   "keys gone, the records stay");
	gws[0] = &gw_c;
	gws[1] = &gw_b;
	n_gws = 2;

	memset(wrong, 0x5a, sizeof(wrong));
	ok(refused_by(&gw_b, 100, wrong, floor + 1, "bad proof"),
	   "a REQUEST under another key: refused, bad proof");
	ok(refused_by(&gw_b, 100, key, floor, "replayed counter"),
	   "a REQUEST at the record's floor: refused, replayed");
	gw_b.peers = &peers_b[1];	/* carol alone */
	gw_b.n_peers = 1;
	ok(refused_by(&gw_b, 100, key, floor + 1, "unknown peer"),
	   "a record of a peer gw-b does not have: refused, unknown peer");
	gw_b.peers = peers_b;
	gw_b.n_peers = 2;
	ok(etcd_put(etcd_cl, "/jumping/t/sessions/00000150/state",
		    "not sealed", 10, 0) == ETCD_OK &&
	   refused_by(&gw_b, 0x150, key, floor + 1, "record does not open"),
	   "a record that does not open: refused");
	{
		const char *k = "/jumping/t/sessions/00000152/state";
		uint8_t rec[12 + JD_SEALED_OVERHEAD];

		ok(jd_seal(rec, (const uint8_t *)"not a record", 12, k, 1,
			   cluster_key) == 0 &&
		   etcd_put(etcd_cl, k, rec, sizeof(rec), 0) == ETCD_OK &&
		   refused_by(&gw_b, 0x152, key, floor + 1, "record does not open"),
		   "sealed under the cluster key, but not a record: refused");
	}
	ok(refused_by(&gw_b, 0x151, key, floor + 1, "no record"),
	   "no record: refused");
	ok(owner_key(100, 0) == 0 && owner_key(0x150, 0) == 0 &&
	   owner_key(0x151, 0) == 0, "no owner key created by a refusal");

	calls[0] = '\0';
	want_version = got_version + 1;
	request(&gw_b, 100, key, floor + 1);
	ok(loop_until(b_settled, 10000) &&
	   owner_key(100, jd_cluster_lease_id(gw_b.cluster)) == 1 &&
	   strstr(calls, "gw-b:100:alice:takeover-owned:"),
	   "accepted: the owner key created under gw-b's lease, audited");
	test_served(floor);
	ok(refused_by(&gw_c, 100, key, floor + 3, "owner alive: gw-b"),
	   "taken: a REQUEST to gw-c is refused, the owner is gw-b");
	test_resume_held();

	/* gw-b ended it while fenced, its lease alive after all: the key
	 * stays; the client's next REQUEST has gw-b serve it again. */
	peers_b[0]->has_session = false;
	peers_b[0]->local_id = 0;
	calls[0] = '\0';
	request(&gw_b, 100, key, floor + 4);
	ok(loop_until(b_settled, 10000) &&
	   strstr(calls, "gw-b:100:alice:takeover-owned:") &&
	   strstr(calls, "kernel-new:100:200:unbound ") && peers_b[0]->has_session &&
	   owner_key(100, jd_cluster_lease_id(gw_b.cluster)) == 1,
	   "its own owner key of a session no longer here: served again");

	/* Carol's session (103), both takers at once. */
	calls[0] = '\0';
	request(&gw_b, 103, peers[2]->ctl.cur.reattach, 1);
	request(&gw_c, 103, peers[2]->ctl.cur.reattach, 1);
	ok(loop_until(b_and_c_settled, 10000), "two takers racing: settled");
	b_owns = owner_key(103, jd_cluster_lease_id(gw_b.cluster)) == 1;
	c_owns = owner_key(103, jd_cluster_lease_id(gw_c.cluster)) == 1;
	won = strstr(calls, ":103:carol:takeover-owned:");
	ok(b_owns + c_owns == 1 && won &&
	   !strstr(won + strlen(":103:carol:takeover-owned:"),
		   "takeover-owned"),
	   "exactly one wins, and says so once");
	printf("# %s\n", calls);
	/* Its lookup may also have come after the winner's create. */
	ok((b_owns && (strstr(calls, "gw-c:103:carol:takeover-refused:"
			      "takeover-refused:lost the create to gw-b") ||
		       strstr(calls, "gw-c:103:carol:takeover-refused:"
			      "takeover-refused:owner alive: gw-b"))) ||
	   (c_owns && (strstr(calls, "gw-b:103:carol:takeover-refused:"
			      "takeover-refused:lost the create to gw-c") ||
		       strstr(calls, "gw-b:103:carol:takeover-refused:"
			      "takeover-refused:owner alive: gw-c"))),
	   "the other refused, naming the winner (lost the create, or saw "
	   "it owned)");
	test_orphan();
	etcd_delete(etcd_cl, "/jumping/t/sessions/", true, &deleted);

	stop_taker(&gw_b, peers_b);
	stop_taker(&gw_c, peers_c);
	gws[0] = &d;
	n_gws = 1;
	jd_cluster_close(&d);
	jp_config_free(d.cfg);
	d.cfg = NULL;
	etcd_client_free(etcd_cl);
	etcd_cl = NULL;
}

/*
 * What test_takeover needs of test_jumpd_cluster_flow.c's tests, as
 * test_fencing used to leave it for it: the cluster key in its file and
 * here, and the peers allocated (test_takeover takes alice's before its
 * make_peers).
 */
static void setup(void)
{
	char path[300];

	make_peers();
	snprintf(path, sizeof(path), "%s/cluster.key", tmp);
	write_key(path, 0600);
	sodium_base642bin(cluster_key, sizeof(cluster_key),
			  "kFZx1oN4Ra2Hq7sV3iYkz0C9eLbWd6Tj8uMpQn5rXyE=", 44,
			  NULL, NULL, NULL, sodium_base64_VARIANT_ORIGINAL);
}

int main(void)
{
	const char *etcd = getenv("ETCD") ? getenv("ETCD") : "/usr/bin/etcd";
	const char *t = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char url[64];

	if (sodium_init() < 0)
		return 1;
	snprintf(tmp, sizeof(tmp), "%s/jumpd-cluster-takeover-flow-XXXXXX", t);
	if (!mkdtemp(tmp)) {
		ok(0, "a temporary directory");
		return tap_done();
	}
	setup();
	/* etcd there and started: the tests' ground, not a test of theirs. */
	if (access(etcd, X_OK)) {
		ok(0, "etcd is installed");
		printf("# no %s: install etcd-server (tests/install-deps)\n",
		       etcd);
	} else if (etcd_server_start(etcd, START_DEADLINE_MS, url,
				     sizeof(url))) {
		ok(0, "etcd started");
	} else {
		test_takeover(url);
		etcd_server_stop();
	}
	clean_up();
	return tap_done();
}
