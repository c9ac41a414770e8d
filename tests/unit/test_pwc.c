/* Paging-structure caches (SDM §4.10.3): walks start at the deepest hit;
 * entries carry combined rights, belong to a PCID, are never global, and
 * are invalidated with the TLB operations. */
#include "pt_helpers.h"

#define VA1 0x0000000000400000ULL       /* PT slot 0 of a PD */
#define VA2 0x0000000000401000ULL       /* same PT */
#define VA3 0x0000000000600000ULL       /* next PDE, same PD */
#define VA4 0x0000000040400000ULL       /* next PDPTE, same PDPT */
#define VA5 0x0000008000400000ULL       /* next PML4E */
#define PA 0x0000000002000000ULL

/* The walk references and PDE-cache hits a read of va costs. */
static uint64_t refs(struct pt *t, uint64_t va, enum hw_priv priv)
{
	uint64_t before = t->cpu->ctr.walk_refs;
	struct hw_xlat x = hw_translate(t->cpu, va, HW_READ, priv);
	cr_assert_eq(x.exc.vector, 0, "va 0x%lx faulted 0x%x", (unsigned long)va, x.exc.error_code);
	return t->cpu->ctr.walk_refs - before;
}

static struct pt *setup(int levels)
{
	struct pt *t = pt_new("default", levels);
	uint64_t va[] = { VA1, VA2, VA3, VA4, VA5, VA3 + 0x1000, VA5 + 0x1000 };
	for (int i = 0; i < 7; i++)
		pt_map(t, t->root, va[i], PA + 4096ULL * (uint64_t)i, HW_LVL_PT, PT_USER_RW, PT_TABLE, 0);
	return t;
}

static uint32_t pwc_entries(struct pt *t)
{
	uint32_t n = 0;
	for (int i = 0; i < HW_NR_PWCS; i++)
		n += hw_tlb_count(&t->cpu->pwc[i]);
	return n;
}

static void the_walk_starts_at_the_deepest_cached_level(void)
{
	struct pt *t = setup(4);
	cr_assert_eq(refs(t, VA1, HW_USER), 4);
	cr_assert_eq(refs(t, VA2, HW_USER), 1, "PDE cache: only the PTE is read");
	cr_assert_eq(t->cpu->ctr.pwc_hit[HW_PWC_PDE], 1);
	cr_assert_eq(refs(t, VA3, HW_USER), 2, "PDPTE cache: PDE and PTE");
	cr_assert_eq(t->cpu->ctr.pwc_hit[HW_PWC_PDPTE], 1);
	cr_assert_eq(refs(t, VA4, HW_USER), 3, "PML4E cache: PDPTE, PDE, PTE");
	cr_assert_eq(t->cpu->ctr.pwc_hit[HW_PWC_PML4E], 1);
	cr_assert_eq(refs(t, VA5, HW_USER), 4);
	pt_free(t);
}

static void five_level_paging_has_a_pml5e_cache(void)
{
	struct pt *t = setup(5);
	cr_assert_eq(refs(t, VA1, HW_USER), 5);
	cr_assert_eq(refs(t, VA5, HW_USER), 4, "PML5E cache: PML4E, PDPTE, PDE, PTE");
	cr_assert_eq(t->cpu->ctr.pwc_hit[HW_PWC_PML5E], 1);
	pt_free(t);
	t = setup(4);
	refs(t, VA1, HW_USER);
	cr_assert_eq(hw_tlb_count(&t->cpu->pwc[HW_PWC_PML5E]), 0, "unused with 4 levels");
	pt_free(t);
}

static void invlpg_drops_every_entry_of_the_current_pcid(void)
{
	struct pt *t = setup(4);
	refs(t, VA1, HW_USER);
	cr_assert_eq(pwc_entries(t), 3);
	hw_invlpg(t->cpu, VA5);                       /* an unrelated address */
	cr_assert_eq(pwc_entries(t), 0);
	cr_assert_eq(refs(t, VA2, HW_USER), 4);
	pt_free(t);
}

static void invpcid_type0_drops_only_the_entries_for_that_address(void)
{
	struct pt *t = setup(4);
	refs(t, VA1, HW_USER);
	refs(t, VA5, HW_USER);
	cr_assert_eq(hw_invpcid(t->cpu, 0, 0, VA1), 0);
	cr_assert_eq(refs(t, VA2, HW_USER), 4);
	cr_assert_eq(refs(t, VA5 + 0x1000, HW_USER), 1, "VA5's PDE cache entry stayed");
	pt_free(t);
}

static void entries_belong_to_a_pcid(void)
{
	struct pt *t = setup(4);
	cr_assert_eq(hw_mov_to_cr4(t->cpu, t->cpu->cr4 | HW_CR4_PCIDE), 0);
	cr_assert_eq(hw_mov_to_cr3(t->cpu, t->root | 1), 0);
	refs(t, VA1, HW_USER);
	cr_assert_eq(hw_mov_to_cr3(t->cpu, t->root | 2 | HW_CR3_NOFLUSH), 0);
	cr_assert_eq(refs(t, VA2, HW_USER), 4, "PCID 2 cannot use PCID 1's entries");
	cr_assert_eq(hw_mov_to_cr3(t->cpu, t->root | 1 | HW_CR3_NOFLUSH), 0);
	cr_assert_eq(refs(t, VA3, HW_USER), 2);
	cr_assert_eq(hw_invpcid(t->cpu, 1, 2, 0), 0);
	cr_assert_eq(refs(t, VA3 + 0x1000, HW_USER), 1, "type 1 for PCID 2 spared PCID 1");
	pt_free(t);
}

