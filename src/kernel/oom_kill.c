/*
 * kernel/oom_kill.c — the OOM killer (Linux: mm/oom_kill.c).
 *
 * Called by the page allocator when an allocation that may kill has found
 * nothing after reclaim (__alloc_pages_may_oom). It scores every process by
 * the memory killing it would free (oom_badness: RSS, swap entries and page
 * tables, moved by oom_score_adj thousandths of RAM + swap), kills the
 * highest with SIGKILL, and the allocation is retried.
 *
 * Linux's victim wakes on its SIGKILL and exits, and exit_mmap reaps an
 * OOM victim's memory itself; the oom_reaper thread steps in only for a
 * victim still holding its memory OOM_REAPER_DELAY (2 s) later. Simulated
 * processes are stopped in user mode between API calls, so a victim other
 * than the task the kernel runs for exits at once, on its own CPU, before
 * the allocation is retried; the reaper's queue then finds MMF_OOM_SKIP set
 * and logs nothing, as on the host for a victim that exits by itself. The
 * task the kernel runs for (current) cannot be torn down under its own
 * fault or system call: it is marked, may use the reserves (ALLOC_OOM), and
 * its process dies on the way back to user mode.
 */
#include "kernel/oom.h"

#include "kernel/kernel.h"
#include "kernel/memcontrol.h"
#include "kernel/mm.h"
#include "kernel/sched.h"
#include "kernel/task.h"
#include "kernel/trace.h"

#include <errno.h>
#include <stdio.h>

#define K(pages) ((unsigned long)(pages) << (PAGE_SHIFT - 10))

/* See oom.h. */
bool tsk_is_oom_victim(const struct task_struct *t)
{
	return t->signal->oom_mm != NULL;
}

/* The init of the machine: pid 1 (Linux: is_global_init). */
static bool is_global_init(const struct task_struct *p)
{
	return p->tgid == 1;
}

/* Never a candidate (Linux: oom_unkillable_task). There are no kernel
 * threads among the simulator's tasks. */
static bool oom_unkillable_task(const struct task_struct *p)
{
	return is_global_init(p);
}

/* The group leader of each process in turn, in the order processes were
 * created (Linux: for_each_process over init_task.tasks). */
#define for_each_process(k, p) \
	for (struct task_struct *p = (k)->tasks; p; p = p->next_task) if (p->group_leader == p)

/* A thread of p's process that still has its mm, or NULL (Linux:
 * find_lock_task_mm). */
static struct task_struct *find_lock_task_mm(struct kernel *k, struct task_struct *p)
{
	for (struct task_struct *t = k->tasks; t; t = t->next_task)
		if (t->tgid == p->tgid && t->state == TASK_RUNNING && t->mm)
			return t;
	return NULL;
}

/* Does some thread of p use mm (Linux: process_shares_mm)? */
static bool process_shares_mm(struct kernel *k, struct task_struct *p, struct mm_struct *mm)
{
	struct task_struct *t = find_lock_task_mm(k, p);
	return t && t->mm == mm;
}

/* See oom.h. */
uint64_t oom_totalpages(const struct kernel *k)
{
	return k->totalram_pages + total_swap_pages(k);
}

/* See oom.h. */
long oom_badness(struct kernel *k, struct task_struct *p, uint64_t totalpages)
{
	if (oom_unkillable_task(p))
		return LONG_MIN;
	p = find_lock_task_mm(k, p);
	if (!p)
		return LONG_MIN;
	long adj = p->signal->oom_score_adj;
	if (adj == OOM_SCORE_ADJ_MIN || (p->mm->flags & MMF_OOM_SKIP))
		return LONG_MIN;
	long points = (long)(get_mm_rss(p->mm) + get_mm_counter(p->mm, MM_SWAPENTS) +
			     (uint64_t)p->mm->pgtables_bytes / PAGE_SIZE);
	adj *= (long)(totalpages / 1000);     /* normalise to oom_score_adj units */
	return points + adj;
}

