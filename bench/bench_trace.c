/*
 * bench/bench_trace.c — traces (docs/traces.md): the replay of a
 * TLB-friendly trace (most accesses hit the L1 TLB), decompression
 * included, against the same accesses handed to mmsim_access_batch from
 * memory (what the replay adds: reading, decompressing, dispatching,
 * charging rows and pages); the lackey importer against reading the same
 * text and counting its lines (the least an importer does).
 */
#include "bench.h"

#include "mmsim.h"
#include "mmsim_trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BASE 0x10000000ULL

/* A scratch file name in /tmp. */
static void scratch(char *path, size_t len, const char *what)
{
	snprintf(path, len, "/tmp/mmsim-bench-%d-%s", (int)getpid(), what);
}

/* The i-th access of the TLB-friendly trace: loads and stores walking over
 * 16 pages, 8 bytes apart. */
static struct mmsim_ref friendly(uint64_t i)
{
	return (struct mmsim_ref){ .addr = BASE + (i * 8) % (16 * 4096), .size = 8,
				   .kind = (uint8_t)(i % 4 == 3 ? MMSIM_WRITE : MMSIM_READ), .tid = 1 };
}

static mmsim_machine *machine(void)
{
	mmsim_config *c = mmsim_config_new(NULL, NULL);
	mmsim_machine *m;
	char err[256];
	if (!c || mmsim_machine_new(c, &m, err, sizeof err)) {
		fprintf(stderr, "bench: cannot build a machine: %s\n", err);
		exit(1);
	}
	mmsim_config_free(c);
	return m;
}

static void die(const char *what, const char *err)
{
	fprintf(stderr, "bench: %s: %s\n", what, err);
	exit(1);
}

BENCH(trace_replay)
{
	uint64_t n = ctx->quick ? 4000000 : 40000000;
	char path[128], err[700];
	scratch(path, sizeof path, "friendly.mmt");
	struct mmsim_trace_meta meta = { .flags = MMSIM_TRACE_SYSCALLS, .program = "bench" };
	mmsim_trace_writer *w;
	if (mmsim_trace_create(path, &meta, &w, err, sizeof err))
		die("trace", err);
	struct mmsim_trace_record mm = { .type = MMSIM_TRACE_SYSCALL, .tid = 1,
					 .syscall = { .nr = 9, .args = { 0, 16 * 4096, 3, 0x22, (uint64_t)-1, 0 },
						      .result = (int64_t)BASE } };
	mmsim_trace_write(w, &mm);
	static struct mmsim_ref refs[65536];
	for (uint64_t i = 0; i < n; i += 65536) {
		size_t k = n - i < 65536 ? (size_t)(n - i) : 65536;
		for (size_t j = 0; j < k; j++)
			refs[j] = friendly(i + j);
		if (mmsim_trace_write_accesses(w, refs, k))
			die("trace", mmsim_trace_writer_error(w));
	}
	if (mmsim_trace_finish(w, err, sizeof err))
		die("trace", err);

	/* the replay */
	mmsim_machine *m = machine();
	struct mmsim_replay_report *r;
	uint64_t t0 = bench_now_ns();
	if (mmsim_replay(m, path, NULL, &r, err, sizeof err))
		die("replay", err);
	double replay = (double)n / ((double)(bench_now_ns() - t0) / 1e9);
	double hits = (double)mmsim_replay_stat(r, "tlb.l1d.hit.4k") / (double)n;
	mmsim_replay_report_free(r);
	mmsim_machine_free(m);

	/* the same accesses from memory */
	m = machine();
	int pid = mmsim_spawn(m, "bench", 0);
	mmsim_mmap(m, pid, BASE, 16 * 4096, 3, 0x22 | 0x100000, -1, 0);
	static uint8_t outcome[65536];
	t0 = bench_now_ns();
	for (uint64_t i = 0; i < n; i += 65536) {
		size_t k = n - i < 65536 ? (size_t)(n - i) : 65536, done;
		for (size_t j = 0; j < k; j++)
			refs[j] = friendly(i + j);
		if (mmsim_access_batch(m, pid, refs, k, outcome, &done, NULL))
			die("batch", mmsim_last_error(m));
	}
	double batch = (double)n / ((double)(bench_now_ns() - t0) / 1e9);
	mmsim_machine_free(m);

	/* reading alone */
	mmsim_trace *t;
	struct mmsim_trace_record x;
	if (mmsim_trace_open(path, &t, err, sizeof err))
		die("trace", err);
	t0 = bench_now_ns();
	uint64_t sum = 0;
	while (mmsim_trace_next(t, &x) == 1)
		sum += x.access.addr;
	double read = (double)n / ((double)(bench_now_ns() - t0) / 1e9);
	bench_sink(sum);
	mmsim_trace_close(t);
	remove(path);

	bench_figure("replay_accesses_per_s", replay, "/s");
	bench_figure("replay_l1_hit_fraction", hits, "ratio");
	bench_figure("access_batch_per_s", batch, "/s");
	bench_ratio("replay_vs_access_batch", replay, batch);
	bench_figure("trace_read_records_per_s", read, "/s");
}

BENCH(trace_import)
{
	uint64_t n = ctx->quick ? 1000000 : 10000000;
	char in[128], out[128], err[700];
	scratch(in, sizeof in, "lackey.txt");
	scratch(out, sizeof out, "lackey.mmt");
	FILE *f = fopen(in, "w");
	if (!f)
		die(in, "cannot write");
	fprintf(f, "==1== Lackey, an example Valgrind tool\n");
	for (uint64_t i = 0; i < n; i++) {
		uint64_t a = 0x4035000 + (i * 40) % (1 << 24);
		switch (i % 4) {
		case 0: fprintf(f, "I  %08llx,%d\n", (unsigned long long)(0x108000 + i % 65536), 3); break;
		case 1: fprintf(f, " L %08llx,8\n", (unsigned long long)a); break;
		case 2: fprintf(f, " S %08llx,4\n", (unsigned long long)a); break;
		default: fprintf(f, " M %08llx,8\n", (unsigned long long)a); break;
		}
	}
	fclose(f);

	/* the least: read the text and count its lines */
	uint64_t t0 = bench_now_ns(), lines = 0;
	f = fopen(in, "r");
	static char buf[1 << 20];
	size_t got;
	while ((got = fread(buf, 1, sizeof buf, f)))
		for (char *p = buf; (p = memchr(p, '\n', (size_t)(buf + got - p))); p++)
			lines++;
	fclose(f);
	double count = (double)lines / ((double)(bench_now_ns() - t0) / 1e9);

	t0 = bench_now_ns();
	if (mmsim_trace_import("lackey", in, out, NULL, err, sizeof err))
		die("import", err);
	double import = (double)lines / ((double)(bench_now_ns() - t0) / 1e9);
	remove(in);
	remove(out);
	bench_figure("import_lackey_lines_per_s", import, "/s");
	bench_figure("count_lines_per_s", count, "/s");
	bench_ratio("import_lackey_vs_counting_lines", import, count);
}
