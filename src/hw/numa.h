/*
 * hw/numa.h — the machine's NUMA topology: which node each physical
 * address and each core belongs to, and the distances between nodes
 * (the firmware's SRAT and SLIT tables on a real machine).
 *
 * The configuration (struct hw_numa_config in hw/config.h, keys `nodes`,
 * `node.mem`, `node.cpus`, `node.distance`) says what the user asked for;
 * hw_numa_resolve turns it into a struct hw_numa: node n owns the physical
 * pages [start_pfn[n], start_pfn[n+1]) (nodes follow each other in node
 * order from address 0) and the cores whose cpu_node is n. A node without
 * cores is a memory-only node (CXL-like). Both the kernel (its nodes and
 * zones) and the memory hierarchy (the cost of a remote access) ask here:
 * hw_pa_to_node is THE one lookup of a physical address's node.
 */
#ifndef MMSIM_HW_NUMA_H
#define MMSIM_HW_NUMA_H

#include <stddef.h>
#include <stdint.h>

#include "hw/config.h"

#define HW_LOCAL_DISTANCE   10     /* a node's distance to itself (ACPI SLIT) */
#define HW_REMOTE_DISTANCE  21     /* the default between two nodes */
#define HW_MAX_DISTANCE     254    /* 255 means unreachable in a SLIT */
/* A node's memory is a whole number of these (4 MiB: the buddy
 * allocator's largest block, so no free block spans two nodes). */
#define HW_NODE_ALIGN       (4ULL << 20)

struct hw_numa {
	int nr_nodes;                           /* 1 .. HW_MAX_NODES */
	uint64_t start_pfn[HW_MAX_NODES + 1];   /* [nr_nodes] is the end of RAM */
	uint8_t cpu_node[HW_MAX_CPUS];          /* each core's node */
	uint16_t nr_cpus[HW_MAX_NODES];         /* cores per node (0: memory-only) */
	uint8_t distance[HW_MAX_NODES][HW_MAX_NODES];
};

/* Resolve c's node settings into *n: even splits where no list is given,
 * the default distances (10 local, 21 remote) where no table is. Returns
 * 0, or -EINVAL with the first impossible setting in err: a list whose
 * length is not `nodes`, sizes that do not add up to `ram` or are not
 * multiples of 4M, a node without memory, core counts that do not add up to
 * `cores`, a distance table that is not nodes x nodes, a self distance
 * other than 10, another below 11 or above 254. */
int hw_numa_resolve(struct hw_numa *n, const struct hw_config *c, char *err, size_t errlen);

/* The node of physical address pa (the last node for an address past
 * the end of RAM, which no caller passes). */
static inline int hw_pa_to_node(const struct hw_numa *n, uint64_t pa)
{
	uint64_t pfn = pa >> 12;
	int nid = 0;
	while (nid + 1 < n->nr_nodes && pfn >= n->start_pfn[nid + 1])
		nid++;
	return nid;
}

/* The node of core cpu. */
static inline int hw_cpu_to_node(const struct hw_numa *n, int cpu)
{
	return n->cpu_node[cpu];
}

/* The SLIT distance from node a to node b (10: the same node). */
static inline unsigned hw_node_distance(const struct hw_numa *n, int a, int b)
{
	return n->distance[a][b];
}

#endif

/* The list keys' values (hw/config.c calls these): parse value into c's
 * node.mem ("2G,2G", sizes with a K/M/G/T suffix, or "even"), node.cpus
 * ("4,4,0" or "even") or node.distance ("10,21", nodes * nodes numbers
 * row by row separated by commas or semicolons, or "default"). Returns 0
 * or -EINVAL with what is wrong in err; whether the lists fit `nodes`,
 * `ram` and `cores` is checked by hw_numa_resolve. */
int hw_numa_parse_mem(struct hw_numa_config *c, const char *value, char *err, size_t errlen);
int hw_numa_parse_cpus(struct hw_numa_config *c, const char *value, char *err, size_t errlen);
int hw_numa_parse_distance(struct hw_numa_config *c, const char *value, char *err, size_t errlen);

/* Render the same lists, as the parsers read them. */
void hw_numa_render_mem(const struct hw_numa_config *c, char *buf, size_t len);
void hw_numa_render_cpus(const struct hw_numa_config *c, char *buf, size_t len);
void hw_numa_render_distance(const struct hw_numa_config *c, char *buf, size_t len);
