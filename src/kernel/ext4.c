/*
 * kernel/ext4.c — the disk filesystem mounted at "/": an ext4-like layout
 * on a simulated block device (Linux: fs/ext4's super.c, inode.c,
 * balloc.c, readpage.c and page-io.c; block/'s request accounting). See
 * fs.h.
 *
 * The device is an array of PAGE_SIZE blocks. mkfs writes a superblock
 * in block 0 (ext4's magic 0xEF53 at byte 1080 of the device, the block
 * and inode counts) and marks the metadata blocks (the superblock, the
 * block bitmap, an inode table) in use. A file's block map gives the
 * device block of each of its pages; a block is allocated when a dirty
 * page is first written back (delayed allocation, as ext4's default), so
 * a page never written back has none and reads as zeros without I/O, as a
 * hole does. Inodes stay in memory (there is no inode cache to evict
 * them from), their block maps in host memory.
 *
 * Each request (a run of consecutive blocks) completes at once; its
 * latency and its bytes at the device's bandwidth are charged, in cycles
 * at 3 GHz, to the CPU the kernel runs on.
 */
#include "kernel/fs.h"

#include "hw/machine.h"
#include "kernel/kernel.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/swapops.h"
#include "kernel/trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CYCLES_PER_NS       3            /* the cost model's clock, as page_io.c */
#define EXT4_FIRST_INO      12           /* ext4's first inode after the reserved ones */
#define EXT4_ROOT_INO       2
#define EXT4_SUPER_MAGIC    0xEF53
#define EXT4_INODE_BLOCKS   32           /* the inode table's blocks after the bitmap */
#define DISK_DEFAULT_BYTES  (512ULL << 20)
#define DISK_MIN_BYTES      (16ULL << 20)
#define DEFAULT_RA_KB       128          /* VM_READAHEAD_PAGES * 4: Linux's read_ahead_kb */

static bool block_used(const struct block_device *bdev, uint64_t b)
{
	return bdev->block_bitmap[b / 64] & (1ULL << (b % 64));
}

static void block_mark(struct block_device *bdev, uint64_t b, bool used)
{
	if (used)
		bdev->block_bitmap[b / 64] |= 1ULL << (b % 64);
	else
		bdev->block_bitmap[b / 64] &= ~(1ULL << (b % 64));
	if (used)
		bdev->free_blocks--;
	else
		bdev->free_blocks++;
}

/* Write the superblock's fields ext4 keeps at byte 1024 of the device: the
 * inode and block counts, the free ones, and the magic at offset 56. */
static void write_super(struct block_device *bdev, uint64_t inodes)
{
	uint8_t *sb = bdev->medium.base + 1024;
	uint32_t f[4] = { (uint32_t)inodes, (uint32_t)bdev->nr_blocks, 0, (uint32_t)bdev->free_blocks };
	memcpy(sb, f, sizeof f);
	sb[56] = EXT4_SUPER_MAGIC & 0xff;
	sb[57] = EXT4_SUPER_MAGIC >> 8;
}

/* See fs.h. */
int ext4_fill_super(struct kernel *k, const struct kernel_config *cfg)
{
	struct block_device *bdev = &k->disk;
	uint64_t bytes = cfg->disk_bytes ? cfg->disk_bytes : DISK_DEFAULT_BYTES;

	memset(bdev, 0, sizeof *bdev);
	while (ram_reserve(&bdev->medium, bytes)) {          /* a small host (WebAssembly) */
		if (cfg->disk_bytes || bytes / 2 < DISK_MIN_BYTES)
			return -ENOMEM;
		bytes /= 2;
	}
	snprintf(bdev->name, sizeof bdev->name, "sda");
	bdev->major = 8;
	bdev->minor = 1;
	bdev->nr_blocks = bytes >> PAGE_SHIFT;
	bdev->free_blocks = bdev->nr_blocks;
	bdev->cost = cfg->disk_cost.model ? cfg->disk_cost : *swap_device_preset("nvme");
	bdev->ra_pages = cfg->no_readahead ? 0 : (cfg->read_ahead_kb ? cfg->read_ahead_kb : DEFAULT_RA_KB) / 4;
	if (!(bdev->block_bitmap = calloc((bdev->nr_blocks + 63) / 64, sizeof *bdev->block_bitmap))) {
		ram_destroy(&bdev->medium);
		return -ENOMEM;
	}
	uint64_t meta = 1 + (bdev->nr_blocks / 8 + PAGE_SIZE - 1) / PAGE_SIZE + EXT4_INODE_BLOCKS;
	for (uint64_t b = 0; b < meta; b++)
		block_mark(bdev, b, true);
	bdev->next_block = meta;
	write_super(bdev, EXT4_INODE_BLOCKS * (PAGE_SIZE / 256));
	struct super_block *sb = &k->super_blocks[k->nr_super_blocks++];
	memset(sb, 0, sizeof *sb);
	sb->s_type = "ext4";
	sb->major = bdev->major;
	sb->minor = bdev->minor;
	snprintf(sb->mnt_point, sizeof sb->mnt_point, "/");
	sb->next_ino = EXT4_FIRST_INO;
	sb->s_bdev = bdev;
	k->root_sb = sb;
	printk(k, "EXT4-fs (%s%u): mounted filesystem at / with %llu blocks of %u bytes, read_ahead_kb %u",
	       bdev->name, bdev->minor, (unsigned long long)bdev->nr_blocks, (unsigned)PAGE_SIZE,
	       bdev->ra_pages * 4);
	return 0;
}

