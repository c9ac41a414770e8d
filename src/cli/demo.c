/*
 * cli/demo.c — `mmsim demo`: the physical-memory half of the seeds, shown
 * with the kernel's own views: a buddy split and coalesce (seed 003 §4.1)
 * and slab object caching (§5.2).
 */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MOVABLE "GFP_HIGHUSER_MOVABLE"

/* Print the free blocks per order of every zone. */
static void show_buddyinfo(mmsim_machine *m, const char *when)
{
	char *text;
	printf("\n-- /proc/buddyinfo %s\n", when);
	if (!mmsim_proc_read(m, "/proc/buddyinfo", &text, NULL)) {
		fputs(text, stdout);
		free(text);
	}
}

static int fail(mmsim_machine *m, const char *what)
{
	fprintf(stderr, "mmsim demo: %s: %s\n", what, mmsim_last_error(m));
	return 1;
}

/* An order-2 request served by splitting an order-4 block, then freed. */
static int demo_buddy(mmsim_machine *m)
{
	uint64_t a, b;
	printf("== The buddy allocator (seed 003 section 4.1)\n"
	       "Free memory is kept in blocks of 2^order pages, one free list per order.\n"
	       "Columns below are orders 0..10: 4 KiB, 8 KiB, ... 4 MiB blocks.\n");
	show_buddyinfo(m, "on a fresh machine (all free memory in order-10 blocks)");
	if (mmsim_alloc_pages(m, MOVABLE, 4, &a))
		return fail(m, "alloc order 4");
	printf("\nalloc_pages(order=4) -> pfn %#" PRIx64 ": an order-10 block was split\n"
	       "10 -> 9+9 -> ... -> 4+4; the upper halves went onto the free lists.\n", a);
	show_buddyinfo(m, "after the order-4 allocation (one block at each order 4..9)");
	if (mmsim_alloc_pages(m, MOVABLE, 2, &b))
		return fail(m, "alloc order 2");
	printf("\nalloc_pages(order=2) -> pfn %#" PRIx64 ": no free order-2 or order-3 block,\n"
	       "so the order-4 block (64 KiB) was split: 64 -> 32+32, 32 -> 16+16.\n", b);
	show_buddyinfo(m, "after the order-2 allocation (order 4: -1, orders 3 and 2: +1)");
	if (mmsim_free_pages(m, b, 2) || mmsim_free_pages(m, a, 4))
		return fail(m, "free");
	printf("\n__free_pages(order=2) then (order=4): each block found its buddy\n"
	       "(pfn ^ (1 << order)) free and merged with it, back up to order 10.\n");
	show_buddyinfo(m, "after both frees (as on the fresh machine)");
	return 0;
}

/* A constructed cache: the constructor runs once per object, per slab. */
static int demo_slab(mmsim_machine *m)
{
	struct mmsim_slabinfo si;
	uint64_t obj[3];
	char bytes[9] = { 0 };

	printf("\n== The slab allocator (seed 003 section 5)\n"
	       "A cache of 200-byte objects whose constructor writes \"CTOR\" into each.\n");
	int c = mmsim_kmem_cache_create(m, "demo_object", 200, 0, "hwcache_align", "CTOR");
	if (c < 0)
		return fail(m, "kmem_cache_create");
	for (int i = 0; i < 3; i++)
		if (mmsim_kmem_cache_alloc(m, c, "GFP_KERNEL", &obj[i]))
			return fail(m, "kmem_cache_alloc");
	mmsim_kmem_cache_info(m, c, &si);
	printf("3 objects allocated at %#" PRIx64 ", %#" PRIx64 ", %#" PRIx64 "\n", obj[0], obj[1], obj[2]);
	printf("one slab of %u page(s) holds %u objects of %u bytes: the constructor ran %" PRIu64
	       " times, once per object of the new slab, not once per allocation.\n",
	       si.pages_per_slab, si.objects_per_slab, si.objsize, si.ctor_calls);
	for (int i = 0; i < 3; i++)
		mmsim_kmem_cache_free(m, c, obj[i]);
	mmsim_kmem_cache_alloc(m, c, "GFP_KERNEL", &obj[0]);
	mmsim_kread(m, obj[0], bytes, 8);
	mmsim_kmem_cache_info(m, c, &si);
	printf("freed all three and allocated again: got %#" PRIx64 ", still holding \"%s\";\n"
	       "constructor runs so far: %" PRIu64 " (objects stay constructed while free).\n",
	       obj[0], bytes, si.ctor_calls);
	mmsim_kmem_cache_free(m, c, obj[0]);
	mmsim_kmem_cache_destroy(m, c);
	return 0;
}

/* See cli.h. */
int cli_demo(struct cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc) {
		fprintf(stderr, "usage: %s", cli->usage);
		return 2;
	}
	mmsim_machine *m = cli_boot(cli);
	if (!m)
		return 1;
	int rc = demo_buddy(m);
	if (!rc)
		rc = demo_slab(m);
	if (!rc && mmsim_check(m)) {
		fprintf(stderr, "mmsim demo: the consistency checker found problems\n");
		rc = 1;
	}
	mmsim_machine_free(m);
	return rc;
}
