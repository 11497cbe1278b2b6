// SPDX-License-Identifier: GPL-2.0
/*
 * HandshakeState (Noise spec 5.3) for the IK and IKpsk2 patterns.
 *
 *   IK:       <- s  ...  -> e, es, s, ss   <- e, ee, se
 *   IKpsk2:   <- s  ...  -> e, es, s, ss   <- e, ee, se, psk
 *
 * Patterns are data (token lists), so the write and read paths are each
 * one loop.  Any error after a message has started to be processed leaves
 * h and ck half-updated, so it poisons the handshake (hs->failed): the
 * caller must start a new one, as the spec requires.
 */
#include <string.h>

#include "noise_internal.h"

enum noise_token {
	TOK_END = 0,
	TOK_E,
	TOK_S,
	TOK_EE,
	TOK_ES,
	TOK_SE,
	TOK_SS,
	TOK_PSK,
};

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define NOISE_MAX_MESSAGES	2
#define NOISE_MAX_TOKENS	6

struct noise_pattern {
	const char *name;
	bool psk_mode;		/* "e" also does MixKey (spec 9.2) */
	bool pre_resp_static;	/* pre-message "<- s" */
	unsigned int num_messages;
	enum noise_token msgs[NOISE_MAX_MESSAGES][NOISE_MAX_TOKENS];
};

static const struct noise_pattern noise_patterns[] = {
	{
		.name = "IK",
		.pre_resp_static = true,
		.num_messages = 2,
		.msgs = {
			{ TOK_E, TOK_ES, TOK_S, TOK_SS },
			{ TOK_E, TOK_EE, TOK_SE },
		},
	},
	{
		.name = "IKpsk2",
		.psk_mode = true,
		.pre_resp_static = true,
		.num_messages = 2,
		.msgs = {
			{ TOK_E, TOK_ES, TOK_S, TOK_SS },
			{ TOK_E, TOK_EE, TOK_SE, TOK_PSK },
		},
	},
};

const char *noise_strerror(int err)
{
	switch (err) {
	case NOISE_OK:		return "success";
	case NOISE_EINVAL:	return "invalid argument";
	case NOISE_EPROTO:	return "unsupported Noise protocol name";
	case NOISE_ESTATE:	return "operation not valid in this handshake state";
	case NOISE_ESPACE:	return "buffer too small or message too long";
	case NOISE_ESHORT:	return "message truncated";
	case NOISE_EAUTH:	return "authentication failed";
	case NOISE_EDH:		return "DH result is all zero (bad public key)";
	case NOISE_ENONCE:	return "nonce exhausted";
	case NOISE_ENOPSK:	return "pre-shared key required but not set";
	case NOISE_ESODIUM:	return "libsodium initialisation failed";
	}
	return "unknown error";
}

int noise_init(void)
{
	return sodium_init() < 0 ? NOISE_ESODIUM : NOISE_OK;
}

/* "Noise_<pattern>_25519_ChaChaPoly_<hash>" */
static int noise_parse_name(const char *name,
			    const struct noise_pattern **pattern,
			    enum noise_hash_id *hash)
{
	static const char prefix[] = "Noise_";
	static const char middle[] = "_25519_ChaChaPoly_";
	const char *p, *mid;
	size_t plen, i;

	if (strncmp(name, prefix, sizeof(prefix) - 1))
		return NOISE_EPROTO;
	p = name + sizeof(prefix) - 1;
	mid = strstr(p, middle);
	if (!mid)
		return NOISE_EPROTO;
	plen = (size_t)(mid - p);

	for (i = 0; i < ARRAY_SIZE(noise_patterns); i++) {
		if (strlen(noise_patterns[i].name) == plen &&
		    !strncmp(noise_patterns[i].name, p, plen)) {
			*pattern = &noise_patterns[i];
			return noise_hash_by_name(mid + sizeof(middle) - 1, hash);
		}
	}
	return NOISE_EPROTO;
}

static int noise_keypair_from_private(struct noise_keypair *kp,
				      const uint8_t *priv)
{
	memcpy(kp->priv, priv, NOISE_DH_LEN);
	if (crypto_scalarmult_base(kp->pub, kp->priv) != 0) {
		sodium_memzero(kp, sizeof(*kp));
		return NOISE_EINVAL;
	}
	kp->set = true;
	return NOISE_OK;
}

