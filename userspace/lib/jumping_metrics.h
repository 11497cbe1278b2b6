/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Prometheus text exposition of Jumping VPN (docs/operations.md lists
 * every metric): the kernel's counters of each device and session, read
 * over generic netlink, with what the device's jumpd knows (peer names,
 * handshakes, state changes, reattaches, paths; jumping_status.h). One
 * writer for `jumpctl metrics` and jumpd's /metrics.
 */
#ifndef JUMPING_METRICS_H
#define JUMPING_METRICS_H

#include <stdio.h>
#include "jumping_genl.h"
#include "jumping_status.h"

/*
 * What the jumpd of device dev knows, or NULL (no jumpd answers: the
 * metrics hold the kernel's part only). Called once per device; the
 * answer is used until jm_write returns, then given to the release
 * function (which may be NULL).
 */
struct jm_status_src {
	const struct jd_status *(*get)(const char *dev, void *arg);
	void (*release)(const struct jd_status *st, void *arg);
	void *arg;
};

/*
 * Write the metrics of every jumping device of js's network namespace, or
 * of dev only (not NULL), to f. 0, or a negative errno with js->msg set
 * (nothing usable was written then: write to a temporary file).
 */
int jm_write(FILE *f, struct jg_sock *js, const char *dev,
	     const struct jm_status_src *src);

/* The Content-Type of what jm_write writes, for an HTTP answer. */
#define JM_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

#endif /* JUMPING_METRICS_H */
