/*
 * hw/config.h — everything about a simulated machine's hardware.
 *
 * A struct hw_config says how much RAM and how many cores a machine has, how
 * many paging levels and physical-address bits its cores implement, whether
 * they have PCIDs, the geometry of every TLB and paging-structure cache, and
 * the latencies of the cost model. Presets (hw/presets.h) fill one in; the
 * `key=value` interface below overrides single fields, with a message that
 * names the key and the allowed values when a value is bad. The keys are
 * listed in docs/mmu.md. `ram`, `cores` and `paging` are set by the API layer.
 */
#ifndef MMSIM_HW_CONFIG_H
#define MMSIM_HW_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/pte.h"

#define HW_MAX_CPUS      256
#define HW_MAX_ENTRIES   65536     /* per TLB or cache */
#define HW_MAX_WAYS      128
#define HW_MAX_PLRU_WAYS 64        /* tree bits of a set fit one uint64_t */
#define HW_MAX_LATENCY   1000000
#define HW_MAX_NODES     64        /* NUMA nodes (hw/numa.h) */

/* Replacement policies; RRIP (2-bit re-reference prediction, hit
 * priority: Jaleel et al., ISCA 2010) is for data caches only. */
enum hw_repl { HW_REPL_LRU, HW_REPL_PLRU, HW_REPL_RRIP };

/* The TLBs of a core. The level each belongs to is fixed; the page sizes
 * each holds are configurable (a size no structure of a level holds is
 * splintered into the largest smaller size one does). */
enum hw_tlb_id {
	HW_TLB_ITLB,      /* L1 instruction, 4K */
	HW_TLB_ITLB2M,    /* L1 instruction, 2M */
	HW_TLB_DTLB4K,    /* L1 data, 4K */
	HW_TLB_DTLB2M,    /* L1 data, 2M */
	HW_TLB_DTLB1G,    /* L1 data, 1G */
	HW_TLB_STLB,      /* second level, unified, 4K + 2M */
	HW_TLB_STLB1G,    /* second level, 1G */
	HW_NR_TLBS
};
enum hw_tlb_level { HW_L1I, HW_L1D, HW_L2, HW_NR_TLB_LEVELS };

/* Paging-structure caches (SDM §4.10.3), named by the entry they cache. */
enum hw_pwc_id { HW_PWC_PDE, HW_PWC_PDPTE, HW_PWC_PML4E, HW_PWC_PML5E, HW_NR_PWCS };

/* Geometry of one set-associative structure; entries 0 means absent. */
struct hw_geom {
	uint32_t entries;
	uint32_t ways;          /* entries/ways sets, a power of two */
	uint8_t repl;           /* enum hw_repl */
	uint8_t sizes;          /* HW_SIZE_BIT()s held (TLBs only) */
};

/* Cost model, in core cycles. The core charges all but ipi, which the
 * kernel side charges when it sends one. */
struct hw_latency {
	uint32_t l1_hit;        /* every translation probes an L1 TLB */
	uint32_t stlb_hit;      /* added when the L1 misses and the STLB is probed */
	uint32_t pwc_hit;       /* a walk that starts from a paging-structure cache */
	uint32_t walk_ref;      /* each paging-structure entry read by a walk */
	uint32_t invlpg;        /* INVLPG */
	uint32_t invpcid;       /* INVPCID */
	uint32_t mov_cr3;       /* MOV to CR3 */
	uint32_t ipi;           /* an inter-processor interrupt (kernel side) */
	uint32_t vmentry;       /* VM entry (hw/ept.h) */
	uint32_t vmexit;        /* VM exit */
	/* The memory hierarchy (with caches=1): the load-to-use latency of a
	 * line found in each place (hw/mem.h). */
	uint32_t l1d, l1i, l2, l3;
	uint32_t c2c;           /* from another core's private cache, same L3 */
	uint32_t remote;        /* from another core's private cache, another L3 */
	uint32_t dram;          /* from memory: all but the DRAM device's own timing */
	/* The DRAM device (with dram.channels): column access, row activation
	 * and precharge, in core cycles. */
	uint32_t tcas, trcd, trp;
};

