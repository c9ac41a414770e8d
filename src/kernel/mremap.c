/*
 * kernel/mremap.c — mremap (Linux: mm/mremap.c). Shrinking unmaps the tail;
 * growing extends the VMA in place when the space after it is free; else,
 * with MREMAP_MAYMOVE, a new VMA is made elsewhere and the page-table entries
 * are moved to it, pages and all (nothing is copied), keeping the VMA's
 * pgoff so the pages' reverse map still finds them.
 */
#include "kernel/mman.h"

#include "kernel/kernel.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/rmap.h"
#include "kernel/sched.h"
#include "kernel/tlbflush.h"
#include "kernel/trace.h"

#include <errno.h>


/* Check that [addr, addr + old_len) of vma may become new_len long (Linux:
 * vma_to_resize). 0 or a negative errno. */
static int remap_is_valid(struct task_struct *t, struct vm_area_struct *vma, uint64_t addr,
			uint64_t old_len, uint64_t new_len)
{
	if (old_len > vma->vm_end - addr)
		return -EFAULT;
	if (new_len == old_len)
		return 0;
	uint64_t pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	if (pgoff + (new_len >> PAGE_SHIFT) < pgoff)
		return -EINVAL;
	if (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP))
		return -EFAULT;
	if ((vma->vm_flags & VM_LOCKED) && new_len > old_len && !t->cap_ipc_lock &&
	    ((t->mm->locked_vm << PAGE_SHIFT) + new_len - old_len) > t->rlimit_memlock)
		return -EAGAIN;
	return 0;
}

/* Can vma grow by delta in place? (Linux: vma_expandable) */
static bool vma_expandable(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t delta)
{
	uint64_t end = vma->vm_end + delta;
	return end > vma->vm_end && end <= mm->task_size && !find_vma_intersection(mm, vma->vm_end, end);
}

/* Move each entry of [old, old + len) to the same offset in new_vma at
 * new_addr, then flush the old range (Linux: move_page_tables). */
static int move_page_tables(struct kernel *k, struct vm_area_struct *vma, uint64_t old,
			    struct vm_area_struct *new_vma, uint64_t new_addr, uint64_t len)
{
	struct mm_struct *mm = vma->vm_mm;
	uint64_t moved = 0;
	int err = 0;

	for (uint64_t off = 0; off < len && !err; off += PAGE_SIZE) {
		pte_t *src = pte_walk(k, mm, old + off, false, &err);
		if (!src || !*src)
			continue;
		pte_t *dst = pte_walk(k, new_vma->vm_mm, new_addr + off, true, &err);
		if (!dst)
			break;
		*dst = *src;
		*src = 0;
		moved++;
	}
	trace_kernel(k, k->this_cpu, "%llu PTEs moved from %#llx to %#llx",
		     (unsigned long long)moved, (unsigned long long)old, (unsigned long long)new_addr);
	flush_tlb_mm_range(k, mm, old, old + len, PAGE_SHIFT, false);
	return err;
}

/* Move [old, old + old_len) of vma to new_addr as a new_len-long mapping
 * (Linux: move_vma). Returns new_addr or a negative errno. */
static long move_vma(struct kernel *k, struct task_struct *t, struct vm_area_struct *vma, uint64_t old,
		     uint64_t old_len, uint64_t new_len, uint64_t new_addr, unsigned long flags)
{
	struct mm_struct *mm = t->mm;
	uint64_t vm_flags = vma->vm_flags;

	if (mm->map_count >= k->sysctl.max_map_count - 3)
		return -ENOMEM;
	uint64_t pgoff = vma->vm_pgoff + ((old - vma->vm_start) >> PAGE_SHIFT);
	struct vm_area_struct *new_vma = copy_vma(k, vma, new_addr, new_len, pgoff);
	if (!new_vma)
		return -ENOMEM;
	vma = find_vma(mm, old);                /* copy_vma may have split nothing, but relink */
	if (move_page_tables(k, vma, old, new_vma, new_addr, old_len))
		return -ENOMEM;
	/* total_vm counts both ranges until the old one is unmapped: keep that
	 * moment out of VmPeak, as Linux's move_vma does. */
	uint64_t hiwater_vm = mm->hiwater_vm;
	vm_stat_account(mm, vm_flags, (int64_t)(new_len >> PAGE_SHIFT));
	if (vm_flags & VM_ACCOUNT)
		k->vm_committed_as += new_len >> PAGE_SHIFT;
	if (flags & MREMAP_DONTUNMAP) {
		/* Linux 6.18 dontunmap_complete: only the locks go; the old
		 * range stays mapped and charged (VM_ACCOUNT stays). */
		int err;
		struct vm_area_struct *o = vma_modify(k, vma, old, old + old_len, vm_flags & ~VM_LOCKED_MASK,
						      vma->anon_name, &err);
		if (o)
			o->vm_flags = vm_flags & ~VM_LOCKED_MASK;
		return (long)new_addr;
	}
	do_vmi_align_munmap(k, mm, old, old + old_len);
	mm->hiwater_vm = hiwater_vm;
	if (vm_flags & VM_LOCKED)
		mm->locked_vm += new_len >> PAGE_SHIFT;
	return (long)new_addr;
}

