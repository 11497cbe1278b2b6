/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's runtime: one struct jd for the process and one jd_peer per
 * [Peer], with the session jumpd manages for it (at most one), the
 * handshake in flight, and both sides of REATTACH. Single-threaded: only
 * the main loop touches these.
 */
#ifndef JUMPD_JUMPD_H
#define JUMPD_JUMPD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <poll.h>
#include "binding.h"
#include "cluster.h"
#include "config.h"
#include "cookie.h"
#include "handshake.h"
#include "jumping_status.h"
#include "kernel.h"
#include "keyfile.h"
#include "multipath.h"
#include "paths.h"
#include "peer_map.h"
#include "probe.h"
#include "probe_token.h"
#include "ratelimit.h"
#include "reattach.h"
#include "resolver.h"
#include "rx_age.h"
#include "state.h"
#include "timers.h"

/* The initiator's handshake in flight. */
struct jd_initiation {
	bool active;
	bool rekey;			/* for the existing session */
	struct jp_hs hs;
	uint32_t local_id;		/* our id for the session */
	uint8_t key_id;
	unsigned int path;		/* index in paths (new sessions) */
	unsigned int tries;
	uint64_t next_ms;		/* send a fresh initiation then */
	struct jd_path sent_on;
	uint8_t mac1[JP_HS_MAC1_LEN];	/* of the last one sent */
};

/*
 * Mover side of REATTACH: we ask the peer to move us to `target`. A move
 * is a series of attempts, one per path tried; an attempt has one counter
 * and its retransmissions repeat the same request, so the peer's one
 * pending validation and our one acceptable challenge always name the
 * same attempt. Only the challenge to the attempt in progress may switch
 * us; the last one answered is answered again (our response may have
 * been lost) but switches nothing.
 */
struct jd_mover {
	bool active;
	/*
	 * The path policy moved us to a path its probes validated: the
	 * binding moved already, the peer is being told. Retried on that
	 * path only; a newer decision replaces it.
	 */
	bool switched;
	/*
	 * The attempt in progress was asked for by a SOLICIT from its path:
	 * the peer is there, and its CHALLENGE may wait for its cluster's
	 * etcd (docs/cluster.md): more tries before the next path.
	 */
	bool asked;
	unsigned int path;		/* index in paths */
	unsigned int tries;		/* of this attempt */
	unsigned int paths_tried;	/* attempts that got no challenge */
	uint64_t counter;		/* of the attempt in progress */
	uint8_t request[JP_SWITCH_LEN];	/* a REQUEST or a SWITCH */
	size_t request_len;
	uint64_t started_ms;		/* of the move */
	uint64_t next_ms;
	struct jd_path target;
	uint64_t answered;		/* counter of the last challenge answered */
	struct jd_path answered_on;
};

/* Peer side: the observed path we are validating. */
struct jd_validation {
	bool active;
	struct jp_reattach_pending pending;
	struct jp_binding arrived_on;	/* our local address it came to */
	uint8_t challenge[JP_REATTACH_CHALLENGE_LEN];
	unsigned int sent;
	uint64_t next_ms;
	uint64_t deadline_ms;
	/*
	 * A clustered gateway's challenge waits for etcd to hold the record
	 * of this version, which carries the request's counter as the
	 * floor (docs/cluster.md); 0: it waits for nothing.
	 */
	uint64_t floor_version;
};

/* Unauthenticated REATTACH rejections of the current audit interval. */
#define JD_REJECT_SUMMARY_MS	10000
struct jd_rejections {
	uint64_t since_ms;		/* first of the interval; 0: none */
	uint64_t count[__JUMPING_REASON_MAX];
	uint64_t written[__JUMPING_REASON_MAX];
};

/* An Endpoint's addresses: a numeric one at once, a name's from DNS. */
struct jd_endpoint {
	bool is_name;
	bool pending;			/* a lookup is under way */
	unsigned int n;
	struct jp_binding addr[JD_RESOLVE_MAX];
	uint64_t resolved_ms;		/* last answer (0: none yet) */
	uint64_t next_ms;		/* look it up (again) then */
};

