/* api/kalloc.c — the kernel's page and slab allocators, for experiments,
 * handed to the machine's backend (api/backend.h). */
#include "api/api.h"

#include <errno.h>

/* See mmsim.h. */
int mmsim_alloc_pages(mmsim_machine *m, const char *gfp, unsigned order, uint64_t *pfn)
{
	if (!API_SERVES(m, alloc_pages))
		return -EOPNOTSUPP;
	return (int)api_result(m, "alloc_pages", m->ops->alloc_pages(m, gfp, order, pfn));
}

/* See mmsim.h. */
int mmsim_free_pages(mmsim_machine *m, uint64_t pfn, unsigned order)
{
	if (!API_SERVES(m, free_pages))
		return -EOPNOTSUPP;
	return (int)api_result(m, "free_pages", m->ops->free_pages(m, pfn, order));
}

/* See mmsim.h. */
int mmsim_free_blocks(mmsim_machine *m, const char *zone, const char *migratetype, uint64_t counts[11])
{
	if (!API_SERVES(m, free_blocks))
		return -EOPNOTSUPP;
	return (int)api_result(m, "free_blocks", m->ops->free_blocks(m, zone, migratetype, counts));
}

/* See mmsim.h. A backend without per-CPU lists has nothing to drain. */
void mmsim_drain_pages(mmsim_machine *m)
{
	if (m->ops->drain_pages)
		m->ops->drain_pages(m);
}

/* See mmsim.h. */
int mmsim_kmem_cache_create(mmsim_machine *m, const char *name, size_t size, size_t align,
			    const char *flags, const char *ctor_pattern)
{
	if (!API_SERVES(m, kmem_cache_create))
		return -EOPNOTSUPP;
	return (int)api_result(m, "kmem_cache_create",
			       m->ops->kmem_cache_create(m, name, size, align, flags, ctor_pattern));
}

/* See mmsim.h. */
int mmsim_kmem_cache_destroy(mmsim_machine *m, int cache)
{
	if (!API_SERVES(m, kmem_cache_destroy))
		return -EOPNOTSUPP;
	return (int)api_result(m, "kmem_cache_destroy", m->ops->kmem_cache_destroy(m, cache));
}

/* See mmsim.h. */
int mmsim_kmem_cache_alloc(mmsim_machine *m, int cache, const char *gfp, uint64_t *addr)
{
	if (!API_SERVES(m, kmem_cache_alloc))
		return -EOPNOTSUPP;
	return (int)api_result(m, "kmem_cache_alloc", m->ops->kmem_cache_alloc(m, cache, gfp, addr));
}

/* See mmsim.h. */
int mmsim_kmem_cache_free(mmsim_machine *m, int cache, uint64_t addr)
{
	if (!API_SERVES(m, kmem_cache_free))
		return -EOPNOTSUPP;
	return (int)api_result(m, "kmem_cache_free", m->ops->kmem_cache_free(m, cache, addr));
}

/* See mmsim.h. */
int mmsim_kmem_cache_shrink(mmsim_machine *m, int cache)
{
	if (!API_SERVES(m, kmem_cache_shrink))
		return -EOPNOTSUPP;
	return (int)api_result(m, "kmem_cache_shrink", m->ops->kmem_cache_shrink(m, cache));
}

/* See mmsim.h. */
int mmsim_kmem_cache_info(mmsim_machine *m, int cache, struct mmsim_slabinfo *info)
{
	if (!API_SERVES(m, kmem_cache_info))
		return -EOPNOTSUPP;
	return (int)api_result(m, "kmem_cache_info", m->ops->kmem_cache_info(m, cache, info));
}

/* See mmsim.h. */
int mmsim_kmalloc(mmsim_machine *m, size_t size, const char *gfp, uint64_t *addr)
{
	if (!API_SERVES(m, kmalloc))
		return -EOPNOTSUPP;
	return (int)api_result(m, "kmalloc", m->ops->kmalloc(m, size, gfp, addr));
}

/* See mmsim.h. */
int mmsim_kfree(mmsim_machine *m, uint64_t addr)
{
	if (!API_SERVES(m, kfree))
		return -EOPNOTSUPP;
	return (int)api_result(m, "kfree", m->ops->kfree(m, addr));
}

/* See mmsim.h. */
int mmsim_kread(mmsim_machine *m, uint64_t addr, void *buf, size_t len)
{
	if (!API_SERVES(m, kread))
		return -EOPNOTSUPP;
	return (int)api_result(m, "kread", m->ops->kread(m, addr, buf, len));
}
