/*
 * host/host.c — host machines: options, the helper program, the task table
 * and the request/reply exchange on a task's channel.
 */
#include "host/host.h"
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* The helper program (helper_blob.S). */
extern const unsigned char host_helper_image[], host_helper_image_end[];

/* How long a reply may take: populating gigabytes is slow, a hang is not. */
#define REPLY_TIMEOUT_MS (300 * 1000)

/* See host.h. */
int host_read_file(const char *path, char **text, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0, cap = 8192;
	char *buf = NULL;
	if (fd < 0)
		return -errno;
	for (;;) {
		if (!buf || cap - n < 4096) {
			char *b = realloc(buf, cap *= 2);
			if (!b) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = b;
		}
		ssize_t got = read(fd, buf + n, cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int err = -errno;
			free(buf);
			close(fd);
			return err;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	buf[n] = 0;
	*text = buf;
	if (len)
		*len = n;
	return 0;
}

/* The helper program as a file descriptor: $MMSIM_HOST_HELPER when set
 * (for debugging the helper), otherwise a memfd holding the embedded copy. */
static int helper_image(char *err, size_t errlen)
{
	const char *path = getenv("MMSIM_HOST_HELPER");
	if (path && *path) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			snprintf(err, errlen, "MMSIM_HOST_HELPER=%s: %s", path, strerror(errno));
		return fd < 0 ? -errno : fd;
	}
	int fd = memfd_create("mmsim-host-helper", MFD_CLOEXEC | 0x10U /* MFD_EXEC */);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("mmsim-host-helper", MFD_CLOEXEC);   /* before Linux 6.3 */
	if (fd < 0) {
		snprintf(err, errlen, "host: memfd_create: %s", strerror(errno));
		return -errno;
	}
	size_t n = (size_t)(host_helper_image_end - host_helper_image);
	for (size_t off = 0; off < n;) {
		ssize_t w = write(fd, host_helper_image + off, n - off);
		if (w <= 0) {
			snprintf(err, errlen, "host: writing the helper: %s", strerror(errno));
			close(fd);
			return -EIO;
		}
		off += (size_t)w;
	}
	return fd;
}

/* Apply one option "key=value". 0 or -EINVAL with err set. */
static int apply_option(struct host_machine *h, const char *kv, char *err, size_t errlen)
{
	const char *eq = strchr(kv, '=');
	if (eq && !strncmp(kv, "aslr=", 5)) {
		const char *v = eq + 1;
		if (!strcmp(v, "0") || !strcmp(v, "false"))
			h->aslr = 0;
		else if (!strcmp(v, "1") || !strcmp(v, "2") || !strcmp(v, "true"))
			h->aslr = v[0] == '1' ? 1 : 2;
		else {
			snprintf(err, errlen, "aslr: '%s' must be 0 (the setarch -R layout), 1 or 2", v);
			return -EINVAL;
		}
		return 0;
	}
	if (eq && !strncmp(kv, "memory_max=", 11)) {
		char *end;
		unsigned long long v = strtoull(eq + 1, &end, 10);
		unsigned shift = *end && strchr("KkMmGg", *end) && !end[1]
				 ? (unsigned)(strchr("KkMmGg", *end) - "KkMmGg") / 2 * 10 + 10 : 0;
		if (end == eq + 1 || (*end && !shift) || v == 0 || (v << shift) >> shift != v) {
			snprintf(err, errlen, "memory_max: '%s' must be a size in bytes (or with K, M or G)", eq + 1);
			return -EINVAL;
		}
		h->memory_max = v << shift;
		return 0;
	}
	snprintf(err, errlen, "%.*s: not an option of the host backend (options: aslr, memory_max)",
		 eq ? (int)(eq - kv) : (int)strlen(kv), kv);
	return -EINVAL;
}

static void host_free(mmsim_machine *m);
static const char *host_why_unsupported(const char *op);

static const struct mmsim_backend host_backend = {
	.name = "host",
	.why_unsupported = host_why_unsupported,
	.free = host_free,
	.config_get = host_config_get,
	.spawn = host_spawn,
	.thread = host_thread,
	.fork = host_fork,
	.exit = host_exit,
	.run_on = host_run_on,
	.set_oom_score_adj = host_set_oom_score_adj,
	.task_info = host_task_info,
	.tasks = host_tasks,
	.mmap = host_mmap,
	.munmap = host_munmap,
	.mprotect = host_mprotect,
	.mremap = host_mremap,
	.brk = host_brk,
	.madvise = host_madvise,
	.mlock2 = host_mlock2,
	.munlock = host_munlock,
	.mlockall = host_mlockall,
	.munlockall = host_munlockall,
	.set_vma_anon_name = host_set_vma_anon_name,
	.open = host_open,
	.close = host_close,
	.dup = host_dup,
	.pread = host_pread,
	.pwrite = host_pwrite,
	.ftruncate = host_ftruncate,
	.unlink = host_unlink,
	.fstat = host_fstat,
	.memfd_create = host_memfd_create,
	.fsync = host_fsync,
	.fadvise = host_fadvise,
	.msync = host_msync,
	.sleep = host_sleep,
	.mincore = host_mincore,
	.set_mempolicy = host_set_mempolicy,
	.get_mempolicy = host_get_mempolicy,
	.access = host_access,
	.touch = host_touch,
	.virt_to_phys = host_virt_to_phys,
	.proc_read = host_proc_read,
	.proc_pread = host_proc_pread,
	.pagemap_scan = host_pagemap_scan,
	.vmstat = host_vmstat,
	.machine_stats = host_machine_stats,
	.task_stats = host_task_stats,
	.sysctl_get = host_sysctl_get,
	/* No slot for what only a simulated kernel has, or what would change
	 * this machine: host_why_unsupported says why for each. */
};

/* Why the host backend leaves op's slot empty. */
static const char *host_why_unsupported(const char *op)
{
	if (!strcmp(op, "explain"))
		return "real kernels do not narrate";
	if (!strcmp(op, "sysctl_set") || !strcmp(op, "swapon") || !strcmp(op, "swapoff") || !strcmp(op, "cgroup") ||
	    !strcmp(op, "cgroup_attach"))
		return "it would change this machine";
	if (!strcmp(op, "access_batch") || !strcmp(op, "prctl_set_mm"))
		return "trace replays run on the simulator";
	if (!strcmp(op, "page_info") || !strcmp(op, "frame_runs"))
		return "struct page is the real kernel's; /proc/kpageflags shows its flags";
	if (!strcmp(op, "page_tables") || !strcmp(op, "walk"))
		return "a process cannot read its page tables; /proc/PID/pagemap shows what they map";
	if (!strcmp(op, "tlb_info") || !strcmp(op, "tlb_entries"))
		return "a CPU's TLBs cannot be read";
	static const char *const seg_ops[] = { "arch_prctl", "set_thread_area", "get_thread_area", "modify_ldt",
					       "load_segment", "access_seg", "segments", "gdt" };
	for (size_t i = 0; i < ARRAY_SIZE(seg_ops); i++)
		if (!strcmp(op, seg_ops[i]))
			return "the helper process has no segment-register operations (issue 19 covers the simulator)";
	if (!strncmp(op, "vm_", 3))
		return "virtual machines are the simulator's (KVM's EPT is not scriptable from user space)";
	if (!strcmp(op, "migrate_page"))
		return "Linux moves a process's pages only by compaction, NUMA balancing or move_pages(2) to "
		       "another node";
	if (!strcmp(op, "interleave"))
		return "a real core's store buffer cannot be held from user space";
	if (!strcmp(op, "file") || !strcmp(op, "files") || !strcmp(op, "mount"))
		return "the host's files are its processes' (p:open, p:pwrite); mounting would change this machine";
	return "the real kernel's allocators are not scriptable";
}

/* The machine's cores: the CPUs this process may run on (its affinity:
 * a cpuset or taskset can leave some out), in order. 0 or -1. */
static int host_cores(struct host_machine *h)
{
	cpu_set_t mine;
	if (sched_getaffinity(0, sizeof mine, &mine) || !(h->core_cpu = calloc(CPU_SETSIZE, sizeof *h->core_cpu)))
		return -1;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &mine))
			h->core_cpu[h->cpus++] = cpu;
	return h->cpus ? 0 : -1;
}

