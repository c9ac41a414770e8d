/*
 * host/helper/sys.h — the helper's only way to the kernel: raw x86-64
 * system calls, returning the kernel's result (a negative errno on
 * failure). The helper has no C library: no errno, no TLS, no malloc, so
 * nothing it does touches memory behind its back.
 */
#ifndef MMSIM_HOST_HELPER_SYS_H
#define MMSIM_HOST_HELPER_SYS_H

#include <asm/unistd.h>
#include <stddef.h>
#include <stdint.h>

/* A system call with up to six arguments. */
static inline long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define sys0(n) sys6((n), 0, 0, 0, 0, 0, 0)
#define sys1(n, a) sys6((n), (long)(a), 0, 0, 0, 0, 0)
#define sys2(n, a, b) sys6((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(n, a, b, c) sys6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(n, a, b, c, d) sys6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define sys5(n, a, b, c, d, e) sys6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

/* The kernel's struct sigaction (not the C library's). */
struct k_sigaction {
	void (*handler)(int, void *, void *);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};
#define K_SA_SIGINFO  0x00000004UL
#define K_SA_RESTORER 0x04000000UL
#define K_SA_NODEFER  0x40000000UL
#define K_SIG_IGN     ((void (*)(int, void *, void *))1)

/* The parts of siginfo and ucontext a fault report needs (x86-64 layout). */
struct k_siginfo {
	int si_signo, si_errno, si_code, pad;
	uint64_t si_addr;
};
enum { K_REG_ERR = 19, K_REG_TRAPNO = 20 };   /* indexes of uc_mcontext.gregs */
#define K_UC_GREGS_OFFSET 40                   /* uc_flags, uc_link, uc_stack */

struct k_rusage {
	long utime[2], stime[2];
	long maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd, msgrcv,
		nsignals, nvcsw, nivcsw;
};
#define K_RUSAGE_SELF   0
#define K_RUSAGE_THREAD 1

struct k_iovec {
	void *base;
	size_t len;
};
struct k_msghdr {
	void *name;
	int namelen;
	struct k_iovec *iov;
	size_t iovlen;
	void *control;
	size_t controllen;
	int flags;
};
struct k_cmsghdr {
	size_t len;
	int level, type;
	int fd;                /* one SCM_RIGHTS descriptor */
};
#define K_SOL_SOCKET   1
#define K_SCM_RIGHTS   1
#define K_MSG_NOSIGNAL 0x4000
#define K_MSG_CMSG_CLOEXEC 0x40000000

#define K_O_RDONLY   0
#define K_O_WRONLY   1
#define K_O_RDWR     2
#define K_O_CLOEXEC  02000000
#define K_F_DUPFD_CLOEXEC 1030
#define K_AT_FDCWD   (-100)
#define K_SIGSEGV 11
#define K_SIGBUS  7
#define K_SIGCHLD 17
#define K_PR_SET_NAME 15
#define K_PR_SET_VMA 0x53564d41
#define K_PR_SET_VMA_ANON_NAME 0
#define K_RLIMIT_CORE 4
#define K_WNOHANG 1

#endif
