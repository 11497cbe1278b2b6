/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What test_jumpd_cluster_flow.c and test_jumpd_cluster_takeover_flow.c
 * share (cluster_fakes.c). Both link the real cluster_flow.c,
 * reattach_flow.c and cluster_takeover_flow.c against a live etcd
 * (etcd_server.c); what those call in the rest of jumpd is faked here,
 * so a test sees what jumpd asked of its neighbours, in order, in calls.
 *
 * The fakes (their real ones named; declared in jumpd.h and kernel.h):
 *  - jd_log, jd_warn, jd_err (log.c): printed as TAP comments, so a
 *    failing test shows what jumpd said; jd_err's text kept in last_err
 *    for the tests of what an error names. jd_debug: silent.
 *  - jd_now_ms, jd_wall_us (log.c): the monotonic clock of etcd_server.c
 *    and CLOCK_REALTIME, as jumpd's.
 *  - jd_audit_transition, jd_audit_event, jd_audit_count,
 *    jd_audit_takeover (log.c): recorded in calls ("audit:ID:OLD>NEW:
 *    REASON", "event:", "count:", "NODE:ID:PEER:EVENT:REASON:DETAIL"),
 *    so a test sees what was audited and in which order.
 *  - jk_session_set_state (kernel.c): recorded ("state:ID:STATE:REASON"),
 *    no kernel; the reason the kernel was told before a session goes.
 *  - jk_packet_send (kernel.c): recorded ("send:TYPE"), nothing sent; at
 *    a REATTACH CHALLENGE, what etcd holds as session 100's floor kept in
 *    floor_at_challenge (the floor is written before the challenge).
 *    jk_error (kernel.c): "fake".
 *  - jd_apply, jd_session_forget (session.c): as far as the cluster goes;
 *    jd_apply records "apply:ID:EVENT", a REQUEST making the session
 *    RECOVERING, and the record follows as after session.c's; forget
 *    records "forget:ID:del|keep", releases the owner key and ends the
 *    session, with no kernel.
 *  - jd_session_kernel_new, jd_session_begin, jd_session_set_keepalive
 *    (session.c): the kernel's half recorded ("kernel-new:ID:REMOTE:
 *    bound|unbound"),
 *    jumpd's as far as a takeover goes, keepalives recorded
 *    ("keepalive:ID"). jd_apply also makes a takeover RECOVERING and a
 *    validated path ATTACHED, on that path.
 *  - jd_hs_start, jd_hs_on_init (hs_flow.c): recorded ("hs-start:ID:rekey",
 *    "hs-init:PORT"), no handshake.
 *  - jd_peer_by_pub, jd_peer_by_local_id, jd_peer_of_session (peers.c):
 *    a walk of the gateway's peers, as the real lookups answer.
 *  - jd_ctl_rx (hs_flow.c): the peer's REATTACH keys, as the real one.
 *    jd_ctl_heard (hs_flow.c), jd_hs_on_confirm (hs_flow.c),
 *    jd_hs_on_cookie (hs_cookie.c), jd_mover_on_control, jd_mover_tick
 *    (mover_flow.c), jd_probe_on_probe, jd_probe_on_echo (probe_flow.c),
 *    jd_touch (sched.c): do nothing; reattach_flow.c links them, no test
 *    here reaches them.
 */
#ifndef JUMPING_CLUSTER_FAKES_H
#define JUMPING_CLUSTER_FAKES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "cluster_record.h"
#include "etcd.h"
#include "jumpd.h"

/* How long etcd_server_start may take. */
#define START_DEADLINE_MS	60000

/* What the fakes saw, one after another (above); "" to start again. */
extern char calls[4096];
/* jd_err's last message. */
extern char last_err[512];
/* What etcd held for session 100 when its last challenge went out. */
extern uint64_t floor_at_challenge;

/* Gateway A (gw-a): the gateway under test, and its three peers. */
extern struct jd d;
extern struct jd_peer *peers[3];
extern struct jp_prefix allowed[3];
/* The temporary directory of the key files. */
extern char tmp[256];

/*
 * alice (100), bob (101) and carol (102) as d's peers, afresh: bound,
 * keyed, ATTACHED; alice and carol with a session, bob without.
 */
void make_peers(void);
/* The cluster key, base64, to path, with that mode. */
void write_key(const char *path, mode_t mode);
/* A gateway's config, [Cluster] on url as node, its key in key_file. */
struct jp_config *config_of(const char *url, const char *key_file,
			    const char *node);
/* config_of as gw-a. */
struct jp_config *config(const char *url, const char *key_file);

/* d may serve (its lease granted, not fenced). */
bool serving(void);

/* The gateways the loop runs: d, and the takers of test_takeover. */
extern struct jd *gws[3];
extern unsigned int n_gws;
/*
 * The main loop's part: poll the gateways' fds, tick them at the time
 * asked for, until cond or deadline_ms (false).
 */
bool loop_until(bool (*cond)(void), long deadline_ms);

/* The tests' own client of the etcd under test. */
extern struct etcd_client *etcd_cl;
/* The cluster key of write_key's file. */
extern uint8_t cluster_key[32];
/* The record last read (read_record), its version, the one waited for. */
extern struct jd_cluster_record got;
extern uint64_t got_version, want_version;

/* The owner key of session id: 1 under lease, 0 absent, -1 other. */
int owner_key(uint32_t id, int64_t lease);
/* Alice's (100) owner key under d's lease. */
bool alice_owned(void);
/*
 * Session id's record in etcd, opened under the cluster key and read into
 * got: 1; absent: 0; there but not opening or not reading: -1 (said).
 */
int read_record(uint32_t id);
/* Alice's record at want_version (or later) read into got. */
bool alice_record_at(void);

/* At the end: the peers freed, the key files and tmp removed. */
void clean_up(void);

#endif /* JUMPING_CLUSTER_FAKES_H */
