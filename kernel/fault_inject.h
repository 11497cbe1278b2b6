/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test-only (make ... JUMPING_FAULT_INJECT=1, for tests/selftests/fuzz):
 * force-included ahead of every file of the module, so that the allocators
 * below go through jp_fault_inject() first and fail when it says so, on any
 * kernel. Debian's kernel has no CONFIG_FAULT_INJECTION, so make check
 * cannot use failslab; this reaches the module's own calls in every
 * context (softirq and workqueue too), though not the allocations the
 * kernel makes inside them (socket, netdev, rhashtable buckets), which the
 * debug kernel's failslab run (kernel/fault_scope.h) covers.
 *
 * The headers come first, so their inline definitions are read before the
 * macros exist; a macro naming itself is not expanded again, so each one
 * calls the real allocator. Other builds never see this file.
 */
#ifndef _JP_FAULT_INJECT_H
#define _JP_FAULT_INJECT_H

/* As the files that print define it, before printk.h gives its default. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/percpu.h>
#include <linux/rhashtable.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <crypto/aead.h>
#include <net/genetlink.h>

bool jp_fault_inject(void);

#define JP_FAULT_PTR(call)	(jp_fault_inject() ? NULL : (call))
#define JP_FAULT_ERR_PTR(call)	(jp_fault_inject() ? ERR_PTR(-ENOMEM) : (call))
#define JP_FAULT_INT(call)	(jp_fault_inject() ? -ENOMEM : (call))

#define kmalloc(...)		JP_FAULT_PTR(kmalloc(__VA_ARGS__))
#define kzalloc(...)		JP_FAULT_PTR(kzalloc(__VA_ARGS__))
#define kcalloc(...)		JP_FAULT_PTR(kcalloc(__VA_ARGS__))
#define kmalloc_node(...)	JP_FAULT_PTR(kmalloc_node(__VA_ARGS__))
#define kmemdup(...)		JP_FAULT_PTR(kmemdup(__VA_ARGS__))
#define kmem_cache_zalloc(...)	JP_FAULT_PTR(kmem_cache_zalloc(__VA_ARGS__))
#define __alloc_percpu_gfp(...)	JP_FAULT_PTR(__alloc_percpu_gfp(__VA_ARGS__))
#define alloc_workqueue(...)	JP_FAULT_PTR(alloc_workqueue(__VA_ARGS__))
#define alloc_skb(...)		JP_FAULT_PTR(alloc_skb(__VA_ARGS__))
#define genlmsg_new(...)	JP_FAULT_PTR(genlmsg_new(__VA_ARGS__))
#define crypto_alloc_aead(...)	JP_FAULT_ERR_PTR(crypto_alloc_aead(__VA_ARGS__))
#define skb_cow_head(...)	JP_FAULT_INT(skb_cow_head(__VA_ARGS__))
#define skb_cow_data(...)	JP_FAULT_INT(skb_cow_data(__VA_ARGS__))
#define rhashtable_init(...)	JP_FAULT_INT(rhashtable_init(__VA_ARGS__))

#endif /* _JP_FAULT_INJECT_H */
