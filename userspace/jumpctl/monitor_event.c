// SPDX-License-Identifier: GPL-2.0
/*
 * One kernel event as one line (monitor_event.h): text for people, a JSON
 * object per line for scripts. Pure: the caller resolved the device name.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <linux/jumping.h>
#include "jumping_json.h"
#include "jumping_names.h"
#include "jumping_policy.h"
#include "monitor_event.h"
#include "session_show.h"

/* One "key value" pair of a line, text or JSON. */
struct line {
	FILE *f;
	enum out_mode mode;
};

static void put_str(struct line *l, const char *key, const char *value)
{
	if (l->mode == OUT_JSON) {
		fputs(", ", l->f);
		json_write_string(l->f, key);
		fputs(": ", l->f);
		json_write_string(l->f, value);
	} else {
		fprintf(l->f, " %s ", key);
		text_write_safe(l->f, value);
	}
}

static void put_u64(struct line *l, const char *key, uint64_t value)
{
	if (l->mode == OUT_JSON) {
		fputs(", ", l->f);
		json_write_string(l->f, key);
		fprintf(l->f, ": %" PRIu64, value);
	} else {
		fprintf(l->f, " %s %" PRIu64, key, value);
	}
}

/* A name from one of the uapi tables, or the number if it has none. */
static void put_name(struct line *l, const char *key, const char *name,
		     unsigned int value)
{
	if (name)
		put_str(l, key, name);
	else
		put_u64(l, key, value);
}

static void put_binding(struct line *l, const char *remote_key,
			const char *local_key, struct nlattr *nest)
{
	char remote[JP_ENDPOINT_STRLEN], local[JP_ENDPOINT_STRLEN];
	uint32_t ifindex;

	if (format_binding(nest, remote, local, &ifindex))
		return;
	if (remote[0])
		put_str(l, remote_key, remote);
	if (local[0])
		put_str(l, local_key, local);
	if (ifindex)
		put_u64(l, "oif", ifindex);
}

static const char *event_name(uint8_t cmd, struct nlattr **stb)
{
	switch (cmd) {
	case JUMPING_CMD_SESSION_DEL_NTF:
		return "session-del";
	case JUMPING_CMD_KEY_SWAP_NTF:
		/* The kernel raises it when a key nears its limit. */
		if (stb && stb[JUMPING_A_SESSION_REASON] &&
		    nla_get_u16(stb[JUMPING_A_SESSION_REASON]) ==
		    JUMPING_REASON_KEY_EXHAUSTED)
			return "key-exhausted";
		return "key-swap";
	case JUMPING_CMD_STATE_NTF:
		return "state";
	case JUMPING_CMD_UNKNOWN_SOURCE_NTF:
		return "unknown-source";
	case JUMPING_CMD_PACKET_RX_NTF:
		return "control-rx";
	case JUMPING_CMD_SILENCE_NTF:
		return "silence";
	case JUMPING_CMD_SESSIONS_FLUSHED_NTF:
		return "sessions-flushed";
	default:
		return NULL;
	}
}

