// SPDX-License-Identifier: GPL-2.0
/*
 * The watch of owner keys against a real etcd on 127.0.0.1 (etcd_server.c):
 *  - the client's etcd_watch (etcd.h) sees an owner key deleted by a lease
 *    revoke and by a lease's expiry, a release's two deletes at one
 *    revision in one response, resumes from the next revision after a
 *    stop without losing a delete, and ends soon after its stop is set or
 *    its connection is cut;
 *  - the runtime's watch lane (cluster.h, hooks.orphaned): started only
 *    with the hook (a third thread), the hook called on the main loop for
 *    an owner key a revoke deleted (the delay measured), not for a
 *    session released by its owner, not losing a delete made while its
 *    connection was cut, and its thread joined at free within a deadline.
 * Connections are cut by a small proxy in front of etcd. Every wait has a
 * deadline; nothing sleeps a fixed time.
 */
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sodium.h>
#include "cluster.h"
#include "etcd.h"
#include "etcd_server.h"
#include "tap.h"

#define START_DEADLINE_MS	60000
#define EVENT_DEADLINE_MS	5000
#define EXPIRY_DEADLINE_MS	20000
/* A stop is seen by libcurl's progress callback, about once a second. */
#define STOP_DEADLINE_MS	3000
#define PREFIX			"/jumping/w/sessions/"

static char client_url[64];
static int etcd_port;

/* --- a proxy in front of etcd, whose connections the test cuts ------ */

#define PAIRS_MAX 8

static struct {
	int listen_fd, port, ctl[2];
	int pairs[PAIRS_MAX][2];	/* client side, etcd side; -1 free */
	bool hold;			/* new connections closed at once */
	pthread_t thread;
} px;

static void pair_close(int i)
{
	close(px.pairs[i][0]);
	close(px.pairs[i][1]);
	px.pairs[i][0] = px.pairs[i][1] = -1;
}

