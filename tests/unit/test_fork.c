/* fork with copy-on-write, shared memory across fork, and the fault counts
 * REFERENCE.md records (64 MiB private anonymous, MADV_NOHUGEPAGE). */
#include "proc_helpers.h"

#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/rmap.h"

#include <errno.h>
#include <string.h>

#define MB (1ULL << 20)
#define PG 4096ULL

static struct tk *t;
static struct task_struct *p;

static void setup(void)
{
	t = tk_boot(512 * MB, 2);
	p = tp_spawn(t, "parent", 0);
}

static void teardown(void)
{
	tk_assert_consistent(t);
	tk_free(t);
}

TestSuite(fork, .init = setup, .fini = teardown);

static struct task_struct *fork_of(struct task_struct *parent, int cpu)
{
	int err;
	struct task_struct *c = copy_process(&t->k, parent, cpu, &err);
	cr_assert_not_null(c, "fork: %d", err);
	return c;
}

static struct page *page_at(struct task_struct *task, uint64_t va)
{
	return vm_normal_page(&t->k, tp_pte(t, task, va));
}

/* Seed 003 §7.3, with REFERENCE.md's counts. */
Test(fork, copy_on_write_fault_counts)
{
	uint64_t len = 8 * MB, n = len / PG;
	uint64_t a = tp_mmap(t, p, len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_touch(t, p, a, len, true);
	struct task_struct *c = fork_of(p, 1);
	struct page *pg = page_at(p, a);
	cr_assert_eq(pg, page_at(c, a), "one frame, two mappings");
	cr_assert_eq(pg->mapcount, 2);
	cr_assert_eq(page_ref_count(pg), 2);
	cr_assert_eq(pte_write(tp_pte(t, p, a)), 0, "write-protected in the parent");
	cr_assert_eq(pte_write(tp_pte(t, c, a)), 0, "and in the child");

	uint64_t cf = c->min_flt;
	tp_touch(t, c, a, len, false);
	cr_assert_eq(c->min_flt - cf, 0, "the child reads everything without a fault");
	tp_touch(t, c, a, len / 2, true);
	cr_assert_eq(c->min_flt - cf, n / 2, "one fault per page the child writes");
	cr_assert_eq(pg->mapcount, 1, "the child has its own copy now");

	uint64_t pf = p->min_flt, reuse = t->k.vm_events[PGREUSE];
	tp_touch(t, p, a, len, true);
	cr_assert_eq(p->min_flt - pf, n, "one fault per page the parent writes");
	cr_assert_eq(t->k.vm_events[PGREUSE] - reuse, n / 2, "reuse where the child already copied");
	cr_assert_eq(page_at(p, a), pg, "the parent kept its frame");
	do_group_exit(&t->k, c, 0);
}

Test(fork, isolation_of_written_data)
{
	uint64_t a = tp_mmap(t, p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, a, "parent", 7), 0);
	struct task_struct *c = fork_of(p, 1);
	char buf[7];
	cr_assert_eq(tp_read(t, c, a, buf, 7), 0);
	cr_assert_str_eq(buf, "parent", "the child sees the parent's data");
	cr_assert_eq(tp_write(t, c, a, "child", 6), 0);
	cr_assert_eq(tp_read(t, p, a, buf, 7), 0);
	cr_assert_str_eq(buf, "parent", "the child's write stays in the child");
	cr_assert_eq(tp_write(t, p, a, "again", 6), 0);
	cr_assert_eq(tp_read(t, c, a, buf, 6), 0);
	cr_assert_str_eq(buf, "child");
	do_group_exit(&t->k, c, 0);
}

