// SPDX-License-Identifier: GPL-2.0
/*
 * The resolver answers through its pipe, off the caller's thread: every
 * address of a name (localhost: from /etc/hosts, no network), a numeric
 * host as itself, the port on each, the tag as asked.
 */
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <sys/socket.h>
#include "resolver.h"
#include "tap.h"

static int wait_answer(struct jd_resolver *r, struct jd_answer *a)
{
	struct pollfd pfd = { .fd = jd_resolver_fd(r), .events = POLLIN };
	int i;

	/* Bounded: 20 s, a loaded machine's getaddrinfo on /etc/hosts. */
	for (i = 0; i < 200; i++) {
		if (!jd_resolver_take(r, a))
			return 0;
		poll(&pfd, 1, 100);
	}
	return -1;
}

static int is_loopback(const struct jp_binding *b)
{
	static const uint8_t v6[16] = { [15] = 1 };

	return (b->family == AF_INET && b->addr[0] == 127) ||
	       (b->family == AF_INET6 && !memcmp(b->addr, v6, 16));
}

/*
 * The worker must take no signal: a SIGHUP meant for the main loop's
 * signalfd, delivered to it, would kill jumpd (seen: reload.sh). Its
 * blocked set in /proc, SIGHUP and SIGTERM at least.
 */
static int worker_blocks_signals(void)
{
	char path[300], line[256];
	unsigned long long blk = 0;
	int found = 0;
	DIR *dir = opendir("/proc/self/task");
	struct dirent *e;
	FILE *f;

	if (!dir)
		return 0;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == (int)getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status",
			 e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "SigBlk: %llx", &blk) == 1)
				found = 1;
		fclose(f);
	}
	closedir(dir);
	return found && (blk & (1ULL << (SIGHUP - 1))) &&
	       (blk & (1ULL << (SIGTERM - 1)));
}

int main(void)
{
	struct jd_resolver *r;
	struct jd_answer a;
	unsigned int i, good;

	if (!ok(!jd_resolver_open(&r), "resolver starts"))
		return tap_done();
	ok(worker_blocks_signals(), "its worker blocks SIGHUP and SIGTERM");
	ok(jd_resolver_take(r, &a) != 0, "nothing to take before asking");
	ok(!jd_resolver_ask(r, 7, "localhost", 51820), "a lookup is queued");
	ok(!wait_answer(r, &a), "its answer arrives through the pipe");
	ok(a.tag == 7 && !a.error && a.n >= 1, "tag kept, at least one address");
	for (i = 0, good = 0; i < a.n; i++)
		good += is_loopback(&a.addr[i]) && a.addr[i].port == 51820;
	ok(good == a.n, "every address is loopback, with the port");
	ok(!jd_resolver_ask(r, 8, "192.0.2.7", 443) && !wait_answer(r, &a) &&
	   a.tag == 8 && a.n == 1 && a.addr[0].family == AF_INET &&
	   a.addr[0].addr[0] == 192 && a.addr[0].addr[3] == 7 &&
	   a.addr[0].port == 443, "a numeric host is itself");
	jd_resolver_close(r);
	return tap_done();
}
