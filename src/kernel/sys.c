/*
 * kernel/sys.c — prctl(PR_SET_MM, ...): a process's own memory map fields
 * (Linux: prctl_set_mm and validate_prctl_map_addr in kernel/sys.c), which
 * checkpoint-restore tools use to give a process the layout it had, and
 * a trace replay to give the replayed program its captured program break.
 */
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/mman.h"
#include "kernel/sched.h"
#include "common.h"

#include <errno.h>

/* Each field's place in a struct mm_struct, by PR_SET_MM_* option. */
static uint64_t *mm_field(struct mm_struct *mm, int opt)
{
	switch (opt) {
	case PR_SET_MM_START_CODE: return &mm->start_code;
	case PR_SET_MM_END_CODE: return &mm->end_code;
	case PR_SET_MM_START_DATA: return &mm->start_data;
	case PR_SET_MM_END_DATA: return &mm->end_data;
	case PR_SET_MM_START_STACK: return &mm->start_stack;
	case PR_SET_MM_START_BRK: return &mm->start_brk;
	case PR_SET_MM_BRK: return &mm->brk;
	case PR_SET_MM_ARG_START: return &mm->arg_start;
	case PR_SET_MM_ARG_END: return &mm->arg_end;
	case PR_SET_MM_ENV_START: return &mm->env_start;
	case PR_SET_MM_ENV_END: return &mm->env_end;
	default: return NULL;
	}
}

/* The fields as they would be, all valid together (Linux:
 * validate_prctl_map_addr): each in [mmap_min_addr, TASK_SIZE), and the
 * pairs ordered. The simulator has no RLIMIT_DATA to check. */
static bool valid_map(const struct kernel *k, const struct mm_struct *mm)
{
	const uint64_t f[] = { mm->start_code, mm->end_code, mm->start_data, mm->end_data, mm->start_stack,
			       mm->start_brk, mm->brk, mm->arg_start, mm->arg_end, mm->env_start, mm->env_end };
	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		if (f[i] >= mm->task_size || f[i] < (uint64_t)k->sysctl.mmap_min_addr)
			return false;
	return mm->start_code < mm->end_code && mm->start_data <= mm->end_data && mm->start_brk <= mm->brk &&
	       mm->arg_start <= mm->arg_end && mm->env_start <= mm->env_end;
}

/* See mman.h. */
long prctl_set_mm(struct kernel *k, struct task_struct *t, int opt, uint64_t addr)
{
	struct mm_struct *mm = t->mm, next;
	uint64_t *field = mm_field(mm, opt);
	if (!field)
		return -EINVAL;
	if (addr >= mm->task_size || addr < (uint64_t)k->sysctl.mmap_min_addr)
		return -EINVAL;
	next = *mm;
	*mm_field(&next, opt) = addr;
	if (!valid_map(k, &next))
		return -EINVAL;
	/* the command line and environment must lie in memory the process has */
	if ((opt == PR_SET_MM_ARG_START || opt == PR_SET_MM_ARG_END || opt == PR_SET_MM_ENV_START ||
	     opt == PR_SET_MM_ENV_END) && !find_vma(mm, addr))
		return -EFAULT;
	*field = addr;
	return 0;
}
