/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Noise protocol framework core (rev 34), just what jumpd needs:
 * the IK and IKpsk2 patterns over 25519 / ChaChaPoly / {BLAKE2b, SHA256}.
 *
 * Every primitive comes from libsodium; this library only composes them
 * into CipherState, SymmetricState and HandshakeState as the spec defines.
 * Call sodium_init() (or noise_init()) before anything else.
 *
 * Usage, initiator side:
 *	noise_handshake_init(&hs, "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2b",
 *			     true, prologue, plen, my_priv, peer_pub, psk);
 *	noise_write_message(&hs, payload, n, buf, sizeof(buf), &len);
 *	... send buf, receive reply ...
 *	noise_read_message(&hs, reply, rlen, pl, sizeof(pl), &pllen);
 *	noise_split(&hs, &tx, &rx);	// also wipes hs
 *
 * All functions return NOISE_OK (0) or a negative enum noise_err.
 */
#ifndef JUMPING_NOISE_H
#define JUMPING_NOISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NOISE_DH_LEN		32	/* X25519 public / private / shared */
#define NOISE_KEY_LEN		32	/* ChaChaPoly key */
#define NOISE_PSK_LEN		32
#define NOISE_TAG_LEN		16	/* Poly1305 tag */
#define NOISE_MAX_HASH_LEN	64	/* BLAKE2b-512 */
#define NOISE_MAX_MSG_LEN	65535	/* spec section 3 */

enum noise_err {
	NOISE_OK = 0,
	NOISE_EINVAL = -1,	/* bad argument */
	NOISE_EPROTO = -2,	/* protocol name not supported */
	NOISE_ESTATE = -3,	/* call not valid in this state / turn */
	NOISE_ESPACE = -4,	/* output buffer too small or message too long */
	NOISE_ESHORT = -5,	/* input message truncated */
	NOISE_EAUTH = -6,	/* AEAD authentication failed */
	NOISE_EDH = -7,		/* DH produced all-zero output (low order point) */
	NOISE_ENONCE = -8,	/* nonce space exhausted */
	NOISE_ENOPSK = -9,	/* psk token reached but no psk was set */
	NOISE_ESODIUM = -10,	/* sodium_init() failed */
};

const char *noise_strerror(int err);

/* Initialise libsodium once; safe to call repeatedly. */
int noise_init(void);

enum noise_hash_id {
	NOISE_HASH_BLAKE2B,
	NOISE_HASH_SHA256,
};

/* CipherState (spec 5.1). */
struct noise_cipher {
	uint8_t k[NOISE_KEY_LEN];
	uint64_t n;
	bool has_key;
};

void noise_cipher_init(struct noise_cipher *cs, const uint8_t *key);
/* out must hold pt_len + NOISE_TAG_LEN (pt_len if no key is set). */
int noise_cipher_encrypt(struct noise_cipher *cs,
			 const uint8_t *ad, size_t ad_len,
			 const uint8_t *pt, size_t pt_len,
			 uint8_t *out, size_t out_cap, size_t *out_len);
/* On failure the nonce is not advanced (spec 5.1). */
int noise_cipher_decrypt(struct noise_cipher *cs,
			 const uint8_t *ad, size_t ad_len,
			 const uint8_t *ct, size_t ct_len,
			 uint8_t *out, size_t out_cap, size_t *out_len);
/* SetNonce: for transports that carry an explicit counter (out of order). */
void noise_cipher_set_nonce(struct noise_cipher *cs, uint64_t n);
/* Rekey (spec 4.2): k = first 32 bytes of ENCRYPT(k, 2^64-1, "", zeros). */
int noise_cipher_rekey(struct noise_cipher *cs);
void noise_cipher_wipe(struct noise_cipher *cs);

/* SymmetricState (spec 5.2). */
struct noise_symmetric {
	enum noise_hash_id hash;
	size_t hash_len;
	struct noise_cipher cs;
	uint8_t ck[NOISE_MAX_HASH_LEN];
	uint8_t h[NOISE_MAX_HASH_LEN];
};

struct noise_keypair {
	uint8_t pub[NOISE_DH_LEN];
	uint8_t priv[NOISE_DH_LEN];
	bool set;
};

struct noise_pattern;

/* HandshakeState (spec 5.3). */
struct noise_handshake {
	struct noise_symmetric ss;
	const struct noise_pattern *pattern;
	bool initiator;
	bool failed;		/* any error poisons the handshake */
	bool split;		/* keys handed out, secrets wiped */
	unsigned int msg_index;	/* next message pattern to process */
	struct noise_keypair s;
	struct noise_keypair e;
	uint8_t rs[NOISE_DH_LEN];
	uint8_t re[NOISE_DH_LEN];
	bool has_rs;
	bool has_re;
	uint8_t psk[NOISE_PSK_LEN];
	bool has_psk;
};

/*
 * protocol_name: "Noise_IK_..." or "Noise_IKpsk2_...", 25519, ChaChaPoly,
 * BLAKE2b or SHA256.  s_priv: our static private key (required in IK).
 * rs: the responder's static public key (initiator only; NULL on the
 * responder, which learns it from message 1).  psk: NULL if not yet known;
 * a responder typically sets it with noise_handshake_set_psk() after
 * reading message 1 and looking up the initiator's static key.
 */
int noise_handshake_init(struct noise_handshake *hs, const char *protocol_name,
			 bool initiator,
			 const uint8_t *prologue, size_t prologue_len,
			 const uint8_t *s_priv, const uint8_t *rs,
			 const uint8_t *psk);
int noise_handshake_set_psk(struct noise_handshake *hs, const uint8_t *psk);
/* Fixed ephemeral private key, for test vectors only; before the "e" token. */
int noise_handshake_set_ephemeral(struct noise_handshake *hs,
				  const uint8_t *e_priv);

int noise_write_message(struct noise_handshake *hs,
			const uint8_t *payload, size_t payload_len,
			uint8_t *out, size_t out_cap, size_t *out_len);
int noise_read_message(struct noise_handshake *hs,
		       const uint8_t *msg, size_t msg_len,
		       uint8_t *payload, size_t payload_cap,
		       size_t *payload_len);

/* True once every message pattern has been written or read. */
bool noise_handshake_done(const struct noise_handshake *hs);
/* Our turn to write? (false when done or failed). */
bool noise_handshake_my_turn(const struct noise_handshake *hs);
/* The peer's static public key, once known. */
int noise_handshake_remote_static(const struct noise_handshake *hs,
				  uint8_t *out);
/* h, for channel binding; *len receives HASHLEN. */
int noise_handshake_hash(const struct noise_handshake *hs,
			 uint8_t *out, size_t cap, size_t *len);
/*
 * Split (spec 5.2), mapped to our role: tx encrypts what we send, rx
 * decrypts what we receive.  Only when done; wipes the handshake state
 * except the handshake hash, which stays readable via noise_handshake_hash.
 */
int noise_split(struct noise_handshake *hs,
		struct noise_cipher *tx, struct noise_cipher *rx);
void noise_handshake_wipe(struct noise_handshake *hs);

/* Exposed for tests: HMAC (RFC 2104) and HKDF over the chosen hash. */
int noise_hash_by_name(const char *name, enum noise_hash_id *id);
size_t noise_hash_len(enum noise_hash_id id);
void noise_hmac(enum noise_hash_id id, const uint8_t *key, size_t key_len,
		const uint8_t *data, size_t data_len, uint8_t *out);

#endif /* JUMPING_NOISE_H */
