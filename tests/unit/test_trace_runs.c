/* Runs of L1 TLB hits on one page taken at once (hw_run, the replay's fast
 * path) and the look-ahead's prefetches (hw_prefetch_walk): the same counts
 * as one access at a time, at the MMU (counters, LRU stamps, PLRU bits) and
 * for a whole replay (the report byte for byte, with mmu.one_at_a_time = 1,
 * which turns both off, against the default). */
#include <criterion/criterion.h>

#include "mmsim.h"
#include "mmsim_trace.h"

#include "common.h"
#include "hw/machine.h"
#include "hw/mmu.h"
#include "hw/presets.h"
#include "hw/translate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- at the MMU ----------------------------------------------------------------- */

/* A core over its own RAM with pages 0..npages-1 at VA mapped (A set, D
 * as dirty says), page p to frame 64 + p. */
struct core {
	struct ram ram;
	struct hw_machine m;
	struct hw_cpu *cpu;
	uint64_t next;
};

#define VA 0x0000200000000000ULL

static uint64_t table_below(struct core *c, uint64_t pa)
{
	uint64_t e = ram_read64(&c->ram, pa);
	if (!(e & HW_PTE_P)) {
		e = hw_mk_table(c->next, HW_PTE_P | HW_PTE_RW | HW_PTE_US);
		c->next += HW_PAGE_SIZE;
		ram_write64(&c->ram, pa, e);
	}
	return e & HW_PTE_ADDR_MASK;
}

static void core_init(struct core *c, const char *preset, int npages, bool dirty)
{
	struct hw_config cfg = hw_preset_find(preset)->config;
	cfg.ram_bytes = 32ULL << 20;
	cfg.nr_cpus = 1;
	cr_assert_eq(ram_init(&c->ram, cfg.ram_bytes), 0);
	cr_assert_eq(hw_machine_init(&c->m, &cfg, &c->ram), 0);
	c->cpu = hw_machine_cpu(&c->m, 0);
	c->next = 1ULL << 20;
	uint64_t root = c->next;
	c->next += HW_PAGE_SIZE;
	cr_assert_eq(hw_mov_to_cr3(c->cpu, root), 0);
	for (int p = 0; p < npages; p++) {
		uint64_t va = VA + (uint64_t)p * HW_PAGE_SIZE, table = hw_cr3_base(c->cpu);
		for (int l = c->cpu->va_bits == 57 ? 5 : 4; l > HW_LVL_PT; l--)
			table = table_below(c, table + 8ULL * hw_va_index(va, l));
		ram_write64(&c->ram, table + 8ULL * hw_va_index(va, HW_LVL_PT),
			    hw_mk_page((uint64_t)(64 + p) * HW_PAGE_SIZE, HW_LVL_PT,
				       HW_PTE_P | HW_PTE_RW | HW_PTE_US | HW_PTE_A | (dirty ? HW_PTE_D : 0), 0));
	}
}

static void core_destroy(struct core *c)
{
	hw_machine_destroy(&c->m);
	ram_destroy(&c->ram);
}

/* The two cores counted the same and their L1 data TLBs are in the same
 * state (entries, LRU stamps and clock, PLRU bits). */
static void same_state(const struct core *a, const struct core *b)
{
	cr_assert_eq(memcmp(&a->cpu->ctr, &b->cpu->ctr, sizeof a->cpu->ctr), 0, "the counters differ");
	const struct hw_tlb *x = a->cpu->l1_fast[HW_READ], *y = b->cpu->l1_fast[HW_READ];
	size_t n = (size_t)x->sets * x->ways;
	cr_assert_eq(memcmp(x->key, y->key, n * sizeof *x->key), 0, "the entries differ");
	cr_assert_eq(memcmp(x->data, y->data, n * sizeof *x->data), 0, "the entries' data differ");
	cr_assert_eq(x->clock, y->clock, "LRU clocks %llu and %llu", (unsigned long long)x->clock,
		     (unsigned long long)y->clock);
	if (x->stamp)
		cr_assert_eq(memcmp(x->stamp, y->stamp, n * sizeof *x->stamp), 0, "the LRU stamps differ");
	else
		cr_assert_eq(memcmp(x->plru, y->plru, x->sets * sizeof *x->plru), 0, "the PLRU bits differ");
}

