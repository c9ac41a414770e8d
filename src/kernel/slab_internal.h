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
	uint64_t reciprocal_size;  /* ceil(2^64 / size): index without dividing */
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
	struct kmem_cache_node *node[1];   /* one list for every node (Linux: per node) */
	char name[SLAB_NAME_MAX];
};

/* The simulated kernel's word: its free pointers (set_freepointer) and
 * object alignment are x86-64's 8 bytes whatever the host's pointers are
 * (4 in a 32-bit WebAssembly build). */
#define SLAB_WORD 8u

/* The struct page of a slab's head seen as Linux's struct slab. */
struct slab {
	uint32_t flags;
	int32_t _refcount;
	uint32_t slab_next, slab_prev;
	uint16_t inuse;
	uint16_t objects : 15;
	uint16_t frozen : 1;
	uint32_t freelist;         /* offset of the first free object + 1; 0 for none */
	union {                    /* as struct page's: 8 bytes where pointers are 4 */
		uint64_t _mapping;
		struct kmem_cache *slab_cache;
	};
};
_Static_assert(sizeof(struct slab) == sizeof(struct page), "struct slab overlays struct page");
_Static_assert(offsetof(struct slab, freelist) == offsetof(struct page, private), "overlay");
_Static_assert(offsetof(struct slab, slab_cache) == offsetof(struct page, slab_cache), "overlay");
_Static_assert(offsetof(struct slab, inuse) == offsetof(struct page, mapcount), "overlay");

struct slab_state {
	struct kmem_cache *caches;         /* slab_caches list head (newest) */
	struct kmem_cache *kmem_cache;     /* the cache of struct kmem_cache */
	struct kmem_cache *kmem_cache_node;
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


static inline void *get_freepointer(struct kernel *k, const struct kmem_cache *s, void *obj)
{
	uint64_t v;
	memcpy(&v, (uint8_t *)obj + s->offset, sizeof v);
	uint64_t pa = v - PAGE_OFFSET;
	if (__builtin_expect(pa < k->ram_size, 1))
		return k->ram_base + pa;
	if (v)
		kernel_bug(k, "%s: freelist corrupted at %#" PRIx64, s->name, kaddr(k, obj));
	return NULL;
}

static inline void set_freepointer(struct kernel *k, const struct kmem_cache *s, void *obj,
				   void *fp)
{
	uint64_t v = fp ? kaddr(k, fp) : 0;
	memcpy((uint8_t *)obj + s->offset, &v, sizeof v);
}

/* The allocation map: bit pa/8 is set while an object starts at pa. */
static inline bool shadow_test(const uint8_t *shadow, uint64_t pa)
{
	return shadow[pa >> 6] & (1u << ((pa >> 3) & 7));
}

static inline void shadow_flip(uint8_t *shadow, uint64_t pa)
{
	shadow[pa >> 6] ^= (uint8_t)(1u << ((pa >> 3) & 7));
}

static inline int fls_u32(unsigned x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

static inline void *slab_address(struct kernel *k, struct page *slab)
{
	return page_address(k, slab);
}

/* The object index of byte offset off in a slab: off / s->size by
 * multiplying with the reciprocal (Linux: obj_to_index); exact for any
 * offset and size below 2^32. */
static inline uint64_t obj_index(const struct kmem_cache *s, uint64_t off)
{
#ifdef __SIZEOF_INT128__
	return (uint64_t)(((unsigned __int128)off * s->reciprocal_size) >> 64);
#else
	/* A host without 128-bit integers (32-bit x86): the high half of the
	 * product from 32-bit pieces, the same number. */
	uint64_t a = off, b = s->reciprocal_size;
	uint64_t lo = (a & 0xffffffffu) * (b & 0xffffffffu);
	uint64_t m1 = (a >> 32) * (b & 0xffffffffu) + (lo >> 32);
	uint64_t m2 = (a & 0xffffffffu) * (b >> 32) + (m1 & 0xffffffffu);
	return (a >> 32) * (b >> 32) + (m1 >> 32) + (m2 >> 32);
#endif
}

/* The slab page holding a direct-map pointer, or NULL when it is not one. */
static inline struct page *obj_to_slab(struct kernel *k, const void *obj)
{
	if (!virt_addr_valid(k, obj))
		return NULL;
	struct page *page = virt_to_page(k, obj);
	if (page_test(page, PG_tail))
		page -= page->private;
	return page_test(page, PG_slab) ? page : NULL;
}

/* Slow paths of slab_alloc and slab_free (slub.c). */
void *slab_alloc_slow(struct kernel *k, struct kmem_cache *s, struct kmem_cache_cpu *c, gfp_t gfp);
void __slab_free(struct kernel *k, struct kmem_cache *s, struct page *page, void *obj);

/* Report a refused free of obj into s and return -EINVAL. */
int slab_free_bad(struct kernel *k, struct kmem_cache *s, const void *obj);

/* Pop an object from this CPU's freelist, refilling it when empty; mark it
 * allocated; zero it for __GFP_ZERO. NULL when no slab could be had. */
static inline void *slab_alloc(struct kernel *k, struct kmem_cache *s, gfp_t gfp)
{
	struct kmem_cache_cpu *c = &s->cpu_slab[k->this_cpu];
	void *obj = c->freelist;

	if (__builtin_expect(obj != NULL, 1))
		c->freelist = get_freepointer(k, s, obj);
	else if (!(obj = slab_alloc_slow(k, s, c, gfp)))
		return NULL;
	shadow_flip(k->slab_shadow, virt_to_phys(k, obj));
	if (__builtin_expect(gfp & __GFP_ZERO, 0))
		memset(obj, 0, s->object_size);
	return obj;
}

/* Free obj, which lies in slab page, into s: refused (-EINVAL, reported)
 * unless it is the start of an allocated object of s. The allocation map
 * marks only object starts, so one bit test also rejects pointers into the
 * middle of an object or into a slab's unused tail. Pushes onto this CPU's
 * freelist when page is its active slab. */
static inline int slab_free(struct kernel *k, struct kmem_cache *s, struct page *page, void *obj)
{
	uint64_t pa = virt_to_phys(k, obj);

	if (__builtin_expect(page_slab(page)->slab_cache != s || (pa & 7) ||
			     !shadow_test(k->slab_shadow, pa), 0))
		return slab_free_bad(k, s, obj);
	shadow_flip(k->slab_shadow, pa);
	struct kmem_cache_cpu *c = &s->cpu_slab[k->this_cpu];
	if (page == c->slab) {
		set_freepointer(k, s, obj, c->freelist);
		c->freelist = obj;
	} else {
		__slab_free(k, s, page, obj);
	}
	return 0;
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

/* Why freeing obj into s would be wrong (NULL when it is fine). */
const char *bad_slab_free(struct kernel *k, struct kmem_cache *s, const void *obj,
			  struct page **slabp);

/* The free object at the head of a slab's own freelist, or NULL. */
void *slab_freelist(struct kernel *k, struct page *page);

/* Create the kmalloc caches (slab_common.c). */
int create_kmalloc_caches(struct kernel *k);

#endif
