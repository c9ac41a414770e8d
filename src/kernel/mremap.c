/*
 * kernel/mremap.c — mremap (Linux: mm/mremap.c, as Linux 6.16 and 6.17
 * restructured it). One call is a struct vma_remap_struct threaded through
 * its steps: the checks of the arguments alone (check_mremap_params), the
 * checks that need the VMA (check_prep_vma), then a shrink (the tail is
 * unmapped), a growth in place (expand_vma_in_place), or a move (move_vma:
 * copy_vma makes the new VMA, the page-table entries are moved to it, pages
 * and all, nothing is copied, and the old range is unmapped). With
 * MREMAP_FIXED and equal lengths every VMA of the range moves, keeping the
 * gaps between them (remap_move). Growing locked memory faults the new
 * part in; every growth is charged to Committed_AS under the overcommit
 * policy, as mmap's memory is.
 */
#include "kernel/mman.h"

#include "kernel/huge_mm.h"
#include "kernel/hugetlb.h"
#include "kernel/kernel.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/rmap.h"
#include "kernel/sched.h"
#include "kernel/tlbflush.h"
#include "kernel/trace.h"

#include <errno.h>

/* What the lengths ask for (Linux: enum mremap_type). */
enum mremap_type {
	MREMAP_INVALID,         /* not classified yet */
	MREMAP_NO_RESIZE,       /* old_len == new_len */
	MREMAP_SHRINK,          /* old_len > new_len */
	MREMAP_EXPAND,          /* old_len < new_len */
};

/* One mremap call, threaded through its steps (Linux: struct
 * vma_remap_struct). The steps update the fields so that they always
 * describe the remap in progress: a shrink before a move makes old_len
 * new_len, a move of several VMAs describes each VMA in turn. */
struct vma_remap_struct {
	struct kernel *k;
	struct task_struct *t;
	uint64_t addr;                  /* the range to remap: [addr, addr + old_len) */
	uint64_t old_len;
	uint64_t new_len;               /* its new length */
	unsigned long flags;            /* MREMAP_* */
	uint64_t new_addr;              /* where it goes (MREMAP_FIXED, a hint with
					 * MREMAP_DONTUNMAP, else chosen; addr when
					 * it stays) */
	struct vm_area_struct *vma;     /* the VMA at addr */
	uint64_t delta;                 /* |new_len - old_len| */
	enum mremap_type remap_type;
	bool populate_expand;           /* locked memory grows: fault the new part in */
	uint64_t charged;               /* pages charged to Committed_AS */
};

/* Set delta from the lengths (Linux: vrm_set_delta). */
static void vrm_set_delta(struct vma_remap_struct *vrm)
{
	vrm->delta = vrm->old_len > vrm->new_len ? vrm->old_len - vrm->new_len
						 : vrm->new_len - vrm->old_len;
}

/* Shrink, expand or neither (Linux: vrm_remap_type). */
static enum mremap_type vrm_remap_type(const struct vma_remap_struct *vrm)
{
	if (!vrm->delta)
		return MREMAP_NO_RESIZE;
	return vrm->old_len > vrm->new_len ? MREMAP_SHRINK : MREMAP_EXPAND;
}

/* Do the old and the new range overlap? The ends are computed modulo 2^64,
 * as Linux's are (Linux: vrm_overlaps). */
static bool vrm_overlaps(const struct vma_remap_struct *vrm)
{
	return vrm->addr + vrm->old_len > vrm->new_addr && vrm->new_addr + vrm->new_len > vrm->addr;
}

/* Does the call name a new address: MREMAP_FIXED's, or MREMAP_DONTUNMAP's
 * hint, with which the mapping always moves? (Linux: vrm_implies_new_addr) */
static bool vrm_implies_new_addr(const struct vma_remap_struct *vrm)
{
	return vrm->flags & (MREMAP_FIXED | MREMAP_DONTUNMAP);
}

/* Does the call map a new part of the address space (grow or move)?
 * (Linux: vrm_will_map_new) */
