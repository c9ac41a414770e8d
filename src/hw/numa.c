/* hw/numa.c — the NUMA topology: parsing the node keys and resolving them
 * into nodes of addresses and cores (see numa.h). */
#include "hw/numa.h"

#include "hw/ram.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Describe a bad setting in err, when the caller gave a buffer. */
#define numa_errf(err, len, ...) ((void)((err) && (len) && snprintf((err), (len), __VA_ARGS__)))

/* Split value at commas (and semicolons, spaces) and call item on each
 * piece, at most max of them. Returns the count, or -1 when one is bad or
 * there are too many. */
static int parse_list(const char *value, int max, int (*item)(const char *s, size_t n, void *ctx, int i),
		      void *ctx)
{
	int count = 0;
	const char *s = value;
	while (*s) {
		size_t n = strcspn(s, ",; ");
		if (n) {
			if (count >= max || item(s, n, ctx, count))
				return -1;
			count++;
		}
		s += n;
		if (*s)
			s++;
	}
	return count;
}

/* One size with an optional K/M/G/T suffix. */
static int mem_item(const char *s, size_t n, void *ctx, int i)
{
	char num[32];
	uint64_t *mem = ctx;
	if (n >= sizeof num)
		return -1;
	memcpy(num, s, n);
	num[n] = '\0';
	return hw_parse_size(num, &mem[i]) ? -1 : 0;
}

/* One number up to ctx's limit (core counts, distances). */
struct num_ctx {
	unsigned limit;
	uint16_t vals[HW_MAX_NODES * HW_MAX_NODES];
};

static int num_item(const char *s, size_t n, void *ctx, int i)
{
	struct num_ctx *c = ctx;
	unsigned v = 0;
	if (!n || n > 5)
		return -1;
	for (size_t j = 0; j < n; j++) {
		if (s[j] < '0' || s[j] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[j] - '0');
	}
	if (v > c->limit)
		return -1;
	c->vals[i] = (uint16_t)v;
	return 0;
}

/* See numa.h. */
int hw_numa_parse_mem(struct hw_numa_config *c, const char *value, char *err, size_t errlen)
{
	uint64_t mem[HW_MAX_NODES];
	if (!strcmp(value, "even")) {
		c->nr_mem = 0;
		return 0;
	}
	int n = parse_list(value, HW_MAX_NODES, mem_item, mem);
	if (n <= 0) {
		numa_errf(err, errlen, "node.mem: '%s' is not a comma-separated list of at most %d sizes "
			  "(bytes, or with a K/M/G/T suffix), nor 'even'", value, HW_MAX_NODES);
		return -EINVAL;
	}
	memcpy(c->mem, mem, sizeof mem);
	c->nr_mem = (uint32_t)n;
	return 0;
}

/* Parse a list of at most max numbers up to limit into vals: the count,
 * or -1. */
static int parse_numbers(const char *value, unsigned limit, int max, uint16_t *vals)
{
	struct num_ctx ctx = { .limit = limit };
	int n = parse_list(value, max, num_item, &ctx);
	memcpy(vals, ctx.vals, (size_t)(n > 0 ? n : 0) * sizeof *vals);
	return n;
}

/* See numa.h. */
int hw_numa_parse_cpus(struct hw_numa_config *c, const char *value, char *err, size_t errlen)
{
	uint16_t vals[HW_MAX_NODES];
	int n = strcmp(value, "even") ? parse_numbers(value, HW_MAX_CPUS, HW_MAX_NODES, vals) : 0;
	if (n < 0 || (n == 0 && strcmp(value, "even"))) {
		numa_errf(err, errlen, "node.cpus: '%s' is not a comma-separated list of at most %d core counts "
			  "(0 to %d; 0 makes a memory-only node), nor 'even'", value, HW_MAX_NODES, HW_MAX_CPUS);
		return -EINVAL;
	}
	memcpy(c->cpus, vals, (size_t)n * sizeof *vals);
	c->nr_cpus = (uint32_t)n;
	return 0;
}

/* See numa.h. */
int hw_numa_parse_distance(struct hw_numa_config *c, const char *value, char *err, size_t errlen)
{
	uint16_t vals[HW_MAX_NODES * HW_MAX_NODES];
	int n = strcmp(value, "default") ? parse_numbers(value, 255, HW_MAX_NODES * HW_MAX_NODES, vals) : 0;
	if (n < 0 || (n == 0 && strcmp(value, "default"))) {
		numa_errf(err, errlen, "node.distance: '%s' is not a list of distances (0 to 255): 'local,remote' "
			  "or the nodes x nodes table row by row, nor 'default'", value);
		return -EINVAL;
	}
	for (int i = 0; i < n; i++)
		c->distance[i] = (uint8_t)vals[i];
	c->nr_distance = (uint32_t)n;
	return 0;
}

