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

/* A fault on a machine of nodes NUMA nodes (first touch: the process's
 * core is node 0's; past node 0's memory, the others serve). */
static double sim_fault_nodes_ns(uint64_t len, int nodes)
{
	struct machine *m = boot_nodes(len + len / 2, 0, nodes);
	uint64_t a;
	struct task_struct *t = sim_process(m, len, &a);
	uint64_t t0 = bench_now_ns();
	bench_touch(m, t, a, len, PG);
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

static double sim_fault_ns(uint64_t len)
{
	return sim_fault_nodes_ns(len, 1);
}

static double sim_fault_4node_ns(uint64_t len)
{
	return sim_fault_nodes_ns(len, 4);
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
	double numa4 = best_of(runs, sim_fault_4node_ns, len);
	bench_figure("fault_ns_4node", numa4, "ns");
	bench_ratio("fault_4node_vs_1node", numa4, sim);
}

static double sim_fork_ms(uint64_t len)
{
	struct machine *m = boot(len + len / 2);
	uint64_t a;
	int err;
	struct task_struct *t = sim_process(m, len, &a);
	bench_touch(m, t, a, len, PG);
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
	bench_touch(m, t, page, PG, PG);
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

/* The simulated side of native_many_vmas_s. */
static void sim_many_vmas_s(int n, double *mmap_s, double *mprotect_s, double *munmap_s)
{
	struct machine *m = boot(GIB);
	int err;
	struct task_struct *t = task_create_process(&m->k, "bench", 0, &err);
	uint64_t *a = malloc((size_t)n * sizeof *a);
	if (!t || !a) {
		fprintf(stderr, "bench: cannot start a simulated process\n");
		exit(1);
	}
	m->k.sysctl.max_map_count = n + 1000;
	uint64_t t0 = bench_now_ns();
	for (int i = 0; i < n; i++) {
		long r = sys_mmap(&m->k, t, 0, PG, i % 2 ? PROT_READ | PROT_WRITE : PROT_READ,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r < 0) {
			fprintf(stderr, "bench: simulated mmap %d failed: %ld\n", i, r);
			exit(1);
		}
		a[i] = (uint64_t)r;
	}
	uint64_t t1 = bench_now_ns();
	for (int i = 0; i < n; i++)
		if (do_mprotect_pkey(&m->k, t, a[i], PG, i % 2 ? PROT_READ : PROT_READ | PROT_WRITE) ||
		    do_mprotect_pkey(&m->k, t, a[i], PG, i % 2 ? PROT_READ | PROT_WRITE : PROT_READ)) {
			fprintf(stderr, "bench: simulated mprotect failed\n");
			exit(1);
		}
	uint64_t t2 = bench_now_ns();
	for (int i = 0; i < n; i++)
		do_munmap(&m->k, t, a[i], PG);
	uint64_t t3 = bench_now_ns();
	*mmap_s = (double)(t1 - t0) / 1e9;
	*mprotect_s = (double)(t2 - t1) / 1e9;
	*munmap_s = (double)(t3 - t2) / 1e9;
	free(a);
	do_group_exit(&m->k, t, 0);
	shutdown_machine(m);
}

/* 64k VMAs: a gap search that walks the VMAs makes each mmap linear in
 * them; the tree's recorded gaps keep it logarithmic. */
BENCH(mm_many_vmas)
{
	int n = 65000;             /* the host's max_map_count is 65530, its own VMAs included */
	double nm, np, nu, sm, sp, su;
	native_many_vmas_s(n, &nm, &np, &nu);
	sim_many_vmas_s(n, &sm, &sp, &su);
	bench_figure("native_mmap_64k_vmas_s", nm, "s");
	bench_figure("mmap_64k_vmas_s", sm, "s");
	bench_ratio("mmap_64k_vmas_vs_native", sm, nm);
	bench_figure("native_mprotect_64k_vmas_s", np, "s");
	bench_figure("mprotect_64k_vmas_s", sp, "s");
	bench_ratio("mprotect_64k_vmas_vs_native", sp, np);
	bench_figure("native_munmap_64k_vmas_s", nu, "s");
	bench_figure("munmap_64k_vmas_s", su, "s");
	bench_ratio("munmap_64k_vmas_vs_native", su, nu);
}

