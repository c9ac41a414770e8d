/*
 * kernel/page_alloc.c — the buddy allocator (Linux: mm/page_alloc.c).
 *
 * Free memory is kept in blocks of 2^order frames, order 0..10, on one list
 * per zone, order and migratetype. An allocation takes the smallest block
 * that fits and splits off the unused halves (expand); a free merges a block
 * with its buddy, pfn ^ (1 << order), while the buddy is free too. Order-0
 * pages pass through a per-CPU cache first. When a migratetype runs dry it
 * steals from another, claiming the whole pageblock when enough of it is free
 * (the anti-fragmentation heuristic). Watermarks keep a reserve: a request
 * that would eat into it goes down the slow path, which may only dip into it
 * as far as its flags allow and then asks the reclaim hook for memory.
 */
#include "kernel/page_alloc_internal.h"
#include "kernel/huge_mm.h"
#include "kernel/hugetlb.h"
#include "kernel/kaccess.h"
#include "kernel/compaction.h"
#include "kernel/memcontrol.h"
#include "kernel/mempolicy.h"
#include "kernel/oom.h"
#include "kernel/migrate.h"
#include "kernel/page_list.h"
#include "kernel/sched.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define FPI_NONE    0
#define FPI_TO_TAIL 1           /* free to the tail of the list (boot, drains) */
#define MAX_RECLAIM_RETRIES 16
#define MAX_COMPACT_RETRIES 16

/* Migratetypes tried, in order, when a type has no free block (Linux: fallbacks[]). */
static const enum migratetype fallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1] = {
	[MIGRATE_UNMOVABLE]   = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE },
	[MIGRATE_MOVABLE]     = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE },
};

static const enum vm_event_item pgalloc_event[MAX_NR_ZONES] = {
	PGALLOC_DMA, PGALLOC_DMA32, PGALLOC_NORMAL, PGALLOC_MOVABLE, PGALLOC_DEVICE
};

/* What an allocation may use (Linux: struct alloc_context): its zonelist,
 * the nodes allowed (NULL: all), the highest zone index, the preferred
 * node and the first zone of the zonelist it may use. */
struct alloc_context {
	struct zonelist *zonelist;
	const nodemask_t *nodemask;
	struct zone *preferred;
	int preferred_nid;
	enum zone_type highest;
};

/* ---- pageblocks ----------------------------------------------------------- */

static uint8_t *pageblock_slot(const struct zone *z, uint64_t pfn)
{
	return &z->pageblock_flags[pfn / pageblock_nr_pages -
				   z->zone_start_pfn / pageblock_nr_pages];
}

/* See page_alloc_internal.h. Stored XOR MIGRATE_MOVABLE so that untouched
 * (zero) storage reads as Movable, the type every pageblock starts with. */
enum migratetype get_pfnblock_migratetype(const struct zone *z, uint64_t pfn)
{
	return (enum migratetype)(*pageblock_slot(z, pfn) ^ MIGRATE_MOVABLE);
}

/* See page_alloc_internal.h. */
void set_pfnblock_migratetype(struct zone *z, uint64_t pfn, enum migratetype mt)
{
	*pageblock_slot(z, pfn) = (uint8_t)(mt ^ MIGRATE_MOVABLE);
}

/* Give every pageblock of a block of 2^order frames (order >= pageblock_order)
 * the type mt (Linux: change_pageblock_range). */
static void change_pageblock_range(struct zone *z, uint64_t pfn, unsigned order,
				   enum migratetype mt)
{
	for (uint64_t n = 0; n < (1UL << order); n += pageblock_nr_pages)
		set_pfnblock_migratetype(z, pfn + n, mt);
}

/* ---- free lists ------------------------------------------------------------ */

/* Adjust the free-page counters for nr pages of type mt entering (nr > 0) or
 * leaving the free lists (Linux: account_freepages). Isolated pages do not
 * count as free. */
static void account_freepages(struct zone *z, long nr, enum migratetype mt)
{
	if (mt == MIGRATE_ISOLATE)
		return;
	mod_zone_page_state(z, NR_FREE_PAGES, nr);
}

static void add_to_free_list(struct kernel *k, struct zone *z, struct page *page,
			     unsigned order, enum migratetype mt, bool tail)
{
	struct free_area *area = &z->free_area[order];

	page->flags = (1u << PG_buddy) | (order << PAGE_ORDER_SHIFT);
	page->_refcount = 0;
	page->mapcount = 0;
	page->private = 0;
	page->mapping = 0;
	if (tail)
		page_list_add_tail(k, &area->free_list[mt], page);
	else
		page_list_add(k, &area->free_list[mt], page);
	area->nr_free++;
	area->nr_free_mt[mt]++;
	if (order >= pageblock_order)
		mod_zone_page_state(z, NR_FREE_PAGES_BLOCKS, 1L << order);
}

static void del_page_from_free_list(struct kernel *k, struct zone *z, struct page *page,
				    unsigned order, enum migratetype mt)
{
	struct free_area *area = &z->free_area[order];

	page_list_del(k, &area->free_list[mt], page);
	page_clear(page, PG_buddy);
	set_page_order(page, 0);
	area->nr_free--;
	area->nr_free_mt[mt]--;
	if (order >= pageblock_order)
		mod_zone_page_state(z, NR_FREE_PAGES_BLOCKS, -(1L << order));
}

/* Move a free block between the lists of two migratetypes. */
static void move_to_free_list(struct kernel *k, struct zone *z, struct page *page,
			      unsigned order, enum migratetype from, enum migratetype to)
{
	del_page_from_free_list(k, z, page, order, from);
	add_to_free_list(k, z, page, order, to, true);
	account_freepages(z, -(1L << order), from);
	account_freepages(z, 1L << order, to);
}

static bool has_deferred(const struct zone *z, unsigned order, enum migratetype mt)
{
	return order == MAX_PAGE_ORDER && mt == MIGRATE_MOVABLE && z->deferred_pfn < z->deferred_end;
}

/* See page_alloc_internal.h. */
bool free_area_empty(const struct zone *z, unsigned order, enum migratetype mt)
{
	return page_list_empty(&z->free_area[order].free_list[mt]) && !has_deferred(z, order, mt);
}

/* First free block of an order and type, bringing a deferred block onto the
 * list when the list is empty. NULL when there is none. */
static struct page *get_page_from_free_area(struct kernel *k, struct zone *z,
					    unsigned order, enum migratetype mt)
{
	struct page_list *l = &z->free_area[order].free_list[mt];

	if (page_list_empty(l) && has_deferred(z, order, mt)) {
		struct page *page = pfn_to_page(k, z->deferred_pfn);
		z->deferred_pfn += 1ULL << MAX_PAGE_ORDER;
		page->flags = (1u << PG_buddy) | (MAX_PAGE_ORDER << PAGE_ORDER_SHIFT);
		page_list_add(k, l, page);      /* already counted as free */
	}
	return page_list_first(k, l);
}

/* True when the frame at pfn heads a free block of exactly this order in z,
 * i.e. it is the buddy we may merge with (Linux: page_is_buddy). */
static bool page_is_buddy(struct kernel *k, const struct zone *z, uint64_t pfn, unsigned order)
{
	if (!pfn_valid(k, pfn) || !zone_spans_pfn(z, pfn))
		return false;
	struct page *p = pfn_to_page(k, pfn);
	return page_test(p, PG_buddy) && page_order(p) == order;
}

/* ---- freeing into the buddy lists ---------------------------------------- */

/* Heuristic of Linux's buddy_merge_likely: when the block one order up has a
 * free buddy, put this block at the tail so it stays free long enough to
 * merge. */
