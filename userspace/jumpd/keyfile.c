// SPDX-License-Identifier: GPL-2.0
/* Secret key files: refused if others can read them, else one 32-byte key. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include "jumping_parse.h"
#include "keyfile.h"

int jd_secret_file_mode_bad(int fd, const char *path, char *err,
			    size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen,
			 "%s: mode %03o lets other users read a secret; chmod 600 it",
			 path, (unsigned int)(st.st_mode & 0777));
		return -1;
	}
	return 0;
}

int jd_read_key_file(const char *path, uint8_t key[32], char *err,
		     size_t errlen)
{
	char buf[256];
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* As ssh does: a key others can read is not a secret any more. */
	if (jd_secret_file_mode_bad(fd, path, err, errlen)) {
		close(fd);
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	ret = parse_key(buf, key);
	sodium_memzero(buf, sizeof(buf));
	if (ret) {
		snprintf(err, errlen, "%s: not a 32-byte key (base64 or hex)",
			 path);
		return -1;
	}
	return 0;
}
