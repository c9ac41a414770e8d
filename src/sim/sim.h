/*
 * sim/sim.h — the simulator backend: a machine of simulated RAM, hardware
 * (src/hw) and kernel (src/kernel), behind the backend interface
 * (api/backend.h). What its files share: the machine, its configuration,
 * and the operations its table (sim/machine.c) is made of.
 */
#ifndef MMSIM_SIM_SIM_H
#define MMSIM_SIM_SIM_H

#include "api/backend.h"

#include "hw/machine.h"
#include "hw/ram.h"
#include "kernel/kernel.h"

struct mmsim_config {
	struct hw_config hw;           /* from the preset, then -o overrides */
	struct kernel_config kernel;
	uint64_t seed;
	char preset[32];
	int virt;                      /* virt=: HW_VIRT_OFF, or the machine is a guest (virt.c) */
	uint64_t host_ram;             /* host_ram=: the host's own RAM under a guest (0: 64M) */
};

/* A slab cache created through the API, with its constructor's pattern. */
struct sim_cache {
	struct kmem_cache *s;          /* NULL once destroyed */
	size_t object_size;
	size_t pattern_len;
	char pattern[];                /* the constructor's fill, if any */
};

struct sim_machine {
	struct mmsim_machine base;     /* first: see api/backend.h */
	struct mmsim_config config;
	struct ram ram;
	struct hw_machine hw;
	struct kernel kernel;
	struct sim_cache **caches;     /* handle h is caches[h - 1] */
	int nr_caches;
	struct sim_vm *vms[8];         /* VM handle h is vms[h - 1] (vm.c) */
	mmsim_explain_fn explain_fn;   /* NULL: explain mode off */
	void *explain_ctx;
	char flags_text[2][160];       /* sim_flags_text's buffers */
	struct sim_host *host;         /* virt=ept|npt: the host under the guest (virt.c), else NULL */
};

struct kvm;

/* A VM handle (vm.c): the hypervisor's VM and the core its vCPU runs on. */
struct sim_vm {
	struct kvm *kvm;
	int core;
};

/* The host under a machine that is a guest (virt=ept|npt): all the RAM,
 * of which the host kernel manages the first host_ram bytes and the
 * guest's memory is the rest; the cores (the guest's machine shares
 * them: they run in VMX non-root operation, or SVM guest mode, between
 * exits); the host kernel and its VM of the guest. sim_machine's ram, hw
 * and kernel are the guest's. */
struct sim_host {
	struct ram ram;                /* everything (ram_init) */
	struct ram kram;               /* the host kernel's part of it */
	struct hw_machine hw;          /* the cores, over all of it */
	struct hw_machine khw;         /* the same cores, as the host kernel sees the machine */
	struct kernel kernel;
	bool booted;                   /* the host kernel is up */
	struct sim_vm vm;              /* VM handle 0 (vm.c) */
};

_Static_assert(offsetof(struct sim_machine, base) == 0, "the handle is the machine");

/* The simulated machine behind a handle of this backend. */
static inline struct sim_machine *sim_machine(mmsim_machine *m)
{
	return (struct sim_machine *)m;
}

static inline const struct sim_machine *sim_machine_const(const mmsim_machine *m)
{
	return (const struct sim_machine *)m;
}

/* Record a failure on s (backend_fail) and return err. */
#define sim_fail(s, ...) backend_fail(&(s)->base, __VA_ARGS__)

struct task_struct;

/* The live task pid, or NULL with -ESRCH recorded on s. */
struct task_struct *sim_task(struct sim_machine *s, int pid);

/* Enter the kernel for a system call of pid: its task becomes current
 * (Linux: syscall_enter_from_user_mode). NULL, -ESRCH recorded, without it. */
struct task_struct *syscall_enter(struct sim_machine *s, int pid);

/* Return to user mode from t's system call with result r (Linux:
 * syscall_exit_to_user_mode): narrated when explain is on; a SIGKILL the
 * OOM killer sent meanwhile kills the process now, and the call reports it
 * instead of r. */