static bool buddy_merge_likely(struct kernel *k, const struct zone *z, uint64_t pfn,
			       unsigned order)
{
	if (order >= MAX_PAGE_ORDER - 1)
		return false;
	uint64_t higher = pfn & ~(1ULL << order);
	return page_is_buddy(k, z, higher ^ (1ULL << (order + 1)), order + 1);
}

/*
 * Free the block [pfn, pfn + 2^order) of type mt into z, merging it with its
 * buddy order by order as far as the buddies are free (Linux: __free_one_page).
 * Pageblocks of unmergeable types (isolate, high-atomic) do not merge with
 * other types; mergeable ones adopt the freed block's type.
 */
static void __free_one_page(struct kernel *k, struct zone *z, uint64_t pfn, unsigned order,
			    enum migratetype mt, int fpi)
{
	account_freepages(z, 1L << order, mt);
	while (order < MAX_PAGE_ORDER) {
		uint64_t buddy_pfn = pfn ^ (1ULL << order);
		if (!page_is_buddy(k, z, buddy_pfn, order))
			break;
		enum migratetype buddy_mt = get_pfnblock_migratetype(z, buddy_pfn);
		if (order >= pageblock_order && buddy_mt != mt &&
		    (mt >= MIGRATE_PCPTYPES || buddy_mt >= MIGRATE_PCPTYPES))
			break;
		del_page_from_free_list(k, z, pfn_to_page(k, buddy_pfn), order, buddy_mt);
		if (buddy_mt != mt) {
			/* the buddy's pages were counted under its own type */
			account_freepages(z, -(1L << order), buddy_mt);
			account_freepages(z, 1L << order, mt);
			if (order >= pageblock_order)
				change_pageblock_range(z, buddy_pfn, order, mt);
		}
		pfn &= buddy_pfn;
		order++;
	}
	bool tail = (fpi & FPI_TO_TAIL) || buddy_merge_likely(k, z, pfn, order);
	add_to_free_list(k, z, pfn_to_page(k, pfn), order, mt, tail);
}

/* See page_alloc_internal.h. */
unsigned free_chunk_order(uint64_t pfn, uint64_t end)
{
	unsigned order = MAX_PAGE_ORDER;
	while (order && ((pfn & ((1ULL << order) - 1)) || pfn + (1ULL << order) > end))
		order--;
	return order;
}

/* See page_alloc_internal.h. Boot frees count in pgfree, as on Linux. */
void free_boot_block(struct kernel *k, struct zone *z, uint64_t pfn, unsigned order)
{
	__free_one_page(k, z, pfn, order, get_pfnblock_migratetype(z, pfn), FPI_TO_TAIL);
	k->vm_events[PGFREE] += 1ULL << order;
}

/* See page_alloc_internal.h. */
void defer_free_blocks(struct kernel *k, struct zone *z, uint64_t start, uint64_t end)
{
	uint64_t nblocks = (end - start) >> MAX_PAGE_ORDER;
	struct free_area *area = &z->free_area[MAX_PAGE_ORDER];

	z->deferred_pfn = start;
	z->deferred_end = end;
	area->nr_free += nblocks;
	area->nr_free_mt[MIGRATE_MOVABLE] += nblocks;
	mod_zone_page_state(z, NR_FREE_PAGES, (long)(end - start));
	mod_zone_page_state(z, NR_FREE_PAGES_BLOCKS, (long)(end - start));
	k->vm_events[PGFREE] += end - start;
}

/* ---- taking blocks off the lists ------------------------------------------ */

/* Split a block of order high down to order low, returning the upper halves
 * to the free lists of type mt (Linux: expand). */
static void expand(struct kernel *k, struct zone *z, uint64_t pfn, unsigned low,
		   unsigned high, enum migratetype mt)
{
	while (high > low) {
		high--;
		add_to_free_list(k, z, pfn_to_page(k, pfn + (1ULL << high)), high, mt, false);
		account_freepages(z, 1L << high, mt);
	}
}

/* Take a free block of order high off list mt and keep 2^order frames of it. */
static void page_del_and_expand(struct kernel *k, struct zone *z, struct page *page,
				unsigned order, unsigned high, enum migratetype mt)
{
	del_page_from_free_list(k, z, page, high, mt);
	account_freepages(z, -(1L << high), mt);
	expand(k, z, page_to_pfn(k, page), order, high, mt);
}

/* The smallest free block of type mt that holds 2^order frames, split to
 * size (Linux: __rmqueue_smallest). */
static struct page *__rmqueue_smallest(struct kernel *k, struct zone *z, unsigned order,
				       enum migratetype mt)
{
	for (unsigned o = order; o < NR_PAGE_ORDERS; o++) {
		struct page *page = get_page_from_free_area(k, z, o, mt);
		if (page) {
			page_del_and_expand(k, z, page, order, o, mt);
			return page;
		}
	}
	return NULL;
}

/* May an allocation of type start_mt claim a whole pageblock when it steals
 * a block of this order? (Linux: can_steal_fallback) */
static bool can_steal_fallback(unsigned order, enum migratetype start_mt)
{
	return order >= pageblock_order / 2 || start_mt == MIGRATE_RECLAIMABLE ||
	       start_mt == MIGRATE_UNMOVABLE;
}

/* See page_alloc_internal.h. */
int find_suitable_fallback(const struct zone *z, unsigned order, enum migratetype mt, bool *can_steal)
{
	if (!z->free_area[order].nr_free)
		return -1;
	for (int i = 0; i < MIGRATE_PCPTYPES - 1; i++) {
		enum migratetype fmt = fallbacks[mt][i];
		if (!free_area_empty(z, order, fmt)) {
			*can_steal = can_steal_fallback(order, mt);
			return (int)fmt;
		}
	}
	return -1;
}

/* Raise z's watermark boost by a pageblock, up to watermark_boost_factor
 * per ten thousand of the high watermark (Linux: boost_watermark). False
 * when boosting is off or the zone is too small for it to help. */
static bool boost_watermark(struct kernel *k, struct zone *z)
{
	int factor = k->sysctl.watermark_boost_factor;
	if (!factor || pageblock_nr_pages * 4 > z->managed_pages)
		return false;
	uint64_t max_boost = z->_watermark[WMARK_HIGH] * (uint64_t)factor / 10000;
	if (!max_boost)
		return false;
	if (max_boost < pageblock_nr_pages)
		max_boost = pageblock_nr_pages;
	z->watermark_boost = z->watermark_boost + pageblock_nr_pages < max_boost ? z->watermark_boost + pageblock_nr_pages
										 : max_boost;
	return true;
}

/* Move every free block of the pageblock holding start_pfn from type from to
 * type to and retag the pageblock (Linux: __move_freepages_block). */
static void move_freepages_block(struct kernel *k, struct zone *z, uint64_t start_pfn,
				 enum migratetype from, enum migratetype to)
{
	for (uint64_t pfn = start_pfn; pfn < start_pfn + pageblock_nr_pages;) {
		struct page *p = pfn_to_page(k, pfn);
		if (!page_test(p, PG_buddy)) {
			pfn++;
			continue;
		}
		unsigned order = page_order(p);
		move_to_free_list(k, z, p, order, from, to);
		pfn += 1ULL << order;
	}
	set_pfnblock_migratetype(z, start_pfn, to);
}

/* Count the free frames and the movable in-use frames of a pageblock. False
 * when the pageblock is not wholly inside the zone. */
