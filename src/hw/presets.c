/*
 * hw/presets.c — the machine presets, as data.
 *
 * Figures that no vendor publishes (paging-structure-cache sizes, the cost
 * of INVLPG, MOV to CR3 and an IPI) are marked as estimates in the sources;
 * docs/presets.md says the same.
 */
#include "hw/presets.h"

#include "common.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define S4K HW_SIZE_BIT(HW_PS_4K)
#define S2M HW_SIZE_BIT(HW_PS_2M)
#define S1G HW_SIZE_BIT(HW_PS_1G)
#define GEOM(e, w, r, s) { .entries = (e), .ways = (w), .repl = HW_REPL_##r, .sizes = (s) }
#define ABSENT(s) { .entries = 0, .ways = 0, .repl = HW_REPL_LRU, .sizes = (s) }

#define GIB (1ULL << 30)
#define KIB 1024u
#define MIB (1024u * 1024u)

/* The memory hierarchy: caches on or off, one level's geometry, and the
 * fields every preset sets. */
#define CACHE(sz, w, r) { .size = (sz), .ways = (w), .repl = HW_REPL_##r }
#define MEM(on_, l1d_, l1i_, l2_, l3_, per_l3, policy, proto, dram_, lfb)                          \
	{ .on = (on_), .model = HW_LAT_HIERARCHY, .l3_policy = HW_L3_##policy, .protocol = HW_##proto, \
	  .l3_cores = (per_l3), .lfb_entries = (lfb), .cache = { [HW_CACHE_L1D] = l1d_, [HW_CACHE_L1I] = l1i_,              \
					   [HW_CACHE_L2] = l2_, [HW_CACHE_L3] = l3_ }, .dram = dram_ }
/* DRAM: channels, ranks per channel, banks per rank, row buffer bytes,
 * channel interleave bytes. DDR5's two 32-bit subchannels per DIMM are
 * independent channels (JEDEC JESD79-5: 32 banks in 8 groups per rank,
 * 1 KiB pages per x8 device, so 4 KiB per subchannel row); DDR4 has 16
 * banks and 8 KiB rows across a 64-bit channel of x8 devices (JESD79-4).
 * The interleave (256 bytes) is an estimate; controllers do not publish it. */
#define DRAM(ch, rk, bk, row_, il, burst_) \
	{ .channels = (ch), .ranks = (rk), .banks = (bk), .row = (row_), .interleave = (il), .burst = (burst_) }
#define DDR5(ch, burst_) DRAM(ch, 1, 32, 4 * KIB, 256, burst_)
/* burst: the cycles a 64-byte line takes on a channel's data bus, from the
 * channel's peak bandwidth and the core's clock (estimates: DDR4-3200's
 * 64-bit channel moves 25.6 GB/s, a line per 2.5 ns; DDR5-4800's 32-bit
 * subchannel 19.2 GB/s, 3.3 ns; DDR5-6000's 24 GB/s, 2.7 ns). lfb: the
 * L1d's fill buffers (misses in flight): Golden Cove 16 (Intel's
 * optimization reference manual, as recalled), Zen 3 to 5 24 (AMD's
 * software optimization guides' miss address buffers, as recalled). */

/* Golden Cove (Alder Lake / Raptor Lake P-core, Sapphire Rapids core).
 * The 6-way 4K dTLB cannot be a binary tree-PLRU, so it is true LRU. */
#define GOLDEN_COVE_CORE(l3_lat, c2c_lat, dram_lat, tcas_, trcd_)                                               \
	.tlb = {                                                         \
		[HW_TLB_ITLB] = GEOM(256, 8, PLRU, S4K),                 \
		[HW_TLB_ITLB2M] = GEOM(32, 8, PLRU, S2M),                \
		[HW_TLB_DTLB4K] = GEOM(96, 6, LRU, S4K),                 \
		[HW_TLB_DTLB2M] = GEOM(32, 4, PLRU, S2M),                \
		[HW_TLB_DTLB1G] = GEOM(8, 8, PLRU, S1G),                 \
		[HW_TLB_STLB] = GEOM(2048, 16, PLRU, S4K | S2M | S1G),   \
		[HW_TLB_STLB1G] = ABSENT(S1G),                           \
	},                                                               \
	.pwc = {                                                         \
		[HW_PWC_PDE] = GEOM(32, 4, LRU, 0),                      \
		[HW_PWC_PDPTE] = GEOM(4, 4, LRU, 0),                     \
		[HW_PWC_PML4E] = GEOM(2, 2, LRU, 0),                     \
		[HW_PWC_PML5E] = GEOM(2, 2, LRU, 0),                     \
	},                                                               \
	.lat = { .l1_hit = 1, .stlb_hit = 8, .pwc_hit = 1, .walk_ref = 5,\
		 .invlpg = 200, .invpcid = 200, .mov_cr3 = 250, .ipi = 4000,  \
		 .vmentry = 500, .vmexit = 500,                               \
		 .l1d = 5, .l1i = 5, .l2 = 15, .l3 = (l3_lat),                \
		 .c2c = (c2c_lat), .remote = (c2c_lat), .dram = (dram_lat),   \
		 .tcas = (tcas_), .trcd = (trcd_), .trp = (trcd_) }

