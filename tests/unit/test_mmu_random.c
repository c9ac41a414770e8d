/*
 * Randomized differential test: the cached MMU (TLBs and paging-structure
 * caches) against the uncached reference walk, under random page-table
 * edits each followed by an invalidation the SDM calls sufficient
 * (§4.10.4.2), random context switches and control-register changes. They
 * must always agree. And without the invalidation, the cached path keeps
 * returning what it returned before the edit. Deterministic seeds.
 *
 * Two address spaces: user pages in tables of their own, kernel pages in
 * tables both share below the root (as Linux shares the kernel half), so
 * global kernel translations are the same in both, as the SDM requires.
 */
#include "pt_helpers.h"

#include <stdlib.h>

#define NUSER 48
#define NKERN 8
#define NVA (NUSER + NKERN)
#define MAX_SAVED 256

struct world {
	struct pt *t;
	struct hw_cpu *cpu;
	uint64_t root[2];
	int cur;
	bool pcide;
	uint64_t rng;
	uint64_t va[NVA];                   /* the kernel pages are the last NKERN */
	struct { uint64_t pa, table; } saved[MAX_SAVED];   /* tables displaced by large leaves */
	int nsaved;
	long ops, checks, ok, stale_checks, stale_seen;
};

/* ---- randomness ------------------------------------------------------------ */

static uint64_t rnd(struct world *w)
{
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 0x2545F4914F6CDD1DULL;
}

static unsigned pick(struct world *w, unsigned n)
{
	return (unsigned)(rnd(w) % n);
}

/* Random leaf flags for a user or kernel page. */
static uint64_t leaf_flags(struct world *w, bool kernel)
{
	uint64_t f = 0;
	f |= pick(w, 20) ? HW_PTE_P : 0;
	f |= pick(w, 4) ? HW_PTE_RW : 0;
	f |= pick(w, 10) < (kernel ? 1u : 9u) ? HW_PTE_US : 0;
	f |= pick(w, 10) < 2 ? HW_PTE_XD : 0;
	f |= pick(w, 2) ? HW_PTE_A : 0;
	f |= pick(w, 2) ? HW_PTE_D : 0;
	f |= kernel && pick(w, 2) ? HW_PTE_G : 0;
	return f;
}

/* A random leaf entry of level (frame aligned to its page size). */
static uint64_t random_leaf(struct world *w, int level, bool kernel)
{
	uint64_t frame = (uint64_t)(64 + pick(w, 64)) << hw_level_shift(level);
	unsigned key = pick(w, 4);                  /* before the flags, as the seed's stream has it */
	return hw_mk_page(frame, level, leaf_flags(w, kernel), key);
}

/* ---- building the world ------------------------------------------------------ */

/* Sign-extend an address from the machine's top implemented bit. */
static uint64_t canon(const struct world *w, uint64_t va)
{
	unsigned s = 64u - (w->t->cfg.paging_levels == 5 ? 57u : 48u);
	return (uint64_t)((int64_t)(va << s) >> s);
}

/* The universe: user pages spread over two top-level slots, PDPTs, PDs and
 * PTs; kernel pages under the last top-level slot. */
static void make_universe(struct world *w)
{
	static const unsigned pds[3] = { 0, 1, 7 };
	for (unsigned i = 0; i < NUSER; i++)
		w->va[i] = (uint64_t)(i & 1) << 39 | (uint64_t)((i >> 1) & 1 ? 3 : 0) << 30 |
			   (uint64_t)pds[(i >> 2) % 3] << 21 | (uint64_t)(i / 12) << 12;
	uint64_t top = (uint64_t)511 << hw_level_shift(w->t->cfg.paging_levels);
	for (unsigned i = 0; i < NKERN; i++)
		w->va[NUSER + i] = canon(w, top | (uint64_t)510 << 30 | (uint64_t)(i >> 2) << 21 |
					     (uint64_t)(i & 3) << 12);
}

