/*
 * kernel/mmu_gather.c — batching what unmapping frees until the TLBs are
 * flushed (Linux: mm/mmu_gather.c, include/asm-generic/tlb.h).
 *
 * Unmapping (kernel/memory.c: unmap_page_range, free_pgtables) clears the
 * entries first and gathers the pages here; tlb_finish_mmu flushes the TLBs
 * for the range and only then frees the pages: until the flush another core
 * could still be using a stale translation to them.
 */
#include "kernel/memory.h"

#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/tlbflush.h"

#include <stdlib.h>

/* See memory.h. */
void tlb_gather_mmu(struct mmu_gather *tlb, struct kernel *k, struct mm_struct *mm, bool fullmm)
{
	*tlb = (struct mmu_gather){ .k = k, .mm = mm, .start = UINT64_MAX, .end = 0, .fullmm = fullmm };
}

/* See memory.h. If the host runs out of memory for the queue, flush now and
 * free the page at once. */
void tlb_remove_page(struct mmu_gather *tlb, struct page *page)
{
	if (tlb->nr == tlb->cap) {
		uint64_t cap = tlb->cap ? tlb->cap * 2 : 64;
		struct page **v = realloc(tlb->pages, cap * sizeof *v);
		if (!v) {
			flush_tlb_mm(tlb->k, tlb->mm);
			free_swap_cache(tlb->k, page);
			put_page(tlb->k, page);
			return;
		}
		tlb->pages = v;
		tlb->cap = cap;
	}
	tlb->pages[tlb->nr++] = page;
}

/* See memory.h. */
void tlb_finish_mmu(struct mmu_gather *tlb)
{
	if (tlb->fullmm)
		flush_tlb_mm_range(tlb->k, tlb->mm, 0, TLB_FLUSH_ALL, PAGE_SHIFT, true);
	else if (tlb->end > tlb->start)
		flush_tlb_mm_range(tlb->k, tlb->mm, tlb->start, tlb->end, PAGE_SHIFT, tlb->freed_tables);
	for (uint64_t i = 0; i < tlb->nr; i++) {        /* free_pages_and_swap_cache */
		free_swap_cache(tlb->k, tlb->pages[i]);
		put_page(tlb->k, tlb->pages[i]);
	}
	free(tlb->pages);
	tlb->pages = NULL;
	tlb->nr = tlb->cap = 0;
}