/* See mmsim.h. */
int mmsim_host_new(const char *const *options, mmsim_machine **out, char *err, size_t errlen)
{
	*out = NULL;
#if !defined(__linux__) || !defined(__x86_64__)
	(void)options;
	backend_errbuf(err, errlen, "host: the host backend needs Linux on x86-64");
	return -ENOSYS;
#else
	char why[256] = "";
	struct host_machine *h = calloc(1, sizeof *h);
	if (!h || !(h->io = malloc(HOST_CHUNK))) {
		free(h);
		backend_errbuf(err, errlen, "host: out of memory");
		return -ENOMEM;
	}
	h->base.ops = &host_backend;
	h->image_fd = -1;
	if (host_cores(h)) {
		backend_errbuf(err, errlen, "host: sched_getaffinity: %s", strerror(errno));
		host_free(&h->base);
		return -ENOMEM;
	}
	for (const char *const *o = options; o && *o; o++) {
		int rc = apply_option(h, *o, why, sizeof why);
		if (rc) {
			backend_errbuf(err, errlen, "%s", why);
			host_free(&h->base);
			return rc;
		}
	}
	if (h->memory_max) {
		int rc = host_memcg_create(h, h->memory_max, why, sizeof why);
		if (rc) {
			backend_errbuf(err, errlen, "%s", why);
			host_free(&h->base);
			return rc;
		}
	}
	if ((h->image_fd = helper_image(why, sizeof why)) < 0) {
		int rc = h->image_fd;
		backend_errbuf(err, errlen, "%s", why);
		host_free(&h->base);
		return rc;
	}
	*out = &h->base;
	return 0;
#endif
}

