/*
 * kernel/readahead.c — reading a disk file's pages before they are asked
 * for (Linux: mm/readahead.c). See fs.h.
 *
 * A read that misses the page cache reads a window of pages from the
 * device in one go (the synchronous readahead); the page async_size pages
 * before the window's end is marked PG_readahead, and a read that reaches
 * it starts the next, larger window (asynchronous readahead), so that a
 * sequential reader finds its pages cached. Windows grow from the first
 * read's size (x4 or x2) to ra_pages (the device's read_ahead_kb / 4).
 *
 * The page cache of the disk filesystem holds order-0 folios, as this
 * host's ext4 does (measured on Linux 6.18: /proc/kpageflags shows no
 * compound page cache page after a 64 MiB read; docs/fidelity.md), so
 * page_cache_ra_order falls back to do_page_cache_ra as Linux's does for a
 * mapping without large folios.
 */
#include "kernel/fs.h"

#include "kernel/kernel.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/swapops.h"
#include "kernel/radix_tree.h"
#include "kernel/trace.h"

#define RA_BATCH 64                      /* pages read per ext4_read_folios call */

/* See fs.h. */
void file_ra_state_init(struct file_ra_state *ra, const struct inode *inode)
{
	ra->ra_pages = inode->i_sb->s_bdev ? inode->i_sb->s_bdev->ra_pages : 0;
	ra->prev_pos = -1;
}

