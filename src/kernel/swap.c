/*
 * kernel/swap.c — the LRU lists (Linux: mm/swap.c and the list helpers of
 * include/linux/mm_inline.h). See swap.h.
 *
 * Every page a process or the page cache uses is on one list of its node's
 * lruvec: new pages start inactive, a second use activates them, reclaim
 * (vmscan.c) takes the coldest from the tails. Linux gathers additions and
 * moves in per-CPU batches of 15 and applies them later; the simulator
 * applies each at once, so the lists and their counters are exact at every
 * moment (what a Linux reader sees after lru_add_drain).
 */
#include "kernel/swap.h"

#include "kernel/kernel.h"
#include "kernel/memcontrol.h"
#include "kernel/mm.h"
#include "kernel/page_list.h"

/* See swap.h. */
struct lruvec *node_lruvec(struct kernel *k)
{
	return &k->node_data[0]->__lruvec;
}

/* See swap.h. */
void lruvec_init(struct kernel *k, struct pglist_data *pgdat)
{
	(void)k;
	for (int l = 0; l < NR_LRU_LISTS; l++)
		page_list_init(&pgdat->__lruvec.lists[l]);
	pgdat->__lruvec.pgdat = pgdat;
}

/* See swap.h. */
bool folio_is_file_lru(const struct page *page)
{
	return !page_test(page, PG_swapbacked);
}

/* See swap.h. */
bool folio_evictable(const struct page *page)
{
	return !page_test(page, PG_mlocked);
}

/* See swap.h. */
enum lru_list folio_lru_list(const struct page *page)
{
	if (page_test(page, PG_unevictable))
		return LRU_UNEVICTABLE;
	enum lru_list lru = folio_is_file_lru(page) ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;
	return page_test(page, PG_active) ? lru + LRU_ACTIVE : lru;
}

/* Add nr to the size of list lru in lruvec, its cgroup, and page's node
 * and zone (Linux: update_lru_size, mem_cgroup_update_lru_size). */
static void update_lru_size(struct kernel *k, struct lruvec *lruvec, enum lru_list lru,
			    const struct page *page, long nr)
{
	struct zone *zone = page_zone(k, page);
	mod_node_page_state(lruvec->pgdat, (enum node_stat_item)(NR_INACTIVE_ANON + lru), nr);
	mod_zone_page_state(zone, (enum zone_stat_item)(NR_ZONE_INACTIVE_ANON + lru), nr);
	lruvec->lru_zone_size[zone->idx][lru] += (uint64_t)nr;
	mem_cgroup_update_lru_size(lruvec, lru, nr);
}

/* See swap.h. */
void lruvec_add_folio(struct kernel *k, struct lruvec *lruvec, struct page *page)
{
	enum lru_list lru = folio_lru_list(page);
	update_lru_size(k, lruvec, lru, page, folio_nr_pages(page));
	page_list_add(k, &lruvec->lists[lru], page);
}

/* See swap.h. */
void lruvec_add_folio_tail(struct kernel *k, struct lruvec *lruvec, struct page *page)
{
	enum lru_list lru = folio_lru_list(page);
	update_lru_size(k, lruvec, lru, page, folio_nr_pages(page));
	page_list_add_tail(k, &lruvec->lists[lru], page);
}

/* See swap.h. */
void lruvec_del_folio(struct kernel *k, struct lruvec *lruvec, struct page *page)
{
	enum lru_list lru = folio_lru_list(page);
	page_list_del(k, &lruvec->lists[lru], page);
	update_lru_size(k, lruvec, lru, page, -folio_nr_pages(page));
}

/* See swap.h. */
void folio_lru_move(struct kernel *k, struct page *page, uint32_t set, uint32_t clear)
{
	struct lruvec *lruvec = folio_lruvec(k, page);
	lruvec_del_folio(k, lruvec, page);
	page->flags = (page->flags & ~clear) | set;
	lruvec_add_folio(k, lruvec, page);
}

/* See swap.h. */
uint64_t lruvec_lru_size(struct kernel *k, struct lruvec *lruvec, enum lru_list lru, int zone_idx)
{
	uint64_t size = 0;
	(void)k;
	for (int zid = 0; zid <= zone_idx && zid < MAX_NR_ZONES; zid++)
		size += lruvec->lru_zone_size[zid][lru];
	return size;
}

/* Put a page that is not on an LRU on the right list: an mlocked page
 * becomes unevictable (culled), an unevictable one that no longer is comes
 * back (rescued) (Linux: lru_add, the batch's function). */
static void lru_add(struct kernel *k, struct lruvec *lruvec, struct page *page)
{
	bool was_unevictable = page_test(page, PG_unevictable);

	if (folio_evictable(page)) {
		page_clear(page, PG_unevictable);
		if (was_unevictable)
			k->vm_events[UNEVICTABLE_PGRESCUED]++;
	} else {
		page_clear(page, PG_active);
		page_set(page, PG_unevictable);
		if (!was_unevictable)
			k->vm_events[UNEVICTABLE_PGCULLED]++;
	}
	lruvec_add_folio(k, lruvec, page);
	page_set(page, PG_lru);
}

