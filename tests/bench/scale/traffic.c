// SPDX-License-Identifier: GPL-2.0
/*
 * jpsim: traffic. rx: encrypted data packets as N clients would send
 * them, each from its session's own client address and port, built in
 * userspace (libsodium's AEADs are the kernel's: RFC 8439 ChaCha20-
 * Poly1305 and AES-256-GCM, 12-byte nonce of 4 zero bytes and the
 * big-endian counter, the 16-byte header as associated data:
 * docs/protocol.md) and sent with sendmmsg on one raw socket
 * (IP_HDRINCL) in the clients' namespace: one socket plays every source
 * address, where one UDP socket per client would need N descriptors and
 * N local addresses. tx: plain UDP from the gateway's namespace to the
 * sessions' inner addresses, which the jumping device encrypts.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <sodium.h>

#include "jpsim.h"

#define CHUNK		4096	/* packets built, then sent, at a time */
#define BURST		64	/* messages per sendmmsg */
#define INNER_LEN	64	/* the inner IPv4/UDP packet */
#define SINK_PORT	9
#define HDR_LEN		16	/* struct jp_data_hdr, kernel/proto.h */
#define TAG_LEN		16
#define PKT_LEN		(sizeof(struct iphdr) + sizeof(struct udphdr) + \
			 HDR_LEN + INNER_LEN + TAG_LEN)

static uint16_t ip_csum(const void *data, size_t len)
{
	const uint16_t *w = data;
	uint32_t sum = 0;

	for (; len > 1; len -= 2)
		sum += *w++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put_ipv4(struct iphdr *ip, uint32_t src, uint32_t dst,
		     size_t len)
{
	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(len);
	ip->saddr = htonl(src);
	ip->daddr = htonl(dst);
	ip->check = ip_csum(ip, sizeof(*ip));
}

static void put_udp(struct udphdr *u, uint16_t sport, uint16_t dport,
		    size_t len)
{
	u->source = htons(sport);
	u->dest = htons(dport);
	u->len = htons(len);
	u->check = 0;	/* IPv4: none (the AEAD covers the inner packet) */
}

/* Session @i's packet under @counter into @pkt, PKT_LEN bytes. */
static void build_rx(const struct jpsim *o, uint32_t i, const uint8_t *key,
		     uint64_t counter, uint8_t *pkt)
{
	uint8_t inner[INNER_LEN] = { 0 }, nonce[12] = { 0 };
	struct iphdr *ip = (struct iphdr *)pkt;
	struct udphdr *udp = (struct udphdr *)(ip + 1);
	uint8_t *hdr = (uint8_t *)(udp + 1);
	uint64_t be = htobe64(counter);
	uint32_t sid = htonl(i + 1);
	unsigned long long clen;

	put_ipv4((struct iphdr *)inner, o->inner_base + i, o->sink_addr,
		 INNER_LEN);
	put_udp((struct udphdr *)(inner + sizeof(struct iphdr)), 1024,
		SINK_PORT, INNER_LEN - sizeof(struct iphdr));

	put_ipv4(ip, o->client_base + i, o->gw_addr, PKT_LEN);
	put_udp(udp, JPSIM_PORT(i), o->gw_port, PKT_LEN - sizeof(*ip));
	hdr[0] = 1;			/* JP_PKT_DATA */
	hdr[1] = 0;			/* key id 0 */
	hdr[2] = hdr[3] = 0;		/* flags */
	memcpy(hdr + 4, &sid, 4);
	memcpy(hdr + 8, &be, 8);
	memcpy(nonce + 4, &be, 8);
	if (o->cipher == JUMPING_CIPHER_AES256GCM)
		crypto_aead_aes256gcm_encrypt(hdr + HDR_LEN, &clen, inner,
					      INNER_LEN, hdr, HDR_LEN, NULL,
					      nonce, key);
	else
		crypto_aead_chacha20poly1305_ietf_encrypt(hdr + HDR_LEN, &clen,
							  inner, INNER_LEN, hdr,
							  HDR_LEN, NULL, nonce,
							  key);
}

/* Sends @n messages, retrying what the socket had no room for. */
static int send_all(int fd, struct mmsghdr *m, unsigned int n, uint64_t *sent)
{
	unsigned int done = 0;
	int r;

	while (done < n) {
		r = sendmmsg(fd, m + done, n - done > BURST ? BURST : n - done,
			     0);
		if (r < 0) {
			if (errno == ENOBUFS || errno == EAGAIN ||
			    errno == EINTR) {
				sched_yield();
				continue;
			}
			perror("jpsim: sendmmsg");
			return -1;
		}
		done += r;
		*sent += r;
	}
	return 0;
}

static int enter_netns(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		fprintf(stderr, "jpsim: netns %s: %s\n", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * The inner packets' destination on the gateway: a socket never read,
 * with the smallest buffer, drops them at once and sends no ICMP back
 * through the tunnel.
 */
static int open_sink(const struct jpsim *o)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(SINK_PORT),
				 .sin_addr.s_addr = htonl(o->sink_addr) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)))
		fprintf(stderr, "jpsim: sink %s:%d: %s (ICMP may follow)\n",
			inet_ntoa(a.sin_addr), SINK_PORT, strerror(errno));
	return fd;
}

