// SPDX-License-Identifier: GPL-2.0
/*
 * jd_apply (userspace/jumpd/session.c) tells the kernel first: when the
 * kernel refuses BINDING_SET or SESSION_SET, jumpd's state machine, its
 * binding and the audit log stay where the kernel's are. session.c is
 * linked here against fakes of the kernel layer (kernel.h) and of the
 * daemon's logging and persistence, which count what they were asked.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "jumpd.h"
#include "tap.h"

/* What the fakes refuse, and what they saw. */
static int refuse_binding_set, refuse_set_state;
static int binding_sets, state_sets, audits, saves, deletes;
static uint8_t kernel_state;
static struct jp_binding kernel_binding;
static uint64_t now_ms = 1000;

const char *jk_error(const struct jd_kernel *k)
{
	(void)k;
	return "refused by the test";
}

int jk_binding_set(struct jd_kernel *k, uint32_t id,
		   const struct jp_binding *remote,
		   const struct jp_binding *local, uint16_t reason)
{
	(void)k; (void)id; (void)local; (void)reason;
	binding_sets++;
	if (refuse_binding_set)
		return -1;
	kernel_binding = *remote;
	return 0;
}

int jk_session_set_state(struct jd_kernel *k, uint32_t id, uint8_t state,
			 uint16_t reason)
{
	(void)k; (void)id; (void)reason;
	state_sets++;
	if (refuse_set_state)
		return -1;
	kernel_state = state;
	return 0;
}

int jk_session_del(struct jd_kernel *k, uint32_t id)
{
	(void)k; (void)id;
	deletes++;
	return 0;
}

int jk_session_new(struct jd_kernel *k, const struct jk_session_new *s)
{
	(void)k; (void)s;
	return 0;
}

int jk_key_new(struct jd_kernel *k, uint32_t id, uint8_t slot, uint8_t key_id,
	       const uint8_t enc[32], const uint8_t dec[32],
	       uint32_t reject_after_ms)
{
	(void)k; (void)id; (void)slot; (void)key_id; (void)enc; (void)dec;
	(void)reject_after_ms;
	return 0;
}

int jk_session_set_keepalive(struct jd_kernel *k, uint32_t id, uint32_t ms)
{
	(void)k; (void)id; (void)ms;
	return 0;
}

void jd_cluster_session_started(struct jd *d, struct jd_peer *p)
{
	(void)d; (void)p;
}

void jd_cluster_session_changed(struct jd *d, struct jd_peer *p)
{
	(void)d; (void)p;
}

void jd_cluster_session_ended(struct jd *d, uint32_t local_id)
{
	(void)d; (void)local_id;
}

uint64_t jd_now_ms(void)
{
	return now_ms;
}

