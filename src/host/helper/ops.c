/*
 * host/helper/ops.c — one request: a real system call, or real loads and
 * stores, inside a measured window (getrusage(RUSAGE_THREAD) just before
 * and just after), so the reply's fault counts are those of the operation.
 *
 * A read or write of 1, 2, 4 or 8 bytes (a request with HOST_ARG_INSN) is
 * one instruction, a MOV of that width, as in the simulator: one that
 * straddles two pages and faults on the second stores nothing (the CPU
 * translates both pages before it stores), and the fault's address is the
 * first byte of the page that faulted.
 * Other lengths go byte by byte (loads and stores of a byte), a copy loop
 * that stops at the first byte of a page that faults, so the bytes before
 * it have moved, as the simulator's page-at-a-time loop moves them.
 * A write-touch is a locked OR of zero: one write access that keeps the
 * byte. A fetch never executes script bytes: it reads them (the same demand
 * fault: the kernel's access_error treats a not-present fetch as a read),
 * after looking at the VMA's permissions in /proc/self/maps. Where the VMA
 * is not executable the fetch would fault again on the now present page
 * with PF_PROT|PF_USER|PF_INSTR (0x15; 0x14 in a PROT_NONE VMA, which the
 * first fault already refuses): the helper reports that SIGSEGV
 * (SEGV_ACCERR) as the CPU and kernel would raise it, and dies of it.
 */
#include "host/helper/helper.h"

#define EINVAL_ 22
#define EFAULT_ 14
#define EAGAIN_ 11

/* See helper.h. */
void window_open(struct hctx *c)
{
	sys2(__NR_getrusage, K_RUSAGE_THREAD, &c->start);
}

/* Close the window with the counts in *now. */
static void window_account(struct hctx *c, const struct k_rusage *now)
{
	helper_io.out.rep.minflt = (uint64_t)(now->minflt - c->start.minflt);
	helper_io.out.rep.majflt = (uint64_t)(now->majflt - c->start.majflt);
	c->minflt += helper_io.out.rep.minflt;
	c->majflt += helper_io.out.rep.majflt;
}

/* See helper.h. */
void window_close(struct hctx *c)
{
	struct k_rusage now;
	sys2(__NR_getrusage, K_RUSAGE_THREAD, &now);
	window_account(c, &now);
}

/* A system call inside a window. */
static long measured(struct hctx *c, long nr, const uint64_t *a)
{
	window_open(c);
	long r = sys6(nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4], (long)a[5]);
	window_close(c);
	return r;
}

/* A fetch the kernel refuses: report SIGSEGV as the CPU and kernel would,
 * and die. */
__attribute__((noreturn)) static void refuse_fetch(struct hctx *c, uint64_t addr, bool present)
{
	window_close(c);
	helper_io.out.rep.kind = HOST_FAULT;
	helper_io.out.rep.signo = K_SIGSEGV;
	helper_io.out.rep.code = 2;                       /* SEGV_ACCERR */
	helper_io.out.rep.addr = addr;
	helper_io.out.rep.trapno = 14;
	helper_io.out.rep.error_code = 0x14 | (present ? 1 : 0);   /* user, instruction [, protection] */
	helper_reply(c, 0);
	helper_exit(128 + K_SIGSEGV);
}

/* Every access to the script's memory addresses it through RDI ("D"): an
 * access through RBP or RSP is a stack reference, #SS (SIGBUS) instead of
 * #GP (SIGSEGV) at a non-canonical address, and a compiler may give an "r"
 * operand RBP (clang does). peek8 loads a byte at a, poke8 stores b there. */
static inline uint8_t peek8(uint64_t a)
{
	uint32_t v;
	__asm__ volatile("movzbl (%1), %0" : "=r"(v) : "D"(a) : "memory");
	return (uint8_t)v;
}

static inline void poke8(uint64_t a, uint8_t b)
{
	__asm__ volatile("movb %1, (%0)" : : "D"(a), "q"(b) : "memory");
}

/* Fetch check of the page holding addr, before it is read: dies when a
 * fetch there would be refused (a PROT_NONE VMA: at once; another that is
 * not executable: once a read has mapped the page, as the first fault
 * would). Returns false when no VMA holds addr yet (the read may grow a
 * stack; check_fetch_after then decides). */