/* Which memory the allocation may use, and how much there is (Linux:
 * constrained_alloc): a cgroup's limit and the swap it may use, else the
 * machine's RAM and swap. No cpusets or memory policies. */
static enum oom_constraint constrained_alloc(struct kernel *k, struct oom_control *oc)
{
	if (oc->memcg) {
		oc->totalpages = mem_cgroup_get_max(k, oc->memcg);
		if (!oc->totalpages)
			oc->totalpages = 1;
		return CONSTRAINT_MEMCG;
	}
	oc->totalpages = oom_totalpages(k);
	return CONSTRAINT_NONE;
}

/* May p's process be chosen for oc: in its cgroup for a cgroup's OOM
 * (Linux: mem_cgroup_scan_tasks' walk). */
static bool oom_task_in_scope(struct kernel *k, const struct task_struct *p, const struct oom_control *oc)
{
	return !oc->memcg || task_in_mem_cgroup(k, p, oc->memcg);
}

/* A request for a kill, not an allocation (Linux: is_sysrq_oom). */
static bool is_sysrq_oom(const struct oom_control *oc)
{
	return oc->order == -1;
}

/* Score one process and keep it when it scores at least as high as the
 * best so far, so that a later process wins a tie. Returns true to stop the
 * scan: a victim is still dying and may free memory (Linux:
 * oom_evaluate_task). */
static bool oom_evaluate_task(struct kernel *k, struct task_struct *task, struct oom_control *oc)
{
	if (oom_unkillable_task(task))
		return false;
	if (!is_sysrq_oom(oc) && tsk_is_oom_victim(task)) {
		if (task->signal->oom_mm->flags & MMF_OOM_SKIP)
			return false;
		oc->chosen = OOM_ABORTED;
		return true;
	}
	long points = oom_badness(k, task, oc->totalpages);
	if (points == LONG_MIN || points < oc->chosen_points)
		return false;
	oc->chosen = task;
	oc->chosen_points = points;
	return false;
}

/* The process with the highest badness, or none, or OOM_ABORTED (Linux:
 * select_bad_process). */
static void select_bad_process(struct kernel *k, struct oom_control *oc)
{
	oc->chosen_points = LONG_MIN;
	for_each_process(k, p)
		if (oom_task_in_scope(k, p, oc) && oom_evaluate_task(k, p, oc))
			break;
}

/* One row of the task table (Linux: dump_task). Every simulated process
 * runs as root. */
static void dump_task(struct kernel *k, struct task_struct *p)
{
	if (oom_unkillable_task(p))
		return;
	struct task_struct *task = find_lock_task_mm(k, p);
	if (!task)
		return;
	struct mm_struct *mm = task->mm;
	printk(k, "[%7d] %5d %5d %8lu %8lu %8lu %8lu %9lu %8ld %8lu         %5hd %s", task->pid, 0,
	       task->tgid, (unsigned long)mm->total_vm, (unsigned long)get_mm_rss(mm),
	       (unsigned long)get_mm_counter(mm, MM_ANONPAGES), (unsigned long)get_mm_counter(mm, MM_FILEPAGES),
	       (unsigned long)get_mm_counter(mm, MM_SHMEMPAGES), (long)mm->pgtables_bytes,
	       (unsigned long)get_mm_counter(mm, MM_SWAPENTS), task->signal->oom_score_adj, task->comm);
}

/* The memory of every candidate process (Linux: dump_tasks). */
static void dump_tasks(struct kernel *k, const struct oom_control *oc)
{
	printk(k, "Tasks state (memory values in pages):");
	printk(k, "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes "
		  "swapents oom_score_adj name");
	for_each_process(k, p)
		if (oom_task_in_scope(k, p, oc))
			dump_task(k, p);
}

