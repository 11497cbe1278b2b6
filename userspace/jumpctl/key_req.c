// SPDX-License-Identifier: GPL-2.0
/* Key command lines to KEY_NEW/SWAP/DEL requests (key_req.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#include "jumping_names.h"
#include "key_req.h"

/* A key file holds one key in hex or base64, like `wg genkey` output. */
static int read_key_file(const char *path, uint8_t key[JUMPING_KEY_LEN])
{
	char buf[256];
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return runtime_error(path, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return runtime_error(path, strerror(errno));
	buf[n] = '\0';
	ret = parse_key(buf, key);
	sodium_memzero(buf, sizeof(buf));
	if (ret)
		return usage_error("%s does not hold a 32-byte key (64 hex digits or base64)",
				   path);
	return 0;
}

static int take_key(const char *kw, const char *v, uint8_t key[JUMPING_KEY_LEN],
		    bool *has)
{
	size_t n = strlen(kw);
	int ret;

	if (n > 5 && !strcmp(kw + n - 5, "-file")) {
		if ((ret = read_key_file(v, key)))
			return ret;
	} else if (parse_key(v, key)) {
		return usage_error("%s is not a 32-byte key (64 hex digits or base64)",
				   kw);
	}
	*has = true;
	return 0;
}

int parse_key_args(struct args *a, struct key_args *k)
{
	const char *kw, *v;
	uint32_t n;
	int ret;

	k->dev = args_next(a);
	if ((ret = check_dev_name(k->dev)))
		return ret;
	while ((kw = args_next(a))) {
		if (!(v = args_value(a, kw)))
			return EXIT_USAGE;
		if (!strcmp(kw, "id")) {
			if (parse_u32(v, &k->id) || !k->id)
				return usage_error("id '%s' is not a session id 1..4294967295",
						   v);
			k->has_id = true;
		} else if (!strcmp(kw, "slot")) {
			if (parse_key_slot(v, &k->slot))
				return usage_error("slot '%s' is not primary or secondary",
						   v);
			k->has_slot = true;
		} else if (!strcmp(kw, "key-id")) {
			if (parse_u32_max(v, JUMPING_KEY_ID_MAX, &n))
				return usage_error("key-id '%s' is not 0..%d", v,
						   JUMPING_KEY_ID_MAX);
			k->key_id = (uint8_t)n;
			k->has_key_id = true;
		} else if (!strcmp(kw, "cipher")) {
			if (parse_cipher(v, &k->cipher))
				return usage_error("cipher '%s' is not chacha20poly1305 or aes256gcm",
						   v);
			k->has_cipher = true;
		} else if (!strcmp(kw, "reject-after")) {
			/* The kernel checks the range (its extack). */
			if (parse_u32(v, &k->reject_after_ms))
				return usage_error("reject-after '%s' is not a number of milliseconds",
						   v);
			k->has_reject_after = true;
		} else if (!strcmp(kw, "enc-key") || !strcmp(kw, "enc-key-file")) {
			if ((ret = take_key(kw, v, k->enc, &k->has_enc)))
				return ret;
		} else if (!strcmp(kw, "dec-key") || !strcmp(kw, "dec-key-file")) {
			if ((ret = take_key(kw, v, k->dec, &k->has_dec)))
				return ret;
		} else {
			return usage_error("unknown keyword '%s'", kw);
		}
	}
	if (!k->has_id)
		return usage_error("id ID is required");
	return 0;
}

/* Device, then JUMPING_A_SESSION { id, KEYCONF { what was given } }. */
struct nl_msg *key_msg(struct jg_sock *js, uint8_t cmd,
			      const struct key_args *k)
{
	struct nl_msg *msg = jg_msg_new(js, cmd, 0);
	struct nlattr *sess, *conf;

	if (!msg || put_dev(msg, k->dev))
		goto fail;
	sess = nla_nest_start(msg, JUMPING_A_SESSION);
	if (!sess || nla_put_u32(msg, JUMPING_A_SESSION_ID, k->id))
		goto fail;
	if (k->has_slot) {
		conf = nla_nest_start(msg, JUMPING_A_SESSION_KEYCONF);
		if (!conf ||
		    nla_put_u8(msg, JUMPING_A_KEYCONF_SLOT, k->slot) ||
		    (k->has_key_id &&
		     nla_put_u8(msg, JUMPING_A_KEYCONF_KEY_ID, k->key_id)) ||
		    (k->has_cipher &&
		     nla_put_u8(msg, JUMPING_A_KEYCONF_CIPHER, k->cipher)) ||
		    (k->has_enc &&
		     nla_put(msg, JUMPING_A_KEYCONF_ENCRYPT_KEY,
			     JUMPING_KEY_LEN, k->enc)) ||
		    (k->has_dec &&
		     nla_put(msg, JUMPING_A_KEYCONF_DECRYPT_KEY,
			     JUMPING_KEY_LEN, k->dec)) ||
		    (k->has_reject_after &&
		     nla_put_u32(msg, JUMPING_A_KEYCONF_REJECT_AFTER_MS,
				 k->reject_after_ms)))
			goto fail;
		nla_nest_end(msg, conf);
	}
	nla_nest_end(msg, sess);
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}


/*
 * "add|swap|del DEV ..." after "key": the arguments and which command
 * they make. 0, or an exit code after a usage message. Wipe *k.
 */
int key_verb_args(struct args *a, struct key_args *k, uint8_t *cmd)
{
	const char *verb = args_next(a);
	int ret;

	memset(k, 0, sizeof(*k));
	if (!verb)
		return usage_error("key needs add, swap or del");
	if ((ret = parse_key_args(a, k)))
		return ret;
	if (!strcmp(verb, "add")) {
		if (!k->has_slot || !k->has_key_id || !k->has_cipher ||
		    !k->has_enc || !k->has_dec)
			return usage_error("key add needs slot, key-id, cipher, enc-key[-file] and dec-key[-file]");
		*cmd = JUMPING_CMD_KEY_NEW;
	} else if (!strcmp(verb, "swap")) {
		if (k->has_slot || k->has_key_id || k->has_cipher ||
		    k->has_enc || k->has_dec)
			return usage_error("key swap takes only DEV id ID");
		*cmd = JUMPING_CMD_KEY_SWAP;
	} else if (!strcmp(verb, "del")) {
		if (!k->has_slot || k->has_key_id || k->has_cipher ||
		    k->has_enc || k->has_dec)
			return usage_error("key del takes DEV id ID slot primary|secondary");
		*cmd = JUMPING_CMD_KEY_DEL;
	} else {
		return usage_error("key: unknown verb '%s'", verb);
	}
	return 0;
}
