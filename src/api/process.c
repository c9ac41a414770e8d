/* api/process.c — processes, threads, their memory system calls and their
 * accesses, each handed to the machine's backend (api/backend.h). */
#include "api/api.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

/* See mmsim.h. */
int mmsim_spawn(mmsim_machine *m, const char *name, int core)
{
	if (!API_SERVES(m, spawn))
		return -EOPNOTSUPP;
	return (int)api_result(m, "spawn", m->ops->spawn(m, name, core));
}

/* See mmsim.h. */
int mmsim_thread(mmsim_machine *m, int pid, int core)
{
	if (!API_SERVES(m, thread))
		return -EOPNOTSUPP;
	return (int)api_result(m, "thread", m->ops->thread(m, pid, core));
}

/* See mmsim.h. */
int mmsim_fork(mmsim_machine *m, int pid, int core)
{
	if (!API_SERVES(m, fork))
		return -EOPNOTSUPP;
	return (int)api_result(m, "fork", m->ops->fork(m, pid, core));
}

/* See mmsim.h. */
int mmsim_exit(mmsim_machine *m, int pid, int code)
{
	if (!API_SERVES(m, exit))
		return -EOPNOTSUPP;
	return (int)api_result(m, "exit", m->ops->exit(m, pid, code));
}

/* See mmsim.h. */
int mmsim_set_oom_score_adj(mmsim_machine *m, int pid, int value, int flags)
{
	if (!API_SERVES(m, set_oom_score_adj))
		return -EOPNOTSUPP;
	return (int)api_result(m, "set_oom_score_adj", m->ops->set_oom_score_adj(m, pid, value, flags));
}

/* See mmsim.h. */
int mmsim_run_on(mmsim_machine *m, int pid, int core)
{
	if (!API_SERVES(m, run_on))
		return -EOPNOTSUPP;
	return (int)api_result(m, "run_on", m->ops->run_on(m, pid, core));
}

/* See mmsim.h. */
int mmsim_task_info(mmsim_machine *m, int pid, struct mmsim_task_info *info)
{
	if (!API_SERVES(m, task_info))
		return -EOPNOTSUPP;
	return (int)api_result(m, "task_info", m->ops->task_info(m, pid, info));
}

/* See mmsim.h. */
int mmsim_tasks(mmsim_machine *m, int *pids, int max)
{
	if (!API_SERVES(m, tasks))
		return -EOPNOTSUPP;
	return (int)api_result(m, "tasks", m->ops->tasks(m, pids, max < 0 ? 0 : max));
}

/* See mmsim.h. */
int mmsim_task_stats(mmsim_machine *m, int pid, struct mmsim_stat *out, size_t max)
{
	if (!API_SERVES(m, task_stats))
		return -EOPNOTSUPP;
	return (int)api_result(m, "task_stats", m->ops->task_stats(m, pid, out, max));
}

/* See mmsim.h. */
int64_t mmsim_mmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned long prot,
		   unsigned long flags, int fd, uint64_t offset)
{
	if (!API_SERVES(m, mmap))
		return -EOPNOTSUPP;
	return api_result(m, "mmap", m->ops->mmap(m, pid, addr, len, prot, flags, fd, offset));
}

/* See mmsim.h. */
int64_t mmsim_munmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len)
{
	if (!API_SERVES(m, munmap))
		return -EOPNOTSUPP;
	return api_result(m, "munmap", m->ops->munmap(m, pid, addr, len));
}

/* See mmsim.h. */
int64_t mmsim_mprotect(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned long prot)
{
	if (!API_SERVES(m, mprotect))
		return -EOPNOTSUPP;
	return api_result(m, "mprotect", m->ops->mprotect(m, pid, addr, len, prot));
}

/* See mmsim.h. */
int64_t mmsim_mremap(mmsim_machine *m, int pid, uint64_t old_addr, uint64_t old_len, uint64_t new_len,
		     unsigned long flags, uint64_t new_addr)
{
	if (!API_SERVES(m, mremap))
		return -EOPNOTSUPP;
	return api_result(m, "mremap", m->ops->mremap(m, pid, old_addr, old_len, new_len, flags, new_addr));
}

