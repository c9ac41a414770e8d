/*
 * tests/unit/test_vma_gap.c — the gap search over the VMA tree
 * (unmapped_area, unmapped_area_topdown with rb_subtree_gap) finds exactly
 * the gap a walk over every VMA finds, for random layouts and requests,
 * and the tree's recorded gaps stay right through maps, unmaps, splits,
 * merges and stack growth (the consistency checker verifies them).
 */
#include "proc_helpers.h"

#include "kernel/mm.h"
#include "kernel/mman.h"
#include "kernel/sched.h"

#include <errno.h>

#define MB (1ULL << 20)
#define PG 4096ULL

/* The reference: Linux 6.18's gap search (mm/vma.c unmapped_area and
 * unmapped_area_topdown) with the free ranges found by walking the VMA list
 * instead of the tree: the highest (topdown) or lowest free range of
 * [low, high) where len fits, then a new search past the stack guard gap of
 * a VMA growing down right above it. 0 when none. */
static struct vm_area_struct *last_vma(struct mm_struct *mm)
{
	struct vm_area_struct *v = mm->mmap;
	while (v && v->vm_next)
		v = v->vm_next;
	return v;
}

/* The free range below v (v NULL: above every VMA) clipped to [low, high). */
static bool range_fits(struct mm_struct *mm, struct vm_area_struct *v, uint64_t len, uint64_t low,
		       uint64_t high, uint64_t *start, uint64_t *end)
{
	struct vm_area_struct *prev = v ? v->vm_prev : last_vma(mm);
	uint64_t s = prev ? prev->vm_end : 0, e = v ? v->vm_start : high;
	*start = s > low ? s : low;
	*end = e < high ? e : high;
	return *end > *start && *end - *start >= len;
}

static uint64_t walk_gap(struct kernel *k, struct mm_struct *mm, uint64_t len, uint64_t low, uint64_t high,
			 bool topdown)
{
	if (low < mmap_min_addr(k))
		low = mmap_min_addr(k);
	for (;;) {
		uint64_t start = 0, end = 0, s, e;
		struct vm_area_struct *next = NULL;
		bool found = false;
		for (struct vm_area_struct *v = mm->mmap;; v = v->vm_next) {   /* v NULL: the top range */
			if (range_fits(mm, v, len, low, high, &s, &e) && (!found || topdown)) {
				found = true, start = s, end = e, next = v;
			}
			if (!v)
				break;
		}
		if (!found)
			return 0;
		struct vm_area_struct *prev = next ? next->vm_prev : last_vma(mm);
		uint64_t gap = topdown ? end - len : start;
		if (next && (next->vm_flags & VM_GROWSDOWN)) {
			if (topdown && vm_start_gap(next) < end) {
				high = vm_start_gap(next);
				continue;
			}
			if (!topdown && vm_start_gap(next) < start + len - 1) {
				low = next->vm_end;
				continue;
			}
		} else if (prev && prev->vm_end > gap) {
			if (topdown)
				high = prev->vm_start;
			else
				low = prev->vm_end;
			continue;
		}
		return gap;
	}
}

static uint64_t rnd(uint64_t *state)
{
	*state ^= *state << 13, *state ^= *state >> 7, *state ^= *state << 17;
	return *state;
}

/* Random layouts: a few hundred mappings of random sizes at random places
 * (some grow down), some unmapped again, then random requests. */
Test(vma_gap, the_tree_search_finds_what_a_walk_finds)
{
	struct tk *t = tk_boot(256 * MB, 1);
	uint64_t st = 0x9e3779b97f4a7c15ULL;
	for (int round = 0; round < 4; round++) {
		struct task_struct *p = tp_spawn(t, "gaps", 0);
		for (int i = 0; i < 300; i++) {
			uint64_t len = (1 + rnd(&st) % 64) * PG, addr = (0x100000 + rnd(&st) % 0x40000) * PG;
			unsigned long flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE |
					      (rnd(&st) % 8 == 0 ? MAP_GROWSDOWN : 0);
			sys_mmap(&t->k, p, addr, len, PROT_READ | (rnd(&st) % 2 ? PROT_WRITE : 0), flags, -1, 0);
			if (rnd(&st) % 4 == 0)
				do_munmap(&t->k, p, addr + PG * (rnd(&st) % 8), PG * (1 + rnd(&st) % 8));
		}
		tk_assert_consistent(t);
		for (int q = 0; q < 2000; q++) {
			uint64_t len = (1 + rnd(&st) % (rnd(&st) % 4 ? 64 : 4096)) * PG;
			uint64_t low = (rnd(&st) % 0x50000) * PG, high = low + (rnd(&st) % 0x50000) * PG;
			struct mm_struct *mm = p->mm;
			if (q % 2) {                     /* bounds at VMA edges, give or take a page */
				struct vm_area_struct *a = mm->mmap, *b = mm->mmap;
				for (uint64_t n = rnd(&st) % mm->map_count; n--;)
					a = a->vm_next;
				for (uint64_t n = rnd(&st) % mm->map_count; n--;)
					b = b->vm_next;
				low = (rnd(&st) % 2 ? a->vm_start : a->vm_end) + (rnd(&st) % 3 - 1) * PG;
				high = (rnd(&st) % 2 ? b->vm_start : b->vm_end) + (rnd(&st) % 3 - 1) * PG;
				len = (1 + rnd(&st) % 16) * PG;
			}
			cr_assert_eq(unmapped_area_topdown(&t->k, mm, len, low, high),
				     walk_gap(&t->k, mm, len, low, high, true), "topdown len %#llx in [%#llx, %#llx)",
				     (unsigned long long)len, (unsigned long long)low, (unsigned long long)high);
			cr_assert_eq(unmapped_area(&t->k, mm, len, low, high),
				     walk_gap(&t->k, mm, len, low, high, false), "bottom-up len %#llx in [%#llx, %#llx)",
				     (unsigned long long)len, (unsigned long long)low, (unsigned long long)high);
		}
		do_group_exit(&t->k, p, 0);
	}
	tk_assert_consistent(t);
	tk_free(t);
}

