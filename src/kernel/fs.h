/*
 * kernel/fs.h — the little of the VFS that memory management needs (Linux:
 * include/linux/fs.h's struct inode, struct address_space and struct file;
 * fs/file.c's descriptor tables; fs/open.c, fs/read_write.c, fs/namei.c;
 * mm/filemap.c, mm/shmem.c).
 *
 * An inode is a file's object: its size, device and inode number, and its
 * page cache, an address_space (a radix tree of pages by page offset, and
 * the list of VMAs that map it, i_mmap). A struct file is one opening of an
 * inode (its access mode and O_ flags); VMAs and descriptor tables hold
 * references to files, files to their inode. An inode lives while it has a
 * name (i_nlink) or a reference; the last iput of an unlinked inode frees
 * its page cache.
 *
 * Filesystems so far: tmpfs (shmem) superblocks — the kernel's internal
 * shm_mnt (00:01) behind shared anonymous mappings ("/dev/zero (deleted)")
 * and memfd_create ("/memfd:NAME (deleted)"), and the mounts /dev/shm and
 * /tmp, flat (no directories: a file is a name in its mount); hugetlbfs
 * (00:02, 00:03) behind MAP_HUGETLB; the program images (FILE_IMAGE, whose
 * pages read as the image's bytes); and the character device /dev/null,
 * open as every process's descriptors 0, 1 and 2.
 *
 * Inodes live in simulated RAM (slab cache shmem_inode_cache): a page's
 * mapping field holds the physical address of its address_space.
 */
#ifndef MMSIM_KERNEL_FS_H
#define MMSIM_KERNEL_FS_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/radix_tree.h"

#include "hw/ram.h"
#include "kernel/mm_types.h"
#include "kernel/swap.h"

struct kernel;
struct page;
struct task_struct;
struct vm_fault;

enum file_kind { FILE_IMAGE, FILE_SHMEM, FILE_HUGETLB, FILE_CHR, FILE_DIR, FILE_EXT4 };

/* File types and permissions (i_mode, Linux's S_IF* values). */
#define S_IFMT   0170000
#define S_IFREG  0100000
#define S_IFCHR  0020000
#define S_IFDIR  0040000
#define S_ISREG_MODE(m) (((m) & S_IFMT) == S_IFREG)

/* open(2) flags of x86-64. */
#define O_ACCMODE   00000003
#define O_RDONLY    00000000
#define O_WRONLY    00000001
#define O_RDWR      00000002
#define O_CREAT     00000100
#define O_EXCL      00000200
#define O_NOCTTY    00000400
#define O_TRUNC     00001000
#define O_APPEND    00002000
#define O_NONBLOCK  00004000
#define O_DIRECT    00040000
#define O_LARGEFILE 00100000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW  00400000
#define O_CLOEXEC   02000000
#define O_PATH      010000000
#define O_TMPFILE   (020000000 | O_DIRECTORY)

/* f_mode bits (Linux's FMODE_*). */
#define FMODE_READ  0x1u
#define FMODE_WRITE 0x2u
#define FMODE_RANDOM 0x1000u   /* POSIX_FADV_RANDOM: no readahead */

/* memfd_create flags. */
#define MFD_CLOEXEC       0x0001u
#define MFD_ALLOW_SEALING 0x0002u
#define MFD_HUGETLB       0x0004u
#define MFD_HUGE_SHIFT    26          /* log2 of the huge page size, 0: 2 MiB */
#define MFD_HUGE_MASK     0x3fu
#define MFD_NOEXEC_SEAL   0x0008u
#define MFD_EXEC          0x0010u

#define NAME_MAX  255
#define PATH_MAX  4096
#define NR_OPEN_DEFAULT 64       /* descriptors of a new table; it grows */
#define RLIMIT_NOFILE_CUR 1024   /* the soft limit every process has here */
#define MAX_SUPER_BLOCKS 12

/* A mounted (or kernel-internal) filesystem (Linux: struct super_block
 * with its struct vfsmount's mount point). */
struct super_block {
	const char *s_type;               /* "tmpfs", "hugetlbfs", "devtmpfs", "ext4" */
	unsigned major, minor;            /* s_dev, as maps prints it */
	char mnt_point[32];               /* "/dev/shm"; "" for an internal mount */
	uint64_t next_ino;                /* the next inode number it gives */
	bool kernmount;                   /* internal (SB_KERNMOUNT): numbers from the
					   * kernel's shared counter (get_next_ino) */
	struct inode *s_files;            /* its named inodes, newest first */
	struct inode *s_root;             /* a mount's directory (inode 1), or NULL */
	struct block_device *s_bdev;      /* a disk filesystem's device, else NULL */
};

