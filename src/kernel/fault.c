/*
 * kernel/fault.c — the x86 page-fault entry, and user accesses made by a
 * task through its core's MMU (Linux: arch/x86/mm/fault.c, and the
 * exception entry of arch/x86/kernel/traps.c and entry/).
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

#include "hw/ept.h"
#include "hw/machine.h"
#include "hw/seg.h"
#include "hw/translate.h"
#include "kernel/kernel.h"
#include "kernel/memcontrol.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/oom.h"
#include "kernel/sched.h"
#include "kernel/trace.h"

#include <errno.h>

/* Record a fatal signal for t's process. Returns -EFAULT. (Linux:
 * force_sig_fault in kernel/signal.c; signals here are only the fatal ones
 * memory management raises.) */
static int force_sig_fault(struct task_struct *t, int sig, int code, uint64_t addr,
			   const struct hw_exception *exc)
{
	t->fatal = (struct siginfo){ sig, code, addr, exc->vector, exc->error_code };
	return -EFAULT;
}

/* The highest user address plus one page, TASK_SIZE_MAX: 2^47 - 4096 with
 * 4-level paging, 2^56 - 4096 with 5 (Linux: task_size_max). */
static uint64_t task_size_max(const struct kernel *k)
{
	return (1ULL << (k->paging_levels == 5 ? 56 : 47)) - PAGE_SIZE;
}

/* The error code a signal for a #PF at addr reports: the hardware's, with
 * X86_PF_PROT added for any address at or above TASK_SIZE_MAX, so that a
 * process cannot tell which kernel addresses are mapped (Linux:
 * sanitize_error_code). The exception itself keeps the code the MMU gave. */
static uint32_t sanitize_error_code(struct kernel *k, struct task_struct *t, uint64_t addr, uint32_t ec)
{
	if (addr < task_size_max(k) || (ec & X86_PF_PROT))
		return ec;
	trace_kernel(k, t->cpu, "user access above TASK_SIZE_MAX: the signal's error code says "
		     "protection (%#x, not %#x)", ec | X86_PF_PROT, ec);
	return ec | X86_PF_PROT;
}

/* A #PF the kernel answers with a signal: SIGSEGV or SIGBUS, whose trap
 * number and error code are the exception's with the error code sanitized
 * (Linux: the tail of __bad_area_nosemaphore and do_sigbus, with
 * set_signal_archinfo); exc itself keeps the MMU's code. */
static int pf_signal(struct kernel *k, struct task_struct *t, int sig, int code, const struct hw_exception *exc)
{
	struct hw_exception reported = *exc;
	reported.error_code = sanitize_error_code(k, t, exc->cr2, exc->error_code);
	return force_sig_fault(t, sig, code, exc->cr2, &reported);
}

/* A reserved bit in a paging entry: the kernel wrote a bad entry, a bug
 * (Linux: pgtable_bad, which oopses). The process gets SIGSEGV. */
static int pgtable_bad(struct kernel *k, struct task_struct *t, const struct hw_exception *exc)
{
	kernel_bug(k, "pgtable_bad: reserved bit set in a page-table entry for %#llx",
		   (unsigned long long)exc->cr2);
	return pf_signal(k, t, SIGSEGV, SEGV_MAPERR, exc);
}

/* No VMA explains the address (or it is a kernel address): SIGSEGV with
 * SEGV_MAPERR (Linux: bad_area_nosemaphore). */
static int bad_area_nosemaphore(struct kernel *k, struct task_struct *t, const struct hw_exception *exc)
{
	if (exc->cr2 >= t->mm->task_size)
		trace_kernel(k, t->cpu, "kernel address from user mode: SIGSEGV");
	else
		trace_kernel(k, t->cpu, "no VMA covers %#llx: SIGSEGV (SEGV_MAPERR)",
			     (unsigned long long)exc->cr2);
	return pf_signal(k, t, SIGSEGV, SEGV_MAPERR, exc);
}

/* The VMA forbids the access: SIGSEGV with SEGV_ACCERR, or SEGV_PKUERR for
 * a protection-key fault (Linux: bad_area_access_error). */
