/*
 * kernel/memcontrol.c — memory cgroups (Linux: mm/memcontrol.c,
 * mm/page_counter.c, mm/swap_cgroup.c). See memcontrol.h.
 */
#include "kernel/memcontrol.h"

#include "common.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/oom.h"
#include "kernel/page_list.h"
#include "kernel/sched.h"
#include "kernel/swap.h"
#include "kernel/swapops.h"
#include "kernel/trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static struct memcg_state *memcg_state(const struct kernel *k)
{
	return k->memcg;
}

/* See memcontrol.h. */
struct mem_cgroup *root_mem_cgroup(struct kernel *k)
{
	return k->memcg->memcgs[0];
}

/* See memcontrol.h. */
bool mem_cgroup_is_root(const struct mem_cgroup *memcg)
{
	return memcg->id == 0;
}

/* See memcontrol.h. */
bool mem_cgroup_is_descendant(const struct mem_cgroup *memcg, const struct mem_cgroup *root)
{
	for (; memcg; memcg = memcg->parent)
		if (memcg == root)
			return true;
	return false;
}

/* See memcontrol.h. */
bool mem_cgroup_has_children(const struct kernel *k)
{
	return memcg_state(k)->nr_ids > 1;
}

/* ---- page counters (Linux: mm/page_counter.c) ------------------------------ */

static void page_counter_init(struct page_counter *c, struct page_counter *parent)
{
	memset(c, 0, sizeof *c);
	c->max = c->high = PAGE_COUNTER_MAX;
	c->parent = parent;
}

/* Charge nr pages up the tree, whatever the limits (Linux: page_counter_charge). */
static void page_counter_charge(struct page_counter *c, uint64_t nr)
{
	for (; c; c = c->parent) {
		c->usage += nr;
		if (c->usage > c->watermark)
			c->watermark = c->usage;
	}
}

/* Charge nr pages up the tree unless a counter would pass its max: then
 * nothing is charged and *fail gets that counter (Linux:
 * page_counter_try_charge). */
static bool page_counter_try_charge(struct page_counter *counter, uint64_t nr, struct page_counter **fail)
{
	for (struct page_counter *c = counter; c; c = c->parent)
		if (c->usage + nr > c->max) {
			c->failcnt++;
			*fail = c;
			return false;
		}
	page_counter_charge(counter, nr);
	return true;
}

/* Uncharge nr pages up the tree (Linux: page_counter_uncharge). */
static void page_counter_uncharge(struct page_counter *c, uint64_t nr)
{
	for (; c; c = c->parent)
		c->usage -= nr <= c->usage ? nr : c->usage;
}

static struct mem_cgroup *memcg_from_memory_counter(struct page_counter *c)
{
	return (struct mem_cgroup *)((char *)c - offsetof(struct mem_cgroup, memory));
}

static struct mem_cgroup *memcg_from_swap_counter(struct page_counter *c)
{
	return (struct mem_cgroup *)((char *)c - offsetof(struct mem_cgroup, swap));
}

/* ---- the tree ---------------------------------------------------------------- */

/* A cgroup's per-node lruvecs: the root uses the nodes' own. */
static int alloc_mem_cgroup_per_node_info(struct kernel *k, struct mem_cgroup *memcg)
{
	if (mem_cgroup_is_root(memcg)) {
		for_each_online_node(k, nid)
			k->node_data[nid]->__lruvec.memcg = memcg;
		return 0;
	}
	if (!(memcg->nodeinfo = calloc(MAX_NUMNODES, sizeof *memcg->nodeinfo)))
		return -ENOMEM;
	for_each_online_node(k, nid) {
		struct lruvec *lruvec = &memcg->nodeinfo[nid];
		for (int l = 0; l < NR_LRU_LISTS; l++)
			page_list_init(&lruvec->lists[l]);
		lruvec->pgdat = k->node_data[nid];
		lruvec->memcg = memcg;
	}
	return 0;
}

/* A cgroup with id below parent (NULL: the root), no limits. */
static struct mem_cgroup *mem_cgroup_alloc(struct kernel *k, int id, struct mem_cgroup *parent, const char *path)
{
	struct mem_cgroup *memcg = calloc(1, sizeof *memcg);
	if (!memcg)
		return NULL;
	memcg->id = id;
	memcg->parent = parent;
	snprintf(memcg->name, sizeof memcg->name, "%s", path);
	page_counter_init(&memcg->memory, parent ? &parent->memory : NULL);
	page_counter_init(&memcg->swap, parent ? &parent->swap : NULL);
	if (alloc_mem_cgroup_per_node_info(k, memcg)) {
		free(memcg);
		return NULL;
	}
	return memcg;
}

/* See memcontrol.h. The per-page record is a sparse host mapping: pages
 * never charged cost nothing. */
int mem_cgroup_init(struct kernel *k)
{
	struct memcg_state *s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	k->memcg = s;
	s->over_high = -1;
	s->page_memcg_bytes = (k->max_pfn * sizeof(uint16_t) + 4095) & ~(size_t)4095;
	void *map = mmap(NULL, s->page_memcg_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			 -1, 0);
	if (map == MAP_FAILED)
		return -ENOMEM;
	s->page_memcg = map;
	if (!(s->memcgs[0] = mem_cgroup_alloc(k, 0, NULL, "")))
		return -ENOMEM;
	s->nr_ids = 1;
	return 0;
}

/* See memcontrol.h. */
void mem_cgroup_destroy(struct kernel *k)
{
	struct memcg_state *s = k->memcg;
	if (!s)
		return;
	for (int i = 0; i < s->nr_ids; i++)
		if (s->memcgs[i]) {
			free(s->memcgs[i]->nodeinfo);
			free(s->memcgs[i]);
		}
	if (s->page_memcg)
		munmap(s->page_memcg, s->page_memcg_bytes);
	for (int t = 0; t < (int)ARRAY_SIZE(s->swap_cgroup); t++)
		if (s->swap_cgroup[t])
			munmap(s->swap_cgroup[t], s->swap_cgroup_bytes[t]);
	free(s);
	k->memcg = NULL;
}

