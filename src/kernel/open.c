/*
 * kernel/open.c — the file system calls on tmpfs (Linux: fs/open.c's
 * do_sys_open and do_sys_ftruncate, fs/namei.c's path_openat and
 * do_unlinkat, fs/stat.c's vfs_fstat, fs/read_write.c's ksys_pread64 and
 * ksys_pwrite64 with mm/shmem.c's read and write paths, mm/memfd.c). See
 * fs.h for each call's contract.
 *
 * Names: the mounts are flat directories, so a path is a mount point (the
 * longest that prefixes it) and one name in it; the programs' files that
 * the kernel installs on "/" are named usr/bin/NAME there (fs.h).
 */
#include "kernel/kaccess.h"
#include "kernel/fs.h"

#include "kernel/hugetlb.h"
#include "kernel/kernel.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/radix_tree.h"
#include "kernel/sched.h"
#include "kernel/slab.h"
#include "kernel/swap.h"
#include "kernel/trace.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MAX_LFS_FILESIZE INT64_MAX
#define MAX_RW_COUNT     (0x7fffffffULL & PAGE_MASK)
#define UMASK            022

/* The length of sb's mount point as a prefix of its files' paths ("/"
 * adds nothing: "/f", not "//f"). */
static size_t mnt_len(const struct super_block *sb)
{
	return strcmp(sb->mnt_point, "/") ? strlen(sb->mnt_point) : 0;
}

/* The named inode of sb whose name (after the mount point) is name[0..n). */
static struct inode *lookup_name(struct super_block *sb, const char *name, size_t n)
{
	size_t m = mnt_len(sb);
	for (struct inode *i = sb->s_files; i; i = i->i_sb_next)
		if (!strncmp(i->i_name + m + 1, name, n) && !i->i_name[m + 1 + n])
			return i;
	return NULL;
}

/* The length of name without its trailing slashes. */
static size_t name_len(const char *name)
{
	size_t n = strlen(name);
	while (n && name[n - 1] == '/')
		n--;
	return n;
}

/* Where path points: its mount and the name in it ("" for the mount point
 * itself). 0, or -ENOENT (empty, outside every mount, or through a
 * directory that does not exist), -ENAMETOOLONG (Linux: getname and
 * link_path_walk). */
static int path_lookup(struct kernel *k, const char *path, struct super_block **sbp, const char **name)
{
	size_t len = strnlen(path, PATH_MAX);
	if (len == PATH_MAX)
		return -ENAMETOOLONG;
	for (const char *c = path; *c;) {          /* every component within NAME_MAX */
		size_t n = strcspn(c, "/");
		if (n > NAME_MAX)
			return -ENAMETOOLONG;
		c += n + (c[n] == '/');
	}
	if (!len || path[0] != '/')
		return -ENOENT;                    /* the cwd is "/", which has no files */
	struct super_block *best = NULL;
	size_t best_len = 0;
	for (int i = 0; i < k->nr_super_blocks; i++) {
		struct super_block *sb = &k->super_blocks[i];
		size_t m = strlen(sb->mnt_point);
		if (m && m > best_len && !strncmp(path, sb->mnt_point, m) &&
		    (path[m] == '/' || !path[m] || sb->mnt_point[m - 1] == '/')) {
			best = sb;
			best_len = m;
		}
	}
	if (!best)
		return -ENOENT;
	const char *rest = path + best_len;
	while (*rest == '/')
		rest++;
	size_t n = name_len(rest);
	if (strcspn(rest, "/") < n && !lookup_name(best, rest, n))
		return -ENOENT;      /* "a/b": a would have to be a directory (only the kernel's
					program files, /usr/bin/NAME on "/", have such names) */
	*sbp = best;
	*name = rest;
	return 0;
}

/* path_lookup, and the length of the name without trailing slashes in *n. */
static int path_name(struct kernel *k, const char *path, struct super_block **sbp, const char **name, size_t *n)
{
	int err = path_lookup(k, path, sbp, name);
	*n = err ? 0 : name_len(*name);
	return err;
}

/* The path maps prints for name in sb. */
static void full_name(const struct super_block *sb, const char *name, size_t n, char *buf, size_t size)
{
	snprintf(buf, size, "%.*s/%.*s", (int)mnt_len(sb), sb->mnt_point, (int)n, name);
}

