/*
 * kernel/fault.h — page faults and user accesses (Linux:
 * arch/x86/mm/fault.c). See fault.c.
 */
#ifndef MMSIM_KERNEL_FAULT_H
#define MMSIM_KERNEL_FAULT_H

#include <stdint.h>

#include "hw/cpu.h"

struct kernel;
struct task_struct;

/*
 * The #PF handler for a fault from user mode (Linux: do_user_addr_fault).
 * Returns 0 when the fault was fixed or should be retried (also when the
 * OOM killer chose t: the caller sees the pending SIGKILL), -EFAULT after
 * recording the fatal signal in t->fatal, or -EIO when the allocation made
 * the kernel panic (no process could be killed).
 */
int do_user_addr_fault(struct kernel *k, struct task_struct *t, const struct hw_exception *exc);

/*
 * Access len bytes at va as task t's code would: on t's core (switching to
 * t if another task runs there), in user mode, through the MMU; faults are
 * handled and the access retried, as on return from the exception. Returns
 * 0, -EFAULT when a fatal signal was raised (t->fatal says which; the caller
 * kills the process) — a fault's own, or the SIGKILL of the OOM killer
 * choosing t's process meanwhile —, -EIO when the kernel panicked, or
 * -ESRCH for a dead task. t is the kernel's current task meanwhile. Like a user memcpy that
 * faults midway, the bytes before the faulting page have been moved. buf
 * NULL touches: every effect of the access but moving bytes (hw_access).
 */
int task_access(struct kernel *k, struct task_struct *t, uint64_t va, void *buf, uint64_t len,
		enum hw_access kind);

#endif
