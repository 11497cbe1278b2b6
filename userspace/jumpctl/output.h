/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One description of what to print, two renderings: readable text (one
 * fact per line, like `wg show`) or JSON for scripts. Callers describe
 * records, lists and fields; the writer handles commas, indentation,
 * escaping and labels.
 *
 * Text layout: a record without a key (an element of a list, or the
 * whole output) starts with a blank line after earlier output, its first
 * field is its heading ("device: jp0") and the rest are indented. Keyed
 * records (e.g. "stats") only group fields: text shows them inline.
 */
#ifndef JUMPCTL_OUTPUT_H
#define JUMPCTL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "jumping_json.h"	/* json_write_string */

enum out_mode { OUT_TEXT, OUT_JSON };

#define OUT_MAX_DEPTH 16

struct out {
	FILE *f;
	enum out_mode mode;
	int depth;		/* open records and lists */
	bool printed;		/* text: anything written yet */
	struct {
		bool list;	/* a list, else a record */
		bool items;	/* holds at least one member */
		bool heading;	/* text: next field is the record's heading */
	} frame[OUT_MAX_DEPTH];
};

/*
 * A string in text output: control characters become '?', so a value
 * from the kernel (a device name is bytes) cannot break or forge a line.
 */
void text_write_safe(FILE *f, const char *str);

void out_init(struct out *o, FILE *f, enum out_mode mode);
/* Ends the output (JSON gets its final newline). */
void out_finish(struct out *o);

/* key is the JSON member name; NULL for list elements and the top level. */
void out_record_begin(struct out *o, const char *key);
void out_record_end(struct out *o);
void out_list_begin(struct out *o, const char *key);
void out_list_end(struct out *o);

/* key names the JSON member (NULL in a list), label the text line. */
void out_str(struct out *o, const char *key, const char *label,
	     const char *value);
void out_u64(struct out *o, const char *key, const char *label,
	     uint64_t value);
/* true/false in JSON, yes/no in text. */
void out_bool(struct out *o, const char *key, const char *label, bool value);
/* A number that reads best in hex (fwmark): 0x.. in text, number in JSON. */
void out_hex(struct out *o, const char *key, const char *label,
	     uint32_t value);

#endif /* JUMPCTL_OUTPUT_H */
