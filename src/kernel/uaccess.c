/*
 * kernel/uaccess.c — the kernel reading and writing user memory
 * (Linux: copy_to_user and copy_from_user, arch/x86/lib/usercopy_64.c,
 * with the kernel-mode page faults they take, arch/x86/mm/fault.c, and
 * the exception table that turns an unresolvable one into -EFAULT).
 *
 * The access is the CPU's: in supervisor mode, through the task's page
 * tables, with RFLAGS.AC set (STAC) so SMAP lets it touch user pages. A
 * page fault on the way is handled as a fault from kernel mode on a user
 * address: the VMA must allow the access, then handle_mm_fault; otherwise
 * the copy stops with -EFAULT.
 */
#include "kernel/segment.h"

#include "hw/ept.h"
#include "hw/machine.h"
#include "hw/translate.h"
#include "kernel/fault.h"
#include "kernel/kernel.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/sched.h"
#include "kernel/trace.h"

#include <errno.h>

/* A #PF the kernel took on a user address in a uaccess: 0 when fixed
 * (the copy retries), -EFAULT when the exception table's fixup applies
 * (Linux: do_user_addr_fault from kernel mode, then kernelmode_fixup_or_oops). */
static int uaccess_fault(struct kernel *k, struct task_struct *t, const struct hw_exception *exc)
{
	bool write = exc->error_code & HW_PF_W;
	struct vm_area_struct *vma;
	if (exc->vector == HW_EXC_VMEXIT)
		return vmexit_resume(k, t->cpu);
	if (exc->vector != HW_EXC_PF || (exc->error_code & (HW_PF_RSVD | HW_PF_PK)))
		return -EFAULT;
	vma = lock_mm_and_find_vma(k, t, exc->cr2);
	if (!vma || !(vma->vm_flags & (write ? VM_WRITE : VM_READ))) {
		trace_kernel(k, t->cpu, "no VMA allows the kernel's %s at %#llx: the copy fails with EFAULT",
			     write ? "write" : "read", (unsigned long long)exc->cr2);
		return -EFAULT;
	}
	vm_fault_t r = handle_mm_fault(k, vma, exc->cr2, write ? FAULT_FLAG_WRITE : 0, t);
	return (r & VM_FAULT_ERROR) ? -EFAULT : 0;
}

/* Copy len bytes between buf and user address uaddr on t's core, a piece
 * per page. */
static int copy_user(struct kernel *k, struct task_struct *t, uint64_t uaddr, void *buf, uint64_t len, bool write)
{
	struct hw_cpu *c = &k->hw->cpus[t->cpu];
	int rc = 0;
	if (uaddr + len < uaddr || uaddr + len > t->mm->task_size)
		return -EFAULT;                       /* access_ok */
	hw_stac(c);
	while (len && !rc) {
		uint64_t n = PAGE_SIZE - (uaddr & (PAGE_SIZE - 1));
		struct hw_exception exc;
		n = n < len ? n : len;
		if (hw_access(c, uaddr, buf, n, write ? HW_WRITE : HW_READ, HW_SUPERVISOR, &exc)) {
			rc = uaccess_fault(k, t, &exc);
			continue;
		}
		uaddr += n;
		buf = (uint8_t *)buf + n;
		len -= n;
	}
	hw_clac(c);
	return rc;
}

/* See segment.h. */
int copy_to_user(struct kernel *k, struct task_struct *t, uint64_t uaddr, const void *buf, uint64_t len)
{
	return copy_user(k, t, uaddr, (void *)buf, len, true);
}

/* See segment.h. */
int copy_from_user(struct kernel *k, struct task_struct *t, void *buf, uint64_t uaddr, uint64_t len)
{
	return copy_user(k, t, uaddr, buf, len, false);
}