static bool check_fetch(struct hctx *c, uint64_t addr)
{
	struct maps_vma v;
	if (!maps_find(helper_io.maps, sizeof helper_io.maps, addr, &v))
		return false;
	if (v.perms[0] == '-' && v.perms[1] == '-' && v.perms[2] == '-')
		refuse_fetch(c, addr, false);      /* PROT_NONE: not accessible, and P=0 */
	if (v.perms[2] != 'x') {
		(void)peek8(addr);                 /* the first fault maps the page */
		refuse_fetch(c, addr, true);
	}
	return true;
}

/* After reading where no VMA was: the read grew a stack; a fetch would
 * have grown it too (and mapped the page), then been refused unless the
 * stack is executable. */
static void check_fetch_after(struct hctx *c, uint64_t addr)
{
	struct maps_vma v;
	if (maps_find(helper_io.maps, sizeof helper_io.maps, addr, &v) && v.perms[2] != 'x')
		refuse_fetch(c, addr, true);
}

/* One load of len bytes (1, 2, 4 or 8) at addr, little-endian into out. */
static void load_one(uint64_t addr, uint8_t *out, uint64_t len)
{
	uint64_t v;
	switch (len) {
	case 1: __asm__ volatile("movzbl (%1), %k0" : "=r"(v) : "D"(addr) : "memory"); break;
	case 2: __asm__ volatile("movzwl (%1), %k0" : "=r"(v) : "D"(addr) : "memory"); break;
	case 4: __asm__ volatile("movl (%1), %k0" : "=r"(v) : "D"(addr) : "memory"); break;
	default: __asm__ volatile("movq (%1), %0" : "=r"(v) : "D"(addr) : "memory"); break;
	}
	for (uint64_t i = 0; i < len; i++)
		out[i] = (uint8_t)(v >> (8 * i));
}

/* One store of the len bytes (1, 2, 4 or 8) of in at addr. */
static void store_one(uint64_t addr, const uint8_t *in, uint64_t len)
{
	uint64_t v = 0;
	for (uint64_t i = 0; i < len; i++)
		v |= (uint64_t)in[i] << (8 * i);
	switch (len) {
	case 1: __asm__ volatile("movb %b1, (%0)" : : "D"(addr), "r"(v) : "memory"); break;
	case 2: __asm__ volatile("movw %w1, (%0)" : : "D"(addr), "r"(v) : "memory"); break;
	case 4: __asm__ volatile("movl %k1, (%0)" : : "D"(addr), "r"(v) : "memory"); break;
	default: __asm__ volatile("movq %1, (%0)" : : "D"(addr), "r"(v) : "memory"); break;
	}
}

/* Store the len bytes of in at addr: one instruction (insn), or byte by
 * byte. */
static void store(uint64_t addr, const uint8_t *in, uint64_t len, bool insn)
{
	if (insn) {
		store_one(addr, in, len);
		return;
	}
	for (uint64_t i = 0; i < len; i++)
		poke8(addr + i, in[i]);
}

/* Copy len bytes at addr into out, as loads (kind 0; one instruction with
 * insn) or fetches (2). */
static void load(struct hctx *c, uint64_t addr, uint8_t *out, uint64_t len, int kind, bool insn)
{
	if (kind == 0 && out && insn) {
		load_one(addr, out, len);
		return;
	}
	for (uint64_t i = 0; i < len;) {
		uint64_t a = addr + i, n = ((a | 0xfff) + 1) - a;
		if (n > len - i)
			n = len - i;
		bool known = kind != 2 || check_fetch(c, a);
		for (uint64_t j = 0; j < n; j++) {
			uint8_t b = peek8(a + j);
			if (out)
				out[i + j] = b;
		}
		if (!known)
			check_fetch_after(c, a);
		i += n;
	}
}

/* One access per page of [addr, addr + len), as mmsim_touch. */
static void touch(struct hctx *c, uint64_t addr, uint64_t len, int kind)
{
	for (uint64_t a = addr; a < addr + len && a >= addr; a = (a | 0xfff) + 1) {
		if (kind == 1)
			__asm__ volatile("lock orb $0, (%0)" : : "D"(a) : "memory");
		else
			load(c, a, 0, 1, kind, false);
	}
}

/* Move the calling thread to core. 0 or a negative errno. */
static long set_core(int core)
{
	uint64_t mask[16];
	if (core < 0 || core >= 1024)
		return -EINVAL_;
	memset(mask, 0, sizeof mask);
	mask[core / 64] = 1ULL << (core % 64);
	return sys3(__NR_sched_setaffinity, 0, sizeof mask, mask);
}

