/* tests/unit/test_oom_kill.c — the OOM killer: victim selection by
 * oom_badness, oom_score_adj, the report in the kernel log, the scores of
 * /proc/PID/oom_score, and the panic when nothing can be killed. */
#include "helpers.h"
#include "proc_helpers.h"

#include "kernel/mm.h"
#include "kernel/mman.h"
#include "kernel/oom.h"
#include "kernel/sched.h"
#include "kernel/sysctl.h"
#include "kernel/task.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MB (1ULL << 20)
#define RW (PROT_READ | PROT_WRITE)

/* A process named name that has written every page of len bytes. */
static struct task_struct *hog(struct tk *t, const char *name, uint64_t len)
{
	struct task_struct *p = tp_spawn(t, name, 0);
	uint64_t a = tp_mmap(t, p, len, RW, MAP_PRIVATE | MAP_NORESERVE);
	for (uint64_t off = 0; off < len; off += 4096)
		cr_assert_eq(tp_write(t, p, a + off, "x", 1), 0, "%s fills its %llu MiB", name,
			     (unsigned long long)(len / MB));
	return p;
}

/* Write one byte to every page of len bytes of a fresh mapping of p; the
 * first error, or 0 when every write landed. */
static int grow(struct tk *t, struct task_struct *p, uint64_t len)
{
	uint64_t a = tp_mmap(t, p, len, RW, MAP_PRIVATE | MAP_NORESERVE);
	for (uint64_t off = 0; off < len; off += 4096) {
		int rc = tp_write(t, p, a + off, "y", 1);
		if (rc)
			return rc;
	}
	return 0;
}

/* Is a process with this pid still alive? */
static bool alive(struct tk *t, int pid)
{
	struct task_struct *p = find_task_by_pid(&t->k, pid);
	return p && p->state == TASK_RUNNING;
}

/* The kernel log, malloc'd. */
static char *klog(struct tk *t)
{
	size_t need = kernel_log_read(&t->k, NULL, 0) + 1;
	char *log = malloc(need);
	kernel_log_read(&t->k, log, need);
	return log;
}

/* The machine of these tests: 64 MiB, overcommit on, an init (pid 1). */
static struct tk *machine(void)
{
	struct tk *t = tk_boot(64 * MB, 2);
	t->k.sysctl.overcommit_memory = 1;
	tp_spawn(t, "init", 0);
	return t;
}

/* The regression of issue 11 §5.10: a smaller task faults, a bigger one
 * dies, and the smaller one's writes all complete. */
Test(oom_kill, the_biggest_process_dies_and_the_faulting_access_completes)
{
	struct tk *t = machine();
	struct task_struct *big = hog(t, "big", 36 * MB);
	int big_pid = big->pid;
	struct task_struct *small = tp_spawn(t, "small", 1);
	uint64_t kills = t->k.vm_events[OOM_KILL];

	cr_assert_eq(grow(t, small, 26 * MB), 0, "every write of the smaller task completes");
	cr_assert_not(alive(t, big_pid), "the bigger task was the victim");
	cr_assert(alive(t, small->pid));
	cr_assert_eq(t->k.vm_events[OOM_KILL] - kills, 1, "one kill, counted in oom_kill");
	cr_assert(tk_log_contains(t, "small invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|"
				     "__GFP_ZERO|__GFP_COMP), order=0, oom_score_adj=0"));
	cr_assert(tk_log_contains(t, "Out of memory: Killed process 2 (big) total-vm:"));
	cr_assert(tk_log_contains(t, ",global_oom,task_memcg=/,task=big,pid=2,uid=0\n"));
	cr_assert_not(tk_log_contains(t, "oom_reaper:"), "the victim exited by itself: nothing to reap");
	cr_assert_null(t->k.panic_reason);
	tk_assert_consistent(t);
	tk_free(t);
}

/* oom_score_adj -1000 makes a process unkillable: the faulting one dies. */
Test(oom_kill, oom_score_adj_minus_1000_protects)
{
	struct tk *t = machine();
	struct task_struct *big = hog(t, "big", 36 * MB);
	cr_assert_eq(__set_oom_adj(&t->k, big, OOM_SCORE_ADJ_MIN, true), 0);
	struct task_struct *small = tp_spawn(t, "small", 1);

	cr_assert_eq(grow(t, small, 26 * MB), -EFAULT, "the smaller task is killed in its fault");
	cr_assert_eq(small->fatal.si_signo, SIGKILL);
	cr_assert_eq(small->fatal.si_code, SI_KERNEL);
	cr_assert(alive(t, big->pid), "-1000 protects the bigger task");
	cr_assert(tk_log_contains(t, "Out of memory: Killed process 3 (small)"));
	cr_assert(tk_log_contains(t, "         -1000 big\n"), "the table shows big's oom_score_adj");
	do_group_exit(&t->k, small, SIGKILL);          /* as the simulator does on -EFAULT */
	tk_assert_consistent(t);
	tk_free(t);
}

