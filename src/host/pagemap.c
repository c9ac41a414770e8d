/*
 * host/pagemap.c — the pagemap of a host process as runs of equal flags.
 * The PAGEMAP_SCAN ioctl (Linux 6.7) finds the pages that are not plain
 * holes without reading a terabyte of them; the exact flags of present,
 * swapped and guard pages (exclusive, file, ...) come from /proc/PID/pagemap,
 * read only there. Older kernels get bounded pagemap reads.
 */
#include "host/host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* include/uapi/linux/fs.h of Linux 6.7 and later (older headers lack it). */
struct pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
struct page_region {
	uint64_t start, end, categories;
};
#define PAGEMAP_SCAN       _IOWR('f', 16, struct pm_scan_arg)
#define PAGE_IS_PRESENT    (1ULL << 3)
#define PAGE_IS_SWAPPED    (1ULL << 4)
#define PAGE_IS_SOFT_DIRTY (1ULL << 7)
#define PAGE_IS_GUARD      (1ULL << 8)   /* Linux 6.14 */

#define PM_FLAGS           (~0ULL << 55)                     /* bits 55-63 */
#define PM_SOFT_DIRTY      (1ULL << 55)
#define FALLBACK_MAX_PAGES (1ULL << 22)  /* 16 GiB read page by page: a few seconds */

/* Where a scan puts its runs: they cover [start, done). */
struct run_sink {
	struct mmsim_page_run *runs;
	size_t n, max;
	uint64_t done;
};

/* The pages [s->done, end) have flags: extend the last run or start one.
 * false when there is no room (s->done stays). */
static bool emit(struct run_sink *s, uint64_t end, uint64_t flags)
{
	struct mmsim_page_run *last = s->n ? &s->runs[s->n - 1] : NULL;
	if (end <= s->done)
		return true;
	if (last && last->flags == flags)
		last->end = end;
	else if (s->n < s->max)
		s->runs[s->n++] = (struct mmsim_page_run){ s->done, end, flags };
	else
		return false;
	s->done = end;
	return true;
}

/* The entries of [s->done, end) read from fd into the sink. 0 (s->done is
 * end, or the first page with no room), or -errno. */
static int read_entries(int fd, struct run_sink *s, uint64_t end)
{
	uint64_t e[512];
	while (s->done < end) {
		uint64_t n = (end - s->done) / 4096 < 512 ? (end - s->done) / 4096 : 512;
		ssize_t got = pread(fd, e, n * 8, (off_t)(s->done / 4096 * 8));
		if (got < 0)
			return -errno;
		if (got == 0) {
			emit(s, end, 0);                /* past the address space: nothing */
			return 0;
		}
		for (ssize_t i = 0; i < got / 8; i++)
			if (!emit(s, s->done + 4096, e[i] & PM_FLAGS))
				return 0;
	}
	return 0;
}

/* One PAGEMAP_SCAN call over [start, end) for the pages that are not plain
 * holes (with guard pages when the kernel knows them). The regions found,
 * or -errno (-ENOTTY, -EINVAL: the kernel has no such ioctl). */
static int scan_regions(int fd, uint64_t start, uint64_t end, struct page_region *vec, size_t n,
			uint64_t *walk_end)
{
	static uint64_t categories = PAGE_IS_PRESENT | PAGE_IS_SWAPPED | PAGE_IS_SOFT_DIRTY | PAGE_IS_GUARD;
	for (;;) {
		struct pm_scan_arg arg = { .size = sizeof arg, .start = start, .end = end,
					   .vec = (uint64_t)(uintptr_t)vec, .vec_len = n,
					   .category_anyof_mask = categories, .return_mask = categories };
		int got = ioctl(fd, PAGEMAP_SCAN, &arg);
		if (got >= 0) {
			*walk_end = arg.walk_end;
			return got;
		}
		if (errno != EINVAL || !(categories & PAGE_IS_GUARD))
			return -errno;
		categories &= ~PAGE_IS_GUARD;            /* before Linux 6.14 */
	}
}

/* The scan with PAGEMAP_SCAN: a page it does not report is a hole of a
 * VMA that is not soft-dirty, or outside every VMA (flags 0); one reported
 * only as soft-dirty is a hole of a soft-dirty VMA (the VMA's category);
 * the others are read from pagemap for their exact flags. 0 or -errno. */
static int scan_with_ioctl(int fd, struct run_sink *s, uint64_t end)
{
	struct page_region vec[64];
	while (s->done < end) {
		uint64_t walk_end = end;
		int n = scan_regions(fd, s->done, end, vec, 64, &walk_end), err;
		if (n < 0)
			return n;
		for (int i = 0; i < n; i++) {
			if (!emit(s, vec[i].start, 0))
				return 0;
			if (vec[i].categories == PAGE_IS_SOFT_DIRTY) {
				if (!emit(s, vec[i].end, PM_SOFT_DIRTY))
					return 0;
			} else if ((err = read_entries(fd, s, vec[i].end)) || s->done < vec[i].end) {
				return err;
			}
		}
		if (!emit(s, walk_end, 0) || walk_end >= end)
			return 0;
	}
	return 0;
}

/* See host.h. */
int64_t host_pagemap_scan(mmsim_machine *m, int pid, uint64_t start, uint64_t end, struct mmsim_page_run *runs,
			  size_t max, uint64_t *walk_end)
{
	struct host_machine *h = host_machine(m);
	struct run_sink s = { runs, 0, max, start };
	char path[64];
	int err;
	if (!host_task(h, pid))
		return -ESRCH;
	snprintf(path, sizeof path, "/proc/%d/pagemap", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		return host_fail(h, err, "%s: %s", path, mmsim_strerror(err));
	}
	const char *off = getenv("MMSIM_HOST_NO_PAGEMAP_SCAN");
	err = off && *off && *off != '0' ? -ENOTTY : scan_with_ioctl(fd, &s, end);
	if (err == -ENOTTY || err == -EINVAL) {                   /* before Linux 6.7 */
		if ((end - s.done) / 4096 > FALLBACK_MAX_PAGES)
			err = host_fail(h, -E2BIG, "pagemap_scan: %llu pages to read one by one: this kernel "
					"has no PAGEMAP_SCAN (Linux 6.7)", (unsigned long long)((end - s.done) / 4096));
		else
			err = read_entries(fd, &s, end);
	}
	close(fd);
	*walk_end = s.done;
	return err ? err : (int64_t)s.n;
}
