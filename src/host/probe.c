/*
 * host/probe.c — what the host's kernel is set to, read from /proc and /sys
 * or measured with a page or two of this process's own memory.
 */
#include "host/host.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif

/* An integer from a one-line file; def when unreadable. */
static long read_long(const char *path, long def)
{
	char *text;
	if (host_read_file(path, &text, NULL))
		return def;
	long v = strtol(text, NULL, 10);
	free(text);
	return v;
}

/* The bracketed word of a sysfs choice ("always [madvise] never"). */
static void read_choice(const char *path, char *out, size_t len)
{
	char *text, *l, *r;
	snprintf(out, len, "unknown");
	if (host_read_file(path, &text, NULL))
		return;
	if ((l = strchr(text, '[')) && (r = strchr(l, ']')))
		snprintf(out, len, "%.*s", (int)(r - l - 1), l + 1);
	free(text);
}

/* The smaps block of the VMA starting at addr: its Rss in kB and whether
 * VmFlags has "sd". -1 when not found. */
static long smaps_of(uint64_t addr, int *soft_dirty)
{
	char *text, head[32];
	long rss = -1;
	if (host_read_file("/proc/self/smaps", &text, NULL))
		return -1;
	snprintf(head, sizeof head, "%08llx-", (unsigned long long)addr);
	for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, head, strlen(head)))
			continue;
		char *rs = strstr(line, "\nRss:"), *vf = strstr(line, "\nVmFlags:");
		if (rs)
			rss = strtol(rs + 5, NULL, 10);
		if (vf)
			*soft_dirty = strstr(vf, " sd ") != NULL && strstr(vf, " sd ") < strchr(vf + 1, '\n');
		break;
	}
	free(text);
	return rss;
}

/* Measure with two fresh anonymous pages: read faults on them map the zero
 * page when smaps counts no Rss; new VMAs are soft-dirty when their flags
 * say "sd"; naming them works when PR_SET_VMA_ANON_NAME does. */
static int measure_anon(struct mmsim_host_settings *s, char *err, size_t errlen)
{
	uint8_t *p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		snprintf(err, errlen, "host probe: mmap: %s", strerror(errno));
		return -errno;
	}
	madvise(p, 2 * 4096, MADV_NOHUGEPAGE);
	(void)*(volatile uint8_t *)p;
	(void)*(volatile uint8_t *)(p + 4096);
	long rss = smaps_of((uint64_t)p, &s->soft_dirty);
	s->zero_page = rss == 0;
	s->anon_vma_name = prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p, 4096, "probe") == 0;
	munmap(p, 2 * 4096);
	if (rss < 0) {
		snprintf(err, errlen, "host probe: /proc/self/smaps has no entry for the probe's pages");
		return -EIO;
	}
	return 0;
}

