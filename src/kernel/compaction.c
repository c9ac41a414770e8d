/*
 * kernel/compaction.c — memory compaction (Linux: mm/compaction.c). See
 * compaction.h.
 */
#include "kernel/compaction.h"

#include "kernel/kernel.h"
#include "kernel/page_alloc_internal.h"
#include "kernel/page_list.h"
#include "kernel/sched.h"
#include "kernel/trace.h"
#include "kernel/vmstat.h"

#include <errno.h>

/* ---- deferral ------------------------------------------------------------------- */

/* See compaction.h. */
void defer_compaction(struct zone *zone, int order)
{
	zone->compact_considered = 0;
	if (zone->compact_defer_shift < COMPACT_MAX_DEFER_SHIFT)
		zone->compact_defer_shift++;
	if (order < zone->compact_order_failed)
		zone->compact_order_failed = order;
}

/* See compaction.h. */
bool compaction_deferred(struct zone *zone, int order)
{
	unsigned defer_limit = 1u << zone->compact_defer_shift;
	if (order < zone->compact_order_failed)
		return false;
	if (++zone->compact_considered >= defer_limit) {
		zone->compact_considered = defer_limit;
		return false;
	}
	return true;
}

/* See compaction.h. */
void compaction_defer_reset(struct zone *zone, int order, bool alloc_success)
{
	if (alloc_success) {
		zone->compact_considered = 0;
		zone->compact_defer_shift = 0;
	}
	if (order >= zone->compact_order_failed)
		zone->compact_order_failed = order + 1;
}

/* Restarting after the longest deferral (Linux: compaction_restarting). */
static bool compaction_restarting(struct zone *zone, int order)
{
	return order >= zone->compact_order_failed && zone->compact_defer_shift == COMPACT_MAX_DEFER_SHIFT &&
	       zone->compact_considered >= 1u << zone->compact_defer_shift;
}

/* Forget where the scanners stopped (Linux: reset_cached_positions). */
static void reset_cached_positions(struct zone *zone)
{
	zone->compact_cached_migrate_pfn[0] = zone->compact_cached_migrate_pfn[1] = zone->zone_start_pfn;
	zone->compact_cached_free_pfn = (zone_end_pfn(zone) - 1) & ~(pageblock_nr_pages - 1);
}

/* ---- the free scanner ----------------------------------------------------------- */

/* The pageblock [start, end) lies in the zone and has a first frame that
 * exists (Linux: pageblock_pfn_to_page). */
static bool pageblock_in_zone(struct kernel *k, const struct zone *z, uint64_t start, uint64_t end)
{
	return start >= z->zone_start_pfn && end <= zone_end_pfn(z) && !pfn_reserved(k, start) &&
	       !(start >= z->deferred_pfn && start < z->deferred_end);
}

/* May free pages of the pageblock at pfn be taken as migration targets:
 * a movable pageblock that is not itself a free block at least as large
 * as what is sought (Linux: suitable_migration_target). */
static bool suitable_migration_target(struct compact_control *cc, uint64_t pfn)
{
	struct page *page = pfn_to_page(cc->k, pfn);
	if (page_test(page, PG_buddy) && page_order(page) >= (unsigned)(cc->order > 0 ? cc->order : pageblock_order))
		return false;
	return cc->ignore_block_suitable || get_pfnblock_migratetype(cc->zone, pfn) == MIGRATE_MOVABLE;
}

/* Isolate the free blocks of [*start, end), split into order-0 pages onto
 * cc->freepages, until there are as many as pages to migrate; *start
 * becomes where it stopped (Linux: isolate_freepages_block). */
