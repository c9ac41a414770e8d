/*
 * kernel/swap_state.c — the swap cache and swap-in readahead (Linux:
 * mm/swap_state.c, mm/swap_table.h). See swap.h.
 *
 * The swap cache is, as in Linux 6.18, each cluster's swap table: one word
 * per slot holding the page cached for it, a shadow entry left by its last
 * eviction (workingset.c), or nothing. A page is in the cache while its
 * slot and its memory may both hold its data: on its way out (written, not
 * yet freed), on its way in (read, mapped, the slot kept), and for
 * readahead pages read before anyone asked. A word here holds the page's
 * frame number and the low 32 bits of its rmap index, which struct page
 * lends to the swap entry meanwhile (see mm_types.h); a shadow entry has no
 * frame (pfn 0 is never a user page).
 */
#include "kernel/swap.h"

#include "kernel/kernel.h"
#include "kernel/memcontrol.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/swapops.h"
#include "kernel/trace.h"

#define SWP_TB_PFN_SHIFT 32
#define SWAP_RA_ORDER_CEILING 5

/* ---- the entry in struct page ----------------------------------------------- */

/* See swap.h. */
swp_entry_t page_swap_entry(const struct page *page)
{
	return swp_entry(page->private >> SWP_PRIVATE_OFFSET_BITS,
			 page->private & (SWP_PRIVATE_MAX_PAGES - 1));
}

static uint32_t pack_swap_entry(swp_entry_t entry)
{
	return (uint32_t)(swp_type(entry) << SWP_PRIVATE_OFFSET_BITS | swp_offset(entry));
}

/* The swap table word of entry's slot (its cluster has a table while the
 * slot is in use). */
static uint64_t *swap_table_slot(struct kernel *k, swp_entry_t entry)
{
	struct swap_info_struct *si = swp_swap_info(k, entry);
	uint64_t offset = swp_offset(entry);
	if (!si)
		return NULL;
	struct swap_cluster_info *ci = &si->cluster_info[offset / SWAPFILE_CLUSTER];
	return ci->table ? &ci->table[offset % SWAPFILE_CLUSTER] : NULL;
}

static bool swp_tb_is_folio(uint64_t v)
{
	return v >> SWP_TB_PFN_SHIFT;
}

/* See swap.h. */
uint32_t swap_cache_index_low(struct kernel *k, swp_entry_t entry)
{
	uint64_t *slot = swap_table_slot(k, entry);
	return slot ? (uint32_t)*slot : 0;
}

/* See swap.h. */
void swap_cache_set_index_low(struct kernel *k, swp_entry_t entry, uint32_t low)
{
	uint64_t *slot = swap_table_slot(k, entry);
	if (slot && swp_tb_is_folio(*slot))
		*slot = (*slot & ~0xffffffffULL) | low;
}

/* See swap.h. */
uint64_t folio_pgoff(struct kernel *k, const struct page *page)
{
	if (!page_test(page, PG_swapcache))
		return page_index(page);
	return ((page->mapping >> PAGE_OWNER_BITS) << 32) | swap_cache_index_low(k, page_swap_entry(page));
}

/* See swap.h. */
void folio_set_owner(struct kernel *k, struct page *page, uint64_t owner_pa, bool anon, uint64_t index)
{
	uint32_t entry = page->private;
	page_set_owner(page, owner_pa, anon, index);
	if (page_test(page, PG_swapcache)) {
		page->private = entry;
		swap_cache_set_index_low(k, page_swap_entry(page), (uint32_t)index);
	}
}

/* ---- the cache ----------------------------------------------------------------- */

/* See swap.h. */
struct page *swap_cache_get_folio(struct kernel *k, swp_entry_t entry)
{
	uint64_t *slot = swap_table_slot(k, entry);
	if (!slot || !swp_tb_is_folio(*slot))
		return NULL;
	struct page *page = pfn_to_page(k, *slot >> SWP_TB_PFN_SHIFT);
	get_page(page);
	return page;
}

