/* hw/mem.c — the memory hierarchy: the directory, a core's private caches,
 * the L3s, coherence, cost and narration (see mem.h). */
#include "hw/mem.h"

#include "hw/coherence.h"
#include "hw/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the directory ----------------------------------------------------------- */

/* The home slot of line. */
static uint64_t dir_home(const struct hw_dir *d, uint64_t line)
{
	return ((line * 0x9E3779B97F4A7C15ULL) >> 32) & d->mask;
}

/* The slot holding line, or the empty slot where it would go. */
static struct hw_dir_entry *dir_slot(const struct hw_dir *d, uint64_t line)
{
	uint64_t i = dir_home(d, line);
	while (d->slot[i].line != line && d->slot[i].line != HW_NO_LINE)
		i = (i + 1) & d->mask;
	return &d->slot[i];
}

/* The cores holding line in their private caches. */
static uint64_t dir_sharers(const struct hw_dir *d, uint64_t line)
{
	const struct hw_dir_entry *e = dir_slot(d, line);
	return e->line == line ? e->sharers : 0;
}

/* Core c now holds line. */
static void dir_add(struct hw_dir *d, uint64_t line, int c)
{
	struct hw_dir_entry *e = dir_slot(d, line);
	if (e->line != line) {
		e->line = line;
		e->sharers = 0;
		d->count++;
	}
	e->sharers |= 1ULL << c;
}

/* Core c no longer holds line; the last holder's going frees the slot,
 * moving later entries of its probe run back (deletion without tombstones). */
static void dir_del(struct hw_dir *d, uint64_t line, int c)
{
	struct hw_dir_entry *e = dir_slot(d, line);
	if (e->line != line || (e->sharers &= ~(1ULL << c)))
		return;
	uint64_t hole = (uint64_t)(e - d->slot), j = hole;
	for (;;) {
		j = (j + 1) & d->mask;
		if (d->slot[j].line == HW_NO_LINE)
			break;
		uint64_t home = dir_home(d, d->slot[j].line);
		bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
		if (stays)
			continue;
		d->slot[hole] = d->slot[j];
		hole = j;
	}
	d->slot[hole] = (struct hw_dir_entry){ HW_NO_LINE, 0 };
	d->count--;
}

/* ---- set-up -------------------------------------------------------------------- */

/* See mem.h. */
int hw_mem_init(struct hw_mem *m, const struct hw_config *cfg, struct hw_cpu *cpus)
{
	const struct hw_mem_config *mc = &cfg->mem;
	memset(m, 0, sizeof *m);
	m->cfg = *mc;
	m->lat = cfg->lat;
	m->nr_cpus = cfg->nr_cpus;
	int per_l3 = mc->l3_cores && (int)mc->l3_cores < m->nr_cpus ? (int)mc->l3_cores : m->nr_cpus;
	m->nr_l3 = mc->cache[HW_CACHE_L3].size ? (m->nr_cpus + per_l3 - 1) / per_l3 : 0;
	for (int i = 0; i < 2; i++)
		m->vipt[i] = mc->cache[i].size / mc->cache[i].ways <= HW_PAGE_SIZE;
	m->core = calloc((size_t)m->nr_cpus, sizeof *m->core);
	m->l3 = m->nr_l3 ? calloc((size_t)m->nr_l3, sizeof *m->l3) : NULL;
	uint64_t lines = (uint64_t)m->nr_cpus * (mc->cache[HW_CACHE_L2].size / HW_LINE_SIZE), slots = 1024;
	while (slots < 2 * lines)
		slots *= 2;
	m->dir.slot = malloc(slots * sizeof *m->dir.slot);
	m->dir.mask = slots - 1;
	uint64_t banks = (uint64_t)mc->dram.channels * mc->dram.ranks * mc->dram.banks;
	m->open_row = banks ? malloc(banks * sizeof *m->open_row) : NULL;
	if (!m->core || (m->nr_l3 && !m->l3) || !m->dir.slot || (banks && !m->open_row))
		goto fail;
	if (banks)
		memset(m->open_row, 0xff, banks * sizeof *m->open_row);    /* every bank closed */
	memset(m->dir.slot, 0xff, slots * sizeof *m->dir.slot);
	m->others_rng = 0x9E3779B97F4A7C15ULL;
	m->nr_nodes = 1;
	m->node_end[0] = UINT64_MAX;
	/* The ways the busy cores outside the machine keep (l3.others) are
	 * not there for its cores: the same sets with fewer ways. */
	struct hw_cache_geom l3g = mc->cache[HW_CACHE_L3];
	if (l3g.size) {
		l3g.size = l3g.size / l3g.ways * hw_l3_ways_left(mc);
		l3g.ways = hw_l3_ways_left(mc);
	}
	for (int i = 0; i < m->nr_l3; i++)
		if (hw_cache_init(&m->l3[i], &l3g, HW_CACHE_L3))
			goto fail;
	for (int c = 0; c < m->nr_cpus; c++) {
		struct hw_mem_core *mcore = &m->core[c];
		mcore->mem = m;
		mcore->cpu = &cpus[c];
		mcore->id = c;
		mcore->domain = c / per_l3;
		mcore->l3 = m->nr_l3 ? &m->l3[mcore->domain] : NULL;
		mcore->charge = mc->model == HW_LAT_HIERARCHY;
		if (hw_cache_init(&mcore->l1d, &mc->cache[HW_CACHE_L1D], HW_CACHE_L1D) ||
		    hw_cache_init(&mcore->l1i, &mc->cache[HW_CACHE_L1I], HW_CACHE_L1I) ||
		    hw_cache_init(&mcore->l2, &mc->cache[HW_CACHE_L2], HW_CACHE_L2))
			goto fail;
	}
	m->ch_stride = mc->dram.channels;
	if (mc->lfb_entries && mc->dram.channels &&
	    !(m->ch_free = calloc((uint64_t)m->nr_cpus * mc->dram.channels, sizeof *m->ch_free)))
		goto fail;
	for (int c = 0; c < m->nr_cpus; c++) {
		m->core[c].lfb_n = mc->lfb_entries;
		if (mc->lfb_entries && !(m->core[c].lfb_free = calloc(mc->lfb_entries, sizeof *m->core[c].lfb_free)))
			goto fail;
	}
	for (int c = 0; c < m->nr_cpus; c++) {
		cpus[c].mem = &m->core[c];
		/* The hierarchy charges each walk reference where it is found, and
		 * an L1 TLB hit overlaps the L1d's indexing (VIPT): lat.l1d
		 * covers both. */
		if (m->core[c].charge)
			cpus[c].lat.walk_ref = cpus[c].lat.l1_hit = 0;
	}
	return 0;
fail:
	hw_mem_destroy(m, NULL);
	return -ENOMEM;
}

