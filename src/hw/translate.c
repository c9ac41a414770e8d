/*
 * hw/translate.c — translation beyond the inline L1 hit: the TLB levels,
 * the walk, the fault, and the reference translation without caches.
 *
 * Order (SDM §4.10.2.2): the L1 TLBs for the kind (instruction or data),
 * then the STLB, then a walk. A hit whose cached rights forbid the access
 * faults without a walk (SDM §4.10.4.3 allows it; the #PF then drops the
 * stale entry so a retry walks), or, with rewalk_stale, walks again and
 * faults only if the entry in memory forbids it too (AMD's cores refresh a
 * stale entry so). A write through an entry whose dirty flag
 * is clear is a miss: the walk sets D in RAM. A walk that translates fills
 * the STLB and the L1 TLB; a page size a level does not hold is splintered
 * into the largest size it does.
 *
 * Speed: the slow path is one function (slow_core) compiled twice, quiet
 * and narrated, so the quiet copy tests nothing about narration; where
 * each level probes and fills is worked out once per core (hw_translate_
 * setup); TLBs and caches with no entries are skipped by a mask; a fill
 * into a level that has just missed skips the search for an old entry;
 * allowed accesses are decided by the permission table; cycles are
 * charged once per translation.
 */
#include "hw/translate.h"

#include "hw/ept.h"
#include "hw/walk.h"

#define NO_TLB 0xff

/* The TLBs of each level, in probe order. */
static const uint8_t level_tlbs[HW_NR_TLB_LEVELS][4] = {
	[HW_L1I] = { HW_TLB_ITLB, HW_TLB_ITLB2M, NO_TLB },
	[HW_L1D] = { HW_TLB_DTLB4K, HW_TLB_DTLB2M, HW_TLB_DTLB1G, NO_TLB },
	[HW_L2] = { HW_TLB_STLB, HW_TLB_STLB1G, NO_TLB },
};

/* What a TLB level said: no entry (MISS), an entry that cannot serve the
 * access (CLEAN, a miss too: a write through a clean entry, or, with
 * rewalk_stale, an entry whose rights forbid it), a hit, or a fault. */
enum probe { MISS, CLEAN, HIT, FAULTED };

/* ---- results --------------------------------------------------------------- */

/* A translation to pa within a page of 1 << shift bytes with attributes. */
static struct hw_xlat xlat_ok(uint64_t pa, unsigned shift, unsigned attrs)
{
	return (struct hw_xlat){ .pa = pa, .page_shift = (uint8_t)shift, .rights = (uint8_t)(attrs & 7),
				 .pkey = (uint8_t)((attrs >> HW_R_PKEY_SHIFT) & 0xF) };
}

/* An exception result. */
static struct hw_xlat xlat_exc(int vector, uint32_t code, uint64_t cr2)
{
	return (struct hw_xlat){ .exc = { .vector = (uint8_t)vector, .error_code = code, .cr2 = cr2 } };
}

/* The translation is done: narrate it and return it. */
HW_INLINE struct hw_xlat finish(struct hw_cpu *cpu, uint64_t va, uint64_t pa, unsigned shift, unsigned attrs,
				bool tr)
{
	hw_emit_if(tr, cpu, .type = HW_EV_DONE, .va = va, .value = pa, .page_shift = (uint8_t)shift);
	return xlat_ok(pa, shift, attrs);
}

/* Raise #PF for va with error code: CR2, counters, narration, and the
 * invalidation a page fault performs (SDM §4.10.4.1). */
static struct hw_xlat raise_pf(struct hw_cpu *cpu, uint64_t va, uint32_t code, enum hw_rule rule,
			       int level, uint64_t rsvd, unsigned attrs)
{
	struct hw_xlat x = xlat_exc(HW_EXC_PF, code, va);
	cpu->cr2 = va;
	cpu->ctr.pf[code & 63]++;
	hw_emit(cpu, .type = HW_EV_FAULT, .va = va, .exc = x.exc, .rule = (uint8_t)rule,
		.rule_level = (int8_t)level, .value = rsvd, .pkey = (uint8_t)((attrs >> HW_R_PKEY_SHIFT) & 0xF));
	hw_flush_fault(cpu, va & cpu->va_mask);
	return x;
}

