/* sim/state.c — what the page tables, the TLBs and physical memory hold,
 * read for pictures without changing anything: the kernel's tables as
 * they are in simulated RAM, a pure walk by the task's core, the cores'
 * translation caches entry by entry, and the frames as runs of blocks. */
#include "sim/sim.h"

#include "hw/trace.h"
#include "hw/translate.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/mm_types.h"
#include "kernel/mmzone.h"
#include "kernel/sched.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* va sign-extended from bit bits - 1: the canonical form. */
static uint64_t canonical(uint64_t va, unsigned bits)
{
	unsigned s = 64 - bits;
	return (uint64_t)((int64_t)(va << s) >> s);
}

/* The 8 bytes of simulated RAM at pa (the kernel's direct map). */
static uint64_t phys_read64(struct kernel *k, uint64_t pa)
{
	uint64_t v;
	memcpy(&v, phys_to_virt(k, pa), sizeof v);
	return v;
}

/* ---- page tables ------------------------------------------------------------ */

struct pt_scan {
	struct kernel *k;
	uint64_t start, end;           /* [start, end), canonical */
	unsigned va_bits;
	struct mmsim_pt_entry *out;
	size_t max;
	int64_t n;                     /* entries found */
};

/* Every non-zero entry of the table at table (of level, mapping from
 * base) whose range meets the scan's, then the tables below it. */
static void scan_table(struct pt_scan *p, uint64_t table, int level, uint64_t base)
{
	unsigned shift = hw_level_shift(level);
	for (unsigned i = 0; i < HW_PT_ENTRIES; i++) {
		uint64_t va = canonical(base + ((uint64_t)i << shift), p->va_bits);
		uint64_t last = va + ((1ULL << shift) - 1);
		if (last < p->start || va >= p->end)
			continue;
		uint64_t pa = table + 8ULL * i, e = phys_read64(p->k, pa);
		if (!e)
			continue;
		if ((size_t)p->n < p->max)
			p->out[p->n] = (struct mmsim_pt_entry){ va, pa, e, level, i };
		p->n++;
		bool leaf = level == HW_LVL_PT || (level <= HW_LVL_PDPT && (e & HW_PTE_PS));
		uint64_t next = e & HW_PTE_ADDR_MASK;
		if ((e & HW_PTE_P) && !leaf && next + PAGE_SIZE <= p->k->ram_size)
			scan_table(p, next, level - 1, va);
	}
}

/* See sim.h. */
int64_t sim_page_tables(mmsim_machine *m, int pid, uint64_t start, uint64_t end, uint64_t *root,
			struct mmsim_pt_entry *out, size_t max)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = sim_task(s, pid);
	if (!t)
		return -ESRCH;
	struct kernel *k = &s->kernel;
	struct pt_scan p = { k, start, end, 12 + 9 * (unsigned)k->paging_levels, out, max, 0 };
	*root = t->mm->pgd;
	scan_table(&p, t->mm->pgd, k->paging_levels, 0);
	return p.n;
}

/* See sim.h. */
int sim_walk(mmsim_machine *m, int pid, uint64_t va, enum mmsim_access kind, struct mmsim_walk *w)
{
	struct sim_machine *s = sim_machine(m);
	struct task_struct *t = sim_task(s, pid);
	if (!t)
		return -ESRCH;
	struct hw_cpu *cpu = hw_machine_cpu(&s->hw, t->cpu);
	enum hw_access hk = kind == MMSIM_READ ? HW_READ : kind == MMSIM_WRITE ? HW_WRITE : HW_FETCH;
	struct hw_walk_path path;
	struct hw_xlat x = hw_translate_explore(cpu, t->mm->pgd, va, hk, HW_USER, &path);

	memset(w, 0, sizeof *w);
	w->va = va;
	w->root = t->mm->pgd;
	w->levels = s->kernel.paging_levels;
	w->nsteps = path.nsteps;
	for (int i = 0; i < path.nsteps; i++) {
		w->step[i].level = path.step[i].level;
		w->step[i].index = path.step[i].index;
		w->step[i].entry_pa = path.step[i].entry_pa;
		w->step[i].entry = path.step[i].value;
	}
	w->vector = x.exc.vector;
	w->error_code = x.exc.error_code;
	w->fault_level = x.exc.vector ? path.rule_level : 0;
	hw_rule_format((enum hw_rule)path.rule, path.rule_level, x.pkey, w->why, sizeof w->why);
	if (!x.exc.vector) {
		w->pa = x.pa;
		w->page_shift = x.page_shift;
	}
	return 0;
}

