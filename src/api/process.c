/* api/process.c — processes, threads and their memory system calls. */
#include "api/api.h"
#include "host/host.h"

#include "kernel/fault.h"
#include "kernel/mman.h"
#include "kernel/mm.h"
#include "kernel/pgtable.h"
#include "kernel/sched.h"
#include "kernel/task.h"

#include <errno.h>
#include <string.h>

/* See api.h. */
struct task_struct *api_task(mmsim_machine *m, int pid)
{
	struct task_struct *t = pid > 0 ? find_task_by_pid(&m->kernel, pid) : NULL;
	if (!t || t->state != TASK_RUNNING) {
		api_fail(m, -ESRCH, "no process or thread with pid %d", pid);
		return NULL;
	}
	return t;
}

/* A core number the machine has, or -EINVAL recorded on m. */
static int check_core(mmsim_machine *m, int core)
{
	if (core < 0 || core >= m->kernel.nr_cpus)
		return api_fail(m, -EINVAL, "core %d: the machine has cores 0 to %d", core,
				m->kernel.nr_cpus - 1);
	return 0;
}

/* See mmsim.h. */
int mmsim_spawn(mmsim_machine *m, const char *name, int core)
{
	if (m->host)
		return host_spawn(m->host, name, core);
	int err;
	if ((err = check_core(m, core)))
		return err;
	api_narrate_call(m, "spawn(\"%s\") on CPU %d", name ? name : "a.out", core);
	struct task_struct *t = task_create_process(&m->kernel, name ? name : "a.out", core, &err);
	if (!t)
		return api_fail(m, err, "spawn: %s", mmsim_strerror(err));
	return t->pid;
}

/* See mmsim.h. */
int mmsim_thread(mmsim_machine *m, int pid, int core)
{
	if (m->host)
		return host_thread(m->host, pid, core);
	struct task_struct *t = api_task(m, pid);
	int err;
	if (!t)
		return -ESRCH;
	if ((err = check_core(m, core)))
		return err;
	struct task_struct *th = task_create_thread(&m->kernel, t->group_leader, core, &err);
	if (!th)
		return api_fail(m, err, "thread: %s", mmsim_strerror(err));
	return th->pid;
}

/* See mmsim.h. */
int mmsim_fork(mmsim_machine *m, int pid, int core)
{
	if (m->host)
		return host_fork(m->host, pid, core);
	struct task_struct *t = api_task(m, pid);
	int err;
	if (!t)
		return -ESRCH;
	if (core == -1)
		core = t->cpu;
	if ((err = check_core(m, core)))
		return err;
	api_narrate_call(m, "pid %d: fork() to CPU %d", pid, core);
	struct task_struct *c = copy_process(&m->kernel, t, core, &err);
	if (!c)
		return api_fail(m, err, "fork: %s", mmsim_strerror(err));
	return c->pid;
}

/* See mmsim.h. */
int mmsim_exit(mmsim_machine *m, int pid, int code)
{
	if (m->host)
		return host_exit(m->host, pid, code);
	struct task_struct *t = api_task(m, pid);
	if (!t)
		return -ESRCH;
	api_narrate_call(m, "pid %d: exit_group(%d)", pid, code);
	do_group_exit(&m->kernel, t, code);
	return 0;
}

/* See mmsim.h. */
int mmsim_run_on(mmsim_machine *m, int pid, int core)
{
	if (m->host)
		return host_run_on(m->host, pid, core);
	struct task_struct *t = api_task(m, pid);
	int err;
	if (!t)
		return -ESRCH;
	if ((err = check_core(m, core)))
		return err;
	api_narrate_call(m, "pid %d: run on CPU %d", pid, core);
	return task_set_cpu(&m->kernel, t, core);
}

/* See mmsim.h. */
int mmsim_task_info(mmsim_machine *m, int pid, struct mmsim_task_info *info)
{
	if (m->host)
		return host_task_info(m->host, pid, info);
	struct task_struct *t = api_task(m, pid);
	if (!t)
		return -ESRCH;
	memset(info, 0, sizeof *info);
	info->pid = t->pid;
	info->tgid = t->tgid;
	info->ppid = t->parent ? t->parent->tgid : t->group_leader->orphan ? 1 : 0;
	info->core = t->cpu;
	memcpy(info->comm, t->comm, sizeof info->comm);
	info->comm[sizeof info->comm - 1] = 0;
	for (struct task_struct *p = m->kernel.tasks; p; p = p->next_task)
		info->nr_threads += p->tgid == t->tgid && p->state == TASK_RUNNING;
	return 0;
}

