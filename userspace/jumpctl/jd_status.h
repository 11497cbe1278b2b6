/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What jumpd knows and the kernel does not (jumping_status.h): peer
 * names, states, handshakes, counters and path tables, read from jumpd's
 * status socket (<state dir>/<device>.sock, one JSON document per
 * connection; docs/operations.md), merged into `jumpctl show` by session
 * id and into `jumpctl metrics`.
 */
#ifndef JUMPCTL_JD_STATUS_H
#define JUMPCTL_JD_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "jumping_status.h"
#include "output.h"

/* jumpd's default --state-dir. */
#define JD_STATUS_DIR_DEFAULT	"/run/jumpd"

/*
 * Ask the jumpd of dev in dir. NULL when no jumpd answers there (no
 * socket, a stale one, not ours to read): not an error, show prints what
 * the kernel knows. A malformed answer is NULL too, with a warning on
 * stderr: jumpd is there but its paths cannot be shown.
 */
struct jd_status *jd_status_fetch(const char *dir, const char *dev);

/*
 * jumpd's document for dev (len bytes, not NUL-terminated) parsed and
 * checked. NULL with a reason in err if it is not JSON, not jumpd's
 * shape, or about another device.
 */
struct jd_status *jd_status_parse(const char *doc, size_t len,
				  const char *dev, char *err, size_t errlen);
void jd_status_free(struct jd_status *st);

/* The session with this id, or NULL (st may be NULL). */
const struct jd_status_session *jd_status_session(const struct jd_status *st,
						  uint32_t id);

/*
 * The "paths" of a session record: JSON, a list of records with jumpd's
 * fields; text, one line each:
 * "path: 192.0.2.2:51820 via 198.51.100.2  validated  rtt 21.3 ms
 * (var 1.2)  loss 0.0% of 16  active".
 */
void out_paths(struct out *o, const struct jd_status_session *s);

/*
 * jumpd's facts of a session record: "endpoint", the active path (as in
 * "paths"), and "handshake_age_ms", since the last handshake completed.
 */
void out_jd_session(struct out *o, const struct jd_status_session *s);

/*
 * A clustered gateway's part of jumpd's document: JSON, a "cluster" record
 * (node, state, serve_left_ms while serving, watching, takeovers); text,
 * "cluster ..." lines.
 */
void out_jd_cluster(struct out *o, const struct jd_status_cluster *c);

#endif /* JUMPCTL_JD_STATUS_H */
