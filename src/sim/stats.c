/* sim/stats.c — the machine's and the tasks' counters as named numbers. */
#include "sim/sim.h"

#include "common.h"

#include "hw/cpu.h"
#include "kernel/sched.h"
#include "kernel/vmstat.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Where counters are collected: out[0..max-1], n counts every one. */
struct stat_sink {
	struct mmsim_stat *out;
	size_t max, n;
};

static void put(struct stat_sink *s, uint64_t value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Add one counter named by fmt. */
static void put(struct stat_sink *s, uint64_t value, const char *fmt, ...)
{
	if (s->n < s->max) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(s->out[s->n].name, sizeof s->out[s->n].name, fmt, ap);
		va_end(ap);
		s->out[s->n].value = value;
	}
	s->n++;
}

static const char *const kind_names[HW_NR_ACCESS] = { "read", "write", "fetch" };
static const char *const level_names[HW_NR_TLB_LEVELS] = { "l1i", "l1d", "l2" };
static const char *const size_names[HW_NR_PSIZES + 1] = { "4k", "2m", "1g", "none" };
static const char *const tlb_names[HW_NR_TLBS] = {
	"itlb", "itlb2m", "dtlb4k", "dtlb2m", "dtlb1g", "stlb", "stlb1g",
};
static const char *const pwc_names[HW_NR_PWCS] = { "pde", "pdpte", "pml4e", "pml5e" };

/* #PF counts by cause, from the per-error-code counts. */
static void put_faults(struct stat_sink *s, const char *pre, const struct hw_counters *c)
{
	static const struct { const char *name; uint32_t bit; bool set; } causes[] = {
		{ "not_present", HW_PF_P, false }, { "protection", HW_PF_P, true },
		{ "write", HW_PF_W, true }, { "user", HW_PF_U, true }, { "rsvd", HW_PF_RSVD, true },
		{ "fetch", HW_PF_I, true }, { "pk", HW_PF_PK, true },
	};
	uint64_t total = 0;
	for (int e = 0; e < 64; e++)
		total += c->pf[e];
	put(s, total, "%spf.total", pre);
	for (size_t i = 0; i < ARRAY_SIZE(causes); i++) {
		uint64_t n = 0;
		for (uint32_t e = 0; e < 64; e++)
			n += ((e & causes[i].bit) != 0) == causes[i].set ? c->pf[e] : 0;
		put(s, n, "%spf.%s", pre, causes[i].name);
	}
}

static const char *const at_names[HW_NR_AT] = { "l1d", "l1i", "l2", "l3", "c2c", "remote", "dram" };

/* The memory hierarchy's counters (all 0 without caches). */
static void put_mem(struct stat_sink *s, const char *pre, const struct hw_counters *c)
{
	for (int i = 0; i < HW_NR_CACHES; i++) {
		put(s, c->mem_hit[i], "%smem.%s.hit", pre, hw_cache_name((enum hw_cache_id)i));
		put(s, c->mem_miss[i], "%smem.%s.miss", pre, hw_cache_name((enum hw_cache_id)i));
		put(s, c->mem_writebacks[i], "%smem.%s.writebacks", pre, hw_cache_name((enum hw_cache_id)i));
	}
	put(s, c->mem_c2c, "%smem.c2c", pre);
	put(s, c->mem_dram_reads, "%smem.dram.reads", pre);
	put(s, c->mem_dram_writes, "%smem.dram.writes", pre);
	put(s, c->mem_row_hit, "%smem.dram.row_hit", pre);
	put(s, c->mem_row_miss, "%smem.dram.row_miss", pre);
	put(s, c->mem_row_conflict, "%smem.dram.row_conflict", pre);
	put(s, c->sb_stores, "%ssb.stores", pre);
	put(s, c->sb_forwards, "%ssb.forwards", pre);
	put(s, c->sb_fences, "%ssb.fences", pre);
	put(s, c->mem_upgrades, "%smem.upgrades", pre);
	put(s, c->mem_invalidated, "%smem.invalidated", pre);
	put(s, c->mem_dram_local, "%smem.dram.local", pre);
	put(s, c->mem_dram_remote, "%smem.dram.remote", pre);
}

/* cycles broken down by what they were spent on (the parts sum to
 * cycles; the TLB's part is what the others leave), then the memory
 * references' cycles by where each line was found. lat is the core's. */
static void put_cost(struct stat_sink *s, const char *pre, const struct hw_counters *c, const struct hw_latency *lat)
{
	uint64_t pwc = 0, inval = c->invlpg * lat->invlpg + (c->cr3_flush + c->cr3_noflush) * lat->mov_cr3;
	for (int p = 0; p < HW_NR_PWCS; p++)
		pwc += c->pwc_hit[p] * lat->pwc_hit;
	for (int i = 0; i < 4; i++)
		inval += c->invpcid[i] * lat->invpcid;
	uint64_t walk = c->walk_refs * lat->walk_ref + c->cost_walk_mem, ipi = c->ipis * lat->ipi;
	uint64_t rest = pwc + inval + walk + ipi + c->cost_data + c->cost_sb;
	put(s, c->cycles - rest, "%scost.tlb", pre);
	put(s, pwc, "%scost.pwc", pre);
	put(s, walk, "%scost.walk", pre);
	put(s, c->cost_data, "%scost.data", pre);
	put(s, inval, "%scost.invalidate", pre);
	put(s, ipi, "%scost.ipi", pre);
	put(s, c->cost_sb, "%scost.sb", pre);
	for (int a = 0; a < HW_NR_AT; a++)
		put(s, c->cost_at[a], "%scost.at.%s", pre, at_names[a]);
}