/* oom_score_adj 1000 picks a process before a far bigger one. */
Test(oom_kill, oom_score_adj_1000_goes_first)
{
	struct tk *t = machine();
	struct task_struct *big = hog(t, "big", 30 * MB);
	struct task_struct *tiny = hog(t, "tiny", 1 * MB);
	int tiny_pid = tiny->pid;
	cr_assert_eq(__set_oom_adj(&t->k, tiny, OOM_SCORE_ADJ_MAX, false), 0, "raising needs no privilege");
	struct task_struct *small = tp_spawn(t, "small", 1);

	int rc = grow(t, small, 34 * MB);
	cr_assert_not(alive(t, tiny_pid), "the task with oom_score_adj 1000 died");
	char *log = klog(t);
	const char *first = strstr(log, "Out of memory: Killed process");
	cr_assert_not_null(first);
	cr_assert(!strncmp(first, "Out of memory: Killed process 3 (tiny)", 38), "tiny went first: %.60s", first);
	free(log);
	cr_assert(tk_log_contains(t, "UID:0 pgtables:"), "the kill line");
	cr_assert(tk_log_contains(t, "oom_score_adj:1000\n"));
	if (rc)
		do_group_exit(&t->k, small, SIGKILL);
	(void)big;
	tk_assert_consistent(t);
	tk_free(t);
}

/* Equal scores: the later process in the task list wins (Linux compares
 * with <, so a tie replaces the choice). */
Test(oom_kill, a_tie_goes_to_the_later_process)
{
	struct tk *t = machine();
	struct task_struct *a = hog(t, "twin", 24 * MB);
	struct task_struct *b = hog(t, "twin", 24 * MB);
	cr_assert_eq(oom_badness(&t->k, a, oom_totalpages(&t->k)), oom_badness(&t->k, b, oom_totalpages(&t->k)),
		     "the twins score the same");
	int a_pid = a->pid, b_pid = b->pid;
	struct task_struct *small = tp_spawn(t, "small", 1);

	cr_assert_eq(grow(t, small, 16 * MB), 0);
	cr_assert_eq(t->k.vm_events[OOM_KILL], 1, "one OOM kill");
	cr_assert(alive(t, a_pid), "the earlier twin lives");
	cr_assert_not(alive(t, b_pid), "the later twin died");
	tk_assert_consistent(t);
	tk_free(t);
}

/* The table of candidates: Linux's header and one row per process with its
 * counters, init left out; the report's other lines in order. */
