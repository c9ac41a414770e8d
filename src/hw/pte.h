/*
 * hw/pte.h — x86-64 paging-structure entries (Intel SDM Vol. 3A §4.5).
 *
 * A paging structure is a 4 KiB table of 512 64-bit entries in physical
 * memory. 4-level paging walks PML4 -> PDPT -> PD -> PT; 5-level paging
 * (CR4.LA57) puts a PML5 on top. An entry either references the next table
 * or, in a PDPT (PS=1: 1 GiB page), a PD (PS=1: 2 MiB page) or a PT (always),
 * maps a page. Bit names come twice: the SDM's (HW_PTE_*) and Linux's
 * (_PAGE_*, arch/x86/include/asm/pgtable_types.h), which the kernel side uses.
 */
#ifndef MMSIM_HW_PTE_H
#define MMSIM_HW_PTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- entry bits (SDM Tables 4-15 .. 4-20) --------------------------------- */
#define HW_PTE_P          (1ULL << 0)    /* present */
#define HW_PTE_RW         (1ULL << 1)    /* writable */
#define HW_PTE_US         (1ULL << 2)    /* user-mode accesses allowed */
#define HW_PTE_PWT        (1ULL << 3)    /* page-level write-through */
#define HW_PTE_PCD        (1ULL << 4)    /* page-level cache disable */
#define HW_PTE_A          (1ULL << 5)    /* accessed */
#define HW_PTE_D          (1ULL << 6)    /* dirty (entries that map a page) */
#define HW_PTE_PS         (1ULL << 7)    /* page size (PDPTE, PDE) */
#define HW_PTE_PAT        (1ULL << 7)    /* PAT index bit (PTE) */
#define HW_PTE_G          (1ULL << 8)    /* global (entries that map a page) */
#define HW_PTE_PAT_LARGE  (1ULL << 12)   /* PAT index bit (2 MiB / 1 GiB page) */
#define HW_PTE_PKEY_SHIFT 59             /* protection key, bits 62:59 */
#define HW_PTE_PKEY_MASK  (0xFULL << HW_PTE_PKEY_SHIFT)
#define HW_PTE_XD         (1ULL << 63)   /* execute-disable (needs EFER.NXE) */

/* Address bits 51:12 (the architectural maximum; bits from MAXPHYADDR up
 * to 51 are reserved and checked by the walker). */
#define HW_PTE_ADDR_MASK  0x000ffffffffff000ULL
#define HW_MAXPHYADDR_MAX 52
#define HW_MAXPHYADDR_MIN 36

/* ---- the same bits with Linux's names ----------------------------------- */
#define _PAGE_BIT_PRESENT    0
#define _PAGE_BIT_RW         1
#define _PAGE_BIT_USER       2
#define _PAGE_BIT_PWT        3
#define _PAGE_BIT_PCD        4
#define _PAGE_BIT_ACCESSED   5
#define _PAGE_BIT_DIRTY      6
#define _PAGE_BIT_PSE        7
#define _PAGE_BIT_PAT        7
#define _PAGE_BIT_GLOBAL     8
#define _PAGE_BIT_PAT_LARGE  12
#define _PAGE_BIT_PKEY_BIT0  59
#define _PAGE_BIT_PKEY_BIT1  60
#define _PAGE_BIT_PKEY_BIT2  61
#define _PAGE_BIT_PKEY_BIT3  62
#define _PAGE_BIT_NX         63

#define _PAGE_PRESENT    HW_PTE_P
#define _PAGE_RW         HW_PTE_RW
#define _PAGE_USER       HW_PTE_US
#define _PAGE_PWT        HW_PTE_PWT
#define _PAGE_PCD        HW_PTE_PCD
#define _PAGE_ACCESSED   HW_PTE_A
#define _PAGE_DIRTY      HW_PTE_D
#define _PAGE_PSE        HW_PTE_PS
#define _PAGE_PAT        HW_PTE_PAT
#define _PAGE_GLOBAL     HW_PTE_G
#define _PAGE_PAT_LARGE  HW_PTE_PAT_LARGE
#define _PAGE_PKEY_BIT0  (1ULL << _PAGE_BIT_PKEY_BIT0)
#define _PAGE_PKEY_BIT1  (1ULL << _PAGE_BIT_PKEY_BIT1)
#define _PAGE_PKEY_BIT2  (1ULL << _PAGE_BIT_PKEY_BIT2)
#define _PAGE_PKEY_BIT3  (1ULL << _PAGE_BIT_PKEY_BIT3)
#define _PAGE_PKEY_MASK  HW_PTE_PKEY_MASK
#define _PAGE_NX         HW_PTE_XD

/* ---- levels ---------------------------------------------------------------
 * Numbered as the SDM counts them, from the leaf up. Linux names the levels
 * from the top: pgd is the root (PML5 with 5-level paging, PML4 with 4-level,
 * where p4d is folded into it), then p4d, pud, pmd, pte. */
