// SPDX-License-Identifier: GPL-2.0
/*
 * jumpd's side of the cluster (userspace/jumpd/cluster_flow.c), linked
 * against fakes of the kernel layer, the logs and session.c, which record
 * what they were asked (cluster_fakes.c), and a real etcd on 127.0.0.1
 * (etcd_server.c):
 *  - without [Cluster]: nothing started, sessions always may be served;
 *  - a cluster key file others can read: refused, naming it;
 *  - with [Cluster]: not serving until the lease is granted; then, etcd
 *    stopped (SIGSTOP), fenced: every session ended with reason fenced,
 *    the audit line and the kernel's reason before the session goes, and
 *    nothing served until a lease again; etcd back with the lease
 *    expired: serving under a new lease;
 *  - a new session's owner key created under the lease, released when
 *    the session ends; a session whose id another gateway owns ended
 *    (takeover-refused);
 *  - its record written at the create and after each change (moved,
 *    rekeyed, either counter floor risen), each version read back from
 *    etcd, opened under the cluster key and holding the new fields;
 *    nothing written when nothing changed; gone with the session;
 *  - a REATTACH REQUEST (reattach_flow.c, linked too): its challenge sent
 *    only once etcd holds the record with its counter as the floor.
 *
 * Takeover (cluster_takeover_flow.c) is test_jumpd_cluster_takeover_flow.c's.
 */
#include <signal.h>
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

static void test_no_cluster(void)
{
	static const char text[] =
		"[Interface]\nPrivateKey = kFZx1oN4Ra2Hq7sV3iYkz0C9eLbWd6Tj8uMpQn5rXyE=\n"
		"[Peer]\nPublicKey = AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=\n"
		"AllowedIPs = 10.0.0.2/32\n";
	struct jp_conf_errors e;

	d.cfg = jp_config_parse_buf(text, strlen(text), "gw.conf", &e);
	ok(d.cfg && jd_cluster_open(&d) == 0 && jd_cluster_start(&d) == 0 &&
	   !d.cluster, "no [Cluster]: nothing started");
	ok(jd_cluster_may_serve(&d) && jd_cluster_pollfd(&d) == -1 &&
	   jd_cluster_tick(&d, 1000) == UINT64_MAX,
	   "no [Cluster]: always serving, no fd, no deadline");
	jd_cluster_close(&d);
	jp_config_free(d.cfg);
	d.cfg = NULL;
}

static void test_key_file(void)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/open.key", tmp);
	write_key(path, 0644);
	d.cfg = config("http://127.0.0.1:1", path);
	d.cfg_path = "gw.conf";
	ok(d.cfg && jd_cluster_open(&d) == -1 && !d.cluster &&
	   strstr(last_err, "gw.conf:3: ClusterKeyFile") &&
	   strstr(last_err, path) &&
	   strstr(last_err, "lets other users read a secret") &&
	   !strstr(last_err, "kFZx1oN4"),
	   "a cluster key others can read: refused, named, not shown");
	jp_config_free(d.cfg);
	d.cfg = NULL;
}

static bool fenced_out(void)
{
	return !jd_cluster_may_serve(&d);
}

static bool alice_released(void)
{
	return owner_key(100, jd_cluster_lease_id(d.cluster)) == 0;
}

static bool carol_ended(void)
{
	return !peers[2]->has_session;
}

static bool alice_record_gone(void)
{
	return read_record(100) == 0;
}

/* Wait for alice's next version; it must be exactly that one. */
static bool next_record(void)
{
	want_version = jd_cluster_version(d.cluster, 100);
	return loop_until(alice_record_at, 10000) &&
	       got_version == want_version;
}