/* A reference of the walk raised a VM exit (hw/ept.h): take it; the
 * translation ends with HW_EXC_VMEXIT and no #PF, CR2 or invalidation. */
static struct hw_xlat raise_vmexit(struct hw_cpu *cpu)
{
	struct hw_exception e = hw_vmx_take_exit(cpu);
	return xlat_exc(e.vector, e.error_code, e.cr2);
}

/* Narrate an access-rights decision about a page with attributes attrs. */
static void narrate_perm(struct hw_cpu *cpu, uint64_t va, enum hw_access kind, enum hw_priv priv,
			 enum hw_rule rule, int level, unsigned attrs)
{
	hw_emit(cpu, .type = HW_EV_PERM, .va = va, .kind = (uint8_t)kind, .priv = (uint8_t)priv,
		.hit = rule == HW_RULE_ALLOWED, .rule = (uint8_t)rule, .rule_level = (int8_t)level,
		.value = attrs & 0xff, .pkey = (uint8_t)((attrs >> HW_R_PKEY_SHIFT) & 0xF));
}

/* Count a miss at the L1 for kind (and the STLB when l2) resolved by a
 * page of size bucket (HW_NR_PSIZES: no translation). */
static inline void count_miss(struct hw_cpu *cpu, enum hw_access kind, unsigned bucket, bool l2)
{
	cpu->ctr.tlb_miss[kind == HW_FETCH ? HW_L1I : HW_L1D][bucket]++;
	if (l2)
		cpu->ctr.tlb_miss[HW_L2][bucket]++;
}

/* ---- TLB levels ---------------------------------------------------------- */

/* Decide an access that hit entry (k, d) of level lv: see probe_level.
 * The permission table answers the common case (allowed, and dirty for a
 * write) with one load; the rest, and narration, take hw_perm_check. */
HW_INLINE enum probe decide_hit(struct hw_cpu *cpu, enum hw_tlb_level lv, uint64_t va, enum hw_access kind,
				enum hw_priv priv, uint64_t k, uint64_t d, struct hw_xlat *x, bool tr)
{
	enum hw_rule rule = HW_RULE_ALLOWED;
	unsigned size = (unsigned)(d >> HW_R_SIZE_SHIFT) & 3;
	uint32_t err = 0;
	if (tr || !cpu->perm[cpu->ac][priv][kind][d & 0xff]) {
		err = hw_perm_check(cpu, (unsigned)(d & 0xff), kind, priv, cpu->ac, &rule);
		if (!err && kind == HW_WRITE && !(d & HW_R_D)) {
			cpu->ctr.dirty_miss++;
			narrate_perm(cpu, va, kind, priv, HW_RULE_CLEAN, 0, (unsigned)d);
			return CLEAN;
		}
		if (err && cpu->rewalk_stale) { /* a miss, as a clean entry is */
			cpu->ctr.stale_rewalk++;
			narrate_perm(cpu, va, kind, priv, HW_RULE_STALE, 0, (unsigned)d);
			return CLEAN;
		}
	}
	cpu->ctr.tlb_hit[lv][size]++;
	if (tr)
		narrate_perm(cpu, va, kind, priv, rule, 0, (unsigned)d);
	if (err) {
		*x = raise_pf(cpu, va, err, rule, 0, 0, (unsigned)d);
		return FAULTED;
	}
	uint64_t pa = (d & HW_PTE_ADDR_MASK) | (va & ((1ULL << hw_tlb_key_shift(k)) - 1));
	*x = finish(cpu, va, pa, hw_psize_shift((enum hw_psize)size), (unsigned)d, tr);
	return HIT;
}

/* Look mva up in the page sizes of t in live (those with entries, maybe
 * less the one the inline path probed), smallest first; on a hit, mark the
 * entry used. Returns the entry index or -1. */
