/* sim/process.c — the simulator's processes, threads and their memory
 * system calls. */
#include "sim/sim.h"

#include "kernel/fault.h"
#include "kernel/migrate.h"
#include "kernel/mman.h"
#include "kernel/mempolicy.h"
#include "kernel/mm.h"
#include "kernel/oom.h"
#include "kernel/pgtable.h"
#include "kernel/sched.h"
#include "kernel/task.h"

#include <errno.h>
#include <string.h>

/* See sim.h. */
struct task_struct *sim_task(struct sim_machine *s, int pid)
{
	if (s->kernel.panic_reason) {
		sim_fail(s, -ESRCH, "pid %d: the machine has stopped: Kernel panic - not syncing: %s", pid,
			 s->kernel.panic_reason);
		return NULL;
	}
	struct task_struct *t = pid > 0 ? find_task_by_pid(&s->kernel, pid) : NULL;
	if (!t || t->state != TASK_RUNNING) {
		sim_fail(s, -ESRCH, "no process or thread with pid %d", pid);
		return NULL;
	}
	return t;
}


/* A core number the machine has, or -EINVAL recorded on m. */
static int check_core(struct sim_machine *s, int core)
{
	if (core < 0 || core >= s->kernel.nr_cpus)
		return sim_fail(s, -EINVAL, "core %d: the machine has cores 0 to %d", core,
				s->kernel.nr_cpus - 1);
	return 0;
}

/* See sim.h. */
int sim_spawn(mmsim_machine *m, const char *name, int core)
{
	struct sim_machine *s = sim_machine(m);
	int err;
	if ((err = check_core(s, core)))
		return err;
	if (s->kernel.panic_reason)
		return sim_fail(s, -EIO, "spawn: the machine has stopped: Kernel panic - not syncing: %s",
				s->kernel.panic_reason);
	sim_narrate_call(s, "spawn(\"%s\") on CPU %d", name ? name : "a.out", core);
	struct task_struct *t = task_create_process(&s->kernel, name ? name : "a.out", core, &err);
	if (!t)
		return err;
	return t->pid;
}

/* See sim.h. */
int sim_thread(mmsim_machine *m, int pid, int core)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	int err;
	if (!t)
		return -ESRCH;
	if ((err = check_core(s, core))) {
		s->kernel.current = NULL;
		return err;
	}
	struct task_struct *th = task_create_thread(&s->kernel, t->group_leader, core, &err);
	return syscall_result(s, t, th ? th->pid : err);
}

/* See sim.h. */
int sim_fork(mmsim_machine *m, int pid, int core)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	int err;
	if (!t)
		return -ESRCH;
	if (core == -1)
		core = t->cpu;
	if ((err = check_core(s, core))) {
		s->kernel.current = NULL;
		return err;
	}
	sim_narrate_call(s, "pid %d: fork() to CPU %d", pid, core);
	struct task_struct *c = copy_process(&s->kernel, t, core, &err);
	return syscall_result(s, t, c ? c->pid : err);
}

/* See sim.h. */
int sim_exit(mmsim_machine *m, int pid, int code)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = sim_task(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_call(s, "pid %d: exit_group(%d)", pid, code);
	do_group_exit(&s->kernel, t, code);
	return 0;
}

/* See sim.h. */
int sim_run_on(mmsim_machine *m, int pid, int core)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = sim_task(s, pid);
	int err;
	if (!t)
		return -ESRCH;
	if ((err = check_core(s, core)))
		return err;
	sim_narrate_call(s, "pid %d: run on CPU %d", pid, core);
	return task_set_cpu(&s->kernel, t, core);
}

/* See sim.h. The writer is root (CAP_SYS_RESOURCE) or, unprivileged, the
 * process itself. */
int sim_set_oom_score_adj(mmsim_machine *m, int pid, int value, int flags)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = sim_task(s, pid);
	if (!t)
		return -ESRCH;
	bool privileged = !(flags & MMSIM_PROC_UNPRIVILEGED);
	sim_narrate_call(s, "pid %d: write %d to /proc/%d/oom_score_adj%s", pid, value, pid,
			 privileged ? " (as root)" : "");
	int err = __set_oom_adj(&s->kernel, t, value, privileged);
	if (err == -EINVAL)
		return sim_fail(s, err, "oom_score_adj %d: the range is %d to %d", value, OOM_SCORE_ADJ_MIN,
				OOM_SCORE_ADJ_MAX);
	if (err == -EACCES)
		return sim_fail(s, err, "oom_score_adj %d: below pid %d's least value %d without CAP_SYS_RESOURCE",
				value, pid, t->signal->oom_score_adj_min);
	return err;
}

