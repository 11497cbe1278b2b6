// SPDX-License-Identifier: GPL-2.0
/* The session record's encoding and its strict parser (cluster_record.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/jumping.h>
#include <sodium.h>
#include "cluster_record.h"

/* ---- writing -------------------------------------------------------- */

struct out {
	uint8_t *p;
	size_t cap, len;
	bool full;
};

static void put(struct out *o, const void *v, size_t n)
{
	if (o->full || o->cap - o->len < n) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->len, v, n);
	o->len += n;
}

static void put_u8(struct out *o, uint8_t v)
{
	put(o, &v, 1);
}

static void put_be(struct out *o, uint64_t v, unsigned int n)
{
	uint8_t b[8];
	unsigned int i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	put(o, b, n);
}

static void put_ctl(struct out *o, const struct jp_ctl_keys *k)
{
	put(o, k->reattach, JP_CTL_KEY_LEN);
	put(o, k->confirm, JP_CTL_KEY_LEN);
	put_u8(o, k->initiator ? 1 : 0);
}

/* The wire family of a binding or prefix: 4, 6, or 0 for anything else. */
static uint8_t wire_family(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 6 : 0;
}

/* What decode would refuse, refused here too: a record must read back. */
static bool encodable(const struct jd_cluster_record *r)
{
	unsigned int i;

	if (!r->local_id || !r->remote_id ||
	    r->state >= JUMPING_STATE_TERMINATED || r->key_id > 7 ||
	    (r->has_next && r->swap_key_id > 7) ||
	    (r->has_prev && !r->prev_until_wall_us) ||
	    r->n_allowed > JD_RECORD_MAX_ALLOWED)
		return false;
	if (r->binding.family && !wire_family(r->binding.family))
		return false;
	for (i = 0; i < r->n_allowed; i++) {
		uint8_t f = wire_family(r->allowed[i].addr.family);

		if (!f || r->allowed[i].len > (f == 4 ? 32 : 128))
			return false;
	}
	return true;
}

int jd_cluster_record_encode(uint8_t *out, size_t cap,
			     const struct jd_cluster_record *r)
{
	struct out o = { .p = out, .cap = cap };
	uint8_t addr[16] = { 0 };
	unsigned int i;

	if (!encodable(r))
		return -1;
	put_u8(&o, JD_RECORD_VERSION);
	put_be(&o, r->local_id, 4);
	put_be(&o, r->remote_id, 4);
	put(&o, r->peer, 32);
	put_u8(&o, r->state);
	put_u8(&o, wire_family(r->binding.family));
	put_be(&o, r->binding.family ? r->binding.port : 0, 2);
	if (r->binding.family)
		memcpy(addr, r->binding.addr,
		       r->binding.family == AF_INET ? 4 : 16);
	put(&o, addr, 16);
	put_u8(&o, r->key_id);
	put(&o, r->last_ts, 12);
	put_u8(&o, (uint8_t)((r->has_next ? 1 : 0) | (r->has_prev ? 2 : 0)));
	put_ctl(&o, &r->cur);
	if (r->has_next) {
		put_ctl(&o, &r->next);
		put_u8(&o, r->swap_key_id);
	}
	if (r->has_prev) {
		put_ctl(&o, &r->prev);
		put_be(&o, r->prev_until_wall_us, 8);
	}
	put_be(&o, r->reattach_floor, 8);
	put_u8(&o, r->reattach_floor_any ? 1 : 0);
	put_be(&o, r->sent_floor, 8);
	put_be(&o, r->n_allowed, 2);
	for (i = 0; i < r->n_allowed; i++) {
		const struct jp_prefix *a = &r->allowed[i];
		bool v4 = a->addr.family == AF_INET;

		put_u8(&o, v4 ? 4 : 6);
		put_u8(&o, a->len);
		put(&o, v4 ? (const void *)&a->addr.v4 :
			     (const void *)&a->addr.v6, v4 ? 4 : 16);
	}
	sodium_memzero(addr, sizeof(addr));
	return o.full ? -1 : (int)o.len;
}

/* ---- reading -------------------------------------------------------- */

struct in {
	const uint8_t *p;
	size_t len, pos;
	char *err;
	size_t errlen;
	bool bad;
};

/* The first complaint wins: it names the field that went wrong. */
static void complain(struct in *i, const char *fmt, ...)
{
	va_list ap;

	if (i->bad)
		return;
	i->bad = true;
	va_start(ap, fmt);
	vsnprintf(i->err, i->errlen, fmt, ap);
	va_end(ap);
}

static bool get(struct in *i, void *v, size_t n, const char *what)
{
	if (i->bad)
		return false;
	if (i->len - i->pos < n) {
		complain(i, "session record: truncated at %s (byte %zu of %zu)",
			 what, i->pos, i->len);
		return false;
	}
	memcpy(v, i->p + i->pos, n);
	i->pos += n;
	return true;
}

static uint64_t get_be(struct in *i, unsigned int n, const char *what)
{
	uint8_t b[8];
	uint64_t v = 0;
	unsigned int k;

	if (!get(i, b, n, what))
		return 0;
	for (k = 0; k < n; k++)
		v = v << 8 | b[k];
	return v;
}

