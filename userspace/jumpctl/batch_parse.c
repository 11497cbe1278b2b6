// SPDX-License-Identifier: GPL-2.0
/* One batch line to one request (batch_parse.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "batch_parse.h"
#include "device_req.h"
#include "key_req.h"
#include "session_req.h"

int batch_split(char *line, char **argv, int max, int *argc)
{
	char *save = NULL, *w;

	*argc = 0;
	for (w = strtok_r(line, " \t\r\n", &save); w;
	     w = strtok_r(NULL, " \t\r\n", &save)) {
		if (w[0] == '#')
			break;
		if (*argc == max)
			return -E2BIG;
		argv[(*argc)++] = w;
	}
	return 0;
}

static int session_line(struct jg_sock *js, const char *noun, struct args *a,
			struct nl_msg **msg)
{
	struct session_args *s = malloc(sizeof(*s));
	uint8_t cmd;
	int ret;

	if (!s)
		return runtime_error(noun, strerror(ENOMEM));
	ret = session_verb_args(noun, a, s, &cmd);
	if (!ret && !(*msg = session_msg(js, cmd, s)))
		ret = runtime_error(noun, "request too large");
	free(s);
	return ret;
}

static int key_line(struct jg_sock *js, struct args *a, struct nl_msg **msg)
{
	struct key_args k;
	uint8_t cmd;
	int ret;

	ret = key_verb_args(a, &k, &cmd);
	if (!ret && !(*msg = key_msg(js, cmd, &k)))
		ret = runtime_error("key", strerror(ENOMEM));
	sodium_memzero(&k, sizeof(k));
	return ret;
}

static int set_line(struct jg_sock *js, struct args *a, struct nl_msg **msg)
{
	struct set_args s;
	int ret;

	ret = parse_set_args(a, &s);
	if (!ret && !(*msg = set_msg(js, &s)))
		ret = runtime_error("set", strerror(ENOMEM));
	return ret;
}

int batch_line_msg(struct jg_sock *js, const char *line, struct nl_msg **msg)
{
	size_t len = strlen(line);
	/* At most one word per two bytes. */
	int max = (int)(len / 2 + 1), argc, ret;
	char *copy = strdup(line);
	char **argv = calloc((size_t)max, sizeof(*argv));
	struct args a;
	const char *noun;

	*msg = NULL;
	if (!copy || !argv) {
		ret = runtime_error("batch", strerror(ENOMEM));
		goto out;
	}
	batch_split(copy, argv, max, &argc);
	a.argc = argc;
	a.argv = argv;
	noun = args_next(&a);
	if (!noun)
		ret = 0;
	else if (!strcmp(noun, "session") || !strcmp(noun, "binding"))
		ret = session_line(js, noun, &a, msg);
	else if (!strcmp(noun, "key"))
		ret = key_line(js, &a, msg);
	else if (!strcmp(noun, "set"))
		ret = set_line(js, &a, msg);
	else
		ret = usage_error("'%s' cannot be batched: session, binding, key or set",
				  noun);
out:
	if (copy) {
		/* Key lines hold keys. */
		sodium_memzero(copy, len);
		free(copy);
	}
	free(argv);
	return ret;
}
