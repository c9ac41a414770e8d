/*
 * kernel/vmscan.c — page reclaim (Linux: mm/vmscan.c, built without
 * CONFIG_LRU_GEN: the active/inactive lists). See swap.h.
 *
 * Reclaim scans a node's lruvec from the tails of its lists. The inactive
 * lists are where pages are evicted: a page whose PTEs show no access since
 * the last look is unmapped (an anonymous page's PTEs become swap PTEs),
 * written to swap if it is dirty, and freed; one used once is kept and
 * marked, one used twice goes to the active list. The active lists refill
 * the inactive ones when these grow too small, deactivating pages whatever
 * their use (but file pages mapped executable). How hard each list is
 * scanned comes from the scan priority (lru_size >> priority, 12 down to 0)
 * and, between anonymous and file pages, from vm.swappiness and the recent
 * cost of reclaiming each (get_scan_count).
 *
 * Two reclaimers run it. kswapd, woken when an allocation finds a zone
 * below its low watermark, reclaims until a zone is back above its high
 * watermark (balance_pgdat); an allocation that finds every zone below its
 * min watermark reclaims itself (try_to_free_pages, counted in allocstall).
 *
 * The simulator runs one thing at a time, so kswapd cannot run beside the
 * task that woke it. It runs at the next point where a real kernel could
 * schedule it without delaying the allocation that woke it: when the task
 * returns to user mode, after its faulting access or system call (the
 * scheduler's run of a woken thread on that CPU), before anything else
 * happens; it then reclaims to the high watermark and sleeps. Its cycles
 * go to that CPU but not to the task. A single fault allocates a few pages
 * and never takes the node from its low to its min watermark, so direct
 * reclaim happens when one call allocates many pages (MAP_POPULATE, mlock,
 * a large read of swapped memory) or kswapd cannot keep up (it gave up, or
 * there is nothing it may reclaim).
 */
#include "kernel/swap.h"
#include "kernel/compaction.h"

#include "kernel/fs.h"
#include "kernel/huge_mm.h"
#include "kernel/kernel.h"
#include "kernel/memcontrol.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/page_alloc_internal.h"
#include "kernel/page_list.h"
#include "kernel/rmap.h"
#include "kernel/sched.h"
#include "kernel/swapops.h"
#include "kernel/trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEACTIVATE_ANON 1u
#define DEACTIVATE_FILE 2u

/* How one reclaim run goes (Linux: struct scan_control). */
struct scan_control {
	uint64_t nr_to_reclaim;
	gfp_t gfp_mask;
	int order;
	int priority;                /* scan lru_size >> priority */
	int reclaim_idx;             /* the highest zone it may reclaim from */
	bool may_writepage, may_unmap, may_swap;
	unsigned may_deactivate;     /* DEACTIVATE_ANON | DEACTIVATE_FILE */
	bool force_deactivate, skipped_deactivate;
	bool cache_trim_mode, file_is_tiny;
	uint64_t anon_cost, file_cost;
	uint64_t nr_scanned, nr_reclaimed;
	struct mem_cgroup *target_mem_cgroup;   /* memcg-limit reclaim: this subtree only; NULL: global */
	bool memcg_low_reclaim, memcg_low_skipped;   /* reclaiming below memory.low; skipped some */
};

/* Is this reclaim for a cgroup's limit, not the machine's memory (Linux:
 * cgroup_reclaim)? */
static bool cgroup_reclaim(const struct scan_control *sc)
{
	return sc->target_mem_cgroup != NULL;
}

/* What one shrink_folio_list saw (Linux: struct reclaim_stat). */
struct reclaim_stat {
	uint64_t nr_pageout;
	uint64_t nr_activate[ANON_AND_FILE];
	uint64_t nr_ref_keep, nr_unmap_fail;
};

enum folio_references {
	FOLIOREF_RECLAIM,
	FOLIOREF_RECLAIM_CLEAN,
	FOLIOREF_KEEP,
	FOLIOREF_ACTIVATE,
};

static bool is_file_lru(enum lru_list lru)
{
	return lru == LRU_INACTIVE_FILE || lru == LRU_ACTIVE_FILE;
}

static bool is_active_lru(enum lru_list lru)
{
	return lru == LRU_ACTIVE_ANON || lru == LRU_ACTIVE_FILE;
}

static const char *const lru_names[NR_LRU_LISTS] = {
	"inactive anon", "active anon", "inactive file", "active file", "unevictable",
};

static int page_zonenum(struct kernel *k, const struct page *page)
{
	return (int)page_zone(k, page)->idx;
}

/* See swap.h. */
bool current_is_kswapd(const struct kernel *k)
{
	return k->current && (k->current->flags & PF_KSWAPD);
}

/* Which of kswapd's or direct reclaim's counters an event goes to (Linux:
 * reclaimer_offset). */
static enum vm_event_item reclaimer_event(const struct kernel *k, enum vm_event_item kswapd_item)
{
	return current_is_kswapd(k) ? kswapd_item : (enum vm_event_item)(kswapd_item + 1);
}

/* ---- isolating and putting back --------------------------------------------- */

/*
 * Take up to nr_to_scan pages from the tail of list lru onto dst (Linux:
 * isolate_lru_folios): each gets a reference and loses PG_lru. Pages of
 * zones above reclaim_idx are skipped and go back to the head (pgskip_*).
 * *nr_scanned gets the pages looked at. Returns the pages taken.
 */
static uint64_t isolate_lru_folios(struct kernel *k, uint64_t nr_to_scan, struct lruvec *lruvec,
				   struct page_list *dst, uint64_t *nr_scanned, struct scan_control *sc,
				   enum lru_list lru)
{
	struct page_list *src = &lruvec->lists[lru], skipped;
	uint64_t scan = 0, total = 0, taken = 0, nr_skipped[MAX_NR_ZONES] = { 0 };
	static const enum vm_event_item pgskip[MAX_NR_ZONES] = {
		PGSKIP_DMA, PGSKIP_DMA32, PGSKIP_NORMAL, PGSKIP_MOVABLE, PGSKIP_DEVICE
	};

	page_list_init(&skipped);
	while (scan < nr_to_scan && !page_list_empty(src)) {
		struct page *page = page_list_last(k, src);
		total++;
		lruvec_del_folio(k, lruvec, page);
		if (page_zonenum(k, page) > sc->reclaim_idx) {
			nr_skipped[page_zonenum(k, page)]++;
			page_list_add(k, &skipped, page);
			continue;
		}
		scan++;
		if (!sc->may_unmap && page->mapcount) {
			lruvec_add_folio(k, lruvec, page);      /* list_move to the head */
			continue;
		}
		get_page(page);
		page_clear(page, PG_lru);
		page_list_add(k, dst, page);
		taken++;
	}
	while (!page_list_empty(&skipped)) {            /* splice back at the head */
		struct page *page = page_list_last(k, &skipped);
		page_list_del(k, &skipped, page);
		lruvec_add_folio(k, lruvec, page);
	}
	for (int z = 0; z < MAX_NR_ZONES; z++)
		k->vm_events[pgskip[z]] += nr_skipped[z];
	*nr_scanned = total;
	return taken;
}