/* Append to buf at *at like snprintf, stopping at the end. */
static void put(char *buf, size_t len, size_t *at, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void put(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
	if (*at >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *at, len - *at, fmt, ap);
	va_end(ap);
	if (n > 0)
		*at += (size_t)n;
}

/* See numa.h. */
void hw_numa_render_mem(const struct hw_numa_config *c, char *buf, size_t len)
{
	size_t at = 0;
	if (!len)
		return;
	buf[0] = '\0';
	if (!c->nr_mem)
		put(buf, len, &at, "even");
	for (uint32_t i = 0; i < c->nr_mem; i++) {
		uint64_t v = c->mem[i];
		const char *sep = i ? "," : "";
		if (v && !(v & ((1ULL << 30) - 1)))
			put(buf, len, &at, "%s%" PRIu64 "G", sep, v >> 30);
		else if (v && !(v & ((1ULL << 20) - 1)))
			put(buf, len, &at, "%s%" PRIu64 "M", sep, v >> 20);
		else
			put(buf, len, &at, "%s%" PRIu64, sep, v);
	}
}

/* See numa.h. */
void hw_numa_render_cpus(const struct hw_numa_config *c, char *buf, size_t len)
{
	size_t at = 0;
	if (!len)
		return;
	buf[0] = '\0';
	if (!c->nr_cpus)
		put(buf, len, &at, "even");
	for (uint32_t i = 0; i < c->nr_cpus; i++)
		put(buf, len, &at, "%s%u", i ? "," : "", c->cpus[i]);
}

/* See numa.h. A full table's rows are separated by semicolons. */
void hw_numa_render_distance(const struct hw_numa_config *c, char *buf, size_t len)
{
	size_t at = 0;
	uint32_t row = c->nodes > 1 && c->nr_distance == c->nodes * c->nodes ? c->nodes : 0;
	if (!len)
		return;
	buf[0] = '\0';
	if (!c->nr_distance)
		put(buf, len, &at, "default");
	for (uint32_t i = 0; i < c->nr_distance; i++)
		put(buf, len, &at, "%s%u", !i ? "" : row && i % row == 0 ? ";" : ",", c->distance[i]);
}

/* Node sizes: node.mem, or RAM split evenly in 4M units (the last node
 * takes what is left). */
static int resolve_mem(struct hw_numa *n, const struct hw_config *c, char *err, size_t errlen)
{
	const struct hw_numa_config *nc = &c->numa;
	uint64_t sizes[HW_MAX_NODES], total = 0;
	int nodes = n->nr_nodes;
	if (nc->nr_mem && nc->nr_mem != (uint32_t)nodes) {
		numa_errf(err, errlen, "node.mem: %u sizes for nodes=%d (give one per node)", nc->nr_mem, nodes);
		return -EINVAL;
	}
	for (int i = 0; i < nodes; i++) {
		uint64_t even = c->ram_bytes / (uint64_t)nodes / HW_NODE_ALIGN * HW_NODE_ALIGN;
		sizes[i] = nc->nr_mem ? nc->mem[i] : i + 1 < nodes ? even : c->ram_bytes - total;
		total += sizes[i];
	}
	if (total != c->ram_bytes) {
		numa_errf(err, errlen, "node.mem: the nodes' sizes add up to %" PRIu64 " bytes, but ram is %" PRIu64,
			  total, c->ram_bytes);
		return -EINVAL;
	}
	for (int i = 0; i < nodes; i++)
		if (sizes[i] % HW_NODE_ALIGN || !sizes[i]) {
			numa_errf(err, errlen, "node.mem: node %d has %" PRIu64 " bytes; each node needs a multiple of 4M, "
				  "at least 4M (nodes without memory are not modelled)%s", i, sizes[i],
				  nc->nr_mem ? "" : ": give more ram or fewer nodes");
			return -EINVAL;
		}
	n->start_pfn[0] = 0;
	for (int i = 0; i < nodes; i++)
		n->start_pfn[i + 1] = n->start_pfn[i] + sizes[i] / HW_PAGE_SIZE;
	return 0;
}

/* Cores of each node: node.cpus, or the cores split evenly (the first
 * nodes get one more when they do not divide; with fewer cores than
 * nodes, the last nodes get none), numbered node after node. */
static int resolve_cpus(struct hw_numa *n, const struct hw_config *c, char *err, size_t errlen)
{
	const struct hw_numa_config *nc = &c->numa;
	int nodes = n->nr_nodes, cpu = 0;
	if (nc->nr_cpus && nc->nr_cpus != (uint32_t)nodes) {
		numa_errf(err, errlen, "node.cpus: %u counts for nodes=%d (give one per node; 0 for a memory-only node)",
			  nc->nr_cpus, nodes);
		return -EINVAL;
	}
	for (int i = 0; i < nodes; i++) {
		unsigned count = nc->nr_cpus ? nc->cpus[i]
			       : (unsigned)(c->nr_cpus / nodes + (i < c->nr_cpus % nodes));
		if (cpu + (int)count > c->nr_cpus) {
			cpu += (int)count;
			break;
		}
		for (unsigned j = 0; j < count; j++)
			n->cpu_node[cpu++] = (uint8_t)i;
		n->nr_cpus[i] = (uint16_t)count;
	}
	if (cpu != c->nr_cpus || (nodes > 1 && nc->nr_cpus && !n->nr_cpus[0])) {
		if (cpu != c->nr_cpus)
			numa_errf(err, errlen, "node.cpus: the nodes' core counts add up to %d, but cores is %d",
				  cpu, c->nr_cpus);
		else
			numa_errf(err, errlen, "node.cpus: node 0 needs a core (the boot CPU); put memory-only "
				  "nodes after it");
		return -EINVAL;
	}
	return 0;
}

/* The distance table: node.distance, or 10 on the diagonal and 21 off it. */
static int resolve_distance(struct hw_numa *n, const struct hw_config *c, char *err, size_t errlen)
{
	const struct hw_numa_config *nc = &c->numa;
	int nodes = n->nr_nodes;
	bool full = nc->nr_distance == (uint32_t)(nodes * nodes);
	if (nc->nr_distance && !full && nc->nr_distance != 2) {
		numa_errf(err, errlen, "node.distance: %u numbers for nodes=%d: give 'local,remote' or %d numbers "
			  "(the table row by row)", nc->nr_distance, nodes, nodes * nodes);
		return -EINVAL;
	}
	for (int a = 0; a < nodes; a++)
		for (int b = 0; b < nodes; b++) {
			unsigned d = full ? nc->distance[a * nodes + b]
				   : nc->nr_distance ? nc->distance[a != b]
				   : a == b ? HW_LOCAL_DISTANCE : HW_REMOTE_DISTANCE;
			if (a == b && d != HW_LOCAL_DISTANCE) {
				numa_errf(err, errlen, "node.distance: node %d's distance to itself is %u; a SLIT "
					  "gives %d", a, d, HW_LOCAL_DISTANCE);
				return -EINVAL;
			}
			if (a != b && (d <= HW_LOCAL_DISTANCE || d > HW_MAX_DISTANCE)) {
				numa_errf(err, errlen, "node.distance: from node %d to node %d is %u; a remote distance "
					  "is from %d to %d", a, b, d, HW_LOCAL_DISTANCE + 1, HW_MAX_DISTANCE);
				return -EINVAL;
			}
			n->distance[a][b] = (uint8_t)d;
		}
	return 0;
}

/* See numa.h. */
int hw_numa_resolve(struct hw_numa *n, const struct hw_config *c, char *err, size_t errlen)
{
	memset(n, 0, sizeof *n);
	n->nr_nodes = c->numa.nodes ? (int)c->numa.nodes : 1;
	if (n->nr_nodes > HW_MAX_NODES) {
		numa_errf(err, errlen, "nodes: %d is outside 1..%d", n->nr_nodes, HW_MAX_NODES);
		return -EINVAL;
	}
	if (n->nr_nodes == 1 && (c->numa.nr_mem > 1 || c->numa.nr_cpus > 1 ||
				 (c->numa.nr_distance && c->numa.nr_distance != 1))) {
		numa_errf(err, errlen, "node.mem, node.cpus or node.distance lists several nodes, but nodes=1 "
			  "(set nodes first)");
		return -EINVAL;
	}
	if (n->nr_nodes == 1) {
		n->start_pfn[1] = c->ram_bytes / HW_PAGE_SIZE;
		n->nr_cpus[0] = (uint16_t)c->nr_cpus;
		n->distance[0][0] = HW_LOCAL_DISTANCE;
		return 0;
	}
	int rc = resolve_mem(n, c, err, errlen);
	if (!rc)
		rc = resolve_cpus(n, c, err, errlen);
	if (!rc)
		rc = resolve_distance(n, c, err, errlen);
	return rc;
}