/* A simulated block device holding a disk filesystem (Linux: struct
 * block_device with its request queue's read_ahead_kb and the backing
 * device's ra_pages). Its blocks are PAGE_SIZE bytes; their content lives
 * in a sparse host mapping (medium), written as blocks are. Every request
 * completes at once and charges its latency and its bytes at the device's
 * bandwidth to the CPU that waits for it (as page_io.c does for swap). */
struct block_device {
	char name[8];                     /* "sda" */
	unsigned major, minor;            /* of its partition 1, as maps prints files */
	uint64_t nr_blocks;               /* blocks of PAGE_SIZE bytes */
	uint64_t free_blocks;
	uint64_t next_block;              /* where the allocator looks first (next fit) */
	uint64_t *block_bitmap;           /* one bit a block, set when in use (host memory) */
	struct ram medium;                /* the blocks' bytes */
	struct swap_device_cost cost;     /* latency and bandwidth (the swap presets) */
	unsigned ra_pages;                /* read_ahead_kb / 4: readahead's largest window */
	uint64_t reads, writes;           /* requests (as /proc/diskstats counts them) */
	uint64_t sectors_read, sectors_written;   /* 512-byte units */
	uint64_t read_cycles, write_cycles;       /* the device time charged */
};

/* The flusher of the disk filesystem (Linux: struct bdi_writeback): the
 * inodes with dirty pages, oldest dirtied first, and why it must run. */
#define WB_REASON_BACKGROUND 1u        /* over dirty_background_ratio */
#define WB_REASON_ALL        2u        /* reclaim met dirty file pages: write everything */
struct bdi_writeback {
	struct inode *b_dirty;            /* via i_wb_next */
	unsigned pending;                 /* WB_REASON_* to run at the next return to user mode */
	uint64_t last_old_flush;          /* ns of the last periodic (kupdate) pass */
	uint64_t throttled;               /* balance_dirty_pages pauses */
};

/* The readahead state of an open file (Linux: struct file_ra_state): the
 * last window read [start, start + size), of which the last async_size
 * pages start with the page marked PG_readahead; the largest window
 * (ra_pages); the mmap read misses (read-around stops past 100); the end
 * of the last read(). */
struct file_ra_state {
	uint64_t start;
	unsigned size, async_size, ra_pages, mmap_miss;
	int64_t prev_pos;
};

struct address_space {
	struct inode *host;               /* the owner */
	struct radix_tree_root i_pages;   /* page offset -> struct page */
	uint64_t nrpages;
	struct vm_area_struct *i_mmap;    /* the VMAs mapping it (Linux: i_mmap) */
};

struct inode {
	uint32_t i_mode;                  /* S_IF* | permissions */
	unsigned i_nlink;                 /* names: 1 while linked in its mount, 0 after unlink */
	int i_count;                      /* references from struct files (and the image table) */
	enum file_kind kind;
	uint64_t i_ino;
	uint64_t i_size;                  /* bytes */
	struct super_block *i_sb;
	char *i_name;                     /* the path maps prints (kmalloc'd): "/dev/shm/f",
					   * "/memfd:x (deleted)" once unlinked (Linux: d_path) */
	const uint8_t *data;              /* FILE_IMAGE bytes (host memory), NULL: zeros */
	uint64_t data_len;
	uint64_t committed;               /* pages charged to Committed_AS (shmem) */
	uint64_t swapped;                 /* shmem pages out on swap (Linux: info->swapped) */
	unsigned huge_shift;              /* FILE_HUGETLB: log2 of its huge page size */
	bool noreserve;                   /* tmpfs file charged a page at a time (VM_NORESERVE) */
	struct inode *i_sb_next;          /* in i_sb->s_files while named */
	union {
		uint32_t *i_blkmap;               /* FILE_EXT4: the device block of each page,
						   * 0 for none yet (a hole, or delayed allocation);
						   * host memory, i_blkmap_len entries */
		struct resv_map *i_resv_map;      /* FILE_HUGETLB: its reserved huge pages (hugetlb.h) */
	};
	uint64_t i_blkmap_len;
	uint64_t i_nrdirty;               /* FILE_EXT4: dirty pages; on k->wb.b_dirty while > 0 */
	uint64_t dirtied_when;            /* ns when its first page got dirty */
	struct inode *i_wb_next;
	struct address_space i_data;      /* its page cache (i_mapping is always &i_data) */
};