/* See sim.h. */
int sim_task_info(mmsim_machine *m, int pid, struct mmsim_task_info *info)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = sim_task(s, pid);
	if (!t)
		return -ESRCH;
	memset(info, 0, sizeof *info);
	info->pid = t->pid;
	info->tgid = t->tgid;
	info->ppid = t->parent ? t->parent->tgid : t->group_leader->orphan ? 1 : 0;
	info->core = t->cpu;
	memcpy(info->comm, t->comm, sizeof info->comm);
	info->comm[sizeof info->comm - 1] = 0;
	for (struct task_struct *p = s->kernel.tasks; p; p = p->next_task)
		info->nr_threads += p->tgid == t->tgid && p->state == TASK_RUNNING;
	return 0;
}

/* See sim.h. */
int sim_tasks(mmsim_machine *m, int *pids, int max)
{
	struct sim_machine *s = sim_machine(m);
	int n = 0;
	for (struct task_struct *p = s->kernel.tasks; p; p = p->next_task)
		if (p->state == TASK_RUNNING) {
			if (n < max)
				pids[n] = p->pid;
			n++;
		}
	return n;
}

/* See sim.h. */
struct task_struct *syscall_enter(struct sim_machine *s, int pid)
{
	struct task_struct *t = sim_task(s, pid);
	if (t)
		s->kernel.current = t;
	return t;
}

/* See sim.h. */
int64_t syscall_result(struct sim_machine *s, struct task_struct *t, int64_t r)
{
	s->kernel.current = NULL;
	sim_narrate_result(s, r);
	if (s->kernel.kswapd_pending && t->state == TASK_RUNNING)
		exit_to_user_mode(&s->kernel, t->cpu);
	if (wb_due(&s->kernel))                       /* the flusher's work or timer */
		wb_workfn(&s->kernel);
	if (fatal_signal_pending(t)) {
		int pid = t->pid;
		t->fatal = (struct siginfo){ .si_signo = SIGKILL, .si_code = SI_KERNEL };
		do_group_exit(&s->kernel, t, SIGKILL);
		return sim_fail(s, -ESRCH, "pid %d was killed by SIGKILL during the call: the OOM killer chose it "
			       "(m:dmesg has the report)", pid);
	}
	return r;
}

/* See sim.h. */
int64_t sim_mmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned long prot,
		   unsigned long flags, int fd, uint64_t offset)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "mmap(%#llx, %llu, %s, %s, %d, %#llx)", (unsigned long long)addr,
			    (unsigned long long)len, sim_flags_text(s, "prot", prot, 0),
			    sim_flags_text(s, "map", flags, 1), fd, (unsigned long long)offset);
	return syscall_result(s, t, sys_mmap(&s->kernel, t, addr, len, prot, flags, fd, offset));
}

/* See sim.h. */
int64_t sim_munmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "munmap(%#llx, %llu)", (unsigned long long)addr, (unsigned long long)len);
	return syscall_result(s, t, do_munmap(&s->kernel, t, addr, len));
}

/* See sim.h. */
int64_t sim_mprotect(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned long prot)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "mprotect(%#llx, %llu, %s)", (unsigned long long)addr,
			    (unsigned long long)len, sim_flags_text(s, "prot", prot, 0));
	return syscall_result(s, t, do_mprotect_pkey(&s->kernel, t, addr, len, prot));
}

/* See sim.h. */
int64_t sim_mremap(mmsim_machine *m, int pid, uint64_t old_addr, uint64_t old_len, uint64_t new_len,
		     unsigned long flags, uint64_t new_addr)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "mremap(%#llx, %llu, %llu, %s, %#llx)", (unsigned long long)old_addr,
			    (unsigned long long)old_len, (unsigned long long)new_len,
			    sim_flags_text(s, "mremap", flags, 0), (unsigned long long)new_addr);
	return syscall_result(s, t, do_mremap(&s->kernel, t, old_addr, old_len, new_len, flags, new_addr));
}

/* See sim.h. */
int64_t sim_brk(mmsim_machine *m, int pid, uint64_t addr)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "brk(%#llx)", (unsigned long long)addr);
	return syscall_result(s, t, sys_brk(&s->kernel, t, addr));
}

/* See sim.h. */
int64_t sim_prctl_set_mm(mmsim_machine *m, int pid, int opt, uint64_t addr)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "prctl(PR_SET_MM, %d, %#llx, 0, 0)", opt, (unsigned long long)addr);
	return syscall_result(s, t, prctl_set_mm(&s->kernel, t, opt, addr));
}

