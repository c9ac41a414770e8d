/*
 * NUMA machines (hw/numa.c, kernel/mm_init.c, kernel/page_alloc.c,
 * procfs/node.c): the node keys and their errors, nodes with their own
 * zones, free lists and kswapd, zonelists by distance, first-touch
 * placement with fallback and the numa_* counters, and the views.
 * The rules are Linux's (Documentation/admin-guide/mm/numa_memory_policy.rst,
 * "the local node" of the default policy; mm/page_alloc.c zone_statistics;
 * mm/mm_init.c build_zonelists); a one-node host cannot show them.
 */
#include "proc_helpers.h"

#include "hw/numa.h"
#include "hw/presets.h"
#include "kernel/gfp.h"
#include "kernel/mm.h"
#include "kernel/pgtable.h"
#include "kernel/task.h"
#include "kernel/vmstat.h"
#include "procfs/procfs.h"
#include "procfs/seq.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG 4096ULL
#define MIB (1ULL << 20)
#define GIB (1ULL << 30)

/* A default-preset machine with ram, cores and these key=value pairs
 * (NULL-terminated) set. */
static struct hw_config numa_config(uint64_t ram, int cpus, const char *const *kv)
{
	struct hw_config c = tk_hw_config(ram, cpus, 4, "default");
	char err[256] = "";
	for (; kv && kv[0]; kv += 2)
		cr_assert_eq(hw_config_set(&c, kv[0], kv[1], err, sizeof err), 0, "%s=%s: %s", kv[0], kv[1], err);
	return c;
}

static struct tk *numa_boot(uint64_t ram, int cpus, const char *const *kv)
{
	struct hw_config c = numa_config(ram, cpus, kv);
	return tk_boot_hw(&c);
}

/* hw_config_validate's message for c, "" when it is valid. */
static const char *why_invalid(uint64_t ram, int cpus, const char *const *kv)
{
	static char err[256];
	struct hw_config c = numa_config(ram, cpus, kv);
	err[0] = '\0';
	hw_config_validate(&c, err, sizeof err);
	return err;
}

static uint64_t numa_event(struct tk *t, int nid, enum numa_stat_item i)
{
	uint64_t sum = 0;
	for (int z = 0; z < MAX_NR_ZONES; z++)
		sum += t->k.node_data[nid]->node_zones[z].numa_stat[i];
	return sum;
}

/* ---- configuration -------------------------------------------------------------- */

Test(numa, impossible_configurations_are_refused_with_the_reason)
{
	cr_assert_str_eq(why_invalid(4 * GIB, 2, (const char *const[]){ "nodes", "2", NULL }), "");
	cr_assert(strstr(why_invalid(4 * GIB, 2, (const char *const[]){ "nodes", "2", "node.mem", "1G,2G", NULL }),
			 "add up to 3221225472 bytes, but ram is 4294967296"));
	cr_assert(strstr(why_invalid(4 * GIB, 2, (const char *const[]){ "nodes", "3", "node.mem", "1G,3G", NULL }),
			 "node.mem: 2 sizes for nodes=3"));
	cr_assert(strstr(why_invalid(4 * GIB, 2, (const char *const[]){ "nodes", "2", "node.mem", "1G,3070M,2M", NULL }),
			 "3 sizes"));
	cr_assert(strstr(why_invalid(4 * GIB, 2, (const char *const[]){ "nodes", "2", "node.mem", "2050M,2046M", NULL }),
			 "multiple of 4M"));
	cr_assert(strstr(why_invalid(16 * MIB, 2, (const char *const[]){ "nodes", "8", NULL }),
			 "node 0 has 0 bytes; each node needs a multiple of 4M, at least 4M"));
	cr_assert(strstr(why_invalid(4 * GIB, 2, (const char *const[]){ "nodes", "2", "node.cpus", "2,1", NULL }),
			 "core counts add up to 3, but cores is 2"));
	cr_assert(strstr(why_invalid(4 * GIB, 2, (const char *const[]){ "nodes", "2", "node.cpus", "0,2", NULL }),
			 "node 0 needs a core"));
	cr_assert(strstr(why_invalid(4 * GIB, 2, (const char *const[]){ "nodes", "3", "node.distance", "10,21,0", NULL }),
			 "3 numbers for nodes=3"));
	cr_assert(strstr(why_invalid(4 * GIB, 2, (const char *const[]){ "nodes", "2", "node.distance", "11,21", NULL }),
			 "node 0's distance to itself is 11"));
	cr_assert(strstr(why_invalid(4 * GIB, 2, (const char *const[]){ "nodes", "2", "node.distance", "10,10", NULL }),
			 "from node 0 to node 1 is 10"));
	cr_assert(strstr(why_invalid(4 * GIB, 2, (const char *const[]){ "node.cpus", "1,1", NULL }),
			 "but nodes=1"));
	struct hw_config c = tk_hw_config(4 * GIB, 2, 4, "default");
	char err[256];
	cr_assert_eq(hw_config_set(&c, "nodes", "65", err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "nodes: '65' is not a number from 1 to 64"), "%s", err);
	cr_assert_eq(hw_config_set(&c, "node.mem", "2G,lots", err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "node.mem: '2G,lots'"), "%s", err);
	cr_assert_eq(hw_config_set(&c, "node.distance", "10,300", err, sizeof err), -EINVAL);
	cr_assert_eq(hw_config_set(&c, "node.cpus", "1,-1", err, sizeof err), -EINVAL);
}