static uint64_t isolate_freepages_block(struct compact_control *cc, uint64_t *start, uint64_t end)
{
	struct kernel *k = cc->k;
	uint64_t pfn = *start, scanned = 0, isolated = 0;

	while (pfn < end) {
		struct page *page = pfn_to_page(k, pfn);
		scanned++;
		if (!page_test(page, PG_buddy)) {
			pfn++;
			continue;
		}
		unsigned order = page_order(page);
		if (!__isolate_free_page(k, page, order))
			break;
		for (uint64_t i = 0; i < 1ULL << order; i++)
			page_list_add_tail(k, &cc->freepages, page + i);
		scanned += (1ULL << order) - 1;
		isolated += 1ULL << order;
		cc->nr_freepages += 1ULL << order;
		pfn += 1ULL << order;
		if (cc->nr_migratepages <= cc->nr_freepages)
			break;
	}
	*start = pfn < end ? pfn : end;
	cc->total_free_scanned += scanned;
	k->vm_events[COMPACTISOLATED] += isolated;
	return isolated;
}

/* Walk the pageblocks down from the free scanner's position to the
 * migration scanner's pageblock, isolating free pages from suitable ones
 * (Linux: isolate_freepages, without its fast free-list search). */
static void isolate_freepages(struct compact_control *cc)
{
	struct zone *z = cc->zone;
	uint64_t isolate_start = cc->free_pfn;
	uint64_t block_start = isolate_start & ~(pageblock_nr_pages - 1);
	uint64_t block_end = block_start + pageblock_nr_pages < zone_end_pfn(z) ? block_start + pageblock_nr_pages
										: zone_end_pfn(z);
	uint64_t low_pfn = (cc->migrate_pfn + pageblock_nr_pages) & ~(pageblock_nr_pages - 1);

	for (; block_start >= low_pfn && block_start + pageblock_nr_pages > block_start;
	     block_end = block_start, block_start -= pageblock_nr_pages, isolate_start = block_start) {
		if (!pageblock_in_zone(cc->k, z, block_start, block_end) ||
		    !suitable_migration_target(cc, block_start))
			continue;
		isolate_freepages_block(cc, &isolate_start, block_end);
		if (cc->nr_freepages >= cc->nr_migratepages) {
			if (isolate_start >= block_end)
				isolate_start = block_start - pageblock_nr_pages;
			break;
		}
		if (isolate_start < block_end)
			break;                  /* isolation failed early: the watermark */
		if (block_start < pageblock_nr_pages)
			break;
	}
	cc->free_pfn = isolate_start;
}

/* The migration target for src: an isolated free page, isolating more
 * when none is left (Linux: compaction_alloc). */
static struct page *compaction_alloc(struct kernel *k, struct page *src, unsigned long data)
{
	struct compact_control *cc = (struct compact_control *)data;
	(void)src;
	if (page_list_empty(&cc->freepages))
		isolate_freepages(cc);
	struct page *page = page_list_first(k, &cc->freepages);
	if (!page)
		return NULL;
	page_list_del(k, &cc->freepages, page);
	page->flags = 0;                      /* post_alloc_hook: a new order-0 page */
	page->_refcount = 1;
	page->mapcount = 0;
	page->private = 0;
	page->mapping = 0;
	cc->nr_freepages--;
	cc->nr_migratepages--;
	return page;
}

/* A target migration did not use goes back to the isolated list (Linux:
 * compaction_free). */
static void compaction_free(struct kernel *k, struct page *dst, unsigned long data)
{
	struct compact_control *cc = (struct compact_control *)data;
	if (--dst->_refcount == 0) {
		dst->flags = 0;
		page_list_add(k, &cc->freepages, dst);
		cc->nr_freepages++;
	}
	cc->nr_migratepages++;
}

/* Give the isolated free pages left back to the allocator; returns the
 * highest pfn among them, 0 for none (Linux: release_free_list). */
static uint64_t release_free_list(struct compact_control *cc)
{
	struct kernel *k = cc->k;
	uint64_t high = 0;
	while (!page_list_empty(&cc->freepages)) {
		struct page *page = page_list_first(k, &cc->freepages);
		page_list_del(k, &cc->freepages, page);
		if (page_to_pfn(k, page) > high)
			high = page_to_pfn(k, page);
		page->flags = 0;
		page->_refcount = 1;
		__free_pages(k, page, 0);
	}
	cc->nr_freepages = 0;
	return high;
}

/* ---- the migration scanner -------------------------------------------------------- */