/* The nodes as a list, "0" or "0-N" (Linux: %*pbl of mems_allowed). */
static const char *nodelist(const struct kernel *k, char *buf, size_t len)
{
	if (k->nr_online_nodes == 1)
		snprintf(buf, len, "0");
	else
		snprintf(buf, len, "0-%d", k->nr_online_nodes - 1);
	return buf;
}

/* The one-line summary of the kill (Linux: dump_oom_victim with the cpuset
 * and memcg context, mem_cgroup_print_oom_context): every task is in the
 * root cpuset. */
static void dump_oom_victim(struct kernel *k, const struct oom_control *oc, const struct task_struct *victim)
{
	static const char *const constraint_text[] = {
		"CONSTRAINT_NONE", "CONSTRAINT_CPUSET", "CONSTRAINT_MEMORY_POLICY", "CONSTRAINT_MEMCG"
	};
	char nodes[32];
	char ctx[2 * MEMCG_NAME_MAX + 40];
	if (oc->memcg)
		snprintf(ctx, sizeof ctx, "oom_memcg=/%s", oc->memcg->name);
	else
		snprintf(ctx, sizeof ctx, "global_oom");
	printk(k, "oom-kill:constraint=%s,nodemask=(null),cpuset=/,mems_allowed=%s,%s,task_memcg=/%s,"
		  "task=%s,pid=%d,uid=%d", constraint_text[oc->constraint], nodelist(k, nodes, sizeof nodes), ctx,
	       mem_cgroup_from_task(k, victim)->name, victim->comm, victim->pid, 0);
}

/* The report's header: who asked for what, the memory, the tasks (Linux:
 * dump_header). There is no stack to dump. With no task to run for, the
 * CPU's idle task, swapper/N, is current, as in Linux's interrupts. */
static void dump_header(struct kernel *k, const struct oom_control *oc)
{
	char gfp[256], idle[16];
	const struct task_struct *cur = k->current;
	snprintf(idle, sizeof idle, "swapper/%d", k->this_cpu);
	printk(k, "%s invoked oom-killer: gfp_mask=%#x(%s), order=%d, oom_score_adj=%d", cur ? cur->comm : idle,
	       oc->gfp_mask, oc->gfp_mask ? gfp_format(oc->gfp_mask, gfp, sizeof gfp) : "", oc->order,
	       cur ? (int)cur->signal->oom_score_adj : 0);
	if (oc->memcg)
		mem_cgroup_print_oom_meminfo(k, oc->memcg);
	else
		show_mem(k, (int)gfp_zone(oc->gfp_mask));
	if (k->sysctl.oom_dump_tasks)
		dump_tasks(k, oc);
}

/* Mark tsk's process as the OOM killer's victim: it may dip into the
 * reserves (ALLOC_OOM) until it exits (Linux: mark_oom_victim). */
static void mark_oom_victim(struct task_struct *tsk)
{
	if (tsk->memdie)
		return;
	tsk->memdie = true;
	if (!tsk->signal->oom_mm)
		tsk->signal->oom_mm = tsk->mm;
}

/* Will the whole process die soon without our help (Linux:
 * __task_will_free_mem)? There are no core dumps. */
static bool __task_will_free_mem(struct kernel *k, struct task_struct *task)
{
	(void)k;
	return task->signal->group_exit;
}

/* Will task's mm be freed soon: every process using it is dying (Linux:
 * task_will_free_mem)? */
static bool task_will_free_mem(struct kernel *k, struct task_struct *task)
{
	struct mm_struct *mm = task->mm;
	if (!mm || !__task_will_free_mem(k, task) || (mm->flags & MMF_OOM_SKIP))
		return false;
	if (mm->mm_users <= 1)
		return true;
	for_each_process(k, p) {
		if (!process_shares_mm(k, p, mm) || p->tgid == task->tgid)
			continue;
		if (!__task_will_free_mem(k, p))
			return false;
	}
	return true;
}

/* Let the oom_reaper take the victim's memory later (Linux:
 * queue_oom_reaper). Its timer fires only after the victim has exited
 * here (its exit set MMF_OOM_SKIP), so it never has anything to reap. */
