// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the packet crypto and the key slots, built with
 * JUMPING_SELFTEST=1 and run at module load after jp_crypto_init().
 *
 * The expected packets were computed outside the kernel (Python's
 * cryptography package) from the layout in docs/protocol.md, so they pin
 * the wire format, the nonce and the associated data, not just a round
 * trip through our own code.
 */
#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#ifdef CONFIG_X86
#include <asm/fpu/api.h>

#include "../keyslots.h"
#endif

#define JP_ST_SESSION	0xa1b2c3d4
#define JP_ST_COUNTER	0x0102030405060708ULL
#define JP_ST_KEY_ID	3

/* An IPv4 header 10.9.0.1 -> 10.9.0.2, UDP, 28 bytes, and 8 of payload. */
static const u8 jp_st_plain[28] __initconst = {
	0x45, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
	0x00, 0x00, 0x0a, 0x09, 0x00, 0x01, 0x0a, 0x09, 0x00, 0x02,
	'j', 'u', 'm', 'p', 'i', 'n', 'g', '!',
};

/* Header, ciphertext and tag under the key 00 01 .. 1f. */
static const u8 jp_st_chacha[60] __initconst = {
	0x01, 0x03, 0x00, 0x00, 0xa1, 0xb2, 0xc3, 0xd4, 0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x07, 0x08, 0xaa, 0xe6, 0xa5, 0xe4, 0xa5, 0x8c, 0xe8, 0x9c,
	0x50, 0xae, 0xe8, 0xd6, 0x80, 0xe5, 0x27, 0x5f, 0x9f, 0x85, 0x64, 0x53,
	0x76, 0x38, 0x45, 0x6c, 0x72, 0xbb, 0x53, 0xc3, 0x24, 0xd3, 0xb6, 0xd8,
	0xcf, 0x51, 0x91, 0xc9, 0xe3, 0x74, 0x0d, 0x2c, 0x49, 0x71, 0x45, 0xb3,
};

static const u8 jp_st_gcm[60] __initconst = {
	0x01, 0x03, 0x00, 0x00, 0xa1, 0xb2, 0xc3, 0xd4, 0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x07, 0x08, 0x41, 0x51, 0x65, 0x12, 0xdd, 0xe1, 0x49, 0x9e,
	0x43, 0x8e, 0xfd, 0xef, 0x14, 0x6e, 0x39, 0xf1, 0x70, 0xf0, 0x5c, 0xc0,
	0xbd, 0xa0, 0x25, 0x1c, 0x80, 0x95, 0x33, 0x71, 0xc8, 0x9a, 0xeb, 0xd0,
	0xd8, 0x89, 0x2d, 0x4a, 0xf2, 0x91, 0x2d, 0x58, 0x18, 0xcf, 0x82, 0x7b,
};

/*
 * Where the FPU is not usable: inside a kernel FPU section, as a softirq is
 * when it interrupted one. AES-GCM then takes its generic transform, the
 * ChaCha20-Poly1305 library its generic code. False where this cannot be
 * arranged (not x86), and the caller skips the run.
 */
static bool __init jp_st_nosimd_begin(void)
{
#ifdef CONFIG_X86
	kernel_fpu_begin();
	if (!crypto_simd_usable())
		return true;
	kernel_fpu_end();
#endif
	return false;
}

static void __init jp_st_nosimd_end(void)
{
#ifdef CONFIG_X86
	kernel_fpu_end();
#endif
}

/* The plaintext in an skb: linear, or with its last 8 bytes in a page. */
static struct sk_buff * __init jp_st_skb(bool paged)
{
	unsigned int head = paged ? 20 : sizeof(jp_st_plain);
	struct sk_buff *skb;
	struct page *page;