/* See mmsim.h. */
int mmsim_tasks(mmsim_machine *m, int *pids, int max)
{
	if (m->host)
		return host_tasks(m->host, pids, max);
	int n = 0;
	for (struct task_struct *p = m->kernel.tasks; p; p = p->next_task)
		if (p->state == TASK_RUNNING) {
			if (n < max)
				pids[n] = p->pid;
			n++;
		}
	return n;
}

/* The result of a system call: recorded as the last error when it failed,
 * narrated when explain is on. */
static int64_t syscall_result(mmsim_machine *m, const char *call, int64_t r)
{
	if (r < 0 && r >= -4095)
		api_fail(m, (int)r, "%s: %s", call, mmsim_strerror((int)r));
	api_narrate_result(m, r);
	return r;
}

/* See mmsim.h. */
int64_t mmsim_mmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned long prot,
		   unsigned long flags, int fd, uint64_t offset)
{
	if (m->host)
		return host_syscall(m->host, pid, HOST_OP_MMAP, "mmap", (uint64_t[6]){ addr, len, prot, flags, (uint64_t)fd, offset });
	struct task_struct *t = api_task(m, pid);
	if (!t)
		return -ESRCH;
	api_narrate_syscall(m, t, "mmap(%#llx, %llu, %s, %s, %d, %#llx)", (unsigned long long)addr,
			    (unsigned long long)len, api_flags_text(m, "prot", prot, 0),
			    api_flags_text(m, "map", flags, 1), fd, (unsigned long long)offset);
	return syscall_result(m, "mmap", sys_mmap(&m->kernel, t, addr, len, prot, flags, fd, offset));
}

/* See mmsim.h. */
int64_t mmsim_munmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len)
{
	if (m->host)
		return host_syscall(m->host, pid, HOST_OP_MUNMAP, "munmap", (uint64_t[6]){ addr, len });
	struct task_struct *t = api_task(m, pid);
	if (!t)
		return -ESRCH;
	api_narrate_syscall(m, t, "munmap(%#llx, %llu)", (unsigned long long)addr, (unsigned long long)len);
	return syscall_result(m, "munmap", do_munmap(&m->kernel, t, addr, len));
}

/* See mmsim.h. */
int64_t mmsim_mprotect(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned long prot)
{
	if (m->host)
		return host_syscall(m->host, pid, HOST_OP_MPROTECT, "mprotect", (uint64_t[6]){ addr, len, prot });
	struct task_struct *t = api_task(m, pid);
	if (!t)
		return -ESRCH;
	api_narrate_syscall(m, t, "mprotect(%#llx, %llu, %s)", (unsigned long long)addr,
			    (unsigned long long)len, api_flags_text(m, "prot", prot, 0));
	return syscall_result(m, "mprotect", do_mprotect_pkey(&m->kernel, t, addr, len, prot));
}

/* See mmsim.h. */
int64_t mmsim_mremap(mmsim_machine *m, int pid, uint64_t old_addr, uint64_t old_len, uint64_t new_len,
		     unsigned long flags, uint64_t new_addr)
{
	if (m->host)
		return host_syscall(m->host, pid, HOST_OP_MREMAP, "mremap", (uint64_t[6]){ old_addr, old_len, new_len, flags, new_addr });
	struct task_struct *t = api_task(m, pid);
	if (!t)
		return -ESRCH;
	api_narrate_syscall(m, t, "mremap(%#llx, %llu, %llu, %s, %#llx)", (unsigned long long)old_addr,
			    (unsigned long long)old_len, (unsigned long long)new_len,
			    api_flags_text(m, "mremap", flags, 0), (unsigned long long)new_addr);
	return syscall_result(m, "mremap",
			      do_mremap(&m->kernel, t, old_addr, old_len, new_len, flags, new_addr));
}

/* See mmsim.h. */
int64_t mmsim_brk(mmsim_machine *m, int pid, uint64_t addr)
{
	if (m->host)
		return host_syscall(m->host, pid, HOST_OP_BRK, "brk", (uint64_t[6]){ addr });
	struct task_struct *t = api_task(m, pid);
	if (!t)
		return -ESRCH;
	api_narrate_syscall(m, t, "brk(%#llx)", (unsigned long long)addr);
	int64_t r = sys_brk(&m->kernel, t, addr);
	api_narrate_result(m, r);
	return r;
}