/* Write value to the process's own /proc/self/oom_score_adj, with the
 * helper's (no) capabilities. 0 or a negative errno. */
static long set_oom_score_adj(long value)
{
	char text[24], *p = text + sizeof text;
	unsigned long v = value < 0 ? (unsigned long)-value : (unsigned long)value;
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	if (value < 0)
		*--p = '-';
	long fd = sys4(__NR_openat, K_AT_FDCWD, "/proc/self/oom_score_adj", K_O_WRONLY | K_O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	long n = sys3(__NR_write, fd, p, text + sizeof text - p);
	sys1(__NR_close, fd);
	return n < 0 ? n : 0;
}

/* Start over on the top of a stack, serving c: a forked child must not
 * keep its parent's frames, or each generation would use more stack. */
__attribute__((noreturn)) static void restart(struct hctx *c, void *top)
{
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "mov %1, %%rdi\n\t"
			 "call helper_serve\n\t"
			 "hlt"
			 :
			 : "r"(top), "r"(c)
			 : "memory");
	__builtin_unreachable();
}


/* The child of a fork: only the forking thread lives on, with the new
 * channel and fault counts from zero (as Linux's copy_process). */
__attribute__((noreturn)) static void fork_child(struct hctx *c, int nfd, int core)
{
	for (int i = 0; i < HELPER_MAX_THREADS; i++)
		if (helper_threads[i].fd >= 0) {
			sys1(__NR_close, helper_threads[i].fd);
			if (&helper_threads[i] != c)
				helper_threads[i].fd = -1;
		}
	c->fd = nfd;
	c->tid = (int)sys0(__NR_gettid);
	c->minflt = c->majflt = 0;
	if (core >= 0)
		set_core(core);
	self_prefault();
	restart(c, c == &helper_threads[0] ? helper_stack_top : c->stack + HELPER_STACK);
}

/* fork: the window covers the system call only (self_fork). */
static long do_fork(struct hctx *c, int nfd, int core)
{
	struct k_rusage after;
	if (nfd < 0)
		return -EINVAL_;
	window_open(c);
	long pid = self_fork(&after);
	if (pid == 0)
		fork_child(c, nfd, core);
	if (pid > 0)
		window_account(c, &after);
	else
		window_close(c);
	sys1(__NR_close, nfd);
	self_prefault();                   /* own pages are copy-on-write now */
	return pid;
}

/* A new thread's first steps. */
static void thread_main(void *arg)
{
	struct hctx *t = arg;
	t->tid = (int)sys0(__NR_gettid);
	if (t->core >= 0)
		set_core(t->core);
	helper_serve(t);
}

/* A thread on a free slot, serving channel nfd. */
static long do_thread(struct hctx *c, int nfd, int core)
{
	struct hctx *t = 0;
	for (int i = 1; i < HELPER_MAX_THREADS && !t; i++)
		if (helper_threads[i].fd < 0)
			t = &helper_threads[i];
	if (nfd < 0 || !t) {
		if (nfd >= 0)
			sys1(__NR_close, nfd);
		return nfd < 0 ? -EINVAL_ : -EAGAIN_;
	}
	t->fd = nfd;
	t->core = core;
	t->minflt = t->majflt = 0;
	t->tid = -1;
	window_open(c);
	long tid = self_clone_thread(t->stack + HELPER_STACK, &t->tid, thread_main, t);
	window_close(c);
	if (tid < 0)
		t->fd = -1;
	return tid;
}

/* The fault totals of this thread, or of every thread of the process. */
static void stats(struct hctx *c, bool process)
{
	helper_io.out.rep.minflt = helper_io.out.rep.majflt = 0;
	for (int i = 0; i < HELPER_MAX_THREADS; i++) {
		struct hctx *t = &helper_threads[i];
		if (t == c || (process && t->fd >= 0)) {
			helper_io.out.rep.minflt += t->minflt;
			helper_io.out.rep.majflt += t->majflt;
		}
	}
}

