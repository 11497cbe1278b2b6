/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device command lines: "DEV [listen-port N] [fwmark M] [control-rate R]"
 * parsed, and turned into a DEVICE_SET request. Apart from the verbs so
 * tests/unit (and jumpctl -batch) use them without a socket.
 */
#ifndef JUMPCTL_DEVICE_REQ_H
#define JUMPCTL_DEVICE_REQ_H

#include "jumpctl.h"

/* Everything a set command line may say. */
struct set_args {
	const char *dev;
	uint16_t port;
	uint32_t fwmark;
	uint32_t control_rate;		/* datagrams a second */
	bool has_port, has_fwmark, has_control_rate;
};

/* 0, or an exit code after a usage message. */
int parse_set_args(struct args *a, struct set_args *s);
/* DEV, then what was given; NULL on ENOMEM. */
struct nl_msg *set_msg(struct jg_sock *js, const struct set_args *s);

#endif /* JUMPCTL_DEVICE_REQ_H */
