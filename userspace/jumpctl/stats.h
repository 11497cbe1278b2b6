/* SPDX-License-Identifier: GPL-2.0 */
/* Printing a JUMPING_A_*_STATS nest, shared by devices and sessions. */
#ifndef JUMPCTL_STATS_H
#define JUMPCTL_STATS_H

#include <netlink/attr.h>
#include "output.h"

/* Writes a "stats" record holding every counter the kernel reported. */
int out_stats(struct out *o, struct nlattr *nest);

#endif /* JUMPCTL_STATS_H */