/* Put the pages left on list back on their LRU lists, freeing those whose
 * last reference was the isolation's (Linux: move_folios_to_lru). Returns
 * the pages put back. */
static uint64_t move_folios_to_lru(struct kernel *k, struct lruvec *lruvec, struct page_list *list)
{
	uint64_t moved = 0;
	while (!page_list_empty(list)) {
		struct page *page = page_list_last(k, list);
		page_list_del(k, list, page);
		if (!folio_evictable(page)) {
			folio_putback_lru(k, page);
			continue;
		}
		if (page_ref_count(page) == 1) {           /* folio_put_testzero */
			put_page(k, page);
			continue;
		}
		lruvec_add_folio(k, lruvec, page);
		page_set(page, PG_lru);
		put_page(k, page);
		moved++;
		if (page_test(page, PG_active))
			workingset_age_nonresident(lruvec, 1);
	}
	return moved;
}

/* ---- deciding a page's fate ------------------------------------------------- */

/* What the page's use since the last scan says to do with it (Linux:
 * folio_check_references): mapped pages are looked at twice before they
 * are activated. */
static enum folio_references folio_check_references(struct kernel *k, struct page *page,
						    uint64_t *vm_flags_out)
{
	uint64_t vm_flags;
	int referenced_ptes = folio_referenced(k, page, &vm_flags);
	bool referenced_folio = page_test(page, PG_referenced);

	page_clear(page, PG_referenced);
	*vm_flags_out = vm_flags;
	if (vm_flags & VM_LOCKED)
		return FOLIOREF_ACTIVATE;
	if (referenced_ptes) {
		page_set(page, PG_referenced);
		if (referenced_folio || referenced_ptes > 1)
			return FOLIOREF_ACTIVATE;
		if ((vm_flags & VM_EXEC) && folio_is_file_lru(page))
			return FOLIOREF_ACTIVATE;
		return FOLIOREF_KEEP;
	}
	if (referenced_folio && folio_is_file_lru(page))
		return FOLIOREF_RECLAIM_CLEAN;
	return FOLIOREF_RECLAIM;
}

/* Narrate the decision about one page. */
static void trace_references(struct kernel *k, struct page *page, enum folio_references ref)
{
	static const char *const why[] = {
		[FOLIOREF_RECLAIM] = "not used since the last scan: evict it",
		[FOLIOREF_RECLAIM_CLEAN] = "used only through the page cache: evict it if clean",
		[FOLIOREF_KEEP] = "used once: keep it on the inactive list, marked referenced",
		[FOLIOREF_ACTIVATE] = "used again: move it to the active list",
	};
	trace_kernel(k, k->this_cpu, "pfn %#llx (%s): %s", (unsigned long long)page_to_pfn(k, page),
		     PageAnon(page) ? "anon" : page_test(page, PG_swapbacked) ? "shmem" : "file", why[ref]);
}

/* possible outcomes of pageout() */
typedef enum { PAGE_KEEP, PAGE_ACTIVATE, PAGE_SUCCESS, PAGE_CLEAN } pageout_t;

/* Write a dirty page: an anonymous page to its swap slot, a shmem page to
 * a new one (Linux: pageout and the mapping's writepage). */
static pageout_t pageout(struct kernel *k, struct page *page)
{
	if (!page_test(page, PG_swapcache) && !(page_owner_pa(page) && page_test(page, PG_swapbacked))) {
		if (page_test(page, PG_dirty))   /* a file page: the flusher writes it, not reclaim */
			wakeup_flusher_threads(k, WB_REASON_ALL);
		return PAGE_ACTIVATE;
	}
	if (!page_test(page, PG_dirty))
		return PAGE_CLEAN;
	page_clear(page, PG_dirty);              /* folio_clear_dirty_for_io */
	page_set(page, PG_reclaim);
	if (page_test(page, PG_swapcache)) {
		swap_writeout(k, page);
	} else if (shmem_writeout(k, page)) {
		page_clear(page, PG_reclaim);
		page_set(page, PG_dirty);
		return PAGE_ACTIVATE;
	}
	page_clear(page, PG_reclaim);
	mod_node_page_state(page_pgdat(k, page), NR_VMSCAN_WRITE, 1);
	return PAGE_SUCCESS;
}

/* Remove an unmapped, clean page from the swap cache or page cache when
 * the cache's and the isolation's are its last references, leaving a
 * shadow entry (Linux: __remove_mapping). True when the page may be freed
 * (its references then are the isolation's alone). */
static bool __remove_mapping(struct kernel *k, struct page *page)
{
	if (page_ref_count(page) != 2 || page_test(page, PG_dirty))
		return false;
	if (page_test(page, PG_swapcache)) {
		swp_entry_t entry = page_swap_entry(page);
		__swap_cache_del_folio(k, page, workingset_eviction(k, page));
		mem_cgroup_swapout(k, page, entry);
		put_swap_folio(k, entry);
	} else if (!filemap_remove_folio(k, page, folio_is_file_lru(page) ? workingset_eviction(k, page) : 0)) {
		return false;
	}
	page->_refcount--;                           /* the cache's reference */
	return true;
}

/* An anonymous page without a slot gets one and enters the swap cache
 * (Linux: the folio_alloc_swap step of shrink_folio_list). False when it
 * must stay: no I/O allowed, or no free slot. */
static bool add_to_swap(struct kernel *k, struct page *page, struct scan_control *sc)
{
	if (!(sc->gfp_mask & __GFP_IO) || folio_alloc_swap(k, page))
		return false;
	page_set(page, PG_dirty);    /* a MADV_FREE page written since is dirty in its PTE only */
	trace_kernel(k, k->this_cpu, "pfn %#llx gets swap slot %llu of device %u (the swap cache holds it)",
		     (unsigned long long)page_to_pfn(k, page), (unsigned long long)swp_offset(page_swap_entry(page)),
		     swp_type(page_swap_entry(page)));
	return true;
}

/* Try to free one isolated inactive page: unmap, write, drop from its
 * cache (the loop body of Linux's shrink_folio_list). Returns true when the
 * page may be freed (its isolation reference is the last); otherwise it
 * stays isolated with PG_active set when it should be activated. */
