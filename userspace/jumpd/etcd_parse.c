// SPDX-License-Identifier: GPL-2.0
/* Parsers of etcd's v3 gateway responses (etcd.h); pure. */
#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <sodium.h>
#include "etcd.h"

/* The gateway's answers are small; more is not an answer from it. */
#define ETCD_BODY_MAX	(4 << 20)

static json_object *parse_object(const char *body, char *err, size_t errlen)
{
	json_object *o;

	if (!body || strlen(body) > ETCD_BODY_MAX) {
		snprintf(err, errlen, "no response body, or one over %d bytes",
			 ETCD_BODY_MAX);
		return NULL;
	}
	o = json_tokener_parse(body);
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		snprintf(err, errlen, "response is not a JSON object");
		return NULL;
	}
	return o;
}

/*
 * A 64-bit integer field: a string of digits (proto3 JSON) or a number.
 * Absent is 0, as proto3 JSON leaves defaults out. 0 or -1 with err.
 */
static int get_i64(json_object *o, const char *name, int64_t *out,
		   char *err, size_t errlen)
{
	json_object *v;
	const char *s;
	char *end;
	long long n;

	*out = 0;
	if (!json_object_object_get_ex(o, name, &v) || !v)
		return 0;
	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_int64(v);
		return 0;
	}
	if (json_object_is_type(v, json_type_string)) {
		s = json_object_get_string(v);
		errno = 0;
		n = strtoll(s, &end, 10);
		if (*s && !*end && !errno) {
			*out = n;
			return 0;
		}
	}
	snprintf(err, errlen, "field %s is not a 64-bit integer", name);
	return -1;
}

/* A base64 field as malloc'd bytes (NUL-terminated); absent is empty. */
static int get_bytes(json_object *o, const char *name, uint8_t **out,
		     size_t *out_len, char *err, size_t errlen)
{
	const char *b64 = "", *end;
	size_t b64_len, len = 0;
	json_object *v;
	uint8_t *buf;

	if (json_object_object_get_ex(o, name, &v) && v) {
		if (!json_object_is_type(v, json_type_string)) {
			snprintf(err, errlen, "field %s is not a string", name);
			return -1;
		}
		b64 = json_object_get_string(v);
	}
	b64_len = strlen(b64);
	buf = malloc(b64_len / 4 * 3 + 4);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (sodium_base642bin(buf, b64_len / 4 * 3 + 3, b64, b64_len, NULL,
			      &len, &end, sodium_base64_VARIANT_ORIGINAL) ||
	    end != b64 + b64_len) {
		free(buf);
		snprintf(err, errlen, "field %s is not base64", name);
		return -1;
	}
	buf[len] = 0;
	*out = buf;
	*out_len = len;
	return 0;
}

void etcd_kvs_free(struct etcd_kvs *kvs)
{
	for (size_t i = 0; i < kvs->n; i++) {
		free(kvs->kv[i].key);
		free(kvs->kv[i].value);
	}
	free(kvs->kv);
	memset(kvs, 0, sizeof(*kvs));
}

static int parse_kv(json_object *o, struct etcd_kv *kv, char *err,
		    size_t errlen)
{
	size_t key_len;

	if (!json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "a kvs entry is not an object");
		return -1;
	}
	if (get_bytes(o, "key", (uint8_t **)&kv->key, &key_len, err, errlen))
		return -1;
	if (get_bytes(o, "value", &kv->value, &kv->value_len, err, errlen) ||
	    get_i64(o, "create_revision", &kv->create_revision, err, errlen) ||
	    get_i64(o, "mod_revision", &kv->mod_revision, err, errlen) ||
	    get_i64(o, "version", &kv->version, err, errlen) ||
	    get_i64(o, "lease", &kv->lease, err, errlen))
		return -1;
	if (strlen(kv->key) != key_len) {
		snprintf(err, errlen, "a key holds a NUL byte");
		return -1;
	}
	return 0;
}

