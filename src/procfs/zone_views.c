/*
 * procfs/zone_views.c — the page allocator's views (Linux: mm/vmstat.c):
 * /proc/buddyinfo, /proc/pagetypeinfo, /proc/zoneinfo, /proc/vmstat and the
 * debugfs extfrag indexes, in Linux 6.18's formats.
 */
#include "procfs/internal.h"

#include "kernel/huge_mm.h"
#include "kernel/page_alloc_internal.h"

#include <string.h>

static const char *const migratetype_names[MIGRATE_TYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate"
};

typedef void (*zone_show_fn)(struct kernel *k, struct seq_buf *m, struct pglist_data *pgdat,
			     struct zone *z);

/* Call show for each populated zone of each node (Linux: walk_zones_in_node). */
static void walk_zones_in_node(struct kernel *k, struct seq_buf *m, zone_show_fn show)
{
	for_each_online_node(k, nid) {
		struct pglist_data *pgdat = k->node_data[nid];
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (populated_zone(&pgdat->node_zones[z]))
				show(k, m, pgdat, &pgdat->node_zones[z]);
	}
}

/* One zone's line of /proc/buddyinfo (Linux: frag_show_print). */
static void frag_show_print(struct kernel *k, struct seq_buf *m, struct pglist_data *pgdat,
			   struct zone *z)
{
	(void)k;
	seq_printf(m, "Node %d, zone %8s ", pgdat->node_id, z->name);
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		seq_printf(m, "%6llu ", (unsigned long long)z->free_area[o].nr_free);
	seq_putc(m, '\n');
}

/* See procfs.h. */
void frag_show(struct kernel *k, struct seq_buf *m)
{
	walk_zones_in_node(k, m, frag_show_print);
}

/* One zone's free blocks by migratetype (Linux:
 * pagetypeinfo_showfree_print). */
static void pagetypeinfo_showfree_print(struct kernel *k, struct seq_buf *m, struct pglist_data *pgdat,
			       struct zone *z)
{
	(void)k;
	for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
		seq_printf(m, "Node %4d, zone %8s, type %12s ", pgdat->node_id, z->name,
			   migratetype_names[mt]);
		for (int o = 0; o < NR_PAGE_ORDERS; o++) {
			uint64_t n = z->free_area[o].nr_free_mt[mt];
			/* Linux stops counting a list at 100000 entries */
			seq_printf(m, "%s%6llu ", n >= 100000 ? ">" : "",
				   (unsigned long long)(n >= 100000 ? 100000 : n));
		}
		seq_putc(m, '\n');
	}
}

/* One zone's pageblock counts by migratetype (Linux:
 * pagetypeinfo_showblockcount_print). */
static void pagetypeinfo_showblockcount_print(struct kernel *k, struct seq_buf *m, struct pglist_data *pgdat,
				 struct zone *z)
{
	uint64_t count[MIGRATE_TYPES] = { 0 };
	for (uint64_t pfn = z->zone_start_pfn; pfn < zone_end_pfn(z); pfn += pageblock_nr_pages)
		count[get_pfnblock_migratetype(z, pfn)]++;
	(void)k;
	seq_printf(m, "Node %d, zone %8s ", pgdat->node_id, z->name);
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		seq_printf(m, "%12llu ", (unsigned long long)count[mt]);
	seq_putc(m, '\n');
}

/* See procfs.h. */
void pagetypeinfo_show(struct kernel *k, struct seq_buf *m)
{
	seq_printf(m, "Page block order: %d\n", pageblock_order);
	seq_printf(m, "Pages per block:  %lu\n\n", pageblock_nr_pages);
	seq_printf(m, "%-43s ", "Free pages count per migrate type at order");
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		seq_printf(m, "%6d ", o);
	seq_putc(m, '\n');
	walk_zones_in_node(k, m, pagetypeinfo_showfree_print);
	seq_printf(m, "\n%-23s", "Number of blocks type ");
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		seq_printf(m, "%12s ", migratetype_names[mt]);
	seq_putc(m, '\n');
	walk_zones_in_node(k, m, pagetypeinfo_showblockcount_print);
}