/* Golden Cove's private caches: L1d 48 KiB 12-way, L1i 32 KiB 8-way; the
 * client L2 1.25 MiB 10-way and L3 slices of 3 MiB 12-way, one per core
 * (two cores: 6 MiB). 12 and 10 ways cannot be a binary tree: LRU. */
#define GOLDEN_COVE_L1D CACHE(48 * KIB, 12, LRU)
#define GOLDEN_COVE_L1I CACHE(32 * KIB, 8, PLRU)
#define GOLDEN_COVE_CLIENT_CACHES \
	MEM(false, GOLDEN_COVE_L1D, GOLDEN_COVE_L1I, CACHE(1280 * KIB, 10, LRU), CACHE(6 * MIB, 12, LRU), 0, \
	    INCLUSIVE, MESIF, DDR5(4, 16), 16)

/* Zen 3 and Zen 5: fully associative L1 TLBs for every page size, an L2
 * dTLB for 4K and 2M (1G smashed into 2M), as zen4; the paging-structure
 * caches are estimates. */
#define ZEN_TLBS(l1_entries, l2_entries, l2_ways)                                        \
	{                                                                                \
		[HW_TLB_ITLB] = GEOM(64, 64, LRU, S4K | S2M | S1G),                      \
		[HW_TLB_ITLB2M] = ABSENT(S2M),                                           \
		[HW_TLB_DTLB4K] = GEOM(l1_entries, l1_entries, LRU, S4K | S2M | S1G),   \
		[HW_TLB_DTLB2M] = ABSENT(S2M),                                           \
		[HW_TLB_DTLB1G] = ABSENT(S1G),                                           \
		[HW_TLB_STLB] = GEOM(l2_entries, l2_ways, LRU, S4K | S2M),               \
		[HW_TLB_STLB1G] = ABSENT(S1G),                                           \
	}
#define ZEN_PWCS                                            \
	{                                                   \
		[HW_PWC_PDE] = GEOM(32, 4, LRU, 0),         \
		[HW_PWC_PDPTE] = GEOM(4, 4, LRU, 0),        \
		[HW_PWC_PML4E] = GEOM(2, 2, LRU, 0),        \
		[HW_PWC_PML5E] = GEOM(2, 2, LRU, 0),        \
	}

/* Zen 3 and Zen 5 latencies: zen4's core costs, then the hierarchy's. */
#define ZEN_LAT(l2_, l3_, remote_, dram_, tcas_, trcd_)                                        \
	{ .l1_hit = 1, .stlb_hit = 7, .pwc_hit = 1, .walk_ref = 4, .invlpg = 200, .invpcid = 200, \
	  .mov_cr3 = 250, .ipi = 4000, .vmentry = 500, .vmexit = 500, .l1d = 4, .l1i = 4,          \
	  .l2 = (l2_), .l3 = (l3_), .c2c = 90, .remote = (remote_), .dram = (dram_), .tcas = (tcas_), \
	  .trcd = (trcd_), .trp = (trcd_) }

