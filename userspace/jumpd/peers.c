// SPDX-License-Identifier: GPL-2.0
/* Peers from the config: keys, candidate paths, lookups (jumpd.h). */
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sodium.h>
#include "hs_msg.h"
#include "jumpd.h"

static void addr_to_binding(const struct jp_addr *a, struct jp_binding *b)
{
	memset(b, 0, sizeof(*b));
	b->family = (uint8_t)a->family;
	memcpy(b->addr, &a->v4, a->family == AF_INET ? 4 : 16);
}

/*
 * A numeric Endpoint is its address at once; a name waits for the
 * resolver (jd_dns_tick asks at once), so building a peer never blocks.
 */
static void endpoint_init(struct jd_endpoint *e,
			  const struct jp_conf_endpoint *ep)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM,
				  .ai_flags = AI_NUMERICHOST }, *res;

	memset(e, 0, sizeof(*e));
	if (getaddrinfo(ep->host, NULL, &hints, &res) || !res) {
		e->is_name = true;
		return;
	}
	jp_binding_from_sockaddr(res->ai_addr, &e->addr[0]);
	e->addr[0].port = ep->port;
	e->n = 1;
	freeaddrinfo(res);
}

bool jd_path_carried(const struct jd_path *path, const struct jk_event *ev)
{
	return jd_path_carried_by(path, &ev->from, &ev->to);
}

/*
 * Candidate paths: each LocalAddress (in order) with every address of
 * every Endpoint. A path that stays keeps its measurements; the binding's
 * path stays the active one if it is still a candidate.
 */
void jd_peer_build_paths(struct jd_peer *p)
{
	struct jp_binding remotes[JD_MAX_REMOTES];
	struct jp_binding locals[JP_CONF_MAX_LOCAL];
	unsigned int nr = 0, i, j;

	for (i = 0; i < p->conf.n_endpoints; i++)
		for (j = 0; j < p->eps[i].n && nr < JD_MAX_REMOTES; j++)
			remotes[nr++] = p->eps[i].addr[j];
	for (i = 0; i < p->conf.n_local_addresses; i++)
		addr_to_binding(&p->conf.local_addresses[i], &locals[i]);
	jd_paths_rebuild(&p->paths, locals, p->conf.n_local_addresses,
			 remotes, nr, p->has_session ? &p->cur : NULL,
			 randombytes_random());
}

static struct jd_peer *peer_new(struct jd *d, const struct jp_conf_peer *c)
{
	struct jd_peer *p = calloc(1, sizeof(*p));
	unsigned int i;
	char err[300];

	if (!p)
		return NULL;
	/* Holds the PSK and the reattach key: kept out of swap if we may. */
	sodium_mlock(p, sizeof(*p));
	if (jp_conf_peer_copy(&p->conf, c)) {
		jd_log("peer %s: out of memory", c->name);
		sodium_munlock(p, sizeof(*p));
		free(p);
		return NULL;
	}
	if (c->has_psk) {
		memcpy(p->psk, c->psk, 32);
	} else if (c->psk_file[0]) {
		if (jd_read_key_file(c->psk_file, p->psk, err, sizeof(err))) {
			jd_log("peer %s: %s", c->name, err);
			jp_conf_peer_clear(&p->conf);
			sodium_munlock(p, sizeof(*p));
			free(p);
			return NULL;
		}
	}
	jp_hs_mac1_key(p->mac1_key, c->public_key);
	jp_cookie_reply_key(p->cookie_key, c->public_key);
	p->serial = ++d->next_serial;
	p->initiator = c->n_endpoints > 0;
	p->eps = c->n_endpoints ? calloc(c->n_endpoints, sizeof(*p->eps)) :
		 NULL;
	if (c->n_endpoints && !p->eps) {
		jd_log("peer %s: out of memory", c->name);
		jd_peer_free(p);
		return NULL;
	}
	for (i = 0; i < c->n_endpoints; i++)
		endpoint_init(&p->eps[i], &c->endpoints[i]);
	jd_peer_build_paths(p);
	jd_mp_init(&p->mp, c);
	jp_window_init(&p->probe_budget, JD_PROBES_ANSWERED_PER_S, 1000);
	p->timing.keepalive_ms = c->keepalive_ms;
	p->timing.volatile_after_ms = c->volatile_after_ms;
	p->timing.recovering_after_ms = c->recovering_after_ms;
	p->timing.ttl_ms = c->session_ttl_ms;
	jp_window_init(&p->switches, c->reattach_max_per_window,
		       c->reattach_window_ms);
	jp_rl_init(&p->rl, p->rl_slots, 2, c->reattach_rate.count,
		   c->reattach_rate.window_ms, d->rl_seed);
	return p;
}

