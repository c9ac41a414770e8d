/* The memory hierarchy (hw/cache.h, hw/coherence.h, hw/mem.h): geometry
 * and the VIPT constraint, replacement policies, the coherence protocols'
 * tables and their effect between cores, inclusion policies, what walks
 * and accesses cost, and a random run against the invariants. */
#include "pt_helpers.h"

#include "hw/coherence.h"
#include "hw/mem.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* ---- one cache ------------------------------------------------------------------ */

/* A one-set cache of ways ways with policy repl. */
static void one_set(struct hw_cache *c, uint32_t ways, enum hw_repl repl)
{
	struct hw_cache_geom g = { .size = ways * HW_LINE_SIZE, .ways = ways, .repl = (uint8_t)repl };
	cr_assert_eq(hw_cache_init(c, &g, HW_CACHE_L1D), 0);
	cr_assert_eq(c->sets, 1);
}

/* Use line: a hit touches it, a miss fills the victim's way. Returns the
 * line evicted (HW_NO_LINE when none). */
static uint64_t use(struct hw_cache *c, uint64_t line)
{
	int64_t i = hw_cache_find(c, line);
	if (i >= 0) {
		hw_cache_touch(c, (uint64_t)i);
		return HW_NO_LINE;
	}
	uint64_t v = hw_cache_victim(c, line), old = c->line[v];
	hw_cache_fill(c, v, line, HW_LS_E);
	return old;
}

/* Each policy on the same trace over a 4-way set: the lines evicted, in
 * order. The trace: fill 1 2 3 4, touch 1 and 3, then 5 6 7 8.
 *  LRU:  5 evicts 2 (least recent), 6 evicts 4, 7 evicts 1, 8 evicts 3.
 *  PLRU: after 1 2 3 4 1 3 the root points left (3 was last, on the right),
 *        the left node away from 1: 5 evicts 2; then the root points right,
 *        the right node away from 3: 6 evicts 4; 7 evicts 1 (left, away
 *        from 5's way); 8 evicts 3.
 *  RRIP: fills predict 2, hits 0: after the trace 1 and 3 are 0, 2 and 4
 *        are 2; 5 ages the set by one (2 and 4 reach 3) and takes 2's way;
 *        6 takes 4's way; 7 ages 1, 3, 5, 6 by one (1 and 3 reach 2, 5 and 6
 *        reach 3) and takes 5's way; 8 takes 6's way. */
static void replacement_policies_evict_as_their_tables_say(void)
{
	static const struct { enum hw_repl repl; uint64_t evicted[4]; } cases[] = {
		{ HW_REPL_LRU, { 2, 4, 1, 3 } },
		{ HW_REPL_PLRU, { 2, 4, 1, 3 } },
		{ HW_REPL_RRIP, { 2, 4, 5, 6 } },
	};
	static const uint64_t warm[] = { 1, 2, 3, 4, 1, 3 };
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct hw_cache c;
		one_set(&c, 4, cases[k].repl);
		for (size_t i = 0; i < sizeof warm / sizeof warm[0]; i++)
			cr_assert_eq(use(&c, warm[i]), HW_NO_LINE);
		for (uint64_t n = 5; n <= 8; n++) {
			uint64_t out = use(&c, n);
			cr_assert_eq(out, cases[k].evicted[n - 5], "policy %d: line %lu evicted %lu, expected %lu",
				     cases[k].repl, (unsigned long)n, (unsigned long)out,
				     (unsigned long)cases[k].evicted[n - 5]);
		}
		cr_assert_eq(c.valid, 4);
		hw_cache_destroy(&c);
	}
}

/* PLRU with 8 ways: a new line never evicts the line used just before. */
static void plru_never_evicts_the_most_recent_way(void)
{
	struct hw_cache c;
	one_set(&c, 8, HW_REPL_PLRU);
	for (uint64_t n = 0; n < 64; n++) {
		use(&c, n % 12);
		cr_assert_neq(use(&c, 1000 + n), n % 12, "the line just used was evicted");
	}
	hw_cache_destroy(&c);
}

static void geometry_comes_from_size_and_ways(void)
{
	struct hw_cache c;
	struct hw_cache_geom g = { .size = 48 * 1024, .ways = 12, .repl = HW_REPL_LRU };
	cr_assert_eq(hw_cache_init(&c, &g, HW_CACHE_L1D), 0);
	cr_assert_eq(c.sets, 64);
	cr_assert_eq(c.ways, 12);
	/* lines 64 apart share a set: 12 fit, the 13th evicts the first. */
	for (uint64_t i = 0; i < 12; i++)
		cr_assert_eq(use(&c, 5 + 64 * i), HW_NO_LINE);
	cr_assert_eq(use(&c, 5 + 64 * 12), 5);
	cr_assert_eq(use(&c, 6), HW_NO_LINE, "another set is untouched");
	hw_cache_destroy(&c);
	struct hw_cache_geom none = { 0 };
	cr_assert_eq(hw_cache_init(&c, &none, HW_CACHE_L3), 0);
	cr_assert_eq(hw_cache_find(&c, 5), -1);
	hw_cache_destroy(&c);
}

/* The L1s of every preset are VIPT: a way is at most a 4 KiB page, so the
 * set index comes from the page offset. A 64 KiB 8-way L1d is not. */
static void the_vipt_constraint_is_checked(void)
{
	for (size_t i = 0; hw_preset_at(i); i++) {
		struct hw_config cfg = hw_preset_at(i)->config;
		cfg.mem.on = true;
		cfg.ram_bytes = 64ULL << 20;
		struct pt *t = pt_new_cfg(&cfg);
		cr_assert(t->m.mem.vipt[0] && t->m.mem.vipt[1], "%s", hw_preset_at(i)->name);
		pt_free(t);
	}
	struct hw_config cfg = hw_preset_find("zen5")->config;
	cfg.ram_bytes = 64ULL << 20;
	cr_assert_eq(hw_config_set(&cfg, "l1d.size", "64K", NULL, 0), 0);
	cr_assert_eq(hw_config_set(&cfg, "l1d.ways", "8", NULL, 0), 0);
	struct pt *t = pt_new_cfg(&cfg);
	cr_assert_not(t->m.mem.vipt[0]);
	cr_assert(t->m.mem.vipt[1]);
	pt_free(t);
}

