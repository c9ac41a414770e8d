/*
 * kernel/madvise.c — madvise (Linux: mm/madvise.c). Advice that changes a
 * VMA's flags splits or merges it as mprotect does; MADV_DONTNEED drops the
 * pages (the next touch sees zeros, or the file's data); MADV_FREE marks
 * private pages lazily freeable; MADV_POPULATE_* fault pages in;
 * MADV_GUARD_INSTALL puts guard markers in the page tables; MADV_COLD
 * deactivates pages, MADV_PAGEOUT reclaims them, MADV_WILLNEED reads
 * swapped pages back. Advice the simulator has nothing to act on yet (KSM,
 * THP) is accepted and, where Linux records it, recorded.
 */
#include "kernel/mman.h"

#include "kernel/fs.h"
#include "kernel/huge_mm.h"
#include "kernel/kernel.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/rmap.h"
#include "kernel/sched.h"
#include "kernel/page_list.h"
#include "kernel/slab.h"
#include "kernel/swapops.h"
#include "kernel/trace.h"

#include <errno.h>
#include <string.h>


/* Can KSM merge the pages of a VMA with flags f? Not shared, I/O, special
 * or hugetlb memory (Linux: vma_ksm_compatible; mmsim has no DAX). */
static bool vma_ksm_compatible(uint64_t f)
{
	return !(f & (VM_SHARED | VM_MAYSHARE | VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_HUGETLB | VM_MIXEDMAP));
}

static bool madvise_behavior_valid(int b)
{
	switch (b) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
	case MADV_DONTNEED: case MADV_FREE: case MADV_REMOVE: case MADV_DONTFORK:
	case MADV_DOFORK: case MADV_MERGEABLE: case MADV_UNMERGEABLE: case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE: case MADV_DONTDUMP: case MADV_DODUMP: case MADV_WIPEONFORK:
	case MADV_KEEPONFORK: case MADV_COLD: case MADV_PAGEOUT: case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE: case MADV_GUARD_INSTALL: case MADV_GUARD_REMOVE:
	case MADV_DONTNEED_LOCKED: case MADV_COLLAPSE:
		return true;
	}
	return false;
}

/* The VMA flags advice b sets on a VMA with flags f, or -EINVAL when the
 * advice does not apply to it. Advice that changes no flag returns f. */
static int64_t advised_flags(const struct vm_area_struct *vma, uint64_t f, int b)
{
	switch (b) {
	case MADV_NORMAL: return (int64_t)(f & ~(VM_SEQ_READ | VM_RAND_READ));
	case MADV_SEQUENTIAL: return (int64_t)((f & ~VM_RAND_READ) | VM_SEQ_READ);
	case MADV_RANDOM: return (int64_t)((f & ~VM_SEQ_READ) | VM_RAND_READ);
	case MADV_DONTFORK: return f & VM_IO ? -EINVAL : (int64_t)(f | VM_DONTCOPY);
	case MADV_DOFORK: return f & VM_IO ? -EINVAL : (int64_t)(f & ~VM_DONTCOPY);
	case MADV_WIPEONFORK:
		return vma->vm_file || (f & VM_SHARED) ? -EINVAL : (int64_t)(f | VM_WIPEONFORK);
	case MADV_KEEPONFORK: return (int64_t)(f & ~VM_WIPEONFORK);
	case MADV_DONTDUMP: return (int64_t)(f | VM_DONTDUMP);
	case MADV_DODUMP: return f & VM_SPECIAL ? -EINVAL : (int64_t)(f & ~VM_DONTDUMP);
	case MADV_HUGEPAGE: return (int64_t)((f & ~VM_NOHUGEPAGE) | VM_HUGEPAGE);
	case MADV_NOHUGEPAGE: return (int64_t)((f & ~VM_HUGEPAGE) | VM_NOHUGEPAGE);
	case MADV_MERGEABLE:               /* Linux: ksm_madvise ignores it where KSM cannot go */
		return (int64_t)(vma_ksm_compatible(f) ? f | VM_MERGEABLE : f);
	case MADV_UNMERGEABLE: return (int64_t)(f & ~VM_MERGEABLE);
	}
	return (int64_t)f;
}

