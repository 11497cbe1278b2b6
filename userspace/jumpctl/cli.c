// SPDX-License-Identifier: GPL-2.0
/* Error lines and argument walking shared by the verbs (jumpctl.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include "jumpctl.h"

const char *args_next(struct args *a)
{
	if (a->argc <= 0)
		return NULL;
	a->argc--;
	return *a->argv++;
}

const char *args_value(struct args *a, const char *kw)
{
	const char *v = args_next(a);

	if (!v)
		usage_error("'%s' needs a value", kw);
	return v;
}

const char *usage_where;

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("jumpctl: ", stderr);
	if (usage_where)
		fprintf(stderr, "%s: ", usage_where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(usage_where ? "\n" : " (see jumpctl --help)\n", stderr);
	return EXIT_USAGE;
}

int runtime_error(const char *what, const char *why)
{
	fprintf(stderr, "jumpctl: %s: %s\n", what, why);
	return EXIT_RUNTIME;
}

int request_error(const char *what, const struct jg_sock *js)
{
	return runtime_error(what, js->msg[0] ? js->msg : strerror(-js->err));
}

int open_family(struct jg_sock *js)
{
	if (jg_open(js))
		return request_error("cannot talk to the kernel", js);
	return 0;
}

int check_dev_name(const char *dev)
{
	if (!dev || !dev[0])
		return usage_error("a device name is required");
	if (strlen(dev) >= IFNAMSIZ)
		return usage_error("device name '%s' is longer than %d bytes",
				   dev, IFNAMSIZ - 1);
	return 0;
}

int put_dev(struct nl_msg *msg, const char *dev)
{
	return nla_put_string(msg, JUMPING_A_IFNAME, dev) < 0 ? -EMSGSIZE : 0;
}