Test(cache, replacement)
{
	replacement_policies_evict_as_their_tables_say();
	plru_never_evicts_the_most_recent_way();
}

/* The keys of the hierarchy, and the geometries validation refuses. */
static void cache_keys_parse_and_validate(void)
{
	struct hw_config c = hw_preset_find("zen5")->config;
	char err[256] = "", v[32];
	cr_assert_eq(hw_config_set(&c, "l2.size", "2M", NULL, 0), 0);
	cr_assert_eq(c.mem.cache[HW_CACHE_L2].size, 2u << 20);
	hw_config_get(&c, "l1d.size", v, sizeof v);
	cr_assert_str_eq(v, "48K");
	hw_config_get(&c, "l3.policy", v, sizeof v);
	cr_assert_str_eq(v, "exclusive");
	cr_assert_eq(hw_config_set(&c, "l3.repl", "random", err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "l3.repl: 'random' must be lru, plru or rrip"), "%s", err);
	cr_assert_eq(hw_config_set(&c, "l1d.size", "48G", err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "l1d.size"), "%s", err);
	cr_assert_eq(hw_config_set(&c, "coherence", "msi", err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "mesi, moesi or mesif"), "%s", err);
	c = hw_preset_find("zen5")->config;
	cr_assert_eq(hw_config_set(&c, "l1d.ways", "10", NULL, 0), 0);
	cr_assert_eq(hw_config_validate(&c, err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "l1d: 10 ways do not divide 49152 bytes"), "%s", err);
	c = hw_preset_find("zen5")->config;
	cr_assert_eq(hw_config_set(&c, "l2.size", "1536K", NULL, 0), 0);
	cr_assert_eq(hw_config_validate(&c, err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "which is not a power of two"), "%s", err);
	c = hw_preset_find("zen5")->config;
	cr_assert_eq(hw_config_set(&c, "l1d.repl", "plru", NULL, 0), 0);
	cr_assert_eq(hw_config_validate(&c, err, sizeof err), -EINVAL, "12-way tree-PLRU");
	c = hw_preset_find("zen5")->config;
	cr_assert_eq(hw_config_set(&c, "l2.size", "0", NULL, 0), 0);
	cr_assert_eq(hw_config_validate(&c, err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "caches=1 needs an l2"), "%s", err);
	cr_assert_eq(hw_config_set(&c, "caches", "0", NULL, 0), 0);
	cr_assert_eq(hw_config_validate(&c, err, sizeof err), 0, "without caches an absent L2 is fine");
	c = hw_preset_find("zen5")->config;
	c.nr_cpus = 65;
	cr_assert_eq(hw_config_validate(&c, err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "at most 64"), "%s", err);
	cr_assert_eq(hw_config_set(&c, "l3.size", "0", NULL, 0), 0);
	c.nr_cpus = 2;
	cr_assert_eq(hw_config_validate(&c, err, sizeof err), 0, "the L3 may be absent");
}

Test(cache, geometry_and_vipt)
{
	cache_keys_parse_and_validate();
	geometry_comes_from_size_and_ways();
	the_vipt_constraint_is_checked();
}

/* ---- the protocols' tables --------------------------------------------------------- */

/* The textbook tables, written out: for each protocol, for a read and a
 * write snoop, what a holder in M, O, E, S, F does ("next,supply,wb"). */
static void protocol_tables_match_their_definitions(void)
{
	static const struct { enum hw_protocol p; enum hw_snoop op; const char *row[HW_NR_LINE_STATES]; } t[] = {
		{ HW_MESI, HW_SNOOP_READ, { [HW_LS_M] = "S,1,1", [HW_LS_E] = "S,0,0", [HW_LS_S] = "S,0,0" } },
		{ HW_MESI, HW_SNOOP_WRITE, { [HW_LS_M] = "I,1,0", [HW_LS_E] = "I,0,0", [HW_LS_S] = "I,0,0" } },
		{ HW_MOESI, HW_SNOOP_READ,
		  { [HW_LS_M] = "O,1,0", [HW_LS_O] = "O,1,0", [HW_LS_E] = "S,1,0", [HW_LS_S] = "S,0,0" } },
		{ HW_MOESI, HW_SNOOP_WRITE,
		  { [HW_LS_M] = "I,1,0", [HW_LS_O] = "I,1,0", [HW_LS_E] = "I,1,0", [HW_LS_S] = "I,0,0" } },
		{ HW_MESIF, HW_SNOOP_READ,
		  { [HW_LS_M] = "S,1,1", [HW_LS_E] = "S,1,0", [HW_LS_F] = "S,1,0", [HW_LS_S] = "S,0,0" } },
		{ HW_MESIF, HW_SNOOP_WRITE,
		  { [HW_LS_M] = "I,1,0", [HW_LS_E] = "I,1,0", [HW_LS_F] = "I,1,0", [HW_LS_S] = "I,0,0" } },
	};
	for (size_t k = 0; k < sizeof t / sizeof t[0]; k++)
		for (int st = HW_LS_S; st < HW_NR_LINE_STATES; st++) {
			if (!t[k].row[st])
				continue;
			const struct hw_snoop_rule *r = hw_snoop_rule(t[k].p, t[k].op, (enum hw_line_state)st);
			char got[16];
			snprintf(got, sizeof got, "%s,%d,%d", hw_line_state_name(r->next), r->supply, r->writeback);
			cr_assert_str_eq(got, t[k].row[st], "protocol %d snoop %d state %s", t[k].p, t[k].op,
					 hw_line_state_name((unsigned)st));
		}
	cr_assert_eq(hw_read_fill_state(HW_MESI, false), HW_LS_E);
	cr_assert_eq(hw_read_fill_state(HW_MOESI, true), HW_LS_S);
	cr_assert_eq(hw_read_fill_state(HW_MESIF, true), HW_LS_F);
}

