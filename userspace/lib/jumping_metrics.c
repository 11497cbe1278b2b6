// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus text exposition (jumping_metrics.h). Everything is read
 * first (devices, their sessions, their jumpd's status), then written
 * family by family: the format wants each metric's samples together.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include "jumping_metrics.h"
#include "jumping_names.h"
#include "jumping_policy.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct jm_counters {
	uint64_t v[JUMPING_A_STATS_MAX + 1];
	bool has[JUMPING_A_STATS_MAX + 1];
};

struct jm_session {
	uint32_t id;
	bool has_state, has_state_age, has_rx_age, has_keepalive;
	uint8_t state;
	uint64_t state_age_ms, rx_age_ms;
	uint32_t keepalive_ms;
	struct jm_counters c;
	const struct jd_status_session *jd;	/* jumpd's, or NULL */
};

struct jm_device {
	char name[IFNAMSIZ];
	uint32_t ifindex;
	bool has_count;
	uint32_t count;
	struct jm_counters c;
	struct jm_session *s;
	size_t n;
	const struct jd_status *st;	/* jumpd's, or NULL */
};

struct jm_devices {
	struct jm_device *v;
	size_t n;
};

static int take_counters(struct nlattr *nest, struct jm_counters *c)
{
	struct nlattr *tb[JUMPING_A_STATS_MAX + 1];
	int i;

	if (nla_parse_nested(tb, JUMPING_A_STATS_MAX, nest, jg_policy_stats))
		return -EPROTO;
	for (i = 1; i <= JUMPING_A_STATS_MAX; i++) {
		if (!tb[i] || i == JUMPING_A_STATS_PAD)
			continue;
		c->v[i] = nla_get_u64(tb[i]);
		c->has[i] = true;
	}
	return 0;
}

static int take_device(struct jg_sock *js, struct nlattr **tb, void *arg)
{
	struct jm_devices *l = arg;
	struct jm_device *d;

	if (!tb[JUMPING_A_IFINDEX] || !tb[JUMPING_A_IFNAME])
		return jg_fail(js, -EPROTO, "device reply without its name");
	d = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	if (!d)
		return jg_fail(js, -ENOMEM, "%s", strerror(ENOMEM));
	l->v = d;
	d = &l->v[l->n++];
	memset(d, 0, sizeof(*d));
	d->ifindex = nla_get_u32(tb[JUMPING_A_IFINDEX]);
	nla_strlcpy(d->name, tb[JUMPING_A_IFNAME], sizeof(d->name));
	if (tb[JUMPING_A_SESSION_COUNT]) {
		d->has_count = true;
		d->count = nla_get_u32(tb[JUMPING_A_SESSION_COUNT]);
	}
	if (tb[JUMPING_A_DEV_STATS] &&
	    take_counters(tb[JUMPING_A_DEV_STATS], &d->c))
		return jg_fail(js, -EPROTO, "malformed device counters");
	return 0;
}

/*
 * One SESSION_GET reply. A session of many prefixes continues in further
 * messages holding its id and prefixes only: those add nothing here.
 */
static int take_session(struct jg_sock *js, struct nlattr **top, void *arg)
{
	struct nlattr *tb[JUMPING_A_SESSION_MAX + 1];
	struct jm_device *d = arg;
	struct jm_session *s;

	if (!top[JUMPING_A_SESSION] ||
	    nla_parse_nested(tb, JUMPING_A_SESSION_MAX, top[JUMPING_A_SESSION],
			     jg_policy_session) || !tb[JUMPING_A_SESSION_ID])
		return jg_fail(js, -EPROTO, "malformed session from kernel");
	if (!tb[JUMPING_A_SESSION_STATS])
		return 0;	/* a continuation */
	s = realloc(d->s, (d->n + 1) * sizeof(*d->s));
	if (!s)
		return jg_fail(js, -ENOMEM, "%s", strerror(ENOMEM));
	d->s = s;
	s = &d->s[d->n++];
	memset(s, 0, sizeof(*s));
	s->id = nla_get_u32(tb[JUMPING_A_SESSION_ID]);
	if (tb[JUMPING_A_SESSION_STATE]) {
		s->has_state = true;
		s->state = nla_get_u8(tb[JUMPING_A_SESSION_STATE]);
	}
	if (tb[JUMPING_A_SESSION_STATE_AGE_MS]) {
		s->has_state_age = true;
		s->state_age_ms = nla_get_u64(tb[JUMPING_A_SESSION_STATE_AGE_MS]);
	}
	if (tb[JUMPING_A_SESSION_RX_AGE_MS]) {
		s->has_rx_age = true;
		s->rx_age_ms = nla_get_u64(tb[JUMPING_A_SESSION_RX_AGE_MS]);
	}
	if (tb[JUMPING_A_SESSION_KEEPALIVE_MS]) {
		s->has_keepalive = true;
		s->keepalive_ms = nla_get_u32(tb[JUMPING_A_SESSION_KEEPALIVE_MS]);
	}
	if (take_counters(tb[JUMPING_A_SESSION_STATS], &s->c))
		return jg_fail(js, -EPROTO, "malformed session counters");
	return 0;
}

