/*
 * kernel/mm_init.c — boot: the physical memory map, nodes and zones, mem_map,
 * and handing free memory to the buddy allocator (Linux: mm/mm_init.c,
 * arch/x86/kernel/e820.c, mm/memblock.c).
 *
 * The map imitates a PC: pfn 0 and the legacy hole 0x9f000-0xfffff hold no
 * RAM, the rest of the first megabyte is reserved (Linux reserves it all),
 * and mem_map, the zero page, then the per-CPU areas and the
 * cpu_entry_area's page tables are reserved at the top of memory, where
 * memblock's top-down allocator puts them. On a 4 GiB machine zone DMA then
 * shows spanned 4095, present 3998, managed 3840, as on real hardware.
 */
#include "kernel/kernel.h"
#include "kernel/huge_mm.h"
#include "kernel/hugetlb.h"
#include "common.h"
#include "kernel/mman.h"

#include "hw/machine.h"
#include "kernel/page_alloc_internal.h"
#include "kernel/fork.h"
#include "kernel/memcontrol.h"
#include "kernel/mempolicy.h"
#include "kernel/pgtable.h"
#include "kernel/radix_tree.h"
#include "kernel/rmap.h"
#include "kernel/sched.h"
#include "kernel/slab.h"
#include "kernel/task.h"
#include "kernel/tlbflush.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define DMA_END_PFN    (16ULL << (20 - PAGE_SHIFT))   /* 16 MiB */
#define DMA32_END_PFN  (4ULL << (30 - PAGE_SHIFT))    /* 4 GiB */
#define LOW_RESERVE_END_PFN 0x100                      /* 1 MiB */

static const char *const zone_names[MAX_NR_ZONES] = {
	"DMA", "DMA32", "Normal", "Movable", "Device"
};

/* Record a hole or reservation [start, end) in the memory map. */
static void add_range(struct kernel *k, uint64_t start, uint64_t end, bool hole,
		      const char *what)
{
	struct mem_range *r = &k->ranges[k->nr_ranges++];
	r->start_pfn = start;
	r->end_pfn = end;
	r->hole = hole;
	r->what = what;
}

/* See kernel.h. The ranges are few and sorted, so a scan is enough. */
const struct mem_range *pfn_reserved(const struct kernel *k, uint64_t pfn)
{
	for (int i = 0; i < k->nr_ranges; i++)
		if (pfn >= k->ranges[i].start_pfn && pfn < k->ranges[i].end_pfn)
			return &k->ranges[i];
	return NULL;
}

/* See kernel.h. Zones are contiguous pfn ranges, so a scan of at most
 * MAX_NR_ZONES per node finds the one; nothing per frame is stored. */
struct zone *pfn_zone(const struct kernel *k, uint64_t pfn)
{
	for_each_online_node(k, nid) {
		struct pglist_data *pgdat = k->node_data[nid];
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &pgdat->node_zones[z];
			if (zone->spanned_pages && zone_spans_pfn(zone, pfn))
				return zone;
		}
	}
	return NULL;
}

/* Lay out holes and reservations: the PC low megabyte, then mem_map and the
 * zero page at the top of node 0's memory (the top of memory on a machine
 * of one node). Sets k->mem_map. -EINVAL when node 0 cannot hold them. */
static int setup_memory_map(struct kernel *k)
{
	uint64_t memmap_pages = PFN_UP(k->max_pfn * sizeof(struct page));
	uint64_t top = k->numa->start_pfn[1];
	uint64_t percpu = percpu_reserved_pages(k->nr_cpus, k->paging_levels);
	if (memmap_pages + 1 + percpu + LOW_RESERVE_END_PFN + 1024 > top)
		return -EINVAL;
	uint64_t memmap_start = top - memmap_pages;

	add_range(k, 0, 1, true, "e820 reserved (page 0)");
	add_range(k, 1, 0x9f, false, "low memory (reserved below 1 MiB)");
	add_range(k, 0x9f, LOW_RESERVE_END_PFN, true, "legacy VGA/BIOS hole");
	k->percpu.pfn = memmap_start - 1 - percpu;
	add_range(k, k->percpu.pfn, memmap_start - 1, false, "percpu and cpu_entry_area");
	add_range(k, memmap_start - 1, memmap_start, false, "empty_zero_page");
	k->zero_pfn = memmap_start - 1;
	add_range(k, memmap_start, top, false, "mem_map");
	k->mem_map = phys_to_virt(k, memmap_start << PAGE_SHIFT);
	return 0;
}