Test(coherence, tables)
{
	protocol_tables_match_their_definitions();
}

/* ---- the hierarchy between cores ------------------------------------------------------ */

/* A teaching machine (1 KiB L1s, 4 KiB L2, 16 KiB L3) with caches, cores
 * cores, protocol and L3 policy as given, and no store buffer: a store
 * costs the core its line's cycles (with a buffer, the buffer's drain
 * takes them: storebuf/costs). */
static struct pt *machine(int cores, const char *protocol, const char *policy)
{
	struct hw_config cfg = hw_preset_find("teaching")->config;
	cfg.nr_cpus = cores;
	cfg.sb_entries = 0;
	cr_assert_eq(hw_config_set(&cfg, "caches", "1", NULL, 0), 0);
	cr_assert_eq(hw_config_set(&cfg, "coherence", protocol, NULL, 0), 0);
	cr_assert_eq(hw_config_set(&cfg, "l3.policy", policy, NULL, 0), 0);
	return pt_new_cfg(&cfg);
}

/* Core c does op ('r' load, 'w' store, 'f' fetch) on line; returns the
 * cycles it cost. */
static uint64_t op(struct pt *t, int c, char what, uint64_t line)
{
	struct hw_cpu *cpu = hw_machine_cpu(&t->m, c);
	uint64_t before = cpu->ctr.cycles;
	hw_mem_access(cpu, line << HW_LINE_SHIFT, 8, what == 'w' ? HW_REF_STORE : what == 'f' ? HW_REF_FETCH : HW_REF_LOAD);
	char err[200];
	cr_assert_eq(hw_mem_check(&t->m.mem, err, sizeof err), 0, "%s", err);
	return cpu->ctr.cycles - before;
}

static char state(struct pt *t, int c, uint64_t line)
{
	return hw_line_state_name(hw_mem_line_state(&t->m.mem, c, line))[0];
}

/* Two cores under each protocol: a script of operations, the states each
 * core ends in, and where the last operation found the line (its cost:
 * teaching's L1d 2, L2 10, L3 30, another core 40, memory 100). */
static void two_cores_follow_their_protocol(void)
{
	static const struct {
		const char *protocol, *script;      /* "0r": core 0 loads; "1w": core 1 stores */
		const char *states;                 /* core 0's, core 1's */
		uint64_t last_cost;
		uint64_t c2c;                       /* transfers between cores in the script */
	} rows[] = {
		{ "mesi", "0r", "EI", 100, 0 },
		{ "mesi", "0r0r", "EI", 2, 0 },
		{ "mesi", "0r0w", "MI", 2, 0 },              /* E -> M silently */
		{ "mesi", "0r1r", "SS", 30, 0 },             /* MESI's E does not supply: the L3 does */
		{ "mesi", "0w1r", "SS", 40, 1 },             /* M supplies and writes back */
		{ "mesi", "0r1r0w", "MI", 2 + 30, 0 },       /* an upgrade: the L1 hit plus the directory */
		{ "mesi", "0w1w", "IM", 40, 1 },
		{ "moesi", "0w1r", "OS", 40, 1 },            /* the owner keeps the dirty line */
		{ "moesi", "0w1r1r", "OS", 2, 1 },
		{ "moesi", "0r1r", "SS", 40, 1 },            /* E supplies */
		{ "moesi", "0w1r0w", "MI", 2 + 30, 1 },      /* O upgrades */
		{ "mesif", "0r1r", "SF", 40, 1 },            /* E forwards; the newest reader is F */
		{ "mesif", "0r1r0r", "SF", 2, 1 },
		{ "mesif", "0w1r", "SF", 40, 1 },            /* M forwards, writes back */
		{ "mesif", "0r1r1w", "IM", 2 + 30, 1 },      /* F upgrades */
	};
	for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
		struct pt *t = machine(2, rows[k].protocol, "inclusive");
		uint64_t cost = 0;
		for (const char *s = rows[k].script; *s; s += 2)
			cost = op(t, s[0] - '0', s[1], 100);
		char got[3] = { state(t, 0, 100), state(t, 1, 100), 0 };
		uint64_t c2c = t->m.cpus[0].ctr.mem_c2c + t->m.cpus[1].ctr.mem_c2c;
		cr_assert_str_eq(got, rows[k].states, "%s %s", rows[k].protocol, rows[k].script);
		cr_assert_eq(cost, rows[k].last_cost, "%s %s: cost %lu", rows[k].protocol, rows[k].script,
			     (unsigned long)cost);
		cr_assert_eq(c2c, rows[k].c2c, "%s %s: %lu transfers", rows[k].protocol, rows[k].script,
			     (unsigned long)c2c);
		pt_free(t);
	}
}

/* A write invalidates every other copy and is counted on both sides. */
static void a_write_invalidates_the_other_copies(void)
{
	struct pt *t = machine(4, "mesi", "inclusive");
	for (int c = 0; c < 4; c++)
		op(t, c, 'r', 7);
	op(t, 2, 'w', 7);
	for (int c = 0; c < 4; c++)
		cr_assert_eq(state(t, c, 7), c == 2 ? 'M' : 'I');
	cr_assert_eq(t->m.cpus[2].ctr.mem_upgrades, 1);
	cr_assert_eq(t->m.cpus[0].ctr.mem_invalidated + t->m.cpus[1].ctr.mem_invalidated +
			     t->m.cpus[3].ctr.mem_invalidated, 3);
	/* fetches share the line through the L1i like loads */
	op(t, 0, 'f', 7);
	cr_assert_eq(state(t, 0, 7), 'S');
	cr_assert_eq(state(t, 2, 7), 'S');
	pt_free(t);
}

Test(coherence, two_cores)
{
	two_cores_follow_their_protocol();
	a_write_invalidates_the_other_copies();
}

/* ---- inclusion ------------------------------------------------------------------------- */

/* teaching's L3: 16 KiB 4-way, 64 sets: lines 64 apart share a set. Core 1
 * fills line 0's L3 set with four other lines. */
