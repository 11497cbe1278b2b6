// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: keys, and the AEAD work on packets (the slots: keyslots.c).
 *
 * ChaCha20-Poly1305 goes through the kernel's library
 * (<crypto/chacha20poly1305.h>), which is keyed per call: a key of that
 * cipher holds its 64 bytes of material and no transform at all.
 *
 * AES-256-GCM has no such library in 6.1 and goes through the AEAD API,
 * with transforms per key and direction, allocated when the key is made
 * for a slot and freed with it. Only synchronous ones: every encrypt and
 * decrypt completes before it returns, the skb never leaves the caller's
 * hands and the key needs no reference beyond the caller's RCU section.
 *
 * On x86 6.1 the AES-NI GCM is registered as an internal synchronous
 * algorithm ("__generic-gcm-aesni") that only a SIMD wrapper offers to
 * everyone, asynchronously, deferring to cryptd whenever the FPU is not
 * usable. We allocate the internal one by its driver name, as that wrapper
 * does, and call it directly where crypto_simd_usable(); elsewhere (a
 * softirq that interrupted a kernel FPU section: 6.1's kernel_fpu_begin()
 * leaves softirqs enabled) the packet goes through a second, generic
 * synchronous gcm(aes) of the same key, the gcm template over ctr(aes) and
 * ghash-generic, whose GHASH keeps a 4 KiB table per transform. Without
 * AES-NI that generic one is all a key has.
 *
 * No allocation per packet: the scatterlist is on the stack (JP_SG_MAX
 * entries, a packet needing more is dropped) and the AEAD request lives in
 * a per-CPU scratch, used only with bottom halves disabled, see
 * jp_gcm_skb().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aead.h>
#include <crypto/algapi.h>
#include <crypto/chacha20poly1305.h>
#include <crypto/internal/simd.h>
#include <linux/bottom_half.h>
#include <linux/percpu.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/swab.h>
#include <asm/simd.h>

#include "crypto.h"
#include "fault_scope.h"
#include "proto.h"

/*
 * Entries of one packet's scatterlist, on the stack. skb_cow_data() says
 * how many a packet needs: 6.1's pulls page fragments into the head, so
 * it is the head plus the members of a frag list, which an outer datagram
 * reassembled from IP fragments has (an honest peer's datagrams, at most
 * the path MTU plus our overhead, come in a handful). A packet needing more
 * is refused. Room for every page fragment too, should they be kept.
 */
#define JP_SG_MAX	(MAX_SKB_FRAGS + 5)

/* The AES-NI GCM that the x86 SIMD wrapper hides (see the top). */
#define JP_GCM_FAST_DRIVER	"__generic-gcm-aesni"

/* Frees AES-GCM transforms in process context: not for softirq. */
static struct workqueue_struct *jp_key_wq;
static struct kmem_cache *jp_key_cache;

/*
 * Per-CPU room for one AEAD request: the nonce at the start, the request at
 * jp_aead_req_off with room for a transform's context of jp_aead_req_size
 * bytes. Only AES-GCM uses it. Sized at init for the transforms this
 * machine gives; a transform needing more is not used (jp_aead_new()).
 *
 * Each CPU's room is kmalloc()ed, not per-CPU memory: the gcm template
 * puts its request context (the tag) into scatterlists, which need memory
 * of the linear map, and per-CPU memory can be vmalloc()ed (KASAN caught
 * sg_set_buf() on it in the debug kernel).
 */
static DEFINE_PER_CPU(void *, jp_aead_scratch);
static size_t jp_aead_req_off, jp_aead_req_size;

/**
 * struct jp_gcm - one direction's AES-256-GCM transforms
 * @fast: the AES-NI one, only called where crypto_simd_usable(); NULL
 *        without AES-NI
 * @sync: generic, usable in any context
 */
struct jp_gcm {
	struct crypto_aead *fast;
	struct crypto_aead *sync;
};