/* 5-level paging is in use when a hint above 47 bits is honoured. */
static int paging_levels(void)
{
	void *p = mmap((void *)(1ULL << 52), 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 4;
	int levels = (uint64_t)p >= (1ULL << 47) ? 5 : 4;
	munmap(p, 4096);
	return levels;
}

/* The field key ("MemTotal:") of /proc/meminfo in bytes; 0 without it. */
static uint64_t meminfo_bytes(const char *key)
{
	char *text, *l;
	uint64_t kb = 0;
	if (host_read_file("/proc/meminfo", &text, NULL))
		return 0;
	if ((l = strstr(text, key)))
		kb = strtoull(l + strlen(key), NULL, 10);
	free(text);
	return kb << 10;
}

/* Is the block device dev (or the disk of a partition dev) rotational? */
static bool block_rotational(dev_t dev)
{
	char path[96];
	for (int up = 0; up < 2; up++) {
		snprintf(path, sizeof path, "/sys/dev/block/%u:%u/%squeue/rotational", major(dev), minor(dev),
			 up ? "../" : "");
		long r = read_long(path, -1);
		if (r >= 0)
			return r == 1;
	}
	return false;
}

/* Does a swap device of /proc/swaps live on a rotational disk (Linux counts
 * those in nr_rotate_swap)? A file's disk is its filesystem's. */
static int swap_rotational(void)
{
	char *text;
	int rot = 0;
	if (host_read_file("/proc/swaps", &text, NULL))
		return 0;
	char *line = strchr(text, '\n');            /* past the header */
	while (line && *++line && !rot) {
		char path[512], type[32];
		struct stat st;
		if (sscanf(line, "%511s %31s", path, type) == 2 && !stat(path, &st))
			rot = block_rotational(strcmp(type, "partition") ? st.st_dev : st.st_rdev);
		line = strchr(line, '\n');
	}
	free(text);
	return rot;
}

/* The read_ahead_kb of the disk (or the disk of the partition) holding
 * path's filesystem; -1 when it is not on a block device. */
static int read_ahead_kb(const char *path)
{
	struct stat st;
	char sys[96];
	if (stat(path, &st) || !major(st.st_dev))
		return -1;
	for (int up = 0; up < 2; up++) {
		snprintf(sys, sizeof sys, "/sys/dev/block/%u:%u/%squeue/read_ahead_kb", major(st.st_dev),
			 minor(st.st_dev), up ? "../" : "");
		long r = read_long(sys, -1);
		if (r >= 0)
			return (int)r;
	}
	return -1;
}

/* CAP_SYS_ADMIN (bit 21) in the effective set. */
static int cap_sys_admin(void)
{
	char *text, *l;
	int yes = 0;
	if (host_read_file("/proc/self/status", &text, NULL))
		return 0;
	if ((l = strstr(text, "CapEff:")))
		yes = (int)(strtoull(l + 7, NULL, 16) >> 21 & 1);
	free(text);
	return yes;
}

/* The lowest address a hint gives (Linux: round_hint_to_min raises a hint
 * below the kernel's mmap_min_addr, the larger of vm.mmap_min_addr and
 * CONFIG_LSM_MMAP_MIN_ADDR, to it): where a page hinted at 4096 lands, if
 * that is low enough to be the rounded hint; else Linux's default. */
static int lsm_mmap_min_addr(void)
{
	void *p = mmap((void *)4096, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 65536;
	int min = (uint64_t)p < (1ULL << 30) ? (int)(uint64_t)p : 65536;
	munmap(p, 4096);
	return min;
}

/* Whether the CPU walks again when a TLB hit's cached rights forbid an
 * access (1), or may fault from the stale entry (0): AMD's and Hygon's
 * cores walk again; Intel's may fault (SDM §4.10.4.3). From the vendor,
 * not measured: in a virtual machine with shadow page tables a write
 * through a stale entry faults in some processes and not in others (on
 * the PVM guest this was written on, every such write of about one process
 * in four faults), so a measurement would say what one process saw. */
static int stale_rewalk(void)
{
	char *text;
	if (host_read_file("/proc/cpuinfo", &text, NULL))
		return 0;
	int amd = strstr(text, "AuthenticAMD") || strstr(text, "HygonGenuine");
	free(text);
	return amd;
}

/* See mmsim.h. */
int mmsim_host_probe(struct mmsim_host_settings *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	read_choice("/sys/kernel/mm/transparent_hugepage/enabled", s->thp, sizeof s->thp);
	s->overcommit_memory = (int)read_long("/proc/sys/vm/overcommit_memory", 0);
	s->overcommit_ratio = (int)read_long("/proc/sys/vm/overcommit_ratio", 50);
	s->max_map_count = (int)read_long("/proc/sys/vm/max_map_count", 65530);
	s->mmap_min_addr = (int)read_long("/proc/sys/vm/mmap_min_addr", 65536);
	s->randomize_va_space = (int)read_long("/proc/sys/kernel/randomize_va_space", 2);
	s->page_cluster = (int)read_long("/proc/sys/vm/page-cluster", 3);
	s->swappiness = (int)read_long("/proc/sys/vm/swappiness", 60);
	s->paging = paging_levels();
	cpu_set_t mine;                     /* the CPUs this process may use */
	s->cpus = sched_getaffinity(0, sizeof mine, &mine) ? 1 : CPU_COUNT(&mine);
	s->ram_bytes = meminfo_bytes("MemTotal:");
	s->swap_bytes = meminfo_bytes("SwapTotal:");
	s->swap_rotational = swap_rotational();
	s->cap_sys_admin = cap_sys_admin();
	s->lsm_mmap_min_addr = lsm_mmap_min_addr();
	s->stale_rewalk = stale_rewalk();
	s->read_ahead_kb = read_ahead_kb(HOST_DISK_DIR);
	char base[64];
	s->memcg = host_memcg_version(base, sizeof base);
	const char *const pools[2] = { "/sys/kernel/mm/hugepages/hugepages-2048kB/",
				       "/sys/kernel/mm/hugepages/hugepages-1048576kB/" };
	for (int i = 0; i < 2; i++) {
		char path[128];
		snprintf(path, sizeof path, "%snr_hugepages", pools[i]);
		s->nr_hugepages[i] = (int)read_long(path, i ? -1 : 0);
		snprintf(path, sizeof path, "%sfree_hugepages", pools[i]);
		s->free_hugepages[i] = (int)read_long(path, 0);
	}
	s->nr_overcommit_hugepages = (int)read_long("/proc/sys/vm/nr_overcommit_hugepages", 0);
	return measure_anon(s, err, errlen);
}