void noise_handshake_wipe(struct noise_handshake *hs)
{
	sodium_memzero(hs, sizeof(*hs));
}

int noise_handshake_init(struct noise_handshake *hs, const char *protocol_name,
			 bool initiator,
			 const uint8_t *prologue, size_t prologue_len,
			 const uint8_t *s_priv, const uint8_t *rs,
			 const uint8_t *psk)
{
	const struct noise_pattern *pattern;
	enum noise_hash_id hash;
	int err;

	if (!hs || !protocol_name || (prologue_len && !prologue))
		return NOISE_EINVAL;
	memset(hs, 0, sizeof(*hs));
	err = noise_parse_name(protocol_name, &pattern, &hash);
	if (err)
		return err;
	/* IK: both sides have a static key; the initiator knows the peer's. */
	if (!s_priv || (initiator && pattern->pre_resp_static && !rs))
		return NOISE_EINVAL;

	hs->pattern = pattern;
	hs->initiator = initiator;
	err = noise_keypair_from_private(&hs->s, s_priv);
	if (err)
		return err;
	if (rs && initiator) {
		memcpy(hs->rs, rs, NOISE_DH_LEN);
		hs->has_rs = true;
	}
	if (psk)
		noise_handshake_set_psk(hs, psk);

	noise_symmetric_init(&hs->ss, hash, protocol_name);
	noise_mix_hash(&hs->ss, prologue, prologue_len);
	if (pattern->pre_resp_static)
		noise_mix_hash(&hs->ss, initiator ? hs->rs : hs->s.pub,
			       NOISE_DH_LEN);
	return NOISE_OK;
}

int noise_handshake_set_psk(struct noise_handshake *hs, const uint8_t *psk)
{
	if (!hs->pattern || !psk)
		return NOISE_EINVAL;
	memcpy(hs->psk, psk, NOISE_PSK_LEN);
	hs->has_psk = true;
	return NOISE_OK;
}

int noise_handshake_set_ephemeral(struct noise_handshake *hs,
				  const uint8_t *e_priv)
{
	if (!hs->pattern || !e_priv)
		return NOISE_EINVAL;
	if (hs->e.set || hs->msg_index)
		return NOISE_ESTATE;
	return noise_keypair_from_private(&hs->e, e_priv);
}

bool noise_handshake_done(const struct noise_handshake *hs)
{
	return hs->pattern && !hs->failed &&
	       hs->msg_index >= hs->pattern->num_messages;
}

bool noise_handshake_my_turn(const struct noise_handshake *hs)
{
	if (!hs->pattern || hs->failed || noise_handshake_done(hs))
		return false;
	/* even messages go initiator -> responder */
	return (hs->msg_index % 2 == 0) == hs->initiator;
}

int noise_handshake_remote_static(const struct noise_handshake *hs,
				  uint8_t *out)
{
	if (!hs->has_rs)
		return NOISE_ESTATE;
	memcpy(out, hs->rs, NOISE_DH_LEN);
	return NOISE_OK;
}

int noise_handshake_hash(const struct noise_handshake *hs,
			 uint8_t *out, size_t cap, size_t *len)
{
	if (!hs->pattern)
		return NOISE_ESTATE;
	if (cap < hs->ss.hash_len)
		return NOISE_ESPACE;
	memcpy(out, hs->ss.h, hs->ss.hash_len);
	*len = hs->ss.hash_len;
	return NOISE_OK;
}

/*
 * Bytes the current message takes besides the payload: walks the tokens
 * tracking whether a key exists yet, since that decides whether "s" and
 * the payload carry a tag.  Checked before any state changes, so a short
 * buffer or a truncated message does not poison the handshake.
 */
static size_t noise_message_overhead(const struct noise_handshake *hs)
{
	const enum noise_token *tok = hs->pattern->msgs[hs->msg_index];
	bool has_key = hs->ss.cs.has_key;
	size_t len = 0;
	int i;

	for (i = 0; i < NOISE_MAX_TOKENS && tok[i] != TOK_END; i++) {
		switch (tok[i]) {
		case TOK_E:
			len += NOISE_DH_LEN;
			if (hs->pattern->psk_mode)
				has_key = true;
			break;
		case TOK_S:
			len += NOISE_DH_LEN + (has_key ? NOISE_TAG_LEN : 0);
			break;
		default:	/* DH and psk tokens all MixKey */
			has_key = true;
			break;
		}
	}
	return len + (has_key ? NOISE_TAG_LEN : 0);
}