static void thrash_l3_set(struct pt *t)
{
	for (uint64_t i = 1; i <= 4; i++)
		op(t, 1, 'r', 64 * i);
}

static void inclusion_policies_differ(void)
{
	/* inclusive: the L3 eviction takes core 0's copy with it */
	struct pt *t = machine(2, "mesi", "inclusive");
	op(t, 0, 'w', 0);
	thrash_l3_set(t);
	cr_assert_eq(state(t, 0, 0), 'I');
	cr_assert_eq(t->m.cpus[0].ctr.mem_invalidated, 1);
	cr_assert_eq(t->m.cpus[1].ctr.mem_dram_writes, 1, "the dirty copy went to memory");
	pt_free(t);
	/* non-inclusive: the L3 forgets the line, core 0 keeps it */
	t = machine(2, "mesi", "nine");
	op(t, 0, 'w', 0);
	thrash_l3_set(t);
	cr_assert_eq(state(t, 0, 0), 'M');
	cr_assert_not(hw_mem_in_l3(&t->m.mem, 0, 0));
	pt_free(t);
	/* exclusive (a victim cache): a fill from memory skips the L3; the L2's
	 * victim goes there; a read takes it back out. teaching's L2: 4 KiB
	 * 4-way, 16 sets: lines 16 apart share a set. */
	t = machine(2, "moesi", "exclusive");
	op(t, 0, 'r', 0);
	cr_assert_not(hw_mem_in_l3(&t->m.mem, 0, 0));
	for (uint64_t i = 1; i <= 4; i++)
		op(t, 0, 'r', 16 * i);
	cr_assert_eq(state(t, 0, 0), 'I');
	cr_assert(hw_mem_in_l3(&t->m.mem, 0, 0), "the L2's victim is in the L3");
	cr_assert_eq(op(t, 0, 'r', 0), 30, "an L3 hit");
	cr_assert_not(hw_mem_in_l3(&t->m.mem, 0, 0), "moved back to the L2");
	cr_assert_eq(state(t, 0, 0), 'E');
	pt_free(t);
}

Test(cache, inclusion)
{
	inclusion_policies_differ();
}

/* ---- walks and accesses --------------------------------------------------------------------- */

#define VA 0x0000000000400000ULL
#define PA 0x0000000002000000ULL

/* A walk's cost is the sum of where its entries were found: teaching's
 * TLB probes cost 1 + 10, a PDE-cache hit 2, and each entry 2 (L1d), 10
 * (L2), 30 (L3) or 100 (memory: a closed DRAM bank) with caches, where the
 * L1 TLB probe costs nothing (it overlaps the L1d's indexing: VIPT);
 * lat.walk_ref (100) each without, or with lat.model=flat. */
static void walks_cost_where_their_entries_are(void)
{
	static const struct { const char *caches, *model; uint64_t cold, warm, tlb_hit; } rows[] = {
		{ "1", "hierarchy", 10 + 4 * 100, 10 + 2 + 2, 0 },
		{ "0", "hierarchy", 1 + 10 + 4 * 100, 1 + 10 + 2 + 100, 1 },
		{ "1", "flat", 1 + 10 + 4 * 100, 1 + 10 + 2 + 100, 1 },
	};
	for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
		struct hw_config cfg = hw_preset_find("teaching")->config;
		cr_assert_eq(hw_config_set(&cfg, "caches", rows[k].caches, NULL, 0), 0);
		cr_assert_eq(hw_config_set(&cfg, "lat.model", rows[k].model, NULL, 0), 0);
		struct pt *t = pt_new_cfg(&cfg);
		for (uint64_t i = 0; i < 2; i++)
			pt_map(t, t->root, VA + i * 4096, PA + i * 4096, HW_LVL_PT, PT_USER_RW | HW_PTE_A, PT_TABLE | HW_PTE_A, 0);
		struct hw_counters *c = &t->cpu->ctr;
		uint64_t base = c->cycles;
		cr_assert_eq(hw_translate(t->cpu, VA, HW_READ, HW_USER).exc.vector, 0);
		cr_assert_eq(c->cycles - base, rows[k].cold, "row %zu cold: %lu", k, (unsigned long)(c->cycles - base));
		base = c->cycles;
		/* the next page's PTE is in the same line as the first's */
		cr_assert_eq(hw_translate(t->cpu, VA + 4096, HW_READ, HW_USER).exc.vector, 0);
		cr_assert_eq(c->cycles - base, rows[k].warm, "row %zu warm: %lu", k, (unsigned long)(c->cycles - base));
		base = c->cycles;
		cr_assert_eq(hw_translate(t->cpu, VA, HW_READ, HW_USER).exc.vector, 0);
		cr_assert_eq(c->cycles - base, rows[k].tlb_hit);
		if (rows[k].caches[0] == '1') {
			cr_assert_eq(c->mem_dram_reads, 4);
			cr_assert_eq(c->mem_hit[HW_CACHE_L1D], 1);
		} else {
			cr_assert_eq(c->mem_dram_reads + c->mem_hit[HW_CACHE_L1D], 0);
		}
		pt_free(t);
	}
}

/* Data accesses cost their line's level; an access across a line boundary
 * is two references; the caches keep no bytes (RAM has them). The store
 * retires into teaching's store buffer (4 entries): its two lines' cycles
 * are the buffer's, and the MFENCE after the load waits for them. */
