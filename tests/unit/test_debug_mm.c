/* The consistency checker's address-space half (debug_mm.c): each kind of
 * corruption it guards against, made on purpose, is found. */
#include "proc_helpers.h"

#include "kernel/debug_vm.h"
#include "kernel/gfp.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/pgtable.h"

#include <string.h>

#define PG 4096ULL

static struct tk *t;
static struct task_struct *p;
static uint64_t a;

static void setup(void)
{
	t = tk_boot(64 << 20, 2);
	p = tp_spawn(t, "victim", 0);
	a = tp_mmap(t, p, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_touch(t, p, a, 4 * PG, true);
	cr_assert_eq(debug_mm_check(&t->k), 0, "a healthy machine passes");
	t->expect_bugs = true;
}

static void teardown(void)
{
	tk_free(t);
}

static pte_t *pte_of(uint64_t va)
{
	int err;
	pte_t *pte = pte_walk(&t->k, p->mm, va, false, &err);
	cr_assert_not_null(pte);
	return pte;
}

TestSuite(debug_mm, .init = setup, .fini = teardown);

Test(debug_mm, a_pte_to_a_free_frame_is_found)
{
	uint64_t pfn;
	struct page *free_page = alloc_page(&t->k, GFP_KERNEL);
	pfn = page_to_pfn(&t->k, free_page);
	__free_pages(&t->k, free_page, 0);
	pte_t *pte = pte_of(a);
	pte_t old = *pte;
	*pte = (old & ~HW_PTE_ADDR_MASK) | pfn << PAGE_SHIFT;
	cr_assert_geq(debug_mm_check(&t->k), 1);
	cr_assert(tk_log_contains(t, "which is not a user page"));
	*pte = old;
}

Test(debug_mm, a_wrong_mapcount_is_found)
{
	struct page *pg = vm_normal_page(&t->k, *pte_of(a));
	pg->mapcount++;
	cr_assert_geq(debug_mm_check(&t->k), 1);
	cr_assert(tk_log_contains(t, "mapcount 2 but 1 PTEs map it"));
	pg->mapcount--;
}

Test(debug_mm, a_writable_shared_page_is_found)
{
	struct task_struct *c = copy_process(&t->k, p, 1, &(int){ 0 });
	cr_assert_not_null(c);
	cr_assert_eq(debug_mm_check(&t->k), 0);
	*pte_of(a + PG) |= _PAGE_RW;                  /* copy-on-write forgotten */
	cr_assert_geq(debug_mm_check(&t->k), 1);
	cr_assert(tk_log_contains(t, "which is not exclusive to it"));
	*pte_of(a + PG) &= ~_PAGE_RW;
	do_group_exit(&t->k, c, 0);
}

Test(debug_mm, a_pte_outside_every_vma_is_found)
{
	pte_t *pte = pte_of(a + 3 * PG);
	pte_t old = *pte;
	struct vm_area_struct *v = vma_lookup(p->mm, a);
	v->vm_end -= PG;                              /* the last page's PTE is now outside */
	cr_assert_geq(debug_mm_check(&t->k), 1);
	cr_assert(tk_log_contains(t, "outside every VMA"));
	v->vm_end += PG;
	*pte = old;
}

Test(debug_mm, wrong_rss_and_map_count_are_found)
{
	p->mm->rss_stat[MM_ANONPAGES]++;
	p->mm->map_count++;
	cr_assert_geq(debug_mm_check(&t->k), 2);
	cr_assert(tk_log_contains(t, "RSS counter 1 is"));
	cr_assert(tk_log_contains(t, "map_count"));
	p->mm->rss_stat[MM_ANONPAGES]--;
	p->mm->map_count--;
}

Test(debug_mm, a_page_rmap_cannot_find_is_found)
{
	struct page *pg = vm_normal_page(&t->k, *pte_of(a));
	uint64_t index = page_index(pg);
	page_set_owner(pg, page_owner_pa(pg), true, index + 1);
	cr_assert_geq(debug_mm_check(&t->k), 1);
	cr_assert(tk_log_contains(t, "cannot be found by rmap"));
	page_set_owner(pg, page_owner_pa(pg), true, index);
}

Test(debug_mm, a_write_permission_beyond_the_vma_is_found)
{
	cr_assert_eq(do_mprotect_pkey(&t->k, p, a, PG, PROT_READ), 0);
	*pte_of(a) |= _PAGE_RW;
	cr_assert_geq(debug_mm_check(&t->k), 1);
	cr_assert(tk_log_contains(t, "writable in a VMA without VM_WRITE"));
	*pte_of(a) &= ~_PAGE_RW;
}
