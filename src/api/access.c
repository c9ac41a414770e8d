/* api/access.c — a task's loads, stores and fetches through the MMU, and
 * the fatal signals they can raise. */
#include "api/api.h"
#include "host/host.h"

#include "kernel/fault.h"
#include "kernel/sched.h"
#include "kernel/task.h"

#include <errno.h>

static const char *const access_names[] = { "read", "write", "fetch" };

/* The task died of a fault: report it and let the signal kill the process,
 * as its default action does. */
static int fatal(mmsim_machine *m, struct task_struct *t, struct mmsim_fault *fault)
{
	struct siginfo si = t->fatal;
	if (fault)
		*fault = (struct mmsim_fault){ si.si_signo, si.si_code, si.si_addr, (int)si.trapno,
					       si.error_code };
	api_narrate_call(m, "pid %d (%s): killed by %s (%s) at %#llx", t->pid, t->comm,
			 mmsim_signal_name(si.si_signo), mmsim_sigcode_name(si.si_signo, si.si_code),
			 (unsigned long long)si.si_addr);
	api_fail(m, -EFAULT, "pid %d: %s (%s) at %#llx", t->pid, mmsim_signal_name(si.si_signo),
		 mmsim_sigcode_name(si.si_signo, si.si_code), (unsigned long long)si.si_addr);
	do_group_exit(&m->kernel, t, si.si_signo);
	return -EFAULT;
}

/* See mmsim.h. */
int mmsim_access(mmsim_machine *m, int pid, uint64_t addr, void *buf, size_t len,
		 enum mmsim_access kind, struct mmsim_fault *fault)
{
	if (m->host)
		return host_access(m->host, pid, addr, buf, len, kind, fault);
	struct task_struct *t = api_task(m, pid);
	if (!t)
		return -ESRCH;
	if ((unsigned)kind > MMSIM_FETCH)
		return api_fail(m, -EINVAL, "access kind %d: use read, write or fetch", (int)kind);
	api_narrate_call(m, "pid %d (%s) on CPU %d: %s %zu byte%s at %#llx", t->pid, t->comm, t->cpu,
			 access_names[kind], len, len == 1 ? "" : "s", (unsigned long long)addr);
	enum hw_access hk = kind == MMSIM_READ ? HW_READ : kind == MMSIM_WRITE ? HW_WRITE : HW_FETCH;
	int rc = task_access(&m->kernel, t, addr, buf, len, hk);
	if (rc == -EFAULT)
		return fatal(m, t, fault);
	return rc;
}

/* See mmsim.h. */
int mmsim_touch(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, enum mmsim_access kind,
		struct mmsim_fault *fault)
{
	if (m->host)
		return host_touch(m->host, pid, addr, len, kind, fault);
	for (uint64_t a = addr; a < addr + len && a >= addr; a = (a | 0xfff) + 1) {
		int rc = mmsim_access(m, pid, a, NULL, 1, kind, fault);   /* bytes stay */
		if (rc)
			return rc;
	}
	return 0;
}

/* See mmsim.h. */
const char *mmsim_signal_name(int signo)
{
	switch (signo) {
	case 0: return "none";
	case SIGBUS: return "SIGBUS";
	case SIGKILL: return "SIGKILL";
	case SIGSEGV: return "SIGSEGV";
	}
	return "SIG?";
}

/* See mmsim.h. */
const char *mmsim_sigcode_name(int signo, int code)
{
	if (code == SI_KERNEL)
		return "SI_KERNEL";
	if (signo == SIGSEGV)
		switch (code) {
		case SEGV_MAPERR: return "SEGV_MAPERR";
		case SEGV_ACCERR: return "SEGV_ACCERR";
		case SEGV_PKUERR: return "SEGV_PKUERR";
		}
	if (signo == SIGBUS && code == BUS_ADRERR)
		return "BUS_ADRERR";
	return "?";
}
