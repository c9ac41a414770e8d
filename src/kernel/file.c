/* kernel/file.c — inodes and files: creation, references, the boot-time
 * mounts, and dropping or unmapping cached pages (Linux: fs/inode.c,
 * fs/file_table.c, mm/shmem.c, mm/truncate.c, mm/memory.c's
 * unmap_mapping_range). The page cache's lookups are in kernel/filemap.c.
 * See fs.h. */
#include "kernel/fs.h"

#include "kernel/hugetlb.h"
#include "kernel/kernel.h"
#include "kernel/memcontrol.h"
#include "kernel/memory.h"
#include "kernel/slab.h"
#include "kernel/swapops.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* A new superblock of type at major:minor mounted at point ("" for an
 * internal one). Its root directory takes inode number 1, files start at 2
 * (tmpfs numbers its inodes per mount). */
static struct super_block *add_super(struct kernel *k, const char *type, unsigned major, unsigned minor,
				     const char *point)
{
	if (k->nr_super_blocks == MAX_SUPER_BLOCKS)
		return NULL;
	struct super_block *sb = &k->super_blocks[k->nr_super_blocks++];
	memset(sb, 0, sizeof *sb);
	sb->s_type = type;
	sb->major = major;
	sb->minor = minor;
	snprintf(sb->mnt_point, sizeof sb->mnt_point, "%s", point);
	sb->next_ino = 2;
	return sb;
}

/* See fs.h. Device numbers are anonymous (major 0) as Linux gives them to
 * tmpfs and hugetlbfs, in boot order; devtmpfs is 00:05 as on a typical
 * system. */
int vfs_caches_init(struct kernel *k)
{
	k->shm_mnt = add_super(k, "tmpfs", 0, 1, "");
	k->hugetlbfs_mnt[0] = add_super(k, "hugetlbfs", 0, 2, "");
	k->hugetlbfs_mnt[1] = add_super(k, "hugetlbfs", 0, 3, "");
	for (int i = 0; i < 3; i++)
		k->super_blocks[i].kernmount = true;
	struct super_block *dev = add_super(k, "devtmpfs", 0, 5, "/dev");
	add_super(k, "tmpfs", 0, 0x19, "/dev/shm");
	add_super(k, "tmpfs", 0, 0x1a, "/tmp");
	dev->next_ino = 4;                               /* /dev/null's number on a small system */
	struct inode *null = new_inode(k, dev, FILE_CHR, "/dev/null", 1, S_IFCHR | 0666, 0, NULL, 0);
	if (!null || !(k->dev_null = alloc_file(k, null, FMODE_READ | FMODE_WRITE, O_RDWR)))
		return -ENOMEM;
	return 0;
}

/* See fs.h. Made at its first use rather than at boot, so that boot-time
 * memory does not depend on it. */
struct inode *sb_root(struct kernel *k, struct super_block *sb)
{
	if (sb->s_root || !sb->mnt_point[0])
		return sb->s_root;
	uint64_t next = sb->next_ino;
	sb->next_ino = sb->s_bdev ? 2 : 1;             /* EXT4_ROOT_INO, or tmpfs's 1 */
	sb->s_root = new_inode(k, sb, FILE_DIR, sb->mnt_point, 0,
			       S_IFDIR | (strcmp(sb->s_type, "tmpfs") ? 0755 : 01777), 0, NULL, 0);
	sb->next_ino = next;
	if (sb->s_root) {
		sb->s_root->i_nlink = 2;                 /* "." and its entry in the parent */
		sb->s_root->i_count = 1;                 /* the mount's reference: never evicted */
	}
	return sb->s_root;
}

/* See fs.h. */
struct inode *new_inode(struct kernel *k, struct super_block *sb, enum file_kind kind, const char *name,
			unsigned nlink, uint32_t mode, uint64_t size, const uint8_t *data, uint64_t data_len)
{
	struct inode *inode = kmem_cache_alloc(k, k->mm_caches.inode, GFP_KERNEL | __GFP_ZERO);
	if (!inode)
		return NULL;
	if (!(inode->i_name = kstrdup(k, name))) {
		kmem_cache_free(k, k->mm_caches.inode, inode);
		return NULL;
	}
	inode->i_mode = mode;
	inode->i_nlink = nlink;
	inode->kind = kind;
	inode->i_ino = sb->kernmount ? ++k->last_ino : sb->next_ino++;
	inode->i_size = size;
	inode->i_sb = sb;
	inode->data = data;
	inode->data_len = data_len;
	inode->i_data.host = inode;
	if (nlink) {
		inode->i_sb_next = sb->s_files;
		sb->s_files = inode;
	}
	return inode;
}