Test(oom_kill, the_report_has_linux_lines_in_linux_order)
{
	struct tk *t = machine();
	struct task_struct *big = hog(t, "big", 36 * MB);
	struct mm_struct *mm = big->mm;
	char row[256];
	struct task_struct *small = tp_spawn(t, "small", 1);
	cr_assert_eq(grow(t, small, 1 * MB), 0);     /* small's tables exist before the OOM */
	t->k.log_len = 0;                              /* only the report from here */
	snprintf(row, sizeof row, "[%7d] %5d %5d %8llu %8llu %8llu %8llu %9llu %8lld %8llu         %5d %s\n",
		 big->pid, 0, big->tgid, (unsigned long long)mm->total_vm, (unsigned long long)get_mm_rss(mm),
		 (unsigned long long)get_mm_counter(mm, MM_ANONPAGES),
		 (unsigned long long)get_mm_counter(mm, MM_FILEPAGES),
		 (unsigned long long)get_mm_counter(mm, MM_SHMEMPAGES), (long long)mm->pgtables_bytes,
		 (unsigned long long)get_mm_counter(mm, MM_SWAPENTS), 0, "big");
	uint64_t big_anon = get_mm_counter(mm, MM_ANONPAGES);
	cr_assert_eq(grow(t, small, 26 * MB), 0);
	const char *order[] = {
		"small invoked oom-killer: gfp_mask=",
		"\nMem-Info:\nactive_anon:0 inactive_anon:",
		"\nNode 0 active_anon:0kB",
		"\nNode 0 DMA free:",
		"\nlowmem_reserve[]: 0 ",
		"\nNode 0 DMA: ",
		"\nNode 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=1048576kB\n",
		"\n0 total pagecache pages\n0 pages in swap cache\nFree swap  = 0kB\nTotal swap = 0kB\n",
		" pages RAM\n0 pages HighMem/MovableOnly\n",
		"\nTasks state (memory values in pages):\n[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file "
		"rss_shmem pgtables_bytes swapents oom_score_adj name\n",
		row,
		"\noom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,"
		"task_memcg=/,task=big,pid=2,uid=0\n",
		"\nOut of memory: Killed process 2 (big) total-vm:",
	};
	char *log = klog(t);
	const char *at = log, *lru = strstr(log, "inactive_anon:");
	cr_assert(lru && strtoull(lru + 14, NULL, 10) >= big_anon,
		  "the victim's pages were on the inactive anon list when the report was made");
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		const char *next = strstr(at, order[i]);
		cr_assert_not_null(next, "%s\ncomes next in:\n%s", order[i], log);
		at = next + 1;
	}
	cr_assert_null(strstr(log, "[      1]"), "init is not a candidate: not in the table");
	free(log);
	tk_assert_consistent(t);
	tk_free(t);
}

/* /proc/PID/oom_score against the formula of proc_oom_score, from the mm's
 * own counters: (1000 + badness * 1000 / totalpages) * 2 / 3, where badness
 * is RSS + swap entries + page-table pages + adj * (totalpages / 1000). */
Test(oom_kill, oom_score_follows_the_formula)
{
	struct tk *t = machine();
	struct task_struct *p = hog(t, "p", 8 * MB);
	const int adjs[] = { 0, 1000, -999, 250, -250, -1000 };
	long total = (long)t->k.totalram_pages;
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/oom_score", p->pid);
	for (size_t i = 0; i < sizeof adjs / sizeof adjs[0]; i++) {
		cr_assert_eq(__set_oom_adj(&t->k, p, adjs[i], true), 0);
		struct mm_struct *mm = p->mm;
		long badness = (long)(get_mm_rss(mm) + get_mm_counter(mm, MM_SWAPENTS) +
				      (uint64_t)mm->pgtables_bytes / 4096) + adjs[i] * (total / 1000);
		long want = adjs[i] == -1000 ? 0 : (1000 + badness * 1000 / total) * 2 / 3;
		char *s = tk_proc(t, path);
		cr_assert_eq(strtol(s, NULL, 10), want, "adj %d: %s vs %ld", adjs[i], s, want);
		free(s);
	}
	snprintf(path, sizeof path, "/proc/%d/oom_score", 1);
	char *s = tk_proc(t, path);
	cr_assert_str_eq(s, "0\n", "init scores 0");
	free(s);
	tk_free(t);
}

/* The range, the privilege, fork's copy and the threads' share. */
Test(oom_kill, oom_score_adj_is_checked_inherited_and_shared)
{
	struct tk *t = machine();
	struct task_struct *p = tp_spawn(t, "p", 0);
	char path[64], *s;
	cr_assert_eq(__set_oom_adj(&t->k, p, 1001, true), -EINVAL);
	cr_assert_eq(__set_oom_adj(&t->k, p, -1001, true), -EINVAL);
	cr_assert_eq(__set_oom_adj(&t->k, p, 300, false), 0);
	cr_assert_eq(__set_oom_adj(&t->k, p, 0, false), 0, "back to the least value");
	cr_assert_eq(__set_oom_adj(&t->k, p, -1, false), -EACCES, "below it needs CAP_SYS_RESOURCE");
	cr_assert_eq(__set_oom_adj(&t->k, p, -500, true), 0, "root may, and sets the least value");
	cr_assert_eq(__set_oom_adj(&t->k, p, -400, false), 0);
	cr_assert_eq(__set_oom_adj(&t->k, p, -500, false), 0);
	cr_assert_eq(__set_oom_adj(&t->k, p, -501, false), -EACCES);
	int err;
	struct task_struct *th = task_create_thread(&t->k, p, 1, &err);
	cr_assert_not_null(th);
	cr_assert_eq(__set_oom_adj(&t->k, th, 700, false), 0, "a thread writes the process's value");
	snprintf(path, sizeof path, "/proc/%d/oom_score_adj", p->pid);
	s = tk_proc(t, path);
	cr_assert_str_eq(s, "700\n");
	free(s);
	snprintf(path, sizeof path, "/proc/%d/oom_adj", p->pid);
	s = tk_proc(t, path);
	cr_assert_str_eq(s, "11\n", "700 * 17 / 1000 on the old scale");
	free(s);
	struct task_struct *c = copy_process(&t->k, p, 0, &err);
	cr_assert_not_null(c);
	cr_assert_eq(c->signal->oom_score_adj, 700, "fork copies it");
	cr_assert_eq(__set_oom_adj(&t->k, c, -501, false), -EACCES, "and the least value");
	do_group_exit(&t->k, c, 0);
	do_group_exit(&t->k, p, 0);
	tk_assert_consistent(t);
	tk_free(t);
}

