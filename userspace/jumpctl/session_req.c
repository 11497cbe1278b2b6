// SPDX-License-Identifier: GPL-2.0
/* Session command lines to SESSION_* / BINDING_SET requests (session_req.h). */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <net/if.h>
#include "jumping_names.h"
#include "session_req.h"

/* As the kernel's policy: longer keeps no NAT mapping alive anyway. */
#define KEEPALIVE_MAX_MS 600000
/* As the kernel: 0 (off) or 10 ms (a timer tick or two) to 600 s. */
#define SILENCE_MIN_MS 10
#define SILENCE_MAX_MS 600000

/* An interface by name, or by index for one in another view of the host. */
static int parse_oif(const char *v, uint32_t *out)
{
	if (!parse_u32(v, out) && *out <= INT32_MAX)
		return 0;
	*out = if_nametoindex(v);
	return *out ? 0 : -ENODEV;
}

/* One or more prefixes, comma separated: "10.0.0.0/24,fd00::/64". */
static int add_prefixes(struct session_args *s, const char *list)
{
	char *buf = strdup(list);
	char *tok, *save = NULL;
	int ret = 0;

	if (!buf)
		return runtime_error("allowed", strerror(ENOMEM));
	for (tok = strtok_r(buf, ",", &save); tok && !ret;
	     tok = strtok_r(NULL, ",", &save)) {
		if (s->n_prefixes == MAX_PREFIXES)
			ret = usage_error("more than %d allowed prefixes",
					  MAX_PREFIXES);
		else if (parse_prefix(tok, &s->prefixes[s->n_prefixes]))
			ret = usage_error("allowed '%s' is not a prefix ADDR/LEN without host bits",
					  tok);
		else
			s->n_prefixes++;
	}
	free(buf);
	return ret;
}

/*
 * Parse "DEV id ID [peer-id PID] [remote EP] [local ADDR] [oif IF]
 * [keepalive DUR] [silence DUR] [state S] [reason R] [allowed P...]";
 * allowed takes a comma list, may repeat, and also swallows the bare
 * prefixes after it (no keyword parses as a prefix).
 */
int parse_session_args(struct args *a, struct session_args *s,
			      bool allow_more)
{
	const char *kw, *v;
	int ret;

	/* Not the 20 KiB of prefixes: a batch parses a line at a time. */
	memset(s, 0, offsetof(struct session_args, prefixes));
	s->dev = args_next(a);
	if ((ret = check_dev_name(s->dev)))
		return ret;
	while ((kw = args_next(a))) {
		struct jp_prefix p;

		if (s->n_prefixes && !parse_prefix(kw, &p)) {
			if ((ret = add_prefixes(s, kw)))
				return ret;
			continue;
		}
		if (!(v = args_value(a, kw)))
			return EXIT_USAGE;
		if (!strcmp(kw, "id")) {
			if (parse_u32(v, &s->id) || !s->id)
				return usage_error("id '%s' is not a session id 1..4294967295",
						   v);
			s->has_id = true;
		} else if (!allow_more) {
			return usage_error("unexpected '%s'", kw);
		} else if (!strcmp(kw, "peer-id")) {
			if (parse_u32(v, &s->peer_id) || !s->peer_id)
				return usage_error("peer-id '%s' is not a session id 1..4294967295",
						   v);
			s->has_peer_id = true;
		} else if (!strcmp(kw, "remote")) {
			if (parse_endpoint(v, &s->remote))
				return usage_error("remote '%s' is not ADDR:PORT or [IPV6]:PORT",
						   v);
			s->has_remote = true;
		} else if (!strcmp(kw, "local")) {
			if (parse_addr(v, &s->local))
				return usage_error("local '%s' is not an IP address",
						   v);
			s->has_local = true;
		} else if (!strcmp(kw, "keepalive")) {
			if (parse_duration_ms(v, KEEPALIVE_MAX_MS,
					      &s->keepalive_ms))
				return usage_error("keepalive '%s' is not a duration like 500ms or 2s (at most 600s), or off",
						   v);
			s->has_keepalive = true;
		} else if (!strcmp(kw, "silence")) {
			if (parse_duration_ms(v, SILENCE_MAX_MS, &s->silence_ms) ||
			    (s->silence_ms && s->silence_ms < SILENCE_MIN_MS))
				return usage_error("silence '%s' is not a duration from 10ms to 600s, or off",
						   v);
			s->has_silence = true;
		} else if (!strcmp(kw, "oif")) {
			if (parse_oif(v, &s->oif))
				return usage_error("oif '%s' is not an interface name or index",
						   v);
			s->has_oif = true;
		} else if (!strcmp(kw, "state")) {
			if (parse_state(v, &s->state))
				return usage_error("state '%s' is not one of birth, attached, volatile, degraded, recovering, terminated",
						   v);
			s->has_state = true;
		} else if (!strcmp(kw, "reason")) {
			if (parse_reason(v, &s->reason))
				return usage_error("reason '%s' is not a reason code (e.g. userspace, rx-silence, reattach-validated)",
						   v);
			s->has_reason = true;
		} else if (!strcmp(kw, "allowed")) {
			if ((ret = add_prefixes(s, v)))
				return ret;
		} else {
			return usage_error("unknown keyword '%s'", kw);
		}
	}
	if (!s->has_id)
		return usage_error("id ID is required");
	if (s->has_reason && !s->has_state && !s->has_remote)
		return usage_error("reason goes with a state or a binding (remote)");
	if (s->has_local && s->has_remote &&
	    s->local.family != s->remote.addr.family)
		return usage_error("local and remote addresses are of different families");
	return 0;
}

