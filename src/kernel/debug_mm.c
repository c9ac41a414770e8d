/*
 * kernel/debug_mm.c — the consistency checker's half for address spaces
 * (Linux: validate_mm, and the rmap invariants CONFIG_DEBUG_VM asserts one
 * at a time). For every mm: the VMA list and tree agree and do not overlap;
 * every page-table page belongs to one mm; every present PTE lies in a VMA,
 * maps an allocated frame and allows no more than its VMA; a writable PTE
 * to an anonymous page is the page's only mapping; each anonymous page is
 * reachable by rmap from the VMA that maps it, at the index it is mapped
 * at; a migration entry names a page a migration in flight holds locked;
 * the RSS counters agree with the PTEs. Then, over all mms, every
 * page's mapcount equals the PTEs that map it and its refcount covers them.
 */
#include "kernel/debug_vm.h"

#include "kernel/huge_mm.h"
#include "kernel/hugetlb.h"
#include "kernel/kernel.h"
#include "kernel/memory.h"
#include "kernel/migrate.h"
#include "kernel/page_alloc_internal.h"
#include "kernel/mm.h"
#include "kernel/pgtable.h"
#include "kernel/rmap.h"
#include "kernel/fs.h"
#include "kernel/radix_tree.h"
#include "kernel/sched.h"
#include "kernel/swapops.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* pfn -> number of PTEs seen mapping it (open addressing, grows). */
struct pfn_counts {
	uint64_t *pfn;              /* pfn + 1; 0 = empty slot */
	uint32_t *count;
	uint64_t cap, used;
	bool failed;
};

struct mm_walk {
	struct kernel *k;
	struct pfn_counts maps;     /* PTEs per mapped frame, all mms */
	struct pfn_counts tables;   /* page-table pages, all mms */
	struct pfn_counts swaps;    /* references per swap entry: PTEs and shmem */
	struct pfn_counts pmds;     /* huge PMDs per THP head, all mms */
	uint64_t problems;
	struct mm_struct *mm;       /* being walked */
	int64_t rss[NR_MM_COUNTERS];
};

#define BAD(w, ...) (kernel_bug((w)->k, __VA_ARGS__), (w)->problems++)

static uint64_t hash_pfn(uint64_t pfn, uint64_t cap)
{
	return (pfn * 0x9e3779b97f4a7c15ULL) >> 7 & (cap - 1);
}

/* The slot of pfn (inserting it), or NULL when host memory ran out. */
static uint32_t *count_slot(struct pfn_counts *c, uint64_t pfn)
{
	if (c->failed)
		return NULL;
	if (2 * (c->used + 1) > c->cap) {
		struct pfn_counts n = { .cap = c->cap ? 2 * c->cap : 1024 };
		n.pfn = calloc(n.cap, sizeof *n.pfn);
		n.count = calloc(n.cap, sizeof *n.count);
		if (!n.pfn || !n.count) {
			free(n.pfn);
			free(n.count);
			c->failed = true;
			return NULL;
		}
		for (uint64_t i = 0; i < c->cap; i++)
			if (c->pfn[i]) {
				uint64_t j = hash_pfn(c->pfn[i] - 1, n.cap);
				while (n.pfn[j])
					j = (j + 1) & (n.cap - 1);
				n.pfn[j] = c->pfn[i];
				n.count[j] = c->count[i];
				n.used++;
			}
		free(c->pfn);
		free(c->count);
		*c = n;
	}
	uint64_t j = hash_pfn(pfn, c->cap);
	while (c->pfn[j] && c->pfn[j] != pfn + 1)
		j = (j + 1) & (c->cap - 1);
	if (!c->pfn[j]) {
		c->pfn[j] = pfn + 1;
		c->used++;
	}
	return &c->count[j];
}

static uint32_t count_of(const struct pfn_counts *c, uint64_t pfn)
{
	if (!c->cap)
		return 0;
	uint64_t j = hash_pfn(pfn, c->cap);
	while (c->pfn[j] && c->pfn[j] != pfn + 1)
		j = (j + 1) & (c->cap - 1);
	return c->pfn[j] ? c->count[j] : 0;
}

/* The VMA list: sorted, disjoint, page-aligned, owned by mm, as many as
 * map_count, the same VMAs the tree finds, and each tree node's largest
 * free gap (rb_subtree_gap) right. */
