// SPDX-License-Identifier: GPL-2.0
/* jumpd's status document: read, checked, printed (jd_status.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <json-c/json.h>
#include "jd_status.h"
#include "jumping_names.h"

/* jumpd answers at once; a jumpd that does not is not waited for long. */
#define FETCH_TIMEOUT_S		2
/* Far above any real document (256 peers x 128 paths x ~300 bytes). */
#define FETCH_MAX		(16u << 20)

static void warn(const char *dev, const char *path, const char *why)
{
	fprintf(stderr, "jumpctl: %s: jumpd's status at %s: %s; paths left out\n",
		dev, path, why);
}

/* Everything until EOF; NULL on a read error, a timeout or too much. */
static char *read_all(int fd, size_t *len, const char **why)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap), *nb;
	ssize_t got;

	while (buf) {
		if (n == cap) {
			if (cap >= FETCH_MAX) {
				*why = "too large";
				break;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				*why = strerror(ENOMEM);
				break;
			}
			buf = nb;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			*why = errno == EAGAIN || errno == EWOULDBLOCK ?
			       "no answer in time" : strerror(errno);
			break;
		}
		if (!got) {
			*len = n;
			return buf;
		}
		n += (size_t)got;
	}
	free(buf);
	return NULL;
}

struct jd_status *jd_status_fetch(const char *dir, const char *dev)
{
	struct timeval tv = { .tv_sec = FETCH_TIMEOUT_S };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *why = "";
	struct jd_status *st = NULL;
	char err[256], *doc;
	size_t len = 0;
	int fd, n;

	n = snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s.sock", dir,
		     dev);
	if (n < 0 || (size_t)n >= sizeof(sun.sun_path))
		return NULL;	/* jumpd could not have made it either */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	/* A connect to a full backlog waits SO_SNDTIMEO, a read SO_RCVTIMEO. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* No jumpd there, a stale socket, not ours to read: nothing to add. */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		close(fd);
		return NULL;
	}
	doc = read_all(fd, &len, &why);
	close(fd);
	if (!doc) {
		warn(dev, sun.sun_path, why);
		return NULL;
	}
	st = jd_status_parse(doc, len, dev, err, sizeof(err));
	if (!st)
		warn(dev, sun.sun_path, err);
	free(doc);
	return st;
}

static struct json_object *member(struct json_object *obj, const char *key,
				  enum json_type type)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

/* A non-negative integer member up to max; -1 if absent or out of range. */
static int member_u64(struct json_object *obj, const char *key, uint64_t max,
		      uint64_t *out)
{
	struct json_object *v = member(obj, key, json_type_int);

	/* Negative: get_int64 says so; above INT64_MAX: get_uint64 has it. */
	if (!v || json_object_get_int64(v) < 0)
		return -1;
	*out = json_object_get_uint64(v);
	return *out > max ? -1 : 0;
}

static int member_str(struct json_object *obj, const char *key, char *buf,
		      size_t len)
{
	struct json_object *v = member(obj, key, json_type_string);

	if (!v || (size_t)json_object_get_string_len(v) >= len)
		return -1;
	memcpy(buf, json_object_get_string(v),
	       (size_t)json_object_get_string_len(v) + 1);
	return 0;
}

/* An optional one: absent leaves *has false; present, it must be valid. */
static int member_u64_opt(struct json_object *obj, const char *key,
			  uint64_t max, uint64_t *out, bool *has)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v))
		return 0;
	*has = true;
	return member_u64(obj, key, max, out);
}

static int member_bool(struct json_object *obj, const char *key, bool *out)
{
	struct json_object *v = member(obj, key, json_type_boolean);

	if (!v)
		return -1;
	*out = json_object_get_boolean(v);
	return 0;
}

static int take_path(struct json_object *obj, struct jd_status_path *p)
{
	uint64_t loss, settled;

	if (!json_object_is_type(obj, json_type_object) ||
	    member_str(obj, "path", p->path, sizeof(p->path)) ||
	    member_str(obj, "state", p->state, sizeof(p->state)) ||
	    member_bool(obj, "active", &p->active) ||
	    member_bool(obj, "usable", &p->usable) ||
	    member_u64(obj, "srtt_us", UINT64_MAX, &p->srtt_us) ||
	    member_u64(obj, "rttvar_us", UINT64_MAX, &p->rttvar_us) ||
	    member_u64(obj, "loss_permille", 1000, &loss) ||
	    member_u64(obj, "settled", UINT32_MAX, &settled))
		return -1;
	p->loss_permille = (unsigned int)loss;
	p->settled = (unsigned int)settled;
	return 0;
}

/*
 * Counts by reason name ({"handshake-done": 1}); absent is all zero. A
 * reason this jumpctl does not know is skipped: a newer jumpd may add one.
 */
