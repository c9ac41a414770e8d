/* tests/unit/proc_helpers.c — see proc_helpers.h. */
#include "proc_helpers.h"

#include "kernel/mm.h"
#include "kernel/pgtable.h"

struct task_struct *tp_spawn(struct tk *t, const char *name, int cpu)
{
	int err;
	struct task_struct *p = task_create_process(&t->k, name, cpu, &err);
	cr_assert_not_null(p, "spawn failed: %d", err);
	return p;
}

uint64_t tp_mmap(struct tk *t, struct task_struct *p, uint64_t len, unsigned long prot,
		 unsigned long flags)
{
	long a = sys_mmap(&t->k, p, 0, len, prot, flags | MAP_ANONYMOUS, -1, 0);
	cr_assert_geq(a, 0, "mmap failed: %ld", a);
	return (uint64_t)a;
}

int tp_write(struct tk *t, struct task_struct *p, uint64_t va, const void *buf, uint64_t len)
{
	return task_access(&t->k, p, va, (void *)buf, len, HW_WRITE);
}

int tp_read(struct tk *t, struct task_struct *p, uint64_t va, void *buf, uint64_t len)
{
	return task_access(&t->k, p, va, buf, len, HW_READ);
}

void tp_touch(struct tk *t, struct task_struct *p, uint64_t va, uint64_t len, bool write)
{
	uint8_t b = 1;
	for (uint64_t a = va; a < va + len; a += 4096)
		cr_assert_eq(task_access(&t->k, p, a, &b, 1, write ? HW_WRITE : HW_READ), 0,
			     "touch %#lx failed", (unsigned long)a);
}

int tp_vma_count(struct task_struct *p)
{
	return p->mm->map_count;
}

uint64_t tp_pte(struct tk *t, struct task_struct *p, uint64_t va)
{
	int err;
	pte_t *e = pte_walk(&t->k, p->mm, va, false, &err);
	return e ? *e : 0;
}
