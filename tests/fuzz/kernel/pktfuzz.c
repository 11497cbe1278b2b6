// SPDX-License-Identifier: GPL-2.0
/*
 * pktfuzz: datagrams at a jumping device's UDP port (pktgen.c makes them).
 *
 *   pktfuzz [--seed S] --count N --port P --target4 ADDR --target6 ADDR
 *           --send-netns NS --sids ID[,ID...] --fuzz-sid ID --key-file F
 *           --inner-src A --bad-src A --inner-dst A --sink-port P
 *           [--max-seconds T]
 *
 * Sends from a few sockets (source ports) in namespace NS, over IPv4 and
 * IPv6 alternately at random. The fuzz session (--fuzz-sid, whose receive
 * key is in F as 64 hex digits, key id 0, ChaCha20-Poly1305, allowed to
 * send from --inner-src only) gets authentic packets as well as forged and
 * mutated ones; the intact ones with a valid inner packet go to a UDP sink
 * on --inner-dst:--sink-port, bound here in the caller's namespace, where
 * they are counted. Prints the seed first, then what was sent and what
 * the sink got:
 *   pktfuzz: sent N ipv4 N ipv6 N in S s (R/s)
 *   pktfuzz: authentic N mutated N expect-delivered N expect-keepalive N
 *   pktfuzz: sink received N
 * --max-seconds stops early (a time budget on a slow machine): fewer
 * than N are sent then, as the first line says.
 * Exit 0 if the sink received exactly the packets expected; 1 otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sodium.h>

#include "pktgen.h"
#include "rng.h"

#define SOCKS	4	/* per family: a few sources */
#define BATCH	32

static struct sockaddr_in dst4;
static struct sockaddr_in6 dst6;
static int s4[SOCKS], s6[SOCKS], sink = -1;
static uint64_t sunk;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void enter_netns(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0 || setns(fd, CLONE_NEWNET))
		die(path);
	close(fd);
}

static void drain_sink(int wait_ms)
{
	char buf[2048];
	struct pollfd p = { .fd = sink, .events = POLLIN };

	for (;;) {
		ssize_t n = recv(sink, buf, sizeof(buf), MSG_DONTWAIT);

		if (n >= 0) {
			sunk++;
			continue;
		}
		if (errno != EAGAIN || wait_ms <= 0 || poll(&p, 1, wait_ms) <= 0)
			return;
	}
}

static void read_key(const char *file, unsigned char *key)
{
	char hex[128];
	size_t len;
	FILE *f = fopen(file, "r");

	if (!f || !fgets(hex, sizeof(hex), f))
		die(file);
	fclose(f);
	if (sodium_hex2bin(key, 32, hex, strlen(hex), " \n", &len, NULL) || len != 32) {
		fprintf(stderr, "pktfuzz: %s: not 64 hex digits\n", file);
		exit(1);
	}
}

static uint32_t addr4(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "pktfuzz: not an IPv4 address: %s\n", s);
		exit(2);
	}
	return a.s_addr;
}

static void send_all(int fd, struct mmsghdr *mm, int n)
{
	while (n > 0) {
		int done = sendmmsg(fd, mm, (unsigned int)n, 0);

		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			die("pktfuzz: sendmmsg");
		mm += done;
		n -= done;
	}
}

/*
 * Sends one batch, all of it, in generation order: each datagram over IPv4
 * or IPv6 at random, a run of one family in one sendmmsg() from one of its
 * sockets (source ports); a run ends where the family changes. Grouping a batch by
 * family instead would reorder it, and a packet overtaken by one whose
 * counter jumped past the replay window is rightly dropped as a replay,
 * which the expected count (made in generation order) does not foresee.
 */
static void send_batch(struct rng *r, unsigned char bufs[][PKT_MAX], size_t *lens,
		       int n, uint64_t *v4, uint64_t *v6)
{
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	int i, run = 0, run_six = 0;

	for (i = 0; i < n; i++) {
		int six = rng_pct(r, 50);
		struct msghdr *h;

		if (run && six != run_six) {
			send_all(run_six ? s6[rng_below(r, SOCKS)] : s4[rng_below(r, SOCKS)],
				 mm, run);
			run = 0;
		}
		run_six = six;
		h = &mm[run++].msg_hdr;
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = lens[i];
		memset(h, 0, sizeof(*h));
		h->msg_iov = &iov[i];
		h->msg_iovlen = 1;
		h->msg_name = six ? (void *)&dst6 : (void *)&dst4;
		h->msg_namelen = six ? sizeof(dst6) : sizeof(dst4);
		*(six ? v6 : v4) += 1;
	}
	if (run)
		send_all(run_six ? s6[rng_below(r, SOCKS)] : s4[rng_below(r, SOCKS)], mm, run);
}

