/*
 * kernel/filemap.c — the page cache: finding a file's page or reading it
 * in, and mapping the cached pages around a read fault (Linux:
 * mm/filemap.c).
 */
#include "kernel/fs.h"

#include "kernel/kernel.h"
#include "kernel/memcontrol.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/radix_tree.h"
#include "kernel/swapops.h"
#include "kernel/trace.h"

#include <string.h>

#define MMAP_LOTSAMISS 100          /* read-around stops past this many misses */

/* Fill a new page-cache page with the file's bytes at index. */
static void read_page(struct kernel *k, struct inode *inode, struct page *page, uint64_t index)
{
	uint8_t *dst = page_address(k, page);
	uint64_t off = index << PAGE_SHIFT;
	memset(dst, 0, PAGE_SIZE);
	if (inode->data && off < inode->data_len) {
		uint64_t n = inode->data_len - off < PAGE_SIZE ? inode->data_len - off : PAGE_SIZE;
		memcpy(dst, inode->data + off, n);
	}
}

/* See fs.h. */
struct page *filemap_find_page(struct kernel *k, struct inode *inode, uint64_t index, bool *major)
{
	struct page *page = radix_tree_lookup(&inode->i_data.i_pages, index);
	if (page && radix_is_value(page))          /* a shmem page out on swap */
		return shmem_swapin_folio(k, inode, index, radix_to_swp_entry(page), major);
	if (page)
		get_page(page);
	return page;
}

/* See fs.h. Linux: filemap_alloc_folio and filemap_add_folio. */
struct page *filemap_alloc_folio(struct kernel *k, struct inode *inode, uint64_t index)
{
	struct address_space *mapping = &inode->i_data;
	struct page *page = alloc_page(k, GFP_HIGHUSER_MOVABLE);
	if (!page)
		return NULL;
	if (mem_cgroup_charge(k, page, NULL, GFP_KERNEL)) {    /* filemap_add_folio's charge */
		put_page(k, page);
		return NULL;
	}
	if (radix_tree_insert(k, &mapping->i_pages, index, page)) {
		put_page(k, page);
		return NULL;
	}
	if (inode->kind == FILE_SHMEM)
		page_set(page, PG_swapbacked);      /* shmem pages live on the anon lists */
	page_set_owner(page, virt_to_phys(k, mapping), false, index);
	folio_add_lru(k, page);              /* filemap_add_folio puts it on an LRU */
	mapping->nrpages++;
	shmem_acct_page(k, inode);
	__lruvec_stat_mod_folio(k, page, NR_FILE_PAGES, 1);
	if (inode->kind == FILE_SHMEM)
		__lruvec_stat_mod_folio(k, page, NR_SHMEM, 1);
	get_page(page);          /* one reference for the cache, one for the caller */
	return page;
}

/* See fs.h. */
struct page *filemap_get_page(struct kernel *k, struct inode *inode, uint64_t index, bool *major)
{
	struct page *page = radix_tree_lookup(&inode->i_data.i_pages, index);
	if (page)
		return filemap_find_page(k, inode, index, major);
	if (!(page = filemap_alloc_folio(k, inode, index)))
		return NULL;
	if (inode->kind == FILE_EXT4) {
		if (ext4_read_folios(k, inode, &page, index, 1) && major)
			*major = true;
		return page;
	}
	read_page(k, inode, page, index);
	page_set(page, PG_uptodate);
	return page;
}

/* The mmap read-around of a fault that missed the cache (Linux:
 * do_sync_mmap_readahead): none with MADV_RANDOM or after 100 misses more
 * than hits; the whole window ahead with MADV_SEQUENTIAL; else ra_pages
 * centred on the fault, the last quarter behind the marker. */
static void do_sync_mmap_readahead(struct vm_fault *vmf)
{
	struct file *file = vmf->vma->vm_file;
	struct file_ra_state *ra = &file->f_ra;
	uint64_t vm_flags = vmf->vma->vm_flags;

	if ((vm_flags & VM_RAND_READ) || !ra->ra_pages)
		return;
	if (vm_flags & VM_SEQ_READ) {
		page_cache_sync_ra(vmf->k, file, vmf->pgoff, ra->ra_pages);
		return;
	}
	if (ra->mmap_miss < MMAP_LOTSAMISS * 10)
		ra->mmap_miss++;
	if (ra->mmap_miss > MMAP_LOTSAMISS)
		return;
	ra->start = vmf->pgoff > ra->ra_pages / 2 ? vmf->pgoff - ra->ra_pages / 2 : 0;
	ra->size = ra->ra_pages;
	ra->async_size = ra->ra_pages / 4;
	do_page_cache_ra(vmf->k, file_inode(file), ra->start, ra->size, ra->async_size);
}

