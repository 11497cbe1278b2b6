/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What only jumpd knows about a device's sessions, as one model: the peer
 * name, jumpd's state and since when, the last handshake, counters of
 * state changes and reattaches by reason, and the path table. jumpd fills
 * it from its peers (jumpd/status.c) and sends it as JSON on its status
 * socket; jumpctl parses that document back into it (jumpctl/jd_status.c).
 * The metrics writer (jumping_metrics.h) reads it on both sides. A
 * clustered gateway adds its part of the cluster (docs/cluster.md).
 */
#ifndef JUMPING_STATUS_H
#define JUMPING_STATUS_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/jumping.h>

/* One candidate path as jumpd reports it (srtt 0: no sample yet). */
struct jd_status_path {
	char path[128];		/* "192.0.2.2:51820 via 198.51.100.2" */
	char state[16];		/* probing, validated, failed */
	bool active, usable;
	uint64_t srtt_us, rttvar_us;
	unsigned int loss_permille;	/* of the last `settled` probes */
	unsigned int settled;
};

/* Counts indexed by enum jumping_reason. */
struct jd_status_reasons {
	uint64_t n[__JUMPING_REASON_MAX];
};

struct jd_status_session {
	uint32_t id;
	char peer[64];			/* the [Peer] Name */
	char state[16];			/* jumpd's state machine */
	bool has_state_age, has_handshake_age;
	uint64_t state_age_ms;		/* since the state was entered */
	uint64_t handshake_age_ms;	/* since the last handshake */
	/* Since jumpd started, for the peer (they outlive a session). */
	struct jd_status_reasons state_changes;	/* by the change's reason */
	struct jd_status_reasons reattaches;	/* binding moves, by reason */
	struct jd_status_reasons reattach_rejected;	/* by why */
	unsigned int n_paths;
	struct jd_status_path *paths;
};

/* A clustered gateway: its node, its lease's state, its takeovers. */
struct jd_status_cluster {
	char node[64];			/* NodeName */
	char state[16];			/* starting, serving, fenced */
	bool has_serve_left;		/* serving: the fencing clock runs */
	uint64_t serve_left_ms;		/* until it fences without a renewal */
	bool watching;			/* the watch of owner keys is up */
	unsigned int takeovers;		/* lookups and creates in hand */
};

struct jd_status {
	unsigned int n;
	struct jd_status_session *s;
	bool has_cluster;
	struct jd_status_cluster cluster;
};

#endif /* JUMPING_STATUS_H */
