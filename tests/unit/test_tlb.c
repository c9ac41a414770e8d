/* TLBs: hits and misses, stale entries, and the effect of every
 * invalidation operation of SDM §4.10.4.1; replacement; splintering. */
#include "pt_helpers.h"

#define VA1 0x0000000000400000ULL
#define VA2 0x0000000000401000ULL
#define GVA 0xffffffff81000000ULL       /* a global kernel page */
#define PA1 0x0000000002000000ULL
#define PA2 0x0000000002001000ULL
#define PA3 0x0000000002002000ULL

/* Translate va (user read unless kernel) and say whether it needed a walk. */
static bool walked(struct pt *t, uint64_t va, uint64_t *pa)
{
	uint64_t before = t->cpu->ctr.walks;
	struct hw_xlat x = hw_translate(t->cpu, va, HW_READ, va >> 63 ? HW_SUPERVISOR : HW_USER);
	cr_assert_eq(x.exc.vector, 0, "va 0x%lx faulted (0x%x)", (unsigned long)va, x.exc.error_code);
	if (pa)
		*pa = x.pa;
	return t->cpu->ctr.walks != before;
}

/* Remap the 4K page va to pa in the tree at root, without invalidating. */
static void remap(struct pt *t, uint64_t root, uint64_t va, uint64_t pa)
{
	uint64_t e = pt_entry_pa(t, root, va, HW_LVL_PT);
	pt_set(t, e, (pt_get(t, e) & ~HW_PTE_ADDR_MASK) | pa);
}

/* A default machine with VA1 and VA2 (user) and GVA (global, CR4.PGE=1). */
static struct pt *setup(void)
{
	struct pt *t = pt_new("default", 4);
	pt_map(t, t->root, VA1, PA1, HW_LVL_PT, PT_USER_RW, PT_TABLE, 0);
	pt_map(t, t->root, VA2, PA2, HW_LVL_PT, PT_USER_RW, PT_TABLE, 0);
	pt_map(t, t->root, GVA, PA3, HW_LVL_PT, PT_KERN_RW | HW_PTE_G, PT_KERN_RW, 0);
	cr_assert_eq(hw_mov_to_cr4(t->cpu, t->cpu->cr4 | HW_CR4_PGE), 0);
	return t;
}

static void first_access_walks_then_hits(void)
{
	struct pt *t = setup();
	struct hw_counters *c = &t->cpu->ctr;
	cr_assert(walked(t, VA1, NULL));
	cr_assert_eq(c->tlb_miss[HW_L1D][HW_PS_4K], 1);
	cr_assert_eq(c->tlb_miss[HW_L2][HW_PS_4K], 1);
	cr_assert_eq(c->walk_refs, 4);
	cr_assert_not(walked(t, VA1 + 8, NULL));
	cr_assert_eq(c->tlb_hit[HW_L1D][HW_PS_4K], 1);
	cr_assert_eq(hw_tlb_count(&t->cpu->tlb[HW_TLB_DTLB4K]), 1);
	cr_assert_eq(hw_tlb_count(&t->cpu->tlb[HW_TLB_STLB]), 1);
	pt_free(t);
}

static void writing_a_pte_leaves_the_stale_translation_until_invlpg(void)
{
	struct pt *t = setup();
	uint64_t pa;
	walked(t, VA1, &pa);
	cr_assert_eq(pa, PA1);
	remap(t, t->root, VA1, PA3);
	cr_assert_not(walked(t, VA1, &pa));
	cr_assert_eq(pa, PA1, "the TLB still holds the old frame");
	cr_assert_eq(hw_invlpg(t->cpu, VA1 + 0x123), 0);
	cr_assert(walked(t, VA1, &pa));
	cr_assert_eq(pa, PA3);
	pt_free(t);
}

static void invlpg_drops_the_l1_and_stlb_entry_of_that_page_only(void)
{
	struct pt *t = setup();
	walked(t, VA1, NULL);
	walked(t, VA2, NULL);
	hw_invlpg(t->cpu, VA1);
	cr_assert_eq(hw_tlb_count(&t->cpu->tlb[HW_TLB_DTLB4K]), 1);
	cr_assert_eq(hw_tlb_count(&t->cpu->tlb[HW_TLB_STLB]), 1);
	cr_assert_not(walked(t, VA2, NULL));
	cr_assert_eq(t->cpu->ctr.invlpg, 1);
	pt_free(t);
}