int main(int argc, char **argv)
{
	static unsigned char bufs[BATCH][PKT_MAX];
	const char *send_ns = NULL, *key_file = NULL, *t4 = NULL, *t6 = NULL;
	const char *inner_dst = NULL;
	uint64_t seed, count = 0, sent, v4 = 0, v6 = 0;
	struct pkt_ctx c = { 0 };
	struct sockaddr_in sa;
	struct timespec t0, t1;
	size_t lens[BATCH];
	int i, port = 0, self;
	double max_secs = 0;
	struct rng r;
	double secs;
	char *tok;

	clock_gettime(CLOCK_REALTIME, &t0);
	seed = (uint64_t)t0.tv_nsec ^ ((uint64_t)t0.tv_sec << 20) ^ (uint64_t)getpid();
	for (i = 1; i + 1 < argc; i += 2) {
		const char *o = argv[i], *v = argv[i + 1];

		if (!strcmp(o, "--seed"))
			seed = strtoull(v, NULL, 0);
		else if (!strcmp(o, "--count"))
			count = strtoull(v, NULL, 0);
		else if (!strcmp(o, "--max-seconds"))
			max_secs = atof(v);
		else if (!strcmp(o, "--port"))
			port = atoi(v);
		else if (!strcmp(o, "--target4"))
			t4 = v;
		else if (!strcmp(o, "--target6"))
			t6 = v;
		else if (!strcmp(o, "--send-netns"))
			send_ns = v;
		else if (!strcmp(o, "--sids"))
			for (tok = strtok(argv[i + 1], ","); tok && c.nsids < PKT_MAX_SIDS;
			     tok = strtok(NULL, ","))
				c.sids[c.nsids++] = (uint32_t)strtoul(tok, NULL, 0);
		else if (!strcmp(o, "--fuzz-sid"))
			c.fuzz_sid = (uint32_t)strtoul(v, NULL, 0);
		else if (!strcmp(o, "--key-file"))
			key_file = v;
		else if (!strcmp(o, "--inner-src"))
			c.inner_src = addr4(v);
		else if (!strcmp(o, "--bad-src"))
			c.bad_src = addr4(v);
		else if (!strcmp(o, "--inner-dst"))
			inner_dst = v;
		else if (!strcmp(o, "--sink-port"))
			c.sink_port = (uint16_t)atoi(v);
		else
			break;
	}
	if (i < argc || !count || !port || !t4 || !t6 || !send_ns || !key_file ||
	    !inner_dst || !c.sink_port || !c.fuzz_sid || sodium_init() < 0) {
		fprintf(stderr, "usage: see the head of pktfuzz.c\n");
		return 2;
	}
	c.inner_dst = addr4(inner_dst);
	read_key(key_file, c.key);
	printf("pktfuzz: seed %" PRIu64 "\n", seed);
	fflush(stdout);
	rng_fork(&r, seed, 0);
	c.r = &r;

	dst4.sin_family = AF_INET;
	dst4.sin_port = htons((uint16_t)port);
	dst4.sin_addr.s_addr = addr4(t4);
	dst6.sin6_family = AF_INET6;
	dst6.sin6_port = htons((uint16_t)port);
	if (inet_pton(AF_INET6, t6, &dst6.sin6_addr) != 1)
		return 2;

	/* The sink here; the senders in the peer's namespace. */
	sink = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(c.sink_port);
	sa.sin_addr.s_addr = c.inner_dst;
	/*
	 * The sink is drained between batches only, and the tunnel delivers
	 * asynchronously: a burst must fit in its buffer, or the socket drops
	 * what the module delivered. SO_RCVBUF is capped by rmem_max (208 KiB
	 * by default; 8 packets were lost so); root may force past it.
	 */
	i = 32 << 20;
	if (sink < 0 || setsockopt(sink, SOL_SOCKET, SO_RCVBUFFORCE, &i, sizeof(i)) ||
	    bind(sink, (struct sockaddr *)&sa, sizeof(sa)))
		die("pktfuzz: sink");
	self = open("/proc/self/ns/net", O_RDONLY);
	{
		char path[256];

		snprintf(path, sizeof(path), "/run/netns/%s", send_ns);
		enter_netns(path);
	}
	for (i = 0; i < SOCKS; i++) {
		s4[i] = socket(AF_INET, SOCK_DGRAM, 0);
		s6[i] = socket(AF_INET6, SOCK_DGRAM, 0);
		if (s4[i] < 0 || s6[i] < 0)
			die("pktfuzz: socket");
	}
	if (setns(self, CLONE_NEWNET))
		die("pktfuzz: setns back");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (sent = 0; sent + 2 < count; sent += (uint64_t)i) {
		int n = (int)(count - 2 - sent < BATCH ? count - 2 - sent : BATCH);

		for (i = 0; i < n; i++)
			lens[i] = pkt_next(&c, bufs[i]);
		send_batch(&r, bufs, lens, n, &v4, &v6);
		drain_sink(0);
		if (max_secs > 0 && sent % 4096 < BATCH) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if ((double)(t1.tv_sec - t0.tv_sec) > max_secs) {
				sent += (uint64_t)n;
				count = sent + 2;
				break;
			}
		}
	}
	for (i = 0; i < 2 && sent < count; i++, sent++)
		lens[i] = pkt_final(&c, bufs[i], i);
	send_batch(&r, bufs, lens, i, &v4, &v6);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

	/* Delivery is asynchronous: wait (bounded) for the expected ones. */
	for (i = 0; i < 600 && sunk < c.delivered; i++)
		drain_sink(100);
	drain_sink(200);
	printf("pktfuzz: sent %" PRIu64 " ipv4 %" PRIu64 " ipv6 %" PRIu64 " in %.1f s (%.0f/s)\n",
	       v4 + v6, v4, v6, secs, secs > 0 ? (double)(v4 + v6) / secs : 0.0);
	printf("pktfuzz: authentic %" PRIu64 " mutated %" PRIu64 " expect-delivered %" PRIu64
	       " expect-keepalive %" PRIu64 "\n", c.authentic, c.mutated, c.delivered,
	       c.keepalives);
	printf("pktfuzz: sink received %" PRIu64 "\n", sunk);
	return sunk == c.delivered ? 0 : 1;
}
