/* tests/unit/pt_helpers.h — page tables for MMU tests, built by hand.
 *
 * A machine from a preset (with small RAM) whose page tables come from a
 * bump allocator over its RAM; no kernel involved. */
#ifndef MMSIM_TEST_PT_HELPERS_H
#define MMSIM_TEST_PT_HELPERS_H

#include <criterion/criterion.h>

#include "hw/mmu.h"

#define PT_TABLE (HW_PTE_P | HW_PTE_RW | HW_PTE_US)     /* permissive non-leaf */
#define PT_USER_RW (HW_PTE_P | HW_PTE_RW | HW_PTE_US)
#define PT_KERN_RW (HW_PTE_P | HW_PTE_RW)

struct pt {
	struct ram ram;
	struct hw_config cfg;
	struct hw_machine m;
	struct hw_cpu *cpu;     /* core 0 */
	uint64_t next;          /* next free frame of the bump allocator */
	uint64_t root;          /* root table, loaded in core 0's CR3 */
};

/* A machine from preset (64 MiB of RAM, paging levels as given) with an
 * empty root table in CR3. */
struct pt *pt_new(const char *preset, int levels);
/* The same from a full configuration (RAM size taken from cfg). */
struct pt *pt_new_cfg(const struct hw_config *cfg);
void pt_free(struct pt *t);

/* A zeroed 4 KiB frame. */
uint64_t pt_alloc(struct pt *t);

/* Map va to pa in the tree at root with a leaf at level (HW_LVL_PT: 4K,
 * PD: 2M, PDPT: 1G) carrying leaf_flags and pkey; missing tables are
 * created with table_flags. Returns the physical address of the leaf. */
uint64_t pt_map(struct pt *t, uint64_t root, uint64_t va, uint64_t pa, int level, uint64_t leaf_flags,
		uint64_t table_flags, unsigned pkey);

/* Physical address of the entry of level for va in the tree at root. */
uint64_t pt_entry_pa(struct pt *t, uint64_t root, uint64_t va, int level);

uint64_t pt_get(struct pt *t, uint64_t pa);
void pt_set(struct pt *t, uint64_t pa, uint64_t value);

/* Translate on core 0 and assert a #PF with error code, or success to pa. */
void pt_expect_pf(struct pt *t, uint64_t va, enum hw_access kind, enum hw_priv priv, uint32_t code);
void pt_expect_pa(struct pt *t, uint64_t va, enum hw_access kind, enum hw_priv priv, uint64_t pa);

#endif