static void cr3_load_without_pcid_flushes_all_but_global_entries(void)
{
	struct pt *t = setup();
	uint64_t pa;
	walked(t, VA1, NULL);
	walked(t, GVA, NULL);
	remap(t, t->root, VA1, PA3);
	remap(t, t->root, GVA, PA1);
	cr_assert_eq(hw_mov_to_cr3(t->cpu, t->root), 0);
	cr_assert(walked(t, VA1, &pa));
	cr_assert_eq(pa, PA3);
	cr_assert_not(walked(t, GVA, &pa), "a global entry survives MOV to CR3");
	cr_assert_eq(pa, PA3);
	hw_invlpg(t->cpu, GVA);                                       /* INVLPG drops globals */
	cr_assert(walked(t, GVA, &pa));
	cr_assert_eq(pa, PA1);
	cr_assert_eq(t->cpu->ctr.cr3_flush, 2);                         /* pt_new's load and ours */
	pt_free(t);
}

static void toggling_cr4_pge_flushes_global_entries(void)
{
	struct pt *t = setup();
	walked(t, GVA, NULL);
	cr_assert_eq(hw_mov_to_cr4(t->cpu, t->cpu->cr4 & ~HW_CR4_PGE), 0);
	cr_assert(walked(t, GVA, NULL));
	cr_assert_eq(hw_mov_to_cr4(t->cpu, t->cpu->cr4 | HW_CR4_PGE), 0);
	cr_assert(walked(t, GVA, NULL));
	cr_assert_eq(t->cpu->ctr.cr4_flush, 3);                         /* setup, off, on */
	cr_assert_eq(hw_mov_to_cr4(t->cpu, t->cpu->cr4 | HW_CR4_SMAP), 0);
	cr_assert_not(walked(t, GVA, NULL), "SMAP does not flush");
	pt_free(t);
}

static void setting_smep_flushes_the_current_pcid(void)
{
	struct pt *t = setup();
	walked(t, VA1, NULL);
	walked(t, GVA, NULL);
	cr_assert_eq(hw_mov_to_cr4(t->cpu, t->cpu->cr4 | HW_CR4_SMEP), 0);
	cr_assert(walked(t, VA1, NULL));
	pt_free(t);
}

/* ---- PCIDs ------------------------------------------------------------------- */

/* setup() plus PCIDE, and a second address space B mapping VA1 to PA2. */
static uint64_t pcid_setup(struct pt **out)
{
	struct pt *t = setup();
	uint64_t b = pt_alloc(t);
	pt_map(t, b, VA1, PA2, HW_LVL_PT, PT_USER_RW, PT_TABLE, 0);
	pt_map(t, b, GVA, PA3, HW_LVL_PT, PT_KERN_RW | HW_PTE_G, PT_KERN_RW, 0);
	cr_assert_eq(hw_mov_to_cr4(t->cpu, t->cpu->cr4 | HW_CR4_PCIDE), 0);
	cr_assert_eq(hw_mov_to_cr3(t->cpu, t->root | 1), 0);
	*out = t;
	return b;
}

static void entries_are_tagged_by_pcid_and_survive_a_no_flush_switch(void)
{
	struct pt *t;
	uint64_t b = pcid_setup(&t), pa;
	walked(t, VA1, &pa);
	cr_assert_eq(pa, PA1);
	cr_assert_eq(hw_mov_to_cr3(t->cpu, b | 2), 0);
	cr_assert(walked(t, VA1, &pa), "PCID 2 cannot use PCID 1's entry");
	cr_assert_eq(pa, PA2);
	remap(t, t->root, VA1, PA3);
	cr_assert_eq(hw_mov_to_cr3(t->cpu, t->root | 1 | HW_CR3_NOFLUSH), 0);
	cr_assert_not(walked(t, VA1, &pa));
	cr_assert_eq(pa, PA1, "bit 63 kept PCID 1's (now stale) entry");
	cr_assert_eq(hw_mov_to_cr3(t->cpu, t->root | 1), 0);
	cr_assert(walked(t, VA1, &pa), "bit 63 clear flushes PCID 1");
	cr_assert_eq(pa, PA3);
	cr_assert_eq(hw_mov_to_cr3(t->cpu, b | 2 | HW_CR3_NOFLUSH), 0);
	cr_assert_not(walked(t, VA1, &pa), "PCID 2 was not flushed");
	cr_assert_eq(t->cpu->ctr.cr3_noflush, 2);
	pt_free(t);
}

