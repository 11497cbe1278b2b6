// SPDX-License-Identifier: GPL-2.0
/* Text and JSON writers (output.h). */
#include <inttypes.h>
#include <stdlib.h>
#include "output.h"

/* Text output goes to terminals: never let a name carry escape codes. */
void text_write_safe(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	for (; *s; s++)
		fputc(*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

void out_init(struct out *o, FILE *f, enum out_mode mode)
{
	o->f = f;
	o->mode = mode;
	o->depth = 0;
	o->printed = false;
	o->frame[0].list = true;	/* the top level holds one value */
	o->frame[0].items = false;
	o->frame[0].heading = false;
}

void out_finish(struct out *o)
{
	if (o->mode == OUT_JSON)
		fputc('\n', o->f);
	fflush(o->f);
}

/* JSON: separator, newline and indentation before a member, then its key. */
static void json_member(struct out *o, const char *key)
{
	if (o->frame[o->depth].items)
		fputc(',', o->f);
	o->frame[o->depth].items = true;
	if (o->depth > 0)
		fprintf(o->f, "\n%*s", 2 * o->depth, "");
	if (key && !o->frame[o->depth].list) {
		json_write_string(o->f, key);
		fputs(": ", o->f);
	}
}

static void push(struct out *o, bool list, bool heading)
{
	if (o->depth + 1 >= OUT_MAX_DEPTH)
		abort();	/* a programming error, not an input error */
	o->depth++;
	o->frame[o->depth].list = list;
	o->frame[o->depth].items = false;
	o->frame[o->depth].heading = heading;
}

static void pop(struct out *o, char close)
{
	bool items = o->frame[o->depth].items;

	o->depth--;
	if (o->mode != OUT_JSON)
		return;
	if (items)
		fprintf(o->f, "\n%*s", 2 * o->depth, "");
	fputc(close, o->f);
}

void out_record_begin(struct out *o, const char *key)
{
	if (o->mode == OUT_JSON) {
		json_member(o, key);
		fputc('{', o->f);
	}
	push(o, false, key == NULL);
}

void out_record_end(struct out *o)
{
	pop(o, '}');
}

void out_list_begin(struct out *o, const char *key)
{
	if (o->mode == OUT_JSON) {
		json_member(o, key);
		fputc('[', o->f);
	}
	push(o, true, false);
}

void out_list_end(struct out *o)
{
	pop(o, ']');
}

/* Text: the label, indented unless it is a record's heading. */
static void text_label(struct out *o, const char *label)
{
	if (o->frame[o->depth].heading) {
		if (o->printed)
			fputc('\n', o->f);
		o->frame[o->depth].heading = false;
	} else {
		fputs("  ", o->f);
	}
	o->printed = true;
	fprintf(o->f, "%s: ", label);
}

void out_str(struct out *o, const char *key, const char *label,
	     const char *value)
{
	if (o->mode == OUT_JSON) {
		json_member(o, key);
		json_write_string(o->f, value);
		return;
	}
	text_label(o, label);
	text_write_safe(o->f, value);
	fputc('\n', o->f);
}

void out_u64(struct out *o, const char *key, const char *label,
	     uint64_t value)
{
	if (o->mode == OUT_JSON) {
		json_member(o, key);
		fprintf(o->f, "%" PRIu64, value);
		return;
	}
	text_label(o, label);
	fprintf(o->f, "%" PRIu64 "\n", value);
}

void out_hex(struct out *o, const char *key, const char *label,
	     uint32_t value)
{
	if (o->mode == OUT_JSON) {
		json_member(o, key);
		fprintf(o->f, "%" PRIu32, value);
		return;
	}
	text_label(o, label);
	fprintf(o->f, "0x%" PRIx32 "\n", value);
}

void out_bool(struct out *o, const char *key, const char *label, bool value)
{
	if (o->mode == OUT_JSON) {
		json_member(o, key);
		fputs(value ? "true" : "false", o->f);
		return;
	}
	text_label(o, label);
	fputs(value ? "yes\n" : "no\n", o->f);
}
