/*
 * host/host.h — the host backend: a machine whose processes are real
 * processes of this Linux machine. Each task (process or thread) is a thread
 * of a helper program (src/host/helper/) that carries out the script's
 * operations on request over its own channel. src/api dispatches to these
 * functions when a machine was made with mmsim_host_new; they take and
 * return what the mmsim_* functions of the same names do, and write their
 * failure message into the machine's last-error buffer.
 */
#ifndef MMSIM_HOST_HOST_H
#define MMSIM_HOST_HOST_H

#include "host/protocol.h"
#include "mmsim.h"

#include <stdbool.h>
#include <stddef.h>

/* A real task behind a pid of the machine. */
struct host_task {
	int pid, tgid, ppid;           /* real ids; ppid 0 for a spawned process */
	int fd;                        /* its channel; -1 once it is dead */
	int core;                      /* the CPU it is pinned to */
	bool ours;                     /* our child: we reap it */
};

struct host_machine {
	int image_fd;                  /* the helper program to execute */
	int aslr;                      /* 0: personality ADDR_NO_RANDOMIZE */
	int cpus;                      /* CPUs online: the cores */
	struct host_task *tasks;
	int nr_tasks, cap_tasks;
	char *err;                     /* the machine's last-error buffer */
	size_t errlen;
	uint8_t *io;                   /* a reply's bytes (HOST_CHUNK) */
};

/* host.c: the machine and the channels. */
int host_new(const char *const *options, char *err, size_t errlen, struct host_machine **out);
void host_free(struct host_machine *h);
int host_fail(struct host_machine *h, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The live task pid, or NULL with -ESRCH recorded. */
struct host_task *host_task(struct host_machine *h, int pid);
/* Send a request (with payload and a descriptor to pass, or -1) and wait
 * for the reply; bytes after it go to data (at most cap). 0, or -ESRCH
 * when the task is dead; -EFAULT when the reply reports a fatal signal
 * (the task's process is then marked dead). */
int host_call(struct host_machine *h, struct host_task *t, const struct host_req *q, const void *payload,
	      size_t plen, int pass_fd, struct host_reply *r, void *data, size_t cap);
/* Wait for a new helper's READY; 0, or -ECHILD recorded when it died. */
int host_await_ready(struct host_machine *h, struct host_task *t);
/* The process of t is gone: mark all its tasks dead, reap it if ours. */
void host_process_died(struct host_machine *h, struct host_task *t);
/* A new task entry (NULL when out of memory). */
struct host_task *host_add_task(struct host_machine *h);
/* A core this machine has, or -EINVAL recorded. */
int host_check_core(struct host_machine *h, int core);

/* task.c: processes and threads. */
int host_spawn(struct host_machine *h, const char *name, int core);
int host_thread(struct host_machine *h, int pid, int core);
int host_fork(struct host_machine *h, int pid, int core);
int host_exit(struct host_machine *h, int pid, int code);
int host_run_on(struct host_machine *h, int pid, int core);
int host_task_info(struct host_machine *h, int pid, struct mmsim_task_info *info);
int host_tasks(struct host_machine *h, int *pids, int max);
int host_task_stats(struct host_machine *h, int pid, struct mmsim_stat *out, size_t max);

/* mm.c: system calls and accesses. name is the call's name for messages. */
int64_t host_syscall(struct host_machine *h, int pid, enum host_op op, const char *name,
		     const uint64_t args[6]);
int64_t host_set_vma_anon_name(struct host_machine *h, int pid, uint64_t addr, uint64_t len,
			       const char *name);
int host_access(struct host_machine *h, int pid, uint64_t addr, void *buf, size_t len,
		enum mmsim_access kind, struct mmsim_fault *fault);
int host_touch(struct host_machine *h, int pid, uint64_t addr, uint64_t len, enum mmsim_access kind,
	       struct mmsim_fault *fault);

/* proc.c: the real /proc and /sys, and what is read from them. */
int host_proc_read(struct host_machine *h, const char *path, char **text, size_t *len);
int64_t host_proc_pread(struct host_machine *h, const char *path, uint64_t offset, void *buf, size_t len,
			int flags);
int host_virt_to_phys(struct host_machine *h, int pid, uint64_t va, uint64_t *pa);
int host_vmstat(struct host_machine *h, const char *name, uint64_t *value);
size_t host_machine_stats(struct host_machine *h, struct mmsim_stat *out, size_t max);
int host_sysctl_get(struct host_machine *h, const char *name, char *buf, size_t len);
int host_config_get(struct host_machine *h, const char *key, char *buf, size_t len);
/* The whole of a file into a malloc'd NUL-terminated buffer. 0 or -errno. */
int host_read_file(const char *path, char **text, size_t *len);

/* probe.c: what the host's kernel is set to. */
int host_probe(struct mmsim_host_settings *s, char *err, size_t errlen);

#endif