/* Is there a free descriptor in t's table below RLIMIT_NOFILE? */
static bool fd_available(const struct task_struct *t)
{
	for (unsigned fd = 0; fd < RLIMIT_NOFILE_CUR; fd++)
		if (fd >= t->files->max_fds || !t->files->fd[fd])
			return true;
	return false;
}

/* A new regular tmpfs inode on sb, named (nlink 1) or not, charged a page
 * at a time (Linux: shmem_get_inode with VM_NORESERVE). */
static struct inode *shmem_new_file(struct kernel *k, struct super_block *sb, const char *path, unsigned nlink,
				    uint32_t mode)
{
	struct inode *inode = new_inode(k, sb, FILE_SHMEM, path, nlink, S_IFREG | mode, 0, NULL, 0);
	if (inode)
		inode->noreserve = true;
	return inode;
}

/* See fs.h. */
int do_sys_open(struct kernel *k, struct task_struct *t, const char *path, unsigned flags, unsigned mode)
{
	unsigned acc = flags & O_ACCMODE;
	if ((flags & O_TMPFILE) == O_TMPFILE && acc != O_WRONLY && acc != O_RDWR)
		return -EINVAL;                                   /* build_open_flags */
	flags |= O_LARGEFILE;                                     /* force_o_largefile */
	struct super_block *sb;
	const char *name;
	int err = path_lookup(k, path, &sb, &name);
	if (!err && !fd_available(t))                             /* get_unused_fd_flags first */
		err = -EMFILE;
	if (err)
		return err;
	size_t n = name_len(name);
	bool is_dir = n == 0, slash = !is_dir && name[n] == '/';   /* "f/": f must be a directory */
	unsigned fmode = (flags + 1) & O_ACCMODE;                 /* OPEN_FMODE */
	struct inode *inode = is_dir ? NULL : lookup_name(sb, name, n);
	char buf[PATH_MAX + 64];

	if ((flags & O_TMPFILE) == O_TMPFILE) {
		if (!is_dir)
			return inode ? -ENOTDIR : -ENOENT;
		if (strcmp(sb->s_type, "tmpfs"))
			return -EOPNOTSUPP;
		snprintf(buf, sizeof buf, "%.*s/#%llu (deleted)", (int)mnt_len(sb), sb->mnt_point,
			 (unsigned long long)sb->next_ino);
		inode = shmem_new_file(k, sb, buf, 0, mode & 07777 & ~UMASK);
	} else if (is_dir) {
		if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
			return -EEXIST;
		if ((flags & O_CREAT) || acc != O_RDONLY)
			return -EISDIR;
		if (!(inode = sb_root(k, sb)))
			return -ENOMEM;
	} else if (slash && (flags & O_CREAT)) {
		return -EISDIR;                                   /* open_last_lookups */
	} else if (!inode) {
		if (!(flags & O_CREAT))
			return -ENOENT;
		full_name(sb, name, n, buf, sizeof buf);
		if (sb->s_bdev)
			inode = ext4_new_inode(k, sb, buf, mode & 07777 & ~UMASK);
		else
			inode = shmem_new_file(k, sb, buf, 1, mode & 07777 & ~UMASK);
		trace_kernel(k, t->cpu, "create %s: inode %llu on %02x:%02x", buf,
			     inode ? (unsigned long long)inode->i_ino : 0ULL, sb->major, sb->minor);
	} else {
		if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
			return -EEXIST;
		if ((flags & O_DIRECTORY) || slash)
			return -ENOTDIR;
		if ((flags & O_TRUNC) && S_ISREG_MODE(inode->i_mode))
			shmem_setsize(k, inode, 0);
	}
	if (!inode)
		return -ENOMEM;
	struct file *file = alloc_file(k, inode, fmode, flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC));
	if (file)
		file_ra_state_init(&file->f_ra, inode);      /* do_dentry_open */
	return file ? fd_install_lowest(k, t, file, flags) : -ENOMEM;
}

