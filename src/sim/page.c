/* sim/page.c — one frame's struct page, for scripts that follow a page
 * through fork and copy-on-write. */
#include "sim/sim.h"

#include "kernel/fs.h"
#include "kernel/memory.h"
#include "kernel/mm_types.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const flag_names[NR_PAGEFLAGS] = {
	[PG_locked] = "locked", [PG_referenced] = "referenced", [PG_uptodate] = "uptodate",
	[PG_dirty] = "dirty", [PG_lru] = "lru", [PG_active] = "active", [PG_slab] = "slab",
	[PG_reserved] = "reserved", [PG_buddy] = "buddy", [PG_pcp] = "pcp", [PG_head] = "head",
	[PG_tail] = "tail", [PG_swapbacked] = "swapbacked", [PG_mlocked] = "mlocked",
	[PG_unevictable] = "unevictable", [PG_table] = "table", [PG_anon_exclusive] = "anon_exclusive",
	[PG_zero_page] = "zero_page", [PG_large_kmalloc] = "large_kmalloc", [PG_swapcache] = "swapcache",
	[PG_workingset] = "workingset", [PG_reclaim] = "reclaim", [PG_writeback] = "writeback",
};

/* Is flag f set for frame pfn? Boot reservations and the zero page are
 * known from the memory map (PG_reserved, as Linux marks them, and
 * PG_zero_page), the rest from the frame's own flags. */
static bool frame_test(struct kernel *k, uint64_t pfn, const struct page *pg, enum pageflags f)
{
	if (f == PG_reserved && pfn_reserved(k, pfn))
		return true;
	if (f == PG_zero_page && pfn == zero_pfn(k))
		return true;
	return page_test(pg, f);
}

/* See sim.h. */
const char *sim_page_kind(struct kernel *k, uint64_t pfn, const struct page *pg)
{
	if (frame_test(k, pfn, pg, PG_zero_page))
		return "zero";
	if (frame_test(k, pfn, pg, PG_reserved))
		return "reserved";
	if (page_test(pg, PG_buddy) || page_test(pg, PG_pcp) || !page_ref_count(pg))
		return "free";
	if (page_test(pg, PG_slab))
		return "slab";
	if (page_test(pg, PG_table))
		return "pagetable";
	if (PageAnon(pg))
		return "anon";
	if (page_owner_pa(pg)) {
		struct inode *f = page_inode(k, pg);
		return f && f->kind == FILE_SHMEM ? "shmem" : "file";
	}
	if (page_test(pg, PG_swapcache))
		return "swapcache";    /* read from swap, not mapped yet */
	return "kernel";
}

/* See sim.h. */
int sim_page_info(mmsim_machine *m, uint64_t pfn, struct mmsim_page_info *info)
{
	struct sim_machine *s = sim_machine(m);
	struct kernel *k = &s->kernel;
	if (!pfn_valid(k, pfn))
		return sim_fail(s, -EINVAL, "pfn %#llx: the machine's frames are 0 to %#llx",
				(unsigned long long)pfn, (unsigned long long)(k->max_pfn - 1));
	const struct page *pg = pfn_to_page(k, pfn);
	memset(info, 0, sizeof *info);
	info->pfn = pfn;
	info->kind = sim_page_kind(k, pfn, pg);
	info->refcount = page_ref_count(pg);
	bool mapped = !strcmp(info->kind, "anon") || !strcmp(info->kind, "file") ||
		      !strcmp(info->kind, "shmem") || !strcmp(info->kind, "zero");
	info->mapcount = mapped ? pg->mapcount : 0;
	info->order = page_order(pg);
	size_t n = 0;
	for (int f = 0; f < NR_PAGEFLAGS; f++)
		if (frame_test(k, pfn, pg, (enum pageflags)f) && n < sizeof info->flags)
			n += (size_t)snprintf(info->flags + n, sizeof info->flags - n, "%s%s", n ? "|" : "",
					      flag_names[f]);
	return 0;
}
