// SPDX-License-Identifier: GPL-2.0
/*
 * The state directory: one file per session (<id>.session, mode 0600,
 * written to a temporary name and renamed, so a reader never sees half a
 * file) with what a restarted jumpd needs to manage the session again:
 * whose it is, the control keys (ctl_keys.h: current, and the pending or
 * previous ones of a rekey in progress), key id, and the counters and
 * timestamps that must keep increasing. Data keys are not stored: the
 * kernel has them.
 *
 * The first line after the comment is "version=N". Version 2 holds the
 * per-purpose control keys; a file without it (version 1: one reattach
 * key) cannot be used with the current protocol and is refused with a
 * message: the session is deleted and the peers handshake again.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sodium.h>
#include "jumping_names.h"
#include "jumpd.h"

#define STATE_VERSION	2

struct saved {
	uint8_t pub[32];
	uint32_t remote_id;
	unsigned int version;
	struct jp_ctl_ring ctl;
	uint64_t prev_until_wall_us;
	bool swap_pending;
	uint8_t swap_key_id;
	uint8_t key_id;
	uint64_t reattach_counter, replay_highest, confirm_counter,
		 confirm_highest;
	int replay_any;
	uint8_t last_ts[12];
	unsigned int cur_path;
	uint64_t last_hs_wall_us;	/* 0: not in the file */
};

static void file_name(const struct jd *d, uint32_t id, char *buf, size_t len,
		      const char *suffix)
{
	snprintf(buf, len, "%s/%" PRIu32 ".session%s", d->state_dir, id,
		 suffix);
}

static void hex(FILE *f, const char *key, const uint8_t *v, size_t n)
{
	char s[2 * 64 + 1];

	sodium_bin2hex(s, sizeof(s), v, n);
	fprintf(f, "%s=%s\n", key, s);
}

static int unhex(const char *s, uint8_t *out, size_t n)
{
	size_t got;

	return sodium_hex2bin(out, n, s, strlen(s), NULL, &got, NULL) ||
	       got != n ? -1 : 0;
}

/*
 * The state directory holds reattach keys: it must be ours alone. Made
 * 0700 if missing; refused if it is a link, someone else's, or open to
 * others.
 */
int jd_state_dir_check(const struct jd *d)
{
	struct stat st;

	if (mkdir(d->state_dir, 0700) && errno != EEXIST) {
		jd_err("state directory %s: %s", d->state_dir, strerror(errno));
		return -1;
	}
	if (lstat(d->state_dir, &st)) {
		jd_err("state directory %s: %s", d->state_dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077)) {
		jd_err("state directory %s: must be a directory of this user with mode 0700 (it is %s, mode %03o)",
		       d->state_dir, S_ISDIR(st.st_mode) ? "a directory" :
		       "not a directory", (unsigned int)(st.st_mode & 0777));
		return -1;
	}
	return 0;
}

/*
 * A new file at tmp, refusing one that is there already or a link (the
 * directory is ours, but a stale one from a crash is removed first).
 */
static FILE *open_tmp(const char *tmp, int *fd)
{
	FILE *f;

	unlink(tmp);
	*fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		   0600);
	if (*fd < 0 || !(f = fdopen(*fd, "w"))) {
		jd_log("state %s: %s", tmp, strerror(errno));
		if (*fd >= 0)
			close(*fd);
		return NULL;
	}
	return f;
}

/* Durable, then renamed over path: a reader never sees half a file. */
static void commit_tmp(FILE *f, int fd, const char *tmp, const char *path)
{
	if (fflush(f) || fsync(fd) || fclose(f)) {
		jd_log("state %s: write failed", tmp);
		unlink(tmp);
		return;
	}
	if (rename(tmp, path))
		jd_log("state %s: %s", path, strerror(errno));
}

static void peer_file(const struct jd *d, const struct jd_peer *p, char *buf,
		      size_t len, const char *suffix)
{
	char id[17];

	sodium_bin2hex(id, sizeof(id), p->conf.public_key, 8);
	snprintf(buf, len, "%s/%s.peer%s", d->state_dir, id, suffix);
}

/*
 * The newest initiation timestamp of a peer outlives its sessions: an
 * initiation captured before a restart is not accepted after it.
 */