/* Frames of [start, end) that hold RAM, and of those, the ones not reserved. */
static void count_range(const struct kernel *k, uint64_t start, uint64_t end,
			uint64_t *present, uint64_t *managed)
{
	*present = end - start;
	*managed = end - start;
	for (int i = 0; i < k->nr_ranges; i++) {
		const struct mem_range *r = &k->ranges[i];
		uint64_t s = r->start_pfn > start ? r->start_pfn : start;
		uint64_t e = r->end_pfn < end ? r->end_pfn : end;
		if (s >= e)
			continue;
		*managed -= e - s;
		if (r->hole)
			*present -= e - s;
	}
}

/* Initialise one zone's span, counts, free lists and per-CPU lists. */
static int init_zone(struct kernel *k, struct pglist_data *pgdat, enum zone_type idx,
		     uint64_t start, uint64_t end)
{
	struct zone *z = &pgdat->node_zones[idx];

	z->zone_pgdat = pgdat;
	z->name = zone_names[idx];
	z->idx = idx;
	z->zone_start_pfn = start < end ? start : 0;
	z->spanned_pages = start < end ? end - start : 0;
	if (z->spanned_pages)
		count_range(k, start, end, &z->present_pages, &z->managed_pages);
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			z->free_area[o].free_list[mt] = (struct page_list){ PFN_NIL, PFN_NIL };
	z->per_cpu_pageset = calloc((size_t)k->nr_cpus, sizeof(struct per_cpu_pages));
	if (!z->per_cpu_pageset)
		return -ENOMEM;
	for (int c = 0; c < k->nr_cpus; c++)
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			z->per_cpu_pageset[c].lists[mt] = (struct page_list){ PFN_NIL, PFN_NIL };
	if (!z->spanned_pages)
		return 0;
	/* calloc'd memory is untouched zero pages: an idle 1 TiB machine's
	 * 512 Ki pageblocks cost nothing until one changes type. */
	uint64_t nblocks = (end - 1) / pageblock_nr_pages - start / pageblock_nr_pages + 1;
	z->pageblock_flags = calloc(nblocks, 1);
	return z->pageblock_flags ? 0 : -ENOMEM;
}

/* Create node nid and its zones over its frames [start, end): DMA below
 * 16 MiB, DMA32 below 4 GiB, Normal above, each clipped to the node
 * (Linux: free_area_init_node). Node 0 starts at pfn 1, as memblock and
 * zone DMA do. */
static int init_node(struct kernel *k, int nid, uint64_t node_start, uint64_t node_end)
{
	static const uint64_t zone_end[] = { DMA_END_PFN, DMA32_END_PFN, UINT64_MAX };
	static const uint64_t zone_start[] = { 1, DMA_END_PFN, DMA32_END_PFN };
	struct pglist_data *pgdat = calloc(1, sizeof *pgdat);
	int err = 0;

	if (!pgdat || !(pgdat->vm_stat = calloc(NR_VM_NODE_STAT_ITEMS, sizeof(int64_t)))) {
		free(pgdat);
		return -ENOMEM;
	}
	k->node_data[nid] = pgdat;
	pgdat->node_id = nid;
	pgdat->kcompactd_highest_zoneidx = MAX_NR_ZONES - 1;
	lruvec_init(k, pgdat);
	for (int z = 0; z < MAX_NR_ZONES && !err; z++) {
		uint64_t start = 0, end = 0;
		if (z <= ZONE_NORMAL) {
			start = zone_start[z] > node_start ? zone_start[z] : node_start;
			end = zone_end[z] < node_end ? zone_end[z] : node_end;
		}
		err = init_zone(k, pgdat, (enum zone_type)z, start, end);
	}
	pgdat->node_start_pfn = node_start;
	pgdat->node_spanned_pages = node_end - node_start;
	count_range(k, node_start, node_end, &pgdat->node_present_pages, &(uint64_t){ 0 });
	return err;
}

/* The nodes of the machine (hw/numa.h), each with its zones. */
static int init_nodes(struct kernel *k)
{
	int err = 0;
	k->nr_online_nodes = k->numa->nr_nodes;
	k->reclaim = try_to_free_pages;       /* the allocator's direct reclaim */
	for (int nid = 0; nid < k->nr_online_nodes && !err; nid++)
		err = init_node(k, nid, k->numa->start_pfn[nid], k->numa->start_pfn[nid + 1]);
	return err;
}

/* The next node in node's fallback order: the nearest not yet used, the
 * lowest number among equals (Linux: find_next_best_node, without its
 * penalties for nodes with CPUs and for nodes already chosen by others). */
