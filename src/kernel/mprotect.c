/*
 * kernel/mprotect.c — mprotect (Linux: mm/mprotect.c). It takes five steps:
 * find the VMAs of the range, split or merge them and set their new
 * permissions, rewrite the page-table entries, flush the TLBs, return.
 */
#include "kernel/kaccess.h"
#include "kernel/mman.h"

#include "kernel/huge_mm.h"
#include "kernel/hugetlb.h"
#include "kernel/kernel.h"
#include "kernel/memory.h"
#include "kernel/migrate.h"
#include "kernel/mm.h"
#include "kernel/sched.h"
#include "kernel/swapops.h"
#include "kernel/trace.h"

#include <errno.h>


struct cp_walk {
	struct mmu_gather *tlb;
	struct vm_area_struct *vma;
	uint64_t newprot;
	bool try_writable;        /* MM_CP_TRY_CHANGE_WRITABLE */
	uint64_t pages;
	struct kmem_run run;      /* the entries rewritten, through the caches */
};

/* A writable migration entry becomes read-only (exclusive for an
 * anonymous page): checking the new protection is not worth it, and the
 * next write fault restores write access (Linux: change_pte_range). */
static void change_migration_pte(struct kernel *k, pte_t *pte)
{
	swp_entry_t entry = pte_to_swp_entry(*pte);
	if (!is_writable_migration_entry(entry))
		return;
	bool anon = PageAnon(pfn_to_page(k, migration_pte_pfn(k, *pte)));
	pte_t e = swp_entry_to_pte(swp_entry(anon ? SWP_MIGRATION_READ_EXCLUSIVE : SWP_MIGRATION_READ,
					     swp_offset(entry)));
	*pte = e | (*pte & _PAGE_SWP_SOFT_DIRTY);
}

/* Give one present entry the new protection; a private page this VMA owns
 * alone may become writable at once rather than on a later fault (Linux:
 * change_pte_range with can_change_pte_writable). */
static int change_pte(pte_t *pte, uint64_t addr, void *arg)
{
	struct cp_walk *w = arg;
	pte_t old = *pte;

	if (is_migration_pte(old)) {
		change_migration_pte(w->tlb->k, pte);
		return 0;
	}
	if (!pte_present(old))
		return 0;
	pte_t new = pte_modify(old, w->newprot);
	if (w->try_writable && !pte_write(new) && (new & _PAGE_PRESENT)) {
		struct page *page = vm_normal_page(w->tlb->k, new);
		if (page && PageAnon(page) && page_test(page, PG_anon_exclusive))
			new = pte_mkwrite(new);
	}
	if (new == old)
		return 0;
	*pte = new;
	kmem_run_add(w->tlb->k, &w->run, pte, sizeof *pte, "change_pte_range");
	w->pages++;
	if (addr < w->tlb->start)
		w->tlb->start = addr;
	if (addr + PAGE_SIZE > w->tlb->end)
		w->tlb->end = addr + PAGE_SIZE;
	return 0;
}

/* A huge PMD: its whole 2 MiB changes in place, part of it is split first
 * (Linux: change_pmd_range calling change_huge_pmd or __split_huge_pmd). */
static int change_pmd(pte_t *pmd, uint64_t addr, uint64_t next, void *arg)
{
	struct cp_walk *w = arg;
	if (next - addr != HPAGE_PMD_SIZE)
		return WALK_SPLIT_PMD;
	if (change_huge_pmd(w->tlb->k, w->vma, pmd, w->newprot)) {
		w->pages += HPAGE_PMD_NR;
		if (addr < w->tlb->start)
			w->tlb->start = addr;
		if (next > w->tlb->end)
			w->tlb->end = next;
	}
	return 0;
}

/* Rewrite the entries of [start, end) of vma for its new flags (Linux:
 * change_protection). Returns the number of entries changed. */
static uint64_t change_protection(struct mmu_gather *tlb, struct vm_area_struct *vma, uint64_t start,
				  uint64_t end)
{
	struct cp_walk w = { .tlb = tlb, .vma = vma, .newprot = vm_get_page_prot(vma->vm_flags),
			     .try_writable = !(vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_WRITE) };
	if (vma->vm_flags & VM_HUGETLB)
		return hugetlb_change_protection(tlb->k, vma, start, end, w.newprot);
	walk_page_range_pmd(tlb->k, vma->vm_mm, start, end, change_pte, change_pmd, &w);
	kmem_run_end(tlb->k, &w.run);
	trace_kernel(tlb->k, tlb->k->this_cpu, "[%#llx, %#llx): %llu PTEs rewritten",
		     (unsigned long long)start, (unsigned long long)end, (unsigned long long)w.pages);
	return w.pages;
}

/* Apply newflags to [start, end) of vma (Linux: mprotect_fixup): commit
 * charge for private memory turning writable, split or merge, new PTEs. */
static int mprotect_fixup(struct kernel *k, struct task_struct *t, struct mmu_gather *tlb,
			  struct vm_area_struct *vma, uint64_t start, uint64_t end, uint64_t newflags)
{
	uint64_t oldflags = vma->vm_flags, nrpages = (end - start) >> PAGE_SHIFT, charged = 0;
	int err;

