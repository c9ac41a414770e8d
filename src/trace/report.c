/* trace/report.c — a replay's report as text (what `mmsim replay` prints). */
#include "trace/replay.h"
#include "common.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Text growing in a malloc'd buffer; on no memory it stays NULL. */
struct text {
	char *s;
	size_t len, cap;
	bool failed;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		if (t->failed)
			return;
		va_start(ap, fmt);
		int n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->failed = true;
			return;
		}
		if (t->s && t->len + (size_t)n < t->cap) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = (t->cap + (size_t)n + 1) * 2;
		char *s = realloc(t->s, cap);
		if (!s) {
			t->failed = true;
			return;
		}
		t->s = s;
		t->cap = cap;
	}
}

/* part / whole as a percentage, "-" when whole is 0. */
static const char *pct(char *buf, size_t len, uint64_t part, uint64_t whole)
{
	if (!whole)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f%%", 100.0 * (double)part / (double)whole);
	return buf;
}

/* The report's counter by name. */
#define S(name) mmsim_replay_stat(r, name)

/* The TLB lines: a level's hits by page size and its misses. */
static void tlb_level(struct text *t, const struct mmsim_replay_report *r, const char *label, const char *lv)
{
	static const char *const sizes[] = { "4k", "2m", "1g" };
	char name[64], p[32];
	uint64_t hits = 0, misses = 0, h[3];
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof name, "tlb.%s.hit.%s", lv, sizes[i]);
		hits += h[i] = S(name);
	}
	for (int i = 0; i < 4; i++) {
		snprintf(name, sizeof name, "tlb.%s.miss.%s", lv, i < 3 ? sizes[i] : "none");
		misses += S(name);
	}
	add(t, "  %-9s %14llu hits (4K %llu, 2M %llu, 1G %llu), %llu misses (%s miss rate)\n", label,
	    (unsigned long long)hits, (unsigned long long)h[0], (unsigned long long)h[1], (unsigned long long)h[2],
	    (unsigned long long)misses, pct(p, sizeof p, misses, hits + misses));
}

/* The accesses by the size of the page that translated them: 4 KiB pages
 * against huge ones (THP), side by side, with each one's share of the L1
 * TLB misses, walks and faults. */
static void by_page_size(struct text *t, const struct mmsim_replay_report *r)
{
	static const char *const what[] = { "accesses", "l1_misses", "walks", "faulted" };
	static const char *const label[] = { "accesses", "L1 TLB misses", "page walks", "faulted" };
	char name[48], p[2][32];
	add(t, "by page size (the page that translated each access):\n  %-14s %14s %8s %14s %8s\n", "",
	    "4 KiB pages", "share", "huge (THP)", "share");
	for (size_t i = 0; i < ARRAY_SIZE(what); i++) {
		uint64_t v[2];
		for (int h = 0; h < 2; h++) {
			snprintf(name, sizeof name, "replay.%s.%s", h ? "huge" : "4k", what[i]);
			v[h] = S(name);
		}
		add(t, "  %-14s %14llu %8s %14llu %8s\n", label[i], (unsigned long long)v[0],
		    pct(p[0], sizeof p[0], v[0], v[0] + v[1]), (unsigned long long)v[1],
		    pct(p[1], sizeof p[1], v[1], v[0] + v[1]));
	}
}

