// SPDX-License-Identifier: GPL-2.0
/* Device command lines to DEVICE_SET requests (device_req.h). */
#include <string.h>
#include "device_req.h"
#include "jumping_parse.h"

int parse_set_args(struct args *a, struct set_args *s)
{
	const char *kw, *v;
	int ret;

	memset(s, 0, sizeof(*s));
	s->dev = args_next(a);
	if ((ret = check_dev_name(s->dev)))
		return ret;
	while ((kw = args_next(a))) {
		if (!(v = args_value(a, kw)))
			return EXIT_USAGE;
		if (!strcmp(kw, "listen-port")) {
			if (parse_port(v, &s->port))
				return usage_error("listen-port '%s' is not a port 0..65535",
						   v);
			s->has_port = true;
		} else if (!strcmp(kw, "fwmark")) {
			if (parse_u32(v, &s->fwmark))
				return usage_error("fwmark '%s' is not a 32-bit number (decimal or 0x..)",
						   v);
			s->has_fwmark = true;
		} else if (!strcmp(kw, "control-rate")) {
			/* The range is the kernel's to check: it says why. */
			if (parse_u32(v, &s->control_rate))
				return usage_error("control-rate '%s' is not a number of datagrams a second",
						   v);
			s->has_control_rate = true;
		} else {
			return usage_error("set: unknown setting '%s'", kw);
		}
	}
	if (!s->has_port && !s->has_fwmark && !s->has_control_rate)
		return usage_error("set %s: give listen-port, fwmark and/or control-rate",
				   s->dev);
	return 0;
}

struct nl_msg *set_msg(struct jg_sock *js, const struct set_args *s)
{
	struct nl_msg *msg = jg_msg_new(js, JUMPING_CMD_DEVICE_SET, 0);

	if (!msg || put_dev(msg, s->dev) ||
	    (s->has_port && nla_put_u16(msg, JUMPING_A_LISTEN_PORT, s->port)) ||
	    (s->has_fwmark && nla_put_u32(msg, JUMPING_A_FWMARK, s->fwmark)) ||
	    (s->has_control_rate &&
	     nla_put_u32(msg, JUMPING_A_CONTROL_RATE, s->control_rate))) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}
