/*
 * kernel/tlbflush.h — keeping the cores' TLBs in step with the page tables
 * (Linux: arch/x86/include/asm/tlbflush.h, arch/x86/mm/tlb.c).
 *
 * Each core keeps a few address-space ids (ASIDs) for recently run mms; with
 * PCID an ASID becomes the PCID in CR3, so switching back to a recent mm
 * keeps its TLB entries. Every flush request bumps the mm's tlb_gen; a core
 * compares the generation it has seen with the mm's, at the flush and when
 * it switches back, and flushes what is stale. A flush for an mm running on
 * other cores sends them an IPI (a TLB shootdown). Up to 33 pages are
 * flushed one INVLPG at a time; more, and the whole address space goes.
 */
#ifndef MMSIM_KERNEL_TLBFLUSH_H
#define MMSIM_KERNEL_TLBFLUSH_H

#include <stdbool.h>
#include <stdint.h>

struct kernel;
struct mm_struct;
struct vm_area_struct;

#define TLB_NR_DYN_ASIDS 6
#define TLB_FLUSH_ALL    UINT64_MAX
#define TLB_SINGLE_PAGE_FLUSH_CEILING 33

struct tlb_context {
	uint64_t ctx_id;         /* the mm (0: none) */
	uint64_t tlb_gen;        /* the flush generation this core has caught up to */
};

/* Per core (Linux: struct tlb_state). */
struct tlb_state {
	struct mm_struct *loaded_mm;
	uint16_t loaded_mm_asid;
	uint16_t next_asid;
	bool is_lazy;            /* no user task runs: the mm stays loaded, lazily */
	struct tlb_context ctxs[TLB_NR_DYN_ASIDS];
};

/* TLB flushes reclaim owes for the PTEs try_to_unmap cleared, batched until
 * the pages are freed or written (Linux: struct tlbflush_unmap_batch with
 * x86's struct arch_tlbflush_unmap_batch, a cpumask). */
struct tlbflush_unmap_batch {
	uint64_t cpumask[4];     /* CPUs that may cache an unmapped translation */
	bool flush_required;     /* something is pending */
	bool writable;           /* a writable PTE was unmapped: flush before the write */
	uint64_t nr_pages;       /* PTEs cleared in the batch, for narration */
};

/* Note that the TLBs of mm's CPUs may hold the translation of a PTE just
 * cleared: bump its flush generation and add its CPUs to the batch (Linux:
 * arch_tlbbatch_add_pending, set_tlb_ubc_flush_pending). */
void arch_tlbbatch_add_pending(struct kernel *k, struct tlbflush_unmap_batch *batch, struct mm_struct *mm,
			       bool writable);

/* Flush every CPU of the batch, all at once: one IPI to each other CPU,
 * each flushing its whole ASID (Linux: arch_tlbbatch_flush with x86's
 * full_flush_tlb_info). Counted in k->tlb_batch_flushes. */
void arch_tlbbatch_flush(struct kernel *k, struct tlbflush_unmap_batch *batch);

/* Set up every core: enable the paging features Linux turns on (CR0.WP,
 * EFER.NXE, CR4.PGE, PCIDE when the core has PCIDs), load the kernel's own
 * page tables. */
void tlb_init(struct kernel *k);

/* Switch core cpu to next (Linux: switch_mm_irqs_off): choose an ASID,
 * load CR3, flush when the ASID's contents are stale. */
void switch_mm(struct kernel *k, int cpu, struct mm_struct *next);

/* Core cpu stops running user code (idle): its mm stays loaded, lazily. */
void enter_lazy_tlb(struct kernel *k, int cpu);

/* Core cpu drops mm (before mm is freed): it loads the kernel's tables. */
void leave_mm(struct kernel *k, int cpu);

/* Flush [start, end) of mm (TLB_FLUSH_ALL: everything) on every core that
 * may cache it (Linux: flush_tlb_mm_range); freed_tables also reaches lazy
 * cores, whose paging-structure caches may point at freed tables. */
void flush_tlb_mm_range(struct kernel *k, struct mm_struct *mm, uint64_t start, uint64_t end,
			unsigned stride_shift, bool freed_tables);

static inline void flush_tlb_mm(struct kernel *k, struct mm_struct *mm)
{
	flush_tlb_mm_range(k, mm, 0, TLB_FLUSH_ALL, 12, false);
}

/* Flush one page of vma's mm (Linux: flush_tlb_page). */
void flush_tlb_page(struct kernel *k, struct vm_area_struct *vma, uint64_t addr);

/* A fresh context id for a new mm (Linux: init_new_context takes it from
 * last_mm_ctx_id). */
uint64_t new_context_id(struct kernel *k);

#endif
