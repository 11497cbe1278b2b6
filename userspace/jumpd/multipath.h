/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a session's path is chosen (docs/multipath.md): the mover side
 * (the initiator, which has the candidate paths) probes every path, feeds
 * what it hears into path_stats, asks path_policy what to do and does it:
 * a probe, DEGRADED and back, or a move (audited with the reason and the
 * path table before and after). Inputs come as events: echoes, the
 * kernel's silence notifications, rx seen by supervise, address and link
 * changes; the policy says when to look again.
 */
#ifndef JUMPD_MULTIPATH_H
#define JUMPD_MULTIPATH_H

#include <stdbool.h>
#include <stdint.h>
#include "path_policy.h"

struct jd;
struct jd_peer;
struct jp_conf_peer;

struct jd_mp {
	struct jp_policy policy;
	uint64_t next_us;		/* look again by then (0: now) */
	uint64_t due_us;		/* what the last tick asked for */
	uint64_t busy_until_us;		/* data heard: the active path is busy */
	uint64_t probe_counter;		/* ours, fresh across restarts */
	uint32_t silence_ms;		/* what the kernel was told (0: none) */
	uint64_t silence_set_us;
	bool silence_unsupported;	/* the module refused SILENCE_MS */
	uint64_t rx_packets_seen;	/* at the last look (0: none yet) */
};

/* Microseconds on CLOCK_BOOTTIME (the policy's clock). */
uint64_t jd_now_us(void);

void jd_mp_init(struct jd_mp *mp, const struct jp_conf_peer *c);
/* PathProbing or FailbackAfter changed (reload). */
void jd_mp_configure(struct jd_mp *mp, const struct jp_conf_peer *c);
/* A new (or adopted) session: its path starts unjudged. */
void jd_mp_session_start(struct jd_peer *p);
/* The session has paths to choose from (an initiator's). */
bool jd_mp_on(const struct jd_peer *p);
/* Due work of the session's paths; the next deadline in ms. */
uint64_t jd_mp_tick(struct jd *d, struct jd_peer *p);
/* Authenticated rx on the binding at_us (data, keepalives). */
void jd_mp_heard(struct jd_peer *p, uint64_t at_us);
/* The session's rx packet count now: whether data flows (busy). */
void jd_mp_rx_count(struct jd_peer *p, uint64_t rx_packets, uint64_t now_us);
/*
 * The kernel: we have been sending on the binding without hearing from
 * it for unheard_ms (silent), or it is heard again (!silent).
 */
void jd_mp_on_silence(struct jd *d, struct jd_peer *p, bool silent,
		      uint64_t unheard_ms);
/* Addresses or links changed: paths may have become (un)usable. */
void jd_mp_host_changed(struct jd *d);
/* One path's JSON object is well under this (jd_mp_paths_json). */
#define JD_PATH_JSON_MAX	400
/* The path table as JSON, for the audit log and `jumpctl show`; a
 * buffer of JD_MAX_PATHS * JD_PATH_JSON_MAX + 2 always holds it. */
void jd_mp_paths_json(const struct jd_peer *p, char *buf, size_t len);

#endif /* JUMPD_MULTIPATH_H */