struct file {
	int f_count;
	unsigned f_mode;                  /* FMODE_READ | FMODE_WRITE */
	unsigned f_flags;                 /* the O_ flags it was opened with (O_APPEND counts) */
	struct inode *f_inode;
	struct address_space *f_mapping;  /* == &f_inode->i_data */
	struct file_ra_state f_ra;        /* readahead (disk files) */
};

/* A process's descriptors (Linux: struct files_struct with its fdtable):
 * shared by the threads of a process (CLONE_FILES), copied by fork. */
struct files_struct {
	int count;                        /* tasks using it */
	unsigned max_fds;                 /* slots in fd[] */
	struct file **fd;                 /* kmalloc'd */
	uint64_t close_on_exec[RLIMIT_NOFILE_CUR / 64];
};

/* What fstat reports (Linux: struct kstat, the fields kept). */
struct kstat {
	unsigned dev_major, dev_minor;
	uint64_t ino;
	uint32_t mode;
	unsigned nlink;
	uint64_t size;
	uint64_t blocks;                  /* 512-byte units allocated */
	uint32_t blksize;
	unsigned rdev_major, rdev_minor;
};

static inline struct inode *file_inode(const struct file *f)
{
	return f->f_inode;
}

/* ---- files and inodes (kernel/file.c) ---------------------------------------- */

/* Mount the boot-time filesystems: shm_mnt (internal tmpfs), devtmpfs for
 * /dev/null, tmpfs on /dev/shm and /tmp. 0 or -ENOMEM. */
int vfs_caches_init(struct kernel *k);

/* The directory inode of a mount (inode 1, mode 01777 on tmpfs), made
 * at its first use; NULL for an internal superblock or without memory. */
struct inode *sb_root(struct kernel *k, struct super_block *sb);

/* A new inode of kind on sb with name (copied; the path maps prints), the
 * next inode number of sb, i_nlink links, size bytes and i_mode mode; data
 * (may be NULL) gives the first data_len bytes of its content; an unnamed
 * inode's name ends in " (deleted)" as d_path prints it. Its
 * reference count is 0: open it with alloc_file. NULL on ENOMEM. */
struct inode *new_inode(struct kernel *k, struct super_block *sb, enum file_kind kind, const char *name,
			unsigned nlink, uint32_t mode, uint64_t size, const uint8_t *data, uint64_t data_len);

/* A new struct file (one reference) on inode, with mode FMODE_* and the O_
 * flags: the inode gains a reference. NULL on ENOMEM (the inode, if it has
 * no other reference and no name, is freed). */
struct file *alloc_file(struct kernel *k, struct inode *inode, unsigned mode, unsigned flags);

/* A file of kind with path (copied), device, inode and size on an
 * unnamed inode; data (may be NULL) gives the first data_len bytes of
 * its content. The program images use it. NULL on ENOMEM. */
struct file *file_create(struct kernel *k, enum file_kind kind, const char *path, unsigned major,
			 unsigned minor, uint64_t ino, uint64_t size, const uint8_t *data,
			 uint64_t data_len);

/* A shared anonymous memory object of size bytes (Linux: shmem_zero_setup):
 * "/dev/zero (deleted)" on shm_mnt (00:01) with a fresh inode number. */
struct file *shmem_zero_setup(struct kernel *k, uint64_t size);

/* The file behind a MAP_HUGETLB mapping of size bytes in huge pages of
 * 1 << huge_shift bytes (Linux: hugetlb_file_setup, without a
 * reservation): "/anon_hugepage (deleted)" on the device of that size's
 * hugetlbfs mount (00:02 for 2 MiB, 00:03 for 1 GiB here). NULL on
 * ENOMEM. */
struct file *hugetlb_file_setup(struct kernel *k, uint64_t size, unsigned huge_shift);

/* Take and drop a reference; the last fput drops the inode's reference
 * (iput), and the last iput of an unlinked inode frees its page cache. */
void get_file(struct file *f);
void fput(struct kernel *k, struct file *f);
void iput(struct kernel *k, struct inode *inode);

