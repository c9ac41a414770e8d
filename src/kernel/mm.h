/*
 * kernel/mm.h — address spaces: mm_struct, vm_area_struct and the VM flags
 * (Linux: include/linux/mm_types.h, include/linux/mm.h).
 *
 * An mm_struct is a process's address space: its page-table root, its VMAs
 * in an ordered tree (O(log n) lookup) threaded on an address-ordered list,
 * and its counters. A VMA describes one range with uniform permissions and
 * backing. Both live in simulated RAM, allocated from the slab caches
 * "mm_struct" and "vm_area_struct", as on Linux.
 */
#ifndef MMSIM_KERNEL_MM_H
#define MMSIM_KERNEL_MM_H

#include <limits.h>      /* first: emscripten's defines PAGE_SIZE, replaced below for good */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kernel/rbtree.h"
#include "kernel/segment.h"

/* The base page (Linux: arch/x86/include/asm/page_types.h, and PAGE_ALIGN
 * from include/linux/mm.h); the hardware's is HW_PAGE_SIZE, the same size. */
#define PAGE_SHIFT      12
#undef PAGE_SIZE                /* a libc's own: emscripten's limits.h has WebAssembly's 64 KiB;
				 * limits.h is included above so that it cannot come back */
#undef PAGE_MASK
#define PAGE_SIZE       (1ULL << PAGE_SHIFT)
#define PAGE_MASK       (~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x)   (((x) + PAGE_SIZE - 1) & PAGE_MASK)
/* The offset of address x in its page (Linux: offset_in_page). */
#define offset_in_page(x) ((x) & (PAGE_SIZE - 1))
/* The pages x bytes span, rounded up (Linux: PFN_UP). */
#define PFN_UP(x)       (((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
/* Is x, a value that is either an address or a negative errno, an errno?
 * The top MAX_ERRNO values are (Linux: IS_ERR_VALUE in linux/err.h): an
 * address there is taken for one, the rest of the upper half is not. */
#define MAX_ERRNO       4095
#define IS_ERR_VALUE(x) ((uint64_t)(x) >= (uint64_t)-MAX_ERRNO)

struct kernel;
struct anon_vma;
struct anon_vma_chain;
struct file;
struct task_struct;

/* vm_flags, with Linux's bit values (include/linux/mm.h). */
#define VM_NONE         0x00000000ULL
#define VM_READ         0x00000001ULL
#define VM_WRITE        0x00000002ULL
#define VM_EXEC         0x00000004ULL
#define VM_SHARED       0x00000008ULL
#define VM_MAYREAD      0x00000010ULL
#define VM_MAYWRITE     0x00000020ULL
#define VM_MAYEXEC      0x00000040ULL
#define VM_MAYSHARE     0x00000080ULL
#define VM_GROWSDOWN    0x00000100ULL
#define VM_UFFD_MISSING 0x00000200ULL
#define VM_PFNMAP       0x00000400ULL
/* Guard markers may be in the VMA's page tables (smaps "gu"; Linux 6.18 as
 * this host runs it: VM_MAYBE_GUARD, set by MADV_GUARD_INSTALL, never
 * cleared). */
#define VM_MAYBE_GUARD  0x00000800ULL
#define VM_UFFD_WP      0x00001000ULL
#define VM_LOCKED       0x00002000ULL
#define VM_IO           0x00004000ULL
#define VM_SEQ_READ     0x00008000ULL
#define VM_RAND_READ    0x00010000ULL
#define VM_DONTCOPY     0x00020000ULL
#define VM_DONTEXPAND   0x00040000ULL
#define VM_LOCKONFAULT  0x00080000ULL
#define VM_ACCOUNT      0x00100000ULL
#define VM_NORESERVE    0x00200000ULL
#define VM_HUGETLB      0x00400000ULL
#define VM_SYNC         0x00800000ULL
#define VM_ARCH_1       0x01000000ULL
#define VM_WIPEONFORK   0x02000000ULL
#define VM_DONTDUMP     0x04000000ULL
#define VM_SOFTDIRTY    0x08000000ULL
/* VM_SOFTDIRTY as new VMAs get it: 0 in a kernel built without
 * CONFIG_MEM_SOFT_DIRTY (k->soft_dirty), as Linux defines the flag then. */
#define vm_softdirty(k) ((k)->soft_dirty ? VM_SOFTDIRTY : 0)
#define VM_MIXEDMAP     0x10000000ULL
#define VM_HUGEPAGE     0x20000000ULL
#define VM_NOHUGEPAGE   0x40000000ULL
#define VM_MERGEABLE    0x80000000ULL

