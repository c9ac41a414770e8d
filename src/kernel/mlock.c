/*
 * kernel/mlock.c — mlock, mlock2, munlock, mlockall, munlockall (Linux:
 * mm/mlock.c). A locked VMA is VM_LOCKED (and VM_LOCKONFAULT for pages
 * locked only as they are faulted in); its mapped pages are PG_mlocked,
 * counted in Mlocked, and on the unevictable LRU list, which reclaim never
 * scans (counted in Unevictable).
 */
#include "kernel/mman.h"

#include "kernel/kernel.h"
#include "kernel/memcontrol.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/sched.h"

#include <errno.h>


/* Move an mlocked page on the LRU to the unevictable list, or an
 * unevictable one whose lock is gone back (Linux: __mlock_folio, the
 * mlock batch's function). A page off the LRU is left to whoever has it. */
static void __mlock_folio(struct kernel *k, struct page *page)
{
	if (!page_test(page, PG_lru))
		return;
	if (folio_evictable(page)) {
		if (page_test(page, PG_unevictable)) {
			folio_lru_move(k, page, 0, 1u << PG_unevictable);
			k->vm_events[UNEVICTABLE_PGRESCUED]++;
		}
		return;
	}
	if (page_test(page, PG_unevictable))
		return;
	folio_lru_move(k, page, 1u << PG_unevictable, 1u << PG_active);
	k->vm_events[UNEVICTABLE_PGCULLED]++;
}

/* See memory.h. Linux counts a page's locks in mlock_count; the simulator
 * keeps the flag, and reclaim finds a page still mapped by a locked VMA
 * and locks it again, as Linux's folio_referenced does. */
void mlock_folio(struct kernel *k, struct page *page)
{
	if (!page_test(page, PG_mlocked)) {
		page_set(page, PG_mlocked);
		mod_zone_page_state(page_zone(k, page), NR_MLOCK, 1);
		k->vm_events[UNEVICTABLE_PGMLOCKED]++;
	}
	__mlock_folio(k, page);
}

/* See swap.h. */
void mlock_new_folio(struct kernel *k, struct page *page)
{
	page_set(page, PG_mlocked);
	mod_zone_page_state(page_zone(k, page), NR_MLOCK, 1);
	k->vm_events[UNEVICTABLE_PGMLOCKED]++;
	page_set(page, PG_unevictable);                 /* __mlock_new_folio */
	k->vm_events[UNEVICTABLE_PGCULLED]++;
	lruvec_add_folio(k, folio_lruvec(k, page), page);
	page_set(page, PG_lru);
}

/* See memory.h. A page on the LRU is rescued to its evictable list; one
 * off it (isolated by reclaim) finds its list when it is put back, and a
 * lock that ends while the page sits unevictable but off the LRU counts
 * as stranded (Linux: __munlock_folio). */
void munlock_folio(struct kernel *k, struct page *page)
{
	bool on_lru = page_test(page, PG_lru);

	if (page_test(page, PG_mlocked)) {
		page_clear(page, PG_mlocked);
		mod_zone_page_state(page_zone(k, page), NR_MLOCK, -1);
		if (on_lru || !page_test(page, PG_unevictable))
			k->vm_events[UNEVICTABLE_PGMUNLOCKED]++;
		else
			k->vm_events[UNEVICTABLE_PGSTRANDED]++;
	}
	if (on_lru && page_test(page, PG_unevictable) && folio_evictable(page)) {
		folio_lru_move(k, page, 0, 1u << PG_unevictable);
		k->vm_events[UNEVICTABLE_PGRESCUED]++;
	}
}

struct mlock_walk {
	struct kernel *k;
	bool lock;
};

static int mlock_pte(pte_t *pte, uint64_t addr, void *arg)
{
	struct mlock_walk *w = arg;
	struct page *page = pte_present(*pte) ? vm_normal_page(w->k, *pte) : NULL;
	(void)addr;
	if (page) {
		if (w->lock)
			mlock_folio(w->k, page);
		else
			munlock_folio(w->k, page);
	}
	return 0;
}

/* Give [start, end) of vma newflags: split or merge as needed, account
 * locked_vm, and (un)lock the pages already mapped (Linux: mlock_fixup). */