/* ---- TLBs and paging-structure caches ------------------------------------------ */

/* The i-th translation cache core has (TLBs, then the paging-structure
 * caches of the levels in use), or NULL; *pwc says which kind and *id its
 * enum value. */
static struct hw_tlb *nth_cache(struct sim_machine *s, struct hw_cpu *cpu, int i, bool *pwc, int *id)
{
	for (int t = 0; t < HW_NR_TLBS; t++)
		if (cpu->tlb[t].sets && i-- == 0) {
			*pwc = false, *id = t;
			return &cpu->tlb[t];
		}
	for (int c = 0; c < HW_NR_PWCS; c++)
		if (cpu->pwc[c].sets && hw_pwc_level((enum hw_pwc_id)c) <= s->kernel.paging_levels && i-- == 0) {
			*pwc = true, *id = c;
			return &cpu->pwc[c];
		}
	return NULL;
}

/* Core core's i-th cache in *t: 0, or -EINVAL (no such core), -ENOENT
 * (no such cache) with the failure recorded. */
static int find_cache(struct sim_machine *s, int core, int i, struct hw_tlb **t, bool *pwc, int *id)
{
	struct hw_cpu *cpu = hw_machine_cpu(&s->hw, core);
	if (!cpu)
		return sim_fail(s, -EINVAL, "core %d: the machine has cores 0 to %d", core, s->hw.nr_cpus - 1);
	*t = i >= 0 ? nth_cache(s, cpu, i, pwc, id) : NULL;
	if (!*t)
		return sim_fail(s, -ENOENT, "core %d has no translation cache number %d", core, i);
	return 0;
}

/* See sim.h. */
int sim_tlb_info(mmsim_machine *m, int core, int i, struct mmsim_tlb_info *info)
{
	struct sim_machine *s = sim_machine(m);
	struct hw_tlb *t;
	bool pwc;
	int id, err = find_cache(s, core, i, &t, &pwc, &id);
	if (err)
		return err;
	memset(info, 0, sizeof *info);
	snprintf(info->name, sizeof info->name, "%s", pwc ? hw_pwc_title(id) : hw_tlb_title(id));
	snprintf(info->key, sizeof info->key, "%s", pwc ? hw_pwc_name((enum hw_pwc_id)id)
						       : hw_tlb_name((enum hw_tlb_id)id));
	info->level = pwc ? 0 : hw_tlb_level_of((enum hw_tlb_id)id) == HW_L2 ? 2 : 1;
	info->sets = t->sets;
	info->ways = t->ways;
	for (int k = 0; !pwc && k < t->nshift; k++)
		info->sizes |= 1u << ((t->shift[k] - 12) / 9);
	info->valid = hw_tlb_count(t);
	return 0;
}

/* The rights a paging-structure cache entry's data keeps: what the levels
 * above forbade, three bits (R/W=0, U/S=0, XD=1) per level. */
static unsigned pwc_rights(uint64_t d)
{
	uint64_t forbade = d & 0xFFF;
	return (forbade & 0x249 ? 0 : MMSIM_TLB_W) | (forbade & 0x492 ? 0 : MMSIM_TLB_U) |
	       (forbade & 0x924 ? MMSIM_TLB_XD : 0);
}

/* See sim.h. */
int64_t sim_tlb_entries(mmsim_machine *m, int core, int i, struct mmsim_tlb_entry *out, size_t max)
{
	struct sim_machine *s = sim_machine(m);
	struct hw_tlb *t;
	bool pwc;
	int id, err = find_cache(s, core, i, &t, &pwc, &id);
	if (err)
		return err;
	unsigned va_bits = hw_machine_cpu(&s->hw, core)->va_bits;
	int64_t n = 0;
	for (uint32_t set = 0; set < t->sets; set++)
		for (uint32_t way = 0; way < t->ways; way++) {
			uint64_t key = t->key[(uint64_t)set * t->ways + way], d = t->data[(uint64_t)set * t->ways + way];
			if (!key)
				continue;
			unsigned shift = hw_tlb_key_shift(key);
			struct mmsim_tlb_entry e = {
				.set = set, .way = way,
				.va = canonical((key >> HW_TLB_KEY_VPN) << shift, va_bits),
				.pa = d & HW_PTE_ADDR_MASK,
				.shift = shift,
				.page_shift = pwc ? shift : hw_psize_shift((enum hw_psize)((d >> HW_R_SIZE_SHIFT) & 3)),
				.pcid = (unsigned)(key & HW_TLB_KEY_PCID),
				.global = (key & HW_TLB_KEY_G) != 0,
				.rights = pwc ? pwc_rights(d)
					      : (d & HW_R_W ? MMSIM_TLB_W : 0) | (d & HW_R_U ? MMSIM_TLB_U : 0) |
							(d & HW_R_XD ? MMSIM_TLB_XD : 0) | (d & HW_R_D ? MMSIM_TLB_D : 0),
			};
			if ((size_t)n < max)
				out[n] = e;
			n++;
		}
	return n;
}