/* Has inode lost its name (maps prints its path with " (deleted)")? */
static inline bool d_unlinked(const struct inode *inode)
{
	return inode->i_nlink == 0;
}

/* Unmap the pages [index, index + n) of mapping from every VMA that maps
 * them, private copies (even_cows) included or not (Linux:
 * unmap_mapping_range / unmap_mapping_pages). */
void unmap_mapping_pages(struct kernel *k, struct address_space *mapping, uint64_t index, uint64_t n,
			 bool even_cows);

/* Set a regular tmpfs file's size (Linux: shmem_setattr with
 * truncate_setsize): shrinking unmaps the pages past the new end from every
 * process (private copies too), drops them from the page cache and zeroes
 * the tail of the page that straddles the new end. */
void shmem_setsize(struct kernel *k, struct inode *inode, uint64_t size);

/* ---- the page cache (kernel/filemap.c) ---------------------------------------- */

/*
 * The page at offset index of inode, with a reference for the caller: found
 * in the page cache, or read in (image bytes, zeros, or a shmem page's swap
 * slot) and added to it (Linux: __filemap_get_folio with FGP_CREAT, as
 * filemap_fault uses it, and shmem_get_folio). *major (may be NULL) is set
 * when a swap device was read (a major fault). NULL without memory.
 */
struct page *filemap_get_page(struct kernel *k, struct inode *inode, uint64_t index, bool *major);

/* A new page for index of inode, added to its page cache and LRU but not
 * yet uptodate, with a reference for the caller (Linux:
 * filemap_alloc_folio + filemap_add_folio). NULL without memory. */
struct page *filemap_alloc_folio(struct kernel *k, struct inode *inode, uint64_t index);

/* The page of a fault in a file VMA, with a reference for the caller: for
 * a disk file, a cached page (a hit; reaching the PG_readahead page starts
 * the next window) or, on a miss (*major), the mmap read-around from the
 * device first (Linux: filemap_fault with do_sync_mmap_readahead and
 * do_async_mmap_readahead); for other files filemap_get_page. NULL
 * without memory. */
struct page *filemap_fault(struct vm_fault *vmf, bool *major);

/* The page at index of inode if it is cached (a shmem page on swap is read
 * back), with a reference for the caller; NULL for a hole (Linux:
 * shmem_get_folio with SGP_READ). */
struct page *filemap_find_page(struct kernel *k, struct inode *inode, uint64_t index, bool *major);

/* Take a clean, unmapped page out of its file's page cache (Linux:
 * __filemap_remove_folio, from __remove_mapping); the shadow entry is not
 * kept for files here. True when it was removed. */
bool filemap_remove_folio(struct kernel *k, struct page *page, uint32_t shadow);

/* Map the pages [start_pgoff, end_pgoff] of the fault's file that are
 * cached and up to date, where their entries (in the fault's page table) are
 * empty, each narrated (Linux: filemap_map_pages). True when that mapped the
 * faulting page too. */
bool filemap_map_pages(struct vm_fault *vmf, uint64_t start_pgoff, uint64_t end_pgoff);

/* The inode a page-cache page belongs to, or NULL. */
struct inode *page_inode(struct kernel *k, const struct page *page);

/* ---- shmem and swap (kernel/shmem.c) ---------------------------------------- */

/* Move a dirty, unmapped shmem page to swap: a slot, the swap cache, its
 * place in the page cache taken by the swap entry, then the write (Linux:
 * shmem_writeout). 0, or -ENOMEM when no slot is free (it stays). */
int shmem_writeout(struct kernel *k, struct page *page);

/* The page of index of shmem inode, whose page-cache slot holds entry:
 * from the swap cache or read from the device (*major), back in the page
 * cache and dirty, its slot freed (Linux: shmem_swapin_folio). NULL
 * without memory. */
struct page *shmem_swapin_folio(struct kernel *k, struct inode *inode, uint64_t index, swp_entry_t entry,
				bool *major);

/* Bring every page of inode on swap device type back (Linux: shmem_unuse
 * for one inode). 0 or -ENOMEM. */
int shmem_unuse_file(struct kernel *k, struct inode *inode, unsigned type);

/* Has inode a page on swap device type? */
bool shmem_has_swap_of(const struct inode *inode, unsigned type);

/* Pages of inode in [start, end) that are on swap (Linux:
 * shmem_partial_swap_usage). */
