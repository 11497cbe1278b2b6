/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jumpd's config file (docs/config.md): an [Interface] section and [Peer]
 * sections of "Key = Value" lines, as wg-quick reads. Parsing is pure: it
 * reads a FILE* or a buffer, names nothing but the file name it is given,
 * reads no key file and resolves no host name. Every error names file,
 * line and what is wrong; parsing goes on after an error so that one run
 * reports them all.
 */
#ifndef JUMPD_CONFIG_H
#define JUMPD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "config_values.h"
#include "jumping_parse.h"

#define JP_CONF_MAX_ENDPOINTS	8
/* A peer's AllowedIPs; the kernel takes up to 1024 per session. */
#define JP_CONF_MAX_PREFIXES	256
#define JP_CONF_MAX_LOCAL	8
#define JP_CONF_MAX_ERRORS	32
#define JP_CONF_PATH_MAX	256
#define JP_CONF_NAME_MAX	64
/* [Cluster]: etcd's endpoints, each http(s)://HOST:PORT. */
#define JP_CONF_MAX_ETCD	8
#define JP_CONF_URL_MAX		280
/* etcd grants a lease in whole seconds; its minimum with its default
 * timing is 2 s (docs/cluster.md, "Ownership"). */
#define JP_CONF_LEASE_TTL_MIN_MS	2000
#define JP_CONF_LEASE_TTL_MAX_MS	3600000
#define JP_CONF_LEASE_TTL_DEFAULT_MS	5000
#define JP_CONF_FENCING_MARGIN_DEFAULT_MS 1000

/* Host is a name or a numeric address; jumpd resolves it. */
struct jp_conf_endpoint {
	char host[256];
	uint16_t port;
};

struct jp_conf_peer {
	unsigned int line;		/* of its [Peer] header */
	char name[JP_CONF_NAME_MAX];
	uint8_t public_key[32];
	bool has_psk;
	uint8_t psk[32];
	char psk_file[JP_CONF_PATH_MAX];	/* "" if none */
	struct jp_conf_endpoint *endpoints;	/* n of them (as allowed_ips) */
	unsigned int n_endpoints, cap_endpoints;
	/*
	 * Allocated to what the file gives (a gateway's peer has one or
	 * two; a fixed array of JP_CONF_MAX_PREFIXES was 7 KB per peer):
	 * jp_conf_peer_copy() and jp_conf_peer_clear() own them.
	 */
	struct jp_prefix *allowed_ips;
	unsigned int *allowed_ip_lines;	/* each one's */
	unsigned int n_allowed_ips, cap_allowed_ips;
	struct jp_addr local_addresses[JP_CONF_MAX_LOCAL];
	unsigned int n_local_addresses;
	uint64_t keepalive_ms;		/* 0 = no keepalives */
	uint64_t volatile_after_ms;
	uint64_t recovering_after_ms;
	uint64_t session_ttl_ms;
	struct jp_conf_rate reattach_rate;	/* requests per session */
	uint32_t reattach_max_per_window;	/* switches per window */
	uint64_t reattach_window_ms;
	uint64_t rekey_after_ms;		/* initiator rekeys this often */
	bool low_traffic_probing;		/* PathProbing = low */
	uint64_t failback_after_ms;		/* 0: the probing preset's */
	uint64_t seen;			/* keys given, for duplicates */
};

struct jp_conf_iface {
	unsigned int line;
	bool has_private_key;
	uint8_t private_key[32];
	char private_key_file[JP_CONF_PATH_MAX];
	uint16_t listen_port;		/* 0 = any */
	char device[16];
	uint32_t fwmark;
	char audit_log[JP_CONF_PATH_MAX];	/* "" = no audit file */
	struct jp_conf_rate reattach_source_rate;	/* per source address */
	struct jp_conf_rate handshake_rate;		/* initiations, in total */
	struct jp_conf_rate handshake_source_rate;	/* per source address */
	char peer_dir[JP_CONF_PATH_MAX];	/* "" = none (PeerDir) */
	/* MetricsListen: where /metrics is served; port 0 = off */
	struct jp_endpoint metrics_listen;
	uint64_t seen;
};

/*
 * [Cluster] (docs/cluster.md): this gateway in a cluster on etcd. The
 * names are parts of etcd key names (/jumping/<cluster>/nodes/<node>), so
 * they hold no '/'. The key file is read by jumpd, not here.
 */
struct jp_conf_cluster {
	unsigned int line;
	char etcd[JP_CONF_MAX_ETCD][JP_CONF_URL_MAX];	/* EtcdEndpoints */
	unsigned int n_etcd;
	char name[JP_CONF_NAME_MAX];		/* ClusterName */
	char node[JP_CONF_NAME_MAX];		/* NodeName */
	char key_file[JP_CONF_PATH_MAX];	/* ClusterKeyFile */
	uint64_t lease_ttl_ms;			/* whole seconds */
	uint64_t fencing_margin_ms;
	bool takeover_prompt;			/* Takeover = prompt */
	uint64_t seen;
};

struct jp_config {
	bool has_iface;
	struct jp_conf_iface iface;
	bool has_cluster;			/* without it: no cluster */
	struct jp_conf_cluster cluster;
	/* As many as the file has: grown as sections come. */
	unsigned int n_peers, cap_peers;
	struct jp_conf_peer *peers;
};

struct jp_conf_errors {
	unsigned int n;
	unsigned int dropped;		/* past JP_CONF_MAX_ERRORS */
	char msg[JP_CONF_MAX_ERRORS][320];
};

/*
 * Parse f, calling it `name` in errors. Returns a config (free it with
 * jp_config_free) or NULL with errs filled (NULL and errs->n == 0: out of
 * memory).
 */
struct jp_config *jp_config_parse(FILE *f, const char *name,
				  struct jp_conf_errors *errs);
struct jp_config *jp_config_parse_buf(const char *buf, size_t len,
				      const char *name,
				      struct jp_conf_errors *errs);
void jp_config_free(struct jp_config *cfg);

/*
 * One file of a PeerDir: exactly one [Peer] section, nothing else. The
 * config returned has no [Interface] (has_iface false) and one peer.
 */
struct jp_config *jp_config_parse_peer_file(FILE *f, const char *name,
					    struct jp_conf_errors *errs);
/*
 * A ClusterName or NodeName as [Cluster] takes it (a part of etcd key
 * names): NULL, or what was expected. The cluster runtime checks the same.
 */
const char *jp_conf_cluster_name_check(const char *v);
/* dst = src with its own copies of the arrays: 0 or -ENOMEM (dst empty). */
int jp_conf_peer_copy(struct jp_conf_peer *dst, const struct jp_conf_peer *src);
/* Free a peer's arrays (and zero it: a PresharedKey may be in it). */
void jp_conf_peer_clear(struct jp_conf_peer *p);

#endif /* JUMPD_CONFIG_H */