static void check_vmas(struct mm_walk *w, struct mm_struct *mm)
{
	int n = 0;
	uint64_t prev_end = 0;
	struct vm_area_struct *prev = NULL;
	for (struct vm_area_struct *v = mm->mmap; v; prev = v, v = v->vm_next, n++) {
		if (v->vm_start >= v->vm_end || offset_in_page(v->vm_start | v->vm_end) ||
		    v->vm_start < prev_end || v->vm_mm != mm || v->vm_prev != prev)
			BAD(w, "mm %p: VMA [%#" PRIx64 ", %#" PRIx64 ") is malformed or out of order", (void *)mm,
			    v->vm_start, v->vm_end);
		if (vma_lookup(mm, v->vm_start) != v || vma_lookup(mm, v->vm_end - 1) != v)
			BAD(w, "mm %p: the VMA tree does not find [%#" PRIx64 ", %#" PRIx64 ")", (void *)mm,
			    v->vm_start, v->vm_end);
		if (!vma_is_anonymous(v) || (v->vm_flags & VM_SHARED) || !v->anon_vma)
			;
		else if (!v->anon_vma_chain)
			BAD(w, "VMA [%#" PRIx64 ", %#" PRIx64 ") has an anon_vma but no chain", v->vm_start, v->vm_end);
		prev_end = v->vm_end;
		uint64_t gap = vma_compute_gap(v);
		for (int side = 0; side < 2; side++) {
			struct rb_node *c = side ? v->vm_rb.rb_right : v->vm_rb.rb_left;
			if (c && rb_entry(c, struct vm_area_struct, vm_rb)->rb_subtree_gap > gap)
				gap = rb_entry(c, struct vm_area_struct, vm_rb)->rb_subtree_gap;
		}
		if (v->rb_subtree_gap != gap)
			BAD(w, "mm %p: VMA [%#" PRIx64 ", %#" PRIx64 ") records a largest gap of %#" PRIx64
			    " below its subtree, not %#" PRIx64, (void *)mm, v->vm_start, v->vm_end,
			    v->rb_subtree_gap, gap);
	}
	if (n != mm->map_count)
		BAD(w, "mm %p: map_count %d but %d VMAs", (void *)mm, mm->map_count, n);
}

struct rmap_find {
	struct vm_area_struct *vma;
	uint64_t addr;
};

static int rmap_find_one(struct vm_area_struct *vma, uint64_t address, void *arg)
{
	struct rmap_find *f = arg;
	return vma == f->vma && address == f->addr;
}

/* Is page reachable by rmap from vma: does vma belong to the page's
 * anon_vma, does the page's index give back addr, and does the rmap walk
 * (the anon_vma's interval tree) find it there? */
static bool anon_rmap_ok(struct kernel *k, struct vm_area_struct *vma, struct page *page, uint64_t addr)
{
	if (page_test(page, PG_tail)) {               /* a large folio: its head's place */
		uint64_t off = page->private;
		page = compound_head(page);
		addr -= off << PAGE_SHIFT;
		if (addr < vma->vm_start)
			return true;                  /* the head lies before this VMA: not checkable here */
	}
	uint64_t owner = page_owner_pa(page);
	bool chained = false;
	for (struct anon_vma_chain *avc = vma->anon_vma_chain; avc && !chained; avc = avc->same_vma)
		chained = virt_to_phys(k, avc->anon_vma) == owner;
	uint64_t index = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
	struct rmap_find f = { vma, addr };
	return chained && folio_pgoff(k, page) == index && rmap_walk(k, page, rmap_find_one, &f);
}

/* A PTE marker at addr: only a guard marker, inside a VMA marked
 * VM_MAYBE_GUARD, may be there. */
static void check_pte_marker(struct mm_walk *w, pte_t pte, uint64_t addr)
{
	struct vm_area_struct *vma = vma_lookup(w->mm, addr);
	if (!is_guard_pte_marker(pte))
		BAD(w, "mm %p: PTE marker %#" PRIx64 " at %#" PRIx64 " is no guard marker", (void *)w->mm, pte, addr);
	else if (!vma || !(vma->vm_flags & VM_MAYBE_GUARD))
		BAD(w, "mm %p: guard marker at %#" PRIx64 " %s", (void *)w->mm, addr,
		    vma ? "in a VMA without VM_MAYBE_GUARD" : "outside every VMA");
}