static void a_global_entry_serves_every_pcid(void)
{
	struct pt *t;
	uint64_t b = pcid_setup(&t);
	walked(t, GVA, NULL);
	hw_mov_to_cr3(t->cpu, b | 2);
	cr_assert_not(walked(t, GVA, NULL));
	pt_free(t);
}

static void clearing_pcide_flushes_everything(void)
{
	struct pt *t;
	pcid_setup(&t);
	walked(t, GVA, NULL);
	cr_assert_eq(hw_mov_to_cr3(t->cpu, t->root), 0);
	cr_assert_eq(hw_mov_to_cr4(t->cpu, t->cpu->cr4 & ~HW_CR4_PCIDE), 0);
	cr_assert(walked(t, GVA, NULL));
	pt_free(t);
}

/* Fill VA1 and VA2 under PCID 1, VA1 under PCID 2, and GVA; then return to
 * PCID 1 without flushing. */
static uint64_t fill_two_pcids(struct pt **out)
{
	uint64_t b = pcid_setup(out);
	struct pt *t = *out;
	walked(t, VA1, NULL);
	walked(t, VA2, NULL);
	walked(t, GVA, NULL);
	hw_mov_to_cr3(t->cpu, b | 2 | HW_CR3_NOFLUSH);
	walked(t, VA1, NULL);
	hw_mov_to_cr3(t->cpu, t->root | 1 | HW_CR3_NOFLUSH);
	return b;
}

/* Whether VA1 under PCID 2 still hits; returns to PCID 1. */
static bool pcid2_va1_hits(struct pt *t, uint64_t b)
{
	hw_mov_to_cr3(t->cpu, b | 2 | HW_CR3_NOFLUSH);
	bool hit = !walked(t, VA1, NULL);
	hw_mov_to_cr3(t->cpu, t->root | 1 | HW_CR3_NOFLUSH);
	return hit;
}

static void invpcid_type0_drops_one_address_of_one_pcid(void)
{
	struct pt *t;
	uint64_t b = fill_two_pcids(&t);
	cr_assert_eq(hw_invpcid(t->cpu, 0, 1, VA1), 0);
	cr_assert_eq(hw_invpcid(t->cpu, 0, 1, GVA), 0);
	cr_assert(pcid2_va1_hits(t, b));
	cr_assert_not(walked(t, VA2, NULL));
	cr_assert_not(walked(t, GVA, NULL), "type 0 keeps global translations");
	cr_assert(walked(t, VA1, NULL));
	pt_free(t);
}

static void invpcid_type1_drops_one_pcid_but_not_globals(void)
{
	struct pt *t;
	uint64_t b = fill_two_pcids(&t);
	cr_assert_eq(hw_invpcid(t->cpu, 1, 1, 0), 0);
	cr_assert(pcid2_va1_hits(t, b));
	cr_assert_not(walked(t, GVA, NULL));
	cr_assert(walked(t, VA2, NULL));
	cr_assert(walked(t, VA1, NULL));
	pt_free(t);
}

static void invpcid_type2_drops_everything(void)
{
	struct pt *t;
	uint64_t b = fill_two_pcids(&t);
	cr_assert_eq(hw_invpcid(t->cpu, 2, 0, 0), 0);
	cr_assert(walked(t, GVA, NULL));
	cr_assert_not(pcid2_va1_hits(t, b));
	pt_free(t);
}

static void invpcid_type3_drops_all_pcids_but_keeps_globals(void)
{
	struct pt *t;
	uint64_t b = fill_two_pcids(&t);
	cr_assert_eq(hw_invpcid(t->cpu, 3, 0, 0), 0);
	cr_assert_not(walked(t, GVA, NULL));
	cr_assert(walked(t, VA2, NULL));
	cr_assert_not(pcid2_va1_hits(t, b));
	pt_free(t);
}

static void invlpg_spares_other_pcids(void)
{
	struct pt *t;
	uint64_t b = fill_two_pcids(&t);
	hw_invlpg(t->cpu, VA1);
	cr_assert(walked(t, VA1, NULL));
	cr_assert(pcid2_va1_hits(t, b));
	pt_free(t);
}