int jd_peers_build(struct jd *d, const struct jp_config *cfg,
		   struct jd_peer ***out, unsigned int *n)
{
	struct jd_peer **v = calloc(cfg->n_peers + 1, sizeof(*v));
	unsigned int i;

	if (!v)
		return -ENOMEM;
	for (i = 0; i < cfg->n_peers; i++) {
		v[i] = peer_new(d, &cfg->peers[i]);
		if (!v[i]) {
			jd_peers_free(v, i);
			return -EINVAL;
		}
	}
	*out = v;
	*n = cfg->n_peers;
	return 0;
}

void jd_peer_free(struct jd_peer *p)
{
	if (!p)
		return;
	jd_paths_free(&p->paths);
	jp_conf_peer_clear(&p->conf);
	free(p->eps);
	free(p->file);
	sodium_munlock(p, sizeof(*p));	/* zeroes it */
	free(p);
}

void jd_peers_free(struct jd_peer **peers, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		jd_peer_free(peers[i]);
	free(peers);
}

void jd_index_init(struct jd *d)
{
	uint8_t key[JD_MAP_KEY_LEN];

	randombytes_buf(key, sizeof(key));
	jd_map_init(&d->by_pub, key);
	randombytes_buf(key, sizeof(key));
	jd_map_init(&d->by_id, key);
	randombytes_buf(key, sizeof(key));
	jd_map_init(&d->by_name, key);
	randombytes_buf(key, sizeof(key));
	jd_map_init(&d->by_prefix, key);
	randombytes_buf(key, sizeof(key));
	jd_map_init(&d->by_file, key);
	sodium_memzero(key, sizeof(key));
}

void jd_index_free(struct jd *d)
{
	jd_map_free(&d->by_pub);
	jd_map_free(&d->by_id);
	jd_map_free(&d->by_name);
	jd_map_free(&d->by_prefix);
	jd_map_free(&d->by_file);
}

static uint64_t prefix_hash(const struct jd_map *m, const struct jp_prefix *x)
{
	uint8_t b[18] = { (uint8_t)x->addr.family, x->len };

	memcpy(b + 2, &x->addr.v4, x->addr.family == AF_INET ? 4 : 16);
	return jd_map_hash(m, b, sizeof(b));
}

static bool prefix_equal(const struct jp_prefix *x, const struct jp_prefix *y)
{
	return x->addr.family == y->addr.family && x->len == y->len &&
	       !memcmp(&x->addr.v4, &y->addr.v4,
		       x->addr.family == AF_INET ? 4 : 16);
}

/*
 * Out of memory a peer may be missing from a map: it is then not found
 * (an initiation of its is dropped, as for an unknown key) until the next
 * rebuild; logged, since that would be a puzzle otherwise.
 */
static void index_add(struct jd_map *m, uint64_t h, struct jd_peer *p)
{
	if (jd_map_add(m, h, p))
		jd_log("peer %s: out of memory indexing it", p->conf.name);
}

void jd_index_rebuild(struct jd *d)
{
	unsigned int i;

	jd_map_clear(&d->by_pub);
	jd_map_clear(&d->by_id);
	jd_map_clear(&d->by_name);
	jd_map_clear(&d->by_prefix);
	jd_map_clear(&d->by_file);
	for (i = 0; i < d->n_peers; i++) {
		struct jd_peer *p = d->peers[i];

		jd_index_peer_add(d, p);
		if (p->has_session)
			index_add(&d->by_id,
				  jd_map_hash_u32(&d->by_id, p->local_id), p);
		if (p->init.active && (!p->has_session ||
				       p->init.local_id != p->local_id))
			index_add(&d->by_id,
				  jd_map_hash_u32(&d->by_id, p->init.local_id),
				  p);
	}
}

/*
 * Entries are checked on lookup, so one left behind by an id that changed
 * is harmless; the map is rebuilt from the peers before such leftovers
 * outnumber them.
 */
void jd_index_id(struct jd *d, uint32_t id, struct jd_peer *p)
{
	if (d->by_id.used > 2 * (size_t)d->n_peers + 64) {
		jd_index_rebuild(d);	/* p's id is set already: it is in */
		return;
	}
	index_add(&d->by_id, jd_map_hash_u32(&d->by_id, id), p);
}

