/*
 * kernel/khugepaged.c — collapsing 4 KiB pages into THPs: the khugepaged
 * kernel thread and MADV_COLLAPSE (Linux: mm/khugepaged.c).
 *
 * khugepaged runs on the machine's clock (khugepaged_tick): every
 * scan_sleep_millisecs of simulated time it wakes and scans pages_to_scan
 * pages of the mms registered with it, one aligned 2 MiB at a time, as
 * Linux's khugepaged_do_scan does; after a failed huge page allocation it
 * sleeps alloc_sleep_millisecs. An mm registers on MADV_HUGEPAGE, at a THP
 * fault (Linux: khugepaged_enter_vma).
 */
#include "kernel/huge_mm.h"

#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/memcontrol.h"
#include "kernel/rmap.h"
#include "kernel/sched.h"
#include "kernel/swap.h"
#include "kernel/swapops.h"
#include "kernel/tlbflush.h"
#include "kernel/trace.h"
#include "kernel/vmstat.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* What a scan of one 2 MiB found (Linux: enum scan_result, the ones that
 * can occur here). */
enum scan_result {
	SCAN_FAIL,
	SCAN_SUCCEED,
	SCAN_PMD_NULL,
	SCAN_PMD_NONE,
	SCAN_PMD_MAPPED,
	SCAN_EXCEED_NONE_PTE,
	SCAN_EXCEED_SWAP_PTE,
	SCAN_EXCEED_SHARED_PTE,
	SCAN_PTE_NON_PRESENT,
	SCAN_LACK_REFERENCED_PAGE,
	SCAN_PAGE_NULL,
	SCAN_PAGE_ANON,
	SCAN_PAGE_LRU,
	SCAN_PAGE_COUNT,
	SCAN_ALLOC_HUGE_PAGE_FAIL,
	SCAN_CGROUP_CHARGE_FAIL,
	SCAN_VMA_CHECK,
};

static const char *const scan_names[] = {
	[SCAN_FAIL] = "failed", [SCAN_SUCCEED] = "collapsed", [SCAN_PMD_NULL] = "no page table",
	[SCAN_PMD_NONE] = "nothing mapped", [SCAN_PMD_MAPPED] = "already a THP",
	[SCAN_EXCEED_NONE_PTE] = "too many empty PTEs (max_ptes_none)",
	[SCAN_EXCEED_SWAP_PTE] = "too many swapped pages (max_ptes_swap)",
	[SCAN_EXCEED_SHARED_PTE] = "too many shared pages (max_ptes_shared)",
	[SCAN_PTE_NON_PRESENT] = "a PTE marker",
	[SCAN_LACK_REFERENCED_PAGE] = "no page referenced lately", [SCAN_PAGE_NULL] = "a special page",
	[SCAN_PAGE_ANON] = "a page that is not anonymous", [SCAN_PAGE_LRU] = "a page off the LRU",
	[SCAN_PAGE_COUNT] = "a page with extra references", [SCAN_ALLOC_HUGE_PAGE_FAIL] = "no free 2 MiB block",
	[SCAN_CGROUP_CHARGE_FAIL] = "the memory cgroup cannot take 2 MiB more",
	[SCAN_VMA_CHECK] = "the VMA cannot have a THP",
};

/* ---- the mms khugepaged scans --------------------------------------------------- */

static bool khugepaged_registered(const struct kernel *k, const struct mm_struct *mm)
{
	for (size_t i = 0; i < k->thp.kh_nr; i++)
		if (k->thp.kh_mms[i] == mm)
			return true;
	return false;
}

/* See huge_mm.h. */
void khugepaged_enter_vma(struct kernel *k, struct vm_area_struct *vma)
{
	struct thp_state *t = &k->thp;
	if (!vma->vm_mm || !thp_vma_allowable(k, vma) || khugepaged_registered(k, vma->vm_mm))
		return;
	if (t->kh_nr == t->kh_cap) {
		size_t cap = t->kh_cap ? 2 * t->kh_cap : 8;
		struct mm_struct **n = realloc(t->kh_mms, cap * sizeof *n);
		if (!n)
			return;                      /* host memory: the mm is just not scanned */
		t->kh_mms = n;
		t->kh_cap = cap;
	}
	t->kh_mms[t->kh_nr++] = vma->vm_mm;
	if (t->kh_nr == 1) {
		t->kh_next_wake_ms = t->kh_clock_ms + t->khugepaged.scan_sleep_millisecs;
		t->kh_slot = 0;
		t->kh_scan_address = 0;
		t->kh_at_head = true;
	}
}

