/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether a gateway takes over a session it does not know, on a REATTACH
 * REQUEST for its id (docs/cluster.md, "Takeover", steps 1 and 2). Pure:
 * the caller gathers the facts (the owner key, the state record opened
 * under the cluster key, the REQUEST verified under the record's REATTACH
 * key); this says what they mean, in the document's order:
 *
 *  1. the owner key exists (its lease lives)      refused: owner alive
 *  2. the record: absent, does not open, older than a version this gateway
 *     saw, or names a peer not in its config       refused
 *     the REQUEST's MAC under the record's key     refused: bad proof
 *     its counter above the record's floor         refused: replayed
 *     then the create transaction                  TRY_CREATE
 *  (second call) the create won                    TAKE; lost: refused
 *
 * The owner comes first: while its lease lives the session is its own,
 * whatever the REQUEST holds. The proof comes before the counter, which
 * means nothing until the MAC over it is verified: a forgery is reported
 * as one, not as a replay. Everything comes before the create, so that a
 * stranger who knows a session id cannot make a gateway take it. TAKE is followed by
 * path validation and the takeover rekey (step 3), not done here.
 */
#ifndef JUMPD_CLUSTER_TAKEOVER_H
#define JUMPD_CLUSTER_TAKEOVER_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/jumping.h>

/* A node name is cut to this in a detail. */
#define JD_TAKEOVER_NODE_SHOWN		63
#define JD_TAKEOVER_DETAIL_LEN		96

enum jd_takeover_decision {
	JD_TAKEOVER_REFUSE,
	JD_TAKEOVER_TRY_CREATE,	/* every check passed: run the create txn */
	JD_TAKEOVER_TAKE,	/* the create won: this gateway owns it */
};

enum jd_takeover_record {
	JD_TAKEOVER_RECORD_ABSENT,	/* no state key */
	JD_TAKEOVER_RECORD_UNOPENED,	/* does not open under the cluster key */
	JD_TAKEOVER_RECORD_OPENED,
};

/* What the caller found; the fields after record only if it opened. */
struct jd_takeover_facts {
	bool owner_present;		/* the owner key exists */
	const char *owner_node;		/* its node name; NULL: unreadable */
	enum jd_takeover_record record;
	/* Open with min_version 0 and pass the version here, so that an
	 * old record is told apart from one that does not open. */
	uint64_t record_version;
	uint64_t seen_version;		/* highest this gateway saw; 0 none */
	bool peer_known;		/* the record's peer is in the config */
	/*
	 * No REQUEST: the owner key went with its lease (the watch), and
	 * this gateway offers to take the session before the client asks.
	 * Nothing to prove: the session moves only to an address that
	 * answers its CHALLENGE, as ever.
	 */
	bool orphan;
	bool proof_valid;		/* MAC under the record's REATTACH key */
	uint64_t request_counter;
	uint64_t counter_floor;		/* highest REATTACH counter accepted */
};

struct jd_takeover_verdict {
	enum jd_takeover_decision decision;
	/* JUMPING_REASON_TAKEOVER_REFUSED or _GATEWAY_TAKEOVER, or
	 * JUMPING_REASON_NONE while TRY_CREATE (nothing to log yet), and
	 * what the audit line says about it, e.g. "bad proof". */
	enum jumping_reason reason;
	char detail[JD_TAKEOVER_DETAIL_LEN];
};

/* Steps 1 and 2: JD_TAKEOVER_REFUSE or JD_TAKEOVER_TRY_CREATE, into v. */
enum jd_takeover_decision jd_takeover_decide(const struct jd_takeover_facts *f,
					     struct jd_takeover_verdict *v);

/*
 * The create transaction's outcome, after v said TRY_CREATE (run it only
 * then): won, TAKE; lost, REFUSE naming holder (the node name its failure
 * branch read; NULL if none). Any other v is returned unchanged: nothing
 * but TRY_CREATE leads to TAKE.
 */
enum jd_takeover_decision jd_takeover_created(struct jd_takeover_verdict *v,
					      bool won, const char *holder);

const char *jd_takeover_decision_name(enum jd_takeover_decision d);

#endif /* JUMPD_CLUSTER_TAKEOVER_H */