/* A migration entry at addr: inside a VMA, naming a locked page that a
 * migration in flight holds, unmapped meanwhile (its mapcount counts no
 * migration entry); it still counts in the process's RSS. */
static void check_migration_pte(struct mm_walk *w, pte_t pte, uint64_t addr)
{
	struct kernel *k = w->k;
	uint64_t pfn = migration_pte_pfn(k, pte);
	struct migrate_pending *mp = k->migrate_pending;
	while (mp && (!pfn_valid(k, pfn) || mp->src != pfn_to_page(k, pfn)))
		mp = mp->next;
	if (!vma_lookup(w->mm, addr))
		BAD(w, "mm %p: migration entry %#" PRIx64 " at %#" PRIx64 " outside every VMA", (void *)w->mm, pte, addr);
	if (!mp || !page_test(mp->src, PG_locked)) {
		BAD(w, "mm %p: migration entry %#" PRIx64 " at %#" PRIx64 " names pfn %#" PRIx64
		       ", which no migration holds locked", (void *)w->mm, pte, addr, pfn);
		return;
	}
	if (mp->src->mapcount)
		BAD(w, "migrating pfn %#" PRIx64 " is still mapped %d times", pfn, mp->src->mapcount);
	w->rss[PageAnon(mp->src) ? MM_ANONPAGES
	       : page_test(mp->src, PG_swapbacked) ? MM_SHMEMPAGES : MM_FILEPAGES]++;
}

/* One swap PTE at addr of w->mm: a PTE marker, a migration entry, or in an
 * anonymous VMA's range, naming a slot of a device; counted toward the
 * slot's references. */
static void check_swap_pte(struct mm_walk *w, pte_t pte, uint64_t addr)
{
	swp_entry_t entry = pte_to_swp_entry(pte);
	struct vm_area_struct *vma = vma_lookup(w->mm, addr);
	if (swp_type(entry) == SWP_PTE_MARKER) {
		check_pte_marker(w, pte, addr);
		return;
	}
	if (is_migration_entry(entry)) {
		check_migration_pte(w, pte, addr);
		return;
	}
	if (!vma || !vma->anon_vma)
		BAD(w, "mm %p: swap PTE %#" PRIx64 " at %#" PRIx64 " outside an anonymous VMA", (void *)w->mm, pte, addr);
	if (!is_swap_entry(entry) || !swp_swap_info(w->k, entry) || !swp_offset(entry)) {
		BAD(w, "mm %p: swap PTE %#" PRIx64 " at %#" PRIx64 " names no slot", (void *)w->mm, pte, addr);
		return;
	}
	uint32_t *c = count_slot(&w->swaps, entry.val);
	if (c)
		(*c)++;
	w->rss[MM_SWAPENTS]++;
}

/* One present leaf entry at addr of w->mm. */
static void check_pte(struct mm_walk *w, pte_t pte, uint64_t addr)
{
	struct kernel *k = w->k;
	struct vm_area_struct *vma = vma_lookup(w->mm, addr);
	if (!vma) {
		BAD(w, "mm %p: PTE %#" PRIx64 " at %#" PRIx64 " outside every VMA", (void *)w->mm, pte, addr);
		return;
	}
	if (pte_write(pte) && !(vma->vm_flags & VM_WRITE))
		BAD(w, "PTE at %#" PRIx64 " is writable in a VMA without VM_WRITE", addr);
	if ((pte & _PAGE_PRESENT) && !(pte & _PAGE_NX) && !(vma->vm_flags & VM_EXEC))
		BAD(w, "PTE at %#" PRIx64 " is executable in a VMA without VM_EXEC", addr);
	struct page *page = vm_normal_page(k, pte);
	if (!page)
		return;                            /* the zero page, vDSO: no struct page */
	uint64_t pfn = pte_pfn(pte);
	if (page_ref_count(compound_head(page)) <= 0 || page_test(page, PG_buddy) || page_test(page, PG_pcp) ||
	    page_test(page, PG_table) || page_test(page, PG_slab)) {
		BAD(w, "PTE at %#" PRIx64 " maps pfn %#" PRIx64 ", which is not a user page (refcount %d, "
		       "flags %#x)", addr, pfn, page_ref_count(page), page->flags);
		return;
	}
	uint32_t *c = count_slot(&w->maps, pfn);
	if (c)
		(*c)++;
	if (PageAnon(page)) {
		w->rss[MM_ANONPAGES]++;
		if (!anon_rmap_ok(k, vma, page, addr))
			BAD(w, "anonymous pfn %#" PRIx64 " at %#" PRIx64 " cannot be found by rmap from its VMA",
			    pfn, addr);
		if (pte_write(pte) && !page_test(page, PG_anon_exclusive))
			BAD(w, "PTE at %#" PRIx64 " writes pfn %#" PRIx64 ", which is not exclusive to it", addr, pfn);
		if (page_test(page, PG_tail) && !(page_test(compound_head(page), PG_head) &&
						  page_order(compound_head(page)) == HPAGE_PMD_ORDER))
			BAD(w, "PTE at %#" PRIx64 " maps tail pfn %#" PRIx64 " of no THP", addr, pfn);
	} else {
		w->rss[page_test(page, PG_swapbacked) ? MM_SHMEMPAGES : MM_FILEPAGES]++;
	}
}