/**
 * struct jp_aead_pair - an AES-256-GCM key's transforms
 * @enc: keyed for our direction
 * @dec: keyed for the peer's direction
 * @free_work: frees them from jp_key_wq once the key is gone (the key's
 *             RCU callback, in softirq, queues it)
 *
 * Apart from the key so that a ChaCha20-Poly1305 key carries none of it.
 */
struct jp_aead_pair {
	struct jp_gcm enc;
	struct jp_gcm dec;
	struct work_struct free_work;
};

/*
 * The AES-NI GCM, unkeyed, or ERR_PTR(-ENOENT) where it is not registered:
 * on other architectures, CPUs without AES-NI, or before aesni_intel is
 * loaded (udev loads it at boot by CPU feature). By driver name, with the
 * type and mask that let an internal algorithm be found at all; no module
 * is requested (no alias would match, and every key would pay for it).
 */
static struct crypto_aead *jp_aead_alloc_fast(void)
{
	if (!IS_ENABLED(CONFIG_X86))
		return ERR_PTR(-ENOENT);
	return crypto_alloc_aead(JP_GCM_FAST_DRIVER, CRYPTO_ALG_INTERNAL,
				 CRYPTO_ALG_INTERNAL | CRYPTO_ALG_ASYNC |
				 CRYPTO_NOLOAD);
}

/* A synchronous AES-GCM transform keyed with @key: generic or AES-NI. */
static struct crypto_aead *jp_aead_new(bool fast, const u8 *key,
				       unsigned int key_len)
{
	struct crypto_aead *tfm;
	int err;

	if (fast)
		tfm = jp_aead_alloc_fast();
	else
		tfm = crypto_alloc_aead("gcm(aes)", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm))
		return tfm;
	err = crypto_aead_setkey(tfm, key, key_len);
	if (!err)
		err = crypto_aead_setauthsize(tfm, JP_TAG_LEN);
	if (!err && crypto_aead_ivsize(tfm) != JP_NONCE_LEN)
		err = -EINVAL;
	/* Cannot happen unless an algorithm registered after init wins. */
	if (!err && crypto_aead_reqsize(tfm) > jp_aead_req_size) {
		pr_warn_once("%s needs a %u-byte request, %zu reserved\n",
			     crypto_tfm_alg_driver_name(crypto_aead_tfm(tfm)),
			     crypto_aead_reqsize(tfm), jp_aead_req_size);
		err = -EOPNOTSUPP;
	}
	if (err) {
		crypto_free_aead(tfm);
		return ERR_PTR(err);
	}
	return tfm;
}

/*
 * Each key looks for the AES-NI GCM anew, so that keys made after
 * aesni_intel loads use it even if this module loaded first.
 */
static int jp_gcm_new(struct jp_gcm *g, const u8 *key, unsigned int key_len)
{
	g->sync = jp_aead_new(false, key, key_len);
	if (IS_ERR(g->sync))
		return PTR_ERR(g->sync);
	g->fast = jp_aead_new(true, key, key_len);
	/* Not there, or needing more scratch than init reserved. */
	if (PTR_ERR(g->fast) == -ENOENT || PTR_ERR(g->fast) == -EOPNOTSUPP)
		g->fast = NULL;
	return PTR_ERR_OR_ZERO(g->fast);
}

static void jp_gcm_free(struct jp_gcm *g)
{
	if (!IS_ERR_OR_NULL(g->fast))
		crypto_free_aead(g->fast);
	if (!IS_ERR_OR_NULL(g->sync))
		crypto_free_aead(g->sync);
}

/* Process context. */
static void jp_aead_pair_free(struct jp_aead_pair *p)
{
	jp_gcm_free(&p->enc);
	jp_gcm_free(&p->dec);
	kfree(p);
}

static void jp_aead_pair_free_work(struct work_struct *work)
{
	jp_aead_pair_free(container_of(work, struct jp_aead_pair, free_work));
}

