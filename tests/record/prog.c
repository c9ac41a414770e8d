/*
 * tests/record/prog.c — a program whose memory behaviour is known, recorded
 * by tests/record/run.sh under `mmsim record` and checked by check.lua:
 * each phase makes its accesses with a size of its own (volatile, so the
 * compiler keeps every one), its memory system calls, a thread and a fork.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096
#define N 64

/* One 2-byte store in each of n pages at p. */
static void touch(char *p, int n)
{
	for (int i = 0; i < n; i++)
		*(volatile uint16_t *)(p + (long)i * PG) = (uint16_t)i;
}

/* One 8-byte load from each of n pages at p. */
static uint64_t sum(char *p, int n)
{
	uint64_t s = 0;
	for (int i = 0; i < n; i++)
		s += *(volatile uint64_t *)(p + (long)i * PG);
	return s;
}

/* The thread: 8 pages of its own, a store in each. */
static void *worker(void *arg)
{
	char *w = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	(void)arg;
	if (w == MAP_FAILED)
		return (void *)1;
	touch(w, 8);
	munmap(w, 8 * PG);
	return NULL;
}

int main(void)
{
	char *a = mmap(NULL, N * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED)
		return 10;
	touch(a, N);                                           /* 64 stores of 2 bytes */
	if (sum(a, N) != (uint64_t)N * (N - 1) / 2)            /* 64 loads of 8 bytes */
		return 11;
	char *b = mremap(a, N * PG, 2 * N * PG, MREMAP_MAYMOVE);
	if (b == MAP_FAILED)
		return 14;
	touch(b + N * PG, N);                                  /* 64 stores in the new half */
	if (mprotect(b, N / 2 * PG, PROT_READ))
		return 12;
	if (madvise(b + N / 2 * PG, N / 2 * PG, MADV_DONTNEED))
		return 13;

	long cur = syscall(SYS_brk, 0);
	if (syscall(SYS_brk, cur + 16 * PG) != cur + 16 * PG)
		return 15;
	touch((char *)cur, 16);                                /* 16 stores in the heap */
	syscall(SYS_brk, cur);

	pthread_t t;
	void *ret;
	if (pthread_create(&t, NULL, worker, NULL) || pthread_join(t, &ret) || ret)
		return 16;

	pid_t pid = fork();
	if (pid < 0)
		return 17;
	if (!pid) {
		touch(b + N * PG, N);                          /* the child: 64 stores, copy-on-write */
		_exit(7);
	}
	int status;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 7)
		return 18;
	munmap(b, 2 * N * PG);
	return 0;
}
