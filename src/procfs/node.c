/*
 * procfs/node.c — /sys/devices/system/node: the node states (possible,
 * online, has_cpu, has_memory, has_normal_memory, has_generic_initiator)
 * and each node's meminfo, numastat, distance, vmstat, cpulist and cpumap
 * (Linux: drivers/base/node.c), in Linux 6.18's formats.
 */
#include "procfs/internal.h"

#include "common.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/vmstat.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define NODE_DIR "/sys/devices/system/node/"
#define K(pages) ((unsigned long long)(pages) << (PAGE_SHIFT - 10))

/* Print the set bits of a bitmap of n bits as a list, "0-3,6" (Linux:
 * the %*pbl format), then a newline. */
static void print_list(struct seq_buf *m, const bool *set, int n)
{
	bool first = true;
	for (int i = 0; i < n; i++) {
		if (!set[i])
			continue;
		int j = i;
		while (j + 1 < n && set[j + 1])
			j++;
		seq_printf(m, j > i ? "%s%d-%d" : "%s%d", first ? "" : ",", i, j);
		first = false;
		i = j;
	}
	seq_putc(m, '\n');
}

/* Print a bitmap of n bits in hex, in comma-separated groups of 32 bits,
 * the highest first, the first group without leading zeros (Linux: the
 * %*pb format), then a newline. */
static void print_mask(struct seq_buf *m, const bool *set, int n)
{
	int groups = (n + 31) / 32;
	for (int g = groups - 1; g >= 0; g--) {
		unsigned word = 0;
		for (int b = 0; b < 32 && g * 32 + b < n; b++)
			if (set[g * 32 + b])
				word |= 1u << b;
		if (g == groups - 1) {
			int width = (n - g * 32 + 3) / 4;
			seq_printf(m, "%0*x", width, word);
		} else {
			seq_printf(m, ",%08x", word);
		}
	}
	seq_putc(m, '\n');
}

/* One of the node state files: the nodes in that state as a list. */
static int node_state_show(struct kernel *k, const char *name, struct seq_buf *m)
{
	bool set[MAX_NUMNODES] = { false };
	bool cpu = !strcmp(name, "has_cpu");
	if (strcmp(name, "possible") && strcmp(name, "online") && strcmp(name, "has_memory") &&
	    strcmp(name, "has_normal_memory") && !cpu && strcmp(name, "has_generic_initiator"))
		return -ENOENT;
	if (strcmp(name, "has_generic_initiator"))
		for_each_online_node(k, nid)
			set[nid] = !cpu || k->numa->nr_cpus[nid];
	print_list(m, set, k->nr_online_nodes);
	return 0;
}

/* Sum of a zone counter over the zones of pgdat (Linux:
 * sum_zone_node_page_state). */
static uint64_t sum_zone_node_page_state(const struct pglist_data *pgdat, enum zone_stat_item item)
{
	uint64_t sum = 0;
	for (int z = 0; z < MAX_NR_ZONES; z++)
		sum += zone_page_state(&pgdat->node_zones[z], item);
	return sum;
}

/* See procfs.h. */
uint64_t sum_zone_numa_event_state(const struct pglist_data *pgdat, enum numa_stat_item item)
{
	uint64_t sum = 0;
	for (int z = 0; z < MAX_NR_ZONES; z++)
		sum += pgdat->node_zones[z].numa_stat[item];
	return sum;
}

/* nodeN/meminfo (Linux: node_read_meminfo, then
 * hugetlb_report_node_meminfo: no pools yet). */
