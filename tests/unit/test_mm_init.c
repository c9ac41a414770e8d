/* Boot layout: zones, reservations, counts as on a real x86-64 machine. */
#include "helpers.h"

#include "kernel/page_alloc_internal.h"

#include <string.h>

Test(mm_init, zone_dma_matches_real_hardware)
{
	struct tk *t = tk_boot(4ULL << 30, 2);
	struct zone *dma = &t->k.node_data[0]->node_zones[ZONE_DMA];
	/* The numbers a real 4 GiB+ x86-64 machine shows in /proc/zoneinfo. */
	cr_assert_eq(dma->zone_start_pfn, 1);
	cr_assert_eq(dma->spanned_pages, 4095);
	cr_assert_eq(dma->present_pages, 3998);
	cr_assert_eq(dma->managed_pages, 3840);
	tk_assert_consistent(t);
	tk_free(t);
}

Test(mm_init, zones_follow_the_4g_and_16m_boundaries)
{
	struct tk *t = tk_boot(8ULL << 30, 2);
	struct zone *z = t->k.node_data[0]->node_zones;
	cr_assert_eq(z[ZONE_DMA32].zone_start_pfn, 4096);
	cr_assert_eq(z[ZONE_DMA32].spanned_pages, (1ULL << 20) - 4096);
	cr_assert_eq(z[ZONE_NORMAL].zone_start_pfn, 1ULL << 20);
	cr_assert_eq(z[ZONE_NORMAL].spanned_pages, 1ULL << 20);
	cr_assert_eq(z[ZONE_MOVABLE].spanned_pages, 0);
	tk_free(t);
}

Test(mm_init, mem_map_is_reserved_at_the_top_of_ram)
{
	struct tk *t = tk_boot(64ULL << 20, 1);
	uint64_t memmap_pages = (16384 * 32) / 4096;
	const struct mem_range *r = pfn_reserved(&t->k, t->k.max_pfn - 1);
	cr_assert_not_null(r);
	cr_assert_str_eq(r->what, "mem_map");
	cr_assert_eq(r->end_pfn - r->start_pfn, memmap_pages);
	cr_assert_eq((uint8_t *)t->k.mem_map, t->ram.base + (r->start_pfn << PAGE_SHIFT));
	tk_free(t);
}

Test(mm_init, smallest_machine_has_only_zone_dma)
{
	struct tk *t = tk_boot(16ULL << 20, 1);
	struct zone *z = t->k.node_data[0]->node_zones;
	cr_assert(populated_zone(&z[ZONE_DMA]));
	cr_assert_not(populated_zone(&z[ZONE_DMA32]));
	cr_assert(t->k.totalram_pages > 3700);
	tk_assert_consistent(t);
	tk_free(t);
}
