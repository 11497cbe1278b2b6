// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON string writer (jumping_json.h) and jumpd's audit lines
 * (audit.h) on any bytes: as a string to escape, and as an audit record
 * whose peer name and event are the input. Besides not crashing: the
 * output is always valid JSON (one object per audit line), and ASCII
 * comes back unchanged.
 */
#include <string.h>
#include <json-c/json_tokener.h>
#include <json-c/json_object.h>
#include "audit.h"
#include "fuzz.h"
#include "jumping_json.h"

static struct json_object *parse_all(const char *buf, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj;
	size_t end;

	FUZZ_CHECK(tok);
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	end = obj ? json_tokener_get_parse_end(tok) : 0;
	while (end < len && buf[end] == '\n')
		end++;
	if (!obj || end != len) {
		fprintf(stderr, "not one JSON value: %.*s\n", (int)len, buf);
		FUZZ_CHECK(!"invalid JSON");
	}
	json_tokener_free(tok);
	return obj;
}

static void check_string(const char *s)
{
	struct json_object *obj;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);
	int ascii = 1;

	FUZZ_CHECK(f);
	json_write_string(f, s);
	fclose(f);
	obj = parse_all(buf, len);
	FUZZ_CHECK(json_object_is_type(obj, json_type_string));
	for (i = 0; s[i]; i++)
		ascii &= (unsigned char)s[i] < 0x80;
	if (ascii)
		FUZZ_CHECK(!strcmp(json_object_get_string(obj), s));
	json_object_put(obj);
	free(buf);
}

static void take(void *dst, size_t n, const uint8_t **p, size_t *left)
{
	size_t k = n < *left ? n : *left;

	memset(dst, 0, n);
	memcpy(dst, *p, k);
	*p += k;
	*left -= k;
}

static void check_audit(const uint8_t *data, size_t size, const char *s)
{
	struct jp_audit_rec r;
	struct json_object *obj, *peer;
	const uint8_t *p = data;
	size_t left = size, len = 0;
	char *buf = NULL;
	FILE *f;
	uint32_t nsec;
	uint8_t st[2];
	uint16_t reason;

	memset(&r, 0, sizeof(r));
	take(&r.mono_ms, sizeof(r.mono_ms), &p, &left);
	take(&r.wall.tv_sec, sizeof(r.wall.tv_sec), &p, &left);
	take(&nsec, sizeof(nsec), &p, &left);
	r.wall.tv_nsec = nsec % 1000000000;	/* what a clock gives */
	take(&r.session_id, sizeof(r.session_id), &p, &left);
	take(st, sizeof(st), &p, &left);
	r.old_state = st[0];
	r.new_state = st[1];
	take(&reason, sizeof(reason), &p, &left);
	r.reason = reason;
	take(&r.before, sizeof(r.before), &p, &left);
	take(&r.after, sizeof(r.after), &p, &left);
	take(&r.count, sizeof(r.count), &p, &left);
	r.peer = s;
	r.event = s + strlen(s) / 2;

	f = open_memstream(&buf, &len);
	FUZZ_CHECK(f);
	FUZZ_CHECK(jp_audit_write(f, &r) == 0);
	fclose(f);
	FUZZ_CHECK(len && buf[len - 1] == '\n' && !memchr(buf, '\n', len - 1));
	obj = parse_all(buf, len);
	FUZZ_CHECK(json_object_is_type(obj, json_type_object));
	FUZZ_CHECK(json_object_object_get_ex(obj, "peer", &peer));
	json_object_put(obj);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	FUZZ_CHECK(s);
	memcpy(s, data, size);
	s[size] = '\0';
	check_string(s);
	check_audit(data, size, s);
	free(s);
	return 0;
}
