/*
 * kernel/page_writeback.c — dirty page-cache pages and their writeback:
 * marking and cleaning pages, fsync and posix_fadvise (Linux:
 * mm/page-writeback.c, mm/rmap.c's folio_mkclean, fs/sync.c, mm/fadvise.c).
 * See fs.h.
 *
 * Only the disk filesystem writes pages back: tmpfs pages are dirty from
 * their first write until they are freed or go to swap, and are not
 * counted as Dirty (Linux: shmem's mapping cannot write back).
 */
#include "kernel/fs.h"

#include "hw/machine.h"
#include "kernel/kernel.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/swapops.h"
#include "kernel/pgtable.h"
#include "kernel/radix_tree.h"
#include "kernel/rmap.h"
#include "kernel/sched.h"
#include "kernel/tlbflush.h"
#include "kernel/trace.h"

#include <errno.h>

static void __mark_inode_dirty(struct kernel *k, struct inode *inode);
static void inode_clean_page(struct kernel *k, struct inode *inode);

/* Does page belong to a mapping that writes back (the disk filesystem)? */
static struct inode *writeback_inode(struct kernel *k, const struct page *page)
{
	struct inode *inode = PageAnon(page) ? NULL : page_inode(k, page);
	return inode && inode->kind == FILE_EXT4 ? inode : NULL;
}

/* See fs.h. */
bool folio_mark_dirty(struct kernel *k, struct page *page)
{
	if (page_test(page, PG_dirty))
		return false;
	page_set(page, PG_dirty);
	struct inode *inode = writeback_inode(k, page);
	if (inode) {                                        /* folio_account_dirtied */
		mod_node_page_state(page_pgdat(k, page), NR_FILE_DIRTY, 1);
		mod_node_page_state(page_pgdat(k, page), NR_DIRTIED, 1);
		__mark_inode_dirty(k, inode);
	}
	return true;
}

/* See fs.h. */
void folio_cancel_dirty(struct kernel *k, struct page *page)
{
	if (!page_test(page, PG_dirty))
		return;
	page_clear(page, PG_dirty);
	struct inode *inode = writeback_inode(k, page);
	if (inode) {
		mod_node_page_state(page_pgdat(k, page), NR_FILE_DIRTY, -1);
		inode_clean_page(k, inode);
	}
}

/* Write-protect and clean page's PTE in a shared vma (Linux:
 * page_mkclean_one); a dirty PTE dirties the page (it is about to be
 * written anyway). */
struct mkclean_arg {
	struct kernel *k;
	struct page *page;
};

static int page_mkclean_one(struct vm_area_struct *vma, uint64_t address, void *arg)
{
	struct mkclean_arg *a = arg;
	struct kernel *k = a->k;
	struct page *page = a->page;
	int err;

	if (!(vma->vm_flags & VM_SHARED))
		return 0;
	pte_t *pte = pte_walk(k, vma->vm_mm, address, false, &err);
	if (!pte || !pte_present(*pte) || pte_pfn(*pte) != page_to_pfn(k, page))
		return 0;
	if (!pte_write(*pte) && !pte_dirty(*pte))
		return 0;
	*pte = pte_mkclean(pte_wrprotect(*pte));
	flush_tlb_page(k, vma, address);
	return 0;
}

/* See fs.h. */
bool folio_clear_dirty_for_io(struct kernel *k, struct page *page)
{
	if (page->mapcount)
		rmap_walk(k, page, page_mkclean_one, &(struct mkclean_arg){ k, page });   /* folio_mkclean */
	if (!page_test(page, PG_dirty))
		return false;
	folio_cancel_dirty(k, page);
	return true;
}

/* See fs.h. */
int do_fsync(struct kernel *k, struct task_struct *t, int fd, bool datasync)
{
	struct file *file = fget(t->files, fd);
	if (!file)
		return -EBADF;
	struct inode *inode = file_inode(file);
	if (inode->kind == FILE_CHR)
		return -EINVAL;                          /* no ->fsync: vfs_fsync_range */
	if (inode->kind != FILE_EXT4)
		return 0;                                /* noop_fsync (tmpfs, hugetlbfs, directories) */
	trace_kernel(k, t->cpu, "%s of %s", datasync ? "fdatasync" : "fsync", inode->i_name);
	int64_t n = ext4_writepages(k, inode, 0, UINT64_MAX, true);
	return n < 0 ? (int)n : 0;
}

/* Drop the clean, unmapped pages of [first, last] of inode from its page
 * cache (Linux: mapping_try_invalidate / invalidate_mapping_pages). */
