// SPDX-License-Identifier: GPL-2.0
/* The config keys: each one's section and its value's parser (config.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "config_values.h"
#include "config_internal.h"
#include "ratelimit.h"

static const char *copy_str(char *dst, size_t size, const char *v,
			    const char *expect)
{
	if (strlen(v) >= size)
		return expect;
	strcpy(dst, v);
	return NULL;
}

static const char *key32(uint8_t *dst, bool *has, const char *v)
{
	if (parse_key(v, dst))
		return "expected a 32-byte key in base64 (jumpctl genkey)";
	if (has)
		*has = true;
	return NULL;
}

static const char *duration(uint64_t *dst, const char *v, bool zero_ok)
{
	uint64_t ms;

	if (jp_parse_duration(v, &ms) || (!ms && !zero_ok))
		return zero_ok ? "expected a duration such as 500ms, 2s, 1m" :
		       "expected a duration above 0 such as 500ms, 2s, 1m";
	*dst = ms;
	return NULL;
}

static const char *i_private_key(struct ctx *c, const char *v)
{
	return key32(c->cfg->iface.private_key, &c->cfg->iface.has_private_key, v);
}

static const char *i_private_key_file(struct ctx *c, const char *v)
{
	return copy_str(c->cfg->iface.private_key_file, JP_CONF_PATH_MAX, v,
			"expected a path shorter than 256 bytes");
}

static const char *i_listen_port(struct ctx *c, const char *v)
{
	return parse_port(v, &c->cfg->iface.listen_port) ?
	       "expected a port 0-65535" : NULL;
}

static const char *i_device(struct ctx *c, const char *v)
{
	if (strchr(v, '/') || strchr(v, ' ') || !strcmp(v, ".") ||
	    !strcmp(v, ".."))
		return "expected an interface name of 1-15 characters";
	return copy_str(c->cfg->iface.device, sizeof(c->cfg->iface.device), v,
			"expected an interface name of 1-15 characters");
}

static const char *i_fwmark(struct ctx *c, const char *v)
{
	return parse_u32(v, &c->cfg->iface.fwmark) ?
	       "expected a number (decimal or 0x hex)" : NULL;
}

static const char *i_audit_log(struct ctx *c, const char *v)
{
	return copy_str(c->cfg->iface.audit_log, JP_CONF_PATH_MAX, v,
			"expected a path shorter than 256 bytes");
}

static const char *i_source_rate(struct ctx *c, const char *v)
{
	return jp_parse_rate(v, &c->cfg->iface.reattach_source_rate) ?
	       "expected COUNT/DURATION such as 10/1s" : NULL;
}

static const char *i_hs_rate(struct ctx *c, const char *v)
{
	return jp_parse_rate(v, &c->cfg->iface.handshake_rate) ?
	       "expected COUNT/DURATION such as 100/1s" : NULL;
}

static const char *i_hs_source_rate(struct ctx *c, const char *v)
{
	return jp_parse_rate(v, &c->cfg->iface.handshake_source_rate) ?
	       "expected COUNT/DURATION such as 10/1s" : NULL;
}

static const char *i_peer_dir(struct ctx *c, const char *v)
{
	if (*v != '/')
		return "expected an absolute path";
	return copy_str(c->cfg->iface.peer_dir, JP_CONF_PATH_MAX, v,
			"expected a path shorter than 256 bytes");
}

static const char *i_metrics_listen(struct ctx *c, const char *v)
{
	/* A numeric address: it is bound at start, before any DNS. */
	return parse_endpoint(v, &c->cfg->iface.metrics_listen) ?
	       "expected ADDRESS:PORT such as 127.0.0.1:9586 or [::1]:9586, port 1-65535" :
	       NULL;
}