static int bad_area_access_error(struct kernel *k, struct task_struct *t, const struct hw_exception *exc)
{
	bool pk = exc->error_code & X86_PF_PK;
	trace_kernel(k, t->cpu, "the VMA forbids this access: SIGSEGV (%s)",
		     pk ? "SEGV_PKUERR" : "SEGV_ACCERR");
	return pf_signal(k, t, SIGSEGV, pk ? SEGV_PKUERR : SEGV_ACCERR, exc);
}

/* Does the VMA forbid this access? Narrates the access it allows (Linux:
 * access_error). */
static bool access_error(struct kernel *k, struct task_struct *t, uint32_t error_code,
			 const struct vm_area_struct *vma)
{
	bool forbidden;

	if (error_code & X86_PF_PK)
		forbidden = true;
	else if (error_code & X86_PF_WRITE)
		forbidden = !(vma->vm_flags & VM_WRITE);
	else if (error_code & X86_PF_PROT)
		forbidden = true;
	else
		forbidden = !(vma->vm_flags & VM_ACCESS_FLAGS);
	if (!forbidden)
		trace_kernel(k, t->cpu, "the VMA allows a %s", error_code & X86_PF_INSTR ? "fetch"
			     : error_code & X86_PF_WRITE ? "write" : "read");
	return forbidden;
}

/* The #PF handler for a fault from user mode (Linux: do_user_addr_fault; a
 * kernel address, which Linux's handle_page_fault sends to
 * do_kern_addr_fault, ends in bad_area_nosemaphore the same way). 0 when
 * the fault was fixed or should be retried (also when the OOM killer chose
 * t: the caller sees the pending SIGKILL), -EFAULT after recording the fatal
 * signal in t->fatal, -EIO when the allocation made the kernel panic (no
 * process could be killed), or -ENOMEM when a memory cgroup's OOM killer
 * found nothing to kill (mem_cgroup_oom_failed). */
static int do_user_addr_fault(struct kernel *k, struct task_struct *t, const struct hw_exception *exc)
{
	uint64_t addr = exc->cr2;
	uint32_t ec = exc->error_code;
	unsigned flags = FAULT_FLAG_USER | (ec & X86_PF_WRITE ? FAULT_FLAG_WRITE : 0) |
			 (ec & X86_PF_INSTR ? FAULT_FLAG_INSTRUCTION : 0);

	if (ec & X86_PF_RSVD)
		return pgtable_bad(k, t, exc);
	if (addr >= t->mm->task_size)
		return bad_area_nosemaphore(k, t, exc);
	struct vm_area_struct *vma = lock_mm_and_find_vma(k, t, addr);
	if (!vma)
		return bad_area_nosemaphore(k, t, exc);
	if (access_error(k, t, ec, vma))
		return bad_area_access_error(k, t, exc);
	vm_fault_t r = handle_mm_fault(k, vma, addr, flags, t);
	if ((r & VM_FAULT_OOM) && mem_cgroup_oom_failed(k)) {
		printk(k, "Huh VM_FAULT_OOM leaked out to the #PF handler. Retrying PF");
		trace_kernel(k, t->cpu, "the cgroup's OOM killer found nothing to kill: Linux would retry this fault "
			     "forever; the access fails with ENOMEM");
		return -ENOMEM;
	}
	if ((r & VM_FAULT_OOM) && !pagefault_out_of_memory(k, t))
		return k->panic_reason ? -EIO : 0;    /* killed, or the machine stopped */
	if (r & VM_FAULT_SIGBUS)
		return pf_signal(k, t, SIGBUS, BUS_ADRERR, exc);
	if (r & VM_FAULT_SIGSEGV)
		return pf_signal(k, t, SIGSEGV, SEGV_MAPERR, exc);
	return 0;
}

/* The #PF entry: CR2 and the error code, then the handler (Linux:
 * exc_page_fault and handle_page_fault). Returns as do_user_addr_fault. */
static int exc_page_fault(struct kernel *k, struct task_struct *t, const struct hw_exception *exc)
{
	uint32_t ec = exc->error_code;
	trace_kernel(k, t->cpu, "#PF at %#llx, error code %#x (%s, %s, %s)", (unsigned long long)exc->cr2,
		     ec, ec & X86_PF_PROT ? "protection" : "not present",
		     ec & X86_PF_INSTR ? "fetch" : ec & X86_PF_WRITE ? "write" : "read",
		     ec & X86_PF_USER ? "user" : "kernel");
	return do_user_addr_fault(k, t, exc);
}

