/*
 * host/helper/helper.h — what the host helper's files share. The helper is
 * the real process behind a host-backend task: it runs the script's
 * operations on request (real system calls, real loads and stores) and
 * reports each one's result and the page faults it took, measured with
 * getrusage(RUSAGE_THREAD) around exactly that operation. It is built
 * without a C library and never allocates, so between requests nothing
 * faults but what it does on purpose (pre-faulting its own pages).
 */
#ifndef MMSIM_HOST_HELPER_H
#define MMSIM_HOST_HELPER_H

#include "host/helper/sys.h"
#include "host/protocol.h"

#include <stdbool.h>

/* Everything is linked statically into one program: direct references,
 * no GOT (the code is position-independent, the program is not). */
#pragma GCC visibility push(hidden)

/* The helper's variables live in .data, not .bss: its last segment is then
 * file-backed, as a small program's data page is, and the heap that brk
 * makes after it is a VMA of its own (an anonymous .bss would merge with it). */
#define HELPER_DATA __attribute__((section(".data")))

#define HELPER_MAX_THREADS 8
#define HELPER_STACK (16 * 1024)
#define HELPER_MAX_OWN 24          /* VMAs of the helper itself */

/* One thread of the helper and its channel. Slot 0 is the main thread,
 * on the stack the kernel gave the program; the others run on stacks here. */
struct hctx {
	int fd;                        /* the channel, -1: slot free */
	int tid;
	int core;                      /* to move to when starting (-1: stay) */
	uint32_t op;                   /* the operation in progress */
	struct k_rusage start;         /* at the start of the measured window */
	uint64_t minflt, majflt;       /* this thread's faults in measured windows */
	uint8_t stack[HELPER_STACK] __attribute__((aligned(16)));
};

/* The message buffers. mmsim waits for each reply before it sends another
 * request, to any task, so one request is in flight in the whole process
 * and the threads share them. */
struct helper_io {
	struct {
		struct host_req req;
		uint8_t data[HOST_CHUNK];
	} in;
	struct {
		struct host_reply rep;
		uint8_t data[HOST_CHUNK];
	} out;
	char maps[4096];               /* for reading /proc/self/maps */
};
extern struct helper_io helper_io;

extern struct hctx helper_threads[HELPER_MAX_THREADS];

/* A range of the helper's own memory (its image and data, its stack). */
struct own_range {
	uint64_t start, end;
	bool writable;
};
extern struct own_range helper_own[HELPER_MAX_OWN];
extern int helper_nr_own;

/* main.c: the entry point's C half, and the top of slot 0's stack. */
__attribute__((noreturn, used)) void helper_main(uint64_t *sp);
extern void *helper_stack_top;
/* self.c's assembly: the signal restorer and clone for threads. */
void helper_restorer(void);
long helper_clone(unsigned long flags, void *stack_top, int *ptid, void (*fn)(void *), void *arg);

/* main.c: serve requests on c's channel until it closes; never returns. */
__attribute__((noreturn)) void helper_serve(struct hctx *c);
/* Send helper_io.out's reply and len bytes of its data on c's channel. */
void helper_reply(struct hctx *c, uint32_t len);
/* Die: exit_group. */
__attribute__((noreturn)) void helper_exit(int code);

/* ops.c: carry out the request in helper_io.in for thread c and fill
 * helper_io.out.rep; returns the bytes of helper_io.out.data to send. */
uint32_t helper_do(struct hctx *c, long got);
/* The measured window around an operation. */
void window_open(struct hctx *c);
void window_close(struct hctx *c);

/* self.c: the helper's own memory and signals. */
void self_record_own(void);        /* remember the helper's VMAs (at start) */
void self_prefault(void);          /* touch every own page as a write would */
void self_install_signals(void);
long self_fork(struct k_rusage *after);
long self_clone_thread(void *stack_top, int *ptid, void (*fn)(void *), void *arg);
struct hctx *self_ctx(void);       /* the calling thread's slot */

/* maps.c: /proc/self/maps, read without allocating. */
struct maps_vma {
	uint64_t start, end;
	char perms[5];
	bool special;                  /* [vvar], [vdso], [vsyscall], ... */
};
/* Call fn for every VMA; stops when fn returns false. 0 or a negative errno. */
int maps_each(char *buf, size_t size, bool (*fn)(const struct maps_vma *v, void *ctx), void *ctx);
/* The VMA holding addr into *v: true, or false when there is none. */
bool maps_find(char *buf, size_t size, uint64_t addr, struct maps_vma *v);

/* Bytes. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
size_t strnlen_(const char *s, size_t max);

#pragma GCC visibility pop

#endif
