// SPDX-License-Identifier: GPL-2.0
/* jumpctl key add/swap/del: a session's key slots (KEY_NEW/SWAP/DEL). */
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "key_req.h"

static int send_key(uint8_t cmd, const struct key_args *k)
{
	struct jg_sock js;
	struct nl_msg *msg;
	char what[64];
	int ret;

	if ((ret = open_family(&js)))
		return ret;
	snprintf(what, sizeof(what), "%s session %u", k->dev, k->id);
	msg = key_msg(&js, cmd, k);
	if (!msg)
		ret = runtime_error(what, "request too large");
	else if (jg_request(&js, msg, NULL, NULL))
		ret = request_error(what, &js);
	jg_close(&js);
	return ret;
}

int cmd_key(struct args *a)
{
	struct key_args k;
	uint8_t cmd;
	int ret;

	ret = key_verb_args(a, &k, &cmd);
	if (!ret)
		ret = send_key(cmd, &k);
	sodium_memzero(&k, sizeof(k));
	return ret;
}