static int connect_etcd(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_port = htons((uint16_t)etcd_port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void proxy_accept(void)
{
	int fd = accept(px.listen_fd, NULL, NULL), up, i;

	if (fd < 0)
		return;
	up = px.hold ? -1 : connect_etcd();
	for (i = 0; i < PAIRS_MAX && up >= 0; i++) {
		if (px.pairs[i][0] < 0) {
			px.pairs[i][0] = fd;
			px.pairs[i][1] = up;
			return;
		}
	}
	if (up >= 0)
		close(up);
	close(fd);
}

static void *proxy_main(void *arg)
{
	struct pollfd p[2 + 2 * PAIRS_MAX];
	char buf[16384], cmd;
	ssize_t n;
	int i, k;

	(void)arg;
	for (;;) {
		p[0] = (struct pollfd){ .fd = px.listen_fd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = px.ctl[0], .events = POLLIN };
		for (i = 0; i < PAIRS_MAX; i++)
			for (k = 0; k < 2; k++)
				p[2 + 2 * i + k] = (struct pollfd){
					.fd = px.pairs[i][k], .events = POLLIN,
				};
		if (poll(p, 2 + 2 * PAIRS_MAX, -1) < 0)
			continue;
		if (p[1].revents) {
			if (read(px.ctl[0], &cmd, 1) != 1 || cmd == 'q')
				break;
			if (cmd == 'h' || cmd == 'c') {
				px.hold = cmd == 'h';
				for (i = 0; i < PAIRS_MAX; i++)
					if (px.pairs[i][0] >= 0)
						pair_close(i);
			} else if (cmd == 'r') {
				px.hold = false;
			}
			continue;
		}
		if (p[0].revents)
			proxy_accept();
		for (i = 0; i < PAIRS_MAX; i++) {
			for (k = 0; k < 2 && px.pairs[i][0] >= 0; k++) {
				if (!p[2 + 2 * i + k].revents)
					continue;
				n = read(px.pairs[i][k], buf, sizeof(buf));
				if (n <= 0 ||
				    write(px.pairs[i][!k], buf, (size_t)n) != n)
					pair_close(i);
			}
		}
	}
	for (i = 0; i < PAIRS_MAX; i++)
		if (px.pairs[i][0] >= 0)
			pair_close(i);
	return NULL;
}

static int proxy_start(void)
{
	int i;

	for (i = 0; i < PAIRS_MAX; i++)
		px.pairs[i][0] = px.pairs[i][1] = -1;
	px.listen_fd = loopback_socket(&px.port, true);
	if (px.listen_fd < 0 || pipe(px.ctl))
		return -1;
	return pthread_create(&px.thread, NULL, proxy_main, NULL) ? -1 : 0;
}

/* 'c' cut, 'h' cut and hold new ones, 'r' release the hold, 'q' quit. */
static void proxy_do(char cmd)
{
	if (write(px.ctl[1], &cmd, 1) != 1)
		printf("# proxy: no command\n");
}

/* --- the client's watch, on a thread of the test -------------------- */

#define EVENTS_MAX 256

struct watcher {
	struct etcd_client *c;
	int64_t start;
	volatile bool stop;
	pthread_t thread;
	pthread_mutex_t lock;
	/* Under lock. */
	struct {
		enum etcd_watch_kind kind;
		char key[64];
		int64_t revision;
		long long at;
	} ev[EVENTS_MAX];
	int n;
	bool ended;
	int ret;
	long long ended_at;
};

static int record(void *ctx, const struct etcd_watch_event *ev)
{
	struct watcher *w = ctx;

	pthread_mutex_lock(&w->lock);
	if (w->n < EVENTS_MAX) {
		w->ev[w->n].kind = ev->kind;
		snprintf(w->ev[w->n].key, sizeof(w->ev[w->n].key), "%s",
			 ev->key ? ev->key : "");
		w->ev[w->n].revision = ev->revision;
		w->ev[w->n].at = now_ms();
		w->n++;
	}
	pthread_mutex_unlock(&w->lock);
	return 0;
}

static void *watcher_main(void *arg)
{
	struct watcher *w = arg;
	int ret = etcd_watch(w->c, PREFIX, w->start, record, w, &w->stop);

	pthread_mutex_lock(&w->lock);
	w->ended = true;
	w->ret = ret;
	w->ended_at = now_ms();
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

static struct watcher *watch_start(const char *url, int64_t start)
{
	struct watcher *w = calloc(1, sizeof(*w));
	char err[256];

	if (!w)
		return NULL;
	w->c = etcd_client_new(&url, 1, 2000, 2000, err, sizeof(err));
	w->start = start;
	pthread_mutex_init(&w->lock, NULL);
	if (!w->c || pthread_create(&w->thread, NULL, watcher_main, w)) {
		printf("# watcher: %s\n", w->c ? "no thread" : err);
		etcd_client_free(w->c);
		free(w);
		return NULL;
	}
	return w;
}

/* Stop and join it: how long it took, in ms. */
static long long watch_stop(struct watcher *w)
{
	long long start = now_ms();

	w->stop = true;
	pthread_join(w->thread, NULL);
	start = now_ms() - start;
	etcd_client_free(w->c);
	pthread_mutex_destroy(&w->lock);
	free(w);
	return start;
}

/* The index of the first event of kind (and key, if not NULL) from i. */
static int find(struct watcher *w, int from, enum etcd_watch_kind kind,
		const char *key)
{
	int i, found = -1;

	pthread_mutex_lock(&w->lock);
	for (i = from; i < w->n && found < 0; i++)
		if (w->ev[i].kind == kind && (!key || !strcmp(w->ev[i].key,
							      key)))
			found = i;
	pthread_mutex_unlock(&w->lock);
	return found;
}

static int wait_for(struct watcher *w, int from, enum etcd_watch_kind kind,
		    const char *key, long deadline_ms)
{
	long long end = now_ms() + deadline_ms;
	int i;

	while ((i = find(w, from, kind, key)) < 0 && now_ms() < end)
		pause_ms(10);
	return i;
}

static bool wait_ended(struct watcher *w, long deadline_ms)
{
	long long end = now_ms() + deadline_ms;
	bool ended;

	do {
		pthread_mutex_lock(&w->lock);
		ended = w->ended;
		pthread_mutex_unlock(&w->lock);
		if (!ended)
			pause_ms(10);
	} while (!ended && now_ms() < end);
	return ended;
}

static char *session_key(char *buf, size_t len, uint32_t id,
			 const char *leaf)
{
	snprintf(buf, len, PREFIX "%08x/%s", id, leaf);
	return buf;
}

/* An owner key under a new lease: the lease, or 0. */
static int64_t owned(struct etcd_client *c, uint32_t id, int64_t ttl_s)
{
	int64_t lease = 0, ttl;
	char key[64];

	if (etcd_lease_grant(c, ttl_s, &lease, &ttl) ||
	    etcd_put(c, session_key(key, sizeof(key), id, "owner"), "gw", 2,
		     lease))
		return 0;
	return lease;
}

static void test_client(struct etcd_client *c)
{
	char owner[64], state[64], url[64];
	struct watcher *w = watch_start(client_url, 0);
	int64_t lease, last, deleted = 0;
	long long t0;
	bool done = false;
	int i = -1, j;

	if (!ok(w && wait_for(w, 0, ETCD_WATCH_CREATED, NULL,
			      EVENT_DEADLINE_MS) == 0,
		"client: the watch is created"))
		return;

	lease = owned(c, 0x0a, 30);
	session_key(owner, sizeof(owner), 0x0a, "owner");
	t0 = now_ms();
	ok(lease && !etcd_lease_revoke(c, lease) &&
	   (i = wait_for(w, 0, ETCD_WATCH_DELETE, owner,
			 EVENT_DEADLINE_MS)) > 0,
	   "client: the owner key a revoke deleted");
	if (i > 0)
		printf("# revoke to event: %lld ms\n", w->ev[i].at - t0);

	/* A release: record and owner key in one txn, one revision. */
	lease = owned(c, 0x0b, 30);
	session_key(owner, sizeof(owner), 0x0b, "owner");
	session_key(state, sizeof(state), 0x0b, "state");
	ok(lease && !etcd_put(c, state, "r", 1, 0) &&
	   !etcd_delete_if_lease(c, owner, lease, state, &done) && done,
	   "client: a session released");
	i = wait_for(w, 0, ETCD_WATCH_DELETE, state, EVENT_DEADLINE_MS);
	j = find(w, 0, ETCD_WATCH_DELETE, owner);
	ok(i > 0 && j == i + 1 && w->ev[i].revision == w->ev[j].revision &&
	   find(w, j, ETCD_WATCH_BATCH_END, NULL) == j + 1,
	   "client: its two deletes at one revision, in one response");

	lease = owned(c, 0x0c, 2);
	session_key(owner, sizeof(owner), 0x0c, "owner");
	t0 = now_ms();
	ok(lease && (i = wait_for(w, 0, ETCD_WATCH_DELETE, owner,
				  EXPIRY_DEADLINE_MS)) > 0,
	   "client: the owner key a lease's expiry (TTL 2 s) deleted");
	if (i > 0)
		printf("# expiry seen after %lld ms\n", w->ev[i].at - t0);

	/* Stopped, then resumed after the last revision seen. */
	session_key(owner, sizeof(owner), 0x0d, "owner");
	ok(!etcd_put(c, owner, "gw", 2, 0), "client: a key to delete later");
	pthread_mutex_lock(&w->lock);
	last = w->ev[w->n - 1].revision;
	pthread_mutex_unlock(&w->lock);
	t0 = watch_stop(w);
	ok(t0 < STOP_DEADLINE_MS, "client: a stopped watch returns soon");
	printf("# stopped in %lld ms\n", t0);
	ok(!etcd_delete(c, owner, false, &deleted) && deleted == 1,
	   "client: deleted unwatched");
	w = watch_start(client_url, last + 1);
	ok(w && wait_for(w, 0, ETCD_WATCH_DELETE, owner,
			 EVENT_DEADLINE_MS) >= 0,
	   "client: resumed at the revision after the last seen, it is told");
	if (w)
		watch_stop(w);

	/* Through the proxy: a cut connection ends the watch. */
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", px.port);
	w = watch_start(url, 0);
	if (!ok(w && wait_for(w, 0, ETCD_WATCH_CREATED, NULL,
			      EVENT_DEADLINE_MS) == 0,
		"client: a watch through the proxy"))
		return;
	t0 = now_ms();
	proxy_do('c');
	ok(wait_ended(w, STOP_DEADLINE_MS) && w->ret == ETCD_UNREACHABLE,
	   "client: cut, the watch ends unreachable");
	printf("# ended %lld ms after the cut: %s\n", w->ended_at - t0,
	       etcd_client_error(w->c));
	watch_stop(w);
}

/* --- the runtime's watch lane --------------------------------------- */

static struct {
	int64_t now;
	bool serving;
	uint32_t orphans[64];
	long long orphan_at[64];
	int n_orphans;
	int released;
	bool full;		/* the hook has no room: refuses */
	int refused;
	uint32_t last_refused;
} seen;

static void on_serving(void *ctx, bool serving, enum jumping_reason why)
{
	(void)ctx;
	(void)why;
	seen.serving = serving;
}

static void on_created(void *ctx, uint32_t session,
		       enum jd_cluster_outcome outcome, const char *holder,
		       const char *error)
{
	(void)ctx;
	(void)holder;
	printf("# create %08x: %d %s\n", session, outcome, error ? error : "");
}

static void on_written(void *ctx, uint32_t session, uint64_t version,
		       enum jd_cluster_outcome outcome, const char *error)
{
	(void)ctx;
	(void)session;
	(void)version;
	(void)outcome;
	(void)error;
}

static void on_released(void *ctx, uint32_t session,
			enum jd_cluster_outcome outcome, const char *error)
{
	(void)ctx;
	(void)session;
	(void)error;
	if (outcome == JD_CLUSTER_DONE)
		seen.released++;
}

static bool on_orphaned(void *ctx, uint32_t session)
{
	(void)ctx;
	if (seen.full) {
		seen.refused++;
		seen.last_refused = session;
		return false;
	}
	printf("# orphaned %08x at %lld\n", session, (long long)seen.now);
	if (seen.n_orphans < 64) {
		seen.orphans[seen.n_orphans] = session;
		seen.orphan_at[seen.n_orphans++] = seen.now;
	}
	return true;
}

static struct jd_cluster *gateway(const char *url, bool watch)
{
	struct jd_cluster_settings set = {
		.endpoints = &url, .n_endpoints = 1, .cluster = "w",
		.node = "gw-w", .ttl_ms = 5000, .margin_ms = 1000,
	};
	struct jd_cluster_hooks hooks = {
		.serving = on_serving, .created = on_created,
		.written = on_written, .released = on_released,
		.orphaned = watch ? on_orphaned : NULL,
	};
	struct jd_cluster *c;
	char err[256];

	randombytes_buf(set.key, sizeof(set.key));
	c = jd_cluster_new(&set, &hooks, err, sizeof(err));
	if (!c)
		printf("# gateway: %s\n", err);
	return c;
}

static int threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static struct jd_cluster *gw;

/* Run gw as a main loop does until cond holds or the deadline passes. */
static bool drive_until(bool (*cond)(void), long deadline_ms)
{
	long long end = now_ms() + deadline_ms, now;
	int64_t next = 0;
	struct pollfd p = { .fd = -1 };
	long wait;

	for (;;) {
		now = now_ms();
		if (now >= next || (p.revents & POLLIN)) {
			seen.now = now;
			next = jd_cluster_run(gw, now);
		}
		if (cond())
			return true;
		if (now >= end)
			return false;
		wait = next > now ? (long)(next - now) : 0;
		if (wait > end - now)
			wait = (long)(end - now);
		p = (struct pollfd){ .fd = jd_cluster_fd(gw),
				     .events = POLLIN };
		if (poll(&p, 1, (int)wait) <= 0)
			p.revents = 0;
	}
}

static uint32_t waited_id;

static bool ready(void)
{
	return seen.serving && jd_cluster_watching(gw);
}

static bool not_watching(void)
{
	return !jd_cluster_watching(gw);
}

static bool released_one(void)
{
	return seen.released > 0;
}

static int orphan_index(uint32_t id)
{
	for (int i = 0; i < seen.n_orphans; i++)
		if (seen.orphans[i] == id)
			return i;
	return -1;
}

static bool orphan_seen(void)
{
	return orphan_index(waited_id) >= 0;
}

static bool refused_again(void)
{
	return seen.refused >= 5;
}

/*
 * A hook without room keeps the orphan in the runtime: offered again
 * (first, and soon: five refusals within a second), then, with room,
 * told once each, in the order found.
 */
static void test_held_orphans(struct etcd_client *c)
{
	int64_t a = owned(c, 0x1e, 30), b = owned(c, 0x1f, 30);
	long long t0;
	int i, once = 0;

	seen.full = true;
	seen.refused = 0;
	ok(a && b && !etcd_lease_revoke(c, a) && !etcd_lease_revoke(c, b),
	   "held: two owner keys' leases revoked");
	waited_id = 0x1e;
	ok(drive_until(refused_again, EVENT_DEADLINE_MS) &&
	   seen.last_refused == 0x1e && orphan_index(0x1e) < 0,
	   "held: the first orphan offered again while the hook is full");
	t0 = now_ms();
	seen.refused = 0;
	ok(drive_until(refused_again, 1000),
	   "held: offered again within a second, five times");
	printf("# five offers in %lld ms\n", now_ms() - t0);
	seen.full = false;
	waited_id = 0x1f;
	ok(drive_until(orphan_seen, EVENT_DEADLINE_MS) &&
	   orphan_index(0x1e) >= 0 && orphan_index(0x1e) < orphan_index(0x1f),
	   "held: with room, both told, in the order found");
	for (i = 0; i < seen.n_orphans; i++)
		once += seen.orphans[i] == 0x1e || seen.orphans[i] == 0x1f;
	ok(once == 2, "held: each told once");
}

static void test_runtime(struct etcd_client *c)
{
	char url[64], err[256];
	int base = threads(), i;
	struct jd_cluster *plain;
	int64_t lease;
	long long t0;
	uint8_t rec[8] = { 1 };

	plain = gateway(client_url, false);
	ok(plain && threads() == base + 2,
	   "runtime: without the hook, two threads (no watch)");
	jd_cluster_free(plain);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", px.port);
	gw = gateway(url, true);
	if (!ok(gw && threads() == base + 3,
		"runtime: the hook, three threads"))
		return;
	if (!ok(drive_until(ready, EVENT_DEADLINE_MS),
		"runtime: serving, the watch created"))
		goto out;

	lease = owned(c, 0x1a, 30);
	waited_id = 0x1a;
	t0 = now_ms();
	ok(lease && !etcd_lease_revoke(c, lease) &&
	   drive_until(orphan_seen, EVENT_DEADLINE_MS),
	   "runtime: orphaned told of an owner key a revoke deleted");
	i = orphan_index(0x1a);
	if (i >= 0)
		printf("# revoke to hook: %lld ms\n", seen.orphan_at[i] - t0);

	/* A release by the owner is not an orphan: a revoke after it is
	 * told, and the release was not before it (events are in order). */
	ok(!jd_cluster_create(gw, 0x1b) && !jd_cluster_write(gw, 0x1b, rec,
							     sizeof(rec)) &&
	   !jd_cluster_release(gw, 0x1b) &&
	   drive_until(released_one, EVENT_DEADLINE_MS),
	   "runtime: a session created, written and released");
	lease = owned(c, 0x1c, 30);
	waited_id = 0x1c;
	ok(lease && !etcd_lease_revoke(c, lease) &&
	   drive_until(orphan_seen, EVENT_DEADLINE_MS) &&
	   orphan_index(0x1b) < 0,
	   "runtime: the release not told, the revoke after it told");

	/* Cut and held: a delete meanwhile is told once it is back. */
	lease = owned(c, 0x1d, 30);
	proxy_do('h');
	ok(lease && drive_until(not_watching, EVENT_DEADLINE_MS),
	   "runtime: the watch's connection cut");
	jd_cluster_watch_error(gw, err, sizeof(err));
	printf("# %s\n", err);
	ok(!etcd_lease_revoke(c, lease), "runtime: revoked while cut");
	proxy_do('r');
	waited_id = 0x1d;
	t0 = now_ms();
	ok(drive_until(orphan_seen, EVENT_DEADLINE_MS) &&
	   jd_cluster_watching(gw),
	   "runtime: resumed, the delete made while cut is told");
	printf("# told %lld ms after the hold ended\n",
	       seen.orphan_at[orphan_index(0x1d)] - t0);
	i = 0;
	for (int k = 0; k < seen.n_orphans; k++)
		i += seen.orphans[k] == 0x1d;
	ok(i == 1, "runtime: told once");
	test_held_orphans(c);
out:
	t0 = now_ms();
	jd_cluster_free(gw);
	t0 = now_ms() - t0;
	ok(t0 < STOP_DEADLINE_MS && threads() == base,
	   "runtime: free joins the three threads in time");
	printf("# free took %lld ms\n", t0);
}

int main(void)
{
	const char *etcd = getenv("ETCD") ? getenv("ETCD") : "/usr/bin/etcd";
	const char *ep = client_url;
	struct etcd_client *c = NULL;
	char err[256] = "";

	if (sodium_init() < 0)
		return 1;
	if (access(etcd, X_OK)) {
		ok(0, "etcd is installed");
		printf("# no %s: install etcd-server (tests/install-deps)\n",
		       etcd);
		return tap_done();
	}
	if (!etcd_server_start(etcd, START_DEADLINE_MS, client_url,
			       sizeof(client_url)))
		c = etcd_client_new(&ep, 1, 5000, 2000, err, sizeof(err));
	if (!ok(c != NULL, "etcd started and answers")) {
		if (err[0])
			printf("# %s\n", err);
		return tap_done();
	}
	etcd_port = atoi(strrchr(client_url, ':') + 1);
	if (ok(!proxy_start(), "a proxy in front of etcd")) {
		test_client(c);
		test_runtime(c);
		proxy_do('q');
		pthread_join(px.thread, NULL);
	}
	etcd_client_free(c);
	etcd_server_stop();
	return tap_done();
}
