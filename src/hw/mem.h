/*
 * hw/mem.h — the memory hierarchy behind the MMU: per-core L1d, L1i and L2,
 * an L3 per group of cores (all of them, or a CCX on AMD), a coherence
 * directory, and memory.
 *
 * It plugs into the one door between a core and physical memory
 * (hw_mem_ref, hw/memref.h): with caches=1 every reference a core makes —
 * each paging-structure entry a walk reads, each A/D write-back, each data
 * load, store and fetch — goes through hw_mem_access, which finds each
 * 64-byte line it touches, moves it where the configuration says, keeps the
 * cores coherent, counts, narrates and charges the cycles of where the line
 * was found. Without caches nothing here exists and hw_mem_ref costs nothing.
 *
 * The model (docs/caches.md):
 * - The caches hold states, not bytes; the bytes are in simulated RAM.
 * - A core's L2 holds every line of its L1d and L1i (inclusive), and the
 *   three hold a line in the same coherence state, the core's.
 * - Loads and walk reads go to the L1d, fetches to the L1i; stores and A/D
 *   updates need the line in M (read for ownership, or an upgrade that
 *   invalidates the other copies). Write-back, write-allocate.
 * - The L3 is inclusive, non-inclusive or exclusive (a victim cache of the
 *   L2s) by l3.policy, shared by l3.cores cores.
 * - The directory knows exactly which cores hold each line in their private
 *   caches, so a request reaches exactly those (hw/coherence.h says what
 *   each does).
 * - Cost: lat.l1d / l1i / l2 / l3 for a line found there, lat.c2c (same
 *   L3) or lat.remote (another) when another core supplies it, lat.dram
 *   from memory, plus with a DRAM model (dram.channels) the bank's time:
 *   lat.tcas for its open row, lat.trcd + tcas for a closed bank,
 *   lat.trp + trcd + tcas for another row open (the row stays open: an
 *   open-page policy; write-backs open rows too but cost the core
 *   nothing); an upgrade costs lat.l3 (the directory's round trip).
 *   Latencies add up serially, except with lfb.entries fill buffers: the
 *   lines of one reference (a bulk copy's) and the stores in the store
 *   buffer have up to that many misses in flight, each waiting for a free
 *   buffer, and with dram.burst each channel delivers a core's lines at
 *   most every burst cycles (its bandwidth, per core: the cores' clocks
 *   are not in step; write-backs take their turn too).
 *   With lat.model=flat nothing is charged here
 *   (walk references cost lat.walk_ref, as without caches).
 */
#ifndef MMSIM_HW_MEM_H
#define MMSIM_HW_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/cache.h"
#include "hw/config.h"
#include "hw/cpu.h"

struct hw_cpu;
struct hw_mem;

#define HW_MEM_MAX_NODES 64

/* One core's view of the hierarchy. */
struct hw_mem_core {
	struct hw_cache l1d, l1i, l2;
	struct hw_cache *l3;            /* its L3, or NULL without one */
	struct hw_mem *mem;
	struct hw_cpu *cpu;
	int id;
	int domain;                     /* which L3 (l3.cores cores each) */
	bool charge;                    /* lat.model=hierarchy */
	/* l3.others_gap: the outside cores' fills owed, in cycles of this
	 * core's clock times l3.others, and the clock when last paid. */
	uint64_t others_credit, others_at;
	/* lfb.entries: when each of its fill buffers is free (the miss it
	 * holds arrives), in its clock; lfb_n of them (0: misses in series). */
	uint64_t *lfb_free;
	uint64_t lfb_last;              /* the latest of them: all are free from then */
	uint32_t lfb_n;
	int32_t dram_ch;                /* the channel its last line from memory came on */
};

/* The directory: for every line some private cache holds, which cores hold
 * it (an open-addressing table with linear probing, keyed by line). */
struct hw_dir_entry {
	uint64_t line;                  /* HW_NO_LINE: an empty slot */
	uint64_t sharers;               /* bit c: core c holds it */
};

