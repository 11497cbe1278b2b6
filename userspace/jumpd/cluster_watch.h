/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cluster runtime's watch lane (cluster.h): a thread that watches the
 * cluster's session keys in etcd and reports the sessions whose owner key
 * was deleted without their record, which is what etcd does when the
 * owner's lease expires or is revoked: the owner is gone, and the session
 * may be taken over (docs/cluster.md, "Takeover").
 *
 * Why its own thread: a watch is one request that lasts as long as the
 * watch, so on a worker lane (cluster_worker.h) it would hold up every
 * job behind it. The thread has its own etcd client, reconnects after a
 * break with a short backoff and resumes at the revision after the last
 * one it saw, so no delete is missed while etcd keeps its history.
 *
 * A session released by its owner (jd_cluster_release) loses its record
 * and its owner key in one txn: both deletes carry one revision, and
 * that is not reported. A delete of the owner key alone is: a lease that
 * ended (it takes the owner key and leaves the record), or an owner key
 * with no record yet. The ids found come back through the eventfd, as
 * the lanes' jobs do.
 */
#ifndef JUMPD_CLUSTER_WATCH_H
#define JUMPD_CLUSTER_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jd_cwatch;

/*
 * Watch the keys under prefix ("/jumping/<cluster>/sessions/") from now
 * on, on a client of endpoints (connect_ms to connect, no request
 * timeout), writing 1 to notify_fd (an eventfd) when ids are found.
 * NULL with err set.
 */
struct jd_cwatch *jd_cwatch_new(const char *const *endpoints, size_t n,
				long connect_ms, const char *prefix,
				int notify_fd, char *err, size_t errlen);
/*
 * Up to max ids found since the last take, oldest first; how many. Ids
 * beyond max stay for the next take.
 */
size_t jd_cwatch_take(struct jd_cwatch *w, uint32_t *ids, size_t max);
/* The watch is created in etcd (and not broken since). */
bool jd_cwatch_running(struct jd_cwatch *w);
/* The revision the watch resumes at after a break (0: from now on). */
int64_t jd_cwatch_next_revision(struct jd_cwatch *w);
/* The last error (a break, a compaction) into buf; "" if none. */
void jd_cwatch_error(struct jd_cwatch *w, char *buf, size_t len);
/*
 * Stop and join the thread: within about a second (libcurl's progress
 * callback sees the stop), or a connect timeout while connecting.
 */
void jd_cwatch_free(struct jd_cwatch *w);

#endif /* JUMPD_CLUSTER_WATCH_H */