/* See sim.h. */
int64_t sim_madvise(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int advice)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "madvise(%#llx, %llu, %s)", (unsigned long long)addr,
			    (unsigned long long)len, sim_flags_text(s, "madv", (unsigned long)advice, 0));
	return syscall_result(s, t, do_madvise(&s->kernel, t, addr, len, advice));
}

/* See sim.h. */
int64_t sim_mlock2(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned flags)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "mlock2(%#llx, %llu, %s)", (unsigned long long)addr,
			    (unsigned long long)len, sim_flags_text(s, "mlock", flags, 0));
	return syscall_result(s, t, do_mlock(&s->kernel, t, addr, len, flags));
}

/* See sim.h. */
int64_t sim_munlock(mmsim_machine *m, int pid, uint64_t addr, uint64_t len)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "munlock(%#llx, %llu)", (unsigned long long)addr, (unsigned long long)len);
	return syscall_result(s, t, sys_munlock(&s->kernel, t, addr, len));
}

/* See sim.h. */
int64_t sim_mlockall(mmsim_machine *m, int pid, int flags)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "mlockall(%s)", sim_flags_text(s, "mcl", (unsigned long)flags, 0));
	return syscall_result(s, t, sys_mlockall(&s->kernel, t, flags));
}

/* See sim.h. */
int64_t sim_munlockall(mmsim_machine *m, int pid)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "munlockall()");
	return syscall_result(s, t, sys_munlockall(&s->kernel, t));
}

/* See sim.h. */
int64_t sim_set_vma_anon_name(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, const char *name)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, %#llx, %llu, %s%s%s)",
			    (unsigned long long)addr, (unsigned long long)len, name ? "\"" : "",
			    name ? name : "NULL", name ? "\"" : "");
	return syscall_result(s, t, prctl_set_vma(&s->kernel, t, addr, len, name));
}

/* See sim.h. */
int sim_virt_to_phys(mmsim_machine *m, int pid, uint64_t va, uint64_t *pa)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = sim_task(s, pid);
	if (!t)
		return -ESRCH;
	uint64_t e;
	int level = pgtable_lookup(&s->kernel, t->mm, va, &e);
	if (level < 0)
		return sim_fail(s, -ENOENT, "%#llx is not mapped in pid %d", (unsigned long long)va, pid);
	uint64_t shift = 12 + 9 * (uint64_t)(level - 1);
	*pa = (e & HW_PTE_ADDR_MASK & ~((1ULL << shift) - 1)) | (va & ((1ULL << shift) - 1));
	return 0;
}

/* See sim.h. */
int sim_migrate_page(mmsim_machine *m, int pid, uint64_t va, uint64_t *pfn)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = sim_task(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_call(s, "pid %d: migrate the page at %#llx", pid, (unsigned long long)va);
	int err = migrate_page_at(&s->kernel, t->mm, va, pfn);
	if (err == -EFAULT)
		return sim_fail(s, err, "%#llx maps no page that can move in pid %d", (unsigned long long)va, pid);
	if (err == -EBUSY)
		return sim_fail(s, err, "the page at %#llx cannot move now (a huge page, or referenced beyond "
				"its mappings)", (unsigned long long)va);
	if (err == -ENOMEM)
		return sim_fail(s, err, "no free frame to migrate the page at %#llx to", (unsigned long long)va);
	return err;
}

/* ---- file system calls (kernel/open.c, fdtable.c) ------------------------------- */

/* A path for narration: quoted, or NULL. */
#define QUOTED(p) (p) ? "\"" : "", (p) ? (p) : "NULL", (p) ? "\"" : ""

/* See sim.h. */
int sim_open(mmsim_machine *m, int pid, const char *path, unsigned flags, unsigned mode)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "open(%s%s%s, %s, %#o)", QUOTED(path), sim_flags_text(s, "open", flags, 0), mode);
	return (int)syscall_result(s, t, path ? do_sys_open(&s->kernel, t, path, flags, mode) : -EFAULT);
}

/* See sim.h. */
int sim_close(mmsim_machine *m, int pid, int fd)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "close(%d)", fd);
	return (int)syscall_result(s, t, close_fd(&s->kernel, t, fd));
}

/* See sim.h. */
int sim_dup(mmsim_machine *m, int pid, int fd)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "dup(%d)", fd);
	return (int)syscall_result(s, t, ksys_dup(&s->kernel, t, fd));
}

