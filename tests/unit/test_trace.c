/* Narration: the events of a translation, with level names, indexes and
 * the rule that decided; nothing when off. */
#include "pt_helpers.h"

#include <stdlib.h>
#include <string.h>

#define UVA 0x00007f0000401000ULL
#define PA 0x0000000002000000ULL

struct log {
	int n;
	struct hw_event ev[64];
	char text[64][192];
};

static void record(void *ctx, const struct hw_event *ev)
{
	struct log *l = ctx;
	if (l->n == 64)
		return;
	l->ev[l->n] = *ev;
	hw_event_format(ev, l->text[l->n], sizeof l->text[0]);
	l->n++;
}

/* Index of the first event of type at or after from, or -1. */
static int find(const struct log *l, enum hw_event_type type, int from)
{
	for (int i = from; i < l->n; i++)
		if (l->ev[i].type == type)
			return i;
	return -1;
}

/* True when some line contains needle. */
static bool said(const struct log *l, const char *needle)
{
	for (int i = 0; i < l->n; i++)
		if (strstr(l->text[i], needle))
			return true;
	return false;
}

static void dump(const struct log *l)
{
	for (int i = 0; i < l->n; i++)
		cr_log_info("%s", l->text[i]);
}

static void a_cold_translation_narrates_probes_every_walk_step_and_the_result(void)
{
	struct pt *t = pt_new("default", 4);
	struct log *l = calloc(1, sizeof *l);
	pt_map(t, t->root, UVA, PA, HW_LVL_PT, PT_USER_RW, PT_TABLE, 0);
	hw_set_trace(t->cpu, record, l);
	hw_translate(t->cpu, UVA + 0x10, HW_WRITE, HW_USER);
	dump(l);
	cr_assert_eq(l->ev[0].type, HW_EV_ACCESS);
	cr_assert_str_eq(l->text[0], "cpu0: user write 0x00007f0000401010");
	cr_assert(said(l, "L1 dTLB-4K miss"));
	cr_assert(said(l, "STLB miss"));
	int step = find(l, HW_EV_WALK_STEP, 0);
	int expect[] = { HW_LVL_PML4, HW_LVL_PDPT, HW_LVL_PD, HW_LVL_PT };
	for (int i = 0; i < 4; i++, step = find(l, HW_EV_WALK_STEP, step + 1)) {
		cr_assert_geq(step, 0);
		cr_assert_eq(l->ev[step].level, expect[i]);
		cr_assert_eq(l->ev[step].index, hw_va_index(UVA, expect[i]));
		cr_assert_eq(l->ev[step].entry_pa, pt_entry_pa(t, t->root, UVA, expect[i]));
	}
	cr_assert(said(l, "walk PML4/pgd[254]"), "index 254 = bits 47:39 of 0x7f00...");
	cr_assert(said(l, "walk PDPT/pud[0]"));
	cr_assert(said(l, "walk PD/pmd[2]"));
	cr_assert(said(l, "walk PT/pte[1] @0x"));
	cr_assert(said(l, "P RW US pfn=0x2000"), "the PTE decoded as read, before A/D");
	cr_assert(said(l, "set A D in PTE"));
	cr_assert(said(l, "allowed: user write of a user page (writable at every level)"));
	cr_assert(said(l, "fill STLB"));
	cr_assert(said(l, "-> physical 0x2000010 (4 KiB page)"));
	pt_free(t);
	free(l);
}

static void five_level_walks_use_five_names(void)
{
	struct pt *t = pt_new("default", 5);
	struct log *l = calloc(1, sizeof *l);
	pt_map(t, t->root, UVA, PA, HW_LVL_PT, PT_USER_RW, PT_TABLE, 0);
	hw_set_trace(t->cpu, record, l);
	hw_translate(t->cpu, UVA, HW_READ, HW_USER);
	cr_assert(said(l, "walk PML5/pgd[0]"));
	cr_assert(said(l, "walk PML4/p4d[254]"));
	pt_free(t);
	free(l);
}

/* Narrate one faulting access on t and check the rule's sentence. */
static void expect_rule(struct pt *t, uint64_t va, enum hw_access k, enum hw_priv p, const char *rule)
{
	struct log *l = calloc(1, sizeof *l);
	hw_set_trace(t->cpu, record, l);
	struct hw_xlat x = hw_translate(t->cpu, va, k, p);
	hw_set_trace(t->cpu, NULL, NULL);
	dump(l);
	cr_assert_neq(x.exc.vector, 0);
	cr_assert(said(l, rule), "no line says '%s'", rule);
	free(l);
}