void jd_index_peer_add(struct jd *d, struct jd_peer *p)
{
	unsigned int i;

	index_add(&d->by_pub, jd_map_hash(&d->by_pub, p->conf.public_key, 32),
		  p);
	index_add(&d->by_name,
		  jd_map_hash(&d->by_name, p->conf.name, strlen(p->conf.name)),
		  p);
	for (i = 0; i < p->conf.n_allowed_ips; i++)
		index_add(&d->by_prefix,
			  prefix_hash(&d->by_prefix, &p->conf.allowed_ips[i]), p);
	if (p->file)
		index_add(&d->by_file,
			  jd_map_hash(&d->by_file, p->file, strlen(p->file)), p);
}

void jd_index_peer_del(struct jd *d, struct jd_peer *p)
{
	unsigned int i;

	jd_map_del(&d->by_pub, jd_map_hash(&d->by_pub, p->conf.public_key, 32),
		   p);
	jd_map_del(&d->by_name,
		   jd_map_hash(&d->by_name, p->conf.name, strlen(p->conf.name)),
		   p);
	for (i = 0; i < p->conf.n_allowed_ips; i++)
		jd_map_del(&d->by_prefix,
			   prefix_hash(&d->by_prefix, &p->conf.allowed_ips[i]),
			   p);
	if (p->file)
		jd_map_del(&d->by_file,
			   jd_map_hash(&d->by_file, p->file, strlen(p->file)), p);
	if (p->has_session)
		jd_index_id_del(d, p->local_id, p);
}

struct jd_peer *jd_peer_by_file(struct jd *d, const char *file)
{
	uint64_t h = jd_map_hash(&d->by_file, file, strlen(file));
	struct jd_peer *p;
	size_t cur = 0;

	while ((p = jd_map_next(&d->by_file, h, &cur)))
		if (p->file && !strcmp(p->file, file))
			return p;
	return NULL;
}

struct jd_peer *jd_peer_by_name(struct jd *d, const char *name)
{
	uint64_t h = jd_map_hash(&d->by_name, name, strlen(name));
	struct jd_peer *p;
	size_t cur = 0;

	while ((p = jd_map_next(&d->by_name, h, &cur)))
		if (!strcmp(p->conf.name, name))
			return p;
	return NULL;
}

struct jd_peer *jd_peer_by_prefix(struct jd *d, const struct jp_prefix *pfx)
{
	uint64_t h = prefix_hash(&d->by_prefix, pfx);
	struct jd_peer *p;
	size_t cur = 0;
	unsigned int i;

	while ((p = jd_map_next(&d->by_prefix, h, &cur)))
		for (i = 0; i < p->conf.n_allowed_ips; i++)
			if (prefix_equal(&p->conf.allowed_ips[i], pfx))
				return p;
	return NULL;
}

void jd_index_id_del(struct jd *d, uint32_t id, struct jd_peer *p)
{
	jd_map_del(&d->by_id, jd_map_hash_u32(&d->by_id, id), p);
}

struct jd_peer *jd_peer_by_pub(struct jd *d, const uint8_t pub[32])
{
	uint64_t h = jd_map_hash(&d->by_pub, pub, 32);
	struct jd_peer *p;
	size_t cur = 0;

	while ((p = jd_map_next(&d->by_pub, h, &cur)))
		if (!sodium_memcmp(p->conf.public_key, pub, 32)) {
			jd_touch(d, p);	/* an event concerns it */
			return p;
		}
	return NULL;
}

struct jd_peer *jd_peer_of_session(struct jd *d, uint32_t id)
{
	uint64_t h = jd_map_hash_u32(&d->by_id, id);
	struct jd_peer *p;
	size_t cur = 0;

	while ((p = jd_map_next(&d->by_id, h, &cur)))
		if (p->has_session && p->local_id == id)
			return p;
	return NULL;
}

struct jd_peer *jd_peer_by_local_id(struct jd *d, uint32_t id)
{
	struct jd_peer *p = jd_peer_of_session(d, id);

	if (p)
		jd_touch(d, p);	/* an event concerns it */
	return p;
}

struct jd_peer *jd_peer_by_init_id(struct jd *d, uint32_t id)
{
	uint64_t h = jd_map_hash_u32(&d->by_id, id);
	struct jd_peer *p;
	size_t cur = 0;

	while ((p = jd_map_next(&d->by_id, h, &cur)))
		if (p->init.active && p->init.local_id == id) {
			jd_touch(d, p);
			return p;
		}
	return NULL;
}

/* Random, never 0, not one of ours (the kernel refuses other clashes). */
uint32_t jd_new_session_id(struct jd *d)
{
	uint32_t id;

	do {
		id = randombytes_random();
	} while (!id || jd_peer_by_local_id(d, id) || jd_peer_by_init_id(d, id));
	return id;
}
