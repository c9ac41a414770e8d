/*
 * bench/bench_swap.c — swap and reclaim (issue 12), wall-clock time of the
 * simulator:
 *
 * swap_thrash: a 64 MiB machine with a 1 GiB working set, written once,
 * then read one byte a page in order (swap readahead brings most pages in
 * ahead of their fault) and at random pages (nearly every read a major
 * fault); simulated accesses per second, each with its share of reclaim,
 * beside the same random reads of a working set that stays resident.
 * reclaim: a process has written 512 MiB of a 1 GiB machine; direct
 * reclaim (try_to_free_pages, as the allocator's slow path calls it) runs
 * until 120 Ki pages are swapped out (to a 512 MiB device); pages reclaimed per second, the
 * scans of pages still young included (target: 2 M pages/s), on a fresh
 * device and on one used before.
 * majfault: a 64 MiB machine, 256 MiB written and paged out, random reads:
 * nanoseconds per major fault, beside the real kernel's under a memory
 * cgroup of the same size with a swap file (native_swap.c), and the cost
 * model's estimate of the same faults.
 */
#include "bench.h"
#include "machine.h"

#include "kernel/kernel.h"
#include "hw/translate.h"
#include "kernel/fault.h"
#include "kernel/mman.h"
#include "kernel/sched.h"
#include "kernel/swap.h"
#include "kernel/task.h"

#include "native.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define MIB (1ULL << 20)
#define PG  4096ULL

/* A process of m with len bytes of anonymous memory at *addr, each page
 * written with a byte of its own (not zero: every page is written to swap). */
static struct task_struct *written_process(struct machine *m, uint64_t len, uint64_t *addr)
{
	struct task_struct *t = sim_process(m, len, addr);
	for (uint64_t off = 0; off < len; off += PG) {
		uint8_t b = (uint8_t)(off / PG) | 1;
		if (task_access(&m->k, t, *addr + off, &b, 1, HW_WRITE)) {
			fprintf(stderr, "bench: simulated write at %#llx failed\n", (unsigned long long)(*addr + off));
			exit(1);
		}
	}
	return t;
}

/* Read one byte of page i of [a, a + len) as t; it must be the byte
 * written_process wrote. */
static void read_page(struct machine *m, struct task_struct *t, uint64_t a, uint64_t i)
{
	uint8_t b;
	if (task_access(&m->k, t, a + i * PG, &b, 1, HW_READ) || b != ((uint8_t)i | 1)) {
		fprintf(stderr, "bench: simulated read of page %llu failed or read %#x\n", (unsigned long long)i, b);
		exit(1);
	}
}

/* The next of a xorshift sequence. */
static uint64_t next_random(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* The baseline of swap_thrash: the same random reads, n of them, over a
 * 32 MiB working set that stays in the same 64 MiB machine (no swap, no
 * fault: TLB misses and walks only); accesses per second. */
static double resident_accesses_per_s(uint64_t n)
{
	uint64_t len = 32 * MIB, pages = len / PG, a, x = 42;
	struct machine *m = boot(64 * MIB);
	struct task_struct *t = written_process(m, len, &a);
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++)
		read_page(m, t, a, next_random(&x) % pages);
	uint64_t dt = bench_now_ns() - t0;
	do_group_exit(&m->k, t, 0);
	shutdown_machine(m);
	return (double)n * 1e9 / (double)dt;
}

BENCH(swap_thrash)
{
	uint64_t len = 1ULL << 30, pages = len / PG, n = ctx->quick ? pages / 8 : pages, a, x = 42;
	struct machine *m = boot_swap(64 * MIB, 2 * len);
	struct task_struct *t = written_process(m, len, &a);
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++)
		read_page(m, t, a, i);
	uint64_t t1 = bench_now_ns(), maj = t->maj_flt;
	for (uint64_t i = 0; i < n; i++)
		read_page(m, t, a, next_random(&x) % pages);
	uint64_t t2 = bench_now_ns();
	uint64_t got = t->maj_flt - maj;
	do_group_exit(&m->k, t, 0);
	shutdown_machine(m);
	double resident = resident_accesses_per_s(n);
	bench_figure("swap_thrash_accesses_per_s_seq", (double)n * 1e9 / (double)(t1 - t0), "/s");
	bench_figure("swap_thrash_accesses_per_s_random", (double)n * 1e9 / (double)(t2 - t1), "/s");
	bench_figure("swap_thrash_random_majflt_ratio", (double)got / (double)n, "ratio");
	bench_figure("resident_accesses_per_s_random", resident, "/s");
	bench_ratio("swap_thrash_random_vs_resident", (double)n * 1e9 / (double)(t2 - t1), resident);
}

