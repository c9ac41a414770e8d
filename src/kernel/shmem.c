/*
 * kernel/shmem.c — shared anonymous memory on swap (Linux: mm/shmem.c's
 * shmem_writeout, shmem_swapin_folio, shmem_unuse). See fs.h.
 *
 * A shmem page leaves for swap through its own object: reclaim unmaps it
 * from every process, then its slot in the object's page cache takes the
 * swap entry in place of the page. So no PTE names the slot (pagemap shows
 * the page as not present, without the swap bit), the processes' swap
 * counters (VmSwap) leave it out, and smaps counts it as the object's swap
 * under its mappings. A fault finds the entry in the page cache, reads the
 * page back (cluster readahead, as shmem_swapin_cluster does) and frees the
 * slot at once.
 */
#include "kernel/fs.h"

#include "kernel/kernel.h"
#include "kernel/memcontrol.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/radix_tree.h"
#include "kernel/swap.h"
#include "kernel/swapops.h"
#include "kernel/trace.h"

#include <errno.h>

/* See fs.h. */
int shmem_writeout(struct kernel *k, struct page *page)
{
	struct inode *f = page_inode(k, page);
	uint64_t index = page_index(page);

	if (!f || !total_swap_pages(k) || folio_alloc_swap(k, page))
		return -ENOMEM;
	swp_entry_t entry = page_swap_entry(page);
	swap_duplicate(k, entry);                        /* swap_shmem_alloc: the object's reference */
	radix_tree_replace(&f->i_data.i_pages, index, swp_to_radix_entry(entry));
	f->i_data.nrpages--;
	f->swapped++;
	__lruvec_stat_mod_folio(k, page, NR_FILE_PAGES, -1);
	__lruvec_stat_mod_folio(k, page, NR_SHMEM, -1);
	page->mapping = 0;                               /* shmem_delete_from_page_cache */
	put_page(k, page);                               /* the page cache's reference */
	trace_kernel(k, k->this_cpu, "page %llu of %s leaves its page cache for slot %llu of device %u",
		     (unsigned long long)index, f->i_name, (unsigned long long)swp_offset(entry), swp_type(entry));
	swap_writeout(k, page);
	return 0;
}

/* See fs.h. */
struct page *shmem_swapin_folio(struct kernel *k, struct inode *f, uint64_t index, swp_entry_t entry, bool *major)
{
	struct page *page = swap_cache_get_folio(k, entry);

	if (page) {
		swap_update_readahead(k, page, NULL, 0);
	} else {
		struct vm_fault vmf = { .k = k, .cpu = k->this_cpu };   /* no VMA: cluster readahead */
		if (!(page = swapin_readahead(k, entry, GFP_HIGHUSER_MOVABLE, &vmf)))
			return NULL;
		if (major)
			*major = true;
	}
	swap_cache_del_folio(k, page);
	folio_set_owner(k, page, virt_to_phys(k, &f->i_data), false, index);
	radix_tree_replace(&f->i_data.i_pages, index, page);     /* shmem_add_to_page_cache */
	get_page(page);
	f->i_data.nrpages++;
	f->swapped--;
	__lruvec_stat_mod_folio(k, page, NR_FILE_PAGES, 1);
	__lruvec_stat_mod_folio(k, page, NR_SHMEM, 1);
	page_set(page, PG_dirty);
	swap_free(k, entry);
	return page;
}

/* See fs.h. */
int shmem_unuse_file(struct kernel *k, struct inode *f, unsigned type)
{
	void *items[64];
	uint64_t idx[64], next = 0;
	unsigned got;

	while ((got = radix_tree_gang_lookup(&f->i_data.i_pages, items, idx, next, 64))) {
		for (unsigned i = 0; i < got; i++) {
			if (!radix_is_value(items[i]) || swp_type(radix_to_swp_entry(items[i])) != type)
				continue;
			struct page *page = shmem_swapin_folio(k, f, idx[i], radix_to_swp_entry(items[i]), NULL);
			if (!page)
				return -ENOMEM;
			put_page(k, page);
		}
		next = idx[got - 1] + 1;
	}
	return 0;
}

/* See fs.h. */
uint64_t shmem_partial_swap_usage(const struct inode *f, uint64_t start, uint64_t end)
{
	void *items[64];
	uint64_t idx[64], n = 0;
	unsigned got;

	if (!f->swapped)
		return 0;
	while (start < end && (got = radix_tree_gang_lookup(&f->i_data.i_pages, items, idx, start, 64))) {
		for (unsigned i = 0; i < got && idx[i] < end; i++)
			n += radix_is_value(items[i]);
		start = idx[got - 1] + 1;
	}
	return n;
}

/* See fs.h. */
bool shmem_has_swap_of(const struct inode *f, unsigned type)
{
	void *items[64];
	uint64_t idx[64], next = 0;
	unsigned got;
	while ((got = radix_tree_gang_lookup(&f->i_data.i_pages, items, idx, next, 64))) {
		for (unsigned i = 0; i < got; i++)
			if (radix_is_value(items[i]) && swp_type(radix_to_swp_entry(items[i])) == type)
				return true;
		next = idx[got - 1] + 1;
	}
	return false;
}

/* See fs.h. */
void shmem_acct_page(struct kernel *k, struct inode *inode)
{
	if (!inode->noreserve)
		return;
	inode->committed++;
	k->vm_committed_as++;
}

/* See fs.h. */
void shmem_unacct_page(struct kernel *k, struct inode *inode)
{
	if (!inode->noreserve || !inode->committed)
		return;
	inode->committed--;
	k->vm_committed_as--;
}
