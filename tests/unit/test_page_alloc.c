/* The buddy allocator: split, coalesce, zones, migratetypes, per-CPU lists,
 * watermarks, the reclaim hook and refusal of bad frees. */
#include "helpers.h"

#include "kernel/page_alloc_internal.h"
#include "kernel/page_list.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define G (1ULL << 30)
#define M (1ULL << 20)

static struct zone *zone_of(struct tk *t, enum zone_type z)
{
	return &t->k.node_data[0]->node_zones[z];
}

static void snapshot(struct zone *z, uint64_t out[NR_PAGE_ORDERS])
{
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		out[o] = z->free_area[o].nr_free;
}

Test(page_alloc, split_takes_the_smallest_block_and_frees_the_halves)
{
	struct tk *t = tk_boot(1 * G, 1);
	struct zone *z = zone_of(t, ZONE_DMA32);
	uint64_t before[NR_PAGE_ORDERS], after[NR_PAGE_ORDERS];

	/* Empty orders 2..9 of the Movable lists so the next order-2 request must
	 * split an order-10 block. */
	for (unsigned o = 2; o < MAX_PAGE_ORDER; o++)
		while (!free_area_empty(z, o, MIGRATE_MOVABLE))
			cr_assert_not_null(alloc_pages(&t->k, GFP_HIGHUSER_MOVABLE, o));
	snapshot(z, before);
	struct page *p = alloc_pages(&t->k, GFP_HIGHUSER_MOVABLE, 2);
	cr_assert_not_null(p);
	snapshot(z, after);
	cr_assert_eq(after[MAX_PAGE_ORDER], before[MAX_PAGE_ORDER] - 1);
	for (unsigned o = 2; o < MAX_PAGE_ORDER; o++)
		cr_assert_eq(after[o], before[o] + 1, "order %u: %lu -> %lu", o, before[o], after[o]);
	cr_assert_eq(page_to_pfn(&t->k, p) % 1024, 0, "the lowest quarter of the block is kept");
	cr_assert_eq(__free_pages(&t->k, p, 2), 0);
	snapshot(z, after);
	cr_assert_arr_eq(after, before, sizeof before, "freeing coalesces back to order 10");
	tk_assert_consistent(t);
	tk_free(t);
}

Test(page_alloc, buddies_merge_only_with_their_buddy)
{
	struct tk *t = tk_boot(1 * G, 1);
	struct page *v[64];
	int a = -1, b = -1;

	for (int i = 0; i < 64; i++)
		v[i] = alloc_pages(&t->k, GFP_HIGHUSER_MOVABLE, 3);
	/* find two allocated blocks that are each other's buddy */
	for (int i = 0; i < 64 && a < 0; i++)
		for (int j = 0; j < 64; j++)
			if ((page_to_pfn(&t->k, v[i]) ^ 8) == page_to_pfn(&t->k, v[j]))
				a = i, b = j;
	cr_assert_geq(a, 0, "no buddy pair among 64 order-3 blocks");
	cr_assert_eq(__free_pages(&t->k, v[a], 3), 0);
	cr_assert(page_test(v[a], PG_buddy));
	cr_assert_eq(page_order(v[a]), 3, "its buddy is in use: no merge");
	cr_assert_eq(__free_pages(&t->k, v[b], 3), 0);
	struct page *head = v[a] < v[b] ? v[a] : v[b];
	cr_assert(page_test(head, PG_buddy) && page_order(head) >= 4, "merged upward");
	cr_assert_not(page_test(head == v[a] ? v[b] : v[a], PG_buddy), "the upper half is no head");
	for (int i = 0; i < 64; i++)
		if (i != a && i != b)
			cr_assert_eq(__free_pages(&t->k, v[i], 3), 0);
	tk_assert_consistent(t);
	tk_free(t);
}