/* A RangeResponse object (top level, or inside a txn's responses). */
static int parse_range_object(json_object *o, struct etcd_kvs *out,
			      char *err, size_t errlen)
{
	json_object *header, *kvs, *more;
	struct etcd_kvs r = { 0 };
	size_t n = 0;

	if (json_object_object_get_ex(o, "header", &header) &&
	    get_i64(header, "revision", &r.revision, err, errlen))
		return -1;
	if (json_object_object_get_ex(o, "more", &more))
		r.more = json_object_get_boolean(more);
	if (json_object_object_get_ex(o, "kvs", &kvs) && kvs) {
		if (!json_object_is_type(kvs, json_type_array)) {
			snprintf(err, errlen, "kvs is not an array");
			return -1;
		}
		n = json_object_array_length(kvs);
	}
	r.kv = calloc(n ? n : 1, sizeof(*r.kv));
	if (!r.kv) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (r.n = 0; r.n < n; r.n++) {
		if (parse_kv(json_object_array_get_idx(kvs, r.n), &r.kv[r.n],
			     err, errlen)) {
			r.n++;	/* its partial allocations too */
			etcd_kvs_free(&r);
			return -1;
		}
	}
	*out = r;
	return 0;
}

static int parse_header_revision(const char *body, int64_t *revision,
				 char *err, size_t errlen)
{
	json_object *o = parse_object(body, err, errlen), *header;
	int ret = -1;

	if (!o)
		return -1;
	if (!json_object_object_get_ex(o, "header", &header))
		snprintf(err, errlen, "response has no header");
	else
		ret = get_i64(header, "revision", revision, err, errlen);
	json_object_put(o);
	return ret;
}

/* A response whose one wanted field is a top-level integer. */
static int parse_top_i64(const char *body, const char *name, int64_t *out,
			 char *err, size_t errlen)
{
	json_object *o = parse_object(body, err, errlen);
	int ret;

	if (!o)
		return -1;
	ret = get_i64(o, name, out, err, errlen);
	json_object_put(o);
	return ret;
}

int etcd_parse_put(const char *body, int64_t *revision, char *err,
		   size_t errlen)
{
	return parse_header_revision(body, revision, err, errlen);
}

int etcd_parse_range(const char *body, struct etcd_kvs *out, char *err,
		     size_t errlen)
{
	json_object *o = parse_object(body, err, errlen);
	int ret;

	if (!o)
		return -1;
	ret = parse_range_object(o, out, err, errlen);
	json_object_put(o);
	return ret;
}

int etcd_parse_delete(const char *body, int64_t *deleted, char *err,
		      size_t errlen)
{
	return parse_top_i64(body, "deleted", deleted, err, errlen);
}

int etcd_parse_create(const char *body, bool *created,
		      struct etcd_kvs *holder, char *err, size_t errlen)
{
	json_object *o = parse_object(body, err, errlen);
	json_object *v, *responses, *range = NULL;
	int ret = -1;

	if (!o)
		return -1;
	*created = json_object_object_get_ex(o, "succeeded", &v) &&
		   json_object_get_boolean(v);
	if (*created || !holder) {
		ret = 0;
		goto out;
	}
	/* The failure branch read the key: responses[0].response_range. */
	if (json_object_object_get_ex(o, "responses", &responses) &&
	    json_object_is_type(responses, json_type_array) &&
	    json_object_array_length(responses) == 1)
		json_object_object_get_ex(json_object_array_get_idx(responses,
						0), "response_range", &range);
	if (!json_object_is_type(range, json_type_object))
		snprintf(err, errlen, "txn failed without the key's range");
	else
		ret = parse_range_object(range, holder, err, errlen);
out:
	json_object_put(o);
	return ret;
}

