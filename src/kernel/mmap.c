/*
 * kernel/mmap.c — mmap, munmap and brk, the placement of new mappings, and
 * whole address spaces copied (fork) and torn down (exit), as Linux's
 * mm/mmap.c has them (with the layout of arch/x86/mm/mmap.c and the
 * placement of arch/x86/kernel/sys_x86_64.c). What they do to ranges of
 * VMAs is in kernel/vma.c, as in Linux's mm/vma.c.
 *
 * Placement is Linux's top-down search: the highest hole below mmap_base
 * that fits, keeping the stack guard gap below a growing stack; an
 * anonymous mapping whose length is a multiple of 2 MiB is aligned to 2 MiB
 * by asking for 2 MiB more and keeping the top (thp_get_unmapped_area).
 */
#include "kernel/mman.h"

#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/rmap.h"
#include "kernel/sched.h"
#include "kernel/tlbflush.h"
#include "kernel/trace.h"

#include <errno.h>
#include <string.h>

#define PMD_SIZE (1ULL << 21)
#define SIZE_128M (128ULL << 20)

/* See mman.h. */
uint64_t vm_start_gap(const struct vm_area_struct *vma)
{
	uint64_t start = vma->vm_start;
	if (vma->vm_flags & VM_GROWSDOWN) {
		start -= STACK_GUARD_GAP;
		if (start > vma->vm_start)
			start = 0;
	}
	return start;
}

/* See mman.h. */
void vm_stat_account(struct mm_struct *mm, uint64_t flags, int64_t npages)
{
	mm->total_vm += (uint64_t)npages;
	if ((flags & (VM_EXEC | VM_WRITE | VM_GROWSDOWN)) == VM_EXEC)
		mm->exec_vm += (uint64_t)npages;
	else if (flags & VM_GROWSDOWN)
		mm->stack_vm += (uint64_t)npages;
	else if ((flags & (VM_WRITE | VM_SHARED | VM_GROWSDOWN)) == VM_WRITE)
		mm->data_vm += (uint64_t)npages;
}

/* See mman.h. mmap_base sits below the stack's reserve: RLIMIT_STACK plus
 * the guard gap (plus the stack's random range), at least 128 MiB, at most
 * 5/6 of the space, lowered by a random page count of 28 bits. */
void arch_pick_mmap_layout(struct kernel *k, struct mm_struct *mm, struct task_struct *task)
{
	uint64_t task_size = DEFAULT_MAP_WINDOW;
	uint64_t rnd = 0, gap = task->rlimit_stack, pad = STACK_GUARD_GAP;

	if (k->sysctl.randomize_va_space) {
		rnd = (get_random_u64(k) & ((1ULL << 28) - 1)) << PAGE_SHIFT;
		pad += 0x3fffffULL << PAGE_SHIFT;          /* stack_maxrandom_size */
	}
	if (gap + pad > gap)
		gap += pad;
	if (gap < SIZE_128M)
		gap = SIZE_128M;
	else if (gap > task_size / 6 * 5)
		gap = task_size / 6 * 5;
	mm->mmap_base = PAGE_ALIGN(task_size - gap - rnd);
	mm->mmap_legacy_base = PAGE_ALIGN(task_size / 3) + rnd;
	mm->task_size = k->paging_levels == 5 ? (1ULL << 56) - PAGE_SIZE : DEFAULT_MAP_WINDOW;
	mm->flags |= MMF_TOPDOWN;
}

/* MAP_32BIT: bottom-up in the second gigabyte, where code of the small
 * model can reach it (Linux: find_start_end and the bottom-up
 * arch_get_unmapped_area); with randomisation the start moves by up to
 * 32 MiB. The hint counts when it fits there. -ENOMEM when nothing does. */
static int64_t get_unmapped_area_32bit(struct kernel *k, struct mm_struct *mm, uint64_t addr,
				       uint64_t len)
{
	uint64_t begin = 0x40000000, end = 0x80000000, a;

	if (k->sysctl.randomize_va_space)
		begin += (get_random_u64(k) % (0x02000000 >> PAGE_SHIFT)) << PAGE_SHIFT;
	if (len > end)
		return -ENOMEM;
	if (addr) {
		addr = PAGE_ALIGN(addr);
		struct vm_area_struct *vma = find_vma(mm, addr);
		if (end - len >= addr && (!vma || addr + len <= vm_start_gap(vma)))
			return (int64_t)addr;
	}
	if ((a = unmapped_area(k, mm, len, begin, end)))
		return (int64_t)a;
	return -ENOMEM;
}

