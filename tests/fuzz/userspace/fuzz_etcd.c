// SPDX-License-Identifier: GPL-2.0
/*
 * What jumpd reads from etcd (etcd.h, sealed.h) on any bytes: every
 * response parser on the input as a body, and the input as a sealed
 * record. Besides not crashing: a refusal always says why; what a range
 * gives has keys without NUL bytes and values NUL-terminated at their
 * length; a record not sealed under the key never opens, and one sealed
 * from the input opens back to it. The input as a session record's
 * plaintext (cluster_record.h): refused with a reason, or read and
 * encoded back to exactly the input (one encoding per record). The input
 * as a watch stream (etcd_watch_feed): the same events and verdict
 * whole and cut in two (at a place its first byte picks), a refusal with
 * a reason, and every deleted key a string of its own length.
 */
#include <string.h>
#include <sodium.h>
#include "cluster_record.h"
#include "etcd.h"
#include "fuzz.h"
#include "sealed.h"

#define NAME "/jumping/fuzz/sessions/00000001/state"

static void check_kvs(const struct etcd_kvs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		FUZZ_CHECK(r->kv[i].key && r->kv[i].value);
		FUZZ_CHECK(r->kv[i].value[r->kv[i].value_len] == 0);
	}
}

static void check_parsers(const char *body)
{
	struct etcd_kvs r;
	char err[256], msg[256];
	int64_t a, b;
	bool created;

	err[0] = 0;
	if (!etcd_parse_range(body, &r, err, sizeof(err))) {
		check_kvs(&r);
		etcd_kvs_free(&r);
	} else {
		FUZZ_CHECK(err[0]);
	}
	err[0] = 0;
	if (!etcd_parse_create(body, &created, &r, err, sizeof(err))) {
		if (!created) {
			check_kvs(&r);
			etcd_kvs_free(&r);
		}
	} else {
		FUZZ_CHECK(err[0]);
	}
	err[0] = 0;
	FUZZ_CHECK(!etcd_parse_put(body, &a, err, sizeof(err)) || err[0]);
	err[0] = 0;
	FUZZ_CHECK(!etcd_parse_delete(body, &a, err, sizeof(err)) || err[0]);
	err[0] = 0;
	if (!etcd_parse_lease_grant(body, &a, &b, err, sizeof(err)))
		FUZZ_CHECK(a != 0 && b > 0);
	else
		FUZZ_CHECK(err[0]);
	err[0] = 0;
	FUZZ_CHECK(!etcd_parse_keepalive(body, &a, err, sizeof(err)) ||
		   err[0]);
	err[0] = 0;
	FUZZ_CHECK(!etcd_parse_lease_ttl(body, &a, err, sizeof(err)) ||
		   err[0]);
	a = etcd_parse_error(body, msg, sizeof(msg));
	FUZZ_CHECK(a >= -1 && a <= 16 && (a >= 0 || !msg[0]));
}

static void check_sealed(const uint8_t *data, size_t size)
{
	uint8_t key[JD_SEALED_KEY_LEN], *plain, *rec;
	char err[256] = "";
	uint64_t version;
	size_t len;

	memset(key, 0x5a, sizeof(key));
	plain = malloc(size + 1);
	rec = malloc(size + JD_SEALED_OVERHEAD);
	FUZZ_CHECK(plain && rec);
	FUZZ_CHECK(jd_sealed_open(plain, &len, &version, data, size, NAME, 0,
				  key, err, sizeof(err)) && err[0]);
	if (size <= JD_SEALED_MAX_PLAIN) {
		FUZZ_CHECK(!jd_seal(rec, data, size, NAME, size, key));
		FUZZ_CHECK(!jd_sealed_open(plain, &len, &version, rec,
					   size + JD_SEALED_OVERHEAD, NAME,
					   size, key, err, sizeof(err)));
		FUZZ_CHECK(len == size && version == size &&
			   !memcmp(plain, data, size));
	}
	free(plain);
	free(rec);
}

static void check_record(const uint8_t *data, size_t size)
{
	static struct jd_cluster_record r;
	static uint8_t again[JD_RECORD_MAX_LEN];
	char err[160] = "";
	int n;

	if (jd_cluster_record_decode(&r, data, size, err, sizeof(err))) {
		FUZZ_CHECK(err[0]);
		return;
	}
	n = jd_cluster_record_encode(again, sizeof(again), &r);
	FUZZ_CHECK(n >= 0 && (size_t)n == size && !memcmp(again, data, size));
}

/* What a watch stream told, folded into a digest to compare. */
struct watch_seen {
	crypto_generichash_state h;
	unsigned n;
};

static int watch_event(void *ctx, const struct etcd_watch_event *ev)
{
	struct watch_seen *w = ctx;

	FUZZ_CHECK(ev->kind <= ETCD_WATCH_CANCELED);
	FUZZ_CHECK((ev->kind == ETCD_WATCH_DELETE) == (ev->key != NULL));
	crypto_generichash_update(&w->h, (const uint8_t *)&ev->kind,
				  sizeof(ev->kind));
	crypto_generichash_update(&w->h, (const uint8_t *)&ev->revision,
				  sizeof(ev->revision));
	if (ev->key)
		crypto_generichash_update(&w->h, (const uint8_t *)ev->key,
					  strlen(ev->key) + 1);
	w->n++;
	return 0;
}

/* The stream fed in pieces cut at cuts[]; its verdict, events into out. */
static int watch_feed(const uint8_t *data, size_t size, const size_t *cuts,
		      size_t n_cuts, uint8_t out[32])
{
	struct etcd_watch_parser *p = etcd_watch_parser_new();
	struct watch_seen w;
	char err[256];
	size_t at = 0, i;
	int ret = 0;

	FUZZ_CHECK(p);
	crypto_generichash_init(&w.h, NULL, 0, 32);
	w.n = 0;
	for (i = 0; i <= n_cuts && !ret; i++) {
		size_t end = i < n_cuts ? cuts[i] : size;

		err[0] = 0;
		ret = etcd_watch_feed(p, (const char *)data + at, end - at,
				      watch_event, &w, err, sizeof(err));
		FUZZ_CHECK(ret >= -1 && ret <= 1);
		FUZZ_CHECK(ret != -1 || err[0]);
		at = end;
	}
	crypto_generichash_final(&w.h, out, 32);
	etcd_watch_parser_free(p);
	return ret;
}

static void check_watch(const uint8_t *data, size_t size)
{
	uint8_t whole[32], split[32];
	size_t cut = size ? data[0] % (size + 1) : 0;
	int a, b;

	a = watch_feed(data, size, NULL, 0, whole);
	b = watch_feed(data, size, &cut, 1, split);
	FUZZ_CHECK(a == b && !memcmp(whole, split, sizeof(whole)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body = malloc(size + 1);

	FUZZ_CHECK(body && sodium_init() >= 0);
	memcpy(body, data, size);
	body[size] = 0;
	check_parsers(body);
	check_sealed(data, size);
	check_record(data, size);
	check_watch(data, size);
	free(body);
	return 0;
}
