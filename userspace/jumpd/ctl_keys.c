// SPDX-License-Identifier: GPL-2.0
/* Control keys: derivation and rotation (ctl_keys.h). */
#include <string.h>
#include <sodium.h>
#include <linux/jumping.h>
#include "ctl_keys.h"

/* Different labels: a REATTACH MAC is never a confirm MAC, nor a data key. */
static const char reattach_label[] = "jumping-vpn reattach key v2";
static const char confirm_label[] = "jumping-vpn confirm key v2";

static void derive(uint8_t key[JP_CTL_KEY_LEN], const char *label,
		   size_t label_len, const uint8_t both[64])
{
	crypto_generichash(key, JP_CTL_KEY_LEN, (const unsigned char *)label,
			   label_len, both, 64);
}

void jp_ctl_keys_derive(struct jp_ctl_keys *k, const uint8_t k_i2r[32],
			const uint8_t k_r2i[32], bool initiator)
{
	uint8_t both[64];

	memcpy(both, k_i2r, 32);
	memcpy(both + 32, k_r2i, 32);
	derive(k->reattach, reattach_label, sizeof(reattach_label) - 1, both);
	derive(k->confirm, confirm_label, sizeof(confirm_label) - 1, both);
	k->initiator = initiator;
	sodium_memzero(both, sizeof(both));
}

void jp_ctl_ring_init(struct jp_ctl_ring *r, const struct jp_ctl_keys *k)
{
	jp_ctl_ring_wipe(r);
	r->cur = *k;
}

void jp_ctl_ring_set_next(struct jp_ctl_ring *r, const struct jp_ctl_keys *k)
{
	r->next = *k;
	r->has_next = true;
}

void jp_ctl_ring_swap(struct jp_ctl_ring *r, uint64_t now, uint64_t keep_ms)
{
	if (!r->has_next)
		return;
	r->prev = r->cur;
	r->has_prev = true;
	r->prev_until_ms = now + keep_ms;
	r->cur = r->next;
	sodium_memzero(&r->next, sizeof(r->next));
	r->has_next = false;
}

void jp_ctl_ring_rotate(struct jp_ctl_ring *r, const struct jp_ctl_keys *k,
			uint64_t now, uint64_t keep_ms)
{
	jp_ctl_ring_set_next(r, k);
	jp_ctl_ring_swap(r, now, keep_ms);
}

static void drop_prev(struct jp_ctl_ring *r)
{
	sodium_memzero(&r->prev, sizeof(r->prev));
	r->has_prev = false;
	r->prev_until_ms = 0;
}

void jp_ctl_ring_expire(struct jp_ctl_ring *r, uint64_t now)
{
	if (r->has_prev && now >= r->prev_until_ms)
		drop_prev(r);
}

void jp_ctl_ring_heard(struct jp_ctl_ring *r, enum jp_ctl_which which)
{
	if (which == JP_CTL_CUR && r->has_prev)
		drop_prev(r);
}

void jp_ctl_ring_wipe(struct jp_ctl_ring *r)
{
	sodium_memzero(r, sizeof(*r));
}

static void add(struct jp_mac_keys *mk, const struct jp_ctl_keys *k,
		bool confirm, enum jp_ctl_which which)
{
	mk->key[mk->n] = confirm ? k->confirm : k->reattach;
	mk->dir[mk->n] = jp_ctl_dir_in(k);
	mk->which[mk->n] = which;
	mk->n++;
}

/* Current first: it is the one in use almost always. */
static void rx_keys(const struct jp_ctl_ring *r, uint64_t now, bool confirm,
		    struct jp_mac_keys *mk)
{
	memset(mk, 0, sizeof(*mk));
	add(mk, &r->cur, confirm, JP_CTL_CUR);
	if (r->has_next)
		add(mk, &r->next, confirm, JP_CTL_NEXT);
	if (r->has_prev && now < r->prev_until_ms)
		add(mk, &r->prev, confirm, JP_CTL_PREV);
}

void jp_ctl_ring_rx_reattach(const struct jp_ctl_ring *r, uint64_t now,
			     struct jp_mac_keys *mk)
{
	rx_keys(r, now, false, mk);
}

void jp_ctl_ring_rx_confirm(const struct jp_ctl_ring *r, uint64_t now,
			    struct jp_mac_keys *mk)
{
	rx_keys(r, now, true, mk);
}

/*
 * The initiator rekeys at RekeyAfter, the responder at 1.5 x. A rekey
 * whose confirm was lost leaves the responder sending under the old key
 * until the next rekey, 2 x RekeyAfter after that key was made; half a
 * RekeyAfter more, and never less than JP_KEY_REJECT_MARGIN_MS (a few
 * handshake retries at their longest interval), covers that rekey.
 */
uint32_t jp_key_reject_after_ms(uint64_t rekey_after_ms)
{
	uint64_t margin = rekey_after_ms / 2, ms;

	if (margin < JP_KEY_REJECT_MARGIN_MS)
		margin = JP_KEY_REJECT_MARGIN_MS;
	ms = rekey_after_ms > UINT32_MAX ? UINT32_MAX :
	     2 * rekey_after_ms + margin;

	if (ms < JUMPING_KEY_REJECT_AFTER_MIN_MS)
		return JUMPING_KEY_REJECT_AFTER_MIN_MS;
	return ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}
