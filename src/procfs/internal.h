/*
 * procfs/internal.h — what the per-process and page-frame views share with
 * the dispatcher (Linux: fs/proc/internal.h). Not for use outside procfs.
 */
#ifndef MMSIM_PROCFS_INTERNAL_H
#define MMSIM_PROCFS_INTERNAL_H

#include <stdint.h>

#include "procfs/procfs.h"

struct kernel;
struct mm_struct;
struct task_struct;

/* A per-process text view: 0, or a negative errno for procfs_read. */
typedef int (*proc_pid_show_fn)(struct kernel *k, struct task_struct *t, struct seq_buf *m);

/* A binary view (t is NULL for system-wide files): bytes read or a
 * negative errno, as procfs_pread returns. */
typedef int64_t (*proc_read_fn)(struct kernel *k, struct task_struct *t, uint64_t offset, void *buf,
				size_t len, const struct procfs_cred *cred);

/* cgroup.c: a file below /sys/fs/cgroup/ (path is what follows that
 * prefix, "NAME/memory.current"): 0 or -ENOENT; and /proc/PID/cgroup. */
int cgroup_file_show(struct kernel *k, const char *path, struct seq_buf *m);
int proc_cgroup_show(struct kernel *k, struct task_struct *t, struct seq_buf *m);

/* base.c: /proc/PID/oom_score, oom_score_adj and oom_adj */
int proc_oom_score(struct kernel *k, struct task_struct *t, struct seq_buf *m);
int oom_score_adj_read(struct kernel *k, struct task_struct *t, struct seq_buf *m);
int oom_adj_read(struct kernel *k, struct task_struct *t, struct seq_buf *m);

/* task_mmu.c. maps and smaps render every VMA's record: Linux's seq_file
 * iterates the VMAs (m_start, m_next) and calls show_map and show_smap for
 * each, with no function for the whole file; show_smaps_rollup and
 * pagemap_read are Linux's. */
int proc_pid_maps_show(struct kernel *k, struct task_struct *t, struct seq_buf *m);
int proc_pid_smaps_show(struct kernel *k, struct task_struct *t, struct seq_buf *m);
int show_smaps_rollup(struct kernel *k, struct task_struct *t, struct seq_buf *m);
/* /proc/PID/numa_maps: one line per VMA, its policy and its pages per node
 * (Linux: show_numa_map). */
int proc_pid_numa_maps_show(struct kernel *k, struct task_struct *t, struct seq_buf *m);
int64_t pagemap_read(struct kernel *k, struct task_struct *t, uint64_t offset, void *buf, size_t len,
		     const struct procfs_cred *cred);

/* The memory lines of /proc/PID/status, VmPeak to VmSwap and HugetlbPages
 * (Linux: task_mem). */
void task_mem(struct kernel *k, struct seq_buf *m, const struct mm_struct *mm);

/* statm's numbers in pages: returns the size (total_vm) and sets the
 * shared (file and shmem RSS), text, data (+stack) and resident sizes
 * (Linux: task_statm). */
uint64_t task_statm(const struct mm_struct *mm, uint64_t *shared, uint64_t *text, uint64_t *data,
		    uint64_t *resident);

/* array.c: /proc/PID/status and statm (Linux: the same names, in
 * fs/proc/array.c) */
int proc_pid_status(struct kernel *k, struct task_struct *t, struct seq_buf *m);
int proc_pid_statm(struct kernel *k, struct task_struct *t, struct seq_buf *m);

/* base.c: /proc/PID/fd as a listing, one line per open descriptor in
 * order, "FD -> PATH" as readlink shows each entry's target (Linux:
 * fs/proc/fd.c's proc_readfd and proc_fd_link). */
int proc_fd_show(struct kernel *k, struct task_struct *t, struct seq_buf *m);

/* page.c */
int64_t kpageflags_read(struct kernel *k, struct task_struct *t, uint64_t offset, void *buf,
			size_t len, const struct procfs_cred *cred);
int64_t kpagecount_read(struct kernel *k, struct task_struct *t, uint64_t offset, void *buf,
			size_t len, const struct procfs_cred *cred);

/* The kpageflags entry of frame pfn (Linux: stable_page_flags). */
uint64_t stable_page_flags(const struct kernel *k, uint64_t pfn);

/* node.c: a file below /sys/devices/system/node/ (0, or -ENOENT when
 * path is none), and the i-th such path for the listing (node 0's files;
 * NULL past the last). */
struct pglist_data;
int node_sysfs_show(struct kernel *k, const char *path, struct seq_buf *m);
const char *node_sysfs_path_at(size_t i);

/* The sum of a NUMA event over a node's zones (Linux:
 * sum_zone_numa_event_state). */
enum numa_stat_item;
uint64_t sum_zone_numa_event_state(const struct pglist_data *pgdat, enum numa_stat_item item);

/* zone_views.c: /sys/devices/system/node/nodeN/vmstat: /proc/vmstat's
 * zone, NUMA and node counters for one node (Linux: node_read_vmstat). */
void node_read_vmstat(struct kernel *k, struct pglist_data *pgdat, struct seq_buf *m);

#endif
