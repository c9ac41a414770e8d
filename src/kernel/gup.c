/*
 * kernel/gup.c — faulting pages in on behalf of a task, as get_user_pages
 * does for MAP_POPULATE, mlock and MADV_POPULATE_* (Linux: mm/gup.c, and
 * folio_mark_accessed of mm/swap.c).
 */
#include "kernel/mman.h"

#include "kernel/huge_mm.h"
#include "kernel/hugetlb.h"
#include "kernel/kernel.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/sched.h"

#include <errno.h>

/* How populate_range faults pages in. */
enum populate_mode {
	POPULATE_VMA,      /* __mm_populate: write private writable VMAs, read the rest */
	POPULATE_READ,     /* faultin_page_range for MADV_POPULATE_READ */
	POPULATE_WRITE,    /* faultin_page_range for MADV_POPULATE_WRITE */
};

/* Is the page at addr already mapped well enough for this access? (Linux:
 * follow_page_pte succeeding, so no fault is needed.) */
static bool page_present_for(struct kernel *k, struct vm_area_struct *vma, uint64_t addr, bool write)
{
	struct mm_struct *mm = vma->vm_mm;
	int err;
	if (vma->vm_flags & VM_HUGETLB) {               /* follow_hugetlb_page */
		pte_t e = huge_ptep_get(k, vma, addr);
		return (e & _PAGE_PRESENT) && (!write || pte_write(e));
	}
	pte_t *pmd = pmd_walk(k, mm, addr, false, &err);
	pte_t *pte = pmd && pmd_trans_huge(*pmd) ? pmd : pte_walk(k, mm, addr, false, &err);
	return pte && (*pte & _PAGE_PRESENT) && (!write || pte_write(*pte));
}

/* Touch the page mapped at addr, if there is one with a struct page: a
 * write also dirties the page when its entry is clean (Linux:
 * follow_page_pte's FOLL_TOUCH, folio_mark_dirty under FOLL_WRITE). */
static void touch_page(struct kernel *k, struct mm_struct *mm, uint64_t addr, bool write)
{
	int err;
	pte_t *pmd = pmd_walk(k, mm, addr, false, &err);
	if (pmd && pmd_trans_huge(*pmd)) {              /* follow_huge_pmd's touch_pmd: the PMD */
		*pmd |= _PAGE_ACCESSED | (write ? _PAGE_DIRTY : 0);   /* only, not the folio */
		return;
	}
	pte_t *pte = pte_walk(k, mm, addr, false, &err);
	struct page *page = pte && (*pte & _PAGE_PRESENT) ? vm_normal_page(k, *pte) : NULL;
	if (!page)
		return;
	if (write && !pte_dirty(*pte))
		folio_mark_dirty(k, page);
	folio_mark_accessed(k, page);      /* GUP's FOLL_TOUCH */
}

/* Fault in [start, end) of one VMA, touching each page (Linux:
 * populate_vma_page_range, whose GUP follows every page with FOLL_TOUCH). */
static int populate_vma_page_range(struct kernel *k, struct task_struct *t, struct vm_area_struct *vma,
				   uint64_t start, uint64_t end, enum populate_mode mode)
{
	bool write = mode == POPULATE_WRITE ||
		     (mode == POPULATE_VMA && (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE);

	if (mode == POPULATE_VMA && (vma->vm_flags & VM_LOCKONFAULT))
		return 0;
	if (!(vma->vm_flags & VM_ACCESS_FLAGS) || (write && !(vma->vm_flags & VM_WRITE)))
		return -EFAULT;
	for (uint64_t a = start; a < end; a += PAGE_SIZE) {
		if (t && fatal_signal_pending(t))
			return -EINTR;          /* __get_user_pages: killed (the OOM killer) */
		if (!page_present_for(k, vma, a, write)) {
			vm_fault_t r = handle_mm_fault(k, vma, a, FAULT_FLAG_REMOTE | (write ? FAULT_FLAG_WRITE : 0), t);
			if (r & VM_FAULT_OOM)
				return -ENOMEM;
			if (r & VM_FAULT_ERROR)
				return -EFAULT;
		}
		touch_page(k, vma->vm_mm, a, write);
	}
	return 0;
}

/* Fault in the VMAs of [start, end) as mode says: the loop __mm_populate
 * and faultin_page_range share (Linux gives each its own, over
 * populate_vma_page_range and __get_user_pages_locked). With ignore_errors
 * a VMA that fails is left where it failed and the next one is faulted in
 * (Linux: __mm_populate's ignore_errors); otherwise the first error is
 * returned. */
static int populate_range(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t end,
			  enum populate_mode mode, bool ignore_errors)
{
	struct mm_struct *mm = t->mm;
	uint64_t addr = start;

	while (addr < end) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		if (!vma || vma->vm_start >= end)
			return 0;
		if (addr < vma->vm_start)
			addr = vma->vm_start;
		uint64_t stop = end < vma->vm_end ? end : vma->vm_end;
		if (!(vma->vm_flags & (VM_IO | VM_PFNMAP))) {
			int err = populate_vma_page_range(k, t, vma, addr, stop, mode);
			if (err && !ignore_errors)
				return err;
		}
		addr = stop;
	}
	return 0;
}

/* See mman.h. */
int __mm_populate(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t end)
{
	return populate_range(k, t, start, end, POPULATE_VMA, false);
}

/* See mman.h. */
void mm_populate(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t end)
{
	populate_range(k, t, start, end, POPULATE_VMA, true);
}

/* See mman.h. */
int faultin_page_range(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t end, bool write)
{
	return populate_range(k, t, start, end, write ? POPULATE_WRITE : POPULATE_READ, false);
}
