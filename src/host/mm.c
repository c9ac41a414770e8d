/*
 * host/mm.c — the memory system calls and the accesses of a host task,
 * carried out by its helper. Results and errno are the real kernel's.
 */
#include "host/host.h"

#include <errno.h>
#include <string.h>

/* See host.h. brk never fails (it returns the old break when refused). */
int64_t host_syscall(struct host_machine *h, int pid, enum host_op op, const char *name, const uint64_t args[6])
{
	struct host_task *t = host_task(h, pid);
	struct host_reply r;
	int err;
	if (!t)
		return -ESRCH;
	struct host_req q = { .op = op };
	memcpy(q.arg, args, sizeof q.arg);
	if ((err = host_call(h, t, &q, NULL, 0, -1, &r, NULL, 0)))
		return err;
	if (r.ret < 0 && r.ret >= -4095)
		host_fail(h, (int)r.ret, "%s: %s", name, mmsim_strerror((int)r.ret));
	return r.ret;
}

/* See host.h. */
int64_t host_set_vma_anon_name(struct host_machine *h, int pid, uint64_t addr, uint64_t len, const char *name)
{
	struct host_task *t = host_task(h, pid);
	struct host_reply r;
	int err;
	if (!t)
		return -ESRCH;
	size_t n = name ? strlen(name) + 1 : 0;
	if (n > HOST_CHUNK)
		return host_fail(h, -EINVAL, "prctl: EINVAL");
	struct host_req q = { .op = HOST_OP_SET_VMA_NAME, .arg = { addr, len, name != NULL } };
	if ((err = host_call(h, t, &q, name, n, -1, &r, NULL, 0)))
		return err;
	if (r.ret < 0)
		host_fail(h, (int)r.ret, "prctl: %s", mmsim_strerror((int)r.ret));
	return r.ret;
}

/* A fatal fault's report, in the simulator's words. */
static int fatal(struct host_machine *h, int pid, const struct host_reply *r, struct mmsim_fault *fault)
{
	if (fault)
		*fault = (struct mmsim_fault){ r->signo, r->code, r->addr, r->trapno, r->error_code };
	return host_fail(h, -EFAULT, "pid %d: %s (%s) at %#llx", pid, mmsim_signal_name(r->signo),
			 mmsim_sigcode_name(r->signo, r->code), (unsigned long long)r->addr);
}

/* One request of an access; the reply's bytes to data. */
static int access_chunk(struct host_machine *h, struct host_task *t, const struct host_req *q,
			const void *payload, size_t plen, void *data, size_t cap, struct mmsim_fault *fault)
{
	struct host_reply r;
	int pid = t->pid;
	int err = host_call(h, t, q, payload, plen, -1, &r, data, cap);
	if (err == -EFAULT)
		return fatal(h, pid, &r, fault);
	if (!err && r.ret < 0)
		return host_fail(h, (int)r.ret, "access: %s", mmsim_strerror((int)r.ret));
	return err;
}

/* See host.h. A long access is several requests of HOST_CHUNK bytes. */
int host_access(struct host_machine *h, int pid, uint64_t addr, void *buf, size_t len, enum mmsim_access kind,
		struct mmsim_fault *fault)
{
	if ((unsigned)kind > MMSIM_FETCH)
		return host_fail(h, -EINVAL, "access kind %d: use read, write or fetch", (int)kind);
	if (!buf)
		return host_touch(h, pid, addr, len, kind, fault);
	if (!len)
		return host_task(h, pid) ? 0 : -ESRCH;
	for (size_t off = 0; off < len; off += HOST_CHUNK) {
		struct host_task *t = host_task(h, pid);
		size_t n = len - off < HOST_CHUNK ? len - off : HOST_CHUNK;
		int err;
		if (!t)
			return -ESRCH;
		struct host_req q = { .arg = { addr + off, n } };
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
int host_touch(struct host_machine *h, int pid, uint64_t addr, uint64_t len, enum mmsim_access kind,
	       struct mmsim_fault *fault)
{
	struct host_task *t = host_task(h, pid);
	if (!t)
		return -ESRCH;
	if ((unsigned)kind > MMSIM_FETCH)
		return host_fail(h, -EINVAL, "access kind %d: use read, write or fetch", (int)kind);
	struct host_req q = { .op = HOST_OP_TOUCH, .arg = { addr, len, (uint64_t)kind } };
	return access_chunk(h, t, &q, NULL, 0, NULL, 0, fault);
}
