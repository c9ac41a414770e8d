/* kernel/debug_vm.c — the consistency checker. See debug_vm.h. */
#include "kernel/debug_vm.h"
#include "kernel/hugetlb.h"

#include "kernel/memcontrol.h"
#include "kernel/page_alloc_internal.h"
#include "kernel/page_list.h"
#include "kernel/slab.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct walk {
	struct kernel *k;
	uint8_t *seen;              /* 1 bit per pfn: claimed by a free list */
	struct vm_check_report r;
	uint64_t lru_flagged;       /* allocated pages with PG_lru */
};

#define BAD(w, ...) (kernel_bug((w)->k, __VA_ARGS__), (w)->r.problems++)

static bool test_and_set_seen(struct walk *w, uint64_t pfn)
{
	uint8_t bit = (uint8_t)(1u << (pfn & 7));
	bool was = w->seen[pfn >> 3] & bit;
	w->seen[pfn >> 3] |= bit;
	return was;
}

static bool is_seen(const struct walk *w, uint64_t pfn)
{
	return w->seen[pfn >> 3] & (1u << (pfn & 7));
}

/* Claim 2^order frames at pfn for a free list; a frame claimed twice is a bug. */
static void claim(struct walk *w, uint64_t pfn, unsigned order, const char *what)
{
	for (uint64_t i = 0; i < (1ULL << order); i++)
		if (test_and_set_seen(w, pfn + i)) {
			BAD(w, "pfn %#" PRIx64 " of a %s is already free elsewhere", pfn + i, what);
			return;
		}
}

/* One buddy free list: every entry a free head of this order and type, inside
 * the zone, linked both ways. Returns its length. */
static uint64_t check_free_list(struct walk *w, struct zone *z, unsigned order,
				enum migratetype mt)
{
	struct kernel *k = w->k;
	const struct page_list *l = &z->free_area[order].free_list[mt];
	uint64_t n = 0, prev = PFN_NIL;

	for_each_list_pfn(k, *l, pfn) {
		struct page *p = pfn_to_page(k, pfn);
		if (!zone_spans_pfn(z, pfn) || (pfn & ((1ULL << order) - 1)) ||
		    !page_test(p, PG_buddy) || page_order(p) != order || p->lru_prev != prev ||
		    get_pfnblock_migratetype(z, pfn) != mt || ++n > k->max_pfn) {
			BAD(w, "zone %s order %u %d: bad free list entry pfn %#" PRIx64, z->name, order,
			    mt, pfn);
			return n;
		}
		claim(w, pfn, order, "buddy block");
		prev = pfn;
	}
	if (l->tail != prev)
		BAD(w, "zone %s order %u type %d: list tail is wrong", z->name, order, mt);
	return n;
}

/* All free lists of a zone against nr_free and NR_FREE_PAGES. */
static void check_zone_free(struct walk *w, struct zone *z)
{
	uint64_t pages = 0, block_pages = 0;

	for (unsigned o = 0; o < NR_PAGE_ORDERS; o++) {
		uint64_t total = 0;
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			uint64_t n = check_free_list(w, z, o, (enum migratetype)mt);
			if (o == MAX_PAGE_ORDER && mt == MIGRATE_MOVABLE)
				n += (z->deferred_end - z->deferred_pfn) >> MAX_PAGE_ORDER;
			if (n != z->free_area[o].nr_free_mt[mt])
				BAD(w, "zone %s order %u type %d: %" PRIu64 " blocks, counter says %" PRIu64,
				    z->name, o, mt, n, z->free_area[o].nr_free_mt[mt]);
			total += n;
			if (mt != MIGRATE_ISOLATE)
				pages += n << o;
			if (o >= pageblock_order)
				block_pages += n << o;
		}
		if (total != z->free_area[o].nr_free)
			BAD(w, "zone %s order %u: nr_free %" PRIu64 " but %" PRIu64 " blocks", z->name, o,
			    z->free_area[o].nr_free, total);
	}
	if (pages != zone_page_state(z, NR_FREE_PAGES) ||
	    block_pages != zone_page_state(z, NR_FREE_PAGES_BLOCKS))
		BAD(w, "zone %s: NR_FREE_PAGES %" PRIu64 " / blocks %" PRIu64 ", lists hold %" PRIu64
		    " / %" PRIu64, z->name, zone_page_state(z, NR_FREE_PAGES),
		    zone_page_state(z, NR_FREE_PAGES_BLOCKS), pages, block_pages);
	w->r.free_pages += pages - (z->deferred_end - z->deferred_pfn);
	w->r.deferred_pages += z->deferred_end - z->deferred_pfn;
}