/* Map the universe: user pages per space, kernel pages once, shared. */
static void map_universe(struct world *w)
{
	int top = w->t->cfg.paging_levels;
	w->root[0] = w->t->root;
	w->root[1] = pt_alloc(w->t);
	for (int s = 0; s < 2; s++)
		for (int i = 0; i < NUSER; i++)
			pt_map(w->t, w->root[s], w->va[i], 0, HW_LVL_PT, 0, PT_TABLE, 0),
			pt_set(w->t, pt_entry_pa(w->t, w->root[s], w->va[i], HW_LVL_PT),
			       random_leaf(w, HW_LVL_PT, false));
	for (int i = NUSER; i < NVA; i++) {
		pt_map(w->t, w->root[0], w->va[i], 0, HW_LVL_PT, 0, PT_TABLE, 0);
		pt_set(w->t, pt_entry_pa(w->t, w->root[0], w->va[i], HW_LVL_PT), random_leaf(w, HW_LVL_PT, true));
	}
	uint64_t slot = 8ULL * hw_va_index(w->va[NUSER], top);
	pt_set(w->t, w->root[1] + slot, pt_get(w->t, w->root[0] + slot));
}

/* The PCID of space s. */
static unsigned pcid_of(const struct world *w, int s)
{
	return w->pcide ? (unsigned)s + 1 : 0;
}

/* A world on preset with levels, features on, space 0 loaded. */
static struct world *world_new(const char *preset, int levels, bool pcide, uint64_t seed)
{
	struct world *w = calloc(1, sizeof *w);
	w->t = pt_new(preset, levels);
	w->cpu = w->t->cpu;
	w->rng = seed;
	w->pcide = pcide;
	make_universe(w);
	map_universe(w);
	struct hw_cpu *c = w->cpu;
	cr_assert_eq(hw_wrmsr_efer(c, c->efer | HW_EFER_NXE), 0);
	cr_assert_eq(hw_mov_to_cr0(c, c->cr0 | HW_CR0_WP), 0);
	cr_assert_eq(hw_mov_to_cr4(c, c->cr4 | HW_CR4_PGE | (pcide ? HW_CR4_PCIDE : 0)), 0);
	cr_assert_eq(hw_mov_to_cr3(c, w->root[0] | pcid_of(w, 0)), 0);
	return w;
}

static void world_free(struct world *w)
{
	pt_free(w->t);
	free(w);
}

/* ---- comparing ------------------------------------------------------------- */

/* True when two results say the same thing. */
static bool same(const struct hw_xlat *a, const struct hw_xlat *b)
{
	if (a->exc.vector != b->exc.vector || a->exc.error_code != b->exc.error_code)
		return false;
	return a->exc.vector || (a->pa == b->pa && a->page_shift == b->page_shift &&
				 a->rights == b->rights && a->pkey == b->pkey);
}

/* A random access kind and privilege, weighted towards what usually
 * translates (reads; user mode). */
static void random_access(struct world *w, enum hw_access *k, enum hw_priv *p)
{
	static const enum hw_access kinds[10] = { 0, 0, 0, 0, 0, 1, 1, 1, 2, 2 };
	static const enum hw_priv privs[10] = { 1, 1, 1, 1, 1, 0, 0, 0, 0, 2 };
	*k = kinds[pick(w, 10)];
	*p = privs[pick(w, 10)];
}

/* Access a random byte of universe page vi both ways and compare. */
static void check(struct world *w, int vi)
{
	uint64_t va = w->va[vi] + pick(w, 4096);
	enum hw_access k;
	enum hw_priv p;
	random_access(w, &k, &p);
	struct hw_xlat ref = hw_translate_nocache(w->cpu, va, k, p);
	struct hw_xlat got = hw_translate(w->cpu, va, k, p);
	w->checks++;
	w->ok += !ref.exc.vector;
	cr_assert(same(&ref, &got),
		  "op %ld: va 0x%lx kind %d priv %d: cached vector %d code 0x%x pa 0x%lx, "
		  "reference vector %d code 0x%x pa 0x%lx", w->ops, (unsigned long)va, k, p,
		  got.exc.vector, got.exc.error_code, (unsigned long)got.pa, ref.exc.vector,
		  ref.exc.error_code, (unsigned long)ref.pa);
}

