/*
 * kernel/oom.h — the OOM killer (Linux: include/linux/oom.h,
 * include/uapi/linux/oom.h, mm/oom_kill.c).
 *
 * When an allocation that may kill has failed after reclaim, the page
 * allocator's slow path calls out_of_memory: it picks the process whose
 * memory is the largest share of RAM and swap (oom_badness), adjusted by its
 * oom_score_adj, kills it with SIGKILL and lets its memory go; then the
 * allocation is retried. See docs/kernel-mm.md.
 */
#ifndef MMSIM_KERNEL_OOM_H
#define MMSIM_KERNEL_OOM_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "kernel/gfp.h"

struct kernel;
struct mem_cgroup;
struct mm_struct;
struct task_struct;

/* /proc/PID/oom_score_adj's range; -1000 makes a process unkillable. */
#define OOM_SCORE_ADJ_MIN (-1000)
#define OOM_SCORE_ADJ_MAX 1000
/* The legacy /proc/PID/oom_adj's scale. */
#define OOM_DISABLE       (-17)
#define OOM_ADJUST_MIN    (-16)
#define OOM_ADJUST_MAX    15

/* mm->flags bits of the OOM killer (Linux's bit numbers). */
#define MMF_OOM_SKIP        (1UL << 21)   /* reaped or exiting: of no interest any more */
#define MMF_OOM_REAP_QUEUED (1UL << 25)   /* queued for the oom_reaper */

enum oom_constraint { CONSTRAINT_NONE, CONSTRAINT_CPUSET, CONSTRAINT_MEMORY_POLICY, CONSTRAINT_MEMCG };

/* The allocation that failed and what the OOM killer chose for it (Linux:
 * struct oom_control). There are no cpusets or memory policies: the
 * constraint is CONSTRAINT_MEMCG for a cgroup at its memory.max (memcg
 * set), else CONSTRAINT_NONE. */
struct oom_control {
	struct mem_cgroup *memcg;       /* the cgroup over its limit, NULL: the machine */
	gfp_t gfp_mask;
	int order;                      /* -1: a kill asked for (sysrq), not an allocation */
	uint64_t totalpages;            /* RAM + swap the badness is a share of */
	struct task_struct *chosen;     /* NULL, a victim, or OOM_ABORTED */
	long chosen_points;
	enum oom_constraint constraint;
	bool killed;                    /* a victim was killed or marked by this call */
};
#define OOM_ABORTED ((struct task_struct *)-1L)

/* Has the OOM killer chosen t's process (Linux: tsk_is_oom_victim)? */
bool tsk_is_oom_victim(const struct task_struct *t);

/*
 * How much memory freeing p's process would give back, in pages: its RSS,
 * swap entries and page tables, plus oom_score_adj thousandths of totalpages
 * (Linux: oom_badness). LONG_MIN for a process the OOM killer never takes:
 * init (pid 1), oom_score_adj -1000, an mm already reaped, or no mm.
 */
long oom_badness(struct kernel *k, struct task_struct *p, uint64_t totalpages);

/* RAM and swap in pages, what oom_badness and /proc/PID/oom_score scale by
 * for an unconstrained allocation (totalram_pages() + total_swap_pages). */
uint64_t oom_totalpages(const struct kernel *k);

/*
 * The OOM killer (Linux: out_of_memory). With oc's gfp_mask and order set:
 * kill the process with the highest badness (ties go to the later one in
 * pid order), after logging Linux's report ("invoked oom-killer", Mem-Info,
 * the task table, "oom-kill:" and "Out of memory: Killed process"), unless
 * the current task is already dying (it is then only marked, so it may use
 * the reserves). A victim other than the current task dies at once and its
 * memory is freed, as its SIGKILL and the oom_reaper do; the current
 * task's process dies when its fault or system call returns. True when the
 * caller should retry the allocation; false when nothing could be done: no
 * __GFP_FS (Linux returns true and waits for other tasks' progress, which
 * cannot come here), or no killable process (the kernel panics, as Linux
 * does unless the kill was asked for).
 */
bool out_of_memory(struct kernel *k, struct oom_control *oc);

/*
 * A fault ended with VM_FAULT_OOM (Linux: pagefault_out_of_memory): the
 * allocator has already run the OOM killer, so there is nothing to do when
 * the task was chosen (it dies on return to user mode) or the kernel
 * panicked. Otherwise Linux logs "Huh VM_FAULT_OOM leaked out to the #PF
 * handler. Retrying PF" and retries; this returns true then.
 */
bool pagefault_out_of_memory(struct kernel *k, struct task_struct *t);

/*
 * Write oom_score_adj as /proc/PID/oom_score_adj does (Linux:
 * oom_score_adj_write, __set_oom_adj): value in -1000..1000 (-EINVAL
 * otherwise); below the process's oom_score_adj_min only with
 * CAP_SYS_RESOURCE (-EACCES), which also makes value the new minimum. The
 * whole process (all its threads) takes it. 0 or -errno.
 */
int __set_oom_adj(struct kernel *k, struct task_struct *t, int value, bool cap_sys_resource);

/* The memory report of an OOM or an allocation failure (Linux: __show_mem
 * with SHOW_MEM_FILTER_NODES), for zones up to max_zone_idx. */
void show_mem(struct kernel *k, int max_zone_idx);

#endif