int64_t syscall_result(struct sim_machine *s, struct task_struct *t, int64_t r);

/* value as the text of kind (mmsim_format_flags) in buffer slot (0 or 1)
 * of s, for narration. */
const char *sim_flags_text(struct sim_machine *s, const char *kind, unsigned long value, int slot);

/* Narration of API calls, only when explain mode is on (the arguments are
 * not evaluated otherwise). A system call by t; a call on the machine; the
 * result of the call narrated last. */
#define sim_narrate_syscall(s, t, ...)                                        \
	do {                                                                   \
		if ((s)->explain_fn)                                           \
			sim_narrate_syscall_((s), (t), __VA_ARGS__);           \
	} while (0)
#define sim_narrate_call(s, ...)                                               \
	do {                                                                   \
		if ((s)->explain_fn)                                           \
			sim_narrate((s), __VA_ARGS__);                         \
	} while (0)
void sim_narrate_syscall_(struct sim_machine *s, struct task_struct *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sim_narrate(struct sim_machine *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sim_narrate_result(struct sim_machine *s, int64_t r);

/* ---- the operations (struct mmsim_backend), by file ---------------------- */

/* machine.c: views, log, checker */
int sim_proc_read(mmsim_machine *m, const char *path, char **text, size_t *len);
int64_t sim_proc_pread(mmsim_machine *m, const char *path, uint64_t offset, void *buf, size_t len,
		       int flags);
int sim_vmstat(mmsim_machine *m, const char *name, uint64_t *value);
int64_t sim_pagemap_scan(mmsim_machine *m, int pid, uint64_t start, uint64_t end, struct mmsim_page_run *runs,
			 size_t max, uint64_t *walk_end);
size_t sim_dmesg(const mmsim_machine *m, char *buf, size_t size);
uint64_t sim_check(mmsim_machine *m);

/* config.c */
int sim_config_get(const mmsim_machine *m, const char *key, char *buf, size_t len);

/* process.c: processes and their system calls */
int sim_spawn(mmsim_machine *m, const char *name, int core);
int sim_thread(mmsim_machine *m, int pid, int core);
int sim_fork(mmsim_machine *m, int pid, int core);
int sim_exit(mmsim_machine *m, int pid, int code);
int sim_run_on(mmsim_machine *m, int pid, int core);
int sim_set_oom_score_adj(mmsim_machine *m, int pid, int value, int flags);
int sim_task_info(mmsim_machine *m, int pid, struct mmsim_task_info *info);
int sim_tasks(mmsim_machine *m, int *pids, int max);
int64_t sim_mmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned long prot,
		 unsigned long flags, int fd, uint64_t offset);
int64_t sim_munmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len);
int64_t sim_mprotect(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned long prot);
int64_t sim_mremap(mmsim_machine *m, int pid, uint64_t old_addr, uint64_t old_len, uint64_t new_len,
		   unsigned long flags, uint64_t new_addr);
int64_t sim_brk(mmsim_machine *m, int pid, uint64_t addr);
int64_t sim_madvise(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int advice);
int64_t sim_mlock2(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned flags);
int64_t sim_munlock(mmsim_machine *m, int pid, uint64_t addr, uint64_t len);
int64_t sim_mlockall(mmsim_machine *m, int pid, int flags);
int64_t sim_munlockall(mmsim_machine *m, int pid);
int64_t sim_set_vma_anon_name(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, const char *name);
int64_t sim_prctl_set_mm(mmsim_machine *m, int pid, int opt, uint64_t addr);
int sim_virt_to_phys(mmsim_machine *m, int pid, uint64_t va, uint64_t *pa);
int sim_migrate_page(mmsim_machine *m, int pid, uint64_t va, uint64_t *pfn);
int sim_open(mmsim_machine *m, int pid, const char *path, unsigned flags, unsigned mode);
int sim_close(mmsim_machine *m, int pid, int fd);
int sim_dup(mmsim_machine *m, int pid, int fd);
int64_t sim_pread(mmsim_machine *m, int pid, int fd, void *buf, uint64_t len, int64_t offset);
int64_t sim_pwrite(mmsim_machine *m, int pid, int fd, const void *buf, uint64_t len, int64_t offset);
int sim_ftruncate(mmsim_machine *m, int pid, int fd, int64_t length);
int sim_unlink(mmsim_machine *m, int pid, const char *path);
int sim_fstat(mmsim_machine *m, int pid, int fd, struct mmsim_file_stat *st);
int sim_memfd_create(mmsim_machine *m, int pid, const char *name, unsigned flags);
int sim_fsync(mmsim_machine *m, int pid, int fd, int datasync);
int64_t sim_msync(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int flags);
int sim_fadvise(mmsim_machine *m, int pid, int fd, int64_t offset, int64_t len, int advice);