/* Touch page p of c at offset off (kind), one access as hw_touch_in_page. */
static void touch(struct core *c, int p, unsigned off, enum hw_access kind)
{
	struct hw_exception exc;
	int rc = hw_touch_in_page(c->cpu, VA + (uint64_t)p * HW_PAGE_SIZE + off, 8, kind, HW_USER, &exc);
	cr_assert_eq(rc, 0, "page %d: exception %d, error code %#x", p, exc.vector, (unsigned)exc.error_code);
}

/* On two twin cores of preset, after the same warm-up over npages pages:
 * a run on page p of loads and stores (pattern: bit i set, a store)
 * counted at once on one and made one by one on the other. */
static void run_vs_one_by_one(const char *preset, int npages, bool dirty, int p, int n, uint64_t pattern,
			      uint8_t want_ok)
{
	struct core a, b;
	core_init(&a, preset, npages, dirty);
	core_init(&b, preset, npages, dirty);
	for (int i = 0; i < 3 * npages; i++) {        /* the same warm-up: fills, evictions, stamps */
		touch(&a, (i * 7) % npages, 0, HW_READ);
		touch(&b, (i * 7) % npages, 0, HW_READ);
	}
	touch(&a, p, 0, HW_READ);                     /* the run's page in the L1 TLB */
	touch(&b, p, 0, HW_READ);
	same_state(&a, &b);
	struct hw_run run;
	cr_assert(hw_run_begin(a.cpu, VA + (uint64_t)p * HW_PAGE_SIZE + 8, HW_USER, &run), "page %d is in the L1 TLB", p);
	cr_assert_eq(run.ok, want_ok, "kinds allowed %#x (expected %#x)", run.ok, want_ok);
	uint64_t loads = 0, stores = 0;
	for (int i = 0; i < n; i++) {
		bool store = pattern >> (i % 64) & 1;
		loads += !store;
		stores += store;
		touch(&b, p, (unsigned)(8 * i) % 4096, store ? HW_WRITE : HW_READ);
	}
	hw_run_commit(a.cpu, &run, loads, stores);
	same_state(&a, &b);
	core_destroy(&a);
	core_destroy(&b);
}

Test(trace_runs, a_run_counts_as_its_accesses_one_by_one)
{
	/* LRU (default) and PLRU (zen4) L1 TLBs; loads only, mixed, stores only */
	const char *presets[] = { "default", "zen4", "sapphire-rapids", "teaching" };
	for (size_t i = 0; i < ARRAY_SIZE(presets); i++) {
		if (!hw_preset_find(presets[i]))
			continue;
		run_vs_one_by_one(presets[i], 40, true, 5, 512, 0, 3);
		run_vs_one_by_one(presets[i], 40, true, 39, 300, 0x8888888888888888ULL, 3);
		run_vs_one_by_one(presets[i], 12, true, 0, 1, ~0ULL, 3);
	}
}

Test(trace_runs, a_clean_page_takes_no_store_in_a_run)
{
	/* D clear: a store must walk to set it, so a run allows loads only */
	run_vs_one_by_one("default", 16, false, 3, 100, 0, 1u << HW_READ);
}

Test(trace_runs, no_run_where_an_access_is_more_than_the_hit)
{
	struct core c;
	struct hw_run run;
	core_init(&c, "default", 4, true);
	cr_assert(!hw_run_begin(c.cpu, VA, HW_USER, &run), "a page not in the TLB makes no run");
	touch(&c, 0, 0, HW_READ);
	cr_assert(hw_run_begin(c.cpu, VA + 100, HW_USER, &run));
	cr_assert(!hw_run_begin(c.cpu, VA + HW_PAGE_SIZE, HW_USER, &run), "another page");
	cr_assert(!hw_run_begin(c.cpu, 0x0000900000000000ULL, HW_USER, &run), "a non-canonical address");
	c.cpu->in_guest = 1;
	cr_assert(!hw_run_begin(c.cpu, VA, HW_USER, &run), "in a guest each access goes through EPT");
	c.cpu->in_guest = 0;
	c.cpu->mem = (struct hw_mem_core *)(uintptr_t)1;   /* not dereferenced: begin refuses first */
	cr_assert(!hw_run_begin(c.cpu, VA, HW_USER, &run), "with caches each access is charged");
	c.cpu->mem = NULL;
	core_destroy(&c);
}

/* ---- a whole replay ------------------------------------------------------------- */

#define A 0x10000000ULL           /* 600 pages, rwx */
#define B 0x30000000ULL           /* 8 pages, read-only */

struct writer {
	mmsim_trace_writer *w;
	struct mmsim_ref refs[4096];
	size_t n;
	uint32_t tid;
};

