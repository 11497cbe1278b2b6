// SPDX-License-Identifier: GPL-2.0
/*
 * The [Cluster] section (config.h, docs/cluster.md): its keys' values and
 * the checks of the section as a whole. Pure, like the rest of the parser:
 * the cluster key file is named here and read by jumpd.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "config_values.h"
#include "cluster_lease.h"
#include "config_internal.h"

/*
 * A cluster or node name goes into etcd key names between slashes: no
 * '/', nothing a shell or a log line would trip over, not "." or "..".
 */
const char *jp_conf_cluster_name_check(const char *v)
{
	const char *s;

	if (!*v)
		return "expected a name";
	for (s = v; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return "expected letters, digits and -_. only";
	if (!strcmp(v, ".") || !strcmp(v, ".."))
		return "expected a name, not . or ..";
	if (strlen(v) >= JP_CONF_NAME_MAX)
		return "expected a name shorter than 64 characters";
	return NULL;
}

static const char *cluster_name(char *dst, const char *v)
{
	const char *why = jp_conf_cluster_name_check(v);

	if (!why)
		strcpy(dst, v);
	return why;
}

/*
 * http://HOST:PORT or https://HOST:PORT, HOST a name, an IPv4 address or
 * [IPv6]: what libcurl is given as it is, so nothing else (no path, no
 * user) slips into the request's URL. The port is required: etcd's
 * client port is a choice of its operator.
 */
static const char *etcd_url(const char *v)
{
	static const char expect[] =
		"expected http://HOST:PORT or https://HOST:PORT, port 1-65535";
	const char *rest;
	char host[256];
	uint16_t port;

	if (!strncmp(v, "http://", 7))
		rest = v + 7;
	else if (!strncmp(v, "https://", 8))
		rest = v + 8;
	else
		return expect;
	if (jp_parse_host_port(rest, host, sizeof(host), &port))
		return expect;
	return NULL;
}

const char *cluster_etcd_endpoint(struct ctx *c, const char *v)
{
	struct jp_conf_cluster *cl = &c->cfg->cluster;
	const char *why;
	unsigned int i;

	if (cl->n_etcd >= JP_CONF_MAX_ETCD)
		return "at most 8 etcd endpoints";
	why = etcd_url(v);
	if (why)
		return why;
	if (strlen(v) >= JP_CONF_URL_MAX)
		return "expected a URL shorter than 280 bytes";
	for (i = 0; i < cl->n_etcd; i++)
		if (!strcmp(cl->etcd[i], v))
			return "given twice";
	strcpy(cl->etcd[cl->n_etcd++], v);
	return NULL;
}

const char *cluster_name_key(struct ctx *c, const char *v)
{
	return cluster_name(c->cfg->cluster.name, v);
}

const char *cluster_node_name(struct ctx *c, const char *v)
{
	return cluster_name(c->cfg->cluster.node, v);
}

const char *cluster_key_file(struct ctx *c, const char *v)
{
	if (strlen(v) >= JP_CONF_PATH_MAX)
		return "expected a path shorter than 256 bytes";
	strcpy(c->cfg->cluster.key_file, v);
	return NULL;
}

const char *cluster_lease_ttl(struct ctx *c, const char *v)
{
	static const char expect[] =
		"expected whole seconds from 2s to 1h, such as 5s";
	uint64_t ms;

	/* etcd grants whole seconds: 2500ms would be rounded behind our
	 * back, and the fencing clock must count what etcd counts. */
	if (jp_parse_duration(v, &ms) || ms % 1000 ||
	    ms < JP_CONF_LEASE_TTL_MIN_MS || ms > JP_CONF_LEASE_TTL_MAX_MS)
		return expect;
	c->cfg->cluster.lease_ttl_ms = ms;
	return NULL;
}

const char *cluster_fencing_margin(struct ctx *c, const char *v)
{
	uint64_t ms;

	/* Zero would leave no time to stop the sessions before the lease
	 * can expire (docs/cluster.md, "Fencing"). */
	if (jp_parse_duration(v, &ms) || !ms)
		return "expected a duration above 0 such as 500ms, 1s";
	c->cfg->cluster.fencing_margin_ms = ms;
	return NULL;
}

/*
 * prompt: a dead gateway's sessions are taken the moment etcd ends its
 * lease, and their clients asked over; on-reattach: only when a client's
 * REATTACH comes (after its VolatileAfter), which spares etcd the
 * gateways' race for every orphan on a large cluster.
 */
const char *cluster_takeover(struct ctx *c, const char *v)
{
	if (!strcmp(v, "prompt"))
		c->cfg->cluster.takeover_prompt = true;
	else if (!strcmp(v, "on-reattach"))
		c->cfg->cluster.takeover_prompt = false;
	else
		return "expected prompt or on-reattach";
	return NULL;
}

void check_cluster(struct ctx *c)
{
	const struct jp_conf_cluster *cl = &c->cfg->cluster;
	uint64_t interval = cl->lease_ttl_ms / JD_LEASE_KEEPALIVES_PER_TTL;

	if (!c->cfg->has_cluster)
		return;
	if (!cl->n_etcd && !(cl->seen & SEEN("EtcdEndpoints")))
		error_at(c, cl->line, "[Cluster] has no EtcdEndpoints");
	if (!(cl->seen & SEEN("ClusterName")))
		error_at(c, cl->line, "[Cluster] has no ClusterName");
	if (!(cl->seen & SEEN("NodeName")))
		error_at(c, cl->line, "[Cluster] has no NodeName");
	if (!(cl->seen & SEEN("ClusterKeyFile")))
		error_at(c, cl->line, "[Cluster] has no ClusterKeyFile");
	/*
	 * cluster_lease's rule: a margin past TTL less one keepalive
	 * interval fences before the first keepalive is even sent.
	 */
	if (cl->fencing_margin_ms >= cl->lease_ttl_ms - interval)
		error_at(c, cl->line, "[Cluster]: FencingMargin must be below LeaseTTL less one keepalive interval (LeaseTTL / %d): %llu ms here",
			 JD_LEASE_KEEPALIVES_PER_TTL,
			 (unsigned long long)(cl->lease_ttl_ms - interval));
}