/* access.c */
int sim_access(mmsim_machine *m, int pid, uint64_t addr, void *buf, size_t len, enum mmsim_access kind,
	       struct mmsim_fault *fault);
int sim_touch(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, enum mmsim_access kind,
	      struct mmsim_fault *fault);
int sim_access_batch(mmsim_machine *m, int pid, const struct mmsim_ref *refs, size_t n, uint8_t *outcome,
		     size_t *done, struct mmsim_fault *fault);

/* stats.c */
size_t sim_machine_stats(mmsim_machine *m, struct mmsim_stat *out, size_t max);
int sim_task_stats(mmsim_machine *m, int pid, struct mmsim_stat *out, size_t max);

/* sysctl.c */
int sim_sysctl_set(mmsim_machine *m, const char *name, const char *value);
/* Let ms milliseconds of simulated time pass on s's kernel: the flusher's
 * timer (kernel.sleep_ns) and khugepaged's clock move together. Returns
 * khugepaged's wakeups. */
unsigned sim_time_passes(struct sim_machine *s, uint64_t ms);
int sim_sysctl_get(mmsim_machine *m, const char *name, char *buf, size_t len);

/* swap.c */
int sim_swapon(mmsim_machine *m, const struct mmsim_swap_device *dev);
int sim_cgroup(mmsim_machine *m, const struct mmsim_cgroup *cg);
int sim_cgroup_attach(mmsim_machine *m, int pid, const char *name);
int sim_mincore(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned char *vec);

/* sim/files.c: the machine's files (see mmsim.h). */
int sim_file(mmsim_machine *m, const char *path, const void *data, uint64_t len);
int64_t sim_files(mmsim_machine *m, struct mmsim_file_info *out, size_t max);
int sim_mount(mmsim_machine *m, const char *fs, const char *at);
int sim_set_mempolicy(mmsim_machine *m, int pid, int mode, const uint64_t *nmask, uint64_t maxnode);
int sim_get_mempolicy(mmsim_machine *m, int pid, int *policy, uint64_t *nmask, uint64_t maxnode, uint64_t addr,
		      unsigned flags);
int sim_sleep(mmsim_machine *m, uint64_t ms);
int sim_swapoff(mmsim_machine *m, int type);

/* explain.c */
int sim_explain(mmsim_machine *m, mmsim_explain_fn fn, void *ctx);

/* seg.c: segments and TLS */
int64_t sim_arch_prctl(mmsim_machine *m, int pid, int code, uint64_t addr);
int64_t sim_set_thread_area(mmsim_machine *m, int pid, struct mmsim_user_desc *desc);
int64_t sim_get_thread_area(mmsim_machine *m, int pid, struct mmsim_user_desc *desc);
int64_t sim_modify_ldt(mmsim_machine *m, int pid, int func, void *ptr, uint64_t bytecount);
int sim_load_segment(mmsim_machine *m, int pid, enum mmsim_seg seg, unsigned sel, struct mmsim_fault *fault);
int sim_access_seg(mmsim_machine *m, int pid, enum mmsim_seg seg, uint64_t off, void *buf, size_t len,
		   enum mmsim_access kind, struct mmsim_fault *fault);