/* A system call whose numbers map one to one. */
static long simple_call(struct hctx *c, uint32_t op)
{
	static const long nr[HOST_NR_OPS] = {
		[HOST_OP_MMAP] = __NR_mmap, [HOST_OP_MUNMAP] = __NR_munmap,
		[HOST_OP_MPROTECT] = __NR_mprotect, [HOST_OP_MREMAP] = __NR_mremap,
		[HOST_OP_BRK] = __NR_brk, [HOST_OP_MADVISE] = __NR_madvise,
		[HOST_OP_MLOCK2] = __NR_mlock2, [HOST_OP_MUNLOCK] = __NR_munlock,
		[HOST_OP_MLOCKALL] = __NR_mlockall, [HOST_OP_MUNLOCKALL] = __NR_munlockall,
		[HOST_OP_MSYNC] = __NR_msync,
	};
	return measured(c, nr[op], helper_io.in.req.arg);
}

/* prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, addr, len, name) */
static long set_vma_name(struct hctx *c, long got)
{
	const uint64_t *a = helper_io.in.req.arg;
	uint64_t args[6] = { K_PR_SET_VMA, K_PR_SET_VMA_ANON_NAME, a[0], a[1], 0, 0 };
	size_t n = (size_t)got - sizeof helper_io.in.req;
	if (a[2]) {
		if (!n || strnlen_((const char *)helper_io.in.data, n) == n)
			return -EINVAL_;
		args[4] = (uint64_t)helper_io.in.data;
	}
	return measured(c, __NR_prctl, args);
}

/* The NUL-terminated string after the request (a path or a name), or 0
 * when there is none. */
static const char *payload_string(long got)
{
	size_t n = (size_t)got - sizeof helper_io.in.req;
	const char *s = (const char *)helper_io.in.data;
	return n && strnlen_(s, n) < n ? s : 0;
}

/* The file system calls: the path, name or bytes travel after the request,
 * the bytes read or the struct stat after the reply (*out: their length). */
static long file_call(struct hctx *c, uint32_t op, long got, uint32_t *out)
{
	const uint64_t *a = helper_io.in.req.arg;
	const char *s = payload_string(got);
	long r;
	switch (op) {
	case HOST_OP_OPEN:
		return s ? measured(c, __NR_openat, (uint64_t[6]){ (uint64_t)K_AT_FDCWD, (uint64_t)s, a[0], a[1] })
			 : -EINVAL_;
	case HOST_OP_CLOSE:
		return measured(c, __NR_close, (uint64_t[6]){ a[0] });
	case HOST_OP_DUP:
		return measured(c, __NR_dup, (uint64_t[6]){ a[0] });
	case HOST_OP_PREAD:
		if (a[1] > HOST_CHUNK)
			return -EINVAL_;
		r = measured(c, __NR_pread64, (uint64_t[6]){ a[0], (uint64_t)helper_io.out.data, a[1], a[2] });
		*out = r > 0 ? (uint32_t)r : 0;
		return r;
	case HOST_OP_PWRITE:
		return measured(c, __NR_pwrite64, (uint64_t[6]){ a[0], (uint64_t)helper_io.in.data,
								(uint64_t)(got - (long)sizeof helper_io.in.req), a[1] });
	case HOST_OP_FTRUNCATE:
		return measured(c, __NR_ftruncate, (uint64_t[6]){ a[0], a[1] });
	case HOST_OP_UNLINK:
		return s ? measured(c, __NR_unlinkat, (uint64_t[6]){ (uint64_t)K_AT_FDCWD, (uint64_t)s, 0 }) : -EINVAL_;
	case HOST_OP_FSTAT:
		r = measured(c, __NR_fstat, (uint64_t[6]){ a[0], (uint64_t)helper_io.out.data });
		*out = r == 0 ? HOST_STAT_SIZE : 0;
		return r;
	case HOST_OP_MEMFD_CREATE:
		return s ? measured(c, __NR_memfd_create, (uint64_t[6]){ (uint64_t)s, a[0] }) : -EFAULT_;
	case HOST_OP_FSYNC:
		return measured(c, __NR_fsync, (uint64_t[6]){ a[0] });
	case HOST_OP_FDATASYNC:
		return measured(c, __NR_fdatasync, (uint64_t[6]){ a[0] });
	case HOST_OP_FADVISE:
		return measured(c, __NR_fadvise64, (uint64_t[6]){ a[0], a[1], a[2], a[3] });
	}
	return -EINVAL_;
}