/* A huge PMD at addr of w->mm: inside one VMA that allows THPs, mapping
 * the huge zero page or the head of an anonymous order-9 folio that rmap
 * finds there. */
static void check_huge_pmd(struct mm_walk *w, pte_t pmd, uint64_t addr)
{
	struct kernel *k = w->k;
	struct vm_area_struct *vma = vma_lookup(w->mm, addr);
	uint64_t pfn = pte_pfn(pmd);
	if (!vma || addr + HPAGE_PMD_SIZE > vma->vm_end || (addr & ~HPAGE_PMD_MASK)) {
		BAD(w, "huge PMD at %#" PRIx64 " is not inside one VMA", addr);
		return;
	}
	if (pte_write(pmd) && !(vma->vm_flags & VM_WRITE))
		BAD(w, "huge PMD at %#" PRIx64 " is writable in a VMA without VM_WRITE", addr);
	if (is_huge_zero_pmd(k, pmd)) {
		if (pte_write(pmd))
			BAD(w, "huge zero page writable at %#" PRIx64, addr);
		return;
	}
	struct page *head = pfn_valid(k, pfn) ? pfn_to_page(k, pfn) : NULL;
	if (!head || !page_test(head, PG_head) || page_order(head) != HPAGE_PMD_ORDER || !PageAnon(head) ||
	    page_ref_count(head) <= 0) {
		BAD(w, "huge PMD at %#" PRIx64 " maps pfn %#" PRIx64 ", which is not a THP's head", addr, pfn);
		return;
	}
	uint32_t *c = count_slot(&w->pmds, pfn);
	if (c)
		(*c)++;
	w->rss[MM_ANONPAGES] += HPAGE_PMD_NR;
	if (!anon_rmap_ok(k, vma, head, addr))
		BAD(w, "THP pfn %#" PRIx64 " at %#" PRIx64 " cannot be found by rmap from its VMA", pfn, addr);
	if (pte_write(pmd) && !page_test(head, PG_anon_exclusive))
		BAD(w, "huge PMD at %#" PRIx64 " writes pfn %#" PRIx64 ", which is not exclusive to it", addr, pfn);
}

/* A hugetlb leaf at addr (level 2: 2 MiB, 3: 1 GiB): inside a hugetlb VMA
 * of that page size, mapping the head of a hugetlb folio of that size with
 * a reference; counted for the folio's entire mapcount. No RSS. */
static void check_hugetlb_leaf(struct mm_walk *w, pte_t e, uint64_t addr, int level)
{
	struct kernel *k = w->k;
	struct vm_area_struct *vma = vma_lookup(w->mm, addr);
	uint64_t sz = level == 3 ? 1ULL << 30 : HPAGE_PMD_SIZE, pfn = pte_pfn(e);
	if (!vma || !(vma->vm_flags & VM_HUGETLB) || vma_kernel_pagesize(vma) != sz || addr + sz > vma->vm_end) {
		BAD(w, "hugetlb leaf at %#" PRIx64 " is not inside a hugetlb VMA of its size", addr);
		return;
	}
	if (pte_write(e) && !(vma->vm_flags & VM_WRITE))
		BAD(w, "hugetlb leaf at %#" PRIx64 " is writable in a VMA without VM_WRITE", addr);
	struct page *head = pfn_valid(k, pfn) ? pfn_to_page(k, pfn) : NULL;
	if (!head || !folio_test_hugetlb(head) || (4096ULL << page_order(head)) != sz || page_ref_count(head) <= 0) {
		BAD(w, "hugetlb leaf at %#" PRIx64 " maps pfn %#" PRIx64 ", which is not a hugetlb page's head", addr,
		    pfn);
		return;
	}
	uint32_t *c = count_slot(&w->pmds, pfn);
	if (c)
		(*c)++;
	if (pte_write(e) && !(vma->vm_flags & VM_MAYSHARE) && !page_test(head, PG_anon_exclusive))
		BAD(w, "hugetlb leaf at %#" PRIx64 " writes pfn %#" PRIx64 ", which is not exclusive to it", addr, pfn);
}