/* See swap.h. */
uint32_t swap_cache_get_shadow(struct kernel *k, swp_entry_t entry)
{
	uint64_t *slot = swap_table_slot(k, entry);
	return slot && *slot && !swp_tb_is_folio(*slot) ? (uint32_t)*slot : 0;
}

/* See swap.h. */
void swap_cache_add_folio(struct kernel *k, struct page *page, swp_entry_t entry, uint32_t *shadowp)
{
	uint64_t *slot = swap_table_slot(k, entry);
	if (shadowp)
		*shadowp = *slot && !swp_tb_is_folio(*slot) ? (uint32_t)*slot : 0;
	*slot = page_to_pfn(k, page) << SWP_TB_PFN_SHIFT | page->private;
	page->private = pack_swap_entry(entry);
	page_set(page, PG_swapcache);
	get_page(page);
	__lruvec_stat_mod_folio(k, page, NR_FILE_PAGES, 1);
	__lruvec_stat_mod_folio(k, page, NR_SWAPCACHE, 1);
}

/* See swap.h. */
void __swap_cache_del_folio(struct kernel *k, struct page *page, uint32_t shadow)
{
	swp_entry_t entry = page_swap_entry(page);
	uint64_t *slot = swap_table_slot(k, entry);
	page->private = (uint32_t)*slot;
	*slot = shadow;
	page_clear(page, PG_swapcache);
	__lruvec_stat_mod_folio(k, page, NR_FILE_PAGES, -1);
	__lruvec_stat_mod_folio(k, page, NR_SWAPCACHE, -1);
}

/* See swap.h. */
void swap_cache_del_folio(struct kernel *k, struct page *page)
{
	swp_entry_t entry = page_swap_entry(page);
	__swap_cache_del_folio(k, page, 0);
	put_swap_folio(k, entry);
	put_page(k, page);
}

/* See swap.h. */
void __swap_cache_replace_folio(struct kernel *k, struct page *old, struct page *new)
{
	uint64_t *slot = swap_table_slot(k, page_swap_entry(old));
	*slot = page_to_pfn(k, new) << SWP_TB_PFN_SHIFT | (uint32_t)*slot;
}

/* See swap.h. Linux tries only when it can lock the page; the simulator
 * always can. */
void free_swap_cache(struct kernel *k, struct page *page)
{
	if (page_test(page, PG_swapcache) && !page->mapcount)
		folio_free_swap(k, page);
}

/* ---- swap-in ------------------------------------------------------------------- */

/* See swap.h. A slot nothing refers to any more is not read (Linux:
 * __read_swap_cache_async, which skips an unused slot). */
struct page *read_swap_cache_async(struct kernel *k, swp_entry_t entry, gfp_t gfp, bool readahead,
				   bool *new_page)
{
	struct page *page = swap_cache_get_folio(k, entry);
	uint32_t shadow = 0;

	*new_page = false;
	if (page || !__swap_count(k, entry))
		return page;
	if (!(page = alloc_page(k, gfp)))
		return NULL;
	if (swapcache_prepare(k, entry)) {             /* freed meanwhile */
		put_page(k, page);
		return NULL;
	}
	if (mem_cgroup_swapin_charge_folio(k, page, NULL, gfp, entry)) {
		put_swap_folio(k, entry);
		put_page(k, page);
		return NULL;
	}
	page_set(page, PG_swapbacked);
	swap_cache_add_folio(k, page, entry, &shadow);
	if (shadow)
		workingset_refault(k, page, shadow);
	folio_add_lru(k, page);
	*new_page = true;
	swap_read_folio(k, page, !readahead);
	return page;
}

/* See swap.h. Linux's heuristic: the hits since the last fault plus two,
 * rounded up to a power of two; without hits, 1 unless the fault follows
 * the last one; never below half the last window. */