struct free_walk {
	struct kernel *k;
	struct mmu_gather *tlb;
	int64_t nr_swap;
};

/* Note that the TLBs may cache addr's old entry (Linux:
 * tlb_remove_tlb_entry): the range is flushed at the end. */
static void tlb_remove_tlb_entry(struct mmu_gather *tlb, uint64_t addr)
{
	if (addr < tlb->start)
		tlb->start = addr;
	if (addr + PAGE_SIZE > tlb->end)
		tlb->end = addr + PAGE_SIZE;
}

/* MADV_FREE on one entry (Linux: madvise_free_pte_range): a swapped-out
 * page is dropped with its slot; a page mapped here alone loses its swap
 * copy and its dirtiness, and every page left becomes clean and lazily
 * freeable (folio_mark_lazyfree: reclaim drops it unless written again). */
static int free_pte(pte_t *pte, uint64_t addr, void *arg)
{
	struct free_walk *w = arg;
	pte_t e = *pte;
	if (pte_none(e))
		return 0;
	if (!pte_present(e)) {
		if (is_swap_entry(pte_to_swp_entry(e))) {
			w->nr_swap--;
			free_swap_and_cache(w->k, pte_to_swp_entry(e));
			*pte = 0;
		}
		return 0;
	}
	struct page *page = vm_normal_page(w->k, e);
	if (!page)
		return 0;
	if (page_test(page, PG_swapcache) || page_test(page, PG_dirty)) {
		if (page->mapcount != 1 || (page_test(page, PG_swapcache) && !folio_free_swap(w->k, page)))
			return 0;
		page_clear(page, PG_dirty);
	}
	if (pte_young(e) || pte_dirty(e)) {
		*pte = pte_mkold(pte_mkclean(e));
		tlb_remove_tlb_entry(w->tlb, addr);
	}
	folio_mark_lazyfree(w->k, page);
	return 0;
}

struct cold_walk {
	struct kernel *k;
	struct mmu_gather *tlb;
	bool pageout;
	struct page_list isolated;   /* MADV_PAGEOUT's pages, for reclaim_pages */
};

/* MADV_COLD and MADV_PAGEOUT on one entry (Linux:
 * madvise_cold_or_pageout_pte_range): a page mapped here alone forgets its
 * references (the PTE's Accessed bit too, for COLD, with the TLB entry)
 * and is deactivated (COLD) or isolated for reclaim (PAGEOUT). */
static int cold_pte(pte_t *pte, uint64_t addr, void *arg)
{
	struct cold_walk *w = arg;
	pte_t e = *pte;
	struct page *page = pte_present(e) ? vm_normal_page(w->k, e) : NULL;

	if (!page || !page_test(page, PG_lru) || page->mapcount != 1)
		return 0;
	if (!w->pageout && pte_young(e)) {
		*pte = pte_mkold(e);
		tlb_remove_tlb_entry(w->tlb, addr);
	}
	page_clear(page, PG_referenced);
	if (page_test(page, PG_active))
		page_set(page, PG_workingset);
	if (!w->pageout) {
		folio_deactivate(w->k, page);
	} else if (folio_isolate_lru(w->k, page)) {
		if (page_test(page, PG_unevictable))
			folio_putback_lru(w->k, page);
		else
			page_list_add(w->k, &w->isolated, page);
	}
	return 0;
}

/* A huge PMD under MADV_COLD or MADV_PAGEOUT: part of one is split; a
 * whole THP mapped only here is handled as one folio, which reclaim then
 * splits before it goes to swap (Linux: the pmd_trans_huge part of
 * madvise_cold_or_pageout_pte_range). */