/* May pages of the pageblock at pfn be moved away: any pageblock for a
 * synchronous or background compaction, else only those of the
 * allocation's own type (Linux: suitable_migration_source). */
static bool suitable_migration_source(struct compact_control *cc, uint64_t pfn)
{
	if (cc->mode != MIGRATE_ASYNC || !cc->direct_compaction)
		return true;
	return get_pfnblock_migratetype(cc->zone, pfn) == cc->migratetype;
}

/* Isolate the movable pages of [low, end): pages on an LRU, order 0 (a
 * compound page is stepped over whole), unevictable ones only when
 * vm.compact_unevictable_allowed; stop after COMPACT_CLUSTER_MAX unless
 * the pageblock is to be finished (Linux: isolate_migratepages_block). */
static void isolate_migratepages_block(struct compact_control *cc, uint64_t low, uint64_t end)
{
	struct kernel *k = cc->k;
	uint64_t scanned = 0, isolated = 0;

	for (; low < end; low++) {
		struct page *page = pfn_to_page(k, low);
		scanned++;
		if (page_test(page, PG_buddy)) {
			low += (1ULL << page_order(page)) - 1;
			continue;
		}
		if (page_test(page, PG_head)) {
			low += (1ULL << page_order(page)) - 1;
			continue;
		}
		if (!page_test(page, PG_lru) || page_test(page, PG_tail))
			continue;
		if (page_test(page, PG_unevictable) && !k->sysctl.compact_unevictable_allowed)
			continue;
		if (!isolate_folio_to_list(k, page, &cc->migratepages))
			continue;
		cc->nr_migratepages++;
		isolated++;
		if (cc->nr_migratepages >= COMPACT_CLUSTER_MAX && !cc->finish_pageblock) {
			low++;
			break;
		}
	}
	cc->migrate_pfn = low;
	cc->total_migrate_scanned += scanned;
	k->vm_events[COMPACTISOLATED] += isolated;
}

/* Isolate a batch from the next suitable pageblock at or above the
 * migration scanner; true when pages were isolated (Linux:
 * isolate_migratepages, without its fast search). */
static bool isolate_migratepages(struct compact_control *cc)
{
	struct zone *z = cc->zone;
	uint64_t low = cc->migrate_pfn > z->zone_start_pfn ? cc->migrate_pfn : z->zone_start_pfn;
	uint64_t block_start = low & ~(pageblock_nr_pages - 1);
	uint64_t block_end = block_start + pageblock_nr_pages;

	if (block_start < z->zone_start_pfn)
		block_start = z->zone_start_pfn;
	for (; block_end <= cc->free_pfn;
	     cc->migrate_pfn = low = block_end, block_start = block_end, block_end += pageblock_nr_pages) {
		if (!pageblock_in_zone(cc->k, z, block_start, block_end) || !suitable_migration_source(cc, block_start))
			continue;
		isolate_migratepages_block(cc, low, block_end);
		break;
	}
	return cc->nr_migratepages > 0;
}

/* ---- one zone ---------------------------------------------------------------------- */

static bool compact_scanners_met(const struct compact_control *cc)
{
	return cc->free_pfn >> pageblock_order <= cc->migrate_pfn >> pageblock_order;
}

/* A zone's score, weighted by its share of the node (Linux:
 * fragmentation_score_zone_weighted). */
static unsigned fragmentation_score_zone_weighted(const struct zone *z)
{
	return (unsigned)(z->present_pages * extfrag_for_order(z, COMPACTION_HPAGE_ORDER) /
			  (z->zone_pgdat->node_present_pages + 1));
}

/* See compaction.h. */
unsigned fragmentation_score_node(struct pglist_data *pgdat)
{
	unsigned score = 0;
	for (int zi = 0; zi < MAX_NR_ZONES; zi++)
		if (populated_zone(&pgdat->node_zones[zi]))
			score += fragmentation_score_zone_weighted(&pgdat->node_zones[zi]);
	return score;
}

/* The score proactive compaction brings the node under (low) and the one
 * that starts it (high) (Linux: fragmentation_score_wmark). */
