/*
 * kernel/slub.c — SLUB (Linux: mm/slub.c, mm/slab_common.c). See slab.h.
 *
 * Layout. A slab is a compound page; its struct page doubles as struct slab
 * (the overlay below), holding the cache, the slab's own freelist, the count
 * of objects in use and the "frozen" bit of a slab that a CPU owns. A free
 * object holds, at s->offset, the kernel virtual address of the next free
 * object of its slab: in the middle of the object, or just past it when the
 * cache has a constructor so that the constructed state survives.
 *
 * Paths. Allocation pops this CPU's freelist; when it is empty the slow path
 * takes the active slab's remote frees, else a slab from the node's partial
 * list, else a new slab. A free to this CPU's active slab pushes onto its
 * freelist; any other free goes to the slab's own freelist, putting a full
 * slab back on the partial list and giving an empty one back to the buddy
 * allocator once the node keeps min_partial slabs. Not modelled: per-CPU
 * partial lists, freelist randomisation, debug red zones.
 *
 * Tracking. A bitmap with one bit per 8 bytes of RAM (host memory, sparse)
 * marks allocated objects, so every bad free is caught before it changes
 * anything.
 */
#include "kernel/slab_internal.h"

#include "kernel/objsize.h"
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

KOBJ_FITS(struct kmem_cache, KMEM_CACHE_SIZE);
KOBJ_FITS(struct kmem_cache_node, KMEM_CACHE_NODE_SIZE);

/* ---- slabs ------------------------------------------------------------------ */

void *slab_freelist(struct kernel *k, struct page *page)
{
	struct slab *slab = page_slab(page);
	return slab->freelist ? (uint8_t *)slab_address(k, page) + slab->freelist - 1 : NULL;
}

static void set_slab_freelist(struct kernel *k, struct page *page, void *obj)
{
	page_slab(page)->freelist =
		obj ? (uint32_t)((uint8_t *)obj - (uint8_t *)slab_address(k, page)) + 1 : 0;
}

static enum node_stat_item cache_vmstat_idx(const struct kmem_cache *s)
{
	return (s->flags & SLAB_RECLAIM_ACCOUNT) ? NR_SLAB_RECLAIMABLE_B : NR_SLAB_UNRECLAIMABLE_B;
}

/* Pages for a new slab: the preferred order without trying hard, then the
 * minimum order with the caller's flags, even when it is the same order
 * (Linux: allocate_slab). */
static struct page *alloc_slab_page(struct kernel *k, struct kmem_cache *s, gfp_t gfp,
				    unsigned *order)
{
	gfp_t flags = (gfp & (GFP_KERNEL | __GFP_HIGH | __GFP_NOWARN | __GFP_NOFAIL |
			      __GFP_MEMALLOC | __GFP_NOMEMALLOC | __GFP_ACCOUNT)) | s->allocflags;
	gfp_t first = (flags | __GFP_NOWARN | __GFP_NORETRY) & ~__GFP_NOFAIL;

	if ((first & __GFP_DIRECT_RECLAIM) && s->order > s->min_order)
		first = (first | __GFP_NOMEMALLOC) & ~__GFP_RECLAIM;
	*order = s->order;
	struct page *page = alloc_pages(k, first, s->order);
	if (!page) {                           /* fragmentation, or the first try gave up early */
		*order = s->min_order;
		page = alloc_pages(k, flags, s->min_order);
	}
	return page;
}

/* A new slab of s, every object free and (with a constructor) constructed,
 * chained in address order. NULL when the page allocator has nothing. */
static struct page *new_slab(struct kernel *k, struct kmem_cache *s, gfp_t gfp)
{
	unsigned order;
	struct page *page = alloc_slab_page(k, s, gfp, &order);
	if (!page)
		return NULL;

	struct slab *slab = page_slab(page);
	unsigned objects = (unsigned)((PAGE_SIZE << order) / s->size);
	uint8_t *base = slab_address(k, page);

	page_set(page, PG_slab);
	slab->slab_cache = s;
	slab->objects = (uint16_t)objects;
	slab->inuse = 0;
	slab->frozen = 0;
	for (unsigned i = 0; i < objects; i++) {
		uint8_t *obj = base + (size_t)i * s->size;
		if (s->ctor) {
			s->ctor(obj, s->ctor_arg);
			s->ctor_calls++;
		}
		set_freepointer(k, s, obj, i + 1 < objects ? obj + s->size : NULL);
	}
	set_slab_freelist(k, page, base);
	struct kmem_cache_node *n = s->node[0];
	if (n) {        /* NULL only for kmem_cache_node's first slab, at boot */
		n->nr_slabs++;
		n->total_objects += objects;
	}
	mod_node_page_state(page_pgdat(k, page), cache_vmstat_idx(s), (long)(PAGE_SIZE << order));
	return page;
}