static int mlock_fixup(struct kernel *k, struct vm_area_struct *vma, uint64_t start, uint64_t end,
		       uint64_t newflags)
{
	uint64_t oldflags = vma->vm_flags;
	int err;

	if (newflags == oldflags || (oldflags & VM_SPECIAL) || vma->vm_name)
		return 0;
	vma = vma_modify(k, vma, start, end, newflags, vma->anon_name, &err);
	if (!vma)
		return err;
	int64_t n = (int64_t)((end - start) >> PAGE_SHIFT);
	if (!(newflags & VM_LOCKED))
		n = -n;
	else if (oldflags & VM_LOCKED)
		n = 0;
	vma->vm_mm->locked_vm += (uint64_t)n;
	vm_flags_reset(vma, newflags);
	if (!((newflags & VM_LOCKED) && (oldflags & VM_LOCKED))) {
		struct mlock_walk w = { k, newflags & VM_LOCKED };
		walk_page_range_pmd(k, vma->vm_mm, start, end, mlock_pte, walk_pmd_skip, &w);
	}
	return 0;
}

/* Set the lock flags of every VMA of [start, start + len) (Linux:
 * apply_vma_lock_flags). -ENOMEM when the range has a hole. */
static int apply_vma_lock_flags(struct kernel *k, struct mm_struct *mm, uint64_t start, uint64_t len,
				uint64_t flags)
{
	uint64_t end = start + len, nstart = start;

	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	struct vm_area_struct *vma = vma_lookup(mm, start);
	if (!vma)
		return -ENOMEM;
	while (nstart < end) {
		vma = find_vma(mm, nstart);
		if (!vma || vma->vm_start > nstart)
			return -ENOMEM;
		uint64_t tmp = vma->vm_end < end ? vma->vm_end : end;
		int err = mlock_fixup(k, vma, nstart, tmp, (vma->vm_flags & ~VM_LOCKED_MASK) | flags);
		if (err)
			return err;
		nstart = tmp;
	}
	return 0;
}

/* Pages of [start, start + len) already counted in locked_vm. */
static uint64_t count_mm_mlocked_page_nr(struct mm_struct *mm, uint64_t start, uint64_t len)
{
	uint64_t end = start + len, n = 0;
	for (struct vm_area_struct *v = find_vma(mm, start); v && v->vm_start < end; v = v->vm_next)
		if (v->vm_flags & VM_LOCKED) {
			uint64_t s = v->vm_start > start ? v->vm_start : start;
			uint64_t e = v->vm_end < end ? v->vm_end : end;
			n += (e - s) >> PAGE_SHIFT;
		}
	return n;
}

/*
 * mlock(start, len) and mlock2(start, len, flags) for task t (Linux:
 * do_mlock, which both system calls call).
 *
 * Locks [start, start + len) in memory: the range is widened to whole
 * pages (start rounded down, the end up), its VMAs become VM_LOCKED
 * (splitting and merging as mprotect does), their mapped pages are
 * counted in Mlocked and Unevictable, locked_vm grows, and the pages not
 * yet mapped are faulted in; with MLOCK_ONFAULT (VM_LOCKONFAULT) they are
 * locked only as they are faulted in later. Pages already locked do not
 * count twice against RLIMIT_MEMLOCK. Returns 0, or:
 *   -EINVAL  a flag other than MLOCK_ONFAULT; start + len wraps
 *   -EPERM   RLIMIT_MEMLOCK is 0 without CAP_IPC_LOCK
 *   -ENOMEM  the locked pages would pass RLIMIT_MEMLOCK without
 *            CAP_IPC_LOCK; part of the range is not mapped; a split at
 *            vm.max_map_count or without memory; a fault that fails while
 *            faulting the pages in (a guard page: MADV_GUARD_INSTALL)
 *   -EAGAIN  no memory to fault the pages in
 * After an error the VMAs before the failing one (or all of them, when
 * faulting in failed) stay locked, as on Linux.
 */
long do_mlock(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t len, unsigned flags)
{
	struct mm_struct *mm = t->mm;
	uint64_t limit = t->rlimit_memlock >> PAGE_SHIFT;

	if (flags & ~MLOCK_ONFAULT)
		return -EINVAL;
	if (!limit && !t->cap_ipc_lock)
		return -EPERM;
	len = PAGE_ALIGN(len + offset_in_page(start));
	start &= PAGE_MASK;
	uint64_t locked = (len >> PAGE_SHIFT) + mm->locked_vm;
	if (locked > limit && !t->cap_ipc_lock)
		locked -= count_mm_mlocked_page_nr(mm, start, len);
	if (locked > limit && !t->cap_ipc_lock)
		return -ENOMEM;
	int err = apply_vma_lock_flags(k, mm, start, len,
				       VM_LOCKED | (flags & MLOCK_ONFAULT ? VM_LOCKONFAULT : 0));
	if (err)
		return err;
	err = __mm_populate(k, t, start, start + len);
	return err == -EFAULT ? -ENOMEM : err == -ENOMEM ? -EAGAIN : err;
}

