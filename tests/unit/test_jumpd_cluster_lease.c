// SPDX-License-Identifier: GPL-2.0
/*
 * The fencing clock of an etcd lease (cluster_lease.h): the gateway serves
 * until the send time of the newest successful renewal + TTL - margin, to
 * the ms; answers in any order never move that back; failures never move
 * it; TTL 0 is lost for good until a new lease; and over a long run with
 * etcd renewing at any moment of each round trip, the gateway never serves
 * within the margin of the lease's real expiry.
 */
#include <stdint.h>
#include <string.h>
#include "cluster_lease.h"
#include "tap.h"

/* TTL 5 s, margin 1 s, granted by a request sent at 10 s. */
#define TTL_MS		5000
#define MARGIN_MS	1000
#define T0		10000

static struct jd_lease fresh(void)
{
	struct jd_lease l;
	char err[256];

	if (jd_lease_init(&l, T0, TTL_MS, MARGIN_MS, err, sizeof(err)))
		memset(&l, 0, sizeof(l));
	return l;
}

static int same(const struct jd_lease *a, const struct jd_lease *b)
{
	return a->margin_ms == b->margin_ms && a->granted_at == b->granted_at &&
	       a->renewed_at == b->renewed_at && a->ttl_ms == b->ttl_ms &&
	       a->last_sent == b->last_sent && a->failures == b->failures &&
	       a->lost == b->lost;
}

static int state_is(const struct jd_lease *l, int64_t now,
		    enum jd_lease_state want)
{
	enum jd_lease_state got = jd_lease_state(l, now);

	if (got != want)
		printf("#   at %lld: %s, want %s\n", (long long)now,
		       jd_lease_state_name(got), jd_lease_state_name(want));
	return got == want;
}

/* One keepalive sent at sent and answered with ttl_s. */
static enum jd_lease_event renew(struct jd_lease *l, int64_t sent,
				 int64_t ttl_s)
{
	if (jd_lease_keepalive_sent(l, sent) != JD_LEASE_TAKEN)
		return JD_LEASE_INVALID;
	return jd_lease_keepalive_answered(l, sent, ttl_s);
}

static void test_grant(void)
{
	struct jd_lease l = fresh();

	ok(jd_lease_serve_until(&l) == T0 + TTL_MS - MARGIN_MS,
	   "grant: serves until its send + TTL - margin");
	ok(state_is(&l, T0, JD_LEASE_SERVING), "grant: serving at once");
	ok(state_is(&l, T0 + 3999, JD_LEASE_SERVING),
	   "grant: one ms before the deadline, serving");
	ok(state_is(&l, T0 + 4000, JD_LEASE_FENCED),
	   "grant: exactly at the deadline, fenced");
	ok(state_is(&l, T0 + 60000, JD_LEASE_FENCED),
	   "grant: long after, still fenced, not lost");
	ok(jd_lease_next_keepalive(&l, T0) == T0 + 1000,
	   "grant: first keepalive TTL / 5 after the grant was sent");
	ok(jd_lease_next_keepalive(&l, T0 + 999) == T0 + 1000,
	   "grant: not yet due one ms before");
	ok(jd_lease_next_keepalive(&l, T0 + 2500) == T0 + 2500,
	   "grant: an overdue keepalive is due now");
}

static void test_send_time(void)
{
	struct jd_lease l = fresh();

	ok(jd_lease_keepalive_sent(&l, 11000) == JD_LEASE_TAKEN &&
	   jd_lease_next_keepalive(&l, 11000) == 12000,
	   "send: the next one TTL / 5 after it");
	/* Answered 2.5 s later: the round trip is not the lease's. */
	ok(jd_lease_keepalive_answered(&l, 11000, 5) == JD_LEASE_TAKEN,
	   "answered: taken");
	ok(jd_lease_serve_until(&l) == 11000 + TTL_MS - MARGIN_MS,
	   "answered: deadline from the send, not the answer");
	ok(state_is(&l, 14999, JD_LEASE_SERVING) &&
	   state_is(&l, 15000, JD_LEASE_FENCED),
	   "answered: serving to 14999, fenced at 15000");

	/* A TTL other than the grant's counts from its renewal on. */
	ok(renew(&l, 12000, 10) == JD_LEASE_TAKEN &&
	   jd_lease_serve_until(&l) == 12000 + 10000 - MARGIN_MS,
	   "answered TTL 10 s: deadline from that TTL");
	ok(jd_lease_next_keepalive(&l, 12000) == 14000,
	   "answered TTL 10 s: keepalives every 2 s");

	/* etcd answering a TTL within the margin gives nothing to serve. */
	ok(renew(&l, 13000, 1) == JD_LEASE_TAKEN &&
	   jd_lease_serve_until(&l) == 13000 &&
	   state_is(&l, 13000, JD_LEASE_FENCED),
	   "answered TTL 1 s with a 1 s margin: fenced at once");
}

