/*
 * kernel/mempolicy.c — NUMA memory policies of tasks (Linux: mm/mempolicy.c):
 * set_mempolicy(2) and get_mempolicy(2) with Linux's argument checks, and
 * allocation by policy (alloc_pages_mpol). See mempolicy.h.
 *
 * A task's policy lives in the kernel's table (host memory); the task
 * holds its index + 1 in task_struct.mempolicy (0: the default policy),
 * where Linux holds a pointer: the simulated task_struct keeps its size.
 * Each task has its own copy (fork duplicates it, as mpol_dup does), so
 * the interleave cursor (Linux: current->il_prev) lives in the policy.
 */
#include "kernel/mempolicy.h"

#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/sched.h"
#include "kernel/huge_mm.h"
#include "kernel/mman.h"
#include "kernel/pgtable.h"
#include "kernel/trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MPOL_MAX_POLICIES 65535

/* The online nodes (Linux: node_states[N_MEMORY], every node here). */
static nodemask_t online_nodes(const struct kernel *k)
{
	return (nodemask_t){ k->nr_online_nodes >= 64 ? ~0ULL : (1ULL << k->nr_online_nodes) - 1 };
}

/* See mempolicy.h. */
struct mempolicy *task_policy(struct kernel *k, const struct task_struct *t)
{
	return t && t->mempolicy ? &k->mpol[t->mempolicy - 1] : NULL;
}

/* A free slot of the table for pol; its id (index + 1), or 0 when the
 * table cannot grow. */
static uint16_t mpol_store(struct kernel *k, const struct mempolicy *pol)
{
	uint32_t i = 0;
	while (i < k->nr_mpol && k->mpol[i].used)
		i++;
	if (i == k->nr_mpol) {
		uint32_t cap = k->nr_mpol ? k->nr_mpol * 2 : 16;
		if (cap > MPOL_MAX_POLICIES)
			cap = MPOL_MAX_POLICIES;
		struct mempolicy *p = i < cap ? realloc(k->mpol, cap * sizeof *p) : NULL;
		if (!p)
			return 0;
		memset(p + k->nr_mpol, 0, (cap - k->nr_mpol) * sizeof *p);
		k->mpol = p;
		k->nr_mpol = cap;
	}
	k->mpol[i] = *pol;
	k->mpol[i].used = true;
	return (uint16_t)(i + 1);
}

/* See mempolicy.h. */
void mpol_exit(struct kernel *k, struct task_struct *t)
{
	struct mempolicy *pol = task_policy(k, t);
	if (pol)
		pol->used = false;
	t->mempolicy = 0;
}

/* See mempolicy.h. */
int mpol_fork(struct kernel *k, struct task_struct *child, const struct task_struct *parent)
{
	struct mempolicy *pol = task_policy(k, parent);
	child->mempolicy = 0;
	if (!pol)
		return 0;
	struct mempolicy copy = *pol;
	return (child->mempolicy = mpol_store(k, &copy)) ? 0 : -ENOMEM;
}

/* See mempolicy.h. */
void mpol_destroy(struct kernel *k)
{
	free(k->mpol);
	k->mpol = NULL;
	k->nr_mpol = 0;
}

/* ---- set_mempolicy ------------------------------------------------------------- */

/* Split the mode's flags off and check them (Linux: sanitize_mpol_flags). */
static int sanitize_mpol_flags(int *mode, unsigned short *flags)
{
	*flags = (unsigned short)(*mode & MPOL_MODE_FLAGS);
	*mode &= ~MPOL_MODE_FLAGS;
	if ((unsigned)*mode >= MPOL_MAX)
		return -EINVAL;
	if ((*flags & MPOL_F_STATIC_NODES) && (*flags & MPOL_F_RELATIVE_NODES))
		return -EINVAL;
	if ((*flags & MPOL_F_NUMA_BALANCING) && *mode != MPOL_BIND && *mode != MPOL_PREFERRED_MANY)
		return -EINVAL;
	return 0;
}

/* Read a user node mask of maxnode - 1 bits (Linux: get_nodes): bits past
 * 1024 (Linux's MAX_NUMNODES) must be clear; the ones from this machine's
 * last node to 1024 are offline nodes, dropped. *offline says whether one
 * was set (a mask of offline nodes only is empty once they are dropped). */