static bool vrm_will_map_new(const struct vma_remap_struct *vrm)
{
	return vrm->remap_type == MREMAP_EXPAND || vrm_implies_new_addr(vrm);
}

/* Does the call only move, with MREMAP_FIXED and equal lengths? Then every
 * VMA of the range moves (Linux: vrm_move_only). */
static bool vrm_move_only(const struct vma_remap_struct *vrm)
{
	return (vrm->flags & MREMAP_FIXED) && vrm->old_len == vrm->new_len;
}

/* Set new_addr to where the mapping goes, as mmap would place new_len bytes
 * of this VMA: MREMAP_FIXED's address (checked against TASK_SIZE and
 * vm.mmap_min_addr), a free range at or near MREMAP_DONTUNMAP's hint, or
 * anywhere (Linux: vrm_set_new_addr). 0, or -ENOMEM or -EPERM. */
static int64_t vrm_set_new_addr(struct vma_remap_struct *vrm)
{
	unsigned long map_flags = (vrm->flags & MREMAP_FIXED ? MAP_FIXED : 0) |
				  (vrm->vma->vm_flags & VM_MAYSHARE ? MAP_SHARED : 0);
	int64_t res = get_unmapped_area(vrm->k, vrm->t, vrm_implies_new_addr(vrm) ? vrm->new_addr : 0,
				     vrm->new_len, map_flags);
	if (res < 0)
		return res;
	vrm->new_addr = (uint64_t)res;
	return 0;
}

/* Charge what the call adds to an accounted VMA (VM_ACCOUNT) to
 * Committed_AS, under the overcommit policy: delta, or with
 * MREMAP_DONTUNMAP, which keeps the old range, all of new_len (Linux:
 * vrm_calc_charge). false when the policy refuses it. */
static bool vrm_calc_charge(struct vma_remap_struct *vrm)
{
	if (!(vrm->vma->vm_flags & VM_ACCOUNT))
		return true;
	uint64_t charged = (vrm->flags & MREMAP_DONTUNMAP ? vrm->new_len : vrm->delta) >> PAGE_SHIFT;
	if (__vm_enough_memory(vrm->k, charged))
		return false;
	vrm->charged = charged;
	return true;
}

/* Give back the charge of vrm_calc_charge after an error (Linux:
 * vrm_uncharge). */
static void vrm_uncharge(struct vma_remap_struct *vrm)
{
	if (!(vrm->vma->vm_flags & VM_ACCOUNT))
		return;
	vrm->k->vm_committed_as -= vrm->charged;
	vrm->charged = 0;
}

/* Count bytes more of the VMA's kind in the mm's counters, and in
 * locked_vm for a locked VMA (Linux: vrm_stat_account). */
static void vrm_stat_account(struct vma_remap_struct *vrm, uint64_t bytes)
{
	struct mm_struct *mm = vrm->t->mm;
	uint64_t pages = bytes >> PAGE_SHIFT;

	vm_stat_account(mm, vrm->vma->vm_flags, (int64_t)pages);
	if (vrm->vma->vm_flags & VM_LOCKED)
		mm->locked_vm += pages;
}

/* The checks before a move changes anything: room for the VMAs a move may
 * add, a new one and a split of the old; a special mapping (the vDSO,
 * vvar) moves whole or not at all, as its vm_ops->may_split refuses a
 * split (Linux: prep_move_vma and special_mapping_split; Linux also asks
 * KSM to unshare the range's pages: the simulator has no KSM). 0,
 * -ENOMEM or -EINVAL. */
static int64_t prep_move_vma(struct vma_remap_struct *vrm)
{
	struct vm_area_struct *vma = vrm->vma;

	if (vrm->t->mm->map_count >= vrm->k->sysctl.max_map_count - 3)
		return -ENOMEM;
	if (vma->vm_name && (vma->vm_start != vrm->addr || vma->vm_end != vrm->addr + vrm->old_len))
		return -EINVAL;
	return 0;
}

