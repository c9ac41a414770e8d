/*
 * kernel/zap.c — unmapping ranges and freeing page tables (Linux:
 * zap_pte_range and free_pgtables in mm/memory.c, mm/mmu_gather.c).
 *
 * Entries are cleared first, the TLBs flushed for the range, and only then
 * the pages and tables freed: until the flush another core could still be
 * using a stale translation to them.
 */
#include "kernel/memory.h"

#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/rmap.h"
#include "kernel/tlbflush.h"
#include "kernel/trace.h"

#include <stdlib.h>

/* See memory.h. */
void tlb_gather_mmu(struct mmu_gather *tlb, struct kernel *k, struct mm_struct *mm, bool fullmm)
{
	*tlb = (struct mmu_gather){ .k = k, .mm = mm, .start = UINT64_MAX, .end = 0, .fullmm = fullmm };
}

/* Queue page to be freed after the flush; if the host runs out of memory
 * for the queue, flush now and free it at once. */
static void tlb_remove_page(struct mmu_gather *tlb, struct page *page)
{
	if (tlb->nr == tlb->cap) {
		uint64_t cap = tlb->cap ? tlb->cap * 2 : 64;
		struct page **v = realloc(tlb->pages, cap * sizeof *v);
		if (!v) {
			flush_tlb_mm(tlb->k, tlb->mm);
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
	for (uint64_t i = 0; i < tlb->nr; i++)
		put_page(tlb->k, tlb->pages[i]);
	free(tlb->pages);
	tlb->pages = NULL;
	tlb->nr = tlb->cap = 0;
}

struct zap_args {
	struct mmu_gather *tlb;
	struct vm_area_struct *vma;
};

/* Clear one entry and drop the page's mapping (Linux: zap_pte_range). */
static int zap_pte(pte_t *pte, uint64_t addr, void *arg)
{
	struct zap_args *z = arg;
	struct kernel *k = z->tlb->k;
	pte_t entry = *pte;

	if (!entry)
		return 0;
	*pte = 0;
	if (addr < z->tlb->start)
		z->tlb->start = addr;
	if (addr + PAGE_SIZE > z->tlb->end)
		z->tlb->end = addr + PAGE_SIZE;
	struct page *page = pte_present(entry) ? vm_normal_page(k, entry) : NULL;
	if (!page)
		return 0;
	struct mm_struct *mm = z->vma->vm_mm;
	if (!PageAnon(page) && (entry & _PAGE_DIRTY))
		page_set(page, PG_dirty);     /* the MMU wrote it: the file's page is dirty */
	mm->rss_stat[PageAnon(page) ? MM_ANONPAGES
		     : page_test(page, PG_swapbacked) ? MM_SHMEMPAGES : MM_FILEPAGES]--;
	if (z->vma->vm_flags & VM_LOCKED)
		munlock_page(k, page);
	page_remove_rmap(k, page);
	tlb_remove_page(z->tlb, page);
	return 0;
}

/* See memory.h. */
void unmap_page_range(struct mmu_gather *tlb, struct vm_area_struct *vma, uint64_t start,
		      uint64_t end)
{
	struct zap_args z = { tlb, vma };
	trace_kernel(tlb->k, tlb->k->this_cpu, "unmap_page_range", "clear the PTEs of [%#llx, %#llx)",
		     (unsigned long long)start, (unsigned long long)end);
	walk_pte_range(tlb->k, vma->vm_mm, start, end, zap_pte, &z);
}

/* See memory.h. */
void free_pgtables(struct mmu_gather *tlb, struct vm_area_struct *vma, struct vm_area_struct *end_vma,
		   uint64_t floor, uint64_t ceiling)
{
	while (vma != end_vma) {
		struct vm_area_struct *next = vma->vm_next;
		unlink_anon_vmas(tlb->k, vma);
		free_pgd_range(tlb->k, tlb->mm, vma->vm_start, vma->vm_end, floor,
			       next != end_vma ? next->vm_start : ceiling);
		tlb->freed_tables = true;
		vma = next;
	}
}

/* See memory.h. */
void zap_page_range_single(struct kernel *k, struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	struct mmu_gather tlb;
	tlb_gather_mmu(&tlb, k, vma->vm_mm, false);
	update_hiwater_rss(vma->vm_mm);
	unmap_page_range(&tlb, vma, start, end);
	tlb_finish_mmu(&tlb);
}