/* See fs.h. */
void ext4_kill_sb(struct kernel *k)
{
	if (!k->root_sb)
		return;
	for (struct inode *i = k->root_sb->s_files; i; i = i->i_sb_next) {
		free(i->i_blkmap);
		i->i_blkmap = NULL;
	}
	free(k->disk.block_bitmap);
	ram_destroy(&k->disk.medium);
	memset(&k->disk, 0, sizeof k->disk);
	k->root_sb = NULL;
}

/* See fs.h. */
struct inode *ext4_new_inode(struct kernel *k, struct super_block *sb, const char *path, uint32_t mode)
{
	return new_inode(k, sb, FILE_EXT4, path, 1, S_IFREG | mode, 0, NULL, 0);
}

/* The device block of inode's page index, 0 for none. */
static uint64_t bmap(const struct inode *inode, uint64_t index)
{
	return index < inode->i_blkmap_len ? inode->i_blkmap[index] : 0;
}

/* Charge a request of nr blocks (Linux: the bio's completion, which the
 * task waited for) and count it. */
static void submit_bio(struct kernel *k, struct block_device *bdev, bool write, uint64_t nr)
{
	uint64_t ns = write ? bdev->cost.write_ns : bdev->cost.read_ns;
	if (bdev->cost.mbps)
		ns += nr * PAGE_SIZE * 1000 / bdev->cost.mbps;
	k->hw->cpus[k->this_cpu].ctr.cycles += ns * CYCLES_PER_NS;
	if (write) {
		bdev->writes++;
		bdev->sectors_written += nr * (PAGE_SIZE / 512);
		bdev->write_cycles += ns * CYCLES_PER_NS;
		k->vm_events[PGPGOUT] += nr * (PAGE_SIZE >> 10);
	} else {
		bdev->reads++;
		bdev->sectors_read += nr * (PAGE_SIZE / 512);
		bdev->read_cycles += ns * CYCLES_PER_NS;
		k->vm_events[PGPGIN] += nr * (PAGE_SIZE >> 10);
	}
}

/* See fs.h. */
unsigned ext4_read_folios(struct kernel *k, struct inode *inode, struct page **pages, uint64_t first, unsigned nr)
{
	struct block_device *bdev = inode->i_sb->s_bdev;
	unsigned requests = 0;
	uint64_t run = 0, prev = 0;

	for (unsigned i = 0; i < nr; i++) {
		uint64_t b = bmap(inode, first + i);
		uint8_t *dst = page_address(k, pages[i]);
		if (b)
			memcpy(dst, bdev->medium.base + b * PAGE_SIZE, PAGE_SIZE);
		else
			memset(dst, 0, PAGE_SIZE);
		if (b && run && b == prev + 1) {
			run++;
		} else {
			if (run)
				submit_bio(k, bdev, false, run), requests++;
			run = b ? 1 : 0;
		}
		prev = b;
		page_set(pages[i], PG_uptodate);
	}
	if (run)
		submit_bio(k, bdev, false, run), requests++;
	return requests;
}

/* A free block for inode's page index, near the block of the page before
 * it (ext4's goal: files stay contiguous), else the next fit. 0 when the
 * device is full. */
static uint64_t ext4_new_block(struct block_device *bdev, const struct inode *inode, uint64_t index)
{
	uint64_t goal = index ? bmap(inode, index - 1) + 1 : 0;
	if (!goal || goal >= bdev->nr_blocks || block_used(bdev, goal))
		goal = bdev->next_block;
	for (uint64_t n = 0; n < bdev->nr_blocks; n++) {
		uint64_t b = (goal + n) % bdev->nr_blocks;
		if (!block_used(bdev, b)) {
			block_mark(bdev, b, true);
			bdev->next_block = b + 1 < bdev->nr_blocks ? b + 1 : 0;
			return b;
		}
	}
	return 0;
}

/* Give inode's page index a block if it has none (ext4_da_map_blocks at
 * writeback). The block, or 0 when the device is full. */