static struct jp_aead_pair *jp_aead_pair_new(const u8 *enc_key,
					     const u8 *dec_key,
					     unsigned int key_len)
{
	struct jp_aead_pair *p;
	int err;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	INIT_WORK(&p->free_work, jp_aead_pair_free_work);
	err = jp_gcm_new(&p->enc, enc_key, key_len) ?:
	      jp_gcm_new(&p->dec, dec_key, key_len);
	if (err) {
		jp_aead_pair_free(p);
		return ERR_PTR(err);
	}
	return p;
}

/* The key's own memory, wiped: it holds key material. Any context. */
static void jp_key_wipe_free(struct jp_key *key)
{
	memzero_explicit(key, sizeof(*key));
	kmem_cache_free(jp_key_cache, key);
}

/**
 * jp_key_new - a key for both directions, ready to install in a slot
 * @key_id: 0..JUMPING_KEY_ID_MAX, what the header carries
 * @cipher: the AEAD both directions use
 * @enc_key: key for packets we send
 * @dec_key: key for packets the peer sends
 * @key_len: JUMPING_KEY_LEN
 * @reject_after_ms: age at which the key expires, from now; 0: no age limit
 *
 * Process context. Return: the key holding one reference, or ERR_PTR.
 */
struct jp_key *jp_key_new(u8 key_id, enum jumping_cipher cipher,
			  const u8 *enc_key, const u8 *dec_key,
			  unsigned int key_len, u32 reject_after_ms)
{
	struct jp_key *key;

	if ((cipher != JUMPING_CIPHER_CHACHA20POLY1305 &&
	     cipher != JUMPING_CIPHER_AES256GCM) ||
	    key_id > JUMPING_KEY_ID_MAX || key_len != JUMPING_KEY_LEN)
		return ERR_PTR(-EINVAL);
	BUILD_BUG_ON(JUMPING_KEY_LEN != CHACHA20POLY1305_KEY_SIZE);

	key = kmem_cache_zalloc(jp_key_cache, GFP_KERNEL);
	if (!key)
		return ERR_PTR(-ENOMEM);
	kref_init(&key->ref);
	key->key_id = key_id;
	key->cipher = cipher;
	atomic64_set(&key->tx_counter, 0);
	key->tx_soft_limit = JP_KEY_TX_SOFT_LIMIT;
	key->tx_hard_limit = JP_KEY_TX_HARD_LIMIT;
	key->reject_after_ns = reject_after_ms ?
		ktime_get_coarse_boottime_ns() +
		(u64)reject_after_ms * NSEC_PER_MSEC : U64_MAX;
	jp_replay_init(&key->rx_replay);
	memcpy(key->enc_material, enc_key, key_len);
	memcpy(key->dec_material, dec_key, key_len);

	if (cipher == JUMPING_CIPHER_AES256GCM) {
		key->aead = jp_aead_pair_new(enc_key, dec_key, key_len);
		if (IS_ERR(key->aead)) {
			int err = PTR_ERR(key->aead);

			jp_key_wipe_free(key);
			return ERR_PTR(err);
		}
	}
	return key;
}

/*
 * A grace period after the last reference went: no reader can reach the
 * key any more. Softirq: the transforms go to the workqueue.
 */
static void jp_key_free_rcu(struct rcu_head *rcu)
{
	struct jp_key *key = container_of(rcu, struct jp_key, rcu);

	if (key->aead)
		queue_work(jp_key_wq, &key->aead->free_work);
	jp_key_wipe_free(key);
}

static void jp_key_release(struct kref *ref)
{
	struct jp_key *key = container_of(ref, struct jp_key, ref);

	call_rcu(&key->rcu, jp_key_free_rcu);
}

/* Any context. */
void jp_key_put(struct jp_key *key)
{
	if (key)
		kref_put(&key->ref, jp_key_release);
}

