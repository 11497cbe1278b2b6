// SPDX-License-Identifier: GPL-2.0
/*
 * A fuzz target without libFuzzer: its entry point once on every file
 * named, or on every file of every directory named, in name order. TAP
 * out, one test per file; a crash or a failed check aborts (ASan and
 * UBSan say where), which fails the run.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "fuzz.h"

static int n;

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;

	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		printf("not ok %d - %s: cannot read\n", ++n, path);
		exit(1);
	}
	/* Exactly len bytes (at least one to malloc): overreads show. */
	buf = malloc(len ? (size_t)len : 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		printf("not ok %d - %s: cannot read\n", ++n, path);
		exit(1);
	}
	fclose(f);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	printf("ok %d - %s\n", ++n, path);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void run_dir(const char *dir)
{
	struct dirent **ents;
	char path[4096];
	int i, k = scandir(dir, &ents, NULL, by_name);

	if (k < 0)
		return;		/* no regress/ yet: nothing to replay */
	for (i = 0; i < k; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		if (ents[i]->d_name[0] != '.' && !stat(path, &st) &&
		    S_ISREG(st.st_mode))
			run_file(path);
		free(ents[i]);
	}
	free(ents);
}

int main(int argc, char **argv)
{
	struct stat st;
	int i;

	for (i = 1; i < argc; i++) {
		if (!stat(argv[i], &st) && S_ISDIR(st.st_mode))
			run_dir(argv[i]);
		else
			run_file(argv[i]);
	}
	printf("1..%d\n", n);
	return 0;
}