/* ---- faults, dirty flags ----------------------------------------------------------- */

static void a_fault_from_stale_rights_drops_the_entry_so_the_retry_succeeds(void)
{
	struct pt *t = pt_new("default", 4);
	uint64_t leaf = pt_map(t, t->root, VA1, PA1, HW_LVL_PT, HW_PTE_P | HW_PTE_US, PT_TABLE, 0);
	walked(t, VA1, NULL);
	pt_set(t, leaf, pt_get(t, leaf) | HW_PTE_RW);                  /* upgrade, no flush */
	uint64_t walks = t->cpu->ctr.walks;
	pt_expect_pf(t, VA1, HW_WRITE, HW_USER, HW_PF_P | HW_PF_W | HW_PF_U);
	cr_assert_eq(t->cpu->ctr.walks, walks, "the fault came from the cached rights");
	cr_assert_eq(t->cpu->ctr.pf_flush, 1);
	pt_expect_pa(t, VA1, HW_WRITE, HW_USER, PA1);
	cr_assert_eq(t->cpu->ctr.walks, walks + 1);
	pt_free(t);
}

/* With rewalk_stale (zen4), a hit whose rights forbid the access walks
 * again: the upgraded entry in memory serves the write without a fault,
 * and a downgrade that really forbids it faults after that walk. */
static void amd_walks_again_before_faulting_from_stale_rights(void)
{
	struct pt *t = pt_new("zen4", 4);
	uint64_t leaf = pt_map(t, t->root, VA1, PA1, HW_LVL_PT, HW_PTE_P | HW_PTE_US, PT_TABLE, 0);
	walked(t, VA1, NULL);
	pt_set(t, leaf, pt_get(t, leaf) | HW_PTE_RW);                  /* upgrade, no flush */
	uint64_t walks = t->cpu->ctr.walks;
	pt_expect_pa(t, VA1, HW_WRITE, HW_USER, PA1);
	cr_assert_eq(t->cpu->ctr.walks, walks + 1, "walked again");
	cr_assert_eq(t->cpu->ctr.stale_rewalk, 2, "the L1 and the STLB entries were stale");
	cr_assert_eq(t->cpu->ctr.pf_flush, 0, "no fault");
	pt_expect_pa(t, VA1 + 8, HW_WRITE, HW_USER, PA1 + 8);
	cr_assert_eq(t->cpu->ctr.walks, walks + 1, "the refreshed entry hits");
	pt_map(t, t->root, VA2, PA2, HW_LVL_PT, HW_PTE_P | HW_PTE_US, PT_TABLE, 0);
	walked(t, VA2, NULL);                                          /* read-only, for real */
	walks = t->cpu->ctr.walks;
	pt_expect_pf(t, VA2, HW_WRITE, HW_USER, HW_PF_P | HW_PF_W | HW_PF_U);
	cr_assert_eq(t->cpu->ctr.walks, walks + 1, "the fault comes after the walk");
	cr_assert_eq(t->cpu->ctr.pf_flush, 1);
	pt_free(t);
}

static void a_write_through_a_clean_entry_walks_to_set_dirty(void)
{
	struct pt *t = setup();
	uint64_t leaf = pt_entry_pa(t, t->root, VA1, HW_LVL_PT);
	walked(t, VA1, NULL);
	cr_assert_not(pt_get(t, leaf) & HW_PTE_D);
	pt_expect_pa(t, VA1, HW_WRITE, HW_USER, PA1);
	cr_assert_eq(t->cpu->ctr.dirty_miss, 2, "clean in the L1 and in the STLB");
	cr_assert_eq(t->cpu->ctr.walks, 2);
	cr_assert(pt_get(t, leaf) & HW_PTE_D);
	pt_expect_pa(t, VA1 + 1, HW_WRITE, HW_USER, PA1 + 1);
	cr_assert_eq(t->cpu->ctr.walks, 2, "now dirty in the TLB");
	pt_free(t);
}

