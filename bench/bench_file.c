/*
 * bench/bench_file.c — files and the page cache against the real kernel of
 * this machine, in the same run: a read fault on a cached tmpfs file
 * (through a shared read-only mapping; each fault maps its fault-around
 * window, on both sides), and pread of a cached file of the disk
 * filesystem.
 */
#include "bench.h"
#include "machine.h"

#include "kernel/fault.h"
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/mman.h"
#include "kernel/sched.h"
#include "kernel/task.h"

#include "native_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIB (1ULL << 20)
#define PG  4096ULL

/* A simulated process of m with path (created, len bytes written) open on
 * *fd; exits the run when it cannot. */
static struct task_struct *sim_file(struct machine *m, const char *path, uint64_t len, int *fd)
{
	static uint8_t buf[1 << 20];
	int err;
	memset(buf, 'x', sizeof buf);
	struct task_struct *t = task_create_process(&m->k, "bench", 0, &err);
	*fd = t ? do_sys_open(&m->k, t, path, O_RDWR | O_CREAT, 0600) : -1;
	for (uint64_t off = 0; *fd >= 0 && off < len; off += sizeof buf)
		if (ksys_pwrite64(&m->k, t, *fd, buf, sizeof buf, (int64_t)off) != (int64_t)sizeof buf)
			*fd = -1;
	if (*fd < 0) {
		fprintf(stderr, "bench: cannot write %s in a simulated process\n", path);
		exit(1);
	}
	return t;
}

/* The simulated side of native_file_fault_ns. */
static double sim_file_fault_ns(uint64_t len)
{
	struct machine *m = boot(len * 3);
	int fd;
	struct task_struct *t = sim_file(m, "/dev/shm/bench", len, &fd);
	long a = sys_mmap(&m->k, t, 0, len, PROT_READ, MAP_SHARED, fd, 0);
	if (a < 0) {
		fprintf(stderr, "bench: cannot map the simulated file: %ld\n", a);
		exit(1);
	}
	uint8_t byte;
	uint64_t sum = 0, f0 = t->min_flt, t0 = bench_now_ns();
	for (uint64_t off = 0; off < len; off += PG) {
		if (task_access(&m->k, t, (uint64_t)a + off, &byte, 1, HW_READ)) {
			fprintf(stderr, "bench: simulated read at %#llx failed\n", (unsigned long long)a + off);
			exit(1);
		}
		sum += byte;
	}
	uint64_t ns = bench_now_ns() - t0, faults = t->min_flt - f0;
	bench_sink(sum);
	if (faults < len / (16 * PG) || faults > len / (16 * PG) + 1) {   /* + 1: the mapping's alignment */
		fprintf(stderr, "bench: %llu faults for %llu pages (fault-around: one per 16)\n",
			(unsigned long long)faults, (unsigned long long)(len / PG));
		exit(1);
	}
	do_group_exit(&m->k, t, 0);
	shutdown_machine(m);
	return (double)ns / (double)faults;
}

/* The simulated side of native_page_cache_read_mb_s. */
static double sim_page_cache_read_mb_s(uint64_t len, uint64_t chunk, int passes)
{
	struct machine *m = boot(len * 3);
	int fd;
	struct task_struct *t = sim_file(m, "/bench", len, &fd);
	uint8_t *buf = malloc(chunk);
	uint64_t sum = 0, t0 = bench_now_ns();
	for (int r = 0; buf && r < passes; r++)
		for (uint64_t off = 0; off < len; off += chunk) {
			if (ksys_pread64(&m->k, t, fd, buf, chunk, (int64_t)off) != (int64_t)chunk) {
				fprintf(stderr, "bench: simulated pread at %llu failed\n", (unsigned long long)off);
				exit(1);
			}
			sum += buf[off % chunk];
		}
	double s = (double)(bench_now_ns() - t0) / 1e9;
	bench_sink(sum);
	free(buf);
	do_group_exit(&m->k, t, 0);
	shutdown_machine(m);
	return (double)len * passes / 1e6 / s;
}

BENCH(file_fault)
{
	uint64_t len = (ctx->quick ? 64 : 256) * MIB;
	int runs = ctx->quick ? 1 : 3;
	double native = 0, sim = 0;
	for (int r = 0; r < runs; r++) {
		double n = native_file_fault_ns(len), s = sim_file_fault_ns(len);
		native = !r || n < native ? n : native;
		sim = !r || s < sim ? s : sim;
	}
	bench_figure("native_file_fault_ns", native, "ns");
	bench_figure("sim_file_fault_ns", sim, "ns");
	bench_ratio("sim_file_fault_vs_native", sim, native);
}

BENCH(page_cache_read)
{
	uint64_t len = (ctx->quick ? 32 : 128) * MIB;
	int passes = ctx->quick ? 2 : 4;
	double native = native_page_cache_read_mb_s(len, 128 * 1024, passes);
	double sim = sim_page_cache_read_mb_s(len, 128 * 1024, passes);
	bench_figure("native_page_cache_read_mb_s", native, "MB/s");
	bench_figure("page_cache_read_mb_s", sim, "MB/s");
	bench_ratio("page_cache_read_vs_native", sim, native);
}
