// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: the key slot commands (KEY_NEW, KEY_SWAP, KEY_DEL) and the
 * key-exhausted event (KEY_SWAP_NTF).
 *
 * A rekey without loss: KEY_NEW puts the new key (new key id) into the
 * secondary slot on both ends, KEY_SWAP makes it the primary, one end after
 * the other. Receive picks the slot by the key id in each packet, so
 * packets sent under either key still decrypt while the two ends disagree
 * on which one is primary.
 */
#include <crypto/algapi.h>
#include <linux/jumping.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "crypto.h"
#include "device.h"
#include "netlink.h"
#include "session.h"

static const struct nla_policy
jp_keyconf_new_policy[JUMPING_A_KEYCONF_MAX + 1] = {
	[JUMPING_A_KEYCONF_SLOT] =
		NLA_POLICY_MAX(NLA_U8, JUMPING_KEY_SLOT_SECONDARY),
	[JUMPING_A_KEYCONF_KEY_ID] = NLA_POLICY_MAX(NLA_U8, JUMPING_KEY_ID_MAX),
	[JUMPING_A_KEYCONF_CIPHER] =
		NLA_POLICY_RANGE(NLA_U8, JUMPING_CIPHER_CHACHA20POLY1305,
				 JUMPING_CIPHER_AES256GCM),
	[JUMPING_A_KEYCONF_ENCRYPT_KEY] = NLA_POLICY_EXACT_LEN(JUMPING_KEY_LEN),
	[JUMPING_A_KEYCONF_DECRYPT_KEY] = NLA_POLICY_EXACT_LEN(JUMPING_KEY_LEN),
	/*
	 * Below a second, a key would expire before a rekey's round trip
	 * could replace it: that is a configuration error, not a policy.
	 */
	[JUMPING_A_KEYCONF_REJECT_AFTER_MS] =
		NLA_POLICY_MIN(NLA_U32, JUMPING_KEY_REJECT_AFTER_MIN_MS),
};

/* KEY_DEL names a slot and nothing else. */
static const struct nla_policy
jp_keyconf_slot_policy[JUMPING_A_KEYCONF_MAX + 1] = {
	[JUMPING_A_KEYCONF_SLOT] =
		NLA_POLICY_MAX(NLA_U8, JUMPING_KEY_SLOT_SECONDARY),
};

static const struct nla_policy
jp_session_key_new_nest[JUMPING_A_SESSION_MAX + 1] = {
	[JUMPING_A_SESSION_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[JUMPING_A_SESSION_KEYCONF] = NLA_POLICY_NESTED(jp_keyconf_new_policy),
};

static const struct nla_policy
jp_session_key_del_nest[JUMPING_A_SESSION_MAX + 1] = {
	[JUMPING_A_SESSION_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[JUMPING_A_SESSION_KEYCONF] = NLA_POLICY_NESTED(jp_keyconf_slot_policy),
};

const struct nla_policy jp_key_new_policy[JUMPING_A_MAX + 1] = {
	JP_POLICY_DEVICE_SELECT,
	[JUMPING_A_SESSION] = NLA_POLICY_NESTED(jp_session_key_new_nest),
};

const struct nla_policy jp_key_del_policy[JUMPING_A_MAX + 1] = {
	JP_POLICY_DEVICE_SELECT,
	[JUMPING_A_SESSION] = NLA_POLICY_NESTED(jp_session_key_del_nest),
};

/*
 * The JUMPING_A_SESSION_KEYCONF nest of a request, parsed with @policy,
 * with every attribute in @required present.
 */
static int jp_nl_keyconf_attrs(struct genl_info *info, struct nlattr **stb,
			       const struct nla_policy *policy,
			       const u16 *required, unsigned int n_required,
			       struct nlattr **tb)
{
	struct nlattr *nest = stb[JUMPING_A_SESSION_KEYCONF];
	unsigned int i;
	int err;

	if (!nest) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "key configuration required: JUMPING_A_SESSION_KEYCONF");
		NL_SET_ERR_ATTR_MISS(info->extack, info->attrs[JUMPING_A_SESSION],
				     JUMPING_A_SESSION_KEYCONF);
		return -EINVAL;
	}
	err = nla_parse_nested(tb, JUMPING_A_KEYCONF_MAX, nest, policy,
			       info->extack);
	if (err)
		return err;
	for (i = 0; i < n_required; i++) {
		if (tb[required[i]])
			continue;
		NL_SET_ERR_MSG_MOD(info->extack,
				   "key needs slot, key id, cipher, encrypt key and decrypt key");
		NL_SET_ERR_ATTR_MISS(info->extack, nest, required[i]);
		return -EINVAL;
	}
	return 0;
}

