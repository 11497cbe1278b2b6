// SPDX-License-Identifier: GPL-2.0
/*
 * What test_jumpd_cluster_flow.c and test_jumpd_cluster_takeover_flow.c
 * share (cluster_fakes.h says what each is for): the fakes of jumpd's
 * neighbours that cluster_flow.c, reattach_flow.c and
 * cluster_takeover_flow.c call, recording what they were asked in calls;
 * gateway A, its peers and configs; the main loop's part; and the reads
 * of etcd both programs check against.
 */
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>
#include <arpa/inet.h>
#include "cluster.h"
#include "cluster_record.h"
#include "etcd.h"
#include "jumpd.h"
#include "jumping_names.h"
#include "etcd_server.h"
#include "cluster_fakes.h"

struct jd_cluster_record got;
uint64_t got_version, want_version;

/* What the fakes saw, in order: "audit:ID:REASON", "state:ID:REASON",
 * "forget:ID:DELETE", one after another. */
char calls[4096];

static void record(const char *fmt, ...)
{
	size_t len = strlen(calls);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(calls + len, sizeof(calls) - len, fmt, ap);
	va_end(ap);
}

static void log_line(const char *what, const char *fmt, va_list ap)
{
	printf("# jumpd %s: ", what);
	vprintf(fmt, ap);
	printf("\n");
}

void jd_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("log", fmt, ap);
	va_end(ap);
}

void jd_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("warn", fmt, ap);
	va_end(ap);
}

char last_err[512];

void jd_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_err, sizeof(last_err), fmt, ap);
	va_end(ap);
	printf("# jumpd err: %s\n", last_err);
}

uint64_t jd_now_ms(void)
{
	return (uint64_t)now_ms();
}

uint64_t jd_wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

void jd_audit_transition(struct jd *gw, const struct jd_peer *p,
			 const struct jp_transition *tr)
{
	(void)gw;
	record("audit:%u:%s>%s:%s ", p->local_id, state_name(tr->old_state),
	       state_name(tr->new_state), reason_name(tr->reason));
}

int jk_session_set_state(struct jd_kernel *k, uint32_t id, uint8_t state,
			 uint16_t reason)
{
	(void)k;
	record("state:%u:%s:%s ", id, state_name(state), reason_name(reason));
	return 0;
}

/* reattach_flow.c's neighbours, as far as a REQUEST goes. */
bool jd_apply(struct jd *gw, struct jd_peer *p, enum jp_event ev,
	      const struct jd_path *nb)
{
	record("apply:%u:%s ", p->local_id, jp_event_name(ev));
	if (ev == JP_EV_REATTACH_REQUESTED || ev == JP_EV_TAKEN_OVER)
		p->fsm.state = JUMPING_STATE_RECOVERING;
	if (ev == JP_EV_PATH_VALIDATED) {
		p->fsm.state = JUMPING_STATE_ATTACHED;
		if (nb)
			p->cur = *nb;
	}
	/* As session.c's: the state file saved, the record follows. */
	jd_cluster_session_changed(gw, p);
	return true;
}

void jd_audit_event(struct jd *gw, const struct jd_peer *p, const char *event,
		    enum jumping_reason reason, const struct jp_binding *before,
		    const struct jp_binding *after)
{
	(void)gw; (void)before; (void)after;
	record("event:%u:%s:%s ", p->local_id, event, reason_name(reason));
}

void jd_audit_count(struct jd *gw, const struct jd_peer *p, const char *event,
		    enum jumping_reason reason, uint64_t count)
{
	(void)gw; (void)count;
	record("count:%u:%s:%s ", p->local_id, event, reason_name(reason));
}

void jd_audit_takeover(struct jd *gw, uint32_t session_id, const char *peer,
		       const char *event, enum jumping_reason reason,
		       const struct jp_binding *from, const char *detail)
{
	(void)from;
	record("%s:%u:%s:%s:%s:%s ", gw->cfg->cluster.node, session_id,
	       peer ? peer : "-", event, reason_name(reason), detail);
}