/* Give an empty slab back to the buddy allocator (Linux: discard_slab). */
static void discard_slab(struct kernel *k, struct kmem_cache *s, struct page *page)
{
	struct slab *slab = page_slab(page);
	struct kmem_cache_node *n = s->node[0];
	unsigned order = page_order(page);

	n->nr_slabs--;
	n->total_objects -= slab->objects;
	mod_node_page_state(page_pgdat(k, page), cache_vmstat_idx(s), -(long)(PAGE_SIZE << order));
	page_clear(page, PG_slab);
	page->mapcount = 0;
	page->private = 0;
	page->mapping = 0;
	__free_pages(k, page, order);
}

static void add_partial(struct kernel *k, struct kmem_cache_node *n, struct page *page, bool tail)
{
	if (tail)
		page_list_add_tail(k, &n->partial, page);
	else
		page_list_add(k, &n->partial, page);
	n->nr_partial++;
}

static void remove_partial(struct kernel *k, struct kmem_cache_node *n, struct page *page)
{
	page_list_del(k, &n->partial, page);
	n->nr_partial--;
}

/* Make page this CPU's active slab, taking its whole freelist. */
static void freeze_slab(struct kernel *k, struct kmem_cache_cpu *c, struct page *page)
{
	struct slab *slab = page_slab(page);
	c->slab = page;
	c->freelist = slab_freelist(k, page);
	slab->freelist = 0;
	slab->inuse = slab->objects;
	slab->frozen = 1;
}

/* Give back this CPU's active slab: its unused freelist rejoins the slab,
 * which goes to the partial list, to the buddy allocator when empty and the
 * node has enough partial slabs, or nowhere when full (Linux: deactivate_slab). */
static void deactivate_slab(struct kernel *k, struct kmem_cache *s, struct kmem_cache_cpu *c)
{
	struct page *page = c->slab;
	struct slab *slab = page_slab(page);
	struct kmem_cache_node *n = s->node[0];
	void *obj = c->freelist, *last = NULL;
	unsigned nfree = 0;

	for (void *o = obj; o; o = get_freepointer(k, s, o)) {
		last = o;
		nfree++;
	}
	if (last) {
		set_freepointer(k, s, last, slab_freelist(k, page));
		set_slab_freelist(k, page, obj);
	}
	slab->inuse = (uint16_t)(slab->inuse - nfree);
	slab->frozen = 0;
	c->slab = NULL;
	c->freelist = NULL;
	if (!slab->inuse && n->nr_partial >= s->min_partial)
		discard_slab(k, s, page);
	else if (slab->inuse < slab->objects)
		add_partial(k, n, page, true);
}

/* ---- allocation --------------------------------------------------------------- */

/* Refill this CPU's freelist and pop one object (Linux: ___slab_alloc). */
void *slab_alloc_slow(struct kernel *k, struct kmem_cache *s, struct kmem_cache_cpu *c,
		      gfp_t gfp)
{
	if (c->slab && page_slab(c->slab)->freelist) {
		/* objects freed to our active slab from other CPUs */
		struct slab *slab = page_slab(c->slab);
		c->freelist = slab_freelist(k, c->slab);
		slab->freelist = 0;
		slab->inuse = slab->objects;
	} else {
		if (c->slab)
			deactivate_slab(k, s, c);
		struct kmem_cache_node *n = s->node[0];
		struct page *page = page_list_first(k, &n->partial);
		if (page)
			remove_partial(k, n, page);
		else if (!(page = new_slab(k, s, gfp)))
			return NULL;
		freeze_slab(k, c, page);
	}
	void *obj = c->freelist;
	c->freelist = get_freepointer(k, s, obj);
	return obj;
}

/* See slab.h. */
void *kmem_cache_alloc(struct kernel *k, struct kmem_cache *s, gfp_t gfp)
{
	return slab_alloc(k, s, gfp);
}

/* ---- freeing ------------------------------------------------------------------ */