#define ZEN3_SOURCES                                                                                   \
	"Caches: this project's host, an AMD EPYC of family 19h model 01h (Milan) under KVM:\n"         \
	"  /sys/devices/system/cpu/cpu0/cache: L1d and L1i 32 KiB 8-way, L2 512 KiB 8-way,\n"          \
	"  L3 32 MiB 16-way shared by the cores of a CCX (8 on Zen 3), 64-byte lines\n"               \
	"Latencies (cycles): L1d 4, L2 12, L3 46: Chips and Cheese, \"Deep Diving Zen 3 V-Cache\",\n" \
	"  2022, https://chipsandcheese.com/2022/01/21/deep-diving-zen-3-v-cache/ (as recalled\n"      \
	"  from its latency plots); lat.dram = 380 (about 110 ns at 3.5 GHz): Milan's memory\n"        \
	"  latency as measured by reviewers, an estimate; lat.c2c and lat.remote: estimates\n"       \
	"L3: a victim cache of the L2s (exclusive), RRIP-like replacement (AMD does not publish\n"    \
	"  its policy); MOESI: AMD64 Architecture Programmer's Manual vol. 2, Memory System\n"       \
	"  chapter (the MOESI states); L1 replacement not published: tree-PLRU; L2: not published,\n" \
	"  RRIP-like: on this host a pointer chase over 512 KiB of scattered 4 KiB pages (a random\n" \
	"  cycle that overfills some L2 sets) costs 21-24 cycles a load, which a scan-resistant\n"  \
	"  L2 gives (22) and LRU or tree-PLRU do not (31: each overfull set misses every time;\n"  \
	"  make bench, cache_oracle, docs/caches.md)\n"                                               \
	"TLBs: L1 dTLB and iTLB 64 entries, fully associative; L2 dTLB 2048 entries (modelled\n"     \
	"  16-way): AMD, Software Optimization Guide for AMD EPYC 7003 Processors (pub. 56665), as\n" \
	"  recalled, not re-read; the rest as zen4\n"                                                  \
	"sb.entries = 64: Zen 3's store queue (the optimization guide above, as recalled)\n"                                                  \
	"maxphyaddr = 48 (the host's lscpu); tlb.rewalk_stale = 1 as zen4 (measured on this host);\n"          \
	"  instruction costs, paging-structure caches: estimates\n"

#define ZEN5_SOURCES                                                                                      \
	"Caches: L1d 48 KiB 12-way (up from Zen 4's 32 KiB 8-way), L1i 32 KiB 8-way, L2 1 MiB\n"           \
	"  16-way, L3 32 MiB 16-way per 8-core CCX: Chips and Cheese, \"AMD's Ryzen 9950X: Zen 5 on\n"     \
	"  Desktop\", 2024, https://chipsandcheese.com/p/amds-ryzen-9950x-zen-5-on-desktop (32 MiB of\n" \
	"  L3 per eight-core CCD); associativities as reported in AMD's Zen 5 disclosures (as recalled)\n" \
	"Latencies (cycles): L1d 4, L2 14, L3 50: as recalled from the same article's latency plots;\n"  \
	"  lat.dram = 450 (about 80 ns at 5.7 GHz, DDR5-6000); lat.remote = 900 (cross-CCD\n"            \
	"  transfers on desktop Zen 5 measured near 180 ns at launch): estimates; lat.c2c: estimate\n"  \
	"L3 victim cache, MOESI, replacement: as zen3\n"                                                   \
	"TLBs: L1 dTLB 96 entries, L2 dTLB 4096 entries (modelled 16-way): as recalled from AMD's\n"      \
	"  Zen 5 disclosures (Hot Chips 2024); the rest as zen4\n"                                        \
	"sb.entries = 104: the store queue, from the Chips and Cheese article above (as recalled)\n"                                        \
	"maxphyaddr = 48; tlb.rewalk_stale = 1 as zen4; instruction costs, paging-structure caches:\n"  \
	"  estimates\n"

