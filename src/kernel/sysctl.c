/*
 * kernel/sysctl.c — the /proc/sys knobs of the memory manager, read and
 * written as text with Linux's ranges and side effects (Linux: the vm_table
 * of mm/ and kernel/sysctl.c, proc_dointvec_minmax and the handlers that
 * recompute watermarks).
 */
#include "kernel/sysctl.h"

#include "common.h"
#include "kernel/compaction.h"
#include "kernel/gfp.h"
#include "kernel/huge_mm.h"
#include "kernel/hugetlb.h"
#include "kernel/kernel.h"
#include "kernel/mmzone.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ctl_table {
	const char *procname;
	size_t offset;          /* of the int in struct kernel */
	int min, max;
	void (*changed)(struct kernel *k);   /* what writing it recomputes */
};

/* vm.min_free_kbytes and the watermark knobs re-derive the watermarks,
 * lowmem reserves and pcp sizes, as their Linux handlers do. */
static void rewatermark(struct kernel *k)
{
	setup_per_zone_wmarks(k);
}

#define KNOB(name, field, lo, hi, fn) { name, offsetof(struct kernel, sysctl.field), lo, hi, fn }
static const struct ctl_table table[] = {
	KNOB("kernel.randomize_va_space", randomize_va_space, 0, 2, NULL),
	KNOB("vm.max_map_count", max_map_count, 0, INT_MAX, NULL),
	KNOB("vm.min_free_kbytes", min_free_kbytes, 0, INT_MAX, rewatermark),
	KNOB("vm.mmap_min_addr", mmap_min_addr, 0, INT_MAX, NULL),
	KNOB("vm.oom_dump_tasks", oom_dump_tasks, INT_MIN, INT_MAX, NULL),
	KNOB("vm.oom_kill_allocating_task", oom_kill_allocating_task, INT_MIN, INT_MAX, NULL),
	KNOB("vm.overcommit_memory", overcommit_memory, 0, 2, NULL),
	KNOB("vm.overcommit_ratio", overcommit_ratio, INT_MIN, INT_MAX, NULL),
	KNOB("vm.page-cluster", page_cluster, 0, 31, NULL),
	KNOB("vm.panic_on_oom", panic_on_oom, 0, 2, NULL),
	KNOB("vm.percpu_pagelist_high_fraction", percpu_pagelist_high_fraction, 0, INT_MAX, rewatermark),
	KNOB("vm.swappiness", swappiness, 0, MAX_SWAPPINESS, NULL),
	KNOB("vm.watermark_boost_factor", watermark_boost_factor, 0, INT_MAX, NULL),
	KNOB("vm.compaction_proactiveness", compaction_proactiveness, 0, 100, kcompactd_trigger_proactive),
	KNOB("vm.extfrag_threshold", extfrag_threshold, 0, 1000, NULL),
	KNOB("vm.compact_unevictable_allowed", compact_unevictable_allowed, 0, 1, NULL),
	KNOB("vm.watermark_scale_factor", watermark_scale_factor, 1, 3000, rewatermark),
	KNOB("vm.dirty_background_ratio", dirty_background_ratio, 0, 100, NULL),
	KNOB("vm.dirty_ratio", dirty_ratio, 0, 100, NULL),
	KNOB("vm.dirty_expire_centisecs", dirty_expire_centisecs, 0, INT_MAX, NULL),
	KNOB("vm.dirty_writeback_centisecs", dirty_writeback_centisecs, 0, INT_MAX, NULL),
};
#define NR_KNOBS ARRAY_SIZE(table)

static const struct ctl_table *find(const char *name)
{
	for (size_t i = 0; i < NR_KNOBS; i++)
		if (!strcmp(table[i].procname, name))
			return &table[i];
	return NULL;
}

/* Linux's sysctl names work with dots or slashes. */
static void normalise(const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s", name);
	for (char *p = out; *p; p++)
		if (*p == '/')
			*p = '.';
}

/* /sys/kernel/mm/swap/vma_ra_enabled: true or false (kstrtobool's
 * spellings: 1/0, y/n, on/off). */
