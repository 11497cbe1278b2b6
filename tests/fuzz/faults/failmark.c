// SPDX-License-Identifier: GPL-2.0
/*
 * Preloaded (LD_PRELOAD) into every process a fault-injection run starts.
 * A program named in FAULTS_TARGETS marks itself for the task filter of
 * failslab and fail_page_alloc (/proc/self/make-it-fail = 1); any other
 * program clears the mark it may have inherited from its parent.
 *
 * The mark is set from a constructor, after execve() and the dynamic loader
 * are done: a wrapper that marked itself before exec would mostly make exec
 * fail. From here on, what the program asks of the kernel (netlink sockets,
 * messages, the module's handlers, the transmit path of a ping) can fail.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* @name is one of the space-separated words of @list. */
static bool listed(const char *name, const char *list)
{
	size_t len = strlen(name);
	const char *p = list;

	while (*p) {
		size_t word;

		p += strspn(p, " ");
		word = strcspn(p, " ");
		if (word == len && !strncmp(p, name, len))
			return true;
		p += word;
	}
	return false;
}

__attribute__((constructor)) static void failmark(void)
{
	const char *list = getenv("FAULTS_TARGETS");
	int saved = errno;
	char mark;
	int fd;

	if (!list)
		return;
	mark = listed(program_invocation_short_name, list) ? '1' : '0';
	fd = open("/proc/self/make-it-fail", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		/* Unmarked, the program just runs without faults. */
		if (write(fd, &mark, 1) != 1)
			errno = saved;
		close(fd);
	}
	errno = saved;
}