static int take_reasons(struct json_object *obj, const char *key,
			struct jd_status_reasons *r)
{
	struct json_object *v, *counts = member(obj, key, json_type_object);
	uint16_t reason;
	uint64_t n;

	if (!counts)
		return json_object_object_get_ex(obj, key, &v) ? -1 : 0;
	json_object_object_foreach(counts, name, val) {
		(void)val;
		if (member_u64(counts, name, UINT64_MAX, &n))
			return -1;
		if (!parse_reason(name, &reason) && reason < __JUMPING_REASON_MAX)
			r->n[reason] = n;
	}
	return 0;
}

/* What a session record may have besides its id and paths: all optional. */
static int take_session_facts(struct json_object *obj,
			      struct jd_status_session *s)
{
	struct json_object *v;

	if ((json_object_object_get_ex(obj, "peer", &v) &&
	     member_str(obj, "peer", s->peer, sizeof(s->peer))) ||
	    (json_object_object_get_ex(obj, "state", &v) &&
	     member_str(obj, "state", s->state, sizeof(s->state))))
		return -1;
	if (member_u64_opt(obj, "state_age_ms", UINT64_MAX, &s->state_age_ms,
			   &s->has_state_age) ||
	    member_u64_opt(obj, "handshake_age_ms", UINT64_MAX,
			   &s->handshake_age_ms, &s->has_handshake_age))
		return -1;
	return take_reasons(obj, "state_changes", &s->state_changes) ||
	       take_reasons(obj, "reattaches", &s->reattaches) ||
	       take_reasons(obj, "reattach_rejected", &s->reattach_rejected);
}

static int take_session(struct json_object *obj, struct jd_status_session *s)
{
	struct json_object *paths;
	uint64_t id;
	size_t i, n;

	if (!json_object_is_type(obj, json_type_object) ||
	    member_u64(obj, "session", UINT32_MAX, &id) ||
	    !(paths = member(obj, "paths", json_type_array)) ||
	    take_session_facts(obj, s))
		return -1;
	s->id = (uint32_t)id;
	n = json_object_array_length(paths);
	if (!n)
		return 0;	/* a responder: the initiator has the paths */
	s->paths = calloc(n, sizeof(*s->paths));
	if (!s->paths)
		return -1;
	s->n_paths = (unsigned int)n;
	for (i = 0; i < n; i++)
		if (take_path(json_object_array_get_idx(paths, i),
			      &s->paths[i]))
			return -1;
	return 0;
}

/* A clustered gateway's part; serve_left_ms is there while serving. */
static int take_cluster(struct json_object *obj, struct jd_status_cluster *c)
{
	uint64_t takeovers;

	if (!json_object_is_type(obj, json_type_object) ||
	    member_str(obj, "node", c->node, sizeof(c->node)) ||
	    member_str(obj, "state", c->state, sizeof(c->state)) ||
	    member_bool(obj, "watching", &c->watching) ||
	    member_u64(obj, "takeovers", UINT32_MAX, &takeovers) ||
	    member_u64_opt(obj, "serve_left_ms", UINT64_MAX, &c->serve_left_ms,
			   &c->has_serve_left))
		return -1;
	c->takeovers = (unsigned int)takeovers;
	return 0;
}

/* The whole input is one JSON value (and white space). */
static struct json_object *parse_one(const char *doc, size_t len)
{
	struct json_tokener *tok;
	struct json_object *obj;
	size_t end;

