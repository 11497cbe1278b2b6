// SPDX-License-Identifier: GPL-2.0
/*
 * The session record (cluster_record.h): a full record and a minimal one
 * read back as written; every truncation refused; another version
 * refused; every bounded field out of its range refused, on decode and
 * on encode; bytes after the end refused; a refusal says which field and
 * leaves nothing behind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/jumping.h>
#include <sodium.h>
#include "cluster_record.h"
#include "tap.h"

static struct jd_cluster_record rec, back;
static uint8_t buf[JD_RECORD_MAX_LEN + 16], buf2[JD_RECORD_MAX_LEN + 16];

static void full_record(struct jd_cluster_record *r)
{
	memset(r, 0, sizeof(*r));
	r->local_id = 0x0a0b0c0d;
	r->remote_id = 0x11223344;
	memset(r->peer, 0x02, 32);
	r->state = JUMPING_STATE_VOLATILE;
	r->binding.family = AF_INET6;
	memset(r->binding.addr, 0x20, 16);
	r->binding.port = 51820;
	r->key_id = 5;
	memset(r->last_ts, 0x40, 12);
	memset(r->cur.reattach, 0xa1, 32);
	memset(r->cur.confirm, 0xa2, 32);
	r->cur.initiator = false;
	r->has_next = true;
	memset(r->next.reattach, 0xb1, 32);
	memset(r->next.confirm, 0xb2, 32);
	r->next.initiator = true;
	r->swap_key_id = 6;
	r->has_prev = true;
	memset(r->prev.reattach, 0xc1, 32);
	memset(r->prev.confirm, 0xc2, 32);
	r->prev_until_wall_us = 1764870000000000ull;
	r->reattach_floor = 1764870000123456ull;
	r->reattach_floor_any = true;
	r->sent_floor = 1764870000654321ull;
	r->n_allowed = 2;
	r->allowed[0].addr.family = AF_INET;
	r->allowed[0].addr.v4.s_addr = htonl(0x0a000002);
	r->allowed[0].len = 32;
	r->allowed[1].addr.family = AF_INET6;
	memset(&r->allowed[1].addr.v6, 0xfd, 16);
	r->allowed[1].len = 64;
}

/* Field by field: a struct's padding is not to be compared. */
static int same(const struct jd_cluster_record *a,
		const struct jd_cluster_record *b)
{
	unsigned int i;

	if (a->local_id != b->local_id || a->remote_id != b->remote_id ||
	    memcmp(a->peer, b->peer, 32) || a->state != b->state ||
	    a->binding.family != b->binding.family ||
	    a->binding.port != b->binding.port ||
	    memcmp(a->binding.addr, b->binding.addr, 16) ||
	    a->key_id != b->key_id || memcmp(a->last_ts, b->last_ts, 12) ||
	    a->has_next != b->has_next || a->has_prev != b->has_prev ||
	    memcmp(a->cur.reattach, b->cur.reattach, 32) ||
	    memcmp(a->cur.confirm, b->cur.confirm, 32) ||
	    a->cur.initiator != b->cur.initiator ||
	    a->reattach_floor != b->reattach_floor ||
	    a->reattach_floor_any != b->reattach_floor_any ||
	    a->sent_floor != b->sent_floor || a->n_allowed != b->n_allowed)
		return 0;
	if (a->has_next &&
	    (memcmp(a->next.reattach, b->next.reattach, 32) ||
	     memcmp(a->next.confirm, b->next.confirm, 32) ||
	     a->next.initiator != b->next.initiator ||
	     a->swap_key_id != b->swap_key_id))
		return 0;
	if (a->has_prev &&
	    (memcmp(a->prev.reattach, b->prev.reattach, 32) ||
	     memcmp(a->prev.confirm, b->prev.confirm, 32) ||
	     a->prev.initiator != b->prev.initiator ||
	     a->prev_until_wall_us != b->prev_until_wall_us))
		return 0;
	for (i = 0; i < a->n_allowed; i++)
		if (a->allowed[i].addr.family != b->allowed[i].addr.family ||
		    a->allowed[i].len != b->allowed[i].len ||
		    memcmp(&a->allowed[i].addr.v6, &b->allowed[i].addr.v6,
			   a->allowed[i].addr.family == AF_INET ? 4 : 16))
			return 0;
	return 1;
}

static int decodes(const uint8_t *in, size_t len, char *err, size_t errlen)
{
	err[0] = '\0';
	return !jd_cluster_record_decode(&back, in, len, err, errlen);
}

