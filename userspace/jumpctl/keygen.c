// SPDX-License-Identifier: GPL-2.0
/* jumpctl genkey / pubkey: X25519 keys in base64, as `wg` writes them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include "jumpctl.h"

#define B64_LEN sodium_base64_ENCODED_LEN(crypto_scalarmult_BYTES, \
					  sodium_base64_VARIANT_ORIGINAL)

static int write_key(const unsigned char key[crypto_scalarmult_BYTES])
{
	char b64[B64_LEN];

	sodium_bin2base64(b64, sizeof(b64), key, crypto_scalarmult_BYTES,
			  sodium_base64_VARIANT_ORIGINAL);
	if (printf("%s\n", b64) < 0 || fflush(stdout)) {
		sodium_memzero(b64, sizeof(b64));
		return runtime_error("write", strerror(errno));
	}
	sodium_memzero(b64, sizeof(b64));
	return 0;
}

int cmd_genkey(struct args *a)
{
	unsigned char priv[crypto_scalarmult_SCALARBYTES];
	struct stat st;
	int ret;

	if (a->argc)
		return usage_error("genkey takes no arguments");
	/* A private key written to a file others can read is no secret. */
	if (!fstat(STDOUT_FILENO, &st) && S_ISREG(st.st_mode) &&
	    (st.st_mode & (S_IRWXG | S_IRWXO)))
		fputs("jumpctl: warning: writing a private key to a group/world accessible file\n",
		      stderr);

	randombytes_buf(priv, sizeof(priv));
	/* Clamp as RFC 7748 does, so the stored key equals the one used. */
	priv[0] &= 248;
	priv[31] = (priv[31] & 127) | 64;
	ret = write_key(priv);
	sodium_memzero(priv, sizeof(priv));
	return ret;
}

int cmd_pubkey(struct args *a)
{
	unsigned char priv[crypto_scalarmult_SCALARBYTES];
	unsigned char pub[crypto_scalarmult_BYTES];
	char line[B64_LEN + 64];
	size_t n, len = 0;
	const char *end;
	bool junk;
	int ret;

	if (a->argc)
		return usage_error("pubkey takes no arguments; the private key comes on stdin");
	n = fread(line, 1, sizeof(line) - 1, stdin);
	if (ferror(stdin))
		return runtime_error("stdin", strerror(errno));
	line[n] = '\0';
	while (n && strchr(" \t\r\n", line[n - 1]))
		line[--n] = '\0';
	ret = sodium_base642bin(priv, sizeof(priv), line, n, NULL, &len, &end,
				sodium_base64_VARIANT_ORIGINAL);
	junk = ret == 0 && *end != '\0';
	sodium_memzero(line, sizeof(line));
	if (ret || len != sizeof(priv) || junk) {
		sodium_memzero(priv, sizeof(priv));
		return runtime_error("pubkey", "stdin does not hold a base64 X25519 private key");
	}
	ret = crypto_scalarmult_base(pub, priv);
	sodium_memzero(priv, sizeof(priv));
	if (ret)
		return runtime_error("pubkey", "cannot derive the public key");
	return write_key(pub);
}