/* Free inode: its page cache, its charge and itself (Linux: evict). */
static void evict(struct kernel *k, struct inode *inode)
{
	if (inode->kind == FILE_HUGETLB)
		hugetlbfs_evict_inode(k, inode);
	else
		shmem_truncate_range(k, inode, 0, UINT64_MAX);
	if (inode->kind == FILE_EXT4) {
		ext4_truncate_blocks(k, inode, 0);   /* ext4_evict_inode: the blocks go */
		inode_wb_list_del(k, inode);
	}
	k->vm_committed_as -= inode->committed;
	kfree(k, inode->i_name);
	kmem_cache_free(k, k->mm_caches.inode, inode);
}

/* See fs.h. */
void iput(struct kernel *k, struct inode *inode)
{
	if (--inode->i_count <= 0 && !inode->i_nlink)
		evict(k, inode);
}

/* See fs.h. */
struct file *alloc_file(struct kernel *k, struct inode *inode, unsigned mode, unsigned flags)
{
	struct file *f = kmem_cache_alloc(k, k->mm_caches.filp, GFP_KERNEL | __GFP_ZERO);
	if (!f) {
		if (!inode->i_count && !inode->i_nlink)
			evict(k, inode);
		return NULL;
	}
	f->f_count = 1;
	f->f_mode = mode;
	f->f_flags = flags;
	f->f_inode = inode;
	f->f_mapping = &inode->i_data;
	inode->i_count++;
	return f;
}

/* See fs.h. The inode number is the caller's; the images have their own
 * superblock-less numbering, so they get a private superblock. */
struct file *file_create(struct kernel *k, enum file_kind kind, const char *path, unsigned major,
			 unsigned minor, uint64_t ino, uint64_t size, const uint8_t *data,
			 uint64_t data_len)
{
	struct super_block *sb = NULL;
	for (int i = 0; i < k->nr_super_blocks; i++)
		if (k->super_blocks[i].major == major && k->super_blocks[i].minor == minor)
			sb = &k->super_blocks[i];
	if (!sb && !(sb = add_super(k, "ext4", major, minor, "")))
		return NULL;
	uint64_t next = sb->next_ino;                    /* the image's own number, not the fs's next */
	sb->next_ino = ino;
	struct inode *inode = new_inode(k, sb, kind, path, 1, S_IFREG | 0755, size, data, data_len);
	sb->next_ino = next;
	return inode ? alloc_file(k, inode, FMODE_READ, O_RDONLY) : NULL;
}

/* See fs.h. Linux numbers the inodes of its internal mount from a global
 * counter (get_next_ino); ours counts per superblock from 2. */
struct file *shmem_zero_setup(struct kernel *k, uint64_t size)
{
	struct inode *inode = new_inode(k, k->shm_mnt, FILE_SHMEM, "/dev/zero (deleted)", 0, S_IFREG | 0777, size, NULL, 0);
	return inode ? alloc_file(k, inode, FMODE_READ | FMODE_WRITE, O_RDWR) : NULL;
}

/* See fs.h. */
struct file *hugetlb_file_setup(struct kernel *k, uint64_t size, unsigned huge_shift)
{
	struct inode *inode = new_inode(k, k->hugetlbfs_mnt[huge_shift == 30], FILE_HUGETLB, "/anon_hugepage (deleted)", 0,
					S_IFREG | 0600, size, NULL, 0);
	if (!inode)
		return NULL;
	inode->huge_shift = huge_shift;
	return alloc_file(k, inode, FMODE_READ | FMODE_WRITE, O_RDWR);
}

/* See fs.h. */
void get_file(struct file *f)
{
	f->f_count++;
}

/* Drop the cached pages of [first, first + n) (Linux:
 * truncate_inode_pages_range). Mapped pages keep their mappings' references. */
