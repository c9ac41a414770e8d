/*
 * host/host.h — the host backend: a machine whose processes are real
 * processes of this Linux machine. Each task (process or thread) is a thread
 * of a helper program (src/host/helper/) that carries out the script's
 * operations on request over its own channel. The operations of the
 * backend interface (api/backend.h) take and return what the mmsim_*
 * functions of the same names do; the table is in host.c.
 */
#ifndef MMSIM_HOST_HOST_H
#define MMSIM_HOST_HOST_H

#include "api/backend.h"
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

/* Where the host backend keeps a script's files of the simulated disk
 * filesystem ("/NAME"): a directory of the run's own in it. */
#define HOST_DISK_DIR "/var/tmp"

struct host_machine {
	struct mmsim_machine base;     /* first: see api/backend.h */
	int image_fd;                  /* the helper program to execute */
	int aslr;                      /* 0: personality ADDR_NO_RANDOMIZE */
	int cpus;                      /* the CPUs this process may use: the cores */
	int *core_cpu;                 /* core i runs on CPU core_cpu[i] */
	struct host_task *tasks;
	int nr_tasks, cap_tasks;
	uint8_t *io;                   /* a reply's bytes (HOST_CHUNK) */
	char files_dir[32];            /* the run's /dev/shm/mmsim-XXXXXX, "" until a file call */
	char disk_dir[32];             /* the run's /var/tmp/mmsim-XXXXXX for "/NAME", "" until used */
	char memcg_dir[96];            /* the processes' memory cgroup (memory_max=), "" for none */
	int memcg_version;             /* its cgroup version: 1 or 2 */
	uint64_t memory_max;           /* the limit asked for, 0: none */
};

_Static_assert(offsetof(struct host_machine, base) == 0, "the handle is the machine");

/* The host machine behind a handle of this backend. */
static inline struct host_machine *host_machine(mmsim_machine *m)
{
	return (struct host_machine *)m;
}

/* memcg.c: the memory limit of mmsim.host{memory_max=}. */
/* Which memory cgroup controller this process may use: 2 (v2) or 1 (v1),
 * with its mount in base; 0 for none. */
int host_memcg_version(char *base, size_t len);
/* Make the machine's cgroup with a limit of bytes. 0, or -errno with why. */
int host_memcg_create(struct host_machine *h, uint64_t bytes, char *why, size_t whylen);
/* Move the calling process into it (the spawned helper, before its exec).
 * 0 or -errno. */
int host_memcg_join(const struct host_machine *h);
/* Remove it (after its processes are gone). */
void host_memcg_remove(struct host_machine *h);

/* host.c: the machine and the channels. */
/* Record a failure on h (backend_fail) and return err. */
#define host_fail(h, ...) backend_fail(&(h)->base, __VA_ARGS__)
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
/* The whole of a file into a malloc'd NUL-terminated buffer. 0 or -errno. */
int host_read_file(const char *path, char **text, size_t *len);

/* ---- the operations (struct mmsim_backend), by file ---------------------- */

/* task.c: processes and threads. */
int host_spawn(mmsim_machine *m, const char *name, int core);
int host_thread(mmsim_machine *m, int pid, int core);
int host_fork(mmsim_machine *m, int pid, int core);
int host_exit(mmsim_machine *m, int pid, int code);
int host_run_on(mmsim_machine *m, int pid, int core);
int host_set_oom_score_adj(mmsim_machine *m, int pid, int value, int flags);
int host_task_info(mmsim_machine *m, int pid, struct mmsim_task_info *info);
int host_tasks(mmsim_machine *m, int *pids, int max);
int host_task_stats(mmsim_machine *m, int pid, struct mmsim_stat *out, size_t max);

/* mm.c: system calls and accesses, each carried out by the task's helper. */
int64_t host_mmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned long prot,
		  unsigned long flags, int fd, uint64_t offset);
