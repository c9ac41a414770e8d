/*
 * kernel/mmzone.h — nodes, zones, free areas and per-CPU page lists.
 *
 * As on Linux x86-64: each NUMA node (struct pglist_data) has zones DMA
 * (< 16 MiB), DMA32 (< 4 GiB), Normal, Movable and Device; each zone has a
 * buddy free area per order 0..MAX_PAGE_ORDER with one list per migratetype,
 * pageblocks of order 9 that each carry a migratetype, watermarks, and a
 * per-CPU list of order-0 pages for every core.
 */
#ifndef MMSIM_KERNEL_MMZONE_H
#define MMSIM_KERNEL_MMZONE_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/mm_types.h"

#define MAX_PAGE_ORDER      10
#define NR_PAGE_ORDERS      (MAX_PAGE_ORDER + 1)
#define pageblock_order     9
#define pageblock_nr_pages  (1UL << pageblock_order)
#define MAX_NUMNODES        64      /* == HW_MAX_NODES */
#define PAGE_ALLOC_COSTLY_ORDER 3

/* A set of nodes (Linux: nodemask_t, include/linux/nodemask.h): one bit
 * per node, MAX_NUMNODES fitting one word. */
typedef struct {
	uint64_t bits;
} nodemask_t;

static inline bool node_isset(int nid, nodemask_t m)
{
	return nid >= 0 && nid < MAX_NUMNODES && (m.bits >> nid) & 1;
}

static inline void node_set(int nid, nodemask_t *m)
{
	m->bits |= 1ULL << nid;
}

static inline int nodes_weight(nodemask_t m)
{
	return __builtin_popcountll(m.bits);
}

/* The lowest node of m, MAX_NUMNODES when empty. */
static inline int first_node(nodemask_t m)
{
	return m.bits ? __builtin_ctzll(m.bits) : MAX_NUMNODES;
}

/* The lowest node of m above nid, MAX_NUMNODES when none. */
static inline int next_node(int nid, nodemask_t m)
{
	uint64_t rest = nid + 1 >= MAX_NUMNODES ? 0 : m.bits & (~0ULL << (nid + 1));
	return rest ? __builtin_ctzll(rest) : MAX_NUMNODES;
}

#define for_each_node_mask(nid, m) for (int nid = first_node(m); nid < MAX_NUMNODES; nid = next_node(nid, m))

enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_PCPTYPES,                  /* the types with per-CPU lists */
	MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES,
	MIGRATE_ISOLATE,
	MIGRATE_TYPES
};

enum zone_type {
	ZONE_DMA,
	ZONE_DMA32,
	ZONE_NORMAL,
	ZONE_MOVABLE,
	ZONE_DEVICE,
	MAX_NR_ZONES
};

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, WMARK_PROMO, NR_WMARK };

/* Per-zone counters, in /proc/zoneinfo and /proc/vmstat order. */
enum zone_stat_item {
	NR_FREE_PAGES,
	NR_FREE_PAGES_BLOCKS,      /* free pages in blocks of pageblock_order or more */
	NR_ZONE_INACTIVE_ANON,
	NR_ZONE_ACTIVE_ANON,
	NR_ZONE_INACTIVE_FILE,
	NR_ZONE_ACTIVE_FILE,
	NR_ZONE_UNEVICTABLE,
	NR_ZONE_WRITE_PENDING,
	NR_MLOCK,
	NR_ZSPAGES,
	NR_FREE_CMA_PAGES,
	NR_VM_ZONE_STAT_ITEMS
};

/* NUMA allocation events per zone (Linux: zone_numa_event_state). */
enum numa_stat_item {
	NUMA_HIT, NUMA_MISS, NUMA_FOREIGN, NUMA_INTERLEAVE_HIT, NUMA_LOCAL, NUMA_OTHER,
	NR_VM_NUMA_EVENT_ITEMS
};

/* A doubly linked list of frames, linked through struct page lru_next/prev. */
struct page_list {
	uint32_t head, tail;
};

struct free_area {
	struct page_list free_list[MIGRATE_TYPES];
	uint64_t nr_free;                      /* blocks of this order, all types */
	uint64_t nr_free_mt[MIGRATE_TYPES];    /* blocks per type (pagetypeinfo) */
};

/* Per-CPU order-0 cache of one zone (Linux's struct per_cpu_pages). */
struct per_cpu_pages {
	int count;                 /* pages on the lists */
	int high;                  /* above this, give batch pages back */
	int batch;                 /* refill and drain size */
	int high_min, high_max;    /* Linux 6.7+ bounds, shown in zoneinfo */
	struct page_list lists[MIGRATE_PCPTYPES];
};

struct pglist_data;
struct task_struct;
struct mem_cgroup;

/* The LRU lists reclaim scans (Linux: enum lru_list, without MGLRU): the
 * active and inactive lists of anonymous (swap-backed) and file pages, and
 * the list of pages that cannot be evicted (mlocked). */
enum lru_list {
	LRU_INACTIVE_ANON,
	LRU_ACTIVE_ANON,
	LRU_INACTIVE_FILE,
	LRU_ACTIVE_FILE,
	LRU_UNEVICTABLE,
	NR_LRU_LISTS
};
#define LRU_BASE   0
#define LRU_ACTIVE 1
#define LRU_FILE   2
#define NR_EVICTABLE_LRU_LISTS LRU_UNEVICTABLE
#define for_each_evictable_lru(lru) for (enum lru_list lru = 0; lru <= LRU_ACTIVE_FILE; lru++)

enum { WORKINGSET_ANON, WORKINGSET_FILE, ANON_AND_FILE };