/* See mem.h. */
void hw_mem_destroy(struct hw_mem *m, struct hw_cpu *cpus)
{
	for (int c = 0; m->core && c < m->nr_cpus; c++) {
		hw_cache_destroy(&m->core[c].l1d);
		hw_cache_destroy(&m->core[c].l1i);
		hw_cache_destroy(&m->core[c].l2);
		free(m->core[c].lfb_free);
		if (cpus)
			cpus[c].mem = NULL;
	}
	for (int i = 0; m->l3 && i < m->nr_l3; i++)
		hw_cache_destroy(&m->l3[i]);
	free(m->core);
	free(m->l3);
	free(m->dir.slot);
	free(m->open_row);
	free(m->ch_free);
	free(m->distance);
	memset(m, 0, sizeof *m);
}

/* ---- a core's private caches ----------------------------------------------------- */

static uint32_t lat_of(const struct hw_mem *m, enum hw_mem_where at)
{
	switch (at) {
	case HW_AT_L1D: return m->lat.l1d;
	case HW_AT_L1I: return m->lat.l1i;
	case HW_AT_L2: return m->lat.l2;
	case HW_AT_L3: return m->lat.l3;
	case HW_AT_C2C: return m->lat.c2c;
	case HW_AT_REMOTE: return m->lat.remote;
	default: return m->lat.dram;
	}
}

/* Note a line leaving a cache in tr (narration): to is 0 dropped, 1
 * written back to the L3, 2 written back to memory, 3 moved to the L3. */
static void note_victim(struct hw_mem_trace *tr, uint64_t line, int cache, uint8_t st, int to)
{
	if (tr && tr->nvict < sizeof tr->vict / sizeof tr->vict[0])
		tr->vict[tr->nvict++] = (struct hw_mem_victim){ line << HW_LINE_SHIFT, (uint8_t)cache, st, (uint8_t)to };
}

/* The state core c holds line in (its L2 has every line it holds). */
static uint8_t core_state(const struct hw_mem_core *c, uint64_t line)
{
	int64_t i = hw_cache_find(&c->l2, line);
	return i < 0 ? HW_LS_I : c->l2.state[i];
}

/* Give line state st wherever core c holds it. */
static void core_set_state(struct hw_mem_core *c, uint64_t line, uint8_t st)
{
	struct hw_cache *cs[3] = { &c->l1d, &c->l1i, &c->l2 };
	for (int k = 0; k < 3; k++) {
		int64_t i = hw_cache_find(cs[k], line);
		if (i >= 0)
			cs[k]->state[i] = st;
	}
}

/* Drop line from core c's private caches (coherence or an inclusive L3's
 * eviction). Returns the state it held it in. */
static uint8_t core_drop(struct hw_mem_core *c, uint64_t line)
{
	struct hw_cache *cs[3] = { &c->l1d, &c->l1i, &c->l2 };
	uint8_t st = core_state(c, line);
	for (int k = 0; k < 3; k++) {
		int64_t i = hw_cache_find(cs[k], line);
		if (i >= 0)
			hw_cache_drop(cs[k], (uint64_t)i);
	}
	if (st != HW_LS_I)
		dir_del(&c->mem->dir, line, c->id);
	return st;
}

