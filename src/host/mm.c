/*
 * host/mm.c — the memory system calls and the accesses of a host task,
 * carried out by its helper. Results and errno are the real kernel's.
 */
#include "host/host.h"

#include <errno.h>
#include <string.h>
#include <time.h>

/* See host.h. */
int64_t host_request(mmsim_machine *m, int pid, enum host_op op, const uint64_t args[6], const void *payload,
		     size_t plen, void *data, size_t cap)
{
	struct host_machine *h = host_machine(m);
	struct host_task *t = host_task(h, pid);
	struct host_reply r;
	int err;
	if (!t)
		return -ESRCH;
	struct host_req q = { .op = op };
	memcpy(q.arg, args, sizeof q.arg);
	if ((err = host_call(h, t, &q, payload, plen, -1, &r, data, cap)))
		return err;
	return r.ret;
}

/* System call op of task pid with its arguments, done by the helper. The
 * result or a negative errno (brk never fails: it returns the old break
 * when refused). */
static int64_t host_syscall(mmsim_machine *m, int pid, enum host_op op, const uint64_t args[6])
{
	return host_request(m, pid, op, args, NULL, 0, NULL, 0);
}

/* See host.h. */
int64_t host_mmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned long prot,
		  unsigned long flags, int fd, uint64_t offset)
{
	return host_syscall(m, pid, HOST_OP_MMAP, (uint64_t[6]){ addr, len, prot, flags, (uint64_t)fd, offset });
}

/* See host.h. */
int64_t host_munmap(mmsim_machine *m, int pid, uint64_t addr, uint64_t len)
{
	return host_syscall(m, pid, HOST_OP_MUNMAP, (uint64_t[6]){ addr, len });
}

/* See host.h. */
int64_t host_mprotect(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned long prot)
{
	return host_syscall(m, pid, HOST_OP_MPROTECT, (uint64_t[6]){ addr, len, prot });
}

/* See host.h. */
int64_t host_mremap(mmsim_machine *m, int pid, uint64_t old_addr, uint64_t old_len, uint64_t new_len,
		    unsigned long flags, uint64_t new_addr)
{
	return host_syscall(m, pid, HOST_OP_MREMAP, (uint64_t[6]){ old_addr, old_len, new_len, flags, new_addr });
}

/* See host.h. */
int64_t host_brk(mmsim_machine *m, int pid, uint64_t addr)
{
	return host_syscall(m, pid, HOST_OP_BRK, (uint64_t[6]){ addr });
}

/* See host.h. */
int64_t host_madvise(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int advice)
{
	return host_syscall(m, pid, HOST_OP_MADVISE, (uint64_t[6]){ addr, len, (uint64_t)advice });
}

/* See host.h. */
int64_t host_mlock2(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned flags)
{
	return host_syscall(m, pid, HOST_OP_MLOCK2, (uint64_t[6]){ addr, len, flags });
}

/* See host.h. */
int64_t host_munlock(mmsim_machine *m, int pid, uint64_t addr, uint64_t len)
{
	return host_syscall(m, pid, HOST_OP_MUNLOCK, (uint64_t[6]){ addr, len });
}

/* See host.h. */
int64_t host_mlockall(mmsim_machine *m, int pid, int flags)
{
	return host_syscall(m, pid, HOST_OP_MLOCKALL, (uint64_t[6]){ (uint64_t)flags });
}

/* See host.h. */
int64_t host_munlockall(mmsim_machine *m, int pid)
{
	return host_syscall(m, pid, HOST_OP_MUNLOCKALL, (uint64_t[6]){ 0 });
}

/* See host.h. */
int64_t host_set_vma_anon_name(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, const char *name)
{
	struct host_machine *h = host_machine(m);
	struct host_task *t = host_task(h, pid);
	struct host_reply r;
	int err;
	if (!t)
		return -ESRCH;
	size_t n = name ? strlen(name) + 1 : 0;
	if (n > HOST_CHUNK)
		return -EINVAL;
	struct host_req q = { .op = HOST_OP_SET_VMA_NAME, .arg = { addr, len, name != NULL } };
	if ((err = host_call(h, t, &q, name, n, -1, &r, NULL, 0)))
		return err;
	return r.ret;
}

/* One request of an access; the reply's bytes to data; a fatal fault's
 * signal in *fault. */
static int access_chunk(struct host_machine *h, struct host_task *t, const struct host_req *q,
			const void *payload, size_t plen, void *data, size_t cap, struct mmsim_fault *fault)
{
	struct host_reply r;
	int err = host_call(h, t, q, payload, plen, -1, &r, data, cap);
	if (err == -EFAULT)
		*fault = (struct mmsim_fault){ r.signo, r.code, r.addr, r.trapno, r.error_code };
	if (!err && r.ret < 0)
		return (int)r.ret;
	return err;
}

/* See host.h. A long access is several requests of HOST_CHUNK bytes; one
 * of 1, 2, 4 or 8 bytes is one instruction in the helper too. */
