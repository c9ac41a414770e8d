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
	if (writeback_inode(k, page))
		mod_node_page_state(k->node_data[0], NR_FILE_DIRTY, 1);     /* folio_account_dirtied */
	return true;
}

/* See fs.h. */
void folio_cancel_dirty(struct kernel *k, struct page *page)
{
	if (!page_test(page, PG_dirty))
		return;
	page_clear(page, PG_dirty);
	if (writeback_inode(k, page))
		mod_node_page_state(k->node_data[0], NR_FILE_DIRTY, -1);
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
