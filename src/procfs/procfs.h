/*
 * procfs/procfs.h — the /proc (and debugfs) views of the simulated kernel,
 * byte-compatible with Linux 6.x. Each view only reads kernel state.
 *
 * System-wide files have fixed paths ("/proc/meminfo"). Per-process files
 * live under "/proc/PID/" (and "/proc/PID/task/TID/" for one thread of the
 * process); procfs_path_at lists them with the placeholder "<pid>". Text
 * files are rendered whole by procfs_read; every file, text or binary
 * (pagemap, kpageflags, kpagecount), can be read piecewise with
 * procfs_pread, as pread(2) reads Linux's.
 */
#ifndef MMSIM_PROCFS_PROCFS_H
#define MMSIM_PROCFS_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "procfs/seq.h"

struct kernel;

/* Who reads a file: the credentials Linux checks. */
struct procfs_cred {
	bool cap_sys_admin;   /* sees PFNs in pagemap; may open /proc/kpage* */
};

/* Render the text file at path into m. Returns 0, -ENOENT for a path no
 * view serves (or a process that does not exist), -EINVAL for a binary file
 * (read those with procfs_pread), -ESRCH for smaps_rollup of a process with
 * no address space left, -ENOMEM when the host runs out of memory. */
int procfs_read(struct kernel *k, const char *path, struct seq_buf *m);

/*
 * Read up to len bytes at offset of the file at path into buf, as pread(2)
 * does on Linux: a text file is rendered and the slice copied; a binary
 * file is computed for the range asked. cred NULL reads as root with every
 * capability. Returns the number of bytes read (0 past the end), or
 * -ENOENT (no such file or process), -EINVAL (a binary file read at an
 * offset or length that is not a multiple of 8), -EACCES (/proc/kpage*
 * without CAP_SYS_ADMIN), -ESRCH (pagemap or smaps_rollup of a process with
 * no address space left), -ENOMEM.
 */
int64_t procfs_pread(struct kernel *k, const char *path, uint64_t offset, void *buf, size_t len,
		     const struct procfs_cred *cred);

/* The i-th path procfs_read or procfs_pread serves, NULL past the last (for
 * help and completion); per-process files read "/proc/<pid>/maps". */
const char *procfs_path_at(size_t i);

/* The views of system-wide text files, one per file, each named after the
 * Linux function that shows it (Linux shows most of them one record at a
 * time through a seq_file; each of these renders the whole file). */
void meminfo_proc_show(struct kernel *k, struct seq_buf *m);   /* /proc/meminfo (fs/proc/meminfo.c) */
void frag_show(struct kernel *k, struct seq_buf *m);           /* /proc/buddyinfo (mm/vmstat.c) */
void pagetypeinfo_show(struct kernel *k, struct seq_buf *m);   /* /proc/pagetypeinfo (mm/vmstat.c) */
void zoneinfo_show(struct kernel *k, struct seq_buf *m);       /* /proc/zoneinfo (mm/vmstat.c) */
void vmstat_show(struct kernel *k, struct seq_buf *m);         /* /proc/vmstat (mm/vmstat.c) */
void swaps_show(struct kernel *k, struct seq_buf *m);          /* /proc/swaps (mm/swapfile.c) */
void vma_ra_enabled_show(struct kernel *k, struct seq_buf *m); /* /sys/kernel/mm/swap/vma_ra_enabled */
void root_memory_stat_show(struct kernel *k, struct seq_buf *m);  /* /sys/fs/cgroup/memory.stat (the root's) */
void slab_show(struct kernel *k, struct seq_buf *m);           /* /proc/slabinfo (mm/slab_common.c) */
void unusable_show(struct kernel *k, struct seq_buf *m);       /* debugfs extfrag/unusable_index */
void extfrag_show(struct kernel *k, struct seq_buf *m);        /* debugfs extfrag/extfrag_index */

/* ---- binary formats ---------------------------------------------------------- */

/* A /proc/PID/pagemap entry, one per virtual page
 * (Documentation/admin-guide/mm/pagemap.rst). */
#define PM_ENTRY_BYTES    8
#define PM_PFRAME_BITS    55
#define PM_PFRAME_MASK    ((1ULL << PM_PFRAME_BITS) - 1)
#define PM_SOFT_DIRTY     (1ULL << 55)
#define PM_MMAP_EXCLUSIVE (1ULL << 56)
#define PM_UFFD_WP        (1ULL << 57)
#define PM_FILE           (1ULL << 61)
#define PM_SWAP           (1ULL << 62)
#define PM_PRESENT        (1ULL << 63)

#define PM_GUARD_REGION   (1ULL << 58)

/* A run of pages with the same pagemap flags (Linux's struct page_region
 * of the PAGEMAP_SCAN ioctl, with the entry's flags for categories). */
struct pm_run {
	uint64_t start, end, flags;
};

/* The pagemap of [start, end) of t's address space as runs of pages with
 * equal flags (bits 55-63), covering the range, into runs[0..max-1]
 * (Linux: do_pagemap_scan, walking only the page tables that exist). *walk_end
 * is where the runs stop: end, or the first page that did not fit. Returns
 * the number of runs, or -ESRCH for a task without an address space. */
struct task_struct;
int64_t pagemap_scan(struct kernel *k, struct task_struct *t, uint64_t start, uint64_t end,
		     struct pm_run *runs, size_t max, uint64_t *walk_end);

/* Bits of a /proc/kpageflags entry, one per frame (Linux:
 * include/uapi/linux/kernel-page-flags.h, and from 32 the kernel-internal
 * bits of include/linux/kernel-page-flags.h). */
enum {
	KPF_LOCKED, KPF_ERROR, KPF_REFERENCED, KPF_UPTODATE, KPF_DIRTY, KPF_LRU, KPF_ACTIVE,
	KPF_SLAB, KPF_WRITEBACK, KPF_RECLAIM, KPF_BUDDY, KPF_MMAP, KPF_ANON, KPF_SWAPCACHE,
	KPF_SWAPBACKED, KPF_COMPOUND_HEAD, KPF_COMPOUND_TAIL, KPF_HUGE, KPF_UNEVICTABLE,
	KPF_HWPOISON, KPF_NOPAGE, KPF_KSM, KPF_THP, KPF_OFFLINE, KPF_ZERO_PAGE, KPF_IDLE,
	KPF_PGTABLE,
	KPF_RESERVED = 32, KPF_MLOCKED, KPF_OWNER_2, KPF_PRIVATE, KPF_PRIVATE_2,
	KPF_OWNER_PRIVATE, KPF_ARCH,
};

#endif
