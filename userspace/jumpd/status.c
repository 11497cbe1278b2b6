// SPDX-License-Identifier: GPL-2.0
/*
 * The status socket (docs/multipath.md, "Seeing the paths"): what only
 * jumpd knows, each session's path table, for `jumpctl show`. A
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

/* The document: the device and each session with its path table. */
static void status_write(const struct jd *d, FILE *f, char *paths,
			 size_t paths_len)
{
	const char *state;
	unsigned int i;
	bool first = true;

	fputs("{\"device\":", f);
	json_write_string(f, d->cfg->iface.device);
	/* What jumpd asked the kernel so far (no polling: few while idle). */
	fprintf(f, ",\"peers\":%u,\"netlink_requests\":%llu,\"session_gets\":%llu,\"session_dumps\":%llu",
		d->n_peers, (unsigned long long)d->k.requests,
		(unsigned long long)d->k.session_gets,
		(unsigned long long)d->k.session_dumps);
	fputs(",\"sessions\":[", f);
	for (i = 0; i < d->n_peers; i++) {
		const struct jd_peer *p = d->peers[i];

		if (!p->has_session)
			continue;
		state = state_name(p->fsm.state);
		jd_mp_paths_json(p, paths, paths_len);
		fprintf(f, "%s{\"session\":%u,\"peer\":", first ? "" : ",",
			p->local_id);
		json_write_string(f, p->conf.name);
		fputs(",\"state\":", f);
		json_write_string(f, state ? state : "unknown");
		fprintf(f, ",\"paths\":%s}", paths);
		first = false;
	}
	fputs("]}\n", f);
}

/* Send what fits now; a client that does not read gets the rest never. */
static void status_send(int fd, const char *doc, size_t len)
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
	static char paths[JD_MAX_PATHS * JD_PATH_JSON_MAX];
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
			f = open_memstream(&doc, &len);
			if (!f) {
				close(fd);
				break;
			}
			status_write(d, f, paths, sizeof(paths));
			if (fclose(f)) {
				free(doc);
				doc = NULL;
				close(fd);
				break;
			}
		}
		status_send(fd, doc, len);
		close(fd);
	}
	free(doc);
}