/* See mmsim.h. */
int64_t mmsim_madvise(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int advice)
{
	if (m->host)
		return host_syscall(m->host, pid, HOST_OP_MADVISE, "madvise", (uint64_t[6]){ addr, len, (uint64_t)advice });
	struct task_struct *t = api_task(m, pid);
	if (!t)
		return -ESRCH;
	api_narrate_syscall(m, t, "madvise(%#llx, %llu, %s)", (unsigned long long)addr,
			    (unsigned long long)len, api_flags_text(m, "madv", (unsigned long)advice, 0));
	return syscall_result(m, "madvise", do_madvise(&m->kernel, t, addr, len, advice));
}

/* See mmsim.h. */
int64_t mmsim_mlock(mmsim_machine *m, int pid, uint64_t addr, uint64_t len)
{
	return mmsim_mlock2(m, pid, addr, len, 0);
}

/* See mmsim.h. */
int64_t mmsim_mlock2(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned flags)
{
	if (m->host)
		return host_syscall(m->host, pid, HOST_OP_MLOCK2, "mlock", (uint64_t[6]){ addr, len, flags });
	struct task_struct *t = api_task(m, pid);
	if (!t)
		return -ESRCH;
	api_narrate_syscall(m, t, "mlock2(%#llx, %llu, %s)", (unsigned long long)addr,
			    (unsigned long long)len, api_flags_text(m, "mlock", flags, 0));
	return syscall_result(m, "mlock", do_mlock(&m->kernel, t, addr, len, flags));
}

/* See mmsim.h. */
int64_t mmsim_munlock(mmsim_machine *m, int pid, uint64_t addr, uint64_t len)
{
	if (m->host)
		return host_syscall(m->host, pid, HOST_OP_MUNLOCK, "munlock", (uint64_t[6]){ addr, len });
	struct task_struct *t = api_task(m, pid);
	if (!t)
		return -ESRCH;
	api_narrate_syscall(m, t, "munlock(%#llx, %llu)", (unsigned long long)addr, (unsigned long long)len);
	return syscall_result(m, "munlock", sys_munlock(&m->kernel, t, addr, len));
}

/* See mmsim.h. */
int64_t mmsim_mlockall(mmsim_machine *m, int pid, int flags)
{
	if (m->host)
		return host_syscall(m->host, pid, HOST_OP_MLOCKALL, "mlockall", (uint64_t[6]){ (uint64_t)flags });
	struct task_struct *t = api_task(m, pid);
	if (!t)
		return -ESRCH;
	api_narrate_syscall(m, t, "mlockall(%s)", api_flags_text(m, "mcl", (unsigned long)flags, 0));
	return syscall_result(m, "mlockall", sys_mlockall(&m->kernel, t, flags));
}

/* See mmsim.h. */
int64_t mmsim_munlockall(mmsim_machine *m, int pid)
{
	if (m->host)
		return host_syscall(m->host, pid, HOST_OP_MUNLOCKALL, "munlockall", (uint64_t[6]){ 0 });
	struct task_struct *t = api_task(m, pid);
	if (!t)
		return -ESRCH;
	api_narrate_syscall(m, t, "munlockall()");
	return syscall_result(m, "munlockall", sys_munlockall(&m->kernel, t));
}

/* See mmsim.h. */
int64_t mmsim_set_vma_anon_name(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, const char *name)
{
	if (m->host)
		return host_set_vma_anon_name(m->host, pid, addr, len, name);
	struct task_struct *t = api_task(m, pid);
	if (!t)
		return -ESRCH;
	api_narrate_syscall(m, t, "prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, %#llx, %llu, %s%s%s)",
			    (unsigned long long)addr, (unsigned long long)len, name ? "\"" : "",
			    name ? name : "NULL", name ? "\"" : "");
	return syscall_result(m, "prctl", prctl_set_vma(&m->kernel, t, addr, len, name));
}

/* See mmsim.h. */
int mmsim_virt_to_phys(mmsim_machine *m, int pid, uint64_t va, uint64_t *pa)
{
	if (m->host)
		return host_virt_to_phys(m->host, pid, va, pa);
	struct task_struct *t = api_task(m, pid);
	if (!t)
		return -ESRCH;
	uint64_t e;
	int level = pgtable_lookup(&m->kernel, t->mm, va, &e);
	if (level < 0)
		return api_fail(m, -ENOENT, "%#llx is not mapped in pid %d", (unsigned long long)va, pid);
	uint64_t shift = 12 + 9 * (uint64_t)(level - 1);
	*pa = (e & HW_PTE_ADDR_MASK & ~((1ULL << shift) - 1)) | (va & ((1ULL << shift) - 1));
	return 0;
}
