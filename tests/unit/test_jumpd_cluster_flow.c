// SPDX-License-Identifier: GPL-2.0
/*
 * jumpd's side of the cluster (userspace/jumpd/cluster_flow.c), linked
 * against fakes of the kernel layer, the logs and session.c, which record
 * what they were asked, and a real etcd on 127.0.0.1 (etcd_server.c):
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
 *    only once etcd holds the record with its counter as the floor;
 *  - takeover (cluster_takeover_flow.c, linked too): gateway A's sessions
 *    with their records, then gw-b gets a REQUEST for one: refused while
 *    A's lease lives; A's lease revoked, refused with a bad MAC, a
 *    replayed counter, a peer it does not know, a record that does not
 *    open, no record; accepted, the owner key created under gw-b's
 *    lease; gw-b and gw-c racing for another: exactly one wins. Every
 *    refusal audited (takeover-refused), and nothing sent to the client.
 */
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>
#include <arpa/inet.h>
#include <sodium.h>
#include "cluster.h"
#include "cluster_record.h"
#include "etcd.h"
#include "jumpd.h"
#include "jumping_names.h"
#include "etcd_server.h"
#include "tap.h"

#define START_DEADLINE_MS	60000

static struct jd_cluster_record got;
static uint64_t got_version, want_version;

/* What the fakes saw, in order: "audit:ID:REASON", "state:ID:REASON",
 * "forget:ID:DELETE", one after another. */
static char calls[4096];

static void record(const char *fmt, ...)
{
	size_t len = strlen(calls);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(calls + len, sizeof(calls) - len, fmt, ap);
	va_end(ap);
}

static void log_line(const char *what, const char *fmt, va_list ap)
{
	printf("# jumpd %s: ", what);
	vprintf(fmt, ap);
	printf("\n");
}

void jd_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("log", fmt, ap);
	va_end(ap);
}

void jd_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("warn", fmt, ap);
	va_end(ap);
}

static char last_err[512];

void jd_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_err, sizeof(last_err), fmt, ap);
	va_end(ap);
	printf("# jumpd err: %s\n", last_err);
}

uint64_t jd_now_ms(void)
{
	return (uint64_t)now_ms();
}

uint64_t jd_wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

void jd_audit_transition(struct jd *d, const struct jd_peer *p,
			 const struct jp_transition *tr)
{
	(void)d;
	record("audit:%u:%s>%s:%s ", p->local_id, state_name(tr->old_state),
	       state_name(tr->new_state), reason_name(tr->reason));
}

int jk_session_set_state(struct jd_kernel *k, uint32_t id, uint8_t state,
			 uint16_t reason)
{
	(void)k;
	record("state:%u:%s:%s ", id, state_name(state), reason_name(reason));
	return 0;
}

static int read_record(uint32_t id);

/* reattach_flow.c's neighbours, as far as a REQUEST goes. */
bool jd_apply(struct jd *d, struct jd_peer *p, enum jp_event ev,
	      const struct jd_path *nb)
{
	(void)nb;
	record("apply:%u:%s ", p->local_id, jp_event_name(ev));
	if (ev == JP_EV_REATTACH_REQUESTED)
		p->fsm.state = JUMPING_STATE_RECOVERING;
	/* As session.c's: the state file saved, the record follows. */
	jd_cluster_session_changed(d, p);
	return true;
}

void jd_audit_event(struct jd *d, const struct jd_peer *p, const char *event,
		    enum jumping_reason reason, const struct jp_binding *before,
		    const struct jp_binding *after)
{
	(void)d; (void)before; (void)after;
	record("event:%u:%s:%s ", p->local_id, event, reason_name(reason));
}

void jd_audit_count(struct jd *d, const struct jd_peer *p, const char *event,
		    enum jumping_reason reason, uint64_t count)
{
	(void)d; (void)count;
	record("count:%u:%s:%s ", p->local_id, event, reason_name(reason));
}

void jd_audit_takeover(struct jd *d, uint32_t session_id, const char *peer,
		       const char *event, enum jumping_reason reason,
		       const struct jp_binding *from, const char *detail)
{
	(void)from;
	record("%s:%u:%s:%s:%s:%s ", d->cfg->cluster.node, session_id,
	       peer ? peer : "-", event, reason_name(reason), detail);
}

struct jd_peer *jd_peer_by_pub(struct jd *d, const uint8_t pub[32])
{
	unsigned int i;

	for (i = 0; i < d->n_peers; i++)
		if (!memcmp(d->peers[i]->conf.public_key, pub, 32))
			return d->peers[i];
	return NULL;
}

