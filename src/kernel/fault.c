/*
 * kernel/fault.c — the x86 page-fault entry, and user accesses made by a
 * task through its core's MMU (Linux: arch/x86/mm/fault.c, the #PF path of
 * the exception table, expand_stack in mm/mmap.c).
 *
 * A task's access is performed by the MMU of the core it runs on, in user
 * mode. When the MMU raises #PF, the kernel takes over on that core: finds
 * the VMA (growing a stack if the address is just below one), checks the
 * access against the VMA, and lets handle_mm_fault fix the page tables;
 * then the access is retried, as the faulting instruction is on return from
 * the exception. A fault no VMA explains is a SIGSEGV, which kills the
 * process (the simulator runs no signal handlers).
 */
#include "kernel/fault.h"

#include "hw/machine.h"
#include "hw/translate.h"
#include "kernel/kernel.h"
#include "kernel/memory.h"
#include "kernel/mman.h"
#include "kernel/mm.h"
#include "kernel/oom.h"
#include "kernel/rmap.h"
#include "kernel/sched.h"
#include "kernel/trace.h"

#include <errno.h>
#include <string.h>

/* Grow a stack VMA down to addr (Linux: expand_downwards), keeping the guard
 * gap above the VMA below and RLIMIT_STACK. 0 or -ENOMEM. */
static int expand_stack(struct kernel *k, struct task_struct *t, struct vm_area_struct *vma,
			uint64_t addr)
{
	struct mm_struct *mm = vma->vm_mm;
	struct vm_area_struct *prev = vma->vm_prev;

	addr &= ~(PAGE_SIZE - 1);
	if (addr < (uint64_t)k->sysctl.mmap_min_addr)
		return -EPERM;
	if (prev && !(prev->vm_flags & VM_GROWSDOWN) && (prev->vm_flags & VM_ACCESS_FLAGS) &&
	    addr - prev->vm_end < STACK_GUARD_GAP)
		return -ENOMEM;
	uint64_t grow = (vma->vm_start - addr) >> PAGE_SHIFT;
	if (grow > vma->vm_pgoff || vma->vm_end - addr > t->rlimit_stack)
		return -ENOMEM;
	if ((vma->vm_flags & VM_LOCKED) && !t->cap_ipc_lock &&
	    (mm->locked_vm + grow) << PAGE_SHIFT > t->rlimit_memlock)
		return -ENOMEM;
	if (anon_vma_prepare(k, vma))
		return -ENOMEM;
	if ((vma->vm_flags & VM_ACCOUNT) && k->sysctl.overcommit_memory == 2 &&
	    k->vm_committed_as + grow > k->totalram_pages * (uint64_t)k->sysctl.overcommit_ratio / 100)
		return -ENOMEM;
	if (vma->vm_flags & VM_ACCOUNT)
		k->vm_committed_as += grow;
	vma->vm_start = addr;          /* stays between its neighbours in the tree */
	vma->vm_pgoff -= grow;
	vm_stat_account(mm, vma->vm_flags, (int64_t)grow);
	if (vma->vm_flags & VM_LOCKED)
		mm->locked_vm += grow;
	trace_kernel(k, t->cpu, "expand_stack", "stack VMA grows down to %#llx", (unsigned long long)addr);
	return 0;
}

/* Does the VMA forbid this access? (Linux: access_error) */
static bool access_error(uint32_t error_code, const struct vm_area_struct *vma)
{
	if (error_code & X86_PF_PK)
		return true;
	if (error_code & X86_PF_WRITE)
		return !(vma->vm_flags & VM_WRITE);
	if (error_code & X86_PF_PROT)
		return true;
	return !(vma->vm_flags & VM_ACCESS_FLAGS);
}

/* Record a fatal signal for t's process. Returns -EFAULT. */
static int force_sig_fault(struct task_struct *t, int sig, int code, uint64_t addr,
			   const struct hw_exception *exc)
{
	t->fatal = (struct siginfo){ sig, code, addr, exc->vector, exc->error_code };
	return -EFAULT;
}

