/*
 * hw/translate.c — translation beyond the inline L1 hit: the TLB levels,
 * the walk, the fault, and the reference translation without caches.
 *
 * Order (SDM §4.10.2.2): the L1 TLBs for the kind (instruction or data),
 * then the STLB, then a walk. A hit whose cached rights forbid the access
 * faults without a walk (Intel does not re-walk; the #PF then drops the
 * stale entry so a retry walks). A write through an entry whose dirty flag
 * is clear is a miss: the walk sets D in RAM. A walk that translates fills
 * the STLB and the L1 TLB; a page size a level does not hold is splintered
 * into the largest size it does.
 */
#include "hw/translate.h"

#include "hw/internal.h"

#define NO_TLB 0xff

/* The TLBs of each level, in probe order. */
static const uint8_t level_tlbs[HW_NR_TLB_LEVELS][4] = {
	[HW_L1I] = { HW_TLB_ITLB, HW_TLB_ITLB2M, NO_TLB },
	[HW_L1D] = { HW_TLB_DTLB4K, HW_TLB_DTLB2M, HW_TLB_DTLB1G, NO_TLB },
	[HW_L2] = { HW_TLB_STLB, HW_TLB_STLB1G, NO_TLB },
};

enum probe { MISS, HIT, FAULTED };

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
static struct hw_xlat finish(struct hw_cpu *cpu, uint64_t va, uint64_t pa, unsigned shift, unsigned attrs)
{
	hw_emit(cpu, .type = HW_EV_DONE, .va = va, .value = pa, .page_shift = (uint8_t)shift);
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
static void count_miss(struct hw_cpu *cpu, enum hw_access kind, unsigned bucket, bool l2)
{
	cpu->ctr.tlb_miss[kind == HW_FETCH ? HW_L1I : HW_L1D][bucket]++;
	if (l2)
		cpu->ctr.tlb_miss[HW_L2][bucket]++;
}

/* ---- TLB levels ---------------------------------------------------------- */

/* Decide an access that hit entry (k, d) of level lv: see probe_level. */
static enum probe decide_hit(struct hw_cpu *cpu, enum hw_tlb_level lv, uint64_t va, enum hw_access kind,
			     enum hw_priv priv, uint64_t k, uint64_t d, struct hw_xlat *x)
{
	enum hw_rule rule;
	unsigned size = (unsigned)(d >> HW_R_SIZE_SHIFT) & 3;
	uint32_t err = hw_perm_check(cpu, (unsigned)(d & 0xff), kind, priv, cpu->ac, &rule);
	if (!err && kind == HW_WRITE && !(d & HW_R_D)) {
		cpu->ctr.dirty_miss++;
		narrate_perm(cpu, va, kind, priv, HW_RULE_CLEAN, 0, (unsigned)d);
		return MISS;
	}
	cpu->ctr.tlb_hit[lv][size]++;
	narrate_perm(cpu, va, kind, priv, rule, 0, (unsigned)d);
	if (err) {
		*x = raise_pf(cpu, va, err, rule, 0, 0, (unsigned)d);
		return FAULTED;
	}
	uint64_t pa = (d & HW_PTE_ADDR_MASK) | (va & ((1ULL << hw_tlb_key_shift(k)) - 1));
	*x = finish(cpu, va, pa, hw_psize_shift((enum hw_psize)size), (unsigned)d);
	return HIT;
}

/* Look va up in the TLBs of level lv. HIT: the access is allowed and *x
 * holds the translation. FAULTED: the cached rights forbid it and *x holds
 * the #PF. MISS: no entry, or a write through a clean one. *k and *d get
 * the entry that hit. */
static enum probe probe_level(struct hw_cpu *cpu, enum hw_tlb_level lv, uint64_t va, enum hw_access kind,
			      enum hw_priv priv, struct hw_xlat *x, uint64_t *k, uint64_t *d)
{
	uint64_t mva = va & cpu->va_mask;
	for (const uint8_t *id = level_tlbs[lv]; *id != NO_TLB; id++) {
		struct hw_tlb *t = &cpu->tlb[*id];
		if (!t->sets)
			continue;
		int64_t i = hw_tlb_lookup(t, mva, cpu->pcid);
		hw_emit(cpu, .type = HW_EV_TLB_PROBE, .va = va, .tlb = *id, .hit = i >= 0,
			.page_shift = (uint8_t)(i >= 0 ? hw_tlb_key_shift(t->key[i]) : 0));
		if (i < 0)
			continue;
		*k = t->key[i];
		*d = t->data[i];
		return decide_hit(cpu, lv, va, kind, priv, *k, *d, x);
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

/* Cache the translation of mva to the page at page (1 << shift bytes) with
 * low attribute bits and global flag in level lv. */
static void fill_level(struct hw_cpu *cpu, enum hw_tlb_level lv, uint64_t mva, uint64_t page, unsigned shift,
		       uint64_t low, bool global)
{
	struct hw_tlb *t;
	int si;
	if (!pick_target(cpu, lv, shift, &t, &si))
		return;
	unsigned es = t->shift[si];
	uint64_t base = page | (mva & ((1ULL << shift) - 1) & ~((1ULL << es) - 1));
	bool evicted = hw_tlb_insert(t, mva, si, cpu->pcid, global, base | low);
	t->splinters |= es < shift;
	cpu->ctr.fills[t->id]++;
	cpu->ctr.evictions[t->id] += evicted;
	hw_emit(cpu, .type = HW_EV_TLB_FILL, .va = mva, .tlb = t->id, .page_shift = (uint8_t)es,
		.count = evicted, .value = base);
}

/* Refill the L1 for kind from STLB entry (k, d), which translated va to x. */
static void refill_l1(struct hw_cpu *cpu, enum hw_access kind, uint64_t va, const struct hw_xlat *x,
		      uint64_t k, uint64_t d)
{
	uint64_t page = x->pa & ~((1ULL << x->page_shift) - 1);
	fill_level(cpu, kind == HW_FETCH ? HW_L1I : HW_L1D, va & cpu->va_mask, page, x->page_shift,
		   d & 0xfff, k & HW_TLB_KEY_G);
}

/* ---- the walk path ---------------------------------------------------------- */

/* Translate va by walking the paging structures, then check, set A/D and
 * fill the STLB and L1. */
static struct hw_xlat walk_path(struct hw_cpu *cpu, uint64_t va, enum hw_access kind, enum hw_priv priv)
{
	struct hw_walk w = { .va = va & cpu->va_mask };
	enum hw_rule rule;
	if (hw_walk(cpu, &w)) {
		count_miss(cpu, kind, HW_NR_PSIZES, true);
		return raise_pf(cpu, va, w.error | hw_pf_access_bits(cpu, kind, priv), w.rule, w.level,
				w.rsvd_bits, 0);
	}
	uint32_t err = hw_perm_check(cpu, w.attrs, kind, priv, cpu->ac, &rule);
	narrate_perm(cpu, va, kind, priv, rule, hw_walk_rule_level(&w, rule), w.attrs);
	if (err) {
		count_miss(cpu, kind, HW_NR_PSIZES, true);
		return raise_pf(cpu, va, err, rule, hw_walk_rule_level(&w, rule), 0, w.attrs);
	}
	hw_walk_finish(cpu, &w, kind == HW_WRITE);
	enum hw_psize size = hw_level_psize(w.leaf);
	unsigned shift = hw_level_shift(w.leaf);
	uint64_t low = (w.attrs & 0xff) | ((w.leaf_e & HW_PTE_D) ? HW_R_D : 0) | (uint64_t)size << HW_R_SIZE_SHIFT;
	fill_level(cpu, HW_L2, w.va, w.page, shift, low, w.global);
	fill_level(cpu, kind == HW_FETCH ? HW_L1I : HW_L1D, w.va, w.page, shift, low, w.global);
	count_miss(cpu, kind, size, true);
	return finish(cpu, va, w.page | (va & ((1ULL << shift) - 1)), shift, w.attrs);
}

/* See translate.h. */
struct hw_xlat hw_translate_slow(struct hw_cpu *cpu, uint64_t va, enum hw_access kind, enum hw_priv priv)
{
	struct hw_xlat x;
	uint64_t k = 0, d = 0;
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
	cpu->ctr.cycles += cpu->lat.l1_hit;
	if (probe_level(cpu, kind == HW_FETCH ? HW_L1I : HW_L1D, va, kind, priv, &x, &k, &d) != MISS)
		return x;
	cpu->ctr.cycles += cpu->lat.stlb_hit;
	enum probe r = probe_level(cpu, HW_L2, va, kind, priv, &x, &k, &d);
	if (r == MISS)
		return walk_path(cpu, va, kind, priv);
	count_miss(cpu, kind, r == HIT ? (unsigned)(d >> HW_R_SIZE_SHIFT) & 3 : HW_NR_PSIZES, false);
	if (r == HIT)
		refill_l1(cpu, kind, va, &x, k, d);
	return x;
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
