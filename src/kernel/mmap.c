/*
 * kernel/mmap.c — mmap, munmap and brk, the placement of new mappings, and
 * whole address spaces copied (fork) and torn down (exit), as Linux's
 * mm/mmap.c has them (with the layout of arch/x86/mm/mmap.c and the
 * placement of arch/x86/kernel/sys_x86_64.c). What they do to ranges of
 * VMAs is in kernel/vma.c, as in Linux's mm/vma.c.
 *
 * Placement is Linux's top-down search: the highest hole below mmap_base
 * that fits, searched again below the guard gap of a growing stack that
 * reaches into it (unmapped_area_topdown, in vma.c); an anonymous mapping
 * whose length is a multiple of 2 MiB is aligned to 2 MiB by asking for
 * 2 MiB more and keeping the top (thp_get_unmapped_area).
 */
#include "kernel/mman.h"

#include "kernel/fs.h"
#include "kernel/hugetlb.h"
#include "kernel/kernel.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/rmap.h"
#include "kernel/sched.h"
#include "kernel/tlbflush.h"
#include "kernel/trace.h"

#include <errno.h>
#include <string.h>

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
uint64_t mmap_min_addr(const struct kernel *k)
{
	uint64_t dac = (uint64_t)k->sysctl.mmap_min_addr;
	return dac > k->lsm_mmap_min_addr ? dac : k->lsm_mmap_min_addr;
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

/* The address a search for len + align - PAGE_SIZE bytes that found a
 * (0: nothing) gives a mapping of len bytes aligned to align: the aligned
 * address nearest the top of the gap when the search was top-down, nearest
 * the bottom when it was bottom-up, which is the same address (Linux:
 * vm_unmapped_area with align_mask). */
static uint64_t align_found(uint64_t a, uint64_t align)
{
	return a ? (a + align - PAGE_SIZE) & ~(align - 1) : 0;
}

/* MAP_32BIT: bottom-up in the second gigabyte, where code of the small
 * model can reach it (Linux: find_start_end and the bottom-up
 * arch_get_unmapped_area); with randomisation the start moves by up to
 * 32 MiB. The hint counts when it fits there. The mapping is aligned to
 * align. -ENOMEM when nothing fits. */
static int64_t get_unmapped_area_32bit(struct kernel *k, struct mm_struct *mm, uint64_t addr,
				       uint64_t len, uint64_t align)
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
	if ((a = align_found(unmapped_area(k, mm, len + align - PAGE_SIZE, begin, end), align)))
		return (int64_t)a;
	return -ENOMEM;
}

/* x86's choice of an address for len bytes with hint addr (Linux:
 * arch_get_unmapped_area_topdown): the hint if it is free, else top-down
 * below mmap_base (the whole space for a hint above 47 bits), else
 * bottom-up; MAP_32BIT searches the second gigabyte. A searched address is
 * aligned to align (a huge page size for hugetlb, else PAGE_SIZE).
 * -ENOMEM when nothing fits. */
static int64_t arch_get_unmapped_area_topdown(struct kernel *k, struct mm_struct *mm, uint64_t addr,
				      uint64_t len, unsigned long flags, uint64_t align)
{
	uint64_t high = mm->mmap_base, a, pad = align - PAGE_SIZE;

	if (len > mm->task_size)
		return -ENOMEM;
	if (flags & MAP_32BIT)
		return get_unmapped_area_32bit(k, mm, addr, len, align);
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
	if ((a = align_found(unmapped_area_topdown(k, mm, len + pad, PAGE_SIZE, high), align)))
		return (int64_t)a;
	uint64_t end = addr > DEFAULT_MAP_WINDOW ? mm->task_size : DEFAULT_MAP_WINDOW;
	if ((a = align_found(unmapped_area(k, mm, len + pad, mm->mmap_legacy_base, end), align)))
		return (int64_t)a;
	return -ENOMEM;
}

/* Where a new mapping goes (Linux: __get_unmapped_area): MAP_FIXED's
 * address, or a free area, 2 MiB-aligned for private anonymous lengths that
 * are multiples of 2 MiB. The address is then checked in Linux's order:
 * one of the top 4095 values is taken for an errno and returned as one
 * (MAP_FIXED at -1 is EPERM, at -22 EINVAL), a range past TASK_SIZE is
 * -ENOMEM (any other address of the upper half), an unaligned one -EINVAL,
 * one below vm.mmap_min_addr without CAP_SYS_RAWIO -EPERM. With huge_shift (a hugetlb mapping; else 0) MAP_FIXED's address must be
 * aligned to the huge page (-EINVAL), and the hint is rounded up to one
 * and a searched address aligned (Linux: hugetlb_get_unmapped_area). */