/* See mmsim_trace.h. */
char *mmsim_replay_report_text(const struct mmsim_replay_report *r)
{
	struct text t = { 0 };
	char p1[32], p2[32];
	uint64_t acc = r->accesses, walks = S("replay.walks"), refs = S("walk_refs"), cycles = S("cycles");

	add(&t, "replay: %llu records, %llu accesses (translations: %llu reads, %llu writes, %llu fetches), %llu system calls, "
	    "%d process%s, %d thread%s\n", (unsigned long long)r->records, (unsigned long long)acc,
	    (unsigned long long)S("accesses.read"), (unsigned long long)S("accesses.write"),
	    (unsigned long long)S("accesses.fetch"), (unsigned long long)r->syscalls, r->processes,
	    r->processes == 1 ? "" : "es", r->threads, r->threads == 1 ? "" : "s");
	if (r->flat)
		add(&t, "  flat mode (the trace has no system calls): %llu regions of 2 MiB mapped on first touch, "
		    "%llu system calls not made\n", (unsigned long long)r->flat_maps,
		    (unsigned long long)S("replay.syscalls_not_replayed"));
	if (S("replay.skipped"))
		add(&t, "  %llu accesses outside the user address space skipped\n",
		    (unsigned long long)S("replay.skipped"));
	if (!r->flat)
		add(&t, "  system call results: %llu differ from the capture%s%s\n", (unsigned long long)r->mismatches,
		    r->mismatches ? "; the first: " : "", r->first_mismatch);
	add(&t, "TLBs (translations: an access across a page boundary needs two)\n");
	tlb_level(&t, r, "L1 data", "l1d");
	tlb_level(&t, r, "L1 instr", "l1i");
	tlb_level(&t, r, "L2 (STLB)", "l2");
	add(&t, "  accesses that missed the L1 TLB %llu (%s), needed a walk %llu (%s)\n",
	    (unsigned long long)S("replay.l1_misses"), pct(p1, sizeof p1, S("replay.l1_misses"), acc),
	    (unsigned long long)walks, pct(p2, sizeof p2, walks, acc));
	add(&t, "page walks: %llu, %llu entry references (%.2f per walk); paging-structure cache hits: PDE %llu, "
	    "PDPTE %llu, PML4E %llu, PML5E %llu\n", (unsigned long long)S("walks"), (unsigned long long)refs,
	    S("walks") ? (double)refs / (double)S("walks") : 0.0, (unsigned long long)S("pwc.pde.hit"),
	    (unsigned long long)S("pwc.pdpte.hit"), (unsigned long long)S("pwc.pml4e.hit"),
	    (unsigned long long)S("pwc.pml5e.hit"));
	add(&t, "page faults: %llu (%llu minor, %llu major); by cause: not present %llu, protection %llu "
	    "(copy-on-write among them), writes %llu\n", (unsigned long long)S("pf.total"),
	    (unsigned long long)(S("vm.pgfault") - S("vm.pgmajfault")), (unsigned long long)S("vm.pgmajfault"),
	    (unsigned long long)S("pf.not_present"), (unsigned long long)S("pf.protection"),
	    (unsigned long long)S("pf.write"));
	add(&t, "TLB shootdowns: %llu remote flushes sent, %llu received; local flushes: %llu full, %llu single\n",
	    (unsigned long long)S("vm.nr_tlb_remote_flush"), (unsigned long long)S("vm.nr_tlb_remote_flush_received"),
	    (unsigned long long)S("vm.nr_tlb_local_flush_all"), (unsigned long long)S("vm.nr_tlb_local_flush_one"));
	add(&t, "THP: %llu huge-page faults, %llu fallbacks, %llu collapses, %llu splits\n",
	    (unsigned long long)S("vm.thp_fault_alloc"), (unsigned long long)S("vm.thp_fault_fallback"),
	    (unsigned long long)S("vm.thp_collapse_alloc"), (unsigned long long)S("vm.thp_split_pmd"));
	by_page_size(&t, r);
	add(&t, "cycles (the cost model): %llu, of which translation beyond L1 TLB hits %llu (%s)\n",
	    (unsigned long long)cycles, (unsigned long long)S("replay.translation_cycles"),
	    pct(p1, sizeof p1, S("replay.translation_cycles"), cycles));

	add(&t, "\nby mapping:\n  %6s  %-36s %14s %12s %12s %10s %14s\n", "pid", "mapping", "accesses", "L1 misses",
	    "walks", "faults", "on huge pages");
	for (size_t i = 0; i < r->nvmas; i++) {
		const struct mmsim_replay_vma *v = &r->vmas[i];
		add(&t, "  %6d  %-36.36s %14llu %12llu %12llu %10llu %14llu\n", v->pid, v->name,
		    (unsigned long long)v->accesses, (unsigned long long)v->l1_misses, (unsigned long long)v->walks,
		    (unsigned long long)v->faults, (unsigned long long)v->huge_accesses);
	}
	add(&t, "\ntop pages by walks, then L1 TLB misses:\n  %6s  %-18s %12s %12s %10s  %s\n", "pid", "page",
	    "walks", "L1 misses", "faults", "mapping");
	for (size_t i = 0; i < r->npages; i++) {
		const struct mmsim_replay_page *g = &r->pages[i];
		add(&t, "  %6d  %#-18llx %12llu %12llu %10llu  %s\n", g->pid, (unsigned long long)g->addr,
		    (unsigned long long)g->walks, (unsigned long long)g->l1_misses, (unsigned long long)g->faults,
		    g->vma);
	}
	if (S("replay.pages_untracked_misses"))
		add(&t, "  (%llu misses were on pages past the first 1048576 distinct ones, not ranked)\n",
		    (unsigned long long)S("replay.pages_untracked_misses"));
	if (t.failed) {
		free(t.s);
		return NULL;
	}
	return t.s;
}
