/*
 * kernel/debug_vm.h — the consistency checker (Linux: CONFIG_DEBUG_VM's
 * checks, made into one pass that tests can call at any time).
 */
#ifndef MMSIM_KERNEL_DEBUG_VM_H
#define MMSIM_KERNEL_DEBUG_VM_H

#include <stdint.h>

struct kernel;

struct vm_check_report {
	uint64_t problems;          /* each also logged as a "BUG:" line */
	uint64_t free_pages;        /* on buddy free lists */
	uint64_t deferred_pages;    /* free, not yet on a list */
	uint64_t pcp_pages;         /* free, on per-CPU lists */
	uint64_t reserved_pages;    /* holes and reservations */
	uint64_t allocated_pages;   /* handed out by the page allocator */
	uint64_t slab_pages;        /* of which slabs */
};

/*
 * Check every frame is accounted for exactly once (free in the buddy, free
 * on a per-CPU list, deferred, reserved, or inside one allocated block), that
 * free lists are well formed and agree with their counters and pageblock
 * types, that NR_FREE_PAGES matches, and that every slab is consistent.
 * Fills *r (may be NULL) and returns the number of problems.
 */
uint64_t debug_vm_check(struct kernel *k, struct vm_check_report *r);

/* The address spaces' half, run by debug_vm_check: VMAs, page tables,
 * PTE permissions against VMAs, rmap reachability, RSS counters, and every
 * page's mapcount against the PTEs that map it (debug_mm.c). Returns the
 * number of problems, each logged as a "BUG:" line. */
uint64_t debug_mm_check(struct kernel *k);

#endif
