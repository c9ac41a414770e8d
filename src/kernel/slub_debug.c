/*
 * kernel/slub_debug.c — consistency checks of the slab allocator, run by the
 * frame walk of debug_vm.c (Linux: the validate_slab family of mm/slub.c).
 */
#include "kernel/slab_internal.h"

/* Is s one of the caches on the list? */
static bool cache_known(struct kernel *k, const struct kmem_cache *s)
{
	for (struct kmem_cache *c = k->slab->caches; c; c = c->next)
		if (c == s)
			return true;
	return false;
}

/* The CPU whose active slab page is, or -1. */
static int owning_cpu(struct kernel *k, const struct kmem_cache *s, const struct page *page)
{
	for (int c = 0; c < k->nr_cpus; c++)
		if (s->cpu_slab[c].slab == page)
			return c;
	return -1;
}

/* Walk a freelist of page starting at obj: count its objects, checking each
 * is an object start inside the slab, marked free, and that the list ends.
 * Returns problems found. */
static uint64_t check_freelist(struct kernel *k, const struct kmem_cache *s, struct page *page,
			       void *obj, unsigned *count)
{
	uint8_t *base = slab_address(k, page);
	unsigned objects = page_slab(page)->objects;

	for (; obj; obj = get_freepointer(k, s, obj)) {
		uint64_t off = (uint64_t)((uint8_t *)obj - base);
		if ((uint8_t *)obj < base || off % s->size || off / s->size >= objects) {
			kernel_bug(k, "slab %s: freelist leaves its slab at %#" PRIx64, s->name, kaddr(k, obj));
			return 1;
		}
		if (shadow_test(k->slab_shadow, virt_to_phys(k, obj))) {
			kernel_bug(k, "slab %s: object %#" PRIx64 " is on a freelist but allocated",
				   s->name, kaddr(k, obj));
			return 1;
		}
		if (++*count > objects) {
			kernel_bug(k, "slab %s: freelist of slab %#" PRIx64 " loops", s->name, kaddr(k, base));
			return 1;
		}
	}
	return 0;
}

/* See slab.h. */
void slab_check_begin(struct kernel *k)
{
	for (struct kmem_cache *s = k->slab->caches; s; s = s->next)
		s->chk_slabs = s->chk_objs = s->chk_partial = 0;
}

/* See slab.h. */
uint64_t slab_check_page(struct kernel *k, struct page *page)
{
	struct slab *slab = page_slab(page);
	struct kmem_cache *s = slab->slab_cache;
	uint8_t *base = slab_address(k, page);
	unsigned nfree = 0, nalloc = 0, remote = 0;
	uint64_t bad = 0;

	if (!cache_known(k, s)) {
		kernel_bug(k, "slab at %#" PRIx64 " points to no known cache", kaddr(k, base));
		return 1;
	}
	if (slab->objects != (PAGE_SIZE << page_order(page)) / s->size) {
		kernel_bug(k, "slab %s at %#" PRIx64 ": %u objects for its order", s->name,
			   kaddr(k, base), slab->objects);
		return 1;
	}
	for (unsigned i = 0; i < slab->objects; i++)
		nalloc += shadow_test(k->slab_shadow, virt_to_phys(k, base + (size_t)i * s->size));
	int cpu = owning_cpu(k, s, page);
	if (slab->frozen != (cpu >= 0)) {
		kernel_bug(k, "slab %s at %#" PRIx64 ": frozen=%u but owned by cpu %d", s->name,
			   kaddr(k, base), slab->frozen, cpu);
		return 1;
	}
	bad += check_freelist(k, s, page, slab_freelist(k, page), &remote);
	nfree = remote;
	if (cpu >= 0)
		bad += check_freelist(k, s, page, s->cpu_slab[cpu].freelist, &nfree);
	if (!bad && (nalloc + nfree != slab->objects || slab->inuse != slab->objects - remote)) {
		kernel_bug(k, "slab %s at %#" PRIx64 ": %u allocated + %u free != %u objects (inuse %u)",
			   s->name, kaddr(k, base), nalloc, nfree, slab->objects, slab->inuse);
		bad++;
	}
	s->chk_slabs++;
	s->chk_objs += slab->objects;
	if (!slab->frozen && slab->inuse < slab->objects)
		s->chk_partial++;
	return bad;
}

/* See slab.h. */
uint64_t slab_check_end(struct kernel *k)
{
	uint64_t bad = 0;
	for (struct kmem_cache *s = k->slab->caches; s; s = s->next) {
		struct kmem_cache_node *n = s->node[0];
		if (s->chk_slabs != n->nr_slabs || s->chk_objs != n->total_objects ||
		    s->chk_partial != n->nr_partial) {
			kernel_bug(k, "slab %s: found %" PRIu64 " slabs/%" PRIu64 " objects/%" PRIu64
				   " partial, counted %" PRIu64 "/%" PRIu64 "/%" PRIu64, s->name,
				   s->chk_slabs, s->chk_objs, s->chk_partial, n->nr_slabs,
				   n->total_objects, n->nr_partial);
			bad++;
		}
	}
	return bad;
}
