// SPDX-License-Identifier: GPL-2.0
/* The config parser's errors: "file:line: what" into jp_conf_errors. */
#include <stdarg.h>
#include <stdio.h>
#include "config_internal.h"

static void verror(struct ctx *c, const char *file, unsigned int line,
		   const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void verror(struct ctx *c, const char *file, unsigned int line,
		   const char *fmt, va_list ap)
{
	struct jp_conf_errors *e = c->errs;
	char what[256];

	if (e->n >= JP_CONF_MAX_ERRORS) {
		e->dropped++;
		return;
	}
	vsnprintf(what, sizeof(what), fmt, ap);
	if (line)
		snprintf(e->msg[e->n++], sizeof(e->msg[0]), "%s:%u: %s",
			 file, line, what);
	else
		snprintf(e->msg[e->n++], sizeof(e->msg[0]), "%s: %s", file,
			 what);
}

void error_at(struct ctx *c, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(c, c->file, line, fmt, ap);
	va_end(ap);
}

void error_peer(struct ctx *c, unsigned int i, unsigned int line,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(c, c->files ? c->files[i] : c->file, line, fmt, ap);
	va_end(ap);
}