static uint64_t roundup_pow_of_two(uint64_t n)
{
	uint64_t p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

/* The first window for a read of size pages (Linux: get_init_ra_size). */
static uint64_t get_init_ra_size(uint64_t size, uint64_t max)
{
	uint64_t newsize = roundup_pow_of_two(size);
	if (newsize <= max / 32)
		return newsize * 4;
	if (newsize <= max / 4)
		return newsize * 2;
	return max;
}

/* The window after ra's (Linux: get_next_ra_size). */
static uint64_t get_next_ra_size(const struct file_ra_state *ra, uint64_t max)
{
	uint64_t cur = ra->size;
	if (cur < max / 16)
		return 4 * cur;
	if (cur <= max / 2)
		return 2 * cur;
	return max;
}

/* Read the batch pages[0..n) at index first and forget it. */
static void read_pages(struct kernel *k, struct inode *inode, struct page **pages, uint64_t first, unsigned *n)
{
	if (!*n)
		return;
	ext4_read_folios(k, inode, pages, first, *n);
	for (unsigned i = 0; i < *n; i++)
		put_page(k, pages[i]);                   /* the cache keeps its reference */
	*n = 0;
}

/* See fs.h. Linux: page_cache_ra_unbounded; an index already cached ends
 * the batch so far and is skipped. */
unsigned do_page_cache_ra(struct kernel *k, struct inode *inode, uint64_t index, uint64_t nr, uint64_t lookahead)
{
	struct page *batch[RA_BATCH];
	uint64_t end = PFN_UP(inode->i_size), first = index, mark;
	unsigned n = 0, done = 0;

	if (!inode->i_size || index >= end)
		return 0;
	if (nr > end - index)
		nr = end - index;
	mark = nr - lookahead;                           /* relative to index */
	for (uint64_t i = 0; i < nr; i++) {
		struct page *page = radix_tree_lookup(&inode->i_data.i_pages, index + i);
		if (page || n == RA_BATCH) {
			read_pages(k, inode, batch, first, &n);
			if (page)
				continue;
		}
		if (!(page = filemap_alloc_folio(k, inode, index + i)))
			break;
		if (i == mark && lookahead)
			page_set(page, PG_readahead);
		if (!n)
			first = index + i;
		batch[n++] = page;
		done++;
	}
	read_pages(k, inode, batch, first, &n);
	if (done)
		trace_kernel(k, k->this_cpu, "read %u pages of %s ahead from the device (%llu..%llu)", done,
			     inode->i_name, (unsigned long long)index, (unsigned long long)(index + nr - 1));
	return done;
}

/* Read ra's window (Linux: page_cache_ra_order without large folios). */
static void ra_submit(struct kernel *k, struct inode *inode, const struct file_ra_state *ra)
{
	do_page_cache_ra(k, inode, ra->start, ra->size, ra->async_size);
}

/* See fs.h. */
void force_page_cache_ra(struct kernel *k, struct file *file, uint64_t index, uint64_t nr)
{
	struct inode *inode = file_inode(file);
	uint64_t max = file->f_ra.ra_pages, end = PFN_UP(inode->i_size);

	if (!inode->i_sb->s_bdev || index >= end)
		return;
	if (nr > end - index)
		nr = end - index;
	if (max < 1)
		max = 1;
	while (nr) {                                     /* in windows of max pages (2 MiB chunks in Linux) */
		uint64_t this = nr < max ? nr : max;
		do_page_cache_ra(k, inode, index, this, 0);
		index += this;
		nr -= this;
	}
}

/* The first index at or before index, looking back at most max pages,
 * that is not cached; UINT64_MAX when they all are (Linux:
 * page_cache_prev_miss). */
static uint64_t page_cache_prev_miss(struct inode *inode, uint64_t index, uint64_t max)
{
	for (uint64_t n = 0; n < max; n++, index--) {
		if (!radix_tree_lookup(&inode->i_data.i_pages, index))
			return index;
		if (!index)
			return UINT64_MAX;
	}
	return index;
}

/* The first index at or after index, looking at most max pages, that is
 * not cached (Linux: page_cache_next_miss). */
static uint64_t page_cache_next_miss(struct inode *inode, uint64_t index, uint64_t max)
{
	for (uint64_t n = 0; n < max; n++, index++)
		if (!radix_tree_lookup(&inode->i_data.i_pages, index))
			return index;
	return index;
}

/* See fs.h. */
void page_cache_sync_ra(struct kernel *k, struct file *file, uint64_t index, uint64_t req_count)
{
	struct file_ra_state *ra = &file->f_ra;
	struct inode *inode = file_inode(file);
	bool forced = file->f_mode & FMODE_RANDOM;

	if (!ra->ra_pages) {
		req_count = 1;
		forced = true;
	}
	if (forced) {
		force_page_cache_ra(k, file, index, req_count);
		return;
	}
	uint64_t max = ra->ra_pages;
	uint64_t prev_index = (uint64_t)ra->prev_pos >> PAGE_SHIFT;
	if (!index || req_count > max || index - prev_index <= 1) {
		ra->start = index;
		ra->size = (unsigned)get_init_ra_size(req_count, max);
		ra->async_size = ra->size > req_count ? (unsigned)(ra->size - req_count) : ra->size >> 1;
	} else {
		uint64_t miss = page_cache_prev_miss(inode, index - 1, max);
		uint64_t contig = index - miss - 1;      /* context readahead */
		if (contig <= req_count) {
			do_page_cache_ra(k, inode, index, req_count, 0);
			return;
		}
		if (miss == UINT64_MAX)
			contig *= 2;
		ra->start = index;
		ra->size = (unsigned)(contig + req_count < max ? contig + req_count : max);
		ra->async_size = 1;
	}
	ra_submit(k, inode, ra);
}

/* See fs.h. */
void page_cache_async_ra(struct kernel *k, struct file *file, struct page *page, uint64_t req_count)
{
	struct file_ra_state *ra = &file->f_ra;
	struct inode *inode = file_inode(file);
	uint64_t index = page_index(page), max = ra->ra_pages;

	if (!max)
		return;
	page_clear(page, PG_readahead);
	if (index == ra->start + ra->size - ra->async_size) {
		ra->start += ra->size;
		uint64_t next = get_next_ra_size(ra, max);
		ra->size = (unsigned)(next > ra->size ? next : ra->size);
		ra->async_size = ra->size;
	} else {
		uint64_t start = page_cache_next_miss(inode, index + 1, max);
		if (!start || start - index > max)
			return;
		ra->start = start;
		ra->size = (unsigned)(start - index + req_count);
		ra->size = (unsigned)get_next_ra_size(ra, max);
		ra->async_size = ra->size;
	}
	ra_submit(k, inode, ra);
}
