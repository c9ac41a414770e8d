/* tests/unit/proc_helpers.h — processes on a test machine, through the
 * kernel's internal interfaces. */
#ifndef MMSIM_TEST_PROC_HELPERS_H
#define MMSIM_TEST_PROC_HELPERS_H

#include "helpers.h"

#include "kernel/fault.h"
#include "kernel/fork.h"
#include "kernel/mman.h"
#include "kernel/sched.h"
#include "kernel/task.h"

/* A new process running name on core cpu (asserts success). */
struct task_struct *tp_spawn(struct tk *t, const char *name, int cpu);

/* mmap anonymous memory; asserts success and returns the address. */
uint64_t tp_mmap(struct tk *t, struct task_struct *p, uint64_t len, unsigned long prot,
		 unsigned long flags);

/* Write / read through the MMU; return 0 or -EFAULT (p->fatal then set). */
int tp_write(struct tk *t, struct task_struct *p, uint64_t va, const void *buf, uint64_t len);
int tp_read(struct tk *t, struct task_struct *p, uint64_t va, void *buf, uint64_t len);

/* Touch one byte per page of [va, va + len): a write or a read. */
void tp_touch(struct tk *t, struct task_struct *p, uint64_t va, uint64_t len, bool write);

/* The number of VMAs of p. */
int tp_vma_count(struct task_struct *p);

/* The PTE mapping va in p, 0 when none. */
uint64_t tp_pte(struct tk *t, struct task_struct *p, uint64_t va);

#endif
