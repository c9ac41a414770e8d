/* kernel/tlbflush.c — ASIDs, CR3 loads and TLB shootdowns. See tlbflush.h. */
#include "kernel/tlbflush.h"

#include "hw/machine.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/pgtable.h"
#include "kernel/trace.h"

/* The PCID of dynamic ASID asid (Linux: kern_pcid; PCID 0 stays unused). */
static uint64_t kern_pcid(uint16_t asid)
{
	return asid + 1u;
}

static struct hw_cpu *core(struct kernel *k, int cpu)
{
	return &k->hw->cpus[cpu];
}

/* See tlbflush.h. */
uint64_t new_context_id(struct kernel *k)
{
	return ++k->last_ctx_id;
}

/* Load mm's page tables with asid, flushing the ASID's TLB entries when
 * need_flush (Linux: load_new_mm_cr3). Without PCIDs every load flushes. */
static void load_new_mm_cr3(struct kernel *k, int cpu, uint64_t pgd, uint16_t asid, bool need_flush)
{
	struct hw_cpu *c = core(k, cpu);
	uint64_t cr3 = pgd;
	if (c->cr4 & X86_CR4_PCIDE)
		cr3 |= kern_pcid(asid) | (need_flush ? 0 : X86_CR3_PCID_NOFLUSH);
	hw_mov_to_cr3(c, cr3);
	trace_kernel(k, cpu, "CR3 = %#llx (pgd %#llx, PCID %llu, %s)",
		     (unsigned long long)cr3, (unsigned long long)pgd,
		     (unsigned long long)(cr3 & 0xfff), need_flush ? "flush" : "no flush");
}

/* Pick the ASID next runs under on cpu: the one it had, or the next slot
 * round-robin, which must be flushed (Linux: choose_new_asid). */
static void choose_new_asid(struct kernel *k, int cpu, struct mm_struct *next, uint64_t tlb_gen,
			    uint16_t *asid, bool *need_flush)
{
	struct tlb_state *ts = &k->tlbstate[cpu];

	if (!(core(k, cpu)->cr4 & X86_CR4_PCIDE)) {
		*asid = 0;
		*need_flush = true;
		return;
	}
	for (uint16_t a = 0; a < TLB_NR_DYN_ASIDS; a++) {
		if (ts->ctxs[a].ctx_id != next->context_id)
			continue;
		*asid = a;
		*need_flush = ts->ctxs[a].tlb_gen < tlb_gen;
		return;
	}
	*asid = ts->next_asid++;
	if (*asid >= TLB_NR_DYN_ASIDS) {
		*asid = 0;
		ts->next_asid = 1;
	}
	*need_flush = true;
}

/* See tlbflush.h. */
void switch_mm(struct kernel *k, int cpu, struct mm_struct *next)
{
	struct tlb_state *ts = &k->tlbstate[cpu];
	struct mm_struct *prev = ts->loaded_mm;
	bool was_lazy = ts->is_lazy, need_flush;
	uint64_t tlb_gen = next->tlb_gen;
	uint16_t asid;

	ts->is_lazy = false;
	if (prev == next) {
		if (!was_lazy || ts->ctxs[ts->loaded_mm_asid].tlb_gen == tlb_gen)
			return;
		asid = ts->loaded_mm_asid;       /* went stale while lazy */
		need_flush = true;
	} else {
		if (prev && prev != &k->init_mm)
			cpumask_clear(prev->cpu_bitmap, cpu);
		if (next != &k->init_mm)
			cpumask_set(next->cpu_bitmap, cpu);
		choose_new_asid(k, cpu, next, tlb_gen, &asid, &need_flush);
	}
	if (need_flush) {
		ts->ctxs[asid].ctx_id = next->context_id;
		ts->ctxs[asid].tlb_gen = tlb_gen;
	}
	load_new_mm_cr3(k, cpu, next->pgd, asid, need_flush);
	ts->loaded_mm = next;
	ts->loaded_mm_asid = asid;
}