static void test_round_trip(void)
{
	char err[160];
	int n;

	full_record(&rec);
	n = jd_cluster_record_encode(buf, sizeof(buf), &rec);
	ok(n > 0 && decodes(buf, (size_t)n, err, sizeof(err)) &&
	   same(&rec, &back), "a full record reads back as written");
	ok(jd_cluster_record_encode(buf2, sizeof(buf2), &back) == n &&
	   !memcmp(buf, buf2, (size_t)n), "and encodes to the same bytes");
	ok(jd_cluster_record_encode(buf2, (size_t)n - 1, &rec) == -1,
	   "a buffer one byte short: refused");

	/* No next, no prev, no binding, no AllowedIPs, an IPv4 binding. */
	full_record(&rec);
	rec.has_next = rec.has_prev = false;
	rec.n_allowed = 0;
	rec.binding.family = 0;
	memset(rec.binding.addr, 0, 16);
	rec.binding.port = 0;
	n = jd_cluster_record_encode(buf, sizeof(buf), &rec);
	ok(n == 1 + 4 + 4 + 32 + 1 + 19 + 1 + 12 + 1 + JD_RECORD_CTL_LEN +
	   8 + 1 + 8 + 2 && decodes(buf, (size_t)n, err, sizeof(err)) &&
	   same(&rec, &back) && !back.has_next && !back.has_prev,
	   "a minimal record reads back, of the minimal length");
	rec.binding.family = AF_INET;
	memcpy(rec.binding.addr, "\xc0\x00\x02\x01", 4);
	rec.binding.port = 4500;
	n = jd_cluster_record_encode(buf, sizeof(buf), &rec);
	ok(n > 0 && decodes(buf, (size_t)n, err, sizeof(err)) &&
	   same(&rec, &back) && back.binding.family == AF_INET,
	   "an IPv4 binding reads back");

	/* Every AllowedIPs a peer may have, all IPv6: the longest. */
	full_record(&rec);
	for (rec.n_allowed = 0; rec.n_allowed < JD_RECORD_MAX_ALLOWED;
	     rec.n_allowed++) {
		rec.allowed[rec.n_allowed].addr.family = AF_INET6;
		rec.allowed[rec.n_allowed].addr.v6.s6_addr[15] =
			(uint8_t)rec.n_allowed;
		rec.allowed[rec.n_allowed].len = 128;
	}
	n = jd_cluster_record_encode(buf, sizeof(buf), &rec);
	ok(n == JD_RECORD_MAX_LEN && decodes(buf, (size_t)n, err, sizeof(err)) &&
	   same(&rec, &back), "the longest record: JD_RECORD_MAX_LEN, reads back");
}

static void test_truncations(void)
{
	char err[160];
	size_t k;
	int n, refused = 0, named = 0;

	full_record(&rec);
	n = jd_cluster_record_encode(buf, sizeof(buf), &rec);
	for (k = 0; k < (size_t)n; k++) {
		if (!decodes(buf, k, err, sizeof(err)))
			refused++;
		if (strstr(err, "truncated at"))
			named++;
	}
	ok(refused == n && named == n, "every truncation refused, as truncated");
	ok(sodium_is_zero((const uint8_t *)&back, sizeof(back)),
	   "a refused record leaves nothing behind, keys included");
	buf[n] = 0;
	ok(!decodes(buf, (size_t)n + 1, err, sizeof(err)) &&
	   strstr(err, "1 bytes after its end"), "a byte after the end: refused");
}

/* The full record with byte at off set to v: refused, err naming what. */
static int refused_at(size_t off, uint8_t v, const char *what)
{
	char err[160];
	int n;

	full_record(&rec);
	n = jd_cluster_record_encode(buf, sizeof(buf), &rec);
	buf[off] = v;
	if (decodes(buf, (size_t)n, err, sizeof(err))) {
		printf("# byte %zu = %u: accepted\n", off, v);
		return 0;
	}
	if (!strstr(err, what)) {
		printf("# byte %zu = %u: \"%s\", not about %s\n", off, v, err,
		       what);
		return 0;
	}
	return 1;
}

/* Offsets in the full record (cluster_record.h). */
#define OFF_LOCAL	1
#define OFF_REMOTE	5
#define OFF_STATE	41
#define OFF_FAMILY	42
#define OFF_ADDR	45
#define OFF_KEY_ID	61
#define OFF_SETS	74
#define OFF_CUR_INIT	(75 + 64)
#define OFF_NEXT_INIT	(OFF_CUR_INIT + 65)
#define OFF_SWAP	(OFF_NEXT_INIT + 1)
#define OFF_PREV_UNTIL	(OFF_SWAP + 66)
#define OFF_FLOOR_ANY	(OFF_PREV_UNTIL + 16)
#define OFF_N_ALLOWED	(OFF_FLOOR_ANY + 9)
#define OFF_ALLOWED	(OFF_N_ALLOWED + 2)