/* Why freeing obj into s would be wrong (NULL when it is fine); *slabp is
 * set to its slab. */
const char *bad_slab_free(struct kernel *k, struct kmem_cache *s, const void *obj,
			  struct page **slabp)
{
	struct page *page = obj_to_slab(k, obj);
	*slabp = page;
	if (!page)
		return "not a slab object";
	struct slab *slab = page_slab(page);
	if (slab->slab_cache != s)
		return "Wrong slab cache";
	uint64_t off = (uint64_t)((const uint8_t *)obj - (uint8_t *)slab_address(k, page));
	uint64_t idx = obj_index(s, off);
	if (idx * s->size != off || idx >= slab->objects)
		return "pointer is not the start of an object";
	if (!shadow_test(k->slab_shadow, virt_to_phys(k, obj)))
		return "double free or free of an object never allocated";
	return NULL;
}

/* Free obj to a slab that is not this CPU's active one (Linux: __slab_free). */
void __slab_free(struct kernel *k, struct kmem_cache *s, struct page *page, void *obj)
{
	struct slab *slab = page_slab(page);
	struct kmem_cache_node *n = s->node[0];
	bool was_full = !slab->freelist;

	set_freepointer(k, s, obj, slab_freelist(k, page));
	set_slab_freelist(k, page, obj);
	slab->inuse--;
	if (slab->frozen)
		return;           /* another CPU's active slab: it will find it */
	if (!slab->inuse && n->nr_partial >= s->min_partial) {
		if (!was_full)
			remove_partial(k, n, page);
		discard_slab(k, s, page);
	} else if (was_full) {
		add_partial(k, n, page, true);
	}
}

/* See slab_internal.h. */
int slab_free_bad(struct kernel *k, struct kmem_cache *s, const void *obj)
{
	struct page *page;
	const char *why = bad_slab_free(k, s, obj, &page);
	struct kmem_cache *owner = page ? page_slab(page)->slab_cache : NULL;

	kernel_bug(k, "kmem_cache_free(%s, %#" PRIx64 "): %s%s%s", s->name,
		   virt_addr_valid(k, obj) ? kaddr(k, obj) : (uint64_t)(uintptr_t)obj,
		   why ? why : "not freeable",
		   owner && owner != s ? ": object is from " : "",
		   owner && owner != s ? owner->name : "");
	return -EINVAL;
}

/* See slab.h. */
int kmem_cache_free(struct kernel *k, struct kmem_cache *s, void *obj)
{
	struct page *page = obj_to_slab(k, obj);
	return page ? slab_free(k, s, page, obj) : slab_free_bad(k, s, obj);
}

/* ---- cache geometry ----------------------------------------------------------- */

static unsigned align_up(unsigned x, unsigned a)
{
	return (x + a - 1) & ~(a - 1);
}

unsigned get_order(uint64_t size)
{
	unsigned order = 0;
	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

static unsigned order_objects(unsigned order, unsigned size)
{
	return (unsigned)((PAGE_SIZE << order) / size);
}

/* The smallest order in [min_order, max_order] wasting at most 1/fract of
 * the slab, or max_order + 1 (Linux: calc_slab_order). */
static unsigned calc_slab_order(unsigned size, unsigned min_order, unsigned max_order,
				unsigned fract)
{
	unsigned order;
	for (order = min_order; order <= max_order; order++) {
		uint64_t slab_size = PAGE_SIZE << order;
		if (slab_size % size <= slab_size / fract)
			break;
	}
	return order;
}

/* Slab order for objects of size: enough objects per slab for the number of
 * CPUs, at most order 3, accepting more waste only if needed (Linux:
 * calculate_order). -1 when even one object does not fit in MAX_PAGE_ORDER. */
static int calculate_order(const struct kernel *k, unsigned size)
{
	unsigned min_objects = 4 * (unsigned)(fls_u32((unsigned)k->nr_cpus) + 1);
	unsigned max_objects = order_objects(SLUB_MAX_ORDER, size);

	if (max_objects < 1)
		max_objects = 1;
	if (min_objects > max_objects)
		min_objects = max_objects;
	unsigned min_order = get_order((uint64_t)min_objects * size);
	if (order_objects(min_order, size) > MAX_OBJS_PER_PAGE)
		return (int)get_order((uint64_t)size * MAX_OBJS_PER_PAGE) - 1;
	for (unsigned fract = 16; fract > 1; fract /= 2) {
		unsigned order = calc_slab_order(size, min_order, SLUB_MAX_ORDER, fract);
		if (order <= SLUB_MAX_ORDER)
			return (int)order;
	}
	unsigned order = get_order(size);
	return order <= MAX_PAGE_ORDER ? (int)order : -1;
}

/* Object alignment from the flags and the request (Linux: calculate_alignment). */
static unsigned calculate_alignment(unsigned flags, unsigned align, unsigned size)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned ralign = CACHE_LINE_SIZE;
		while (size <= ralign / 2)
			ralign /= 2;
		if (ralign > align)
			align = ralign;
	}
	if (align < 8)
		align = 8;
	return align_up(align, SLAB_WORD);
}