/* See mmsim.h. */
int64_t mmsim_brk(mmsim_machine *m, int pid, uint64_t addr)
{
	if (!API_SERVES(m, brk))
		return -EOPNOTSUPP;
	return api_result(m, "brk", m->ops->brk(m, pid, addr));
}

/* See mmsim.h. */
int64_t mmsim_madvise(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int advice)
{
	if (!API_SERVES(m, madvise))
		return -EOPNOTSUPP;
	return api_result(m, "madvise", m->ops->madvise(m, pid, addr, len, advice));
}

/* See mmsim.h. mlock is mlock2 without flags, as in Linux. */
int64_t mmsim_mlock(mmsim_machine *m, int pid, uint64_t addr, uint64_t len)
{
	return mmsim_mlock2(m, pid, addr, len, 0);
}

/* See mmsim.h. */
int64_t mmsim_mlock2(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned flags)
{
	if (!API_SERVES(m, mlock2))
		return -EOPNOTSUPP;
	return api_result(m, "mlock", m->ops->mlock2(m, pid, addr, len, flags));
}

/* See mmsim.h. */
int64_t mmsim_munlock(mmsim_machine *m, int pid, uint64_t addr, uint64_t len)
{
	if (!API_SERVES(m, munlock))
		return -EOPNOTSUPP;
	return api_result(m, "munlock", m->ops->munlock(m, pid, addr, len));
}

/* See mmsim.h. */
int64_t mmsim_mlockall(mmsim_machine *m, int pid, int flags)
{
	if (!API_SERVES(m, mlockall))
		return -EOPNOTSUPP;
	return api_result(m, "mlockall", m->ops->mlockall(m, pid, flags));
}

/* See mmsim.h. */
int64_t mmsim_munlockall(mmsim_machine *m, int pid)
{
	if (!API_SERVES(m, munlockall))
		return -EOPNOTSUPP;
	return api_result(m, "munlockall", m->ops->munlockall(m, pid));
}

/* See mmsim.h. */
int64_t mmsim_set_vma_anon_name(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, const char *name)
{
	if (!API_SERVES(m, set_vma_anon_name))
		return -EOPNOTSUPP;
	return api_result(m, "prctl", m->ops->set_vma_anon_name(m, pid, addr, len, name));
}

/* See mmsim.h. */
int64_t mmsim_prctl_set_mm(mmsim_machine *m, int pid, int opt, uint64_t addr)
{
	if (!API_SERVES(m, prctl_set_mm))
		return -EOPNOTSUPP;
	return api_result(m, "prctl", m->ops->prctl_set_mm(m, pid, opt, addr));
}

/* The end of an access: a fatal fault is reported in the message (and in
 * *out when the caller asked), in the same words for every backend. */
static int access_result(mmsim_machine *m, int pid, int rc, const struct mmsim_fault *f,
			 struct mmsim_fault *out)
{
	if (rc == -EFAULT) {
		if (out)
			*out = *f;
		return backend_fail(m, -EFAULT, "pid %d: %s (%s) at %#llx", pid, mmsim_signal_name(f->signo),
				    mmsim_sigcode_name(f->signo, f->code), (unsigned long long)f->addr);
	}
	return (int)api_result(m, "access", rc);
}

/* An access kind the hardware knows, or -EINVAL recorded on m. */
static int check_kind(mmsim_machine *m, enum mmsim_access kind)
{
	if ((unsigned)kind > MMSIM_FETCH)
		return backend_fail(m, -EINVAL, "access kind %d: use read, write or fetch", (int)kind);
	return 0;
}

/* See mmsim.h. */
int mmsim_access(mmsim_machine *m, int pid, uint64_t addr, void *buf, size_t len,
		 enum mmsim_access kind, struct mmsim_fault *fault)
{
	struct mmsim_fault f = { 0 };
	if (!API_SERVES(m, access))
		return -EOPNOTSUPP;
	if (check_kind(m, kind))
		return -EINVAL;
	return access_result(m, pid, m->ops->access(m, pid, addr, buf, len, kind, &f), &f, fault);
}

