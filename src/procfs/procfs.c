/* procfs/procfs.c — path dispatch for the views (Linux: fs/proc/root.c,
 * fs/proc/base.c for the per-process directories). */
#include "procfs/internal.h"

#include "common.h"
#include "kernel/huge_mm.h"
#include "kernel/hugetlb.h"
#include "kernel/kernel.h"
#include "kernel/sched.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* System-wide text files. */
static const struct {
	const char *path;
	void (*show)(struct kernel *k, struct seq_buf *m);
} views[] = {
	{ "/proc/meminfo", meminfo_proc_show },
	{ "/proc/buddyinfo", frag_show },
	{ "/proc/pagetypeinfo", pagetypeinfo_show },
	{ "/proc/zoneinfo", zoneinfo_show },
	{ "/proc/vmstat", vmstat_show },
	{ "/proc/slabinfo", slab_show },
	{ "/proc/swaps", swaps_show },
	{ "/sys/kernel/debug/extfrag/unusable_index", unusable_show },
	{ "/sys/kernel/debug/extfrag/extfrag_index", extfrag_show },
	{ "/sys/kernel/mm/swap/vma_ra_enabled", vma_ra_enabled_show },
	{ "/sys/fs/cgroup/memory.stat", root_memory_stat_show },
};
#define NR_VIEWS ARRAY_SIZE(views)

/* System-wide binary files. */
static const struct {
	const char *path;
	proc_read_fn read;
} binary_views[] = {
	{ "/proc/kpagecount", kpagecount_read },
	{ "/proc/kpageflags", kpageflags_read },
};
#define NR_BINARY_VIEWS ARRAY_SIZE(binary_views)

/* Per-process files: a text view or a binary one. */
#define PID_DIR "/proc/<pid>/"
static const struct {
	const char *path;
	proc_pid_show_fn show;
	proc_read_fn read;
} pid_views[] = {
	{ PID_DIR "cgroup", proc_cgroup_show, NULL },
	{ PID_DIR "maps", proc_pid_maps_show, NULL },
	{ PID_DIR "oom_adj", oom_adj_read, NULL },
	{ PID_DIR "oom_score", proc_oom_score, NULL },
	{ PID_DIR "oom_score_adj", oom_score_adj_read, NULL },
	{ PID_DIR "pagemap", NULL, pagemap_read },
	{ PID_DIR "smaps", proc_pid_smaps_show, NULL },
	{ PID_DIR "smaps_rollup", show_smaps_rollup, NULL },
	{ PID_DIR "statm", proc_pid_statm, NULL },
	{ PID_DIR "status", proc_pid_status, NULL },
	{ PID_DIR "fd", proc_fd_show, NULL },
	{ PID_DIR "numa_maps", proc_pid_numa_maps_show, NULL },
};
#define NR_PID_VIEWS ARRAY_SIZE(pid_views)

/* /sys/kernel/mm/transparent_hugepage/: one file per knob of
 * thp_sysfs_name_at, its value and a newline (Linux: the kobject's
 * attributes in mm/huge_memory.c and mm/khugepaged.c). */
#define THP_DIR "/sys/kernel/mm/transparent_hugepage/"
#define NR_THP_FILES 16

/* The path of the i-th THP file, NULL past the last. */
static const char *thp_path_at(size_t i)
{
	static char paths[NR_THP_FILES][80];
	const char *name = i < NR_THP_FILES ? thp_sysfs_name_at(i) : NULL;
	if (!name)
		return NULL;
	if (!paths[i][0])
		snprintf(paths[i], sizeof paths[i], THP_DIR "%s", name);
	return paths[i];
}

/* Show the THP file path names, if it is one. 0, or -ENOENT. */
static int thp_sysfs_show(struct kernel *k, const char *path, struct seq_buf *m)
{
	char buf[128];
	if (strncmp(path, THP_DIR, strlen(THP_DIR)) || thp_sysfs_read(k, path + strlen(THP_DIR), buf, sizeof buf))
		return -ENOENT;
	seq_printf(m, "%s\n", buf);
	return 0;
}

/* /sys/kernel/mm/hugepages/hugepages-<size>kB/: the pools' files (Linux:
 * the hstate kobjects of mm/hugetlb_sysfs.c). */
#define HUGETLB_DIR "/sys/kernel/mm/hugepages/"

/* The path of the i-th hugepages file, NULL past the last. */
static const char *hugetlb_path_at(size_t i)
{
	static char paths[16][80];
	const char *name = i < 16 ? hugetlb_sysfs_name_at(i) : NULL;
	if (!name)
		return NULL;
	if (!paths[i][0])
		snprintf(paths[i], sizeof paths[i], HUGETLB_DIR "%s", name);
	return paths[i];
}

/* Show the hugepages file path names, if it is one. 0, or -ENOENT. */
static int hugetlb_sysfs_show(struct kernel *k, const char *path, struct seq_buf *m)
{
	char buf[64];
	if (strncmp(path, HUGETLB_DIR, strlen(HUGETLB_DIR)) ||
	    hugetlb_sysfs_read(k, path + strlen(HUGETLB_DIR), buf, sizeof buf))
		return -ENOENT;
	seq_printf(m, "%s\n", buf);
	return 0;
}