/* PROBEs a session answers per second: a busy active path's 10, two
 * confirmation probes and up to eight standbys' 1 each, with room. */
#define JD_PROBES_ANSWERED_PER_S 50

struct jd_peer {
	struct jp_conf_peer conf;
	/* From a PeerDir file (its name there), or NULL: the main config. */
	char *file;
	int64_t file_mtime_ns;		/* the file as applied */
	int64_t file_size;
	uint64_t file_ino;
	uint32_t scan_gen;
	uint64_t serial;		/* names this peer to the resolver */
	struct jd_endpoint *eps;	/* conf.n_endpoints of them */
	uint8_t psk[32];		/* zeros without PresharedKey */
	uint8_t mac1_key[32];		/* mac1 of what we send it */
	struct jd_paths paths;		/* candidates; .active: the binding's */
	struct jd_mp mp;		/* mover: probing and the path policy */
	bool initiator;			/* it has an Endpoint */
	struct jp_timing timing;
	bool keep;			/* reload: still configured */

	/* The session, when has_session. */
	bool has_session;
	uint32_t local_id, remote_id;
	struct jp_fsm fsm;
	struct jp_ctl_ring ctl;		/* REATTACH and confirm keys (ctl_keys.h) */
	uint8_t key_id;			/* of our primary slot */
	bool swap_pending;		/* responder: new key waits in secondary */
	uint8_t swap_key_id;
	uint64_t primary_made_ms;	/* while swap_pending: the primary's
					 * handshake (0: unknown) */
	uint64_t confirm_highest;
	uint64_t confirm_counter;	/* initiator: last confirm sent */
	struct jd_path cur;		/* the binding, with our local address */
	uint64_t last_rx_ms;		/* last authenticated rx on the binding */
	struct jp_rx_age rx_age;		/* RX_AGE_MS history */
	uint64_t last_hs_ms;		/* last handshake (rekey timer) */
	/*
	 * Liveness (supervise.c): the kernel told SILENT and not yet
	 * RESUMED; the session was given its SILENCE_MS; when it was last
	 * looked at in a dump.
	 */
	bool silent;
	bool silence_set;
	uint64_t looked_ms;
	uint32_t resync_gen;

	/* sched.c: position in the heap (1-based; 0: none), next work. */
	unsigned int heap_pos;
	uint64_t due_ms;

	/* The responder's cookie, for one path (cookie.h). */
	uint8_t cookie_key[JP_COOKIE_KEY_LEN];	/* its replies' key */
	uint8_t cookie[JP_COOKIE_LEN];
	uint64_t cookie_ms;		/* when we got it; 0: none */
	struct jd_path cookie_path;

	/* Replay protection that outlives sessions. */
	uint8_t last_ts[12];		/* newest initiation timestamp taken */
	uint64_t reattach_counter;	/* mover: last counter used */
	uint64_t solicit_counter;	/* peer: last SOLICIT sent */
	struct jp_reattach_replay solicit_replay;	/* mover: SOLICITs */

	struct jd_initiation init;
	struct jd_mover mover;
	struct jd_validation val;
	struct jp_reattach_replay replay;
	uint64_t switch_acked;		/* counter of the last SWITCH taken */
	struct jp_probe_window probe_window;	/* the prober's counters */
	struct jp_window probe_budget;	/* JD_PROBES_ANSWERED_PER_S */
	struct jd_rejections rejections;
	/* For metrics (jumping_status.h): since jumpd started, by reason. */
	struct jd_status_reasons state_changes, reattaches, reattach_rejected;
	struct jp_window switches;
	struct jp_rl_entry rl_slots[2];
	struct jp_rl_table rl;
	/* cluster_flow.c: a digest of the session record last queued for
	 * etcd (zero: none, or it must be written again), and the newest
	 * version etcd confirmed. */
	uint8_t cluster_record_digest[16];
	uint64_t cluster_written_version;
	/*
	 * cluster_takeover_serve.c: the session was taken over from another
	 * gateway and has no data key yet: once its path is validated, the
	 * takeover rekey (JP_HS_FLAG_TAKEOVER). And when a REATTACH for a
	 * session of this peer owned elsewhere in the cluster was last seen
	 * here: its resume handshakes are not answered meanwhile.
	 */
	bool taking_over;
	uint64_t cluster_seen_ms;
	/* An orphan taken over: SOLICITs left to send, and when the next
	 * (JD_SOLICIT_AGAIN_MS apart, until its client's REQUEST). */
	unsigned int solicits_left;
	uint64_t solicit_next_ms;
};