/* ---- DRAM --------------------------------------------------------------------------- */

/* See mem.h. */
void hw_dram_map(const struct hw_dram_geom *d, uint64_t pa, struct hw_dram_addr *out)
{
	uint64_t block = pa / d->interleave, nb = (uint64_t)d->ranks * d->banks;
	uint64_t in_ch = block / d->channels * d->interleave + pa % d->interleave;
	uint64_t rb = in_ch / d->row;           /* the row-sized block within the channel */
	uint64_t bank = (rb % nb) ^ (rb / nb % nb);
	out->channel = (uint32_t)(block % d->channels);
	out->rank = (uint32_t)(bank / d->banks);
	out->bank = (uint32_t)(bank % d->banks);
	out->row = rb / nb;
}

/* The node whose memory holds line. */
static int line_node(const struct hw_mem *m, uint64_t line)
{
	uint64_t pfn = line >> (12 - HW_LINE_SHIFT);
	int n = 0;
	while (n + 1 < m->nr_nodes && pfn >= m->node_end[n])
		n++;
	return n;
}

/* What reading memory of node n adds for core req beyond lat.dram: the
 * rest of lat.dram * distance / 10 (0 on its own node). */
static uint32_t remote_extra(const struct hw_mem_core *req, int n)
{
	const struct hw_mem *m = req->mem;
	if (m->nr_nodes == 1)
		return 0;
	unsigned dist = m->distance[m->core_node[req->id] * m->nr_nodes + n];
	return (uint32_t)((uint64_t)m->lat.dram * (dist - 10) / 10);
}

/* Counts core req's read of line from memory as from its own node or
 * another's (machines of two nodes or more). */
static void count_node_read(struct hw_mem_core *req, uint64_t line)
{
	const struct hw_mem *m = req->mem;
	if (m->nr_nodes < 2)
		return;
	if (line_node(m, line) == m->core_node[req->id])
		req->cpu->ctr.mem_dram_local++;
	else
		req->cpu->ctr.mem_dram_remote++;
}

/* Core req's access (a read, or a write-back it caused) to line in
 * memory, on the controller of the node that holds it: the bank's row
 * buffer is checked and left open on line's row. Returns the device's
 * cycles (0 without a DRAM model) and, from another node, the distance's
 * (remote_extra); tr gets where. */
static uint32_t dram_access(struct hw_mem_core *req, uint64_t line, struct hw_mem_trace *tr)
{
	struct hw_mem *m = req->mem;
	const struct hw_dram_geom *d = &m->cfg.dram;
	struct hw_counters *ctr = &req->cpu->ctr;
	struct hw_dram_addr a;
	int node = line_node(m, line);
	uint32_t far = remote_extra(req, node);
	if (tr)
		tr->node = (int8_t)(m->nr_nodes > 1 ? node : -1);
	if (!m->open_row)
		return far;
	hw_dram_map(d, line << HW_LINE_SHIFT, &a);
	req->dram_ch = (int32_t)((uint32_t)node * d->channels + a.channel);
	uint64_t *open = &m->open_row[(((uint64_t)node * d->channels + a.channel) * d->ranks + a.rank) * d->banks +
				      a.bank];
	enum hw_row_outcome o = *open == a.row ? HW_ROW_HIT : *open == HW_NO_LINE ? HW_ROW_MISS : HW_ROW_CONFLICT;
	*open = a.row;
	if (tr) {
		tr->dram = a;
		tr->dram_outcome = (uint8_t)o;
	}
	if (o == HW_ROW_HIT) {
		ctr->mem_row_hit++;
		return far + m->lat.tcas;
	}
	if (o == HW_ROW_MISS) {
		ctr->mem_row_miss++;
		return far + m->lat.trcd + m->lat.tcas;
	}
	ctr->mem_row_conflict++;
	return far + m->lat.trp + m->lat.trcd + m->lat.tcas;
}

/* See mem.h. */
int hw_mem_set_nodes(struct hw_mem *m, int nr, const uint64_t *end_pfn, const uint8_t *cpu_node,
		     const uint8_t *distance, size_t stride)
{
	const struct hw_dram_geom *d = &m->cfg.dram;
	if (nr < 1 || nr > HW_MEM_MAX_NODES)
		return -EINVAL;
	for (int a = 0; a < nr; a++)
		for (int b = 0; b < nr; b++)
			if (distance[a * stride + b] < 10)
				return -EINVAL;
	uint64_t banks = (uint64_t)d->channels * d->ranks * d->banks;
	uint64_t *open = banks ? malloc((uint64_t)nr * banks * sizeof *open) : NULL;
	uint64_t *bus = m->ch_free ? calloc((uint64_t)m->nr_cpus * nr * d->channels, sizeof *bus) : NULL;
	uint8_t *dist = malloc((size_t)nr * nr);
	if ((banks && !open) || (m->ch_free && !bus) || !dist) {
		free(open);
		free(bus);
		free(dist);
		return -ENOMEM;
	}
	if (open) {
		memset(open, 0xff, (uint64_t)nr * banks * sizeof *open);      /* every bank closed */
		free(m->open_row);
		m->open_row = open;
	}
	if (bus) {
		free(m->ch_free);
		m->ch_free = bus;
	}
	m->ch_stride = (uint32_t)nr * d->channels;
	for (int a = 0; a < nr; a++) {
		m->node_end[a] = end_pfn[a];
		for (int b = 0; b < nr; b++)
			dist[a * nr + b] = distance[a * stride + b];
	}
	for (int c = 0; c < m->nr_cpus; c++)
		m->core_node[c] = cpu_node[c];
	free(m->distance);
	m->distance = dist;
	m->nr_nodes = nr;
	return 0;
}