/* mremap with MREMAP_FIXED or MREMAP_DONTUNMAP (Linux: mremap_to). */
static long mremap_to(struct kernel *k, struct task_struct *t, uint64_t addr, uint64_t old_len,
		      uint64_t new_addr, uint64_t new_len, unsigned long flags)
{
	struct mm_struct *mm = t->mm;
	int err;

	if (offset_in_page(new_addr))
		return -EINVAL;
	if (new_len > mm->task_size || new_addr > mm->task_size - new_len)
		return -EINVAL;
	if (addr + old_len > new_addr && new_addr + new_len > addr)
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && (err = do_vmi_align_munmap(k, mm, new_addr, new_addr + new_len)))
		return err;
	if (old_len > new_len) {
		if ((err = do_vmi_align_munmap(k, mm, addr + new_len, addr + old_len)))
			return err;
		old_len = new_len;
	}
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	if (!vma)
		return -EFAULT;
	if ((err = remap_is_valid(t, vma, addr, old_len, new_len)))
		return err;
	if (!(flags & MREMAP_FIXED)) {
		long a = get_unmapped_area(k, t, new_addr, new_len, vma->vm_flags & VM_MAYSHARE);
		if (a < 0)
			return a;
		new_addr = (uint64_t)a;
	}
	return move_vma(k, t, vma, addr, old_len, new_len, new_addr, flags);
}

/*
 * mremap(addr, old_len, new_len, flags, new_addr) for task t (Linux:
 * do_mremap, which the system call calls since 6.16).
 *
 * Resizes or moves the mapping [addr, addr + old_len), both lengths rounded
 * up to whole pages, which must lie in one VMA. Shrinking unmaps the tail.
 * Growing extends the VMA in place when the space after it is free, else,
 * with MREMAP_MAYMOVE, moves it: a new VMA elsewhere gets the page-table
 * entries, pages and all. MREMAP_FIXED moves it to new_addr (unmapping
 * what was there); MREMAP_DONTUNMAP moves it and leaves the old range
 * mapped, empty. old_len 0 with a shared mapping makes a second mapping of
 * the same pages. Grown locked memory is faulted in; the growth is charged
 * to Committed_AS for accounted memory.
 *
 * Returns the mapping's (new) address, or:
 *   -EINVAL  an unknown flag; MREMAP_FIXED without MREMAP_MAYMOVE;
 *            MREMAP_DONTUNMAP without MREMAP_MAYMOVE or with a new length;
 *            addr or new_addr not page-aligned; new_len 0; old_len 0 on a
 *            private mapping; the new range past TASK_SIZE or overlapping
 *            the old one; the page offset would wrap
 *   -EFAULT  no VMA at addr; the old range runs past its VMA (Linux 6.17+
 *            may move a range of several VMAs; the simulator does not);
 *            growing a VM_DONTEXPAND or VM_PFNMAP VMA (the vDSO)
 *   -EAGAIN  growing locked memory past RLIMIT_MEMLOCK without
 *            CAP_IPC_LOCK
 *   -ENOMEM  cannot grow in place without MREMAP_MAYMOVE; no free range;
 *            vm.max_map_count (a move needs room for up to 3 more VMAs);
 *            an unmap that would pass it; no memory
 * After an error: a target range that MREMAP_FIXED unmapped, and a tail
 * that a shrink to new_len unmapped, stay unmapped; a move that runs out
 * of memory while moving entries leaves the entries moved so far in the
 * new VMA (Linux moves them back).
 */
long do_mremap(struct kernel *k, struct task_struct *t, uint64_t addr, uint64_t old_len,
	       uint64_t new_len, unsigned long flags, uint64_t new_addr)
{
	struct mm_struct *mm = t->mm;
	int err;

	if (flags & ~(unsigned long)(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if ((flags & MREMAP_DONTUNMAP) && (!(flags & MREMAP_MAYMOVE) || old_len != new_len))
		return -EINVAL;
	if (offset_in_page(addr))
		return -EINVAL;
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	if (!new_len)
		return -EINVAL;
	struct vm_area_struct *vma = vma_lookup(mm, addr);
	if (!vma)
		return -EFAULT;
	if (!old_len && !(vma->vm_flags & (VM_SHARED | VM_MAYSHARE)))
		return -EINVAL;              /* only shared memory may be duplicated so */
	if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP))
		return mremap_to(k, t, addr, old_len, new_addr, new_len, flags);
	if (old_len >= new_len) {
		if (old_len > new_len && (err = do_vmi_align_munmap(k, mm, addr + new_len, addr + old_len)))
			return err;
		return (long)addr;
	}
	if ((err = remap_is_valid(t, vma, addr, old_len, new_len)))
		return err;
	uint64_t delta = new_len - old_len;
	if (old_len == vma->vm_end - addr && vma_expandable(mm, vma, delta)) {
		uint64_t pages = delta >> PAGE_SHIFT;
		/* Linux: vma_merge_extend, which fails for VM_SPECIAL VMAs */
		if (!vma_merge_new_range(k, mm, vma->vm_end, vma->vm_end + delta, vma->vm_flags,
					 vma->vm_file, vma->vm_pgoff + vma_pages(vma), vma->anon_vma))
			return -ENOMEM;
		if (vma->vm_flags & VM_ACCOUNT)
			k->vm_committed_as += pages;
		vm_stat_account(mm, vma->vm_flags, (int64_t)pages);
		if (vma->vm_flags & VM_LOCKED) {
			mm->locked_vm += pages;
			__mm_populate(k, t, addr + old_len, addr + new_len);
		}
		return (long)addr;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	long a = get_unmapped_area(k, t, 0, new_len, vma->vm_flags & VM_MAYSHARE);
	if (a < 0)
		return a;
	return move_vma(k, t, vma, addr, old_len, new_len, (uint64_t)a, flags);
}