/* See fs.h. */
int do_sys_ftruncate(struct kernel *k, struct task_struct *t, int fd, int64_t length)
{
	if (length < 0)
		return -EINVAL;
	struct file *file = fget(t->files, fd);
	if (!file)
		return -EBADF;
	struct inode *inode = file_inode(file);
	if (inode->kind == FILE_HUGETLB && S_ISREG_MODE(inode->i_mode) && (file->f_mode & FMODE_WRITE)) {
		if ((uint64_t)length & ((1ULL << inode->huge_shift) - 1))
			return -EINVAL;                /* hugetlbfs_setattr: whole huge pages */
		trace_kernel(k, t->cpu, "%s: size %llu -> %lld", inode->i_name, (unsigned long long)inode->i_size,
			     (long long)length);
		hugetlb_vmtruncate(k, inode, (uint64_t)length);
		return 0;
	}
	if (!S_ISREG_MODE(inode->i_mode) || !(file->f_mode & FMODE_WRITE) ||
	    (inode->kind != FILE_SHMEM && inode->kind != FILE_EXT4))
		return -EINVAL;
	trace_kernel(k, t->cpu, "%s: size %llu -> %lld", inode->i_name, (unsigned long long)inode->i_size,
		     (long long)length);
	shmem_setsize(k, inode, (uint64_t)length);
	return 0;
}

/* Take inode's name out of sb (its last link: i_nlink 0). */
static void drop_link(struct super_block *sb, struct inode *inode)
{
	for (struct inode **p = &sb->s_files; *p; p = &(*p)->i_sb_next)
		if (*p == inode) {
			*p = inode->i_sb_next;
			break;
		}
	inode->i_sb_next = NULL;
	inode->i_nlink = 0;
}

/* See fs.h. */
int do_unlinkat(struct kernel *k, struct task_struct *t, const char *path)
{
	struct super_block *sb;
	const char *name;
	size_t n;
	int err = path_name(k, path, &sb, &name, &n);
	if (err)
		return err;
	if (!n)
		return -EISDIR;
	struct inode *inode = lookup_name(sb, name, n);
	if (!inode)
		return -ENOENT;
	if (name[n] == '/')
		return -ENOTDIR;
	if (!S_ISREG_MODE(inode->i_mode))
		return -EPERM;
	drop_link(sb, inode);
	char *deleted = kmalloc(k, strlen(inode->i_name) + sizeof " (deleted)", GFP_KERNEL);
	if (deleted) {                     /* d_path's suffix, kept with the name */
		strcpy(deleted, inode->i_name);
		strcat(deleted, " (deleted)");
		kfree(k, inode->i_name);
		inode->i_name = deleted;
	}
	trace_kernel(k, t->cpu, "unlink %s: %d references keep inode %llu", inode->i_name, inode->i_count,
		     (unsigned long long)inode->i_ino);
	inode->i_count++;              /* iput frees it now when nothing else holds it */
	iput(k, inode);
	return 0;
}

/* See fs.h. */
int vfs_fstat(struct kernel *k, struct task_struct *t, int fd, struct kstat *st)
{
	(void)k;
	struct file *file = fget(t->files, fd);
	if (!file)
		return -EBADF;
	const struct inode *inode = file_inode(file);
	memset(st, 0, sizeof *st);
	st->dev_major = inode->i_sb->major;
	st->dev_minor = inode->i_sb->minor;
	st->ino = inode->i_ino;
	st->mode = inode->i_mode;
	st->nlink = inode->i_nlink;
	st->size = inode->i_size;
	if (inode->kind == FILE_DIR && !strcmp(inode->i_sb->s_type, "tmpfs")) {
		unsigned n = 2;                          /* tmpfs: BOGO_DIRENT_SIZE a name, "." and ".." */
		for (const struct inode *i = inode->i_sb->s_files; i; i = i->i_sb_next)
			n++;
		st->size = 20ULL * n;
	}
	st->blocks = (inode->i_data.nrpages + inode->swapped) * (PAGE_SIZE / 512);
	st->blksize = PAGE_SIZE;
	if (inode->kind == FILE_CHR) {
		st->rdev_major = 1;                      /* /dev/null is 1:3 */
		st->rdev_minor = 3;
	}
	return 0;
}

