/*
 * kernel/pgtable.h — the kernel's side of the page tables (Linux:
 * arch/x86/include/asm/pgtable*.h, mm/pgtable-generic.c, and the table
 * allocation and freeing of mm/memory.c: __pte_alloc and its siblings,
 * free_pgd_range, kept here with the walks that use them).
 *
 * Page tables are real x86-64 tables in simulated frames; the kernel reads
 * and writes their entries through its direct map, and the MMU walks the
 * same bytes. Level names are Linux's: pgd (the root), p4d (folded into the
 * pgd with 4-level paging), pud, pmd, pte. A table page is allocated when a
 * mapping first needs it and freed when an unmapped range leaves it empty.
 */
#ifndef MMSIM_KERNEL_PGTABLE_H
#define MMSIM_KERNEL_PGTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/pte.h"

struct kernel;
struct mm_struct;
struct page;
struct vm_area_struct;

typedef uint64_t pte_t;    /* the raw 64-bit entry, at any level */

/* Software bits the MMU ignores (Linux: _PAGE_BIT_SOFTW1..). */
#define _PAGE_SPECIAL     (1ULL << 9)    /* no struct page behind it (zero page) */
#define _PAGE_SOFT_DIRTY  (1ULL << 11)
/* A PROT_NONE mapping keeps its frame but is not present to the MMU
 * (Linux: _PAGE_PROTNONE reuses the global bit of non-present entries). */
#define _PAGE_PROTNONE    _PAGE_GLOBAL

/*
 * A swap entry: a PTE that is neither none nor present, with a type in
 * bits 59-63 and an offset, inverted (the L1TF mitigation keeps its high
 * physical bits set), in bits 9-58 (Linux: __swp_entry in
 * arch/x86/include/asm/pgtable_64.h; kernel/swapops.h has the rest). Types
 * below MAX_SWAPFILES name swap devices; type SWP_PTE_MARKER is a PTE
 * marker, the offset a set of marker bits (Linux: make_pte_marker), of
 * which PTE_MARKER_GUARD, a guard page (MADV_GUARD_INSTALL):
 * 0xfffffffffffff600. The MMU sees such an entry as not present.
 */
#define SWP_TYPE_BITS      5
#define SWP_OFFSET_SHIFT   14
#define MAX_SWAPFILES_SHIFT 5
#define SWP_PTE_MARKER     31
#define PTE_MARKER_GUARD   (1ULL << 2)

/* User protections of Linux's x86 protection_map. */
#define PAGE_NONE          (_PAGE_PROTNONE | _PAGE_ACCESSED)
#define PAGE_SHARED        (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX)
#define PAGE_SHARED_EXEC   (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define PAGE_COPY          (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX)
#define PAGE_READONLY      PAGE_COPY
#define PAGE_READONLY_EXEC (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
#define PAGE_COPY_EXEC     PAGE_READONLY_EXEC
/* An entry pointing to a user page table (Linux: _PAGE_TABLE). */
#define _PAGE_TABLE        (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)
#define _PAGE_CHG_MASK     (HW_PTE_ADDR_MASK | _PAGE_SPECIAL | _PAGE_SOFT_DIRTY | _PAGE_ACCESSED | \
			    _PAGE_DIRTY)

#define PGDIR_SHIFT(levels) ((levels) == 5 ? 48 : 39)
#define P4D_SHIFT  39
#define PUD_SHIFT  30
#define PMD_SHIFT  21
#define PMD_SIZE   (1ULL << PMD_SHIFT)   /* what one page table maps: 2 MiB */
#define HPAGE_PMD_SIZE PMD_SIZE          /* a transparent huge page */
#define PTRS_PER_TABLE 512

/* The page protection of VMA flags (Linux: vm_get_page_prot). */
uint64_t vm_get_page_prot(uint64_t vm_flags);

static inline bool pte_none(pte_t e)
{
	return !e;
}

static inline bool pte_present(pte_t e)
{
	return e & (_PAGE_PRESENT | _PAGE_PROTNONE);
}

static inline bool pte_write(pte_t e)
{
	return e & _PAGE_RW;
}

static inline bool pte_dirty(pte_t e)
{
	return e & _PAGE_DIRTY;
}

static inline bool pte_young(pte_t e)
{
	return e & _PAGE_ACCESSED;
}

static inline bool pte_special(pte_t e)
{
	return e & _PAGE_SPECIAL;
}

