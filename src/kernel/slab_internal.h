/*
 * kernel/slab_internal.h — the slab allocator's structures, shared by
 * slub.c (caches and slabs), slab_common.c (kmalloc, views) and
 * slub_debug.c (the consistency checker). Linux: mm/slab.h.
 */
#ifndef MMSIM_KERNEL_SLAB_INTERNAL_H
#define MMSIM_KERNEL_SLAB_INTERNAL_H

#include "kernel/kernel.h"
#include "kernel/page_list.h"
#include "kernel/slab.h"

#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#define MIN_PARTIAL        5
#define MAX_PARTIAL        10
#define MAX_OBJS_PER_PAGE  32767
#define SLUB_MAX_ORDER     PAGE_ALLOC_COSTLY_ORDER
#define CACHE_LINE_SIZE    64
#define SLAB_KMALLOC       0x00001000u     /* internal: a kmalloc cache */
#define SLAB_NEVER_MERGE   (SLAB_TYPESAFE_BY_RCU | SLAB_NO_MERGE | SLAB_KMALLOC)
#define SLAB_MERGE_SAME    (SLAB_RECLAIM_ACCOUNT | SLAB_CACHE_DMA | SLAB_CACHE_DMA32 | SLAB_ACCOUNT)

enum kmalloc_cache_type { KMALLOC_NORMAL, KMALLOC_RECLAIM, KMALLOC_DMA, KMALLOC_CGROUP,
			  NR_KMALLOC_TYPES };

struct kmem_cache_cpu {
	void *freelist;            /* next free object of the active slab */
	struct page *slab;         /* the active (frozen) slab, or NULL */
};

struct kmem_cache_node {
	struct page_list partial;  /* slabs with free objects, not owned by a CPU */
	uint64_t nr_partial;
	uint64_t nr_slabs;
	uint64_t total_objects;
};

struct kmem_cache {
	struct kmem_cache_cpu *cpu_slab;   /* per-CPU, host memory (Linux: percpu) */
	unsigned flags;
	unsigned min_partial;
	unsigned size;             /* stride between objects */
	unsigned object_size;      /* what the users asked for */
	unsigned offset;           /* of the free pointer inside a free object */
	unsigned inuse;            /* object_size rounded to a word */
	unsigned align;
	unsigned order, objects;   /* preferred slab order and its object count */
	unsigned min_order;        /* fallback order when memory is fragmented */
	gfp_t allocflags;
	int refcount;              /* users, counting merged aliases */
	slab_ctor_fn ctor;
	void *ctor_arg;
	unsigned long ctor_calls;
	uint64_t chk_slabs, chk_objs, chk_partial;   /* consistency checker tallies */
	struct kmem_cache *next, *prev;    /* slab_caches, newest first */
	struct kmem_cache_node *node[MAX_NUMNODES];
	char name[SLAB_NAME_MAX];
};

/* The struct page of a slab's head seen as Linux's struct slab. */
struct slab {
	uint32_t flags;
	int32_t _refcount;
	uint32_t slab_next, slab_prev;
	uint16_t inuse;
	uint16_t objects : 15;
	uint16_t frozen : 1;
	uint32_t freelist;         /* offset of the first free object + 1; 0 for none */
	struct kmem_cache *slab_cache;
};
_Static_assert(sizeof(struct slab) == sizeof(struct page), "struct slab overlays struct page");
_Static_assert(offsetof(struct slab, freelist) == offsetof(struct page, private), "overlay");
_Static_assert(offsetof(struct slab, slab_cache) == offsetof(struct page, slab_cache), "overlay");
_Static_assert(offsetof(struct slab, inuse) == offsetof(struct page, mapcount), "overlay");

struct slab_state {
	struct kmem_cache *caches;         /* slab_caches list head (newest) */
	struct kmem_cache *kmem_cache;     /* the cache of struct kmem_cache */
	struct kmem_cache *kmem_cache_node;
	struct kmem_cache *kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1];
	uint8_t *shadow;                   /* 1 bit per 8 bytes of RAM: allocated */
	uint64_t shadow_bytes;
	int nomerge;
	struct kmem_cache boot_kmem_cache, boot_kmem_cache_node;
};

static inline struct slab *page_slab(struct page *p)
{
	return (struct slab *)p;
}

/* ---- free pointers and the allocation map ------------------------------- */

static inline void *fp_decode(struct kernel *k, uint64_t kva)
{
	return kva ? k->ram->base + (kva - PAGE_OFFSET) : NULL;
}

static inline void *get_freepointer(struct kernel *k, const struct kmem_cache *s, void *obj)
{
	uint64_t v;
	memcpy(&v, (uint8_t *)obj + s->offset, sizeof v);
	if (v && v - PAGE_OFFSET >= k->ram->size) {
		kernel_bug(k, "%s: freelist corrupted at %#" PRIx64, s->name, kaddr(k, obj));
		return NULL;
	}
	return fp_decode(k, v);
}

static inline void set_freepointer(struct kernel *k, const struct kmem_cache *s, void *obj,
				   void *fp)
{
	uint64_t v = fp ? kaddr(k, fp) : 0;
	memcpy((uint8_t *)obj + s->offset, &v, sizeof v);
}

static inline bool shadow_test(const struct slab_state *ss, uint64_t pa)
{
	return ss->shadow[pa >> 6] & (1u << ((pa >> 3) & 7));
}

static inline void shadow_flip(struct slab_state *ss, uint64_t pa)
{
	ss->shadow[pa >> 6] ^= (uint8_t)(1u << ((pa >> 3) & 7));
}

static inline int fls_u32(unsigned x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

static inline void *slab_address(struct kernel *k, struct page *slab)
{
	return page_address(k, slab);
}

/* Smallest order of a block of at least size bytes. */
unsigned get_order(uint64_t size);

/* Fill in a zeroed cache and give it per-CPU and per-node state: 0,
 * -EINVAL for an impossible geometry, -ENOMEM. */
int kmem_cache_open(struct kernel *k, struct kmem_cache *s, const char *name,
		    unsigned size, unsigned align, unsigned flags, slab_ctor_fn ctor,
		    void *ctor_arg);

/* Put s at the head of the cache list. */
void list_add_cache(struct slab_state *ss, struct kmem_cache *s);

/* The slab page holding a direct-map pointer, or NULL when it is not one. */
struct page *obj_to_slab(struct kernel *k, const void *obj);

/* Why freeing obj into s would be wrong (NULL when it is fine). */
const char *bad_slab_free(struct kernel *k, struct kmem_cache *s, const void *obj,
			  struct page **slabp);

/* The free object at the head of a slab's own freelist, or NULL. */
void *slab_freelist(struct kernel *k, struct page *page);

/* Create the kmalloc caches (slab_common.c). */
int create_kmalloc_caches(struct kernel *k);

#endif