static void queue_oom_reaper(struct task_struct *tsk)
{
	tsk->signal->oom_mm->flags |= MMF_OOM_REAP_QUEUED;
}

/* A victim other than current takes its SIGKILL: it was stopped in user
 * mode, so it exits now, on its own CPU, and exit_mmap frees everything
 * (Linux: the signal's default action, do_group_exit, exit_mmap). */
static void oom_victim_exits(struct kernel *k, struct task_struct *victim)
{
	int cpu = k->this_cpu;
	victim->fatal = (struct siginfo){ .si_signo = SIGKILL, .si_code = SI_KERNEL };
	victim->signal->oom_mm->flags |= MMF_OOM_SKIP;
	k->this_cpu = victim->cpu;
	do_group_exit(k, victim, SIGKILL);
	k->this_cpu = cpu;
}

/* Is t a thread of the process the kernel runs for? */
static bool is_current_process(const struct kernel *k, const struct task_struct *t)
{
	return k->current && k->current->tgid == t->tgid;
}

/* SIGKILL a process: all its threads die (Linux: do_send_sig_info with
 * PIDTYPE_TGID). */
static void send_sigkill(struct task_struct *p)
{
	p->signal->group_exit = true;
}

/* Kill victim's process and every other process using its mm (Linux:
 * __oom_kill_process). */
static void __oom_kill_process(struct kernel *k, struct task_struct *victim, const char *message)
{
	struct task_struct *p = find_lock_task_mm(k, victim);
	bool can_oom_reap = true;

	if (!p) {
		printk(k, "%s: OOM victim %d (%s) is already exiting. Skip killing the task", message, victim->pid,
		       victim->comm);
		return;
	}
	victim = p;
	struct mm_struct *mm = victim->mm;
	k->vm_events[OOM_KILL]++;
	memcg_memory_event(get_mem_cgroup_from_mm(k, mm), MEMCG_OOM_KILL);
	send_sigkill(victim);
	mark_oom_victim(victim);
	printk(k, "%s: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB, shmem-rss:%lukB, "
		  "UID:%u pgtables:%lukB oom_score_adj:%hd", message, victim->pid, victim->comm, K(mm->total_vm),
	       K(get_mm_counter(mm, MM_ANONPAGES)), K(get_mm_counter(mm, MM_FILEPAGES)),
	       K(get_mm_counter(mm, MM_SHMEMPAGES)), 0u, (unsigned long)mm->pgtables_bytes >> 10,
	       victim->signal->oom_score_adj);
	trace_kernel(k, k->this_cpu, "SIGKILL to pid %d (%s)", victim->tgid, victim->comm);
	for_each_process(k, q) {
		if (!process_shares_mm(k, q, mm) || q->tgid == victim->tgid)
			continue;
		if (is_global_init(q)) {
			can_oom_reap = false;
			mm->flags |= MMF_OOM_SKIP;
			printk(k, "oom killer %d (%s) has mm pinned by %d (%s)", victim->pid, victim->comm, q->pid,
			       q->comm);
			continue;
		}
		send_sigkill(q);
	}
	if (can_oom_reap)
		queue_oom_reaper(victim);
	if (is_current_process(k, victim))
		return;                 /* dies on its way back to user mode */
	struct task_struct *leader = victim->group_leader, *q;
	do {                            /* an exit frees tasks: look again after each */
		for (q = k->tasks; q; q = q->next_task)
			if (q->group_leader == q && q->signal->group_exit && !is_current_process(k, q) &&
			    (q == leader || process_shares_mm(k, q, mm)))
				break;
		if (q)
			oom_victim_exits(k, q);
	} while (q);
}

/* Kill the chosen process, after the report (Linux: oom_kill_process). A
 * victim already dying is only marked. */