static int64_t __get_unmapped_area(struct kernel *k, struct task_struct *t, uint64_t addr,
				 uint64_t len, unsigned long flags, bool anon_private, unsigned huge_shift)
{
	struct mm_struct *mm = t->mm;
	uint64_t align = huge_shift ? 1ULL << huge_shift : PAGE_SIZE;
	int64_t a;

	if (len > mm->task_size)
		return -ENOMEM;
	if ((flags & MAP_FIXED) && (addr & (align - 1)) && huge_shift)
		return -EINVAL;
	if (flags & MAP_FIXED) {
		a = (int64_t)addr;
	} else if (anon_private && !addr && !(len & (PMD_SIZE - 1))) {
		/* thp_get_unmapped_area: pad, then keep an aligned top */
		a = arch_get_unmapped_area_topdown(k, mm, 0, len + PMD_SIZE, flags, PAGE_SIZE);
		if (a >= 0) {
			uint64_t off_sub = (0 - (uint64_t)a) & (PMD_SIZE - 1);
			a = off_sub ? a + (int64_t)off_sub : a + (int64_t)PMD_SIZE;
		} else {
			a = arch_get_unmapped_area_topdown(k, mm, 0, len, flags, PAGE_SIZE);
		}
	} else {
		if (huge_shift)
			addr = (addr + align - 1) & ~(align - 1);
		a = arch_get_unmapped_area_topdown(k, mm, addr, len, flags, align);
	}
	if (IS_ERR_VALUE(a))             /* MAP_FIXED at one of the top 4095 values: an errno */
		return a;
	if ((uint64_t)a > mm->task_size - len)
		return -ENOMEM;
	if (offset_in_page((uint64_t)a))
		return -EINVAL;
	if ((uint64_t)a < (uint64_t)k->sysctl.mmap_min_addr && !t->cap_sys_rawio)
		return -EPERM;
	return a;
}

/* Where a mapping of a disk file goes when it covers a whole 2 MiB of
 * the file: where its file offsets and addresses agree modulo 2 MiB, so
 * that the file's huge folios could be mapped by PMDs (Linux: ext4's
 * get_unmapped_area, thp_get_unmapped_area: pad by 2 MiB, then move up to
 * the aligned place, the top one of a top-down search). 0 when that does
 * not apply (then the ordinary search runs). */
static int64_t thp_get_unmapped_area(struct kernel *k, struct task_struct *t, uint64_t addr, uint64_t len,
				     uint64_t pgoff, unsigned long flags)
{
	uint64_t off = pgoff << PAGE_SHIFT, off_end = off + len;
	uint64_t off_align = (off + PMD_SIZE - 1) & ~(uint64_t)(PMD_SIZE - 1);
	if (off_end <= off_align || off_end - off_align < PMD_SIZE)
		return 0;
	uint64_t len_pad = len + PMD_SIZE;
	if (len_pad < len || off + len_pad < off)
		return 0;
	int64_t ret = __get_unmapped_area(k, t, addr, len_pad, flags, false, 0);
	if (ret < 0)
		return 0;
	if ((uint64_t)ret == addr)
		return ret;
	uint64_t off_sub = (off - (uint64_t)ret) & (PMD_SIZE - 1);
	return off_sub ? ret + (int64_t)off_sub : ret + (int64_t)PMD_SIZE;
}

/* VM flags from PROT_ and MAP_ bits (Linux: calc_vm_prot_bits and
 * calc_vm_flag_bits; MAP_STACK means VM_NOHUGEPAGE since 6.7; MAP_SYNC
 * gives VM_SYNC whatever the mapping, though only MAP_SHARED_VALIDATE of a
 * DAX file checks it). */