int jp_nl_key_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 required[] = {
		JUMPING_A_KEYCONF_SLOT, JUMPING_A_KEYCONF_KEY_ID,
		JUMPING_A_KEYCONF_CIPHER, JUMPING_A_KEYCONF_ENCRYPT_KEY,
		JUMPING_A_KEYCONF_DECRYPT_KEY,
	};
	struct nlattr *stb[JUMPING_A_SESSION_MAX + 1];
	struct nlattr *tb[JUMPING_A_KEYCONF_MAX + 1];
	struct netlink_ext_ack *extack = info->extack;
	struct jp_session *s = jp_nl_session(info);
	u32 reject_after_ms = 0;
	struct jp_key *key;
	int err;

	err = jp_nl_session_attrs(info, jp_session_key_new_nest,
				  JUMPING_A_SESSION_MAX, stb);
	if (err)
		return err;
	err = jp_nl_keyconf_attrs(info, stb, jp_keyconf_new_policy, required,
				  ARRAY_SIZE(required), tb);
	if (err)
		return err;
	/* One key for both directions: both ends send under it from 0. */
	if (!crypto_memneq(nla_data(tb[JUMPING_A_KEYCONF_ENCRYPT_KEY]),
			   nla_data(tb[JUMPING_A_KEYCONF_DECRYPT_KEY]),
			   JUMPING_KEY_LEN)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[JUMPING_A_KEYCONF_DECRYPT_KEY],
				    "encrypt and decrypt key are the same: each direction needs its own key");
		return -EINVAL;
	}

	/* Absent: no age limit (keys set by hand have no rekeyer). */
	if (tb[JUMPING_A_KEYCONF_REJECT_AFTER_MS])
		reject_after_ms =
			nla_get_u32(tb[JUMPING_A_KEYCONF_REJECT_AFTER_MS]);

	/* conf_lock is a mutex: allocating the transforms may sleep. */
	key = jp_key_new(nla_get_u8(tb[JUMPING_A_KEYCONF_KEY_ID]),
			 nla_get_u8(tb[JUMPING_A_KEYCONF_CIPHER]),
			 nla_data(tb[JUMPING_A_KEYCONF_ENCRYPT_KEY]),
			 nla_data(tb[JUMPING_A_KEYCONF_DECRYPT_KEY]),
			 JUMPING_KEY_LEN, reject_after_ms);
	if (IS_ERR(key)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[JUMPING_A_KEYCONF_CIPHER],
				    "could not set up the cipher with these keys");
		return PTR_ERR(key);
	}
	/* Takes the key, also when it fails; then nothing changed. */
	err = jp_key_slots_install(&s->keys,
				   nla_get_u8(tb[JUMPING_A_KEYCONF_SLOT]), key);
	if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(extack, tb[JUMPING_A_KEYCONF_KEY_ID],
				    "the other slot holds a key with this key id");
	else if (err == -EKEYREJECTED)
		NL_SET_ERR_MSG_MOD(extack,
				   "key material already in use by this session: a fresh counter under it would repeat nonces");
	else if (err)
		NL_SET_ERR_MSG_MOD(extack, "could not install the key");
	return err;
}

