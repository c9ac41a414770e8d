/*
 * kernel/process_64.c — a task's segment registers: set at exec, saved and
 * restored at context switch, changed by arch_prctl, and the kernel's
 * entry from and return to user mode (Linux: arch/x86/kernel/process_64.c
 * and process.c; the SWAPGS, SYSRET and IRET of arch/x86/entry/entry_64.S).
 *
 * While the kernel runs for a task, the CPU holds the task's DS, ES, FS
 * (selector and base) and GS selector; GS's base is the kernel's per-CPU
 * area and the task's GS base waits in KERNEL_GS_BASE (SWAPGS swaps them
 * on every entry and exit). The task's CS and SS are in its pt_regs
 * (thread_struct here). The saved copies in thread_struct are brought up
 * to date when the task leaves its CPU (save_fsgs).
 */
#include "kernel/segment.h"

#include "hw/ept.h"
#include "hw/machine.h"
#include "hw/seg.h"
#include "kernel/fault.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/sched.h"
#include "kernel/trace.h"

#include <errno.h>
#include <string.h>

enum which_selector { FS, GS };

static struct hw_cpu *core(struct kernel *k, int cpu)
{
	return &k->hw->cpus[cpu];
}

/* True when t runs on its CPU: its segment registers are the CPU's. */
static bool on_cpu(struct kernel *k, const struct task_struct *t)
{
	return k->curr[t->cpu] == t;
}

/* See segment.h. */
void start_thread(struct task_struct *t)
{
	memset(&t->thread, 0, sizeof t->thread);
	t->thread.cs = __USER_CS;
	t->thread.ss = __USER_DS;
}

/* Does t use segmentation beyond the defaults (then __switch_to narrates
 * its work)? */
static bool uses_segments(const struct task_struct *t)
{
	const struct thread_struct *th = &t->thread;
	return th->fsindex | th->gsindex | th->es | th->ds | th->fsbase | th->gsbase | th->tls_array[0] |
	       th->tls_array[1] | th->tls_array[2] || th->cs != __USER_CS;
}

/* ---- loading segments from the kernel --------------------------------------------- */

/* See segment.h. */
void loadsegment(struct kernel *k, int cpu, enum hw_sreg r, uint16_t sel)
{
	int v;
	while (vmexit_again(k, cpu, v = hw_load_sreg(core(k, cpu), r, sel, NULL)))
		;
	if (v)
		hw_load_sreg(core(k, cpu), r, 0, NULL);
}

/* load_gs_index(sel): the user's GS selector, loaded between two SWAPGS
 * so the kernel's GS base stays (Linux: native_load_gs_index). */
static void load_gs_index(struct kernel *k, int cpu, uint16_t sel)
{
	struct hw_cpu *c = core(k, cpu);
	hw_swapgs(c, NULL);
	loadsegment(k, cpu, HW_GS, sel);
	hw_swapgs(c, NULL);
}

static void loadseg(struct kernel *k, int cpu, enum which_selector which, uint16_t sel)
{
	if (which == FS)
		loadsegment(k, cpu, HW_FS, sel);
	else
		load_gs_index(k, cpu, sel);
}

/* The user's FS base on cpu now (x86_fsbase_read_cpu: RDFSBASE, or the
 * MSR), and the user's GS base, which waits in KERNEL_GS_BASE while the
 * kernel runs (__rdgsbase_inactive: SWAPGS, RDGSBASE, SWAPGS). */
static uint64_t fsbase_read_cpu(struct kernel *k, int cpu)
{
	uint64_t v = 0;
	if (k->percpu.fsgsbase)
		hw_rdfsbase(core(k, cpu), &v, NULL);
	else
		hw_rdmsr(core(k, cpu), HW_MSR_FS_BASE, &v, NULL);
	return v;
}

static uint64_t gsbase_read_cpu_inactive(struct kernel *k, int cpu)
{
	struct hw_cpu *c = core(k, cpu);
	uint64_t v = 0;
	if (!k->percpu.fsgsbase) {
		hw_rdmsr(c, HW_MSR_KERNEL_GS_BASE, &v, NULL);
		return v;
	}
	hw_swapgs(c, NULL);
	hw_rdgsbase(c, &v, NULL);
	hw_swapgs(c, NULL);
	return v;
}