int etcd_parse_lease_grant(const char *body, int64_t *id, int64_t *ttl,
			   char *err, size_t errlen)
{
	json_object *o = parse_object(body, err, errlen), *v;
	int ret = -1;

	if (!o)
		return -1;
	/* LeaseGrantResponse has an error string of its own. */
	if (json_object_object_get_ex(o, "error", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    *json_object_get_string(v))
		snprintf(err, errlen, "lease not granted: %s",
			 json_object_get_string(v));
	else if (!get_i64(o, "ID", id, err, errlen) &&
		 !get_i64(o, "TTL", ttl, err, errlen)) {
		ret = 0;
		if (*id == 0 || *ttl <= 0) {
			snprintf(err, errlen, "lease grant without ID or TTL");
			ret = -1;
		}
	}
	json_object_put(o);
	return ret;
}

int etcd_parse_keepalive(const char *body, int64_t *ttl, char *err,
			 size_t errlen)
{
	json_object *o = parse_object(body, err, errlen), *v;
	int ret = -1;

	if (!o)
		return -1;
	/* A stream's message: {"result": {...}} or {"error": {...}}. */
	if (json_object_object_get_ex(o, "result", &v) &&
	    json_object_is_type(v, json_type_object)) {
		ret = get_i64(v, "TTL", ttl, err, errlen);
	} else if (json_object_object_get_ex(o, "error", &v)) {
		json_object *msg = NULL;

		json_object_object_get_ex(v, "message", &msg);
		snprintf(err, errlen, "keepalive failed: %s",
			 msg ? json_object_get_string(msg) :
			 json_object_to_json_string(v));
	} else {
		snprintf(err, errlen, "keepalive answer has no result");
	}
	json_object_put(o);
	return ret;
}

int etcd_parse_lease_ttl(const char *body, int64_t *ttl, char *err,
			 size_t errlen)
{
	return parse_top_i64(body, "TTL", ttl, err, errlen);
}

int etcd_parse_error(const char *body, char *msg, size_t msglen)
{
	json_object *o, *v;
	int64_t code = -1;
	char err[64];

	msg[0] = 0;
	o = body ? parse_object(body, err, sizeof(err)) : NULL;
	if (!o)
		return -1;
	if ((json_object_object_get_ex(o, "message", &v) ||
	     json_object_object_get_ex(o, "error", &v)) &&
	    json_object_is_type(v, json_type_string) &&
	    json_object_object_get_ex(o, "code", NULL) &&
	    !get_i64(o, "code", &code, err, sizeof(err)) &&
	    code >= 0 && code <= 16)	/* the gRPC codes */
		snprintf(msg, msglen, "%s", json_object_get_string(v));
	else
		code = -1;
	json_object_put(o);
	return (int)code;
}

/* --- the watch stream --------------------------------------------- */

/*
 * One watch response, or the objects around one, at most: more than this
 * without an object's end is not etcd's stream, and json-c would hold
 * all of it.
 */
#define ETCD_WATCH_OBJECT_MAX	ETCD_BODY_MAX

struct etcd_watch_parser {
	json_tokener *tok;
	size_t pending;		/* fed since the last object ended */
	bool within;		/* the tokener holds part of an object */
	bool spent;		/* refused once: no more */
	char *held;		/* a chunk's last bytes, kept for the next */
	size_t held_len;
};

struct etcd_watch_parser *etcd_watch_parser_new(void)
{
	struct etcd_watch_parser *p = calloc(1, sizeof(*p));

	if (p)
		p->tok = json_tokener_new();
	if (!p || !p->tok) {
		free(p);
		return NULL;
	}
	/*
	 * Strict: json-c's lenient extras (comments, loose numbers) read
	 * differently when a chunk ends inside them; etcd writes none.
	 * Trailing characters are the stream's next object.
	 */
	json_tokener_set_flags(p->tok, JSON_TOKENER_STRICT |
			       JSON_TOKENER_ALLOW_TRAILING_CHARS);
	return p;
}

void etcd_watch_parser_free(struct etcd_watch_parser *p)
{
	if (!p)
		return;
	json_tokener_free(p->tok);
	free(p->held);
	free(p);
}

/* A stream's error message: {"error": {"message": ...}} mid-stream, or
 * {"error": "...", "code": N} when the watch was not even started. */
static void watch_error(json_object *v, char *err, size_t errlen)
{
	json_object *msg = NULL;

	if (json_object_is_type(v, json_type_object))
		json_object_object_get_ex(v, "message", &msg);
	else
		msg = v;
	snprintf(err, errlen, "watch failed: %.200s",
		 msg ? json_object_get_string(msg) : "no message");
}

/* The events of one response, as DELETEs and their BATCH_END. */
static int watch_events(json_object *events, etcd_watch_fn on_event,
			void *ctx, char *err, size_t errlen)
{
	struct etcd_watch_event ev = { .kind = ETCD_WATCH_DELETE };
	size_t n = json_object_array_length(events), i, key_len;
	int64_t last = 0;
	json_object *e, *type, *kv;
	uint8_t *key;
	int ret;

	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(events, i);
		if (!json_object_is_type(e, json_type_object) ||
		    !json_object_object_get_ex(e, "kv", &kv) ||
		    !json_object_is_type(kv, json_type_object)) {
			snprintf(err, errlen, "a watch event without its kv");
			return -1;
		}
		if (get_i64(kv, "mod_revision", &ev.revision, err, errlen))
			return -1;
		last = ev.revision > last ? ev.revision : last;
		/* PUT is the default, so left out; only deletes matter. */
		if (!json_object_object_get_ex(e, "type", &type) ||
		    !json_object_is_type(type, json_type_string) ||
		    strcmp(json_object_get_string(type), "DELETE"))
			continue;
		if (get_bytes(kv, "key", &key, &key_len, err, errlen))
			return -1;
		if (strlen((char *)key) != key_len) {
			free(key);
			snprintf(err, errlen, "a key holds a NUL byte");
			return -1;
		}
		ev.key = (char *)key;
		ret = on_event(ctx, &ev);
		free(key);
		if (ret)
			return ret;
	}
	ev.kind = ETCD_WATCH_BATCH_END;
	ev.key = NULL;
	ev.revision = last;
	return on_event(ctx, &ev);
}