static int vma_ra_enabled_write(struct kernel *k, const char *value, char *eb, size_t el)
{
	static const char *const yes[] = { "1", "y", "Y", "true", "on" }, *const no[] = { "0", "n", "N", "false", "off" };
	char v[8];
	snprintf(v, sizeof v, "%s", value);
	v[strcspn(v, "\n")] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
		if (!strcmp(v, yes[i]) || !strcmp(v, no[i])) {
			k->swap.vma_ra_enabled = !strcmp(v, yes[i]);
			return 0;
		}
	snprintf(eb, el, "kernel.mm.swap.vma_ra_enabled: '%s' is not true or false", value);
	return -EINVAL;
}

/* The THP knob key names ("kernel.mm.transparent_hugepage.enabled",
 * "...khugepaged.max_ptes_none"), as its name under transparent_hugepage/
 * in thp (of len bytes); false when key is not one. */
#define THP_KEY "kernel.mm.transparent_hugepage."
static bool thp_knob(const char *key, char *thp, size_t len)
{
	if (strncmp(key, THP_KEY, strlen(THP_KEY)))
		return false;
	snprintf(thp, len, "%s", key + strlen(THP_KEY));
	for (char *p = thp; *p; p++)
		if (*p == '.')
			*p = '/';
	return true;
}

/* The hugetlb knob name of key, as hugetlb_sysfs_read takes it:
 * "vm.nr_hugepages", "vm.nr_overcommit_hugepages", or the part after
 * kernel.mm.hugepages. with its last dot a slash
 * ("hugepages-2048kB/nr_hugepages"); false when key is not one. */
#define HUGETLB_KEY "kernel.mm.hugepages."
static bool hugetlb_knob(const char *key, char *name, size_t len)
{
	if (!strcmp(key, "vm.nr_hugepages") || !strcmp(key, "vm.nr_overcommit_hugepages")) {
		snprintf(name, len, "%s", key);
		return true;
	}
	if (strncmp(key, HUGETLB_KEY, strlen(HUGETLB_KEY)))
		return false;
	snprintf(name, len, "%s", key + strlen(HUGETLB_KEY));
	char *dot = strrchr(name, '.');
	if (dot)
		*dot = '/';
	return true;
}

/* /proc/sys/vm/compact_memory: writing 1 compacts all memory; anything
 * else is refused (Linux: sysctl_compaction_handler). */
static int compact_memory_write(struct kernel *k, const char *value, char *eb, size_t el)
{
	char *end;
	long v = strtol(value, &end, 10);
	while (*end == ' ' || *end == '\n')
		end++;
	if (end == value || *end || v != 1) {
		snprintf(eb, el, "vm.compact_memory: '%s': only 1 triggers compaction", value);
		return -EINVAL;
	}
	compact_nodes(k);
	return 0;
}

/* See sysctl.h. */
int sysctl_write(struct kernel *k, const char *name, const char *value, char *eb, size_t el)
{
	char key[96];
	normalise(name, key, sizeof key);
	if (!strcmp(key, "vm.compact_memory"))
		return compact_memory_write(k, value, eb, el);
	if (!strcmp(key, "vm.lowmem_reserve_ratio"))
		return lowmem_reserve_ratio_write(k, value, eb, el);
	if (!strcmp(key, "kernel.mm.swap.vma_ra_enabled"))
		return vma_ra_enabled_write(k, value, eb, el);
	char thp[96];
	if (thp_knob(key, thp, sizeof thp))
		return thp_sysfs_write(k, thp, value, eb, el);
	if (hugetlb_knob(key, thp, sizeof thp)) {
		int err = hugetlb_sysfs_write(k, thp, value, eb, el);
		if (err == -ENOENT)
			snprintf(eb, el, "%s: no such sysctl", name);
		return err;
	}
	const struct ctl_table *t = find(key);
	if (!t) {
		snprintf(eb, el, "%s: no such sysctl", name);
		return -ENOENT;
	}
	char *end;
	errno = 0;
	long v = strtol(value, &end, 10);
	while (*end == ' ' || *end == '\n')
		end++;
	if (errno || end == value || *end || v < t->min || v > t->max) {
		snprintf(eb, el, "%s: '%s' is not an integer from %d to %d", t->procname, value, t->min, t->max);
		return -EINVAL;
	}
	if (!strcmp(key, "vm.percpu_pagelist_high_fraction") && v && v < MIN_PERCPU_PAGELIST_HIGH_FRACTION) {
		snprintf(eb, el, "%s: 0 or at least %d", t->procname, MIN_PERCPU_PAGELIST_HIGH_FRACTION);
		return -EINVAL;
	}
	*(int *)((char *)k + t->offset) = (int)v;
	if (t->changed)
		t->changed(k);
	return 0;
}