static int get_nodes(nodemask_t *nodes, const uint64_t *nmask, uint64_t maxnode, bool *offline)
{
	nodes->bits = 0;
	*offline = false;
	maxnode--;                     /* 0 wraps around: a mask of 0 bits is too long */
	if (!maxnode || !nmask)
		return 0;
	if (maxnode > PAGE_SIZE * 8)
		return -EINVAL;
	for (uint64_t bit = 0; bit < maxnode; bit++) {
		if (!((nmask[bit / 64] >> (bit % 64)) & 1))
			continue;
		if (bit >= MPOL_USER_MAX_NODES)
			return -EINVAL;
		if (bit < MAX_NUMNODES)
			node_set((int)bit, nodes);
		else
			*offline = true;
	}
	return 0;
}

/* nodes relative to allowed: the n-th set bit of nodes (folded modulo the
 * number of allowed nodes) names the n-th allowed node (Linux:
 * mpol_relative_nodemask: nodes_fold, then nodes_onto). */
static nodemask_t relative_nodemask(nodemask_t nodes, nodemask_t allowed)
{
	nodemask_t ret = { 0 };
	int w = nodes_weight(allowed);
	if (!w)
		return ret;
	for (int bit = 0; bit < MAX_NUMNODES; bit++) {
		if (!node_isset(bit, nodes))
			continue;
		int n = bit % w, nid = first_node(allowed);
		while (n--)
			nid = next_node(nid, allowed);
		node_set(nid, &ret);
	}
	return ret;
}

/*
 * Make a policy of mode with flags over nodes (Linux: mpol_new, then
 * mpol_set_nodemask): *pol, or -EINVAL; *none when the policy is the
 * default (no policy to store).
 */
static int mpol_new(struct kernel *k, int mode, unsigned short flags, nodemask_t nodes, bool offline,
		    struct mempolicy *pol, bool *none)
{
	bool empty = !nodes.bits && !offline;
	*none = false;
	memset(pol, 0, sizeof *pol);
	if (mode == MPOL_DEFAULT) {
		if (!empty)
			return -EINVAL;
		*none = true;
		return 0;
	}
	if (mode == MPOL_PREFERRED && empty) {
		if (flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES))
			return -EINVAL;
		mode = MPOL_LOCAL;
	} else if (mode == MPOL_LOCAL) {
		if (!empty || (flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)))
			return -EINVAL;
	} else if (empty) {
		return -EINVAL;
	}
	pol->mode = (unsigned short)mode;
	pol->flags = flags;
	if (mode == MPOL_LOCAL)
		return 0;
	nodemask_t allowed = online_nodes(k);
	nodemask_t m = flags & MPOL_F_RELATIVE_NODES ? relative_nodemask(nodes, allowed)
						     : (nodemask_t){ nodes.bits & allowed.bits };
	if (flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES))
		pol->user_nodemask = nodes;
	if (!m.bits)
		return -EINVAL;
	if (mode == MPOL_PREFERRED)
		m.bits = 1ULL << first_node(m);         /* mpol_new_preferred */
	pol->nodes = m;
	pol->il_prev = MAX_NUMNODES - 1;            /* do_set_mempolicy: the first node comes next */
	return 0;
}

/* See mempolicy.h. */
long sys_set_mempolicy(struct kernel *k, struct task_struct *t, int mode, const uint64_t *nmask,
		       uint64_t maxnode)
{
	unsigned short flags;
	nodemask_t nodes;
	struct mempolicy pol;
	bool offline, none;
	int err = sanitize_mpol_flags(&mode, &flags);
	if (!err)
		err = get_nodes(&nodes, nmask, maxnode, &offline);
	if (!err)
		err = mpol_new(k, mode, flags, nodes, offline, &pol, &none);
	if (err)
		return err;
	uint16_t id = none ? 0 : mpol_store(k, &pol);
	if (!none && !id)
		return -ENOMEM;
	mpol_exit(k, t);
	t->mempolicy = id;
	char buf[64];
	mpol_to_str(buf, sizeof buf, task_policy(k, t));
	trace_kernel(k, t->cpu, "pid %d's memory policy is now %s", t->pid, buf);
	return 0;
}

/* ---- get_mempolicy ------------------------------------------------------------- */