/* Every CPU's per-CPU lists of a zone against their counts. */
static void check_zone_pcp(struct walk *w, struct zone *z)
{
	struct kernel *k = w->k;
	for (int c = 0; c < k->nr_cpus; c++) {
		struct per_cpu_pages *pcp = &z->per_cpu_pageset[c];
		uint64_t n = 0;
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			for_each_list_pfn(k, pcp->lists[mt], pfn) {
				struct page *p = pfn_to_page(k, pfn);
				if (!zone_spans_pfn(z, pfn) || !page_test(p, PG_pcp) || p->_refcount ||
				    ++n > k->max_pfn) {
					BAD(w, "cpu %d zone %s: bad per-cpu page pfn %#" PRIx64, c, z->name, pfn);
					return;
				}
				claim(w, pfn, 0, "per-cpu page");
			}
		if (n != (uint64_t)pcp->count)
			BAD(w, "cpu %d zone %s: pcp count %d but %" PRIu64 " pages", c, z->name, pcp->count, n);
		w->r.pcp_pages += n;
	}
}

/* The allocated block headed by pfn: its tails and, for a slab, the slab.
 * Returns the number of frames it covers. */
static uint64_t check_allocated(struct walk *w, uint64_t pfn)
{
	struct kernel *k = w->k;
	struct page *p = pfn_to_page(k, pfn);
	unsigned order = page_order(p);
	uint64_t n = 1ULL << order;

	if ((pfn & (n - 1)) || pfn + n > k->max_pfn) {
		BAD(w, "allocated block at pfn %#" PRIx64 " of order %u is misaligned", pfn, order);
		return 1;
	}
	for (uint64_t i = 1; i < n; i++) {
		struct page *t = p + i;
		bool ok = page_test(p, PG_head) ? (t->flags & ~(1u << PG_anon_exclusive)) == (1u << PG_tail) && t->private == i
						: !t->flags && !t->_refcount;
		if (!ok || is_seen(w, pfn + i)) {
			BAD(w, "pfn %#" PRIx64 " inside the block at %#" PRIx64 " is inconsistent", pfn + i, pfn);
			return i;
		}
	}
	if (page_test(p, PG_slab)) {
		w->r.problems += slab_check_page(k, p);
		w->r.slab_pages += n;
	}
	w->lru_flagged += page_test(p, PG_lru);
	w->r.allocated_pages += n;
	return n;
}

/* Walk every pfn not on a free list: reserved, deferred, or allocated. */
static void walk_frames(struct walk *w)
{
	struct kernel *k = w->k;
	for (uint64_t pfn = 0; pfn < k->max_pfn;) {
		const struct mem_range *r = pfn_reserved(k, pfn);
		struct zone *z = pfn_zone(k, pfn);
		if (r) {
			w->r.reserved_pages += r->end_pfn - pfn;
			pfn = r->end_pfn;
		} else if (z && pfn >= z->deferred_pfn && pfn < z->deferred_end) {
			pfn = z->deferred_end;
		} else if (is_seen(w, pfn)) {
			pfn++;
		} else if (pfn_to_page(k, pfn)->_refcount > 0 || folio_test_hugetlb(pfn_to_page(k, pfn))) {
			pfn += check_allocated(w, pfn);       /* a free hugetlb page has no reference */
		} else {
			BAD(w, "pfn %#" PRIx64 " is lost: neither free, reserved nor allocated (flags %#x)",
			    pfn, pfn_to_page(k, pfn)->flags);
			pfn++;
		}
	}
}

/* One LRU list of one lruvec: linked both ways, every page allocated,
 * PG_lru, flagged for this list and charged to the lruvec's cgroup; its
 * length per zone against the lruvec's counts, added to per_zone (in pages: a THP counts 512). Returns its entries. */
