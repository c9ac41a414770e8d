/*
 * kernel/fs.h — the little of the VFS that memory management needs now:
 * file objects with a page cache (Linux: struct file, struct inode,
 * struct address_space, mm/filemap.c, mm/shmem.c).
 *
 * Three kinds exist so far: a program's image file, whose pages read as the
 * image's bytes, the object behind a shared anonymous mapping (Linux's
 * "/dev/zero (deleted)" shmem file), whose pages start zeroed, and the
 * hugetlbfs file behind a MAP_HUGETLB mapping ("/anon_hugepage (deleted)"),
 * which never has pages: its huge page pools are empty. Pages live in the
 * file's page cache, a radix tree by page offset, and are shared by every
 * mapping of the file.
 */
#ifndef MMSIM_KERNEL_FS_H
#define MMSIM_KERNEL_FS_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/radix_tree.h"

#include "kernel/mm_types.h"

struct kernel;
struct page;
struct vm_fault;

enum file_kind { FILE_IMAGE, FILE_SHMEM, FILE_HUGETLB };

struct address_space {
	struct radix_tree_root i_pages;   /* page offset -> struct page */
	uint64_t nrpages;
};

struct file {
	int f_count;
	enum file_kind kind;
	unsigned dev_major, dev_minor;    /* as /proc/PID/maps prints them */
	uint64_t ino;
	uint64_t size;                    /* bytes */
	char *path;                       /* kmalloc'd */
	const uint8_t *data;              /* image bytes (host memory), NULL: zeros */
	uint64_t data_len;
	struct address_space f_mapping;
	struct vm_area_struct *i_mmap;    /* the VMAs mapping it (Linux: i_mmap) */
	uint64_t committed;               /* pages charged to Committed_AS (shmem) */
	uint64_t swapped;                 /* shmem pages out on swap (Linux: info->swapped) */
	unsigned huge_shift;              /* FILE_HUGETLB: log2 of its huge page size */
};

/* A new file of kind with path (copied), device, inode and size; data (may
 * be NULL) gives the first data_len bytes of its content. NULL on ENOMEM. */
struct file *file_create(struct kernel *k, enum file_kind kind, const char *path, unsigned major,
			 unsigned minor, uint64_t ino, uint64_t size, const uint8_t *data,
			 uint64_t data_len);

/* A shared anonymous memory object of size bytes (Linux: shmem_zero_setup):
 * "/dev/zero (deleted)" on device 00:01 with a fresh inode number. */
struct file *shmem_zero_setup(struct kernel *k, uint64_t size);

/* The file behind a MAP_HUGETLB mapping of size bytes in huge pages of
 * 1 << huge_shift bytes (Linux: hugetlb_file_setup, without a
 * reservation): "/anon_hugepage (deleted)" on the device of that size's
 * hugetlbfs mount (00:02 for 2 MiB, 00:03 for 1 GiB here). NULL on
 * ENOMEM. */
struct file *hugetlb_file_setup(struct kernel *k, uint64_t size, unsigned huge_shift);

/* Take and drop a reference; the last fput frees the page cache. */
void get_file(struct file *f);
void fput(struct kernel *k, struct file *f);

/*
 * The page at offset index of f, with a reference for the caller: found in
 * the page cache, or read in (image bytes, zeros, or a shmem page's swap
 * slot) and added to it (kernel/filemap.c; Linux: __filemap_get_folio with
 * FGP_CREAT, as filemap_fault uses it, and shmem_get_folio). *major (may be
 * NULL) is set when a swap device was read (a major fault). NULL without
 * memory.
 */
struct page *filemap_get_page(struct kernel *k, struct file *f, uint64_t index, bool *major);

/* Take a clean, unmapped page out of its file's page cache (Linux:
 * __filemap_remove_folio, from __remove_mapping); the shadow entry is not
 * kept for files here. True when it was removed. */
bool filemap_remove_folio(struct kernel *k, struct page *page, uint32_t shadow);

/* ---- shmem and swap (kernel/shmem.c) ---------------------------------------- */

/* Move a dirty, unmapped shmem page to swap: a slot, the swap cache, its
 * place in the page cache taken by the swap entry, then the write (Linux:
 * shmem_writeout). 0, or -ENOMEM when no slot is free (it stays). */
int shmem_writeout(struct kernel *k, struct page *page);

/* The page of index of shmem object f, whose page-cache slot holds entry:
 * from the swap cache or read from the device (*major), back in the page
 * cache and dirty, its slot freed (Linux: shmem_swapin_folio). NULL
 * without memory. */
struct page *shmem_swapin_folio(struct kernel *k, struct file *f, uint64_t index, swp_entry_t entry, bool *major);

/* Bring every page of f on swap device type back (Linux: shmem_unuse for
 * one inode). 0 or -ENOMEM. */
int shmem_unuse_file(struct kernel *k, struct file *f, unsigned type);

/* Has f a page on swap device type? */
bool shmem_has_swap_of(const struct file *f, unsigned type);

/* Pages of f in [start, end) that are on swap (Linux:
 * shmem_partial_swap_usage). */
uint64_t shmem_partial_swap_usage(const struct file *f, uint64_t start, uint64_t end);

/* Map the pages [start_pgoff, end_pgoff] of the fault's file that are
 * cached and up to date, where their entries (in the fault's page table) are
 * empty, each narrated (kernel/filemap.c; Linux: filemap_map_pages). True
 * when that mapped the faulting page too. */
bool filemap_map_pages(struct vm_fault *vmf, uint64_t start_pgoff, uint64_t end_pgoff);

/* Drop pages [index, index + n) from f's page cache (Linux:
 * shmem_truncate_range, as shmem_fallocate punches a hole for MADV_REMOVE);
 * mapped pages must have been unmapped. */
void shmem_truncate_range(struct kernel *k, struct file *f, uint64_t index, uint64_t n);

/* The file a page-cache page belongs to, or NULL. */
struct file *page_file(struct kernel *k, const struct page *page);

#endif