/* Every live process is killed (they are ours) and reaped. */
static void host_free(mmsim_machine *m)
{
	struct host_machine *h = host_machine(m);
	for (int i = 0; i < h->nr_tasks; i++) {
		struct host_task *t = &h->tasks[i];
		if (t->fd >= 0 && t->pid == t->tgid)
			kill(t->pid, SIGKILL);
		if (t->fd >= 0)
			close(t->fd);
		if (t->ours && t->pid == t->tgid)
			waitpid(t->pid, NULL, 0);
	}
	if (h->image_fd >= 0)
		close(h->image_fd);
	host_files_remove(h);
	host_memcg_remove(h);
	free(h->core_cpu);
	free(h->tasks);
	free(h->io);
	free(h);
}

/* See host.h. */
struct host_task *host_task(struct host_machine *h, int pid)
{
	for (int i = 0; pid > 0 && i < h->nr_tasks; i++)
		if (h->tasks[i].pid == pid && h->tasks[i].fd >= 0)
			return &h->tasks[i];
	host_fail(h, -ESRCH, "no process or thread with pid %d", pid);
	return NULL;
}

/* See host.h. */
struct host_task *host_add_task(struct host_machine *h)
{
	if (h->nr_tasks == h->cap_tasks) {
		int cap = h->cap_tasks ? 2 * h->cap_tasks : 16;
		struct host_task *t = realloc(h->tasks, (size_t)cap * sizeof *t);
		if (!t)
			return NULL;
		h->tasks = t;
		h->cap_tasks = cap;
	}
	struct host_task *t = &h->tasks[h->nr_tasks++];
	memset(t, 0, sizeof *t);
	t->fd = -1;
	return t;
}

/* See host.h. */
int host_check_core(struct host_machine *h, int core)
{
	if (core < 0 || core >= h->cpus)
		return host_fail(h, -EINVAL, "core %d: the machine has cores 0 to %d", core, h->cpus - 1);
	return 0;
}