/* One object of the stream: its events told. */
static int watch_object(json_object *o, etcd_watch_fn on_event, void *ctx,
			char *err, size_t errlen)
{
	struct etcd_watch_event ev = { .kind = ETCD_WATCH_PROGRESS };
	json_object *r, *header, *v, *events = NULL;
	int ret;

	if (!json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "watch response is not a JSON object");
		return -1;
	}
	if (json_object_object_get_ex(o, "error", &v)) {
		watch_error(v, err, errlen);
		return -1;
	}
	if (!json_object_object_get_ex(o, "result", &r) ||
	    !json_object_is_type(r, json_type_object)) {
		snprintf(err, errlen, "watch response has no result");
		return -1;
	}
	if (json_object_object_get_ex(r, "header", &header) &&
	    get_i64(header, "revision", &ev.revision, err, errlen))
		return -1;
	if (json_object_object_get_ex(r, "canceled", &v) &&
	    json_object_get_boolean(v)) {
		ev.kind = ETCD_WATCH_CANCELED;
		if (get_i64(r, "compact_revision", &ev.revision, err, errlen))
			return -1;
		ret = on_event(ctx, &ev);
		return ret ? ret : 1;
	}
	if (json_object_object_get_ex(r, "created", &v) &&
	    json_object_get_boolean(v))
		ev.kind = ETCD_WATCH_CREATED;
	if (json_object_object_get_ex(r, "events", &events) && events &&
	    !json_object_is_type(events, json_type_array)) {
		snprintf(err, errlen, "watch events are not an array");
		return -1;
	}
	if (events && json_object_array_length(events)) {
		/* A created response carries none; if it did, both. */
		if (ev.kind == ETCD_WATCH_CREATED) {
			ret = on_event(ctx, &ev);
			if (ret)
				return ret;
		}
		return watch_events(events, on_event, ctx, err, errlen);
	}
	return on_event(ctx, &ev);
}