Test(page_alloc, gfp_chooses_the_zone)
{
	struct tk *t = tk_boot(8 * G, 2);
	uint64_t ev_dma = t->k.vm_events[PGALLOC_DMA], ev_dma32 = t->k.vm_events[PGALLOC_DMA32];
	uint64_t ev_normal = t->k.vm_events[PGALLOC_NORMAL];
	uint64_t dma = page_to_pfn(&t->k, alloc_page(&t->k, GFP_KERNEL | __GFP_DMA));
	uint64_t dma32 = page_to_pfn(&t->k, alloc_page(&t->k, GFP_KERNEL | __GFP_DMA32));
	uint64_t normal = page_to_pfn(&t->k, alloc_page(&t->k, GFP_KERNEL));
	uint64_t user = page_to_pfn(&t->k, alloc_page(&t->k, GFP_HIGHUSER_MOVABLE));
	cr_assert_lt(dma, 4096);
	cr_assert(dma32 >= 4096 && dma32 < (1ULL << 20));
	cr_assert_geq(normal, 1ULL << 20);
	cr_assert_geq(user, 1ULL << 20);
	/* pgalloc counts pages taken from the buddy, here whole per-CPU batches */
	cr_assert_eq(t->k.vm_events[PGALLOC_DMA] - ev_dma, 1, "zone DMA's batch is 1");
	cr_assert_gt(t->k.vm_events[PGALLOC_DMA32], ev_dma32);
	cr_assert_gt(t->k.vm_events[PGALLOC_NORMAL], ev_normal);
	cr_assert_null(alloc_page(&t->k, __GFP_DMA | __GFP_DMA32), "DMA|DMA32 is invalid");
	cr_assert(tk_log_contains(t, "invalid gfp mask"));
	tk_free(t);
}

static uint64_t count_blocks(struct zone *z, enum migratetype mt)
{
	uint64_t n = 0;
	for (uint64_t pfn = z->zone_start_pfn; pfn < zone_end_pfn(z); pfn += pageblock_nr_pages)
		n += get_pfnblock_migratetype(z, pfn) == mt;
	return n;
}

Test(page_alloc, unmovable_request_steals_a_whole_pageblock)
{
	struct tk *t = tk_boot(1 * G, 1);
	struct zone *z = zone_of(t, ZONE_DMA32);
	uint64_t before = count_blocks(z, MIGRATE_UNMOVABLE), n = 0;
	struct page *p = NULL;

	/* Unmovable requests use up the Unmovable free pages, then fall back
	 * to a Movable block, claiming its pageblocks whole. */
	while (count_blocks(z, MIGRATE_UNMOVABLE) == before) {
		p = alloc_page(&t->k, GFP_KERNEL);
		cr_assert_not_null(p);
		cr_assert_lt(++n, 100000);
	}
	cr_assert_eq(count_blocks(z, MIGRATE_UNMOVABLE), before + 2,
		     "an order-10 block is two pageblocks");
	cr_assert_eq(count_blocks(z, MIGRATE_MOVABLE) + count_blocks(z, MIGRATE_UNMOVABLE),
		     (zone_end_pfn(z) - 1) / 512 - z->zone_start_pfn / 512 + 1);
	/* the page that triggered the steal came from the claimed block */
	cr_assert_eq(get_pfnblock_migratetype(z, page_to_pfn(&t->k, p)), MIGRATE_UNMOVABLE);
	tk_assert_consistent(t);
	tk_free(t);
}