/* x86's choice of an address for len bytes with hint addr (Linux:
 * arch_get_unmapped_area_topdown): the hint if it is free, else top-down
 * below mmap_base (the whole space for a hint above 47 bits), else
 * bottom-up; MAP_32BIT searches the second gigabyte. -ENOMEM when nothing
 * fits. */
static int64_t arch_get_unmapped_area_topdown(struct kernel *k, struct mm_struct *mm, uint64_t addr,
				      uint64_t len, unsigned long flags)
{
	uint64_t high = mm->mmap_base, a;

	if (len > mm->task_size)
		return -ENOMEM;
	if (flags & MAP_32BIT)
		return get_unmapped_area_32bit(k, mm, addr, len);
	if (addr) {
		addr &= PAGE_MASK;
		bool valid = mm->task_size - len >= addr &&
			     (addr > DEFAULT_MAP_WINDOW) == (addr + len > DEFAULT_MAP_WINDOW);
		struct vm_area_struct *vma = valid ? find_vma(mm, addr) : NULL;
		if (valid && (!vma || addr + len <= vm_start_gap(vma)))
			return (int64_t)addr;
		if (addr > DEFAULT_MAP_WINDOW && k->paging_levels == 5)
			high += mm->task_size - DEFAULT_MAP_WINDOW;
	}
	if ((a = unmapped_area_topdown(k, mm, len, PAGE_SIZE, high)))
		return (int64_t)a;
	uint64_t end = addr > DEFAULT_MAP_WINDOW ? mm->task_size : DEFAULT_MAP_WINDOW;
	if ((a = unmapped_area(k, mm, len, mm->mmap_legacy_base, end)))
		return (int64_t)a;
	return -ENOMEM;
}

/* Where a new mapping goes (Linux: __get_unmapped_area): MAP_FIXED's
 * address, or a free area, 2 MiB-aligned for private anonymous lengths that
 * are multiples of 2 MiB; checked against TASK_SIZE and vm.mmap_min_addr. */
static int64_t __get_unmapped_area(struct kernel *k, struct task_struct *t, uint64_t addr,
				 uint64_t len, unsigned long flags, bool anon_private)
{
	struct mm_struct *mm = t->mm;
	int64_t a;

	if (len > mm->task_size)
		return -ENOMEM;
	if (flags & MAP_FIXED) {
		a = (int64_t)addr;
	} else if (anon_private && !addr && !(len & (PMD_SIZE - 1))) {
		/* thp_get_unmapped_area: pad, then keep an aligned top */
		a = arch_get_unmapped_area_topdown(k, mm, 0, len + PMD_SIZE, flags);
		if (a >= 0) {
			uint64_t off_sub = (0 - (uint64_t)a) & (PMD_SIZE - 1);
			a = off_sub ? a + (int64_t)off_sub : a + (int64_t)PMD_SIZE;
		} else {
			a = arch_get_unmapped_area_topdown(k, mm, 0, len, flags);
		}
	} else {
		a = arch_get_unmapped_area_topdown(k, mm, addr, len, flags);
	}
	if (a < 0)
		return a;
	if ((uint64_t)a > mm->task_size - len)
		return -ENOMEM;
	if (offset_in_page((uint64_t)a))
		return -EINVAL;
	if ((uint64_t)a < (uint64_t)k->sysctl.mmap_min_addr && !t->cap_sys_rawio)
		return -EPERM;
	return a;
}

/* VM flags from PROT_ and MAP_ bits (Linux: calc_vm_prot_bits and
 * calc_vm_flag_bits; MAP_STACK means VM_NOHUGEPAGE since 6.7). */
static uint64_t calc_vm_flags(unsigned long prot, unsigned long flags)
{
	uint64_t f = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	f |= (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	     (prot & PROT_EXEC ? VM_EXEC : 0);
	f |= (flags & MAP_GROWSDOWN ? VM_GROWSDOWN : 0) | (flags & MAP_LOCKED ? VM_LOCKED : 0) |
	     (flags & MAP_STACK ? VM_NOHUGEPAGE : 0);
	return f;
}

/* The argument checks of mmap that do not depend on the address space, in
 * Linux's order (measured on 6.18): unaligned offset, bad descriptor (every
 * descriptor is bad until files exist), zero length, an anonymous mapping
 * neither MAP_SHARED nor MAP_PRIVATE, a shared one that grows down, then
 * MAP_HUGETLB with no huge pages reserved. */
static long check_mmap_args(uint64_t len, unsigned long flags, uint64_t off)
{
	unsigned type = flags & MAP_TYPE;
	if (offset_in_page(off))
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS))
		return -EBADF;
	if (!len)
		return -EINVAL;
	if (type != MAP_SHARED && type != MAP_PRIVATE)
		return -EINVAL;
	if (type == MAP_SHARED && (flags & MAP_GROWSDOWN))
		return -EINVAL;
	if (flags & MAP_HUGETLB)
		return -ENOMEM;
	return 0;
}