static void data_accesses_cost_their_lines(void)
{
	struct hw_config cfg = hw_preset_find("teaching")->config;
	cr_assert_eq(hw_config_set(&cfg, "caches", "1", NULL, 0), 0);
	struct pt *t = pt_new_cfg(&cfg);
	pt_map(t, t->root, VA, PA, HW_LVL_PT, PT_USER_RW | HW_PTE_A | HW_PTE_D, PT_TABLE | HW_PTE_A, 0);
	struct hw_counters *c = &t->cpu->ctr;
	char buf[16] = "0123456789abcde", back[16] = "";
	cr_assert_eq(hw_access(t->cpu, VA + 60, buf, 8, HW_WRITE, HW_USER, NULL), 0);
	uint64_t data = c->cost_data, stored = c->cycles;
	cr_assert_eq(data, 0, "the store's lines are the buffer's to wait for");
	cr_assert_eq(t->cpu->sb.t.count, 2);
	cr_assert_eq(t->cpu->sb.t.last, stored + 2 * 100, "two lines from memory, one after the other");
	cr_assert_eq(hw_access(t->cpu, VA + 60, back, 8, HW_READ, HW_USER, NULL), 0);
	cr_assert_eq(c->cost_data - data, 2 * 2, "two L1d hits");
	uint64_t before = c->cycles;
	hw_sb_drain(t->cpu);
	cr_assert_eq(c->cycles, stored + 200, "MFENCE waits for the stores");
	cr_assert_eq(c->cost_sb, stored + 200 - before);
	cr_assert_eq(memcmp(back, buf, 8), 0);
	cr_assert_eq(memcmp(ram_ptr(&t->ram, PA + 60), buf, 8), 0, "the bytes are in RAM");
	cr_assert_eq(hw_mem_line_state(&t->m.mem, 0, (PA + 60) >> 6), HW_LS_M);
	cr_assert_eq(hw_mem_line_state(&t->m.mem, 0, (PA + 64) >> 6), HW_LS_M);
	pt_free(t);
}

Test(cache, walks_and_accesses)
{
	walks_cost_where_their_entries_are();
	data_accesses_cost_their_lines();
}

/* ---- a random run ------------------------------------------------------------------------------ */

/* Four cores do random loads, stores and fetches over 300 lines under
 * every protocol and L3 policy; the invariants hold after each. */
static void random_runs_keep_the_invariants(void)
{
	static const char *const protocols[] = { "mesi", "moesi", "mesif" };
	static const char *const policies[] = { "inclusive", "nine", "exclusive" };
	uint64_t seed = 42;
	for (int p = 0; p < 3; p++)
		for (int q = 0; q < 3; q++) {
			struct pt *t = machine(4, protocols[p], policies[q]);
			for (int i = 0; i < 4000; i++) {
				seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
				uint64_t r = seed >> 33;
				op(t, (int)(r & 3), "rrwf"[(r >> 2) & 3], (r >> 4) % 300);
			}
			uint64_t writebacks = 0;
			for (int c = 0; c < 4; c++)
				writebacks += t->m.cpus[c].ctr.mem_writebacks[HW_CACHE_L2];
			cr_assert_gt(writebacks, 0);
			pt_free(t);
		}
}

Test(cache, random_invariants)
{
	random_runs_keep_the_invariants();
}

/* ---- DRAM ------------------------------------------------------------------------------------- */

/* The address mapping: channels take 256-byte blocks in turn; within a
 * channel, row-sized blocks go to consecutive banks, XORed with the row. */
static void dram_addresses_map_to_channel_bank_row(void)
{
	struct hw_dram_geom d = { .channels = 2, .ranks = 2, .banks = 4, .row = 1024, .interleave = 256 };
	static const struct { uint64_t pa; uint32_t ch, rank, bank; uint64_t row; } rows[] = {
		{ 0x0, 0, 0, 0, 0 },
		{ 0x100, 1, 0, 0, 0 },          /* the next 256 bytes: the other channel */
		{ 0x200, 0, 0, 0, 0 },          /* back to channel 0, same row (offset 256 in it) */
		{ 0x800, 0, 0, 1, 0 },          /* channel 0's second KiB: the next bank */
		{ 0x2000, 0, 1, 0, 0 },         /* its fifth: bank 4 of 8, rank 1 */
		{ 0x4000, 0, 0, 1, 1 },         /* its ninth: row 1, bank 0 XOR 1 */
	};
	for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
		struct hw_dram_addr a;
		hw_dram_map(&d, rows[k].pa, &a);
		cr_assert(a.channel == rows[k].ch && a.rank == rows[k].rank && a.bank == rows[k].bank &&
				  a.row == rows[k].row,
			  "%#lx: channel %u rank %u bank %u row %lu", (unsigned long)rows[k].pa, a.channel, a.rank,
			  a.bank, (unsigned long)a.row);
	}
}

/* The last narrated line (one reference: one line). */
static void keep_line(void *ctx, const struct hw_event *ev)
{
	hw_event_format(ev, ctx, 256);
}

/* Row-buffer outcomes and their costs on teaching (lat.dram 80, tCAS =
 * tRCD = tRP = 10; one channel, 4 banks of 1 KiB rows): a closed bank is a
 * row miss (100), the open row a hit (90), another row of the bank a
 * conflict (110), each counted; the narration names the bank and the
 * outcome. Line 80 is at 5 KiB: row 1, bank 1 XOR 1 = 0. */
static void dram_rows_hit_miss_and_conflict(void)
{
	struct pt *t = machine(1, "mesi", "inclusive");
	struct hw_counters *c = &t->cpu->ctr;
	char text[256] = "";
	cr_assert_eq(op(t, 0, 'r', 0), 100, "closed bank");
	cr_assert_eq(op(t, 0, 'r', 1), 90, "the same row, open");
	hw_set_trace(t->cpu, keep_line, text);
	cr_assert_eq(op(t, 0, 'r', 80), 110, "another row of bank 0");
	hw_set_trace(t->cpu, NULL, NULL);
	cr_assert(strstr(text, "L1d miss, L2 miss, L3 miss; from memory (DRAM channel 0 rank 0 bank 0 row 0x1: "
			       "row conflict, tRP+tRCD+tCAS): 110 cycles; filled in L3, L2, L1d in state E"), "%s", text);
	cr_assert_eq(op(t, 0, 'r', 2), 110, "row 0 again: a conflict");
	cr_assert_eq(c->mem_row_miss, 1);
	cr_assert_eq(c->mem_row_hit, 1);
	cr_assert_eq(c->mem_row_conflict, 2);
	pt_free(t);
	/* without a DRAM model memory costs lat.dram alone */
	struct hw_config cfg = hw_preset_find("teaching")->config;
	cr_assert_eq(hw_config_set(&cfg, "caches", "1", NULL, 0), 0);
	cr_assert_eq(hw_config_set(&cfg, "dram.channels", "0", NULL, 0), 0);
	t = pt_new_cfg(&cfg);
	cr_assert_eq(op(t, 0, 'r', 0), 80);
	cr_assert_eq(op(t, 0, 'r', 1), 80);
	cr_assert_eq(t->cpu->ctr.mem_row_miss + t->cpu->ctr.mem_row_hit, 0);
	pt_free(t);
	/* geometry errors name the key */
	char err[256] = "";
	cr_assert_eq(hw_config_set(&cfg, "dram.channels", "3", NULL, 0), 0);
	cr_assert_eq(hw_config_validate(&cfg, err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "dram: channels 3"), "%s", err);
}

