/* sim/machine.c — the simulator backend: building and booting a machine,
 * its table of operations, its views, log and checker. */
#include "sim/sim.h"

#include "kernel/memcontrol.h"

#include "kernel/debug_vm.h"
#include "procfs/procfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sim_free(mmsim_machine *m);

static const struct mmsim_backend sim_backend = {
	.name = "simulator",
	.free = sim_free,
	.config_get = sim_config_get,
	.spawn = sim_spawn,
	.thread = sim_thread,
	.fork = sim_fork,
	.exit = sim_exit,
	.run_on = sim_run_on,
	.set_oom_score_adj = sim_set_oom_score_adj,
	.task_info = sim_task_info,
	.tasks = sim_tasks,
	.mmap = sim_mmap,
	.munmap = sim_munmap,
	.mprotect = sim_mprotect,
	.mremap = sim_mremap,
	.brk = sim_brk,
	.madvise = sim_madvise,
	.mlock2 = sim_mlock2,
	.munlock = sim_munlock,
	.mlockall = sim_mlockall,
	.munlockall = sim_munlockall,
	.set_vma_anon_name = sim_set_vma_anon_name,
	.open = sim_open,
	.close = sim_close,
	.dup = sim_dup,
	.pread = sim_pread,
	.pwrite = sim_pwrite,
	.ftruncate = sim_ftruncate,
	.unlink = sim_unlink,
	.fstat = sim_fstat,
	.memfd_create = sim_memfd_create,
	.fsync = sim_fsync,
	.fadvise = sim_fadvise,
	.msync = sim_msync,
	.sleep = sim_sleep,
	.mincore = sim_mincore,
	.file = sim_file,
	.files = sim_files,
	.mount = sim_mount,
	.set_mempolicy = sim_set_mempolicy,
	.get_mempolicy = sim_get_mempolicy,
	.access = sim_access,
	.touch = sim_touch,
	.access_batch = sim_access_batch,
	.prctl_set_mm = sim_prctl_set_mm,
	.virt_to_phys = sim_virt_to_phys,
	.migrate_page = sim_migrate_page,
	.proc_read = sim_proc_read,
	.proc_pread = sim_proc_pread,
	.pagemap_scan = sim_pagemap_scan,
	.vmstat = sim_vmstat,
	.machine_stats = sim_machine_stats,
	.task_stats = sim_task_stats,
	.sysctl_set = sim_sysctl_set,
	.sysctl_get = sim_sysctl_get,
	.swapon = sim_swapon,
	.swapoff = sim_swapoff,
	.cgroup = sim_cgroup,
	.cgroup_attach = sim_cgroup_attach,
	.dmesg = sim_dmesg,
	.check = sim_check,
	.explain = sim_explain,
	.page_info = sim_page_info,
	.alloc_pages = sim_alloc_pages,
	.free_pages = sim_free_pages,
	.free_blocks = sim_free_blocks,
	.drain_pages = sim_drain_pages,
	.kmem_cache_create = sim_kmem_cache_create,
	.kmem_cache_destroy = sim_kmem_cache_destroy,
	.kmem_cache_alloc = sim_kmem_cache_alloc,
	.kmem_cache_free = sim_kmem_cache_free,
	.kmem_cache_shrink = sim_kmem_cache_shrink,
	.kmem_cache_info = sim_kmem_cache_info,
	.kmalloc = sim_kmalloc,
	.kfree = sim_kfree,
	.kread = sim_kread,
	.page_tables = sim_page_tables,
	.walk = sim_walk,
	.tlb_info = sim_tlb_info,
	.tlb_entries = sim_tlb_entries,
	.frame_runs = sim_frame_runs,
	.arch_prctl = sim_arch_prctl,
	.set_thread_area = sim_set_thread_area,
	.get_thread_area = sim_get_thread_area,
	.modify_ldt = sim_modify_ldt,
	.load_segment = sim_load_segment,
	.access_seg = sim_access_seg,
	.segments = sim_segments,
	.gdt = sim_gdt,
	.vm_create = sim_vm_create,
	.vm_destroy = sim_vm_destroy,
	.vm_map = sim_vm_map,
	.vm_access = sim_vm_access,
	.vm_info = sim_vm_info,
	.vm_ept = sim_vm_ept,
	.interleave = sim_interleave,
};

