/* SPDX-License-Identifier: GPL-2.0 */
/* What jumpctl's verbs share: exit codes, error lines, argument walking. */
#ifndef JUMPCTL_H
#define JUMPCTL_H

#include <stdbool.h>
#include "jd_status.h"
#include "jumping_genl.h"
#include "output.h"

/* Exit codes scripts can trust. */
#define EXIT_RUNTIME	1	/* the request failed */
#define EXIT_USAGE	2	/* the command line is wrong */

/* Arguments left to a verb, consumed front to back. */
struct args {
	int argc;
	char **argv;
};

/* Next word, or NULL at the end. */
const char *args_next(struct args *a);
/* The value after keyword kw, or NULL after printing a usage error. */
const char *args_value(struct args *a, const char *kw);

/*
 * Where the words being parsed come from, e.g. "batch line 12", put
 * before a usage error's message; NULL: the command line.
 */
extern const char *usage_where;
/* "jumpctl: <message>" plus a hint to --help; returns EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "jumpctl: <what>: <why>"; returns EXIT_RUNTIME. */
int runtime_error(const char *what, const char *why);
/* runtime_error with the socket's last failure (extack or strerror). */
int request_error(const char *what, const struct jg_sock *js);

/* Open the family; on failure prints the error. 0 or EXIT_RUNTIME. */
int open_family(struct jg_sock *js);
/* Check a device name fits IFNAMSIZ; 0 or EXIT_USAGE after a message. */
int check_dev_name(const char *dev);
/* Add JUMPING_A_IFNAME; 0 or a negative errno. */
int put_dev(struct nl_msg *msg, const char *dev);

/* The verbs; each returns the process exit code. */
int cmd_show(struct args *a, enum out_mode mode);
int cmd_set(struct args *a);
int cmd_session(struct args *a);
int cmd_binding(struct args *a);
int cmd_key(struct args *a);
int cmd_genkey(struct args *a);
int cmd_pubkey(struct args *a);
int cmd_monitor(struct args *a, enum out_mode mode);
/* Prometheus text format to stdout or --output FILE: metrics.c. */
int cmd_metrics(struct args *a);
/* jumpctl -batch FILE ("-": stdin): batch.c. */
int cmd_batch(const char *path);

/*
 * Print the sessions of ifindex into o (show), each with its paths if
 * status (jumpd's, jd_status.h) has them; 0 or EXIT_RUNTIME.
 */
int show_sessions(struct jg_sock *js, struct out *o, uint32_t ifindex,
		  const char *dev, const struct jd_status *status);

#endif /* JUMPCTL_H */
