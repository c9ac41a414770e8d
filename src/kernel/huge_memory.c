/*
 * kernel/huge_memory.c — transparent huge pages (Linux: mm/huge_memory.c,
 * with the THP parts of mm/rmap.c and mm/pgtable-generic.c). See huge_mm.h.
 */
#include "kernel/huge_mm.h"
#include "kernel/mempolicy.h"

#include "common.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/memcontrol.h"
#include "kernel/page_list.h"
#include "kernel/rmap.h"
#include "kernel/swap.h"
#include "kernel/tlbflush.h"
#include "kernel/trace.h"
#include "kernel/vmstat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GFP_TRANSHUGE_LIGHT and GFP_TRANSHUGE (Linux: include/linux/gfp_types.h). */
#define GFP_TRANSHUGE_LIGHT ((GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC | __GFP_NOWARN) & \
			     ~__GFP_RECLAIM)
#define GFP_TRANSHUGE       (GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM)

/* See huge_mm.h. */
void thp_init(struct kernel *k, enum thp_enabled enabled)
{
	struct thp_state *t = &k->thp;
	memset(t, 0, sizeof *t);
	t->enabled = enabled;
	t->defrag = THP_DEFRAG_MADVISE;
	t->use_zero_page = true;
	t->khugepaged.pages_to_scan = 8 * HPAGE_PMD_NR;
	t->khugepaged.scan_sleep_millisecs = 10000;
	t->khugepaged.alloc_sleep_millisecs = 60000;
	t->khugepaged.max_ptes_none = HPAGE_PMD_NR - 1;
	t->khugepaged.max_ptes_swap = HPAGE_PMD_NR / 8;
	t->khugepaged.max_ptes_shared = HPAGE_PMD_NR / 2;
	t->khugepaged.defrag = true;
	t->deferred_head = t->deferred_tail = PFN_NIL;
}

/* ---- folios ------------------------------------------------------------------ */

/* See huge_mm.h. */
int folio_mapcount(const struct page *head)
{
	int n = (int)folio_entire_mapcount(head);
	for (unsigned i = 0; i < (1u << page_order(head)); i++)
		n += head[i].mapcount;
	return n;
}

static void set_nr_pages_mapped(struct page *head, uint32_t n)
{
	head[1].lru_prev = n;
}

/* Link the folio at the tail of the deferred split queue. */
static void deferred_list_add(struct kernel *k, struct page *head)
{
	struct thp_state *t = &k->thp;
	uint32_t pfn = (uint32_t)page_to_pfn(k, head);
	head[2].lru_next = PFN_NIL;
	head[2].lru_prev = t->deferred_tail;
	if (t->deferred_tail == PFN_NIL)
		t->deferred_head = pfn;
	else
		pfn_to_page(k, t->deferred_tail)[2].lru_next = pfn;
	t->deferred_tail = pfn;
	head[2].mapping |= FOLIO_DEFERRED;
	t->deferred_len++;
}

static void deferred_list_del(struct kernel *k, struct page *head)
{
	struct thp_state *t = &k->thp;
	uint32_t next = head[2].lru_next, prev = head[2].lru_prev;
	if (prev == PFN_NIL)
		t->deferred_head = next;
	else
		pfn_to_page(k, prev)[2].lru_next = next;
	if (next == PFN_NIL)
		t->deferred_tail = prev;
	else
		pfn_to_page(k, next)[2].lru_prev = prev;
	head[2].mapping &= ~FOLIO_DEFERRED;
	head[2].lru_next = head[2].lru_prev = 0;
	t->deferred_len--;
}

/* The folio lost a mapping and is now mapped only in part: queue it to be
 * split under memory pressure (Linux: deferred_split_folio with
 * partially_mapped), counting thp_deferred_split_page the first time. */
static void deferred_split_folio(struct kernel *k, struct page *head)
{
	if (head[2].mapping & FOLIO_PARTIALLY_MAPPED)
		return;
	head[2].mapping |= FOLIO_PARTIALLY_MAPPED;
	if (page_order(head) == HPAGE_PMD_ORDER)
		k->vm_events[THP_DEFERRED_SPLIT_PAGE]++;
	if (!(head[2].mapping & FOLIO_DEFERRED))
		deferred_list_add(k, head);
}

/* See huge_mm.h. */
void folio_undo_large_rmappable(struct kernel *k, struct page *head)
{
	if (page_order(head) >= 2 && (head[2].mapping & FOLIO_DEFERRED))
		deferred_list_del(k, head);
}

/* See huge_mm.h. Mapped for the first time, by one PMD, exclusively (Linux:
 * folio_add_new_anon_rmap with RMAP_EXCLUSIVE on a PMD-mappable folio). */