/* See memcontrol.h. */
struct mem_cgroup *mem_cgroup_lookup(struct kernel *k, const char *path)
{
	struct memcg_state *s = memcg_state(k);
	while (*path == '/')
		path++;
	size_t len = strlen(path);
	while (len && path[len - 1] == '/')
		len--;
	for (int i = 0; i < s->nr_ids; i++)
		if (s->memcgs[i] && strlen(s->memcgs[i]->name) == len && !strncmp(s->memcgs[i]->name, path, len))
			return s->memcgs[i];
	return NULL;
}

/* Is path a valid cgroup path: parts of letters, digits, '-', '_', '.'
 * (not "." or ".."), separated by single slashes? */
static bool valid_cgroup_path(const char *path)
{
	size_t part = 0;
	if (!*path || strlen(path) >= MEMCG_NAME_MAX)
		return false;
	for (const char *p = path;; p++) {
		if (*p == '/' || !*p) {
			if (!part || (part == 1 && p[-1] == '.') || (part == 2 && p[-1] == '.' && p[-2] == '.'))
				return false;
			if (!*p)
				return true;
			part = 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		      *p == '_' || *p == '.'))
			return false;
		part++;
	}
}

/* See memcontrol.h. */
struct mem_cgroup *mem_cgroup_create(struct kernel *k, const char *path, int *err)
{
	struct memcg_state *s = memcg_state(k);
	char parent_path[MEMCG_NAME_MAX];

	while (*path == '/')
		path++;
	if (!valid_cgroup_path(path)) {
		*err = -EINVAL;
		return NULL;
	}
	if (mem_cgroup_lookup(k, path)) {
		*err = -EEXIST;
		return NULL;
	}
	snprintf(parent_path, sizeof parent_path, "%s", path);
	char *slash = strrchr(parent_path, '/');
	struct mem_cgroup *parent = slash ? (*slash = 0, mem_cgroup_lookup(k, parent_path)) : root_mem_cgroup(k);
	if (!parent) {
		*err = -ENOENT;
		return NULL;
	}
	int id = 1;
	while (id < s->nr_ids && s->memcgs[id])
		id++;
	if (id >= MEMCG_MAX_CGROUPS) {
		*err = -ENOSPC;
		return NULL;
	}
	struct mem_cgroup *memcg = mem_cgroup_alloc(k, id, parent, path);
	if (!memcg) {
		*err = -ENOMEM;
		return NULL;
	}
	s->memcgs[id] = memcg;
	if (id >= s->nr_ids)
		s->nr_ids = id + 1;
	trace_kernel(k, k->this_cpu, "cgroup /%s created (memory controller id %d)", path, id);
	return memcg;
}

/* See memcontrol.h. Pre-order: a cgroup's children come after it, in id
 * order. */
struct mem_cgroup *mem_cgroup_iter(struct kernel *k, struct mem_cgroup *root, struct mem_cgroup *prev)
{
	struct memcg_state *s = memcg_state(k);
	if (!prev)
		return root;
	for (int i = prev->id + 1; i < s->nr_ids; i++)
		if (s->memcgs[i] && s->memcgs[i] != root && mem_cgroup_is_descendant(s->memcgs[i], root))
			return s->memcgs[i];
	return NULL;
}

/* The cgroup with id, the root when it is gone. */
static struct mem_cgroup *mem_cgroup_from_id(struct kernel *k, int id)
{
	struct memcg_state *s = memcg_state(k);
	return id < s->nr_ids && s->memcgs[id] ? s->memcgs[id] : s->memcgs[0];
}

/* See memcontrol.h. */
struct mem_cgroup *mem_cgroup_from_task(struct kernel *k, const struct task_struct *t)
{
	return mem_cgroup_from_id(k, t->memcg_id);
}

/* See memcontrol.h. */
struct mem_cgroup *get_mem_cgroup_from_mm(struct kernel *k, const struct mm_struct *mm)
{
	return mem_cgroup_from_id(k, mm ? mm->memcg_id : 0);
}

/* See memcontrol.h. */
bool mem_cgroup_oom_failed(struct kernel *k)
{
	bool failed = k->memcg && k->memcg->oom_failed;
	if (failed)
		k->memcg->oom_failed = false;
	return failed;
}

/* See memcontrol.h. */
bool task_in_mem_cgroup(struct kernel *k, const struct task_struct *t, const struct mem_cgroup *memcg)
{
	return mem_cgroup_is_descendant(mem_cgroup_from_task(k, t), memcg);
}

/* See memcontrol.h. */
void mem_cgroup_attach(struct kernel *k, struct task_struct *t, struct mem_cgroup *memcg)
{
	struct mem_cgroup *from = mem_cgroup_from_task(k, t->group_leader);
	for (struct task_struct *q = k->tasks; q; q = q->next_task)
		if (q->tgid == t->tgid) {
			q->memcg_id = (uint16_t)memcg->id;
			if (q->mm)
				q->mm->memcg_id = (uint16_t)memcg->id;
		}
	from->nr_procs--;
	memcg->nr_procs++;
	trace_kernel(k, k->this_cpu, "pid %d moves from cgroup /%s to /%s; its charged pages stay where they are",
		     t->tgid, from->name, memcg->name);
}

/* See memcontrol.h. */
void mem_cgroup_fork(struct kernel *k, struct task_struct *child, struct task_struct *parent)
{
	struct mem_cgroup *memcg = parent ? mem_cgroup_from_task(k, parent) : mem_cgroup_from_id(k, k->memcg->default_id);
	child->memcg_id = (uint16_t)memcg->id;
	if (child->mm)
		child->mm->memcg_id = (uint16_t)memcg->id;
	if (child->group_leader == child)
		memcg->nr_procs++;
}