uint64_t shmem_partial_swap_usage(const struct inode *inode, uint64_t start, uint64_t end);

/* Drop pages [index, index + n) from inode's page cache (Linux:
 * shmem_truncate_range, as shmem_fallocate punches a hole for MADV_REMOVE);
 * mapped pages must have been unmapped. */
void shmem_truncate_range(struct kernel *k, struct inode *inode, uint64_t index, uint64_t n);

/* Charge (or uncharge) one page of a tmpfs file created by open or
 * memfd_create to Committed_AS, as Linux's shmem_acct_blocks does for
 * VM_NORESERVE inodes; nothing for other inodes. */
void shmem_acct_page(struct kernel *k, struct inode *inode);
void shmem_unacct_page(struct kernel *k, struct inode *inode);

/* ---- descriptors (kernel/fdtable.c; Linux: fs/file.c) ------------------------- */

/* A new descriptor table with 0, 1 and 2 open on /dev/null (what a process
 * started by a shell with its output discarded has). NULL on ENOMEM. */
struct files_struct *files_init(struct kernel *k);

/* A copy of old for a child of fork: the same files, each with one more
 * reference (Linux: dup_fd). NULL on ENOMEM. */
struct files_struct *dup_fd(struct kernel *k, struct files_struct *old);

/* Drop a task's use of files; the last closes every descriptor (Linux:
 * put_files_struct, from exit_files). */
void put_files_struct(struct kernel *k, struct files_struct *files);

/* The file open as fd in files, or NULL (Linux: fget, without taking a
 * reference: the simulator runs one call at a time). */
struct file *fget(struct files_struct *files, int fd);

/* Install file (the table takes the caller's reference) at the lowest free
 * descriptor of t, close-on-exec with O_CLOEXEC in flags (Linux:
 * get_unused_fd_flags and fd_install). The descriptor, or -EMFILE past
 * RLIMIT_NOFILE, -ENOMEM; on failure the file's reference is dropped. */
int fd_install_lowest(struct kernel *k, struct task_struct *t, struct file *file, unsigned flags);

/* Number of open descriptors of files (for /proc/PID/status-like views). */
unsigned files_count(const struct files_struct *files);

/* ---- system calls (kernel/open.c, read_write.c, namei.c, memfd.c) ------------ */

/*
 * open(path, flags, mode) for task t (Linux: do_sys_open, path_openat on
 * the mounts above). path is absolute: "/dev/shm/NAME", "/tmp/NAME",
 * "/NAME" (the disk), "/usr/bin/PROGRAM" (a program's file, made by its
 * first spawn) or "/dev/null". O_CREAT creates a regular file of mode & ~022 (the umask);
 * O_EXCL with O_CREAT fails on an existing name; O_TRUNC empties a regular
 * file (write permission is the owner's: root's here, so always); the
 * access mode sets f_mode ((flags + 1) & O_ACCMODE: 3 gives neither read
 * nor write). Returns the lowest free descriptor, or:
 *   -ENOENT       no such name (without O_CREAT), an empty path, a path
 *                 outside the mounts, or through a directory that does
 *                 not exist
 *   -EEXIST       O_CREAT | O_EXCL on an existing name
 *   -EISDIR       a mount point opened for writing or with O_CREAT (read-only,
 *                 it opens as a directory: pread gives -EISDIR, mmap -ENODEV);
 *                 O_CREAT on a name with a trailing slash ("f/")
 *   -ENOTDIR      O_DIRECTORY or a trailing slash on a regular file or device
 *   -ENAMETOOLONG a component over NAME_MAX (255) or a path over PATH_MAX
 *   -EINVAL       O_TMPFILE without a write access mode
 *   -EOPNOTSUPP   O_TMPFILE (no directory inodes yet; see fidelity.md)
 *   -EMFILE       RLIMIT_NOFILE (1024) descriptors open
 *   -ENOMEM       no memory for the inode or the file
 */
int do_sys_open(struct kernel *k, struct task_struct *t, const char *path, unsigned flags, unsigned mode);

/* close(fd) for t (Linux: close_fd): 0, or -EBADF for a descriptor not open. */
int close_fd(struct kernel *k, struct task_struct *t, int fd);

/* dup(fd) for t (Linux: ksys_dup): the lowest free descriptor on the same
 * file (without O_CLOEXEC), or -EBADF, -EMFILE. */
int ksys_dup(struct kernel *k, struct task_struct *t, int fd);