static void node_read_meminfo(struct kernel *k, struct pglist_data *pgdat, struct seq_buf *m)
{
	int nid = pgdat->node_id;
	uint64_t total = pgdat->node_managed_pages, free = sum_zone_node_page_state(pgdat, NR_FREE_PAGES);
	uint64_t srecl = node_page_state_pages(pgdat, NR_SLAB_RECLAIMABLE_B);
	uint64_t sunrecl = node_page_state_pages(pgdat, NR_SLAB_UNRECLAIMABLE_B);
	const struct {
		const char *label;
		uint64_t kb;
	} lines[] = {
#define N(item) node_page_state_pages(pgdat, item)
		{ "MemTotal:", K(total) },
		{ "MemFree:", K(free) },
		{ "MemUsed:", K(total - free) },
		{ "SwapCached:", K(N(NR_SWAPCACHE)) },
		{ "Active:", K(N(NR_ACTIVE_ANON) + N(NR_ACTIVE_FILE)) },
		{ "Inactive:", K(N(NR_INACTIVE_ANON) + N(NR_INACTIVE_FILE)) },
		{ "Active(anon):", K(N(NR_ACTIVE_ANON)) },
		{ "Inactive(anon):", K(N(NR_INACTIVE_ANON)) },
		{ "Active(file):", K(N(NR_ACTIVE_FILE)) },
		{ "Inactive(file):", K(N(NR_INACTIVE_FILE)) },
		{ "Unevictable:", K(N(NR_UNEVICTABLE)) },
		{ "Mlocked:", K(sum_zone_node_page_state(pgdat, NR_MLOCK)) },
		{ "Dirty:", K(N(NR_FILE_DIRTY)) },
		{ "Writeback:", K(N(NR_WRITEBACK)) },
		{ "FilePages:", K(N(NR_FILE_PAGES)) },
		{ "Mapped:", K(N(NR_FILE_MAPPED)) },
		{ "AnonPages:", K(N(NR_ANON_MAPPED)) },
		{ "Shmem:", K(N(NR_SHMEM)) },
		{ "KernelStack:", N(NR_KERNEL_STACK_KB) },
		{ "PageTables:", K(N(NR_PAGETABLE)) },
		{ "SecPageTables:", K(N(NR_SECONDARY_PAGETABLE)) },
		{ "NFS_Unstable:", 0 },
		{ "Bounce:", 0 },
		{ "WritebackTmp:", 0 },
		{ "KReclaimable:", K(srecl + N(NR_KERNEL_MISC_RECLAIMABLE)) },
		{ "Slab:", K(srecl + sunrecl) },
		{ "SReclaimable:", K(srecl) },
		{ "SUnreclaim:", K(sunrecl) },
		{ "AnonHugePages:", K(N(NR_ANON_THPS)) },
		{ "ShmemHugePages:", K(N(NR_SHMEM_THPS)) },
		{ "ShmemPmdMapped:", K(N(NR_SHMEM_PMDMAPPED)) },
		{ "FileHugePages:", K(N(NR_FILE_THPS)) },
		{ "FilePmdMapped:", K(N(NR_FILE_PMDMAPPED)) },
#undef N
	};
	for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
		seq_printf(m, "Node %d %-15s %8llu kB\n", nid, lines[i].label, (unsigned long long)lines[i].kb);
	seq_printf(m, "Node %d HugePages_Total: %5u\nNode %d HugePages_Free:  %5u\nNode %d HugePages_Surp:  %5u\n",
		   nid, 0u, nid, 0u, nid, 0u);
	(void)k;
}

/* nodeN/numastat (Linux: node_read_numastat). */
static void node_read_numastat(struct pglist_data *pgdat, struct seq_buf *m)
{
	static const char *const names[NR_VM_NUMA_EVENT_ITEMS] = {
		"numa_hit", "numa_miss", "numa_foreign", "interleave_hit", "local_node", "other_node"
	};
	for (int i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
		seq_printf(m, "%s %llu\n", names[i],
			   (unsigned long long)sum_zone_numa_event_state(pgdat, (enum numa_stat_item)i));
}

/* nodeN/distance (Linux: node_read_distance). */
static void node_read_distance(struct kernel *k, int nid, struct seq_buf *m)
{
	for_each_online_node(k, i)
		seq_printf(m, "%s%d", i ? " " : "", node_distance(k, nid, i));
	seq_putc(m, '\n');
}

/* A file of node nid's directory, name: 0 or -ENOENT. */
static int node_file_show(struct kernel *k, int nid, const char *name, struct seq_buf *m)
{
	struct pglist_data *pgdat = k->node_data[nid];
	bool cpus[MAX_CPUS] = { false };
	for (int c = 0; c < k->nr_cpus; c++)
		cpus[c] = cpu_to_node(k, c) == nid;
	if (!strcmp(name, "meminfo"))
		node_read_meminfo(k, pgdat, m);
	else if (!strcmp(name, "numastat"))
		node_read_numastat(pgdat, m);
	else if (!strcmp(name, "distance"))
		node_read_distance(k, nid, m);
	else if (!strcmp(name, "vmstat"))
		node_read_vmstat(k, pgdat, m);
	else if (!strcmp(name, "cpulist"))
		print_list(m, cpus, k->nr_cpus);
	else if (!strcmp(name, "cpumap"))
		print_mask(m, cpus, k->nr_cpus);
	else
		return -ENOENT;
	return 0;
}

/* See procfs.h. */
int node_sysfs_show(struct kernel *k, const char *path, struct seq_buf *m)
{
	if (strncmp(path, NODE_DIR, strlen(NODE_DIR)))
		return -ENOENT;
	path += strlen(NODE_DIR);
	if (strncmp(path, "node", 4) || path[4] < '0' || path[4] > '9')
		return node_state_show(k, path, m);
	int nid = 0;
	path += 4;
	if (*path == '0' && path[1] != '/')
		return -ENOENT;              /* no leading zeros: node01 is no node */
	while (*path >= '0' && *path <= '9' && nid < MAX_NUMNODES)
		nid = nid * 10 + (*path++ - '0');
	if (*path++ != '/' || nid >= k->nr_online_nodes)
		return -ENOENT;
	return node_file_show(k, nid, path, m);
}

/* See procfs.h. */
const char *node_sysfs_path_at(size_t i)
{
	static const char *const paths[] = {
		NODE_DIR "possible", NODE_DIR "online", NODE_DIR "has_cpu", NODE_DIR "has_memory",
		NODE_DIR "has_normal_memory", NODE_DIR "has_generic_initiator",
		NODE_DIR "node0/cpulist", NODE_DIR "node0/cpumap", NODE_DIR "node0/distance",
		NODE_DIR "node0/meminfo", NODE_DIR "node0/numastat", NODE_DIR "node0/vmstat",
	};
	return i < ARRAY_SIZE(paths) ? paths[i] : NULL;
}
