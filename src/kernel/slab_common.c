/*
 * kernel/slab_common.c — kmalloc and its size classes, the kmalloc caches,
 * and the cache list behind /proc/slabinfo (Linux: mm/slab_common.c).
 */
#include "kernel/slab_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* ---- kmalloc --------------------------------------------------------------------- */

/* Size-class index of a request (Linux: kmalloc_index with its size_index
 * table): 1 and 2 are the 96- and 192-byte classes, n >= 3 the 2^n-byte
 * ones. Up to 192 bytes a table lookup, by 8-byte steps. */
static const uint8_t size_index[24] = {
	3, 4, 5, 5, 6, 6, 6, 6, 1, 1, 1, 1, 7, 7, 7, 7, 2, 2, 2, 2, 2, 2, 2, 2
};

static unsigned kmalloc_index(size_t size)
{
	if (size <= 192)
		return size_index[(size - 1) / 8];
	return (unsigned)fls_u32((unsigned)size - 1);
}

static enum kmalloc_cache_type kmalloc_type(gfp_t gfp)
{
	if (!(gfp & (__GFP_RECLAIMABLE | __GFP_DMA | __GFP_ACCOUNT)))
		return KMALLOC_NORMAL;
	if (gfp & __GFP_DMA)
		return KMALLOC_DMA;
	if (gfp & __GFP_RECLAIMABLE)
		return KMALLOC_RECLAIM;
	return KMALLOC_CGROUP;
}

_Static_assert(sizeof(((struct kernel *)0)->kmalloc_caches) ==
	       sizeof(struct kmem_cache *) * NR_KMALLOC_TYPES * (KMALLOC_SHIFT_HIGH + 1),
	       "struct kernel sizes the kmalloc table");

/* The kmalloc cache for 1 <= size <= KMALLOC_MAX_CACHE_SIZE. */
static inline struct kmem_cache *kmalloc_cache(struct kernel *k, size_t size, gfp_t gfp)
{
	return k->kmalloc_caches[kmalloc_type(gfp)][kmalloc_index(size)];
}

/* See slab.h. */
struct kmem_cache *kmalloc_slab(struct kernel *k, size_t size, gfp_t gfp)
{
	if (!size || size > KMALLOC_MAX_CACHE_SIZE)
		return NULL;
	return kmalloc_cache(k, size, gfp);
}

/* Above 8 KiB: whole compound pages, accounted as unreclaimable slab as
 * Linux does (Linux: __kmalloc_large_node). */
static void *kmalloc_large(struct kernel *k, size_t size, gfp_t gfp)
{
	unsigned order = get_order(size);
	struct page *page = alloc_pages(k, (gfp & ~(__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM)) | __GFP_COMP,
					order);
	if (!page)
		return NULL;
	page_set(page, PG_large_kmalloc);
	mod_node_page_state(page_pgdat(k, page), NR_SLAB_UNRECLAIMABLE_B, (long)(PAGE_SIZE << order));
	return page_address(k, page);
}

/* kmalloc of 0 bytes, of more than a cache holds, or of too much. */
static __attribute__((noinline)) void *kmalloc_uncommon(struct kernel *k, size_t size, gfp_t gfp)
{
	if (!size)
		return ZERO_SIZE_PTR;
	if (size > KMALLOC_MAX_SIZE) {
		if (!(gfp & __GFP_NOWARN))
			kernel_bug(k, "kmalloc: size %zu is above KMALLOC_MAX_SIZE", size);
		return NULL;
	}
	return kmalloc_large(k, size, gfp);
}

/* See slab.h. */
void *kmalloc(struct kernel *k, size_t size, gfp_t gfp)
{
	if (__builtin_expect(size - 1 < KMALLOC_MAX_CACHE_SIZE, 1))
		return slab_alloc(k, kmalloc_cache(k, size, gfp), gfp);
	return kmalloc_uncommon(k, size, gfp);
}

/* The head page of a large kmalloc at obj, or NULL. */
static struct page *large_kmalloc_page(struct kernel *k, const void *obj)
{
	if (!virt_addr_valid(k, obj) || virt_to_phys(k, obj) % PAGE_SIZE)
		return NULL;
	struct page *page = virt_to_page(k, obj);
	return page_test(page, PG_large_kmalloc) ? page : NULL;
}

/* Free a large kmalloc (Linux: free_large_kmalloc). */
static int free_large_kmalloc(struct kernel *k, struct page *page)
{
	unsigned order = page_order(page);
	page_clear(page, PG_large_kmalloc);
	mod_node_page_state(page_pgdat(k, page), NR_SLAB_UNRECLAIMABLE_B, -(long)(PAGE_SIZE << order));
	return __free_pages(k, page, order);
}

/* See slab.h. */
int kfree(struct kernel *k, const void *obj)
{
	if (!obj || obj == ZERO_SIZE_PTR)
		return 0;
	struct page *page = obj_to_slab(k, obj);
	if (page)
		return slab_free(k, page_slab(page)->slab_cache, page, (void *)obj);
	if ((page = large_kmalloc_page(k, obj)))
		return free_large_kmalloc(k, page);
	kernel_bug(k, "kfree(%#" PRIx64 "): not an allocated kmalloc object",
		   virt_addr_valid(k, obj) ? kaddr(k, obj) : (uint64_t)(uintptr_t)obj);
	return -EINVAL;
}