/* Memory writes line (a dirty line leaves the last cache). req counts it.
 * With fill buffers and a channel bandwidth, the line takes its turn on
 * its channel's bus in req's time (nobody waits for it, but req's reads
 * after it do: lfb_issue). */
static void dram_write(struct hw_mem_core *req, uint64_t line)
{
	struct hw_mem *m = req->mem;
	int32_t read_ch = req->dram_ch;
	req->cpu->ctr.mem_dram_writes++;
	dram_access(req, line, NULL);
	if (req->lfb_n && m->cfg.dram.burst && req->dram_ch >= 0) {
		uint64_t *f = &m->ch_free[(uint64_t)req->id * m->ch_stride + (uint32_t)req->dram_ch];
		uint64_t now = req->cpu->ctr.cycles;
		*f = (*f > now ? *f : now) + m->cfg.dram.burst;
	}
	req->dram_ch = read_ch;
}

static void l3_put(struct hw_mem_core *req, struct hw_cache *l3, uint64_t line, uint8_t st,
		   struct hw_mem_trace *tr);

/* A dirty copy of line leaves core o's private caches (an eviction or a
 * snoop's write-back): into o's L3, or memory without one. req counts
 * what its request caused. */
static void private_writeback(struct hw_mem_core *req, struct hw_mem_core *o, uint64_t line,
			      struct hw_mem_trace *tr)
{
	o->cpu->ctr.mem_writebacks[HW_CACHE_L2]++;
	if (o->l3)
		l3_put(req, o->l3, line, HW_LS_M, tr);
	else
		dram_write(req, line);
}

/* Evict the line in way index v of the L3 l3 (of domain dom): an
 * inclusive L3 takes the copies of its cores' private caches with it; a
 * dirty line is written to memory. */
static void l3_evict(struct hw_mem_core *req, struct hw_cache *l3, uint64_t v, struct hw_mem_trace *tr)
{
	struct hw_mem *m = req->mem;
	uint64_t line = l3->line[v];
	uint8_t st = l3->state[v];
	bool dirty = st == HW_LS_M;
	if (m->cfg.l3_policy == HW_L3_INCLUSIVE) {
		uint64_t holders = dir_sharers(&m->dir, line);
		for (; holders; holders &= holders - 1) {
			struct hw_mem_core *o = &m->core[__builtin_ctzll(holders)];
			if (o->l3 != l3)
				continue;
			if (hw_state_dirty(core_drop(o, line))) {
				o->cpu->ctr.mem_writebacks[HW_CACHE_L2]++;
				dirty = true;
			}
			o->cpu->ctr.mem_invalidated++;
			if (tr)
				tr->invalidated |= 1ULL << o->id;
		}
	}
	if (dirty) {
		req->cpu->ctr.mem_writebacks[HW_CACHE_L3]++;
		dram_write(req, line);
	}
	note_victim(tr, line, HW_CACHE_L3, st, dirty ? 2 : 0);
	hw_cache_drop(l3, v);
}

/* Put line into L3 l3 in state st (M: dirty), or mark the copy there. */
static void l3_put(struct hw_mem_core *req, struct hw_cache *l3, uint64_t line, uint8_t st,
		   struct hw_mem_trace *tr)
{
	int64_t i = hw_cache_find(l3, line);
	if (i >= 0) {
		if (st == HW_LS_M)
			l3->state[i] = HW_LS_M;
		hw_cache_touch(l3, (uint64_t)i);
		return;
	}
	uint64_t v = hw_cache_victim(l3, line);
	if (l3->line[v] != HW_NO_LINE)
		l3_evict(req, l3, v, tr);
	hw_cache_fill(l3, v, line, st);
}

/* The lines the busy cores outside the machine fill in an L3 (l3.others
 * with l3.others_gap): numbers no physical address has, so no reference of
 * the machine's ever hits them. */
#define HW_OTHERS_LINE (1ULL << 57)

/* Before core c looks in its L3: the l3.others cores outside the machine
 * have each filled one line of it every l3.others_gap cycles of c's clock
 * since c last looked; put those lines in, in sets at random, each
 * evicting what the replacement policy picks (a line of the machine's
 * too, written back if dirty; an inclusive L3 takes the cores' copies with
 * it). At most four times the L3's lines at once (after a long pause):
 * by then next to nothing of the machine's is left in it. */
