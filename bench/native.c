/* bench/native.c — see native.h. */
#include "native.h"

#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define GIB (1ULL << 30)
#define PG  4096ULL

/* See native.h. */
double native_fault_ns(uint64_t len)
{
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || madvise(p, len, MADV_NOHUGEPAGE)) {
		perror("bench: mmap");
		exit(1);
	}
	uint64_t t0 = bench_now_ns();
	for (uint64_t off = 0; off < len; off += PG)
		((volatile uint8_t *)p)[off] = 1;
	double ns = (double)(bench_now_ns() - t0) / (double)(len / PG);
	munmap(p, len);
	return ns;
}

/* See native.h. */
double native_fork_ms(uint64_t len)
{
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || madvise(p, len, MADV_NOHUGEPAGE)) {
		perror("bench: mmap");
		exit(1);
	}
	for (uint64_t off = 0; off < len; off += PG)
		p[off] = 1;
	fflush(NULL);
	uint64_t t0 = bench_now_ns();
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	double ms = (double)(bench_now_ns() - t0) / 1e6;
	if (pid < 0) {
		perror("bench: fork");
		exit(1);
	}
	waitpid(pid, NULL, 0);
	munmap(p, len);
	return ms;
}

/* See native.h. */
double native_mprotect_per_s(uint64_t iters)
{
	uint8_t *p = mmap(NULL, GIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("bench: mmap");
		exit(1);
	}
	uint8_t *page = p + GIB / 2;
	page[0] = 1;
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < iters; i++)
		if (mprotect(page, PG, i & 1 ? PROT_READ | PROT_WRITE : PROT_READ)) {
			perror("bench: mprotect");
			exit(1);
		}
	double rate = (double)iters * 1e9 / (double)(bench_now_ns() - t0);
	munmap(p, GIB);
	return rate;
}

/* See native.h. */
void native_many_vmas_s(int n, double *mmap_s, double *mprotect_s, double *munmap_s)
{
	void **a = malloc((size_t)n * sizeof *a);
	uint64_t t0 = bench_now_ns();
	for (int i = 0; a && i < n; i++)
		if ((a[i] = mmap(NULL, PG, i % 2 ? PROT_READ | PROT_WRITE : PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
				 -1, 0)) == MAP_FAILED) {
			perror("bench: mmap");
			exit(1);
		}
	uint64_t t1 = bench_now_ns();
	for (int i = 0; i < n; i++)           /* each page takes its neighbours' protection and back */
		if (mprotect(a[i], PG, i % 2 ? PROT_READ : PROT_READ | PROT_WRITE) ||
		    mprotect(a[i], PG, i % 2 ? PROT_READ | PROT_WRITE : PROT_READ)) {
			perror("bench: mprotect");
			exit(1);
		}
	uint64_t t2 = bench_now_ns();
	for (int i = 0; i < n; i++)
		munmap(a[i], PG);
	uint64_t t3 = bench_now_ns();
	*mmap_s = (double)(t1 - t0) / 1e9;
	*mprotect_s = (double)(t2 - t1) / 1e9;
	*munmap_s = (double)(t3 - t2) / 1e9;
	free(a);
}