static void test_out_of_order(void)
{
	struct jd_lease l = fresh();

	jd_lease_keepalive_sent(&l, 11000);
	jd_lease_keepalive_sent(&l, 12000);
	ok(jd_lease_keepalive_answered(&l, 12000, 5) == JD_LEASE_TAKEN &&
	   jd_lease_serve_until(&l) == 16000,
	   "out of order: the newer answer first, taken");
	ok(jd_lease_keepalive_answered(&l, 11000, 5) == JD_LEASE_IGNORED &&
	   jd_lease_serve_until(&l) == 16000,
	   "out of order: the older answer after it does not move it back");
	ok(jd_lease_keepalive_answered(&l, 11000, 60) == JD_LEASE_IGNORED &&
	   jd_lease_serve_until(&l) == 16000,
	   "out of order: nor does an older one with a longer TTL");
	ok(jd_lease_keepalive_answered(&l, 12000, 5) == JD_LEASE_IGNORED,
	   "the same answer twice: ignored");
	ok(jd_lease_keepalive_answered(&l, T0, 5) == JD_LEASE_IGNORED &&
	   jd_lease_serve_until(&l) == 16000,
	   "an answer sent at the grant's time: older, ignored");

	/* In order, each answer moves it forward. */
	l = fresh();
	jd_lease_keepalive_sent(&l, 11000);
	jd_lease_keepalive_sent(&l, 12000);
	ok(jd_lease_keepalive_answered(&l, 11000, 5) == JD_LEASE_TAKEN &&
	   jd_lease_serve_until(&l) == 15000 &&
	   jd_lease_keepalive_answered(&l, 12000, 5) == JD_LEASE_TAKEN &&
	   jd_lease_serve_until(&l) == 16000,
	   "in order: both taken, the deadline moves forward");
}

static void test_failures(void)
{
	struct jd_lease l = fresh();
	int64_t t;

	/* Three renewals lost in a row: survived, not a fourth. */
	for (t = 11000; t <= 13000; t += 1000) {
		jd_lease_keepalive_sent(&l, t);
		ok(jd_lease_keepalive_failed(&l, t) == JD_LEASE_TAKEN,
		   "failed: counted");
	}
	ok(l.failures == 3 && jd_lease_serve_until(&l) == 14000,
	   "three failed: counted, deadline unchanged");
	ok(state_is(&l, 13999, JD_LEASE_SERVING),
	   "three failed: still serving one ms before the deadline");
	ok(state_is(&l, 14000, JD_LEASE_FENCED),
	   "three failed: fenced at the deadline");

	/* A keepalive sent at the deadline succeeds: back to serving. */
	jd_lease_keepalive_sent(&l, 14000);
	ok(state_is(&l, 14300, JD_LEASE_FENCED),
	   "fenced while the keepalive is out");
	ok(jd_lease_keepalive_answered(&l, 14000, 5) == JD_LEASE_TAKEN &&
	   state_is(&l, 14300, JD_LEASE_SERVING) && l.failures == 0,
	   "fenced, then a renewal succeeds in time: serving again");
	ok(jd_lease_keepalive_failed(&l, 13000) == JD_LEASE_IGNORED &&
	   l.failures == 0,
	   "a failure older than the newest renewal is not counted");

	/* A success that comes too late to cover now resumes nothing. */
	l = fresh();
	jd_lease_keepalive_sent(&l, 11000);
	ok(jd_lease_keepalive_answered(&l, 11000, 5) == JD_LEASE_TAKEN &&
	   state_is(&l, 16500, JD_LEASE_FENCED),
	   "an answer whose own deadline has passed: still fenced");
}