static bool shrink_folio(struct kernel *k, struct page *page, struct scan_control *sc,
			 struct reclaim_stat *stat, bool ignore_references)
{
	enum folio_references references = FOLIOREF_RECLAIM;
	uint64_t vm_flags = 0;

	sc->nr_scanned++;
	if (!folio_evictable(page))
		goto activate;
	if (!sc->may_unmap && page->mapcount)
		return false;
	if (!ignore_references) {
		references = folio_check_references(k, page, &vm_flags);
		trace_references(k, page, references);
	}
	if (references == FOLIOREF_ACTIVATE)
		goto activate;
	if (references == FOLIOREF_KEEP) {
		stat->nr_ref_keep++;
		return false;
	}
	if (PageAnon(page) && page_test(page, PG_swapbacked) && !page_test(page, PG_swapcache) &&
	    !add_to_swap(k, page, sc))
		goto activate;
	if (page->mapcount) {
		if (!try_to_unmap(k, page, true)) {
			stat->nr_unmap_fail++;
			goto activate;
		}
		trace_kernel(k, k->this_cpu, "pfn %#llx unmapped from every page table", (unsigned long long)page_to_pfn(k, page));
	}
	if (page_test(page, PG_dirty)) {
		if (references == FOLIOREF_RECLAIM_CLEAN || !sc->may_writepage)
			return false;
		try_to_unmap_flush_dirty(k);
		switch (pageout(k, page)) {
		case PAGE_KEEP:
			return false;
		case PAGE_ACTIVATE:
			goto activate;
		case PAGE_SUCCESS:
			stat->nr_pageout++;
			if (page_test(page, PG_dirty))
				return false;
			break;
		case PAGE_CLEAN:
			break;
		}
	}
	if (PageAnon(page) && !page_test(page, PG_swapbacked)) {
		if (page_ref_count(page) != 1)           /* folio_ref_freeze(folio, 1) */
			return false;
		k->vm_events[PGLAZYFREED]++;
		count_memcg_folio_events(k, page, PGLAZYFREED, 1);
		trace_kernel(k, k->this_cpu, "pfn %#llx: clean MADV_FREE page, dropped without I/O",
			     (unsigned long long)page_to_pfn(k, page));
		return true;
	}
	return __remove_mapping(k, page);
activate:
	/* Not a candidate for swapping, so reclaim swap space. */
	if (page_test(page, PG_swapcache) && (vm_swap_full(k) || page_test(page, PG_mlocked)))
		folio_free_swap(k, page);
	if (!page_test(page, PG_mlocked)) {
		page_set(page, PG_active);
		stat->nr_activate[folio_is_file_lru(page)]++;
		k->vm_events[PGACTIVATE]++;
		count_memcg_folio_events(k, page, PGACTIVATE, 1);
	}
	return false;
}

/*
 * Try to free the isolated pages on list (Linux: shrink_folio_list). Freed
 * pages go to the allocator once the TLBs they were unmapped from are
 * flushed (one batched flush); the others stay on list for the caller to
 * put back. Returns the pages freed.
 */
static uint64_t shrink_folio_list(struct kernel *k, struct page_list *list, struct scan_control *sc,
				  struct reclaim_stat *stat, bool ignore_references)
{
	struct page_list ret, free_folios;
	uint64_t nr_reclaimed = 0;

	memset(stat, 0, sizeof *stat);
	page_list_init(&ret);
	page_list_init(&free_folios);
	while (!page_list_empty(list)) {
		struct page *page = page_list_last(k, list);
		page_list_del(k, list, page);
		if (page_test(page, PG_head) && PageAnon(page)) {
			/* No THP_SWAP: a THP is split before it goes to swap, its
			 * mapped pages joining the list (Linux: split_folio_to_list
			 * after folio_alloc_swap fails, thp_swpout_fallback). */
			if (split_huge_page_to_list(k, page, 1, list)) {
				page_list_add(k, &ret, page);
				continue;
			}
			k->vm_events[THP_SWPOUT_FALLBACK]++;
			count_memcg_folio_events(k, page, THP_SWPOUT_FALLBACK, 1);
		}
		if (shrink_folio(k, page, sc, stat, ignore_references)) {
			page_list_add(k, &free_folios, page);
			nr_reclaimed++;
		} else {
			page_list_add(k, &ret, page);
		}
	}
	try_to_unmap_flush(k);
	while (!page_list_empty(&free_folios)) {         /* free_unref_folios */
		struct page *page = page_list_last(k, &free_folios);
		page_list_del(k, &free_folios, page);
		put_page(k, page);
	}
	*list = ret;
	return nr_reclaimed;
}

/* ---- the lists ---------------------------------------------------------------- */

/* Reclaim from the tail of an inactive list (Linux: shrink_inactive_list). */
static uint64_t shrink_inactive_list(struct kernel *k, uint64_t nr_to_scan, struct lruvec *lruvec,
				     struct scan_control *sc, enum lru_list lru)
{
	struct page_list list;
	struct reclaim_stat stat;
	uint64_t nr_scanned;
	bool file = is_file_lru(lru);
	enum node_stat_item isolated = file ? NR_ISOLATED_FILE : NR_ISOLATED_ANON;

	page_list_init(&list);
	uint64_t nr_taken = isolate_lru_folios(k, nr_to_scan, lruvec, &list, &nr_scanned, sc, lru);
	mod_node_page_state(lruvec->pgdat, isolated, (long)nr_taken);
	if (!cgroup_reclaim(sc))
		k->vm_events[reclaimer_event(k, PGSCAN_KSWAPD)] += nr_scanned;
	count_memcg_events(lruvec_memcg(lruvec), reclaimer_event(k, PGSCAN_KSWAPD), nr_scanned);
	k->vm_events[file ? PGSCAN_FILE : PGSCAN_ANON] += nr_scanned;
	if (!nr_taken)
		return 0;
	trace_kernel(k, k->this_cpu, "shrink_inactive_list: %llu pages from the tail of the %s list (priority %d)",
		     (unsigned long long)nr_taken, lru_names[lru], sc->priority);
	uint64_t nr_reclaimed = shrink_folio_list(k, &list, sc, &stat, false);
	move_folios_to_lru(k, lruvec, &list);
	mod_node_page_state(lruvec->pgdat, isolated, -(long)nr_taken);
	if (!cgroup_reclaim(sc))
		k->vm_events[reclaimer_event(k, PGSTEAL_KSWAPD)] += nr_reclaimed;
	count_memcg_events(lruvec_memcg(lruvec), reclaimer_event(k, PGSTEAL_KSWAPD), nr_reclaimed);
	k->vm_events[file ? PGSTEAL_FILE : PGSTEAL_ANON] += nr_reclaimed;
	lru_note_cost(k, lruvec, file, stat.nr_pageout, nr_scanned - nr_reclaimed);
	sc->nr_reclaimed += nr_reclaimed;
	return nr_reclaimed;
}

