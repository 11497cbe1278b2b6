// SPDX-License-Identifier: GPL-2.0
/*
 * noise_vectors FILE.json: check the Noise core against cacophony-format
 * test vectors, then a few negative cases on the same keys.
 *
 * For each vector, an initiator and a responder are built from the
 * vector's keys (with its fixed ephemerals); every message is written by
 * one side, compared byte for byte with the vector's ciphertext and read
 * by the other side, which must recover the payload.  The handshake
 * messages come first (IK: two); after them both sides Split and the
 * transport messages alternate direction, starting with the initiator,
 * as cacophony generates them.  Output is TAP; exit status 1 on failure.
 */
#include <json-c/json.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "noise.h"

#define MSG_BUF (NOISE_MAX_MSG_LEN + 1)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static unsigned int test_num;
static unsigned int test_failed;

/* Per-test failure reason, printed as a TAP diagnostic. */
static char why[256];

static int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return -1;
}

static void report(int rc, const char *name, const char *what)
{
	test_num++;
	if (rc == 0) {
		printf("ok %u - %s%s%s\n", test_num, name, what ? ": " : "",
		       what ? what : "");
		return;
	}
	test_failed++;
	printf("not ok %u - %s%s%s\n# %s\n", test_num, name, what ? ": " : "",
	       what ? what : "", why);
}

/* A hex field of the vector decoded into buf; *len = bytes. */
struct blob {
	uint8_t buf[MSG_BUF];
	size_t len;
	bool present;
};

static int hex_decode(const char *hex, struct blob *b)
{
	b->present = false;
	if (sodium_hex2bin(b->buf, sizeof(b->buf), hex, strlen(hex), NULL,
			   &b->len, NULL) != 0)
		return fail("bad hex string '%.40s'", hex);
	b->present = true;
	return 0;
}

