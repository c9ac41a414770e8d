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
 * Access len bytes at va as task t's code would: on t's core (switching to
 * t if another task runs there), in user mode, through the MMU; faults are
 * handled and the access retried, as on return from the exception. Returns
 * 0, -EFAULT when a fatal signal was raised (t->fatal says which; the caller
 * kills the process), or -ESRCH for a dead task. An access of 1, 2, 4 or 8
 * bytes is one instruction (a MOV): every page it touches is translated
 * before a byte moves, so a fatal fault on its second page leaves the first
 * unchanged. Any other length is a copy loop a page at a time: like a user
 * memcpy that faults midway, the bytes before the faulting page have been
 * moved. buf NULL touches: every effect of the access but moving bytes
 * (hw_access).
 */
int task_access(struct kernel *k, struct task_struct *t, uint64_t va, void *buf, uint64_t len,
		enum hw_access kind);

#endif