Test(page_alloc, gfp_zero_clears_and_comp_builds_a_compound_page)
{
	struct tk *t = tk_boot(256 * M, 1);
	struct page *p = alloc_pages(&t->k, GFP_KERNEL, 2);
	memset(page_address(&t->k, p), 0xab, 4 * PAGE_SIZE);
	uint64_t pfn = page_to_pfn(&t->k, p);
	cr_assert_eq(__free_pages(&t->k, p, 2), 0);
	struct page *q = alloc_pages(&t->k, GFP_KERNEL | __GFP_ZERO | __GFP_COMP, 2);
	cr_assert_eq(page_to_pfn(&t->k, q), pfn, "the same block comes back");
	uint8_t *b = page_address(&t->k, q);
	for (size_t i = 0; i < 4 * PAGE_SIZE; i++)
		cr_assert_eq(b[i], 0, "byte %zu not zeroed", i);
	cr_assert(page_test(q, PG_head));
	for (int i = 1; i < 4; i++) {
		cr_assert(page_test(q + i, PG_tail));
		cr_assert_eq(q[i].private, (uint32_t)i);
	}
	tk_assert_consistent(t);
	cr_assert_eq(__free_pages(&t->k, q, 2), 0);
	cr_assert_eq(q[1].flags, 0, "tails are cleared on free");
	tk_assert_consistent(t);
	tk_free(t);
}

Test(page_alloc, pcp_refills_a_batch_and_drains_above_high)
{
	struct tk *t = tk_boot(4 * G, 2);
	struct zone *z = zone_of(t, ZONE_DMA32);
	struct per_cpu_pages *pcp = &z->per_cpu_pageset[0];
	drain_all_pages(&t->k, NULL);
	cr_assert_eq(pcp->batch, 63, "zone_batchsize of a zone over 1 GiB");
	uint64_t free_before = zone_page_state(z, NR_FREE_PAGES);
	struct page *p = alloc_page(&t->k, GFP_HIGHUSER_MOVABLE);
	cr_assert_eq(pcp->count, 62, "one batch came over, one page went out");
	cr_assert_eq(zone_page_state(z, NR_FREE_PAGES), free_before - 63,
		     "per-CPU pages do not count in NR_FREE_PAGES, as on Linux");
	cr_assert_eq(__free_pages(&t->k, p, 0), 0);
	cr_assert_eq(pcp->count, 63);
	cr_assert(page_test(p, PG_pcp));
	/* Free pages until the list passes high: a batch goes back. */
	int high = pcp->high, n = high + 10;
	struct page **v = calloc((size_t)n, sizeof *v);
	for (int i = 0; i < n; i++)
		v[i] = alloc_page(&t->k, GFP_HIGHUSER_MOVABLE);
	for (int i = 0; i < n; i++)
		cr_assert_eq(__free_pages(&t->k, v[i], 0), 0);
	cr_assert_lt(pcp->count, high, "count %d stays below high %d", pcp->count, high);
	tk_assert_consistent(t);
	drain_all_pages(&t->k, NULL);
	cr_assert_eq(pcp->count, 0);
	cr_assert_eq(zone_page_state(z, NR_FREE_PAGES), free_before);
	tk_assert_consistent(t);
	free(v);
	tk_free(t);
}

Test(page_alloc, cpus_have_separate_lists)
{
	struct tk *t = tk_boot(1 * G, 2);
	struct zone *z = zone_of(t, ZONE_DMA32);
	drain_all_pages(&t->k, NULL);
	t->k.this_cpu = 1;
	struct page *p = alloc_page(&t->k, GFP_HIGHUSER_MOVABLE);
	cr_assert_eq(z->per_cpu_pageset[1].count, z->per_cpu_pageset[1].batch - 1);
	cr_assert_eq(z->per_cpu_pageset[0].count, 0);
	t->k.this_cpu = 0;
	cr_assert_eq(__free_pages(&t->k, p, 0), 0);
	cr_assert_eq(z->per_cpu_pageset[0].count, 1, "freed to the freeing CPU's list");
	tk_assert_consistent(t);
	tk_free(t);
}

/* Hand-computed for a 4 GiB machine with 2 CPUs: 1048576 frames less 256
 * (first MiB), 8193 (mem_map + zero page) and 7 (two per-CPU areas of 2
 * pages, the cpu_entry_area's PUD, PMD and PTE tables) = 1040120 managed;
 * DMA 3840, DMA32 1036280. min_free_kbytes = int_sqrt(1040120 * 4 * 16) =
 * 8158; pages_min = 2039. */