/* The page tables deposited for the huge PMDs of the PMD table at pa: one
 * per huge PMD, each a page-table page claimed once. */
static void check_deposits(struct mm_walk *w, uint64_t pa, unsigned huge)
{
	struct kernel *k = w->k;
	unsigned n = 0;
	for (uint32_t next = pfn_to_page(k, pa >> PAGE_SHIFT)->private; next && n <= huge; n++) {
		uint64_t pfn = next - 1;
		uint32_t *c = count_slot(&w->tables, pfn);
		if (!pfn_valid(k, pfn) || !page_test(pfn_to_page(k, pfn), PG_table) || (c && (*c)++)) {
			BAD(w, "deposited table %#" PRIx64 " under PMD table %#" PRIx64 " is not a free page table", pfn,
			    pa >> PAGE_SHIFT);
			return;
		}
		next = pfn_to_page(k, pfn)->private;
	}
	if (n != huge)
		BAD(w, "PMD table %#" PRIx64 ": %u huge PMDs but %u deposited tables", pa >> PAGE_SHIFT, huge, n);
}

/* Walk the table at pa (level) covering va, claiming each table page; of
 * the top table only the user half (the kernel half is the cpu_entry_area
 * every pgd shares and the LDT's slots, kernel/segment.h). */
static void walk_table(struct mm_walk *w, uint64_t pa, int level, uint64_t va)
{
	struct kernel *k = w->k;
	uint64_t pfn = pa >> PAGE_SHIFT;
	uint32_t *c = count_slot(&w->tables, pfn);
	if (c && (*c)++)
		BAD(w, "page-table page %#" PRIx64 " is used twice", pfn);
	if (!pfn_valid(k, pfn) || !page_test(pfn_to_page(k, pfn), PG_table)) {
		BAD(w, "mm %p: table at pfn %#" PRIx64 " (level %d) is not a page-table page", (void *)w->mm, pfn,
		    level);
		return;
	}
	unsigned shift = 12 + 9 * (unsigned)(level - 1);
	unsigned n = level == k->paging_levels ? KERNEL_PGD_BOUNDARY : PTRS_PER_TABLE, huge = 0;
	for (unsigned i = 0; i < n; i++) {
		pte_t e = *table_entry(k, pa, i);
		uint64_t a = va | (uint64_t)i << shift;
		if (level == k->paging_levels && a >> (shift + 8) & 1)
			a |= ~0ULL << (shift + 9);         /* sign-extend the top index */
		if (level == 1 && is_swap_pte(e))
			check_swap_pte(w, e, a);
		if (level == 1 ? !pte_present(e) : !(e & _PAGE_PRESENT) && !(level <= 3 && (e & _PAGE_PSE) && pte_present(e)))
			continue;
		struct vm_area_struct *hv = level <= 3 && (e & _PAGE_PSE) ? vma_lookup(w->mm, a) : NULL;
		if (level == 1)
			check_pte(w, e, a);
		else if (hv && (hv->vm_flags & VM_HUGETLB))
			check_hugetlb_leaf(w, e, a, level);
		else if ((e & _PAGE_PSE) && level == 2)
			check_huge_pmd(w, e, a), huge++;
		else if (e & _PAGE_PSE)
			BAD(w, "huge mapping at %#" PRIx64 ": not created by this kernel", a);
		else
			walk_table(w, e & HW_PTE_ADDR_MASK, level - 1, a);
	}
	if (level == 2)
		check_deposits(w, pa, huge);
}