/* Move each entry of [old_addr, old_addr + len) of vma to the same offset at
 * new_addr in new_vma, marking it soft-dirty, then flush the old range's
 * TLB entries when a present entry moved (Linux: move_page_tables, which
 * moves whole page tables when it can: the result is the same entries).
 * Returns how many bytes of the range were done: len, or less when a page
 * table for new_addr could not be allocated. */
static uint64_t move_page_tables(struct kernel *k, struct vm_area_struct *vma, uint64_t old_addr,
				 struct vm_area_struct *new_vma, uint64_t new_addr, uint64_t len)
{
	struct mm_struct *mm = vma->vm_mm;
	uint64_t moved = 0, off;
	bool force_flush = false;
	int err = 0;

	if (vma->vm_flags & VM_HUGETLB)
		return move_hugetlb_page_tables(k, vma, new_vma, old_addr, new_addr, len) ? 0 : len;
	for (off = 0; off < len; off += PAGE_SIZE) {
		pte_t *spmd = pmd_walk(k, mm, old_addr + off, false, &err);
		if (spmd && pmd_trans_huge(*spmd)) {
			int r = move_huge_pmd(k, vma, spmd, old_addr + off, new_vma, new_addr + off, len - off);
			if (r < 0)
				break;
			if (r > 0) {
				force_flush = true;
				moved += HPAGE_PMD_NR;
				off += HPAGE_PMD_SIZE - PAGE_SIZE;
				continue;
			}
		}
		pte_t *src = pte_walk(k, mm, old_addr + off, false, &err);
		if (!src || pte_none(*src))
			continue;
		pte_t *dst = pte_walk(k, new_vma->vm_mm, new_addr + off, true, &err);
		if (!dst)
			break;
		pte_t pte = *src;
		*src = 0;
		if (pte_present(pte)) {
			force_flush = true;
			if (k->soft_dirty)
				pte |= _PAGE_SOFT_DIRTY;      /* Linux: move_soft_dirty_pte */
		}
		*dst = pte;
		moved++;
	}
	trace_kernel(k, k->this_cpu, "%llu PTEs moved from %#llx to %#llx",
		     (unsigned long long)moved, (unsigned long long)old_addr, (unsigned long long)new_addr);
	if (force_flush)
		flush_tlb_mm_range(k, mm, old_addr, old_addr + len, PAGE_SHIFT, false);
	return off < len ? off : len;
}

/* Unmap the old range after the move, keeping its charge, which the new VMA
 * took over: VM_ACCOUNT is taken off the VMA for the unmap, then put back on
 * what is left of it at either end (Linux: unmap_source_vma). When the
 * unmap fails, the range's pages are charged again instead. After a failed
 * page-table move the "old" range is the new VMA, which is unmapped. */
static void unmap_source_vma(struct vma_remap_struct *vrm)
{
	struct mm_struct *mm = vrm->t->mm;
	struct vm_area_struct *vma = vrm->vma, *prev, *next;
	uint64_t addr = vrm->addr, end = vrm->addr + vrm->old_len;
	uint64_t vm_start = vma->vm_start, vm_end = vma->vm_end;
	bool accountable_move = (vma->vm_flags & VM_ACCOUNT) && !(vrm->flags & MREMAP_DONTUNMAP);

	if (accountable_move)
		vma->vm_flags &= ~VM_ACCOUNT;
	int64_t err = do_munmap(vrm->k, vrm->t, addr, vrm->old_len);
	vrm->vma = NULL;
	if (err) {
		vrm->k->vm_committed_as += vrm->old_len >> PAGE_SHIFT;   /* Linux: vm_acct_memory */
		return;
	}
	if (accountable_move) {
		next = find_vma_prev(mm, addr, &prev);
		if (vm_start < addr)
			prev->vm_flags |= VM_ACCOUNT;
		if (vm_end > end)
			next->vm_flags |= VM_ACCOUNT;
	}
}

/* Make the new VMA (copy_vma) and move the entries to it. When the move
 * runs out of memory the entries go back and the call goes on with the new
 * VMA as the range to unmap (Linux: copy_vma_and_data). *new_vma_ptr is
 * the new VMA, or NULL when none was made. 0 or -ENOMEM. */