/* Direct reclaim of m until want more pages are stolen; pages per second
 * and the pages scanned per page reclaimed into *scan_ratio. */
static double reclaim_rate(struct machine *m, uint64_t want, double *scan_ratio)
{
	uint64_t scanned = m->k.vm_events[PGSCAN_DIRECT], stolen = m->k.vm_events[PGSTEAL_DIRECT], idle = 0;
	uint64_t t0 = bench_now_ns();
	while (m->k.vm_events[PGSTEAL_DIRECT] - stolen < want) {
		if (!try_to_free_pages(&m->k, GFP_KERNEL, 0) && ++idle > 1000) {
			fprintf(stderr, "bench: direct reclaim stopped at %llu pages\n",
				(unsigned long long)(m->k.vm_events[PGSTEAL_DIRECT] - stolen));
			exit(1);
		}
	}
	uint64_t dt = bench_now_ns() - t0;
	stolen = m->k.vm_events[PGSTEAL_DIRECT] - stolen;
	*scan_ratio = (double)(m->k.vm_events[PGSCAN_DIRECT] - scanned) / (double)stolen;
	return (double)stolen * 1e9 / (double)dt;
}

/* reclaim_pages_per_s_cold: the device's first use, each cluster's first
 * write a host fault that zeroes 2 MiB (on a virtual machine also the
 * hypervisor's first touch: most of the time). reclaim_pages_per_s: the
 * same again after the first process exits, on clusters the device has
 * used before, as a device in steady use: the simulator's own cost. */
BENCH(swap_reclaim)
{
	uint64_t len = 512 * MIB, want = 120 * 1024, a;
	double cold, warm, ratio;
	struct machine *m = boot_swap(1ULL << 30, len);   /* the second pass reuses most clusters */
	struct task_struct *t = written_process(m, len, &a);
	cold = reclaim_rate(m, want, &ratio);
	do_group_exit(&m->k, t, 0);
	t = written_process(m, len, &a);
	warm = reclaim_rate(m, want, &ratio);
	bench_figure("reclaim_pages_per_s_cold", cold, "/s");
	bench_figure("reclaim_pages_per_s", warm, "/s");
	bench_figure("reclaim_scanned_per_reclaimed", ratio, "ratio");
	do_group_exit(&m->k, t, 0);
	shutdown_machine(m);
}

/* The simulated side of native_majfault_ns: wall ns per major fault, and
 * the cost model's ns per major fault in *model_ns. */
static double sim_majfault_ns(uint64_t ram, uint64_t len, uint64_t n, double *model_ns)
{
	uint64_t a, x = 88172645463325252ULL, pages = len / PG;
	struct machine *m = boot_swap(ram, len + len / 4);
	struct task_struct *t = written_process(m, len, &a);
	if (do_madvise(&m->k, t, a, len, MADV_PAGEOUT)) {
		fprintf(stderr, "bench: simulated MADV_PAGEOUT failed\n");
		exit(1);
	}
	uint64_t maj = t->maj_flt, cycles = m->hw.cpus[0].ctr.cycles, t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++)
		read_page(m, t, a, next_random(&x) % pages);
	uint64_t dt = bench_now_ns() - t0;
	maj = t->maj_flt - maj;
	*model_ns = maj ? (double)(m->hw.cpus[0].ctr.cycles - cycles) / 3.0 / (double)maj : 0;
	do_group_exit(&m->k, t, 0);
	shutdown_machine(m);
	return maj ? (double)dt / (double)maj : 0;
}

BENCH(swap_majfault)
{
	uint64_t ram = 64 * MIB, len = 256 * MIB, n = ctx->quick ? 2048 : 8192;
	double model;
	char why[256] = "";
	double sim = sim_majfault_ns(ram, len, n, &model);
	double native = native_majfault_ns(ram, len, n, why, sizeof why);
	bench_figure("sim_majfault_ns", sim, "ns");
	bench_figure("sim_majfault_model_ns", model, "ns");
	if (native < 0) {
		printf("  native_majfault_ns skipped: %s\n", why);
		return;
	}
	bench_figure("native_majfault_ns", native, "ns");
	bench_ratio("sim_majfault_vs_native", sim, native);
}