static int feed(struct etcd_watch_parser *p, const char *buf, size_t len,
		etcd_watch_fn on_event, void *ctx, char *err, size_t errlen)
{
	enum json_tokener_error jerr;
	json_object *o;
	size_t used;
	int ret;

	if (p->spent) {
		snprintf(err, errlen, "watch stream refused already");
		return -1;
	}
	while (len) {
		size_t slice;

		/*
		 * Between objects: whitespace, then an object's '{'. Told
		 * here, as json-c's top-level scalars (a number at a chunk's
		 * end may go on) would read differently cut elsewhere.
		 */
		if (!p->within) {
			if (*buf && strchr(" \t\r\n", *buf)) {
				buf++;
				len--;
				continue;
			}
			if (*buf != '{') {
				snprintf(err, errlen, "watch response is not "
					 "a JSON object");
				goto refused;
			}
			p->within = true;
		}
		/* Whole: a cut inside a number would read differently
		 * (below). json-c takes an int length. */
		if (len > INT_MAX) {
			snprintf(err, errlen, "watch chunk too long");
			goto refused;
		}
		slice = len;
		o = json_tokener_parse_ex(p->tok, buf, (int)slice);
		jerr = json_tokener_get_error(p->tok);
		if (jerr == json_tokener_continue) {
			/* All of the slice taken, the object goes on. */
			p->pending += slice;
			if (p->pending > ETCD_WATCH_OBJECT_MAX) {
				snprintf(err, errlen, "watch response over %d "
					 "bytes", ETCD_WATCH_OBJECT_MAX);
				goto refused;
			}
			buf += slice;
			len -= slice;
			continue;
		}
		if (jerr != json_tokener_success) {
			snprintf(err, errlen, "watch stream is not JSON: %s",
				 json_tokener_error_desc(jerr));
			goto refused;
		}
		used = json_tokener_get_parse_end(p->tok);
		if (!used || used > slice)
			used = slice;	/* cannot be; never loop on it */
		buf += used;
		len -= used;
		p->pending = 0;
		p->within = false;
		json_tokener_reset(p->tok);
		ret = watch_object(o, on_event, ctx, err, errlen);
		json_object_put(o);
		if (ret < 0)
			goto refused;
		if (ret)
			return ret;
	}
	return 0;
refused:
	p->spent = true;
	return -1;
}

/* What json-c may take as part of a number. */
static bool number_char(char ch)
{
	return (ch >= '0' && ch <= '9') || ch == '-' || ch == '+' ||
	       ch == '.' || ch == 'e' || ch == 'E';
}

int etcd_watch_feed(struct etcd_watch_parser *p, const char *buf,
		    size_t len, etcd_watch_fn on_event, void *ctx,
		    char *err, size_t errlen)
{
	const char *data = buf;
	size_t hold = 0;
	int ret;

	if (p->spent) {
		snprintf(err, errlen, "watch stream refused already");
		return -1;
	}
	/*
	 * json-c reads a number that a chunk's end cuts as ended by the
	 * next chunk's first byte even when that byte is a number's too
	 * ("15" then "-}" reads 15). So a chunk's trailing run of such
	 * bytes waits for the next chunk: json-c never sees a cut there.
	 */
	if (p->held_len) {
		char *grown;

		if (len > ETCD_WATCH_OBJECT_MAX - p->held_len) {
			snprintf(err, errlen, "watch response over %d bytes",
				 ETCD_WATCH_OBJECT_MAX);
			p->spent = true;
			return -1;
		}
		grown = realloc(p->held, p->held_len + len);
		if (!grown) {
			snprintf(err, errlen, "out of memory");
			p->spent = true;
			return -1;
		}
		memcpy(grown + p->held_len, buf, len);
		p->held = grown;
		len += p->held_len;
		p->held_len = 0;
		data = grown;
	}
	while (hold < len && number_char(data[len - 1 - hold]))
		hold++;
	ret = feed(p, data, len - hold, on_event, ctx, err, errlen);
	/* Between objects they are not an object's: refused at once. */
	if (!ret && hold && !p->within)
		ret = feed(p, data + len - hold, hold, on_event, ctx, err,
			   errlen);
	else if (!ret && hold) {
		if (data != p->held) {
			char *kept = malloc(hold);

			if (!kept) {
				snprintf(err, errlen, "out of memory");
				p->spent = true;
				return -1;
			}
			free(p->held);
			p->held = kept;
		}
		memmove(p->held, data + len - hold, hold);
		p->held_len = hold;
	}
	return ret;
}