static void flush(struct writer *w)
{
	if (w->n)
		cr_assert_eq(mmsim_trace_write_accesses(w->w, w->refs, w->n), 0, "%s", mmsim_trace_writer_error(w->w));
	w->n = 0;
}

static void acc(struct writer *w, uint64_t addr, unsigned size, enum mmsim_access kind)
{
	if (w->n == ARRAY_SIZE(w->refs))
		flush(w);
	w->refs[w->n++] = (struct mmsim_ref){ .addr = addr, .size = (uint16_t)size, .kind = (uint8_t)kind, .tid = w->tid };
}

static void event(struct writer *w, struct mmsim_trace_record r)
{
	flush(w);
	r.tid = w->tid;
	cr_assert_eq(mmsim_trace_write(w->w, &r), 0, "%s", mmsim_trace_writer_error(w->w));
}

static void sys(struct writer *w, unsigned nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, int64_t result)
{
	event(w, (struct mmsim_trace_record){ .type = MMSIM_TRACE_SYSCALL,
					      .syscall = { .nr = nr, .args = { a0, a1, a2, a3, (uint64_t)-1, 0 },
							   .result = result } });
}

/* A pass of thread w->tid over pages [first, first + n) of A: runs of
 * loads, stores and read-modify-writes 8 bytes apart, an access across
 * each page's end, fetches, and a random access now and then. */
static void pass(struct writer *w, int first, int n, uint64_t *seed)
{
	for (int p = first; p < first + n; p++) {
		uint64_t page = A + (uint64_t)p * 4096;
		for (unsigned off = 0; off < 4096; off += 8 * (1 + p % 3)) {
			unsigned k = (off / 8 + (unsigned)p) % 11;
			acc(w, page + off, 8, k < 6 ? MMSIM_READ : k < 9 ? MMSIM_WRITE : k < 10 ? MMSIM_MODIFY : MMSIM_READ);
			if (off % 1024 == 512) {
				*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
				acc(w, A + (*seed >> 33) % (600 * 4096), 4, MMSIM_READ);
			}
		}
		if (p < 599)
			acc(w, page + 4092, 8, MMSIM_READ);  /* across the page's end */
		acc(w, page + 64, 16, MMSIM_FETCH);
	}
}

static void write_varied(const char *path)
{
	char err[700];
	struct mmsim_trace_meta meta = { .flags = MMSIM_TRACE_SYSCALLS, .program = "runs" };
	struct writer w = { .tid = 1 };
	uint64_t seed = 42;
	cr_assert_eq(mmsim_trace_create(path, &meta, &w.w, err, sizeof err), 0, "%s", err);
	sys(&w, 9, 0, 600 * 4096, 7, 0x22, (int64_t)A);
	sys(&w, 9, 0, 8 * 4096, 1, 0x22, (int64_t)B);
	pass(&w, 0, 80, &seed);
	for (int i = 0; i < 3000; i++)                  /* loads of the zero page, then of B */
		acc(&w, B + (uint64_t)(i % 8) * 4096 + (uint64_t)(i % 512) * 8, 8, MMSIM_READ);
	pass(&w, 100, 500, &seed);                      /* more pages than the TLBs hold */
	event(&w, (struct mmsim_trace_record){ .type = MMSIM_TRACE_THREAD, .clone = { .child = 2 } });
	w.tid = 2;
	pass(&w, 0, 40, &seed);                         /* on the second core */
	sys(&w, 28, A + 10 * 4096, 20 * 4096, MADV_DONTNEED, 0, 0);
	w.tid = 1;
	pass(&w, 5, 30, &seed);                         /* refaults after the shootdown */
	sys(&w, 10, A, 50 * 4096, PROT_READ, 0, 0);
	for (int i = 0; i < 4000; i++)
		acc(&w, A + (uint64_t)(i % 50) * 4096 + (uint64_t)(i % 500) * 8, 8, MMSIM_READ);
	sys(&w, 10, A, 50 * 4096, PROT_READ | PROT_WRITE | PROT_EXEC, 0, 0);
	pass(&w, 0, 60, &seed);                         /* stores after the TLB flush */
	event(&w, (struct mmsim_trace_record){ .type = MMSIM_TRACE_FORK, .clone = { .child = 3 } });
	w.tid = 3;
	pass(&w, 0, 20, &seed);                         /* COW in the child */
	w.tid = 1;
	pass(&w, 10, 20, &seed);                        /* and in the parent */
	sys(&w, 11, B, 8 * 4096, 0, 0, 0);
	w.tid = 3;
	event(&w, (struct mmsim_trace_record){ .type = MMSIM_TRACE_EXIT, .exit = { .group = 1 } });
	w.tid = 1;
	pass(&w, 590, 10, &seed);
	flush(&w);
	cr_assert_eq(mmsim_trace_finish(w.w, err, sizeof err), 0, "%s", err);
}