static bool count_pageblock(struct kernel *k, const struct zone *z, uint64_t start_pfn,
			    uint64_t *free_pages, uint64_t *movable_pages)
{
	*free_pages = *movable_pages = 0;
	if (!zone_spans_pfn(z, start_pfn) || !zone_spans_pfn(z, start_pfn + pageblock_nr_pages - 1))
		return false;
	for (uint64_t pfn = start_pfn; pfn < start_pfn + pageblock_nr_pages;) {
		struct page *p = pfn_to_page(k, pfn);
		if (page_test(p, PG_buddy)) {
			*free_pages += 1ULL << page_order(p);
			pfn += 1ULL << page_order(p);
			continue;
		}
		if (page_test(p, PG_lru))
			(*movable_pages)++;
		pfn++;
	}
	return true;
}

/*
 * Take the free block page (order cur, of fallback type block_type) for an
 * allocation of type start_mt and order order. A block of pageblock size or
 * more changes type outright; a smaller one claims its whole pageblock when
 * at least half of it is free or compatible; otherwise only the pages taken
 * change hands (Linux: steal_suitable_fallback).
 */
static struct page *steal_suitable_fallback(struct kernel *k, struct zone *z, struct page *page,
					    unsigned cur, unsigned order,
					    enum migratetype start_mt, bool whole_block, unsigned alloc_flags)
{
	uint64_t pfn = page_to_pfn(k, page);
	enum migratetype block_type = get_pfnblock_migratetype(z, pfn);
	uint64_t free_pages, movable_pages, alike;

	if (block_type == MIGRATE_HIGHATOMIC)
		goto single_page;
	if (cur >= pageblock_order) {
		del_page_from_free_list(k, z, page, cur, block_type);
		account_freepages(z, -(1L << cur), block_type);
		change_pageblock_range(z, pfn, cur, start_mt);
		expand(k, z, pfn, order, cur, start_mt);
		return page;
	}
	/* Boost the watermarks so that kswapd reclaims and fewer allocations
	 * fall back; wake it now, as the node may be balanced overall. */
	if (boost_watermark(k, z) && (alloc_flags & ALLOC_KSWAPD))
		z->boosted_watermark = true;
	uint64_t start_pfn = pfn & ~(pageblock_nr_pages - 1);
	if (!whole_block || !count_pageblock(k, z, start_pfn, &free_pages, &movable_pages))
		goto single_page;
	if (start_mt == MIGRATE_MOVABLE)
		alike = movable_pages;
	else if (block_type == MIGRATE_MOVABLE)
		alike = pageblock_nr_pages - (free_pages + movable_pages);
	else
		alike = 0;
	if (free_pages + alike >= (1UL << (pageblock_order - 1))) {
		move_freepages_block(k, z, start_pfn, block_type, start_mt);
		return __rmqueue_smallest(k, z, order, start_mt);
	}
single_page:
	page_del_and_expand(k, z, page, order, cur, block_type);
	return page;
}

/*
 * Steal a block from another migratetype (Linux: __rmqueue_fallback). Prefer
 * the largest block, which best approximates the emptiest pageblock; but a
 * movable allocation that cannot claim a whole pageblock takes the smallest,
 * to fragment less. With ALLOC_NOFRAGMENT only whole pageblocks are stolen.
 */
static struct page *__rmqueue_fallback(struct kernel *k, struct zone *z, unsigned order,
				       enum migratetype start_mt, unsigned alloc_flags)
{
	unsigned min_order = (alloc_flags & ALLOC_NOFRAGMENT) && order < pageblock_order
				     ? pageblock_order : order;
	bool can_steal = false;
	int fmt = -1;
	int cur;

	for (cur = MAX_PAGE_ORDER; cur >= (int)min_order; cur--) {
		fmt = find_suitable_fallback(z, (unsigned)cur, start_mt, &can_steal);
		if (fmt >= 0)
			break;
	}
	if (fmt < 0)
		return NULL;
	if (!can_steal && start_mt == MIGRATE_MOVABLE && (unsigned)cur > order) {
		for (cur = (int)order; cur < NR_PAGE_ORDERS; cur++) {
			fmt = find_suitable_fallback(z, (unsigned)cur, start_mt, &can_steal);
			if (fmt >= 0)
				break;
		}
	}
	struct page *page = get_page_from_free_area(k, z, (unsigned)cur, (enum migratetype)fmt);
	return steal_suitable_fallback(k, z, page, (unsigned)cur, order, start_mt, can_steal, alloc_flags);
}

/* Take a block of 2^order frames of type mt from the buddy lists of z. */
static struct page *__rmqueue(struct kernel *k, struct zone *z, unsigned order,
			      enum migratetype mt, unsigned alloc_flags)
{
	struct page *page = __rmqueue_smallest(k, z, order, mt);
	if (!page)
		page = __rmqueue_fallback(k, z, order, mt, alloc_flags);
	return page;
}

/* See page_alloc_internal.h. */
uint64_t __isolate_free_page(struct kernel *k, struct page *page, unsigned order)
{
	uint64_t pfn = page_to_pfn(k, page);
	struct zone *z = pfn_zone(k, pfn);
	enum migratetype mt = get_pfnblock_migratetype(z, pfn);

	if (mt != MIGRATE_ISOLATE &&
	    !zone_watermark_ok(z, 0, z->_watermark[WMARK_MIN] + (1ULL << order), ZONE_DMA, 0))
		return 0;
	del_page_from_free_list(k, z, page, order, mt);
	account_freepages(z, -(1L << order), mt);
	if (order >= pageblock_order - 1)
		for (uint64_t p = pfn; p < pfn + (1ULL << order); p += pageblock_nr_pages) {
			enum migratetype bt = get_pfnblock_migratetype(z, p);
			if (bt < MIGRATE_PCPTYPES && bt != MIGRATE_MOVABLE)
				move_freepages_block(k, z, p & ~(pageblock_nr_pages - 1), bt, MIGRATE_MOVABLE);
		}
	return 1ULL << order;
}

/* ---- per-CPU lists --------------------------------------------------------- */

static struct per_cpu_pages *this_pcp(struct kernel *k, struct zone *z)
{
	return &z->per_cpu_pageset[k->this_cpu];
}

/* See page_alloc_internal.h. */
uint64_t zone_pcp_count(const struct kernel *k, const struct zone *z)
{
	uint64_t n = 0;
	for (int c = 0; c < k->nr_cpus; c++)
		n += (uint64_t)z->per_cpu_pageset[c].count;
	return n;
}

/* Refill a per-CPU list with up to batch order-0 pages (Linux: rmqueue_bulk).
 * Returns how many were added. */
static int rmqueue_bulk(struct kernel *k, struct zone *z, struct per_cpu_pages *pcp,
			enum migratetype mt, unsigned alloc_flags)
{
	int n;
	for (n = 0; n < pcp->batch; n++) {
		struct page *page = __rmqueue(k, z, 0, mt, alloc_flags);
		if (!page)
			break;
		page_set(page, PG_pcp);
		page_list_add_tail(k, &pcp->lists[mt], page);
	}
	pcp->count += n;
	return n;
}

/* Give count pages from the tails (the coldest) of pcp's lists back to the
 * buddy allocator, taking from each list in turn (Linux: free_pcppages_bulk). */
static void free_pcppages_bulk(struct kernel *k, struct zone *z, struct per_cpu_pages *pcp,
			       int count)
{
	int mt = 0;
	while (count > 0 && pcp->count > 0) {
		struct page *page = page_list_last(k, &pcp->lists[mt]);
		if (!page) {
			mt = (mt + 1) % MIGRATE_PCPTYPES;
			continue;
		}
		uint64_t pfn = page_to_pfn(k, page);
		page_list_del(k, &pcp->lists[mt], page);
		page_clear(page, PG_pcp);
		pcp->count--;
		count--;
		__free_one_page(k, z, pfn, 0, get_pfnblock_migratetype(z, pfn), FPI_NONE);
		mt = (mt + 1) % MIGRATE_PCPTYPES;
	}
}