HW_INLINE int64_t probe_sizes(struct hw_tlb *t, unsigned live, uint64_t mva, unsigned pcid)
{
	for (; live; live &= live - 1) {
		int64_t i = hw_tlb_lookup_si(t, mva, __builtin_ctz(live), pcid);
		if (i >= 0)
			return i;
	}
	return -1;
}

/* Look va up in the TLBs of level lv that hold entries (skip: the inline
 * path has probed the smallest size of the first; narration names every
 * TLB of the level). HIT: the access is allowed and *x holds the
 * translation. FAULTED: the cached rights forbid it and *x holds the #PF.
 * MISS or CLEAN: no entry, or one that cannot serve the access (a write
 * through a clean one; with rewalk_stale, one whose rights forbid it).
 * *k and *d get the entry that hit. */
HW_INLINE enum probe probe_level(struct hw_cpu *cpu, enum hw_tlb_level lv, uint64_t va, enum hw_access kind,
				 enum hw_priv priv, struct hw_xlat *x, uint64_t *k, uint64_t *d, bool skip, bool tr)
{
	uint64_t mva = va & cpu->va_mask;
	unsigned m = tr ? (1u << cpu->level_ntlb[lv]) - 1 : cpu->level_live[lv];
	for (; m; m &= m - 1) {
		int j = __builtin_ctz(m);
		struct hw_tlb *t = cpu->level_tlb[lv][j];
		unsigned live = t->live & (j == 0 && skip ? ~1u : ~0u);
		int64_t i = live ? probe_sizes(t, live, mva, cpu->pcid) : -1;
		hw_emit_if(tr, cpu, .type = HW_EV_TLB_PROBE, .va = va, .tlb = t->id, .hit = i >= 0,
			   .page_shift = (uint8_t)(i >= 0 ? hw_tlb_key_shift(t->key[i]) : 0));
		if (i < 0)
			continue;
		*k = t->key[i];
		*d = t->data[i];
		return decide_hit(cpu, lv, va, kind, priv, *k, *d, x, tr);
	}
	return MISS;
}

/* Where a page of 1 << shift goes in level lv: the first TLB holding that
 * size, else (splintering) the one holding the largest smaller size.
 * Returns false when the level holds nothing that fits. */
static bool pick_target(struct hw_cpu *cpu, enum hw_tlb_level lv, unsigned shift, struct hw_tlb **out, int *si)
{
	struct hw_tlb *best = NULL;
	int best_si = -1;
	for (const uint8_t *id = level_tlbs[lv]; *id != NO_TLB; id++) {
		struct hw_tlb *t = &cpu->tlb[*id];
		for (int i = t->sets ? t->nshift - 1 : -1; i >= 0; i--) {
			if (t->shift[i] > shift)
				continue;
			if (t->shift[i] == shift) {
				*out = t;
				*si = i;
				return true;
			}
			if (!best || t->shift[i] > best->shift[best_si])
				best = t, best_si = i;
			break;
		}
	}
	*out = best;
	*si = best_si;
	return best != NULL;
}

/* The probe order of level lv: its TLBs that have entries, each a member
 * of the level's live mask. */
static void setup_level(struct hw_cpu *cpu, enum hw_tlb_level lv)
{
	int n = 0;
	for (const uint8_t *id = level_tlbs[lv]; *id != NO_TLB; id++)
		if (cpu->tlb[*id].sets) {
			hw_tlb_set_group(&cpu->tlb[*id], &cpu->level_live[lv], (unsigned)n);
			cpu->level_tlb[lv][n++] = &cpu->tlb[*id];
		}
	cpu->level_ntlb[lv] = (uint8_t)n;
}

/* Where level lv caches a page of size ps, and how a piece of it is cut. */
static void setup_fill(struct hw_cpu *cpu, enum hw_tlb_level lv, enum hw_psize ps)
{
	struct hw_fill_plan *f = &cpu->fill[lv][ps];
	unsigned shift = hw_psize_shift(ps);
	int si;
	*f = (struct hw_fill_plan){ 0 };
	if (!pick_target(cpu, lv, shift, &f->tlb, &si))
		return;
	unsigned es = f->tlb->shift[si];
	f->si = (int8_t)si;
	f->piece = ((1ULL << shift) - 1) & ~((1ULL << es) - 1);
	f->splinter = es < shift;
}