static void l3_others_fill(struct hw_mem_core *c)
{
	struct hw_mem *m = c->mem;
	struct hw_cache *l3 = c->l3;
	uint64_t now = c->cpu->ctr.cycles, gap = m->cfg.l3_others_gap, cap = 4ULL * l3->sets * l3->ways;
	if (now > c->others_at)         /* (the counters may have been reset) */
		c->others_credit += (now - c->others_at) * m->cfg.l3_others;
	c->others_at = now;
	uint64_t n = c->others_credit / gap;
	c->others_credit -= n * gap;
	for (n = n < cap ? n : cap; n; n--) {
		m->others_rng ^= m->others_rng << 13;
		m->others_rng ^= m->others_rng >> 7;
		m->others_rng ^= m->others_rng << 17;
		uint64_t line = HW_OTHERS_LINE | (m->others_seq++ << l3->set_bits) | (m->others_rng & l3->set_mask);
		uint64_t v = hw_cache_victim(l3, line);
		if (l3->line[v] != HW_NO_LINE)
			l3_evict(c, l3, v, NULL);
		hw_cache_fill(l3, v, line, HW_LS_S);
	}
}

/* Evict the line in way index v of core c's L2: its L1 copies go too
 * (inclusion); a dirty line is written back; a victim L3 takes a clean
 * one as well. */
static void l2_evict(struct hw_mem_core *c, uint64_t v, struct hw_mem_trace *tr)
{
	uint64_t line = c->l2.line[v];
	uint8_t st = c->l2.state[v];
	core_drop(c, line);
	bool victim_l3 = c->l3 && c->mem->cfg.l3_policy == HW_L3_EXCLUSIVE;
	if (hw_state_dirty(st))
		private_writeback(c, c, line, tr);
	else if (victim_l3)
		l3_put(c, c->l3, line, HW_LS_S, tr);
	note_victim(tr, line, HW_CACHE_L2, st, hw_state_dirty(st) ? (c->l3 ? 1 : 2) : victim_l3 ? 3 : 0);
}

/* Put line in L1 l1 (whose copy of it is missing) in state st; the L2
 * holds it already. An L1 victim stays in the L2. */
static void l1_fill(struct hw_mem_core *c, struct hw_cache *l1, uint64_t line, uint8_t st, struct hw_mem_trace *tr)
{
	uint64_t v = hw_cache_victim(l1, line);
	if (l1->line[v] != HW_NO_LINE) {
		if (l1->state[v] == HW_LS_M)
			c->cpu->ctr.mem_writebacks[l1->id]++;
		note_victim(tr, l1->line[v], l1->id, l1->state[v], 0);
	}
	hw_cache_fill(l1, v, line, st);
}

/* Bring line into core c's L2 and l1 in state st (it is in neither). */
static void private_fill(struct hw_mem_core *c, struct hw_cache *l1, uint64_t line, uint8_t st,
			 struct hw_mem_trace *tr)
{
	uint64_t v = hw_cache_victim(&c->l2, line);
	if (c->l2.line[v] != HW_NO_LINE)
		l2_evict(c, v, tr);
	hw_cache_fill(&c->l2, v, line, st);
	dir_add(&c->mem->dir, line, c->id);
	l1_fill(c, l1, line, st, tr);
}

/* ---- coherence ------------------------------------------------------------------- */

/* Core c writes line, which it holds shared (S, O or F): every other copy
 * is invalidated and c's becomes M. */
static void upgrade(struct hw_mem_core *c, uint64_t line, struct hw_mem_trace *tr)
{
	struct hw_mem *m = c->mem;
	uint64_t others = dir_sharers(&m->dir, line) & ~(1ULL << c->id);
	for (; others; others &= others - 1) {
		struct hw_mem_core *o = &m->core[__builtin_ctzll(others)];
		core_drop(o, line);
		o->cpu->ctr.mem_invalidated++;
		if (tr)
			tr->invalidated |= 1ULL << o->id;
	}
	core_set_state(c, line, HW_LS_M);
	c->cpu->ctr.mem_upgrades++;
	if (tr)
		tr->upgrade = true;
}

/* Send core c's request for line (write: for ownership) to the other cores
 * holding it, as the protocol's table says. Returns the core that supplies
 * it (or -1); *shared says whether any copy is left besides c's. */