Test(numa, lists_round_trip_and_even_splits_resolve)
{
	struct hw_config c = numa_config(6 * GIB, 5, (const char *const[]){ "nodes", "3", NULL });
	struct hw_numa n;
	cr_assert_eq(hw_numa_resolve(&n, &c, NULL, 0), 0);
	cr_assert_eq(n.nr_nodes, 3);
	cr_assert_eq(n.start_pfn[1], 2 * GIB / PG);
	cr_assert_eq(n.start_pfn[3], 6 * GIB / PG);
	cr_assert_eq(n.nr_cpus[0], 2, "5 cores on 3 nodes: 2, 2, 1");
	cr_assert_eq(n.nr_cpus[2], 1);
	cr_assert_eq(n.cpu_node[4], 2);
	cr_assert_eq(hw_node_distance(&n, 0, 2), 21, "the default remote distance");
	cr_assert_eq(hw_pa_to_node(&n, 4 * GIB), 2);
	cr_assert_eq(hw_pa_to_node(&n, 2 * GIB - 1), 0);

	char v[256];
	cr_assert_eq(hw_config_set(&c, "node.distance", "10,20,30;20,10,20;30,20,10", NULL, 0), 0);
	hw_config_get(&c, "node.distance", v, sizeof v);
	cr_assert_str_eq(v, "10,20,30;20,10,20;30,20,10");
	cr_assert_eq(hw_config_set(&c, "node.mem", "1G,1G,4G", NULL, 0), 0);
	hw_config_get(&c, "node.mem", v, sizeof v);
	cr_assert_str_eq(v, "1G,1G,4G");
	cr_assert_eq(hw_config_set(&c, "node.cpus", "4,1,0", NULL, 0), 0);
	hw_config_get(&c, "node.cpus", v, sizeof v);
	cr_assert_str_eq(v, "4,1,0");
	cr_assert_eq(hw_numa_resolve(&n, &c, NULL, 0), 0);
	cr_assert_eq(n.nr_cpus[2], 0, "node 2 is memory-only");
	cr_assert_eq(hw_node_distance(&n, 2, 0), 30);
	cr_assert_eq(n.start_pfn[2], 2 * GIB / PG);
	hw_config_get(&c, "nodes", v, sizeof v);
	cr_assert_str_eq(v, "3");
}

Test(numa, the_presets_have_their_nodes)
{
	struct hw_numa n;
	cr_assert_eq(hw_numa_resolve(&n, &hw_preset_find("sapphire-rapids-2s")->config, NULL, 0), 0);
	cr_assert_eq(n.nr_nodes, 2);
	cr_assert_eq(hw_node_distance(&n, 0, 1), 21);
	cr_assert_eq(n.nr_cpus[1], 4);
	cr_assert_eq(hw_numa_resolve(&n, &hw_preset_find("genoa-nps4")->config, NULL, 0), 0);
	cr_assert_eq(n.nr_nodes, 8);
	cr_assert_eq(hw_node_distance(&n, 1, 3), 12, "another quadrant of the socket");
	cr_assert_eq(hw_node_distance(&n, 1, 5), 32, "the other socket");
	cr_assert_eq(hw_numa_resolve(&n, &hw_preset_find("default")->config, NULL, 0), 0);
	cr_assert_eq(n.nr_nodes, 1);
}