static int copy_vma_and_data(struct vma_remap_struct *vrm, struct vm_area_struct **new_vma_ptr)
{
	struct vm_area_struct *vma = vrm->vma;
	uint64_t new_pgoff = vma->vm_pgoff + ((vrm->addr - vma->vm_start) >> PAGE_SHIFT);
	struct vm_area_struct *new_vma = copy_vma(vrm->k, &vma, vrm->new_addr, vrm->new_len, new_pgoff);

	*new_vma_ptr = new_vma;
	if (!new_vma) {
		vrm_uncharge(vrm);
		return -ENOMEM;
	}
	vrm->vma = vma;
	uint64_t moved_len = move_page_tables(vrm->k, vma, vrm->addr, new_vma, vrm->new_addr, vrm->old_len);
	if (moved_len == vrm->old_len)
		return 0;
	move_page_tables(vrm->k, new_vma, vrm->new_addr, vma, vrm->addr, moved_len);
	vrm->vma = new_vma;
	vrm->old_len = vrm->new_len;
	vrm->addr = vrm->new_addr;
	return -ENOMEM;
}

/* After a MREMAP_DONTUNMAP move: the old VMA, all of it (Linux does not
 * split it), is no longer locked; it keeps VM_ACCOUNT and its charge, and
 * when the whole VMA moved it leaves its anon_vmas, having no pages left
 * (Linux: dontunmap_complete). locked_vm is not changed. */
static void dontunmap_complete(struct vma_remap_struct *vrm, struct vm_area_struct *new_vma)
{
	struct vm_area_struct *vma = vrm->vma;
	bool whole = vrm->addr == vma->vm_start && vrm->addr + vrm->old_len == vma->vm_end;

	vma->vm_flags &= ~VM_LOCKED_MASK;
	if (new_vma != vma && whole)
		unlink_anon_vmas(vrm->k, vma);
}

/* Move [addr, addr + old_len) of vma to new_addr as a new_len-int64_t mapping
 * (Linux: move_vma). Returns new_addr or a negative errno. total_vm counts
 * both ranges until the old one is unmapped: that moment is kept out of
 * VmPeak, as Linux does. */
static int64_t move_vma(struct vma_remap_struct *vrm)
{
	struct mm_struct *mm = vrm->t->mm;
	struct vm_area_struct *new_vma;
	int64_t err = prep_move_vma(vrm);

	if (err)
		return err;
	if (!vrm_calc_charge(vrm))
		return -ENOMEM;
	err = copy_vma_and_data(vrm, &new_vma);
	if (err && !new_vma)
		return err;
	uint64_t hiwater_vm = mm->hiwater_vm;
	if (!err && (vrm->vma->vm_flags & VM_HUGETLB))
		clear_vma_resv_huge_pages(vrm->k, vrm->vma);   /* the new VMA has its reservation */
	vrm_stat_account(vrm, vrm->new_len);
	if (!err && (vrm->flags & MREMAP_DONTUNMAP))
		dontunmap_complete(vrm, new_vma);
	else
		unmap_source_vma(vrm);
	mm->hiwater_vm = hiwater_vm;
	return err ? err : (int64_t)vrm->new_addr;
}

/* Unmap the tail [addr + new_len, addr + old_len) (Linux: shrink_vma, with
 * munmap's checks: -EINVAL when the tail passes TASK_SIZE). Unless this is
 * the call's last step (drop_lock: Linux drops mmap_lock there), the VMA at
 * addr is looked up again: -EFAULT when there is none. 0 or a negative
 * errno. */
static int64_t shrink_vma(struct vma_remap_struct *vrm, bool drop_lock)
{
	int64_t res = do_munmap(vrm->k, vrm->t, vrm->addr + vrm->new_len, vrm->delta);

	vrm->vma = NULL;
	if (res)
		return res;
	if (!drop_lock && !(vrm->vma = vma_lookup(vrm->t->mm, vrm->addr)))
		return -EFAULT;
	return 0;
}