static unsigned fragmentation_score_wmark(const struct kernel *k, bool low)
{
	unsigned wmark_low = 100u - (unsigned)k->sysctl.compaction_proactiveness;
	if (wmark_low < 5)
		wmark_low = 5;
	return low ? wmark_low : (wmark_low + 10 < 100 ? wmark_low + 10 : 100);
}

/* Is compaction of cc's zone done (Linux: __compact_finished)? */
static enum compact_result compact_finished(struct compact_control *cc)
{
	struct zone *z = cc->zone;
	if (compact_scanners_met(cc)) {
		reset_cached_positions(z);
		return cc->whole_zone ? COMPACT_COMPLETE : COMPACT_PARTIAL_SKIPPED;
	}
	if (cc->proactive_compaction)
		return extfrag_for_order(z, COMPACTION_HPAGE_ORDER) > fragmentation_score_wmark(cc->k, true)
		       ? COMPACT_CONTINUE : COMPACT_SUCCESS;
	if (cc->order < 0)
		return COMPACT_CONTINUE;
	if (cc->migrate_pfn & (pageblock_nr_pages - 1))
		return COMPACT_CONTINUE;      /* finish the pageblock: fewer fallbacks later */
	for (unsigned o = (unsigned)cc->order; o < NR_PAGE_ORDERS; o++) {
		bool can_steal;
		if (!free_area_empty(z, o, cc->migratetype) || find_suitable_fallback(z, o, cc->migratetype, &can_steal) >= 0)
			return COMPACT_SUCCESS;
	}
	return COMPACT_CONTINUE;
}

/* Is a block of the order free already (success), or compaction not
 * worth it (skipped) (Linux: compaction_suit_allocation_order)? */
static enum compact_result compaction_suit_allocation_order(struct kernel *k, struct zone *z, int order,
							    int highest_zoneidx, unsigned alloc_flags)
{
	if (zone_watermark_ok(z, (unsigned)order, wmark_pages(z, alloc_flags & ALLOC_WMARK_MASK),
			      (enum zone_type)highest_zoneidx, alloc_flags))
		return COMPACT_SUCCESS;
	return compaction_suitable(k, z, order, highest_zoneidx) ? COMPACT_CONTINUE : COMPACT_SKIPPED;
}

/* See compaction.h. */
bool compaction_suitable(struct kernel *k, struct zone *z, int order, int highest_zoneidx)
{
	uint64_t watermark = order > PAGE_ALLOC_COSTLY_ORDER ? wmark_pages(z, WMARK_LOW) : wmark_pages(z, WMARK_MIN);
	watermark += 2ULL << order;                                    /* compact_gap */
	if (!zone_watermark_ok(z, 0, watermark, (enum zone_type)highest_zoneidx, 0))
		return false;
	if (order > PAGE_ALLOC_COSTLY_ORDER) {
		int fragindex = fragmentation_index(z, (unsigned)order);
		if (fragindex >= 0 && fragindex <= k->sysctl.extfrag_threshold)
			return false;
	}
	return true;
}

/* Where the scanners start: the zone's ends for a whole-zone run, else
 * where the last run stopped (Linux: the set-up of compact_zone). */
static void compact_zone_start(struct compact_control *cc)
{
	struct zone *z = cc->zone;
	uint64_t start = z->zone_start_pfn, end = zone_end_pfn(z);
	uint64_t last_block = (end - 1) & ~(pageblock_nr_pages - 1);
	bool sync = cc->mode != MIGRATE_ASYNC;

	if (cc->whole_zone) {
		cc->migrate_pfn = start;
		cc->free_pfn = last_block;
		return;
	}
	cc->migrate_pfn = z->compact_cached_migrate_pfn[sync];
	cc->free_pfn = z->compact_cached_free_pfn;
	if (cc->free_pfn < start || cc->free_pfn >= end)
		cc->free_pfn = z->compact_cached_free_pfn = last_block;
	if (cc->migrate_pfn < start || cc->migrate_pfn >= end)
		cc->migrate_pfn = z->compact_cached_migrate_pfn[0] = z->compact_cached_migrate_pfn[1] = start;
	if (cc->migrate_pfn == start)
		cc->whole_zone = true;
}