/* One address space: VMAs, page tables, RSS counters. */
static void check_mm(struct mm_walk *w, struct mm_struct *mm)
{
	w->mm = mm;
	memset(w->rss, 0, sizeof w->rss);
	check_vmas(w, mm);
	walk_table(w, mm->pgd, w->k->paging_levels, 0);
	for (int i = 0; i < NR_MM_COUNTERS; i++)
		if (w->rss[i] != mm->rss_stat[i])
			BAD(w, "mm %p: RSS counter %d is %" PRId64 " but %" PRId64 " PTEs map such pages", (void *)mm,
			    i, mm->rss_stat[i], w->rss[i]);
}

/* A THP headed by head: each page's mapcount against its PTEs, the
 * entire mapcount against the huge PMDs, nr_pages_mapped, the references
 * covering every mapping, exclusivity, and the deferred split queue. */
static void check_thp(struct mm_walk *w, struct page *head, uint64_t pfn)
{
	uint32_t mapped = 0, pmds = count_of(&w->pmds, pfn);
	int total = (int)pmds;
	if (folio_entire_mapcount(head) != pmds)
		BAD(w, "THP %#" PRIx64 ": entire mapcount %u but %u huge PMDs", pfn, folio_entire_mapcount(head), pmds);
	for (unsigned i = 0; i < HPAGE_PMD_NR; i++) {
		struct page *p = head + i;
		uint32_t n = count_of(&w->maps, pfn + i);
		if ((uint32_t)p->mapcount != n)
			BAD(w, "pfn %#" PRIx64 " of THP %#" PRIx64 ": mapcount %d but %u PTEs map it", pfn + i, pfn,
			    p->mapcount, n);
		mapped += p->mapcount > 0;
		total += p->mapcount;
		if (p->mapcount + (int)pmds > 1 && page_test(p, PG_anon_exclusive))
			BAD(w, "pfn %#" PRIx64 " of THP %#" PRIx64 ": exclusive but mapped %d times", pfn + i, pfn,
			    p->mapcount + (int)pmds);
	}
	if (folio_nr_pages_mapped(head) != mapped)
		BAD(w, "THP %#" PRIx64 ": nr_pages_mapped %u but %u pages have PTEs", pfn,
		    folio_nr_pages_mapped(head), mapped);
	if (head->_refcount < total + (page_test(head, PG_swapcache) ? (int)HPAGE_PMD_NR : 0))
		BAD(w, "THP %#" PRIx64 ": refcount %d below its %d mappings", pfn, head->_refcount, total);
	bool partial = !pmds && mapped && mapped < HPAGE_PMD_NR;
	if (partial && !(head[2].mapping & FOLIO_DEFERRED))
		BAD(w, "THP %#" PRIx64 ": mapped in part (%u pages) but not on the deferred split queue", pfn, mapped);
}

/* The deferred split queue: THP heads marked queued, linked both ways,
 * as long as it says. */
static void check_deferred_split_queue(struct mm_walk *w)
{
	struct kernel *k = w->k;
	uint64_t n = 0;
	uint32_t prev = PFN_NIL;
	for (uint32_t pfn = k->thp.deferred_head; pfn != PFN_NIL && n <= k->thp.deferred_len; n++) {
		struct page *head = pfn_valid(k, pfn) ? pfn_to_page(k, pfn) : NULL;
		if (!head || !page_test(head, PG_head) || page_order(head) < 2 || !(head[2].mapping & FOLIO_DEFERRED) ||
		    head[2].lru_prev != prev) {
			BAD(w, "deferred split queue: pfn %#" PRIx32 " is not a queued large folio", pfn);
			return;
		}
		prev = pfn;
		pfn = head[2].lru_next;
	}
	if (n != k->thp.deferred_len || prev != k->thp.deferred_tail)
		BAD(w, "deferred split queue: %" PRIu64 " folios found, %" PRIu64 " counted", n, k->thp.deferred_len);
}