static uint64_t ext4_map_block(struct kernel *k, struct inode *inode, uint64_t index)
{
	uint64_t b = bmap(inode, index);
	if (b)
		return b;
	if (index >= inode->i_blkmap_len) {
		uint64_t len = inode->i_blkmap_len ? inode->i_blkmap_len : 16;
		while (len <= index)
			len *= 2;
		uint32_t *map = realloc(inode->i_blkmap, len * sizeof *map);
		if (!map)
			return 0;
		memset(map + inode->i_blkmap_len, 0, (len - inode->i_blkmap_len) * sizeof *map);
		inode->i_blkmap = map;
		inode->i_blkmap_len = len;
	}
	if ((b = ext4_new_block(inode->i_sb->s_bdev, inode, index)))
		inode->i_blkmap[index] = (uint32_t)b;
	(void)k;
	return b;
}

/* See fs.h. */
int64_t ext4_writepages(struct kernel *k, struct inode *inode, uint64_t first, uint64_t last, bool wbc_sync)
{
	struct block_device *bdev = inode->i_sb->s_bdev;
	void *items[64];
	uint64_t idx[64], next = first, run = 0, prev = 0;
	int64_t written = 0;
	unsigned got;

	while (next <= last && (got = radix_tree_gang_lookup(&inode->i_data.i_pages, items, idx, next, 64))) {
		for (unsigned i = 0; i < got && idx[i] <= last; i++) {
			struct page *page = items[i];
			if (radix_is_value(page) || !page_test(page, PG_dirty))
				continue;
			uint64_t b = ext4_map_block(k, inode, idx[i]);
			if (!b) {
				if (run)
					submit_bio(k, bdev, true, run);
				return -ENOSPC;
			}
			folio_clear_dirty_for_io(k, page);
			memcpy(bdev->medium.base + b * PAGE_SIZE, page_address(k, page), PAGE_SIZE);
			mod_node_page_state(page_pgdat(k, page), NR_WRITTEN, 1);    /* folio_end_writeback */
			if (run && b == prev + 1) {
				run++;
			} else {
				if (run)
					submit_bio(k, bdev, true, run);
				run = 1;
			}
			prev = b;
			written++;
		}
		next = idx[got - 1] + 1;
		if (!next)
			break;
	}
	if (run)
		submit_bio(k, bdev, true, run);
	if (written)
		trace_kernel(k, k->this_cpu, "%s: %lld dirty pages written to %s%u%s", inode->i_name,
			     (long long)written, bdev->name, bdev->minor, wbc_sync ? " and waited for" : "");
	return written;
}

/* See fs.h. */
struct inode *ext4_install_file(struct kernel *k, const char *path, uint64_t ino, uint32_t mode,
				const uint8_t *data, uint64_t data_len, uint64_t size)
{
	struct super_block *sb = k->root_sb;
	if (!sb || sb->s_bdev->free_blocks < PFN_UP(size))
		return NULL;
	uint64_t next = sb->next_ino;                   /* the caller's number, not the fs's next */
	sb->next_ino = ino;
	struct inode *inode = ext4_new_inode(k, sb, path, mode);
	sb->next_ino = next;
	if (!inode)
		return NULL;
	inode->i_size = size;
	for (uint64_t i = 0; i < PFN_UP(size); i++) {
		uint64_t b = ext4_map_block(k, inode, i), off = i << PAGE_SHIFT;
		if (!b)
			continue;                       /* no memory for the block map: a hole */
		uint8_t *dst = sb->s_bdev->medium.base + b * PAGE_SIZE;
		memset(dst, 0, PAGE_SIZE);
		if (off < data_len)
			memcpy(dst, data + off, data_len - off < PAGE_SIZE ? data_len - off : PAGE_SIZE);
		struct page *page = filemap_alloc_folio(k, inode, i);   /* and the writer's copy, clean */
		if (page) {
			memcpy(page_address(k, page), dst, PAGE_SIZE);
			page_set(page, PG_uptodate);
			put_page(k, page);
		}
	}
	return inode;
}

/* See fs.h. */
void ext4_punch_blocks(struct kernel *k, struct inode *inode, uint64_t index, uint64_t n)
{
	(void)k;
	for (uint64_t i = index; i < inode->i_blkmap_len && i - index < n; i++)
		if (inode->i_blkmap[i]) {
			block_mark(inode->i_sb->s_bdev, inode->i_blkmap[i], false);
			inode->i_blkmap[i] = 0;
		}
}

/* See fs.h. */
void ext4_truncate_blocks(struct kernel *k, struct inode *inode, uint64_t index)
{
	ext4_punch_blocks(k, inode, index, UINT64_MAX);
	if (!index) {
		free(inode->i_blkmap);
		inode->i_blkmap = NULL;
		inode->i_blkmap_len = 0;
	}
}