/* See sim.h. */
int64_t sim_pread(mmsim_machine *m, int pid, int fd, void *buf, uint64_t len, int64_t offset)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "pread64(%d, buf, %llu, %lld)", fd, (unsigned long long)len, (long long)offset);
	return syscall_result(s, t, ksys_pread64(&s->kernel, t, fd, buf, len, offset));
}

/* See sim.h. */
int64_t sim_pwrite(mmsim_machine *m, int pid, int fd, const void *buf, uint64_t len, int64_t offset)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "pwrite64(%d, buf, %llu, %lld)", fd, (unsigned long long)len, (long long)offset);
	return syscall_result(s, t, ksys_pwrite64(&s->kernel, t, fd, buf, len, offset));
}

/* See sim.h. */
int sim_ftruncate(mmsim_machine *m, int pid, int fd, int64_t length)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "ftruncate(%d, %lld)", fd, (long long)length);
	return (int)syscall_result(s, t, do_sys_ftruncate(&s->kernel, t, fd, length));
}

/* See sim.h. */
int sim_unlink(mmsim_machine *m, int pid, const char *path)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "unlink(%s%s%s)", QUOTED(path));
	return (int)syscall_result(s, t, path ? do_unlinkat(&s->kernel, t, path) : -EFAULT);
}

/* See sim.h. */
int sim_fstat(mmsim_machine *m, int pid, int fd, struct mmsim_file_stat *st)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "fstat(%d)", fd);
	struct kstat k;
	int r = vfs_fstat(&s->kernel, t, fd, &k);
	if (!r)
		*st = (struct mmsim_file_stat){ k.dev_major, k.dev_minor, k.ino, k.mode, k.nlink, k.size,
						k.blocks, k.blksize, k.rdev_major, k.rdev_minor };
	return (int)syscall_result(s, t, r);
}

/* See sim.h. */
int sim_memfd_create(mmsim_machine *m, int pid, const char *name, unsigned flags)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "memfd_create(%s%s%s, %s)", QUOTED(name), sim_flags_text(s, "mfd", flags, 0));
	return (int)syscall_result(s, t, sys_memfd_create(&s->kernel, t, name, flags));
}

/* See sim.h. */
int sim_fsync(mmsim_machine *m, int pid, int fd, int datasync)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "%s(%d)", datasync ? "fdatasync" : "fsync", fd);
	return (int)syscall_result(s, t, do_fsync(&s->kernel, t, fd, datasync));
}

/* See sim.h. */
int sim_fadvise(mmsim_machine *m, int pid, int fd, int64_t offset, int64_t len, int advice)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "fadvise64(%d, %lld, %lld, %d)", fd, (long long)offset, (long long)len, advice);
	return (int)syscall_result(s, t, ksys_fadvise64_64(&s->kernel, t, fd, offset, len, advice));
}

/* See sim.h. */
int64_t sim_msync(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int flags)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "msync(%#llx, %llu, %s)", (unsigned long long)addr, (unsigned long long)len,
			    sim_flags_text(s, "ms", (unsigned long)flags, 0));
	return syscall_result(s, t, ksys_msync(&s->kernel, t, addr, len, flags));
}

/* See sim.h. */
int sim_mincore(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned char *vec)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "mincore(%#llx, %llu, vec)", (unsigned long long)addr, (unsigned long long)len);
	return (int)syscall_result(s, t, sys_mincore(&s->kernel, t, addr, len, vec));
}

/* See sim.h. */
int sim_set_mempolicy(mmsim_machine *m, int pid, int mode, const uint64_t *nmask, uint64_t maxnode)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "set_mempolicy(%s, mask, %llu)", sim_flags_text(s, "mpol", (unsigned long)mode, 0),
			    (unsigned long long)maxnode);
	return (int)syscall_result(s, t, sys_set_mempolicy(&s->kernel, t, mode, nmask, maxnode));
}

/* See sim.h. */
int sim_get_mempolicy(mmsim_machine *m, int pid, int *policy, uint64_t *nmask, uint64_t maxnode, uint64_t addr,
		      unsigned flags)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = syscall_enter(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_syscall(s, t, "get_mempolicy(policy, mask, %llu, %#llx, %s)", (unsigned long long)maxnode,
			    (unsigned long long)addr, sim_flags_text(s, "mpol_get", flags, 0));
	return (int)syscall_result(s, t, sys_get_mempolicy(&s->kernel, t, policy, nmask, maxnode, addr, flags));
}
