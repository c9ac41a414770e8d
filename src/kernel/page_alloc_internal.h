/*
 * kernel/page_alloc_internal.h — the page allocator's internals shared with
 * boot (mm_init.c), the consistency checker (debug_vm.c) and the /proc views.
 * Linux: mm/internal.h.
 */
#ifndef MMSIM_KERNEL_PAGE_ALLOC_INTERNAL_H
#define MMSIM_KERNEL_PAGE_ALLOC_INTERNAL_H

#include "kernel/kernel.h"

/* alloc_flags (mm/internal.h): the low bits select the watermark. */
#define ALLOC_WMARK_MIN      WMARK_MIN
#define ALLOC_WMARK_LOW      WMARK_LOW
#define ALLOC_WMARK_HIGH     WMARK_HIGH
#define ALLOC_NO_WATERMARKS  0x04
#define ALLOC_WMARK_MASK     (ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM            0x08
#define ALLOC_NON_BLOCK      0x10
#define ALLOC_MIN_RESERVE    0x20    /* == __GFP_HIGH */
#define ALLOC_CPUSET         0x40
#define ALLOC_NOFRAGMENT     0x100
#define ALLOC_HIGHATOMIC     0x200
#define ALLOC_KSWAPD         0x800   /* == __GFP_KSWAPD_RECLAIM */
#define ALLOC_RESERVES       (ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM)

/* Migratetype of the pageblock holding pfn. */
enum migratetype get_pfnblock_migratetype(const struct zone *z, uint64_t pfn);
void set_pfnblock_migratetype(struct zone *z, uint64_t pfn, enum migratetype mt);

/* True when the free list is empty, counting deferred blocks. */
bool free_area_empty(const struct zone *z, unsigned order, enum migratetype mt);

/* Largest order of a block starting at pfn and ending at or before end. */
unsigned free_chunk_order(uint64_t pfn, uint64_t end);

/* Boot: free one block [pfn, pfn + 2^order) to the tail of its list. */
void free_boot_block(struct kernel *k, struct zone *z, uint64_t pfn, unsigned order);

/* Boot: count max-order blocks [start, end) as free without touching them. */
void defer_free_blocks(struct kernel *k, struct zone *z, uint64_t start, uint64_t end);

/* Linux's boot default: int_sqrt(lowmem_kbytes * 16) clamped to [128, 262144]. */
int calculate_min_free_kbytes(const struct kernel *k);

/* The first fallback type of mt with a free block of this order, or -1;
 * *can_steal says whether taking it claims its pageblock (Linux:
 * find_suitable_fallback). */
int find_suitable_fallback(const struct zone *z, unsigned order, enum migratetype mt, bool *can_steal);

/* Take the free block page of this order off its free list for
 * compaction, which splits it into migration targets: refused (0) when the
 * zone would fall below its min watermark; a block of half a pageblock or
 * more turns its pageblocks Movable (Linux: __isolate_free_page). Returns
 * the pages taken. */
uint64_t __isolate_free_page(struct kernel *k, struct page *page, unsigned order);

/* The order-0 pages on every per-CPU list of a zone. */
uint64_t zone_pcp_count(const struct kernel *k, const struct zone *z);

#endif