static int read_sessions(struct jg_sock *js, struct jm_device *d)
{
	struct nl_msg *msg = jg_msg_new(js, JUMPING_CMD_SESSION_GET, NLM_F_DUMP);
	size_t i, k;

	if (!msg || nla_put_u32(msg, JUMPING_A_IFINDEX, d->ifindex)) {
		nlmsg_free(msg);
		return jg_fail(js, -ENOMEM, "%s", strerror(ENOMEM));
	}
	if (jg_request(js, msg, take_session, d))
		return js->err;
	for (i = 0; d->st && i < d->n; i++)
		for (k = 0; k < d->st->n; k++)
			if (d->st->s[k].id == d->s[i].id)
				d->s[i].jd = &d->st->s[k];
	return 0;
}

/* A metric family: its header goes before its first sample only. */
struct fam {
	const char *name, *type, *help;
	bool started;
};

/* Label values escaped as the format says: backslash, quote, newline. */
static void label(FILE *f, bool *first, const char *key, const char *val)
{
	fprintf(f, "%s%s=\"", *first ? "{" : ",", key);
	*first = false;
	for (; *val; val++) {
		if (*val == '\\' || *val == '"')
			fputc('\\', f);
		if (*val == '\n')
			fputs("\\n", f);
		else
			fputc(*val, f);
	}
	fputc('"', f);
}

/*
 * The sample's name and labels: the device, the session and its peer
 * (s not NULL), and one more pair (key not NULL). The value follows.
 */
static void sample(FILE *f, struct fam *m, const struct jm_device *d,
		   const struct jm_session *s, const char *key,
		   const char *val)
{
	char id[16];
	bool first = true;

	if (!m->started) {
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", m->name, m->help,
			m->name, m->type);
		m->started = true;
	}
	fputs(m->name, f);
	label(f, &first, "device", d->name);
	if (s) {
		snprintf(id, sizeof(id), "%" PRIu32, s->id);
		label(f, &first, "session", id);
		label(f, &first, "peer", s->jd ? s->jd->peer : "");
	}
	if (key)
		label(f, &first, key, val);
	fputs("} ", f);
}

static void u64_sample(FILE *f, struct fam *m, const struct jm_device *d,
		       const struct jm_session *s, const char *key,
		       const char *val, uint64_t v)
{
	sample(f, m, d, s, key, val);
	fprintf(f, "%" PRIu64 "\n", v);
}

/* Milliseconds (or microseconds: div 1000000) as seconds, exactly. */
static void sec_sample(FILE *f, struct fam *m, const struct jm_device *d,
		       const struct jm_session *s, const char *key,
		       const char *val, uint64_t v, uint64_t div)
{
	sample(f, m, d, s, key, val);
	fprintf(f, "%" PRIu64 ".%0*" PRIu64 "\n", v / div,
		div == 1000 ? 3 : 6, v % div);
}

/*
 * The kernel's counters. Entries of one family are adjacent; reason
 * non-NULL: a sample of that family with that reason label.
 */
