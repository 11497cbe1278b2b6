/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Secret files (PrivateKeyFile, PresharedKeyFile, the cluster key): as ssh
 * does, a secret others can read is refused, since it is no secret any more.
 */
#ifndef JUMPD_KEYFILE_H
#define JUMPD_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

/* 0 with the file's 32-byte key (base64 or hex), or -1 with err set. */
int jd_read_key_file(const char *path, uint8_t key[32], char *err,
		     size_t errlen);
/* -1 with err set if fd's file can be read by others than its owner. */
int jd_secret_file_mode_bad(int fd, const char *path, char *err,
			    size_t errlen);

#endif /* JUMPD_KEYFILE_H */
