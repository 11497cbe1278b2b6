// SPDX-License-Identifier: GPL-2.0
/*
 * The cluster runtime (cluster.h) against a real etcd on 127.0.0.1
 * (etcd_server.c, Debian's etcd-server): two gateways, gw-a and gw-b, each
 * driven as jumpd's main loop would (poll the fd, run at the time asked).
 *  - settings refused before anything starts;
 *  - a lease granted, the node key under it, kept over several TTLs;
 *  - the owner create (one winner, the loser told who), sealed records
 *    with versions counting up that open under the cluster key, and a
 *    write by a gateway that does not own the session refused;
 *  - lease-lost once etcd says the lease is gone (revoked), a new lease
 *    at once, the owner key gone with the old one;
 *  - fencing with etcd stopped (SIGSTOP): within TTL - margin of the send
 *    time of the last renewal that succeeded, and before the lease can
 *    expire; then lease-lost when etcd comes back with the lease expired;
 *  - a taker's lookup: the owner named while it lives; a record without
 *    an owner opened with its version; one moved from another session's
 *    key, or garbage, not opened; nothing for an id with nothing;
 *  - the release of an ended session: record and owner key gone, only by
 *    the owner.
 * Every wait has a deadline; nothing sleeps a fixed time.
 */
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#include "cluster.h"
#include "etcd.h"
#include "etcd_server.h"
#include "jumping_names.h"
#include "tap.h"

#define START_DEADLINE_MS	60000
#define TTL_MS			2000
#define MARGIN_MS		500
/* How late a run may come after the time it asked for, on a busy host. */
#define LATE_MS			250

static char client_url[64];
static uint8_t cluster_key[JD_SEALED_KEY_LEN];

/* What one gateway's hooks were told. */
struct seen {
	const char *name;
	int64_t now;			/* the time of the current run */
	bool serving;
	int serving_on, fenced, lost;	/* hook calls of each kind */
	int64_t fenced_at, lost_at;
	int created;
	enum jd_cluster_outcome created_outcome;
	char holder[64];
	int written;
	uint64_t written_version;
	enum jd_cluster_outcome written_outcome;
	int released;
	enum jd_cluster_outcome released_outcome;
	int looked_up;			/* a lookup's answer, copied */
	enum jd_cluster_outcome lookup_outcome;
	struct jd_cluster_found found;
	char found_owner[64], found_plain[64];
	struct jd_cluster **gw;		/* the gateway it watches */
	enum jd_cluster_state state_in_hook;
};

static void on_serving(void *ctx, bool serving, enum jumping_reason why)
{
	struct seen *s = ctx;

	s->serving = serving;
	s->state_in_hook = jd_cluster_state(*s->gw);
	if (serving)
		s->serving_on++;
	else if (why == JUMPING_REASON_FENCED)
		s->fenced++, s->fenced_at = s->now;
	else if (why == JUMPING_REASON_LEASE_LOST)
		s->lost++, s->lost_at = s->now;
	printf("# %s at %lld: %s (%s)\n", s->name, (long long)s->now,
	       serving ? "serving" : "stopped", reason_name(why));
}

static void on_created(void *ctx, uint32_t session,
		       enum jd_cluster_outcome outcome, const char *holder,
		       const char *error)
{
	struct seen *s = ctx;

	s->created++;
	s->created_outcome = outcome;
	snprintf(s->holder, sizeof(s->holder), "%s", holder ? holder : "");
	printf("# %s: create %08x: %d %s%s\n", s->name, session, outcome,
	       holder ? holder : "", error ? error : "");
}

static void on_written(void *ctx, uint32_t session, uint64_t version,
		       enum jd_cluster_outcome outcome, const char *error)
{
	struct seen *s = ctx;

	s->written++;
	s->written_version = version;
	s->written_outcome = outcome;
	if (error)
		printf("# %s: write %08x v%llu: %s\n", s->name, session,
		       (unsigned long long)version, error);
}

static void on_released(void *ctx, uint32_t session,
			enum jd_cluster_outcome outcome, const char *error)
{
	struct seen *s = ctx;

	s->released++;
	s->released_outcome = outcome;
	if (error)
		printf("# %s: release %08x: %s\n", s->name, session, error);
}

