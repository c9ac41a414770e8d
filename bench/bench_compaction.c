/*
 * bench/bench_compaction.c — page migration and compaction (issue 13),
 * wall-clock time of the simulator:
 *
 * migrate: a process has written 64 MiB (16 Ki pages) of a 256 MiB machine;
 * all its pages are isolated and migrate_pages moves them (in batches of
 * 512, each page's PTE through a migration entry, the bytes copied, one
 * TLB flush per batch): pages migrated per second, beside the first-touch
 * faults per second that wrote them (the ratio: a migration's cost in
 * faults).
 * compaction: the same process writes 160 MiB, frees every other page,
 * and /proc/sys/vm/compact_memory compacts the machine (both scanners over
 * every pageblock): pages migrated per second of compaction, and the
 * pfns scanned per second.
 */
#include "bench.h"
#include "machine.h"

#include "hw/translate.h"
#include "kernel/compaction.h"
#include "kernel/fault.h"
#include "kernel/memory.h"
#include "kernel/migrate.h"
#include "kernel/mman.h"
#include "kernel/page_list.h"
#include "kernel/sched.h"
#include "kernel/task.h"

#include <stdio.h>
#include <stdlib.h>

#define MIB (1ULL << 20)
#define PG  4096ULL

/* Write one word into each page of [a, a + len) as t; returns the wall ns. */
static uint64_t write_pages(struct machine *m, struct task_struct *t, uint64_t a, uint64_t len)
{
	uint64_t t0 = bench_now_ns();
	for (uint64_t off = 0; off < len; off += PG) {
		uint64_t v = off / PG;
		if (task_access(&m->k, t, a + off, &v, sizeof v, HW_WRITE)) {
			fprintf(stderr, "bench: simulated write at %#llx failed\n", (unsigned long long)(a + off));
			exit(1);
		}
	}
	return bench_now_ns() - t0;
}

/* Check that page i of [a, ...) still holds i. */
static void check_pages(struct machine *m, struct task_struct *t, uint64_t a, uint64_t len, uint64_t step)
{
	for (uint64_t off = step == 2 ? PG : 0; off < len; off += step * PG) {
		uint64_t v = 0;
		if (task_access(&m->k, t, a + off, &v, sizeof v, HW_READ) || v != off / PG) {
			fprintf(stderr, "bench: page %llu lost its bytes\n", (unsigned long long)(off / PG));
			exit(1);
		}
	}
}

BENCH(migrate)
{
	uint64_t len = (ctx->quick ? 16 : 64) * MIB, a;
	struct machine *m = boot(256 * MIB);
	struct task_struct *t = sim_process(m, len, &a);
	double fault_ns = (double)write_pages(m, t, a, len) / (double)(len / PG);
	struct page_list l;
	page_list_init(&l);
	for (uint64_t off = 0; off < len; off += PG) {
		int err;
		pte_t *pte = pte_walk(&m->k, t->mm, a + off, false, &err);
		if (!pte || !isolate_folio_to_list(&m->k, vm_normal_page(&m->k, *pte), &l)) {
			fprintf(stderr, "bench: page at %#llx cannot be isolated\n", (unsigned long long)(a + off));
			exit(1);
		}
	}
	unsigned moved = 0;
	uint64_t t0 = bench_now_ns();
	int rc = migrate_pages(&m->k, &l, alloc_migration_target, NULL, 0, MIGRATE_ASYNC, MR_COMPACTION, &moved);
	uint64_t dt = bench_now_ns() - t0;
	if (rc || moved != len / PG) {
		fprintf(stderr, "bench: migrate_pages moved %u of %llu pages (%d)\n", moved,
			(unsigned long long)(len / PG), rc);
		exit(1);
	}
	check_pages(m, t, a, len, 1);
	double rate = (double)moved * 1e9 / (double)dt;
	bench_figure("migrate_pages_per_s", rate, "/s");
	bench_ratio("migrate_vs_first_touch_fault", (double)dt / (double)moved, fault_ns);
	do_group_exit(&m->k, t, 0);
	shutdown_machine(m);
}

BENCH(compaction)
{
	uint64_t len = (ctx->quick ? 64 : 160) * MIB, a;
	struct machine *m = boot(256 * MIB);
	struct task_struct *t = sim_process(m, len, &a);
	write_pages(m, t, a, len);
	for (uint64_t off = 0; off < len; off += 2 * PG)
		do_madvise(&m->k, t, a + off, PG, MADV_DONTNEED);
	uint64_t moved = m->k.vm_events[PGMIGRATE_SUCCESS];
	uint64_t scanned = m->k.vm_events[COMPACTMIGRATE_SCANNED] + m->k.vm_events[COMPACTFREE_SCANNED];
	uint64_t t0 = bench_now_ns();
	compact_nodes(&m->k);
	uint64_t dt = bench_now_ns() - t0;
	moved = m->k.vm_events[PGMIGRATE_SUCCESS] - moved;
	scanned = m->k.vm_events[COMPACTMIGRATE_SCANNED] + m->k.vm_events[COMPACTFREE_SCANNED] - scanned;
	if (!moved) {
		fprintf(stderr, "bench: compaction moved nothing\n");
		exit(1);
	}
	check_pages(m, t, a, len, 2);
	bench_figure("compaction_pages_per_s", (double)moved * 1e9 / (double)dt, "/s");
	bench_figure("compaction_scanned_per_s", (double)scanned * 1e9 / (double)dt, "/s");
	do_group_exit(&m->k, t, 0);
	shutdown_machine(m);
}
