/*
 * procfs/base.c — the OOM killer's per-process files (Linux: fs/proc/base.c
 * proc_oom_score, oom_adj_read, oom_score_adj_read).
 */
#include "procfs/internal.h"

#include "kernel/kernel.h"
#include "kernel/oom.h"
#include "kernel/sched.h"
#include "procfs/seq.h"

/* /proc/PID/oom_score: the badness on a 0..2000 scale, 0 for a process
 * the OOM killer never takes. */
int proc_oom_score(struct kernel *k, struct task_struct *t, struct seq_buf *m)
{
	uint64_t totalpages = oom_totalpages(k);
	unsigned long points = 0;
	long badness = oom_badness(k, t, totalpages);

	if (badness != LONG_MIN)
		points = (unsigned long)((1000 + badness * 1000 / (long)totalpages) * 2 / 3);
	seq_printf(m, "%lu\n", points);
	return 0;
}

/* /proc/PID/oom_score_adj: -1000..1000. */
int oom_score_adj_read(struct kernel *k, struct task_struct *t, struct seq_buf *m)
{
	(void)k;
	seq_printf(m, "%hd\n", t->signal->oom_score_adj);
	return 0;
}

/* /proc/PID/oom_adj: the legacy -17..15 scale, from oom_score_adj. */
int oom_adj_read(struct kernel *k, struct task_struct *t, struct seq_buf *m)
{
	int adj = t->signal->oom_score_adj;
	int oom_adj = adj == OOM_SCORE_ADJ_MAX ? OOM_ADJUST_MAX : adj * -OOM_DISABLE / OOM_SCORE_ADJ_MAX;

	(void)k;
	if (oom_adj > OOM_ADJUST_MAX)
		oom_adj = OOM_ADJUST_MAX;
	seq_printf(m, "%d\n", oom_adj);
	return 0;
}

/* See internal.h. A directory descriptor shows its mount point. */
int proc_fd_show(struct kernel *k, struct task_struct *t, struct seq_buf *m)
{
	(void)k;
	if (!t->files)
		return 0;
	for (unsigned fd = 0; fd < t->files->max_fds; fd++) {
		struct file *f = t->files->fd[fd];
		if (f)
			seq_printf(m, "%u -> %s\n", fd, file_inode(f)->i_name);
	}
	return 0;
}