struct jd_peer *jd_peer_by_pub(struct jd *gw, const uint8_t pub[32])
{
	unsigned int i;

	for (i = 0; i < gw->n_peers; i++)
		if (!memcmp(gw->peers[i]->conf.public_key, pub, 32))
			return gw->peers[i];
	return NULL;
}

struct jp_mac_keys *jd_ctl_rx(const struct jd_peer *p, struct jp_mac_keys *mk)
{
	jp_ctl_ring_rx_reattach(&p->ctl, jd_now_ms(), mk);
	return mk;
}

void jd_ctl_heard(struct jd *gw, struct jd_peer *p,
		  const struct jp_mac_keys *mk)
{
	(void)gw; (void)p; (void)mk;
}

void jd_hs_on_confirm(struct jd *gw, const struct jk_event *ev)
{
	(void)gw; (void)ev;
}

void jd_hs_on_cookie(struct jd *gw, const struct jk_event *ev)
{
	(void)gw; (void)ev;
}

void jd_mover_on_control(struct jd *gw, struct jd_peer *p,
			 const struct jk_event *ev)
{
	(void)gw; (void)p; (void)ev;
}

uint64_t jd_mover_tick(struct jd *gw, struct jd_peer *p, uint64_t now)
{
	(void)gw; (void)p; (void)now;
	return UINT64_MAX;
}

void jd_probe_on_probe(struct jd *gw, struct jd_peer *p,
		       const struct jk_event *ev)
{
	(void)gw; (void)p; (void)ev;
}

void jd_probe_on_echo(struct jd *gw, struct jd_peer *p,
		      const struct jk_event *ev)
{
	(void)gw; (void)p; (void)ev;
}

void jd_touch(struct jd *gw, struct jd_peer *p)
{
	(void)gw; (void)p;
}

const char *jk_error(const struct jd_kernel *k)
{
	(void)k;
	return "fake";
}

/* What etcd held for session 100 when its last challenge went out. */
uint64_t floor_at_challenge;

int jk_packet_send(struct jd_kernel *k, const uint8_t *pkt, size_t len,
		   const struct jp_binding *remote,
		   const struct jp_binding *local)
{
	(void)k; (void)len; (void)remote; (void)local;
	record("send:%u ", pkt[1]);
	if (pkt[1] == JP_REATTACH_CHALLENGE)
		floor_at_challenge = read_record(100) == 1 ? got.reattach_floor : 0;
	return 0;
}

struct jd_peer *jd_peer_by_local_id(struct jd *gw, uint32_t id)
{
	return jd_peer_of_session(gw, id);
}

/* session.c's, as far as the cluster goes: the owner key released. */
void jd_session_forget(struct jd *gw, struct jd_peer *p, bool delete_kernel)
{
	record("forget:%u:%s ", p->local_id, delete_kernel ? "del" : "keep");
	jd_cluster_session_ended(gw, p->local_id);
	p->has_session = false;
}

/* session.c's halves of a new session: the kernel's recorded, jumpd's
 * as far as a takeover goes. */
int jd_session_kernel_new(struct jd *gw, struct jd_peer *p, uint32_t local_id,
			  uint32_t remote_id, const struct jd_path *path)
{
	(void)gw; (void)p;
	record("kernel-new:%u:%u:%s ", local_id, remote_id,
	       jp_binding_is_set(&path->remote) ? "bound" : "unbound");
	return 0;
}

void jd_session_begin(struct jd *gw, struct jd_peer *p, uint32_t local_id,
		      uint32_t remote_id, const struct jd_path *path,
		      uint8_t key_id, const struct jp_ctl_keys *ctl)
{
	(void)gw;
	p->has_session = true;
	p->local_id = local_id;
	p->remote_id = remote_id;
	jp_fsm_init(&p->fsm, jd_now_ms());
	jp_ctl_ring_init(&p->ctl, ctl);
	p->key_id = key_id;
	p->cur = *path;
	memset(&p->replay, 0, sizeof(p->replay));
	jd_reattach_reset(p);
	p->taking_over = false;
}

void jd_session_set_keepalive(struct jd *gw, struct jd_peer *p)
{
	(void)gw;
	record("keepalive:%u ", p->local_id);
}