int jp_nl_key_swap_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct jp_session *s = jp_nl_session(info);

	/*
	 * conf_lock serialises every writer of the slots, so the secondary
	 * found here is the one the swap moves. Swapping an empty secondary
	 * in would stop transmit: refuse.
	 */
	if (!rcu_access_pointer(s->keys.secondary)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "no key in the secondary slot to swap in");
		return -ENOKEY;
	}
	jp_key_slots_swap(&s->keys);
	return 0;
}

int jp_nl_key_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 required[] = { JUMPING_A_KEYCONF_SLOT };
	struct nlattr *stb[JUMPING_A_SESSION_MAX + 1];
	struct nlattr *tb[JUMPING_A_KEYCONF_MAX + 1];
	struct jp_session *s = jp_nl_session(info);
	int err;

	err = jp_nl_session_attrs(info, jp_session_key_del_nest,
				  JUMPING_A_SESSION_MAX, stb);
	if (err)
		return err;
	err = jp_nl_keyconf_attrs(info, stb, jp_keyconf_slot_policy, required,
				  ARRAY_SIZE(required), tb);
	if (err)
		return err;
	/* Packets in flight keep their key reference until they finish. */
	err = jp_key_slots_delete(&s->keys,
				  nla_get_u8(tb[JUMPING_A_KEYCONF_SLOT]));
	if (err)
		NL_SET_ERR_MSG_ATTR(info->extack, tb[JUMPING_A_KEYCONF_SLOT],
				    "the slot holds no key");
	return err;
}

/**
 * jp_nl_key_exhausted - a key reached its soft limit: tell jumpd to rekey
 * @s: the session, found under RCU by transmit
 * @key_id: the key's id
 *
 * Transmit runs with BH off, where the event cannot be built with
 * GFP_KERNEL nor must it cost much: it is raised from a work item, which
 * holds a reference on the session and on its device until it ran (so the
 * device's unregistration waits for it). Called once per key, since only
 * one packet's counter equals the soft limit.
 */
void jp_nl_key_exhausted(struct jp_session *s, u8 key_id)
{
	if (!jp_session_get(s))
		return;
	dev_hold(s->dev);
	WRITE_ONCE(s->exhausted_key_id, key_id);
	if (!queue_work(jp_nl_wq, &s->exhausted_work)) {
		/* Already pending: it reports the newest key id. */
		dev_put(s->dev);
		jp_session_put(s);
	}
}

void jp_nl_key_exhausted_work(struct work_struct *work)
{
	struct jp_session *s = container_of(work, struct jp_session,
					    exhausted_work);
	struct net_device *dev = s->dev;
	struct jp_device *jp = netdev_priv(dev);
	struct nlattr *nest, *conf;
	struct sk_buff *msg;
	void *hdr;

	msg = jp_genl_event_new(jp, JUMPING_CMD_KEY_SWAP_NTF,
				2 * nla_total_size(0) +
				nla_total_size(sizeof(u32)) +
				nla_total_size(sizeof(u16)) +
				nla_total_size(sizeof(u8)),
				GFP_KERNEL, &hdr);
	if (!msg)
		goto out;
	nest = nla_nest_start(msg, JUMPING_A_SESSION);
	if (!nest ||
	    nla_put_u32(msg, JUMPING_A_SESSION_ID, s->id) ||
	    nla_put_u16(msg, JUMPING_A_SESSION_REASON,
			JUMPING_REASON_KEY_EXHAUSTED))
		goto err_free;
	conf = nla_nest_start(msg, JUMPING_A_SESSION_KEYCONF);
	if (!conf ||
	    nla_put_u8(msg, JUMPING_A_KEYCONF_KEY_ID,
		       READ_ONCE(s->exhausted_key_id)))
		goto err_free;
	nla_nest_end(msg, conf);
	nla_nest_end(msg, nest);
	jp_genl_event_send(jp, msg, hdr, GFP_KERNEL);
	goto out;

err_free:
	nlmsg_free(msg);
out:
	jp_session_put(s);
	dev_put(dev);
}