static void oom_kill_process(struct kernel *k, struct oom_control *oc, const char *message)
{
	struct task_struct *victim = oc->chosen;
	if (task_will_free_mem(k, victim)) {
		mark_oom_victim(victim);
		queue_oom_reaper(victim);
		oc->killed = true;
		return;
	}
	dump_header(k, oc);
	dump_oom_victim(k, oc, victim);
	__oom_kill_process(k, victim, message);
	oc->killed = true;
}

/* vm.panic_on_oom: 1 panics for an unconstrained OOM, 2 for any (Linux:
 * check_panic_on_oom). */
static void check_panic_on_oom(struct kernel *k, struct oom_control *oc)
{
	if (!k->sysctl.panic_on_oom)
		return;
	if (k->sysctl.panic_on_oom != 2 && oc->constraint != CONSTRAINT_NONE)
		return;
	if (is_sysrq_oom(oc))
		return;
	dump_header(k, oc);
	panic(k, "Out of memory: %s panic_on_oom is enabled",
	      k->sysctl.panic_on_oom == 2 ? "compulsory" : "system-wide");
}

/* See oom.h. */
bool out_of_memory(struct kernel *k, struct oom_control *oc)
{
	struct task_struct *cur = k->current;

	oc->chosen = NULL;
	oc->killed = false;
	if (k->panic_reason)
		return false;
	if (cur && task_will_free_mem(k, cur)) {      /* already dying: let it use the reserves */
		mark_oom_victim(cur);
		queue_oom_reaper(cur);
		oc->killed = true;
		return true;
	}
	/* Linux returns true without __GFP_FS and the allocation loops until
	 * another task's progress frees memory; nothing else runs here. */
	if (!(oc->gfp_mask & __GFP_FS) && !oc->memcg)
		return false;
	oc->constraint = constrained_alloc(k, oc);
	check_panic_on_oom(k, oc);
	if (k->panic_reason)
		return false;
	trace_kernel(k, k->this_cpu, "order-%d allocation (gfp %#x) failed after reclaim: "
		     "choosing a victim", oc->order, oc->gfp_mask);
	if (k->sysctl.oom_kill_allocating_task && cur && cur->mm && !oom_unkillable_task(cur) &&
	    cur->signal->oom_score_adj != OOM_SCORE_ADJ_MIN) {
		oc->chosen = cur;
		oom_kill_process(k, oc, "Out of memory (oom_kill_allocating_task)");
		return true;
	}
	select_bad_process(k, oc);
	if (!oc->chosen && oc->memcg) {
		dump_header(k, oc);
		printk(k, "Out of memory and no killable processes...");
		return false;
	}
	if (!oc->chosen) {
		dump_header(k, oc);
		printk(k, "Out of memory and no killable processes...");
		if (!is_sysrq_oom(oc))
			panic(k, "System is deadlocked on memory");
		return false;
	}
	if (oc->chosen != OOM_ABORTED)
		oom_kill_process(k, oc, oc->memcg ? "Memory cgroup out of memory" : "Out of memory");
	return true;
}

/* See oom.h. */
bool pagefault_out_of_memory(struct kernel *k, struct task_struct *t)
{
	if (fatal_signal_pending(t) || k->panic_reason)
		return false;
	printk(k, "Huh VM_FAULT_OOM leaked out to the #PF handler. Retrying PF");
	return true;
}

/* See oom.h. */
int __set_oom_adj(struct kernel *k, struct task_struct *t, int value, bool cap_sys_resource)
{
	if (value < OOM_SCORE_ADJ_MIN || value > OOM_SCORE_ADJ_MAX)
		return -EINVAL;
	if ((short)value < t->signal->oom_score_adj_min && !cap_sys_resource)
		return -EACCES;
	t->signal->oom_score_adj = (short)value;
	if (cap_sys_resource)
		t->signal->oom_score_adj_min = (short)value;
	trace_kernel(k, t->cpu, "pid %d (%s): oom_score_adj %d", t->tgid, t->comm, value);
	return 0;
}
