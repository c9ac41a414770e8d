/*
 * host/helper/main.c — the helper's entry point and request loop.
 *
 * mmsim starts it (fork + exec, personality ADDR_NO_RANDOMIZE unless the
 * script asks for randomisation) with its channel on descriptor 3 and the
 * task's name as argv[0]. It records its own memory, pre-faults it, says
 * READY, and serves requests until the channel closes.
 */
#include "host/helper/helper.h"

HELPER_DATA struct hctx helper_threads[HELPER_MAX_THREADS];
HELPER_DATA struct helper_io helper_io;
HELPER_DATA void *helper_stack_top;

/* See helper.h. */
void helper_exit(int code)
{
	for (;;)
		sys1(__NR_exit_group, code);
}

/* See helper.h. */
void helper_reply(struct hctx *c, uint32_t len)
{
	struct k_iovec iov = { &helper_io.out, sizeof helper_io.out.rep + len };
	struct k_msghdr msg = { .iov = &iov, .iovlen = 1 };
	helper_io.out.rep.len = len;
	if (sys3(__NR_sendmsg, c->fd, &msg, K_MSG_NOSIGNAL) < 0)
		helper_exit(0);             /* mmsim is gone */
}

/* fd moved to the lowest free descriptor from HOST_HIGH_FD up (close on
 * exec), out of the way of the script's files; fd itself if that fails. */
static int move_high(int fd)
{
	long n = sys3(__NR_fcntl, fd, K_F_DUPFD_CLOEXEC, HOST_HIGH_FD);
	if (n < 0)
		return fd;
	sys1(__NR_close, fd);
	return (int)n;
}

/* Receive one request (and a descriptor riding along, in req.fd).
 * Returns the bytes received; 0 or less when the channel closed. */
static long receive(struct hctx *c)
{
	struct k_iovec iov = { &helper_io.in, sizeof helper_io.in };
	struct k_cmsghdr cmsg;
	struct k_msghdr msg = { .iov = &iov, .iovlen = 1, .control = &cmsg, .controllen = sizeof cmsg };
	memset(&cmsg, 0, sizeof cmsg);
	long n = sys3(__NR_recvmsg, c->fd, &msg, K_MSG_CMSG_CLOEXEC);
	if (n >= (long)sizeof helper_io.in.req)
		helper_io.in.req.fd = msg.controllen >= sizeof cmsg && cmsg.level == K_SOL_SOCKET &&
					       cmsg.type == K_SCM_RIGHTS ? move_high(cmsg.fd) : -1;
	return n;
}

/* Reap children that have exited (forked tasks whose parent is this
 * process), so they do not stay zombies. */
static void reap(void)
{
	while (sys4(__NR_wait4, -1, 0, K_WNOHANG, 0) > 0)
		;
}

/* See helper.h. */
void helper_serve(struct hctx *c)
{
	for (;;) {
		long n = receive(c);
		if (n <= 0)
			helper_exit(0);     /* mmsim closed the channel */
		reap();
		memset(&helper_io.out.rep, 0, sizeof helper_io.out.rep);
		helper_io.out.rep.kind = HOST_DONE;
		uint32_t len = n < (long)sizeof helper_io.in.req ? 0 : helper_do(c, n);
		if (n < (long)sizeof helper_io.in.req)
			helper_io.out.rep.ret = -22;   /* EINVAL: a short request */
		helper_reply(c, len);
	}
}

/* Run as an unprivileged process, as the simulator's processes do: no
 * capability (so vm.mmap_min_addr and RLIMIT_MEMLOCK apply), whatever
 * user mmsim runs as. */
static void drop_capabilities(void)
{
	struct {
		uint32_t version;
		int pid;
	} head = { 0x20080522, 0 };                  /* _LINUX_CAPABILITY_VERSION_3 */
	uint32_t data[6] = { 0 };                    /* effective, permitted, inheritable x 2 */
	sys2(__NR_capset, &head, data);
}

/* The C entry point: sp is the initial stack pointer (argc, argv...). */
void helper_main(uint64_t *sp)
{
	const char *name = sp[0] >= 1 ? (const char *)sp[1] : "mmsim-host";
	struct hctx *c = &helper_threads[0];
	long lim[2] = { 0, 0 };

	helper_stack_top = sp;

	for (int i = 0; i < HELPER_MAX_THREADS; i++)
		helper_threads[i].fd = -1;
	c->fd = move_high(HOST_CHANNEL_FD);
	for (int fd = 0; fd < 3; fd++)                 /* 0, 1, 2 as a simulated process has them */
		sys4(__NR_openat, K_AT_FDCWD, "/dev/null", K_O_RDWR, 0);
	c->tid = (int)sys0(__NR_gettid);
	c->core = -1;
	sys2(__NR_prctl, K_PR_SET_NAME, name);
	sys4(__NR_prlimit64, 0, K_RLIMIT_CORE, lim, 0);   /* no core files */
	drop_capabilities();
	self_install_signals();
	self_record_own();
	self_prefault();
	memset(&helper_io.out.rep, 0, sizeof helper_io.out.rep);
	helper_io.out.rep.kind = HOST_READY;
	helper_io.out.rep.pid = c->tid;
	helper_reply(c, 0);
	helper_serve(c);
}

/* _start: no C library, so the entry point hands the stack to helper_main. */
__asm__(".text\n"
	".globl _start\n"
	"_start:\n"
	"	xor %rbp, %rbp\n"
	"	mov %rsp, %rdi\n"
	"	and $-16, %rsp\n"
	"	call helper_main\n"
	"	hlt\n");