/* One core's counters (or a sum), names prefixed with pre. */
static void put_hw(struct stat_sink *s, const char *pre, const struct hw_counters *c)
{
	for (int k = 0; k < HW_NR_ACCESS; k++)
		put(s, c->access[k], "%saccesses.%s", pre, kind_names[k]);
	for (int l = 0; l < HW_NR_TLB_LEVELS; l++) {
		for (int p = 0; p < HW_NR_PSIZES; p++)
			put(s, c->tlb_hit[l][p], "%stlb.%s.hit.%s", pre, level_names[l], size_names[p]);
		for (int p = 0; p <= HW_NR_PSIZES; p++)
			put(s, c->tlb_miss[l][p], "%stlb.%s.miss.%s", pre, level_names[l], size_names[p]);
	}
	put(s, c->dirty_miss, "%stlb.dirty_miss", pre);
	put(s, c->stale_rewalk, "%stlb.stale_rewalk", pre);
	for (int t = 0; t < HW_NR_TLBS; t++) {
		put(s, c->fills[t], "%sfills.%s", pre, tlb_names[t]);
		put(s, c->evictions[t], "%sevictions.%s", pre, tlb_names[t]);
	}
	put(s, c->walks, "%swalks", pre);
	put(s, c->walk_refs, "%swalk_refs", pre);
	put(s, c->ad_writes, "%sad_writes", pre);
	for (int p = 0; p < HW_NR_PWCS; p++)
		put(s, c->pwc_hit[p], "%spwc.%s.hit", pre, pwc_names[p]);
	put_faults(s, pre, c);
	put(s, c->gp, "%sgp", pre);
	put(s, c->ud, "%sud", pre);
	put(s, c->invlpg, "%sinvlpg", pre);
	for (int i = 0; i < 4; i++)
		put(s, c->invpcid[i], "%sinvpcid.type%d", pre, i);
	put(s, c->cr3_flush, "%scr3_flush", pre);
	put(s, c->cr3_noflush, "%scr3_noflush", pre);
	put(s, c->cr4_flush, "%scr4_flush", pre);
	put(s, c->pf_flush, "%spf_flush", pre);
	put(s, c->cycles, "%scycles", pre);
	put_mem(s, pre, c);
}

/* a += b, field by field (every field of hw_counters is a uint64_t). */
static void add_counters(struct hw_counters *a, const struct hw_counters *b)
{
	uint64_t *pa = (uint64_t *)a;
	const uint64_t *pb = (const uint64_t *)b;
	for (size_t i = 0; i < sizeof *a / sizeof(uint64_t); i++)
		pa[i] += pb[i];
}

_Static_assert(sizeof(struct hw_counters) % sizeof(uint64_t) == 0, "hw_counters holds only u64s");

/* See sim.h. */
size_t sim_machine_stats(mmsim_machine *m, struct mmsim_stat *out, size_t max)
{
	struct sim_machine *s = sim_machine(m);
	struct stat_sink sink = { out, max, 0 };
	struct hw_counters sum = { 0 };
	char pre[16];

	for (int c = 0; c < s->hw.nr_cpus; c++)
		add_counters(&sum, &s->hw.cpus[c].ctr);
	put_hw(&sink, "", &sum);
	put_cost(&sink, "", &sum, &s->hw.cpus[0].lat);     /* every core has the same latencies */
	for (int c = 0; c < s->hw.nr_cpus; c++) {
		snprintf(pre, sizeof pre, "cpu%d.", c);
		put_hw(&sink, pre, &s->hw.cpus[c].ctr);
		put_cost(&sink, pre, &s->hw.cpus[c].ctr, &s->hw.cpus[c].lat);
	}
	for (int e = 0; e < NR_VM_EVENT_ITEMS; e++)
		put(&sink, s->kernel.vm_events[e], "vm.%s", vm_event_names[e]);
	return sink.n;
}

/* See sim.h. A leader stands for its process (RUSAGE_SELF), a thread for
 * itself (RUSAGE_THREAD). */
int sim_task_stats(mmsim_machine *m, int pid, struct mmsim_stat *out, size_t max)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = sim_task(s, pid);
	struct task_mmu_stats mmu = { 0 };
	uint64_t minflt = 0, majflt = 0;

	if (!t)
		return -ESRCH;
	for (struct task_struct *p = s->kernel.tasks; p; p = p->next_task) {
		if (p != t && (t != t->group_leader || p->tgid != t->tgid || p->state != TASK_RUNNING))
			continue;
		minflt += p->min_flt;
		majflt += p->maj_flt;
		mmu.accesses += p->mmu.accesses;
		mmu.l1_hits += p->mmu.l1_hits;
		mmu.l2_hits += p->mmu.l2_hits;
		mmu.walks += p->mmu.walks;
		mmu.walk_refs += p->mmu.walk_refs;
		mmu.pwc_hits += p->mmu.pwc_hits;
		mmu.page_faults += p->mmu.page_faults;
		mmu.cycles += p->mmu.cycles;
	}
	struct stat_sink sink = { out, max, 0 };
	put(&sink, minflt, "minflt");
	put(&sink, majflt, "majflt");
	put(&sink, mmu.accesses, "accesses");
	put(&sink, mmu.l1_hits + mmu.l2_hits, "tlb.hit");
	put(&sink, mmu.l1_hits, "tlb.l1_hit");
	put(&sink, mmu.l2_hits, "tlb.l2_hit");
	put(&sink, mmu.walks, "tlb.miss");
	put(&sink, mmu.walks, "walks");
	put(&sink, mmu.walk_refs, "walk_refs");
	put(&sink, mmu.pwc_hits, "pwc.hit");
	put(&sink, mmu.page_faults, "page_faults");
	put(&sink, mmu.cycles, "cycles");
	return (int)sink.n;
}