static int snoop_others(struct hw_mem_core *c, uint64_t line, bool write, bool *shared, struct hw_mem_trace *tr)
{
	struct hw_mem *m = c->mem;
	uint64_t others = dir_sharers(&m->dir, line) & ~(1ULL << c->id);
	int supplier = -1;
	*shared = false;
	for (; others; others &= others - 1) {
		struct hw_mem_core *o = &m->core[__builtin_ctzll(others)];
		uint8_t st = core_state(o, line);
		const struct hw_snoop_rule *r = hw_snoop_rule((enum hw_protocol)m->cfg.protocol,
							      write ? HW_SNOOP_WRITE : HW_SNOOP_READ,
							      (enum hw_line_state)st);
		if (r->supply && (supplier < 0 || o->domain == c->domain)) {
			supplier = o->id;
			if (tr) {
				tr->from_before = st;
				tr->from_after = r->next;
			}
		}
		if (r->writeback)
			private_writeback(c, o, line, tr);
		if (r->next == HW_LS_I) {
			core_drop(o, line);
			o->cpu->ctr.mem_invalidated++;
			if (tr)
				tr->invalidated |= 1ULL << o->id;
			continue;
		}
		*shared = true;
		if (r->next != st) {
			core_set_state(o, line, r->next);
			if (tr)
				tr->downgraded |= 1ULL << o->id;
		}
	}
	return supplier;
}

/* Line is in none of core c's private caches: get it from another core,
 * the L3 or memory, and fill c's L2 and l1 with it. Returns where it came
 * from. */
static enum hw_mem_where private_miss(struct hw_mem_core *c, struct hw_cache *l1, uint64_t line, bool write,
				      uint32_t *extra, struct hw_mem_trace *tr)
{
	struct hw_mem *m = c->mem;
	struct hw_counters *ctr = &c->cpu->ctr;
	bool shared, dirty = false;
	enum hw_mem_where at;
	int from = snoop_others(c, line, write, &shared, tr);
	if (c->l3 && m->cfg.l3_others_gap && m->cfg.l3_others)
		l3_others_fill(c);
	int64_t i3 = c->l3 ? hw_cache_find(c->l3, line) : -1;
	if (from >= 0) {
		at = m->core[from].domain == c->domain ? HW_AT_C2C : HW_AT_REMOTE;
		ctr->mem_c2c++;
	} else if (i3 >= 0) {
		at = HW_AT_L3;
		ctr->mem_hit[HW_CACHE_L3]++;
	} else {
		at = HW_AT_DRAM;
		if (c->l3)
			ctr->mem_miss[HW_CACHE_L3]++;
		if (c->l3 && tr)
			tr->missed |= 1u << HW_CACHE_L3;
		ctr->mem_dram_reads++;
		*extra = dram_access(c, line, tr);
		count_node_read(c, line);
	}
	if (c->l3 && m->cfg.l3_policy == HW_L3_EXCLUSIVE) {
		/* A victim L3 gives its copy up unless other cores share the line. */
		if (i3 >= 0 && !shared) {
			dirty = c->l3->state[i3] == HW_LS_M;
			hw_cache_drop(c->l3, (uint64_t)i3);
		} else if (i3 >= 0) {
			hw_cache_touch(c->l3, (uint64_t)i3);
		}
	} else if (c->l3) {
		/* Inclusive and non-inclusive L3s keep what they fetch. */
		if (i3 >= 0)
			hw_cache_touch(c->l3, (uint64_t)i3);
		else if (at == HW_AT_DRAM || m->cfg.l3_policy == HW_L3_INCLUSIVE)
			l3_put(c, c->l3, line, HW_LS_S, tr);
		if (at == HW_AT_DRAM && tr)
			tr->filled |= 1u << HW_CACHE_L3;
	}
	/* A dirty line the victim L3 gave up stays dirty in c's caches. */
	uint8_t st = write || dirty ? HW_LS_M : hw_read_fill_state((enum hw_protocol)m->cfg.protocol, shared);
	private_fill(c, l1, line, st, tr);
	if (tr) {
		tr->from = (int16_t)from;
		tr->filled |= 1u << HW_CACHE_L2 | 1u << l1->id;
	}
	return at;
}

/* ---- a reference ------------------------------------------------------------------ */

/* Core c's reference why to line: find it, move it, keep the cores
 * coherent. Returns where it was found; *cycles gets what it costs. */
static enum hw_mem_where ref_line(struct hw_mem_core *c, uint64_t line, enum hw_ref why, uint32_t *cycles,
				  struct hw_mem_trace *tr)
{
	struct hw_counters *ctr = &c->cpu->ctr;
	bool write = why == HW_REF_STORE || why == HW_REF_WALK_AD;
	struct hw_cache *l1 = why == HW_REF_FETCH ? &c->l1i : &c->l1d;
	enum hw_mem_where at = why == HW_REF_FETCH ? HW_AT_L1I : HW_AT_L1D;
	uint32_t extra = 0;
	int64_t i = hw_cache_find_fast(l1, line);
	uint8_t st;
	if (i >= 0) {
		ctr->mem_hit[l1->id]++;
		hw_cache_touch(l1, (uint64_t)i);
		st = l1->state[i];
	} else {
		ctr->mem_miss[l1->id]++;
		if (tr)
			tr->missed |= 1u << l1->id;
		int64_t i2 = hw_cache_find(&c->l2, line);
		if (i2 < 0) {
			ctr->mem_miss[HW_CACHE_L2]++;
			if (tr)
				tr->missed |= 1u << HW_CACHE_L2;
			at = private_miss(c, l1, line, write, &extra, tr);
			*cycles = lat_of(c->mem, at) + extra;
			return at;
		}
		ctr->mem_hit[HW_CACHE_L2]++;
		hw_cache_touch(&c->l2, (uint64_t)i2);
		st = c->l2.state[i2];
		at = HW_AT_L2;
		l1_fill(c, l1, line, st, tr);
		if (tr)
			tr->filled |= 1u << l1->id;
	}
	if (tr)
		tr->before = st;
	if (write && !hw_state_owned(st)) {
		upgrade(c, line, tr);
		extra = c->mem->lat.l3;
	} else if (write && st == HW_LS_E) {
		core_set_state(c, line, HW_LS_M);
	}
	*cycles = lat_of(c->mem, at) + extra;
	return at;
}