/* See slab.h. */
char *kstrdup(struct kernel *k, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *d = kmalloc(k, n, GFP_KERNEL);
	if (d)
		memcpy(d, s, n);
	return d;
}

/* See slab.h. */
size_t ksize(struct kernel *k, const void *obj)
{
	struct page *page = large_kmalloc_page(k, obj);
	if (page)
		return PAGE_SIZE << page_order(page);
	page = obj_to_slab(k, obj);
	if (!page || bad_slab_free(k, page_slab(page)->slab_cache, obj, &page))
		return 0;
	return page_slab(page)->slab_cache->object_size;
}

/* See slab.h. */
struct kmem_cache *virt_to_cache(struct kernel *k, const void *obj)
{
	struct page *page = obj_to_slab(k, obj);
	return page ? page_slab(page)->slab_cache : NULL;
}

static const char *const kmalloc_prefix[NR_KMALLOC_TYPES] = {
	"kmalloc-", "kmalloc-rcl-", "dma-kmalloc-", "kmalloc-cg-"
};

/* One kmalloc cache: index 1 and 2 are 96 and 192 bytes, n >= 3 is 2^n. */
static int new_kmalloc_cache(struct kernel *k, unsigned idx, enum kmalloc_cache_type type)
{
	static const unsigned flags[NR_KMALLOC_TYPES] = {
		0, SLAB_RECLAIM_ACCOUNT, SLAB_CACHE_DMA, SLAB_ACCOUNT
	};
	unsigned size = idx == 1 ? 96 : idx == 2 ? 192 : 1u << idx;
	char name[SLAB_NAME_MAX];
	int err;

	if (size >= 1024)
		snprintf(name, sizeof name, "%s%uk", kmalloc_prefix[type], size >> 10);
	else
		snprintf(name, sizeof name, "%s%u", kmalloc_prefix[type], size);
	/* power-of-two kmalloc objects are naturally aligned (Linux 5.4+) */
	unsigned align = (size & (size - 1)) ? 8 : size;
	struct kmem_cache *s = kmem_cache_alloc(k, k->slab->kmem_cache, GFP_NOWAIT | __GFP_ZERO);
	if (!s)
		return -ENOMEM;
	if ((err = kmem_cache_open(k, s, name, size, align, flags[type] | SLAB_KMALLOC, NULL, NULL)))
		return err;
	list_add_cache(k->slab, s);
	k->kmalloc_caches[type][idx] = s;
	return 0;
}

/* Linux creates each type's 96 and 192 classes first, then 8 .. 8k. */
int create_kmalloc_caches(struct kernel *k)
{
	int err = 0;
	for (int type = 0; type < NR_KMALLOC_TYPES && !err; type++) {
		err = new_kmalloc_cache(k, 1, (enum kmalloc_cache_type)type);
		if (!err)
			err = new_kmalloc_cache(k, 2, (enum kmalloc_cache_type)type);
		for (unsigned i = KMALLOC_SHIFT_LOW; i <= KMALLOC_SHIFT_HIGH && !err; i++)
			err = new_kmalloc_cache(k, i, (enum kmalloc_cache_type)type);
	}
	return err;
}

/* ---- views ------------------------------------------------------------------------ */

/* See slab.h. */
struct kmem_cache *kmem_cache_first(struct kernel *k)
{
	return k->slab->caches;
}

/* See slab.h. */
struct kmem_cache *kmem_cache_next(struct kernel *k, struct kmem_cache *s)
{
	(void)k;
	return s->next;
}

/* See slab.h. SLUB counts objects on CPU slabs as active: only the node's
 * partial lists are searched for free ones (Linux: get_slabinfo). */
void get_slabinfo(struct kernel *k, struct kmem_cache *s, struct slabinfo *info)
{
	struct kmem_cache_node *n = s->node[0];
	uint64_t nr_free = 0;

	for_each_list_pfn(k, n->partial, pfn) {
		struct slab *slab = page_slab(pfn_to_page(k, pfn));
		nr_free += slab->objects - slab->inuse;
	}
	memset(info, 0, sizeof *info);
	info->name = s->name;
	info->num_objs = n->total_objects;
	info->active_objs = n->total_objects - nr_free;
	info->objsize = s->size;
	info->objects_per_slab = s->objects;
	info->pages_per_slab = 1u << s->order;
	info->active_slabs = info->num_slabs = n->nr_slabs;
	info->object_size = s->object_size;
	info->align = s->align;
	info->refcount = (unsigned)s->refcount;
	info->ctor_calls = s->ctor_calls;
}

/* See slab.h. */
void slab_set_nomerge(struct kernel *k, int on)
{
	k->slab->nomerge = !!on;
}

/* See slab.h. */
int slab_get_nomerge(struct kernel *k)
{
	return k->slab->nomerge;
}
