/*
 * kernel/fdtable.c — a process's descriptor table (Linux: fs/file.c's
 * files_struct, alloc_fd, fd_install, close_fd, dup_fd, put_files_struct).
 * See fs.h.
 *
 * The table starts with NR_OPEN_DEFAULT (64) slots and doubles as needed up
 * to RLIMIT_NOFILE (1024); a new descriptor is always the lowest free one.
 */
#include "kernel/fs.h"

#include "kernel/kernel.h"
#include "kernel/objsize.h"
#include "kernel/sched.h"
#include "kernel/slab.h"

#include <errno.h>
#include <string.h>

KOBJ_FITS(struct file *, KPTR_SIZE);

/* An empty table of max_fds slots. NULL on ENOMEM. */
static struct files_struct *alloc_files(struct kernel *k, unsigned max_fds)
{
	struct files_struct *files = kmem_cache_alloc(k, k->mm_caches.files, GFP_KERNEL | __GFP_ZERO);
	if (!files)
		return NULL;
	if (!(files->fd = kmalloc(k, max_fds * KPTR_SIZE, GFP_KERNEL | __GFP_ZERO))) {
		kmem_cache_free(k, k->mm_caches.files, files);
		return NULL;
	}
	files->count = 1;
	files->max_fds = max_fds;
	return files;
}

/* See fs.h. */
struct files_struct *files_init(struct kernel *k)
{
	struct files_struct *files = alloc_files(k, NR_OPEN_DEFAULT);
	if (!files)
		return NULL;
	for (int fd = 0; fd < 3; fd++) {
		get_file(k->dev_null);
		files->fd[fd] = k->dev_null;
	}
	return files;
}

/* See fs.h. */
struct files_struct *dup_fd(struct kernel *k, struct files_struct *old)
{
	struct files_struct *files = alloc_files(k, old->max_fds);
	if (!files)
		return NULL;
	for (unsigned fd = 0; fd < old->max_fds; fd++)
		if ((files->fd[fd] = old->fd[fd]))
			get_file(files->fd[fd]);
	memcpy(files->close_on_exec, old->close_on_exec, sizeof files->close_on_exec);
	return files;
}

/* See fs.h. */
void put_files_struct(struct kernel *k, struct files_struct *files)
{
	if (--files->count > 0)
		return;
	for (unsigned fd = 0; fd < files->max_fds; fd++)
		if (files->fd[fd])
			fput(k, files->fd[fd]);
	kfree(k, files->fd);
	kmem_cache_free(k, k->mm_caches.files, files);
}

/* See fs.h. */
struct file *fget(struct files_struct *files, int fd)
{
	return files && fd >= 0 && (unsigned)fd < files->max_fds ? files->fd[fd] : NULL;
}

/* See fs.h. */
unsigned files_count(const struct files_struct *files)
{
	unsigned n = 0;
	for (unsigned fd = 0; files && fd < files->max_fds; fd++)
		n += files->fd[fd] != NULL;
	return n;
}

/* Double files' table (Linux: expand_files). 0 or -ENOMEM. */
static int expand_files(struct kernel *k, struct files_struct *files)
{
	unsigned n = files->max_fds * 2;
	struct file **fd = kmalloc(k, n * KPTR_SIZE, GFP_KERNEL | __GFP_ZERO);
	if (!fd)
		return -ENOMEM;
	memcpy(fd, files->fd, files->max_fds * sizeof *fd);
	kfree(k, files->fd);
	files->fd = fd;
	files->max_fds = n;
	return 0;
}

/* Install file (whose reference the table takes) at the lowest free
 * descriptor of t (Linux: get_unused_fd_flags then fd_install), with
 * O_CLOEXEC from flags. The descriptor, or -EMFILE, -ENOMEM (file is then
 * dropped). */
int fd_install_lowest(struct kernel *k, struct task_struct *t, struct file *file, unsigned flags)
{
	struct files_struct *files = t->files;
	unsigned fd = 0;
	while (fd < files->max_fds && files->fd[fd])
		fd++;
	int err = fd >= RLIMIT_NOFILE_CUR ? -EMFILE : fd == files->max_fds ? expand_files(k, files) : 0;
	if (err) {
		fput(k, file);
		return err;
	}
	files->fd[fd] = file;
	if (flags & O_CLOEXEC)
		files->close_on_exec[fd / 64] |= 1ULL << (fd % 64);
	else
		files->close_on_exec[fd / 64] &= ~(1ULL << (fd % 64));
	return (int)fd;
}

/* See fs.h. */
int close_fd(struct kernel *k, struct task_struct *t, int fd)
{
	struct file *file = fget(t->files, fd);
	if (!file)
		return -EBADF;
	t->files->fd[fd] = NULL;
	t->files->close_on_exec[fd / 64] &= ~(1ULL << (fd % 64));
	fput(k, file);
	return 0;
}

/* See fs.h. */
int ksys_dup(struct kernel *k, struct task_struct *t, int fd)
{
	struct file *file = fget(t->files, fd);
	if (!file)
		return -EBADF;
	get_file(file);
	return fd_install_lowest(k, t, file, 0);
}
