/*
 * trace/replay.c — a trace replayed on a machine of mmsim.h
 * (docs/traces.md, "Replaying").
 *
 * The trace's threads become tasks of the machine (its processes spawned,
 * its threads and forks made as the events say, each new task on the next
 * core in turn), the start address space is recreated and the system calls
 * made through the machine's kernel with the captured addresses, and the
 * accesses go through the MMU in batches (mmsim_access_batch): one batch
 * per run of consecutive accesses of one thread. Each access's outcome is
 * charged to its mapping (a row per process and mapping name) and, when it
 * missed the L1 TLB, to its page.
 *
 * A trace without system calls (MMSIM_TRACE_SYSCALLS clear) is replayed
 * flat: the aligned 2 MiB region around every address touched becomes an
 * anonymous read-write-execute mapping when first touched, and its
 * system-call events are counted, not made.
 */
#include "trace/format.h"
#include "trace/replay.h"
#include "common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define FLAT_SHIFT   21                 /* flat mode maps 2 MiB regions */
#define FLAT_LOW     0x10000ULL         /* vm.mmap_min_addr's default */
#define FLAT_HIGH    ((1ULL << 47) - 4096)   /* TASK_SIZE with 4-level paging */
#define PAGES_MAX    (1u << 20)         /* pages the top-pages table tracks */
#define RUN_MAX      (TRACE_BLOCK_MAX / TRACE_SLOT)
#define STAT_MAX     4096
#define PAGE_AHEAD   64                 /* how far ahead charge_each prefetches page slots */

/* A thread of the trace: its id there and its task on the machine. */
struct thread {
	uint32_t tid;
	int pid;                 /* the task on the machine */
	int proc;                /* index into replay.procs */
};

/* A mapping of a process, as its maps file says, with the row it counts in. */
struct vma {
	uint64_t start, end;
	int row;
};

/* A process of the replay. */
struct proc {
	int pid;                 /* its leader's task */
	struct vma *vmas;        /* sorted by address */
	size_t nvmas;
	bool stale;              /* the maps file must be read again */
};

/* A page with L1 TLB misses (key: process << 48 | virtual page number,
 * plus 1 so that 0 marks an empty slot): its accesses that missed the L1
 * TLB or faulted, those that missed, walked, faulted. 24 bytes, so that
 * the table of a miss-heavy trace's million pages stays small (a page's
 * counts stop when it has counted 2^32 - 1). */
struct page {
	uint64_t key;
	uint32_t counted, l1_misses, walks, faults;
};

struct replay {
	mmsim_machine *m;
	mmsim_trace *t;
	struct mmsim_replay_options o;
	const struct mmsim_trace_info *info;
	bool flat;
	int cores, next_core;

	struct thread *threads;
	int nthreads, threads_cap, last_thread;
	struct proc *procs;
	int nprocs;

	struct replay_row *rows;
	int nrows, rows_cap;

	struct page *pages;      /* open addressing by key */
	size_t pages_cap, npages;
	uint64_t pages_dropped;  /* misses of pages the full table could not take */

	uint64_t *flat_set;      /* flat mode: regions mapped (key + 1; 0 empty) */
	size_t flat_cap, nflat;
	uint64_t flat_last;      /* the region found last (key + 1) */

	struct mmsim_ref *run;   /* the run being gathered (flat mode copies) */
	uint8_t *outcome;        /* per access of a run */
	uint64_t hist[NR_OUTCOMES];   /* every access's outcome */
	uint64_t accesses, syscalls, events, skipped, mismatches, unreplayed;
	uint64_t next_sample;
	bool sampled;                  /* a sample was taken at accesses (the end's is not repeated) */
	char first_mismatch[256];

	struct mmsim_stat *before;
	size_t nbefore;
	char *err;
	size_t errlen;
};