static void on_looked_up(void *ctx, uint32_t session,
			 enum jd_cluster_outcome outcome,
			 const struct jd_cluster_found *f, const char *error)
{
	struct seen *s = ctx;

	s->looked_up++;
	s->lookup_outcome = outcome;
	memset(&s->found, 0, sizeof(s->found));
	s->found_owner[0] = s->found_plain[0] = '\0';
	if (f) {
		s->found = *f;
		s->found.plain = NULL;
		s->found.owner_node = NULL;
		s->found.why = NULL;
		snprintf(s->found_owner, sizeof(s->found_owner), "%s",
			 f->owner_node ? f->owner_node : "");
		if (f->plain && f->plain_len < sizeof(s->found_plain)) {
			memcpy(s->found_plain, f->plain, f->plain_len);
			s->found_plain[f->plain_len] = '\0';
		}
		if (f->why)
			printf("# %s: lookup %08x: %s\n", s->name, session,
			       f->why);
	}
	if (error)
		printf("# %s: lookup %08x: %s\n", s->name, session, error);
}

static struct jd_cluster *gw_a, *gw_b;
static struct seen seen_a = { .name = "gw-a", .gw = &gw_a },
		   seen_b = { .name = "gw-b", .gw = &gw_b };
static int64_t next_a, next_b;

static struct jd_cluster *gateway(const char *node, struct seen *s)
{
	const char *eps[1] = { client_url };
	struct jd_cluster_settings set = {
		.endpoints = eps, .n_endpoints = 1, .cluster = "t",
		.node = node, .ttl_ms = TTL_MS, .margin_ms = MARGIN_MS,
	};
	struct jd_cluster_hooks hooks = {
		.ctx = s, .serving = on_serving, .created = on_created,
		.written = on_written, .released = on_released,
		.looked_up = on_looked_up,
	};
	struct jd_cluster *c;
	char err[256];

	memcpy(set.key, cluster_key, sizeof(set.key));
	c = jd_cluster_new(&set, &hooks, err, sizeof(err));
	if (!c)
		printf("# %s: %s\n", node, err);
	return c;
}

static void run_one(struct jd_cluster *c, struct seen *s, int64_t *next)
{
	s->now = now_ms();
	*next = jd_cluster_run(c, s->now);
}

/*
 * Drive both gateways as a main loop does until cond holds or the
 * deadline passes: poll their fds up to the earlier time they asked for.
 */
static bool drive_until(bool (*cond)(void), long deadline_ms)
{
	long long end = now_ms() + deadline_ms, now;
	struct pollfd p[2];
	int64_t next;
	long wait;

	for (;;) {
		if (cond())
			return true;
		now = now_ms();
		if (now >= end)
			return false;
		next = next_a < next_b ? next_a : next_b;
		wait = next > now ? (long)(next - now) : 0;
		if (wait > end - now)
			wait = (long)(end - now);
		p[0] = (struct pollfd){ .fd = jd_cluster_fd(gw_a),
					.events = POLLIN };
		p[1] = (struct pollfd){ .fd = jd_cluster_fd(gw_b),
					.events = POLLIN };
		poll(p, 2, (int)wait);
		now = now_ms();
		if (p[0].revents || now >= next_a)
			run_one(gw_a, &seen_a, &next_a);
		if (p[1].revents || now >= next_b)
			run_one(gw_b, &seen_b, &next_b);
	}
}

static bool both_serving(void)
{
	return jd_cluster_state(gw_a) == JD_CLUSTER_SERVING &&
	       jd_cluster_state(gw_b) == JD_CLUSTER_SERVING;
}

static bool never(void)
{
	return false;
}

/* What the conditions below wait for: the hooks called this often. */
static int want_created, want_written, want_lost, want_released;

static bool a_created(void) { return seen_a.created >= want_created; }
static bool b_created(void) { return seen_b.created >= want_created; }
static bool a_written(void) { return seen_a.written >= want_written; }
static bool b_written(void) { return seen_b.written >= want_written; }
static bool a_released(void) { return seen_a.released >= want_released; }
static bool b_released(void) { return seen_b.released >= want_released; }
static bool a_lost(void) { return seen_a.lost >= want_lost; }
static int want_looked_up;
static bool b_looked_up(void) { return seen_b.looked_up >= want_looked_up; }
static bool a_fenced(void) { return seen_a.fenced > 0; }
/* A keepalive answered since the grant (the grant counts as the first). */
static bool a_renewed(void)
{
	const struct jd_lease *l = jd_cluster_lease(gw_a);

	return l && l->renewed_at > l->granted_at;
}