/* ---- boot -------------------------------------------------------------------------- */

Test(numa, each_node_has_its_zones_over_its_own_frames)
{
	struct tk *t = numa_boot(8 * GIB, 4, (const char *const[]){ "nodes", "2", "node.mem", "2G,6G", NULL });
	struct kernel *k = &t->k;
	cr_assert_eq(k->nr_online_nodes, 2);
	struct pglist_data *n0 = k->node_data[0], *n1 = k->node_data[1];
	cr_assert_eq(n0->node_start_pfn, 0);
	cr_assert_eq(n1->node_start_pfn, 2 * GIB / PG);
	cr_assert_eq(n1->node_spanned_pages, 6 * GIB / PG);
	cr_assert(populated_zone(&n0->node_zones[ZONE_DMA]) && populated_zone(&n0->node_zones[ZONE_DMA32]));
	cr_assert(!populated_zone(&n0->node_zones[ZONE_NORMAL]), "node 0 ends at 2 GiB");
	cr_assert(!populated_zone(&n1->node_zones[ZONE_DMA]));
	cr_assert_eq(n1->node_zones[ZONE_DMA32].zone_start_pfn, 2 * GIB / PG);
	cr_assert_eq(n1->node_zones[ZONE_DMA32].spanned_pages, 2 * GIB / PG, "2-4 GiB is DMA32");
	cr_assert_eq(n1->node_zones[ZONE_NORMAL].zone_start_pfn, 4 * GIB / PG);
	cr_assert_eq(n1->node_managed_pages, 6 * GIB / PG, "mem_map and the boot reservations are on node 0");
	cr_assert_eq(n0->node_managed_pages + n1->node_managed_pages, k->totalram_pages);
	cr_assert_eq(pfn_to_nid(k, 2 * GIB / PG - 1), 0);
	cr_assert_eq(pfn_to_nid(k, 2 * GIB / PG), 1);
	cr_assert(n0->kswapd && n1->kswapd, "a kswapd per node");
	cr_assert_str_eq(n1->kswapd->comm, "kswapd1");
	cr_assert_eq(cpu_to_node(k, 1), 0);
	cr_assert_eq(cpu_to_node(k, 2), 1);
	tk_assert_consistent(t);
	tk_free(t);
}

Test(numa, zonelists_fall_back_nearest_node_first)
{
	/* node 0's nearest other node is 2, then 3, then 1 */
	struct tk *t = numa_boot(4 * GIB, 4, (const char *const[]){ "nodes", "4", "node.distance",
		"10,40,15,20;40,10,20,15;15,20,10,40;20,15,40,10", NULL });
	struct zone **zr = t->k.node_data[0]->node_zonelists[ZONELIST_FALLBACK]._zonerefs;
	int order[8], n = 0;
	for (; *zr; zr++)
		if (!n || order[n - 1] != zone_to_nid(*zr))
			order[n++] = zone_to_nid(*zr);
	cr_assert_eq(n, 4);
	cr_assert(order[0] == 0 && order[1] == 2 && order[2] == 3 && order[3] == 1, "%d %d %d %d", order[0],
		  order[1], order[2], order[3]);
	zr = t->k.node_data[0]->node_zonelists[ZONELIST_FALLBACK]._zonerefs;
	cr_assert_eq(zr[0]->idx, ZONE_DMA32, "a node's highest zone first");
	cr_assert_eq(zr[1]->idx, ZONE_DMA);
	struct zone **own = t->k.node_data[3]->node_zonelists[ZONELIST_NOFALLBACK]._zonerefs;
	cr_assert(own[0] && zone_to_nid(own[0]) == 3 && !own[1], "the no-fallback list: the node's own zones");
	tk_free(t);
}