/* An order-0 page from this CPU's list, refilled from the buddy when empty. */
static struct page *rmqueue_pcplist(struct kernel *k, struct zone *z, enum migratetype mt,
				    unsigned alloc_flags)
{
	struct per_cpu_pages *pcp = this_pcp(k, z);
	struct page_list *l = &pcp->lists[mt];

	if (page_list_empty(l) && !rmqueue_bulk(k, z, pcp, mt, alloc_flags))
		return NULL;
	struct page *page = page_list_first(k, l);
	page_list_del(k, l, page);
	page_clear(page, PG_pcp);
	pcp->count--;
	return page;
}

/* See gfp.h. */
void drain_local_pages(struct kernel *k, struct zone *zone)
{
	for_each_online_node(k, nid) {
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			struct zone *z = &k->node_data[nid]->node_zones[zi];
			if ((zone && z != zone) || !populated_zone(z))
				continue;
			struct per_cpu_pages *pcp = this_pcp(k, z);
			free_pcppages_bulk(k, z, pcp, pcp->count);
		}
	}
}

/* See gfp.h. The simulated kernel runs one CPU at a time, so draining another
 * CPU's lists from here is what the IPI-driven drain would do there. */
void drain_all_pages(struct kernel *k, struct zone *zone)
{
	int cpu = k->this_cpu;
	for (int c = 0; c < k->nr_cpus; c++) {
		k->this_cpu = c;
		drain_local_pages(k, zone);
	}
	k->this_cpu = cpu;
}

/* ---- watermarks ------------------------------------------------------------ */

/*
 * Would z still be above mark (plus the reserve kept for allocations that
 * could have used a higher zone) after taking 2^order frames, and does it
 * have a free block of that order? (Linux: __zone_watermark_ok.) Callers with
 * ALLOC_MIN_RESERVE / ALLOC_NON_BLOCK / ALLOC_OOM may go deeper.
 */
int zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark,
		      enum zone_type highest_zoneidx, unsigned alloc_flags)
{
	int64_t free_pages = (int64_t)zone_page_state(z, NR_FREE_PAGES);
	int64_t min = (int64_t)mark;

	free_pages -= (1L << order) - 1;
	if (alloc_flags & ALLOC_RESERVES) {
		if (alloc_flags & ALLOC_MIN_RESERVE) {
			min -= min / 2;
			if (alloc_flags & ALLOC_NON_BLOCK)
				min -= min / 4;
		}
		if (alloc_flags & ALLOC_OOM)
			min -= min / 2;
	}
	if (free_pages <= min + z->lowmem_reserve[highest_zoneidx])
		return 0;
	if (!order)
		return 1;
	for (unsigned o = order; o < NR_PAGE_ORDERS; o++) {
		if (!z->free_area[o].nr_free)
			continue;
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (!free_area_empty(z, o, (enum migratetype)mt))
				return 1;
		if ((alloc_flags & (ALLOC_HIGHATOMIC | ALLOC_OOM)) &&
		    !free_area_empty(z, o, MIGRATE_HIGHATOMIC))
			return 1;
	}
	return 0;
}

/* ---- allocation ------------------------------------------------------------ */

/* See gfp.h. */
enum zone_type gfp_zone(gfp_t gfp)
{
	if (gfp & __GFP_DMA)
		return ZONE_DMA;
	if (gfp & __GFP_DMA32)
		return ZONE_DMA32;
	return ZONE_NORMAL;
}

/* Count an allocation as Linux's zone_statistics does: one NUMA event per
 * request, pgalloc_<zone> per page. A hit when z is on the preferred
 * node, else a miss on z and a foreign on the preferred zone; local when
 * z is on the allocating CPU's node, else other. */
static void count_alloc(struct kernel *k, struct zone *z, unsigned order, const struct alloc_context *ac)
{
	int nid = zone_to_nid(z);
	if (nid == zone_to_nid(ac->preferred)) {      /* the first zone the allocation may use */
		z->numa_stat[NUMA_HIT]++;
	} else {
		z->numa_stat[NUMA_MISS]++;
		ac->preferred->numa_stat[NUMA_FOREIGN]++;
	}
	z->numa_stat[nid == numa_node_id(k) ? NUMA_LOCAL : NUMA_OTHER]++;
	k->vm_events[pgalloc_event[z->idx]] += 1ULL << order;
}

/* Take 2^order frames from z: order 0 through the per-CPU list. */
static struct page *rmqueue(struct kernel *k, struct zone *z, unsigned order,
			    enum migratetype mt, unsigned alloc_flags, const struct alloc_context *ac)
{
	struct page *page = order == 0 ? rmqueue_pcplist(k, z, mt, alloc_flags)
				       : __rmqueue(k, z, order, mt, alloc_flags);
	if (page)
		count_alloc(k, z, order, ac);
	if ((alloc_flags & ALLOC_KSWAPD) && z->boosted_watermark) {
		z->boosted_watermark = false;
		wakeup_kswapd(k, z, 0, 0, z->idx);
	}
	return page;
}

/* First-pass flags: with Normal and DMA32 both present, first try not to
 * fragment Normal's pageblocks (Linux: alloc_flags_nofragment). */
static unsigned alloc_flags_nofragment(struct kernel *k, const struct zone *preferred, gfp_t gfp)
{
	unsigned flags = gfp & __GFP_KSWAPD_RECLAIM;
	if (preferred && preferred->idx == ZONE_NORMAL &&
	    populated_zone(&preferred->zone_pgdat->node_zones[ZONE_DMA32]))
		flags |= ALLOC_NOFRAGMENT;
	(void)k;
	return flags;
}

/* May the allocation described by ac use zone z (its index, its node)? */
static bool zone_allowed(const struct zone *z, const struct alloc_context *ac)
{
	return z->idx <= ac->highest && (!ac->nodemask || node_isset(zone_to_nid(z), *ac->nodemask));
}

/*
 * Set up ac for an allocation preferring node nid (Linux:
 * prepare_alloc_pages, first_zones_zonelist): its zonelist (only the
 * node's own zones with __GFP_THISNODE), the first zone of it the
 * allocation may use, and the highest zone index any node offers up to
 * gfp's zone. False when no zone qualifies.
 */
static bool prepare_alloc_pages(struct kernel *k, gfp_t gfp, int nid, const nodemask_t *nodemask,
				struct alloc_context *ac)
{
	enum zone_type limit = gfp_zone(gfp);
	ac->preferred_nid = nid;
	ac->nodemask = nodemask;
	ac->zonelist = &k->node_data[nid]->node_zonelists[gfp & __GFP_THISNODE ? ZONELIST_NOFALLBACK
										    : ZONELIST_FALLBACK];
	ac->highest = limit;
	ac->preferred = NULL;
	enum zone_type top = ZONE_DMA;
	for (struct zone **zr = ac->zonelist->_zonerefs; *zr; zr++)
		if (zone_allowed(*zr, ac)) {
			if (!ac->preferred)
				ac->preferred = *zr;
			if ((*zr)->idx > top)
				top = (*zr)->idx;
		}
	ac->highest = top;
	return ac->preferred != NULL;
}

/*
 * Walk the zonelist and take the block from the first zone the
 * allocation may use whose watermark allows it (Linux:
 * get_page_from_freelist). A first pass with ALLOC_NOFRAGMENT that would
 * leave the preferred node is retried on it without ALLOC_NOFRAGMENT
 * first (fragmenting locally beats going remote).
 */