static uint64_t calc_vm_flags(unsigned long prot, unsigned long flags)
{
	uint64_t f = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	f |= (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
	     (prot & PROT_EXEC ? VM_EXEC : 0);
	f |= (flags & MAP_GROWSDOWN ? VM_GROWSDOWN : 0) | (flags & MAP_LOCKED ? VM_LOCKED : 0) |
	     (flags & MAP_SYNC ? VM_SYNC : 0) | (flags & MAP_STACK ? VM_NOHUGEPAGE : 0);
	return f;
}

/* The huge page size MAP_HUGETLB asks for, as its shift: the size bits
 * (MAP_HUGE_SHIFT) name 2 MiB or 1 GiB, 0 the default 2 MiB; -EINVAL for
 * a size there is no pool of (Linux: hstate_sizelog). */
static int hstate_sizelog(unsigned long flags)
{
	unsigned log = (flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
	if (!log)
		return PMD_SHIFT;
	return log == PMD_SHIFT || log == PUD_SHIFT ? (int)log : -EINVAL;
}

/* May pgoff and len be mapped from a regular file such as hugetlbfs's,
 * whose offsets end at MAX_LFS_FILESIZE (Linux: file_mmap_ok)? */
static bool file_mmap_ok(uint64_t pgoff, uint64_t len)
{
	const uint64_t max = INT64_MAX;
	return len <= max && pgoff <= (max - len) >> PAGE_SHIFT;
}

/* The checks of the map type and the flags it gives (Linux: the switch
 * (flags & MAP_TYPE) of do_mmap). An anonymous mapping must be MAP_SHARED
 * (not growing down) or MAP_PRIVATE; a hugetlb file, opened read-write,
 * also takes MAP_SHARED_VALIDATE with legacy flags only (-EOPNOTSUPP)
 * and grows down in neither case. 0 with *vm_flags completed, or -EINVAL
 * (MAP_DROPPABLE too: not modelled) or -EOPNOTSUPP. */
static int64_t mmap_check_type(unsigned long flags, bool hugetlb, uint64_t *vm_flags)
{
	unsigned type = flags & MAP_TYPE;
	if (type == MAP_SHARED || (hugetlb && type == MAP_SHARED_VALIDATE)) {
		if (type == MAP_SHARED_VALIDATE && (flags & ~(unsigned long)LEGACY_MAP_MASK))
			return -EOPNOTSUPP;
		*vm_flags |= VM_SHARED | VM_MAYSHARE;
	} else if (type != MAP_PRIVATE) {
		return -EINVAL;
	}
	return *vm_flags & VM_GROWSDOWN && (hugetlb || type == MAP_SHARED) ? -EINVAL : 0;
}

/* The checks of a file mapping's type against how the file was opened
 * (Linux: the file branch of do_mmap's switch): MAP_SHARED (its flags
 * beyond the legacy ones ignored) or MAP_SHARED_VALIDATE (-EOPNOTSUPP for
 * any other flag, MAP_SYNC included: tmpfs has no DAX) needs the file
 * open for writing when prot has PROT_WRITE (-EACCES), and a shared
 * mapping of a file not open for writing loses VM_MAYWRITE and VM_SHARED
 * (mprotect cannot make it writable); every file mapping needs the file
 * open for reading (-EACCES), a file that can be mapped (/dev/null cannot:
 * -ENODEV), and no MAP_GROWSDOWN (-EINVAL). 0 with *vm_flags completed. */
static long mmap_check_file(const struct file *file, unsigned long prot, unsigned long flags, uint64_t *vm_flags)
{
	switch (flags & MAP_TYPE) {
	case MAP_SHARED:
		flags &= LEGACY_MAP_MASK;
		/* fallthrough */
	case MAP_SHARED_VALIDATE:
		if (flags & ~(unsigned long)LEGACY_MAP_MASK)
			return -EOPNOTSUPP;
		if ((prot & PROT_WRITE) && !(file->f_mode & FMODE_WRITE))
			return -EACCES;
		*vm_flags |= VM_SHARED | VM_MAYSHARE;
		if (!(file->f_mode & FMODE_WRITE))
			*vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
		/* fallthrough */
	case MAP_PRIVATE:
		if (!(file->f_mode & FMODE_READ))
			return -EACCES;
		if (file_inode(file)->kind == FILE_CHR || file_inode(file)->kind == FILE_DIR)
			return -ENODEV;
		return *vm_flags & VM_GROWSDOWN ? -EINVAL : 0;
	default:
		return -EINVAL;
	}
}

/* Map len bytes (already rounded up to file's huge pages) with prot and
 * flags at (or near) addr, pgoff the offset in pages, of anonymous memory
 * or of file, a hugetlbfs file (Linux: do_mmap): the checks in Linux's
 * order, the placement, then mmap_region. Returns the address, with
 * *populate set to the bytes to fault in (MAP_POPULATE without
 * MAP_NONBLOCK, or locked memory) or 0; or a negative errno, as sys_mmap
 * lists. */
static int64_t do_mmap(struct kernel *k, struct task_struct *t, struct file *file, uint64_t addr, uint64_t len,
		    unsigned long prot, unsigned long flags, uint64_t pgoff, uint64_t *populate)
{
	struct mm_struct *mm = t->mm;
	*populate = 0;
	if (!len)
		return -EINVAL;
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if (!(flags & MAP_FIXED) && addr && (addr & PAGE_MASK) < mmap_min_addr(k))
		addr = PAGE_ALIGN(mmap_min_addr(k));                /* round_hint_to_min */
	len = PAGE_ALIGN(len);
	if (!len)
		return -ENOMEM;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	if (mm->map_count > k->sysctl.max_map_count)
		return -ENOMEM;
	uint64_t vm_flags = calc_vm_flags(prot, flags) | mm->def_flags;
	int64_t a = 0;
	if (file && file_inode(file)->kind == FILE_EXT4 && !(flags & MAP_FIXED))
		a = thp_get_unmapped_area(k, t, addr, len, pgoff, flags);
	if (!a)
		a = __get_unmapped_area(k, t, addr, len, flags, !file && !(flags & MAP_SHARED),
					file ? file_inode(file)->huge_shift : 0);
	if (a < 0)
		return (int64_t)a;
	if ((flags & MAP_FIXED_NOREPLACE) && find_vma_intersection(mm, (uint64_t)a, (uint64_t)a + len))
		return -EEXIST;
	if ((flags & MAP_LOCKED) && !t->rlimit_memlock && !t->cap_ipc_lock)
		return -EPERM;                                     /* can_do_mlock */
	if (!mlock_future_ok(t, vm_flags & VM_LOCKED, len))
		return -EAGAIN;
	if (file && !file_mmap_ok(pgoff, len))
		return -EOVERFLOW;
	int64_t err = file ? mmap_check_file(file, prot, flags, &vm_flags) : mmap_check_type(flags, false, &vm_flags);
	if (err)
		return err;
	if ((flags & MAP_NORESERVE) && (k->sysctl.overcommit_memory != 2 || file))
		vm_flags |= VM_NORESERVE;       /* hugetlb: always honoured (strict otherwise) */
	bool shared_anon = (vm_flags & VM_SHARED) && !file;
	int64_t r = mmap_region(k, t, (uint64_t)a, len, vm_flags,
			     file ? pgoff : shared_anon ? 0 : (uint64_t)a >> PAGE_SHIFT, shared_anon, file);
	if (r >= 0 && ((vm_flags & VM_LOCKED) || (flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE))
		*populate = len;
	return r;
}

/* mmap with the offset in pages (Linux: ksys_mmap_pgoff, and
 * vm_mmap_pgoff around do_mmap): without MAP_ANONYMOUS the file open as
 * fd (-EBADF), len rounded up to its huge pages for a hugetlbfs file
 * (-EINVAL for MAP_HUGETLB on another file); with MAP_ANONYMOUS,
 * MAP_HUGETLB maps a new hugetlbfs file of len rounded up to its huge
 * pages; then do_mmap, and the populate it asks for. */
static int64_t ksys_mmap_pgoff(struct kernel *k, struct task_struct *t, uint64_t addr, uint64_t len,
			    unsigned long prot, unsigned long flags, int fd, uint64_t pgoff)
{
	struct file *file = NULL;
	uint64_t populate;

	if (!(flags & MAP_ANONYMOUS)) {
		if (!(file = fget(t->files, fd)))
			return -EBADF;
		get_file(file);
		if (file_inode(file)->kind == FILE_HUGETLB) {
			uint64_t huge = 1ULL << file_inode(file)->huge_shift;
			len = (len + huge - 1) & ~(huge - 1);
		} else if (flags & MAP_HUGETLB) {
			fput(k, file);
			return -EINVAL;
		}
	} else if (flags & MAP_HUGETLB) {
		int shift = hstate_sizelog(flags);
		if (shift < 0)
			return shift;
		len = (len + (1ULL << shift) - 1) & ~((1ULL << shift) - 1);   /* may wrap to 0 */
		if (!(file = hugetlb_file_setup(k, len, (unsigned)shift)))
			return -ENOMEM;
	}
	int64_t r = do_mmap(k, t, file, addr, len, prot, flags, pgoff, &populate);
	if (file)
		fput(k, file);
	if (r >= 0 && populate)
		mm_populate(k, t, (uint64_t)r, (uint64_t)r + populate);
	return r;
}

/*
 * mmap(addr, len, prot, flags, fd, off) for task t (Linux: the x86-64
 * system call, around ksys_mmap_pgoff and do_mmap).
 *
 * Maps len bytes, rounded up to whole pages, of anonymous memory: private
 * (MAP_PRIVATE) or shared with forked children (MAP_SHARED, a new shmem
 * object). addr is a hint, rounded up to mmap_min_addr() (the larger of
 * vm.mmap_min_addr and CONFIG_LSM_MMAP_MIN_ADDR) and used when the range
 * there is free (else the top-down search below mmap_base places the
 * mapping; a private length that is a multiple of 2 MiB is placed
 * 2 MiB-aligned); with MAP_FIXED it is the
 * address, and whatever was mapped there is unmapped first; with
 * MAP_FIXED_NOREPLACE it is the address if nothing is mapped there. prot
 * gives VM_READ/WRITE/EXEC; MAP_GROWSDOWN, MAP_LOCKED, MAP_NORESERVE,
 * MAP_STACK (VM_NOHUGEPAGE), MAP_SYNC (VM_SYNC) and MAP_POPULATE are
 * honoured, the other legacy flags ignored; fd is ignored, as Linux ignores
 * it for anonymous memory. Without MAP_ANONYMOUS, the file open as fd is
 * mapped from byte off (MAP_PRIVATE: its pages read from the page cache,
 * copied on write; MAP_SHARED: the page-cache pages themselves), see
 * mmap_check_file for the checks against how it was opened. A locked (MAP_LOCKED, or mlockall(MCL_FUTURE))
 * or MAP_POPULATE mapping is faulted in before the call returns, as far as
 * memory allows.
 *
 * MAP_HUGETLB (with MAP_HUGE_2MB or MAP_HUGE_1GB, default 2 MiB) maps a
 * new "/anon_hugepage (deleted)" hugetlbfs file instead: len is rounded up
 * to the huge page size, the address aligned to it (a hint rounded up), the
 * VMA is VM_HUGETLB | VM_DONTEXPAND, never charged or locked. Its huge
 * pages would be reserved now, but the pools are empty: only
 * MAP_NORESERVE mappings succeed, and a fault in one is SIGBUS.
 *
 * Returns the address, or:
 *   -EINVAL  off not page-aligned; an unknown MAP_HUGE_ size; len 0 (or
 *            a hugetlb len that rounds up past the top); MAP_FIXED with an
 *            addr not page-aligned, or hugetlb's not aligned to its huge
 *            page; MAP_TYPE neither MAP_SHARED nor MAP_PRIVATE
 *            (MAP_SHARED_VALIDATE without MAP_HUGETLB, MAP_DROPPABLE
 *            included); MAP_SHARED (or hugetlb) with MAP_GROWSDOWN;
 *            hugetlb with off not at a huge page
 *   -EBADF   no MAP_ANONYMOUS and fd not open
 *   -EACCES  a file not open for reading; MAP_SHARED with PROT_WRITE of a
 *            file not open for writing
 *   -ENODEV  a file that cannot be mapped (/dev/null, a directory)
 *   -EINVAL  (files) MAP_HUGETLB on a file that is not hugetlbfs's;
 *            MAP_GROWSDOWN
 *   -ENOMEM  len rounds up past the top of memory or exceeds TASK_SIZE; a
 *            MAP_FIXED range past TASK_SIZE (a kernel address, 2^63, -4096); no
 *            free range; more than vm.max_map_count VMAs; the commit limit
 *            of vm.overcommit_memory; no memory for the VMA or the object;
 *            hugetlb without MAP_NORESERVE (no huge page to reserve)
 *   -EOVERFLOW  hugetlb with off + len past the largest file offset
 *   -EOPNOTSUPP  a file (hugetlb too) with MAP_SHARED_VALIDATE and a flag that is not
 *            a legacy one (MAP_SYNC, MAP_FIXED_NOREPLACE, MAP_32BIT, ...)
 *   -EPERM   the range starts below vm.mmap_min_addr without CAP_SYS_RAWIO;
 *            MAP_LOCKED with RLIMIT_MEMLOCK 0 without CAP_IPC_LOCK
 *   -EEXIST  MAP_FIXED_NOREPLACE over a mapping
 *   -EAGAIN  locked memory over RLIMIT_MEMLOCK without CAP_IPC_LOCK
 * The checks run in Linux's order (do_mmap: the length, the placement and
 * MAP_FIXED_NOREPLACE's EEXIST, the locking limits, then the map type;
 * the hugetlb reservation last), so the first error is Linux's. A
 * MAP_FIXED addr among the top 4095 values is taken for an errno, as
 * Linux's __get_unmapped_area takes it (IS_ERR_VALUE): the call returns
 * -addr (-1: EPERM, -22: EINVAL, -4095: an errno of 4095). After a
 * failure nothing is mapped, but with MAP_FIXED the old mapping of the
 * range may already be gone (Linux 6.12+ restores it when the commit
 * charge or the new VMA fails; the simulator does not). A populate that
 * runs out of memory leaves the mapping partly faulted in.
 */
int64_t sys_mmap(struct kernel *k, struct task_struct *t, uint64_t addr, uint64_t len, unsigned long prot,
	      unsigned long flags, int fd, uint64_t off)
{
	if (offset_in_page(off))
		return -EINVAL;
	return ksys_mmap_pgoff(k, t, addr, len, prot, flags, fd, off >> PAGE_SHIFT);
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
int64_t do_munmap(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t len)
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
 * shrink over pages no VMA maps (the heap was unmapped: Linux's vma_find
 * of [newbrk, oldbrk) finds nothing) or whose unmap fails
 * (vm.max_map_count, no memory); a growth that would come within a page
 * (and the guard gap of a stack) of the next VMA, or that do_brk_flags
 * refuses (vm.max_map_count, the commit limit, no memory). Linux also
 * refuses a growth past RLIMIT_DATA and, for locked memory, past
 * RLIMIT_MEMLOCK (check_brk_limits); the simulator has no RLIMIT_DATA and
 * checks neither.
 */
int64_t sys_brk(struct kernel *k, struct task_struct *t, uint64_t brk)
{
	struct mm_struct *mm = t->mm;
	uint64_t min_brk = mm->brk_randomized ? mm->start_brk : mm->end_data;
	uint64_t newbrk = PAGE_ALIGN(brk), oldbrk = PAGE_ALIGN(mm->brk);

	if (brk < min_brk)
		return (int64_t)mm->brk;
	if (oldbrk == newbrk) {
		mm->brk = brk;
		return (int64_t)brk;
	}
	if (brk <= mm->brk) {                       /* shrinking, if something is mapped there */
		if (!find_vma_intersection(mm, newbrk, oldbrk) || do_vmi_align_munmap(k, mm, newbrk, oldbrk))
			return (int64_t)mm->brk;
		mm->brk = brk;
		return (int64_t)brk;
	}
	struct vm_area_struct *next = find_vma(mm, oldbrk);
	if (next && newbrk + PAGE_SIZE > vm_start_gap(next))
		return (int64_t)mm->brk;
	if (do_brk_flags(k, t, oldbrk, newbrk - oldbrk))
		return (int64_t)mm->brk;
	mm->brk = brk;
	if (mm->def_flags & VM_LOCKED)
		mm_populate(k, t, oldbrk, newbrk);
	return (int64_t)brk;
}

/* See mman.h. */
int64_t get_unmapped_area(struct kernel *k, struct task_struct *t, uint64_t addr, uint64_t len,
		       unsigned long flags)
{
	return (int64_t)__get_unmapped_area(k, t, addr, len, flags & MAP_FIXED, !(flags & MAP_SHARED), 0);
}

/* See mman.h. */
bool mlock_future_ok(const struct task_struct *t, bool is_vma_locked, uint64_t bytes)
{
	if (!is_vma_locked || t->cap_ipc_lock)
		return true;
	return (bytes >> PAGE_SHIFT) + t->mm->locked_vm <= t->rlimit_memlock >> PAGE_SHIFT;
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
	if (tmp->vm_flags & VM_HUGETLB)
		hugetlb_dup_vma_private(tmp);     /* the child owns no reservation */
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
	static const struct zap_details unmap_details = { .drop_markers = true };      /* unmap_vmas */
	struct mmu_gather tlb;

	tlb_gather_mmu(&tlb, k, mm, true);
	for (struct vm_area_struct *v = mm->mmap; v; v = v->vm_next)
		unmap_page_range(&tlb, v, v->vm_start, v->vm_end, &unmap_details);
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
