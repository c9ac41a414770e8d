/* kernel/vmstat.c — counter names and sums, and the fragmentation indexes
 * (Linux: mm/vmstat.c). */
#include "kernel/kernel.h"

#define VMSTAT_NAME(id, name) name,
const char *const zone_stat_names[NR_VM_ZONE_STAT_ITEMS] = {
	"nr_free_pages", "nr_free_pages_blocks", "nr_zone_inactive_anon",
	"nr_zone_active_anon", "nr_zone_inactive_file", "nr_zone_active_file",
	"nr_zone_unevictable", "nr_zone_write_pending", "nr_mlock", "nr_zspages",
	"nr_free_cma",
};
const char *const numa_stat_names[NR_VM_NUMA_EVENT_ITEMS] = {
	"numa_hit", "numa_miss", "numa_foreign", "numa_interleave", "numa_local", "numa_other",
};
const char *const node_stat_names[NR_VM_NODE_STAT_ITEMS] = { NODE_STAT_ITEMS(VMSTAT_NAME) };
const char *const vm_event_names[NR_VM_EVENT_ITEMS] = { VM_EVENT_ITEMS(VMSTAT_NAME) };
#undef VMSTAT_NAME

/* Counters Linux keeps in bytes and shows in pages. */
static bool stat_in_bytes(enum node_stat_item i)
{
	return i == NR_SLAB_RECLAIMABLE_B || i == NR_SLAB_UNRECLAIMABLE_B;
}

/* See vmstat.h. */
uint64_t global_zone_page_state(const struct kernel *k, enum zone_stat_item i)
{
	int64_t sum = 0;
	for_each_online_node(k, nid)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			sum += k->node_data[nid]->node_zones[z].vm_stat[i];
	return sum < 0 ? 0 : (uint64_t)sum;
}

/* See vmstat.h. */
uint64_t node_page_state_pages(const struct pglist_data *pgdat, enum node_stat_item i)
{
	int64_t v = pgdat->vm_stat[i];
	if (v < 0)
		return 0;
	return stat_in_bytes(i) ? (uint64_t)v >> PAGE_SHIFT : (uint64_t)v;
}

/* See vmstat.h. */
uint64_t global_node_page_state_pages(const struct kernel *k, enum node_stat_item i)
{
	uint64_t sum = 0;
	for_each_online_node(k, nid)
		sum += node_page_state_pages(k->node_data[nid], i);
	return sum;
}

/* See vmstat.h. */
void count_vm_events(struct kernel *k, enum vm_event_item e, uint64_t n)
{
	k->vm_events[e] += n;
}

/* Free blocks and pages of z, and how many blocks of 2^order they hold
 * (Linux: fill_contig_page_info). */
struct contig_page_info {
	uint64_t free_pages, free_blocks_total, free_blocks_suitable;
};

static struct contig_page_info fill_contig_page_info(const struct zone *z, unsigned order)
{
	struct contig_page_info info = { 0, 0, 0 };
	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++) {
		uint64_t blocks = z->free_area[o].nr_free;
		info.free_blocks_total += blocks;
		info.free_pages += blocks << o;
		if (o >= order)
			info.free_blocks_suitable += blocks << (o - order);
	}
	return info;
}

/* See vmstat.h. */
int fragmentation_index(const struct zone *z, unsigned order)
{
	struct contig_page_info info = fill_contig_page_info(z, order);
	uint64_t requested = 1ULL << order;

	if (order > MAX_PAGE_ORDER || !info.free_blocks_total)
		return 0;
	if (info.free_blocks_suitable)
		return -1000;
	return 1000 - (int)((1000 + info.free_pages * 1000 / requested) / info.free_blocks_total);
}

/* See vmstat.h. */
unsigned extfrag_for_order(const struct zone *z, unsigned order)
{
	struct contig_page_info info = fill_contig_page_info(z, order);
	if (!info.free_pages)
		return 0;
	return (unsigned)((info.free_pages - (info.free_blocks_suitable << order)) * 100 / info.free_pages);
}

/* See vmstat.h. */
int unusable_free_index(const struct zone *z, unsigned order)
{
	struct contig_page_info info = fill_contig_page_info(z, order);

	if (!info.free_pages)
		return 1000;
	return (int)((info.free_pages - (info.free_blocks_suitable << order)) * 1000 /
		     info.free_pages);
}