/* See swap.h. */
void folio_add_lru(struct kernel *k, struct page *page)
{
	lru_add(k, folio_lruvec(k, page), page);
}

/* See swap.h. */
void folio_add_lru_vma(struct kernel *k, struct page *page, struct vm_area_struct *vma)
{
	if ((vma->vm_flags & (VM_LOCKED | VM_SPECIAL)) == VM_LOCKED)
		mlock_new_folio(k, page);
	else
		folio_add_lru(k, page);
}

/* See swap.h. */
bool folio_isolate_lru(struct kernel *k, struct page *page)
{
	if (!page_test(page, PG_lru))
		return false;
	get_page(page);
	lruvec_del_folio(k, folio_lruvec(k, page), page);
	page_clear(page, PG_lru);
	return true;
}

/* See swap.h. */
void folio_putback_lru(struct kernel *k, struct page *page)
{
	folio_add_lru(k, page);
	put_page(k, page);
}

/* See swap.h. The flags an LRU page carries go with it (Linux:
 * __folio_clear_lru_flags); a page freed while mlocked counts as cleared. */
void __page_cache_release(struct kernel *k, struct page *page)
{
	if (page_test(page, PG_lru)) {
		lruvec_del_folio(k, folio_lruvec(k, page), page);
		page_clear(page, PG_lru);
		page_clear(page, PG_active);
		page_clear(page, PG_unevictable);
	}
	if (page_test(page, PG_mlocked)) {
		page_clear(page, PG_mlocked);
		mod_zone_page_state(page_zone(k, page), NR_MLOCK, -1);
		k->vm_events[UNEVICTABLE_PGCLEARED]++;
	}
}

/* See swap.h. Linux's workingset_activation ages the nonresident clock. */
void folio_activate(struct kernel *k, struct page *page)
{
	if (!page_test(page, PG_lru) || page_test(page, PG_active) || page_test(page, PG_unevictable))
		return;
	folio_lru_move(k, page, 1u << PG_active, 0);
	workingset_age_nonresident(node_lruvec(k), 1);
	k->vm_events[PGACTIVATE]++;
	count_memcg_folio_events(k, page, PGACTIVATE, 1);
}

/* See swap.h. An unevictable page stays where it is. */
void folio_mark_accessed(struct kernel *k, struct page *page)
{
	if (!page_test(page, PG_referenced)) {
		page_set(page, PG_referenced);
	} else if (!page_test(page, PG_unevictable) && !page_test(page, PG_active)) {
		folio_activate(k, page);
		page_clear(page, PG_referenced);
	}
}

/* See swap.h. */
void folio_deactivate(struct kernel *k, struct page *page)
{
	if (!page_test(page, PG_lru) || page_test(page, PG_unevictable) || !page_test(page, PG_active))
		return;
	folio_lru_move(k, page, 0, (1u << PG_active) | (1u << PG_referenced));
	k->vm_events[PGDEACTIVATE]++;
	count_memcg_folio_events(k, page, PGDEACTIVATE, 1);
}

/* See swap.h. Pages that are shmem, in the swap cache or unevictable are
 * left alone (Linux: lru_lazyfree's test). */
void folio_mark_lazyfree(struct kernel *k, struct page *page)
{
	if (!page_test(page, PG_lru) || !PageAnon(page) || !page_test(page, PG_swapbacked) ||
	    page_test(page, PG_swapcache) || page_test(page, PG_unevictable))
		return;
	/* now a file-LRU page: discarded, not swapped */
	folio_lru_move(k, page, 0, (1u << PG_active) | (1u << PG_referenced) | (1u << PG_swapbacked));
	k->vm_events[PGLAZYFREE]++;
	count_memcg_folio_events(k, page, PGLAZYFREE, 1);
}

/* See swap.h. The costs decay by half once they pass a quarter of the
 * LRU's pages, so recent reclaim weighs most. */
void lru_note_cost(struct kernel *k, struct lruvec *lruvec, bool file, uint64_t nr_io, uint64_t nr_rotated)
{
	uint64_t cost = nr_io * SWAP_CLUSTER_MAX + nr_rotated;
	if (file)
		lruvec->file_cost += cost;
	else
		lruvec->anon_cost += cost;
	uint64_t lrusize = lruvec_lru_pages(k, lruvec, LRU_INACTIVE_ANON) + lruvec_lru_pages(k, lruvec, LRU_ACTIVE_ANON) +
			   lruvec_lru_pages(k, lruvec, LRU_INACTIVE_FILE) + lruvec_lru_pages(k, lruvec, LRU_ACTIVE_FILE);
	if (lruvec->file_cost + lruvec->anon_cost > lrusize / 4) {
		lruvec->file_cost /= 2;
		lruvec->anon_cost /= 2;
	}
}