#define GOLDEN_COVE_SOURCES                                                                      \
	"TLBs: Hennessy & Patterson, Computer Architecture: A Quantitative Approach, 7th ed.,\n"  \
	"  ch. 2, Intel Core i9-12900 case study: iTLB 256x4K + 32x2M 8-way; dTLB 96x4K 6-way,\n" \
	"  32x2M 4-way, 8x1G 8-way; STLB 2048 entries (4K/2M/1G) 16-way; pseudo-LRU; L1 TLB\n"    \
	"  1 cycle, STLB 8 cycles. Summary: https://my-knowledge-base-bmo.pages.dev/Reading-\n"   \
	"  Notes/Computer-Architecture/CAQA/02-Memory-Hierarchy/08-Intel-Core-i9-12900\n"         \
	"lat.walk_ref = 5: Golden Cove L1D load-to-use latency (Chips and Cheese, \"Going\n"      \
	"  Armchair Quarterback on Golden Cove's Caches\", 2022,\n"                               \
	"  https://chipsandcheese.com/2022/02/11/going-armchair-quarterback-on-golden-coves-caches/);\n" \
	"  assumes paging-structure entries hit in the L1D\n"                                     \
	"paging-structure caches: sizes not published by Intel; estimates\n"                      \
	"lat.invlpg/invpcid/mov_cr3: estimates (no vendor figure); lat.ipi: ~1 us round trip,\n" \
	"  order of magnitude from https://unseel.com/cs/tlb-shootdown, ~4000 cycles at 4 GHz\n" \
	"lat.vmentry/vmexit = 500: estimates (a VMCALL round trip is of the order of 1000 cycles\n" \
	"  on recent cores; no vendor figure)\n" \
	"caches (off: caches=1 turns them on): L1d 48 KiB 12-way 5 cycles, L1i 32 KiB, L2 and L3\n" \
	"  from Chips and Cheese (above) and AnandTech, \"The Intel 12th Gen Core i9-12900K Review\",\n" \
	"  p. 6, 2021, https://www.anandtech.com/show/17047/ (cache latencies; as recalled);\n"    \
	"  MESIF (Intel since Nehalem); lat.c2c, lat.dram: estimates\n"                          \
	"sb.entries = 114: the store queue, Chips and Cheese, \"Popping the Hood on Golden Cove\",\n" \
	"  2021, https://chipsandcheese.com/2021/12/02/popping-the-hood-on-golden-cove/ (as recalled)\n"