	skb = alloc_skb(JP_TX_HEADROOM + sizeof(jp_st_plain) + JP_TAG_LEN,
			GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, JP_TX_HEADROOM);
	skb_put_data(skb, jp_st_plain, head);
	if (!paged)
		return skb;
	page = alloc_page(GFP_KERNEL);
	if (!page) {
		kfree_skb(skb);
		return NULL;
	}
	memcpy(page_address(page), jp_st_plain + head,
	       sizeof(jp_st_plain) - head);
	skb_fill_page_desc(skb, 0, page, 0, sizeof(jp_st_plain) - head);
	skb->len += sizeof(jp_st_plain) - head;
	skb->data_len += sizeof(jp_st_plain) - head;
	skb->truesize += PAGE_SIZE;
	return skb;
}

static bool __init jp_st_equal(struct sk_buff *skb, const u8 *want,
			       unsigned int len)
{
	u8 got[64];

	if (skb->len != len || len > sizeof(got) ||
	    skb_copy_bits(skb, 0, got, len))
		return false;
	return !memcmp(got, want, len);
}

/*
 * Encrypt the plaintext; the packet must be @want. Then flip bit @flip of
 * it (or none if negative) and decrypt with @counter: success must give
 * back the plaintext, and any flipped bit or wrong counter -EBADMSG.
 */
static bool __init jp_st_packet(struct jp_key *key, const u8 *want,
				bool paged, int flip, u64 counter, bool nosimd)
{
	bool expect_ok = flip < 0 && counter == JP_ST_COUNTER;
	struct sk_buff *skb = jp_st_skb(paged);
	bool ok = false;
	int err;

	if (!skb)
		return false;
	if (nosimd && !jp_st_nosimd_begin())
		goto out;
	err = jp_encrypt_skb(key, skb, JP_ST_SESSION, JP_ST_COUNTER);
	if (nosimd)
		jp_st_nosimd_end();
	if (err || !jp_st_equal(skb, want, JP_OVERHEAD + sizeof(jp_st_plain)))
		goto out;
	if (flip >= 0) {
		if (skb_linearize(skb))
			goto out;
		skb->data[flip / 8] ^= BIT(flip % 8);
	}
	if (nosimd && !jp_st_nosimd_begin())
		goto out;
	err = jp_decrypt_skb(key, skb, counter);
	if (nosimd)
		jp_st_nosimd_end();
	if (expect_ok)
		ok = !err && jp_st_equal(skb, jp_st_plain, sizeof(jp_st_plain));
	else
		ok = err == -EBADMSG;
out:
	kfree_skb(skb);
	return ok;
}

/*
 * A received packet of @pieces skbs, a frag list's (an outer datagram
 * reassembled from IP fragments): our header, then 8 zero bytes a piece.
 * One in more pieces than the scatterlist on the stack holds must be
 * refused before the crypto, one that fits must reach it (and fail to
 * authenticate).
 */
static bool __init jp_st_pieces(struct jp_key *key, unsigned int pieces,
				int want)
{
	struct sk_buff *skb, *frag, **tail;
	unsigned int i;
	int err;

	skb = alloc_skb(JP_HDR_LEN, GFP_KERNEL);
	if (!skb)
		return false;
	skb_put_data(skb, jp_st_chacha, JP_HDR_LEN);
	tail = &skb_shinfo(skb)->frag_list;
	for (i = 1; i < pieces; i++) {
		frag = alloc_skb(8, GFP_KERNEL);
		if (!frag) {
			kfree_skb(skb);
			return false;
		}
		skb_put_zero(frag, 8);
		*tail = frag;
		tail = &frag->next;
		skb->len += 8;
		skb->data_len += 8;
		skb->truesize += frag->truesize;
	}
	err = jp_decrypt_skb(key, skb, JP_ST_COUNTER);
	kfree_skb(skb);
	if (err != want)
		pr_err("crypto self-test: %u pieces: %d, expected %d\n",
		       pieces, err, want);
	return err == want;
}

