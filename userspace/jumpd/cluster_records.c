// SPDX-License-Identifier: GPL-2.0
/*
 * The sessions of a cluster gateway in etcd (cluster.h): the owner key a
 * create claims, the sealed state record written on change with its
 * version counting up, and what their outcomes tell the hooks.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "cluster_internal.h"
#include "etcd.h"

int jd_cluster_session_key(char *buf, size_t len, const char *cluster,
			   uint32_t session, const char *leaf)
{
	int n = snprintf(buf, len, "/jumping/%s/sessions/%08" PRIx32 "/%s",
			 cluster, session, leaf);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* --- record versions ------------------------------------------------ */

/* The index of session in the sorted table, or where it would go. */
static size_t version_slot(const struct jd_cluster *c, uint32_t session)
{
	size_t lo = 0, hi = c->n_versions, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->versions[mid].session < session)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint64_t jd_cluster_version(const struct jd_cluster *c, uint32_t session)
{
	size_t i = version_slot(c, session);

	return i < c->n_versions && c->versions[i].session == session ?
	       c->versions[i].version : 0;
}

int jd_cluster_set_version(struct jd_cluster *c, uint32_t session,
			   uint64_t version)
{
	size_t i = version_slot(c, session), cap;
	struct session_version *v;

	if (i < c->n_versions && c->versions[i].session == session) {
		c->versions[i].version = version;
		return 0;
	}
	if (c->n_versions == c->cap_versions) {
		cap = c->cap_versions ? c->cap_versions * 2 : 16;
		v = realloc(c->versions, cap * sizeof(*v));
		if (!v)
			return -1;
		c->versions = v;
		c->cap_versions = cap;
	}
	memmove(&c->versions[i + 1], &c->versions[i],
		(c->n_versions - i) * sizeof(*c->versions));
	c->versions[i] = (struct session_version){ session, version };
	c->n_versions++;
	return 0;
}

/* --- requests ------------------------------------------------------- */

struct jd_cw_job *jd_cluster_sealed_job(const struct jd_cluster *c,
					enum jd_cw_kind kind, const char *key,
					const char *guard, const void *plain,
					size_t len, uint64_t version)
{
	struct jd_cw_job *j;
	uint8_t *rec;

	if (len > JD_SEALED_MAX_PLAIN)
		return NULL;
	rec = malloc(len + JD_SEALED_OVERHEAD);
	if (!rec)
		return NULL;
	if (jd_seal(rec, plain, len, key, version, c->key)) {
		free(rec);
		return NULL;
	}
	j = jd_cw_job_new(kind, key, guard, NULL, 0);
	if (j) {
		j->value = rec;
		j->value_len = len + JD_SEALED_OVERHEAD;
	} else {
		free(rec);
	}
	return j;
}

int jd_cluster_create(struct jd_cluster *c, uint32_t session)
{
	char key[JD_CW_KEY_MAX];
	struct jd_cw_job *j;

	if (c->state != JD_CLUSTER_SERVING ||
	    jd_cluster_session_key(key, sizeof(key), c->cluster, session,
				   "owner"))
		return -1;
	/* Only ever created absent, so it is the key's first write. */
	j = jd_cluster_sealed_job(c, JD_CW_CREATE, key, NULL, c->node,
				  strlen(c->node), 1);
	if (!j)
		return -1;
	j->lease = c->lease_id;
	j->session = session;
	jd_cw_submit(c->record_lane, j);
	return 0;
}

int jd_cluster_write(struct jd_cluster *c, uint32_t session,
		     const void *plain, size_t len)
{
	char key[JD_CW_KEY_MAX], guard[JD_CW_KEY_MAX];
	uint64_t version = jd_cluster_version(c, session) + 1;
	struct jd_cw_job *j;

	if (c->state != JD_CLUSTER_SERVING || version == 0 ||
	    jd_cluster_session_key(key, sizeof(key), c->cluster, session,
				   "state") ||
	    jd_cluster_session_key(guard, sizeof(guard), c->cluster, session,
				   "owner"))
		return -1;
	j = jd_cluster_sealed_job(c, JD_CW_PUT_IF_LEASE, key, guard, plain,
				  len, version);
	if (!j)
		return -1;
	if (jd_cluster_set_version(c, session, version)) {
		jd_cw_job_free(j);
		return -1;
	}
	j->lease = c->lease_id;
	j->session = session;
	j->version = version;
	jd_cw_submit(c->record_lane, j);
	return 0;
}

/* Drop session from the version table. */
static void forget_version(struct jd_cluster *c, uint32_t session)
{
	size_t i = version_slot(c, session);

	if (i < c->n_versions && c->versions[i].session == session) {
		memmove(&c->versions[i], &c->versions[i + 1],
			(c->n_versions - i - 1) * sizeof(*c->versions));
		c->n_versions--;
	}
}

int jd_cluster_release(struct jd_cluster *c, uint32_t session)
{
	char key[JD_CW_KEY_MAX], guard[JD_CW_KEY_MAX];
	struct jd_cw_job *j;

	if (c->state != JD_CLUSTER_SERVING ||
	    jd_cluster_session_key(key, sizeof(key), c->cluster, session,
				   "state") ||
	    jd_cluster_session_key(guard, sizeof(guard), c->cluster, session,
				   "owner"))
		return -1;
	j = jd_cw_job_new(JD_CW_DELETE_IF_LEASE, key, guard, NULL, 0);
	if (!j)
		return -1;
	j->lease = c->lease_id;
	j->session = session;
	forget_version(c, session);
	jd_cw_submit(c->record_lane, j);
	return 0;
}