Test(cache, dram)
{
	dram_addresses_map_to_channel_bank_row();
	dram_rows_hit_miss_and_conflict();
}

/* False sharing: two cores alternately storing to one line take it from
 * each other at every store (a transfer and an invalidation each, and
 * lat.c2c); storing to two lines, each keeps its own in M (L1d hits). */
static void false_sharing_ping_pongs_a_line(void)
{
	static const char *const protocols[] = { "mesi", "moesi", "mesif" };
	for (int p = 0; p < 3; p++) {
		struct pt *t = machine(2, protocols[p], "inclusive");
		uint64_t shared = 0, apart = 0;
		for (int i = 0; i < 100; i++) {
			shared += op(t, 0, 'w', 40);
			shared += op(t, 1, 'w', 40);
		}
		uint64_t c2c = t->m.cpus[0].ctr.mem_c2c + t->m.cpus[1].ctr.mem_c2c;
		uint64_t inval = t->m.cpus[0].ctr.mem_invalidated + t->m.cpus[1].ctr.mem_invalidated;
		cr_assert_eq(c2c, 199, "%s: every store but the first takes the line", protocols[p]);
		cr_assert_eq(inval, 199, "%s", protocols[p]);
		cr_assert_eq(shared, 100 + 199 * 40, "%s: %lu", protocols[p], (unsigned long)shared);
		for (int i = 0; i < 100; i++) {
			apart += op(t, 0, 'w', 41);
			apart += op(t, 1, 'w', 42);
		}
		/* lines 41 and 42 are in line 40's DRAM row, open: 90 each */
		cr_assert_eq(apart, 2 * 90 + 198 * 2, "%s: two cold misses, then L1d hits: %lu", protocols[p],
			     (unsigned long)apart);
		pt_free(t);
	}
}

Test(coherence, false_sharing)
{
	false_sharing_ping_pongs_a_line();
}

/* ---- an L3 shared with cores outside the machine (l3.others) ----------------------------- */

/* teaching's L3 (16 KiB 4-way, 64 sets) declared shared by 4 cores, 2 of
 * them outside the machine and busy: the machine's cores get 2 of each
 * set's 4 ways, so a line leaves the L3 after two others of its set where
 * it stayed with all four; the keys refuse what does not fit. */
static void busy_cores_outside_take_their_ways(void)
{
	for (int others = 0; others <= 2; others += 2) {
		struct hw_config cfg = hw_preset_find("teaching")->config;
		char v[16];
		snprintf(v, sizeof v, "%d", others);
		cr_assert_eq(hw_config_set(&cfg, "caches", "1", NULL, 0), 0);
		cr_assert_eq(hw_config_set(&cfg, "l3.cores", "4", NULL, 0), 0);
		cr_assert_eq(hw_config_set(&cfg, "l3.others", v, NULL, 0), 0);
		cr_assert_eq(hw_l3_ways_left(&cfg.mem), others ? 2u : 4u);
		struct pt *t = pt_new_cfg(&cfg);
		cr_assert_eq(t->m.mem.l3[0].ways, others ? 2u : 4u);
		op(t, 0, 'r', 0);
		op(t, 1, 'r', 64);
		op(t, 1, 'r', 128);
		cr_assert_eq(hw_mem_in_l3(&t->m.mem, 0, 0), !others, "others=%d", others);
		pt_free(t);
	}
	struct hw_config c = hw_preset_find("zen3")->config;
	char err[256] = "";
	cr_assert_eq(hw_config_set(&c, "l3.others", "7", NULL, 0), 0);
	cr_assert_eq(hw_config_validate(&c, err, sizeof err), -EINVAL, "2 cores + 7 > 8");
	cr_assert(strstr(err, "l3.others: 7 cores outside the machine and 2 of its own do not fit"), "%s", err);
	c.nr_cpus = 1;
	cr_assert_eq(hw_config_validate(&c, err, sizeof err), 0);
	cr_assert_eq(hw_l3_ways_left(&c.mem), 2u, "one core's share of 16 ways over 8 cores");
	cr_assert_eq(hw_config_set(&c, "l3.repl", "plru", NULL, 0), 0);
	cr_assert_eq(hw_config_set(&c, "l3.others", "5", NULL, 0), 0);
	cr_assert_eq(hw_config_validate(&c, err, sizeof err), -EINVAL, "6 ways under plru");
	cr_assert(strstr(err, "leave the machine 6 of the L3's 16 ways"), "%s", err);
	c = hw_preset_find("teaching")->config;
	cr_assert_eq(hw_config_set(&c, "l3.others", "1", NULL, 0), 0);
	cr_assert_eq(hw_config_validate(&c, err, sizeof err), -EINVAL, "l3.cores = 0: the machine's cores are all");
	cr_assert(strstr(err, "l3.cores = 0"), "%s", err);
}

Test(cache, l3_others)
{
	busy_cores_outside_take_their_ways();
}

/* The same L3 with l3.others_gap = 1000: the 2 busy cores outside share
 * every way and each fills a line every 1000 cycles of the core's clock:
 * 5000 cycles later, a miss finds 10 of their lines put in before it; a
 * long wait later, the L3 holds only theirs and the machine's lines are
 * gone (from the inclusive L3 and, with it, from the core's caches), where
 * without the gap (their static share) the line stays. */