/* Stride, free-pointer place, order and allocation flags of s from its
 * object_size, align, flags and ctor (Linux: calculate_sizes). */
static int calculate_sizes(struct kernel *k, struct kmem_cache *s)
{
	unsigned size = align_up(s->object_size, SLAB_WORD);

	s->inuse = size;
	if ((s->flags & SLAB_TYPESAFE_BY_RCU) || s->ctor) {
		s->offset = size;          /* keep constructed objects intact */
		size += SLAB_WORD;
	} else {
		s->offset = (s->object_size / 2) & ~(unsigned)(SLAB_WORD - 1);
	}
	s->size = align_up(size, s->align);
	s->reciprocal_size = UINT64_MAX / s->size + 1;
	int order = calculate_order(k, s->size);
	if (order < 0)
		return -EINVAL;
	s->order = (unsigned)order;
	s->objects = order_objects(s->order, s->size);
	s->min_order = get_order(s->size);
	s->allocflags = __GFP_COMP;
	if (s->flags & SLAB_CACHE_DMA)
		s->allocflags |= GFP_DMA;
	if (s->flags & SLAB_CACHE_DMA32)
		s->allocflags |= GFP_DMA32;
	if (s->flags & SLAB_RECLAIM_ACCOUNT)
		s->allocflags |= __GFP_RECLAIMABLE;
	unsigned lg = (unsigned)fls_u32(s->size) - 1;
	s->min_partial = lg / 2 < MIN_PARTIAL ? MIN_PARTIAL : lg / 2 > MAX_PARTIAL ? MAX_PARTIAL : lg / 2;
	return 0;
}

/* Fill in s and give it per-CPU and per-node state. The node structure comes
 * from the kmem_cache_node cache, except for that cache itself at boot, which
 * carves it from its own first slab (Linux: early_kmem_cache_node_alloc). */
int kmem_cache_open(struct kernel *k, struct kmem_cache *s, const char *name,
		    unsigned size, unsigned align, unsigned flags, slab_ctor_fn ctor,
		    void *ctor_arg)
{
	snprintf(s->name, sizeof s->name, "%s", name);
	s->object_size = size;
	s->flags = flags;
	s->ctor = ctor;
	s->ctor_arg = ctor_arg;
	s->align = calculate_alignment(flags, align, size);
	s->refcount = 1;
	if (calculate_sizes(k, s))
		return -EINVAL;
	if (!(s->cpu_slab = calloc((size_t)k->nr_cpus, sizeof *s->cpu_slab)))
		return -ENOMEM;
	struct slab_state *ss = k->slab;
	if (s == &ss->boot_kmem_cache_node) {
		struct page *page = new_slab(k, s, GFP_NOWAIT);
		if (!page)
			return -ENOMEM;
		struct kmem_cache_node *n = slab_freelist(k, page);
		set_slab_freelist(k, page, get_freepointer(k, s, n));
		page_slab(page)->inuse = 1;
		shadow_flip(k->slab_shadow, virt_to_phys(k, n));
		memset(n, 0, sizeof *n);
		page_list_init(&n->partial);
		n->nr_slabs = 1;
		n->total_objects = page_slab(page)->objects;
		s->node[0] = n;
		add_partial(k, n, page, false);
		return 0;
	}
	struct kmem_cache_node *n = kmem_cache_alloc(k, ss->kmem_cache_node, GFP_KERNEL | __GFP_ZERO);
	if (!n)
		return -ENOMEM;
	page_list_init(&n->partial);
	s->node[0] = n;
	return 0;
}

void list_add_cache(struct slab_state *ss, struct kmem_cache *s)
{
	s->prev = NULL;
	s->next = ss->caches;
	if (ss->caches)
		ss->caches->prev = s;
	ss->caches = s;
}

