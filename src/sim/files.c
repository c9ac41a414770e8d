/* sim/files.c — the machine's files: m:file, m:files, m:mount (the
 * kernel's vfs_make_file and vfs_mount_tmpfs in kernel/open.c). */
#include "sim/sim.h"

#include "kernel/fs.h"
#include "kernel/kernel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Why the kernel refused to make or mount path with err. */
static const char *refused(int err)
{
	switch (err) {
	case -ENOENT: return "not inside a mount (directories do not exist)";
	case -EEXIST: return "the name exists";
	case -EISDIR: return "a mount point (a directory)";
	case -EPERM: return "/dev holds devices only";
	case -ENOSPC: return "no room left (the disk, or the mount table)";
	case -EINVAL: return "not an absolute path other than /, without a trailing slash";
	case -EBUSY: return "already a mount point";
	case -ENOTDIR: return "a file has that name";
	case -ENAMETOOLONG: return "the path is too long";
	default: return "no memory";
	}
}

/* See sim.h. */
int sim_file(mmsim_machine *m, const char *path, const void *data, uint64_t len)
{
	struct sim_machine *s = sim_machine(m);
	if (!path)
		return sim_fail(s, -EFAULT, "file: no path");
	sim_narrate_call(s, "file(\"%s\", %llu bytes%s)", path, (unsigned long long)len, data ? "" : " of holes");
	int err = vfs_make_file(&s->kernel, path, data, len);
	return err ? sim_fail(s, err, "file: %s: %s", path, refused(err)) : 0;
}

/* Order two files by path. */
static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct mmsim_file_info *)a)->path, ((const struct mmsim_file_info *)b)->path);
}

/* See sim.h. The named files of the mounts (not the kernel's internal
 * ones: shared anonymous memory, memfd, hugetlbfs), all of them gathered
 * then sorted, the first max copied. */
int64_t sim_files(mmsim_machine *m, struct mmsim_file_info *out, size_t max)
{
	struct kernel *k = &sim_machine(m)->kernel;
	size_t n = 0, cap = 0;
	struct mmsim_file_info *all = NULL;
	for (int i = 0; i < k->nr_super_blocks; i++) {
		const struct super_block *sb = &k->super_blocks[i];
		if (!sb->mnt_point[0])
			continue;
		for (const struct inode *inode = sb->s_files; inode; inode = inode->i_sb_next) {
			if (n == cap) {
				struct mmsim_file_info *more = realloc(all, (cap = cap ? 2 * cap : 16) * sizeof *all);
				if (!more) {
					free(all);
					return sim_fail(sim_machine(m), -ENOMEM, "files: no memory for the list");
				}
				all = more;
			}
			struct mmsim_file_info *f = &all[n++];
			memset(f, 0, sizeof *f);
			snprintf(f->path, sizeof f->path, "%s", inode->i_name);
			snprintf(f->fs, sizeof f->fs, "%s", sb->s_type);
			f->dev_major = sb->major;
			f->dev_minor = sb->minor;
			f->ino = inode->i_ino;
			f->mode = inode->i_mode;
			f->size = inode->i_size;
			f->cached = inode->i_data.nrpages;
			f->dirty = inode->kind == FILE_EXT4 ? inode->i_nrdirty : 0;
		}
	}
	if (n)
		qsort(all, n, sizeof *all, by_path);
	if (out)
		memcpy(out, all, (n < max ? n : max) * sizeof *all);
	free(all);
	return (int64_t)n;
}

/* See sim.h. */
int sim_mount(mmsim_machine *m, const char *fs, const char *at)
{
	struct sim_machine *s = sim_machine(m);
	if (!fs || !at)
		return sim_fail(s, -EFAULT, "mount: fs and at are needed");
	if (strcmp(fs, "tmpfs"))
		return sim_fail(s, -ENODEV, "mount: fs '%s': only tmpfs can be mounted (the disk filesystem is /)", fs);
	sim_narrate_call(s, "mount -t tmpfs none %s", at);
	int err = vfs_mount_tmpfs(&s->kernel, at);
	return err ? sim_fail(s, err, "mount: %s: %s", at, refused(err)) : 0;
}