static void truncate_inode_pages_range(struct kernel *k, struct inode *inode, uint64_t first, uint64_t n)
{
	struct address_space *mapping = &inode->i_data;
	void *items[64];
	uint64_t idx[64];
	unsigned got;

	while ((got = radix_tree_gang_lookup(&mapping->i_pages, items, idx, first, 64))) {
		for (unsigned i = 0; i < got; i++) {
			if (idx[i] - first >= n)
				return;
			struct page *page = items[i];
			radix_tree_delete(k, &mapping->i_pages, idx[i]);
			if (radix_is_value(page)) {        /* a shmem page on swap */
				free_swap_and_cache(k, radix_to_swp_entry(page));
				inode->swapped--;
				shmem_unacct_page(k, inode);
				continue;
			}
			folio_cancel_dirty(k, page);        /* truncation drops the changes */
			page_clear(page, PG_readahead);
			mapping->nrpages--;
			shmem_unacct_page(k, inode);
			__lruvec_stat_mod_folio(k, page, NR_FILE_PAGES, -1);
			if (inode->kind == FILE_SHMEM)
				__lruvec_stat_mod_folio(k, page, NR_SHMEM, -1);
			if (!page->mapcount) {
				page->mapping = 0;
				page->private = 0;
			}
			put_page(k, page);
		}
	}
}

/* See fs.h. */
void shmem_truncate_range(struct kernel *k, struct inode *inode, uint64_t index, uint64_t n)
{
	truncate_inode_pages_range(k, inode, index, n);
}

/* See fs.h. */
void fput(struct kernel *k, struct file *f)
{
	if (--f->f_count > 0)
		return;
	struct inode *inode = f->f_inode;
	kmem_cache_free(k, k->mm_caches.filp, f);
	iput(k, inode);
}

/* See fs.h. */
void unmap_mapping_pages(struct kernel *k, struct address_space *mapping, uint64_t index, uint64_t n,
			 bool even_cows)
{
	static const struct zap_details keep_cows = { .skip_anon = true };
	for (struct vm_area_struct *v = mapping->i_mmap; v; v = v->shared_next) {
		uint64_t end = v->vm_pgoff + vma_pages(v);
		if (index >= end)
			continue;
		uint64_t lo = index > v->vm_pgoff ? index : v->vm_pgoff;
		uint64_t hi = n < end - index ? index + n : end;
		if (lo < hi)
			zap_page_range_single(k, v, v->vm_start + ((lo - v->vm_pgoff) << PAGE_SHIFT),
					      v->vm_start + ((hi - v->vm_pgoff) << PAGE_SHIFT),
					      even_cows || (v->vm_flags & VM_SHARED) ? NULL : &keep_cows);
	}
}

/* See fs.h. Linux's order: the size first, then unmap (private copies
 * too), drop the pages wholly past the end, zero the straddling page's
 * tail, unmap again. */
void shmem_setsize(struct kernel *k, struct inode *inode, uint64_t size)
{
	uint64_t old = inode->i_size;
	inode->i_size = size;
	if (size >= old)
		return;
	uint64_t first = PFN_UP(size);
	unmap_mapping_pages(k, &inode->i_data, first, UINT64_MAX, true);
	truncate_inode_pages_range(k, inode, first, UINT64_MAX);
	if (inode->kind == FILE_EXT4) {
		ext4_truncate_blocks(k, inode, first);
		/* Measured on Linux 6.18's ext4: a shrinking truncate also unmaps
		 * the pages before the new end from every shared and private
		 * mapping (not the private copies); they fault back in. */
		unmap_mapping_pages(k, &inode->i_data, 0, first, false);
	}
	if (size & ~PAGE_MASK) {                          /* truncate_inode_partial_folio */
		bool major = false;
		/* ext4_block_truncate_page reads the block in if it is not cached */
		struct page *page = inode->kind == FILE_EXT4 ? filemap_get_page(k, inode, size >> PAGE_SHIFT, &major)
							    : filemap_find_page(k, inode, size >> PAGE_SHIFT, &major);
		if (page) {
			memset((uint8_t *)page_address(k, page) + (size & ~PAGE_MASK), 0,
			       PAGE_SIZE - (size & ~PAGE_MASK));
			if (inode->kind == FILE_EXT4)
				folio_mark_dirty(k, page);   /* ext4_block_truncate_page writes the zeros */
			put_page(k, page);
		}
	}
}

/* See fs.h. */
struct inode *page_inode(struct kernel *k, const struct page *page)
{
	uint64_t pa = page_owner_pa(page);
	if (!pa || PageAnon(page))
		return NULL;
	return ((struct address_space *)phys_to_virt(k, pa))->host;
}
