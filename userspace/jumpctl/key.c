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
	const char *verb = args_next(a);
	struct key_args k = { 0 };
	int ret;

	if (!verb)
		return usage_error("key needs add, swap or del");
	ret = parse_key_args(a, &k);
	if (ret)
		goto out;

	if (!strcmp(verb, "add")) {
		if (!k.has_slot || !k.has_key_id || !k.has_cipher ||
		    !k.has_enc || !k.has_dec)
			ret = usage_error("key add needs slot, key-id, cipher, enc-key[-file] and dec-key[-file]");
		else
			ret = send_key(JUMPING_CMD_KEY_NEW, &k);
	} else if (!strcmp(verb, "swap")) {
		if (k.has_slot || k.has_key_id || k.has_cipher || k.has_enc ||
		    k.has_dec)
			ret = usage_error("key swap takes only DEV id ID");
		else
			ret = send_key(JUMPING_CMD_KEY_SWAP, &k);
	} else if (!strcmp(verb, "del")) {
		if (!k.has_slot || k.has_key_id || k.has_cipher || k.has_enc ||
		    k.has_dec)
			ret = usage_error("key del takes DEV id ID slot primary|secondary");
		else
			ret = send_key(JUMPING_CMD_KEY_DEL, &k);
	} else {
		ret = usage_error("key: unknown verb '%s'", verb);
	}
out:
	sodium_memzero(&k, sizeof(k));
	return ret;
}
