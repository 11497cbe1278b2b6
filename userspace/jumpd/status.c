// SPDX-License-Identifier: GPL-2.0
/*
 * The status socket (docs/operations.md): what only jumpd knows
 * (jumping_status.h), for `jumpctl show` and `jumpctl metrics`. A
 * connection gets one JSON document and is closed; nothing is read from
 * it. The socket lives in the state directory (ours alone, 0700) and is
 * itself 0600: the path table says where the peers are.
 *
 * A client that does not read must not stall the daemon: the document
 * is sent without blocking, into a send buffer sized for it, and what
 * does not fit then is dropped (the client sees a truncated document,
 * which it cannot parse, and shows no paths). A document stays small:
 * one line per path, paths bounded per peer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "jumping_json.h"
#include "jumping_names.h"
#include "jumpd.h"

/* Connections taken per wake-up: the rest wait for the next poll round. */
#define STATUS_ACCEPT_BURST	16

static int status_path(const struct jd *d, struct sockaddr_un *sun)
{
	int n;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	n = snprintf(sun->sun_path, sizeof(sun->sun_path), "%s/%s.sock",
		     d->state_dir, d->cfg->iface.device);
	return n < 0 || (size_t)n >= sizeof(sun->sun_path) ? -1 : 0;
}

/*
 * A socket file already there: a jumpd that died left it (nobody
 * answers), or another jumpd of the same device and state directory
 * serves it, whose socket we must not take away.
 */
static bool status_in_use(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	bool used;

	if (fd < 0)
		return false;
	/* Without blocking: a full backlog (EAGAIN) is someone's too. */
	used = !connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) ||
	       errno == EAGAIN;
	close(fd);
	return used;
}