/* The known packets, with the FPU usable or (@nosimd) not. */
static bool __init jp_st_cipher(enum jumping_cipher cipher, const u8 *want,
				bool nosimd)
{
	/* The bits a test flips: header fields, ciphertext, tag. */
	static const int flips[] __initconst = { 8, 15, 33, 64, 127, 128, 300,
						 479 };
	struct jp_key *key;
	u8 k[JUMPING_KEY_LEN];
	unsigned int i;
	bool ok = true;

	for (i = 0; i < sizeof(k); i++)
		k[i] = i;
	/* The same key both ways: what we send we can receive. */
	key = jp_key_new(JP_ST_KEY_ID, cipher, k, k, sizeof(k), 0);
	if (IS_ERR(key)) {
		pr_err("crypto self-test: cipher %d: no key: %ld\n", cipher,
		       PTR_ERR(key));
		return false;
	}
	if (cipher == JUMPING_CIPHER_AES256GCM && !nosimd)
		pr_info("crypto self-test: AES-256-GCM on %s, fallback %s\n",
			key->aead->enc.fast ?
			crypto_tfm_alg_driver_name(crypto_aead_tfm(key->aead->enc.fast)) :
			"none",
			crypto_tfm_alg_driver_name(crypto_aead_tfm(key->aead->enc.sync)));
	ok &= jp_st_packet(key, want, false, -1, JP_ST_COUNTER, nosimd);
	ok &= jp_st_packet(key, want, true, -1, JP_ST_COUNTER, nosimd);
	ok &= jp_st_packet(key, want, false, -1, JP_ST_COUNTER + 1, nosimd);
	for (i = 0; i < ARRAY_SIZE(flips); i++)
		ok &= jp_st_packet(key, want, i & 1, flips[i], JP_ST_COUNTER,
				   nosimd);
	if (!nosimd) {
		ok &= jp_st_pieces(key, JP_SG_MAX, -EBADMSG);
		ok &= jp_st_pieces(key, JP_SG_MAX + 1, -EMSGSIZE);
	}
	if (!ok)
		pr_err("crypto self-test: cipher %d%s: packets differ\n", cipher,
		       nosimd ? " (no FPU)" : "");
	jp_key_put(key);
	return ok;
}

static bool __init jp_st_limits(struct jp_key *key)
{
	u64 c;

	atomic64_set(&key->tx_counter, key->tx_soft_limit);
	if (jp_key_next_counter(key, &c) || !jp_key_soft_limit_hit(key, c) ||
	    jp_key_next_counter(key, &c) || jp_key_soft_limit_hit(key, c))
		return false;
	atomic64_set(&key->tx_counter, key->tx_hard_limit - 1);
	if (jp_key_next_counter(key, &c) || c != key->tx_hard_limit - 1)
		return false;
	return jp_key_next_counter(key, &c) == -EKEYEXPIRED &&
	       jp_key_next_counter(key, &c) == -EKEYEXPIRED;
}

/* A chacha key of id @id whose two directions are all @enc and all @dec. */
static struct jp_key * __init jp_st_key(u8 id, enum jumping_cipher cipher,
					u8 enc, u8 dec)
{
	u8 e[JUMPING_KEY_LEN], d[JUMPING_KEY_LEN];

	memset(e, enc, sizeof(e));
	memset(d, dec, sizeof(d));
	return jp_key_new(id, cipher, e, d, sizeof(e), 0);
}

/*
 * The hard age: no limit without one; with one, fresh keys are good and
 * a key whose deadline passed is expired (the deadline moved back rather
 * than waiting a second).
 */
static bool __init jp_st_age(void)
{
	u8 e[JUMPING_KEY_LEN], d[JUMPING_KEY_LEN];
	struct jp_key *none, *aged;
	bool ok;

	memset(e, 0x31, sizeof(e));
	memset(d, 0x32, sizeof(d));
	none = jp_key_new(1, JUMPING_CIPHER_CHACHA20POLY1305, e, d, sizeof(e),
			  0);
	aged = jp_key_new(2, JUMPING_CIPHER_CHACHA20POLY1305, e, d, sizeof(e),
			  JUMPING_KEY_REJECT_AFTER_MIN_MS);
	if (IS_ERR(none) || IS_ERR(aged)) {
		jp_key_put(IS_ERR(none) ? NULL : none);
		jp_key_put(IS_ERR(aged) ? NULL : aged);
		return false;
	}
	ok = none->reject_after_ns == U64_MAX && !jp_key_expired(none) &&
	     !jp_key_expired(aged);
	aged->reject_after_ns = ktime_get_coarse_boottime_ns();
	ok &= jp_key_expired(aged);
	if (!ok)
		pr_err("crypto self-test: key age wrong\n");
	jp_key_put(none);
	jp_key_put(aged);
	return ok;
}