/* write_varied's trace in a new file, its name into path. */
static void varied_trace(char path[64])
{
	snprintf(path, 64, "/tmp/mmsim-runs-test-XXXXXX");
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	write_varied(path);
}

/* The report of path replayed on a 2-core machine of preset, with
 * mmu.one_at_a_time and thp as given, listing top pages; its text into
 * *text. */
static struct mmsim_replay_report *replay_top(const char *path, const char *preset, const char *one,
					      const char *thp, int top, char **text)
{
	char err[700];
	mmsim_config *c = mmsim_config_new(preset, NULL);
	mmsim_machine *m;
	cr_assert(c);
	cr_assert_eq(mmsim_config_set(c, "cores", "2", err, sizeof err), 0, "%s", err);
	cr_assert_eq(mmsim_config_set(c, "mmu.one_at_a_time", one, err, sizeof err), 0, "%s", err);
	cr_assert_eq(mmsim_config_set(c, "thp", thp, err, sizeof err), 0, "%s", err);
	cr_assert_eq(mmsim_machine_new(c, &m, err, sizeof err), 0, "%s", err);
	mmsim_config_free(c);
	struct mmsim_replay_report *r;
	struct mmsim_replay_options o = { .top_pages = top };
	cr_assert_eq(mmsim_replay(m, path, &o, &r, err, sizeof err), 0, "%s", err);
	*text = mmsim_replay_report_text(r);
	cr_assert(*text);
	mmsim_machine_free(m);
	return r;
}

/* The same, listing 50 pages. */
static struct mmsim_replay_report *replay_thp(const char *path, const char *preset, const char *one,
					      const char *thp, char **text)
{
	return replay_top(path, preset, one, thp, 50, text);
}

/* The same with the machine's default THP mode (madvise). */
static struct mmsim_replay_report *replay(const char *path, const char *preset, const char *one, char **text)
{
	return replay_thp(path, preset, one, "madvise", text);
}

/* The report's fast (runs) and one-at-a-time replays agree: every counter
 * and the text. */
static void same_reports(const char *what, const struct mmsim_replay_report *fast, const char *fast_text,
			 const struct mmsim_replay_report *slow, const char *slow_text)
{
	cr_assert_eq(fast->nstats, slow->nstats);
	for (size_t i = 0; i < fast->nstats; i++) {
		cr_assert_str_eq(fast->stats[i].name, slow->stats[i].name);
		cr_assert_eq(fast->stats[i].value, slow->stats[i].value, "%s: %s %llu, one at a time %llu", what,
			     fast->stats[i].name, (unsigned long long)fast->stats[i].value,
			     (unsigned long long)slow->stats[i].value);
	}
	cr_assert_str_eq(fast_text, slow_text);
}

Test(trace_runs, a_replay_reports_the_same_with_and_without_runs)
{
	char path[64];
	varied_trace(path);
	const char *presets[] = { "default", "zen4", "teaching" };
	for (size_t p = 0; p < ARRAY_SIZE(presets); p++) {
		char *fast_text, *slow_text;
		struct mmsim_replay_report *fast = replay(path, presets[p], "0", &fast_text);
		struct mmsim_replay_report *slow = replay(path, presets[p], "1", &slow_text);
		cr_assert_eq(mmsim_replay_stat(fast, "replay.mismatches"), 0, "%s", fast->first_mismatch);
		cr_assert_gt(mmsim_replay_stat(fast, "replay.walks"), 1000, "the trace misses the TLBs too");
		cr_assert_gt(mmsim_replay_stat(fast, "replay.faulted"), 100, "and faults");
		same_reports(presets[p], fast, fast_text, slow, slow_text);
		free(fast_text);
		free(slow_text);
		mmsim_replay_report_free(fast);
		mmsim_replay_report_free(slow);
	}
	remove(path);
}

/* ---- 4 KiB pages against THP ------------------------------------------------------ */

#define H 0x40000000ULL           /* 4 MiB, 2 MiB aligned */

/* A trace: 4 MiB mapped at H (with madvise(MADV_HUGEPAGE) when advise),
 * a store to each of its pages, then loads 8 bytes apart over it with a
 * random one now and then, and fetches from a small read-only mapping B
 * (never huge: 8 pages). The number of fetches. */