static int cold_pmd(pte_t *pmd, uint64_t addr, uint64_t next, void *arg)
{
	struct cold_walk *w = arg;
	if (next - addr != HPAGE_PMD_SIZE)
		return WALK_SPLIT_PMD;
	struct page *head = vm_normal_page_pmd(w->k, *pmd);
	if (!head || !page_test(head, PG_lru) || folio_mapcount(head) != 1)
		return 0;
	if (!w->pageout && pte_young(*pmd)) {
		*pmd = pte_mkold(*pmd);
		flush_tlb_mm_range(w->k, w->tlb->mm, addr, next, PMD_SHIFT, false);
	}
	page_clear(head, PG_referenced);
	if (page_test(head, PG_active))
		page_set(head, PG_workingset);
	if (!w->pageout) {
		folio_deactivate(w->k, head);
	} else if (folio_isolate_lru(w->k, head)) {
		if (page_test(head, PG_unevictable))
			folio_putback_lru(w->k, head);
		else
			page_list_add(w->k, &w->isolated, head);
	}
	return 0;
}

/* MADV_COLD (pageout false) or MADV_PAGEOUT on [start, end) of vma (Linux:
 * madvise_cold, madvise_pageout): PAGEOUT then reclaims the isolated pages
 * at once, ignoring their references (reclaim_pages): anonymous pages go
 * to swap (and stay in the swap cache only until freed), clean file pages
 * are dropped. The caller checked that vma may be advised. */
static void madvise_cold_or_pageout(struct kernel *k, struct vm_area_struct *vma, uint64_t start, uint64_t end,
				    bool pageout)
{
	struct mmu_gather tlb;
	struct cold_walk w = { k, &tlb, pageout, { PFN_NIL, PFN_NIL } };
	tlb_gather_mmu(&tlb, k, vma->vm_mm, false);
	walk_page_range_pmd(k, vma->vm_mm, start, end, cold_pte, cold_pmd, &w);
	tlb_finish_mmu(&tlb);
	if (pageout) {
		uint64_t freed = reclaim_pages(k, &w.isolated);
		trace_kernel(k, k->this_cpu, "MADV_PAGEOUT reclaimed %llu pages of [%#llx, %#llx)",
			     (unsigned long long)freed, (unsigned long long)start, (unsigned long long)end);
	}
}

struct willneed_walk {
	struct kernel *k;
};

/* MADV_WILLNEED on one swap PTE: start reading its page into the swap
 * cache (Linux: swapin_walk_pmd_entry). */
static int willneed_pte(pte_t *pte, uint64_t addr, void *arg)
{
	struct willneed_walk *w = arg;
	bool new_page;
	(void)addr;
	if (!is_swap_pte(*pte) || !is_swap_entry(pte_to_swp_entry(*pte)))
		return 0;
	struct page *page = read_swap_cache_async(w->k, pte_to_swp_entry(*pte), GFP_HIGHUSER_MOVABLE, true,
						  &new_page);
	if (page)
		put_page(w->k, page);
	return 0;
}

/* MADV_WILLNEED on [start, end) of vma (Linux: madvise_willneed): swapped
 * anonymous pages are read into the swap cache; a shmem object's pages out
 * on swap are read back (shmem_swapin_range: no page is created); a file's
 * pages into its page cache (readahead); hugetlbfs does nothing (its
 * backing device has no readahead). Nothing is mapped. */
static void madvise_willneed(struct kernel *k, struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	struct willneed_walk w = { k };
	struct inode *f = vma->vm_file ? file_inode(vma->vm_file) : NULL;
	if (!f) {
		walk_page_range_pmd(k, vma->vm_mm, start, end, willneed_pte, walk_pmd_skip, &w);
		return;
	}
	if (f->kind == FILE_HUGETLB)
		return;
	uint64_t first = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT);
	uint64_t last = first + ((end - start) >> PAGE_SHIFT), size = PFN_UP(f->i_size);
	if (f->kind == FILE_EXT4) {                  /* vfs_fadvise(POSIX_FADV_WILLNEED) */
		force_page_cache_ra(k, vma->vm_file, first, last - first);
		return;
	}
	for (uint64_t index = first; index < last && index < size; index++) {
		void *item = radix_tree_lookup(&f->i_data.i_pages, index);
		if (f->kind == FILE_SHMEM && !(item && radix_is_value(item)))
			continue;
		struct page *page = filemap_get_page(k, f, index, NULL);
		if (!page)
			break;
		put_page(k, page);
	}
}