/* vm.lowmem_reserve_ratio: one integer per zone type, separated by
 * blanks; fewer than there are zones leaves the rest. */
int lowmem_reserve_ratio_write(struct kernel *k, const char *value, char *eb, size_t el)
{
	int ratio[MAX_NR_ZONES];
	const char *p = value;
	int n = 0;

	memcpy(ratio, k->sysctl.lowmem_reserve_ratio, sizeof ratio);
	while (*p && n < MAX_NR_ZONES) {
		char *end;
		errno = 0;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		if (errno || v < 0 || v > INT_MAX) {
			snprintf(eb, el, "vm.lowmem_reserve_ratio: '%s': each value from 0 to %d", value, INT_MAX);
			return -EINVAL;
		}
		ratio[n++] = (int)v;
		p = end;
	}
	while (*p == ' ' || *p == '\t' || *p == '\n')
		p++;
	if (!n || *p) {
		snprintf(eb, el, "vm.lowmem_reserve_ratio: '%s' is not up to %d integers", value, MAX_NR_ZONES);
		return -EINVAL;
	}
	memcpy(k->sysctl.lowmem_reserve_ratio, ratio, sizeof ratio);
	setup_per_zone_wmarks(k);
	return 0;
}

/* See sysctl.h. */
int sysctl_read(struct kernel *k, const char *name, char *buf, size_t len)
{
	char key[96];
	normalise(name, key, sizeof key);
	if (!strcmp(key, "vm.compact_memory"))
		return -EACCES;                   /* mode 0200, even for root */
	if (!strcmp(key, "kernel.mm.swap.vma_ra_enabled")) {
		snprintf(buf, len, "%s", k->swap.vma_ra_enabled ? "true" : "false");
		return 0;
	}
	char thp[96];
	if (thp_knob(key, thp, sizeof thp))
		return thp_sysfs_read(k, thp, buf, len);
	if (hugetlb_knob(key, thp, sizeof thp))
		return hugetlb_sysfs_read(k, thp, buf, len);
	if (!strcmp(key, "vm.lowmem_reserve_ratio")) {
		int n = 0;
		for (int i = 0; i < MAX_NR_ZONES; i++)
			n += snprintf(buf + n, len > (size_t)n ? len - (size_t)n : 0, "%s%d", i ? "\t" : "",
				      k->sysctl.lowmem_reserve_ratio[i]);
		return 0;
	}
	const struct ctl_table *t = find(key);
	if (!t)
		return -ENOENT;
	snprintf(buf, len, "%d", *(const int *)((const char *)k + t->offset));
	return 0;
}

/* The i-th hugetlb key: vm.nr_hugepages, vm.nr_overcommit_hugepages,
 * then kernel.mm.hugepages.<size>.<file>; NULL past the last. */
static const char *hugetlb_key_at(size_t i)
{
	static char names[16][80];
	if (i < 2)
		return i ? "vm.nr_overcommit_hugepages" : "vm.nr_hugepages";
	const char *name = i - 2 < 16 ? hugetlb_sysfs_name_at(i - 2) : NULL;
	if (!name)
		return NULL;
	if (!names[i - 2][0]) {
		snprintf(names[i - 2], sizeof names[i - 2], HUGETLB_KEY "%s", name);
		*strrchr(names[i - 2], '/') = '.';
	}
	return names[i - 2];
}

/* See sysctl.h. */
const char *sysctl_name_at(size_t i)
{
	if (i < NR_KNOBS)
		return table[i].procname;
	if (i == NR_KNOBS)
		return "vm.lowmem_reserve_ratio";
	if (i == NR_KNOBS + 1)
		return "kernel.mm.swap.vma_ra_enabled";
	static char names[16][80];                    /* the THP knobs, by their key names */
	i -= NR_KNOBS + 2;
	const char *thp = i < 16 ? thp_sysfs_name_at(i) : NULL;
	if (!thp) {
		size_t nr_thp = 0;
		while (thp_sysfs_name_at(nr_thp))
			nr_thp++;
		return hugetlb_key_at(i - nr_thp);
	}
	if (!names[i][0]) {
		snprintf(names[i], sizeof names[i], THP_KEY "%s", thp);
		for (char *p = names[i] + strlen(THP_KEY); *p; p++)
			if (*p == '/')
				*p = '.';
	}
	return names[i];
}