void jd_persist_peer_save(struct jd *d, const struct jd_peer *p)
{
	char path[512], tmp[520];
	FILE *f;
	int fd;

	peer_file(d, p, path, sizeof(path), "");
	peer_file(d, p, tmp, sizeof(tmp), ".tmp");
	f = open_tmp(tmp, &fd);
	if (!f)
		return;
	fprintf(f, "# jumpd peer state, do not edit\n");
	hex(f, "last_ts", p->last_ts, 12);
	commit_tmp(f, fd, tmp, path);
}

void jd_persist_peer_load(struct jd *d, struct jd_peer *p)
{
	char path[512], line[128], *v;
	uint8_t ts[12];
	FILE *f;

	peer_file(d, p, path, sizeof(path), "");
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		v = strchr(line, '=');
		if (!v || strncmp(line, "last_ts=", 8))
			continue;
		if (!unhex(v + 1, ts, sizeof(ts)) &&
		    jp_hs_timestamp_newer(ts, p->last_ts))
			memcpy(p->last_ts, ts, sizeof(ts));
	}
	fclose(f);
}

/* One set of control keys, its names prefixed (current: none). */
static void save_ctl(FILE *f, const char *prefix, const struct jp_ctl_keys *k)
{
	char name[32];

	snprintf(name, sizeof(name), "%sreattach_key", prefix);
	hex(f, name, k->reattach, 32);
	snprintf(name, sizeof(name), "%sconfirm_key", prefix);
	hex(f, name, k->confirm, 32);
	fprintf(f, "%shs_initiator=%d\n", prefix, k->initiator ? 1 : 0);
}

/* A line of save_ctl() into the set its prefix names; false if none. */
static bool load_ctl(struct saved *s, const char *name, const char *v,
		     unsigned int *seen)
{
	struct jp_ctl_keys *k = &s->ctl.cur;
	unsigned int bit = 1;

	if (!strncmp(name, "next_", 5)) {
		k = &s->ctl.next;
		name += 5;
		bit = 8;
	} else if (!strncmp(name, "prev_", 5)) {
		k = &s->ctl.prev;
		name += 5;
		bit = 64;
	}
	if (!strcmp(name, "reattach_key"))
		*seen |= !unhex(v, k->reattach, 32) * bit;
	else if (!strcmp(name, "confirm_key"))
		*seen |= !unhex(v, k->confirm, 32) * bit * 2;
	else if (!strcmp(name, "hs_initiator")) {
		k->initiator = atoi(v) == 1;
		*seen |= bit * 4;
	} else
		return false;
	return true;
}

void jd_persist_save(struct jd *d, const struct jd_peer *p)
{
	char path[512], tmp[520];
	FILE *f;
	int fd;

	jd_persist_peer_save(d, p);
	if (!p->has_session)
		return;
	file_name(d, p->local_id, path, sizeof(path), "");
	file_name(d, p->local_id, tmp, sizeof(tmp), ".tmp");
	f = open_tmp(tmp, &fd);
	if (!f)
		return;
	fprintf(f, "# jumpd session state, do not edit\n");
	fprintf(f, "version=%u\n", STATE_VERSION);
	hex(f, "peer", p->conf.public_key, 32);
	fprintf(f, "remote_id=%" PRIu32 "\n", p->remote_id);
	save_ctl(f, "", &p->ctl.cur);
	if (p->swap_pending && p->ctl.has_next) {
		save_ctl(f, "next_", &p->ctl.next);
		fprintf(f, "swap_key_id=%u\n", p->swap_key_id);
	}
	if (p->ctl.has_prev && p->ctl.prev_until_ms > jd_now_ms()) {
		save_ctl(f, "prev_", &p->ctl.prev);
		fprintf(f, "prev_until_wall_us=%" PRIu64 "\n",
			jd_wall_us() +
			(p->ctl.prev_until_ms - jd_now_ms()) * 1000);
	}
	fprintf(f, "key_id=%u\n", p->key_id);
	fprintf(f, "reattach_counter=%" PRIu64 "\n", p->reattach_counter);
	fprintf(f, "replay_highest=%" PRIu64 "\n", p->replay.highest);
	fprintf(f, "replay_any=%d\n", p->replay.any ? 1 : 0);
	fprintf(f, "confirm_counter=%" PRIu64 "\n", p->confirm_counter);
	fprintf(f, "confirm_highest=%" PRIu64 "\n", p->confirm_highest);
	hex(f, "last_ts", p->last_ts, 12);
	fprintf(f, "cur_path=%u\n", p->paths.active);
	/* The rekey timer survives a restart: the key's age, on the wall. */
	fprintf(f, "last_hs_wall_us=%" PRIu64 "\n",
		jd_wall_us() - (jd_now_ms() - p->last_hs_ms) * 1000);
	commit_tmp(f, fd, tmp, path);
}