/*
 * Material a slot holds is refused again, in any slot and either direction
 * (the new key's counter and replay window would start afresh under it).
 * Each refused key is released by the install.
 */
static bool __init jp_st_material(struct jp_key_slots *ks)
{
	static const u8 reused[][2] __initconst = {
		{ 1, 9 },	/* the primary's encrypt key */
		{ 9, 2 },	/* the primary's decrypt key */
		{ 2, 9 },	/* ... as our encrypt key */
		{ 3, 9 },	/* the secondary's (about to be replaced) */
		{ 9, 4 },
	};
	enum jumping_key_slot slot;
	struct jp_key *k;
	bool ok = true;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(reused); i++) {
		for (slot = JUMPING_KEY_SLOT_PRIMARY;
		     slot <= JUMPING_KEY_SLOT_SECONDARY; slot++) {
			k = jp_st_key(7, JUMPING_CIPHER_CHACHA20POLY1305,
				      reused[i][0], reused[i][1]);
			if (IS_ERR(k))
				return false;
			ok &= jp_key_slots_install(ks, slot, k) ==
			      -EKEYREJECTED;
		}
	}
	return ok;
}

/* The slots' keys as the packet paths see them, for comparison only. */
static struct jp_key * __init jp_st_primary(struct jp_key_slots *ks)
{
	struct jp_key *key;

	rcu_read_lock();
	key = jp_key_slots_primary_rcu(ks);
	rcu_read_unlock();
	return key;
}

static struct jp_key * __init jp_st_find(struct jp_key_slots *ks, u8 key_id)
{
	struct jp_key *key;

	rcu_read_lock();
	key = jp_key_slots_find_rcu(ks, key_id);
	rcu_read_unlock();
	return key;
}

static bool __init jp_st_slots(void)
{
	struct jp_key *a, *b, *c;
	struct jp_key_slots ks;
	bool ok = true;

	a = jp_st_key(1, JUMPING_CIPHER_CHACHA20POLY1305, 1, 2);
	b = jp_st_key(2, JUMPING_CIPHER_CHACHA20POLY1305, 3, 4);
	c = jp_st_key(1, JUMPING_CIPHER_AES256GCM, 5, 6);
	if (IS_ERR(a) || IS_ERR(b) || IS_ERR(c)) {
		jp_key_put(IS_ERR(a) ? NULL : a);
		jp_key_put(IS_ERR(b) ? NULL : b);
		jp_key_put(IS_ERR(c) ? NULL : c);
		return false;
	}
	ok &= jp_st_limits(c);

	jp_key_slots_init(&ks);
	ok &= !jp_st_primary(&ks);
	ok &= !jp_key_slots_install(&ks, JUMPING_KEY_SLOT_PRIMARY, a);
	/* Same id as the primary: refused (and c is released). */
	ok &= jp_key_slots_install(&ks, JUMPING_KEY_SLOT_SECONDARY, c) ==
	      -EEXIST;
	ok &= !jp_key_slots_install(&ks, JUMPING_KEY_SLOT_SECONDARY, b);
	ok &= jp_st_material(&ks);

	ok &= jp_st_find(&ks, 2) == b;
	ok &= !jp_st_find(&ks, 5);
	ok &= !jp_st_find(&ks, JUMPING_KEY_ID_MAX + 1);

	jp_key_slots_swap(&ks);
	ok &= jp_st_primary(&ks) == b;
	ok &= jp_st_find(&ks, 1) == a;

	ok &= !jp_key_slots_delete(&ks, JUMPING_KEY_SLOT_SECONDARY);
	ok &= jp_key_slots_delete(&ks, JUMPING_KEY_SLOT_SECONDARY) == -ENOENT;
	ok &= !jp_st_find(&ks, 1);
	jp_key_slots_clear(&ks);
	ok &= !jp_st_primary(&ks);
	if (!ok)
		pr_err("crypto self-test: key slots or limits failed\n");
	return ok;
}