/* A #GP from user mode (a non-canonical address, a segment's limit or
 * type, a bad selector): SIGSEGV with SI_KERNEL (Linux:
 * exc_general_protection in arch/x86/kernel/traps.c; here beside the #PF
 * entry, as the other exceptions a user access raises). */
static int exc_general_protection(struct task_struct *t, const struct hw_exception *exc)
{
	return force_sig_fault(t, SIGSEGV, SI_KERNEL, 0, exc);
}

/* #SS or #NP from user mode: SIGBUS (Linux: exc_stack_segment and
 * exc_segment_not_present, through do_error_trap: force_sig, SI_KERNEL). */
static int do_error_trap(struct task_struct *t, const struct hw_exception *exc)
{
	return force_sig_fault(t, SIGBUS, SI_KERNEL, 0, exc);
}

/* Take the exception a user access raised: enter the kernel on t's core,
 * run the vector's handler, return to user mode. Linux does this with the
 * IDT's gates and the idtentry assembly, which have no C function of their
 * own. 0 when the access can be retried, or -EFAULT (a fatal signal). */
static int exception_entry(struct kernel *k, struct task_struct *t, const struct hw_exception *exc)
{
	struct hw_cpu *cpu = &k->hw->cpus[t->cpu];
	int rc;

	if (exc->vector == HW_EXC_VMEXIT)     /* the host's, not an exception of ours */
		return vmexit_resume(k, t->cpu);
	hw_exception_entry(cpu);              /* the exception enters the kernel */
	hw_swapgs(cpu, NULL);
	if (exc->vector == HW_EXC_PF)
		rc = exc_page_fault(k, t, exc);
	else if (exc->vector == HW_EXC_SS || exc->vector == HW_EXC_NP)
		rc = do_error_trap(t, exc);
	else
		rc = exc_general_protection(t, exc);
	hw_swapgs(cpu, NULL);
	hw_iret(cpu, NULL);                   /* and returns to the instruction */
	return rc;
}

/* See fault.h. */
int vmexit_resume(struct kernel *k, int cpu)
{
	int rc = k->hypervisor ? k->hypervisor(k->hypervisor_ctx, cpu) : -EFAULT;
	if (!rc)
		return 0;
	panic(k, "KVM: the host could not resolve a VM exit of CPU %d (%s)", cpu,
	      rc == -ENOMEM ? "out of memory" : "not guest memory");
	return -EIO;
}

