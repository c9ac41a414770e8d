/*
 * mmsim_trace.h — memory traces of real programs and their replay on a
 * simulated machine (libmmsim-trace; docs/traces.md, docs/trace-format.md).
 *
 * A trace is mmsim's own binary file: a header (the program, its
 * arguments, the tool that captured it), then records in zstd-compressed
 * blocks: data accesses (address, size, kind, thread) and events (the
 * memory-management system calls with their results, threads, forks and
 * exits, the address space at the start). This library reads and writes
 * them, imports other tools' traces (Valgrind lackey's text, ChampSim's
 * instruction records), and replays a
 * trace on a machine of mmsim.h, reporting what the TLBs and the kernel did.
 *
 * It is a library of its own, apart from libmmsim, because it needs libzstd
 * (libmmsim needs only the C library): link with -lmmsim-trace -lmmsim
 * -lzstd (pkg-config mmsim-trace). It uses libmmsim through mmsim.h only.
 *
 * Errors: functions return 0 (or a count) on success and a negative errno
 * on failure, with a message (mmsim_trace_error for a reader or writer,
 * errbuf for the others) that names the file and, for bad contents, the
 * byte offset and what was expected there.
 */
#ifndef MMSIM_TRACE_H
#define MMSIM_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "mmsim.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default)

typedef struct mmsim_trace mmsim_trace;

/* ---- what a trace holds ---------------------------------------------------- */

/* Header flags. */
#define MMSIM_TRACE_SYSCALLS  1u    /* the trace has every memory-management
				     * system call and the address space at the
				     * start: the replay recreates and checks them;
				     * without it the replay is flat (docs/traces.md) */
#define MMSIM_TRACE_FETCHES   2u    /* instruction fetches are recorded (one per
				     * page entered) */
#define MMSIM_TRACE_VALGRIND  4u    /* the addresses are those of a client of
				     * Valgrind, which places a program differently
				     * from a native run (its own loader and stack) */

/* The header, as strings the reader owns (empty when the trace has none). */
struct mmsim_trace_info {
	unsigned version_major, version_minor;
	uint32_t page_size;                /* 4096 */
	uint32_t flags;                    /* MMSIM_TRACE_* */
	const char *program;               /* "/usr/bin/sort" */
	const char *const *argv;           /* the arguments, NULL-terminated (argv[0] first) */
	int argc;
	const char *tool;                  /* "mmsim record 0.1.0 (mmsim-record, Valgrind 3.19.0)" */
	const char *date;                  /* ISO 8601, UTC */
	const char *host;                  /* the capturing host's kernel: "Linux 6.1.0-18-amd64 x86_64" */
	const char *note;                  /* free text */
};

/* What a writer puts in the header (NULL strings are left out). */
struct mmsim_trace_meta {
	uint32_t flags;
	const char *program;
	const char *const *argv;           /* NULL-terminated, or NULL */
	const char *tool, *date, *host, *note;
};

/* Record types. */
enum mmsim_trace_type {
	MMSIM_TRACE_ACCESS = 0,     /* a data access or an instruction fetch */
	MMSIM_TRACE_SYSCALL = 1,    /* a memory-management system call and its result */
	MMSIM_TRACE_MAP = 2,        /* a mapping of the address space at the start */
	MMSIM_TRACE_THREAD = 3,     /* tid created thread child (clone with CLONE_THREAD) */
	MMSIM_TRACE_FORK = 4,       /* tid forked process child (fork, vfork, clone) */
	MMSIM_TRACE_EXIT = 5,       /* thread tid exited (group: its whole process) */
	MMSIM_TRACE_BRK = 6,        /* the program break at the start */
};

/* mmsim_trace_record.map.prot and .flags. */
#define MMSIM_TRACE_PROT_READ   1u
#define MMSIM_TRACE_PROT_WRITE  2u
#define MMSIM_TRACE_PROT_EXEC   4u
#define MMSIM_TRACE_MAP_SHARED  1u  /* a shared mapping ('s' in maps) */
#define MMSIM_TRACE_MAP_FILE    2u  /* backed by the file named */
#define MMSIM_TRACE_MAP_STACK   4u  /* the main thread's stack (grows down) */

/* One record. tid: the capture's thread id (for a process's first thread,
 * its pid). */
