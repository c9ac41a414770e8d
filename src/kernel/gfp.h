/*
 * kernel/gfp.h — GFP flags and the page allocator's interface.
 *
 * Flag bits are Linux 6.x's (include/linux/gfp_types.h), so GFP_KERNEL is
 * 0xcc0 and a "mode:" printed in an allocation-failure report reads as on
 * Linux. The allocator itself is kernel/page_alloc.c.
 */
#ifndef MMSIM_KERNEL_GFP_H
#define MMSIM_KERNEL_GFP_H

#include <stdint.h>

#include "kernel/mmzone.h"

typedef uint32_t gfp_t;

#define __GFP_DMA             0x01u
#define __GFP_HIGHMEM         0x02u
#define __GFP_DMA32           0x04u
#define __GFP_MOVABLE         0x08u
#define __GFP_RECLAIMABLE     0x10u
#define __GFP_HIGH            0x20u
#define __GFP_IO              0x40u
#define __GFP_FS              0x80u
#define __GFP_ZERO            0x100u
#define __GFP_DIRECT_RECLAIM  0x400u
#define __GFP_KSWAPD_RECLAIM  0x800u
#define __GFP_WRITE           0x1000u
#define __GFP_NOWARN          0x2000u
#define __GFP_RETRY_MAYFAIL   0x4000u
#define __GFP_NOFAIL          0x8000u
#define __GFP_NORETRY         0x10000u
#define __GFP_MEMALLOC        0x20000u
#define __GFP_COMP            0x40000u
#define __GFP_NOMEMALLOC      0x80000u
#define __GFP_HARDWALL        0x100000u
#define __GFP_THISNODE        0x200000u
#define __GFP_ACCOUNT         0x400000u
#define __GFP_ZEROTAGS        0x800000u
#define __GFP_SKIP_ZERO       0x1000000u
#define __GFP_SKIP_KASAN      0x2000000u
#define __GFP_BITS_MASK       0x3ffffffu

#define __GFP_RECLAIM         (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define GFP_ATOMIC            (__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL            (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_KERNEL_ACCOUNT    (GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_NOWAIT            (__GFP_KSWAPD_RECLAIM | __GFP_NOWARN)
#define GFP_NOIO              (__GFP_RECLAIM)
#define GFP_NOFS              (__GFP_RECLAIM | __GFP_IO)
#define GFP_USER              (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_DMA               __GFP_DMA
#define GFP_DMA32             __GFP_DMA32
#define GFP_HIGHUSER          (GFP_USER | __GFP_HIGHMEM)
/* Linux adds __GFP_SKIP_KASAN, which is 0 without KASAN_HW_TAGS (x86-64). */
#define GFP_HIGHUSER_MOVABLE  (GFP_HIGHUSER | __GFP_MOVABLE)

struct kernel;

/* The zone an allocation may use at most (Linux: gfp_zone). DMA and DMA32
 * together are invalid; the allocator rejects that mix. */
enum zone_type gfp_zone(gfp_t gfp);

/* The migratetype of an allocation (Linux: gfp_migratetype). */
static inline enum migratetype gfp_migratetype(gfp_t gfp)
{
	if (gfp & __GFP_MOVABLE)
		return MIGRATE_MOVABLE;
	if (gfp & __GFP_RECLAIMABLE)
		return MIGRATE_RECLAIMABLE;
	return MIGRATE_UNMOVABLE;
}

/*
 * Allocate 2^order contiguous frames. Returns the first frame's struct page
 * with a reference held, or NULL when no zone allowed by gfp can satisfy the
 * request without dropping below its watermark (failures are logged unless
 * __GFP_NOWARN). __GFP_ZERO clears the frames; __GFP_COMP makes a compound
 * page. The order is remembered so that a free with another order is caught.
 */
struct page *alloc_pages(struct kernel *k, gfp_t gfp, unsigned order);

/* NUMA placement (Linux: __alloc_pages, alloc_pages_node). alloc_pages
 * prefers the node of the CPU the kernel runs on (numa_node_id: first
 * touch); these prefer node nid (alloc_pages_node: the local node when
 * nid < 0) and fall back to the other nodes by distance, unless gfp has
 * __GFP_THISNODE; __alloc_pages takes only nodes of nodemask (NULL: any).
 * Each request counts numa_hit or numa_miss (and numa_foreign on the
 * preferred node), numa_local or numa_other. */
