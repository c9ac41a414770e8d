/*
 * Memory policies (kernel/mempolicy.c): set_mempolicy(2) and
 * get_mempolicy(2) with Linux's checks, and where a task's pages go under
 * each mode. The one-node answers are what Linux 6.18 gave on this
 * project's one-node host (a C probe of every case below:
 * /work/notes/numa-mempolicy-probe.c and .txt); the multi-node placement
 * follows Documentation/admin-guide/mm/numa_memory_policy.rst (BIND: only
 * the nodes given, nearest first; PREFERRED: that node first; INTERLEAVE:
 * page by page, a fault's page by its offset in the VMA; PREFERRED_MANY:
 * those nodes first, then any) and mm/mempolicy.c.
 */
#include "proc_helpers.h"

#include "kernel/mempolicy.h"
#include "kernel/mm.h"
#include "kernel/pgtable.h"
#include "kernel/task.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG 4096ULL

static long setp(struct tk *t, struct task_struct *p, int mode, uint64_t mask, uint64_t maxnode)
{
	uint64_t words[20] = { mask };
	return sys_set_mempolicy(&t->k, p, mode, mask || maxnode ? words : NULL, maxnode);
}

Test(mempolicy, set_mempolicy_errnos_on_one_node_as_linux)
{
	struct tk *t = tk_boot(64 << 20, 2);
	struct task_struct *p = tp_spawn(t, "pol", 0);
	static const struct {
		int mode;
		uint64_t mask, maxnode;
		long want;
		const char *what;
	} cases[] = {
		{ MPOL_DEFAULT, 0, 0, 0, "DEFAULT NULL 0" },
		{ MPOL_DEFAULT, 1, 2, -EINVAL, "DEFAULT {0} 2" },
		{ MPOL_DEFAULT, 0, 2, 0, "DEFAULT {} 2" },
		{ MPOL_BIND, 1, 2, 0, "BIND {0} 2" },
		{ MPOL_BIND, 1, 1, -EINVAL, "BIND {0} 1: maxnode - 1 = 0 bits" },
		{ MPOL_BIND, 2, 2, -EINVAL, "BIND {1} 2: bit 1 not read" },
		{ MPOL_BIND, 2, 3, -EINVAL, "BIND {1} 3: an offline node only" },
		{ MPOL_BIND, 3, 3, 0, "BIND {0,1} 3" },
		{ MPOL_BIND, 0, 64, -EINVAL, "BIND {} 64" },
		{ MPOL_BIND, 1, 0, -EINVAL, "BIND {0} 0: maxnode - 1 wraps around" },
		{ MPOL_DEFAULT, 1, 0, -EINVAL, "DEFAULT {0} 0: the same" },
		{ MPOL_PREFERRED, 0, 64, 0, "PREFERRED {}: local" },
		{ MPOL_PREFERRED, 1, 64, 0, "PREFERRED {0}" },
		{ MPOL_PREFERRED | MPOL_F_STATIC_NODES, 0, 64, -EINVAL, "PREFERRED|STATIC {}" },
		{ MPOL_PREFERRED | MPOL_F_RELATIVE_NODES, 0, 64, -EINVAL, "PREFERRED|RELATIVE {}" },
		{ MPOL_LOCAL, 0, 0, 0, "LOCAL NULL" },
		{ MPOL_LOCAL, 1, 64, -EINVAL, "LOCAL {0}" },
		{ MPOL_LOCAL | MPOL_F_STATIC_NODES, 0, 0, -EINVAL, "LOCAL|STATIC" },
		{ MPOL_INTERLEAVE, 1, 64, 0, "INTERLEAVE {0}" },
		{ MPOL_INTERLEAVE, 2, 64, -EINVAL, "INTERLEAVE {1}" },
		{ MPOL_PREFERRED_MANY, 1, 64, 0, "PREFERRED_MANY {0}" },
		{ MPOL_WEIGHTED_INTERLEAVE, 1, 64, 0, "WEIGHTED_INTERLEAVE {0}" },
		{ 7, 1, 64, -EINVAL, "mode 7" },
		{ -1, 1, 64, -EINVAL, "mode -1" },
		{ MPOL_BIND | MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, 1, 64, -EINVAL, "STATIC|RELATIVE" },
		{ MPOL_BIND | MPOL_F_NUMA_BALANCING, 1, 64, 0, "BIND|NUMA_BALANCING" },
		{ MPOL_INTERLEAVE | MPOL_F_NUMA_BALANCING, 1, 64, -EINVAL, "INTERLEAVE|NUMA_BALANCING" },
		{ MPOL_PREFERRED_MANY | MPOL_F_NUMA_BALANCING, 1, 64, 0, "PREFERRED_MANY|NUMA_BALANCING" },
		{ MPOL_BIND | MPOL_F_STATIC_NODES, 2, 64, -EINVAL, "BIND|STATIC {1}: offline" },
		{ MPOL_BIND | MPOL_F_RELATIVE_NODES, 2, 64, 0, "BIND|RELATIVE {1}: folded onto node 0" },
		{ MPOL_BIND, 1, 4097 * 8 + 1, -EINVAL, "a mask of more than a page of bits" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_assert_eq(setp(t, p, cases[i].mode, cases[i].mask, cases[i].maxnode), cases[i].want, "%s",
			     cases[i].what);
	uint64_t words[20] = { 1 };
	words[17] = 1;                               /* bit 1088: past Linux's 1024 nodes */
	cr_assert_eq(sys_set_mempolicy(&t->k, p, MPOL_BIND, words, 1200), -EINVAL);
	words[17] = 0;
	words[2] = 1;                                /* bit 128: an offline node, dropped */
	cr_assert_eq(sys_set_mempolicy(&t->k, p, MPOL_BIND, words, 1200), 0);
	tk_free(t);
}

Test(mempolicy, get_mempolicy_on_one_node_as_linux)
{
	struct tk *t = tk_boot(64 << 20, 2);
	struct task_struct *p = tp_spawn(t, "pol", 0);
	uint64_t out[4] = { ~0ULL, ~0ULL, ~0ULL, ~0ULL };
	int mode = -1;
	cr_assert_eq(sys_get_mempolicy(&t->k, p, NULL, NULL, 0, 0, 0), 0);
	cr_assert_eq(sys_get_mempolicy(&t->k, p, &mode, NULL, 0, 0, 0), 0);
	cr_assert_eq(mode, MPOL_DEFAULT);
	cr_assert_eq(sys_get_mempolicy(&t->k, p, &mode, out, 0, 0, 0), -EINVAL, "maxnode below the node count");
	cr_assert_eq(sys_get_mempolicy(&t->k, p, &mode, out, 1, 0, 0), 0);
	cr_assert_eq(out[0], ~0ULL, "maxnode 1: no word written");
	cr_assert_eq(sys_get_mempolicy(&t->k, p, &mode, out, 64, 0, 0), 0);
	cr_assert(out[0] == 0 && out[1] == ~0ULL, "maxnode 64: one word");
	cr_assert_eq(sys_get_mempolicy(&t->k, p, &mode, out, 200, 0, 0), 0);
	cr_assert(!out[0] && !out[1] && !out[2] && !out[3], "maxnode 200: four words, zeroed");
	cr_assert_eq(sys_get_mempolicy(&t->k, p, &mode, NULL, 0, 0, 8), -EINVAL, "unknown flag");
	cr_assert_eq(sys_get_mempolicy(&t->k, p, &mode, NULL, 0, 0, MPOL_F_NODE), -EINVAL, "F_NODE, not interleave");
	cr_assert_eq(sys_get_mempolicy(&t->k, p, &mode, NULL, 0, 0, MPOL_F_ADDR), -EFAULT, "F_ADDR at 0");
	cr_assert_eq(sys_get_mempolicy(&t->k, p, &mode, NULL, 0, 0x1000, 0), -EINVAL, "addr without F_ADDR");
	cr_assert_eq(sys_get_mempolicy(&t->k, p, &mode, out, 64, 0, MPOL_F_MEMS_ALLOWED), 0);
	cr_assert(mode == 0 && out[0] == 1, "mems_allowed: node 0");
	cr_assert_eq(sys_get_mempolicy(&t->k, p, &mode, out, 64, 0, MPOL_F_MEMS_ALLOWED | MPOL_F_NODE), -EINVAL);
	cr_assert_eq(sys_get_mempolicy(&t->k, p, &mode, out, 64, 0, MPOL_F_MEMS_ALLOWED | MPOL_F_ADDR), -EINVAL);
	uint64_t a = tp_mmap(t, p, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(sys_get_mempolicy(&t->k, p, &mode, NULL, 0, a, MPOL_F_ADDR), 0);
	cr_assert_eq(mode, MPOL_DEFAULT);
	uint64_t flt = p->min_flt;
	cr_assert_eq(sys_get_mempolicy(&t->k, p, &mode, NULL, 0, a + PG, MPOL_F_ADDR | MPOL_F_NODE), 0);
	cr_assert_eq(mode, 0, "the page's node");
	cr_assert_gt(p->min_flt, flt, "F_ADDR|F_NODE faulted the page in");
	cr_assert(pte_present(tp_pte(t, p, a + PG)));
	cr_assert_eq(sys_get_mempolicy(&t->k, p, &mode, NULL, 0, a + 64 * PG, MPOL_F_ADDR), -EFAULT, "no VMA");
	cr_assert_eq(setp(t, p, MPOL_BIND | MPOL_F_NUMA_BALANCING, 1, 64), 0);
	cr_assert_eq(sys_get_mempolicy(&t->k, p, &mode, out, 64, 0, 0), 0);
	cr_assert(mode == (MPOL_BIND | MPOL_F_NUMA_BALANCING) && out[0] == 1, "mode %#x mask %#llx", mode,
		  (unsigned long long)out[0]);
	cr_assert_eq(sys_get_mempolicy(&t->k, p, &mode, NULL, 0, a, MPOL_F_ADDR), 0);
	cr_assert_eq(mode, MPOL_DEFAULT, "F_ADDR reads the VMA's policy, not the task's");
	tk_free(t);
}

/* A 4-node machine, a core each, 64 MiB a node. */
static struct tk *four_nodes(void)
{
	struct hw_config c = tk_hw_config(256 << 20, 4, 4, "default");
	cr_assert_eq(hw_config_set(&c, "nodes", "4", NULL, 0), 0);
	return tk_boot_hw(&c);
}

/* The node of each of n pages from a, written by p. */
static void nodes_of(struct tk *t, struct task_struct *p, uint64_t a, int n, int *out)
{
	tp_touch(t, p, a, (uint64_t)n * PG, true);
	for (int i = 0; i < n; i++)
		out[i] = pfn_to_nid(&t->k, pte_pfn(tp_pte(t, p, a + (uint64_t)i * PG)));
}

Test(mempolicy, each_mode_places_pages_as_documented)
{
	struct tk *t = four_nodes();
	struct task_struct *p = tp_spawn(t, "pol", 0);           /* core 0: node 0 */
	int nid[8];
	uint64_t a;

	cr_assert_eq(setp(t, p, MPOL_BIND, 0xc, 65), 0);       /* nodes 2 and 3 */
	a = tp_mmap(t, p, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	nodes_of(t, p, a, 8, nid);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(nid[i], 2, "BIND: the nearest node of the mask (all are 21 away: the lowest)");
	char *maps = tk_proc(t, "/proc/1/numa_maps");
	cr_assert(strstr(maps, " bind:2-3 anon=8 dirty=8 active=0 N2=8 kernelpagesize_kB=4\n"), "%s", maps);
	free(maps);

	cr_assert_eq(setp(t, p, MPOL_PREFERRED, 0x2, 65), 0);
	a = tp_mmap(t, p, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	nodes_of(t, p, a, 4, nid);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(nid[i], 1, "PREFERRED: node 1");

	cr_assert_eq(setp(t, p, MPOL_PREFERRED_MANY, 0x6, 65), 0);
	a = tp_mmap(t, p, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	nodes_of(t, p, a, 4, nid);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(nid[i], 1, "PREFERRED_MANY {1,2}: the nearest of them");

	uint64_t hits = 0;
	cr_assert_eq(setp(t, p, MPOL_INTERLEAVE, 0xf, 65), 0);
	a = tp_mmap(t, p, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	nodes_of(t, p, a, 8, nid);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(nid[i], (int)(((a >> 12) + (uint64_t)i) % 4), "INTERLEAVE: page %d by its offset", i);
	for (int n = 0; n < 4; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			hits += t->k.node_data[n]->node_zones[z].numa_stat[NUMA_INTERLEAVE_HIT];
	cr_assert_geq(hits, 8, "interleave_hit for each");
	int mode;
	cr_assert_eq(sys_get_mempolicy(&t->k, p, &mode, NULL, 0, 0, MPOL_F_NODE), 0);
	cr_assert(mode >= 0 && mode < 4, "F_NODE: the next interleave node");

	cr_assert_eq(setp(t, p, MPOL_DEFAULT, 0, 0), 0);
	a = tp_mmap(t, p, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	nodes_of(t, p, a, 2, nid);
	cr_assert(nid[0] == 0 && nid[1] == 0, "DEFAULT again: the local node");
	tk_assert_consistent(t);
	tk_free(t);
}

Test(mempolicy, static_and_relative_nodes_and_inheritance)
{
	struct tk *t = four_nodes();
	struct task_struct *p = tp_spawn(t, "pol", 0);
	uint64_t out[2];
	int mode, err;
	cr_assert_eq(setp(t, p, MPOL_BIND | MPOL_F_RELATIVE_NODES, 1ULL << 5, 65), 0);
	cr_assert_eq(sys_get_mempolicy(&t->k, p, &mode, out, 65, 0, 0), 0);
	cr_assert_eq(out[0], 1ULL << 5, "the mask as given");
	cr_assert_eq(task_policy(&t->k, p)->nodes.bits, 1ULL << 1, "node 5 of 4 folds onto node 1");
	cr_assert_eq(setp(t, p, MPOL_INTERLEAVE | MPOL_F_STATIC_NODES, (1ULL << 1) | (1ULL << 6), 65), 0);
	cr_assert_eq(task_policy(&t->k, p)->nodes.bits, 1ULL << 1, "the offline node 6 is dropped");
	char *maps = tk_proc(t, "/proc/1/numa_maps");
	cr_assert(strstr(maps, " interleave=static:1 "), "%s", maps);
	free(maps);
	struct task_struct *c = copy_process(&t->k, p, 1, &err);
	cr_assert_not_null(c);
	cr_assert_eq(sys_get_mempolicy(&t->k, c, &mode, NULL, 0, 0, 0), 0);
	cr_assert_eq(mode, MPOL_INTERLEAVE | MPOL_F_STATIC_NODES, "a child has its parent's policy");
	struct task_struct *th = task_create_thread(&t->k, p, 2, &err);
	cr_assert_eq(sys_get_mempolicy(&t->k, th, &mode, NULL, 0, 0, 0), 0);
	cr_assert_eq(mode, MPOL_INTERLEAVE | MPOL_F_STATIC_NODES, "and a thread its creator's");
	cr_assert_eq(setp(t, c, MPOL_DEFAULT, 0, 0), 0);
	cr_assert_eq(sys_get_mempolicy(&t->k, p, &mode, NULL, 0, 0, 0), 0);
	cr_assert_eq(mode, MPOL_INTERLEAVE | MPOL_F_STATIC_NODES, "each its own copy");
	tk_free(t);
}
