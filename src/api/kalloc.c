/* api/kalloc.c — the kernel's page and slab allocators, for experiments. */
#include "api/api.h"

#include "common.h"
#include "kernel/page_alloc_internal.h"
#include "kernel/slab.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse gfp text into *out; records the error on m. */
static int parse_gfp(mmsim_machine *m, const char *gfp, gfp_t *out)
{
	if (gfp_parse(gfp ? gfp : "GFP_KERNEL", out))
		return api_fail(m, -EINVAL, "'%s' is not a GFP mask (e.g. GFP_KERNEL|__GFP_ZERO)", gfp);
	return 0;
}

/* See mmsim.h. */
int mmsim_alloc_pages(mmsim_machine *m, const char *gfp, unsigned order, uint64_t *pfn)
{
	if (m->host)
		return api_host_unsupported(m, "alloc_pages", "the real kernel's allocators are not scriptable");
	gfp_t g;
	int err = parse_gfp(m, gfp, &g);
	if (err)
		return err;
	if (order > MAX_PAGE_ORDER)
		return api_fail(m, -EINVAL, "order %u is above MAX_PAGE_ORDER (%d)", order, MAX_PAGE_ORDER);
	struct page *page = alloc_pages(&m->kernel, g, order);
	if (!page)
		return api_fail(m, -ENOMEM, "page allocation of order %u failed", order);
	*pfn = page_to_pfn(&m->kernel, page);
	return 0;
}

/* See mmsim.h. */
int mmsim_free_pages(mmsim_machine *m, uint64_t pfn, unsigned order)
{
	if (m->host)
		return api_host_unsupported(m, "free_pages", "the real kernel's allocators are not scriptable");
	if (pfn >= m->kernel.max_pfn)
		return api_fail(m, -EINVAL, "pfn %#" PRIx64 " is outside RAM", pfn);
	if (__free_pages(&m->kernel, pfn_to_page(&m->kernel, pfn), order))
		return api_fail(m, -EINVAL, "pfn %#" PRIx64 " order %u is not an allocated block", pfn, order);
	return 0;
}

/* See mmsim.h. */
int mmsim_free_blocks(mmsim_machine *m, const char *zone, const char *mt, uint64_t counts[11])
{
	if (m->host)
		return api_host_unsupported(m, "free_blocks", "the real kernel's allocators are not scriptable");
	static const char *const types[MIGRATE_TYPES] = {
		"Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate"
	};
	struct pglist_data *pgdat = m->kernel.node_data[0];
	struct zone *z = NULL;
	int type = -1;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		if (zone && !strcmp(pgdat->node_zones[i].name, zone) && populated_zone(&pgdat->node_zones[i]))
			z = &pgdat->node_zones[i];
	for (int i = 0; mt && i < MIGRATE_TYPES; i++)
		if (!strcmp(types[i], mt))
			type = i;
	if (!z || (mt && type < 0))
		return api_fail(m, -ENOENT, "no populated zone '%s' or migratetype '%s'",
				zone ? zone : "(null)", mt ? mt : "(all)");
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		counts[o] = type < 0 ? z->free_area[o].nr_free : z->free_area[o].nr_free_mt[type];
	return 0;
}

/* See mmsim.h. */
void mmsim_drain_pages(mmsim_machine *m)
{
	if (m->host)
		return;
	drain_all_pages(&m->kernel, NULL);
}

/* The API's constructor: fill the object with the cache's pattern. */
static void pattern_ctor(void *obj, void *arg)
{
	const struct api_cache *c = arg;
	for (size_t i = 0; i < c->object_size; i++)
		((uint8_t *)obj)[i] = (uint8_t)c->pattern[i % c->pattern_len];
}