static const struct {
	int attr;
	const char *fam;	/* after jumping_device_ / jumping_session_ */
	const char *reason;
	const char *help;
} counters[] = {
	{ JUMPING_A_STATS_RX_BYTES, "receive_bytes_total", NULL,
	  "Inner bytes received, decrypted and delivered." },
	{ JUMPING_A_STATS_RX_PACKETS, "receive_packets_total", NULL,
	  "Inner packets received, decrypted and delivered." },
	{ JUMPING_A_STATS_TX_BYTES, "transmit_bytes_total", NULL,
	  "Inner bytes encrypted and sent." },
	{ JUMPING_A_STATS_TX_PACKETS, "transmit_packets_total", NULL,
	  "Inner packets encrypted and sent." },
	{ JUMPING_A_STATS_DROP_BAD_AUTH, "drops_total", "bad_auth",
	  "Packets dropped, by reason." },
	{ JUMPING_A_STATS_DROP_REPLAY, "drops_total", "replay", NULL },
	{ JUMPING_A_STATS_DROP_UNKNOWN_SESSION, "drops_total",
	  "unknown_session", NULL },
	{ JUMPING_A_STATS_DROP_SOURCE_NOT_ALLOWED, "drops_total",
	  "source_not_allowed", NULL },
	{ JUMPING_A_STATS_DROP_MALFORMED, "drops_total", "malformed", NULL },
	{ JUMPING_A_STATS_DROP_NO_KEY, "drops_total", "no_key", NULL },
	{ JUMPING_A_STATS_DROP_NO_ROUTE, "drops_total", "no_route", NULL },
	{ JUMPING_A_STATS_DROP_CONTROL, "drops_total", "control", NULL },
	{ JUMPING_A_STATS_DROP_CONTROL_SOURCES, "drops_total",
	  "control_sources", NULL },
	{ JUMPING_A_STATS_DROP_KEY_EXPIRED, "drops_total", "key_expired",
	  NULL },
	{ JUMPING_A_STATS_DROP_BACKLOG, "drops_total", "backlog", NULL },
	{ JUMPING_A_STATS_RX_UNKNOWN_SOURCE, "unknown_source_packets_total",
	  NULL, "Authenticated packets from an address that is not the binding (delivered, the binding stays)." },
	{ JUMPING_A_STATS_CONTROL_RX, "control_received_total", NULL,
	  "Control datagrams passed up to jumpd." },
	{ JUMPING_A_STATS_CONTROL_TX, "control_sent_total", NULL,
	  "Control datagrams sent for jumpd." },
	{ JUMPING_A_STATS_RX_STEERED, "steered_packets_total", NULL,
	  "Received datagrams decrypted on another CPU." },
};

static void write_counters(FILE *f, const struct jm_devices *l, bool sess)
{
	char name[96];
	struct fam m = { 0 };
	size_t i, di, si;

	for (i = 0; i < ARRAY_SIZE(counters); i++) {
		if (counters[i].help) {
			snprintf(name, sizeof(name), "jumping_%s_%s",
				 sess ? "session" : "device", counters[i].fam);
			m = (struct fam){ name, "counter", counters[i].help,
					  false };
		}
		for (di = 0; di < l->n; di++) {
			const struct jm_device *d = &l->v[di];
			int a = counters[i].attr;

			if (!sess) {
				if (d->c.has[a])
					u64_sample(f, &m, d, NULL, counters[i].reason ?
						   "reason" : NULL,
						   counters[i].reason, d->c.v[a]);
				continue;
			}
			for (si = 0; si < d->n; si++)
				if (d->s[si].c.has[a])
					u64_sample(f, &m, d, &d->s[si],
						   counters[i].reason ?
						   "reason" : NULL,
						   counters[i].reason,
						   d->s[si].c.v[a]);
		}
	}
}

static void write_devices(FILE *f, const struct jm_devices *l)
{
	struct fam up = { "jumping_jumpd_up", "gauge",
			  "1 if the device's jumpd answered on its status socket, else 0 (its metrics are missing then).", false };
	struct fam n = { "jumping_device_sessions", "gauge",
			 "Sessions the device holds.", false };
	size_t i;

	for (i = 0; i < l->n; i++)
		u64_sample(f, &up, &l->v[i], NULL, NULL, NULL, !!l->v[i].st);
	for (i = 0; i < l->n; i++)
		if (l->v[i].has_count)
			u64_sample(f, &n, &l->v[i], NULL, NULL, NULL,
				   l->v[i].count);
	write_counters(f, l, false);
}

/* Every state of the session state machine, 1 for the current one. */
static void write_states(FILE *f, const struct jm_devices *l)
{
	struct fam m = { "jumping_session_state", "gauge",
			 "1 for the session's current state, 0 for the others.",
			 false };
	struct fam age = { "jumping_session_state_seconds", "gauge",
			   "Time since the session entered its current state.",
			   false };
	unsigned int st;
	size_t di, si;

	for (di = 0; di < l->n; di++)
		for (si = 0; si < l->v[di].n; si++) {
			const struct jm_session *s = &l->v[di].s[si];

			if (!s->has_state)
				continue;
			for (st = 0; st <= JUMPING_STATE_MAX; st++)
				u64_sample(f, &m, &l->v[di], s, "state",
					   state_name(st), s->state == st);
		}
	for (di = 0; di < l->n; di++)
		for (si = 0; si < l->v[di].n; si++)
			if (l->v[di].s[si].has_state_age)
				sec_sample(f, &age, &l->v[di], &l->v[di].s[si],
					   NULL, NULL,
					   l->v[di].s[si].state_age_ms, 1000);
}

