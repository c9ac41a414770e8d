/* Counters and the cost model: a known sequence on the teaching machine
 * (l1_hit 1, stlb_hit 10, pwc_hit 2, walk_ref 100) gives exact numbers. */
#include "pt_helpers.h"

#define VA 0x0000000000400000ULL
#define PA 0x0000000002000000ULL
#define PG 4096ULL

static struct pt *setup(void)
{
	struct pt *t = pt_new("teaching", 4);
	for (uint64_t i = 0; i < 8; i++)
		pt_map(t, t->root, VA + i * PG, PA + i * PG, HW_LVL_PT, PT_USER_RW, PT_TABLE, 0);
	return t;
}

static void rd(struct pt *t, uint64_t i)
{
	struct hw_xlat x = hw_translate(t->cpu, VA + i * PG, HW_READ, HW_USER);
	cr_assert_eq(x.exc.vector, 0);
}

static void a_known_sequence_gives_exact_counts_and_cycles(void)
{
	struct pt *t = setup();
	struct hw_counters *c = &t->cpu->ctr;
	uint64_t base = c->cycles;                 /* pt_new's MOV to CR3: 100 */
	cr_assert_eq(base, 100);
	rd(t, 0);                                  /* cold: 1 + 10 + 4*100 */
	cr_assert_eq(c->cycles - base, 411);
	rd(t, 0);                                  /* L1 hit: 1 */
	cr_assert_eq(c->cycles - base, 412);
	rd(t, 1);                                  /* PDE cache + 1 ref: 1 + 10 + 2 + 100 */
	cr_assert_eq(c->cycles - base, 525);
	/* dTLB-4K: 2 sets x 2 ways, LRU. Pages 0, 2, 4 share set 0: 4 evicts 0
	 * from the L1 while the 4-set STLB keeps it. */
	rd(t, 2);
	rd(t, 4);
	cr_assert_eq(c->cycles - base, 525 + 113 + 113);
	rd(t, 0);                                  /* L1 miss, STLB hit: 1 + 10 */
	cr_assert_eq(c->cycles - base, 762);
	cr_assert_eq(c->access[HW_READ], 6);
	cr_assert_eq(c->tlb_hit[HW_L1D][HW_PS_4K], 1);
	cr_assert_eq(c->tlb_hit[HW_L2][HW_PS_4K], 1);
	cr_assert_eq(c->tlb_miss[HW_L1D][HW_PS_4K], 5);
	cr_assert_eq(c->tlb_miss[HW_L2][HW_PS_4K], 4);
	cr_assert_eq(c->walks, 4);
	cr_assert_eq(c->walk_refs, 7);
	cr_assert_eq(c->pwc_hit[HW_PWC_PDE], 3);
	cr_assert_eq(c->fills[HW_TLB_DTLB4K], 5);
	cr_assert_eq(c->evictions[HW_TLB_DTLB4K], 2);
	cr_assert_eq(c->ad_writes, 3 + 4, "A in PML4E, PDPTE, PDE once; A in 4 PTEs");
	pt_free(t);
}

static void faults_are_counted_by_error_code_and_invalidations_by_kind(void)
{
	struct pt *t = setup();
	struct hw_counters *c = &t->cpu->ctr;
	uint64_t base = c->cycles;
	hw_translate(t->cpu, VA + 100 * PG, HW_WRITE, HW_USER);     /* not present: W|U */
	hw_translate(t->cpu, VA + 100 * PG, HW_WRITE, HW_USER);
	hw_translate(t->cpu, 1ULL << 50, HW_READ, HW_USER);          /* #GP */
	cr_assert_eq(c->pf[HW_PF_W | HW_PF_U], 2);
	cr_assert_eq(c->gp, 1);
	cr_assert_eq(c->tlb_miss[HW_L1D][HW_NR_PSIZES], 2, "misses that ended in a fault");
	uint64_t faults = c->cycles - base;
	hw_invlpg(t->cpu, VA);
	hw_invpcid(t->cpu, 3, 0, 0);
	hw_mov_to_cr3(t->cpu, t->root);
	cr_assert_eq(c->cycles - base - faults, 300);
	cr_assert_eq(c->invlpg, 1);
	cr_assert_eq(c->invpcid[3], 1);
	cr_assert_eq(c->cr3_flush, 2);
	cr_assert_eq(c->pf_flush, 2);
	pt_free(t);
}

static void counters_are_per_core(void)
{
	struct pt *t = setup();
	struct hw_cpu *c1 = hw_machine_cpu(&t->m, 1);
	cr_assert_not_null(c1);
	cr_assert_null(hw_machine_cpu(&t->m, 2));
	rd(t, 0);
	cr_assert_eq(c1->ctr.access[HW_READ], 0);
	cr_assert_eq(hw_mov_to_cr3(c1, t->root), 0);
	cr_assert(hw_translate(c1, VA, HW_READ, HW_USER).exc.vector == 0);
	cr_assert_eq(c1->ctr.walks, 1, "core 1 has its own TLBs");
	pt_free(t);
}

/* Exact counts and cycles. */
Test(cost, a_known_sequence)
{
	a_known_sequence_gives_exact_counts_and_cycles();
}

/* Faults, invalidations; per-core counters. */
Test(cost, faults_invalidations_and_cores)
{
	faults_are_counted_by_error_code_and_invalidations_by_kind();
	counters_are_per_core();
}
