/* kernel/task.h — creating, forking and ending tasks. See task.c. */
#ifndef MMSIM_KERNEL_TASK_H
#define MMSIM_KERNEL_TASK_H

struct kernel;
struct task_struct;

/* A new process running program name on core cpu, with a fresh address
 * space holding its image, vDSO and stack. NULL with *err = -ENOMEM. */
struct task_struct *task_create_process(struct kernel *k, const char *name, int cpu, int *err);

/* A new thread of leader's process on core cpu, sharing its mm. */
struct task_struct *task_create_thread(struct kernel *k, struct task_struct *leader, int cpu, int *err);

/* fork: a child process of parent on core cpu with a copy-on-write copy of
 * parent's address space. NULL with *err = -ENOMEM. */
struct task_struct *copy_process(struct kernel *k, struct task_struct *parent, int cpu, int *err);

/* End t's whole process with exit code code (Linux: do_group_exit): every
 * thread leaves its core, the mm is torn down, the tasks are freed. */
void do_group_exit(struct kernel *k, struct task_struct *t, int code);

/* Move t to core cpu and run it there (a context switch). 0 or -EINVAL. */
int task_set_cpu(struct kernel *k, struct task_struct *t, int cpu);

#endif