int64_t host_munmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len);
int64_t host_mprotect(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned long prot);
int64_t host_mremap(mmsim_machine *m, int pid, uint64_t old_addr, uint64_t old_len, uint64_t new_len,
		    unsigned long flags, uint64_t new_addr);
int64_t host_brk(mmsim_machine *m, int pid, uint64_t addr);
int64_t host_madvise(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int advice);
int64_t host_mlock2(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned flags);
int64_t host_munlock(mmsim_machine *m, int pid, uint64_t addr, uint64_t len);
int64_t host_mlockall(mmsim_machine *m, int pid, int flags);
int64_t host_munlockall(mmsim_machine *m, int pid);
int64_t host_set_vma_anon_name(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, const char *name);

/* mm.c: request op of task pid with args and payload (plen bytes, at most
 * HOST_CHUNK); the reply's bytes to data (at most cap). The call's result,
 * or a negative errno (-ESRCH for a dead task). */
int64_t host_request(mmsim_machine *m, int pid, enum host_op op, const uint64_t args[6], const void *payload,
		     size_t plen, void *data, size_t cap);

/* file.c: the file system calls, in the run's own directory on /dev/shm. */
int host_open(mmsim_machine *m, int pid, const char *path, unsigned flags, unsigned mode);
int host_close(mmsim_machine *m, int pid, int fd);
int host_dup(mmsim_machine *m, int pid, int fd);
int64_t host_pread(mmsim_machine *m, int pid, int fd, void *buf, uint64_t len, int64_t offset);
int64_t host_pwrite(mmsim_machine *m, int pid, int fd, const void *buf, uint64_t len, int64_t offset);
int host_ftruncate(mmsim_machine *m, int pid, int fd, int64_t length);
int host_unlink(mmsim_machine *m, int pid, const char *path);
int host_fstat(mmsim_machine *m, int pid, int fd, struct mmsim_file_stat *st);
int host_memfd_create(mmsim_machine *m, int pid, const char *name, unsigned flags);
int host_fsync(mmsim_machine *m, int pid, int fd, int datasync);
int host_mincore(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned char *vec);
int host_set_mempolicy(mmsim_machine *m, int pid, int mode, const uint64_t *nmask, uint64_t maxnode);
int host_get_mempolicy(mmsim_machine *m, int pid, int *policy, uint64_t *nmask, uint64_t maxnode, uint64_t addr,
		       unsigned flags);
int host_sleep(mmsim_machine *m, uint64_t ms);
int64_t host_msync(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int flags);
int host_fadvise(mmsim_machine *m, int pid, int fd, int64_t offset, int64_t len, int advice);
/* Remove the run's directory and every file in it (host_free does). */
void host_files_remove(struct host_machine *h);
int host_access(mmsim_machine *m, int pid, uint64_t addr, void *buf, size_t len, enum mmsim_access kind,
		struct mmsim_fault *fault);
int host_touch(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, enum mmsim_access kind,
	       struct mmsim_fault *fault);

/* proc.c: the real /proc and /sys, and what is read from them. */
int host_proc_read(mmsim_machine *m, const char *path, char **text, size_t *len);
int64_t host_proc_pread(mmsim_machine *m, const char *path, uint64_t offset, void *buf, size_t len,
			int flags);
int host_virt_to_phys(mmsim_machine *m, int pid, uint64_t va, uint64_t *pa);
int host_vmstat(mmsim_machine *m, const char *name, uint64_t *value);

/* pagemap.c */
int64_t host_pagemap_scan(mmsim_machine *m, int pid, uint64_t start, uint64_t end, struct mmsim_page_run *runs,
			  size_t max, uint64_t *walk_end);
size_t host_machine_stats(mmsim_machine *m, struct mmsim_stat *out, size_t max);
int host_sysctl_get(mmsim_machine *m, const char *name, char *buf, size_t len);
int host_config_get(const mmsim_machine *m, const char *key, char *buf, size_t len);

#endif
