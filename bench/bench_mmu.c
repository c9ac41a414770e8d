/*
 * bench/bench_mmu.c — how fast the simulated MMU translates.
 *
 * tlb_hit: a stream over a few 4 KiB pages, every translation an L1 TLB hit.
 * walk: random 4 KiB pages over 16 GiB mapped by real page tables in
 * simulated RAM (32 MiB of PTEs; the PTEs share a few data frames), so
 * nearly every translation walks. walk_2m: the same stream over 2 MiB pages.
 * The same-run baseline is the host itself following a chain of dependent
 * random 8-byte reads through a buffer as large as those page tables: each
 * simulated walk must wait for one such read (its PTE), so this rate is the
 * ceiling for walks that miss the host caches.
 */
#include "bench.h"
#include "rig.h"

#include "hw/mmu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAPPED (16ULL << 30)
#define BASE_VA 0x0000100000000000ULL

/* See rig.h. */
int rig_init(struct rig *r, uint64_t ram_bytes)
{
	struct hw_config cfg = hw_preset_find("default")->config;
	cfg.ram_bytes = ram_bytes;
	cfg.nr_cpus = 1;
	if (ram_init(&r->ram, ram_bytes) || hw_machine_init(&r->m, &cfg, &r->ram))
		return -1;
	r->cpu = hw_machine_cpu(&r->m, 0);
	r->next = 1ULL << 20;
	uint64_t root = r->next;
	r->next += HW_PAGE_SIZE;
	return hw_mov_to_cr3(r->cpu, root);
}

/* See rig.h. */
void rig_destroy(struct rig *r)
{
	hw_machine_destroy(&r->m);
	ram_destroy(&r->ram);
}

/* The table below entry pa (level) for va, made when missing. RAM from the
 * sparse mapping is already zero. */
static uint64_t table_below(struct rig *r, uint64_t pa)
{
	uint64_t e = ram_read64(&r->ram, pa);
	if (!(e & HW_PTE_P)) {
		e = hw_mk_table(r->next, HW_PTE_P | HW_PTE_RW | HW_PTE_US);
		r->next += HW_PAGE_SIZE;
		ram_write64(&r->ram, pa, e);
	}
	return e & HW_PTE_ADDR_MASK;
}

/* Map MAPPED bytes at BASE_VA with pages of level (PT or PD); the pages
 * cycle over 64 frames. */
static void map_all(struct rig *r, int level)
{
	uint64_t size = 1ULL << hw_level_shift(level);
	for (uint64_t off = 0; off < MAPPED; off += size) {
		uint64_t va = BASE_VA + off, table = hw_cr3_base(r->cpu);
		for (int l = 4; l > level; l--)
			table = table_below(r, table + 8ULL * hw_va_index(va, l));
		uint64_t frame = ((off / size) % 64) << hw_level_shift(level);
		ram_write64(&r->ram, table + 8ULL * hw_va_index(va, level),
			    hw_mk_page(frame, level, HW_PTE_P | HW_PTE_RW | HW_PTE_US | HW_PTE_A | HW_PTE_D, 0));
	}
}

/* See bench.h. */
uint64_t bench_xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* See bench.h. */
double bench_random_translations(struct hw_cpu *cpu, uint64_t n)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL, sum = 0;
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		uint64_t va = BASE_VA + (bench_xorshift(&seed) & (MAPPED - 1) & ~7ULL);
		sum += hw_translate(cpu, va, HW_READ, HW_USER).pa;
	}
	uint64_t dt = bench_now_ns() - t0;
	bench_sink(sum);
	return n * 1e9 / (double)(dt ? dt : 1);
}

