/* sim/kalloc.c — the simulated kernel's page and slab allocators, for
 * experiments. */
#include "sim/sim.h"
#include "common.h"

#include "kernel/gfp.h"
#include "kernel/mmzone.h"
#include "kernel/slab.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse gfp text into *out; records the error on s. */
static int parse_gfp(struct sim_machine *s, const char *gfp, gfp_t *out)
{
	if (gfp_parse(gfp ? gfp : "GFP_KERNEL", out))
		return sim_fail(s, -EINVAL, "'%s' is not a GFP mask (e.g. GFP_KERNEL|__GFP_ZERO)", gfp);
	return 0;
}

/* See sim.h. */
int sim_alloc_pages(mmsim_machine *m, const char *gfp, unsigned order, uint64_t *pfn)
{
	struct sim_machine *s = sim_machine(m);
	gfp_t g;
	int err = parse_gfp(s, gfp, &g);
	if (err)
		return err;
	if (order > MAX_PAGE_ORDER)
		return sim_fail(s, -EINVAL, "order %u is above MAX_PAGE_ORDER (%d)", order, MAX_PAGE_ORDER);
	struct page *page = alloc_pages(&s->kernel, g, order);
	if (!page)
		return sim_fail(s, -ENOMEM, "page allocation of order %u failed", order);
	*pfn = page_to_pfn(&s->kernel, page);
	return 0;
}

/* See sim.h. */
int sim_free_pages(mmsim_machine *m, uint64_t pfn, unsigned order)
{
	struct sim_machine *s = sim_machine(m);
	if (pfn >= s->kernel.max_pfn)
		return sim_fail(s, -EINVAL, "pfn %#" PRIx64 " is outside RAM", pfn);
	if (__free_pages(&s->kernel, pfn_to_page(&s->kernel, pfn), order))
		return sim_fail(s, -EINVAL, "pfn %#" PRIx64 " order %u is not an allocated block", pfn, order);
	return 0;
}

/* See sim.h. */
int sim_free_blocks(mmsim_machine *m, const char *zone, const char *mt, uint64_t counts[11])
{
	struct sim_machine *s = sim_machine(m);
	static const char *const types[MIGRATE_TYPES] = {
		"Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate"
	};
	int type = -1, found = 0;

	for (int i = 0; mt && i < MIGRATE_TYPES; i++)
		if (!strcmp(types[i], mt))
			type = i;
	memset(counts, 0, 11 * sizeof *counts);
	for_each_online_node(&s->kernel, nid) {          /* the zone of that name on every node */
		struct pglist_data *pgdat = s->kernel.node_data[nid];
		for (int i = 0; i < MAX_NR_ZONES; i++) {
			struct zone *z = &pgdat->node_zones[i];
			if (!zone || strcmp(z->name, zone) || !populated_zone(z) || (mt && type < 0))
				continue;
			found++;
			for (int o = 0; o < NR_PAGE_ORDERS; o++)
				counts[o] += type < 0 ? z->free_area[o].nr_free : z->free_area[o].nr_free_mt[type];
		}
	}
	if (!found)
		return sim_fail(s, -ENOENT, "no populated zone '%s' or migratetype '%s'",
				zone ? zone : "(null)", mt ? mt : "(all)");
	return 0;
}

/* See sim.h. */
void sim_drain_pages(mmsim_machine *m)
{
	struct sim_machine *s = sim_machine(m);
	drain_all_pages(&s->kernel, NULL);
}

