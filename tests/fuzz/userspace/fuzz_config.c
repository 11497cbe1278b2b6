// SPDX-License-Identifier: GPL-2.0
/*
 * jumpd's config parser (config.h) on any bytes, as a whole file and as a
 * PeerDir file. Besides not crashing or leaking: it returns a config or
 * at least one error, and every error names the file, and a line of it
 * if it names one.
 */
#include <string.h>
#include "config.h"
#include "fuzz.h"

#define NAME "fuzz.conf"

static unsigned int lines_of(const uint8_t *data, size_t size)
{
	unsigned int n = 1;
	size_t i;

	for (i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

static void check_errors(const struct jp_config *cfg,
			 const struct jp_conf_errors *errs, unsigned int lines)
{
	unsigned int i, line;

	FUZZ_CHECK(cfg || errs->n);
	FUZZ_CHECK(!cfg || !errs->n);
	FUZZ_CHECK(errs->n <= JP_CONF_MAX_ERRORS);
	for (i = 0; i < errs->n; i++) {
		const char *m = errs->msg[i];

		FUZZ_CHECK(!strncmp(m, NAME ":", strlen(NAME ":")));
		if (sscanf(m + strlen(NAME ":"), "%u:", &line) == 1)
			FUZZ_CHECK(line >= 1 && line <= lines);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct jp_conf_errors errs;
	unsigned int lines = lines_of(data, size);
	struct jp_config *cfg;
	FILE *f;

	cfg = jp_config_parse_buf((const char *)data, size, NAME, &errs);
	check_errors(cfg, &errs, lines);
	jp_config_free(cfg);

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	FUZZ_CHECK(f);
	memset(&errs, 0, sizeof(errs));
	cfg = jp_config_parse_peer_file(f, NAME, &errs);
	fclose(f);
	check_errors(cfg, &errs, lines);
	if (cfg)
		FUZZ_CHECK(!cfg->has_iface && cfg->n_peers == 1);
	jp_config_free(cfg);
	return 0;
}
