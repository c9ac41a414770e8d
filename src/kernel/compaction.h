/*
 * kernel/compaction.h — memory compaction (Linux: include/linux/compaction.h,
 * mm/compaction.c).
 *
 * A zone's free memory can be plentiful yet scattered in small blocks, so
 * that a request for 2^order contiguous frames fails (external
 * fragmentation: /sys/kernel/debug/extfrag). Compaction makes large free
 * blocks by moving pages: a migration scanner walks the zone's pageblocks
 * upward from its start and isolates movable pages (on an LRU); a free
 * scanner walks down from its end and isolates free pages in movable
 * pageblocks; each isolated page migrates (kernel/migrate.h) into a frame
 * of the free scanner's. When the scanners meet, the movable pages sit at
 * the top of the zone and the bottom is free.
 *
 * It runs on four occasions, as on Linux: an allocation of a costly order
 * (above 3), or a high-order one that is not movable, that fails its
 * watermark compacts in its slow path before and after reclaiming (direct
 * compaction: compact_stall, compact_success, compact_fail), deferred for a
 * while after failures; kcompactd, the node's compaction thread, after
 * kswapd balanced the node for a high-order request; proactive compaction
 * by kcompactd while the node's fragmentation score exceeds what
 * vm.compaction_proactiveness allows; and a write of 1 to
 * /proc/sys/vm/compact_memory, which compacts every zone whole.
 */
#ifndef MMSIM_KERNEL_COMPACTION_H
#define MMSIM_KERNEL_COMPACTION_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/gfp.h"
#include "kernel/migrate.h"

struct kernel;
struct zone;
struct pglist_data;

/* How hard direct compaction tries: lower is harder (Linux: enum
 * compact_priority). */
enum compact_priority {
	COMPACT_PRIO_SYNC_FULL,
	MIN_COMPACT_PRIORITY = COMPACT_PRIO_SYNC_FULL,
	COMPACT_PRIO_SYNC_LIGHT,
	MIN_COMPACT_COSTLY_PRIORITY = COMPACT_PRIO_SYNC_LIGHT,
	DEF_COMPACT_PRIORITY = COMPACT_PRIO_SYNC_LIGHT,
	COMPACT_PRIO_ASYNC,
	INIT_COMPACT_PRIORITY = COMPACT_PRIO_ASYNC
};

/* What a compaction achieved, worst to best (Linux: enum compact_result). */
enum compact_result {
	COMPACT_NOT_SUITABLE_ZONE,  /* the failure would be for lack of memory */
	COMPACT_SKIPPED,            /* too little free memory to start */
	COMPACT_DEFERRED,           /* failed recently: not tried */
	COMPACT_NO_SUITABLE_PAGE,   /* (internal) no page yet: continue */
	COMPACT_CONTINUE,
	COMPACT_COMPLETE,           /* the whole zone was scanned, no luck */
	COMPACT_PARTIAL_SKIPPED,    /* the scanners met, part of the zone skipped */
	COMPACT_CONTENDED,
	COMPACT_SUCCESS             /* a block of the order is free */
};

#define COMPACT_CLUSTER_MAX     32       /* pages isolated at a time (SWAP_CLUSTER_MAX) */
#define COMPACT_MAX_DEFER_SHIFT 6
#define COMPACTION_HPAGE_ORDER  9        /* what the fragmentation score measures */

/* One compaction of one zone (Linux: struct compact_control). */
struct compact_control {
	struct kernel *k;
	struct page_list freepages;        /* isolated free pages, order 0 */
	struct page_list migratepages;     /* isolated pages to move */
	uint64_t nr_freepages, nr_migratepages;
	uint64_t free_pfn;                 /* the free scanner, going down */
	uint64_t migrate_pfn;              /* the migration scanner, going up */
	uint64_t total_migrate_scanned, total_free_scanned;
	struct zone *zone;
	gfp_t gfp_mask;
	int order;                         /* -1: compact everything (compact_memory) */
	enum migratetype migratetype;
	unsigned alloc_flags;
	int highest_zoneidx;
	enum migrate_mode mode;
	bool ignore_block_suitable;        /* free pages from any pageblock */
	bool direct_compaction;
	bool proactive_compaction;
	bool whole_zone;
	bool finish_pageblock;             /* scan the migration pageblock to its end */
};

/* Would compacting zone for order be worth it: enough free memory above
 * the watermark (low for costly orders, min otherwise) plus twice the
 * request for the copies, and, for costly orders, a fragmentation index
 * above vm.extfrag_threshold (a failure due to fragmentation, not to lack
 * of memory)? (Linux: compaction_suitable.) */
bool compaction_suitable(struct kernel *k, struct zone *zone, int order, int highest_zoneidx);

/* Deferral after failures (Linux: defer_compaction, compaction_deferred,
 * compaction_defer_reset): after a failure at an order, 1, 2, 4 ... 64
 * later attempts at that order or above are skipped. */
void defer_compaction(struct zone *zone, int order);
bool compaction_deferred(struct zone *zone, int order);
void compaction_defer_reset(struct zone *zone, int order, bool alloc_success);

/* Compact one zone as cc says (Linux: compact_zone). */
enum compact_result compact_zone(struct compact_control *cc);

/* Direct compaction for an allocation of 2^order frames with gfp,
 * alloc_flags and highest_zoneidx, at priority prio, over the zones it may
 * use from the highest down; stops at the first zone where a block of
 * the order became free (Linux: try_to_compact_pages). Returns the best
 * result. */
enum compact_result try_to_compact_pages(struct kernel *k, gfp_t gfp, unsigned order, unsigned alloc_flags,
					 int highest_zoneidx, enum compact_priority prio);

/* A write to /proc/sys/vm/compact_memory: compact every zone of every node
 * whole (Linux: compact_nodes). */
void compact_nodes(struct kernel *k);

/* kswapd balanced pgdat for an order: ask kcompactd to compact for it
 * (Linux: wakeup_kcompactd). It runs at the next return to user mode. */
void wakeup_kcompactd(struct kernel *k, struct pglist_data *pgdat, int order, int highest_zoneidx);

/* vm.compaction_proactiveness was written: kcompactd checks the node's
 * fragmentation score now (Linux: compaction_proactiveness_sysctl_handler
 * sets proactive_compact_trigger). */
void kcompactd_trigger_proactive(struct kernel *k);

/* Run the kcompactd threads that were woken (kernel/vmscan.c calls it
 * with kswapd's, on the CPU returning to user mode). */
void kcompactd_run_woken(struct kernel *k);

/* The node's fragmentation score, 0..100: the zones' extfrag for order 9
 * weighted by their sizes (Linux: fragmentation_score_node). */
unsigned fragmentation_score_node(struct pglist_data *pgdat);

#endif
