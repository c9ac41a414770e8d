/*
 * kernel/mman.h — the memory-management system calls (Linux: mm/mmap.c,
 * mm/mprotect.c, mm/mremap.c, mm/madvise.c, mm/mlock.c,
 * arch/x86/mm/mmap.c). Each returns what the system call returns: a value
 * >= 0, or a negative errno with Linux's meaning.
 */
#ifndef MMSIM_KERNEL_MMAN_H
#define MMSIM_KERNEL_MMAN_H

#include <stdbool.h>
#include <stdint.h>

struct kernel;
struct mm_struct;
struct task_struct;
struct vm_area_struct;

/* Linux x86-64 uapi values. */
#define PROT_NONE      0x0
#define PROT_READ      0x1
#define PROT_WRITE     0x2
#define PROT_EXEC      0x4
#define PROT_SEM       0x8
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP   0x02000000

#define MAP_SHARED          0x01
#define MAP_PRIVATE         0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE            0x0f
#define MAP_FIXED           0x10
#define MAP_ANONYMOUS       0x20
#define MAP_32BIT           0x40
#define MAP_GROWSDOWN       0x0100
#define MAP_DENYWRITE       0x0800
#define MAP_EXECUTABLE      0x1000
#define MAP_LOCKED          0x2000
#define MAP_NORESERVE       0x4000
#define MAP_POPULATE        0x8000
#define MAP_NONBLOCK        0x10000
#define MAP_STACK           0x20000
#define MAP_HUGETLB         0x40000
#define MAP_SYNC            0x80000
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_UNINITIALIZED   0x4000000
#define MAP_HUGE_SHIFT      26        /* log2 of MAP_HUGETLB's page size, 0: the default */
#define MAP_HUGE_MASK       0x3f
/* Flags MAP_SHARED_VALIDATE accepts (Linux: LEGACY_MAP_MASK | MAP_SYNC). */
#define LEGACY_MAP_MASK (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | \
			 MAP_EXECUTABLE | MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED |      \
			 MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB)

#define MREMAP_MAYMOVE   1
#define MREMAP_FIXED     2
#define MREMAP_DONTUNMAP 4

#define MADV_NORMAL         0
#define MADV_RANDOM         1
#define MADV_SEQUENTIAL     2
#define MADV_WILLNEED       3
#define MADV_DONTNEED       4
#define MADV_FREE           8
#define MADV_REMOVE         9
#define MADV_DONTFORK       10
#define MADV_DOFORK         11
#define MADV_MERGEABLE      12
#define MADV_UNMERGEABLE    13
#define MADV_HUGEPAGE       14
#define MADV_NOHUGEPAGE     15
#define MADV_DONTDUMP       16
#define MADV_DODUMP         17
#define MADV_WIPEONFORK     18
#define MADV_KEEPONFORK     19
#define MADV_COLD           20
#define MADV_PAGEOUT        21
#define MADV_POPULATE_READ  22
#define MADV_POPULATE_WRITE 23
#define MADV_DONTNEED_LOCKED 24    /* Linux 5.18 */
#define MADV_COLLAPSE       25      /* Linux 6.1 */
#define MADV_GUARD_INSTALL  102     /* Linux 6.13 */
#define MADV_GUARD_REMOVE   103

#define MLOCK_ONFAULT 0x01
#define MCL_CURRENT   1
#define MCL_FUTURE    2
#define MCL_ONFAULT   4

#define DEFAULT_MAP_WINDOW ((1ULL << 47) - 4096)   /* 4-level TASK_SIZE */
#define STACK_GUARD_GAP    (256ULL << 12)          /* vm.stack_guard_gap: 256 pages */
#define MMAP_MIN_ADDR      65536                   /* vm.mmap_min_addr's default */
#define LSM_MMAP_MIN_ADDR  65536                   /* CONFIG_LSM_MMAP_MIN_ADDR's default */

/* Set up mm's layout for task: TASK_SIZE, mmap_base (top-down), with or
 * without randomisation (Linux: arch_pick_mmap_layout). */