#define VM_ACCESS_FLAGS (VM_READ | VM_WRITE | VM_EXEC)
/* Flags that never keep two VMAs apart (Linux: VM_IGNORE_MERGE), and of
 * those the ones a merged VMA keeps when any part had them (VM_STICKY:
 * VM_MAYBE_GUARD; Linux makes VM_SOFTDIRTY sticky too, which nothing the
 * simulator serves can tell, every VMA having it until clear_refs). */
#define VM_STICKY       VM_MAYBE_GUARD
#define VM_IGNORE_MERGE (VM_SOFTDIRTY | VM_STICKY)
/* Page tables fork must copy whatever the VMA holds (Linux: VM_COPY_ON_FORK). */
#define VM_COPY_ON_FORK (VM_PFNMAP | VM_MIXEDMAP | VM_UFFD_WP | VM_MAYBE_GUARD)
#define VM_LOCKED_MASK  (VM_LOCKED | VM_LOCKONFAULT)
#define VM_STACK_FLAGS  (VM_GROWSDOWN | VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | \
			 VM_MAYEXEC | VM_ACCOUNT)
/* Flags a VMA must not have to merge (Linux: VM_SPECIAL). */
#define VM_SPECIAL      (VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP)

struct vm_area_struct {
	uint64_t vm_start, vm_end;       /* [vm_start, vm_end) */
	struct mm_struct *vm_mm;
	uint64_t vm_flags;
	uint64_t vm_pgoff;               /* offset in pages: into the file, or
					  * vm_start >> PAGE_SHIFT at creation for
					  * anonymous memory */
	struct rb_node vm_rb;            /* in mm->mm_rb by vm_start */
	uint64_t rb_subtree_gap;         /* the largest free gap below any VMA of
					  * this one's subtree of mm_rb: what lets
					  * the gap search skip subtrees (Linux
					  * 3.9-6.0, before the maple tree) */
	struct vm_area_struct *vm_next, *vm_prev;
	struct anon_vma *anon_vma;       /* where its anonymous pages point */
	struct anon_vma_chain *anon_vma_chain;   /* the anon_vmas it belongs to */
	struct file *vm_file;            /* the image file or shared-memory object */
	struct vm_area_struct *shared_prev, *shared_next;   /* in vm_file's i_mmap */
	const char *vm_name;             /* special mappings: "[vdso]", ... */
	char *anon_name;                 /* NAME of "[anon:NAME]" (prctl PR_SET_VMA_ANON_NAME),
					  * kmalloc'd; NULL when unnamed */
	union {
		uint64_t swap_readahead_info;    /* swap-in readahead: last fault, window, hits
						  * (swap_state.c; 0: none yet) */
		void *vm_private_data;           /* hugetlb: its private reservation map
						  * (kernel/hugetlb.h), never swapped */
	};
};

/* Do two VMAs' anonymous names (NULL: none) name the same? (Linux:
 * anon_vma_name_eq) */
static inline bool anon_vma_name_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* RSS counters (Linux: enum of mm_counter). */
enum { MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES, NR_MM_COUNTERS };

struct mm_struct {
	struct rb_root mm_rb;
	struct vm_area_struct *mmap;     /* the lowest VMA */
	int map_count;
	uint64_t pgd;                    /* physical address of the top table */
	uint64_t mmap_base, task_size, mmap_legacy_base;
	uint64_t start_code, end_code, start_data, end_data;
	uint64_t start_brk, brk, start_stack;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t total_vm, locked_vm, pinned_vm, data_vm, exec_vm, stack_vm;
	uint64_t hiwater_rss, hiwater_vm;
	int64_t rss_stat[NR_MM_COUNTERS];
	int64_t pgtables_bytes;
	uint64_t def_flags;              /* VM_LOCKED after mlockall(MCL_FUTURE) */
	int mm_users;                    /* tasks using it */
	uint64_t context_id;             /* unique per mm (Linux: mm->context.ctx_id) */
	uint64_t tlb_gen;                /* bumped by every flush request */
	uint64_t cpu_bitmap[4];          /* mm_cpumask: CPUs that have it loaded */
	uint64_t committed_pages;        /* what this mm added to Committed_AS */
	unsigned long flags;             /* MMF_* */
	bool brk_randomized;             /* the heap start moved (randomize_va_space 2) */
	uint16_t memcg_id;               /* the memory cgroup its pages are charged to (Linux:
					  * mm->owner's; memcontrol.h) */
	struct mm_context context;       /* its LDT (kernel/segment.h) */
};

