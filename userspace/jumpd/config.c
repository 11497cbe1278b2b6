// SPDX-License-Identifier: GPL-2.0
/* The config file parser (config.h, docs/config.md). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sodium.h>
#include "config_internal.h"

#define LINE_MAX_LEN 4096

static const char *const section_names[] = {
	[SEC_IFACE] = "Interface", [SEC_PEER] = "Peer",
};

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static void peer_defaults(struct jp_conf_peer *p, unsigned int line)
{
	memset(p, 0, sizeof(*p));
	p->line = line;
	p->keepalive_ms = 2000;
	p->volatile_after_ms = 6000;
	p->recovering_after_ms = 15000;
	p->session_ttl_ms = 120000;
	p->reattach_rate.count = 5;
	p->reattach_rate.window_ms = 1000;
	p->reattach_max_per_window = 10;
	p->reattach_window_ms = 60000;
	p->rekey_after_ms = 120000;
}

/* Room for one more peer; the array doubles (keys in it: wiped on move). */
static int grow_peers(struct jp_config *cfg)
{
	struct jp_conf_peer *v;
	unsigned int cap;

	if (cfg->n_peers < cfg->cap_peers)
		return 0;
	cap = cfg->cap_peers ? cfg->cap_peers * 2 : 4;
	if (cap <= cfg->cap_peers)
		return -ENOMEM;
	v = calloc(cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (cfg->n_peers) {
		memcpy(v, cfg->peers, cfg->n_peers * sizeof(*v));
		sodium_memzero(cfg->peers, cfg->n_peers * sizeof(*v));
	}
	free(cfg->peers);
	cfg->peers = v;
	cfg->cap_peers = cap;
	return 0;
}

int jp_conf_peer_copy(struct jp_conf_peer *dst, const struct jp_conf_peer *src)
{
	unsigned int n = src->n_allowed_ips;

	*dst = *src;
	dst->allowed_ips = NULL;
	dst->allowed_ip_lines = NULL;
	dst->cap_allowed_ips = 0;
	dst->endpoints = NULL;
	dst->cap_endpoints = 0;
	if (src->n_endpoints) {
		dst->endpoints = malloc(src->n_endpoints * sizeof(*dst->endpoints));
		if (!dst->endpoints) {
			jp_conf_peer_clear(dst);
			return -ENOMEM;
		}
		memcpy(dst->endpoints, src->endpoints,
		       src->n_endpoints * sizeof(*dst->endpoints));
		dst->cap_endpoints = src->n_endpoints;
	}
	if (n) {
		dst->allowed_ips = malloc(n * sizeof(*dst->allowed_ips));
		dst->allowed_ip_lines = malloc(n * sizeof(*dst->allowed_ip_lines));
		if (!dst->allowed_ips || !dst->allowed_ip_lines) {
			jp_conf_peer_clear(dst);
			return -ENOMEM;
		}
		memcpy(dst->allowed_ips, src->allowed_ips,
		       n * sizeof(*dst->allowed_ips));
		memcpy(dst->allowed_ip_lines, src->allowed_ip_lines,
		       n * sizeof(*dst->allowed_ip_lines));
		dst->cap_allowed_ips = n;
	}
	return 0;
}

void jp_conf_peer_clear(struct jp_conf_peer *p)
{
	free(p->allowed_ips);
	free(p->allowed_ip_lines);
	free(p->endpoints);
	sodium_memzero(p, sizeof(*p));
}

static void open_section(struct ctx *c, const char *name)
{
	struct jp_config *cfg = c->cfg;

	c->peer = NULL;
	if (!strcasecmp(name, "Interface")) {
		c->sec = SEC_IFACE;
		if (c->peer_file) {
			error_at(c, c->line, "[Interface] in a PeerDir file (it holds one [Peer])");
			c->sec = SEC_UNKNOWN;
			return;
		}
		if (cfg->has_iface) {
			error_at(c, c->line, "second [Interface] section (the first is at line %u)",
				 cfg->iface.line);
			c->sec = SEC_UNKNOWN;	/* don't let it overwrite */
			return;
		}
		cfg->has_iface = true;
		cfg->iface.line = c->line;
	} else if (!strcasecmp(name, "Peer")) {
		c->sec = SEC_PEER;
		if (c->peer_file && cfg->n_peers) {
			error_at(c, c->line, "second [Peer] section (a PeerDir file holds one; the first is at line %u)",
				 cfg->peers[0].line);
			c->sec = SEC_UNKNOWN;
			return;
		}
		if (grow_peers(cfg)) {
			error_at(c, c->line, "out of memory");
			c->sec = SEC_UNKNOWN;
			return;
		}
		c->peer = &cfg->peers[cfg->n_peers++];
		peer_defaults(c->peer, c->line);
	} else {
		error_at(c, c->line, "unknown section '[%s]'", name);
		c->sec = SEC_UNKNOWN;
	}
}

static void key_value(struct ctx *c, char *key, char *val)
{
	int i = key_index(key);
	const struct key *k = i < 0 ? NULL : &config_keys[i];
	uint64_t *seen;
	char *item, *next;
	const char *why;

	if (c->sec == SEC_UNKNOWN)
		return;		/* already reported at the section header */
	if (c->sec == SEC_NONE) {
		error_at(c, c->line, "'%s' outside of any section", key);
		return;
	}
	if (!k || k->sec != c->sec) {
		error_at(c, c->line, "unknown key '%s' in [%s]", key,
			 section_names[c->sec]);
		return;
	}
	seen = c->sec == SEC_IFACE ? &c->cfg->iface.seen : &c->peer->seen;
	if (!k->multi && (*seen & (1ULL << i))) {
		error_at(c, c->line, "duplicate key '%s' in [%s]", k->name,
			 section_names[c->sec]);
		return;
	}
	*seen |= 1ULL << i;
	if (!*val) {
		error_at(c, c->line, "empty value for '%s'", k->name);
		return;
	}
	if (!k->multi) {
		why = k->fn(c, val);
		if (why && k->secret)
			error_at(c, c->line, "invalid %s (value not shown): %s",
				 k->name, why);
		else if (why)
			error_at(c, c->line, "invalid %s '%s': %s", k->name,
				 val, why);
		return;
	}
	/* Not strtok: "a,,b" has an empty item, and that is an error. */
	for (item = val; item; item = next) {
		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		item = trim(item);
		why = *item ? k->fn(c, item) : "empty list item";
		if (why)
			error_at(c, c->line, "invalid %s '%s': %s", k->name,
				 item, why);
	}
}

static void parse_line(struct ctx *c, char *line)
{
	char *hash = strchr(line, '#'), *eq, *s;
	size_t n;

	if (hash)
		*hash = '\0';
	s = trim(line);
	if (!*s)
		return;
	if (*s == '[') {
		n = strlen(s);
		if (n < 3 || s[n - 1] != ']') {
			error_at(c, c->line, "malformed section header '%s'", s);
			c->sec = SEC_UNKNOWN;
			return;
		}
		s[n - 1] = '\0';
		open_section(c, s + 1);
		return;
	}
	eq = strchr(s, '=');
	if (!eq) {
		error_at(c, c->line, "expected 'Key = Value' or '[Section]', got '%s'", s);
		return;
	}
	*eq = '\0';
	if (!*trim(s)) {
		error_at(c, c->line, "missing key before '='");
		return;
	}
	key_value(c, trim(s), trim(eq + 1));
}

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

static struct jp_config *parse(FILE *f, const char *name,
				struct jp_conf_errors *errs, bool peer_file)
{
	struct ctx c = { .file = name, .errs = errs, .peer_file = peer_file };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned int i;

	memset(errs, 0, sizeof(*errs));
	c.cfg = calloc(1, sizeof(*c.cfg));
	if (!c.cfg)
		return NULL;
	strcpy(c.cfg->iface.device, "jp0");
	c.cfg->iface.reattach_source_rate.count = 10;
	c.cfg->iface.reattach_source_rate.window_ms = 1000;
	c.cfg->iface.handshake_rate.count = 100;
	c.cfg->iface.handshake_rate.window_ms = 1000;
	c.cfg->iface.handshake_source_rate.count = 10;
	c.cfg->iface.handshake_source_rate.window_ms = 1000;
	while ((len = getline(&line, &cap, f)) >= 0) {
		c.line++;
		if ((size_t)len > LINE_MAX_LEN) {
			error_at(&c, c.line, "line longer than %d bytes", LINE_MAX_LEN);
			continue;
		}
		if (strlen(line) != (size_t)len) {
			error_at(&c, c.line, "NUL byte in line");
			continue;
		}
		parse_line(&c, line);
	}
	free(line);
	if (ferror(f))
		error_at(&c, 0, "read error");
	if (!peer_file)
		check_iface(&c);
	else if (!c.cfg->n_peers && !errs->n)
		error_at(&c, 0, "no [Peer] section");
	for (i = 0; i < c.cfg->n_peers; i++)
		check_peer(&c, &c.cfg->peers[i], i);
	check_peers_unique(&c);
	check_allowed_unique(&c);
	if (errs->n) {
		jp_config_free(c.cfg);
		return NULL;
	}
	return c.cfg;
}

struct jp_config *jp_config_parse(FILE *f, const char *name,
				  struct jp_conf_errors *errs)
{
	return parse(f, name, errs, false);
}

struct jp_config *jp_config_parse_peer_file(FILE *f, const char *name,
					    struct jp_conf_errors *errs)
{
	return parse(f, name, errs, true);
}

struct jp_config *jp_config_parse_buf(const char *buf, size_t len,
				      const char *name,
				      struct jp_conf_errors *errs)
{
	struct jp_config *cfg;
	FILE *f;

	memset(errs, 0, sizeof(*errs));
	/* fmemopen refuses size 0: an empty file reads as one empty line */
	f = len ? fmemopen((void *)buf, len, "r") : fmemopen("\n", 1, "r");
	if (!f)
		return NULL;
	cfg = jp_config_parse(f, name, errs);
	fclose(f);
	return cfg;
}

void jp_config_free(struct jp_config *cfg)
{
	unsigned int i;

	if (!cfg)
		return;
	/* Keys: PrivateKey and PresharedKeys. */
	for (i = 0; i < cfg->n_peers; i++)
		jp_conf_peer_clear(&cfg->peers[i]);
	if (cfg->peers)
		sodium_memzero(cfg->peers, cfg->cap_peers * sizeof(*cfg->peers));
	free(cfg->peers);
	sodium_memzero(cfg, sizeof(*cfg));
	free(cfg);
}
