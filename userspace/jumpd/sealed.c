// SPDX-License-Identifier: GPL-2.0
/* Seal and open cluster records under the cluster key (sealed.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "keyfile.h"
#include "sealed.h"

static const char sealed_label[] = "jumping-vpn cluster record";

int jd_cluster_key_load(const char *path, uint8_t key[JD_SEALED_KEY_LEN],
			char *err, size_t errlen)
{
	return jd_read_key_file(path, key, err, errlen);
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* The associated data: label, the record's header fields, the key name. */
static uint8_t *build_ad(const uint8_t *hdr, const char *etcd_key,
			 size_t *ad_len)
{
	size_t label_len = sizeof(sealed_label) - 1;
	size_t name_len = strlen(etcd_key);
	uint8_t *ad;

	*ad_len = label_len + 9 + name_len;
	ad = malloc(*ad_len);
	if (!ad)
		return NULL;
	memcpy(ad, sealed_label, label_len);
	memcpy(ad + label_len, hdr, 9);
	memcpy(ad + label_len + 9, etcd_key, name_len);
	return ad;
}

int jd_seal(uint8_t *out, const uint8_t *plain, size_t len,
	    const char *etcd_key, uint64_t version,
	    const uint8_t key[JD_SEALED_KEY_LEN])
{
	uint8_t *nonce = out + 9, *ad;
	size_t ad_len;

	if (len > JD_SEALED_MAX_PLAIN)
		return -1;
	out[0] = JD_SEALED_FORMAT;
	put_be64(out + 1, version);
	randombytes_buf(nonce, JD_SEALED_NONCE_LEN);
	ad = build_ad(out, etcd_key, &ad_len);
	if (!ad)
		return -1;
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + JD_SEALED_HDR_LEN,
						   NULL, plain, len, ad, ad_len,
						   NULL, nonce, key);
	free(ad);
	return 0;
}

int jd_sealed_open(uint8_t *plain, size_t *plain_len, uint64_t *version,
		   const uint8_t *rec, size_t rec_len, const char *etcd_key,
		   uint64_t min_version, const uint8_t key[JD_SEALED_KEY_LEN],
		   char *err, size_t errlen)
{
	unsigned long long got;
	uint64_t v;
	uint8_t *ad;
	size_t ad_len;
	int ret;

	if (rec_len < JD_SEALED_OVERHEAD ||
	    rec_len - JD_SEALED_OVERHEAD > JD_SEALED_MAX_PLAIN) {
		snprintf(err, errlen, "%s: record of %zu bytes is malformed",
			 etcd_key, rec_len);
		return -1;
	}
	if (rec[0] != JD_SEALED_FORMAT) {
		snprintf(err, errlen, "%s: record format %u unknown",
			 etcd_key, rec[0]);
		return -1;
	}
	v = get_be64(rec + 1);
	/* An older record replayed over a newer one, or a rolled back etcd. */
	if (v < min_version) {
		snprintf(err, errlen,
			 "%s: record version %llu is older than %llu",
			 etcd_key, (unsigned long long)v,
			 (unsigned long long)min_version);
		return -1;
	}
	ad = build_ad(rec, etcd_key, &ad_len);
	if (!ad) {
		snprintf(err, errlen, "%s: out of memory", etcd_key);
		return -1;
	}
	ret = crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &got, NULL,
			rec + JD_SEALED_HDR_LEN, rec_len - JD_SEALED_HDR_LEN,
			ad, ad_len, rec + 9, key);
	free(ad);
	if (ret) {
		snprintf(err, errlen,
			 "%s: record does not open under the cluster key",
			 etcd_key);
		return -1;
	}
	*plain_len = (size_t)got;
	*version = v;
	return 0;
}
