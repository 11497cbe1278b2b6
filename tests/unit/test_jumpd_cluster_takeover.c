// SPDX-License-Identifier: GPL-2.0
/*
 * The takeover decision (cluster_takeover.h): every refusal with its audit
 * detail, each boundary (record version, counter floor), the checks in
 * docs/cluster.md's order (of any two failing, the earlier one is
 * reported), and TAKE only through TRY_CREATE and a won create.
 */
#include <stdio.h>
#include <string.h>
#include "cluster_takeover.h"
#include "jumping_names.h"
#include "tap.h"

/* Facts under which the takeover proceeds. */
static struct jd_takeover_facts good(void)
{
	return (struct jd_takeover_facts){
		.owner_present = false,
		.record = JD_TAKEOVER_RECORD_OPENED,
		.record_version = 5,
		.seen_version = 5,
		.peer_known = true,
		.proof_valid = true,
		.request_counter = 1001,
		.counter_floor = 1000,
	};
}

/* decide() on f: decision, reason and detail as wanted. */
static int decides(const struct jd_takeover_facts *f,
		   enum jd_takeover_decision want, enum jumping_reason reason,
		   const char *detail, const char *name)
{
	struct jd_takeover_verdict v;
	enum jd_takeover_decision got;
	const char *got_name;

	memset(&v, 0xa5, sizeof(v));	/* nothing left from before */
	got = jd_takeover_decide(f, &v);
	if (got != want || v.decision != want || v.reason != reason ||
	    strcmp(v.detail, detail)) {
		ok(0, name);
		got_name = reason_name(v.reason);
		printf("#   got:  %s %s \"%.*s\"\n#   want: %s %s \"%s\"\n",
		       jd_takeover_decision_name(got),
		       got_name ? got_name : "(no such reason)",
		       (int)sizeof(v.detail), v.detail,
		       jd_takeover_decision_name(want), reason_name(reason),
		       detail);
		return 0;
	}
	return ok(1, name);
}

#define REFUSED JUMPING_REASON_TAKEOVER_REFUSED
#define NONE JUMPING_REASON_NONE

static void test_each_refusal(void)
{
	struct jd_takeover_facts f;

	f = good();
	decides(&f, JD_TAKEOVER_TRY_CREATE, NONE, "",
		"all checks pass: try the create, nothing to log yet");

	f = good();
	f.owner_present = true;
	f.owner_node = "gw-a";
	decides(&f, JD_TAKEOVER_REFUSE, REFUSED, "owner alive: gw-a",
		"owner present: refused, naming it");
	f.owner_node = NULL;
	decides(&f, JD_TAKEOVER_REFUSE, REFUSED, "owner alive",
		"owner present, its name unreadable: refused all the same");
	f.owner_node = "";
	decides(&f, JD_TAKEOVER_REFUSE, REFUSED, "owner alive",
		"owner present, an empty name: refused all the same");

	f = good();
	f.record = JD_TAKEOVER_RECORD_ABSENT;
	decides(&f, JD_TAKEOVER_REFUSE, REFUSED, "no record",
		"no state record: refused");
	f.record = JD_TAKEOVER_RECORD_UNOPENED;
	decides(&f, JD_TAKEOVER_REFUSE, REFUSED, "record does not open",
		"a record that does not open: refused");

	f = good();
	f.record_version = 4;
	decides(&f, JD_TAKEOVER_REFUSE, REFUSED, "record older than seen",
		"record one version older than seen: refused");
	f.record_version = 5;
	decides(&f, JD_TAKEOVER_TRY_CREATE, NONE, "",
		"record of the version seen: accepted");
	f.record_version = 6;
	decides(&f, JD_TAKEOVER_TRY_CREATE, NONE, "",
		"record newer than seen: accepted");
	f.record_version = 0;
	f.seen_version = 0;
	decides(&f, JD_TAKEOVER_TRY_CREATE, NONE, "",
		"nothing seen before: any version accepted");

	f = good();
	f.peer_known = false;
	decides(&f, JD_TAKEOVER_REFUSE, REFUSED, "unknown peer",
		"a peer not in this gateway's config: refused");

	f = good();
	f.proof_valid = false;
	decides(&f, JD_TAKEOVER_REFUSE, REFUSED, "bad proof",
		"a MAC that does not verify: refused");

	f = good();
	f.request_counter = f.counter_floor;
	decides(&f, JD_TAKEOVER_REFUSE, REFUSED, "replayed counter",
		"counter equal to the floor: refused");
	f.request_counter = f.counter_floor - 1;
	decides(&f, JD_TAKEOVER_REFUSE, REFUSED, "replayed counter",
		"counter below the floor: refused");
	f.request_counter = f.counter_floor + 1;
	decides(&f, JD_TAKEOVER_TRY_CREATE, NONE, "",
		"counter one above the floor: accepted");
	f.request_counter = 0;
	f.counter_floor = 0;
	decides(&f, JD_TAKEOVER_REFUSE, REFUSED, "replayed counter",
		"counter 0 with no floor: refused (not above it)");

	/* An orphan (no REQUEST): no proof or counter to check... */
	f = good();
	f.orphan = true;
	f.proof_valid = false;
	f.request_counter = 0;
	decides(&f, JD_TAKEOVER_TRY_CREATE, NONE, "",
		"an orphan, no REQUEST: accepted without proof or counter");
	/* ...but everything before them still holds. */
	f.owner_present = true;
	f.owner_node = "gw-a";
	decides(&f, JD_TAKEOVER_REFUSE, REFUSED, "owner alive: gw-a",
		"an orphan whose owner lives: refused");
	f = good();
	f.orphan = true;
	f.peer_known = false;
	decides(&f, JD_TAKEOVER_REFUSE, REFUSED, "unknown peer",
		"an orphan of a peer not in the config: refused");
	f = good();
	f.orphan = true;
	f.record_version = f.seen_version - 1;
	decides(&f, JD_TAKEOVER_REFUSE, REFUSED, "record older than seen",
		"an orphan with an old record: refused");
}