static void test_lost(void)
{
	struct jd_lease l = fresh();
	char err[256];

	ok(renew(&l, 11000, 0) == JD_LEASE_TAKEN &&
	   state_is(&l, 11000, JD_LEASE_LOST),
	   "TTL 0: lost, although the deadline is ahead");
	ok(jd_lease_next_keepalive(&l, 11000) == JD_LEASE_NEVER,
	   "lost: no more keepalives");
	ok(renew(&l, 12000, 5) == JD_LEASE_IGNORED &&
	   state_is(&l, 12000, JD_LEASE_LOST),
	   "lost: a later success does not bring it back");
	ok(jd_lease_keepalive_failed(&l, 12000) == JD_LEASE_IGNORED &&
	   state_is(&l, 99000, JD_LEASE_LOST), "lost: sticky");

	/* TTL 0 for an older request than the newest success. */
	l = fresh();
	jd_lease_keepalive_sent(&l, 11000);
	renew(&l, 12000, 5);
	ok(jd_lease_keepalive_answered(&l, 11000, 0) == JD_LEASE_TAKEN &&
	   state_is(&l, 12000, JD_LEASE_LOST),
	   "TTL 0 answered out of order: lost all the same");

	/* TTL 0 while fenced: lost, not fenced. */
	l = fresh();
	ok(renew(&l, 15000, 0) == JD_LEASE_TAKEN &&
	   state_is(&l, 15000, JD_LEASE_LOST), "TTL 0 while fenced: lost");

	/* A new lease: serving again; the old lease's answers are not its. */
	jd_lease_keepalive_sent(&l, 16000);
	ok(!jd_lease_init(&l, 20000, TTL_MS, MARGIN_MS, err, sizeof(err)) &&
	   state_is(&l, 20000, JD_LEASE_SERVING) &&
	   jd_lease_serve_until(&l) == 24000 && l.failures == 0,
	   "re-init with a new lease: serving, its own deadline");
	ok(jd_lease_keepalive_answered(&l, 16000, 0) == JD_LEASE_IGNORED &&
	   state_is(&l, 20000, JD_LEASE_SERVING),
	   "re-init: the old lease's late TTL 0 is ignored");
	ok(jd_lease_keepalive_answered(&l, 16000, 5) == JD_LEASE_IGNORED &&
	   jd_lease_keepalive_failed(&l, 16000) == JD_LEASE_IGNORED &&
	   jd_lease_serve_until(&l) == 24000,
	   "re-init: nor its success or failure");
	ok(jd_lease_next_keepalive(&l, 20000) == 21000,
	   "re-init: keepalives from the new grant");
}

static void test_invalid(void)
{
	struct jd_lease l = fresh(), before;
	char err[256] = "";

	before = l;
	ok(jd_lease_init(&l, T0, 5000, 5000, err, sizeof(err)) == -1 &&
	   strstr(err, "fencing margin 5000 ms"),
	   "init: margin equal to the TTL, refused");
	ok(jd_lease_init(&l, T0, 5000, 6000, err, sizeof(err)) == -1,
	   "init: margin over the TTL, refused");
	ok(jd_lease_init(&l, T0, 5000, 4000, err, sizeof(err)) == -1 &&
	   strstr(err, "keepalive interval (1000 ms)"),
	   "init: margin leaving no keepalive before the deadline, refused");
	ok(same(&l, &before), "init refused: lease untouched");
	ok(!jd_lease_init(&l, T0, 5000, 3999, err, sizeof(err)) &&
	   state_is(&l, T0 + 1000, JD_LEASE_SERVING) &&
	   state_is(&l, T0 + 1001, JD_LEASE_FENCED),
	   "init: the largest margin allowed, 3999 ms");
	ok(jd_lease_init(&l, T0, 5000, -1, err, sizeof(err)) == -1 &&
	   strstr(err, "negative"), "init: negative margin, refused");
	ok(!jd_lease_init(&l, T0, 5000, 0, err, sizeof(err)) &&
	   jd_lease_serve_until(&l) == T0 + 5000,
	   "init: no margin is allowed");
	ok(jd_lease_init(&l, T0, 0, 0, err, sizeof(err)) == -1 &&
	   strstr(err, "lease TTL 0 ms"), "init: TTL 0, refused");
	ok(jd_lease_init(&l, T0, 4, 0, err, sizeof(err)) == -1,
	   "init: TTL shorter than five keepalives' ms, refused");
	ok(jd_lease_init(&l, T0, JD_LEASE_TTL_MAX_S * 1000 + 1, 0, err,
			 sizeof(err)) == -1,
	   "init: TTL over etcd's maximum, refused");
	ok(jd_lease_init(&l, -1, TTL_MS, MARGIN_MS, err, sizeof(err)) == -1 &&
	   strstr(err, "granted at -1"), "init: a negative time, refused");
	ok(jd_lease_init(&l, JD_LEASE_TIME_MAX + 1, TTL_MS, MARGIN_MS, err,
			 sizeof(err)) == -1, "init: a time too large, refused");

	l = fresh();
	jd_lease_keepalive_sent(&l, 12000);
	before = l;
	ok(jd_lease_keepalive_sent(&l, 11999) == JD_LEASE_INVALID,
	   "sent: time going back, refused");
	ok(jd_lease_keepalive_answered(&l, 12001, 5) == JD_LEASE_INVALID,
	   "answered: for a request not yet sent, refused");
	ok(jd_lease_keepalive_answered(&l, 12000, -1) == JD_LEASE_INVALID,
	   "answered: negative TTL, refused");
	ok(jd_lease_keepalive_answered(&l, 12000, JD_LEASE_TTL_MAX_S + 1) ==
	   JD_LEASE_INVALID, "answered: TTL over etcd's maximum, refused");
	ok(jd_lease_keepalive_answered(&l, -5, 5) == JD_LEASE_INVALID,
	   "answered: negative send time, refused");
	ok(jd_lease_keepalive_failed(&l, 12001) == JD_LEASE_INVALID,
	   "failed: for a request not yet sent, refused");
	ok(same(&l, &before), "refused events change nothing");
	ok(jd_lease_keepalive_sent(&l, 12000) == JD_LEASE_TAKEN,
	   "sent: twice in one ms is fine");
}

