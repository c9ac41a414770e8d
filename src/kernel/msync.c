/*
 * kernel/msync.c — msync(2) (Linux: mm/msync.c). See mman.h.
 *
 * MS_SYNC writes the dirty pages of the shared file mappings in the range
 * to their device and waits (vfs_fsync_range, a data sync); MS_ASYNC does
 * nothing since Linux 2.6.19 (dirty pages are tracked and written back by
 * the flusher); MS_INVALIDATE is refused on locked mappings. Unmapped
 * parts of the range are skipped and reported as ENOMEM at the end.
 */
#include "kernel/mman.h"

#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/sched.h"
#include "kernel/trace.h"

#include <errno.h>

/* Write [fstart, fend] of file's page cache (Linux: vfs_fsync_range with
 * datasync): a disk file's dirty pages; nothing on tmpfs. */
static int vfs_fsync_range(struct kernel *k, struct file *file, uint64_t fstart, uint64_t fend)
{
	struct inode *inode = file_inode(file);
	if (inode->kind != FILE_EXT4)
		return 0;
	int64_t n = ext4_writepages(k, inode, fstart >> PAGE_SHIFT, fend >> PAGE_SHIFT, true);
	return n < 0 ? (int)n : 0;
}

/* See mman.h. */
long ksys_msync(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t len, int flags)
{
	int unmapped_error = 0, error;

	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return -EINVAL;
	len = (len + ~PAGE_MASK) & PAGE_MASK;
	uint64_t end = start + len;
	if (end < start)
		return -ENOMEM;
	if (end == start)
		return 0;
	struct vm_area_struct *vma = find_vma(t->mm, start);
	for (;;) {
		if (!vma)
			return -ENOMEM;
		if (start < vma->vm_start) {
			if (flags == MS_ASYNC)
				return -ENOMEM;
			start = vma->vm_start;
			if (start >= end)
				return -ENOMEM;
			unmapped_error = -ENOMEM;
		}
		if ((flags & MS_INVALIDATE) && (vma->vm_flags & VM_LOCKED))
			return -EBUSY;
		struct file *file = vma->vm_file;
		uint64_t fstart = (start - vma->vm_start) + (vma->vm_pgoff << PAGE_SHIFT);
		uint64_t fend = fstart + ((end < vma->vm_end ? end : vma->vm_end) - start) - 1;
		start = vma->vm_end;
		if ((flags & MS_SYNC) && file && (vma->vm_flags & VM_SHARED)) {
			trace_kernel(k, t->cpu, "MS_SYNC: write bytes %llu..%llu of %s", (unsigned long long)fstart,
				     (unsigned long long)fend, file_inode(file)->i_name);
			error = vfs_fsync_range(k, file, fstart, fend);
			if (error || start >= end)
				return error ? error : unmapped_error;
			vma = find_vma(t->mm, start);
		} else {
			if (start >= end)
				return unmapped_error;
			vma = find_vma(t->mm, vma->vm_end);
		}
	}
}