/* See mmsim.h. */
int mmsim_interleave(mmsim_machine *m, struct mmsim_step *steps, size_t n, struct mmsim_fault *fault)
{
	struct mmsim_fault f = { 0 };
	if (!API_SERVES(m, interleave))
		return -EOPNOTSUPP;
	int rc = m->ops->interleave(m, steps, n, &f);
	if (rc == -EFAULT && fault)
		*fault = f;
	return (int)api_result(m, "interleave", rc);
}

/* See mmsim.h. */
int mmsim_touch(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, enum mmsim_access kind,
		struct mmsim_fault *fault)
{
	struct mmsim_fault f = { 0 };
	if (!API_SERVES(m, touch))
		return -EOPNOTSUPP;
	if (check_kind(m, kind))
		return -EINVAL;
	return access_result(m, pid, m->ops->touch(m, pid, addr, len, kind, &f), &f, fault);
}

/* Bytes 8 to 11 of r (its size, kind and flags) as a native word. */
static inline uint32_t ref_word(const struct mmsim_ref *r)
{
	uint32_t w;
	memcpy(&w, &r->size, sizeof w);
	return w;
}

/* The OR over refs[0..n-1] of (size | kind << 16 | flags << 24) - 1: bits
 * 12 and up are clear when every size is 1 to 4096, every kind below 4
 * and every flags 0 (a size of 0 borrows and sets bits 12 to 15). On a
 * little-endian host that word is one load, four refs at a time. */
static uint32_t refs_bits(const struct mmsim_ref *refs, size_t n)
{
	uint32_t bits = 0;
	size_t i = 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	_Static_assert(offsetof(struct mmsim_ref, kind) == offsetof(struct mmsim_ref, size) + 2 &&
		       offsetof(struct mmsim_ref, flags) == offsetof(struct mmsim_ref, size) + 3, "size, kind, flags");
	for (; i + 4 <= n; i += 4)
		bits |= (ref_word(&refs[i]) - 1) | (ref_word(&refs[i + 1]) - 1) | (ref_word(&refs[i + 2]) - 1) |
			(ref_word(&refs[i + 3]) - 1);
#endif
	for (; i < n; i++)
		bits |= ((uint32_t)refs[i].size | (uint32_t)refs[i].kind << 16 | (uint32_t)refs[i].flags << 24) - 1;
	return bits;
}

/* See mmsim.h. The refs are checked before any runs. */
int mmsim_access_batch(mmsim_machine *m, int pid, const struct mmsim_ref *refs, size_t n,
		       uint8_t *outcome, size_t *done, struct mmsim_fault *fault)
{
	struct mmsim_fault f = { 0 };
	size_t ran = 0;
	if (done)
		*done = 0;
	if (!API_SERVES(m, access_batch))
		return -EOPNOTSUPP;
	/* Without a branch (the replay's batches are long): size - 1 below 4096
	 * (12 bits; a size of 0 borrows and sets bits 12 to 15), kind below 4
	 * (2 bits), flags 0. */
	uint32_t bits = refs_bits(refs, n);
	for (size_t i = 0; bits & ~(0xfffu | 3u << 16) && i < n; i++) {
		const struct mmsim_ref *r = &refs[i];
		if (r->kind > MMSIM_MODIFY || r->size == 0 || r->size > 4096 || r->flags)
			return backend_fail(m, -EINVAL, "access_batch: ref %zu: %s %u", i,
					    r->kind > MMSIM_MODIFY ? "kind" : r->flags ? "flags" : "size",
					    r->kind > MMSIM_MODIFY ? r->kind : r->flags ? r->flags : r->size);
	}
	if (!n)
		return 0;
	int rc = m->ops->access_batch(m, pid, refs, n, outcome, &ran, &f);
	if (done)
		*done = ran;
	return access_result(m, pid, rc, &f, fault);
}

