/*
 * api/backend.h — the backend interface: what a machine is behind the
 * opaque handle of mmsim.h, and the table of operations every backend
 * fills in (as Linux's file_operations or vm_operations_struct).
 *
 * The public API (src/api) checks nothing a backend must know about and
 * calls through this table only; it never names a backend. A backend (the
 * simulator in src/sim, the host in src/host) embeds struct mmsim_machine
 * first in its own machine, fills a const struct mmsim_backend, and
 * provides its constructor as a public function (mmsim_machine_new,
 * mmsim_host_new). docs/architecture.md says how to add one.
 *
 * Contract of every operation: it takes and returns what the mmsim_*
 * function of the same name does (mmsim.h), with these done once for all
 * backends by the public API:
 *  - a NULL slot answers -EOPNOTSUPP, "<op>: not available on the <name>
 *    backend (<why_unsupported(op)>)";
 *  - a failure the operation did not describe with backend_fail gets the
 *    message "<op>: <ERRNO>";
 *  - an access kind is one of MMSIM_READ, MMSIM_WRITE, MMSIM_FETCH, and an
 *    access or touch always gets a fault record (the API reports a fatal
 *    fault's signal in the message); a batch's refs are all valid (kind,
 *    size 1 .. 4096, flags 0), n > 0, and done and fault are not NULL;
 *  - mlock reaches the backend as mlock2 with flags 0; explain(NULL) on a
 *    backend without explain is a success;
 *  - page_tables gets end > start and a root pointer (never NULL); walk a
 *    valid access kind; frame_runs max > 0.
 *  - load_segment and access_seg get a segment register of enum mmsim_seg,
 *    and access_seg a length of 1 .. 4096 with a fetch only through CS
 *    and data only through the other registers.
 */
#ifndef MMSIM_API_BACKEND_H
#define MMSIM_API_BACKEND_H

#include "mmsim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mmsim_backend;

/* The part of a machine every backend has; a backend's own machine
 * embeds it as its first member, so a pointer to one is a pointer to the
 * other. */
struct mmsim_machine {
	const struct mmsim_backend *ops;
	char last_error[256];          /* mmsim_last_error */
	bool failed;                   /* backend_fail ran during this call */
};

struct mmsim_backend {
	const char *name;              /* "simulator", "host": in messages */
	/* Why op (a slot's name) is NULL here, for the message; may be NULL. */
	const char *(*why_unsupported)(const char *op);
	void (*free)(mmsim_machine *m);
	int (*config_get)(const mmsim_machine *m, const char *key, char *buf, size_t len);

	/* processes and threads */
	int (*spawn)(mmsim_machine *m, const char *name, int core);
	int (*thread)(mmsim_machine *m, int pid, int core);
	int (*fork)(mmsim_machine *m, int pid, int core);
	int (*exit)(mmsim_machine *m, int pid, int code);
	int (*run_on)(mmsim_machine *m, int pid, int core);
	int (*set_oom_score_adj)(mmsim_machine *m, int pid, int value, int flags);
	int (*task_info)(mmsim_machine *m, int pid, struct mmsim_task_info *info);
	int (*tasks)(mmsim_machine *m, int *pids, int max);

	/* the memory system calls */
	int64_t (*mmap)(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned long prot,
			unsigned long flags, int fd, uint64_t offset);
	int64_t (*munmap)(mmsim_machine *m, int pid, uint64_t addr, uint64_t len);
	int64_t (*mprotect)(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned long prot);
	int64_t (*mremap)(mmsim_machine *m, int pid, uint64_t old_addr, uint64_t old_len,
			  uint64_t new_len, unsigned long flags, uint64_t new_addr);
	int64_t (*brk)(mmsim_machine *m, int pid, uint64_t addr);
	int64_t (*madvise)(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int advice);
	int64_t (*mlock2)(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned flags);
	int64_t (*munlock)(mmsim_machine *m, int pid, uint64_t addr, uint64_t len);
	int64_t (*mlockall)(mmsim_machine *m, int pid, int flags);
	int64_t (*munlockall)(mmsim_machine *m, int pid);
	int64_t (*set_vma_anon_name)(mmsim_machine *m, int pid, uint64_t addr, uint64_t len,
				     const char *name);
	int64_t (*prctl_set_mm)(mmsim_machine *m, int pid, int opt, uint64_t addr);