struct jd_cluster;

/*
 * A REATTACH REQUEST for a session id this clustered gateway does not
 * know, held while etcd is asked about it (cluster_takeover_flow.c).
 */
#define JD_TAKEOVERS	8
struct jd_takeover {
	bool active;
	bool creating;			/* accepted: the create is in flight */
	/* The owner key went with its lease (the watch): taken before the
	 * client asks; has_request: its REQUEST came meanwhile. */
	bool orphan;
	bool has_request;
	uint32_t session;		/* the owner's id, in the REQUEST */
	uint64_t started_ms;
	uint8_t request[JP_REATTACH_REQUEST_LEN];
	struct jp_binding from, to;
	uint8_t peer[32];		/* creating: the record's peer */
	uint64_t version;		/* creating: the record's version */
	uint8_t *plain;			/* creating: the record (malloc'd) */
	size_t plain_len;
};

/*
 * A resume initiation a clustered gateway holds back (cluster_resume.c):
 * its peer's session may live on another gateway, whose client's
 * REATTACH will tell (and have it taken over) within the hold.
 */
#define JD_RESUMES_HELD	8
/* An orphan's SOLICITs: a lost one costs this much. */
#define JD_SOLICIT_AGAIN_MS	300
struct jd_held_resume {
	bool active;
	uint8_t peer[32];
	uint64_t since_ms;
	uint8_t packet[JP_HS_INIT_WIRE_LEN];
	struct jp_binding from, to;
};

struct jd {
	const char *cfg_path;
	const char *state_dir;
	bool verbose;
	struct jp_config *cfg;
	uint8_t priv[32], pub[32], mac1_key[32];
	struct jd_kernel k;
	uint16_t listen_port;		/* the device's, as set */
	struct jd_peer **peers;
	unsigned int n_peers;
	/* O(1) lookups (peer_map.h): by public key; by session id, ours
	 * (local_id) and our initiation's (init.local_id). */
	struct jd_map by_pub, by_id;
	/* For PeerDir's checks: a name, an AllowedIPs prefix has one peer. */
	struct jd_map by_name, by_prefix;
	struct jd_map by_file;		/* PeerDir peers by file name */
	unsigned int peers_cap;		/* of peers[] */
	/* peerdir.c: the PeerDir's inotify descriptor (-1: none). */
	int peerdir_fd;
	char *peer_dir;
	uint32_t scan_gen;
	/* sched.c: peers by next deadline (a min-heap). */
	struct jd_peer **heap;
	unsigned int heap_n, heap_cap;
	/*
	 * supervise.c: one dump of every session when some need a look
	 * (want_look_until in the future), at most every JD_LOOK_MS.
	 */
	uint64_t next_look_ms, last_look_ms, want_look_until_ms;
	uint64_t looks;			/* dumps taken, for tests */
	uint32_t resync_gen;
	FILE *audit;
	struct jd_resolver *resolver;
	uint64_t next_serial;
	uint8_t rl_seed[16];
	struct jp_rl_table hs_all, hs_source, ra_source;
	struct jp_rl_entry hs_all_slot[1], hs_source_slots[256],
			   ra_source_slots[256];
	uint64_t hs_refused, reattach_rejected;
	/* Cookies (hs_cookie.c): two secrets, the newest first. */
	uint8_t cookie_secret[2][JP_COOKIE_SECRET_LEN];
	uint64_t cookie_secret_ms, hs_load_until, hs_cookies_sent;
	uint8_t cookie_reply_key[JP_COOKIE_KEY_LEN];
	struct jp_probe_tokens probe_tokens;	/* ECHO tokens' secrets */
	uint64_t probe_refused;		/* PROBE/ECHO that did not verify */
	struct jd_host host;		/* local addresses and links down */
	int status_fd;			/* status socket listening; -1: none */
	struct jd_http *http;		/* /metrics server; NULL: off */
	/* [Cluster]: its key from open to start, then the runtime (NULL
	 * until started, and without [Cluster]). */
	bool clustered;
	uint8_t cluster_key[32];
	struct jd_cluster *cluster;
	/* cluster_takeover_flow.c: REQUESTs for unknown sessions waiting
	 * for etcd (empty without [Cluster]). */
	struct jd_takeover takeovers[JD_TAKEOVERS];
	struct jd_held_resume held_resumes[JD_RESUMES_HELD];
	bool resume_releasing;		/* one held is being answered */
};