/*
 * A set of LRU lists (Linux: struct lruvec): one per memory cgroup and
 * node, the root cgroup's being the node's own (__lruvec); reclaim walks
 * them as shrink_node_memcgs does. The node's (and zones') NR_*_ANON/FILE
 * counters are the sums of every lruvec's lists, kept by the list
 * operations (swap.c) beside each lruvec's lru_zone_size.
 */
struct lruvec {
	struct page_list lists[NR_LRU_LISTS];
	uint64_t anon_cost, file_cost;     /* reclaim's recent I/O and rotations (lru_note_cost) */
	uint64_t nonresident_age;          /* evictions and activations: workingset's clock */
	uint64_t refaults[ANON_AND_FILE];  /* workingset activations at the last reclaim */
	unsigned long flags;               /* LRUVEC_* */
	struct pglist_data *pgdat;
	struct mem_cgroup *memcg;          /* its memory cgroup (memcontrol.h) */
	uint64_t lru_zone_size[MAX_NR_ZONES][NR_LRU_LISTS];   /* its lists' pages per zone */
};

struct zone {
	struct pglist_data *zone_pgdat;
	const char *name;
	enum zone_type idx;
	uint64_t zone_start_pfn;
	uint64_t spanned_pages;     /* pfns in [start, end) */
	uint64_t present_pages;     /* minus holes */
	uint64_t managed_pages;     /* minus reserved: what the buddy allocator owns */
	uint64_t _watermark[NR_WMARK];
	uint64_t watermark_boost;   /* raised by fallbacks, reclaimed by kswapd */
	bool boosted_watermark;     /* ZONE_BOOSTED_WATERMARK: wake kswapd at the next allocation */
	long lowmem_reserve[MAX_NR_ZONES];
	struct free_area free_area[NR_PAGE_ORDERS];
	/*
	 * Deferred initialisation (Linux: CONFIG_DEFERRED_STRUCT_PAGE_INIT, done
	 * lazily here): max-order Movable blocks [deferred_pfn, deferred_end)
	 * count as free and sit, conceptually, at the tail of their free list;
	 * one is brought onto the list, touching its struct page, only when the
	 * list runs dry. This is what lets an idle 1 TiB machine stay small.
	 */
	uint64_t deferred_pfn, deferred_end;
	int64_t vm_stat[NR_VM_ZONE_STAT_ITEMS];
	uint64_t numa_stat[NR_VM_NUMA_EVENT_ITEMS];
	int stat_threshold;
	struct per_cpu_pages *per_cpu_pageset;   /* one per CPU */
	uint8_t *pageblock_flags;  /* migratetype per pageblock, XOR MIGRATE_MOVABLE */
	/* Compaction (kernel/compaction.c): where its scanners stopped, and
	 * its deferral after failures. */
	uint64_t compact_cached_free_pfn;
	uint64_t compact_cached_migrate_pfn[2];   /* [0] async, [1] sync */
	unsigned compact_considered;
	unsigned compact_defer_shift;
	int compact_order_failed;
};

/* The zones an allocation tries, in order (Linux: struct zonelist): a
 * node's own from its highest zone down, then the other nodes' by
 * distance (ZONELIST_FALLBACK), or the node's own only (ZONELIST_NOFALLBACK,
 * for __GFP_THISNODE). NULL-terminated; only populated zones. */
enum { ZONELIST_FALLBACK, ZONELIST_NOFALLBACK, MAX_ZONELISTS };
struct zonelist {
	struct zone *_zonerefs[MAX_NUMNODES * MAX_NR_ZONES + 1];
};

struct pglist_data {
	int node_id;
	struct zone node_zones[MAX_NR_ZONES];
	uint64_t node_start_pfn;
	uint64_t node_spanned_pages;
	uint64_t node_present_pages;
	int64_t *vm_stat;          /* NR_VM_NODE_STAT_ITEMS entries (vmstat.h) */
	struct lruvec __lruvec;    /* the node's LRU lists */
	/* kswapd (kernel/vmscan.c): woken below a low watermark, it reclaims
	 * until the node is balanced (a zone above its high watermark). */
	struct task_struct *kswapd;
	bool kswapd_wait;          /* asleep, waiting to be woken (waitqueue_active) */
	bool kswapd_woken;         /* woken: runs at the next scheduling point */
	int kswapd_order;
	enum zone_type kswapd_highest_zoneidx;   /* MAX_NR_ZONES: none asked */
	int kswapd_failures;       /* balance_pgdat runs that reclaimed nothing */
	/* kcompactd (kernel/compaction.c): woken by kswapd for a high order. */
	int kcompactd_max_order;
	int kcompactd_highest_zoneidx;
	bool kcompactd_woken;      /* runs at the next scheduling point */
	bool proactive_compact_trigger;   /* vm.compaction_proactiveness was written */
	unsigned long flags;       /* PGDAT_* */
	struct zonelist node_zonelists[MAX_ZONELISTS];   /* build_all_zonelists */
	uint64_t node_managed_pages;   /* its zones' managed pages */
};

static inline uint64_t zone_end_pfn(const struct zone *z)
{
	return z->zone_start_pfn + z->spanned_pages;
}

static inline int populated_zone(const struct zone *z)
{
	return z->present_pages != 0;
}

static inline int zone_spans_pfn(const struct zone *z, uint64_t pfn)
{
	return pfn >= z->zone_start_pfn && pfn < zone_end_pfn(z);
}

static inline uint64_t wmark_pages(const struct zone *z, enum zone_watermarks w)
{
	return z->_watermark[w] + z->watermark_boost;
}

static inline uint64_t zone_page_state(const struct zone *z, enum zone_stat_item i)
{
	return z->vm_stat[i] < 0 ? 0 : (uint64_t)z->vm_stat[i];
}

#endif