/* Every frame's mapcount against the PTEs found; refcount covers them. */
static void check_mapcounts(struct mm_walk *w)
{
	struct kernel *k = w->k;
	for (uint64_t pfn = 0; pfn < k->max_pfn; pfn++) {
		const struct mem_range *r = pfn_reserved(k, pfn);
		struct zone *z = pfn_zone(k, pfn);
		if (r) {                              /* never touch what boot left alone */
			pfn = r->end_pfn - 1;
			continue;
		}
		if (z && pfn >= z->deferred_pfn && pfn < z->deferred_end) {
			pfn = z->deferred_end - 1;
			continue;
		}
		struct page *p = pfn_to_page(k, pfn);
		if (folio_test_hugetlb(p)) {
			uint32_t leaves = count_of(&w->pmds, pfn);
			int cache_ref = p->mapping && !PageAnon(p);
			if (folio_entire_mapcount(p) != leaves)
				BAD(w, "hugetlb page %#" PRIx64 ": entire mapcount %u but %u leaves map it", pfn,
				    folio_entire_mapcount(p), leaves);
			if (p->_refcount && p->_refcount < (int)leaves + cache_ref)
				BAD(w, "hugetlb page %#" PRIx64 ": refcount %d below its %u mappings", pfn, p->_refcount,
				    leaves);
			pfn += (1ULL << page_order(p)) - 1;
			continue;
		}
		if (page_test(p, PG_head) && page_order(p) == HPAGE_PMD_ORDER && PageAnon(p)) {
			check_thp(w, p, pfn);
			pfn += HPAGE_PMD_NR - 1;
			continue;
		}
		if (!p->_refcount || page_test(p, PG_slab) || page_test(p, PG_table) || page_test(p, PG_tail) ||
		    !page_owner_pa(p))
			continue;
		uint32_t n = count_of(&w->maps, pfn);
		if ((uint32_t)p->mapcount != n)
			BAD(w, "pfn %#" PRIx64 ": mapcount %d but %u PTEs map it", pfn, p->mapcount, n);
		int cache_ref = (PageAnon(p) ? 0 : 1) +     /* the page cache holds one */
				page_test(p, PG_swapcache);   /* and the swap cache */
		if (p->_refcount < p->mapcount + cache_ref)
			BAD(w, "pfn %#" PRIx64 ": refcount %d below its %d mappings", pfn, p->_refcount, p->mapcount);
		if (PageAnon(p) && p->mapcount > 1 && page_test(p, PG_anon_exclusive))
			BAD(w, "pfn %#" PRIx64 ": exclusive but mapped %d times", pfn, p->mapcount);
	}
}

/* The swap entries in shmem objects' page caches, each a reference to
 * its slot; the object's swapped count agrees. */
static void count_shmem_swap(struct mm_walk *w, struct inode *f)
{
	void *items[64];
	uint64_t idx[64], next = 0, n = 0;
	unsigned got;
	while ((got = radix_tree_gang_lookup(&f->i_data.i_pages, items, idx, next, 64))) {
		for (unsigned i = 0; i < got; i++)
			if (radix_is_value(items[i])) {
				uint32_t *c = count_slot(&w->swaps, radix_to_swp_entry(items[i]).val);
				if (c)
					(*c)++;
				n++;
			}
		next = idx[got - 1] + 1;
	}
	if (n != f->swapped)
		BAD(w, "shmem %s: swapped %" PRIu64 " but %" PRIu64 " swap entries", f->i_name, f->swapped, n);
}

/* Count shmem inode f (may be NULL) unless seen already. */
static void count_shmem_once(struct mm_walk *w, struct pfn_counts *seen, struct inode *f)
{
	uint32_t *c;
	if (f && f->kind == FILE_SHMEM && (c = count_slot(seen, virt_to_phys(w->k, f))) && !(*c)++)
		count_shmem_swap(w, f);
}

/* Count each shmem inode once: the named tmpfs files, then those live
 * processes map or hold open. */
static void count_all_shmem_swap(struct mm_walk *w)
{
	struct pfn_counts seen = { 0 };
	for (int i = 0; i < w->k->nr_super_blocks; i++)
		for (struct inode *f = w->k->super_blocks[i].s_files; f; f = f->i_sb_next)
			count_shmem_once(w, &seen, f);
	for (struct task_struct *t = w->k->tasks; t; t = t->next_task) {
		if (t->state != TASK_RUNNING || !t->mm)
			continue;
		for (struct vm_area_struct *v = t->mm->mmap; v; v = v->vm_next)
			count_shmem_once(w, &seen, v->vm_file ? file_inode(v->vm_file) : NULL);
		for (unsigned fd = 0; t->files && fd < t->files->max_fds; fd++)
			count_shmem_once(w, &seen, t->files->fd[fd] ? file_inode(t->files->fd[fd]) : NULL);
	}
	if (seen.failed)
		w->swaps.failed = true;
	free(seen.pfn);
	free(seen.count);
}