#define MMF_TOPDOWN 0x1

static inline uint64_t vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

/* Anonymous memory: no file and not a special mapping (Linux: no vm_ops). */
static inline bool vma_is_anonymous(const struct vm_area_struct *vma)
{
	return !vma->vm_file && !vma->vm_name;
}

static inline uint64_t get_mm_counter(const struct mm_struct *mm, int member)
{
	return mm->rss_stat[member] < 0 ? 0 : (uint64_t)mm->rss_stat[member];
}

static inline uint64_t get_mm_rss(const struct mm_struct *mm)
{
	return get_mm_counter(mm, MM_FILEPAGES) + get_mm_counter(mm, MM_ANONPAGES) +
	       get_mm_counter(mm, MM_SHMEMPAGES);
}

/* Raise the RSS high-water mark to the current RSS; called before the RSS
 * drops, so the mark stays lazy as on Linux (update_hiwater_rss): readers
 * take the larger of the two (VmHWM). */
static inline void update_hiwater_rss(struct mm_struct *mm)
{
	uint64_t rss = get_mm_rss(mm);
	if (mm->hiwater_rss < rss)
		mm->hiwater_rss = rss;
}

/* The same for total_vm, called before it drops (Linux: update_hiwater_vm). */
static inline void update_hiwater_vm(struct mm_struct *mm)
{
	if (mm->hiwater_vm < mm->total_vm)
		mm->hiwater_vm = mm->total_vm;
}

static inline bool cpumask_test(const uint64_t *mask, int cpu)
{
	return mask[cpu / 64] & (1ULL << (cpu % 64));
}

static inline void cpumask_set(uint64_t *mask, int cpu)
{
	mask[cpu / 64] |= 1ULL << (cpu % 64);
}

static inline void cpumask_clear(uint64_t *mask, int cpu)
{
	mask[cpu / 64] &= ~(1ULL << (cpu % 64));
}

/* ---- the VMA tree (kernel/vma.c) --------------------------------------------- */

/* The first VMA whose vm_end is above addr, or NULL (Linux: find_vma, in
 * mm/mmap.c with find_vma_prev and find_vma_intersection). */
struct vm_area_struct *find_vma(struct mm_struct *mm, uint64_t addr);

/* find_vma, and the VMA before the result (or the last VMA) in *pprev. */
struct vm_area_struct *find_vma_prev(struct mm_struct *mm, uint64_t addr,
				     struct vm_area_struct **pprev);

/* The first VMA overlapping [start, end), or NULL. */
struct vm_area_struct *find_vma_intersection(struct mm_struct *mm, uint64_t start, uint64_t end);

/* The VMA containing addr, or NULL. */
struct vm_area_struct *vma_lookup(struct mm_struct *mm, uint64_t addr);

/* Link a VMA into mm's tree and list; it must not overlap another. */
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma);

/* Unlink a VMA from mm's tree and list (it is not freed). */
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma);

/* vma's bounds changed in place (it stays between its neighbours): bring
 * the free gaps below it and below the VMA after it up to date in the tree
 * (Linux: vma_gap_update). Every change of a linked VMA's vm_start or
 * vm_end must call it; the consistency checker verifies the gaps. */
void vma_gap_update(struct vm_area_struct *vma);

/* The free gap below vma: from the end of the VMA before it (or 0) to its
 * start (Linux: the gaps of the maple tree since 6.1; 3.9-6.0's
 * vma_compute_gap also took the stack guard gap off, which
 * unmapped_area_topdown and unmapped_area now check after the search). */
uint64_t vma_compute_gap(const struct vm_area_struct *vma);

/* A VMA from the vm_area_struct cache, zeroed, for mm; NULL without memory
 * (Linux: vm_area_alloc, in mm/vma_init.c as vm_area_dup and vm_area_free). */
struct vm_area_struct *vm_area_alloc(struct kernel *k, struct mm_struct *mm);

/* A copy of vma (not linked; its anon_vma chain is not cloned). */
struct vm_area_struct *vm_area_dup(struct kernel *k, struct vm_area_struct *vma);

/* Free a VMA's memory (its anon_vma chain must already be gone). */
void vm_area_free(struct kernel *k, struct vm_area_struct *vma);

/* The size of the pages that map vma: the huge page size of a hugetlb VMA,
 * else PAGE_SIZE (Linux: vma_kernel_pagesize). */
uint64_t vma_kernel_pagesize(const struct vm_area_struct *vma);