static void test_records(void)
{
	struct jd_peer *p = peers[0];
	uint64_t wall;

	want_version = 1;
	if (!ok(loop_until(alice_record_at, 10000) && got_version == 1,
		"a new session's record: version 1, opens under the cluster key"))
		return;
	ok(got.local_id == 100 && got.remote_id == 200 &&
	   !memcmp(got.peer, p->conf.public_key, 32) &&
	   got.state == JUMPING_STATE_ATTACHED &&
	   got.binding.family == AF_INET && got.binding.port == 40000 &&
	   !memcmp(got.binding.addr, "\x7f\0\0\1", 4) && got.key_id == 1 &&
	   !memcmp(got.last_ts, p->last_ts, 12) &&
	   !memcmp(got.cur.reattach, p->ctl.cur.reattach, 32) &&
	   !memcmp(got.cur.confirm, p->ctl.cur.confirm, 32) &&
	   !got.has_next && !got.has_prev && got.reattach_floor == 0 &&
	   !got.reattach_floor_any && got.sent_floor == 0 &&
	   got.n_allowed == 1 && got.allowed[0].len == 32 &&
	   got.allowed[0].addr.v4.s_addr == htonl(0x0a000002),
	   "it holds the session as it is");

	jd_cluster_session_changed(&d, p);
	ok(jd_cluster_version(d.cluster, 100) == 1,
	   "nothing changed: nothing written");

	/* Moved: another binding, through VOLATILE and back. */
	p->cur.remote.port = 41000;
	memcpy(p->cur.remote.addr, "\x7f\0\0\2", 4);
	p->fsm.state = JUMPING_STATE_RECOVERING;
	jd_cluster_session_changed(&d, p);
	ok(next_record() && got_version == 2 &&
	   got.state == JUMPING_STATE_RECOVERING &&
	   got.binding.port == 41000 &&
	   !memcmp(got.binding.addr, "\x7f\0\0\2", 4),
	   "moved: version 2 holds the new binding and state");

	/* Rekeyed as a responder: the next keys wait for the swap. */
	p->swap_pending = true;
	p->swap_key_id = 2;
	p->ctl.has_next = true;
	memset(p->ctl.next.reattach, 0xc0, 32);
	memset(p->ctl.next.confirm, 0xc1, 32);
	memset(p->last_ts, 0x3f, 12);
	jd_cluster_session_changed(&d, p);
	ok(next_record() && got.has_next && got.swap_key_id == 2 &&
	   !memcmp(got.next.reattach, p->ctl.next.reattach, 32) &&
	   !memcmp(got.last_ts, p->last_ts, 12) && got.key_id == 1,
	   "rekeyed: the next keys and the newer timestamp written");
	/* The swap: next becomes current, the old ones previous. */
	p->ctl.prev = p->ctl.cur;
	p->ctl.cur = p->ctl.next;
	p->ctl.has_next = false;
	p->ctl.has_prev = true;
	p->ctl.prev_until_ms = jd_now_ms() + 60000;
	p->swap_pending = false;
	p->key_id = 2;
	wall = jd_wall_us();
	jd_cluster_session_changed(&d, p);
	ok(next_record() && got.key_id == 2 && !got.has_next &&
	   got.has_prev &&
	   !memcmp(got.cur.reattach, p->ctl.cur.reattach, 32) &&
	   !memcmp(got.prev.reattach, p->ctl.prev.reattach, 32) &&
	   got.prev_until_wall_us >= wall + 59000000 &&
	   got.prev_until_wall_us <= jd_wall_us() + 60000000,
	   "swapped: key id 2, its keys current, the old ones previous "
	   "until a wall time 60 s on");

	p->replay.highest = 1764870000123456ull;
	p->replay.any = true;
	jd_cluster_session_changed(&d, p);
	ok(next_record() && got.reattach_floor == p->replay.highest &&
	   got.reattach_floor_any,
	   "the REATTACH floor rose: written");
	p->solicit_counter = 1764870000654321ull;
	jd_cluster_session_changed(&d, p);
	ok(next_record() && got.sent_floor == p->solicit_counter,
	   "the floor of what it sent rose: written");
	p->confirm_counter = 1764870000654322ull;
	jd_cluster_session_changed(&d, p);
	ok(next_record() && got.sent_floor == p->confirm_counter,
	   "and again, by a confirm");
	ok(jd_cluster_version(d.cluster, 100) == 7,
	   "seven versions, one per change");
}

static bool challenge_sent(void)
{
	return strstr(calls, "send:2 ") != NULL;
}

/* The owner writes the floor before it answers the REATTACH raising it. */
static void test_floor_first(void)
{
	static const uint8_t seed[16];
	struct jd_peer *p = peers[0];
	uint8_t msg[JP_REATTACH_REQUEST_LEN];
	struct jk_event ev = { .packet = msg, .packet_len = sizeof(msg) };
	uint64_t counter = jd_wall_us(), queued;

	jp_rl_init(&d.ra_source, d.ra_source_slots, 256, 100, 1000, seed);
	jp_rl_init(&p->rl, p->rl_slots, 2, 100, 1000, seed);
	jp_window_init(&p->switches, 10, 60000);
	ev.from.family = ev.to.family = AF_INET;
	memcpy(ev.from.addr, "\x7f\0\0\3", 4);
	ev.from.port = 42000;
	memcpy(ev.to.addr, "\x7f\0\0\1", 4);
	ev.to.port = 51820;
	/* The client's, under the current keys: it was the initiator. */
	jp_reattach_encode_request(msg, p->ctl.cur.reattach, JP_DIR_I2R,
				   p->local_id, counter, &ev.from);
	calls[0] = '\0';
	floor_at_challenge = 0;
	jd_reattach_on_control(&d, &ev);
	queued = jd_cluster_version(d.cluster, 100);
	ok(p->val.active && queued > 7 && p->val.floor_version == queued &&
	   !challenge_sent(),
	   "a REQUEST raising the floor: validated, no challenge before "
	   "etcd holds the record");
	ok(loop_until(challenge_sent, 10000) && p->val.floor_version == 0,
	   "the challenge once it is written");
	ok(floor_at_challenge == counter,
	   "when the challenge went out, etcd held its counter as the floor");
	calls[0] = '\0';
	jd_reattach_tick(&d, p, jd_now_ms() + 200);
	ok(challenge_sent(), "and it is sent again on its schedule");
	jd_reattach_reset(p);
	calls[0] = '\0';
}