struct mmsim_trace_record {
	enum mmsim_trace_type type;
	uint32_t tid;
	union {
		struct mmsim_ref access;        /* .tid repeats tid */
		struct {
			uint64_t nr;            /* x86-64 system call number: 9 mmap ... */
			uint64_t args[6];
			int64_t result;         /* as the kernel returned it: -errno on failure */
		} syscall;
		struct {
			uint64_t start, end, offset;
			uint32_t prot, flags;   /* MMSIM_TRACE_PROT_*, MMSIM_TRACE_MAP_* */
			uint64_t inode;
			char name[256];         /* path, "[heap]", "[stack]", or "" */
		} map;
		struct {
			uint32_t child;         /* the new thread's or process's id */
			uint64_t clone_flags;   /* THREAD: clone's flags; FORK: 0 for fork */
		} clone;
		struct {
			int64_t code;
			uint32_t group;         /* 1: exit_group (every thread of the process) */
		} exit;
		struct {
			uint64_t start_brk, brk;
		} brk;
	};
};

/* ---- reading ------------------------------------------------------------------ */

/* Open the trace at path ("-": standard input) and read its header. 0 and
 * *out; -ENOENT, -EACCES... (cannot open), -EINVAL (not a trace, or a bad
 * header: errbuf names the byte offset), -ENOMEM. */
int mmsim_trace_open(const char *path, mmsim_trace **out, char *errbuf, size_t errlen);

/* The header of an open trace (the reader owns the strings). */
const struct mmsim_trace_info *mmsim_trace_info(const mmsim_trace *t);

/* The next record into *r: 1, 0 at the end (after the trailer was checked),
 * or a negative errno (-EINVAL: corrupt or truncated, -EIO: a read error)
 * with mmsim_trace_error saying where; every later call returns it again. */
int mmsim_trace_next(mmsim_trace *t, struct mmsim_trace_record *r);

/* The message of the last failure ("t.mmt: byte 4096: ..."). */
const char *mmsim_trace_error(const mmsim_trace *t);

/* Bytes of the file read so far, and its size (0 when not known: a pipe),
 * for progress. */
uint64_t mmsim_trace_offset(const mmsim_trace *t);
uint64_t mmsim_trace_size(const mmsim_trace *t);

/* Records read so far (an event counts as one). */
uint64_t mmsim_trace_records(const mmsim_trace *t);

void mmsim_trace_close(mmsim_trace *t);

/* ---- writing ------------------------------------------------------------------ */

typedef struct mmsim_trace_writer mmsim_trace_writer;

/* Create path ("-": standard output) with meta's header. 0 and *out, or a
 * negative errno with errbuf saying why. */
int mmsim_trace_create(const char *path, const struct mmsim_trace_meta *meta, mmsim_trace_writer **out,
		       char *errbuf, size_t errlen);

/* Append one record. 0; -EINVAL for a record the format cannot hold (a
 * kind or size out of range, a map name over 255 bytes); -EIO. The message
 * is mmsim_trace_writer_error's. */
int mmsim_trace_write(mmsim_trace_writer *w, const struct mmsim_trace_record *r);

/* Append n accesses (a faster mmsim_trace_write for each). */
int mmsim_trace_write_accesses(mmsim_trace_writer *w, const struct mmsim_ref *refs, size_t n);

/* Write the last block and the trailer and close the file. 0 or a
 * negative errno (the message is in errbuf); w is freed either way. */
int mmsim_trace_finish(mmsim_trace_writer *w, char *errbuf, size_t errlen);

const char *mmsim_trace_writer_error(const mmsim_trace_writer *w);

/* ---- importing ------------------------------------------------------------------ */

/*
 * Convert a trace of another tool at in ("-": standard input) into an
 * mmsim trace at out. format: "lackey" (the text of valgrind --tool=lackey
 * --trace-mem=yes, with --trace-syscalls=yes lines where present) or
 * "champsim" (ChampSim's 64-byte input_instr records, xz-compressed or not:
 * 8-byte accesses, a fetch per page entered; docs/traces.md).
 * *records (may be NULL) gets the number of records written. 0, or a
 * negative errno with errbuf naming the input line or byte and what was
 * expected there.
 */
int mmsim_trace_import(const char *format, const char *in, const char *out, uint64_t *records,
		       char *errbuf, size_t errlen);