/* Remember where the scanners stopped for the next run. */
static void compact_zone_end(struct compact_control *cc)
{
	struct zone *z = cc->zone;
	uint64_t free_pfn = release_free_list(cc);
	if (free_pfn) {
		free_pfn &= ~(pageblock_nr_pages - 1);
		if (free_pfn > z->compact_cached_free_pfn)
			z->compact_cached_free_pfn = free_pfn;
	}
	if (!compact_scanners_met(cc)) {
		z->compact_cached_migrate_pfn[cc->mode != MIGRATE_ASYNC] = cc->migrate_pfn;
		if (cc->free_pfn < z->compact_cached_free_pfn)
			z->compact_cached_free_pfn = cc->free_pfn & ~(pageblock_nr_pages - 1);
	}
	cc->k->vm_events[COMPACTMIGRATE_SCANNED] += cc->total_migrate_scanned;
	cc->k->vm_events[COMPACTFREE_SCANNED] += cc->total_free_scanned;
}

/* See compaction.h. */
enum compact_result compact_zone(struct compact_control *cc)
{
	struct kernel *k = cc->k;
	struct zone *z = cc->zone;
	enum compact_result ret;
	uint64_t last_migrated_pfn = 0;

	page_list_init(&cc->freepages);
	page_list_init(&cc->migratepages);
	cc->nr_freepages = cc->nr_migratepages = 0;
	cc->total_migrate_scanned = cc->total_free_scanned = 0;
	cc->migratetype = gfp_migratetype(cc->gfp_mask);
	if (cc->order >= 0) {
		ret = compaction_suit_allocation_order(k, z, cc->order, cc->highest_zoneidx, cc->alloc_flags);
		if (ret != COMPACT_CONTINUE)
			return ret;
	}
	if (compaction_restarting(z, cc->order))
		reset_cached_positions(z);
	compact_zone_start(cc);
	trace_kernel(k, k->this_cpu, "zone %s, order %d: migration scanner from pfn %#llx up, free scanner from %#llx down",
		     z->name, cc->order, (unsigned long long)cc->migrate_pfn, (unsigned long long)cc->free_pfn);
	while ((ret = compact_finished(cc)) == COMPACT_CONTINUE) {
		uint64_t iteration_start = cc->migrate_pfn;
		cc->finish_pageblock = last_migrated_pfn >> pageblock_order == iteration_start >> pageblock_order &&
				       last_migrated_pfn;
		if (isolate_migratepages(cc)) {
			last_migrated_pfn = iteration_start > z->zone_start_pfn ? iteration_start : z->zone_start_pfn;
			unsigned moved = 0;
			int err = migrate_pages(k, &cc->migratepages, compaction_alloc, compaction_free,
						(unsigned long)cc, cc->mode, MR_COMPACTION, &moved);
			cc->nr_migratepages = 0;
			if (err)
				putback_movable_pages(k, &cc->migratepages);
			if (err == -ENOMEM && !compact_scanners_met(cc)) {
				ret = COMPACT_CONTENDED;
				break;
			}
		}
		/* The freed sources sit on this CPU's list: give them back so
		 * they merge and compact_finished sees the block (Linux:
		 * lru_add_drain_cpu_zone when the scanner leaves the block). */
		if (cc->order > 0 && last_migrated_pfn &&
		    last_migrated_pfn < (cc->migrate_pfn & ~((1ULL << cc->order) - 1))) {
			drain_local_pages(k, z);
			last_migrated_pfn = 0;
		}
	}
	drain_local_pages(k, z);
	compact_zone_end(cc);
	trace_kernel(k, k->this_cpu, "zone %s: %llu pages scanned for migration, %llu for free pages: %s", z->name,
		     (unsigned long long)cc->total_migrate_scanned, (unsigned long long)cc->total_free_scanned,
		     ret == COMPACT_SUCCESS ? "a free block of the order" : ret == COMPACT_COMPLETE ? "the whole zone done"
		     : "stopped");
	return ret;
}