static void write_ages(FILE *f, const struct jm_devices *l)
{
	struct fam hs = { "jumping_session_handshake_age_seconds", "gauge",
			  "Time since the session's last completed handshake (jumpd).",
			  false };
	struct fam rx = { "jumping_session_receive_age_seconds", "gauge",
			  "Time since the last authenticated packet from the session's binding.",
			  false };
	struct fam ka = { "jumping_session_keepalive_seconds", "gauge",
			  "Keepalive interval of the session, 0 if off.", false };
	size_t di, si;

	for (di = 0; di < l->n; di++)
		for (si = 0; si < l->v[di].n; si++) {
			const struct jm_session *s = &l->v[di].s[si];

			if (s->jd && s->jd->has_handshake_age)
				sec_sample(f, &hs, &l->v[di], s, NULL, NULL,
					   s->jd->handshake_age_ms, 1000);
		}
	for (di = 0; di < l->n; di++)
		for (si = 0; si < l->v[di].n; si++)
			if (l->v[di].s[si].has_rx_age)
				sec_sample(f, &rx, &l->v[di], &l->v[di].s[si],
					   NULL, NULL, l->v[di].s[si].rx_age_ms,
					   1000);
	for (di = 0; di < l->n; di++)
		for (si = 0; si < l->v[di].n; si++)
			if (l->v[di].s[si].has_keepalive)
				sec_sample(f, &ka, &l->v[di], &l->v[di].s[si],
					   NULL, NULL,
					   l->v[di].s[si].keepalive_ms, 1000);
}

/* Which of jumpd's counters by reason. */
enum reason_counts { RC_STATE_CHANGES, RC_REATTACHES, RC_REJECTED };

static const struct jd_status_reasons *
reason_counts(const struct jd_status_session *jd, enum reason_counts which)
{
	switch (which) {
	case RC_STATE_CHANGES:
		return &jd->state_changes;
	case RC_REATTACHES:
		return &jd->reattaches;
	default:
		return &jd->reattach_rejected;
	}
}

/* jumpd's counters by reason: the reasons that happened only. */
static void write_reasons(FILE *f, const struct jm_devices *l, struct fam *m,
			  enum reason_counts which)
{
	const struct jd_status_reasons *r;
	unsigned int k;
	size_t di, si;

	for (di = 0; di < l->n; di++)
		for (si = 0; si < l->v[di].n; si++) {
			const struct jm_session *s = &l->v[di].s[si];

			if (!s->jd)
				continue;
			r = reason_counts(s->jd, which);
			for (k = 0; k < __JUMPING_REASON_MAX; k++)
				if (r->n[k] && reason_name(k))
					u64_sample(f, m, &l->v[di], s, "reason",
						   reason_name(k), r->n[k]);
		}
}

static void write_jumpd_counters(FILE *f, const struct jm_devices *l)
{
	struct fam ch = { "jumping_session_state_changes_total", "counter",
			  "State changes of the peer's sessions, by reason (jumpd).",
			  false };
	struct fam ra = { "jumping_session_reattaches_total", "counter",
			  "Moves of the peer's sessions to another binding, by reason (jumpd).",
			  false };
	struct fam rj = { "jumping_session_reattach_rejected_total", "counter",
			  "REATTACH requests for the peer's sessions refused, by reason (jumpd).",
			  false };

	write_reasons(f, l, &ch, RC_STATE_CHANGES);
	write_reasons(f, l, &ra, RC_REATTACHES);
	write_reasons(f, l, &rj, RC_REJECTED);
}

/* What one path sample needs: its label and which value. */
enum path_value { PATH_ACTIVE, PATH_RTT, PATH_RTTVAR, PATH_LOSS };

static void write_path_family(FILE *f, const struct jm_devices *l,
			      struct fam *m, enum path_value which)
{
	const struct jd_status_path *p;
	size_t di, si, pi;

