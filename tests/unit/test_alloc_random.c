/*
 * Randomized tests of the page and slab allocators against a simple model:
 * millions of mixed allocations and frees with random orders, sizes, flags
 * and CPUs. Every live block is stamped with its own pattern and checked when
 * freed (so overlapping blocks or lost data show), the model checks zones,
 * alignment and zeroing, and the consistency checker runs periodically. When
 * everything is freed, memory must be back in its initial state.
 */
#include "helpers.h"

#include "common.h"
#include "kernel/page_alloc_internal.h"
#include "kernel/slab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OPS       2000000
#define CHECK_EVERY 100000
#define MAX_LIVE  4096

static uint64_t rng_state;

/* splitmix64: deterministic, seedable. */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct block {
	struct page *page;
	unsigned order;
	uint64_t stamp;
};

/* Stamp the first and last 8 bytes of every frame of a block. */
static void stamp(struct kernel *k, struct block *b)
{
	uint8_t *p = page_address(k, b->page);
	for (uint64_t i = 0; i < (1ULL << b->order); i++) {
		memcpy(p + i * PAGE_SIZE, &b->stamp, 8);
		memcpy(p + (i + 1) * PAGE_SIZE - 8, &b->stamp, 8);
	}
}

static void check_stamp(struct kernel *k, const struct block *b)
{
	uint8_t *p = page_address(k, b->page);
	for (uint64_t i = 0; i < (1ULL << b->order); i++) {
		cr_assert_eq(memcmp(p + i * PAGE_SIZE, &b->stamp, 8), 0, "block data overwritten");
		cr_assert_eq(memcmp(p + (i + 1) * PAGE_SIZE - 8, &b->stamp, 8), 0, "block data overwritten");
	}
}

static const gfp_t gfps[] = {
	GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_USER, GFP_KERNEL | __GFP_DMA, GFP_KERNEL | __GFP_DMA32,
	GFP_ATOMIC, GFP_KERNEL | __GFP_ZERO, GFP_KERNEL | __GFP_COMP, __GFP_RECLAIMABLE | GFP_KERNEL,
	GFP_NOWAIT,
};

/* Random order, mostly small, as real kernels ask. */
static unsigned random_order(void)
{
	uint64_t r = rnd() % 100;
	if (r < 70)
		return 0;
	if (r < 90)
		return 1 + (unsigned)(rnd() % 3);
	return (unsigned)(rnd() % (MAX_PAGE_ORDER + 1));
}

static void check_new_block(struct tk *t, struct page *p, unsigned order, gfp_t gfp)
{
	uint64_t pfn = page_to_pfn(&t->k, p);
	cr_assert_eq(pfn & ((1ULL << order) - 1), 0, "block not aligned to its order");
	cr_assert_lt(gfp_zone(gfp) == ZONE_DMA ? pfn : 0, 4096, "GFP_DMA outside zone DMA");
	cr_assert_lt(gfp_zone(gfp) == ZONE_DMA32 ? pfn : 0, 1ULL << 20, "GFP_DMA32 above 4 GiB");
	if (gfp & __GFP_ZERO) {
		const uint64_t *w = page_address(&t->k, p);
		for (uint64_t i = 0; i < (PAGE_SIZE << order) / 8; i++)
			cr_assert_eq(w[i], 0, "__GFP_ZERO block not zero");
	}
}

static void snapshot(struct kernel *k, uint64_t out[MAX_NR_ZONES][NR_PAGE_ORDERS])
{
	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			out[z][o] = k->node_data[0]->node_zones[z].free_area[o].nr_free;
}

Test(alloc_random, buddy_against_a_model, .timeout = 120)
{
	tk_skip_without_memory(640ULL << 20);     /* it stamps about 530 MiB of its RAM */
	struct tk *t = tk_boot(6ULL << 30, 2);    /* DMA, DMA32 and Normal */
	static struct block live[MAX_LIVE];
	uint64_t initial[MAX_NR_ZONES][NR_PAGE_ORDERS], final[MAX_NR_ZONES][NR_PAGE_ORDERS];
	int nlive = 0;

	rng_state = 42;
	drain_all_pages(&t->k, NULL);
	snapshot(&t->k, initial);
	for (int op = 1; op <= OPS; op++) {
		t->k.this_cpu = (int)(rnd() & 1);
		if (nlive < MAX_LIVE && (nlive == 0 || rnd() % 100 < 52)) {
			unsigned order = random_order();
			gfp_t gfp = gfps[rnd() % ARRAY_SIZE(gfps)] | __GFP_NOWARN;
			struct page *p = alloc_pages(&t->k, gfp, order);
			if (!p)
				continue;
			check_new_block(t, p, order, gfp);
			live[nlive] = (struct block){ p, order, rnd() };
			stamp(&t->k, &live[nlive++]);
		} else {
			int i = (int)(rnd() % (uint64_t)nlive);
			check_stamp(&t->k, &live[i]);
			cr_assert_eq(__free_pages(&t->k, live[i].page, live[i].order), 0);
			live[i] = live[--nlive];
		}
		if (op % CHECK_EVERY == 0)
			tk_assert_consistent(t);
		if (op % 250000 == 0)
			drain_all_pages(&t->k, NULL);
	}
	while (nlive) {
		check_stamp(&t->k, &live[nlive - 1]);
		cr_assert_eq(__free_pages(&t->k, live[nlive - 1].page, live[nlive - 1].order), 0);
		nlive--;
	}
	drain_all_pages(&t->k, NULL);
	tk_assert_consistent(t);
	snapshot(&t->k, final);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			cr_assert_eq(final[z][o], initial[z][o], "zone %d order %d: %lu free blocks, %lu at start",
				     z, o, final[z][o], initial[z][o]);
	cr_assert_eq(t->k.nr_bug_reports, 0);
	tk_free(t);
}