/*
 * pread64(fd, buf, count, pos) for t (Linux: ksys_pread64 and
 * shmem_file_read_iter): copies up to count bytes of the file from pos into
 * buf (host memory: the simulator's caller's buffer, not the process's).
 * Holes read as zeros without allocating; a page on swap is read back; each
 * page read is marked accessed. Returns the bytes read (0 at or past the end
 * of the file), or -EBADF (fd not open, or not open for reading), -EINVAL
 * (pos negative), -EISDIR (a directory), -ESPIPE never (no pipes).
 * /dev/null reads 0 bytes.
 */
int64_t ksys_pread64(struct kernel *k, struct task_struct *t, int fd, void *buf, uint64_t count, int64_t pos);

/*
 * pwrite64(fd, buf, count, pos) for t (Linux: ksys_pwrite64 and
 * generic_perform_write into shmem): writes count bytes from buf at pos (at
 * the end of the file when it was opened with O_APPEND, as Linux does),
 * allocating pages for holes, marking each page dirty and accessed, and
 * growing the file. Returns the bytes written, or -EBADF (not open for
 * writing), -EINVAL (pos negative), -EFBIG (pos + count past the largest
 * file size, 2^63 - 1), -ENOMEM (no page could be allocated: a partial
 * write returns what was written). /dev/null takes every byte.
 */
int64_t ksys_pwrite64(struct kernel *k, struct task_struct *t, int fd, const void *buf, uint64_t count,
		      int64_t pos);

/*
 * ftruncate(fd, length) for t (Linux: do_sys_ftruncate, do_ftruncate,
 * shmem_setattr). 0, or -EINVAL (length negative; fd not open for writing;
 * not a regular file), -EBADF (fd not open), -EFBIG (never: tmpfs files
 * may be 2^63 - 1 bytes). See shmem_setsize for what shrinking does.
 */
int do_sys_ftruncate(struct kernel *k, struct task_struct *t, int fd, int64_t length);

/* unlink(path) for t (Linux: do_unlinkat): the name goes; the inode lives
 * on while files reference it, and mappings print its path with
 * " (deleted)". 0, or -ENOENT, -ENAMETOOLONG as open; -EISDIR for a mount
 * point; -ENOTDIR for a trailing slash on a file; -EPERM for /dev/null (devtmpfs is not modelled as writable). */
int do_unlinkat(struct kernel *k, struct task_struct *t, const char *path);

/* A regular file at path (mode 0644) made by the machine itself, not by a
 * process (mmsim's m:file): with data, its len bytes (a disk file's are on
 * the device and clean in the page cache, as after a synced write; a tmpfs
 * file's in its page cache), without, len bytes of holes (truncate -s). 0, or
 * -ENOENT, -ENAMETOOLONG as open; -EEXIST (the name exists); -EISDIR (a mount
 * point, or a trailing slash); -EPERM (devtmpfs); -ENOSPC (the disk is
 * full); -ENOMEM. */
int vfs_make_file(struct kernel *k, const char *path, const void *data, uint64_t len);

/* Mount a new, empty tmpfs at the absolute path at (Linux: mount -t tmpfs
 * none AT), with the next anonymous device number (00:1b after /tmp's
 * 00:1a). 0, or -EINVAL (not absolute, "/", a trailing slash or "//"),
 * -ENAMETOOLONG, -EBUSY (already a mount point), -ENOTDIR (a file has that
 * name), -ENOSPC (no room in the mount table). Directories do not exist, so
 * any other path may be a mount point. */
int vfs_mount_tmpfs(struct kernel *k, const char *at);

/* fstat(fd, st) for t (Linux: vfs_fstat): 0 or -EBADF. blocks counts the
 * pages held (cached or on swap) in 512-byte units, as tmpfs. */
int vfs_fstat(struct kernel *k, struct task_struct *t, int fd, struct kstat *st);

/*
 * memfd_create(name, flags) for t (Linux: mm/memfd.c): a new unlinked
 * tmpfs file "/memfd:NAME (deleted)" on shm_mnt, open read-write
 * (O_LARGEFILE), the lowest free descriptor; with MFD_HUGETLB a hugetlbfs
 * file of that name instead, of 2 MiB pages, or of the size whose log2
 * is in bits 26-31 (MFD_HUGE_2MB, MFD_HUGE_1GB), reserving nothing
 * (VM_NORESERVE). -EFAULT for a NULL name; -EINVAL for an unknown flag
 * (size bits without MFD_HUGETLB), MFD_EXEC with MFD_NOEXEC_SEAL, a name
 * over 249 bytes; -ENODEV for a huge page size with no pool; -EMFILE,
 * -ENOMEM.
 */