/* See huge_mm.h. */
void khugepaged_exit(struct kernel *k, struct mm_struct *mm)
{
	struct thp_state *t = &k->thp;
	for (size_t i = 0; i < t->kh_nr; i++) {
		if (t->kh_mms[i] != mm)
			continue;
		memmove(&t->kh_mms[i], &t->kh_mms[i + 1], (t->kh_nr - i - 1) * sizeof *t->kh_mms);
		t->kh_nr--;
		if (t->kh_slot > i || (t->kh_slot == i && t->kh_slot == t->kh_nr)) {
			if (t->kh_slot > i)
				t->kh_slot--;
			else
				t->kh_slot = 0;
		}
		if (t->kh_slot == i)
			t->kh_scan_address = 0;
		return;
	}
}

/* See huge_mm.h. */
void thp_destroy(struct kernel *k)
{
	free(k->thp.kh_mms);
	k->thp.kh_mms = NULL;
	k->thp.kh_nr = k->thp.kh_cap = 0;
}

/* ---- scanning one 2 MiB ------------------------------------------------------------ */

static bool pte_none_or_zero(const struct kernel *k, pte_t e)
{
	return pte_none(e) || (pte_present(e) && pte_pfn(e) == zero_pfn(k));
}

/* May the page be taken out of its PTEs: its references are its mappings
 * (and the swap cache's) only (Linux: is_refcount_suitable). */
static bool is_refcount_suitable(const struct page *page)
{
	const struct page *head = compound_head(page);
	int expected = page_test(head, PG_head) ? folio_mapcount(head) : head->mapcount;
	if (page_test(head, PG_swapcache))
		expected += (int)folio_nr_pages(head);
	return page_ref_count(head) == expected;
}

/* Check the PTEs of the 2 MiB at addr of vma for a collapse (Linux:
 * hpage_collapse_scan_pmd and __collapse_huge_page_isolate's checks):
 * khugepaged enforces max_ptes_none/swap/shared and wants referenced
 * pages; MADV_COLLAPSE does not. Read-only PTEs collapse too (Linux 6.18
 * dropped SCAN_PAGE_RO for anonymous memory). *unmapped gets the swap
 * PTEs. */
static enum scan_result scan_pmd(struct kernel *k, struct vm_area_struct *vma, uint64_t addr, bool khugepaged,
				 unsigned *unmapped)
{
	int err;
	pte_t *pmd = pmd_walk(k, vma->vm_mm, addr, false, &err);
	if (!pmd)
		return SCAN_PMD_NULL;
	if (pte_none(*pmd))
		return SCAN_PMD_NONE;
	if (pmd_trans_huge(*pmd))
		return SCAN_PMD_MAPPED;
	const pte_t *pte = table_entry(k, *pmd & HW_PTE_ADDR_MASK, 0);
	const struct thp_state *t = &k->thp;
	unsigned none = 0, shared = 0, referenced = 0;
	*unmapped = 0;
	for (unsigned i = 0; i < HPAGE_PMD_NR; i++) {
		pte_t e = pte[i];
		if (is_swap_pte(e)) {
			if (is_guard_pte_marker(e))
				return SCAN_PTE_NON_PRESENT;
			if (khugepaged && ++*unmapped > t->khugepaged.max_ptes_swap) {
				k->vm_events[THP_SCAN_EXCEED_SWAP_PTE]++;
				return SCAN_EXCEED_SWAP_PTE;
			}
			if (!khugepaged)
				++*unmapped;
			continue;
		}
		if (pte_none_or_zero(k, e)) {
			if (khugepaged && ++none > t->khugepaged.max_ptes_none) {
				k->vm_events[THP_SCAN_EXCEED_NONE_PTE]++;
				return SCAN_EXCEED_NONE_PTE;
			}
			continue;
		}
		struct page *page = vm_normal_page(k, e);
		if (!page)
			return SCAN_PAGE_NULL;
		if (!PageAnon(page))
			return SCAN_PAGE_ANON;
		if (page_precise_mapcount(page) > 1 && khugepaged && ++shared > t->khugepaged.max_ptes_shared) {
			k->vm_events[THP_SCAN_EXCEED_SHARED_PTE]++;
			return SCAN_EXCEED_SHARED_PTE;
		}
		if (!page_test(compound_head(page), PG_lru))
			return SCAN_PAGE_LRU;
		if (!is_refcount_suitable(page))
			return SCAN_PAGE_COUNT;
		if (pte_young(e) || page_test(compound_head(page), PG_referenced))
			referenced++;
	}
	if (khugepaged && (!referenced || (*unmapped && referenced < HPAGE_PMD_NR / 2)))
		return SCAN_LACK_REFERENCED_PAGE;
	return SCAN_SUCCEED;
}