	/* accesses and translations */
	int (*access)(mmsim_machine *m, int pid, uint64_t addr, void *buf, size_t len,
		      enum mmsim_access kind, struct mmsim_fault *fault);
	int (*touch)(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, enum mmsim_access kind,
		     struct mmsim_fault *fault);
	int (*virt_to_phys)(mmsim_machine *m, int pid, uint64_t va, uint64_t *pa);
	int (*access_batch)(mmsim_machine *m, int pid, const struct mmsim_ref *refs, size_t n,
			    uint8_t *outcome, size_t *done, struct mmsim_fault *fault);

	/* views, counters and knobs */
	int (*proc_read)(mmsim_machine *m, const char *path, char **text, size_t *len);
	int64_t (*proc_pread)(mmsim_machine *m, const char *path, uint64_t offset, void *buf,
			      size_t len, int flags);
	int64_t (*pagemap_scan)(mmsim_machine *m, int pid, uint64_t start, uint64_t end,
				struct mmsim_page_run *runs, size_t max, uint64_t *walk_end);
	int (*vmstat)(mmsim_machine *m, const char *name, uint64_t *value);
	size_t (*machine_stats)(mmsim_machine *m, struct mmsim_stat *out, size_t max);
	int (*task_stats)(mmsim_machine *m, int pid, struct mmsim_stat *out, size_t max);
	int (*sysctl_set)(mmsim_machine *m, const char *name, const char *value);
	int (*sysctl_get)(mmsim_machine *m, const char *name, char *buf, size_t len);
	int (*swapon)(mmsim_machine *m, const struct mmsim_swap_device *dev);
	int (*swapoff)(mmsim_machine *m, int type);
	size_t (*dmesg)(const mmsim_machine *m, char *buf, size_t size);
	uint64_t (*check)(mmsim_machine *m);
	int (*explain)(mmsim_machine *m, mmsim_explain_fn fn, void *ctx);

	/* the kernel's allocators and frames */
	int (*page_info)(mmsim_machine *m, uint64_t pfn, struct mmsim_page_info *info);
	int (*alloc_pages)(mmsim_machine *m, const char *gfp, unsigned order, uint64_t *pfn);
	int (*free_pages)(mmsim_machine *m, uint64_t pfn, unsigned order);
	int (*free_blocks)(mmsim_machine *m, const char *zone, const char *migratetype,
			   uint64_t counts[11]);
	void (*drain_pages)(mmsim_machine *m);
	int (*kmem_cache_create)(mmsim_machine *m, const char *name, size_t size, size_t align,
				 const char *flags, const char *ctor_pattern);
	int (*kmem_cache_destroy)(mmsim_machine *m, int cache);
	int (*kmem_cache_alloc)(mmsim_machine *m, int cache, const char *gfp, uint64_t *addr);
	int (*kmem_cache_free)(mmsim_machine *m, int cache, uint64_t addr);
	int (*kmem_cache_shrink)(mmsim_machine *m, int cache);
	int (*kmem_cache_info)(mmsim_machine *m, int cache, struct mmsim_slabinfo *info);
	int (*kmalloc)(mmsim_machine *m, size_t size, const char *gfp, uint64_t *addr);
	int (*kfree)(mmsim_machine *m, uint64_t addr);
	int (*kread)(mmsim_machine *m, uint64_t addr, void *buf, size_t len);

	/* the file system calls */
	int (*open)(mmsim_machine *m, int pid, const char *path, unsigned flags, unsigned mode);
	int (*close)(mmsim_machine *m, int pid, int fd);
	int (*dup)(mmsim_machine *m, int pid, int fd);
	int64_t (*pread)(mmsim_machine *m, int pid, int fd, void *buf, uint64_t len, int64_t offset);
	int64_t (*pwrite)(mmsim_machine *m, int pid, int fd, const void *buf, uint64_t len, int64_t offset);
	int (*ftruncate)(mmsim_machine *m, int pid, int fd, int64_t length);
	int (*unlink)(mmsim_machine *m, int pid, const char *path);
	int (*fstat)(mmsim_machine *m, int pid, int fd, struct mmsim_file_stat *st);
	int (*memfd_create)(mmsim_machine *m, int pid, const char *name, unsigned flags);