/* Fail the replay: the message, with the record number, into errbuf. */
static int rfail(struct replay *r, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int rfail(struct replay *r, int err, const char *fmt, ...)
{
	char what[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(r->err, r->err ? r->errlen : 0, "%s: record %llu: %s", r->t->name,
		 (unsigned long long)r->t->records, what);
	return err;
}

/* A fresh, zeroed array of n elements of size bytes, or NULL. */
static void *grow(void *old, size_t n, size_t oldn, size_t size)
{
	uint8_t *p = realloc(old, n * size);
	if (p && n > oldn)
		memset(p + oldn * size, 0, (n - oldn) * size);
	return p;
}

static inline uint64_t mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x9e3779b97f4a7c15ULL;
	return x ^ (x >> 29);
}

/* ---- threads and processes ------------------------------------------------------ */

static struct thread *find_thread(struct replay *r, uint32_t tid)
{
	if (r->nthreads && r->threads[r->last_thread].tid == tid)
		return &r->threads[r->last_thread];
	for (int i = 0; i < r->nthreads; i++)
		if (r->threads[i].tid == tid) {
			r->last_thread = i;
			return &r->threads[i];
		}
	return NULL;
}

static int add_thread(struct replay *r, uint32_t tid, int pid, int proc)
{
	if (r->nthreads == r->threads_cap) {
		int cap = r->threads_cap ? 2 * r->threads_cap : 16;
		struct thread *n = grow(r->threads, (size_t)cap, (size_t)r->threads_cap, sizeof *n);
		if (!n)
			return rfail(r, -ENOMEM, "no memory for thread %u", tid);
		r->threads = n;
		r->threads_cap = cap;
	}
	r->threads[r->nthreads++] = (struct thread){ tid, pid, proc };
	return 0;
}

/* The next core in turn (or 0, as the options say). */
static int next_core(struct replay *r)
{
	if (r->o.placement == 1)
		return 0;
	int c = r->next_core;
	r->next_core = (c + 1) % r->cores;
	return c;
}

/* Add the process whose leader is task pid. Its index, or a negative errno. */
static int add_proc(struct replay *r, int pid)
{
	struct proc *n = grow(r->procs, (size_t)r->nprocs + 1, (size_t)r->nprocs, sizeof *n);
	if (!n)
		return rfail(r, -ENOMEM, "no memory");
	r->procs = n;
	r->procs[r->nprocs] = (struct proc){ .pid = pid, .stale = true };
	return r->nprocs++;
}

/* The machine's failure of what, as the replay's. */
static int machine_fail(struct replay *r, int rc, const char *what)
{
	return rfail(r, rc < 0 ? rc : -EIO, "%s: %s", what, mmsim_last_error(r->m));
}

static int machine_stats(struct replay *r, struct mmsim_stat **out, size_t *n);

/* The first process, for thread tid, whose address space the trace gives
 * (so everything spawn put there goes: image, stack, vDSO). */
static int start_process(struct replay *r, uint32_t tid)
{
	const char *base = strrchr(r->info->program, '/');
	base = base ? base + 1 : r->info->program;
	int pid = mmsim_spawn(r->m, *base ? base : "replay", next_core(r));
	if (pid < 0)
		return machine_fail(r, pid, "spawn");
	int64_t rc = mmsim_munmap(r->m, pid, 0, (1ULL << 47) - 4096);
	if (rc < 0)
		return machine_fail(r, (int)rc, "munmap of the spawned address space");
	int proc = add_proc(r, pid);
	rc = proc < 0 ? proc : add_thread(r, tid, pid, proc);
	/* the report counts from here: the spawn and the clearing are not the trace's */
	return rc ? (int)rc : machine_stats(r, &r->before, &r->nbefore);
}

/* The thread of a record: the first thread seen starts the first process;
 * in flat mode other unknown threads are threads of the first process. */
static struct thread *thread_of(struct replay *r, uint32_t tid, int *err)
{
	struct thread *th = find_thread(r, tid);
	*err = 0;
	if (th)
		return th;
	if (!r->nprocs)
		*err = start_process(r, tid);
	else if (r->flat) {
		int pid = mmsim_thread(r->m, r->procs[0].pid, next_core(r));
		*err = pid < 0 ? machine_fail(r, pid, "thread") : add_thread(r, tid, pid, 0);
	} else {
		*err = rfail(r, -EINVAL, "thread %u appears before a thread or fork event made it", tid);
	}
	return *err ? NULL : find_thread(r, tid);
}

/* ---- mappings and rows ---------------------------------------------------------- */

/* The row of process proc's mapping name, made if new. */
static int row_of(struct replay *r, int proc, const char *name, uint64_t start, uint64_t end)
{
	for (int i = 0; i < r->nrows; i++) {
		struct replay_row *w = &r->rows[i];
		if (w->proc == proc && !strcmp(w->name, name)) {
			w->start = start < w->start ? start : w->start;
			w->end = end > w->end ? end : w->end;
			return i;
		}
	}
	if (r->nrows == r->rows_cap) {
		int cap = r->rows_cap ? 2 * r->rows_cap : 32;
		struct replay_row *n = grow(r->rows, (size_t)cap, (size_t)r->rows_cap, sizeof *n);
		if (!n)
			return -1;
		r->rows = n;
		r->rows_cap = cap;
	}
	struct replay_row *w = &r->rows[r->nrows];
	*w = (struct replay_row){ .proc = proc, .start = start, .end = end };
	snprintf(w->name, sizeof w->name, "%s", name);
	return r->nrows++;
}

/* Read process proc's mappings from its maps file. */
static int load_vmas(struct replay *r, int proc)
{
	struct proc *p = &r->procs[proc];
	char path[64], *text;
	size_t len, n = 0;
	snprintf(path, sizeof path, "/proc/%d/maps", p->pid);
	int rc = mmsim_proc_read(r->m, path, &text, &len);
	if (rc)
		return machine_fail(r, rc, path);
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	free(p->vmas);
	p->vmas = calloc(n + 1, sizeof *p->vmas);
	p->nvmas = 0;
	if (!p->vmas) {
		free(text);
		return rfail(r, -ENOMEM, "no memory");
	}
	for (char *line = text, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = 0;
		unsigned long long s, e;
		int name_at = 0;
		if (sscanf(line, "%llx-%llx %*s %*s %*s %*s %n", &s, &e, &name_at) < 2)
			continue;
		const char *name = name_at ? line + name_at : "";
		int row = row_of(r, proc, *name ? name : "[anon]", s, e);
		if (row < 0) {
			free(text);
			return rfail(r, -ENOMEM, "no memory");
		}
		p->vmas[p->nvmas++] = (struct vma){ s, e, row };
	}
	free(text);
	p->stale = false;
	return 0;
}

/* The mapping of process proc holding addr, or NULL. */
static const struct vma *find_vma(const struct proc *p, uint64_t addr)
{
	size_t lo = 0, hi = p->nvmas;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (addr < p->vmas[mid].start)
			hi = mid;
		else if (addr >= p->vmas[mid].end)
			lo = mid + 1;
		else
			return &p->vmas[mid];
	}
	return NULL;
}

/* Every process's mappings must be read again (after a system call or a
 * fork, which change them). */
static void all_stale(struct replay *r)
{
	for (int i = 0; i < r->nprocs; i++)
		r->procs[i].stale = true;
}

/* ---- pages ------------------------------------------------------------------------ */

/* The slot of page key in the table (with room for it), or NULL. */
static inline size_t page_slot(const struct replay *r, uint64_t key)
{
	return mix(key) & (r->pages_cap - 1);
}

/* Have the host fetch the slot of process proc's page of addr into its
 * caches: charge_each counts it soon (a hint; the table may grow first).
 * Always inlined: GCC takes a function that only prefetches for one with
 * no effect, and drops its calls. */
static inline __attribute__((always_inline)) void prefetch_page(const struct replay *r, int proc, uint64_t addr)
{
	if (r->pages_cap)
		__builtin_prefetch(&r->pages[page_slot(r, ((uint64_t)proc << 48 | addr >> 12) + 1)]);
}