	if (newflags == oldflags)
		return 0;
	if (newflags & VM_WRITE) {
		if (!(oldflags & (VM_ACCOUNT | VM_WRITE | VM_SHARED | VM_NORESERVE))) {
			if (k->sysctl.overcommit_memory == 2 && k->vm_committed_as + nrpages > vm_commit_limit(k))
				return -ENOMEM;
			k->vm_committed_as += nrpages;
			charged = nrpages;
			newflags |= VM_ACCOUNT;
		}
	} else if ((oldflags & VM_ACCOUNT) && vma_is_anonymous(vma) && !vma->anon_vma) {
		newflags &= ~VM_ACCOUNT;
	}
	vma = vma_modify(k, vma, start, end, newflags, vma->anon_name, &err);
	if (!vma) {
		k->vm_committed_as -= charged;
		return err;
	}
	vm_flags_reset(vma, newflags);
	trace_kernel(k, k->this_cpu, "VMA [%#llx, %#llx) now %c%c%c (was %c%c%c), for [%#llx, %#llx)",
		     (unsigned long long)vma->vm_start, (unsigned long long)vma->vm_end,
		     newflags & VM_READ ? 'r' : '-', newflags & VM_WRITE ? 'w' : '-', newflags & VM_EXEC ? 'x' : '-',
		     oldflags & VM_READ ? 'r' : '-', oldflags & VM_WRITE ? 'w' : '-', oldflags & VM_EXEC ? 'x' : '-',
		     (unsigned long long)start, (unsigned long long)end);
	change_protection(tlb, vma, start, end);
	if ((oldflags & VM_ACCOUNT) && !(newflags & VM_ACCOUNT))
		k->vm_committed_as -= nrpages;
	if ((oldflags & (VM_WRITE | VM_SHARED | VM_LOCKED)) == VM_LOCKED && (newflags & VM_WRITE))
		mm_populate(k, t, start, end);
	vm_stat_account(t->mm, oldflags, -(int64_t)nrpages);
	vm_stat_account(t->mm, newflags, (int64_t)nrpages);
	return 0;
}

/*
 * mprotect(start, len, prot) for task t (Linux: do_mprotect_pkey with pkey
 * -1, as the mprotect system call calls it; there are no protection keys).
 *
 * Gives [start, start + len), len rounded up to whole pages, the access
 * prot (PROT_READ, PROT_WRITE, PROT_EXEC; PROT_SEM is accepted and
 * ignored). PROT_GROWSDOWN extends the range down to the start of the
 * VMA, which must grow down. VMAs are split at the ends of the range and
 * merged with neighbours where the result allows; present entries are
 * rewritten, a private page only this mapping uses becoming writable at
 * once; the TLBs are flushed for what changed. Private memory turning
 * writable is charged to Committed_AS; locked private memory turning
 * writable is faulted in (it will be written). Returns 0 (also for len 0),
 * or:
 *   -EINVAL  start not page-aligned; a prot bit other than these, or both
 *            PROT_GROWSDOWN and PROT_GROWSUP; PROT_GROWSDOWN on a VMA that
 *            does not grow down; PROT_GROWSUP where start is mapped (no VMA
 *            grows up on x86; checked after len 0 and the lookup, as Linux
 *            does)
 *   -ENOMEM  start + len wraps; part of the range is not mapped; the commit
 *            limit; a split would pass vm.max_map_count or finds no memory
 *   -EACCES  prot asks for an access a VMA may never have (no VM_MAYREAD,
 *            VM_MAYWRITE or VM_MAYEXEC)
 * The VMAs are changed in address order: after an error those before the
 * failing one keep their new protection, as on Linux.
 */
long do_mprotect_pkey(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t len, unsigned long prot)
{
	struct mm_struct *mm = t->mm;
	unsigned long grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
	struct mmu_gather tlb;
	int err = 0;

	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	prot &= ~(unsigned long)(PROT_GROWSDOWN | PROT_GROWSUP);
	if (offset_in_page(start))
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	uint64_t end = start + len;
	if (end <= start)
		return -ENOMEM;
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
		return -EINVAL;
	struct vm_area_struct *vma = find_vma(mm, start);
	if (!vma || vma->vm_start >= end)
		return -ENOMEM;
	if (grows & PROT_GROWSDOWN) {
		if (!(vma->vm_flags & VM_GROWSDOWN))
			return -EINVAL;
		start = vma->vm_start;
	} else if (vma->vm_start > start) {
		return -ENOMEM;
	} else if (grows & PROT_GROWSUP) {
		return -EINVAL;          /* no VMA grows up (VM_GROWSUP) on x86 */
	}
	uint64_t newbits = (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
			   (prot & PROT_EXEC ? VM_EXEC : 0);
	tlb_gather_mmu(&tlb, k, mm, false);
	uint64_t nstart = start;
	while (nstart < end) {
		vma = find_vma(mm, nstart);
		if (!vma || vma->vm_start > nstart) {
			err = -ENOMEM;
			break;
		}
		uint64_t newflags = newbits | (vma->vm_flags & ~VM_ACCESS_FLAGS);
		if ((newflags & ~(newflags >> 4)) & VM_ACCESS_FLAGS) {
			err = -EACCES;
			break;
		}
		uint64_t tmp = vma->vm_end < end ? vma->vm_end : end;
		if ((err = mprotect_fixup(k, t, &tlb, vma, nstart, tmp, newflags)))
			break;
		nstart = tmp;
	}
	tlb_finish_mmu(&tlb);
	return err;
}