/*
 * cluster_flow.c: the gateway cluster (docs/cluster.md), from [Cluster].
 * Without one: nothing is started, may_serve is always true, the fd is -1
 * and the tick UINT64_MAX. Open reads the cluster key (before the kernel
 * is touched); start runs the workers, after daemon(): threads do not
 * survive a fork.
 */
int jd_cluster_open(struct jd *d);
/*
 * cluster_takeover_flow.c: a REATTACH REQUEST for a session this gateway
 * does not know. Clustered, the takeover is tried (docs/cluster.md,
 * "Takeover"): true, the REQUEST is taken; without [Cluster], false and
 * nothing done. The other two are the runtime's answers; created says
 * whether the create was a takeover's.
 */
bool jd_cluster_takeover_request(struct jd *d, const struct jk_event *ev,
				 uint32_t session);
void jd_cluster_takeover_looked_up(struct jd *d, uint32_t session,
				   enum jd_cluster_outcome outcome,
				   const struct jd_cluster_found *found,
				   const char *error);
bool jd_cluster_takeover_created(struct jd *d, uint32_t session,
				 enum jd_cluster_outcome outcome,
				 const char *holder, const char *error);
/*
 * The owner key of session went with its owner's lease (the runtime's
 * watch): clustered and serving, this gateway tries to take the session
 * over before its client asks, and asks the client over with a SOLICIT
 * (docs/cluster.md, "Takeover"). Losing is quiet: every gateway tries.
 * False with every takeover slot busy: the runtime offers it again.
 */
bool jd_cluster_takeover_orphan(struct jd *d, uint32_t session);
/*
 * cluster_takeover_serve.c: serve the session won in etcd: rebuilt from
 * its record r (version: the record's), taken over (RECOVERING), and the
 * REQUEST that won it validated; -1 if it could not be installed. Keyed:
 * the takeover rekey is done (the initiator's message 2, or the swap).
 */
struct jd_cluster_record;
int jd_takeover_serve(struct jd *d, struct jd_peer *p,
		      const struct jd_cluster_record *r, uint64_t version,
		      const struct jk_event *request);
/* An orphan's, with no REQUEST: the client at the record's binding is
 * asked over by SOLICITs. */
int jd_takeover_serve_orphan(struct jd *d, struct jd_peer *p,
			     const struct jd_cluster_record *r,
			     uint64_t version);
void jd_takeover_keyed(struct jd *d, struct jd_peer *p);
/*
 * cluster_resume.c: a resume initiation from p, which has no session
 * here. Clustered, it waits (true: taken, not to be answered now) while
 * p's session may live elsewhere in the cluster; a held one is answered
 * by the tick once the hold is over and no REATTACH of p told otherwise.
 * Without [Cluster], false.
 */
bool jd_cluster_resume_wait(struct jd *d, struct jd_peer *p,
			    const struct jk_event *ev);
uint64_t jd_cluster_resume_tick(struct jd *d, uint64_t now);
int jd_cluster_start(struct jd *d);
void jd_cluster_close(struct jd *d);
/* Whether sessions may be served (handshakes answered or started). */
bool jd_cluster_may_serve(const struct jd *d);
int jd_cluster_pollfd(const struct jd *d);
/* The runtime's work due at now; when it is next due. */
uint64_t jd_cluster_tick(struct jd *d, uint64_t now);
/* This gateway's part of the cluster, for the status document. */
void jd_cluster_status(const struct jd *d, uint64_t now,
		       struct jd_status_cluster *out);
