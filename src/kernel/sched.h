/*
 * kernel/sched.h — tasks and the cores they run on (Linux:
 * include/linux/sched.h, kernel/fork.c, kernel/exit.c).
 *
 * A process is a thread group: tasks sharing one mm. Each task is placed on
 * a core; a core runs one task at a time, and running a different task there
 * is a context switch (switch_mm, CR3). Signals are reduced to what memory
 * management raises: a fatal SIGSEGV or SIGBUS kills the whole process, as
 * an unhandled one does on Linux.
 */
#ifndef MMSIM_KERNEL_SCHED_H
#define MMSIM_KERNEL_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/segment.h"

struct kernel;
struct mm_struct;

#define TASK_COMM_LEN 16
#define PID_MAX       4194304

/* Signal numbers and si_codes of Linux x86-64. */
#define SIGBUS   7
#define SIGKILL  9
#define SIGSEGV  11
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define SEGV_PKUERR 4
#define BUS_ADRERR  2
#define SI_KERNEL   0x80

struct siginfo {
	int si_signo;            /* 0: none */
	int si_code;
	uint64_t si_addr;
	unsigned trapno;         /* 14 for #PF, 13 for #GP */
	uint32_t error_code;     /* the #PF error code */
};

enum task_state { TASK_RUNNING, TASK_DEAD };

/* task_struct flags (Linux's PF_* values). */
#define PF_MEMALLOC 0x00000800     /* may use the reserves: reclaim is running */
#define PF_KSWAPD   0x00020000     /* kswapd */
#define PF_KTHREAD  0x00200000     /* a kernel thread */

/* What the threads of a process share (Linux: struct signal_struct), kept in
 * the group leader, which lives as long as its process. */
struct signal_struct {
	short oom_score_adj;      /* -1000..1000 (/proc/PID/oom_score_adj) */
	short oom_score_adj_min;  /* the least a writer without CAP_SYS_RESOURCE may set */
	bool group_exit;          /* SIGNAL_GROUP_EXIT: a SIGKILL is pending for the process */
	struct mm_struct *oom_mm; /* the mm the OOM killer chose it for (tsk_is_oom_victim) */
};

/* What the MMU did for a task's own accesses (a per-task perf count). */
struct task_mmu_stats {
	uint64_t accesses;       /* translations */
	uint64_t l1_hits, l2_hits;
	uint64_t walks, walk_refs, pwc_hits;
	uint64_t page_faults;    /* #PF raised (handled or fatal) */
	uint64_t cycles;         /* the cost model's estimate */
};

struct task_struct {
	int pid;                 /* this thread's id */
	int tgid;                /* the process (thread group) id */
	char comm[TASK_COMM_LEN];
	struct mm_struct *mm;
	int cpu;                 /* the core it runs on */
	unsigned flags;          /* PF_* */
	enum task_state state;
	int exit_code;
	struct siginfo fatal;    /* the signal that killed it, if one did */
	uint64_t min_flt, maj_flt;
	struct task_mmu_stats mmu;
	struct task_struct *group_leader;
	struct task_struct *parent;          /* of the process */
	bool orphan;                         /* adopted by an init outside the machine: ppid 1 */
	struct task_struct *next_task;       /* all tasks, in pid order */
	uint64_t rlimit_stack;               /* RLIMIT_STACK soft limit, bytes */
	uint64_t rlimit_memlock;             /* RLIMIT_MEMLOCK soft limit, bytes */
	bool cap_sys_rawio;                  /* may map below vm.mmap_min_addr */
	bool cap_ipc_lock;                   /* may lock beyond RLIMIT_MEMLOCK */
	bool memdie;                         /* TIF_MEMDIE: marked by the OOM killer */
	uint16_t memcg_id;                   /* its memory cgroup (memcontrol.h; in the padding) */
	uint16_t mempolicy;                  /* its memory policy: 1 + its index in the kernel's
					      * table (mempolicy.h), 0 the default (in the padding) */
	struct files_struct *files;          /* its descriptors (shared by its threads) */
	struct signal_struct *signal;        /* the process's: the leader's signal_storage */
	struct signal_struct signal_storage; /* used by the group leader only */
	struct thread_struct thread;         /* segment registers (kernel/segment.h) */
};

/* A SIGKILL is pending for t's process (Linux: fatal_signal_pending). */
static inline bool fatal_signal_pending(const struct task_struct *t)
{
	return t->signal->group_exit;
}

/* The task with pid, or NULL (dead tasks stay findable until reaped). */
struct task_struct *find_task_by_pid(struct kernel *k, int pid);

/* The task running on core cpu, or NULL when it is idle. */
struct task_struct *cpu_curr(struct kernel *k, int cpu);

/* Run task t on its core (a context switch when another task or no task was
 * running there): switch_mm loads t's page tables. */
void schedule_task(struct kernel *k, struct task_struct *t);

#endif
