// SPDX-License-Identifier: GPL-2.0
/*
 * Endpoint host names: asked of the resolver (resolver.h) at once, again
 * every DNS_REFRESH_MS, and sooner when no path answers (the server may
 * have moved), never more often than DNS_RETRY_MS. Every address of an
 * answer becomes a candidate; a failed lookup keeps the addresses we had.
 */
#include <netdb.h>
#include <string.h>
#include "jumpd.h"

#define DNS_REFRESH_MS	(5 * 60 * 1000)
#define DNS_RETRY_MS	10000

static uint64_t tag_of(const struct jd_peer *p, unsigned int ep)
{
	return p->serial << 8 | ep;
}

uint64_t jd_dns_tick(struct jd *d, struct jd_peer *p, uint64_t now)
{
	uint64_t next = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < p->conf.n_endpoints; i++) {
		struct jd_endpoint *e = &p->eps[i];

		if (!e->is_name || e->pending)
			continue;
		if (now >= e->next_ms) {
			if (jd_resolver_ask(d->resolver, tag_of(p, i),
					    p->conf.endpoints[i].host,
					    p->conf.endpoints[i].port)) {
				e->next_ms = now + 1000;	/* queue full */
			} else {
				e->pending = true;
				continue;
			}
		}
		if (e->next_ms < next)
			next = e->next_ms;
	}
	return next;
}

static bool same_addrs(const struct jd_endpoint *e, const struct jd_answer *a)
{
	return e->n == a->n && !memcmp(e->addr, a->addr, a->n * sizeof(a->addr[0]));
}

void jd_dns_on_answer(struct jd *d, const struct jd_answer *a)
{
	uint64_t now = jd_now_ms();
	struct jd_endpoint *e;
	struct jd_peer *p = NULL;
	unsigned int i, ep = a->tag & 0xff;
	char b[JP_BINDING_STRLEN];

	for (i = 0; i < d->n_peers; i++)
		if (d->peers[i]->serial == a->tag >> 8)
			p = d->peers[i];
	if (!p || ep >= p->conf.n_endpoints)
		return;		/* the peer went with a reload */
	jd_touch(d, p);
	e = &p->eps[ep];
	e->pending = false;
	if (a->error) {
		jd_log("peer %s: cannot resolve %s: %s; %u address%s kept, again in %d s",
		       p->conf.name, p->conf.endpoints[ep].host,
		       gai_strerror(a->error), e->n, e->n == 1 ? "" : "es",
		       DNS_RETRY_MS / 1000);
		e->next_ms = now + DNS_RETRY_MS;
		return;
	}
	e->resolved_ms = now;
	e->next_ms = now + DNS_REFRESH_MS;
	if (same_addrs(e, a))
		return;
	memcpy(e->addr, a->addr, sizeof(e->addr));
	e->n = a->n;
	for (i = 0; i < e->n; i++)
		jd_log("peer %s: %s is %s", p->conf.name,
		       p->conf.endpoints[ep].host, jp_binding_str(&e->addr[i], b));
	jd_peer_build_paths(p);
	/* A handshake that had no path to try: at once. */
	if (p->init.active && !p->init.tries)
		p->init.next_ms = now;
}

void jd_dns_refresh_soon(struct jd_peer *p, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < p->conf.n_endpoints; i++) {
		struct jd_endpoint *e = &p->eps[i];
		uint64_t at = e->resolved_ms + DNS_RETRY_MS;

		if (e->is_name && !e->pending && e->next_ms > at)
			e->next_ms = at > now ? at : now;
	}
}