/* A segment register of enum mmsim_seg, or -EINVAL recorded on m. */
static int check_seg(mmsim_machine *m, enum mmsim_seg seg)
{
	if ((unsigned)seg > MMSIM_SEG_GS)
		return backend_fail(m, -EINVAL, "segment register %d: use es, cs, ss, ds, fs or gs", (int)seg);
	return 0;
}

/* See mmsim.h. */
int mmsim_load_segment(mmsim_machine *m, int pid, enum mmsim_seg seg, unsigned sel, struct mmsim_fault *fault)
{
	struct mmsim_fault f = { 0 };
	if (!API_SERVES(m, load_segment))
		return -EOPNOTSUPP;
	if (check_seg(m, seg))
		return -EINVAL;
	if (sel > 0xffff)
		return backend_fail(m, -EINVAL, "selector %#x: selectors are 16 bits", sel);
	return access_result(m, pid, m->ops->load_segment(m, pid, seg, sel, &f), &f, fault);
}

/* See mmsim.h. */
int mmsim_access_seg(mmsim_machine *m, int pid, enum mmsim_seg seg, uint64_t off, void *buf, size_t len,
		     enum mmsim_access kind, struct mmsim_fault *fault)
{
	struct mmsim_fault f = { 0 };
	if (!API_SERVES(m, access_seg))
		return -EOPNOTSUPP;
	if (check_kind(m, kind) || check_seg(m, seg))
		return -EINVAL;
	if ((kind == MMSIM_FETCH) != (seg == MMSIM_SEG_CS))
		return backend_fail(m, -EINVAL, "%s through %s: fetches go through cs, data through the other "
				    "registers", kind == MMSIM_FETCH ? "a fetch" : "a data access",
				    seg == MMSIM_SEG_CS ? "cs" : "a data segment register");
	if (len == 0 || len > 4096)
		return backend_fail(m, -EINVAL, "length %zu: a segment-relative access moves 1 to 4096 bytes", len);
	return access_result(m, pid, m->ops->access_seg(m, pid, seg, off, buf, len, kind, &f), &f, fault);
}

/* See mmsim.h. */
int mmsim_virt_to_phys(mmsim_machine *m, int pid, uint64_t va, uint64_t *pa)
{
	if (!API_SERVES(m, virt_to_phys))
		return -EOPNOTSUPP;
	return (int)api_result(m, "virt_to_phys", m->ops->virt_to_phys(m, pid, va, pa));
}

/* See mmsim.h. */
int mmsim_migrate_page(mmsim_machine *m, int pid, uint64_t va, uint64_t *pfn)
{
	if (!API_SERVES(m, migrate_page))
		return -EOPNOTSUPP;
	return (int)api_result(m, "migrate_page", m->ops->migrate_page(m, pid, va, pfn));
}

/* ---- file system calls ---------------------------------------------------------- */

/* See mmsim.h. */
int mmsim_open(mmsim_machine *m, int pid, const char *path, unsigned flags, unsigned mode)
{
	if (!API_SERVES(m, open))
		return -EOPNOTSUPP;
	return (int)api_result(m, "open", m->ops->open(m, pid, path, flags, mode));
}

/* See mmsim.h. */
int mmsim_close(mmsim_machine *m, int pid, int fd)
{
	if (!API_SERVES(m, close))
		return -EOPNOTSUPP;
	return (int)api_result(m, "close", m->ops->close(m, pid, fd));
}

/* See mmsim.h. */
int mmsim_dup(mmsim_machine *m, int pid, int fd)
{
	if (!API_SERVES(m, dup))
		return -EOPNOTSUPP;
	return (int)api_result(m, "dup", m->ops->dup(m, pid, fd));
}

/* See mmsim.h. */
int64_t mmsim_pread(mmsim_machine *m, int pid, int fd, void *buf, uint64_t len, int64_t offset)
{
	if (!API_SERVES(m, pread))
		return -EOPNOTSUPP;
	return api_result(m, "pread64", m->ops->pread(m, pid, fd, buf, len, offset));
}