/* Count an access of outcome o (an L1 TLB miss, or a fault) on page key - 1. */
static void count_page(struct replay *r, uint64_t key, uint8_t o)
{
	if (2 * (r->npages + 1) > r->pages_cap && r->pages_cap < 2 * PAGES_MAX) {
		size_t cap = r->pages_cap ? 2 * r->pages_cap : 4096;
		struct page *n = calloc(cap, sizeof *n), *old = r->pages;
		if (n) {
			for (size_t i = 0; i < r->pages_cap; i++) {
				if (!old[i].key)
					continue;
				size_t j = mix(old[i].key) & (cap - 1);
				while (n[j].key)
					j = (j + 1) & (cap - 1);
				n[j] = old[i];
			}
			free(old);
			r->pages = n;
			r->pages_cap = cap;
		}
	}
	if (!r->pages_cap) {
		r->pages_dropped++;
		return;
	}
	size_t j = page_slot(r, key);
	while (r->pages[j].key && r->pages[j].key != key)
		j = (j + 1) & (r->pages_cap - 1);
	struct page *pg = &r->pages[j];
	if (!pg->key) {
		if (r->npages >= PAGES_MAX) {
			r->pages_dropped++;
			return;
		}
		pg->key = key;
		r->npages++;
	}
	if (pg->counted == UINT32_MAX)          /* the page's counts stop there */
		return;
	pg->counted++;
	pg->l1_misses += (o & (MMSIM_REF_L2_HIT | MMSIM_REF_WALK)) != 0;
	pg->walks += (o & MMSIM_REF_WALK) != 0;
	pg->faults += (o & MMSIM_REF_FAULTED) != 0;
}

/* ---- flat mode ------------------------------------------------------------------------ */

static bool flat_has(const struct replay *r, uint64_t key)
{
	if (!r->flat_cap)
		return false;
	for (size_t j = mix(key) & (r->flat_cap - 1); r->flat_set[j]; j = (j + 1) & (r->flat_cap - 1))
		if (r->flat_set[j] == key)
			return true;
	return false;
}

static int flat_add(struct replay *r, uint64_t key)
{
	if (2 * (r->nflat + 1) > r->flat_cap) {
		size_t cap = r->flat_cap ? 2 * r->flat_cap : 1024;
		uint64_t *n = calloc(cap, sizeof *n), *old = r->flat_set;
		if (!n)
			return rfail(r, -ENOMEM, "no memory");
		for (size_t i = 0; i < r->flat_cap; i++) {
			if (!old[i])
				continue;
			size_t j = mix(old[i]) & (cap - 1);
			while (n[j])
				j = (j + 1) & (cap - 1);
			n[j] = old[i];
		}
		free(old);
		r->flat_set = n;
		r->flat_cap = cap;
	}
	size_t j = mix(key) & (r->flat_cap - 1);
	while (r->flat_set[j])
		j = (j + 1) & (r->flat_cap - 1);
	r->flat_set[j] = key;
	r->nflat++;
	return 0;
}

/* Flat mode: make sure the regions of an access exist. 1 when they do, 0
 * when the access lies outside what a process can map (it is skipped),
 * or a negative errno. */
