/*
 * bench/bench_cache.c — how fast the memory hierarchy simulates.
 *
 * The streams are timed in the thread's CPU time: on a shared host, wall
 * time would count the time other programs ran.
 * cache_hit: 8-byte loads over a few pages on a zen5 machine (caches on),
 * every translation an L1 TLB hit and every line an L1d hit: the cost of
 * the hierarchy's fast path on top of the TLB's, as a translation and a
 * reference (what a trace replay does), then through hw_access (which also
 * moves the bytes). The same streams with caches off, in the same run,
 * are the baselines.
 * cache_miss: loads of random lines over 64 MiB (caches on), most of them
 * missing every level: the slow path.
 * cache_oracle: the latency curve of a pointer chase, host vs zen3.
 * litmus_sb: the store-buffering litmus test on the host (two threads
 * pinned to CPUs 0 and 1) and on the simulator, without and with MFENCE.
 */
#include "bench.h"

#include "hw/mmu.h"
#include "mmsim.h"

#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

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

/* A one-core machine of configuration cfg (its ram_bytes of RAM) with
 * pages 4 KiB pages mapped at BASE_VA onto the frames from 64 MiB:
 * page p onto frame frame[p] of them, or p when frame is NULL. */
static int rig_init_config(struct rig *r, const struct hw_config *cfg, uint64_t pages, const uint32_t *frame)
{
	if (ram_init(&r->ram, cfg->ram_bytes) || hw_machine_init(&r->m, cfg, &r->ram))
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
			    hw_mk_page((64ULL << 20) + (frame ? frame[p] : p) * HW_PAGE_SIZE, HW_LVL_PT,
				       HW_PTE_P | HW_PTE_RW | HW_PTE_US | HW_PTE_A | HW_PTE_D, 0));
	}
	return 0;
}

/* The configuration of preset with one core, caches as given and ram bytes. */
static struct hw_config preset_config(const char *preset, uint64_t ram, bool caches)
{
	struct hw_config cfg = hw_preset_find(preset)->config;
	cfg.ram_bytes = ram;
	cfg.nr_cpus = 1;
	cfg.mem.on = caches;
	return cfg;
}

/* rig_init_config of preset_config. */
static int rig_init_preset(struct rig *r, const char *preset, uint64_t ram, bool caches, uint64_t pages)
{
	struct hw_config cfg = preset_config(preset, ram, caches);
	return rig_init_config(r, &cfg, pages, NULL);
}

/* The same on zen5 with 256 MiB. */
static int rig_init(struct rig *r, bool caches, uint64_t pages)
{
	return rig_init_preset(r, "zen5", 256ULL << 20, caches, pages);
}

static void rig_destroy(struct rig *r)
{
	hw_machine_destroy(&r->m);
	ram_destroy(&r->ram);
}

/* This thread's CPU time in ns: on a shared host, wall-clock time would
 * count the time other processes ran. */
static uint64_t thread_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
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
	uint64_t t0 = thread_ns();
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
	uint64_t dt = thread_ns() - t0;
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
	uint64_t t0 = thread_ns();
	for (uint64_t i = 0; i < n; i++) {
		hw_access(r.cpu, BASE_VA + (xorshift(&seed) & ((64ULL << 20) - 1) & ~7ULL), &v, 8, HW_READ, HW_USER,
			  NULL);
		sum += v;
	}
	uint64_t dt = thread_ns() - t0;
	bench_sink(sum);
	bench_figure("cache_miss_accesses_per_s", n * 1e9 / (double)(dt ? dt : 1), "/s");
	bench_figure("cache_miss_dram_fraction", (double)r.cpu->ctr.mem_dram_reads / (double)n, "ratio");
	rig_destroy(&r);
}