	if (len > INT32_MAX)
		return NULL;
	tok = json_tokener_new();
	if (!tok)
		return NULL;
	obj = json_tokener_parse_ex(tok, doc, (int)len);
	if (obj && json_tokener_get_error(tok) == json_tokener_success) {
		for (end = json_tokener_get_parse_end(tok); end < len; end++)
			if (!strchr(" \t\r\n", doc[end]))
				break;
		if (end < len) {
			json_object_put(obj);
			obj = NULL;
		}
	} else {
		/* Incomplete (a truncated document) or broken. */
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

struct jd_status *jd_status_parse(const char *doc, size_t len,
				  const char *dev, char *err, size_t errlen)
{
	struct json_object *top, *v, *sessions, *cluster;
	struct jd_status *st = NULL;
	size_t i, n;

	top = parse_one(doc, len);
	if (!top || !json_object_is_type(top, json_type_object)) {
		snprintf(err, errlen, "not a complete JSON object");
		goto out;
	}
	v = member(top, "device", json_type_string);
	if (!v) {
		snprintf(err, errlen, "no device name");
		goto out;
	}
	if (strcmp(json_object_get_string(v), dev)) {
		snprintf(err, errlen, "it is about another device");
		goto out;
	}
	sessions = member(top, "sessions", json_type_array);
	if (!sessions) {
		snprintf(err, errlen, "no sessions list");
		goto out;
	}
	st = calloc(1, sizeof(*st));
	n = json_object_array_length(sessions);
	if (st && n)
		st->s = calloc(n, sizeof(*st->s));
	if (!st || (n && !st->s)) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		jd_status_free(st);
		st = NULL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		/* Counted first: what was taken is freed on failure. */
		st->n++;
		if (take_session(json_object_array_get_idx(sessions, i),
				 &st->s[i])) {
			snprintf(err, errlen, "session %zu is malformed", i);
			jd_status_free(st);
			st = NULL;
			goto out;
		}
	}
	if (json_object_object_get_ex(top, "cluster", &cluster)) {
		if (take_cluster(cluster, &st->cluster)) {
			snprintf(err, errlen, "its cluster part is malformed");
			jd_status_free(st);
			st = NULL;
			goto out;
		}
		st->has_cluster = true;
	}
out:
	json_object_put(top);
	return st;
}

void jd_status_free(struct jd_status *st)
{
	unsigned int i;

	if (!st)
		return;
	for (i = 0; i < st->n; i++)
		free(st->s[i].paths);
	free(st->s);
	free(st);
}

const struct jd_status_session *jd_status_session(const struct jd_status *st,
						  uint32_t id)
{
	unsigned int i;

	for (i = 0; st && i < st->n; i++)
		if (st->s[i].id == id)
			return &st->s[i];
	return NULL;
}

/* Text: microseconds as milliseconds with one decimal. */
static void ms1(char *buf, size_t len, uint64_t us)
{
	snprintf(buf, len, "%" PRIu64 ".%" PRIu64, us / 1000,
		 (us % 1000) / 100);
}

static void out_path(struct out *o, const struct jd_status_path *p)
{
	char line[sizeof(p->path) + sizeof(p->state) + 256];
	char rtt[64], loss[48], srtt[24], var[24];

	if (o->mode == OUT_JSON) {
		out_record_begin(o, NULL);
		out_str(o, "path", "path", p->path);
		out_str(o, "state", "state", p->state);
		out_bool(o, "active", "active", p->active);
		out_bool(o, "usable", "usable", p->usable);
		out_u64(o, "srtt_us", "srtt us", p->srtt_us);
		out_u64(o, "rttvar_us", "rttvar us", p->rttvar_us);
		out_u64(o, "loss_permille", "loss permille", p->loss_permille);
		out_u64(o, "settled", "settled", p->settled);
		out_record_end(o);
		return;
	}
	if (p->srtt_us) {
		ms1(srtt, sizeof(srtt), p->srtt_us);
		ms1(var, sizeof(var), p->rttvar_us);
		snprintf(rtt, sizeof(rtt), "rtt %s ms (var %s)", srtt, var);
	} else {
		snprintf(rtt, sizeof(rtt), "rtt -");
	}
	if (p->settled)
		snprintf(loss, sizeof(loss), "loss %u.%u%% of %u",
			 p->loss_permille / 10, p->loss_permille % 10,
			 p->settled);
	else
		snprintf(loss, sizeof(loss), "loss -");
	snprintf(line, sizeof(line), "%s  %s  %s  %s%s%s", p->path, p->state,
		 rtt, loss, p->active ? "  active" : "",
		 p->usable ? "" : "  unusable");
	out_str(o, NULL, "path", line);
}

void out_paths(struct out *o, const struct jd_status_session *s)
{
	unsigned int i;

	out_list_begin(o, "paths");
	for (i = 0; i < s->n_paths; i++)
		out_path(o, &s->paths[i]);
	out_list_end(o);
}

void out_jd_cluster(struct out *o, const struct jd_status_cluster *c)
{
	out_record_begin(o, "cluster");
	out_str(o, "node", "cluster node", c->node);
	out_str(o, "state", "cluster state", c->state);
	if (c->has_serve_left)
		out_u64(o, "serve_left_ms", "cluster serves without a renewal ms",
			c->serve_left_ms);
	out_bool(o, "watching", "cluster watches owner keys", c->watching);
	out_u64(o, "takeovers", "cluster takeovers in hand", c->takeovers);
	out_record_end(o);
}

void out_jd_session(struct out *o, const struct jd_status_session *s)
{
	unsigned int i;

	for (i = 0; i < s->n_paths; i++)
		if (s->paths[i].active)
			out_str(o, "endpoint", "endpoint", s->paths[i].path);
	if (s->has_handshake_age)
		out_u64(o, "handshake_age_ms", "last handshake ms ago",
			s->handshake_age_ms);
}
