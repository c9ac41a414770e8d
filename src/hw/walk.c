/*
 * hw/walk.c — the page walk (Intel SDM Vol. 3A §4.5, §4.8, §4.10.3).
 *
 * A walk reads one entry per level from simulated RAM, from the root in
 * CR3 down to the entry that maps the page, or starts lower when a
 * paging-structure cache holds the entry above (the deepest hit wins). An
 * entry with P=0 or a reserved bit set ends the walk with no translation.
 * Every non-leaf entry used gets its accessed flag set and is then cached
 * with the rights combined so far; the leaf's A (and D for a write) is set
 * only once the access is known to be allowed — the SDM leaves the leaf's A
 * on a protection fault model-specific, and we leave it clear.
 */
#include "hw/internal.h"

#include "hw/translate.h"

/* See internal.h. */
uint64_t hw_phys_read64(const struct ram *ram, uint64_t pa)
{
	return ram_contains(ram, pa, 8) ? ram_read64(ram, pa) : ~0ULL;
}

/* See translate.h. */
uint64_t hw_walk_read(struct hw_cpu *cpu, uint64_t pa)
{
	cpu->ctr.walk_refs++;
	cpu->ctr.cycles += cpu->lat.walk_ref;
	return hw_phys_read64(cpu->ram, pa);
}

/* Write back entry e at pa with bits set (a locked update on real
 * hardware), and narrate it. Writes beyond RAM are dropped. */
static void set_bits(struct hw_cpu *cpu, uint64_t pa, uint64_t e, uint64_t bits, int level)
{
	if ((e & bits) == bits)
		return;
	if (ram_contains(cpu->ram, pa, 8))
		ram_write64(cpu->ram, pa, e | bits);
	cpu->ctr.ad_writes++;
	hw_emit(cpu, .type = HW_EV_AD_SET, .level = (int8_t)level, .entry_pa = pa, .old = e, .value = e | bits);
}

/* Fold entry e of level into the combined rights of w. */
static void combine(struct hw_walk *w, uint64_t e, int level)
{
	if (!(e & HW_PTE_RW) && !w->deny[0])
		w->deny[0] = (int8_t)level;
	if (!(e & HW_PTE_US) && !w->deny[1])
		w->deny[1] = (int8_t)level;
	if ((e & HW_PTE_XD) && !w->deny[2])
		w->deny[2] = (int8_t)level;
	if (!(e & HW_PTE_RW))
		w->attrs &= ~HW_R_W;
	if (!(e & HW_PTE_US))
		w->attrs &= ~HW_R_U;
	if (e & HW_PTE_XD)
		w->attrs |= HW_R_XD;
}

/* The data word of a paging-structure-cache entry: next table, rights,
 * and the deny levels (for narration). */
static uint64_t pwc_data(const struct hw_walk *w, uint64_t table)
{
	return table | (w->attrs & 7) | (uint64_t)w->deny[0] << 3 | (uint64_t)w->deny[1] << 6 |
	       (uint64_t)w->deny[2] << 9;
}

/* Cache non-leaf entry e of level (A already set) for w->va. */
static void pwc_fill(struct hw_cpu *cpu, const struct hw_walk *w, uint64_t e, int level)
{
	struct hw_tlb *t = &cpu->pwc[level - HW_LVL_PD];
	if (t->sets)
		hw_tlb_insert(t, w->va, 0, cpu->pcid, false, pwc_data(w, hw_pte_addr(e, level)));
}

/* Start from the deepest paging-structure-cache entry for w->va: sets
 * *level and *table and the rights, or leaves the root when none hits. */
static void pwc_start(struct hw_cpu *cpu, struct hw_walk *w, int *level, uint64_t *table)
{
	for (int l = HW_LVL_PD; l <= cpu->paging_levels; l++) {
		struct hw_tlb *t = &cpu->pwc[l - HW_LVL_PD];
		int64_t i = t->sets ? hw_tlb_lookup(t, w->va, cpu->pcid) : -1;
		if (i < 0)
			continue;
		uint64_t d = t->data[i];
		w->attrs = (unsigned)(d & 7);
		for (int k = 0; k < 3; k++)
			w->deny[k] = (int8_t)((d >> (3 + 3 * k)) & 7);
		*table = d & HW_PTE_ADDR_MASK;
		*level = l - 1;
		cpu->ctr.pwc_hit[l - HW_LVL_PD]++;
		cpu->ctr.cycles += cpu->lat.pwc_hit;
		hw_emit(cpu, .type = HW_EV_PWC_HIT, .va = w->va, .tlb = (uint8_t)(l - HW_LVL_PD),
			.level = (int8_t)l, .value = *table);
		return;
	}
}