/* See internal.h. */
void hw_translate_setup(struct hw_cpu *cpu)
{
	for (int c = 0; c < HW_NR_PWCS; c++)
		hw_tlb_set_group(&cpu->pwc[c], &cpu->pwc_live, (unsigned)c);
	for (int lv = 0; lv < HW_NR_TLB_LEVELS; lv++) {
		setup_level(cpu, (enum hw_tlb_level)lv);
		for (int ps = 0; ps < HW_NR_PSIZES; ps++)
			setup_fill(cpu, (enum hw_tlb_level)lv, (enum hw_psize)ps);
	}
}

/* Cache the translation of mva to the page at page (of size ps) with low
 * attribute bits and global flag in level lv, where hw_translate_setup
 * said it goes. absent: the level was probed for mva and had no entry. */
HW_INLINE void fill_level(struct hw_cpu *cpu, enum hw_tlb_level lv, uint64_t mva, uint64_t page, enum hw_psize ps,
			  uint64_t low, bool global, bool absent, bool tr)
{
	const struct hw_fill_plan *f = &cpu->fill[lv][ps];
	struct hw_tlb *t = f->tlb;
	if (!t)
		return;
	uint64_t base = page | (mva & f->piece);
	unsigned id = t->id;
	bool evicted = hw_tlb_insert(t, mva, f->si, cpu->pcid, global, base | low, absent);
	if (f->splinter)
		t->splinters = true;
	cpu->ctr.fills[id]++;
	cpu->ctr.evictions[id] += evicted;
	hw_emit_if(tr, cpu, .type = HW_EV_TLB_FILL, .va = mva, .tlb = (uint8_t)id,
		   .page_shift = (uint8_t)t->shift[f->si], .count = evicted, .value = base);
}

/* Refill the L1 for kind from STLB entry (k, d), which translated va to x;
 * absent as for fill_level. */
HW_INLINE void refill_l1(struct hw_cpu *cpu, enum hw_access kind, uint64_t va, const struct hw_xlat *x,
			 uint64_t k, uint64_t d, bool absent, bool tr)
{
	uint64_t page = x->pa & ~((1ULL << x->page_shift) - 1);
	enum hw_psize ps = (enum hw_psize)((d >> HW_R_SIZE_SHIFT) & 3);
	fill_level(cpu, kind == HW_FETCH ? HW_L1I : HW_L1D, va & cpu->va_mask, page, ps, d & 0xfff,
		   k & HW_TLB_KEY_G, absent, tr);
}

/* ---- the walk path ---------------------------------------------------------- */

/* The walk w found a leaf: check the access (the permission table first,
 * as on a hit), set A/D and fill the STLB and L1 (absent_l1, absent_l2:
 * those levels were probed for va and had no entry). */
HW_INLINE struct hw_xlat walk_done(struct hw_cpu *cpu, uint64_t va, enum hw_access kind, enum hw_priv priv,
				   struct hw_walk *w, bool absent_l1, bool absent_l2, bool tr, bool guest)
{
	enum hw_rule rule = HW_RULE_ALLOWED;
	uint32_t err = 0;
	if (tr || !cpu->perm[cpu->ac][priv][kind][(w->attrs & 0xff) | HW_R_D])
		err = hw_perm_check(cpu, w->attrs, kind, priv, cpu->ac, &rule);
	if (tr)
		narrate_perm(cpu, va, kind, priv, rule, hw_walk_rule_level(w, rule), w->attrs);
	if (err) {
		count_miss(cpu, kind, HW_NR_PSIZES, true);
		return raise_pf(cpu, va, err, rule, hw_walk_rule_level(w, rule), 0, w->attrs);
	}
	if (hw_walk_finish(cpu, w, kind == HW_WRITE) && guest && cpu->vmx.exit_pending)
		return raise_vmexit(cpu);             /* the A/D write-back exited */
	enum hw_psize size = hw_level_psize(w->leaf);
	unsigned shift = hw_level_shift(w->leaf);
	uint64_t low = (w->attrs & 0xff) | ((w->leaf_e & HW_PTE_D) ? HW_R_D : 0) | (uint64_t)size << HW_R_SIZE_SHIFT;
	fill_level(cpu, HW_L2, w->va, w->page, size, low, w->global, absent_l2, tr);
	fill_level(cpu, kind == HW_FETCH ? HW_L1I : HW_L1D, w->va, w->page, size, low, w->global, absent_l1, tr);
	count_miss(cpu, kind, size, true);
	return finish(cpu, va, w->page | (va & ((1ULL << shift) - 1)), shift, w->attrs, tr);
}