/* See memcontrol.h. */
int mem_cgroup_set_session(struct kernel *k, uint64_t memory_max)
{
	int err = 0;
	struct mem_cgroup *memcg = mem_cgroup_create(k, "mmsim", &err);
	if (!memcg)
		return err;
	mem_cgroup_write(k, memcg, MEMCG_FILE_MAX, memory_max / PAGE_SIZE);
	k->memcg->default_id = memcg->id;
	return 0;
}

/* See memcontrol.h. */
void mem_cgroup_exit(struct kernel *k, struct task_struct *t)
{
	if (t->group_leader == t)
		mem_cgroup_from_task(k, t)->nr_procs--;
}

/* ---- pages and lruvecs ----------------------------------------------------------- */

/* See memcontrol.h. */
struct mem_cgroup *folio_memcg(struct kernel *k, const struct page *page)
{
	if (!k->memcg)
		return NULL;                /* booting or shutting down: nothing charged */
	uint16_t v = memcg_state(k)->page_memcg[page_to_pfn(k, page)];
	return v ? mem_cgroup_from_id(k, v - 1) : NULL;
}

static void set_folio_memcg(struct kernel *k, struct page *page, struct mem_cgroup *memcg)
{
	memcg_state(k)->page_memcg[page_to_pfn(k, page)] = memcg ? (uint16_t)(memcg->id + 1) : 0;
}

/* See memcontrol.h. */
struct lruvec *mem_cgroup_lruvec(struct kernel *k, struct mem_cgroup *memcg, struct pglist_data *pgdat)
{
	(void)k;
	if (!memcg || mem_cgroup_is_root(memcg))
		return &pgdat->__lruvec;
	return &memcg->nodeinfo[pgdat->node_id];
}

/* See memcontrol.h. */
struct lruvec *folio_lruvec(struct kernel *k, const struct page *page)
{
	struct pglist_data *pgdat = page_zone(k, page)->zone_pgdat;
	uint16_t v = k->memcg ? memcg_state(k)->page_memcg[page_to_pfn(k, page)] : 0;
	if (v <= 1)
		return &pgdat->__lruvec;
	return mem_cgroup_lruvec(k, mem_cgroup_from_id(k, v - 1), pgdat);
}

/* See memcontrol.h. */
struct mem_cgroup *lruvec_memcg(const struct lruvec *lruvec)
{
	return lruvec->memcg;
}

/* ---- statistics --------------------------------------------------------------------- */

/* See memcontrol.h. */
void __lruvec_stat_mod_folio(struct kernel *k, const struct page *page, enum node_stat_item item, long delta)
{
	struct pglist_data *pgdat = page_zone(k, page)->zone_pgdat;
	struct mem_cgroup *memcg = folio_memcg(k, page);
	mod_node_page_state(pgdat, item, delta);
	if (memcg)
		memcg->state[item] += delta;
}

/* See memcontrol.h. */
void mem_cgroup_update_lru_size(struct lruvec *lruvec, enum lru_list lru, long nr)
{
	if (lruvec->memcg)
		lruvec->memcg->state[NR_INACTIVE_ANON + lru] += nr;
}

/* See memcontrol.h. */
void count_memcg_events(struct mem_cgroup *memcg, enum vm_event_item item, uint64_t nr)
{
	if (memcg)
		memcg->events[item] += nr;
}

/* See memcontrol.h. */
void count_memcg_folio_events(struct kernel *k, const struct page *page, enum vm_event_item item, uint64_t nr)
{
	count_memcg_events(folio_memcg(k, page), item, nr);
}

/* See memcontrol.h. */
void count_memcg_event_mm(struct kernel *k, const struct mm_struct *mm, enum vm_event_item item)
{
	if (mm)
		count_memcg_events(get_mem_cgroup_from_mm(k, mm), item, 1);
}

/* See memcontrol.h. */
void memcg_memory_event(struct mem_cgroup *memcg, enum memcg_memory_event event)
{
	memcg->memory_events[event]++;
}

/* See memcontrol.h. */
int64_t memcg_page_state(struct kernel *k, struct mem_cgroup *memcg, enum node_stat_item item)
{
	int64_t v = 0;
	for (struct mem_cgroup *m = mem_cgroup_iter(k, memcg, NULL); m; m = mem_cgroup_iter(k, memcg, m))
		v += m->state[item];
	return v < 0 ? 0 : v;
}

/* See memcontrol.h. */
uint64_t memcg_events(struct kernel *k, struct mem_cgroup *memcg, enum vm_event_item item)
{
	uint64_t v = 0;
	for (struct mem_cgroup *m = mem_cgroup_iter(k, memcg, NULL); m; m = mem_cgroup_iter(k, memcg, m))
		v += m->events[item];
	return v;
}

/* See memcontrol.h. Linux counts the events of the root cgroup's
 * descendants in their ancestors except the root. */
uint64_t memcg_memory_events(struct kernel *k, struct mem_cgroup *memcg, enum memcg_memory_event event)
{
	uint64_t v = 0;
	for (struct mem_cgroup *m = mem_cgroup_iter(k, memcg, NULL); m; m = mem_cgroup_iter(k, memcg, m))
		v += m->memory_events[event];
	return v;
}

/* See memcontrol.h. */
uint64_t lruvec_lru_pages(struct kernel *k, struct lruvec *lruvec, enum lru_list lru)
{
	struct mem_cgroup *memcg = lruvec->memcg;
	if (!memcg || mem_cgroup_is_root(memcg))
		return node_page_state_pages(lruvec->pgdat, (enum node_stat_item)(NR_INACTIVE_ANON + lru));
	uint64_t n = 0;
	for (struct mem_cgroup *m = mem_cgroup_iter(k, memcg, NULL); m; m = mem_cgroup_iter(k, memcg, m))
		for (int z = 0; z < MAX_NR_ZONES; z++)
			n += m->nodeinfo[lruvec->pgdat->node_id].lru_zone_size[z][lru];
	return n;
}