int sys_memfd_create(struct kernel *k, struct task_struct *t, const char *name, unsigned flags);

/* ---- the disk filesystem (kernel/ext4.c; Linux: fs/ext4, block/, fs/mpage.c) ---- */

/* Make the block device of cfg (size, cost, read_ahead_kb: see kernel.h's
 * kernel_config) and the ext4-like filesystem on it (mkfs: a superblock in
 * block 0, the block bitmap, inodes numbered from 12 as ext4's first
 * non-reserved ones), mounted at "/" as 08:01. Its memory is the host's
 * (the medium is sparse): boot's simulated memory does not change. 0 or
 * -ENOMEM. */
struct kernel_config;
int ext4_fill_super(struct kernel *k, const struct kernel_config *cfg);

/* Free the device and the block maps of the files left (kernel_destroy). */
void ext4_kill_sb(struct kernel *k);

/* A new regular file of the disk filesystem named path (nlink 1), empty. */
struct inode *ext4_new_inode(struct kernel *k, struct super_block *sb, const char *path, uint32_t mode);

/* Read pages[0..nr) (new page-cache pages, locked in effect: not uptodate)
 * of inode at indices first.. from the device: a request for each run of
 * consecutive blocks (a hole or a page without a block reads as zeros
 * without one), each charged to the CPU; pgpgin counts the KiB. Every page
 * ends uptodate. Returns the number of requests made (Linux:
 * ext4_mpage_readpages, submit_bio). */
unsigned ext4_read_folios(struct kernel *k, struct inode *inode, struct page **pages, uint64_t first, unsigned nr);

/* Write the dirty pages of inode in [first, last] to the device (Linux:
 * ext4_writepages): each gets a block if it has none (delayed allocation
 * ends here), is write-protected in every mapping (folio_mkclean) and made
 * clean; consecutive blocks go in one request. wbc_sync (WB_SYNC_ALL) only
 * matters for the narration. The pages written, or -ENOSPC when the device
 * is full (the pages left stay dirty). */
int64_t ext4_writepages(struct kernel *k, struct inode *inode, uint64_t first, uint64_t last, bool wbc_sync);

/* A regular file of the disk filesystem named path, inode number ino and
 * mode mode, of size bytes whose first data_len are data, on the device as
 * a writer leaves it once synced: every page has a block holding its
 * bytes (zeros past data_len) and a clean copy in the page cache (unless
 * memory is short: then its first reader reads the device); no I/O is
 * charged. NULL when the device has too few free blocks or no memory is
 * left. */
struct inode *ext4_install_file(struct kernel *k, const char *path, uint64_t ino, uint32_t mode,
				const uint8_t *data, uint64_t data_len, uint64_t size);

/* Free the blocks of inode's pages [index, index + n) (a hole punched:
 * those pages read as zeros from then on). */
void ext4_punch_blocks(struct kernel *k, struct inode *inode, uint64_t index, uint64_t n);

/* Free the blocks of inode's pages from index on (truncate, evict). */
void ext4_truncate_blocks(struct kernel *k, struct inode *inode, uint64_t index);

/* ---- readahead (kernel/readahead.c; Linux: mm/readahead.c) ------------------- */

/* A file's readahead state at open: the device's ra_pages (Linux:
 * file_ra_state_init). */
void file_ra_state_init(struct file_ra_state *ra, const struct inode *inode);

/* Read nr pages from index of file's inode (clamped to its end) that are
 * not cached yet, the page at index + nr - lookahead marked PG_readahead
 * (Linux: page_cache_ra_unbounded, via do_page_cache_ra). The pages read. */
unsigned do_page_cache_ra(struct kernel *k, struct inode *inode, uint64_t index, uint64_t nr, uint64_t lookahead);

/* Synchronous readahead for a read of req_count pages at index that
 * missed the cache: the initial window, or a window from the context of
 * cached pages before it; FMODE_RANDOM reads just what was asked (Linux:
 * page_cache_sync_ra). */
void page_cache_sync_ra(struct kernel *k, struct file *file, uint64_t index, uint64_t req_count);