/* See fault.h. */
int do_user_addr_fault(struct kernel *k, struct task_struct *t, const struct hw_exception *exc)
{
	uint64_t addr = exc->cr2;
	uint32_t ec = exc->error_code;
	unsigned flags = FAULT_FLAG_USER | (ec & X86_PF_WRITE ? FAULT_FLAG_WRITE : 0) |
			 (ec & X86_PF_INSTR ? FAULT_FLAG_INSTRUCTION : 0);

	trace_kernel(k, t->cpu, "exc_page_fault", "#PF at %#llx, error code %#x (%s, %s, %s)",
		     (unsigned long long)addr, ec, ec & X86_PF_PROT ? "protection" : "not present",
		     ec & X86_PF_INSTR ? "fetch" : ec & X86_PF_WRITE ? "write" : "read",
		     ec & X86_PF_USER ? "user" : "kernel");
	if (ec & X86_PF_RSVD) {
		kernel_bug(k, "pgtable_bad: reserved bit set in a page-table entry for %#llx",
			   (unsigned long long)addr);
		return force_sig_fault(t, SIGSEGV, SEGV_MAPERR, addr, exc);
	}
	if (addr >= t->mm->task_size) {                     /* do_kern_addr_fault */
		trace_kernel(k, t->cpu, "bad_area_nosemaphore", "kernel address from user mode: SIGSEGV");
		return force_sig_fault(t, SIGSEGV, SEGV_MAPERR, addr, exc);
	}
	struct vm_area_struct *vma = find_vma(t->mm, addr);
	if (vma && vma->vm_start > addr && (!(vma->vm_flags & VM_GROWSDOWN) || expand_stack(k, t, vma, addr)))
		vma = NULL;
	if (!vma) {
		trace_kernel(k, t->cpu, "bad_area_nosemaphore", "no VMA covers %#llx: SIGSEGV (SEGV_MAPERR)",
			     (unsigned long long)addr);
		return force_sig_fault(t, SIGSEGV, SEGV_MAPERR, addr, exc);
	}
	trace_kernel(k, t->cpu, "lock_mm_and_find_vma", "VMA [%#llx, %#llx) covers it",
		     (unsigned long long)vma->vm_start, (unsigned long long)vma->vm_end);
	if (access_error(ec, vma)) {
		trace_kernel(k, t->cpu, "bad_area_access_error", "the VMA forbids this access: SIGSEGV (%s)",
			     ec & X86_PF_PK ? "SEGV_PKUERR" : "SEGV_ACCERR");
		return force_sig_fault(t, SIGSEGV, ec & X86_PF_PK ? SEGV_PKUERR : SEGV_ACCERR, addr, exc);
	}
	trace_kernel(k, t->cpu, "access_error", "the VMA allows a %s",
		     ec & X86_PF_INSTR ? "fetch" : ec & X86_PF_WRITE ? "write" : "read");
	vm_fault_t r = handle_mm_fault(k, vma, addr, flags, t);
	if ((r & VM_FAULT_OOM) && !pagefault_out_of_memory(k, t))
		return k->panic_reason ? -EIO : 0;    /* killed, or the machine stopped */
	if (r & VM_FAULT_SIGBUS)
		return force_sig_fault(t, SIGBUS, BUS_ADRERR, addr, exc);
	if (r & VM_FAULT_SIGSEGV)
		return force_sig_fault(t, SIGSEGV, SEGV_MAPERR, addr, exc);
	return 0;
}

/* Handle the exception a user access raised: a #PF goes to the fault
 * handler, a #GP (non-canonical address) is a SIGSEGV with SI_KERNEL. */
static int handle_exception(struct kernel *k, struct task_struct *t, const struct hw_exception *exc)
{
	struct hw_cpu *cpu = &k->hw->cpus[t->cpu];
	int rc;

	hw_set_cpl(cpu, 0);                   /* the exception enters the kernel */
	if (exc->vector == HW_EXC_PF)
		rc = do_user_addr_fault(k, t, exc);
	else
		rc = force_sig_fault(t, SIGSEGV, SI_KERNEL, 0, exc);
	hw_set_cpl(cpu, 3);                   /* and returns to the instruction */
	return rc;
}