static int find_next_best_node(struct kernel *k, int node, const bool *used)
{
	int best = -1, min = 256;
	for_each_online_node(k, n) {
		int d = node_distance(k, node, n);
		if (!used[n] && d < min) {
			min = d;
			best = n;
		}
	}
	return best;
}

/* Fill the zonelists of every node: its own zones from the highest down,
 * then each other node's, nearest first (Linux: build_all_zonelists,
 * build_zonelists_in_node_order); the no-fallback list has its own only. */
static void build_all_zonelists(struct kernel *k)
{
	for_each_online_node(k, nid) {
		struct pglist_data *pgdat = k->node_data[nid];
		bool used[MAX_NUMNODES] = { false };
		int nr = 0, n;
		while ((n = find_next_best_node(k, nid, used)) >= 0) {
			used[n] = true;
			for (int z = MAX_NR_ZONES - 1; z >= 0; z--) {
				struct zone *zone = &k->node_data[n]->node_zones[z];
				if (!populated_zone(zone))
					continue;
				pgdat->node_zonelists[ZONELIST_FALLBACK]._zonerefs[nr++] = zone;
			}
		}
		pgdat->node_zonelists[ZONELIST_FALLBACK]._zonerefs[nr] = NULL;
		nr = 0;
		for (int z = MAX_NR_ZONES - 1; z >= 0; z--)
			if (populated_zone(&pgdat->node_zones[z]))
				pgdat->node_zonelists[ZONELIST_NOFALLBACK]._zonerefs[nr++] = &pgdat->node_zones[z];
		pgdat->node_zonelists[ZONELIST_NOFALLBACK]._zonerefs[nr] = NULL;
	}
}

/* Give the unreserved frames of [start, end) to the buddy allocator. Aligned
 * max-order blocks in the middle are deferred (see struct zone); the ragged
 * edges are freed now, lowest pfn first, to the tails of the lists, as
 * memblock_free_all does. */
static void free_range_to_buddy(struct kernel *k, struct zone *z, uint64_t s, uint64_t e)
{
	const uint64_t max_block = 1ULL << MAX_PAGE_ORDER;
	uint64_t dstart = (s + max_block - 1) & ~(max_block - 1);
	uint64_t dend = e & ~(max_block - 1);

	if (dstart >= dend || z->deferred_end) {
		dstart = dend = e;   /* free everything eagerly */
	}
	while (s < dstart) {
		unsigned order = free_chunk_order(s, dstart);
		free_boot_block(k, z, s, order);
		s += 1ULL << order;
	}
	if (dstart < dend)
		defer_free_blocks(k, z, dstart, dend);
	for (s = dend; s < e;) {
		unsigned order = free_chunk_order(s, e);
		free_boot_block(k, z, s, order);
		s += 1ULL << order;
	}
}

/* Free every managed frame of every zone (Linux: memblock_free_all). */
static void memblock_free_all(struct kernel *k)
{
	for_each_online_node(k, nid)
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct pglist_data *pgdat = k->node_data[nid];
		struct zone *z = &pgdat->node_zones[zi];
		uint64_t pfn = z->zone_start_pfn, end = zone_end_pfn(z);
		while (pfn < end) {
			const struct mem_range *r = pfn_reserved(k, pfn);
			if (r) {
				pfn = r->end_pfn;
				continue;
			}
			uint64_t run_end = end;
			for (int i = 0; i < k->nr_ranges; i++)
				if (k->ranges[i].start_pfn > pfn && k->ranges[i].start_pfn < run_end)
					run_end = k->ranges[i].start_pfn;
			free_range_to_buddy(k, z, pfn, run_end);
			pfn = run_end;
		}
		k->totalram_pages += z->managed_pages;
		pgdat->node_managed_pages += z->managed_pages;
	}
}