/* Swaps a rekey's two slots back and forth until stopped. */
struct jp_st_swapper {
	struct jp_key_slots *ks;
	atomic_long_t swaps;
};

static int jp_st_swap_thread(void *arg)
{
	struct jp_st_swapper *w = arg;

	while (!kthread_should_stop()) {
		jp_key_slots_swap(w->ks);
		atomic_long_inc(&w->swaps);
		if (!(atomic_long_read(&w->swaps) % 1024))
			cond_resched();
	}
	return 0;
}

/*
 * Receive during a rekey: while another CPU swaps the slots as fast as it
 * can, a lookup by key id must find each of the two keys every time (with
 * the slots read one after the other, a swap between the reads hid the
 * key). At most a second or a million lookups, under the swaps.
 */
static bool __init jp_st_swap_race(void)
{
	unsigned long lookups = 0, misses = 0, swaps, deadline;
	struct jp_st_swapper w = { .swaps = ATOMIC_LONG_INIT(0) };
	struct task_struct *task;
	struct jp_key_slots ks;
	struct jp_key *a, *b;

	if (num_online_cpus() < 2) {
		pr_info("crypto self-test: swap race skipped (one CPU)\n");
		return true;
	}
	a = jp_st_key(1, JUMPING_CIPHER_CHACHA20POLY1305, 0x11, 0x12);
	b = jp_st_key(2, JUMPING_CIPHER_CHACHA20POLY1305, 0x21, 0x22);
	if (IS_ERR(a) || IS_ERR(b)) {
		jp_key_put(IS_ERR(a) ? NULL : a);
		jp_key_put(IS_ERR(b) ? NULL : b);
		return false;
	}
	jp_key_slots_init(&ks);
	/* Each install takes its key, also when it fails. */
	if (jp_key_slots_install(&ks, JUMPING_KEY_SLOT_PRIMARY, a)) {
		jp_key_put(b);
		return false;
	}
	if (jp_key_slots_install(&ks, JUMPING_KEY_SLOT_SECONDARY, b))
		goto err;

	w.ks = &ks;
	task = kthread_run(jp_st_swap_thread, &w, "jumping-st-swap");
	if (IS_ERR(task))
		goto err;
	/* The swapper runs before the first lookup, or the test is void. */
	deadline = jiffies + 10 * HZ;
	while (!atomic_long_read(&w.swaps) && time_before(jiffies, deadline))
		cond_resched();
	swaps = atomic_long_read(&w.swaps);
	deadline = jiffies + HZ;
	while (lookups < 1000000 && time_before(jiffies, deadline)) {
		if (!jp_st_find(&ks, 1 + (lookups & 1)))
			misses++;
		if (!(++lookups % 4096))
			cond_resched();
	}
	swaps = atomic_long_read(&w.swaps) - swaps;
	kthread_stop(task);
	jp_key_slots_clear(&ks);
	pr_info("crypto self-test: %lu lookups during %lu swaps, %lu missed\n",
		lookups, swaps, misses);
	return !misses && swaps;

err:
	jp_key_slots_clear(&ks);
	return false;
}

bool __init jp_crypto_selftest(void)
{
	bool ok = true;

	ok &= jp_st_cipher(JUMPING_CIPHER_CHACHA20POLY1305, jp_st_chacha, false);
	ok &= jp_st_cipher(JUMPING_CIPHER_AES256GCM, jp_st_gcm, false);
	if (IS_ENABLED(CONFIG_X86)) {
		ok &= jp_st_cipher(JUMPING_CIPHER_CHACHA20POLY1305,
				   jp_st_chacha, true);
		ok &= jp_st_cipher(JUMPING_CIPHER_AES256GCM, jp_st_gcm, true);
	}
	ok &= jp_st_slots();
	ok &= jp_st_swap_race();
	ok &= jp_st_age();
	if (ok)
		pr_info("crypto self-test: pass\n");
	return ok;
}