struct hw_dir {
	struct hw_dir_entry *slot;
	uint64_t mask;                  /* slots - 1 */
	uint64_t count;
};

/* Where a physical address lives in DRAM, and what its access found. */
enum hw_row_outcome { HW_ROW_HIT, HW_ROW_MISS, HW_ROW_CONFLICT, HW_ROW_NONE };

struct hw_dram_addr {
	uint32_t channel, rank, bank;
	uint64_t row;
};

/* The DRAM coordinates of pa under geometry d (d->channels > 0). */
void hw_dram_map(const struct hw_dram_geom *d, uint64_t pa, struct hw_dram_addr *out);

struct hw_mem {
	struct hw_mem_config cfg;
	struct hw_latency lat;
	int nr_cpus, nr_l3;
	struct hw_mem_core *core;       /* nr_cpus */
	struct hw_cache *l3;            /* nr_l3, or NULL */
	struct hw_dir dir;
	bool vipt[2];                   /* L1d, L1i: sets * 64 <= 4096 bytes */
	uint64_t *open_row;             /* per channel, rank, bank: its open row, or HW_NO_LINE */
	uint64_t others_rng, others_seq;        /* l3.others_gap: their sets, their lines */
	uint64_t *ch_free;              /* per core, per channel: when its data bus is free for
					 * that core, in its clock (lfb.entries, dram.burst) */
	uint32_t ch_stride;             /* channels of every node: ch_free's entries per core */
	/* NUMA: each node's memory sits behind its own memory controller, with
	 * the dram.* channels, ranks and banks (open_row and ch_free hold
	 * nr_nodes of each, node after node), and a line from another node's
	 * memory costs lat.dram scaled by the distance (hw_mem_set_nodes). */
	int nr_nodes;                   /* 1 unless the machine gave its nodes */
	uint64_t node_end[HW_MEM_MAX_NODES];    /* the first pfn past each node */
	uint8_t core_node[HW_MAX_MEM_CPUS];
	uint8_t *distance;              /* nr_nodes * nr_nodes, SLIT (10: local), or NULL */
};


/* The machine's NUMA nodes, for the memory behind the L3s: nr nodes, node
 * n's memory the pfns below end_pfn[n] (and at or above node n-1's),
 * core c on node cpu_node[c], distance[a * stride + b] from node a to b
 * (10 local; the ACPI SLIT's). Each node gets its own memory controller
 * with dram.channels channels; an access to node b's memory from a core
 * on node a costs lat.dram * distance / 10 plus the bank's time. 0, or
 * -EINVAL (nr out of 1..64, a distance below 10) or -ENOMEM (the machine
 * keeps one node). */
int hw_mem_set_nodes(struct hw_mem *m, int nr, const uint64_t *end_pfn, const uint8_t *cpu_node,
		     const uint8_t *distance, size_t stride);

/* Build the hierarchy of cfg (validated, caches=1) for its cores, and point
 * each core at its part. Returns 0 or -ENOMEM (nothing is left allocated). */
int hw_mem_init(struct hw_mem *m, const struct hw_config *cfg, struct hw_cpu *cpus);

/* Free it and detach the cores; m may be zeroed or already destroyed. */
void hw_mem_destroy(struct hw_mem *m, struct hw_cpu *cpus);

/* Charge cycles for a reference (a walk's or data) found at at, when the
 * core charges from the hierarchy (lat.model=hierarchy). */
static inline void hw_mem_charge(struct hw_mem_core *c, bool walk, enum hw_mem_where at, uint32_t cycles)
{
	struct hw_counters *ctr = &c->cpu->ctr;
	if (!c->charge)
		return;
	ctr->cycles += cycles;
	ctr->cost_at[at] += cycles;
	if (walk)
		ctr->cost_walk_mem += cycles;
	else
		ctr->cost_data += cycles;
}