static const struct hw_preset presets[] = {
	{
		.name = "default",
		.description = "Intel Golden Cove P-core (Alder/Raptor Lake), 4 GiB, 2 cores, 4-level paging",
		.sources = GOLDEN_COVE_SOURCES
			"maxphyaddr = 46: the project default (client parts report 39: set maxphyaddr=39)\n",
		.config = { .ram_bytes = 4 * GIB, .nr_cpus = 2, .paging_levels = 4, .maxphyaddr = 46,
			    .pcid = true, .sb_entries = 114, GOLDEN_COVE_CORE(65, 80, 286, 83, 81),
			    .mem = GOLDEN_COVE_CLIENT_CACHES },
	},
	{
		.name = "zen4",
		.description = "AMD Zen 4 core (Ryzen 7000 / EPYC 9004), 4 GiB, 2 cores, 4-level paging",
		.sources =
			"TLBs: AMD, Software Optimization Guide for AMD Family 19h Processors (pub. 57647),\n"
			"  TLB section: L1 iTLB 64 entries and L1 dTLB 72 entries, fully associative, all page\n"
			"  sizes; L2 dTLB 3072 entries; also Chips and Cheese, \"AMD's Zen 4, Part 2: Memory\n"
			"  Subsystem and Conclusion\",\n"
			"  https://chipsandcheese.com/p/amds-zen-4-part-2-memory-subsystem-and-conclusion\n"
			"  (figures as recalled from these; not re-read for this table)\n"
			"L2 dTLB modelled as 24-way, 4K/2M; 1G pages are smashed into 2M entries there as\n"
			"  on Zen 2 (WikiChip, amd/microarchitectures/zen_2). The separate 512-entry L2 iTLB\n"
			"  is not modelled: fetches share the L2 dTLB. Replacement policy not published: LRU\n"
			"lat.walk_ref = 4: Zen 4 L1D load-to-use latency; lat.stlb_hit = 7: estimate\n"
			"maxphyaddr = 48 (Ryzen 7000); paging-structure caches, instruction costs: estimates\n"
			"caches (off: caches=1 turns them on): L1d and L1i 32 KiB 8-way, L2 1 MiB 8-way, L3\n"
			"  32 MiB 16-way per CCX, a victim cache; L2 14 cycles, L3 about 50: the Chips and\n"
			"  Cheese article above (as recalled); MOESI as zen3; lat.dram, lat.c2c, lat.remote:\n"
			"  estimates; sb.entries = 64: the store queue, as Zen 3 (same article, as recalled)\n",
		.config = {
			.ram_bytes = 4 * GIB, .nr_cpus = 2, .paging_levels = 4, .maxphyaddr = 48, .pcid = true,
			.rewalk_stale = true, .sb_entries = 64,
			.tlb = {
				[HW_TLB_ITLB] = GEOM(64, 64, LRU, S4K | S2M | S1G),
				[HW_TLB_ITLB2M] = ABSENT(S2M),
				[HW_TLB_DTLB4K] = GEOM(72, 72, LRU, S4K | S2M | S1G),
				[HW_TLB_DTLB2M] = ABSENT(S2M),
				[HW_TLB_DTLB1G] = ABSENT(S1G),
				[HW_TLB_STLB] = GEOM(3072, 24, LRU, S4K | S2M),
				[HW_TLB_STLB1G] = ABSENT(S1G),
			},
			.pwc = {
				[HW_PWC_PDE] = GEOM(32, 4, LRU, 0),
				[HW_PWC_PDPTE] = GEOM(4, 4, LRU, 0),
				[HW_PWC_PML4E] = GEOM(2, 2, LRU, 0),
				[HW_PWC_PML5E] = GEOM(2, 2, LRU, 0),
			},
			.lat = { .l1_hit = 1, .stlb_hit = 7, .pwc_hit = 1, .walk_ref = 4,
				 .invlpg = 200, .invpcid = 200, .mov_cr3 = 250, .ipi = 4000,
				 .vmentry = 500, .vmexit = 500,
				 .l1d = 4, .l1i = 4, .l2 = 14, .l3 = 50, .c2c = 90, .remote = 400, .dram = 291,
				 .tcas = 57, .trcd = 72, .trp = 72 },
			.mem = MEM(false, CACHE(32 * KIB, 8, PLRU), CACHE(32 * KIB, 8, PLRU), CACHE(1 * MIB, 8, PLRU),
				   CACHE(32 * MIB, 16, RRIP), 8, EXCLUSIVE, MOESI, DDR5(4, 15), 24),
		},
	},
	{
		.name = "sapphire-rapids",
		.description = "Intel Sapphire Rapids Xeon (Golden Cove core), 8 GiB, 4 cores, 5-level paging",
		.sources = GOLDEN_COVE_SOURCES
			"Sapphire Rapids uses the Golden Cove core (Tom's Hardware, Intel Architecture Day\n"
			"  2021, https://www.tomshardware.com/features/intel-architecture-day-2021-intel-\n"
			"  unveils-alder-lake-golden-cove-and-gracemont-cores/4)\n"
			"5-level paging (CR4.LA57): Intel server cores since Ice Lake-SP; maxphyaddr = 46\n"
			"caches: L2 2 MiB 16-way, L3 1.875 MiB 15-way per core (7.5 MiB for 4 cores),\n"
			"  non-inclusive as Intel's server L3 since Skylake-SP (Intel 64 and IA-32\n"
			"  Architectures Optimization Reference Manual); lat.l3 = 110, lat.dram = 420:\n"
			"  estimates of the mesh's latencies\n",
		.config = { .ram_bytes = 8 * GIB, .nr_cpus = 4, .paging_levels = 5, .maxphyaddr = 46,
			    .pcid = true, .sb_entries = 114, GOLDEN_COVE_CORE(110, 160, 304, 58, 58),
			    .mem = MEM(false, GOLDEN_COVE_L1D, GOLDEN_COVE_L1I, CACHE(2 * MIB, 16, PLRU),
				       CACHE(7680 * KIB, 15, LRU), 0, NINE, MESIF, DDR5(16, 12), 16) },
	},
	{
		.name = "teaching",
		.description = "a toy core with a few TLB entries, 64 MiB, 2 cores: every miss shows",
		.sources = "none: small sizes and round latencies chosen so that misses, evictions and\n"
			   "  cycle counts are easy to follow by hand (caches=1 adds 1 KiB L1s, a 4 KiB L2\n"
			   "  and a 16 KiB inclusive L3 with MESI)\n",
		.config = {
			.ram_bytes = 64ULL << 20, .nr_cpus = 2, .paging_levels = 4, .maxphyaddr = 36, .pcid = true,
			.sb_entries = 4,
			.tlb = {
				[HW_TLB_ITLB] = GEOM(4, 2, LRU, S4K),
				[HW_TLB_ITLB2M] = GEOM(2, 2, LRU, S2M),
				[HW_TLB_DTLB4K] = GEOM(4, 2, LRU, S4K),
				[HW_TLB_DTLB2M] = GEOM(2, 2, LRU, S2M),
				[HW_TLB_DTLB1G] = ABSENT(S1G),
				[HW_TLB_STLB] = GEOM(16, 4, LRU, S4K | S2M),
				[HW_TLB_STLB1G] = ABSENT(S1G),
			},
			.pwc = {
				[HW_PWC_PDE] = GEOM(2, 2, LRU, 0),
				[HW_PWC_PDPTE] = GEOM(2, 2, LRU, 0),
				[HW_PWC_PML4E] = GEOM(2, 2, LRU, 0),
				[HW_PWC_PML5E] = GEOM(2, 2, LRU, 0),
			},
			.lat = { .l1_hit = 1, .stlb_hit = 10, .pwc_hit = 2, .walk_ref = 100,
				 .invlpg = 100, .invpcid = 100, .mov_cr3 = 100, .ipi = 1000,
				 .vmentry = 100, .vmexit = 100,
				 .l1d = 2, .l1i = 2, .l2 = 10, .l3 = 30, .c2c = 40, .remote = 60, .dram = 80,
				 .tcas = 10, .trcd = 10, .trp = 10 },
			.mem = MEM(false, CACHE(1 * KIB, 2, LRU), CACHE(1 * KIB, 2, LRU), CACHE(4 * KIB, 4, LRU),
				   CACHE(16 * KIB, 4, LRU), 0, INCLUSIVE, MESI, DRAM(1, 1, 4, 1 * KIB, 1 * KIB, 0), 0),
		},
	},
	{
		.name = "zen3",
		.description = "AMD Zen 3 core (EPYC 7003 Milan, Ryzen 5000), 4 GiB, 2 cores, 4-level paging, caches on",
		.sources = ZEN3_SOURCES,
		.config = {
			.ram_bytes = 4 * GIB, .nr_cpus = 2, .paging_levels = 4, .maxphyaddr = 48, .pcid = true,
			.rewalk_stale = true, .sb_entries = 64,
			.tlb = ZEN_TLBS(64, 2048, 16),
			.pwc = ZEN_PWCS,
			.lat = ZEN_LAT(12, 46, 300, 284, 48, 48),
			.mem = MEM(true, CACHE(32 * KIB, 8, PLRU), CACHE(32 * KIB, 8, PLRU), CACHE(512 * KIB, 8, RRIP),
				   CACHE(32 * MIB, 16, RRIP), 8, EXCLUSIVE, MOESI, DRAM(8, 2, 16, 8 * KIB, 256, 9), 24),
		},
	},
	{
		.name = "zen5",
		.description = "AMD Zen 5 core (Ryzen 9000 / EPYC 9005), 4 GiB, 2 cores, 4-level paging, caches on",
		.sources = ZEN5_SOURCES,
		.config = {
			.ram_bytes = 4 * GIB, .nr_cpus = 2, .paging_levels = 4, .maxphyaddr = 48, .pcid = true,
			.rewalk_stale = true, .sb_entries = 104,
			.tlb = ZEN_TLBS(96, 4096, 16),
			.pwc = ZEN_PWCS,
			.lat = ZEN_LAT(14, 50, 900, 321, 57, 72),
			.mem = MEM(true, CACHE(48 * KIB, 12, LRU), CACHE(32 * KIB, 8, PLRU), CACHE(1 * MIB, 16, PLRU),
				   CACHE(32 * MIB, 16, RRIP), 8, EXCLUSIVE, MOESI, DDR5(4, 15), 24),
		},
	},
	{
		.name = "sapphire-rapids-2s",
		.description = "two Intel Sapphire Rapids sockets: 2 NUMA nodes of 8 GiB and 4 cores, 5-level paging",
		.sources = GOLDEN_COVE_SOURCES
			"the core, caches and paging as the sapphire-rapids preset (one per socket, 8 GiB each)\n"
			"NUMA: one node per socket (sub-NUMA clustering off, Intel's default); SLIT 10 local, 21\n"
			"  remote: the distances the firmware of two-socket Xeon servers reports (numactl\n"
			"  --hardware outputs of Skylake-SP to Sapphire Rapids systems show 10/21; as recalled);\n"
			"  ACPI 6.5 section 5.2.17 (SLIT): 10 is the local distance, larger is farther\n",
		.config = { .ram_bytes = 16 * GIB, .nr_cpus = 8, .paging_levels = 5, .maxphyaddr = 46,
			    .pcid = true, .sb_entries = 114, GOLDEN_COVE_CORE(110, 160, 304, 58, 58),
			    .mem = MEM(false, GOLDEN_COVE_L1D, GOLDEN_COVE_L1I, CACHE(2 * MIB, 16, PLRU),
				       CACHE(7680 * KIB, 15, LRU), 4, NINE, MESIF, DDR5(16, 12), 16),
			    .numa = { .nodes = 2, .nr_distance = 2, .distance = { 10, 21 } } },
	},
	{
		.name = "genoa-nps4",
		.description = "two AMD EPYC 9004 (Genoa, Zen 4) sockets in NPS4: 8 NUMA nodes of 2 GiB and 2 cores",
		.sources =
			"the core, TLBs, caches and latencies as the zen4 preset\n"
			"NPS4: each socket's memory controllers split into four quadrants, one NUMA node each\n"
			"  (Dell, \"NUMA Configuration settings on AMD EPYC 2nd Generation\", 2020,\n"
			"  https://infohub.delltechnologies.com/en-us/p/numa-configuration-settings-on-amd-epyc-2nd-generation/;\n"
			"  a dual EPYC 9654 presents 2, 4 or 8 nodes by NPS setting: https://learn.padho.ai/wiki/numa-topology-discovery)\n"
			"SLIT: 10 local, 12 another quadrant of the same socket, 32 the other socket: the values\n"
			"  two-socket EPYC firmware reports in NPS4 (numactl --hardware outputs, as recalled); the\n"
			"  ratios agree with measured latencies on two-socket EPYC: about 1.7x for the same\n"
			"  package and 3.3x across packages (sat, \"EPYC machine NUMA\" note, b.hatena.ne.jp, as\n"
			"  summarised there); an estimate\n",
		.config = {
			.ram_bytes = 16 * GIB, .nr_cpus = 16, .paging_levels = 4, .maxphyaddr = 48, .pcid = true,
			.rewalk_stale = true, .sb_entries = 64,
			.tlb = ZEN_TLBS(72, 3072, 24),
			.pwc = ZEN_PWCS,
			.lat = ZEN_LAT(14, 50, 400, 291, 57, 72),
			.mem = MEM(false, CACHE(32 * KIB, 8, PLRU), CACHE(32 * KIB, 8, PLRU), CACHE(1 * MIB, 8, PLRU),
				   CACHE(32 * MIB, 16, RRIP), 2, EXCLUSIVE, MOESI, DDR5(4, 15), 24),
			.numa = { .nodes = 8, .nr_distance = 64, .distance = {
				10, 12, 12, 12, 32, 32, 32, 32,
				12, 10, 12, 12, 32, 32, 32, 32,
				12, 12, 10, 12, 32, 32, 32, 32,
				12, 12, 12, 10, 32, 32, 32, 32,
				32, 32, 32, 32, 10, 12, 12, 12,
				32, 32, 32, 32, 12, 10, 12, 12,
				32, 32, 32, 32, 12, 12, 10, 12,
				32, 32, 32, 32, 12, 12, 12, 10 } },
		},
	},
};
#define NR_PRESETS ARRAY_SIZE(presets)

