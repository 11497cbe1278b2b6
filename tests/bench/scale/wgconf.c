// SPDX-License-Identifier: GPL-2.0
/*
 * jpsim wgconf: the WireGuard side of make bench-scale, a `wg setconf`
 * file for a gateway with N peers laid out as jpsim's sessions (peer i:
 * AllowedIPs inner_base + i/32, Endpoint client_base + i). The first
 * @live peers get real key pairs, their private keys written to @keydir
 * for a client to handshake as them; the others' public keys are just
 * 32 derived bytes (the gateway cannot tell, and X25519 for each would
 * make the generator, not WireGuard, the slow part).
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <sodium.h>

#include "jpsim.h"

static void b64(char out[45], const uint8_t key[32])
{
	sodium_bin2base64(out, 45, key, 32, sodium_base64_VARIANT_ORIGINAL);
}

static void wg_key(const struct jpsim *o, uint32_t i, uint8_t key[32])
{
	jpsim_key(o, i, 0, key);
	/* An X25519 private key, clamped as WireGuard stores it. */
	key[0] &= 248;
	key[31] = (key[31] & 127) | 64;
}

static int write_key(const char *keydir, const char *name, const uint8_t *k)
{
	char path[512], text[45];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", keydir, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "jpsim: %s: %s\n", path, strerror(errno));
		return -1;
	}
	b64(text, k);
	fprintf(f, "%s\n", text);
	return fclose(f);
}

int jpsim_wgconf(const struct jpsim *o, const char *conf, const char *keydir,
		 unsigned int live)
{
	uint8_t priv[32], pub[32];
	struct in_addr a;
	char text[45], name[32];
	FILE *f = fopen(conf, "w");
	uint32_t i;

	if (!f) {
		fprintf(stderr, "jpsim: %s: %s\n", conf, strerror(errno));
		return -1;
	}
	wg_key(o, UINT32_MAX, priv);
	crypto_scalarmult_base(pub, priv);
	b64(text, priv);
	fprintf(f, "[Interface]\nPrivateKey = %s\nListenPort = %u\n", text,
		o->gw_port);
	if (write_key(keydir, "gw.pub", pub))
		goto fail;
	for (i = 0; i < o->n; i++) {
		if (i < live) {
			wg_key(o, i, priv);
			crypto_scalarmult_base(pub, priv);
			snprintf(name, sizeof(name), "%u.key", i);
			if (write_key(keydir, name, priv))
				goto fail;
		} else {
			jpsim_key(o, i, 1, pub);
		}
		b64(text, pub);
		fprintf(f, "\n[Peer]\nPublicKey = %s\n", text);
		a.s_addr = htonl(o->inner_base + i);
		fprintf(f, "AllowedIPs = %s/32\n", inet_ntoa(a));
		a.s_addr = htonl(o->client_base + i);
		fprintf(f, "Endpoint = %s:%u\n", inet_ntoa(a), JPSIM_PORT(i));
	}
	if (fclose(f)) {
		fprintf(stderr, "jpsim: %s: %s\n", conf, strerror(errno));
		return -1;
	}
	return 0;
fail:
	fclose(f);
	return -1;
}