/* The checks pread64 and pwrite64 share (Linux: ksys_pread64 or
 * ksys_pwrite64, vfs_read or vfs_write, rw_verify_area): the file, or NULL
 * with *err set. */
static struct file *rw_file(struct task_struct *t, int fd, uint64_t *count, int64_t pos, unsigned need, int *err)
{
	*err = pos < 0 ? -EINVAL : 0;
	struct file *file = *err ? NULL : fget(t->files, fd);
	if (!*err && (!file || !(file->f_mode & need)))
		*err = -EBADF;
	else if (!*err && ((int64_t)*count < 0 || (int64_t)((uint64_t)pos + *count) < 0))
		*err = -EINVAL;
	if (*count > MAX_RW_COUNT)
		*count = MAX_RW_COUNT;
	return *err ? NULL : file;
}

/* The page at index of a disk file for a read() that ends before page
 * last_index, with a reference: cached (reaching the PG_readahead page
 * starts the next window), else read with synchronous readahead (Linux:
 * filemap_get_pages with page_cache_sync_ra and filemap_readahead). NULL
 * without memory. */
static struct page *filemap_get_pages(struct kernel *k, struct file *file, uint64_t index, uint64_t last_index)
{
	struct inode *inode = file_inode(file);
	struct page *page = radix_tree_lookup(&inode->i_data.i_pages, index);
	if (!page) {
		page_cache_sync_ra(k, file, index, last_index - index);
		page = radix_tree_lookup(&inode->i_data.i_pages, index);
	}
	if (page && page_test(page, PG_readahead))
		page_cache_async_ra(k, file, page, last_index - index);
	return filemap_get_page(k, inode, index, NULL);
}

/* See fs.h. */
int64_t ksys_pread64(struct kernel *k, struct task_struct *t, int fd, void *buf, uint64_t count, int64_t pos)
{
	int err;
	struct file *file = rw_file(t, fd, &count, pos, FMODE_READ, &err);
	if (!file)
		return err;
	struct inode *inode = file_inode(file);
	if (inode->kind == FILE_DIR)
		return -EISDIR;                                   /* generic_read_dir */
	if (inode->kind == FILE_CHR || (uint64_t)pos >= inode->i_size)
		return 0;
	if (count > inode->i_size - (uint64_t)pos)
		count = inode->i_size - (uint64_t)pos;
	uint64_t done = 0;
	while (done < count) {
		uint64_t off = (uint64_t)pos + done, in = off & ~PAGE_MASK;
		uint64_t n = PAGE_SIZE - in < count - done ? PAGE_SIZE - in : count - done;
		bool major = false;
		if (inode->kind == FILE_HUGETLB) {             /* hugetlbfs_read_iter */
			uint64_t sz = 1ULL << inode->huge_shift;
			struct page *head = radix_tree_lookup(&inode->i_data.i_pages, off >> inode->huge_shift);
			n = sz - (off & (sz - 1)) < count - done ? sz - (off & (sz - 1)) : count - done;
			if (head)
				memcpy((uint8_t *)buf + done, (uint8_t *)page_address(k, head) + (off & (sz - 1)), n);
			else
				memset((uint8_t *)buf + done, 0, n);
			done += n;
			continue;
		}
		struct page *page = inode->kind == FILE_EXT4
			? filemap_get_pages(k, file, off >> PAGE_SHIFT, PFN_UP((uint64_t)pos + count))
			: filemap_find_page(k, inode, off >> PAGE_SHIFT, &major);
		if (page) {
			memcpy((uint8_t *)buf + done, (uint8_t *)page_address(k, page) + in, n);
			kmem_ref(k, (uint8_t *)page_address(k, page) + in, n, false, "filemap_read");
			folio_mark_accessed(k, page);
			put_page(k, page);
		} else {
			memset((uint8_t *)buf + done, 0, n);          /* a hole reads the zero page */
		}
		if (major)
			t->maj_flt++;
		done += n;
	}
	file->f_ra.prev_pos = (int64_t)((uint64_t)pos + done);      /* filemap_read */
	trace_kernel(k, t->cpu, "read %llu bytes of %s at %lld from the page cache", (unsigned long long)done,
		     inode->i_name, (long long)pos);
	return (int64_t)done;
}