/* ---- edits ----------------------------------------------------------------------- */

/* Physical address of the entry of level for va in space s, or 0 when a
 * large page above it makes it unreachable. Follows non-present entries
 * and ignores the reserved bit mutate() sets. */
static uint64_t entry_of(struct world *w, int s, uint64_t va, int level)
{
	uint64_t table = w->root[s];
	for (int l = w->t->cfg.paging_levels; l > level; l--) {
		uint64_t e = pt_get(w->t, table + 8ULL * hw_va_index(va, l));
		if (hw_pte_is_leaf(e, l))
			return 0;
		table = hw_pte_addr(e, l) & ~(1ULL << 51);
	}
	return table + 8ULL * hw_va_index(va, level);
}

/* The table entry a large leaf at pa displaced, or 0. */
static uint64_t *saved_table(struct world *w, uint64_t pa)
{
	for (int i = 0; i < w->nsaved; i++)
		if (w->saved[i].pa == pa)
			return &w->saved[i].table;
	return NULL;
}

/* Turn the table entry e at pa (level PD or PDPT) into a large leaf, or the
 * leaf back into the table it replaced. */
static uint64_t toggle_large(struct world *w, uint64_t pa, uint64_t e, int level, bool kernel)
{
	uint64_t *saved = saved_table(w, pa);
	if (hw_pte_is_leaf(e, level) && saved)
		return *saved;
	if (hw_pte_is_leaf(e, level))
		return e;
	if (!saved) {
		cr_assert_lt(w->nsaved, MAX_SAVED);
		w->saved[w->nsaved].pa = pa;
		saved = &w->saved[w->nsaved++].table;
	}
	*saved = e;
	return random_leaf(w, level, kernel);
}

/* A new value for entry e at pa of level. */
static uint64_t mutate(struct world *w, uint64_t pa, uint64_t e, int level, bool kernel)
{
	static const uint64_t flips[] = { HW_PTE_P, HW_PTE_RW, HW_PTE_US, HW_PTE_XD, HW_PTE_A };
	unsigned r = pick(w, 20);
	if ((e & (1ULL << 51)) && pick(w, 4))                         /* mostly repair */
		return e & ~(1ULL << 51);
	if (!(e & HW_PTE_P) && pick(w, 3))
		return e | HW_PTE_P;
	if (r == 0)
		return e ^ (1ULL << 51);                            /* a reserved bit */
	if (level == HW_LVL_PT && r < 10)
		return random_leaf(w, level, kernel);
	if ((level == HW_LVL_PD || level == HW_LVL_PDPT) && r < 4)
		return toggle_large(w, pa, e, level, kernel);
	if (kernel && hw_pte_is_leaf(e, level) && r < 6)
		return e ^ HW_PTE_G;
	uint64_t bit = flips[pick(w, 5)];
	return pick(w, 2) && bit != HW_PTE_XD ? e | bit : e ^ bit;   /* lean towards usable */
}

/* True when universe page j's translation in space s uses the entry of
 * level that translates page vi in space s0 (kernel tables are shared). */
static bool affected(const struct world *w, int vi, int level, int j)
{
	if ((vi >= NUSER) != (j >= NUSER))
		return false;
	unsigned sh = hw_level_shift(level);
	return (w->va[vi] >> sh) == (w->va[j] >> sh);
}

/* INVLPG, or INVPCID type 0 for space s, on every page the edit touched. */
static void per_page(struct world *w, int vi, int level, int s, bool invlpg)
{
	for (int j = 0; j < NVA; j++) {
		if (!affected(w, vi, level, j))
			continue;
		if (invlpg)
			cr_assert_eq(hw_invlpg(w->cpu, w->va[j]), 0);
		else
			cr_assert_eq(hw_invpcid(w->cpu, 0, pcid_of(w, s), w->va[j]), 0);
	}
}

