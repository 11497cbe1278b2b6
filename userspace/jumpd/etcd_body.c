// SPDX-License-Identifier: GPL-2.0
/* JSON request bodies for etcd's v3 gateway (etcd.h); pure. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <sodium.h>
#include "etcd.h"

#define B64 sodium_base64_VARIANT_ORIGINAL

/* Bytes as the gateway's base64 string field; false on no memory. */
static bool add_b64(json_object *o, const char *name, const void *buf,
		    size_t len)
{
	size_t b64_len = sodium_base64_ENCODED_LEN(len, B64);
	json_object *s;
	char *b64;

	b64 = malloc(b64_len);
	if (!b64)
		return false;
	sodium_bin2base64(b64, b64_len, buf, len, B64);
	s = json_object_new_string(b64);
	free(b64);
	return s && !json_object_object_add(o, name, s);
}

/* proto3 JSON writes 64-bit integers as strings. */
static bool add_i64(json_object *o, const char *name, int64_t v)
{
	char buf[24];
	json_object *s;

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	s = json_object_new_string(buf);
	return s && !json_object_object_add(o, name, s);
}

static bool add_str(json_object *o, const char *name, const char *v)
{
	json_object *s = json_object_new_string(v);

	return s && !json_object_object_add(o, name, s);
}

static bool add_bool(json_object *o, const char *name, bool v)
{
	json_object *b = json_object_new_boolean(v);

	return b && !json_object_object_add(o, name, b);
}