static bool a_serving(void)
{
	return jd_cluster_state(gw_a) == JD_CLUSTER_SERVING;
}

/* Open the record at key (read with a client of the test's own). */
static int read_record(struct etcd_client *etcd, const char *key,
		       char *plain, size_t size, uint64_t *version,
		       int64_t *lease)
{
	uint8_t buf[512];
	struct etcd_kvs r;
	size_t len = 0;
	char err[128];
	int ret = -1;

	if (etcd_get(etcd, key, false, &r) != ETCD_OK)
		return -1;
	if (r.n == 1 && r.kv[0].value_len <= sizeof(buf) &&
	    r.kv[0].value_len >= JD_SEALED_OVERHEAD &&
	    r.kv[0].value_len - JD_SEALED_OVERHEAD < size &&
	    !jd_sealed_open(buf, &len, version, r.kv[0].value,
			    r.kv[0].value_len, key, 0, cluster_key, err,
			    sizeof(err))) {
		memcpy(plain, buf, len);
		plain[len] = '\0';
		if (lease)
			*lease = r.kv[0].lease;
		ret = 0;
	}
	etcd_kvs_free(&r);
	return ret;
}

static void test_settings(void)
{
	const char *eps[1] = { "http://127.0.0.1:1" };
	struct jd_cluster_settings good = {
		.endpoints = eps, .n_endpoints = 1, .cluster = "edge",
		.node = "gw-a", .ttl_ms = 5000, .margin_ms = 1000,
	}, s;
	struct jd_cluster_hooks hooks = { 0 };
	struct jd_cluster *c;
	char err[256], key[160];

	c = jd_cluster_new(&good, &hooks, err, sizeof(err));
	ok(c && jd_cluster_state(c) == JD_CLUSTER_STARTING &&
	   !jd_cluster_lease_id(c) && !jd_cluster_lease(c),
	   "settings: good ones start, nothing granted before a run");
	ok(c && jd_cluster_create(c, 1) == -1 &&
	   jd_cluster_write(c, 1, "x", 1) == -1 &&
	   jd_cluster_version(c, 1) == 0,
	   "not serving: create and write refused, no version used");
	jd_cluster_free(c);

	s = good;
	s.n_endpoints = 0;
	ok(!jd_cluster_new(&s, &hooks, err, sizeof(err)) &&
	   strstr(err, "endpoints"), "settings: no endpoint refused");
	s = good;
	s.cluster = "a/b";
	ok(!jd_cluster_new(&s, &hooks, err, sizeof(err)) &&
	   strstr(err, "cluster name 'a/b'"), "settings: a cluster name with '/'");
	s = good;
	s.node = "";
	ok(!jd_cluster_new(&s, &hooks, err, sizeof(err)) &&
	   strstr(err, "node name ''"), "settings: an empty node name");
	s = good;
	s.ttl_ms = 2500;
	ok(!jd_cluster_new(&s, &hooks, err, sizeof(err)) &&
	   strstr(err, "whole seconds"), "settings: a TTL not whole seconds");
	s.ttl_ms = 1000;
	ok(!jd_cluster_new(&s, &hooks, err, sizeof(err)),
	   "settings: a TTL under 2 s");
	s = good;
	s.margin_ms = 4000;
	ok(!jd_cluster_new(&s, &hooks, err, sizeof(err)) &&
	   strstr(err, "fencing margin"),
	   "settings: a margin that fences before the first keepalive");
	printf("# %s\n", err);

	ok(!jd_cluster_session_key(key, sizeof(key), "edge", 0xabcd, "owner") &&
	   !strcmp(key, "/jumping/edge/sessions/0000abcd/owner"),
	   "the owner key's name");
	ok(!jd_cluster_node_key(key, sizeof(key), "edge", "gw-a") &&
	   !strcmp(key, "/jumping/edge/nodes/gw-a"), "the node key's name");
	ok(jd_cluster_session_key(key, 20, "edge", 1, "state") == -1,
	   "a key name that does not fit: refused");
}

