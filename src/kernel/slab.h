/*
 * kernel/slab.h — the slab allocator, SLUB design (Linux: mm/slub.c,
 * mm/slab_common.c, include/linux/slab.h).
 *
 * Small kernel objects (VMAs, mm structs, anon_vmas, ...) come from caches of
 * equal-sized objects carved out of slabs: compound pages from the buddy
 * allocator, in simulated RAM. Each CPU allocates from its own active slab;
 * partly used slabs wait on their node's partial list; empty ones go back to
 * the buddy allocator. Objects of a cache with a constructor are constructed
 * once, when their slab is made, and stay constructed across free and alloc.
 *
 * Every object is tracked as allocated or free, so a double free, a free of
 * something never allocated, a free into the wrong cache or of a pointer into
 * the middle of an object is refused with a "BUG:" report in the kernel log
 * and an error, never silent corruption.
 */
#ifndef MMSIM_KERNEL_SLAB_H
#define MMSIM_KERNEL_SLAB_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/gfp.h"

struct kernel;
struct kmem_cache;

/* kmem_cache_create flags (Linux values). */
#define SLAB_HWCACHE_ALIGN     0x00002000u   /* align objects to cache lines */
#define SLAB_CACHE_DMA         0x00004000u
#define SLAB_CACHE_DMA32       0x00008000u
#define SLAB_PANIC             0x00040000u   /* creation failure is a BUG */
#define SLAB_TYPESAFE_BY_RCU   0x00080000u
#define SLAB_RECLAIM_ACCOUNT   0x00020000u   /* counts as SReclaimable */
#define SLAB_ACCOUNT           0x04000000u
#define SLAB_NO_MERGE          0x01000000u   /* never alias with another cache */
#define SLAB_CREATE_MASK       (SLAB_HWCACHE_ALIGN | SLAB_CACHE_DMA | SLAB_CACHE_DMA32 | \
				SLAB_PANIC | SLAB_TYPESAFE_BY_RCU | SLAB_RECLAIM_ACCOUNT | \
				SLAB_ACCOUNT | SLAB_NO_MERGE)

#define KMALLOC_SHIFT_LOW      3
#define KMALLOC_SHIFT_HIGH     13                   /* kmalloc-8k is the largest cache */
#define KMALLOC_MAX_CACHE_SIZE (1u << KMALLOC_SHIFT_HIGH)
#define KMALLOC_MAX_SIZE       ((size_t)PAGE_SIZE << MAX_PAGE_ORDER)
enum kmalloc_cache_type { KMALLOC_NORMAL, KMALLOC_RECLAIM, KMALLOC_DMA, KMALLOC_CGROUP,
			  NR_KMALLOC_TYPES };
#define ZERO_SIZE_PTR          ((void *)16)          /* what kmalloc(0) returns */
#define SLAB_NAME_MAX          48

/* A constructor gets the object and the argument given at creation. */
typedef void (*slab_ctor_fn)(void *obj, void *arg);

/*
 * Create a cache of objects of size bytes aligned to align (0 or a power of
 * two), flags from SLAB_CREATE_MASK, ctor run once per object when its slab
 * is created (NULL for none). A cache without a constructor may alias an
 * existing compatible cache, as Linux merges caches (disable with the
 * slab_nomerge knob or SLAB_NO_MERGE). Returns the cache, or NULL with *err
 * set to -EINVAL (bad name, size, align or flags) or -ENOMEM.
 */
struct kmem_cache *kmem_cache_create(struct kernel *k, const char *name, size_t size,
				     size_t align, unsigned flags, slab_ctor_fn ctor,
				     void *ctor_arg, int *err);

/* Allocate an object (zeroed with __GFP_ZERO). NULL when no slab could be
 * had. The result is a direct-map pointer into simulated RAM. */
void *kmem_cache_alloc(struct kernel *k, struct kmem_cache *s, gfp_t gfp);

/* Free obj into s. Returns 0, or -EINVAL after a BUG report when obj is not
 * an allocated object of s; nothing changes then. */
int kmem_cache_free(struct kernel *k, struct kmem_cache *s, void *obj);

/* Give every empty slab of s back to the buddy allocator, this CPU's and the
 * partial lists' alike (Linux: kmem_cache_shrink). Returns slabs freed. */
int kmem_cache_shrink(struct kernel *k, struct kmem_cache *s);

/* Drop a reference to s; the last one destroys it. Returns 0, or -EBUSY when
 * objects are still allocated (reported; the cache then stays). */
int kmem_cache_destroy(struct kernel *k, struct kmem_cache *s);

/* kmalloc: the kmalloc-N cache of the smallest size class that fits
 * (kmalloc-rcl-N for __GFP_RECLAIMABLE, kmalloc-cg-N for __GFP_ACCOUNT);
 * above 8 KiB, whole pages from the buddy allocator. kmalloc(0) returns
 * ZERO_SIZE_PTR; above KMALLOC_MAX_SIZE it fails. */
void *kmalloc(struct kernel *k, size_t size, gfp_t gfp);

/* Free what kmalloc returned; NULL and ZERO_SIZE_PTR are ignored. Returns 0
 * or -EINVAL after a BUG report for anything else that is not allocated. */
int kfree(struct kernel *k, const void *obj);

/* A kmalloc'd copy of string s (NULL stays NULL; NULL without memory). */
char *kstrdup(struct kernel *k, const char *s);

/* The usable size of a kmalloc'd object (its size class), 0 for a bad one. */
size_t ksize(struct kernel *k, const void *obj);

/* The cache kmalloc would use for size and gfp (NULL above 8 KiB). */
struct kmem_cache *kmalloc_slab(struct kernel *k, size_t size, gfp_t gfp);

/* Boot the slab allocator: kmem_cache, kmem_cache_node, the kmalloc caches. */
int kmem_cache_init(struct kernel *k);

/* Release every cache's host-side state at shutdown (RAM is discarded). */
void kmem_cache_destroy_all(struct kernel *k);

/* One cache's /proc/slabinfo line, in SLUB's terms (Linux: struct slabinfo). */
struct slabinfo {
	const char *name;
	uint64_t active_objs, num_objs;
	unsigned objsize, objects_per_slab, pages_per_slab;
	uint64_t active_slabs, num_slabs;
	unsigned object_size, align, refcount;    /* not in slabinfo, for tests */
	unsigned long ctor_calls;                 /* constructor runs so far */
};

/* Caches newest first, as /proc/slabinfo lists them; NULL after the last. */
struct kmem_cache *kmem_cache_first(struct kernel *k);
struct kmem_cache *kmem_cache_next(struct kernel *k, struct kmem_cache *s);
void get_slabinfo(struct kernel *k, struct kmem_cache *s, struct slabinfo *info);

/* The cache that owns obj, or NULL when obj is not in a slab. */
struct kmem_cache *virt_to_cache(struct kernel *k, const void *obj);

/* The slab_nomerge knob (boot parameter on Linux): 1 stops cache aliasing. */
void slab_set_nomerge(struct kernel *k, int on);
int slab_get_nomerge(struct kernel *k);

/*
 * Consistency checking, driven by debug_vm.c's walk over every frame:
 * slab_check_begin clears the tallies, slab_check_page checks one slab (its
 * cache, object count, freelists against the allocation map, frozen state)
 * and slab_check_end compares the tallies with each cache's counters. Each
 * returns the number of problems found, each logged as a BUG.
 */
void slab_check_begin(struct kernel *k);
uint64_t slab_check_page(struct kernel *k, struct page *page);
uint64_t slab_check_end(struct kernel *k);

#endif