/* ---- charging ------------------------------------------------------------------- */

/* See memcontrol.h. */
uint64_t mem_cgroup_margin(const struct mem_cgroup *memcg)
{
	uint64_t margin = PAGE_COUNTER_MAX;
	for (const struct page_counter *c = &memcg->memory; c; c = c->parent) {
		uint64_t m = c->usage < c->max ? c->max - c->usage : 0;
		if (m < margin)
			margin = m;
	}
	return margin;
}

/* ---- the per-CPU charge stock (Linux: memcg_stock_pcp) --------------------------- */

static struct memcg_stock_pcp *this_stock(struct kernel *k)
{
	return &memcg_state(k)->stock[(unsigned)k->this_cpu % MEMCG_STOCK_CPUS];
}

/* Uncharge slot i's pages from its cgroup and free the slot (Linux: drain_stock). */
static void drain_stock(struct kernel *k, struct memcg_stock_pcp *stock, int i)
{
	if (stock->cached[i] && stock->nr_pages[i])
		page_counter_uncharge(&mem_cgroup_from_id(k, stock->cached[i] - 1)->memory, stock->nr_pages[i]);
	stock->cached[i] = 0;
	stock->nr_pages[i] = 0;
}

/* Take nr_pages of memcg's charge from this CPU's stock (Linux:
 * consume_stock). False when it holds fewer, or for more than a batch. */
static bool consume_stock(struct kernel *k, struct mem_cgroup *memcg, uint64_t nr_pages)
{
	struct memcg_stock_pcp *stock = this_stock(k);
	if (nr_pages > MEMCG_CHARGE_BATCH)
		return false;
	for (int i = 0; i < NR_MEMCG_STOCK; i++)
		if (stock->cached[i] == memcg->id + 1) {
			if (stock->nr_pages[i] < nr_pages)
				return false;
			stock->nr_pages[i] -= (uint16_t)nr_pages;
			return true;
		}
	return false;
}

/* Keep nr_pages charged to memcg in this CPU's stock: its slot, else a
 * free one, else a random slot drained for it; a slot over a batch is
 * drained whole (Linux: refill_stock). */
static void refill_stock(struct kernel *k, struct mem_cgroup *memcg, uint64_t nr_pages)
{
	struct memcg_stock_pcp *stock = this_stock(k);
	int empty = -1;
	for (int i = 0; i < NR_MEMCG_STOCK; i++) {
		if (!stock->cached[i] && empty < 0)
			empty = i;
		if (stock->cached[i] == memcg->id + 1) {
			stock->nr_pages[i] += (uint16_t)nr_pages;
			if (stock->nr_pages[i] > MEMCG_CHARGE_BATCH)
				drain_stock(k, stock, i);
			return;
		}
	}
	if (empty < 0) {
		empty = (int)(get_random_u64(k) % NR_MEMCG_STOCK);
		drain_stock(k, stock, empty);
	}
	stock->cached[empty] = (uint16_t)(memcg->id + 1);
	stock->nr_pages[empty] = (uint16_t)nr_pages;
}

/* See memcontrol.h. A CPU holding charges of root's subtree drains its
 * whole stock (drain_local_stock). */
void drain_all_stock(struct kernel *k, struct mem_cgroup *root)
{
	struct memcg_state *s = memcg_state(k);
	for (int cpu = 0; cpu < k->nr_cpus && cpu < MEMCG_STOCK_CPUS; cpu++) {
		struct memcg_stock_pcp *stock = &s->stock[cpu];
		bool flush = false;
		for (int i = 0; i < NR_MEMCG_STOCK; i++)
			if (stock->cached[i] && stock->nr_pages[i] &&
			    mem_cgroup_is_descendant(mem_cgroup_from_id(k, stock->cached[i] - 1), root))
				flush = true;
		for (int i = 0; flush && i < NR_MEMCG_STOCK; i++)
			drain_stock(k, stock, i);
	}
}

/* See memcontrol.h. */
uint64_t memcg_stock_pages(const struct kernel *k, const struct mem_cgroup *memcg)
{
	uint64_t n = 0;
	for (int cpu = 0; cpu < MEMCG_STOCK_CPUS; cpu++)
		for (int i = 0; i < NR_MEMCG_STOCK; i++)
			if (k->memcg->stock[cpu].cached[i] == memcg->id + 1)
				n += k->memcg->stock[cpu].nr_pages[i];
	return n;
}

/* Is the current task one the OOM killer chose, or dying (Linux:
 * task_is_dying)? */
static bool task_is_dying(const struct kernel *k)
{
	const struct task_struct *t = k->current;
	return t && (tsk_is_oom_victim(t) || fatal_signal_pending(t));
}

/* The cgroups from memcg up whose usage is over memory.high: remember the
 * first for reclaim at the return to user mode. */
static void check_high(struct kernel *k, struct mem_cgroup *memcg)
{
	for (struct mem_cgroup *m = memcg; m && !mem_cgroup_is_root(m); m = m->parent)
		if (m->memory.usage > m->memory.high) {
			memcg_state(k)->over_high = memcg->id;
			k->kswapd_pending = true;       /* the return to user mode reclaims it */
			return;
		}
}

/* See memcontrol.h. */
bool mem_cgroup_out_of_memory(struct kernel *k, struct mem_cgroup *memcg, gfp_t gfp, int order)
{
	struct memcg_state *s = memcg_state(k);
	struct oom_control oc = { .memcg = memcg, .gfp_mask = gfp, .order = order };
	if (mem_cgroup_margin(memcg) >= 1ULL << order)
		return true;
	if (task_is_dying(k))
		return true;
	if (s->oom_in_progress)
		return false;
	s->oom_in_progress = true;
	trace_kernel(k, k->this_cpu, "cgroup /%s: reclaim cannot bring it under memory.max: its OOM killer runs",
		     memcg->name);
	bool ret = out_of_memory(k, &oc);
	s->oom_in_progress = false;
	return ret;
}