static void test_lease_kept(struct etcd_client *etcd)
{
	int64_t lease_id, left = 0, node_lease = 0;
	char plain[200] = "", expect[64];
	uint64_t version = 0;
	long long start;

	ok(drive_until(both_serving, 10000),
	   "both gateways get a lease and serve");
	lease_id = jd_cluster_lease_id(gw_a);
	ok(lease_id != 0 && lease_id != jd_cluster_lease_id(gw_b) &&
	   seen_a.serving_on == 1, "gw-a: its own lease, serving told once");

	/* The node key is put after the grant; give it its time. */
	start = now_ms();
	while (read_record(etcd, "/jumping/t/nodes/gw-a", plain,
			   sizeof(plain), &version, &node_lease) &&
	       now_ms() - start < 5000)
		drive_until(never, 100);
	snprintf(expect, sizeof(expect), "node=gw-a lease=%llx ",
		 (unsigned long long)lease_id);
	ok(!strncmp(plain, expect, strlen(expect)) && version == 1 &&
	   node_lease == lease_id,
	   "the node key: sealed, under the node's lease");

	/* Three TTLs: renewed all along, never fenced. */
	drive_until(never, 3 * TTL_MS);
	ok(seen_a.fenced == 0 && seen_a.lost == 0 && seen_a.serving &&
	   jd_cluster_lease_id(gw_a) == lease_id,
	   "three TTLs later: the same lease, never fenced");
	ok(etcd_lease_ttl(etcd, lease_id, &left) == ETCD_OK && left > 0,
	   "etcd has the lease alive");
	ok(jd_cluster_lease(gw_a) &&
	   now_ms() - jd_cluster_lease(gw_a)->renewed_at < TTL_MS,
	   "renewed within the last TTL");
}

#define SESSION 0xabcd

static bool a_at_v5(void) { return seen_a.written_version >= 5; }

/*
 * Three writes while etcd is stopped: the first may be under way, the
 * later ones wait in the queue, where the newest replaces the queued
 * one. Fewer round trips, the newest in etcd, its version told.
 */
static void test_coalesced(struct etcd_client *etcd, const char *state)
{
	unsigned int before = seen_a.written;
	uint64_t version = 0;
	char plain[200];
	bool queued;

	if (!ok(etcd_server_signal(SIGSTOP) == 0, "etcd stopped (SIGSTOP)"))
		return;
	queued = jd_cluster_write(gw_a, SESSION, "record three", 12) == 0 &&
		 jd_cluster_write(gw_a, SESSION, "record four", 11) == 0 &&
		 jd_cluster_write(gw_a, SESSION, "record five", 11) == 0;
	etcd_server_signal(SIGCONT);
	ok(queued && drive_until(a_at_v5, 10000) &&
	   seen_a.written_outcome == JD_CLUSTER_DONE &&
	   seen_a.written - before <= 2,
	   "three writes behind a stopped etcd: two at most reach it, the "
	   "last version 5");
	printf("# %u written of 3\n", seen_a.written - before);
	ok(!read_record(etcd, state, plain, sizeof(plain), &version, NULL) &&
	   !strcmp(plain, "record five") && version == 5,
	   "the newest is in etcd, as version 5");
}

