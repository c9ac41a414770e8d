/* procfs/procfs.c — path dispatch for the views. */
#include "procfs/procfs.h"

#include <errno.h>
#include <string.h>

static const struct {
	const char *path;
	void (*show)(struct kernel *k, struct seq_buf *m);
} views[] = {
	{ "/proc/meminfo", proc_meminfo_show },
	{ "/proc/buddyinfo", proc_buddyinfo_show },
	{ "/proc/pagetypeinfo", proc_pagetypeinfo_show },
	{ "/proc/zoneinfo", proc_zoneinfo_show },
	{ "/proc/vmstat", proc_vmstat_show },
	{ "/proc/slabinfo", proc_slabinfo_show },
	{ "/sys/kernel/debug/extfrag/unusable_index", debugfs_unusable_index_show },
	{ "/sys/kernel/debug/extfrag/extfrag_index", debugfs_extfrag_index_show },
};
#define NR_VIEWS (sizeof views / sizeof views[0])

/* See procfs.h. */
const char *procfs_path_at(size_t i)
{
	return i < NR_VIEWS ? views[i].path : NULL;
}

/* See procfs.h. */
int procfs_read(struct kernel *k, const char *path, struct seq_buf *m)
{
	for (size_t i = 0; i < NR_VIEWS; i++)
		if (!strcmp(path, views[i].path)) {
			views[i].show(k, m);
			return m->overflow ? -ENOMEM : 0;
		}
	return -ENOENT;
}
