/*
 * procfs/array.c — /proc/PID/status and /proc/PID/statm (Linux:
 * fs/proc/array.c), every line of Linux 6.18's status in its order.
 *
 * The memory lines come from the mm_struct's counters. What the simulator
 * does not model is synthetic, fixed as for a process started by root in a
 * shell: Umask 0022, uids and gids 0, no supplementary groups, FDSize 64
 * (the first file table), no tracer, signals, seccomp or context-switch
 * counts, the speculation lines of the reference machine, the process
 * group and session of the oldest ancestor, and the capabilities of root
 * less CAP_IPC_LOCK and CAP_SYS_RAWIO when the task lacks them (the two the
 * kernel checks).
 */
#include "procfs/internal.h"

#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/sched.h"

#define CAP_IPC_LOCK      14
#define CAP_SYS_RAWIO     17
#define CAP_FULL_SET      ((1ULL << 41) - 1)     /* CAP_LAST_CAP = 40 */
#define THREAD_SIZE       (16 * 1024)
#define MAX_NUMNODES_BITS 1024                   /* NODES_SHIFT 10 */

/* The command name, with a newline or backslash escaped (Linux:
 * proc_task_name). */
static void task_name(struct seq_buf *m, const struct task_struct *t)
{
	seq_puts(m, "Name:\t");
	for (const char *c = t->comm; *c; c++)
		if (*c == '\n')
			seq_puts(m, "\\n");
		else if (*c == '\\')
			seq_puts(m, "\\\\");
		else
			seq_putc(m, *c);
	seq_putc(m, '\n');
}

/* The tgid of t's oldest ancestor: the synthetic process group and
 * session leader. */
static int session_leader(const struct task_struct *t)
{
	while (t->group_leader->parent)
		t = t->group_leader->parent;
	return t->tgid;
}

/* From State to Kthread (Linux: task_state and the Kthread line). */
static void task_state(struct seq_buf *m, const struct task_struct *t)
{
	bool dead = t->state == TASK_DEAD;
	int ppid = t->group_leader->parent ? t->group_leader->parent->tgid : t->group_leader->orphan ? 1 : 0;
	int sid = session_leader(t);

	seq_printf(m, "State:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
		   dead ? "Z (zombie)" : "R (running)", t->tgid, t->pid, ppid);
	seq_printf(m, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t%d\nGroups:\t \n", dead ? 0 : 64);
	seq_printf(m, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\nKthread:\t0\n", t->tgid, t->pid,
		   sid, sid);
}

/* The threads of t's process. */
static int nr_threads(struct kernel *k, const struct task_struct *t)
{
	int n = 0;
	for (const struct task_struct *p = k->tasks; p; p = p->next_task)
		n += p->tgid == t->tgid;
	return n;
}

/* Threads and signals (Linux: task_sig). SigQ's limit is RLIMIT_SIGPENDING,
 * which Linux sets to half of max_threads, itself derived from RAM. */
static void task_sig(struct kernel *k, struct seq_buf *m, const struct task_struct *t)
{
	uint64_t max_threads = k->totalram_pages * PAGE_SIZE / (THREAD_SIZE * 8);
	if (max_threads < 20)
		max_threads = 20;
	seq_printf(m, "Threads:\t%d\nSigQ:\t0/%llu\n", nr_threads(k, t), (unsigned long long)(max_threads / 2));
	seq_puts(m, "SigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n"
		    "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n"
		    "SigCgt:\t0000000000000000\n");
}

/* Capabilities and the seccomp and speculation lines (Linux: task_cap,
 * task_seccomp). */
static void task_cap(struct seq_buf *m, const struct task_struct *t)
{
	uint64_t eff = CAP_FULL_SET;
	if (!t->cap_ipc_lock)
		eff &= ~(1ULL << CAP_IPC_LOCK);
	if (!t->cap_sys_rawio)
		eff &= ~(1ULL << CAP_SYS_RAWIO);
	seq_printf(m, "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\nCapBnd:\t%016llx\n"
		      "CapAmb:\t%016llx\n", 0ULL, (unsigned long long)eff, (unsigned long long)eff,
		   (unsigned long long)CAP_FULL_SET, 0ULL);
	seq_puts(m, "NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n"
		    "Speculation_Store_Bypass:\tvulnerable\n"
		    "SpeculationIndirectBranch:\talways enabled\n");
}

/* A mask of the first n bits of nbits, in hex by 32-bit chunks from the
 * top, comma separated (Linux: "%*pb"). */
static void seq_bitmap(struct seq_buf *m, int n, int nbits)
{
	int chunksz = nbits % 32 ? nbits % 32 : 32;
	for (int i = (nbits + 31) / 32 * 32 - 32; i >= 0; i -= 32) {
		int set = n - i < 0 ? 0 : n - i > 32 ? 32 : n - i;
		uint32_t val = set == 32 ? UINT32_MAX : (1u << set) - 1;
		seq_printf(m, "%s%0*x", i + 32 >= nbits ? "" : ",", (chunksz + 3) / 4, val);
		chunksz = 32;
	}
}

/* The same mask as a list: "0" or "0-N" (Linux: "%*pbl"). */
static void seq_bitmap_list(struct seq_buf *m, int n)
{
	if (n == 1)
		seq_puts(m, "0");
	else
		seq_printf(m, "0-%d", n - 1);
}

/* Every task may run on every CPU and use every online node (Linux:
 * task_cpus_allowed, cpuset_task_status_allowed); then the context-switch
 * counts. */
static void task_allowed(struct kernel *k, struct seq_buf *m)
{
	seq_puts(m, "Cpus_allowed:\t");
	seq_bitmap(m, k->nr_cpus, k->nr_cpus);
	seq_puts(m, "\nCpus_allowed_list:\t");
	seq_bitmap_list(m, k->nr_cpus);
	seq_puts(m, "\nMems_allowed:\t");
	seq_bitmap(m, k->nr_online_nodes, MAX_NUMNODES_BITS);
	seq_puts(m, "\nMems_allowed_list:\t");
	seq_bitmap_list(m, k->nr_online_nodes);
	seq_puts(m, "\nvoluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
}

/* See internal.h. A zombie (no address space left) has no Umask and no
 * memory lines (Linux: proc_pid_status). */
int proc_pid_status(struct kernel *k, struct task_struct *t, struct seq_buf *m)
{
	task_name(m, t);
	if (t->state != TASK_DEAD)
		seq_puts(m, "Umask:\t0022\n");
	task_state(m, t);
	if (t->mm) {
		task_mem(k, m, t->mm);
		seq_puts(m, "CoreDumping:\t0\nTHP_enabled:\t1\nuntag_mask:\t0xffffffffffffffff\n");
	}
	task_sig(k, m, t);
	task_cap(m, t);
	task_allowed(k, m);
	return 0;
}

/* See internal.h. "size resident shared text lib data dt" in pages, lib
 * and dt always 0 (Linux: proc_pid_statm). */
int proc_pid_statm(struct kernel *k, struct task_struct *t, struct seq_buf *m)
{
	uint64_t shared, text, data, resident;
	(void)k;
	if (!t->mm) {
		seq_puts(m, "0 0 0 0 0 0 0\n");
		return 0;
	}
	uint64_t size = task_statm(t->mm, &shared, &text, &data, &resident);
	seq_printf(m, "%llu %llu %llu %llu 0 %llu 0\n", (unsigned long long)size,
		   (unsigned long long)resident, (unsigned long long)shared, (unsigned long long)text,
		   (unsigned long long)data);
	return 0;
}