static void test_records(struct etcd_client *etcd)
{
	const char *state = "/jumping/t/sessions/0000abcd/state";
	char plain[200];
	uint64_t version = 0;

	want_created = 1;
	ok(jd_cluster_create(gw_a, SESSION) == 0 && drive_until(a_created, 10000) &&
	   seen_a.created_outcome == JD_CLUSTER_DONE,
	   "gw-a creates the owner key: it owns the session");
	ok(jd_cluster_create(gw_b, SESSION) == 0 && drive_until(b_created, 10000) &&
	   seen_b.created_outcome == JD_CLUSTER_REFUSED &&
	   !strcmp(seen_b.holder, "gw-a"),
	   "gw-b's create loses, and names the owner gw-a");

	want_written = 1;
	ok(jd_cluster_write(gw_a, SESSION, "record one", 10) == 0 &&
	   drive_until(a_written, 10000) &&
	   seen_a.written_outcome == JD_CLUSTER_DONE &&
	   seen_a.written_version == 1, "gw-a writes its record: version 1");
	want_written = 2;
	ok(jd_cluster_write(gw_a, SESSION, "record two", 10) == 0 &&
	   drive_until(a_written, 10000) &&
	   seen_a.written_outcome == JD_CLUSTER_DONE &&
	   seen_a.written_version == 2, "and again: version 2");
	ok(!read_record(etcd, state, plain, sizeof(plain), &version, NULL) &&
	   !strcmp(plain, "record two") && version == 2,
	   "the record in etcd opens under the cluster key: the newest, v2");

	test_coalesced(etcd, state);

	want_written = 1;
	ok(jd_cluster_write(gw_b, SESSION, "not mine", 8) == 0 &&
	   drive_until(b_written, 10000) &&
	   seen_b.written_outcome == JD_CLUSTER_REFUSED,
	   "gw-b's write of a session it does not own: refused");
	ok(!read_record(etcd, state, plain, sizeof(plain), &version, NULL) &&
	   !strcmp(plain, "record five") && version == 5,
	   "the refused write changed nothing");
	ok(jd_cluster_set_version(gw_b, 7, 41) == 0 &&
	   jd_cluster_version(gw_b, 7) == 41 && jd_cluster_version(gw_b, 8) == 0,
	   "a taker's version: set, and read back");
}

/* b's lookup of session, answered: true. */
static bool b_lookup(uint32_t session)
{
	want_looked_up = seen_b.looked_up + 1;
	return jd_cluster_lookup(gw_b, session) == 0 &&
	       drive_until(b_looked_up, 10000) &&
	       seen_b.lookup_outcome == JD_CLUSTER_DONE;
}

/* What a taker reads (docs/cluster.md, "Takeover", steps 1 and 2). */
static void test_lookup(struct etcd_client *etcd)
{
	const char *moved = "/jumping/t/sessions/0000bee1/state";
	const char *sealed = "/jumping/t/sessions/0000bee2/state";
	uint8_t rec[16 + JD_SEALED_OVERHEAD];
	int64_t deleted = 0;

	ok(b_lookup(SESSION) && seen_b.found.owner_present &&
	   !strcmp(seen_b.found_owner, "gw-a") &&
	   seen_b.found.record == JD_TAKEOVER_RECORD_OPENED,
	   "lookup of a session gw-a owns: the owner, named; its record "
	   "opened too (whose session it is)");
	ok(b_lookup(0x0000bee0) && !seen_b.found.owner_present &&
	   seen_b.found.record == JD_TAKEOVER_RECORD_ABSENT,
	   "lookup of an id with nothing in etcd: no owner, no record");
	ok(jd_seal(rec, (const uint8_t *)"the record", 10, sealed, 5, cluster_key) == 0 &&
	   etcd_put(etcd, sealed, rec, 10 + JD_SEALED_OVERHEAD, 0) == ETCD_OK &&
	   b_lookup(0x0000bee2) && !seen_b.found.owner_present &&
	   seen_b.found.record == JD_TAKEOVER_RECORD_OPENED &&
	   seen_b.found.version == 5 && seen_b.found.plain_len == 10 &&
	   !strcmp(seen_b.found_plain, "the record"),
	   "a record without an owner: opened, its version and plaintext");
	/* The same sealed bytes under another session's key. */
	ok(etcd_put(etcd, moved, rec, 10 + JD_SEALED_OVERHEAD, 0) == ETCD_OK &&
	   b_lookup(0x0000bee1) &&
	   seen_b.found.record == JD_TAKEOVER_RECORD_UNOPENED,
	   "a record moved from another session's key: does not open");
	ok(etcd_put(etcd, moved, "garbage", 7, 0) == ETCD_OK &&
	   b_lookup(0x0000bee1) &&
	   seen_b.found.record == JD_TAKEOVER_RECORD_UNOPENED,
	   "garbage for a record: does not open");
	ok(etcd_delete(etcd, moved, false, &deleted) == ETCD_OK &&
	   etcd_delete(etcd, sealed, false, &deleted) == ETCD_OK,
	   "lookup's keys removed");
}

