// SPDX-License-Identifier: GPL-2.0
/*
 * The etcd client (etcd.h) against a real etcd (Debian's etcd-server) on
 * 127.0.0.1: keys, prefixes, create-if-absent, leases renewed, revoked
 * and expired, failover from a dead endpoint, and a request that gets no
 * answer ending on time. Every wait has a deadline; etcd is killed on
 * every way out (exit, signal, and our own death through PDEATHSIG).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "etcd.h"
#include "tap.h"

/* Generous: the machine running this may be busy with other tests. */
#define START_DEADLINE_MS	60000
#define EXPIRY_DEADLINE_MS	20000
#define REQUEST_TIMEOUT_MS	5000
#define CONNECT_TIMEOUT_MS	2000

static volatile pid_t etcd_pid;
static char data_dir[64];
static char client_url[64];

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* A pause between polls of a condition that has its own deadline. */
static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	nanosleep(&ts, NULL);
}

static void kill_etcd(void)
{
	pid_t pid = etcd_pid;

	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		etcd_pid = 0;
	}
}

static void cleanup(void)
{
	pid_t pid;

	kill_etcd();
	if (!data_dir[0])
		return;
	pid = fork();
	if (pid == 0) {
		execlp("rm", "rm", "-rf", data_dir, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	data_dir[0] = 0;
}

/* Only async-signal-safe calls: kill, fork, execve, waitpid, raise. */
static void on_fatal_signal(int sig)
{
	char *argv[] = { "/bin/rm", "-rf", data_dir, NULL };
	char *envp[] = { NULL };
	pid_t pid;

	if (etcd_pid > 0) {
		kill(etcd_pid, SIGKILL);
		waitpid(etcd_pid, NULL, 0);
	}
	if (data_dir[0]) {
		pid = fork();
		if (pid == 0) {
			execve(argv[0], argv, envp);
			_exit(127);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A socket bound to a free loopback port; listening if asked. */
static int loopback_socket(int *port, bool listening)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &len) ||
	    (listening && listen(fd, 8))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

static void print_log(void)
{
	char path[96], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/etcd.log", data_dir);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		printf("# etcd: %s", line);
	if (f)
		fclose(f);
}

static pid_t spawn_etcd(const char *etcd, int client_port, int peer_port)
{
	char data[96], log[96], client[64], peer[64], cluster[80];
	pid_t pid;
	int fd;

	snprintf(data, sizeof(data), "%s/data", data_dir);
	snprintf(log, sizeof(log), "%s/etcd.log", data_dir);
	snprintf(client, sizeof(client), "http://127.0.0.1:%d", client_port);
	snprintf(peer, sizeof(peer), "http://127.0.0.1:%d", peer_port);
	snprintf(cluster, sizeof(cluster), "t=%s", peer);
	snprintf(client_url, sizeof(client_url), "%s", client);
	pid = fork();
	if (pid)
		return pid;
	/* Dies with us, however we die. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	execl(etcd, etcd, "--name", "t", "--data-dir", data,
	      "--listen-client-urls", client, "--advertise-client-urls", client,
	      "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
	      "--initial-cluster", cluster, "--logger", "zap",
	      "--log-level", "warn", (char *)NULL);
	_exit(127);
}

/*
 * etcd on free ports, answering through the gateway. The ports are free
 * when picked, not reserved: if etcd exits (one was taken meanwhile), it
 * is tried again on others.
 */
static struct etcd_client *start_etcd(const char *etcd)
{
	long long deadline = now_ms() + START_DEADLINE_MS;
	struct etcd_client *c = NULL;
	int attempt, cport, pport, fd1, fd2, status;
	char err[256];
	const char *ep = client_url;
	struct etcd_kvs r;

	for (attempt = 0; attempt < 3 && now_ms() < deadline; attempt++) {
		fd1 = loopback_socket(&cport, false);
		fd2 = loopback_socket(&pport, false);
		close(fd1);
		close(fd2);
		if (fd1 < 0 || fd2 < 0)
			return NULL;
		etcd_pid = spawn_etcd(etcd, cport, pport);
		if (etcd_pid < 0)
			return NULL;
		c = etcd_client_new(&ep, 1, 1000, 500, err, sizeof(err));
		if (!c)
			return NULL;
		while (now_ms() < deadline) {
			if (waitpid(etcd_pid, &status, WNOHANG) == etcd_pid) {
				printf("# etcd exited (status %d), again\n",
				       status);
				etcd_pid = 0;
				break;
			}
			if (etcd_get(c, "/ready", false, &r) == ETCD_OK) {
				etcd_kvs_free(&r);
				etcd_client_free(c);
				return etcd_client_new(&ep, 1,
						       REQUEST_TIMEOUT_MS,
						       CONNECT_TIMEOUT_MS,
						       err, sizeof(err));
			}
			pause_ms(100);
		}
		etcd_client_free(c);
		kill_etcd();
	}
	return NULL;
}

static bool key_exists(struct etcd_client *c, const char *key)
{
	struct etcd_kvs r;
	bool there;

	if (etcd_get(c, key, false, &r) != ETCD_OK)
		return true;	/* unknown: not gone */
	there = r.n == 1;
	etcd_kvs_free(&r);
	return there;
}

static void test_keys(struct etcd_client *c)
{
	struct etcd_kvs r, holder;
	bool created = false;
	int64_t deleted = 0;

	ok(etcd_put(c, "/jumping/t/a", "1", 1, 0) == ETCD_OK &&
	   etcd_put(c, "/jumping/t/b", "2", 1, 0) == ETCD_OK &&
	   etcd_put(c, "/jumping/tz", "3", 1, 0) == ETCD_OK, "put three keys");
	ok(etcd_get(c, "/jumping/t/a", false, &r) == ETCD_OK && r.n == 1 &&
	   !strcmp((char *)r.kv[0].value, "1") && r.kv[0].create_revision > 0,
	   "range: one key, its value and revision");
	etcd_kvs_free(&r);
	ok(etcd_get(c, "/jumping/t/", true, &r) == ETCD_OK && r.n == 2 &&
	   !strcmp(r.kv[0].key, "/jumping/t/a") &&
	   !strcmp(r.kv[1].key, "/jumping/t/b"),
	   "range: the prefix /jumping/t/, not /jumping/tz");
	etcd_kvs_free(&r);
	ok(etcd_delete(c, "/jumping/t/", true, &deleted) == ETCD_OK &&
	   deleted == 2 && key_exists(c, "/jumping/tz"),
	   "deleterange: the prefix, two keys");
	ok(etcd_delete(c, "/jumping/tz", false, &deleted) == ETCD_OK &&
	   deleted == 1 && !key_exists(c, "/jumping/tz"),
	   "deleterange: one key");

	ok(etcd_create(c, "/jumping/t/s/1/owner", "gw-a", 4, 0, &created,
		       &holder) == ETCD_OK && created,
	   "txn create-if-absent: the first wins");
	ok(etcd_create(c, "/jumping/t/s/1/owner", "gw-b", 4, 0, &created,
		       &holder) == ETCD_OK && !created && holder.n == 1 &&
	   !strcmp((char *)holder.kv[0].value, "gw-a"),
	   "txn create-if-absent: the second loses, and sees the holder");
	if (!created)
		etcd_kvs_free(&holder);
}

static void test_leases(struct etcd_client *c)
{
	int64_t id = 0, ttl = 0, left = 0, id2 = 0;
	const char *owner = "/jumping/t/s/2/owner";
	bool created = false, renewed = true;
	long long start, t;
	struct etcd_kvs r;

	ok(etcd_lease_grant(c, 2, &id, &ttl) == ETCD_OK && id && ttl == 2,
	   "lease grant: TTL 2 s");
	ok(etcd_create(c, owner, "gw-a", 4, id, &created, NULL) == ETCD_OK &&
	   created, "an owner key under the lease");
	ok(etcd_lease_ttl(c, id, &left) == ETCD_OK && left > 0 && left <= 2,
	   "timetolive: time left");

	/*
	 * Renewed every 250 ms for 1.5 times its TTL, the key must stay (a
	 * stall of 1.75 s would be needed to lose it on a busy machine).
	 */
	start = now_ms();
	while (now_ms() - start < 3000) {
		renewed &= etcd_lease_keepalive(c, id, &left) == ETCD_OK &&
			    left == 2;
		pause_ms(250);
	}
	ok(renewed, "keepalive: renewed to 2 s each time");
	ok(key_exists(c, owner), "the key outlived its TTL, renewed");

	ok(etcd_put_if_lease(c, owner, id, "/jumping/t/s/2/state", "s1", 2,
			     &created) == ETCD_OK && created &&
	   key_exists(c, "/jumping/t/s/2/state"),
	   "put-if-lease: written while the owner key is under the lease");
	ok(etcd_put_if_lease(c, owner, id + 1, "/jumping/t/s/2/state", "s2", 2,
			     &created) == ETCD_OK && !created,
	   "put-if-lease: not under another lease");
	ok(etcd_lease_revoke(c, id) == ETCD_OK, "lease revoke");
	ok(!key_exists(c, owner), "revoked: the key is gone at once");
	ok(etcd_lease_ttl(c, id, &left) == ETCD_OK && left == -1,
	   "timetolive: -1 after the revoke");
	ok(etcd_lease_keepalive(c, id, &left) == ETCD_OK && left == 0,
	   "keepalive of a revoked lease: TTL 0, not renewed");
	ok(etcd_put_if_lease(c, owner, id, "/jumping/t/s/2/state", "s3", 2,
			     &created) == ETCD_OK && !created,
	   "put-if-lease: not once the lease is gone");
	ok(etcd_get(c, "/jumping/t/s/2/state", false, &r) == ETCD_OK &&
	   r.n == 1 && !strcmp((char *)r.kv[0].value, "s1"),
	   "put-if-lease: the refused writes wrote nothing");
	etcd_kvs_free(&r);
	ok(etcd_lease_revoke(c, id) == ETCD_REFUSED &&
	   etcd_client_code(c) == ETCD_CODE_NOT_FOUND &&
	   strstr(etcd_client_error(c), client_url) &&
	   strstr(etcd_client_error(c), "lease not found"),
	   "revoke again: refused, not found, named endpoint and reason");
	printf("# %s\n", etcd_client_error(c));

	ok(etcd_lease_grant(c, 2, &id2, &ttl) == ETCD_OK &&
	   etcd_create(c, owner, "gw-a", 4, id2, &created, NULL) == ETCD_OK &&
	   created, "an owner key under a new lease, not renewed");
	ok(etcd_create(c, owner, "gw-b", 4, 0, &created, NULL) == ETCD_OK &&
	   !created, "another cannot take it while the lease lives");
	start = now_ms();
	while (key_exists(c, owner) && now_ms() - start < EXPIRY_DEADLINE_MS)
		pause_ms(100);
	t = now_ms() - start;
	ok(!key_exists(c, owner) && t >= 1000,
	   "the lease expired: the key is gone after its TTL");
	printf("# gone after %lld ms\n", t);
	ok(etcd_create(c, owner, "gw-b", 4, 0, &created, NULL) == ETCD_OK &&
	   created, "then another takes it");
}

static void test_failover(void)
{
	int dead_port, silent_port, dead_fd, silent_fd;
	char dead[64], silent[64], err[256];
	const char *eps[2];
	struct etcd_client *c;
	long long start, took;

	/* Bound, not listening: a connection there is refused at once. */
	dead_fd = loopback_socket(&dead_port, false);
	/* Listening, never accepting: the request goes, no answer comes. */
	silent_fd = loopback_socket(&silent_port, true);
	snprintf(dead, sizeof(dead), "127.0.0.1:%d", dead_port);
	snprintf(silent, sizeof(silent), "http://127.0.0.1:%d", silent_port);

	eps[0] = dead;
	eps[1] = client_url;
	c = etcd_client_new(eps, 2, REQUEST_TIMEOUT_MS, CONNECT_TIMEOUT_MS,
			    err, sizeof(err));
	ok(c && etcd_put(c, "/jumping/t/f", "x", 1, 0) == ETCD_OK,
	   "failover: a dead first endpoint, the put done on the second");
	ok(c && !strcmp(etcd_client_endpoint(c), client_url),
	   "failover: the next request goes to the live one first");
	etcd_client_free(c);

	eps[1] = dead;
	c = etcd_client_new(eps, 2, REQUEST_TIMEOUT_MS, CONNECT_TIMEOUT_MS,
			    err, sizeof(err));
	ok(c && etcd_put(c, "/jumping/t/f", "x", 1, 0) == ETCD_UNREACHABLE &&
	   strstr(etcd_client_error(c), dead) &&
	   strstr(etcd_client_error(c), "/v3/kv/put"),
	   "no endpoint alive: unreachable, the endpoint and request named");
	if (c)
		printf("# %s\n", etcd_client_error(c));
	etcd_client_free(c);

	/* A request that may have been applied is not sent again elsewhere. */
	eps[0] = silent;
	eps[1] = client_url;
	c = etcd_client_new(eps, 2, 500, 500, err, sizeof(err));
	start = now_ms();
	ok(c && etcd_put(c, "/jumping/t/f", "y", 1, 0) == ETCD_UNREACHABLE,
	   "no answer: unreachable, not retried on the next endpoint");
	took = now_ms() - start;
	ok(took >= 400 && took < 4000, "no answer: ends at its timeout");
	printf("# ended after %lld ms: %s\n", took,
	       c ? etcd_client_error(c) : "");
	ok(c && etcd_put(c, "/jumping/t/f", "y", 1, 0) == ETCD_OK,
	   "the next request starts at the next endpoint");
	etcd_client_free(c);
	close(dead_fd);
	close(silent_fd);
}

int main(void)
{
	const char *etcd = getenv("ETCD") ? getenv("ETCD") : "/usr/bin/etcd";
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV,
		       SIGBUS };
	struct etcd_client *c;

	if (access(etcd, X_OK)) {
		ok(0, "etcd is installed");
		printf("# no %s: install etcd-server (tests/install-deps)\n",
		       etcd);
		return tap_done();
	}
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], on_fatal_signal);
	snprintf(data_dir, sizeof(data_dir), "%s/jumping-etcd-XXXXXX", tmp);
	if (!mkdtemp(data_dir)) {
		ok(0, "a temporary directory");
		return tap_done();
	}
	atexit(cleanup);

	c = start_etcd(etcd);
	if (!ok(c != NULL, "etcd started and answers through the gateway")) {
		print_log();
		return tap_done();
	}
	test_keys(c);
	test_leases(c);
	test_failover();
	etcd_client_free(c);
	cleanup();
	return tap_done();
}