static void busy_cores_outside_fill_as_time_passes(void)
{
	for (int gap = 0; gap <= 1000; gap += 1000) {
		struct hw_config cfg = hw_preset_find("teaching")->config;
		char v[16];
		snprintf(v, sizeof v, "%d", gap);
		cfg.nr_cpus = 1;
		cfg.sb_entries = 0;
		cr_assert_eq(hw_config_set(&cfg, "caches", "1", NULL, 0), 0);
		cr_assert_eq(hw_config_set(&cfg, "l3.cores", "4", NULL, 0), 0);
		cr_assert_eq(hw_config_set(&cfg, "l3.others", "2", NULL, 0), 0);
		cr_assert_eq(hw_config_set(&cfg, "l3.others_gap", v, NULL, 0), 0);
		cr_assert_eq(hw_l3_ways_left(&cfg.mem), gap ? 4u : 2u);
		struct pt *t = pt_new_cfg(&cfg);
		struct hw_cpu *cpu = hw_machine_cpu(&t->m, 0);
		struct hw_cache *l3 = &t->m.mem.l3[0];
		op(t, 0, 'r', 0);
		uint64_t held = l3->valid;
		cpu->ctr.cycles += 5000;
		op(t, 0, 'r', 1);
		cr_assert_eq(l3->valid, held + 1 + (gap ? 10 : 0), "gap %d: their 10 lines and line 1", gap);
		cpu->ctr.cycles += 1000000;
		op(t, 0, 'r', 2);
		cr_assert_eq(hw_mem_in_l3(&t->m.mem, 0, 0), !gap, "gap %d", gap);
		cr_assert_eq(hw_mem_line_state(&t->m.mem, 0, 0) != HW_LS_I, !gap, "gap %d: inclusion", gap);
		cr_assert(hw_mem_in_l3(&t->m.mem, 0, 2), "the line just read is there");
		pt_free(t);
	}
}

Test(cache, l3_others_fill)
{
	busy_cores_outside_fill_as_time_passes();
}

/* ---- misses in flight and each channel's bandwidth (lfb.entries, dram.burst) ------------- */

/* teaching (caches on, no store buffer) with lfb fill buffers, a channel
 * moving a line every burst cycles, channels channels interleaved every
 * il bytes. */
static struct pt *bw_machine(const char *lfb, const char *burst, const char *channels, const char *il)
{
	struct hw_config cfg = hw_preset_find("teaching")->config;
	cfg.nr_cpus = 1;
	cfg.sb_entries = 0;
	cr_assert_eq(hw_config_set(&cfg, "caches", "1", NULL, 0), 0);
	cr_assert_eq(hw_config_set(&cfg, "lfb.entries", lfb, NULL, 0), 0);
	cr_assert_eq(hw_config_set(&cfg, "dram.burst", burst, NULL, 0), 0);
	cr_assert_eq(hw_config_set(&cfg, "dram.channels", channels, NULL, 0), 0);
	cr_assert_eq(hw_config_set(&cfg, "dram.interleave", il, NULL, 0), 0);
	char err[256] = "";
	cr_assert_eq(hw_config_validate(&cfg, err, sizeof err), 0, "%s", err);
	return pt_new_cfg(&cfg);
}

/* The cycles of one 4 KiB load (a bulk copy's: 64 independent lines) of
 * cold memory at page 16. */
static uint64_t bulk_load(struct pt *t)
{
	uint64_t before = t->cpu->ctr.cycles;
	hw_mem_access(t->cpu, 16 * 4096, 4096, HW_REF_LOAD);
	char err[200];
	cr_assert_eq(hw_mem_check(&t->m.mem, err, sizeof err), 0, "%s", err);
	return t->cpu->ctr.cycles - before;
}

/* The 64 lines of a 4 KiB load from memory on teaching (lat.dram 80 plus a
 * row miss, 100, at each 1 KiB row, else a row hit, 90): one after
 * another without fill buffers (4 * 100 + 60 * 90); 8 at a time with 8
 * (8 rounds of 90 to 100); with a channel that moves a line every 40
 * cycles, its bandwidth is the limit: the first line at 100, then one
 * every 40 (100 + 63 * 40), 1.6 bytes a cycle, whatever the buffers; two
 * channels (lines alternating) each saturate, taking half the time. */
static void misses_overlap_up_to_the_channels_bandwidth(void)
{
	struct pt *t = bw_machine("0", "0", "1", "1K");
	cr_assert_eq(bulk_load(t), 4 * 100 + 60 * 90, "in series");
	pt_free(t);
	t = bw_machine("8", "0", "1", "1K");
	uint64_t c = bulk_load(t);
	cr_assert(c >= 8 * 90 && c <= 8 * 100, "8 in flight: %llu", (unsigned long long)c);
	pt_free(t);
	t = bw_machine("8", "40", "1", "1K");
	cr_assert_eq(bulk_load(t), 100 + 63 * 40, "one channel saturated");
	pt_free(t);
	t = bw_machine("32", "40", "1", "1K");
	cr_assert_eq(bulk_load(t), 100 + 63 * 40, "more buffers do not pass the channel's bandwidth");
	pt_free(t);
	t = bw_machine("8", "40", "2", "64");
	c = bulk_load(t);
	cr_assert(c >= 31 * 40 && c <= 100 + 32 * 40, "two channels, 32 lines each: %llu", (unsigned long long)c);
	pt_free(t);
	/* A dependent chain (one line per reference) gains nothing. */
	t = bw_machine("8", "40", "1", "1K");
	uint64_t serial = 0;
	for (int i = 0; i < 4; i++)
		serial += op(t, 0, 'r', 16 * 64 + 16 * (uint64_t)i);
	cr_assert_eq(serial, 4 * 100, "each load waits for the one before: 4 row misses");
	pt_free(t);
}

