// SPDX-License-Identifier: GPL-2.0
/* jumpctl show / set: devices (DEVICE_GET, DEVICE_SET). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include "device_req.h"
#include "jumpctl.h"
#include "jumping_parse.h"
#include "stats.h"

/* One device from a DEVICE_GET reply. */
struct dev_info {
	uint32_t ifindex;
	char ifname[IFNAMSIZ];
	bool has_port, has_fwmark, has_control_rate, has_count;
	uint16_t port;
	uint32_t fwmark, control_rate, count;
	struct nlattr *stats;	/* a copy of the nest, or NULL */
};

struct dev_list {
	struct dev_info *v;
	size_t n;
};

/*
 * Sessions need a request of their own per device, which cannot be sent
 * while the device reply is still being read: gather devices first.
 */
static int collect_device(struct jg_sock *js, struct nlattr **tb, void *arg)
{
	struct dev_list *l = arg;
	struct dev_info *d;

	if (!tb[JUMPING_A_IFINDEX] || !tb[JUMPING_A_IFNAME])
		return jg_fail(js, -EPROTO, "device reply without its name");
	d = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	if (!d)
		return -ENOMEM;
	l->v = d;
	d = &l->v[l->n++];
	memset(d, 0, sizeof(*d));

	d->ifindex = nla_get_u32(tb[JUMPING_A_IFINDEX]);
	nla_strlcpy(d->ifname, tb[JUMPING_A_IFNAME], sizeof(d->ifname));
	if (tb[JUMPING_A_LISTEN_PORT]) {
		d->has_port = true;
		d->port = nla_get_u16(tb[JUMPING_A_LISTEN_PORT]);
	}
	if (tb[JUMPING_A_FWMARK]) {
		d->has_fwmark = true;
		d->fwmark = nla_get_u32(tb[JUMPING_A_FWMARK]);
	}
	if (tb[JUMPING_A_CONTROL_RATE]) {
		d->has_control_rate = true;
		d->control_rate = nla_get_u32(tb[JUMPING_A_CONTROL_RATE]);
	}
	if (tb[JUMPING_A_SESSION_COUNT]) {
		d->has_count = true;
		d->count = nla_get_u32(tb[JUMPING_A_SESSION_COUNT]);
	}
	if (tb[JUMPING_A_DEV_STATS]) {
		d->stats = malloc(nla_total_size(nla_len(tb[JUMPING_A_DEV_STATS])));
		if (!d->stats)
			return -ENOMEM;
		memcpy(d->stats, tb[JUMPING_A_DEV_STATS],
		       nla_total_size(nla_len(tb[JUMPING_A_DEV_STATS])));
	}
	return 0;
}

static int print_device(struct jg_sock *js, struct out *o,
			const struct dev_info *d, const char *state_dir)
{
	struct jd_status *status;
	int ret = 0;

	out_record_begin(o, NULL);
	out_str(o, "ifname", "device", d->ifname);
	out_u64(o, "ifindex", "ifindex", d->ifindex);
	if (d->has_port)
		out_u64(o, "listen_port", "listen port", d->port);
	if (d->has_fwmark)
		out_hex(o, "fwmark", "fwmark", d->fwmark);
	if (d->has_control_rate)
		out_u64(o, "control_rate", "control rate", d->control_rate);
	if (d->has_count)
		out_u64(o, "session_count", "session count", d->count);
	if (d->stats && out_stats(o, d->stats))
		ret = runtime_error(d->ifname, "malformed counters from kernel");
	if (!ret) {
		/* The device's jumpd, if one runs with this state dir. */
		status = jd_status_fetch(state_dir, d->ifname);
		if (status && status->has_cluster)
			out_jd_cluster(o, &status->cluster);
		ret = show_sessions(js, o, d->ifindex, d->ifname, status);
		jd_status_free(status);
	}
	out_record_end(o);
	return ret;
}

int cmd_show(struct args *a, enum out_mode mode)
{
	const char *state_dir = JD_STATUS_DIR_DEFAULT, *dev = NULL, *w;
	struct dev_list list = { 0 };
	struct jg_sock js;
	struct nl_msg *msg;
	struct out o;
	size_t i;
	int ret;

	while ((w = args_next(a))) {
		if (!strcmp(w, "--state-dir")) {
			if (!(state_dir = args_value(a, w)))
				return EXIT_USAGE;
		} else if (!strcmp(w, "--json") || !strcmp(w, "-j")) {
			mode = OUT_JSON;	/* also after the verb */
		} else if (w[0] == '-') {
			return usage_error("show: unknown option '%s'", w);
		} else if (dev) {
			return usage_error("show takes at most one device");
		} else {
			dev = w;
		}
	}
	if (dev && (ret = check_dev_name(dev)))
		return ret;
	if ((ret = open_family(&js)))
		return ret;

	msg = jg_msg_new(&js, JUMPING_CMD_DEVICE_GET, dev ? 0 : NLM_F_DUMP);
	if (!msg || (dev && put_dev(msg, dev))) {
		nlmsg_free(msg);
		ret = runtime_error("show", strerror(ENOMEM));
		goto out;
	}
	if (jg_request(&js, msg, collect_device, &list)) {
		ret = request_error(dev ? dev : "show", &js);
		goto out;
	}

	/* One device asked for: an object; all of them: a list, maybe empty. */
	out_init(&o, stdout, mode);
	if (!dev)
		out_list_begin(&o, NULL);
	for (i = 0; i < list.n && !ret; i++)
		ret = print_device(&js, &o, &list.v[i], state_dir);
	if (!dev)
		out_list_end(&o);
	out_finish(&o);
out:
	for (i = 0; i < list.n; i++)
		free(list.v[i].stats);
	free(list.v);
	jg_close(&js);
	return ret;
}

int cmd_set(struct args *a)
{
	struct set_args s;
	struct jg_sock js;
	struct nl_msg *msg;
	int ret;

	if ((ret = parse_set_args(a, &s)))
		return ret;
	if ((ret = open_family(&js)))
		return ret;
	msg = set_msg(&js, &s);
	if (!msg)
		ret = runtime_error(s.dev, strerror(ENOMEM));
	else if (jg_request(&js, msg, NULL, NULL))
		ret = request_error(s.dev, &js);
	jg_close(&js);
	return ret;
}
