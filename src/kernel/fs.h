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

#include "kernel/mm_types.h"

struct kernel;
struct page;
struct task_struct;
struct vm_fault;

enum file_kind { FILE_IMAGE, FILE_SHMEM, FILE_HUGETLB, FILE_CHR, FILE_DIR };

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

/* memfd_create flags. */
#define MFD_CLOEXEC       0x0001u
#define MFD_ALLOW_SEALING 0x0002u
#define MFD_HUGETLB       0x0004u
#define MFD_NOEXEC_SEAL   0x0008u
#define MFD_EXEC          0x0010u

#define NAME_MAX  255
#define PATH_MAX  4096
#define NR_OPEN_DEFAULT 64       /* descriptors of a new table; it grows */
#define RLIMIT_NOFILE_CUR 1024   /* the soft limit every process has here */
#define MAX_SUPER_BLOCKS 8

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
	struct address_space i_data;      /* its page cache (i_mapping is always &i_data) */
};

struct file {
	int f_count;
	unsigned f_mode;                  /* FMODE_READ | FMODE_WRITE */
	unsigned f_flags;                 /* the O_ flags it was opened with (O_APPEND counts) */
	struct inode *f_inode;
	struct address_space *f_mapping;  /* == &f_inode->i_data */
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
 * the mounts above). path is absolute: "/dev/shm/NAME", "/tmp/NAME" or
 * "/dev/null". O_CREAT creates a regular file of mode & ~022 (the umask);
 * O_EXCL with O_CREAT fails on an existing name; O_TRUNC empties a regular
 * file (write permission is the owner's: root's here, so always); the
 * access mode sets f_mode ((flags + 1) & O_ACCMODE: 3 gives neither read
 * nor write). Returns the lowest free descriptor, or:
 *   -ENOENT       no such name (without O_CREAT), an empty path, a path
 *                 outside the mounts, or through a directory that does
 *                 not exist
 *   -EEXIST       O_CREAT | O_EXCL on an existing name
 *   -EISDIR       a mount point opened for writing or with O_CREAT (read-only,
 *                 it opens as a directory: pread gives -EISDIR, mmap -ENODEV)
 *   -ENOTDIR      O_DIRECTORY on a regular file or device
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
 * point; -EPERM for /dev/null (devtmpfs is not modelled as writable). */
int do_unlinkat(struct kernel *k, struct task_struct *t, const char *path);

/* fstat(fd, st) for t (Linux: vfs_fstat): 0 or -EBADF. blocks counts the
 * pages held (cached or on swap) in 512-byte units, as tmpfs. */
int vfs_fstat(struct kernel *k, struct task_struct *t, int fd, struct kstat *st);

/*
 * memfd_create(name, flags) for t (Linux: mm/memfd.c): a new unlinked
 * tmpfs file "/memfd:NAME (deleted)" on shm_mnt, open read-write
 * (O_LARGEFILE), the lowest free descriptor. -EFAULT for a NULL name;
 * -EINVAL for an unknown flag, MFD_EXEC with MFD_NOEXEC_SEAL, a name over
 * 249 bytes, or MFD_HUGETLB (not modelled yet; Linux creates a hugetlbfs
 * file); -EMFILE, -ENOMEM.
 */
int sys_memfd_create(struct kernel *k, struct task_struct *t, const char *name, unsigned flags);

#endif
