/* api/state.c — the state of page tables, TLBs and physical memory, read
 * for pictures, each handed to the machine's backend (api/backend.h). */
#include "api/api.h"

#include <errno.h>

/* See mmsim.h. */
int64_t mmsim_page_tables(mmsim_machine *m, int pid, uint64_t start, uint64_t end, uint64_t *root,
			  struct mmsim_pt_entry *out, size_t max)
{
	uint64_t r;
	if (!API_SERVES(m, page_tables))
		return -EOPNOTSUPP;
	if (end <= start)
		return backend_fail(m, -EINVAL, "page_tables: the range [%#llx, %#llx) is empty",
				    (unsigned long long)start, (unsigned long long)end);
	int64_t n = api_result(m, "page_tables", m->ops->page_tables(m, pid, start, end, &r, out, max));
	if (n >= 0 && root)
		*root = r;
	return n;
}

/* See mmsim.h. */
int mmsim_walk(mmsim_machine *m, int pid, uint64_t va, enum mmsim_access kind, struct mmsim_walk *w)
{
	if (!API_SERVES(m, walk))
		return -EOPNOTSUPP;
	if (kind != MMSIM_READ && kind != MMSIM_WRITE && kind != MMSIM_FETCH)
		return backend_fail(m, -EINVAL, "walk: access kind %d is not read, write or fetch", (int)kind);
	return (int)api_result(m, "walk", m->ops->walk(m, pid, va, kind, w));
}

/* See mmsim.h. */
int mmsim_tlb_info(mmsim_machine *m, int core, int i, struct mmsim_tlb_info *info)
{
	if (!API_SERVES(m, tlb_info))
		return -EOPNOTSUPP;
	return (int)api_result(m, "tlb_info", m->ops->tlb_info(m, core, i, info));
}

/* See mmsim.h. */
int64_t mmsim_tlb_entries(mmsim_machine *m, int core, int i, struct mmsim_tlb_entry *out, size_t max)
{
	if (!API_SERVES(m, tlb_entries))
		return -EOPNOTSUPP;
	return api_result(m, "tlb_entries", m->ops->tlb_entries(m, core, i, out, max));
}

/* See mmsim.h. */
int64_t mmsim_frame_runs(mmsim_machine *m, uint64_t pfn, uint64_t end_pfn, struct mmsim_frame_run *runs,
			 size_t max, uint64_t *next)
{
	uint64_t stop;
	if (!API_SERVES(m, frame_runs))
		return -EOPNOTSUPP;
	if (!max)
		return backend_fail(m, -EINVAL, "frame_runs: room for no run (max 0)");
	int64_t n = api_result(m, "frame_runs", m->ops->frame_runs(m, pfn, end_pfn, runs, max, &stop));
	if (n >= 0 && next)
		*next = stop;
	return n;
}
