// SPDX-License-Identifier: GPL-2.0
/*
 * Users copy the examples: every jumpd.conf in the docs and the README (a
 * fenced block whose first line is [Interface]) must parse and validate as
 * written, with the defaults it leaves out; so must every PeerDir file (a
 * block whose first line is [Peer]).
 */
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "tap.h"

static unsigned int examples;

static void check_block(const char *path, unsigned int line, const char *buf,
			size_t len, bool peer_file)
{
	struct jp_conf_errors errs = { 0 };
	struct jp_config *cfg = NULL;
	char name[512];
	unsigned int i;
	FILE *f;

	examples++;
	snprintf(name, sizeof(name), "%s:%u: the example parses as written",
		 path, line);
	if (!peer_file) {
		cfg = jp_config_parse_buf(buf, len, path, &errs);
	} else {
		/* A PeerDir file's example: one [Peer], nothing else. */
		f = fmemopen((void *)buf, len, "r");
		if (f) {
			cfg = jp_config_parse_peer_file(f, path, &errs);
			fclose(f);
		}
	}
	if (!ok(cfg != NULL, name))
		for (i = 0; i < errs.n; i++)
			printf("#   %s\n", errs.msg[i]);
	jp_config_free(cfg);
}

static void scan(const char *path)
{
	char *line = NULL, *block = NULL;
	size_t cap = 0, len = 0;
	unsigned int n = 0, start = 0;
	bool in_block = false;
	FILE *f = fopen(path, "r");

	if (!ok(f != NULL, path))
		return;
	while (getline(&line, &cap, f) > 0) {
		n++;
		if (!strncmp(line, "```", 3)) {
			if (in_block && block && len &&
			    !strncmp(block, "[Interface]", 11))
				check_block(path, start, block, len, false);
			else if (in_block && block && len &&
				 !strncmp(block, "[Peer]", 6))
				check_block(path, start, block, len, true);
			in_block = !in_block;
			start = n + 1;
			len = 0;
			continue;
		}
		if (!in_block)
			continue;
		block = realloc(block, len + strlen(line) + 1);
		if (!block)
			break;
		memcpy(block + len, line, strlen(line) + 1);
		len += strlen(line);
	}
	free(line);
	free(block);
	fclose(f);
}

/* An example file (docs/examples, shipped by jumping-tools): whole. */
static void check_file(const char *path)
{
	struct jp_conf_errors errs = { 0 };
	struct jp_config *cfg = NULL;
	char name[512];
	unsigned int i;
	FILE *f = fopen(path, "r");

	snprintf(name, sizeof(name), "%s parses as written", path);
	if (f) {
		cfg = jp_config_parse(f, path, &errs);
		fclose(f);
	}
	if (!ok(cfg != NULL, name))
		for (i = 0; i < errs.n; i++)
			printf("#   %s\n", errs.msg[i]);
	jp_config_free(cfg);
}

int main(int argc, char **argv)
{
	const char *docs = argc > 1 ? argv[1] : "../../docs";
	char pattern[4096];
	glob_t g;
	size_t i;

	snprintf(pattern, sizeof(pattern), "%s/*.md", docs);
	if (!glob(pattern, 0, NULL, &g)) {
		for (i = 0; i < g.gl_pathc; i++)
			scan(g.gl_pathv[i]);
		globfree(&g);
	}
	snprintf(pattern, sizeof(pattern), "%s/../README.md", docs);
	scan(pattern);
	snprintf(pattern, sizeof(pattern), "%s/examples/*.conf", docs);
	if (!glob(pattern, 0, NULL, &g)) {
		ok(g.gl_pathc >= 2, "the example files were found");
		for (i = 0; i < g.gl_pathc; i++)
			check_file(g.gl_pathv[i]);
		globfree(&g);
	} else {
		ok(0, "the example files were found");
	}
	/* The two of docs/config.md at least: the scan itself works. */
	ok(examples >= 2, "the examples were found");
	return tap_done();
}