static void test_create(void)
{
	struct jd_takeover_facts f = good();
	struct jd_takeover_verdict v;

	jd_takeover_decide(&f, &v);
	ok(jd_takeover_created(&v, true, NULL) == JD_TAKEOVER_TAKE &&
	   v.decision == JD_TAKEOVER_TAKE &&
	   v.reason == JUMPING_REASON_GATEWAY_TAKEOVER &&
	   !strcmp(v.detail, "won the create"),
	   "create won: take, gateway-takeover");
	ok(jd_takeover_created(&v, false, "gw-b") == JD_TAKEOVER_TAKE,
	   "taken: a second outcome changes nothing");

	jd_takeover_decide(&f, &v);
	ok(jd_takeover_created(&v, false, "gw-b") == JD_TAKEOVER_REFUSE &&
	   v.reason == REFUSED &&
	   !strcmp(v.detail, "lost the create to gw-b"),
	   "create lost: refused, naming the winner");
	ok(jd_takeover_created(&v, true, NULL) == JD_TAKEOVER_REFUSE &&
	   !strcmp(v.detail, "lost the create to gw-b"),
	   "create lost: a later 'won' does not turn it into a take");

	jd_takeover_decide(&f, &v);
	ok(jd_takeover_created(&v, false, NULL) == JD_TAKEOVER_REFUSE &&
	   !strcmp(v.detail, "lost the create"),
	   "create lost, the winner unknown: refused without a name");

	/* A refusal stays one: the create must not make a take of it. */
	f.proof_valid = false;
	jd_takeover_decide(&f, &v);
	ok(jd_takeover_created(&v, true, NULL) == JD_TAKEOVER_REFUSE &&
	   v.decision == JD_TAKEOVER_REFUSE &&
	   v.reason == REFUSED && !strcmp(v.detail, "bad proof"),
	   "refused, then a won create: still refused, same detail");
	f = good();
	f.request_counter = f.counter_floor;
	jd_takeover_decide(&f, &v);
	ok(jd_takeover_created(&v, true, NULL) == JD_TAKEOVER_REFUSE &&
	   !strcmp(v.detail, "replayed counter"),
	   "replayed, then a won create: still refused as replayed");
}

/*
 * The checks in order: each breaks one fact. Breaking any two reports
 * the earlier; the list is docs/cluster.md's step 1 then step 2.
 */
struct check {
	const char *detail;
	void (*fail)(struct jd_takeover_facts *f);
	int fact;	/* checks breaking the same fact are not paired */
};

static void no_owner_key(struct jd_takeover_facts *f)
{
	f->owner_present = true;
	f->owner_node = "gw-a";
}

static void no_record(struct jd_takeover_facts *f)
{
	f->record = JD_TAKEOVER_RECORD_ABSENT;
}

static void unopened(struct jd_takeover_facts *f)
{
	f->record = JD_TAKEOVER_RECORD_UNOPENED;
}

static void older(struct jd_takeover_facts *f)
{
	f->seen_version = f->record_version + 1;
}

static void stranger(struct jd_takeover_facts *f)
{
	f->peer_known = false;
}

static void forged(struct jd_takeover_facts *f)
{
	f->proof_valid = false;
}

static void replayed(struct jd_takeover_facts *f)
{
	f->request_counter = f->counter_floor;
}