static void list_del_cache(struct slab_state *ss, struct kmem_cache *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		ss->caches = s->next;
	if (s->next)
		s->next->prev = s->prev;
}

/* Can s take the users of a new cache? (Linux: slab_unmergeable) */
static bool slab_unmergeable(const struct slab_state *ss, const struct kmem_cache *s)
{
	return ss->nomerge || (s->flags & SLAB_NEVER_MERGE) || s->ctor || s->refcount < 0;
}

/* An existing cache that a new one of this geometry can alias: same
 * accounting flags, large enough, alignment compatible, wasting less than a
 * word; the oldest such (Linux: find_mergeable). */
static struct kmem_cache *find_mergeable(struct kernel *k, unsigned size, unsigned align,
					 unsigned flags, slab_ctor_fn ctor)
{
	struct slab_state *ss = k->slab;
	if (ss->nomerge || ctor || (flags & SLAB_NEVER_MERGE))
		return NULL;
	size = align_up(size, SLAB_WORD);
	align = calculate_alignment(flags, align, size);
	size = align_up(size, align);
	struct kmem_cache *last = ss->caches;
	while (last && last->next)
		last = last->next;
	for (struct kmem_cache *s = last; s; s = s->prev) {
		if (slab_unmergeable(ss, s) || size > s->size ||
		    (flags & SLAB_MERGE_SAME) != (s->flags & SLAB_MERGE_SAME) ||
		    (s->size & ~(align - 1)) != s->size || s->size - size >= SLAB_WORD)
			continue;
		return s;
	}
	return NULL;
}

/* Check a creation request; 0 or -EINVAL. */
static int check_create_args(const char *name, size_t size, size_t align, unsigned flags)
{
	if (!name || !*name || strlen(name) >= SLAB_NAME_MAX)
		return -EINVAL;
	if (!size || size > KMALLOC_MAX_SIZE)
		return -EINVAL;
	if (align & (align - 1) || align > PAGE_SIZE)
		return -EINVAL;
	if (flags & ~SLAB_CREATE_MASK)
		return -EINVAL;
	return 0;
}

/* See slab.h. */
struct kmem_cache *kmem_cache_create(struct kernel *k, const char *name, size_t size,
				     size_t align, unsigned flags, slab_ctor_fn ctor,
				     void *ctor_arg, int *err)
{
	struct slab_state *ss = k->slab;
	int e = check_create_args(name, size, align, flags);
	struct kmem_cache *s = NULL;

	if (!e && (s = find_mergeable(k, (unsigned)size, (unsigned)align, flags, ctor))) {
		s->refcount++;
		if (s->object_size < size)
			s->object_size = (unsigned)size;
		if (s->inuse < align_up((unsigned)size, SLAB_WORD))
			s->inuse = align_up((unsigned)size, SLAB_WORD);
		goto out;
	}
	if (!e && !(s = kmem_cache_alloc(k, ss->kmem_cache, GFP_KERNEL | __GFP_ZERO)))
		e = -ENOMEM;
	if (!e && (e = kmem_cache_open(k, s, name, (unsigned)size, (unsigned)align, flags, ctor,
				       ctor_arg))) {
		free(s->cpu_slab);
		kmem_cache_free(k, ss->kmem_cache, s);
		s = NULL;
	}
	if (s)
		list_add_cache(ss, s);
out:
	if (e && (flags & SLAB_PANIC))
		kernel_bug(k, "kmem_cache_create(%s) failed: %d", name ? name : "(null)", e);
	if (err)
		*err = e;
	return e ? NULL : s;
}

/* Deactivate every CPU's active slab of s (Linux: flush_all). */
static void flush_all(struct kernel *k, struct kmem_cache *s)
{
	for (int c = 0; c < k->nr_cpus; c++)
		if (s->cpu_slab[c].slab)
			deactivate_slab(k, s, &s->cpu_slab[c]);
}

/* See slab.h. */
int kmem_cache_shrink(struct kernel *k, struct kmem_cache *s)
{
	struct kmem_cache_node *n = s->node[0];
	int freed = 0;

	flush_all(k, s);
	for (uint64_t pfn = n->partial.head; pfn != PFN_NIL;) {
		struct page *page = pfn_to_page(k, pfn);
		pfn = page->lru_next;
		if (!page_slab(page)->inuse) {
			remove_partial(k, n, page);
			discard_slab(k, s, page);
			freed++;
		}
	}
	return freed;
}

