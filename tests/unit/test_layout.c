/* The x86-64 user address space: TASK_SIZE with 4- and 5-level paging and
 * the 47-bit hint rule, MAP_FIXED at the top, randomised layouts from a
 * seed (REFERENCE.md "x86-64 user layout"), page tables freed with what
 * they map. */
#include "proc_helpers.h"

#include "kernel/mm.h"
#include "kernel/pgtable.h"
#include "kernel/vmstat.h"

#include <errno.h>
#include <string.h>

#define MB (1ULL << 20)
#define GB (1ULL << 30)
#define PG 4096ULL
#define WINDOW47 ((1ULL << 47) - PG)
#define TASK57   ((1ULL << 56) - PG)

static long map_at(struct tk *t, struct task_struct *p, uint64_t hint, uint64_t len, unsigned long flags)
{
	return sys_mmap(&t->k, p, hint, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
}

Test(layout, four_level_task_size_and_hints)
{
	struct tk *t = tk_boot(64 * MB, 1);
	struct task_struct *p = tp_spawn(t, "l4", 0);
	cr_assert_eq(p->mm->task_size, WINDOW47);
	/* a hint beyond TASK_SIZE is ignored: the area comes from below mmap_base */
	long a = map_at(t, p, 1ULL << 50, PG, 0);
	cr_assert_gt(a, 0);
	cr_assert_lt((uint64_t)a, p->mm->mmap_base);
	cr_assert_eq(map_at(t, p, WINDOW47 - PG, 2 * PG, MAP_FIXED), -ENOMEM, "MAP_FIXED crossing TASK_SIZE");
	cr_assert_eq(map_at(t, p, WINDOW47 - PG, PG, MAP_FIXED), (long)(WINDOW47 - PG), "the last page");
	cr_assert_eq(map_at(t, p, 0, WINDOW47 + PG, 0), -ENOMEM, "longer than the address space");
	tk_assert_consistent(t);
	tk_free(t);
}

Test(layout, five_level_goes_above_47_bits_only_when_asked)
{
	struct tk *t = tk_boot_ex(64 * MB, 1, 5, "default");
	struct task_struct *p = tp_spawn(t, "l5", 0);
	cr_assert_eq(p->mm->task_size, TASK57, "56-bit TASK_SIZE under LA57");
	cr_assert_eq(p->mm->mmap_base, 0x7ffff7fff000ULL, "mmap_base stays under 47 bits");

	long low = map_at(t, p, 0, PG, 0);
	cr_assert_lt((uint64_t)low, WINDOW47, "no hint: below 47 bits");
	long high = map_at(t, p, 1ULL << 50, PG, 0);
	cr_assert_eq(high, (long)(1ULL << 50), "a free hint above 47 bits is taken");
	char c = 'x';
	cr_assert_eq(tp_write(t, p, (uint64_t)high, &c, 1), 0, "and the 5-level walk maps it");
	cr_assert_neq(tp_pte(t, p, (uint64_t)high) & _PAGE_PRESENT, 0);

	/* the hint is taken: the search runs top-down from mmap_base raised by
	 * the extra address space, so the area lands above 47 bits */
	long again = map_at(t, p, 1ULL << 50, PG, 0);
	cr_assert_gt((uint64_t)again, WINDOW47);
	cr_assert_neq(again, high);
	/* a hint whose range straddles the 47-bit line is not honoured */
	long straddle = map_at(t, p, WINDOW47 - PG, 4 * PG, 0);
	cr_assert((uint64_t)straddle + 4 * PG <= WINDOW47 || (uint64_t)straddle > WINDOW47);
	cr_assert_neq(straddle, (long)(WINDOW47 - PG));
	cr_assert_eq(map_at(t, p, TASK57 - PG, 2 * PG, MAP_FIXED), -ENOMEM);
	cr_assert_eq(map_at(t, p, TASK57 - PG, PG, MAP_FIXED), (long)(TASK57 - PG));
	tk_assert_consistent(t);
	do_group_exit(&t->k, p, 0);
	tk_assert_consistent(t);
	tk_free(t);
}

/* The layout of a process on a machine with ASLR and this seed. */
struct layout {
	uint64_t mmap_base, pie, brk, end_data, stack_end, vdso;
};

static struct layout layout_with_seed(uint64_t seed)
{
	struct hw_config cfg = tk_hw_config(64 * MB, 1, 4, "default");
	struct kernel_config kcfg = { .aslr = 2, .seed = seed };
	struct tk *t = tk_boot_kcfg(&cfg, &kcfg);
	struct task_struct *p = tp_spawn(t, "aslr", 0);
	struct mm_struct *mm = p->mm;
	struct vm_area_struct *stack = vma_lookup(mm, mm->start_stack);
	cr_assert_not_null(stack);
	struct layout l = { mm->mmap_base, mm->start_code - 0x1000, mm->brk, mm->end_data, stack->vm_end, 0 };
	for (struct vm_area_struct *v = mm->mmap; v; v = v->vm_next)
		if (v->vm_name && !strcmp(v->vm_name, "[vdso]"))
			l.vdso = v->vm_start;
	tk_assert_consistent(t);
	tk_free(t);
	return l;
}

Test(layout, aslr_follows_linux_ranges_and_the_seed)
{
	const uint64_t gap = 8 * MB + 256 * PG + (0x3fffffULL << 12);   /* rlimit + guard + stack rnd */
	uint64_t distinct = 0;
	struct layout prev = { 0 };
	for (uint64_t seed = 1; seed <= 40; seed++) {
		struct layout l = layout_with_seed(seed);
		cr_assert_leq(l.mmap_base, WINDOW47 - gap);
		cr_assert_geq(l.mmap_base, WINDOW47 - gap - (1ULL << 40), "28 bits of pages");
		cr_assert_eq(l.mmap_base % PG, 0);
		cr_assert_geq(l.pie, 0x555555554000ULL);
		cr_assert_lt(l.pie, 0x555555554000ULL + (1ULL << 40));
		cr_assert_geq(l.brk, l.end_data);
		cr_assert_lt(l.brk, l.end_data + GB, "brk within 1 GiB of the data");
		cr_assert_leq(l.stack_end, WINDOW47);
		cr_assert_geq(l.stack_end, WINDOW47 - (0x3fffffULL << 12));
		cr_assert_eq(l.vdso, l.mmap_base - 2 * PG, "the vDSO sits under mmap_base");
		distinct += l.mmap_base != prev.mmap_base && l.pie != prev.pie && l.brk != prev.brk &&
			    l.stack_end != prev.stack_end;
		prev = l;
	}
	cr_assert_geq(distinct, 39, "every seed moves every region");
	struct layout a = layout_with_seed(77), b = layout_with_seed(77);
	cr_assert_eq(a.mmap_base, b.mmap_base, "the same seed gives the same layout");
	cr_assert_eq(a.pie, b.pie);
	cr_assert_eq(a.brk, b.brk);
	cr_assert_eq(a.stack_end, b.stack_end);
}

Test(layout, page_tables_are_freed_with_the_range_they_map)
{
	struct tk *t = tk_boot(64 * MB, 1);
	struct task_struct *p = tp_spawn(t, "ptfree", 0);
	uint64_t base = 0x600000000000ULL;                 /* a 512 GiB slot nothing else uses */
	uint64_t tables0 = global_node_page_state_pages(&t->k, NR_PAGETABLE);
	int64_t pt0 = p->mm->pgtables_bytes;
	cr_assert_eq(map_at(t, p, base, 4 * MB, MAP_FIXED), (long)base);
	tp_touch(t, p, base, 4 * MB, true);
	/* a PUD, a PMD and two PTE tables for 4 MiB in a fresh PGD slot */
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_PAGETABLE) - tables0, 4);
	cr_assert_eq(p->mm->pgtables_bytes - pt0, 4 * PG);
	cr_assert_eq(do_munmap(&t->k, p, base, 2 * MB), 0);
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_PAGETABLE) - tables0, 3,
		     "the PTE table of the first 2 MiB went with them");
	cr_assert_eq(do_munmap(&t->k, p, base + 2 * MB, 2 * MB), 0);
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_PAGETABLE), tables0, "all of them");
	cr_assert_eq(p->mm->pgtables_bytes, pt0);
	tk_assert_consistent(t);
	tk_free(t);
}