/* See presets.h. */
const struct hw_preset *hw_preset_find(const char *name)
{
	for (size_t i = 0; name && i < NR_PRESETS; i++)
		if (!strcmp(presets[i].name, name))
			return &presets[i];
	return NULL;
}

/* See presets.h. */
const struct hw_preset *hw_preset_at(size_t i)
{
	return i < NR_PRESETS ? &presets[i] : NULL;
}

/* Append to buf at *at like snprintf, tracking the length needed. */
static void append(char *buf, size_t len, size_t *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(*at < len ? buf + *at : NULL, *at < len ? len - *at : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*at += (size_t)n;
}

/* See presets.h. */
int hw_preset_describe(const struct hw_preset *p, char *buf, size_t len)
{
	const struct hw_config *c = &p->config;
	size_t at = 0;
	char v[1024];
	if (len)
		buf[0] = '\0';
	append(buf, len, &at, "preset %s: %s\nsources:\n%s", p->name, p->description, p->sources);
	bool gib = !(c->ram_bytes & ((1ULL << 30) - 1));
	append(buf, len, &at, "ram = %" PRIu64 "%s\ncores = %d\npaging = %d\n",
	       c->ram_bytes >> (gib ? 30 : 20), gib ? "G" : "M", c->nr_cpus, c->paging_levels);
	for (size_t i = 0; hw_config_key(i); i++) {
		hw_config_get(c, hw_config_key(i), v, sizeof v);
		append(buf, len, &at, "%s = %s\n", hw_config_key(i), v);
	}
	return (int)at;
}
