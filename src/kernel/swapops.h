/*
 * kernel/swapops.h — swap entries and their place in page-table entries
 * (Linux: include/linux/swapops.h, include/linux/swap.h's swp_entry_t, and
 * x86-64's arch/x86/include/asm/pgtable_64.h encoding).
 *
 * A swap entry names a slot: a device (the swap type, 5 bits) and a page
 * offset on it. The kernel keeps it in two forms. The arch-independent one
 * (swp_entry_t: the type above bit 58, the offset below, as Linux packs it
 * for the XArray) is what the swap cache and shmem store. A page-table entry
 * holds x86-64's form: the type in bits 59-63, the offset inverted in bits
 * 9-58 (high physical address bits set, so a speculative access through a
 * not-present entry cannot reach a cached line: the L1TF mitigation), bits
 * 0 (present) and 8 (PROT_NONE) clear, so the MMU sees a not-present entry
 * and the kernel does not mistake it for a PROT_NONE page; bit 1 carries
 * soft-dirty, bit 2 uffd-wp and bit 3 PG_anon_exclusive across the swap.
 */
#ifndef MMSIM_KERNEL_SWAPOPS_H
#define MMSIM_KERNEL_SWAPOPS_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/pgtable.h"
#include "kernel/swap.h"

/* The arch-independent form: BITS_PER_XA_VALUE (63) bits, the type on top. */
#define SWP_TYPE_SHIFT  (63 - MAX_SWAPFILES_SHIFT)
#define SWP_OFFSET_MASK ((1ULL << SWP_TYPE_SHIFT) - 1)

/* x86-64's PTE form (arch/x86/include/asm/pgtable_64.h; SWP_TYPE_BITS,
 * SWP_OFFSET_SHIFT and is_swap_pte are in pgtable.h). */
#define _PAGE_BIT_PROTNONE   _PAGE_BIT_GLOBAL
#define SWP_OFFSET_FIRST_BIT (_PAGE_BIT_PROTNONE + 1)
_Static_assert(SWP_PTE_MARKER == MAX_SWAPFILES + SWP_HWPOISON_NUM + SWP_MIGRATION_NUM + SWP_DEVICE_NUM,
	       "Linux's SWP_PTE_MARKER");
_Static_assert(SWP_OFFSET_SHIFT == SWP_OFFSET_FIRST_BIT + SWP_TYPE_BITS, "x86-64's swap PTE layout");
#define _PAGE_SWP_SOFT_DIRTY _PAGE_RW
#define _PAGE_SWP_UFFD_WP    _PAGE_USER
#define _PAGE_SWP_EXCLUSIVE  _PAGE_PWT
/* The largest offset a PTE can hold: 50 bits. */
#define SWP_PTE_OFFSET_BITS  (64 - SWP_OFFSET_SHIFT)

static inline swp_entry_t swp_entry(unsigned type, uint64_t offset)
{
	return (swp_entry_t){ ((uint64_t)type << SWP_TYPE_SHIFT) | (offset & SWP_OFFSET_MASK) };
}

static inline unsigned swp_type(swp_entry_t entry)
{
	return (unsigned)(entry.val >> SWP_TYPE_SHIFT);
}

static inline uint64_t swp_offset(swp_entry_t entry)
{
	return entry.val & SWP_OFFSET_MASK;
}

/* x86-64's arch entry (a PTE's bits) for type and offset (Linux: __swp_entry). */
static inline uint64_t __swp_entry(unsigned type, uint64_t offset)
{
	return (~offset << SWP_OFFSET_SHIFT >> SWP_TYPE_BITS) | ((uint64_t)type << (64 - SWP_TYPE_BITS));
}

static inline unsigned __swp_type(uint64_t arch)
{
	return (unsigned)(arch >> (64 - SWP_TYPE_BITS));
}

static inline uint64_t __swp_offset(uint64_t arch)
{
	return ~arch << SWP_TYPE_BITS >> SWP_OFFSET_SHIFT;
}

/* The entry's flags bits stripped (Linux: pte_swp_clear_flags). */
static inline pte_t pte_swp_clear_flags(pte_t e)
{
	return e & ~(_PAGE_SWP_SOFT_DIRTY | _PAGE_SWP_UFFD_WP | _PAGE_SWP_EXCLUSIVE);
}

/* The swap entry a swap PTE holds (Linux: pte_to_swp_entry). */
static inline swp_entry_t pte_to_swp_entry(pte_t e)
{
	uint64_t arch = pte_swp_clear_flags(e);
	return swp_entry(__swp_type(arch), __swp_offset(arch));
}

/* The swap PTE for entry (Linux: swp_entry_to_pte). */
static inline pte_t swp_entry_to_pte(swp_entry_t entry)
{
	return __swp_entry(swp_type(entry), swp_offset(entry));
}

static inline bool pte_swp_exclusive(pte_t e)
{
	return e & _PAGE_SWP_EXCLUSIVE;
}

