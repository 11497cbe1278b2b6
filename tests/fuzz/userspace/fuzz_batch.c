// SPDX-License-Identifier: GPL-2.0
/*
 * jumpctl batch's line parser (batch_parse.h) on any line: what `jumpctl
 * batch FILE` reads. Besides not crashing or leaking: a request comes
 * with 0 and only then, and it is a well-formed message of the family.
 * (Its usage messages go to stderr: the runner closes it for libFuzzer,
 * which keeps its own and the sanitizers' reports.)
 */
#include <stdlib.h>
#include <string.h>
#include <netlink/msg.h>
#include "batch_parse.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct jg_sock js = { .family = 0x42 };
	struct nl_msg *msg = NULL;
	char *line;
	int ret;

	if (size > 4096)
		return 0;
	line = malloc(size + 1);
	FUZZ_CHECK(line);
	memcpy(line, data, size);
	line[size] = '\0';
	ret = batch_line_msg(&js, line, &msg);
	if (ret)
		FUZZ_CHECK(!msg);
	if (msg) {
		struct nlmsghdr *nlh = nlmsg_hdr(msg);

		FUZZ_CHECK(nlh->nlmsg_type == js.family);
		FUZZ_CHECK(nlmsg_ok(nlh, (int)nlh->nlmsg_len));
		nlmsg_free(msg);
	}
	free(line);
	return 0;
}