/* hs_flow.c's: a rekey started, and an initiation answered, recorded. */
void jd_hs_start(struct jd *gw, struct jd_peer *p, bool rekey)
{
	(void)gw;
	record("hs-start:%u:%s ", p->local_id, rekey ? "rekey" : "new");
}

void jd_hs_on_init(struct jd *gw, const struct jk_event *ev)
{
	(void)gw;
	record("hs-init:%u ", ev->from.port);
}

void jd_debug(const struct jd *gw, const char *fmt, ...)
{
	(void)gw; (void)fmt;
}

struct jd_peer *jd_peer_of_session(struct jd *gw, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < gw->n_peers; i++)
		if (gw->peers[i]->local_id == id)
			return gw->peers[i];
	return NULL;
}

struct jd d;
struct jd_peer *peers[3];
struct jp_prefix allowed[3];
char tmp[256];

void make_peers(void)
{
	static const char *names[3] = { "alice", "bob", "carol" };
	unsigned int i;

	for (i = 0; i < 3; i++) {
		if (!peers[i])
			peers[i] = calloc(1, sizeof(*peers[i]));
		snprintf(peers[i]->conf.name, sizeof(peers[i]->conf.name),
			 "%s", names[i]);
		peers[i]->local_id = 100 + i;
		/* What a record holds: as session.c installs it. */
		peers[i]->remote_id = 200 + i;
		memset(peers[i]->conf.public_key, 0x10 + i, 32);
		allowed[i].addr.family = AF_INET;
		allowed[i].addr.v4.s_addr = htonl(0x0a000002 + i);
		allowed[i].len = 32;
		peers[i]->conf.allowed_ips = &allowed[i];
		peers[i]->conf.n_allowed_ips = 1;
		peers[i]->cur.remote.family = AF_INET;
		memcpy(peers[i]->cur.remote.addr, "\x7f\0\0\1", 4);
		peers[i]->cur.remote.port = (uint16_t)(40000 + i);
		peers[i]->key_id = 1;
		memset(peers[i]->last_ts, 0x30 + i, 12);
		memset(peers[i]->ctl.cur.reattach, 0xa0 + i, 32);
		memset(peers[i]->ctl.cur.confirm, 0xb0 + i, 32);
		peers[i]->ctl.has_prev = false;
		peers[i]->replay.highest = 0;
		peers[i]->replay.any = false;
		peers[i]->solicit_counter = 0;
		memset(peers[i]->cluster_record_digest, 0, 16);
		/* bob has no session */
		peers[i]->has_session = i != 1;
		jp_fsm_init(&peers[i]->fsm, (uint64_t)now_ms());
		peers[i]->fsm.state = JUMPING_STATE_ATTACHED;
	}
	d.peers = peers;
	d.n_peers = 3;
}

void write_key(const char *path, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs("kFZx1oN4Ra2Hq7sV3iYkz0C9eLbWd6Tj8uMpQn5rXyE=\n", f);
		fclose(f);
	}
	chmod(path, mode);
}

struct jp_config *config_of(const char *url, const char *key_file,
			     const char *node)
{
	char text[1024];
	struct jp_conf_errors e;
	struct jp_config *c;

	snprintf(text, sizeof(text),
		 "[Interface]\nPrivateKey = kFZx1oN4Ra2Hq7sV3iYkz0C9eLbWd6Tj8uMpQn5rXyE=\n"
		 "[Cluster]\nEtcdEndpoints = %s\nClusterName = t\n"
		 "NodeName = %s\nClusterKeyFile = %s\nLeaseTTL = 2s\n"
		 "FencingMargin = 500ms\n"
		 /* No watch: a test calls jd_cluster_takeover_orphan. */
		 "Takeover = on-reattach\n"
		 "[Peer]\nPublicKey = AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI=\n"
		 "AllowedIPs = 10.0.0.2/32\n", url, node, key_file);
	c = jp_config_parse_buf(text, strlen(text), "gw.conf", &e);
	if (!c)
		printf("# %s\n", e.n ? e.msg[0] : "out of memory");
	return c;
}