static const char *p_name(struct ctx *c, const char *v)
{
	const char *s;

	for (s = v; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.@", *s))
			return "expected letters, digits and -_.@ only";
	return copy_str(c->peer->name, JP_CONF_NAME_MAX, v,
			"expected a name shorter than 64 characters");
}

static const char *p_public_key(struct ctx *c, const char *v)
{
	return key32(c->peer->public_key, NULL, v);
}

static const char *p_psk(struct ctx *c, const char *v)
{
	return key32(c->peer->psk, &c->peer->has_psk, v);
}

static const char *p_psk_file(struct ctx *c, const char *v)
{
	return copy_str(c->peer->psk_file, JP_CONF_PATH_MAX, v,
			"expected a path shorter than 256 bytes");
}

static const char *p_endpoint(struct ctx *c, const char *v)
{
	static const char expect[] =
		"expected host:port or [IPv6]:port, port 1-65535";
	struct jp_conf_peer *p = c->peer;
	struct jp_conf_endpoint *ep;
	char host[256];

	if (p->n_endpoints >= JP_CONF_MAX_ENDPOINTS)
		return "at most 8 endpoints per peer";
	if (p->n_endpoints == p->cap_endpoints) {
		unsigned int cap = p->cap_endpoints ? p->cap_endpoints * 2 : 1;

		ep = realloc(p->endpoints, cap * sizeof(*ep));
		if (!ep)
			return "out of memory";
		p->endpoints = ep;
		p->cap_endpoints = cap;
	}
	ep = &p->endpoints[p->n_endpoints];
	if (jp_parse_host_port(v, host, sizeof(host), &ep->port))
		return expect;
	strcpy(ep->host, host);
	p->n_endpoints++;
	return NULL;
}

static const char *p_allowed_ip(struct ctx *c, const char *v)
{
	struct jp_conf_peer *p = c->peer;

	if (p->n_allowed_ips >= JP_CONF_MAX_PREFIXES)
		return "at most 256 prefixes per peer";
	if (p->n_allowed_ips == p->cap_allowed_ips) {
		unsigned int cap = p->cap_allowed_ips ? p->cap_allowed_ips * 2 : 2;
		struct jp_prefix *a = realloc(p->allowed_ips, cap * sizeof(*a));
		unsigned int *l;

		if (!a)
			return "out of memory";
		p->allowed_ips = a;
		l = realloc(p->allowed_ip_lines, cap * sizeof(*l));
		if (!l)
			return "out of memory";
		p->allowed_ip_lines = l;
		p->cap_allowed_ips = cap;
	}
	if (parse_prefix(v, &p->allowed_ips[p->n_allowed_ips]))
		return "expected a prefix such as 10.0.0.2/32 or fd00::/64 "
		       "(no host bits)";
	p->allowed_ip_lines[p->n_allowed_ips] = c->line;
	p->n_allowed_ips++;
	return NULL;
}

static const char *p_local_address(struct ctx *c, const char *v)
{
	struct jp_conf_peer *p = c->peer;

	if (p->n_local_addresses >= JP_CONF_MAX_LOCAL)
		return "at most 8 local addresses per peer";
	if (parse_addr(v, &p->local_addresses[p->n_local_addresses]))
		return "expected an IPv4 or IPv6 address";
	p->n_local_addresses++;
	return NULL;
}

static const char *p_keepalive(struct ctx *c, const char *v)
{
	return duration(&c->peer->keepalive_ms, v, true);
}

static const char *p_volatile(struct ctx *c, const char *v)
{
	return duration(&c->peer->volatile_after_ms, v, false);
}

static const char *p_recovering(struct ctx *c, const char *v)
{
	return duration(&c->peer->recovering_after_ms, v, false);
}

static const char *p_ttl(struct ctx *c, const char *v)
{
	return duration(&c->peer->session_ttl_ms, v, false);
}

static const char *p_rekey(struct ctx *c, const char *v)
{
	return duration(&c->peer->rekey_after_ms, v, false);
}

static const char *p_rate(struct ctx *c, const char *v)
{
	return jp_parse_rate(v, &c->peer->reattach_rate) ?
	       "expected COUNT/DURATION such as 5/1s" : NULL;
}

static const char *p_max(struct ctx *c, const char *v)
{
	uint32_t n;

	if (parse_u32(v, &n) || !n || n > JP_WINDOW_MAX)
		return "expected a number 1-64";
	c->peer->reattach_max_per_window = n;
	return NULL;
}

static const char *p_window(struct ctx *c, const char *v)
{
	return duration(&c->peer->reattach_window_ms, v, false);
}

static const char *p_probing(struct ctx *c, const char *v)
{
	if (!strcmp(v, "normal"))
		c->peer->low_traffic_probing = false;
	else if (!strcmp(v, "low"))
		c->peer->low_traffic_probing = true;
	else
		return "expected normal or low";
	return NULL;
}

static const char *p_failback(struct ctx *c, const char *v)
{
	return duration(&c->peer->failback_after_ms, v, false);
}

/* A key's index is its bit in `seen`: at most 64 keys. */
const struct key config_keys[] = {
	{ "PrivateKey",			SEC_IFACE, false, i_private_key, true },
	{ "PrivateKeyFile",		SEC_IFACE, false, i_private_key_file, false },
	{ "ListenPort",			SEC_IFACE, false, i_listen_port, false },
	{ "Device",			SEC_IFACE, false, i_device, false },
	{ "FwMark",			SEC_IFACE, false, i_fwmark, false },
	{ "AuditLog",			SEC_IFACE, false, i_audit_log, false },
	{ "ReattachSourceRateLimit",	SEC_IFACE, false, i_source_rate, false },
	{ "HandshakeRateLimit",		SEC_IFACE, false, i_hs_rate, false },
	{ "HandshakeSourceRateLimit",	SEC_IFACE, false, i_hs_source_rate, false },
	{ "PeerDir",			SEC_IFACE, false, i_peer_dir, false },
	{ "MetricsListen",		SEC_IFACE, false, i_metrics_listen, false },
	{ "Name",			SEC_PEER, false, p_name, false },
	{ "PublicKey",			SEC_PEER, false, p_public_key, false },
	{ "PresharedKey",		SEC_PEER, false, p_psk, true },
	{ "PresharedKeyFile",		SEC_PEER, false, p_psk_file, false },
	{ "Endpoint",			SEC_PEER, true, p_endpoint, false },
	{ "AllowedIPs",			SEC_PEER, true, p_allowed_ip, false },
	{ "LocalAddress",		SEC_PEER, true, p_local_address, false },
	{ "KeepaliveInterval",		SEC_PEER, false, p_keepalive, false },
	{ "VolatileAfter",		SEC_PEER, false, p_volatile, false },
	{ "RecoveringAfter",		SEC_PEER, false, p_recovering, false },
	{ "SessionTTL",			SEC_PEER, false, p_ttl, false },
	{ "ReattachRateLimit",		SEC_PEER, false, p_rate, false },
	{ "ReattachMaxPerWindow",	SEC_PEER, false, p_max, false },
	{ "ReattachWindow",		SEC_PEER, false, p_window, false },
	{ "RekeyAfter",			SEC_PEER, false, p_rekey, false },
	{ "PathProbing",		SEC_PEER, false, p_probing, false },
	{ "FailbackAfter",		SEC_PEER, false, p_failback, false },
	{ "EtcdEndpoints",		SEC_CLUSTER, true, cluster_etcd_endpoint, false },
	{ "ClusterName",		SEC_CLUSTER, false, cluster_name_key, false },
	{ "NodeName",			SEC_CLUSTER, false, cluster_node_name, false },
	{ "ClusterKeyFile",		SEC_CLUSTER, false, cluster_key_file, false },
	{ "LeaseTTL",			SEC_CLUSTER, false, cluster_lease_ttl, false },
	{ "FencingMargin",		SEC_CLUSTER, false, cluster_fencing_margin, false },
	{ "Takeover",			SEC_CLUSTER, false, cluster_takeover, false },
};

/* Every key has its bit in a section's `seen`. */
_Static_assert(sizeof(config_keys) / sizeof(config_keys[0]) <= 64,
	       "at most 64 config keys");

int key_index(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(config_keys) / sizeof(config_keys[0]); i++)
		if (!strcasecmp(config_keys[i].name, name))
			return (int)i;
	return -1;
}
