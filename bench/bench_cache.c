/*
 * bench/bench_cache.c — how fast the memory hierarchy simulates.
 *
 * cache_hit: 8-byte loads over a few pages on a zen5 machine (caches on),
 * every translation an L1 TLB hit and every line an L1d hit: the cost of
 * the hierarchy's fast path on top of the TLB's, as a translation and a
 * reference (what a trace replay does), then through hw_access (which also
 * moves the bytes). The same streams with caches off, in the same run,
 * are the baselines.
 * cache_miss: loads of random lines over 64 MiB (caches on), most of them
 * missing every level: the slow path.
 */
#include "bench.h"

#include "hw/mmu.h"

#include <stdlib.h>

#define BASE_VA 0x0000100000000000ULL

struct rig {
	struct ram ram;
	struct hw_machine m;
	struct hw_cpu *cpu;
	uint64_t next;
};

/* The table below entry pa, made when missing. */
static uint64_t table_below(struct rig *r, uint64_t pa)
{
	uint64_t e = ram_read64(&r->ram, pa);
	if (!(e & HW_PTE_P)) {
		e = hw_mk_table(r->next, HW_PTE_P | HW_PTE_RW | HW_PTE_US | HW_PTE_A);
		r->next += HW_PAGE_SIZE;
		ram_write64(&r->ram, pa, e);
	}
	return e & HW_PTE_ADDR_MASK;
}

/* A one-core zen5 machine with caches as given and pages 4 KiB pages
 * mapped at BASE_VA onto consecutive frames from 64 MiB. */
static int rig_init(struct rig *r, bool caches, uint64_t pages)
{
	struct hw_config cfg = hw_preset_find("zen5")->config;
	cfg.ram_bytes = 256ULL << 20;
	cfg.nr_cpus = 1;
	cfg.mem.on = caches;
	if (ram_init(&r->ram, cfg.ram_bytes) || hw_machine_init(&r->m, &cfg, &r->ram))
		return -1;
	r->cpu = hw_machine_cpu(&r->m, 0);
	r->next = 1ULL << 20;
	uint64_t root = r->next;
	r->next += HW_PAGE_SIZE;
	if (hw_mov_to_cr3(r->cpu, root))
		return -1;
	for (uint64_t p = 0; p < pages; p++) {
		uint64_t va = BASE_VA + p * HW_PAGE_SIZE, table = root;
		for (int l = 4; l > HW_LVL_PT; l--)
			table = table_below(r, table + 8ULL * hw_va_index(va, l));
		ram_write64(&r->ram, table + 8ULL * hw_va_index(va, HW_LVL_PT),
			    hw_mk_page((64ULL << 20) + p * HW_PAGE_SIZE, HW_LVL_PT,
				       HW_PTE_P | HW_PTE_RW | HW_PTE_US | HW_PTE_A | HW_PTE_D, 0));
	}
	return 0;
}

static void rig_destroy(struct rig *r)
{
	hw_machine_destroy(&r->m);
	ram_destroy(&r->ram);
}

/* n 8-byte loads cycling over 8 pages (32 KiB: the L1d holds them), each
 * a translation and a reference through the door to memory, as a trace
 * replay makes them (moving: through hw_access, which also copies the
 * bytes); loads/s. */
static double hit_stream(struct rig *r, uint64_t n, bool moving)
{
	uint64_t sum = 0, v = 0;
	for (uint64_t i = 0; i < 4096; i++)         /* warm: TLB and caches */
		hw_access(r->cpu, BASE_VA + ((i * 72) & 0x7ff8), &v, 8, HW_READ, HW_USER, NULL);
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		uint64_t va = BASE_VA + ((i * 72) & 0x7ff8);
		if (moving) {
			hw_access(r->cpu, va, &v, 8, HW_READ, HW_USER, NULL);
			sum += v;
		} else {
			struct hw_xlat x = hw_translate(r->cpu, va, HW_READ, HW_USER);
			sum += hw_mem_ref(r->cpu, x.pa, 8, HW_REF_LOAD);
		}
	}
	uint64_t dt = bench_now_ns() - t0;
	bench_sink(sum);
	return n * 1e9 / (double)(dt ? dt : 1);
}

BENCH(cache_hit)
{
	uint64_t n = ctx->quick ? 10000000 : 100000000;
	struct rig on, off;
	if (rig_init(&on, true, 8) || rig_init(&off, false, 8))
		return;
	double with = hit_stream(&on, n, false), without = hit_stream(&off, n, false);
	bench_figure("cache_hit_accesses_per_s", with, "/s");
	bench_figure("cache_hit_l1d_hit_ratio", (double)on.cpu->ctr.mem_hit[HW_CACHE_L1D] / (double)(n + 4096), "ratio");
	bench_figure("nocache_accesses_per_s", without, "/s");
	bench_ratio("cache_hit_vs_nocache", with, without);
	with = hit_stream(&on, n, true);
	without = hit_stream(&off, n, true);
	bench_figure("cache_hit_hw_access_per_s", with, "/s");
	bench_figure("nocache_hw_access_per_s", without, "/s");
	bench_ratio("cache_hit_hw_access_vs_nocache", with, without);
	rig_destroy(&on);
	rig_destroy(&off);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

BENCH(cache_miss)
{
	uint64_t n = ctx->quick ? 1000000 : 10000000, seed = 0x9e3779b97f4a7c15ULL, sum = 0, v;
	struct rig r;
	if (rig_init(&r, true, 16384))
		return;
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		hw_access(r.cpu, BASE_VA + (xorshift(&seed) & ((64ULL << 20) - 1) & ~7ULL), &v, 8, HW_READ, HW_USER,
			  NULL);
		sum += v;
	}
	uint64_t dt = bench_now_ns() - t0;
	bench_sink(sum);
	bench_figure("cache_miss_accesses_per_s", n * 1e9 / (double)(dt ? dt : 1), "/s");
	bench_figure("cache_miss_dram_fraction", (double)r.cpu->ctr.mem_dram_reads / (double)n, "ratio");
	rig_destroy(&r);
}
