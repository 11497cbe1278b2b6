/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the config_*.c files, not part of config.h: the parser's state
 * while it reads one file, its error reporting, the key table and the
 * whole-config checks.
 *
 *  config.c         the reader: lines, sections, Key = Value, entry points
 *  config_errors.c  "file:line: what" into struct jp_conf_errors
 *  config_keys.c    every key: its section and its value's handler
 *  config_check.c   what only the whole file shows (missing keys, names,
 *                   public keys and AllowedIPs given twice)
 *  config_cluster.c the [Cluster] section's keys and checks
 */
#ifndef JUMPD_CONFIG_INTERNAL_H
#define JUMPD_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include "config.h"

enum section { SEC_NONE, SEC_IFACE, SEC_PEER, SEC_CLUSTER, SEC_UNKNOWN };

struct ctx {
	const char *file;
	unsigned int line;
	struct jp_config *cfg;
	struct jp_conf_errors *errs;
	enum section sec;
	struct jp_conf_peer *peer;	/* current [Peer], or NULL */
	bool peer_file;			/* a PeerDir file: [Peer] only */
	const char *const *files;	/* each peer's file, or NULL */
};

/* An error at a line of c->file (line 0: of the file as a whole). */
void error_at(struct ctx *c, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An error at a line of peer i's file (PeerDir: each peer has its own). */
void error_peer(struct ctx *c, unsigned int i, unsigned int line,
		const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Value handlers: return NULL, or what was expected (for the message
 * "invalid Key 'value': expected ...").
 */
typedef const char *(*handler_fn)(struct ctx *c, const char *v);

/* multi: a comma list, and the key may be repeated. */
struct key {
	const char *name;
	enum section sec;
	bool multi;
	handler_fn fn;
	bool secret;			/* never echoed in an error */
};

/* Every key; its index is its bit in `seen`. */
extern const struct key config_keys[];

/* The index of a key (any case) in config_keys, or -1. */
int key_index(const char *name);

#define SEEN(name) (1ULL << key_index(name))

/* After the last line: the checks of config_check.c, in their order. */
void check_config(struct ctx *c);

/* The [Cluster] section (config_cluster.c): its keys' handlers and its
 * whole-section check, run by check_config. */
const char *cluster_etcd_endpoint(struct ctx *c, const char *v);
const char *cluster_name_key(struct ctx *c, const char *v);
const char *cluster_node_name(struct ctx *c, const char *v);
const char *cluster_key_file(struct ctx *c, const char *v);
const char *cluster_lease_ttl(struct ctx *c, const char *v);
const char *cluster_fencing_margin(struct ctx *c, const char *v);
const char *cluster_takeover(struct ctx *c, const char *v);
void check_cluster(struct ctx *c);

#endif /* JUMPD_CONFIG_INTERNAL_H */