static inline pte_t pte_swp_mkexclusive(pte_t e)
{
	return e | _PAGE_SWP_EXCLUSIVE;
}

static inline bool pte_swp_soft_dirty(pte_t e)
{
	return e & _PAGE_SWP_SOFT_DIRTY;
}

static inline pte_t pte_swp_mksoft_dirty(pte_t e)
{
	return e | _PAGE_SWP_SOFT_DIRTY;
}

/* Is entry one of a swap device, not a special entry (Linux:
 * non_swap_entry, negated)? */
static inline bool is_swap_entry(swp_entry_t entry)
{
	return swp_type(entry) < MAX_SWAPFILES;
}

/* Swap entries stored in a radix tree beside page pointers: tagged with
 * bit 0, which a struct page pointer never has (Linux: xa_mk_value,
 * swp_to_radix_entry). */
static inline void *swp_to_radix_entry(swp_entry_t entry)
{
	return (void *)(uintptr_t)((entry.val << 1) | 1);
}

static inline bool radix_is_value(const void *item)
{
	return (uintptr_t)item & 1;
}

static inline swp_entry_t radix_to_swp_entry(const void *item)
{
	return (swp_entry_t){ (uint64_t)(uintptr_t)item >> 1 };
}

/*
 * Migration entries (Linux: include/linux/swapops.h, CONFIG_MIGRATION). While
 * a page moves, each PTE that mapped it holds one of these instead: the
 * entry's type says how the page was mapped (read-only, read-only and
 * exclusive to this process, writable), its offset holds the old frame's
 * number with the PTE's Accessed and Dirty bits just above it (x86-64 has
 * the room: Linux's migration_entry_supports_ad). The frame field is
 * SWP_PFN_BITS wide, MAX_PHYSMEM_BITS - PAGE_SHIFT: 34 bits with 4-level
 * paging, 40 with 5-level. An access meanwhile faults and waits for the
 * page to be unlocked (migration_entry_wait, kernel/migrate.h).
 */
#define SWP_HWPOISON                 MAX_SWAPFILES
#define SWP_MIGRATION_READ           (MAX_SWAPFILES + SWP_HWPOISON_NUM)
#define SWP_MIGRATION_READ_EXCLUSIVE (MAX_SWAPFILES + SWP_HWPOISON_NUM + 1)
#define SWP_MIGRATION_WRITE          (MAX_SWAPFILES + SWP_HWPOISON_NUM + 2)

/* SWP_PFN_BITS for a kernel with this many paging levels (x86-64's
 * MAX_PHYSMEM_BITS is 52 with 5-level paging, 46 without). */
static inline unsigned swp_pfn_bits(int paging_levels)
{
	return (paging_levels == 5 ? 52 : 46) - 12;
}

static inline bool is_migration_entry(swp_entry_t entry)
{
	unsigned t = swp_type(entry);
	return t >= SWP_MIGRATION_READ && t <= SWP_MIGRATION_WRITE;
}

static inline bool is_writable_migration_entry(swp_entry_t entry)
{
	return swp_type(entry) == SWP_MIGRATION_WRITE;
}

static inline bool is_readable_exclusive_migration_entry(swp_entry_t entry)
{
	return swp_type(entry) == SWP_MIGRATION_READ_EXCLUSIVE;
}

/* The entry for a page at pfn mapped with the given access (Linux:
 * make_readable_migration_entry, make_readable_exclusive_migration_entry,
 * make_writable_migration_entry). */
static inline swp_entry_t make_migration_entry(unsigned type, uint64_t pfn)
{
	return swp_entry(type, pfn);
}

/* The frame a migration entry names (Linux: swp_offset_pfn). */
static inline uint64_t swp_offset_pfn(swp_entry_t entry, int paging_levels)
{
	return swp_offset(entry) & ((1ULL << swp_pfn_bits(paging_levels)) - 1);
}

/* Accessed and Dirty carried across the migration (Linux:
 * make_migration_entry_young/dirty, is_migration_entry_young/dirty). */
static inline swp_entry_t make_migration_entry_young(swp_entry_t entry, int paging_levels)
{
	return swp_entry(swp_type(entry), swp_offset(entry) | 1ULL << swp_pfn_bits(paging_levels));
}

static inline swp_entry_t make_migration_entry_dirty(swp_entry_t entry, int paging_levels)
{
	return swp_entry(swp_type(entry), swp_offset(entry) | 1ULL << (swp_pfn_bits(paging_levels) + 1));
}

static inline bool is_migration_entry_young(swp_entry_t entry, int paging_levels)
{
	return swp_offset(entry) >> swp_pfn_bits(paging_levels) & 1;
}

static inline bool is_migration_entry_dirty(swp_entry_t entry, int paging_levels)
{
	return swp_offset(entry) >> (swp_pfn_bits(paging_levels) + 1) & 1;
}

/* Is e a PTE holding a migration entry? */
static inline bool is_migration_pte(pte_t e)
{
	return is_swap_pte(e) && is_migration_entry(pte_to_swp_entry(e));
}

#endif