/* One slot of si: its count equals the references found, and its cache
 * flag says whether the swap cache holds a page for it, which names it. */
static uint64_t check_slot(struct mm_walk *w, struct swap_info_struct *si, uint64_t off)
{
	struct kernel *k = w->k;
	swp_entry_t entry = swp_entry((unsigned)si->type, off);
	uint16_t map = si->swap_map[off];
	uint32_t refs = count_of(&w->swaps, entry.val);
	struct page *page = map ? swap_cache_get_folio(k, entry) : NULL;

	if (swap_count(map) != refs)
		BAD(w, "swap slot %" PRIu64 " of %s: count %u but %u PTEs and shmem entries name it", off, si->path,
		    swap_count(map), refs);
	if (!(map & SWAP_HAS_CACHE) != !page)
		BAD(w, "swap slot %" PRIu64 " of %s: %s but the swap cache %s", off, si->path,
		    map & SWAP_HAS_CACHE ? "SWAP_HAS_CACHE" : "no cache flag", page ? "holds a page" : "has none");
	if (page) {
		if (!page_test(page, PG_swapcache) || page_swap_entry(page).val != entry.val)
			BAD(w, "swap slot %" PRIu64 " of %s: its cached pfn %#" PRIx64 " names another entry", off,
			    si->path, page_to_pfn(k, page));
		put_page(k, page);
	}
	return map != 0;
}

/* Every slot of every device against the references found, and the
 * devices' and clusters' counts against their slots. */
static void check_swap_devices(struct mm_walk *w)
{
	struct kernel *k = w->k;
	uint64_t free_total = 0, total = 0;
	for (int t = 0; t < MAX_SWAPFILES; t++) {
		struct swap_info_struct *si = k->swap.swap_info[t];
		if (!si)
			continue;
		uint64_t inuse = 0;
		for (uint64_t c = 0; c < si->nr_clusters; c++) {
			uint64_t used = 0, end = (c + 1) * SWAPFILE_CLUSTER;
			for (uint64_t off = c ? c * SWAPFILE_CLUSTER : 1; off < end && off < si->max; off++)
				used += check_slot(w, si, off);
			inuse += used;
			used += !c + (end > si->max ? end - si->max : 0);
			if (used != si->cluster_info[c].count)
				BAD(w, "swap cluster %" PRIu64 " of %s: count %u but %" PRIu64 " slots in use", c, si->path,
				    si->cluster_info[c].count, used);
		}
		if (inuse != si->inuse_pages)
			BAD(w, "swap device %s: inuse_pages %" PRIu64 " but %" PRIu64 " slots in use", si->path,
			    si->inuse_pages, inuse);
		if (si->flags & SWP_WRITEOK) {
			free_total += si->pages - inuse;
			total += si->pages;
		}
	}
	if (free_total != get_nr_swap_pages(k) || total != total_swap_pages(k))
		BAD(w, "swap: %" PRIu64 " free of %" PRIu64 ", the counters say %" PRIu64 " of %" PRIu64, free_total, total,
		    get_nr_swap_pages(k), total_swap_pages(k));
}

/* See debug_vm.h. */
uint64_t debug_mm_check(struct kernel *k)
{
	struct mm_walk w = { .k = k };
	for (struct task_struct *t = k->tasks; t; t = t->next_task) {
		if (t->state != TASK_RUNNING || !t->mm)
			continue;
		bool seen = false;                 /* threads share their leader's mm */
		for (struct task_struct *u = k->tasks; u != t && !seen; u = u->next_task)
			seen = u->state == TASK_RUNNING && u->mm == t->mm;
		if (!seen)
			check_mm(&w, t->mm);
	}
	count_all_shmem_swap(&w);
	if (w.maps.failed || w.tables.failed || w.swaps.failed || w.pmds.failed) {
		BAD(&w, "debug_mm_check: out of host memory");
	} else {
		check_mapcounts(&w);
		check_swap_devices(&w);
		check_deferred_split_queue(&w);
	}
	free(w.maps.pfn);
	free(w.maps.count);
	free(w.tables.pfn);
	free(w.tables.count);
	free(w.swaps.pfn);
	free(w.swaps.count);
	free(w.pmds.pfn);
	free(w.pmds.count);
	return w.problems;
}
