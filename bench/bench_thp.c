/*
 * bench/bench_thp.c — transparent huge pages: a THP fault (1 GiB advised
 * MADV_HUGEPAGE, one write per 2 MiB: each fault clears a 2 MiB page) on
 * the simulator against this machine's kernel in the same run, and random
 * translations over THP-backed memory the simulated kernel mapped.
 */
#include "bench.h"
#include "machine.h"

#include "hw/cpu.h"
#include "hw/machine.h"
#include "hw/translate.h"
#include "kernel/fault.h"
#include "kernel/huge_mm.h"
#include "kernel/kernel.h"
#include "kernel/mman.h"
#include "kernel/sched.h"
#include "kernel/task.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define GIB (1ULL << 30)
#define HP  (2ULL << 20)

/* A simulated process with len bytes of MADV_HUGEPAGE memory on a 2 MiB
 * boundary at *addr. */
static struct task_struct *thp_process(struct machine *m, uint64_t len, uint64_t *addr)
{
	int err;
	struct task_struct *t = task_create_process(&m->k, "thp", 0, &err);
	long a = t ? sys_mmap(&m->k, t, 0, len + HP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
		   : -ENOMEM;
	uint64_t h = ((uint64_t)a + HP - 1) & ~(HP - 1);
	if (a < 0 || do_madvise(&m->k, t, h, len, MADV_HUGEPAGE)) {
		fprintf(stderr, "bench: cannot map %llu bytes in a simulated process\n", (unsigned long long)len);
		exit(1);
	}
	*addr = h;
	return t;
}

/* Wall ns per simulated THP fault over len bytes. */
static double sim_thp_fault_ns(uint64_t len)
{
	struct machine *m = boot(len + len / 2);
	uint64_t a;
	struct task_struct *t = thp_process(m, len, &a);
	uint64_t t0 = bench_now_ns();
	bench_touch(m, t, a, len, HP);   /* one THP fault per 2 MiB */
	double ns = (double)(bench_now_ns() - t0) / (double)(len / HP);
	if (m->k.vm_events[THP_FAULT_ALLOC] != len / HP) {
		fprintf(stderr, "bench: %llu THPs for %llu faults\n", (unsigned long long)m->k.vm_events[THP_FAULT_ALLOC],
			(unsigned long long)(len / HP));
		exit(1);
	}
	do_group_exit(&m->k, t, 0);
	shutdown_machine(m);
	return ns;
}

/* Wall ns per THP fault of this machine's kernel (MADV_HUGEPAGE); 0 when
 * it made no huge pages (THP "never", or no free 2 MiB blocks). */
static double native_thp_fault_ns(uint64_t len)
{
	uint8_t *p = mmap(NULL, len + HP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("bench: mmap");
		exit(1);
	}
	uint8_t *h = (uint8_t *)(((uintptr_t)p + HP - 1) & ~(HP - 1));
	if (madvise(h, len, MADV_HUGEPAGE)) {
		munmap(p, len + HP);
		return 0;
	}
	uint64_t t0 = bench_now_ns();
	for (uint64_t off = 0; off < len; off += HP)
		((volatile uint8_t *)h)[off] = 1;
	double ns = (double)(bench_now_ns() - t0) / (double)(len / HP);
	munmap(p, len + HP);
	return ns;
}

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

BENCH(thp_fault)
{
	uint64_t len = ctx->quick ? GIB / 4 : GIB;
	int runs = ctx->quick ? 1 : 3;
	double native = best_of(runs, native_thp_fault_ns, len);
	double sim = best_of(runs, sim_thp_fault_ns, len);
	bench_figure("native_thp_fault_ns", native, "ns");
	bench_figure("sim_thp_fault_ns", sim, "ns");
	if (native > 0)
		bench_ratio("sim_thp_fault_vs_native", sim, native);
}

/* Random reads over 128 MiB of THPs the simulated kernel mapped: the
 * translations per second of core 0 with the process's page tables loaded,
 * and the walks per translation. */
BENCH(walk_thp)
{
	uint64_t n = ctx->quick ? 2000000 : 20000000, len = 128ULL << 20, a, seed = 0x9e3779b97f4a7c15ULL, sum = 0;
	struct machine *m = boot(512ULL << 20);
	struct task_struct *t = thp_process(m, len, &a);
	bench_touch(m, t, a, len, HP);   /* one THP fault per 2 MiB */
	struct hw_cpu *cpu = &m->hw.cpus[t->cpu];
	for (uint64_t i = 0; i < n / 10; i++)                 /* warm the host caches */
		sum += hw_translate(cpu, a + (bench_xorshift(&seed) & (len - 1) & ~7ULL), HW_READ, HW_USER).pa;
	struct hw_counters before = cpu->ctr;
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++)
		sum += hw_translate(cpu, a + (bench_xorshift(&seed) & (len - 1) & ~7ULL), HW_READ, HW_USER).pa;
	uint64_t dt = bench_now_ns() - t0;
	bench_sink(sum);
	bench_figure("walk_thp_translations_per_s", n * 1e9 / (double)(dt ? dt : 1), "/s");
	bench_figure("walk_thp_walk_fraction", (double)(cpu->ctr.walks - before.walks) / (double)n, "ratio");
	do_group_exit(&m->k, t, 0);
	shutdown_machine(m);
}