/* The counters of core c that a task's statistics follow. */
static void mmu_snapshot(const struct hw_counters *c, struct task_mmu_stats *s)
{
	*s = (struct task_mmu_stats){ .walks = c->walks, .walk_refs = c->walk_refs, .cycles = c->cycles };
	for (int k = 0; k < HW_NR_ACCESS; k++)
		s->accesses += c->access[k];
	for (int ps = 0; ps < HW_NR_PSIZES; ps++) {
		s->l1_hits += c->tlb_hit[HW_L1I][ps] + c->tlb_hit[HW_L1D][ps];
		s->l2_hits += c->tlb_hit[HW_L2][ps];
	}
	for (int p = 0; p < HW_NR_PWCS; p++)
		s->pwc_hits += c->pwc_hit[p];
	for (int e = 0; e < 64; e++)
		s->page_faults += c->pf[e];
}

/* Add what core c counted since before to t's statistics. */
static void mmu_account(struct task_struct *t, const struct hw_counters *c,
			const struct task_mmu_stats *before)
{
	struct task_mmu_stats now;
	mmu_snapshot(c, &now);
	t->mmu.accesses += now.accesses - before->accesses;
	t->mmu.l1_hits += now.l1_hits - before->l1_hits;
	t->mmu.l2_hits += now.l2_hits - before->l2_hits;
	t->mmu.walks += now.walks - before->walks;
	t->mmu.walk_refs += now.walk_refs - before->walk_refs;
	t->mmu.pwc_hits += now.pwc_hits - before->pwc_hits;
	t->mmu.page_faults += now.page_faults - before->page_faults;
	t->mmu.cycles += now.cycles - before->cycles;
}

/* task_access once t runs on its core: the user-mode copy loop. */
static int do_task_access(struct kernel *k, struct task_struct *t, struct hw_cpu *cpu, uint64_t va,
			  uint8_t *b, uint64_t len, enum hw_access kind)
{
	hw_set_cpl(cpu, 3);
	while (len) {
		uint64_t chunk = HW_ACCESS_MAX - (va & (PAGE_SIZE - 1));
		if (chunk > len)
			chunk = len;
		struct hw_exception exc;
		int rc = hw_access(cpu, va, b, chunk, kind, HW_USER, &exc);
		if (rc == -EFAULT) {
			int saved = k->this_cpu;
			k->this_cpu = t->cpu;
			rc = handle_exception(k, t, &exc);
			k->this_cpu = saved;
			if (!rc && fatal_signal_pending(t))     /* the OOM killer chose it: it
								 * dies returning to user mode */
				rc = force_sig_fault(t, SIGKILL, SI_KERNEL, exc.cr2, &exc);
			if (rc) {
				hw_set_cpl(cpu, 0);
				return rc;
			}
			continue;                    /* retry the access */
		}
		if (rc) {
			hw_set_cpl(cpu, 0);
			return rc;
		}
		va += chunk;
		if (b)
			b += chunk;
		len -= chunk;
	}
	hw_set_cpl(cpu, 0);
	return 0;
}

/* See fault.h. */
int task_access(struct kernel *k, struct task_struct *t, uint64_t va, void *buf, uint64_t len,
		enum hw_access kind)
{
	struct hw_cpu *cpu = &k->hw->cpus[t->cpu];

	if (t->state != TASK_RUNNING)
		return -ESRCH;
	schedule_task(k, t);
	struct task_mmu_stats before;
	mmu_snapshot(&cpu->ctr, &before);
	struct task_struct *saved = k->current;
	k->current = t;                       /* the kernel runs for t in its faults */
	int rc = do_task_access(k, t, cpu, va, buf, len, kind);
	k->current = saved;
	mmu_account(t, &cpu->ctr, &before);
	return rc;
}