/* Punch a hole of pages [index, index + n) in f: unmap them from every VMA
 * that maps them (the private copies stay), drop them from the page cache
 * and, on the disk, free their blocks (Linux: vfs_fallocate with
 * FALLOC_FL_PUNCH_HOLE: shmem_fallocate, ext4_punch_hole). */
static void remove_shared_range(struct kernel *k, struct file *f, uint64_t index, uint64_t n)
{
	unmap_mapping_pages(k, f->f_mapping, index, n, false);
	shmem_truncate_range(k, file_inode(f), index, n);
	if (file_inode(f)->kind == FILE_EXT4)
		ext4_punch_blocks(k, file_inode(f), index, n);
}

/* Give [start, end) of vma new_flags and the anonymous name name (NULL:
 * none), splitting vma or merging the range with a neighbour (Linux:
 * madvise_update_vma). 0, or -ENOMEM (a split at vm.max_map_count, or no
 * memory). */
static int madvise_update_vma(struct kernel *k, struct vm_area_struct *vma, uint64_t start, uint64_t end,
			      uint64_t new_flags, const char *name)
{
	uint64_t old_flags = vma->vm_flags;
	bool rename = !anon_vma_name_eq(vma->anon_name, name);
	int err;

	if (new_flags == old_flags && !rename)
		return 0;
	vma = vma_modify(k, vma, start, end, new_flags, name, &err);
	if (!vma)
		return err;
	if (new_flags != old_flags)
		vm_flags_reset(vma, new_flags);
	if (!rename || anon_vma_name_eq(vma->anon_name, name))
		return 0;                       /* or merged into a neighbour so named */
	char *copy = name ? kstrdup(k, name) : NULL;
	if (name && !copy)
		return -ENOMEM;
	kfree(k, vma->anon_name);
	vma->anon_name = copy;
	return 0;
}

/* May advice that acts on a VMA's pages through the LRU (DONTNEED, FREE,
 * COLD, PAGEOUT) act on vma? Not on locked, VM_PFNMAP or hugetlb memory
 * (Linux: can_madv_lru_vma). */
static bool can_madv_lru_vma(const struct vm_area_struct *vma)
{
	return !(vma->vm_flags & (VM_LOCKED | VM_PFNMAP | VM_HUGETLB));
}

/* May vma hold guard markers? Not special or hugetlb memory, nor locked
 * memory unless allow_locked (Linux: is_valid_guard_vma). */
static bool is_valid_guard_vma(const struct vm_area_struct *vma, bool allow_locked)
{
	uint64_t disallowed = VM_SPECIAL | VM_HUGETLB | (allow_locked ? 0 : VM_LOCKED);
	return !(vma->vm_flags & disallowed) && !vma->vm_name;
}

/* Install a guard marker in an empty entry, *arg counting them; 1 (stop:
 * the range needs a zap) at an entry that maps something (Linux:
 * guard_install_pte_entry and guard_install_set_pte). */
static int guard_install_pte(pte_t *pte, uint64_t addr, void *arg)
{
	(void)addr;
	if (is_guard_pte_marker(*pte))
		return 0;
	if (!pte_none(*pte))
		return 1;
	*pte = make_pte_marker(PTE_MARKER_GUARD);
	++*(uint64_t *)arg;
	return 0;
}

/* MADV_GUARD_INSTALL on [start, end) of vma: a guard marker in every entry,
 * which any access turns into SIGSEGV. The VMA is marked VM_MAYBE_GUARD,
 * whole and for good, without a split; an anonymous one gets its anon_vma;
 * pages mapped there are zapped first, markers already there stay (Linux:
 * madvise_guard_install). 0, -EINVAL for a special, hugetlb or locked VMA,
 * -ENOMEM. */