/* See procfs.h. */
const char *procfs_path_at(size_t i)
{
	if (i < NR_VIEWS)
		return views[i].path;
	i -= NR_VIEWS;
	size_t nr_thp = 0;
	while (thp_path_at(nr_thp))
		nr_thp++;
	if (i < nr_thp)
		return thp_path_at(i);
	i -= nr_thp;
	size_t nr_node = 0;
	while (node_sysfs_path_at(nr_node))
		nr_node++;
	if (i < nr_node)
		return node_sysfs_path_at(i);
	i -= nr_node;
	if (i < NR_BINARY_VIEWS)
		return binary_views[i].path;
	i -= NR_BINARY_VIEWS;
	if (i < NR_PID_VIEWS)
		return pid_views[i].path;
	return hugetlb_path_at(i - NR_PID_VIEWS);
}

/* Parse a decimal pid at *s as Linux names /proc entries (no sign, no
 * leading zero, at most PID_MAX) and step past it. -1 when there is none. */
static int parse_pid(const char **s)
{
	const char *p = *s;
	long v = 0;

	if (*p < '1' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9' && v <= PID_MAX)
		v = v * 10 + (*p++ - '0');
	if (v > PID_MAX)
		return -1;
	*s = p;
	return (int)v;
}

/* The task a per-process path names and, in *name, the file's name within
 * its directory: "/proc/PID/NAME" (PID may be any thread's id) or
 * "/proc/PID/task/TID/NAME" (TID a thread of PID's process). NULL when the
 * path has neither form or the task does not exist (Linux:
 * proc_pid_lookup, proc_task_lookup). */
static struct task_struct *proc_task_lookup(struct kernel *k, const char *path, const char **name)
{
	int pid, tid;
	if (strncmp(path, "/proc/", 6))
		return NULL;
	path += 6;
	if ((pid = parse_pid(&path)) < 0 || *path++ != '/')
		return NULL;
	struct task_struct *t = find_task_by_pid(k, pid);
	if (t && !strncmp(path, "task/", 5)) {
		path += 5;
		struct task_struct *leader = t;
		if ((tid = parse_pid(&path)) < 0 || *path++ != '/')
			return NULL;
		t = find_task_by_pid(k, tid);
		if (t && t->tgid != leader->tgid)
			t = NULL;
	}
	*name = path;
	return t;
}

/* The index of the per-process view called name, or -1. */
static int pid_view_find(const char *name)
{
	for (size_t i = 0; i < NR_PID_VIEWS; i++)
		if (!strcmp(name, pid_views[i].path + strlen(PID_DIR)))
			return (int)i;
	return -1;
}

/* See procfs.h. */
int procfs_read(struct kernel *k, const char *path, struct seq_buf *m)
{
	const char *name;
	for (size_t i = 0; i < NR_VIEWS; i++)
		if (!strcmp(path, views[i].path)) {
			views[i].show(k, m);
			return m->overflow ? -ENOMEM : 0;
		}
	for (size_t i = 0; i < NR_BINARY_VIEWS; i++)
		if (!strcmp(path, binary_views[i].path))
			return -EINVAL;
	if (!thp_sysfs_show(k, path, m) || !hugetlb_sysfs_show(k, path, m))
		return m->overflow ? -ENOMEM : 0;
	if (!node_sysfs_show(k, path, m))
		return m->overflow ? -ENOMEM : 0;
	if (!strncmp(path, "/sys/fs/cgroup/", 15)) {
		int err = cgroup_file_show(k, path + 15, m);
		return err ? err : m->overflow ? -ENOMEM : 0;
	}
	struct task_struct *t = proc_task_lookup(k, path, &name);
	int v = t ? pid_view_find(name) : -1;
	if (v < 0)
		return -ENOENT;
	if (!pid_views[v].show)
		return -EINVAL;
	int err = pid_views[v].show(k, t, m);
	return err ? err : m->overflow ? -ENOMEM : 0;
}

/* Copy the slice [offset, offset + len) of a rendered text into buf. */
static int64_t text_pread(const struct seq_buf *m, uint64_t offset, void *buf, size_t len)
{
	if (offset >= m->len)
		return 0;
	size_t n = m->len - offset < len ? m->len - offset : len;
	memcpy(buf, m->buf + offset, n);
	return (int64_t)n;
}

/* See procfs.h. */
int64_t procfs_pread(struct kernel *k, const char *path, uint64_t offset, void *buf, size_t len,
		     const struct procfs_cred *cred)
{
	const char *name;
	for (size_t i = 0; i < NR_BINARY_VIEWS; i++)
		if (!strcmp(path, binary_views[i].path))
			return binary_views[i].read(k, NULL, offset, buf, len, cred);
	struct task_struct *t = proc_task_lookup(k, path, &name);
	int v = t ? pid_view_find(name) : -1;
	if (v >= 0 && pid_views[v].read)
		return pid_views[v].read(k, t, offset, buf, len, cred);
	struct seq_buf m = { 0 };
	int64_t ret = procfs_read(k, path, &m);
	if (!ret)
		ret = text_pread(&m, offset, buf, len);
	seq_release(&m);
	return ret;
}