BENCH(mmu_tlb_hit)
{
	struct rig r;
	uint64_t n = ctx->quick ? 20000000 : 200000000, sum = 0;
	if (rig_init(&r, 64ULL << 20))
		return;
	for (uint64_t p = 0; p < 8; p++) {
		uint64_t va = BASE_VA + p * HW_PAGE_SIZE, table = hw_cr3_base(r.cpu);
		for (int l = 4; l > HW_LVL_PT; l--)
			table = table_below(&r, table + 8ULL * hw_va_index(va, l));
		ram_write64(&r.ram, table + 8ULL * hw_va_index(va, HW_LVL_PT),
			    hw_mk_page((p + 64) * HW_PAGE_SIZE, HW_LVL_PT, HW_PTE_P | HW_PTE_RW | HW_PTE_US, 0));
	}
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++)
		sum += hw_translate(r.cpu, BASE_VA + ((i * 72) & 0x7fff), HW_READ, HW_USER).pa;
	uint64_t dt = bench_now_ns() - t0;
	bench_sink(sum);
	bench_figure("tlb_hit_translations_per_s", n * 1e9 / (double)dt, "/s");
	bench_figure("tlb_hit_ns_per_translation", (double)dt / n, "ns");
	bench_figure("tlb_hit_l1_hit_ratio", (double)r.cpu->ctr.tlb_hit[HW_L1D][HW_PS_4K] / n, "ratio");
	rig_destroy(&r);
}

/* See bench.h. The baseline: n dependent random 8-byte reads (one cycle
 * through a host buffer of bytes, Sattolo's shuffle), in reads per second. */
double bench_host_dependent_reads(uint64_t bytes, uint64_t n)
{
	uint64_t words = bytes / 8, *next = malloc(bytes), seed = 12345, at = 0;
	if (!next)
		return 0;
	for (uint64_t i = 0; i < words; i++)
		next[i] = i;
	for (uint64_t i = words - 1; i > 0; i--) {
		uint64_t j = bench_xorshift(&seed) % i, tmp = next[i];
		next[i] = next[j];
		next[j] = tmp;
	}
	uint64_t t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i++)
		at = next[at];
	uint64_t dt = bench_now_ns() - t0;
	bench_sink(at);
	free(next);
	return n * 1e9 / (double)(dt ? dt : 1);
}

/* Map MAPPED bytes with pages of level on a fresh machine, warm up, then
 * time n random translations: returns translations/s, and the fraction that
 * walked and the references per walk in *walked and *refs (0 on failure). */
static double walk_bench(int level, uint64_t ram_bytes, uint64_t n, double *walked, double *refs)
{
	struct rig r;
	*walked = *refs = 0;
	if (rig_init(&r, ram_bytes))
		return 0;
	map_all(&r, level);
	bench_random_translations(r.cpu, n / 10);                                   /* warm the host caches */
	struct hw_counters before = r.cpu->ctr;
	double rate = bench_random_translations(r.cpu, n);
	uint64_t walks = r.cpu->ctr.walks - before.walks;
	*walked = (double)walks / n;
	*refs = walks ? (double)(r.cpu->ctr.walk_refs - before.walk_refs) / walks : 0;
	rig_destroy(&r);
	return rate;
}

BENCH(mmu_walk)
{
	uint64_t n = ctx->quick ? 2000000 : 20000000;
	double walked, refs;
	double rate = walk_bench(HW_LVL_PT, 128ULL << 20, n, &walked, &refs);
	double host = bench_host_dependent_reads(32ULL << 20, n);
	bench_figure("walk_translations_per_s", rate, "/s");
	bench_figure("walk_fraction", walked, "ratio");
	bench_figure("walk_refs_per_walk", refs, "refs");
	bench_figure("host_dependent_reads_32m_per_s", host, "/s");
	bench_ratio("walk_vs_host_dependent_read", rate, host);
}

BENCH(mmu_walk_2m)
{
	uint64_t n = ctx->quick ? 2000000 : 20000000;
	double walked, refs;
	double rate = walk_bench(HW_LVL_PD, 64ULL << 20, n, &walked, &refs);
	bench_figure("walk_2m_translations_per_s", rate, "/s");
	bench_figure("walk_2m_walk_fraction", walked, "ratio");
}