/* An integer at most max: else refused, naming it. */
static uint64_t get_max(struct in *i, unsigned int n, uint64_t max,
			const char *what)
{
	uint64_t v = get_be(i, n, what);

	if (v > max)
		complain(i, "session record: %s %llu out of range (0..%llu)",
			 what, (unsigned long long)v,
			 (unsigned long long)max);
	return v;
}

static void get_ctl(struct in *i, struct jp_ctl_keys *k, const char *what)
{
	get(i, k->reattach, JP_CTL_KEY_LEN, what);
	get(i, k->confirm, JP_CTL_KEY_LEN, what);
	k->initiator = get_max(i, 1, 1, what) == 1;
}

static void get_binding(struct in *i, struct jp_binding *b)
{
	uint8_t family = (uint8_t)get_max(i, 1, 6, "binding family");
	uint16_t port = (uint16_t)get_be(i, 2, "binding port");
	uint8_t addr[16];
	static const uint8_t zero[16];

	if (!get(i, addr, sizeof(addr), "binding address"))
		return;
	memset(b, 0, sizeof(*b));
	if (family == 0) {
		if (port || memcmp(addr, zero, 16))
			complain(i, "session record: no binding, yet an address");
		return;
	}
	if (family == 4) {
		if (memcmp(addr + 4, zero, 12))
			complain(i, "session record: binding IPv4 address with bytes after it");
		b->family = AF_INET;
	} else if (family == 6) {
		b->family = AF_INET6;
	} else {
		complain(i, "session record: binding family %u (not 0, 4 or 6)",
			 family);
		return;
	}
	memcpy(b->addr, addr, 16);
	b->port = port;
}

static void get_prefix(struct in *i, struct jp_prefix *a, unsigned int n)
{
	uint8_t family = (uint8_t)get_be(i, 1, "AllowedIPs family");
	uint8_t len = (uint8_t)get_be(i, 1, "AllowedIPs length");

	if (i->bad)
		return;
	memset(a, 0, sizeof(*a));
	if (family != 4 && family != 6) {
		complain(i, "session record: AllowedIPs %u: family %u (not 4 or 6)",
			 n, family);
		return;
	}
	if (len > (family == 4 ? 32 : 128)) {
		complain(i, "session record: AllowedIPs %u: length %u out of range",
			 n, len);
		return;
	}
	a->addr.family = family == 4 ? AF_INET : AF_INET6;
	a->len = len;
	if (family == 4)
		get(i, &a->addr.v4, 4, "AllowedIPs address");
	else
		get(i, &a->addr.v6, 16, "AllowedIPs address");
}

int jd_cluster_record_decode(struct jd_cluster_record *r, const uint8_t *in,
			     size_t len, char *err, size_t errlen)
{
	struct in i = { .p = in, .len = len, .err = err, .errlen = errlen };
	uint64_t version;
	unsigned int k, sets;

	memset(r, 0, sizeof(*r));
	version = get_be(&i, 1, "version");
	if (!i.bad && version != JD_RECORD_VERSION)
		complain(&i, "session record: version %u, this jumpd reads version %u",
			 (unsigned int)version, JD_RECORD_VERSION);
	r->local_id = (uint32_t)get_be(&i, 4, "local id");
	r->remote_id = (uint32_t)get_be(&i, 4, "remote id");
	if (!i.bad && (!r->local_id || !r->remote_id))
		complain(&i, "session record: a session id is 0");
	get(&i, r->peer, 32, "peer");
	r->state = (uint8_t)get_max(&i, 1, JUMPING_STATE_TERMINATED - 1,
				    "state");
	get_binding(&i, &r->binding);
	r->key_id = (uint8_t)get_max(&i, 1, 7, "key id");
	get(&i, r->last_ts, 12, "last timestamp");
	sets = (unsigned int)get_max(&i, 1, 3, "key sets");
	r->has_next = sets & 1;
	r->has_prev = sets & 2;
	get_ctl(&i, &r->cur, "current keys");
	if (r->has_next) {
		get_ctl(&i, &r->next, "next keys");
		r->swap_key_id = (uint8_t)get_max(&i, 1, 7, "swap key id");
	}
	if (r->has_prev) {
		get_ctl(&i, &r->prev, "previous keys");
		r->prev_until_wall_us = get_be(&i, 8, "previous keys' end");
		if (!i.bad && !r->prev_until_wall_us)
			complain(&i, "session record: previous keys without an end");
	}
	r->reattach_floor = get_be(&i, 8, "reattach floor");
	r->reattach_floor_any = get_max(&i, 1, 1, "reattach floor flag") == 1;
	r->sent_floor = get_be(&i, 8, "sent floor");
	r->n_allowed = (unsigned int)get_max(&i, 2, JD_RECORD_MAX_ALLOWED,
					     "AllowedIPs count");
	for (k = 0; k < r->n_allowed && !i.bad; k++)
		get_prefix(&i, &r->allowed[k], k);
	if (!i.bad && i.pos != len)
		complain(&i, "session record: %zu bytes after its end",
			 len - i.pos);
	if (!i.bad)
		return 0;
	sodium_memzero(r, sizeof(*r));
	return -1;
}
