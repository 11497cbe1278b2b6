// SPDX-License-Identifier: GPL-2.0
/*
 * The config file reader (config.h, docs/config.md): lines, sections and
 * Key = Value, and the peers' memory. config_keys.c parses the values,
 * config_check.c checks the whole file once it is read.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>
#include "config_internal.h"

#define LINE_MAX_LEN 4096

static const char *const section_names[] = {
	[SEC_IFACE] = "Interface", [SEC_PEER] = "Peer",
	[SEC_CLUSTER] = "Cluster",
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
	} else if (!strcasecmp(name, "Cluster")) {
		c->sec = SEC_CLUSTER;
		if (c->peer_file) {
			error_at(c, c->line, "[Cluster] in a PeerDir file (it holds one [Peer])");
			c->sec = SEC_UNKNOWN;
			return;
		}
		if (cfg->has_cluster) {
			error_at(c, c->line, "second [Cluster] section (the first is at line %u)",
				 cfg->cluster.line);
			c->sec = SEC_UNKNOWN;
			return;
		}
		cfg->has_cluster = true;
		cfg->cluster.line = c->line;
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
	seen = c->sec == SEC_IFACE ? &c->cfg->iface.seen :
	       c->sec == SEC_CLUSTER ? &c->cfg->cluster.seen : &c->peer->seen;
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

static struct jp_config *parse(FILE *f, const char *name,
				struct jp_conf_errors *errs, bool peer_file)
{
	struct ctx c = { .file = name, .errs = errs, .peer_file = peer_file };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

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
	c.cfg->cluster.lease_ttl_ms = JP_CONF_LEASE_TTL_DEFAULT_MS;
	c.cfg->cluster.fencing_margin_ms = JP_CONF_FENCING_MARGIN_DEFAULT_MS;
	c.cfg->cluster.takeover_prompt = true;
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
	check_config(&c);
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
