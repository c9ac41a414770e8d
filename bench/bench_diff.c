/*
 * bench/bench_diff.c — `mmsim diff` with many VMAs: one checkpoint of a
 * process with 65,500 non-mergeable VMAs (the host's vm.max_map_count is
 * 65,530), recorded on the simulator and on the host. The command reports
 * each state's time when MMSIM_DIFF_TIMING is set. The same-run baseline is
 * the least any such tool pays on the host: reading the process's maps and
 * smaps and scanning its pagemap once. Needs `--mmsim PATH` (make bench
 * passes it), Linux and root; the figures are skipped, with the reason,
 * otherwise.
 */
#include "bench.h"

#include "mmsim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The script: n one-page mappings, alternately read-only and read-write so
 * that no two merge, then a checkpoint. Written to path. */
static int write_script(const char *path, int n)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "local p = mmsim.machine{}:spawn{name = \"oracle\"}\n"
		   "for i = 1, %d do assert(p:mmap{len = 4096, prot = (i %% 2 == 0) and \"r\" or \"rw\"}) end\n"
		   "mmsim.checkpoint(\"many\")\n", n);
	return fclose(f);
}

/* Run `mmsim diff script` with timing; the seconds of state "many" on each
 * side (wall clock). 0, or -1 when it did not run or agree. */
static int run_diff(const char *mmsim, const char *script, double *sim_s, double *host_s)
{
	char cmd[512], line[256];
	snprintf(cmd, sizeof cmd, "MMSIM_DIFF_TIMING=1 %s diff %s 2>&1 >/dev/null", mmsim, script);
	FILE *p = popen(cmd, "r");
	int found = 0;
	if (!p)
		return -1;
	while (fgets(line, sizeof line, p)) {
		double s;
		if (sscanf(line, "mmsim diff: state \"many\" on the simulator: %lf s", &s) == 1)
			*sim_s = s, found |= 1;
		if (sscanf(line, "mmsim diff: state \"many\" on the host: %lf s", &s) == 1)
			*host_s = s, found |= 2;
	}
	int st = pclose(p);
	return found == 3 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* The baseline: a host process with n such VMAs; the seconds to read its
 * maps and smaps and scan its pagemap. -1 when the host cannot. */
static double host_floor(int n)
{
	mmsim_machine *m;
	char eb[256], path[64], *text;
	struct mmsim_page_run runs[1024];
	uint64_t lo = ~0ULL, hi = 0;
	if (mmsim_host_new(NULL, &m, eb, sizeof eb))
		return -1;
	int pid = mmsim_spawn(m, "floor", 0);
	for (int i = 0; i < n && pid > 0; i++) {
		int64_t a = mmsim_mmap(m, pid, 0, 4096, i % 2 ? 1 : 3, MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS, -1, 0);
		if (a < 0)
			break;
		lo = (uint64_t)a < lo ? (uint64_t)a : lo;
		hi = (uint64_t)a + 4096 > hi ? (uint64_t)a + 4096 : hi;
	}
	uint64_t t0 = bench_now_ns();
	for (int f = 0; f < 2 && pid > 0; f++) {
		snprintf(path, sizeof path, "/proc/%d/%s", pid, f ? "smaps" : "maps");
		if (!mmsim_proc_read(m, path, &text, NULL))
			free(text);
	}
	for (uint64_t at = lo, next; pid > 0 && at < hi; at = next)
		if (mmsim_pagemap_scan(m, pid, at, hi, runs, 1024, &next) <= 0)
			break;
	double s = (double)(bench_now_ns() - t0) / 1e9;
	mmsim_machine_free(m);
	return pid > 0 ? s : -1;
}

BENCH(diff_many_vmas)
{
	const char *mmsim = getenv("MMSIM_BENCH_CLI");
	int n = ctx->quick ? 8000 : 65500;
	char script[] = "/tmp/mmsim-bench-diff-XXXXXX";
	double sim = 0, host = 0;
	if (!mmsim || access(mmsim, X_OK) || geteuid() != 0) {
		printf("  skipped: it needs MMSIM_BENCH_CLI (make bench sets it), Linux and root\n");
		return;
	}
	int fd = mkstemp(script);
	if (fd < 0)
		return;
	close(fd);
	if (write_script(script, n) || run_diff(mmsim, script, &sim, &host)) {
		printf("  skipped: mmsim diff did not agree on %s\n", script);
		unlink(script);
		return;
	}
	unlink(script);
	double floor = host_floor(n);
	bench_figure(ctx->quick ? "diff_checkpoint_8k_vmas_s" : "diff_checkpoint_64k_vmas_s", sim + host, "s");
	bench_figure("diff_checkpoint_sim_s", sim, "s");
	bench_figure("diff_checkpoint_host_s", host, "s");
	if (floor > 0) {
		bench_figure("host_read_maps_smaps_pagemap_s", floor, "s");
		bench_ratio("diff_checkpoint_host_vs_reading", host, floor);
	}
}