/* The node counters, printed before the first populated zone of a node. */
static void zoneinfo_node_stats(struct seq_buf *m, struct pglist_data *pgdat)
{
	seq_puts(m, "\n  per-node stats");
	for (int i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
		seq_printf(m, "\n      %-12s %llu", node_stat_names[i],
			   (unsigned long long)node_page_state_pages(pgdat, (enum node_stat_item)i));
}

static void zoneinfo_pagesets(struct kernel *k, struct seq_buf *m, struct zone *z)
{
	seq_puts(m, "\n  pagesets");
	for (int c = 0; c < k->nr_cpus; c++) {
		struct per_cpu_pages *p = &z->per_cpu_pageset[c];
		seq_printf(m, "\n    cpu: %i\n              count:    %i\n              high:     %i"
			      "\n              batch:    %i\n              high_min: %i"
			      "\n              high_max: %i\n  vm stats threshold: %d",
			   c, p->count, p->high, p->batch, p->high_min, p->high_max, z->stat_threshold);
	}
}

/* One zone of /proc/zoneinfo (Linux: zoneinfo_show_print). */
static void zoneinfo_show_print(struct kernel *k, struct seq_buf *m, struct pglist_data *pgdat,
			  struct zone *z, bool first_populated)
{
	seq_printf(m, "Node %d, zone %8s", pgdat->node_id, z->name);
	if (first_populated)
		zoneinfo_node_stats(m, pgdat);
	seq_printf(m, "\n  pages free     %llu\n        boost    %llu\n        min      %llu"
		      "\n        low      %llu\n        high     %llu\n        promo    %llu"
		      "\n        spanned  %llu\n        present  %llu\n        managed  %llu"
		      "\n        cma      %llu",
		   (unsigned long long)zone_page_state(z, NR_FREE_PAGES),
		   (unsigned long long)z->watermark_boost,
		   (unsigned long long)wmark_pages(z, WMARK_MIN), (unsigned long long)wmark_pages(z, WMARK_LOW),
		   (unsigned long long)wmark_pages(z, WMARK_HIGH), (unsigned long long)wmark_pages(z, WMARK_PROMO),
		   (unsigned long long)z->spanned_pages, (unsigned long long)z->present_pages,
		   (unsigned long long)z->managed_pages, 0ULL);
	seq_printf(m, "\n        protection: (%ld", z->lowmem_reserve[0]);
	for (int i = 1; i < MAX_NR_ZONES; i++)
		seq_printf(m, ", %ld", z->lowmem_reserve[i]);
	seq_putc(m, ')');
	if (!populated_zone(z)) {
		seq_putc(m, '\n');
		return;
	}
	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		seq_printf(m, "\n      %-12s %llu", zone_stat_names[i],
			   (unsigned long long)zone_page_state(z, (enum zone_stat_item)i));
	for (int i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
		seq_printf(m, "\n      %-12s %llu", numa_stat_names[i], (unsigned long long)z->numa_stat[i]);
	zoneinfo_pagesets(k, m, z);
	seq_printf(m, "\n  node_unreclaimable:  %u\n  start_pfn:           %llu\n", 0u,
		   (unsigned long long)z->zone_start_pfn);
}

/* See procfs.h. Linux prints every zone of a node, populated or not. */
void zoneinfo_show(struct kernel *k, struct seq_buf *m)
{
	for_each_online_node(k, nid) {
		struct pglist_data *pgdat = k->node_data[nid];
		bool first = true;
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &pgdat->node_zones[z];
			zoneinfo_show_print(k, m, pgdat, zone, first && populated_zone(zone));
			if (populated_zone(zone))
				first = false;
		}
	}
}

/* The counters /proc/vmstat shows in huge pages, not base pages (Linux:
 * vmstat_item_print_in_thp). */
static bool vmstat_item_print_in_thp(enum node_stat_item item)
{
	return item == NR_ANON_THPS || item == NR_FILE_THPS || item == NR_SHMEM_THPS ||
	       item == NR_SHMEM_PMDMAPPED || item == NR_FILE_PMDMAPPED;
}

/* See procfs.h. Linux's vmstat_start gathers the counters and vmstat_show
 * prints one line each. */
void vmstat_show(struct kernel *k, struct seq_buf *m)
{
	uint64_t thresh, bg_thresh, memmap = 0;

	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		seq_printf(m, "%s %llu\n", zone_stat_names[i],
			   (unsigned long long)global_zone_page_state(k, (enum zone_stat_item)i));
	for (int i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++) {
		uint64_t sum = 0;
		for_each_online_node(k, nid)
			for (int z = 0; z < MAX_NR_ZONES; z++)
				sum += k->node_data[nid]->node_zones[z].numa_stat[i];
		seq_printf(m, "%s %llu\n", numa_stat_names[i], (unsigned long long)sum);
	}
	for (int i = 0; i < NR_VM_NODE_STAT_ITEMS; i++) {
		uint64_t v = global_node_page_state_pages(k, (enum node_stat_item)i);
		if (vmstat_item_print_in_thp((enum node_stat_item)i))
			v /= HPAGE_PMD_NR;
		seq_printf(m, "%s %llu\n", node_stat_names[i], (unsigned long long)v);
	}
	global_dirty_limits(k, &bg_thresh, &thresh);
	seq_printf(m, "nr_dirty_threshold %llu\nnr_dirty_background_threshold %llu\n",
		   (unsigned long long)thresh, (unsigned long long)bg_thresh);
	for (int i = 0; i < k->nr_ranges; i++)
		if (!strcmp(k->ranges[i].what, "mem_map"))
			memmap += k->ranges[i].end_pfn - k->ranges[i].start_pfn;
	seq_printf(m, "nr_memmap_pages 0\nnr_memmap_boot_pages %llu\n", (unsigned long long)memmap);
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++)
		seq_printf(m, "%s %llu\n", vm_event_names[i], (unsigned long long)k->vm_events[i]);
	seq_puts(m, "nr_unstable 0\n");
}