/* A charge failed after reclaim: the cgroup's OOM (Linux: mem_cgroup_oom). */
static bool mem_cgroup_oom(struct kernel *k, struct mem_cgroup *memcg, gfp_t gfp, int order)
{
	if (order > 3)              /* PAGE_ALLOC_COSTLY_ORDER: fall back to smaller pages */
		return false;
	memcg_memory_event(memcg, MEMCG_OOM);
	return mem_cgroup_out_of_memory(k, memcg, gfp, order);
}

/* The order of a charge of nr_pages (Linux: get_order(nr_pages * PAGE_SIZE)). */
static int charge_order(uint64_t nr_pages)
{
	int order = 0;
	while ((1ULL << order) < nr_pages)
		order++;
	return order;
}

/*
 * Charge nr pages to memcg (Linux: try_charge_memcg). Reclaim over a
 * memory.max, MAX_RECLAIM_RETRIES times, then the cgroup's OOM killer;
 * retries while it kills. 0 or -ENOMEM.
 */
static int try_charge_memcg(struct kernel *k, struct mem_cgroup *memcg, gfp_t gfp, uint64_t nr_pages)
{
	uint64_t batch = nr_pages > MEMCG_CHARGE_BATCH ? nr_pages : MEMCG_CHARGE_BATCH;
	int nr_retries = MAX_RECLAIM_RETRIES;
	struct page_counter *counter;
	struct mem_cgroup *mem_over_limit;
	bool passed_oom = false, raised_max_event = false, drained = false;
	struct task_struct *cur = k->current;

retry:
	if (consume_stock(k, memcg, nr_pages))
		return 0;
	if (page_counter_try_charge(&memcg->memory, batch, &counter)) {
		if (batch > nr_pages)
			refill_stock(k, memcg, batch - nr_pages);       /* done_restock */
		check_high(k, memcg);
		return 0;
	}
	mem_over_limit = memcg_from_memory_counter(counter);
	if (batch > nr_pages) {
		batch = nr_pages;       /* no reclaim for the batch: just what is needed */
		goto retry;
	}
	if ((cur && (cur->flags & PF_MEMALLOC)) || k->in_reclaim)
		goto force;
	if (cur && tsk_is_oom_victim(cur) && (cur->signal->oom_mm->flags & MMF_OOM_SKIP))
		goto nomem;
	if (!(gfp & __GFP_DIRECT_RECLAIM))
		goto nomem;
	memcg_memory_event(mem_over_limit, MEMCG_MAX);
	raised_max_event = true;
	trace_kernel(k, k->this_cpu, "cgroup /%s is at memory.max (%llu pages): reclaim from it",
		     mem_over_limit->name, (unsigned long long)mem_over_limit->memory.max);
	uint64_t nr_reclaimed = try_to_free_mem_cgroup_pages(k, mem_over_limit, nr_pages, gfp, true);
	if (mem_cgroup_margin(mem_over_limit) >= nr_pages)
		goto retry;
	if (!drained) {
		drain_all_stock(k, mem_over_limit);
		drained = true;
		goto retry;
	}
	if (gfp & __GFP_NORETRY)
		goto nomem;
	/* Only small charges retry on progress: a THP is unlikely to fit so
	 * close to the limit, and its fault falls back to small pages. */
	if (nr_reclaimed && nr_pages <= (1u << PAGE_ALLOC_COSTLY_ORDER))
		goto retry;
	if (nr_retries--)
		goto retry;
	if (gfp & __GFP_RETRY_MAYFAIL)
		goto nomem;
	if (passed_oom && task_is_dying(k))
		goto nomem;
	if (mem_cgroup_oom(k, mem_over_limit, gfp, charge_order(nr_pages))) {
		passed_oom = true;
		nr_retries = MAX_RECLAIM_RETRIES;
		if (task_is_dying(k))
			goto force;     /* the victim is the charging task: let it go over */
		goto retry;
	}
	memcg_state(k)->oom_failed = true;
nomem:
	if (!(gfp & (__GFP_NOFAIL | __GFP_HIGH)))
		return -ENOMEM;         /* no max event for a charge that could not reclaim */
force:
	page_counter_charge(&memcg->memory, nr_pages);
	if (!raised_max_event)
		memcg_memory_event(mem_over_limit, MEMCG_MAX);
	return 0;
}

/* Record page as charged to memcg (Linux: commit_charge): a large folio's
 * record is its head's (folio->memcg_data). */
static void commit_charge(struct kernel *k, struct page *page, struct mem_cgroup *memcg)
{
	set_folio_memcg(k, page, memcg);
}

/* Charge page, a folio of folio_nr_pages, to memcg (Linux: charge_memcg).
 * The root has no limit. */
static int charge_memcg(struct kernel *k, struct page *page, struct mem_cgroup *memcg, gfp_t gfp)
{
	if (!mem_cgroup_is_root(memcg)) {
		int err = try_charge_memcg(k, memcg, gfp, (uint64_t)folio_nr_pages(page));
		if (err)
			return err;
	}
	commit_charge(k, page, memcg);
	return 0;
}

/* See memcontrol.h. */
int mem_cgroup_charge(struct kernel *k, struct page *page, struct mm_struct *mm, gfp_t gfp)
{
	struct mem_cgroup *memcg = mm ? get_mem_cgroup_from_mm(k, mm)
				      : k->current ? mem_cgroup_from_task(k, k->current) : root_mem_cgroup(k);
	return charge_memcg(k, page, memcg, gfp);
}

