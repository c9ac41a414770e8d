/* sim/seg.c — the simulator's segments and TLS: the system calls, which a
 * task makes on its own core (so they act on the registers it runs with),
 * and the views of its segment registers and of a core's GDT. */
#include "sim/sim.h"

#include "kernel/sched.h"
#include "kernel/segment.h"

#include <errno.h>
#include <string.h>

static const char *const arch_names[] = { "ARCH_SET_GS", "ARCH_SET_FS", "ARCH_GET_FS", "ARCH_GET_GS" };

/* Enter the kernel for a system call of pid on its own core (a context
 * switch when another task runs there). */
static struct task_struct *seg_syscall_enter(struct sim_machine *s, int pid)
{
	struct task_struct *t = syscall_enter(s, pid);
	if (t)
		schedule_task(&s->kernel, t);
	return t;
}

/* See sim.h. */
int64_t sim_arch_prctl(mmsim_machine *m, int pid, int code, uint64_t addr)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = seg_syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	if (code >= ARCH_SET_GS && code <= ARCH_GET_GS)
		sim_narrate_syscall(s, t, "arch_prctl(%s, %#llx)", arch_names[code - ARCH_SET_GS],
				    (unsigned long long)addr);
	else
		sim_narrate_syscall(s, t, "arch_prctl(%#x, %#llx)", code, (unsigned long long)addr);
	return syscall_result(s, t, do_arch_prctl_64(&s->kernel, t, code, addr));
}

/* The kernel's user_desc for the API's, and back. */
static void to_kernel(const struct mmsim_user_desc *d, struct user_desc *u)
{
	*u = (struct user_desc){ d->entry_number, d->base_addr, d->limit, d->seg_32bit & 1, d->contents & 3,
				 d->read_exec_only & 1, d->limit_in_pages & 1, d->seg_not_present & 1,
				 d->useable & 1, d->lm & 1 };
}

static void from_kernel(const struct user_desc *u, struct mmsim_user_desc *d)
{
	*d = (struct mmsim_user_desc){ u->entry_number, u->base_addr, u->limit, u->seg_32bit, u->contents,
				       u->read_exec_only, u->limit_in_pages, u->seg_not_present, u->useable,
				       u->lm };
}

/* set_thread_area or get_thread_area (set) with desc. */
static int64_t thread_area(mmsim_machine *m, int pid, struct mmsim_user_desc *desc, bool set)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = seg_syscall_enter(s, pid);
	struct user_desc u;
	if (!t)
		return -ESRCH;
	to_kernel(desc, &u);
	sim_narrate_syscall(s, t, "%s({entry_number=%d, base_addr=%#x, limit=%#x, seg_32bit=%u, contents=%u, "
			    "read_exec_only=%u, limit_in_pages=%u, seg_not_present=%u, useable=%u})",
			    set ? "set_thread_area" : "get_thread_area", (int)u.entry_number, u.base_addr, u.limit,
			    u.seg_32bit, u.contents, u.read_exec_only, u.limit_in_pages, u.seg_not_present, u.useable);
	int64_t r = set ? sys_set_thread_area(&s->kernel, t, &u) : sys_get_thread_area(&s->kernel, t, &u);
	if (!r)
		from_kernel(&u, desc);
	return syscall_result(s, t, r);
}

/* See sim.h. */
int64_t sim_set_thread_area(mmsim_machine *m, int pid, struct mmsim_user_desc *desc)
{
	return thread_area(m, pid, desc, true);
}

/* See sim.h. */
int64_t sim_get_thread_area(mmsim_machine *m, int pid, struct mmsim_user_desc *desc)
{
	return thread_area(m, pid, desc, false);
}

/* See sim.h. */
int64_t sim_modify_ldt(mmsim_machine *m, int pid, int func, void *ptr, uint64_t bytecount)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = seg_syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "modify_ldt(%#x, buf, %llu)", func, (unsigned long long)bytecount);
	int64_t r = sys_modify_ldt(&s->kernel, t, func, ptr, bytecount);
	return syscall_result(s, t, (int64_t)(int32_t)r);
}

/* See sim.h. */
int sim_segments(mmsim_machine *m, int pid, struct mmsim_segments *out)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = sim_task(s, pid);
	struct hw_segment regs[HW_NR_SREGS];
	bool compat;
	if (!t)
		return -ESRCH;
	memset(out, 0, sizeof *out);
	task_user_segments(&s->kernel, t, regs, &out->fs_base, &out->gs_base, &compat);
	for (int r = 0; r < HW_NR_SREGS; r++)
		out->seg[r] = (struct mmsim_segment){ regs[r].sel, regs[r].base, regs[r].limit, regs[r].attr };
	out->compat = compat;
	out->ldt_entries = t->mm && t->mm->context.ldt ? t->mm->context.ldt->nr_entries : 0;
	return 0;
}

/* See sim.h. */
int sim_gdt(mmsim_machine *m, int cpu, uint64_t *words, size_t max)
{
	struct sim_machine *s = sim_machine(m);
	if (cpu < 0 || cpu >= s->kernel.nr_cpus)
		return sim_fail(s, -EINVAL, "gdt: core %d: the machine has cores 0 to %d", cpu, s->kernel.nr_cpus - 1);
	const uint64_t *gdt = get_cpu_gdt_rw(&s->kernel, cpu);
	for (size_t i = 0; i < max && i < GDT_ENTRIES; i++)
		words[i] = gdt[i];
	return GDT_ENTRIES;
}