/* Map len bytes with prot and flags at (or near) addr, pgoff the offset in
 * pages (Linux: do_mmap): the checks that depend on the address space, the
 * placement, then mmap_region. Returns the address, with *populate set to
 * the bytes to fault in (MAP_POPULATE without MAP_NONBLOCK, or locked
 * memory) or 0; or a negative errno, as sys_mmap lists. */
static long do_mmap(struct kernel *k, struct task_struct *t, uint64_t addr, uint64_t len, unsigned long prot,
		    unsigned long flags, uint64_t pgoff, uint64_t *populate)
{
	struct mm_struct *mm = t->mm;

	*populate = 0;
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if (!(flags & MAP_FIXED) && addr && addr < (uint64_t)k->sysctl.mmap_min_addr && !t->cap_sys_rawio)
		addr = PAGE_ALIGN((uint64_t)k->sysctl.mmap_min_addr);          /* round_hint_to_min */
	len = PAGE_ALIGN(len);
	if (!len)
		return -ENOMEM;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	if (mm->map_count > k->sysctl.max_map_count)
		return -ENOMEM;
	bool shared = (flags & MAP_TYPE) != MAP_PRIVATE;
	int64_t a = __get_unmapped_area(k, t, addr, len, flags, !shared);
	if (a < 0)
		return (long)a;
	if ((flags & MAP_FIXED_NOREPLACE) && find_vma_intersection(mm, (uint64_t)a, (uint64_t)a + len))
		return -EEXIST;
	uint64_t vm_flags = calc_vm_flags(prot, flags) | mm->def_flags;
	if ((vm_flags & VM_LOCKED) &&
	    ((mm->locked_vm << PAGE_SHIFT) + len > t->rlimit_memlock && !t->cap_ipc_lock))
		return -EAGAIN;
	if (shared)
		vm_flags |= VM_SHARED | VM_MAYSHARE;
	if ((flags & MAP_NORESERVE) && k->sysctl.overcommit_memory != 2)
		vm_flags |= VM_NORESERVE;
	long r = mmap_region(k, t, (uint64_t)a, len, vm_flags, shared ? 0 : (uint64_t)a >> PAGE_SHIFT,
			     shared);
	if (r >= 0 && ((vm_flags & VM_LOCKED) || (flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE))
		*populate = len;
	return r;
}

/*
 * mmap(addr, len, prot, flags, fd, off) for task t (Linux: the x86-64
 * system call, ksys_mmap_pgoff and vm_mmap_pgoff, around do_mmap).
 *
 * Maps len bytes, rounded up to whole pages, of anonymous memory: private
 * (MAP_PRIVATE) or shared with forked children (MAP_SHARED, a new shmem
 * object). addr is a hint, rounded up to vm.mmap_min_addr without
 * CAP_SYS_RAWIO and used when the range there is free (else the top-down
 * search below mmap_base places the mapping; a private length that is a
 * multiple of 2 MiB is placed 2 MiB-aligned); with MAP_FIXED it is the
 * address, and whatever was mapped there is unmapped first; with
 * MAP_FIXED_NOREPLACE it is the address if nothing is mapped there. prot
 * gives VM_READ/WRITE/EXEC; MAP_GROWSDOWN, MAP_LOCKED, MAP_NORESERVE,
 * MAP_STACK (VM_NOHUGEPAGE) and MAP_POPULATE are honoured, the other
 * legacy flags ignored; fd is ignored, as Linux ignores it for anonymous
 * memory. A locked (MAP_LOCKED, or mlockall(MCL_FUTURE)) or MAP_POPULATE
 * mapping is faulted in before the call returns, as far as memory allows.
 *
 * Returns the address, or:
 *   -EINVAL  off not page-aligned; len 0; MAP_TYPE neither MAP_SHARED nor
 *            MAP_PRIVATE (MAP_SHARED_VALIDATE and MAP_DROPPABLE included);
 *            MAP_SHARED with MAP_GROWSDOWN; MAP_FIXED with an unaligned
 *            addr
 *   -EBADF   no MAP_ANONYMOUS: there are no files to map yet
 *   -ENOMEM  MAP_HUGETLB (no huge pages are reserved); len rounds up past
 *            the top of memory or exceeds TASK_SIZE; no free range; more
 *            than vm.max_map_count VMAs; the commit limit of
 *            vm.overcommit_memory; no memory for the VMA or the object
 *   -EOVERFLOW  off + len wraps past the last page offset
 *   -EPERM   the range starts below vm.mmap_min_addr without CAP_SYS_RAWIO
 *   -EEXIST  MAP_FIXED_NOREPLACE over a mapping
 *   -EAGAIN  locked memory over RLIMIT_MEMLOCK without CAP_IPC_LOCK (Linux
 *            says EPERM when RLIMIT_MEMLOCK is 0 and MAP_LOCKED is asked:
 *            can_do_mlock; the simulator says EAGAIN then too)
 * The checks run in Linux's order (measured on 6.18), so the first error
 * is Linux's. After a failure nothing is mapped, but with MAP_FIXED the
 * old mapping of the range may already be gone (Linux 6.12+ restores it
 * when the commit charge or the new VMA fails; the simulator does not).
 * A populate that runs out of memory leaves the mapping partly faulted in.
 */
long sys_mmap(struct kernel *k, struct task_struct *t, uint64_t addr, uint64_t len, unsigned long prot,
	      unsigned long flags, int fd, uint64_t off)
{
	uint64_t populate;
	long err = check_mmap_args(len, flags, off);

	(void)fd;      /* ignored with MAP_ANONYMOUS, as on Linux */
	if (err)
		return err;
	long r = do_mmap(k, t, addr, len, prot, flags, off >> PAGE_SHIFT, &populate);
	if (r >= 0 && populate)
		__mm_populate(k, t, (uint64_t)r, (uint64_t)r + populate);
	return r;
}

/*
 * munmap(start, len) for task t (Linux: do_munmap and do_vmi_munmap, which
 * the system call reaches through __vm_munmap).
 *
 * Removes every mapping of [start, start + len), len rounded up to whole
 * pages: VMAs at the ends are split, the pages unmapped (and freed when no
 * one else maps them) after the TLB flush, and the page tables no VMA
 * needs any more freed. Holes in the range are fine. Returns 0, or:
 *   -EINVAL  start not page-aligned; start beyond TASK_SIZE or the range
 *            past it; len 0
 *   -ENOMEM  the unmap would split a VMA in two (punch a hole) with
 *            vm.max_map_count VMAs already, or a split finds no memory
 * On an error nothing is unmapped (a split already made at start stays:
 * the VMA is in two pieces, each as it was).
 */
long do_munmap(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t len)
{
	struct mm_struct *mm = t->mm;
	if (offset_in_page(start) || start > mm->task_size || len > mm->task_size - start)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len)
		return -EINVAL;
	return do_vmi_align_munmap(k, mm, start, start + len);
}