/* Move pages from the tail of an active list to its inactive list, but
 * executable file pages that were used (Linux: shrink_active_list). The
 * Accessed bits are read (and cleared) on the way. */
static void shrink_active_list(struct kernel *k, uint64_t nr_to_scan, struct lruvec *lruvec,
			       struct scan_control *sc, enum lru_list lru)
{
	struct page_list hold, l_active, l_inactive;
	uint64_t nr_scanned, nr_rotated = 0;
	bool file = is_file_lru(lru);
	enum node_stat_item isolated = file ? NR_ISOLATED_FILE : NR_ISOLATED_ANON;

	page_list_init(&hold);
	page_list_init(&l_active);
	page_list_init(&l_inactive);
	uint64_t nr_taken = isolate_lru_folios(k, nr_to_scan, lruvec, &hold, &nr_scanned, sc, lru);
	mod_node_page_state(lruvec->pgdat, isolated, (long)nr_taken);
	k->vm_events[PGREFILL] += nr_scanned;
	count_memcg_events(lruvec_memcg(lruvec), PGREFILL, nr_scanned);
	while (!page_list_empty(&hold)) {
		struct page *page = page_list_last(k, &hold);
		uint64_t vm_flags;
		page_list_del(k, &hold, page);
		if (!folio_evictable(page)) {
			folio_putback_lru(k, page);
			continue;
		}
		if (folio_referenced(k, page, &vm_flags) && (vm_flags & VM_EXEC) && folio_is_file_lru(page)) {
			nr_rotated++;
			page_list_add(k, &l_active, page);
			continue;
		}
		page_clear(page, PG_active);            /* we are de-activating */
		page_set(page, PG_workingset);
		page_list_add(k, &l_inactive, page);
	}
	move_folios_to_lru(k, lruvec, &l_active);
	uint64_t nr_deactivate = move_folios_to_lru(k, lruvec, &l_inactive);
	k->vm_events[PGDEACTIVATE] += nr_deactivate;
	count_memcg_events(lruvec_memcg(lruvec), PGDEACTIVATE, nr_deactivate);
	mod_node_page_state(lruvec->pgdat, isolated, -(long)nr_taken);
	if (nr_rotated)
		lru_note_cost(k, lruvec, file, 0, nr_rotated);
	if (nr_taken)
		trace_kernel(k, k->this_cpu, "shrink_active_list: %llu pages of the %s list looked at, %llu deactivated",
			     (unsigned long long)nr_taken, lru_names[lru], (unsigned long long)nr_deactivate);
}

/* Is the inactive list too small next to the active one: below
 * 1 : sqrt(10 x GiB) (Linux: inactive_is_low)? */
static bool inactive_is_low(struct kernel *k, struct lruvec *lruvec, enum lru_list inactive_lru)
{
	uint64_t inactive = lruvec_lru_pages(k, lruvec, inactive_lru);
	uint64_t active = lruvec_lru_pages(k, lruvec, inactive_lru + LRU_ACTIVE);
	uint64_t gb = (inactive + active) >> (30 - PAGE_SHIFT), ratio = 1;
	if (gb) {
		ratio = 0;
		while ((ratio + 1) * (ratio + 1) <= 10 * gb)     /* int_sqrt */
			ratio++;
	}
	return inactive * ratio < active;
}

/* Scan one list (Linux: shrink_list): an active list only when the
 * inactive one needs pages. */
static uint64_t shrink_list(struct kernel *k, enum lru_list lru, uint64_t nr_to_scan, struct lruvec *lruvec,
			    struct scan_control *sc)
{
	if (is_active_lru(lru)) {
		if (sc->may_deactivate & (1u << is_file_lru(lru)))
			shrink_active_list(k, nr_to_scan, lruvec, sc, lru);
		else
			sc->skipped_deactivate = true;
		return 0;
	}
	return shrink_inactive_list(k, nr_to_scan, lruvec, sc, lru);
}

/* Can anonymous pages of memcg be reclaimed: is there free swap it may
 * use (Linux: can_reclaim_anon_pages without demotion)? */
static bool can_reclaim_anon_pages(struct kernel *k, struct mem_cgroup *memcg)
{
	return memcg ? mem_cgroup_get_nr_swap_pages(k, memcg) > 0 : get_nr_swap_pages(k) > 0;
}

/* Set the node-wide parts of a scan: the costs, which active lists may be
 * deactivated, the cache-trim and tiny-file modes (Linux:
 * prepare_scan_control). */
static void prepare_scan_control(struct kernel *k, struct pglist_data *pgdat, struct scan_control *sc)
{
	struct lruvec *lruvec = mem_cgroup_lruvec(k, sc->target_mem_cgroup, pgdat);
	sc->anon_cost = lruvec->anon_cost;
	sc->file_cost = lruvec->file_cost;
	if (!sc->force_deactivate) {
		uint64_t refaults = node_page_state_pages(pgdat, WORKINGSET_ACTIVATE_ANON);
		if (refaults != lruvec->refaults[WORKINGSET_ANON] || inactive_is_low(k, lruvec, LRU_INACTIVE_ANON))
			sc->may_deactivate |= DEACTIVATE_ANON;
		else
			sc->may_deactivate &= ~DEACTIVATE_ANON;
		refaults = node_page_state_pages(pgdat, WORKINGSET_ACTIVATE_FILE);
		if (refaults != lruvec->refaults[WORKINGSET_FILE] || inactive_is_low(k, lruvec, LRU_INACTIVE_FILE))
			sc->may_deactivate |= DEACTIVATE_FILE;
		else
			sc->may_deactivate &= ~DEACTIVATE_FILE;
	} else {
		sc->may_deactivate = DEACTIVATE_ANON | DEACTIVATE_FILE;
	}
	uint64_t file = lruvec_lru_pages(k, lruvec, LRU_INACTIVE_FILE);
	sc->cache_trim_mode = (file >> sc->priority) && !(sc->may_deactivate & DEACTIVATE_FILE);
	sc->file_is_tiny = false;
	if (cgroup_reclaim(sc))
		return;
	uint64_t free = 0, high = 0;
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		free += zone_page_state(&pgdat->node_zones[z], NR_FREE_PAGES);
		if (pgdat->node_zones[z].managed_pages)
			high += wmark_pages(&pgdat->node_zones[z], WMARK_HIGH);
	}
	file = node_page_state_pages(pgdat, NR_ACTIVE_FILE) + node_page_state_pages(pgdat, NR_INACTIVE_FILE);
	uint64_t anon = node_page_state_pages(pgdat, NR_INACTIVE_ANON);
	sc->file_is_tiny = file + free <= high && !(sc->may_deactivate & DEACTIVATE_ANON) && (anon >> sc->priority);
}