/* See memcontrol.h. */
int mem_cgroup_swapin_charge_folio(struct kernel *k, struct page *page, struct mm_struct *mm, gfp_t gfp,
				   swp_entry_t entry)
{
	struct mem_cgroup *memcg = lookup_swap_cgroup(k, entry);
	if (!memcg)
		memcg = mm ? get_mem_cgroup_from_mm(k, mm) : root_mem_cgroup(k);
	return charge_memcg(k, page, memcg, gfp);
}

/* See memcontrol.h. */
void mem_cgroup_uncharge(struct kernel *k, struct page *page)
{
	struct mem_cgroup *memcg = folio_memcg(k, page);
	if (!memcg)
		return;
	if (!mem_cgroup_is_root(memcg))
		page_counter_uncharge(&memcg->memory, (uint64_t)folio_nr_pages(page));
	set_folio_memcg(k, page, NULL);
}

/* See memcontrol.h. */
int memcg_kmem_charge_page(struct kernel *k, struct page *page, gfp_t gfp)
{
	struct mem_cgroup *memcg = k->memcg && k->current ? mem_cgroup_from_task(k, k->current) : NULL;
	if (!memcg || mem_cgroup_is_root(memcg))
		return 0;               /* the root has no obj_cgroup: nothing is charged */
	int err = try_charge_memcg(k, memcg, gfp, 1);
	if (err)
		return err;
	set_folio_memcg(k, page, memcg);
	memcg->kmem++;
	return 0;
}

/* See memcontrol.h. */
void memcg_kmem_uncharge_page(struct kernel *k, struct page *page)
{
	struct mem_cgroup *memcg = folio_memcg(k, page);
	if (!memcg)
		return;
	set_folio_memcg(k, page, NULL);
	memcg->kmem--;
	refill_stock(k, memcg, 1);
}

/* See memcontrol.h. */
void split_page_memcg(struct kernel *k, struct page *head, unsigned nr)
{
	struct mem_cgroup *memcg = folio_memcg(k, head);
	for (unsigned i = 1; i < nr; i++)
		set_folio_memcg(k, head + i, memcg);
}

/* See memcontrol.h. */
void mem_cgroup_migrate(struct kernel *k, struct page *src, struct page *dst)
{
	struct mem_cgroup *memcg = folio_memcg(k, src);
	if (!memcg)
		return;
	set_folio_memcg(k, dst, memcg);
	set_folio_memcg(k, src, NULL);
}

/* See memcontrol.h. cgroup v2 counts swap apart: only the memory charge
 * goes. */
void mem_cgroup_swapout(struct kernel *k, struct page *page, swp_entry_t entry)
{
	(void)entry;
	mem_cgroup_uncharge(k, page);
}

/* ---- swap charges (Linux: mm/swap_cgroup.c) -------------------------------------- */

/* See memcontrol.h. */
int swap_cgroup_swapon(struct kernel *k, int type, uint64_t max_pages)
{
	struct memcg_state *s = memcg_state(k);
	size_t bytes = (max_pages * sizeof(uint16_t) + 4095) & ~(size_t)4095;
	void *map = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED)
		return -ENOMEM;
	s->swap_cgroup[type] = map;
	s->swap_cgroup_bytes[type] = bytes;
	return 0;
}

/* See memcontrol.h. */
void swap_cgroup_swapoff(struct kernel *k, int type)
{
	struct memcg_state *s = memcg_state(k);
	if (s->swap_cgroup[type])
		munmap(s->swap_cgroup[type], s->swap_cgroup_bytes[type]);
	s->swap_cgroup[type] = NULL;
	s->swap_cgroup_bytes[type] = 0;
}

static uint16_t *swap_cgroup_slot(struct kernel *k, swp_entry_t entry)
{
	uint16_t *map = memcg_state(k)->swap_cgroup[swp_type(entry)];
	return map ? &map[swp_offset(entry)] : NULL;
}

/* See memcontrol.h. */
struct mem_cgroup *lookup_swap_cgroup(struct kernel *k, swp_entry_t entry)
{
	uint16_t *slot = swap_cgroup_slot(k, entry);
	return slot && *slot ? mem_cgroup_from_id(k, *slot - 1) : NULL;
}

/* See memcontrol.h. */
int mem_cgroup_try_charge_swap(struct kernel *k, struct page *page, swp_entry_t entry)
{
	struct mem_cgroup *memcg = folio_memcg(k, page);
	struct page_counter *counter;
	uint16_t *slot = swap_cgroup_slot(k, entry);
	if (!memcg || !slot)
		return 0;
	if (!mem_cgroup_is_root(memcg) && !page_counter_try_charge(&memcg->swap, 1, &counter)) {
		memcg_memory_event(memcg_from_swap_counter(counter), MEMCG_SWAP_MAX);
		memcg_memory_event(memcg, MEMCG_SWAP_FAIL);
		return -ENOMEM;
	}
	*slot = (uint16_t)(memcg->id + 1);
	return 0;
}

/* See memcontrol.h. */
void mem_cgroup_uncharge_swap(struct kernel *k, swp_entry_t entry)
{
	uint16_t *slot = swap_cgroup_slot(k, entry);
	if (!slot || !*slot)
		return;
	struct mem_cgroup *memcg = mem_cgroup_from_id(k, *slot - 1);
	if (!mem_cgroup_is_root(memcg))
		page_counter_uncharge(&memcg->swap, 1);
	*slot = 0;
}

/* See memcontrol.h. */
uint64_t mem_cgroup_get_nr_swap_pages(struct kernel *k, struct mem_cgroup *memcg)
{
	uint64_t nr = get_nr_swap_pages(k);
	for (; memcg && !mem_cgroup_is_root(memcg); memcg = memcg->parent) {
		uint64_t room = memcg->swap.usage < memcg->swap.max ? memcg->swap.max - memcg->swap.usage : 0;
		if (room < nr)
			nr = room;
	}
	return nr;
}