/* The session nest's fields, in the order a reader wants them. */
static int put_session(struct line *l, struct nlattr *nest)
{
	struct nlattr *tb[JUMPING_A_SESSION_MAX + 1];
	struct nlattr *conf[JUMPING_A_KEYCONF_MAX + 1];
	unsigned int v;

	if (nla_parse_nested(tb, JUMPING_A_SESSION_MAX, nest,
			     jg_policy_session))
		return -EPROTO;
	if (tb[JUMPING_A_SESSION_ID])
		put_u64(l, "session", nla_get_u32(tb[JUMPING_A_SESSION_ID]));
	if (tb[JUMPING_A_SESSION_PEER_ID])
		put_u64(l, "peer_id", nla_get_u32(tb[JUMPING_A_SESSION_PEER_ID]));
	if (tb[JUMPING_A_SESSION_OLD_STATE]) {
		v = nla_get_u8(tb[JUMPING_A_SESSION_OLD_STATE]);
		put_name(l, "old_state", state_name(v), v);
	}
	if (tb[JUMPING_A_SESSION_STATE]) {
		v = nla_get_u8(tb[JUMPING_A_SESSION_STATE]);
		put_name(l, "state", state_name(v), v);
	}
	if (tb[JUMPING_A_SESSION_REASON]) {
		v = nla_get_u16(tb[JUMPING_A_SESSION_REASON]);
		put_name(l, "reason", reason_name(v), v);
	}
	if (tb[JUMPING_A_SESSION_LIVENESS]) {
		v = nla_get_u8(tb[JUMPING_A_SESSION_LIVENESS]);
		put_name(l, "liveness", liveness_name(v), v);
	}
	if (tb[JUMPING_A_SESSION_UNHEARD_MS])
		put_u64(l, "unheard_ms",
			nla_get_u64(tb[JUMPING_A_SESSION_UNHEARD_MS]));
	if (tb[JUMPING_A_SESSION_RX_AGE_MS])
		put_u64(l, "rx_age_ms",
			nla_get_u64(tb[JUMPING_A_SESSION_RX_AGE_MS]));
	if (tb[JUMPING_A_SESSION_KEYCONF] &&
	    !nla_parse_nested(conf, JUMPING_A_KEYCONF_MAX,
			      tb[JUMPING_A_SESSION_KEYCONF],
			      jg_policy_keyconf) &&
	    conf[JUMPING_A_KEYCONF_KEY_ID])
		put_u64(l, "key_id", nla_get_u8(conf[JUMPING_A_KEYCONF_KEY_ID]));
	if (tb[JUMPING_A_SESSION_BINDING])
		put_binding(l, "remote", "local", tb[JUMPING_A_SESSION_BINDING]);
	if (tb[JUMPING_A_SESSION_SOURCE])
		put_binding(l, "source", "to", tb[JUMPING_A_SESSION_SOURCE]);
	return 0;
}

int print_event(FILE *f, enum out_mode mode, uint8_t cmd, struct nlattr **top,
		const char *dev)
{
	struct nlattr *stb[JUMPING_A_SESSION_MAX + 1] = { NULL };
	struct line l = { f, mode };
	struct nlattr *packet = top[JUMPING_A_PACKET];
	const char *name;

	if (top[JUMPING_A_SESSION] &&
	    nla_parse_nested(stb, JUMPING_A_SESSION_MAX, top[JUMPING_A_SESSION],
			     jg_policy_session))
		return -EPROTO;
	name = event_name(cmd, stb);
	if (!name)
		return -ENOENT;

	if (mode == OUT_JSON) {
		fputs("{\"event\": ", f);
		json_write_string(f, name);
	} else {
		fputs(name, f);
	}
	/* A device being deleted may no longer resolve: its own name. */
	if (!dev && top[JUMPING_A_IFNAME])
		dev = nla_get_string(top[JUMPING_A_IFNAME]);
	if (dev)
		put_str(&l, "dev", dev);
	else if (top[JUMPING_A_IFINDEX])
		put_u64(&l, "ifindex", nla_get_u32(top[JUMPING_A_IFINDEX]));
	if (top[JUMPING_A_SESSION] && put_session(&l, top[JUMPING_A_SESSION]))
		return -EPROTO;
	if (packet) {
		put_u64(&l, "type", *(const uint8_t *)nla_data(packet));
		put_u64(&l, "len", (uint64_t)nla_len(packet));
	}
	if (top[JUMPING_A_BINDING])
		put_binding(&l, "from", "to", top[JUMPING_A_BINDING]);
	if (top[JUMPING_A_SESSION_COUNT])
		put_u64(&l, "sessions",
			nla_get_u32(top[JUMPING_A_SESSION_COUNT]));
	if (top[JUMPING_A_REASON]) {
		unsigned int v = nla_get_u16(top[JUMPING_A_REASON]);

		put_name(&l, "reason", reason_name(v), v);
	}
	fputs(mode == OUT_JSON ? "}\n" : "\n", f);
	return 0;
}