static uint64_t write_huge(const char *path, bool advise)
{
	char err[700];
	struct mmsim_trace_meta meta = { .flags = MMSIM_TRACE_SYSCALLS, .program = "thp" };
	struct writer w = { .tid = 1 };
	uint64_t seed = 7, fetches = 0;
	cr_assert_eq(mmsim_trace_create(path, &meta, &w.w, err, sizeof err), 0, "%s", err);
	sys(&w, 9, H, 4ULL << 20, 3, 0x22 | MAP_FIXED_NOREPLACE, (int64_t)H);
	if (advise)
		sys(&w, 28, H, 4ULL << 20, MADV_HUGEPAGE, 0, 0);
	sys(&w, 9, B, 8 * 4096, 5, 0x22 | MAP_FIXED_NOREPLACE, (int64_t)B);
	for (uint64_t p = 0; p < 1024; p++)
		acc(&w, H + p * 4096 + 8, 8, MMSIM_WRITE);
	for (uint64_t off = 0; off < (4ULL << 20); off += 8 * 17) {
		acc(&w, H + off, 8, off % 3 ? MMSIM_READ : MMSIM_MODIFY);
		if (off % 4096 < 17 * 8) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			acc(&w, H + ((seed >> 20) & ((4ULL << 20) - 8)), 8, MMSIM_READ);
			acc(&w, B + (seed >> 40) % 8 * 4096, 4, MMSIM_FETCH);
			fetches++;
		}
	}
	flush(&w);
	cr_assert_eq(mmsim_trace_finish(w.w, err, sizeof err), 0, "%s", err);
	return fetches;
}

/* Counter name of report r. */
#define RS(r, name) mmsim_replay_stat(r, name)

/* The split of r's accesses by page size adds up to its totals, and its
 * mapping rows' huge accesses to the huge ones. */
static void split_adds_up(const struct mmsim_replay_report *r)
{
	static const char *const what[][2] = { { "accesses", "replay.accesses" }, { "l1_misses", "replay.l1_misses" },
					       { "walks", "replay.walks" }, { "faulted", "replay.faulted" } };
	char a[48], b[48];
	for (size_t i = 0; i < ARRAY_SIZE(what); i++) {
		snprintf(a, sizeof a, "replay.4k.%s", what[i][0]);
		snprintf(b, sizeof b, "replay.huge.%s", what[i][0]);
		cr_assert_eq(RS(r, a) + RS(r, b), RS(r, what[i][1]), "%s", what[i][0]);
	}
	uint64_t huge = 0;
	for (size_t i = 0; i < r->nvmas; i++)
		huge += r->vmas[i].huge_accesses;
	cr_assert_eq(huge, RS(r, "replay.huge.accesses"));
}

