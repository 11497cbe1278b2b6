// SPDX-License-Identifier: GPL-2.0
/*
 * Datagrams for the packet fuzzer. Only packets built intact under the
 * fuzz session's key with a fresh counter may be delivered; the builder
 * counts them (and keepalives) so the caller can check that exactly those
 * arrived and everything else was counted as a drop. A mutation changes
 * at least one byte of an authentic packet (or its length), so none of
 * those can authenticate.
 */
#include <string.h>
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <sodium.h>

#include "pktgen.h"

#define HDR_LEN		16
#define TAG_LEN		16
#define COUNTER_LIMIT	(1ULL << 60)	/* refused from here on (protocol.md) */

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void put_be64(unsigned char *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static void data_hdr(unsigned char *p, uint8_t key, uint16_t flags,
		     uint32_t sid, uint64_t counter)
{
	p[0] = 1;
	p[1] = key;
	p[2] = (unsigned char)(flags >> 8);
	p[3] = (unsigned char)flags;
	put_be32(p + 4, sid);
	put_be64(p + 8, counter);
}

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

/* An IPv4/UDP packet to the sink from @src, @plen bytes of payload. */
static size_t inner_udp(struct pkt_ctx *c, unsigned char *p, uint32_t src,
			size_t plen)
{
	struct iphdr *ip = (struct iphdr *)p;
	struct udphdr *udp = (struct udphdr *)(p + sizeof(*ip));
	size_t len = sizeof(*ip) + sizeof(*udp) + plen;

	memset(p, 0, sizeof(*ip) + sizeof(*udp));
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons((uint16_t)len);
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->saddr = src;
	ip->daddr = c->inner_dst;
	ip->check = ip_csum(ip, sizeof(*ip));
	udp->source = htons(9);
	udp->dest = htons(c->sink_port);
	udp->len = htons((uint16_t)(sizeof(*udp) + plen));
	rng_bytes(c->r, p + sizeof(*ip) + sizeof(*udp), plen);
	return len;
}

/* Encrypts @inner (@ilen) at @counter under the fuzz key into @buf. */
static size_t seal(struct pkt_ctx *c, unsigned char *buf, uint64_t counter,
		   const unsigned char *inner, size_t ilen)
{
	unsigned char nonce[12] = { 0 };
	unsigned long long clen;

	data_hdr(buf, 0, 0, c->fuzz_sid, counter);
	memcpy(nonce + 4, buf + 8, 8);
	crypto_aead_chacha20poly1305_ietf_encrypt(buf + HDR_LEN, &clen, inner, ilen,
						  buf, HDR_LEN, NULL, nonce, c->key);
	c->authentic++;
	return HDR_LEN + (size_t)clen;
}

/* What an authentic packet carries; its expectation if sent intact. */
enum inner_kind { IN_VALID, IN_KEEPALIVE, IN_JUNK, IN_BAD_SRC };

static size_t authentic(struct pkt_ctx *c, unsigned char *buf, enum inner_kind *kind)
{
	unsigned char inner[PKT_MAX];
	size_t ilen;
	uint32_t k = rng_below(c->r, 100);

	c->counter += 1 + (rng_pct(c->r, 2) ? rng_below(c->r, 3000) : 0);
	if (k < 60) {
		*kind = IN_VALID;
		ilen = inner_udp(c, inner, c->inner_src, rng_below(c->r, 200));
	} else if (k < 70) {
		*kind = IN_KEEPALIVE;
		ilen = 0;
	} else if (k < 85) {
		*kind = IN_JUNK;
		ilen = 1 + rng_below(c->r, 300);
		rng_bytes(c->r, inner, ilen);
	} else {
		*kind = IN_BAD_SRC;
		ilen = inner_udp(c, inner, c->bad_src, rng_below(c->r, 100));
	}
	return seal(c, buf, c->counter, inner, ilen);
}

static void expect(struct pkt_ctx *c, enum inner_kind kind)
{
	if (kind == IN_VALID)
		c->delivered++;
	else if (kind == IN_KEEPALIVE)
		c->keepalives++;
}

/* Changes @buf so that it cannot authenticate any more. */
static size_t mutate(struct pkt_ctx *c, unsigned char *buf, size_t len)
{
	size_t pos;

	c->mutated++;
	switch (rng_below(c->r, 3)) {
	case 0:		/* one bit, or one byte, anywhere */
		pos = rng_below(c->r, (uint32_t)len);
		buf[pos] ^= rng_pct(c->r, 50) ? (unsigned char)(1u << rng_below(c->r, 8)) :
				(unsigned char)(1 + rng_below(c->r, 255));
		return len;
	case 1:		/* truncated */
		return rng_below(c->r, (uint32_t)len);
	default:	/* extended */
		pos = len + 1 + rng_below(c->r, (uint32_t)(PKT_MAX - len));
		if (pos > PKT_MAX) {
			buf[0] ^= 0x80;
			return len;
		}
		rng_bytes(c->r, buf + len, pos - len);
		return pos;
	}
}

static uint32_t any_sid(struct pkt_ctx *c)
{
	static const uint32_t odd[] = { 0, 1, 0xffffffff, 0x80000000 };
	uint32_t k = rng_below(c->r, 100);

	if (k < 50 && c->nsids)
		return c->sids[rng_below(c->r, (uint32_t)c->nsids)];
	if (k < 60)
		return c->fuzz_sid;
	if (k < 75)
		return odd[rng_below(c->r, 4)];
	return (uint32_t)rng_next(c->r);
}

static uint64_t any_counter(struct pkt_ctx *c)
{
	const uint64_t edges[] = {
		0, 1, 2, 0xffffffffULL, 0x100000000ULL, COUNTER_LIMIT - 1,
		COUNTER_LIMIT, COUNTER_LIMIT + 1, 1ULL << 63, ~0ULL,
		c->counter, c->counter + 1, c->counter + 8192,
	};

	if (rng_pct(c->r, 70))
		return edges[rng_below(c->r, sizeof(edges) / sizeof(edges[0]))];
	return rng_next(c->r);
}

size_t pkt_next(struct pkt_ctx *c, unsigned char *buf)
{
	uint32_t k = rng_below(c->r, 100);
	enum inner_kind kind;
	size_t len;

	if (k < 12) {			/* bytes, any length */
		len = rng_pct(c->r, 20) ? rng_below(c->r, HDR_LEN + TAG_LEN + 2) :
					  rng_below(c->r, PKT_MAX + 1);
		rng_bytes(c->r, buf, len);
		return len;
	}
	if (k < 20) {			/* every type value in turn */
		len = 1 + rng_below(c->r, 200);
		rng_bytes(c->r, buf, len);
		buf[0] = (unsigned char)c->type_cycle++;
		return len;
	}
	if (k < 30) {			/* control datagrams, some too long */
		len = 1 + rng_below(c->r, PKT_MAX);
		rng_bytes(c->r, buf, len);
		buf[0] = (unsigned char)(2 + rng_below(c->r, 3));
		return len;
	}
	if (k < 60) {			/* forged data header */
		uint8_t key = rng_pct(c->r, 75) ? (uint8_t)rng_below(c->r, 8) :
						 (uint8_t)rng_next(c->r);
		uint16_t flags = rng_pct(c->r, 80) ? 0 : (uint16_t)rng_next(c->r);

		len = rng_pct(c->r, 10) ? rng_below(c->r, HDR_LEN + TAG_LEN) :
		      HDR_LEN + TAG_LEN + rng_below(c->r, PKT_MAX - HDR_LEN - TAG_LEN);
		if (len < HDR_LEN) {
			rng_bytes(c->r, buf, len);
			if (len)
				buf[0] = 1;
			return len;
		}
		data_hdr(buf, key, flags, any_sid(c), any_counter(c));
		rng_bytes(c->r, buf + HDR_LEN, len - HDR_LEN);
		return len;
	}
	if (k < 65 && c->last_len) {	/* an authentic packet again: a replay */
		memcpy(buf, c->last, c->last_len);
		return c->last_len;
	}
	len = authentic(c, buf, &kind);
	if (rng_pct(c->r, 50))
		return mutate(c, buf, len);
	expect(c, kind);
	memcpy(c->last, buf, len);
	c->last_len = len;
	return len;
}

size_t pkt_final(struct pkt_ctx *c, unsigned char *buf, int second)
{
	unsigned char inner[64];
	size_t ilen = inner_udp(c, inner, c->inner_src, 8);

	c->counter = second ? COUNTER_LIMIT : COUNTER_LIMIT - 1;
	if (!second)
		c->delivered++;
	return seal(c, buf, c->counter, inner, ilen);
}
