/*
 * kernel/mincore.c — mincore(2): which pages of a range are resident
 * (Linux: mm/mincore.c). See mman.h.
 *
 * A present PTE is resident. An empty one is resident when the VMA's file
 * has the page in its page cache (a shmem page out on swap is resident
 * when the swap cache still holds it); an anonymous page out on swap when
 * the swap cache holds it.
 */
#include "kernel/mman.h"

#include "kernel/fs.h"
#include "kernel/huge_mm.h"
#include "kernel/hugetlb.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/pgtable.h"
#include "kernel/radix_tree.h"
#include "kernel/sched.h"
#include "kernel/swap.h"
#include "kernel/swapops.h"

#include <errno.h>

/* Is the swap slot's page in the swap cache (Linux: mincore_swap)? */
static unsigned char mincore_swap(struct kernel *k, swp_entry_t entry)
{
	struct page *page = swap_cache_get_folio(k, entry);
	if (!page)
		return 0;
	unsigned char present = page_test(page, PG_uptodate);
	put_page(k, page);
	return present;
}

/* Is page index of the file in its page cache (Linux: mincore_page)? */
static unsigned char mincore_page(struct kernel *k, struct inode *inode, uint64_t index)
{
	void *item = radix_tree_lookup(&inode->i_data.i_pages, index);
	if (!item)
		return 0;
	if (radix_is_value(item))
		return mincore_swap(k, radix_to_swp_entry(item));
	return page_test((struct page *)item, PG_uptodate);
}

/* The residency of [addr, end) of vma into vec (Linux: do_mincore's walk,
 * mincore_pte_range and __mincore_unmapped_range). */
static void do_mincore(struct kernel *k, struct vm_area_struct *vma, uint64_t addr, uint64_t end,
		       unsigned char *vec)
{
	struct inode *inode = vma->vm_file ? file_inode(vma->vm_file) : NULL;
	for (; addr < end; addr += PAGE_SIZE, vec++) {
		int err;
		if (vma->vm_flags & VM_HUGETLB) {                 /* mincore_hugetlb */
			*vec = (huge_ptep_get(k, vma, addr) & (_PAGE_PRESENT | _PAGE_PROTNONE)) != 0;
			continue;
		}
		pte_t *pmd = pmd_walk(k, vma->vm_mm, addr, false, &err);
		if (pmd && pmd_trans_huge(*pmd)) {                 /* mincore_pmd_range: a THP */
			*vec = 1;
			continue;
		}
		pte_t *pte = pte_walk(k, vma->vm_mm, addr, false, &err);
		pte_t e = pte ? *pte : 0;
		uint64_t index = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
		if (pte_present(e))
			*vec = 1;
		else if (is_swap_pte(e) && is_swap_entry(pte_to_swp_entry(e)))
			*vec = mincore_swap(k, pte_to_swp_entry(e));
		else if (is_swap_pte(e) && !is_guard_pte_marker(e))
			*vec = 1;                        /* migration and other non-swap entries */
		else if (inode && !(vma->vm_flags & VM_HUGETLB))
			*vec = mincore_page(k, inode, index);
		else
			*vec = 0;
	}
}

/* See mman.h. */
long sys_mincore(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t len, unsigned char *vec)
{
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (len > t->mm->task_size || start > t->mm->task_size - len)
		return -ENOMEM;                          /* access_ok */
	uint64_t pages = (len >> PAGE_SHIFT) + ((len & ~PAGE_MASK) != 0);
	if (!vec)
		return -EFAULT;
	while (pages) {
		struct vm_area_struct *vma = find_vma(t->mm, start);
		if (!vma || start < vma->vm_start)
			return -ENOMEM;                  /* vma_lookup */
		uint64_t end = start + pages * PAGE_SIZE < vma->vm_end ? start + pages * PAGE_SIZE : vma->vm_end;
		do_mincore(k, vma, start, end, vec);
		uint64_t n = (end - start) >> PAGE_SHIFT;
		vec += n;
		pages -= n;
		start = end;
	}
	return 0;
}