static const struct check checks[] = {
	{ "owner alive: gw-a", no_owner_key, 0 },
	{ "no record", no_record, 1 },
	{ "record does not open", unopened, 1 },
	{ "record older than seen", older, 2 },
	{ "unknown peer", stranger, 3 },
	{ "bad proof", forged, 4 },
	{ "replayed counter", replayed, 5 },
};

#define N_CHECKS (sizeof(checks) / sizeof(checks[0]))

static void test_order(void)
{
	struct jd_takeover_facts f;
	struct jd_takeover_verdict v;
	size_t i, j;
	int in_order = 1, pairs = 0;

	f = good();
	f.owner_present = true;
	f.owner_node = "gw-a";
	f.proof_valid = false;
	decides(&f, JD_TAKEOVER_REFUSE, REFUSED, "owner alive: gw-a",
		"owner present and a bad proof: owner alive");

	f = good();
	f.proof_valid = false;
	f.request_counter = 1;
	decides(&f, JD_TAKEOVER_REFUSE, REFUSED, "bad proof",
		"a forgery with an old counter: bad proof, not replayed");

	f = good();
	f.record = JD_TAKEOVER_RECORD_UNOPENED;
	f.seen_version = 99;
	decides(&f, JD_TAKEOVER_REFUSE, REFUSED, "record does not open",
		"an unopened record's version is not judged");

	/* Both orders of breaking them, in case one break undoes another. */
	for (i = 0; i < N_CHECKS; i++) {
		for (j = 0; j < N_CHECKS; j++) {
			size_t first = i < j ? i : j;

			if (i != j && checks[i].fact == checks[j].fact)
				continue;
			pairs++;
			f = good();
			checks[i].fail(&f);
			checks[j].fail(&f);
			jd_takeover_decide(&f, &v);
			if (v.decision != JD_TAKEOVER_REFUSE ||
			    strcmp(v.detail, checks[first].detail)) {
				in_order = 0;
				printf("# %s and %s: \"%s\"\n",
				       checks[i].detail, checks[j].detail,
				       v.detail);
			}
		}
	}
	ok(in_order && pairs == 47,
	   "any two checks failing: the earlier one is reported");
}

static void test_names(void)
{
	struct jd_takeover_facts f = good();
	struct jd_takeover_verdict v;
	char longname[200];

	f.owner_present = true;
	f.owner_node = "gw-\n{\"x\":1}\x7f\xc3\xa9";
	decides(&f, JD_TAKEOVER_REFUSE, REFUSED,
		"owner alive: gw-?{\"x\":1}???",
		"a node name with control and non-ASCII bytes: shown as '?'");

	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	f.owner_node = longname;
	jd_takeover_decide(&f, &v);
	ok(strlen(v.detail) == strlen("owner alive: ") + JD_TAKEOVER_NODE_SHOWN,
	   "a long node name: cut to JD_TAKEOVER_NODE_SHOWN");

	f = good();
	jd_takeover_decide(&f, &v);
	jd_takeover_created(&v, false, "gw b\t");
	is_str(v.detail, "lost the create to gw?b?",
	       "the create's holder: shown the same way");

	is_str(jd_takeover_decision_name(JD_TAKEOVER_REFUSE), "refuse",
	       "decision name: refuse");
	is_str(jd_takeover_decision_name(JD_TAKEOVER_TRY_CREATE),
	       "try-create", "decision name: try-create");
	is_str(jd_takeover_decision_name(JD_TAKEOVER_TAKE), "take",
	       "decision name: take");
}

/* The cluster's audit reasons: in the uapi enum, named in the one table. */
static void test_reasons(void)
{
	static const struct {
		enum jumping_reason r;
		const char *name;
	} want[] = {
		{ JUMPING_REASON_GATEWAY_TAKEOVER, "gateway-takeover" },
		{ JUMPING_REASON_TAKEOVER_REFUSED, "takeover-refused" },
		{ JUMPING_REASON_LEASE_LOST, "lease-lost" },
		{ JUMPING_REASON_FENCED, "fenced" },
	};
	uint16_t parsed;
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *n = reason_name(want[i].r);

		ok(n && !strcmp(n, want[i].name) &&
		   !parse_reason(want[i].name, &parsed) &&
		   parsed == want[i].r, want[i].name);
	}
	/* Appended: the values before them are the kernel's, unchanged. */
	ok(JUMPING_REASON_GATEWAY_TAKEOVER == JUMPING_REASON_PATH_GONE + 1 &&
	   JUMPING_REASON_FENCED == JUMPING_REASON_MAX,
	   "the cluster's reasons are the last four values");
}

int main(void)
{
	test_each_refusal();
	test_create();
	test_order();
	test_names();
	test_reasons();
	return tap_done();
}