/* End w with no translation: rule at level. */
static int stop(struct hw_walk *w, enum hw_rule rule, int level, uint64_t rsvd)
{
	w->rule = rule;
	w->level = level;
	w->rsvd_bits = rsvd;
	w->error = rule == HW_RULE_RSVD ? HW_PF_P | HW_PF_RSVD : 0;
	return -1;
}

/* Read the entry of level in table for w (counted unless pure). */
static uint64_t read_entry(struct hw_cpu *cpu, struct hw_walk *w, uint64_t table, int level, uint64_t *pa)
{
	unsigned idx = hw_va_index(w->va, level);
	*pa = table + 8ULL * idx;
	if (w->pure)
		return hw_phys_read64(cpu->ram, *pa);
	uint64_t e = hw_walk_read(cpu, *pa);
	hw_emit(cpu, .type = HW_EV_WALK_STEP, .va = w->va, .level = (int8_t)level, .index = (uint16_t)idx,
		.entry_pa = *pa, .value = e);
	return e;
}

/* Record the leaf e of level at pa in w. */
static void found_leaf(const struct hw_cpu *cpu, struct hw_walk *w, uint64_t e, int level, uint64_t pa)
{
	w->leaf = level;
	w->leaf_pa = pa;
	w->leaf_e = e;
	w->page = hw_pte_addr(e, level);
	w->attrs |= hw_pte_pkey(e) << HW_R_PKEY_SHIFT;
	w->global = (e & HW_PTE_G) && (cpu->cr4 & HW_CR4_PGE);
}

/* See internal.h. */
int hw_walk(struct hw_cpu *cpu, struct hw_walk *w)
{
	int level = cpu->paging_levels;
	uint64_t table = hw_cr3_base(cpu), pa;

	w->attrs = HW_R_W | HW_R_U;
	w->deny[0] = w->deny[1] = w->deny[2] = 0;
	if (!w->pure) {
		cpu->ctr.walks++;
		pwc_start(cpu, w, &level, &table);
	}
	for (;; level--) {
		uint64_t e = read_entry(cpu, w, table, level, &pa);
		if (!(e & HW_PTE_P))
			return stop(w, HW_RULE_NOT_PRESENT, level, 0);
		uint64_t rsvd = e & cpu->rsvd[level][level <= HW_LVL_PDPT && level > HW_LVL_PT && (e & HW_PTE_PS)];
		if (rsvd)
			return stop(w, HW_RULE_RSVD, level, rsvd);
		combine(w, e, level);
		if (hw_pte_is_leaf(e, level)) {
			found_leaf(cpu, w, e, level, pa);
			return 0;
		}
		if (!w->pure) {
			set_bits(cpu, pa, e, HW_PTE_A, level);
			pwc_fill(cpu, w, e, level);
		}
		table = hw_pte_addr(e, level);
	}
}

/* See internal.h. */
void hw_walk_finish(struct hw_cpu *cpu, struct hw_walk *w, bool write)
{
	uint64_t bits = HW_PTE_A | (write ? HW_PTE_D : 0);
	if (!w->pure)
		set_bits(cpu, w->leaf_pa, w->leaf_e, bits, w->leaf);
	w->leaf_e |= bits;
}

/* See internal.h. */
int hw_walk_rule_level(const struct hw_walk *w, enum hw_rule rule)
{
	switch (rule) {
	case HW_RULE_RW:
	case HW_RULE_WP:
		return w->deny[0];
	case HW_RULE_US:
		return w->deny[1];
	case HW_RULE_XD:
		return w->deny[2];
	default:
		return w->leaf;
	}
}