Test(page_alloc, watermarks_follow_linux_formulas)
{
	struct tk *t = tk_boot(4 * G, 2);
	struct zone *dma = zone_of(t, ZONE_DMA), *dma32 = zone_of(t, ZONE_DMA32);
	cr_assert_eq(t->k.totalram_pages, 1040120);
	cr_assert_eq(t->k.sysctl.min_free_kbytes, 8158);
	cr_assert_eq(dma->_watermark[WMARK_MIN], 7);       /* 2039*3840/1040120 */
	cr_assert_eq(dma->_watermark[WMARK_LOW], 10);      /* + max(7>>2, 3840*10/10000) */
	cr_assert_eq(dma->_watermark[WMARK_HIGH], 13);
	cr_assert_eq(dma->_watermark[WMARK_PROMO], 16);
	cr_assert_eq(dma32->_watermark[WMARK_MIN], 2031);  /* 2039*1036280/1040120 */
	cr_assert_eq(dma32->_watermark[WMARK_LOW], 3067);  /* + max(507, 1036) */
	cr_assert_eq(dma32->_watermark[WMARK_HIGH], 4103);
	cr_assert_eq(dma->lowmem_reserve[ZONE_DMA32], 1036280 / 256);
	cr_assert_eq(dma->lowmem_reserve[ZONE_NORMAL], 1036280 / 256);
	cr_assert_eq(dma32->lowmem_reserve[ZONE_NORMAL], 0);
	/* totalreserve: DMA min(4047+13, 3840 managed), DMA32 0+4103 */
	cr_assert_eq(t->k.totalreserve_pages, 3840 + 4103);
	cr_assert_eq(dma32->per_cpu_pageset[0].high, 3067 / 2, "low watermark shared by 2 CPUs");
	cr_assert_eq(dma32->per_cpu_pageset[0].high_max, 1036280 / 8 / 2);
	cr_assert_eq(dma->stat_threshold, 4);
	tk_free(t);
}

Test(page_alloc, min_free_kbytes_sysctl_recomputes)
{
	struct tk *t = tk_boot(4 * G, 2);
	t->k.sysctl.min_free_kbytes = 67584;
	setup_per_zone_wmarks(&t->k);
	/* 16896 * 3840 / 1040120 */
	cr_assert_eq(zone_of(t, ZONE_DMA)->_watermark[WMARK_MIN], 62);
	tk_free(t);
}

/* Fill zone DMA with order-0 GFP_DMA allocations until one fails. */
static uint64_t fill_dma(struct tk *t, gfp_t gfp, struct page ***out)
{
	uint64_t n = 0, cap = 8192;
	struct page **v = malloc(cap * sizeof *v);
	struct page *p;
	while ((p = alloc_page(&t->k, gfp))) {
		cr_assert_lt(n, cap);
		v[n++] = p;
	}
	*out = v;
	return n;
}