/* The next node of pol after its cursor, cyclically (Linux: next_node_in). */
static int next_node_in(int nid, nodemask_t m)
{
	int n = next_node(nid, m);
	return n < MAX_NUMNODES ? n : first_node(m);
}

/* The node of the page at addr of t, faulted in for reading (Linux:
 * lookup_node, get_user_pages_fast); -EFAULT when it cannot be. */
static int lookup_node(struct kernel *k, struct task_struct *t, uint64_t addr)
{
	int err;
	addr &= PAGE_MASK;
	if (faultin_page_range(k, t, addr, addr + PAGE_SIZE, false))
		return -EFAULT;
	pte_t *pmd = pmd_walk(k, t->mm, addr, false, &err);
	if (pmd && pmd_trans_huge(*pmd))
		return pfn_to_nid(k, pte_pfn(*pmd) & ~(uint64_t)(HPAGE_PMD_NR - 1));
	pte_t *pte = pte_walk(k, t->mm, addr, false, &err);
	return pte && pte_present(*pte) ? pfn_to_nid(k, pte_pfn(*pte)) : -EFAULT;
}

/* Copy nodes into a user mask of maxnode - 1 bits, whole words, zeroing
 * the words past the machine's nodes (Linux: copy_nodes_to_user). */
static int copy_nodes_to_user(const struct kernel *k, uint64_t *nmask, uint64_t maxnode, nodemask_t nodes)
{
	uint64_t words = maxnode ? (maxnode - 1 + 63) / 64 : 0;
	uint64_t have = ((uint64_t)k->nr_online_nodes + 63) / 64;
	if (words > have && words * 8 > PAGE_SIZE)
		return -EINVAL;
	for (uint64_t w = 0; w < words; w++)
		nmask[w] = w == 0 ? nodes.bits : 0;
	return 0;
}

/* See mempolicy.h. */
long sys_get_mempolicy(struct kernel *k, struct task_struct *t, int *policy, uint64_t *nmask, uint64_t maxnode,
		       uint64_t addr, unsigned long flags)
{
	struct mempolicy *pol = NULL;
	nodemask_t nodes = { 0 };
	int pval = 0;

	if (nmask && maxnode < (uint64_t)k->nr_online_nodes)
		return -EINVAL;
	if (flags & ~(unsigned long)(MPOL_F_NODE | MPOL_F_ADDR | MPOL_F_MEMS_ALLOWED))
		return -EINVAL;
	if (flags & MPOL_F_MEMS_ALLOWED) {
		if (flags & (MPOL_F_NODE | MPOL_F_ADDR))
			return -EINVAL;
		nodes = online_nodes(k);
		goto out;
	}
	if (flags & MPOL_F_ADDR) {
		if (!t->mm || !find_vma_intersection(t->mm, addr, addr + 1))
			return -EFAULT;
		pol = NULL;                          /* the VMA's: none yet (no mbind) */
	} else if (addr) {
		return -EINVAL;
	} else {
		pol = task_policy(k, t);
	}
	if (flags & MPOL_F_NODE) {
		if (flags & MPOL_F_ADDR) {
			int nid = lookup_node(k, t, addr);
			if (nid < 0)
				return nid;
			pval = nid;
		} else if (pol && (pol->mode == MPOL_INTERLEAVE || pol->mode == MPOL_WEIGHTED_INTERLEAVE)) {
			pval = next_node_in(pol->il_prev, pol->nodes);
		} else {
			return -EINVAL;
		}
	} else if (pol) {
		pval = pol->mode | (pol->flags & MPOL_MODE_FLAGS);
	}
	if (pol)
		nodes = pol->flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES) ? pol->user_nodemask : pol->nodes;
out:
	if (nmask) {
		int err = copy_nodes_to_user(k, nmask, maxnode, nodes);
		if (err)
			return err;
	}
	if (policy)
		*policy = pval;
	return 0;
}

/* ---- allocation ---------------------------------------------------------------- */

/* The ilx-th node of pol's nodes, cyclically (Linux: interleave_nid; every
 * weight is 1 for the weighted mode). */
static int interleave_nid(const struct mempolicy *pol, uint64_t ilx)
{
	int w = nodes_weight(pol->nodes), nid = first_node(pol->nodes);
	for (uint64_t target = ilx % (uint64_t)w; target; target--)
		nid = next_node(nid, pol->nodes);
	return nid;
}