static struct page *get_page_from_freelist(struct kernel *k, gfp_t gfp, unsigned order,
					   unsigned alloc_flags, const struct alloc_context *ac)
{
	enum migratetype mt = gfp_migratetype(gfp);
	int local = zone_to_nid(ac->preferred);

retry:
	for (struct zone **zr = ac->zonelist->_zonerefs; *zr; zr++) {
		struct zone *z = *zr;
		if (!zone_allowed(z, ac))
			continue;
		if ((alloc_flags & ALLOC_NOFRAGMENT) && zone_to_nid(z) != local) {
			alloc_flags &= ~ALLOC_NOFRAGMENT;
			goto retry;
		}
		if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
		    !zone_watermark_ok(z, order, wmark_pages(z, alloc_flags & ALLOC_WMARK_MASK),
				       ac->highest, alloc_flags))
			continue;
		struct page *page = rmqueue(k, z, order, mt, alloc_flags, ac);
		if (page)
			return page;
	}
	if (alloc_flags & ALLOC_NOFRAGMENT) {
		alloc_flags &= ~ALLOC_NOFRAGMENT;
		goto retry;
	}
	return NULL;
}

/* Wake kswapd for the zones an allocation may use: the highest of each
 * node in the zonelist (Linux: wake_all_kswapds). */
static void wake_all_kswapds(struct kernel *k, gfp_t gfp, unsigned order, const struct alloc_context *ac)
{
	struct pglist_data *last = NULL;
	for (struct zone **zr = ac->zonelist->_zonerefs; *zr; zr++) {
		struct zone *z = *zr;
		if (!zone_allowed(z, ac) || z->zone_pgdat == last)
			continue;
		last = z->zone_pgdat;
		wakeup_kswapd(k, z, gfp, (int)order, ac->highest);
	}
}

/* Slow-path flags from gfp (Linux: gfp_to_alloc_flags). */
static unsigned gfp_to_alloc_flags(gfp_t gfp, unsigned order)
{
	unsigned flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;

	flags |= gfp & (__GFP_HIGH | __GFP_KSWAPD_RECLAIM);
	if (!(gfp & __GFP_DIRECT_RECLAIM)) {
		if (!(gfp & __GFP_NOMEMALLOC)) {
			flags |= ALLOC_NON_BLOCK;
			if (order > 0)
				flags |= ALLOC_HIGHATOMIC;
		}
		if (flags & ALLOC_MIN_RESERVE)
			flags &= ~ALLOC_CPUSET;
	}
	return flags;
}

static const enum vm_event_item allocstall_event[MAX_NR_ZONES] = {
	ALLOCSTALL_DMA, ALLOCSTALL_DMA32, ALLOCSTALL_NORMAL, ALLOCSTALL_MOVABLE, ALLOCSTALL_DEVICE
};

/* Report an allocation that failed (Linux: warn_alloc). */
static void warn_alloc(struct kernel *k, gfp_t gfp, unsigned order)
{
	char buf[256];
	if (gfp & __GFP_NOWARN)
		return;
	printk(k, "mmsim: page allocation failure: order:%u, mode:%#x(%s), nodemask=(null)",
	       order, gfp, gfp_format(gfp, buf, sizeof buf));
}

/*
 * Direct reclaim (Linux: __alloc_pages_direct_reclaim): ask the reclaim hook
 * for memory, then try again; on a miss, drain every CPU's per-CPU lists
 * once and try again. *progress says whether the hook freed anything. This
 * is where swap-out and page-cache reclaim plug in (k->reclaim).
 */
static struct page *__alloc_pages_direct_reclaim(struct kernel *k, gfp_t gfp, unsigned order,
						 unsigned alloc_flags, const struct alloc_context *ac, bool *progress)
{
	k->vm_events[allocstall_event[ac->highest]]++;
	*progress = k->reclaim && k->reclaim(k, gfp, order) > 0;
	if (!*progress)
		return NULL;
	struct page *page = get_page_from_freelist(k, gfp, order, alloc_flags, ac);
	if (!page) {
		drain_all_pages(k, NULL);
		page = get_page_from_freelist(k, gfp, order, alloc_flags, ac);
	}
	return page;
}

/*
 * Direct compaction (Linux: __alloc_pages_direct_compact): compact the
 * zones the allocation may use, then try again. Counts compact_stall, and
 * compact_success or compact_fail by whether the allocation then got its
 * block; *result is compaction's result (COMPACT_SKIPPED for order 0,
 * which compaction cannot help).
 */
static struct page *__alloc_pages_direct_compact(struct kernel *k, gfp_t gfp, unsigned order,
						 unsigned alloc_flags, const struct alloc_context *ac,
						 enum compact_priority prio, enum compact_result *result)
{
	*result = COMPACT_SKIPPED;
	if (!order)
		return NULL;
	struct task_struct *cur = k->current;
	unsigned saved = cur ? cur->flags : 0;
	if (cur)
		cur->flags |= PF_MEMALLOC;            /* memalloc_noreclaim_save */
	*result = try_to_compact_pages(k, gfp, order, alloc_flags, (int)ac->highest, prio);
	if (cur)
		cur->flags = (cur->flags & ~PF_MEMALLOC) | (saved & PF_MEMALLOC);
	if (*result == COMPACT_SKIPPED)
		return NULL;
	k->vm_events[COMPACTSTALL]++;
	struct page *page = get_page_from_freelist(k, gfp, order, alloc_flags, ac);
	if (page) {
		compaction_defer_reset(page_zone(k, page), (int)order, true);
		k->vm_events[COMPACTSUCCESS]++;
		return page;
	}
	k->vm_events[COMPACTFAIL]++;
	return NULL;
}

/*
 * Reclaim has failed: kill something (Linux: __alloc_pages_may_oom). One
 * last try at the high watermark first, to catch memory freed meanwhile;
 * then not for costly orders, __GFP_RETRY_MAYFAIL or __GFP_THISNODE, nor
 * for allocations limited to the low zones. *progress is set when the OOM
 * killer did something worth a retry. A __GFP_NOFAIL allocation then gets
 * the reserves without watermarks.
 */
static struct page *__alloc_pages_may_oom(struct kernel *k, gfp_t gfp, unsigned order,
					  const struct alloc_context *ac, bool *progress)
{
	struct oom_control oc = { .gfp_mask = gfp, .order = (int)order };
	struct page *page;

	*progress = false;
	page = get_page_from_freelist(k, (gfp | __GFP_HARDWALL) & ~__GFP_DIRECT_RECLAIM, order,
				      ALLOC_WMARK_HIGH | ALLOC_CPUSET, ac);
	if (page || order > PAGE_ALLOC_COSTLY_ORDER || (gfp & (__GFP_RETRY_MAYFAIL | __GFP_THISNODE)) ||
	    gfp_zone(gfp) < ZONE_NORMAL)
		return page;
	/* Linux also counts __GFP_NOFAIL as progress and loops for ever; only
	 * a kill is progress here, so a hopeless allocation ends. */
	*progress = out_of_memory(k, &oc);
	if (gfp & __GFP_NOFAIL)
		page = get_page_from_freelist(k, gfp, order, ALLOC_NO_WATERMARKS, ac);
	return page;
}

/* Is compacting again worth it (Linux: should_compact_retry)? A
 * compaction that made a block the allocation then missed is retried up
 * to MAX_COMPACT_RETRIES times (a quarter of that for costly orders); one
 * that failed is retried at a higher priority, down to synchronous. One
 * skipped for lack of free memory is not (Linux asks whether reclaimable
 * memory could make up the watermark: compaction_zonelist_suitable). */