/* Narrate one reference. */
static void narrate(struct hw_mem_core *c, struct hw_mem_trace *tr, enum hw_mem_where at, uint32_t cycles)
{
	struct hw_cpu *cpu = c->cpu;
	tr->where = (uint8_t)at;
	tr->cycles = cycles;
	tr->state = core_state(c, tr->line >> HW_LINE_SHIFT);
	hw_emit(cpu, .type = HW_EV_MEM, .value = tr->line, .kind = tr->why, .mem = tr);
}

/* ---- misses in flight (lfb.entries) ------------------------------------------------------ */

/* A miss of core c costing cycles, issued at its clock's issue, from
 * memory on channel ch (or -1): it waits for the fill buffer that frees
 * first, then its latency; with dram.burst the channel delivers its line
 * no sooner than burst cycles after the one before it delivered to c.
 * Returns when the line arrives (and the buffer frees). The channel's
 * time is kept per core, in the core's clock: the cores' clocks are not
 * kept in step (a core idle for a while is behind the others), so one
 * core's use of a channel cannot be placed in another's time. */
static uint64_t lfb_issue(struct hw_mem_core *c, uint64_t issue, uint32_t cycles, int32_t ch)
{
	struct hw_mem *m = c->mem;
	uint64_t *slot = &c->lfb_free[0];
	if (issue < c->lfb_last)        /* some buffer may be busy: the first to free */
		for (uint32_t i = 1; i < c->lfb_n; i++)
			if (c->lfb_free[i] < *slot)
				slot = &c->lfb_free[i];
	uint64_t done = (*slot > issue ? *slot : issue) + cycles, burst = m->cfg.dram.burst;
	if (ch >= 0 && burst) {
		uint64_t *f = &m->ch_free[(uint64_t)c->id * m->ch_stride + (uint32_t)ch];
		if (done < *f + burst)
			done = *f + burst;
		*f = done;
	}
	*slot = done;
	if (done > c->lfb_last)
		c->lfb_last = done;
	return done;
}

/* Charge core c for a line of reference why found at at, costing cycles,
 * the reference issued at issue: in series, or with fill buffers a miss
 * overlapping the others in flight (a store: in the store buffer's time;
 * a load or walk: the core waits until the line arrives, if later than
 * what it waited for so far). A line another core supplies stays in
 * series: it moves from owner to owner one transfer at a time (two cores
 * writing one line take turns, however many buffers they have). */
static void charge_line(struct hw_mem_core *c, enum hw_ref why, enum hw_mem_where at, uint32_t cycles, uint64_t issue)
{
	struct hw_cpu *cpu = c->cpu;
	bool walk = why == HW_REF_WALK || why == HW_REF_WALK_AD, store = why == HW_REF_STORE;
	if (!c->lfb_n || !c->charge || at == HW_AT_L1D || at == HW_AT_L1I || at == HW_AT_C2C || at == HW_AT_REMOTE ||
	    (!store && at != HW_AT_DRAM && issue == cpu->ctr.cycles && issue >= c->lfb_last)) {
		/* (the last: a cache's line with no miss in flight, which the core
		 * waits for: the same cycles, without the bookkeeping) */
		hw_mem_charge_ref(c, walk, store, at, cycles);
		return;
	}
	if (store && cpu->sb.cap) {
		hw_sb_room(cpu);
		hw_sb_retire_until(cpu, lfb_issue(c, cpu->ctr.cycles, cycles, c->dram_ch));
		return;
	}
	uint64_t done = lfb_issue(c, issue, cycles, c->dram_ch);
	hw_mem_charge(c, walk, at, done > cpu->ctr.cycles ? (uint32_t)(done - cpu->ctr.cycles) : 0);
}

/* hw_mem_access past its fast path: each line of the reference, narrated
 * when the core narrates. The lines of one reference are independent:
 * with fill buffers their misses are all issued at its start. */