/* Set them (x86_fsbase_write_cpu, x86_gsbase_write_cpu_inactive). */
static void fsbase_write_cpu(struct kernel *k, int cpu, uint64_t v)
{
	if (k->percpu.fsgsbase)
		hw_wrfsbase(core(k, cpu), v, NULL);
	else
		hw_wrmsr(core(k, cpu), HW_MSR_FS_BASE, v, NULL);
}

static void gsbase_write_cpu_inactive(struct kernel *k, int cpu, uint64_t v)
{
	struct hw_cpu *c = core(k, cpu);
	if (!k->percpu.fsgsbase) {
		hw_wrmsr(c, HW_MSR_KERNEL_GS_BASE, v, NULL);
		return;
	}
	hw_swapgs(c, NULL);
	hw_wrgsbase(c, v, NULL);
	hw_swapgs(c, NULL);
}

/* ---- context switch ------------------------------------------------------------ */

/* Keep the base of a legacy (no FSGSBASE) selector: with a null selector
 * the saved base stands; with selector 1..3 or a real segment it is not
 * kept (Linux: save_base_legacy). */
static void save_base_legacy(struct task_struct *prev, uint16_t selector, enum which_selector which)
{
	if (selector == 0)
		return;
	if (which == FS)
		prev->thread.fsbase = 0;
	else
		prev->thread.gsbase = 0;
}

/* Save prev's FS and GS from its CPU (Linux: save_fsgs). */
static void save_fsgs(struct kernel *k, struct task_struct *prev)
{
	struct hw_cpu *c = core(k, prev->cpu);
	prev->thread.fsindex = c->seg.sreg[HW_FS].sel;
	prev->thread.gsindex = c->seg.sreg[HW_GS].sel;
	if (k->percpu.fsgsbase) {
		prev->thread.fsbase = fsbase_read_cpu(k, prev->cpu);
		prev->thread.gsbase = gsbase_read_cpu_inactive(k, prev->cpu);
	} else {
		save_base_legacy(prev, prev->thread.fsindex, FS);
		save_base_legacy(prev, prev->thread.gsindex, GS);
	}
}

/* Load next's FS or GS without FSGSBASE (Linux: load_seg_legacy). prev
 * NULL: nothing is known of what the CPU holds. */
static void load_seg_legacy(struct kernel *k, int cpu, const struct thread_struct *prev,
			    const struct thread_struct *next, enum which_selector which)
{
	uint16_t prev_index = !prev ? 0xffff : which == FS ? prev->fsindex : prev->gsindex;
	uint64_t prev_base = !prev ? 1 : which == FS ? prev->fsbase : prev->gsbase;
	uint16_t next_index = which == FS ? next->fsindex : next->gsindex;
	uint64_t next_base = which == FS ? next->fsbase : next->gsbase;
	if (next_index > 3) {
		loadseg(k, cpu, which, next_index);
	} else if (next_base == 0) {
		if (prev_index | next_index | prev_base)
			loadseg(k, cpu, which, next_index);
	} else {
		if (prev_index != next_index)
			loadseg(k, cpu, which, next_index);
		hw_wrmsr(core(k, cpu), which == FS ? HW_MSR_FS_BASE : HW_MSR_KERNEL_GS_BASE, next_base, NULL);
	}
}

/* Load next's FS and GS (Linux: x86_fsgsbase_load). */
static void x86_fsgsbase_load(struct kernel *k, int cpu, const struct thread_struct *prev,
			      const struct thread_struct *next)
{
	if (!k->percpu.fsgsbase) {
		load_seg_legacy(k, cpu, prev, next, FS);
		load_seg_legacy(k, cpu, prev, next, GS);
		return;
	}
	if (!prev || prev->fsindex || next->fsindex)
		loadseg(k, cpu, FS, next->fsindex);
	if (!prev || prev->gsindex || next->gsindex)
		loadseg(k, cpu, GS, next->gsindex);
	fsbase_write_cpu(k, cpu, next->fsbase);
	gsbase_write_cpu_inactive(k, cpu, next->gsbase);
}