/* See memcontrol.h. */
uint64_t mem_cgroup_get_max(struct kernel *k, struct mem_cgroup *memcg)
{
	uint64_t max = memcg->memory.max, swap = total_swap_pages(k);
	if (k->sysctl.swappiness)
		max += memcg->swap.max < swap ? memcg->swap.max : swap;
	return max;
}

/* ---- limits, protection, high ------------------------------------------------------ */

/* See memcontrol.h. The root's effective protection is none; a child's is
 * its own, capped by its parent's when the parent is not the target. */
void mem_cgroup_calculate_protection(struct mem_cgroup *target, struct mem_cgroup *memcg)
{
	struct page_counter *c = &memcg->memory;
	if (memcg == target || mem_cgroup_is_root(memcg)) {
		c->emin = c->elow = 0;
		return;
	}
	struct mem_cgroup *parent = memcg->parent;
	if (parent == target || mem_cgroup_is_root(parent)) {
		c->emin = c->min;
		c->elow = c->low;
		return;
	}
	c->emin = c->min < parent->memory.emin ? c->min : parent->memory.emin;
	c->elow = c->low < parent->memory.elow ? c->low : parent->memory.elow;
}

/* See memcontrol.h. */
bool mem_cgroup_below_min(struct mem_cgroup *target, struct mem_cgroup *memcg)
{
	if (memcg == target || mem_cgroup_is_root(memcg))
		return false;
	return memcg->memory.usage <= memcg->memory.emin;
}

/* See memcontrol.h. */
bool mem_cgroup_below_low(struct mem_cgroup *target, struct mem_cgroup *memcg)
{
	if (memcg == target || mem_cgroup_is_root(memcg))
		return false;
	return memcg->memory.usage <= memcg->memory.elow;
}

/* See memcontrol.h. Each cgroup from the one charged up that is over its
 * memory.high counts a high event and gives back its excess (Linux:
 * reclaim_high; Linux also throttles the task, which takes no simulated
 * time here). */
void mem_cgroup_handle_over_high(struct kernel *k)
{
	struct memcg_state *s = memcg_state(k);
	if (!s || s->over_high < 0 || (k->current && fatal_signal_pending(k->current)))
		return;
	struct mem_cgroup *memcg = mem_cgroup_from_id(k, s->over_high);
	s->over_high = -1;
	for (; memcg && !mem_cgroup_is_root(memcg); memcg = memcg->parent) {
		if (memcg->memory.usage <= memcg->memory.high)
			continue;
		memcg_memory_event(memcg, MEMCG_HIGH);
		trace_kernel(k, k->this_cpu, "cgroup /%s is over memory.high (%llu > %llu pages): reclaim the excess",
			     memcg->name, (unsigned long long)memcg->memory.usage,
			     (unsigned long long)memcg->memory.high);
		try_to_free_mem_cgroup_pages(k, memcg, memcg->memory.usage - memcg->memory.high, GFP_KERNEL, true);
	}
}

/* See memcontrol.h. */
int mem_cgroup_write(struct kernel *k, struct mem_cgroup *memcg, enum memcg_file file, uint64_t value)
{
	if (mem_cgroup_is_root(memcg))
		return -EINVAL;
	if (value > PAGE_COUNTER_MAX)
		value = PAGE_COUNTER_MAX;
	switch (file) {
	case MEMCG_FILE_HIGH:
		memcg->memory.high = value;
		if (memcg->memory.usage > value)        /* memory_high_write: the stocks first */
			drain_all_stock(k, memcg);
		if (memcg->memory.usage > value) {      /* then it reclaims the excess */
			memcg_state(k)->over_high = memcg->id;
			mem_cgroup_handle_over_high(k);
		}
		return 0;
	case MEMCG_FILE_LOW:
		memcg->memory.low = value;
		return 0;
	case MEMCG_FILE_MIN:
		memcg->memory.min = value;
		return 0;
	case MEMCG_FILE_SWAP_MAX:
		memcg->swap.max = value;
		return 0;
	case MEMCG_FILE_MAX:
		break;
	}
	/* memory_max_write: drain the stocks, reclaim down to the new limit, then kill */
	memcg->memory.max = value;
	int nr_reclaims = MAX_RECLAIM_RETRIES;
	bool drained = false;
	while (memcg->memory.usage > value) {
		if (!drained) {
			drain_all_stock(k, memcg);
			drained = true;
			continue;
		}
		if (nr_reclaims) {
			if (!try_to_free_mem_cgroup_pages(k, memcg, memcg->memory.usage - value, GFP_KERNEL, true))
				nr_reclaims--;
			continue;
		}
		memcg_memory_event(memcg, MEMCG_OOM);
		if (!mem_cgroup_out_of_memory(k, memcg, GFP_KERNEL, 0))
			break;
	}
	return 0;
}

/* ---- the OOM report ------------------------------------------------------------------ */

static void oom_stat_line(void *arg, const char *name, uint64_t value)
{
	printk((struct kernel *)arg, "%s %llu", name, (unsigned long long)value);
}

/* See memcontrol.h. */
void mem_cgroup_print_oom_meminfo(struct kernel *k, struct mem_cgroup *memcg)
{
	printk(k, "memory: usage %llukB, limit %llukB, failcnt %llu", (unsigned long long)memcg->memory.usage * 4,
	       (unsigned long long)memcg->memory.max * 4, (unsigned long long)memcg->memory.failcnt);
	printk(k, "swap: usage %llukB, limit %llukB, failcnt %llu", (unsigned long long)memcg->swap.usage * 4,
	       (unsigned long long)memcg->swap.max * 4, (unsigned long long)memcg->swap.failcnt);
	printk(k, "Memory cgroup stats for /%s:", memcg->name);
	memory_stat_format(k, memcg, oom_stat_line, k);
}

