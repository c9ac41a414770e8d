/*
 * kernel/show_mem.c — the memory report of an OOM kill (Linux: mm/show_mem.c
 * __show_mem and show_free_areas, with 6.18's fields).
 *
 * Every field mmsim counts is filled from the same counters /proc/meminfo,
 * /proc/zoneinfo and /proc/buddyinfo show; those it keeps no lists for (the
 * LRU lists, writeback, bounce, CMA, zsmalloc) read 0 there and here.
 */
#include "kernel/oom.h"

#include "kernel/hugetlb.h"
#include "kernel/kernel.h"
#include "kernel/page_alloc_internal.h"

#include <stdio.h>
#include <string.h>

#define K(pages) ((unsigned long)(pages) << (PAGE_SHIFT - 10))
#define NODE(item) ((unsigned long)global_node_page_state_pages(k, item))

/* A printk line assembled from pieces (Linux: printk KERN_CONT). */
struct line {
	char buf[512];
	size_t n;
};

static void cont(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cont(struct line *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(l->buf + l->n, sizeof l->buf - l->n, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->n = l->n + (size_t)n < sizeof l->buf ? l->n + (size_t)n : sizeof l->buf - 1;
}

/* Pages on the per-CPU lists of a zone, over every CPU. */
static unsigned long zone_free_pcp(const struct kernel *k, const struct zone *z)
{
	return (unsigned long)zone_pcp_count(k, z);
}

#define for_each_shown_zone(k, z, max)                                                    \
	for (int nid_ = 0; nid_ < (k)->nr_online_nodes; nid_++)                           \
		for (struct zone *z = (k)->node_data[nid_]->node_zones;                   \
		     z < (k)->node_data[nid_]->node_zones + MAX_NR_ZONES; z++)            \
			if (populated_zone(z) && (int)z->idx <= (max))

/* The system-wide summary (the first lines of show_free_areas). */
static void show_summary(struct kernel *k, int max_zone_idx)
{
	unsigned long free_pcp = 0;
	for_each_shown_zone(k, z, max_zone_idx)
		free_pcp += zone_free_pcp(k, z);
	printk(k, "active_anon:%lu inactive_anon:%lu isolated_anon:%lu", NODE(NR_ACTIVE_ANON),
	       NODE(NR_INACTIVE_ANON), NODE(NR_ISOLATED_ANON));
	printk(k, " active_file:%lu inactive_file:%lu isolated_file:%lu", NODE(NR_ACTIVE_FILE),
	       NODE(NR_INACTIVE_FILE), NODE(NR_ISOLATED_FILE));
	printk(k, " unevictable:%lu dirty:%lu writeback:%lu", NODE(NR_UNEVICTABLE), NODE(NR_FILE_DIRTY),
	       NODE(NR_WRITEBACK));
	printk(k, " slab_reclaimable:%lu slab_unreclaimable:%lu", NODE(NR_SLAB_RECLAIMABLE_B),
	       NODE(NR_SLAB_UNRECLAIMABLE_B));
	printk(k, " mapped:%lu shmem:%lu pagetables:%lu", NODE(NR_FILE_MAPPED), NODE(NR_SHMEM), NODE(NR_PAGETABLE));
	printk(k, " sec_pagetables:%lu bounce:%lu", NODE(NR_SECONDARY_PAGETABLE), 0UL);
	printk(k, " kernel_misc_reclaimable:%lu", NODE(NR_KERNEL_MISC_RECLAIMABLE));
	printk(k, " free:%lu free_pcp:%lu free_cma:%lu", (unsigned long)global_zone_page_state(k, NR_FREE_PAGES),
	       free_pcp, (unsigned long)global_zone_page_state(k, NR_FREE_CMA_PAGES));
}

/* One line per node (THP configured; no shadow call stack). */
static void show_nodes(struct kernel *k)
{
	for (int nid = 0; nid < k->nr_online_nodes; nid++) {
		const struct pglist_data *pgdat = k->node_data[nid];
#define N(item) K(node_page_state_pages(pgdat, item))
		printk(k, "Node %d active_anon:%lukB inactive_anon:%lukB active_file:%lukB inactive_file:%lukB "
			  "unevictable:%lukB isolated(anon):%lukB isolated(file):%lukB mapped:%lukB dirty:%lukB "
			  "writeback:%lukB shmem:%lukB shmem_thp:%lukB shmem_pmdmapped:%lukB anon_thp:%lukB "
			  "kernel_stack:%lukB pagetables:%lukB sec_pagetables:%lukB all_unreclaimable? %s "
			  "Balloon:%lukB",
		       nid, N(NR_ACTIVE_ANON), N(NR_INACTIVE_ANON), N(NR_ACTIVE_FILE), N(NR_INACTIVE_FILE),
		       N(NR_UNEVICTABLE), N(NR_ISOLATED_ANON), N(NR_ISOLATED_FILE), N(NR_FILE_MAPPED),
		       N(NR_FILE_DIRTY), N(NR_WRITEBACK), N(NR_SHMEM), N(NR_SHMEM_THPS), N(NR_SHMEM_PMDMAPPED),
		       N(NR_ANON_THPS), (unsigned long)node_page_state_pages(pgdat, NR_KERNEL_STACK_KB),
		       N(NR_PAGETABLE), N(NR_SECONDARY_PAGETABLE), "no", N(NR_BALLOON_PAGES));
#undef N
	}
}

/* One line per zone with its watermarks, then its lowmem reserves. */
static void show_zones(struct kernel *k, int max_zone_idx)
{
	for_each_shown_zone(k, z, max_zone_idx) {
		struct line l = { .n = 0 };
		cont(&l, "Node %d %s free:%lukB boost:%lukB min:%lukB low:%lukB high:%lukB "
			 "reserved_highatomic:%luKB free_highatomic:%luKB active_anon:%lukB inactive_anon:%lukB "
			 "active_file:%lukB inactive_file:%lukB unevictable:%lukB writepending:%lukB zspages:%lukB "
			 "present:%lukB managed:%lukB mlocked:%lukB bounce:%lukB free_pcp:%lukB local_pcp:%ukB "
			 "free_cma:%lukB",
		     z->zone_pgdat->node_id, z->name, K(zone_page_state(z, NR_FREE_PAGES)), K(z->watermark_boost),
		     K(wmark_pages(z, WMARK_MIN)), K(wmark_pages(z, WMARK_LOW)), K(wmark_pages(z, WMARK_HIGH)),
		     0UL, 0UL, K(zone_page_state(z, NR_ZONE_ACTIVE_ANON)), K(zone_page_state(z, NR_ZONE_INACTIVE_ANON)),
		     K(zone_page_state(z, NR_ZONE_ACTIVE_FILE)), K(zone_page_state(z, NR_ZONE_INACTIVE_FILE)),
		     K(zone_page_state(z, NR_ZONE_UNEVICTABLE)), K(zone_page_state(z, NR_ZONE_WRITE_PENDING)),
		     K(zone_page_state(z, NR_ZSPAGES)), K(z->present_pages), K(z->managed_pages),
		     K(zone_page_state(z, NR_MLOCK)), 0UL, K(zone_free_pcp(k, z)),
		     (unsigned)K(z->per_cpu_pageset[k->this_cpu].count), K(zone_page_state(z, NR_FREE_CMA_PAGES)));
		printk(k, "%s", l.buf);
		l.n = 0;
		cont(&l, "lowmem_reserve[]:");
		for (int i = 0; i < MAX_NR_ZONES; i++)
			cont(&l, " %ld", z->lowmem_reserve[i]);
		printk(k, "%s", l.buf);
	}
}

/* The free blocks of each order and the migratetypes holding them (Linux:
 * the buddy lines with show_migration_types). */
static void show_buddy(struct kernel *k, int max_zone_idx)
{
	static const char letters[MIGRATE_TYPES] = { 'U', 'M', 'E', 'H', 'I' };
	for_each_shown_zone(k, z, max_zone_idx) {
		struct line l = { .n = 0 };
		unsigned long total = 0;
		cont(&l, "Node %d %s: ", z->zone_pgdat->node_id, z->name);
		for (unsigned o = 0; o < NR_PAGE_ORDERS; o++) {
			unsigned long nr = (unsigned long)z->free_area[o].nr_free;
			total += nr << o;
			cont(&l, "%lu*%lukB ", nr, K(1UL) << o);
			if (!nr)
				continue;
			char types[MIGRATE_TYPES + 1];
			int n = 0;
			for (int mt = 0; mt < MIGRATE_TYPES; mt++)
				if (!free_area_empty(z, o, (enum migratetype)mt))
					types[n++] = letters[mt];
			types[n] = '\0';
			cont(&l, "(%s) ", types);
		}
		cont(&l, "= %lukB", K(total));
		printk(k, "%s", l.buf);
	}
}

/* See oom.h. */
void show_mem(struct kernel *k, int max_zone_idx)
{
	unsigned long total = 0, reserved = 0;

	printk(k, "Mem-Info:");
	show_summary(k, max_zone_idx);
	show_nodes(k);
	show_zones(k, max_zone_idx);
	show_buddy(k, max_zone_idx);
	for (int nid = 0; nid < k->nr_online_nodes; nid++)      /* hugetlb_show_meminfo_node */
		for (int i = HUGE_MAX_HSTATE - 1; i >= 0; i--) {
			const struct hstate *h = &k->hstates[i];
			printk(k, "Node %d hugepages_total=%llu hugepages_free=%llu hugepages_surp=%llu hugepages_size=%llukB",
			       nid, (unsigned long long)(nid ? 0 : h->nr_huge_pages),
			       (unsigned long long)(nid ? 0 : h->free_huge_pages),
			       (unsigned long long)(nid ? 0 : h->surplus_huge_pages),
			       (unsigned long long)(huge_page_size(h) >> 10));
		}
	printk(k, "%ld total pagecache pages", (long)NODE(NR_FILE_PAGES));
	printk(k, "%lu pages in swap cache", NODE(NR_SWAPCACHE));   /* show_swap_cache_info */
	printk(k, "Free swap  = %ldkB", (long)get_nr_swap_pages(k) * 4);
	printk(k, "Total swap = %lukB", (unsigned long)total_swap_pages(k) * 4);
	for_each_shown_zone(k, z, MAX_NR_ZONES - 1) {
		total += (unsigned long)z->present_pages;
		reserved += (unsigned long)(z->present_pages - z->managed_pages);
	}
	printk(k, "%lu pages RAM", total);
	printk(k, "%lu pages HighMem/MovableOnly", 0UL);
	printk(k, "%lu pages reserved", reserved);
}