static int madvise_guard_install(struct kernel *k, struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	uint64_t installed = 0;
	int err;

	if (!is_valid_guard_vma(vma, false))
		return -EINVAL;
	vma->vm_flags |= VM_MAYBE_GUARD;
	if (vma_is_anonymous(vma) && anon_vma_prepare(k, vma))
		return -ENOMEM;
	if ((err = pte_alloc_range(k, vma->vm_mm, start, end, NULL)))   /* the install_pte walk */
		return err;
	while (walk_pte_range(k, vma->vm_mm, start, end, guard_install_pte, &installed) > 0) {
		trace_kernel(k, k->this_cpu, "pages are mapped in [%#llx, %#llx): zap them first",
			     (unsigned long long)start, (unsigned long long)end);
		zap_page_range_single(k, vma, start, end, NULL);
	}
	trace_kernel(k, k->this_cpu, "%llu guard markers in [%#llx, %#llx)", (unsigned long long)installed,
		     (unsigned long long)start, (unsigned long long)end);
	return 0;
}

/* Clear a guard marker, *arg counting them (Linux:
 * guard_remove_pte_entry). */
static int guard_remove_pte(pte_t *pte, uint64_t addr, void *arg)
{
	(void)addr;
	if (is_guard_pte_marker(*pte)) {
		*pte = 0;
		++*(uint64_t *)arg;
	}
	return 0;
}

/* MADV_GUARD_REMOVE on [start, end) of vma: the guard markers go, the pages
 * and VM_MAYBE_GUARD stay (Linux: madvise_guard_remove). 0, or -EINVAL for
 * a special or hugetlb VMA (a locked one is fine). */
static int madvise_guard_remove(struct kernel *k, struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	uint64_t removed = 0;

	if (!is_valid_guard_vma(vma, true))
		return -EINVAL;
	walk_page_range_pmd(k, vma->vm_mm, start, end, guard_remove_pte, walk_pmd_skip, &removed);
	trace_kernel(k, k->this_cpu, "%llu guard markers removed from [%#llx, %#llx)",
		     (unsigned long long)removed, (unsigned long long)start, (unsigned long long)end);
	return 0;
}

/* Act on the advice *arg for [start, end) inside vma (Linux:
 * madvise_vma_behavior), as a visitor of madvise_walk_vmas. */