static void test_owner_keys(const char *url)
{
	const char *ep = url;
	int64_t other = 0, ttl = 0;
	char err[256];
	bool created = false;

	etcd_cl = etcd_client_new(&ep, 1, 5000, 2000, err, sizeof(err));
	if (!ok(etcd_cl &&
		etcd_lease_grant(etcd_cl, 30, &other, &ttl) == ETCD_OK &&
		etcd_create(etcd_cl, "/jumping/t/sessions/00000066/owner", "x", 1,
			    other, &created, NULL) == ETCD_OK && created,
		"another gateway owns session 102's id"))
		goto out;
	make_peers();
	calls[0] = '\0';
	jd_cluster_session_started(&d, peers[0]);
	ok(loop_until(alice_owned, 10000) && peers[0]->has_session,
	   "a new session: its owner key under this gateway's lease");
	test_records();
	test_floor_first();
	jd_cluster_session_started(&d, peers[2]);
	ok(loop_until(carol_ended, 10000), "an id another gateway owns: ended");
	is_str(calls,
	       "audit:102:attached>terminated:takeover-refused state:102:terminated:takeover-refused forget:102:del ",
	       "ended as takeover-refused, audited, the kernel told");
	ok(owner_key(102, other) == 1,
	   "the other gateway's owner key is left alone");
	ok(read_record(102) == 0, "and no record written for it");
	jd_session_forget(&d, peers[0], true);
	ok(loop_until(alice_released, 10000) && loop_until(alice_record_gone,
							   10000),
	   "the session ends: its owner key and record released");
out:
	etcd_client_free(etcd_cl);
	etcd_cl = NULL;
}

static void test_fencing(const char *url)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/cluster.key", tmp);
	write_key(path, 0600);
	sodium_base642bin(cluster_key, sizeof(cluster_key),
			  "kFZx1oN4Ra2Hq7sV3iYkz0C9eLbWd6Tj8uMpQn5rXyE=", 44,
			  NULL, NULL, NULL, sodium_base64_VARIANT_ORIGINAL);
	d.cfg = config(url, path);
	if (!ok(d.cfg && jd_cluster_open(&d) == 0 && !d.cluster &&
		!jd_cluster_may_serve(&d), "[Cluster]: key read; not serving "
		"before the runtime starts"))
		return;
	if (!ok(jd_cluster_start(&d) == 0 && d.cluster &&
		sodium_is_zero(d.cluster_key, sizeof(d.cluster_key)),
		"the runtime starts, the key handed over and wiped here"))
		return;
	ok(!jd_cluster_may_serve(&d) && jd_cluster_pollfd(&d) >= 0,
	   "before its lease: not serving");
	ok(loop_until(serving, 10000), "the lease granted: serving");
	make_peers();

	calls[0] = '\0';
	etcd_server_signal(SIGSTOP);
	ok(loop_until(fenced_out, 8000), "etcd stopped: fenced");
	is_str(calls,
	       "audit:100:attached>terminated:fenced state:100:terminated:fenced forget:100:del "
	       "audit:102:attached>terminated:fenced state:102:terminated:fenced forget:102:del ",
	       "each session ended: audited, the kernel told the reason, then deleted");
	ok(!peers[0]->has_session && !peers[2]->has_session,
	   "no session left");

	/* Past any lease etcd may still count, then back. */
	loop_until(serving, 3000);
	ok(!jd_cluster_may_serve(&d), "etcd still stopped: still not serving");
	etcd_server_signal(SIGCONT);
	calls[0] = '\0';
	ok(loop_until(serving, 15000), "etcd back: a new lease, serving");
	is_str(calls, "", "no session to end (they ended when fenced)");

	test_owner_keys(url);

	/* Ending sessions for the next run's lease-lost, the same way. */
	make_peers();
	calls[0] = '\0';
	ok(jd_cluster_end_sessions(&d, JUMPING_REASON_LEASE_LOST) == 2 &&
	   strstr(calls, "audit:100:attached>terminated:lease-lost") &&
	   strstr(calls, "state:102:terminated:lease-lost"),
	   "ending with lease-lost: two sessions, that reason");
	jd_cluster_close(&d);
	ok(!d.cluster && jd_cluster_may_serve(&d), "closed");
	jp_config_free(d.cfg);
	d.cfg = NULL;
}

int main(void)
{
	const char *etcd = getenv("ETCD") ? getenv("ETCD") : "/usr/bin/etcd";
	const char *t = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char url[64];

	if (sodium_init() < 0)
		return 1;
	snprintf(tmp, sizeof(tmp), "%s/jumpd-cluster-flow-XXXXXX", t);
	if (!mkdtemp(tmp)) {
		ok(0, "a temporary directory");
		return tap_done();
	}
	test_no_cluster();
	test_key_file();
	if (access(etcd, X_OK)) {
		ok(0, "etcd is installed");
		printf("# no %s: install etcd-server (tests/install-deps)\n",
		       etcd);
	} else if (ok(!etcd_server_start(etcd, START_DEADLINE_MS, url,
					 sizeof(url)), "etcd started")) {
		test_fencing(url);
		etcd_server_stop();
	}
	clean_up();
	return tap_done();
}
