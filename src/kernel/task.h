/* kernel/task.h — creating, forking and ending tasks. See task.c. */
#ifndef MMSIM_KERNEL_TASK_H
#define MMSIM_KERNEL_TASK_H

struct kernel;
struct task_struct;

/* A new process running program name on core cpu, with a fresh address
 * space holding its image, vDSO and stack. NULL with *err = -ENOMEM. Linux
 * has no such function: a process is forked from another and then runs
 * execve; this makes a process of no parent that has just run execve
 * (load_elf_binary). */
struct task_struct *task_create_process(struct kernel *k, const char *name, int cpu, int *err);

/* A new thread of leader's process on core cpu, sharing its mm (Linux:
 * copy_process with CLONE_VM | CLONE_THREAD; a separate function here, as
 * a thread shares what copy_process copies). NULL with *err = -ENOMEM. */
struct task_struct *task_create_thread(struct kernel *k, struct task_struct *leader, int cpu, int *err);

/* fork: a child process of parent on core cpu with a copy-on-write copy of
 * parent's address space. NULL with *err = -ENOMEM. */
struct task_struct *copy_process(struct kernel *k, struct task_struct *parent, int cpu, int *err);

/* End t's whole process with exit code code (Linux: do_group_exit): every
 * thread leaves its core, the mm is torn down, the tasks are freed. */
void do_group_exit(struct kernel *k, struct task_struct *t, int code);

/* Move t to core cpu and run it there (a context switch). 0 or -EINVAL.
 * (Linux gets there through sched_setaffinity and migration; the simulator
 * has no scheduler to migrate with, so this names what it does.) */
int task_set_cpu(struct kernel *k, struct task_struct *t, int cpu);

#endif