/* Split vma at addr into two linked VMAs; with new_below the new one is the
 * part below addr (Linux: split_vma). 0, or -ENOMEM (also at
 * vm.max_map_count), or -EINVAL for an addr inside a huge page of a hugetlb
 * VMA. */
int split_vma(struct kernel *k, struct vm_area_struct *vma, uint64_t addr, bool new_below);

/* split_vma without the vm.max_map_count check (munmap may pass it by one). */
int __split_vma(struct kernel *k, struct vm_area_struct *vma, uint64_t addr, bool new_below);

/*
 * Extend a neighbour over the new range [start, end) with these flags, file
 * and pgoff, when Linux would merge (Linux: vma_merge_new_range): flags equal
 * but for soft-dirty, same file and name, contiguous pgoff, compatible
 * anon_vmas, nothing VM_SPECIAL. anon_vma is the range's (NULL for a new
 * mapping; the source's when mremap extends or moves one). Returns the VMA now covering the range, or
 * NULL when a new VMA is needed.
 */
struct vm_area_struct *vma_merge_new_range(struct kernel *k, struct mm_struct *mm, uint64_t start,
					   uint64_t end, uint64_t flags, struct file *file,
					   uint64_t pgoff, struct anon_vma *anon_vma);

/*
 * Prepare [start, end) of vma (inside it) to take new_flags and new_name:
 * merge it into a neighbour when the result would be mergeable, else split
 * vma at start and end (Linux: vma_modify). Returns the VMA that is exactly
 * [start, end) (the caller then sets the flags with vm_flags_reset) or the
 * merged VMA, which keeps the VM_STICKY flags of every part, or NULL with
 * *err = -ENOMEM.
 */
/* Give vma, just returned by vma_modify, the flags flags, keeping the
 * sticky ones a merge gave it (Linux: vm_flags_reset after vma_modify_flags,
 * which passes them back through its flags argument). */
static inline void vm_flags_reset(struct vm_area_struct *vma, uint64_t flags)
{
	vma->vm_flags = flags | (vma->vm_flags & VM_STICKY);
}

struct vm_area_struct *vma_modify(struct kernel *k, struct vm_area_struct *vma, uint64_t start,
				  uint64_t end, uint64_t new_flags, const char *new_name, int *err);

/* ---- placing, mapping and unmapping ranges (kernel/vma.c) -------------------- */
/* Linux 6.18 has these in mm/vma.c; up to 6.12, unmapped_area, mmap_region,
 * do_brk_flags and expand_downwards were in mm/mmap.c. */

/* An address where len bytes fit between low and high, not below
 * mmap_min_addr(), found as Linux 6.1+ finds it (unmapped_area_topdown):
 * the top of the highest free gap between VMAs where len fits; when the VMA
 * above that gap grows down and its guard gap (vm_start_gap) reaches into
 * the gap, the search starts over below the guard gap, skipping whatever
 * free space lies between (so a mapping may land far below a stack's guard
 * gap though it would fit above another VMA inside it). 0 when nothing
 * fits. */
uint64_t unmapped_area_topdown(struct kernel *k, struct mm_struct *mm, uint64_t len, uint64_t low,
			       uint64_t high);

/* The same bottom-up (Linux: unmapped_area): the bottom of the lowest free
 * gap where len fits, or, when the VMA above it grows down and its guard
 * gap reaches below the gap's start plus len, the search starts over above
 * that VMA. */
uint64_t unmapped_area(struct kernel *k, struct mm_struct *mm, uint64_t len, uint64_t low,
		       uint64_t high);

/*
 * Map [addr, addr + len) of t's mm with vm_flags at pgoff: unmap what was
 * there (MAP_FIXED), charge Committed_AS for private writable memory (and
 * shared anonymous memory) unless VM_NORESERVE, then extend a neighbour or
 * link a new VMA; shared_anon gives the VMA a new shmem object; file (or
 * NULL) is mapped, merging with a neighbour that maps the same file at the
 * adjacent offset, and a private writable file mapping is charged as
 * anonymous memory is; a hugetlbfs file is mapped as hugetlbfs_file_mmap
 * does: a VM_HUGETLB | VM_DONTEXPAND VMA, never charged, never locked (Linux:
 * mmap_region and __mmap_region). addr and len are page-aligned. Returns
 * addr, or -EINVAL (pgoff not at a huge page of file), -ENOMEM (file's
 * huge pages cannot be reserved without VM_NORESERVE: the pools are empty;
 * unmapping failed, no memory, over vm.max_map_count or the commit limit:
 * what was unmapped stays unmapped; file's errors come before the unmap).
 */