static void invalidate_mapping_pages(struct kernel *k, struct inode *inode, uint64_t first, uint64_t last)
{
	void *items[64];
	uint64_t idx[64], next = first;
	unsigned got;

	while (next <= last && (got = radix_tree_gang_lookup(&inode->i_data.i_pages, items, idx, next, 64))) {
		for (unsigned i = 0; i < got && idx[i] <= last; i++) {
			struct page *page = items[i];
			/* mapping_evict_folio: dirty, mapped or otherwise held pages stay */
			if (radix_is_value(page) || page_test(page, PG_dirty) || page->mapcount ||
			    page_ref_count(page) != 1)
				continue;
			if (filemap_remove_folio(k, page, 0))
				put_page(k, page);               /* the cache's reference: freed */
		}
		next = idx[got - 1] + 1;
		if (!next)
			break;
	}
}

enum { POSIX_FADV_NORMAL, POSIX_FADV_RANDOM, POSIX_FADV_SEQUENTIAL, POSIX_FADV_WILLNEED,
       POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE };

/* See fs.h. */
int ksys_fadvise64_64(struct kernel *k, struct task_struct *t, int fd, int64_t offset, int64_t len, int advice)
{
	struct file *file = fget(t->files, fd);
	if (!file)
		return -EBADF;
	if (len < 0 || advice < POSIX_FADV_NORMAL || advice > POSIX_FADV_NOREUSE)
		return -EINVAL;
	struct inode *inode = file_inode(file);
	if (inode->kind != FILE_EXT4)
		return 0;                 /* tmpfs, devices: noop_backing_dev_info, nothing to do */
	uint64_t endbyte = (uint64_t)offset + (uint64_t)len;
	if (!len || endbyte < (uint64_t)len || (int64_t)endbyte < 0)
		endbyte = INT64_MAX;
	else
		endbyte--;                               /* inclusive */
	switch (advice) {
	case POSIX_FADV_NORMAL:
		file->f_ra.ra_pages = inode->i_sb->s_bdev->ra_pages;
		file->f_mode &= ~FMODE_RANDOM;
		break;
	case POSIX_FADV_RANDOM:
		file->f_mode |= FMODE_RANDOM;
		break;
	case POSIX_FADV_SEQUENTIAL:
		file->f_ra.ra_pages = inode->i_sb->s_bdev->ra_pages * 2;
		file->f_mode &= ~FMODE_RANDOM;
		break;
	case POSIX_FADV_WILLNEED: {
		uint64_t start = (uint64_t)offset >> PAGE_SHIFT, end = endbyte >> PAGE_SHIFT;
		force_page_cache_ra(k, file, start, end - start + 1);
		break;
	}
	case POSIX_FADV_DONTNEED: {
		ext4_writepages(k, inode, (uint64_t)offset >> PAGE_SHIFT, endbyte >> PAGE_SHIFT, false);
		uint64_t start = ((uint64_t)offset + PAGE_SIZE - 1) >> PAGE_SHIFT, end = endbyte >> PAGE_SHIFT;
		if ((endbyte & ~PAGE_MASK) != ~PAGE_MASK) {
			if (!end)
				break;
			end--;
		}
		if (start <= end)
			invalidate_mapping_pages(k, inode, start, end);
		break;
	}
	default:
		break;
	}
	return 0;
}

/* ---- the flusher (Linux: fs/fs-writeback.c, mm/page-writeback.c) -------------- */

#define CYCLES_PER_NS 3                  /* the cost model's clock, as page_io.c */
#define NSEC_PER_CENTISEC 10000000ULL

/* See fs.h. */
uint64_t ktime_get_ns(const struct kernel *k)
{
	uint64_t cycles = 0;
	for (int c = 0; c < k->nr_cpus; c++)
		if (k->hw->cpus[c].ctr.cycles > cycles)
			cycles = k->hw->cpus[c].ctr.cycles;
	return cycles / CYCLES_PER_NS + k->sleep_ns;
}

/* Put inode on the flusher's dirty list, stamped now, when its first page
 * gets dirty (Linux: __mark_inode_dirty with I_DIRTY_PAGES). */
static void __mark_inode_dirty(struct kernel *k, struct inode *inode)
{
	if (inode->i_nrdirty++)
		return;
	inode->dirtied_when = ktime_get_ns(k);
	struct inode **p = &k->wb.b_dirty;
	while (*p)
		p = &(*p)->i_wb_next;                /* oldest first */
	inode->i_wb_next = NULL;
	*p = inode;
}

/* Take inode off the dirty list when its last dirty page is cleaned
 * (Linux: inode_sync_complete / redirty_tail's counterpart). */
static void inode_clean_page(struct kernel *k, struct inode *inode)
{
	if (!inode->i_nrdirty || --inode->i_nrdirty)
		return;
	for (struct inode **p = &k->wb.b_dirty; *p; p = &(*p)->i_wb_next)
		if (*p == inode) {
			*p = inode->i_wb_next;
			break;
		}
	inode->i_wb_next = NULL;
}

