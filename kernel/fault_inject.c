// SPDX-License-Identifier: GPL-2.0
/*
 * Jumping VPN: test-only allocation failures on demand (make ...
 * JUMPING_FAULT_INJECT=1; kernel/fault_inject.h routes the allocators
 * here). Writing N to the fault_nth_site parameter, or passing it at load,
 * makes the first allocation from the Nth distinct call site reached from
 * then on fail, once, in whatever context it is made; reading it gives
 * what is left of the count (0: done or off). A test walks N up from 1
 * until a run of its scenario leaves the count unspent: by then each site
 * the scenario reaches has failed once. Counting sites, not calls, keeps
 * the walk short: every packet's skb_cow_data() is one site, not one step.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>

/* tests/selftests/fuzz/faults.sh refuses a module without it. */
MODULE_INFO(fault_inject, "fault_nth_site");

/* More than the module has call sites: a site past it is never counted. */
#define JP_FAULT_MAX_SITES	128

/*
 * The walk's state, taken from any context (softirq included): a
 * spinlock with interrupts off, in test builds only.
 */
static DEFINE_SPINLOCK(jp_fault_lock);
static int jp_fault_countdown;
static unsigned int jp_fault_nsites;
static unsigned long jp_fault_sites[JP_FAULT_MAX_SITES];

static unsigned int jp_fault_injected;
module_param_named(fault_injected, jp_fault_injected, uint, 0444);
MODULE_PARM_DESC(fault_injected, "allocations failed on purpose so far");

static int jp_fault_nth_set(const char *val, const struct kernel_param *kp)
{
	unsigned long flags;
	int nth, err;

	err = kstrtoint(val, 0, &nth);
	if (err)
		return err;
	if (nth < 0)
		return -EINVAL;
	spin_lock_irqsave(&jp_fault_lock, flags);
	jp_fault_nsites = 0;
	WRITE_ONCE(jp_fault_countdown, nth);
	spin_unlock_irqrestore(&jp_fault_lock, flags);
	return 0;
}

static int jp_fault_nth_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(jp_fault_countdown));
}

static const struct kernel_param_ops jp_fault_nth_ops = {
	.set = jp_fault_nth_set,
	.get = jp_fault_nth_get,
};

module_param_cb(fault_nth_site, &jp_fault_nth_ops, NULL, 0600);
MODULE_PARM_DESC(fault_nth_site,
		 "fail the first allocation of the Nth call site reached from now");

/* Return: true if the allocation called from @site is to fail. */
static bool jp_fault_site_fails(unsigned long site)
{
	unsigned int i;

	for (i = 0; i < jp_fault_nsites; i++)
		if (jp_fault_sites[i] == site)
			return false;
	if (jp_fault_nsites == JP_FAULT_MAX_SITES)
		return false;
	jp_fault_sites[jp_fault_nsites++] = site;
	/* Read without the lock by jp_fault_inject() and the parameter. */
	WRITE_ONCE(jp_fault_countdown, jp_fault_countdown - 1);
	if (jp_fault_countdown)
		return false;
	jp_fault_injected++;
	return true;
}

bool jp_fault_inject(void)
{
	unsigned long site = (unsigned long)__builtin_return_address(0);
	unsigned long flags;
	bool fail;

	/* Off or spent: no lock. */
	if (!READ_ONCE(jp_fault_countdown))
		return false;
	spin_lock_irqsave(&jp_fault_lock, flags);
	fail = jp_fault_countdown && jp_fault_site_fails(site);
	spin_unlock_irqrestore(&jp_fault_lock, flags);
	if (fail)
		pr_info("fault_inject: failing the allocation at %pS\n",
			(void *)site);
	return fail;
}
