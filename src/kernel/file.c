/* kernel/file.c — file objects: creation, references, and dropping their
 * cached pages (Linux: fs/file_table.c, mm/shmem.c, mm/truncate.c). The page
 * cache's lookups are in kernel/filemap.c. See fs.h. */
#include "kernel/fs.h"

#include "kernel/kernel.h"
#include "kernel/slab.h"
#include "kernel/swapops.h"

#include <errno.h>
#include <string.h>

/* See fs.h. */
struct file *file_create(struct kernel *k, enum file_kind kind, const char *path, unsigned major,
			 unsigned minor, uint64_t ino, uint64_t size, const uint8_t *data,
			 uint64_t data_len)
{
	struct file *f = kmem_cache_alloc(k, k->mm_caches.filp, GFP_KERNEL | __GFP_ZERO);
	if (!f)
		return NULL;
	if (!(f->path = kstrdup(k, path))) {
		kmem_cache_free(k, k->mm_caches.filp, f);
		return NULL;
	}
	f->f_count = 1;
	f->kind = kind;
	f->dev_major = major;
	f->dev_minor = minor;
	f->ino = ino;
	f->size = size;
	f->data = data;
	f->data_len = data_len;
	return f;
}

/* See fs.h. Linux numbers shmem inodes from a global counter; ours starts
 * where a freshly booted system's would be small and stable. */
struct file *shmem_zero_setup(struct kernel *k, uint64_t size)
{
	return file_create(k, FILE_SHMEM, "/dev/zero (deleted)", 0, 1, ++k->last_ino, size, NULL, 0);
}

/* See fs.h. */
struct file *hugetlb_file_setup(struct kernel *k, uint64_t size, unsigned huge_shift)
{
	struct file *f = file_create(k, FILE_HUGETLB, "/anon_hugepage (deleted)", 0, huge_shift == 30 ? 3 : 2,
				     ++k->last_ino, size, NULL, 0);
	if (f)
		f->huge_shift = huge_shift;
	return f;
}

/* See fs.h. */
void get_file(struct file *f)
{
	f->f_count++;
}

/* Drop the cached pages of [first, first + n) (Linux:
 * truncate_inode_pages_range). Mapped pages keep their mappings' references. */
static void truncate_inode_pages_range(struct kernel *k, struct file *f, uint64_t first, uint64_t n)
{
	void *items[64];
	uint64_t idx[64];
	unsigned got;

	while ((got = radix_tree_gang_lookup(&f->f_mapping.i_pages, items, idx, first, 64))) {
		for (unsigned i = 0; i < got; i++) {
			if (idx[i] - first >= n)
				return;
			struct page *page = items[i];
			radix_tree_delete(k, &f->f_mapping.i_pages, idx[i]);
			if (radix_is_value(page)) {        /* a shmem page on swap */
				free_swap_and_cache(k, radix_to_swp_entry(page));
				f->swapped--;
				continue;
			}
			f->f_mapping.nrpages--;
			mod_node_page_state(k->node_data[0], NR_FILE_PAGES, -1);
			if (f->kind == FILE_SHMEM)
				mod_node_page_state(k->node_data[0], NR_SHMEM, -1);
			if (!page->mapcount) {
				page->mapping = 0;
				page->private = 0;
			}
			put_page(k, page);
		}
	}
}

/* Drop every cached page of f (Linux: truncate_inode_pages). */
static void truncate_inode_pages(struct kernel *k, struct file *f)
{
	truncate_inode_pages_range(k, f, 0, UINT64_MAX);
}

/* See fs.h. */
void shmem_truncate_range(struct kernel *k, struct file *f, uint64_t index, uint64_t n)
{
	truncate_inode_pages_range(k, f, index, n);
}

/* See fs.h. */
void fput(struct kernel *k, struct file *f)
{
	if (--f->f_count > 0)
		return;
	truncate_inode_pages(k, f);
	k->vm_committed_as -= f->committed;
	kfree(k, f->path);
	kmem_cache_free(k, k->mm_caches.filp, f);
}

/* See fs.h. */
struct file *page_file(struct kernel *k, const struct page *page)
{
	uint64_t pa = page_owner_pa(page);
	if (!pa || PageAnon(page))
		return NULL;
	return (struct file *)((uint8_t *)phys_to_virt(k, pa) - offsetof(struct file, f_mapping));
}