static void test_ranges(void)
{
	char err[160];
	int n;

	ok(refused_at(0, 2, "version 2"), "version 2: refused");
	ok(refused_at(0, 0, "version 0"), "version 0: refused");
	full_record(&rec);
	n = jd_cluster_record_encode(buf, sizeof(buf), &rec);
	ok(n > 0 && buf[OFF_STATE] == JUMPING_STATE_VOLATILE &&
	   buf[OFF_FAMILY] == 6 && buf[OFF_KEY_ID] == 5 && buf[OFF_SETS] == 3 &&
	   buf[OFF_SWAP] == 6 && buf[OFF_N_ALLOWED + 1] == 2 &&
	   buf[OFF_ALLOWED] == 4 && buf[OFF_ALLOWED + 1] == 32 &&
	   (size_t)n == OFF_ALLOWED + 6 + 18,
	   "the offsets this test changes are the fields'");
	/* Both ids 0 at once: the local id is 4 bytes. */
	full_record(&rec);
	n = jd_cluster_record_encode(buf, sizeof(buf), &rec);
	memset(buf + OFF_LOCAL, 0, 4);
	ok(!decodes(buf, (size_t)n, err, sizeof(err)) &&
	   strstr(err, "session id is 0"), "local id 0: refused");
	full_record(&rec);
	n = jd_cluster_record_encode(buf, sizeof(buf), &rec);
	memset(buf + OFF_REMOTE, 0, 4);
	ok(!decodes(buf, (size_t)n, err, sizeof(err)) &&
	   strstr(err, "session id is 0"), "remote id 0: refused");
	ok(refused_at(OFF_STATE, JUMPING_STATE_TERMINATED, "state"),
	   "state TERMINATED: refused");
	ok(refused_at(OFF_STATE, 200, "state 200 out of range"),
	   "state 200: refused");
	ok(refused_at(OFF_FAMILY, 5, "binding family 5"),
	   "binding family 5: refused");
	ok(refused_at(OFF_FAMILY, 7, "binding family 7 out of range"),
	   "binding family 7: refused");
	ok(refused_at(OFF_FAMILY, 4, "IPv4 address with bytes after it"),
	   "an IPv4 binding with 16 bytes of address: refused");
	ok(refused_at(OFF_FAMILY, 0, "no binding, yet an address"),
	   "no binding but an address: refused");
	ok(refused_at(OFF_KEY_ID, 8, "key id 8 out of range"),
	   "key id 8: refused");
	ok(refused_at(OFF_SETS, 4, "key sets 4 out of range"),
	   "an unknown key set: refused");
	ok(refused_at(OFF_CUR_INIT, 2, "current keys 2 out of range"),
	   "initiator flag 2: refused");
	ok(refused_at(OFF_NEXT_INIT, 9, "next keys 9 out of range"),
	   "next keys' initiator flag 9: refused");
	ok(refused_at(OFF_SWAP, 8, "swap key id 8 out of range"),
	   "swap key id 8: refused");
	full_record(&rec);
	n = jd_cluster_record_encode(buf, sizeof(buf), &rec);
	memset(buf + OFF_PREV_UNTIL, 0, 8);
	ok(!decodes(buf, (size_t)n, err, sizeof(err)) &&
	   strstr(err, "previous keys without an end"),
	   "previous keys without an end: refused");
	ok(refused_at(OFF_FLOOR_ANY, 2, "reattach floor flag 2"),
	   "floor flag 2: refused");
	ok(refused_at(OFF_N_ALLOWED, 1, "AllowedIPs count 258 out of range"),
	   "257 and more AllowedIPs: refused");
	ok(refused_at(OFF_N_ALLOWED + 1, 3, "truncated at AllowedIPs family"),
	   "more AllowedIPs than there are: refused");
	ok(refused_at(OFF_ALLOWED, 5, "AllowedIPs 0: family 5"),
	   "AllowedIPs family 5: refused");
	ok(refused_at(OFF_ALLOWED + 1, 33, "AllowedIPs 0: length 33"),
	   "an IPv4 prefix of 33: refused");
	ok(refused_at(OFF_ALLOWED + 7, 129, "AllowedIPs 1: length 129"),
	   "an IPv6 prefix of 129: refused");
}

/* What decode refuses, encode refuses too: a record always reads back. */
static void test_encode_refuses(void)
{
	full_record(&rec);
	rec.local_id = 0;
	ok(jd_cluster_record_encode(buf, sizeof(buf), &rec) == -1,
	   "encode: local id 0 refused");
	full_record(&rec);
	rec.state = JUMPING_STATE_TERMINATED;
	ok(jd_cluster_record_encode(buf, sizeof(buf), &rec) == -1,
	   "encode: a terminated session refused");
	full_record(&rec);
	rec.key_id = 8;
	ok(jd_cluster_record_encode(buf, sizeof(buf), &rec) == -1,
	   "encode: key id 8 refused");
	full_record(&rec);
	rec.has_prev = true;
	rec.prev_until_wall_us = 0;
	ok(jd_cluster_record_encode(buf, sizeof(buf), &rec) == -1,
	   "encode: previous keys without an end refused");
	full_record(&rec);
	rec.n_allowed = JD_RECORD_MAX_ALLOWED + 1;
	ok(jd_cluster_record_encode(buf, sizeof(buf), &rec) == -1,
	   "encode: too many AllowedIPs refused");
	full_record(&rec);
	rec.allowed[0].len = 33;
	ok(jd_cluster_record_encode(buf, sizeof(buf), &rec) == -1,
	   "encode: an IPv4 prefix of 33 refused");
	full_record(&rec);
	rec.binding.family = AF_UNIX;
	ok(jd_cluster_record_encode(buf, sizeof(buf), &rec) == -1,
	   "encode: a binding of another family refused");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_round_trip();
	test_truncations();
	test_ranges();
	test_encode_refuses();
	return tap_done();
}
