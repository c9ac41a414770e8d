/*
 * bench/bench_mem.c — physical memory: the buddy allocator's per-CPU fast
 * path, the slab allocator against glibc malloc (and jemalloc/mimalloc when
 * installed) in the same run, struct page size, and the cost of an idle
 * 1 TiB machine.
 */
#include "bench.h"
#include "machine.h"

#include "hw/machine.h"
#include "hw/ram.h"
#include "kernel/kernel.h"
#include "kernel/slab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define RING 128      /* live objects kept by the alloc/free benchmarks */

/* Best of three timed runs of iters alloc+free pairs through run(). */
static double best_rate(uint64_t iters, void (*run)(void *ctx, uint64_t iters), void *ctx)
{
	double best = 0;
	run(ctx, iters / 10);   /* warm up */
	for (int r = 0; r < 3; r++) {
		uint64_t t0 = bench_now_ns();
		run(ctx, iters);
		double rate = (double)iters * 1e9 / (double)(bench_now_ns() - t0);
		if (rate > best)
			best = rate;
	}
	return best;
}

static void run_buddy_order0(void *ctx, uint64_t iters)
{
	struct kernel *k = ctx;
	for (uint64_t i = 0; i < iters; i++) {
		struct page *p = alloc_page(k, GFP_KERNEL);
		bench_sink((uint64_t)(uintptr_t)p);
		__free_pages(k, p, 0);
	}
}

BENCH(buddy)
{
	struct machine *m = boot(4ULL << 30);
	uint64_t iters = ctx->quick ? 2000000 : 20000000;
	bench_figure("buddy_order0_pairs_per_s", best_rate(iters, run_buddy_order0, &m->k), "pairs/s");
	shutdown_machine(m);
}

struct ring_ctx {
	struct kernel *k;
	size_t size;
	void *ring[RING];
	void *(*malloc_fn)(uint64_t);
	void (*free_fn)(void *);
};

/* Pairs: allocate and free at once, as the buddy figure counts them. */
static void run_kmalloc_pairs(void *ctx, uint64_t iters)
{
	struct ring_ctx *c = ctx;
	for (uint64_t i = 0; i < iters; i++) {
		void *p = kmalloc(c->k, c->size, GFP_KERNEL);
		bench_sink((uint64_t)(uintptr_t)p);
		kfree(c->k, p);
	}
}

static void run_malloc_pairs(void *ctx, uint64_t iters)
{
	struct ring_ctx *c = ctx;
	for (uint64_t i = 0; i < iters; i++) {
		void *p = c->malloc_fn(c->size);
		bench_sink((uint64_t)(uintptr_t)p);
		c->free_fn(p);
	}
}

/* Ring: steady state with RING live objects; each step frees the oldest
 * and allocates anew, so frees also reach slabs other than the CPU's. */
static void run_kmalloc_ring(void *ctx, uint64_t iters)
{
	struct ring_ctx *c = ctx;
	for (uint64_t i = 0; i < iters; i++) {
		unsigned slot = i % RING;
		kfree(c->k, c->ring[slot]);
		c->ring[slot] = kmalloc(c->k, c->size, GFP_KERNEL);
	}
}

static void run_malloc_ring(void *ctx, uint64_t iters)
{
	struct ring_ctx *c = ctx;
	for (uint64_t i = 0; i < iters; i++) {
		unsigned slot = i % RING;
		c->free_fn(c->ring[slot]);
		c->ring[slot] = c->malloc_fn(c->size);
	}
}

static void *libc_malloc(uint64_t n)
{
	return malloc(n);
}

/* One size and pattern: our slab through kmalloc/kfree, then each malloc. */
static void bench_pattern(struct bench_ctx *ctx, struct kernel *k, size_t size, const char *pattern,
			  void (*ours)(void *, uint64_t), void (*theirs)(void *, uint64_t))
{
	uint64_t iters = ctx->quick ? 3000000 : 30000000;
	struct ring_ctx c = { .k = k, .size = size };
	struct bench_alloc libc = { "malloc", libc_malloc, free };
	char name[96];

	memset(c.ring, 0, sizeof c.ring);
	double slab = best_rate(iters, ours, &c);
	for (int i = 0; i < RING; i++)
		kfree(k, c.ring[i]);
	snprintf(name, sizeof name, "slab%zu%s_per_s", size, pattern);
	bench_figure(name, slab, "pairs/s");
	for (int a = -1; a < ctx->nallocs; a++) {
		struct bench_alloc *al = a < 0 ? &libc : &ctx->allocs[a];
		memset(c.ring, 0, sizeof c.ring);
		c.malloc_fn = al->malloc_fn;
		c.free_fn = al->free_fn;
		double rate = best_rate(iters, theirs, &c);
		for (int i = 0; i < RING; i++)
			al->free_fn(c.ring[i]);
		snprintf(name, sizeof name, "%s%zu%s_per_s", al->name, size, pattern);
		bench_figure(name, rate, "pairs/s");
		snprintf(name, sizeof name, "slab%zu%s_vs_%s", size, pattern, al->name);
		bench_ratio(name, slab, rate);
	}
}

BENCH(slab)
{
	struct machine *m = boot(4ULL << 30);
	for (size_t size = 64; size <= 256; size *= 4) {
		bench_pattern(ctx, &m->k, size, "_pairs", run_kmalloc_pairs, run_malloc_pairs);
		bench_pattern(ctx, &m->k, size, "_ring", run_kmalloc_ring, run_malloc_ring);
	}
	shutdown_machine(m);
}

/* Resident set of this process in bytes. */
static uint64_t rss_bytes(void)
{
	unsigned long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%lu %lu", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* Boot a 1 TiB machine in a child so its RSS is measured alone; the child
 * reports (rss growth, boot time) through a pipe. */
BENCH(idle_1tib)
{
	int fd[2];
	uint64_t res[2] = { 0, 0 };
	if (pipe(fd))
		return;
	pid_t pid = fork();
	if (pid == 0) {
		uint64_t before = rss_bytes(), t0 = bench_now_ns();
		struct machine *m = boot(1ULL << 40);
		uint64_t out[2] = { rss_bytes() - before, bench_now_ns() - t0 };
		if (write(fd[1], out, sizeof out) != sizeof out)
			_exit(1);
		shutdown_machine(m);
		_exit(0);
	}
	close(fd[1]);
	if (read(fd[0], res, sizeof res) != sizeof res)
		fprintf(stderr, "bench: the 1 TiB child failed\n");
	close(fd[0]);
	waitpid(pid, NULL, 0);
	bench_figure("struct_page_bytes", sizeof(struct page), "bytes");
	bench_figure("idle_1tib_rss_bytes", (double)res[0], "bytes");
	bench_figure("boot_1tib_ms", (double)res[1] / 1e6, "ms");
}