static int flat_ensure(struct replay *r, const struct thread *th, uint64_t addr, uint32_t size)
{
	uint64_t end = addr + size - 1;
	if (end < addr || end >= FLAT_HIGH || addr < FLAT_LOW)
		return 0;
	for (uint64_t reg = addr >> FLAT_SHIFT; reg <= end >> FLAT_SHIFT; reg++) {
		uint64_t key = ((uint64_t)th->proc << 40 | reg) + 1;
		if (key == r->flat_last || flat_has(r, key)) {
			r->flat_last = key;
			continue;
		}
		uint64_t lo = reg << FLAT_SHIFT, hi = lo + (1ULL << FLAT_SHIFT);
		lo = lo < FLAT_LOW ? FLAT_LOW : lo;             /* clipped to what a process may map */
		hi = hi > FLAT_HIGH ? FLAT_HIGH : hi;
		int64_t a = mmsim_mmap(r->m, th->pid, lo, hi - lo,
				       PROT_READ | PROT_WRITE | PROT_EXEC,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (a < 0)
			return machine_fail(r, (int)a, "flat mode's mapping of a 2 MiB region");
		int rc = flat_add(r, key);
		if (rc)
			return rc;
		r->flat_last = key;
		r->procs[th->proc].stale = true;
	}
	return 1;
}

/* ---- accesses ---------------------------------------------------------------------- */

/* A sample of the time series, if one is due: every interval, and at the
 * end unless the last interval's sample fell there. */
static void sample(struct replay *r, bool last)
{
	if (!r->o.sample || (!last && r->accesses < r->next_sample) || (last && r->sampled))
		return;
	struct mmsim_stat s[72];
	size_t n = mmsim_machine_stats(r->m, s, 72);
	uint64_t cycles = 0, refs = 0;
	for (size_t i = 0; i < n && i < 72; i++) {
		if (!strcmp(s[i].name, "cycles"))
			cycles = s[i].value;
		else if (!strcmp(s[i].name, "walk_refs"))
			refs = s[i].value;
	}
	for (size_t i = 0; i < r->nbefore; i++) {
		if (!strcmp(r->before[i].name, "cycles"))
			cycles -= r->before[i].value;
		else if (!strcmp(r->before[i].name, "walk_refs"))
			refs -= r->before[i].value;
	}
	struct mmsim_replay_sample x = { .accesses = r->accesses, .l1_misses = hist_l1_misses(r->hist),
					 .walks = hist_walks(r->hist), .walk_refs = refs,
					 .faults = hist_faults(r->hist), .cycles = cycles };
	r->o.sample(r->o.ctx, &x);
	r->sampled = true;
	while (r->next_sample <= r->accesses)
		r->next_sample += r->o.interval;
}

/* Add L1 hits to a histogram: hits[0] on 4 KiB pages, hits[1] on larger. */
static inline void add_hits(uint64_t *hist, const uint64_t hits[2])
{
	hist[MMSIM_REF_L1_HIT] += hits[0];
	hist[MMSIM_REF_L1_HIT | MMSIM_REF_HUGE] += hits[1];
}

/* Charge the outcomes of refs[0..n-1] by process proc, one by one. The L1
 * hits (most of them) are summed, by page size, while the accesses stay in
 * one mapping. */
static int charge_each(struct replay *r, int proc, const struct mmsim_ref *refs, const uint8_t *outcome, size_t n)
{
	struct proc *p = &r->procs[proc];
	uint64_t lo = 0, len = 0, hits[2] = { 0, 0 };   /* the mapping's range (len 0: none, look up) */
	uint64_t *row = NULL;                 /* its row's outcomes */
	for (size_t i = 0; i < n; i++) {
		uint64_t a = refs[i].addr;
		uint8_t o = outcome[i];
		if (i + PAGE_AHEAD < n && outcome[i + PAGE_AHEAD] & ~MMSIM_REF_HUGE)
			prefetch_page(r, proc, refs[i + PAGE_AHEAD].addr);
		if (__builtin_expect(a - lo >= len, 0)) {
			add_hits(r->hist, hits);
			if (row)
				add_hits(row, hits);
			hits[0] = hits[1] = 0;
			const struct vma *v = p->stale ? NULL : find_vma(p, a);
			if (!v) {
				int rc = load_vmas(r, proc);
				if (rc)
					return rc;
				v = find_vma(p, a);
			}
			lo = v ? v->start : 0;
			len = v ? v->end - v->start : 0;
			row = v ? r->rows[v->row].hist : NULL;
		}
		if (__builtin_expect(!(o & ~MMSIM_REF_HUGE), 1)) {
			hits[o >> 3]++;
			continue;
		}
		r->hist[o]++;
		if (row)
			row[o]++;
		count_page(r, ((uint64_t)proc << 48 | a >> 12) + 1, o);
	}
	add_hits(r->hist, hits);
	if (row)
		add_hits(row, hits);
	return 0;
}

/* The mapping of p that holds every address of x[0..k-1] (k > 0), or
 * NULL. The bits in which the addresses differ from the first (ORed: three
 * instructions an access) give the aligned block that holds them all;
 * when that block is not within one mapping, their lowest and highest. */
static const struct vma *piece_vma(const struct proc *p, const struct mmsim_ref *x, size_t k)
{
	uint64_t a0 = x[0].addr, diff = 0, lo = a0, hi = a0;
	size_t i = 0;
	for (; i + 4 <= k; i += 4)
		diff |= (x[i].addr ^ a0) | (x[i + 1].addr ^ a0) | (x[i + 2].addr ^ a0) | (x[i + 3].addr ^ a0);
	for (; i < k; i++)
		diff |= x[i].addr ^ a0;
	uint64_t mask = diff ? ~0ULL >> __builtin_clzll(diff) : 0;
	const struct vma *v = find_vma(p, a0 & ~mask);
	if (v && (a0 | mask) < v->end)
		return v;
	for (i = 0; i < k; i++) {
		lo = x[i].addr < lo ? x[i].addr : lo;
		hi = x[i].addr > hi ? x[i].addr : hi;
	}
	v = find_vma(p, lo);
	return v && hi < v->end ? v : NULL;
}

/* Charge the outcomes of refs[0..n-1] by process proc: a piece of
 * accesses that all hit the L1 TLB within one mapping (piece_vma) at
 * once, the others by charge_each. */
static int charge(struct replay *r, int proc, const struct mmsim_ref *refs, size_t n)
{
	enum { PIECE = 1024 };
	const uint64_t huge_bits = 0x0101010101010101ULL * MMSIM_REF_HUGE;
	struct proc *p = &r->procs[proc];
	for (size_t at = 0; at < n; at += PIECE) {
		size_t k = n - at < PIECE ? n - at : PIECE;
		const struct mmsim_ref *x = refs + at;
		const uint8_t *o = r->outcome + at;
		uint64_t any = 0, word, hits[2];
		size_t i = 0, huge = 0;
		for (; i + sizeof word <= k; i += sizeof word) {      /* 8 outcomes at a time */
			memcpy(&word, o + i, sizeof word);
			any |= word & ~huge_bits;
			/* the huge bits, one per byte, summed into the top byte */
			huge += (size_t)((((word & huge_bits) / MMSIM_REF_HUGE) * 0x0101010101010101ULL) >> 56);
		}
		for (; i < k; i++) {
			any |= o[i] & ~MMSIM_REF_HUGE;
			huge += (o[i] & MMSIM_REF_HUGE) != 0;
		}
		const struct vma *v = any || p->stale ? NULL : piece_vma(p, x, k);
		if (v) {
			hits[0] = k - huge;
			hits[1] = huge;
			add_hits(r->hist, hits);
			add_hits(r->rows[v->row].hist, hits);
			continue;
		}
		int rc = charge_each(r, proc, x, o, k);
		if (rc)
			return rc;
	}
	return 0;
}

/* Replay refs[0..n-1], all by thread th. */
static int run_accesses(struct replay *r, const struct thread *th, const struct mmsim_ref *refs, size_t n)
{
	while (n) {
		size_t k = n, done = 0;
		if (r->o.interval && r->next_sample - r->accesses < k)
			k = (size_t)(r->next_sample - r->accesses);
		struct mmsim_fault f;
		int rc = mmsim_access_batch(r->m, th->pid, refs, k, r->outcome, &done, &f);
		r->accesses += done;
		r->t->records += done;
		if (done)
			r->sampled = false;
		if (rc) {                                       /* the replay ends here */
			static const char *const kinds[] = { "load", "store", "fetch", "modify" };
			r->t->records++;
			return rfail(r, rc, "the %s of %u bytes at %#llx by thread %u (access %llu): %s",
				     kinds[refs[done].kind & 3], refs[done].size, (unsigned long long)refs[done].addr,
				     th->tid, (unsigned long long)r->accesses + 1, mmsim_last_error(r->m));
		}
		if ((rc = charge(r, th->proc, refs, done)))
			return rc;
		sample(r, false);
		refs += k;
		n -= k;
	}
	return 0;
}

/* Flat mode: replay refs[0..n-1] (thread th), mapping regions first touched
 * and leaving out what cannot be mapped. */
static int run_flat(struct replay *r, const struct thread *th, const struct mmsim_ref *refs, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		int ok = flat_ensure(r, th, refs[i].addr, refs[i].size);
		if (ok < 0)
			return ok;
		if (ok)
			continue;
		int rc = run_accesses(r, th, refs + start, i - start);
		if (rc)
			return rc;
		r->skipped++;
		r->t->records++;
		start = i + 1;
	}
	return run_accesses(r, th, refs + start, n - start);
}