enum hw_level {
	HW_LVL_PT = 1, HW_LVL_PD = 2, HW_LVL_PDPT = 3, HW_LVL_PML4 = 4, HW_LVL_PML5 = 5,
	HW_LVL_PTE = HW_LVL_PT, HW_LVL_PMD = HW_LVL_PD, HW_LVL_PUD = HW_LVL_PDPT,
	HW_LVL_P4D = HW_LVL_PML4,
};
#define HW_PT_ENTRIES 512

/* Page sizes, as indexes (counters, TLB geometry) and as bits of a mask. */
enum hw_psize { HW_PS_4K, HW_PS_2M, HW_PS_1G, HW_NR_PSIZES };
#define HW_SIZE_BIT(s)  (1u << (s))
#define HW_SIZES_ALL    (HW_SIZE_BIT(HW_PS_4K) | HW_SIZE_BIT(HW_PS_2M) | HW_SIZE_BIT(HW_PS_1G))

/* Bit position of the lowest linear-address bit a level's index uses: the
 * page offset width of a page mapped at that level (12, 21, 30, 39, 48). */
static inline unsigned hw_level_shift(int level)
{
	return 12 + 9 * (unsigned)(level - 1);
}

/* The 9-bit index that linear address va selects in a table of this level. */
static inline unsigned hw_va_index(uint64_t va, int level)
{
	return (unsigned)(va >> hw_level_shift(level)) & (HW_PT_ENTRIES - 1);
}

/* The page size mapped by a leaf at level (PT: 4K, PD: 2M, PDPT: 1G). */
static inline enum hw_psize hw_level_psize(int level)
{
	return (enum hw_psize)(level - 1);
}

/* The page shift of a page size index (12, 21, 30). */
static inline unsigned hw_psize_shift(enum hw_psize s)
{
	return hw_level_shift((int)s + 1);
}

/* True when entry e at level maps a page rather than referencing a table.
 * PS is only meaningful in a PDPTE or PDE; in a PML4E/PML5E it is a
 * reserved bit and the walker faults before asking. */
static inline bool hw_pte_is_leaf(uint64_t e, int level)
{
	return level == HW_LVL_PT ||
	       ((level == HW_LVL_PD || level == HW_LVL_PDPT) && (e & HW_PTE_PS));
}

/* Physical address held by entry e at level: the next table, or the base of
 * the page it maps (for a 2M/1G leaf the low address bits hold PAT and
 * reserved bits, so they are masked off). */
static inline uint64_t hw_pte_addr(uint64_t e, int level)
{
	uint64_t mask = HW_PTE_ADDR_MASK;
	if (level != HW_LVL_PT && hw_pte_is_leaf(e, level))
		mask &= ~((1ULL << hw_level_shift(level)) - 1);
	return e & mask;
}

/* The protection key of a leaf entry (SDM §4.6.2). */
static inline unsigned hw_pte_pkey(uint64_t e)
{
	return (unsigned)((e & HW_PTE_PKEY_MASK) >> HW_PTE_PKEY_SHIFT);
}

/* An entry referencing the table at physical address table_pa, with flags
 * (HW_PTE_P, RW, US, PWT, PCD, A, XD). */
static inline uint64_t hw_mk_table(uint64_t table_pa, uint64_t flags)
{
	return (table_pa & HW_PTE_ADDR_MASK) | (flags & ~HW_PTE_ADDR_MASK & ~HW_PTE_PS);
}

/* An entry mapping the page at page_pa from a table of level (PT: 4 KiB,
 * PD: 2 MiB, PDPT: 1 GiB, PS set for the last two), with flags and
 * protection key pkey. page_pa must be aligned to the page size. */
static inline uint64_t hw_mk_page(uint64_t page_pa, int level, uint64_t flags, unsigned pkey)
{
	uint64_t e = (page_pa & HW_PTE_ADDR_MASK) | (flags & ~HW_PTE_ADDR_MASK & ~HW_PTE_PKEY_MASK);
	if (level != HW_LVL_PT)
		e |= HW_PTE_PS | (flags & HW_PTE_PAT_LARGE);
	return e | ((uint64_t)(pkey & 0xF) << HW_PTE_PKEY_SHIFT);
}

/* Level names: the SDM's table name ("PML4"), the SDM's entry name
 * ("PML4E"), and Linux's name for the level in a kernel with paging_levels
 * levels ("pgd", "p4d", "pud", "pmd", "pte"). "?" for a bad level. */
const char *hw_level_name(int level);
const char *hw_level_entry_name(int level);
const char *hw_level_linux_name(int level, int paging_levels);

/* Render entry e of level as "P RW US A D NX pfn=0x1234" (flags that are
 * set, then protection key and frame number) into buf. A non-present entry
 * renders as "not present" (with its raw value when non-zero, since software
 * may keep data there). Returns what snprintf returns. */
int hw_pte_describe(uint64_t e, int level, char *buf, size_t len);

#endif