/* The gaps stay right when VMAs split and merge back (mprotect), when a
 * stack grows down, and when mappings go. */
Test(vma_gap, gaps_follow_splits_merges_and_growth)
{
	struct tk *t = tk_boot(256 * MB, 1);
	struct task_struct *p = tp_spawn(t, "gaps", 0);
	long a = sys_mmap(&t->k, p, 0, 64 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_gt(a, 0);
	for (int i = 0; i < 64; i += 4) {
		cr_assert_eq(do_mprotect_pkey(&t->k, p, (uint64_t)a + (uint64_t)i * PG, PG, PROT_READ), 0);
		tk_assert_consistent(t);
	}
	for (int i = 0; i < 64; i += 4)
		cr_assert_eq(do_mprotect_pkey(&t->k, p, (uint64_t)a + (uint64_t)i * PG, PG, PROT_READ | PROT_WRITE), 0);
	tk_assert_consistent(t);
	cr_assert_eq(do_munmap(&t->k, p, (uint64_t)a + 8 * PG, 8 * PG), 0);
	tk_assert_consistent(t);
	uint64_t sp = p->mm->start_stack & ~(PG - 1);
	char c = 1;
	cr_assert_eq(tp_write(t, p, sp - 40 * PG, &c, 1), 0, "the stack grows down");
	tk_assert_consistent(t);
	tk_free(t);
}

/* 64k mappings that cannot merge: each new one is placed below the last in
 * logarithmic time (a walk over every VMA made this quadratic). The
 * placement is checked here; make bench times it (mmap_64k_vmas_s). */
Test(vma_gap, many_unmergeable_mappings_are_placed_top_down)
{
	struct tk *t = tk_boot(256 * MB, 1);
	struct task_struct *p = tp_spawn(t, "many", 0);
	t->k.sysctl.max_map_count = 70000;
	long prev = 0;
	for (int i = 0; i < 65536; i++) {
		long a = sys_mmap(&t->k, p, 0, PG, PROT_READ | (i % 2 ? PROT_WRITE : 0),
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		cr_assert_gt(a, 0);
		cr_assert(!prev || a == prev - (long)PG, "mapping %d at %#lx, right below %#lx", i, a, prev);
		prev = a;
	}
	cr_assert_geq(p->mm->map_count, 65536);
	tk_assert_consistent(t);
	tk_free(t);
}

/* Every request whose bounds sit on a VMA edge (give or take a page) of a
 * small random layout, for small lengths: the cases where one page decides. */
Test(vma_gap, every_edge_of_a_small_layout)
{
	struct tk *t = tk_boot(256 * MB, 1);
	uint64_t st = 0x2545f4914f6cdd1dULL, edges[128];
	struct task_struct *p = tp_spawn(t, "edges", 0);
	for (int i = 0; i < 40; i++) {
		uint64_t len = (1 + rnd(&st) % 6) * PG, addr = (0x100000 + rnd(&st) % 0x200) * PG;
		sys_mmap(&t->k, p, addr, len, PROT_READ | (i % 2 ? PROT_WRITE : 0),
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | (rnd(&st) % 6 ? 0 : MAP_GROWSDOWN), -1, 0);
	}
	int n = 0;
	for (struct vm_area_struct *v = p->mm->mmap; v && n < 126; v = v->vm_next) {
		edges[n++] = v->vm_start;
		edges[n++] = v->vm_end;
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			for (int di = -1; di <= 1; di++)
				for (int dj = -1; dj <= 1; dj++)
					for (uint64_t len = PG; len <= 8 * PG; len += PG) {
						uint64_t low = edges[i] + (uint64_t)di * PG, high = edges[j] + (uint64_t)dj * PG;
						cr_assert_eq(unmapped_area_topdown(&t->k, p->mm, len, low, high),
							     walk_gap(&t->k, p->mm, len, low, high, true));
						cr_assert_eq(unmapped_area(&t->k, p->mm, len, low, high),
							     walk_gap(&t->k, p->mm, len, low, high, false));
					}
	tk_free(t);
}