struct jp_config *config(const char *url, const char *key_file)
{
	return config_of(url, key_file, "gw-a");
}

bool serving(void)
{
	return jd_cluster_may_serve(&d);
}

/* The gateways the loop runs: d, and the takers of test_takeover. */
struct jd *gws[3] = { &d };
unsigned int n_gws = 1;

/* Each gateway's tick, the earliest deadline of them. */
static uint64_t tick_all(void)
{
	uint64_t next = UINT64_MAX, t;
	unsigned int i;

	for (i = 0; i < n_gws; i++) {
		t = jd_cluster_tick(gws[i], (uint64_t)now_ms());
		if (t < next)
			next = t;
	}
	return next;
}

/* The main loop's part: poll the fds, tick at the time asked for. */
bool loop_until(bool (*cond)(void), long deadline_ms)
{
	long long end = now_ms() + deadline_ms, now;
	uint64_t next = tick_all();
	struct pollfd p[3];
	unsigned int i;
	long wait;

	while (!cond()) {
		now = now_ms();
		if (now >= end)
			return false;
		wait = (long)next > now ? (long)((long long)next - now) : 0;
		if (wait > end - now)
			wait = (long)(end - now);
		for (i = 0; i < n_gws; i++)
			p[i] = (struct pollfd){ .fd = jd_cluster_pollfd(gws[i]),
						.events = POLLIN };
		poll(p, n_gws, (int)wait);
		next = tick_all();
	}
	return true;
}

struct etcd_client *etcd_cl;

/* The owner key of session id: 1 under lease, 0 absent, -1 other. */
int owner_key(uint32_t id, int64_t lease)
{
	char key[128];
	struct etcd_kvs r;
	int ret = -1;

	snprintf(key, sizeof(key), "/jumping/t/sessions/%08x/owner", id);
	if (etcd_get(etcd_cl, key, false, &r) != ETCD_OK)
		return -1;
	if (r.n == 0)
		ret = 0;
	else if (r.kv[0].lease == lease)
		ret = 1;
	etcd_kvs_free(&r);
	return ret;
}

bool alice_owned(void)
{
	return owner_key(100, jd_cluster_lease_id(d.cluster)) == 1;
}

/* The cluster key of write_key's file. */
uint8_t cluster_key[32];

/*
 * Session id's record in etcd, opened under the cluster key and read into
 * got: 1; absent: 0; there but not opening or not reading: -1 (said).
 */
int read_record(uint32_t id)
{
	uint8_t plain[JD_RECORD_MAX_LEN + 64];
	char key[128], err[200];
	struct etcd_kvs r;
	size_t len;
	int ret = -1;

	snprintf(key, sizeof(key), "/jumping/t/sessions/%08x/state", id);
	if (etcd_get(etcd_cl, key, false, &r) != ETCD_OK)
		return -1;
	if (r.n == 0) {
		ret = 0;
	} else if (r.kv[0].value_len > sizeof(plain) + JD_SEALED_OVERHEAD ||
		   jd_sealed_open(plain, &len, &got_version, r.kv[0].value,
				  r.kv[0].value_len, key, 0, cluster_key,
				  err, sizeof(err)) ||
		   jd_cluster_record_decode(&got, plain, len, err,
					    sizeof(err))) {
		printf("# %s: %s\n", key, err);
	} else {
		ret = r.kv[0].lease == 0 ? 1 : -1;
	}
	etcd_kvs_free(&r);
	return ret;
}

/* Alice's record at want_version (or later) read into got. */
bool alice_record_at(void)
{
	return read_record(100) == 1 && got_version >= want_version;
}

/* At the end: the peers freed, the key files and tmp removed. */
void clean_up(void)
{
	char path[300];
	unsigned int i;

	for (i = 0; i < 3; i++)
		free(peers[i]);
	snprintf(path, sizeof(path), "%s/open.key", tmp);
	unlink(path);
	snprintf(path, sizeof(path), "%s/cluster.key", tmp);
	unlink(path);
	rmdir(tmp);
}