void folio_add_new_anon_rmap_pmd(struct kernel *k, struct page *head, struct vm_area_struct *vma,
				 uint64_t haddr)
{
	uint64_t index = ((haddr - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
	folio_set_owner(k, head, virt_to_phys(k, vma->anon_vma), true, index);
	*folio_entire_mapcount_ptr(head) = 1;
	set_nr_pages_mapped(head, 0);
	page_set(head, PG_anon_exclusive);
	page_set(head, PG_swapbacked);
	__lruvec_stat_mod_folio(k, head, NR_ANON_MAPPED, HPAGE_PMD_NR);
	__lruvec_stat_mod_folio(k, head, NR_ANON_THPS, HPAGE_PMD_NR);
}

/* See huge_mm.h. */
void folio_remove_rmap_pmd(struct kernel *k, struct page *head)
{
	uint32_t *entire = folio_entire_mapcount_ptr(head);
	if (--*entire)
		return;
	uint32_t mapped = folio_nr_pages_mapped(head);
	__lruvec_stat_mod_folio(k, head, NR_ANON_THPS, -(long)HPAGE_PMD_NR);
	__lruvec_stat_mod_folio(k, head, NR_ANON_MAPPED, -(long)(HPAGE_PMD_NR - mapped));
	if (mapped)
		deferred_split_folio(k, head);
}

/* See huge_mm.h. */
void large_folio_add_rmap_pte(struct kernel *k, struct page *page, bool exclusive)
{
	struct page *head = compound_head(page);
	if (page->mapcount++ == 0) {
		set_nr_pages_mapped(head, folio_nr_pages_mapped(head) + 1);
		if (!folio_entire_mapcount(head))
			__lruvec_stat_mod_folio(k, head, NR_ANON_MAPPED, 1);
	}
	if (exclusive)
		page_set(page, PG_anon_exclusive);
}

/* See huge_mm.h. */
void large_folio_remove_rmap_pte(struct kernel *k, struct page *page)
{
	struct page *head = compound_head(page);
	if (--page->mapcount)
		return;
	page_clear(page, PG_anon_exclusive);
	uint32_t mapped = folio_nr_pages_mapped(head) - 1;
	set_nr_pages_mapped(head, mapped);
	if (folio_entire_mapcount(head))
		return;
	__lruvec_stat_mod_folio(k, head, NR_ANON_MAPPED, -1);
	if (mapped)
		deferred_split_folio(k, head);
}

/* ---- policy ------------------------------------------------------------------ */

/* See huge_mm.h. */
bool thp_vma_allowable(const struct kernel *k, const struct vm_area_struct *vma)
{
	if (k->thp.enabled == THP_NEVER || !vma->vm_mm || !vma_is_anonymous(vma) || vma->vm_name ||
	    (vma->vm_flags & (VM_NOHUGEPAGE | VM_HUGETLB | VM_SHARED | VM_MAYSHARE | VM_SPECIAL)))
		return false;
	return k->thp.enabled == THP_ALWAYS || (vma->vm_flags & VM_HUGEPAGE);
}

/* See huge_mm.h. The VMA's pages must line up with 2 MiB pages (its
 * offset too) and the aligned 2 MiB around addr lie inside it. */
bool thp_vma_suitable(const struct vm_area_struct *vma, uint64_t addr)
{
	uint64_t haddr = addr & HPAGE_PMD_MASK;
	if (((vma->vm_start >> PAGE_SHIFT) - vma->vm_pgoff) & (HPAGE_PMD_NR - 1))
		return false;
	return haddr >= vma->vm_start && haddr + HPAGE_PMD_SIZE <= vma->vm_end && haddr + HPAGE_PMD_SIZE > haddr;
}

/* See huge_mm.h. */
gfp_t vma_thp_gfp_mask(const struct kernel *k, const struct vm_area_struct *vma)
{
	bool madvised = vma->vm_flags & VM_HUGEPAGE;
	switch (k->thp.defrag) {
	case THP_DEFRAG_ALWAYS:
		return GFP_TRANSHUGE | (madvised ? 0 : __GFP_NORETRY);
	case THP_DEFRAG_DEFER:
		return GFP_TRANSHUGE_LIGHT | __GFP_KSWAPD_RECLAIM;
	case THP_DEFRAG_DEFER_MADVISE:
		return GFP_TRANSHUGE_LIGHT | (madvised ? __GFP_DIRECT_RECLAIM : __GFP_KSWAPD_RECLAIM);
	case THP_DEFRAG_MADVISE:
		return GFP_TRANSHUGE_LIGHT | (madvised ? __GFP_DIRECT_RECLAIM : 0);
	case THP_DEFRAG_NEVER:
		break;
	}
	return GFP_TRANSHUGE_LIGHT;
}

/* ---- deposited page tables ------------------------------------------------------ */

/* The struct page of the PMD table holding entry pmd. */
static struct page *pmd_table_page(struct kernel *k, pte_t *pmd)
{
	return pfn_to_page(k, virt_to_phys(k, pmd) >> PAGE_SHIFT);
}

/* See huge_mm.h. The PMD table's private heads a list (pfn + 1, 0 for
 * none) through the deposited tables' own private fields. */
void pgtable_trans_huge_deposit(struct kernel *k, pte_t *pmd, uint64_t table_pa)
{
	struct page *owner = pmd_table_page(k, pmd), *table = pfn_to_page(k, table_pa >> PAGE_SHIFT);
	table->private = owner->private;
	owner->private = (uint32_t)(table_pa >> PAGE_SHIFT) + 1;
}

/* See huge_mm.h. */
uint64_t pgtable_trans_huge_withdraw(struct kernel *k, pte_t *pmd)
{
	struct page *owner = pmd_table_page(k, pmd);
	if (!owner->private) {
		kernel_bug(k, "pgtable_trans_huge_withdraw: no table deposited at %#llx",
			   (unsigned long long)virt_to_phys(k, pmd));
		return 0;
	}
	uint64_t pfn = owner->private - 1;
	struct page *table = pfn_to_page(k, pfn);
	owner->private = table->private;
	table->private = 0;
	return pfn << PAGE_SHIFT;
}

/* ---- the huge zero page --------------------------------------------------------- */

/* See huge_mm.h. */
bool is_huge_zero_pmd(const struct kernel *k, pte_t pmd)
{
	return k->thp.huge_zero_pfn && pmd_trans_huge(pmd) && pte_pfn(pmd) == k->thp.huge_zero_pfn;
}

/* The huge zero page, allocated at its first use (thp_zero_page_alloc);
 * 0 when that fails. It stays for the machine's life (Linux frees it from
 * a shrinker when no mm uses it). (Linux: mm_get_huge_zero_folio.) */
static uint64_t get_huge_zero_page(struct kernel *k)
{
	if (k->thp.huge_zero_pfn)
		return k->thp.huge_zero_pfn;
	struct page *page = alloc_pages(k, (GFP_TRANSHUGE | __GFP_ZERO) & ~__GFP_MOVABLE, HPAGE_PMD_ORDER);
	if (!page) {
		k->vm_events[THP_ZERO_PAGE_ALLOC_FAILED]++;
		return 0;
	}
	k->vm_events[THP_ZERO_PAGE_ALLOC]++;
	k->thp.huge_zero_pfn = page_to_pfn(k, page);
	return k->thp.huge_zero_pfn;
}

/* See huge_mm.h. */
struct page *vm_normal_page_pmd(struct kernel *k, pte_t pmd)
{
	if (is_huge_zero_pmd(k, pmd))
		return NULL;
	return pfn_to_page(k, pte_pfn(pmd));
}

/* ---- faults -------------------------------------------------------------------- */

/* Write a huge PMD and narrate it (Linux: set_pmd_at). */
static void set_pmd_at(struct vm_fault *vmf, pte_t *pmd, pte_t entry)
{
	*pmd = entry;
	trace_kernel(vmf->k, vmf->cpu, "PMD for %#llx at pa %#llx = %#llx (a 2M page at pfn %#llx)",
		     (unsigned long long)(vmf->address & HPAGE_PMD_MASK),
		     (unsigned long long)virt_to_phys(vmf->k, pmd), (unsigned long long)entry,
		     (unsigned long long)pte_pfn(entry));
}

/* The protection of a huge PMD in vma (Linux: mk_huge_pmd with
 * vm_page_prot). */
static pte_t huge_pmd_prot(const struct vm_area_struct *vma)
{
	return vm_get_page_prot(vma->vm_flags) | _PAGE_PSE;
}

/* Map the huge zero page at the fault's 2 MiB, read-only (Linux:
 * set_huge_zero_folio). */
static vm_fault_t map_huge_zero_page(struct vm_fault *vmf, pte_t *pmd)
{
	struct kernel *k = vmf->k;
	uint64_t pfn = get_huge_zero_page(k), table;
	if (!pfn) {
		trace_kernel(k, vmf->cpu, "no huge zero page: fall back to small pages");
		return VM_FAULT_FALLBACK;
	}
	if (pte_table_alloc(k, vmf->vma->vm_mm, &table))
		return VM_FAULT_OOM;
	pgtable_trans_huge_deposit(k, pmd, table);
	trace_kernel(k, vmf->cpu, "read fault: map the huge zero page (pfn %#llx), read-only",
		     (unsigned long long)pfn);
	set_pmd_at(vmf, pmd, pfn_pte(pfn, huge_pmd_prot(vmf->vma) & ~_PAGE_RW));
	return 0;
}

/* A new THP for the fault, zeroed and charged to the memory cgroup of the
 * VMA's mm, or NULL (thp_fault_fallback counted; thp_fault_fallback_charge
 * too when the block was there but the charge of its 512 pages failed:
 * the cgroup is at memory.max and, with the THP's gfp, may not reclaim, or
 * reclaim did not make room) (Linux: vma_alloc_anon_folio_pmd). */
static struct page *alloc_anon_folio_pmd(struct vm_fault *vmf)
{
	struct kernel *k = vmf->k;
	gfp_t gfp = vma_thp_gfp_mask(k, vmf->vma);
	struct page *head = vma_alloc_folio(k, gfp, HPAGE_PMD_ORDER, vmf->vma, vmf->address & HPAGE_PMD_MASK);
	if (!head) {
		k->vm_events[THP_FAULT_FALLBACK]++;
		trace_kernel(k, vmf->cpu, "no free 2 MiB block (defrag %s: %s): thp_fault_fallback, small pages",
			     k->thp.defrag == THP_DEFRAG_NEVER ? "never" : "set",
			     gfp & __GFP_DIRECT_RECLAIM ? "direct reclaim/compaction tried" : "no direct reclaim");
		return NULL;
	}
	if (mem_cgroup_charge(k, head, vmf->vma->vm_mm, gfp)) {
		put_page(k, head);
		k->vm_events[THP_FAULT_FALLBACK]++;
		k->vm_events[THP_FAULT_FALLBACK_CHARGE]++;
		trace_kernel(k, vmf->cpu, "the memory cgroup cannot take 2 MiB more: thp_fault_fallback_charge, "
			     "small pages");
		return NULL;
	}
	memset(page_address(k, head), 0, HPAGE_PMD_SIZE);     /* folio_zero_user */
	page_set(head, PG_uptodate);
	return head;
}

/* Map head, a new THP, at the fault's 2 MiB: writable and dirty when the
 * VMA allows writes (Linux: map_anon_folio_pmd). */
static void map_anon_folio_pmd(struct vm_fault *vmf, pte_t *pmd, struct page *head)
{
	struct kernel *k = vmf->k;
	struct vm_area_struct *vma = vmf->vma;
	uint64_t haddr = vmf->address & HPAGE_PMD_MASK;
	pte_t entry = pfn_pte(page_to_pfn(k, head), huge_pmd_prot(vma));
	if (vma->vm_flags & VM_WRITE)
		entry = pte_mkwrite(pte_mkdirty(entry));
	folio_add_new_anon_rmap_pmd(k, head, vma, haddr);
	folio_add_lru_vma(k, head, vma);
	vma->vm_mm->rss_stat[MM_ANONPAGES] += HPAGE_PMD_NR;
	k->vm_events[THP_FAULT_ALLOC]++;
	count_memcg_event_mm(k, vma->vm_mm, THP_FAULT_ALLOC);
	set_pmd_at(vmf, pmd, entry);
}

/* A new THP for the fault with its deposited table. VM_FAULT_FALLBACK
 * when no 2 MiB block was free, VM_FAULT_OOM without a page table. */
static vm_fault_t new_anon_thp(struct vm_fault *vmf, pte_t *pmd)
{
	struct kernel *k = vmf->k;
	uint64_t table;
	if (anon_vma_prepare(k, vmf->vma))
		return VM_FAULT_OOM;
	struct page *head = alloc_anon_folio_pmd(vmf);
	if (!head)
		return VM_FAULT_FALLBACK;
	if (pte_table_alloc(k, vmf->vma->vm_mm, &table)) {
		put_page(k, head);
		return VM_FAULT_OOM;
	}
	pgtable_trans_huge_deposit(k, pmd, table);
	trace_kernel(k, vmf->cpu, "%s fault: new 2 MiB page (THP), pfn %#llx, zeroed",
		     vmf->flags & FAULT_FLAG_WRITE ? "write" : "read",
		     (unsigned long long)page_to_pfn(k, head));
	map_anon_folio_pmd(vmf, pmd, head);
	return 0;
}

/* See huge_mm.h. */
vm_fault_t do_huge_pmd_anonymous_page(struct vm_fault *vmf, pte_t *pmd)
{
	struct kernel *k = vmf->k;
	if (!(vmf->flags & FAULT_FLAG_WRITE) && k->thp.use_zero_page && k->zero_page_enabled)
		return map_huge_zero_page(vmf, pmd);
	return new_anon_thp(vmf, pmd);
}

/* See huge_mm.h. */
void huge_pmd_set_accessed(struct vm_fault *vmf, pte_t *pmd)
{
	pte_t entry = *pmd | _PAGE_ACCESSED;
	if (vmf->flags & FAULT_FLAG_WRITE)
		entry = pte_mkdirty(entry);
	if (entry != *pmd)
		set_pmd_at(vmf, pmd, entry);
	trace_kernel(vmf->k, vmf->cpu, "spurious fault: the huge PMD already allows it");
}

/* A write to the huge zero page: a THP of its own, or, when none can be
 * had, the PMD split so the PTE path copies one page (Linux:
 * do_huge_zero_wp_pmd). */
static vm_fault_t do_huge_zero_wp_pmd(struct vm_fault *vmf, pte_t *pmd)
{
	struct kernel *k = vmf->k;
	struct vm_area_struct *vma = vmf->vma;
	uint64_t haddr = vmf->address & HPAGE_PMD_MASK;
	if (anon_vma_prepare(k, vma))
		return VM_FAULT_OOM;
	struct page *head = alloc_anon_folio_pmd(vmf);
	if (!head) {
		__split_huge_pmd(k, vma, pmd, haddr);
		return VM_FAULT_FALLBACK;
	}
	trace_kernel(k, vmf->cpu, "write to the huge zero page: a new 2 MiB page (THP), pfn %#llx",
		     (unsigned long long)page_to_pfn(k, head));
	*pmd = 0;                                     /* pmdp_huge_clear_flush */
	flush_tlb_mm_range(k, vma->vm_mm, haddr, haddr + HPAGE_PMD_SIZE, PMD_SHIFT, false);
	map_anon_folio_pmd(vmf, pmd, head);
	return 0;
}

/* See huge_mm.h. */
vm_fault_t do_huge_pmd_wp_page(struct vm_fault *vmf, pte_t *pmd)
{
	struct kernel *k = vmf->k;
	pte_t orig = *pmd;
	if (is_huge_zero_pmd(k, orig))
		return do_huge_zero_wp_pmd(vmf, pmd);
	struct page *head = pfn_to_page(k, pte_pfn(orig));
	if (!page_test(head, PG_anon_exclusive)) {
		if (page_ref_count(head) > 1 + (page_test(head, PG_swapcache) ? (int)HPAGE_PMD_NR : 0))
			goto fallback;
		if (page_test(head, PG_swapcache))
			folio_free_swap(k, head);
		if (page_ref_count(head) != 1)
			goto fallback;
		folio_set_owner(k, head, virt_to_phys(k, vmf->vma->anon_vma), true, page_index(head));
		page_set(head, PG_anon_exclusive);      /* folio_move_anon_rmap */
	}
	trace_kernel(k, vmf->cpu, "THP mapped only here: make the huge PMD writable in place");
	k->vm_events[PGREUSE]++;
	set_pmd_at(vmf, pmd, pte_mkwrite(pte_mkdirty(orig)) | _PAGE_ACCESSED);
	return 0;
fallback:
	trace_kernel(k, vmf->cpu, "THP shared with another mapping: split the PMD, copy only the 4 KiB page");
	__split_huge_pmd(k, vmf->vma, pmd, vmf->address & HPAGE_PMD_MASK);
	return VM_FAULT_FALLBACK;
}

/* ---- split, zap, copy, protect -------------------------------------------------- */

/* See huge_mm.h. */
void __split_huge_pmd(struct kernel *k, struct vm_area_struct *vma, pte_t *pmd, uint64_t haddr)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t old = *pmd;
	uint64_t table = pgtable_trans_huge_withdraw(k, pmd);
	if (!table)
		return;
	k->vm_events[THP_SPLIT_PMD]++;
	*pmd = 0;                                     /* pmdp_invalidate */
	flush_tlb_mm_range(k, mm, haddr, haddr + HPAGE_PMD_SIZE, PMD_SHIFT, false);
	pte_t *ptes = table_entry(k, table, 0);
	uint64_t prot = vm_get_page_prot(vma->vm_flags);
	if (is_huge_zero_pmd(k, old)) {
		for (unsigned i = 0; i < HPAGE_PMD_NR; i++)
			ptes[i] = pfn_pte(zero_pfn(k), prot) | _PAGE_SPECIAL;
	} else {
		struct page *head = pfn_to_page(k, pte_pfn(old));
		bool exclusive = page_test(head, PG_anon_exclusive);
		pte_t entry = old & ~(HW_PTE_ADDR_MASK | _PAGE_PSE);   /* write, dirty, young, soft-dirty kept */
		head->_refcount += HPAGE_PMD_NR - 1;  /* one reference per PTE */
		for (unsigned i = 0; i < HPAGE_PMD_NR; i++) {
			large_folio_add_rmap_pte(k, head + i, exclusive);
			ptes[i] = entry | ((pte_pfn(old) + i) << PAGE_SHIFT);
		}
		folio_remove_rmap_pmd(k, head);
	}
	*pmd = table | _PAGE_TABLE;                   /* pmd_populate */
	trace_kernel(k, k->this_cpu, "split the huge PMD of [%#llx, %#llx) into 512 PTEs",
		     (unsigned long long)haddr, (unsigned long long)(haddr + HPAGE_PMD_SIZE));
}

/* See huge_mm.h. */
void split_huge_pmd_address(struct kernel *k, struct mm_struct *mm, uint64_t address)
{
	int err;
	pte_t *pmd = pmd_walk(k, mm, address, false, &err);
	if (!pmd || !pmd_trans_huge(*pmd))
		return;
	struct vm_area_struct *vma = find_vma(mm, address);
	if (!vma || vma->vm_start > address) {
		kernel_bug(k, "split_huge_pmd_address: no VMA at %#llx", (unsigned long long)address);
		return;
	}
	__split_huge_pmd(k, vma, pmd, address & HPAGE_PMD_MASK);
}

/* Split the huge PMD around address when the 2 MiB it maps crosses
 * address and lies inside vma (Linux: split_huge_pmd_if_needed). */
static void split_huge_pmd_if_needed(struct kernel *k, struct vm_area_struct *vma, uint64_t address)
{
	uint64_t down = address & HPAGE_PMD_MASK;
	if ((address & ~HPAGE_PMD_MASK) && down >= vma->vm_start && down + HPAGE_PMD_SIZE <= vma->vm_end)
		split_huge_pmd_address(k, vma->vm_mm, address);
}

/* See huge_mm.h. */
void vma_adjust_trans_huge(struct kernel *k, struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	split_huge_pmd_if_needed(k, vma, start);
	split_huge_pmd_if_needed(k, vma, end);
}

/* See huge_mm.h. */
void zap_huge_pmd(struct mmu_gather *tlb, struct vm_area_struct *vma, pte_t *pmd, uint64_t addr)
{
	struct kernel *k = tlb->k;
	pte_t old = *pmd;
	*pmd = 0;
	if (addr < tlb->start)
		tlb->start = addr;
	if (addr + HPAGE_PMD_SIZE > tlb->end)
		tlb->end = addr + HPAGE_PMD_SIZE;
	uint64_t table = pgtable_trans_huge_withdraw(k, pmd);      /* zap_deposited_table */
	if (table)
		pte_table_free(k, vma->vm_mm, table);
	trace_kernel(k, k->this_cpu, "zap the huge PMD of [%#llx, %#llx) whole",
		     (unsigned long long)addr, (unsigned long long)(addr + HPAGE_PMD_SIZE));
	if (is_huge_zero_pmd(k, old))
		return;
	struct page *head = pfn_to_page(k, pte_pfn(old));
	folio_remove_rmap_pmd(k, head);
	vma->vm_mm->rss_stat[MM_ANONPAGES] -= HPAGE_PMD_NR;
	tlb_remove_page(tlb, head);
}

/* See huge_mm.h. */
int copy_huge_pmd(struct kernel *k, struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
		  pte_t *src_pmd, uint64_t addr)
{
	int err;
	uint64_t table;
	(void)src_vma;               /* only private anonymous VMAs have THPs */
	pte_t *dst_pmd = pmd_walk(k, dst_vma->vm_mm, addr, true, &err);
	if (!dst_pmd)
		return err ? err : -ENOMEM;
	if ((err = pte_table_alloc(k, dst_vma->vm_mm, &table)))
		return err;
	pte_t e = *src_pmd;          /* the allocations may not reclaim THPs' PMDs away */
	pgtable_trans_huge_deposit(k, dst_pmd, table);
	if (!is_huge_zero_pmd(k, e)) {
		struct page *head = pfn_to_page(k, pte_pfn(e));
		get_page(head);
		(*folio_entire_mapcount_ptr(head))++;     /* folio_try_dup_anon_rmap_pmd */
		page_clear(head, PG_anon_exclusive);
		dst_vma->vm_mm->rss_stat[MM_ANONPAGES] += HPAGE_PMD_NR;
		e = pte_wrprotect(e);
		*src_pmd = e;
	}
	*dst_pmd = e & ~_PAGE_ACCESSED;              /* pmd_mkold */
	return 0;
}

/* See huge_mm.h. */
bool change_huge_pmd(struct kernel *k, struct vm_area_struct *vma, pte_t *pmd, uint64_t newprot)
{
	pte_t old = *pmd, e = pte_modify(old, newprot | _PAGE_PSE);
	if (is_huge_zero_pmd(k, old))
		e = pte_wrprotect(e);
	else if ((vma->vm_flags & VM_WRITE) && page_test(pfn_to_page(k, pte_pfn(old)), PG_anon_exclusive) &&
		 (old & _PAGE_DIRTY))
		e = pte_mkwrite(e);      /* can_change_pmd_writable: an exclusive dirty anon page */
	*pmd = e;
	return e != old;
}

struct other_mm_args {
	struct kernel *k;
	struct mm_struct *mm;
	uint64_t pfn;                /* of the page at this index */
};

/* Does vma, of another mm than the faulting one, map the page o->pfn at
 * address (by a PTE, or by a PMD of its folio)? */
static int maps_page_elsewhere(struct vm_area_struct *vma, uint64_t address, void *arg)
{
	struct other_mm_args *o = arg;
	pte_t e;
	if (vma->vm_mm == o->mm || address < vma->vm_start || address >= vma->vm_end)
		return 0;
	int level = pgtable_lookup(o->k, vma->vm_mm, address, &e);
	if (level == 2)
		return pte_pfn(e) + ((address & ~HPAGE_PMD_MASK) >> PAGE_SHIFT) == o->pfn;
	return level == 1 && pte_pfn(e) == o->pfn;
}

/* See huge_mm.h. Every page of the folio is looked up in every VMA of its
 * anon_vma that covers the page's offset (Linux 6.18 tracks the mms a
 * folio is mapped in instead: folio->_mm_id). */
bool wp_can_reuse_large_anon_folio(struct kernel *k, struct page *page, struct vm_area_struct *vma)
{
	struct page *head = compound_head(page);
	if (page_ref_count(head) != folio_mapcount(head))
		return false;
	uint64_t index = page_index(head), pfn = page_to_pfn(k, head);
	for (uint64_t i = 0; i < (1ULL << page_order(head)); i++) {
		struct other_mm_args o = { k, vma->vm_mm, pfn + i };
		if ((head[i].mapcount || folio_entire_mapcount(head)) &&
		    rmap_walk_anon_index(k, head, index + i, maps_page_elsewhere, &o))
			return false;
	}
	return true;
}

/* See huge_mm.h. */
int move_huge_pmd(struct kernel *k, struct vm_area_struct *vma, pte_t *old_pmd, uint64_t old_addr,
		  struct vm_area_struct *new_vma, uint64_t new_addr, uint64_t len)
{
	int err;
	if ((old_addr | new_addr) & ~HPAGE_PMD_MASK || len < HPAGE_PMD_SIZE) {
		__split_huge_pmd(k, vma, old_pmd, old_addr & HPAGE_PMD_MASK);
		return 0;
	}
	pte_t *new_pmd = pmd_walk(k, new_vma->vm_mm, new_addr, true, &err);
	if (!new_pmd)
		return -ENOMEM;
	if (!pte_none(*new_pmd)) {
		__split_huge_pmd(k, vma, old_pmd, old_addr);
		return 0;
	}
	pte_t e = *old_pmd;
	*old_pmd = 0;
	pgtable_trans_huge_deposit(k, new_pmd, pgtable_trans_huge_withdraw(k, old_pmd));
	if (k->soft_dirty)
		e |= _PAGE_SOFT_DIRTY;                /* move_soft_dirty_pmd */
	*new_pmd = e;
	trace_kernel(k, k->this_cpu, "moved the huge PMD of %#llx to %#llx whole", (unsigned long long)old_addr,
		     (unsigned long long)new_addr);
	return 1;
}

/* ---- splitting a folio ------------------------------------------------------------ */

struct split_args {
	struct kernel *k;
	uint64_t pfn;
};

/* Split the PMD of vma at address if it maps the folio (unmap_folio's
 * walk, done by splitting rather than freezing). */
static int split_folio_pmd_one(struct vm_area_struct *vma, uint64_t address, void *arg)
{
	struct split_args *s = arg;
	int err;
	pte_t *pmd = pmd_walk(s->k, vma->vm_mm, address, false, &err);
	if (pmd && pmd_trans_huge(*pmd) && pte_pfn(*pmd) == s->pfn)
		__split_huge_pmd(s->k, vma, pmd, address & HPAGE_PMD_MASK);
	return 0;
}

/* See huge_mm.h. */
int split_huge_page_to_list(struct kernel *k, struct page *head, int extra_refs, struct page_list *list)
{
	unsigned order = page_order(head), nr = 1u << order;
	struct split_args s = { k, page_to_pfn(k, head) };
	if (!page_test(head, PG_head) || !PageAnon(head)) {
		k->vm_events[THP_SPLIT_PAGE_FAILED]++;
		return -EBUSY;
	}
	if (folio_entire_mapcount(head))
		rmap_walk(k, head, split_folio_pmd_one, &s);
	if (folio_entire_mapcount(head) || page_ref_count(head) != folio_mapcount(head) + extra_refs) {
		k->vm_events[THP_SPLIT_PAGE_FAILED]++;
		return -EBUSY;
	}
	bool lru = page_test(head, PG_lru);
	uint32_t copy = head->flags & ((1u << PG_uptodate) | (1u << PG_dirty) | (1u << PG_swapbacked) |
				       (1u << PG_active) | (1u << PG_referenced) | (1u << PG_unevictable) |
				       (1u << PG_workingset));
	uint64_t owner = page_owner_pa(head), index = page_index(head);
	struct lruvec *lruvec = folio_lruvec(k, head);
	if (lru)
		lruvec_del_folio(k, lruvec, head);
	folio_undo_large_rmappable(k, head);
	head[1].lru_next = head[1].lru_prev = 0;
	head[2].lru_next = head[2].lru_prev = 0;
	head[2].mapping = 0;
	page_clear(head, PG_head);
	set_page_order(head, 0);
	head->_refcount = head->mapcount + extra_refs;
	for (unsigned i = 1; i < nr; i++) {
		struct page *p = head + i;
		p->flags = copy | (p->flags & (1u << PG_anon_exclusive));
		p->private = 0;
		folio_set_owner(k, p, owner, true, index + i);
		p->_refcount = p->mapcount;
	}
	split_page_memcg(k, head, nr);            /* each page keeps the head's charge */
	if (lru)
		lruvec_add_folio(k, lruvec, head);
	for (unsigned i = 1; i < nr; i++) {
		struct page *p = head + i;
		if (!p->mapcount) {
			p->_refcount = 1;
			put_page(k, p);                 /* nobody maps it: freed now */
			continue;
		}
		if (lru) {
			lruvec_add_folio(k, lruvec, p);
			page_set(p, PG_lru);
		} else if (list) {
			p->_refcount++;                 /* the caller's isolation reference */
			page_list_add_tail(k, list, p);
		} else {
			folio_add_lru(k, p);
		}
	}
	k->vm_events[THP_SPLIT_PAGE]++;
	trace_kernel(k, k->this_cpu, "split the THP at pfn %#llx into %u pages", (unsigned long long)s.pfn, nr);
	return 0;
}

/* See huge_mm.h. A folio no longer mapped in part leaves the queue; one
 * that cannot be split goes to its tail. */
uint64_t deferred_split_scan(struct kernel *k, uint64_t nr_to_scan)
{
	struct thp_state *t = &k->thp;
	uint64_t split = 0;
	for (; nr_to_scan && t->deferred_head != PFN_NIL; nr_to_scan--) {
		struct page *head = pfn_to_page(k, t->deferred_head);
		bool partial = folio_nr_pages_mapped(head) && !folio_entire_mapcount(head);
		if (!partial) {
			deferred_list_del(k, head);
			head[2].mapping &= ~FOLIO_PARTIALLY_MAPPED;
		} else if (get_page(head), !split_huge_page_to_list(k, head, 1, NULL)) {
			put_page(k, head);                /* the head goes too when nothing maps it */
			split++;
		} else {
			put_page(k, head);
			deferred_list_del(k, head);
			deferred_list_add(k, head);
		}
	}
	return split;
}

/* ---- sysfs ------------------------------------------------------------------------ */

static const char *const enabled_names[] = { "always", "madvise", "never" };
static const char *const defrag_names[] = { "always", "defer", "defer+madvise", "madvise", "never" };

/* The khugepaged knobs: name, field, and whether it may be written. */
#define KH(name, field) { "khugepaged/" name, offsetof(struct thp_state, khugepaged.field) }
static const struct {
	const char *name;
	size_t offset;
} kh_knobs[] = {
	KH("pages_to_scan", pages_to_scan), KH("scan_sleep_millisecs", scan_sleep_millisecs),
	KH("alloc_sleep_millisecs", alloc_sleep_millisecs), KH("max_ptes_none", max_ptes_none),
	KH("max_ptes_swap", max_ptes_swap), KH("max_ptes_shared", max_ptes_shared),
};

static const char *const thp_names[] = {
	"enabled", "defrag", "use_zero_page", "hpage_pmd_size",
	"khugepaged/pages_to_scan", "khugepaged/scan_sleep_millisecs", "khugepaged/alloc_sleep_millisecs",
	"khugepaged/max_ptes_none", "khugepaged/max_ptes_swap", "khugepaged/max_ptes_shared",
	"khugepaged/defrag", "khugepaged/pages_collapsed", "khugepaged/full_scans",
};

/* See huge_mm.h. */
const char *thp_sysfs_name_at(size_t i)
{
	return i < ARRAY_SIZE(thp_names) ? thp_names[i] : NULL;
}

/* The value without its trailing newline, as sysfs's store gets it. */
static void trim(const char *value, char *v, size_t n)
{
	snprintf(v, n, "%s", value);
	v[strcspn(v, "\n")] = 0;
}

/* One of names[0..n) matching v: its index, or -1. */
static int choice(const char *v, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v, names[i]))
			return i;
	return -1;
}