/* ---- the memory hierarchy behind the MMU (hw/mem.h, docs/caches.md) ------ */

enum hw_cache_id { HW_CACHE_L1D, HW_CACHE_L1I, HW_CACHE_L2, HW_CACHE_L3, HW_NR_CACHES };

/* What the L3 holds of the private caches' lines: all of them (an L3
 * eviction invalidates the private copies), whatever it was filled with
 * (non-inclusive, non-exclusive), or only what the L2s evicted (a victim
 * cache: a line moves to the L2 that reads it). */
enum hw_l3_policy { HW_L3_INCLUSIVE, HW_L3_NINE, HW_L3_EXCLUSIVE };

enum hw_protocol { HW_MESI, HW_MOESI, HW_MESIF };

/* How cycles are charged with caches: from where each reference is found,
 * or every walk reference lat.walk_ref and data nothing (today's model
 * without caches; the caches still keep state and count). */
enum hw_lat_model { HW_LAT_HIERARCHY, HW_LAT_FLAT };

/* One cache level: size bytes (0: absent), ways, replacement; 64-byte lines. */
struct hw_cache_geom {
	uint32_t size;
	uint32_t ways;
	uint8_t repl;           /* enum hw_repl */
};

/* Memory behind the L3 (0 channels: no device model, every memory access
 * costs lat.dram): channels of ranks of banks, each with a row buffer of
 * row bytes kept open after an access (an open-page policy). Consecutive
 * blocks of interleave bytes go to consecutive channels; within a channel
 * the rows of consecutive row-sized blocks go to consecutive banks, the
 * bank XORed with the row's low bits (permutation interleaving). */
struct hw_dram_geom {
	uint32_t channels, ranks, banks;
	uint32_t row;           /* bytes per row buffer */
	uint32_t interleave;    /* bytes per channel block */
	uint32_t burst;         /* dram.burst: cycles a line takes on its channel's data
				 * bus (the channel's bandwidth; with lfb.entries) */
};

struct hw_mem_config {
	bool on;                /* key `caches` */
	uint8_t model;          /* lat.model: enum hw_lat_model */
	uint8_t l3_policy;      /* l3.policy: enum hw_l3_policy */
	uint8_t protocol;       /* coherence: enum hw_protocol */
	uint32_t l3_cores;      /* l3.cores: cores sharing one L3 (a CCX); 0: all */
	uint32_t l3_others;     /* l3.others: of those, cores outside the machine whose
				 * programs keep their share of the L3's ways busy */
	uint32_t l3_others_gap; /* l3.others_gap: 0, those cores keep a static share of
				 * the ways; else they share every way with the machine's
				 * cores, each filling a line every gap cycles */
	uint32_t lfb_entries;   /* lfb.entries: a core's misses in flight at once (its
				 * L1d fill buffers); 0: one after another */
	struct hw_cache_geom cache[HW_NR_CACHES];
	struct hw_dram_geom dram;
};

#define HW_LINE_SHIFT      6
#define HW_LINE_SIZE       (1u << HW_LINE_SHIFT)
#define HW_MAX_CACHE_SIZE  (1u << 30)
#define HW_MAX_MEM_CPUS    64      /* the directory's sharer set is one word */
#define HW_MAX_DRAM_CHANNELS 16
#define HW_MAX_DRAM_RANKS    8
#define HW_MAX_DRAM_BANKS    64
#define HW_MAX_LFB           64

/* The NUMA topology asked for (hw/numa.h resolves it): `nodes`, and lists
 * of one entry per node, or none for the defaults. */
