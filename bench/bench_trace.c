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

#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
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

/* Write the TLB-friendly trace of n accesses at path: the mmap of its 16
 * pages, then the accesses. */
static void write_friendly(const char *path, uint64_t n)
{
	char err[700];
	struct mmsim_trace_meta meta = { .flags = MMSIM_TRACE_SYSCALLS, .program = "bench" };
	mmsim_trace_writer *w;
	if (mmsim_trace_create(path, &meta, &w, err, sizeof err))
		die("trace", err);
	struct mmsim_trace_record mm = { .type = MMSIM_TRACE_SYSCALL, .tid = 1,
					 .syscall = { .nr = 9, .args = { 0, 16 * 4096, 3, 0x22, (uint64_t)-1, 0 },
						      .result = (int64_t)BASE } };
	mmsim_trace_write(w, &mm);
	static struct mmsim_ref refs[65536];  /* 1 MiB: off the stack */
	for (uint64_t i = 0; i < n; i += 65536) {
		size_t k = n - i < 65536 ? (size_t)(n - i) : 65536;
		for (size_t j = 0; j < k; j++)
			refs[j] = friendly(i + j);
		if (mmsim_trace_write_accesses(w, refs, k))
			die("trace", mmsim_trace_writer_error(w));
	}
	if (mmsim_trace_finish(w, err, sizeof err))
		die("trace", err);
}