void jd_persist_remove(struct jd *d, uint32_t local_id)
{
	char path[512];

	file_name(d, local_id, path, sizeof(path), "");
	if (unlink(path) && errno != ENOENT)
		jd_log("state %s: %s", path, strerror(errno));
}


/* 0 with *s filled, -ENOENT without a file, -EINVAL for a bad one. */
static int load(struct jd *d, uint32_t id, struct saved *s)
{
	char path[512], line[256], *eq, *v;
	unsigned int ctl = 0;
	bool has_peer = false;
	FILE *f;

	memset(s, 0, sizeof(*s));
	file_name(d, id, path, sizeof(path), "");
	f = fopen(path, "re");
	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || !(eq = strchr(line, '=')))
			continue;
		*eq = '\0';
		v = eq + 1;
		if (!strcmp(line, "version"))
			s->version = (unsigned int)strtoul(v, NULL, 10);
		else if (!strcmp(line, "peer"))
			has_peer = !unhex(v, s->pub, 32);
		else if (!strcmp(line, "remote_id"))
			s->remote_id = (uint32_t)strtoul(v, NULL, 10);
		else if (load_ctl(s, line, v, &ctl))
			continue;
		else if (!strcmp(line, "swap_key_id"))
			s->swap_key_id = (uint8_t)(strtoul(v, NULL, 10) & 7);
		else if (!strcmp(line, "prev_until_wall_us"))
			s->prev_until_wall_us = strtoull(v, NULL, 10);
		else if (!strcmp(line, "key_id"))
			s->key_id = (uint8_t)(strtoul(v, NULL, 10) & 7);
		else if (!strcmp(line, "reattach_counter"))
			s->reattach_counter = strtoull(v, NULL, 10);
		else if (!strcmp(line, "replay_highest"))
			s->replay_highest = strtoull(v, NULL, 10);
		else if (!strcmp(line, "replay_any"))
			s->replay_any = atoi(v);
		else if (!strcmp(line, "confirm_counter"))
			s->confirm_counter = strtoull(v, NULL, 10);
		else if (!strcmp(line, "confirm_highest"))
			s->confirm_highest = strtoull(v, NULL, 10);
		else if (!strcmp(line, "last_ts"))
			unhex(v, s->last_ts, 12);
		else if (!strcmp(line, "cur_path"))
			s->cur_path = (unsigned int)strtoul(v, NULL, 10);
		else if (!strcmp(line, "last_hs_wall_us"))
			s->last_hs_wall_us = strtoull(v, NULL, 10);
	}
	fclose(f);
	sodium_memzero(line, sizeof(line));
	if (s->version != STATE_VERSION) {
		jd_log("state %s: version %u, this jumpd reads version %u (per-purpose control keys): the session cannot be taken over",
		       path, s->version ? s->version : 1, STATE_VERSION);
		return -EPROTO;
	}
	/* Each set whole or not at all: 7 is all three lines of a set. */
	s->ctl.has_next = (ctl >> 3 & 7) == 7;
	s->ctl.has_prev = (ctl >> 6 & 7) == 7 && s->prev_until_wall_us;
	s->swap_pending = s->ctl.has_next;
	return has_peer && (ctl & 7) == 7 && s->remote_id ? 0 : -EINVAL;
}

/*
 * A kernel session we cannot supervise (no state, its peer removed from the
 * config: how an operator revokes a key, or a second one for a peer) must
 * not live on unsupervised and win routing ties: it goes, audited.
 */
static void drop_orphan(struct jd *d, const struct jk_session *ks,
			const struct jd_peer *p, const char *why)
{
	jd_log("session %u%s%s: %s", ks->id, p ? " of peer " : "",
	       p ? p->conf.name : "", why);
	jd_audit_orphan(d, ks->id, p ? p->conf.name : NULL, why, &ks->remote);
	jd_persist_remove(d, ks->id);
	if (jk_session_del(&d->k, ks->id))
		jd_log("session %u: SESSION_DEL: %s", ks->id, jk_error(&d->k));
}