static void test_lease_lost(struct etcd_client *etcd)
{
	int64_t old = jd_cluster_lease_id(gw_a);
	int lost_before = seen_a.lost;
	long long revoked_at;

	want_lost = lost_before + 1;
	revoked_at = now_ms();
	ok(etcd_lease_revoke(etcd, old) == ETCD_OK, "gw-a's lease revoked in etcd");
	/* The next keepalive (within TTL / 5) hears it is gone. */
	ok(drive_until(a_lost, TTL_MS + 5000) && seen_a.lost == lost_before + 1 &&
	   !seen_a.serving, "gw-a: lease-lost, told once, not serving");
	printf("# lease-lost %lld ms after the revoke\n",
	       (long long)(seen_a.lost_at - revoked_at));
	ok(drive_until(a_serving, 10000) && jd_cluster_lease_id(gw_a) != old &&
	   jd_cluster_lease_id(gw_a) != 0 && seen_a.serving,
	   "gw-a: a new lease at once, serving again");

	want_created = 2;
	ok(jd_cluster_create(gw_b, SESSION) == 0 && drive_until(b_created, 10000) &&
	   seen_b.created_outcome == JD_CLUSTER_DONE,
	   "the owner key went with the lease: gw-b's create wins now");
	want_written = seen_a.written + 1;
	ok(jd_cluster_write(gw_a, SESSION, "too late", 8) == 0 &&
	   drive_until(a_written, 10000) &&
	   seen_a.written_outcome == JD_CLUSTER_REFUSED &&
	   seen_a.written_version == 6,
	   "gw-a's write under its new lease: refused, not the owner");
}

static void test_fencing(void)
{
	int64_t renewed_at, serve_until, expiry, stopped_at, ttl, lease;
	const struct jd_lease *l;

	/* A renewal of its own after the new grant, to be fenced from. */
	ok(drive_until(a_renewed, 5000), "gw-a's new lease renewed once");
	lease = jd_cluster_lease_id(gw_a);
	stopped_at = now_ms();
	if (!ok(etcd_server_signal(SIGSTOP) == 0, "etcd stopped (SIGSTOP)"))
		return;
	ok(drive_until(a_fenced, TTL_MS + 5000) && !seen_a.serving &&
	   jd_cluster_state(gw_a) == JD_CLUSTER_FENCED &&
	   seen_a.state_in_hook == JD_CLUSTER_FENCED,
	   "gw-a fenced while etcd does not answer (and so when told)");
	l = jd_cluster_lease(gw_a);
	if (!ok(l != NULL, "fenced, the lease is still held (may resume)")) {
		etcd_server_signal(SIGCONT);
		return;
	}
	renewed_at = l->renewed_at;
	ttl = l->ttl_ms;
	serve_until = renewed_at + ttl - MARGIN_MS;
	expiry = renewed_at + ttl;
	printf("# stopped at %lld, last renewal sent at %lld, fenced at %lld, "
	       "serve until %lld, lease lives to at least %lld\n",
	       (long long)stopped_at, (long long)renewed_at,
	       (long long)seen_a.fenced_at, (long long)serve_until,
	       (long long)expiry);
	ok(jd_lease_serve_until(l) == serve_until && ttl == TTL_MS,
	   "serving ends at the last renewal's send time + TTL - margin");
	ok(renewed_at > stopped_at - 2 * TTL_MS / 5 - LATE_MS,
	   "that renewal was one of the last before etcd stopped");
	ok(seen_a.fenced_at >= serve_until &&
	   seen_a.fenced_at <= serve_until + LATE_MS,
	   "fenced at serve-until, not before, and on time");
	ok(seen_a.fenced_at < expiry,
	   "fenced before etcd could expire the lease");
	ok(jd_cluster_write(gw_a, SESSION, "x", 1) == -1 &&
	   jd_cluster_create(gw_a, 0x5eed) == -1,
	   "fenced: no create, no write");

	/* Past the expiry, so that etcd finds the lease gone on waking. */
	drive_until(never, (long)(expiry + 1000 - now_ms()));
	ok(seen_a.lost == 1 && jd_cluster_lease_id(gw_a) == lease &&
	   seen_a.serving_on == 2,
	   "while etcd is stopped: fenced only, not lost, not resumed");
	etcd_server_signal(SIGCONT);
	want_lost = 2;
	ok(drive_until(a_lost, 15000) && seen_a.lost == 2 && !seen_a.serving,
	   "etcd back, the lease expired: lease-lost");
	ok(drive_until(a_serving, 15000) && jd_cluster_lease_id(gw_a) != lease,
	   "and a new lease, serving again");
}