/* Move to MREMAP_FIXED's address, unmapping what is there first, or with
 * MREMAP_DONTUNMAP to a place of the hint's choosing; a shrink unmaps the
 * tail before the move (Linux: mremap_to). The new address or a negative
 * errno. Linux also checks may_expand_vm for MREMAP_DONTUNMAP, which only
 * RLIMIT_AS and RLIMIT_DATA can refuse: the simulator's are unlimited. */
static int64_t mremap_to(struct vma_remap_struct *vrm)
{
	int64_t err;

	if (vrm->flags & MREMAP_FIXED) {
		err = do_munmap(vrm->k, vrm->t, vrm->new_addr, vrm->new_len);
		vrm->vma = NULL;
		if (err)
			return err;
		if (!(vrm->vma = vma_lookup(vrm->t->mm, vrm->addr)))
			return -EFAULT;
	}
	if (vrm->remap_type == MREMAP_SHRINK) {
		if ((err = shrink_vma(vrm, false)))
			return err;
		vrm->old_len = vrm->new_len;   /* delta stays: Linux charges it again */
	}
	if ((err = vrm_set_new_addr(vrm)))
		return err;
	return move_vma(vrm);
}

/* Is the space after vma free for delta bytes more, within TASK_SIZE and
 * above vm.mmap_min_addr? (Linux: vma_expandable) */
static bool vma_expandable(struct vma_remap_struct *vrm)
{
	struct vm_area_struct *vma = vrm->vma;
	uint64_t end = vma->vm_end + vrm->delta;

	if (end < vma->vm_end)
		return false;
	if (find_vma_intersection(vrm->t->mm, vma->vm_end, end))
		return false;
	return get_unmapped_area(vrm->k, vrm->t, vma->vm_start, end - vma->vm_start, MAP_FIXED) >= 0;
}

/* Can the range grow where it is: does it end at its VMA's end, with free
 * space after? (Linux: vrm_can_expand_in_place) */
static bool vrm_can_expand_in_place(struct vma_remap_struct *vrm)
{
	return vrm->vma->vm_end - vrm->addr == vrm->old_len && vma_expandable(vrm);
}

/* Grow the VMA by delta where it is, charged to Committed_AS, merging with
 * the next VMA when they then touch and match (Linux: expand_vma_in_place).
 * 0 or -ENOMEM (the charge refused; a VM_SPECIAL VMA, which cannot
 * merge). */
static int64_t expand_vma_in_place(struct vma_remap_struct *vrm)
{
	if (!vrm_calc_charge(vrm))
		return -ENOMEM;
	struct vm_area_struct *vma = vma_merge_extend(vrm->k, vrm->vma, vrm->delta);
	if (!vma) {
		vrm_uncharge(vrm);
		return -ENOMEM;
	}
	vrm->vma = vma;
	vrm_stat_account(vrm, vrm->delta);
	trace_kernel(vrm->k, vrm->t->cpu, "VMA grows in place to %#llx",
		     (unsigned long long)(vrm->addr + vrm->new_len));
	return 0;
}

/* Grow without a new address: in place when there is room, else, with
 * MREMAP_MAYMOVE, by a move to a free range (Linux: expand_vma). The
 * address or a negative errno. */