static uint64_t check_lruvec_list(struct walk *w, struct lruvec *lruvec, enum lru_list lru, uint64_t *per_zone)
{
	struct kernel *k = w->k;
	const struct page_list *l = &lruvec->lists[lru];
	uint64_t n = 0, mine[MAX_NR_ZONES] = { 0 }, prev = PFN_NIL;

	for_each_list_pfn(k, *l, pfn) {
		struct page *p = pfn_to_page(k, pfn);
		if (!pfn_valid(k, pfn) || p->lru_prev != prev || p->_refcount <= 0 || !page_test(p, PG_lru) ||
		    folio_lru_list(p) != lru || folio_lruvec(k, p) != lruvec || ++n > k->max_pfn) {
			BAD(w, "LRU list %d: bad entry pfn %#" PRIx64 " (flags %#x, refcount %d)", lru, pfn, p->flags,
			    p->_refcount);
			return n;
		}
		mine[page_zone(k, p)->idx] += (uint64_t)folio_nr_pages(p);   /* a THP counts 512 */
		prev = pfn;
	}
	if (l->tail != prev)
		BAD(w, "LRU list %d: the tail is wrong", lru);
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		if (mine[z] != lruvec->lru_zone_size[z][lru])
			BAD(w, "LRU list %d of cgroup /%s holds %" PRIu64 " pages of zone %d, its count says %" PRIu64,
			    lru, lruvec->memcg ? lruvec->memcg->name : "", mine[z], z, lruvec->lru_zone_size[z][lru]);
		per_zone[z] += mine[z];
	}
	return n;
}

/* One LRU list over every cgroup's lruvec of pgdat: each checked, their
 * total per zone against the node's and zones' counters. Returns the
 * entries on it (a THP is one). */
static uint64_t check_lru_list(struct walk *w, struct pglist_data *pgdat, enum lru_list lru)
{
	struct kernel *k = w->k;
	uint64_t n = 0, per_zone[MAX_NR_ZONES] = { 0 };
	struct mem_cgroup *root = root_mem_cgroup(k);

	for (struct mem_cgroup *m = mem_cgroup_iter(k, root, NULL); m; m = mem_cgroup_iter(k, root, m))
		n += check_lruvec_list(w, mem_cgroup_lruvec(k, m, pgdat), lru, per_zone);
	uint64_t pages = 0;
	for (int z = 0; z < MAX_NR_ZONES; z++)
		pages += per_zone[z];
	if (pages != node_page_state_pages(pgdat, (enum node_stat_item)(NR_INACTIVE_ANON + lru)))
		BAD(w, "LRU list %d holds %" PRIu64 " pages, the node counter says %" PRIu64, lru, pages,
		    node_page_state_pages(pgdat, (enum node_stat_item)(NR_INACTIVE_ANON + lru)));
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (per_zone[z] != zone_page_state(&pgdat->node_zones[z], (enum zone_stat_item)(NR_ZONE_INACTIVE_ANON + lru)))
			BAD(w, "LRU list %d holds %" PRIu64 " pages of zone %s, its counter says %" PRIu64, lru,
			    per_zone[z], pgdat->node_zones[z].name,
			    zone_page_state(&pgdat->node_zones[z], (enum zone_stat_item)(NR_ZONE_INACTIVE_ANON + lru)));
	return n;
}

/* Memory cgroups: every charged page is allocated, a large folio is
 * charged through its head, and each cgroup's memory.current is the pages
 * charged in its subtree plus those its CPUs' stocks hold for it. */
