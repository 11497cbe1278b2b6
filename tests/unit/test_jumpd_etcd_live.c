// SPDX-License-Identifier: GPL-2.0
/*
 * The etcd client (etcd.h) against a real etcd (Debian's etcd-server) on
 * 127.0.0.1: keys, prefixes, create-if-absent, leases renewed, revoked
 * and expired, failover from a dead endpoint, and a request that gets no
 * answer ending on time. Every wait has a deadline; etcd_server.c runs
 * etcd and kills it on every way out.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "etcd.h"
#include "etcd_server.h"
#include "tap.h"

/* Generous: the machine running this may be busy with other tests. */
#define START_DEADLINE_MS	60000
#define EXPIRY_DEADLINE_MS	20000
#define REQUEST_TIMEOUT_MS	5000
#define CONNECT_TIMEOUT_MS	2000

static char client_url[64];

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

/* An owner ending its session: record and owner key, only while it owns. */
static void test_delete_if_lease(struct etcd_client *c)
{
	const char *owner = "/jumping/t/s/3/owner", *state = "/jumping/t/s/3/state";
	int64_t id = 0, ttl = 0;
	bool created = false, done = true;

	ok(etcd_lease_grant(c, 10, &id, &ttl) == ETCD_OK &&
	   etcd_create(c, owner, "gw-a", 4, id, &created, NULL) == ETCD_OK &&
	   created && etcd_put(c, state, "s", 1, 0) == ETCD_OK,
	   "delete-if-lease: an owner key under a lease, a record");
	ok(etcd_delete_if_lease(c, owner, id + 1, state, &done) == ETCD_OK &&
	   !done && key_exists(c, owner) && key_exists(c, state),
	   "delete-if-lease: under another lease, nothing deleted");
	ok(etcd_delete_if_lease(c, owner, id, state, &done) == ETCD_OK &&
	   done && !key_exists(c, owner) && !key_exists(c, state),
	   "delete-if-lease: under its lease, record and owner key gone");
	ok(etcd_delete_if_lease(c, owner, id, state, &done) == ETCD_OK && !done,
	   "delete-if-lease: again, the owner key gone: not done");
	etcd_lease_revoke(c, id);
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
	const char *ep = client_url;
	struct etcd_client *c = NULL;
	char err[256] = "";

	if (access(etcd, X_OK)) {
		ok(0, "etcd is installed");
		printf("# no %s: install etcd-server (tests/install-deps)\n",
		       etcd);
		return tap_done();
	}
	if (!etcd_server_start(etcd, START_DEADLINE_MS, client_url,
			       sizeof(client_url)))
		c = etcd_client_new(&ep, 1, REQUEST_TIMEOUT_MS,
				    CONNECT_TIMEOUT_MS, err, sizeof(err));
	if (!ok(c != NULL, "etcd started and answers through the gateway")) {
		if (err[0])
			printf("# %s\n", err);
		return tap_done();
	}
	test_keys(c);
	test_leases(c);
	test_delete_if_lease(c);
	test_failover();
	etcd_client_free(c);
	etcd_server_stop();
	return tap_done();
}