int jd_status_open(struct jd *d)
{
	struct sockaddr_un sun;
	int fd;

	d->status_fd = -1;
	if (status_path(d, &sun)) {
		jd_log("status socket: %s/%s.sock: path too long; jumpctl show will not list paths",
		       d->state_dir, d->cfg->iface.device);
		return -1;
	}
	if (status_in_use(&sun)) {
		jd_log("status socket %s: another jumpd answers on it; left to it",
		       sun.sun_path);
		return -1;
	}
	if (unlink(sun.sun_path) && errno != ENOENT) {
		jd_log("status socket %s: cannot remove the stale one: %m",
		       sun.sun_path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		jd_log("status socket: %m");
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    chmod(sun.sun_path, 0600) || listen(fd, 8)) {
		jd_log("status socket %s: %m; jumpctl show will not list paths",
		       sun.sun_path);
		close(fd);
		unlink(sun.sun_path);
		return -1;
	}
	d->status_fd = fd;
	return 0;
}

void jd_status_close(struct jd *d)
{
	struct sockaddr_un sun;

	if (d->status_fd < 0)
		return;
	close(d->status_fd);
	d->status_fd = -1;
	if (!status_path(d, &sun))
		unlink(sun.sun_path);
}

/* One path of p as the model has it (what jd_mp_paths_json writes). */
static void path_info(const struct jd_peer *p, unsigned int i,
		      struct jd_status_path *out)
{
	const struct jd_path_entry *e = &p->paths.e[i];
	unsigned int settled;

	memset(out, 0, sizeof(*out));
	jd_path_str(&e->addr, out->path, sizeof(out->path));
	snprintf(out->state, sizeof(out->state), "%s",
		 jp_path_state_name(e->st.state));
	out->active = i == p->paths.active;
	out->usable = e->usable;
	out->srtt_us = e->st.have_rtt ? e->st.srtt_us : 0;
	out->rttvar_us = e->st.have_rtt ? e->st.rttvar_us : 0;
	out->loss_permille = jp_path_loss_permille(&e->st,
						   p->mp.policy.p.loss_window,
						   &settled);
	out->settled = settled;
}

static int session_info(const struct jd_peer *p, uint64_t now,
			struct jd_status_session *s)
{
	const char *state = state_name(p->fsm.state);
	unsigned int i;

	s->id = p->local_id;
	snprintf(s->peer, sizeof(s->peer), "%s", p->conf.name);
	snprintf(s->state, sizeof(s->state), "%s", state ? state : "unknown");
	s->has_state_age = true;
	s->state_age_ms = now - p->fsm.entered_ms;
	s->has_handshake_age = p->last_hs_ms != 0;
	s->handshake_age_ms = p->last_hs_ms ? now - p->last_hs_ms : 0;
	s->state_changes = p->state_changes;
	s->reattaches = p->reattaches;
	s->reattach_rejected = p->reattach_rejected;
	if (!p->paths.n)
		return 0;
	s->paths = calloc(p->paths.n, sizeof(*s->paths));
	if (!s->paths)
		return -1;
	s->n_paths = p->paths.n;
	for (i = 0; i < p->paths.n; i++)
		path_info(p, i, &s->paths[i]);
	return 0;
}

struct jd_status *jd_status_build(const struct jd *d)
{
	struct jd_status *st = calloc(1, sizeof(*st));
	uint64_t now = jd_now_ms();
	unsigned int i;

	if (!st)
		return NULL;
	st->s = calloc(d->n_peers ? d->n_peers : 1, sizeof(*st->s));
	if (!st->s)
		goto fail;
	for (i = 0; i < d->n_peers; i++) {
		if (!d->peers[i]->has_session)
			continue;
		/* Counted first: what was taken is freed on failure. */
		if (session_info(d->peers[i], now, &st->s[st->n++]))
			goto fail;
	}
	if (d->cluster) {
		st->has_cluster = true;
		jd_cluster_status(d, now, &st->cluster);
	}
	return st;
fail:
	jd_status_model_free(st);
	return NULL;
}

void jd_status_model_free(struct jd_status *st)
{
	unsigned int i;

	if (!st)
		return;
	for (i = 0; i < st->n; i++)
		free(st->s[i].paths);
	free(st->s);
	free(st);
}

/* {"reason-name": count, ...} of the reasons that happened. */
static void reasons_write(FILE *f, const char *key,
			  const struct jd_status_reasons *r)
{
	bool first = true;
	unsigned int k;

	fprintf(f, ",\"%s\":{", key);
	for (k = 0; k < __JUMPING_REASON_MAX; k++) {
		if (!r->n[k] || !reason_name(k))
			continue;
		fprintf(f, "%s\"%s\":%llu", first ? "" : ",", reason_name(k),
			(unsigned long long)r->n[k]);
		first = false;
	}
	fputc('}', f);
}

static void path_write(FILE *f, const struct jd_status_path *p, bool first)
{
	fprintf(f, "%s{\"path\":", first ? "" : ",");
	json_write_string(f, p->path);
	fputs(",\"state\":", f);
	json_write_string(f, p->state);
	fprintf(f, ",\"active\":%s,\"usable\":%s,\"srtt_us\":%llu,\"rttvar_us\":%llu,\"loss_permille\":%u,\"settled\":%u}",
		p->active ? "true" : "false", p->usable ? "true" : "false",
		(unsigned long long)p->srtt_us,
		(unsigned long long)p->rttvar_us, p->loss_permille,
		p->settled);
}

static void cluster_write(FILE *f, const struct jd_status_cluster *c)
{
	fputs(",\"cluster\":{\"node\":", f);
	json_write_string(f, c->node);
	fputs(",\"state\":", f);
	json_write_string(f, c->state);
	if (c->has_serve_left)
		fprintf(f, ",\"serve_left_ms\":%llu",
			(unsigned long long)c->serve_left_ms);
	fprintf(f, ",\"watching\":%s,\"takeovers\":%u}",
		c->watching ? "true" : "false", c->takeovers);
}

/* The document: the device, each session with its path table, and a
 * clustered gateway's part of the cluster. */
static void status_write(const struct jd *d, const struct jd_status *st,
			 FILE *f)
{
	unsigned int i, k;

	fputs("{\"device\":", f);
	json_write_string(f, d->cfg->iface.device);
	/* What jumpd asked the kernel so far (no polling: few while idle). */
	fprintf(f, ",\"peers\":%u,\"netlink_requests\":%llu,\"session_gets\":%llu,\"session_dumps\":%llu",
		d->n_peers, (unsigned long long)d->k.requests,
		(unsigned long long)d->k.session_gets,
		(unsigned long long)d->k.session_dumps);
	fputs(",\"sessions\":[", f);
	for (i = 0; i < st->n; i++) {
		const struct jd_status_session *s = &st->s[i];

		fprintf(f, "%s{\"session\":%u,\"peer\":", i ? "," : "", s->id);
		json_write_string(f, s->peer);
		fputs(",\"state\":", f);
		json_write_string(f, s->state);
		fprintf(f, ",\"state_age_ms\":%llu",
			(unsigned long long)s->state_age_ms);
		if (s->has_handshake_age)
			fprintf(f, ",\"handshake_age_ms\":%llu",
				(unsigned long long)s->handshake_age_ms);
		reasons_write(f, "state_changes", &s->state_changes);
		reasons_write(f, "reattaches", &s->reattaches);
		reasons_write(f, "reattach_rejected", &s->reattach_rejected);
		fputs(",\"paths\":[", f);
		for (k = 0; k < s->n_paths; k++)
			path_write(f, &s->paths[k], !k);
		fputs("]}", f);
	}
	fputc(']', f);
	if (st->has_cluster)
		cluster_write(f, &st->cluster);
	fputs("}\n", f);
}

/* Send what fits now; a client that does not read gets the rest never. */
void jd_send_nowait(int fd, const char *doc, size_t len)
{
	socklen_t optlen = sizeof(int);
	size_t off = 0;
	int sndbuf;
	ssize_t n;

	/*
	 * The default buffer (net.core.wmem_default) holds a usual document;
	 * a larger one gets room for itself and its buffers' overhead, as
	 * far as net.core.wmem_max lets. Only ever raised: a buffer smaller
	 * than the document and that overhead would cut it short.
	 */
	if (!getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &optlen) &&
	    (size_t)sndbuf / 2 < len) {
		sndbuf = len > (1u << 28) ? 1 << 29 : (int)len * 2;
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	}
	while (off < len) {
		n = send(fd, doc + off, len - off, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* EAGAIN: the client is not reading */
		off += (size_t)n;
	}
}

void jd_status_serve(struct jd *d)
{
	struct jd_status *st;
	char *doc = NULL;
	size_t len = 0;
	unsigned int i;
	FILE *f;
	int fd;

	for (i = 0; i < STATUS_ACCEPT_BURST; i++) {
		fd = accept4(d->status_fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				jd_log("status socket: accept: %m");
			break;
		}
		/* One document for every client of this wake-up. */
		if (!doc) {
			st = jd_status_build(d);
			f = st ? open_memstream(&doc, &len) : NULL;
			if (!f) {
				jd_status_model_free(st);
				close(fd);
				break;
			}
			status_write(d, st, f);
			jd_status_model_free(st);
			if (fclose(f)) {
				free(doc);
				doc = NULL;
				close(fd);
				break;
			}
		}
		jd_send_nowait(fd, doc, len);
		close(fd);
	}
	free(doc);
}