/*
 * brk(brk) for task t (Linux: SYSCALL_DEFINE1(brk) in mm/mmap.c).
 *
 * Moves the program break, the end of the heap, to brk: the heap VMA
 * [start_brk, brk rounded up to a page) grows (do_brk_flags, charged to
 * Committed_AS) or shrinks (the pages past the new end are unmapped), and
 * with mlockall(MCL_FUTURE) the new pages are faulted in. brk 0, or any
 * value below the heap's start, only asks for the current break.
 *
 * Returns the new break, or the old one when the request is refused; it
 * never returns an errno, as Linux's system call does not. Refused: brk
 * below the heap's start (end_data, or start_brk when randomised); a
 * shrink whose unmap fails (vm.max_map_count, no memory); a growth that
 * would come within a page (and the guard gap of a stack) of the next VMA,
 * or that do_brk_flags refuses (vm.max_map_count, the commit limit, no
 * memory). Linux also refuses a growth past RLIMIT_DATA and, for locked
 * memory, past RLIMIT_MEMLOCK (check_brk_limits), and a shrink of a range
 * that is not the heap VMA's; the simulator has no RLIMIT_DATA and checks
 * neither.
 */
long sys_brk(struct kernel *k, struct task_struct *t, uint64_t brk)
{
	struct mm_struct *mm = t->mm;
	uint64_t min_brk = mm->brk_randomized ? mm->start_brk : mm->end_data;
	uint64_t newbrk = PAGE_ALIGN(brk), oldbrk = PAGE_ALIGN(mm->brk);

	if (brk < min_brk)
		return (long)mm->brk;
	if (oldbrk == newbrk) {
		mm->brk = brk;
		return (long)brk;
	}
	if (brk <= mm->brk) {                       /* shrinking always works */
		if (do_vmi_align_munmap(k, mm, newbrk, oldbrk))
			return (long)mm->brk;
		mm->brk = brk;
		return (long)brk;
	}
	struct vm_area_struct *next = find_vma(mm, oldbrk);
	if (next && newbrk + PAGE_SIZE > vm_start_gap(next))
		return (long)mm->brk;
	if (do_brk_flags(k, t, oldbrk, newbrk - oldbrk))
		return (long)mm->brk;
	mm->brk = brk;
	if (mm->def_flags & VM_LOCKED)
		__mm_populate(k, t, oldbrk, newbrk);
	return (long)brk;
}

