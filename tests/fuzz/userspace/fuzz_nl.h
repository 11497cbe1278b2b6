/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fuzz input as the generic netlink message a program's callback gets:
 * byte 0 is the command, the rest the attributes after the generic
 * header. Byte 0 of 0xff drops the generic header instead (a message too
 * short for one). libnl checks the netlink header's length against what
 * it received before any callback runs; this builds it the same way, in a
 * buffer of exactly nlmsg_len bytes so a read past it is caught.
 */
#ifndef JUMPING_FUZZ_NL_H
#define JUMPING_FUZZ_NL_H

#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include "fuzz.h"

#define FUZZ_NL_FAMILY	0x20	/* any id: parsers do not look at it */

static inline struct nlmsghdr *fuzz_nl_msg(const uint8_t *data, size_t size)
{
	size_t hdr, len;
	struct nlmsghdr *nlh;
	struct genlmsghdr *gh;

	if (!size || size > 65000)
		return NULL;
	hdr = data[0] == 0xff ? 0 : GENL_HDRLEN;
	len = NLMSG_HDRLEN + hdr + size - 1;
	nlh = malloc(len);
	FUZZ_CHECK(nlh);
	memset(nlh, 0, NLMSG_HDRLEN + hdr);
	nlh->nlmsg_len = (uint32_t)len;
	nlh->nlmsg_type = FUZZ_NL_FAMILY;
	if (hdr) {
		gh = nlmsg_data(nlh);
		gh->cmd = data[0];
		gh->version = 1;
	}
	memcpy((uint8_t *)nlh + NLMSG_HDRLEN + hdr, data + 1, size - 1);
	return nlh;
}

#endif /* JUMPING_FUZZ_NL_H */
