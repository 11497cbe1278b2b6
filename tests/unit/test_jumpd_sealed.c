// SPDX-License-Identifier: GPL-2.0
/*
 * Sealed cluster records (sealed.h): a record opens only under its cluster
 * key, its etcd key name and its version, and not at all once a byte is
 * changed; the cluster key file is refused when others can read it.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include "sealed.h"
#include "tap.h"

#define NAME "/jumping/c1/sessions/00000007/state"

static int opens(const uint8_t *rec, size_t len, const char *name,
		 uint64_t min_version, const uint8_t *key, char *err,
		 size_t errlen)
{
	uint8_t plain[256];
	size_t plain_len;
	uint64_t version;

	return !jd_sealed_open(plain, &plain_len, &version, rec, len, name,
			       min_version, key, err, errlen);
}

static int contains(const uint8_t *buf, size_t len, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i + n <= len; i++)
		if (!memcmp(buf + i, s, n))
			return 1;
	return 0;
}

static int write_key_file(char *path, const char *text, mode_t mode)
{
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	if (fchmod(fd, mode) ||
	    write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static void test_key_file(void)
{
	static const char b64[] =
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n";
	char path[] = "/tmp/jumping-cluster-key-XXXXXX";
	uint8_t key[JD_SEALED_KEY_LEN];
	char err[256] = "";
	int i, good = 1;

	if (write_key_file(path, b64, 0600)) {
		ok(0, "key file: written");
		return;
	}
	ok(!jd_cluster_key_load(path, key, err, sizeof(err)),
	   "key file: 32 bytes of base64, mode 600, loaded");
	for (i = 0; i < JD_SEALED_KEY_LEN; i++)
		good &= key[i] == i;
	ok(good, "key file: its bytes");
	chmod(path, 0640);
	ok(jd_cluster_key_load(path, key, err, sizeof(err)) &&
	   strstr(err, "chmod 600"),
	   "key file: readable by its group, refused");
	chmod(path, 0604);
	ok(jd_cluster_key_load(path, key, err, sizeof(err)),
	   "key file: readable by others, refused");
	unlink(path);

	strcpy(path, "/tmp/jumping-cluster-key-XXXXXX");
	if (!write_key_file(path,
			    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\n",
			    0600)) {
		ok(jd_cluster_key_load(path, key, err, sizeof(err)) &&
		   strstr(err, "not a 32-byte key"),
		   "key file: 31 bytes, refused");
		unlink(path);
	}
	ok(jd_cluster_key_load("/nonexistent/cluster.key", key, err,
			       sizeof(err)) && strstr(err, "/nonexistent"),
	   "key file: a missing file, refused with its name");
}

int main(void)
{
	static const char msg[] = "session 7: peer key, AllowedIPs, counters";
	uint8_t key[JD_SEALED_KEY_LEN], other_key[JD_SEALED_KEY_LEN];
	uint8_t rec[sizeof(msg) + JD_SEALED_OVERHEAD];
	uint8_t rec2[sizeof(msg) + JD_SEALED_OVERHEAD];
	uint8_t plain[sizeof(msg)], big[JD_SEALED_MAX_PLAIN + 1];
	size_t plain_len = 0, i;
	uint64_t version = 0;
	char err[256] = "";
	int all_refused = 1;

	if (sodium_init() < 0)
		return 1;
	randombytes_buf(key, sizeof(key));
	randombytes_buf(other_key, sizeof(other_key));

	ok(!jd_seal(rec, (const uint8_t *)msg, sizeof(msg), NAME, 5, key),
	   "sealed");
	ok(!jd_sealed_open(plain, &plain_len, &version, rec, sizeof(rec), NAME,
			   5, key, err, sizeof(err)) &&
	   plain_len == sizeof(msg) && !memcmp(plain, msg, sizeof(msg)) &&
	   version == 5, "opens under its key, name and version");
	ok(rec[0] == JD_SEALED_FORMAT && rec[8] == 5,
	   "format and version in the clear");
	ok(!contains(rec, sizeof(rec), "AllowedIPs"), "the rest is not");

	ok(!jd_seal(rec2, (const uint8_t *)msg, sizeof(msg), NAME, 5, key) &&
	   memcmp(rec + 9, rec2 + 9, JD_SEALED_NONCE_LEN),
	   "two seals of the same record: two nonces");

	for (i = 0; i < sizeof(rec); i++) {
		rec[i] ^= 0x01;
		all_refused &= !opens(rec, sizeof(rec), NAME, 0, key, err,
				      sizeof(err));
		rec[i] ^= 0x01;
	}
	ok(all_refused, "any one bit changed anywhere: refused");
	ok(opens(rec, sizeof(rec), NAME, 0, key, err, sizeof(err)),
	   "and restored, it opens again");

	ok(!opens(rec, sizeof(rec), "/jumping/c1/sessions/00000008/state", 0,
		  key, err, sizeof(err)) &&
	   strstr(err, "does not open"),
	   "under another session's key name: refused");
	ok(!opens(rec, sizeof(rec), "/jumping/c2/sessions/00000007/state", 0,
		  key, err, sizeof(err)),
	   "under another cluster's key name: refused");
	ok(!opens(rec, sizeof(rec), NAME, 0, other_key, err, sizeof(err)),
	   "under another cluster key: refused");

	rec[8] = 9;
	ok(!opens(rec, sizeof(rec), NAME, 0, key, err, sizeof(err)),
	   "its version raised in the header: refused");
	rec[8] = 4;
	ok(!opens(rec, sizeof(rec), NAME, 0, key, err, sizeof(err)),
	   "its version lowered in the header: refused");
	rec[8] = 5;
	ok(!opens(rec, sizeof(rec), NAME, 6, key, err, sizeof(err)) &&
	   strstr(err, "older than 6"),
	   "a genuine record older than the reader holds: refused");

	rec[0] = 2;
	ok(!opens(rec, sizeof(rec), NAME, 0, key, err, sizeof(err)) &&
	   strstr(err, "format 2 unknown"), "an unknown format: refused");
	rec[0] = JD_SEALED_FORMAT;
	ok(!opens(rec, JD_SEALED_OVERHEAD - 1, NAME, 0, key, err,
		  sizeof(err)) && strstr(err, "malformed"),
	   "shorter than the overhead: refused");
	ok(!opens(rec, sizeof(rec) - 1, NAME, 0, key, err, sizeof(err)),
	   "truncated by a byte: refused");

	ok(!jd_seal(rec2, NULL, 0, NAME, 1, key) &&
	   !jd_sealed_open(plain, &plain_len, &version, rec2,
			   JD_SEALED_OVERHEAD, NAME, 0, key, err,
			   sizeof(err)) &&
	   plain_len == 0, "an empty record seals and opens");
	memset(big, 0, sizeof(big));
	ok(jd_seal(rec2, big, sizeof(big), NAME, 1, key) == -1,
	   "over JD_SEALED_MAX_PLAIN: not sealed");

	test_key_file();
	return tap_done();
}