/* See internal.h. */
void node_read_vmstat(struct kernel *k, struct pglist_data *pgdat, struct seq_buf *m)
{
	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++) {
		uint64_t sum = 0;
		for (int z = 0; z < MAX_NR_ZONES; z++)
			sum += zone_page_state(&pgdat->node_zones[z], (enum zone_stat_item)i);
		seq_printf(m, "%s %llu\n", zone_stat_names[i], (unsigned long long)sum);
	}
	for (int i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
		seq_printf(m, "%s %llu\n", numa_stat_names[i],
			   (unsigned long long)sum_zone_numa_event_state(pgdat, (enum numa_stat_item)i));
	for (int i = 0; i < NR_VM_NODE_STAT_ITEMS; i++) {
		uint64_t v = node_page_state_pages(pgdat, (enum node_stat_item)i);
		if (vmstat_item_print_in_thp((enum node_stat_item)i))
			v /= HPAGE_PMD_NR;
		seq_printf(m, "%s %llu\n", node_stat_names[i], (unsigned long long)v);
	}
	(void)k;
}

/* One zone's index per order; Linux prints the unusable index "%d.%03d"
 * and the extfrag index "%2d.%03d" (so -1000 reads "-1.000"). */
static void extfrag_zone(struct seq_buf *m, struct pglist_data *pgdat, struct zone *z,
			 int (*index)(const struct zone *, unsigned), bool width2)
{
	seq_printf(m, "Node %d, zone %8s ", pgdat->node_id, z->name);
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++) {
		int v = index(z, o);
		seq_printf(m, width2 ? "%2d.%03d " : "%d.%03d ", v / 1000, (v < 0 ? -v : v) % 1000);
	}
	seq_putc(m, '\n');
}

/* One zone's unusable free space index (Linux: unusable_show_print). */
static void unusable_show_print(struct kernel *k, struct seq_buf *m, struct pglist_data *pgdat,
			  struct zone *z)
{
	(void)k;
	extfrag_zone(m, pgdat, z, unusable_free_index, false);
}

/* One zone's fragmentation index (Linux: extfrag_show_print). */
static void extfrag_show_print(struct kernel *k, struct seq_buf *m, struct pglist_data *pgdat,
			       struct zone *z)
{
	(void)k;
	extfrag_zone(m, pgdat, z, fragmentation_index, true);
}

/* See procfs.h. */
void unusable_show(struct kernel *k, struct seq_buf *m)
{
	walk_zones_in_node(k, m, unusable_show_print);
}

/* See procfs.h. */
void extfrag_show(struct kernel *k, struct seq_buf *m)
{
	walk_zones_in_node(k, m, extfrag_show_print);
}
