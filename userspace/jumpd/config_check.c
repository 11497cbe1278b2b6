// SPDX-License-Identifier: GPL-2.0
/* The config checks that need the whole file: after its last line. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "config_internal.h"

/* Whole-section checks, reported at the section's header line. */
static void check_iface(struct ctx *c)
{
	struct jp_conf_iface *i = &c->cfg->iface;
	bool key = i->seen & SEEN("PrivateKey");
	bool file = i->seen & SEEN("PrivateKeyFile");

	if (!c->cfg->has_iface) {
		error_at(c, 0, "no [Interface] section");
		return;
	}
	if (!key && !file)
		error_at(c, i->line, "[Interface] has no PrivateKey or PrivateKeyFile");
	if (key && file)
		error_at(c, i->line, "[Interface] has both PrivateKey and PrivateKeyFile");
}

/*
 * A PeerDir file's peer without a Name is called after its file
 * ("alice.conf": alice), characters a Name may not have made '_'.
 */
static void name_from_file(char *dst, size_t size, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n, i;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".conf"))
		n -= 5;
	if (n >= size)
		n = size - 1;
	for (i = 0; i < n; i++)
		dst[i] = isalnum((unsigned char)base[i]) ||
			 strchr("-_.@", base[i]) ? base[i] : '_';
	dst[n] = '\0';
}

static void check_peer(struct ctx *c, struct jp_conf_peer *p, unsigned int idx)
{
	const char *n = p->name;

	if (!(p->seen & SEEN("Name")) && c->peer_file)
		name_from_file(p->name, sizeof(p->name), c->file);
	else if (!(p->seen & SEEN("Name")))
		snprintf(p->name, sizeof(p->name), "peer%u", idx + 1);
	if (!(p->seen & SEEN("PublicKey")))
		error_peer(c, idx, p->line, "[Peer] '%s' has no PublicKey", n);
	if (!p->n_allowed_ips && !(p->seen & SEEN("AllowedIPs")))
		error_peer(c, idx, p->line, "[Peer] '%s' has no AllowedIPs", n);
	if ((p->seen & SEEN("PresharedKey")) &&
	    (p->seen & SEEN("PresharedKeyFile")))
		error_peer(c, idx, p->line, "[Peer] '%s' has both PresharedKey and PresharedKeyFile", n);
	/*
	 * The default keepalive serves the silence timers: with a short
	 * VolatileAfter it is a third of it, so a live path is never
	 * mistaken for a dead one. Only a value given is held to the rule.
	 */
	if (!(p->seen & SEEN("KeepaliveInterval")) &&
	    p->keepalive_ms > p->volatile_after_ms / 3)
		p->keepalive_ms = p->volatile_after_ms / 3;
	if (p->keepalive_ms && p->keepalive_ms >= p->volatile_after_ms)
		error_peer(c, idx, p->line, "[Peer] '%s': KeepaliveInterval must be shorter than VolatileAfter", n);
	if (p->volatile_after_ms >= p->recovering_after_ms)
		error_peer(c, idx, p->line, "[Peer] '%s': VolatileAfter must be shorter than RecoveringAfter", n);
	if (p->recovering_after_ms >= p->session_ttl_ms)
		error_peer(c, idx, p->line, "[Peer] '%s': RecoveringAfter must be shorter than SessionTTL", n);
}

/* A peer, for sorting by name or key; ties in file order. */
struct peer_ref {
	const struct jp_conf_peer *p;
	unsigned int i;
};

static int by_name(const void *a, const void *b)
{
	const struct peer_ref *x = a, *y = b;
	int r = strcmp(x->p->name, y->p->name);

	return r ? r : (x->i > y->i) - (x->i < y->i);
}

static int by_key(const void *a, const void *b)
{
	const struct peer_ref *x = a, *y = b;
	int r = memcmp(x->p->public_key, y->p->public_key, 32);

	return r ? r : (x->i > y->i) - (x->i < y->i);
}

/* " of FILE" when peers come from several files (a PeerDir). */
static const char *of_file(const struct ctx *c, unsigned int i)
{
	return c->files ? c->files[i] : "";
}

/*
 * Names and public keys are each one peer's: sorted, so that 10k peers
 * cost n log n, not n^2; the later peer (in file order) is the one
 * reported, with the line of the one before it.
 */