	for (di = 0; di < l->n; di++)
		for (si = 0; si < l->v[di].n; si++) {
			const struct jm_session *s = &l->v[di].s[si];

			for (pi = 0; s->jd && pi < s->jd->n_paths; pi++) {
				p = &s->jd->paths[pi];
				switch (which) {
				case PATH_ACTIVE:
					u64_sample(f, m, &l->v[di], s, "path",
						   p->path, p->active);
					break;
				case PATH_RTT:
				case PATH_RTTVAR:
					if (!p->srtt_us)
						break;	/* no sample yet */
					sec_sample(f, m, &l->v[di], s, "path",
						   p->path, which == PATH_RTT ?
						   p->srtt_us : p->rttvar_us,
						   1000000);
					break;
				case PATH_LOSS:
					if (!p->settled)
						break;
					sample(f, m, &l->v[di], s, "path",
					       p->path);
					fprintf(f, "%u.%03u\n",
						p->loss_permille / 1000,
						p->loss_permille % 1000);
					break;
				}
			}
		}
}

static void write_paths(FILE *f, const struct jm_devices *l)
{
	struct fam act = { "jumping_path_active", "gauge",
			   "1 for the path the session's binding uses, 0 for its other candidate paths.",
			   false };
	struct fam rtt = { "jumping_path_rtt_seconds", "gauge",
			   "Smoothed round-trip time of the path's probes.",
			   false };
	struct fam var = { "jumping_path_rtt_variation_seconds", "gauge",
			   "Round-trip time variation of the path's probes.",
			   false };
	struct fam loss = { "jumping_path_loss_ratio", "gauge",
			    "Share of the path's last settled probes that got no answer (0 to 1).",
			    false };

	write_path_family(f, l, &act, PATH_ACTIVE);
	write_path_family(f, l, &rtt, PATH_RTT);
	write_path_family(f, l, &var, PATH_RTTVAR);
	write_path_family(f, l, &loss, PATH_LOSS);
}

/* The cluster part of a device's jumpd, or NULL (none, or not clustered). */
static const struct jd_status_cluster *cluster_of(const struct jm_device *d)
{
	return d->st && d->st->has_cluster ? &d->st->cluster : NULL;
}

/* A clustered gateway's jumpd: its lease and its takeovers, by node. */
static void write_cluster(FILE *f, const struct jm_devices *l)
{
	struct fam serving = { "jumping_cluster_serving", "gauge",
			       "1 while the clustered gateway may serve its sessions (its etcd lease renewed in time), else 0.", false };
	struct fam left = { "jumping_cluster_serve_left_seconds", "gauge",
			    "Time until the clustered gateway fences itself without a lease renewal.", false };
	struct fam takeovers = { "jumping_cluster_takeovers", "gauge",
				 "Takeovers in hand: an etcd lookup or create under way.", false };
	const struct jd_status_cluster *c;
	size_t i;

	/* A family's samples are adjacent: one loop per family. */
	for (i = 0; i < l->n; i++) {
		c = cluster_of(&l->v[i]);
		if (c)
			u64_sample(f, &serving, &l->v[i], NULL, "node", c->node,
				   !strcmp(c->state, "serving"));
	}
	for (i = 0; i < l->n; i++) {
		c = cluster_of(&l->v[i]);
		if (c && c->has_serve_left)
			sec_sample(f, &left, &l->v[i], NULL, "node", c->node,
				   c->serve_left_ms, 1000);
	}
	for (i = 0; i < l->n; i++) {
		c = cluster_of(&l->v[i]);
		if (c)
			u64_sample(f, &takeovers, &l->v[i], NULL, "node",
				   c->node, c->takeovers);
	}
}

int jm_write(FILE *f, struct jg_sock *js, const char *dev,
	     const struct jm_status_src *src)
{
	struct jm_devices l = { 0 };
	struct nl_msg *msg;
	size_t i;
	int ret;

	msg = jg_msg_new(js, JUMPING_CMD_DEVICE_GET, dev ? 0 : NLM_F_DUMP);
	if (!msg || (dev && nla_put_string(msg, JUMPING_A_IFNAME, dev) < 0)) {
		nlmsg_free(msg);
		return jg_fail(js, -ENOMEM, "%s", strerror(ENOMEM));
	}
	ret = jg_request(js, msg, take_device, &l);
	for (i = 0; !ret && i < l.n; i++) {
		if (src && src->get)
			l.v[i].st = src->get(l.v[i].name, src->arg);
		ret = read_sessions(js, &l.v[i]);
	}
	if (!ret) {
		write_devices(f, &l);
		write_counters(f, &l, true);
		write_states(f, &l);
		write_ages(f, &l);
		write_jumpd_counters(f, &l);
		write_paths(f, &l);
		write_cluster(f, &l);
	}
	for (i = 0; i < l.n; i++) {
		if (l.v[i].st && src->release)
			src->release(l.v[i].st, src->arg);
		free(l.v[i].s);
	}
	free(l.v);
	return ret;
}