/* The object as a malloc'd string; o is released either way. */
static char *finish(json_object *o, bool good)
{
	char *out = NULL;

	if (o && good)
		out = strdup(json_object_to_json_string_ext(o,
						JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return out;
}

/*
 * The end of the range of keys that start with key: key with its last
 * byte that is not 0xff raised by one, and what follows dropped. No
 * such byte: "\0", etcd's "to the end of the keyspace".
 */
static bool add_prefix_end(json_object *o, const char *key)
{
	size_t len = strlen(key);
	uint8_t *end = malloc(len + 1);
	bool good;

	if (!end)
		return false;
	memcpy(end, key, len);
	while (len && end[len - 1] == 0xff)
		len--;
	if (len) {
		end[len - 1]++;
	} else {
		end[0] = 0;
		len = 1;
	}
	good = add_b64(o, "range_end", end, len);
	free(end);
	return good;
}

static json_object *put_request(const char *key, const void *value,
				size_t len, int64_t lease, bool *good)
{
	json_object *o = json_object_new_object();

	*good = o && add_b64(o, "key", key, strlen(key)) &&
		add_b64(o, "value", value, len) &&
		(!lease || add_i64(o, "lease", lease));
	return o;
}

char *etcd_body_put(const char *key, const void *value, size_t len,
		    int64_t lease)
{
	bool good;
	json_object *o = put_request(key, value, len, lease, &good);

	return finish(o, good);
}

static json_object *range_request(const char *key, bool prefix, bool *good)
{
	json_object *o = json_object_new_object();

	*good = o && add_b64(o, "key", key, strlen(key)) &&
		(!prefix || add_prefix_end(o, key));
	return o;
}

char *etcd_body_range(const char *key, bool prefix)
{
	bool good;
	json_object *o = range_request(key, prefix, &good);

	return finish(o, good);
}

char *etcd_body_delete(const char *key, bool prefix)
{
	/* DeleteRangeRequest has the same key and range_end. */
	return etcd_body_range(key, prefix);
}

/* Add v to o under name; v is released if it cannot be. */
static bool take(json_object *o, const char *name, json_object *v)
{
	if (o && v && !json_object_object_add(o, name, v))
		return true;
	json_object_put(v);
	return false;
}

/* [v] (v taken), or NULL. */
static json_object *array_of(json_object *v)
{
	json_object *a = json_object_new_array();

	if (a && v && !json_object_array_add(a, v))
		return a;
	json_object_put(a);
	json_object_put(v);
	return NULL;
}

/* [{name: request}] as a txn's success or failure list (request taken). */
static json_object *txn_ops(const char *name, json_object *request,
			    bool good)
{
	json_object *op = json_object_new_object();

	if (!good) {
		json_object_put(request);
		request = NULL;
	}
	if (!take(op, name, request)) {
		json_object_put(op);
		return NULL;
	}
	return array_of(op);
}

/* A txn compare: target of key == v (a 64-bit field of the Compare). */
static json_object *compare_eq(const char *key, const char *target,
			       const char *field, int64_t v)
{
	json_object *cmp = json_object_new_object();

	if (cmp && add_str(cmp, "target", target) &&
	    add_b64(cmp, "key", key, strlen(key)) && add_i64(cmp, field, v) &&
	    add_str(cmp, "result", "EQUAL"))
		return cmp;
	json_object_put(cmp);
	return NULL;
}

char *etcd_body_create(const char *key, const void *value, size_t len,
		       int64_t lease)
{
	json_object *o = json_object_new_object();
	json_object *put, *get;
	bool good, put_good, get_good;

	put = put_request(key, value, len, lease, &put_good);
	get = range_request(key, false, &get_good);
	/* The key's create_revision is 0 exactly when it does not exist. */
	good = take(o, "compare", array_of(compare_eq(key, "CREATE",
						       "create_revision", 0)));
	good &= take(o, "success", txn_ops("request_put", put, put_good));
	good &= take(o, "failure", txn_ops("request_range", get, get_good));
	return finish(o, good);
}

char *etcd_body_put_if_lease(const char *guard, int64_t lease,
			     const char *key, const void *value, size_t len)
{
	json_object *o = json_object_new_object();
	json_object *put;
	bool good, put_good;

	put = put_request(key, value, len, 0, &put_good);
	/* A missing guard key compares as lease 0, so it fails too. */
	good = take(o, "compare", array_of(compare_eq(guard, "LEASE", "lease",
						       lease)));
	good &= take(o, "success", txn_ops("request_put", put, put_good));
	return finish(o, good);
}

char *etcd_body_delete_if_lease(const char *guard, int64_t lease,
				const char *key)
{
	json_object *o = json_object_new_object();
	json_object *ops = json_object_new_array(), *op, *del;
	const char *keys[2] = { key, guard };
	bool good, del_good;
	int i;

	good = take(o, "compare", array_of(compare_eq(guard, "LEASE", "lease",
						       lease)));
	/* The key first, its guard last: both in one txn anyway. */
	for (i = 0; i < 2; i++) {
		del = range_request(keys[i], false, &del_good);
		op = json_object_new_object();
		if (!del_good) {
			json_object_put(del);
			del = NULL;
		}
		if (!take(op, "request_delete_range", del) || !ops ||
		    json_object_array_add(ops, op)) {
			json_object_put(op);
			good = false;
		}
	}
	good &= take(o, "success", ops);
	return finish(o, good);
}

char *etcd_body_lease_grant(int64_t ttl_s)
{
	json_object *o = json_object_new_object();

	return finish(o, o && add_i64(o, "TTL", ttl_s));
}

char *etcd_body_lease_id(int64_t id)
{
	json_object *o = json_object_new_object();

	return finish(o, o && add_i64(o, "ID", id));
}

char *etcd_body_watch(const char *prefix, int64_t start_revision)
{
	json_object *o = json_object_new_object();
	json_object *noput = json_object_new_string("NOPUT");
	json_object *req;
	bool good;

	req = range_request(prefix, true, &good);
	good &= !start_revision || (req && add_i64(req, "start_revision",
						   start_revision));
	/* Puts are not wanted: an owner key is only ever created or gone. */
	good &= take(req, "filters", array_of(noput));
	/* Now and then the revision reached while idle (etcd's own
	 * interval, 10 min): a watch resumed after a break then starts
	 * from it, not from before a compaction. */
	good &= req && add_bool(req, "progress_notify", true);
	good &= take(o, "create_request", req);
	return finish(o, good);
}