/* Translate va by walking the paging structures, then check, set A/D and
 * fill the STLB and L1. Charges cycles, those of the TLB probes included,
 * once. In a guest the walk is hw_walk_guest's (its references pass the
 * second stage, and one may exit). */
/* The quiet walk of a core with caches, out of line: the quiet path of a
 * core without keeps a single copy of the walk, as before caches. */
static int __attribute__((noinline)) walk_cached(struct hw_cpu *cpu, struct hw_walk *w, uint64_t *cycles)
{
	w->caches = true;
	return hw_walk_core(cpu, w, cycles, false, false, false);
}

HW_INLINE struct hw_xlat walk_path(struct hw_cpu *cpu, uint64_t va, enum hw_access kind, enum hw_priv priv,
				   uint64_t cycles, bool absent_l1, bool absent_l2, bool tr)
{
	struct hw_walk w = { .va = va & cpu->va_mask };
	int r;
	bool guest = cpu->in_guest;
	if (__builtin_expect(guest, 0)) {
		cpu->vmx.gla = va;                    /* for an exit's qualification (hw/ept.h) */
		w.caches = cpu->mem != NULL;
		r = hw_walk_guest(cpu, &w, &cycles, tr);
	} else if (tr) {
		w.caches = cpu->mem != NULL;
		r = hw_walk_core(cpu, &w, &cycles, false, true, false);
	} else if (__builtin_expect(cpu->mem == NULL, 1)) {
		r = hw_walk_core(cpu, &w, &cycles, false, false, false);      /* w.caches: constant false */
	} else {
		r = walk_cached(cpu, &w, &cycles);
	}
	cpu->ctr.walk_refs += w.refs;
	cpu->ctr.cycles += cycles + (uint64_t)w.refs * cpu->lat.walk_ref;
	if (__builtin_expect(r != 0, 0)) {
		if (guest && cpu->vmx.exit_pending)   /* an entry's reference exited */
			return raise_vmexit(cpu);
		count_miss(cpu, kind, HW_NR_PSIZES, true);
		return raise_pf(cpu, va, w.error | hw_pf_access_bits(cpu, kind, priv), w.rule, w.level,
				w.rsvd_bits, 0);
	}
	return walk_done(cpu, va, kind, priv, &w, absent_l1, absent_l2, tr, guest);
}

/* The translation past the L1 probe the inline path made (skip) or not,
 * specialised by tr (narrate). */
HW_INLINE struct hw_xlat slow_core(struct hw_cpu *cpu, uint64_t va, enum hw_access kind, enum hw_priv priv,
				   bool skip, bool tr)
{
	struct hw_xlat x;
	uint64_t k = 0, d = 0;
	enum hw_tlb_level l1 = kind == HW_FETCH ? HW_L1I : HW_L1D;
	uint64_t cycles = cpu->lat.l1_hit;
	enum probe r1 = probe_level(cpu, l1, va, kind, priv, &x, &k, &d, skip, tr);
	if (r1 >= HIT) {
		cpu->ctr.cycles += cycles;
		return x;
	}
	cycles += cpu->lat.stlb_hit;
	enum probe r = probe_level(cpu, HW_L2, va, kind, priv, &x, &k, &d, false, tr);
	if (r <= CLEAN)
		return walk_path(cpu, va, kind, priv, cycles, r1 == MISS && !tr, r == MISS && !tr, tr);
	cpu->ctr.cycles += cycles;
	count_miss(cpu, kind, r == HIT ? (unsigned)(d >> HW_R_SIZE_SHIFT) & 3 : HW_NR_PSIZES, false);
	if (r == HIT)
		refill_l1(cpu, kind, va, &x, k, d, r1 == MISS && !tr, tr);
	return x;
}

