/*
 * kernel/sysctl.h — the memory manager's /proc/sys knobs by name
 * ("vm.overcommit_memory", "kernel.randomize_va_space"; slashes work too),
 * with Linux's ranges, written and read as text.
 */
#ifndef MMSIM_KERNEL_SYSCTL_H
#define MMSIM_KERNEL_SYSCTL_H

#include <stddef.h>

struct kernel;

/* Write value to the knob name and apply it (watermarks recomputed where
 * Linux's handler does; vm.compact_memory = 1 compacts every zone;
 * vm.compaction_proactiveness wakes kcompactd's proactive check). 0, -ENOENT (no such knob) or -EINVAL (out of
 * range); errbuf says why. */
int sysctl_write(struct kernel *k, const char *name, const char *value, char *errbuf, size_t errlen);

/* vm.lowmem_reserve_ratio: blank-separated integers, one per zone type. */
int lowmem_reserve_ratio_write(struct kernel *k, const char *value, char *errbuf, size_t errlen);

/* The knob's value as /proc/sys shows it. 0, -ENOENT, or -EACCES for
 * vm.compact_memory, which can only be written (Linux's mode 0200). */
int sysctl_read(struct kernel *k, const char *name, char *buf, size_t len);

/* The i-th knob's name, NULL past the last. */
const char *sysctl_name_at(size_t i);

#endif
