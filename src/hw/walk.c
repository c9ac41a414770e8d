/*
 * hw/walk.c — the page walk's out-of-line parts: the entry point for the
 * pure and narrated walks, A/D updates, and which level a rule failed at.
 * The walk itself is inline in walk.h (see there for the rules).
 */
#include "hw/walk.h"

/* See internal.h. */
void hw_walk_set_bits(struct hw_cpu *cpu, uint64_t pa, uint64_t e, uint64_t bits, int level)
{
	uint64_t at = hw_mem_ref(cpu, pa, 8, HW_REF_WALK_AD);
	if (ram_contains(cpu->ram, at, 8))
		ram_write64(cpu->ram, at, e | bits);
	cpu->ctr.ad_writes++;
	hw_emit(cpu, .type = HW_EV_AD_SET, .level = (int8_t)level, .entry_pa = pa, .old = e, .value = e | bits);
}

/* See internal.h. */
int hw_walk(struct hw_cpu *cpu, struct hw_walk *w)
{
	uint64_t cycles = 0;
	int r;
	if (w->pure)
		return hw_walk_core(cpu, w, &cycles, true, false, false);
	if (cpu->in_guest)
		r = hw_walk_guest(cpu, w, &cycles, cpu->trace != NULL);
	else if (cpu->trace)
		r = hw_walk_core(cpu, w, &cycles, false, true, false);
	else
		r = hw_walk_core(cpu, w, &cycles, false, false, false);
	cpu->ctr.walk_refs += w->refs;
	cpu->ctr.cycles += cycles + (uint64_t)w->refs * cpu->lat.walk_ref;
	return r;
}

/* See walk.h. */
int hw_walk_guest(struct hw_cpu *cpu, struct hw_walk *w, uint64_t *cycles, bool tr)
{
	if (tr)
		return hw_walk_core(cpu, w, cycles, false, true, true);
	return hw_walk_core(cpu, w, cycles, false, false, true);
}

/* The first (highest) level whose HW_ACC_* bit is set in acc, or 0. */
static int first_level(uint64_t acc, int bit)
{
	uint64_t x = acc & HW_ACC_ALL(bit);
	return x ? (63 - __builtin_clzll(x)) / 3 : 0;
}

/* See internal.h. */
int hw_walk_rule_level(const struct hw_walk *w, enum hw_rule rule)
{
	switch (rule) {
	case HW_RULE_RW:
	case HW_RULE_WP:
		return first_level(w->acc, HW_ACC_NO_W);
	case HW_RULE_US:
		return first_level(w->acc, HW_ACC_NO_U);
	case HW_RULE_XD:
		return first_level(w->acc, HW_ACC_XD);
	default:
		return w->leaf;
	}
}