static int put_binding(struct nl_msg *msg, const struct session_args *s)
{
	struct nlattr *nest = nla_nest_start(msg, JUMPING_A_SESSION_BINDING);
	bool v4;

	if (!nest)
		return -EMSGSIZE;
	if (s->has_remote) {
		v4 = s->remote.addr.family == AF_INET;
		if ((v4 ? nla_put(msg, JUMPING_A_BINDING_REMOTE_IPV4, 4,
				  &s->remote.addr.v4) :
			  nla_put(msg, JUMPING_A_BINDING_REMOTE_IPV6, 16,
				  &s->remote.addr.v6)) ||
		    nla_put_u16(msg, JUMPING_A_BINDING_REMOTE_PORT,
				htons(s->remote.port)))
			return -EMSGSIZE;
	}
	if (s->has_local) {
		v4 = s->local.family == AF_INET;
		if (v4 ? nla_put(msg, JUMPING_A_BINDING_LOCAL_IPV4, 4,
				 &s->local.v4) :
			 nla_put(msg, JUMPING_A_BINDING_LOCAL_IPV6, 16,
				 &s->local.v6))
			return -EMSGSIZE;
	}
	if (s->has_oif &&
	    nla_put_u32(msg, JUMPING_A_BINDING_IFINDEX, s->oif))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_prefix(struct nl_msg *msg, const struct jp_prefix *p)
{
	struct nlattr *nest = nla_nest_start(msg, JUMPING_A_SESSION_PREFIX);

	if (!nest ||
	    (p->addr.family == AF_INET ?
	     nla_put(msg, JUMPING_A_PREFIX_IPV4, 4, &p->addr.v4) :
	     nla_put(msg, JUMPING_A_PREFIX_IPV6, 16, &p->addr.v6)) ||
	    nla_put_u8(msg, JUMPING_A_PREFIX_LEN, p->len))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* The request: device, then a JUMPING_A_SESSION nest with what was said. */
struct nl_msg *session_msg(struct jg_sock *js, uint8_t cmd,
				  const struct session_args *s)
{
	/* Prefixes beyond a page's worth: a request has room for them all. */
	struct nl_msg *msg = jg_msg_new_size(js, cmd, 0, JG_MSG_BASE +
					     s->n_prefixes * JG_PREFIX_SIZE);
	struct nlattr *nest;
	unsigned int i;

	if (!msg || put_dev(msg, s->dev))
		goto fail;
	nest = nla_nest_start(msg, JUMPING_A_SESSION);
	if (!nest || nla_put_u32(msg, JUMPING_A_SESSION_ID, s->id))
		goto fail;
	if (s->has_peer_id &&
	    nla_put_u32(msg, JUMPING_A_SESSION_PEER_ID, s->peer_id))
		goto fail;
	if (s->has_state && nla_put_u8(msg, JUMPING_A_SESSION_STATE, s->state))
		goto fail;
	if (s->has_reason &&
	    nla_put_u16(msg, JUMPING_A_SESSION_REASON, s->reason))
		goto fail;
	if (s->has_keepalive &&
	    nla_put_u32(msg, JUMPING_A_SESSION_KEEPALIVE_MS, s->keepalive_ms))
		goto fail;
	if (s->has_silence &&
	    nla_put_u32(msg, JUMPING_A_SESSION_SILENCE_MS, s->silence_ms))
		goto fail;
	if ((s->has_remote || s->has_local || s->has_oif) &&
	    put_binding(msg, s))
		goto fail;
	for (i = 0; i < s->n_prefixes; i++)
		if (put_prefix(msg, &s->prefixes[i]))
			goto fail;
	nla_nest_end(msg, nest);
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}


/*
 * "add|set|del ..." after "session", or "set ..." after "binding": the
 * arguments and which command they make. 0, or an exit code after a
 * usage message.
 */
int session_verb_args(const char *noun, struct args *a,
		      struct session_args *s, uint8_t *cmd)
{
	const char *verb = args_next(a);
	int ret;

	if (!strcmp(noun, "binding")) {
		if (!verb || strcmp(verb, "set"))
			return usage_error("binding needs set");
		if ((ret = parse_session_args(a, s, true)))
			return ret;
		if (!s->has_remote || s->has_peer_id || s->n_prefixes ||
		    s->has_keepalive || s->has_silence || s->has_state)
			return usage_error("binding set takes id ID remote ADDR:PORT [local ADDR] [oif IFNAME] [reason REASON]");
		*cmd = JUMPING_CMD_BINDING_SET;
		return 0;
	}
	if (!verb)
		return usage_error("session needs add, set or del");
	if (!strcmp(verb, "add")) {
		if ((ret = parse_session_args(a, s, true)))
			return ret;
		if (!s->has_peer_id)
			return usage_error("session add needs peer-id PID");
		*cmd = JUMPING_CMD_SESSION_NEW;
		return 0;
	}
	if (!strcmp(verb, "set")) {
		if ((ret = parse_session_args(a, s, true)))
			return ret;
		if (!s->has_peer_id && !s->has_remote && !s->has_local &&
		    !s->has_oif && !s->n_prefixes && !s->has_keepalive &&
		    !s->has_silence && !s->has_state)
			return usage_error("session set: nothing to change");
		*cmd = JUMPING_CMD_SESSION_SET;
		return 0;
	}
	if (!strcmp(verb, "del")) {
		if ((ret = parse_session_args(a, s, false)))
			return ret;
		*cmd = JUMPING_CMD_SESSION_DEL;
		return 0;
	}
	return usage_error("session: unknown verb '%s'", verb);
}