/* Invalidate what an edit of the level entry for page vi in the spaces of
 * mask may have left cached, by one of the ways the SDM allows. */
static void invalidate(struct world *w, int vi, int level, unsigned mask)
{
	static const unsigned hows[8] = { 0, 1, 1, 1, 2, 2, 3, 3 };
	unsigned how = hows[pick(w, 8)];
	if (how == 0) {
		cr_assert_eq(hw_invpcid(w->cpu, 2, 0, 0), 0);
		return;
	}
	for (int s = 0; s < 2; s++) {
		if (!(mask & (1u << s)) || (s != w->cur && !w->pcide))
			continue;                                       /* flushed by the switch */
		if (how == 2)
			per_page(w, vi, level, s, false);
		else if (s == w->cur && how == 1)
			per_page(w, vi, level, s, true);
		else if (s == w->cur)
			cr_assert_eq(hw_mov_to_cr3(w->cpu, w->root[s] | pcid_of(w, s)), 0);
		else
			cr_assert_eq(hw_invpcid(w->cpu, 1, pcid_of(w, s), 0), 0);
	}
	if (vi >= NUSER)                                            /* global entries */
		per_page(w, vi, level, w->cur, true);
}

/* A universe page affected by the edit and visible in the current space,
 * or -1. */
static int target_of(struct world *w, int vi, int level, unsigned mask)
{
	if (!(mask & (1u << w->cur)))
		return -1;
	for (int j = (int)pick(w, NVA), n = 0; n < NVA; n++, j = (j + 1) % NVA)
		if (affected(w, vi, level, j))
			return j;
	return -1;
}

/* Access target j before the edit (a few kinds, until one translates);
 * afterwards the cached path must still return the same, whatever the
 * tables now say. */
static void edit_stale(struct world *w, int j, uint64_t pa, uint64_t value)
{
	uint64_t va = w->va[j] + pick(w, 4096);
	enum hw_access k;
	enum hw_priv p;
	struct hw_xlat before;
	for (int tries = 0; tries < 6; tries++) {
		random_access(w, &k, &p);
		before = hw_translate(w->cpu, va, k, p);
		if (!before.exc.vector)
			break;
	}
	pt_set(w->t, pa, value);
	if (before.exc.vector)
		return;
	struct hw_xlat after = hw_translate(w->cpu, va, k, p);
	struct hw_xlat ref = hw_translate_nocache(w->cpu, va, k, p);
	w->stale_checks++;
	cr_assert(same(&before, &after), "op %ld: the cached translation changed without invalidation", w->ops);
	w->stale_seen += !same(&after, &ref);
}

/* Edit one random entry, maybe show it stale, then invalidate. */
static void edit(struct world *w, bool stale)
{
	int vi = (int)pick(w, NVA), s = (int)pick(w, 2), top = w->t->cfg.paging_levels;
	int level = 1 + (int)pick(w, (unsigned)top);
	bool kernel = vi >= NUSER;
	uint64_t pa = entry_of(w, s, w->va[vi], level);
	if (!pa)
		return;
	uint64_t value = mutate(w, pa, pt_get(w->t, pa), level, kernel);
	unsigned mask = kernel ? 3u : 1u << s;
	int j = stale ? target_of(w, vi, level, mask) : -1;
	if (j >= 0)
		edit_stale(w, j, pa, value);
	else
		pt_set(w->t, pa, value);
	if (kernel && level == top)                                 /* keep the roots alike */
		pt_set(w->t, w->root[s ^ 1] + (pa & 0xfff), value);
	invalidate(w, vi, level, mask);
}

/* ---- other operations -------------------------------------------------------- */