static void check_peers_unique(struct ctx *c)
{
	const struct jp_config *cfg = c->cfg;
	unsigned int i, n = cfg->n_peers;
	struct peer_ref *v;

	if (n < 2)
		return;
	v = calloc(n, sizeof(*v));
	if (!v) {
		error_at(c, 0, "out of memory checking peers");
		return;
	}
	for (i = 0; i < n; i++)
		v[i] = (struct peer_ref){ &cfg->peers[i], i };
	qsort(v, n, sizeof(*v), by_name);
	for (i = 1; i < n; i++)
		if (!strcmp(v[i].p->name, v[i - 1].p->name))
			error_peer(c, v[i].i, v[i].p->line,
				   "[Peer] name '%s' already used at line %u%s%s",
				   v[i].p->name, v[i - 1].p->line,
				   c->files ? " of " : "", of_file(c, v[i - 1].i));
	qsort(v, n, sizeof(*v), by_key);
	for (i = 1; i < n; i++)
		if ((v[i].p->seen & SEEN("PublicKey")) &&
		    (v[i - 1].p->seen & SEEN("PublicKey")) &&
		    !memcmp(v[i].p->public_key, v[i - 1].p->public_key, 32))
			error_peer(c, v[i].i, v[i].p->line,
				   "[Peer] '%s' has the same PublicKey as the peer at line %u%s%s",
				   v[i].p->name, v[i - 1].p->line,
				   c->files ? " of " : "", of_file(c, v[i - 1].i));
	free(v);
}

/* One AllowedIPs entry, for finding a prefix given twice. */
struct allowed_ref {
	const struct jp_prefix *p;
	unsigned int peer, line;
};

static int prefix_cmp(const struct jp_prefix *x, const struct jp_prefix *y)
{
	if (x->addr.family != y->addr.family)
		return x->addr.family < y->addr.family ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->addr.family == AF_INET ?
	       memcmp(&x->addr.v4, &y->addr.v4, sizeof(x->addr.v4)) :
	       memcmp(&x->addr.v6, &y->addr.v6, sizeof(x->addr.v6));
}

/* Prefixes equal sort together; among equal ones, file order. */
static int allowed_cmp(const void *a, const void *b)
{
	const struct allowed_ref *x = a, *y = b;
	int r = prefix_cmp(x->p, y->p);

	if (r)
		return r;
	/* Peers are in file order (and files in name order, PeerDir). */
	if (x->peer != y->peer)
		return x->peer < y->peer ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return 0;
}

/*
 * A prefix (address and length) belongs to one peer: the kernel refuses
 * it to a second session, so two [Peer] sections (or one, twice) naming
 * the same prefix is an error at the later line. Overlapping prefixes of
 * different lengths are fine: the longest match routes.
 */
static void check_allowed_unique(struct ctx *c)
{
	const struct jp_config *cfg = c->cfg;
	struct allowed_ref *v;
	char buf[JP_ENDPOINT_STRLEN];
	size_t n = 0, i, first = 0;
	unsigned int j, k;

	for (j = 0; j < cfg->n_peers; j++)
		n += cfg->peers[j].n_allowed_ips;
	if (n < 2)
		return;
	v = calloc(n, sizeof(*v));
	if (!v) {
		error_at(c, 0, "out of memory checking AllowedIPs");
		return;
	}
	n = 0;
	for (j = 0; j < cfg->n_peers; j++)
		for (k = 0; k < cfg->peers[j].n_allowed_ips; k++) {
			v[n].p = &cfg->peers[j].allowed_ips[k];
			v[n].peer = j;
			v[n].line = cfg->peers[j].allowed_ip_lines[k];
			n++;
		}
	qsort(v, n, sizeof(*v), allowed_cmp);
	for (i = 1; i < n; i++) {
		if (prefix_cmp(v[i].p, v[first].p)) {
			first = i;
			continue;
		}
		format_prefix(v[i].p, buf, sizeof(buf));
		if (v[i].peer == v[first].peer)
			error_peer(c, v[i].peer, v[i].line, "AllowedIPs %s given twice for [Peer] '%s' (first at line %u)",
				   buf, cfg->peers[v[i].peer].name,
				   v[first].line);
		else
			error_peer(c, v[i].peer, v[i].line, "AllowedIPs %s already belongs to [Peer] '%s' at line %u%s%s: a prefix has one owner",
				   buf, cfg->peers[v[first].peer].name,
				   v[first].line, c->files ? " of " : "",
				   of_file(c, v[first].peer));
	}
	free(v);
}

void check_config(struct ctx *c)
{
	unsigned int i;

	if (!c->peer_file)
		check_iface(c);
	else if (!c->cfg->n_peers && !c->errs->n)
		error_at(c, 0, "no [Peer] section");
	check_cluster(c);
	for (i = 0; i < c->cfg->n_peers; i++)
		check_peer(c, &c->cfg->peers[i], i);
	check_peers_unique(c);
	check_allowed_unique(c);
}
