// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: what the module registers, and in which order.
 *
 * Init goes bottom-up: per-netns state first (the link ops need it), then
 * the link type (devices can exist), then the genl family (userspace can
 * configure them). Exit and failures unwind in reverse.
 */
#include <linux/jumping.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>

#include "crypto.h"
#include "device.h"
#include "fault_scope.h"
#include "netlink.h"
#include "ratelimit.h"
#include "replay.h"
#include "steer.h"
#include "session.h"

unsigned int jp_net_id __read_mostly;

/*
 * Most sessions one device holds: SESSION_NEW past it fails with ENOSPC.
 * A session costs from about 1 KB (no keys) to several KB, so the default
 * (2^20) lets a gateway serve a million clients on a device while bounding
 * what a runaway or hostile configurer can make the kernel allocate.
 * Writable at runtime; lowering it removes no session.
 */
unsigned int jp_max_sessions_per_device __read_mostly = 1U << 20;
module_param_named(max_sessions_per_device, jp_max_sessions_per_device,
		   uint, 0644);
MODULE_PARM_DESC(max_sessions_per_device,
		 "most sessions one jumping device holds (default 1048576)");

static int __net_init jp_net_init(struct net *net)
{
	jp_net_init_devices(jp_net(net));
	return 0;
}

/*
 * Called under RTNL for a batch of dying namespaces: queue their devices;
 * the core unregisters the whole list at once.
 */
static void __net_exit jp_net_exit_batch_rtnl(struct list_head *net_list,
					      struct list_head *dev_kill_list)
{
	struct net *net;

	list_for_each_entry(net, net_list, exit_list)
		jp_net_kill_devices(jp_net(net), dev_kill_list);
}

static void __net_exit jp_net_exit(struct net *net)
{
	WARN_ON_ONCE(!list_empty(&jp_net(net)->devices));
}

static struct pernet_operations jp_net_ops = {
	.init		 = jp_net_init,
	.exit_batch_rtnl = jp_net_exit_batch_rtnl,
	.exit		 = jp_net_exit,
	.id		 = &jp_net_id,
	.size		 = sizeof(struct jp_net),
};

#ifdef JUMPING_TEST_LEAK
/*
 * Test-only, never in a real build: tests/check loads a module built with
 * JUMPING_TEST_LEAK=1 on the debug kernel and expects kmemleak to report
 * this one lost allocation, proving the debug run's checks bite.
 */
static noinline void jp_test_leak(void)
{
	void *lost = kmalloc(128, GFP_KERNEL);

	if (lost)
		memset(lost, 0x6a, 128);
}
#else
static inline void jp_test_leak(void)
{
}
#endif

static int __init jp_mod_setup(void)
{
	int err;

	jp_test_leak();

	/* Built with JUMPING_SELFTEST=1 only; otherwise always true. */
	if (!jp_replay_selftest() || !jp_ratelimit_selftest())
		return -ENOTRECOVERABLE;

	err = jp_crypto_init();
	if (err)
		return err;
	if (!jp_crypto_selftest() || !jp_session_selftest() ||
	    !jp_aip_selftest()) {
		err = -ENOTRECOVERABLE;
		goto err_crypto;
	}

	err = jp_steer_module_init();
	if (err)
		goto err_crypto;

	/* A device op: runs before the core moves or kills other devices. */
	err = register_pernet_device(&jp_net_ops);
	if (err)
		goto err_steer;

	err = rtnl_link_register(&jp_link_ops);
	if (err)
		goto err_pernet;

	err = jp_nl_init();
	if (err)
		goto err_link;

	pr_info("Jumping VPN loaded\n");
	return 0;

err_link:
	rtnl_link_unregister(&jp_link_ops);
err_pernet:
	unregister_pernet_device(&jp_net_ops);
err_steer:
	jp_steer_module_exit();
err_crypto:
	jp_crypto_exit();
	return err;
}

#ifdef JUMPING_FAULT_SCOPE
/* tests/fuzz/faults refuses a module without it: nothing would fail. */
MODULE_INFO(fault_scope, "control paths");
#endif

static int __init jp_mod_init(void)
{
	int err;

	jp_fault_scope_enter();
	err = jp_mod_setup();
	jp_fault_scope_exit();
	return err;
}

/*
 * Devices go before the family: their teardown still multicasts how many
 * sessions went. A request that raced in holds a device reference and
 * finds the device dead under its conf_lock; later ones find no device.
 */
static void __exit jp_mod_exit(void)
{
	/* Deletes every jumping device in every netns, waiting for refs. */
	rtnl_link_unregister(&jp_link_ops);
	unregister_pernet_device(&jp_net_ops);
	/* Waits for running requests and queued events. */
	jp_nl_exit();
	jp_steer_module_exit();
	/* Every session and key is released: wait for their frees. */
	jp_crypto_exit();
}

module_init(jp_mod_init);
module_exit(jp_mod_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Jumping VPN: sessions that outlive their transport");
MODULE_ALIAS_RTNL_LINK(JUMPING_LINK_KIND);
MODULE_ALIAS_GENL_FAMILY(JUMPING_GENL_NAME);