/* Free s's own memory once it holds no objects. */
static void free_kmem_cache(struct kernel *k, struct kmem_cache *s)
{
	struct slab_state *ss = k->slab;
	list_del_cache(ss, s);
	free(s->cpu_slab);
	if (s->node[0])
		kmem_cache_free(k, ss->kmem_cache_node, s->node[0]);
	kmem_cache_free(k, ss->kmem_cache, s);
}

/* See slab.h. */
int kmem_cache_destroy(struct kernel *k, struct kmem_cache *s)
{
	if (!s)
		return 0;
	if ((s->flags & SLAB_KMALLOC) || s == k->slab->kmem_cache || s == k->slab->kmem_cache_node) {
		kernel_bug(k, "kmem_cache_destroy %s: a boot cache cannot be destroyed", s->name);
		return -EINVAL;
	}
	if (--s->refcount > 0)
		return 0;
	kmem_cache_shrink(k, s);
	if (s->node[0]->nr_slabs) {
		s->refcount++;
		kernel_bug(k, "kmem_cache_destroy %s: Slab cache still has objects", s->name);
		return -EBUSY;
	}
	free_kmem_cache(k, s);
	return 0;
}

/* ---- boot ------------------------------------------------------------------------- */

/* Move a statically allocated boot cache into an object of kmem_cache, and
 * repoint its slabs (Linux: bootstrap). */
static struct kmem_cache *bootstrap(struct kernel *k, struct kmem_cache *static_cache)
{
	struct slab_state *ss = k->slab;
	struct kmem_cache *s = kmem_cache_alloc(k, ss->kmem_cache, GFP_NOWAIT | __GFP_ZERO);

	if (!s)
		return NULL;
	flush_all(k, static_cache);
	memcpy(s, static_cache, sizeof *s);
	for_each_list_pfn(k, s->node[0]->partial, pfn)
		page_slab(pfn_to_page(k, pfn))->slab_cache = s;
	list_add_cache(ss, s);
	return s;
}

/* See slab.h. */
int kmem_cache_init(struct kernel *k)
{
	struct slab_state *ss = calloc(1, sizeof *ss);
	int err;

	if (!ss)
		return -ENOMEM;
	k->slab = ss;
	ss->shadow_bytes = PAGE_ALIGN(k->ram->size / 64);
	ss->shadow = mmap(NULL, ss->shadow_bytes, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ss->shadow == MAP_FAILED) {
		ss->shadow = NULL;
		return -ENOMEM;
	}
	k->slab_shadow = ss->shadow;
	err = kmem_cache_open(k, &ss->boot_kmem_cache_node, "kmem_cache_node",
			      KMEM_CACHE_NODE_SIZE, 0, SLAB_HWCACHE_ALIGN, NULL, NULL);
	ss->kmem_cache_node = &ss->boot_kmem_cache_node;
	ss->kmem_cache = &ss->boot_kmem_cache;
	if (!err)
		err = kmem_cache_open(k, &ss->boot_kmem_cache, "kmem_cache", KMEM_CACHE_SIZE,
				      0, SLAB_HWCACHE_ALIGN, NULL, NULL);
	if (!err && !(ss->kmem_cache = bootstrap(k, &ss->boot_kmem_cache)))
		err = -ENOMEM;
	if (!err && !(ss->kmem_cache_node = bootstrap(k, &ss->boot_kmem_cache_node)))
		err = -ENOMEM;
	if (!err)
		err = create_kmalloc_caches(k);
	return err;
}

/* See slab.h. */
void kmem_cache_destroy_all(struct kernel *k)
{
	struct slab_state *ss = k->slab;
	if (!ss)
		return;
	for (struct kmem_cache *s = ss->caches, *next; s; s = next) {
		next = s->next;
		if (s->cpu_slab != ss->boot_kmem_cache.cpu_slab &&
		    s->cpu_slab != ss->boot_kmem_cache_node.cpu_slab)
			free(s->cpu_slab);
	}
	free(ss->boot_kmem_cache.cpu_slab);
	free(ss->boot_kmem_cache_node.cpu_slab);
	if (ss->shadow)
		munmap(ss->shadow, ss->shadow_bytes);
	free(ss);
	k->slab = NULL;
}