/* ---- streaming from memory: misses in flight, the channels' bandwidth --------------------------
 * dram_stream: a copy's reads, 4 KiB at a time (each line of a reference
 * independent of the others), over 32 MiB of cold memory on zen3 (8 DDR4
 * channels, 24 fill buffers, a line per 9 cycles a channel: 7.1 bytes a
 * cycle), in bytes per simulated cycle: one core with its fill buffers,
 * without (one miss after another), with every page on one channel
 * (interleave 4 KiB, frames 8 apart); then 4 cores taking turns, each
 * streaming its own quarter, spread over the channels and all on one (a
 * channel limits each core alone: its time is per core, docs/caches.md).
 * The host's figure beside them:
 * its thread reading 256 MiB with 8-byte loads (its prefetchers help it;
 * the model has none), in bytes per ns (zen3's 3.5 GHz: 1 B/cycle is
 * 3.5 B/ns). */
static double sim_stream(uint32_t lfb, uint32_t interleave, uint64_t stride_pages, int cores)
{
	struct rig r;
	uint64_t pages = 8192;
	struct hw_config cfg = preset_config("zen3", (64ULL << 20) + pages * stride_pages * HW_PAGE_SIZE + (64ULL << 20), true);
	cfg.nr_cpus = cores;
	cfg.mem.lfb_entries = lfb;
	if (interleave)
		cfg.mem.dram.interleave = interleave;
	uint32_t *frame = malloc(pages * sizeof *frame);
	if (!frame)
		return -1;
	for (uint64_t p = 0; p < pages; p++)
		frame[p] = (uint32_t)(p * stride_pages);
	int bad = rig_init_config(&r, &cfg, pages, frame);
	free(frame);
	for (int c = 1; !bad && c < cores; c++)
		bad = hw_mov_to_cr3(hw_machine_cpu(&r.m, c), hw_machine_cpu(&r.m, 0)->cr3 & HW_PTE_ADDR_MASK);
	if (bad)
		return -1;
	static uint8_t buf[HW_PAGE_SIZE];
	for (uint64_t p = 0; p < pages; p++)
		hw_access(hw_machine_cpu(&r.m, (int)(p % (uint64_t)cores)), BASE_VA + p * HW_PAGE_SIZE, buf, HW_PAGE_SIZE,
			  HW_READ, HW_USER, NULL);
	uint64_t cycles = 0;
	for (int c = 0; c < cores; c++)
		if (hw_machine_cpu(&r.m, c)->ctr.cycles > cycles)
			cycles = hw_machine_cpu(&r.m, c)->ctr.cycles;
	rig_destroy(&r);
	return (double)(pages * HW_PAGE_SIZE) / (double)cycles;
}

BENCH(dram_stream)
{
	double with = sim_stream(24, 0, 1, 1), without = sim_stream(0, 0, 1, 1);
	bench_figure("stream_sim_bytes_per_cycle", with, "B/cycle");
	bench_figure("stream_sim_serial_bytes_per_cycle", without, "B/cycle");
	bench_ratio("stream_sim_lfb_vs_serial", with, without);
	bench_figure("stream_sim_one_channel_bytes_per_cycle", sim_stream(24, 4096, 8, 1), "B/cycle");
	bench_figure("stream_sim_4cores_bytes_per_cycle", sim_stream(24, 0, 1, 4), "B/cycle");
	bench_figure("stream_sim_4cores_one_channel_bytes_per_cycle", sim_stream(24, 4096, 8, 4), "B/cycle");
	bench_figure("stream_sim_one_channel_limit", 64.0 / 9, "B/cycle");
	uint64_t size = 256ULL << 20, sum = 0;
	uint64_t *b = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED)
		return;
	memset(b, 1, size);
	double best = 0;
	for (int k = 0; k < 3; k++) {
		uint64_t t0 = thread_ns();
		for (uint64_t i = 0; i < size / 8; i++)
			sum += b[i];
		uint64_t dt = thread_ns() - t0;
		double bpn = (double)size / (double)(dt ? dt : 1);
		if (bpn > best)
			best = bpn;
	}
	bench_sink(sum);
	munmap(b, size);
	bench_figure("stream_host_bytes_per_ns", best, "B/ns");
	bench_figure("stream_sim_bytes_per_ns_at_3_5ghz", with * 3.5, "B/ns");
}

