/* sim/cgroup.c — the simulator's memory cgroups: making them, writing
 * their limits, moving processes (kernel/memcontrol.c does the work). */
#include "sim/sim.h"

#include "kernel/memcontrol.h"
#include "kernel/sched.h"

#include <errno.h>

/* A limit from the API in pages: -1 keep, -2 "max", else bytes rounded
 * down to pages (Linux: page_counter_memparse). -EINVAL for another
 * negative value. */
static int64_t limit_pages(int64_t bytes)
{
	if (bytes == MMSIM_CGROUP_KEEP)
		return -1;
	if (bytes == MMSIM_CGROUP_NO_LIMIT)
		return (int64_t)PAGE_COUNTER_MAX;
	if (bytes < 0)
		return -EINVAL;
	return bytes / 4096 < (int64_t)PAGE_COUNTER_MAX ? bytes / 4096 : (int64_t)PAGE_COUNTER_MAX;
}

/* See sim.h. */
int sim_cgroup(mmsim_machine *m, const struct mmsim_cgroup *cg)
{
	struct sim_machine *s = sim_machine(m);
	struct kernel *k = &s->kernel;
	static const char *const files[] = { "memory.max", "memory.high", "memory.low", "memory.min", "memory.swap.max" };
	const int64_t values[] = { cg->max, cg->high, cg->low, cg->min, cg->swap_max };
	int64_t pages[5];
	int err = 0;

	if (!cg->name)
		return sim_fail(s, -EINVAL, "cgroup: a name is needed (its path below /sys/fs/cgroup)");
	for (int i = 0; i < 5; i++)
		if ((pages[i] = limit_pages(values[i])) == -EINVAL)
			return sim_fail(s, -EINVAL, "cgroup %s: %s must be bytes (0 or more) or no limit", cg->name,
					files[i]);
	struct mem_cgroup *memcg = mem_cgroup_lookup(k, cg->name);
	if (memcg && mem_cgroup_is_root(memcg)) {
		for (int i = 0; i < 5; i++)
			if (pages[i] >= 0)
				return sim_fail(s, -EINVAL, "cgroup /: the root cgroup has no %s", files[i]);
		return 0;
	}
	if (!memcg) {
		sim_narrate_call(s, "mkdir /sys/fs/cgroup/%s", cg->name);
		if (!(memcg = mem_cgroup_create(k, cg->name, &err)))
			return sim_fail(s, err, "cgroup %s: %s", cg->name,
					err == -EINVAL   ? "a path of names made of letters, digits, '-', '_' and '.' "
							   "(not '.' or '..'), below 128 characters"
					: err == -ENOENT ? "its parent cgroup does not exist"
					: err == -ENOSPC ? "1023 cgroups exist already"
							 : "no host memory");
	}
	struct task_struct *saved = k->current;
	k->current = NULL;                  /* the writer: a shell outside the machine */
	for (int i = 0; i < 5; i++) {
		if (pages[i] < 0)
			continue;
		sim_narrate_call(s, "write %s to /sys/fs/cgroup/%s/%s", values[i] == MMSIM_CGROUP_NO_LIMIT ? "max" : "a limit",
				 cg->name, files[i]);
		mem_cgroup_write(k, memcg, (enum memcg_file)i, (uint64_t)pages[i]);
	}
	k->current = saved;
	return 0;
}

/* See sim.h. */
int sim_cgroup_attach(mmsim_machine *m, int pid, const char *name)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = sim_task(s, pid);
	if (!t)
		return -ESRCH;
	struct mem_cgroup *memcg = mem_cgroup_lookup(&s->kernel, name ? name : "");
	if (!memcg)
		return sim_fail(s, -ENOENT, "cgroup_attach: no cgroup %s", name ? name : "(null)");
	sim_narrate_call(s, "echo %d > /sys/fs/cgroup/%s%scgroup.procs", t->tgid, memcg->name, *memcg->name ? "/" : "");
	mem_cgroup_attach(&s->kernel, t, memcg);
	return 0;
}