int host_access(mmsim_machine *m, int pid, uint64_t addr, void *buf, size_t len, enum mmsim_access kind,
		struct mmsim_fault *fault)
{
	struct host_machine *h = host_machine(m);
	if (!buf)
		return host_touch(m, pid, addr, len, kind, fault);
	if (!len)
		return host_task(h, pid) ? 0 : -ESRCH;
	bool insn = len == 1 || len == 2 || len == 4 || len == 8;
	for (size_t off = 0; off < len; off += HOST_CHUNK) {
		struct host_task *t = host_task(h, pid);
		size_t n = len - off < HOST_CHUNK ? len - off : HOST_CHUNK;
		int err;
		if (!t)
			return -ESRCH;
		struct host_req q = { .arg = { addr + off, n } };
		q.arg[HOST_ARG_INSN] = insn;
		if (kind == MMSIM_WRITE) {
			q.op = HOST_OP_WRITE;
			err = access_chunk(h, t, &q, (const char *)buf + off, n, NULL, 0, fault);
		} else {
			q.op = kind == MMSIM_READ ? HOST_OP_READ : HOST_OP_FETCH;
			err = access_chunk(h, t, &q, NULL, 0, (char *)buf + off, n, fault);
		}
		if (err)
			return err;
	}
	return 0;
}

/* See host.h. */
int host_touch(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, enum mmsim_access kind,
	       struct mmsim_fault *fault)
{
	struct host_machine *h = host_machine(m);
	struct host_task *t = host_task(h, pid);
	if (!t)
		return -ESRCH;
	struct host_req q = { .op = HOST_OP_TOUCH, .arg = { addr, len, (uint64_t)kind } };
	return access_chunk(h, t, &q, NULL, 0, NULL, 0, fault);
}

/* See host.h. */
int64_t host_msync(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, int flags)
{
	return host_syscall(m, pid, HOST_OP_MSYNC, (uint64_t[6]){ addr, len, (uint64_t)(unsigned)flags });
}

/* See host.h. Real time passes: the host kernel's timers run on their own. */
int host_sleep(mmsim_machine *m, uint64_t ms)
{
	if (ms > 3600 * 1000)
		return host_fail(host_machine(m), -EINVAL, "sleep: %llu ms is more than an hour", (unsigned long long)ms);
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	return 0;
}

/* See host.h. In requests of HOST_CHUNK pages: a request's answer is one
 * byte a page. */
int host_mincore(mmsim_machine *m, int pid, uint64_t addr, uint64_t len, unsigned char *vec)
{
	uint64_t pages = (len + 4095) / 4096, done = 0;
	if (!vec)
		return -EFAULT;
	do {
		uint64_t n = pages - done < HOST_CHUNK ? pages - done : HOST_CHUNK;
		uint64_t l = done + n == pages ? len - done * 4096 : n * 4096;
		int64_t r = host_request(m, pid, HOST_OP_MINCORE, (uint64_t[6]){ addr + done * 4096, l }, NULL, 0,
					 vec + done, n);
		if (r < 0)
			return (int)r;
		done += n;
	} while (done < pages);
	return 0;
}

/* See host.h. The mask travels after the request. */
int host_set_mempolicy(mmsim_machine *m, int pid, int mode, const uint64_t *nmask, uint64_t maxnode)
{
	uint64_t words = maxnode > 1 ? (maxnode - 1 + 63) / 64 : 0;
	if (words > MMSIM_MPOL_MASK_WORDS)
		words = MMSIM_MPOL_MASK_WORDS;    /* the kernel refuses a longer mask before reading it */
	return (int)host_request(m, pid, HOST_OP_SET_MEMPOLICY, (uint64_t[6]){ (uint64_t)(int64_t)mode, maxnode, nmask != NULL },
				 nmask, nmask ? words * 8 : 0, NULL, 0);
}

/* See host.h. The policy and the mask come back after the reply. */
int host_get_mempolicy(mmsim_machine *m, int pid, int *policy, uint64_t *nmask, uint64_t maxnode, uint64_t addr,
		       unsigned flags)
{
	uint64_t words = nmask && maxnode > 1 ? (maxnode - 1 + 63) / 64 : 0;
	uint64_t buf[1 + MMSIM_MPOL_MASK_WORDS];
	if (words > MMSIM_MPOL_MASK_WORDS)
		words = MMSIM_MPOL_MASK_WORDS;    /* the kernel refuses a longer mask before writing it */
	for (uint64_t w = 0; w < words; w++)
		buf[1 + w] = nmask[w];            /* the words the kernel does not write stay */
	int64_t r = host_request(m, pid, HOST_OP_GET_MEMPOLICY,
				 (uint64_t[6]){ maxnode, addr, flags, policy != NULL, nmask ? words : 0 }, NULL, 0, buf,
				 (1 + words) * 8);
	if (r < 0)
		return (int)r;
	if (policy)
		*policy = (int)buf[0];
	for (uint64_t w = 0; w < words; w++)
		nmask[w] = buf[1 + w];
	return 0;
}