Test(page_alloc, watermarks_stop_normal_requests_before_atomic_ones)
{
	struct tk *t = tk_boot(64 * M, 1);
	struct zone *z = zone_of(t, ZONE_DMA);
	struct page **v, **w;
	uint64_t n = fill_dma(t, GFP_KERNEL | __GFP_DMA, &v);
	int64_t free_pages = (int64_t)zone_page_state(z, NR_FREE_PAGES);
	/* Unmovable allocations took movable pageblocks: each steal boosted
	 * the watermarks by a pageblock (boost_watermark), up to 1.5 times the
	 * high watermark, and nothing ran kswapd to reclaim the boost away. */
	cr_assert_eq(z->watermark_boost, z->_watermark[WMARK_HIGH] * 15000 / 10000 > pageblock_nr_pages
						 ? z->_watermark[WMARK_HIGH] * 15000 / 10000 : pageblock_nr_pages);
	cr_assert_leq(free_pages, (int64_t)wmark_pages(z, WMARK_MIN) + 1,
		      "GFP_KERNEL stops at the boosted min watermark (free %ld, min %lu + boost %lu)", free_pages,
		      z->_watermark[WMARK_MIN], z->watermark_boost);
	cr_assert_gt(free_pages, (int64_t)z->_watermark[WMARK_MIN] + 1, "the boost kept pages back");
	cr_assert(tk_log_contains(t, "page allocation failure: order:0, mode:0xcc1(GFP_KERNEL|GFP_DMA)"));
	cr_assert_gt(t->k.vm_events[ALLOCSTALL_DMA], 0, "direct reclaim was tried");
	uint64_t m = fill_dma(t, GFP_ATOMIC | __GFP_DMA, &w);
	cr_assert_gt(m, 0, "GFP_ATOMIC dips into the reserve");
	cr_assert_gt(zone_page_state(z, NR_FREE_PAGES), 0, "but not to the bottom");
	struct page *last = alloc_page(&t->k, GFP_KERNEL | __GFP_DMA | __GFP_MEMALLOC);
	cr_assert_not_null(last, "__GFP_MEMALLOC ignores watermarks");
	__free_pages(&t->k, last, 0);
	for (uint64_t i = 0; i < n; i++)
		cr_assert_eq(__free_pages(&t->k, v[i], 0), 0);
	for (uint64_t i = 0; i < m; i++)
		cr_assert_eq(__free_pages(&t->k, w[i], 0), 0);
	tk_assert_consistent(t);
	free(v);
	free(w);
	tk_free(t);
}

/* A reclaim hook that frees the pages it was given. */
static struct page **hoard;
static uint64_t hoard_n, hook_calls;

static uint64_t give_back(struct kernel *k, gfp_t gfp, unsigned order)
{
	(void)gfp;
	(void)order;
	hook_calls++;
	uint64_t n = hoard_n < 32 ? hoard_n : 32;
	for (uint64_t i = 0; i < n; i++)
		__free_pages(k, hoard[--hoard_n], 0);
	drain_all_pages(k, NULL);
	return n;
}

Test(page_alloc, reclaim_hook_is_called_and_its_pages_used)
{
	struct tk *t = tk_boot(64 * M, 1);
	hoard_n = fill_dma(t, GFP_KERNEL | __GFP_DMA, &hoard);
	hook_calls = 0;
	t->k.reclaim = give_back;
	struct page *p = alloc_page(&t->k, GFP_KERNEL | __GFP_DMA);
	cr_assert_not_null(p, "the hook's pages satisfied the request");
	cr_assert_geq(hook_calls, 1);
	t->k.reclaim = NULL;
	__free_pages(&t->k, p, 0);
	while (hoard_n)
		__free_pages(&t->k, hoard[--hoard_n], 0);
	free(hoard);
	tk_assert_consistent(t);
	tk_free(t);
}

Test(page_alloc, nowarn_failures_are_silent)
{
	struct tk *t = tk_boot(64 * M, 1);
	struct page **v;
	uint64_t n = fill_dma(t, GFP_NOWAIT | __GFP_DMA, &v);
	cr_assert_not(tk_log_contains(t, "page allocation failure"));
	for (uint64_t i = 0; i < n; i++)
		__free_pages(&t->k, v[i], 0);
	free(v);
	cr_assert_null(alloc_pages(&t->k, GFP_KERNEL, MAX_PAGE_ORDER + 1));
	cr_assert(tk_log_contains(t, "order 11 is above MAX_PAGE_ORDER"));
	tk_free(t);
}

/* Every kind of bad free is refused with a report naming the pfn, and
 * changes nothing. */