/*
 * munlock(start, len) for task t (Linux: SYSCALL_DEFINE2(munlock) in
 * mm/mlock.c, around apply_vma_lock_flags).
 *
 * Unlocks [start, start + len), widened to whole pages: its VMAs lose
 * VM_LOCKED and VM_LOCKONFAULT (splitting and merging), their pages leave
 * Mlocked and Unevictable, locked_vm shrinks. Returns 0, or:
 *   -EINVAL  start + len wraps
 *   -ENOMEM  part of the range is not mapped; a split at vm.max_map_count
 *            or without memory
 * After an error the VMAs before the failing one stay unlocked.
 */
long sys_munlock(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t len)
{
	len = PAGE_ALIGN(len + offset_in_page(start));
	start &= PAGE_MASK;
	return apply_vma_lock_flags(k, t->mm, start, len, 0);
}

/* Apply MCL_* to every VMA and to future ones (Linux: apply_mlockall_flags). */
static int apply_mlockall_flags(struct kernel *k, struct mm_struct *mm, int flags)
{
	uint64_t to_add = 0;

	mm->def_flags &= ~VM_LOCKED_MASK;
	if (flags & MCL_FUTURE) {
		mm->def_flags |= VM_LOCKED | (flags & MCL_ONFAULT ? VM_LOCKONFAULT : 0);
		if (!(flags & MCL_CURRENT))
			return 0;
	}
	if (flags & MCL_CURRENT)
		to_add = VM_LOCKED | (flags & MCL_ONFAULT ? VM_LOCKONFAULT : 0);
	for (struct vm_area_struct *v = mm->mmap, *next; v; v = next) {
		next = v->vm_next;
		uint64_t start = v->vm_start, end = v->vm_end;
		mlock_fixup(k, v, start, end, (v->vm_flags & ~VM_LOCKED_MASK) | to_add);
		next = find_vma(mm, end);
	}
	return 0;
}

/*
 * mlockall(flags) for task t (Linux: SYSCALL_DEFINE1(mlockall) in
 * mm/mlock.c, around apply_mlockall_flags).
 *
 * MCL_CURRENT locks every VMA and faults their pages in (those of VMAs that
 * cannot be locked, such as [vdso], too); MCL_FUTURE makes every later
 * mapping locked (mm->def_flags); MCL_ONFAULT with either locks pages only
 * as they are faulted in. Returns 0, or:
 *   -EINVAL  flags 0, an unknown flag, or MCL_ONFAULT alone
 *   -EPERM   RLIMIT_MEMLOCK is 0 without CAP_IPC_LOCK
 *   -ENOMEM  MCL_CURRENT while the address space (total_vm) is larger than
 *            RLIMIT_MEMLOCK, without CAP_IPC_LOCK
 * A VMA that cannot be split or merged (vm.max_map_count, no memory) is
 * left as it was, and one whose pages cannot be faulted in (PROT_NONE, no
 * memory) is skipped for the next, without an error, as Linux ignores both
 * (mm_populate).
 */
long sys_mlockall(struct kernel *k, struct task_struct *t, int flags)
{
	struct mm_struct *mm = t->mm;
	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
		return -EINVAL;
	if (!t->rlimit_memlock && !t->cap_ipc_lock)
		return -EPERM;
	if ((flags & MCL_CURRENT) && mm->total_vm > (t->rlimit_memlock >> PAGE_SHIFT) && !t->cap_ipc_lock)
		return -ENOMEM;
	apply_mlockall_flags(k, mm, flags);
	if (flags & MCL_CURRENT)
		mm_populate(k, t, 0, mm->task_size);
	return 0;
}

/*
 * munlockall() for task t (Linux: SYSCALL_DEFINE0(munlockall) in
 * mm/mlock.c): unlocks every VMA and clears MCL_FUTURE. Always 0; a VMA that
 * cannot be split or merged stays locked, as Linux ignores the error.
 */
long sys_munlockall(struct kernel *k, struct task_struct *t)
{
	return apply_mlockall_flags(k, t->mm, 0);
}