enum scan_balance { SCAN_EQUAL, SCAN_FRACT, SCAN_ANON, SCAN_FILE };

/*
 * How many pages of each list to scan (Linux: get_scan_count): each list's
 * size >> priority, shared between anon and file by swappiness and the
 * recent cost of reclaiming each (inversely), or all to one kind: file when
 * there is no swap or plenty of inactive cache, anon when file is tiny,
 * both equally near OOM (priority 0).
 */
static void get_scan_count(struct kernel *k, struct lruvec *lruvec, struct scan_control *sc, uint64_t *nr)
{
	int swappiness = k->sysctl.swappiness;
	uint64_t fraction[ANON_AND_FILE] = { 0, 0 }, denominator = 1;
	enum scan_balance balance;

	if (!sc->may_swap || !can_reclaim_anon_pages(k, lruvec_memcg(lruvec)))
		balance = SCAN_FILE;
	else if (!sc->priority && swappiness)
		balance = SCAN_EQUAL;
	else if (sc->file_is_tiny)
		balance = SCAN_ANON;
	else if (sc->cache_trim_mode)
		balance = SCAN_FILE;
	else {
		balance = SCAN_FRACT;
		uint64_t total_cost = sc->anon_cost + sc->file_cost;
		uint64_t anon_cost = total_cost + sc->anon_cost, file_cost = total_cost + sc->file_cost;
		total_cost = anon_cost + file_cost;
		fraction[0] = (uint64_t)swappiness * (total_cost + 1) / (anon_cost + 1);
		fraction[1] = (uint64_t)(MAX_SWAPPINESS - swappiness) * (total_cost + 1) / (file_cost + 1);
		denominator = fraction[0] + fraction[1];
	}
	for_each_evictable_lru(lru) {
		bool file = is_file_lru(lru);
		uint64_t scan = lruvec_lru_size(k, lruvec, lru, sc->reclaim_idx) >> sc->priority;
		if (balance == SCAN_FRACT)
			scan = denominator ? scan * fraction[file] / denominator : 0;
		else if ((balance == SCAN_FILE && !file) || (balance == SCAN_ANON && file))
			scan = 0;
		nr[lru] = scan;
	}
}

/* Anonymous pages are worth aging only when they can be swapped (Linux:
 * can_age_anon_pages). */
static bool can_age_anon_pages(const struct kernel *k)
{
	return total_swap_pages(k) > 0;
}

/*
 * Scan the lists of lruvec in batches of SWAP_CLUSTER_MAX, in proportion to
 * get_scan_count's targets, until nr_to_reclaim is met; kswapd then evens
 * out the kinds' shares (Linux: shrink_lruvec). The inactive anon list is
 * refilled when low, whatever was scanned.
 */
static void shrink_lruvec(struct kernel *k, struct lruvec *lruvec, struct scan_control *sc)
{
	uint64_t nr[NR_LRU_LISTS] = { 0 }, targets[NR_LRU_LISTS], nr_reclaimed = 0;
	uint64_t start_reclaimed = sc->nr_reclaimed;
	bool proportional = !cgroup_reclaim(sc) && !current_is_kswapd(k) && sc->priority == DEF_PRIORITY;

	get_scan_count(k, lruvec, sc, nr);
	memcpy(targets, nr, sizeof nr);
	while (nr[LRU_INACTIVE_ANON] || nr[LRU_ACTIVE_FILE] || nr[LRU_INACTIVE_FILE]) {
		for_each_evictable_lru(lru) {
			if (!nr[lru])
				continue;
			uint64_t nr_to_scan = nr[lru] < SWAP_CLUSTER_MAX ? nr[lru] : SWAP_CLUSTER_MAX;
			nr[lru] -= nr_to_scan;
			shrink_list(k, lru, nr_to_scan, lruvec, sc);
		}
		nr_reclaimed = sc->nr_reclaimed - start_reclaimed;
		if (nr_reclaimed < sc->nr_to_reclaim || proportional)
			continue;
		uint64_t nr_file = nr[LRU_INACTIVE_FILE] + nr[LRU_ACTIVE_FILE];
		uint64_t nr_anon = nr[LRU_INACTIVE_ANON] + nr[LRU_ACTIVE_ANON];
		if (!nr_file || !nr_anon)
			break;
		enum lru_list small, big;
		uint64_t percentage;
		if (nr_file > nr_anon) {
			small = LRU_BASE;
			percentage = nr_anon * 100 / (targets[LRU_INACTIVE_ANON] + targets[LRU_ACTIVE_ANON] + 1);
		} else {
			small = LRU_FILE;
			percentage = nr_file * 100 / (targets[LRU_INACTIVE_FILE] + targets[LRU_ACTIVE_FILE] + 1);
		}
		nr[small] = nr[small + LRU_ACTIVE] = 0;
		big = small == LRU_FILE ? LRU_BASE : LRU_FILE;
		for (enum lru_list l = big; l <= big + LRU_ACTIVE; l++) {
			uint64_t scanned = targets[l] - nr[l];
			nr[l] = targets[l] * (100 - percentage) / 100;
			nr[l] -= nr[l] < scanned ? nr[l] : scanned;
		}
	}
	if (can_age_anon_pages(k) && inactive_is_low(k, lruvec, LRU_INACTIVE_ANON))
		shrink_active_list(k, SWAP_CLUSTER_MAX, lruvec, sc, LRU_ACTIVE_ANON);
}

/* The deferred split queue's part of shrink_slab: a share of the queue
 * that grows as the priority falls, at least one folio once reclaim is
 * struggling (Linux: do_shrink_slab's (freeable >> priority) * 4 / seeks
 * with DEFAULT_SEEKS). The pages split off unmapped are freed. */
static void shrink_deferred_split(struct kernel *k, struct scan_control *sc)
{
	uint64_t len = k->thp.deferred_len, nr = (len >> sc->priority) * 2;
	if (!nr && len && sc->priority < DEF_PRIORITY)
		nr = 1;
	if (nr && deferred_split_scan(k, nr))
		trace_kernel(k, k->this_cpu, "split THPs mapped in part from the deferred split queue");
}

/* Reclaim from the lruvec of every cgroup in the target's subtree on
 * pgdat, but those memory.min protects, and those memory.low protects
 * unless nothing else was left (Linux: shrink_node_memcgs). */