/* Only init is left: Linux has nobody to kill and panics; the access fails
 * and the state stays consistent. */
Test(oom_kill, nothing_to_kill_panics)
{
	struct tk *t = tk_boot(64 * MB, 1);
	t->k.sysctl.overcommit_memory = 1;
	struct task_struct *init = tp_spawn(t, "init", 0);
	cr_assert_eq(grow(t, init, 80 * MB), -EIO);
	cr_assert(tk_log_contains(t, "Out of memory and no killable processes...\n"
				     "Kernel panic - not syncing: System is deadlocked on memory\n"));
	cr_assert_str_eq(t->k.panic_reason, "System is deadlocked on memory");
	cr_assert_eq(t->k.vm_events[OOM_KILL], 0);
	tk_assert_consistent(t);
	tk_free(t);
}

/* A kernel allocation with no task to run for: swapper invokes it, a
 * process dies, the allocation gets its page. */
Test(oom_kill, a_kernel_allocation_kills_too)
{
	struct tk *t = machine();
	struct task_struct *big = hog(t, "big", 40 * MB);
	int big_pid = big->pid;
	struct page **pages = malloc(16384 * sizeof *pages);
	uint64_t n = 0;
	while (alive(t, big_pid)) {
		cr_assert_lt(n, 16384);
		pages[n] = alloc_page(&t->k, GFP_KERNEL);
		cr_assert_not_null(pages[n], "GFP_KERNEL gets its page: the OOM killer made room");
		n++;
	}
	cr_assert(tk_log_contains(t, "swapper/0 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, "
				     "oom_score_adj=0\n"));
	while (n)
		__free_pages(&t->k, pages[--n], 0);
	free(pages);
	tk_assert_consistent(t);
	tk_free(t);
}

/* The sysctls: oom_dump_tasks 0 leaves the table out; panic_on_oom 1
 * panics instead of killing; oom_kill_allocating_task kills the task that
 * faults, whatever its size. */
Test(oom_kill, the_oom_sysctls)
{
	char eb[128];
	struct tk *t = machine();
	hog(t, "big", 36 * MB);
	struct task_struct *small = tp_spawn(t, "small", 1);
	cr_assert_eq(sysctl_write(&t->k, "vm.oom_dump_tasks", "0", eb, sizeof eb), 0);
	cr_assert_eq(sysctl_write(&t->k, "vm.oom_kill_allocating_task", "1", eb, sizeof eb), 0);
	cr_assert_eq(grow(t, small, 26 * MB), -EFAULT, "the allocating task is killed");
	cr_assert(tk_log_contains(t, "Out of memory (oom_kill_allocating_task): Killed process 3 (small)"));
	cr_assert_not(tk_log_contains(t, "Tasks state"));
	do_group_exit(&t->k, small, SIGKILL);
	tk_assert_consistent(t);
	tk_free(t);

	t = machine();
	hog(t, "big", 36 * MB);
	small = tp_spawn(t, "small", 1);
	cr_assert_eq(sysctl_write(&t->k, "vm.panic_on_oom", "1", eb, sizeof eb), 0);
	cr_assert_eq(sysctl_write(&t->k, "vm.panic_on_oom", "3", eb, sizeof eb), -EINVAL);
	cr_assert_eq(grow(t, small, 26 * MB), -EIO);
	cr_assert(tk_log_contains(t, "Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is "
				     "enabled\n"));
	cr_assert_eq(t->k.vm_events[OOM_KILL], 0);
	tk_assert_consistent(t);
	tk_free(t);
}