static bool should_compact_retry(unsigned order, enum compact_result result, enum compact_priority *prio,
				 int *retries)
{
	if (!order || result == COMPACT_SKIPPED)
		return false;
	if (result == COMPACT_SUCCESS &&
	    ++*retries <= (order > PAGE_ALLOC_COSTLY_ORDER ? MAX_COMPACT_RETRIES / 4 : MAX_COMPACT_RETRIES))
		return true;
	enum compact_priority min = order > PAGE_ALLOC_COSTLY_ORDER ? MIN_COMPACT_COSTLY_PRIORITY : MIN_COMPACT_PRIORITY;
	if (*prio > min) {
		(*prio)--;
		*retries = 0;
		return true;
	}
	return false;
}

/* The reserves a request may use whatever its watermark (Linux:
 * __gfp_pfmemalloc_flags): all of them with __GFP_MEMALLOC or for reclaim
 * (PF_MEMALLOC), a part
 * (ALLOC_OOM) for an OOM victim, so that it can exit. */
static unsigned gfp_pfmemalloc_flags(const struct kernel *k, gfp_t gfp)
{
	if (gfp & __GFP_NOMEMALLOC)
		return 0;
	if (gfp & __GFP_MEMALLOC)
		return ALLOC_NO_WATERMARKS;
	if (k->current && (k->current->flags & PF_MEMALLOC))
		return ALLOC_NO_WATERMARKS;    /* reclaim itself (kswapd, direct reclaim) */
	if (k->current && tsk_is_oom_victim(k->current))
		return ALLOC_OOM;
	return 0;
}

/*
 * The slow path (Linux: __alloc_pages_slowpath): retry at the min watermark
 * with whatever reserves the flags grant; then, for callers that may
 * reclaim, direct reclaim while it makes progress; then the OOM killer,
 * and again from the top as long as it kills. What is left fails, and is
 * reported.
 */