/* ---- events ------------------------------------------------------------------------ */

/* A system call's result as text: an address in hex, -ENAME for an errno. */
static const char *result_text(int64_t v, char buf[32])
{
	if (v < 0 && v >= -4095)
		snprintf(buf, 32, "-%s", mmsim_strerror((int)v));
	else
		snprintf(buf, 32, "%#llx", (unsigned long long)v);
	return buf;
}

/* Record a result that differs from the capture's. */
static void mismatch(struct replay *r, const char *call, int64_t got, int64_t want)
{
	if (!r->mismatches++)
		snprintf(r->first_mismatch, sizeof r->first_mismatch, "record %llu: %s returned %s, the capture %s",
			 (unsigned long long)r->t->records, call, result_text(got, (char[32]){ 0 }),
			 result_text(want, (char[32]){ 0 }));
}

/* Make the system call of record x as thread th. */
static int replay_syscall(struct replay *r, const struct thread *th, const struct mmsim_trace_record *x)
{
	const uint64_t *a = x->syscall.args;
	int64_t want = x->syscall.result, got;
	const char *name;
	int pid = th->pid;

	r->syscalls++;
	if (r->flat) {
		r->unreplayed++;
		return 0;
	}
	switch (x->syscall.nr) {
	case 9: {                        /* mmap: where the capture put it; files become anonymous */
		unsigned long flags = a[3], prot = a[2];
		uint64_t addr = a[0];
		name = "mmap";
		if (want >= 0) {
			addr = (uint64_t)want;
			if (!(flags & MAP_FIXED))
				flags |= MAP_FIXED_NOREPLACE;
		}
		if (!(flags & MAP_ANONYMOUS))
			flags |= MAP_ANONYMOUS;
		got = mmsim_mmap(r->m, pid, addr, a[1], prot, flags & ~(unsigned long)(MAP_DENYWRITE | MAP_EXECUTABLE),
				 -1, 0);
		break;
	}
	case 11:
		name = "munmap";
		got = mmsim_munmap(r->m, pid, a[0], a[1]);
		break;
	case 10:
		name = "mprotect";
		got = mmsim_mprotect(r->m, pid, a[0], a[1], a[2]);
		break;
	case 25: {                       /* mremap: to where the capture moved it */
		unsigned long flags = a[3];
		uint64_t to = a[4];
		name = "mremap";
		if (want >= 0 && (uint64_t)want != a[0] && (flags & MREMAP_MAYMOVE)) {
			flags |= MREMAP_FIXED;
			to = (uint64_t)want;
		}
		got = mmsim_mremap(r->m, pid, a[0], a[1], a[2], flags, to);
		break;
	}
	case 12:
		name = "brk";
		got = mmsim_brk(r->m, pid, a[0]);
		break;
	case 28:
		name = "madvise";
		got = mmsim_madvise(r->m, pid, a[0], a[1], (int)a[2]);
		break;
	case 149:
		name = "mlock";
		got = mmsim_mlock(r->m, pid, a[0], a[1]);
		break;
	case 150:
		name = "munlock";
		got = mmsim_munlock(r->m, pid, a[0], a[1]);
		break;
	case 151:
		name = "mlockall";
		got = mmsim_mlockall(r->m, pid, (int)a[0]);
		break;
	case 152:
		name = "munlockall";
		got = mmsim_munlockall(r->m, pid);
		break;
	case 325:
		name = "mlock2";
		got = mmsim_mlock2(r->m, pid, a[0], a[1], (unsigned)a[2]);
		break;
	default:
		r->unreplayed++;
		return 0;
	}
	all_stale(r);
	if (got == -EOPNOTSUPP || got == -EIO)
		return machine_fail(r, (int)got, name);
	if (!r->o.no_check && got != want)
		mismatch(r, name, got, want);
	return 0;
}

/* A mapping of the start address space: anonymous (files are not
 * simulated yet), named after its file. */
static int replay_map(struct replay *r, const struct thread *th, const struct mmsim_trace_record *x)
{
	unsigned long prot = (x->map.prot & MMSIM_TRACE_PROT_READ ? PROT_READ : 0) |
			     (x->map.prot & MMSIM_TRACE_PROT_WRITE ? PROT_WRITE : 0) |
			     (x->map.prot & MMSIM_TRACE_PROT_EXEC ? PROT_EXEC : 0);
	unsigned long flags = MAP_FIXED | MAP_ANONYMOUS |
			      (x->map.flags & MMSIM_TRACE_MAP_SHARED ? MAP_SHARED : MAP_PRIVATE) |
			      (x->map.flags & MMSIM_TRACE_MAP_STACK ? MAP_GROWSDOWN : 0);
	uint64_t len = x->map.end - x->map.start;
	if (r->flat)
		return 0;
	int64_t got = mmsim_mmap(r->m, th->pid, x->map.start, len, prot, flags, -1, 0);
	if (got < 0)
		return machine_fail(r, (int)got, "the start address space's mapping");
	const char *name = x->map.name;
	if (x->map.flags & MMSIM_TRACE_MAP_FILE && *name) {   /* "[anon:libc.so.6]" */
		const char *base = strrchr(name, '/');
		char label[81];
		const char *from = base ? base + 1 : name;
		size_t n = strnlen(from, sizeof label - 1);      /* Linux takes 80 bytes */
		memcpy(label, from, n);
		label[n] = 0;
		for (char *c = label; *c; c++)
			if (*c == '[' || *c == ']' || *c == '\\' || *c == '$' || *c == '`' || *c < 0x20 || *c > 0x7e)
				*c = '_';
		mmsim_set_vma_anon_name(r->m, th->pid, x->map.start, len, label);
	}
	all_stale(r);
	return 0;
}