static void shrink_node_memcgs(struct kernel *k, struct pglist_data *pgdat, struct scan_control *sc)
{
	struct mem_cgroup *target = sc->target_mem_cgroup ? sc->target_mem_cgroup : root_mem_cgroup(k);
	for (struct mem_cgroup *memcg = mem_cgroup_iter(k, target, NULL); memcg;
	     memcg = mem_cgroup_iter(k, target, memcg)) {
		mem_cgroup_calculate_protection(target, memcg);
		if (mem_cgroup_below_min(target, memcg)) {
			continue;
		} else if (mem_cgroup_below_low(target, memcg)) {
			if (!sc->memcg_low_reclaim) {
				sc->memcg_low_skipped = true;
				continue;
			}
			memcg_memory_event(memcg, MEMCG_LOW);
		}
		shrink_lruvec(k, mem_cgroup_lruvec(k, memcg, pgdat), sc);
	}
}

/* Reclaim from one node (Linux: shrink_node). */
static void shrink_node(struct kernel *k, struct pglist_data *pgdat, struct scan_control *sc)
{
	uint64_t nr_reclaimed = sc->nr_reclaimed;
	prepare_scan_control(k, pgdat, sc);
	shrink_node_memcgs(k, pgdat, sc);
	shrink_deferred_split(k, sc);
	if (sc->nr_reclaimed > nr_reclaimed)
		pgdat->kswapd_failures = 0;
}

/* Remember the workingset activations seen, so that new ones show a
 * changing working set (Linux: snapshot_refaults). */
static void snapshot_refaults(struct kernel *k, struct mem_cgroup *target, struct pglist_data *pgdat)
{
	struct lruvec *lruvec = mem_cgroup_lruvec(k, target, pgdat);
	lruvec->refaults[WORKINGSET_ANON] = node_page_state_pages(pgdat, WORKINGSET_ACTIVATE_ANON);
	lruvec->refaults[WORKINGSET_FILE] = node_page_state_pages(pgdat, WORKINGSET_ACTIVATE_FILE);
}

/* ---- direct reclaim ------------------------------------------------------------ */

/* Reclaim at falling priorities until nr_to_reclaim pages are freed; a
 * run that skipped the active lists tries once more deactivating them
 * (Linux: do_try_to_free_pages). */
static uint64_t do_try_to_free_pages(struct kernel *k, struct scan_control *sc, struct pglist_data *pgdat)
{
	int initial_priority = sc->priority;
retry:
	do {
		sc->nr_scanned = 0;
		shrink_node(k, pgdat, sc);
		if (sc->nr_reclaimed >= sc->nr_to_reclaim)
			break;
		if (sc->priority < DEF_PRIORITY - 2)
			sc->may_writepage = true;
	} while (--sc->priority >= 0);
	snapshot_refaults(k, sc->target_mem_cgroup, pgdat);
	if (sc->nr_reclaimed)
		return sc->nr_reclaimed;
	if (sc->skipped_deactivate) {
		sc->priority = initial_priority;
		sc->force_deactivate = true;
		sc->skipped_deactivate = false;
		goto retry;
	}
	if (sc->memcg_low_skipped) {         /* only memory.low protected cgroups were left */
		sc->priority = initial_priority;
		sc->force_deactivate = false;
		sc->memcg_low_reclaim = true;
		sc->memcg_low_skipped = false;
		goto retry;
	}
	return 0;
}

/* Enter reclaim: the task may use the reserves and go over cgroup limits,
 * and does not reclaim again (Linux: memalloc_noreclaim_save, PF_MEMALLOC).
 * False when already reclaiming. */
static bool memalloc_noreclaim_save(struct kernel *k)
{
	struct task_struct *t = k->current;
	if ((t && (t->flags & PF_MEMALLOC)) || k->in_reclaim)
		return false;
	k->in_reclaim = true;
	if (t)
		t->flags |= PF_MEMALLOC;
	return true;
}

/* Leave reclaim (Linux: memalloc_noreclaim_restore). */
static void memalloc_noreclaim_restore(struct kernel *k)
{
	if (k->current)
		k->current->flags &= ~PF_MEMALLOC;
	k->in_reclaim = false;
}

/* See swap.h. The caller (the allocator) counted the stall. While it
 * reclaims, the task may use the reserves and does not reclaim again
 * (Linux: PF_MEMALLOC through memalloc_noreclaim_save). */
uint64_t try_to_free_pages(struct kernel *k, gfp_t gfp, unsigned order)
{
	struct scan_control sc = {
		.nr_to_reclaim = SWAP_CLUSTER_MAX,
		.gfp_mask = gfp,
		.order = (int)order,
		.priority = DEF_PRIORITY,
		.reclaim_idx = (int)gfp_zone(gfp),
		.may_writepage = true,
		.may_unmap = true,
		.may_swap = true,
	};
	if (!memalloc_noreclaim_save(k))
		return 0;
	trace_kernel(k, k->this_cpu, "direct reclaim for an order-%u allocation: every zone is below its min watermark",
		     order);
	/* the nodes of the local zonelist, nearest first (Linux: shrink_zones) */
	uint64_t freed = 0;
	struct zonelist *zl = &NODE_DATA(k, numa_node_id(k))->node_zonelists[ZONELIST_FALLBACK];
	struct pglist_data *last = NULL;
	for (struct zone **zr = zl->_zonerefs; *zr && freed < sc.nr_to_reclaim; zr++) {
		if ((*zr)->zone_pgdat == last)
			continue;
		last = (*zr)->zone_pgdat;
		sc.priority = DEF_PRIORITY;
		freed = do_try_to_free_pages(k, &sc, last);
	}
	memalloc_noreclaim_restore(k);
	trace_kernel(k, k->this_cpu, "direct reclaim freed %llu pages", (unsigned long long)freed);
	return freed;
}

/* See memcontrol.h. The reclaimer may go over limits meanwhile (Linux:
 * memalloc_noreclaim_save); a reclaim within reclaim does nothing. */