/* ---- frames ----------------------------------------------------------------------- */

/* A block of frames: what one run is made of. */
struct block {
	const char *kind;
	unsigned order;
	int pcp;
	uint64_t end;                  /* its last frame + 1 */
};

/* The first frame of the buddy block or allocation holding pfn (pfn when
 * it heads one, or is on its own). */
static uint64_t block_head(struct kernel *k, uint64_t pfn)
{
	for (unsigned o = 1; o <= MAX_PAGE_ORDER; o++) {
		uint64_t h = pfn & ~((1ULL << o) - 1);
		const struct page *pg = pfn_to_page(k, h);
		if ((page_test(pg, PG_buddy) || page_ref_count(pg) > 0) && page_order(pg) >= o)
			return h;
	}
	return pfn;
}

/* The block of frames that pfn (in zone z, or none) is part of, from pfn
 * on: a reservation, deferred free memory (max-order blocks whose struct
 * pages are not touched), the zero page, a buddy block, a per-CPU free
 * page, or an allocation. */
static struct block frame_block(struct kernel *k, uint64_t pfn, const struct zone *z)
{
	uint64_t zp = zero_pfn(k);
	if (pfn == zp)
		return (struct block){ "zero", 0, 0, pfn + 1 };
	const struct mem_range *r = pfn_reserved(k, pfn);
	if (r)
		return (struct block){ "reserved", 0, 0, pfn < zp && zp < r->end_pfn ? zp : r->end_pfn };
	if (z && pfn >= z->deferred_pfn && pfn < z->deferred_end)
		return (struct block){ "free", MAX_PAGE_ORDER, 0, z->deferred_end };
	uint64_t head = block_head(k, pfn);
	const struct page *pg = pfn_to_page(k, head);
	if (page_test(pg, PG_pcp))
		return (struct block){ "free", 0, 1, pfn + 1 };
	if (page_test(pg, PG_buddy) || page_ref_count(pg) > 0)
		return (struct block){ sim_page_kind(k, head, pg), page_order(pg), 0,
				       head + (1ULL << page_order(pg)) };
	return (struct block){ sim_page_kind(k, pfn, pfn_to_page(k, pfn)), 0, 0, pfn + 1 };
}

/* See sim.h. */
int64_t sim_frame_runs(mmsim_machine *m, uint64_t pfn, uint64_t end_pfn, struct mmsim_frame_run *runs, size_t max,
		       uint64_t *next)
{
	struct sim_machine *s = sim_machine(m);
	struct kernel *k = &s->kernel;
	if (pfn >= k->max_pfn)
		return sim_fail(s, -EINVAL, "pfn %#llx: the machine's frames are 0 to %#llx", (unsigned long long)pfn,
				(unsigned long long)(k->max_pfn - 1));
	if (end_pfn > k->max_pfn)
		end_pfn = k->max_pfn;
	size_t n = 0;
	while (pfn < end_pfn) {
		const struct zone *z = pfn_zone(k, pfn);
		struct block b = frame_block(k, pfn, z);
		uint64_t stop = b.end < end_pfn ? b.end : end_pfn;
		if (z && zone_end_pfn(z) < stop)
			stop = zone_end_pfn(z);
		const char *zone = z ? z->name : "";
		struct mmsim_frame_run *last = n ? &runs[n - 1] : NULL;
		if (last && last->pfn + last->count == pfn && !strcmp(last->kind, b.kind) && last->order == b.order &&
		    last->pcp == b.pcp && !strcmp(last->zone, zone)) {
			last->count += stop - pfn;
		} else {
			if (n == max)
				break;
			runs[n++] = (struct mmsim_frame_run){ pfn, stop - pfn, b.kind, b.order, b.pcp, zone };
		}
		pfn = stop;
	}
	*next = pfn;
	return (int64_t)n;
}