/**
 * jp_key_next_counter - reserve the counter of the next packet to send
 * @key: a primary key, under RCU
 * @counter: set to the reserved counter
 *
 * Return: 0, or -EKEYEXPIRED once the key has sent its hard limit.
 */
int jp_key_next_counter(struct jp_key *key, u64 *counter)
{
	u64 c = atomic64_inc_return(&key->tx_counter) - 1;

	if (unlikely(c >= key->tx_hard_limit))
		return -EKEYEXPIRED;
	*counter = c;
	return 0;
}

/*
 * AES-256-GCM over the whole packet from our header on (@sg): the header is
 * the associated data, then @len bytes of text, then the tag's room
 * (encrypt) or the tag (decrypt, which @len then includes).
 *
 * The request is this CPU's scratch, so nothing else may use it until we
 * are done: bottom halves are disabled around it (a no-op count in receive,
 * which is softirq already, and in transmit, which the core calls with BH
 * disabled), and with them preemption. Nothing on this CPU can then enter
 * here again: no softirq runs, no other task, and hard interrupts do no
 * AES-GCM (a transmit with interrupts off, netpoll's, is refused below:
 * bottom halves cannot be enabled again there). It also keeps
 * crypto_simd_usable() true from the test to the AES-NI code's own
 * kernel_fpu_begin().
 */
static int jp_gcm_skb(const struct jp_gcm *g, struct scatterlist *sg,
		      unsigned int len, u64 counter, bool encrypt)
{
	struct aead_request *req;
	void *scratch;
	int err;

	if (unlikely(in_hardirq() || irqs_disabled()))
		return -EOPNOTSUPP;
	local_bh_disable();
	scratch = this_cpu_read(jp_aead_scratch);
	req = scratch + jp_aead_req_off;
	aead_request_set_tfm(req, g->fast && crypto_simd_usable() ? g->fast :
								    g->sync);
	aead_request_set_callback(req, 0, NULL, NULL);
	jp_nonce_from_counter(scratch, cpu_to_be64(counter));
	aead_request_set_ad(req, JP_HDR_LEN);
	aead_request_set_crypt(req, sg, sg, len, scratch);
	err = encrypt ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
	local_bh_enable();
	return err;
}

/*
 * ChaCha20-Poly1305's nonce as the library takes it. The library's nonce
 * is 4 zero bytes, then its u64 argument in little-endian order; ours is
 * 4 zero bytes, then the counter in big-endian order, as the header
 * carries it (jp_nonce_from_counter()). The two are the same 12 bytes when
 * the argument is the counter byte-swapped, on a host of either byte
 * order. The self-test's packets, computed outside the kernel, pin it.
 */
static u64 jp_chacha_nonce(u64 counter)
{
	return swab64(counter);
}

/*
 * ChaCha20-Poly1305 in place over @sg, the packet after our header, which
 * is the associated data (linear: skb->data). @len: the text, without the
 * tag (encrypt writes the tag after it) or with it (decrypt). The library
 * keeps its state on the stack: any context. Return: 0 or -EBADMSG.
 */
static int jp_chacha_skb(const u8 *key, struct sk_buff *skb,
			 struct scatterlist *sg, unsigned int len, u64 counter,
			 bool encrypt)
{
	bool ok;

	ok = encrypt ?
	     chacha20poly1305_encrypt_sg_inplace(sg, len, skb->data,
						 JP_HDR_LEN,
						 jp_chacha_nonce(counter), key) :
	     chacha20poly1305_decrypt_sg_inplace(sg, len, skb->data,
						 JP_HDR_LEN,
						 jp_chacha_nonce(counter), key);
	return ok ? 0 : -EBADMSG;
}

/*
 * The packet's AEAD, @nfrags from skb_cow_data(). ChaCha20-Poly1305 takes
 * the associated data apart, AES-GCM as the start of the scatterlist.
 */