void arch_pick_mmap_layout(struct kernel *k, struct mm_struct *mm, struct task_struct *task);

/* The stack guard gap rule: the lowest address vma may grow or be placed
 * next to (Linux: vm_start_gap). */
uint64_t vm_start_gap(const struct vm_area_struct *vma);

/*
 * The system calls, for task t. Each returns what the system call returns
 * (brk: the break); each definition's comment is its contract: arguments,
 * rounding, every errno and when, what a partial failure leaves behind, and
 * where it differs from Linux.
 */
/* mmap (kernel/mmap.c; Linux: ksys_mmap_pgoff, vm_mmap_pgoff, do_mmap) */
int64_t sys_mmap(struct kernel *k, struct task_struct *t, uint64_t addr, uint64_t len, unsigned long prot,
	      unsigned long flags, int fd, uint64_t off);
/* munmap (kernel/mmap.c; Linux: do_munmap, do_vmi_munmap) */
int64_t do_munmap(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t len);
/* brk (kernel/mmap.c; Linux: SYSCALL_DEFINE1(brk)) */
int64_t sys_brk(struct kernel *k, struct task_struct *t, uint64_t brk);

/* prctl(PR_SET_MM, opt, addr)'s options (uapi/linux/prctl.h). */
#define PR_SET_MM_START_CODE  1
#define PR_SET_MM_END_CODE    2
#define PR_SET_MM_START_DATA  3
#define PR_SET_MM_END_DATA    4
#define PR_SET_MM_START_STACK 5
#define PR_SET_MM_START_BRK   6
#define PR_SET_MM_BRK         7
#define PR_SET_MM_ARG_START   8
#define PR_SET_MM_ARG_END     9
#define PR_SET_MM_ENV_START   10
#define PR_SET_MM_ENV_END     11

/*
 * prctl(PR_SET_MM, opt, addr, 0, 0) for task t (Linux: prctl_set_mm in
 * kernel/sys.c): set one field of its mm (start_code ... env_end; the
 * program break's start and end move the heap brk() grows, nothing is
 * mapped or unmapped). Returns 0, or -EINVAL for an option the simulator
 * does not have (Linux's PR_SET_MM_AUXV, _EXE_FILE, _MAP, _MAP_SIZE), addr
 * outside [vm.mmap_min_addr, TASK_SIZE), or fields that would be out of
 * order (start_code < end_code, start_data <= end_data, start_brk <= brk,
 * arg_start <= arg_end, env_start <= env_end); -EFAULT for an argument or
 * environment bound with no VMA at or above it. Linux also needs
 * CAP_SYS_RESOURCE (-EPERM) and checks RLIMIT_DATA; simulated tasks have
 * the capability and no such limit.
 */
long prctl_set_mm(struct kernel *k, struct task_struct *t, int opt, uint64_t addr);
/* mprotect (kernel/mprotect.c; Linux: do_mprotect_pkey) */
long do_mprotect_pkey(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t len,
		      unsigned long prot);
/* mremap (kernel/mremap.c; Linux: do_mremap) */
int64_t do_mremap(struct kernel *k, struct task_struct *t, uint64_t addr, uint64_t old_len,
	       uint64_t new_len, unsigned long flags, uint64_t new_addr);
/* madvise (kernel/madvise.c; Linux: do_madvise) */
long do_madvise(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t len, int behavior);

#define ANON_VMA_NAME_MAX_LEN 80   /* with the terminating NUL */
/* prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, ...) (kernel/madvise.c; Linux:
 * prctl_set_vma) */
long prctl_set_vma(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t len, const char *name);

/* mlock and mlock2 (kernel/mlock.c; Linux: do_mlock) */
long do_mlock(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t len, unsigned flags);
/* munlock, mlockall, munlockall (kernel/mlock.c; Linux: their
 * SYSCALL_DEFINEs) */
long sys_munlock(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t len);
long sys_mlockall(struct kernel *k, struct task_struct *t, int flags);
long sys_munlockall(struct kernel *k, struct task_struct *t);