/* Sixteen stores to cold lines, then an MFENCE, on teaching with its
 * 4-entry store buffer: drained one after the other without fill
 * buffers; with 8, the buffer's four stores have their lines in flight
 * together, so the stream costs about a quarter. */
static void buffered_store_misses_overlap(void)
{
	uint64_t cost[2];
	for (int k = 0; k < 2; k++) {
		struct hw_config cfg = hw_preset_find("teaching")->config;
		cfg.nr_cpus = 1;
		cr_assert_eq(hw_config_set(&cfg, "caches", "1", NULL, 0), 0);
		cr_assert_eq(hw_config_set(&cfg, "lfb.entries", k ? "8" : "0", NULL, 0), 0);
		struct pt *t = pt_new_cfg(&cfg);
		uint64_t c0 = t->cpu->ctr.cycles;
		for (int i = 0; i < 16; i++)
			op(t, 0, 'w', 512 + 16 * (uint64_t)i);
		hw_sb_drain(t->cpu);
		cost[k] = t->cpu->ctr.cycles - c0;
		cr_assert_eq(t->cpu->ctr.cost_sb, cost[k], "the core waits only for the buffer");
		pt_free(t);
	}
	cr_assert(cost[0] >= 16 * 100, "in series: 16 misses of 100 or more: %llu", (unsigned long long)cost[0]);
	cr_assert(cost[1] <= cost[0] / 3 && cost[1] >= 4 * 100, "overlapped: %llu of %llu", (unsigned long long)cost[1],
		  (unsigned long long)cost[0]);
}

Test(cache, dram_bandwidth)
{
	misses_overlap_up_to_the_channels_bandwidth();
	buffered_store_misses_overlap();
}

/* ---- NUMA: a memory controller per node ------------------------------------------------------ */

/* teaching's two cores on two nodes (hw_mem_set_nodes: node 0 the first
 * 64 KiB, core 1 on node 1, SLIT distance 21 between them): each node's
 * memory has its own controller, so the same bank of the other node is
 * closed (a row miss, 100 locally); a line of node 1 read by core 0 costs
 * lat.dram * 21 / 10 plus the bank (80 + 88 + 20), by core 1 the local
 * 80 plus a row hit (90); the narration names the node. */
static void each_node_has_its_controller_and_distance(void)
{
	struct pt *t = machine(2, "mesi", "inclusive");
	static const uint64_t end[2] = { 16, UINT64_MAX };
	static const uint8_t node_of[2] = { 0, 1 }, dist[4] = { 10, 21, 21, 10 }, bad[4] = { 10, 9, 21, 10 };
	cr_assert_eq(hw_mem_set_nodes(&t->m.mem, 2, end, node_of, bad, 2), -EINVAL, "a distance below 10");
	cr_assert_eq(hw_mem_set_nodes(&t->m.mem, 0, end, node_of, dist, 2), -EINVAL, "no node");
	cr_assert_eq(hw_mem_set_nodes(&t->m.mem, 2, end, node_of, dist, 2), 0);
	cr_assert_eq(op(t, 0, 'r', 0), 100, "node 0's memory from core 0: local, a closed bank");
	char text[256] = "";
	hw_set_trace(t->cpu, keep_line, text);
	cr_assert_eq(op(t, 0, 'r', 1024), 80 + 88 + 20, "node 1's from core 0: remote, its own closed bank");
	hw_set_trace(t->cpu, NULL, NULL);
	cr_assert(strstr(text, "from memory of node 1 (DRAM channel 0"), "%s", text);
	cr_assert_eq(op(t, 1, 'r', 1025), 90, "node 1's from core 1: local, the row core 0 opened");
	pt_free(t);
}

Test(cache, numa_controllers)
{
	each_node_has_its_controller_and_distance();
}

/* ---- what the store buffer costs ---------------------------------------------------------------- */

/* Six stores to lines in memory, then an MFENCE, on teaching (caches on)
 * without a store buffer and with its 4 entries: without, each store costs
 * the core its line's cycles (lat[i]); with, the first four retire at
 * once, the fifth waits for the first to drain (lat[0]) and the sixth for
 * the second (lat[1]; the drain is serial), and the MFENCE for the other
 * four. The buffer's waits are cost.sb, and the totals agree. */
static void store_buffer_waits_cost_the_core(void)
{
	uint64_t lat[6], total = 0;
	struct pt *t = machine(1, "mesi", "inclusive");
	for (int i = 0; i < 6; i++)
		total += lat[i] = op(t, 0, 'w', 1000 + 7 * (uint64_t)i);
	pt_free(t);
	struct hw_config cfg = hw_preset_find("teaching")->config;
	cfg.nr_cpus = 1;
	cr_assert_eq(hw_config_set(&cfg, "caches", "1", NULL, 0), 0);
	cr_assert_eq(cfg.sb_entries, 4);
	t = pt_new_cfg(&cfg);
	struct hw_cpu *cpu = hw_machine_cpu(&t->m, 0);
	uint64_t got[6], c0 = cpu->ctr.cycles;
	for (int i = 0; i < 6; i++)
		got[i] = op(t, 0, 'w', 1000 + 7 * (uint64_t)i);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(got[i], 0, "store %d retires into the buffer", i);
	cr_assert_eq(got[4], lat[0], "the fifth store waits for the first to drain");
	cr_assert_eq(got[5], lat[1], "the sixth for the second");
	uint64_t before = cpu->ctr.cycles;
	hw_sb_drain(cpu);
	cr_assert_eq(cpu->ctr.cycles - before, lat[2] + lat[3] + lat[4] + lat[5], "MFENCE waits for the rest");
	cr_assert_eq(cpu->ctr.cycles - c0, total, "the buffer hides nothing from a fence");
	cr_assert_eq(cpu->ctr.cost_sb, total);
	cr_assert_eq(cpu->ctr.cost_data, 0);
	hw_sb_drain(cpu);
	cr_assert_eq(cpu->ctr.cycles - c0, total, "an empty buffer: a fence waits for nothing");
	pt_free(t);
}

Test(storebuf, costs)
{
	store_buffer_waits_cost_the_core();
}
