/*
 * hw/walk.h — the page walk itself (Intel SDM Vol. 3A §4.5, §4.8, §4.10.3),
 * inline, for walk.c and the translation path in translate.c.
 *
 * A walk reads one entry per level from simulated RAM, from the root in
 * CR3 down to the entry that maps the page, or starts lower when a
 * paging-structure cache holds the entry above (the deepest hit wins). An
 * entry with P=0 or a reserved bit set ends the walk with no translation.
 * Every non-leaf entry used gets its accessed flag set and is then cached
 * with what the levels so far forbade; the leaf's A (and D for a write) is
 * set only once the access is known to be allowed (hw_walk_finish) — the
 * SDM leaves the leaf's A on a protection fault model-specific, and we
 * leave it clear.
 *
 * hw_walk_core is written once and specialised by its callers' constants:
 * pure (no side effects, for hw_translate_nocache), narrated, and quiet, so
 * the common quiet walk tests nothing about narration; and each level is a
 * copy of hw_walk_step with the level a constant. It is inline so that the
 * caller's struct hw_walk stays in registers. Every entry a walk reads
 * comes through hw_walk_read.
 */
#ifndef MMSIM_HW_WALK_H
#define MMSIM_HW_WALK_H

#include "hw/internal.h"
#include "hw/memref.h"
#include "hw/translate.h"

/* What entry e forbids, as HW_ACC_* bits of level 0. */
static inline uint64_t hw_acc_bits(uint64_t e)
{
	return ((~e >> 1) & 3) | ((e >> 61) & 4);     /* R/W=0 (bit 1), U/S=0 (bit 2), XD (bit 63) */
}

/* The combined rights (HW_R_W | HW_R_U | HW_R_XD) of what a walk forbade:
 * writable and user only when no level said otherwise, XD when any did. */
static inline unsigned hw_acc_rights(uint64_t acc)
{
	return ((acc & HW_ACC_ALL(HW_ACC_NO_W)) ? 0 : HW_R_W) | ((acc & HW_ACC_ALL(HW_ACC_NO_U)) ? 0 : HW_R_U) |
	       ((acc & HW_ACC_ALL(HW_ACC_XD)) ? HW_R_XD : 0);
}

/* A paging-structure entry at pa, read from ram (a copy of the core's, in
 * registers) through the core's door to memory (hw_mem_ref; pure: a peek):
 * every entry a walk reads comes through here, counted in w->refs (the
 * caller charges them). All ones beyond RAM. */
static inline uint64_t hw_walk_read(struct hw_cpu *cpu, struct hw_walk *w, const struct ram *ram, uint64_t pa,
				    bool pure, bool guest)
{
	w->refs++;
	if (pure)
		return hw_phys_read64(ram, hw_mem_ref(cpu, pa, 8, HW_REF_PEEK));
	return hw_phys_read64(ram, hw_mem_ref_in(cpu, pa, 8, HW_REF_WALK, guest));
}

/* Cache non-leaf entry e of level (A already set) for va, with what the
 * levels down to it forbade (levels 2..5: 12 bits beside the address).
 * absent: the walk probed this cache for va and missed, and nothing (no
 * narration callback) ran since, so the entry is new. */
HW_INLINE void hw_pwc_fill(struct hw_cpu *cpu, uint64_t va, uint64_t e, int level, uint64_t acc, bool absent)
{
	struct hw_tlb *t = &cpu->pwc[level - HW_LVL_PD];
	hw_tlb_insert(t, va, 0, cpu->pcid, false, (e & HW_PTE_ADDR_MASK) | ((acc >> 6) & 0xFFF), absent);
}

/* Start from the deepest paging-structure-cache entry for va: returns the
 * level to read next and sets *table and *acc, or returns the root level
 * and leaves them when none hits. A hit is counted, and its cycles added
 * to *cycles. Caches with no entries are not looked at (the PML5E cache
 * has none under 4-level paging: only a 5-level walk fills it). */
HW_INLINE int hw_pwc_start(struct hw_cpu *cpu, uint64_t va, uint64_t *table, uint64_t *acc, uint64_t *cycles,
			   bool tr)
{
	for (unsigned m = cpu->pwc_live; m; m &= m - 1) {
		int c = __builtin_ctz(m), l = HW_LVL_PD + c;     /* hw_pwc_level */
		struct hw_tlb *t = &cpu->pwc[c];
		int64_t i = hw_tlb_lookup_si(t, va, 0, cpu->pcid);
		if (i < 0)
			continue;
		uint64_t d = t->data[i];
		*acc = (d & 0xFFF) << 6;
		*table = d & HW_PTE_ADDR_MASK;
		cpu->ctr.pwc_hit[c]++;
		*cycles += cpu->lat.pwc_hit;
		hw_emit_if(tr, cpu, .type = HW_EV_PWC_HIT, .va = va, .tlb = (uint8_t)c, .level = (int8_t)l,
			   .value = *table);
		return l - 1;
	}
	return cpu->paging_levels;
}