static void a_stale_pde_cache_entry_is_used_until_invalidated(void)
{
	struct pt *t = setup(4);
	refs(t, VA1, HW_USER);
	uint64_t pt2 = pt_alloc(t);
	pt_set(t, pt2 + 8 * hw_va_index(VA2, HW_LVL_PT), hw_mk_page(0x7000000, HW_LVL_PT, PT_USER_RW, 0));
	uint64_t pde = pt_entry_pa(t, t->root, VA1, HW_LVL_PD);
	pt_set(t, pde, hw_mk_table(pt2, PT_TABLE));                  /* point the PDE elsewhere */
	pt_expect_pa(t, VA2, HW_READ, HW_USER, PA + 4096);             /* the old PT, via the cache */
	hw_invlpg(t->cpu, VA2);
	pt_expect_pa(t, VA2, HW_READ, HW_USER, 0x7000000);
	pt_free(t);
}

static void entries_cache_the_rights_combined_above_them(void)
{
	struct pt *t = setup(4);
	uint64_t pml4e = pt_entry_pa(t, t->root, VA1, HW_LVL_PML4);
	pt_set(t, pml4e, pt_get(t, pml4e) & ~HW_PTE_US);
	refs(t, VA1, HW_SUPERVISOR);
	pt_set(t, pml4e, pt_get(t, pml4e) | HW_PTE_US);               /* not invalidated */
	uint64_t walks = t->cpu->ctr.walk_refs;
	pt_expect_pf(t, VA2, HW_READ, HW_USER, HW_PF_P | HW_PF_U);
	cr_assert_eq(t->cpu->ctr.walk_refs, walks + 1, "decided from the PDE cache");
	pt_expect_pa(t, VA2, HW_READ, HW_USER, PA + 4096);           /* the #PF dropped them */
	pt_free(t);
}

static void global_pages_do_not_make_global_pwc_entries(void)
{
	struct pt *t = pt_new("default", 4);
	uint64_t g = 0xffffffff81000000ULL;
	pt_map(t, t->root, g, PA, HW_LVL_PT, PT_KERN_RW | HW_PTE_G, PT_KERN_RW, 0);
	pt_map(t, t->root, g + 0x1000, PA, HW_LVL_PT, PT_KERN_RW | HW_PTE_G, PT_KERN_RW, 0);
	cr_assert_eq(hw_mov_to_cr4(t->cpu, t->cpu->cr4 | HW_CR4_PGE), 0);
	refs(t, g, HW_SUPERVISOR);
	cr_assert_eq(hw_mov_to_cr3(t->cpu, t->root), 0);
	cr_assert_eq(refs(t, g, HW_SUPERVISOR), 0, "the global TLB entry survived");
	cr_assert_eq(refs(t, g + 0x1000, HW_SUPERVISOR), 4, "the PWC entries did not");
	pt_free(t);
}

static void a_page_fault_drops_the_entries_for_its_address(void)
{
	struct pt *t = setup(4);
	refs(t, VA1, HW_USER);
	refs(t, VA5, HW_USER);
	pt_expect_pf(t, VA1 + 0x5000, HW_READ, HW_USER, HW_PF_U);    /* unmapped, same PT */
	cr_assert_eq(refs(t, VA2, HW_USER), 4);
	cr_assert_eq(refs(t, VA5 + 0x1000, HW_USER), 1);
	pt_free(t);
}

static void non_leaf_entries_get_accessed_before_they_are_cached(void)
{
	struct pt *t = setup(4);
	refs(t, VA1, HW_USER);
	uint64_t pde = pt_entry_pa(t, t->root, VA1, HW_LVL_PD);
	cr_assert(pt_get(t, pde) & HW_PTE_A);
	pt_set(t, pde, pt_get(t, pde) & ~HW_PTE_A);
	refs(t, VA2, HW_USER);
	cr_assert_not(pt_get(t, pde) & HW_PTE_A, "a PDE-cache hit does not read the PDE");
	pt_free(t);
}

/* Which levels a walk skips. */
Test(pwc, walks_start_at_the_deepest_hit)
{
	the_walk_starts_at_the_deepest_cached_level();
	five_level_paging_has_a_pml5e_cache();
	non_leaf_entries_get_accessed_before_they_are_cached();
}

/* INVLPG, INVPCID, PCIDs, globals and faults. */
Test(pwc, invalidation)
{
	invlpg_drops_every_entry_of_the_current_pcid();
	invpcid_type0_drops_only_the_entries_for_that_address();
	entries_belong_to_a_pcid();
	global_pages_do_not_make_global_pwc_entries();
	a_page_fault_drops_the_entries_for_its_address();
}

/* Cached entries outlive edits; they carry combined rights. */
Test(pwc, stale_entries_and_rights)
{
	a_stale_pde_cache_entry_is_used_until_invalidated();
	entries_cache_the_rights_combined_above_them();
}