/* See fault.h. */
bool vmexit_again(struct kernel *k, int cpu, int v)
{
	return v == HW_EXC_VMEXIT && !vmexit_resume(k, cpu);
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

/* Is an access of len bytes one instruction, a MOV of that width, rather
 * than a copy loop? */
static bool one_instruction(uint64_t len)
{
	return len == 1 || len == 2 || len == 4 || len == 8;
}

/* One access of user code through segment sreg (-1: the default one; in
 * 64-bit mode that is a linear address, and a touch within a page takes
 * the MMU's inline path) at offset va. */
static int user_access(struct hw_cpu *cpu, int sreg, uint64_t va, uint8_t *b, uint64_t len, enum hw_access kind,
		       struct hw_exception *exc)
{
	if (sreg < 0 && hw_seg_long_mode(&cpu->seg)) {
		if (!b && offset_in_page(va) + len <= PAGE_SIZE && (unsigned)kind < HW_NR_ACCESS)
			return hw_touch_in_page(cpu, va, (unsigned)len, kind, HW_USER, exc);
		return hw_access(cpu, va, b, len, kind, HW_USER, exc);
	}
	if (sreg < 0)
		sreg = kind == HW_FETCH ? HW_CS : HW_DS;
	return hw_access_seg(cpu, (enum hw_sreg)sreg, va, b, len, kind, HW_USER, exc);
}

/* One instruction of t's user code, on t's core in user mode: the access
 * user_access makes, with the exception it raises taken and the access
 * retried until it completes. *faulted is set when an exception was taken.
 * 0, or what exception_entry returned (-EFAULT, -EIO), or hw_access's error. */
static int user_insn(struct kernel *k, struct task_struct *t, struct hw_cpu *cpu, int sreg, uint64_t va,
		     uint8_t *b, uint64_t len, enum hw_access kind, bool *faulted)
{
	for (;;) {
		struct hw_exception exc;
		int rc = user_access(cpu, sreg, va, b, len, kind, &exc);
		if (rc != -EFAULT)
			return rc;
		*faulted = true;
		hw_sb_drain_n(cpu, cpu->sb.count);      /* the core's stores reach memory
							 * before the handler runs (its IRET
							 * serializes in any case) */
		int saved = k->this_cpu;
		k->this_cpu = t->cpu;
		rc = exception_entry(k, t, &exc);
		k->this_cpu = saved;
		if (!rc && fatal_signal_pending(t))     /* the OOM killer chose it: it
							 * dies returning to user mode */
			rc = force_sig_fault(t, SIGKILL, SI_KERNEL, exc.cr2, &exc);
		if (rc)
			return rc;
	}
}

/* task_access once t runs on its core: one instruction, or the user-mode
 * copy loop, a page at a time (see fault.h). */
static int do_task_access(struct kernel *k, struct task_struct *t, struct hw_cpu *cpu, int sreg, uint64_t va,
			  uint8_t *b, uint64_t len, enum hw_access kind)
{
	bool insn = one_instruction(len), faulted = false;
	int rc = swapgs_restore_regs_and_return_to_usermode(k, t);
	if (rc)
		return rc;
	while (len) {
		uint64_t chunk = insn ? len : HW_ACCESS_MAX - offset_in_page(va);
		if (chunk > len)
			chunk = len;
		rc = user_insn(k, t, cpu, sreg, va, b, chunk, kind, &faulted);
		if (rc)
			break;
		va += chunk;
		if (b)
			b += chunk;
		len -= chunk;
	}
	enter_from_user_mode(k, t);
	return rc;
}

/* Where t's accesses run between user_enter and user_leave. */
struct user_run {
	struct hw_cpu *cpu;
	struct task_mmu_stats before;
	struct task_struct *saved;
};

/* Put t on its core (switching to it) with the kernel running for t in its
 * faults; false for a dead task. */
static bool user_enter(struct kernel *k, struct task_struct *t, struct user_run *run)
{
	if (t->state != TASK_RUNNING)
		return false;
	run->cpu = &k->hw->cpus[t->cpu];
	schedule_task(k, t);
	mmu_snapshot(&run->cpu->ctr, &run->before);
	run->saved = k->current;
	k->current = t;
	return true;
}

/* The end of user_enter: t's statistics get what its core counted, and a
 * kswapd woken meanwhile runs before t returns to user mode. */
static void user_leave(struct kernel *k, struct task_struct *t, struct user_run *run)
{
	k->current = run->saved;
	mmu_account(t, &run->cpu->ctr, &run->before);
	if (k->kswapd_pending)
		exit_to_user_mode(k, t->cpu);
}

/* See fault.h. */
int task_access(struct kernel *k, struct task_struct *t, uint64_t va, void *buf, uint64_t len,
		enum hw_access kind)
{
	struct user_run run;
	if (!user_enter(k, t, &run))
		return -ESRCH;
	int rc = do_task_access(k, t, run.cpu, -1, va, buf, len, kind);
	user_leave(k, t, &run);
	return rc;
}

/* See fault.h. */
int task_access_seg(struct kernel *k, struct task_struct *t, enum hw_sreg sreg, uint64_t off, void *buf,
		    uint64_t len, enum hw_access kind)
{
	struct user_run run;
	if ((unsigned)sreg >= HW_NR_SREGS || (kind == HW_FETCH) != (sreg == HW_CS))
		return -EINVAL;
	if (!user_enter(k, t, &run))
		return -ESRCH;
	int rc = do_task_access(k, t, run.cpu, (int)sreg, off, buf, len, kind);
	user_leave(k, t, &run);
	return rc;
}

/* The L2 TLB hits core c has counted (all page sizes). */
static uint64_t l2_hits(const struct hw_counters *c)
{
	uint64_t n = 0;
	for (int ps = 0; ps < HW_NR_PSIZES; ps++)
		n += c->tlb_hit[HW_L2][ps];
	return n;
}

/* The translations of level lv that pages larger than 4 KiB made: its
 * hits and the misses they resolved (USER_REF_HUGE). */
static uint64_t huge_xlats(const struct hw_counters *c, enum hw_tlb_level lv)
{
	return c->tlb_hit[lv][HW_PS_2M] + c->tlb_hit[lv][HW_PS_1G] + c->tlb_miss[lv][HW_PS_2M] +
	       c->tlb_miss[lv][HW_PS_1G];
}

/* What a run's loop adds up per access, by what the run's L1 TLB entry
 * allows without a walk (index: bit 0 loads, bit 1 stores and
 * read-modify-writes) and the access's kind: 1 for a load, 0 for another
 * allowed kind, RUN_DENIED (at or above a page, so that it fails the page
 * test too) for a kind the entry does not allow or a fetch. */
#define RUN_DENIED (1ULL << 32)
static const uint64_t run_kind[4][4] = {
	{ RUN_DENIED, RUN_DENIED, RUN_DENIED, RUN_DENIED },     /* neither */
	{ 1, RUN_DENIED, RUN_DENIED, RUN_DENIED },              /* loads */
	{ RUN_DENIED, 0, RUN_DENIED, 0 },                       /* stores */
	{ 1, 0, RUN_DENIED, 0 },                                /* both */
};

/* Access r's part of a run's test on page: its first and last bytes' page
 * numbers against page's, with its kind's entry (run_kind) ORed in; at
 * or above PAGE_SIZE when r leaves the run. *sum gets the kind's entry. */
static inline __attribute__((always_inline)) uint64_t run_test(const struct user_ref *r, uint64_t page,
							       const uint64_t *kinds, uint64_t *sum)
{
	uint64_t a = r->addr, kind = kinds[r->kind & 3];
	*sum += kind;
	return (a ^ page) | ((a + r->len - 1) ^ page) | kind;
}

/* The run of refs[i..n) that the MMU takes at once (hw_run): loads, stores
 * and read-modify-writes, each within the 4 KiB page of refs[i], as far as
 * the L1 TLB entry that translates it allows their kinds without a walk;
 * counted on cpu as if made one by one. Its end (i: no run there); *huge:
 * the entry maps a page larger than 4 KiB. */
static size_t access_run(struct hw_cpu *cpu, const struct user_ref *refs, size_t i, size_t n, bool *huge)
{
	struct hw_run run;
	uint64_t page = refs[i].addr & PAGE_MASK, loads = 0;
	if (!hw_run_begin(cpu, refs[i].addr, HW_USER, &run))
		return i;
	*huge = run.size != HW_PS_4K;
	const uint64_t *kinds = run_kind[(run.ok >> HW_READ & 1) | (run.ok >> HW_WRITE & 1) << 1];
	size_t j = i;
	/* An access stays in the run when its first and last bytes are on the
	 * page and its kind is allowed: four at a time with one test (the
	 * group that fails is taken again one by one), then one by one */
	for (; j + 4 <= n; j += 4) {
		uint64_t sum = 0;
		if ((run_test(&refs[j], page, kinds, &sum) | run_test(&refs[j + 1], page, kinds, &sum) |
		     run_test(&refs[j + 2], page, kinds, &sum) | run_test(&refs[j + 3], page, kinds, &sum)) >= PAGE_SIZE)
			break;
		loads += sum;
	}
	for (; j < n; j++) {
		uint64_t sum = 0;
		if (run_test(&refs[j], page, kinds, &sum) >= PAGE_SIZE)
			break;
		loads += sum;
	}
	hw_run_commit(cpu, &run, loads, j - i - loads);
	return j;
}

/* How far ahead a batch's look-ahead prefetches page-table entries (in
 * accesses): about the walks a hardware walker keeps in flight. */
#define LOOK_AHEAD 8

/* See fault.h. The outcome of an access comes from the core's counters:
 * a walk counted, else an L2 hit counted, else the L1 TLB hit; huge when
 * the L1 level of its kind counted a translation by a larger page. Unless the
 * machine says mmu.one_at_a_time (the counts are the same either way),
 * runs of L1 hits on one page are taken at once (access_run), and each
 * access made on its own first has the host prefetch the page-table entry
 * of the access LOOK_AHEAD later (hw_prefetch_walk), so that the host's
 * waits for successive walks' entries overlap; after an access that
 * walked, an access alone on its page is made on its own at once. */
int task_access_batch(struct kernel *k, struct task_struct *t, const struct user_ref *refs, size_t n,
		      uint8_t *outcome, size_t *done)
{
	static const enum hw_access hw_kind[] = { HW_READ, HW_WRITE, HW_FETCH, HW_WRITE };
	struct user_run run;
	size_t i = 0;

	*done = 0;
	if (!user_enter(k, t, &run))
		return -ESRCH;
	struct hw_cpu *cpu = run.cpu;
	int rc = swapgs_restore_regs_and_return_to_usermode(k, t);
	bool runs = !k->hw->cfg.one_at_a_time && hw_seg_long_mode(&cpu->seg), walked = false;
	while (!rc && i < n) {
		bool huge = false;
		/* after an access that walked, a lone access on another page
		 * likely walks too: no run is tried for it (a run would hold
		 * that access alone, and would begin with a futile probe) */
		bool lone = walked && (i + 1 == n || (refs[i + 1].addr ^ refs[i].addr) >= PAGE_SIZE);
		size_t j = runs && !lone ? access_run(cpu, refs, i, n, &huge) : i;
		if (j > i) {
			if (outcome)
				memset(outcome + i, huge ? USER_REF_L1_HIT | USER_REF_HUGE : USER_REF_L1_HIT, j - i);
			walked = false;
			i = j;
			continue;
		}
		const struct user_ref *r = &refs[i];
		if (runs && i + LOOK_AHEAD < n)         /* this one may walk: so may that one */
			hw_prefetch_walk(cpu, refs[i + LOOK_AHEAD].addr);
		enum hw_tlb_level l1 = (r->kind & 3) == USER_REF_FETCH ? HW_L1I : HW_L1D;
		uint64_t walks = cpu->ctr.walks, l2 = outcome ? l2_hits(&cpu->ctr) : 0;
		uint64_t big = outcome ? huge_xlats(&cpu->ctr, l1) : 0;
		bool faulted = false;
		rc = user_insn(k, t, cpu, -1, r->addr, NULL, r->len, hw_kind[r->kind & 3], &faulted);
		if (rc)
			break;
		walked = cpu->ctr.walks != walks;
		if (outcome)
			outcome[i] = (uint8_t)((cpu->ctr.walks != walks ? USER_REF_WALK
					       : l2_hits(&cpu->ctr) != l2 ? USER_REF_L2_HIT : USER_REF_L1_HIT) |
					      (faulted ? USER_REF_FAULTED : 0) |
					      (huge_xlats(&cpu->ctr, l1) != big ? USER_REF_HUGE : 0));
		i++;
	}
	enter_from_user_mode(k, t);
	user_leave(k, t, &run);
	*done = i;
	return rc;
}

/* task_load_segment on t's core: user code executes the load (MOV to the
 * register, or JMP FAR for CS), retried after a fixed fault (the GDT or
 * LDT page faulted in). */
static int do_load_segment(struct kernel *k, struct task_struct *t, struct hw_cpu *cpu, enum hw_sreg sreg,
			   uint16_t sel)
{
	struct hw_exception exc;
	int rc = swapgs_restore_regs_and_return_to_usermode(k, t);
	while (!rc) {
		int v = sreg == HW_CS ? hw_far_jmp(cpu, sel, &exc) : hw_load_sreg(cpu, sreg, sel, &exc);
		if (!v)
			break;
		int saved = k->this_cpu;
		k->this_cpu = t->cpu;
		rc = exception_entry(k, t, &exc);
		k->this_cpu = saved;
	}
	enter_from_user_mode(k, t);
	return rc;
}

/* See fault.h. */
int task_load_segment(struct kernel *k, struct task_struct *t, enum hw_sreg sreg, uint16_t sel)
{
	struct user_run run;
	if ((unsigned)sreg >= HW_NR_SREGS)
		return -EINVAL;
	if (!user_enter(k, t, &run))
		return -ESRCH;
	int rc = do_load_segment(k, t, run.cpu, sreg, sel);
	user_leave(k, t, &run);
	return rc;
}