Test(page_alloc, bad_frees_are_refused_and_reported)
{
	struct tk *t = tk_boot(256 * M, 1);
	struct kernel *k = &t->k;
	t->expect_bugs = true;
	struct page *p = alloc_pages(k, GFP_KERNEL, 2);
	struct page *c = alloc_pages(k, GFP_KERNEL | __GFP_COMP, 2);
	uint64_t pfn = page_to_pfn(k, p);
	char want[64];

	cr_assert_eq(__free_pages(k, p, 1), -EINVAL);
	snprintf(want, sizeof want, "pfn:%05lx order:1: freeing with an order other", (unsigned long)pfn);
	cr_assert(tk_log_contains(t, want), "missing: %s", want);
	cr_assert_eq(__free_pages(k, p + 1, 0), -EINVAL, "inside a non-compound block");
	cr_assert_eq(__free_pages(k, c + 1, 0), -EINVAL);
	cr_assert(tk_log_contains(t, "freeing a tail page"));
	cr_assert_eq(__free_pages(k, pfn_to_page(k, 5), 0), -EINVAL);
	cr_assert(tk_log_contains(t, "pfn:00005 order:0: freeing a reserved frame"));
	cr_assert_eq(__free_pages(k, pfn_to_page(k, k->max_pfn + 7), 0), -EINVAL);
	cr_assert(tk_log_contains(t, "pfn outside RAM"));
	cr_assert_eq(__free_pages(k, p, 2), 0);
	cr_assert_eq(__free_pages(k, p, 2), -EINVAL);
	cr_assert(tk_log_contains(t, "double free"));
	struct page *q = alloc_page(k, GFP_KERNEL);
	cr_assert_eq(__free_pages(k, q, 0), 0);
	cr_assert_eq(__free_pages(k, q, 0), -EINVAL, "double free onto the per-CPU list");
	cr_assert_eq(free_pages(k, (char *)page_address(k, c) + 8, 2), -EINVAL);
	cr_assert(tk_log_contains(t, "is not page aligned"));
	cr_assert_eq(k->nr_bug_reports, 8);
	cr_assert_eq(__free_pages(k, c, 2), 0);
	tk_assert_consistent(t);
	tk_free(t);
}

Test(page_alloc, references_delay_the_free)
{
	struct tk *t = tk_boot(256 * M, 1);
	struct page *p = alloc_page(&t->k, GFP_KERNEL);
	get_page(p);
	cr_assert_eq(put_page(&t->k, p), 0);
	cr_assert_eq(page_ref_count(p), 1, "still held");
	cr_assert_not(page_test(p, PG_pcp));
	cr_assert_eq(put_page(&t->k, p), 0);
	cr_assert(page_test(p, PG_pcp), "the last reference freed it");
	tk_assert_consistent(t);
	tk_free(t);
}

Test(page_alloc, gfp_text_round_trips)
{
	char buf[256];
	gfp_t g;
	cr_assert_str_eq(gfp_format(GFP_KERNEL, buf, sizeof buf), "GFP_KERNEL");
	cr_assert_str_eq(gfp_format(GFP_KERNEL | __GFP_ZERO | __GFP_COMP, buf, sizeof buf),
			 "GFP_KERNEL|__GFP_ZERO|__GFP_COMP");
	cr_assert_str_eq(gfp_format(GFP_HIGHUSER_MOVABLE, buf, sizeof buf), "GFP_HIGHUSER_MOVABLE");
	cr_assert_eq(gfp_parse("GFP_USER | __GFP_ZERO", &g), 0);
	cr_assert_eq(g, GFP_USER | __GFP_ZERO);
	cr_assert_eq(gfp_parse("0x100", &g), 0);
	cr_assert_eq(g, __GFP_ZERO);
	cr_assert_eq(gfp_parse("GFP_BOGUS", &g), -EINVAL);
	cr_assert_eq(GFP_KERNEL, 0xcc0u, "Linux's value");
	cr_assert_eq(GFP_USER, 0x100cc0u);
}
