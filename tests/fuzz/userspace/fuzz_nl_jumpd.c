// SPDX-License-Identifier: GPL-2.0
/*
 * jumpd's reader of kernel notifications (kernel_parse.h) on random
 * attributes: the message its event socket's callback gets. Besides not
 * crashing: what it hands on lies inside the message (a packet of at
 * least one byte, which main.c dispatches on) and only comes with 0.
 */
#include <stdint.h>
#include "fuzz_nl.h"
#include "kernel_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr *nlh = fuzz_nl_msg(data, size);
	const uint8_t *start, *end;
	struct jk_event ev;

	if (!nlh)
		return 0;
	start = (const uint8_t *)nlh;
	end = start + nlh->nlmsg_len;
	if (jk_parse_event(nlh, &ev) == 0) {
		FUZZ_CHECK(data[0] == 0xff || ev.cmd == data[0]);
		if (ev.packet) {
			FUZZ_CHECK(ev.packet_len >= 1);
			FUZZ_CHECK(ev.packet >= start &&
				   ev.packet + ev.packet_len <= end);
		}
		FUZZ_CHECK(ev.from.family == 0 || ev.from.family == AF_INET ||
			   ev.from.family == AF_INET6);
		FUZZ_CHECK(ev.s.remote.family == 0 ||
			   ev.s.remote.family == AF_INET ||
			   ev.s.remote.family == AF_INET6);
	}
	free(nlh);
	return 0;
}