/* Copy count bytes of buf into inode's page cache at pos, a page at a time,
 * each page dirtied and accessed, the file growing (Linux:
 * generic_perform_write with shmem's or ext4's write_begin/write_end). The
 * bytes copied: fewer when a page cannot be allocated. */
static uint64_t generic_perform_write(struct kernel *k, struct inode *inode, const void *buf, uint64_t count,
				      uint64_t pos)
{
	uint64_t done = 0;
	while (done < count) {
		uint64_t off = pos + done, in = off & ~PAGE_MASK;
		uint64_t n = PAGE_SIZE - in < count - done ? PAGE_SIZE - in : count - done;
		struct page *page = filemap_get_page(k, inode, off >> PAGE_SHIFT, NULL);   /* shmem_write_begin */
		if (!page)
			break;
		memcpy((uint8_t *)page_address(k, page) + in, (const uint8_t *)buf + done, n);
		kmem_ref(k, (uint8_t *)page_address(k, page) + in, n, true, "generic_perform_write");
		folio_mark_dirty(k, page);                  /* shmem_write_end, block_write_end */
		folio_mark_accessed(k, page);
		put_page(k, page);
		if (inode->kind == FILE_EXT4)
			balance_dirty_pages_ratelimited(k);  /* generic_perform_write, a folio at a time */
		done += n;
		if (off + n > inode->i_size)
			inode->i_size = off + n;
	}
	return done;
}

/* See fs.h. */
int64_t ksys_pwrite64(struct kernel *k, struct task_struct *t, int fd, const void *buf, uint64_t count,
		      int64_t pos)
{
	int err;
	struct file *file = rw_file(t, fd, &count, pos, FMODE_WRITE, &err);
	if (!file)
		return err;
	struct inode *inode = file_inode(file);
	if (inode->kind == FILE_CHR)
		return (int64_t)count;
	if (inode->kind == FILE_HUGETLB)
		return -EINVAL;                               /* hugetlbfs has no write_iter */
	if (file->f_flags & O_APPEND)
		pos = (int64_t)inode->i_size;                     /* generic_write_checks */
	if (!count)
		return 0;
	if (pos >= MAX_LFS_FILESIZE)
		return -EFBIG;
	if (count > (uint64_t)(MAX_LFS_FILESIZE - pos))
		count = (uint64_t)(MAX_LFS_FILESIZE - pos);
	uint64_t done = generic_perform_write(k, inode, buf, count, (uint64_t)pos);
	trace_kernel(k, t->cpu, "wrote %llu bytes of %s at %lld into the page cache", (unsigned long long)done,
		     inode->i_name, (long long)pos);
	return done ? (int64_t)done : -ENOMEM;
}

/* See fs.h. */
int sys_memfd_create(struct kernel *k, struct task_struct *t, const char *name, unsigned flags)
{
	const unsigned valid = MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC;
	if (flags & ~(valid | (flags & MFD_HUGETLB ? MFD_HUGE_MASK << MFD_HUGE_SHIFT : 0)))
		return -EINVAL;
	if ((flags & MFD_EXEC) && (flags & MFD_NOEXEC_SEAL))
		return -EINVAL;
	if (!name)
		return -EFAULT;
	if (strnlen(name, NAME_MAX - 6 + 1) > NAME_MAX - 6)        /* MFD_NAME_MAX_LEN: 249 */
		return -EINVAL;
	unsigned huge_log = flags >> MFD_HUGE_SHIFT & MFD_HUGE_MASK;
	if ((flags & MFD_HUGETLB) && huge_log && huge_log != 21 && huge_log != 30)
		return -ENODEV;                    /* hugetlb_file_setup: no such hstate */
	if (!fd_available(t))
		return -EMFILE;
	char buf[NAME_MAX + 16];
	snprintf(buf, sizeof buf, "/memfd:%s (deleted)", name);
	struct inode *inode;
	if (flags & MFD_HUGETLB) {               /* Linux: hugetlb_file_setup with VM_NORESERVE */
		inode = new_inode(k, k->hugetlbfs_mnt[huge_log == 30], FILE_HUGETLB, buf, 0, S_IFREG | 0777, 0, NULL, 0);
		if (inode)
			inode->huge_shift = huge_log ? huge_log : 21;
	} else {
		inode = shmem_new_file(k, k->shm_mnt, buf, 0, (flags & MFD_NOEXEC_SEAL) ? 0666 : 0777);
	}
	if (!inode)
		return -ENOMEM;
	struct file *file = alloc_file(k, inode, FMODE_READ | FMODE_WRITE, O_RDWR | O_LARGEFILE);
	if (!file)
		return -ENOMEM;
	trace_kernel(k, t->cpu, "memfd %s: inode %llu on 00:01", buf, (unsigned long long)inode->i_ino);
	return fd_install_lowest(k, t, file, flags & MFD_CLOEXEC ? O_CLOEXEC : 0);
}