struct jp_mac_keys *jd_ctl_rx(const struct jd_peer *p, struct jp_mac_keys *mk)
{
	jp_ctl_ring_rx_reattach(&p->ctl, jd_now_ms(), mk);
	return mk;
}

void jd_ctl_heard(struct jd *d, struct jd_peer *p,
		  const struct jp_mac_keys *mk)
{
	(void)d; (void)p; (void)mk;
}

void jd_hs_on_confirm(struct jd *d, const struct jk_event *ev)
{
	(void)d; (void)ev;
}

void jd_hs_on_cookie(struct jd *d, const struct jk_event *ev)
{
	(void)d; (void)ev;
}

void jd_mover_on_control(struct jd *d, struct jd_peer *p,
			 const struct jk_event *ev)
{
	(void)d; (void)p; (void)ev;
}

uint64_t jd_mover_tick(struct jd *d, struct jd_peer *p, uint64_t now)
{
	(void)d; (void)p; (void)now;
	return UINT64_MAX;
}

void jd_probe_on_probe(struct jd *d, struct jd_peer *p,
		       const struct jk_event *ev)
{
	(void)d; (void)p; (void)ev;
}

void jd_probe_on_echo(struct jd *d, struct jd_peer *p,
		      const struct jk_event *ev)
{
	(void)d; (void)p; (void)ev;
}

void jd_touch(struct jd *d, struct jd_peer *p)
{
	(void)d; (void)p;
}

const char *jk_error(const struct jd_kernel *k)
{
	(void)k;
	return "fake";
}

/* What etcd held for session 100 when its last challenge went out. */
static uint64_t floor_at_challenge;

int jk_packet_send(struct jd_kernel *k, const uint8_t *pkt, size_t len,
		   const struct jp_binding *remote,
		   const struct jp_binding *local)
{
	(void)k; (void)len; (void)remote; (void)local;
	record("send:%u ", pkt[1]);
	if (pkt[1] == JP_REATTACH_CHALLENGE)
		floor_at_challenge = read_record(100) == 1 ? got.reattach_floor : 0;
	return 0;
}

struct jd_peer *jd_peer_by_local_id(struct jd *d, uint32_t id)
{
	return jd_peer_of_session(d, id);
}

/* session.c's, as far as the cluster goes: the owner key released. */
void jd_session_forget(struct jd *d, struct jd_peer *p, bool delete_kernel)
{
	record("forget:%u:%s ", p->local_id, delete_kernel ? "del" : "keep");
	jd_cluster_session_ended(d, p->local_id);
	p->has_session = false;
}

void jd_debug(const struct jd *d, const char *fmt, ...)
{
	(void)d; (void)fmt;
}

struct jd_peer *jd_peer_of_session(struct jd *d, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < d->n_peers; i++)
		if (d->peers[i]->local_id == id)
			return d->peers[i];
	return NULL;
}

static struct jd d;
static struct jd_peer *peers[3];
static struct jp_prefix allowed[3];
static char tmp[256];

static void make_peers(void)
{
	static const char *names[3] = { "alice", "bob", "carol" };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		if (!peers[i])
			peers[i] = calloc(1, sizeof(*peers[i]));
		snprintf(peers[i]->conf.name, sizeof(peers[i]->conf.name),
			 "%s", names[i]);
		peers[i]->local_id = 100 + i;
		/* What a record holds: as session.c installs it. */
		peers[i]->remote_id = 200 + i;
		memset(peers[i]->conf.public_key, 0x10 + i, 32);
		allowed[i].addr.family = AF_INET;
		allowed[i].addr.v4.s_addr = htonl(0x0a000002 + i);
		allowed[i].len = 32;
		peers[i]->conf.allowed_ips = &allowed[i];
		peers[i]->conf.n_allowed_ips = 1;
		peers[i]->cur.remote.family = AF_INET;
		memcpy(peers[i]->cur.remote.addr, "\x7f\0\0\1", 4);
		peers[i]->cur.remote.port = (uint16_t)(40000 + i);
		peers[i]->key_id = 1;
		memset(peers[i]->last_ts, 0x30 + i, 12);
		memset(peers[i]->ctl.cur.reattach, 0xa0 + i, 32);
		memset(peers[i]->ctl.cur.confirm, 0xb0 + i, 32);
		peers[i]->ctl.has_prev = false;
		peers[i]->replay.highest = 0;
		peers[i]->replay.any = false;
		peers[i]->solicit_counter = 0;
		memset(peers[i]->cluster_record_digest, 0, 16);
		/* bob has no session */
		peers[i]->has_session = i != 1;
		jp_fsm_init(&peers[i]->fsm, (uint64_t)now_ms());
		peers[i]->fsm.state = JUMPING_STATE_ATTACHED;
	}
	d.peers = peers;
	d.n_peers = 3;
}