/* See segment.h. */
void __switch_to(struct kernel *k, struct task_struct *prev, struct task_struct *next)
{
	if (prev) {
		struct hw_cpu *pc = core(k, prev->cpu);
		save_fsgs(k, prev);
		prev->thread.es = pc->seg.sreg[HW_ES].sel;
		prev->thread.ds = pc->seg.sreg[HW_DS].sel;
	}
	if (!next)
		return;
	int cpu = next->cpu;
	struct hw_cpu *c = core(k, cpu);
	bool tell = k->trace_fn && ((prev && uses_segments(prev)) || uses_segments(next));
	load_TLS(k, next, cpu);
	if (!prev || (next->thread.es | prev->thread.es))
		loadsegment(k, cpu, HW_ES, next->thread.es);
	if (!prev || (next->thread.ds | prev->thread.ds))
		loadsegment(k, cpu, HW_DS, next->thread.ds);
	x86_fsgsbase_load(k, cpu, prev ? &prev->thread : NULL, &next->thread);
	this_cpu_write(k, cpu, PERCPU_CURRENT_TASK, kaddr(k, next), "current_task", tell);
	if (tell)
		trace_kernel(k, cpu, "pid %d: FS %#x base %#llx, GS %#x base %#llx (in KERNEL_GS_BASE until "
			     "SWAPGS), DS %#x, ES %#x", next->pid, next->thread.fsindex,
			     (unsigned long long)c->seg.sreg[HW_FS].base, next->thread.gsindex,
			     (unsigned long long)c->seg.kernel_gs_base, next->thread.ds, next->thread.es);
}

/* See segment.h. */
void copy_thread(struct kernel *k, struct task_struct *child, struct task_struct *parent)
{
	if (on_cpu(k, parent))
		__switch_to(k, parent, NULL);         /* save_fsgs, DS and ES; it keeps running */
	child->thread = parent->thread;
}

/* ---- entry and exit ------------------------------------------------------------- */

/* See segment.h. */
int swapgs_restore_regs_and_return_to_usermode(struct kernel *k, struct task_struct *t)
{
	struct hw_cpu *c = core(k, t->cpu);
	struct hw_exception exc;
	hw_swapgs(c, NULL);
	if (t->thread.ss == __USER_DS && (t->thread.cs == __USER_CS || t->thread.cs == __USER32_CS)) {
		hw_sysret(c, t->thread.cs == __USER_CS, NULL);
		return 0;
	}
	int rc;
	while ((rc = hw_iret_to(c, t->thread.cs, t->thread.ss, &exc)) && exc.vector == HW_EXC_VMEXIT)
		if (vmexit_resume(k, t->cpu))         /* a guest's exit: resumed, IRET again */
			return -EIO;
	if (!rc)
		return 0;
	hw_swapgs(c, NULL);                   /* IRET faulted in the kernel: its fixup */
	trace_kernel(k, t->cpu, "IRET to CS %#x SS %#x faulted: SIGSEGV", t->thread.cs, t->thread.ss);
	t->fatal = (struct siginfo){ SIGSEGV, SI_KERNEL, 0, exc.vector, exc.error_code };
	return -EFAULT;
}

/* See segment.h. */
void enter_from_user_mode(struct kernel *k, struct task_struct *t)
{
	struct hw_cpu *c = core(k, t->cpu);
	hw_exception_entry(c);
	t->thread.cs = c->seg.frame_cs.sel;
	t->thread.ss = c->seg.frame_ss.sel;
	hw_swapgs(c, NULL);
}

/* The descriptor selector sel names for t: in its CPU's GDT or its mm's
 * LDT, through the direct map; 0 for none. */
static uint64_t desc_of(struct kernel *k, const struct task_struct *t, uint16_t sel)
{
	unsigned index = HW_SEL_INDEX(sel);
	const struct ldt_struct *ldt = t->mm ? t->mm->context.ldt : NULL;
	if (!(sel & ~3u))
		return 0;
	if (!(sel & HW_SEL_TI))
		return index < GDT_ENTRIES ? get_cpu_gdt_rw(k, t->cpu)[index] : 0;
	if (!ldt || index >= ldt->nr_entries)
		return 0;
	return ((const uint64_t *)phys_to_virt(k, ldt->entries_pa))[index];
}