Test(numa, node_zero_must_hold_mem_map)
{
	struct hw_config c = numa_config(64 * GIB, 2, (const char *const[]){ "nodes", "2", "node.mem", "16M,65520M", NULL });
	struct tk *t = calloc(1, sizeof *t);
	char why[256] = "";
	cr_assert_eq(ram_init(&t->ram, c.ram_bytes), 0);
	cr_assert_eq(hw_machine_init(&t->hw, &c, &t->ram), 0);
	cr_assert_eq(kernel_init(&t->k, &t->hw, &(struct kernel_config){ 0 }, why, sizeof why), -EINVAL);
	cr_assert(strstr(why, "node 0 (16777216 bytes) cannot hold mem_map"), "%s", why);
	hw_machine_destroy(&t->hw);
	ram_destroy(&t->ram);
	free(t);
}

/* ---- placement ------------------------------------------------------------------------ */

Test(numa, first_touch_places_a_page_on_the_faulting_cores_node)
{
	struct tk *t = numa_boot(4 * GIB, 4, (const char *const[]){ "nodes", "2", NULL });
	struct kernel *k = &t->k;
	struct task_struct *p = tp_spawn(t, "ft", 0);
	int err;
	struct task_struct *th = task_create_thread(k, p, 3, &err);
	cr_assert_not_null(th);
	uint64_t a = tp_mmap(t, p, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	uint64_t hit0 = numa_event(t, 0, NUMA_HIT), hit1 = numa_event(t, 1, NUMA_HIT);
	for (int i = 0; i < 4; i++)
		tp_touch(t, p, a + i * PG, 1, true);           /* core 0: node 0 */
	for (int i = 4; i < 8; i++)
		tp_touch(t, th, a + i * PG, 1, true);          /* core 3: node 1 */
	for (int i = 0; i < 8; i++)
		cr_assert_eq(pfn_to_nid(k, pte_pfn(tp_pte(t, p, a + i * PG))), i < 4 ? 0 : 1, "page %d", i);
	cr_assert_eq(numa_event(t, 1, NUMA_HIT) - hit1, 4, "each local allocation is a hit");
	cr_assert_geq(numa_event(t, 0, NUMA_HIT) - hit0, 4);
	cr_assert_eq(numa_event(t, 1, NUMA_MISS), 0);
	cr_assert_eq(numa_event(t, 1, NUMA_OTHER), 0);
	cr_assert_eq(node_page_state_pages(k->node_data[1], NR_ANON_MAPPED), 4, "node 1's counters");
	char *maps = tk_proc(t, "/proc/1/numa_maps");
	cr_assert(strstr(maps, " anon=8 dirty=8 active=0 N0=4 N1=4 kernelpagesize_kB=4\n"), "%s", maps);
	free(maps);
	tk_assert_consistent(t);
	tk_free(t);
}

Test(numa, a_full_node_falls_back_to_the_next_and_counts_miss_and_foreign)
{
	struct tk *t = numa_boot(2 * GIB, 2, (const char *const[]){ "nodes", "2", "node.mem", "1984M,64M", NULL });
	struct kernel *k = &t->k;
	uint64_t n1 = k->node_data[1]->node_managed_pages, got1 = 0, got0 = 0;
	for (uint64_t i = 0; i < n1 + 64; i++) {
		struct page *pg = alloc_pages_node(k, 1, GFP_KERNEL | __GFP_NOWARN, 0);
		cr_assert_not_null(pg);
		if (page_to_nid(k, pg) == 1)
			got1++;
		else
			got0++;
	}
	cr_assert_gt(got0, 64, "past node 1's watermarks, node 0 serves");
	cr_assert_lt(got1, n1, "node 1 keeps its reserve");
	cr_assert_eq(numa_event(t, 0, NUMA_MISS), got0, "a miss on the node that served");
	cr_assert_eq(numa_event(t, 1, NUMA_FOREIGN), got0, "a foreign on the node that was preferred");
	cr_assert_geq(numa_event(t, 0, NUMA_LOCAL), got0, "served on the kernel's CPU's node (0): local");
	cr_assert_eq(numa_event(t, 1, NUMA_OTHER), got1, "node 1 is not the CPU's node: other");
	struct page *pg;
	uint64_t more = 0;
	while ((pg = alloc_pages_node(k, 1, GFP_KERNEL | __GFP_THISNODE | __GFP_NOWARN | __GFP_NORETRY, 0))) {
		cr_assert_eq(page_to_nid(k, pg), 1, "__GFP_THISNODE does not fall back");
		cr_assert_lt(++more, n1, "and fails when the node is empty");
	}
	cr_assert(k->node_data[1]->kswapd_woken, "node 1's kswapd was woken");
	cr_assert(!k->node_data[0]->kswapd_woken, "node 0's was not");
	tk_assert_consistent(t);
	tk_free(t);
}

Test(numa, one_node_counts_every_allocation_local)
{
	struct tk *t = tk_boot(256 * MIB, 2);
	struct task_struct *p = tp_spawn(t, "one", 1);
	uint64_t a = tp_mmap(t, p, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_touch(t, p, a, 4 * PG, true);
	cr_assert_gt(numa_event(t, 0, NUMA_HIT), 4);
	cr_assert_eq(numa_event(t, 0, NUMA_HIT), numa_event(t, 0, NUMA_LOCAL));
	cr_assert_eq(numa_event(t, 0, NUMA_MISS) + numa_event(t, 0, NUMA_OTHER), 0);
	tk_free(t);
}

/* ---- views -------------------------------------------------------------------------------- */

Test(numa, sysfs_node_files)
{
	struct tk *t = numa_boot(4 * GIB, 3, (const char *const[]){ "nodes", "3", "node.mem", "2G,1G,1G",
		"node.cpus", "2,1,0", "node.distance", "10,21,30;21,10,30;30,30,10", NULL });
	static const struct {
		const char *path, *want;
	} files[] = {
		{ "/sys/devices/system/node/possible", "0-2\n" },
		{ "/sys/devices/system/node/online", "0-2\n" },
		{ "/sys/devices/system/node/has_cpu", "0-1\n" },
		{ "/sys/devices/system/node/has_memory", "0-2\n" },
		{ "/sys/devices/system/node/has_normal_memory", "0-2\n" },
		{ "/sys/devices/system/node/has_generic_initiator", "\n" },
		{ "/sys/devices/system/node/node0/cpulist", "0-1\n" },
		{ "/sys/devices/system/node/node1/cpulist", "2\n" },
		{ "/sys/devices/system/node/node2/cpulist", "\n" },
		{ "/sys/devices/system/node/node1/cpumap", "4\n" },
		{ "/sys/devices/system/node/node2/distance", "30 30 10\n" },
	};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char *s = tk_proc(t, files[i].path);
		cr_assert_str_eq(s, files[i].want, "%s", files[i].path);
		free(s);
	}
	char *s = tk_proc(t, "/sys/devices/system/node/node2/meminfo");
	const char *head = "Node 2 MemTotal:        1048576 kB\nNode 2 MemFree:         ";
	cr_assert(!strncmp(s, head, strlen(head)), "%s", s);
	cr_assert(strstr(s, "\nNode 2 HugePages_Surp:      0\n"));
	free(s);
	s = tk_proc(t, "/sys/devices/system/node/node0/numastat");
	cr_assert(!strncmp(s, "numa_hit ", 9) && strstr(s, "\nother_node 0\n"), "%s", s);
	free(s);
	s = tk_proc(t, "/sys/devices/system/node/node1/vmstat");
	cr_assert(strstr(s, "nr_free_pages 262144\n") && strstr(s, "\nnuma_hit 0\n"), "%s", s);
	free(s);
	s = tk_proc(t, "/proc/zoneinfo");
	cr_assert(strstr(s, "Node 2, zone    DMA32"), "%s", s);
	free(s);
	s = tk_proc(t, "/proc/buddyinfo");
	cr_assert(strstr(s, "Node 1, zone    DMA32") && strstr(s, "Node 2, zone    DMA32"), "%s", s);
	free(s);
	struct seq_buf m = { 0 };
	cr_assert_eq(procfs_read(&t->k, "/sys/devices/system/node/node3/meminfo", &m), -ENOENT);
	cr_assert_eq(procfs_read(&t->k, "/sys/devices/system/node/node01/meminfo", &m), -ENOENT);
	cr_assert_eq(procfs_read(&t->k, "/sys/devices/system/node/node0/nosuch", &m), -ENOENT);
	seq_release(&m);
	tk_free(t);
}