int jd_cluster_lookup(struct jd_cluster *c, uint32_t session)
{
	char prefix[JD_CW_KEY_MAX];
	struct jd_cw_job *j;

	/* The session's own keys: "<id>/", not every id starting so. */
	if (c->state != JD_CLUSTER_SERVING ||
	    jd_cluster_session_key(prefix, sizeof(prefix), c->cluster,
				   session, ""))
		return -1;
	j = jd_cw_job_new(JD_CW_READ_SESSION, prefix, NULL, NULL, 0);
	if (!j)
		return -1;
	j->session = session;
	jd_cw_submit(c->record_lane, j);
	return 0;
}

/* --- results -------------------------------------------------------- */
/* The owner's node name from an owner key's value (sealed under
 * etcd_key), into name; NULL if there is none or it does not open. */
static const char *open_owner(const struct jd_cluster *c, const uint8_t *value,
			      size_t len, const char *etcd_key, char *name,
			      size_t size)
{
	uint8_t plain[JP_CONF_NAME_MAX + JD_SEALED_OVERHEAD];
	uint64_t version;
	size_t plain_len;
	char err[128];

	if (!value || len < JD_SEALED_OVERHEAD ||
	    len - JD_SEALED_OVERHEAD >= size ||
	    len - JD_SEALED_OVERHEAD >= sizeof(plain) ||
	    jd_sealed_open(plain, &plain_len, &version, value, len, etcd_key,
			   0, c->key, err, sizeof(err)))
		return NULL;
	memcpy(name, plain, plain_len);
	name[plain_len] = '\0';
	return name;
}

void jd_cluster_create_done(struct jd_cluster *c, struct jd_cw_job *j)
{
	char holder[JP_CONF_NAME_MAX];

	if (!c->hooks.created)
		return;
	if (j->status != ETCD_OK) {
		c->hooks.created(c->hooks.ctx, j->session, JD_CLUSTER_FAILED,
				 NULL, j->error);
	} else if (!j->done) {
		c->hooks.created(c->hooks.ctx, j->session, JD_CLUSTER_REFUSED,
				 open_owner(c, j->holder, j->holder_len,
					    j->key, holder, sizeof(holder)),
				 NULL);
	} else if (!c->have_lease || j->lease != c->lease_id) {
		/* Created under a lease gone since: the key went with it. */
		c->hooks.created(c->hooks.ctx, j->session, JD_CLUSTER_FAILED,
				 NULL, "created under a lease lost since");
	} else {
		c->hooks.created(c->hooks.ctx, j->session, JD_CLUSTER_DONE,
				 NULL, NULL);
	}
}

void jd_cluster_lookup_done(struct jd_cluster *c, struct jd_cw_job *j)
{
	char owner[JP_CONF_NAME_MAX], key[JD_CW_KEY_MAX], why[128];
	struct jd_cluster_found f = { .record = JD_TAKEOVER_RECORD_ABSENT };
	uint8_t *plain = NULL;

	if (!c->hooks.looked_up)
		return;
	if (j->status != ETCD_OK) {
		c->hooks.looked_up(c->hooks.ctx, j->session,
				   JD_CLUSTER_FAILED, NULL, j->error);
		return;
	}
	f.owner_present = j->done;
	if (f.owner_present &&
	    jd_cluster_session_key(key, sizeof(key), c->cluster, j->session,
				   "owner") == 0)
		f.owner_node = open_owner(c, j->holder, j->holder_len, key,
					  owner, sizeof(owner));
	/* Also under a live owner: the taker learns whose session it is. */
	if (j->found) {
		f.record = JD_TAKEOVER_RECORD_UNOPENED;
		f.why = why;
		plain = j->found_len >= JD_SEALED_OVERHEAD &&
			j->found_len - JD_SEALED_OVERHEAD <= JD_SEALED_MAX_PLAIN ?
			malloc(j->found_len - JD_SEALED_OVERHEAD + 1) : NULL;
		if (!plain)
			snprintf(why, sizeof(why), "%s",
				 j->found_len < JD_SEALED_OVERHEAD ?
				 "too short" : "too long, or out of memory");
		else if (jd_cluster_session_key(key, sizeof(key), c->cluster,
						j->session, "state"))
			snprintf(why, sizeof(why), "no key");
		else if (jd_sealed_open(plain, &f.plain_len, &f.version,
					j->found, j->found_len, key, 0, c->key,
					why, sizeof(why)) == 0) {
			f.record = JD_TAKEOVER_RECORD_OPENED;
			f.plain = plain;
			f.why = NULL;
		}
	}
	c->hooks.looked_up(c->hooks.ctx, j->session, JD_CLUSTER_DONE, &f,
			   NULL);
	if (plain) {
		sodium_memzero(plain, j->found_len - JD_SEALED_OVERHEAD);
		free(plain);
	}
}

void jd_cluster_release_done(struct jd_cluster *c, struct jd_cw_job *j)
{
	enum jd_cluster_outcome o;

	if (!c->hooks.released)
		return;
	o = j->status != ETCD_OK ? JD_CLUSTER_FAILED :
	    j->done ? JD_CLUSTER_DONE : JD_CLUSTER_REFUSED;
	c->hooks.released(c->hooks.ctx, j->session, o,
			  o == JD_CLUSTER_FAILED ? j->error : NULL);
}

void jd_cluster_write_done(struct jd_cluster *c, struct jd_cw_job *j)
{
	enum jd_cluster_outcome o;

	if (!c->hooks.written)
		return;
	o = j->status != ETCD_OK ? JD_CLUSTER_FAILED :
	    j->done ? JD_CLUSTER_DONE : JD_CLUSTER_REFUSED;
	c->hooks.written(c->hooks.ctx, j->session, j->version, o,
			 o == JD_CLUSTER_FAILED ? j->error : NULL);
}