struct hw_numa_config {
	uint32_t nodes;                 /* `nodes`: 0 or 1 is one node */
	uint32_t nr_mem;                /* entries of node.mem (0: RAM split evenly) */
	uint32_t nr_cpus;               /* entries of node.cpus (0: cores split evenly) */
	uint32_t nr_distance;           /* entries of node.distance: 0 (10 local, 21 remote),
					 * 2 (local, remote) or nodes * nodes (the SLIT, row by row) */
	uint64_t mem[HW_MAX_NODES];     /* node.mem: bytes per node */
	uint16_t cpus[HW_MAX_NODES];    /* node.cpus: cores per node, 0 for a memory-only node */
	uint8_t distance[HW_MAX_NODES * HW_MAX_NODES];   /* node.distance */
};

struct hw_config {
	uint64_t ram_bytes;     /* API key `ram` */
	int nr_cpus;            /* API key `cores`, 1 .. HW_MAX_CPUS */
	int paging_levels;      /* API key `paging`, 4 or 5 */
	unsigned maxphyaddr;    /* 36 .. 52 */
	bool pcid;              /* CR4.PCIDE and INVPCID supported */
	bool rewalk_stale;      /* a TLB hit whose rights forbid the access walks
				 * again before faulting (AMD), instead of
				 * faulting from the cached entry (Intel) */
	struct hw_geom tlb[HW_NR_TLBS];
	struct hw_geom pwc[HW_NR_PWCS];
	struct hw_latency lat;
	struct hw_mem_config mem;
	uint32_t sb_entries;    /* sb.entries: the store buffer (hw/storebuf.h); 0: none */
	bool one_at_a_time;     /* mmu.one_at_a_time: a batch's accesses are translated one by
				 * one, never as runs of L1 TLB hits (hw_run): the same counts,
				 * slower; for comparisons */
	struct hw_numa_config numa;     /* NUMA nodes (hw/numa.h) */
};

/* Set configuration key to value. Returns 0, -ENOENT for an unknown key or
 * -EINVAL for a bad value; err (when not NULL) then says what and why. */
int hw_config_set(struct hw_config *c, const char *key, const char *value, char *err, size_t errlen);

/* Parse a byte count: a number (decimal, or 0x hex) with an optional
 * binary K/M/G/T suffix, optionally followed by "iB" or "B" ("2G",
 * "512MiB"). 0, or -EINVAL for anything else or an overflow. */
int hw_parse_size(const char *s, uint64_t *out);

/* Render key's value into buf. Returns 0 or -ENOENT. */
int hw_config_get(const struct hw_config *c, const char *key, char *buf, size_t len);

/* The i-th key name, NULL past the last. */
const char *hw_config_key(size_t i);

/* Check c for impossible combinations (ways not dividing entries, a set
 * count that is not a power of two, tree-PLRU without power-of-two ways,
 * MAXPHYADDR outside 36..52, RAM beyond the physical address space, ...).
 * Returns 0 or -EINVAL with the first problem in err. */
int hw_config_validate(const struct hw_config *c, char *err, size_t errlen);

/* The ways of each L3 set the machine's cores may fill: l3.ways less the
 * share (l3.ways / l3.cores each) of the l3.others busy cores outside it
 * (all of them with l3.others_gap: the outside cores compete by filling). */
uint32_t hw_l3_ways_left(const struct hw_mem_config *m);

/* Names of the TLBs and caches as the keys spell them ("dtlb4k", "pwc.pde"). */
const char *hw_tlb_name(enum hw_tlb_id id);
const char *hw_pwc_name(enum hw_pwc_id id);
const char *hw_cache_name(enum hw_cache_id id);     /* "l1d", "l1i", "l2", "l3" */

/* The level a TLB belongs to, and the paging level whose entries a
 * paging-structure cache holds (PDE cache: HW_LVL_PD). */
enum hw_tlb_level hw_tlb_level_of(enum hw_tlb_id id);
int hw_pwc_level(enum hw_pwc_id id);

#endif