/* End every session, audited with why (fenced, lease-lost); how many. */
unsigned int jd_cluster_end_sessions(struct jd *d, enum jumping_reason why);
/* session.c's: p's session installed (its owner key is created, its
 * record written), and a session of this id gone (its owner key
 * released). */
void jd_cluster_session_started(struct jd *d, struct jd_peer *p);
void jd_cluster_session_ended(struct jd *d, uint32_t local_id);
/*
 * p's session may have changed (the state file is saved, a counter
 * rose): its record is written if it differs from the last one queued.
 * Nothing without [Cluster].
 */
void jd_cluster_session_changed(struct jd *d, struct jd_peer *p);
/*
 * The version of p's record that is queued but not yet confirmed written
 * (0: none, or no [Cluster]): what an answer that raised a floor waits
 * for.
 */
uint64_t jd_cluster_record_unwritten(const struct jd *d,
				     const struct jd_peer *p);

/* notify.c: systemd's service notifications (nothing outside systemd). */
void jd_notify_ready(const struct jd *d);
void jd_notify_reloading(void);
void jd_notify_stopping(void);

/* log.c */
uint64_t jd_now_ms(void);
/* Microseconds on the wall clock: counters that must grow across restarts. */
uint64_t jd_wall_us(void);
/* Log lines by priority (syslog's): info, warning, error, debug (-v). */
void jd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void jd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void jd_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void jd_debug(const struct jd *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void jd_audit_transition(struct jd *d, const struct jd_peer *p,
			 const struct jp_transition *tr);
/* An event that is not a state change ("reattach-rejected", "rekey"). */
void jd_audit_event(struct jd *d, const struct jd_peer *p, const char *event,
		    enum jumping_reason reason, const struct jp_binding *before,
		    const struct jp_binding *after);
/* count events of one kind in one line ("count": N). */
void jd_audit_count(struct jd *d, const struct jd_peer *p, const char *event,
		    enum jumping_reason reason, uint64_t count);
/* A move the path policy decided: why, from where to where, and the path
 * tables (jd_mp_paths_json) before and after. */
void jd_audit_move(struct jd *d, const struct jd_peer *p,
		   enum jumping_reason reason, const struct jd_path *from,
		   const struct jd_path *to, bool validated,
		   const char *paths_before, const char *paths_after);
/* A takeover's step for a session not (yet) here: event, reason, the
 * REQUEST's source, and detail (printable ASCII, bounded). */
void jd_audit_takeover(struct jd *d, uint32_t session_id, const char *peer,
		       const char *event, enum jumping_reason reason,
		       const struct jp_binding *from, const char *detail);
/* A kernel session deleted without ever being ours (adoption refused). */
void jd_audit_orphan(struct jd *d, uint32_t session_id, const char *peer,
		     const char *event, const struct jp_binding *binding);
const char *jd_path_str(const struct jd_path *path, char *buf, size_t len);

/* peers.c */
int jd_peers_build(struct jd *d, const struct jp_config *cfg,
		   struct jd_peer ***out, unsigned int *n);
void jd_peers_free(struct jd_peer **peers, unsigned int n);
/* One peer: its allocations, then the peer, zeroed (keys). */
void jd_peer_free(struct jd_peer *p);
/* The lookup maps: made once, rebuilt when the peer list changes. */
void jd_index_init(struct jd *d);
void jd_index_rebuild(struct jd *d);
void jd_index_free(struct jd *d);
/* p now has id as its local_id or init.local_id. */
void jd_index_id(struct jd *d, uint32_t id, struct jd_peer *p);
void jd_index_id_del(struct jd *d, uint32_t id, struct jd_peer *p);
/* p's key, name and prefixes into (or out of) the maps. */
void jd_index_peer_add(struct jd *d, struct jd_peer *p);
void jd_index_peer_del(struct jd *d, struct jd_peer *p);
/* As jd_peer_by_local_id, without making the peer due (a dump's walk). */
struct jd_peer *jd_peer_of_session(struct jd *d, uint32_t id);
struct jd_peer *jd_peer_by_name(struct jd *d, const char *name);
struct jd_peer *jd_peer_by_file(struct jd *d, const char *file);
struct jd_peer *jd_peer_by_prefix(struct jd *d, const struct jp_prefix *pfx);
struct jd_peer *jd_peer_by_pub(struct jd *d, const uint8_t pub[32]);
struct jd_peer *jd_peer_by_local_id(struct jd *d, uint32_t id);
struct jd_peer *jd_peer_by_init_id(struct jd *d, uint32_t id);
uint32_t jd_new_session_id(struct jd *d);

/*
 * Whether a datagram came over path: from its remote, to its local address
 * (any of ours if it has none). An answer is taken only on the path its
 * question went out on: a copy an attacker moved to another path would
 * otherwise switch us there (found by the protocol model, tests/model).
 */
bool jd_path_carried(const struct jd_path *path, const struct jk_event *ev);
/* Candidate paths from the endpoints' addresses; the binding's stays. */
void jd_peer_build_paths(struct jd_peer *p);

/* dns.c: Endpoint names, resolved and refreshed off the main loop. */
uint64_t jd_dns_tick(struct jd *d, struct jd_peer *p, uint64_t now);
void jd_dns_on_answer(struct jd *d, const struct jd_answer *a);
/* No path answers: look the names up again soon (rate-limited). */
void jd_dns_refresh_soon(struct jd_peer *p, uint64_t now);

/* session.c */
/*
 * A new session in two halves: the kernel's (SESSION_NEW, no key yet),
 * then jumpd's (the peer's session state from scratch: BIRTH, the
 * control keys ctl, no floors). jd_session_install does both, with the
 * handshake's keys; a takeover (cluster_takeover_serve.c) without keys.
 */
int jd_session_kernel_new(struct jd *d, struct jd_peer *p, uint32_t local_id,
			  uint32_t remote_id, const struct jd_path *path);
void jd_session_begin(struct jd *d, struct jd_peer *p, uint32_t local_id,
		      uint32_t remote_id, const struct jd_path *path,
		      uint8_t key_id, const struct jp_ctl_keys *ctl);
/* KEEPALIVE_MS from the peer's config, once the session has a key. */
void jd_session_set_keepalive(struct jd *d, struct jd_peer *p);
int jd_session_install(struct jd *d, struct jd_peer *p, uint32_t local_id,
		       uint32_t remote_id, const struct jd_path *path,
		       uint8_t key_id, const struct jp_hs_keys *keys);
/* Apply ev (nb: binding to install, or NULL) and tell kernel and logs. */
bool jd_apply(struct jd *d, struct jd_peer *p, enum jp_event ev,
	      const struct jd_path *nb);
void jd_session_forget(struct jd *d, struct jd_peer *p, bool delete_kernel);

/* hs_flow.c */
void jd_hs_start(struct jd *d, struct jd_peer *p, bool rekey);
uint64_t jd_hs_tick(struct jd *d, struct jd_peer *p, uint64_t now);
void jd_hs_on_init(struct jd *d, const struct jk_event *ev);
void jd_hs_on_resp(struct jd *d, const struct jk_event *ev);
void jd_hs_on_confirm(struct jd *d, const struct jk_event *ev);
void jd_hs_on_key_exhausted(struct jd *d, struct jd_peer *p);
/* Responder of a rekey: swap to the pending key (and control keys). */
int jd_hs_swap(struct jd *d, struct jd_peer *p);
/* The control keys a REATTACH message of the peer may be under. */
struct jp_mac_keys *jd_ctl_rx(const struct jd_peer *p,
			      struct jp_mac_keys *mk);
/* A message of the peer verified under mk's used key (ctl_keys.h). */
void jd_ctl_heard(struct jd *d, struct jd_peer *p,
		  const struct jp_mac_keys *mk);
/* How long replaced control keys stay good (their data key's hard age). */
uint64_t jd_ctl_keep_ms(const struct jd_peer *p, uint64_t made_ms);
/*
 * Beside a move: a handshake flagged resume, which the peer answers only
 * if it no longer has our session (then the old one ends with peer-lost
 * and the new one replaces it).
 */
void jd_hs_start_fallback(struct jd *d, struct jd_peer *p);
void jd_hs_cancel_fallback(struct jd_peer *p);

/* hs_cookie.c */
/* Responder: whether an initiation may cost a DH now (else dropped, or
 * answered with a cookie). */
bool jd_hs_admit(struct jd *d, const struct jk_event *ev, uint64_t now);
/* Initiator: mac2 of msg (JP_HS_INIT_WIRE_LEN) for its path, or zeros. */
void jd_hs_put_mac2(const struct jd_peer *p, uint8_t *msg, uint64_t now);
void jd_hs_on_cookie(struct jd *d, const struct jk_event *ev);

/* sched.c: the peers by next deadline. */
void jd_sched(struct jd *d, struct jd_peer *p, uint64_t at_ms);
/* Due now: something about p changed (an event, an answer). */
void jd_touch(struct jd *d, struct jd_peer *p);
void jd_touch_all(struct jd *d);
/* After d->peers changed: every peer queued, due now. */
int jd_sched_rebuild(struct jd *d);
struct jd_peer *jd_sched_first(const struct jd *d);
/* A peer joins (PeerDir), due now; or leaves: 0 or -1 (no memory). */
int jd_sched_add(struct jd *d, struct jd_peer *p);
void jd_sched_remove(struct jd *d, struct jd_peer *p);
void jd_sched_free(struct jd *d);

/* supervise.c */
uint64_t jd_supervise(struct jd *d, struct jd_peer *p, uint64_t now);
/* The SILENCE_MS a new session gets (its silence says VolatileAfter). */
uint32_t jd_silence_default_ms(const struct jd_peer *p);
/* SILENCE_NTF for p's session. */
void jd_on_silence(struct jd *d, struct jd_peer *p, const struct jk_event *ev);
/* The dump, if some session wants a look and it is time: next due. */
uint64_t jd_look(struct jd *d, uint64_t now);
/* After lost notifications: the kernel's session list is the truth. */
void jd_resync(struct jd *d);

/* mover_flow.c and reattach_flow.c (the peer's side, the dispatch) */
/* here: the first attempt from the current path (the peer asked). */
void jd_mover_start(struct jd *d, struct jd_peer *p, const char *why,
		    bool here);
/*
 * The path policy moves the session to paths.e[to]. validated: the path
 * answers our probes, so the binding moves at once and the peer is told
 * with a SWITCH (its token, or a challenge if it has none); otherwise a
 * REATTACH from that path, switching when the challenge comes.
 */
void jd_mover_move(struct jd *d, struct jd_peer *p, unsigned int to,
		   bool validated, const char *why);
/* The move is over (validated, or rx resumed): no fallback either. */
void jd_mover_stop(struct jd_peer *p);
/* mover_flow.c: retransmissions; CHALLENGE, SOLICIT and SWITCH-ACK. */
uint64_t jd_mover_tick(struct jd *d, struct jd_peer *p, uint64_t now);
void jd_mover_on_control(struct jd *d, struct jd_peer *p,
			 const struct jk_event *ev);
uint64_t jd_reattach_tick(struct jd *d, struct jd_peer *p, uint64_t now);
void jd_reattach_on_control(struct jd *d, const struct jk_event *ev);
void jd_reattach_reset(struct jd_peer *p);
/* The REQUEST that won a takeover, on the session rebuilt for it: proof,
 * replay and policy checked, then validated as any (no source limit: it
 * passed that when it came). */
void jd_reattach_on_taken_request(struct jd *d, struct jd_peer *p,
				  const struct jk_event *ev);
/* Ask the client at to reattach (a SOLICIT above every counter sent). */
void jd_reattach_solicit(struct jd *d, struct jd_peer *p,
			 const struct jp_binding *to);
/* Responder: the session's packets come from elsewhere (UNKNOWN_SOURCE). */
void jd_reattach_on_unknown_source(struct jd *d, struct jd_peer *p,
				   const struct jp_binding *from);
/* Clustered: etcd holds p's record up to version: a challenge waiting
 * for its counter's floor goes out. */
void jd_reattach_floor_written(struct jd *d, struct jd_peer *p,
			       uint64_t version);

/* probe_flow.c: PROBE and ECHO (docs/multipath.md, "Probe and echo"). */
void jd_probe_send(struct jd *d, struct jd_peer *p, unsigned int path,
		   uint64_t now_us);
void jd_probe_on_probe(struct jd *d, struct jd_peer *p,
		       const struct jk_event *ev);
void jd_probe_on_echo(struct jd *d, struct jd_peer *p,
		      const struct jk_event *ev);

/* persist.c */
int jd_state_dir_check(const struct jd *d);
void jd_persist_save(struct jd *d, const struct jd_peer *p);
/* The peer's newest handshake timestamp, kept without a session. */
void jd_persist_peer_save(struct jd *d, const struct jd_peer *p);
void jd_persist_peer_load(struct jd *d, struct jd_peer *p);
void jd_persist_remove(struct jd *d, uint32_t local_id);
/* Adopt the kernel's sessions we have state for. */
void jd_adopt(struct jd *d);

/* main.c: the budgets of [Interface] (handshakes, REATTACH per source). */
void jd_rate_limits_init(struct jd *d, const struct jp_conf_iface *ifc);
/* ListenPort (0: a random free one, or the one the device has). */
int jd_set_port(struct jd *d, uint16_t wanted, bool set_fwmark,
		uint32_t fwmark);

/*
 * status.c: <state_dir>/<device>.sock, where `jumpctl show` reads each
 * session's path table (one JSON document per connection). Without it
 * jumpd works as before: open logs why and returns -1.
 */
int jd_status_open(struct jd *d);
/* A connection is waiting: answer it (and a few more) without blocking. */
void jd_status_serve(struct jd *d);
/* What jumpd knows of its sessions, as the status document has it. */
struct jd_status *jd_status_build(const struct jd *d);
void jd_status_model_free(struct jd_status *st);
/* Exit: close it and remove the socket file. */
void jd_status_close(struct jd *d);
/*
 * Send len bytes on a stream socket without blocking: what does not fit
 * its send buffer (raised for it) is dropped. Status and /metrics answers.
 */
void jd_send_nowait(int fd, const char *doc, size_t len);

/*
 * metrics_http.c: /metrics on MetricsListen (off without it). open: 0
 * (also when off) or -1 (logged: jumpd does not start). pollfds fills
 * 1 + JD_HTTP_CONNS entries (0 when off) that serve then reads back.
 */
#define JD_HTTP_CONNS	4
int jd_http_open(struct jd *d);
int jd_http_pollfds(const struct jd *d, struct pollfd *pfd);
void jd_http_serve(struct jd *d, const struct pollfd *pfd);
void jd_http_close(struct jd *d);

/* peerdir.c: PeerDir, one file per peer, applied per file. */
/* The directory of the config (if any): watched; -1 on error. */
int jd_peerdir_open(struct jd *d);
/* Every file again (start, SIGHUP, lost inotify events): the changed. */
void jd_peerdir_scan(struct jd *d);
/* inotify said something changed: those files. */
void jd_peerdir_read(struct jd *d);
void jd_peerdir_close(struct jd *d);
/* Append p to d->peers: 0 or -1 (no memory). */
int jd_peers_append(struct jd *d, struct jd_peer *p);
/* Take p out of d->peers (the caller frees it). */
void jd_peers_remove(struct jd *d, struct jd_peer *p);

/* reload.c */
/* The kept peer takes fresh's settings: true if its AllowedIPs must be
 * tried again (another peer still holds one). */
bool jd_peer_update(struct jd *d, struct jd_peer *old,
		    const struct jd_peer *fresh);
int jd_load_config(struct jd *d, const char *path, struct jp_config **out,
		   uint8_t priv[32]);
void jd_reload(struct jd *d);

#endif /* JUMPD_JUMPD_H */