/* See tlbflush.h. */
void enter_lazy_tlb(struct kernel *k, int cpu)
{
	if (k->tlbstate[cpu].loaded_mm != &k->init_mm)
		k->tlbstate[cpu].is_lazy = true;
}

/* See tlbflush.h. */
void leave_mm(struct kernel *k, int cpu)
{
	switch_mm(k, cpu, &k->init_mm);
}

struct flush_tlb_info {
	struct mm_struct *mm;
	uint64_t start, end, new_tlb_gen;
	unsigned stride_shift;
};

/* Bring core cpu's TLB up to date with f (Linux: flush_tlb_func): nothing
 * if it has seen the generation already, INVLPG page by page if this is the
 * only flush it missed, a full flush of its ASID otherwise. */
static void flush_tlb_func(struct kernel *k, int cpu, const struct flush_tlb_info *f, bool local)
{
	struct tlb_state *ts = &k->tlbstate[cpu];
	struct hw_cpu *c = core(k, cpu);
	struct mm_struct *mm = f->mm ? f->mm : ts->loaded_mm;    /* NULL: whatever is loaded */
	uint64_t local_gen = ts->ctxs[ts->loaded_mm_asid].tlb_gen, mm_gen = mm->tlb_gen;

	if (!local)
		k->vm_events[NR_TLB_REMOTE_FLUSH_RECEIVED]++;
	if (ts->loaded_mm != mm || mm == &k->init_mm || local_gen == mm_gen)
		return;
	if (f->end != TLB_FLUSH_ALL && f->new_tlb_gen == local_gen + 1 && f->new_tlb_gen == mm_gen) {
		uint64_t n = (f->end - f->start) >> f->stride_shift;
		for (uint64_t a = f->start; a < f->end; a += 1ULL << f->stride_shift)
			hw_invlpg(c, a);
		if (local)
			k->vm_events[NR_TLB_LOCAL_FLUSH_ONE] += n;
		trace_kernel(k, cpu, "INVLPG x%llu: [%#llx, %#llx)", (unsigned long long)n,
			     (unsigned long long)f->start, (unsigned long long)f->end);
	} else {
		hw_mov_to_cr3(c, c->cr3 & ~X86_CR3_PCID_NOFLUSH);
		if (local)
			k->vm_events[NR_TLB_LOCAL_FLUSH_ALL]++;
		trace_kernel(k, cpu, "flush the whole ASID (CR3 reload)");
	}
	ts->ctxs[ts->loaded_mm_asid].tlb_gen = mm_gen;
}

/* Does core cpu need f: it has mm loaded and is not lazy (lazy cores catch
 * up at their next switch), unless page tables were freed. */
static bool cpu_needs_flush(struct kernel *k, int cpu, struct mm_struct *mm, bool freed_tables)
{
	const struct tlb_state *ts = &k->tlbstate[cpu];
	return ts->loaded_mm == mm && (!ts->is_lazy || freed_tables);
}

/* Flush f on every core that has f's mm loaded and needs it: an IPI to each
 * other core, which runs flush_tlb_func, and the local flush (Linux:
 * flush_tlb_multi and native_flush_tlb_multi). */
static void flush_tlb_multi(struct kernel *k, const struct flush_tlb_info *f, bool freed_tables)
{
	int self = k->this_cpu;

	k->vm_events[NR_TLB_REMOTE_FLUSH]++;
	for (int c = 0; c < k->nr_cpus; c++) {
		if (!cpumask_test(f->mm->cpu_bitmap, c) || !cpu_needs_flush(k, c, f->mm, freed_tables))
			continue;
		if (c != self) {
			core(k, self)->ctr.cycles += core(k, self)->lat.ipi;
			core(k, self)->ctr.ipis++;
			hw_sb_drain_n(core(k, c), core(k, c)->sb.count);   /* the interrupt's IRET serializes */
			trace_kernel(k, self, "TLB shootdown IPI to CPU %d", c);
		}
		flush_tlb_func(k, c, f, c == self);
	}
}