static void clearing_a_in_memory_is_not_seen_while_the_entry_is_cached(void)
{
	struct pt *t = setup();
	uint64_t leaf = pt_entry_pa(t, t->root, VA1, HW_LVL_PT);
	walked(t, VA1, NULL);
	pt_set(t, leaf, pt_get(t, leaf) & ~HW_PTE_A);
	walked(t, VA1, NULL);
	cr_assert_not(pt_get(t, leaf) & HW_PTE_A, "a TLB hit does not set A");
	hw_invlpg(t->cpu, VA1);
	walked(t, VA1, NULL);
	cr_assert(pt_get(t, leaf) & HW_PTE_A);
	pt_free(t);
}

/* ---- replacement --------------------------------------------------------------- */

/* A machine whose only data TLB is one 4-way set with policy repl. */
static struct pt *one_set(enum hw_repl repl)
{
	struct hw_config cfg = hw_preset_find("default")->config;
	cfg.ram_bytes = 64ULL << 20;
	cfg.tlb[HW_TLB_DTLB4K] = (struct hw_geom){ .entries = 4, .ways = 4, .repl = (uint8_t)repl,
						   .sizes = HW_SIZE_BIT(HW_PS_4K) };
	cfg.tlb[HW_TLB_STLB].entries = 0;
	struct pt *t = pt_new_cfg(&cfg);
	for (uint64_t i = 0; i < 5; i++)
		pt_map(t, t->root, VA1 + i * 4096, PA1 + i * 4096, HW_LVL_PT, PT_USER_RW, PT_TABLE, 0);
	return t;
}

/* Access pages A B C D A E (indexes 0 1 2 3 0 4) and report which of B
 * and C is still cached. */
static void abcdae(struct pt *t, bool *b_in, bool *c_in)
{
	static const int seq[] = { 0, 1, 2, 3, 0, 4 };
	for (int i = 0; i < 6; i++)
		walked(t, VA1 + (uint64_t)seq[i] * 4096, NULL);
	struct hw_tlb *d = &t->cpu->tlb[HW_TLB_DTLB4K];
	*b_in = hw_tlb_find(d, (VA1 >> 12) + 1, 0, 0) >= 0;
	*c_in = hw_tlb_find(d, (VA1 >> 12) + 2, 0, 0) >= 0;
}

static void true_lru_evicts_the_least_recently_used(void)
{
	struct pt *t = one_set(HW_REPL_LRU);
	bool b, c;
	abcdae(t, &b, &c);
	cr_assert_not(b, "LRU evicts B");
	cr_assert(c);
	cr_assert_eq(t->cpu->ctr.evictions[HW_TLB_DTLB4K], 1);
	pt_free(t);
}

static void tree_plru_evicts_where_the_tree_points(void)
{
	struct pt *t = one_set(HW_REPL_PLRU);
	bool b, c;
	abcdae(t, &b, &c);
	cr_assert(b);
	cr_assert_not(c, "tree-PLRU evicts C: the A hit points the root right");
	pt_free(t);
}

/* ---- page sizes --------------------------------------------------------------- */

static void a_1g_page_is_splintered_where_no_1g_tlb_exists(void)
{
	struct pt *t = pt_new("teaching", 4);
	uint64_t va = 0x0000004000000000ULL;
	pt_map(t, t->root, va, 0, HW_LVL_PDPT, PT_USER_RW, PT_TABLE, 0);
	struct hw_xlat x = hw_translate(t->cpu, va + 0x12345678, HW_READ, HW_USER);
	cr_assert_eq(x.pa, 0x12345678);
	cr_assert_eq(hw_tlb_count(&t->cpu->tlb[HW_TLB_DTLB2M]), 1);
	cr_assert_eq(hw_tlb_count(&t->cpu->tlb[HW_TLB_STLB]), 1);
	x = hw_translate(t->cpu, va + 0x12345000, HW_READ, HW_USER);
	cr_assert_eq(x.page_shift, 30, "the hit reports the page size, not the splinter's");
	cr_assert_eq(t->cpu->ctr.tlb_hit[HW_L1D][HW_PS_1G], 1);
	cr_assert(walked(t, va + 0x00200000, NULL), "another 2M piece of the page misses");
	cr_assert_eq(hw_tlb_count(&t->cpu->tlb[HW_TLB_DTLB2M]), 2);
	hw_invlpg(t->cpu, va + 0x3ff00000);                          /* a third piece */
	cr_assert_eq(hw_tlb_count(&t->cpu->tlb[HW_TLB_DTLB2M]), 0, "INVLPG drops every piece");
	cr_assert_eq(hw_tlb_count(&t->cpu->tlb[HW_TLB_STLB]), 0);
	pt_free(t);
}