static void adopt_one(struct jd *d, const struct jk_session *ks)
{
	struct jd_path path = { .remote = ks->remote, .local = ks->local };
	uint64_t now = jd_now_ms();
	struct jd_peer *p;
	struct saved s;
	int ret;

	ret = load(d, ks->id, &s);
	if (ret) {
		drop_orphan(d, ks, NULL, ret == -ENOENT ? "deleted-no-state" :
			    ret == -EPROTO ? "deleted-old-state" :
			    "deleted-bad-state");
		return;
	}
	p = jd_peer_by_pub(d, s.pub);
	if (!p || p->has_session) {
		sodium_memzero(&s, sizeof(s));
		drop_orphan(d, ks, p, p ? "deleted-duplicate" :
			    "deleted-peer-removed");
		return;
	}
	p->has_session = true;
	jd_mp_session_start(p);
	p->local_id = ks->id;
	jd_index_id(d, p->local_id, p);
	p->remote_id = s.remote_id;
	p->ctl = s.ctl;
	if (p->ctl.has_prev) {
		uint64_t wall = jd_wall_us();

		/* Its deadline, from the wall clock back to ours. */
		p->ctl.prev_until_ms = s.prev_until_wall_us > wall ?
			now + (s.prev_until_wall_us - wall) / 1000 : now;
		jp_ctl_ring_expire(&p->ctl, now);
	}
	p->swap_pending = s.swap_pending;
	p->swap_key_id = s.swap_key_id;
	p->primary_made_ms = 0;		/* not kept: jd_hs_swap() knows */
	p->key_id = s.key_id;
	p->reattach_counter = s.reattach_counter;
	p->replay.highest = s.replay_highest;
	p->replay.any = s.replay_any;
	p->confirm_counter = s.confirm_counter;
	p->confirm_highest = s.confirm_highest;
	if (jp_hs_timestamp_newer(s.last_ts, p->last_ts))
		memcpy(p->last_ts, s.last_ts, 12);
	p->paths.active = p->paths.n ? s.cur_path % p->paths.n : 0;
	p->cur = path;
	/* The key is as old as it was: adoption does not restart the timer. */
	p->last_hs_ms = now;
	if (s.last_hs_wall_us && s.last_hs_wall_us < jd_wall_us()) {
		uint64_t age_ms = (jd_wall_us() - s.last_hs_wall_us) / 1000;

		p->last_hs_ms = age_ms < now ? now - age_ms : 0;
	}
	p->last_rx_ms = ks->has_rx_age && ks->rx_age_ms < now ?
			now - ks->rx_age_ms : now;
	/* Its silence tells us of a quiet binding (supervise.c). */
	p->silent = ks->liveness == JUMPING_LIVENESS_SILENT;
	p->silence_set = !jk_session_set_silence(&d->k, p->local_id,
						 jd_silence_default_ms(p));
	if (!p->silence_set)
		jd_log("peer %s: session %u: no silence notification (%s): its liveness comes from a dump each second",
		       p->conf.name, p->local_id, jk_error(&d->k));
	jp_fsm_init(&p->fsm, now);
	jp_rx_age_reset(&p->rx_age);
	sodium_memzero(&s, sizeof(s));
	jd_audit_event(d, p, "adopted", JUMPING_REASON_ADOPTED, NULL,
		       &path.remote);
	jd_log("peer %s: adopted session %u (kernel state %s)", p->conf.name,
	       p->local_id, ks->has_state ? state_name(ks->state) : "?");
	/* Restores the kernel's last RX_AGE; supervision goes on from it. */
	jd_apply(d, p, JP_EV_ADOPTED, &path);
	p->last_rx_ms = ks->has_rx_age && ks->rx_age_ms < now ?
			now - ks->rx_age_ms : now;
}

void jd_adopt(struct jd *d)
{
	struct jk_session *v = NULL;
	size_t n = 0, i;

	if (jk_session_dump(&d->k, &v, &n)) {
		jd_log("cannot list the kernel's sessions: %s", jk_error(&d->k));
		return;
	}
	for (i = 0; i < n; i++)
		adopt_one(d, &v[i]);
	free(v);
}