int sim_segments(mmsim_machine *m, int pid, struct mmsim_segments *out);
int sim_gdt(mmsim_machine *m, int cpu, uint64_t *words, size_t max);

/* vm.c: virtual machines */
int sim_vm_create(mmsim_machine *m, const struct mmsim_vm_config *c);
int sim_vm_destroy(mmsim_machine *m, int vm);
int sim_vm_map(mmsim_machine *m, int vm, uint64_t gva, uint64_t gpa, int prot);
int sim_vm_access(mmsim_machine *m, int vm, uint64_t gva, void *buf, size_t len, enum mmsim_access kind,
		  struct mmsim_vm_run *run);
int sim_vm_info(mmsim_machine *m, int vm, struct mmsim_vm_info *out);
int sim_vm_ept(mmsim_machine *m, int vm, uint64_t gpa, struct mmsim_vm_ept *out);
/* Destroy every VM of s (machine teardown). */
void sim_free_vms(struct sim_machine *s);

/* virt.c: build and boot a machine that is a guest (s->config.virt):
 * the host, its VM, and the guest kernel in s->kernel. 0 or an error,
 * with the reason in eb. */
int sim_virt_boot(struct sim_machine *s, char *eb, size_t el);
/* Free what sim_virt_boot made but the guest kernel. */
void sim_virt_free(struct sim_machine *s);
/* The reason ram_init failed with err for bytes of RAM, into eb. */
void sim_ram_error(int err, uint64_t bytes, char *eb, size_t el);

/* page.c */
int sim_page_info(mmsim_machine *m, uint64_t pfn, struct mmsim_page_info *info);
struct page;
/* What frame pfn (its struct page pg) is used for, from its flags and
 * owner: mmsim_page_info's kind. */
const char *sim_page_kind(struct kernel *k, uint64_t pfn, const struct page *pg);

/* state.c: page tables, TLBs and frames, for pictures */
int64_t sim_page_tables(mmsim_machine *m, int pid, uint64_t start, uint64_t end, uint64_t *root,
			struct mmsim_pt_entry *out, size_t max);
int sim_walk(mmsim_machine *m, int pid, uint64_t va, enum mmsim_access kind, struct mmsim_walk *w);
int sim_tlb_info(mmsim_machine *m, int core, int i, struct mmsim_tlb_info *info);
int64_t sim_tlb_entries(mmsim_machine *m, int core, int i, struct mmsim_tlb_entry *out, size_t max);
int64_t sim_frame_runs(mmsim_machine *m, uint64_t pfn, uint64_t end_pfn, struct mmsim_frame_run *runs, size_t max,
		       uint64_t *next);

/* kalloc.c */
int sim_alloc_pages(mmsim_machine *m, const char *gfp, unsigned order, uint64_t *pfn);
int sim_free_pages(mmsim_machine *m, uint64_t pfn, unsigned order);
int sim_free_blocks(mmsim_machine *m, const char *zone, const char *migratetype, uint64_t counts[11]);
void sim_drain_pages(mmsim_machine *m);
int sim_kmem_cache_create(mmsim_machine *m, const char *name, size_t size, size_t align, const char *flags,
			  const char *ctor_pattern);
int sim_kmem_cache_destroy(mmsim_machine *m, int cache);
int sim_kmem_cache_alloc(mmsim_machine *m, int cache, const char *gfp, uint64_t *addr);
int sim_kmem_cache_free(mmsim_machine *m, int cache, uint64_t addr);
int sim_kmem_cache_shrink(mmsim_machine *m, int cache);
int sim_kmem_cache_info(mmsim_machine *m, int cache, struct mmsim_slabinfo *info);
int sim_kmalloc(mmsim_machine *m, size_t size, const char *gfp, uint64_t *addr);
int sim_kfree(mmsim_machine *m, uint64_t addr);
int sim_kread(mmsim_machine *m, uint64_t addr, void *buf, size_t len);
int sim_interleave(mmsim_machine *m, struct mmsim_step *steps, size_t n, struct mmsim_fault *fault);
void sim_free_caches(struct sim_machine *s);

#endif