#define ENDED 0x7777

static void test_release(struct etcd_client *etcd)
{
	const char *owner = "/jumping/t/sessions/00007777/owner";
	const char *state = "/jumping/t/sessions/00007777/state";
	char plain[64];
	uint64_t version;
	struct etcd_kvs r;
	bool gone;

	want_created = seen_a.created + 1;
	want_written = seen_a.written + 1;
	ok(drive_until(a_serving, 10000) &&
	   jd_cluster_create(gw_a, ENDED) == 0 && drive_until(a_created, 10000) &&
	   seen_a.created_outcome == JD_CLUSTER_DONE &&
	   jd_cluster_write(gw_a, ENDED, "last", 4) == 0 &&
	   drive_until(a_written, 10000) &&
	   seen_a.written_outcome == JD_CLUSTER_DONE,
	   "release: gw-a owns a session with a record");
	want_released = 1;
	ok(drive_until(both_serving, 10000) &&
	   jd_cluster_release(gw_b, ENDED) == 0 &&
	   drive_until(b_released, 10000) &&
	   seen_b.released_outcome == JD_CLUSTER_REFUSED &&
	   !read_record(etcd, state, plain, sizeof(plain), &version, NULL),
	   "release by a gateway that does not own it: refused, nothing gone");
	ok(jd_cluster_release(gw_a, ENDED) == 0 &&
	   drive_until(a_released, 10000) &&
	   seen_a.released_outcome == JD_CLUSTER_DONE &&
	   jd_cluster_version(gw_a, ENDED) == 0,
	   "release by the owner: done, its version forgotten");
	gone = false;
	if (etcd_get(etcd, owner, false, &r) == ETCD_OK) {
		gone = r.n == 0;
		etcd_kvs_free(&r);
	}
	ok(gone && read_record(etcd, state, plain, sizeof(plain), &version,
			       NULL) == -1,
	   "the owner key and the record are gone from etcd");
	want_released = 2;
	ok(jd_cluster_release(gw_a, ENDED) == 0 &&
	   drive_until(a_released, 10000) &&
	   seen_a.released_outcome == JD_CLUSTER_REFUSED,
	   "released again: refused, the owner key is gone");
}

int main(void)
{
	const char *etcd_path = getenv("ETCD") ? getenv("ETCD") : "/usr/bin/etcd";
	const char *ep = client_url;
	struct etcd_client *etcd = NULL;
	char err[256] = "";

	if (sodium_init() < 0)
		return 1;
	test_settings();
	if (access(etcd_path, X_OK)) {
		ok(0, "etcd is installed");
		printf("# no %s: install etcd-server (tests/install-deps)\n",
		       etcd_path);
		return tap_done();
	}
	randombytes_buf(cluster_key, sizeof(cluster_key));
	if (!etcd_server_start(etcd_path, START_DEADLINE_MS, client_url,
			       sizeof(client_url)))
		etcd = etcd_client_new(&ep, 1, 5000, 2000, err, sizeof(err));
	if (!ok(etcd != NULL, "etcd started and answers")) {
		if (err[0])
			printf("# %s\n", err);
		return tap_done();
	}
	gw_a = gateway("gw-a", &seen_a);
	gw_b = gateway("gw-b", &seen_b);
	if (ok(gw_a && gw_b, "two gateways started")) {
		test_lease_kept(etcd);
		test_records(etcd);
		test_lookup(etcd);
		test_lease_lost(etcd);
		test_fencing();
		test_release(etcd);
	}
	jd_cluster_free(gw_a);
	jd_cluster_free(gw_b);
	etcd_client_free(etcd);
	etcd_server_stop();
	return tap_done();
}