BENCH(trace_replay)
{
	uint64_t n = ctx->quick ? 4000000 : 40000000;
	char path[128], err[700];
	scratch(path, sizeof path, "friendly.mmt");
	write_friendly(path, n);
	static struct mmsim_ref refs[65536];

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

/* In a child process: a machine, then (replay) the trace at path replayed
 * on it; the child's peak resident set in bytes, 0 on failure. */
static double peak_rss(const char *path, bool replay)
{
	int fd[2];
	double rss = 0;
	if (pipe(fd))
		return 0;
	fflush(NULL);
	pid_t pid = fork();
	if (!pid) {
		char err[700];
		struct mmsim_replay_report *r;
		struct rusage ru;
		mmsim_machine *m = machine();
		if (replay && mmsim_replay(m, path, NULL, &r, err, sizeof err))
			_exit(1);
		getrusage(RUSAGE_SELF, &ru);
		double bytes = (double)ru.ru_maxrss * 1024;
		_exit(write(fd[1], &bytes, sizeof bytes) == sizeof bytes ? 0 : 1);
	}
	close(fd[1]);
	if (pid < 0 || read(fd[0], &rss, sizeof rss) != sizeof rss)
		rss = 0;
	close(fd[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return rss;
}

/*
 * Memory use bounded: the peak resident set of a process that replays a
 * trace of 1 G accesses (16 GiB of records once decompressed; QUICK: 20 M),
 * against one that only builds the machine: the replay streams, one block
 * at a time.
 */
BENCH(trace_replay_rss)
{
	uint64_t n = ctx->quick ? 20000000 : 1000000000;
	char path[128];
	struct stat st;
	scratch(path, sizeof path, "big.mmt");
	write_friendly(path, n);
	double replay = peak_rss(path, true), base = peak_rss(path, false);
	if (!stat(path, &st))
		bench_figure("replay_rss_trace_file_bytes", (double)st.st_size, "B");
	remove(path);
	bench_figure("replay_rss_accesses", (double)n, "accesses");
	bench_figure("replay_rss_bytes", replay, "B");
	bench_figure("machine_rss_bytes", base, "B");
	bench_ratio("replay_rss_vs_machine_rss", replay, base);
}

/*
 * The ChampSim importer on an xz-compressed trace of 64-byte records (one
 * load per instruction, over 64 MiB, the ip over 64 KiB), against
 * decompressing the same file and counting its records (the least an
 * importer does).
 */
BENCH(trace_import_champsim)
{
	uint64_t n = ctx->quick ? 500000 : 5000000;
	char in[128], out[128], err[700];
	scratch(in, sizeof in, "champsim.xz");
	scratch(out, sizeof out, "champsim.mmt");
	uint8_t *raw = calloc(n, 64), *buf = malloc(1 << 20);
	size_t cap = n * 64 + (1 << 20), len = 0;
	uint8_t *xz = malloc(cap);
	if (!raw || !buf || !xz)
		die("champsim", "no memory");
	for (uint64_t i = 0; i < n; i++) {
		uint64_t ip = 0x401000 + (i * 4) % 65536, a = 0x10000000 + (i * 64) % (64 << 20);
		memcpy(raw + i * 64, &ip, 8);
		memcpy(raw + i * 64 + 32, &a, 8);
	}
	if (lzma_easy_buffer_encode(1, LZMA_CHECK_CRC64, NULL, raw, n * 64, xz, &len, cap) != LZMA_OK)
		die("champsim", "xz encoding failed");
	FILE *f = fopen(in, "w");
	if (!f || fwrite(xz, 1, len, f) != len || fclose(f))
		die(in, "cannot write");

	uint64_t t0 = bench_now_ns(), got = 0;
	lzma_stream s = LZMA_STREAM_INIT;
	if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK)
		die("champsim", "no xz decoder");
	s.next_in = xz;
	s.avail_in = len;
	lzma_ret r = LZMA_OK;
	while (r == LZMA_OK) {
		s.next_out = buf;
		s.avail_out = 1 << 20;
		r = lzma_code(&s, LZMA_FINISH);
		got += (1 << 20) - s.avail_out;
	}
	lzma_end(&s);
	double count = (double)(got / 64) / ((double)(bench_now_ns() - t0) / 1e9);

	t0 = bench_now_ns();
	if (mmsim_trace_import("champsim", in, out, NULL, err, sizeof err))
		die("import champsim", err);
	double import = (double)n / ((double)(bench_now_ns() - t0) / 1e9);
	remove(in);
	remove(out);
	free(raw);
	free(buf);
	free(xz);
	bench_figure("import_champsim_records_per_s", import, "/s");
	bench_figure("xz_count_records_per_s", count, "/s");
	bench_ratio("import_champsim_vs_xz_counting", import, count);
}

/* Run argv to its end with standard output and error to /dev/null: the
 * CPU seconds (user + system) it and the children it waited for used, or
 * a negative value when it could not run or failed. */
static double cpu_seconds(char *const argv[])
{
	int status;
	struct rusage ru;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}

/*
 * The capture's slowdown: bench/prog/record_prog.c, a memory-bound program,
 * natively, under `mmsim record` (the Valgrind tool and the merge) and
 * under Valgrind's lackey (--trace-mem=yes, to /dev/null), in CPU seconds
 * (wall time counts the other programs of a shared machine). Lackey runs
 * the same program on an array 8 times smaller (it is some 200 times
 * slower), against the native run of that size. Left out, saying why,
 * without a C compiler, valgrind or the tool.
 */
BENCH(trace_record)
{
	const char *cli = getenv("MMSIM_BENCH_CLI");
	char prog[128], out[128], k[8], kl[8];
	scratch(prog, sizeof prog, "record_prog");
	scratch(out, sizeof out, "record.mmt");
	snprintf(k, sizeof k, "%d", ctx->quick ? 21 : 24);
	snprintf(kl, sizeof kl, "%d", ctx->quick ? 18 : 21);
	char *cc[] = { "cc", "-O2", "-o", prog, "bench/prog/record_prog.c", NULL };
	if (!cli || cpu_seconds(cc) < 0) {
		printf("  (capture figures left out: %s)\n", cli ? "cannot build bench/prog/record_prog.c with cc"
							   : "MMSIM_BENCH_CLI is not set");
		return;
	}
	char *native[] = { prog, k, NULL }, *native_small[] = { prog, kl, NULL };
	char *rec[] = { (char *)cli, "record", "-o", out, "--", prog, k, NULL };
	char *lackey[] = { "valgrind", "--tool=lackey", "--trace-mem=yes", "--log-file=/dev/null", prog, kl, NULL };
	double n = cpu_seconds(native), r = cpu_seconds(rec);
	remove(out);
	if (n <= 0 || r < 0) {
		printf("  (capture figures left out: mmsim record failed: no valgrind, or no tool built)\n");
		remove(prog);
		return;
	}
	bench_figure("native_cpu_s", n, "s");
	bench_figure("record_cpu_s", r, "s");
	bench_ratio("record_slowdown_vs_native", r, n);
	double ns = cpu_seconds(native_small), l = cpu_seconds(lackey);
	if (ns > 0 && l > 0) {
		bench_figure("native_small_cpu_s", ns, "s");
		bench_figure("lackey_cpu_s", l, "s");
		bench_ratio("lackey_slowdown_vs_native", l, ns);
	}
	remove(prog);
}

/* The replay of the TLB-friendly trace on a machine with caches (the
 * default preset with caches=1) and without, in the same run, each timed
 * in this process's CPU time (on a shared host, wall time counts other
 * programs): with caches every access also finds its line (an L1d hit
 * for nearly all), and the report's cycles come from the hierarchy. */
static double replay_cpu_per_s(const char *path, uint64_t n, bool caches, double *l1d_hits)
{
	char err[700];
	mmsim_config *c = mmsim_config_new(NULL, NULL);
	mmsim_machine *m;
	struct mmsim_replay_report *r;
	struct timespec a, b;
	if (!c || mmsim_config_set(c, "caches", caches ? "1" : "0", err, sizeof err) ||
	    mmsim_machine_new(c, &m, err, sizeof err))
		die("machine", err);
	mmsim_config_free(c);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	if (mmsim_replay(m, path, NULL, &r, err, sizeof err))
		die("replay", err);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	*l1d_hits = (double)mmsim_replay_stat(r, "mem.l1d.hit") / (double)n;
	mmsim_replay_report_free(r);
	mmsim_machine_free(m);
	double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	return (double)n / (s > 0 ? s : 1e-9);
}

BENCH(trace_replay_caches)
{
	uint64_t n = ctx->quick ? 4000000 : 40000000;
	char path[128];
	double hits, none;
	scratch(path, sizeof path, "friendly-caches.mmt");
	write_friendly(path, n);
	double with = replay_cpu_per_s(path, n, true, &hits), without = replay_cpu_per_s(path, n, false, &none);
	remove(path);
	bench_figure("replay_caches_accesses_per_s", with, "/s");
	bench_figure("replay_caches_l1d_hit_fraction", hits, "ratio");
	bench_figure("replay_nocache_cpu_accesses_per_s", without, "/s");
	bench_ratio("replay_caches_vs_nocache", with, without);
}

/* The progress of the walks replay: when the first pass ended. */
struct walks_clock {
	uint64_t pass;               /* accesses of the first pass */
	uint64_t t0, at;             /* the time and accesses of the first report past it */
};

static void walks_progress(void *ctx, uint64_t done, uint64_t total, uint64_t accesses)
{
	struct walks_clock *c = ctx;
	(void)done;
	(void)total;
	if (!c->t0 && accesses >= c->pass) {
		c->t0 = bench_now_ns();
		c->at = accesses;
	}
}

/* Replay the walks trace at path on a default machine (mmu.one_at_a_time
 * as one says): random accesses replayed per second after the first pass,
 * and the fraction of them that walked. */
static double replay_walks(const char *path, const char *one, uint64_t pass, double *walked)
{
	char err[700];
	mmsim_config *c = mmsim_config_new(NULL, NULL);
	mmsim_machine *m;
	if (!c || mmsim_config_set(c, "mmu.one_at_a_time", one, err, sizeof err) ||
	    mmsim_machine_new(c, &m, err, sizeof err))
		die("walks machine", err);
	mmsim_config_free(c);
	struct walks_clock clock = { .pass = pass };
	struct mmsim_replay_options o = { .progress = walks_progress, .ctx = &clock };
	struct mmsim_replay_report *r;
	if (mmsim_replay(m, path, &o, &r, err, sizeof err))
		die("walks replay", err);
	uint64_t t1 = bench_now_ns(), n = r->accesses - clock.at;
	*walked = (double)(mmsim_replay_stat(r, "replay.walks") - pass) / (double)(r->accesses - pass);
	mmsim_replay_report_free(r);
	mmsim_machine_free(m);
	return clock.t0 && t1 > clock.t0 ? (double)n * 1e9 / (double)(t1 - clock.t0) : 0;
}

/*
 * The replay of a miss-heavy trace: one load of every page of 16 GiB
 * (each maps the shared zero page, so the page tables are real: 32 MiB of
 * PTEs, as mmu_walk's), then loads of random pages of it, nearly all of
 * which walk; the random part is timed from the progress report that
 * follows the first pass. With look-ahead (the default: each single
 * access prefetches the page-table entry of the access 8 later into the
 * host's caches) and one at a time, against the host following dependent
 * random reads through 32 MiB in the same run (one walk whose PTE misses
 * the host's caches waits for one such read).
 */
BENCH(trace_replay_walks)
{
	const uint64_t region = 16ULL << 30, base = 0x100000000000ULL;
	uint64_t n = ctx->quick ? 2000000 : 20000000, pages = region >> 12, seed = 0x9e3779b97f4a7c15ULL;
	char path[128], err[700];
	scratch(path, sizeof path, "walks.mmt");
	struct mmsim_trace_meta meta = { .flags = MMSIM_TRACE_SYSCALLS, .program = "walks" };
	mmsim_trace_writer *w;
	if (mmsim_trace_create(path, &meta, &w, err, sizeof err))
		die("trace", err);
	struct mmsim_trace_record mm = { .type = MMSIM_TRACE_SYSCALL, .tid = 1,
					 .syscall = { .nr = 9, .args = { 0, region, 1, 0x4022, (uint64_t)-1, 0 },
						      .result = (int64_t)base } };
	mmsim_trace_write(w, &mm);
	static struct mmsim_ref refs[65536];
	for (uint64_t i = 0; i < pages + n; i += 65536) {
		size_t k = pages + n - i < 65536 ? (size_t)(pages + n - i) : 65536;
		for (size_t j = 0; j < k; j++) {
			uint64_t x = i + j;
			uint64_t a = x < pages ? base + (x << 12) : base + (bench_xorshift(&seed) & (region - 1) & ~7ULL);
			refs[j] = (struct mmsim_ref){ .addr = a, .size = 8, .kind = MMSIM_READ, .tid = 1 };
		}
		if (mmsim_trace_write_accesses(w, refs, k))
			die("trace", mmsim_trace_writer_error(w));
	}
	if (mmsim_trace_finish(w, err, sizeof err))
		die("trace", err);
	double walked, walked1;
	double ahead = replay_walks(path, "0", pages, &walked);
	double one = replay_walks(path, "1", pages, &walked1);
	remove(path);
	double host = bench_host_dependent_reads(32ULL << 20, n);
	bench_figure("replay_random_walks_per_s", ahead, "/s");
	bench_figure("replay_random_walk_fraction", walked, "ratio");
	bench_figure("replay_random_walks_one_at_a_time_per_s", one, "/s");
	bench_figure("walks_host_dependent_reads_32m_per_s", host, "/s");
	bench_ratio("replay_random_walks_vs_host_dependent_read", ahead, host);
	bench_ratio("replay_random_walks_ahead_vs_one_at_a_time", ahead, one);
}
