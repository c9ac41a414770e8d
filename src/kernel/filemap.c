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

/* See fs.h. */
struct page *filemap_get_page(struct kernel *k, struct inode *inode, uint64_t index, bool *major)
{
	struct address_space *mapping = &inode->i_data;
	struct page *page = radix_tree_lookup(&mapping->i_pages, index);
	if (page)
		return filemap_find_page(k, inode, index, major);
	if (!(page = alloc_page(k, GFP_HIGHUSER_MOVABLE)))
		return NULL;
	if (mem_cgroup_charge(k, page, NULL, GFP_KERNEL)) {    /* filemap_add_folio's charge */
		put_page(k, page);
		return NULL;
	}
	read_page(k, inode, page, index);
	if (radix_tree_insert(k, &mapping->i_pages, index, page)) {
		put_page(k, page);
		return NULL;
	}
	page_set(page, PG_uptodate);
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
bool filemap_map_pages(struct vm_fault *vmf, uint64_t start_pgoff, uint64_t end_pgoff)
{
	struct kernel *k = vmf->k;
	struct inode *inode = file_inode(vmf->vma->vm_file);
	uint64_t last = PFN_UP(inode->i_size);     /* pages of the object */
	bool mapped = false;

	for (uint64_t index = start_pgoff; index <= end_pgoff; index++) {
		pte_t *pte = vmf->pte + (int64_t)(index - vmf->pgoff);
		uint64_t address = vmf->address + (index - vmf->pgoff) * PAGE_SIZE;
		struct page *page = index < last ? radix_tree_lookup(&inode->i_data.i_pages, index) : NULL;
		if (!pte_none(*pte) || !page || radix_is_value(page) || !page_test(page, PG_uptodate))
			continue;
		get_page(page);
		trace_kernel(k, vmf->cpu, "page %llu of %s at %#llx: pfn %#llx, already cached",
			     (unsigned long long)index, inode->i_name, (unsigned long long)address,
			     (unsigned long long)page_to_pfn(k, page));
		set_pte_range(vmf, page, pte);
		mapped |= index == vmf->pgoff;
	}
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
