/* hw/pte.c — names of paging levels and a text rendering of entries. */
#include "hw/pte.h"

#include <inttypes.h>
#include <stdio.h>

static const char *const intel_table[] = { "?", "PT", "PD", "PDPT", "PML4", "PML5" };
static const char *const intel_entry[] = { "?", "PTE", "PDE", "PDPTE", "PML4E", "PML5E" };

static bool level_ok(int level)
{
	return level >= HW_LVL_PT && level <= HW_LVL_PML5;
}

/* See pte.h. */
const char *hw_level_name(int level)
{
	return intel_table[level_ok(level) ? level : 0];
}

/* See pte.h. */
const char *hw_level_entry_name(int level)
{
	return intel_entry[level_ok(level) ? level : 0];
}

/* See pte.h. Linux counts from the root: with 4-level paging p4d is folded
 * into pgd, so the PML4 is the pgd; with 5-level paging the PML5 is. */
const char *hw_level_linux_name(int level, int paging_levels)
{
	static const char *const low[] = { "?", "pte", "pmd", "pud" };
	if (!level_ok(level) || level > paging_levels)
		return "?";
	if (level <= HW_LVL_PDPT)
		return low[level];
	return level == paging_levels ? "pgd" : "p4d";
}

/* The flag names of a present entry, in bit order; PS/PAT/G/D depend on
 * whether the entry maps a page. */
static int describe_flags(uint64_t e, int level, char *buf, size_t len)
{
	bool leaf = hw_pte_is_leaf(e, level);
	bool big = leaf && level != HW_LVL_PT;
	return snprintf(buf, len, "P%s%s%s%s%s%s%s%s%s",
			e & HW_PTE_RW ? " RW" : "", e & HW_PTE_US ? " US" : "",
			e & HW_PTE_PWT ? " PWT" : "", e & HW_PTE_PCD ? " PCD" : "",
			e & HW_PTE_A ? " A" : "", leaf && (e & HW_PTE_D) ? " D" : "",
			big ? " PS" : (leaf && (e & HW_PTE_PAT) ? " PAT" : ""),
			leaf && (e & HW_PTE_G) ? " G" : "",
			big && (e & HW_PTE_PAT_LARGE) ? " PAT" : "");
}

/* See pte.h. */
int hw_pte_describe(uint64_t e, int level, char *buf, size_t len)
{
	char flags[64];
	if (!(e & HW_PTE_P))
		return e ? snprintf(buf, len, "not present (0x%016" PRIx64 ")", e)
			 : snprintf(buf, len, "not present");
	describe_flags(e, level, flags, sizeof flags);
	unsigned key = hw_pte_pkey(e);
	char pk[sizeof " pkey=4294967295"] = "";  /* any unsigned */
	if (key && hw_pte_is_leaf(e, level))
		snprintf(pk, sizeof pk, " pkey=%u", key);
	return snprintf(buf, len, "%s%s%s pfn=0x%" PRIx64, flags, pk,
			e & HW_PTE_XD ? " NX" : "", hw_pte_addr(e, level) >> 12);
}