/* ---- direct compaction ------------------------------------------------------------ */

/* See compaction.h. */
enum compact_result try_to_compact_pages(struct kernel *k, gfp_t gfp, unsigned order, unsigned alloc_flags,
					 int highest_zoneidx, enum compact_priority prio)
{
	enum compact_result rc = COMPACT_SKIPPED;

	if (!(gfp & __GFP_IO))
		return COMPACT_SKIPPED;                /* gfp_compaction_allowed */
	bool done = false;
	for (int nid = 0; nid < k->nr_online_nodes && !done; nid++)
	for (int zi = highest_zoneidx; zi >= 0; zi--) {
		struct zone *z = &k->node_data[nid]->node_zones[zi];
		if (!populated_zone(z))
			continue;
		if (prio > MIN_COMPACT_PRIORITY && compaction_deferred(z, (int)order)) {
			if (rc < COMPACT_DEFERRED)
				rc = COMPACT_DEFERRED;
			continue;
		}
		struct compact_control cc = {
			.k = k, .order = (int)order, .gfp_mask = gfp, .zone = z,
			.mode = prio == COMPACT_PRIO_ASYNC ? MIGRATE_ASYNC : MIGRATE_SYNC_LIGHT,
			.alloc_flags = alloc_flags, .highest_zoneidx = highest_zoneidx, .direct_compaction = true,
			.whole_zone = prio == MIN_COMPACT_PRIORITY, .ignore_block_suitable = prio == MIN_COMPACT_PRIORITY,
		};
		enum compact_result status = compact_zone(&cc);
		if (status > rc)
			rc = status;
		if (status == COMPACT_SUCCESS) {
			compaction_defer_reset(z, (int)order, false);
			done = true;
			break;
		}
		if (prio != COMPACT_PRIO_ASYNC && (status == COMPACT_COMPLETE || status == COMPACT_PARTIAL_SKIPPED))
			defer_compaction(z, (int)order);
	}
	return rc;
}

/* ---- compact_memory, kcompactd ------------------------------------------------------ */

/* Compact every populated zone of pgdat whole (Linux: compact_node). */
static void compact_node(struct kernel *k, struct pglist_data *pgdat, bool proactive)
{
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &pgdat->node_zones[zi];
		if (!populated_zone(z))
			continue;
		struct compact_control cc = {
			.k = k, .order = -1, .mode = proactive ? MIGRATE_SYNC_LIGHT : MIGRATE_SYNC,
			.whole_zone = true, .gfp_mask = GFP_KERNEL, .proactive_compaction = proactive, .zone = z,
			.highest_zoneidx = zi,
		};
		compact_zone(&cc);
		if (proactive) {
			k->vm_events[KCOMPACTD_MIGRATE_SCANNED] += cc.total_migrate_scanned;
			k->vm_events[KCOMPACTD_FREE_SCANNED] += cc.total_free_scanned;
		}
	}
}

/* See compaction.h. */
void compact_nodes(struct kernel *k)
{
	trace_kernel(k, k->this_cpu, "compact every zone of every node");
	drain_all_pages(k, NULL);
	for_each_online_node(k, nid)
		compact_node(k, k->node_data[nid], false);
}

/* Would compaction for kcompactd's order help a zone (Linux:
 * kcompactd_node_suitable)? */
static bool kcompactd_node_suitable(struct kernel *k, struct pglist_data *pgdat)
{
	for (int zi = 0; zi <= pgdat->kcompactd_highest_zoneidx; zi++) {
		struct zone *z = &pgdat->node_zones[zi];
		if (populated_zone(z) &&
		    compaction_suit_allocation_order(k, z, pgdat->kcompactd_max_order, pgdat->kcompactd_highest_zoneidx,
						     ALLOC_WMARK_MIN) == COMPACT_CONTINUE)
			return true;
	}
	return false;
}