/* See mmsim.h. */
int64_t mmsim_pwrite(mmsim_machine *m, int pid, int fd, const void *buf, uint64_t len, int64_t offset)
{
	if (!API_SERVES(m, pwrite))
		return -EOPNOTSUPP;
	return api_result(m, "pwrite64", m->ops->pwrite(m, pid, fd, buf, len, offset));
}

/* See mmsim.h. */
int mmsim_ftruncate(mmsim_machine *m, int pid, int fd, int64_t length)
{
	if (!API_SERVES(m, ftruncate))
		return -EOPNOTSUPP;
	return (int)api_result(m, "ftruncate", m->ops->ftruncate(m, pid, fd, length));
}

/* See mmsim.h. */
int mmsim_unlink(mmsim_machine *m, int pid, const char *path)
{
	if (!API_SERVES(m, unlink))
		return -EOPNOTSUPP;
	return (int)api_result(m, "unlink", m->ops->unlink(m, pid, path));
}

/* See mmsim.h. */
int mmsim_fstat(mmsim_machine *m, int pid, int fd, struct mmsim_file_stat *st)
{
	if (!API_SERVES(m, fstat))
		return -EOPNOTSUPP;
	return (int)api_result(m, "fstat", m->ops->fstat(m, pid, fd, st));
}

/* See mmsim.h. */
int mmsim_memfd_create(mmsim_machine *m, int pid, const char *name, unsigned flags)
{
	if (!API_SERVES(m, memfd_create))
		return -EOPNOTSUPP;
	return (int)api_result(m, "memfd_create", m->ops->memfd_create(m, pid, name, flags));
}

/* See mmsim.h. */
int mmsim_fsync(mmsim_machine *m, int pid, int fd)
{
	if (!API_SERVES(m, fsync))
		return -EOPNOTSUPP;
	return (int)api_result(m, "fsync", m->ops->fsync(m, pid, fd, 0));
}

/* See mmsim.h. */
int mmsim_fdatasync(mmsim_machine *m, int pid, int fd)
{
	if (!API_SERVES(m, fsync))
		return -EOPNOTSUPP;
	return (int)api_result(m, "fdatasync", m->ops->fsync(m, pid, fd, 1));
}

/* See mmsim.h. */
int mmsim_fadvise(mmsim_machine *m, int pid, int fd, int64_t offset, int64_t len, int advice)
{
	if (!API_SERVES(m, fadvise))
		return -EOPNOTSUPP;
	return (int)api_result(m, "fadvise64", m->ops->fadvise(m, pid, fd, offset, len, advice));
}

/* See mmsim.h. */
int64_t mmsim_msync(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int flags)
{
	if (!API_SERVES(m, msync))
		return -EOPNOTSUPP;
	return api_result(m, "msync", m->ops->msync(m, pid, addr, len, flags));
}

/* See mmsim.h. */
int mmsim_mincore(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned char *vec)
{
	if (!API_SERVES(m, mincore))
		return -EOPNOTSUPP;
	return (int)api_result(m, "mincore", m->ops->mincore(m, pid, addr, len, vec));
}

/* See mmsim.h. */
int mmsim_set_mempolicy(mmsim_machine *m, int pid, int mode, const uint64_t *nmask, uint64_t maxnode)
{
	if (!API_SERVES(m, set_mempolicy))
		return -EOPNOTSUPP;
	return (int)api_result(m, "set_mempolicy", m->ops->set_mempolicy(m, pid, mode, nmask, maxnode));
}

/* See mmsim.h. */
int mmsim_get_mempolicy(mmsim_machine *m, int pid, int *policy, uint64_t *nmask, uint64_t maxnode, uint64_t addr,
			unsigned flags)
{
	if (!API_SERVES(m, get_mempolicy))
		return -EOPNOTSUPP;
	return (int)api_result(m, "get_mempolicy", m->ops->get_mempolicy(m, pid, policy, nmask, maxnode, addr, flags));
}