unsigned __swapin_nr_pages(uint64_t prev_offset, uint64_t offset, unsigned hits, unsigned max_pages,
			   unsigned prev_win)
{
	unsigned pages = hits + 2;

	if (pages == 2) {
		if (offset != prev_offset + 1 && offset != prev_offset - 1)
			pages = 1;
	} else {
		unsigned roundup = 4;
		while (roundup < pages)
			roundup <<= 1;
		pages = roundup;
	}
	if (pages > max_pages)
		pages = max_pages;
	if (pages < prev_win / 2)
		pages = prev_win / 2;
	return pages;
}

/* The cluster readahead window for a fault at offset (Linux: swapin_nr_pages). */
static unsigned swapin_nr_pages(struct kernel *k, uint64_t offset)
{
	struct swap_state *ss = &k->swap;
	unsigned max_pages = 1u << k->sysctl.page_cluster;
	if (max_pages <= 1)
		return 1;
	unsigned hits = (unsigned)ss->ra_hits;
	ss->ra_hits = 0;
	unsigned pages = __swapin_nr_pages(ss->ra_prev_offset, offset, hits, max_pages, ss->ra_last_pages);
	if (!hits)
		ss->ra_prev_offset = offset;
	ss->ra_last_pages = pages;
	return pages;
}

/* Read entry's page as part of a readahead: the faulting page (target)
 * waits for its read; the others, read ahead of need, are flagged so that
 * their first use counts as a readahead hit (Linux: the loop bodies of both
 * readaheads). */
static void swap_readahead_one(struct kernel *k, swp_entry_t entry, gfp_t gfp, bool target)
{
	bool new_page;
	struct page *page = read_swap_cache_async(k, entry, gfp, !target, &new_page);
	if (!page)
		return;
	if (new_page && !target) {
		page_set(page, PG_readahead);
		k->vm_events[SWAP_RA]++;
	}
	put_page(k, page);
}

/* Readahead of the slots around entry on its device, an aligned block of
 * the window's size (Linux: swap_cluster_readahead). */
static struct page *swap_cluster_readahead(struct kernel *k, swp_entry_t entry, gfp_t gfp, int cpu)
{
	struct swap_info_struct *si = swp_swap_info(k, entry);
	uint64_t offset = swp_offset(entry), mask = swapin_nr_pages(k, offset) - 1;
	bool new_page;

	if (mask) {
		uint64_t start = offset & ~mask, end = offset | mask;
		if (!start)
			start++;                        /* the swap header */
		if (end >= si->max)
			end = si->max - 1;
		trace_kernel(k, cpu, "cluster readahead: slots %llu-%llu of %s around %llu (vm.page-cluster %d)",
			     (unsigned long long)start, (unsigned long long)end, si->path,
			     (unsigned long long)offset, k->sysctl.page_cluster);
		for (uint64_t off = start; off <= end; off++)
			swap_readahead_one(k, swp_entry(swp_type(entry), off), gfp, off == offset);
	}
	return read_swap_cache_async(k, entry, gfp, false, &new_page);
}

/* The VMA readahead window around the fault, clamped to the VMA and the
 * page table (Linux: swap_vma_ra_win). Returns its size in pages and sets
 * [*start, *end). */