/* See fs.h. */
int vfs_make_file(struct kernel *k, const char *path, const void *data, uint64_t len)
{
	struct super_block *sb;
	const char *name;
	size_t n;
	int err = path_name(k, path, &sb, &name, &n);
	if (!err && (!n || name[n] == '/'))
		err = -EISDIR;
	else if (!err && lookup_name(sb, name, n))
		err = -EEXIST;
	else if (!err && strcmp(sb->s_type, "tmpfs") && !sb->s_bdev)
		err = -EPERM;                              /* devtmpfs: devices only */
	if (err)
		return err;
	char buf[PATH_MAX + 64];
	full_name(sb, name, n, buf, sizeof buf);
	struct inode *inode;
	if (sb->s_bdev && data) {                          /* on the device and clean in the cache */
		uint64_t ino = sb->next_ino;
		if ((inode = ext4_install_file(k, buf, ino, 0644, data, len, len)))
			sb->next_ino = ino + 1;
		else if (k->disk.free_blocks < PFN_UP(len))
			return -ENOSPC;
	} else {
		inode = sb->s_bdev ? ext4_new_inode(k, sb, buf, 0644) : shmem_new_file(k, sb, buf, 1, 0644);
		if (inode && data && generic_perform_write(k, inode, data, len, 0) < len) {
			drop_link(sb, inode);              /* no memory for its pages: it goes */
			inode->i_count++;
			iput(k, inode);
			return -ENOMEM;
		}
		if (inode)
			inode->i_size = len;               /* without data: a sparse file (truncate -s) */
	}
	if (!inode)
		return -ENOMEM;
	trace_kernel(k, k->this_cpu, "file %s: inode %llu on %02x:%02x, %llu bytes", buf,
		     (unsigned long long)inode->i_ino, sb->major, sb->minor, (unsigned long long)len);
	return 0;
}

/* See fs.h. */
int vfs_mount_tmpfs(struct kernel *k, const char *at)
{
	size_t len = strlen(at);
	if (at[0] != '/' || len < 2 || at[len - 1] == '/' || strstr(at, "//"))
		return -EINVAL;
	if (len >= sizeof k->super_blocks[0].mnt_point)
		return -ENAMETOOLONG;
	unsigned minor = 0;
	for (int i = 0; i < k->nr_super_blocks; i++) {
		struct super_block *sb = &k->super_blocks[i];
		if (!strcmp(sb->mnt_point, at))
			return -EBUSY;
		if (!sb->major && sb->minor > minor)
			minor = sb->minor;
	}
	struct super_block *parent;
	const char *name;
	if (!path_lookup(k, at, &parent, &name) && name_len(name) && lookup_name(parent, name, name_len(name)))
		return -ENOTDIR;                           /* a file has that name */
	if (k->nr_super_blocks == MAX_SUPER_BLOCKS)
		return -ENOSPC;
	struct super_block *sb = &k->super_blocks[k->nr_super_blocks++];
	memset(sb, 0, sizeof *sb);
	sb->s_type = "tmpfs";
	sb->major = 0;
	sb->minor = minor + 1;                             /* the next anonymous device number */
	snprintf(sb->mnt_point, sizeof sb->mnt_point, "%s", at);
	sb->next_ino = 2;
	trace_kernel(k, k->this_cpu, "mount tmpfs on %s: device 00:%02x", at, sb->minor);
	return 0;
}
