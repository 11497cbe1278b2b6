// SPDX-License-Identifier: GPL-2.0
/*
 * jumpctl metrics: the Prometheus text format (jumping_metrics.h), to
 * stdout or, for node_exporter's textfile collector, into a file that is
 * replaced whole: written to a temporary file in the same directory,
 * flushed to disk, then renamed over the old one, so a scrape never reads
 * half a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "jumpctl.h"
#include "jumping_metrics.h"

static const struct jd_status *fetch(const char *dev, void *arg)
{
	return jd_status_fetch(arg, dev);
}

static void release(const struct jd_status *st, void *arg)
{
	(void)arg;
	jd_status_free((struct jd_status *)st);
}

/* The temporary file next to path: "<path>.XXXXXX", opened. */
static FILE *open_temp(const char *path, char **tmp)
{
	FILE *f;
	int fd;

	if (asprintf(tmp, "%s.XXXXXX", path) < 0) {
		*tmp = NULL;
		errno = ENOMEM;
		return NULL;
	}
	fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd < 0)
		goto fail;
	/* Read by the collector, which runs as another user. */
	if (fchmod(fd, 0644)) {
		close(fd);
		unlink(*tmp);
		goto fail;
	}
	f = fdopen(fd, "w");
	if (f)
		return f;
	close(fd);
	unlink(*tmp);
fail:
	free(*tmp);
	*tmp = NULL;
	return NULL;
}

static int finish_temp(FILE *f, const char *tmp, const char *path)
{
	int err = ferror(f) | fflush(f) | fsync(fileno(f));

	if (fclose(f) || err || rename(tmp, path)) {
		err = errno ? errno : EIO;
		unlink(tmp);
		return runtime_error(path, strerror(err));
	}
	return 0;
}

int cmd_metrics(struct args *a)
{
	const char *state_dir = JD_STATUS_DIR_DEFAULT, *dev = NULL;
	const char *output = NULL, *w;
	struct jm_status_src src = { fetch, release, NULL };
	struct jg_sock js;
	char *tmp = NULL;
	FILE *f = stdout;
	int ret;

	while ((w = args_next(a))) {
		if (!strcmp(w, "--state-dir")) {
			if (!(state_dir = args_value(a, w)))
				return EXIT_USAGE;
		} else if (!strcmp(w, "--output") || !strcmp(w, "-o")) {
			if (!(output = args_value(a, w)))
				return EXIT_USAGE;
		} else if (w[0] == '-') {
			return usage_error("metrics: unknown option '%s'", w);
		} else if (dev) {
			return usage_error("metrics takes at most one device");
		} else {
			dev = w;
		}
	}
	if (dev && (ret = check_dev_name(dev)))
		return ret;
	src.arg = (void *)state_dir;
	if ((ret = open_family(&js)))
		return ret;
	if (output) {
		f = open_temp(output, &tmp);
		if (!f) {
			ret = runtime_error(output, strerror(errno));
			goto out;
		}
	}
	if (jm_write(f, &js, dev, &src)) {
		ret = request_error(dev ? dev : "metrics", &js);
		if (tmp) {
			fclose(f);
			unlink(tmp);
		}
		goto out;
	}
	if (tmp)
		ret = finish_temp(f, tmp, output);
	else if (fflush(stdout))
		ret = runtime_error("stdout", strerror(errno));
out:
	free(tmp);
	jg_close(&js);
	return ret;
}
