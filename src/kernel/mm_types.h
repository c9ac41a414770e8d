/*
 * kernel/mm_types.h — struct page, the kernel's metadata for one 4 KiB frame.
 *
 * Linux spends 64 bytes per frame; we spend 32 (checked at compile time). The
 * array of them, mem_map, lives in simulated RAM at the top of each node and
 * is reserved there, as memblock places it on Linux. Frames nobody has touched
 * keep an all-zero struct page, so an idle machine costs no host memory.
 *
 * List links are frame numbers (32 bits cover 16 TiB), not pointers: they are
 * half the size and survive being printed or compared across runs.
 */
#ifndef MMSIM_KERNEL_MM_TYPES_H
#define MMSIM_KERNEL_MM_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/ram.h"

typedef uint64_t pfn_t;

/* A swap slot: device type and offset (kernel/swapops.h; Linux keeps the
 * type here too). */
typedef struct {
	uint64_t val;
} swp_entry_t;
#define PFN_NIL UINT32_MAX      /* end of a pfn-linked list */

/* Page flags. Linux keeps PG_buddy/PG_table as page types in the mapcount
 * word; we keep them here, beside the PG_ bits proper. */
enum pageflags {
	PG_locked,
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_active,
	PG_slab,
	PG_reserved,
	PG_buddy,          /* head of a free block on a buddy free list */
	PG_pcp,            /* on a per-CPU free list (free, not in the buddy) */
	PG_head,           /* head of a compound page */
	PG_tail,           /* tail of a compound page: private = offset to head */
	PG_swapbacked,
	PG_mlocked,
	PG_unevictable,
	PG_table,          /* a page-table page */
	PG_anon_exclusive,
	PG_zero_page,      /* the shared zero page */
	PG_large_kmalloc,  /* head of a kmalloc above 8 KiB (Linux: a page type) */
	PG_swapcache,      /* in the swap cache: private holds its swap entry */
	PG_workingset,     /* was active before its last eviction (workingset.c) */
	PG_reclaim,        /* written for reclaim; also PG_readahead of swap-in */
	PG_writeback,      /* being written to swap */
	NR_PAGEFLAGS
};
#define PG_readahead PG_reclaim     /* Linux aliases them too */
_Static_assert(NR_PAGEFLAGS <= 24, "the page flags end below the order bits");

#define PAGE_ORDER_SHIFT 24     /* flags bits 24..28: order (see page_order), up to
				 * a gigantic huge page's 18 */
#define PAGE_ORDER_MASK  (0x1fu << PAGE_ORDER_SHIFT)

struct kmem_cache;

struct page {
	uint32_t flags;        /* PG_* bits, and an order in bits 24..28 */
	int32_t _refcount;     /* 0 when free */
	uint32_t lru_next;     /* pfn links: buddy, per-CPU, slab and LRU lists */
	uint32_t lru_prev;
	int32_t mapcount;      /* page-table entries mapping this frame (slab: counters) */
	uint32_t private;      /* tail: offset to the head; slab: freelist; the low
				* index bits; in the swap cache: the swap entry */
	union {
		uint64_t mapping;          /* anon_vma | PAGE_MAPPING_ANON, later */
		struct kmem_cache *slab_cache;
	};
};

_Static_assert(sizeof(struct page) == 32, "struct page must stay 32 bytes");

static inline bool page_test(const struct page *p, enum pageflags f)
{
	return p->flags & (1u << f);
}

static inline void page_set(struct page *p, enum pageflags f)
{
	p->flags |= 1u << f;
}

static inline void page_clear(struct page *p, enum pageflags f)
{
	p->flags &= ~(1u << f);
}

/* The order stored with a page: of a free block for PG_buddy heads, of the
 * allocation for allocated heads (so a free with the wrong order is caught),
 * of the compound page for PG_head. */
static inline unsigned page_order(const struct page *p)
{
	return (p->flags & PAGE_ORDER_MASK) >> PAGE_ORDER_SHIFT;
}

static inline void set_page_order(struct page *p, unsigned order)
{
	p->flags = (p->flags & ~PAGE_ORDER_MASK) | (order << PAGE_ORDER_SHIFT);
}

static inline int page_ref_count(const struct page *p)
{
	return p->_refcount;
}

/*
 * The owner of a mapped page and its index there (Linux: folio->mapping and
 * folio->index). The owner is an anon_vma (anonymous pages) or a file's
 * address_space (page-cache pages), both objects in simulated RAM, stored by
 * physical address (40 bits cover 1 TiB) with bit 0 set for anon_vma, as
 * Linux tags PAGE_MAPPING_ANON. The index (the page's offset in the
 * mapping, a virtual page number for anonymous memory) keeps its low 32
 * bits in private and its high bits above the owner in mapping.
 *
 * A page in the swap cache needs its swap entry too (Linux: folio->swap,
 * which shares a word with folio->private). There is no room left in 32
 * bytes, so while PG_swapcache is set private holds the entry and the swap
 * cache's slot for that entry (the cluster's swap table, swap_state.c) keeps
 * the index's low bits: folio_pgoff() finds them there. A shmem page in the
 * swap cache has left its file and has no index to keep.
 */
#define PAGE_MAPPING_ANON  1ULL
#define PAGE_OWNER_BITS    41
#define PAGE_OWNER_MASK    ((1ULL << PAGE_OWNER_BITS) - 1)

static inline void page_set_owner(struct page *p, uint64_t owner_pa, bool anon, uint64_t index)
{
	p->mapping = (owner_pa & PAGE_OWNER_MASK & ~PAGE_MAPPING_ANON) | (anon ? PAGE_MAPPING_ANON : 0) |
		     ((index >> 32) << PAGE_OWNER_BITS);
	p->private = (uint32_t)index;
}

/* The head of the compound page holding page (itself if none) (Linux:
 * compound_head, page_folio). */
static inline struct page *compound_head(const struct page *page)
{
	return (struct page *)(page->flags & (1u << PG_tail) ? page - page->private : page);
}

/* The pages of the folio headed by page (Linux: folio_nr_pages). */
static inline long folio_nr_pages(const struct page *page)
{
	return page->flags & (1u << PG_head) ? 1L << page_order(page) : 1;
}

/* An anonymous page: its folio's owner is an anon_vma (a tail page asks its
 * head, as Linux's PageAnon does through page_folio). */
static inline bool PageAnon(const struct page *p)
{
	return compound_head(p)->mapping & PAGE_MAPPING_ANON;
}

/* Physical address of the owner object, 0 for none. */
static inline uint64_t page_owner_pa(const struct page *p)
{
	return p->mapping & PAGE_OWNER_MASK & ~PAGE_MAPPING_ANON;
}

static inline uint64_t page_index(const struct page *p)
{
	return ((p->mapping >> PAGE_OWNER_BITS) << 32) | p->private;
}

#endif
