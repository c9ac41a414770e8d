/*
 * bench/bench.h — the harness behind `make bench`.
 *
 * Each bench file registers its benchmarks with BENCH(name); the harness runs
 * them in registration order, collects named figures with bench_figure(), prints
 * a table and writes them as one flat JSON object. A figure that has a baseline
 * measured in the same run is reported beside it as a ratio (bench_ratio()).
 */
#ifndef MMSIM_BENCH_H
#define MMSIM_BENCH_H

#include <stdbool.h>
#include <stdint.h>

struct bench_ctx {
	bool quick;          /* QUICK=1: the whole run stays under a minute */
	/* Optional third-party allocators loaded with dlopen (NULL when absent). */
	struct bench_alloc {
		const char *name;
		void *(*malloc_fn)(uint64_t);
		void (*free_fn)(void *);
	} allocs[4];
	int nallocs;
};

typedef void (*bench_fn)(struct bench_ctx *ctx);

void bench_register(const char *name, bench_fn fn);

/* Record figure name = value (unit is shown in the table only). */
void bench_figure(const char *name, double value, const char *unit);

/* Record name = num / den and show it as a ratio against its baseline. */
void bench_ratio(const char *name, double num, double den);

/* Monotonic time in nanoseconds. */
uint64_t bench_now_ns(void);

/* Defeat dead-code elimination of a value. */
void bench_sink(uint64_t v);

/* bench_mmu.c, shared with bench_virt.c: a xorshift step; n translations
 * of random 8-byte-aligned addresses in the 16 GiB at 0x100000000000 on
 * core cpu, as reads by user code (translations/s). */
struct hw_cpu;
uint64_t bench_xorshift(uint64_t *s);
double bench_random_translations(struct hw_cpu *cpu, uint64_t n);

/* bench_mmu.c, shared with bench_trace.c: n dependent random 8-byte reads
 * through a host buffer of bytes (one cycle, Sattolo's shuffle), per second:
 * the host's memory latency, the ceiling of walks that miss its caches. */
double bench_host_dependent_reads(uint64_t bytes, uint64_t n);

#define BENCH(fn)                                                       \
	static void fn(struct bench_ctx *ctx);                          \
	__attribute__((constructor)) static void fn##_register(void)    \
	{ bench_register(#fn, fn); }                                    \
	static void fn(struct bench_ctx *ctx __attribute__((unused)))

#endif
