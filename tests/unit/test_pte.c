/* Paging-structure entries: bit positions, names, build and decode (SDM §4.5). */
#include <criterion/criterion.h>

#include "hw/pte.h"

#include <string.h>

Test(pte, bits_sit_where_the_sdm_puts_them_under_both_names)
{
	cr_assert_eq(HW_PTE_P, 1ULL << 0);
	cr_assert_eq(HW_PTE_RW, 1ULL << 1);
	cr_assert_eq(HW_PTE_US, 1ULL << 2);
	cr_assert_eq(HW_PTE_PWT, 1ULL << 3);
	cr_assert_eq(HW_PTE_PCD, 1ULL << 4);
	cr_assert_eq(HW_PTE_A, 1ULL << 5);
	cr_assert_eq(HW_PTE_D, 1ULL << 6);
	cr_assert_eq(HW_PTE_PS, 1ULL << 7);
	cr_assert_eq(HW_PTE_G, 1ULL << 8);
	cr_assert_eq(HW_PTE_PAT_LARGE, 1ULL << 12);
	cr_assert_eq(HW_PTE_PKEY_MASK, 0x7800000000000000ULL);
	cr_assert_eq(HW_PTE_XD, 1ULL << 63);
	cr_assert_eq(HW_PTE_ADDR_MASK, 0x000ffffffffff000ULL);
	/* Linux's names are the same bits */
	cr_assert_eq(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_PWT | _PAGE_PCD | _PAGE_ACCESSED |
		     _PAGE_DIRTY | _PAGE_PSE | _PAGE_GLOBAL, 0x1ffULL);
	cr_assert_eq(_PAGE_PAT, 1ULL << _PAGE_BIT_PAT);
	cr_assert_eq(_PAGE_PAT_LARGE, 1ULL << _PAGE_BIT_PAT_LARGE);
	cr_assert_eq(_PAGE_NX, 1ULL << _PAGE_BIT_NX);
	cr_assert_eq(_PAGE_PKEY_BIT0 | _PAGE_PKEY_BIT1 | _PAGE_PKEY_BIT2 | _PAGE_PKEY_BIT3, _PAGE_PKEY_MASK);
}

Test(pte, levels_have_intel_and_linux_names_and_index_bits)
{
	cr_assert_str_eq(hw_level_name(HW_LVL_PML5), "PML5");
	cr_assert_str_eq(hw_level_name(HW_LVL_PDPT), "PDPT");
	cr_assert_str_eq(hw_level_entry_name(HW_LVL_PD), "PDE");
	cr_assert_str_eq(hw_level_entry_name(HW_LVL_PML4), "PML4E");
	/* 4-level: p4d is folded into pgd, so the PML4 is the pgd */
	cr_assert_str_eq(hw_level_linux_name(HW_LVL_PML4, 4), "pgd");
	cr_assert_str_eq(hw_level_linux_name(HW_LVL_PML5, 4), "?");
	cr_assert_str_eq(hw_level_linux_name(HW_LVL_PML5, 5), "pgd");
	cr_assert_str_eq(hw_level_linux_name(HW_LVL_PML4, 5), "p4d");
	cr_assert_str_eq(hw_level_linux_name(HW_LVL_PUD, 4), "pud");
	cr_assert_str_eq(hw_level_linux_name(HW_LVL_PMD, 5), "pmd");
	cr_assert_str_eq(hw_level_linux_name(HW_LVL_PTE, 4), "pte");
	cr_assert_str_eq(hw_level_name(0), "?");
	cr_assert_str_eq(hw_level_name(6), "?");
	/* indexes come from the SDM's bit ranges */
	uint64_t va = 0x00007f1234567abcULL;
	cr_assert_eq(hw_va_index(va, HW_LVL_PML4), (va >> 39) & 511);
	cr_assert_eq(hw_va_index(va, HW_LVL_PDPT), (va >> 30) & 511);
	cr_assert_eq(hw_va_index(va, HW_LVL_PD), (va >> 21) & 511);
	cr_assert_eq(hw_va_index(va, HW_LVL_PT), (va >> 12) & 511);
	cr_assert_eq(hw_va_index(0x01ff000000000000ULL, HW_LVL_PML5), 511);   /* bits 56:48 */
	cr_assert_eq(hw_level_shift(HW_LVL_PML5), 48);
}

Test(pte, build_and_decode_entries_of_every_page_size)
{
	uint64_t e = hw_mk_page(0x1234000, HW_LVL_PT, HW_PTE_P | HW_PTE_RW | HW_PTE_PAT | HW_PTE_XD, 3);
	cr_assert_eq(e, 0x1234000ULL | 0x83 | (3ULL << 59) | HW_PTE_XD);
	cr_assert(hw_pte_is_leaf(e, HW_LVL_PT));
	cr_assert_eq(hw_pte_addr(e, HW_LVL_PT), 0x1234000);
	cr_assert_eq(hw_pte_pkey(e), 3);
	/* large pages set PS and keep PAT out of the address */
	uint64_t e2m = hw_mk_page(0x40000000, HW_LVL_PD, HW_PTE_P | HW_PTE_PAT_LARGE, 0);
	cr_assert_eq(e2m, 0x40000000ULL | HW_PTE_P | HW_PTE_PS | HW_PTE_PAT_LARGE);
	cr_assert(hw_pte_is_leaf(e2m, HW_LVL_PD));
	cr_assert_eq(hw_pte_addr(e2m, HW_LVL_PD), 0x40000000);
	uint64_t e1g = hw_mk_page(0x80000000, HW_LVL_PDPT, HW_PTE_P, 0) | (1ULL << 21);
	cr_assert_eq(hw_pte_addr(e1g, HW_LVL_PDPT), 0x80000000, "bits below 30 are not address");
	/* PS in a PML4E does not make it a leaf (it is a reserved bit there) */
	cr_assert_not(hw_pte_is_leaf(HW_PTE_P | HW_PTE_PS, HW_LVL_PML4));
	/* a table entry never has PS */
	uint64_t t = hw_mk_table(0x5000, HW_PTE_P | HW_PTE_RW | HW_PTE_PS);
	cr_assert_eq(t, 0x5003);
	cr_assert_not(hw_pte_is_leaf(t, HW_LVL_PD));
	cr_assert_eq(hw_pte_addr(t, HW_LVL_PD), 0x5000);
}

Test(pte, describe_renders_flags_key_and_frame)
{
	char buf[128];
	hw_pte_describe(0x1234000ULL | 0x67 | HW_PTE_XD, HW_LVL_PT, buf, sizeof buf);
	cr_assert_str_eq(buf, "P RW US A D NX pfn=0x1234");
	hw_pte_describe(hw_mk_page(0x200000, HW_LVL_PD, HW_PTE_P | HW_PTE_G, 5), HW_LVL_PD, buf, sizeof buf);
	cr_assert_str_eq(buf, "P PS G pkey=5 pfn=0x200");
	hw_pte_describe(0x3003, HW_LVL_PML4, buf, sizeof buf);
	cr_assert_str_eq(buf, "P RW pfn=0x3");
	hw_pte_describe(0, HW_LVL_PT, buf, sizeof buf);
	cr_assert_str_eq(buf, "not present");
	hw_pte_describe(0xabc0, HW_LVL_PT, buf, sizeof buf);
	cr_assert_str_eq(buf, "not present (0x000000000000abc0)");
}