uint64_t try_to_free_mem_cgroup_pages(struct kernel *k, struct mem_cgroup *memcg, uint64_t nr_pages, gfp_t gfp,
				      bool may_swap)
{
	struct scan_control sc = {
		.nr_to_reclaim = nr_pages > SWAP_CLUSTER_MAX ? nr_pages : SWAP_CLUSTER_MAX,
		.gfp_mask = (gfp & (__GFP_IO | __GFP_FS | __GFP_RECLAIM)) | GFP_HIGHUSER_MOVABLE,
		.reclaim_idx = MAX_NR_ZONES - 1,
		.target_mem_cgroup = memcg,
		.priority = DEF_PRIORITY,
		.may_writepage = true,
		.may_unmap = true,
		.may_swap = may_swap,
	};
	if (!memalloc_noreclaim_save(k))
		return 0;
	for_each_online_node(k, nid) {
		sc.priority = DEF_PRIORITY;
		do_try_to_free_pages(k, &sc, k->node_data[nid]);
		if (sc.nr_reclaimed >= sc.nr_to_reclaim)
			break;
	}
	memalloc_noreclaim_restore(k);
	trace_kernel(k, k->this_cpu, "cgroup /%s: reclaim freed %llu pages of its own", memcg->name,
		     (unsigned long long)sc.nr_reclaimed);
	return sc.nr_reclaimed;
}

/* See swap.h. */
uint64_t reclaim_pages(struct kernel *k, struct page_list *list)
{
	struct scan_control sc = {
		.gfp_mask = GFP_KERNEL, .may_writepage = true, .may_unmap = true, .may_swap = true,
		.reclaim_idx = MAX_NR_ZONES - 1,
	};
	struct reclaim_stat stat;
	for_each_list_pfn(k, *list, pfn)
		page_clear(pfn_to_page(k, pfn), PG_active);
	uint64_t freed = shrink_folio_list(k, list, &sc, &stat, true);
	while (!page_list_empty(list)) {
		struct page *page = page_list_last(k, list);
		page_list_del(k, list, page);
		folio_putback_lru(k, page);
	}
	return freed;
}

/* ---- kswapd ------------------------------------------------------------------- */

/* Is a zone up to highest_zoneidx above its high watermark for order
 * (Linux: pgdat_balanced)? A node with no such zone needs nothing. */
static bool pgdat_balanced(struct kernel *k, struct pglist_data *pgdat, int order, int highest_zoneidx)
{
	bool any = false;
	(void)k;
	for (int i = 0; i <= highest_zoneidx && i < MAX_NR_ZONES; i++) {
		struct zone *z = &pgdat->node_zones[i];
		if (!z->managed_pages)
			continue;
		any = true;
		if (zone_watermark_ok(z, (unsigned)order, wmark_pages(z, WMARK_HIGH), (enum zone_type)highest_zoneidx, 0))
			return true;
	}
	return !any;
}

/* Is a zone up to highest_zoneidx boosted (Linux: pgdat_watermark_boosted)? */
static bool pgdat_watermark_boosted(struct pglist_data *pgdat, int highest_zoneidx)
{
	for (int i = highest_zoneidx; i >= 0; i--)
		if (pgdat->node_zones[i].managed_pages && pgdat->node_zones[i].watermark_boost)
			return true;
	return false;
}

/* Reclaim for kswapd: the high watermarks' worth (Linux: kswapd_shrink_node).
 * True when it scanned or reclaimed that much. */
static bool kswapd_shrink_node(struct kernel *k, struct pglist_data *pgdat, struct scan_control *sc)
{
	sc->nr_to_reclaim = 0;
	for (int z = 0; z <= sc->reclaim_idx; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		if (zone->managed_pages)
			sc->nr_to_reclaim += wmark_pages(zone, WMARK_HIGH) > SWAP_CLUSTER_MAX ? wmark_pages(zone, WMARK_HIGH)
												  : SWAP_CLUSTER_MAX;
	}
	uint64_t nr_reclaimed = sc->nr_reclaimed;
	shrink_node(k, pgdat, sc);
	if (sc->order && sc->nr_reclaimed >= 2UL << sc->order)
		sc->order = 0;
	uint64_t progress = sc->nr_reclaimed - nr_reclaimed;
	return (sc->nr_scanned > progress ? sc->nr_scanned : progress) >= sc->nr_to_reclaim;
}

/* Age the anonymous lists of every cgroup in the background (Linux:
 * kswapd_age_node). */
static void kswapd_age_node(struct kernel *k, struct pglist_data *pgdat, struct scan_control *sc)
{
	if (!can_age_anon_pages(k) || !inactive_is_low(k, &pgdat->__lruvec, LRU_INACTIVE_ANON))
		return;
	struct mem_cgroup *root = root_mem_cgroup(k);
	for (struct mem_cgroup *memcg = mem_cgroup_iter(k, root, NULL); memcg; memcg = mem_cgroup_iter(k, root, memcg))
		shrink_active_list(k, SWAP_CLUSTER_MAX, mem_cgroup_lruvec(k, memcg, pgdat), sc, LRU_ACTIVE_ANON);
}

/*
 * kswapd's work: reclaim at falling priorities (12 to 1) until a zone is
 * balanced, and a boosted watermark's extra (without I/O) (Linux:
 * balance_pgdat). A run that frees nothing counts as a failure; after
 * MAX_RECLAIM_RETRIES kswapd leaves the node to direct reclaim. Returns
 * the order it finished at.
 */
static int balance_pgdat(struct kernel *k, struct pglist_data *pgdat, int order, int highest_zoneidx)
{
	struct scan_control sc = { .gfp_mask = GFP_KERNEL, .order = order, .may_unmap = true };
	uint64_t nr_boost_reclaim = 0, zone_boosts[MAX_NR_ZONES] = { 0 };

	k->vm_events[PAGEOUTRUN]++;
	for (int i = 0; i <= highest_zoneidx; i++) {
		nr_boost_reclaim += pgdat->node_zones[i].watermark_boost;
		zone_boosts[i] = pgdat->node_zones[i].watermark_boost;
	}
	bool boosted = nr_boost_reclaim;
restart:
	sc.priority = DEF_PRIORITY;
	do {
		uint64_t nr_reclaimed = sc.nr_reclaimed;
		bool raise_priority = true;
		sc.reclaim_idx = highest_zoneidx;
		bool balanced = pgdat_balanced(k, pgdat, sc.order, highest_zoneidx);
		if (!balanced && nr_boost_reclaim) {
			nr_boost_reclaim = 0;
			goto restart;
		}
		if (!nr_boost_reclaim && balanced)
			goto out;
		if (nr_boost_reclaim && sc.priority == DEF_PRIORITY - 2)
			raise_priority = false;
		sc.may_writepage = !nr_boost_reclaim;
		sc.may_swap = !nr_boost_reclaim;
		kswapd_age_node(k, pgdat, &sc);
		if (sc.priority < DEF_PRIORITY - 2)
			sc.may_writepage = true;
		sc.nr_scanned = 0;
		if (kswapd_shrink_node(k, pgdat, &sc))
			raise_priority = false;
		nr_reclaimed = sc.nr_reclaimed - nr_reclaimed;
		nr_boost_reclaim -= nr_boost_reclaim < nr_reclaimed ? nr_boost_reclaim : nr_reclaimed;
		if (nr_boost_reclaim && !nr_reclaimed)
			break;
		if (raise_priority || !nr_reclaimed)
			sc.priority--;
	} while (sc.priority >= 1);
	if (!sc.nr_reclaimed)
		pgdat->kswapd_failures++;
out:
	if (boosted)
		for (int i = 0; i <= highest_zoneidx; i++) {
			struct zone *z = &pgdat->node_zones[i];
			z->watermark_boost -= z->watermark_boost < zone_boosts[i] ? z->watermark_boost : zone_boosts[i];
		}
	snapshot_refaults(k, NULL, pgdat);
	trace_kernel(k, k->this_cpu, "kswapd%d: reclaimed %llu pages, node %s", pgdat->node_id,
		     (unsigned long long)sc.nr_reclaimed,
		     pgdat_balanced(k, pgdat, 0, highest_zoneidx) ? "balanced (a zone above its high watermark)"
							       : "still unbalanced");
	return sc.order;
}