/* See translate.h. */
struct hw_xlat hw_translate_slow(struct hw_cpu *cpu, uint64_t va, enum hw_access kind, enum hw_priv priv)
{
	if ((unsigned)kind >= HW_NR_ACCESS || (unsigned)priv >= HW_NR_PRIV)
		return xlat_exc(hw_cpu_raise(cpu, HW_EXC_UD, HW_RULE_BAD_ARG), 0, 0);
	cpu->ctr.access[kind]++;
	hw_emit(cpu, .type = HW_EV_ACCESS, .va = va, .kind = (uint8_t)kind, .priv = (uint8_t)priv);
	if (!hw_canonical(cpu, va)) {
		cpu->ctr.gp++;
		hw_emit(cpu, .type = HW_EV_FAULT, .va = va, .exc = { .vector = HW_EXC_GP },
			.rule = HW_RULE_NONCANONICAL);
		return xlat_exc(HW_EXC_GP, 0, 0);
	}
	if (cpu->trace)
		return slow_core(cpu, va, kind, priv, false, true);
	return slow_core(cpu, va, kind, priv, false, false);
}

/* See translate.h. */
struct hw_xlat hw_translate_l1_miss(struct hw_cpu *cpu, uint64_t va, enum hw_access kind, enum hw_priv priv)
{
	cpu->ctr.access[kind]++;
	return slow_core(cpu, va, kind, priv, true, false);
}

/* See translate.h. */
struct hw_xlat hw_translate_nocache(struct hw_cpu *cpu, uint64_t va, enum hw_access kind, enum hw_priv priv)
{
	enum hw_rule rule;
	if ((unsigned)kind >= HW_NR_ACCESS || (unsigned)priv >= HW_NR_PRIV)
		return xlat_exc(HW_EXC_UD, 0, 0);
	if (!hw_canonical(cpu, va))
		return xlat_exc(HW_EXC_GP, 0, 0);
	struct hw_walk w = { .va = va & cpu->va_mask, .pure = true };
	if (hw_walk(cpu, &w))
		return xlat_exc(HW_EXC_PF, w.error | hw_pf_access_bits(cpu, kind, priv), va);
	uint32_t err = hw_perm_check(cpu, w.attrs, kind, priv, cpu->ac, &rule);
	if (err)
		return xlat_exc(HW_EXC_PF, err, va);
	unsigned shift = hw_level_shift(w.leaf);
	return xlat_ok(w.page | (va & ((1ULL << shift) - 1)), shift, w.attrs);
}

/* See translate.h. The core is copied with root in CR3 so that the walk
 * and the checks are hw_translate_nocache's, for another address space;
 * the copy's caches are never used, and nothing of the core changes. */
