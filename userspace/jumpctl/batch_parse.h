/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One line of a jumpctl batch file to one request, without a socket, so
 * tests/unit checks it. A line is a jumpctl command without "jumpctl":
 * "session add|set|del ...", "binding set ...", "key add|swap|del ...",
 * "set DEV ...". Words are separated by blanks; a word starting with '#'
 * starts a comment; a blank or comment line is no request.
 */
#ifndef JUMPCTL_BATCH_PARSE_H
#define JUMPCTL_BATCH_PARSE_H

#include "jumpctl.h"

/*
 * Split line (modified) into words. 0 and *argc words in argv (room for
 * max), or -E2BIG.
 */
int batch_split(char *line, char **argv, int max, int *argc);

/*
 * The request line says, built for js's family. 0 with *msg the request,
 * or NULL for a blank or comment line; else an exit code after a usage
 * message (usage_where names the line). The caller frees *msg (it may
 * hold keys: wipe it first).
 */
int batch_line_msg(struct jg_sock *js, const char *line, struct nl_msg **msg);

#endif /* JUMPCTL_BATCH_PARSE_H */