/* The API's constructor: fill the object with the cache's pattern. */
static void pattern_ctor(void *obj, void *arg)
{
	const struct sim_cache *c = arg;
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

/* The live cache of a handle, or NULL (error recorded on s). */
static struct sim_cache *cache_of(struct sim_machine *s, int h)
{
	if (h < 1 || h > s->nr_caches || !s->caches[h - 1]->s) {
		sim_fail(s, -EINVAL, "%d is not a live slab cache handle", h);
		return NULL;
	}
	return s->caches[h - 1];
}

/* See sim.h. */
int sim_kmem_cache_create(mmsim_machine *m, const char *name, size_t size, size_t align,
			    const char *flags, const char *ctor_pattern)
{
	struct sim_machine *s = sim_machine(m);
	unsigned f;
	int err;
	if (parse_slab_flags(flags, &f))
		return sim_fail(s, -EINVAL, "'%s' is not a set of slab flags", flags);
	size_t plen = ctor_pattern ? strlen(ctor_pattern) : 0;
	if (ctor_pattern && !plen)
		return sim_fail(s, -EINVAL, "the constructor pattern is empty");
	struct sim_cache *c = calloc(1, sizeof *c + plen + 1);
	struct sim_cache **v = realloc(s->caches, sizeof *v * (size_t)(s->nr_caches + 1));
	if (!c || !v) {
		free(c);
		if (v)
			s->caches = v;
		return sim_fail(s, -ENOMEM, "out of host memory");
	}
	s->caches = v;
	c->object_size = size;
	c->pattern_len = plen;
	if (plen)
		memcpy(c->pattern, ctor_pattern, plen);
	c->s = kmem_cache_create(&s->kernel, name, size, align, f, plen ? pattern_ctor : NULL, c, &err);
	if (!c->s) {
		free(c);
		return sim_fail(s, err, "kmem_cache_create(%s, %zu, %zu): %s", name ? name : "(null)",
				size, align, mmsim_strerror(err));
	}
	s->caches[s->nr_caches++] = c;
	return s->nr_caches;
}

/* See sim.h. */
int sim_kmem_cache_destroy(mmsim_machine *m, int h)
{
	struct sim_machine *s = sim_machine(m);
	struct sim_cache *c = cache_of(s, h);
	if (!c)
		return -EINVAL;
	int err = kmem_cache_destroy(&s->kernel, c->s);
	if (err)
		return sim_fail(s, err, "kmem_cache_destroy: the cache still has objects");
	c->s = NULL;
	return 0;
}

/* See sim.h. */
int sim_kmem_cache_alloc(mmsim_machine *m, int h, const char *gfp, uint64_t *addr)
{
	struct sim_machine *s = sim_machine(m);
	struct sim_cache *c = cache_of(s, h);
	gfp_t g;
	if (!c)
		return -EINVAL;
	int err = parse_gfp(s, gfp, &g);
	if (err)
		return err;
	void *obj = kmem_cache_alloc(&s->kernel, c->s, g);
	if (!obj)
		return sim_fail(s, -ENOMEM, "kmem_cache_alloc: no memory for a new slab");
	*addr = kaddr(&s->kernel, obj);
	return 0;
}

/* A kernel virtual address in the direct map as a host pointer, or NULL. */
static void *kva_ptr(struct sim_machine *s, uint64_t addr, size_t len)
{
	if (addr < PAGE_OFFSET || !ram_contains(&s->ram, addr - PAGE_OFFSET, len ? len : 1))
		return NULL;
	return phys_to_virt(&s->kernel, addr - PAGE_OFFSET);
}

/* See sim.h. */
int sim_kmem_cache_free(mmsim_machine *m, int h, uint64_t addr)
{
	struct sim_machine *s = sim_machine(m);
	struct sim_cache *c = cache_of(s, h);
	if (!c)
		return -EINVAL;
	void *p = kva_ptr(s, addr, 1);
	if (!p || kmem_cache_free(&s->kernel, c->s, p))
		return sim_fail(s, -EINVAL, "%#" PRIx64 " is not an allocated object of this cache", addr);
	return 0;
}

/* See sim.h. */
int sim_kmem_cache_shrink(mmsim_machine *m, int h)
{
	struct sim_machine *s = sim_machine(m);
	struct sim_cache *c = cache_of(s, h);
	return c ? kmem_cache_shrink(&s->kernel, c->s) : -EINVAL;
}

/* See sim.h. */
int sim_kmalloc(mmsim_machine *m, size_t size, const char *gfp, uint64_t *addr)
{
	struct sim_machine *s = sim_machine(m);
	gfp_t g;
	int err = parse_gfp(s, gfp, &g);
	if (err)
		return err;
	if (!size || size > KMALLOC_MAX_SIZE)
		return sim_fail(s, -EINVAL, "kmalloc size %zu is outside 1..%zu", size, KMALLOC_MAX_SIZE);
	void *p = kmalloc(&s->kernel, size, g);
	if (!p)
		return sim_fail(s, -ENOMEM, "kmalloc(%zu) failed", size);
	*addr = kaddr(&s->kernel, p);
	return 0;
}

/* See sim.h. */
int sim_kfree(mmsim_machine *m, uint64_t addr)
{
	struct sim_machine *s = sim_machine(m);
	void *p = kva_ptr(s, addr, 1);
	if (!p || kfree(&s->kernel, p))
		return sim_fail(s, -EINVAL, "%#" PRIx64 " is not an allocated kmalloc object", addr);
	return 0;
}

/* See sim.h. */
int sim_kread(mmsim_machine *m, uint64_t addr, void *buf, size_t len)
{
	struct sim_machine *s = sim_machine(m);
	void *p = kva_ptr(s, addr, len);
	if (!p)
		return sim_fail(s, -EFAULT, "%#" PRIx64 "+%zu is not in the direct map", addr, len);
	memcpy(buf, p, len);
	return 0;
}

/* See sim.h. */
int sim_kmem_cache_info(mmsim_machine *m, int h, struct mmsim_slabinfo *info)
{
	struct sim_machine *s = sim_machine(m);
	struct sim_cache *c = cache_of(s, h);
	struct slabinfo si;
	if (!c)
		return -EINVAL;
	get_slabinfo(&s->kernel, c->s, &si);
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

/* See sim.h. The handles' records, not the caches: those go with the
 * kernel. */
void sim_free_caches(struct sim_machine *s)
{
	for (int i = 0; i < s->nr_caches; i++)
		free(s->caches[i]);
	free(s->caches);
}