/* Optional string field; a missing field leaves b->present false. */
static int get_hex(json_object *obj, const char *key, struct blob *b)
{
	json_object *v;

	b->present = false;
	b->len = 0;
	if (!json_object_object_get_ex(obj, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return fail("field %s is not a string", key);
	return hex_decode(json_object_get_string(v), b);
}

/* First element of a psk array field, as cacophony stores psks. */
static int get_psk(json_object *obj, const char *key, struct blob *b)
{
	json_object *arr, *v;

	b->present = false;
	if (!json_object_object_get_ex(obj, key, &arr))
		return 0;
	if (!json_object_is_type(arr, json_type_array))
		return fail("field %s is not an array", key);
	if (json_object_array_length(arr) == 0)
		return 0;
	if (json_object_array_length(arr) > 1)
		return fail("%s: only one psk is supported", key);
	v = json_object_array_get_idx(arr, 0);
	if (!json_object_is_type(v, json_type_string) ||
	    hex_decode(json_object_get_string(v), b))
		return fail("%s[0] is not a hex string", key);
	if (b->len != NOISE_PSK_LEN)
		return fail("%s[0] is %zu bytes, want 32", key, b->len);
	return 0;
}

static int need_key(const struct blob *b, const char *key)
{
	if (b->present && b->len != NOISE_DH_LEN)
		return fail("%s is %zu bytes, want 32", key, b->len);
	return 0;
}

struct vector {
	const char *name;
	struct blob init_prologue, init_static, init_ephemeral, init_rs;
	struct blob init_psk;
	struct blob resp_prologue, resp_static, resp_ephemeral, resp_psk;
	struct blob handshake_hash;
	json_object *messages;
};

static int vector_load(json_object *obj, struct vector *v)
{
	json_object *name;

	if (!json_object_object_get_ex(obj, "protocol_name", &name) ||
	    !json_object_is_type(name, json_type_string))
		return fail("no protocol_name");
	v->name = json_object_get_string(name);
	if (!json_object_object_get_ex(obj, "messages", &v->messages) ||
	    !json_object_is_type(v->messages, json_type_array))
		return fail("no messages array");
	if (get_hex(obj, "init_prologue", &v->init_prologue) ||
	    get_hex(obj, "init_static", &v->init_static) ||
	    get_hex(obj, "init_ephemeral", &v->init_ephemeral) ||
	    get_hex(obj, "init_remote_static", &v->init_rs) ||
	    get_psk(obj, "init_psks", &v->init_psk) ||
	    get_hex(obj, "resp_prologue", &v->resp_prologue) ||
	    get_hex(obj, "resp_static", &v->resp_static) ||
	    get_hex(obj, "resp_ephemeral", &v->resp_ephemeral) ||
	    get_psk(obj, "resp_psks", &v->resp_psk) ||
	    get_hex(obj, "handshake_hash", &v->handshake_hash))
		return -1;
	if (need_key(&v->init_static, "init_static") ||
	    need_key(&v->init_ephemeral, "init_ephemeral") ||
	    need_key(&v->init_rs, "init_remote_static") ||
	    need_key(&v->resp_static, "resp_static") ||
	    need_key(&v->resp_ephemeral, "resp_ephemeral"))
		return -1;
	return 0;
}

static const uint8_t *opt(const struct blob *b)
{
	return b->present ? b->buf : NULL;
}

static int side_init(struct noise_handshake *hs, const struct vector *v,
		     bool initiator, const uint8_t *psk_override)
{
	const struct blob *prologue = initiator ? &v->init_prologue
						: &v->resp_prologue;
	const struct blob *s = initiator ? &v->init_static : &v->resp_static;
	const struct blob *e = initiator ? &v->init_ephemeral
					 : &v->resp_ephemeral;
	const struct blob *psk = initiator ? &v->init_psk : &v->resp_psk;
	const char *who = initiator ? "initiator" : "responder";
	int err;

	err = noise_handshake_init(hs, v->name, initiator, prologue->buf,
				   prologue->len, opt(s),
				   initiator ? opt(&v->init_rs) : NULL,
				   psk_override ? psk_override : opt(psk));
	if (err)
		return fail("%s init: %s", who, noise_strerror(err));
	if (e->present) {
		err = noise_handshake_set_ephemeral(hs, e->buf);
		if (err)
			return fail("%s ephemeral: %s", who,
				    noise_strerror(err));
	}
	return 0;
}

static int message_get(const struct vector *v, size_t i,
		       struct blob *payload, struct blob *ct)
{
	json_object *m = json_object_array_get_idx(v->messages, i);

	if (!m || get_hex(m, "payload", payload) ||
	    get_hex(m, "ciphertext", ct) || !payload->present || !ct->present)
		return fail("message %zu: missing payload or ciphertext", i);
	return 0;
}

static int expect_bytes(const char *what, size_t i,
			const uint8_t *got, size_t got_len,
			const uint8_t *want, size_t want_len)
{
	if (got_len != want_len || memcmp(got, want, want_len))
		return fail("message %zu: %s differs (%zu vs %zu bytes)",
			    i, what, got_len, want_len);
	return 0;
}

static int check_handshake_hash(const struct vector *v,
				const struct noise_handshake *hs)
{
	uint8_t h[NOISE_MAX_HASH_LEN];
	size_t len;

	if (!v->handshake_hash.present)
		return 0;
	if (noise_handshake_hash(hs, h, sizeof(h), &len))
		return fail("no handshake hash");
	if (len != v->handshake_hash.len ||
	    memcmp(h, v->handshake_hash.buf, len))
		return fail("%s handshake hash differs",
			    hs->initiator ? "initiator" : "responder");
	return 0;
}

static uint8_t out[MSG_BUF], pt[MSG_BUF];

/* One handshake message: sender writes, compare, receiver reads. */
static int step_handshake(struct noise_handshake *tx, struct noise_handshake *rx,
			  size_t i, const struct blob *payload,
			  const struct blob *ct)
{
	size_t out_len, pt_len;
	int err;

	err = noise_write_message(tx, payload->buf, payload->len,
				  out, sizeof(out), &out_len);
	if (err)
		return fail("message %zu: write: %s", i, noise_strerror(err));
	if (expect_bytes("ciphertext", i, out, out_len, ct->buf, ct->len))
		return -1;
	err = noise_read_message(rx, ct->buf, ct->len, pt, sizeof(pt),
				 &pt_len);
	if (err)
		return fail("message %zu: read: %s", i, noise_strerror(err));
	return expect_bytes("decrypted payload", i, pt, pt_len,
			    payload->buf, payload->len);
}

static int step_transport(struct noise_cipher *tx, struct noise_cipher *rx,
			  size_t i, const struct blob *payload,
			  const struct blob *ct)
{
	size_t out_len, pt_len;
	int err;

	err = noise_cipher_encrypt(tx, NULL, 0, payload->buf, payload->len,
				   out, sizeof(out), &out_len);
	if (err)
		return fail("message %zu: encrypt: %s", i, noise_strerror(err));
	if (expect_bytes("ciphertext", i, out, out_len, ct->buf, ct->len))
		return -1;
	err = noise_cipher_decrypt(rx, NULL, 0, ct->buf, ct->len,
				   pt, sizeof(pt), &pt_len);
	if (err)
		return fail("message %zu: decrypt: %s", i, noise_strerror(err));
	return expect_bytes("decrypted payload", i, pt, pt_len,
			    payload->buf, payload->len);
}

/* Every message of the vector, then the handshake hash. */
static int run_vector(const struct vector *v)
{
	struct noise_handshake init, resp;
	struct noise_cipher i_tx, i_rx, r_tx, r_rx;
	struct blob *payload, *ct;
	size_t i, n = json_object_array_length(v->messages);
	bool split = false;
	int rc = -1;

	payload = malloc(sizeof(*payload));
	ct = malloc(sizeof(*ct));
	if (!payload || !ct) {
		fail("out of memory");
		goto out;
	}
	if (side_init(&init, v, true, NULL) || side_init(&resp, v, false, NULL))
		goto out;

	for (i = 0; i < n; i++) {
		bool from_init = i % 2 == 0;

		if (message_get(v, i, payload, ct))
			goto out;
		if (!split) {
			if (step_handshake(from_init ? &init : &resp,
					   from_init ? &resp : &init,
					   i, payload, ct))
				goto out;
			if (!noise_handshake_done(&init))
				continue;
			if (!noise_handshake_done(&resp)) {
				fail("responder not done with initiator");
				goto out;
			}
			if (check_handshake_hash(v, &init) ||
			    check_handshake_hash(v, &resp))
				goto out;
			if (noise_split(&init, &i_tx, &i_rx) ||
			    noise_split(&resp, &r_tx, &r_rx)) {
				fail("split failed");
				goto out;
			}
			split = true;
			continue;
		}
		if (step_transport(from_init ? &i_tx : &r_tx,
				   from_init ? &r_rx : &i_rx, i, payload, ct))
			goto out;
	}
	if (!split) {
		fail("vector ends before the handshake completes");
		goto out;
	}
	rc = 0;
out:
	noise_handshake_wipe(&init);
	noise_handshake_wipe(&resp);
	free(payload);
	free(ct);
	return rc;
}

/* Build both sides and run message 0 through; msg gets its bytes. */
static int first_message(const struct vector *v, struct noise_handshake *init,
			 struct noise_handshake *resp, const uint8_t *resp_psk,
			 uint8_t *msg, size_t *msg_len)
{
	int err;

	if (side_init(init, v, true, NULL) ||
	    side_init(resp, v, false, resp_psk))
		return -1;
	err = noise_write_message(init, (const uint8_t *)"x", 1, msg,
				  MSG_BUF, msg_len);
	if (err)
		return fail("write message 0: %s", noise_strerror(err));
	return 0;
}

/* A flipped bit anywhere in message 0 must make the responder fail. */
static int neg_flipped_bit(const struct vector *v)
{
	struct noise_handshake init, resp;
	size_t len, pt_len, pos;
	int err, rc = 0;

	if (first_message(v, &init, &resp, NULL, out, &len))
		return -1;
	/* one bit in e, in the encrypted s, and in the payload's tag */
	for (pos = 0; pos < len && !rc; pos += len / 3 + 1) {
		struct noise_handshake r = resp;

		out[pos] ^= 0x01;
		err = noise_read_message(&r, out, len, pt, sizeof(pt), &pt_len);
		if (err != NOISE_EAUTH)
			rc = fail("flip at byte %zu: got '%s'", pos,
				  noise_strerror(err));
		else if (noise_read_message(&r, out, len, pt, sizeof(pt),
					    &pt_len) != NOISE_ESTATE)
			rc = fail("failed handshake still accepts messages");
		out[pos] ^= 0x01;
		noise_handshake_wipe(&r);
	}
	noise_handshake_wipe(&init);
	noise_handshake_wipe(&resp);
	return rc;
}

/* A responder with another prologue must not accept message 0. */
static int neg_prologue(struct vector *v)
{
	struct noise_handshake init, resp;
	size_t len, pt_len;
	int err, rc;

	if (v->resp_prologue.len >= sizeof(v->resp_prologue.buf))
		return fail("prologue too long to extend");
	v->resp_prologue.buf[v->resp_prologue.len++] = '!';
	rc = first_message(v, &init, &resp, NULL, out, &len);
	v->resp_prologue.len--;
	if (rc)
		return -1;
	err = noise_read_message(&resp, out, len, pt, sizeof(pt), &pt_len);
	noise_handshake_wipe(&init);
	noise_handshake_wipe(&resp);
	if (err != NOISE_EAUTH)
		return fail("got '%s'", noise_strerror(err));
	return 0;
}

/* psk patterns: a responder with a different psk fails the handshake. */
static int neg_wrong_psk(const struct vector *v)
{
	struct noise_handshake init, resp;
	uint8_t bad[NOISE_PSK_LEN];
	size_t len, pt_len;
	int err, rc = 0;

	memcpy(bad, v->resp_psk.buf, sizeof(bad));
	bad[0] ^= 0x80;
	if (first_message(v, &init, &resp, bad, out, &len))
		return -1;
	/* psk2 only enters at the end of message 1: message 0 still reads */
	err = noise_read_message(&resp, out, len, pt, sizeof(pt), &pt_len);
	if (!err)
		err = noise_write_message(&resp, NULL, 0, out, sizeof(out),
					  &len);
	if (err) {
		rc = fail("responder: %s", noise_strerror(err));
		goto out;
	}
	err = noise_read_message(&init, out, len, pt, sizeof(pt), &pt_len);
	if (err != NOISE_EAUTH)
		rc = fail("initiator accepted it: '%s'", noise_strerror(err));
out:
	noise_handshake_wipe(&init);
	noise_handshake_wipe(&resp);
	return rc;
}

/* psk patterns: a responder without a psk refuses to answer. */
static int neg_missing_psk(struct vector *v)
{
	struct noise_handshake init, resp;
	size_t len, pt_len;
	int err, rc;

	v->resp_psk.present = false;
	rc = first_message(v, &init, &resp, NULL, out, &len);
	v->resp_psk.present = true;
	if (rc)
		return -1;
	err = noise_read_message(&resp, out, len, pt, sizeof(pt), &pt_len);
	if (!err)
		err = noise_write_message(&resp, NULL, 0, out, sizeof(out),
					  &len);
	if (err != NOISE_ENOPSK)
		rc = fail("got '%s'", noise_strerror(err));
	noise_handshake_wipe(&init);
	noise_handshake_wipe(&resp);
	return rc;
}

/* Transport: a tampered packet fails and does not advance the nonce. */
static int neg_transport(const struct vector *v)
{
	struct noise_handshake init, resp;
	struct noise_cipher i_tx, i_rx, r_tx, r_rx;
	size_t len, pt_len;
	int rc = -1;

	if (first_message(v, &init, &resp, NULL, out, &len) ||
	    noise_read_message(&resp, out, len, pt, sizeof(pt), &pt_len) ||
	    noise_write_message(&resp, NULL, 0, out, sizeof(out), &len) ||
	    noise_read_message(&init, out, len, pt, sizeof(pt), &pt_len) ||
	    noise_split(&init, &i_tx, &i_rx) ||
	    noise_split(&resp, &r_tx, &r_rx)) {
		fail("handshake did not complete");
		goto out;
	}
	if (noise_cipher_encrypt(&i_tx, NULL, 0, (const uint8_t *)"data", 4,
				 out, sizeof(out), &len)) {
		fail("encrypt failed");
		goto out;
	}
	out[len - 1] ^= 0x01;
	if (noise_cipher_decrypt(&r_rx, NULL, 0, out, len, pt, sizeof(pt),
				 &pt_len) != NOISE_EAUTH) {
		fail("tampered packet accepted");
		goto out;
	}
	out[len - 1] ^= 0x01;
	if (noise_cipher_decrypt(&r_rx, NULL, 0, out, len, pt, sizeof(pt),
				 &pt_len) || pt_len != 4 || memcmp(pt, "data", 4)) {
		fail("genuine packet rejected after a tampered one");
		goto out;
	}
	if (noise_split(&init, &i_tx, &i_rx) != NOISE_ESTATE) {
		fail("second split allowed");
		goto out;
	}
	rc = 0;
out:
	noise_handshake_wipe(&init);
	noise_handshake_wipe(&resp);
	return rc;
}

/*
 * The way jumpd uses the API: fresh ephemerals, a responder that learns
 * who is calling from message 1 and only then sets that peer's psk; a
 * too-small buffer that must not poison the handshake; both sides agree
 * on h; Rekey on both ends keeps them talking; the nonce limit holds.
 */
static int api_flow(struct vector *w)
{
	struct noise_handshake init, resp;
	struct noise_cipher i_tx, i_rx, r_tx, r_rx;
	uint8_t peer[NOISE_DH_LEN], pub[NOISE_DH_LEN];
	uint8_t h1[NOISE_MAX_HASH_LEN], h2[NOISE_MAX_HASH_LEN];
	size_t len, pt_len, h1_len, h2_len;
	bool had_psk = w->resp_psk.present;
	int rc = -1;

	/* no fixed ephemerals, no psk on the responder yet */
	w->init_ephemeral.present = false;
	w->resp_ephemeral.present = false;
	w->resp_psk.present = false;
	rc = side_init(&init, w, true, NULL) || side_init(&resp, w, false, NULL);
	w->init_ephemeral.present = true;
	w->resp_ephemeral.present = true;
	w->resp_psk.present = had_psk;
	if (rc)
		return -1;
	rc = -1;

	if (noise_write_message(&init, NULL, 0, out, 10, &len) != NOISE_ESPACE) {
		fail("short buffer not refused");
		goto out;
	}
	if (noise_write_message(&init, NULL, 0, out, sizeof(out), &len) ||
	    noise_read_message(&resp, out, len, pt, sizeof(pt), &pt_len)) {
		fail("message 0 failed after a refused short buffer");
		goto out;
	}
	crypto_scalarmult_base(pub, w->init_static.buf);
	if (noise_handshake_remote_static(&resp, peer) ||
	    memcmp(peer, pub, sizeof(pub))) {
		fail("responder did not learn the initiator's static key");
		goto out;
	}
	if (had_psk && noise_handshake_set_psk(&resp, w->resp_psk.buf)) {
		fail("late psk refused");
		goto out;
	}
	if (noise_write_message(&resp, NULL, 0, out, sizeof(out), &len) ||
	    noise_read_message(&init, out, len, pt, sizeof(pt), &pt_len) ||
	    noise_handshake_hash(&init, h1, sizeof(h1), &h1_len) ||
	    noise_handshake_hash(&resp, h2, sizeof(h2), &h2_len) ||
	    h1_len != h2_len || memcmp(h1, h2, h1_len) ||
	    noise_split(&init, &i_tx, &i_rx) ||
	    noise_split(&resp, &r_tx, &r_rx)) {
		fail("handshake with fresh ephemerals failed");
		goto out;
	}
	if (noise_cipher_rekey(&i_tx) || noise_cipher_rekey(&r_rx) ||
	    noise_cipher_encrypt(&i_tx, NULL, 0, (const uint8_t *)"k", 1,
				 out, sizeof(out), &len) ||
	    noise_cipher_decrypt(&r_rx, NULL, 0, out, len, pt, sizeof(pt),
				 &pt_len)) {
		fail("traffic after rekey failed");
		goto out;
	}
	noise_cipher_set_nonce(&r_tx, UINT64_MAX);
	if (noise_cipher_encrypt(&r_tx, NULL, 0, (const uint8_t *)"k", 1,
				 out, sizeof(out), &len) != NOISE_ENONCE) {
		fail("reserved nonce 2^64-1 used");
		goto out;
	}
	rc = 0;
out:
	noise_handshake_wipe(&init);
	noise_handshake_wipe(&resp);
	noise_cipher_wipe(&i_tx);
	noise_cipher_wipe(&i_rx);
	noise_cipher_wipe(&r_tx);
	noise_cipher_wipe(&r_rx);
	return rc;
}

/* The composed HMAC, instantiated with SHA-256, against libsodium's. */
static int check_hmac_sha256(void)
{
	static const size_t key_lens[] = { 0, 32, 64, 65, 200 };
	uint8_t key[200], data[300], got[32], want[32];
	crypto_auth_hmacsha256_state st;
	size_t i;

	randombytes_buf(key, sizeof(key));
	randombytes_buf(data, sizeof(data));
	for (i = 0; i < ARRAY_SIZE(key_lens); i++) {
		noise_hmac(NOISE_HASH_SHA256, key, key_lens[i], data,
			   sizeof(data), got);
		crypto_auth_hmacsha256_init(&st, key, key_lens[i]);
		crypto_auth_hmacsha256_update(&st, data, sizeof(data));
		crypto_auth_hmacsha256_final(&st, want);
		if (memcmp(got, want, sizeof(got)))
			return fail("key length %zu differs", key_lens[i]);
	}
	return 0;
}

static void run_all(json_object *vectors)
{
	size_t i, n = json_object_array_length(vectors);
	struct vector *v = malloc(sizeof(*v));

	if (!v) {
		fprintf(stderr, "noise_vectors: out of memory\n");
		exit(2);
	}
	for (i = 0; i < n; i++) {
		char label[64];
		int rc;

		why[0] = '\0';
		rc = vector_load(json_object_array_get_idx(vectors, i), v);
		if (rc) {
			snprintf(label, sizeof(label), "vector %zu", i);
			report(rc, label, NULL);
			continue;
		}
		report(run_vector(v), v->name, NULL);
		report(neg_flipped_bit(v), v->name, "flipped bit rejected");
		report(neg_prologue(v), v->name, "other prologue rejected");
		report(neg_transport(v), v->name,
		       "tampered transport packet rejected");
		report(api_flow(v), v->name,
		       "fresh ephemerals, late psk, rekey, nonce limit");
		if (v->resp_psk.present) {
			report(neg_wrong_psk(v), v->name, "wrong psk rejected");
			report(neg_missing_psk(v), v->name,
			       "missing psk refused");
		}
	}
	free(v);
}

int main(int argc, char **argv)
{
	json_object *root, *vectors;

	if (argc != 2) {
		fprintf(stderr, "usage: %s VECTORS.json\n", argv[0]);
		return 2;
	}
	if (noise_init()) {
		fprintf(stderr, "noise_vectors: libsodium init failed\n");
		return 2;
	}
	root = json_object_from_file(argv[1]);
	if (!root) {
		fprintf(stderr, "noise_vectors: %s: %s\n", argv[1],
			json_util_get_last_err());
		return 2;
	}
	/* cacophony wraps the list in {"vectors": [...]}; accept a bare list */
	if (!json_object_object_get_ex(root, "vectors", &vectors))
		vectors = root;
	if (!json_object_is_type(vectors, json_type_array) ||
	    json_object_array_length(vectors) == 0) {
		fprintf(stderr, "noise_vectors: %s: no vectors array\n",
			argv[1]);
		json_object_put(root);
		return 2;
	}

	why[0] = '\0';
	report(check_hmac_sha256(), "HMAC-SHA256 composition", "matches libsodium");
	run_all(vectors);
	json_object_put(root);

	printf("1..%u\n# %u passed, %u failed\n", test_num,
	       test_num - test_failed, test_failed);
	return test_failed ? 1 : 0;
}