/* See compaction.h. */
void wakeup_kcompactd(struct kernel *k, struct pglist_data *pgdat, int order, int highest_zoneidx)
{
	if (!order)
		return;
	if (pgdat->kcompactd_max_order < order)
		pgdat->kcompactd_max_order = order;
	if (pgdat->kcompactd_highest_zoneidx > highest_zoneidx)
		pgdat->kcompactd_highest_zoneidx = highest_zoneidx;
	if (pgdat->kcompactd_woken || !kcompactd_node_suitable(k, pgdat))
		return;
	pgdat->kcompactd_woken = true;
	k->kcompactd_pending = true;
	trace_kernel(k, k->this_cpu, "wake kcompactd%d for order %d", pgdat->node_id, order);
}

/* See compaction.h. */
void kcompactd_trigger_proactive(struct kernel *k)
{
	if (!k->sysctl.compaction_proactiveness)
		return;
	for_each_online_node(k, nid) {
		k->node_data[nid]->proactive_compact_trigger = true;
		k->kcompactd_pending = true;
	}
}

/* kcompactd's work for a wakeup (Linux: kcompactd_do_work). */
static void kcompactd_do_work(struct kernel *k, struct pglist_data *pgdat)
{
	int order = pgdat->kcompactd_max_order, highest = pgdat->kcompactd_highest_zoneidx;

	k->vm_events[KCOMPACTD_WAKE]++;
	trace_kernel(k, k->this_cpu, "kcompactd%d runs on CPU %d: compact for order %d", pgdat->node_id, k->this_cpu,
		     order);
	for (int zi = 0; zi <= highest; zi++) {
		struct zone *z = &pgdat->node_zones[zi];
		if (!populated_zone(z) || compaction_deferred(z, order) ||
		    compaction_suit_allocation_order(k, z, order, zi, ALLOC_WMARK_MIN) != COMPACT_CONTINUE)
			continue;
		struct compact_control cc = {
			.k = k, .order = order, .highest_zoneidx = highest, .mode = MIGRATE_SYNC_LIGHT,
			.gfp_mask = GFP_KERNEL, .zone = z,
		};
		enum compact_result status = compact_zone(&cc);
		if (status == COMPACT_SUCCESS) {
			compaction_defer_reset(z, order, false);
		} else if (status == COMPACT_PARTIAL_SKIPPED || status == COMPACT_COMPLETE) {
			drain_all_pages(k, z);
			defer_compaction(z, order);
		}
		k->vm_events[KCOMPACTD_MIGRATE_SCANNED] += cc.total_migrate_scanned;
		k->vm_events[KCOMPACTD_FREE_SCANNED] += cc.total_free_scanned;
	}
	if (pgdat->kcompactd_max_order <= order)
		pgdat->kcompactd_max_order = 0;
	if (pgdat->kcompactd_highest_zoneidx >= highest)
		pgdat->kcompactd_highest_zoneidx = MAX_NR_ZONES - 1;
}

/* Proactive compaction, when the node's score is above the high mark
 * and kswapd is not running (Linux: should_proactive_compact_node and
 * kcompactd's timeout branch). */
static void kcompactd_proactive(struct kernel *k, struct pglist_data *pgdat)
{
	unsigned score = fragmentation_score_node(pgdat);
	if (!k->sysctl.compaction_proactiveness || pgdat->kswapd_woken ||
	    score <= fragmentation_score_wmark(k, false))
		return;
	trace_kernel(k, k->this_cpu, "kcompactd%d: fragmentation score %u is above %u: compact proactively",
		     pgdat->node_id, score, fragmentation_score_wmark(k, false));
	compact_node(k, pgdat, true);
}

/* See compaction.h. */
void kcompactd_run_woken(struct kernel *k)
{
	k->kcompactd_pending = false;
	for_each_online_node(k, nid) {
		struct pglist_data *pgdat = k->node_data[nid];
		if (k->panic_reason)
			return;
		if (pgdat->kcompactd_woken) {
			pgdat->kcompactd_woken = false;
			kcompactd_do_work(k, pgdat);
		} else if (pgdat->proactive_compact_trigger) {
			kcompactd_proactive(k, pgdat);
		}
		pgdat->proactive_compact_trigger = false;
	}
}