static int madvise_vma_behavior(struct kernel *k, struct task_struct *t, struct vm_area_struct *vma,
				uint64_t start, uint64_t end, const void *arg)
{
	bool lru_ok = can_madv_lru_vma(vma);
	int b = *(const int *)arg;

	(void)t;
	switch (b) {
	case MADV_WILLNEED:
		madvise_willneed(k, vma, start, end);
		return 0;
	case MADV_COLD: case MADV_PAGEOUT:
		if (!lru_ok)
			return -EINVAL;
		madvise_cold_or_pageout(k, vma, start, end, b == MADV_PAGEOUT);
		return 0;
	case MADV_GUARD_INSTALL:
		return madvise_guard_install(k, vma, start, end);
	case MADV_GUARD_REMOVE:
		return madvise_guard_remove(k, vma, start, end);
	case MADV_DONTNEED: case MADV_DONTNEED_LOCKED: {   /* Linux: madvise_dontneed_single_vma */
		static const struct zap_details reclaim = { .reclaim_pt = true };
		if (vma->vm_flags & VM_HUGETLB) {                /* whole huge pages from start */
			uint64_t sz = vma_kernel_pagesize(vma);
			if (start & (sz - 1))
				return -EINVAL;
			end &= ~(sz - 1);
			if (start < end)
				zap_page_range_single(k, vma, start, end, NULL);
			return 0;
		}
		if (b == MADV_DONTNEED ? !lru_ok : (vma->vm_flags & (VM_PFNMAP | VM_HUGETLB)) != 0)
			return -EINVAL;     /* madvise_dontneed_free_valid_vma: DONTNEED_LOCKED zaps locked memory too */
		zap_page_range_single(k, vma, start, end, &reclaim);
		return 0;
	}
	case MADV_COLLAPSE:
		return madvise_collapse(k, vma, start, end);     /* khugepaged.c */
	case MADV_FREE: {
		if (!lru_ok || !vma_is_anonymous(vma))
			return -EINVAL;
		struct mmu_gather tlb;
		struct free_walk w = { k, &tlb, 0 };
		update_hiwater_rss(vma->vm_mm);      /* Linux: madvise_free_single_vma */
		tlb_gather_mmu(&tlb, k, vma->vm_mm, false);
		walk_pte_range(k, vma->vm_mm, start, end, free_pte, &w);
		vma->vm_mm->rss_stat[MM_SWAPENTS] += w.nr_swap;
		tlb_finish_mmu(&tlb);
		return 0;
	}
	case MADV_REMOVE:
		if ((vma->vm_flags & VM_LOCKED) || !vma->vm_file)
			return -EINVAL;
		if ((vma->vm_flags & (VM_SHARED | VM_MAYWRITE)) != (VM_SHARED | VM_MAYWRITE))
			return -EACCES;                   /* madvise_remove: vma_is_shared_maywrite */
		remove_shared_range(k, vma->vm_file,
				    vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT),
				    (end - start) >> PAGE_SHIFT);
		return 0;
	}
	int64_t nf = advised_flags(vma, vma->vm_flags, b);
	if (nf < 0)
		return (int)nf;
	int err = madvise_update_vma(k, vma, start, end, (uint64_t)nf, vma->anon_name);
	if (!err && b == MADV_HUGEPAGE) {
		struct vm_area_struct *v = find_vma(vma->vm_mm, start);
		if (v)
			khugepaged_enter_vma(k, v);     /* hugepage_madvise */
	}
	return err;
}

/* MADV_POPULATE_(READ|WRITE) (Linux: madvise_populate). */
static long madvise_populate(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t end,
			     bool write)
{
	for (uint64_t a = start; a < end;) {
		struct vm_area_struct *vma = vma_lookup(t->mm, a);
		if (!vma)
			return -ENOMEM;
		if (vma->vm_flags & (VM_IO | VM_PFNMAP))
			return -EINVAL;
		if (!(vma->vm_flags & (write ? VM_WRITE : VM_READ)))
			return -EINVAL;      /* GUP's check_vma_flags, as madvise reports it */
		uint64_t stop = vma->vm_end < end ? vma->vm_end : end;
		int err = faultin_page_range(k, t, a, stop, write);
		if (err)
			return err;
		a = stop;
	}
	return 0;
}

/* Set *end to the end of [start, start + len_in rounded up to pages).
 * 0, or -EINVAL for a misaligned start or a length that wraps (Linux: the
 * checks opening do_madvise and madvise_set_anon_name). */
static int madvise_range_end(uint64_t start, uint64_t len_in, uint64_t *end)
{
	uint64_t len = PAGE_ALIGN(len_in);
	*end = start + len;
	return offset_in_page(start) || (len_in && !len) || *end < start ? -EINVAL : 0;
}

typedef int (*madvise_visit_fn)(struct kernel *k, struct task_struct *t, struct vm_area_struct *vma,
				uint64_t start, uint64_t end, const void *arg);

/* Call visit on the part of each VMA inside [start, end) (Linux:
 * madvise_walk_vmas). Returns the first error of visit; else -ENOMEM when
 * part of the range was unmapped (the mapped parts were visited), else 0. */
static long madvise_walk_vmas(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t end,
			      madvise_visit_fn visit, const void *arg)
{
	long unmapped = 0;
	for (uint64_t a = start; a < end;) {
		struct vm_area_struct *vma = find_vma(t->mm, a);
		if (!vma || vma->vm_start >= end)
			return -ENOMEM;
		if (vma->vm_start > a) {
			unmapped = -ENOMEM;
			a = vma->vm_start;
		}
		uint64_t stop = vma->vm_end < end ? vma->vm_end : end;
		int err = visit(k, t, vma, a, stop, arg);
		if (err)
			return err;
		a = stop;
	}
	return unmapped;
}