Test(trace_runs, the_report_splits_4k_pages_from_thp)
{
	char path[64], adv[64];
	snprintf(path, sizeof path, "/tmp/mmsim-thp-test-XXXXXX");
	snprintf(adv, sizeof adv, "/tmp/mmsim-thp-adv-XXXXXX");
	int fd = mkstemp(path), fd2 = mkstemp(adv);
	cr_assert(fd >= 0 && fd2 >= 0);
	close(fd);
	close(fd2);
	uint64_t fetches = write_huge(path, false);
	write_huge(adv, true);
	char *t4, *th, *tm, *ta, *slow_text;

	/* thp=never: every access on 4 KiB pages, one fault per page of H */
	struct mmsim_replay_report *small = replay_thp(path, "default", "0", "never", &t4);
	split_adds_up(small);
	cr_assert_eq(RS(small, "replay.mismatches"), 0, "%s", small->first_mismatch);
	cr_assert_eq(RS(small, "replay.huge.accesses"), 0);
	cr_assert_eq(RS(small, "replay.4k.accesses"), small->accesses);
	cr_assert_eq(RS(small, "replay.4k.faulted"), 1024 + 8, "a fault per page of H, and of B (its fetches)");
	cr_assert_gt(RS(small, "replay.4k.walks"), 1024);

	/* thp=always: H's accesses on two THPs, a fault for each; B's fetches on 4 KiB pages */
	struct mmsim_replay_report *huge = replay_thp(path, "default", "0", "always", &th);
	split_adds_up(huge);
	cr_assert_eq(RS(huge, "replay.mismatches"), 0, "%s", huge->first_mismatch);
	cr_assert_eq(RS(huge, "vm.thp_fault_alloc"), 2);
	cr_assert_eq(RS(huge, "replay.huge.faulted"), 2);
	cr_assert_eq(RS(huge, "replay.4k.faulted"), 8);
	cr_assert_eq(RS(huge, "replay.huge.accesses") + RS(huge, "replay.4k.accesses"), huge->accesses);
	cr_assert_eq(RS(huge, "replay.4k.accesses"), fetches, "only B's fetches on 4 KiB pages");
	cr_assert_lt(RS(huge, "replay.huge.walks") * 50, RS(small, "replay.4k.walks"),
		     "a THP needs a walk where 512 small pages need 512: %llu against %llu",
		     (unsigned long long)RS(huge, "replay.huge.walks"), (unsigned long long)RS(small, "replay.4k.walks"));
	cr_assert(strstr(th, "by page size (the page that translated each access):"), "%s", th);
	char line[128];
	snprintf(line, sizeof line, "  %-14s %14llu ", "faulted", (unsigned long long)RS(huge, "replay.4k.faulted"));
	cr_assert(strstr(th, line), "the text's row of faults: %s", th);

	/* the same counted one access at a time */
	struct mmsim_replay_report *slow = replay_thp(path, "default", "1", "always", &slow_text);
	same_reports("thp=always", huge, th, slow, slow_text);

	/* madvise: only the advised mapping is huge */
	struct mmsim_replay_report *plain = replay_thp(path, "default", "0", "madvise", &tm);
	struct mmsim_replay_report *advised = replay_thp(adv, "default", "0", "madvise", &ta);
	split_adds_up(advised);
	cr_assert_eq(RS(plain, "replay.huge.accesses"), 0);
	cr_assert_eq(RS(advised, "replay.huge.faulted"), 2);
	cr_assert_eq(RS(advised, "replay.huge.accesses"), RS(huge, "replay.huge.accesses"));

	free(t4);
	free(th);
	free(tm);
	free(ta);
	free(slow_text);
	mmsim_replay_report_free(small);
	mmsim_replay_report_free(huge);
	mmsim_replay_report_free(slow);
	mmsim_replay_report_free(plain);
	mmsim_replay_report_free(advised);
	remove(path);
	remove(adv);
}

/* The top pages are those of a full ranking, cut: the same first pages
 * whatever the number asked for, in order (walks, then L1 misses, then
 * process and address, most first), as many as asked for or as there are. */
Test(trace_runs, the_top_pages_are_a_full_ranking_cut)
{
	char path[64];
	varied_trace(path);
	const int tops[] = { 1, 3, 10, 50, 100000 };
	struct mmsim_replay_report *all = NULL;
	for (size_t t = ARRAY_SIZE(tops); t-- > 0;) {
		char *text;
		struct mmsim_replay_report *r = replay_top(path, "default", "0", "madvise", tops[t], &text);
		free(text);
		if (!all) {                             /* the most: every page that missed */
			all = r;
			cr_assert_gt(all->npages, 600, "the trace's pages (and more) missed");
			cr_assert_lt(all->npages, (size_t)tops[t]);
			for (size_t i = 1; i < all->npages; i++) {
				const struct mmsim_replay_page *a = &all->pages[i - 1], *b = &all->pages[i];
				cr_assert(a->walks > b->walks || (a->walks == b->walks && (a->l1_misses > b->l1_misses ||
					  (a->l1_misses == b->l1_misses && (a->pid < b->pid ||
					   (a->pid == b->pid && a->addr < b->addr))))), "page %zu in order", i);
			}
			continue;
		}
		cr_assert_eq(r->npages, (size_t)tops[t]);
		for (size_t i = 0; i < r->npages; i++) {
			cr_assert_eq(r->pages[i].pid, all->pages[i].pid, "top %d, page %zu", tops[t], i);
			cr_assert_eq(r->pages[i].addr, all->pages[i].addr, "top %d, page %zu", tops[t], i);
			cr_assert_eq(r->pages[i].walks, all->pages[i].walks);
			cr_assert_eq(r->pages[i].l1_misses, all->pages[i].l1_misses);
			cr_assert_eq(r->pages[i].faults, all->pages[i].faults);
			cr_assert_eq(r->pages[i].accesses, all->pages[i].accesses);
			cr_assert_str_eq(r->pages[i].vma, all->pages[i].vma);
		}
		mmsim_replay_report_free(r);
	}
	mmsim_replay_report_free(all);
	remove(path);
}
