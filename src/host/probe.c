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
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

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

/* MemTotal in bytes. */
static uint64_t mem_total(void)
{
	char *text, *l;
	uint64_t kb = 0;
	if (host_read_file("/proc/meminfo", &text, NULL))
		return 0;
	if ((l = strstr(text, "MemTotal:")))
		kb = strtoull(l + 9, NULL, 10);
	free(text);
	return kb << 10;
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

/* Whether a write through a TLB entry that a permission upgrade left
 * stale faults (0) or the core walks again and finds the new entry (1), in
 * a child pinned to one CPU: a page write-protected by a fork is read (the
 * TLB caches it read-only), made writable by MADV_POPULATE_WRITE (Linux
 * reuses the page and flushes nothing), then written. Three tries, 0 if any
 * faulted. -1 when it cannot be measured. */
static int measure_stale_rewalk(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
		int code = sched_setaffinity(0, sizeof one, &one) ? 3 : 1;
		for (int i = 0; i < 3 && code == 1; i++) {
			volatile char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED)
				_exit(3);
			p[0] = 1;
			pid_t c = fork();
			if (c == 0)
				_exit(0);
			if (c < 0 || waitpid(c, NULL, 0) != c)
				_exit(3);
			(void)p[0];
			if (madvise((void *)p, 4096, MADV_POPULATE_WRITE))
				_exit(3);
			struct rusage a, b;
			getrusage(RUSAGE_SELF, &a);
			p[0] = 2;
			getrusage(RUSAGE_SELF, &b);
			if (b.ru_minflt != a.ru_minflt)
				code = 0;
			munmap((void *)p, 4096);
		}
		_exit(code);
	}
	int status;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) > 1)
		return -1;
	return WEXITSTATUS(status);
}

/* The same, from /proc/cpuinfo's vendor when it cannot be measured: AMD's
 * (and Hygon's) cores walk again, others are taken to fault. */
static int stale_rewalk(void)
{
	int m = measure_stale_rewalk();
	char *text;
	if (m >= 0 || host_read_file("/proc/cpuinfo", &text, NULL))
		return m > 0;
	m = strstr(text, "AuthenticAMD") || strstr(text, "HygonGenuine");
	free(text);
	return m;
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
	s->paging = paging_levels();
	cpu_set_t mine;                     /* the CPUs this process may use */
	s->cpus = sched_getaffinity(0, sizeof mine, &mine) ? 1 : CPU_COUNT(&mine);
	s->ram_bytes = mem_total();
	s->cap_sys_admin = cap_sys_admin();
	s->lsm_mmap_min_addr = lsm_mmap_min_addr();
	s->stale_rewalk = stale_rewalk();
	return measure_anon(s, err, errlen);
}