static void write_key(const char *path, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs("kFZx1oN4Ra2Hq7sV3iYkz0C9eLbWd6Tj8uMpQn5rXyE=\n", f);
		fclose(f);
	}
	chmod(path, mode);
}

static struct jp_config *config_of(const char *url, const char *key_file,
				    const char *node)
{
	char text[1024];
	struct jp_conf_errors e;
	struct jp_config *c;

	snprintf(text, sizeof(text),
		 "[Interface]\nPrivateKey = kFZx1oN4Ra2Hq7sV3iYkz0C9eLbWd6Tj8uMpQn5rXyE=\n"
		 "[Cluster]\nEtcdEndpoints = %s\nClusterName = t\n"
		 "NodeName = %s\nClusterKeyFile = %s\nLeaseTTL = 2s\n"
		 "FencingMargin = 500ms\n"
		 "[Peer]\nPublicKey = AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=\n"
		 "AllowedIPs = 10.0.0.2/32\n", url, node, key_file);
	c = jp_config_parse_buf(text, strlen(text), "gw.conf", &e);
	if (!c)
		printf("# %s\n", e.n ? e.msg[0] : "out of memory");
	return c;
}

static struct jp_config *config(const char *url, const char *key_file)
{
	return config_of(url, key_file, "gw-a");
}

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

static bool serving(void)
{
	return jd_cluster_may_serve(&d);
}

static bool fenced_out(void)
{
	return !jd_cluster_may_serve(&d);
}

/* The gateways the loop runs: d, and the takers of test_takeover. */
static struct jd *gws[3] = { &d };
static unsigned int n_gws = 1;

/* Each gateway's tick, the earliest deadline of them. */
static uint64_t tick_all(void)
{
	uint64_t next = UINT64_MAX, t;
	unsigned int i;

	for (i = 0; i < n_gws; i++) {
		t = jd_cluster_tick(gws[i], (uint64_t)now_ms());
		if (t < next)
			next = t;
	}
	return next;
}

/* The main loop's part: poll the fds, tick at the time asked for. */
static bool loop_until(bool (*cond)(void), long deadline_ms)
{
	long long end = now_ms() + deadline_ms, now;
	uint64_t next = tick_all();
	struct pollfd p[3];
	unsigned int i;
	long wait;

	while (!cond()) {
		now = now_ms();
		if (now >= end)
			return false;
		wait = (long)next > now ? (long)((long long)next - now) : 0;
		if (wait > end - now)
			wait = (long)(end - now);
		for (i = 0; i < n_gws; i++)
			p[i] = (struct pollfd){ .fd = jd_cluster_pollfd(gws[i]),
						.events = POLLIN };
		poll(p, n_gws, (int)wait);
		next = tick_all();
	}
	return true;
}

static struct etcd_client *etcd_cl;

/* The owner key of session id: 1 under lease, 0 absent, -1 other. */
static int owner_key(uint32_t id, int64_t lease)
{
	char key[128];
	struct etcd_kvs r;
	int ret = -1;

	snprintf(key, sizeof(key), "/jumping/t/sessions/%08x/owner", id);
	if (etcd_get(etcd_cl, key, false, &r) != ETCD_OK)
		return -1;
	if (r.n == 0)
		ret = 0;
	else if (r.kv[0].lease == lease)
		ret = 1;
	etcd_kvs_free(&r);
	return ret;
}

static bool alice_owned(void)
{
	return owner_key(100, jd_cluster_lease_id(d.cluster)) == 1;
}

static bool alice_released(void)
{
	return owner_key(100, jd_cluster_lease_id(d.cluster)) == 0;
}

static bool carol_ended(void)
{
	return !peers[2]->has_session;
}

/* The cluster key of write_key's file. */
static uint8_t cluster_key[32];

/*
 * Session id's record in etcd, opened under the cluster key and read into
 * got: 1; absent: 0; there but not opening or not reading: -1 (said).
 */
static int read_record(uint32_t id)
{
	uint8_t plain[JD_RECORD_MAX_LEN + 64];
	char key[128], err[200];
	struct etcd_kvs r;
	size_t len;
	int ret = -1;

	snprintf(key, sizeof(key), "/jumping/t/sessions/%08x/state", id);
	if (etcd_get(etcd_cl, key, false, &r) != ETCD_OK)
		return -1;
	if (r.n == 0) {
		ret = 0;
	} else if (r.kv[0].value_len > sizeof(plain) + JD_SEALED_OVERHEAD ||
		   jd_sealed_open(plain, &len, &got_version, r.kv[0].value,
				  r.kv[0].value_len, key, 0, cluster_key,
				  err, sizeof(err)) ||
		   jd_cluster_record_decode(&got, plain, len, err,
					    sizeof(err))) {
		printf("# %s: %s\n", key, err);
	} else {
		ret = r.kv[0].lease == 0 ? 1 : -1;
	}
	etcd_kvs_free(&r);
	return ret;
}