/* Parse "hwcache_align|reclaim_account|..." into SLAB_ flags. */
static int parse_slab_flags(const char *s, unsigned *out)
{
	static const struct { const char *name; unsigned flag; } names[] = {
		{ "hwcache_align", SLAB_HWCACHE_ALIGN }, { "cache_dma", SLAB_CACHE_DMA },
		{ "cache_dma32", SLAB_CACHE_DMA32 }, { "reclaim_account", SLAB_RECLAIM_ACCOUNT },
		{ "account", SLAB_ACCOUNT }, { "no_merge", SLAB_NO_MERGE },
		{ "typesafe_by_rcu", SLAB_TYPESAFE_BY_RCU }, { "panic", SLAB_PANIC },
	};
	*out = 0;
	while (s && *s) {
		size_t len = strcspn(s, "|"), i;
		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (strlen(names[i].name) == len && !strncmp(s, names[i].name, len))
				break;
		if (i == ARRAY_SIZE(names))
			return -EINVAL;
		*out |= names[i].flag;
		s += len + (s[len] == '|');
	}
	return 0;
}

/* The live cache of a handle, or NULL (error recorded on m). */
static struct api_cache *cache_of(mmsim_machine *m, int h)
{
	if (h < 1 || h > m->nr_caches || !m->caches[h - 1]->s) {
		api_fail(m, -EINVAL, "%d is not a live slab cache handle", h);
		return NULL;
	}
	return m->caches[h - 1];
}

/* See mmsim.h. */
int mmsim_kmem_cache_create(mmsim_machine *m, const char *name, size_t size, size_t align,
			    const char *flags, const char *ctor_pattern)
{
	if (m->host)
		return api_host_unsupported(m, "kmem_cache_create", "the real kernel's allocators are not scriptable");
	unsigned f;
	int err;
	if (parse_slab_flags(flags, &f))
		return api_fail(m, -EINVAL, "'%s' is not a set of slab flags", flags);
	size_t plen = ctor_pattern ? strlen(ctor_pattern) : 0;
	if (ctor_pattern && !plen)
		return api_fail(m, -EINVAL, "the constructor pattern is empty");
	struct api_cache *c = calloc(1, sizeof *c + plen + 1);
	struct api_cache **v = realloc(m->caches, sizeof *v * (size_t)(m->nr_caches + 1));
	if (!c || !v) {
		free(c);
		if (v)
			m->caches = v;
		return api_fail(m, -ENOMEM, "out of host memory");
	}
	m->caches = v;
	c->object_size = size;
	c->pattern_len = plen;
	if (plen)
		memcpy(c->pattern, ctor_pattern, plen);
	c->s = kmem_cache_create(&m->kernel, name, size, align, f, plen ? pattern_ctor : NULL, c, &err);
	if (!c->s) {
		free(c);
		return api_fail(m, err, "kmem_cache_create(%s, %zu, %zu): %s", name ? name : "(null)",
				size, align, mmsim_strerror(err));
	}
	m->caches[m->nr_caches++] = c;
	return m->nr_caches;
}

/* See mmsim.h. */
int mmsim_kmem_cache_destroy(mmsim_machine *m, int h)
{
	if (m->host)
		return api_host_unsupported(m, "kmem_cache_destroy", "the real kernel's allocators are not scriptable");
	struct api_cache *c = cache_of(m, h);
	if (!c)
		return -EINVAL;
	int err = kmem_cache_destroy(&m->kernel, c->s);
	if (err)
		return api_fail(m, err, "kmem_cache_destroy: the cache still has objects");
	c->s = NULL;
	return 0;
}

/* See mmsim.h. */
int mmsim_kmem_cache_alloc(mmsim_machine *m, int h, const char *gfp, uint64_t *addr)
{
	if (m->host)
		return api_host_unsupported(m, "kmem_cache_alloc", "the real kernel's allocators are not scriptable");
	struct api_cache *c = cache_of(m, h);
	gfp_t g;
	if (!c)
		return -EINVAL;
	int err = parse_gfp(m, gfp, &g);
	if (err)
		return err;
	void *obj = kmem_cache_alloc(&m->kernel, c->s, g);
	if (!obj)
		return api_fail(m, -ENOMEM, "kmem_cache_alloc: no memory for a new slab");
	*addr = kaddr(&m->kernel, obj);
	return 0;
}

