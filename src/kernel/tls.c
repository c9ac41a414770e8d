/*
 * kernel/tls.c — TLS descriptors in the GDT: set_thread_area and
 * get_thread_area, and load_TLS, which puts a task's three TLS entries into
 * its CPU's GDT at each context switch (Linux: arch/x86/kernel/tls.c,
 * native_load_tls in asm/desc.h).
 */
#include "kernel/segment.h"

#include "hw/machine.h"
#include "hw/seg.h"
#include "kernel/kernel.h"
#include "kernel/sched.h"
#include "kernel/trace.h"
#include "common.h"

#include <errno.h>

/* See segment.h. */
void load_TLS(struct kernel *k, const struct task_struct *t, int cpu)
{
	uint64_t *gdt = get_cpu_gdt_rw(k, cpu);
	for (int i = 0; i < GDT_ENTRY_TLS_ENTRIES; i++)
		gdt[GDT_ENTRY_TLS_MIN + i] = t->thread.tls_array[i];
}

/* A yet unused TLS entry of t, or -ESRCH (Linux: get_free_idx). */
static int get_free_idx(const struct task_struct *t)
{
	for (int idx = 0; idx < GDT_ENTRY_TLS_ENTRIES; idx++)
		if (!t->thread.tls_array[idx])
			return idx + GDT_ENTRY_TLS_MIN;
	return -ESRCH;
}

/* May info go into the GDT? Only "no segment" (either spelling), or a
 * present 32-bit data segment: 16-bit segments need espfix, which only the
 * LDT has, and non-present ones are refused (Linux: tls_desc_okay). */
static bool tls_desc_okay(const struct user_desc *info)
{
	if (LDT_empty(info) || LDT_zero(info))
		return true;
	return info->seg_32bit && info->contents <= 1 && !info->seg_not_present;
}

/* Put info into t's TLS entry idx, and into its CPU's GDT when it runs
 * (Linux: set_tls_desc). */
static void set_tls_desc(struct kernel *k, struct task_struct *t, int idx, const struct user_desc *info)
{
	uint64_t d = LDT_empty(info) || LDT_zero(info) ? 0 : fill_ldt(info);
	t->thread.tls_array[idx - GDT_ENTRY_TLS_MIN] = d;
	if (k->curr[t->cpu] == t)
		load_TLS(k, t, t->cpu);
	trace_kernel(k, t->cpu, "GDT entry %d of CPU %d = %#018llx (selector %#x)", idx, t->cpu,
		     (unsigned long long)d, idx << 3 | 3);
}

/* A segment register of the running t holding sel is loaded again, so it
 * sees the new descriptor (Linux: the reloads at the end of
 * do_set_thread_area); GS between two SWAPGS. */
static void refresh_user_segments(struct kernel *k, struct task_struct *t, uint16_t sel)
{
	struct hw_cpu *c = &k->hw->cpus[t->cpu];
	static const enum hw_sreg regs[] = { HW_DS, HW_ES, HW_FS };
	for (unsigned i = 0; i < ARRAY_SIZE(regs); i++)
		if (c->seg.sreg[regs[i]].sel == sel)
			loadsegment(k, t->cpu, regs[i], sel);
	if (c->seg.sreg[HW_GS].sel == sel) {
		hw_swapgs(c, NULL);
		loadsegment(k, t->cpu, HW_GS, sel);
		hw_swapgs(c, NULL);
	}
}

/* See segment.h (Linux: do_set_thread_area with idx -1, can_allocate). */
int64_t sys_set_thread_area(struct kernel *k, struct task_struct *t, struct user_desc *info)
{
	int idx = (int)info->entry_number;
	if (!tls_desc_okay(info))
		return -EINVAL;
	if (idx == -1) {
		idx = get_free_idx(t);
		if (idx < 0)
			return idx;
		info->entry_number = (uint32_t)idx;
	}
	if (idx < GDT_ENTRY_TLS_MIN || idx > GDT_ENTRY_TLS_MAX)
		return -EINVAL;
	set_tls_desc(k, t, idx, info);
	if (k->curr[t->cpu] == t)
		refresh_user_segments(k, t, (uint16_t)(idx << 3 | 3));
	return 0;
}

/* See segment.h (Linux: do_get_thread_area). */
int64_t sys_get_thread_area(struct kernel *k, struct task_struct *t, struct user_desc *info)
{
	int idx = (int)info->entry_number;
	(void)k;
	if (idx < GDT_ENTRY_TLS_MIN || idx > GDT_ENTRY_TLS_MAX)
		return -EINVAL;
	fill_user_desc(info, idx, t->thread.tls_array[idx - GDT_ENTRY_TLS_MIN]);
	return 0;
}