static void check_memcg_charges(struct walk *w)
{
	struct kernel *k = w->k;
	uint64_t *charged = calloc(MEMCG_MAX_CGROUPS, sizeof *charged);
	if (!charged)
		return;
	for (uint64_t pfn = 0; pfn < k->max_pfn; pfn++) {
		struct page *p = pfn_to_page(k, pfn);
		struct mem_cgroup *memcg = folio_memcg(k, p);
		if (!memcg)
			continue;
		if (p->_refcount <= 0)
			BAD(w, "pfn %#" PRIx64 " is free but charged to cgroup /%s", pfn, memcg->name);
		if (page_test(p, PG_tail))
			BAD(w, "pfn %#" PRIx64 ", a tail page, is charged on its own to cgroup /%s", pfn, memcg->name);
		for (; memcg; memcg = memcg->parent)
			charged[memcg->id] += (uint64_t)folio_nr_pages(p);     /* a THP's head: 512 */
	}
	struct mem_cgroup *root = root_mem_cgroup(k);
	for (struct mem_cgroup *m = mem_cgroup_iter(k, root, NULL); m; m = mem_cgroup_iter(k, root, m))
		for (struct mem_cgroup *a = m; a; a = a->parent)
			charged[a->id] += memcg_stock_pages(k, m);      /* charged ahead (memcg_stock) */
	for (struct mem_cgroup *m = mem_cgroup_iter(k, root, NULL); m; m = mem_cgroup_iter(k, root, m))
		if (!mem_cgroup_is_root(m) && m->memory.usage != charged[m->id])
			BAD(w, "cgroup /%s: memory.current is %" PRIu64 " pages, %" PRIu64 " are charged to it", m->name,
			    m->memory.usage, charged[m->id]);
	free(charged);
}

/* NUMA: every zone's frames are on its node (pfn_to_nid agrees), and the
 * allocation events add up: each request counts a hit or a miss and a
 * local or an other, and each miss a foreign on another node. */
static void check_numa(struct walk *w)
{
	struct kernel *k = w->k;
	uint64_t sum[NR_VM_NUMA_EVENT_ITEMS] = { 0 };
	for_each_online_node(k, nid)
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			const struct zone *z = &k->node_data[nid]->node_zones[zi];
			for (int i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
				sum[i] += z->numa_stat[i];
			if (z->spanned_pages && (pfn_to_nid(k, z->zone_start_pfn) != nid ||
						 pfn_to_nid(k, zone_end_pfn(z) - 1) != nid))
				BAD(w, "zone %s of node %d spans pfns %#" PRIx64 "-%#" PRIx64 " of another node", z->name,
				    nid, z->zone_start_pfn, zone_end_pfn(z));
		}
	if (sum[NUMA_HIT] + sum[NUMA_MISS] != sum[NUMA_LOCAL] + sum[NUMA_OTHER] || sum[NUMA_MISS] != sum[NUMA_FOREIGN])
		BAD(w, "NUMA events: hit %" PRIu64 " + miss %" PRIu64 " != local %" PRIu64 " + other %" PRIu64
		    ", or foreign %" PRIu64 " != miss", sum[NUMA_HIT], sum[NUMA_MISS], sum[NUMA_LOCAL], sum[NUMA_OTHER],
		    sum[NUMA_FOREIGN]);
}

/* See debug_vm.h. */
uint64_t debug_vm_check(struct kernel *k, struct vm_check_report *out)
{
	struct walk w = { .k = k };
	w.seen = calloc((k->max_pfn + 7) / 8, 1);
	if (!w.seen) {
		kernel_bug(k, "debug_vm_check: out of host memory");
		return 1;
	}
	slab_check_begin(k);
	for_each_online_node(k, nid)
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			struct zone *z = &k->node_data[nid]->node_zones[zi];
			check_zone_free(&w, z);
			check_zone_pcp(&w, z);
		}
	walk_frames(&w);
	uint64_t on_lists = 0;
	for_each_online_node(k, nid)
		for (int l = 0; l < NR_LRU_LISTS; l++)
			on_lists += check_lru_list(&w, k->node_data[nid], (enum lru_list)l);
	if (on_lists != w.lru_flagged)
		BAD(&w, "%" PRIu64 " pages are on LRU lists, %" PRIu64 " have PG_lru", on_lists, w.lru_flagged);
	check_memcg_charges(&w);
	check_numa(&w);
	w.r.problems += slab_check_end(k);
	w.r.problems += debug_mm_check(k);
	uint64_t total = w.r.free_pages + w.r.deferred_pages + w.r.pcp_pages + w.r.reserved_pages +
			 w.r.allocated_pages;
	if (total != k->max_pfn)
		BAD(&w, "frames: %" PRIu64 " accounted for, %" PRIu64 " exist", total, k->max_pfn);
	free(w.seen);
	if (out)
		*out = w.r;
	return w.r.problems;
}