/* See mempolicy.h. */
struct page *alloc_pages_mpol(struct kernel *k, gfp_t gfp, unsigned order, struct mempolicy *pol, uint64_t ilx,
			      int nid)
{
	if (!pol)
		return __alloc_pages(k, gfp, order, nid, NULL);
	switch (pol->mode) {
	case MPOL_PREFERRED:
		return __alloc_pages(k, gfp, order, first_node(pol->nodes), NULL);
	case MPOL_BIND:
		return __alloc_pages(k, gfp, order, nid, &pol->nodes);
	case MPOL_PREFERRED_MANY: {              /* alloc_pages_preferred_many */
		struct page *page = __alloc_pages(k, (gfp | __GFP_NOWARN) & ~(__GFP_DIRECT_RECLAIM | __GFP_NOFAIL),
						  order, nid, &pol->nodes);
		return page ? page : __alloc_pages(k, gfp, order, nid, NULL);
	}
	case MPOL_INTERLEAVE:
	case MPOL_WEIGHTED_INTERLEAVE: {
		if (ilx == NO_INTERLEAVE_INDEX) {       /* interleave_nodes: the task's turn */
			pol->il_prev = next_node_in(pol->il_prev, pol->nodes);
			nid = pol->il_prev;
		} else {
			nid = interleave_nid(pol, ilx);
		}
		struct page *page = __alloc_pages(k, gfp, order, nid, NULL);
		if (page && page_to_nid(k, page) == nid)
			page_zone(k, page)->numa_stat[NUMA_INTERLEAVE_HIT]++;
		return page;
	}
	default:                                 /* MPOL_LOCAL */
		return __alloc_pages(k, gfp, order, nid, NULL);
	}
}

/* See mempolicy.h. */
struct page *vma_alloc_folio(struct kernel *k, gfp_t gfp, unsigned order, struct vm_area_struct *vma, uint64_t addr)
{
	struct mempolicy *pol = task_policy(k, k->current);
	uint64_t ilx = (vma->vm_pgoff >> order) + ((addr - vma->vm_start) >> (PAGE_SHIFT + order));
	return alloc_pages_mpol(k, gfp, order, pol, ilx, numa_node_id(k));
}

/* ---- numa_maps ----------------------------------------------------------------- */

/* See mempolicy.h. */
void mpol_to_str(char *buf, int len, const struct mempolicy *pol)
{
	static const char *const modes[MPOL_MAX] = {
		[MPOL_DEFAULT] = "default", [MPOL_PREFERRED] = "prefer", [MPOL_BIND] = "bind",
		[MPOL_INTERLEAVE] = "interleave", [MPOL_WEIGHTED_INTERLEAVE] = "weighted interleave",
		[MPOL_LOCAL] = "local", [MPOL_PREFERRED_MANY] = "prefer (many)",
	};
	unsigned short mode = pol ? pol->mode : MPOL_DEFAULT, flags = pol ? pol->flags : 0;
	int at = snprintf(buf, (size_t)len, "%s", modes[mode]);
	if (flags & MPOL_MODE_FLAGS) {
		unsigned short f = flags & MPOL_MODE_FLAGS;
		at += snprintf(buf + at, (size_t)(len > at ? len - at : 0), "=%s%s%s",
			       flags & MPOL_F_STATIC_NODES ? "static" : flags & MPOL_F_RELATIVE_NODES ? "relative" : "",
			       (flags & MPOL_F_NUMA_BALANCING) && (f & (f - 1)) ? "|" : "",
			       flags & MPOL_F_NUMA_BALANCING ? "balancing" : "");
	}
	if (!pol || !pol->nodes.bits || mode == MPOL_LOCAL)
		return;
	at += snprintf(buf + at, (size_t)(len > at ? len - at : 0), ":");
	for (int n = first_node(pol->nodes), first = 1; n < MAX_NUMNODES; n = next_node(n, pol->nodes), first = 0) {
		int e = n;
		while (e + 1 < MAX_NUMNODES && node_isset(e + 1, pol->nodes))
			e++;
		at += snprintf(buf + at, (size_t)(len > at ? len - at : 0), e > n ? "%s%d-%d" : "%s%d", first ? "" : ",",
			       n, e);
		n = e;
	}
}