static struct page *alloc_pages_slowpath(struct kernel *k, gfp_t gfp, unsigned order,
					 const struct alloc_context *ac)
{
	unsigned alloc_flags = gfp_to_alloc_flags(gfp, order);
	bool progress, costly = order > PAGE_ALLOC_COSTLY_ORDER;
	int reclaim_rounds = 0, compaction_retries = 0;
	enum compact_priority compact_priority = DEF_COMPACT_PRIORITY;
	enum compact_result compact_result;
	struct page *page;

	if (alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(k, gfp, order, ac);
	page = get_page_from_freelist(k, gfp, order, alloc_flags, ac);
	if (page)
		return page;
	/* A costly or unmovable high-order request compacts first: there
	 * may be enough free pages, only scattered. */
	if ((gfp & __GFP_DIRECT_RECLAIM) && (costly || (order && gfp_migratetype(gfp) != MIGRATE_MOVABLE)) &&
	    !gfp_pfmemalloc_flags(k, gfp)) {
		page = __alloc_pages_direct_compact(k, gfp, order, alloc_flags, ac, INIT_COMPACT_PRIORITY,
						    &compact_result);
		if (page)
			return page;
		if (costly && (gfp & __GFP_NORETRY)) {
			/* THP faults and the like: no reclaim when compaction
			 * could not even start, and stay asynchronous */
			if (compact_result == COMPACT_SKIPPED || compact_result == COMPACT_DEFERRED)
				goto nopage;
			compact_priority = INIT_COMPACT_PRIORITY;
		}
	}
retry:
	if (alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(k, gfp, order, ac);
	unsigned reserve_flags = gfp_pfmemalloc_flags(k, gfp);
	if (reserve_flags)
		alloc_flags = reserve_flags | (alloc_flags & ALLOC_KSWAPD);
	page = get_page_from_freelist(k, gfp, order, alloc_flags, ac);
	if (page)
		return page;
	if (!(gfp & __GFP_DIRECT_RECLAIM))
		goto nopage;
	if (k->current && (k->current->flags & PF_MEMALLOC))
		goto nopage;                   /* reclaim is running: no recursion */
	page = __alloc_pages_direct_reclaim(k, gfp, order, alloc_flags, ac, &progress);
	if (page)
		return page;
	page = __alloc_pages_direct_compact(k, gfp, order, alloc_flags, ac, compact_priority, &compact_result);
	if (page)
		return page;
	if ((gfp & __GFP_NORETRY) || (costly && !(gfp & __GFP_RETRY_MAYFAIL)))
		goto nopage;
	if (progress && ++reclaim_rounds < MAX_RECLAIM_RETRIES)      /* should_reclaim_retry */
		goto retry;
	if (progress && should_compact_retry(order, compact_result, &compact_priority, &compaction_retries))
		goto retry;
	page = __alloc_pages_may_oom(k, gfp, order, ac, &progress);
	if (page)
		return page;
	if (k->current && tsk_is_oom_victim(k->current) &&
	    ((alloc_flags & ALLOC_OOM) || (gfp & __GFP_NOMEMALLOC)))
		goto nopage;                   /* the victim had its reserves */
	if (progress) {
		reclaim_rounds = 0;
		goto retry;
	}
nopage:
	if (gfp & __GFP_NOFAIL)
		kernel_bug(k, "__GFP_NOFAIL allocation of order %u failed: nothing left to reclaim", order);
	warn_alloc(k, gfp, order);
	return NULL;
}

/* Make a freshly taken block ready for its user (Linux: prep_new_page):
 * one reference, its order remembered, zeroed or made compound on request. */
static void prep_new_page(struct kernel *k, struct page *page, unsigned order, gfp_t gfp)
{
	page->flags = order << PAGE_ORDER_SHIFT;
	page->_refcount = 1;
	page->mapcount = 0;
	page->private = 0;
	page->mapping = 0;
	if (gfp & __GFP_ZERO) {              /* clear_page, through this core's caches */
		memset(page_address(k, page), 0, PAGE_SIZE << order);
		kmem_ref(k, page_address(k, page), PAGE_SIZE << order, true, "clear_page");
	}
	if ((gfp & __GFP_COMP) && order) {
		page_set(page, PG_head);
		for (uint64_t i = 1; i < (1ULL << order); i++) {
			struct page *t = page + i;
			memset(t, 0, sizeof *t);
			t->flags = 1u << PG_tail;
			t->private = (uint32_t)i;
		}
	}
}

/* See gfp.h. */
struct page *__alloc_pages(struct kernel *k, gfp_t gfp, unsigned order, int nid, const nodemask_t *nodemask)
{
	if (order > MAX_PAGE_ORDER) {
		if (!(gfp & __GFP_NOWARN))
			kernel_bug(k, "alloc_pages: order %u is above MAX_PAGE_ORDER (%d)", order,
				   MAX_PAGE_ORDER);
		return NULL;
	}
	if ((gfp & (__GFP_DMA | __GFP_DMA32)) == (__GFP_DMA | __GFP_DMA32) ||
	    (gfp & ~__GFP_BITS_MASK)) {
		kernel_bug(k, "alloc_pages: invalid gfp mask %#x", gfp);
		return NULL;
	}
	struct alloc_context ac;
	if (!prepare_alloc_pages(k, gfp, nid, nodemask, &ac)) {
		warn_alloc(k, gfp, order);
		return NULL;
	}
	unsigned alloc_flags = ALLOC_WMARK_LOW | alloc_flags_nofragment(k, ac.preferred, gfp);
	struct page *page = get_page_from_freelist(k, gfp, order, alloc_flags, &ac);
	if (!page)
		page = alloc_pages_slowpath(k, gfp, order, &ac);
	if (page)
		prep_new_page(k, page, order, gfp);
	return page;
}

/* See gfp.h. For a task with a memory policy, the policy decides
 * (Linux: alloc_pages_noprof, get_task_policy). */
struct page *alloc_pages(struct kernel *k, gfp_t gfp, unsigned order)
{
	if (k->current && k->current->mempolicy && !(gfp & __GFP_THISNODE))
		return alloc_pages_mpol(k, gfp, order, task_policy(k, k->current), NO_INTERLEAVE_INDEX, numa_node_id(k));
	return __alloc_pages(k, gfp, order, numa_node_id(k), NULL);
}

/* See gfp.h. */
struct page *alloc_pages_node(struct kernel *k, int nid, gfp_t gfp, unsigned order)
{
	return __alloc_pages(k, gfp, order, nid < 0 ? numa_node_id(k) : nid, NULL);
}

/* See gfp.h. */
struct page *alloc_page(struct kernel *k, gfp_t gfp)
{
	return alloc_pages(k, gfp, 0);
}

/* See gfp.h. */
void *__get_free_pages(struct kernel *k, gfp_t gfp, unsigned order)
{
	struct page *page = alloc_pages(k, gfp & ~__GFP_HIGHMEM, order);
	return page ? page_address(k, page) : NULL;
}

/* ---- freeing ---------------------------------------------------------------- */

/* Why freeing 2^order frames at pfn would be wrong, or NULL when it is fine
 * (Linux: free_page_is_bad and free_tail_page_prepare, made total). */
static const char *bad_free_reason(struct kernel *k, uint64_t pfn, unsigned order)
{
	if (!pfn_valid(k, pfn))
		return "pfn outside RAM";
	if (pfn_reserved(k, pfn))
		return "freeing a reserved frame";
	if (order > MAX_PAGE_ORDER || (pfn & ((1ULL << order) - 1)))
		return "order out of range or block misaligned";
	struct page *p = pfn_to_page(k, pfn);
	if (page_test(p, PG_buddy) || page_test(p, PG_pcp))
		return "double free: frame is already free";
	if (page_test(p, PG_tail))
		return "freeing a tail page of a compound page";
	if (p->_refcount <= 0)
		return "freeing a frame that is not allocated";
	if (page_order(p) != order)
		return "freeing with an order other than the allocation's";
	if (page_test(p, PG_slab))
		return "freeing a slab page through the page allocator";
	if (p->mapcount)
		return "freeing a frame that is still mapped";
	return NULL;
}

/* Undo prep_new_page: drop the compound tails and every flag. */
static void free_pages_prepare(struct kernel *k, struct page *page, unsigned order)
{
	if (page_test(page, PG_head))
		for (uint64_t i = 1; i < (1ULL << order); i++)
			memset(page + i, 0, sizeof *page);
	page->flags = 0;
	page->mapping = 0;
	page->private = 0;
	(void)k;
}

/* Free order-0 page to this CPU's list, giving a batch back when it grows
 * past high (Linux: free_unref_page). Isolated pageblocks bypass the cache. */
static void free_unref_page(struct kernel *k, struct zone *z, struct page *page)
{
	uint64_t pfn = page_to_pfn(k, page);
	enum migratetype mt = get_pfnblock_migratetype(z, pfn);

	if (mt >= MIGRATE_PCPTYPES) {
		if (mt == MIGRATE_ISOLATE) {
			__free_one_page(k, z, pfn, 0, mt, FPI_NONE);
			return;
		}
		mt = MIGRATE_MOVABLE;
	}
	struct per_cpu_pages *pcp = this_pcp(k, z);
	page_set(page, PG_pcp);
	page_list_add(k, &pcp->lists[mt], page);
	pcp->count++;
	if (pcp->count >= pcp->high)
		free_pcppages_bulk(k, z, pcp, pcp->high < pcp->batch ? 1 : pcp->batch);
}

/* Return a block whose last reference is gone to the allocator. */
static void free_frozen_pages(struct kernel *k, struct page *page, unsigned order)
{
	uint64_t pfn = page_to_pfn(k, page);
	struct zone *z = pfn_zone(k, pfn);

	if (page->flags & ((1u << PG_lru) | (1u << PG_mlocked)))
		__page_cache_release(k, page);      /* Linux: __folio_put's release */
	if (page_test(page, PG_head))
		folio_undo_large_rmappable(k, page);
	mem_cgroup_uncharge(k, page);
	free_pages_prepare(k, page, order);
	k->vm_events[PGFREE] += 1ULL << order;
	if (order == 0)
		free_unref_page(k, z, page);
	else
		__free_one_page(k, z, pfn, order, get_pfnblock_migratetype(z, pfn), FPI_NONE);
}

/* See gfp.h. A reference that is not the last just goes; the checks of a
 * free apply when the last one does. */
int __free_pages(struct kernel *k, struct page *page, unsigned order)
{
	uint64_t pfn = (uint64_t)(page - k->mem_map);
	if (pfn_valid(k, pfn) && page->_refcount > 1 &&
	    !(page->flags & ((1u << PG_buddy) | (1u << PG_pcp) | (1u << PG_tail)))) {
		page->_refcount--;
		return 0;
	}
	const char *why = bad_free_reason(k, pfn, order);

	if (why) {
		kernel_bug(k, "Bad page state: pfn:%05" PRIx64 " order:%u: %s", pfn, order, why);
		return -EINVAL;
	}
	if (--page->_refcount == 0)
		free_frozen_pages(k, page, order);
	return 0;
}

/* See gfp.h. */
int free_pages(struct kernel *k, void *addr, unsigned order)
{
	if (!virt_addr_valid(k, addr)) {
		kernel_bug(k, "free_pages: %p is not in the direct map", addr);
		return -EINVAL;
	}
	if (virt_to_phys(k, addr) % PAGE_SIZE) {
		kernel_bug(k, "free_pages: %#" PRIx64 " is not page aligned", kaddr(k, addr));
		return -EINVAL;
	}
	return __free_pages(k, virt_to_page(k, addr), order);
}

/* See gfp.h. A page of a compound page counts in its head, as a folio's
 * references do on Linux. */
void get_page(struct page *page)
{
	compound_head(page)->_refcount++;
}

/* See gfp.h. */
int put_page(struct kernel *k, struct page *page)
{
	page = compound_head(page);
	if (folio_test_hugetlb(page)) {                 /* Linux: free_huge_folio, from __folio_put */
		if (page->_refcount <= 0) {
			kernel_bug(k, "Bad page state: hugetlb pfn:%05" PRIx64 " is already free",
				   page_to_pfn(k, page));
			return -EINVAL;
		}
		if (--page->_refcount == 0)
			free_huge_folio(k, page);
		return 0;
	}
	if (page_test(page, PG_head))
		return __free_pages(k, page, page_order(page));
	return __free_pages(k, page, 0);
}

/* ---- contiguous ranges ------------------------------------------------------------ */

/* Would the pageblock at pfn keep a page migration cannot move: anything
 * allocated that is not an order-0 page on an LRU (Linux:
 * has_unmovable_pages)? */
static bool has_unmovable_pages(struct kernel *k, uint64_t pfn)
{
	for (uint64_t p = pfn; p < pfn + pageblock_nr_pages; p++) {
		struct page *page = pfn_to_page(k, p);
		if (page_test(page, PG_buddy)) {
			p += (1ULL << page_order(page)) - 1;
			continue;
		}
		if (page_test(page, PG_pcp) || (page_test(page, PG_lru) && !page_test(page, PG_head)))
			continue;
		if (page_ref_count(page) || pfn_reserved(k, p))
			return true;
	}
	return false;
}

/* Give the pageblocks of [start, end) back their type mt (Linux:
 * undo_isolate_page_range). */
static void undo_isolate_page_range(struct kernel *k, struct zone *z, uint64_t start, uint64_t end,
				    enum migratetype mt)
{
	for (uint64_t pfn = start; pfn < end; pfn += pageblock_nr_pages)
		if (get_pfnblock_migratetype(z, pfn) == MIGRATE_ISOLATE)
			move_freepages_block(k, z, pfn, MIGRATE_ISOLATE, mt);
}

/* Make the pageblocks of [start, end) MIGRATE_ISOLATE, their free blocks
 * on the isolate lists, so that nothing allocates from them; -EBUSY when
 * one holds a page that cannot move (Linux: start_isolate_page_range). */
static int start_isolate_page_range(struct kernel *k, struct zone *z, uint64_t start, uint64_t end)
{
	for (uint64_t pfn = start; pfn < end; pfn += pageblock_nr_pages) {
		enum migratetype mt = get_pfnblock_migratetype(z, pfn);
		if (mt == MIGRATE_ISOLATE || has_unmovable_pages(k, pfn)) {
			undo_isolate_page_range(k, z, start, pfn, MIGRATE_MOVABLE);
			return -EBUSY;
		}
		move_freepages_block(k, z, pfn, mt, MIGRATE_ISOLATE);
	}
	return 0;
}

/* Migrate every movable page of [start, end) out of it (Linux:
 * __alloc_contig_migrate_range). 0, or -EBUSY when some would not move. */
static int __alloc_contig_migrate_range(struct kernel *k, uint64_t start, uint64_t end)
{
	for (int pass = 0; pass < 5; pass++) {
		struct page_list l;
		unsigned isolated = 0;
		page_list_init(&l);
		for (uint64_t pfn = start; pfn < end; pfn++) {
			struct page *page = pfn_to_page(k, pfn);
			if (page_test(page, PG_lru) && isolate_folio_to_list(k, page, &l))
				isolated++;
		}
		if (!isolated)
			return 0;
		int rc = migrate_pages(k, &l, alloc_migration_target, NULL, 0, MIGRATE_SYNC, MR_CONTIG_RANGE, NULL);
		putback_movable_pages(k, &l);
		if (rc < 0)
			return rc;
	}
	return -EBUSY;
}

/* Take the free blocks covering [start, end) off the isolate lists, giving
 * back the parts of a block outside the range; false when a frame of the
 * range is not free (Linux: test_pages_isolated and
 * isolate_freepages_range). */
static bool take_isolated_range(struct kernel *k, struct zone *z, uint64_t start, uint64_t end)
{
	uint64_t pfn = start & ~((1ULL << MAX_PAGE_ORDER) - 1);
	for (uint64_t p = pfn; p < end;) {          /* test_pages_isolated */
		struct page *page = pfn_to_page(k, p);
		if (!page_test(page, PG_buddy))
			return false;
		p += 1ULL << page_order(page);
	}
	while (pfn < end) {
		struct page *page = pfn_to_page(k, pfn);
		unsigned order = page_order(page);
		uint64_t next = pfn + (1ULL << order);
		del_page_from_free_list(k, z, page, order, MIGRATE_ISOLATE);
		for (uint64_t p = pfn; p < next;) {       /* the parts outside the range go back */
			if (p >= start && p < end) {
				p = end < next ? end : next;
				continue;
			}
			uint64_t stop = p < start && start < next ? start : next;
			unsigned o = free_chunk_order(p, stop);
			__free_one_page(k, z, p, o, MIGRATE_ISOLATE, FPI_TO_TAIL);
			p += 1ULL << o;
		}
		pfn = next;
	}
	return true;
}

/* Bring the deferred max-order blocks below end onto the free list, as
 * the lazy initialisation would when the list runs dry (they are counted
 * as free already). */
static void deferred_init_upto(struct kernel *k, struct zone *z, uint64_t end)
{
	while (z->deferred_pfn < z->deferred_end && z->deferred_pfn < end) {
		struct page *page = pfn_to_page(k, z->deferred_pfn);
		z->deferred_pfn += 1ULL << MAX_PAGE_ORDER;
		page->flags = (1u << PG_buddy) | (MAX_PAGE_ORDER << PAGE_ORDER_SHIFT);
		page_list_add_tail(k, &z->free_area[MAX_PAGE_ORDER].free_list[MIGRATE_MOVABLE], page);
	}
}

/* See gfp.h. */
int alloc_contig_range(struct kernel *k, uint64_t start, uint64_t end, enum migratetype mt, gfp_t gfp)
{
	struct zone *z = start < end ? pfn_zone(k, start) : NULL;
	uint64_t iso_start = start & ~((1ULL << MAX_PAGE_ORDER) - 1);
	uint64_t iso_end = (end + (1ULL << MAX_PAGE_ORDER) - 1) & ~((1ULL << MAX_PAGE_ORDER) - 1);

	if (!z || !zone_spans_pfn(z, iso_start) || !zone_spans_pfn(z, iso_end - 1))
		return -EINVAL;
	deferred_init_upto(k, z, iso_end);
	int err = start_isolate_page_range(k, z, iso_start, iso_end);
	if (err)
		return err;
	drain_all_pages(k, z);                    /* per-CPU pages of the range go to the isolate lists */
	err = __alloc_contig_migrate_range(k, start, end);
	if (!err) {
		drain_all_pages(k, z);
		if (!take_isolated_range(k, z, start, end))
			err = -EBUSY;
	}
	undo_isolate_page_range(k, z, iso_start, iso_end, mt);
	if (err)
		return err;
	for (uint64_t pfn = start; pfn < end; pfn++) {
		struct page *page = pfn_to_page(k, pfn);
		memset(page, 0, sizeof *page);
		page->_refcount = 1;
		if (gfp & __GFP_ZERO)
			memset(page_address(k, page), 0, PAGE_SIZE);
	}
	k->vm_events[pgalloc_event[z->idx]] += end - start;
	return 0;
}

/* See gfp.h. */
void free_contig_range(struct kernel *k, uint64_t pfn, uint64_t nr_pages)
{
	for (uint64_t i = 0; i < nr_pages; i++)
		__free_pages(k, pfn_to_page(k, pfn + i), 0);
}

/* Could [start, start + nr) be allocated whole: in one zone, nothing of it
 * reserved, deferred or unmovable (Linux: pfn_range_valid_contig)? */
static bool pfn_range_valid_contig(struct kernel *k, struct zone *z, uint64_t start, uint64_t nr)
{
	if (!zone_spans_pfn(z, start) || !zone_spans_pfn(z, start + nr - 1))
		return false;
	for (uint64_t pfn = start; pfn < start + nr && pfn < z->deferred_pfn; pfn += pageblock_nr_pages)
		if (pfn_reserved(k, pfn) || has_unmovable_pages(k, pfn))
			return false;
	return true;
}

/* See gfp.h. */
struct page *alloc_contig_pages(struct kernel *k, uint64_t nr_pages, gfp_t gfp)
{
	uint64_t align = nr_pages;
	while (align & (align - 1))
		align &= align - 1;                   /* the largest power of two in it */
	for_each_online_node(k, nid)
	for (int zi = (int)gfp_zone(gfp); zi >= 0; zi--) {
		struct zone *z = &k->node_data[nid]->node_zones[zi];
		if (!populated_zone(z))
			continue;
		uint64_t pfn = (z->zone_start_pfn + align - 1) & ~(align - 1);
		for (; pfn + nr_pages <= zone_end_pfn(z); pfn += align)
			if (pfn_range_valid_contig(k, z, pfn, nr_pages) &&
			    !alloc_contig_range(k, pfn, pfn + nr_pages, MIGRATE_MOVABLE, gfp))
				return pfn_to_page(k, pfn);
	}
	return NULL;
}