/*
 * A long run: keepalives every TTL / 5, round trips of 0 to 3 s, a quarter
 * of them lost, answers out of order, and etcd renewing at any moment
 * between send and answer, or answering TTL 0 once the lease expired (then
 * a new lease is granted). Whenever the clock says serving, the real
 * expiry of the lease is more than the margin away.
 */
static uint32_t rng_state = 12345;

static uint32_t rng(uint32_t n)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 8) % n;
}

struct pending {
	int64_t sent, answer_at, renew_at;
	int lease;		/* which lease it renews */
	bool lost, used;
};

static void test_never_serves_past_expiry(void)
{
	struct pending q[8];
	struct jd_lease l = fresh();
	int64_t now, expiry = T0 + TTL_MS, serving_ms = 0, fenced_ms = 0;
	int unsafe = 0, stale_taken = 0, lease = 0, i;
	char err[256];

	memset(q, 0, sizeof(q));
	for (now = T0; now < T0 + 600000; now++) {
		/* A lost lease is replaced: etcd renews the grant at once. */
		if (jd_lease_state(&l, now) == JD_LEASE_LOST) {
			jd_lease_init(&l, now, TTL_MS, MARGIN_MS, err,
				      sizeof(err));
			expiry = now + TTL_MS;
			lease++;
		}
		if (now >= jd_lease_next_keepalive(&l, now)) {
			for (i = 0; i < 8 && q[i].used; i++)
				;
			if (i < 8) {
				jd_lease_keepalive_sent(&l, now);
				q[i] = (struct pending){
					.sent = now, .used = true,
					.lease = lease,
					.answer_at = now + rng(3000),
					.lost = rng(4) == 0,
				};
				q[i].renew_at = now +
					rng((uint32_t)(q[i].answer_at - now + 1));
			}
		}
		for (i = 0; i < 8; i++) {
			if (!q[i].used || q[i].answer_at != now)
				continue;
			q[i].used = false;
			if (q[i].lease != lease)	/* that lease is gone */
				stale_taken += jd_lease_keepalive_answered(&l,
					q[i].sent, 0) != JD_LEASE_IGNORED;
			else if (q[i].lost)
				jd_lease_keepalive_failed(&l, q[i].sent);
			else if (q[i].renew_at >= expiry)
				jd_lease_keepalive_answered(&l, q[i].sent, 0);
			else {
				if (q[i].renew_at + TTL_MS > expiry)
					expiry = q[i].renew_at + TTL_MS;
				jd_lease_keepalive_answered(&l, q[i].sent, 5);
			}
		}
		if (jd_lease_state(&l, now) == JD_LEASE_SERVING) {
			serving_ms++;
			unsafe += now + MARGIN_MS >= expiry;
		} else {
			fenced_ms++;
		}
	}
	ok(!unsafe, "long run: never serving within the margin of expiry");
	ok(serving_ms > 0 && fenced_ms > 0 && lease > 0,
	   "long run: serving, fenced and lost leases were all seen");
	ok(!stale_taken, "long run: no answer of a replaced lease was taken");
	printf("# long run: serving %lld ms, not serving %lld ms, %d leases "
	       "lost\n", (long long)serving_ms, (long long)fenced_ms, lease);
}

int main(void)
{
	test_grant();
	test_send_time();
	test_out_of_order();
	test_failures();
	test_lost();
	test_invalid();
	test_never_serves_past_expiry();
	return tap_done();
}
