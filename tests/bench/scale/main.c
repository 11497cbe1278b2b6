// SPDX-License-Identifier: GPL-2.0
/*
 * jpsim: a client simulator for a Jumping gateway. See usage() and
 * tests/bench/scale/README.md.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sodium.h>

#include "jpsim.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: jpsim [OPTIONS] install DEV N     sessions 1..N on DEV (pipelined)\n"
"       jpsim [OPTIONS] rx N              encrypted packets to the gateway\n"
"       jpsim [OPTIONS] tx N              UDP to the sessions' inner addresses\n"
"       jpsim [OPTIONS] storm DEV N       rebind sessions N/2+1..N while\n"
"                                         sessions 1..N/2 carry tx traffic\n"
"       jpsim dump DEV N                  sessions 1..N each once in a dump\n"
"       jpsim [OPTIONS] wgconf N CONF KEYDIR LIVE\n"
"                                         a WireGuard gateway of N peers\n"
"options:\n"
"  -c chacha20poly1305|aes256gcm   cipher (default chacha20poly1305)\n"
"  -s SEED        keys and random choices (default 1)\n"
"  -f FIRST       traffic/install from session index FIRST (default 0)\n"
"  -S SPAN        traffic to sessions FIRST..FIRST+SPAN-1 (default N)\n"
"  -t SECONDS     traffic for this long (default 5)\n"
"  -n COUNT       traffic: exactly COUNT packets instead\n"
"  -e FILE        traffic: write 'ID COUNT' per session sent to\n"
"  -i ADDR        first inner address (default 10.64.0.1)\n"
"  -C ADDR        first client address (default 172.16.0.1)\n"
"  -g ADDR:PORT   the gateway's outer address (default 10.200.0.1:51820)\n"
"  -k ADDR        rx: inner destination, local on the gateway (10.0.0.1)\n"
"  -N NETNS       rx: send from this named netns (the clients')\n"
"  -w WINDOW      netlink requests per sendmsg (default 256)\n"
"  -r RATE        storm: binding changes per second (default 10000)\n"
"Output: one JSON line. Exit 0, 1 on any failure, 2 usage.\n");
}

static int parse_addr(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = ntohl(a.s_addr);
	return 0;
}

static int parse_num(const char *s, unsigned long long max,
		     unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || !*s || *end || *out > max ? -1 : 0;
}

static int parse_opt(struct jpsim *o, int c, const char *arg)
{
	unsigned long long v;
	char addr[64], *colon;

	switch (c) {
	case 'c':
		if (!strcmp(arg, "chacha20poly1305"))
			o->cipher = JUMPING_CIPHER_CHACHA20POLY1305;
		else if (!strcmp(arg, "aes256gcm"))
			o->cipher = JUMPING_CIPHER_AES256GCM;
		else
			return -1;
		return 0;
	case 's':
		if (parse_num(arg, UINT32_MAX, &v))
			return -1;
		o->seed = v;
		return 0;
	case 'f':
		if (parse_num(arg, UINT32_MAX - 1, &v))
			return -1;
		o->first = v;
		return 0;
	case 'S':
		if (parse_num(arg, UINT32_MAX, &v) || !v)
			return -1;
		o->span = v;
		return 0;
	case 't': {
		char *end;

		o->seconds = strtod(arg, &end);
		return o->seconds > 0 && !*end ? 0 : -1;
	}
	case 'n':
		if (parse_num(arg, ULLONG_MAX, &v) || !v)
			return -1;
		o->count = v;
		return 0;
	case 'e':
		o->expect = arg;
		return 0;
	case 'i':
		return parse_addr(arg, &o->inner_base);
	case 'C':
		return parse_addr(arg, &o->client_base);
	case 'k':
		return parse_addr(arg, &o->sink_addr);
	case 'g':
		snprintf(addr, sizeof(addr), "%s", arg);
		colon = strchr(addr, ':');
		if (!colon || parse_num(colon + 1, 65535, &v) || !v)
			return -1;
		*colon = 0;
		o->gw_port = v;
		return parse_addr(addr, &o->gw_addr);
	case 'N':
		o->client_netns = arg;
		return 0;
	case 'w':
		if (parse_num(arg, 65536, &v) || !v)
			return -1;
		o->window = v;
		return 0;
	case 'r':
		if (parse_num(arg, 10000000, &v) || !v)
			return -1;
		o->rate = v;
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct jpsim o = {
		.cipher = JUMPING_CIPHER_CHACHA20POLY1305, .seed = 1,
		.inner_base = 0x0a400001, .client_base = 0xac100001,
		.gw_addr = 0x0ac80001, .gw_port = 51820, .sink_addr = 0x0a000001,
		.seconds = 5, .window = 256, .rate = 10000,
	};
	unsigned long long n;
	const char *cmd;
	int c, rc;

	while ((c = getopt(argc, argv, "c:s:f:S:t:n:e:i:C:g:k:N:w:r:h")) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (parse_opt(&o, c, optarg)) {
			fprintf(stderr, "jpsim: bad -%c %s\n", c,
				optarg ? optarg : "");
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc)
		goto bad;
	cmd = argv[optind++];
	if (!strcmp(cmd, "install") || !strcmp(cmd, "storm") ||
	    !strcmp(cmd, "dump")) {
		if (optind >= argc)
			goto bad;
		o.dev = argv[optind++];
	}
	if (optind >= argc || parse_num(argv[optind++], 1 << 24, &n) || !n)
		goto bad;
	o.n = n;
	if (!o.span)
		o.span = o.n - (o.first < o.n ? o.first : 0);
	if ((unsigned long long)o.first + o.span > o.n &&
	    strcmp(cmd, "install")) {
		fprintf(stderr, "jpsim: sessions -f %u -S %u past N %u\n",
			o.first, o.span, o.n);
		return 2;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "jpsim: libsodium failed to start\n");
		return 1;
	}
	if (!strcmp(cmd, "install"))
		rc = jpsim_install(&o);
	else if (!strcmp(cmd, "storm"))
		rc = jpsim_storm(&o);
	else if (!strcmp(cmd, "dump"))
		rc = jpsim_dump(&o);
	else if (!strcmp(cmd, "rx"))
		rc = jpsim_rx(&o);
	else if (!strcmp(cmd, "tx"))
		rc = jpsim_tx(&o);
	else if (!strcmp(cmd, "wgconf") && argc - optind == 3)
		rc = jpsim_wgconf(&o, argv[optind], argv[optind + 1],
				  (unsigned int)strtoul(argv[optind + 2], NULL, 10));
	else
		goto bad;
	return rc ? 1 : 0;
bad:
	usage(stderr);
	return 2;
}