static void every_denial_names_its_rule_and_level(void)
{
	struct pt *t = pt_new("default", 4);
	pt_map(t, t->root, UVA, PA, HW_LVL_PT, HW_PTE_P | HW_PTE_US, PT_TABLE, 3);
	uint64_t pdpte = pt_entry_pa(t, t->root, UVA, HW_LVL_PDPT);
	uint64_t pde = pt_entry_pa(t, t->root, UVA, HW_LVL_PD);
	pt_set(t, pde, pt_get(t, pde) | HW_PTE_XD);
	hw_wrmsr_efer(t->cpu, t->cpu->efer | HW_EFER_NXE);
	expect_rule(t, UVA, HW_FETCH, HW_USER, "denied: XD set at PD forbids instruction fetch");
	expect_rule(t, UVA, HW_WRITE, HW_USER, "denied: R/W=0 at PT forbids a user write");
	hw_mov_to_cr0(t->cpu, t->cpu->cr0 | HW_CR0_WP);
	expect_rule(t, UVA, HW_WRITE, HW_SUPERVISOR, "CR0.WP=1 forbids supervisor write to read-only page");
	hw_mov_to_cr4(t->cpu, t->cpu->cr4 | HW_CR4_SMAP | HW_CR4_PKE);
	expect_rule(t, UVA, HW_READ, HW_SUPERVISOR, "SMAP: supervisor data access to user page with RFLAGS.AC=0");
	hw_wrpkru(t->cpu, 2u << 6);
	pt_set(t, pt_entry_pa(t, t->root, UVA, HW_LVL_PT), hw_mk_page(PA, HW_LVL_PT, PT_USER_RW, 3));
	hw_invlpg(t->cpu, UVA);
	expect_rule(t, UVA, HW_WRITE, HW_USER, "PKRU.WD for key 3");
	expect_rule(t, UVA, HW_WRITE, HW_USER, "#PF error 0x27 (P W U PK) CR2=0x7f0000401000: PKRU.WD for key 3");
	pt_set(t, pdpte, pt_get(t, pdpte) & ~HW_PTE_US);
	hw_invlpg(t->cpu, UVA);
	expect_rule(t, UVA, HW_READ, HW_USER, "U/S=0 at PDPT forbids user access");
	expect_rule(t, UVA + 0x200000, HW_READ, HW_USER, "P=0 at PD: no translation");
	pt_set(t, pde, pt_get(t, pde) | (1ULL << 51));
	hw_invlpg(t->cpu, UVA);
	expect_rule(t, UVA, HW_READ, HW_SUPERVISOR, "reserved bit set at PD, bits 0x8000000000000");
	expect_rule(t, 1ULL << 47, HW_READ, HW_USER, "#GP(0): non-canonical address");
	pt_free(t);
}

static void a_denial_from_a_tlb_hit_says_it_was_cached(void)
{
	struct pt *t = pt_new("default", 4);
	pt_map(t, t->root, UVA, PA, HW_LVL_PT, HW_PTE_P | HW_PTE_US, PT_TABLE, 0);
	hw_translate(t->cpu, UVA, HW_READ, HW_USER);
	expect_rule(t, UVA, HW_WRITE, HW_USER, "R/W=0 in the cached entry forbids a user write");
	pt_free(t);
}

static void invalidations_and_instruction_faults_are_narrated(void)
{
	struct pt *t = pt_new("default", 4);
	struct log *l = calloc(1, sizeof *l);
	pt_map(t, t->root, UVA, PA, HW_LVL_PT, PT_USER_RW, PT_TABLE, 0);
	hw_translate(t->cpu, UVA, HW_READ, HW_USER);
	hw_set_trace(t->cpu, record, l);
	hw_invlpg(t->cpu, UVA);
	hw_mov_to_cr3(t->cpu, t->root | 5);
	hw_mov_to_cr4(t->cpu, t->cpu->cr4 | HW_CR4_PCIDE);
	dump(l);
	cr_assert(said(l, "cpu0: INVLPG va=0x7f0000401000 pcid=0: 2 TLB and 3 paging-structure-cache entries dropped"));
	cr_assert(said(l, "cpu0: MOV to CR3"));
	cr_assert(said(l, "#GP(0): CR4.PCIDE=1 needs CR3[11:0]=0"));
	pt_free(t);
	free(l);
}

static void nothing_is_emitted_when_off_and_narration_changes_nothing(void)
{
	struct pt *a = pt_new("teaching", 4), *b = pt_new("teaching", 4);
	struct log *l = calloc(1, sizeof *l);
	for (uint64_t i = 0; i < 16; i++) {
		pt_map(a, a->root, UVA + i * 4096, PA + i * 4096, HW_LVL_PT, PT_USER_RW, PT_TABLE, 0);
		pt_map(b, b->root, UVA + i * 4096, PA + i * 4096, HW_LVL_PT, PT_USER_RW, PT_TABLE, 0);
	}
	hw_set_trace(b->cpu, record, l);
	hw_set_trace(b->cpu, NULL, NULL);
	for (uint64_t i = 0; i < 64; i++) {
		uint64_t va = UVA + (i * 7 % 16) * 4096;
		hw_translate(a->cpu, va, HW_READ, HW_USER);
		hw_translate(b->cpu, va, HW_READ, HW_USER);
	}
	cr_assert_eq(l->n, 0);
	hw_set_trace(b->cpu, record, l);
	hw_translate(a->cpu, UVA, HW_WRITE, HW_USER);
	hw_translate(b->cpu, UVA, HW_WRITE, HW_USER);
	cr_assert_gt(l->n, 0);
	cr_assert_eq(memcmp(&a->cpu->ctr, &b->cpu->ctr, sizeof a->cpu->ctr), 0);
	pt_free(a);
	pt_free(b);
	free(l);
}

/* A walk, step by step, under both level names. */
Test(trace, walks_are_narrated_step_by_step)
{
	a_cold_translation_narrates_probes_every_walk_step_and_the_result();
	five_level_walks_use_five_names();
}

/* Every rule that can deny, with its level. */
Test(trace, denials_name_their_rule)
{
	every_denial_names_its_rule_and_level();
	a_denial_from_a_tlb_hit_says_it_was_cached();
}

/* Instructions; and silence when off. */
Test(trace, invalidations_and_off)
{
	invalidations_and_instruction_faults_are_narrated();
	nothing_is_emitted_when_off_and_narration_changes_nothing();
}