struct object {
	void *p;
	struct kmem_cache *s;    /* NULL for kmalloc */
	size_t size;
	uint8_t fill;
};

static void fill_object(struct object *o)
{
	memset(o->p, o->fill, o->size);
}

static void check_object(const struct object *o)
{
	const uint8_t *b = o->p;
	for (size_t i = 0; i < o->size; i++)
		cr_assert_eq(b[i], o->fill, "object byte %zu overwritten", i);
}

static size_t random_size(void)
{
	uint64_t r = rnd() % 100;
	if (r < 60)
		return 1 + rnd() % 256;
	if (r < 95)
		return 1 + rnd() % 8192;
	return 8193 + rnd() % (64 * 1024);     /* beyond the caches: whole pages */
}

Test(alloc_random, slab_against_a_model, .timeout = 120)
{
	struct tk *t = tk_boot(1ULL << 30, 2);
	static struct object live[MAX_LIVE];
	struct kmem_cache *caches[4];
	size_t sizes[4] = { 24, 100, 700, 3000 };
	int nlive = 0, err;

	rng_state = 7;
	for (int i = 0; i < 4; i++) {
		char name[16];
		snprintf(name, sizeof name, "rand%d", i);
		caches[i] = kmem_cache_create(&t->k, name, sizes[i], 0, SLAB_NO_MERGE, NULL, NULL, &err);
		cr_assert_not_null(caches[i]);
	}
	uint64_t slab_before = global_node_page_state_pages(&t->k, NR_SLAB_UNRECLAIMABLE_B);
	for (int op = 1; op <= OPS; op++) {
		t->k.this_cpu = (int)(rnd() & 1);
		if (nlive < MAX_LIVE && (nlive == 0 || rnd() % 100 < 52)) {
			struct object *o = &live[nlive];
			int c = (int)(rnd() % 5);
			o->s = c < 4 ? caches[c] : NULL;
			o->size = o->s ? sizes[c] : random_size();
			o->p = o->s ? kmem_cache_alloc(&t->k, o->s, GFP_KERNEL) : kmalloc(&t->k, o->size, GFP_KERNEL);
			cr_assert_not_null(o->p);
			if (!o->s)
				cr_assert_geq(ksize(&t->k, o->p), o->size);
			o->fill = (uint8_t)rnd();
			fill_object(o);
			nlive++;
		} else {
			int i = (int)(rnd() % (uint64_t)nlive);
			check_object(&live[i]);
			int rc = live[i].s ? kmem_cache_free(&t->k, live[i].s, live[i].p) : kfree(&t->k, live[i].p);
			cr_assert_eq(rc, 0);
			live[i] = live[--nlive];
		}
		if (op % CHECK_EVERY == 0)
			tk_assert_consistent(t);
	}
	while (nlive--) {
		check_object(&live[nlive]);
		cr_assert_eq(live[nlive].s ? kmem_cache_free(&t->k, live[nlive].s, live[nlive].p)
					   : kfree(&t->k, live[nlive].p), 0);
	}
	for (int i = 0; i < 4; i++)
		cr_assert_eq(kmem_cache_destroy(&t->k, caches[i]), 0, "empty caches go away");
	for (struct kmem_cache *s = kmem_cache_first(&t->k); s; s = kmem_cache_next(&t->k, s))
		kmem_cache_shrink(&t->k, s);
	tk_assert_consistent(t);
	cr_assert_leq(global_node_page_state_pages(&t->k, NR_SLAB_UNRECLAIMABLE_B), slab_before,
		      "shrinking gives every emptied slab back");
	cr_assert_eq(t->k.nr_bug_reports, 0);
	tk_free(t);
}
