/*
 * kernel/watermark.c — the page allocator's tunables: min_free_kbytes,
 * per-zone watermarks, lowmem reserves, totalreserve_pages, per-CPU list
 * sizes and vmstat thresholds (Linux: the init_per_zone_wmark_min family in
 * mm/page_alloc.c and refresh_zone_stat_thresholds in mm/vmstat.c).
 * Formulas are Linux 6.x's; a 4 GiB machine gets the same numbers as a real
 * one with the same managed pages.
 */
#include "kernel/page_alloc_internal.h"

#define SZ_1M 0x100000UL


static uint64_t int_sqrt(uint64_t x)
{
	uint64_t r = 0, bit = 1ULL << 62;
	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

static int fls_u64(uint64_t x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

#define for_each_zone(k, z)                                                       \
	for (int _n = 0; _n < (k)->nr_online_nodes; _n++)                         \
		for (struct zone *z = (k)->node_data[_n]->node_zones;             \
		     z < (k)->node_data[_n]->node_zones + MAX_NR_ZONES; z++)

/* See page_alloc_internal.h. lowmem_kbytes is Linux's nr_free_buffer_pages()
 * at boot: the managed pages of the zones GFP_USER may use. */
int calculate_min_free_kbytes(const struct kernel *k)
{
	uint64_t lowmem_pages = 0;
	for_each_zone(k, z)
		if (z->idx <= ZONE_NORMAL)
			lowmem_pages += z->managed_pages;
	uint64_t v = int_sqrt(lowmem_pages * (PAGE_SIZE >> 10) * 16);
	return (int)(v < 128 ? 128 : v > 262144 ? 262144 : v);
}

/* Watermarks of every zone from min_free_kbytes, shared out by managed pages
 * (Linux: __setup_per_zone_wmarks). */
static void setup_wmarks(struct kernel *k)
{
	uint64_t pages_min = (uint64_t)k->sysctl.min_free_kbytes >> (PAGE_SHIFT - 10);
	uint64_t lowmem_pages = 0;

	for_each_zone(k, z)
		if (z->idx != ZONE_MOVABLE)
			lowmem_pages += z->managed_pages;
	for_each_zone(k, z) {
		uint64_t tmp = lowmem_pages ? pages_min * z->managed_pages / lowmem_pages : 0;
		if (z->idx == ZONE_MOVABLE) {
			uint64_t m = z->managed_pages / 1024;
			z->_watermark[WMARK_MIN] = m < SWAP_CLUSTER_MAX ? SWAP_CLUSTER_MAX : m > 128 ? 128 : m;
		} else {
			z->_watermark[WMARK_MIN] = tmp;
		}
		uint64_t scale = z->managed_pages * (uint64_t)k->sysctl.watermark_scale_factor / 10000;
		tmp = (tmp >> 2) > scale ? tmp >> 2 : scale;
		z->watermark_boost = 0;
		z->_watermark[WMARK_LOW] = z->_watermark[WMARK_MIN] + tmp;
		z->_watermark[WMARK_HIGH] = z->_watermark[WMARK_LOW] + tmp;
		z->_watermark[WMARK_PROMO] = z->_watermark[WMARK_HIGH] + tmp;
	}
}

/* Pages of each lower zone kept from allocations that could have used a
 * higher zone (Linux: setup_per_zone_lowmem_reserve). */
static void setup_lowmem_reserve(struct kernel *k)
{
	for_each_online_node(k, nid) {
		struct zone *zones = k->node_data[nid]->node_zones;
		for (int i = 0; i < MAX_NR_ZONES - 1; i++) {
			int ratio = k->sysctl.lowmem_reserve_ratio[i];
			bool clear = !ratio || !zones[i].managed_pages;
			uint64_t managed = 0;
			for (int j = i + 1; j < MAX_NR_ZONES; j++) {
				managed += zones[j].managed_pages;
				zones[i].lowmem_reserve[j] = clear ? 0 : (long)(managed / (uint64_t)ratio);
			}
		}
	}
}

/* Pages MemAvailable leaves out: per zone its largest reserve plus its high
 * watermark, at most its managed pages (Linux: calculate_totalreserve_pages). */
static void calculate_totalreserve_pages(struct kernel *k)
{
	uint64_t total = 0;
	for_each_zone(k, z) {
		long max = 0;
		for (int j = z->idx; j < MAX_NR_ZONES; j++)
			if (z->lowmem_reserve[j] > max)
				max = z->lowmem_reserve[j];
		uint64_t v = (uint64_t)max + z->_watermark[WMARK_HIGH];
		total += v > z->managed_pages ? z->managed_pages : v;
	}
	k->totalreserve_pages = total;
}

/* Per-CPU refill/drain size: about a quarter of a thousandth of the zone,
 * at most 1 MiB's worth, rounded to 2^n - 1 (Linux: zone_batchsize). */
static int zone_batchsize(const struct zone *z)
{
	uint64_t batch = z->managed_pages >> 10;
	if (batch > SZ_1M / PAGE_SIZE)
		batch = SZ_1M / PAGE_SIZE;
	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch += batch / 2;
	batch = 1ULL << (fls_u64(batch) - 1);
	return (int)batch - 1 > 1 ? (int)batch - 1 : 1;
}

/* Per-CPU high mark: the low watermark (or managed / fraction) shared among
 * the node's CPUs, at least 4 batches (Linux: zone_highsize). */
static int zone_highsize(const struct kernel *k, const struct zone *z, int batch, int fraction)
{
	uint64_t total = fraction ? z->managed_pages / (uint64_t)fraction : z->_watermark[WMARK_LOW];
	uint64_t high = total / (uint64_t)k->nr_cpus;
	return (int)(high > (uint64_t)batch << 2 ? high : (uint64_t)batch << 2);
}

/* Resize every zone's per-CPU lists (Linux: zone_set_pageset_high_and_batch).
 * pcp->high stays at high_min: Linux 6.7's auto-tuning between high_min and
 * high_max is not modelled. */
static void setup_pcp(struct kernel *k)
{
	for_each_zone(k, z) {
		if (!populated_zone(z))
			continue;
		int batch = zone_batchsize(z);
		int fraction = k->sysctl.percpu_pagelist_high_fraction;
		int high_min = zone_highsize(k, z, batch, fraction);
		int high_max = fraction ? high_min
					: zone_highsize(k, z, batch, MIN_PERCPU_PAGELIST_HIGH_FRACTION);
		for (int c = 0; c < k->nr_cpus; c++) {
			struct per_cpu_pages *pcp = &z->per_cpu_pageset[c];
			pcp->batch = batch;
			pcp->high = pcp->high_min = high_min;
			pcp->high_max = high_max;
		}
	}
}

/* vmstat's per-CPU fold threshold (Linux: calculate_normal_threshold). */
static void refresh_zone_stat_thresholds(struct kernel *k)
{
	for_each_zone(k, z) {
		uint64_t mem = z->managed_pages >> (27 - PAGE_SHIFT);
		int t = 2 * fls_u64((uint64_t)k->nr_cpus) * (1 + fls_u64(mem));
		z->stat_threshold = t > 125 ? 125 : t;
	}
}

/* See gfp.h. */
void setup_per_zone_wmarks(struct kernel *k)
{
	setup_wmarks(k);
	setup_lowmem_reserve(k);
	calculate_totalreserve_pages(k);
	setup_pcp(k);
	refresh_zone_stat_thresholds(k);
}