/* See mmsim.h. */
int mmsim_machine_new(const mmsim_config *c, mmsim_machine **out, char *eb, size_t el)
{
	struct sim_machine *s = calloc(1, sizeof *s);
	char why[256] = "";
	int err;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->base.ops = &sim_backend;
	s->config = *c;
	if ((err = hw_config_validate(&c->hw, why, sizeof why))) {
		backend_errbuf(eb, el, "%s", why);
		free(s);
		return err;
	}
	if (c->virt) {                        /* a guest on a host (virt.c) */
		if ((err = sim_virt_boot(s, eb, el))) {
			free(s);
			return err;
		}
		*out = &s->base;
		return 0;
	}
	if ((err = ram_init(&s->ram, c->hw.ram_bytes))) {
		sim_ram_error(err, c->hw.ram_bytes, eb, el);
		free(s);
		return err;
	}
	if ((err = hw_machine_init(&s->hw, &c->hw, &s->ram))) {
		backend_errbuf(eb, el, "cannot build the cores: %s", mmsim_strerror(err));
		goto fail_ram;
	}
	struct kernel_config kcfg = c->kernel;
	kcfg.seed = c->seed;
	if ((err = kernel_init(&s->kernel, &s->hw, &kcfg, why, sizeof why))) {
		backend_errbuf(eb, el, "the kernel cannot boot: %s", why);
		hw_machine_destroy(&s->hw);
		goto fail_ram;
	}
	if (c->kernel.memory_max && (err = mem_cgroup_set_session(&s->kernel, c->kernel.memory_max))) {
		backend_errbuf(eb, el, "memory_max: cannot make cgroup /mmsim: %s", mmsim_strerror(err));
		kernel_destroy(&s->kernel);
		hw_machine_destroy(&s->hw);
		goto fail_ram;
	}
	*out = &s->base;
	return 0;
fail_ram:
	ram_destroy(&s->ram);
	free(s);
	return err;
}

/* See sim.h. */
void sim_ram_error(int err, uint64_t bytes, char *eb, size_t el)
{
	if (err == -EINVAL)
		backend_errbuf(eb, el, "ram: size out of range");
	else if (err == -EFBIG)
		backend_errbuf(eb, el, "ram: %llu MiB is more than this host can hold (%llu MiB at most; "
			       "a browser holds less: try the teaching preset or ram=256M)",
			       (unsigned long long)(bytes >> 20), (unsigned long long)(ram_host_max() >> 20));
	else
		backend_errbuf(eb, el, "ram: the host refused to reserve %llu bytes of address space for the "
			       "simulated RAM (its vm.overcommit_memory=2 charges it in full, or an "
			       "RLIMIT_AS is lower)", (unsigned long long)bytes);
}

/* Shut the machine down and give its host memory back. */
static void sim_free(mmsim_machine *m)
{
	struct sim_machine *s = sim_machine(m);
	sim_free_vms(s);
	sim_free_caches(s);
	kernel_destroy(&s->kernel);
	if (s->host) {                        /* the guest's RAM and cores are the host's */
		sim_virt_free(s);
		free(s);
		return;
	}
	hw_machine_destroy(&s->hw);
	ram_destroy(&s->ram);
	free(s);
}

/* See sim.h. */
int sim_proc_read(mmsim_machine *m, const char *path, char **text, size_t *len)
{
	struct sim_machine *s = sim_machine(m);
	struct seq_buf sb = { 0 };
	int err = procfs_read(&s->kernel, path, &sb);

	if (err) {
		seq_release(&sb);
		return sim_fail(s, err, err == -EINVAL ? "%s: a binary file, not readable as text"
							: "%s: no such file in the simulated /proc", path);
	}
	if (!sb.buf) {
		sb.buf = calloc(1, 1);
		if (!sb.buf)
			return -ENOMEM;
	}
	*text = sb.buf;
	if (len)
		*len = sb.len;
	return 0;
}

/* See mmsim.h. */
const char *mmsim_proc_path(size_t i)
{
	return procfs_path_at(i);
}

/* See sim.h. */
size_t sim_dmesg(const mmsim_machine *m, char *buf, size_t size)
{
	return (size_t)kernel_log_read(&sim_machine_const(m)->kernel, buf, size);
}

/* See sim.h. */
uint64_t sim_check(mmsim_machine *m)
{
	return debug_vm_check(&sim_machine(m)->kernel, NULL);
}

/* See sim.h. */
int sim_vmstat(mmsim_machine *m, const char *name, uint64_t *value)
{
	char *text, *line;
	size_t n = strlen(name);
	int err = sim_proc_read(m, "/proc/vmstat", &text, NULL);
	if (err)
		return err;
	err = -ENOENT;
	for (line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (!strncmp(line, name, n) && line[n] == ' ') {
			*value = strtoull(line + n + 1, NULL, 10);
			err = 0;
			break;
		}
	free(text);
	return err ? backend_fail(m, err, "%s: no such vmstat counter", name) : 0;
}

/* See sim.h. */
int64_t sim_proc_pread(mmsim_machine *m, const char *path, uint64_t offset, void *buf, size_t len, int flags)
{
	struct procfs_cred cred = { .cap_sys_admin = !(flags & MMSIM_PROC_UNPRIVILEGED) };
	return procfs_pread(&sim_machine(m)->kernel, path, offset, buf, len, &cred);
}

/* See sim.h. */
int64_t sim_pagemap_scan(mmsim_machine *m, int pid, uint64_t start, uint64_t end, struct mmsim_page_run *runs,
			 size_t max, uint64_t *walk_end)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = sim_task(s, pid);
	_Static_assert(sizeof(struct pm_run) == sizeof(struct mmsim_page_run) &&
			       offsetof(struct pm_run, end) == offsetof(struct mmsim_page_run, end) &&
			       offsetof(struct pm_run, flags) == offsetof(struct mmsim_page_run, flags),
		       "the kernel's runs are the API's");
	if (!t)
		return -ESRCH;
	return pagemap_scan(&s->kernel, t, start, end, (struct pm_run *)runs, max, walk_end);
}