void jd_log(const char *fmt, ...)
{
	va_list ap;

	printf("# jumpd: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void jd_debug(const struct jd *d, const char *fmt, ...)
{
	(void)d; (void)fmt;
}

void jd_audit_transition(struct jd *d, const struct jd_peer *p,
			 const struct jp_transition *tr)
{
	(void)d; (void)p; (void)tr;
	audits++;
}

void jd_persist_save(struct jd *d, const struct jd_peer *p)
{
	(void)d; (void)p;
	saves++;
}

void jd_persist_remove(struct jd *d, uint32_t local_id)
{
	(void)d; (void)local_id;
}

void jd_reattach_reset(struct jd_peer *p)
{
	(void)p;
}

uint32_t jd_silence_default_ms(const struct jd_peer *p)
{
	(void)p;
	return 0;
}

void jd_index_id(struct jd *d, uint32_t id, struct jd_peer *p)
{
	(void)d; (void)id; (void)p;
}

void jd_index_id_del(struct jd *d, uint32_t id, struct jd_peer *p)
{
	(void)d; (void)id; (void)p;
}

void jd_mp_session_start(struct jd_peer *p)
{
	(void)p;
}

static struct jd_path path_to(uint8_t last)
{
	struct jd_path path = { 0 };

	path.remote.family = AF_INET;
	path.remote.port = 51820;
	memcpy(path.remote.addr, (uint8_t[]){ 192, 0, 2, last }, 4);
	return path;
}

/* A peer attached on 192.0.2.1, then moving (RECOVERING). */
static void recovering_peer(struct jd_peer *p)
{
	struct jd_path first = path_to(1);

	memset(p, 0, sizeof(*p));
	strcpy(p->conf.name, "laptop");
	p->has_session = true;
	p->local_id = 7;
	p->initiator = true;
	jp_fsm_init(&p->fsm, now_ms);
	jp_state_apply_bind(&p->fsm, JP_EV_HANDSHAKE_DONE, &first.remote,
			    now_ms);
	jp_state_apply(&p->fsm, JP_EV_REATTACH_REQUESTED, now_ms);
	p->cur = first;
	kernel_binding = first.remote;
	kernel_state = JUMPING_STATE_RECOVERING;
	p->last_rx_ms = 5;
}

static void reset_counts(void)
{
	refuse_binding_set = refuse_set_state = 0;
	binding_sets = state_sets = audits = saves = deletes = 0;
}

static bool same_binding(const struct jp_binding *a,
			 const struct jp_binding *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static void binding_set_refused(void)
{
	struct jd d = { 0 };
	struct jd_peer p;
	struct jd_path first = path_to(1), next = path_to(2);
	struct jp_fsm before;

	reset_counts();
	recovering_peer(&p);
	before = p.fsm;
	refuse_binding_set = 1;
	ok(!jd_apply(&d, &p, JP_EV_PATH_VALIDATED, &next),
	   "refused BINDING_SET: the move is not applied");
	ok(binding_sets == 1, "refused BINDING_SET: the kernel was asked first");
	ok(p.fsm.state == JUMPING_STATE_RECOVERING,
	   "refused BINDING_SET: still RECOVERING");
	ok(!memcmp(&p.fsm, &before, sizeof(before)),
	   "refused BINDING_SET: the state machine is untouched");
	ok(same_binding(&p.cur.remote, &first.remote) &&
	   same_binding(&p.fsm.binding, &first.remote),
	   "refused BINDING_SET: jumpd's binding is the kernel's");
	ok(p.last_rx_ms == 5, "refused BINDING_SET: rx time not refreshed");
	ok(state_sets == 0 && audits == 0 && saves == 0,
	   "refused BINDING_SET: no SESSION_SET, no audit line, nothing saved");
}

static void set_state_refused(void)
{
	struct jd d = { 0 };
	struct jd_peer p;
	struct jd_path next = path_to(2);

	reset_counts();
	recovering_peer(&p);
	refuse_set_state = 1;
	ok(!jd_apply(&d, &p, JP_EV_PATH_VALIDATED, &next),
	   "refused SESSION_SET: the move is not applied");
	ok(p.fsm.state == JUMPING_STATE_RECOVERING &&
	   kernel_state == JUMPING_STATE_RECOVERING,
	   "refused SESSION_SET: jumpd and the kernel both still RECOVERING");
	ok(audits == 0 && saves == 0,
	   "refused SESSION_SET: no audit line, nothing saved");
}

static void accepted(void)
{
	struct jd d = { 0 };
	struct jd_peer p;
	struct jd_path next = path_to(2);

	reset_counts();
	recovering_peer(&p);
	ok(jd_apply(&d, &p, JP_EV_PATH_VALIDATED, &next),
	   "accepted: the move is applied");
	ok(p.fsm.state == JUMPING_STATE_ATTACHED &&
	   kernel_state == JUMPING_STATE_ATTACHED,
	   "accepted: jumpd and the kernel both ATTACHED");
	ok(same_binding(&p.cur.remote, &next.remote) &&
	   same_binding(&kernel_binding, &next.remote),
	   "accepted: jumpd's binding is the kernel's new one");
	ok(audits == 1 && saves == 1, "accepted: one audit line, saved once");
}

/* A refused non-binding transition (SESSION_SET) leaves the state too. */
static void silence_refused(void)
{
	struct jd d = { 0 };
	struct jd_peer p;
	struct jd_path first = path_to(1);

	reset_counts();
	memset(&p, 0, sizeof(p));
	strcpy(p.conf.name, "laptop");
	p.has_session = true;
	jp_fsm_init(&p.fsm, now_ms);
	jp_state_apply_bind(&p.fsm, JP_EV_HANDSHAKE_DONE, &first.remote,
			    now_ms);
	refuse_set_state = 1;
	ok(!jd_apply(&d, &p, JP_EV_RX_SILENCE, NULL),
	   "refused SESSION_SET on silence: not applied");
	ok(p.fsm.state == JUMPING_STATE_ATTACHED,
	   "refused SESSION_SET on silence: still ATTACHED, to be tried again");
	ok(deletes == 0, "refused SESSION_SET on silence: nothing deleted");
}

int main(void)
{
	binding_set_refused();
	set_state_refused();
	accepted();
	silence_refused();
	return tap_done();
}
