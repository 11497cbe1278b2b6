/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A session's candidate paths (docs/multipath.md, "The path table"): every
 * LocalAddress x every address of every Endpoint, each with what is known
 * of it (path_stats.h), whether it can be used now (its local address is
 * assigned and its link up, from addrwatch), and the newest probe token
 * its peer sent on it (a validated standby is switched to with it,
 * without a challenge). Which path to use is decided in multipath.c.
 */
#ifndef JUMPD_PATHS_H
#define JUMPD_PATHS_H

#include <stdbool.h>
#include <stdint.h>
#include "binding.h"
#include "config.h"
#include "path_policy.h"
#include "probe.h"

/* Remote candidates: every address of every Endpoint, up to this many. */
#define JD_MAX_REMOTES	16
#define JD_MAX_PATHS	(JP_CONF_MAX_LOCAL * JD_MAX_REMOTES)

/* One way to reach a peer: our local address (family 0: any) and its. */
struct jd_path {
	struct jp_binding local;
	struct jp_binding remote;
};

struct jd_path_entry {
	struct jd_path addr;
	struct jp_path_stats st;
	unsigned int pref;		/* lower is preferred */
	bool usable;			/* address assigned, link up */
	enum jp_path_state logged;	/* the state last logged */
	uint64_t healthy_since_us;	/* the policy's memory */
	uint8_t token[JP_PROBE_TOKEN_LEN];
	uint64_t token_us;		/* when it came; 0: none */
};

/*
 * Allocated to the number of candidates (a responder's peer has none): a
 * fixed table of JD_MAX_PATHS would cost ~97 KB per peer, most of a
 * gateway's memory at 10k peers.
 */
struct jd_paths {
	struct jd_path_entry *e;	/* n of them; NULL when n == 0 */
	unsigned int n;
	unsigned int active;		/* index of the binding's path */
};

/*
 * The local addresses the host has, as rtnetlink reports them, and which
 * links are down: what makes a path usable.
 */
#define JD_MAX_LOCAL_ADDRS	256
struct jd_local_addr {
	struct jp_binding addr;		/* port 0 */
	uint32_t ifindex;
};

struct jd_host {
	bool known;			/* the first dump was read */
	struct jd_local_addr a[JD_MAX_LOCAL_ADDRS];
	unsigned int n;
	uint32_t down[JD_MAX_LOCAL_ADDRS];	/* ifindexes of links down */
	unsigned int n_down;
};

/*
 * The candidates for the given local addresses and remotes, in preference
 * order (each local address in turn with every remote). A path that was
 * in the table keeps what is known of it; the binding's path stays active
 * if it is still a candidate.
 */
void jd_paths_rebuild(struct jd_paths *t, const struct jp_binding *locals,
		      unsigned int n_locals, const struct jp_binding *remotes,
		      unsigned int n_remotes, const struct jd_path *binding,
		      uint32_t first_seq_seed);
/* The index of path, or -1. */
/* Free the table (the peer goes). */
void jd_paths_free(struct jd_paths *t);
int jd_paths_find(const struct jd_paths *t, const struct jd_path *path);
/* Whether a datagram came over path (from its remote, to its local). */
bool jd_path_carried_by(const struct jd_path *path,
			const struct jp_binding *from,
			const struct jp_binding *to);
/* Bring every path's usable flag up to date from the host's addresses. */
void jd_paths_update_usable(struct jd_paths *t, const struct jd_host *h);

/* The host's addresses and links: changes from rtnetlink. */
void jd_host_addr(struct jd_host *h, const struct jp_binding *addr,
		  uint32_t ifindex, bool present);
void jd_host_link(struct jd_host *h, uint32_t ifindex, bool up);
/* The ifindex a local address is on (0: not assigned). */
uint32_t jd_host_ifindex(const struct jd_host *h,
			 const struct jp_binding *addr);

#endif /* JUMPD_PATHS_H */