/* A segment register of t loaded with sel and base, as its descriptor says. */
static struct hw_segment saved_seg(struct kernel *k, const struct task_struct *t, uint16_t sel, uint64_t base)
{
	uint64_t d = desc_of(k, t, sel);
	struct hw_desc dd = hw_desc_decode(d, 0, false);
	if (!d)
		return (struct hw_segment){ .sel = sel, .base = base, .attr = HW_SEG_UNUSABLE };
	return (struct hw_segment){ .sel = sel, .base = base, .limit = dd.limit, .attr = dd.attr };
}

/* See segment.h. */
void task_user_segments(struct kernel *k, struct task_struct *t, struct hw_segment regs[HW_NR_SREGS], uint64_t *fsbase,
			uint64_t *gsbase, bool *compat)
{
	const struct thread_struct *th = &t->thread;
	struct hw_cpu *c = core(k, t->cpu);
	regs[HW_CS] = saved_seg(k, t, th->cs, 0);
	regs[HW_SS] = saved_seg(k, t, th->ss, 0);
	if (on_cpu(k, t)) {
		regs[HW_ES] = c->seg.sreg[HW_ES];
		regs[HW_DS] = c->seg.sreg[HW_DS];
		regs[HW_FS] = c->seg.sreg[HW_FS];
		regs[HW_GS] = c->seg.sreg[HW_GS];
		regs[HW_GS].base = c->seg.kernel_gs_base;      /* the user's, while the kernel runs */
	} else {
		regs[HW_ES] = saved_seg(k, t, th->es, 0);
		regs[HW_DS] = saved_seg(k, t, th->ds, 0);
		regs[HW_FS] = saved_seg(k, t, th->fsindex, th->fsbase);
		regs[HW_GS] = saved_seg(k, t, th->gsindex, th->gsbase);
	}
	*fsbase = regs[HW_FS].base;
	*gsbase = regs[HW_GS].base;
	*compat = !(regs[HW_CS].attr & HW_SEG_L);
}

/* ---- arch_prctl ------------------------------------------------------------------ */

/* TASK_SIZE_MAX: the top of user space, less a guard page. */
static uint64_t task_size_max(const struct kernel *k)
{
	return (1ULL << (k->paging_levels == 5 ? 56 : 47)) - PAGE_SIZE;
}

/* ARCH_SET_FS or ARCH_SET_GS for t, on its CPU: a null selector, whose
 * index Linux also stores, and the base. */
static void arch_set_base(struct kernel *k, struct task_struct *t, enum which_selector which, uint64_t base)
{
	loadseg(k, t->cpu, which, 0);
	if (which == FS) {
		fsbase_write_cpu(k, t->cpu, base);
		t->thread.fsindex = 0;
		t->thread.fsbase = base;
	} else {
		gsbase_write_cpu_inactive(k, t->cpu, base);
		t->thread.gsindex = 0;
		t->thread.gsbase = base;
	}
	trace_kernel(k, t->cpu, "%s base = %#llx (%s)", which == FS ? "FS" : "GS", (unsigned long long)base,
		     k->percpu.fsgsbase ? (which == FS ? "WRFSBASE" : "SWAPGS, WRGSBASE, SWAPGS")
					: (which == FS ? "WRMSR FS_BASE" : "WRMSR KERNEL_GS_BASE"));
}

/* See segment.h. */
int64_t do_arch_prctl_64(struct kernel *k, struct task_struct *t, int option, uint64_t arg2)
{
	uint64_t base;
	switch (option) {
	case ARCH_SET_GS:
	case ARCH_SET_FS:
		if (arg2 >= task_size_max(k))
			return -EPERM;
		arch_set_base(k, t, option == ARCH_SET_FS ? FS : GS, arg2);
		return 0;
	case ARCH_GET_FS:
	case ARCH_GET_GS:
		base = option == ARCH_GET_FS ? fsbase_read_cpu(k, t->cpu) : gsbase_read_cpu_inactive(k, t->cpu);
		trace_kernel(k, t->cpu, "%s base is %#llx: put_user to %#llx", option == ARCH_GET_FS ? "FS" : "GS",
			     (unsigned long long)base, (unsigned long long)arg2);
		return copy_to_user(k, t, arg2, &base, sizeof base);
	}
	return -EINVAL;
}