static void an_stlb_splinter_refills_the_l1_with_the_whole_page(void)
{
	struct pt *t = pt_new("zen4", 4);
	uint64_t va = 0x0000004000000000ULL;
	pt_map(t, t->root, va, 0, HW_LVL_PDPT, PT_USER_RW, PT_TABLE, 0);
	walked(t, va + 0x1000, NULL);
	struct hw_tlb *l1 = &t->cpu->tlb[HW_TLB_DTLB4K];
	struct hw_inv all = { .pcid = -1, .global = true, .nonglobal = true };
	hw_tlb_invalidate(l1, &all);                                 /* drop the L1 only */
	cr_assert_not(walked(t, va + 0x1000, NULL));
	cr_assert_eq(t->cpu->ctr.tlb_hit[HW_L2][HW_PS_1G], 1);
	cr_assert(hw_tlb_find(l1, va >> 30, 2, 0) >= 0, "the L1 holds a 1G entry again");
	cr_assert_not(walked(t, va + 0x30000000, NULL));
	pt_free(t);
}

/* A full flush that leaves no piece of a large page lets INVLPG probe only
 * its own sets again, instead of scanning the whole TLB for pieces. */
static void a_full_flush_forgets_the_splinters(void)
{
	struct pt *t = pt_new("teaching", 4);
	uint64_t va = 0x0000004000000000ULL;
	pt_map(t, t->root, va, 0, HW_LVL_PDPT, PT_USER_RW, PT_TABLE, 0);
	hw_translate(t->cpu, va, HW_READ, HW_USER);
	struct hw_tlb *l1 = &t->cpu->tlb[HW_TLB_DTLB2M];
	cr_assert(l1->splinters, "a piece of a 1G page went in");
	struct hw_inv all = { .pcid = -1, .global = true, .nonglobal = true };
	hw_tlb_invalidate(l1, &all);
	cr_assert_not(l1->splinters, "none is left");
	pt_free(t);
}

/* Hits, misses, and a stale entry until INVLPG. */
Test(tlb, hits_misses_and_stale_entries)
{
	first_access_walks_then_hits();
	writing_a_pte_leaves_the_stale_translation_until_invlpg();
	invlpg_drops_the_l1_and_stlb_entry_of_that_page_only();
}

/* Global entries, MOV to CR3 and MOV to CR4. */
Test(tlb, global_entries)
{
	cr3_load_without_pcid_flushes_all_but_global_entries();
	toggling_cr4_pge_flushes_global_entries();
	setting_smep_flushes_the_current_pcid();
}

/* PCIDs and the no-flush bit of MOV to CR3. */
Test(tlb, pcids)
{
	entries_are_tagged_by_pcid_and_survive_a_no_flush_switch();
	a_global_entry_serves_every_pcid();
	clearing_pcide_flushes_everything();
}

/* INVPCID types 0-3 and INVLPG across PCIDs. */
Test(tlb, invpcid_types_and_invlpg)
{
	invpcid_type0_drops_one_address_of_one_pcid();
	invpcid_type1_drops_one_pcid_but_not_globals();
	invpcid_type2_drops_everything();
	invpcid_type3_drops_all_pcids_but_keeps_globals();
	invlpg_spares_other_pcids();
}

/* Faults from cached rights; D and A with cached entries. */
Test(tlb, faults_and_accessed_dirty)
{
	a_fault_from_stale_rights_drops_the_entry_so_the_retry_succeeds();
	amd_walks_again_before_faulting_from_stale_rights();
	a_write_through_a_clean_entry_walks_to_set_dirty();
	clearing_a_in_memory_is_not_seen_while_the_entry_is_cached();
}

/* LRU against tree-PLRU on A B C D A E. */
Test(tlb, replacement)
{
	true_lru_evicts_the_least_recently_used();
	tree_plru_evicts_where_the_tree_points();
}

/* Pages larger than a TLB holds. */
Test(tlb, splintered_large_pages)
{
	a_1g_page_is_splintered_where_no_1g_tlb_exists();
	an_stlb_splinter_refills_the_l1_with_the_whole_page();
	a_full_flush_forgets_the_splinters();
}