/* See mman.h. */
long get_unmapped_area(struct kernel *k, struct task_struct *t, uint64_t hint, uint64_t len, bool shared)
{
	return (long)__get_unmapped_area(k, t, hint, len, 0, !shared);
}

/* ---- whole address spaces ---------------------------------------------------- */

/* The child's copy of one parent VMA, linked into mm (Linux: the loop body
 * of dup_mmap). */
static int dup_vma(struct kernel *k, struct mm_struct *mm, struct vm_area_struct *mpnt)
{
	if ((mpnt->vm_flags & VM_ACCOUNT) && k->sysctl.overcommit_memory == 2 &&
	    k->vm_committed_as + vma_pages(mpnt) > vm_commit_limit(k))
		return -ENOMEM;
	struct vm_area_struct *tmp = vm_area_dup(k, mpnt);
	if (!tmp)
		return -ENOMEM;
	if (mpnt->vm_flags & VM_ACCOUNT)
		k->vm_committed_as += vma_pages(mpnt);
	tmp->vm_flags &= ~VM_LOCKED_MASK;
	if (mpnt->vm_flags & VM_WIPEONFORK) {
		tmp->anon_vma = NULL;           /* Linux: a fresh anon_vma at first fault */
	} else if (anon_vma_fork(k, tmp, mpnt)) {
		if (mpnt->vm_flags & VM_ACCOUNT)
			k->vm_committed_as -= vma_pages(mpnt);
		vm_area_free(k, tmp);
		return -ENOMEM;
	}
	vma_link(mm, tmp);
	return copy_page_range(k, tmp, mpnt);
}

/* See mm.h. */
int dup_mmap(struct kernel *k, struct mm_struct *mm, struct mm_struct *oldmm)
{
	for (struct vm_area_struct *v = oldmm->mmap; v; v = v->vm_next) {
		if (v->vm_flags & VM_DONTCOPY) {
			vm_stat_account(mm, v->vm_flags, -(int64_t)vma_pages(v));
			continue;
		}
		int err = dup_vma(k, mm, v);
		if (err)
			return err;
	}
	flush_tlb_mm(k, oldmm);            /* the parent's PTEs lost write access */
	return 0;
}

/* See mm.h. */
void exit_mmap(struct kernel *k, struct mm_struct *mm)
{
	struct mmu_gather tlb;

	tlb_gather_mmu(&tlb, k, mm, true);
	for (struct vm_area_struct *v = mm->mmap; v; v = v->vm_next)
		unmap_page_range(&tlb, v, v->vm_start, v->vm_end);
	free_pgtables(&tlb, mm->mmap, NULL, 0, 0);
	tlb_finish_mmu(&tlb);
	while (mm->mmap) {
		struct vm_area_struct *v = mm->mmap;
		vma_unlink(mm, v);
		if (v->vm_flags & VM_ACCOUNT)
			k->vm_committed_as -= vma_pages(v);
		vm_area_free(k, v);
	}
}

/* ---- special mappings -------------------------------------------------------- */

/* See memory.h. */
vm_fault_t special_mapping_fault(struct vm_fault *vmf)
{
	struct kernel *k = vmf->k;
	const char *name = vmf->vma->vm_name;
	uint64_t index = (vmf->address - vmf->vma->vm_start) >> PAGE_SHIFT;
	uint64_t base = !strcmp(name, "[vdso]") ? 0 : !strcmp(name, "[vvar]") ? 2 : 6;
	if (vmf->flags & FAULT_FLAG_WRITE)
		return VM_FAULT_SIGBUS;
	trace_kernel(k, vmf->cpu, "%s page %llu", name, (unsigned long long)index);
	return vmf_insert_pfn(vmf, k->vdso_pfn + base + index);
}