Test(fork, reuse_when_the_child_is_gone)
{
	uint64_t a = tp_mmap(t, p, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_touch(t, p, a, 4 * PG, true);
	struct page *pg = page_at(p, a);
	struct task_struct *c = fork_of(p, 1);
	do_group_exit(&t->k, c, 0);
	cr_assert_eq(page_ref_count(pg), 1);
	uint64_t reuse = t->k.vm_events[PGREUSE];
	tp_touch(t, p, a, 4 * PG, true);
	cr_assert_eq(page_at(p, a), pg, "no copy: the page is the parent's alone");
	cr_assert_eq(t->k.vm_events[PGREUSE] - reuse, 4);
}

Test(fork, shared_anonymous_memory_stays_shared)
{
	uint64_t a = tp_mmap(t, p, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED);
	cr_assert_eq(tp_write(t, p, a, "shared", 7), 0);
	struct task_struct *c = fork_of(p, 1);
	cr_assert_eq(tp_pte(t, c, a), 0, "shared page tables are not copied");
	uint64_t cf = c->min_flt;
	char buf[7];
	cr_assert_eq(tp_read(t, c, a, buf, 7), 0);
	cr_assert_eq(c->min_flt - cf, 1, "the child's first access faults");
	cr_assert_str_eq(buf, "shared");
	cr_assert_eq(tp_write(t, c, a, "by kid", 7), 0);
	cr_assert_eq(tp_read(t, p, a, buf, 7), 0);
	cr_assert_str_eq(buf, "by kid", "both see one page");
	cr_assert_eq(page_at(p, a), page_at(c, a));
	do_group_exit(&t->k, c, 0);
}

Test(fork, dontfork_vmas_are_left_out)
{
	uint64_t a = tp_mmap(t, p, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_touch(t, p, a, 4 * PG, true);
	cr_assert_eq(do_madvise(&t->k, p, a, 4 * PG, MADV_DONTFORK), 0);
	struct task_struct *c = fork_of(p, 1);
	cr_assert_null(vma_lookup(c->mm, a));
	cr_assert_eq(tp_write(t, c, a, "x", 1), -EFAULT);
	cr_assert_eq(c->fatal.si_code, SEGV_MAPERR);
	do_group_exit(&t->k, c, 0);
	cr_assert_eq(do_madvise(&t->k, p, a, 4 * PG, MADV_DOFORK), 0);
	c = fork_of(p, 1);
	cr_assert_not_null(vma_lookup(c->mm, a));
	do_group_exit(&t->k, c, 0);
}

Test(fork, wipeonfork_gives_the_child_zeros)
{
	uint64_t a = tp_mmap(t, p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, a, "secret", 7), 0);
	cr_assert_eq(do_madvise(&t->k, p, a, PG, MADV_WIPEONFORK), 0);
	struct task_struct *c = fork_of(p, 1);
	char buf[7];
	cr_assert_eq(tp_read(t, c, a, buf, 7), 0);
	cr_assert_eq(buf[0], 0);
	do_group_exit(&t->k, c, 0);
}

/* The reverse map finds both mappings of a page shared by fork. */
static int count_map(struct vm_area_struct *vma, uint64_t addr, void *arg)
{
	int err;
	pte_t *e = pte_walk(&t->k, vma->vm_mm, addr, false, &err);
	if (e && pte_present(*e) && pte_pfn(*e) == ((uint64_t *)arg)[1])
		((uint64_t *)arg)[0]++;
	return 0;
}

Test(fork, rmap_finds_every_pte)
{
	uint64_t a = tp_mmap(t, p, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, a, "r", 1), 0);
	struct task_struct *c = fork_of(p, 1), *g = fork_of(c, 0);
	struct page *pg = page_at(p, a);
	uint64_t arg[2] = { 0, page_to_pfn(&t->k, pg) };
	rmap_walk(&t->k, pg, count_map, arg);
	cr_assert_eq(arg[0], 3, "parent, child and grandchild");
	cr_assert_eq(pg->mapcount, 3);
	cr_assert_eq(tp_write(t, c, a, "c", 1), 0);
	arg[0] = 0;
	rmap_walk(&t->k, pg, count_map, arg);
	cr_assert_eq(arg[0], 2);
	do_group_exit(&t->k, g, 0);
	do_group_exit(&t->k, c, 0);
}