/* Asynchronous readahead when a read reaches page, marked PG_readahead:
 * the next window, larger (Linux: page_cache_async_ra). */
void page_cache_async_ra(struct kernel *k, struct file *file, struct page *page, uint64_t req_count);

/* Read [index, index + nr) in windows of ra_pages regardless of the state
 * (Linux: force_page_cache_ra, for MADV_WILLNEED and POSIX_FADV_WILLNEED). */
void force_page_cache_ra(struct kernel *k, struct file *file, uint64_t index, uint64_t nr);

/* ---- dirty pages and writeback (kernel/page_writeback.c) ----------------------- */

/* Mark a page-cache page dirty; a disk file's page is counted in
 * NR_FILE_DIRTY (tmpfs pages are not: shmem does no writeback) (Linux:
 * folio_mark_dirty, folio_account_dirtied). True when it was clean. */
bool folio_mark_dirty(struct kernel *k, struct page *page);

/* Before writing a dirty disk page: write-protect and clean its PTEs in
 * every mapping (folio_mkclean), so that the next write through one faults
 * and dirties it again, and clear PG_dirty with its count (Linux:
 * folio_clear_dirty_for_io). True when it was dirty. */
bool folio_clear_dirty_for_io(struct kernel *k, struct page *page);

/* Drop a page's dirty state without writing it, as truncation does
 * (Linux: folio_cancel_dirty). */
void folio_cancel_dirty(struct kernel *k, struct page *page);

/* The simulated clock in ns: the cost model's cycles of the busiest CPU at
 * 3 GHz, plus the time the machine slept (m:sleep) (Linux: ktime_get). */
uint64_t ktime_get_ns(const struct kernel *k);

/* The background and the throttling thresholds in pages:
 * dirty_background_ratio and dirty_ratio of the dirtyable memory, free
 * pages plus file LRU pages (Linux: global_dirty_limits,
 * global_dirtyable_memory). */
void global_dirty_limits(const struct kernel *k, uint64_t *pbackground, uint64_t *pdirty);

/* The flusher's work (Linux: wb_workfn, wb_do_writeback): everything on
 * WB_REASON_ALL; the oldest inodes while the dirty pages are over the
 * background threshold; every dirty_writeback_centisecs, the inodes
 * dirtied more than dirty_expire_centisecs ago (wb_check_old_data_flush).
 * It runs when due at the return of a system call, after m:sleep, and in
 * a throttled writer. */
void wb_workfn(struct kernel *k);

/* Is there flusher work due now? */
bool wb_due(const struct kernel *k);

/* Ask the flusher to run (Linux: wakeup_flusher_threads). */
void wakeup_flusher_threads(struct kernel *k, unsigned reason);

/* After a task dirtied pages (Linux: balance_dirty_pages_ratelimited):
 * over the background threshold the flusher is woken; over the midpoint
 * of it and the dirty threshold (the freerun ceiling) the writer waits
 * while the flusher writes. */
void balance_dirty_pages_ratelimited(struct kernel *k);

/* Take an inode being freed off the flusher's list. */
void inode_wb_list_del(struct kernel *k, struct inode *inode);

/*
 * fsync(fd) and fdatasync(fd) for t (Linux: do_fsync, vfs_fsync_range,
 * ext4_sync_file): the file's dirty pages are written to its device and
 * waited for. 0, or -EBADF (fd not open), -EINVAL (a file that cannot be
 * synced: /dev/null... Linux: no fsync method; tmpfs and directories
 * succeed doing nothing), -ENOSPC (the device is full).
 */
int do_fsync(struct kernel *k, struct task_struct *t, int fd, bool datasync);

/*
 * posix_fadvise(fd, offset, len, advice) for t (Linux: ksys_fadvise64_64,
 * generic_fadvise): NORMAL (0) restores the readahead window, RANDOM (1)
 * turns readahead off, SEQUENTIAL (2) doubles the window, WILLNEED (3)
 * reads the range ahead (disk files), DONTNEED (4) starts writeback of the
 * range's dirty pages and drops its clean, unmapped pages from the cache,
 * NOREUSE (5) does nothing. len 0 means to the end of the file. 0, or
 * -EBADF, -EINVAL (an unknown advice, len negative), -ESPIPE never.
 */
int ksys_fadvise64_64(struct kernel *k, struct task_struct *t, int fd, int64_t offset, int64_t len, int advice);

#endif