/* Parse an unsigned decimal from 0 to max, the whole string. */
static bool parse_uint(const char *v, unsigned long max, unsigned long *out)
{
	char *end;
	if (!*v || *v == '-')
		return false;
	errno = 0;
	unsigned long x = strtoul(v, &end, 10);
	if (errno || *end || x > max)
		return false;
	*out = x;
	return true;
}

/* See huge_mm.h. The ranges are Linux's: pages_to_scan 1.., the
 * max_ptes_* up to 511, millisecond knobs any unsigned int. */
int thp_sysfs_write(struct kernel *k, const char *name, const char *value, char *eb, size_t el)
{
	struct thp_state *t = &k->thp;
	char v[32];
	unsigned long x;
	trim(value, v, sizeof v);
	if (!strcmp(name, "enabled") || !strcmp(name, "defrag")) {
		bool en = !strcmp(name, "enabled");
		int c = en ? choice(v, enabled_names, 3) : choice(v, defrag_names, 5);
		if (c < 0) {
			snprintf(eb, el, "transparent_hugepage/%s: '%s' is not one of %s", name, value,
				 en ? "always, madvise, never" : "always, defer, defer+madvise, madvise, never");
			return -EINVAL;
		}
		if (en)
			t->enabled = (enum thp_enabled)c;
		else
			t->defrag = (enum thp_defrag)c;
		return 0;
	}
	if (!strcmp(name, "use_zero_page") || !strcmp(name, "khugepaged/defrag")) {
		if (!parse_uint(v, 1, &x)) {
			snprintf(eb, el, "transparent_hugepage/%s: '%s' is not 0 or 1", name, value);
			return -EINVAL;
		}
		*(name[0] == 'u' ? &t->use_zero_page : &t->khugepaged.defrag) = x;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(kh_knobs); i++) {
		if (strcmp(name, kh_knobs[i].name))
			continue;
		bool ptes = strstr(name, "max_ptes_");
		unsigned long lo = !strcmp(name, "khugepaged/pages_to_scan"), hi = ptes ? HPAGE_PMD_NR - 1 : UINT32_MAX;
		if (!parse_uint(v, hi, &x) || x < lo) {
			snprintf(eb, el, "transparent_hugepage/%s: '%s' is not an integer from %lu to %lu", name, value,
				 lo, hi);
			return -EINVAL;
		}
		*(unsigned *)((char *)t + kh_knobs[i].offset) = (unsigned)x;
		if (strstr(name, "sleep_millisecs"))     /* the write wakes khugepaged */
			t->kh_next_wake_ms = t->kh_clock_ms + x;
		return 0;
	}
	if (!strcmp(name, "hpage_pmd_size") || !strcmp(name, "khugepaged/pages_collapsed") ||
	    !strcmp(name, "khugepaged/full_scans")) {
		snprintf(eb, el, "transparent_hugepage/%s is read-only", name);
		return -EINVAL;
	}
	snprintf(eb, el, "transparent_hugepage/%s: no such file", name);
	return -ENOENT;
}