/* Fault in [start, end) of t's mm for mlock, as GUP does: a write fault for
 * each page of a private writable VMA, a read fault for the others;
 * VM_LOCKONFAULT, VM_IO and VM_PFNMAP VMAs and holes are skipped; each page
 * is marked accessed; each fault counts as t's (Linux: __mm_populate with
 * ignore_errors 0, and populate_vma_page_range). 0, or it stops at the
 * first VMA that allows no access or the first fault that fails (-EFAULT),
 * or finds no memory (-ENOMEM); the pages before stay mapped. */
int __mm_populate(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t end);

/* The same for MAP_POPULATE, mlockall, brk, mprotect and mremap of locked
 * memory, but a VMA whose faulting in fails (no access allowed, a fault
 * that fails, no memory) is skipped and the next one faulted in, as
 * Linux's mm_populate (__mm_populate with ignore_errors 1) does. */
void mm_populate(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t end);

/* Fault in [start, end) of t's mm for MADV_POPULATE_READ or _WRITE (write):
 * as __mm_populate, but each page read or written as asked, and a VMA that
 * does not allow it is -EFAULT (Linux: faultin_page_range). */
int faultin_page_range(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t end, bool write);

/* The lowest address a hint or a search may give a mapping (Linux: the
 * variable mmap_min_addr): the larger of vm.mmap_min_addr (what MAP_FIXED
 * needs CAP_SYS_RAWIO below, Linux's dac_mmap_min_addr) and
 * CONFIG_LSM_MMAP_MIN_ADDR, the floor of the security modules (65536 by
 * default, so that a vm.mmap_min_addr of 4096 lets fixed mappings lower
 * while hints below 64 KiB still go to 64 KiB). */
uint64_t mmap_min_addr(const struct kernel *k);

/* A place for len bytes, for mremap's moves, as mmap would choose it with
 * flags (MAP_SHARED, MAP_FIXED): with MAP_FIXED addr itself, else a free
 * range near the hint addr (0: anywhere) (Linux: get_unmapped_area, around
 * __get_unmapped_area). The address, or -ENOMEM (nothing fits, or the range
 * passes TASK_SIZE) or -EPERM (below vm.mmap_min_addr). */
int64_t get_unmapped_area(struct kernel *k, struct task_struct *t, uint64_t addr, uint64_t len,
		       unsigned long flags);

/* May t lock bytes more of memory, for a VMA that is_vma_locked: within
 * RLIMIT_MEMLOCK, or with CAP_IPC_LOCK (Linux: mlock_future_ok, in
 * mm/mmap.c)? Always for an unlocked VMA. */
bool mlock_future_ok(const struct task_struct *t, bool is_vma_locked, uint64_t bytes);

/* Account npages of a mapping with flags in mm's counters (Linux:
 * vm_stat_account). */
void vm_stat_account(struct mm_struct *mm, uint64_t flags, int64_t npages);

/* msync flags (x86-64). */
#define MS_ASYNC      1
#define MS_INVALIDATE 2
#define MS_SYNC       4

/*
 * msync(start, len, flags) for t (kernel/msync.c; Linux: sys_msync): 0,
 * or -EINVAL (an unknown flag, start not page-aligned, MS_ASYNC with
 * MS_SYNC), -ENOMEM (start + len wraps, or part of the range is not
 * mapped: the mapped parts are still synced, except with MS_ASYNC alone,
 * which stops at the first hole), -EBUSY (MS_INVALIDATE on a locked
 * mapping), -ENOSPC (a full device while writing).
 */
long ksys_msync(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t len, int flags);

/*
 * mincore(start, len, vec) for t (kernel/mincore.c; Linux: sys_mincore):
 * vec[i] gets 1 when page i of [start, start + len) is resident (mapped,
 * in its file's page cache, or in the swap cache), else 0. 0, or -EINVAL
 * (start not page-aligned), -ENOMEM (the range leaves the user address
 * space or has unmapped pages: the pages before the hole are filled in),
 * -EFAULT (no vec).
 */
long sys_mincore(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t len, unsigned char *vec);

#endif
