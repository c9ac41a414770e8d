/* tests/unit/pt_helpers.c — see pt_helpers.h. */
#include "pt_helpers.h"

#include <stdlib.h>

#define PT_FIRST_FRAME (1ULL << 20)

/* See pt_helpers.h. */
struct pt *pt_new_cfg(const struct hw_config *cfg)
{
	struct pt *t = calloc(1, sizeof *t);
	char err[256] = "";
	cr_assert_not_null(t);
	t->cfg = *cfg;
	cr_assert_eq(hw_config_validate(cfg, err, sizeof err), 0, "%s", err);
	cr_assert_eq(ram_init(&t->ram, cfg->ram_bytes), 0);
	cr_assert_eq(hw_machine_init(&t->m, cfg, &t->ram), 0);
	t->cpu = hw_machine_cpu(&t->m, 0);
	t->next = PT_FIRST_FRAME;
	t->root = pt_alloc(t);
	cr_assert_eq(hw_mov_to_cr3(t->cpu, t->root), 0);
	return t;
}

/* See pt_helpers.h. */
struct pt *pt_new(const char *preset, int levels)
{
	const struct hw_preset *p = hw_preset_find(preset);
	cr_assert_not_null(p, "no preset %s", preset);
	struct hw_config cfg = p->config;
	cfg.ram_bytes = 64ULL << 20;
	cfg.paging_levels = levels;
	return pt_new_cfg(&cfg);
}

/* See pt_helpers.h. */
void pt_free(struct pt *t)
{
	hw_machine_destroy(&t->m);
	ram_destroy(&t->ram);
	free(t);
}

/* See pt_helpers.h. */
uint64_t pt_alloc(struct pt *t)
{
	uint64_t pa = t->next;
	cr_assert(pa + HW_PAGE_SIZE <= t->ram.size, "test RAM exhausted");
	t->next += HW_PAGE_SIZE;
	memset(ram_ptr(&t->ram, pa), 0, HW_PAGE_SIZE);
	return pa;
}

/* See pt_helpers.h. */
uint64_t pt_get(struct pt *t, uint64_t pa)
{
	return ram_read64(&t->ram, pa);
}

/* See pt_helpers.h. */
void pt_set(struct pt *t, uint64_t pa, uint64_t value)
{
	ram_write64(&t->ram, pa, value);
}

/* See pt_helpers.h. */
uint64_t pt_map(struct pt *t, uint64_t root, uint64_t va, uint64_t pa, int level, uint64_t leaf_flags,
		uint64_t table_flags, unsigned pkey)
{
	uint64_t table = root;
	for (int l = t->cfg.paging_levels; l > level; l--) {
		uint64_t epa = table + 8ULL * hw_va_index(va, l);
		uint64_t e = pt_get(t, epa);
		if (!(e & HW_PTE_P)) {
			e = hw_mk_table(pt_alloc(t), table_flags);
			pt_set(t, epa, e);
		}
		table = hw_pte_addr(e, l);
	}
	uint64_t leaf = table + 8ULL * hw_va_index(va, level);
	pt_set(t, leaf, hw_mk_page(pa, level, leaf_flags, pkey));
	return leaf;
}

/* See pt_helpers.h. */
uint64_t pt_entry_pa(struct pt *t, uint64_t root, uint64_t va, int level)
{
	uint64_t table = root;
	for (int l = t->cfg.paging_levels; l > level; l--) {
		uint64_t e = pt_get(t, table + 8ULL * hw_va_index(va, l));
		cr_assert(e & HW_PTE_P, "no table above level %d for 0x%lx", level, (unsigned long)va);
		table = hw_pte_addr(e, l);
	}
	return table + 8ULL * hw_va_index(va, level);
}

/* See pt_helpers.h. */
void pt_expect_pf(struct pt *t, uint64_t va, enum hw_access kind, enum hw_priv priv, uint32_t code)
{
	struct hw_xlat x = hw_translate(t->cpu, va, kind, priv);
	cr_assert_eq(x.exc.vector, HW_EXC_PF, "va 0x%lx: vector %d, want #PF", (unsigned long)va, x.exc.vector);
	cr_assert_eq(x.exc.error_code, code, "va 0x%lx: error code 0x%x, want 0x%x", (unsigned long)va,
		     x.exc.error_code, code);
	cr_assert_eq(x.exc.cr2, va);
	cr_assert_eq(t->cpu->cr2, va);
}

/* See pt_helpers.h. */
void pt_expect_pa(struct pt *t, uint64_t va, enum hw_access kind, enum hw_priv priv, uint64_t pa)
{
	struct hw_xlat x = hw_translate(t->cpu, va, kind, priv);
	cr_assert_eq(x.exc.vector, 0, "va 0x%lx: vector %d (error 0x%x), want a translation",
		     (unsigned long)va, x.exc.vector, x.exc.error_code);
	cr_assert_eq(x.pa, pa, "va 0x%lx: pa 0x%lx, want 0x%lx", (unsigned long)va, (unsigned long)x.pa,
		     (unsigned long)pa);
}