/* A new thread (THREAD) or process (FORK) made by thread th. */
static int replay_clone(struct replay *r, const struct thread *th, const struct mmsim_trace_record *x)
{
	if (find_thread(r, x->clone.child))
		return rfail(r, -EINVAL, "thread %u made thread %u, which exists already", th->tid, x->clone.child);
	int parent = th->pid, proc = th->proc;
	if (x->type == MMSIM_TRACE_THREAD) {
		int pid = mmsim_thread(r->m, parent, next_core(r));
		return pid < 0 ? machine_fail(r, pid, "thread") : add_thread(r, x->clone.child, pid, proc);
	}
	int pid = mmsim_fork(r->m, parent, next_core(r));
	if (pid < 0)
		return machine_fail(r, pid, "fork");
	int np = add_proc(r, pid);
	all_stale(r);
	return np < 0 ? np : add_thread(r, x->clone.child, pid, np);
}

/* Thread th exits (its whole process with group). */
static int replay_exit(struct replay *r, struct thread *th, const struct mmsim_trace_record *x)
{
	int proc = th->proc;
	if (x->exit.group || th->pid == r->procs[proc].pid) {
		int rc = mmsim_exit(r->m, r->procs[proc].pid, (int)x->exit.code);
		if (rc < 0)
			return machine_fail(r, rc, "exit");
		for (int i = 0; i < r->nthreads; i++)       /* its threads' ids may come again */
			if (r->threads[i].proc == proc)
				r->threads[i].tid = UINT32_MAX;
	} else {
		th->tid = UINT32_MAX;
	}
	return 0;
}

/* The program break at the start: the heap starts at start_brk and ends at
 * brk, and the data segment ends where the heap starts (prctl(PR_SET_MM)
 * sets them one by one, each step valid: upwards or downwards from where
 * spawn left them). */
static int replay_brk(struct replay *r, const struct thread *th, const struct mmsim_trace_record *x)
{
	enum { START_DATA = 3, END_DATA = 4, START_BRK = 6, BRK = 7 };
	const int down[] = { START_DATA, END_DATA, START_BRK, BRK }, up[] = { BRK, START_BRK, END_DATA, START_DATA };
	uint64_t s = x->brk.start_brk;
	const uint64_t value[8] = { [START_DATA] = s, [END_DATA] = s, [START_BRK] = s, [BRK] = x->brk.brk };
	if (r->flat)
		return 0;
	for (int order = 0; order < 2; order++) {
		const int *opt = order ? up : down;
		int64_t rc = 0;
		for (int i = 0; i < 4 && !rc; i++)
			rc = mmsim_prctl_set_mm(r->m, th->pid, opt[i], value[opt[i]]);
		if (!rc)
			return 0;
	}
	return machine_fail(r, -EINVAL, "the program break at the start");
}

/* One event of the trace. */
static int replay_event(struct replay *r, const struct mmsim_trace_record *x)
{
	int err;
	struct thread *th = thread_of(r, x->tid, &err);
	if (!th)
		return err;
	r->events++;
	switch (x->type) {
	case MMSIM_TRACE_SYSCALL:
		return replay_syscall(r, th, x);
	case MMSIM_TRACE_MAP:
		return replay_map(r, th, x);
	case MMSIM_TRACE_THREAD:
	case MMSIM_TRACE_FORK:
		return replay_clone(r, th, x);
	case MMSIM_TRACE_EXIT:
		return replay_exit(r, th, x);
	case MMSIM_TRACE_BRK:
		return replay_brk(r, th, x);
	default:
		return 0;
	}
}

/* ---- the loop ---------------------------------------------------------------------- */

/* The end of the run of access slots from slot i (an access) of buf's
 * nslots that are by i's thread: bytes 8 to 15 of each, read as one
 * little-endian word, hold the event flag (bit 23) and the thread (bits 32
 * to 63); four slots are compared at a time. */
static size_t same_thread_run(const uint8_t *buf, size_t i, size_t nslots)
{
	const uint64_t mask = 0xffffffff00000000ULL | (uint64_t)SLOT_EVENT << 16;
	const uint64_t want = get64(buf + i * TRACE_SLOT + 8) & mask;
	size_t j = i + 1;
	for (; j + 4 <= nslots; j += 4) {
		const uint8_t *s = buf + j * TRACE_SLOT + 8;
		if (((get64(s) ^ want) | (get64(s + 16) ^ want) | (get64(s + 32) ^ want) | (get64(s + 48) ^ want)) &
		    mask)
			break;
	}
	while (j < nslots && !((get64(buf + j * TRACE_SLOT + 8) ^ want) & mask))
		j++;
	return j;
}

/* Replay the block in t->buf: runs of accesses of one thread in batches,
 * events one by one. */
static int replay_block(struct replay *r)
{
	struct mmsim_trace *t = r->t;
	const uint8_t *buf = t->buf;
	size_t nslots = t->len / TRACE_SLOT, i = 0;
	while (i < nslots) {
		const uint8_t *s = buf + i * TRACE_SLOT;
		if (s[10] & SLOT_EVENT) {
			struct mmsim_trace_record x;
			char why[200];
			int n = trace_decode(s, nslots - i, &x, why, sizeof why);
			if (n < 0)
				return rfail(r, -EINVAL, "%s", why);
			t->records++;
			int rc = replay_event(r, &x);
			if (rc)
				return rc;
			i += (size_t)n;
			continue;
		}
		size_t j = same_thread_run(buf, i, nslots);
		uint32_t tid = get32(s + 12);
		int err;
		struct thread *th = thread_of(r, tid, &err);
		if (!th)
			return err;
		/* the slots are the batch's refs (the same 16 little-endian bytes) */
		const struct mmsim_ref *refs = (const struct mmsim_ref *)(const void *)s;
		int rc = r->flat ? run_flat(r, th, refs, j - i) : run_accesses(r, th, refs, j - i);
		if (rc)
			return rc;
		i = j;
	}
	return 0;
}

