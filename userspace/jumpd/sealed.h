/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sealed records: what a gateway cluster keeps in etcd, encrypted and
 * authenticated under a cluster key that etcd never sees (docs/cluster.md,
 * "What is in etcd").
 *
 *  record = format (1) = 1 | version (8, big endian) | nonce (24) |
 *           XChaCha20-Poly1305(cluster key, nonce, ad, plaintext) (n + 16)
 *  ad     = "jumping-vpn cluster record" | format (1) | version (8) |
 *           the etcd key name
 *
 * The etcd key name in the associated data binds a record to the key it
 * was written under: moved to another session's key it does not open.
 * The version (the writer's count of its writes of that key) is in the
 * clear so a reader can refuse one older than what it already holds, and
 * authenticated so it cannot be changed to get past that check. The nonce
 * is random: 24 bytes make a collision under one key negligible, with no
 * counter to keep consistent across gateways.
 * Pure: no state; the key file is read by jd_read_key_file (keyfile.h).
 */
#ifndef JUMPD_SEALED_H
#define JUMPD_SEALED_H

#include <stddef.h>
#include <stdint.h>

#define JD_SEALED_KEY_LEN	32
#define JD_SEALED_FORMAT	1
#define JD_SEALED_NONCE_LEN	24
#define JD_SEALED_TAG_LEN	16
#define JD_SEALED_HDR_LEN	(1 + 8 + JD_SEALED_NONCE_LEN)
#define JD_SEALED_OVERHEAD	(JD_SEALED_HDR_LEN + JD_SEALED_TAG_LEN)
/* etcd's default request limit is 1.5 MiB; a session record is far less. */
#define JD_SEALED_MAX_PLAIN	65536

/* The cluster key from its file: 32 bytes, base64 or hex, mode 0600. */
int jd_cluster_key_load(const char *path, uint8_t key[JD_SEALED_KEY_LEN],
			char *err, size_t errlen);

/*
 * Seal plain (len bytes) as version of the record under etcd_key into out
 * (len + JD_SEALED_OVERHEAD bytes). 0, or -1 if len is over the limit.
 */
int jd_seal(uint8_t *out, const uint8_t *plain, size_t len,
	    const char *etcd_key, uint64_t version,
	    const uint8_t key[JD_SEALED_KEY_LEN]);

/*
 * Open the record rec (rec_len bytes) read from etcd_key into plain
 * (rec_len - JD_SEALED_OVERHEAD bytes), refusing versions below
 * min_version. 0 with *plain_len and *version, or -1 with err set:
 * malformed, older than min_version, or does not open (tampered, another
 * key name or version, another cluster key: deliberately not told apart).
 */
int jd_sealed_open(uint8_t *plain, size_t *plain_len, uint64_t *version,
		   const uint8_t *rec, size_t rec_len, const char *etcd_key,
		   uint64_t min_version, const uint8_t key[JD_SEALED_KEY_LEN],
		   char *err, size_t errlen);

#endif /* JUMPD_SEALED_H */