/* Write the choices with the current one in brackets, as sysfs shows them. */
static void show_choices(char *buf, size_t len, const char *const *names, int n, int cur)
{
	size_t off = 0;
	for (int i = 0; i < n; i++) {
		int w = snprintf(buf + off, off < len ? len - off : 0, i == cur ? "%s[%s]" : "%s%s", i ? " " : "",
				 names[i]);
		off += (size_t)(w > 0 ? w : 0);
	}
}

/* See huge_mm.h. */
int thp_sysfs_read(struct kernel *k, const char *name, char *buf, size_t len)
{
	struct thp_state *t = &k->thp;
	if (!strcmp(name, "enabled"))
		show_choices(buf, len, enabled_names, 3, (int)t->enabled);
	else if (!strcmp(name, "defrag"))
		show_choices(buf, len, defrag_names, 5, (int)t->defrag);
	else if (!strcmp(name, "use_zero_page"))
		snprintf(buf, len, "%d", t->use_zero_page);
	else if (!strcmp(name, "khugepaged/defrag"))
		snprintf(buf, len, "%d", t->khugepaged.defrag);
	else if (!strcmp(name, "hpage_pmd_size"))
		snprintf(buf, len, "%llu", (unsigned long long)HPAGE_PMD_SIZE);
	else if (!strcmp(name, "khugepaged/pages_collapsed"))
		snprintf(buf, len, "%llu", (unsigned long long)t->khugepaged.pages_collapsed);
	else if (!strcmp(name, "khugepaged/full_scans"))
		snprintf(buf, len, "%llu", (unsigned long long)t->khugepaged.full_scans);
	else {
		for (size_t i = 0; i < ARRAY_SIZE(kh_knobs); i++)
			if (!strcmp(name, kh_knobs[i].name)) {
				snprintf(buf, len, "%u", *(const unsigned *)((const char *)t + kh_knobs[i].offset));
				return 0;
			}
		return -ENOENT;
	}
	return 0;
}