/* Bring the swapped pages of the 2 MiB at addr back, as faults (Linux:
 * __collapse_huge_page_swapin). False when one could not be. */
static bool collapse_swapin(struct kernel *k, struct vm_area_struct *vma, uint64_t addr)
{
	for (unsigned i = 0; i < HPAGE_PMD_NR; i++) {
		int err;
		pte_t *pte = pte_walk(k, vma->vm_mm, addr + i * PAGE_SIZE, false, &err);
		if (pte && is_swap_pte(*pte) &&
		    (handle_mm_fault(k, vma, addr + i * PAGE_SIZE, 0, NULL) & VM_FAULT_ERROR))
			return false;
	}
	return true;
}

/* Does the page table of the 2 MiB at addr hold a swap entry? */
static bool pmd_has_swap_pte(struct kernel *k, struct vm_area_struct *vma, uint64_t addr)
{
	int err;
	pte_t *pmd = pmd_walk(k, vma->vm_mm, addr, false, &err);
	if (!pmd || pte_none(*pmd) || pmd_trans_huge(*pmd))
		return false;
	const pte_t *pte = table_entry(k, *pmd & HW_PTE_ADDR_MASK, 0);
	for (unsigned i = 0; i < HPAGE_PMD_NR; i++)
		if (is_swap_pte(pte[i]))
			return true;
	return false;
}

/* Replace the page table of the 2 MiB at addr with a THP holding a copy
 * of its pages (empty and zero-page entries zero-filled); the old pages
 * are unmapped and freed, the emptied table deposited for a later split
 * (Linux: collapse_huge_page). */
