/*
 * cli/demo.c — `mmsim demo`: the physical-memory allocators, shown with the
 * kernel's own numbers: the buddy allocator splitting a block for a request
 * and coalescing it when freed, and a slab cache reusing freed objects.
 * Every sentence it prints about the state is checked against that state
 * first.
 */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MOVABLE "GFP_HIGHUSER_MOVABLE"
#define MAX_HELD 4096

struct demo {
	mmsim_machine *m;
	const char *zone;         /* the zone movable requests come from */
	uint64_t held[MAX_HELD];  /* pfn << 4 | order of blocks set aside */
	int nheld;
};

static int fail(struct demo *d, const char *what)
{
	fprintf(stderr, "mmsim demo: %s: %s\n", what, mmsim_last_error(d->m));
	return 1;
}

/* The Movable free blocks of the zone, order by order. */
static void movable(struct demo *d, uint64_t c[11])
{
	mmsim_free_blocks(d->m, d->zone, "Movable", c);
}

static void print_row(struct demo *d, const char *label)
{
	uint64_t c[11];
	movable(d, c);
	printf("  %-34s", label);
	for (int o = 0; o < 11; o++)
		printf(" %5" PRIu64, c[o]);
	printf("\n");
}

/* Allocate a block of order and keep it aside until the end. */
static int hold(struct demo *d, unsigned order)
{
	uint64_t pfn;
	if (d->nheld == MAX_HELD || mmsim_alloc_pages(d->m, MOVABLE, order, &pfn))
		return -1;
	d->held[d->nheld++] = pfn << 4 | order;
	return 0;
}

/* Set aside every free order-2 and order-3 block, and make sure an order-4
 * block is free: then an order-2 request must split the order-4 block
 * twice, the example the demo shows. */
static int prepare(struct demo *d)
{
	uint64_t c[11];
	mmsim_drain_pages(d->m);
	for (unsigned o = 2; o <= 3; o++)
		for (movable(d, c); c[o]; movable(d, c))
			if (hold(d, o))
				return -1;
	movable(d, c);
	if (!c[4] && hold(d, 4))       /* splitting a larger block leaves its buddy free */
		return -1;
	movable(d, c);
	return c[2] || c[3] || !c[4] ? -1 : 0;
}

static int demo_buddy(struct demo *d)
{
	uint64_t before[11], after[11], pfn;

	printf("== The buddy allocator: splitting and coalescing\n"
	       "Free memory is kept in blocks of 2^order pages, a free list per order.\n"
	       "Setting aside the free order-2 and order-3 blocks leaves order 4 (64 KiB) as\n"
	       "the smallest free block that can serve an order-2 (16 KiB) request.\n"
	       "Free Movable blocks of zone %s (as in /proc/pagetypeinfo):\n\n  %-34s",
	       d->zone, "order");
	for (int o = 0; o < 11; o++)
		printf(" %5d", o);
	printf("\n");
	if (prepare(d))
		return fail(d, "preparing the example");
	print_row(d, "before");
	movable(d, before);
	if (mmsim_alloc_pages(d->m, MOVABLE, 2, &pfn))
		return fail(d, "alloc order 2");
	movable(d, after);
	print_row(d, "after alloc_pages(order 2)");
	if (after[4] + 1 != before[4] || after[3] != before[3] + 1 || after[2] != before[2] + 1)
		return fail(d, "the split did not happen as expected");
	printf("\n  pfn %#" PRIx64 ": the order-4 block split 64 -> 32+32 KiB, then 32 -> 16+16;\n"
	       "  one half of each split went on a free list, the last 16 KiB to the caller.\n\n",
	       pfn);
	if (mmsim_free_pages(d->m, pfn, 2))
		return fail(d, "free order 2");
	movable(d, after);
	print_row(d, "after __free_pages(order 2)");
	if (memcmp(after, before, sizeof after))
		return fail(d, "the blocks did not coalesce back");
	printf("\n  Freed, the block found its buddy (pfn ^ (1 << order)) free and merged\n"
	       "  with it: 16+16 -> 32, 32+32 -> 64 KiB, as before the request.\n");
	for (int i = d->nheld - 1; i >= 0; i--)
		if (mmsim_free_pages(d->m, d->held[i] >> 4, d->held[i] & 15))
			return fail(d, "free");
	return 0;
}

/* A constructed cache: the constructor runs once per object, per slab. */
static int demo_slab(struct demo *d)
{
	struct mmsim_slabinfo si;
	uint64_t obj[3], again;
	char bytes[9] = { 0 };

	printf("\n== The slab allocator: object caching\n"
	       "A cache of 200-byte objects whose constructor writes \"CTOR\" into each.\n\n");
	int c = mmsim_kmem_cache_create(d->m, "demo_object", 200, 0, "hwcache_align", "CTOR");
	if (c < 0)
		return fail(d, "kmem_cache_create");
	for (int i = 0; i < 3; i++)
		if (mmsim_kmem_cache_alloc(d->m, c, "GFP_KERNEL", &obj[i]))
			return fail(d, "kmem_cache_alloc");
	mmsim_kmem_cache_info(d->m, c, &si);
	printf("  3 objects: %#" PRIx64 " %#" PRIx64 " %#" PRIx64 "\n", obj[0], obj[1], obj[2]);
	printf("  one slab of %u page(s) holds %u objects of %u bytes;\n"
	       "  the constructor ran %" PRIu64 " times: once per object of the new slab.\n",
	       si.pages_per_slab, si.objects_per_slab, si.objsize, si.ctor_calls);
	for (int i = 0; i < 3; i++)
		mmsim_kmem_cache_free(d->m, c, obj[i]);
	if (mmsim_kmem_cache_alloc(d->m, c, "GFP_KERNEL", &again) || mmsim_kread(d->m, again, bytes, 8))
		return fail(d, "kmem_cache_alloc");
	mmsim_kmem_cache_info(d->m, c, &si);
	printf("  freed all three, allocated again: %#" PRIx64 " still holds \"%s\";\n"
	       "  constructor runs so far: %" PRIu64 ". Free objects stay constructed.\n",
	       again, bytes, si.ctor_calls);
	mmsim_kmem_cache_free(d->m, c, again);
	return mmsim_kmem_cache_destroy(d->m, c) ? fail(d, "kmem_cache_destroy") : 0;
}

/* See cli.h. */
int cli_demo(struct cli *cli, int argc, char **argv)
{
	uint64_t c[11];
	(void)argv;
	if (argc) {
		fprintf(stderr, "usage: %s", cli->usage);
		return 2;
	}
	struct demo *d = calloc(1, sizeof *d);
	if (!d || !(d->m = cli_boot(cli))) {
		free(d);
		return 1;
	}
	d->zone = mmsim_free_blocks(d->m, "Normal", NULL, c) ? "DMA32" : "Normal";
	if (!strcmp(d->zone, "DMA32") && mmsim_free_blocks(d->m, "DMA32", NULL, c))
		d->zone = "DMA";
	int rc = demo_buddy(d);
	if (!rc)
		rc = demo_slab(d);
	if (!rc && mmsim_check(d->m)) {
		fprintf(stderr, "mmsim demo: the consistency checker found problems\n");
		rc = 1;
	}
	rc = cli_report(cli, d->m, rc);
	mmsim_machine_free(d->m);
	free(d);
	return rc;
}
