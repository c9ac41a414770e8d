/*
 * procfs/procfs.h — the /proc (and debugfs) views of the simulated kernel,
 * byte-compatible with Linux 6.x. Each view only reads kernel state.
 */
#ifndef MMSIM_PROCFS_PROCFS_H
#define MMSIM_PROCFS_PROCFS_H

#include <stddef.h>

#include "procfs/seq.h"

struct kernel;

/* Render the file at path into m. Returns 0, or -ENOENT for a path no view
 * serves. */
int procfs_read(struct kernel *k, const char *path, struct seq_buf *m);

/* The i-th path procfs_read serves, NULL past the last (for help and
 * completion). */
const char *procfs_path_at(size_t i);

/* The views, one per file. */
void proc_meminfo_show(struct kernel *k, struct seq_buf *m);
void proc_buddyinfo_show(struct kernel *k, struct seq_buf *m);
void proc_pagetypeinfo_show(struct kernel *k, struct seq_buf *m);
void proc_zoneinfo_show(struct kernel *k, struct seq_buf *m);
void proc_vmstat_show(struct kernel *k, struct seq_buf *m);
void proc_slabinfo_show(struct kernel *k, struct seq_buf *m);
void debugfs_unusable_index_show(struct kernel *k, struct seq_buf *m);
void debugfs_extfrag_index_show(struct kernel *k, struct seq_buf *m);

#endif