/* The machine's counters now, the per-core ones left out: *out (malloc'd)
 * and their number. */
static int machine_stats(struct replay *r, struct mmsim_stat **out, size_t *n)
{
	struct mmsim_stat *s = malloc(STAT_MAX * sizeof *s);
	if (!s)
		return rfail(r, -ENOMEM, "no memory");
	size_t all = mmsim_machine_stats(r->m, s, STAT_MAX), k = 0;
	for (size_t i = 0; i < all && i < STAT_MAX; i++)
		if (strncmp(s[i].name, "cpu", 3) || !strchr(s[i].name, '.') || s[i].name[3] < '0' || s[i].name[3] > '9')
			s[k++] = s[i];
	*out = s;
	*n = k;
	return 0;
}

/* Order rows by accesses (most first), then process and name. */
static int by_accesses(const void *a, const void *b)
{
	const struct mmsim_replay_vma *x = a, *y = b;
	if (x->accesses != y->accesses)
		return x->accesses > y->accesses ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* A candidate for the top pages: a page of the table and its order. */
struct top {
	uint64_t walks, l1_misses, addr;
	int pid, proc;
	const struct page *pg;
};

/* Order pages by walks, then L1 misses (most first), then process and
 * address. */
static int by_misses(const void *a, const void *b)
{
	const struct top *x = a, *y = b;
	if (x->walks != y->walks)
		return x->walks > y->walks ? -1 : 1;
	if (x->l1_misses != y->l1_misses)
		return x->l1_misses > y->l1_misses ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Keep x among the k best pages (by_misses) in heap h of *n: the worst of
 * them at h[0], each above its children (i: 2i + 1, 2i + 2). */
static void keep_top(struct top *h, size_t *n, size_t k, const struct top *x)
{
	size_t i;
	if (*n < k) {                                   /* room: up from the end */
		for (i = (*n)++; i && by_misses(x, &h[(i - 1) / 2]) > 0; i = (i - 1) / 2)
			h[i] = h[(i - 1) / 2];
		h[i] = *x;
		return;
	}
	if (!k || by_misses(x, &h[0]) >= 0)            /* no better than the worst kept */
		return;
	for (i = 0;;) {                                 /* x replaces it: down from the root */
		size_t w = i, l = 2 * i + 1;
		const struct top *worst = x;
		if (l < k && by_misses(&h[l], worst) > 0)
			w = l, worst = &h[l];
		if (l + 1 < k && by_misses(&h[l + 1], worst) > 0)
			w = l + 1;
		if (w == i)
			break;
		h[i] = h[w];
		i = w;
	}
	h[i] = *x;
}

/* Append counter name = value to the report's stats (room was made). */
static void put_stat(struct mmsim_replay_report *rep, const char *name, uint64_t value)
{
	struct mmsim_stat *s = &rep->stats[rep->nstats++];
	snprintf(s->name, sizeof s->name, "%s", name);
	s->value = value;
}

/* The report of the replay that ran. */
static int build_report(struct replay *r, struct mmsim_replay_report **out)
{
	struct mmsim_replay_report *rep = calloc(1, sizeof *rep);
	struct mmsim_stat *after = NULL;
	size_t nafter = 0;
	if (!rep || machine_stats(r, &after, &nafter)) {
		free(rep);
		return rfail(r, -ENOMEM, "no memory");
	}
	rep->stats = calloc(nafter + 24, sizeof *rep->stats);
	rep->vmas = calloc((size_t)r->nrows + 1, sizeof *rep->vmas);
	size_t top = r->o.top_pages > 0 ? (size_t)r->o.top_pages : 10;
	size_t ntops = (r->npages < top ? r->npages : top) + 1;
	rep->pages = calloc(ntops, sizeof *rep->pages);
	struct top *tops = malloc(ntops * sizeof *tops);
	if (!rep->stats || !rep->vmas || !rep->pages || !tops) {
		free(tops);
		free(after);
		mmsim_replay_report_free(rep);
		return rfail(r, -ENOMEM, "no memory");
	}
	for (size_t i = 0; i < nafter; i++) {           /* the counters of the machine, as deltas */
		uint64_t was = 0;
		if (i < r->nbefore && !strcmp(r->before[i].name, after[i].name))
			was = r->before[i].value;
		put_stat(rep, after[i].name, after[i].value - was);
	}
	free(after);
	rep->records = r->t->records;
	rep->accesses = r->accesses;
	rep->syscalls = r->syscalls;
	rep->events = r->events;
	rep->mismatches = r->mismatches;
	snprintf(rep->first_mismatch, sizeof rep->first_mismatch, "%s", r->first_mismatch);
	rep->flat = r->flat;
	rep->flat_maps = r->nflat;
	rep->processes = r->nprocs;
	rep->threads = r->nthreads;
	uint64_t cycles = mmsim_replay_stat(rep, "cycles"), translations = 0;
	for (size_t i = 0; i < rep->nstats; i++)
		if (!strncmp(rep->stats[i].name, "accesses.", 9))
			translations += rep->stats[i].value;
	char lat[32] = "0";
	mmsim_machine_config_get(r->m, "lat.l1_hit", lat, sizeof lat);
	uint64_t base = translations * strtoull(lat, NULL, 10);
	put_stat(rep, "replay.records", r->t->records);
	put_stat(rep, "replay.accesses", r->accesses);
	put_stat(rep, "replay.l1_misses", hist_l1_misses(r->hist));
	put_stat(rep, "replay.l2_hits", hist_sum(r->hist, MMSIM_REF_L2_HIT, -1));
	put_stat(rep, "replay.walks", hist_walks(r->hist));
	put_stat(rep, "replay.faulted", hist_faults(r->hist));
	put_stat(rep, "replay.syscalls", r->syscalls);
	put_stat(rep, "replay.syscalls_not_replayed", r->unreplayed);
	put_stat(rep, "replay.mismatches", r->mismatches);
	put_stat(rep, "replay.skipped", r->skipped);
	put_stat(rep, "replay.flat_maps", r->nflat);
	put_stat(rep, "replay.translation_cycles", cycles > base ? cycles - base : 0);
	put_stat(rep, "replay.pages_untracked_misses", r->pages_dropped);
	for (int huge = 0; huge <= MMSIM_REF_HUGE; huge += MMSIM_REF_HUGE) {   /* by the page that translated */
		static const char *const what[] = { "accesses", "l1_misses", "walks", "faulted" };
		const unsigned need[] = { 0, MMSIM_REF_L2_HIT | MMSIM_REF_WALK, MMSIM_REF_WALK, MMSIM_REF_FAULTED };
		char name[48];
		for (size_t i = 0; i < ARRAY_SIZE(what); i++) {
			snprintf(name, sizeof name, "replay.%s.%s", huge ? "huge" : "4k", what[i]);
			put_stat(rep, name, hist_sum(r->hist, need[i], huge));
		}
	}
	for (int i = 0; i < r->nrows; i++) {
		const struct replay_row *w = &r->rows[i];
		if (!hist_total(w->hist))
			continue;
		struct mmsim_replay_vma *v = &rep->vmas[rep->nvmas++];
		snprintf(v->name, sizeof v->name, "%s", w->name);
		*v = (struct mmsim_replay_vma){ .pid = r->procs[w->proc].pid, .start = w->start, .end = w->end,
						.accesses = hist_total(w->hist), .l1_misses = hist_l1_misses(w->hist),
						.walks = hist_walks(w->hist), .faults = hist_faults(w->hist),
						.huge_accesses = hist_sum(w->hist, 0, MMSIM_REF_HUGE) };
		snprintf(v->name, sizeof v->name, "%s", w->name);
	}
	qsort(rep->vmas, rep->nvmas, sizeof *rep->vmas, by_accesses);
	size_t ntop = 0;
	for (size_t i = 0; i < r->pages_cap; i++) {     /* the top pages, kept in a heap */
		const struct page *pg = &r->pages[i];
		if (!pg->key)
			continue;
		int proc = (int)((pg->key - 1) >> 48);
		struct top x = { .walks = pg->walks, .l1_misses = pg->l1_misses,
				 .addr = ((pg->key - 1) & ((1ULL << 48) - 1)) << 12, .pid = r->procs[proc].pid,
				 .proc = proc, .pg = pg };
		keep_top(tops, &ntop, top, &x);
	}
	qsort(tops, ntop, sizeof *tops, by_misses);
	for (size_t i = 0; i < ntop; i++) {
		const struct top *x = &tops[i];
		const struct vma *v = find_vma(&r->procs[x->proc], x->addr);
		rep->pages[rep->npages++] = (struct mmsim_replay_page){ .pid = x->pid, .addr = x->addr,
									.accesses = x->pg->counted,
									.l1_misses = x->l1_misses, .walks = x->walks,
									.faults = x->pg->faults };
		snprintf(rep->pages[i].vma, sizeof rep->pages[i].vma, "%s", v ? r->rows[v->row].name : "");
	}
	free(tops);
	*out = rep;
	return 0;
}

/* The trace's records, block by block. */
static int replay_all(struct replay *r)
{
	int rc;
	while ((rc = trace_next_block(r->t)) == 1) {
		if ((rc = replay_block(r)))
			return rc;
		r->t->pos = r->t->len;
		if (r->o.progress)
			r->o.progress(r->o.ctx, r->t->off, r->t->size, r->accesses);
	}
	if (rc < 0)
		snprintf(r->err, r->err ? r->errlen : 0, "%s", r->t->msg);
	else if (r->o.progress)                         /* the trailer read: all done */
		r->o.progress(r->o.ctx, r->t->off, r->t->size, r->accesses);
	return rc;
}

/* See mmsim_trace.h. */
int mmsim_replay(mmsim_machine *m, const char *path, const struct mmsim_replay_options *o,
		 struct mmsim_replay_report **out, char *errbuf, size_t errlen)
{
	static const struct mmsim_replay_options defaults = { 0 };
	struct replay r = { .m = m, .o = o ? *o : defaults, .err = errbuf, .errlen = errlen };
	char cores[16] = "1";
	*out = NULL;
	if (mmsim_machine_is_host(m)) {
		snprintf(errbuf, errbuf ? errlen : 0, "replay: traces replay on a simulated machine, not the host");
		return -EOPNOTSUPP;
	}
	int rc = mmsim_trace_open(path, &r.t, errbuf, errlen);
	if (rc)
		return rc;
	r.info = mmsim_trace_info(r.t);
	r.flat = !(r.info->flags & MMSIM_TRACE_SYSCALLS);
	trace_read_ahead(r.t);                          /* if it cannot, the blocks load here */
	mmsim_machine_config_get(m, "cores", cores, sizeof cores);
	r.cores = atoi(cores) > 0 ? atoi(cores) : 1;
	r.next_sample = r.o.interval;
	r.outcome = malloc(RUN_MAX);
	if (!r.outcome)
		rc = rfail(&r, -ENOMEM, "no memory");
	if (!rc)
		rc = replay_all(&r);
	if (!rc && !r.before)                           /* a trace without records */
		rc = machine_stats(&r, &r.before, &r.nbefore);
	if (!rc) {
		sample(&r, true);
		rc = build_report(&r, out);
	}
	for (int i = 0; i < r.nprocs; i++)
		free(r.procs[i].vmas);
	free(r.procs);
	free(r.threads);
	free(r.rows);
	free(r.pages);
	free(r.flat_set);
	free(r.outcome);
	free(r.before);
	mmsim_trace_close(r.t);
	return rc;
}

/* See mmsim_trace.h. */
void mmsim_replay_report_free(struct mmsim_replay_report *rep)
{
	if (!rep)
		return;
	free(rep->stats);
	free(rep->vmas);
	free(rep->pages);
	free(rep);
}

/* See mmsim_trace.h. */
uint64_t mmsim_replay_stat(const struct mmsim_replay_report *rep, const char *name)
{
	for (size_t i = 0; i < rep->nstats; i++)
		if (!strcmp(rep->stats[i].name, name))
			return rep->stats[i].value;
	return 0;
}
