// SPDX-License-Identifier: GPL-2.0
/*
 * The resolver answers through its pipe, off the caller's thread: every
 * address of a name (localhost: from /etc/hosts, no network), a numeric
 * host as itself, the port on each, the tag as asked.
 */
#include <poll.h>
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

int main(void)
{
	struct jd_resolver *r;
	struct jd_answer a;
	unsigned int i, good;

	if (!ok(!jd_resolver_open(&r), "resolver starts"))
		return tap_done();
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