static int noise_dh(struct noise_handshake *hs, const struct noise_keypair *kp,
		    const uint8_t *pub)
{
	uint8_t shared[NOISE_DH_LEN];

	/* libsodium returns -1 when the result is all zero */
	if (crypto_scalarmult(shared, kp->priv, pub) != 0)
		return NOISE_EDH;
	noise_mix_key(&hs->ss, shared, sizeof(shared));
	sodium_memzero(shared, sizeof(shared));
	return NOISE_OK;
}

/* The DH and psk tokens are the same for writer and reader. */
static int noise_mix_token(struct noise_handshake *hs, enum noise_token tok)
{
	bool init = hs->initiator;

	switch (tok) {
	case TOK_EE:
		return noise_dh(hs, &hs->e, hs->re);
	case TOK_ES:
		return init ? noise_dh(hs, &hs->e, hs->rs)
			    : noise_dh(hs, &hs->s, hs->re);
	case TOK_SE:
		return init ? noise_dh(hs, &hs->s, hs->re)
			    : noise_dh(hs, &hs->e, hs->rs);
	case TOK_SS:
		return noise_dh(hs, &hs->s, hs->rs);
	case TOK_PSK:
		if (!hs->has_psk)
			return NOISE_ENOPSK;
		noise_mix_key_and_hash(&hs->ss, hs->psk, NOISE_PSK_LEN);
		return NOISE_OK;
	default:
		return NOISE_EINVAL;
	}
}

/* Whether this message reaches a psk token we could not process. */
static bool noise_message_needs_psk(const struct noise_handshake *hs)
{
	const enum noise_token *tok = hs->pattern->msgs[hs->msg_index];
	int i;

	for (i = 0; i < NOISE_MAX_TOKENS && tok[i] != TOK_END; i++)
		if (tok[i] == TOK_PSK && !hs->has_psk)
			return true;
	return false;
}

static int noise_write_tokens(struct noise_handshake *hs,
			      uint8_t *out, size_t out_cap, size_t *pos)
{
	const enum noise_token *tok = hs->pattern->msgs[hs->msg_index];
	size_t n;
	int i, err;

	for (i = 0; i < NOISE_MAX_TOKENS && tok[i] != TOK_END; i++) {
		switch (tok[i]) {
		case TOK_E:
			if (!hs->e.set) {
				uint8_t priv[NOISE_DH_LEN];

				randombytes_buf(priv, sizeof(priv));
				err = noise_keypair_from_private(&hs->e, priv);
				sodium_memzero(priv, sizeof(priv));
				if (err)
					return err;
			}
			memcpy(out + *pos, hs->e.pub, NOISE_DH_LEN);
			*pos += NOISE_DH_LEN;
			noise_mix_hash(&hs->ss, hs->e.pub, NOISE_DH_LEN);
			if (hs->pattern->psk_mode)
				noise_mix_key(&hs->ss, hs->e.pub, NOISE_DH_LEN);
			break;
		case TOK_S:
			err = noise_encrypt_and_hash(&hs->ss, hs->s.pub,
						     NOISE_DH_LEN, out + *pos,
						     out_cap - *pos, &n);
			if (err)
				return err;
			*pos += n;
			break;
		default:
			err = noise_mix_token(hs, tok[i]);
			if (err)
				return err;
			break;
		}
	}
	return NOISE_OK;
}

int noise_write_message(struct noise_handshake *hs,
			const uint8_t *payload, size_t payload_len,
			uint8_t *out, size_t out_cap, size_t *out_len)
{
	size_t pos = 0, n, need;
	int err;

	if (!hs || !out || !out_len || (payload_len && !payload))
		return NOISE_EINVAL;
	if (!noise_handshake_my_turn(hs))
		return NOISE_ESTATE;
	if (noise_message_needs_psk(hs))
		return NOISE_ENOPSK;
	need = noise_message_overhead(hs) + payload_len;
	if (need > NOISE_MAX_MSG_LEN || need > out_cap)
		return NOISE_ESPACE;

	err = noise_write_tokens(hs, out, out_cap, &pos);
	if (!err)
		err = noise_encrypt_and_hash(&hs->ss, payload, payload_len,
					     out + pos, out_cap - pos, &n);
	if (err) {
		hs->failed = true;
		return err;
	}
	*out_len = pos + n;
	hs->msg_index++;
	return NOISE_OK;
}