static unsigned swap_vma_ra_win(struct kernel *k, struct vm_fault *vmf, uint64_t *start, uint64_t *end)
{
	struct vm_area_struct *vma = vmf->vma;
	int order = k->sysctl.page_cluster < SWAP_RA_ORDER_CEILING ? k->sysctl.page_cluster : SWAP_RA_ORDER_CEILING;
	unsigned max_win = 1u << order;
	if (max_win == 1)
		return 1;
	uint64_t fpfn = vmf->address >> PAGE_SHIFT, ra_val = vma->swap_readahead_info ? vma->swap_readahead_info : 4;
	uint64_t pfn = SWAP_RA_ADDR(ra_val) >> PAGE_SHIFT, lpfn, rpfn;
	unsigned win = __swapin_nr_pages(pfn, fpfn, SWAP_RA_HITS(ra_val), max_win, (unsigned)SWAP_RA_WIN(ra_val));
	vma->swap_readahead_info = SWAP_RA_VAL(vmf->address, win, 0);
	if (win == 1)
		return 1;
	if (fpfn == pfn + 1) {
		lpfn = fpfn;
		rpfn = fpfn + win;
	} else if (pfn == fpfn + 1) {
		lpfn = fpfn - win + 1;
		rpfn = fpfn + 1;
	} else {
		uint64_t left = (win - 1) / 2;
		lpfn = fpfn - left;
		rpfn = fpfn + win - left;
	}
	uint64_t pmd_lo = (vmf->address & ~((1ULL << PMD_SHIFT) - 1)) >> PAGE_SHIFT;
	uint64_t lo = vma->vm_start >> PAGE_SHIFT > pmd_lo ? vma->vm_start >> PAGE_SHIFT : pmd_lo;
	uint64_t hi = vma->vm_end >> PAGE_SHIFT < pmd_lo + PTRS_PER_TABLE ? vma->vm_end >> PAGE_SHIFT
									 : pmd_lo + PTRS_PER_TABLE;
	*start = (lpfn > lo ? lpfn : lo) << PAGE_SHIFT;
	*end = (rpfn < hi ? rpfn : hi) << PAGE_SHIFT;
	return win;
}

/* Readahead of the swapped pages next to the fault in the VMA, wherever
 * their slots are (Linux: swap_vma_readahead). */
static struct page *swap_vma_readahead(struct kernel *k, swp_entry_t entry, gfp_t gfp, struct vm_fault *vmf)
{
	uint64_t start, end;
	bool new_page;

	if (swap_vma_ra_win(k, vmf, &start, &end) > 1) {
		trace_kernel(k, vmf->cpu, "VMA readahead: the swapped pages of [%#llx, %#llx)",
			     (unsigned long long)start, (unsigned long long)end);
		for (uint64_t addr = start; addr < end; addr += PAGE_SIZE) {
			pte_t e = vmf->pte[(int64_t)(addr - vmf->address) / (int64_t)PAGE_SIZE];
			if (!is_swap_pte(e) || !is_swap_entry(pte_to_swp_entry(e)))
				continue;
			swap_readahead_one(k, pte_to_swp_entry(e), gfp, addr == vmf->address);
		}
	}
	return read_swap_cache_async(k, entry, gfp, false, &new_page);
}

/* Does swap-in read ahead by VMA (true) or by slot (Linux:
 * swap_use_vma_readahead)? By slot while a rotational device is on, where
 * neighbouring slots are what is cheap to read. */
static bool swap_use_vma_readahead(struct kernel *k)
{
	return k->swap.vma_ra_enabled && !k->swap.nr_rotate_swap;
}

/* See swap.h. */
struct page *swapin_readahead(struct kernel *k, swp_entry_t entry, gfp_t gfp, struct vm_fault *vmf)
{
	if (swap_use_vma_readahead(k) && vmf->pte)
		return swap_vma_readahead(k, entry, gfp, vmf);
	return swap_cluster_readahead(k, entry, gfp, vmf->cpu);
}

/* See swap.h. */
void swap_update_readahead(struct kernel *k, struct page *page, struct vm_area_struct *vma, uint64_t addr)
{
	bool readahead = page_test(page, PG_readahead);
	page_clear(page, PG_readahead);
	if (vma && swap_use_vma_readahead(k)) {
		uint64_t ra_val = vma->swap_readahead_info ? vma->swap_readahead_info : 4;
		uint64_t hits = SWAP_RA_HITS(ra_val);
		if (readahead && hits < SWAP_RA_HITS_MAX)
			hits++;
		vma->swap_readahead_info = SWAP_RA_VAL(addr, SWAP_RA_WIN(ra_val), hits);
	}
	if (readahead) {
		k->vm_events[SWAP_RA_HIT]++;
		if (!vma || !swap_use_vma_readahead(k))
			k->swap.ra_hits++;
	}
}
