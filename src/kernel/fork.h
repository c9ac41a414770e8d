/* kernel/fork.h — creating, copying and dropping address spaces. See fork.c. */
#ifndef MMSIM_KERNEL_FORK_H
#define MMSIM_KERNEL_FORK_H

struct kernel;
struct mm_struct;

/* The slab caches of mm_struct, vm_area_struct, task_struct and filp. */
int proc_caches_init(struct kernel *k);

/* An empty address space with its own root table; NULL without memory. */
struct mm_struct *mm_alloc(struct kernel *k);

/* A copy of oldmm for a forked child (Linux: dup_mm); NULL without memory,
 * oldmm unchanged but for its write-protected private pages. */
struct mm_struct *dup_mm(struct kernel *k, struct mm_struct *oldmm);

/* Drop a user of mm; the last one tears it down (Linux: mmput). */
void mmput(struct kernel *k, struct mm_struct *mm);

#endif
