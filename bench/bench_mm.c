/*
 * bench/bench_mm.c — the kernel's memory manager against the real kernel of
 * this machine, in the same run: a page fault (1 GiB anonymous,
 * MADV_NOHUGEPAGE, one write per page), fork of a process with 1 GiB
 * written, and mprotect toggling one page inside a large mapping.
 */
#include "bench.h"
#include "machine.h"

#include "hw/machine.h"
#include "hw/ram.h"
#include "hw/translate.h"
#include "kernel/fault.h"
#include "kernel/kernel.h"
#include "kernel/mman.h"
#include "kernel/sched.h"
#include "kernel/task.h"

#include "native.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define GIB (1ULL << 30)
#define PG  4096ULL

/* A simulated process with len bytes of anonymous memory; *addr gets it. */
static struct task_struct *sim_process(struct machine *m, uint64_t len, uint64_t *addr)
{
	int err;
	struct task_struct *t = task_create_process(&m->k, "bench", 0, &err);
	long a = t ? sys_mmap(&m->k, t, 0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
		   : -ENOMEM;
	if (a < 0 || do_madvise(&m->k, t, (uint64_t)a, len, MADV_NOHUGEPAGE)) {
		fprintf(stderr, "bench: cannot map %llu bytes in a simulated process\n", (unsigned long long)len);
		exit(1);
	}
	*addr = (uint64_t)a;
	return t;
}

/* Write one byte into every page of [a, a + len) as t: one fault each. */
static void sim_touch(struct machine *m, struct task_struct *t, uint64_t a, uint64_t len)
{
	uint8_t one = 1;
	for (uint64_t off = 0; off < len; off += PG)
		if (task_access(&m->k, t, a + off, &one, 1, HW_WRITE)) {
			fprintf(stderr, "bench: simulated write at %#llx failed\n", (unsigned long long)(a + off));
			exit(1);
		}
}

static double sim_fault_ns(uint64_t len)
{
	struct machine *m = boot(len + len / 2);
	uint64_t a;
	struct task_struct *t = sim_process(m, len, &a);
	uint64_t t0 = bench_now_ns();
	sim_touch(m, t, a, len);
	double ns = (double)(bench_now_ns() - t0) / (double)(len / PG);
	if (t->min_flt < len / PG) {
		fprintf(stderr, "bench: %llu faults for %llu pages\n", (unsigned long long)t->min_flt,
			(unsigned long long)(len / PG));
		exit(1);
	}
	do_group_exit(&m->k, t, 0);
	shutdown_machine(m);
	return ns;
}

/* Best (lowest) of runs. */
static double best_of(int runs, double (*fn)(uint64_t), uint64_t len)
{
	double best = 0;
	for (int r = 0; r < runs; r++) {
		double v = fn(len);
		if (!r || v < best)
			best = v;
	}
	return best;
}

BENCH(mm_fault)
{
	uint64_t len = GIB;
	int runs = ctx->quick ? 1 : 3;
	double native = best_of(runs, native_fault_ns, len);
	double sim = best_of(runs, sim_fault_ns, len);
	bench_figure("native_fault_ns", native, "ns");
	bench_figure("sim_fault_ns", sim, "ns");
	bench_ratio("sim_fault_vs_native", sim, native);
}

static double sim_fork_ms(uint64_t len)
{
	struct machine *m = boot(len + len / 2);
	uint64_t a;
	int err;
	struct task_struct *t = sim_process(m, len, &a);
	sim_touch(m, t, a, len);
	uint64_t t0 = bench_now_ns();
	struct task_struct *child = copy_process(&m->k, t, 1, &err);
	double ms = (double)(bench_now_ns() - t0) / 1e6;
	if (!child) {
		fprintf(stderr, "bench: simulated fork failed: %d\n", err);
		exit(1);
	}
	do_group_exit(&m->k, child, 0);
	do_group_exit(&m->k, t, 0);
	shutdown_machine(m);
	return ms;
}

BENCH(mm_fork)
{
	uint64_t len = GIB;
	int runs = ctx->quick ? 1 : 3;
	double native = best_of(runs, native_fork_ms, len);
	double sim = best_of(runs, sim_fork_ms, len);
	bench_figure("native_fork_1g_ms", native, "ms");
	bench_figure("sim_fork_1g_ms", sim, "ms");
	bench_ratio("sim_fork_1g_vs_native", sim, native);
}

/* The simulated side of native_mprotect_per_s. */
static double sim_mprotect_per_s(uint64_t iters)
{
	struct machine *m = boot(2 * GIB);         /* room for a 1 GiB commit */
	uint64_t a;
	struct task_struct *t = sim_process(m, GIB, &a);
	uint64_t page = a + GIB / 2;
	sim_touch(m, t, page, PG);
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < iters; i++)
		if (do_mprotect_pkey(&m->k, t, page, PG, i & 1 ? PROT_READ | PROT_WRITE : PROT_READ)) {
			fprintf(stderr, "bench: simulated mprotect failed\n");
			exit(1);
		}
	double rate = (double)iters * 1e9 / (double)(bench_now_ns() - t0);
	do_group_exit(&m->k, t, 0);
	shutdown_machine(m);
	return rate;
}

BENCH(mm_mprotect)
{
	uint64_t iters = ctx->quick ? 200000 : 1000000;
	double native = native_mprotect_per_s(iters);
	double sim = sim_mprotect_per_s(iters);
	bench_figure("native_mprotect_per_s", native, "/s");
	bench_figure("sim_mprotect_per_s", sim, "/s");
	bench_ratio("sim_mprotect_vs_native", sim, native);
}
