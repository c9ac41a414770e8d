/*
 * host/task.c — processes and threads of a host machine: each is a real
 * task of a helper process. spawn forks and executes a new helper; fork and
 * thread ask a helper to fork or to start a thread, handing it the new
 * task's channel.
 */
#include "host/host.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

/* RLIMIT_STACK and RLIMIT_MEMLOCK of a simulated process (8 MiB), given to
 * the helper when root may raise them. */
#define HOST_RLIMIT (8ULL << 20)

/* In the child of fork: become the helper, with chan as its channel, the
 * layout the machine asks for and pinned to core. Never returns. */
__attribute__((noreturn)) static void exec_helper(struct host_machine *h, int chan, const char *name,
						   int core)
{
	char comm[16];
	char *argv[] = { comm, NULL }, *envp[] = { NULL };
	cpu_set_t set;

	snprintf(comm, sizeof comm, "%s", name);
	if (!h->aslr)
		personality((unsigned long)personality(0xffffffff) | ADDR_NO_RANDOMIZE);
	const struct rlimit eight = { HOST_RLIMIT, HOST_RLIMIT };
	setrlimit(RLIMIT_STACK, &eight);     /* the layout (mmap_base) depends on it */
	setrlimit(RLIMIT_MEMLOCK, &eight);
	CPU_ZERO(&set);
	CPU_SET(h->core_cpu[core], &set);
	sched_setaffinity(0, sizeof set, &set);
	if (host_memcg_join(h))
		_exit(126);                          /* memory_max: the spawn fails */
	int image = fcntl(h->image_fd, F_DUPFD_CLOEXEC, 10);
	if (chan == HOST_CHANNEL_FD)
		fcntl(chan, F_SETFD, 0);
	else
		dup2(chan, HOST_CHANNEL_FD);
	for (int fd = 0; fd < HOST_CHANNEL_FD; fd++)
		close(fd);                          /* the helper has no other files */
	syscall(SYS_close_range, HOST_CHANNEL_FD + 1, ~0U, CLOSE_RANGE_CLOEXEC);
	syscall(SYS_execveat, image, "", argv, envp, AT_EMPTY_PATH);
	_exit(127);
}

/* A channel pair: sv[0] ours, sv[1] the task's. 0 or -errno recorded. */
static int channel(struct host_machine *h, int sv[2], const char *what)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return host_fail(h, -errno, "%s: socketpair: %s", what, strerror(errno));
	return 0;
}

/* See host.h. */
int host_spawn(mmsim_machine *m, const char *name, int core)
{
	struct host_machine *h = host_machine(m);
	int sv[2], err;
	if ((err = host_check_core(h, core)) || (err = channel(h, sv, "spawn")))
		return err;
	struct host_task *t = host_add_task(h);
	if (!t) {
		close(sv[0]);
		close(sv[1]);
		return host_fail(h, -ENOMEM, "spawn: out of memory");
	}
	pid_t pid = fork();
	if (pid == 0)
		exec_helper(h, sv[1], name ? name : "a.out", core);
	close(sv[1]);
	if (pid < 0) {
		err = -errno;
		close(sv[0]);
		h->nr_tasks--;
		return host_fail(h, err, "spawn: fork: %s", strerror(-err));
	}
	*t = (struct host_task){ .pid = pid, .tgid = pid, .ppid = 0, .fd = sv[0], .core = core, .ours = true };
	if ((err = host_await_ready(h, t)))
		return err;
	return pid;
}

/* Ask task pid for a new task (HOST_OP_FORK or HOST_OP_THREAD) on core.
 * Returns the new task's pid, or a negative errno recorded. */
static int new_task(struct host_machine *h, int pid, int core, uint32_t op, const char *what)
{
	struct host_task *t = host_task(h, pid);
	struct host_reply r;
	int sv[2], err;
	if (!t)
		return -ESRCH;
	if (core == -1)
		core = t->core;
	if ((err = host_check_core(h, core)) || (err = channel(h, sv, what)))
		return err;
	struct host_req q = { .op = op, .arg = { (uint64_t)h->core_cpu[core] } };
	int tgid = t->tgid, ppid = op == HOST_OP_FORK ? t->tgid : t->ppid;
	err = host_call(h, t, &q, NULL, 0, sv[1], &r, NULL, 0);
	close(sv[1]);
	if (!err && r.ret < 0)
		err = (int)r.ret;
	struct host_task *n = err ? NULL : host_add_task(h);
	if (!n) {
		close(sv[0]);
		return err ? err : host_fail(h, -ENOMEM, "%s: out of memory", what);
	}
	*n = (struct host_task){ .pid = (int)r.ret, .tgid = op == HOST_OP_FORK ? (int)r.ret : tgid,
				 .ppid = ppid, .fd = sv[0], .core = core };
	return n->pid;
}

/* See host.h. */
int host_thread(mmsim_machine *m, int pid, int core)
{
	return new_task(host_machine(m), pid, core, HOST_OP_THREAD, "thread");
}

/* See host.h. */
int host_fork(mmsim_machine *m, int pid, int core)
{
	return new_task(host_machine(m), pid, core, HOST_OP_FORK, "fork");
}

/* See host.h. */
int host_exit(mmsim_machine *m, int pid, int code)
{
	struct host_machine *h = host_machine(m);
	struct host_task *t = host_task(h, pid);
	struct host_reply r;
	if (!t)
		return -ESRCH;
	struct host_req q = { .op = HOST_OP_EXIT, .arg = { (uint64_t)code } };
	int err = host_call(h, t, &q, NULL, 0, -1, &r, NULL, 0);
	if (!err)
		host_process_died(h, t);
	return err;
}