/* Linux's default vm.* settings. */
static void init_sysctls(struct kernel *k, const struct kernel_config *cfg)
{
	static const int ratio[MAX_NR_ZONES] = { 256, 256, 32, 0, 0 };

	memcpy(k->sysctl.lowmem_reserve_ratio, ratio, sizeof ratio);
	k->sysctl.watermark_scale_factor = 10;
	k->sysctl.watermark_boost_factor = 15000;
	k->sysctl.compaction_proactiveness = 20;
	k->sysctl.extfrag_threshold = 500;
	k->sysctl.compact_unevictable_allowed = 1;
	k->sysctl.percpu_pagelist_high_fraction = 0;
	k->sysctl.min_free_kbytes = cfg->min_free_kbytes;
	k->zero_page_enabled = !cfg->no_zero_page;
	thp_init(k, cfg->thp_never ? THP_NEVER : cfg->thp_always ? THP_ALWAYS : THP_MADVISE);
	k->soft_dirty = !cfg->no_soft_dirty;
	k->anon_vma_name = !cfg->no_anon_vma_name;
	k->sysctl.randomize_va_space = cfg->aslr;
	k->sysctl.mmap_min_addr = MMAP_MIN_ADDR;
	k->lsm_mmap_min_addr = cfg->lsm_mmap_min_addr_set ? (uint64_t)cfg->lsm_mmap_min_addr : LSM_MMAP_MIN_ADDR;
	k->rng_state = cfg->seed;
	k->sysctl.overcommit_memory = 0;
	k->sysctl.overcommit_ratio = 50;
	k->sysctl.max_map_count = 65530;
	k->sysctl.oom_dump_tasks = 1;
	k->sysctl.dirty_background_ratio = 10;
	k->sysctl.dirty_ratio = 20;
	k->sysctl.dirty_expire_centisecs = 3000;
	k->sysctl.dirty_writeback_centisecs = 500;
	/* VMALLOC_SIZE_TB is 32 with 4-level paging, 12800 with 5-level */
}

/* The kernel's own address space, the per-core state, the vDSO pages, and
 * the cores' paging features (Linux: init_mm, cpu_init, init_vdso_image). */
static int init_mm_and_cores(struct kernel *k)
{
	k->tlbstate = calloc((size_t)k->nr_cpus, sizeof *k->tlbstate);
	k->curr = calloc((size_t)k->nr_cpus, sizeof *k->curr);
	struct page *vdso = alloc_pages(k, GFP_KERNEL | __GFP_ZERO, 3);
	if (!k->tlbstate || !k->curr || !vdso || pte_table_alloc(k, NULL, &k->init_mm.pgd))
		return -ENOMEM;
	k->vdso_pfn = page_to_pfn(k, vdso);
	memcpy(page_address(k, vdso), "\x7f" "ELF\x02\x01\x01", 7);
	k->init_mm.context_id = new_context_id(k);
	k->init_mm.mm_users = 1;
	tlb_init(k);
	setup_segments(k, k->percpu.pfn);
	return 0;
}

/* The boot steps after the buddy allocator has the memory, in order. */
static const struct {
	const char *name;
	int (*fn)(struct kernel *k);
} late_init[] = {
	{ "mem_cgroup_init", mem_cgroup_init },
	{ "kmem_cache_init", kmem_cache_init }, { "proc_caches_init", proc_caches_init },
	{ "anon_vma_init", anon_vma_init }, { "radix_tree_init", radix_tree_init },
	{ "init_mm", init_mm_and_cores }, { "swap_init", swap_init }, { "vfs_caches_init", vfs_caches_init }, { "kswapd_init", kswapd_init },
};

/* Why step failed, for kernel_init's caller: the memory it had to work with. */
static void boot_failure(const struct kernel *k, const char *step, int err, char *why, size_t whylen)
{
	uint64_t free_kb = 0, min_kb = 0;
	if (!why || !whylen)
		return;
	for_each_online_node(k, nid)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			const struct zone *zone = &k->node_data[nid]->node_zones[z];
			free_kb += zone_page_state(zone, NR_FREE_PAGES) * 4;
			min_kb += wmark_pages(zone, WMARK_MIN) * 4;
		}
	if (err == -ENOMEM)
		snprintf(why, whylen, "out of memory in %s: %llu kB free, of which the watermarks keep %llu kB "
			 "(min_free_kbytes=%d) for emergencies; lower min_free_kbytes or give more ram",
			 step, (unsigned long long)free_kb, (unsigned long long)min_kb, k->sysctl.min_free_kbytes);
	else
		snprintf(why, whylen, "%s failed: %s", step, err == -EINVAL ? "EINVAL" : "an error");
}

