/* sim/sysctl.c — the kernel's /proc/sys knobs for scripts, and its clock. */
#include "sim/sim.h"

#include "kernel/fs.h"
#include "kernel/huge_mm.h"
#include "kernel/compaction.h"
#include "kernel/sysctl.h"

#include <errno.h>

/* See sim.h. */
int sim_sysctl_set(mmsim_machine *m, const char *name, const char *value)
{
	struct sim_machine *s = sim_machine(m);
	char why[200] = "";
	sim_narrate_call(s, "sysctl %s = %s", name, value);
	int err = sysctl_write(&s->kernel, name, value, why, sizeof why);
	if (err)
		return sim_fail(s, err, "%s", why);
	/* vm.compaction_proactiveness wakes kcompactd: the machine has no idle
	 * time to run it in, so it runs now */
	if (s->kernel.kcompactd_pending)
		kcompactd_run_woken(&s->kernel);
	return 0;
}

/* See sim.h. */
int sim_sysctl_get(mmsim_machine *m, const char *name, char *buf, size_t len)
{
	struct sim_machine *s = sim_machine(m);
	int err = sysctl_read(&s->kernel, name, buf, len);
	if (err == -EACCES)
		return sim_fail(s, err, "%s can only be written", name);
	if (err)
		return sim_fail(s, err, "%s: no such sysctl", name);
	return 0;
}

/* See sim.h. One clock for every periodic kernel thread (m:sleep moves
 * it): the flusher, khugepaged. */
unsigned sim_time_passes(struct sim_machine *s, uint64_t ms)
{
	s->kernel.sleep_ns += ms * 1000000;
	if (wb_due(&s->kernel))
		wb_workfn(&s->kernel);
	return khugepaged_tick(&s->kernel, ms);
}

/* See mmsim.h. */
const char *mmsim_sysctl_name(size_t i)
{
	return sysctl_name_at(i);
}
