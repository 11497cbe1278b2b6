/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP for host unit tests: ok()/is_str() print "ok N - name" or
 * "not ok N - name"; tap_done() prints the plan and returns the exit code.
 */
#ifndef JUMPING_TAP_H
#define JUMPING_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int ok(int cond, const char *name)
{
	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, name);
	return cond;
}

static inline int is_str(const char *got, const char *want, const char *name)
{
	int good = got && want && !strcmp(got, want);

	if (!ok(good, name))
		printf("#   got:  %s\n#   want: %s\n", got ? got : "(null)",
		       want ? want : "(null)");
	return good;
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	if (tap_failed)
		printf("# %d of %d failed\n", tap_failed, tap_n);
	return tap_failed ? 1 : 0;
}

#endif /* JUMPING_TAP_H */