/* ---- memory.stat ------------------------------------------------------------------------ */

/* The kernel pages charged to memcg's subtree (Linux: MEMCG_KMEM). */
static uint64_t memcg_kmem_pages(struct kernel *k, struct mem_cgroup *memcg)
{
	int64_t v = 0;
	for (struct mem_cgroup *m = mem_cgroup_iter(k, memcg, NULL); m; m = mem_cgroup_iter(k, memcg, m))
		v += m->kmem;
	return v < 0 ? 0 : (uint64_t)v;
}

/* See memcontrol.h. Linux 6.18's order; sizes in bytes, events in counts;
 * what the simulator does not keep per cgroup reads 0. */
void memory_stat_format(struct kernel *k, struct mem_cgroup *memcg,
			void (*emit)(void *arg, const char *name, uint64_t value), void *arg)
{
	static const struct {
		const char *name;
		int item;               /* a node_stat_item, -1: none kept, -2: kmem */
	} stats[] = {
		{ "anon", NR_ANON_MAPPED }, { "file", NR_FILE_PAGES }, { "kernel", -2 }, { "kernel_stack", -1 },
		{ "pagetables", NR_PAGETABLE }, { "sec_pagetables", -1 }, { "percpu", -1 }, { "sock", -1 },
		{ "vmalloc", -1 }, { "shmem", NR_SHMEM }, { "file_mapped", NR_FILE_MAPPED },
		{ "file_dirty", -1 }, { "file_writeback", -1 }, { "swapcached", NR_SWAPCACHE },
		{ "anon_thp", NR_ANON_THPS }, { "file_thp", -1 }, { "shmem_thp", -1 },
		{ "inactive_anon", NR_INACTIVE_ANON }, { "active_anon", NR_ACTIVE_ANON },
		{ "inactive_file", NR_INACTIVE_FILE }, { "active_file", NR_ACTIVE_FILE },
		{ "unevictable", NR_UNEVICTABLE }, { "slab_reclaimable", -1 }, { "slab_unreclaimable", -1 },
	};
	static const struct {
		const char *name;
		int item;
	} counts[] = {
		{ "workingset_refault_anon", WORKINGSET_REFAULT_ANON },
		{ "workingset_refault_file", WORKINGSET_REFAULT_FILE },
		{ "workingset_activate_anon", WORKINGSET_ACTIVATE_ANON },
		{ "workingset_activate_file", WORKINGSET_ACTIVATE_FILE },
		{ "workingset_restore_anon", WORKINGSET_RESTORE_ANON },
		{ "workingset_restore_file", WORKINGSET_RESTORE_FILE },
		{ "workingset_nodereclaim", -1 },
		{ "pgdemote_kswapd", -1 }, { "pgdemote_direct", -1 }, { "pgdemote_khugepaged", -1 },
		{ "pgpromote_success", -1 },
	};
	static const struct {
		const char *name;
		enum vm_event_item item;
	} events[] = {
		{ "pgscan_kswapd", PGSCAN_KSWAPD }, { "pgscan_direct", PGSCAN_DIRECT },
		{ "pgscan_khugepaged", PGSCAN_KHUGEPAGED }, { "pgscan_proactive", PGSCAN_PROACTIVE },
		{ "pgsteal_kswapd", PGSTEAL_KSWAPD }, { "pgsteal_direct", PGSTEAL_DIRECT },
		{ "pgsteal_khugepaged", PGSTEAL_KHUGEPAGED }, { "pgsteal_proactive", PGSTEAL_PROACTIVE },
		{ "pgfault", PGFAULT }, { "pgmajfault", PGMAJFAULT }, { "pgrefill", PGREFILL },
		{ "pgactivate", PGACTIVATE }, { "pgdeactivate", PGDEACTIVATE }, { "pglazyfree", PGLAZYFREE },
		{ "pglazyfreed", PGLAZYFREED }, { "swpin_zero", SWPIN_ZERO }, { "swpout_zero", SWPOUT_ZERO },
		{ "thp_fault_alloc", THP_FAULT_ALLOC }, { "thp_collapse_alloc", THP_COLLAPSE_ALLOC },
		{ "thp_swpout", THP_SWPOUT }, { "thp_swpout_fallback", THP_SWPOUT_FALLBACK },
	};
	for (size_t i = 0; i < sizeof stats / sizeof stats[0]; i++) {
		uint64_t v = stats[i].item == -2 ? memcg_kmem_pages(k, memcg)
			     : stats[i].item < 0 ? 0 : (uint64_t)memcg_page_state(k, memcg, (enum node_stat_item)stats[i].item);
		emit(arg, stats[i].name, v * PAGE_SIZE);
		if (!strcmp(stats[i].name, "slab_unreclaimable"))
			emit(arg, "slab", 0);
	}
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
		emit(arg, counts[i].name,
		     counts[i].item < 0 ? 0 : (uint64_t)memcg_page_state(k, memcg, (enum node_stat_item)counts[i].item));
	uint64_t pgscan = memcg_events(k, memcg, PGSCAN_KSWAPD) + memcg_events(k, memcg, PGSCAN_DIRECT) +
			  memcg_events(k, memcg, PGSCAN_KHUGEPAGED) + memcg_events(k, memcg, PGSCAN_PROACTIVE);
	uint64_t pgsteal = memcg_events(k, memcg, PGSTEAL_KSWAPD) + memcg_events(k, memcg, PGSTEAL_DIRECT) +
			   memcg_events(k, memcg, PGSTEAL_KHUGEPAGED) + memcg_events(k, memcg, PGSTEAL_PROACTIVE);
	emit(arg, "pgscan", pgscan);
	emit(arg, "pgsteal", pgsteal);
	for (size_t i = 0; i < sizeof events / sizeof events[0]; i++)
		emit(arg, events[i].name, memcg_events(k, memcg, events[i].item));
}