int jpsim_rx(const struct jpsim *o)
{
	struct sockaddr_in gw = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(o->gw_addr) };
	uint8_t (*keys)[JUMPING_KEY_LEN] = calloc(o->span, JUMPING_KEY_LEN);
	uint64_t *ctr = calloc(o->span, sizeof(*ctr));
	uint64_t *counts = calloc(o->span, sizeof(*counts));
	uint8_t *buf = malloc((size_t)CHUNK * PKT_LEN);
	struct mmsghdr *m = calloc(CHUNK, sizeof(*m));
	struct iovec *iov = calloc(CHUNK, sizeof(*iov));
	uint64_t rng = o->seed, sent = 0, base;
	double elapsed = 0, t0;
	struct timespec now;
	int fd = -1, sink = -1, rc = -1;
	uint32_t k;

	if (!keys || !ctr || !counts || !buf || !m || !iov)
		goto out;
	if (o->cipher == JUMPING_CIPHER_AES256GCM &&
	    !crypto_aead_aes256gcm_is_available()) {
		fprintf(stderr, "jpsim: no AES-256-GCM on this CPU\n");
		goto out;
	}
	sink = open_sink(o);
	if (o->client_netns && enter_netns(o->client_netns))
		goto out;
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0 || connect(fd, (struct sockaddr *)&gw, sizeof(gw))) {
		perror("jpsim: raw socket");
		goto out;
	}
	/*
	 * Counters above any earlier run's (the replay window remembers):
	 * microseconds since the epoch, which a run never sends that many
	 * packets of.
	 */
	clock_gettime(CLOCK_REALTIME, &now);
	base = (uint64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
	for (k = 0; k < o->span; k++) {
		jpsim_key(o, o->first + k, 1, keys[k]);
		ctr[k] = base;
	}
	for (k = 0; k < CHUNK; k++) {
		iov[k].iov_base = buf + (size_t)k * PKT_LEN;
		iov[k].iov_len = PKT_LEN;
		m[k].msg_hdr.msg_iov = &iov[k];
		m[k].msg_hdr.msg_iovlen = 1;
	}
	for (;;) {
		unsigned int n = CHUNK;

		if (o->count && o->count - sent < n)
			n = o->count - sent;
		if (!n || (!o->count && elapsed >= o->seconds))
			break;
		/* Built outside the measured time: the gateway is measured. */
		for (k = 0; k < n; k++) {
			uint32_t r = jpsim_rand(&rng) % o->span;

			build_rx(o, o->first + r, keys[r], ctr[r]++,
				 buf + (size_t)k * PKT_LEN);
			counts[r]++;
		}
		t0 = jpsim_now();
		if (send_all(fd, m, n, &sent))
			goto out;
		elapsed += jpsim_now() - t0;
	}
	printf("{\"mode\":\"rx\",\"sessions\":%u,\"sent\":%llu,"
	       "\"seconds\":%.3f,\"per_s\":%.0f}\n", o->span,
	       (unsigned long long)sent, elapsed, sent / elapsed);
	rc = jpsim_write_expect(o, counts);
out:
	if (fd >= 0)
		close(fd);
	if (sink >= 0)
		close(sink);
	free(keys);
	free(ctr);
	free(counts);
	free(buf);
	free(m);
	free(iov);
	return rc;
}

/*
 * Plain UDP to random inner addresses of sessions first..first+span-1
 * for @seconds or @count packets: what left the socket in @sent (and per
 * session in @counts, if given).
 */
int jpsim_tx_run(const struct jpsim *o, uint32_t first, uint32_t span,
		 double seconds, uint64_t count, uint64_t *counts,
		 uint64_t *sent, double *elapsed)
{
	struct sockaddr_in to[BURST];
	struct mmsghdr m[BURST];
	struct iovec iov;
	uint8_t payload[INNER_LEN - 28] = { 0 };
	uint64_t rng = o->seed ^ 0x7478;
	double t0 = jpsim_now();
	unsigned int k, n;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("jpsim: udp socket");
		return -1;
	}
	iov.iov_base = payload;
	iov.iov_len = sizeof(payload);
	memset(m, 0, sizeof(m));
	for (k = 0; k < BURST; k++) {
		to[k].sin_family = AF_INET;
		to[k].sin_port = htons(SINK_PORT);
		m[k].msg_hdr.msg_name = &to[k];
		m[k].msg_hdr.msg_namelen = sizeof(to[k]);
		m[k].msg_hdr.msg_iov = &iov;
		m[k].msg_hdr.msg_iovlen = 1;
	}
	*sent = 0;
	for (;;) {
		n = BURST;
		if (count && count - *sent < n)
			n = count - *sent;
		if (!n || (!count && jpsim_now() - t0 >= seconds))
			break;
		for (k = 0; k < n; k++) {
			uint32_t r = jpsim_rand(&rng) % span;

			to[k].sin_addr.s_addr = htonl(o->inner_base + first + r);
			if (counts)
				counts[r]++;
		}
		if (send_all(fd, m, n, sent)) {
			close(fd);
			return -1;
		}
	}
	*elapsed = jpsim_now() - t0;
	close(fd);
	return 0;
}

int jpsim_tx(const struct jpsim *o)
{
	uint64_t *counts = calloc(o->span, sizeof(*counts)), sent;
	double elapsed;
	int rc;

	if (!counts)
		return -1;
	rc = jpsim_tx_run(o, o->first, o->span, o->seconds, o->count, counts,
			  &sent, &elapsed);
	if (!rc) {
		printf("{\"mode\":\"tx\",\"sessions\":%u,\"sent\":%llu,"
		       "\"seconds\":%.3f,\"per_s\":%.0f}\n", o->span,
		       (unsigned long long)sent, elapsed, sent / elapsed);
		rc = jpsim_write_expect(o, counts);
	}
	free(counts);
	return rc;
}