/* Switch to the other address space, with or without a flush. */
static void switch_space(struct world *w)
{
	w->cur ^= 1;
	uint64_t v = w->root[w->cur] | pcid_of(w, w->cur);
	if (w->pcide && pick(w, 2))
		v |= HW_CR3_NOFLUSH;
	cr_assert_eq(hw_mov_to_cr3(w->cpu, v), 0);
}

/* Flip one of the controls the rights checks read at each access. */
static void toggle_control(struct world *w)
{
	struct hw_cpu *c = w->cpu;
	switch (pick(w, 6)) {
	case 0: cr_assert_eq(hw_mov_to_cr0(c, c->cr0 ^ HW_CR0_WP), 0); break;
	case 1: cr_assert_eq(hw_mov_to_cr4(c, c->cr4 ^ HW_CR4_SMEP), 0); break;
	case 2: cr_assert_eq(hw_mov_to_cr4(c, c->cr4 ^ HW_CR4_SMAP), 0); break;
	case 3: cr_assert_eq(c->ac ? hw_clac(c) : hw_stac(c), 0); break;
	case 4: cr_assert_eq(hw_mov_to_cr4(c, c->cr4 ^ HW_CR4_PKE), 0); break;
	default:
		if (c->cr4 & HW_CR4_PKE) {                          /* one key restricted */
			/* apart: C leaves the order of two picks in one expression
			 * unspecified, and the stream must not depend on the compiler */
			unsigned rights = 1u + pick(w, 3);
			cr_assert_eq(hw_wrpkru(c, rights << (2 * pick(w, 4))), 0);
		}
	}
}

/* Run ops random operations and check the summary. */
static void run(struct world *w, long ops)
{
	for (w->ops = 0; w->ops < ops; w->ops++) {
		unsigned r = pick(w, 100);
		if (r < 80)
			check(w, (int)pick(w, NVA));
		else if (r < 86)
			edit(w, false);
		else if (r < 90)
			edit(w, true);
		else if (r < 95)
			switch_space(w);
		else
			toggle_control(w);
	}
	cr_log_info("%ld checks (%ld translated), %ld stale checks, %ld stale translations seen", w->checks,
		    w->ok, w->stale_checks, w->stale_seen);
	cr_assert_gt(w->checks, ops / 2);
	cr_assert_gt(w->ok, w->checks / 8, "enough accesses translate");
	cr_assert_gt(w->stale_seen, ops / 500, "edits without invalidation were seen stale");
}

static void default_machine_with_pcids(void)
{
	struct world *w = world_new("default", 4, true, 0x9e3779b97f4a7c15ULL);
	run(w, 40000);
	cr_assert_gt(w->cpu->ctr.pwc_hit[HW_PWC_PDE], 100);
	world_free(w);
}

static void teaching_machine_tiny_tlbs(void)
{
	struct world *w = world_new("teaching", 4, true, 12345);
	run(w, 40000);
	cr_assert_gt(w->cpu->ctr.evictions[HW_TLB_DTLB4K], 200);
	cr_assert_gt(w->cpu->ctr.evictions[HW_TLB_STLB], 20);
	world_free(w);
}

static void zen4_mixed_size_tlbs_without_pcids(void)
{
	struct world *w = world_new("zen4", 4, false, 777);
	run(w, 40000);
	world_free(w);
}

static void five_level_paging(void)
{
	struct world *w = world_new("sapphire-rapids", 5, true, 4242);
	run(w, 40000);
	cr_assert_gt(w->cpu->ctr.pwc_hit[HW_PWC_PML5E] + w->cpu->ctr.pwc_hit[HW_PWC_PML4E], 0);
	world_free(w);
}

/* Split TLBs with PCIDs; mixed-size fully associative TLBs without. */
Test(mmu_random, intel_default_and_zen4)
{
	default_machine_with_pcids();
	zen4_mixed_size_tlbs_without_pcids();
}

/* Tiny TLBs (many evictions); 5-level paging. */
Test(mmu_random, teaching_and_five_level)
{
	teaching_machine_tiny_tlbs();
	five_level_paging();
}
