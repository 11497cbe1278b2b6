// SPDX-License-Identifier: GPL-2.0
/*
 * jumpctl's reader of jumpd's status document (jd_status.h) on any
 * bytes, and the paths and cluster part it prints from it. Besides not
 * crashing: a document is taken with no error message or refused with
 * one, and the JSON printed from what was taken parses.
 */
#include <string.h>
#include <json-c/json_tokener.h>
#include <json-c/json_object.h>
#include "fuzz.h"
#include "jd_status.h"

static void check_json(const char *buf, size_t len)
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
	json_object_put(obj);
	json_tokener_free(tok);
}

static void print(const struct jd_status *st, enum out_mode mode)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	unsigned int i;
	struct out o;

	FUZZ_CHECK(f);
	out_init(&o, f, mode);
	out_list_begin(&o, NULL);
	for (i = 0; i < st->n; i++) {
		FUZZ_CHECK(jd_status_session(st, st->s[i].id));
		out_record_begin(&o, NULL);
		out_u64(&o, "id", "session", st->s[i].id);
		out_paths(&o, &st->s[i]);
		out_record_end(&o);
	}
	if (st->has_cluster) {
		out_record_begin(&o, NULL);
		out_jd_cluster(&o, &st->cluster);
		out_record_end(&o);
	}
	out_list_end(&o);
	out_finish(&o);
	fclose(f);
	if (mode == OUT_JSON)
		check_json(buf, len);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jd_status *st;
	char err[128];

	err[0] = '\0';
	st = jd_status_parse((const char *)data, size, "jp0", err, sizeof(err));
	if (st) {
		print(st, OUT_TEXT);
		print(st, OUT_JSON);
	} else {
		FUZZ_CHECK(err[0]);
	}
	jd_status_free(st);
	return 0;
}