static inline uint64_t pte_pfn(pte_t e)
{
	return (e & HW_PTE_ADDR_MASK) >> 12;
}

/* The entry for frame pfn with protection prot. */
static inline pte_t pfn_pte(uint64_t pfn, uint64_t prot)
{
	return (pfn << 12) | prot;
}

static inline pte_t pte_mkwrite(pte_t e)
{
	return e | _PAGE_RW;
}

static inline pte_t pte_wrprotect(pte_t e)
{
	return e & ~_PAGE_RW;
}

static inline pte_t pte_mkdirty(pte_t e)
{
	return e | _PAGE_DIRTY | _PAGE_SOFT_DIRTY;
}

static inline pte_t pte_mkclean(pte_t e)
{
	return e & ~_PAGE_DIRTY;
}

static inline pte_t pte_mkold(pte_t e)
{
	return e & ~_PAGE_ACCESSED;
}

/* Is e a swap entry (not none, not present)? (Linux: is_swap_pte) */
static inline bool is_swap_pte(pte_t e)
{
	return !pte_none(e) && !pte_present(e);
}

/* The type and offset of the swap entry e (Linux: __swp_type, __swp_offset). */
static inline uint64_t pte_swp_type(pte_t e)
{
	return e >> (64 - SWP_TYPE_BITS);
}

static inline uint64_t pte_swp_offset(pte_t e)
{
	return ~e << SWP_TYPE_BITS >> SWP_OFFSET_SHIFT;
}

/* The PTE of a marker with bits marker (Linux: make_pte_marker). */
static inline pte_t make_pte_marker(uint64_t marker)
{
	return (~marker << SWP_OFFSET_SHIFT >> SWP_TYPE_BITS) | ((pte_t)SWP_PTE_MARKER << (64 - SWP_TYPE_BITS));
}

/* Is e a guard marker? (Linux: is_guard_pte_marker) */
static inline bool is_guard_pte_marker(pte_t e)
{
	return is_swap_pte(e) && pte_swp_type(e) == SWP_PTE_MARKER && (pte_swp_offset(e) & PTE_MARKER_GUARD);
}

/* Keep the frame and software state of e, take the protection of prot
 * (Linux: pte_modify). */
static inline pte_t pte_modify(pte_t e, uint64_t prot)
{
	return (e & _PAGE_CHG_MASK) | (prot & ~_PAGE_CHG_MASK);
}

/* ---- table pages ------------------------------------------------------------ */

/* A zeroed page-table page charged to mm (NR_PAGETABLE, mm->pgtables_bytes),
 * its physical address in *pa. 0 or -ENOMEM. mm may be NULL (the kernel's).
 * (Linux: pte_alloc_one and its siblings, one per level; every level's
 * table is the same page here.) */
int pte_table_alloc(struct kernel *k, struct mm_struct *mm, uint64_t *pa);

/* Free a page-table page allocated for mm (Linux: pte_free and its
 * siblings). */
void pte_table_free(struct kernel *k, struct mm_struct *mm, uint64_t pa);

/* A host pointer to entry index of the table at physical address table. */
static inline pte_t *table_entry(struct kernel *k, uint64_t table, unsigned index);

/* Allocate mm's root table. 0 or -ENOMEM. */
int pgd_alloc(struct kernel *k, struct mm_struct *mm);

/* Free mm's root table (every lower table must be gone). */
void pgd_free(struct kernel *k, struct mm_struct *mm);

/*
 * The PTE that maps addr in mm (a 4 KiB leaf), allocating missing tables
 * when alloc is set (with __p4d_alloc ... __pte_alloc, as Linux's pte_alloc
 * and get_locked_pte do; without alloc it is Linux's lookup of the PTE, as
 * follow_pte does). NULL when a table is missing (or cannot be allocated);
 * *err says which: 0 or -ENOMEM. A huge PMD there has no PTE: NULL
 * without alloc; with alloc it is split first (split_huge_pmd).
 */
pte_t *pte_walk(struct kernel *k, struct mm_struct *mm, uint64_t addr, bool alloc, int *err);

/* The PUD entry for addr (allocating the P4D/PUD tables above it if
 * alloc), for a 1 GiB leaf (Linux: pud_alloc, pud_offset). NULL, with *err
 * -ENOMEM or 0, when absent. */
pte_t *pud_walk(struct kernel *k, struct mm_struct *mm, uint64_t addr, bool alloc, int *err);