/* Alice's record at want_version (or later) read into got. */
static bool alice_record_at(void)
{
	return read_record(100) == 1 && got_version >= want_version;
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

/* --- takeover --------------------------------------------------------- */

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

/* The REQUEST to gw-b, answered: what calls recorded, from "". */
static bool refused_by_b(uint32_t session, const uint8_t *key,
			 uint64_t counter, const char *detail)
{
	char want[200];

	calls[0] = '\0';
	request(&gw_b, session, key, counter);
	if (!loop_until(b_settled, 10000))
		return false;
	snprintf(want, sizeof(want), ":takeover-refused:takeover-refused:%s ",
		 detail);
	if (!strstr(calls, want) || strstr(calls, "send:")) {
		printf("# calls: %s\n", calls);
		return false;
	}
	return true;
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
	/* 102 is still another gateway's (test_owner_keys): carol's 103. */
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

	ok(refused_by_b(100, key, floor + 1, "owner alive: gw-a"),
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
	ok(refused_by_b(100, wrong, floor + 1, "bad proof"),
	   "a REQUEST under another key: refused, bad proof");
	ok(refused_by_b(100, key, floor, "replayed counter"),
	   "a REQUEST at the record's floor: refused, replayed");
	gw_b.peers = &peers_b[1];	/* carol alone */
	gw_b.n_peers = 1;
	ok(refused_by_b(100, key, floor + 1, "unknown peer"),
	   "a record of a peer gw-b does not have: refused, unknown peer");
	gw_b.peers = peers_b;
	gw_b.n_peers = 2;
	ok(etcd_put(etcd_cl, "/jumping/t/sessions/00000150/state",
		    "not sealed", 10, 0) == ETCD_OK &&
	   refused_by_b(0x150, key, floor + 1, "record does not open"),
	   "a record that does not open: refused");
	{
		const char *k = "/jumping/t/sessions/00000152/state";
		uint8_t rec[12 + JD_SEALED_OVERHEAD];

		ok(jd_seal(rec, (const uint8_t *)"not a record", 12, k, 1,
			   cluster_key) == 0 &&
		   etcd_put(etcd_cl, k, rec, sizeof(rec), 0) == ETCD_OK &&
		   refused_by_b(0x152, key, floor + 1, "record does not open"),
		   "sealed under the cluster key, but not a record: refused");
	}
	ok(refused_by_b(0x151, key, floor + 1, "no record"),
	   "no record: refused");
	ok(owner_key(100, 0) == 0 && owner_key(0x150, 0) == 0 &&
	   owner_key(0x151, 0) == 0, "no owner key created by a refusal");

	calls[0] = '\0';
	request(&gw_b, 100, key, floor + 1);
	ok(loop_until(b_settled, 10000) &&
	   owner_key(100, jd_cluster_lease_id(gw_b.cluster)) == 1 &&
	   strstr(calls, "gw-b:100:alice:takeover-owned:") &&
	   !strstr(calls, "send:"),
	   "accepted: the owner key created under gw-b's lease, audited");
	ok(jd_cluster_version(gw_b.cluster, 100) == got_version,
	   "gw-b's writes go on above the version taken over");
	calls[0] = '\0';
	ok(refused_by_b(100, key, floor + 2, "owner alive: gw-b"),
	   "taken: the next REQUEST is refused, the owner is gw-b");

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
	ok((b_owns && strstr(calls, "gw-c:103:carol:takeover-refused:"
			     "takeover-refused:lost the create to gw-b")) ||
	   (c_owns && strstr(calls, "gw-b:103:carol:takeover-refused:"
			     "takeover-refused:lost the create to gw-c")),
	   "the other lost the create, naming the winner");
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

int main(void)
{
	const char *etcd = getenv("ETCD") ? getenv("ETCD") : "/usr/bin/etcd";
	const char *t = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char url[64];
	unsigned int i;

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
		test_takeover(url);
		etcd_server_stop();
	}
	for (i = 0; i < 3; i++)
		free(peers[i]);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "%s/open.key", tmp);
		unlink(cmd);
		snprintf(cmd, sizeof(cmd), "%s/cluster.key", tmp);
		unlink(cmd);
		rmdir(tmp);
	}
	return tap_done();
}