/* ---- the real machine as the oracle ---------------------------------------------------
 * cache_oracle: a pointer chase over working sets of 16 KiB to 1 GiB (64 MiB
 * with QUICK=1): the lines of the set in one random cycle (Sattolo's
 * algorithm, the same seed on both sides), each load's address the value
 * the previous one read. On the host with 4 KiB pages (MADV_NOHUGEPAGE), and
 * on the zen3 preset (this host is a Zen 3 EPYC) with caches, 4 KiB pages.
 * The host's ns per load (its thread's CPU time) is measured twice
 * (stable: within 10%); the
 * simulated cycles per load become ns at the host's clock, estimated from
 * its L1d plateau (16 KiB: 4 cycles on Zen 3). Printed side by side. */

/* Line indexes 0..n-1 in one random cycle: next[i] follows i. */
static uint32_t *random_cycle(uint64_t n, uint64_t seed)
{
	uint32_t *order = malloc(n * sizeof *order), *next = malloc(n * sizeof *next);
	if (!order || !next) {
		free(order);
		free(next);
		return NULL;
	}
	for (uint64_t i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	for (uint64_t i = n - 1; i > 0; i--) {     /* Sattolo: a single cycle */
		uint64_t j = xorshift(&seed) % i;
		uint32_t t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (uint64_t i = 0; i < n; i++)
		next[order[i]] = order[(i + 1) % n];
	free(order);
	return next;
}


/* ns per load of steps dependent loads around the cycle in buf. */
static double host_chase(const uint64_t *buf, uint64_t steps)
{
	uint64_t at = 0;
	for (uint64_t i = 0; i < steps / 4; i++)       /* warm */
		at = buf[at];
	uint64_t t0 = thread_ns();
	for (uint64_t i = 0; i < steps; i++)
		at = buf[at];
	uint64_t dt = thread_ns() - t0;
	bench_sink(at);
	return (double)dt / (double)steps;
}

/* The host's ns per load over size bytes: the best (a[0]) and second
 * best (a[1]) of ORACLE_REPS runs. Other programs only ever add to a
 * run's time (they take the CPU, the caches' capacity, the memory's
 * bandwidth), so the least is the figure; the host is stable at a size
 * when the two least agree. */
#define ORACLE_REPS 5
static int host_curve_point(uint64_t size, const uint32_t *next, uint64_t steps, double a[2])
{
	uint64_t *buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return -1;
	madvise(buf, size, MADV_NOHUGEPAGE);
	for (uint64_t i = 0; i < size / 64; i++)
		buf[i * 8] = (uint64_t)next[i] * 8;      /* the next line's first word */
	a[0] = a[1] = 1e30;
	for (int k = 0; k < ORACLE_REPS; k++) {
		double ns = host_chase(buf, steps);
		if (ns < a[0])
			a[1] = a[0], a[0] = ns;
		else if (ns < a[1])
			a[1] = ns;
	}
	munmap(buf, size);
	return 0;
}

/* The host is a 2-vCPU guest of a shared EPYC: its L3 (one CCX's, 8
 * cores) serves cores outside the guest, busy with other tenants'
 * programs. They compete for every way: each of the 7 fills a line every
 * ORACLE_L3_GAP cycles (64 bytes per 400 cycles, 0.4 GB/s at 2.6 GHz),
 * which puts the chase's cliff between 4 and 8 MiB as the quiet host's
 * (docs/caches.md: the gap was chosen from the host's curve). */
#define ORACLE_L3_OTHERS 7
#define ORACLE_L3_GAP 400

/* The zen3 preset's cycles per load over size bytes, its L3 shared as the
 * host's is (ORACLE_L3_OTHERS). */
static double sim_curve_point(uint64_t size, const uint32_t *next, uint64_t steps)
{
	struct rig r;
	uint64_t pages = size / HW_PAGE_SIZE, v = 0, va = BASE_VA;
	/* The host's pages are frames its allocator had free, scattered over
	 * its memory (so unevenly over the caches' sets and DRAM's banks); the
	 * same here: frames drawn at random from a pool up to four times the
	 * set (64 MiB more at most: past the L3 the spread does not matter). */
	uint64_t pool = pages + (3 * pages < 16384 ? 3 * pages : 16384);
	struct hw_config cfg = preset_config("zen3", (64ULL << 20) + pool * HW_PAGE_SIZE + (64ULL << 20), true);
	cfg.mem.l3_others = ORACLE_L3_OTHERS;
	cfg.mem.l3_others_gap = ORACLE_L3_GAP;
	uint32_t *frame = random_cycle(pool, 0x9E3779B97F4A7C15ULL ^ size);
	if (!frame || rig_init_config(&r, &cfg, pages, frame)) {
		free(frame);
		return -1;
	}
	for (uint64_t i = 0; i < size / 64; i++)
		ram_write64(&r.ram, (64ULL << 20) + (uint64_t)frame[i / 64] * HW_PAGE_SIZE + i % 64 * 64,
			    BASE_VA + (uint64_t)next[i] * 64);
	free(frame);
	/* The host's set was just written, line after line: what the caches
	 * can hold of it is there. The same here (up to 64 MiB, twice zen3's
	 * L3: beyond, a random cycle misses the L3 anyway). */
	for (uint64_t i = 0; size <= (64ULL << 20) && i < size / 64; i++)
		hw_access(r.cpu, BASE_VA + i * 64, &v, 8, HW_READ, HW_USER, NULL);
	for (uint64_t i = 0; i < steps / 4; i++) {   /* warm, as the host */
		hw_access(r.cpu, va, &v, 8, HW_READ, HW_USER, NULL);
		va = v;
	}
	uint64_t c0 = r.cpu->ctr.cycles;
	for (uint64_t i = 0; i < steps; i++) {
		hw_access(r.cpu, va, &v, 8, HW_READ, HW_USER, NULL);
		va = v;
	}
	double cycles = (double)(r.cpu->ctr.cycles - c0) / (double)steps;
	rig_destroy(&r);
	return cycles;
}

BENCH(cache_oracle)
{
	uint64_t top = ctx->quick ? 64ULL << 20 : 1ULL << 30;
	uint64_t host_steps = ctx->quick ? 400000 : 2000000, sim_steps = ctx->quick ? 40000 : 200000;
	double ghz = 0;
	int within = 0, stable_sizes = 0;
	printf("  host: 4 KiB pages, so its figure includes its dTLB misses and page walks (two-dimensional\n"
	       "  under KVM); best and second best of %d runs. sim: zen3 with l3.others = %d (gap %d), 4 KiB pages on\n"
	       "  scattered frames, its TLB misses and walks (through the caches) included\n",
	       ORACLE_REPS, ORACLE_L3_OTHERS, ORACLE_L3_GAP);
	printf("  %10s %10s %10s %8s %10s %10s %7s\n", "set", "host ns", "host ns", "stable", "sim cyc", "sim ns", "sim/host");
	for (uint64_t size = 16 << 10; size <= top; size *= 2) {
		uint32_t *next = random_cycle(size / 64, 0x2545F4914F6CDD1DULL ^ size);
		double h[2], cyc;
		if (!next || host_curve_point(size, next, host_steps, h) || (cyc = sim_curve_point(size, next, sim_steps)) < 0) {
			free(next);
			printf("  %10" PRIu64 ": no memory\n", size);
			break;
		}
		free(next);
		double host = h[0] < h[1] ? h[0] : h[1];
		bool stable = (h[0] > h[1] ? h[0] / h[1] : h[1] / h[0]) < 1.10;
		if (!ghz)
			ghz = 4.0 / host;              /* Zen 3's L1d: 4 cycles */
		double sim = cyc / ghz, ratio = sim / host;
		if (stable) {
			stable_sizes++;
			within += ratio >= 0.75 && ratio <= 1.25;
		}
		printf("  %8" PRIu64 "K %10.2f %10.2f %8s %10.1f %10.2f %7.2f\n", size >> 10, h[0], h[1],
		       stable ? "yes" : "no", cyc, sim, ratio);
		char name[64];
		snprintf(name, sizeof name, "chase_%" PRIu64 "k_host_ns", size >> 10);
		bench_figure(name, host, "ns");
		snprintf(name, sizeof name, "chase_%" PRIu64 "k_sim_ns", size >> 10);
		bench_figure(name, sim, "ns");
	}
	bench_figure("chase_host_ghz_from_l1", ghz, "GHz");
	double load = -1;
	FILE *f = fopen("/proc/loadavg", "r");
	if (f) {
		if (fscanf(f, "%lf", &load) != 1)
			load = -1;
		fclose(f);
	}
	bench_figure("chase_host_loadavg", load, "runnable");
	bench_figure("chase_stable_sizes", stable_sizes, "sizes");
	bench_figure("chase_stable_sizes_within_25pct", within, "sizes");
}

/* ---- store buffering on the host: two pinned threads ------------------------------------- */

/* Round i of SB: x and y on lines of their own, both 0 at the start. */
struct sb_round {
	_Alignas(64) volatile uint64_t x;
	_Alignas(64) volatile uint64_t y;
	uint64_t r[2];
};

struct sb_run {
	struct sb_round *round;
	uint64_t rounds;
	_Atomic uint64_t arrive;        /* a two-thread barrier before each round */
	_Atomic uint64_t stop_at;       /* rounds past this are skipped (a time limit) */
	bool fence;
};

struct sb_arg {
	struct sb_run *run;
	int me;
};

/* Wait until the counter reaches want, yielding the CPU now and then (the
 * host is shared). */
static void sb_wait(_Atomic uint64_t *c, uint64_t want)
{
	for (unsigned spins = 0; atomic_load_explicit(c, memory_order_acquire) < want; spins++)
		if (spins % 1024 == 1023)
			sched_yield();
}

/* One side of the SB test, pinned to CPU me: in each round, meet the other
 * thread, store my flag, (MFENCE,) load the other's. */
static void *sb_thread(void *p)
{
	struct sb_arg *a = p;
	struct sb_run *run = a->run;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(a->me, &set);
	sched_setaffinity(0, sizeof set, &set);
	for (uint64_t i = 0; i < run->rounds; i++) {
		atomic_fetch_add_explicit(&run->arrive, 1, memory_order_acq_rel);
		sb_wait(&run->arrive, 2 * (i + 1));
		if (i >= atomic_load_explicit(&run->stop_at, memory_order_relaxed))
			continue;
		struct sb_round *r = &run->round[i];
		if (a->me == 0) {
			r->x = 1;
			if (run->fence)
				__asm__ volatile("mfence" ::: "memory");
			r->r[0] = r->y;
		} else {
			r->y = 1;
			if (run->fence)
				__asm__ volatile("mfence" ::: "memory");
			r->r[1] = r->x;
		}
	}
	return NULL;
}

/* Up to rounds rounds of SB (with or without MFENCE), for at most about
 * limit_ns; *done gets how many ran. Returns how many ended (0, 0). */
static uint64_t host_sb(uint64_t rounds, bool fence, uint64_t limit_ns, uint64_t *done)
{
	struct sb_run run = { .rounds = rounds, .fence = fence };
	struct sb_arg args[2] = { { &run, 0 }, { &run, 1 } };
	pthread_t t[2];
	atomic_store(&run.stop_at, rounds);
	run.round = aligned_alloc(64, rounds * sizeof *run.round);
	if (!run.round)
		return 0;
	memset(run.round, 0, rounds * sizeof *run.round);
	uint64_t t0 = bench_now_ns();
	for (int k = 0; k < 2; k++)
		pthread_create(&t[k], NULL, sb_thread, &args[k]);
	while (atomic_load(&run.arrive) < 2 * rounds && bench_now_ns() - t0 < limit_ns) {
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
	if (atomic_load(&run.arrive) < 2 * rounds)
		atomic_store(&run.stop_at, atomic_load(&run.arrive) / 2);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	uint64_t both_zero = 0, n = atomic_load(&run.stop_at);
	for (uint64_t i = 0; i < n; i++)
		both_zero += !run.round[i].r[0] && !run.round[i].r[1];
	free(run.round);
	*done = n;
	return both_zero;
}

/* The simulator's SB on zen3 in the order that shows (0,0) if anything
 * does (both stores, then both loads; fence: an MFENCE after each
 * store): 1 when both loads read 0. tests/unit/test_storebuf.c checks
 * every other order. */
static int sim_sb(bool fence)
{
	mmsim_config *c = mmsim_config_new("zen3", NULL);
	mmsim_machine *m;
	if (!c || mmsim_config_set(c, "ram", "256M", NULL, 0) || mmsim_machine_new(c, &m, NULL, 0)) {
		mmsim_config_free(c);
		return -1;
	}
	mmsim_config_free(c);
	int p = mmsim_spawn(m, "sb", 0), t = mmsim_thread(m, p, 1);
	int64_t a = mmsim_mmap(m, p, 0, 4096, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
			       MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS | MMSIM_MAP_POPULATE, -1, 0);
	uint64_t x = (uint64_t)a, y = x + 64;
	struct mmsim_step s[6] = {
		{ .pid = p, .op = MMSIM_STEP_STORE, .addr = x, .len = 8, .value = 1 },
		{ .pid = t, .op = MMSIM_STEP_STORE, .addr = y, .len = 8, .value = 1 },
		{ .pid = p, .op = MMSIM_STEP_MFENCE }, { .pid = t, .op = MMSIM_STEP_MFENCE },
		{ .pid = p, .op = MMSIM_STEP_LOAD, .addr = y, .len = 8 },
		{ .pid = t, .op = MMSIM_STEP_LOAD, .addr = x, .len = 8 },
	};
	if (!fence)
		s[2] = s[4], s[3] = s[5];
	int rc = mmsim_interleave(m, s, fence ? 6 : 4, NULL);
	int both_zero = !rc && !s[fence ? 4 : 2].value && !s[fence ? 5 : 3].value;
	mmsim_machine_free(m);
	return rc ? -1 : both_zero;
}

BENCH(litmus_sb)
{
	uint64_t rounds = ctx->quick ? 20000 : 200000, limit = ctx->quick ? 2000000000ULL : 10000000000ULL;
	uint64_t n_plain, n_fenced;
	uint64_t plain = host_sb(rounds, false, limit, &n_plain), fenced = host_sb(rounds, true, limit, &n_fenced);
	bench_figure("litmus_sb_host_rounds_without_fence", (double)n_plain, "rounds");
	bench_figure("litmus_sb_host_00_without_fence", (double)plain, "rounds");
	bench_figure("litmus_sb_host_rounds_with_mfence", (double)n_fenced, "rounds");
	bench_figure("litmus_sb_host_00_with_mfence", (double)fenced, "rounds");
	bench_figure("litmus_sb_sim_00_without_fence", sim_sb(false), "yes=1");
	bench_figure("litmus_sb_sim_00_with_mfence", sim_sb(true), "yes=1");
}