static void access_lines(struct hw_cpu *cpu, uint64_t pa, unsigned len, enum hw_ref why)
{
	struct hw_mem_core *c = cpu->mem;
	uint64_t line = pa >> HW_LINE_SHIFT, last = (pa + (len ? len : 1) - 1) >> HW_LINE_SHIFT;
	uint64_t issue = cpu->ctr.cycles;
	for (; line <= last; line++) {
		uint32_t cycles;
		enum hw_mem_where at;
		c->dram_ch = -1;
		if (!cpu->trace) {
			at = ref_line(c, line, why, &cycles, NULL);
		} else {
			struct hw_mem_trace tr = { .line = line << HW_LINE_SHIFT, .why = (uint8_t)why, .from = -1,
						   .dram_outcome = HW_ROW_NONE, .node = -1 };
			at = ref_line(c, line, why, &cycles, &tr);
			narrate(c, &tr, at, cycles);
		}
		charge_line(c, why, at, cycles, issue);
	}
}

/* See memref.h (hw_mem_fast in mem.h is the inline fast path in front). */
void hw_mem_access(struct hw_cpu *cpu, uint64_t pa, unsigned len, enum hw_ref why)
{
	access_lines(cpu, pa, len, why);
}

/* See mem.h. */
enum hw_line_state hw_mem_line_state(const struct hw_mem *m, int c, uint64_t line)
{
	return c >= 0 && c < m->nr_cpus ? (enum hw_line_state)core_state(&m->core[c], line) : HW_LS_I;
}

/* See mem.h. */
bool hw_mem_in_l3(const struct hw_mem *m, int c, uint64_t line)
{
	return c >= 0 && c < m->nr_cpus && m->core[c].l3 && hw_cache_find(m->core[c].l3, line) >= 0;
}

/* ---- consistency ------------------------------------------------------------------- */

/* Report a broken invariant into err; returns -1. */
static int broken(char *err, size_t len, const char *what, int core, uint64_t line)
{
	if (err && len)
		snprintf(err, len, "cpu%d line %#llx: %s", core, (unsigned long long)(line << HW_LINE_SHIFT), what);
	return -1;
}

/* Core c's caches against its L2 and the directory: every L1 line is in
 * the L2 in the same state, every L2 line is in the directory. */
static int check_core(const struct hw_mem *m, const struct hw_mem_core *c, char *err, size_t len)
{
	const struct hw_cache *l1s[2] = { &c->l1d, &c->l1i };
	for (int k = 0; k < 2; k++)
		for (uint64_t i = 0; i < (uint64_t)l1s[k]->sets * l1s[k]->ways; i++) {
			uint64_t line = l1s[k]->line[i];
			if (line != HW_NO_LINE && core_state(c, line) != l1s[k]->state[i])
				return broken(err, len, "an L1 line the L2 lacks or holds in another state", c->id, line);
		}
	for (uint64_t i = 0; i < (uint64_t)c->l2.sets * c->l2.ways; i++) {
		uint64_t line = c->l2.line[i];
		if (line == HW_NO_LINE)
			continue;
		if (c->l2.state[i] == HW_LS_I || !(dir_sharers(&m->dir, line) & (1ULL << c->id)))
			return broken(err, len, "an L2 line invalid or missing from the directory", c->id, line);
		if (m->cfg.l3_policy == HW_L3_INCLUSIVE && c->l3 && hw_cache_find(c->l3, line) < 0)
			return broken(err, len, "a private line the inclusive L3 lacks", c->id, line);
	}
	return 0;
}

/* One directory entry: its holders hold it, and in states that agree
 * (one owner in M or E alone; at most one O and one F). */
static int check_entry(const struct hw_mem *m, const struct hw_dir_entry *e, char *err, size_t len)
{
	int owned = 0, o = 0, f = 0, n = 0, who = 0;
	for (uint64_t s = e->sharers; s; s &= s - 1, n++) {
		who = __builtin_ctzll(s);
		uint8_t st = core_state(&m->core[who], e->line);
		if (st == HW_LS_I)
			return broken(err, len, "the directory names a core that does not hold it", who, e->line);
		owned += hw_state_owned(st);
		o += st == HW_LS_O;
		f += st == HW_LS_F;
	}
	if (!n)
		return broken(err, len, "a directory entry with no holder", -1, e->line);
	if ((owned && n > 1) || o > 1 || f > 1)
		return broken(err, len, "holders in states the protocol forbids together", who, e->line);
	return 0;
}

/* See mem.h. */
int hw_mem_check(const struct hw_mem *m, char *err, size_t len)
{
	uint64_t count = 0;
	for (int c = 0; c < m->nr_cpus; c++)
		if (check_core(m, &m->core[c], err, len))
			return -1;
	for (uint64_t i = 0; m->dir.slot && i <= m->dir.mask; i++) {
		const struct hw_dir_entry *e = &m->dir.slot[i];
		if (e->line == HW_NO_LINE)
			continue;
		count++;
		if (check_entry(m, e, err, len))
			return -1;
		if (dir_slot(&m->dir, e->line) != e)
			return broken(err, len, "a directory entry its probe run does not reach", -1, e->line);
	}
	if (count != m->dir.count)
		return broken(err, len, "the directory's count is wrong", -1, 0);
	return 0;
}