/* ---- replaying ------------------------------------------------------------------ */

/* A point of the time series (mmsim_replay_options.sample), counted from
 * the start of the replay. */
struct mmsim_replay_sample {
	uint64_t accesses;          /* trace accesses replayed */
	uint64_t l1_misses;         /* accesses the L1 TLB did not translate */
	uint64_t walks;             /* accesses that needed a page walk */
	uint64_t walk_refs;         /* paging-structure entries read by walks */
	uint64_t faults;            /* accesses that took page faults */
	uint64_t cycles;            /* the cost model's cycles */
};

struct mmsim_replay_options {
	/* Threads on cores: 0 round-robin in order of appearance (the default),
	 * 1 every thread on core 0. */
	int placement;
	/* 1: do not compare system call results with the captured ones. */
	int no_check;
	/* How many pages to list by TLB misses (0: 10). */
	int top_pages;
	/* Call sample(ctx, &s) after every interval accesses (0: never) and
	 * at the end (once: not again when the last interval ended there). */
	uint64_t interval;
	void (*sample)(void *ctx, const struct mmsim_replay_sample *s);
	/* Call progress(ctx, bytes read, file size or 0, accesses) after each
	 * block. */
	void (*progress)(void *ctx, uint64_t done, uint64_t total, uint64_t accesses);
	void *ctx;
};

/* One mapping of the report: its name as /proc/PID/maps shows it (a path,
 * "[heap]", "[stack]", "[anon]" for an unnamed anonymous mapping) and what
 * its accesses needed. */
struct mmsim_replay_vma {
	char name[128];
	int pid;
	uint64_t start, end;
	uint64_t accesses, l1_misses, walks, faults;
	uint64_t huge_accesses;      /* those a page larger than 4 KiB (THP) translated */
};

/* A page (4 KiB, by virtual address) among those with the most TLB misses. */
struct mmsim_replay_page {
	int pid;
	uint64_t addr;
	uint64_t accesses, l1_misses, walks, faults;
	char vma[128];
};

struct mmsim_replay_report {
	uint64_t records, accesses, syscalls, events;
	uint64_t mismatches;                 /* system calls whose result differed */
	char first_mismatch[256];            /* the first, with its record number */
	int flat;                            /* 1: replayed in flat mode */
	uint64_t flat_maps;                  /* regions flat mode mapped on first touch */
	int processes, threads;
	/* The machine's counters over the replay (mmsim_machine_stats deltas,
	 * summed over cores; the per-core "cpuN." ones left out), then the
	 * replay's own "replay.*" figures: among them "replay.4k.*" and
	 * "replay.huge.*" (accesses, l1_misses, walks, faulted) split the
	 * accesses by the size of the page that translated each one (4 KiB, or
	 * larger: a 2 MiB THP, a 1 GiB page). */
	struct mmsim_stat *stats;
	size_t nstats;
	struct mmsim_replay_vma *vmas;       /* every mapping accessed, by accesses */
	size_t nvmas;
	struct mmsim_replay_page *pages;     /* the top pages, by walks then L1 misses */
	size_t npages;
};

/*
 * Replay the trace at path on machine m (a simulator machine, freshly
 * booted is best): its processes are spawned, the start address space is
 * recreated, the system calls are made through the simulated kernel (file
 * mappings become anonymous ones), and every access goes through the MMU
 * of the core its thread runs on. o may be NULL (the defaults). 0 and
 * *out (free it with mmsim_replay_report_free), or a negative errno with
 * errbuf saying what failed and at which record: a corrupt trace, a fatal
 * fault (the replayed program would have died), a machine that ran out.
 * The same trace, machine and seed give the same report.
 */
int mmsim_replay(mmsim_machine *m, const char *path, const struct mmsim_replay_options *o,
		 struct mmsim_replay_report **out, char *errbuf, size_t errlen);

void mmsim_replay_report_free(struct mmsim_replay_report *r);

/* The value of the report's counter name, 0 when it has none. */
uint64_t mmsim_replay_stat(const struct mmsim_replay_report *r, const char *name);

/* The report as text, as `mmsim replay` prints it, into a string to free()
 * (NULL: no memory). */
char *mmsim_replay_report_text(const struct mmsim_replay_report *r);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif
