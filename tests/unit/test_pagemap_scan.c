/*
 * tests/unit/test_pagemap_scan.c — mmsim_pagemap_scan is /proc/PID/pagemap
 * compressed into runs of equal flags: checked against pagemap itself, read
 * page by page, on the simulator (both soft-dirty settings) and on the host.
 */
#include "api_helpers.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define PG 4096ULL
#define RW (MMSIM_PROT_READ | MMSIM_PROT_WRITE)
#define ANON (MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS)
#define FLAGS (~0ULL << 55)

/* Check the runs of [start, end) against pagemap, scanning with room for
 * max runs at a time (so a small max exercises walk_end). */
static void check_runs(mmsim_machine *m, int pid, uint64_t start, uint64_t end, size_t max)
{
	struct mmsim_page_run runs[64];
	char path[64];
	uint64_t at = start, walk_end, e;
	snprintf(path, sizeof path, "/proc/%d/pagemap", pid);
	cr_assert_leq(max, 64);
	while (at < end) {
		int64_t n = mmsim_pagemap_scan(m, pid, at, end, runs, max, &walk_end);
		cr_assert_gt(n, 0, "%s", mmsim_last_error(m));
		cr_assert_leq((size_t)n, max);
		cr_assert_eq(runs[0].start, at, "the runs start where asked");
		for (int64_t i = 0; i < n; i++) {
			cr_assert_lt(runs[i].start, runs[i].end);
			cr_assert(i == 0 || runs[i].start == runs[i - 1].end, "the runs are contiguous");
			cr_assert(i == 0 || runs[i].flags != runs[i - 1].flags, "neighbours differ");
			cr_assert_eq(runs[i].flags & ~FLAGS, 0, "no frame numbers");
			for (uint64_t a = runs[i].start; a < runs[i].end; a += PG) {
				cr_assert_eq(mmsim_proc_pread(m, path, a / PG * 8, &e, 8, 0), 8);
				cr_assert_eq(e & FLAGS, runs[i].flags, "page %#llx: pagemap %#llx, run %#llx",
					     (unsigned long long)a, (unsigned long long)(e & FLAGS),
					     (unsigned long long)runs[i].flags);
			}
		}
		cr_assert_eq(walk_end, runs[n - 1].end, "it stops after the last run");
		at = walk_end;
	}
	cr_assert_eq(at, end);
}

/* A layout of every kind of page: untouched, read, written, shared with a
 * child, a gap between VMAs, a PROT_NONE VMA. Returns the range to scan. */
static void build_layout(mmsim_machine *m, int pid, uint64_t *start, uint64_t *end)
{
	int64_t a = mmsim_mmap(m, pid, 0, 64 * PG, RW, ANON, -1, 0);
	cr_assert_gt(a, 0, "%s", mmsim_last_error(m));
	cr_assert_eq(mmsim_madvise(m, pid, (uint64_t)a, 64 * PG, MMSIM_MADV_NOHUGEPAGE), 0);
	int64_t b = mmsim_mmap(m, pid, (uint64_t)a - 80 * PG, 8 * PG, MMSIM_PROT_NONE,
			       ANON | MMSIM_MAP_FIXED_NOREPLACE, -1, 0);
	cr_assert_eq(b, a - (int64_t)(80 * PG), "%s", mmsim_last_error(m));
	for (int i = 0; i < 64; i += 3)
		cr_assert_eq(mmsim_touch(m, pid, (uint64_t)a + (uint64_t)i * PG, 1, MMSIM_WRITE, NULL), 0);
	for (int i = 1; i < 64; i += 5)
		cr_assert_eq(mmsim_touch(m, pid, (uint64_t)a + (uint64_t)i * PG, 1, MMSIM_READ, NULL), 0);
	int c = mmsim_fork(m, pid, -1);
	cr_assert_gt(c, 0);
	cr_assert_eq(mmsim_touch(m, pid, (uint64_t)a, 16 * PG, MMSIM_WRITE, NULL), 0, "COW: exclusive again");
	*start = (uint64_t)b - 16 * PG;
	*end = (uint64_t)a + 80 * PG;
}

static void check_machine(mmsim_machine *m)
{
	int pid = mmsim_spawn(m, "scan", 0);
	uint64_t start, end;
	cr_assert_gt(pid, 0, "%s", mmsim_last_error(m));
	build_layout(m, pid, &start, &end);
	check_runs(m, pid, start, end, 64);
	check_runs(m, pid, start, end, 1);
	check_runs(m, pid, start, end, 3);
}

Test(pagemap_scan, the_runs_are_pagemap_on_the_simulator)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	check_machine(m);
	mmsim_machine_free(m);
}

Test(pagemap_scan, the_runs_are_pagemap_without_soft_dirty)
{
	mmsim_machine *m = boot_with("soft_dirty", "0");
	check_machine(m);
	mmsim_machine_free(m);
}

/* Holes cost nothing: 64 TiB with a few pages in it is a handful of runs,
 * however the scan is sliced. */
Test(pagemap_scan, a_sparse_terabyte_is_a_few_runs)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	int pid = mmsim_spawn(m, "sparse", 0);
	struct mmsim_page_run runs[16];
	uint64_t walk_end;
	int64_t a = mmsim_mmap(m, pid, 0, 1ULL << 46, RW, ANON | MMSIM_MAP_NORESERVE, -1, 0);
	cr_assert_gt(a, 0, "%s", mmsim_last_error(m));
	for (int i = 0; i < 4; i++)
		cr_assert_eq(mmsim_touch(m, pid, (uint64_t)a + ((uint64_t)i << 44), 1, MMSIM_WRITE, NULL), 0);
	int64_t n = mmsim_pagemap_scan(m, pid, (uint64_t)a, (uint64_t)a + (1ULL << 46), runs, 16, &walk_end);
	cr_assert_eq(n, 8, "4 written pages, each followed by a hole");
	cr_assert_eq(walk_end, (uint64_t)a + (1ULL << 46));
	cr_assert_eq(runs[0].end - runs[0].start, PG);
	cr_assert_eq(runs[1].end - runs[1].start, (1ULL << 44) - PG);
	mmsim_machine_free(m);
}

Test(pagemap_scan, bad_arguments)
{
	mmsim_machine *m = boot_with(NULL, NULL);
	int pid = mmsim_spawn(m, "bad", 0);
	struct mmsim_page_run runs[1];
	uint64_t w;
	cr_assert_eq(mmsim_pagemap_scan(m, pid, 1, 2 * PG, runs, 1, &w), -EINVAL);
	cr_assert_eq(mmsim_pagemap_scan(m, pid, 2 * PG, PG, runs, 1, &w), -EINVAL);
	cr_assert_eq(mmsim_pagemap_scan(m, pid, 0, PG, runs, 0, &w), -EINVAL);
	cr_assert_eq(mmsim_pagemap_scan(m, 999, 0, PG, runs, 1, &w), -ESRCH);
	cr_assert_eq(mmsim_pagemap_scan(m, pid, PG, PG, runs, 1, &w), 0, "an empty range has no runs");
	cr_assert_eq(w, PG);
	mmsim_machine_free(m);
}

/* The host: the same check against the real pagemap, with PAGEMAP_SCAN and
 * with the page-by-page reading of kernels before 6.7. */
Test(pagemap_scan, the_runs_are_pagemap_on_the_host)
{
	mmsim_machine *m = host_or_skip();
	check_machine(m);
	mmsim_machine_free(m);
}

Test(pagemap_scan, the_runs_are_pagemap_on_a_host_without_pagemap_scan)
{
	setenv("MMSIM_HOST_NO_PAGEMAP_SCAN", "1", 1);
	mmsim_machine *m = host_or_skip();
	check_machine(m);
	int pid = mmsim_spawn(m, "big", 0);
	struct mmsim_page_run runs[4];
	uint64_t w;
	int64_t a = mmsim_mmap(m, pid, 0, 1ULL << 40, RW, ANON | MMSIM_MAP_NORESERVE, -1, 0);
	cr_assert_gt(a, 0);
	cr_assert_eq(mmsim_pagemap_scan(m, pid, (uint64_t)a, (uint64_t)a + (1ULL << 40), runs, 4, &w), -E2BIG,
		     "a terabyte is not read page by page");
	cr_assert_str_eq(mmsim_last_error(m), "pagemap_scan: 268435456 pages to read one by one: this kernel has "
			 "no PAGEMAP_SCAN (Linux 6.7)");
	mmsim_machine_free(m);
	unsetenv("MMSIM_HOST_NO_PAGEMAP_SCAN");
}