/* See kernel.h. */
int kernel_init(struct kernel *k, struct hw_machine *hw, const struct kernel_config *cfg, char *why,
		size_t whylen)
{
	struct ram *ram = hw->ram;
	int err;

	memset(k, 0, sizeof *k);
	if (hw->nr_cpus < 1 || hw->nr_cpus > MAX_CPUS || ram->size < RAM_MIN_BYTES ||
	    (hw->cfg.paging_levels != 4 && hw->cfg.paging_levels != 5) || cfg->min_free_kbytes < 0) {
		if (why && whylen)
			snprintf(why, whylen, "impossible configuration: %d cores, %llu bytes of RAM, %d-level "
				 "paging, min_free_kbytes=%d", hw->nr_cpus, (unsigned long long)ram->size,
				 hw->cfg.paging_levels, cfg->min_free_kbytes);
		return -EINVAL;
	}
	k->hw = hw;
	k->ram = ram;
	k->ram_base = ram->base;
	k->ram_size = ram->size;
	k->nr_cpus = hw->nr_cpus;
	k->paging_levels = hw->cfg.paging_levels;
	/* VMALLOC_SIZE_TB is 32 with 4-level paging, 12800 with 5-level */
	k->vmalloc_total_kb = (((k->paging_levels == 5 ? 12800ULL : 32ULL) << 40) - 1) >> 10;
	k->max_pfn = ram->size >> PAGE_SHIFT;
	k->log_size = 1u << 16;
	if (!(k->log = malloc(k->log_size)))
		return -ENOMEM;
	if (!hw->numa.nr_nodes && hw_numa_resolve(&hw->numa, &hw->cfg, why, whylen)) {
		err = -EINVAL;
		goto fail;
	}
	k->numa = &hw->numa;
	if (hw->numa.start_pfn[hw->numa.nr_nodes] != k->max_pfn) {
		k->numa_one.nr_nodes = 1;
		k->numa_one.start_pfn[1] = k->max_pfn;
		k->numa_one.nr_cpus[0] = (uint16_t)k->nr_cpus;
		k->numa_one.distance[0][0] = HW_LOCAL_DISTANCE;
		k->numa = &k->numa_one;
	}
	init_sysctls(k, cfg);
	if (setup_memory_map(k)) {
		if (why && whylen)
			snprintf(why, whylen, "node 0 (%llu bytes) cannot hold mem_map and the boot reservations "
				 "of %llu bytes of RAM: give node 0 more memory (node.mem)",
				 (unsigned long long)(k->numa->start_pfn[1] << PAGE_SHIFT), (unsigned long long)ram->size);
		err = -EINVAL;
		goto fail;
	}
	if ((err = init_nodes(k))) {
		if (why && whylen)
			snprintf(why, whylen, "cannot lay out the memory map of %llu bytes of RAM",
				 (unsigned long long)ram->size);
		goto fail;
	}
	memblock_free_all(k);
	build_all_zonelists(k);
	if (!k->sysctl.min_free_kbytes)
		k->sysctl.min_free_kbytes = calculate_min_free_kbytes(k);
	setup_per_zone_wmarks(k);
	hugetlb_init(k, cfg->nr_hugepages);      /* the boot parameters hugepages= */
	printk(k, "Memory: %lluK/%lluK available", (unsigned long long)k->totalram_pages * 4,
	       (unsigned long long)k->max_pfn * 4);
	for (size_t i = 0; i < ARRAY_SIZE(late_init); i++)
		if ((err = late_init[i].fn(k))) {
			boot_failure(k, late_init[i].name, err, why, whylen);
			goto fail;
		}
	if ((err = ext4_fill_super(k, cfg))) {
		boot_failure(k, "ext4_fill_super", err, why, whylen);
		goto fail;
	}
	if (cfg->swap_cost.model)
		k->swap.default_cost = cfg->swap_cost;
	if (cfg->swap_bytes && (err = sys_swapon(k, cfg->swap_bytes, -1, NULL, why, whylen)) < 0)
		goto fail;
	return 0;
fail:
	kernel_destroy(k);
	return err;
}

/* See kernel.h. */
void kernel_destroy(struct kernel *k)
{
	while (k->tasks && k->mm_caches.task_struct)
		do_group_exit(k, k->tasks, 0);
	thp_destroy(k);
	free(k->tlbstate);
	free(k->curr);
	k->tlbstate = NULL;
	k->curr = NULL;
	ext4_kill_sb(k);
	kmem_cache_destroy_all(k);
	for (int nid = 0; nid < MAX_NUMNODES; nid++) {
		struct pglist_data *pgdat = k->node_data[nid];
		if (!pgdat)
			continue;
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			free(pgdat->node_zones[z].per_cpu_pageset);
			free(pgdat->node_zones[z].pageblock_flags);
		}
		free(pgdat->vm_stat);
		free(pgdat->kswapd);
		free(pgdat);
		k->node_data[nid] = NULL;
	}
	swap_destroy(k);
	mem_cgroup_destroy(k);
	mpol_destroy(k);
	free(k->log);
	k->log = NULL;
}