/* See fs.h. */
void inode_wb_list_del(struct kernel *k, struct inode *inode)
{
	if (!inode->i_nrdirty)
		return;
	inode->i_nrdirty = 1;
	inode_clean_page(k, inode);
}

/* See fs.h. */
void global_dirty_limits(const struct kernel *k, uint64_t *pbackground, uint64_t *pdirty)
{
	uint64_t x = global_zone_page_state(k, NR_FREE_PAGES);      /* global_dirtyable_memory */
	x -= x < k->totalreserve_pages ? x : k->totalreserve_pages;
	x += global_node_page_state_pages(k, NR_INACTIVE_FILE) + global_node_page_state_pages(k, NR_ACTIVE_FILE) + 1;
	*pdirty = ((uint64_t)k->sysctl.dirty_ratio * PAGE_SIZE / 100) * x / PAGE_SIZE;
	*pbackground = ((uint64_t)k->sysctl.dirty_background_ratio * PAGE_SIZE / 100) * x / PAGE_SIZE;
	if (*pbackground >= *pdirty)
		*pbackground = *pdirty / 2;
}

/* Write back every dirty page of inode (Linux: writeback_single_inode). */
static void writeback_single_inode(struct kernel *k, struct inode *inode)
{
	ext4_writepages(k, inode, 0, UINT64_MAX, false);
}

/* See fs.h. */
void wb_workfn(struct kernel *k)
{
	struct bdi_writeback *wb = &k->wb;
	uint64_t now = ktime_get_ns(k), bg, dirty;
	unsigned reason = wb->pending;

	wb->pending = 0;
	if (reason & WB_REASON_ALL) {                         /* reclaim, sync: everything */
		while (wb->b_dirty)
			writeback_single_inode(k, wb->b_dirty);
	}
	global_dirty_limits(k, &bg, &dirty);
	while (wb->b_dirty && global_node_page_state_pages(k, NR_FILE_DIRTY) > bg) {
		trace_kernel(k, k->this_cpu, "background writeback: %llu dirty pages over the threshold of %llu",
			     (unsigned long long)global_node_page_state_pages(k, NR_FILE_DIRTY),
			     (unsigned long long)bg);
		writeback_single_inode(k, wb->b_dirty);          /* the oldest first */
	}
	if (!k->sysctl.dirty_writeback_centisecs)
		return;                                       /* periodic writeback is off */
	uint64_t period = (uint64_t)k->sysctl.dirty_writeback_centisecs * NSEC_PER_CENTISEC;
	if (now < wb->last_old_flush + period)
		return;
	wb->last_old_flush = now;                         /* wb_check_old_data_flush */
	uint64_t expire = (uint64_t)k->sysctl.dirty_expire_centisecs * NSEC_PER_CENTISEC;
	while (wb->b_dirty && wb->b_dirty->dirtied_when + expire <= now) {
		trace_kernel(k, k->this_cpu, "periodic writeback: %s has been dirty for %llu ms",
			     wb->b_dirty->i_name, (unsigned long long)((now - wb->b_dirty->dirtied_when) / 1000000));
		writeback_single_inode(k, wb->b_dirty);
	}
}

/* See fs.h. */
bool wb_due(const struct kernel *k)
{
	if (k->wb.pending)
		return true;
	if (!k->wb.b_dirty || !k->sysctl.dirty_writeback_centisecs)
		return false;
	uint64_t period = (uint64_t)k->sysctl.dirty_writeback_centisecs * NSEC_PER_CENTISEC;
	return ktime_get_ns(k) >= k->wb.last_old_flush + period;
}

/* See fs.h. */
void wakeup_flusher_threads(struct kernel *k, unsigned reason)
{
	k->wb.pending |= reason;
}

/* See fs.h. */
void balance_dirty_pages_ratelimited(struct kernel *k)
{
	uint64_t bg, dirty, nr = global_node_page_state_pages(k, NR_FILE_DIRTY);
	global_dirty_limits(k, &bg, &dirty);
	if (nr <= bg)
		return;
	k->wb.pending |= WB_REASON_BACKGROUND;            /* wb_start_background_writeback */
	if (nr <= (bg + dirty) / 2)
		return;                                       /* the freerun ceiling */
	trace_kernel(k, k->this_cpu, "balance_dirty_pages: %llu dirty pages over %llu: the writer waits for "
		     "writeback", (unsigned long long)nr, (unsigned long long)((bg + dirty) / 2));
	k->wb.throttled++;
	wb_workfn(k);                                     /* the task sleeps while the flusher writes */
}