/* A fault found page cached: a hit for the miss count, and the next
 * window when it is the marked page (Linux: do_async_mmap_readahead). */
static void do_async_mmap_readahead(struct vm_fault *vmf, struct page *page)
{
	struct file *file = vmf->vma->vm_file;
	struct file_ra_state *ra = &file->f_ra;

	if ((vmf->vma->vm_flags & VM_RAND_READ) || !ra->ra_pages)
		return;
	if (ra->mmap_miss)
		ra->mmap_miss--;
	if (page_test(page, PG_readahead))
		page_cache_async_ra(vmf->k, file, page, ra->ra_pages);
}

/* See fs.h. */
struct page *filemap_fault(struct vm_fault *vmf, bool *major)
{
	struct inode *inode = file_inode(vmf->vma->vm_file);
	if (inode->kind != FILE_EXT4)
		return filemap_get_page(vmf->k, inode, vmf->pgoff, major);
	struct page *page = radix_tree_lookup(&inode->i_data.i_pages, vmf->pgoff);
	if (page) {
		vmf->retry = page_test(page, PG_readahead) && !(vmf->vma->vm_flags & VM_RAND_READ) &&
			     vmf->vma->vm_file->f_ra.ra_pages;
		do_async_mmap_readahead(vmf, page);
	} else {
		*major = true;                           /* no page in the page cache at all */
		vmf->retry = true;
		do_sync_mmap_readahead(vmf);
	}
	return filemap_get_page(vmf->k, inode, vmf->pgoff, NULL);
}

/* See fs.h. */
bool filemap_map_pages(struct vm_fault *vmf, uint64_t start_pgoff, uint64_t end_pgoff)
{
	struct kernel *k = vmf->k;
	struct inode *inode = file_inode(vmf->vma->vm_file);
	uint64_t last = PFN_UP(inode->i_size);     /* pages of the object */
	struct file_ra_state *ra = &vmf->vma->vm_file->f_ra;
	bool mapped = false;
	unsigned hits = 0;

	for (uint64_t index = start_pgoff; index <= end_pgoff; index++) {
		pte_t *pte = vmf->pte + (int64_t)(index - vmf->pgoff);
		uint64_t address = vmf->address + (index - vmf->pgoff) * PAGE_SIZE;
		struct page *page = index < last ? radix_tree_lookup(&inode->i_data.i_pages, index) : NULL;
		if (!pte_none(*pte) || !page || radix_is_value(page) || !page_test(page, PG_uptodate) ||
		    page_test(page, PG_readahead))         /* next_uptodate_folio: the fault starts readahead */
			continue;
		hits++;
		get_page(page);
		trace_kernel(k, vmf->cpu, "page %llu of %s at %#llx: pfn %#llx, already cached",
			     (unsigned long long)index, inode->i_name, (unsigned long long)address,
			     (unsigned long long)page_to_pfn(k, page));
		set_pte_range(vmf, page, pte);
		mapped |= index == vmf->pgoff;
	}
	ra->mmap_miss = hits >= ra->mmap_miss ? 0 : ra->mmap_miss - hits;
	return mapped;
}

/* See fs.h. */
bool filemap_remove_folio(struct kernel *k, struct page *page, uint32_t shadow)
{
	struct inode *inode = page_inode(k, page);
	(void)shadow;
	if (!inode || radix_tree_delete(k, &inode->i_data.i_pages, page_index(page)) != page)
		return false;
	inode->i_data.nrpages--;
	shmem_unacct_page(k, inode);
	__lruvec_stat_mod_folio(k, page, NR_FILE_PAGES, -1);
	if (inode->kind == FILE_SHMEM)
		__lruvec_stat_mod_folio(k, page, NR_SHMEM, -1);
	page->mapping = 0;
	page->private = 0;
	return true;
}