	/* the state of page tables, TLBs and frames, for pictures */
	int64_t (*page_tables)(mmsim_machine *m, int pid, uint64_t start, uint64_t end, uint64_t *root,
			       struct mmsim_pt_entry *out, size_t max);
	int (*walk)(mmsim_machine *m, int pid, uint64_t va, enum mmsim_access kind, struct mmsim_walk *w);
	int (*tlb_info)(mmsim_machine *m, int core, int i, struct mmsim_tlb_info *info);
	int64_t (*tlb_entries)(mmsim_machine *m, int core, int i, struct mmsim_tlb_entry *out, size_t max);
	int64_t (*frame_runs)(mmsim_machine *m, uint64_t pfn, uint64_t end_pfn, struct mmsim_frame_run *runs,
			      size_t max, uint64_t *next);
	/* segments and TLS */
	int64_t (*arch_prctl)(mmsim_machine *m, int pid, int code, uint64_t addr);
	int64_t (*set_thread_area)(mmsim_machine *m, int pid, struct mmsim_user_desc *desc);
	int64_t (*get_thread_area)(mmsim_machine *m, int pid, struct mmsim_user_desc *desc);
	int64_t (*modify_ldt)(mmsim_machine *m, int pid, int func, void *ptr, uint64_t bytecount);
	int (*load_segment)(mmsim_machine *m, int pid, enum mmsim_seg seg, unsigned sel, struct mmsim_fault *fault);
	int (*access_seg)(mmsim_machine *m, int pid, enum mmsim_seg seg, uint64_t off, void *buf, size_t len,
			  enum mmsim_access kind, struct mmsim_fault *fault);
	int (*segments)(mmsim_machine *m, int pid, struct mmsim_segments *out);
	int (*gdt)(mmsim_machine *m, int cpu, uint64_t *words, size_t max);

	/* virtual machines */
	int (*vm_create)(mmsim_machine *m, const struct mmsim_vm_config *c);
	int (*vm_destroy)(mmsim_machine *m, int vm);
	int (*vm_map)(mmsim_machine *m, int vm, uint64_t gva, uint64_t gpa, int prot);
	int (*vm_access)(mmsim_machine *m, int vm, uint64_t gva, void *buf, size_t len, enum mmsim_access kind,
			 struct mmsim_vm_run *run);
	int (*vm_info)(mmsim_machine *m, int vm, struct mmsim_vm_info *out);
	int (*vm_ept)(mmsim_machine *m, int vm, uint64_t gpa, struct mmsim_vm_ept *out);
	/* memory ordering */
	int (*interleave)(mmsim_machine *m, struct mmsim_step *steps, size_t n, struct mmsim_fault *fault);
	/* page migration */
	int (*migrate_page)(mmsim_machine *m, int pid, uint64_t va, uint64_t *pfn);
	/* time */
	/* files: writeback and advice (issue 14 phase 2) */
	int (*fsync)(mmsim_machine *m, int pid, int fd, int datasync);
	int (*fadvise)(mmsim_machine *m, int pid, int fd, int64_t offset, int64_t len, int advice);
	int64_t (*msync)(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int flags);
	/* memory cgroups */
	int (*cgroup)(mmsim_machine *m, const struct mmsim_cgroup *cg);
	int (*cgroup_attach)(mmsim_machine *m, int pid, const char *name);
	int (*sleep)(mmsim_machine *m, uint64_t ms);
	int (*mincore)(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned char *vec);
	/* the machine's files */
	int (*file)(mmsim_machine *m, const char *path, const void *data, uint64_t len);
	int64_t (*files)(mmsim_machine *m, struct mmsim_file_info *out, size_t max);
	int (*mount)(mmsim_machine *m, const char *fs, const char *at);
	/* NUMA memory policies */
	int (*set_mempolicy)(mmsim_machine *m, int pid, int mode, const uint64_t *nmask, uint64_t maxnode);
	int (*get_mempolicy)(mmsim_machine *m, int pid, int *policy, uint64_t *nmask, uint64_t maxnode,
			     uint64_t addr, unsigned flags);
};

/* Record why the current call failed on m (its last error) and return err,
 * a negative errno. */
int backend_fail(mmsim_machine *m, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Format into errbuf when it is not NULL (the constructors' messages). */
void backend_errbuf(char *errbuf, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
