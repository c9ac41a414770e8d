/*
 * kernel/mempolicy.h — NUMA memory policies (Linux: include/linux/mempolicy.h,
 * include/uapi/linux/mempolicy.h, mm/mempolicy.c).
 *
 * A task's policy says on which nodes its memory goes: MPOL_DEFAULT (the
 * local node, falling back by distance), MPOL_PREFERRED (one node first),
 * MPOL_BIND (only these nodes), MPOL_INTERLEAVE (page by page over these
 * nodes), MPOL_LOCAL, MPOL_PREFERRED_MANY (these nodes first, then any),
 * MPOL_WEIGHTED_INTERLEAVE (interleave by per-node weights: every weight
 * is 1 here, as Linux's without bandwidth information). set_mempolicy(2)
 * sets it, get_mempolicy(2) reads it; every allocation the kernel makes
 * for the task follows it, a page fault interleaving by the page's offset
 * in its VMA. Per-VMA policies (mbind) are not modelled yet.
 */
#ifndef MMSIM_KERNEL_MEMPOLICY_H
#define MMSIM_KERNEL_MEMPOLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/gfp.h"
#include "kernel/mmzone.h"

enum {
	MPOL_DEFAULT,
	MPOL_PREFERRED,
	MPOL_BIND,
	MPOL_INTERLEAVE,
	MPOL_LOCAL,
	MPOL_PREFERRED_MANY,
	MPOL_WEIGHTED_INTERLEAVE,
	MPOL_MAX
};

/* Mode flags, or'ed into the mode of set_mempolicy and mbind. */
#define MPOL_F_STATIC_NODES   (1 << 15)
#define MPOL_F_RELATIVE_NODES (1 << 14)
#define MPOL_F_NUMA_BALANCING (1 << 13)
#define MPOL_MODE_FLAGS       (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING)

/* get_mempolicy's flags. */
#define MPOL_F_NODE         (1 << 0)
#define MPOL_F_ADDR         (1 << 1)
#define MPOL_F_MEMS_ALLOWED (1 << 2)

/* Linux x86-64's MAX_NUMNODES (CONFIG_NODES_SHIFT 10): a node mask from
 * user space is read up to this many bits; the ones past this machine's
 * nodes name offline nodes. */
#define MPOL_USER_MAX_NODES 1024

struct mempolicy {
	unsigned short mode, flags;
	nodemask_t nodes;            /* the policy's nodes (empty for default and local) */
	nodemask_t user_nodemask;    /* as given, with MPOL_F_STATIC_NODES or RELATIVE_NODES */
	int il_prev;                 /* interleave: the node of the task's last page (Linux:
				      * current->il_prev; each task has its own copy) */
	bool used;                   /* a slot of the kernel's table in use */
};

struct kernel;
struct task_struct;
struct vm_area_struct;

/*
 * set_mempolicy(2) for task t: mode (with its flags) and the node mask of
 * maxnode - 1 bits in words at nmask (NULL: none). Returns 0, or -EINVAL:
 * an unknown mode, STATIC and RELATIVE together, NUMA_BALANCING with
 * another mode than BIND or PREFERRED_MANY, maxnode beyond a page of bits,
 * a bit set at or past 1024, a mask for MPOL_DEFAULT or MPOL_LOCAL, no
 * online node in the mask (modes other than DEFAULT, LOCAL and an empty
 * PREFERRED, which means LOCAL); -ENOMEM.
 */
long sys_set_mempolicy(struct kernel *k, struct task_struct *t, int mode, const uint64_t *nmask,
		       uint64_t maxnode);

/*
 * get_mempolicy(2) for task t: *policy gets the mode and its flags (or,
 * with MPOL_F_NODE, a node: of the page at addr, faulted in for reading,
 * with MPOL_F_ADDR; the next interleave node otherwise), nmask (NULL:
 * not wanted) the policy's nodes in (maxnode - 1) bits rounded up to
 * 64-bit words, the rest of them zeroed. MPOL_F_ADDR reads addr's VMA's
 * policy (MPOL_DEFAULT: there are no VMA policies yet); MPOL_F_MEMS_ALLOWED
 * gives the nodes the task may use. Returns 0, or -EINVAL (unknown flags;
 * MEMS_ALLOWED with NODE or ADDR; addr without MPOL_F_ADDR; F_NODE without
 * F_ADDR for a policy other than interleave; nmask with maxnode below the
 * number of nodes; a mask longer than a page), -EFAULT (F_ADDR at an
 * address no VMA holds, or whose page cannot be faulted in).
 */
long sys_get_mempolicy(struct kernel *k, struct task_struct *t, int *policy, uint64_t *nmask, uint64_t maxnode,
		       uint64_t addr, unsigned long flags);

/* Task t's policy, NULL for the default (Linux: get_task_policy returns
 * the preferred_node_policy then). */
struct mempolicy *task_policy(struct kernel *k, const struct task_struct *t);

/* A new task's policy: parent's, copied (Linux: mpol_dup in copy_process).
 * -ENOMEM when the table is full. */
int mpol_fork(struct kernel *k, struct task_struct *child, const struct task_struct *parent);

/* Drop task t's policy (Linux: mpol_put in do_exit). */
void mpol_exit(struct kernel *k, struct task_struct *t);

/* Free the kernel's table of policies. */
void mpol_destroy(struct kernel *k);

/*
 * Allocate 2^order pages as policy pol says (NULL: the default, the
 * local node) (Linux: alloc_pages_mpol): ilx is the interleave index (the
 * page's offset in its VMA, in 2^order units; NO_INTERLEAVE_INDEX: the
 * task's next node in turn). Counts numa_interleave when an interleaved
 * page lands on its node.
 */
#define NO_INTERLEAVE_INDEX UINT64_MAX
struct page *alloc_pages_mpol(struct kernel *k, gfp_t gfp, unsigned order, struct mempolicy *pol, uint64_t ilx,
			      int nid);

/* A page for a fault in vma at addr (Linux: vma_alloc_folio): the task's
 * policy, interleaving by the page's offset in vma. */
struct page *vma_alloc_folio(struct kernel *k, gfp_t gfp, unsigned order, struct vm_area_struct *vma, uint64_t addr);

/* Render pol as numa_maps does ("default", "bind:0-1", "interleave=static:0,2",
 * "prefer (many):1"...) (Linux: mpol_to_str). */
void mpol_to_str(char *buf, int len, const struct mempolicy *pol);

#endif
