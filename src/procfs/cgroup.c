/*
 * procfs/cgroup.c — the cgroup v2 files of the memory controller under
 * /sys/fs/cgroup, and /proc/PID/cgroup (Linux: mm/memcontrol.c's
 * memory_files[], kernel/cgroup/cgroup.c's cgroup.procs and
 * proc_cgroup_show).
 *
 * /sys/fs/cgroup/memory.stat and cgroup.procs are the root's; below it,
 * /sys/fs/cgroup/PATH/ has memory.current, memory.min, memory.low,
 * memory.high, memory.max, memory.peak, memory.events,
 * memory.events.local, memory.stat, memory.swap.current, memory.swap.max,
 * memory.swap.peak, memory.swap.events and cgroup.procs, in Linux's formats
 * (bytes, "max" for no limit).
 */
#include "procfs/internal.h"

#include "kernel/kernel.h"
#include "kernel/memcontrol.h"
#include "kernel/sched.h"
#include "procfs/seq.h"

#include <errno.h>
#include <string.h>

/* A limit in bytes, or "max" (Linux: seq_puts_memcg_tunable). */
static void show_tunable(struct seq_buf *m, uint64_t pages)
{
	if (pages >= PAGE_COUNTER_MAX)
		seq_puts(m, "max\n");
	else
		seq_printf(m, "%llu\n", (unsigned long long)pages * PAGE_SIZE);
}

static void stat_line(void *arg, const char *name, uint64_t value)
{
	seq_printf(arg, "%s %llu\n", name, (unsigned long long)value);
}

/* cgroup.procs: the pids of the processes in memcg itself, ascending. */
static void cgroup_procs_show(struct kernel *k, struct mem_cgroup *memcg, struct seq_buf *m)
{
	for (struct task_struct *t = k->tasks; t; t = t->next_task)
		if (t->group_leader == t && t->state == TASK_RUNNING && mem_cgroup_from_task(k, t) == memcg)
			seq_printf(m, "%d\n", t->pid);
}

/* memory.events (local: this cgroup's own, else its subtree's). */
static void memory_events_show(struct kernel *k, struct mem_cgroup *memcg, bool local, struct seq_buf *m)
{
	static const char *const names[] = { "low", "high", "max", "oom", "oom_kill", "oom_group_kill" };
	for (int e = MEMCG_LOW; e <= MEMCG_OOM_GROUP_KILL; e++)
		seq_printf(m, "%s %llu\n", names[e],
			   (unsigned long long)(local ? memcg->memory_events[e]
						      : memcg_memory_events(k, memcg, (enum memcg_memory_event)e)));
}

/* The file name of a non-root cgroup. 0 or -ENOENT. */
static int memcg_file_show(struct kernel *k, struct mem_cgroup *memcg, const char *file, struct seq_buf *m)
{
	if (!strcmp(file, "memory.current"))
		seq_printf(m, "%llu\n", (unsigned long long)memcg->memory.usage * PAGE_SIZE);
	else if (!strcmp(file, "memory.min"))
		show_tunable(m, memcg->memory.min);
	else if (!strcmp(file, "memory.low"))
		show_tunable(m, memcg->memory.low);
	else if (!strcmp(file, "memory.high"))
		show_tunable(m, memcg->memory.high);
	else if (!strcmp(file, "memory.max"))
		show_tunable(m, memcg->memory.max);
	else if (!strcmp(file, "memory.peak"))
		seq_printf(m, "%llu\n", (unsigned long long)memcg->memory.watermark * PAGE_SIZE);
	else if (!strcmp(file, "memory.events"))
		memory_events_show(k, memcg, false, m);
	else if (!strcmp(file, "memory.events.local"))
		memory_events_show(k, memcg, true, m);
	else if (!strcmp(file, "memory.swap.current"))
		seq_printf(m, "%llu\n", (unsigned long long)memcg->swap.usage * PAGE_SIZE);
	else if (!strcmp(file, "memory.swap.max"))
		show_tunable(m, memcg->swap.max);
	else if (!strcmp(file, "memory.swap.peak"))
		seq_printf(m, "%llu\n", (unsigned long long)memcg->swap.watermark * PAGE_SIZE);
	else if (!strcmp(file, "memory.swap.events"))
		seq_printf(m, "high %llu\nmax %llu\nfail %llu\n",
			   (unsigned long long)memcg_memory_events(k, memcg, MEMCG_SWAP_HIGH),
			   (unsigned long long)memcg_memory_events(k, memcg, MEMCG_SWAP_MAX),
			   (unsigned long long)memcg_memory_events(k, memcg, MEMCG_SWAP_FAIL));
	else
		return -ENOENT;
	return 0;
}

/* See internal.h. */
int cgroup_file_show(struct kernel *k, const char *path, struct seq_buf *m)
{
	char dir[MEMCG_NAME_MAX];
	const char *file = strrchr(path, '/');
	size_t len = file ? (size_t)(file - path) : 0;
	file = file ? file + 1 : path;
	if (len >= sizeof dir)
		return -ENOENT;
	memcpy(dir, path, len);
	dir[len] = 0;
	struct mem_cgroup *memcg = len ? mem_cgroup_lookup(k, dir) : root_mem_cgroup(k);
	if (!memcg || (len && mem_cgroup_is_root(memcg)))
		return -ENOENT;
	if (!strcmp(file, "cgroup.procs")) {
		cgroup_procs_show(k, memcg, m);
		return 0;
	}
	if (!strcmp(file, "memory.stat")) {
		memory_stat_format(k, memcg, stat_line, m);
		return 0;
	}
	return mem_cgroup_is_root(memcg) ? -ENOENT : memcg_file_show(k, memcg, file, m);
}

/* See internal.h. The unified hierarchy's line only: "0::/PATH". */
int proc_cgroup_show(struct kernel *k, struct task_struct *t, struct seq_buf *m)
{
	seq_printf(m, "0::/%s\n", mem_cgroup_from_task(k, t)->name);
	return 0;
}

/* See procfs.h. */
void root_memory_stat_show(struct kernel *k, struct seq_buf *m)
{
	memory_stat_format(k, root_mem_cgroup(k), stat_line, m);
}
