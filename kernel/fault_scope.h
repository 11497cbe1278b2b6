/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test-only (make ... JUMPING_FAULT_SCOPE=1, for tests/fuzz/faults): the
 * task running one of the module's control paths (a genetlink request,
 * newlink, module init) is marked for the kernel's fault
 * injection while it is inside, so failslab and fail_page_alloc with their
 * task filter fail the allocations made there and no others: not the
 * guest's 9p root, not the test programs' own memory. x86_64 has no
 * stack trace filter that could scope them to the module's text.
 * Other builds compile this away.
 */
#ifndef _JP_FAULT_SCOPE_H
#define _JP_FAULT_SCOPE_H

#include <linux/sched.h>

#if defined(JUMPING_FAULT_SCOPE) && defined(CONFIG_FAULT_INJECTION)
static inline void jp_fault_scope_enter(void)
{
	current->make_it_fail = 1;
}

static inline void jp_fault_scope_exit(void)
{
	current->make_it_fail = 0;
}
#else
static inline void jp_fault_scope_enter(void)
{
}

static inline void jp_fault_scope_exit(void)
{
}
#endif

#endif /* _JP_FAULT_SCOPE_H */