static int64_t expand_vma(struct vma_remap_struct *vrm)
{
	int64_t err;

	if (vrm_can_expand_in_place(vrm)) {
		if ((err = expand_vma_in_place(vrm)))
			return err;
		return (int64_t)vrm->addr;
	}
	if (!(vrm->flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	if ((err = vrm_set_new_addr(vrm)))
		return err;
	return move_vma(vrm);
}

/* Resize without a new address: same length, shrink, or grow (Linux:
 * mremap_at). The address or a negative errno. */
static int64_t mremap_at(struct vma_remap_struct *vrm)
{
	int64_t res;

	switch (vrm->remap_type) {
	case MREMAP_NO_RESIZE:
		return (int64_t)vrm->addr;
	case MREMAP_SHRINK:
		if ((res = shrink_vma(vrm, true)))
			return res;
		return (int64_t)vrm->addr;
	case MREMAP_EXPAND:
		return expand_vma(vrm);
	case MREMAP_INVALID:
		break;
	}
	return -EINVAL;
}

/* A hugetlb VMA's lengths rounded up to its huge pages; false when addr
 * or new_addr (whatever the flags) is not on a huge page, or the call
 * would grow it: hugetlb reservations cannot be split (Linux:
 * align_hugetlb). */
static bool align_hugetlb(struct vma_remap_struct *vrm)
{
	uint64_t size = vma_kernel_pagesize(vrm->vma);
	vrm->old_len = (vrm->old_len + size - 1) & ~(size - 1);
	vrm->new_len = (vrm->new_len + size - 1) & ~(size - 1);
	if ((vrm->addr | vrm->new_addr) & (size - 1))
		return false;
	return vrm->new_len <= vrm->old_len;
}

/* The checks that need the VMA at addr, before anything changes; they set
 * delta, remap_type, new_addr (addr when the mapping stays) and
 * populate_expand (Linux: check_prep_vma, which also refuses mseal()ed
 * VMAs: the simulator has no mseal). A shrink or
 * a same-length call without a new address needs none of the rest. 0 or a
 * negative errno. Linux's last check, may_expand_vm, only refuses past
 * RLIMIT_AS or RLIMIT_DATA, which the simulator does not limit. */
static int64_t check_prep_vma(struct vma_remap_struct *vrm)
{
	struct vm_area_struct *vma = vrm->vma;
	uint64_t old_len, new_len, pgoff;

	if (!vma)
		return -EFAULT;
	if ((vma->vm_flags & VM_HUGETLB) && !align_hugetlb(vrm))
		return -EINVAL;
	vrm_set_delta(vrm);
	vrm->remap_type = vrm_remap_type(vrm);
	if (!vrm_implies_new_addr(vrm))
		vrm->new_addr = vrm->addr;
	if (!vrm_will_map_new(vrm))
		return 0;
	old_len = vrm->old_len;
	new_len = vrm->new_len;
	if (!old_len && !(vma->vm_flags & (VM_SHARED | VM_MAYSHARE)))
		return -EINVAL;              /* only shared memory may be duplicated so */
	if ((vrm->flags & MREMAP_DONTUNMAP) && (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP)))
		return -EINVAL;
	if (vrm->remap_type == MREMAP_SHRINK)
		old_len = new_len;           /* the tail may run past the VMA: it is unmapped */
	if (old_len > vma->vm_end - vrm->addr)
		return -EFAULT;
	if (new_len == old_len)
		return 0;
	if (vma->vm_flags & VM_LOCKED)
		vrm->populate_expand = true;
	pgoff = vma->vm_pgoff + ((vrm->addr - vma->vm_start) >> PAGE_SHIFT);
	if (pgoff + (new_len >> PAGE_SHIFT) < pgoff)
		return -EINVAL;
	if (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP))
		return -EFAULT;
	if (!mlock_future_ok(vrm->t, vma->vm_flags & VM_LOCKED, vrm->delta))
		return -EAGAIN;
	return 0;
}

/* The checks of the arguments alone, on the page-aligned lengths, before
 * the VMA is looked up (Linux: check_mremap_params). 0 or a negative
 * errno. */