/* A kernel virtual address in the direct map as a host pointer, or NULL. */
static void *kva_ptr(mmsim_machine *m, uint64_t addr, size_t len)
{
	if (addr < PAGE_OFFSET || !ram_contains(&m->ram, addr - PAGE_OFFSET, len ? len : 1))
		return NULL;
	return phys_to_virt(&m->kernel, addr - PAGE_OFFSET);
}

/* See mmsim.h. */
int mmsim_kmem_cache_free(mmsim_machine *m, int h, uint64_t addr)
{
	if (m->host)
		return api_host_unsupported(m, "kmem_cache_free", "the real kernel's allocators are not scriptable");
	struct api_cache *c = cache_of(m, h);
	if (!c)
		return -EINVAL;
	void *p = kva_ptr(m, addr, 1);
	if (!p || kmem_cache_free(&m->kernel, c->s, p))
		return api_fail(m, -EINVAL, "%#" PRIx64 " is not an allocated object of this cache", addr);
	return 0;
}

/* See mmsim.h. */
int mmsim_kmem_cache_shrink(mmsim_machine *m, int h)
{
	if (m->host)
		return api_host_unsupported(m, "kmem_cache_shrink", "the real kernel's allocators are not scriptable");
	struct api_cache *c = cache_of(m, h);
	return c ? kmem_cache_shrink(&m->kernel, c->s) : -EINVAL;
}

/* See mmsim.h. */
int mmsim_kmalloc(mmsim_machine *m, size_t size, const char *gfp, uint64_t *addr)
{
	if (m->host)
		return api_host_unsupported(m, "kmalloc", "the real kernel's allocators are not scriptable");
	gfp_t g;
	int err = parse_gfp(m, gfp, &g);
	if (err)
		return err;
	if (!size || size > KMALLOC_MAX_SIZE)
		return api_fail(m, -EINVAL, "kmalloc size %zu is outside 1..%zu", size, KMALLOC_MAX_SIZE);
	void *p = kmalloc(&m->kernel, size, g);
	if (!p)
		return api_fail(m, -ENOMEM, "kmalloc(%zu) failed", size);
	*addr = kaddr(&m->kernel, p);
	return 0;
}

/* See mmsim.h. */
int mmsim_kfree(mmsim_machine *m, uint64_t addr)
{
	if (m->host)
		return api_host_unsupported(m, "kfree", "the real kernel's allocators are not scriptable");
	void *p = kva_ptr(m, addr, 1);
	if (!p || kfree(&m->kernel, p))
		return api_fail(m, -EINVAL, "%#" PRIx64 " is not an allocated kmalloc object", addr);
	return 0;
}

/* See mmsim.h. */
int mmsim_kread(mmsim_machine *m, uint64_t addr, void *buf, size_t len)
{
	if (m->host)
		return api_host_unsupported(m, "kread", "the real kernel's allocators are not scriptable");
	void *p = kva_ptr(m, addr, len);
	if (!p)
		return api_fail(m, -EFAULT, "%#" PRIx64 "+%zu is not in the direct map", addr, len);
	memcpy(buf, p, len);
	return 0;
}

/* See mmsim.h. */
int mmsim_kmem_cache_info(mmsim_machine *m, int h, struct mmsim_slabinfo *info)
{
	if (m->host)
		return api_host_unsupported(m, "kmem_cache_info", "the real kernel's allocators are not scriptable");
	struct api_cache *c = cache_of(m, h);
	struct slabinfo si;
	if (!c)
		return -EINVAL;
	get_slabinfo(&m->kernel, c->s, &si);
	memset(info, 0, sizeof *info);
	snprintf(info->name, sizeof info->name, "%s", si.name);
	info->active_objs = si.active_objs;
	info->num_objs = si.num_objs;
	info->active_slabs = si.active_slabs;
	info->num_slabs = si.num_slabs;
	info->objsize = si.objsize;
	info->object_size = si.object_size;
	info->objects_per_slab = si.objects_per_slab;
	info->pages_per_slab = si.pages_per_slab;
	info->ctor_calls = si.ctor_calls;
	return 0;
}
