// SPDX-License-Identifier: GPL-2.0
/*
 * link_jumping.so: an iproute2 plugin, so that `ip -d link show` prints a
 * jumping device's settings (IFLA_JUMPING_*, include/uapi/linux/jumping.h)
 * the way it prints those of the kinds it was built with. ip dlopen()s
 * link_<kind>.so from its library directory (/usr/lib/x86_64-linux-gnu/ip
 * on Debian 12, or $IP_LIB_DIR) and looks up <kind>_link_util.
 *
 * iproute2 has no public plugin API: this relies on what Debian 12's ip
 * (iproute2 6.1) exports and on the head of its struct link_util, which
 * has kept this layout for years. It uses as little as it can: the
 * struct's first five members, is_json_context(), and in JSON mode
 * print_color_u64() with PRINT_JSON (where the colour is not used);
 * text goes straight to the FILE ip passes. Read only: no parse_opt, so
 * `ip link add jp0 type jumping` takes no options, as without the plugin.
 * docs/operations.md says why it is a separate, optional file.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/rtnetlink.h>
#include <linux/jumping.h>

/* The members of iproute2's struct link_util that ip reads here. */
struct link_util {
	struct link_util *next;
	const char *id;
	int maxattr;
	int (*parse_opt)(struct link_util *lu, int argc, char **argv,
			 struct nlmsghdr *n);
	void (*print_opt)(struct link_util *lu, FILE *f, struct rtattr *tb[]);
	/* Further members (help, xstats) are left NULL: ip checks them. */
	void *unused[4];
};

/* Exported by ip itself. */
bool is_json_context(void);
void print_color_u64(int type, int color, const char *key, const char *fmt,
		     uint64_t value);

#define JP_PRINT_JSON	2	/* iproute2's enum output_type */

static bool attr_u(const struct rtattr *a, size_t size, uint64_t *v)
{
	if (!a || RTA_PAYLOAD(a) < size)
		return false;
	if (size == sizeof(uint16_t)) {
		uint16_t x;

		memcpy(&x, RTA_DATA(a), sizeof(x));
		*v = x;
	} else {
		uint32_t x;

		memcpy(&x, RTA_DATA(a), sizeof(x));
		*v = x;
	}
	return true;
}

static void show(FILE *f, const char *key, const char *label, bool hex,
		 uint64_t v)
{
	if (is_json_context())
		print_color_u64(JP_PRINT_JSON, 0, key, NULL, v);
	else
		fprintf(f, hex ? "%s 0x%llx " : "%s %llu ", label,
			(unsigned long long)v);
}

static void jumping_print_opt(struct link_util *lu, FILE *f,
			      struct rtattr *tb[])
{
	uint64_t v;

	(void)lu;
	if (!tb)
		return;
	if (attr_u(tb[IFLA_JUMPING_LISTEN_PORT], sizeof(uint16_t), &v))
		show(f, "listen_port", "listen-port", false, v);
	if (attr_u(tb[IFLA_JUMPING_FWMARK], sizeof(uint32_t), &v))
		show(f, "fwmark", "fwmark", true, v);
	if (attr_u(tb[IFLA_JUMPING_CONTROL_RATE], sizeof(uint32_t), &v))
		show(f, "control_rate", "control-rate", false, v);
	if (attr_u(tb[IFLA_JUMPING_SESSION_COUNT], sizeof(uint32_t), &v))
		show(f, "session_count", "sessions", false, v);
}

/* Named <kind>_link_util: ip finds it with dlsym(). */
struct link_util jumping_link_util = {
	.id = JUMPING_LINK_KIND,
	.maxattr = IFLA_JUMPING_MAX,
	.print_opt = jumping_print_opt,
};