static int64_t check_mremap_params(struct vma_remap_struct *vrm)
{
	struct mm_struct *mm = vrm->t->mm;
	unsigned long flags = vrm->flags;

	if (flags & ~(unsigned long)(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP))
		return -EINVAL;
	if (offset_in_page(vrm->addr))
		return -EINVAL;
	if (!vrm->new_len)
		return -EINVAL;
	if (vrm->new_len > mm->task_size)
		return -EINVAL;
	if (!vrm_implies_new_addr(vrm))
		return 0;
	if (vrm->new_addr > mm->task_size - vrm->new_len)
		return -EINVAL;
	if (offset_in_page(vrm->new_addr))
		return -EINVAL;
	if (!(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if ((flags & MREMAP_DONTUNMAP) && vrm->old_len != vrm->new_len)
		return -EINVAL;
	if (vrm_overlaps(vrm))
		return -EINVAL;
	/* the unmaps at both places may each split a VMA before move_vma
	 * checks its own room */
	if (mm->map_count + 2 >= vrm->k->sysctl.max_map_count - 3)
		return -ENOMEM;
	return 0;
}

/* MREMAP_FIXED with equal lengths: move every VMA of [addr, addr + old_len),
 * the part of it in the range, one after the other, each to new_addr plus
 * its distance from the first, keeping the gaps between them (Linux 6.17:
 * remap_move). A gap at addr, or no VMA, is -EFAULT; a later gap is fine.
 * Each VMA is checked (check_prep_vma) and moved (mremap_to) as a call of
 * its own would be; at the first error the call stops, with the VMAs before
 * moved. Returns the first VMA's new address or a negative errno. (Linux
 * moves a single VMA only of a file whose placement might not honour
 * MREMAP_FIXED, and of userfaultfd ranges: the simulator has neither.) */
static int64_t remap_move(struct vma_remap_struct *vrm)
{
	struct mm_struct *mm = vrm->t->mm;
	uint64_t start = vrm->addr, end = vrm->addr + vrm->old_len;
	uint64_t target_addr = vrm->new_addr, last_end = 0, pos = start;
	struct vm_area_struct *vma;
	bool seen_vma = false;
	int64_t res = -EFAULT;

	/* pos is where Linux's VMA iterator stands: past the last VMA's old
	 * end, even when its move merged it with the target beyond */
	while (pos < end && (vma = find_vma(mm, pos)) && vma->vm_start < end) {
		uint64_t addr = vma->vm_start > start ? vma->vm_start : start;
		uint64_t len = (vma->vm_end < end ? vma->vm_end : end) - addr;

		if (!seen_vma && start < vma->vm_start)
			return -EFAULT;
		uint64_t offset = seen_vma ? vma->vm_start - last_end : 0;
		pos = last_end = vma->vm_end;
		vrm->vma = vma;
		vrm->addr = addr;
		vrm->new_addr = target_addr + offset;
		vrm->old_len = vrm->new_len = len;
		int64_t res_vma = check_prep_vma(vrm);
		if (!res_vma)
			res_vma = mremap_to(vrm);
		if (res_vma < 0)
			return res_vma;
		if (!seen_vma)
			res = res_vma;
		seen_vma = true;
		target_addr = (uint64_t)res_vma + vrm->new_len;
	}
	return res;
}

/*
 * mremap(addr, old_len, new_len, flags, new_addr) for task t (Linux:
 * do_mremap, which the system call calls since 6.16).
 *
 * Resizes or moves the mapping [addr, addr + old_len), both lengths rounded
 * up to whole pages (a length within a page of 2^64 rounds to 0). Without
 * MREMAP_FIXED or MREMAP_DONTUNMAP: the same length returns addr and
 * changes nothing; shrinking unmaps the tail [addr + new_len, addr +
 * old_len), which may cross VMAs; growing extends the VMA in place when the
 * range ends at the VMA's end and the space after it is free (merging with
 * the next VMA when they then match), else, with MREMAP_MAYMOVE, moves it: a
 * new VMA in a free range gets the page-table entries, pages and all (it
 * merges with a neighbour that matches), and the old range is unmapped.
 * MREMAP_FIXED moves to new_addr, unmapping what was there first (and a
 * shrink's tail before the move); with equal lengths it moves every VMA of
 * the range, keeping the gaps between them. MREMAP_DONTUNMAP moves (to a
 * free range, new_addr a hint) and leaves the old range mapped but empty:
 * that whole VMA is then no longer locked, and keeps its charge. old_len 0
 * on a shared mapping makes a second mapping of the same pages. Growing an
 * accounted (private writable) mapping charges the growth to Committed_AS,
 * and all of new_len with MREMAP_DONTUNMAP, under vm.overcommit_memory as
 * mmap does; growing locked memory faults the new part in afterwards.
 *
 * Returns the mapping's (new) address, or, in Linux's order:
 *   -EINVAL  an unknown flag; addr not page-aligned; new_len 0; new_len
 *            past TASK_SIZE; with MREMAP_FIXED or MREMAP_DONTUNMAP: the new
 *            range past TASK_SIZE, new_addr not page-aligned, no
 *            MREMAP_MAYMOVE, MREMAP_DONTUNMAP with a new length, the new
 *            range overlapping the old one
 *   -ENOMEM  with MREMAP_FIXED or MREMAP_DONTUNMAP: the process has
 *            vm.max_map_count - 5 VMAs or more (the unmaps at both places
 *            may split one each)
 *   -EFAULT  no VMA at addr (MREMAP_FIXED with equal lengths: no VMA at
 *            addr, or none in the range)
 *   -EINVAL  a hugetlb VMA: addr or new_addr off a huge page, or new_len
 *            (both rounded up to huge pages) above old_len
 *   -EINVAL  growing or moving: old_len 0 on a private mapping;
 *            MREMAP_DONTUNMAP of a VM_DONTEXPAND or VM_PFNMAP VMA (the vDSO)
 *   -EFAULT  growing or moving: the old range (to new_len for a shrink)
 *            runs past its VMA
 *   -EINVAL  growing: the page offset would wrap
 *   -EFAULT  growing a VM_DONTEXPAND or VM_PFNMAP VMA
 *   -EAGAIN  growing locked memory past RLIMIT_MEMLOCK without
 *            CAP_IPC_LOCK
 * then from the steps: -EINVAL when a shrink's tail passes TASK_SIZE (an
 * old_len that wraps, as munmap refuses it); -ENOMEM when an unmap would
 * pass vm.max_map_count, growing in place is impossible without
 * MREMAP_MAYMOVE, no free range fits, a move starts with vm.max_map_count
 * - 3 VMAs or more, the overcommit policy refuses the charge, or memory
 * runs out; -EINVAL when a move would split a special mapping ([vdso],
 * [vvar]); -EPERM when MREMAP_FIXED's address is below vm.mmap_min_addr.
 * Faulting in a locked growth is not an error of the call (as Linux's
 * mm_populate, it is done after the call succeeded).
 * After an error: a target range that MREMAP_FIXED unmapped, and a tail
 * that a shrink unmapped, stay unmapped; a move of several VMAs keeps the
 * VMAs it moved before the error; a move that runs out of page-table
 * memory moves the entries back and unmaps the new VMA. As on Linux, a
 * shrink that moves (MREMAP_FIXED) charges the shrunk length again, and a
 * failed page-table move leaves its charge.
 */
int64_t do_mremap(struct kernel *k, struct task_struct *t, uint64_t addr, uint64_t old_len,
	       uint64_t new_len, unsigned long flags, uint64_t new_addr)
{
	struct vma_remap_struct vrm = {
		.k = k, .t = t, .addr = addr, .old_len = PAGE_ALIGN(old_len),
		.new_len = PAGE_ALIGN(new_len), .flags = flags, .new_addr = new_addr,
		.remap_type = MREMAP_INVALID,
	};
	int64_t res = check_mremap_params(&vrm);

	if (res)
		return res;
	if (vrm_move_only(&vrm)) {
		res = remap_move(&vrm);
	} else {
		vrm.vma = vma_lookup(t->mm, vrm.addr);
		res = check_prep_vma(&vrm);
		if (!res)
			res = vrm_implies_new_addr(&vrm) ? mremap_to(&vrm) : mremap_at(&vrm);
	}
	if (res >= 0 && vrm.populate_expand)
		__mm_populate(k, t, vrm.new_addr + vrm.old_len, vrm.new_addr + vrm.old_len + vrm.delta);
	return res;
}
