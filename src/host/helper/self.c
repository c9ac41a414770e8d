/*
 * host/helper/self.c — the helper's own memory, its fault handler, and the
 * two ways it multiplies (fork, threads).
 *
 * The helper must take no page fault of its own inside a measured window.
 * At start it records its VMAs (image and data, stack) and touches every page
 * of them as a write would (a locked OR of 0: the bytes stay); after fork
 * both sides touch them again, since fork made them copy-on-write.
 */
#include "host/helper/helper.h"

HELPER_DATA struct own_range helper_own[HELPER_MAX_OWN];
HELPER_DATA int helper_nr_own;

/* Remember one of the helper's VMAs, unless it is a special mapping. */
static bool record_one(const struct maps_vma *v, void *ctx)
{
	(void)ctx;
	if (v->special || v->perms[0] != 'r' || helper_nr_own == HELPER_MAX_OWN)
		return true;
	helper_own[helper_nr_own++] = (struct own_range){ v->start, v->end, v->perms[1] == 'w' };
	return true;
}

/* See helper.h. */
void self_record_own(void)
{
	helper_nr_own = 0;
	maps_each(helper_io.maps, sizeof helper_io.maps, record_one, NULL);
}

/* See helper.h. Reads for read-only ranges, locked ORs of zero for
 * writable ones: present and private, with the bytes unchanged. */
void self_prefault(void)
{
	for (int i = 0; i < helper_nr_own; i++)
		for (uint64_t a = helper_own[i].start; a < helper_own[i].end; a += 4096) {
			if (helper_own[i].writable)
				__asm__ volatile("lock orb $0, (%0)" : : "r"(a) : "memory");
			else
				(void)*(volatile uint8_t *)a;
		}
}

/* See helper.h. */
struct hctx *self_ctx(void)
{
	int tid = (int)sys0(__NR_gettid);
	for (int i = 0; i < HELPER_MAX_THREADS; i++)
		if (helper_threads[i].fd >= 0 && helper_threads[i].tid == tid)
			return &helper_threads[i];
	return &helper_threads[0];
}

/* SIGSEGV and SIGBUS: report the fault on the thread's channel with the
 * faults taken so far in the window, then the process exits: it is dead,
 * as the default action would leave it (without a core file). A fetch
 * is performed as a read (ops.c), so its #PF error code gains PF_INSTR. */
static void on_fault(int sig, void *info, void *uctx)
{
	struct hctx *c = self_ctx();
	const struct k_siginfo *si = info;
	const uint64_t *gregs = (const uint64_t *)((const char *)uctx + K_UC_GREGS_OFFSET);
	window_close(c);
	helper_io.out.rep.kind = HOST_FAULT;
	helper_io.out.rep.signo = sig;
	helper_io.out.rep.code = si->si_code;
	helper_io.out.rep.addr = si->si_addr;
	helper_io.out.rep.trapno = (int32_t)gregs[K_REG_TRAPNO];
	helper_io.out.rep.error_code = (uint32_t)gregs[K_REG_ERR];
	if ((c->op == HOST_OP_FETCH || (c->op == HOST_OP_TOUCH && helper_io.in.req.arg[2] == 2)) &&
	    helper_io.out.rep.trapno == 14)
		helper_io.out.rep.error_code |= 0x10;
	helper_reply(c, 0);
	helper_exit(128 + sig);
}

/* The handler never returns, but x86-64 requires a restorer. */
__asm__(".text\n"
	"helper_restorer:\n"
	"	mov $15, %eax\n"
	"	syscall\n"
	"	hlt\n");

/* See helper.h. */
void self_install_signals(void)
{
	struct k_sigaction sa = { on_fault, K_SA_SIGINFO | K_SA_RESTORER | K_SA_NODEFER,
				  helper_restorer, 0 };
	struct k_sigaction ign = { K_SIG_IGN, K_SA_RESTORER, helper_restorer, 0 };
	sys4(__NR_rt_sigaction, K_SIGSEGV, &sa, 0, 8);
	sys4(__NR_rt_sigaction, K_SIGBUS, &sa, 0, 8);
	sys4(__NR_rt_sigaction, K_SIGCHLD, &ign, 0, 8);   /* children reap themselves */
}

/* See helper.h. fork(), and in the parent getrusage(RUSAGE_THREAD) into
 * *after right away, with no memory access in between: the parent's own
 * pages are copy-on-write now, and a push or a spill would fault. */
long self_fork(struct k_rusage *after)
{
	long ret;
	__asm__ volatile("mov $57, %%eax\n\t"      /* fork */
			 "syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jle 1f\n\t"
			 "mov %%rax, %%r12\n\t"
			 "mov $98, %%eax\n\t"      /* getrusage */
			 "mov $1, %%edi\n\t"       /* RUSAGE_THREAD */
			 "mov %[ru], %%rsi\n\t"
			 "syscall\n\t"
			 "mov %%r12, %%rax\n\t"
			 "1:\n\t"
			 : "=&a"(ret)
			 : [ru] "r"(after)
			 : "rcx", "r11", "rdi", "rsi", "r12", "memory");
	return ret;
}

/* clone_thread(flags, stack_top, ptid, fn, arg): the child pops fn and arg
 * from its new stack and calls fn(arg); it never returns. */
__asm__(".text\n"
	"helper_clone:\n"
	"	sub $16, %rsi\n"
	"	mov %rcx, 0(%rsi)\n"
	"	mov %r8, 8(%rsi)\n"
	"	xor %r10, %r10\n"
	"	xor %r8, %r8\n"
	"	mov $56, %eax\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 1f\n"
	"	xor %rbp, %rbp\n"
	"	pop %rax\n"
	"	pop %rdi\n"
	"	call *%rax\n"
	"	mov $60, %eax\n"
	"	xor %edi, %edi\n"
	"	syscall\n"
	"	hlt\n"
	"1:	ret\n");

/* See helper.h. */
long self_clone_thread(void *stack_top, int *ptid, void (*fn)(void *), void *arg)
{
	const unsigned long flags = 0x00000100 | 0x00000200 | 0x00000400 | 0x00000800 |
				    0x00010000 | 0x00040000 | 0x00100000;
	/* CLONE_VM FS FILES SIGHAND THREAD SYSVSEM PARENT_SETTID */
	return helper_clone(flags, stack_top, ptid, fn, arg);
}