/* See tlbflush.h. */
void flush_tlb_mm_range(struct kernel *k, struct mm_struct *mm, uint64_t start, uint64_t end,
			unsigned stride_shift, bool freed_tables)
{
	int self = k->this_cpu;
	bool others = false;

	if (end == TLB_FLUSH_ALL || ((end - start) >> stride_shift) > TLB_SINGLE_PAGE_FLUSH_CEILING) {
		start = 0;
		end = TLB_FLUSH_ALL;
	}
	struct flush_tlb_info f = { mm, start, end, ++mm->tlb_gen, stride_shift };
	for (int c = 0; c < k->nr_cpus; c++)
		others |= c != self && cpumask_test(mm->cpu_bitmap, c);
	if (others)
		flush_tlb_multi(k, &f, freed_tables);
	else if (k->tlbstate[self].loaded_mm == mm)
		flush_tlb_func(k, self, &f, true);
}

/* See tlbflush.h. */
void flush_tlb_page(struct kernel *k, struct vm_area_struct *vma, uint64_t addr)
{
	flush_tlb_mm_range(k, vma->vm_mm, addr, addr + PAGE_SIZE, PAGE_SHIFT, false);
}

/* See tlbflush.h. */
void arch_tlbbatch_add_pending(struct kernel *k, struct tlbflush_unmap_batch *batch, struct mm_struct *mm,
			       bool writable)
{
	(void)k;
	mm->tlb_gen++;                                  /* inc_mm_tlb_gen */
	for (int i = 0; i < 4; i++)
		batch->cpumask[i] |= mm->cpu_bitmap[i];
	batch->flush_required = true;
	batch->writable |= writable;
	batch->nr_pages++;
}

/* See tlbflush.h. A lazy CPU is left alone: it catches up at its next
 * switch (the flush generation went up), as native_flush_tlb_multi's
 * tlb_is_not_lazy condition does. */
void arch_tlbbatch_flush(struct kernel *k, struct tlbflush_unmap_batch *batch)
{
	struct flush_tlb_info f = { NULL, 0, TLB_FLUSH_ALL, 0, PAGE_SHIFT };
	int self = k->this_cpu;
	bool others = false;

	for (int c = 0; c < k->nr_cpus; c++)
		others |= c != self && cpumask_test(batch->cpumask, c);
	trace_kernel(k, self, "flush the TLBs for %llu unmapped page%s at once: %s",
		     (unsigned long long)batch->nr_pages, batch->nr_pages == 1 ? "" : "s",
		     others ? "IPIs to the other CPUs that ran those mms" : "this CPU only");
	if (others)
		k->vm_events[NR_TLB_REMOTE_FLUSH]++;
	for (int c = 0; c < k->nr_cpus; c++) {
		if (!cpumask_test(batch->cpumask, c) || (c != self && k->tlbstate[c].is_lazy))
			continue;
		if (c != self) {
			core(k, self)->ctr.cycles += core(k, self)->lat.ipi;
			trace_kernel(k, self, "TLB shootdown IPI to CPU %d", c);
		}
		flush_tlb_func(k, c, &f, c == self);
	}
	k->tlb_batch_flushes++;
	*batch = (struct tlbflush_unmap_batch){ 0 };
}

/* See tlbflush.h. Linux turns these on during CPU setup. */
void tlb_init(struct kernel *k)
{
	for (int cpu = 0; cpu < k->nr_cpus; cpu++) {
		struct hw_cpu *c = core(k, cpu);
		struct tlb_state *ts = &k->tlbstate[cpu];
		hw_set_cpl(c, 0);
		hw_mov_to_cr0(c, c->cr0 | X86_CR0_WP);
		hw_wrmsr_efer(c, c->efer | EFER_NX);
		hw_mov_to_cr3(c, k->init_mm.pgd);
		hw_mov_to_cr4(c, c->cr4 | X86_CR4_PGE | X86_CR4_SMEP | X86_CR4_SMAP);
		if (c->has_pcid)
			hw_mov_to_cr4(c, c->cr4 | X86_CR4_PCIDE);
		ts->loaded_mm = &k->init_mm;
		ts->loaded_mm_asid = 0;
		ts->next_asid = 1;
		ts->ctxs[0].ctx_id = k->init_mm.context_id;
	}
}