/* See helper.h. */
uint32_t helper_do(struct hctx *c, long got)
{
	const uint64_t *a = helper_io.in.req.arg;
	uint32_t op = helper_io.in.req.op, out = 0;
	uint64_t n;
	int nfd = helper_io.in.req.fd;
	c->op = op;
	switch (op) {
	case HOST_OP_MMAP: case HOST_OP_MUNMAP: case HOST_OP_MPROTECT: case HOST_OP_MREMAP:
	case HOST_OP_BRK: case HOST_OP_MADVISE: case HOST_OP_MLOCK2: case HOST_OP_MUNLOCK:
	case HOST_OP_MLOCKALL: case HOST_OP_MUNLOCKALL: case HOST_OP_MSYNC:
		helper_io.out.rep.ret = simple_call(c, op);
		break;
	case HOST_OP_SET_VMA_NAME:
		helper_io.out.rep.ret = set_vma_name(c, got);
		break;
	case HOST_OP_READ: case HOST_OP_FETCH:
		if (a[1] > HOST_CHUNK) {
			helper_io.out.rep.ret = -EINVAL_;
			break;
		}
		window_open(c);
		load(c, a[0], helper_io.out.data, a[1], op == HOST_OP_FETCH ? 2 : 0,
		     a[HOST_ARG_INSN] && (a[1] == 1 || a[1] == 2 || a[1] == 4 || a[1] == 8));
		window_close(c);
		out = (uint32_t)a[1];
		break;
	case HOST_OP_WRITE:
		window_open(c);
		n = (uint64_t)(got - (long)sizeof helper_io.in.req);
		store(a[0], helper_io.in.data, n, a[HOST_ARG_INSN] && (n == 1 || n == 2 || n == 4 || n == 8));
		window_close(c);
		break;
	case HOST_OP_TOUCH:
		window_open(c);
		touch(c, a[0], a[1], (int)a[2]);
		window_close(c);
		break;
	case HOST_OP_FORK:
		helper_io.out.rep.ret = do_fork(c, nfd, (int)a[0]);
		break;
	case HOST_OP_THREAD:
		helper_io.out.rep.ret = do_thread(c, nfd, (int)a[0]);
		break;
	case HOST_OP_EXIT:
		helper_reply(c, 0);
		helper_exit((int)a[0]);
	case HOST_OP_RUN_ON:
		helper_io.out.rep.ret = set_core((int)a[0]);
		break;
	case HOST_OP_STATS:
		stats(c, a[0] != 0);
		break;
	case HOST_OP_OOM_SCORE_ADJ:
		helper_io.out.rep.ret = set_oom_score_adj((long)a[0]);
		break;
	case HOST_OP_OPEN: case HOST_OP_CLOSE: case HOST_OP_DUP: case HOST_OP_PREAD: case HOST_OP_PWRITE:
	case HOST_OP_FTRUNCATE: case HOST_OP_UNLINK: case HOST_OP_FSTAT: case HOST_OP_MEMFD_CREATE:
	case HOST_OP_FSYNC: case HOST_OP_FDATASYNC: case HOST_OP_FADVISE:
		helper_io.out.rep.ret = file_call(c, op, got, &out);
		break;
	case HOST_OP_SET_MEMPOLICY:
		helper_io.out.rep.ret = measured(c, __NR_set_mempolicy,
						 (uint64_t[6]){ a[0], a[2] ? (uint64_t)helper_io.in.data : 0, a[1] });
		break;
	case HOST_OP_GET_MEMPOLICY: {
		uint64_t *res = (uint64_t *)helper_io.out.data;
		res[0] = 0;
		helper_io.out.rep.ret = measured(c, __NR_get_mempolicy,
						 (uint64_t[6]){ a[3] ? (uint64_t)res : 0, a[4] ? (uint64_t)(res + 1) : 0,
								a[0], a[1], a[2] });
		out = (uint32_t)(8 + 8 * a[4]);
		break;
	}
	case HOST_OP_MINCORE:
		if ((a[1] + 4095) / 4096 > HOST_CHUNK) {
			helper_io.out.rep.ret = -EINVAL_;
			break;
		}
		helper_io.out.rep.ret = measured(c, __NR_mincore, (uint64_t[6]){ a[0], a[1], (uint64_t)helper_io.out.data });
		out = helper_io.out.rep.ret == 0 ? (uint32_t)((a[1] + 4095) / 4096) : 0;
		break;
	default:
		helper_io.out.rep.ret = -EINVAL_;
	}
	if (nfd >= 0 && op != HOST_OP_FORK && op != HOST_OP_THREAD)
		sys1(__NR_close, nfd);             /* a descriptor nobody asked for */
	return out;
}
