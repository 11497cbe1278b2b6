// SPDX-License-Identifier: GPL-2.0
/*
 * PeerDir (docs/config.md): a directory of files of one [Peer] each,
 * applied file by file while jumpd runs. inotify on the directory says
 * which file was written (closed after writing, or renamed into place) or
 * removed; SIGHUP, and lost inotify events, look at every file and apply
 * those whose inode, size or mtime changed. Only files named *.conf count
 * (not dotfiles): an editor's temporary file is not a peer.
 *
 * A file is checked whole before anything changes: its syntax, its key
 * files, and that its name, PublicKey and AllowedIPs are no other peer's
 * (O(1) each, peers.c's maps). A bad file changes nothing (the peer it
 * held keeps its last good settings and session); each error names the
 * file and line. A new file adds a peer, a changed one updates it as a
 * reload does (a new PublicKey is a new peer: the old one goes), a
 * removed one ends the peer's session (operator-delete). Other peers and
 * their sessions are not touched.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sodium.h>
#include "jumpd.h"

static bool peer_file_name(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && !strcmp(name + n - 5, ".conf") &&
	       !strchr(name, '/');
}

int jd_peers_append(struct jd *d, struct jd_peer *p)
{
	struct jd_peer **v;
	unsigned int cap;

	if (d->n_peers + 1 >= d->peers_cap) {
		cap = d->peers_cap ? d->peers_cap * 2 : 16;
		v = realloc(d->peers, cap * sizeof(*v));
		if (!v)
			return -1;
		d->peers = v;
		d->peers_cap = cap;
	}
	if (jd_sched_add(d, p))
		return -1;
	d->peers[d->n_peers++] = p;
	d->peers[d->n_peers] = NULL;
	jd_index_peer_add(d, p);
	return 0;
}

void jd_peers_remove(struct jd *d, struct jd_peer *p)
{
	unsigned int i;

	jd_index_peer_del(d, p);
	jd_sched_remove(d, p);
	/* Linear: a removal is one file's, rare next to lookups. */
	for (i = 0; i < d->n_peers && d->peers[i] != p; i++)
		;
	if (i == d->n_peers)
		return;
	/* Order does not matter: the last one takes its place. */
	d->peers[i] = d->peers[--d->n_peers];
	d->peers[d->n_peers] = NULL;
}

static void remove_peer(struct jd *d, struct jd_peer *p, const char *why)
{
	jd_log("PeerDir: %s %s: peer %s removed", p->file, why, p->conf.name);
	if (p->has_session)
		jd_apply(d, p, JP_EV_OPERATOR_DELETE, NULL);
	jd_session_forget(d, p, true);
	jd_peers_remove(d, p);
	jd_peer_free(p);
}

/* Its name, key and prefixes are no other peer's than old's. */
static int check_unique(struct jd *d, const char *path,
			const struct jp_conf_peer *c, const struct jd_peer *old)
{
	const struct jd_peer *q;
	unsigned int i;
	int bad = 0;

	q = jd_peer_by_name(d, c->name);
	if (q && q != old && ++bad)
		jd_log("%s:%u: [Peer] name '%s' already used by %s", path,
		       c->line, c->name, q->file ? q->file : d->cfg_path);
	q = jd_peer_by_pub(d, c->public_key);
	if (q && q != old && ++bad)
		jd_log("%s:%u: [Peer] '%s' has the same PublicKey as peer %s (%s)",
		       path, c->line, c->name, q->conf.name,
		       q->file ? q->file : d->cfg_path);
	for (i = 0; i < c->n_allowed_ips; i++) {
		char buf[JP_ENDPOINT_STRLEN];

		q = jd_peer_by_prefix(d, &c->allowed_ips[i]);
		if (!q || q == old)
			continue;
		format_prefix(&c->allowed_ips[i], buf, sizeof(buf));
		jd_log("%s:%u: AllowedIPs %s already belongs to peer %s (%s): a prefix has one owner",
		       path, c->allowed_ip_lines[i], buf, q->conf.name,
		       q->file ? q->file : d->cfg_path);
		bad++;
	}
	return bad ? -1 : 0;
}

/* The file parsed and its peer built: NULL, logged, if anything fails. */
static struct jd_peer *load(struct jd *d, const char *path,
			    const struct stat *st, struct jd_peer *old)
{
	struct jp_conf_errors errs;
	struct jp_config *cfg;
	struct jd_peer **v, *p = NULL;
	unsigned int n, i;
	char err[300];
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		jd_log("%s: cannot open: %m", path);
		return NULL;
	}
	cfg = jp_config_parse_peer_file(f, path, &errs);
	if (cfg && cfg->peers[0].has_psk &&
	    jd_secret_file_mode_bad(fileno(f), path, err, sizeof(err))) {
		jd_log("%s (it holds a PresharedKey)", err);
		jp_config_free(cfg);
		cfg = NULL;
		errs.n = 0;
	}
	fclose(f);
	if (!cfg) {
		for (i = 0; i < errs.n; i++)
			jd_log("%s", errs.msg[i]);
		return NULL;
	}
	/* A new key is a new peer: the old one's checks do not apply. */
	if (old && memcmp(old->conf.public_key, cfg->peers[0].public_key, 32))
		old = NULL;
	if (!check_unique(d, path, &cfg->peers[0], old) &&
	    !jd_peers_build(d, cfg, &v, &n)) {
		p = v[0];
		free(v);
		p->file_mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 +
				   st->st_mtim.tv_nsec;
		p->file_size = st->st_size;
		p->file_ino = st->st_ino;
	}
	jp_config_free(cfg);
	return p;
}