/* May kswapd sleep: is the node balanced, or hopeless (Linux:
 * prepare_kswapd_sleep)? */
static bool prepare_kswapd_sleep(struct kernel *k, struct pglist_data *pgdat, int order, int highest_zoneidx)
{
	return pgdat->kswapd_failures >= MAX_RECLAIM_RETRIES || pgdat_balanced(k, pgdat, order, highest_zoneidx);
}

/* The zone index the waker asked for, else the last one (Linux:
 * kswapd_highest_zoneidx). */
static int kswapd_highest_zoneidx(struct pglist_data *pgdat, int prev)
{
	return pgdat->kswapd_highest_zoneidx == MAX_NR_ZONES ? prev : (int)pgdat->kswapd_highest_zoneidx;
}

/*
 * One wakeup of kswapd: balance the node, then sleep when it is balanced,
 * else balance again (Linux: the loop of kswapd with kswapd_try_to_sleep,
 * whose short nap is taken as over: a premature wakeup is not counted).
 */
static void kswapd(struct kernel *k, struct pglist_data *pgdat)
{
	int highest_zoneidx = MAX_NR_ZONES - 1, woken_order = 0;
	trace_kernel(k, k->this_cpu, "kswapd0 runs on CPU %d: free memory fell below a low watermark", k->this_cpu);
	for (;;) {
		int alloc_order = pgdat->kswapd_order;
		if (alloc_order > woken_order)
			woken_order = alloc_order;
		highest_zoneidx = kswapd_highest_zoneidx(pgdat, highest_zoneidx);
		pgdat->kswapd_order = 0;
		pgdat->kswapd_highest_zoneidx = MAX_NR_ZONES;
		int reclaim_order = balance_pgdat(k, pgdat, alloc_order, highest_zoneidx);
		if (prepare_kswapd_sleep(k, pgdat, reclaim_order, highest_zoneidx)) {
			/* kswapd_try_to_sleep: compaction makes the order it
			 * was woken for, which reclaim alone seldom does */
			wakeup_kcompactd(k, pgdat, woken_order, highest_zoneidx);
			break;
		}
		k->vm_events[KSWAPD_HIGH_WMARK_HIT_QUICKLY]++;
	}
	pgdat->kswapd_wait = true;
	trace_kernel(k, k->this_cpu, "kswapd0 sleeps");
}

/* See swap.h. */
void wakeup_kswapd(struct kernel *k, struct zone *zone, gfp_t gfp, int order, enum zone_type highest_zoneidx)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	(void)gfp;
	if (!zone->managed_pages || !pgdat->kswapd)
		return;
	if (pgdat->kswapd_highest_zoneidx == MAX_NR_ZONES || pgdat->kswapd_highest_zoneidx < highest_zoneidx)
		pgdat->kswapd_highest_zoneidx = highest_zoneidx;
	if (pgdat->kswapd_order < order)
		pgdat->kswapd_order = order;
	if (!pgdat->kswapd_wait || pgdat->kswapd_woken)
		return;
	if (pgdat->kswapd_failures >= MAX_RECLAIM_RETRIES ||
	    (pgdat_balanced(k, pgdat, order, (int)highest_zoneidx) &&
	     !pgdat_watermark_boosted(pgdat, (int)highest_zoneidx)))
		return;
	pgdat->kswapd_woken = true;
	k->kswapd_pending = true;
	trace_kernel(k, k->this_cpu, "wake kswapd%d: zone %s is below its low watermark (%llu free, low %llu)",
		     pgdat->node_id, zone->name, (unsigned long long)zone_page_state(zone, NR_FREE_PAGES),
		     (unsigned long long)wmark_pages(zone, WMARK_LOW));
}

/* See swap.h. kswapd runs on the CPU the kernel is on (the one returning to
 * user mode), for no process. */
void kswapd_run_woken(struct kernel *k)
{
	struct task_struct *saved = k->current;
	k->kswapd_pending = false;
	for_each_online_node(k, nid) {
		struct pglist_data *pgdat = k->node_data[nid];
		if (!pgdat->kswapd_woken || k->panic_reason)
			continue;
		pgdat->kswapd_woken = false;
		pgdat->kswapd_wait = false;
		k->current = pgdat->kswapd;
		pgdat->kswapd->cpu = k->this_cpu;
		kswapd(k, pgdat);
	}
	k->current = saved;
}

/* See swap.h. kswapd0's task is not a process of the machine: it has no
 * pid among them and no mm, and lives in host memory. */
int kswapd_init(struct kernel *k)
{
	for_each_online_node(k, nid) {
		struct pglist_data *pgdat = k->node_data[nid];
		struct task_struct *t = calloc(1, sizeof *t);
		if (!t)
			return -ENOMEM;
		snprintf(t->comm, sizeof t->comm, "kswapd%hu", (unsigned short)nid);   /* nodes are few */
		t->flags = PF_KTHREAD | PF_KSWAPD | PF_MEMALLOC;
		t->signal = &t->signal_storage;
		t->group_leader = t;
		pgdat->kswapd = t;
		pgdat->kswapd_wait = true;
		pgdat->kswapd_highest_zoneidx = MAX_NR_ZONES;
	}
	return 0;
}

/* See swap.h. */
void exit_to_user_mode(struct kernel *k, int cpu)
{
	int saved = k->this_cpu;
	k->this_cpu = cpu;
	kswapd_run_woken(k);
	if (k->kcompactd_pending)
		kcompactd_run_woken(k);
	mem_cgroup_handle_over_high(k);
	k->this_cpu = saved;
}
