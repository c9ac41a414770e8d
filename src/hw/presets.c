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

/* Golden Cove (Alder Lake / Raptor Lake P-core, Sapphire Rapids core).
 * The 6-way 4K dTLB cannot be a binary tree-PLRU, so it is true LRU. */
#define GOLDEN_COVE_TLBS                                                 \
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
		 .invlpg = 200, .invpcid = 200, .mov_cr3 = 250, .ipi = 4000,\
		 .vmentry = 500, .vmexit = 500 }

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
	"  on recent cores; no vendor figure)\n"

static const struct hw_preset presets[] = {
	{
		.name = "default",
		.description = "Intel Golden Cove P-core (Alder/Raptor Lake), 4 GiB, 2 cores, 4-level paging",
		.sources = GOLDEN_COVE_SOURCES
			"maxphyaddr = 46: the project default (client parts report 39: set maxphyaddr=39)\n",
		.config = { .ram_bytes = 4 * GIB, .nr_cpus = 2, .paging_levels = 4, .maxphyaddr = 46,
			    .pcid = true, GOLDEN_COVE_TLBS },
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
			"maxphyaddr = 48 (Ryzen 7000); paging-structure caches, instruction costs: estimates\n",
		.config = {
			.ram_bytes = 4 * GIB, .nr_cpus = 2, .paging_levels = 4, .maxphyaddr = 48, .pcid = true,
			.rewalk_stale = true,
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
				 .vmentry = 500, .vmexit = 500 },
		},
	},
	{
		.name = "sapphire-rapids",
		.description = "Intel Sapphire Rapids Xeon (Golden Cove core), 8 GiB, 4 cores, 5-level paging",
		.sources = GOLDEN_COVE_SOURCES
			"Sapphire Rapids uses the Golden Cove core (Tom's Hardware, Intel Architecture Day\n"
			"  2021, https://www.tomshardware.com/features/intel-architecture-day-2021-intel-\n"
			"  unveils-alder-lake-golden-cove-and-gracemont-cores/4)\n"
			"5-level paging (CR4.LA57): Intel server cores since Ice Lake-SP; maxphyaddr = 46\n",
		.config = { .ram_bytes = 8 * GIB, .nr_cpus = 4, .paging_levels = 5, .maxphyaddr = 46,
			    .pcid = true, GOLDEN_COVE_TLBS },
	},
	{
		.name = "teaching",
		.description = "a toy core with a few TLB entries, 64 MiB, 2 cores: every miss shows",
		.sources = "none: small sizes and round latencies chosen so that misses, evictions and\n"
			   "  cycle counts are easy to follow by hand\n",
		.config = {
			.ram_bytes = 64ULL << 20, .nr_cpus = 2, .paging_levels = 4, .maxphyaddr = 36, .pcid = true,
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
				 .vmentry = 100, .vmexit = 100 },
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
	char v[64];
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