static enum scan_result collapse_huge_page(struct kernel *k, struct vm_area_struct *vma, uint64_t addr,
					   unsigned unmapped, bool khugepaged)
{
	gfp_t gfp = (GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM;
	if (k->thp.khugepaged.defrag || !khugepaged)
		gfp |= __GFP_DIRECT_RECLAIM;          /* alloc_hugepage_khugepaged_gfpmask */
	struct page *head = alloc_pages(k, gfp, HPAGE_PMD_ORDER);
	if (!head) {
		k->vm_events[THP_COLLAPSE_ALLOC_FAILED]++;
		return SCAN_ALLOC_HUGE_PAGE_FAIL;
	}
	k->vm_events[THP_COLLAPSE_ALLOC]++;
	if (mem_cgroup_charge(k, head, vma->vm_mm, gfp)) {      /* alloc_charge_folio */
		put_page(k, head);
		return SCAN_CGROUP_CHARGE_FAIL;
	}
	count_memcg_folio_events(k, head, THP_COLLAPSE_ALLOC, 1);
	unsigned again;
	enum scan_result r = SCAN_SUCCEED;
	if (unmapped && !collapse_swapin(k, vma, addr))
		r = SCAN_EXCEED_SWAP_PTE;
	else if (unmapped)
		r = scan_pmd(k, vma, addr, khugepaged, &again);     /* the swap-in may have changed it */
	if (r == SCAN_SUCCEED && pmd_has_swap_pte(k, vma, addr))
		r = SCAN_EXCEED_SWAP_PTE;     /* the charge's or the swap-ins' reclaim took a page of it */
	if (r == SCAN_SUCCEED && anon_vma_prepare(k, vma))
		r = SCAN_FAIL;
	if (r != SCAN_SUCCEED) {
		put_page(k, head);
		return r;
	}
	int err;
	struct mm_struct *mm = vma->vm_mm;
	pte_t *pmd = pmd_walk(k, mm, addr, false, &err);
	uint64_t table = *pmd & HW_PTE_ADDR_MASK;
	pte_t *pte = table_entry(k, table, 0);
	*pmd = 0;                                     /* pmdp_collapse_flush */
	flush_tlb_mm_range(k, mm, addr, addr + HPAGE_PMD_SIZE, PAGE_SHIFT, true);
	uint8_t *dst = page_address(k, head);
	for (unsigned i = 0; i < HPAGE_PMD_NR; i++, dst += PAGE_SIZE) {
		pte_t e = pte[i];
		struct page *page = pte_none_or_zero(k, e) ? NULL : vm_normal_page(k, e);
		pte[i] = 0;
		if (!page) {
			memset(dst, 0, PAGE_SIZE);
			continue;
		}
		memcpy(dst, page_address(k, page), PAGE_SIZE);
		folio_remove_rmap_pte(k, page);
		mm->rss_stat[MM_ANONPAGES]--;
		free_swap_cache(k, page);
		put_page(k, page);                     /* free_page_and_swap_cache */
	}
	page_set(head, PG_uptodate);
	pgtable_trans_huge_deposit(k, pmd, table);
	pte_t entry = pfn_pte(page_to_pfn(k, head), vm_get_page_prot(vma->vm_flags) | _PAGE_PSE);
	if (vma->vm_flags & VM_WRITE)
		entry = pte_mkwrite(pte_mkdirty(entry));
	folio_add_new_anon_rmap_pmd(k, head, vma, addr);
	folio_add_lru_vma(k, head, vma);
	mm->rss_stat[MM_ANONPAGES] += HPAGE_PMD_NR;
	*pmd = entry;
	trace_kernel(k, k->this_cpu, "collapsed [%#llx, %#llx) into the THP at pfn %#llx",
		     (unsigned long long)addr, (unsigned long long)(addr + HPAGE_PMD_SIZE),
		     (unsigned long long)page_to_pfn(k, head));
	return SCAN_SUCCEED;
}

/* Scan the 2 MiB at addr of vma and collapse it when it qualifies. */
static enum scan_result collapse_scan_pmd(struct kernel *k, struct vm_area_struct *vma, uint64_t addr,
					  bool khugepaged)
{
	unsigned unmapped = 0;
	enum scan_result r = scan_pmd(k, vma, addr, khugepaged, &unmapped);
	if (r == SCAN_SUCCEED)
		r = collapse_huge_page(k, vma, addr, unmapped, khugepaged);
	if (r != SCAN_SUCCEED)
		trace_kernel(k, k->this_cpu, "[%#llx, %#llx): %s", (unsigned long long)addr,
			     (unsigned long long)(addr + HPAGE_PMD_SIZE), scan_names[r]);
	return r;
}

/* ---- MADV_COLLAPSE ------------------------------------------------------------------ */

/* The errno of a failed MADV_COLLAPSE (Linux: madvise_collapse_errno). */
static int madvise_collapse_errno(enum scan_result r)
{
	switch (r) {
	case SCAN_ALLOC_HUGE_PAGE_FAIL:
		return -ENOMEM;
	case SCAN_CGROUP_CHARGE_FAIL:
	case SCAN_EXCEED_NONE_PTE:
		return -EBUSY;
	case SCAN_PAGE_COUNT:
	case SCAN_PAGE_LRU:
		return -EAGAIN;
	default:
		return -EINVAL;
	}
}

/* See huge_mm.h. */
int madvise_collapse(struct kernel *k, struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	uint64_t haddr = (vma->vm_end - HPAGE_PMD_SIZE) & HPAGE_PMD_MASK;
	if (!vma_is_anonymous(vma) || vma->vm_name || (vma->vm_flags & (VM_NOHUGEPAGE | VM_SPECIAL | VM_HUGETLB)) ||
	    vma->vm_end - vma->vm_start < HPAGE_PMD_SIZE || haddr < vma->vm_start || !vma->anon_vma)
		return -EINVAL;
	uint64_t hstart = (start + HPAGE_PMD_SIZE - 1) & HPAGE_PMD_MASK, hend = end & HPAGE_PMD_MASK;
	enum scan_result last_fail = SCAN_FAIL;
	uint64_t thps = 0;
	for (uint64_t a = hstart; a < hend; a += HPAGE_PMD_SIZE) {
		enum scan_result r = collapse_scan_pmd(k, vma, a, false);
		switch (r) {
		case SCAN_SUCCEED:
		case SCAN_PMD_MAPPED:
			thps++;
			break;
		case SCAN_PMD_NULL:
		case SCAN_PTE_NON_PRESENT:
		case SCAN_LACK_REFERENCED_PAGE:
		case SCAN_PAGE_NULL:
		case SCAN_PAGE_COUNT:
		case SCAN_PAGE_LRU:
			last_fail = r;
			break;
		default:
			last_fail = r;
			return madvise_collapse_errno(last_fail);
		}
	}
	return hstart >= hend || thps == (hend - hstart) >> 21 ? 0 : madvise_collapse_errno(last_fail);
}

/* ---- the khugepaged thread ------------------------------------------------------------ */

/* Scan the current mm from scan_address for up to pages pages; moves to
 * the next mm (counting a full scan after the last) when this one is
 * done (Linux: khugepaged_scan_mm_slot). Returns the pages scanned;
 * *alloc_failed when a huge page could not be allocated. */
static unsigned khugepaged_scan_mm_slot(struct kernel *k, unsigned pages, bool *alloc_failed)
{
	struct thp_state *t = &k->thp;
	struct mm_struct *mm = t->kh_mms[t->kh_slot];
	unsigned progress = 1;
	bool done = true;
	t->kh_at_head = false;
	for (struct vm_area_struct *vma = find_vma(mm, t->kh_scan_address); vma; vma = vma->vm_next) {
		if (!thp_vma_allowable(k, vma)) {
			progress++;
			continue;
		}
		uint64_t hstart = (vma->vm_start + HPAGE_PMD_SIZE - 1) & HPAGE_PMD_MASK;
		uint64_t hend = vma->vm_end & HPAGE_PMD_MASK;
		if (t->kh_scan_address < hstart)
			t->kh_scan_address = hstart;
		while (t->kh_scan_address < hend) {
			enum scan_result r = collapse_scan_pmd(k, vma, t->kh_scan_address, true);
			if (r == SCAN_SUCCEED)
				t->khugepaged.pages_collapsed++;
			*alloc_failed |= r == SCAN_ALLOC_HUGE_PAGE_FAIL;
			t->kh_scan_address += HPAGE_PMD_SIZE;
			progress += HPAGE_PMD_NR;
			if (r == SCAN_SUCCEED || progress >= pages || *alloc_failed) {
				done = false;
				goto out;
			}
		}
	}
out:
	if (done) {
		t->kh_scan_address = 0;
		if (++t->kh_slot >= t->kh_nr) {
			t->kh_slot = 0;
			t->kh_at_head = true;
			t->khugepaged.full_scans++;
		}
	}
	return progress;
}

/* One wakeup: scan pages_to_scan pages over the registered mms, passing
 * the head of the list at most twice (Linux: khugepaged_do_scan). Returns
 * false after a failed allocation. */
static bool khugepaged_do_scan(struct kernel *k)
{
	struct thp_state *t = &k->thp;
	unsigned progress = 0, pages = t->khugepaged.pages_to_scan;
	bool alloc_failed = false;
	trace_kernel(k, k->this_cpu, "khugepaged wakes: %zu mm%s to scan, %u pages", t->kh_nr,
		     t->kh_nr == 1 ? "" : "s", pages);
	unsigned pass_through_head = 0;
	while (progress < pages && t->kh_nr && !alloc_failed && t->enabled != THP_NEVER) {
		if (t->kh_at_head && ++pass_through_head >= 2)
			break;
		progress += khugepaged_scan_mm_slot(k, pages - progress, &alloc_failed);
	}
	return !alloc_failed;
}

/* See huge_mm.h. */
unsigned khugepaged_tick(struct kernel *k, uint64_t ms)
{
	struct thp_state *t = &k->thp;
	unsigned wakeups = 0;
	uint64_t until = t->kh_clock_ms + ms;
	while (t->kh_nr && t->enabled != THP_NEVER && t->kh_next_wake_ms <= until) {
		t->kh_clock_ms = t->kh_next_wake_ms;
		bool ok = khugepaged_do_scan(k);
		wakeups++;
		uint64_t sleep = ok ? t->khugepaged.scan_sleep_millisecs : t->khugepaged.alloc_sleep_millisecs;
		t->kh_next_wake_ms = t->kh_clock_ms + (sleep ? sleep : 1);
	}
	t->kh_clock_ms = until;
	if (!t->kh_nr || t->enabled == THP_NEVER)
		t->kh_next_wake_ms = until + t->khugepaged.scan_sleep_millisecs;
	return wakeups;
}
