/* sim/access.c — a task's loads, stores and fetches through the MMU, and
 * the fatal signals they can raise. */
#include "sim/sim.h"

#include "kernel/fault.h"
#include "kernel/sched.h"
#include "kernel/task.h"

#include <errno.h>
#include <stddef.h>

static const char *const access_names[] = { "read", "write", "fetch" };

/* The task died of a fault: report it in *fault and let the signal kill
 * the process, as its default action does. */
static int fatal(struct sim_machine *s, struct task_struct *t, struct mmsim_fault *fault)
{
	struct siginfo si = t->fatal;
	*fault = (struct mmsim_fault){ si.si_signo, si.si_code, si.si_addr, (int)si.trapno, si.error_code };
	sim_narrate_call(s, "pid %d (%s): killed by %s (%s) at %#llx", t->pid, t->comm,
			 mmsim_signal_name(si.si_signo), mmsim_sigcode_name(si.si_signo, si.si_code),
			 (unsigned long long)si.si_addr);
	do_group_exit(&s->kernel, t, si.si_signo);
	return -EFAULT;
}

/* See sim.h. */
int sim_access(mmsim_machine *m, int pid, uint64_t addr, void *buf, size_t len, enum mmsim_access kind,
	       struct mmsim_fault *fault)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = sim_task(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_call(s, "pid %d (%s) on CPU %d: %s %zu byte%s at %#llx", t->pid, t->comm, t->cpu,
			 access_names[kind], len, len == 1 ? "" : "s", (unsigned long long)addr);
	enum hw_access hk = kind == MMSIM_READ ? HW_READ : kind == MMSIM_WRITE ? HW_WRITE : HW_FETCH;
	int rc = task_access(&s->kernel, t, addr, buf, len, hk);
	if (rc == -EFAULT)
		return fatal(s, t, fault);
	if (rc == -EIO && s->kernel.panic_reason)
		return sim_fail(s, -EIO, "pid %d: no memory for the %s at %#llx and no process to kill: Kernel panic - "
			       "not syncing: %s (m:dmesg has the report; the machine has stopped)", pid,
			       access_names[kind], (unsigned long long)addr, s->kernel.panic_reason);
	return rc;
}

/* See sim.h. */
int sim_touch(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, enum mmsim_access kind,
	      struct mmsim_fault *fault)
{
	for (uint64_t a = addr; a < addr + len && a >= addr; a = (a | 0xfff) + 1) {
		int rc = sim_access(m, pid, a, NULL, 1, kind, fault);   /* bytes stay */
		if (rc)
			return rc;
	}
	return 0;
}

/* The public ref and the kernel's are the same 16 bytes. */
_Static_assert(sizeof(struct mmsim_ref) == sizeof(struct user_ref) &&
	       offsetof(struct mmsim_ref, addr) == offsetof(struct user_ref, addr) &&
	       offsetof(struct mmsim_ref, size) == offsetof(struct user_ref, len) &&
	       offsetof(struct mmsim_ref, kind) == offsetof(struct user_ref, kind) &&
	       offsetof(struct mmsim_ref, flags) == offsetof(struct user_ref, flags),
	       "struct mmsim_ref is struct user_ref");
_Static_assert((int)MMSIM_READ == (int)USER_REF_LOAD && (int)MMSIM_WRITE == (int)USER_REF_STORE &&
	       (int)MMSIM_FETCH == (int)USER_REF_FETCH && MMSIM_MODIFY == (int)USER_REF_MODIFY, "access kinds");
_Static_assert((int)MMSIM_REF_L2_HIT == (int)USER_REF_L2_HIT && (int)MMSIM_REF_WALK == (int)USER_REF_WALK &&
	       (int)MMSIM_REF_FAULTED == (int)USER_REF_FAULTED && (int)MMSIM_REF_HUGE == (int)USER_REF_HUGE,
	       "outcomes");

/* See sim.h. Narrated as one line for the batch. */
int sim_access_batch(mmsim_machine *m, int pid, const struct mmsim_ref *refs, size_t n, uint8_t *outcome,
		     size_t *done, struct mmsim_fault *fault)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = sim_task(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_call(s, "pid %d (%s) on CPU %d: %zu accesses", t->pid, t->comm, t->cpu, n);
	int rc = task_access_batch(&s->kernel, t, (const struct user_ref *)refs, n, outcome, done);
	if (rc == -EFAULT)
		return fatal(s, t, fault);
	if (rc == -EIO && s->kernel.panic_reason)
		return sim_fail(s, -EIO, "pid %d: no memory for the access at %#llx and no process to kill: Kernel "
			       "panic - not syncing: %s (m:dmesg has the report; the machine has stopped)", pid,
			       (unsigned long long)refs[*done].addr, s->kernel.panic_reason);
	return rc;
}

static const char *const seg_names[] = { "es", "cs", "ss", "ds", "fs", "gs" };

