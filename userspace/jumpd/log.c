// SPDX-License-Identifier: GPL-2.0
/* jumpd's log lines (stderr) and audit records (AuditLog). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <sys/stat.h>
#include "audit.h"
#include "jumpd.h"

/*
 * Boot time, not CLOCK_MONOTONIC: the latter stops during suspend, and a
 * laptop's session would outlive the peer's TTL without knowing it.
 */
uint64_t jd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t jd_wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/*
 * Under systemd stderr is a stream to the journal (JOURNAL_STREAM names
 * its device and inode): each line then starts with its syslog priority,
 * "<3>", which journald takes as the record's priority, and carries no
 * time of its own (the journal stamps it). Anywhere else a line is
 * "HH:MM:SS.mmm jumpd: ...", as it always was.
 */
static bool stderr_is_journal(void)
{
	static int is = -1;
	unsigned long long dev, ino;
	const char *env;
	struct stat st;

	if (is >= 0)
		return is;
	env = getenv("JOURNAL_STREAM");
	is = env && sscanf(env, "%llu:%llu", &dev, &ino) == 2 &&
	     !fstat(2, &st) && st.st_dev == dev && st.st_ino == ino;
	return is;
}

static void vlog(int prio, const char *fmt, va_list ap)
{
	int saved_errno = errno;	/* for a %m in fmt */
	struct timespec ts;
	struct tm tm;
	char when[32];

	if (stderr_is_journal()) {
		fprintf(stderr, "<%d>", prio);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld jumpd: ", when,
			ts.tv_nsec / 1000000);
	}
	errno = saved_errno;
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void jd_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void jd_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void jd_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
}

void jd_debug(const struct jd *d, const char *fmt, ...)
{
	va_list ap;

	if (!d->verbose)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

const char *jd_path_str(const struct jd_path *path, char *buf, size_t len)
{
	char l[JP_BINDING_STRLEN], r[JP_BINDING_STRLEN];

	jp_binding_str(&path->remote, r);
	if (jp_binding_is_set(&path->local)) {
		struct jp_binding lb = path->local;

		lb.port = 0;
		jp_binding_str(&lb, l);
		/* The local port is the device's: print the address only. */
		char *colon = strrchr(l, ':');
		if (colon)
			*colon = '\0';
		snprintf(buf, len, "%s via %s", r, l);
	} else {
		snprintf(buf, len, "%s", r);
	}
	return buf;
}

static void write_rec(struct jd *d, struct jp_audit_rec *r)
{
	if (!d->audit)
		return;
	if (jp_audit_write(d->audit, r))
		jd_log("audit log: write failed");
}

void jd_audit_transition(struct jd *d, const struct jd_peer *p,
			 const struct jp_transition *tr)
{
	struct jp_audit_rec r;
	struct timespec wall;

	clock_gettime(CLOCK_REALTIME, &wall);
	jp_audit_from_transition(&r, tr, p->local_id, p->conf.name,
				 jd_now_ms(), wall);
	write_rec(d, &r);
}

static void event_rec(struct jp_audit_rec *r, const struct jd_peer *p,
		      const char *event, enum jumping_reason reason)
{
	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_REALTIME, &r->wall);
	r->mono_ms = jd_now_ms();
	r->session_id = p->local_id;
	r->peer = p->conf.name;
	r->event = event;
	r->old_state = r->new_state = p->fsm.state;
	r->reason = reason;
	r->in_old_ms = jp_fsm_time_in_state(&p->fsm, r->mono_ms);
	/* The binding stays: before and after are the same. */
	r->before = r->after = p->cur.remote;
}

void jd_audit_count(struct jd *d, const struct jd_peer *p, const char *event,
		    enum jumping_reason reason, uint64_t count)
{
	struct jp_audit_rec r;

	event_rec(&r, p, event, reason);
	r.count = count;
	write_rec(d, &r);
}

void jd_audit_event(struct jd *d, const struct jd_peer *p, const char *event,
		    enum jumping_reason reason, const struct jp_binding *before,
		    const struct jp_binding *after)
{
	struct jp_audit_rec r;

	event_rec(&r, p, event, reason);
	memset(&r.before, 0, sizeof(r.before));
	memset(&r.after, 0, sizeof(r.after));
	if (before)
		r.before = *before;
	if (after)
		r.after = *after;
	write_rec(d, &r);
}

void jd_audit_move(struct jd *d, const struct jd_peer *p,
		   enum jumping_reason reason, const struct jd_path *from,
		   const struct jd_path *to, bool validated,
		   const char *paths_before, const char *paths_after)
{
	static char extra[2 * (JD_MAX_PATHS * JD_PATH_JSON_MAX + 2) + 1024];
	char fs[160], ts[160];
	struct jp_audit_rec r;

	event_rec(&r, p, "move", reason);
	r.before = from->remote;
	r.after = to->remote;
	snprintf(extra, sizeof(extra),
		 ",\"path_before\":\"%s\",\"path_after\":\"%s\",\"validated\":%s,\"paths_before\":%s,\"paths_after\":%s",
		 jd_path_str(from, fs, sizeof(fs)),
		 jd_path_str(to, ts, sizeof(ts)), validated ? "true" : "false",
		 paths_before, paths_after);
	r.extra = extra;
	write_rec(d, &r);
}

/* A record of a session id that is not (or no longer) one of ours. */
static void outside_rec(struct jp_audit_rec *r, uint32_t session_id,
			const char *peer, const char *event)
{
	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_REALTIME, &r->wall);
	r->mono_ms = jd_now_ms();
	r->session_id = session_id;
	r->peer = peer;
	r->event = event;
	r->old_state = r->new_state = JUMPING_STATE_BIRTH;
}

void jd_audit_takeover(struct jd *d, uint32_t session_id, const char *peer,
		       const char *event, enum jumping_reason reason,
		       const struct jp_binding *from, const char *detail)
{
	char extra[160];
	struct jp_audit_rec r;
	size_t i, start;

	/* Not a session here: no state before or after. */
	outside_rec(&r, session_id, peer, event);
	r.reason = reason;
	if (from)
		r.before = r.after = *from;
	start = strlen(",\"detail\":\"");
	snprintf(extra, sizeof(extra), ",\"detail\":\"%.100s\"",
		 detail ? detail : "");
	/* Another gateway's node name or etcd's error may be in it: only
	 * printable ASCII reaches the line, and no quote or escape. */
	for (i = start; extra[i] && extra[i + 1]; i++)
		if (extra[i] == '"' || extra[i] == '\\' ||
		    (unsigned char)extra[i] < 0x20 ||
		    (unsigned char)extra[i] > 0x7e)
			extra[i] = '?';
	r.extra = extra;
	write_rec(d, &r);
}

void jd_audit_orphan(struct jd *d, uint32_t session_id, const char *peer,
		     const char *event, const struct jp_binding *binding)
{
	struct jp_audit_rec r;

	outside_rec(&r, session_id, peer, event);
	r.new_state = JUMPING_STATE_TERMINATED;
	r.reason = JUMPING_REASON_USERSPACE;
	if (binding)
		r.before = *binding;
	write_rec(d, &r);
}