Test(fork, dontneed_drops_pages_and_reads_zeros)
{
	uint64_t len = 64 * PG;
	uint64_t a = tp_mmap(t, p, len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	tp_touch(t, p, a, len, true);
	cr_assert_eq(do_madvise(&t->k, p, a, len, MADV_DONTNEED), 0);
	uint64_t f = p->min_flt;
	char buf[64];
	for (uint64_t i = 0; i < len; i += PG) {
		cr_assert_eq(tp_read(t, p, a + i, buf, 1), 0);
		cr_assert_eq(buf[0], 0, "zero after MADV_DONTNEED");
	}
	cr_assert_eq(p->min_flt - f, 64, "one fault per page");
}

Test(fork, populate_and_mlock_count_one_fault_per_page)
{
	uint64_t n = 256, pg0 = t->k.vm_events[PGFAULT], f0 = p->min_flt;
	long a = sys_mmap(&t->k, p, 0, n * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	cr_assert_geq(a, 0);
	cr_assert_eq(t->k.vm_events[PGFAULT] - pg0, n);
	cr_assert_eq(p->min_flt - f0, n, "GUP faults count for the task too (getrusage)");
	cr_assert_eq(page_at(p, (uint64_t)a) != NULL, 1, "written: real pages, not the zero page");

	uint64_t b = tp_mmap(t, p, n * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	pg0 = t->k.vm_events[PGFAULT];
	cr_assert_eq(do_madvise(&t->k, p, b, n * PG, MADV_POPULATE_READ), 0);
	cr_assert_eq(t->k.vm_events[PGFAULT] - pg0, n);
	cr_assert_eq(pte_pfn(tp_pte(t, p, b)), t->k.zero_pfn, "POPULATE_READ maps the zero page");
	cr_assert_eq(do_madvise(&t->k, p, b, n * PG, MADV_POPULATE_WRITE), 0);
	cr_assert_eq(t->k.vm_events[PGFAULT] - pg0, 2 * n);

	uint64_t c = tp_mmap(t, p, n * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	pg0 = t->k.vm_events[PGFAULT];
	cr_assert_eq(do_mlock(&t->k, p, c, n * PG, 0), 0);
	cr_assert_eq(t->k.vm_events[PGFAULT] - pg0, n);
	cr_assert(page_test(page_at(p, c), PG_mlocked));
	cr_assert_eq(global_zone_page_state(&t->k, NR_MLOCK), n);
	cr_assert_eq(p->mm->locked_vm, n);
	cr_assert_eq(sys_munlock(&t->k, p, c, n * PG), 0);
	cr_assert_eq(global_zone_page_state(&t->k, NR_MLOCK), 0);
	cr_assert_eq(p->mm->locked_vm, 0);
}

Test(fork, mlock_onfault_and_mlockall)
{
	uint64_t a = tp_mmap(t, p, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	uint64_t pg0 = t->k.vm_events[PGFAULT];
	cr_assert_eq(do_mlock(&t->k, p, a, 16 * PG, MLOCK_ONFAULT), 0);
	cr_assert_eq(t->k.vm_events[PGFAULT], pg0, "ONFAULT populates nothing");
	cr_assert_eq(tp_write(t, p, a, "x", 1), 0);
	cr_assert(page_test(page_at(p, a), PG_mlocked), "locked as it is faulted in");
	cr_assert_eq(sys_munlockall(&t->k, p), 0);
	cr_assert_eq(global_zone_page_state(&t->k, NR_MLOCK), 0);
	cr_assert_eq(sys_mlockall(&t->k, p, MCL_FUTURE), 0);
	uint64_t b = tp_mmap(t, p, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert(vma_lookup(p->mm, b)->vm_flags & VM_LOCKED, "MCL_FUTURE locks new mappings");
	cr_assert_not_null(page_at(p, b), "and populates them");
	cr_assert_eq(sys_munlockall(&t->k, p), 0);
	cr_assert_eq(p->mm->locked_vm, 0);
}

Test(fork, mlock_limit_applies_without_cap_ipc_lock)
{
	p->rlimit_memlock = 4 * PG;
	uint64_t a = tp_mmap(t, p, 8 * PG, PROT_READ, MAP_PRIVATE);
	cr_assert_eq(do_mlock(&t->k, p, a, 8 * PG, 0), -ENOMEM);
	p->cap_ipc_lock = true;
	cr_assert_eq(do_mlock(&t->k, p, a, 8 * PG, 0), 0);
	p->rlimit_memlock = 0;
	p->cap_ipc_lock = false;
	cr_assert_eq(do_mlock(&t->k, p, a, PG, 0), -EPERM);
}

Test(fork, madv_free_keeps_data_until_reclaimed)
{
	uint64_t a = tp_mmap(t, p, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	cr_assert_eq(tp_write(t, p, a, "lazy", 5), 0);
	cr_assert_eq(do_madvise(&t->k, p, a, 4 * PG, MADV_FREE), 0);
	cr_assert_eq(t->k.vm_events[PGLAZYFREE], 1);
	cr_assert_eq(tp_pte(t, p, a) & _PAGE_DIRTY, 0, "marked clean");
	char buf[5];
	cr_assert_eq(tp_read(t, p, a, buf, 5), 0);
	cr_assert_str_eq(buf, "lazy", "nothing reclaims it yet");
	uint64_t s = tp_mmap(t, p, PG, PROT_READ | PROT_WRITE, MAP_SHARED);
	cr_assert_eq(do_madvise(&t->k, p, s, PG, MADV_FREE), -EINVAL, "anonymous private only");
}