static int noise_read_tokens(struct noise_handshake *hs,
			     const uint8_t *msg, size_t msg_len, size_t *pos)
{
	const enum noise_token *tok = hs->pattern->msgs[hs->msg_index];
	size_t n, len;
	int i, err;

	for (i = 0; i < NOISE_MAX_TOKENS && tok[i] != TOK_END; i++) {
		switch (tok[i]) {
		case TOK_E:
			memcpy(hs->re, msg + *pos, NOISE_DH_LEN);
			hs->has_re = true;
			*pos += NOISE_DH_LEN;
			noise_mix_hash(&hs->ss, hs->re, NOISE_DH_LEN);
			if (hs->pattern->psk_mode)
				noise_mix_key(&hs->ss, hs->re, NOISE_DH_LEN);
			break;
		case TOK_S:
			len = NOISE_DH_LEN +
			      (hs->ss.cs.has_key ? NOISE_TAG_LEN : 0);
			err = noise_decrypt_and_hash(&hs->ss, msg + *pos, len,
						     hs->rs, NOISE_DH_LEN, &n);
			if (err)
				return err;
			hs->has_rs = true;
			*pos += len;
			break;
		default:
			err = noise_mix_token(hs, tok[i]);
			if (err)
				return err;
			break;
		}
	}
	(void)msg_len;	/* bounds were checked against the overhead */
	return NOISE_OK;
}

int noise_read_message(struct noise_handshake *hs,
		       const uint8_t *msg, size_t msg_len,
		       uint8_t *payload, size_t payload_cap,
		       size_t *payload_len)
{
	size_t pos = 0, overhead;
	int err;

	if (!hs || !msg || !payload_len || (payload_cap && !payload))
		return NOISE_EINVAL;
	if (!hs->pattern || hs->failed || noise_handshake_done(hs) ||
	    noise_handshake_my_turn(hs))
		return NOISE_ESTATE;
	if (msg_len > NOISE_MAX_MSG_LEN)
		return NOISE_ESPACE;
	overhead = noise_message_overhead(hs);
	if (msg_len < overhead)
		return NOISE_ESHORT;
	if (payload_cap < msg_len - overhead)
		return NOISE_ESPACE;
	/*
	 * A responder may set the psk only after message 1 told it who the
	 * peer is; a psk token in a message we read needs it now.
	 */
	if (noise_message_needs_psk(hs))
		return NOISE_ENOPSK;

	err = noise_read_tokens(hs, msg, msg_len, &pos);
	if (!err)
		err = noise_decrypt_and_hash(&hs->ss, msg + pos, msg_len - pos,
					     payload, payload_cap, payload_len);
	if (err) {
		hs->failed = true;
		return err;
	}
	hs->msg_index++;
	return NOISE_OK;
}

int noise_split(struct noise_handshake *hs,
		struct noise_cipher *tx, struct noise_cipher *rx)
{
	struct noise_cipher c1, c2;

	if (!hs || !tx || !rx)
		return NOISE_EINVAL;
	if (!noise_handshake_done(hs) || hs->split)
		return NOISE_ESTATE;
	noise_symmetric_split(&hs->ss, &c1, &c2);
	/* c1 carries initiator -> responder traffic */
	*tx = hs->initiator ? c1 : c2;
	*rx = hs->initiator ? c2 : c1;
	noise_cipher_wipe(&c1);
	noise_cipher_wipe(&c2);

	/* keep h and rs (public) for the caller; drop every secret */
	sodium_memzero(hs->ss.ck, sizeof(hs->ss.ck));
	noise_cipher_wipe(&hs->ss.cs);
	sodium_memzero(&hs->s, sizeof(hs->s));
	sodium_memzero(&hs->e, sizeof(hs->e));
	sodium_memzero(hs->psk, sizeof(hs->psk));
	hs->has_psk = false;
	hs->split = true;
	return NOISE_OK;
}