struct page *__alloc_pages(struct kernel *k, gfp_t gfp, unsigned order, int nid, const nodemask_t *nodemask);
struct page *alloc_pages_node(struct kernel *k, int nid, gfp_t gfp, unsigned order);

/* alloc_pages for order 0. */
struct page *alloc_page(struct kernel *k, gfp_t gfp);

/*
 * Drop a reference to pages from alloc_pages; the last one frees them, to
 * this CPU's per-CPU list for order 0 and to the buddy lists otherwise.
 * Returns 0, or -EINVAL after logging a "Bad page state" report when page is
 * not an allocated block of that order (a double free, a frame never
 * allocated, a wrong order, a tail page, a reserved frame): nothing is
 * changed then.
 */
int __free_pages(struct kernel *k, struct page *page, unsigned order);

/* Kernel-virtual versions (Linux: __get_free_pages, free_pages): the address
 * is a host pointer into the direct map. */
void *__get_free_pages(struct kernel *k, gfp_t gfp, unsigned order);
int free_pages(struct kernel *k, void *addr, unsigned order);

/* Take and drop references (Linux: get_page, put_page for order 0). */
void get_page(struct page *page);
int put_page(struct kernel *k, struct page *page);

/* Give this CPU's (or every CPU's) per-CPU pages of a zone back to the buddy
 * lists; zone NULL means every zone. */
void drain_local_pages(struct kernel *k, struct zone *zone);
void drain_all_pages(struct kernel *k, struct zone *zone);

/*
 * The reclaim hook: called by the allocator's slow path when a zone is below
 * its watermark and the caller may reclaim (__GFP_DIRECT_RECLAIM). Returns the
 * number of pages it freed. The default reclaims nothing; swap and page-cache
 * reclaim plug in here.
 */
typedef uint64_t (*reclaim_fn)(struct kernel *k, gfp_t gfp, unsigned order);

/* The smallest nonzero vm.percpu_pagelist_high_fraction (Linux:
 * MIN_PERCPU_PAGELIST_HIGH_FRACTION). */
#define MIN_PERCPU_PAGELIST_HIGH_FRACTION 8

/* Recompute watermarks and lowmem reserves, e.g. after vm.min_free_kbytes
 * changed (Linux: setup_per_zone_wmarks + setup_per_zone_lowmem_reserve). */
void setup_per_zone_wmarks(struct kernel *k);

/* Free pages a zone's watermark test would count, for order and mark. */
int zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark,
		      enum zone_type highest_zoneidx, unsigned alloc_flags);

/*
 * Allocate the frames [start, end) whatever they hold now (Linux:
 * alloc_contig_range, for gigantic huge pages and CMA): the pageblocks
 * around them (to MAX_PAGE_ORDER) are isolated so that nothing else
 * allocates there, the movable pages in the range migrate out, and the
 * free range is taken; the pageblocks then get type mt. Each frame comes
 * back as an order-0 page with one reference (free them with
 * free_contig_range). 0, -EINVAL (not inside one zone), -EBUSY (a page
 * that cannot move: a kernel page, a huge page, a pinned page), -ENOMEM
 * (no frame to migrate to).
 */
int alloc_contig_range(struct kernel *k, uint64_t start, uint64_t end, enum migratetype mt, gfp_t gfp);
void free_contig_range(struct kernel *k, uint64_t pfn, uint64_t nr_pages);

/* Find and allocate nr_pages contiguous frames, aligned to the largest
 * power of two in nr_pages, in the zones gfp allows (Linux:
 * alloc_contig_pages). NULL when no range could be had. */
struct page *alloc_contig_pages(struct kernel *k, uint64_t nr_pages, gfp_t gfp);

/* "GFP_KERNEL|__GFP_ZERO" for gfp, into buf (Linux's %pGg). */
const char *gfp_format(gfp_t gfp, char *buf, unsigned size);

/* Parse "GFP_KERNEL|__GFP_ZERO" (names as in gfp.h; also a number). Returns 0
 * or -EINVAL when a name is unknown. */
int gfp_parse(const char *s, gfp_t *out);

#endif
