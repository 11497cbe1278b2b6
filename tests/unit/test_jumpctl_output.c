// SPDX-License-Identifier: GPL-2.0
/* Unit tests for jumpctl's text/JSON writer (userspace/jumpctl/output.c). */
#include <stdlib.h>
#include "tap.h"
#include "output.h"

static char *buf;
static size_t len;

static FILE *mem(void)
{
	free(buf);
	buf = NULL;
	return open_memstream(&buf, &len);
}

static const char *escaped(const char *s)
{
	FILE *f = mem();

	json_write_string(f, s);
	fclose(f);
	return buf;
}

static void test_escape(void)
{
	is_str(escaped("jp0"), "\"jp0\"", "escape: plain");
	is_str(escaped(""), "\"\"", "escape: empty");
	is_str(escaped("a\"b\\c"), "\"a\\\"b\\\\c\"", "escape: quote and backslash");
	is_str(escaped("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"", "escape: short forms");
	is_str(escaped("\x01\x1f"), "\"\\u0001\\u001f\"", "escape: control as \\u");
	is_str(escaped("\x7f"), "\"\x7f\"", "escape: DEL passes (valid JSON)");
	is_str(escaped("/"), "\"/\"", "escape: slash left alone");
	is_str(escaped("caf\xc3\xa9"), "\"caf\xc3\xa9\"", "escape: UTF-8 2-byte kept");
	is_str(escaped("\xe2\x82\xac"), "\"\xe2\x82\xac\"", "escape: UTF-8 3-byte kept");
	is_str(escaped("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"",
	       "escape: UTF-8 4-byte kept");
	is_str(escaped("a\xffz"), "\"a\\ufffdz\"", "escape: invalid byte -> U+FFFD");
	is_str(escaped("\xc3"), "\"\\ufffd\"", "escape: truncated sequence");
	is_str(escaped("\xc0\xaf"), "\"\\ufffd\\ufffd\"", "escape: overlong rejected");
	is_str(escaped("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"",
	       "escape: surrogate rejected");
	is_str(escaped("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"",
	       "escape: above U+10FFFF rejected");
	is_str(escaped("\xe2\x82"), "\"\\ufffd\\ufffd\"",
	       "escape: truncated 3-byte at end");
}

/* The same description rendered both ways. */
static void describe(struct out *o)
{
	out_list_begin(o, NULL);
	out_record_begin(o, NULL);
	out_str(o, "ifname", "device", "jp0");
	out_u64(o, "listen_port", "listen port", 51820);
	out_hex(o, "fwmark", "fwmark", 16);
	out_record_begin(o, "stats");
	out_u64(o, "rx_bytes", "rx bytes", 18446744073709551615ULL);
	out_record_end(o);
	out_list_begin(o, "sessions");
	out_record_begin(o, NULL);
	out_u64(o, "id", "session", 7);
	out_list_begin(o, "allowed");
	out_str(o, NULL, "allowed", "10.0.0.0/24");
	out_str(o, NULL, "allowed", "fd00::/64");
	out_list_end(o);
	out_list_begin(o, "empty");
	out_list_end(o);
	out_record_end(o);
	out_list_end(o);
	out_record_end(o);
	out_list_end(o);
}

static const char *render(enum out_mode mode, void (*fn)(struct out *))
{
	struct out o;
	FILE *f = mem();

	out_init(&o, f, mode);
	fn(&o);
	out_finish(&o);
	fclose(f);
	return buf;
}

static void empty_list(struct out *o)
{
	out_list_begin(o, NULL);
	out_list_end(o);
}

static void control_name(struct out *o)
{
	out_record_begin(o, NULL);
	out_str(o, "ifname", "device", "jp\x1b[2J");
	out_record_end(o);
}

static void test_render(void)
{
	is_str(render(OUT_JSON, describe),
	       "[\n"
	       "  {\n"
	       "    \"ifname\": \"jp0\",\n"
	       "    \"listen_port\": 51820,\n"
	       "    \"fwmark\": 16,\n"
	       "    \"stats\": {\n"
	       "      \"rx_bytes\": 18446744073709551615\n"
	       "    },\n"
	       "    \"sessions\": [\n"
	       "      {\n"
	       "        \"id\": 7,\n"
	       "        \"allowed\": [\n"
	       "          \"10.0.0.0/24\",\n"
	       "          \"fd00::/64\"\n"
	       "        ],\n"
	       "        \"empty\": []\n"
	       "      }\n"
	       "    ]\n"
	       "  }\n"
	       "]\n", "render: JSON");
	is_str(render(OUT_TEXT, describe),
	       "device: jp0\n"
	       "  listen port: 51820\n"
	       "  fwmark: 0x10\n"
	       "  rx bytes: 18446744073709551615\n"
	       "\n"
	       "session: 7\n"
	       "  allowed: 10.0.0.0/24\n"
	       "  allowed: fd00::/64\n", "render: text");
	is_str(render(OUT_JSON, empty_list), "[]\n", "render: empty JSON list");
	is_str(render(OUT_TEXT, empty_list), "", "render: empty text");
	is_str(render(OUT_TEXT, control_name), "device: jp?[2J\n",
	       "render: text hides control characters");
	is_str(render(OUT_JSON, control_name),
	       "{\n  \"ifname\": \"jp\\u001b[2J\"\n}\n",
	       "render: JSON escapes control characters");
}

int main(void)
{
	test_escape();
	test_render();
	free(buf);
	return tap_done();
}