/* Charge a reference as hw_mem_charge, except a data store (store) of a
 * core with a store buffer: it retires into the buffer, whose drain takes
 * the cycles (hw_sb_retire: the core waits only for a full buffer). */
static inline void hw_mem_charge_ref(struct hw_mem_core *c, bool walk, bool store, enum hw_mem_where at,
				     uint32_t cycles)
{
	if (store && c->cpu->sb.cap) {
		if (c->charge)
			hw_sb_retire(c->cpu, cycles);
		return;
	}
	hw_mem_charge(c, walk, at, cycles);
}

/* The fast path of the hierarchy's part of a reference (hw_mem_ref, when
 * the core has caches), inline in every caller: a load or walk read
 * (write false) within one line that hits the L1d in any state, or a
 * store or A/D write (write true) that hits it in M, without narration,
 * where the L1d's memo knows the line: touch, count, charge; true. Else
 * nothing and false (hw_mem_access does it all). */
static inline bool hw_mem_fast(struct hw_cpu *cpu, uint64_t pa, unsigned len, bool write, bool walk)
{
	struct hw_mem_core *c = cpu->mem;
	uint64_t line = pa >> HW_LINE_SHIFT;
	const struct hw_cache_memo *e = &c->l1d.memo[line & c->l1d.memo_mask];
	if (__builtin_expect((pa & (HW_LINE_SIZE - 1)) + len > HW_LINE_SIZE || cpu->trace != NULL, 0) ||
	    e->line != line || c->l1d.line[e->at] != line || (write && c->l1d.state[e->at] != HW_LS_M))
		return false;
	hw_cache_touch(&c->l1d, e->at);
	cpu->ctr.mem_hit[HW_CACHE_L1D]++;
	hw_mem_charge_ref(c, walk, write && !walk, HW_AT_L1D, c->mem->lat.l1d);
	return true;
}

/* The state core c's private caches hold line in (HW_LS_I: none), and
 * whether the L3 of c's group holds it (tests, inspection). */
enum hw_line_state hw_mem_line_state(const struct hw_mem *m, int c, uint64_t line);
bool hw_mem_in_l3(const struct hw_mem *m, int c, uint64_t line);

/* Check the hierarchy's invariants: every L1 line in its core's L2 in the
 * same state, every private line in the directory (and in an inclusive
 * L3), every directory entry's holders holding it in states the protocol
 * allows together. Returns 0, or -1 with the first problem in err. */
int hw_mem_check(const struct hw_mem *m, char *err, size_t len);

/* What one reference did, for narration (hw_event.mem). */
struct hw_mem_trace {
	uint64_t line;                  /* its physical address (the line's) */
	uint8_t why;                    /* enum hw_ref */
	uint8_t missed;                 /* bit per enum hw_cache_id: probed and missed */
	uint8_t where;                  /* enum hw_mem_where */
	uint8_t filled;                 /* bit per enum hw_cache_id: filled */
	uint8_t state;                  /* the core's state afterwards */
	uint8_t before;                 /* ... and before (an upgrade) */
	bool upgrade;                   /* S/O/F to M: other copies invalidated */
	int16_t from;                   /* the core that supplied it, or -1 */
	uint8_t from_before, from_after;        /* its state before and after */
	uint64_t invalidated;           /* cores whose copies were invalidated */
	uint64_t downgraded;            /* cores whose copies went to S or O */
	uint32_t cycles;
	uint8_t dram_outcome;           /* enum hw_row_outcome (HW_ROW_NONE: no DRAM access or model) */
	int8_t node;                    /* the memory's node (-1: one node, or no memory access) */
	struct hw_dram_addr dram;
	uint8_t nvict;
	struct hw_mem_victim {
		uint64_t line;
		uint8_t cache;          /* enum hw_cache_id */
		uint8_t state;
		uint8_t to;             /* 0 dropped, 1 written back to L3, 2 to memory, 3 moved to L3 */
	} vict[4];
};

#include "hw/memref.h"

#endif