/*
 * madvise(start, len, advice) for task t (Linux: do_madvise).
 *
 * Applies advice to [start, start + len), len rounded up to whole pages,
 * VMA by VMA:
 *   MADV_DONTNEED  drops the pages; the next access sees zeros (private
 *                  memory) or the object's data (shared); the page table
 *                  of each whole 2 MiB block it empties is freed
 *                  (CONFIG_PT_RECLAIM)
 *   MADV_FREE      marks private anonymous pages clean and lazily
 *                  freeable (counted in pglazyfree; a dirty or swap-cached
 *                  page only where this mapping is its only one); swapped
 *                  out pages are dropped with their slots
 *   MADV_REMOVE    punches a hole in the file of a shared mapping that
 *                  may be made writable (tmpfs, shared memory, the disk:
 *                  its blocks go): the pages leave every mapping of it
 *                  but the private copies
 *   MADV_POPULATE_READ, _WRITE  fault the pages in, read or written
 *   MADV_GUARD_INSTALL  a guard marker in every entry (mapped pages are
 *                  zapped first): an access is SIGSEGV; the VMA gets
 *                  VM_MAYBE_GUARD for good and is not split; DONTNEED,
 *                  FREE and mprotect keep the markers, fork copies them,
 *                  munmap drops them
 *   MADV_GUARD_REMOVE  clears the guard markers, nothing else
 *   MADV_NORMAL, RANDOM, SEQUENTIAL, DONTFORK, DOFORK, WIPEONFORK,
 *   KEEPONFORK, DONTDUMP, DODUMP, HUGEPAGE, NOHUGEPAGE, MERGEABLE,
 *   UNMERGEABLE  set or clear the VMA flag Linux sets (splitting and merging
 *                  VMAs as mprotect does; smaps shows it): fork acts on
 *                  DONTFORK and WIPEONFORK, nothing on the others yet
 *   MADV_WILLNEED  reads swapped pages into the swap cache (a file's or
 *                  shmem object's into its cache); nothing is mapped
 *   MADV_COLD      deactivates the pages only this mapping uses and clears
 *                  their Accessed bits
 *   MADV_PAGEOUT   reclaims the pages only this mapping uses now (to swap,
 *                  where they stay in the swap cache)
 * Returns 0 (also for len 0), or:
 *   -EINVAL  an advice not listed (Linux also knows MADV_HWPOISON,
 *            MADV_SOFT_OFFLINE, MADV_COLLAPSE, MADV_DONTNEED_LOCKED);
 *            GUARD_INSTALL on a locked, special (VM_IO, VM_PFNMAP, ...:
 *            the vDSO, vvar) or hugetlb VMA, GUARD_REMOVE on a special or
 *            hugetlb one; start not page-aligned;
 *            start + len wraps; DONTNEED, FREE, COLD or PAGEOUT on a
 *            locked (mlock, mlock2 with MLOCK_ONFAULT, MAP_LOCKED,
 *            mlockall), VM_PFNMAP or hugetlb VMA (DONTNEED of a hugetlb
 *            VMA only where the range starts off a huge page: it drops
 *            the whole huge pages from there on), also after a hole in the
 *            range (the VMA's EINVAL wins over the hole's ENOMEM); FREE on
 *            memory that is not private anonymous;
 *            REMOVE on a locked or anonymous private VMA; DONTFORK or DOFORK on a
 *            VM_IO VMA; WIPEONFORK on shared or file memory; DODUMP on a
 *            special VMA; POPULATE on a VM_IO or VM_PFNMAP VMA or one that
 *            does not allow the access
 *   -ENOMEM  part of the range is not mapped (the advice is applied to the
 *            mapped parts first, as on Linux, but POPULATE stops at the
 *            hole); a split at vm.max_map_count or without memory; a
 *            populate without memory; no memory for a page table
 *            (GUARD_INSTALL)
 *   -EFAULT  a populate fault that fails (SIGBUS, SIGSEGV: a guard page)
 *   -EACCES  REMOVE on a private file mapping, or a shared one of a
 *            descriptor opened read-only (no VM_MAYWRITE)
 * The VMAs are advised in address order: after an error those before the
 * failing one keep the advice.
 */