int64_t mmap_region(struct kernel *k, struct task_struct *t, uint64_t addr, uint64_t len, uint64_t vm_flags,
		 uint64_t pgoff, bool shared_anon, struct file *file);

/* Remove every VMA overlapping [start, end) (page-aligned), splitting the
 * ones at the ends, then clear their entries, flush and free the pages and
 * the page tables no VMA needs any more (Linux: do_vmi_align_munmap). 0, or
 * -ENOMEM when punching a hole would pass vm.max_map_count or a split finds
 * no memory: then nothing was unmapped. */
int do_vmi_align_munmap(struct kernel *k, struct mm_struct *mm, uint64_t start, uint64_t end);

/* Extend the heap VMA over [addr, addr + len) (page-aligned), or create
 * one, charging Committed_AS (Linux: do_brk_flags). 0, or -ENOMEM (over
 * vm.max_map_count or the commit limit, or no memory). */
int do_brk_flags(struct kernel *k, struct task_struct *t, uint64_t addr, uint64_t len);

/* A VMA for [addr, addr + len) (free) with *vmap's properties at pgoff, or
 * a neighbour extended over it, for mremap's move (Linux: copy_vma). An
 * anonymous VMA not yet faulted takes a pgoff matching its new place, to
 * merge more easily; when the neighbour that takes the range is the source
 * itself (or absorbs it), *vmap becomes that VMA. A neighbour that takes
 * the range gets the source's anon_vma. NULL without memory. */
struct vm_area_struct *copy_vma(struct kernel *k, struct vm_area_struct **vmap, uint64_t addr,
				uint64_t len, uint64_t pgoff);

/* Grow vma by delta bytes at its end, over free space, merging with the
 * next VMA when it then touches and matches (Linux: vma_merge_extend, for
 * mremap). The VMA now covering the range, or NULL when vma may not merge
 * (VM_SPECIAL) or no memory. */
struct vm_area_struct *vma_merge_extend(struct kernel *k, struct vm_area_struct *vma, uint64_t delta);

/* Charge pages to Committed_AS under vm.overcommit_memory (Linux:
 * __vm_enough_memory, in mm/util.c): 0 (heuristic) refuses only more than
 * all RAM at once, 1 allows everything, 2 keeps the total under
 * CommitLimit. 0 (charged), or -ENOMEM (nothing charged). */
int __vm_enough_memory(struct kernel *k, uint64_t pages);

/* Grow the stack VMA vma down to addr for t, keeping the guard gap above the
 * accessible VMA below, RLIMIT_STACK, RLIMIT_MEMLOCK for a locked stack and
 * the commit limit (Linux: expand_downwards). 0, -EPERM below
 * mmap_min_addr(), or -ENOMEM. */
int expand_downwards(struct kernel *k, struct task_struct *t, struct vm_area_struct *vma, uint64_t addr);

/* The most Committed_AS may reach under vm.overcommit_memory 2: RAM times
 * vm.overcommit_ratio percent, plus swap (Linux: vm_commit_limit, in
 * mm/util.c; CommitLimit in /proc/meminfo). */
uint64_t vm_commit_limit(const struct kernel *k);

/* Charge pages to Committed_AS under vm.overcommit_memory (Linux:
 * __vm_enough_memory, in mm/util.c): 0 (heuristic) refuses only a request
 * larger than RAM and swap together, 1 allows everything, 2 keeps the total
 * under vm_commit_limit. 0 or -ENOMEM (nothing charged then). */
int __vm_enough_memory(struct kernel *k, uint64_t pages);

/* ---- whole address spaces (kernel/mmap.c) ------------------------------------ */

/* Copy oldmm's VMAs into mm, the new mm of a forked child: every VMA but
 * MADV_DONTFORK ones, with their anon_vma chains and, where the child could
 * not fault them in, their page tables (copy-on-write); then flush oldmm's
 * TLBs, whose entries lost write access (Linux: dup_mmap). 0, or -ENOMEM
 * with mm holding the VMAs copied so far and oldmm not yet flushed (the
 * caller drops mm, then flushes). */
int dup_mmap(struct kernel *k, struct mm_struct *mm, struct mm_struct *oldmm);

/* Tear down every mapping of mm, whose last user is gone: clear the entries,
 * flush, free the pages, the page tables below the root and the VMAs
 * (Linux: exit_mmap). */
void exit_mmap(struct kernel *k, struct mm_struct *mm);

#endif