static int jp_aead_skb(struct jp_key *key, struct sk_buff *skb, int nfrags,
		       unsigned int len, u64 counter, bool encrypt)
{
	unsigned int off = key->aead ? 0 : JP_HDR_LEN;
	struct scatterlist sg[JP_SG_MAX];
	int err;

	if (unlikely(nfrags > JP_SG_MAX))
		return -EMSGSIZE;
	sg_init_table(sg, nfrags);
	err = skb_to_sgvec(skb, sg, off, skb->len - off);
	if (unlikely(err <= 0))
		return err ?: -EINVAL;
	if (!key->aead)
		return jp_chacha_skb(encrypt ? key->enc_material :
					       key->dec_material,
				     skb, sg, len, counter, encrypt);
	return jp_gcm_skb(encrypt ? &key->aead->enc : &key->aead->dec, sg,
			  len, counter, encrypt);
}

/**
 * jp_encrypt_skb - turn an inner packet into a data packet's payload
 * @key: the primary key, under the caller's rcu_read_lock()
 * @skb: the inner IP packet, not GSO; on error the caller frees it
 * @peer_session_id: the id the peer chose, to put in the header
 * @counter: from jp_key_next_counter()
 *
 * On return skb->data is our header, followed by the ciphertext and the tag,
 * with JP_TX_HEADROOM in front for the outer headers. Allocates nothing
 * unless the skb lacks head- or tailroom or is shared.
 *
 * Return: 0, -EMSGSIZE for a packet in more pieces than JP_SG_MAX, or
 * another error.
 */
int jp_encrypt_skb(struct jp_key *key, struct sk_buff *skb,
		   u32 peer_session_id, u64 counter)
{
	unsigned int plain_len = skb->len;
	struct jp_data_hdr *hdr;
	struct sk_buff *trailer;
	int nfrags;

	/* The inner checksum must be final before it is encrypted. */
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		return -EINVAL;
	if (skb_cow_head(skb, JP_TX_HEADROOM))
		return -ENOMEM;
	/* Writable data, and room for the tag at the end of the last skb. */
	nfrags = skb_cow_data(skb, JP_TAG_LEN, &trailer);
	if (nfrags < 0)
		return nfrags;

	hdr = skb_push(skb, JP_HDR_LEN);
	hdr->type = JP_PKT_DATA;
	hdr->key = key->key_id;
	hdr->flags = 0;
	hdr->session_id = cpu_to_be32(peer_session_id);
	hdr->counter = cpu_to_be64(counter);
	pskb_put(skb, trailer, JP_TAG_LEN);
	return jp_aead_skb(key, skb, nfrags, plain_len, counter, true);
}

/**
 * jp_decrypt_skb - authenticate and decrypt a data packet
 * @key: the key the header names, under the caller's rcu_read_lock()
 * @skb: our header (linear) then ciphertext and tag; on error the caller
 *       frees it
 * @counter: the header's counter, already checked against the replay
 *           window; the caller updates the window after success
 *
 * On success skb->data is the inner packet: header and tag are gone.
 * Return: 0, -EBADMSG if the packet does not authenticate, -EMSGSIZE if it
 * is in more pieces than JP_SG_MAX, or another error.
 */
int jp_decrypt_skb(struct jp_key *key, struct sk_buff *skb, u64 counter)
{
	struct sk_buff *trailer;
	unsigned int len;
	int nfrags, err;

	if (skb->len < JP_OVERHEAD)
		return -EBADMSG;
	if (counter >= key->tx_hard_limit)
		return -EKEYEXPIRED;
	nfrags = skb_cow_data(skb, 0, &trailer);
	if (nfrags < 0)
		return nfrags;

	len = skb->len - JP_HDR_LEN;
	err = jp_aead_skb(key, skb, nfrags, len, counter, false);
	if (err)
		return err;

	err = pskb_trim(skb, skb->len - JP_TAG_LEN);
	if (err)
		return err;
	__skb_pull(skb, JP_HDR_LEN);
	return 0;
}