long do_madvise(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t len_in, int b)
{
	uint64_t end;
	if (!madvise_behavior_valid(b) || madvise_range_end(start, len_in, &end))
		return -EINVAL;
	if (end == start)
		return 0;
	if (b == MADV_POPULATE_READ || b == MADV_POPULATE_WRITE)
		return madvise_populate(k, t, start, end, b == MADV_POPULATE_WRITE);
	return madvise_walk_vmas(k, t, start, end, madvise_vma_behavior, &b);
}

/* May c appear in a VMA's name? Printable ASCII but for \ ` $ [ and ]
 * (Linux: is_valid_name_char). */
static bool is_valid_name_char(char c)
{
	return c > 0x1f && c < 0x7f && !strchr("\\`$[]", c);
}

/* Name [start, end) of vma *arg (NULL: unname it), splitting it or merging
 * it with a neighbour of the same name, as a visitor of madvise_walk_vmas
 * (Linux up to 6.15: madvise_vma_anon_name; since 6.16 a case of
 * madvise_vma_behavior). 0, -EBADF for a file mapping that is not shared
 * anonymous memory, -ENOMEM. */
static int madvise_vma_anon_name(struct kernel *k, struct task_struct *t, struct vm_area_struct *vma,
				 uint64_t start, uint64_t end, const void *arg)
{
	(void)t;
	if (vma->vm_file && file_inode(vma->vm_file)->kind != FILE_SHMEM)
		return -EBADF;
	return madvise_update_vma(k, vma, start, end, vma->vm_flags, arg);
}

/* Name the anonymous memory of [start, start + len_in) name (Linux:
 * madvise_set_anon_name). Returns as prctl_set_vma. */
static long madvise_set_anon_name(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t len_in,
				  const char *name)
{
	uint64_t end;
	if (madvise_range_end(start, len_in, &end))
		return -EINVAL;
	return madvise_walk_vmas(k, t, start, end, madvise_vma_anon_name, name);
}

/*
 * prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, start, len, name) for task t
 * (Linux: prctl_set_vma, in mm/madvise.c since 6.17).
 *
 * Names the anonymous memory of [start, start + len), len rounded up to
 * whole pages, "[anon:NAME]" in /proc/PID/maps ("[anon_shmem:NAME]" for
 * shared memory), or unnames it when name is NULL, splitting and merging
 * VMAs as madvise does. Returns 0 (also for len 0), or:
 *   -EINVAL  the kernel has no CONFIG_ANON_VMA_NAME (k->anon_vma_name off:
 *            PR_SET_VMA is unknown); a name of 80 bytes or more, or with a
 *            byte outside printable ASCII or one of \`$[]; start not
 *            page-aligned; start + len wraps
 *   -EBADF   a VMA of the range maps a file (other than shared anonymous
 *            memory)
 *   -ENOMEM  part of the range is not mapped (the mapped parts are named
 *            anyway, as on Linux); a split at vm.max_map_count; no memory
 * After an error the VMAs before the failing one keep the new name.
 */
long prctl_set_vma(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t len_in, const char *name)
{
	if (!k->anon_vma_name)
		return -EINVAL;
	if (name && strlen(name) >= ANON_VMA_NAME_MAX_LEN)
		return -EINVAL;
	for (const char *c = name; c && *c; c++)
		if (!is_valid_name_char(*c))
			return -EINVAL;
	return madvise_set_anon_name(k, t, start, len_in, name);
}