/* End w with no translation: rule at level. Returns -1. */
static inline int hw_walk_stop(struct hw_walk *w, enum hw_rule rule, int level, uint64_t rsvd)
{
	w->rule = rule;
	w->level = level;
	w->rsvd_bits = rsvd;
	w->error = rule == HW_RULE_RSVD ? HW_PF_P | HW_PF_RSVD : 0;
	return -1;
}

/* Record the leaf e of level at pa in w, with what the walk forbade.
 * Returns 1. */
HW_INLINE int hw_walk_leaf(const struct hw_cpu *cpu, struct hw_walk *w, uint64_t e, int level, uint64_t pa,
			   uint64_t acc)
{
	w->leaf = level;
	w->leaf_pa = pa;
	w->leaf_e = e;
	w->page = hw_pte_addr(e, level);
	w->acc = acc;
	w->attrs = hw_acc_rights(acc) | hw_pte_pkey(e) << HW_R_PKEY_SHIFT;
	w->global = (e & HW_PTE_G) && (cpu->cr4 & HW_CR4_PGE);
	return 1;
}

/* One level of the walk: read the entry of level for w->va in *table.
 * Returns 0 with *table the next table (the entry's A set and the entry
 * cached unless pure), 1 when the entry maps the page (w holds the leaf),
 * or -1 when it is not present or has a reserved bit set. */
HW_INLINE int hw_walk_step(struct hw_cpu *cpu, struct hw_walk *w, const struct ram *ram, int level,
			   uint64_t *table, uint64_t *acc, bool pure, bool tr, bool guest)
{
	unsigned idx = hw_va_index(w->va, level);
	uint64_t pa = *table + 8ULL * idx;
	uint64_t e = hw_walk_read(cpu, w, ram, pa, pure, guest);
	hw_emit_if(tr && !cpu->vmx.exit_pending, cpu, .type = HW_EV_WALK_STEP, .va = w->va, .level = (int8_t)level, .index = (uint16_t)idx,
		   .entry_pa = pa, .value = e);
	if (__builtin_expect(!(e & HW_PTE_P), 0))
		return hw_walk_stop(w, HW_RULE_NOT_PRESENT, level, 0);
	bool ps = (level == HW_LVL_PD || level == HW_LVL_PDPT) && (e & HW_PTE_PS);
	uint64_t rsvd = e & cpu->rsvd[level][ps];
	if (__builtin_expect(rsvd != 0, 0))
		return hw_walk_stop(w, HW_RULE_RSVD, level, rsvd);
	*acc |= hw_acc_bits(e) << (3 * level);
	if (level == HW_LVL_PT || ps)
		return hw_walk_leaf(cpu, w, e, level, pa, *acc);
	if (!pure) {
		if (__builtin_expect(!(e & HW_PTE_A), 0))
			hw_walk_set_bits(cpu, pa, e, HW_PTE_A, level);
		hw_pwc_fill(cpu, w->va, e, level, *acc, !tr);
	}
	*table = e & HW_PTE_ADDR_MASK;
	return 0;
}

/* The walk of hw_walk, specialised by pure, tr (narrate) and guest (the
 * core is in a guest: cpu->in_guest, which the caller has tested; pure
 * walks test it at each reference). Adds the cycles of a
 * paging-structure-cache hit to *cycles; the entries read are counted in
 * w->refs. */
HW_INLINE int hw_walk_core(struct hw_cpu *cpu, struct hw_walk *w, uint64_t *cycles, bool pure, bool tr, bool guest)
{
	const struct ram ram = *cpu->ram;
	uint64_t table = hw_cr3_base(cpu), acc = 0;
	int level = cpu->paging_levels, r;
	if (!pure) {
		cpu->ctr.walks++;
		level = hw_pwc_start(cpu, w->va, &table, &acc, cycles, tr);
	}
	/* One copy of the step per level, each with its level a constant; a
	 * step returns nonzero when the walk ends there. */
	r = level >= HW_LVL_PML5 ? hw_walk_step(cpu, w, &ram, HW_LVL_PML5, &table, &acc, pure, tr, guest) : 0;
	if (!r && level >= HW_LVL_PML4)
		r = hw_walk_step(cpu, w, &ram, HW_LVL_PML4, &table, &acc, pure, tr, guest);
	if (!r && level >= HW_LVL_PDPT)
		r = hw_walk_step(cpu, w, &ram, HW_LVL_PDPT, &table, &acc, pure, tr, guest);
	if (!r && level >= HW_LVL_PD)
		r = hw_walk_step(cpu, w, &ram, HW_LVL_PD, &table, &acc, pure, tr, guest);
	if (!r)
		r = hw_walk_step(cpu, w, &ram, HW_LVL_PT, &table, &acc, pure, tr, guest);
	return r > 0 ? 0 : -1;
}

/* The walk of a core in a guest (hw_walk_core with guest set), out of
 * line: the native walk does not carry its code (walk.c). */
int hw_walk_guest(struct hw_cpu *cpu, struct hw_walk *w, uint64_t *cycles, bool tr);

#endif