/* Apply one file of the directory: added, changed or gone. */
static void apply_file(struct jd *d, const char *name, bool force)
{
	struct jd_peer *old = jd_peer_by_file(d, name), *p;
	char path[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof(path), "%s/%s", d->peer_dir, name) >=
	    (int)sizeof(path))
		return;
	if (stat(path, &st) || !S_ISREG(st.st_mode)) {
		if (old)
			remove_peer(d, old, "is gone");
		return;
	}
	if (old) {
		old->scan_gen = d->scan_gen;
		if (!force && old->file_ino == st.st_ino &&
		    old->file_size == st.st_size &&
		    old->file_mtime_ns == (int64_t)st.st_mtim.tv_sec *
					  1000000000 + st.st_mtim.tv_nsec)
			return;
	}
	p = load(d, path, &st, old);
	if (!p) {
		jd_log("PeerDir: %s has errors, nothing changed", path);
		return;
	}
	p->scan_gen = d->scan_gen;
	if (old && !memcmp(old->conf.public_key, p->conf.public_key, 32)) {
		/* Its maps' entries go, the settings change, they come back. */
		jd_index_peer_del(d, old);
		if (jd_peer_update(d, old, p) &&
		    jk_session_set_prefixes(&d->k, old->local_id,
					    old->conf.allowed_ips,
					    old->conf.n_allowed_ips))
			jd_log("PeerDir: %s: AllowedIPs: %s (another peer still holds one)",
			       name, jk_error(&d->k));
		jd_index_peer_add(d, old);
		if (old->has_session)
			jd_index_id(d, old->local_id, old);
		old->file_mtime_ns = p->file_mtime_ns;
		old->file_size = p->file_size;
		old->file_ino = p->file_ino;
		jd_peer_free(p);
		jd_touch(d, old);
		jd_log("PeerDir: %s changed: peer %s updated", name,
		       old->conf.name);
		return;
	}
	if (old)
		remove_peer(d, old, "has a new PublicKey");
	p->file = strdup(name);
	if (!p->file || jd_peers_append(d, p)) {
		jd_log("PeerDir: %s: out of memory", name);
		jd_peer_free(p);
		return;
	}
	jd_persist_peer_load(d, p);
	jd_log("PeerDir: %s: new peer %s", name, p->conf.name);
}

int jd_peerdir_open(struct jd *d)
{
	const char *dir = d->cfg->iface.peer_dir;

	d->peerdir_fd = -1;
	if (!dir[0])
		return 0;
	d->peer_dir = strdup(dir);
	if (!d->peer_dir)
		return -1;
	d->peerdir_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (d->peerdir_fd < 0 ||
	    inotify_add_watch(d->peerdir_fd, dir,
			      IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
			      IN_DELETE | IN_ONLYDIR) < 0) {
		jd_log("PeerDir %s: %m", dir);
		if (d->peerdir_fd >= 0)
			close(d->peerdir_fd);
		d->peerdir_fd = -1;
		return -1;
	}
	return 0;
}

void jd_peerdir_close(struct jd *d)
{
	if (d->peerdir_fd >= 0)
		close(d->peerdir_fd);
	d->peerdir_fd = -1;
	free(d->peer_dir);
	d->peer_dir = NULL;
}

void jd_peerdir_scan(struct jd *d)
{
	struct dirent *de;
	unsigned int i;
	DIR *dir;

	if (!d->peer_dir)
		return;
	dir = opendir(d->peer_dir);
	if (!dir) {
		jd_log("PeerDir %s: %m; its peers stay as they are", d->peer_dir);
		return;
	}
	d->scan_gen++;
	while ((de = readdir(dir)))
		if (peer_file_name(de->d_name))
			apply_file(d, de->d_name, false);
	closedir(dir);
	/* A file not seen in this scan is gone. */
	for (i = 0; i < d->n_peers;) {
		struct jd_peer *p = d->peers[i];

		if (p->file && p->scan_gen != d->scan_gen)
			remove_peer(d, p, "is gone");	/* the last moves to i */
		else
			i++;
	}
}

void jd_peerdir_read(struct jd *d)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	bool rescan = false;
	ssize_t n;
	char *at;

	while ((n = read(d->peerdir_fd, buf, sizeof(buf))) > 0) {
		for (at = buf; at < buf + n; at += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)at;
			if (ev->mask & (IN_Q_OVERFLOW | IN_IGNORED)) {
				rescan = true;
				continue;
			}
			if (!ev->len || !peer_file_name(ev->name))
				continue;
			d->scan_gen++;
			/* Written in place: same inode, maybe same mtime. */
			apply_file(d, ev->name, ev->mask & IN_CLOSE_WRITE);
		}
	}
	if (rescan) {
		jd_log("PeerDir: inotify lost events: looking at every file");
		jd_peerdir_scan(d);
	}
}