/* See sim.h. */
int sim_access_seg(mmsim_machine *m, int pid, enum mmsim_seg seg, uint64_t off, void *buf, size_t len,
		   enum mmsim_access kind, struct mmsim_fault *fault)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = sim_task(s, pid);
	if (!t)
		return -ESRCH;
	sim_narrate_call(s, "pid %d (%s) on CPU %d: %s %zu byte%s at %%%s:%#llx", t->pid, t->comm, t->cpu,
			 access_names[kind], len, len == 1 ? "" : "s", seg_names[seg], (unsigned long long)off);
	enum hw_access hk = kind == MMSIM_READ ? HW_READ : kind == MMSIM_WRITE ? HW_WRITE : HW_FETCH;
	int rc = task_access_seg(&s->kernel, t, (enum hw_sreg)seg, off, buf, len, hk);
	return rc == -EFAULT ? fatal(s, t, fault) : rc;
}

/* See sim.h. */
int sim_load_segment(mmsim_machine *m, int pid, enum mmsim_seg seg, unsigned sel, struct mmsim_fault *fault)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = sim_task(s, pid);
	if (!t)
		return -ESRCH;
	if (seg == MMSIM_SEG_CS)
		sim_narrate_call(s, "pid %d (%s) on CPU %d: ljmp to code segment %#x", t->pid, t->comm, t->cpu, sel);
	else
		sim_narrate_call(s, "pid %d (%s) on CPU %d: mov $%#x, %%%s", t->pid, t->comm, t->cpu, sel,
				 seg_names[seg]);
	int rc = task_load_segment(&s->kernel, t, (enum hw_sreg)seg, (uint16_t)sel);
	return rc == -EFAULT ? fatal(s, t, fault) : rc;
}

/* ---- memory ordering: steps with held stores ----------------------------------- */

static const char *const step_names[] = { "store", "load", "mfence", "drain" };

/* Check every step before any runs: a live task, a known operation, an
 * access size of 1, 2, 4 or 8. */
static int check_steps(struct sim_machine *s, const struct mmsim_step *steps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct mmsim_step *st = &steps[i];
		if ((unsigned)st->op > MMSIM_STEP_DRAIN)
			return sim_fail(s, -EINVAL, "interleave: step %zu: operation %d: use store, load, mfence or drain",
					i + 1, (int)st->op);
		if (!sim_task(s, st->pid))
			return sim_fail(s, -ESRCH, "interleave: step %zu: no task with pid %d", i + 1, st->pid);
		if (st->op <= MMSIM_STEP_LOAD && st->len != 1 && st->len != 2 && st->len != 4 && st->len != 8)
			return sim_fail(s, -EINVAL, "interleave: step %zu: a %s of %u bytes: use 1, 2, 4 or 8", i + 1,
					step_names[st->op], st->len);
	}
	return 0;
}

/* Run one step (checked). */
static int run_step(mmsim_machine *m, struct sim_machine *s, struct mmsim_step *st, size_t i,
		    struct mmsim_fault *fault)
{
	struct task_struct *t = sim_task(s, st->pid);
	struct hw_cpu *cpu = &s->hw.cpus[t->cpu];
	uint8_t b[8];
	int rc = 0;
	sim_narrate_call(s, "step %zu: pid %d (%s) on CPU %d: %s", i + 1, t->pid, t->comm, t->cpu,
			 step_names[st->op]);
	switch (st->op) {
	case MMSIM_STEP_STORE:
		for (unsigned k = 0; k < st->len; k++)
			b[k] = (uint8_t)(st->value >> (8 * k));
		rc = sim_access(m, st->pid, st->addr, b, st->len, MMSIM_WRITE, fault);
		break;
	case MMSIM_STEP_LOAD:
		rc = sim_access(m, st->pid, st->addr, b, st->len, MMSIM_READ, fault);
		st->value = 0;
		for (unsigned k = 0; !rc && k < st->len; k++)
			st->value |= (uint64_t)b[k] << (8 * k);
		break;
	case MMSIM_STEP_MFENCE:
		hw_sb_drain(cpu);
		break;
	case MMSIM_STEP_DRAIN:
		hw_sb_drain_n(cpu, 1);
		break;
	}
	if (rc == -EFAULT)
		return sim_fail(s, -EFAULT, "interleave: step %zu: pid %d: %s (%s) at %#llx", i + 1, st->pid,
				mmsim_signal_name(fault->signo), mmsim_sigcode_name(fault->signo, fault->code),
				(unsigned long long)fault->addr);
	return rc;
}

/* See sim.h. Every core holds its stores for the run; they drain at its end
 * (and whenever the hardware drains them: hw/storebuf.h). */
int sim_interleave(mmsim_machine *m, struct mmsim_step *steps, size_t n, struct mmsim_fault *fault)
{
	struct sim_machine *s = sim_machine(m);
	int rc = check_steps(s, steps, n);
	if (rc)
		return rc;
	for (int c = 0; c < s->hw.nr_cpus; c++)
		hw_sb_hold(&s->hw.cpus[c], true);
	for (size_t i = 0; i < n && !rc; i++)
		rc = run_step(m, s, &steps[i], i, fault);
	uint32_t left = 0;
	for (int c = 0; c < s->hw.nr_cpus; c++)
		left += hw_sb_pending(&s->hw.cpus[c]);
	if (left)
		sim_narrate_call(s, "end of the steps: every store buffer drains (%u store%s)", left, left == 1 ? "" : "s");
	for (int c = 0; c < s->hw.nr_cpus; c++)
		hw_sb_hold(&s->hw.cpus[c], false);
	return rc;
}