/* The PMD entry (level 2) on the way to addr in mm, allocating the tables
 * above it when alloc is set (Linux: pmd_alloc, or pmd_off without alloc).
 * NULL when a table is missing or cannot be allocated (*err: 0 or
 * -ENOMEM). */
pte_t *pmd_walk(struct kernel *k, struct mm_struct *mm, uint64_t addr, bool alloc, int *err);

/* What a walk's pmd_entry callback may answer besides 0 (handled, go on)
 * and a positive value (stop): split the huge PMD and walk its PTEs. */
#define WALK_SPLIT_PMD (-1)

/*
 * walk_pte_range with a callback for huge PMD leaves too: pmd_fn(pmd,
 * addr, next, arg) is called for a huge PMD mapping part of the range
 * ([addr, next) of it); it answers 0, a positive value to stop, or
 * WALK_SPLIT_PMD to have the PMD split (Linux: split_huge_pmd) and its
 * new PTEs walked with fn (Linux: walk_page_range with pmd_entry).
 * walk_pte_range itself splits every huge PMD it meets.
 */
int walk_page_range_pmd(struct kernel *k, struct mm_struct *mm, uint64_t start, uint64_t end,
			int (*fn)(pte_t *pte, uint64_t addr, void *arg),
			int (*pmd_fn)(pte_t *pmd, uint64_t addr, uint64_t next, void *arg), void *arg);

/* pmd_fn callbacks for walks that leave a huge PMD alone (skip), or leave
 * it alone when the range covers all of it and split it otherwise. */
int walk_pmd_skip(pte_t *pmd, uint64_t addr, uint64_t next, void *arg);
int walk_pmd_split_partial(pte_t *pmd, uint64_t addr, uint64_t next, void *arg);

/*
 * Allocate the page tables (every level down to the PTE table) that map
 * [start, end) in mm, where like is NULL or, when it is not, only where
 * like has a PTE table for the same 2 MiB (fork's copy_pte_range, which
 * allocates the child's table before looking at the parent's entries).
 * 0 or -ENOMEM.
 */
int pte_alloc_range(struct kernel *k, struct mm_struct *mm, uint64_t start, uint64_t end,
		    struct mm_struct *like);

/*
 * Free the tables that only map [start, end) and nothing else, given that
 * [floor, ceiling) is the hole around it that no VMA uses (Linux:
 * free_pgd_range): a table is freed when the range it maps lies in the hole.
 */
void free_pgd_range(struct kernel *k, struct mm_struct *mm, uint64_t start, uint64_t end,
		    uint64_t floor, uint64_t ceiling);

/*
 * Free the page table (level 1) that maps the 2 MiB block holding addr in
 * mm when every one of its entries is none, clearing the PMD entry that
 * points to it (Linux 6.18 with CONFIG_PT_RECLAIM: try_get_and_clear_pmd
 * and free_pte in mm/pt_reclaim.c). Returns true when it freed a table; the
 * caller flushes the paging-structure caches (mmu_gather's freed_tables).
 */
bool pte_table_reclaim(struct kernel *k, struct mm_struct *mm, uint64_t addr);

/*
 * Call fn(pte, addr, arg) for every entry of every page table (level 1) that
 * maps part of [start, end) in mm; ranges with no page table are skipped
 * (Linux: walk_page_range with a pte_entry callback). fn returning non-zero
 * stops the walk, and that value is returned.
 */
int walk_pte_range(struct kernel *k, struct mm_struct *mm, uint64_t start, uint64_t end,
		   int (*fn)(pte_t *pte, uint64_t addr, void *arg), void *arg);

/* The present leaf entry mapping addr in mm, read without side effects
 * (no Accessed bits, no allocation): its level (1 PTE, 2 PMD with PS,
 * 3 PUD with PS) with *entry, or -1 when nothing is mapped there. */
int pgtable_lookup(struct kernel *k, struct mm_struct *mm, uint64_t addr, pte_t *entry);

/* The level names the kernel uses for level (5 = top with LA57 ... 1 = PT). */
const char *pgtable_level_name(const struct kernel *k, int level);

/* ---- inline bodies ------------------------------------------------------------ */

#include "kernel/kernel.h"

static inline pte_t *table_entry(struct kernel *k, uint64_t table, unsigned index)
{
	return (pte_t *)phys_to_virt(k, table) + index;
}

#endif