struct hw_xlat hw_translate_explore(const struct hw_cpu *cpu, uint64_t root, uint64_t va, enum hw_access kind,
				    enum hw_priv priv, struct hw_walk_path *path)
{
	struct hw_cpu c = *cpu;
	c.cr3 = root & HW_PTE_ADDR_MASK;
	memset(path, 0, sizeof *path);
	struct hw_xlat x = hw_translate_nocache(&c, va, kind, priv);
	if (x.exc.vector == HW_EXC_UD) {
		path->rule = HW_RULE_BAD_ARG;
		return x;
	}
	if (x.exc.vector == HW_EXC_GP) {
		path->rule = HW_RULE_NONCANONICAL;
		return x;
	}
	/* The same pure walk again, to say where it stopped and why. */
	struct hw_walk w = { .va = va & c.va_mask, .pure = true };
	int stop;
	if (hw_walk(&c, &w)) {
		path->rule = (uint8_t)w.rule;
		path->rule_level = (int8_t)w.level;
		stop = w.level;
	} else {
		enum hw_rule rule = HW_RULE_ALLOWED;
		if (x.exc.vector == HW_EXC_PF)
			hw_perm_check(&c, w.attrs, kind, priv, c.ac, &rule);
		path->rule = (uint8_t)rule;
		path->rule_level = (int8_t)(rule == HW_RULE_ALLOWED ? 0 : hw_walk_rule_level(&w, rule));
		stop = w.leaf;
	}
	uint64_t table = c.cr3;
	for (int level = c.paging_levels; level >= stop && level >= HW_LVL_PT; level--) {
		unsigned idx = hw_va_index(w.va, level);
		uint64_t pa = table + 8ULL * idx;
		uint64_t e = hw_phys_read64(c.ram, hw_mem_ref(&c, pa, 8, HW_REF_PEEK));
		path->step[path->nsteps++] = (struct hw_walk_path_step){ (int8_t)level, (uint16_t)idx, pa, e };
		table = e & HW_PTE_ADDR_MASK;
	}
	return x;
}

/* See translate.h. */
bool hw_run_begin(struct hw_cpu *cpu, uint64_t va, enum hw_priv priv, struct hw_run *run)
{
	struct hw_tlb *t = cpu->l1_fast[HW_READ];
	if (!t || t != cpu->l1_fast[HW_WRITE] || cpu->trace || cpu->in_guest || cpu->mem ||
	    (unsigned)priv >= HW_NR_PRIV || !hw_canonical(cpu, va) || !hw_l1_fast_probe(cpu, t, va, &run->s, &run->w))
		return false;
	uint8_t a = (uint8_t)t->data[(uint64_t)run->s * t->ways + run->w];
	const uint8_t (*perm)[256] = cpu->perm[cpu->ac][priv];
	run->t = t;
	run->ok = (uint8_t)((perm[HW_READ][a] ? 1u << HW_READ : 0) | (perm[HW_WRITE][a] ? 1u << HW_WRITE : 0));
	run->size = (uint8_t)((t->data[(uint64_t)run->s * t->ways + run->w] >> HW_R_SIZE_SHIFT) & 3);
	return true;
}

/* See translate.h. Each hit would stamp the entry with ++clock: the last
 * one's stamp is the clock after all of them. */
void hw_run_commit(struct hw_cpu *cpu, const struct hw_run *run, uint64_t loads, uint64_t stores)
{
	uint64_t n = loads + stores;
	if (!n)
		return;
	cpu->ctr.access[HW_READ] += loads;
	cpu->ctr.access[HW_WRITE] += stores;
	cpu->ctr.tlb_hit[HW_L1D][run->size] += n;
	cpu->ctr.cycles += n * cpu->lat.l1_hit;
	if (run->t->stamp)
		run->t->clock += n - 1;
	hw_tlb_touch(run->t, run->s, run->w);
}

/* See translate.h. The upper levels' entries are few and stay in the
 * host's caches; the lowest level's are the ones worth fetching early. */
void hw_prefetch_walk(const struct hw_cpu *cpu, uint64_t va)
{
	const struct ram *ram = cpu->ram;
	uint64_t table = hw_cr3_base(cpu);
	if (cpu->in_guest)
		return;
	for (int level = cpu->va_bits == 57 ? HW_LVL_PML5 : HW_LVL_PML4;; level--) {
		uint64_t pa = table + 8ULL * hw_va_index(va, level);
		if (!ram_contains(ram, pa, 8))
			return;
		if (level == HW_LVL_PT) {
			__builtin_prefetch(ram_ptr(ram, pa));
			return;
		}
		uint64_t e = ram_read64(ram, pa);
		if (!(e & HW_PTE_P) || hw_pte_is_leaf(e, level))
			return;
		table = e & HW_PTE_ADDR_MASK;
	}
}