/* Wait until the other end of channel fd is closed: the process's files
 * go after its memory (do_exit: exit_mm before exit_files), so then its
 * pages are no longer anyone's. Bounded by the reply timeout. */
static void await_hangup(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char c;
	for (;;) {
		int rc = poll(&p, 1, REPLY_TIMEOUT_MS);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0 || recv(fd, &c, 1, MSG_DONTWAIT) <= 0)
			return;                  /* hung up, or a timeout */
	}
}

/* See host.h. The process said it is dying (or died): we return once it
 * is dead, so that what is read next does not see its memory. */
void host_process_died(struct host_machine *h, struct host_task *t)
{
	int tgid = t->tgid;
	if (t->fd >= 0)
		await_hangup(t->fd);
	for (int i = 0; i < h->nr_tasks; i++) {
		struct host_task *u = &h->tasks[i];
		if (u->tgid != tgid || u->fd < 0)
			continue;
		close(u->fd);
		u->fd = -1;
		if (u->ours && u->pid == u->tgid)
			waitpid(u->pid, NULL, 0);
	}
}

/* Send q (and the payload, and pass_fd) on t's channel. 0 or -errno. */
static int send_request(struct host_task *t, const struct host_req *q, const void *payload, size_t plen,
			int pass_fd)
{
	struct iovec iov[2] = { { (void *)q, sizeof *q }, { (void *)payload, plen } };
	union {
		struct cmsghdr c;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = plen ? 2 : 1 };
	if (pass_fd >= 0) {
		memset(&u, 0, sizeof u);
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof u.buf;
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	ssize_t n;
	do
		n = sendmsg(t->fd, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

/* Wait for and receive the reply. Bytes received, 0 when the channel
 * closed, or -errno. */
static ssize_t receive_reply(struct host_task *t, struct host_reply *r, void *data, size_t cap)
{
	struct pollfd p = { t->fd, POLLIN, 0 };
	int rc;
	do
		rc = poll(&p, 1, REPLY_TIMEOUT_MS);
	while (rc < 0 && errno == EINTR);
	if (rc == 0)
		return -ETIMEDOUT;
	struct iovec iov[2] = { { r, sizeof *r }, { data, cap } };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = data ? 2 : 1 };
	ssize_t n;
	do
		n = recvmsg(t->fd, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == ECONNRESET)
		return 0;
	return n < 0 ? -errno : n;
}

/* See host.h. */
int host_call(struct host_machine *h, struct host_task *t, const struct host_req *q, const void *payload,
	      size_t plen, int pass_fd, struct host_reply *r, void *data, size_t cap)
{
	int pid = t->pid;
	int err = send_request(t, q, payload, plen, pass_fd);
	ssize_t n = err ? 0 : receive_reply(t, r, data, cap);
	if (n == -ETIMEDOUT) {
		kill(t->tgid, SIGKILL);
		host_process_died(h, t);
		return host_fail(h, -ETIMEDOUT, "pid %d: the helper did not answer in %d s; killed", pid,
				 REPLY_TIMEOUT_MS / 1000);
	}
	if (n < (ssize_t)sizeof *r || (r->kind != HOST_DONE && r->kind != HOST_FAULT && r->kind != HOST_READY)) {
		host_process_died(h, t);
		return host_fail(h, -ESRCH, "pid %d: the process is gone (its helper died)", pid);
	}
	if (r->kind == HOST_FAULT) {
		host_process_died(h, t);
		return -EFAULT;
	}
	return 0;
}

/* See host.h. */
int host_await_ready(struct host_machine *h, struct host_task *t)
{
	struct host_reply r;
	ssize_t n = receive_reply(t, &r, NULL, 0);
	if (n < (ssize_t)sizeof r || r.kind != HOST_READY) {
		if (n == -ETIMEDOUT)
			kill(t->pid, SIGKILL);
		host_process_died(h, t);
		return host_fail(h, -ECHILD, "spawn: the host helper did not start (%s)",
				 n == -ETIMEDOUT ? "no answer" : "it exited");
	}
	return 0;
}