/*
 * The request room AES-GCM needs, from the transforms this machine gives
 * (probed unkeyed; the AES-NI one needs none of its own today). A machine
 * without AES-GCM at all still loads: its AES-GCM keys are refused.
 */
static void jp_aead_scratch_free(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		kfree(per_cpu(jp_aead_scratch, cpu));
		per_cpu(jp_aead_scratch, cpu) = NULL;
	}
}

static int jp_aead_scratch_init(void)
{
	unsigned int reqsize = 0, cpu;
	struct crypto_aead *tfm;

	/*
	 * A kernel without one of them (-ENOENT) refuses AES keys or uses
	 * the other; any other error fails the load, or an AES key would be
	 * refused until the module is reloaded.
	 */
	tfm = crypto_alloc_aead("gcm(aes)", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm) && PTR_ERR(tfm) != -ENOENT)
		return PTR_ERR(tfm);
	if (!IS_ERR(tfm)) {
		reqsize = crypto_aead_reqsize(tfm);
		crypto_free_aead(tfm);
	}
	tfm = jp_aead_alloc_fast();
	if (IS_ERR(tfm) && PTR_ERR(tfm) != -ENOENT)
		return PTR_ERR(tfm);
	if (!IS_ERR(tfm)) {
		reqsize = max(reqsize, crypto_aead_reqsize(tfm));
		crypto_free_aead(tfm);
	}
	/* The nonce first, then the request at the context's alignment. */
	jp_aead_req_off = ALIGN(JP_NONCE_LEN, crypto_tfm_ctx_alignment());
	jp_aead_req_size = reqsize;
	/* kmalloc() aligns to CRYPTO_MINALIGN, the context's alignment. */
	for_each_possible_cpu(cpu) {
		void *buf = kmalloc_node(jp_aead_req_off +
					 sizeof(struct aead_request) + reqsize,
					 GFP_KERNEL, cpu_to_node(cpu));

		if (!buf) {
			jp_aead_scratch_free();
			return -ENOMEM;
		}
		per_cpu(jp_aead_scratch, cpu) = buf;
	}
	return 0;
}

/*
 * Module init: the key cache, the workqueue that frees transforms and the
 * AEAD scratch.
 */
int jp_crypto_init(void)
{
	int err = -ENOMEM;

	/*
	 * Module init runs in a fault-injection run's scope; this call is
	 * left out of it: 6.1's SLUB leaks a new cache's name when its sysfs
	 * registration fails (CVE-2024-25740, fixed upstream after 6.1),
	 * which kmemleak would pin on every run.
	 */
	jp_fault_scope_exit();
	jp_key_cache = KMEM_CACHE(jp_key, 0);
	jp_fault_scope_enter();
	if (!jp_key_cache)
		return -ENOMEM;
	jp_key_wq = alloc_workqueue("jumping_keys", 0, 0);
	if (!jp_key_wq)
		goto err_cache;
	err = jp_aead_scratch_init();
	if (err)
		goto err_wq;
	return 0;

err_wq:
	destroy_workqueue(jp_key_wq);
err_cache:
	kmem_cache_destroy(jp_key_cache);
	return err;
}

/*
 * Module exit, after every device and so every session is gone. Frees are
 * chained through two grace periods (a session's RCU callback puts its
 * keys, each key's RCU callback frees it and queues its transforms' free),
 * hence two barriers before the workqueue drains the last transform frees
 * and the cache, now empty, goes.
 */
void jp_crypto_exit(void)
{
	rcu_barrier();
	rcu_barrier();
	destroy_workqueue(jp_key_wq);
	kmem_cache_destroy(jp_key_cache);
	jp_aead_scratch_free();
}

#ifdef JUMPING_SELFTEST
#include "selftest/crypto.c"
#endif
