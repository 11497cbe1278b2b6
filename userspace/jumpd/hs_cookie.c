// SPDX-License-Identifier: GPL-2.0
/*
 * The responder's handshake budget and its cookies (cookie.h has the
 * messages), and the initiator's side of them:
 * - responder: an initiation over its source's share is dropped; over the
 *   shared budget, the responder is under load for HS_LOAD_MS, and under
 *   load only an initiation whose mac2 proves it receives at its source
 *   gets a DH, every other one a cookie reply;
 * - initiator: a cookie reply to its latest initiation gives it the cookie
 *   for that path, and the initiation goes out again at once, with mac2.
 */
#include <string.h>
#include <sodium.h>
#include "jumpd.h"

#define HS_LOAD_MS	1000

/* The current secret, replaced every JP_COOKIE_SECRET_MS; the last one
 * still answers for cookies handed out just before. */
static void rotate(struct jd *d, uint64_t now)
{
	if (d->cookie_secret_ms && now - d->cookie_secret_ms <
	    JP_COOKIE_SECRET_MS)
		return;
	memcpy(d->cookie_secret[1], d->cookie_secret[0],
	       JP_COOKIE_SECRET_LEN);
	randombytes_buf(d->cookie_secret[0], JP_COOKIE_SECRET_LEN);
	d->cookie_secret_ms = now;
}

static bool mac2_ok(struct jd *d, const struct jk_event *ev)
{
	uint8_t cookie[JP_COOKIE_LEN];
	bool good = false;
	int i;

	for (i = 0; i < 2 && !good; i++) {
		jp_cookie_make(cookie, d->cookie_secret[i], &ev->from);
		good = jp_hs_mac2_ok(ev->packet, cookie);
	}
	sodium_memzero(cookie, sizeof(cookie));
	return good;
}

static void send_cookie(struct jd *d, const struct jk_event *ev)
{
	uint8_t cookie[JP_COOKIE_LEN], reply[JP_COOKIE_REPLY_LEN];
	const uint8_t *mac1 = ev->packet + JP_HS_INIT_LEN - JP_HS_MAC1_LEN;

	jp_cookie_make(cookie, d->cookie_secret[0], &ev->from);
	jp_cookie_reply_encode(reply, d->cookie_reply_key, mac1, cookie);
	sodium_memzero(cookie, sizeof(cookie));
	d->hs_cookies_sent++;
	jk_packet_send(&d->k, reply, sizeof(reply), &ev->from, &ev->to);
}

bool jd_hs_admit(struct jd *d, const struct jk_event *ev, uint64_t now)
{
	char from[JP_BINDING_STRLEN];

	rotate(d, now);
	switch (jp_rl_check_share(&d->hs_all, &d->hs_source, &ev->from, now)) {
	case JP_RL_SHARE_SOURCE_OVER:
		if (!(d->hs_refused++ % 100))
			jd_log("initiation from %s: over its share of the handshake budget (%llu refused)",
			       jp_binding_str(&ev->from, from),
			       (unsigned long long)d->hs_refused);
		return false;
	case JP_RL_SHARE_ALL_OVER:
		if (now >= d->hs_load_until)
			jd_log("handshakes over budget: cookies for %d ms (%llu sent so far)",
			       HS_LOAD_MS,
			       (unsigned long long)d->hs_cookies_sent);
		d->hs_load_until = now + HS_LOAD_MS;
		break;
	case JP_RL_SHARE_OK:
		break;
	}
	if (now < d->hs_load_until && !mac2_ok(d, ev)) {
		send_cookie(d, ev);
		return false;
	}
	return true;
}

void jd_hs_put_mac2(const struct jd_peer *p, uint8_t *msg, uint64_t now)
{
	if (p->cookie_ms && now - p->cookie_ms < JP_COOKIE_USE_MS &&
	    !memcmp(&p->cookie_path, &p->init.sent_on, sizeof(p->cookie_path)))
		jp_hs_mac2_put(msg, p->cookie);
	else
		memset(msg + JP_HS_INIT_LEN, 0, JP_HS_MAC2_LEN);
}

void jd_hs_on_cookie(struct jd *d, const struct jk_event *ev)
{
	unsigned int i;

	for (i = 0; i < d->n_peers; i++) {
		struct jd_peer *p = d->peers[i];
		struct jd_initiation *in = &p->init;

		if (!in->active ||
		    jp_cookie_reply_decode(ev->packet, ev->packet_len,
					   p->cookie_key, in->mac1, p->cookie))
			continue;
		p->cookie_ms = jd_now_ms();
		p->cookie_path = in->sent_on;
		jd_touch(d, p);
		jd_log("peer %s: the responder is under load; initiation again with its cookie",
		       p->conf.name);
		/* The same path again (the cookie is for that source). */
		if (!in->rekey && in->path)
			in->path--;
		in->next_ms = p->cookie_ms;
		return;
	}
	jd_debug(d, "cookie reply that answers no initiation of ours");
}