/* See host.h. */
int host_run_on(mmsim_machine *m, int pid, int core)
{
	struct host_machine *h = host_machine(m);
	struct host_task *t = host_task(h, pid);
	struct host_reply r;
	int err;
	if (!t)
		return -ESRCH;
	if ((err = host_check_core(h, core)))
		return err;
	struct host_req q = { .op = HOST_OP_RUN_ON, .arg = { (uint64_t)h->core_cpu[core] } };
	if ((err = host_call(h, t, &q, NULL, 0, -1, &r, NULL, 0)))
		return err;
	if (r.ret < 0)
		return host_fail(h, (int)r.ret, "run_on: sched_setaffinity: %s", mmsim_strerror((int)r.ret));
	t->core = core;
	return 0;
}

/* See host.h. Root's write is mmsim's own, to /proc/PID/oom_score_adj;
 * the process's own goes through its helper, which holds no capability. */
int host_set_oom_score_adj(mmsim_machine *m, int pid, int value, int flags)
{
	struct host_machine *h = host_machine(m);
	struct host_task *t = host_task(h, pid);
	struct host_reply r;
	char path[64], text[16];
	int err;
	if (!t)
		return -ESRCH;
	if (flags & MMSIM_PROC_UNPRIVILEGED) {
		struct host_req q = { .op = HOST_OP_OOM_SCORE_ADJ, .arg = { (uint64_t)(int64_t)value } };
		if ((err = host_call(h, t, &q, NULL, 0, -1, &r, NULL, 0)))
			return err;
		err = (int)r.ret;
	} else {
		snprintf(path, sizeof path, "/proc/%d/oom_score_adj", t->tgid);
		int len = snprintf(text, sizeof text, "%d", value);
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		err = fd < 0 ? -errno : write(fd, text, (size_t)len) < 0 ? -errno : 0;
		if (fd >= 0)
			close(fd);
	}
	if (err)
		return host_fail(h, err, "oom_score_adj %d: writing /proc/%d/oom_score_adj%s: %s%s", value, t->tgid,
				 flags & MMSIM_PROC_UNPRIVILEGED ? " as the process" : "", mmsim_strerror(err),
				 err == -EACCES ? " (going below the process's least value needs CAP_SYS_RESOURCE)" : "");
	return 0;
}

/* The parent process of t now (orphans have been adopted): field 4 of
 * /proc/PID/stat, 0 for a process this program spawned. */
static int real_ppid(const struct host_task *t)
{
	char path[64], *text, *end;
	int ppid = t->ppid;
	snprintf(path, sizeof path, "/proc/%d/stat", t->tgid);
	if (host_read_file(path, &text, NULL))
		return ppid;
	if ((end = strrchr(text, ')')) && sscanf(end + 1, " %*c %d", &ppid) == 1 && ppid == getpid())
		ppid = 0;
	free(text);
	return ppid;
}

/* See host.h. The core is the one the task is pinned to. */
int host_task_info(mmsim_machine *m, int pid, struct mmsim_task_info *info)
{
	struct host_machine *h = host_machine(m);
	struct host_task *t = host_task(h, pid);
	char path[64], *comm;
	if (!t)
		return -ESRCH;
	memset(info, 0, sizeof *info);
	info->pid = t->pid;
	info->tgid = t->tgid;
	info->ppid = real_ppid(t);
	info->core = t->core;
	snprintf(path, sizeof path, "/proc/%d/task/%d/comm", t->tgid, t->pid);
	if (!host_read_file(path, &comm, NULL)) {
		comm[strcspn(comm, "\n")] = 0;
		snprintf(info->comm, sizeof info->comm, "%s", comm);
		free(comm);
	}
	for (int i = 0; i < h->nr_tasks; i++)
		info->nr_threads += h->tasks[i].tgid == t->tgid && h->tasks[i].fd >= 0;
	return 0;
}

/* See host.h. */
int host_tasks(mmsim_machine *m, int *pids, int max)
{
	struct host_machine *h = host_machine(m);
	int n = 0, last = 0;
	for (;;) {                      /* increasing order: the next pid above last */
		int next = 0;
		for (int i = 0; i < h->nr_tasks; i++)
			if (h->tasks[i].fd >= 0 && h->tasks[i].pid > last &&
			    (!next || h->tasks[i].pid < next))
				next = h->tasks[i].pid;
		if (!next)
			return n;
		if (n < max)
			pids[n] = next;
		n++;
		last = next;
	}
}

/* See host.h. minflt and majflt only: the faults the task's operations
 * took (a leader's: its process's), as getrusage counts them. */
int host_task_stats(mmsim_machine *m, int pid, struct mmsim_stat *out, size_t max)
{
	struct host_machine *h = host_machine(m);
	struct host_task *t = host_task(h, pid);
	struct host_reply r;
	int err;
	if (!t)
		return -ESRCH;
	struct host_req q = { .op = HOST_OP_STATS, .arg = { t->pid == t->tgid } };
	if ((err = host_call(h, t, &q, NULL, 0, -1, &r, NULL, 0)))
		return err;
	const struct mmsim_stat s[2] = { { "minflt", r.minflt }, { "majflt", r.majflt } };
	for (size_t i = 0; i < 2 && i < max; i++)
		out[i] = s[i];
	return 2;
}
