/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every userspace fuzz target shares: the libFuzzer entry point and
 * a check that aborts (so libFuzzer and the replay both report it) when a
 * parser broke a promise of its header, not only when it crashed.
 */
#ifndef JUMPING_FUZZ_H
#define JUMPING_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: fuzz check failed: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

#endif /* JUMPING_FUZZ_H */
